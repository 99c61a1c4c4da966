/* test-evaluate-cli.c: fidget-cli evaluate --project --weights, as a script uses it
 *
 * The project is made through fidget-cli too (four sample clips, one participant each, nine
 * segments). The model run's numbers must be exactly those that `evaluate --truth
 * --predictions` gives for the files it leaves; the refusals are one line with exit status 1
 * or 2; Ctrl+C stops the run with status 1 and leaves no output folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fidget-cli-test-util.h"
#include "fidget-test-util.h"

static char *project_path;
static char *project_dir;

static char *
weights_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "manet", "data", "manet-w8.safetensors", NULL);
}

static gboolean
ensure_project (void)
{
  static const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };
  static const char *const segments[][4] = {
    { "1", "0", "20", "B1" }, { "1", "20", "45", "C3" }, { "1", "45", "78", "A1" },
    { "2", "5", "30", "B1" }, { "2", "30", "60", "D2" },
    { "3", "0", "25", "C3" }, { "3", "25", "60", "E1" },
    { "4", "10", "40", "B1" }, { "4", "40", "66", "F1" },
  };

  if (project_path != NULL)
    return TRUE;
  if (fidget_test_samples_dir () == NULL)
    return FALSE;
  project_dir = fidget_test_make_tmpdir ();
  project_path = g_build_filename (project_dir, "study.fidget", NULL);
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "init", project_path, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
    {
      g_auto(FidgetCliRun) run = { 0 };
      g_autofree char *sample = fidget_test_sample (samples[v]);
      g_autofree char *participant = g_strdup_printf ("P%03u", v + 1);

      fidget_cli_run (&run, "import-video", project_path, sample, "--participant", participant,
                      NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "annotators", "add", project_path, "amara", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
    {
      g_auto(FidgetCliRun) run = { 0 };

      fidget_cli_run (&run, "segments", "add", project_path, "--video", segments[i][0],
                      "--annotator", "amara", "--start", segments[i][1], "--end",
                      segments[i][2], "--action", segments[i][3], NULL);
      if (run.status != 0)
        g_error ("segments add: %s", run.err);
    }
  return TRUE;
}

static void
assert_same_member (JsonObject *a,
                    JsonObject *b,
                    const char *name)
{
  g_autoptr(JsonNode) x = json_node_ref (json_object_get_member (a, name));
  g_autoptr(JsonNode) y = json_node_ref (json_object_get_member (b, name));
  g_autofree char *xs = json_to_string (x, FALSE);
  g_autofree char *ys = json_to_string (y, FALSE);

  g_assert_nonnull (json_object_get_member (a, name));
  g_assert_cmpstr (xs, ==, ys);
}

static void
test_model (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_auto(FidgetCliRun) scored = { 0 };
  g_auto(FidgetCliRun) text = { 0 };
  g_autofree char *weights = weights_path ();
  g_autofree char *out = NULL;
  g_autofree char *truth = NULL;
  g_autofree char *predictions = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) again = NULL;
  JsonObject *object;
  JsonArray *clips;
  gint64 hits = 0;
  static const char *const members[] = {
    "n_clips", "acc_top1_fine", "acc_top5_fine", "acc_top1_coarse", "f1_micro_fine",
    "f1_macro_fine", "f1_micro_coarse", "f1_macro_coarse", "f1_mean", "per_class_fine",
    "confusion_fine", "per_class_coarse", "confusion_coarse",
  };

  if (!ensure_project ())
    return;
  out = g_build_filename (project_dir, "evaluation", NULL);
  fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", weights,
                  "--split", "all", "--all-states", "--threads", "2", "--output-dir", out,
                  "--json", NULL);
  if (run.status != 0)
    g_error ("evaluate: %s", run.err);
  g_assert_cmpstr (run.err, ==, "");
  root = fidget_cli_parse_json (run.out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "split"), ==, "all");
  g_assert_cmpstr (json_object_get_string_member (object, "ratio"), ==, "2:1:1");
  g_assert_cmpint (json_object_get_int_member (object, "n_clips"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (object, "n_skipped"), ==, 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "model"), "sha256:"));
  clips = json_object_get_array_member (object, "clips");
  g_assert_cmpuint (json_array_get_length (clips), ==, 9);
  for (guint i = 0; i < json_array_get_length (clips); i++)
    {
      JsonObject *clip = json_array_get_object_element (clips, i);

      hits += json_object_get_int_member (clip, "truth") ==
              json_array_get_int_element (json_object_get_array_member (clip, "action_pred"), 0);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (clip, "body_pred")),
                        ==, 5);
    }
  g_assert_cmpfloat (json_object_get_double_member (object, "acc_top1_fine"), ==, hits / 9.0);
  g_test_message ("%.1f ms a clip", json_object_get_double_member (object, "ms_per_clip"));

  /* The files it leaves, scored as a prediction file: the same numbers, to the last digit. */
  truth = g_build_filename (out, "truth_list.txt", NULL);
  predictions = g_build_filename (out, "predictions.csv", NULL);
  fidget_cli_run (&scored, "evaluate", "--truth", truth, "--predictions", predictions, "--json",
                  NULL);
  g_assert_cmpint (scored.status, ==, 0);
  again = fidget_cli_parse_json (scored.out);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    assert_same_member (object, json_node_get_object (again), members[i]);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *png = g_build_filename (out, i == 0 ? "confusion.png" : "confusion_body.png",
                                               NULL);
      g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
    }

  /* For people: the summary and the per-class table of the test split. */
  fidget_cli_run (&text, "evaluate", "--project", project_path, "--weights", weights,
                  "--all-states", NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "test split (2:1:1, seed 0)"));
  g_assert_nonnull (strstr (text.out, "acc_top1_fine"));
  g_assert_nonnull (strstr (text.out, "Actions (fine)"));
}

