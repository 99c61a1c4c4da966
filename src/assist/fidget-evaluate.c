/* fidget-evaluate.c: MANet scored on a split of a project, as the MA-52 benchmark scores it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-assist.h"
#include "fidget-confusion-chart.h"
#include "fidget-content-hash.h"
#include "fidget-dataset.h"
#include "fidget-error.h"
#include "fidget-evaluate.h"

void
fidget_evaluate_options_init (FidgetEvaluateOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  fidget_split_params_init (&options->split_params);
  options->ground_truth = TRUE;
  options->split = FIDGET_SPLIT_TEST;
  options->n_threads = 0;
}

/* {{{ FidgetEvaluation */

struct _FidgetEvaluation
{
  GObject             parent_instance;

  int                 split;
  FidgetSplitParams   params;
  GArray             *clips;        /* FidgetEvaluationClip */
  GStringChunk       *strings;
  guint               n_skipped;
  char               *model_hash;
  double              elapsed_ms;
  FidgetTaxonomy     *taxonomy;
  FidgetClassScores  *fine;
  FidgetClassScores  *coarse;
};

enum {
  PROP_0,
  PROP_SPLIT,
  PROP_N_CLIPS,
  PROP_N_SKIPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FidgetEvaluation, fidget_evaluation, G_TYPE_OBJECT)

static void
fidget_evaluation_finalize (GObject *object)
{
  FidgetEvaluation *self = FIDGET_EVALUATION (object);

  g_clear_pointer (&self->clips, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->model_hash, g_free);
  g_clear_pointer (&self->fine, fidget_class_scores_free);
  g_clear_pointer (&self->coarse, fidget_class_scores_free);
  g_clear_object (&self->taxonomy);

  G_OBJECT_CLASS (fidget_evaluation_parent_class)->finalize (object);
}

static void
fidget_evaluation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FidgetEvaluation *self = FIDGET_EVALUATION (object);

  switch (prop_id)
    {
    case PROP_SPLIT:
      g_value_set_int (value, self->split);
      break;
    case PROP_N_CLIPS:
      g_value_set_uint (value, self->clips->len);
      break;
    case PROP_N_SKIPPED:
      g_value_set_uint (value, self->n_skipped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_evaluation_class_init (FidgetEvaluationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fidget_evaluation_finalize;
  object_class->get_property = fidget_evaluation_get_property;

  properties[PROP_SPLIT] =
    g_param_spec_int ("split", NULL, NULL, -1, FIDGET_N_SPLITS - 1, FIDGET_SPLIT_TEST,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CLIPS] =
    g_param_spec_uint ("n-clips", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SKIPPED] =
    g_param_spec_uint ("n-skipped", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fidget_evaluation_init (FidgetEvaluation *self)
{
  self->split = FIDGET_SPLIT_TEST;
  self->clips = g_array_new (FALSE, TRUE, sizeof (FidgetEvaluationClip));
  self->strings = g_string_chunk_new (1024);
}

int
fidget_evaluation_get_split (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), -1);
  return self->split;
}

const FidgetSplitParams *
fidget_evaluation_get_split_params (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);
  return &self->params;
}

guint
fidget_evaluation_get_n_clips (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), 0);
  return self->clips->len;
}

const FidgetEvaluationClip *
fidget_evaluation_get_clip (FidgetEvaluation *self,
                            guint             index)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);
  g_return_val_if_fail (index < self->clips->len, NULL);
  return &g_array_index (self->clips, FidgetEvaluationClip, index);
}

guint
fidget_evaluation_get_n_skipped (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), 0);
  return self->n_skipped;
}

const char *
fidget_evaluation_get_model_hash (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);
  return self->model_hash;
}

double
fidget_evaluation_get_elapsed_ms (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), 0.0);
  return self->elapsed_ms;
}

FidgetClassScores *
fidget_evaluation_get_fine (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);
  return self->fine;
}

FidgetClassScores *
fidget_evaluation_get_coarse (FidgetEvaluation *self)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);
  return self->coarse;
}

void
fidget_evaluation_get_summary (FidgetEvaluation     *self,
                               FidgetMetricsSummary *summary)
{
  g_return_if_fail (FIDGET_IS_EVALUATION (self));
  g_return_if_fail (summary != NULL);
  fidget_metrics_summarize (self->fine, self->coarse, summary);
}

