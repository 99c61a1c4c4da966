/* fidget-splits.c: leakage-free train/val/test splits, stratified by action
 *
 * The cost of an assignment is, over the splits s and actions a,
 *
 *   J = ( sum_s sum_a (c[s][a] - t[s] C[a])^2  +  LAMBDA sum_s (n[s] - t[s] N)^2 ) / N^2
 *
 * with c[s][a] the clips of action a in split s, C[a] those overall, n[s] and N the clip counts
 * and t[s] the asked share. The first term wants every action spread in the asked proportions
 * (which stratifies), the second keeps the sizes on the ratio even when the actions cannot all
 * be balanced. Moving or swapping whole groups changes J by amounts computed in O(actions), so
 * the local search can afford to try every move and swap of every group per sweep.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-error.h"
#include "fidget-splits.h"

/* How much more a clip of size error weighs than a clip of one action's error: the ratio is a
 * promise made to the user, the stratification a best effort. */
#define LAMBDA 8.0
#define DEFAULT_RESTARTS 8
#define MAX_SWEEPS 100

typedef struct
{
  char  *key;
  guint  n_items;
  guint *hist;   /* n_actions counts */
  guint  rank;   /* position in the canonical (key) order */
} Group;

struct _FidgetSplitPlan
{
  guint       n_actions;
  guint       n_body_parts;
  GPtrArray  *groups;         /* Group *, in order of first appearance */
  GHashTable *group_by_key;   /* key -> GUINT_TO_POINTER (index + 1) */
  GArray     *item_group;     /* guint */
  GArray     *item_action;    /* guint */
  GArray     *item_body;      /* guint */

  gboolean    computed;
  double      target[FIDGET_N_SPLITS];
  int        *group_split;    /* per group (appearance order) */
};

static const char *split_names[FIDGET_N_SPLITS] = { "train", "val", "test" };

const char *
fidget_split_to_string (FidgetSplit split)
{
  g_return_val_if_fail (split < FIDGET_N_SPLITS, NULL);
  return split_names[split];
}

void
fidget_split_params_init (FidgetSplitParams *params)
{
  memset (params, 0, sizeof *params);
  params->ratio[FIDGET_SPLIT_TRAIN] = 2;
  params->ratio[FIDGET_SPLIT_VAL] = 1;
  params->ratio[FIDGET_SPLIT_TEST] = 1;
  params->seed = 0;
  params->restarts = DEFAULT_RESTARTS;
}

gboolean
fidget_split_parse_ratio (const char  *text,
                          guint        ratio[FIDGET_N_SPLITS],
                          GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint sum = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) == FIDGET_N_SPLITS)
    {
      guint s;

      for (s = 0; s < FIDGET_N_SPLITS; s++)
        {
          guint64 value;

          if (!g_ascii_string_to_unsigned (parts[s], 10, 0, 1000, &value, NULL))
            break;
          ratio[s] = (guint) value;
          sum += ratio[s];
        }
      if (s == FIDGET_N_SPLITS && sum > 0)
        return TRUE;
    }
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
               _("The ratio “%s” is not train:val:test as three whole numbers from 0 to 1000, "
                 "not all 0 (e.g. 2:1:1)"), text);
  return FALSE;
}

static void
group_free (Group *group)
{
  g_free (group->key);
  g_free (group->hist);
  g_free (group);
}

FidgetSplitPlan *
fidget_split_plan_new (guint n_actions,
                       guint n_body_parts)
{
  FidgetSplitPlan *self;

  g_return_val_if_fail (n_actions > 0 && n_body_parts > 0, NULL);

  self = g_new0 (FidgetSplitPlan, 1);
  self->n_actions = n_actions;
  self->n_body_parts = n_body_parts;
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  self->group_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->item_group = g_array_new (FALSE, FALSE, sizeof (guint));
  self->item_action = g_array_new (FALSE, FALSE, sizeof (guint));
  self->item_body = g_array_new (FALSE, FALSE, sizeof (guint));
  return self;
}

void
fidget_split_plan_free (FidgetSplitPlan *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->group_by_key);
  g_ptr_array_unref (self->groups);
  g_array_unref (self->item_group);
  g_array_unref (self->item_action);
  g_array_unref (self->item_body);
  g_free (self->group_split);
  g_free (self);
}

