/* fidget-csv.h: reading and writing comma-separated values (RFC 4180)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FidgetCsvReader FidgetCsvReader;

/* Reads records from @contents (not copied: it must outlive the reader). @display_name names
 * the file in error messages. A UTF-8 byte order mark is skipped; lines may end in LF or CRLF. */
FidgetCsvReader *fidget_csv_reader_new      (const char       *display_name,
                                             const char       *contents,
                                             gsize             length);
void             fidget_csv_reader_free     (FidgetCsvReader  *self);

/* The next record, or FALSE at the end (@error unset) or on malformed input (@error set, with
 * the file's name and line). Blank lines are skipped. The fields belong to the reader and stay
 * valid until the next call. */
gboolean         fidget_csv_reader_next     (FidgetCsvReader  *self,
                                             const char *const **fields,
                                             guint            *n_fields,
                                             GError          **error);
/* The 1-based line on which the last record began. */
guint            fidget_csv_reader_get_line (FidgetCsvReader  *self);
const char      *fidget_csv_reader_get_name (FidgetCsvReader  *self);

/* Appends @value as one field, quoted when it needs to be; NULL is an empty field. */
void             fidget_csv_append_field    (GString          *out,
                                             const char       *value);
/* Appends the fields of a NULL-terminated array, separated by commas, and a newline. */
void             fidget_csv_append_row      (GString          *out,
                                             const char *const *fields);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetCsvReader, fidget_csv_reader_free)

G_END_DECLS
