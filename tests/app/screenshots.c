/* screenshots.c: pictures of the main views, for the README (run by build-aux/screenshots)
 *
 * fidget-screenshots PROJECT OUTDIR [ANNOTATOR]
 *
 * Opens PROJECT (the demo study) as the application does, drives it to each view and renders
 * the windows themselves to PNG files: no screen grabber needed, only a display (Xvfb).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-application.h"
#include "fidget-timeline.h"
#include "fidget-window-private.h"
#include "fidget-workspace-private.h"

static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
spin_until_settled (FidgetWorkspace *workspace)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!fidget_workspace_is_settled (workspace) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  spin_for (300);
  return fidget_workspace_is_settled (workspace);
}

/* Renders @widget (a window or a popover) as it is on screen. */
static void
save (GtkWidget  *widget,
      const char *dir,
      const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = gtk_native_get_renderer (native);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s (%dx%d)\n", path, width, height);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  FidgetWindow *window;
  FidgetWorkspace *workspace;
  FidgetTimeline *timeline;
  const FidgetVideo *video;
  const FidgetSegment *shown = NULL;
  const char *annotator;
  const char *dir;

  if (argc < 3)
    {
      g_printerr ("usage: fidget-screenshots PROJECT OUTDIR [ANNOTATOR]\n");
      return 2;
    }
  dir = argv[2];
  annotator = argc > 3 ? argv[3] : "amara";

  gtk_init ();
  adw_init ();
  g_mkdir_with_parents (dir, 0755);

  app = fidget_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  fidget_application_set_annotator (app, annotator);

  file = g_file_new_for_commandline_arg (argv[1]);
  window = fidget_application_open_file (app, file, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  workspace = fidget_window_get_workspace (window);
  timeline = fidget_workspace_get_timeline (workspace);

  if (!spin_until_settled (workspace))
    g_error ("The first video did not open");
  video = fidget_workspace_get_video (workspace);

  /* The workspace on one of the annotator's segments, zoomed to half a minute around it. */
  segments = fidget_project_list_segments (fidget_window_get_project (window), video->id, NULL);
  for (guint i = 0; segments != NULL && i < segments->len; i++)
    {
      const FidgetSegment *s = g_ptr_array_index (segments, i);

      if (g_strcmp0 (s->annotator_name, annotator) == 0 && s->start_frame > 150)
        {
          shown = s;
          break;
        }
    }
  if (shown != NULL)
    {
      fidget_workspace_seek (workspace, shown->start_frame + (shown->end_frame - shown->start_frame) / 2);
      spin_until_settled (workspace);
      /* Tab selects the next segment from the playhead: this one, as the user would. */
      fidget_workspace_seek (workspace, shown->start_frame - 1);
      spin_until_settled (workspace);
      fidget_workspace_handle_key (workspace, GDK_KEY_Tab, 0);
      spin_until_settled (workspace);
      fidget_workspace_handle_key (workspace, GDK_KEY_Right, 0);
      fidget_workspace_handle_key (workspace, GDK_KEY_Right, 0);
      spin_until_settled (workspace);
      fidget_timeline_show_range (timeline, MAX (0, shown->start_frame - 300), 900);
    }
  spin_for (500);
  save (GTK_WIDGET (window), dir, "workspace.png");

  /* Marking a new segment: I, a few frames on, O, then B: the typed code shows. */
  fidget_workspace_handle_key (workspace, GDK_KEY_Escape, 0);
  fidget_workspace_seek (workspace, fidget_workspace_get_position (workspace) + 40);
  spin_until_settled (workspace);
  fidget_workspace_handle_key (workspace, GDK_KEY_i, 0);
  for (int i = 0; i < 8; i++)
    fidget_workspace_handle_key (workspace, GDK_KEY_Right, 0);
  spin_until_settled (workspace);
  fidget_workspace_handle_key (workspace, GDK_KEY_o, 0);

  /* The picker, searching. */
  fidget_workspace_handle_key (workspace, GDK_KEY_Return, 0);
  spin_for (300);
  gtk_editable_set_text (fidget_action_picker_get_search_entry (fidget_workspace_get_picker (workspace)),
                         "touch");
  spin_for (600);
  save (GTK_WIDGET (window), dir, "marking.png");
  save (GTK_WIDGET (fidget_workspace_get_picker (workspace)), dir, "action-picker.png");
  gtk_popover_popdown (GTK_POPOVER (fidget_workspace_get_picker (workspace)));
  fidget_workspace_handle_key (workspace, GDK_KEY_Escape, 0);
  fidget_workspace_handle_key (workspace, GDK_KEY_Escape, 0);
  spin_for (300);

  /* The video list. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-videos", NULL);
  spin_for (800);
  save (GTK_WIDGET (window), dir, "project-window.png");

  /* Importing: the dialog as it opens for two files (the demo's own, which would be refused
   * as already imported, so it is not started). */
  {
    g_autofree char *videos = g_build_filename (g_path_get_dirname (argv[1]), "videos", NULL);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
    g_autofree char *a = g_build_filename (videos, "P001.mkv", NULL);
    g_autofree char *b = g_build_filename (videos, "P002.mkv", NULL);
    FidgetImportDialog *dialog;

    g_ptr_array_add (files, g_file_new_for_path (a));
    g_ptr_array_add (files, g_file_new_for_path (b));
    dialog = fidget_window_import_files (window, files);
    fidget_import_dialog_set_participant (dialog, "P005");
    spin_for (800);
    save (GTK_WIDGET (dialog), dir, "import.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* Preferences. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  spin_for (800);
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_PREFERENCES_WINDOW (l->data))
        {
          save (GTK_WIDGET (l->data), dir, "preferences.png");
          gtk_window_destroy (GTK_WINDOW (l->data));
        }
  }

  /* The keyboard shortcuts. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  spin_for (800);
  {
    GtkWindow *help = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))
                      ? GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)))
                      : NULL;

    if (help != NULL)
      {
        gtk_window_set_default_size (help, 1100, 720);
        spin_for (800);
        save (GTK_WIDGET (help), dir, "shortcuts.png");
        gtk_window_close (help);
      }
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  spin_for (200);
  return 0;
}
