/* fidget-agreement.c: matching segments across people, and agreement between them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "fidget-agreement.h"
#include "fidget-error.h"
#include "fidget-project-private.h"

/* {{{ Matching */

static inline gint64
overlap (gint64 a_start,
         gint64 a_end,
         gint64 b_start,
         gint64 b_end)
{
  gint64 lo = MAX (a_start, b_start);
  gint64 hi = MIN (a_end, b_end);

  return hi > lo ? hi - lo : 0;
}

double
fidget_tiou (gint64 a_start,
             gint64 a_end,
             gint64 b_start,
             gint64 b_end)
{
  gint64 inter, uni;

  if (a_end <= a_start || b_end <= b_start)
    return 0.0;
  inter = overlap (a_start, a_end, b_start, b_end);
  uni = (a_end - a_start) + (b_end - b_start) - inter;
  return (double) inter / (double) uni;
}

/* tIoU >= 0.5 in integers: inter / union >= 1/2, with no rounding at the threshold. */
static inline gboolean
matches (const FidgetInterval *x,
         const FidgetInterval *y)
{
  gint64 inter = overlap (x->start_frame, x->end_frame, y->start_frame, y->end_frame);
  gint64 uni = (x->end_frame - x->start_frame) + (y->end_frame - y->start_frame) - inter;

  return inter > 0 && 2 * inter >= uni;
}

typedef struct
{
  guint  i;          /* i < j, item indices */
  guint  j;
  gint64 inter;
  gint64 uni;
} Edge;

/* Highest tIoU first, compared as exact fractions; then by indices, so the result never
 * depends on the sort's whims. */
static int
compare_edges (const void *pa,
               const void *pb)
{
  const Edge *a = pa, *b = pb;
  /* a.inter/a.uni > b.inter/b.uni  <=>  a.inter * b.uni > b.inter * a.uni (frames fit). */
  gint64 lhs = a->inter * b->uni;
  gint64 rhs = b->inter * a->uni;

  if (lhs != rhs)
    return lhs > rhs ? -1 : 1;
  if (a->i != b->i)
    return a->i < b->i ? -1 : 1;
  if (a->j != b->j)
    return a->j < b->j ? -1 : 1;
  return 0;
}

typedef struct
{
  const FidgetInterval *items;
  guint                 n;
  guint                *order;   /* item indices sorted by start */
} Sweep;

static int
compare_by_start (const void *pa,
                  const void *pb,
                  void       *user_data)
{
  const FidgetInterval *items = user_data;
  const FidgetInterval *a = &items[*(const guint *) pa];
  const FidgetInterval *b = &items[*(const guint *) pb];

  if (a->start_frame != b->start_frame)
    return a->start_frame < b->start_frame ? -1 : 1;
  if (a->end_frame != b->end_frame)
    return a->end_frame < b->end_frame ? -1 : 1;
  return *(const guint *) pa < *(const guint *) pb ? -1 : (*(const guint *) pa > *(const guint *) pb);
}

