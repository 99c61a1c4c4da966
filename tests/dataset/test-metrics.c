/* test-metrics.c: benchmark scores, the prediction and list parsers, the CSV reader
 *
 * The scores are checked against hand-worked cases and against an independent computation
 * (metrics-reference.py, run once; its numbers are in data/metrics-expected.tsv).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-csv.h"
#include "fidget-error.h"
#include "fidget-metrics.h"
#include "fidget-taxonomy.h"

static void
assert_close (double a,
              double b)
{
  if (G_APPROX_VALUE (a, b, 1e-12))
    return;
  g_error ("%.17g is not %.17g", a, b);
}

/* Scores for top-1 predictions only. */
static FidgetClassScores *
scores_from (guint        n_classes,
             const guint *truth,
             const guint *pred,
             guint        n)
{
  FidgetClassScores *scores = fidget_class_scores_new (n_classes);

  for (guint i = 0; i < n; i++)
    fidget_class_scores_add (scores, truth[i], &pred[i], 1);
  return scores;
}

/* {{{ Hand-worked cases */

/* scikit-learn's own example: y_true [0 1 2 0 1 2], y_pred [0 2 1 0 0 1] gives per-class F1
 * [0.8 0 0], macro 0.2667, micro 0.3333. */
static void
test_sklearn_example (void)
{
  const guint truth[] = { 0, 1, 2, 0, 1, 2 };
  const guint pred[] = { 0, 2, 1, 0, 0, 1 };
  g_autoptr(FidgetClassScores) scores = scores_from (3, truth, pred, 6);
  FidgetClassScore score;

  fidget_class_scores_get_class (scores, 0, &score);
  g_assert_cmpuint (score.tp, ==, 2);
  g_assert_cmpuint (score.fp, ==, 1);
  g_assert_cmpuint (score.fn, ==, 0);
  assert_close (score.precision, 2.0 / 3.0);
  assert_close (score.recall, 1.0);
  assert_close (score.f1, 0.8);
  fidget_class_scores_get_class (scores, 1, &score);
  assert_close (score.f1, 0.0);
  fidget_class_scores_get_class (scores, 2, &score);
  assert_close (score.f1, 0.0);
  assert_close (fidget_class_scores_get_f1_macro (scores), 0.8 / 3.0);
  assert_close (fidget_class_scores_get_f1_micro (scores), 1.0 / 3.0);
  assert_close (fidget_class_scores_get_accuracy (scores, 1), 1.0 / 3.0);
  g_assert_cmpuint (fidget_class_scores_get_confusion (scores, 1, 2), ==, 1);
  g_assert_cmpuint (fidget_class_scores_get_confusion (scores, 1, 0), ==, 1);
  g_assert_cmpuint (fidget_class_scores_get_confusion (scores, 2, 1), ==, 2);
  g_assert_cmpuint (fidget_class_scores_get_confusion (scores, 0, 0), ==, 2);
}

/* Macro F1 averages over the classes in the truth or the predictions: a class only predicted
 * counts with F1 0, a class in neither does not count at all. */
static void
test_macro_classes (void)
{
  /* truth {0, 0, 1}, predictions {0, 5, 1}: class 0 F1 2/3, class 1 F1 1, class 5 F1 0;
   * classes 2-4 and 6-9 are absent and must not pull the mean down. */
  const guint truth[] = { 0, 0, 1 };
  const guint pred[] = { 0, 5, 1 };
  g_autoptr(FidgetClassScores) scores = scores_from (10, truth, pred, 3);
  FidgetClassScore score;

  g_assert_cmpuint (fidget_class_scores_get_n_present (scores), ==, 3);
  g_assert_true (fidget_class_scores_is_present (scores, 5));
  g_assert_false (fidget_class_scores_is_present (scores, 2));
  assert_close (fidget_class_scores_get_f1_macro (scores), (2.0 / 3.0 + 1.0 + 0.0) / 3.0);
  assert_close (fidget_class_scores_get_f1_micro (scores), 2.0 / 3.0);

  /* A class never predicted: precision has nothing to divide by and counts as 0. */
  fidget_class_scores_get_class (scores, 5, &score);
  g_assert_cmpuint (score.support, ==, 0);
  g_assert_cmpuint (score.predicted, ==, 1);
  assert_close (score.precision, 0.0);
  assert_close (score.recall, 0.0);
  assert_close (score.f1, 0.0);
}

