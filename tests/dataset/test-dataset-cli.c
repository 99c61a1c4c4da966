/* test-dataset-cli.c: fidget-cli evaluate, export and the imports (CSV, lists, ELAN), as scripts use them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fidget-cli-test-util.h"
#include "fidget-test-util.h"

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "dataset", "data", name, NULL);
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* {{{ evaluate */

static void
test_evaluate (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autofree char *truth = data_file ("metrics-benchmark.list");
  g_autofree char *predictions = data_file ("metrics-benchmark.csv");
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *confusion = g_build_filename (dir, "confusion.csv", NULL);
  g_autofree char *confusion_body = g_build_filename (dir, "confusion-body.csv", NULL);
  g_autofree char *matrix = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *rows;
  gint64 total = 0;

  fidget_cli_run (&run, "evaluate", "--truth", truth, "--predictions", predictions, "--json",
           "--confusion", confusion, NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = fidget_cli_parse_json (run.out);
  object = json_node_get_object (root);
  /* The numbers of data/metrics-expected.tsv (the reference computation). */
  g_assert_cmpint (json_object_get_int_member (object, "n_clips"), ==, 600);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "acc_top1_fine"),
                                  0.5533333333333333, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "acc_top5_fine"),
                                  0.8533333333333334, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "acc_top1_coarse"),
                                  0.7716666666666666, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "f1_micro_fine"),
                                  0.5533333333333333, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "f1_macro_fine"),
                                  0.37806526759395687, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "f1_micro_coarse"),
                                  0.7716666666666666, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "f1_macro_coarse"),
                                  0.7671804218512382, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "f1_mean"),
                                  0.6175614223612987, 1e-12);

  /* The confusion matrix accounts for every clip once. */
  rows = json_object_get_array_member (object, "confusion_fine");
  g_assert_cmpuint (json_array_get_length (rows), ==, 52);
  for (guint t = 0; t < 52; t++)
    {
      JsonArray *row = json_array_get_array_element (rows, t);
      g_assert_cmpuint (json_array_get_length (row), ==, 52);
      for (guint p = 0; p < 52; p++)
        total += json_array_get_int_element (row, p);
    }
  g_assert_cmpint (total, ==, 600);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "confusion_coarse")),
                    ==, 7);
  g_assert_true (json_array_get_length (json_object_get_array_member (object, "per_class_fine")) > 40);

  g_assert_true (g_file_get_contents (confusion, &matrix, NULL, NULL));
  g_assert_true (g_str_has_prefix (matrix, "truth\\predicted,A1,A3,A4,A2,A5,B5,"));
  g_assert_true (g_file_test (confusion_body, G_FILE_TEST_IS_REGULAR));

  /* The text form: the same numbers rounded for people. */
  fidget_cli_run (&run, "evaluate", "--truth", truth, "--predictions", predictions, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "f1_mean          0.6176\n"));
  g_assert_nonnull (strstr (run.out, "acc_top5_fine    0.8533\n"));
}

static void
test_evaluate_refused (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *truth = g_build_filename (dir, "test_list_videos.txt", NULL);
  g_autofree char *predictions = g_build_filename (dir, "prediction.csv", NULL);
  g_autofree char *message = NULL;

  write_file (truth, "test/0001_01_0001.mp4 5\ntest/0001_01_0002.mp4 B1\n");
  write_file (predictions, "vid,action_pred_1\n");
  fidget_cli_run (&run, "evaluate", "--truth", truth, "--predictions", predictions, NULL);
  message = g_strdup_printf ("%s line 2: the label “B1” is not a class index", truth);
  fidget_cli_run_assert_failed (&run, 1, message);

  write_file (truth, "test/0001_01_0001.mp4 5\ntest/0001_01_0002.mp4 6\n");
  fidget_cli_run (&run, "evaluate", "--truth", truth, "--predictions", predictions, NULL);
  fidget_cli_run_assert_failed (&run, 1, "line 1: the header has no column “action_pred_2”");

  write_file (predictions,
              "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
              "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5\n"
              "0001_01_0001,5,6,7,8,9,1,0,2,3,4\n");
  fidget_cli_run (&run, "evaluate", "--truth", truth, "--predictions", predictions, NULL);
  fidget_cli_run_assert_failed (&run, 1, "has no prediction for the clip “0001_01_0002”");

  fidget_cli_run (&run, "evaluate", "--truth", truth, NULL);
  fidget_cli_run_assert_failed (&run, 2, "needs --truth LIST and --predictions CSV");
  fidget_cli_run (&run, "evaluate", "--truth", "/nonexistent/list.txt", "--predictions", predictions,
           NULL);
  fidget_cli_run_assert_failed (&run, 1, "/nonexistent/list.txt");
}

