/* bench-export.c: exporting the metadata of an MA-52-sized project
 *
 * 205 participants with one 15-minute video each and 22,422 segments over the 52 actions
 * (MA-52's size). Measures opening the project, collecting the dataset (reading videos and
 * segments, naming, planning the 2:1:1 split) and writing the package (lists, labels, CSV,
 * report, README, SHA-256 manifest), median and worst of 5 runs, against the 2 s target.
 * A benchmark, not a test: it prints numbers and never fails on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "fidget-dataset.h"
#include "fidget-project-private.h"
#include "fidget-test-util.h"

#define N_PARTICIPANTS 205
#define N_SEGMENTS 22422
#define FRAMES_PER_VIDEO 27000
#define N_RUNS 5

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Bulk rows straight through SQL: building is not what is measured. */
static void
fill (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = fidget_project_create (path, &error);
  g_autoptr(FidgetAnnotator) annotator = NULL;
  FidgetTaxonomy *taxonomy;
  GRand *rand = g_rand_new_with_seed (52);
  gint64 now = g_get_real_time ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  double popularity[52], total = 0.0;

  g_assert_no_error (error);
  annotator = fidget_project_add_annotator (project, "annotator1", &error);
  g_assert_no_error (error);
  taxonomy = fidget_project_get_taxonomy (project);
  db = fidget_project_get_db (project);
  exec_or_die (db, "BEGIN");

  for (int v = 1; v <= N_PARTICIPANTS; v++)
    {
      g_autofree char *participant_uuid = g_uuid_string_random ();
      g_autofree char *video_uuid = g_uuid_string_random ();
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO participant (id, uuid, code, gender, age_group, created_us) VALUES "
        "(%d, '%s', 'P%04d', '%s', '18-25', %" G_GINT64_FORMAT ");"
        "INSERT INTO video (id, uuid, participant_id, path, content_hash, size_bytes, width, "
        "height, fps_num, fps_den, frame_count, duration_ns, imported_us) VALUES "
        "(%d, '%s', %d, 'videos/P%04d.mp4', 'sha256:%064d', 100000000, 1920, 1080, 30, 1, %d, "
        "%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ");",
        v, participant_uuid, v, v % 2 ? "female" : "male", now,
        v, video_uuid, v, v, v, FRAMES_PER_VIDEO,
        (gint64) FRAMES_PER_VIDEO * 1000000000 / 30, now);
      exec_or_die (db, sql);
    }

  /* MA-52's long tail: a few actions make most of the clips. */
  for (guint a = 0; a < 52; a++)
    total += popularity[a] = 1.0 / (1.0 + a * 0.2);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "INSERT INTO segment (uuid, video_id, annotator_id, start_frame, end_frame, action_id, "
    "created_us, modified_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)", -1, &stmt, NULL), ==,
    SQLITE_OK);
  for (int s = 0; s < N_SEGMENTS; s++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      gint64 start = g_rand_int_range (rand, 0, FRAMES_PER_VIDEO - 300);
      double u = g_rand_double (rand) * total;
      const FidgetAction *action;
      guint a;

      for (a = 0; a < 51; a++)
        if ((u -= popularity[a]) <= 0.0)
          break;
      action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, (int) a);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      /* Participants of unequal size, as in MA-52. */
      sqlite3_bind_int (stmt, 2, 1 + (int) (N_PARTICIPANTS * 0.999 * g_rand_double (rand) *
                                            g_rand_double (rand)));
      sqlite3_bind_int64 (stmt, 3, annotator->id);
      sqlite3_bind_int64 (stmt, 4, start);
      sqlite3_bind_int64 (stmt, 5, start + g_rand_int_range (rand, 30, 210));
      sqlite3_bind_int64 (stmt, 6, action->id);
      sqlite3_bind_int64 (stmt, 7, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("segment insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec_or_die (db, "COMMIT");
  exec_or_die (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_rand_free (rand);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ma52.fidget", NULL);
  double open_ms[N_RUNS], collect_ms[N_RUNS], write_ms[N_RUNS], total_ms[N_RUNS];
  guint n_clips = 0;
  gint64 t0 = g_get_monotonic_time ();

  fill (path);
  g_print ("filled an MA-52-sized project in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);

  for (guint r = 0; r < N_RUNS; r++)
    {
      g_autofree char *out = g_strdup_printf ("%s/package-%u", dir, r);
      g_autoptr(FidgetProject) project = NULL;
      g_autoptr(FidgetDataset) dataset = NULL;
      g_autoptr(GError) error = NULL;
      FidgetDatasetOptions options;
      gint64 a, b, c, d;

      fidget_dataset_options_init (&options);
      options.split.seed = r;
      a = g_get_monotonic_time ();
      project = fidget_project_open (path, &error);
      g_assert_no_error (error);
      b = g_get_monotonic_time ();
      dataset = fidget_dataset_collect (project, &options, &error);
      g_assert_no_error (error);
      c = g_get_monotonic_time ();
      if (!fidget_dataset_write (dataset, out, NULL, &error))
        g_error ("%s", error->message);
      d = g_get_monotonic_time ();

      n_clips = fidget_dataset_get_n_clips (dataset);
      open_ms[r] = (b - a) / 1000.0;
      collect_ms[r] = (c - b) / 1000.0;
      write_ms[r] = (d - c) / 1000.0;
      total_ms[r] = (d - a) / 1000.0;
    }
  qsort (open_ms, N_RUNS, sizeof (double), compare_double);
  qsort (collect_ms, N_RUNS, sizeof (double), compare_double);
  qsort (write_ms, N_RUNS, sizeof (double), compare_double);
  qsort (total_ms, N_RUNS, sizeof (double), compare_double);

  g_print ("%u clips of %d participants, %d runs (median / worst):\n", n_clips, N_PARTICIPANTS,
           N_RUNS);
  g_print ("  open the project        %7.1f / %7.1f ms\n", open_ms[N_RUNS / 2], open_ms[N_RUNS - 1]);
  g_print ("  collect + plan split    %7.1f / %7.1f ms\n", collect_ms[N_RUNS / 2],
           collect_ms[N_RUNS - 1]);
  g_print ("  write package + SHA-256 %7.1f / %7.1f ms\n", write_ms[N_RUNS / 2],
           write_ms[N_RUNS - 1]);
  g_print ("  total                   %7.1f / %7.1f ms (target 2000 ms)\n",
           total_ms[N_RUNS / 2], total_ms[N_RUNS - 1]);
  g_print ("bench-export: %u-segment metadata export in %.0f ms median, %.0f ms worst "
           "(target 2000 ms)\n", n_clips, total_ms[N_RUNS / 2], total_ms[N_RUNS - 1]);
  return 0;
}
