/* fidget-scan.h: MANet's help as a library: a loaded model shared by everyone, one segment
 * classified, and a whole video scanned for suggestions
 *
 * A scan is the whole pre-labelling job: the video's motion curve (from the cache when it is
 * there), candidate windows from it, each window classified by MANet, and the results stored
 * as the video's open suggestions of that model. The heavy part runs without the project; the
 * project is read and written only on the caller's thread (for the async variants, in the
 * main context that was the thread-default one when the job began).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fidget-assist.h"
#include "fidget-player.h"
#include "fidget-project.h"
#include "fidget-suggestions.h"

G_BEGIN_DECLS

/* {{{ The model */

/* MANet's weights loaded once, with the digest that names them in suggestions. Reference
 * counted and thread-safe: any thread may classify with it (forwards take turns). */
typedef struct _FidgetAssistModel FidgetAssistModel;

/* Loads @weights (.safetensors) with @n_threads for a forward (0: one per processor) and
 * checks that it classifies into MA-52's actions. Blocking: hashing and loading a full-size
 * file take about a second. */
FidgetAssistModel *fidget_assist_model_load         (const char           *weights,
                                                     int                   n_threads,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
void               fidget_assist_model_load_async   (const char           *weights,
                                                     int                   n_threads,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FidgetAssistModel *fidget_assist_model_load_finish  (GAsyncResult         *result,
                                                     GError              **error);

FidgetAssistModel *fidget_assist_model_ref          (FidgetAssistModel    *self);
void               fidget_assist_model_unref        (FidgetAssistModel    *self);
/* The weights file, as given. */
const char        *fidget_assist_model_get_path     (FidgetAssistModel    *self);
/* "sha256:" and the weights file's digest. */
const char        *fidget_assist_model_get_hash     (FidgetAssistModel    *self);
FidgetManet       *fidget_assist_model_get_manet    (FidgetAssistModel    *self);

/* MANet's prediction for @clip (FIDGET_ASSIST_CLIP_FLOATS floats); a forward in progress stops
 * soon after @cancellable is cancelled. Blocking. */
FidgetAssistPrediction *
                   fidget_assist_model_predict      (FidgetAssistModel    *self,
                                                     const float          *clip,
                                                     GCancellable         *cancellable,
                                                     GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetAssistModel, fidget_assist_model_unref)

/* }}} */
/* {{{ One segment */

/* The model's prediction for frames [@start, @end) of the video at @path (frame rate
 * @fps_num/@fps_den, as the project recorded it): decoding, pre-processing and the forward in
 * a worker thread. Cancel it when the question no longer matters: decoding and the forward
 * stop soon after. */
void               fidget_assist_classify_async     (FidgetAssistModel    *model,
                                                     const char           *path,
                                                     int                   fps_num,
                                                     int                   fps_den,
                                                     gint64                start,
                                                     gint64                end,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* The same for a video open in @player, whose frame grid it follows: when the player's cache
 * holds the pictures MANet sees (the frames were just shown), nothing is decoded again. */
void               fidget_assist_classify_player_async
                                                    (FidgetAssistModel    *model,
                                                     FidgetPlayer         *player,
                                                     gint64                start,
                                                     gint64                end,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FidgetAssistPrediction *
                   fidget_assist_classify_finish    (GAsyncResult         *result,
                                                     GError              **error);

/* The top five of @prediction as stored in a suggestion:
 * [{"code":"B1","score":0.7}, ...], codes through @taxonomy's model indices. */
char              *fidget_assist_scores_json        (FidgetTaxonomy               *taxonomy,
                                                     const FidgetAssistPrediction *prediction);

/* }}} */
/* {{{ A whole video */

typedef struct
{
  gint64     video_id;
  char      *model_hash;
  guint      n_windows;      /* candidate windows in the whole video */
  int        shard;          /* this scan's share: windows shard - 1, shard - 1 + n_shards... */
  int        n_shards;
  GPtrArray *suggestions;    /* FidgetSuggestion, as stored, in order of start frame */
  gboolean   motion_cached;  /* the motion curve came from the cache */
  double     motion_s;       /* seconds spent on the motion curve */
  double     classify_s;     /* seconds spent decoding and classifying windows */
} FidgetScanResult;

void               fidget_scan_result_free          (FidgetScanResult     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetScanResult, fidget_scan_result_free)

/* Scans video @video_id of @project with @model: every window of its motion curve
 * (fidget_motion_proposals() with the defaults) when @n_shards is 1, else every @n_shards-th
 * starting with the @shard-th (1-based), so that separate jobs share a video. The results
 * replace the model's open suggestions for the video (for a shard: at the same windows);
 * decided suggestions stay. Nothing is stored unless the whole scan succeeds: a cancelled
 * or failed scan leaves the project as it was. @progress gets fractions that never go down
 * and end at 1 (the motion pass, then the windows). Blocking; @progress is called from this
 * thread. */
FidgetScanResult  *fidget_scan_video                (FidgetProject        *project,
                                                     gint64                video_id,
                                                     FidgetAssistModel    *model,
                                                     int                   shard,
                                                     int                   n_shards,
                                                     GCancellable         *cancellable,
                                                     FidgetProgressFunc    progress,
                                                     gpointer              progress_data,
                                                     GError              **error);

/* The same in a worker thread. @progress is called in the caller's thread-default main
 * context, coalesced (at most once a main-loop iteration), never after @callback;
 * @progress_destroy frees @progress_data when the job is over. */
void               fidget_scan_video_async          (FidgetProject        *project,
                                                     gint64                video_id,
                                                     FidgetAssistModel    *model,
                                                     int                   shard,
                                                     int                   n_shards,
                                                     GCancellable         *cancellable,
                                                     FidgetProgressFunc    progress,
                                                     gpointer              progress_data,
                                                     GDestroyNotify        progress_destroy,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FidgetScanResult  *fidget_scan_video_finish         (GAsyncResult         *result,
                                                     GError              **error);

/* }}} */

G_END_DECLS