void
fidget_split_plan_add_item (FidgetSplitPlan *self,
                            const char      *group_key,
                            guint            action,
                            guint            body_part)
{
  Group *group;
  guint index;

  g_return_if_fail (self != NULL);
  g_return_if_fail (group_key != NULL);
  g_return_if_fail (action < self->n_actions);
  g_return_if_fail (body_part < self->n_body_parts);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->group_by_key, group_key));
  if (index == 0)
    {
      group = g_new0 (Group, 1);
      group->key = g_strdup (group_key);
      group->hist = g_new0 (guint, self->n_actions);
      g_ptr_array_add (self->groups, group);
      index = self->groups->len;
      g_hash_table_insert (self->group_by_key, group->key, GUINT_TO_POINTER (index));
    }
  group = g_ptr_array_index (self->groups, index - 1);
  group->n_items++;
  group->hist[action]++;
  index--;
  g_array_append_val (self->item_group, index);
  g_array_append_val (self->item_action, action);
  g_array_append_val (self->item_body, body_part);

  /* A new item invalidates the plan. */
  self->computed = FALSE;
}

guint
fidget_split_plan_get_n_items (FidgetSplitPlan *self)
{
  return self->item_group->len;
}

guint
fidget_split_plan_get_n_groups (FidgetSplitPlan *self)
{
  return self->groups->len;
}

/* {{{ The search */

/* Working state of one restart; groups are indexed in canonical order here. */
typedef struct
{
  guint    n_groups;
  guint    n_actions;
  guint    n_active;
  int      active[FIDGET_N_SPLITS];
  const guint *const *hist;   /* per group */
  const guint *size;          /* per group */
  double  *dev;               /* [split * n_actions + action] = c - t C */
  double   size_dev[FIDGET_N_SPLITS];
  guint    members[FIDGET_N_SPLITS];
  int     *split;             /* per group, -1 before assignment */
  double  *scratch;           /* n_actions */
} Search;

static double
delta_add (Search *s,
           guint   g,
           int     to)
{
  const guint *h = s->hist[g];
  const double *dev = s->dev + (gsize) to * s->n_actions;
  double delta = 0.0;
  double n = s->size[g];

  for (guint a = 0; a < s->n_actions; a++)
    if (h[a] != 0)
      delta += h[a] * (2.0 * dev[a] + h[a]);
  return delta + LAMBDA * n * (2.0 * s->size_dev[to] + n);
}

static double
delta_move (Search *s,
            guint   g,
            int     to)
{
  const guint *h = s->hist[g];
  int from = s->split[g];
  const double *dev_from = s->dev + (gsize) from * s->n_actions;
  const double *dev_to = s->dev + (gsize) to * s->n_actions;
  double delta = 0.0;
  double n = s->size[g];

  for (guint a = 0; a < s->n_actions; a++)
    if (h[a] != 0)
      delta += h[a] * (2.0 * (dev_to[a] - dev_from[a]) + 2.0 * h[a]);
  return delta + LAMBDA * n * (2.0 * (s->size_dev[to] - s->size_dev[from]) + 2.0 * n);
}

/* Group @g (in split A) and @k (in split B) trade places. */
static double
delta_swap (Search *s,
            guint   g,
            guint   k)
{
  const guint *hg = s->hist[g];
  const guint *hk = s->hist[k];
  int a_split = s->split[g], b_split = s->split[k];
  const double *dev_a = s->dev + (gsize) a_split * s->n_actions;
  const double *dev_b = s->dev + (gsize) b_split * s->n_actions;
  double delta = 0.0;
  double dn = (double) s->size[k] - s->size[g];

  /* Split A gains d = hk - hg, split B loses it. */
  for (guint a = 0; a < s->n_actions; a++)
    {
      double d = (double) hk[a] - hg[a];

      if (d != 0.0)
        delta += d * (2.0 * (dev_a[a] - dev_b[a]) + 2.0 * d);
    }
  return delta + LAMBDA * dn * (2.0 * (s->size_dev[a_split] - s->size_dev[b_split]) + 2.0 * dn);
}

static void
place (Search *s,
       guint   g,
       int     to,
       int     sign)
{
  const guint *h = s->hist[g];
  double *dev = s->dev + (gsize) to * s->n_actions;

  for (guint a = 0; a < s->n_actions; a++)
    dev[a] += sign * (double) h[a];
  s->size_dev[to] += sign * (double) s->size[g];
  s->members[to] += sign;
}

static void
assign (Search *s,
        guint   g,
        int     to)
{
  if (s->split[g] >= 0)
    place (s, g, s->split[g], -1);
  place (s, g, to, +1);
  s->split[g] = to;
}

