/* test-window.c: the application window on a real project, under a (virtual) display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "app-test-util.h"
#include "fidget-application.h"
#include "fidget-error.h"
#include "fidget-test-util.h"
#include "fidget-window-private.h"

/* Runs the main loop until @done says so, for at most five seconds. */
static void
spin_until (gboolean (*done) (gpointer data),
            gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
focus_is_shown (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (data));

  return focus != NULL && gtk_widget_get_mapped (focus);
}

static void
destroy_all_toplevels (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  app_test_drain ();
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    {
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        return l->data;
    }
  return NULL;
}

static guint
count_toplevels_of_type (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  guint n = 0;

  for (const GList *l = toplevels; l != NULL; l = l->next)
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
        n++;
    }
  return n;
}

static FidgetApplication *
create_application (void)
{
  g_autoptr(FidgetApplication) app = fidget_application_new ();

  /* Not unique: a Fidget the developer has running must not receive the test's calls. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  return g_steal_pointer (&app);
}

static FidgetApplication *
create_started_application (void)
{
  g_autoptr(FidgetApplication) app = create_application ();
  g_autoptr(GError) error = NULL;

  /* Registering runs startup: actions, accelerators, settings and the style sheet. */
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  return g_steal_pointer (&app);
}

static void
add_fake_video (FidgetProject *project,
                const char    *dir,
                const char    *name,
                const char    *participant,
                int            width,
                int            height,
                int            fps_num,
                int            fps_den,
                gint64         frame_count)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  g_autofree char *hash = g_strconcat ("sha256:", digest, NULL);
  g_autoptr(FidgetParticipant) person = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  FidgetVideo info = { 0 };

  /* The window only lists what the project recorded; the file need not be a real video. */
  g_file_set_contents (path, name, -1, &error);
  g_assert_no_error (error);

  person = fidget_project_ensure_participant (project, participant, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);

  info.content_hash = hash;
  info.size_bytes = (gint64) strlen (name);
  info.container = (char *) "Matroska";
  info.video_codec = (char *) "H.264 (High Profile)";
  info.width = width;
  info.height = height;
  info.fps_num = fps_num;
  info.fps_den = fps_den;
  info.frame_count = frame_count;
  info.duration_ns = frame_count * fps_den * G_GINT64_CONSTANT (1000000000) / fps_num;
  info.has_audio = TRUE;

  video = fidget_project_add_video (project, &info, path, participant, &error);
  g_assert_no_error (error);
  g_assert_nonnull (video);
}

/* A project in a fresh folder: two annotators and, when asked, two videos. */
static char *
create_project (gboolean with_videos)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "study.fidget", NULL);
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAnnotator) alice = NULL;
  g_autoptr(FidgetAnnotator) bob = NULL;
  g_autoptr(GError) error = NULL;

  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);

  alice = fidget_project_add_annotator (project, "Alice", &error);
  g_assert_no_error (error);
  bob = fidget_project_add_annotator (project, "Bob", &error);
  g_assert_no_error (error);

  if (with_videos)
    {
      add_fake_video (project, dir, "interview-01.mkv", "P001", 640, 480, 30, 1, 90);
      add_fake_video (project, dir, "interview-02.mkv", "P002", 1280, 720, 30000, 1001, 300);
    }

  /* Closed before the window opens it, as another session of the tool would leave it. */
  return g_steal_pointer (&path);
}