/* }}} */
/* {{{ splits, export, verify-package, import-csv */

/* Three participants and a video without one, a few segments each. */
static char *
make_study (const char *dir)
{
  g_auto(FidgetCliRun) run = { 0 };
  char *project = g_build_filename (dir, "study.fidget", NULL);
  const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };
  const char *codes[] = { "P001", "P002", "P003", NULL };
  const char *actions[] = { "B1", "B2", "C1", "D1", "F3" };

  fidget_cli_run (&run, "init", project, NULL);
  g_assert_cmpint (run.status, ==, 0);
  for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
    {
      g_autofree char *sample = fidget_test_sample (samples[v]);

      if (codes[v] != NULL)
        fidget_cli_run (&run, "import-video", project, sample, "--participant", codes[v], NULL);
      else
        fidget_cli_run (&run, "import-video", project, sample, NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
  fidget_cli_run (&run, "annotators", "add", project, "amara", NULL);
  g_assert_cmpint (run.status, ==, 0);
  for (guint v = 1; v <= 4; v++)
    for (guint k = 0; k < 3; k++)
      {
        g_autofree char *video = g_strdup_printf ("%u", v);
        g_autofree char *start = g_strdup_printf ("%u", 5 + 15 * k);
        g_autofree char *end = g_strdup_printf ("%u", 15 + 15 * k);

        fidget_cli_run (&run, "segments", "add", project, "--video", video, "--annotator", "amara",
                 "--start", start, "--end", end, "--action", actions[(v + k) % 5], NULL);
        g_assert_cmpint (run.status, ==, 0);
      }
  return project;
}

static void
test_export (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autofree char *dir = NULL;
  g_autofree char *project = NULL;
  g_autofree char *out = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *export_json = NULL;
  g_autoptr(JsonNode) report = NULL;
  JsonArray *splits;
  gint64 total = 0;

  if (fidget_test_samples_dir () == NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  project = make_study (dir);
  out = g_build_filename (dir, "package", NULL);
  csv = g_build_filename (out, "annotations.csv", NULL);

  /* Verified-only is the default: with nothing verified yet, said plainly, nothing written. */
  fidget_cli_run (&run, "export", project, "--out", out, NULL);
  fidget_cli_run_assert_failed (&run, 1, "is verified yet");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  fidget_cli_run (&run, "export", project, "--out", out, "--all-states", "--ratio", "2:1", NULL);
  fidget_cli_run_assert_failed (&run, 2, "(e.g. 2:1:1)");
  fidget_cli_run (&run, "export", project, "--out", out, "--all-states", "--seed", "-3", NULL);
  fidget_cli_run_assert_failed (&run, 2, "--seed must be a whole number");
  fidget_cli_run (&run, "export", project, "--all-states", NULL);
  fidget_cli_run_assert_failed (&run, 2, "export needs --out DIR");

  fidget_cli_run (&run, "export", project, "--out", out, "--all-states", "--seed", "9", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  export_json = g_strdup (run.out);
  report = fidget_cli_parse_json (run.out);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (report), "leakage_free"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "clips"), ==, 12);
  splits = json_object_get_array_member (json_node_get_object (report), "splits");
  g_assert_cmpuint (json_array_get_length (splits), ==, 3);
  for (guint s = 0; s < 3; s++)
    {
      JsonObject *split = json_array_get_object_element (splits, s);
      g_assert_cmpint (json_object_get_int_member (split, "participants"), >=, 1);
      total += json_object_get_int_member (split, "clips");
    }
  g_assert_cmpint (total, ==, 12);

  /* The preview plans the same split and writes nothing. */
  fidget_cli_run (&run, "splits", project, "--all-states", "--seed", "9", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, export_json);
  fidget_cli_run (&run, "splits", project, "--all-states", "--out", out, NULL);
  fidget_cli_run_assert_failed (&run, 2, "--out");

  fidget_cli_run (&run, "verify-package", out, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_suffix (run.out, ": 14 files intact\n"));

  /* The package's .eaf files back into the same project (video ids 1-4 in make_study()'s
   * order): every segment found present, nothing added. */
  {
    const char *documents[] = { "again.eaf", "bird.eaf", "book.eaf", "brother.eaf" };
    g_autofree char *map = g_build_filename (dir, "map.tsv", NULL);

    write_file (map, "*\t*\t=\n");
    fidget_cli_run (&run, "import-eaf", project, "--video", "1", "--map", map, NULL);
    fidget_cli_run_assert_failed (&run, 2, "--video ID, --eaf FILE and --map MAP.tsv");
    for (guint v = 0; v < G_N_ELEMENTS (documents); v++)
      {
        g_autofree char *eaf = g_build_filename (out, "eaf", documents[v], NULL);
        g_autofree char *id = g_strdup_printf ("%u", v + 1);

        fidget_cli_run (&run, "import-eaf", project, "--video", id, "--eaf", eaf, "--map", map,
                        NULL);
        g_assert_cmpint (run.status, ==, 0);
        g_assert_cmpstr (run.out, ==, "3 annotations: 0 segments added, 3 already in the "
                         "project, 0 left out; 0 annotators added\n");
      }
    fidget_cli_run (&run, "import-eaf", project, "--video", "1", "--eaf", csv, "--map", map,
                    NULL);
    fidget_cli_run_assert_failed (&run, 1, "annotations.csv is not well-formed XML");
  }

  /* Text form: the table. */
  fidget_cli_run (&run, "export", project, "--out", out, "--all-states", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "12 clips of 4 participants, split 2:1:1 with seed 0"));
  g_assert_nonnull (strstr (run.out, "\ntrain "));

  /* Clip mode: 12 clips cut, then none on a second run. */
  {
    g_autofree char *clips_out = g_build_filename (dir, "clip-package", NULL);

    fidget_cli_run (&run, "export", project, "--out", clips_out, "--all-states", "--clips", "--crf",
             "99", NULL);
    fidget_cli_run_assert_failed (&run, 2, "--crf must be 0 to 51");
    fidget_cli_run (&run, "export", project, "--out", clips_out, "--all-states", "--clips", "--preset",
             "ultrafast", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "12 clips: 12 cut ("));
    fidget_cli_run (&run, "export", project, "--out", clips_out, "--all-states", "--clips", "--preset",
             "ultrafast", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "12 clips: 0 cut (0 frames), 12 intact from before"));
    fidget_cli_run (&run, "verify-package", clips_out, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_suffix (run.out, ": 26 files intact\n"));

    /* The train list back into a fresh project as clips; again, nothing added; a refusal. */
    {
      g_autofree char *from_list = g_build_filename (dir, "from-list.fidget", NULL);
      g_autofree char *train = g_build_filename (clips_out, "train_list_videos.txt", NULL);
      g_autofree char *clip_dir = g_build_filename (clips_out, "clips", NULL);
      g_autofree char *bad = g_build_filename (dir, "bad-list.txt", NULL);

      fidget_cli_run (&run, "init", from_list, NULL);
      g_assert_cmpint (run.status, ==, 0);
      fidget_cli_run (&run, "import-list", from_list, "--list", train, NULL);
      fidget_cli_run_assert_failed (&run, 2, "--list FILE and --clips DIR");
      fidget_cli_run (&run, "import-list", from_list, "--list", train, "--clips", clip_dir,
                      "--annotator", "dev", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_regex_match_simple ("^([0-9]+) clips: \\1 segments added, 0 already in "
                                           "the project; \\1 videos imported, 1 annotators "
                                           "added\n$", run.out, 0, 0));
      fidget_cli_run (&run, "import-list", from_list, "--list", train, "--clips", clip_dir,
                      "--annotator", "dev", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_regex_match_simple ("^([0-9]+) clips: 0 segments added, \\1 already in "
                                           "the project; 0 videos imported", run.out, 0, 0));
      write_file (bad, "0001_00_0001.mp4 7 extra\n");
      fidget_cli_run (&run, "import-list", from_list, "--list", bad, "--clips", clip_dir, NULL);
      fidget_cli_run_assert_failed (&run, 1, "bad-list.txt line 1: expected");
    }

    /* The same package as archives: with the folder (its clips intact, nothing cut) and
     * without one; verify-package reads them without extracting. */
    {
      g_autofree char *zst = g_build_filename (dir, "clips.tar.zst", NULL);
      g_autofree char *zip = g_build_filename (dir, "meta.zip", NULL);
      g_autofree char *rar = g_build_filename (dir, "meta.rar", NULL);

      fidget_cli_run (&run, "export", project, "--out", clips_out, "--archive", zst, "--all-states",
               "--clips", "--preset", "ultrafast", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_str_has_prefix (run.out, "12 clips: 0 cut (0 frames), 12 intact"));
      g_assert_nonnull (strstr (run.out, "Wrote "));
      fidget_cli_run (&run, "verify-package", zst, NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_str_has_suffix (run.out, ": 26 files intact\n"));

      fidget_cli_run (&run, "export", project, "--archive", zip, "--all-states", NULL);
      g_assert_cmpint (run.status, ==, 0);
      fidget_cli_run (&run, "verify-package", zip, NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_str_has_suffix (run.out, ": 14 files intact\n"));

      fidget_cli_run (&run, "export", project, "--archive", rar, "--all-states", NULL);
      fidget_cli_run_assert_failed (&run, 2, "must end in .tar.zst, .tar.gz (or .tgz) or .zip");
      g_assert_false (g_file_test (rar, G_FILE_TEST_EXISTS));
      fidget_cli_run (&run, "verify-package", rar, NULL);
      fidget_cli_run_assert_failed (&run, 1, "cannot be read as an archive");
    }
  }

  /* Not into a folder of other files. */
  fidget_cli_run (&run, "export", project, "--out", dir, "--all-states", NULL);
  fidget_cli_run_assert_failed (&run, 1, "is not empty and holds no earlier package");

  /* Back into a fresh project. */
  fresh = g_build_filename (dir, "fresh.fidget", NULL);
  fidget_cli_run (&run, "init", fresh, NULL);
  g_assert_cmpint (run.status, ==, 0);
  fidget_cli_run (&run, "import-csv", fresh, csv, NULL);
  fidget_cli_run_assert_failed (&run, 1, "--import-videos");
  fidget_cli_run (&run, "import-csv", fresh, csv, "--import-videos", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "12 rows: 12 segments added, 0 already in the project; "
                   "4 videos imported, 1 annotators added\n");
  fidget_cli_run (&run, "import-csv", fresh, csv, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "0 segments added, 12 already in the project"));
  fidget_cli_run (&run, "import-csv", fresh, NULL);
  fidget_cli_run_assert_failed (&run, 2, "import-csv takes a PROJECT and a CSV file");
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset-cli/evaluate", test_evaluate);
  g_test_add_func ("/dataset-cli/evaluate-refused", test_evaluate_refused);
  g_test_add_func ("/dataset-cli/export", test_export);

  return g_test_run ();
}