const char *
fidget_evaluation_class_code (FidgetEvaluation *self,
                              gboolean          fine,
                              guint             cls)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);

  if (fine)
    {
      const FidgetAction *action =
        fidget_taxonomy_lookup_action_by_model_index (self->taxonomy, (int) cls);
      return action != NULL ? action->code : NULL;
    }
  return cls < fidget_taxonomy_get_n_body_parts (self->taxonomy)
    ? fidget_taxonomy_get_body_part (self->taxonomy, cls)->code : NULL;
}

const char *
fidget_evaluation_class_name (FidgetEvaluation *self,
                              gboolean          fine,
                              guint             cls)
{
  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), NULL);

  if (fine)
    {
      const FidgetAction *action =
        fidget_taxonomy_lookup_action_by_model_index (self->taxonomy, (int) cls);
      return action != NULL ? action->name : NULL;
    }
  return cls < fidget_taxonomy_get_n_body_parts (self->taxonomy)
    ? fidget_taxonomy_get_body_part (self->taxonomy, cls)->name : NULL;
}

/* }}} */
/* {{{ The job: what is read from the project, then what runs without it */

typedef struct
{
  FidgetDataset         *dataset;
  FidgetTaxonomy        *taxonomy;
  char                  *weights;
  FidgetEvaluateOptions  options;
  GArray                *chosen;      /* guint: indices of the dataset's clips to evaluate */
  guint                  n_skipped;
  guint                  n_fine;
  guint                  n_coarse;
  guint                 *fine_to_coarse;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->dataset);
  g_clear_object (&job->taxonomy);
  g_clear_pointer (&job->weights, g_free);
  g_clear_pointer (&job->chosen, g_array_unref);
  g_clear_pointer (&job->fine_to_coarse, g_free);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static const char *
split_name (int split)
{
  return split < 0 ? _("whole") : fidget_split_to_string ((FidgetSplit) split);
}

/* Everything that needs the project, and every refusal that needs no model: quick. */
static Job *
job_prepare (FidgetProject                *project,
             const char                   *weights,
             const FidgetEvaluateOptions  *options,
             GError                      **error)
{
  g_autoptr(Job) job = g_new0 (Job, 1);
  g_autoptr(GHashTable) checked = g_hash_table_new (g_str_hash, g_str_equal);
  FidgetDatasetOptions dataset_options;
  guint n_split = 0;

  if (options != NULL)
    job->options = *options;
  else
    fidget_evaluate_options_init (&job->options);

  if (weights == NULL || *weights == '\0')
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("No model weights were given, so there is nothing to evaluate. %s."),
                   fidget_assist_weights_help ());
      return NULL;
    }
  if (!g_file_test (weights, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (weights);

      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("The weights “%s” do not exist or are not a file. %s."), display,
                   fidget_assist_weights_help ());
      return NULL;
    }
  if (job->options.split >= FIDGET_N_SPLITS)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("There is no split number %d: train, val and test are 0, 1 and 2"),
                   job->options.split);
      return NULL;
    }
  job->weights = g_strdup (weights);

  /* The clips and their split exactly as the export makes them. */
  fidget_dataset_options_init (&dataset_options);
  dataset_options.split = job->options.split_params;
  dataset_options.ground_truth = job->options.ground_truth;
  job->dataset = fidget_dataset_collect (project, &dataset_options, error);
  if (job->dataset == NULL)
    return NULL;

  job->taxonomy = g_object_ref (fidget_project_get_taxonomy (project));
  job->n_fine = fidget_taxonomy_get_n_model_classes (job->taxonomy);
  job->n_coarse = fidget_taxonomy_get_n_body_parts (job->taxonomy);
  job->fine_to_coarse = g_new0 (guint, MAX (job->n_fine, 1));
  for (guint c = 0; c < job->n_fine; c++)
    {
      const FidgetAction *action =
        fidget_taxonomy_lookup_action_by_model_index (job->taxonomy, (int) c);

      if (action == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("The project's taxonomy has no action for model class %u"), c);
          return NULL;
        }
      job->fine_to_coarse[c] = (guint) action->body_part->index;
    }

  job->chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < fidget_dataset_get_n_clips (job->dataset); i++)
    {
      const FidgetDatasetClip *clip = fidget_dataset_get_clip (job->dataset, i);

      if (job->options.split >= 0 && clip->split != (FidgetSplit) job->options.split)
        continue;
      n_split++;
      /* A project's own action has no class in the model: it cannot be scored. */
      if (clip->label >= job->n_fine)
        {
          job->n_skipped++;
          continue;
        }
      g_array_append_val (job->chosen, i);
    }

  if (job->chosen->len == 0)
    {
      FidgetSplitPlan *plan = fidget_dataset_get_plan (job->dataset);
      const FidgetSplitParams *params = fidget_dataset_get_params (job->dataset);

      if (n_split > 0)
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("The %s split holds %u clip(s), all of the project's own actions, "
                       "which the model has no class for: there is nothing to evaluate"),
                     split_name (job->options.split), n_split);
      else
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("The %s split is empty: the split %u:%u:%u with seed %" G_GUINT64_FORMAT
                       " puts %u clips in train, %u in val and %u in test; choose a ratio that "
                       "gives it a share"),
                     split_name (job->options.split), params->ratio[0], params->ratio[1],
                     params->ratio[2], params->seed,
                     fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TRAIN),
                     fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_VAL),
                     fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TEST));
      return NULL;
    }

  /* A video that moved would stop the run halfway: say so before any work. */
  for (guint i = 0; i < job->chosen->len; i++)
    {
      const FidgetDatasetClip *clip =
        fidget_dataset_get_clip (job->dataset, g_array_index (job->chosen, guint, i));

      if (!g_hash_table_add (checked, (gpointer) clip->video_path))
        continue;
      if (!g_file_test (clip->video_path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *display = g_filename_display_name (clip->video_path);

          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("The file of video %" G_GINT64_FORMAT ", “%s”, is missing: find it "
                         "again (fidget-cli relink, or “Find the Video File…” in the app) "
                         "before evaluating"), clip->video->id, display);
          return NULL;
        }
    }
  return g_steal_pointer (&job);
}