/* Top-k counts the first occurrence of the true class within the first k predictions. */
static void
test_top_k (void)
{
  g_autoptr(FidgetClassScores) scores = fidget_class_scores_new (52);
  const guint r0[] = { 7, 1, 2, 3, 4 };      /* right at 1 */
  const guint r1[] = { 1, 2, 7, 3, 4 };      /* right at 3 */
  const guint r2[] = { 1, 2, 3, 4, 7 };      /* right at 5 */
  const guint r3[] = { 1, 2, 3, 4, 5, 7 };   /* right at 6: beyond top-5 */
  const guint r4[] = { 1, 1, 1, 1, 1 };      /* a repeated class, never right */
  const guint r5[] = { 7, 7, 7, 7, 7 };      /* repeated and right: one hit, not five */

  fidget_class_scores_add (scores, 7, r0, 5);
  fidget_class_scores_add (scores, 7, r1, 5);
  fidget_class_scores_add (scores, 7, r2, 5);
  fidget_class_scores_add (scores, 7, r3, 6);
  fidget_class_scores_add (scores, 7, r4, 5);
  fidget_class_scores_add (scores, 7, r5, 5);

  g_assert_cmpuint (fidget_class_scores_get_n_samples (scores), ==, 6);
  assert_close (fidget_class_scores_get_accuracy (scores, 1), 2.0 / 6.0);
  assert_close (fidget_class_scores_get_accuracy (scores, 2), 2.0 / 6.0);
  assert_close (fidget_class_scores_get_accuracy (scores, 3), 3.0 / 6.0);
  assert_close (fidget_class_scores_get_accuracy (scores, 5), 4.0 / 6.0);
}

static void
test_empty_and_summary (void)
{
  g_autoptr(FidgetClassScores) fine = fidget_class_scores_new (4);
  g_autoptr(FidgetClassScores) coarse = fidget_class_scores_new (2);
  FidgetMetricsSummary summary;
  const guint f[][5] = { { 0, 1, 2, 3, 0 }, { 2, 1, 0, 3, 0 }, { 3, 2, 1, 0, 0 } };
  const guint c[][5] = { { 0, 1, 0, 0, 0 }, { 0, 1, 0, 0, 0 }, { 0, 1, 0, 0, 0 } };

  /* Nothing to score: zeros, no division by zero. */
  fidget_metrics_summarize (fine, coarse, &summary);
  g_assert_cmpuint (summary.n_clips, ==, 0);
  assert_close (summary.f1_mean, 0.0);
  assert_close (fidget_class_scores_get_f1_macro (fine), 0.0);

  /* truth fine {0, 1, 2} -> coarse {0, 0, 1}; top-1 fine {0, 2, 3}, coarse {0, 0, 0}. */
  fidget_class_scores_add (fine, 0, f[0], 5);
  fidget_class_scores_add (fine, 1, f[1], 5);
  fidget_class_scores_add (fine, 2, f[2], 5);
  fidget_class_scores_add (coarse, 0, c[0], 5);
  fidget_class_scores_add (coarse, 0, c[1], 5);
  fidget_class_scores_add (coarse, 1, c[2], 5);
  fidget_metrics_summarize (fine, coarse, &summary);

  g_assert_cmpuint (summary.n_clips, ==, 3);
  assert_close (summary.acc_top1_fine, 1.0 / 3.0);
  assert_close (summary.acc_top5_fine, 1.0);
  assert_close (summary.acc_top1_coarse, 2.0 / 3.0);
  /* fine: class 0 F1 1, classes 1, 2, 3 F1 0 -> macro 1/4; micro 1/3. */
  assert_close (summary.f1_micro_fine, 1.0 / 3.0);
  assert_close (summary.f1_macro_fine, 0.25);
  /* coarse: class 0 TP 2 FP 1 FN 0 -> F1 0.8, class 1 F1 0 -> macro 0.4; micro 2/3. */
  assert_close (summary.f1_micro_coarse, 2.0 / 3.0);
  assert_close (summary.f1_macro_coarse, 0.4);
  assert_close (summary.f1_mean, (1.0 / 3.0 + 0.25 + 2.0 / 3.0 + 0.4) / 4.0);
}

