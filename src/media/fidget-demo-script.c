/* fidget-demo-script.c: the scripted micro-actions of the synthetic demo interviews
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-demo.h"

/* The scripts are ground truth for later tests (motion detection, pre-labels, agreement), so
 * everything here is a pure function of fixed seeds: the same build always gives the same set. */
#define DEMO_DECK_SEED        0x46494447u  /* "FIDG" */
#define DEMO_PARTICIPANT_SEED 0x44454d4fu  /* "DEMO" */

#define DEMO_WIDTH   640
#define DEMO_HEIGHT  360
#define DEMO_FPS     30

/* Stillness the scripts keep: around every move, and at both ends of a video. */
#define DEMO_MIN_GAP     30
#define DEMO_EDGE_FRAMES DEMO_FPS
#define DEMO_MIN_MOVE    15
#define DEMO_MAX_MOVE    90

typedef struct
{
  const char *code;
  int         min_frames;
  int         max_frames;
} DemoActionRange;

/* Every code the renderer draws, with the lengths that suit the motion it draws for it (a nod
 * is short, crossing the arms needs time to get there, stay and come back). */
static const DemoActionRange action_ranges[] = {
  { "B1", 20, 40 },  /* nodding */
  { "B2", 30, 54 },  /* shaking head */
  { "B4", 30, 60 },  /* tilting head */
  { "B5", 40, 75 },  /* bowing head */
  { "B6", 30, 60 },  /* head up */
  { "A4", 20, 45 },  /* shrugging */
  { "C5", 45, 80 },  /* waving */
  { "C9", 40, 75 },  /* putting hands together */
  { "E4", 50, 90 },  /* arms akimbo */
  { "E5", 50, 90 },  /* crossing arms */
  { "F1", 30, 60 },  /* touching nose */
  { "F2", 40, 75 },  /* scratching or touching face */
  { "F7", 30, 60 },  /* scratching or touching forehead */
  { "G2", 30, 60 },  /* patting legs */
  { "D3", 36, 72 },  /* shaking legs */
  { "D8", 50, 90 },  /* crossing legs */
};

static const char *const supported_actions[] = {
  "B1", "B2", "B4", "B5", "B6", "A4", "C5", "C9",
  "E4", "E5", "F1", "F2", "F7", "G2", "D3", "D8",
  NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (supported_actions) == G_N_ELEMENTS (action_ranges) + 1);

static const char *const genders[] = { "female", "male", "male", "female", "other" };
static const char *const age_groups[] = { "26-35", "18-25", "46-60", "36-45", "26-35", "18-25" };

const char *const *
fidget_demo_supported_actions (void)
{
  return supported_actions;
}

void
fidget_demo_script_free (FidgetDemoScript *script)
{
  if (script == NULL)
    return;

  g_free (script->participant_code);
  g_clear_pointer (&script->moves, g_array_unref);
  g_free (script);
}

/* Draws the next action from a deck that holds every supported action once and is reshuffled
 * when empty: over the set each action comes up about equally often, and all of them come up
 * as soon as the set has as many moves as there are actions. */
static guint
deck_draw (GArray *deck,
           GRand  *rand,
           guint   previous)
{
  guint pick;
  guint action;

  /* A new shuffled set goes above what is left, so a leftover equal to the previous action
   * stays at the bottom instead of being drawn right after itself. */
  if (deck->len == 0 || (deck->len == 1 && g_array_index (deck, guint, 0) == previous))
    {
      guint first = deck->len;

      for (guint i = 0; i < G_N_ELEMENTS (action_ranges); i++)
        g_array_append_val (deck, i);
      for (guint i = deck->len - 1; i > first; i--)
        {
          guint j = first + g_rand_int_range (rand, 0, i - first + 1);
          guint tmp = g_array_index (deck, guint, i);

          g_array_index (deck, guint, i) = g_array_index (deck, guint, j);
          g_array_index (deck, guint, j) = tmp;
        }
    }

  /* Take from the top, but not the action just performed: the same action twice in a row
   * reads as one long move to a viewer. */
  pick = deck->len - 1;
  if (g_array_index (deck, guint, pick) == previous)
    pick--;

  action = g_array_index (deck, guint, pick);
  g_array_remove_index (deck, pick);
  return action;
}