static gboolean
abort_if_cancelled (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

/* Body parts by probability, most probable first; of equal ones the lower index first. */
static void
rank_body_parts (const FidgetAssistPrediction *prediction,
                 guint                         n_coarse,
                 guint                        *ranked)
{
  for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
    {
      int best = -1;

      for (guint p = 0; p < n_coarse && p < prediction->n_body_parts; p++)
        {
          gboolean taken = FALSE;

          for (guint j = 0; j < k; j++)
            taken |= ranked[j] == p;
          if (!taken && (best < 0 || prediction->body_parts[p] > prediction->body_parts[best]))
            best = (int) p;
        }
      /* Fewer than five body parts: repeat the last one, which changes no top-k score. */
      ranked[k] = best >= 0 ? (guint) best : ranked[k > 0 ? k - 1 : 0];
    }
}

static void
report_progress (FidgetProgressFunc progress,
                 gpointer           progress_data,
                 double             fraction)
{
  if (progress != NULL)
    progress (CLAMP (fraction, 0.0, 1.0), progress_data);
}

/* {{{ Decoding ahead */

/* The clips are decoded a little ahead of the model in a thread of their own, so that the
 * decoder and the network take turns on the processors instead of waiting for each other
 * (and the first clips are ready while the weights load). At most PREFETCH_DEPTH decoded
 * clips (4.8 MB each) wait for the model. */
#define PREFETCH_DEPTH 2

typedef struct
{
  float  *input;   /* NULL with @error */
  GError *error;
} Decoded;

static void
decoded_free (gpointer data)
{
  Decoded *decoded = data;

  g_free (decoded->input);
  g_clear_error (&decoded->error);
  g_free (decoded);
}

typedef struct
{
  Job          *job;
  GCancellable *cancellable;   /* cancelled by the caller's, or to stop early */
  GCancellable *outer;
  gulong        outer_handler;
  GAsyncQueue  *decoded;       /* Decoded *, in clip order */
  GAsyncQueue  *permits;       /* room for one more decoded clip each */
  GThread      *thread;
} Prefetch;

static gpointer
prefetch_thread (gpointer data)
{
  Prefetch *prefetch = data;

  for (guint i = 0; i < prefetch->job->chosen->len; i++)
    {
      const FidgetDatasetClip *clip =
        fidget_dataset_get_clip (prefetch->job->dataset,
                                 g_array_index (prefetch->job->chosen, guint, i));
      Decoded *decoded = g_new0 (Decoded, 1);
      gboolean failed;

      g_async_queue_pop (prefetch->permits);
      if (!g_cancellable_set_error_if_cancelled (prefetch->cancellable, &decoded->error))
        decoded->input = fidget_assist_prepare_clip (clip->video_path, clip->video->fps_num,
                                                     clip->video->fps_den,
                                                     clip->segment->start_frame,
                                                     clip->segment->end_frame,
                                                     prefetch->cancellable, &decoded->error);
      /* Once pushed, the clip is the model's: it may be freed at any moment. */
      failed = decoded->input == NULL;
      g_async_queue_push (prefetch->decoded, decoded);
      if (failed)
        break;
    }
  return NULL;
}

static void
cancel_prefetch (GCancellable *outer,
                 gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static void
prefetch_start (Prefetch     *prefetch,
                Job          *job,
                GCancellable *outer)
{
  prefetch->job = job;
  prefetch->cancellable = g_cancellable_new ();
  if (outer != NULL)
    {
      prefetch->outer = g_object_ref (outer);
      prefetch->outer_handler = g_cancellable_connect (outer, G_CALLBACK (cancel_prefetch),
                                                       prefetch->cancellable, NULL);
    }
  prefetch->decoded = g_async_queue_new_full (decoded_free);
  prefetch->permits = g_async_queue_new ();
  for (guint i = 0; i < PREFETCH_DEPTH; i++)
    g_async_queue_push (prefetch->permits, GINT_TO_POINTER (1));
  prefetch->thread = g_thread_new ("fidget-evaluate-decode", prefetch_thread, prefetch);
}

/* Stops the decoder (at once if it is waiting, between frames if it is decoding) and drops
 * what it decoded beyond what was used. */
static void
prefetch_stop (Prefetch *prefetch)
{
  if (prefetch->thread == NULL)
    return;
  g_cancellable_cancel (prefetch->cancellable);
  g_async_queue_push (prefetch->permits, GINT_TO_POINTER (1));
  g_thread_join (g_steal_pointer (&prefetch->thread));
  if (prefetch->outer != NULL)
    g_cancellable_disconnect (prefetch->outer, prefetch->outer_handler);
  g_clear_object (&prefetch->outer);
  g_clear_object (&prefetch->cancellable);
  g_clear_pointer (&prefetch->decoded, g_async_queue_unref);
  g_clear_pointer (&prefetch->permits, g_async_queue_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Prefetch, prefetch_stop)

/* }}} */

/* Loads the model and runs it on every chosen clip: needs no project. */
static FidgetEvaluation *
job_run (Job                 *job,
         GCancellable        *cancellable,
         FidgetProgressFunc   progress,
         gpointer             progress_data,
         GError             **error)
{
  g_autoptr(FidgetEvaluation) self = g_object_new (FIDGET_TYPE_EVALUATION, NULL);
  g_autoptr(FidgetManet) model = NULL;
  g_autoptr(GPtrArray) truth = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_truth_entry_free);
  g_autoptr(GPtrArray) predictions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_prediction_row_free);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (job->weights);
  g_auto(Prefetch) prefetch = { 0 };
  FidgetManetParams params = fidget_manet_default_params ();
  gint64 started, loop_started;
  guint n = job->chosen->len;

  self->split = job->options.split;
  self->params = *fidget_dataset_get_params (job->dataset);
  self->n_skipped = job->n_skipped;
  self->taxonomy = g_object_ref (job->taxonomy);

  report_progress (progress, progress_data, 0.0);
  started = g_get_monotonic_time ();
  prefetch_start (&prefetch, job, cancellable);
  self->model_hash = fidget_content_hash_file (job->weights, cancellable, NULL, NULL, error);
  if (self->model_hash == NULL)
    return NULL;
  g_debug ("Weights hashed in %.0f ms", (g_get_monotonic_time () - started) / 1000.0);

  params.n_threads = job->options.n_threads;
  if (cancellable != NULL)
    {
      params.abort_callback = abort_if_cancelled;
      params.abort_user_data = cancellable;
    }
  model = fidget_manet_load (job->weights, &params, &local_error);
  if (model == NULL)
    {
      g_autofree char *message = g_strdup (local_error->message);

      /* One sentence ending, then what to do. */
      if (g_str_has_suffix (message, "."))
        message[strlen (message) - 1] = '\0';
      g_set_error (error, local_error->domain, local_error->code, "%s. %s.",
                   message, fidget_assist_weights_help ());
      return NULL;
    }
  if ((guint) fidget_manet_get_n_classes (model) != job->n_fine)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("“%s” classifies into %d classes, not MA-52's %u actions: these are not "
                     "MANet's MA-52 weights. %s."), display, fidget_manet_get_n_classes (model),
                   job->n_fine, fidget_assist_weights_help ());
      return NULL;
    }

  g_debug ("Weights loaded at %.0f ms", (g_get_monotonic_time () - started) / 1000.0);

  /* The time of the clips counts from the start: decoding began with the hashing. */
  loop_started = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      const FidgetDatasetClip *clip =
        fidget_dataset_get_clip (job->dataset, g_array_index (job->chosen, guint, i));
      Decoded *decoded;
      g_autoptr(FidgetAssistPrediction) prediction = NULL;
      FidgetEvaluationClip result = { 0 };
      FidgetTruthEntry *entry;
      FidgetPredictionRow *row;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      decoded = g_async_queue_pop (prefetch.decoded);
      g_async_queue_push (prefetch.permits, GINT_TO_POINTER (1));
      if (decoded->input != NULL)
        prediction = fidget_assist_predict (model, job->taxonomy, decoded->input, &local_error);
      else
        local_error = g_steal_pointer (&decoded->error);
      decoded_free (decoded);
      if (prediction == NULL)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          g_set_error (error, local_error->domain, local_error->code,
                       _("Could not evaluate clip %s (video %" G_GINT64_FORMAT ", frames %"
                         G_GINT64_FORMAT " to %" G_GINT64_FORMAT "): %s"), clip->name,
                       clip->video->id, clip->segment->start_frame, clip->segment->end_frame,
                       local_error->message);
          return NULL;
        }

      result.name = g_string_chunk_insert_const (self->strings, clip->name);
      result.video_id = clip->video->id;
      result.start = clip->segment->start_frame;
      result.end = clip->segment->end_frame;
      result.truth = clip->label;
      for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
        result.action[k] = (guint) prediction->top[MIN (k, FIDGET_ASSIST_TOP_K - 1)];
      rank_body_parts (prediction, job->n_coarse, result.body);
      result.probability = prediction->probabilities[prediction->top[0]];
      g_array_append_val (self->clips, result);

      /* The same records a truth list and a prediction file give. */
      entry = g_new0 (FidgetTruthEntry, 1);
      entry->file = g_strconcat (clip->name, ".mp4", NULL);
      entry->vid = g_strdup (clip->name);
      entry->label = clip->label;
      entry->line = i + 1;
      g_ptr_array_add (truth, entry);
      row = g_new0 (FidgetPredictionRow, 1);
      row->vid = g_strdup (clip->name);
      memcpy (row->action, result.action, sizeof row->action);
      memcpy (row->body, result.body, sizeof row->body);
      row->line = i + 2;
      g_ptr_array_add (predictions, row);

      report_progress (progress, progress_data, (double) (i + 1) / n);
    }
  self->elapsed_ms = (g_get_monotonic_time () - loop_started) / 1000.0;
  g_debug ("%u clips in %.0f ms after the weights, %.0f ms from the start", n,
           self->elapsed_ms, (g_get_monotonic_time () - started) / 1000.0);

  if (!fidget_metrics_evaluate (truth, _("the split's clips"), predictions, _("the model"),
                                job->fine_to_coarse, job->n_fine, job->n_coarse,
                                &self->fine, &self->coarse, error))
    return NULL;
  return g_steal_pointer (&self);
}

