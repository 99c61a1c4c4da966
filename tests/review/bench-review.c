/* bench-review.c: consensus and agreement for a whole MA-52-sized project
 *
 * 205 videos of 15 minutes, 22,422 segments by the primary annotators and the two
 * cross-checkers' versions of each (agree, relabel, adjust, reject, as people do), plus what
 * the checkers added: about 3 x 22,422 segment versions. Measures settling the consensus of
 * every video (reading and voting, as the last submit does) and the project's agreement report
 * (pairwise event and time-slice kappas, Fleiss over event units and frames, per body part and
 * action), against the target of 2 s together on a 2-core machine; and, for scale, one
 * video's last submit with its writes and commit.
 * A benchmark, not a test: it prints numbers and never fails on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "fidget-agreement.h"
#include "fidget-project-private.h"
#include "fidget-review-private.h"
#include "fidget-test-util.h"

#define N_VIDEOS 205
#define N_PRIMARY_SEGMENTS 22422
#define FRAMES_PER_VIDEO 27000
#define N_SUBMIT_RUNS 5
#define N_RUNS 5

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
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

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

/* Bulk rows straight through SQL: building is not what is measured. Annotators 1-3 are the
 * primary and the two checkers of every video, 4 the reviewer. The last N_SUBMIT_RUNS videos
 * wait for their second checker's submit, the rest have their consensus. */
