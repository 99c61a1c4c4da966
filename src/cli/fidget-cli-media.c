/* fidget-cli-media.c: the media commands of fidget-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <stdlib.h>

#include "fidget-cli-private.h"
#include "fidget-player.h"

#define DEFAULT_RUNS   4
#define DEFAULT_STEPS  50
#define DEFAULT_SEEKS  60

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

/* Nearest-rank percentile of @values (sorted in place). */
static double
percentile (GArray *values,
            double  p)
{
  gsize rank;

  if (values->len == 0)
    return 0.0;
  qsort (values->data, values->len, sizeof (double), compare_doubles);
  rank = (gsize) (p / 100.0 * values->len + 0.999999);
  rank = CLAMP (rank, 1, values->len);
  return g_array_index (values, double, rank - 1);
}

static gboolean
timed_frame (FidgetPlayer  *player,
             gint64         index,
             GArray        *times,
             GError       **error)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(FidgetFrame) frame = fidget_player_get_frame (player, index, NULL, error);
  double ms = (double) (g_get_monotonic_time () - started) / 1000.0;

  if (frame == NULL)
    return FALSE;
  if (times != NULL)
    g_array_append_val (times, ms);
  return TRUE;
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_integer (JsonBuilder *builder,
             const char  *name,
             gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

typedef gboolean (*PrepareFunc) (FidgetPlayer  *player,
                                 gint64         frame,
                                 gpointer       data,
                                 GError       **error);

/* The first step back after a jump: a second reader (@data) decodes the chunk before the frame
 * and hands it over. */
static gboolean
prepare_steps_back (FidgetPlayer  *player,
                    gint64         frame,
                    gpointer       data,
                    GError       **error)
{
  FidgetPlayer *reader = data;

  if (!fidget_player_decode_before (reader, frame, NULL, error))
    return FALSE;
  fidget_player_adopt_pictures (player, reader, 0, frame - 1);
  fidget_player_clear_cache (reader);
  return TRUE;
}

/* A jump of a second on: the player reads on from the frame. */
static gboolean
prepare_read_ahead (FidgetPlayer  *player,
                    gint64         frame,
                    gpointer       data,
                    GError       **error)
{
  return fidget_player_read_ahead (player, frame, NULL, error) >= 0;
}

/* @rounds jumps to random frames in [@lo, @hi), each followed by a move of @offset frames:
 * timed into @cold as it comes every other round, into @prepared after @prepare (itself timed
 * into @prepares) in the others, as the workspace prepares it while the frame is looked at. */
static gboolean
bench_after_jump (FidgetPlayer  *player,
                  GRand         *rand,
                  gint64         lo,
                  gint64         hi,
                  gint64         offset,
                  int            rounds,
                  PrepareFunc    prepare,
                  gpointer       data,
                  GArray        *cold,
                  GArray        *prepared,
                  GArray        *prepares,
                  GError       **error)
{
  for (int s = 0; s < rounds; s++)
    {
      gint64 target = g_rand_int_range (rand, (gint32) lo, (gint32) hi);
      gboolean prepare_it = s % 2 == 1;

      fidget_player_clear_cache (player);
      if (!timed_frame (player, target, NULL, error))
        return FALSE;
      if (prepare_it)
        {
          gint64 started = g_get_monotonic_time ();
          double ms;

          if (!prepare (player, target, data, error))
            return FALSE;
          ms = (double) (g_get_monotonic_time () - started) / 1000.0;
          g_array_append_val (prepares, ms);
        }
      if (!timed_frame (player, target + offset, prepare_it ? prepared : cold, error))
        return FALSE;
    }
  return TRUE;
}

/* Steps and seeks on the player the application uses. Steps start at random frames: forward
 * runs read on from there; backward runs start with an empty cache, as after a jump, so
 * their misses are counted too. Seeks go to random frames with the cache emptied first, so
 * each one decodes from a keyframe. Then the first step back after a jump, and a jump of a
 * second on after one, each on its own, cold and as the workspace prepares it; and the
 * keyframe that stands in while the playhead is dragged. */
static int
media_bench (int    argc,
             char **argv)
{
  gboolean json = FALSE;
  int runs = DEFAULT_RUNS;
  int steps = DEFAULT_STEPS;
  int seeks = DEFAULT_SEEKS;
  int seed = 1;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Step runs each way (4)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per run (50)", "N" },
    { "seeks", 0, 0, G_OPTION_ARG_INT, &seeks, "Exact seeks to random frames (60)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the random frames (1)", "N" },
    { NULL }
  };
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) forward = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) backward = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) jumps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) backs_cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) backs_prepared = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) prepares = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) jumps_on_cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) jumps_on_prepared = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reads_ahead = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) stand_ins = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(FidgetPlayer) reader = NULL;
  g_autoptr(GRand) rand = NULL;
  gint64 open_started;
  double open_ms;
  gint64 n;
  gint64 second;
  double fwd50, fwd95, back50, back95, seek50, seek95, fwd_max, back_max, seek_max;

  if (!fidget_cli_parse (&argc, &argv, "VIDEO",
                         "Measure one-frame steps both ways and exact seeks on the player's "
                         "pipeline (p50/p95 in milliseconds).", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("media bench takes one VIDEO file");
  if (runs < 1 || steps < 1 || seeks < 1)
    return fidget_cli_usage_error ("--runs, --steps and --seeks must be at least 1");

  open_started = g_get_monotonic_time ();
  player = fidget_player_open (argv[1], NULL, NULL, &error);
  if (player == NULL)
    return fidget_cli_refused (error);
  open_ms = (double) (g_get_monotonic_time () - open_started) / 1000.0;

  n = fidget_player_get_frame_count (player);
  if (n < steps + 2)
    {
      g_printerr ("fidget-cli: “%s” has %" G_GINT64_FORMAT " frames, too few for runs of %d "
                  "steps\n", argv[1], n, steps);
      return FIDGET_CLI_REFUSED;
    }
  rand = g_rand_new_with_seed ((guint32) seed);

  for (int r = 0; r < runs; r++)
    {
      gint64 start = g_rand_int_range (rand, 0, (gint32) (n - steps - 1));

      fidget_player_clear_cache (player);
      if (!timed_frame (player, start, NULL, &error))
        return fidget_cli_refused (error);
      for (int s = 1; s <= steps; s++)
        if (!timed_frame (player, start + s, forward, &error))
          return fidget_cli_refused (error);
    }

  for (int r = 0; r < runs; r++)
    {
      gint64 start = g_rand_int_range (rand, steps + 1, (gint32) n);

      fidget_player_clear_cache (player);
      if (!timed_frame (player, start, NULL, &error))
        return fidget_cli_refused (error);
      for (int s = 1; s <= steps; s++)
        if (!timed_frame (player, start - s, backward, &error))
          return fidget_cli_refused (error);
    }

  for (int s = 0; s < seeks; s++)
    {
      gint64 target = g_rand_int_range (rand, 0, (gint32) n);

      fidget_player_clear_cache (player);
      if (!timed_frame (player, target, jumps, &error))
        return fidget_cli_refused (error);
    }

  /* The first step back after a jump, as it comes and as the workspace prepares it while the
   * frame is looked at (fidget-frame-prefetch.c): a second reader decodes the chunk before the
   * frame and hands it over. */
  reader = fidget_player_open (argv[1], NULL, NULL, &error);
  if (reader == NULL)
    return fidget_cli_refused (error);
  fidget_player_set_cache_budget (reader, fidget_player_get_cache_budget (player));
  if (!bench_after_jump (player, rand, 1, n, -1, 2 * MAX (seeks / 5, 10), prepare_steps_back,
                         reader, backs_cold, backs_prepared, prepares, &error))
    return fidget_cli_refused (error);

  /* A jump of a second on (Shift+Right) from a frame just jumped to, as it comes and after
   * the player read on while the frame was looked at (fidget-frame-prefetch.c). */
  second = MAX (fidget_player_get_fps_num (player) / MAX (fidget_player_get_fps_den (player), 1),
                1);
  if (n > second + 1 &&
      !bench_after_jump (player, rand, 0, n - second, second, 2 * MAX (seeks / 5, 10),
                         prepare_read_ahead, NULL, jumps_on_cold, jumps_on_prepared, reads_ahead,
                         &error))
    return fidget_cli_refused (error);

  /* While the playhead is dragged, the keyframe before the pointer stands in for an exact
   * seek (fidget-workspace.c). */
  for (int s = 0; s < MAX (seeks / 2, 10); s++)
    {
      gint64 target = g_rand_int_range (rand, 0, (gint32) n);
      g_autoptr(FidgetFrame) frame = NULL;
      gint64 started;
      gint64 shows;
      double ms;

      fidget_player_clear_cache (player);
      started = g_get_monotonic_time ();
      frame = fidget_player_get_keyframe_before (player, target, &shows, NULL, &error);
      if (frame == NULL)
        return fidget_cli_refused (error);
      ms = (double) (g_get_monotonic_time () - started) / 1000.0;
      g_array_append_val (stand_ins, ms);
    }

  fwd50 = percentile (forward, 50);
  fwd95 = percentile (forward, 95);
  fwd_max = percentile (forward, 100);
  back50 = percentile (backward, 50);
  back95 = percentile (backward, 95);
  back_max = percentile (backward, 100);
  seek50 = percentile (jumps, 50);
  seek95 = percentile (jumps, 95);
  seek_max = percentile (jumps, 100);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *fps = g_strdup_printf ("%d/%d", fidget_player_get_fps_num (player),
                                              fidget_player_get_fps_den (player));

      json_builder_begin_object (builder);
      fidget_cli_add_string (builder, "video", argv[1]);
      add_integer (builder, "width", fidget_player_get_width (player));
      add_integer (builder, "height", fidget_player_get_height (player));
      fidget_cli_add_string (builder, "fps", fps);
      add_integer (builder, "frame_count", n);
      add_integer (builder, "steps_forward", forward->len);
      add_integer (builder, "steps_backward", backward->len);
      add_integer (builder, "seeks", jumps->len);
      add_number (builder, "open_ms", open_ms);
      add_number (builder, "step_forward_p50_ms", fwd50);
      add_number (builder, "step_forward_p95_ms", fwd95);
      add_number (builder, "step_forward_max_ms", fwd_max);
      add_number (builder, "step_backward_p50_ms", back50);
      add_number (builder, "step_backward_p95_ms", back95);
      add_number (builder, "step_backward_max_ms", back_max);
      add_number (builder, "seek_exact_p50_ms", seek50);
      add_number (builder, "seek_exact_p95_ms", seek95);
      add_number (builder, "seek_exact_max_ms", seek_max);
      add_number (builder, "step_back_after_jump_p50_ms", percentile (backs_cold, 50));
      add_number (builder, "step_back_after_jump_p95_ms", percentile (backs_cold, 95));
      add_number (builder, "step_back_prepared_p50_ms", percentile (backs_prepared, 50));
      add_number (builder, "step_back_prepared_p95_ms", percentile (backs_prepared, 95));
      add_number (builder, "prepare_steps_back_p50_ms", percentile (prepares, 50));
      add_number (builder, "prepare_steps_back_p95_ms", percentile (prepares, 95));
      add_number (builder, "jump_second_on_p50_ms", percentile (jumps_on_cold, 50));
      add_number (builder, "jump_second_on_p95_ms", percentile (jumps_on_cold, 95));
      add_number (builder, "jump_second_on_prepared_p50_ms", percentile (jumps_on_prepared, 50));
      add_number (builder, "jump_second_on_prepared_p95_ms", percentile (jumps_on_prepared, 95));
      add_number (builder, "read_ahead_p50_ms", percentile (reads_ahead, 50));
      add_number (builder, "read_ahead_p95_ms", percentile (reads_ahead, 95));
      add_number (builder, "scrub_keyframe_p50_ms", percentile (stand_ins, 50));
      add_number (builder, "scrub_keyframe_p95_ms", percentile (stand_ins, 95));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }

  g_print ("%s: %dx%d, %d/%d fps, %" G_GINT64_FORMAT " frames (opened in %.1f ms)\n", argv[1],
           fidget_player_get_width (player), fidget_player_get_height (player),
           fidget_player_get_fps_num (player), fidget_player_get_fps_den (player), n, open_ms);
  g_print ("%-26s %8s %8s %8s\n", "", "p50 ms", "p95 ms", "max ms");
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "step forward", fwd50, fwd95, fwd_max);
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "step backward", back50, back95, back_max);
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "exact seek (random frame)", seek50, seek95, seek_max);
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "first step back after jump", percentile (backs_cold, 50),
           percentile (backs_cold, 95), percentile (backs_cold, 100));
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "  the same, prepared", percentile (backs_prepared, 50),
           percentile (backs_prepared, 95), percentile (backs_prepared, 100));
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "  preparing it (2nd reader)", percentile (prepares, 50),
           percentile (prepares, 95), percentile (prepares, 100));
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "a second on after a jump",
           percentile (jumps_on_cold, 50), percentile (jumps_on_cold, 95),
           percentile (jumps_on_cold, 100));
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "  the same, prepared", percentile (jumps_on_prepared, 50),
           percentile (jumps_on_prepared, 95), percentile (jumps_on_prepared, 100));
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "  preparing it (read on)", percentile (reads_ahead, 50),
           percentile (reads_ahead, 95), percentile (reads_ahead, 100));
  g_print ("%-26s %8.1f %8.1f %8.1f\n", "keyframe while scrubbing", percentile (stand_ins, 50),
           percentile (stand_ins, 95), percentile (stand_ins, 100));
  return FIDGET_CLI_OK;
}