static void
test_window_lists_videos (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autofree char *path = NULL;
  g_autofree char *last_project = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
  FidgetWindow *window;
  FidgetWindow *again;
  AdwWindowTitle *title;
  FidgetProject *project;

  REQUIRE_DISPLAY ();

  path = create_project (TRUE);
  file = g_file_new_for_path (path);
  app = create_started_application ();
  fidget_application_set_annotator (app, "Alice");

  window = fidget_application_open_file (app, file, FALSE);
  g_assert_true (FIDGET_IS_WINDOW (window));
  spin_until (widget_is_mapped, window);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_null (find_message_dialog ());

  /* A project opens on its first video the first time; these are not real videos, so the
   * workspace says it cannot play this one, and the list is one click away. */
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, "workspace");
  g_assert_nonnull (fidget_workspace_get_video (fidget_window_get_workspace (window)));
  g_assert_cmpstr (fidget_workspace_get_video (fidget_window_get_workspace (window))->path, ==,
                   "interview-01.mkv");
  /* The picture hides when the video cannot be played: the keys leave it for something shown,
   * or the window's own keys (Alt+Left) would not be seen. */
  spin_until (focus_is_shown, window);
  g_assert_true (focus_is_shown (window));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (fidget_window_get_workspace (window))));
  title = fidget_window_get_title_widget (window);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "interview-01.mkv");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "study.fidget · Alice");
  /* Alt+Left goes back to the list, as the back button does. */
  g_assert_true (app_test_activate_shortcut (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, "project");
  g_assert_cmpstr (fidget_window_get_project_page_name (window), ==, "videos");

  /* The header names the file and the person whose edits are recorded. */
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "study.fidget");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Alice");
  project = fidget_window_get_project (window);
  g_assert_nonnull (project);
  g_assert_cmpstr (fidget_project_get_actor (project), ==, "Alice");

  rows = app_test_action_rows (fidget_window_get_video_list (window));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==,
                   "interview-01.mkv");
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), ==,
                   "P001 · 640×480 · 30/1 fps · 90 frames · 0:03.00");
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 1)), ==,
                   "interview-02.mkv");
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 1)), ==,
                   "P002 · 1280×720 · 30000/1001 fps · 300 frames · 0:10.01");
  g_assert_cmpstr (gtk_label_get_label (fidget_window_get_videos_summary (window)), ==,
                   "2 videos · 0:13.01");

  /* Remembered for the next start. */
  last_project = g_settings_get_string (settings, "last-project");
  g_assert_cmpstr (last_project, ==, path);

  /* One project, one window: opening it again shows the same window. */
  again = fidget_application_open_file (app, file, FALSE);
  g_assert_true (again == window);
  g_assert_cmpuint (count_toplevels_of_type (FIDGET_TYPE_WINDOW), ==, 1);

  /* Changing who works reaches the project, where the audit log reads it. */
  fidget_window_set_annotator (window, "Bob");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Bob");
  g_assert_cmpstr (fidget_project_get_actor (project), ==, "Bob");
  fidget_window_set_annotator (window, "");
  g_assert_null (fidget_project_get_actor (project));

  destroy_all_toplevels ();
}

/* A video imported by mistake leaves from its row (Delete, or the row's menu) after a question;
 * a labelled one stays, and the window says why. */
