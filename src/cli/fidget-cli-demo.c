/* fidget-cli-demo.c: `fidget-cli demo DIR`, a small synthetic interview study
 *
 * Renders the demo scripts into videos with the project's own renderer, imports them through
 * the same path as any video, and adds one segment per scripted move. The script is written
 * beside the project as script.tsv: the ground truth later tests measure against.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "fidget-cli-private.h"
#include "fidget-demo.h"
#include "fidget-video-import.h"

#define DEMO_PARTICIPANTS 4

static const char *const demo_annotators[] = { "amara", "bo", "carmen", "dev" };

static void
print_render_progress (double   fraction,
                       gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100.0);

  if (percent != *last)
    {
      *last = percent;
      g_printerr ("\r  rendering %3d%%", percent);
    }
}

int
fidget_cli_demo (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GString) tsv = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *videos_dir = NULL;
  g_autofree char *tsv_path = NULL;
  gboolean show_progress = isatty (2);
  guint n_segments = 0;

  if (!fidget_cli_parse (&argc, &argv, "DIR",
                         "Make a demo project (synthetic interviews with scripted micro-actions) "
                         "in DIR.", NULL))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("demo takes one DIR");

  project_path = g_build_filename (argv[1], "demo.fidget", NULL);
  videos_dir = g_build_filename (argv[1], "videos", NULL);
  tsv_path = g_build_filename (argv[1], "script.tsv", NULL);
  if (g_file_test (project_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("fidget-cli: “%s” already holds a demo project (%s); remove it first\n",
                  argv[1], project_path);
      return FIDGET_CLI_REFUSED;
    }
  if (g_mkdir_with_parents (videos_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_printerr ("fidget-cli: cannot create “%s”: %s\n", videos_dir, g_strerror (saved_errno));
      return FIDGET_CLI_REFUSED;
    }

  project = fidget_project_create (project_path, &error);
  if (project == NULL)
    return fidget_cli_refused (error);
  for (guint i = 0; i < G_N_ELEMENTS (demo_annotators); i++)
    {
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (project,
                                                                           demo_annotators[i],
                                                                           &error);
      if (annotator == NULL)
        return fidget_cli_refused (error);
    }

  fidget_media_init ();
  scripts = fidget_demo_scripts_new (DEMO_PARTICIPANTS);
  tsv = g_string_new ("participant\tvideo\tannotator\taction\tstart_frame\tend_frame\n");

  for (guint i = 0; i < scripts->len; i++)
    {
      FidgetDemoScript *script = g_ptr_array_index (scripts, i);
      const char *annotator = demo_annotators[i % G_N_ELEMENTS (demo_annotators)];
      g_autofree char *name = g_strdup_printf ("%s.mkv", script->participant_code);
      g_autofree char *video_path = g_build_filename (videos_dir, name, NULL);
      g_autoptr(FidgetVideo) video = NULL;
      FidgetImportOptions options = {
        script->participant_code, script->gender, script->age_group
      };
      int last = -1;

      if (show_progress)
        g_printerr ("%s: %" G_GINT64_FORMAT " frames\n", name, script->n_frames);
      if (!fidget_demo_render (script, video_path, NULL,
                               show_progress ? print_render_progress : NULL, &last, &error))
        return fidget_cli_refused (error);
      if (show_progress)
        g_printerr ("\r                  \r");

      video = fidget_import_video (project, video_path, &options, NULL, NULL, NULL, &error);
      if (video == NULL)
        return fidget_cli_refused (error);

      for (guint m = 0; m < script->moves->len; m++)
        {
          const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, m);
          g_autoptr(FidgetSegment) segment = NULL;

          segment = fidget_project_add_segment (project, video->id, annotator, move->start_frame,
                                                move->end_frame, move->action_code, &error);
          if (segment == NULL)
            return fidget_cli_refused (error);
          n_segments++;
          g_string_append_printf (tsv, "%s\t%s\t%s\t%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
                                  script->participant_code, video->path, annotator,
                                  move->action_code, move->start_frame, move->end_frame);
        }
    }

  if (!g_file_set_contents (tsv_path, tsv->str, tsv->len, &error))
    return fidget_cli_refused (error);

  if (show_progress)
    g_printerr ("%u videos, %u segments\n", scripts->len, n_segments);
  g_print ("%s\n", fidget_project_get_path (project));
  return FIDGET_CLI_OK;
}
