/* fidget-scan.c: MANet's help as a library: a shared model, one segment, a whole video
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "fidget-content-hash.h"
#include "fidget-motion-cache.h"
#include "fidget-motion.h"
#include "fidget-proposals.h"
#include "fidget-scan.h"

/* {{{ The model */

struct _FidgetAssistModel
{
  char           *path;
  char           *hash;
  FidgetManet    *manet;
  FidgetTaxonomy *taxonomy;   /* MA-52's, for the body parts of a prediction */
  GMutex          lock;       /* one forward at a time, with its cancellable */
  GCancellable   *current;    /* the running forward's, read by the abort callback */
};

static void
assist_model_free (gpointer data)
{
  FidgetAssistModel *self = data;

  g_free (self->path);
  g_free (self->hash);
  g_clear_pointer (&self->manet, fidget_manet_free);
  g_clear_object (&self->taxonomy);
  g_mutex_clear (&self->lock);
}

FidgetAssistModel *
fidget_assist_model_ref (FidgetAssistModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
fidget_assist_model_unref (FidgetAssistModel *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, assist_model_free);
}

const char *
fidget_assist_model_get_path (FidgetAssistModel *self)
{
  return self->path;
}

const char *
fidget_assist_model_get_hash (FidgetAssistModel *self)
{
  return self->hash;
}

FidgetManet *
fidget_assist_model_get_manet (FidgetAssistModel *self)
{
  return self->manet;
}

/* Runs in the forward's thread, which holds the lock: current is that forward's. */
static gboolean
model_abort (gpointer user_data)
{
  FidgetAssistModel *self = user_data;

  return self->current != NULL && g_cancellable_is_cancelled (self->current);
}

FidgetAssistModel *
fidget_assist_model_load (const char    *weights,
                          int            n_threads,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(FidgetManet) manet = NULL;
  g_autoptr(FidgetTaxonomy) taxonomy = NULL;
  FidgetManetParams params = fidget_manet_default_params ();
  FidgetAssistModel *self;

  g_return_val_if_fail (weights != NULL, NULL);

  display = g_filename_display_name (weights);
  if (!g_file_test (weights, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The weights “%s” do not exist", display);
      return NULL;
    }
  /* The suggestions name the exact weights that made them. */
  hash = fidget_content_hash_file (weights, cancellable, NULL, NULL, error);
  if (hash == NULL)
    return NULL;
  params.n_threads = n_threads;
  manet = fidget_manet_load (weights, &params, error);
  if (manet == NULL)
    return NULL;
  taxonomy = fidget_taxonomy_new_ma52 ();
  if (fidget_manet_get_n_classes (manet) != (int) fidget_taxonomy_get_n_model_classes (taxonomy))
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_TENSOR,
                   "“%s” classifies into %d classes, not MA-52's %d actions: these are not "
                   "MANet's MA-52 weights", display, fidget_manet_get_n_classes (manet),
                   (int) fidget_taxonomy_get_n_model_classes (taxonomy));
      return NULL;
    }

  self = g_atomic_rc_box_new0 (FidgetAssistModel);
  self->path = g_strdup (weights);
  self->hash = g_steal_pointer (&hash);
  self->manet = g_steal_pointer (&manet);
  self->taxonomy = g_steal_pointer (&taxonomy);
  g_mutex_init (&self->lock);
  fidget_manet_set_abort_callback (self->manet, model_abort, self);
  return self;
}

typedef struct
{
  char *weights;
  int   n_threads;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_free (load->weights);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  GError *error = NULL;
  FidgetAssistModel *model = fidget_assist_model_load (load->weights, load->n_threads,
                                                       cancellable, &error);

  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, (GDestroyNotify) fidget_assist_model_unref);
}

