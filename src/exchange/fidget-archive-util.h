/* fidget-archive-util.h: writing an archive file through libarchive, atomically
 *
 * Shared by the dataset archives (fidget-package-archive.c) and the work packages
 * (fidget-work-package.c): the archive is written to a hidden temporary name beside the
 * target and renamed only when complete and synced, so a failed or cancelled write never
 * leaves a file that looks finished (and an earlier file at that name stays as it was).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fidget-package-archive.h"

G_BEGIN_DECLS

struct archive;

/* What the archive is to the user: only the wording of the messages differs. */
typedef enum
{
  FIDGET_ARCHIVE_OF_DATASET,
  FIDGET_ARCHIVE_OF_WORK_PACKAGE,
} FidgetArchiveOf;

typedef struct
{
  struct archive  *archive;
  int              fd;
  char            *tmp_path;
  const char      *path;
  /* The folder every entry goes under (owned; NULL: entries at the top). */
  char            *root;
  gint64           mtime;
  FidgetArchiveOf  of;
} FidgetArchiveWriter;

/* Starts @path (not yet there under that name) in @format; on failure nothing is left. */
gboolean fidget_archive_writer_open    (FidgetArchiveWriter  *writer,
                                        const char           *path,
                                        FidgetArchiveFormat   format,
                                        FidgetArchiveOf       of,
                                        GError              **error);

/* A plain file entry of @size bytes named @name (under the root); its data follows. */
gboolean fidget_archive_writer_header  (FidgetArchiveWriter  *writer,
                                        const char           *name,
                                        gint64                size,
                                        GError              **error);

gboolean fidget_archive_writer_data    (FidgetArchiveWriter  *writer,
                                        const void           *data,
                                        gsize                 length,
                                        GError              **error);

/* Told of each piece of a file streamed in (@length bytes). */
typedef void (*FidgetArchiveChunkFunc) (gsize    length,
                                        gpointer user_data);

/* Streams @size bytes of the open file @fd (@file in messages) into a new entry @name through
 * @buffer (@buffer_size bytes), adding them to @checksum; @fd stays open. */
gboolean fidget_archive_writer_add_fd  (FidgetArchiveWriter     *writer,
                                        const char              *name,
                                        int                      fd,
                                        gint64                   size,
                                        const char              *file,
                                        guchar                  *buffer,
                                        gsize                    buffer_size,
                                        GCancellable            *cancellable,
                                        GChecksum               *checksum,
                                        FidgetArchiveChunkFunc   chunk,
                                        gpointer                 chunk_data,
                                        GError                 **error);

/* Finishes the archive, syncs it and only then gives it its name; discards it on failure. */
gboolean fidget_archive_writer_finish  (FidgetArchiveWriter  *writer,
                                        GError              **error);

/* Drops a writer that will not be finished, and its temporary file. */
void     fidget_archive_writer_discard (FidgetArchiveWriter  *writer);

G_END_DECLS