static guint
find_root (guint *parent,
           guint  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

guint
fidget_group_intervals (const FidgetInterval *items,
                        guint                 n_items,
                        guint                *group_of)
{
  g_autofree guint *order = NULL;
  g_autofree guint *parent = NULL;
  g_autofree guint *next = NULL;     /* members of a group as a list from its root */
  g_autofree guint *tail = NULL;
  g_autofree guint64 *mask = NULL;   /* raters in the group, at its root */
  g_autofree guint *number = NULL;
  g_autoptr(GArray) edges = NULL;
  guint n_groups = 0;

  if (n_items == 0)
    return 0;
  g_return_val_if_fail (items != NULL && group_of != NULL, 0);

  order = g_new (guint, n_items);
  parent = g_new (guint, n_items);
  next = g_new (guint, n_items);
  tail = g_new (guint, n_items);
  mask = g_new (guint64, n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_return_val_if_fail (items[i].rater < FIDGET_MAX_RATERS, 0);
      order[i] = i;
      parent[i] = i;
      next[i] = G_MAXUINT;
      tail[i] = i;
      mask[i] = G_GUINT64_CONSTANT (1) << items[i].rater;
    }
  g_qsort_with_data (order, n_items, sizeof (guint), compare_by_start, (gpointer) items);

  /* Only overlapping spans can reach a tIoU of 0.5: a sweep over the starts finds them. */
  edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  for (guint p = 0; p < n_items; p++)
    {
      const FidgetInterval *x = &items[order[p]];

      for (guint q = p + 1; q < n_items; q++)
        {
          const FidgetInterval *y = &items[order[q]];
          Edge edge;

          if (y->start_frame >= x->end_frame)
            break;
          if (x->rater == y->rater || !matches (x, y))
            continue;
          edge.i = MIN (order[p], order[q]);
          edge.j = MAX (order[p], order[q]);
          edge.inter = overlap (x->start_frame, x->end_frame, y->start_frame, y->end_frame);
          edge.uni = (x->end_frame - x->start_frame) + (y->end_frame - y->start_frame) - edge.inter;
          g_array_append_val (edges, edge);
        }
    }
  if (edges->len > 1)
    qsort (edges->data, edges->len, sizeof (Edge), compare_edges);

  for (guint e = 0; e < edges->len; e++)
    {
      const Edge *edge = &g_array_index (edges, Edge, e);
      guint ri = find_root (parent, edge->i);
      guint rj = find_root (parent, edge->j);
      gboolean all_match = TRUE;

      if (ri == rj || (mask[ri] & mask[rj]) != 0)
        continue;
      /* Every two members must match, not only the two this edge joins. */
      for (guint x = ri; x != G_MAXUINT && all_match; x = next[x])
        for (guint y = rj; y != G_MAXUINT && all_match; y = next[y])
          all_match = matches (&items[x], &items[y]);
      if (!all_match)
        continue;

      parent[rj] = ri;
      mask[ri] |= mask[rj];
      next[tail[ri]] = rj;
      tail[ri] = tail[rj];
    }

  number = g_new (guint, n_items);
  for (guint i = 0; i < n_items; i++)
    number[i] = G_MAXUINT;
  for (guint p = 0; p < n_items; p++)
    {
      guint root = find_root (parent, order[p]);

      if (number[root] == G_MAXUINT)
        number[root] = n_groups++;
      group_of[order[p]] = number[root];
    }
  return n_groups;
}

static int
compare_matches (const void *pa,
                 const void *pb)
{
  const FidgetMatch *a = pa, *b = pb;

  return (a->a > b->a) - (a->a < b->a);
}

guint
fidget_match_intervals (const FidgetInterval *a,
                        guint                 n_a,
                        const FidgetInterval *b,
                        guint                 n_b,
                        FidgetMatch          *out)
{
  g_autofree FidgetInterval *items = NULL;
  g_autofree guint *group_of = NULL;
  g_autofree guint *first = NULL;
  guint n_groups, n_matches = 0;

  if (n_a == 0 || n_b == 0)
    return 0;

  /* The same greedy rule as the groups, with two raters: @a's items first, so equal tIoUs go
   * to the earlier index of @a, then of @b. */
  items = g_new (FidgetInterval, n_a + n_b);
  for (guint i = 0; i < n_a; i++)
    {
      items[i] = a[i];
      items[i].rater = 0;
    }
  for (guint j = 0; j < n_b; j++)
    {
      items[n_a + j] = b[j];
      items[n_a + j].rater = 1;
    }
  group_of = g_new (guint, n_a + n_b);
  n_groups = fidget_group_intervals (items, n_a + n_b, group_of);

  first = g_new (guint, n_groups);
  for (guint g = 0; g < n_groups; g++)
    first[g] = G_MAXUINT;
  for (guint i = 0; i < n_a; i++)
    first[group_of[i]] = i;
  for (guint j = 0; j < n_b; j++)
    {
      guint i = first[group_of[n_a + j]];

      if (i != G_MAXUINT)
        {
          out[n_matches].a = i;
          out[n_matches].b = j;
          n_matches++;
        }
    }

  /* Ordered by @a's index. */
  qsort (out, n_matches, sizeof (FidgetMatch), compare_matches);
  return n_matches;
}

/* }}} */
/* {{{ Kappas on tables */

static double
kappa_of (const guint64 *m,
          guint          stride,
          guint          n)
{
  g_autofree double *rows = g_new0 (double, MAX (n, 1));
  g_autofree double *cols = g_new0 (double, MAX (n, 1));
  double total = 0, diag = 0, po, pe = 0;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        double v = (double) m[i * stride + j];

        total += v;
        rows[i] += v;
        cols[j] += v;
        if (i == j)
          diag += v;
      }
  if (total <= 0)
    return NAN;
  po = diag / total;
  for (guint k = 0; k < n; k++)
    pe += (rows[k] / total) * (cols[k] / total);
  /* Everyone always in one category: chance explains all, kappa says nothing. */
  if (pe >= 1.0 - 1e-12)
    return NAN;
  return (po - pe) / (1.0 - pe);
}

double
fidget_cohen_kappa (const guint64 *confusion,
                    guint          n)
{
  g_return_val_if_fail (confusion != NULL || n == 0, NAN);
  return kappa_of (confusion, n, n);
}

double
fidget_cohen_kappa_without_last (const guint64 *confusion,
                                 guint          n)
{
  g_return_val_if_fail (n >= 1, NAN);
  return kappa_of (confusion, n, n - 1);
}

double
fidget_cohen_kappa_binary (const guint64 *table)
{
  /* { both, first only, second only, neither } as a 2 x 2 matrix. */
  guint64 m[4] = { table[0], table[1], table[2], table[3] };

  return kappa_of (m, 2, 2);
}

double
fidget_cohen_kappa_category (const guint64 *confusion,
                             guint          n,
                             guint          category)
{
  guint64 row = 0, col = 0, total = 0, both, table[4];

  g_return_val_if_fail (category < n, NAN);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        guint64 v = confusion[i * n + j];

        total += v;
        if (i == category)
          row += v;
        if (j == category)
          col += v;
      }
  both = confusion[category * n + category];
  table[0] = both;
  table[1] = row - both;
  table[2] = col - both;
  table[3] = total - row - col + both;
  return fidget_cohen_kappa_binary (table);
}

struct _FidgetFleiss
{
  guint    n_categories;
  guint64  n_units;
  guint64  n_ratings;
  double   sum_agreement;   /* sum over units of P_i */
  guint64 *totals;          /* ratings per category */
  double  *disagreement;    /* per category: sum over units of n_ij (n_i - n_ij) / (n_i (n_i - 1)) */
};

FidgetFleiss *
fidget_fleiss_new (guint n_categories)
{
  FidgetFleiss *self = g_new0 (FidgetFleiss, 1);

  self->n_categories = n_categories;
  self->totals = g_new0 (guint64, MAX (n_categories, 1));
  self->disagreement = g_new0 (double, MAX (n_categories, 1));
  return self;
}

void
fidget_fleiss_free (FidgetFleiss *self)
{
  if (self == NULL)
    return;
  g_free (self->totals);
  g_free (self->disagreement);
  g_free (self);
}

void
fidget_fleiss_add_counts (FidgetFleiss *self,
                          const guint  *counts)
{
  guint64 n = 0, squares = 0;
  double pairs;

  g_return_if_fail (self != NULL && counts != NULL);

  for (guint j = 0; j < self->n_categories; j++)
    {
      n += counts[j];
      squares += (guint64) counts[j] * counts[j];
    }
  if (n < 2)
    return;
  pairs = (double) n * (double) (n - 1);
  self->n_units++;
  self->n_ratings += n;
  self->sum_agreement += (double) (squares - n) / pairs;
  for (guint j = 0; j < self->n_categories; j++)
    if (counts[j] > 0)
      {
        self->totals[j] += counts[j];
        self->disagreement[j] += (double) counts[j] * (double) (n - counts[j]) / pairs;
      }
}