void
fidget_assist_model_load_async (const char          *weights,
                                int                  n_threads,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *load = g_new0 (LoadData, 1);

  g_return_if_fail (weights != NULL);

  load->weights = g_strdup (weights);
  load->n_threads = n_threads;
  g_task_set_source_tag (task, fidget_assist_model_load_async);
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

FidgetAssistModel *
fidget_assist_model_load_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

FidgetAssistPrediction *
fidget_assist_model_predict (FidgetAssistModel  *self,
                             const float        *clip,
                             GCancellable       *cancellable,
                             GError            **error)
{
  FidgetAssistPrediction *prediction;

  g_return_val_if_fail (self != NULL && clip != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  g_mutex_lock (&self->lock);
  self->current = cancellable;
  prediction = fidget_assist_predict (self->manet, self->taxonomy, clip, error);
  self->current = NULL;
  g_mutex_unlock (&self->lock);
  /* A forward stopped by its cancellable reads as the cancellation it is. */
  if (prediction == NULL && g_cancellable_is_cancelled (cancellable) && error != NULL &&
      *error != NULL && g_error_matches (*error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  return prediction;
}

/* }}} */
/* {{{ One segment */

typedef struct
{
  FidgetAssistModel *model;
  FidgetPlayer      *player;    /* pictures it holds are not decoded again; or NULL */
  char              *path;
  int                fps_num;
  int                fps_den;
  gint64             start;
  gint64             end;
} ClassifyData;

static void
classify_data_free (gpointer data)
{
  ClassifyData *classify = data;

  g_clear_pointer (&classify->model, fidget_assist_model_unref);
  g_clear_object (&classify->player);
  g_free (classify->path);
  g_free (classify);
}

/* The clip from the player's cache when it holds all the frames MANet sees: the annotator
 * has usually just stepped through the segment, and decoding it again from its keyframe
 * would cost more than the rest of the answer. NULL when a picture is missing. */
static float *
clip_from_player (FidgetPlayer *player,
                  gint64        start,
                  gint64        end,
                  GError      **error)
{
  gint64 frames[FIDGET_MANET_FRAMES];
  GstSample *pictures[FIDGET_MANET_FRAMES] = { NULL, };
  g_autofree char *display = g_filename_display_name (fidget_player_get_path (player));
  float *clip = NULL;
  int have = 0;

  fidget_assist_sample_frames (start, end, FIDGET_MANET_FRAMES, frames);
  while (have < FIDGET_MANET_FRAMES &&
         (pictures[have] = fidget_player_peek_picture (player, frames[have])) != NULL)
    have++;
  if (have == FIDGET_MANET_FRAMES)
    clip = fidget_assist_prepare_clip_from_pictures (pictures, display, error);
  for (int i = 0; i < have; i++)
    gst_sample_unref (pictures[i]);
  return clip;
}

static void
classify_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ClassifyData *classify = task_data;
  g_autofree float *clip = NULL;
  FidgetAssistPrediction *prediction;
  GError *error = NULL;

  if (classify->player != NULL)
    clip = clip_from_player (classify->player, classify->start, classify->end, &error);
  if (clip == NULL && error == NULL)
    clip = fidget_assist_prepare_clip (classify->path, classify->fps_num, classify->fps_den,
                                       classify->start, classify->end, cancellable, &error);
  if (clip == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  prediction = fidget_assist_model_predict (classify->model, clip, cancellable, &error);
  if (prediction == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, prediction, (GDestroyNotify) fidget_assist_prediction_free);
}

static void
classify_start (FidgetAssistModel   *model,
                FidgetPlayer        *player,
                const char          *path,
                int                  fps_num,
                int                  fps_den,
                gint64               start,
                gint64               end,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ClassifyData *classify = g_new0 (ClassifyData, 1);

  classify->model = fidget_assist_model_ref (model);
  classify->player = player != NULL ? g_object_ref (player) : NULL;
  classify->path = g_strdup (path);
  classify->fps_num = fps_num;
  classify->fps_den = fps_den;
  classify->start = start;
  classify->end = end;
  /* One source tag for both ways in: fidget_assist_classify_finish() takes either. */
  g_task_set_source_tag (task, fidget_assist_classify_async);
  g_task_set_task_data (task, classify, classify_data_free);
  g_task_run_in_thread (task, classify_thread);
}

void
fidget_assist_classify_async (FidgetAssistModel   *model,
                              const char          *path,
                              int                  fps_num,
                              int                  fps_den,
                              gint64               start,
                              gint64               end,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (model != NULL && path != NULL && fps_num > 0 && fps_den > 0);

  classify_start (model, NULL, path, fps_num, fps_den, start, end, cancellable, callback,
                  user_data);
}

void
fidget_assist_classify_player_async (FidgetAssistModel   *model,
                                     FidgetPlayer        *player,
                                     gint64               start,
                                     gint64               end,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (model != NULL && FIDGET_IS_PLAYER (player));

  classify_start (model, player, fidget_player_get_path (player),
                  fidget_player_get_fps_num (player), fidget_player_get_fps_den (player), start,
                  end, cancellable, callback, user_data);
}

FidgetAssistPrediction *
fidget_assist_classify_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
fidget_assist_scores_json (FidgetTaxonomy               *taxonomy,
                           const FidgetAssistPrediction *prediction)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (int k = 0; k < FIDGET_ASSIST_TOP_K && prediction->top[k] >= 0; k++)
    {
      int i = prediction->top[k];
      const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      if (action != NULL)
        json_builder_add_string_value (builder, action->code);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, prediction->probabilities[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* }}} */
/* {{{ A whole video */

void
fidget_scan_result_free (FidgetScanResult *self)
{
  if (self == NULL)
    return;
  g_free (self->model_hash);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  g_free (self);
}

/* What the worker needs, copied from the project on the caller's thread, and what it finds. */
typedef struct
{
  gint64             video_id;
  char              *path;
  char              *content_hash;
  int                fps_num;
  int                fps_den;
  gint64             frame_count;
  int                width;
  int                height;
  FidgetAssistModel *model;
  int                shard;
  int                n_shards;

  guint              n_windows;
  GArray            *windows;      /* FidgetProposal: this shard's */
  GPtrArray         *predictions;  /* FidgetAssistPrediction, one per window of windows */
  gboolean           motion_cached;
  double             motion_s;
  double             classify_s;
} ScanJob;

static void
scan_job_free (gpointer data)
{
  ScanJob *job = data;

  g_free (job->path);
  g_free (job->content_hash);
  g_clear_pointer (&job->model, fidget_assist_model_unref);
  g_clear_pointer (&job->windows, g_array_unref);
  g_clear_pointer (&job->predictions, g_ptr_array_unref);
  g_free (job);
}

static ScanJob *
scan_job_new (FidgetProject      *project,
              gint64              video_id,
              FidgetAssistModel  *model,
              int                 shard,
              int                 n_shards,
              GError            **error)
{
  g_autoptr(FidgetVideo) video = NULL;
  ScanJob *job;

  if (n_shards < 1 || shard < 1 || shard > n_shards)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Shard %d of %d does not exist: a shard is i of n with 1 <= i <= n",
                   shard, n_shards);
      return NULL;
    }
  video = fidget_project_get_video (project, video_id, error);
  if (video == NULL)
    return NULL;

  job = g_new0 (ScanJob, 1);
  job->video_id = video->id;
  job->path = fidget_project_resolve_video_path (project, video);
  job->content_hash = g_strdup (video->content_hash);
  job->fps_num = video->fps_num;
  job->fps_den = video->fps_den;
  job->frame_count = video->frame_count;
  job->width = video->width;
  job->height = video->height;
  job->model = fidget_assist_model_ref (model);
  job->shard = shard;
  job->n_shards = n_shards;
  return job;
}

/* Progress that never goes down, in parts: [from, from + span) of the whole. */
typedef struct
{
  FidgetProgressFunc func;
  gpointer           data;
  double             from;
  double             span;
  double             last;
} Stage;

static void
stage_report (Stage  *stage,
              double  fraction)
{
  double value = stage->from + stage->span * CLAMP (fraction, 0.0, 1.0);

  if (stage->func == NULL || value <= stage->last)
    return;
  stage->last = value;
  stage->func (value, stage->data);
}

static void
stage_progress (double   fraction,
                gpointer user_data)
{
  stage_report (user_data, fraction);
}

/* Share of the whole job that a motion pass takes: it decodes every frame once, at low
 * resolution after the decoder; the windows decode and run MANet on a few frames each. */
#define MOTION_SHARE 0.3
/* The windows end here; 1 comes once the suggestions are stored. */
#define WINDOWS_END  0.99

/* {{{ Feeding the windows' clips */

/* Pictures decoded at once, at most: one decode call serves several windows (one pipeline,
 * reading on between windows that are close, seeking between the others), as long as their
 * RGB pictures stay within this. */
#define FEED_BATCH_BYTES ((gsize) 192 * 1024 * 1024)
#define FEED_MAX_BATCH   8
/* Clips ready and waiting for the network, at most (4.8 MB each). */
#define FEED_MAX_QUEUED  4

/* A thread that decodes and pre-processes the windows' clips while the network runs on the
 * ones before: decoding and the forward take turns on the processors instead of waiting for
 * each other. */
typedef struct
{
  const ScanJob *job;
  int            width;          /* of the video, as the project recorded it */
  int            height;
  GCancellable  *cancellable;    /* the scan's own: cancelled with the caller's, or on failure */
  GMutex         lock;
  GCond          cond;
  GQueue         clips;          /* float *, in window order */
  gboolean       done;
  GError        *error;
} Feed;

static gboolean
feed_push (Feed  *feed,
           float *clip)
{
  g_mutex_lock (&feed->lock);
  while (feed->clips.length >= FEED_MAX_QUEUED && !g_cancellable_is_cancelled (feed->cancellable))
    g_cond_wait_until (&feed->cond, &feed->lock,
                       g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  if (g_cancellable_is_cancelled (feed->cancellable))
    {
      g_mutex_unlock (&feed->lock);
      g_free (clip);
      return FALSE;
    }
  g_queue_push_tail (&feed->clips, clip);
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
  return TRUE;
}

static gpointer
feed_thread (gpointer data)
{
  Feed *feed = data;
  const ScanJob *job = feed->job;
  const gsize frame_floats = FIDGET_ASSIST_CLIP_FLOATS / FIDGET_MANET_FRAMES;
  gsize picture_bytes = (gsize) MAX (feed->width, 1) * MAX (feed->height, 1) * 3;
  guint batch = (guint) CLAMP (FEED_BATCH_BYTES / (picture_bytes * FIDGET_MANET_FRAMES), 1,
                               FEED_MAX_BATCH);
  GError *error = NULL;

  for (guint w = 0; w < job->windows->len && error == NULL; w += batch)
    {
      guint n = MIN (batch, job->windows->len - w);
      g_autofree gint64 *frames = g_new (gint64, (gsize) n * FIDGET_MANET_FRAMES);
      g_autofree guint8 *pictures = NULL;
      int width = 0, height = 0;

      for (guint i = 0; i < n; i++)
        {
          const FidgetProposal *window = &g_array_index (job->windows, FidgetProposal, w + i);

          fidget_assist_sample_frames (window->start_frame, window->end_frame,
                                       FIDGET_MANET_FRAMES, frames + i * FIDGET_MANET_FRAMES);
        }
      pictures = fidget_assist_decode_frames (job->path, job->fps_num, job->fps_den, frames,
                                              (int) n * FIDGET_MANET_FRAMES, &width, &height,
                                              feed->cancellable, &error);
      if (pictures == NULL)
        break;
      picture_bytes = (gsize) width * height * 3;
      for (guint i = 0; i < n; i++)
        {
          float *clip = g_new (float, FIDGET_ASSIST_CLIP_FLOATS);

          for (int k = 0; k < FIDGET_MANET_FRAMES; k++)
            {
              const guint8 *picture = pictures + picture_bytes * (i * FIDGET_MANET_FRAMES + k);

              fidget_assist_preprocess_picture (picture, width, height, width * 3,
                                                clip + frame_floats * k);
            }
          if (!feed_push (feed, clip))
            {
              g_cancellable_set_error_if_cancelled (feed->cancellable, &error);
              break;
            }
        }
    }

  g_mutex_lock (&feed->lock);
  feed->done = TRUE;
  feed->error = error;
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
  return NULL;
}

/* The next clip in window order, or NULL with @error set (the feed failed or was cancelled). */
static float *
feed_pop (Feed    *feed,
          GError **error)
{
  float *clip;

  g_mutex_lock (&feed->lock);
  while (feed->clips.length == 0 && !feed->done)
    g_cond_wait (&feed->cond, &feed->lock);
  clip = g_queue_pop_head (&feed->clips);
  if (clip == NULL)
    {
      if (feed->error != NULL)
        g_propagate_error (error, g_steal_pointer (&feed->error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "The clips of the video's windows ended early");
    }
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->lock);
  return clip;
}

static void
cancel_inner (GCancellable *outer,
              gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/* }}} */

/* The heavy part: no project, only the job's copies. */
static gboolean
scan_job_run (ScanJob             *job,
              GCancellable        *cancellable,
              FidgetProgressFunc   progress,
              gpointer             progress_data,
              GError             **error)
{
  g_autofree double *energy = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GCancellable) inner = NULL;
  Stage stage = { progress, progress_data, 0.0, 0.0, -1.0 };
  gint64 t0 = g_get_monotonic_time (), t1;
  gulong cancel_id = 0;
  GThread *feeder;
  Feed feed = { 0 };
  gboolean ok = TRUE;

  stage_report (&stage, 0.0);
  energy = fidget_motion_cache_lookup (job->content_hash, job->fps_num, job->fps_den,
                                       job->frame_count);
  job->motion_cached = energy != NULL;
  if (energy == NULL)
    {
      stage.span = MOTION_SHARE;
      energy = fidget_motion_cache_get (job->path, job->content_hash, job->fps_num,
                                        job->fps_den, job->frame_count, NULL, cancellable,
                                        stage_progress, &stage, error);
      if (energy == NULL)
        return FALSE;
    }
  t1 = g_get_monotonic_time ();
  job->motion_s = (t1 - t0) / 1e6;

  all = fidget_motion_proposals (energy, job->frame_count, job->fps_num, job->fps_den, NULL);
  job->n_windows = all->len;
  /* Windows are dealt round-robin, so every shard gets a share of the whole video. */
  job->windows = g_array_new (FALSE, FALSE, sizeof (FidgetProposal));
  for (guint w = 0; w < all->len; w++)
    if ((int) (w % (guint) job->n_shards) == job->shard - 1)
      g_array_append_val (job->windows, g_array_index (all, FidgetProposal, w));
  job->predictions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_assist_prediction_free);

  stage.from = stage.last > 0.0 ? stage.last : 0.0;
  stage.span = WINDOWS_END - stage.from;
  stage_report (&stage, 0.0);
  if (job->windows->len == 0)
    {
      job->classify_s = 0.0;
      return !g_cancellable_set_error_if_cancelled (cancellable, error);
    }

  inner = g_cancellable_new ();
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_inner),
                                       g_object_ref (inner), g_object_unref);
  feed.job = job;
  feed.width = job->width;
  feed.height = job->height;
  feed.cancellable = inner;
  g_mutex_init (&feed.lock);
  g_cond_init (&feed.cond);
  g_queue_init (&feed.clips);
  feeder = g_thread_new ("fidget-scan-feed", feed_thread, &feed);

  for (guint w = 0; w < job->windows->len; w++)
    {
      g_autofree float *clip = feed_pop (&feed, error);
      FidgetAssistPrediction *prediction;

      if (clip == NULL ||
          !(prediction = fidget_assist_model_predict (job->model, clip, inner, error)))
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_add (job->predictions, prediction);
      stage_report (&stage, (double) (w + 1) / job->windows->len);
    }

  /* Stop the feed (done or failed), and wait for it. */
  g_cancellable_cancel (inner);
  g_thread_join (feeder);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);
  g_queue_clear_full (&feed.clips, g_free);
  g_clear_error (&feed.error);
  g_cond_clear (&feed.cond);
  g_mutex_clear (&feed.lock);

  /* A stop that came from the caller reads as the caller's cancellation. */
  if (!ok && g_cancellable_is_cancelled (cancellable) && error != NULL && *error != NULL &&
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  job->classify_s = (g_get_monotonic_time () - t1) / 1e6;
  return ok;
}

