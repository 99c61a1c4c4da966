/* fidget-evaluate.h: MANet scored on a split of a project, as the MA-52 benchmark scores it
 *
 * The clips are the ones a dataset export makes (fidget-dataset.h): the same videos, the same
 * segments, the same names and the same leakage-free split for the same ratio and seed, so an
 * evaluation of "test" is an evaluation of the exported test list. Each clip goes through the
 * test pipeline (fidget_assist_prepare_clip()) and the model (fidget_assist_predict()); the
 * ranked actions and body parts are scored by fidget_metrics_evaluate(), the very code that
 * scores a MAC challenge prediction file, so the numbers match `fidget-cli evaluate --truth
 * --predictions` on the files fidget_evaluation_write() leaves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fidget-media-init.h"
#include "fidget-metrics.h"
#include "fidget-project.h"
#include "fidget-splits.h"

G_BEGIN_DECLS

typedef struct
{
  FidgetSplitParams split_params;  /* ratio and seed of the split, as the export's */
  /* TRUE: the review's ground truth (verified videos, their consensus), as the export does by
   * default; FALSE: every person's segments of every video. */
  gboolean          ground_truth;
  int               split;         /* a FidgetSplit, or -1 for every clip of every split */
  int               n_threads;     /* threads of a forward; 0: one per processor */
} FidgetEvaluateOptions;

/* Default: the export's default split (2:1:1, seed 0), ground truth, the test split, one
 * thread per processor. */
void fidget_evaluate_options_init (FidgetEvaluateOptions *options);

/* One evaluated clip. */
typedef struct
{
  const char *name;         /* the export's clip name, "0001_02_0003" */
  gint64      video_id;
  gint64      start;        /* frames [start, end) of the video */
  gint64      end;
  guint       truth;        /* model index of the true action */
  guint       action[FIDGET_METRICS_TOP_K];  /* predicted actions, best first */
  guint       body[FIDGET_METRICS_TOP_K];    /* predicted body parts, best first */
  double      probability;  /* of action[0] */
} FidgetEvaluationClip;

#define FIDGET_TYPE_EVALUATION (fidget_evaluation_get_type ())

G_DECLARE_FINAL_TYPE (FidgetEvaluation, fidget_evaluation, FIDGET, EVALUATION, GObject)

/* Runs the model at @weights (safetensors, MA-52's 52 classes) on every clip of the chosen
 * split. Everything that can be refused is refused before the weights are loaded: no weights
 * (the message carries fidget_assist_weights_help()), nothing verified, an empty split, a
 * video file that is missing (named). Weights of another class count are refused too. Clips of
 * a project's own actions have no model class: they are left out and counted. @progress gets
 * fractions from the calling thread. Blocking. */
FidgetEvaluation *fidget_evaluate                       (FidgetProject               *project,
                                                         const char                  *weights,
                                                         const FidgetEvaluateOptions *options,
                                                         GCancellable                *cancellable,
                                                         FidgetProgressFunc           progress,
                                                         gpointer                     progress_data,
                                                         GError                     **error);

/* The same in a worker thread. The project is read here, before this returns (a quick
 * snapshot); the thread decodes and runs the model. @progress is called in the thread-default
 * main context of the caller, at most once per main-loop iteration, and must stay valid until
 * @callback has run. */
void              fidget_evaluate_async                 (FidgetProject               *project,
                                                         const char                  *weights,
                                                         const FidgetEvaluateOptions *options,
                                                         GCancellable                *cancellable,
                                                         FidgetProgressFunc           progress,
                                                         gpointer                     progress_data,
                                                         GAsyncReadyCallback          callback,
                                                         gpointer                     user_data);
FidgetEvaluation *fidget_evaluate_finish                (GAsyncResult                *result,
                                                         GError                     **error);

/* The split evaluated (-1: all) and its parameters. */
int                      fidget_evaluation_get_split        (FidgetEvaluation *self);
const FidgetSplitParams *fidget_evaluation_get_split_params (FidgetEvaluation *self);
guint                    fidget_evaluation_get_n_clips      (FidgetEvaluation *self);
const FidgetEvaluationClip *
                         fidget_evaluation_get_clip         (FidgetEvaluation *self,
                                                             guint             index);
/* Clips of the split left out because their action is a project's own (no model class). */
guint                    fidget_evaluation_get_n_skipped    (FidgetEvaluation *self);
/* "sha256:..." of the weights file. */
const char              *fidget_evaluation_get_model_hash   (FidgetEvaluation *self);
/* Wall time of the clips once the weights are loaded (decoding starts with the loading and
 * runs a clip or two ahead of the model). */
double                   fidget_evaluation_get_elapsed_ms   (FidgetEvaluation *self);

/* Scores of the actions (model indices) and of the body parts. */
FidgetClassScores       *fidget_evaluation_get_fine         (FidgetEvaluation *self);
FidgetClassScores       *fidget_evaluation_get_coarse       (FidgetEvaluation *self);
void                     fidget_evaluation_get_summary      (FidgetEvaluation *self,
                                                             FidgetMetricsSummary *summary);
/* Code and name of a fine (model index) or coarse (body part index) class. */
const char              *fidget_evaluation_class_code       (FidgetEvaluation *self,
                                                             gboolean          fine,
                                                             guint             cls);
const char              *fidget_evaluation_class_name       (FidgetEvaluation *self,
                                                             gboolean          fine,
                                                             guint             cls);

/* Writes into @dir (made if missing; files of these names are replaced, each atomically):
 *   predictions.csv           MAC challenge CSV: vid,action_pred_1..5,body_pred_1..5
 *   truth_list.txt            the truth as an mmaction2 list, "NAME.mp4 LABEL"
 *   per_class.csv             per action: code, name, support, predicted, tp, precision,
 *                             recall, f1; per_class_body.csv the same per body part
 *   confusion.png             the actions' confusion matrix (truth rows, top-1 columns) over
 *                             the classes present; confusion_body.png the body parts'
 * Nothing is written when an error occurs before the first file. */
gboolean                 fidget_evaluation_write            (FidgetEvaluation *self,
                                                             const char       *dir,
                                                             GError          **error);

G_END_DECLS