void
fidget_fleiss_add_ratings (FidgetFleiss *self,
                           const int    *labels,
                           guint         n_ratings)
{
  guint64 squares = 0;
  double pairs;

  g_return_if_fail (self != NULL && (labels != NULL || n_ratings == 0));

  if (n_ratings < 2)
    return;
  pairs = (double) n_ratings * (double) (n_ratings - 1);

  /* Few ratings per unit (one per rater): counting pairwise beats a table of categories. */
  for (guint i = 0; i < n_ratings; i++)
    {
      guint count = 0;
      gboolean first = TRUE;

      g_return_if_fail (labels[i] >= 0 && (guint) labels[i] < self->n_categories);
      for (guint k = 0; k < n_ratings; k++)
        if (labels[k] == labels[i])
          {
            if (k < i)
              first = FALSE;
            count++;
          }
      if (!first)
        continue;
      squares += (guint64) count * count;
      self->totals[labels[i]] += count;
      self->disagreement[labels[i]] += (double) count * (double) (n_ratings - count) / pairs;
    }
  self->n_units++;
  self->n_ratings += n_ratings;
  self->sum_agreement += (double) (squares - n_ratings) / pairs;
}

guint64
fidget_fleiss_get_n_units (FidgetFleiss *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_units;
}

void
fidget_fleiss_get_agreement (FidgetFleiss *self,
                             double       *observed,
                             double       *expected)
{
  double pe = 0;

  g_return_if_fail (self != NULL);

  for (guint j = 0; self->n_ratings > 0 && j < self->n_categories; j++)
    {
      double p = (double) self->totals[j] / (double) self->n_ratings;
      pe += p * p;
    }
  if (observed != NULL)
    *observed = self->n_units > 0 ? self->sum_agreement / (double) self->n_units : NAN;
  if (expected != NULL)
    *expected = self->n_ratings > 0 ? pe : NAN;
}

double
fidget_fleiss_kappa (FidgetFleiss *self)
{
  double observed, expected;

  g_return_val_if_fail (self != NULL, NAN);

  if (self->n_units == 0)
    return NAN;
  fidget_fleiss_get_agreement (self, &observed, &expected);
  if (expected >= 1.0 - 1e-12)
    return NAN;
  return (observed - expected) / (1.0 - expected);
}

double
fidget_fleiss_category_kappa (FidgetFleiss *self,
                              guint         category)
{
  double p, expected, observed;

  g_return_val_if_fail (self != NULL && category < self->n_categories, NAN);

  if (self->n_units == 0)
    return NAN;
  /* Fleiss' kappa of the table collapsed to "this category" and "any other". */
  p = (double) self->totals[category] / (double) self->n_ratings;
  expected = p * p + (1.0 - p) * (1.0 - p);
  observed = 1.0 - 2.0 * self->disagreement[category] / (double) self->n_units;
  if (expected >= 1.0 - 1e-12)
    return NAN;
  return (observed - expected) / (1.0 - expected);
}

/* }}} */
/* {{{ Agreement of spans */

void
fidget_agreement_add_events (const FidgetInterval *a,
                             guint                 n_a,
                             const FidgetInterval *b,
                             guint                 n_b,
                             guint                 n_categories,
                             guint64              *confusion,
                             guint                *n_matched,
                             guint                *n_unmatched)
{
  g_autofree FidgetMatch *matched = g_new (FidgetMatch, MAX (1, MIN (n_a, n_b)));
  g_autofree gboolean *a_used = g_new0 (gboolean, MAX (n_a, 1));
  g_autofree gboolean *b_used = g_new0 (gboolean, MAX (n_b, 1));
  guint stride = n_categories + 1;
  guint n, unmatched = 0;

  g_return_if_fail (confusion != NULL);

  n = fidget_match_intervals (a, n_a, b, n_b, matched);
  for (guint k = 0; k < n; k++)
    {
      a_used[matched[k].a] = TRUE;
      b_used[matched[k].b] = TRUE;
      confusion[(guint) a[matched[k].a].label * stride + (guint) b[matched[k].b].label]++;
    }
  for (guint i = 0; i < n_a; i++)
    if (!a_used[i])
      {
        confusion[(guint) a[i].label * stride + n_categories]++;
        unmatched++;
      }
  for (guint j = 0; j < n_b; j++)
    if (!b_used[j])
      {
        confusion[n_categories * stride + (guint) b[j].label]++;
        unmatched++;
      }
  if (n_matched != NULL)
    *n_matched += n;
  if (n_unmatched != NULL)
    *n_unmatched += unmatched;
}

static int
compare_for_painting (const void *pa,
                      const void *pb)
{
  const FidgetInterval *a = *(const FidgetInterval * const *) pa;
  const FidgetInterval *b = *(const FidgetInterval * const *) pb;

  if (a->start_frame != b->start_frame)
    return a->start_frame < b->start_frame ? -1 : 1;
  /* Equal starts: the lower category is painted last, so it shows. */
  return (a->label < b->label) - (a->label > b->label);
}

void
fidget_agreement_paint_frames (const FidgetInterval *spans,
                               guint                 n_spans,
                               gint64                n_frames,
                               guint                 n_categories,
                               int                  *frames)
{
  g_autofree const FidgetInterval **order = g_new (const FidgetInterval *, MAX (n_spans, 1));

  for (gint64 f = 0; f < n_frames; f++)
    frames[f] = (int) n_categories;
  for (guint i = 0; i < n_spans; i++)
    order[i] = &spans[i];
  qsort (order, n_spans, sizeof *order, compare_for_painting);
  for (guint i = 0; i < n_spans; i++)
    {
      gint64 start = MAX (order[i]->start_frame, 0);
      gint64 end = MIN (order[i]->end_frame, n_frames);

      for (gint64 f = start; f < end; f++)
        frames[f] = order[i]->label;
    }
}

