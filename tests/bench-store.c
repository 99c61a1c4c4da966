/* bench-store.c: the store at MA-52 size
 *
 * 205 participants and videos, 22,422 segments by each of 3 annotators (67,266 rows), 500,000
 * audit rows. Reports the time to open the project, to load one video's segments and to commit
 * one edit (median and p95 of repeated runs), against the targets 50 ms, 5 ms and 20 ms.
 * A benchmark, not a test: it prints numbers and never fails on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "fidget-project-private.h"
#include "fidget-test-util.h"

#define N_VIDEOS 205
#define N_SEGMENTS_PER_ANNOTATOR 22422
#define N_ANNOTATORS 3
#define N_AUDIT 500000
#define FRAMES_PER_VIDEO 27000 /* 15 min at 30 fps */

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
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  GRand *rand = g_rand_new_with_seed (52);
  gint64 now = g_get_real_time ();

  g_assert_no_error (error);
  for (int a = 0; a < N_ANNOTATORS; a++)
    {
      g_autofree char *name = g_strdup_printf ("annotator%d", a + 1);
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (project, name, &error);
      g_assert_no_error (error);
    }
  db = fidget_project_get_db (project);
  exec_or_die (db, "BEGIN");

  for (int v = 1; v <= N_VIDEOS; v++)
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

  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "INSERT INTO segment (uuid, video_id, annotator_id, start_frame, end_frame, action_id, "
    "created_us, modified_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)", -1, &stmt, NULL), ==,
    SQLITE_OK);
  for (int a = 1; a <= N_ANNOTATORS; a++)
    for (int s = 0; s < N_SEGMENTS_PER_ANNOTATOR; s++)
      {
        g_autofree char *uuid = g_uuid_string_random ();
        gint64 start = g_rand_int_range (rand, 0, FRAMES_PER_VIDEO - 300);

        sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 2, 1 + s % N_VIDEOS);
        sqlite3_bind_int (stmt, 3, a);
        sqlite3_bind_int64 (stmt, 4, start);
        sqlite3_bind_int64 (stmt, 5, start + g_rand_int_range (rand, 30, 210));
        sqlite3_bind_int (stmt, 6, 1 + g_rand_int_range (rand, 0, 52));
        sqlite3_bind_int64 (stmt, 7, now);
        if (sqlite3_step (stmt) != SQLITE_DONE)
          g_error ("segment insert: %s", sqlite3_errmsg (db));
        sqlite3_reset (stmt);
      }
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "INSERT INTO audit (at_us, actor, operation, entity, entity_uuid, detail) "
    "VALUES (?1, 'annotator1', 'update', 'segment', ?2, ?3)", -1, &stmt, NULL), ==, SQLITE_OK);
  for (int i = 0; i < N_AUDIT; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      sqlite3_bind_int64 (stmt, 1, now + i);
      sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, "{\"before\":{\"start_frame\":100},\"after\":{\"start_frame\":101}}",
                         -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("audit insert: %s", sqlite3_errmsg (db));
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

static void
stats (GArray *samples,
       double *median,
       double *p95)
{
  g_array_sort (samples, compare_double);
  *median = g_array_index (samples, double, samples->len / 2);
  *p95 = g_array_index (samples, double, MIN (samples->len - 1, samples->len * 95 / 100));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ma52.fidget", NULL);
  g_autoptr(GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) load_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) edit_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  double open_median, open_p95, load_median, load_p95, edit_median, edit_p95;
  gint64 t0;
  guint n_loaded = 0;

  g_test_init (&argc, &argv, NULL);

  t0 = g_get_monotonic_time ();
  fill (path);
  g_print ("built MA-52-sized project in %.1f s: %d videos, %d segments, %d audit rows\n",
           (g_get_monotonic_time () - t0) / 1e6, N_VIDEOS, N_SEGMENTS_PER_ANNOTATOR * N_ANNOTATORS,
           N_AUDIT);

  for (int i = 0; i < 20; i++)
    {
      t0 = g_get_monotonic_time ();
      project = fidget_project_open (path, &error);
      g_assert_no_error (error);
      {
        double ms = (g_get_monotonic_time () - t0) / 1000.0;
        g_array_append_val (open_ms, ms);
      }
      if (i < 19)
        g_clear_object (&project);
    }

  for (int i = 0; i < 100; i++)
    {
      g_autoptr(GPtrArray) segments = NULL;
      double ms;

      t0 = g_get_monotonic_time ();
      segments = fidget_project_list_segments (project, 1 + (i * 37) % N_VIDEOS, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      n_loaded = segments->len;
      g_array_append_val (load_ms, ms);
    }

  for (int i = 0; i < 100; i++)
    {
      g_autoptr(FidgetSegment) segment = NULL;
      double ms;

      t0 = g_get_monotonic_time ();
      segment = fidget_project_add_segment (project, 1 + i % N_VIDEOS, "annotator2", 1000 + i,
                                            1030 + i, "B1", &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      g_array_append_val (edit_ms, ms);
    }

  stats (open_ms, &open_median, &open_p95);
  stats (load_ms, &load_median, &load_p95);
  stats (edit_ms, &edit_median, &edit_p95);

  g_print ("open project:           median %7.2f ms  p95 %7.2f ms  (target 50 ms)\n",
           open_median, open_p95);
  g_print ("load one video's segs:  median %7.2f ms  p95 %7.2f ms  (target 5 ms; %u segments)\n",
           load_median, load_p95, n_loaded);
  g_print ("one edit's commit:      median %7.2f ms  p95 %7.2f ms  (target 20 ms, synchronous=FULL)\n",
           edit_median, edit_p95);
  g_print ("bench-store: open %.1f ms, load %.2f ms, edit %.2f ms (p95) -> %s\n",
           open_p95, load_p95, edit_p95,
           open_p95 <= 50 && load_p95 <= 5 && edit_p95 <= 20 ? "all within targets"
                                                              : "OVER TARGET");
  return EXIT_SUCCESS;
}