static void
test_refusals (void)
{
  g_autofree char *weights = weights_path ();
  g_autofree char *missing = NULL;
  g_autofree char *garbage = NULL;

  if (!ensure_project ())
    return;
  missing = g_build_filename (project_dir, "none.safetensors", NULL);
  garbage = g_build_filename (project_dir, "garbage.safetensors", NULL);
  g_assert_true (g_file_set_contents (garbage, "nonsense", -1, NULL));

  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, NULL);
    fidget_cli_run_assert_failed (&run, 2, "convert_weights.py");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", missing,
                    "--all-states", NULL);
    fidget_cli_run_assert_failed (&run, 1, "none.safetensors");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", garbage,
                    "--all-states", NULL);
    fidget_cli_run_assert_failed (&run, 1, "not a safetensors file");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", weights,
                    "--truth", "x.list", NULL);
    fidget_cli_run_assert_failed (&run, 2, "not both");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--truth", "x.list", "--predictions", "y.csv",
                    "--weights", weights, NULL);
    fidget_cli_run_assert_failed (&run, 2, "go with --project");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", weights,
                    "--split", "holdout", NULL);
    fidget_cli_run_assert_failed (&run, 2, "holdout");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", weights, NULL);
    fidget_cli_run_assert_failed (&run, 1, "verified");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    fidget_cli_run (&run, "evaluate", "--project", project_path, "--weights", weights,
                    "--all-states", "--ratio", "3:1:0", NULL);
    fidget_cli_run_assert_failed (&run, 1, "The test split is empty");
  }
}

/* Ctrl+C in the middle of a run (nine clips take seconds; the signal comes after half a
 * second, long after the handler is set up): status 1, one line saying so, no output folder. */
static void
test_interrupt (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *weights = weights_path ();
  g_autofree char *out = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  gint64 started;

  if (!ensure_project ())
    return;
  out = g_build_filename (project_dir, "interrupted", NULL);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("FIDGET_CLI"), "evaluate", "--project",
                              project_path, "--weights", weights, "--split", "all",
                              "--all-states", "--threads", "2", "--output-dir", out, NULL);
  g_assert_no_error (error);
  started = g_get_monotonic_time ();
  g_usleep (G_USEC_PER_SEC / 2);
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_test_message ("stopped %.0f ms after the start",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_cmpstr (stdout_text, ==, "");
  g_assert_cmpstr (stderr_text, ==,
                   "fidget-cli: the evaluation was interrupted; no file was written\n");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evaluate/cli/model", test_model);
  g_test_add_func ("/evaluate/cli/refusals", test_refusals);
  g_test_add_func ("/evaluate/cli/interrupt", test_interrupt);
  return g_test_run ();
}