void
fidget_agreement_add_frames (const FidgetInterval *a,
                             guint                 n_a,
                             const FidgetInterval *b,
                             guint                 n_b,
                             gint64                n_frames,
                             guint                 n_categories,
                             guint64              *confusion)
{
  g_autofree int *fa = NULL;
  g_autofree int *fb = NULL;
  guint stride = n_categories + 1;

  if (n_frames <= 0)
    return;
  fa = g_new (int, n_frames);
  fb = g_new (int, n_frames);
  fidget_agreement_paint_frames (a, n_a, n_frames, n_categories, fa);
  fidget_agreement_paint_frames (b, n_b, n_frames, n_categories, fb);
  for (gint64 f = 0; f < n_frames; f++)
    confusion[(guint) fa[f] * stride + (guint) fb[f]]++;
}

typedef struct
{
  guint  cls;
  gint64 start;
  gint64 end;
} ClassSpan;

static int
compare_class_spans (const void *pa,
                     const void *pb)
{
  const ClassSpan *a = pa, *b = pb;

  if (a->cls != b->cls)
    return a->cls < b->cls ? -1 : 1;
  return (a->start > b->start) - (a->start < b->start);
}

/* A rater's spans as the union covered by each class: sorted by class, then disjoint in time. */
static GArray *
class_unions (const FidgetInterval *spans,
              guint                 n,
              gint64                n_frames,
              const guint          *class_of)
{
  GArray *merged = g_array_sized_new (FALSE, FALSE, sizeof (ClassSpan), n);
  g_autofree ClassSpan *all = g_new (ClassSpan, MAX (n, 1));
  guint m = 0;

  for (guint i = 0; i < n; i++)
    {
      gint64 start = MAX (spans[i].start_frame, 0);
      gint64 end = MIN (spans[i].end_frame, n_frames);

      if (end <= start)
        continue;
      all[m].cls = class_of != NULL ? class_of[spans[i].label] : (guint) spans[i].label;
      all[m].start = start;
      all[m].end = end;
      m++;
    }
  qsort (all, m, sizeof (ClassSpan), compare_class_spans);
  for (guint i = 0; i < m; i++)
    {
      ClassSpan *last = merged->len > 0 ? &g_array_index (merged, ClassSpan, merged->len - 1)
                                        : NULL;

      if (last != NULL && last->cls == all[i].cls && all[i].start <= last->end)
        last->end = MAX (last->end, all[i].end);
      else
        g_array_append_val (merged, all[i]);
    }
  return merged;
}

void
fidget_agreement_add_class_frames (const FidgetInterval *a,
                                   guint                 n_a,
                                   const FidgetInterval *b,
                                   guint                 n_b,
                                   gint64                n_frames,
                                   const guint          *class_of,
                                   guint                 n_classes,
                                   guint64              *tables)
{
  g_autoptr(GArray) ua = class_unions (a, n_a, n_frames, class_of);
  g_autoptr(GArray) ub = class_unions (b, n_b, n_frames, class_of);
  guint ia = 0, ib = 0;

  for (guint c = 0; c < n_classes; c++)
    {
      guint a0 = ia, b0 = ib, pa, pb;
      gint64 cover_a = 0, cover_b = 0, both = 0;

      for (; ia < ua->len && g_array_index (ua, ClassSpan, ia).cls == c; ia++)
        cover_a += g_array_index (ua, ClassSpan, ia).end - g_array_index (ua, ClassSpan, ia).start;
      for (; ib < ub->len && g_array_index (ub, ClassSpan, ib).cls == c; ib++)
        cover_b += g_array_index (ub, ClassSpan, ib).end - g_array_index (ub, ClassSpan, ib).start;

      /* Both unions are disjoint and sorted: one walk finds their intersection. */
      pa = a0;
      pb = b0;
      while (pa < ia && pb < ib)
        {
          const ClassSpan *x = &g_array_index (ua, ClassSpan, pa);
          const ClassSpan *y = &g_array_index (ub, ClassSpan, pb);
          gint64 lo = MAX (x->start, y->start), hi = MIN (x->end, y->end);

          if (hi > lo)
            both += hi - lo;
          if (x->end < y->end)
            pa++;
          else
            pb++;
        }
      tables[c * 4 + 0] += (guint64) both;
      tables[c * 4 + 1] += (guint64) (cover_a - both);
      tables[c * 4 + 2] += (guint64) (cover_b - both);
      tables[c * 4 + 3] += (guint64) (n_frames - cover_a - cover_b + both);
    }
}

void
fidget_agreement_add_event_units (FidgetFleiss         *fleiss,
                                  const FidgetInterval *items,
                                  guint                 n_items,
                                  guint                 n_raters,
                                  guint                 n_categories,
                                  const guint          *class_of)
{
  g_autofree guint *group_of = NULL;
  g_autofree guint *first = NULL;
  g_autofree guint *next = NULL;
  g_autofree int *labels = NULL;
  guint n_groups;

  g_return_if_fail (fleiss != NULL);
  if (n_items == 0)
    return;

  group_of = g_new (guint, n_items);
  n_groups = fidget_group_intervals (items, n_items, group_of);
  first = g_new (guint, n_groups);
  next = g_new (guint, n_items);
  labels = g_new (int, n_raters);
  for (guint g = 0; g < n_groups; g++)
    first[g] = G_MAXUINT;
  for (guint i = n_items; i-- > 0;)
    {
      next[i] = first[group_of[i]];
      first[group_of[i]] = i;
    }

  for (guint g = 0; g < n_groups; g++)
    {
      guint n = 0;

      for (guint i = first[g]; i != G_MAXUINT; i = next[i])
        labels[n++] = class_of != NULL ? (int) class_of[items[i].label] : items[i].label;
      while (n < n_raters)
        labels[n++] = (int) n_categories;
      fidget_fleiss_add_ratings (fleiss, labels, n_raters);
    }
}