static void
test_window_remove_video (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *first_file = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetVideo) gone = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *action = NULL;
  GtkMenuButton *menu_button;
  GMenuModel *menu;
  AdwMessageDialog *dialog;
  FidgetWindow *window;
  FidgetProject *project;
  GtkListBox *list;

  REQUIRE_DISPLAY ();

  path = create_project (TRUE);
  dir = g_path_get_dirname (path);
  first_file = g_build_filename (dir, "interview-01.mkv", NULL);
  /* Bob has labelled the second interview. */
  {
    g_autoptr(FidgetProject) setup = fidget_project_open (path, &error);
    g_autoptr(FidgetSegment) segment = NULL;

    g_assert_no_error (error);
    segment = fidget_project_add_segment (setup, 2, "Bob", 10, 20, "B1", &error);
    g_assert_no_error (error);
  }

  file = g_file_new_for_path (path);
  app = create_started_application ();
  fidget_application_set_annotator (app, "Alice");
  window = fidget_application_open_file (app, file, FALSE);
  spin_until (widget_is_mapped, window);
  project = fidget_window_get_project (window);
  g_assert_cmpint (fidget_workspace_get_video (fidget_window_get_workspace (window))->id, ==, 1);
  g_assert_true (app_test_activate_shortcut (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  list = fidget_window_get_video_list (window);
  rows = app_test_action_rows (list);
  g_assert_cmpuint (rows->len, ==, 2);

  /* Back from the second video, the keys are on its row. */
  g_signal_emit_by_name (list, "row-activated", g_ptr_array_index (rows, 1));
  g_assert_cmpint (fidget_workspace_get_video (fidget_window_get_workspace (window))->id, ==, 2);
  g_assert_true (app_test_activate_shortcut (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = app_test_action_rows (list);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == g_ptr_array_index (rows, 1));

  /* Each row's menu offers the removal of its own video. */
  menu_button = g_object_get_data (G_OBJECT (g_ptr_array_index (rows, 1)), "fidget-menu-button");
  g_assert_true (GTK_IS_MENU_BUTTON (menu_button));
  menu = gtk_menu_button_get_menu_model (menu_button);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "win.remove-video");
  target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET,
                                                  G_VARIANT_TYPE_INT64);
  g_assert_cmpint (g_variant_get_int64 (target), ==, 2);

  /* Delete on the labelled video: it stays, and the message counts what holds it. */
  gtk_widget_grab_focus (g_ptr_array_index (rows, 1));
  g_assert_true (app_test_activate_shortcut (GTK_WIDGET (list), GDK_KEY_Delete, 0));
  app_test_spin ();
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_null (fidget_window_get_removal_dialog (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Video Stays in the Project");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 segment"));
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_spin ();

  /* Delete on the first one: a question; Cancel, or Enter, which stands on Cancel, keeps it. */
  gtk_widget_grab_focus (g_ptr_array_index (rows, 0));
  g_assert_true (app_test_activate_shortcut (GTK_WIDGET (list), GDK_KEY_Delete, 0));
  app_test_spin ();
  dialog = fidget_window_get_removal_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Remove “interview-01.mkv” From the Project?");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "remove"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_spin ();
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = app_test_action_rows (list);
  g_assert_cmpuint (rows->len, ==, 2);

  /* Remove the video open in the workspace: out of the list, the project and the workspace;
   * the file stays. */
  g_signal_emit_by_name (list, "row-activated", g_ptr_array_index (rows, 0));
  g_assert_cmpint (fidget_workspace_get_video (fidget_window_get_workspace (window))->id, ==, 1);
  g_assert_true (app_test_activate_shortcut (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-video", "x", (gint64) 1);
  dialog = fidget_window_get_removal_dialog (window);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_spin ();
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = app_test_action_rows (list);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==,
                   "interview-02.mkv");
  /* The keys stay on the list, on the row that took the removed one's place. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == g_ptr_array_index (rows, 0));
  g_assert_cmpstr (gtk_label_get_label (fidget_window_get_videos_summary (window)), ==,
                   "1 video · 0:10.01");
  g_assert_null (fidget_workspace_get_video (fidget_window_get_workspace (window)));
  gone = fidget_project_get_video (project, 1, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_true (g_file_test (first_file, G_FILE_TEST_IS_REGULAR));
  g_assert_null (find_message_dialog ());

  destroy_all_toplevels ();
}

static void
test_window_empty_project (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  FidgetWindow *window;

  REQUIRE_DISPLAY ();

  path = create_project (FALSE);
  file = g_file_new_for_path (path);
  app = create_started_application ();

  window = fidget_application_open_file (app, file, FALSE);
  spin_until (widget_is_mapped, window);
  g_assert_nonnull (fidget_window_get_project (window));
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, "project");
  g_assert_cmpstr (fidget_window_get_project_page_name (window), ==, "empty");
  rows = app_test_action_rows (fidget_window_get_video_list (window));
  g_assert_cmpuint (rows->len, ==, 0);

  destroy_all_toplevels ();
}

static void
check_open_fails (FidgetApplication *app,
                  const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *name = g_path_get_basename (path);
  AdwMessageDialog *dialog;
  FidgetWindow *window;
  const char *body;

  window = fidget_application_open_file (app, file, FALSE);
  g_assert_true (FIDGET_IS_WINDOW (window));
  spin_until (widget_is_mapped, window);

  /* The window stays on the welcome page and the error is told, not crashed on. */
  g_assert_null (fidget_window_get_project (window));
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, "welcome");

  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Project");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (body);
  g_test_message ("%s: %s", path, body);
  /* The core's messages name the file they are about. */
  g_assert_nonnull (strstr (body, name));

  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_drain ();
}