/* }}} */
/* {{{ Against the reference computation */

typedef struct
{
  guint  n_fine;
  guint  n_coarse;
  guint *fine_to_coarse;
} Map;

static void
map_init (Map *map)
{
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();

  map->n_fine = fidget_taxonomy_get_n_model_classes (taxonomy);
  map->n_coarse = fidget_taxonomy_get_n_body_parts (taxonomy);
  map->fine_to_coarse = g_new0 (guint, map->n_fine);
  for (guint c = 0; c < map->n_fine; c++)
    map->fine_to_coarse[c] =
      fidget_taxonomy_lookup_action_by_model_index (taxonomy, (int) c)->body_part->index;
}

static void
map_clear (Map *map)
{
  g_clear_pointer (&map->fine_to_coarse, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Map, map_clear)

static char *
read_data (const char *name,
           gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "dataset", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

static double
summary_value (const FidgetMetricsSummary *s,
               const char                 *key)
{
  const struct { const char *key; double value; } values[] = {
    { "n_clips", s->n_clips },
    { "acc_top1_fine", s->acc_top1_fine },
    { "acc_top5_fine", s->acc_top5_fine },
    { "acc_top1_coarse", s->acc_top1_coarse },
    { "f1_micro_fine", s->f1_micro_fine },
    { "f1_macro_fine", s->f1_macro_fine },
    { "f1_micro_coarse", s->f1_micro_coarse },
    { "f1_macro_coarse", s->f1_macro_coarse },
    { "f1_mean", s->f1_mean },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (g_str_equal (values[i].key, key))
      return values[i].value;
  g_error ("unknown key %s", key);
}

static void
test_reference (void)
{
  g_auto(Map) map = { 0 };
  gsize length;
  g_autofree char *expected = read_data ("metrics-expected.tsv", &length);
  g_auto(GStrv) lines = g_strsplit (expected, "\n", -1);
  g_autofree char *current = NULL;
  FidgetMetricsSummary summary = { 0 };
  guint n_checked = 0;

  map_init (&map);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      cols = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (cols), ==, 3);

      if (current == NULL || !g_str_equal (current, cols[0]))
        {
          g_autofree char *list_name = g_strconcat ("metrics-", cols[0], ".list", NULL);
          g_autofree char *csv_name = g_strconcat ("metrics-", cols[0], ".csv", NULL);
          gsize list_length, csv_length;
          g_autofree char *list_text = read_data (list_name, &list_length);
          g_autofree char *csv_text = read_data (csv_name, &csv_length);
          g_autoptr(GPtrArray) truth = NULL;
          g_autoptr(GPtrArray) predictions = NULL;
          g_autoptr(FidgetClassScores) fine = NULL;
          g_autoptr(FidgetClassScores) coarse = NULL;
          g_autoptr(GError) error = NULL;

          truth = fidget_metrics_parse_truth_list (list_name, list_text, list_length,
                                                   map.n_fine, &error);
          g_assert_no_error (error);
          predictions = fidget_metrics_parse_predictions (csv_name, csv_text, csv_length,
                                                          map.n_fine, map.n_coarse, &error);
          g_assert_no_error (error);
          g_assert_true (fidget_metrics_evaluate (truth, list_name, predictions, csv_name,
                                                  map.fine_to_coarse, map.n_fine, map.n_coarse,
                                                  &fine, &coarse, &error));
          g_assert_no_error (error);
          fidget_metrics_summarize (fine, coarse, &summary);
          g_free (current);
          current = g_strdup (cols[0]);
        }
      g_test_message ("%s %s: %.17g, reference %s", cols[0], cols[1],
                      summary_value (&summary, cols[1]), cols[2]);
      assert_close (summary_value (&summary, cols[1]), g_ascii_strtod (cols[2], NULL));
      n_checked++;
    }
  /* Four cases of nine numbers each: a missing data file must not pass silently. */
  g_assert_cmpuint (n_checked, ==, 36);
}

/* }}} */
/* {{{ Parsers: what is accepted */

static void
test_vid_from_file (void)
{
  const char *cases[][2] = {
    { "train/0001_02_0003.mp4", "0001_02_0003" },
    { "0001_02_0003", "0001_02_0003" },
    { "a/b/c.d.mkv", "c.d" },
    { "C:\\data\\x.avi", "x" },
    { ".hidden", ".hidden" },
    { "dir.v2/clip", "clip" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *vid = fidget_metrics_vid_from_file (cases[i][0]);
      g_assert_cmpstr (vid, ==, cases[i][1]);
    }
}

static void
test_truth_list (void)
{
  const char *text = "\xEF\xBB\xBF" "train/0001_00_0001.mp4 0\r\n"
                     "\n"
                     "   train/0001_01_0001.mp4\t\t51  \n"
                     "train/0002_03_0001.mp4 24";  /* no final newline */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = fidget_metrics_parse_truth_list ("t.txt", text, strlen (text), 52,
                                                               &error);
  FidgetTruthEntry *e;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  e = g_ptr_array_index (list, 0);
  g_assert_cmpstr (e->file, ==, "train/0001_00_0001.mp4");
  g_assert_cmpstr (e->vid, ==, "0001_00_0001");
  g_assert_cmpuint (e->label, ==, 0);
  g_assert_cmpuint (e->line, ==, 1);
  e = g_ptr_array_index (list, 1);
  g_assert_cmpuint (e->label, ==, 51);
  g_assert_cmpuint (e->line, ==, 3);
  e = g_ptr_array_index (list, 2);
  g_assert_cmpuint (e->label, ==, 24);
  g_assert_cmpuint (e->line, ==, 4);
}

static void
test_predictions (void)
{
  /* Columns in another order, an extra column, CRLF, quoted fields, a vid with extension. */
  const char *text =
    "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5,vid,score,"
    "action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5\r\n"
    "1,2,3,4,5,\"0001_01_0001.mp4\",0.9,9,10,11,12,13\r\n"
    "6,0,1,2,3,0002_06_0001,\"x, y\",51,0,1,2,3\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fidget_metrics_parse_predictions ("p.csv", text, strlen (text),
                                                                52, 7, &error);
  FidgetPredictionRow *row;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->vid, ==, "0001_01_0001");
  g_assert_cmpuint (row->action[0], ==, 9);
  g_assert_cmpuint (row->action[4], ==, 13);
  g_assert_cmpuint (row->body[0], ==, 1);
  g_assert_cmpuint (row->body[4], ==, 5);
  g_assert_cmpuint (row->line, ==, 2);
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (row->vid, ==, "0002_06_0001");
  g_assert_cmpuint (row->action[0], ==, 51);
  g_assert_cmpuint (row->body[0], ==, 6);
}