/* }}} */
/* {{{ A project's agreement */

typedef enum
{
  VIDEO_OPEN,       /* free, or being annotated */
  VIDEO_BLIND,      /* self-checked or cross-checking: the checkers' work is hidden */
  VIDEO_CHECKED,    /* the cross-check is over */
} VideoPhase;

typedef struct
{
  gint64      id;
  gint64      frame_count;
  VideoPhase  phase;
  gint64      primary_id;    /* 0 when free */
  GArray     *checker_ids;   /* gint64 */
  GHashTable *spans;         /* rater index -> GArray of FidgetInterval */
  GArray     *raters;        /* guint rater indices, sorted, filled by finish_video() */
} VideoSpans;

static void
video_spans_free (VideoSpans *video)
{
  g_clear_pointer (&video->checker_ids, g_array_unref);
  g_clear_pointer (&video->spans, g_hash_table_unref);
  g_clear_pointer (&video->raters, g_array_unref);
  g_free (video);
}

typedef struct
{
  guint       n_actions;
  guint       n_parts;
  guint      *part_of;       /* action index -> body part index */
  GPtrArray  *names;         /* rater index -> annotator name, sorted */
  GHashTable *rater_of;      /* annotator id -> rater index + 1 */
  GPtrArray  *videos;        /* VideoSpans, by id */
} Collected;

static void
collected_clear (Collected *c)
{
  g_clear_pointer (&c->part_of, g_free);
  g_clear_pointer (&c->names, g_ptr_array_unref);
  g_clear_pointer (&c->rater_of, g_hash_table_unref);
  g_clear_pointer (&c->videos, g_ptr_array_unref);
}

static gboolean
is_checker (VideoSpans *video,
            gint64      annotator_id)
{
  for (guint i = 0; i < video->checker_ids->len; i++)
    if (g_array_index (video->checker_ids, gint64, i) == annotator_id)
      return TRUE;
  return FALSE;
}

static guint
rater_of (Collected *c,
          gint64     annotator_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (c->rater_of, &annotator_id)) - 1;
}

static GArray *
spans_of (VideoSpans *video,
          guint       rater)
{
  GArray *spans = g_hash_table_lookup (video->spans, GUINT_TO_POINTER (rater));

  if (spans == NULL)
    {
      spans = g_array_new (FALSE, FALSE, sizeof (FidgetInterval));
      g_hash_table_insert (video->spans, GUINT_TO_POINTER (rater), spans);
    }
  return spans;
}

static int
compare_guint (const void *pa,
               const void *pb)
{
  guint a = *(const guint *) pa, b = *(const guint *) pb;

  return (a > b) - (a < b);
}

/* Who rated the video: see fidget_project_agreement(). */
static void
finish_video (Collected  *c,
              VideoSpans *video)
{
  GHashTableIter iter;
  gpointer key;

  video->raters = g_array_new (FALSE, FALSE, sizeof (guint));
  if (video->phase != VIDEO_OPEN && video->primary_id > 0)
    spans_of (video, rater_of (c, video->primary_id));
  if (video->phase == VIDEO_CHECKED)
    for (guint i = 0; i < video->checker_ids->len; i++)
      spans_of (video, rater_of (c, g_array_index (video->checker_ids, gint64, i)));
  g_hash_table_iter_init (&iter, video->spans);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint rater = GPOINTER_TO_UINT (key);
      g_array_append_val (video->raters, rater);
    }
  g_array_sort (video->raters, compare_guint);
}