static void
test_window_open_errors (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *garbage = NULL;
  g_autoptr(GError) error = NULL;
  guchar noise[4096];

  REQUIRE_DISPLAY ();

  dir = fidget_test_make_tmpdir ();
  app = create_started_application ();

  missing = g_build_filename (dir, "nowhere.fidget", NULL);
  check_open_fails (app, missing);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* Not an SQLite file at all. */
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guchar) (i * 7919 % 251);
  garbage = g_build_filename (dir, "noise.fidget", NULL);
  g_file_set_contents (garbage, (const char *) noise, sizeof noise, &error);
  g_assert_no_error (error);
  check_open_fails (app, garbage);

  /* Both failures were told in the one window the user had, not in new ones. */
  g_assert_cmpuint (count_toplevels_of_type (FIDGET_TYPE_WINDOW), ==, 1);

  destroy_all_toplevels ();
}

static void
test_window_create_project (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  FidgetWindow *window;
  AdwMessageDialog *dialog;

  REQUIRE_DISPLAY ();

  dir = fidget_test_make_tmpdir ();
  path = g_build_filename (dir, "new.fidget", NULL);
  file = g_file_new_for_path (path);
  app = create_started_application ();

  window = fidget_application_open_file (app, file, TRUE);
  spin_until (widget_is_mapped, window);
  g_assert_null (find_message_dialog ());
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (fidget_window_get_project_page_name (window), ==, "empty");
  g_assert_cmpstr (adw_window_title_get_title (fidget_window_get_title_widget (window)), ==,
                   "new.fidget");

  /* Creating over an existing project is refused, and said so. */
  window = fidget_application_open_file (app, file, TRUE);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Create the Project");

  destroy_all_toplevels ();
}


static gboolean
import_finished (gpointer data)
{
  return fidget_import_dialog_is_finished (data);
}