/* }}} */
/* {{{ Parsers: what is refused, and how */

static const char *header =
  "vid,action_pred_1,action_pred_2,action_pred_3,action_pred_4,action_pred_5,"
  "body_pred_1,body_pred_2,body_pred_3,body_pred_4,body_pred_5\n";

static void
assert_list_refused (const char *text,
                     const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = fidget_metrics_parse_truth_list ("truth.txt", text, strlen (text),
                                                               52, &error);

  g_assert_null (list);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "truth.txt"));
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_truth_list_refused (void)
{
  assert_list_refused ("", "lists no clips");
  assert_list_refused ("\n  \n", "lists no clips");
  assert_list_refused ("a.mp4 1\nb.mp4\n", "truth.txt line 2: “b.mp4” is not “file label”");
  assert_list_refused ("a.mp4 1\nmy clip.mp4 2\n", "line 2");
  assert_list_refused ("a.mp4 52\n", "line 1: the label “52” is not a class index");
  assert_list_refused ("a.mp4 -1\n", "the label “-1”");
  assert_list_refused ("a.mp4 B1\n", "the label “B1”");
  assert_list_refused ("a.mp4 1.0\n", "the label “1.0”");
  assert_list_refused ("a.mp4 99999999999999999999\n", "is not a class index");
  assert_list_refused ("x/a.mp4 1\ny/a.mkv 2\n",
                       "line 2: the clip “a” is listed twice (first on line 1)");
  assert_list_refused ("a.mp4 1\n\xff\xfe 2\n", "line 2: the text is not valid UTF-8");
  {
    const char nul[] = "a.mp4 1\nb.mp4\0 2\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = fidget_metrics_parse_truth_list ("truth.txt", nul,
                                                                 sizeof nul - 1, 52, &error);
    g_assert_null (list);
    g_assert_nonnull (strstr (error->message, "truth.txt line 2: the file holds a NUL byte"));
  }
}

