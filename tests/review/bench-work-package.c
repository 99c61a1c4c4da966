/* bench-work-package.c: a cross-checker's work package at MA-52's scale
 *
 * 205 videos (metadata only), 22,422 segments by one primary annotator, all self-checked; the
 * cross-checker's assignment carries every one of them. Measures the assignment's export,
 * starting the checker's copy from it, the return of 22,422 decisions (made on the copy in
 * bulk), its import into the coordinator's project (every decision through the review rules,
 * one transaction), and the same return imported again (nothing to change).
 * A benchmark, not a test: it prints numbers and never fails on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fidget-project-private.h"
#include "fidget-review.h"
#include "fidget-test-util.h"
#include "fidget-work-package.h"

#define N_VIDEOS 205
#define N_SEGMENTS 22422
#define FRAMES_PER_VIDEO 27000

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

static void
step_or_die (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("insert: %s", sqlite3_errmsg (db));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Bulk rows straight through SQL (building is not what is measured): annotators 1-4 are the
 * primary, the two checkers and the reviewer; every video is self-checked. */
static void
fill (FidgetProject *project)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = fidget_project_get_db (project);
  sqlite3_stmt *video, *review, *checker, *segment, *confirmation;
  GRand *rand = g_rand_new_with_seed (52);
  gint64 now = g_get_real_time ();

  for (int a = 0; a < 4; a++)
    {
      g_autofree char *name = g_strdup_printf ("annotator%d", a + 1);
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (project, name, &error);
      g_assert_no_error (error);
    }

  exec_or_die (db, "BEGIN");
  video = prepare_or_die (db, "INSERT INTO video (uuid, path, content_hash, size_bytes, width, "
                              "height, fps_num, fps_den, frame_count, duration_ns, imported_us) "
                              "VALUES (?1, ?2, ?3, 1000000, 1920, 1080, 30, 1, ?4, ?5, ?6)");
  review = prepare_or_die (db, "INSERT INTO review (video_id, uuid, state, primary_id, "
                               "reviewer_id, assigned_us, changed_us) "
                               "VALUES (?1, ?2, 'self-checked', 1, 4, ?3, ?3)");
  checker = prepare_or_die (db, "INSERT INTO review_checker (video_id, annotator_id, position) "
                                "VALUES (?1, ?2, ?3)");
  segment = prepare_or_die (db, "INSERT INTO segment (uuid, video_id, annotator_id, "
                                "start_frame, end_frame, action_id, created_us, modified_us) "
                                "VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?6)");
  confirmation = prepare_or_die (db, "INSERT INTO review_confirmation (segment_id, "
                                     "segment_modified_us, confirmed_us) VALUES (?1, ?2, ?2)");
  for (int v = 1; v <= N_VIDEOS; v++)
    {
      g_autofree char *path = g_strdup_printf ("videos/v%03d.mkv", v);
      g_autofree char *hash = g_strdup_printf ("sha256:%064x", v);

      sqlite3_bind_text (video, 1, g_uuid_string_random (), -1, g_free);
      sqlite3_bind_text (video, 2, path, -1, SQLITE_STATIC);
      sqlite3_bind_text (video, 3, hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (video, 4, FRAMES_PER_VIDEO);
      sqlite3_bind_int64 (video, 5, (gint64) FRAMES_PER_VIDEO * G_TIME_SPAN_SECOND * 1000 / 30);
      sqlite3_bind_int64 (video, 6, now);
      step_or_die (db, video);
      sqlite3_bind_int64 (review, 1, v);
      sqlite3_bind_text (review, 2, g_uuid_string_random (), -1, g_free);
      sqlite3_bind_int64 (review, 3, now);
      step_or_die (db, review);
      for (int c = 0; c < 2; c++)
        {
          sqlite3_bind_int64 (checker, 1, v);
          sqlite3_bind_int64 (checker, 2, 2 + c);
          sqlite3_bind_int (checker, 3, c);
          step_or_die (db, checker);
        }
    }
  for (int s = 0; s < N_SEGMENTS; s++)
    {
      int v = 1 + s % N_VIDEOS;
      gint64 start = (gint64) (s / N_VIDEOS) * 240 + g_rand_int_range (rand, 0, 60);

      sqlite3_bind_text (segment, 1, g_uuid_string_random (), -1, g_free);
      sqlite3_bind_int64 (segment, 2, v);
      sqlite3_bind_int64 (segment, 3, start);
      sqlite3_bind_int64 (segment, 4, start + g_rand_int_range (rand, 30, 180));
      sqlite3_bind_int64 (segment, 5, g_rand_int_range (rand, 1, 53));
      sqlite3_bind_int64 (segment, 6, now);
      step_or_die (db, segment);
      sqlite3_bind_int64 (confirmation, 1, sqlite3_last_insert_rowid (db));
      sqlite3_bind_int64 (confirmation, 2, now);
      step_or_die (db, confirmation);
    }
  sqlite3_finalize (video);
  sqlite3_finalize (review);
  sqlite3_finalize (checker);
  sqlite3_finalize (segment);
  sqlite3_finalize (confirmation);
  exec_or_die (db, "COMMIT");
  g_rand_free (rand);
}

