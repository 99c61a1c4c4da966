/* test-store.c: the project store, its edits, undo/redo and migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include <glib/gstdio.h>

#include "fidget-content-hash.h"
#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-review.h"
#include "fidget-suggestions.h"
#include "fidget-test-util.h"

/* A made-up but well-formed video record: the store does not read the file itself. */
static FidgetVideo *
fake_video (guint seed,
            gint64 frames)
{
  FidgetVideo *video = fidget_video_new ();
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                         (const guchar *) &seed, sizeof seed);

  video->content_hash = g_strconcat ("sha256:", digest, NULL);
  video->size_bytes = 1000 + seed;
  video->container = g_strdup ("Matroska");
  video->video_codec = g_strdup ("H.264");
  video->width = 640;
  video->height = 480;
  video->fps_num = 30000;
  video->fps_den = 1001;
  video->frame_count = frames;
  video->duration_ns = frames * G_GINT64_CONSTANT (1001000000) / 30000;
  return video;
}

typedef struct
{
  char          *dir;
  char          *path;
  FidgetProject *project;
  gint64         video_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetVideo) info = fake_video (1, 300);
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetAnnotator) alice = NULL;
  g_autoptr(FidgetAnnotator) bob = NULL;
  g_autofree char *video_path = NULL;

  f->dir = fidget_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "study.fidget", NULL);
  f->project = fidget_project_create (f->path, &error);
  g_assert_no_error (error);

  alice = fidget_project_add_annotator (f->project, "alice", &error);
  g_assert_no_error (error);
  bob = fidget_project_add_annotator (f->project, "bob", &error);
  g_assert_no_error (error);

  video_path = g_build_filename (f->dir, "videos", "p001.mkv", NULL);
  video = fidget_project_add_video (f->project, info, video_path, "P001", &error);
  g_assert_no_error (error);
  f->video_id = video->id;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_free (f->path);
  g_free (f->dir);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->project);
  f->project = fidget_project_open (f->path, &error);
  g_assert_no_error (error);
}

static void
test_create_and_reopen (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) again = NULL;
  g_autofree char *uuid = g_strdup (fidget_project_get_uuid (f->project));
  sqlite3 *db = fidget_project_get_db (f->project);
  sqlite3_stmt *stmt = NULL;

  g_assert_true (g_uuid_string_is_valid (uuid));

  /* WAL, foreign keys on, current schema version. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_keys", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, FIDGET_SCHEMA_VERSION);
  sqlite3_finalize (stmt);

  /* Creating over an existing file is refused and leaves it alone. */
  again = fidget_project_create (f->path, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS);
  g_assert_null (again);
  g_clear_error (&error);

  reopen (f);
  g_assert_cmpstr (fidget_project_get_uuid (f->project), ==, uuid);
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (fidget_project_get_taxonomy (f->project)), ==, 52);
  g_assert_cmpuint (fidget_taxonomy_get_n_body_parts (fidget_project_get_taxonomy (f->project)), ==, 7);
}