FidgetEvaluation *
fidget_evaluate (FidgetProject                *project,
                 const char                   *weights,
                 const FidgetEvaluateOptions  *options,
                 GCancellable                 *cancellable,
                 FidgetProgressFunc            progress,
                 gpointer                      progress_data,
                 GError                      **error)
{
  g_autoptr(Job) job = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = job_prepare (project, weights, options, error);
  if (job == NULL)
    return NULL;
  return job_run (job, cancellable, progress, progress_data, error);
}

/* }}} */
/* {{{ Async */

/* Progress from the worker, handed to the caller's main context: one idle at a time carries
 * the latest fraction, so a fast loop never floods the main loop. */
typedef struct
{
  GMutex              mutex;
  GMainContext       *context;
  FidgetProgressFunc  func;
  gpointer            data;
  double              fraction;
  gboolean            pending;
  gboolean            done;
} Progress;

static void
progress_clear (Progress *progress)
{
  g_mutex_clear (&progress->mutex);
  g_main_context_unref (progress->context);
}

static Progress *
progress_ref (Progress *progress)
{
  return g_atomic_rc_box_acquire (progress);
}

static void
progress_unref (Progress *progress)
{
  g_atomic_rc_box_release_full (progress, (GDestroyNotify) progress_clear);
}

static gboolean
progress_deliver (gpointer user_data)
{
  Progress *progress = user_data;
  gboolean done;
  double fraction;

  g_mutex_lock (&progress->mutex);
  progress->pending = FALSE;
  fraction = progress->fraction;
  done = progress->done;
  g_mutex_unlock (&progress->mutex);
  /* After the result is in, the caller may have freed its data. */
  if (!done)
    progress->func (fraction, progress->data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_worker (double   fraction,
                      gpointer user_data)
{
  Progress *progress = user_data;
  gboolean schedule;

  g_mutex_lock (&progress->mutex);
  progress->fraction = fraction;
  schedule = !progress->pending && !progress->done;
  progress->pending |= schedule;
  g_mutex_unlock (&progress->mutex);
  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_static_name (source, "[fidget] evaluation progress");
      g_source_set_callback (source, progress_deliver, progress_ref (progress),
                             (GDestroyNotify) progress_unref);
      g_source_attach (source, progress->context);
    }
}

typedef struct
{
  Job      *job;
  Progress *progress;   /* NULL without a progress function */
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  g_clear_pointer (&data->job, job_free);
  g_clear_pointer (&data->progress, progress_unref);
  g_free (data);
}

static void
evaluate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AsyncData *data = task_data;
  g_autoptr(GError) error = NULL;
  FidgetEvaluation *evaluation;

  evaluation = job_run (data->job, cancellable,
                        data->progress != NULL ? progress_from_worker : NULL, data->progress,
                        &error);
  if (data->progress != NULL)
    {
      g_mutex_lock (&data->progress->mutex);
      data->progress->done = TRUE;
      g_mutex_unlock (&data->progress->mutex);
    }
  if (evaluation == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, evaluation, g_object_unref);
}