/* On the caller's thread: the predictions become the video's suggestions, in one transaction. */
static FidgetScanResult *
scan_job_store (ScanJob        *job,
                FidgetProject  *project,
                GError        **error)
{
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (project);
  g_autoptr(GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);
  g_autoptr(GPtrArray) stored = NULL;
  FidgetScanResult *result;

  for (guint w = 0; w < job->windows->len; w++)
    {
      const FidgetProposal *window = &g_array_index (job->windows, FidgetProposal, w);
      const FidgetAssistPrediction *prediction = g_ptr_array_index (job->predictions, w);
      const FidgetAction *action =
        fidget_taxonomy_lookup_action_by_model_index (taxonomy, prediction->top[0]);
      FidgetSuggestion *item = fidget_suggestion_new ();

      item->start_frame = window->start_frame;
      item->end_frame = window->end_frame;
      item->action_code = g_strdup (action != NULL ? action->code : NULL);
      item->scores_json = fidget_assist_scores_json (taxonomy, prediction);
      g_ptr_array_add (items, item);
    }
  stored = fidget_suggestions_add (project, job->video_id,
                                   fidget_assist_model_get_hash (job->model), items,
                                   job->n_shards > 1 ? FIDGET_SUGGESTIONS_REPLACE_OPEN_WINDOWS
                                                     : FIDGET_SUGGESTIONS_REPLACE_OPEN,
                                   error);
  if (stored == NULL)
    return NULL;

  result = g_new0 (FidgetScanResult, 1);
  result->video_id = job->video_id;
  result->model_hash = g_strdup (fidget_assist_model_get_hash (job->model));
  result->n_windows = job->n_windows;
  result->shard = job->shard;
  result->n_shards = job->n_shards;
  result->suggestions = g_steal_pointer (&stored);
  result->motion_cached = job->motion_cached;
  result->motion_s = job->motion_s;
  result->classify_s = job->classify_s;
  return result;
}