static void
assert_predictions_refused (const char *body,
                            gboolean    with_header,
                            const char *message_part)
{
  g_autofree char *text = g_strconcat (with_header ? header : "", body, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fidget_metrics_parse_predictions ("pred.csv", text, strlen (text),
                                                                52, 7, &error);

  g_assert_null (rows);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "pred.csv"));
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_predictions_refused (void)
{
  assert_predictions_refused ("", FALSE, "pred.csv is empty");
  assert_predictions_refused ("", TRUE, "holds a header but no predictions");
  assert_predictions_refused ("vid,action_pred_1\na,1\n", FALSE,
                              "line 1: the header has no column “action_pred_2”");
  assert_predictions_refused ("0001,1,2,3,4,5,0,1,2,3,4\n", FALSE,
                              "line 1: the header has no column “vid”");
  assert_predictions_refused ("vid,vid,action_pred_1\n", FALSE, "names the column “vid” twice");
  assert_predictions_refused ("a,1,2,3,4,5,0,1,2,3\n", TRUE, "line 2: 10 fields where the header has 11");
  assert_predictions_refused ("a,1,2,3,4,5,0,1,2,3,4,5\n", TRUE, "line 2: 12 fields");
  assert_predictions_refused ("a,52,2,3,4,5,0,1,2,3,4\n", TRUE,
                              "line 2: action_pred_1 “52” is not a class index (a whole number from 0 to 51)");
  assert_predictions_refused ("a,1,2,3,4,5,0,1,2,3,7\n", TRUE,
                              "line 2: body_pred_5 “7” is not a class index (a whole number from 0 to 6)");
  assert_predictions_refused ("a,1,2,,4,5,0,1,2,3,4\n", TRUE, "action_pred_3 “”");
  assert_predictions_refused ("a,B1,2,3,4,5,0,1,2,3,4\n", TRUE, "action_pred_1 “B1”");
  assert_predictions_refused (",1,2,3,4,5,0,1,2,3,4\n", TRUE, "line 2: the vid is empty");
  assert_predictions_refused ("a,1,2,3,4,5,0,1,2,3,4\n\na.mp4,1,2,3,4,5,0,1,2,3,4\n", TRUE,
                              "line 4: the clip “a” is predicted twice (first on line 2)");
  assert_predictions_refused ("\"a,1,2,3,4,5,0,1,2,3,4\n", TRUE,
                              "line 2: the quoted field that begins on line 2 never ends");
  assert_predictions_refused ("a\"b,1,2,3,4,5,0,1,2,3,4\n", TRUE, "line 2: a quote inside an unquoted field");
  assert_predictions_refused ("\"a\"b,1,2,3,4,5,0,1,2,3,4\n", TRUE, "line 2: text follows a closing quote");
  assert_predictions_refused ("a,1,2,3,4,5,0,1,2,3,4\n\xc3(,1,2,3,4,5,0,1,2,3,4\n", TRUE,
                              "line 3: the text is not valid UTF-8");
}