static FidgetDemoScript *
demo_script_new (guint   index,
                 GArray *deck,
                 GRand  *deck_rand)
{
  g_autoptr(FidgetDemoScript) script = g_new0 (FidgetDemoScript, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (DEMO_PARTICIPANT_SEED + index);
  g_autofree guint *actions = NULL;
  g_autofree int *lengths = NULL;
  g_autofree double *weights = NULL;
  gint64 available;
  gint64 used = 0;
  gint64 slack;
  gint64 frame;
  double weight_sum = 0;
  guint previous = G_MAXUINT;
  guint n_moves;

  script->participant_code = g_strdup_printf ("P%03u", index + 1);
  script->gender = genders[index % G_N_ELEMENTS (genders)];
  script->age_group = age_groups[index % G_N_ELEMENTS (age_groups)];
  script->width = DEMO_WIDTH;
  script->height = DEMO_HEIGHT;
  script->fps = DEMO_FPS;
  script->n_frames = (gint64) (30 + 6 * (index % 4)) * DEMO_FPS;   /* 30, 36, 42, 48 s */
  /* Consecutive looks differ in every colour (see the renderer's palettes). */
  script->look = index;
  script->moves = g_array_new (FALSE, TRUE, sizeof (FidgetDemoMove));

  /* About one move every 80 frames: 10 in 30 s, 17 in 48 s. */
  available = script->n_frames - 2 * DEMO_EDGE_FRAMES;
  n_moves = (guint) (available / 80);

  actions = g_new (guint, n_moves);
  lengths = g_new (int, n_moves);
  weights = g_new (double, n_moves + 1);

  for (guint i = 0; i < n_moves; i++)
    {
      const DemoActionRange *range;

      actions[i] = previous = deck_draw (deck, deck_rand, previous);
      range = &action_ranges[actions[i]];
      lengths[i] = g_rand_int_range (rand, range->min_frames, range->max_frames + 1);
      used += lengths[i];
    }
  used += (gint64) (n_moves - 1) * DEMO_MIN_GAP;

  /* Should the draw be too long for the video, trim the longest moves first. */
  while (used > available)
    {
      guint longest = 0;

      for (guint i = 1; i < n_moves; i++)
        if (lengths[i] > lengths[longest])
          longest = i;
      g_assert (lengths[longest] > DEMO_MIN_MOVE);
      lengths[longest]--;
      used--;
    }

  /* The spare frames go to the n_moves + 1 gaps (before, between, after) in random shares, so
   * the pauses vary like a real conversation's but never drop below the minimum. */
  slack = available - used;
  for (guint i = 0; i <= n_moves; i++)
    {
      weights[i] = g_rand_double_range (rand, 0.3, 1.0);
      weight_sum += weights[i];
    }

  frame = DEMO_EDGE_FRAMES;
  for (guint i = 0; i < n_moves; i++)
    {
      FidgetDemoMove move;

      frame += (gint64) (slack * (weights[i] / weight_sum));
      if (i > 0)
        frame += DEMO_MIN_GAP;

      move.action_code = action_ranges[actions[i]].code;
      move.start_frame = frame;
      move.end_frame = frame + lengths[i];
      g_array_append_val (script->moves, move);
      frame = move.end_frame;
    }
  g_assert (frame <= script->n_frames - DEMO_EDGE_FRAMES);

  return g_steal_pointer (&script);
}

GPtrArray *
fidget_demo_scripts_new (guint n_participants)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_demo_script_free);
  g_autoptr(GRand) deck_rand = g_rand_new_with_seed (DEMO_DECK_SEED);
  g_autoptr(GArray) deck = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Participant i's script depends only on i (and those before it), never on how many are
   * asked for: the first four of a larger set are the standard demo set. */
  for (guint i = 0; i < n_participants; i++)
    g_ptr_array_add (scripts, demo_script_new (i, deck, deck_rand));

  return g_steal_pointer (&scripts);
}
