/* test-package-dialog.c: the work-package dialogs on real projects, under a (virtual) display
 *
 * The file chooser is a portal on the desktop; the tests hand the dialogs their file directly
 * (fidget_package_dialog_set_file(), what the chooser's answer does) and press the buttons
 * through the same functions the buttons call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "app-test-util.h"
#include "fidget-application.h"
#include "fidget-package-dialog.h"
#include "fidget-review.h"
#include "fidget-test-util.h"

/* Runs the main loop until the dialog's work has ended, for at most twenty seconds. */
static void
wait_idle (FidgetPackageDialog *dialog)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fidget_package_dialog_is_busy (dialog) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  app_test_drain ();
  g_assert_false (fidget_package_dialog_is_busy (dialog));
}

/* A coordinator's project with the sample video (real hash, so it can travel) assigned to
 * amara, checked by bo and carmen, reviewed by dev. */
static FidgetProject *
make_project (const char *dir,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autofree char *sum = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) info = fidget_video_new ();
  g_autoptr(FidgetVideo) video = NULL;
  const char *names[] = { "amara", "bo", "carmen", "dev", NULL };
  const char *checkers[] = { "bo", "carmen", NULL };
  GStatBuf st;

  if (sample == NULL)
    return NULL;
  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(FidgetAnnotator) a = fidget_project_add_annotator (project, names[i], &error);
      g_assert_no_error (error);
    }
  sum = fidget_test_file_checksum (sample);
  g_assert_cmpint (g_stat (sample, &st), ==, 0);
  info->content_hash = g_strconcat ("sha256:", sum, NULL);
  info->size_bytes = st.st_size;
  info->width = 640;
  info->height = 480;
  info->fps_num = 30;
  info->fps_den = 1;
  info->frame_count = 78;
  info->duration_ns = 2600000000;
  video = fidget_project_add_video (project, info, sample, "P001", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_assign (project, video->id, "amara", checkers, "dev", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

static void
on_changed (FidgetProject *project,
            const char    *entity,
            gint64         video_id,
            guint         *count)
{
  (*count)++;
}

static void
test_export_dialog (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPackageDialog *dialog;

  REQUIRE_DISPLAY ();
  dir = fidget_test_make_tmpdir ();
  out = g_build_filename (dir, "amara.fidgetpkg", NULL);
  if (!(project = make_project (dir, "study.fidget")))
    return;

  dialog = fidget_package_dialog_new_export (NULL, project);
  gtk_window_present (GTK_WINDOW (dialog));
  /* The keys start on whom it is for, not on the header's Cancel. */
  g_assert_true (ADW_IS_COMBO_ROW (gtk_window_get_focus (GTK_WINDOW (dialog))));
  /* Nothing chosen yet: Export stays off. */
  g_assert_false (fidget_package_dialog_can_start (dialog));
  fidget_package_dialog_set_person (dialog, "amara");
  g_assert_false (fidget_package_dialog_can_start (dialog));
  fidget_package_dialog_set_with_videos (dialog, TRUE);
  fidget_package_dialog_set_file (dialog, out);
  g_assert_true (fidget_package_dialog_can_start (dialog));

  fidget_package_dialog_start (dialog);
  g_assert_true (fidget_package_dialog_is_busy (dialog));
  wait_idle (dialog);
  g_assert_null (fidget_package_dialog_get_error (dialog));
  g_assert_true (fidget_package_dialog_is_done (dialog));
  g_assert_false (fidget_package_dialog_can_start (dialog));
  g_assert_nonnull (strstr (fidget_package_dialog_get_status (dialog), "amara"));

  /* The package the dialog wrote is a sound one, with the video in it. */
  info = fidget_work_package_read_info (out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->person, ==, "amara");
  g_assert_cmpuint (info->n_video_files, ==, 1);

  /* Someone with nothing assigned: the refusal is shown, and nothing is written. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_free (out);
  out = g_build_filename (dir, "dev.fidgetpkg", NULL);
  dialog = fidget_package_dialog_new_export (NULL, project);
  gtk_window_present (GTK_WINDOW (dialog));
  fidget_package_dialog_set_person (dialog, "dev");
  fidget_package_dialog_set_file (dialog, out);
  fidget_package_dialog_start (dialog);
  wait_idle (dialog);
  g_assert_nonnull (fidget_package_dialog_get_error (dialog));
  g_assert_false (fidget_package_dialog_is_done (dialog));
  g_assert_cmpstr (fidget_package_dialog_get_status (dialog), ==,
                   fidget_package_dialog_get_error (dialog)->message);
  g_assert_true (fidget_package_dialog_can_start (dialog));   /* another try is possible */
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_import_dialog (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *laptop = NULL;
  g_autofree char *local_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *back = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetProject) local = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) created = NULL;
  g_autoptr(FidgetSegment) s1 = NULL, s2 = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GError) error = NULL;
  const FidgetWorkPackageResult *result;
  FidgetPackageDialog *dialog;
  guint changed = 0;

  REQUIRE_DISPLAY ();
  dir = fidget_test_make_tmpdir ();
  laptop = g_build_filename (dir, "laptop", NULL);
  g_assert_cmpint (g_mkdir (laptop, 0755), ==, 0);
  local_path = g_build_filename (laptop, "amara.fidget", NULL);
  out = g_build_filename (dir, "amara.fidgetpkg", NULL);
  back = g_build_filename (dir, "back.fidgetpkg", NULL);
  if (!(project = make_project (dir, "study.fidget")))
    return;

  /* amara's round: assignment out, two segments on the laptop, the work back. */
  info = fidget_work_package_export (project, "amara", out, FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  local = fidget_work_package_create_project (local_path, out, NULL, NULL, NULL, NULL, &created,
                                              &error);
  g_assert_no_error (error);
  fidget_project_set_actor (local, "amara");
  s1 = fidget_project_add_segment (local, 1, "amara", 3, 20, "B1", &error);
  g_assert_no_error (error);
  s2 = fidget_project_add_segment (local, 1, "amara", 30, 50, "C2", &error);
  g_assert_no_error (error);
  info = fidget_work_package_export (local, "amara", back, FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The laptop's export dialog offers its own person only. */
  dialog = fidget_package_dialog_new_export (NULL, local);
  fidget_package_dialog_set_person (dialog, "bo");
  fidget_package_dialog_set_file (dialog, out);
  fidget_package_dialog_start (dialog);
  wait_idle (dialog);
  g_assert_true (fidget_package_dialog_is_done (dialog));   /* amara's, not bo's */
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_signal_connect (project, "changed", G_CALLBACK (on_changed), &changed);
  dialog = fidget_package_dialog_new_import (NULL, project);
  gtk_window_present (GTK_WINDOW (dialog));
  /* The keys start on choosing the package. */
  g_assert_true (GTK_IS_BUTTON (gtk_window_get_focus (GTK_WINDOW (dialog))));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_window_get_focus (GTK_WINDOW (dialog)))),
                   ==, "C_hoose…");
  g_assert_false (fidget_package_dialog_can_start (dialog));

  /* Choosing the file shows what it holds and what would change, and changes nothing. */
  fidget_package_dialog_set_file (dialog, back);
  g_assert_true (fidget_package_dialog_is_busy (dialog));
  wait_idle (dialog);
  g_assert_null (fidget_package_dialog_get_error (dialog));
  result = fidget_package_dialog_get_result (dialog);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->report->inserted[FIDGET_MERGE_SEGMENT], ==, 2);
  g_assert_cmpint (result->info->direction, ==, FIDGET_PACKAGE_RETURN);
  segments = fidget_project_list_segments (project, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, 0);
  g_clear_pointer (&segments, g_ptr_array_unref);
  g_assert_cmpuint (changed, ==, 0);
  g_assert_true (fidget_package_dialog_can_start (dialog));

  /* Import applies it; the window's project hears of it. */
  fidget_package_dialog_start (dialog);
  wait_idle (dialog);
  g_assert_null (fidget_package_dialog_get_error (dialog));
  g_assert_true (fidget_package_dialog_is_done (dialog));
  segments = fidget_project_list_segments (project, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, ==, 2);
  g_assert_cmpuint (changed, >, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The same package again: nothing to import, the button stays off. */
  dialog = fidget_package_dialog_new_import (NULL, project);
  fidget_package_dialog_set_file (dialog, back);
  wait_idle (dialog);
  g_assert_null (fidget_package_dialog_get_error (dialog));
  g_assert_cmpuint (fidget_package_dialog_get_result (dialog)->report->n_changes, ==, 0);
  g_assert_false (fidget_package_dialog_can_start (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_signal_handlers_disconnect_by_func (project, on_changed, &changed);
}

static void
test_import_dialog_refusal (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *other_dir = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetProject) other = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPackageDialog *dialog;

  REQUIRE_DISPLAY ();
  dir = fidget_test_make_tmpdir ();
  other_dir = g_build_filename (dir, "other", NULL);
  g_assert_cmpint (g_mkdir (other_dir, 0755), ==, 0);
  foreign = g_build_filename (dir, "foreign.fidgetpkg", NULL);
  broken = g_build_filename (dir, "broken.fidgetpkg", NULL);
  if (!(project = make_project (dir, "study.fidget")) ||
      !(other = make_project (other_dir, "other.fidget")))
    return;
  info = fidget_work_package_export (other, "amara", foreign, FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (broken, "not a package at all", -1, NULL));
  before = fidget_test_file_checksum (fidget_project_get_path (project));

  dialog = fidget_package_dialog_new_import (NULL, project);
  gtk_window_present (GTK_WINDOW (dialog));
  fidget_package_dialog_set_file (dialog, foreign);
  wait_idle (dialog);
  g_assert_nonnull (fidget_package_dialog_get_error (dialog));
  g_assert_nonnull (strstr (fidget_package_dialog_get_status (dialog), "another project"));
  g_assert_false (fidget_package_dialog_can_start (dialog));

  /* Another choice in the same dialog: a file that is no package. */
  fidget_package_dialog_set_file (dialog, broken);
  wait_idle (dialog);
  g_assert_nonnull (strstr (fidget_package_dialog_get_status (dialog), "broken.fidgetpkg"));
  g_assert_false (fidget_package_dialog_can_start (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  after = fidget_test_file_checksum (fidget_project_get_path (project));
  g_assert_cmpstr (before, ==, after);
}

/* Cancel and close while working: the outcome shown is the one on disk. */
static void
test_export_cancel (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autoptr(FidgetProject) project = NULL;
  FidgetPackageDialog *dialog;

  REQUIRE_DISPLAY ();
  dir = fidget_test_make_tmpdir ();
  out = g_build_filename (dir, "amara.fidgetpkg", NULL);
  if (!(project = make_project (dir, "study.fidget")))
    return;

  dialog = fidget_package_dialog_new_export (NULL, project);
  gtk_window_present (GTK_WINDOW (dialog));
  fidget_package_dialog_set_person (dialog, "amara");
  fidget_package_dialog_set_with_videos (dialog, TRUE);
  fidget_package_dialog_set_file (dialog, out);
  fidget_package_dialog_start (dialog);
  fidget_package_dialog_cancel (dialog);
  wait_idle (dialog);
  g_test_message ("cancelled export: %s", fidget_package_dialog_get_status (dialog));
  if (fidget_package_dialog_is_done (dialog))
    g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  else
    {
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      g_assert_nonnull (strstr (fidget_package_dialog_get_status (dialog), "Cancelled"));
    }
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Closing the window while it works: no crash, and no half-written file left. */
  g_unlink (out);
  dialog = fidget_package_dialog_new_export (NULL, project);
  gtk_window_present (GTK_WINDOW (dialog));
  fidget_package_dialog_set_person (dialog, "amara");
  fidget_package_dialog_set_file (dialog, out);
  fidget_package_dialog_start (dialog);
  /* The worker's callback holds the dialog: it is finalized once the worker has ended. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (dialog != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_null (dialog);
  {
    g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (folder)) != NULL)
      g_assert_null (strstr (name, "partial"));
  }
}

/* The window of @app that shows @file, NULL when none does (yet). */
static FidgetWindow *
window_with_file (FidgetApplication *app,
                  GFile             *file)
{
  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (FIDGET_IS_WINDOW (l->data) && fidget_window_has_file (l->data, file))
      return l->data;
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* An annotator starts a laptop project from the coordinator's package in the app: it opens
 * with the coordinator's identity and the assignment; a file that is no package is refused in
 * the dialog and leaves no project behind. */
static void
test_start_from_package (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *local_path = NULL;
  g_autofree char *bogus = NULL;
  g_autofree char *bogus_project = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetApplication) app = NULL;
  g_autoptr(GFile) package = NULL;
  g_autoptr(GFile) local = NULL;
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GError) error = NULL;
  FidgetWindow *window = NULL;
  AdwMessageDialog *dialog = NULL;
  gint64 deadline;

  REQUIRE_DISPLAY ();
  dir = fidget_test_make_tmpdir ();
  if (!(project = make_project (dir, "study.fidget")))
    return;
  out = g_build_filename (dir, "amara.fidgetpkg", NULL);
  info = fidget_work_package_export (project, "amara", out, TRUE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  app = fidget_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  local_path = g_build_filename (dir, "laptop.fidget", NULL);
  package = g_file_new_for_path (out);
  local = g_file_new_for_path (local_path);
  fidget_application_start_from_package (app, package, local);
  g_assert_nonnull (find_message_dialog ());   /* progress and Cancel while it works */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((window = window_with_file (app, local)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (window);
  g_assert_cmpstr (fidget_project_get_uuid (fidget_window_get_project (window)), ==,
                   fidget_project_get_uuid (project));
  videos = fidget_project_list_videos (fidget_window_get_project (window), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (videos->len, ==, 1);
  app_test_drain ();
  g_assert_null (find_message_dialog ());   /* gone once done */

  /* Not a package: refused in the dialog, no project file left. */
  bogus = g_build_filename (dir, "notes.fidgetpkg", NULL);
  g_assert_true (g_file_set_contents (bogus, "not a package", -1, NULL));
  bogus_project = g_build_filename (dir, "bogus.fidget", NULL);
  {
    g_autoptr(GFile) bogus_file = g_file_new_for_path (bogus);
    g_autoptr(GFile) bogus_local = g_file_new_for_path (bogus_project);

    fidget_application_start_from_package (app, bogus_file, bogus_local);
  }
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline &&
         ((dialog = find_message_dialog ()) == NULL ||
          g_strcmp0 (adw_message_dialog_get_heading (dialog),
                     "Could Not Start From the Package") != 0))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Start From the Package");
  g_test_message ("refusal: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "notes.fidgetpkg"));
  g_assert_false (g_file_test (bogus_project, G_FILE_TEST_EXISTS));

  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (const GList *l = toplevels; l != NULL; l = l->next)
      gtk_window_destroy (GTK_WINDOW (l->data));
  }
  app_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* gtk_init() aborts without a display; the check lets the tests skip instead. */
  app_test_init_display ();

  g_test_add_func ("/app/package-dialog/export", test_export_dialog);
  g_test_add_func ("/app/package-dialog/import", test_import_dialog);
  g_test_add_func ("/app/package-dialog/refusal", test_import_dialog_refusal);
  g_test_add_func ("/app/package-dialog/cancel", test_export_cancel);
  g_test_add_func ("/app/package-dialog/start-from-package", test_start_from_package);

  return g_test_run ();
}