static guint64
fill (FidgetProject *project)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = fidget_project_get_db (project);
  sqlite3_stmt *video, *review, *checker, *segment, *decision;
  GRand *rand = g_rand_new_with_seed (52);
  gint64 now = g_get_real_time ();
  guint64 versions = 0;
  guint n_actions = fidget_taxonomy_get_n_actions (fidget_project_get_taxonomy (project));

  for (int a = 0; a < 4; a++)
    {
      g_autofree char *name = g_strdup_printf ("annotator%d", a + 1);
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (project, name, &error);
      g_assert_no_error (error);
      g_assert_cmpint (annotator->id, ==, a + 1);
    }

  exec_or_die (db, "BEGIN");
  video = prepare_or_die (db,
    "INSERT INTO video (id, uuid, path, content_hash, size_bytes, width, height, fps_num, "
    "fps_den, frame_count, duration_ns, imported_us) VALUES (?1, ?2, ?3, ?4, 100000000, 1920, "
    "1080, 30, 1, ?5, ?6, ?7)");
  review = prepare_or_die (db,
    "INSERT INTO review (video_id, uuid, state, primary_id, reviewer_id, assigned_us, "
    "changed_us) VALUES (?1, ?2, ?3, 1, 4, ?4, ?4)");
  checker = prepare_or_die (db,
    "INSERT INTO review_checker (video_id, annotator_id, position, submitted_us) "
    "VALUES (?1, ?2, ?3, ?4)");
  segment = prepare_or_die (db,
    "INSERT INTO segment (id, uuid, video_id, annotator_id, start_frame, end_frame, action_id, "
    "created_us, modified_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  decision = prepare_or_die (db,
    "INSERT INTO review_decision (uuid, video_id, checker_id, segment_id, decision, action_id, "
    "start_frame, end_frame, decided_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");

  for (int v = 1; v <= N_VIDEOS; v++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *review_uuid = g_uuid_string_random ();
      g_autofree char *path = g_strdup_printf ("videos/P%04d.mp4", v);
      g_autofree char *hash = g_strdup_printf ("sha256:%064d", v);
      gboolean waiting = v > N_VIDEOS - N_SUBMIT_RUNS;
      int n_segments = N_PRIMARY_SEGMENTS / N_VIDEOS + (v <= N_PRIMARY_SEGMENTS % N_VIDEOS);
      gint64 cursor = 0;

      sqlite3_bind_int (video, 1, v);
      sqlite3_bind_text (video, 2, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (video, 3, path, -1, SQLITE_STATIC);
      sqlite3_bind_text (video, 4, hash, -1, SQLITE_STATIC);
      sqlite3_bind_int (video, 5, FRAMES_PER_VIDEO);
      sqlite3_bind_int64 (video, 6, (gint64) FRAMES_PER_VIDEO * 1000000000 / 30);
      sqlite3_bind_int64 (video, 7, now);
      step_or_die (db, video);

      sqlite3_bind_int (review, 1, v);
      sqlite3_bind_text (review, 2, review_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (review, 3, waiting ? "cross-checking" : "consensus", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (review, 4, now);
      step_or_die (db, review);
      for (int c = 0; c < 2; c++)
        {
          sqlite3_bind_int (checker, 1, v);
          sqlite3_bind_int (checker, 2, 2 + c);
          sqlite3_bind_int (checker, 3, c);
          if (!waiting || c == 0)
            sqlite3_bind_int64 (checker, 4, now);
          step_or_die (db, checker);
        }

      for (int s = 0; s < n_segments; s++)
        {
          static gint64 next_id = 1;
          g_autofree char *segment_uuid = g_uuid_string_random ();
          gint64 id = next_id++;
          gint64 length = g_rand_int_range (rand, 30, 210);
          gint64 start = cursor + g_rand_int_range (rand, 0, 30);
          int action = 1 + g_rand_int_range (rand, 0, (int) n_actions);

          cursor = start + length;
          sqlite3_bind_int64 (segment, 1, id);
          sqlite3_bind_text (segment, 2, segment_uuid, -1, SQLITE_STATIC);
          sqlite3_bind_int (segment, 3, v);
          sqlite3_bind_int (segment, 4, 1);
          sqlite3_bind_int64 (segment, 5, start);
          sqlite3_bind_int64 (segment, 6, start + length);
          sqlite3_bind_int (segment, 7, action);
          sqlite3_bind_int64 (segment, 8, now);
          step_or_die (db, segment);
          versions++;

          for (int c = 0; c < 2; c++)
            {
              g_autofree char *decision_uuid = g_uuid_string_random ();
              int roll = g_rand_int_range (rand, 0, 100);
              const char *kind = roll < 80 ? "agree" : roll < 88 ? "relabel"
                                 : roll < 95 ? "adjust" : "reject";

              sqlite3_bind_text (decision, 1, decision_uuid, -1, SQLITE_STATIC);
              sqlite3_bind_int (decision, 2, v);
              sqlite3_bind_int (decision, 3, 2 + c);
              sqlite3_bind_int64 (decision, 4, id);
              sqlite3_bind_text (decision, 5, kind, -1, SQLITE_STATIC);
              if (!g_str_equal (kind, "reject"))
                {
                  gint64 jitter = g_str_equal (kind, "adjust") ? g_rand_int_range (rand, -6, 7) : 0;

                  sqlite3_bind_int (decision, 6, g_str_equal (kind, "relabel")
                                                 ? 1 + (action % (int) n_actions) : action);
                  sqlite3_bind_int64 (decision, 7, MAX (0, start + jitter));
                  sqlite3_bind_int64 (decision, 8, start + length + jitter);
                  versions++;
                }
              sqlite3_bind_int64 (decision, 9, now);
              step_or_die (db, decision);
            }

          /* Now and then a checker adds what the primary missed, in the gap after it; the
           * other checker often saw it too. */
          if (g_rand_int_range (rand, 0, 100) < 4)
            {
              gint64 added_start = cursor + 2;

              for (int c = 0; c < 2; c++)
                {
                  static gint64 next_addition = 10000000;
                  g_autofree char *added_uuid = g_uuid_string_random ();

                  if (c == 1 && g_rand_int_range (rand, 0, 100) < 40)
                    break;
                  sqlite3_bind_int64 (segment, 1, next_addition++);
                  sqlite3_bind_text (segment, 2, added_uuid, -1, SQLITE_STATIC);
                  sqlite3_bind_int (segment, 3, v);
                  sqlite3_bind_int (segment, 4, 2 + c);
                  sqlite3_bind_int64 (segment, 5, added_start + c);
                  sqlite3_bind_int64 (segment, 6, added_start + 20 + c);
                  sqlite3_bind_int (segment, 7, action);
                  sqlite3_bind_int64 (segment, 8, now);
                  step_or_die (db, segment);
                  versions++;
                }
              cursor += 24;
            }
        }
    }
  sqlite3_finalize (video);
  sqlite3_finalize (review);
  sqlite3_finalize (checker);
  sqlite3_finalize (segment);
  sqlite3_finalize (decision);
  exec_or_die (db, "COMMIT");
  exec_or_die (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_rand_free (rand);
  return versions;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_double);
  return g_array_index (samples, double, samples->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ma52-review.fidget", NULL);
  g_autoptr(GArray) consensus_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) agreement_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) submit_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  guint64 versions;
  guint kept = 0, dropped = 0, disputes = 0;
  double consensus, agreement, submit, elapsed, fleiss = 0, kappa = 0;
  gint64 t0;

  g_test_init (&argc, &argv, NULL);

  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  versions = fill (project);
  g_print ("# filled %u videos, %" G_GUINT64_FORMAT " segment versions in %.1f s\n",
           N_VIDEOS, versions, (g_get_monotonic_time () - t0) / 1e6);

  /* Reopened each run: nothing is warm but SQLite's page cache, as in a real session. */
  for (int run = 0; run < N_RUNS; run++)
    {
      g_autoptr(FidgetAgreementReport) report = NULL;

      g_clear_object (&project);
      project = fidget_project_open (path, &error);
      g_assert_no_error (error);

      kept = dropped = disputes = 0;
      t0 = g_get_monotonic_time ();
      for (gint64 v = 1; v <= N_VIDEOS; v++)
        {
          FidgetConsensusCounts counts;

          if (!fidget_review_preview_consensus (project, v, &counts, &error))
            g_error ("%s", error->message);
          kept += counts.n_kept;
          dropped += counts.n_dropped;
          disputes += counts.n_disputes;
        }
      elapsed = (g_get_monotonic_time () - t0) / 1e3;
      g_array_append_val (consensus_ms, elapsed);

      t0 = g_get_monotonic_time ();
      report = fidget_project_agreement (project, 0, &error);
      g_assert_no_error (error);
      elapsed = (g_get_monotonic_time () - t0) / 1e3;
      g_array_append_val (agreement_ms, elapsed);
      fleiss = report->fleiss_kappa;
      kappa = ((FidgetAgreementPair *) g_ptr_array_index (report->pairs, 0))->cohen_kappa;
      g_assert_cmpuint (report->pairs->len, ==, 3);
    }

  /* One real last submit per waiting video: settle, write the consensus and the disputes,
   * audit each, commit with synchronous=FULL. */
  fidget_project_set_actor (project, "annotator3");
  for (gint64 v = N_VIDEOS - N_SUBMIT_RUNS + 1; v <= N_VIDEOS; v++)
    {
      t0 = g_get_monotonic_time ();
      if (!fidget_review_submit_cross_check (project, v, &error))
        g_error ("%s", error->message);
      elapsed = (g_get_monotonic_time () - t0) / 1e3;
      g_array_append_val (submit_ms, elapsed);
    }

  consensus = median (consensus_ms);
  agreement = median (agreement_ms);
  submit = median (submit_ms);
  g_print ("# consensus of %u videos: %u kept, %u dropped, %u disputes\n",
           N_VIDEOS, kept, dropped, disputes);
  g_print ("# agreement: Fleiss %.3f, first pair's Cohen %.3f\n", fleiss, kappa);
  g_print ("consensus, whole project (median of %d): %.0f ms\n", N_RUNS, consensus);
  g_print ("agreement, whole project (median of %d): %.0f ms\n", N_RUNS, agreement);
  g_print ("last submit of one video, settled and committed (median of %d): %.1f ms\n",
           N_SUBMIT_RUNS, submit);
  g_print ("bench-review: consensus %.0f ms + agreement %.0f ms = %.0f ms for %u videos, "
           "%" G_GUINT64_FORMAT " segment versions (target 2000 ms); one last submit %.1f ms\n",
           consensus, agreement, consensus + agreement, N_VIDEOS, versions, submit);
  return 0;
}
