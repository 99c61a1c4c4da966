/* test-splits.c: leakage-free, stratified, reproducible train/val/test splits
 *
 * Properties over many seeds on synthetic studies shaped like MA-52 (participants of very
 * different sizes, each with their own habits, a long-tailed action distribution).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fidget-error.h"
#include "fidget-splits.h"

#define N_ACTIONS 52
#define N_BODY_PARTS 7

/* The stated tolerance on the ratio: each split's share of the clips is within this of the
 * asked share, or within the share of the largest participant when one person alone is more
 * than that (no leakage-free split can do better than a whole person). */
#define RATIO_TOLERANCE 0.01

static guint
body_part_of (guint action)
{
  /* MA-52's layout: 5, 6, 13, 8, 6, 10, 4 actions per body part. */
  static const guint first[] = { 0, 5, 11, 24, 32, 38, 48, 52 };

  for (guint b = 0; b < N_BODY_PARTS; b++)
    if (action < first[b + 1])
      return b;
  g_assert_not_reached ();
}

typedef struct
{
  GPtrArray *group;    /* char * per item */
  GArray    *action;   /* guint per item */
  guint      n_groups;
  guint      largest;  /* items of the largest group */
} Study;

static void
study_free (Study *study)
{
  g_ptr_array_unref (study->group);
  g_array_unref (study->action);
  g_free (study);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Study, study_free)

/* @n_groups participants with about @mean_items clips each (from a third to twice that), a
 * long-tailed action popularity, and each participant favouring a few actions of their own. */
static Study *
study_new (guint32 seed,
           guint   n_groups,
           guint   mean_items)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Study *study = g_new0 (Study, 1);
  double popularity[N_ACTIONS];
  double total = 0.0;

  study->group = g_ptr_array_new_with_free_func (g_free);
  study->action = g_array_new (FALSE, FALSE, sizeof (guint));
  study->n_groups = n_groups;

  for (guint a = 0; a < N_ACTIONS; a++)
    {
      popularity[a] = 1.0 / (1.0 + a * 0.15) * (0.5 + g_rand_double (rand));
      total += popularity[a];
    }
  for (guint g = 0; g < n_groups; g++)
    {
      guint n = g_rand_int_range (rand, mean_items / 3, mean_items * 2 + 1);
      guint favourite[3];

      for (guint f = 0; f < 3; f++)
        favourite[f] = g_rand_int_range (rand, 0, N_ACTIONS);
      study->largest = MAX (study->largest, n);
      for (guint i = 0; i < n; i++)
        {
          guint action = 0;

          if (g_rand_double (rand) < 0.3)
            action = favourite[g_rand_int_range (rand, 0, 3)];
          else
            {
              double u = g_rand_double (rand) * total;

              for (action = 0; action < N_ACTIONS - 1; action++)
                if ((u -= popularity[action]) <= 0.0)
                  break;
            }
          g_ptr_array_add (study->group, g_strdup_printf ("P%04u", g + 1));
          g_array_append_val (study->action, action);
        }
    }
  return study;
}

/* The study's items in the given order (NULL: as made). */
static FidgetSplitPlan *
plan_for (Study       *study,
          const guint *order)
{
  FidgetSplitPlan *plan = fidget_split_plan_new (N_ACTIONS, N_BODY_PARTS);

  for (guint k = 0; k < study->group->len; k++)
    {
      guint i = order != NULL ? order[k] : k;
      guint action = g_array_index (study->action, guint, i);

      fidget_split_plan_add_item (plan, g_ptr_array_index (study->group, i), action,
                                  body_part_of (action));
    }
  return plan;
}

static char *
assignment_of (FidgetSplitPlan *plan,
               Study           *study)
{
  GString *out = g_string_new (NULL);

  for (guint g = 1; g <= study->n_groups; g++)
    {
      g_autofree char *key = g_strdup_printf ("P%04u", g);
      FidgetSplit split;

      g_assert_true (fidget_split_plan_lookup_group (plan, key, &split));
      g_string_append_c (out, "tvs"[split]);
    }
  return g_string_free (out, FALSE);
}

static void
compute (FidgetSplitPlan *plan,
         guint            train,
         guint            val,
         guint            test,
         guint64          seed)
{
  FidgetSplitParams params;
  g_autoptr(GError) error = NULL;

  fidget_split_params_init (&params);
  params.ratio[0] = train;
  params.ratio[1] = val;
  params.ratio[2] = test;
  params.seed = seed;
  g_assert_true (fidget_split_plan_compute (plan, &params, &error));
  g_assert_no_error (error);
}

