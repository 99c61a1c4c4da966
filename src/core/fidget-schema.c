/* fidget-schema.c
 *
 * The schema only ever grows by steps appended here: a step, once released, never changes, so
 * a file of any version reaches the current one by running the steps after its user_version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-error.h"
#include "fidget-schema.h"

/* Version 1: participants, videos, annotators, the taxonomy, segments and the audit log.
 * Times are integer microseconds since the Unix epoch (UTC); segment times are frame indices. */
static const char schema_v1[] =
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") WITHOUT ROWID;"

  "CREATE TABLE participant ("
  "  id         INTEGER PRIMARY KEY,"
  "  uuid       TEXT NOT NULL UNIQUE,"
  "  code       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) > 0),"
  "  gender     TEXT CHECK (gender IN ('female', 'male', 'other')),"
  "  age_group  TEXT,"
  "  notes      TEXT NOT NULL DEFAULT '',"
  "  created_by TEXT,"
  "  created_us INTEGER NOT NULL"
  ");"

  "CREATE TABLE annotator ("
  "  id         INTEGER PRIMARY KEY,"
  "  uuid       TEXT NOT NULL UNIQUE,"
  "  name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) > 0),"
  "  created_us INTEGER NOT NULL"
  ");"

  "CREATE TABLE body_part ("
  "  id       INTEGER PRIMARY KEY,"
  "  code     TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  name     TEXT NOT NULL,"
  "  color    TEXT NOT NULL,"
  "  position INTEGER NOT NULL"
  ");"

  "CREATE TABLE action ("
  "  id           INTEGER PRIMARY KEY,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  code         TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  name         TEXT NOT NULL,"
  "  description  TEXT NOT NULL DEFAULT '',"
  "  body_part_id INTEGER NOT NULL REFERENCES body_part (id),"
  "  model_index  INTEGER UNIQUE CHECK (model_index >= 0),"
  "  position     INTEGER NOT NULL,"
  "  created_by   TEXT,"
  "  created_us   INTEGER NOT NULL"
  ");"

  "CREATE TABLE video ("
  "  id             INTEGER PRIMARY KEY,"
  "  uuid           TEXT NOT NULL UNIQUE,"
  "  participant_id INTEGER REFERENCES participant (id),"
  "  path           TEXT NOT NULL,"
  "  content_hash   TEXT NOT NULL UNIQUE,"
  "  size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),"
  "  container      TEXT,"
  "  video_codec    TEXT,"
  "  width          INTEGER NOT NULL CHECK (width > 0),"
  "  height         INTEGER NOT NULL CHECK (height > 0),"
  "  fps_num        INTEGER NOT NULL CHECK (fps_num > 0),"
  "  fps_den        INTEGER NOT NULL CHECK (fps_den > 0),"
  "  frame_count    INTEGER NOT NULL CHECK (frame_count > 0),"
  "  duration_ns    INTEGER NOT NULL CHECK (duration_ns >= 0),"
  "  has_audio      INTEGER NOT NULL DEFAULT 0,"
  "  imported_by    TEXT,"
  "  imported_us    INTEGER NOT NULL"
  ");"

  "CREATE TABLE segment ("
  "  id           INTEGER PRIMARY KEY,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  video_id     INTEGER NOT NULL REFERENCES video (id),"
  "  annotator_id INTEGER NOT NULL REFERENCES annotator (id),"
  "  start_frame  INTEGER NOT NULL CHECK (start_frame >= 0),"
  "  end_frame    INTEGER NOT NULL CHECK (end_frame > start_frame),"
  "  action_id    INTEGER NOT NULL REFERENCES action (id),"
  "  emotion      TEXT CHECK (emotion IN ('joy', 'sadness', 'surprise', 'fear', 'anger')),"
  "  note         TEXT NOT NULL DEFAULT '',"
  "  created_us   INTEGER NOT NULL,"
  "  modified_us  INTEGER NOT NULL"
  ");"
  "CREATE INDEX segment_by_video ON segment (video_id, start_frame);"

  "CREATE TABLE audit ("
  "  id          INTEGER PRIMARY KEY,"
  "  at_us       INTEGER NOT NULL,"
  "  actor       TEXT,"
  "  operation   TEXT NOT NULL,"
  "  entity      TEXT NOT NULL,"
  "  entity_uuid TEXT,"
  "  detail      TEXT"
  ");";