static void
test_evaluate_refused (void)
{
  g_auto(Map) map = { 0 };
  const char *list_text = "t/a.mp4 1\nt/b.mp4 2\nt/c.mp4 3\n";
  g_autofree char *complete = g_strconcat (header, "a,1,2,3,4,5,0,1,2,3,4\n"
                                           "b,1,2,3,4,5,0,1,2,3,4\n"
                                           "c,1,2,3,4,5,0,1,2,3,4\n", NULL);
  g_autofree char *missing_one = g_strconcat (header, "a,1,2,3,4,5,0,1,2,3,4\n"
                                              "c,1,2,3,4,5,0,1,2,3,4\n", NULL);
  g_autofree char *missing_two = g_strconcat (header, "c,1,2,3,4,5,0,1,2,3,4\n", NULL);
  g_autofree char *stranger = g_strconcat (complete, "d,1,2,3,4,5,0,1,2,3,4\n", NULL);
  const struct { const char *csv; const char *message; } cases[] = {
    { missing_one, "pred.csv has no prediction for the clip “b” (truth.txt line 2)" },
    { missing_two, "pred.csv has no prediction for 2 clips, the first “a” (truth.txt line 1)" },
    { stranger, "pred.csv line 5: the clip “d” is not in truth.txt" },
  };
  g_autoptr(GPtrArray) truth = NULL;
  g_autoptr(GError) error = NULL;

  map_init (&map);
  truth = fidget_metrics_parse_truth_list ("truth.txt", list_text, strlen (list_text), 52, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) rows = fidget_metrics_parse_predictions ("pred.csv", cases[i].csv,
                                                                    strlen (cases[i].csv),
                                                                    52, 7, &error);
      g_autoptr(FidgetClassScores) fine = NULL;
      g_autoptr(FidgetClassScores) coarse = NULL;

      g_assert_no_error (error);
      g_assert_false (fidget_metrics_evaluate (truth, "truth.txt", rows, "pred.csv",
                                               map.fine_to_coarse, 52, 7, &fine, &coarse,
                                               &error));
      g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_null (fine);
      g_clear_error (&error);
    }
}

/* }}} */
/* {{{ Fuzzing */