/* Reads every rater's spans of one video (or all) in four queries. */
static gboolean
collect (FidgetProject  *project,
         gint64          video_id,
         Collected      *c,
         GError        **error)
{
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (project);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;
  int rc;

  if (video_id > 0)
    {
      g_autoptr(FidgetVideo) video = fidget_project_get_video (project, video_id, error);
      if (video == NULL)
        return FALSE;
    }

  c->n_actions = fidget_taxonomy_get_n_actions (taxonomy);
  c->n_parts = fidget_taxonomy_get_n_body_parts (taxonomy);
  c->part_of = g_new0 (guint, MAX (c->n_actions, 1));
  for (guint i = 0; i < c->n_actions; i++)
    c->part_of[i] = (guint) fidget_taxonomy_get_action (taxonomy, i)->body_part->index;
  c->names = g_ptr_array_new_with_free_func (g_free);
  c->rater_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  c->videos = g_ptr_array_new_with_free_func ((GDestroyNotify) video_spans_free);

  stmt = fidget_project_prepare (project, "SELECT id, name FROM annotator ORDER BY name, id",
                                 error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_ptr_array_add (c->names, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      g_hash_table_insert (c->rater_of, id, GUINT_TO_POINTER (c->names->len));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (project, error, rc, _("read the annotators"));
  if (c->names->len > FIDGET_MAX_RATERS)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Agreement is measured for at most %d annotators; the project has %u"),
                   FIDGET_MAX_RATERS, c->names->len);
      return FALSE;
    }

  stmt = fidget_project_prepare (project,
                                 "SELECT v.id, v.frame_count, r.state, r.primary_id "
                                 "FROM video v LEFT JOIN review r ON r.video_id = v.id "
                                 "WHERE ?1 = 0 OR v.id = ?1 ORDER BY v.id",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VideoSpans *video = g_new0 (VideoSpans, 1);
      const char *state = (const char *) sqlite3_column_text (stmt, 2);

      video->id = sqlite3_column_int64 (stmt, 0);
      video->frame_count = sqlite3_column_int64 (stmt, 1);
      video->primary_id = sqlite3_column_int64 (stmt, 3);
      if (state == NULL || g_str_equal (state, "annotating"))
        video->phase = VIDEO_OPEN;
      else if (g_str_equal (state, "self-checked") || g_str_equal (state, "cross-checking"))
        video->phase = VIDEO_BLIND;
      else
        video->phase = VIDEO_CHECKED;
      video->checker_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      video->spans = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
      g_ptr_array_add (c->videos, video);
      g_hash_table_insert (by_id, &video->id, video);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (project, error, rc, _("read the videos"));

  stmt = fidget_project_prepare (project,
                                 "SELECT video_id, annotator_id FROM review_checker "
                                 "WHERE ?1 = 0 OR video_id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 vid = sqlite3_column_int64 (stmt, 0);
      gint64 annotator = sqlite3_column_int64 (stmt, 1);
      VideoSpans *video = g_hash_table_lookup (by_id, &vid);

      if (video != NULL)
        g_array_append_val (video->checker_ids, annotator);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (project, error, rc, _("read the review"));

  /* Own segments, then the checkers' versions of the primary's (a rejection is none). */
  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 0)
        stmt = fidget_project_prepare (project,
                                       "SELECT video_id, annotator_id, start_frame, end_frame, "
                                       "  action_id FROM segment WHERE ?1 = 0 OR video_id = ?1",
                                       error);
      else
        stmt = fidget_project_prepare (project,
                                       "SELECT video_id, checker_id, start_frame, end_frame, "
                                       "  action_id FROM review_decision "
                                       "WHERE decision != 'reject' AND (?1 = 0 OR video_id = ?1)",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, video_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 vid = sqlite3_column_int64 (stmt, 0);
          gint64 annotator = sqlite3_column_int64 (stmt, 1);
          VideoSpans *video = g_hash_table_lookup (by_id, &vid);
          const FidgetAction *action =
            fidget_taxonomy_lookup_action_by_id (taxonomy, sqlite3_column_int64 (stmt, 4));
          FidgetInterval span;

          if (video == NULL || action == NULL)
            continue;
          if (video->phase == VIDEO_BLIND && is_checker (video, annotator))
            continue;
          span.start_frame = sqlite3_column_int64 (stmt, 2);
          span.end_frame = sqlite3_column_int64 (stmt, 3);
          span.label = action->index;
          span.rater = 0;
          g_array_append_val (spans_of (video, rater_of (c, annotator)), span);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return fidget_project_sqlite_error (project, error, rc, _("read the segments"));
    }

  for (guint i = 0; i < c->videos->len; i++)
    finish_video (c, g_ptr_array_index (c->videos, i));
  return TRUE;
}

typedef struct
{
  guint    videos;
  guint    matched;
  guint    unmatched;
  guint64 *events;       /* (n_actions + 1)^2 */
  guint64 *parts;        /* (n_parts + 1)^2 */
  guint64 *frames;       /* (n_actions + 1)^2 */
} PairAcc;

static void
pair_acc_free (PairAcc *acc)
{
  if (acc == NULL)
    return;
  g_free (acc->events);
  g_free (acc->parts);
  g_free (acc->frames);
  g_free (acc);
}

static void
class_free (FidgetAgreementClass *cls)
{
  g_free (cls->code);
  g_free (cls);
}

static void
pair_free (FidgetAgreementPair *pair)
{
  g_free (pair->a);
  g_free (pair->b);
  g_free (pair);
}

void
fidget_agreement_report_free (FidgetAgreementReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->raters, g_ptr_array_unref);
  g_clear_pointer (&report->pairs, g_ptr_array_unref);
  g_clear_pointer (&report->body_parts, g_ptr_array_unref);
  g_clear_pointer (&report->actions, g_ptr_array_unref);
  g_free (report);
}

/* A rater's spans on a video, with the rater set for grouping. */
static GArray *
video_rater_spans (VideoSpans *video,
                   guint       rater)
{
  return g_hash_table_lookup (video->spans, GUINT_TO_POINTER (rater));
}

