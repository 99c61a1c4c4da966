/* fidget-project.h: a project, one SQLite file and the videos it references
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fidget-records.h"
#include "fidget-taxonomy.h"

G_BEGIN_DECLS

/* The schema version this build writes; files with a smaller one are migrated on open. */
#define FIDGET_SCHEMA_VERSION 4

/* Which fields of a segment fidget_project_update_segment() changes. */
typedef enum
{
  FIDGET_SEGMENT_FIELD_START   = 1 << 0,
  FIDGET_SEGMENT_FIELD_END     = 1 << 1,
  FIDGET_SEGMENT_FIELD_ACTION  = 1 << 2,
  FIDGET_SEGMENT_FIELD_EMOTION = 1 << 3,
  FIDGET_SEGMENT_FIELD_NOTE    = 1 << 4,
  FIDGET_SEGMENT_FIELD_FLAGGED = 1 << 5,
} FidgetSegmentFields;

#define FIDGET_TYPE_PROJECT (fidget_project_get_type ())

G_DECLARE_FINAL_TYPE (FidgetProject, fidget_project, FIDGET, PROJECT, GObject)

FidgetProject     *fidget_project_create              (const char          *path,
                                                       GError             **error);
FidgetProject     *fidget_project_open                (const char          *path,
                                                       GError             **error);

const char        *fidget_project_get_path            (FidgetProject       *self);
const char        *fidget_project_get_uuid            (FidgetProject       *self);
FidgetTaxonomy    *fidget_project_get_taxonomy        (FidgetProject       *self);

/* The person working, recorded in the audit log and the undo log; NULL for nobody named. */
const char        *fidget_project_get_actor           (FidgetProject       *self);
void               fidget_project_set_actor           (FidgetProject       *self,
                                                       const char          *name);

/* Participants */
FidgetParticipant *fidget_project_ensure_participant  (FidgetProject       *self,
                                                       const char          *code,
                                                       const char          *gender,
                                                       const char          *age_group,
                                                       GError             **error);
FidgetParticipant *fidget_project_lookup_participant  (FidgetProject       *self,
                                                       const char          *code,
                                                       GError             **error);
GPtrArray         *fidget_project_list_participants   (FidgetProject       *self,
                                                       GError             **error);

/* Annotators */
FidgetAnnotator   *fidget_project_add_annotator       (FidgetProject       *self,
                                                       const char          *name,
                                                       GError             **error);
FidgetAnnotator   *fidget_project_lookup_annotator    (FidgetProject       *self,
                                                       const char          *name,
                                                       GError             **error);
GPtrArray         *fidget_project_list_annotators     (FidgetProject       *self,
                                                       GError             **error);

/* Videos: @info carries what a probe measured; @file_path is where the file is now. */
FidgetVideo       *fidget_project_add_video           (FidgetProject       *self,
                                                       const FidgetVideo   *info,
                                                       const char          *file_path,
                                                       const char          *participant_code,
                                                       GError             **error);
FidgetVideo       *fidget_project_get_video           (FidgetProject       *self,
                                                       gint64               video_id,
                                                       GError             **error);
FidgetVideo       *fidget_project_lookup_video_by_hash (FidgetProject      *self,
                                                        const char         *content_hash);
GPtrArray         *fidget_project_list_videos         (FidgetProject       *self,
                                                       GError             **error);
char              *fidget_project_resolve_video_path  (FidgetProject       *self,
                                                       const FidgetVideo   *video);
/* A video file that moved: @file_path must hold the same content (its SHA-256 is checked), then
 * the project points at it. Blocking (it reads the whole file). */
FidgetVideo       *fidget_project_relink_video        (FidgetProject       *self,
                                                       gint64               video_id,
                                                       const char          *file_path,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
/* Looks for the project's missing video files under @folder (recursively): candidates of the
 * right size are hashed, and each match is relinked. Returns the relinked videos. */
GPtrArray         *fidget_project_relink_missing      (FidgetProject       *self,
                                                       const char          *folder,
                                                       GCancellable        *cancellable,
                                                       GError             **error);

/* Whether @video_id can be taken out of the project: only a video that holds no person's work
 * (no segment, no review assignment or record) can, so that a mistaken import can be undone
 * without a label ever being lost. Sets @n_suggestions (may be NULL) to the model suggestions
 * that would go with it; its undo history goes too. NOT_ALLOWED says what holds it. */
gboolean           fidget_project_check_remove_video  (FidgetProject       *self,
                                                       gint64               video_id,
                                                       guint               *n_suggestions,
                                                       GError             **error);
/* Takes @video_id out of the project after the same check, in one audited transaction; the
 * file itself is left alone and can be imported again. The id is never given to another
 * video. Sets @n_suggestions (may be NULL) to the model suggestions that went with it. */
gboolean           fidget_project_remove_video        (FidgetProject       *self,
                                                       gint64               video_id,
                                                       guint               *n_suggestions,
                                                       GError             **error);

/* Segments: frames are half-open [start, end) in decoded frames of the video. */
FidgetSegment     *fidget_project_add_segment         (FidgetProject       *self,
                                                       gint64               video_id,
                                                       const char          *annotator_name,
                                                       gint64               start_frame,
                                                       gint64               end_frame,
                                                       const char          *action_code,
                                                       GError             **error);
FidgetSegment     *fidget_project_update_segment      (FidgetProject       *self,
                                                       const char          *uuid,
                                                       const FidgetSegment *values,
                                                       FidgetSegmentFields  fields,
                                                       GError             **error);
gboolean           fidget_project_delete_segment      (FidgetProject       *self,
                                                       const char          *uuid,
                                                       GError             **error);
FidgetSegment     *fidget_project_get_segment         (FidgetProject       *self,
                                                       const char          *uuid,
                                                       GError             **error);
GPtrArray         *fidget_project_list_segments       (FidgetProject       *self,
                                                       gint64               video_id,
                                                       GError             **error);
/* How many segments each video holds, as fidget_project_list_segments() lists them for the
 * actor (a blind cross-check leaves the other checkers' out), in one query: video id (gint64
 * key) -> count (GUINT_TO_POINTER). Videos without a segment are absent. */
GHashTable        *fidget_project_count_segments      (FidgetProject       *self,
                                                       GError             **error);

/* Taxonomy: a project's own action, added after the model's classes. */
const FidgetAction *fidget_project_add_action         (FidgetProject       *self,
                                                       const char          *body_part_code,
                                                       const char          *code,
                                                       const char          *name,
                                                       const char          *description,
                                                       GError             **error);

/* Undo and redo, from the log in the database (they survive a restart). With an actor set,
 * they walk that person's edits only. @description receives what was undone or redone. */
gboolean           fidget_project_can_undo            (FidgetProject       *self);
gboolean           fidget_project_can_redo            (FidgetProject       *self);
gboolean           fidget_project_undo                (FidgetProject       *self,
                                                       char               **description,
                                                       GError             **error);
gboolean           fidget_project_redo                (FidgetProject       *self,
                                                       char               **description,
                                                       GError             **error);

/* Audit log, newest first; @limit <= 0 for all. */
GPtrArray         *fidget_project_list_audit          (FidgetProject       *self,
                                                       const char          *entity_uuid,
                                                       int                  limit,
                                                       GError             **error);

G_END_DECLS