void
fidget_evaluate_async (FidgetProject               *project,
                       const char                  *weights,
                       const FidgetEvaluateOptions *options,
                       GCancellable                *cancellable,
                       FidgetProgressFunc           progress,
                       gpointer                     progress_data,
                       GAsyncReadyCallback          callback,
                       gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  AsyncData *data;
  Job *job;

  g_return_if_fail (FIDGET_IS_PROJECT (project));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, fidget_evaluate_async);
  g_task_set_name (task, "[fidget] evaluate");
  /* The worker returns the evaluation or an error, never both: no result to check first. */
  g_task_set_return_on_cancel (task, FALSE);

  job = job_prepare (project, weights, options, &error);
  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (AsyncData, 1);
  data->job = job;
  if (progress != NULL)
    {
      data->progress = g_atomic_rc_box_new0 (Progress);
      g_mutex_init (&data->progress->mutex);
      data->progress->context = g_main_context_ref_thread_default ();
      data->progress->func = progress;
      data->progress->data = progress_data;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, evaluate_thread);
}

FidgetEvaluation *
fidget_evaluate_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fidget_evaluate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */
/* {{{ Writing the results */

static const char *
fraction_text (char   *buffer,
               double  value)
{
  return g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%.6f", value);
}

static GString *
build_predictions (FidgetEvaluation *self)
{
  GString *out = g_string_new ("vid");

  for (guint k = 1; k <= FIDGET_METRICS_TOP_K; k++)
    g_string_append_printf (out, ",action_pred_%u", k);
  for (guint k = 1; k <= FIDGET_METRICS_TOP_K; k++)
    g_string_append_printf (out, ",body_pred_%u", k);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetEvaluationClip *clip = &g_array_index (self->clips, FidgetEvaluationClip, i);

      g_string_append (out, clip->name);
      for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
        g_string_append_printf (out, ",%u", clip->action[k]);
      for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
        g_string_append_printf (out, ",%u", clip->body[k]);
      g_string_append_c (out, '\n');
    }
  return out;
}

