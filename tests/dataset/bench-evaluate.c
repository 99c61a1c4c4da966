/* bench-evaluate.c: how long evaluating MANet on a split takes, at full width
 *
 * Four sample clips (640x480), three segments each, every clip evaluated once with a
 * full-width MANet of deterministic random weights on 2 threads (the weights' numbers do not
 * change the time). Prints the time to load the weights and the time per clip, then a
 * one-line summary.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-evaluate.h"
#include "fidget-test-util.h"
#include "fidget-video-import.h"
#include "manet-test-util.h"

int
main (int   argc,
      char *argv[])
{
  const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };
  const char *actions[] = { "B1", "C3", "A1", "D2", "E1", "F1" };
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAnnotator) annotator = NULL;
  g_autoptr(FidgetEvaluation) evaluation = NULL;
  g_autoptr(GPtrArray) tensors = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *weights = NULL;
  FidgetEvaluateOptions options;
  FidgetMetricsSummary summary;
  gint64 started;
  double total_ms;
  guint n;

  g_test_init (&argc, &argv, NULL);
  fidget_media_init ();
  if (g_getenv ("FIDGET_SAMPLES_DIR") == NULL ||
      !g_file_test (g_getenv ("FIDGET_SAMPLES_DIR"), G_FILE_TEST_IS_DIR))
    {
      g_print ("bench-evaluate: skipped, no ../shared/samples\n");
      return 0;
    }

  dir = fidget_test_make_tmpdir ();
  path = g_build_filename (dir, "bench.fidget", NULL);
  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  annotator = fidget_project_add_annotator (project, "amara", &error);
  g_assert_no_error (error);
  for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
    {
      g_autofree char *sample = g_build_filename (g_getenv ("FIDGET_SAMPLES_DIR"), samples[v],
                                                  NULL);
      g_autofree char *participant = g_strdup_printf ("P%03u", v + 1);
      FidgetImportOptions import = { participant, NULL, NULL };
      g_autoptr(FidgetVideo) video = fidget_import_video (project, sample, &import, NULL, NULL,
                                                          NULL, &error);

      g_assert_no_error (error);
      for (guint s = 0; s < 3; s++)
        {
          g_autoptr(FidgetSegment) segment =
            fidget_project_add_segment (project, video->id, "amara", s * 20, s * 20 + 20,
                                        actions[(v + s) % G_N_ELEMENTS (actions)], &error);
          g_assert_no_error (error);
        }
    }

  weights = g_build_filename (dir, "manet.safetensors", NULL);
  tensors = manet_test_random_tensors (64, 300, 1);
  bytes = manet_test_serialize (tensors);
  g_assert_true (g_file_set_contents (weights, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  g_clear_pointer (&tensors, g_ptr_array_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  fidget_evaluate_options_init (&options);
  options.ground_truth = FALSE;
  options.split = -1;
  options.n_threads = 2;
  started = g_get_monotonic_time ();
  evaluation = fidget_evaluate (project, weights, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  total_ms = (g_get_monotonic_time () - started) / 1000.0;
  n = fidget_evaluation_get_n_clips (evaluation);
  fidget_evaluation_get_summary (evaluation, &summary);

  g_print ("clips                     %u\n", n);
  g_print ("weights hashed and loaded %.0f ms\n",
           total_ms - fidget_evaluation_get_elapsed_ms (evaluation));
  g_print ("decode + forward a clip   %.0f ms\n", fidget_evaluation_get_elapsed_ms (evaluation) / n);
  g_print ("bench-evaluate: %u clips at full width on 2 threads, %.0f ms a clip, %.1f s in all\n",
           n, fidget_evaluation_get_elapsed_ms (evaluation) / n, total_ms / 1000.0);
  return 0;
}
