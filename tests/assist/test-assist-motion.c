/* test-assist-motion.c: the motion-energy curve on a rendered demo interview
 *
 * The demo figure sits still between its scripted moves, so the moves must stand out: every
 * move has clear energy, the still stretches next to none.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "fidget-demo.h"
#include "fidget-motion.h"
#include "fidget-probe.h"
#include "fidget-test-util.h"

/* Frames around a move's ends that count neither as move nor as still (the figure eases in
 * and out). */
#define MARGIN 5

static char *video_path;
static FidgetDemoScript *script;
static FidgetMediaInfo *media;

static void
ensure_video (void)
{
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (video_path != NULL)
    return;
  scripts = fidget_demo_scripts_new (1);
  script = g_ptr_array_steal_index (scripts, 0);
  dir = fidget_test_make_tmpdir ();
  video_path = g_build_filename (dir, "P001.mkv", NULL);
  g_assert_true (fidget_demo_render (script, video_path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  media = fidget_probe_file (video_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (media->frame_count, ==, script->n_frames);
}

static gboolean
near_a_move (gint64 frame)
{
  for (guint m = 0; m < script->moves->len; m++)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, m);

      if (frame >= move->start_frame - MARGIN && frame < move->end_frame + MARGIN)
        return TRUE;
    }
  return FALSE;
}

static void
record_progress (double   fraction,
                 gpointer user_data)
{
  GArray *steps = user_data;

  g_array_append_val (steps, fraction);
}

static void
test_moves_stand_out (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree double *energy = NULL;
  double still_total = 0.0, still_max = 0.0, weakest = G_MAXDOUBLE;
  gint64 still_frames = 0;

  ensure_video ();
  energy = fidget_motion_energy (video_path, media->fps_num, media->fps_den, media->frame_count,
                                 NULL, record_progress, steps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (energy);

  for (gint64 i = 0; i < media->frame_count; i++)
    {
      g_assert_true (isfinite (energy[i]) && energy[i] >= 0.0 && energy[i] <= 255.0);
      if (!near_a_move (i))
        {
          still_total += energy[i];
          still_max = MAX (still_max, energy[i]);
          still_frames++;
        }
    }
  g_assert_cmpint (still_frames, >, 100);

  for (guint m = 0; m < script->moves->len; m++)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, m);
      double total = 0.0;

      for (gint64 i = move->start_frame; i < move->end_frame; i++)
        total += energy[i];
      g_test_message ("%s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): mean energy %.3f",
                      move->action_code, move->start_frame, move->end_frame,
                      total / (move->end_frame - move->start_frame));
      weakest = MIN (weakest, total / (move->end_frame - move->start_frame));
    }
  g_test_message ("still: mean %.4f, max %.4f over %" G_GINT64_FORMAT " frames",
                  still_total / still_frames, still_max, still_frames);
  /* Every move, even the smallest (a nod), moves clearly more on average than the most any
   * still frame does. */
  g_assert_cmpfloat (weakest, >, 0.03);
  g_assert_cmpfloat (weakest, >, 5.0 * still_max);

  /* Progress rises to 1. */
  g_assert_cmpuint (steps->len, >, 10);
  for (guint i = 1; i < steps->len; i++)
    g_assert_cmpfloat (g_array_index (steps, double, i), >, g_array_index (steps, double, i - 1));
  g_assert_cmpfloat (g_array_index (steps, double, steps->len - 1), ==, 1.0);
}

static void
cancel_halfway (double   fraction,
                gpointer user_data)
{
  if (fraction >= 0.5)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree double *energy = NULL;
  g_autofree char *missing = NULL;

  ensure_video ();
  energy = fidget_motion_energy (video_path, media->fps_num, media->fps_den, media->frame_count,
                                 cancellable, cancel_halfway, cancellable, &error);
  g_assert_null (energy);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  missing = g_strconcat (video_path, ".gone", NULL);
  energy = fidget_motion_energy (missing, 30, 1, 10, NULL, NULL, NULL, &error);
  g_assert_null (energy);
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, ".gone"));
}

static int
run_cli (char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FIDGET_CLI"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* fidget-cli motion gives the same curve for the video imported into a project. */
static void
test_cli (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *project = g_build_filename (dir, "study.fidget", NULL);
  g_autofree char *out = NULL;
  g_autofree double *energy = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *values;

  ensure_video ();
  g_assert_cmpint (run_cli (&out, "init", project, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, "import-video", project, video_path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, "motion", project, "--video", "1", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "frames"), ==, media->frame_count);
  values = json_object_get_array_member (root, "energy");
  g_assert_cmpuint (json_array_get_length (values), ==, media->frame_count);
  energy = fidget_motion_energy (video_path, media->fps_num, media->fps_den, media->frame_count,
                                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (values); i++)
    g_assert_cmpfloat_with_epsilon (json_array_get_double_element (values, i), energy[i], 1e-9);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, "motion", project, "--video", "2", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, "motion", project, NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  fidget_media_init ();

  g_test_add_func ("/assist/motion/moves-stand-out", test_moves_stand_out);
  g_test_add_func ("/assist/motion/cancel", test_cancel);
  g_test_add_func ("/assist/motion/cli", test_cli);
  status = g_test_run ();
  g_clear_pointer (&script, fidget_demo_script_free);
  g_clear_pointer (&media, fidget_media_info_free);
  g_free (video_path);
  return status;
}
