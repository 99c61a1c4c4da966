/* fidget-splits.h: leakage-free train/val/test splits, stratified by action
 *
 * Every participant (more generally: every group, e.g. a video without a participant) lands
 * in exactly one split, so no person is seen in training and again in testing. Within that
 * constraint the plan brings each split's share of the clips close to the asked ratio and
 * each split's action distribution close to the overall one: a seeded greedy assignment of the
 * groups (largest first, in a seeded order) refined by a seeded local search of moves and swaps,
 * best of a few restarts. Same items and seed, same plan: the groups are put in a canonical
 * order first, so the order in which items are added does not matter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FIDGET_SPLIT_TRAIN,
  FIDGET_SPLIT_VAL,
  FIDGET_SPLIT_TEST,
} FidgetSplit;

#define FIDGET_N_SPLITS 3

/* Which labels a count or a distance is about. */
typedef enum
{
  FIDGET_SPLIT_LEVEL_ACTION,
  FIDGET_SPLIT_LEVEL_BODY_PART,
} FidgetSplitLevel;

typedef struct
{
  guint   ratio[FIDGET_N_SPLITS];  /* parts of train:val:test, e.g. 2:1:1; 0 leaves a split empty */
  guint64 seed;
  guint   restarts;                /* independent greedy + search runs, the best kept; 0: 8 */
} FidgetSplitParams;

const char *fidget_split_to_string          (FidgetSplit        split);
/* Default: 2:1:1 (MA-52's proportions), seed 0, 8 restarts. */
void        fidget_split_params_init        (FidgetSplitParams *params);
/* "2:1:1", "8:1:1", "3:1:0": three whole numbers, not all 0. */
gboolean    fidget_split_parse_ratio        (const char        *text,
                                             guint              ratio[FIDGET_N_SPLITS],
                                             GError           **error);

typedef struct _FidgetSplitPlan FidgetSplitPlan;

FidgetSplitPlan *fidget_split_plan_new               (guint              n_actions,
                                                      guint              n_body_parts);
void             fidget_split_plan_free              (FidgetSplitPlan   *self);

/* One clip: the group that must not be split (the participant) and its labels. Items are
 * numbered from 0 in the order they are added. */
void             fidget_split_plan_add_item          (FidgetSplitPlan   *self,
                                                      const char        *group,
                                                      guint              action,
                                                      guint              body_part);

/* Assigns every group to a split. Refused when there are fewer groups than splits with a
 * non-zero ratio, or no items. May be called again with other parameters. */
gboolean         fidget_split_plan_compute           (FidgetSplitPlan   *self,
                                                      const FidgetSplitParams *params,
                                                      GError           **error);

guint            fidget_split_plan_get_n_items       (FidgetSplitPlan   *self);
guint            fidget_split_plan_get_n_groups      (FidgetSplitPlan   *self);
FidgetSplit      fidget_split_plan_get_item_split    (FidgetSplitPlan   *self,
                                                      guint              item);
/* FALSE when no item has this group. */
gboolean         fidget_split_plan_lookup_group      (FidgetSplitPlan   *self,
                                                      const char        *group,
                                                      FidgetSplit       *split);

/* {{{ The report */

guint            fidget_split_plan_get_split_items   (FidgetSplitPlan   *self,
                                                      FidgetSplit        split);
guint            fidget_split_plan_get_split_groups  (FidgetSplitPlan   *self,
                                                      FidgetSplit        split);
/* The split's share of all items, and the share the ratio asked for. */
double           fidget_split_plan_get_share         (FidgetSplitPlan   *self,
                                                      FidgetSplit        split);
double           fidget_split_plan_get_target_share  (FidgetSplitPlan   *self,
                                                      FidgetSplit        split);
/* Items of class @cls in @split, or in all splits when @split is -1. */
guint            fidget_split_plan_get_count         (FidgetSplitPlan   *self,
                                                      int                split,
                                                      FidgetSplitLevel   level,
                                                      guint              cls);
/* Total variation distance between the split's class distribution and the overall one:
 * half the sum of the absolute differences of the shares, 0 (same) to 1 (disjoint). */
double           fidget_split_plan_get_distance      (FidgetSplitPlan   *self,
                                                      FidgetSplit        split,
                                                      FidgetSplitLevel   level);
/* Classes present overall but absent from the split. */
guint            fidget_split_plan_get_n_missing     (FidgetSplitPlan   *self,
                                                      FidgetSplit        split,
                                                      FidgetSplitLevel   level);

/* }}} */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetSplitPlan, fidget_split_plan_free)

G_END_DECLS