/* Version 2: the persistent undo/redo log, the "needs another look" flag on segments, and an
 * index to read one row's history from the audit log. */
static const char schema_v2[] =
  "ALTER TABLE segment ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;"

  "CREATE TABLE undo_log ("
  "  id          INTEGER PRIMARY KEY,"
  "  at_us       INTEGER NOT NULL,"
  "  actor       TEXT,"
  "  label       TEXT NOT NULL,"
  "  entity_uuid TEXT NOT NULL,"
  "  before      TEXT," /* JSON image of the row before the edit, NULL when it was created */
  "  after       TEXT," /* JSON image after it, NULL when it was deleted */
  "  undone      INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX undo_log_by_state ON undo_log (undone, id);"
  "CREATE INDEX audit_by_entity ON audit (entity_uuid);";

/* Version 3: the three-step review. A video with a review row is assigned (one primary, its
 * cross-checkers, a reviewer) and moves through the states of fidget-review.h; a video without
 * one is free. Confirmations remember the segment's modified_us so that a later edit undoes the
 * confirmation without any trigger. Decisions are the checkers' versions of the primary's
 * segments; disputes keep every person's version side by side; the consensus is the settled
 * record, ground truth once the video is verified. */
static const char schema_v3[] =
  "CREATE TABLE review ("
  "  video_id    INTEGER PRIMARY KEY REFERENCES video (id),"
  "  uuid        TEXT NOT NULL UNIQUE,"
  "  state       TEXT NOT NULL CHECK (state IN ('annotating', 'self-checked', "
  "                'cross-checking', 'disputed', 'consensus', 'verified')),"
  "  primary_id  INTEGER NOT NULL REFERENCES annotator (id),"
  "  reviewer_id INTEGER NOT NULL REFERENCES annotator (id),"
  "  round       INTEGER NOT NULL DEFAULT 1,"
  "  assigned_by TEXT,"
  "  assigned_us INTEGER NOT NULL,"
  "  changed_us  INTEGER NOT NULL"
  ");"

  "CREATE TABLE review_checker ("
  "  video_id     INTEGER NOT NULL REFERENCES review (video_id),"
  "  annotator_id INTEGER NOT NULL REFERENCES annotator (id),"
  "  position     INTEGER NOT NULL,"
  "  submitted_us INTEGER,"
  "  PRIMARY KEY (video_id, annotator_id)"
  ") WITHOUT ROWID;"

  "CREATE TABLE review_confirmation ("
  "  segment_id          INTEGER PRIMARY KEY REFERENCES segment (id) ON DELETE CASCADE,"
  "  segment_modified_us INTEGER NOT NULL,"
  "  confirmed_us        INTEGER NOT NULL"
  ");"

  "CREATE TABLE review_decision ("
  "  id          INTEGER PRIMARY KEY,"
  "  uuid        TEXT NOT NULL UNIQUE,"
  "  video_id    INTEGER NOT NULL REFERENCES video (id),"
  "  checker_id  INTEGER NOT NULL REFERENCES annotator (id),"
  "  segment_id  INTEGER NOT NULL REFERENCES segment (id),"
  "  decision    TEXT NOT NULL CHECK (decision IN ('agree', 'relabel', 'adjust', 'reject')),"
  "  action_id   INTEGER REFERENCES action (id),"
  "  start_frame INTEGER,"
  "  end_frame   INTEGER,"
  "  decided_us  INTEGER NOT NULL,"
  "  UNIQUE (checker_id, segment_id),"
  "  CHECK ((decision = 'reject') = (action_id IS NULL)),"
  "  CHECK (decision = 'reject' OR (start_frame >= 0 AND end_frame > start_frame))"
  ");"
  "CREATE INDEX review_decision_by_video ON review_decision (video_id);"

  "CREATE TABLE consensus_segment ("
  "  id          INTEGER PRIMARY KEY,"
  "  uuid        TEXT NOT NULL UNIQUE,"
  "  video_id    INTEGER NOT NULL REFERENCES video (id),"
  "  start_frame INTEGER NOT NULL CHECK (start_frame >= 0),"
  "  end_frame   INTEGER NOT NULL CHECK (end_frame > start_frame),"
  "  action_id   INTEGER NOT NULL REFERENCES action (id),"
  "  origin      TEXT NOT NULL CHECK (origin IN ('majority', 'resolved', 'reviewer')),"
  "  source_uuid TEXT,"
  "  created_us  INTEGER NOT NULL,"
  "  modified_by TEXT,"
  "  modified_us INTEGER NOT NULL"
  ");"
  "CREATE INDEX consensus_by_video ON consensus_segment (video_id, start_frame);"

  "CREATE TABLE review_dispute ("
  "  id           INTEGER PRIMARY KEY,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  video_id     INTEGER NOT NULL REFERENCES video (id),"
  "  kind         TEXT NOT NULL CHECK (kind IN ('label', 'rejection', 'addition')),"
  "  start_frame  INTEGER NOT NULL,"
  "  end_frame    INTEGER NOT NULL,"
  "  created_us   INTEGER NOT NULL,"
  "  resolution   TEXT CHECK (resolution IN ('chosen', 'edited', 'dropped')),"
  "  chosen_uuid  TEXT,"
  "  consensus_id INTEGER REFERENCES consensus_segment (id) ON DELETE SET NULL,"
  "  resolved_by  TEXT,"
  "  resolved_us  INTEGER"
  ");"
  "CREATE INDEX review_dispute_by_video ON review_dispute (video_id);"

  "CREATE TABLE review_dispute_version ("
  "  dispute_id   INTEGER NOT NULL REFERENCES review_dispute (id) ON DELETE CASCADE,"
  "  position     INTEGER NOT NULL,"
  "  uuid         TEXT,"
  "  annotator_id INTEGER NOT NULL REFERENCES annotator (id),"
  "  kind         TEXT NOT NULL CHECK (kind IN ('segment', 'agree', 'relabel', 'adjust', "
  "                 'reject', 'addition', 'absent')),"
  "  action_id    INTEGER REFERENCES action (id),"
  "  start_frame  INTEGER,"
  "  end_frame    INTEGER,"
  "  PRIMARY KEY (dispute_id, position)"
  ") WITHOUT ROWID;";