/* Damages @text in one of a few ways people and programs damage files. */
static char *
mutate (GRand      *rand,
        const char *text,
        gsize      *length)
{
  GString *out = g_string_new (text);
  guint n = 1 + g_rand_int_range (rand, 0, 4);
  static const char *const inserts[] = {
    ",", "\"", "\n", "\r", "\r\n", " ", "\t", "-", "99", "4294967296", "\xff", "\xc3", "\0",
    ".mp4", "\"\"", ",,", "\xEF\xBB\xBF", "é", "vid", "action_pred_1",
  };

  for (guint m = 0; m < n; m++)
    {
      guint pos = out->len > 0 ? g_rand_int_range (rand, 0, out->len) : 0;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:  /* a random byte */
          if (out->len > 0)
            out->str[pos] = (char) g_rand_int_range (rand, 0, 256);
          break;
        case 1:  /* truncated */
          g_string_truncate (out, pos);
          break;
        case 2:  /* a piece inserted */
          {
            const char *piece = inserts[g_rand_int_range (rand, 0, G_N_ELEMENTS (inserts))];
            g_string_insert_len (out, pos, piece, piece[0] == '\0' ? 1 : (gssize) strlen (piece));
          }
          break;
        case 3:  /* a line duplicated */
          {
            const char *start = out->str + pos;
            const char *eol;

            while (start > out->str && start[-1] != '\n')
              start--;
            eol = strchr (start, '\n');
            if (eol != NULL)
              {
                g_autofree char *line = g_strndup (start, eol - start + 1);
                g_string_insert (out, start - out->str, line);
              }
          }
          break;
        case 4:  /* a span deleted */
          {
            gsize span = g_rand_int_range (rand, 1, 20);
            g_string_erase (out, pos, MIN (out->len - pos, span));
          }
          break;
        default: /* a digit changed */
          for (guint i = pos; i < out->len; i++)
            if (g_ascii_isdigit (out->str[i]))
              {
                out->str[i] = '0' + g_rand_int_range (rand, 0, 10);
                break;
              }
          break;
        }
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

static void
test_fuzz (void)
{
  g_auto(Map) map = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  gsize list_length, csv_length;
  g_autofree char *list_text = read_data ("metrics-sparse.list", &list_length);
  g_autofree char *csv_text = read_data ("metrics-sparse.csv", &csv_length);
  guint n_accepted = 0, n_refused = 0, n_scored = 0;

  map_init (&map);
  for (guint round = 0; round < 3000; round++)
    {
      /* One file damaged at a time, mostly, so that damaged lists meet intact predictions. */
      guint which = g_rand_int_range (rand, 0, 3);
      gsize l1 = list_length, l2 = csv_length;
      g_autofree char *list = which != 1 ? mutate (rand, list_text, &l1)
                                         : g_memdup2 (list_text, list_length + 1);
      g_autofree char *csv = which != 0 ? mutate (rand, csv_text, &l2)
                                        : g_memdup2 (csv_text, csv_length + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) truth = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(FidgetClassScores) fine = NULL;
      g_autoptr(FidgetClassScores) coarse = NULL;

      truth = fidget_metrics_parse_truth_list ("truth.txt", list, l1, map.n_fine, &error);
      if (truth == NULL)
        {
          g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
          g_assert_true (g_str_has_prefix (error->message, "truth.txt "));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_clear_error (&error);
          n_refused++;
        }
      else
        {
          for (guint i = 0; i < truth->len; i++)
            {
              FidgetTruthEntry *e = g_ptr_array_index (truth, i);
              g_assert_cmpuint (e->label, <, map.n_fine);
              g_assert_true (g_utf8_validate (e->vid, -1, NULL));
            }
          n_accepted++;
        }

      rows = fidget_metrics_parse_predictions ("pred.csv", csv, l2, map.n_fine, map.n_coarse,
                                               &error);
      if (rows == NULL)
        {
          g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
          g_assert_true (g_str_has_prefix (error->message, "pred.csv "));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_clear_error (&error);
          n_refused++;
          continue;
        }
      n_accepted++;
      for (guint i = 0; i < rows->len; i++)
        {
          FidgetPredictionRow *r = g_ptr_array_index (rows, i);
          for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
            {
              g_assert_cmpuint (r->action[k], <, map.n_fine);
              g_assert_cmpuint (r->body[k], <, map.n_coarse);
            }
        }
      if (truth == NULL)
        continue;
      if (fidget_metrics_evaluate (truth, "truth.txt", rows, "pred.csv", map.fine_to_coarse,
                                   map.n_fine, map.n_coarse, &fine, &coarse, &error))
        {
          FidgetMetricsSummary summary;

          fidget_metrics_summarize (fine, coarse, &summary);
          g_assert_cmpuint (summary.n_clips, ==, truth->len);
          g_assert_cmpfloat (summary.f1_mean, >=, 0.0);
          g_assert_cmpfloat (summary.f1_mean, <=, 1.0);
          n_scored++;
        }
      else
        {
          g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
          g_assert_true (g_str_has_prefix (error->message, "pred.csv"));
        }
    }
  g_test_message ("fuzz: %u parses accepted, %u refused, %u pairs scored",
                  n_accepted, n_refused, n_scored);
  /* Both outcomes must really happen, or the mutations test nothing. */
  g_assert_cmpuint (n_accepted, >, 100);
  g_assert_cmpuint (n_refused, >, 100);
  g_assert_cmpuint (n_scored, >, 10);
}

/* }}} */
/* {{{ CSV */

static void
test_csv_round_trip (void)
{
  const char *values[][5] = {
    { "plain", "with, comma", "with \"quotes\"", "two\nlines", NULL },
    { "", " leading space", "trailing\t", "é ü ✓", NULL },
    { "\r\n", "\"", ",", "x", NULL },
  };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(FidgetCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  guint n_fields;

  for (guint r = 0; r < G_N_ELEMENTS (values); r++)
    fidget_csv_append_row (out, values[r]);

  reader = fidget_csv_reader_new ("x.csv", out->str, out->len);
  for (guint r = 0; r < G_N_ELEMENTS (values); r++)
    {
      g_assert_true (fidget_csv_reader_next (reader, &fields, &n_fields, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_fields, ==, 4);
      for (guint f = 0; f < 4; f++)
        g_assert_cmpstr (fields[f], ==, values[r][f]);
      g_assert_null (fields[4]);
    }
  g_assert_false (fidget_csv_reader_next (reader, &fields, &n_fields, &error));
  g_assert_no_error (error);
}

static void
test_csv_lines (void)
{
  const char *text = "a,b\r\n\r\n\"multi\nline\",x\n  \nlast,\"\"";
  g_autoptr(FidgetCsvReader) reader = fidget_csv_reader_new ("x.csv", text, strlen (text));
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  guint n_fields;

  g_assert_true (fidget_csv_reader_next (reader, &fields, &n_fields, &error));
  g_assert_cmpuint (fidget_csv_reader_get_line (reader), ==, 1);
  g_assert_cmpstr (fields[1], ==, "b");
  g_assert_true (fidget_csv_reader_next (reader, &fields, &n_fields, &error));
  g_assert_cmpuint (fidget_csv_reader_get_line (reader), ==, 3);
  g_assert_cmpstr (fields[0], ==, "multi\nline");
  g_assert_true (fidget_csv_reader_next (reader, &fields, &n_fields, &error));
  g_assert_cmpuint (fidget_csv_reader_get_line (reader), ==, 6);
  g_assert_cmpuint (n_fields, ==, 2);
  g_assert_cmpstr (fields[0], ==, "last");
  g_assert_cmpstr (fields[1], ==, "");
  g_assert_false (fidget_csv_reader_next (reader, &fields, &n_fields, &error));
  g_assert_no_error (error);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metrics/sklearn-example", test_sklearn_example);
  g_test_add_func ("/metrics/macro-classes", test_macro_classes);
  g_test_add_func ("/metrics/top-k", test_top_k);
  g_test_add_func ("/metrics/empty-and-summary", test_empty_and_summary);
  g_test_add_func ("/metrics/reference", test_reference);
  g_test_add_func ("/metrics/vid-from-file", test_vid_from_file);
  g_test_add_func ("/metrics/truth-list", test_truth_list);
  g_test_add_func ("/metrics/predictions", test_predictions);
  g_test_add_func ("/metrics/truth-list-refused", test_truth_list_refused);
  g_test_add_func ("/metrics/predictions-refused", test_predictions_refused);
  g_test_add_func ("/metrics/evaluate-refused", test_evaluate_refused);
  g_test_add_func ("/metrics/fuzz", test_fuzz);
  g_test_add_func ("/csv/round-trip", test_csv_round_trip);
  g_test_add_func ("/csv/lines", test_csv_lines);

  return g_test_run ();
}