static void
test_videos (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetVideo) same = fake_video (1, 300);
  g_autoptr(FidgetVideo) other = fake_video (2, 90);
  g_autoptr(FidgetVideo) added = NULL;
  g_autoptr(FidgetVideo) refused = NULL;
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GPtrArray) participants = NULL;
  g_autofree char *outside = g_build_filename (g_get_tmp_dir (), "elsewhere", "x.mkv", NULL);
  g_autofree char *resolved = NULL;
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.mkv", NULL);
  FidgetVideo *first;

  /* Same content under another name: refused, by hash. */
  refused = fidget_project_add_video (f->project, same, copy_path, NULL, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "copy.mkv"));
  g_clear_error (&error);

  added = fidget_project_add_video (f->project, other, outside, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (added->path, ==, outside);
  g_assert_null (added->participant_code);

  videos = fidget_project_list_videos (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (videos->len, ==, 2);
  first = g_ptr_array_index (videos, 0);
  /* Inside the project's folder: stored relative, resolved back to where it is. */
  g_assert_cmpstr (first->path, ==, "videos/p001.mkv");
  resolved = fidget_project_resolve_video_path (f->project, first);
  g_assert_true (g_str_has_prefix (resolved, f->dir));
  g_assert_true (g_str_has_suffix (resolved, "videos/p001.mkv"));
  g_assert_cmpstr (first->participant_code, ==, "P001");
  g_assert_cmpint (first->fps_num, ==, 30000);
  g_assert_cmpint (first->fps_den, ==, 1001);
  g_assert_cmpint (first->frame_count, ==, 300);
  g_assert_cmpfloat_with_epsilon (fidget_video_frame_to_seconds (first, 30000), 1001.0, 1e-9);

  /* A participant made by import gets details later. */
  g_clear_pointer (&participants, g_ptr_array_unref);
  {
    g_autoptr(FidgetParticipant) p = fidget_project_ensure_participant (f->project, "P001", "female",
                                                                        "18-25", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->gender, ==, "female");
    g_assert_cmpstr (p->age_group, ==, "18-25");
  }
  {
    g_autoptr(FidgetParticipant) p = fidget_project_ensure_participant (f->project, "P002", "robot",
                                                                        NULL, &error);
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
    g_assert_null (p);
    g_clear_error (&error);
  }
  participants = fidget_project_list_participants (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (participants->len, ==, 1);
}

static void
test_annotators (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetAnnotator) dup = NULL;
  g_autoptr(FidgetAnnotator) bad = NULL;
  g_autoptr(FidgetAnnotator) found = NULL;
  g_autoptr(GPtrArray) list = NULL;

  dup = fidget_project_add_annotator (f->project, "  ALICE ", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS);
  g_assert_null (dup);
  g_clear_error (&error);

  bad = fidget_project_add_annotator (f->project, "carol,dave", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&bad, fidget_annotator_free);
  bad = fidget_project_add_annotator (f->project, "   ", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  found = fidget_project_lookup_annotator (f->project, "Bob", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->name, ==, "bob");
  g_assert_true (g_uuid_string_is_valid (found->uuid));

  list = fidget_project_list_annotators (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
}

static void
test_segment_crud (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) added = NULL;
  g_autoptr(FidgetSegment) changed = NULL;
  g_autoptr(FidgetSegment) refused = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  FidgetSegment values = { 0 };

  added = fidget_project_add_segment (f->project, f->video_id, "alice", 10, 40, "b1", &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (added->uuid));
  g_assert_cmpstr (added->action_code, ==, "B1");
  g_assert_cmpstr (added->annotator_name, ==, "alice");
  g_assert_cmpint (added->start_frame, ==, 10);
  g_assert_cmpint (added->end_frame, ==, 40);
  g_assert_cmpint (added->emotion, ==, FIDGET_EMOTION_NONE);
  g_assert_cmpint (added->created_us, >, 0);

  /* Refusals: each names the reason, none leaves a row. */
  refused = fidget_project_add_segment (f->project, f->video_id, "alice", 40, 40, "B1", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  refused = fidget_project_add_segment (f->project, f->video_id, "alice", 290, 301, "B1", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "300"));
  g_clear_error (&error);
  refused = fidget_project_add_segment (f->project, f->video_id, "alice", -1, 5, "B1", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  refused = fidget_project_add_segment (f->project, f->video_id, "alice", 1, 5, "Z9", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Z9"));
  g_clear_error (&error);
  refused = fidget_project_add_segment (f->project, f->video_id, "nobody", 1, 5, "B1", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  refused = fidget_project_add_segment (f->project, 999, "alice", 1, 5, "B1", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = fidget_project_list_segments (f->project, f->video_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);

  values.end_frame = 45;
  values.action_code = (char *) "B6";
  values.emotion = FIDGET_EMOTION_SURPRISE;
  values.note = (char *) "chin lifts, held";
  values.flagged = TRUE;
  changed = fidget_project_update_segment (f->project, added->uuid, &values,
                                           FIDGET_SEGMENT_FIELD_END | FIDGET_SEGMENT_FIELD_ACTION |
                                           FIDGET_SEGMENT_FIELD_EMOTION | FIDGET_SEGMENT_FIELD_NOTE |
                                           FIDGET_SEGMENT_FIELD_FLAGGED,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed->start_frame, ==, 10);
  g_assert_cmpint (changed->end_frame, ==, 45);
  g_assert_cmpstr (changed->action_code, ==, "B6");
  g_assert_cmpint (changed->emotion, ==, FIDGET_EMOTION_SURPRISE);
  g_assert_cmpstr (changed->note, ==, "chin lifts, held");
  g_assert_true (changed->flagged);
  g_assert_cmpint (changed->modified_us, >, added->modified_us);

  /* An update that would make the range empty is refused whole. */
  values.start_frame = 50;
  g_clear_pointer (&refused, fidget_segment_free);
  refused = fidget_project_update_segment (f->project, added->uuid, &values,
                                           FIDGET_SEGMENT_FIELD_START, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (fidget_project_delete_segment (f->project, added->uuid, &error));
  g_assert_no_error (error);
  g_assert_false (fidget_project_delete_segment (f->project, added->uuid, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = fidget_project_list_segments (f->project, 0, &error);
  g_assert_cmpuint (list->len, ==, 0);

  /* Every change of the segment is in the audit log, newest first, with who did it. */
  audit = fidget_project_list_audit (f->project, added->uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 3);
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->operation, ==, "delete");
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 1))->operation, ==, "update");
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 2))->operation, ==, "add");
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 2))->actor, ==, "alice");
}