/* The checker's decisions on their copy, in bulk: agree, with one relabel in five. */
static void
decide_all (FidgetProject *project)
{
  sqlite3 *db = fidget_project_get_db (project);
  gint64 now = g_get_real_time ();
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO review_decision (uuid, video_id, checker_id, segment_id, decision, action_id, "
    "  start_frame, end_frame, decided_us) "
    "SELECT lower (hex (randomblob (4)) || '-' || hex (randomblob (2)) || '-4' || "
    "  substr (hex (randomblob (2)), 2) || '-a' || substr (hex (randomblob (2)), 2) || '-' || "
    "  hex (randomblob (6))), s.video_id, "
    "  (SELECT id FROM annotator WHERE name = 'annotator2'), s.id, "
    "  CASE WHEN s.id %% 5 = 0 THEN 'relabel' ELSE 'agree' END, "
    "  CASE WHEN s.id %% 5 = 0 THEN 1 + s.action_id %% 52 ELSE s.action_id END, "
    "  s.start_frame, s.end_frame, %" G_GINT64_FORMAT " FROM segment s", now);

  exec_or_die (db, "BEGIN");
  exec_or_die (db, sql);
  exec_or_die (db, "UPDATE review SET state = 'cross-checking'");
  exec_or_die (db, "COMMIT");
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *coordinator_path = NULL;
  g_autofree char *laptop_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *back = NULL;
  g_autoptr(FidgetProject) coordinator = NULL;
  g_autoptr(FidgetProject) laptop = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageInfo) back_info = NULL;
  g_autoptr(FidgetWorkPackageResult) created = NULL;
  g_autoptr(FidgetWorkPackageResult) imported = NULL;
  g_autoptr(FidgetWorkPackageResult) again = NULL;
  double t_export, t_create, t_return, t_import, t_again;
  gint64 start;

  g_test_init (&argc, &argv, NULL);
  dir = fidget_test_make_tmpdir ();
  coordinator_path = g_build_filename (dir, "study.fidget", NULL);
  laptop_path = g_build_filename (dir, "annotator2.fidget", NULL);
  out = g_build_filename (dir, "annotator2.fidgetpkg", NULL);
  back = g_build_filename (dir, "annotator2-back.fidgetpkg", NULL);

  coordinator = fidget_project_create (coordinator_path, &error);
  g_assert_no_error (error);
  fill (coordinator);

  start = g_get_monotonic_time ();
  info = fidget_work_package_export (coordinator, "annotator2", out, FALSE, NULL, NULL, NULL,
                                     &error);
  t_export = seconds_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_segments, ==, N_SEGMENTS);

  start = g_get_monotonic_time ();
  laptop = fidget_work_package_create_project (laptop_path, out, NULL, NULL, NULL, NULL,
                                               &created, &error);
  t_create = seconds_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (created->report->inserted[FIDGET_MERGE_SEGMENT], ==, N_SEGMENTS);

  decide_all (laptop);
  start = g_get_monotonic_time ();
  back_info = fidget_work_package_export (laptop, "annotator2", back, FALSE, NULL, NULL, NULL,
                                          &error);
  t_return = seconds_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (back_info->n_decisions, ==, N_SEGMENTS);

  start = g_get_monotonic_time ();
  imported = fidget_work_package_import (coordinator, back, NULL, FALSE, NULL, NULL, NULL,
                                         &error);
  t_import = seconds_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (imported->report->inserted[FIDGET_MERGE_DECISION], ==, N_SEGMENTS);

  start = g_get_monotonic_time ();
  again = fidget_work_package_import (coordinator, back, NULL, FALSE, NULL, NULL, NULL, &error);
  t_again = seconds_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (again->report->n_changes, ==, 0);

  g_print ("# %d videos, %d primary segments; a cross-checker's package\n", N_VIDEOS, N_SEGMENTS);
  g_print ("assignment export:       %6.2f s  (%" G_GINT64_FORMAT " bytes)\n", t_export,
           info->size_bytes);
  g_print ("copy started from it:    %6.2f s  (%u rows)\n", t_create, created->report->n_changes);
  g_print ("return export:           %6.2f s  (%" G_GINT64_FORMAT " bytes, %u decisions)\n",
           t_return, back_info->size_bytes, back_info->n_decisions);
  g_print ("return import:           %6.2f s  (%u rows, review rules on each)\n", t_import,
           imported->report->n_changes);
  g_print ("same return again:       %6.2f s  (nothing to change)\n", t_again);
  g_print ("bench-work-package: %d segments out in %.2f s, in in %.2f s; %d decisions back in "
           "%.2f s, again in %.2f s\n",
           N_SEGMENTS, t_export, t_create, N_SEGMENTS, t_import, t_again);
  return 0;
}
