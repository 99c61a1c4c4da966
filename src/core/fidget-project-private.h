/* fidget-project-private.h: internals shared with tests, benchmarks and the rest of core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "fidget-project.h"

G_BEGIN_DECLS

/* The connection, for tests that inspect the file and benchmarks that fill it in bulk. */
sqlite3       *fidget_project_get_db              (FidgetProject        *self);

/* How long a statement waits for another program's lock before giving up (default 2000 ms). */
void           fidget_project_set_busy_timeout    (FidgetProject        *self,
                                                   int                   milliseconds);

/* What the review workflow (fidget-review.c) and agreement share with the store: they write in
 * the same file, in the same kind of transaction, with the same audit log. */

/* A cached statement for @sql (a string literal: its address is the key), reset and cleared. */
sqlite3_stmt  *fidget_project_prepare             (FidgetProject        *self,
                                                   const char           *sql,
                                                   GError              **error);
/* Runs a statement that returns no rows, then resets it. */
gboolean       fidget_project_step_done           (FidgetProject        *self,
                                                   sqlite3_stmt         *stmt,
                                                   const char           *what,
                                                   GError              **error);
/* Turns an SQLite result code into a FIDGET_ERROR; always returns FALSE. */
gboolean       fidget_project_sqlite_error        (FidgetProject        *self,
                                                   GError              **error,
                                                   int                   rc,
                                                   const char           *what);
gboolean       fidget_project_begin               (FidgetProject        *self,
                                                   const char           *what,
                                                   GError              **error);
gboolean       fidget_project_commit              (FidgetProject        *self,
                                                   const char           *what,
                                                   GError              **error);
void           fidget_project_rollback            (FidgetProject        *self);
gboolean       fidget_project_audit               (FidgetProject        *self,
                                                   const char           *operation,
                                                   const char           *entity,
                                                   const char           *entity_uuid,
                                                   const char           *detail,
                                                   GError              **error);
void           fidget_project_emit_changed        (FidgetProject        *self,
                                                   const char           *entity,
                                                   gint64                video_id);
/* The id a new video row takes, as an SQL expression: one past every id a video ever had,
 * removed ones included, so that nothing that kept an old id (a script, a log) finds another
 * video under it. */
#define FIDGET_PROJECT_NEXT_VIDEO_ID \
  "(SELECT max (coalesce ((SELECT max (id) FROM video), 0), " \
  "             coalesce ((SELECT CAST (value AS INTEGER) FROM meta " \
  "                        WHERE key = 'removed_video_high_id'), 0)) + 1)"

/* The project file's name, for messages. */
const char    *fidget_project_get_display_name    (FidgetProject        *self);

/* fidget_project_update_segment() inside the caller's transaction: checks the review rules,
 * writes the row, the undo log and the audit log. Sets @video_id to the segment's video. */
gboolean       fidget_project_update_segment_locked (FidgetProject       *self,
                                                     const char          *uuid,
                                                     const FidgetSegment *values,
                                                     FidgetSegmentFields  fields,
                                                     gint64              *video_id,
                                                     GError             **error);

/* Reads one segment row by UUID with no visibility rule applied (NULL and NOT_FOUND when it
 * is not there). */
FidgetSegment *fidget_project_find_segment        (FidgetProject        *self,
                                                   const char           *uuid,
                                                   GError              **error);

G_END_DECLS
