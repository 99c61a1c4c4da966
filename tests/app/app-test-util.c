/* app-test-util.c: helpers shared by the GUI test programs in tests/app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <execinfo.h>
#include <string.h>
#include <unistd.h>

#include "app-test-util.h"

#include "fidget-demo.h"
#include "fidget-test-util.h"
#include "fidget-workspace-private.h"

static gboolean have_display;

/* GTK 4.8 on a busy test display, about once in ten full runs here, shows a tooltip from a
 * timeout of its own that fires after a test closed the window (or popover) it was meant for:
 * it then asks for the pointer's position on the surface that is gone and looks for a widget
 * there, and both of GDK's and GTK's checks of that surface fail, after which it gives up
 * (no code of this project asks where the pointer is; with the pointer moved to a corner of
 * the screen it happens in every run, so the tests leave it where Xvfb puts it). Those two
 * messages are logged with the stack they came from and not made fatal; every other warning
 * and critical still fails the test. */
static gboolean
is_display_glitch (const char *log_domain,
                   const char *message)
{
  if (message == NULL)
    return FALSE;
  if (g_strcmp0 (log_domain, "Gdk") == 0)
    return strstr (message, "gdk_surface_get_device_position: assertion "
                            "'GDK_IS_SURFACE (surface)'") != NULL;
  if (g_strcmp0 (log_domain, "Gtk") == 0)
    return strstr (message, "_gtk_widget_find_at_coords: assertion "
                            "'GDK_IS_SURFACE (surface)'") != NULL;
  return FALSE;
}

static void
on_toolkit_log (const char     *log_domain,
                GLogLevelFlags  log_level,
                const char     *message,
                gpointer        user_data)
{
  void *frames[48];

  if (!is_display_glitch (log_domain, message))
    {
      g_log_default_handler (log_domain, log_level, message, user_data);
      return;
    }
  g_printerr ("app-test-util: not fatal, a GTK glitch of the test display: %s\n", message);
  backtrace_symbols_fd (frames, backtrace (frames, G_N_ELEMENTS (frames)), STDERR_FILENO);
}

static gboolean
on_fatal_log (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return !is_display_glitch (log_domain, message);
}

gboolean
app_test_init_display (void)
{
  have_display = gtk_init_check ();
  if (have_display)
    {
      adw_init ();
      g_log_set_handler ("Gdk", G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                         on_toolkit_log, NULL);
      g_log_set_handler ("Gtk", G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                         on_toolkit_log, NULL);
    }
  return have_display;
}

void
app_test_begin_case (void)
{
  g_test_log_set_fatal_handler (on_fatal_log, NULL);
}

gboolean
app_test_have_display (void)
{
  return have_display;
}

void
app_test_spin (void)
{
  gint64 until = g_get_monotonic_time () + 200 * 1000;

  while (g_main_context_iteration (NULL, FALSE) && g_get_monotonic_time () < until)
    ;
}

void
app_test_spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

void
app_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
app_test_wait_settled (FidgetWorkspace *workspace)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!fidget_workspace_is_settled (workspace) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  app_test_spin ();
  g_assert_true (fidget_workspace_is_settled (workspace));
}

gboolean
app_test_press_with (FidgetWorkspace *workspace,
                     guint            keyval,
                     GdkModifierType  state)
{
  GtkEventController *keys = fidget_workspace_get_key_controller (workspace);
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  app_test_spin ();
  return handled;
}

FidgetApplication *
app_test_create_application (void)
{
  g_autoptr(FidgetApplication) app = fidget_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&app);
}

void
app_test_destroy_all_toplevels (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  app_test_spin ();
}

char *
app_test_render_demo (guint n_frames)
{
  g_autoptr(GPtrArray) scripts = fidget_demo_scripts_new (1);
  FidgetDemoScript *script = g_ptr_array_index (scripts, 0);
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint keep = 0;

  script->n_frames = n_frames;
  while (keep < script->moves->len &&
         g_array_index (script->moves, FidgetDemoMove, keep).end_frame <= n_frames)
    keep++;
  g_array_set_size (script->moves, keep);

  path = g_build_filename (dir, "P001.mkv", NULL);
  g_assert_true (fidget_demo_render (script, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

GPtrArray *
app_test_action_rows (GtkListBox *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child))
      g_ptr_array_add (rows, child);
  return rows;
}

GPtrArray *
app_test_stored_segments_of (const char *path,
                             gint64      video_id,
                             const char *annotator)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);

  {
    g_autoptr(FidgetProject) reader = fidget_project_open (path, &error);

    g_assert_no_error (error);
    all = fidget_project_list_segments (reader, video_id, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < all->len; i++)
    {
      FidgetSegment *s = g_ptr_array_index (all, i);

      if (g_strcmp0 (s->annotator_name, annotator) == 0)
        g_ptr_array_add (mine, fidget_segment_copy (s));
    }
  return mine;
}

gboolean
app_test_save_png (GtkWidget  *widget,
                   const char *path)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return TRUE;
}

gboolean
app_test_activate_shortcut (GtkWidget       *widget,
                            guint            keyval,
                            GdkModifierType  mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, mods);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (trigger != NULL && gtk_shortcut_trigger_equal (trigger, wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}