static double
cost (Search *s)
{
  double j = 0.0;

  for (guint i = 0; i < s->n_active; i++)
    {
      int sp = s->active[i];
      const double *dev = s->dev + (gsize) sp * s->n_actions;

      for (guint a = 0; a < s->n_actions; a++)
        j += dev[a] * dev[a];
      j += LAMBDA * s->size_dev[sp] * s->size_dev[sp];
    }
  return j;
}

typedef struct
{
  guint  group;
  double key;
  guint  position;
} Order;

static int
compare_order (const void *a,
               const void *b)
{
  const Order *x = a, *y = b;

  if (x->key != y->key)
    return x->key > y->key ? -1 : 1;
  return (x->position > y->position) - (x->position < y->position);
}

static void
shuffle (GRand *rand,
         guint *values,
         guint  n)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      guint t = values[i - 1];

      values[i - 1] = values[j];
      values[j] = t;
    }
}

/* One restart: greedy placement, then sweeps of the best move or swap per group. */
static void
search_run (Search *s,
            GRand  *rand)
{
  g_autofree Order *order = g_new (Order, s->n_groups);
  g_autofree guint *sweep = g_new (guint, s->n_groups);
  guint remaining = s->n_groups;

  /* Largest first places the hard-to-fit groups while there is room; the noise and the
   * shuffled tie order give every seed its own path. */
  for (guint g = 0; g < s->n_groups; g++)
    sweep[g] = g;
  shuffle (rand, sweep, s->n_groups);
  for (guint i = 0; i < s->n_groups; i++)
    {
      order[i].group = sweep[i];
      order[i].key = s->size[sweep[i]] * (1.0 + 0.5 * g_rand_double (rand));
      order[i].position = i;
    }
  qsort (order, s->n_groups, sizeof *order, compare_order);

  for (guint i = 0; i < s->n_groups; i++, remaining--)
    {
      guint g = order[i].group;
      guint n_empty = 0;
      int best = -1;
      double best_delta = G_MAXDOUBLE;

      for (guint k = 0; k < s->n_active; k++)
        if (s->members[s->active[k]] == 0)
          n_empty++;
      for (guint k = 0; k < s->n_active; k++)
        {
          int sp = s->active[k];
          double delta;

          /* As many groups left as empty splits: each must go to one of them. */
          if (remaining <= n_empty && s->members[sp] != 0)
            continue;
          delta = delta_add (s, g, sp);
          if (delta < best_delta)
            {
              best_delta = delta;
              best = sp;
            }
        }
      assign (s, g, best);
    }

  for (guint round = 0; round < MAX_SWEEPS; round++)
    {
      gboolean improved = FALSE;

      shuffle (rand, sweep, s->n_groups);
      for (guint i = 0; i < s->n_groups; i++)
        {
          guint g = sweep[i];
          int from = s->split[g];
          double best_delta = -1e-9;
          int best_to = -1;
          int best_swap = -1;

          /* A move must not empty a split. */
          if (s->members[from] > 1)
            for (guint k = 0; k < s->n_active; k++)
              {
                int to = s->active[k];
                double delta;

                if (to == from)
                  continue;
                delta = delta_move (s, g, to);
                if (delta < best_delta)
                  {
                    best_delta = delta;
                    best_to = to;
                    best_swap = -1;
                  }
              }
          for (guint k = 0; k < s->n_groups; k++)
            {
              double delta;

              if (s->split[k] == from)
                continue;
              delta = delta_swap (s, g, k);
              if (delta < best_delta)
                {
                  best_delta = delta;
                  best_swap = k;
                  best_to = -1;
                }
            }
          if (best_swap >= 0)
            {
              int other = s->split[best_swap];

              assign (s, best_swap, from);
              assign (s, g, other);
              improved = TRUE;
            }
          else if (best_to >= 0)
            {
              assign (s, g, best_to);
              improved = TRUE;
            }
        }
      if (!improved)
        break;
    }
}

static int
compare_group_keys (gconstpointer a,
                    gconstpointer b,
                    gpointer      data)
{
  GPtrArray *groups = data;
  const Group *x = g_ptr_array_index (groups, *(const guint *) a);
  const Group *y = g_ptr_array_index (groups, *(const guint *) b);

  return strcmp (x->key, y->key);
}