static void
test_window_import (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  FidgetImportDialog *dialog;
  FidgetWindow *window;
  gsize length;

  REQUIRE_DISPLAY ();
  if (sample == NULL)
    return;

  path = create_project (FALSE);
  dir = g_path_get_dirname (path);
  file = g_file_new_for_path (path);
  app = create_started_application ();
  fidget_application_set_annotator (app, "Alice");
  window = fidget_application_open_file (app, file, FALSE);
  spin_until (widget_is_mapped, window);
  g_assert_cmpstr (fidget_window_get_project_page_name (window), ==, "empty");

  /* A real video and a file that is not one, as a drop or the chooser would hand them. */
  copy = g_build_filename (dir, "again.mkv", NULL);
  g_file_get_contents (sample, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, (gssize) length, &error);
  g_assert_no_error (error);
  notes = g_build_filename (dir, "notes.mkv", NULL);
  g_file_set_contents (notes, "not a video", -1, &error);
  g_assert_no_error (error);
  g_ptr_array_add (files, g_file_new_for_path (copy));
  g_ptr_array_add (files, g_file_new_for_path (notes));

  /* Cancelled at once: nothing is imported and the project is as it was. */
  dialog = fidget_window_import_files (window, files);
  g_assert_nonnull (dialog);
  fidget_import_dialog_start (dialog);
  fidget_import_dialog_cancel (dialog);
  spin_until (import_finished, dialog);
  g_assert_true (fidget_import_dialog_is_finished (dialog));
  g_assert_cmpuint (fidget_import_dialog_get_imported (dialog), ==, 0);
  g_assert_cmpstr (fidget_import_dialog_get_outcome (dialog, 0), ==, "cancelled");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_drain ();
  g_assert_cmpstr (fidget_window_get_project_page_name (window), ==, "empty");

  /* Then for real, with a participant: one in, one refused with its reason. The keys start
   * in the participant's code, and Enter there imports (it cancelled once: the focus was on
   * the header's first button). */
  dialog = fidget_window_import_files (window, files);
  fidget_import_dialog_set_participant (dialog, "P042");
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (dialog));

    g_assert_nonnull (focus);
    g_assert_nonnull (gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW));
    g_assert_true (GTK_IS_TEXT (focus));
    g_signal_emit_by_name (focus, "activate");
  }
  spin_until (import_finished, dialog);
  g_assert_true (fidget_import_dialog_is_finished (dialog));
  g_assert_cmpuint (fidget_import_dialog_get_imported (dialog), ==, 1);
  g_assert_cmpstr (fidget_import_dialog_get_outcome (dialog, 0), ==, "imported");
  /* Done: the keys are on Close, so Enter ends the dialog as it started the import. */
  g_assert_true (GTK_IS_BUTTON (gtk_window_get_focus (GTK_WINDOW (dialog))));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_window_get_focus (GTK_WINDOW (dialog)))),
                   ==, "_Close");
  g_test_message ("%s", fidget_import_dialog_get_outcome (dialog, 1));
  g_assert_nonnull (strstr (fidget_import_dialog_get_outcome (dialog, 1), "notes.mkv"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_drain ();

  /* The window's list has it, with its participant. */
  g_assert_cmpstr (fidget_window_get_project_page_name (window), ==, "videos");
  rows = app_test_action_rows (fidget_window_get_video_list (window));
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)),
                                   "P042 · 640×480 · 30/1 fps · 78 frames"));

  destroy_all_toplevels ();
}