FidgetAgreementReport *
fidget_project_agreement (FidgetProject  *project,
                          gint64          video_id,
                          GError        **error)
{
  FidgetTaxonomy *taxonomy;
  g_autoptr(FidgetAgreementReport) report = NULL;
  g_autoptr(FidgetFleiss) fleiss_events = NULL;
  g_autoptr(FidgetFleiss) fleiss_parts = NULL;
  g_autoptr(FidgetFleiss) fleiss_frames = NULL;
  g_autofree PairAcc **pairs = NULL;
  g_autofree guint64 *pooled_events = NULL;
  g_autofree guint64 *pooled_parts = NULL;
  g_autofree guint64 *action_frames = NULL;
  g_autofree guint64 *part_frames = NULL;
  g_autofree guint *action_segments = NULL;
  g_autofree guint *part_segments = NULL;
  Collected c = { 0 };
  guint n_raters, na, np;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!collect (project, video_id, &c, error))
    {
      collected_clear (&c);
      return NULL;
    }
  taxonomy = fidget_project_get_taxonomy (project);
  n_raters = c.names->len;
  na = c.n_actions;
  np = c.n_parts;

  report = g_new0 (FidgetAgreementReport, 1);
  report->raters = g_ptr_array_new_with_free_func (g_free);
  report->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  report->body_parts = g_ptr_array_new_with_free_func ((GDestroyNotify) class_free);
  report->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) class_free);

  pairs = g_new0 (PairAcc *, MAX (n_raters * n_raters, 1));
  pooled_events = g_new0 (guint64, (na + 1) * (na + 1));
  pooled_parts = g_new0 (guint64, (np + 1) * (np + 1));
  action_frames = g_new0 (guint64, MAX (na, 1) * 4);
  part_frames = g_new0 (guint64, MAX (np, 1) * 4);
  action_segments = g_new0 (guint, MAX (na, 1));
  part_segments = g_new0 (guint, MAX (np, 1));
  fleiss_events = fidget_fleiss_new (na + 1);
  fleiss_parts = fidget_fleiss_new (np + 1);
  fleiss_frames = fidget_fleiss_new (na + 1);

  for (guint v = 0; v < c.videos->len; v++)
    {
      VideoSpans *video = g_ptr_array_index (c.videos, v);
      guint nr = video->raters->len;

      if (nr < 2)
        continue;
      report->videos++;

      for (guint r = 0; r < nr; r++)
        {
          GArray *spans = video_rater_spans (video, g_array_index (video->raters, guint, r));

          for (guint k = 0; k < spans->len; k++)
            {
              guint label = (guint) g_array_index (spans, FidgetInterval, k).label;

              action_segments[label]++;
              part_segments[c.part_of[label]]++;
            }
        }

      for (guint r = 0; r < nr; r++)
        for (guint s = r + 1; s < nr; s++)
          {
            guint ra = g_array_index (video->raters, guint, r);
            guint rb = g_array_index (video->raters, guint, s);
            GArray *a = video_rater_spans (video, ra);
            GArray *b = video_rater_spans (video, rb);
            g_autofree FidgetInterval *pa = g_memdup2 (a->data, MAX (a->len, 1) * sizeof (FidgetInterval));
            g_autofree FidgetInterval *pb = g_memdup2 (b->data, MAX (b->len, 1) * sizeof (FidgetInterval));
            PairAcc *acc = pairs[ra * n_raters + rb];

            if (acc == NULL)
              {
                acc = pairs[ra * n_raters + rb] = g_new0 (PairAcc, 1);
                acc->events = g_new0 (guint64, (na + 1) * (na + 1));
                acc->parts = g_new0 (guint64, (np + 1) * (np + 1));
                acc->frames = g_new0 (guint64, (na + 1) * (na + 1));
              }
            acc->videos++;
            fidget_agreement_add_events (pa, a->len, pb, b->len, na, acc->events, &acc->matched,
                                         &acc->unmatched);
            fidget_agreement_add_frames (pa, a->len, pb, b->len, video->frame_count, na,
                                         acc->frames);
            fidget_agreement_add_class_frames (pa, a->len, pb, b->len, video->frame_count, NULL,
                                               na, action_frames);
            fidget_agreement_add_class_frames (pa, a->len, pb, b->len, video->frame_count,
                                               c.part_of, np, part_frames);
            /* The same spans, their actions taken to the body part. */
            for (guint k = 0; k < a->len; k++)
              pa[k].label = (int) c.part_of[pa[k].label];
            for (guint k = 0; k < b->len; k++)
              pb[k].label = (int) c.part_of[pb[k].label];
            fidget_agreement_add_events (pa, a->len, pb, b->len, np, acc->parts, NULL, NULL);
          }

      if (nr >= 3)
        {
          g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (FidgetInterval));
          g_autofree int *painted = NULL;
          g_autofree int *labels = g_new (int, nr);

          for (guint r = 0; r < nr; r++)
            {
              GArray *spans = video_rater_spans (video, g_array_index (video->raters, guint, r));

              for (guint k = 0; k < spans->len; k++)
                {
                  FidgetInterval item = g_array_index (spans, FidgetInterval, k);

                  item.rater = r;
                  g_array_append_val (items, item);
                }
            }
          fidget_agreement_add_event_units (fleiss_events, (FidgetInterval *) items->data,
                                            items->len, nr, na, NULL);
          fidget_agreement_add_event_units (fleiss_parts, (FidgetInterval *) items->data,
                                            items->len, nr, np, c.part_of);
          report->fleiss_videos++;

          if (video->frame_count > 0)
            {
              painted = g_new (int, (gsize) video->frame_count * nr);
              for (guint r = 0; r < nr; r++)
                {
                  GArray *spans = video_rater_spans (video, g_array_index (video->raters, guint, r));

                  fidget_agreement_paint_frames ((FidgetInterval *) spans->data, spans->len,
                                                 video->frame_count, na,
                                                 painted + (gsize) r * video->frame_count);
                }
              for (gint64 f = 0; f < video->frame_count; f++)
                {
                  for (guint r = 0; r < nr; r++)
                    labels[r] = painted[(gsize) r * video->frame_count + f];
                  fidget_fleiss_add_ratings (fleiss_frames, labels, nr);
                }
            }
        }
    }

  /* The raters compared: those of some pair. */
  for (guint i = 0; i < n_raters; i++)
    {
      gboolean compared = FALSE;

      for (guint j = 0; j < n_raters && !compared; j++)
        compared = pairs[i * n_raters + j] != NULL || pairs[j * n_raters + i] != NULL;
      if (compared)
        g_ptr_array_add (report->raters, g_strdup (g_ptr_array_index (c.names, i)));
    }

  for (guint ra = 0; ra < n_raters; ra++)
    for (guint rb = 0; rb < n_raters; rb++)
      {
        PairAcc *acc = pairs[ra * n_raters + rb];
        FidgetAgreementPair *pair;

        if (acc == NULL)
          continue;
        pair = g_new0 (FidgetAgreementPair, 1);
        pair->a = g_strdup (g_ptr_array_index (c.names, ra));
        pair->b = g_strdup (g_ptr_array_index (c.names, rb));
        pair->videos = acc->videos;
        pair->matched = acc->matched;
        pair->unmatched = acc->unmatched;
        pair->cohen_kappa = fidget_cohen_kappa (acc->events, na + 1);
        pair->cohen_kappa_matched = fidget_cohen_kappa_without_last (acc->events, na + 1);
        pair->body_part_kappa = fidget_cohen_kappa (acc->parts, np + 1);
        pair->time_slice_kappa = fidget_cohen_kappa (acc->frames, na + 1);
        g_ptr_array_add (report->pairs, pair);

        for (guint k = 0; k < (na + 1) * (na + 1); k++)
          pooled_events[k] += acc->events[k];
        for (guint k = 0; k < (np + 1) * (np + 1); k++)
          pooled_parts[k] += acc->parts[k];
        pair_acc_free (acc);
      }

  report->fleiss_units = fidget_fleiss_get_n_units (fleiss_events);
  report->fleiss_kappa = fidget_fleiss_kappa (fleiss_events);
  report->fleiss_time_slice_kappa = fidget_fleiss_kappa (fleiss_frames);

  for (guint p = 0; p < np; p++)
    {
      FidgetAgreementClass *cls = g_new0 (FidgetAgreementClass, 1);

      cls->code = g_strdup (fidget_taxonomy_get_body_part (taxonomy, p)->code);
      cls->segments = part_segments[p];
      cls->cohen_kappa = fidget_cohen_kappa_category (pooled_parts, np + 1, p);
      cls->fleiss_kappa = fidget_fleiss_category_kappa (fleiss_parts, p);
      cls->time_slice_kappa = fidget_cohen_kappa_binary (&part_frames[p * 4]);
      g_ptr_array_add (report->body_parts, cls);
    }
  for (guint i = 0; i < na; i++)
    {
      FidgetAgreementClass *cls;

      if (action_segments[i] == 0)
        continue;
      cls = g_new0 (FidgetAgreementClass, 1);
      cls->code = g_strdup (fidget_taxonomy_get_action (taxonomy, i)->code);
      cls->segments = action_segments[i];
      cls->cohen_kappa = fidget_cohen_kappa_category (pooled_events, na + 1, i);
      cls->fleiss_kappa = fidget_fleiss_category_kappa (fleiss_events, i);
      cls->time_slice_kappa = fidget_cohen_kappa_binary (&action_frames[i * 4]);
      g_ptr_array_add (report->actions, cls);
    }

  collected_clear (&c);
  return g_steal_pointer (&report);
}