gboolean
fidget_split_plan_compute (FidgetSplitPlan          *self,
                           const FidgetSplitParams  *params,
                           GError                  **error)
{
  guint n_groups = self->groups->len;
  guint n_items = self->item_group->len;
  guint ratio_sum = 0;
  guint restarts;
  g_autofree guint *canonical = NULL;       /* canonical position -> group */
  g_autofree const guint **hist = NULL;
  g_autofree guint *size = NULL;
  g_autofree guint *totals = NULL;
  g_autofree int *best = NULL;
  double best_cost = G_MAXDOUBLE;
  Search s = { 0 };

  g_return_val_if_fail (self != NULL && params != NULL, FALSE);

  for (guint sp = 0; sp < FIDGET_N_SPLITS; sp++)
    {
      ratio_sum += params->ratio[sp];
      if (params->ratio[sp] > 0)
        s.active[s.n_active++] = sp;
    }
  if (ratio_sum == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The ratio 0:0:0 asks for no split at all"));
      return FALSE;
    }
  if (n_items == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("There are no segments to split (the selection holds no labelled clips)"));
      return FALSE;
    }
  if (n_groups < s.n_active)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%u splits cannot be filled from %u participant(s): each participant goes "
                     "to one split only, so there must be at least as many participants as "
                     "splits (or ask for fewer, e.g. --ratio 3:1:0)"),
                   s.n_active, n_groups);
      return FALSE;
    }

  for (guint sp = 0; sp < FIDGET_N_SPLITS; sp++)
    self->target[sp] = (double) params->ratio[sp] / ratio_sum;

  /* The canonical order: by key, whatever order the items came in. */
  canonical = g_new (guint, n_groups);
  for (guint g = 0; g < n_groups; g++)
    canonical[g] = g;
  g_qsort_with_data (canonical, n_groups, sizeof (guint), compare_group_keys, self->groups);

  hist = g_new (const guint *, n_groups);
  size = g_new (guint, n_groups);
  totals = g_new0 (guint, self->n_actions);
  for (guint c = 0; c < n_groups; c++)
    {
      Group *group = g_ptr_array_index (self->groups, canonical[c]);

      group->rank = c;
      hist[c] = group->hist;
      size[c] = group->n_items;
      for (guint a = 0; a < self->n_actions; a++)
        totals[a] += group->hist[a];
    }

  s.n_groups = n_groups;
  s.n_actions = self->n_actions;
  s.hist = (const guint *const *) hist;
  s.size = size;
  s.dev = g_new (double, (gsize) FIDGET_N_SPLITS * self->n_actions);
  s.split = g_new (int, n_groups);
  best = g_new (int, n_groups);

  restarts = params->restarts > 0 ? params->restarts : DEFAULT_RESTARTS;
  for (guint r = 0; r < restarts; r++)
    {
      guint32 seed_words[3] = {
        (guint32) params->seed, (guint32) (params->seed >> 32), r,
      };
      GRand *rand = g_rand_new_with_seed_array (seed_words, G_N_ELEMENTS (seed_words));
      double j;

      for (guint sp = 0; sp < FIDGET_N_SPLITS; sp++)
        {
          for (guint a = 0; a < self->n_actions; a++)
            s.dev[sp * self->n_actions + a] = -self->target[sp] * totals[a];
          s.size_dev[sp] = -self->target[sp] * n_items;
          s.members[sp] = 0;
        }
      for (guint g = 0; g < n_groups; g++)
        s.split[g] = -1;

      search_run (&s, rand);
      g_rand_free (rand);

      j = cost (&s);
      if (j < best_cost)
        {
          best_cost = j;
          memcpy (best, s.split, n_groups * sizeof (int));
        }
    }

  g_free (self->group_split);
  self->group_split = g_new (int, n_groups);
  for (guint g = 0; g < n_groups; g++)
    {
      Group *group = g_ptr_array_index (self->groups, g);

      self->group_split[g] = best[group->rank];
    }
  self->computed = TRUE;

  g_free (s.dev);
  g_free (s.split);
  return TRUE;
}

/* }}} */
/* {{{ Results and report */

FidgetSplit
fidget_split_plan_get_item_split (FidgetSplitPlan *self,
                                  guint            item)
{
  g_return_val_if_fail (self->computed, FIDGET_SPLIT_TRAIN);
  g_return_val_if_fail (item < self->item_group->len, FIDGET_SPLIT_TRAIN);

  return self->group_split[g_array_index (self->item_group, guint, item)];
}

