/* bench-splits.c: planning a split at MA-52 size
 *
 * 205 participants, 22,422 clips over 52 actions (participants of 36 to 219 clips, each with
 * habits of their own). Reports the time to plan a 2:1:1 split (median of 5 seeds), the worst
 * ratio error and the action distance of each split from the overall distribution.
 * A benchmark, not a test: it prints numbers and never fails on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "fidget-splits.h"

#define N_GROUPS 205
#define N_ITEMS 22422
#define N_ACTIONS 52

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FidgetSplitPlan) plan = fidget_split_plan_new (N_ACTIONS, 7);
  GRand *rand = g_rand_new_with_seed (52);
  double popularity[N_ACTIONS], total = 0.0;
  double ms[5];
  double worst_ratio = 0.0, distance[FIDGET_N_SPLITS] = { 0 };
  guint n = 0;

  for (guint a = 0; a < N_ACTIONS; a++)
    total += popularity[a] = 1.0 / (1.0 + a * 0.15) * (0.5 + g_rand_double (rand));
  for (guint g = 0; n < N_ITEMS; g = (g + 1) % N_GROUPS)
    {
      g_autofree char *key = g_strdup_printf ("P%04u", g + 1);
      guint favourite = (g * 17) % N_ACTIONS;
      guint action = 0;

      /* Group g gets a share of the clips that grows with g % 7. */
      if (g_rand_int_range (rand, 0, 7) > (int) (g % 7))
        continue;
      if (g_rand_double (rand) < 0.3)
        action = favourite;
      else
        {
          double u = g_rand_double (rand) * total;
          for (action = 0; action < N_ACTIONS - 1; action++)
            if ((u -= popularity[action]) <= 0.0)
              break;
        }
      fidget_split_plan_add_item (plan, key, action, action * 7 / N_ACTIONS);
      n++;
    }
  g_rand_free (rand);

  for (guint r = 0; r < G_N_ELEMENTS (ms); r++)
    {
      FidgetSplitParams params;
      gint64 t0;

      fidget_split_params_init (&params);
      params.seed = r;
      t0 = g_get_monotonic_time ();
      if (!fidget_split_plan_compute (plan, &params, NULL))
        g_error ("the split failed");
      ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
      for (guint s = 0; s < FIDGET_N_SPLITS; s++)
        {
          worst_ratio = MAX (worst_ratio, ABS (fidget_split_plan_get_share (plan, s) -
                                               fidget_split_plan_get_target_share (plan, s)));
          distance[s] += fidget_split_plan_get_distance (plan, s, FIDGET_SPLIT_LEVEL_ACTION) /
                         G_N_ELEMENTS (ms);
        }
    }
  qsort (ms, G_N_ELEMENTS (ms), sizeof (double), compare_double);

  g_print ("split plan, %u participants, %u clips, 2:1:1, 8 restarts: median %.0f ms "
           "(min %.0f, max %.0f)\n", fidget_split_plan_get_n_groups (plan),
           fidget_split_plan_get_n_items (plan), ms[2], ms[0], ms[4]);
  g_print ("worst ratio error %.4f; mean action distance (total variation) train %.4f, "
           "val %.4f, test %.4f\n", worst_ratio, distance[0], distance[1], distance[2]);
  g_print ("bench-splits: %.0f ms to plan an MA-52-sized split\n", ms[2]);
  return 0;
}
