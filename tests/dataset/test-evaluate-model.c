/* test-evaluate-model.c: MANet evaluated on a split of a project (fidget-evaluate.h)
 *
 * With the committed width-8 network (random weights: its labels mean nothing) on a study of
 * four sample clips: the clips evaluated are exactly the export's clips of the split; each
 * prediction is what the engine gives for the clip on its own; the scores are exactly what
 * fidget-metrics computes from the prediction file and truth list the evaluation writes (and
 * what a hand count gives for top-1); the confusion PNG has one row per class present; the
 * async run gives the same and reports progress in order; cancelling stops it; and every
 * refusal comes before any work, saying what and why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fidget-assist.h"
#include "fidget-dataset.h"
#include "fidget-error.h"
#include "fidget-evaluate.h"
#include "fidget-test-util.h"
#include "fidget-video-import.h"
#include "manet-test-util.h"

typedef struct
{
  char          *dir;
  char          *path;
  FidgetProject *project;
  gint64         video_ids[4];
} Study;

static void
study_free (Study *study)
{
  g_clear_object (&study->project);
  g_free (study->dir);
  g_free (study->path);
  g_free (study);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Study, study_free)

/* Segments of one annotator: video, start, end, action. Several classes, one of the project's
 * own (C14), so that top-1 hits, misses and the left-out clip are all exercised. */
static const struct
{
  guint       video;
  gint64      start;
  gint64      end;
  const char *action;
} segments[] = {
  { 0, 0, 20, "B1" }, { 0, 20, 45, "C3" }, { 0, 45, 78, "A1" },
  { 1, 5, 30, "B1" }, { 1, 30, 60, "D2" },
  { 2, 0, 25, "C3" }, { 2, 25, 60, "E1" },
  { 3, 10, 40, "B1" }, { 3, 40, 66, "C14" },
};

/* @copy: import copies of the samples from the study's folder, so that one can go missing. */
static Study *
study_new (gboolean copy)
{
  const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };
  const char *participants[] = { "P001", "P002", "P003", "P004" };
  g_autoptr(Study) study = g_new0 (Study, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetAnnotator) annotator = NULL;
  const FidgetAction *own;

  if (fidget_test_samples_dir () == NULL)
    return NULL;
  study->dir = fidget_test_make_tmpdir ();
  study->path = g_build_filename (study->dir, "study.fidget", NULL);
  study->project = fidget_project_create (study->path, &error);
  g_assert_no_error (error);

  for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
    {
      g_autofree char *sample = fidget_test_sample (samples[v]);
      FidgetImportOptions options = { participants[v], "female", "18-25" };
      g_autoptr(FidgetVideo) video = NULL;

      if (copy)
        {
          g_autofree char *contents = NULL;
          g_autofree char *target = g_build_filename (study->dir, samples[v], NULL);
          gsize length;

          g_assert_true (g_file_get_contents (sample, &contents, &length, NULL));
          g_assert_true (g_file_set_contents (target, contents, length, NULL));
          g_free (sample);
          sample = g_steal_pointer (&target);
        }
      video = fidget_import_video (study->project, sample, &options, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      study->video_ids[v] = video->id;
    }
  annotator = fidget_project_add_annotator (study->project, "amara", &error);
  g_assert_no_error (error);
  own = fidget_project_add_action (study->project, "C", "C14", "drumming fingers",
                                   "fingers tap in turn on a surface", &error);
  g_assert_no_error (error);
  g_assert_nonnull (own);

  for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
    {
      g_autoptr(FidgetSegment) segment =
        fidget_project_add_segment (study->project, study->video_ids[segments[i].video],
                                    "amara", segments[i].start, segments[i].end,
                                    segments[i].action, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&study);
}

static char *
weights_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "manet", "data", "manet-w8.safetensors", NULL);
}

static void
options_all_states (FidgetEvaluateOptions *options,
                    int                    split)
{
  fidget_evaluate_options_init (options);
  options->ground_truth = FALSE;
  options->split = split;
  options->n_threads = 2;
}