gboolean
fidget_split_plan_lookup_group (FidgetSplitPlan *self,
                                const char      *group,
                                FidgetSplit     *split)
{
  guint index;

  g_return_val_if_fail (self->computed, FALSE);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->group_by_key, group));
  if (index == 0)
    return FALSE;
  if (split != NULL)
    *split = self->group_split[index - 1];
  return TRUE;
}

guint
fidget_split_plan_get_split_items (FidgetSplitPlan *self,
                                   FidgetSplit      split)
{
  guint n = 0;

  g_return_val_if_fail (self->computed, 0);
  for (guint g = 0; g < self->groups->len; g++)
    if (self->group_split[g] == (int) split)
      n += ((Group *) g_ptr_array_index (self->groups, g))->n_items;
  return n;
}

guint
fidget_split_plan_get_split_groups (FidgetSplitPlan *self,
                                    FidgetSplit      split)
{
  guint n = 0;

  g_return_val_if_fail (self->computed, 0);
  for (guint g = 0; g < self->groups->len; g++)
    if (self->group_split[g] == (int) split)
      n++;
  return n;
}

double
fidget_split_plan_get_share (FidgetSplitPlan *self,
                             FidgetSplit      split)
{
  guint n = self->item_group->len;

  return n > 0 ? (double) fidget_split_plan_get_split_items (self, split) / n : 0.0;
}

double
fidget_split_plan_get_target_share (FidgetSplitPlan *self,
                                    FidgetSplit      split)
{
  g_return_val_if_fail (self->computed, 0.0);
  return self->target[split];
}

guint
fidget_split_plan_get_count (FidgetSplitPlan  *self,
                             int               split,
                             FidgetSplitLevel  level,
                             guint             cls)
{
  GArray *labels = level == FIDGET_SPLIT_LEVEL_ACTION ? self->item_action : self->item_body;
  guint n = 0;

  g_return_val_if_fail (split < 0 || self->computed, 0);

  for (guint i = 0; i < labels->len; i++)
    if (g_array_index (labels, guint, i) == cls &&
        (split < 0 ||
         self->group_split[g_array_index (self->item_group, guint, i)] == split))
      n++;
  return n;
}

/* Counts per class in @split (or all, -1) into @counts (n_classes long). */
static guint
class_counts (FidgetSplitPlan  *self,
              int               split,
              FidgetSplitLevel  level,
              guint            *counts)
{
  GArray *labels = level == FIDGET_SPLIT_LEVEL_ACTION ? self->item_action : self->item_body;
  guint n = 0;

  for (guint i = 0; i < labels->len; i++)
    if (split < 0 || self->group_split[g_array_index (self->item_group, guint, i)] == split)
      {
        counts[g_array_index (labels, guint, i)]++;
        n++;
      }
  return n;
}

double
fidget_split_plan_get_distance (FidgetSplitPlan  *self,
                                FidgetSplit       split,
                                FidgetSplitLevel  level)
{
  guint n_classes = level == FIDGET_SPLIT_LEVEL_ACTION ? self->n_actions : self->n_body_parts;
  g_autofree guint *all = g_new0 (guint, n_classes);
  g_autofree guint *part = g_new0 (guint, n_classes);
  guint n_all, n_part;
  double sum = 0.0;

  g_return_val_if_fail (self->computed, 0.0);

  n_all = class_counts (self, -1, level, all);
  n_part = class_counts (self, split, level, part);
  if (n_all == 0 || n_part == 0)
    return n_part == n_all ? 0.0 : 1.0;
  for (guint c = 0; c < n_classes; c++)
    sum += ABS ((double) part[c] / n_part - (double) all[c] / n_all);
  return sum / 2.0;
}

guint
fidget_split_plan_get_n_missing (FidgetSplitPlan  *self,
                                 FidgetSplit       split,
                                 FidgetSplitLevel  level)
{
  guint n_classes = level == FIDGET_SPLIT_LEVEL_ACTION ? self->n_actions : self->n_body_parts;
  g_autofree guint *all = g_new0 (guint, n_classes);
  g_autofree guint *part = g_new0 (guint, n_classes);
  guint n = 0;

  g_return_val_if_fail (self->computed, 0);

  class_counts (self, -1, level, all);
  class_counts (self, split, level, part);
  for (guint c = 0; c < n_classes; c++)
    if (all[c] > 0 && part[c] == 0)
      n++;
  return n;
}

/* }}} */