/* No participant in two splits; every item in its participant's split. */
static void
assert_no_leak (FidgetSplitPlan *plan,
                Study           *study)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < study->group->len; i++)
    {
      const char *key = g_ptr_array_index (study->group, i);
      FidgetSplit split = fidget_split_plan_get_item_split (plan, i);
      gpointer previous;

      if (g_hash_table_lookup_extended (seen, key, NULL, &previous))
        g_assert_cmpint (GPOINTER_TO_INT (previous), ==, split);
      else
        g_hash_table_insert (seen, (gpointer) key, GINT_TO_POINTER (split));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, study->n_groups);
}

static double
assert_ratio (FidgetSplitPlan *plan,
              Study           *study)
{
  double tolerance = MAX (RATIO_TOLERANCE, (double) study->largest / study->group->len);
  double worst = 0.0;
  guint total = 0;

  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    {
      double error = ABS (fidget_split_plan_get_share (plan, s) -
                          fidget_split_plan_get_target_share (plan, s));

      worst = MAX (worst, error);
      if (error > tolerance)
        g_error ("split %s holds %.4f of the clips, asked %.4f (tolerance %.4f)",
                 fidget_split_to_string (s), fidget_split_plan_get_share (plan, s),
                 fidget_split_plan_get_target_share (plan, s), tolerance);
      total += fidget_split_plan_get_split_items (plan, s);
      if (fidget_split_plan_get_target_share (plan, s) > 0)
        g_assert_cmpuint (fidget_split_plan_get_split_groups (plan, s), >, 0);
      else
        g_assert_cmpuint (fidget_split_plan_get_split_items (plan, s), ==, 0);
    }
  g_assert_cmpuint (total, ==, study->group->len);
  return worst;
}

/* A baseline that ignores the actions: participants in a random order, filled up to the
 * ratio. What a careful person does by hand. */
static double
random_baseline_distance (Study  *study,
                          GRand  *rand)
{
  g_autofree guint *order = g_new (guint, study->n_groups);
  g_autofree int *split_of = g_new (int, study->n_groups);
  g_autofree guint *size = g_new0 (guint, study->n_groups);
  double distance = 0.0;
  guint filled = 0, s = 0;
  guint counts[FIDGET_N_SPLITS][N_ACTIONS] = { { 0 } };
  guint all[N_ACTIONS] = { 0 }, n[FIDGET_N_SPLITS] = { 0 };

  for (guint i = 0; i < study->group->len; i++)
    size[atoi ((char *) g_ptr_array_index (study->group, i) + 1) - 1]++;
  for (guint g = 0; g < study->n_groups; g++)
    order[g] = g;
  for (guint g = study->n_groups; g > 1; g--)
    {
      guint j = g_rand_int_range (rand, 0, g);
      guint t = order[g - 1];
      order[g - 1] = order[j];
      order[j] = t;
    }
  for (guint k = 0; k < study->n_groups; k++)
    {
      double bound = study->group->len * (s == 0 ? 0.5 : s == 1 ? 0.75 : 1.0);

      if (filled >= bound && s < 2)
        s++;
      split_of[order[k]] = s;
      filled += size[order[k]];
    }
  for (guint i = 0; i < study->group->len; i++)
    {
      int sp = split_of[atoi ((char *) g_ptr_array_index (study->group, i) + 1) - 1];
      guint a = g_array_index (study->action, guint, i);

      counts[sp][a]++;
      all[a]++;
      n[sp]++;
    }
  for (guint sp = 0; sp < FIDGET_N_SPLITS; sp++)
    {
      double sum = 0.0;

      for (guint a = 0; a < N_ACTIONS; a++)
        sum += ABS ((double) counts[sp][a] / MAX (n[sp], 1) - (double) all[a] / study->group->len);
      distance += sum / 2.0 / FIDGET_N_SPLITS;
    }
  return distance;
}

/* {{{ Properties over many seeds */