static void
test_application_actions (void)
{
  g_autoptr(FidgetApplication) app = NULL;
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
  g_auto(GStrv) quit_accels = NULL;
  g_auto(GStrv) close_accels = NULL;
  FidgetWindow *window;
  GtkWidget *watched;

  REQUIRE_DISPLAY ();

  app = create_started_application ();
  for (guint i = 0; i < 4; i++)
    {
      static const char *names[] = { "quit", "about", "new-project", "open-project" };

      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), names[i]));
    }
  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char * const *) quit_accels, "<Control>q"));
  close_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.close");
  g_assert_true (g_strv_contains ((const char * const *) close_accels, "<Control>w"));

  window = fidget_window_new (GTK_APPLICATION (app), NULL);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (widget_is_mapped, window);
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, "welcome");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  app_test_drain ();
  g_assert_cmpuint (count_toplevels_of_type (ADW_TYPE_ABOUT_WINDOW), ==, 1);

  /* win.close closes the window, and the window leaves its size for the next start. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1001, 701);
  watched = GTK_WIDGET (window);
  g_object_add_weak_pointer (G_OBJECT (watched), (gpointer *) &watched);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close", NULL));
  app_test_drain ();
  g_assert_null (watched);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1001);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 701);

  destroy_all_toplevels ();
}

typedef struct
{
  FidgetApplication *app;
  char              *expected_path;
  char              *expected_annotator;
  const char        *expected_page;
  gboolean           checked;
} RunCheck;

/* Runs inside g_application_run, once the command line has been handled. */
static gboolean
check_running_application (gpointer data)
{
  RunCheck *check = data;
  g_autoptr(GList) windows = NULL;
  FidgetWindow *window;
  FidgetProject *project;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (check->app)));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  window = FIDGET_WINDOW (windows->data);
  project = fidget_window_get_project (window);

  g_assert_null (find_message_dialog ());
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, check->expected_page);
  if (check->expected_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (check->expected_path);

      g_assert_nonnull (project);
      g_assert_true (fidget_window_has_file (window, file));
      g_assert_cmpstr (fidget_project_get_actor (project), ==, check->expected_annotator);
    }
  else
    g_assert_null (project);
  g_assert_cmpstr (fidget_window_get_annotator (window), ==, check->expected_annotator);

  check->checked = TRUE;
  /* app.quit closes the windows and ends g_application_run(). */
  g_action_group_activate_action (G_ACTION_GROUP (check->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static int
run_application (RunCheck   *check,
                 const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  guint timeout;
  int status;

  g_ptr_array_add (argv, (char *) "fidget");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  timeout = g_timeout_add (200, check_running_application, check);
  status = g_application_run (G_APPLICATION (check->app), (int) argv->len - 1,
                              (char **) argv->pdata);
  if (!check->checked)
    g_source_remove (timeout);
  return status;
}

static void
test_application_command_line (void)
{
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
  g_autofree char *path = NULL;
  g_autofree char *remembered = NULL;
  RunCheck check = { 0 };
  int status;

  REQUIRE_DISPLAY ();

  path = create_project (TRUE);
  check.app = create_application ();
  check.expected_path = path;
  check.expected_annotator = (char *) "Carol";
  check.expected_page = "workspace";

  status = run_application (&check, (const char *const[]) { "--annotator", "Carol", path, NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_true (check.checked);
  g_clear_object (&check.app);

  /* The name is remembered as the default for the next start. */
  remembered = g_settings_get_string (settings, "annotator");
  g_assert_cmpstr (remembered, ==, "Carol");

  destroy_all_toplevels ();
}

static void
test_application_reopens_last_project (void)
{
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
  g_autofree char *path = NULL;
  g_autofree char *gone = NULL;
  RunCheck check = { 0 };
  int status;

  REQUIRE_DISPLAY ();

  /* Started without a project, Fidget opens the last one, as the last annotator. */
  path = create_project (TRUE);
  g_settings_set_string (settings, "last-project", path);
  g_settings_set_string (settings, "annotator", "Dana");
  check.app = create_application ();
  check.expected_path = path;
  check.expected_annotator = (char *) "Dana";
  check.expected_page = "workspace";
  status = run_application (&check, (const char *const[]) { NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_true (check.checked);
  g_clear_object (&check.app);
  destroy_all_toplevels ();

  /* A last project that has gone away is quietly not reopened: the welcome page shows. */
  gone = g_strconcat (path, ".gone", NULL);
  g_assert_cmpint (g_rename (path, gone), ==, 0);
  check = (RunCheck) { 0 };
  check.app = create_application ();
  check.expected_path = NULL;
  check.expected_annotator = (char *) "Dana";
  check.expected_page = "welcome";
  status = run_application (&check, (const char *const[]) { NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_true (check.checked);
  g_clear_object (&check.app);

  destroy_all_toplevels ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* gtk_init() aborts without a display; the check lets the tests skip instead. */
  app_test_init_display ();

  g_test_add_func ("/app/window/lists-videos", test_window_lists_videos);
  g_test_add_func ("/app/window/remove-video", test_window_remove_video);
  g_test_add_func ("/app/window/empty-project", test_window_empty_project);
  g_test_add_func ("/app/window/open-errors", test_window_open_errors);
  g_test_add_func ("/app/window/create-project", test_window_create_project);
  g_test_add_func ("/app/window/import", test_window_import);
  g_test_add_func ("/app/application/actions", test_application_actions);
  g_test_add_func ("/app/application/command-line", test_application_command_line);
  g_test_add_func ("/app/application/reopens-last-project", test_application_reopens_last_project);

  return g_test_run ();
}