static GString *
build_truth_list (FidgetEvaluation *self)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetEvaluationClip *clip = &g_array_index (self->clips, FidgetEvaluationClip, i);
      g_string_append_printf (out, "%s.mp4 %u\n", clip->name, clip->truth);
    }
  return out;
}

static GString *
build_per_class (FidgetEvaluation *self,
                 gboolean          fine)
{
  FidgetClassScores *scores = fine ? self->fine : self->coarse;
  GString *out = g_string_new ("index,code,name,support,predicted,tp,precision,recall,f1\n");

  for (guint c = 0; c < fidget_class_scores_get_n_classes (scores); c++)
    {
      char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
      char b3[G_ASCII_DTOSTR_BUF_SIZE];
      FidgetClassScore score;

      if (!fidget_class_scores_is_present (scores, c))
        continue;
      fidget_class_scores_get_class (scores, c, &score);
      /* Names hold no commas or quotes (taxonomy data), but a project may add its own. */
      g_string_append_printf (out, "%u,%s,\"", c, fidget_evaluation_class_code (self, fine, c));
      for (const char *p = fidget_evaluation_class_name (self, fine, c); *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_printf (out, "\",%u,%u,%u,%s,%s,%s\n", score.support, score.predicted,
                              score.tp, fraction_text (b1, score.precision),
                              fraction_text (b2, score.recall), fraction_text (b3, score.f1));
    }
  return out;
}

/* The confusion over the classes present (in the truth or the top-1 predictions): 52 mostly
 * empty rows would hide the few that matter. */
static FidgetConfusion *
build_confusion (FidgetEvaluation *self,
                 gboolean          fine)
{
  FidgetClassScores *scores = fine ? self->fine : self->coarse;
  FidgetConfusion *confusion = g_new0 (FidgetConfusion, 1);
  g_autoptr(GArray) present = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n;

  for (guint c = 0; c < fidget_class_scores_get_n_classes (scores); c++)
    if (fidget_class_scores_is_present (scores, c))
      g_array_append_val (present, c);
  n = present->len;
  confusion->a = g_strdup (_("Ground truth"));
  confusion->b = g_strdup (_("MANet top-1"));
  confusion->n = n;
  confusion->labels = g_new0 (char *, n + 1);
  confusion->counts = g_new0 (guint64, (gsize) n * n);
  for (guint i = 0; i < n; i++)
    {
      guint t = g_array_index (present, guint, i);

      confusion->labels[i] = g_strdup (fidget_evaluation_class_code (self, fine, t));
      for (guint j = 0; j < n; j++)
        confusion->counts[i * n + j] =
          fidget_class_scores_get_confusion (scores, t, g_array_index (present, guint, j));
    }
  return confusion;
}

static void
free_string (gpointer data)
{
  g_string_free (data, TRUE);
}

static gboolean
write_text (const char  *dir,
            const char  *name,
            GString     *contents,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents->str, contents->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not write the evaluation file %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
fidget_evaluation_write (FidgetEvaluation  *self,
                         const char        *dir,
                         GError           **error)
{
  static const char *const names[] = {
    "predictions.csv", "truth_list.txt", "per_class.csv", "per_class_body.csv",
  };
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func (free_string);
  g_autoptr(FidgetConfusion) fine = NULL;
  g_autoptr(FidgetConfusion) coarse = NULL;
  g_autofree char *fine_path = NULL;
  g_autofree char *coarse_path = NULL;
  const char *caption;

  g_return_val_if_fail (FIDGET_IS_EVALUATION (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not make the folder %s for the evaluation: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }

  g_ptr_array_add (contents, build_predictions (self));
  g_ptr_array_add (contents, build_truth_list (self));
  g_ptr_array_add (contents, build_per_class (self, TRUE));
  g_ptr_array_add (contents, build_per_class (self, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (!write_text (dir, names[i], g_ptr_array_index (contents, i), error))
      return FALSE;

  fine = build_confusion (self, TRUE);
  coarse = build_confusion (self, FALSE);
  fine_path = g_build_filename (dir, "confusion.png", NULL);
  coarse_path = g_build_filename (dir, "confusion_body.png", NULL);
  /* The chart's own caption is about annotators matched by tIoU; here every clip has one
   * prediction. */
  caption = _("Each clip of the split once: its true class against MANet's top-1 prediction. "
              "Shade: share of the row.");
  return fidget_confusion_chart_write_png_with_caption (fine, caption, fine_path, error) &&
         fidget_confusion_chart_write_png_with_caption (coarse, caption, coarse_path, error);
}

/* }}} */
