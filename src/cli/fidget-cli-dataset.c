/* fidget-cli-dataset.c: the dataset commands of fidget-cli (evaluate, splits, export,
 * verify-package, import-csv, import-list, import-eaf)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fidget-cli-private.h"
#include "fidget-assist.h"
#include "fidget-evaluate.h"
#include "fidget-review.h"
#include "fidget-dataset.h"
#include "fidget-dataset-import.h"
#include "fidget-list-import.h"
#include "fidget-eaf-import.h"
#include "fidget-metrics.h"
#include "fidget-package-archive.h"

/* {{{ Helpers */

static void
json_add_double (JsonBuilder *builder,
                 const char  *name,
                 double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
json_add_int (JsonBuilder *builder,
              const char  *name,
              gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
json_add_string (JsonBuilder *builder,
                 const char  *name,
                 const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Numbers for people, in the C locale whatever the user's: a comma would break scripts. */
static const char *
fraction (char   *buffer,
          double  value)
{
  return g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%.4f", value);
}

/* }}} */
/* {{{ evaluate */

typedef struct
{
  FidgetTaxonomy *taxonomy;
  guint           n_fine;
  guint           n_coarse;
  guint          *fine_to_coarse;
} Levels;

static void
levels_clear (Levels *levels)
{
  g_clear_object (&levels->taxonomy);
  g_clear_pointer (&levels->fine_to_coarse, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Levels, levels_clear)

/* The benchmark's classes: MANet's model indices (fine) and the body parts (coarse). */
static void
levels_init (Levels *levels)
{
  levels->taxonomy = fidget_taxonomy_new_ma52 ();
  levels->n_fine = fidget_taxonomy_get_n_model_classes (levels->taxonomy);
  levels->n_coarse = fidget_taxonomy_get_n_body_parts (levels->taxonomy);
  levels->fine_to_coarse = g_new0 (guint, levels->n_fine);
  for (guint c = 0; c < levels->n_fine; c++)
    {
      const FidgetAction *action =
        fidget_taxonomy_lookup_action_by_model_index (levels->taxonomy, (int) c);

      g_assert (action != NULL);
      levels->fine_to_coarse[c] = (guint) action->body_part->index;
    }
}

static const char *
fine_code (Levels *levels,
           guint   cls)
{
  return fidget_taxonomy_lookup_action_by_model_index (levels->taxonomy, (int) cls)->code;
}

static const char *
coarse_code (Levels *levels,
             guint   cls)
{
  return fidget_taxonomy_get_body_part (levels->taxonomy, cls)->code;
}

static const char *
fine_name (Levels *levels,
           guint   cls)
{
  return fidget_taxonomy_lookup_action_by_model_index (levels->taxonomy, (int) cls)->name;
}

static const char *
coarse_name (Levels *levels,
             guint   cls)
{
  return fidget_taxonomy_get_body_part (levels->taxonomy, cls)->name;
}

static void
build_level_json (JsonBuilder       *builder,
                  const char        *per_class_name,
                  const char        *confusion_name,
                  FidgetClassScores *scores,
                  Levels            *levels,
                  gboolean           fine)
{
  guint n = fidget_class_scores_get_n_classes (scores);

  json_builder_set_member_name (builder, per_class_name);
  json_builder_begin_array (builder);
  for (guint c = 0; c < n; c++)
    {
      FidgetClassScore score;

      if (!fidget_class_scores_is_present (scores, c))
        continue;
      fidget_class_scores_get_class (scores, c, &score);
      json_builder_begin_object (builder);
      json_add_int (builder, "index", c);
      json_add_string (builder, "code", fine ? fine_code (levels, c) : coarse_code (levels, c));
      json_add_string (builder, "name", fine ? fine_name (levels, c) : coarse_name (levels, c));
      json_add_int (builder, "support", score.support);
      json_add_int (builder, "predicted", score.predicted);
      json_add_int (builder, "tp", score.tp);
      json_add_double (builder, "precision", score.precision);
      json_add_double (builder, "recall", score.recall);
      json_add_double (builder, "f1", score.f1);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* Rows are true classes, columns top-1 predictions, both by index. */
  json_builder_set_member_name (builder, confusion_name);
  json_builder_begin_array (builder);
  for (guint t = 0; t < n; t++)
    {
      json_builder_begin_array (builder);
      for (guint p = 0; p < n; p++)
        json_builder_add_int_value (builder, fidget_class_scores_get_confusion (scores, t, p));
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
}

static void
print_level_table (const char        *title,
                   FidgetClassScores *scores,
                   Levels            *levels,
                   gboolean           fine)
{
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE], b3[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("\n%s\n%-5s %-28s %7s %9s %9s %7s %7s\n", title, "code", "name", "support",
           "predicted", "precision", "recall", "F1");
  for (guint c = 0; c < fidget_class_scores_get_n_classes (scores); c++)
    {
      FidgetClassScore score;

      if (!fidget_class_scores_is_present (scores, c))
        continue;
      fidget_class_scores_get_class (scores, c, &score);
      g_print ("%-5s %-28s %7u %9u %9s %7s %7s\n",
               fine ? fine_code (levels, c) : coarse_code (levels, c),
               fine ? fine_name (levels, c) : coarse_name (levels, c),
               score.support, score.predicted, fraction (b1, score.precision),
               fraction (b2, score.recall), fraction (b3, score.f1));
    }
}

/* A CSV confusion matrix: the first column names the true class, the header the predicted. */
static gboolean
write_confusion_csv (const char         *path,
                     FidgetClassScores  *scores,
                     Levels             *levels,
                     gboolean            fine,
                     GError            **error)
{
  g_autoptr(GString) out = g_string_new ("truth\\predicted");
  guint n = fidget_class_scores_get_n_classes (scores);

  for (guint p = 0; p < n; p++)
    g_string_append_printf (out, ",%s", fine ? fine_code (levels, p) : coarse_code (levels, p));
  g_string_append_c (out, '\n');
  for (guint t = 0; t < n; t++)
    {
      g_string_append (out, fine ? fine_code (levels, t) : coarse_code (levels, t));
      for (guint p = 0; p < n; p++)
        g_string_append_printf (out, ",%u", fidget_class_scores_get_confusion (scores, t, p));
      g_string_append_c (out, '\n');
    }
  return g_file_set_contents (path, out->str, out->len, error);
}

static void
add_summary_json (JsonBuilder          *builder,
                  FidgetMetricsSummary *summary)
{
  json_add_int (builder, "n_clips", summary->n_clips);
  json_add_double (builder, "acc_top1_fine", summary->acc_top1_fine);
  json_add_double (builder, "acc_top5_fine", summary->acc_top5_fine);
  json_add_double (builder, "acc_top1_coarse", summary->acc_top1_coarse);
  json_add_double (builder, "f1_micro_fine", summary->f1_micro_fine);
  json_add_double (builder, "f1_macro_fine", summary->f1_macro_fine);
  json_add_double (builder, "f1_micro_coarse", summary->f1_micro_coarse);
  json_add_double (builder, "f1_macro_coarse", summary->f1_macro_coarse);
  json_add_double (builder, "f1_mean", summary->f1_mean);
}

static void
print_summary (FidgetMetricsSummary *summary)
{
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("clips            %u\n", summary->n_clips);
  g_print ("acc_top1_fine    %s\n", fraction (b, summary->acc_top1_fine));
  g_print ("acc_top5_fine    %s\n", fraction (b, summary->acc_top5_fine));
  g_print ("acc_top1_coarse  %s\n", fraction (b, summary->acc_top1_coarse));
  g_print ("f1_micro_fine    %s\n", fraction (b, summary->f1_micro_fine));
  g_print ("f1_macro_fine    %s\n", fraction (b, summary->f1_macro_fine));
  g_print ("f1_micro_coarse  %s\n", fraction (b, summary->f1_micro_coarse));
  g_print ("f1_macro_coarse  %s\n", fraction (b, summary->f1_macro_coarse));
  g_print ("f1_mean          %s\n", fraction (b, summary->f1_mean));
}

/* {{{ evaluate --project: the model run on a split */

typedef struct
{
  GMainLoop        *loop;
  GCancellable     *cancellable;
  FidgetEvaluation *evaluation;
  GError           *error;
  int               last_percent;
  gboolean          show_progress;
  gboolean          interrupted;
} EvaluateRun;

static void
evaluate_progress (double   value,
                   gpointer user_data)
{
  EvaluateRun *run = user_data;
  int percent = (int) (value * 100.0);

  /* Only on a terminal, and only when the number changes: scripts read stdout. */
  if (run->show_progress && percent != run->last_percent)
    {
      run->last_percent = percent;
      g_printerr ("\r%3d%%", percent);
    }
}

static gboolean
evaluate_interrupted (gpointer user_data)
{
  EvaluateRun *run = user_data;

  /* Ctrl+C stops the model between layers and the decoder between frames; the files are only
   * written after a complete run, so nothing half-done is left behind. */
  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
evaluate_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EvaluateRun *run = user_data;

  run->evaluation = fidget_evaluate_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static const char *
split_display (int split)
{
  return split < 0 ? "all" : fidget_split_to_string ((FidgetSplit) split);
}

static int
evaluate_model (const char  *project_path,
                const char  *weights,
                const char  *split_text,
                const char  *ratio,
                const char  *seed_text,
                const char  *threads_text,
                gboolean     all_states,
                const char  *output_dir,
                gboolean     json,
                gboolean     per_class)
{
  g_auto(Levels) levels = { 0 };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  FidgetEvaluateOptions options;
  FidgetMetricsSummary summary;
  EvaluateRun run = { 0 };
  FidgetClassScores *fine, *coarse;
  gint64 seed = 0, threads = 0;
  guint signal_id;
  int status = FIDGET_CLI_OK;

  fidget_evaluate_options_init (&options);
  if (split_text == NULL || g_str_equal (split_text, "test"))
    options.split = FIDGET_SPLIT_TEST;
  else if (g_str_equal (split_text, "val"))
    options.split = FIDGET_SPLIT_VAL;
  else if (g_str_equal (split_text, "train"))
    options.split = FIDGET_SPLIT_TRAIN;
  else if (g_str_equal (split_text, "all"))
    options.split = -1;
  else
    return fidget_cli_usage_error ("--split must be train, val, test or all, not “%s”",
                                   split_text);
  if (ratio != NULL && !fidget_split_parse_ratio (ratio, options.split_params.ratio, &error))
    return fidget_cli_usage_error ("%s", error->message);
  if ((seed_text != NULL && !fidget_cli_parse_int64 (seed_text, "--seed", 0, &seed)) ||
      (threads_text != NULL && !fidget_cli_parse_int64 (threads_text, "--threads", 1, &threads)))
    return FIDGET_CLI_USAGE;
  if (threads > 1024)
    return fidget_cli_usage_error ("--threads is at most 1024");
  if (weights == NULL)
    return fidget_cli_usage_error ("evaluate --project needs --weights FILE.safetensors: %s",
                                   fidget_assist_weights_help ());
  options.split_params.seed = (guint64) seed;
  options.ground_truth = !all_states;
  options.n_threads = (int) threads;

  if (!(project = fidget_cli_open (project_path, NULL, &status)))
    return status;

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;
  run.last_percent = -1;
  run.show_progress = isatty (STDERR_FILENO);
  signal_id = g_unix_signal_add (SIGINT, evaluate_interrupted, &run);
  fidget_evaluate_async (project, weights, &options, cancellable, evaluate_progress, &run,
                         evaluate_done, &run);
  g_main_loop_run (loop);
  g_source_remove (signal_id);
  if (run.show_progress && run.last_percent >= 0)
    g_printerr ("\n");

  if (run.evaluation == NULL)
    {
      g_autoptr(GError) failure = g_steal_pointer (&run.error);

      if (run.interrupted && g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr ("fidget-cli: the evaluation was interrupted; no file was written\n");
          return FIDGET_CLI_REFUSED;
        }
      return fidget_cli_refused (failure);
    }
  if (output_dir != NULL && !fidget_evaluation_write (run.evaluation, output_dir, &error))
    {
      g_clear_object (&run.evaluation);
      return fidget_cli_refused (error);
    }

  levels_init (&levels);
  fine = fidget_evaluation_get_fine (run.evaluation);
  coarse = fidget_evaluation_get_coarse (run.evaluation);
  fidget_evaluation_get_summary (run.evaluation, &summary);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      const FidgetSplitParams *params = fidget_evaluation_get_split_params (run.evaluation);
      g_autofree char *ratio_text = g_strdup_printf ("%u:%u:%u", params->ratio[0],
                                                     params->ratio[1], params->ratio[2]);
      guint n = fidget_evaluation_get_n_clips (run.evaluation);

      json_builder_begin_object (builder);
      json_add_string (builder, "split", split_display (options.split));
      json_add_string (builder, "ratio", ratio_text);
      json_add_int (builder, "seed", (gint64) params->seed);
      json_add_string (builder, "model", fidget_evaluation_get_model_hash (run.evaluation));
      json_add_int (builder, "n_skipped", fidget_evaluation_get_n_skipped (run.evaluation));
      json_add_double (builder, "elapsed_ms", fidget_evaluation_get_elapsed_ms (run.evaluation));
      json_add_double (builder, "ms_per_clip",
                       fidget_evaluation_get_elapsed_ms (run.evaluation) / MAX (n, 1));
      add_summary_json (builder, &summary);
      build_level_json (builder, "per_class_fine", "confusion_fine", fine, &levels, TRUE);
      build_level_json (builder, "per_class_coarse", "confusion_coarse", coarse, &levels, FALSE);
      json_builder_set_member_name (builder, "clips");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          const FidgetEvaluationClip *clip = fidget_evaluation_get_clip (run.evaluation, i);

          json_builder_begin_object (builder);
          json_add_string (builder, "name", clip->name);
          json_add_int (builder, "video", clip->video_id);
          json_add_int (builder, "start", clip->start);
          json_add_int (builder, "end", clip->end);
          json_add_int (builder, "truth", clip->truth);
          json_builder_set_member_name (builder, "action_pred");
          json_builder_begin_array (builder);
          for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
            json_builder_add_int_value (builder, clip->action[k]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "body_pred");
          json_builder_begin_array (builder);
          for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
            json_builder_add_int_value (builder, clip->body[k]);
          json_builder_end_array (builder);
          json_add_double (builder, "probability", clip->probability);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
    }
  else
    {
      const FidgetSplitParams *params = fidget_evaluation_get_split_params (run.evaluation);

      g_print ("%s split (%u:%u:%u, seed %" G_GUINT64_FORMAT "), model %s, %.0f ms a clip\n",
               split_display (options.split), params->ratio[0], params->ratio[1],
               params->ratio[2], params->seed, fidget_evaluation_get_model_hash (run.evaluation),
               fidget_evaluation_get_elapsed_ms (run.evaluation) /
               MAX (fidget_evaluation_get_n_clips (run.evaluation), 1));
      if (fidget_evaluation_get_n_skipped (run.evaluation) > 0)
        g_print ("%u clips of the project's own actions left out (no model class)\n",
                 fidget_evaluation_get_n_skipped (run.evaluation));
      print_summary (&summary);
      print_level_table ("Actions (fine), classes in the truth or the top-1 predictions:",
                         fine, &levels, TRUE);
      if (per_class)
        print_level_table ("Body parts (coarse):", coarse, &levels, FALSE);
      if (output_dir != NULL)
        g_print ("\nWrote predictions.csv, truth_list.txt, per_class.csv, per_class_body.csv, "
                 "confusion.png and confusion_body.png in %s\n", output_dir);
    }
  g_clear_object (&run.evaluation);
  return FIDGET_CLI_OK;
}

/* }}} */

static int
cmd_evaluate (int    argc,
              char **argv)
{
  g_autofree char *truth_path = NULL;
  g_autofree char *predictions_path = NULL;
  g_autofree char *confusion_path = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *weights = NULL;
  g_autofree char *split = NULL;
  g_autofree char *ratio = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *threads = NULL;
  g_autofree char *output_dir = NULL;
  gboolean all_states = FALSE;
  gboolean json = FALSE;
  gboolean per_class = FALSE;
  GOptionEntry entries[] = {
    { "truth", 0, 0, G_OPTION_ARG_FILENAME, &truth_path,
      "mmaction2 list of the clips: “file label” per line, label = model class index", "LIST" },
    { "predictions", 0, 0, G_OPTION_ARG_FILENAME, &predictions_path,
      "MAC challenge CSV: vid,action_pred_1..5,body_pred_1..5", "CSV" },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path,
      "Run MANet on a split of this project instead of reading predictions", "PROJECT" },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights,
      "With --project: MANet's weights (.safetensors)", "FILE" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split,
      "With --project: train, val, test (default) or all", "SPLIT" },
    { "ratio", 0, 0, G_OPTION_ARG_STRING, &ratio,
      "With --project: the split's train:val:test, as given to export (default 2:1:1)", "T:V:T" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed,
      "With --project: the split's seed, as given to export (default 0)", "N" },
    { "all-states", 0, 0, G_OPTION_ARG_NONE, &all_states,
      "With --project: every video whatever its review state, as export --all-states", NULL },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads,
      "With --project: threads of the model (default: one per processor)", "N" },
    { "output-dir", 0, 0, G_OPTION_ARG_FILENAME, &output_dir,
      "With --project: write predictions, truth list, per-class CSVs and confusion PNGs here",
      "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print JSON (fractions, per-class scores and confusion matrices)", NULL },
    { "per-class", 0, 0, G_OPTION_ARG_NONE, &per_class, "Print the per-class tables too", NULL },
    { "confusion", 0, 0, G_OPTION_ARG_FILENAME, &confusion_path,
      "Write the action confusion matrix as CSV (and PREFIX-body.csv next to it)", "FILE" },
    { NULL }
  };
  g_auto(Levels) levels = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *truth_text = NULL;
  g_autofree char *predictions_text = NULL;
  g_autoptr(GPtrArray) truth = NULL;
  g_autoptr(GPtrArray) predictions = NULL;
  g_autoptr(FidgetClassScores) fine = NULL;
  g_autoptr(FidgetClassScores) coarse = NULL;
  FidgetMetricsSummary summary;
  gsize truth_length, predictions_length;

  if (!fidget_cli_parse (&argc, &argv, "",
                         "Score predictions as the MA-52 benchmark does: top-1/top-5 accuracy "
                         "and micro/macro F1 of actions and body parts; from a prediction file, "
                         "or by running MANet on a split of a project.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 1)
    return fidget_cli_usage_error ("evaluate takes no positional arguments");
  if (project_path != NULL)
    {
      if (truth_path != NULL || predictions_path != NULL || confusion_path != NULL)
        return fidget_cli_usage_error ("evaluate takes either --project with --weights, or "
                                       "--truth with --predictions, not both");
      return evaluate_model (project_path, weights, split, ratio, seed, threads, all_states,
                             output_dir, json, per_class);
    }
  if (weights != NULL || split != NULL || ratio != NULL || seed != NULL || threads != NULL ||
      all_states || output_dir != NULL)
    return fidget_cli_usage_error ("--weights, --split, --ratio, --seed, --all-states, "
                                   "--threads and --output-dir go with --project");
  if (truth_path == NULL || predictions_path == NULL)
    return fidget_cli_usage_error ("evaluate needs --truth LIST and --predictions CSV, or "
                                   "--project PROJECT and --weights FILE");

  levels_init (&levels);
  if (!g_file_get_contents (truth_path, &truth_text, &truth_length, &error) ||
      !(truth = fidget_metrics_parse_truth_list (truth_path, truth_text, truth_length,
                                                 levels.n_fine, &error)) ||
      !g_file_get_contents (predictions_path, &predictions_text, &predictions_length, &error) ||
      !(predictions = fidget_metrics_parse_predictions (predictions_path, predictions_text,
                                                        predictions_length, levels.n_fine,
                                                        levels.n_coarse, &error)) ||
      !fidget_metrics_evaluate (truth, truth_path, predictions, predictions_path,
                                levels.fine_to_coarse, levels.n_fine, levels.n_coarse,
                                &fine, &coarse, &error))
    return fidget_cli_refused (error);

  if (confusion_path != NULL)
    {
      g_autofree char *stem = g_str_has_suffix (confusion_path, ".csv")
        ? g_strndup (confusion_path, strlen (confusion_path) - 4)
        : g_strdup (confusion_path);
      g_autofree char *body_path = g_strconcat (stem, "-body.csv", NULL);

      if (!write_confusion_csv (confusion_path, fine, &levels, TRUE, &error) ||
          !write_confusion_csv (body_path, coarse, &levels, FALSE, &error))
        return fidget_cli_refused (error);
    }

  fidget_metrics_summarize (fine, coarse, &summary);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      add_summary_json (builder, &summary);
      build_level_json (builder, "per_class_fine", "confusion_fine", fine, &levels, TRUE);
      build_level_json (builder, "per_class_coarse", "confusion_coarse", coarse, &levels, FALSE);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }

  print_summary (&summary);
  if (per_class)
    {
      print_level_table ("Actions (fine), classes in the truth or the top-1 predictions:",
                         fine, &levels, TRUE);
      print_level_table ("Body parts (coarse):", coarse, &levels, FALSE);
    }
  return FIDGET_CLI_OK;
}

/* }}} */

/* {{{ splits, export */

/* The CSV's review_state column. */
static char *
review_state_of (FidgetProject     *project,
                 const FidgetVideo *video,
                 gpointer           user_data)
{
  g_autoptr(FidgetReviewStatus) review = fidget_review_get_status (project, video->id, NULL);

  return review != NULL ? g_strdup (fidget_review_state_to_string (review->state)) : NULL;
}

typedef struct
{
  char     *ratio;
  char     *seed;
  gboolean  all_states;
  gboolean  json;
} SplitArgs;

static void
split_args_clear (SplitArgs *args)
{
  g_clear_pointer (&args->ratio, g_free);
  g_clear_pointer (&args->seed, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SplitArgs, split_args_clear)

/* Reads --ratio and --seed into @options; prints the reason and returns FALSE when bad. */
static gboolean
split_options (SplitArgs            *args,
               FidgetDatasetOptions *options)
{
  g_autoptr(GError) error = NULL;
  gint64 seed = 0;

  fidget_dataset_options_init (options);
  if (args->ratio != NULL && !fidget_split_parse_ratio (args->ratio, options->split.ratio, &error))
    {
      fidget_cli_usage_error ("%s", error->message);
      return FALSE;
    }
  if (args->seed != NULL && !fidget_cli_parse_int64 (args->seed, "--seed", 0, &seed))
    return FALSE;
  options->split.seed = (guint64) seed;
  return TRUE;
}

static void
print_split_summary (FidgetDataset *dataset)
{
  FidgetSplitPlan *plan = fidget_dataset_get_plan (dataset);
  const FidgetSplitParams *params = fidget_dataset_get_params (dataset);
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  char b3[G_ASCII_DTOSTR_BUF_SIZE], b4[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%u clips of %u participants, split %u:%u:%u with seed %" G_GUINT64_FORMAT
           ", no participant in two splits\n",
           fidget_dataset_get_n_clips (dataset), fidget_split_plan_get_n_groups (plan),
           params->ratio[0], params->ratio[1], params->ratio[2], params->seed);
  g_print ("%-6s %7s %12s %7s %7s %9s %9s %8s\n", "split", "clips", "participants", "share",
           "asked", "dist-act", "dist-body", "missing");
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    g_print ("%-6s %7u %12u %7s %7s %9s %9s %8u\n", fidget_split_to_string (s),
             fidget_split_plan_get_split_items (plan, s),
             fidget_split_plan_get_split_groups (plan, s),
             fraction (b1, fidget_split_plan_get_share (plan, s)),
             fraction (b2, fidget_split_plan_get_target_share (plan, s)),
             fraction (b3, fidget_split_plan_get_distance (plan, s, FIDGET_SPLIT_LEVEL_ACTION)),
             fraction (b4, fidget_split_plan_get_distance (plan, s, FIDGET_SPLIT_LEVEL_BODY_PART)),
             fidget_split_plan_get_n_missing (plan, s, FIDGET_SPLIT_LEVEL_ACTION));
  g_print ("(dist: total variation distance of the split's actions / body parts from the "
           "overall distribution; missing: actions absent from the split)\n");
}

static int
split_or_export (int       argc,
                 char    **argv,
                 gboolean  export)
{
  g_auto(SplitArgs) args = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *crf_text = NULL;
  g_autofree char *height_text = NULL;
  gboolean clips = FALSE;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Package folder to write", "DIR" },
    { "archive", 0, 0, G_OPTION_ARG_FILENAME, &archive,
      "Also (or only) write the package as one archive: .tar.zst, .tar.gz or .zip", "FILE" },
    { "clips", 0, 0, G_OPTION_ARG_NONE, &clips,
      "Cut every segment into its own clip (H.264 MP4), lists of clip files", NULL },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, "x264 speed preset (default veryfast)", "P" },
    { "crf", 0, 0, G_OPTION_ARG_STRING, &crf_text, "x264 constant quality 0-51 (default 18)", "Q" },
    { "height", 0, 0, G_OPTION_ARG_STRING, &height_text,
      "Scale clips to this height (default: the source's)", "H" },
    { "ratio", 0, 0, G_OPTION_ARG_STRING, &args.ratio, "train:val:test (default 2:1:1)", "T:V:T" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &args.seed, "Seed of the split (default 0)", "N" },
    { "all-states", 0, 0, G_OPTION_ARG_NONE, &args.all_states,
      "Take every video whatever its review state", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args.json, "Print the split report as JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  FidgetDatasetOptions options;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         export ? "Write a dataset package: split lists, labels, a CSV with "
                                  "everything, the split report and SHA-256 sums."
                                : "Plan the train/val/test split and report it, writing nothing.",
                         export ? entries : entries + 6 /* no --out, --archive, clips for a preview */))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("%s takes one PROJECT", export ? "export" : "splits");
  if (export && out == NULL && archive == NULL)
    return fidget_cli_usage_error ("export needs --out DIR or --archive FILE");
  if (archive != NULL && !fidget_archive_format_from_path (archive, NULL, &error))
    return fidget_cli_usage_error ("%s", error->message);
  if (!split_options (&args, &options))
    return FIDGET_CLI_USAGE;
  /* By default the ground truth: verified videos and their consensus, each event once. */
  options.ground_truth = !args.all_states;
  options.video_state = review_state_of;

  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (!(dataset = fidget_dataset_collect (project, &options, &error)))
    return fidget_cli_refused (error);
  if (export && clips)
    {
      FidgetClipParams params;
      FidgetClipReport report;
      gint64 value;

      fidget_clip_params_init (&params);
      if (preset != NULL)
        params.preset = preset;
      if (crf_text != NULL)
        {
          if (!fidget_cli_parse_int64 (crf_text, "--crf", 0, &value))
            return FIDGET_CLI_USAGE;
          if (value > 51)
            return fidget_cli_usage_error ("--crf must be 0 to 51, not %" G_GINT64_FORMAT, value);
          params.crf = (int) value;
        }
      if (height_text != NULL)
        {
          if (!fidget_cli_parse_int64 (height_text, "--height", 2, &value))
            return FIDGET_CLI_USAGE;
          if (value % 2 != 0 || value > 8192)
            return fidget_cli_usage_error ("--height must be an even number of pixels up to 8192");
          params.height = (int) value;
        }
      if (archive != NULL
          ? !fidget_dataset_write_archive (dataset, archive, out, &params, NULL, NULL, NULL,
                                           &report, &error)
          : !fidget_dataset_write_clips (dataset, out, &params, NULL, NULL, NULL, &report, &error))
        return fidget_cli_refused (error);
      if (!args.json)
        g_print ("%u clips: %u cut (%" G_GINT64_FORMAT " frames), %u intact from before\n",
                 report.n_clips, report.n_cut, report.n_frames, report.n_skipped);
    }
  else if (export && archive != NULL)
    {
      if (!fidget_dataset_write_archive (dataset, archive, out, NULL, NULL, NULL, NULL, NULL,
                                         &error))
        return fidget_cli_refused (error);
    }
  else if (export && !fidget_dataset_write (dataset, out, NULL, &error))
    return fidget_cli_refused (error);

  if (args.json)
    {
      g_autoptr(JsonNode) report = fidget_dataset_build_report (dataset);
      fidget_cli_print_json (report);
    }
  else
    {
      print_split_summary (dataset);
      if (export && out != NULL)
        g_print ("Wrote %s\n", out);
      if (export && archive != NULL)
        g_print ("Wrote %s\n", archive);
    }
  return FIDGET_CLI_OK;
}

static int
cmd_splits (int    argc,
            char **argv)
{
  return split_or_export (argc, argv, FALSE);
}

static int
cmd_export (int    argc,
            char **argv)
{
  return split_or_export (argc, argv, TRUE);
}

static int
cmd_verify_package (int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  guint n_files = 0;

  if (!fidget_cli_parse (&argc, &argv, "DIR|ARCHIVE",
                         "Check a package's files against its SHA256SUMS: a folder, or an "
                         "archive read without extracting it (unsafe entries are refused).",
                         NULL))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("verify-package takes one DIR or ARCHIVE");
  if (g_file_test (argv[1], G_FILE_TEST_IS_DIR)
      ? !fidget_dataset_verify_package (argv[1], &n_files, NULL, &error)
      : !fidget_package_verify_archive (argv[1], &n_files, NULL, &error))
    return fidget_cli_refused (error);
  g_print ("%s: %u files intact\n", argv[1], n_files);
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ import-csv */

static int
cmd_import_csv (int    argc,
                char **argv)
{
  gboolean import_videos = FALSE;
  g_autofree char *annotator = NULL;
  GOptionEntry entries[] = {
    { "import-videos", 0, 0, G_OPTION_ARG_NONE, &import_videos,
      "Import videos the project lacks from the CSV's paths", NULL },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator,
      "Owner of rows that name no annotator", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetCsvImportOptions options = { 0 };
  FidgetCsvImportReport report;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT CSV",
                         "Add the segments of a CSV (a package's annotations.csv) to a project.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 3)
    return fidget_cli_usage_error ("import-csv takes a PROJECT and a CSV file");
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  options.import_videos = import_videos;
  options.annotator = annotator;
  if (!fidget_dataset_import_csv (project, argv[2], &options, &report, NULL, &error))
    return fidget_cli_refused (error);
  g_print ("%u rows: %u segments added, %u already in the project; %u videos imported, "
           "%u annotators added\n", report.n_rows, report.n_added, report.n_present,
           report.n_videos_imported, report.n_annotators_added);
  return FIDGET_CLI_OK;
}

static int
cmd_import_list (int    argc,
                 char **argv)
{
  g_autofree char *list = NULL;
  g_autofree char *clips = NULL;
  g_autofree char *annotator = NULL;
  GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_FILENAME, &list,
      "mmaction2 list: FILE LABEL per line", "FILE" },
    { "clips", 0, 0, G_OPTION_ARG_FILENAME, &clips,
      "Folder the list's files are in", "DIR" },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator,
      "Owner of the segments (default " FIDGET_LIST_IMPORT_DEFAULT_ANNOTATOR ")", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetListImportReport report;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Import the clips of an mmaction2 list as videos, each with one "
                         "segment of its label's action.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("import-list takes one PROJECT");
  if (list == NULL || clips == NULL)
    return fidget_cli_usage_error ("import-list needs --list FILE and --clips DIR");
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (!fidget_dataset_import_list (project, list, clips, annotator, &report, NULL, &error))
    return fidget_cli_refused (error);
  g_print ("%u clips: %u segments added, %u already in the project; %u videos imported, "
           "%u annotators added\n", report.n_lines, report.n_added, report.n_present,
           report.n_videos_imported, report.n_annotators_added);
  return FIDGET_CLI_OK;
}

static int
cmd_import_eaf (int    argc,
                char **argv)
{
  g_autofree char *video = NULL;
  g_autofree char *eaf = NULL;
  g_autofree char *map = NULL;
  g_autofree char *annotator = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video, "The video the annotations belong to", "ID" },
    { "eaf", 0, 0, G_OPTION_ARG_FILENAME, &eaf, "ELAN document", "FILE" },
    { "map", 0, 0, G_OPTION_ARG_FILENAME, &map,
      "Mapping file: TIER<TAB>VALUE<TAB>CODE per line, * for any", "MAP.tsv" },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator,
      "Owner of all segments (default: each tier's annotator, else its id)", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetEafImportReport report;
  gint64 video_id;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Add the time-aligned annotations of an ELAN .eaf file to a video, "
                         "mapped to action codes by a mapping file.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("import-eaf takes one PROJECT");
  if (video == NULL || eaf == NULL || map == NULL)
    return fidget_cli_usage_error ("import-eaf needs --video ID, --eaf FILE and --map MAP.tsv");
  if (!g_ascii_string_to_signed (video, 10, 1, G_MAXINT64, &video_id, NULL))
    return fidget_cli_usage_error ("--video must be a video id (a whole number)");
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (!fidget_dataset_import_eaf (project, video_id, eaf, map, annotator, &report, &error))
    return fidget_cli_refused (error);
  g_print ("%u annotations: %u segments added, %u already in the project, %u left out; "
           "%u annotators added\n", report.n_annotations, report.n_added, report.n_present,
           report.n_ignored, report.n_annotators_added);
  return FIDGET_CLI_OK;
}

/* }}} */

const FidgetCliCommand fidget_cli_dataset_commands[] = {
  { "evaluate", cmd_evaluate,
    "evaluate --truth LIST --predictions CSV [--json] [--per-class] [--confusion FILE.csv]\n"
    "  evaluate --project PROJECT --weights W [--split train|val|test|all] [--ratio 2:1:1]\n"
    "           [--seed N] [--all-states] [--threads N] [--output-dir DIR] [--json]" },
  { "splits", cmd_splits, "splits PROJECT [--all-states] [--ratio 2:1:1] [--seed N] [--json]" },
  { "export", cmd_export,
    "export PROJECT --out DIR [--archive FILE] [--all-states] [--ratio 2:1:1] [--seed N] [--json]\n"
    "  export PROJECT --archive FILE.{tar.zst,tar.gz,zip} [--clips] ...\n"
    "  export PROJECT --out DIR [--all-states] --clips [--preset P] [--crf Q] [--height H] ..." },
  { "verify-package", cmd_verify_package, "verify-package DIR|ARCHIVE" },
  { "import-csv", cmd_import_csv, "import-csv PROJECT CSV [--import-videos] [--annotator NAME]" },
  { "import-list", cmd_import_list,
    "import-list PROJECT --list FILE --clips DIR [--annotator NAME]" },
  { "import-eaf", cmd_import_eaf,
    "import-eaf PROJECT --video ID --eaf FILE --map MAP.tsv [--annotator NAME]" },
  { NULL }
};