FidgetScanResult *
fidget_scan_video (FidgetProject       *project,
                   gint64               video_id,
                   FidgetAssistModel   *model,
                   int                  shard,
                   int                  n_shards,
                   GCancellable        *cancellable,
                   FidgetProgressFunc   progress,
                   gpointer             progress_data,
                   GError             **error)
{
  ScanJob *job;
  FidgetScanResult *result = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (model != NULL, NULL);

  job = scan_job_new (project, video_id, model, shard, n_shards, error);
  if (job == NULL)
    return NULL;
  if (scan_job_run (job, cancellable, progress, progress_data, error) &&
      !g_cancellable_set_error_if_cancelled (cancellable, error))
    result = scan_job_store (job, project, error);
  scan_job_free (job);
  if (result != NULL && progress != NULL)
    progress (1.0, progress_data);
  return result;
}

/* Progress from the worker, delivered in the caller's main context: the worker only records
 * the latest fraction; one idle at a time hands it on. */
typedef struct
{
  GMutex              lock;
  GMainContext       *context;
  FidgetProgressFunc  func;
  gpointer            data;
  GDestroyNotify      destroy;
  double              pending;
  double              delivered;
  gboolean            scheduled;
  gboolean            done;       /* set on the caller's thread: no call after the callback */
} Relay;