static void
test_properties (void)
{
  g_autoptr(GHashTable) assignments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double worst_ratio = 0.0, mean_distance = 0.0, mean_baseline = 0.0;
  guint n_runs = 0;

  for (guint study_seed = 1; study_seed <= 4; study_seed++)
    {
      g_autoptr(Study) study = study_new (study_seed, 40 + 10 * study_seed, 60);

      for (guint64 seed = 0; seed < 10; seed++)
        {
          g_autoptr(FidgetSplitPlan) plan = plan_for (study, NULL);
          double distance = 0.0;

          compute (plan, 2, 1, 1, seed * 7919 + study_seed);
          assert_no_leak (plan, study);
          worst_ratio = MAX (worst_ratio, assert_ratio (plan, study));
          for (guint s = 0; s < FIDGET_N_SPLITS; s++)
            distance += fidget_split_plan_get_distance (plan, s, FIDGET_SPLIT_LEVEL_ACTION) /
                        FIDGET_N_SPLITS;
          mean_distance += distance;
          mean_baseline += random_baseline_distance (study, rand);
          n_runs++;

          /* Different seeds, different plans. */
          {
            g_autofree char *assignment = assignment_of (plan, study);
            g_hash_table_add (assignments, g_strdup_printf ("%u:%s", study_seed, assignment));
          }
        }
    }
  mean_distance /= n_runs;
  mean_baseline /= n_runs;
  g_test_message ("%u runs: worst ratio error %.4f, mean action distance %.4f "
                  "(participants shuffled and filled by hand: %.4f), %u distinct plans",
                  n_runs, worst_ratio, mean_distance, mean_baseline,
                  g_hash_table_size (assignments));
  g_assert_cmpuint (g_hash_table_size (assignments), >=, n_runs * 9 / 10);
  /* Stratification that is worth its name: clearly closer to the overall distribution. */
  g_assert_cmpfloat (mean_distance, <, 0.7 * mean_baseline);
}