static char *
read_text (const char *dir,
           const char *name,
           gsize      *length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

/* Width and height from a PNG's IHDR chunk. */
static void
png_size (const char *dir,
          const char *name,
          guint      *width,
          guint      *height)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  const guint8 *p;

  data = read_text (dir, name, &length);
  g_assert_cmpuint (length, >, 24);
  g_assert_cmpmem (data, 8, "\211PNG\r\n\032\n", 8);
  p = (const guint8 *) data + 16;
  *width = (guint) p[0] << 24 | (guint) p[1] << 16 | (guint) p[2] << 8 | p[3];
  *height = (guint) p[4] << 24 | (guint) p[5] << 16 | (guint) p[6] << 8 | p[7];
}

/* {{{ The numbers */

static void
test_metrics (void)
{
  g_autoptr(Study) study = study_new (FALSE);
  g_autoptr(FidgetEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *weights = weights_path ();
  g_autofree char *out = NULL;
  g_autofree char *truth_text = NULL;
  g_autofree char *predictions_text = NULL;
  g_autoptr(GPtrArray) truth = NULL;
  g_autoptr(GPtrArray) predictions = NULL;
  g_autoptr(FidgetClassScores) fine = NULL;
  g_autoptr(FidgetClassScores) coarse = NULL;
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();
  g_autoptr(FidgetManet) model = NULL;
  guint fine_to_coarse[52];
  FidgetEvaluateOptions options;
  FidgetMetricsSummary got, want;
  gsize truth_length, predictions_length;
  guint hits = 0, hits5 = 0, width, height;

  if (study == NULL)
    return;
  options_all_states (&options, -1);
  evaluation = fidget_evaluate (study->project, weights, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (evaluation);

  /* Every segment but the one of the project's own action. */
  g_assert_cmpuint (fidget_evaluation_get_n_clips (evaluation), ==, G_N_ELEMENTS (segments) - 1);
  g_assert_cmpuint (fidget_evaluation_get_n_skipped (evaluation), ==, 1);
  g_assert_cmpint (fidget_evaluation_get_split (evaluation), ==, -1);
  g_assert_true (g_str_has_prefix (fidget_evaluation_get_model_hash (evaluation), "sha256:"));
  g_test_message ("%u clips in %.0f ms (%.1f ms a clip, width-8 network)",
                  fidget_evaluation_get_n_clips (evaluation),
                  fidget_evaluation_get_elapsed_ms (evaluation),
                  fidget_evaluation_get_elapsed_ms (evaluation) /
                  fidget_evaluation_get_n_clips (evaluation));

  /* Each prediction is the engine's own for the clip, taken alone. */
  model = fidget_manet_load (weights, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < fidget_evaluation_get_n_clips (evaluation); i += 3)
    {
      const FidgetEvaluationClip *clip = fidget_evaluation_get_clip (evaluation, i);
      g_autoptr(FidgetVideo) video = fidget_project_get_video (study->project, clip->video_id,
                                                               &error);
      g_autofree char *path = fidget_project_resolve_video_path (study->project, video);
      g_autofree float *input = NULL;
      g_autoptr(FidgetAssistPrediction) prediction = NULL;

      input = fidget_assist_prepare_clip (path, video->fps_num, video->fps_den, clip->start,
                                          clip->end, NULL, &error);
      g_assert_no_error (error);
      prediction = fidget_assist_predict (model, taxonomy, input, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < 5; k++)
        g_assert_cmpint ((int) clip->action[k], ==, prediction->top[k]);
      g_assert_cmpfloat_with_epsilon (clip->probability,
                                      prediction->probabilities[prediction->top[0]], 1e-9);
      /* The body parts ranked by their summed probability. */
      for (guint k = 1; k < 5; k++)
        g_assert_cmpfloat (prediction->body_parts[clip->body[k - 1]], >=,
                           prediction->body_parts[clip->body[k]]);
    }

  /* A hand count of top-1 and top-5 against the summary. */
  for (guint i = 0; i < fidget_evaluation_get_n_clips (evaluation); i++)
    {
      const FidgetEvaluationClip *clip = fidget_evaluation_get_clip (evaluation, i);

      hits += clip->action[0] == clip->truth;
      for (guint k = 0; k < 5; k++)
        hits5 += clip->action[k] == clip->truth;
      g_assert_cmpuint (clip->truth, <, 52);
    }
  fidget_evaluation_get_summary (evaluation, &got);
  g_assert_cmpuint (got.n_clips, ==, G_N_ELEMENTS (segments) - 1);
  g_assert_cmpfloat (got.acc_top1_fine, ==, (double) hits / got.n_clips);
  g_assert_cmpfloat (got.acc_top5_fine, ==, (double) hits5 / got.n_clips);

  /* The files: scored by fidget-metrics as `evaluate --truth --predictions` would, the same
   * numbers to the last bit. */
  out = g_build_filename (study->dir, "evaluation", NULL);
  g_assert_true (fidget_evaluation_write (evaluation, out, &error));
  g_assert_no_error (error);
  truth_text = read_text (out, "truth_list.txt", &truth_length);
  predictions_text = read_text (out, "predictions.csv", &predictions_length);
  for (guint c = 0; c < 52; c++)
    fine_to_coarse[c] = (guint)
      fidget_taxonomy_lookup_action_by_model_index (taxonomy, (int) c)->body_part->index;
  truth = fidget_metrics_parse_truth_list ("truth_list.txt", truth_text, truth_length, 52,
                                           &error);
  g_assert_no_error (error);
  predictions = fidget_metrics_parse_predictions ("predictions.csv", predictions_text,
                                                  predictions_length, 52, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (predictions->len, ==, got.n_clips);
  g_assert_true (fidget_metrics_evaluate (truth, "t", predictions, "p", fine_to_coarse, 52, 7,
                                          &fine, &coarse, &error));
  g_assert_no_error (error);
  fidget_metrics_summarize (fine, coarse, &want);
  g_assert_cmpmem (&got, sizeof got, &want, sizeof want);
  for (guint t = 0; t < 52; t++)
    for (guint p = 0; p < 52; p++)
      g_assert_cmpuint (fidget_class_scores_get_confusion (fine, t, p), ==,
                        fidget_class_scores_get_confusion (fidget_evaluation_get_fine (evaluation),
                                                           t, p));

  /* The per-class table: a row per class present, support adding up to the clips. */
  {
    g_autofree char *table = read_text (out, "per_class.csv", NULL);
    g_auto(GStrv) lines = g_strsplit (table, "\n", -1);
    guint support = 0;

    g_assert_cmpstr (lines[0], ==, "index,code,name,support,predicted,tp,precision,recall,f1");
    g_assert_cmpuint (g_strv_length (lines), ==,
                      fidget_class_scores_get_n_present (fine) + 2);
    for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
      {
        g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);

        g_assert_cmpuint (g_strv_length (f), ==, 9);
        support += (guint) g_ascii_strtoull (f[3], NULL, 10);
      }
    g_assert_cmpuint (support, ==, got.n_clips);
    g_assert_nonnull (strstr (table, ",B1,\"nodding\","));
  }

  /* The confusion PNG: one row and one column per class present (30 px cells). */
  png_size (out, "confusion.png", &width, &height);
  g_assert_cmpuint (height, ==, 78 + 30 * fidget_class_scores_get_n_present (fine) + 24);
  g_assert_cmpuint (width, ==, MAX (560, 64 + 30 * fidget_class_scores_get_n_present (fine) + 24));
  png_size (out, "confusion_body.png", &width, &height);
  g_assert_cmpuint (height, ==, 78 + 30 * fidget_class_scores_get_n_present (coarse) + 24);
}

/* The clips of the test split are the export's test clips, by name and label. */
static void
test_split (void)
{
  g_autoptr(Study) study = study_new (FALSE);
  g_autoptr(FidgetEvaluation) evaluation = NULL;
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *weights = weights_path ();
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  FidgetEvaluateOptions options;
  FidgetDatasetOptions dataset_options;

  if (study == NULL)
    return;
  for (guint64 seed = 3; seed < 5; seed++)
    {
      options_all_states (&options, FIDGET_SPLIT_TEST);
      options.split_params.seed = seed;
      g_clear_object (&evaluation);
      evaluation = fidget_evaluate (study->project, weights, &options, NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      fidget_dataset_options_init (&dataset_options);
      dataset_options.split.seed = seed;
      g_clear_object (&dataset);
      dataset = fidget_dataset_collect (study->project, &dataset_options, &error);
      g_assert_no_error (error);
      g_hash_table_remove_all (expected);
      for (guint i = 0; i < fidget_dataset_get_n_clips (dataset); i++)
        {
          const FidgetDatasetClip *clip = fidget_dataset_get_clip (dataset, i);

          if (clip->split == FIDGET_SPLIT_TEST && clip->label < 52)
            g_hash_table_insert (expected, (gpointer) clip->name, GUINT_TO_POINTER (clip->label));
        }
      g_assert_cmpuint (g_hash_table_size (expected), >, 0);
      g_assert_cmpuint (fidget_evaluation_get_n_clips (evaluation), ==,
                        g_hash_table_size (expected));
      for (guint i = 0; i < fidget_evaluation_get_n_clips (evaluation); i++)
        {
          const FidgetEvaluationClip *clip = fidget_evaluation_get_clip (evaluation, i);
          gpointer label;

          g_assert_true (g_hash_table_lookup_extended (expected, clip->name, NULL, &label));
          g_assert_cmpuint (clip->truth, ==, GPOINTER_TO_UINT (label));
        }
    }
}

/* }}} */
/* {{{ Async, progress, cancel */

typedef struct
{
  GMainLoop        *loop;
  FidgetEvaluation *evaluation;
  GError           *error;
  GArray           *fractions;
  GThread          *main_thread;
} AsyncRun;

static void
async_progress (double   fraction,
                gpointer user_data)
{
  AsyncRun *run = user_data;

  g_assert_true (g_thread_self () == run->main_thread);
  g_array_append_val (run->fractions, fraction);
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->evaluation = fidget_evaluate_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_async (void)
{
  g_autoptr(Study) study = study_new (FALSE);
  g_autoptr(FidgetEvaluation) blocking = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *weights = weights_path ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncRun run = { loop, NULL, NULL, g_array_new (FALSE, FALSE, sizeof (double)),
                   g_thread_self () };
  FidgetEvaluateOptions options;
  FidgetMetricsSummary a, b;

  if (study == NULL)
    {
      g_array_unref (run.fractions);
      return;
    }
  options_all_states (&options, -1);
  fidget_evaluate_async (study->project, weights, &options, NULL, async_progress, &run,
                         async_done, &run);
  g_main_loop_run (loop);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.evaluation);
  g_assert_cmpuint (run.fractions->len, >=, 1);
  for (guint i = 1; i < run.fractions->len; i++)
    g_assert_cmpfloat (g_array_index (run.fractions, double, i - 1), <=,
                       g_array_index (run.fractions, double, i));

  blocking = fidget_evaluate (study->project, weights, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fidget_evaluation_get_n_clips (blocking), ==,
                    fidget_evaluation_get_n_clips (run.evaluation));
  for (guint i = 0; i < fidget_evaluation_get_n_clips (blocking); i++)
    g_assert_cmpmem (fidget_evaluation_get_clip (blocking, i)->action, 5 * sizeof (guint),
                     fidget_evaluation_get_clip (run.evaluation, i)->action, 5 * sizeof (guint));
  fidget_evaluation_get_summary (blocking, &a);
  fidget_evaluation_get_summary (run.evaluation, &b);
  g_assert_cmpmem (&a, sizeof a, &b, sizeof b);

  /* A refusal comes through the callback too. */
  g_clear_object (&run.evaluation);
  fidget_evaluate_async (study->project, NULL, &options, NULL, NULL, NULL, async_done, &run);
  g_main_loop_run (loop);
  g_assert_null (run.evaluation);
  g_assert_error (run.error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&run.error);
  g_array_unref (run.fractions);
}

static void
cancel_after_first (double   fraction,
                    gpointer user_data)
{
  GCancellable *cancellable = user_data;
  g_assert_cmpfloat (fraction, <, 1.0);
  if (fraction > 0.0)
    g_cancellable_cancel (cancellable);
}

static void
test_cancel (void)
{
  g_autoptr(Study) study = study_new (FALSE);
  g_autoptr(FidgetEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *weights = weights_path ();
  FidgetEvaluateOptions options;

  if (study == NULL)
    return;
  options_all_states (&options, -1);
  evaluation = fidget_evaluate (study->project, weights, &options, cancellable,
                                cancel_after_first, cancellable, &error);
  g_assert_null (evaluation);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* }}} */
/* {{{ Refusals */

/* A network whose classifier has @n_classes outputs. */
static char *
write_weights_with_classes (const char *dir,
                            int         n_classes)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (8, 300, 7);
  ManetTestTensor *weight = manet_test_find (tensors, "cls_head.fc_cls.weight");
  ManetTestTensor *bias = manet_test_find (tensors, "cls_head.fc_cls.bias");
  g_autoptr(GBytes) bytes = NULL;
  char *path = g_build_filename (dir, "ten-classes.safetensors", NULL);
  gsize row = (gsize) weight->shape[1] * sizeof (float);
  GBytes *cut;

  cut = g_bytes_new_from_bytes (weight->data, 0, row * n_classes);
  g_bytes_unref (weight->data);
  weight->data = cut;
  weight->shape[0] = n_classes;
  cut = g_bytes_new_from_bytes (bias->data, 0, sizeof (float) * n_classes);
  g_bytes_unref (bias->data);
  bias->data = cut;
  bias->shape[0] = n_classes;
  bytes = manet_test_serialize (tensors);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  return path;
}

static void
assert_refused (FidgetProject               *project,
                const char                  *weights,
                const FidgetEvaluateOptions *options,
                GQuark                       domain,
                int                          code,
                const char                  *part)
{
  g_autoptr(FidgetEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;

  evaluation = fidget_evaluate (project, weights, options, NULL, NULL, NULL, &error);
  g_assert_null (evaluation);
  g_assert_error (error, domain, code);
  g_test_message ("refused: %s", error->message);
  if (part != NULL && strstr (error->message, part) == NULL)
    g_error ("“%s” is not in the message “%s”", part, error->message);
}

static void
test_refusals (void)
{
  g_autoptr(Study) study = study_new (TRUE);
  g_autofree char *weights = weights_path ();
  g_autofree char *missing = NULL;
  g_autofree char *garbage = NULL;
  g_autofree char *ten = NULL;
  g_autofree char *video = NULL;
  g_autofree char *moved = NULL;
  FidgetEvaluateOptions options;

  if (study == NULL)
    return;
  options_all_states (&options, FIDGET_SPLIT_TEST);

  /* No weights: where they come from and how to convert them. */
  assert_refused (study->project, NULL, &options, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                  "convert_weights.py");
  missing = g_build_filename (study->dir, "nowhere.safetensors", NULL);
  assert_refused (study->project, missing, &options, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                  missing);
  garbage = g_build_filename (study->dir, "garbage.safetensors", NULL);
  g_assert_true (g_file_set_contents (garbage, "not a safetensors file at all", -1, NULL));
  assert_refused (study->project, garbage, &options, FIDGET_MANET_ERROR,
                  FIDGET_MANET_ERROR_FORMAT, "convert_weights.py");

  /* Another class count. */
  ten = write_weights_with_classes (study->dir, 10);
  assert_refused (study->project, ten, &options, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                  "10 classes, not MA-52's 52");

  /* The default is the ground truth, and nothing is verified. */
  {
    FidgetEvaluateOptions truth;

    fidget_evaluate_options_init (&truth);
    assert_refused (study->project, weights, &truth, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                    "verified");
  }

  /* An empty split. */
  options.split_params.ratio[2] = 0;
  assert_refused (study->project, weights, &options, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                  "The test split is empty");
  options.split_params.ratio[2] = 1;

  /* A video file gone: named, before the weights are even read. */
  options.split = -1;
  video = g_build_filename (study->dir, "book.mkv", NULL);
  moved = g_build_filename (study->dir, "book-moved.mkv", NULL);
  g_assert_cmpint (g_rename (video, moved), ==, 0);
  assert_refused (study->project, garbage, &options, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                  video);
  g_assert_cmpint (g_rename (moved, video), ==, 0);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  fidget_media_init ();

  g_test_add_func ("/evaluate/model/metrics", test_metrics);
  g_test_add_func ("/evaluate/model/split", test_split);
  g_test_add_func ("/evaluate/model/async", test_async);
  g_test_add_func ("/evaluate/model/cancel", test_cancel);
  g_test_add_func ("/evaluate/model/refusals", test_refusals);
  return g_test_run ();
}