/* Writes the picture shown for one frame as a PNG: what the workspace shows, to compare. */
static int
media_frame (int    argc,
             char **argv)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  gint64 index;

  if (!fidget_cli_parse (&argc, &argv, "VIDEO FRAME OUTPUT.png",
                         "Write the picture shown for a frame (0-based) as a PNG file.", NULL))
    return FIDGET_CLI_USAGE;
  if (argc != 4)
    return fidget_cli_usage_error ("media frame takes a VIDEO, a FRAME and an OUTPUT.png");
  if (!fidget_cli_parse_int64 (argv[2], "FRAME", 0, &index))
    return FIDGET_CLI_USAGE;

  player = fidget_player_open (argv[1], NULL, NULL, &error);
  if (player == NULL)
    return fidget_cli_refused (error);
  frame = fidget_player_get_frame (player, index, NULL, &error);
  if (frame == NULL)
    return fidget_cli_refused (error);

  /* BGRA with opaque alpha is cairo's ARGB32 on a little-endian machine; the player's data
   * are read only, cairo only reads them to write the file. */
  surface = cairo_image_surface_create_for_data ((unsigned char *) fidget_frame_get_data (frame, NULL),
                                                 CAIRO_FORMAT_ARGB32,
                                                 fidget_frame_get_width (frame),
                                                 fidget_frame_get_height (frame),
                                                 fidget_frame_get_stride (frame));
  status = cairo_surface_write_to_png (surface, argv[3]);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_printerr ("fidget-cli: cannot write “%s”: %s\n", argv[3], cairo_status_to_string (status));
      return FIDGET_CLI_REFUSED;
    }
  return FIDGET_CLI_OK;
}

static const struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
} media_subcommands[] = {
  { "bench", media_bench },
  { "frame", media_frame },
};

static int
cmd_media (int    argc,
           char **argv)
{
  if (argc < 2)
    return fidget_cli_usage_error ("media takes a subcommand: bench or frame");
  for (guint i = 0; i < G_N_ELEMENTS (media_subcommands); i++)
    if (g_str_equal (argv[1], media_subcommands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("fidget-cli media %s", argv[1]);

        g_set_prgname (prgname);
        return media_subcommands[i].run (argc - 1, argv + 1);
      }
  return fidget_cli_usage_error ("unknown media subcommand “%s”: use bench or frame", argv[1]);
}

const FidgetCliCommand fidget_cli_media_commands[] = {
  { "media", cmd_media,
    "media bench VIDEO [--json] [--runs N] [--steps N] [--seeks N]\n"
    "  media frame VIDEO FRAME OUTPUT.png" },
  { NULL }
};