static char *
segment_summary (FidgetProject *project)
{
  g_autoptr(GPtrArray) list = fidget_project_list_segments (project, 0, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      FidgetSegment *s = g_ptr_array_index (list, i);
      g_string_append_printf (out, "%s:%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT ";",
                              s->action_code, s->start_frame, s->end_frame);
    }
  return g_string_free (out, FALSE);
}

static void
test_undo_redo_persistent (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) a = NULL;
  g_autoptr(FidgetSegment) b = NULL;
  g_autoptr(FidgetSegment) moved = NULL;
  g_autofree char *description = NULL;
  FidgetSegment values = { 0 };
  char *summary;

  a = fidget_project_add_segment (f->project, f->video_id, "alice", 10, 20, "B1", &error);
  g_assert_no_error (error);
  b = fidget_project_add_segment (f->project, f->video_id, "alice", 30, 60, "G2", &error);
  g_assert_no_error (error);
  values.start_frame = 12;
  moved = fidget_project_update_segment (f->project, a->uuid, &values, FIDGET_SEGMENT_FIELD_START,
                                         &error);
  g_assert_no_error (error);
  g_assert_true (fidget_project_delete_segment (f->project, b->uuid, &error));

  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "B1:12-20;");
  g_free (summary);

  /* Close and reopen between every step: the log lives in the file. */
  reopen (f);
  g_assert_true (fidget_project_can_undo (f->project));
  g_assert_false (fidget_project_can_redo (f->project));
  g_assert_true (fidget_project_undo (f->project, &description, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (description, "G2"));
  /* Frames as annotators see them: the segment [30, 60) is frames 30 to 59. */
  g_assert_nonnull (strstr (description, "frames 30–59"));
  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "B1:12-20;G2:30-60;");
  g_free (summary);

  /* A move says where from and where to, so "Undone: ..." reads right. */
  reopen (f);
  g_clear_pointer (&description, g_free);
  g_assert_true (fidget_project_undo (f->project, &description, &error));
  g_assert_cmpstr (description, ==, "Move B1 nodding from frames 10–19 to 12–19");
  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "B1:10-20;G2:30-60;");
  g_free (summary);

  reopen (f);
  g_assert_true (fidget_project_undo (f->project, NULL, &error));
  g_assert_true (fidget_project_undo (f->project, NULL, &error));
  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "");
  g_free (summary);
  g_assert_false (fidget_project_undo (f->project, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOTHING_TO_DO);
  g_clear_error (&error);

  reopen (f);
  g_assert_true (fidget_project_can_redo (f->project));
  g_assert_true (fidget_project_redo (f->project, NULL, &error));
  g_assert_true (fidget_project_redo (f->project, NULL, &error));
  g_assert_true (fidget_project_redo (f->project, NULL, &error));
  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "B1:12-20;G2:30-60;");
  g_free (summary);

  /* The restored row is the same row: same uuid and creation time. */
  {
    g_autoptr(FidgetSegment) back = fidget_project_get_segment (f->project, a->uuid, &error);
    g_assert_no_error (error);
    g_assert_cmpint (back->created_us, ==, a->created_us);
  }

  /* A new edit drops what was undone. */
  g_assert_true (fidget_project_undo (f->project, NULL, &error));
  {
    g_autoptr(FidgetSegment) c = fidget_project_add_segment (f->project, f->video_id, "bob", 100,
                                                             110, "D3", &error);
    g_assert_no_error (error);
  }
  g_assert_false (fidget_project_redo (f->project, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOTHING_TO_DO);
  g_clear_error (&error);
}

static void
test_undo_per_actor_and_conflict (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) mine = NULL;
  g_autoptr(FidgetSegment) theirs = NULL;
  g_autoptr(FidgetSegment) changed = NULL;
  FidgetSegment values = { 0 };
  char *summary;

  fidget_project_set_actor (f->project, "alice");
  mine = fidget_project_add_segment (f->project, f->video_id, "alice", 10, 20, "B1", &error);
  g_assert_no_error (error);
  fidget_project_set_actor (f->project, "bob");
  theirs = fidget_project_add_segment (f->project, f->video_id, "bob", 50, 60, "B2", &error);
  g_assert_no_error (error);

  /* Alice's undo takes back Alice's edit, not Bob's later one. */
  fidget_project_set_actor (f->project, "alice");
  g_assert_true (fidget_project_undo (f->project, NULL, &error));
  g_assert_no_error (error);
  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "B2:50-60;");
  g_free (summary);
  g_assert_true (fidget_project_redo (f->project, NULL, &error));

  /* Bob changes Alice's segment: Alice can no longer undo her add blindly. */
  fidget_project_set_actor (f->project, "bob");
  values.action_code = (char *) "B4";
  changed = fidget_project_update_segment (f->project, mine->uuid, &values,
                                           FIDGET_SEGMENT_FIELD_ACTION, &error);
  g_assert_no_error (error);
  fidget_project_set_actor (f->project, "alice");
  g_assert_false (fidget_project_undo (f->project, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT);
  g_clear_error (&error);
  summary = segment_summary (f->project);
  g_assert_cmpstr (summary, ==, "B4:10-20;B2:50-60;");
  g_free (summary);

  /* Bob's own undo takes his relabel back, and says it was one. */
  fidget_project_set_actor (f->project, "bob");
  {
    g_autofree char *description = NULL;

    g_assert_true (fidget_project_undo (f->project, &description, &error));
    g_assert_no_error (error);
    g_assert_nonnull (g_str_has_prefix (description, "Relabel B1 ") ? description : NULL);
    g_assert_nonnull (strstr (description, " as B4 "));
  }
}

static void
test_project_actions (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) seg = NULL;
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (f->project);
  const FidgetAction *b1 = fidget_taxonomy_lookup_action (taxonomy, "B1");
  const FidgetAction *added;
  int b1_index = b1->model_index;

  added = fidget_project_add_action (f->project, "C", "c14", "drumming fingers",
                                     "fingertips tap the table in turn", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (added->code, ==, "C14");
  g_assert_cmpint (added->model_index, ==, -1);
  /* Model classes untouched; earlier pointers still valid. */
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (taxonomy), ==, 52);
  g_assert_cmpint (b1->model_index, ==, b1_index);

  g_assert_null (fidget_project_add_action (f->project, "C", "C14", "again", "", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (fidget_project_add_action (f->project, "C", "B9", "wrong part", "", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (fidget_project_add_action (f->project, "Q", "Q1", "no part", "", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  seg = fidget_project_add_segment (f->project, f->video_id, "alice", 5, 9, "C14", &error);
  g_assert_no_error (error);

  reopen (f);
  taxonomy = fidget_project_get_taxonomy (f->project);
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (taxonomy), ==, 53);
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (taxonomy), ==, 52);
  g_assert_cmpint (fidget_taxonomy_lookup_action (taxonomy, "C14")->model_index, ==, -1);
  g_assert_cmpint (fidget_taxonomy_lookup_action (taxonomy, "B1")->model_index, ==, b1_index);
}

static void
on_changed (FidgetProject *project,
            const char    *entity,
            gint64         video_id,
            gpointer       user_data)
{
  GString *log = user_data;
  g_string_append_printf (log, "%s:%" G_GINT64_FORMAT ";", entity, video_id);
}

static void
test_changed_signal (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(FidgetSegment) seg = NULL;
  g_autofree char *expected = NULL;

  g_signal_connect (f->project, "changed", G_CALLBACK (on_changed), log);
  seg = fidget_project_add_segment (f->project, f->video_id, "alice", 5, 9, "A1", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_project_undo (f->project, NULL, &error));
  expected = g_strdup_printf ("segment:%" G_GINT64_FORMAT ";segment:%" G_GINT64_FORMAT ";",
                              f->video_id, f->video_id);
  g_assert_cmpstr (log->str, ==, expected);
}

static void
test_relink (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_path = g_build_filename (f->dir, "take1.mkv", NULL);
  g_autofree char *moved_dir = g_build_filename (f->dir, "moved", "deeper", NULL);
  g_autofree char *new_path = g_build_filename (moved_dir, "take1.mkv", NULL);
  g_autofree char *impostor = g_build_filename (f->dir, "moved", "impostor.mkv", NULL);
  g_autoptr(FidgetVideo) info = fake_video (7, 90);
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetVideo) refused = NULL;
  g_autoptr(GPtrArray) relinked = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  FidgetVideo *back;

  /* Same size, other bytes: found by size, refused by hash. */
  g_assert_true (g_file_set_contents (old_path, "the real take, frame by frame", -1, NULL));
  g_free (info->content_hash);
  info->content_hash = fidget_content_hash_file (old_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  info->size_bytes = strlen ("the real take, frame by frame");
  video = fidget_project_add_video (f->project, info, old_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (video->path, ==, "take1.mkv");

  g_assert_cmpint (g_mkdir_with_parents (moved_dir, 0755), ==, 0);
  g_assert_cmpint (g_rename (old_path, new_path), ==, 0);
  g_assert_true (g_file_set_contents (impostor, "the other take, frame by frame", 29, NULL));

  refused = fidget_project_relink_video (f->project, video->id, impostor, NULL, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "impostor.mkv"));
  g_clear_error (&error);

  relinked = fidget_project_relink_missing (f->project, f->dir, NULL, &error);
  g_assert_no_error (error);
  /* The fixture's own video has no file either, and no candidate: only the take is found. */
  g_assert_cmpuint (relinked->len, ==, 1);
  back = g_ptr_array_index (relinked, 0);
  g_assert_cmpint (back->id, ==, video->id);
  g_assert_cmpstr (back->path, ==, "moved/deeper/take1.mkv");

  audit = fidget_project_list_audit (f->project, video->uuid, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->operation, ==, "relink");

  /* Nothing missing any more (for this video): a second search relinks nothing new. */
  g_clear_pointer (&relinked, g_ptr_array_unref);
  relinked = fidget_project_relink_missing (f->project, f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (relinked->len, ==, 0);
}

/* A video imported by mistake leaves with its suggestions and undo steps; one with anyone's
 * work stays, and its id is never given to the next video. */
static void
test_remove_video (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetVideo) wrong_info = fake_video (21, 120);
  g_autoptr(FidgetVideo) next_info = fake_video (22, 120);
  g_autoptr(FidgetVideo) assigned_info = fake_video (23, 120);
  g_autoptr(FidgetVideo) assigned = NULL;
  g_autofree char *assigned_path = g_build_filename (f->dir, "assigned.mkv", NULL);
  const char *checkers[] = { "carol", "dave", NULL };
  g_autoptr(FidgetVideo) wrong = NULL;
  g_autoptr(FidgetVideo) next = NULL;
  g_autoptr(FidgetVideo) gone = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(FidgetSegment) kept = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *path = g_build_filename (f->dir, "wrong-take.mkv", NULL);
  g_autofree char *next_path = g_build_filename (f->dir, "right-take.mkv", NULL);
  g_autofree char *description = NULL;
  FidgetAuditEntry *entry;
  FidgetSuggestion *item;
  guint n_suggestions = 99;
  sqlite3_stmt *stmt = NULL;

  wrong = fidget_project_add_video (f->project, wrong_info, path, "P002", &error);
  g_assert_no_error (error);

  /* The fixture's video holds a segment: refused, with the count, and nothing changes. */
  kept = fidget_project_add_segment (f->project, f->video_id, "alice", 10, 20, "B1", &error);
  g_assert_no_error (error);
  {
    g_autoptr(GHashTable) counts = fidget_project_count_segments (f->project, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (counts), ==, 1);
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, &f->video_id)), ==, 1);
    g_assert_null (g_hash_table_lookup (counts, &wrong->id));
  }
  g_assert_false (fidget_project_check_remove_video (f->project, f->video_id, &n_suggestions,
                                                     &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "p001.mkv"));
  g_assert_nonnull (strstr (error->message, "1 segment"));
  g_clear_error (&error);
  g_assert_false (fidget_project_remove_video (f->project, f->video_id, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  gone = fidget_project_get_video (f->project, f->video_id, &error);
  g_assert_no_error (error);

  /* Assigned for review, even before anyone marked a segment on it: refused. */
  assigned = fidget_project_add_video (f->project, assigned_info, assigned_path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (checkers) - 1; i++)
    {
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (f->project, checkers[i],
                                                                           &error);
      g_assert_no_error (error);
    }
  g_assert_true (fidget_review_assign (f->project, assigned->id, "alice", checkers, "bob",
                                       &error));
  g_assert_no_error (error);
  g_assert_false (fidget_project_check_remove_video (f->project, assigned->id, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "assigned for review"));
  g_clear_error (&error);

  /* A segment made and deleted again leaves two undo steps; a model scan leaves suggestions. */
  segment = fidget_project_add_segment (f->project, wrong->id, "alice", 5, 15, "A1", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_project_delete_segment (f->project, segment->uuid, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      item = fidget_suggestion_new ();
      item->start_frame = 10 * i;
      item->end_frame = 10 * i + 8;
      item->action_code = g_strdup ("C1");
      item->scores_json = g_strdup ("[{\"code\":\"C1\",\"score\":0.7}]");
      g_ptr_array_add (items, item);
    }
  added = fidget_suggestions_add (f->project, wrong->id, "sha256:model", items,
                                  FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_no_error (error);

  g_assert_true (fidget_project_check_remove_video (f->project, wrong->id, &n_suggestions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_suggestions, ==, 3);
  n_suggestions = 0;
  g_assert_true (fidget_project_remove_video (f->project, wrong->id, &n_suggestions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_suggestions, ==, 3);

  g_clear_pointer (&gone, fidget_video_free);
  gone = fidget_project_get_video (f->project, wrong->id, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_prepare_v2 (fidget_project_get_db (f->project),
                                       "SELECT (SELECT count (*) FROM suggestion), "
                                       "  (SELECT count (*) FROM undo_log WHERE "
                                       "   coalesce (before ->> '$.video_id', "
                                       "             after ->> '$.video_id') = ?1)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, wrong->id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
  sqlite3_finalize (stmt);

  /* Undo walks back to the edit before: the fixture's segment, not the removed video's. */
  g_assert_true (fidget_project_undo (f->project, &description, &error));
  g_assert_no_error (error);
  g_assert_null (fidget_project_get_segment (f->project, kept->uuid, NULL));

  audit = fidget_project_list_audit (f->project, wrong->uuid, 1, &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (audit, 0);
  g_assert_cmpstr (entry->operation, ==, "remove");
  g_assert_nonnull (strstr (entry->detail, "\"suggestions\":3"));
  g_assert_nonnull (strstr (entry->detail, "\"undo_steps\":2"));
  g_assert_nonnull (strstr (entry->detail, wrong->content_hash));

  /* The same file can come back, under a new id: the removed one stays retired, also after
   * a reopen. */
  reopen (f);
  next = fidget_project_add_video (f->project, wrong_info, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next->id, >, wrong->id);
  g_clear_pointer (&next, fidget_video_free);
  next = fidget_project_add_video (f->project, next_info, next_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next->id, >, wrong->id + 1);

  /* Nothing to remove: NOT_FOUND. */
  g_assert_false (fidget_project_remove_video (f->project, 4242, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
}

/* A file written by the first release (schema 1, no undo log, no flag column), kept as SQL in
 * tests/data so the migration is tested against what that release wrote, not a re-creation. */
static void
test_migrate_from_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.fidget", NULL);
  g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "data", "project-v1.sql", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(FidgetSegment) added = NULL;
  sqlite3 *db = NULL;
  FidgetSegment *first;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  project = fidget_project_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fidget_project_get_uuid (project), ==, "5f1b3c52-8d0e-4b8e-9a57-0d6c1f2a9e31");

  segments = fidget_project_list_segments (project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, 2);
  first = g_ptr_array_index (segments, 0);
  g_assert_cmpstr (first->uuid, ==, "0b6f7d1e-3a0c-4b0e-8f43-6f1e5b7a2c10");
  g_assert_cmpstr (first->action_code, ==, "F1");
  g_assert_cmpstr (first->annotator_name, ==, "alice");
  g_assert_false (first->flagged);

  /* The upgraded file takes new edits and undoes them. */
  added = fidget_project_add_segment (project, first->video_id, "alice", 0, 3, "A1", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_project_undo (project, NULL, &error));
  g_assert_no_error (error);

  audit = fidget_project_list_audit (project, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, audit->len - 1))->operation, ==,
                   "create");
  {
    gboolean migrated = FALSE;
    for (guint i = 0; i < audit->len; i++)
      migrated |= g_str_equal (((FidgetAuditEntry *) g_ptr_array_index (audit, i))->operation,
                               "migrate");
    g_assert_true (migrated);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/create-reopen", Fixture, NULL, fixture_set_up, test_create_and_reopen,
              fixture_tear_down);
  g_test_add ("/store/videos", Fixture, NULL, fixture_set_up, test_videos, fixture_tear_down);
  g_test_add ("/store/annotators", Fixture, NULL, fixture_set_up, test_annotators,
              fixture_tear_down);
  g_test_add ("/store/segments", Fixture, NULL, fixture_set_up, test_segment_crud,
              fixture_tear_down);
  g_test_add ("/store/undo-redo-persistent", Fixture, NULL, fixture_set_up,
              test_undo_redo_persistent, fixture_tear_down);
  g_test_add ("/store/undo-per-actor-conflict", Fixture, NULL, fixture_set_up,
              test_undo_per_actor_and_conflict, fixture_tear_down);
  g_test_add ("/store/project-actions", Fixture, NULL, fixture_set_up, test_project_actions,
              fixture_tear_down);
  g_test_add ("/store/changed-signal", Fixture, NULL, fixture_set_up, test_changed_signal,
              fixture_tear_down);
  g_test_add ("/store/relink", Fixture, NULL, fixture_set_up, test_relink, fixture_tear_down);
  g_test_add ("/store/remove-video", Fixture, NULL, fixture_set_up, test_remove_video,
              fixture_tear_down);
  g_test_add_func ("/store/migrate-from-v1", test_migrate_from_v1);

  return g_test_run ();
}
