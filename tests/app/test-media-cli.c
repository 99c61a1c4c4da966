/* test-media-cli.c: `fidget-cli media bench` and `fidget-cli media frame`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fidget-player.h"
#include "fidget-cli-test-util.h"
#include "fidget-test-util.h"

static void
test_bench (void)
{
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_auto(FidgetCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char *keys[] = {
    "step_forward_p50_ms", "step_forward_p95_ms", "step_backward_p50_ms",
    "step_backward_p95_ms", "seek_exact_p50_ms", "seek_exact_p95_ms",
    "step_back_after_jump_p50_ms", "step_back_after_jump_p95_ms", "step_back_prepared_p50_ms",
    "step_back_prepared_p95_ms", "prepare_steps_back_p50_ms", "prepare_steps_back_p95_ms",
    "jump_second_on_p50_ms", "jump_second_on_p95_ms", "jump_second_on_prepared_p50_ms",
    "jump_second_on_prepared_p95_ms", "read_ahead_p50_ms", "read_ahead_p95_ms",
    "scrub_keyframe_p50_ms", "scrub_keyframe_p95_ms",
  };
  JsonObject *result;

  if (sample == NULL)
    return;

  fidget_cli_run (&run, "media", "bench", sample, "--json", "--runs", "2", "--steps", "10", "--seeks",
           "6", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (result, "frame_count"), ==, 78);
  g_assert_cmpint (json_object_get_int_member (result, "width"), ==, 640);
  g_assert_cmpint (json_object_get_int_member (result, "steps_forward"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (result, "steps_backward"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (result, "seeks"), ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      double value = json_object_get_double_member (result, keys[i]);

      g_test_message ("%s = %.2f", keys[i], value);
      g_assert_cmpfloat (value, >, 0.0);
      g_assert_cmpfloat (value, <, 10000.0);
    }
  g_assert_cmpfloat (json_object_get_double_member (result, "step_forward_p50_ms"), <=,
                     json_object_get_double_member (result, "step_forward_p95_ms"));
}

static void
test_frame (void)
{
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  g_auto(FidgetCliRun) run = { 0 };
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  const guint8 *expected;
  const guint8 *written;

  if (sample == NULL)
    return;

  dir = fidget_test_make_tmpdir ();
  png = g_build_filename (dir, "frame-40.png", NULL);
  fidget_cli_run (&run, "media", "frame", sample, "40", png, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* The PNG holds the very pixels the player gives for frame 40. */
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 480);
  player = fidget_player_open (sample, NULL, NULL, &error);
  g_assert_no_error (error);
  frame = fidget_player_get_frame (player, 40, NULL, &error);
  g_assert_no_error (error);
  expected = fidget_frame_get_data (frame, NULL);
  written = cairo_image_surface_get_data (surface);
  for (int y = 0; y < 480; y++)
    g_assert_cmpint (memcmp (expected + (gsize) y * fidget_frame_get_stride (frame),
                             written + (gsize) y * cairo_image_surface_get_stride (surface),
                             640 * 4), ==, 0);
  cairo_surface_destroy (surface);
}

static void
test_refusals (void)
{
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_auto(FidgetCliRun) missing = { 0 };
  g_auto(FidgetCliRun) usage = { 0 };
  g_auto(FidgetCliRun) outside = { 0 };
  g_auto(FidgetCliRun) unknown = { 0 };

  if (sample == NULL)
    return;

  /* Refused: 1, one line naming the file and why. */
  fidget_cli_run (&missing, "media", "bench", "/nowhere/clip.mkv", NULL);
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "clip.mkv"));
  g_assert_nonnull (strstr (missing.err, "does not exist"));
  g_assert_cmpuint (strlen (missing.err), ==, (gsize) (strchr (missing.err, '\n') - missing.err) + 1);

  fidget_cli_run (&outside, "media", "frame", sample, "78", "/tmp/never-written.png", NULL);
  g_assert_cmpint (outside.status, ==, 1);
  g_assert_nonnull (strstr (outside.err, "no frame 78"));

  /* Bad usage: 2. */
  fidget_cli_run (&usage, "media", "bench", NULL);
  g_assert_cmpint (usage.status, ==, 2);
  fidget_cli_run (&unknown, "media", "play", sample, NULL);
  g_assert_cmpint (unknown.status, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media-cli/bench", test_bench);
  g_test_add_func ("/media-cli/frame", test_frame);
  g_test_add_func ("/media-cli/refusals", test_refusals);

  return g_test_run ();
}