/* Version 4: model suggestions. Kept apart from segments so that no count of labels ever sees
 * them; a person's accept or fix makes a segment and records it here. Scores are the model's
 * top-5 as JSON. */
static const char schema_v4[] =
  "CREATE TABLE suggestion ("
  "  id           INTEGER PRIMARY KEY,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  video_id     INTEGER NOT NULL REFERENCES video (id),"
  "  start_frame  INTEGER NOT NULL CHECK (start_frame >= 0),"
  "  end_frame    INTEGER NOT NULL CHECK (end_frame > start_frame),"
  "  action_id    INTEGER NOT NULL REFERENCES action (id),"
  "  scores       TEXT NOT NULL CHECK (json_valid (scores)),"
  "  model_hash   TEXT NOT NULL,"
  "  created_us   INTEGER NOT NULL,"
  "  state        TEXT NOT NULL DEFAULT 'open' "
  "                 CHECK (state IN ('open', 'accepted', 'fixed', 'rejected')),"
  "  decided_by   TEXT,"
  "  decided_us   INTEGER,"
  "  segment_uuid TEXT"
  ");"
  "CREATE INDEX suggestion_by_video ON suggestion (video_id, start_frame);";

static const char *const steps[] = {
  schema_v1,
  schema_v2,
  schema_v3,
  schema_v4,
};

gboolean
fidget_schema_migrate (sqlite3  *db,
                       int       from_version,
                       int       to_version,
                       GError  **error)
{
  g_autofree char *set_version = NULL;
  char *message = NULL;

  g_return_val_if_fail (from_version >= 0, FALSE);
  g_return_val_if_fail (to_version <= (int) G_N_ELEMENTS (steps), FALSE);

  for (int version = from_version; version < to_version; version++)
    {
      if (sqlite3_exec (db, steps[version], NULL, NULL, &message) != SQLITE_OK)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                       "Cannot upgrade the project to version %d: %s", version + 1, message);
          sqlite3_free (message);
          return FALSE;
        }
    }

  if (from_version == 0)
    {
      g_autofree char *app_id = g_strdup_printf ("PRAGMA application_id = %d;",
                                                 FIDGET_APPLICATION_ID);
      if (sqlite3_exec (db, app_id, NULL, NULL, &message) != SQLITE_OK)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                       "Cannot mark the file as a Fidget project: %s", message);
          sqlite3_free (message);
          return FALSE;
        }
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d;", to_version);
  if (sqlite3_exec (db, set_version, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   "Cannot record the project's version: %s", message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}