static void
relay_clear (gpointer data)
{
  Relay *relay = data;

  if (relay->destroy != NULL)
    relay->destroy (relay->data);
  g_main_context_unref (relay->context);
  g_mutex_clear (&relay->lock);
}

static void
relay_unref (Relay *relay)
{
  g_atomic_rc_box_release_full (relay, relay_clear);
}

static gboolean
relay_deliver (gpointer user_data)
{
  Relay *relay = user_data;
  double value;
  gboolean fresh;

  g_mutex_lock (&relay->lock);
  relay->scheduled = FALSE;
  value = relay->pending;
  fresh = !relay->done && value > relay->delivered;
  if (fresh)
    relay->delivered = value;
  g_mutex_unlock (&relay->lock);
  if (fresh && relay->func != NULL)
    relay->func (value, relay->data);
  return G_SOURCE_REMOVE;
}

static void
relay_progress (double   fraction,
                gpointer user_data)
{
  Relay *relay = user_data;
  gboolean schedule = FALSE;

  g_mutex_lock (&relay->lock);
  if (fraction > relay->pending)
    relay->pending = fraction;
  if (!relay->scheduled && !relay->done)
    schedule = relay->scheduled = TRUE;
  g_mutex_unlock (&relay->lock);
  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, relay_deliver, g_atomic_rc_box_acquire (relay),
                             (GDestroyNotify) relay_unref);
      g_source_set_static_name (source, "[fidget] scan progress");
      g_source_attach (source, relay->context);
    }
}

