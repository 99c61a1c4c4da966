/* bench-player.c: `fidget-cli media bench` on a 1080p H.264 clip with keyframes 2 s apart
 *
 * Makes the clip once (20 s of 1920x1080 at 30 fps, x264 "faster", High profile with
 * B-frames, about 8 Mbit/s of moving texture and sensor-like noise, a keyframe every 60
 * frames: the longest gap the target allows), then runs the same measurement a user would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "player-clip.h"

#define TARGET_STEP_MS  30.0
#define TARGET_SEEK_MS  250.0

int
main (int   argc,
      char *argv[])
{
  const char *cli = g_getenv ("FIDGET_CLI");
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *clip = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *result;
  int status = 0;
  double forward, backward, seek;
  /* 200 seeks: with 60, the 95th percentile moves by a tenth from one draw of targets to
   * the next. */
  const char *cli_argv[] = { cli, "media", "bench", NULL, "--json", "--runs", "6", "--seeks", "200",
                             NULL };

  if (cli == NULL)
    g_error ("FIDGET_CLI is not set: run this through `meson test --benchmark`");

  clip = g_build_filename (dir != NULL ? dir : ".", "bench-1080p-gop60.mkv", NULL);
  if (!g_file_test (clip, G_FILE_TEST_IS_REGULAR))
    {
      PlayerClipSpec spec = { 1920, 1080, 30, 600, 60, TRUE, 8000, NULL };
      g_autofree char *partial = g_strconcat (clip, ".part", NULL);
      gint64 started = g_get_monotonic_time ();

      g_print ("# encoding %s (once)\n", clip);
      if (!player_clip_write (partial, &spec, &error) || g_rename (partial, clip) != 0)
        g_error ("Cannot make the benchmark clip: %s", error != NULL ? error->message : "rename");
      g_print ("# encoded in %.1f s\n", (double) (g_get_monotonic_time () - started) / 1e6);
    }

  cli_argv[3] = clip;
  if (!g_spawn_sync (NULL, (char **) cli_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("Cannot run %s: %s", cli, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("fidget-cli media bench failed: %s", err);
  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("fidget-cli media bench printed no JSON: %s", error->message);

  g_print ("%s\n", out);
  result = json_node_get_object (json_parser_get_root (parser));
  forward = json_object_get_double_member (result, "step_forward_p95_ms");
  backward = json_object_get_double_member (result, "step_backward_p95_ms");
  seek = json_object_get_double_member (result, "seek_exact_p95_ms");
  g_print ("bench-player: 1080p H.264 (GOP 2 s): step forward p95 %.1f ms, step backward p95 "
           "%.1f ms (target %.0f), exact seek p95 %.1f ms (target %.0f)%s\n",
           forward, backward, TARGET_STEP_MS, seek, TARGET_SEEK_MS,
           forward <= TARGET_STEP_MS && backward <= TARGET_STEP_MS && seek <= TARGET_SEEK_MS
           ? "" : " -- above target");
  return 0;
}