static void
test_reproducible (void)
{
  g_autoptr(Study) study = study_new (99, 60, 50);
  g_autoptr(FidgetSplitPlan) a = plan_for (study, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree guint *order = g_new (guint, study->group->len);
  g_autoptr(FidgetSplitPlan) b = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  compute (a, 2, 1, 1, 12345);
  first = assignment_of (a, study);
  compute (a, 2, 1, 1, 12345);
  second = assignment_of (a, study);
  g_assert_cmpstr (first, ==, second);

  /* The same items in another order give the same plan. */
  for (guint i = 0; i < study->group->len; i++)
    order[i] = i;
  for (guint i = study->group->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      guint t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
  b = plan_for (study, order);
  compute (b, 2, 1, 1, 12345);
  third = assignment_of (b, study);
  g_assert_cmpstr (first, ==, third);

  /* A 64-bit seed is used whole: seeds that differ only above bit 32 differ. */
  compute (a, 2, 1, 1, 12345 + (G_GUINT64_CONSTANT (1) << 40));
  g_free (second);
  second = assignment_of (a, study);
  g_assert_cmpstr (first, !=, second);
}

static void
test_other_ratios (void)
{
  g_autoptr(Study) study = study_new (5, 80, 40);
  const guint ratios[][3] = { { 8, 1, 1 }, { 3, 1, 0 }, { 1, 1, 1 }, { 0, 0, 1 }, { 7, 2, 1 } };

  for (guint r = 0; r < G_N_ELEMENTS (ratios); r++)
    {
      g_autoptr(FidgetSplitPlan) plan = plan_for (study, NULL);

      compute (plan, ratios[r][0], ratios[r][1], ratios[r][2], r);
      assert_no_leak (plan, study);
      assert_ratio (plan, study);
    }
}

/* Few, unequal participants: the ratio cannot be met, but every split still gets someone and
 * nothing leaks. */
static void
test_few_groups (void)
{
  g_autoptr(FidgetSplitPlan) plan = fidget_split_plan_new (N_ACTIONS, N_BODY_PARTS);
  const guint sizes[] = { 50, 3, 2 };
  g_autoptr(GError) error = NULL;
  FidgetSplitParams params;

  for (guint g = 0; g < G_N_ELEMENTS (sizes); g++)
    for (guint i = 0; i < sizes[g]; i++)
      {
        g_autofree char *key = g_strdup_printf ("P%u", g);
        fidget_split_plan_add_item (plan, key, i % N_ACTIONS, body_part_of (i % N_ACTIONS));
      }
  fidget_split_params_init (&params);
  g_assert_true (fidget_split_plan_compute (plan, &params, &error));
  g_assert_no_error (error);
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    g_assert_cmpuint (fidget_split_plan_get_split_groups (plan, s), ==, 1);
  g_assert_cmpuint (fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TRAIN), ==, 50);
}

/* }}} */
/* {{{ The report */

static void
test_report (void)
{
  g_autoptr(FidgetSplitPlan) plan = fidget_split_plan_new (4, 2);
  /* P1: two of action 0; P2: one of action 1; P3: one of action 0 and one of 3. */
  const struct { const char *group; guint action; } items[] = {
    { "P1", 0 }, { "P1", 0 }, { "P2", 1 }, { "P3", 0 }, { "P3", 3 },
  };
  FidgetSplitParams params;
  g_autoptr(GError) error = NULL;
  FidgetSplit split_p1, split_p3;
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    fidget_split_plan_add_item (plan, items[i].group, items[i].action, items[i].action / 2);
  g_assert_cmpuint (fidget_split_plan_get_n_items (plan), ==, 5);
  g_assert_cmpuint (fidget_split_plan_get_n_groups (plan), ==, 3);

  fidget_split_params_init (&params);
  params.ratio[0] = 1;
  params.ratio[1] = 1;
  params.ratio[2] = 1;
  g_assert_true (fidget_split_plan_compute (plan, &params, &error));

  g_assert_true (fidget_split_plan_lookup_group (plan, "P1", &split_p1));
  g_assert_true (fidget_split_plan_lookup_group (plan, "P3", &split_p3));
  g_assert_false (fidget_split_plan_lookup_group (plan, "P9", NULL));
  g_assert_cmpuint (fidget_split_plan_get_count (plan, -1, FIDGET_SPLIT_LEVEL_ACTION, 0), ==, 3);
  g_assert_cmpuint (fidget_split_plan_get_count (plan, -1, FIDGET_SPLIT_LEVEL_BODY_PART, 1), ==, 1);
  g_assert_cmpuint (fidget_split_plan_get_count (plan, split_p1, FIDGET_SPLIT_LEVEL_ACTION, 0), ==, 2);
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    total += fidget_split_plan_get_split_items (plan, s);
  g_assert_cmpuint (total, ==, 5);

  /* Overall actions: 0 3/5, 1 1/5, 3 1/5. P1's split holds only action 0:
   * TV = (|1 - 3/5| + 1/5 + 1/5) / 2 = 2/5; it misses actions 1 and 3. */
  g_assert_cmpfloat_with_epsilon (fidget_split_plan_get_distance (plan, split_p1,
                                                                  FIDGET_SPLIT_LEVEL_ACTION),
                                  0.4, 1e-12);
  g_assert_cmpuint (fidget_split_plan_get_n_missing (plan, split_p1, FIDGET_SPLIT_LEVEL_ACTION),
                    ==, 2);
  /* P3's split: 0 and 3 half each: TV = (|1/2 - 3/5| + 1/5 + |1/2 - 1/5|) / 2 = 0.3. */
  g_assert_cmpfloat_with_epsilon (fidget_split_plan_get_distance (plan, split_p3,
                                                                  FIDGET_SPLIT_LEVEL_ACTION),
                                  0.3, 1e-12);
  /* Body parts: 0 = actions 0-1 (4 of 5), 1 = actions 2-3 (1 of 5); P3 has one of each:
   * TV = (|1/2 - 4/5| + |1/2 - 1/5|) / 2 = 0.3. */
  g_assert_cmpfloat_with_epsilon (fidget_split_plan_get_distance (plan, split_p3,
                                                                  FIDGET_SPLIT_LEVEL_BODY_PART),
                                  0.3, 1e-12);
}

static void
test_refused (void)
{
  g_autoptr(FidgetSplitPlan) plan = fidget_split_plan_new (N_ACTIONS, N_BODY_PARTS);
  g_autoptr(GError) error = NULL;
  FidgetSplitParams params;
  guint ratio[3];
  const char *bad[] = { "2:1", "2:1:1:1", "a:1:1", "0:0:0", "-1:1:1", "2:1:1x", "", "1001:1:1" };

  fidget_split_params_init (&params);
  g_assert_false (fidget_split_plan_compute (plan, &params, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no segments to split"));
  g_clear_error (&error);

  fidget_split_plan_add_item (plan, "P1", 0, 0);
  fidget_split_plan_add_item (plan, "P2", 1, 0);
  g_assert_false (fidget_split_plan_compute (plan, &params, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "3 splits cannot be filled from 2 participant(s)"));
  g_clear_error (&error);

  /* With one split asked for less, two people are enough. */
  params.ratio[2] = 0;
  g_assert_true (fidget_split_plan_compute (plan, &params, &error));
  g_assert_no_error (error);

  g_assert_true (fidget_split_parse_ratio ("8:1:1", ratio, &error));
  g_assert_cmpuint (ratio[0], ==, 8);
  g_assert_cmpuint (ratio[2], ==, 1);
  g_assert_true (fidget_split_parse_ratio ("3:1:0", ratio, &error));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (fidget_split_parse_ratio (bad[i], ratio, &error));
      g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "(e.g. 2:1:1)"));
      g_clear_error (&error);
    }
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/splits/properties", test_properties);
  g_test_add_func ("/splits/reproducible", test_reproducible);
  g_test_add_func ("/splits/other-ratios", test_other_ratios);
  g_test_add_func ("/splits/few-groups", test_few_groups);
  g_test_add_func ("/splits/report", test_report);
  g_test_add_func ("/splits/refused", test_refused);

  return g_test_run ();
}