/* Called on the caller's thread at the end: the last fraction, then silence. */
static void
relay_finish (Relay    *relay,
              gboolean  success)
{
  gboolean call;

  g_mutex_lock (&relay->lock);
  relay->done = TRUE;
  call = success && relay->delivered < 1.0;
  relay->delivered = 1.0;
  g_mutex_unlock (&relay->lock);
  if (call && relay->func != NULL)
    relay->func (1.0, relay->data);
}

typedef struct
{
  FidgetProject *project;
  ScanJob       *job;
  Relay         *relay;
} ScanAsync;

static void
scan_async_free (gpointer data)
{
  ScanAsync *scan = data;

  g_clear_object (&scan->project);
  g_clear_pointer (&scan->job, scan_job_free);
  g_clear_pointer (&scan->relay, relay_unref);
  g_free (scan);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanAsync *scan = task_data;
  GError *error = NULL;

  if (scan_job_run (scan->job, cancellable, relay_progress, scan->relay, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
scan_thread_done (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScanAsync *scan = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  FidgetScanResult *scan_result;
  GError *error = NULL;

  /* The check after the worker: a cancel that came while it was finishing still wins, and
   * nothing is stored. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      relay_finish (scan->relay, FALSE);
      g_task_return_error (task, error);
      return;
    }
  scan_result = scan_job_store (scan->job, scan->project, &error);
  relay_finish (scan->relay, scan_result != NULL);
  if (scan_result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, scan_result, (GDestroyNotify) fidget_scan_result_free);
}

void
fidget_scan_video_async (FidgetProject       *project,
                         gint64               video_id,
                         FidgetAssistModel   *model,
                         int                  shard,
                         int                  n_shards,
                         GCancellable        *cancellable,
                         FidgetProgressFunc   progress,
                         gpointer             progress_data,
                         GDestroyNotify       progress_destroy,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;
  ScanAsync *scan;
  ScanJob *job;
  Relay *relay;

  g_return_if_fail (FIDGET_IS_PROJECT (project));
  g_return_if_fail (model != NULL);

  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, fidget_scan_video_async);
  /* Stored is stored: a cancel after the suggestions went in does not hide the result. */
  g_task_set_check_cancellable (task, FALSE);

  relay = g_atomic_rc_box_new0 (Relay);
  g_mutex_init (&relay->lock);
  relay->context = g_main_context_ref_thread_default ();
  relay->func = progress;
  relay->data = progress_data;
  relay->destroy = progress_destroy;

  job = scan_job_new (project, video_id, model, shard, n_shards, &error);
  if (job == NULL)
    {
      relay_finish (relay, FALSE);
      relay_unref (relay);
      g_task_return_error (task, error);
      return;
    }
  scan = g_new0 (ScanAsync, 1);
  scan->project = g_object_ref (project);
  scan->job = job;
  scan->relay = relay;
  g_task_set_task_data (task, scan, scan_async_free);

  worker = g_task_new (NULL, cancellable, scan_thread_done, g_object_ref (task));
  g_task_set_source_tag (worker, scan_thread);
  g_task_set_task_data (worker, scan, NULL);
  g_task_run_in_thread (worker, scan_thread);
}

FidgetScanResult *
fidget_scan_video_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */
