/* test-suggestions.c: model suggestions in the store, apart from labels, and their decisions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-suggestions.h"
#include "fidget-test-util.h"

#define MODEL "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define OTHER_MODEL "sha256:ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

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
  g_autoptr(FidgetVideo) info = fidget_video_new ();
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetAnnotator) amara = NULL;
  g_autofree char *video_path = NULL;

  f->dir = fidget_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "study.fidget", NULL);
  f->project = fidget_project_create (f->path, &error);
  g_assert_no_error (error);
  amara = fidget_project_add_annotator (f->project, "amara", &error);
  g_assert_no_error (error);

  info->content_hash = g_strdup ("sha256:0000000000000000000000000000000000000000000000000000000000000001");
  info->size_bytes = 1000;
  info->width = 640;
  info->height = 360;
  info->fps_num = 30;
  info->fps_den = 1;
  info->frame_count = 900;
  info->duration_ns = 30 * G_GINT64_CONSTANT (1000000000);
  video_path = g_build_filename (f->dir, "v.mkv", NULL);
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

static FidgetSuggestion *
item (gint64      start,
      gint64      end,
      const char *code)
{
  FidgetSuggestion *s = fidget_suggestion_new ();

  s->start_frame = start;
  s->end_frame = end;
  s->action_code = g_strdup (code);
  s->scores_json = g_strdup_printf ("[{\"code\":\"%s\",\"score\":0.6},{\"code\":\"A1\",\"score\":0.1}]",
                                    code);
  return s;
}

static GPtrArray *
three_items (void)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);

  g_ptr_array_add (items, item (300, 360, "C1"));
  g_ptr_array_add (items, item (30, 90, "B1"));
  g_ptr_array_add (items, item (600, 700, "A1"));
  return items;
}

static int
count_rows (FidgetProject *project,
            const char    *sql)
{
  sqlite3_stmt *stmt = NULL;
  int n;

  g_assert_cmpint (sqlite3_prepare_v2 (fidget_project_get_db (project), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
test_add_and_list (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = three_items ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  FidgetSuggestion *first;

  added = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 3);
  /* Returned in the order given, fully filled in. */
  first = g_ptr_array_index (added, 0);
  g_assert_cmpint (first->start_frame, ==, 300);
  g_assert_cmpstr (first->action_code, ==, "C1");
  g_assert_true (g_uuid_string_is_valid (first->uuid));
  g_assert_cmpstr (first->model_hash, ==, MODEL);
  g_assert_cmpint (first->state, ==, FIDGET_SUGGESTION_OPEN);
  g_assert_null (first->decided_by);
  g_assert_true (first->created_us > 0);
  g_assert_nonnull (strstr (first->scores_json, "\"score\":0.6"));

  /* Listed by start frame, survive a reopen, and are never segments. */
  g_clear_object (&f->project);
  f->project = fidget_project_open (f->path, &error);
  g_assert_no_error (error);
  listed = fidget_suggestions_list (f->project, f->video_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 3);
  g_assert_cmpint (((FidgetSuggestion *) g_ptr_array_index (listed, 0))->start_frame, ==, 30);
  g_assert_cmpint (((FidgetSuggestion *) g_ptr_array_index (listed, 1))->start_frame, ==, 300);
  g_assert_cmpint (((FidgetSuggestion *) g_ptr_array_index (listed, 2))->start_frame, ==, 600);
  segments = fidget_project_list_segments (f->project, f->video_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, 0);
  g_assert_cmpint (count_rows (f->project, "SELECT count(*) FROM segment"), ==, 0);

  /* One audit row for the batch. */
  g_assert_cmpint (count_rows (f->project,
                               "SELECT count(*) FROM audit WHERE entity = 'suggestions'"), ==, 1);
}