void
fidget_confusion_free (FidgetConfusion *confusion)
{
  if (confusion == NULL)
    return;
  g_free (confusion->a);
  g_free (confusion->b);
  g_strfreev (confusion->labels);
  g_free (confusion->counts);
  g_free (confusion);
}

FidgetConfusion *
fidget_project_confusion (FidgetProject  *project,
                          gint64          video_id,
                          const char     *a,
                          const char     *b,
                          GError        **error)
{
  FidgetTaxonomy *taxonomy;
  g_autoptr(FidgetConfusion) confusion = NULL;
  g_autoptr(FidgetAnnotator) annotator_a = NULL;
  g_autoptr(FidgetAnnotator) annotator_b = NULL;
  g_autofree guint64 *full = NULL;
  g_autofree int *shown = NULL;
  Collected c = { 0 };
  guint ra, rb, na, n = 0, videos = 0;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!(annotator_a = fidget_project_lookup_annotator (project, a, error)) ||
      !(annotator_b = fidget_project_lookup_annotator (project, b, error)))
    return NULL;
  if (annotator_a->id == annotator_b->id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("A confusion needs two different annotators, not %s twice"),
                   annotator_a->name);
      return NULL;
    }
  if (!collect (project, video_id, &c, error))
    {
      collected_clear (&c);
      return NULL;
    }
  taxonomy = fidget_project_get_taxonomy (project);
  na = c.n_actions;
  ra = rater_of (&c, annotator_a->id);
  rb = rater_of (&c, annotator_b->id);
  full = g_new0 (guint64, (na + 1) * (na + 1));

  for (guint v = 0; v < c.videos->len; v++)
    {
      VideoSpans *video = g_ptr_array_index (c.videos, v);
      gboolean has_a = FALSE, has_b = FALSE;
      GArray *sa, *sb;

      for (guint r = 0; r < video->raters->len; r++)
        {
          has_a |= g_array_index (video->raters, guint, r) == ra;
          has_b |= g_array_index (video->raters, guint, r) == rb;
        }
      if (!has_a || !has_b)
        continue;
      sa = video_rater_spans (video, ra);
      sb = video_rater_spans (video, rb);
      fidget_agreement_add_events ((FidgetInterval *) sa->data, sa->len,
                                   (FidgetInterval *) sb->data, sb->len, na, full, NULL, NULL);
      videos++;
    }
  collected_clear (&c);
  if (videos == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("%s and %s have not both annotated any video%s"), annotator_a->name,
                   annotator_b->name, video_id > 0 ? _(" of those asked for") : "");
      return NULL;
    }

  /* Only the categories either used, in taxonomy order, then "none". */
  shown = g_new (int, na + 1);
  for (guint i = 0; i <= na; i++)
    {
      guint64 used = 0;

      for (guint j = 0; j <= na; j++)
        used += full[i * (na + 1) + j] + full[j * (na + 1) + i];
      if (used > 0 || i == na)
        shown[n++] = (int) i;
    }

  confusion = g_new0 (FidgetConfusion, 1);
  confusion->a = g_strdup (annotator_a->name);
  confusion->b = g_strdup (annotator_b->name);
  confusion->n = n;
  confusion->labels = g_new0 (char *, n + 1);
  confusion->counts = g_new0 (guint64, n * n);
  for (guint i = 0; i < n; i++)
    {
      confusion->labels[i] = (guint) shown[i] == na
                             ? g_strdup ("none")
                             : g_strdup (fidget_taxonomy_get_action (taxonomy, shown[i])->code);
      for (guint j = 0; j < n; j++)
        confusion->counts[i * n + j] = full[shown[i] * (na + 1) + shown[j]];
    }
  return g_steal_pointer (&confusion);
}

/* }}} */
