/* fidget-metrics.h: classification scores as the MA-52 benchmark reports them
 *
 * Top-1 and top-5 accuracy, and F1 as scikit-learn's f1_score() defines it: per class
 * F1 = 2 TP / (2 TP + FP + FN) from the top-1 prediction, 0 for a class without a true positive
 * (its zero_division default); "micro" pools TP, FP and FN over all classes, "macro" is the
 * unweighted mean of the per-class F1 over the classes that occur in the truth or in the top-1
 * predictions. The MAC challenge's F1_mean is the mean of the micro and macro F1 at the fine
 * (action) and coarse (body part) levels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Predictions ranked per clip in the MAC challenge CSV. */
#define FIDGET_METRICS_TOP_K 5

/* {{{ Scores of one level (actions or body parts) */

typedef struct _FidgetClassScores FidgetClassScores;

typedef struct
{
  guint  support;    /* clips of this class in the truth (TP + FN) */
  guint  predicted;  /* clips predicted as this class at top-1 (TP + FP) */
  guint  tp;
  guint  fp;
  guint  fn;
  double precision;  /* 0 when nothing was predicted as this class */
  double recall;     /* 0 when the class does not occur in the truth */
  double f1;
} FidgetClassScore;

FidgetClassScores *fidget_class_scores_new           (guint                    n_classes);
void               fidget_class_scores_free          (FidgetClassScores       *self);

/* One clip: its true class and its predictions, best first (@n_ranked >= 1). Every class is
 * below n_classes (callers validate their input; this checks it with g_return_if_fail). */
void               fidget_class_scores_add           (FidgetClassScores       *self,
                                                      guint                    truth,
                                                      const guint             *ranked,
                                                      guint                    n_ranked);

guint              fidget_class_scores_get_n_classes (FidgetClassScores       *self);
guint              fidget_class_scores_get_n_samples (FidgetClassScores       *self);
/* Classes that occur in the truth or the top-1 predictions: the ones macro F1 averages. */
guint              fidget_class_scores_get_n_present (FidgetClassScores       *self);
gboolean           fidget_class_scores_is_present    (FidgetClassScores       *self,
                                                      guint                    cls);

/* Share of clips whose true class is among the first @k predictions (0 without clips). */
double             fidget_class_scores_get_accuracy  (FidgetClassScores       *self,
                                                      guint                    k);
double             fidget_class_scores_get_f1_micro  (FidgetClassScores       *self);
double             fidget_class_scores_get_f1_macro  (FidgetClassScores       *self);
void               fidget_class_scores_get_class     (FidgetClassScores       *self,
                                                      guint                    cls,
                                                      FidgetClassScore        *score);
/* Clips of true class @truth predicted (top-1) as @predicted. */
guint              fidget_class_scores_get_confusion (FidgetClassScores       *self,
                                                      guint                    truth,
                                                      guint                    predicted);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetClassScores, fidget_class_scores_free)

/* }}} */
/* {{{ The benchmark's numbers */

typedef struct
{
  guint  n_clips;
  double acc_top1_fine;
  double acc_top5_fine;
  double acc_top1_coarse;
  double f1_micro_fine;
  double f1_macro_fine;
  double f1_micro_coarse;
  double f1_macro_coarse;
  double f1_mean;            /* mean of the four F1 above */
} FidgetMetricsSummary;

void fidget_metrics_summarize (FidgetClassScores    *fine,
                               FidgetClassScores    *coarse,
                               FidgetMetricsSummary *summary);

/* }}} */
/* {{{ Truth lists and prediction files */

/* One line of an mmaction2 list: "file label". */
typedef struct
{
  char  *file;
  char  *vid;    /* the file's name without folder and extension: the key predictions use */
  guint  label;
  guint  line;
} FidgetTruthEntry;

/* One row of the MAC challenge CSV: vid, action_pred_1..5, body_pred_1..5. */
typedef struct
{
  char  *vid;
  guint  action[FIDGET_METRICS_TOP_K];
  guint  body[FIDGET_METRICS_TOP_K];
  guint  line;
} FidgetPredictionRow;

void       fidget_truth_entry_free          (FidgetTruthEntry    *entry);
void       fidget_prediction_row_free       (FidgetPredictionRow *row);

/* "train/0001_02_0003.mp4" -> "0001_02_0003": the key that joins lists and predictions. */
char      *fidget_metrics_vid_from_file     (const char          *file);

/* Parses an mmaction2 VideoDataset list. Labels must be below @n_classes; a file or vid that
 * occurs twice, a malformed line or an empty list is an error naming @display_name and the
 * line. Returns FidgetTruthEntry * in file order. */
GPtrArray *fidget_metrics_parse_truth_list  (const char          *display_name,
                                             const char          *contents,
                                             gsize                length,
                                             guint                n_classes,
                                             GError             **error);
/* Parses a MAC challenge prediction CSV (a header naming vid, action_pred_1..5 and
 * body_pred_1..5, in any order; further columns are ignored). Returns FidgetPredictionRow *. */
GPtrArray *fidget_metrics_parse_predictions (const char          *display_name,
                                             const char          *contents,
                                             gsize                length,
                                             guint                n_fine,
                                             guint                n_coarse,
                                             GError             **error);

/* Scores @predictions against @truth. Every clip of the truth needs exactly one prediction
 * and every prediction a clip of the truth. @fine_to_coarse maps each fine class (below
 * @n_fine) to its coarse class (below @n_coarse): the coarse truth. The names are for errors. */
gboolean   fidget_metrics_evaluate          (GPtrArray           *truth,
                                             const char          *truth_name,
                                             GPtrArray           *predictions,
                                             const char          *predictions_name,
                                             const guint         *fine_to_coarse,
                                             guint                n_fine,
                                             guint                n_coarse,
                                             FidgetClassScores  **fine,
                                             FidgetClassScores  **coarse,
                                             GError             **error);

/* }}} */

G_END_DECLS