static void
test_add_refusals (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = three_items ();
  g_autoptr(GPtrArray) added = NULL;
  FidgetSuggestion *last;

  /* A bad item anywhere refuses the whole batch: nothing is stored. */
  g_ptr_array_add (items, item (850, 901, "B1"));
  added = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "900 frames"));
  g_assert_null (added);
  g_clear_error (&error);

  last = g_ptr_array_index (items, items->len - 1);
  last->end_frame = 900;
  g_free (last->action_code);
  last->action_code = g_strdup ("Z9");
  added = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Z9"));
  g_clear_error (&error);

  /* Scores must be JSON; the failure comes after other rows were inserted, so it also proves
   * the batch is one transaction. */
  g_free (last->action_code);
  last->action_code = g_strdup ("B1");
  g_free (last->scores_json);
  last->scores_json = g_strdup ("[{oops");
  added = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "JSON"));
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f->project, "SELECT count(*) FROM suggestion"), ==, 0);

  added = fidget_suggestions_add (f->project, f->video_id + 100, MODEL, items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  added = fidget_suggestions_add (f->project, f->video_id, "", items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_cmpint (count_rows (f->project, "SELECT count(*) FROM suggestion"), ==, 0);
}

static void
test_decisions (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = three_items ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(FidgetSegment) accepted = NULL;
  g_autoptr(FidgetSegment) fixed = NULL;
  g_autoptr(FidgetSegment) again = NULL;
  g_autoptr(FidgetSuggestion) s = NULL;
  const char *u0, *u1, *u2;
  gboolean found = FALSE;

  added = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_KEEP, &error);
  g_assert_no_error (error);
  u0 = ((FidgetSuggestion *) g_ptr_array_index (added, 0))->uuid;
  u1 = ((FidgetSuggestion *) g_ptr_array_index (added, 1))->uuid;
  u2 = ((FidgetSuggestion *) g_ptr_array_index (added, 2))->uuid;

  /* Nobody named: no decision. */
  accepted = fidget_suggestions_accept (f->project, u0, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_null (accepted);
  g_clear_error (&error);

  fidget_project_set_actor (f->project, "amara");
  accepted = fidget_suggestions_accept (f->project, u0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (accepted->annotator_name, ==, "amara");
  g_assert_cmpstr (accepted->action_code, ==, "C1");
  g_assert_cmpint (accepted->start_frame, ==, 300);
  g_assert_cmpint (accepted->end_frame, ==, 360);

  s = fidget_suggestions_get (f->project, u0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (s->state, ==, FIDGET_SUGGESTION_ACCEPTED);
  g_assert_cmpstr (s->decided_by, ==, "amara");
  g_assert_true (s->decided_us > 0);
  g_assert_cmpstr (s->segment_uuid, ==, accepted->uuid);
  g_clear_pointer (&s, fidget_suggestion_free);

  /* Once decided, never again. */
  again = fidget_suggestions_accept (f->project, u0, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT);
  g_assert_null (again);
  g_clear_error (&error);
  g_assert_false (fidget_suggestions_reject (f->project, u0, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT);
  g_clear_error (&error);

  /* The segment's history says it was model-assisted, naming the suggestion. */
  audit = fidget_project_list_audit (f->project, accepted->uuid, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      FidgetAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_str_equal (entry->operation, "model-assisted"))
        {
          found = TRUE;
          g_assert_cmpstr (entry->actor, ==, "amara");
          g_assert_nonnull (strstr (entry->detail, u0));
          g_assert_nonnull (strstr (entry->detail, MODEL));
        }
    }
  g_assert_true (found);
  g_clear_pointer (&audit, g_ptr_array_unref);
  audit = fidget_project_list_audit (f->project, u0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 1);
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->operation, ==, "accepted");

  /* Fix: another action and other boundaries. */
  fixed = fidget_suggestions_fix (f->project, u1, "B2", 25, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixed->action_code, ==, "B2");
  g_assert_cmpint (fixed->start_frame, ==, 25);
  g_assert_cmpint (fixed->end_frame, ==, 90);
  s = fidget_suggestions_get (f->project, u1, &error);
  g_assert_cmpint (s->state, ==, FIDGET_SUGGESTION_FIXED);
  g_assert_cmpstr (s->action_code, ==, "B1"); /* what the model said stays */
  g_assert_cmpstr (s->segment_uuid, ==, fixed->uuid);
  g_clear_pointer (&s, fidget_suggestion_free);

  /* A fix the store refuses leaves the suggestion open and adds nothing. */
  again = fidget_suggestions_fix (f->project, u2, "B2", 600, 5000, &error);
  g_assert_nonnull (error);
  g_assert_null (again);
  g_clear_error (&error);

  /* Reject: no segment. */
  g_assert_true (fidget_suggestions_reject (f->project, u2, &error));
  g_assert_no_error (error);
  s = fidget_suggestions_get (f->project, u2, &error);
  g_assert_cmpint (s->state, ==, FIDGET_SUGGESTION_REJECTED);
  g_assert_null (s->segment_uuid);
  g_clear_pointer (&s, fidget_suggestion_free);

  segments = fidget_project_list_segments (f->project, f->video_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, 2);
  g_assert_cmpint (count_rows (f->project,
                               "SELECT count(*) FROM audit WHERE entity = 'suggestion'"), ==, 3);

  g_assert_null (fidget_suggestions_get (f->project, "no-such-uuid", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
}

static void
test_replace_open (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = three_items ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  guint open_model = 0, decided = 0, open_other = 0;

  added = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_REPLACE_OPEN, &error);
  g_assert_no_error (error);
  other = fidget_suggestions_add (f->project, f->video_id, OTHER_MODEL, items, FIDGET_SUGGESTIONS_REPLACE_OPEN, &error);
  g_assert_no_error (error);
  fidget_project_set_actor (f->project, "amara");
  segment = fidget_suggestions_accept (f->project,
                                       ((FidgetSuggestion *) g_ptr_array_index (added, 0))->uuid,
                                       &error);
  g_assert_no_error (error);

  /* Re-running the same model replaces its open ones; decided ones and other models stay. */
  again = fidget_suggestions_add (f->project, f->video_id, MODEL, items, FIDGET_SUGGESTIONS_REPLACE_OPEN, &error);
  g_assert_no_error (error);
  listed = fidget_suggestions_list (f->project, f->video_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    {
      FidgetSuggestion *s = g_ptr_array_index (listed, i);

      if (s->state != FIDGET_SUGGESTION_OPEN)
        decided++;
      else if (g_str_equal (s->model_hash, MODEL))
        open_model++;
      else
        open_other++;
    }
  g_assert_cmpuint (decided, ==, 1);
  g_assert_cmpuint (open_model, ==, 3);
  g_assert_cmpuint (open_other, ==, 3);

  /* One shard's batch replaces the open ones at its own windows only. */
  g_ptr_array_remove_index (items, 2);
  g_ptr_array_add (items, item (800, 850, "A1"));
  g_clear_pointer (&again, g_ptr_array_unref);
  again = fidget_suggestions_add (f->project, f->video_id, MODEL, items,
                                  FIDGET_SUGGESTIONS_REPLACE_OPEN_WINDOWS, &error);
  g_assert_no_error (error);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = fidget_suggestions_list (f->project, f->video_id, &error);
  g_assert_no_error (error);
  open_model = 0;
  for (guint i = 0; i < listed->len; i++)
    {
      FidgetSuggestion *s = g_ptr_array_index (listed, i);

      if (s->state == FIDGET_SUGGESTION_OPEN && g_str_equal (s->model_hash, MODEL))
        open_model++;
    }
  /* Before: 300, 30, 600 open. The batch (300, 30, 800) replaced 300 and 30, kept 600. */
  g_assert_cmpuint (open_model, ==, 4);
  g_assert_cmpuint (listed->len, ==, 1 + 4 + 3);
}

static void
test_migrate_from_v3 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  sqlite3 *db = fidget_project_get_db (f->project);

  /* Make the file what version 3 wrote, then open it again. */
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE suggestion; PRAGMA user_version = 3;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_object (&f->project);
  f->project = fidget_project_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->project, "PRAGMA user_version"), ==, FIDGET_SCHEMA_VERSION);
  listed = fidget_suggestions_list (f->project, f->video_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/suggestions/add-and-list", Fixture, NULL, fixture_set_up, test_add_and_list,
              fixture_tear_down);
  g_test_add ("/suggestions/add-refusals", Fixture, NULL, fixture_set_up, test_add_refusals,
              fixture_tear_down);
  g_test_add ("/suggestions/decisions", Fixture, NULL, fixture_set_up, test_decisions,
              fixture_tear_down);
  g_test_add ("/suggestions/replace-open", Fixture, NULL, fixture_set_up, test_replace_open,
              fixture_tear_down);
  g_test_add ("/suggestions/migrate-from-v3", Fixture, NULL, fixture_set_up,
              test_migrate_from_v3, fixture_tear_down);

  return g_test_run ();
}
