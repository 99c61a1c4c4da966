/* test-export-dialog.c: the Export Dataset dialog, driven as a person would (under Xvfb)
 *
 * A study of four sample clips, one participant each, nine segments and nothing verified:
 * the preview refuses the ground truth and counts every segment otherwise; a folder and an
 * archive export give packages that verify; cancelling a clip export halfway, to a folder
 * or to an archive, leaves nothing behind; a folder with someone's files is refused with
 * those files untouched. With FIDGET_EXPORT_SHOTS=DIR the dialog is saved as PNG there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "app-test-util.h"
#include "fidget-dataset.h"
#include "fidget-export-dialog.h"
#include "fidget-package-archive.h"
#include "fidget-test-util.h"
#include "fidget-video-import.h"

static char *study_dir;
static char *study_path;

static const struct
{
  guint       video;
  gint64      start;
  gint64      end;
  const char *action;
} segments[] = {
  { 0, 0, 20, "B1" }, { 0, 20, 45, "C3" }, { 0, 45, 78, "A1" },
  { 1, 5, 30, "B1" }, { 1, 30, 60, "D2" },
  { 2, 0, 25, "C3" }, { 2, 25, 60, "E1" },
  { 3, 10, 40, "B1" }, { 3, 40, 66, "F1" },
};

/* The study is made once; each test opens its own connection. */
static FidgetProject *
open_study (void)
{
  g_autoptr(GError) error = NULL;
  FidgetProject *project;

  if (study_path == NULL)
    {
      const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };
      const char *participants[] = { "P001", "P002", "P003", "P004" };
      g_autoptr(FidgetProject) created = NULL;
      g_autoptr(FidgetAnnotator) annotator = NULL;
      gint64 ids[4];

      if (fidget_test_samples_dir () == NULL)
        return NULL;
      study_dir = fidget_test_make_tmpdir ();
      study_path = g_build_filename (study_dir, "study.fidget", NULL);
      created = fidget_project_create (study_path, &error);
      g_assert_no_error (error);
      for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
        {
          g_autofree char *sample = fidget_test_sample (samples[v]);
          FidgetImportOptions options = { participants[v], "male", "26-35" };
          g_autoptr(FidgetVideo) video = fidget_import_video (created, sample, &options, NULL,
                                                              NULL, NULL, &error);
          g_assert_no_error (error);
          ids[v] = video->id;
        }
      annotator = fidget_project_add_annotator (created, "amara", &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
        {
          g_autoptr(FidgetSegment) segment =
            fidget_project_add_segment (created, ids[segments[i].video], "amara",
                                        segments[i].start, segments[i].end, segments[i].action,
                                        &error);
          g_assert_no_error (error);
        }
    }
  project = fidget_project_open (study_path, &error);
  g_assert_no_error (error);
  return project;
}

/* Runs the main loop until the export has ended, for at most a minute. */
static void
spin_until_finished (FidgetExportDialog *dialog)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (fidget_export_dialog_is_running (dialog) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (fidget_export_dialog_is_running (dialog));
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

/* Renders the dialog as it is on screen into $FIDGET_EXPORT_SHOTS/@name, when asked. */
static void
maybe_screenshot (GtkWidget  *widget,
                  const char *name)
{
  const char *dir = g_getenv ("FIDGET_EXPORT_SHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  app_test_spin_for (400);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (app_test_save_png (widget, path));
  g_test_message ("saved %s (%dx%d)", path, gtk_widget_get_width (widget),
                  gtk_widget_get_height (widget));
}

static FidgetExportDialog *
new_dialog (FidgetProject *project)
{
  FidgetExportDialog *dialog = fidget_export_dialog_new (NULL, project);

  gtk_window_present (GTK_WINDOW (dialog));
  app_test_spin_for (100);
  /* The keys start on the first choice: on the header's Cancel, Enter closed the dialog. */
  g_assert_true (ADW_IS_COMBO_ROW (gtk_window_get_focus (GTK_WINDOW (dialog))));
  return dialog;
}

/* {{{ Preview */

static void
test_preview (void)
{
  g_autoptr(FidgetProject) project = NULL;
  FidgetExportDialog *dialog;

  REQUIRE_DISPLAY ();
  if (!(project = open_study ()))
    return;
  dialog = new_dialog (project);

  /* The ground truth by default, and nothing is verified: said at once, no export. */
  g_assert_cmpuint (fidget_export_dialog_get_n_clips (dialog), ==, 0);
  g_assert_nonnull (strstr (fidget_export_dialog_get_preview_error (dialog), "verified"));
  fidget_export_dialog_set_destination (dialog, "/nonexistent/never-written");
  fidget_export_dialog_start (dialog);
  g_assert_false (fidget_export_dialog_is_running (dialog));
  g_assert_cmpint (fidget_export_dialog_get_outcome (dialog, NULL), ==, FIDGET_EXPORT_NOT_RUN);
  maybe_screenshot (GTK_WIDGET (dialog), "export-dialog-refused.png");

  fidget_export_dialog_set_ground_truth (dialog, FALSE);
  g_assert_cmpuint (fidget_export_dialog_get_n_clips (dialog), ==, G_N_ELEMENTS (segments));
  g_assert_null (fidget_export_dialog_get_preview_error (dialog));

  fidget_export_dialog_set_split (dialog, 0, 0, 0, 0);
  g_assert_cmpuint (fidget_export_dialog_get_n_clips (dialog), ==, 0);
  g_assert_nonnull (strstr (fidget_export_dialog_get_preview_error (dialog), "at least one"));
  fidget_export_dialog_set_split (dialog, 2, 1, 1, 5);
  g_assert_cmpuint (fidget_export_dialog_get_n_clips (dialog), ==, G_N_ELEMENTS (segments));

  /* An archive name picks the archive format; the destination keeps its name. */
  fidget_export_dialog_set_destination (dialog, "/tmp/somewhere/pkg.tar.gz");
  g_assert_cmpstr (fidget_export_dialog_get_destination (dialog), ==, "/tmp/somewhere/pkg.tar.gz");
  maybe_screenshot (GTK_WIDGET (dialog), "export-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* }}} */
/* {{{ Exports */

static void
test_folder_and_archive (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *archive = NULL;
  FidgetExportDialog *dialog;
  const char *message = NULL;
  guint n_files = 0, n_archived = 0;

  REQUIRE_DISPLAY ();
  if (!(project = open_study ()))
    return;
  out_dir = fidget_test_make_tmpdir ();
  folder = g_build_filename (out_dir, "package", NULL);
  archive = g_build_filename (out_dir, "study.tar.zst", NULL);

  dialog = new_dialog (project);
  fidget_export_dialog_set_ground_truth (dialog, FALSE);
  fidget_export_dialog_set_destination (dialog, folder);
  fidget_export_dialog_start (dialog);
  g_assert_true (fidget_export_dialog_is_running (dialog));
  spin_until_finished (dialog);
  g_assert_cmpint (fidget_export_dialog_get_outcome (dialog, &message), ==, FIDGET_EXPORT_DONE);
  g_assert_nonnull (strstr (message, "Exported 9 clips"));
  g_assert_nonnull (strstr (message, folder));
  g_assert_true (fidget_dataset_verify_package (folder, &n_files, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_files, >, 10);
  maybe_screenshot (GTK_WIDGET (dialog), "export-dialog-done.png");

  /* Another export from the same dialog, as an archive. */
  fidget_export_dialog_set_destination (dialog, archive);
  fidget_export_dialog_start (dialog);
  spin_until_finished (dialog);
  g_assert_cmpint (fidget_export_dialog_get_outcome (dialog, &message), ==, FIDGET_EXPORT_DONE);
  g_assert_true (fidget_package_verify_archive (archive, &n_archived, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_archived, ==, n_files);
  /* The archive and the folder, no work folder or temporary file beside them. */
  g_assert_cmpuint (count_entries (out_dir), ==, 2);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
cancel_when_cutting (GObject    *object,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  FidgetExportDialog *dialog = FIDGET_EXPORT_DIALOG (object);
  double fraction;

  g_object_get (dialog, "fraction", &fraction, NULL);
  if (fraction > 0.0 && fraction < 1.0 && fidget_export_dialog_is_running (dialog))
    {
      *(gboolean *) user_data = TRUE;
      fidget_export_dialog_cancel (dialog);
    }
}

/* Cancel halfway through cutting clips: nothing of the export is left, folder or archive. */
static void
test_cancel (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autofree char *out_dir = NULL;

  REQUIRE_DISPLAY ();
  if (!(project = open_study ()))
    return;
  out_dir = fidget_test_make_tmpdir ();

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *target = g_build_filename (out_dir, i == 0 ? "clips" : "clips.zip", NULL);
      FidgetExportDialog *dialog = new_dialog (project);
      const char *message = NULL;
      gboolean cancelled_midway = FALSE;
      gint64 started;

      fidget_export_dialog_set_ground_truth (dialog, FALSE);
      fidget_export_dialog_set_clips (dialog, TRUE);
      /* Slow enough that the cancel surely comes before the end. */
      fidget_export_dialog_set_clip_encoding (dialog, "slow", 0, 960);
      fidget_export_dialog_set_destination (dialog, target);
      g_signal_connect (dialog, "notify::fraction", G_CALLBACK (cancel_when_cutting),
                        &cancelled_midway);
      started = g_get_monotonic_time ();
      fidget_export_dialog_start (dialog);
      spin_until_finished (dialog);
      g_test_message ("%s: stopped after %.0f ms", target,
                      (g_get_monotonic_time () - started) / 1000.0);
      g_assert_true (cancelled_midway);
      g_assert_cmpint (fidget_export_dialog_get_outcome (dialog, &message), ==,
                       FIDGET_EXPORT_CANCELLED);
      g_assert_nonnull (strstr (message, "Nothing was left"));
      g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (count_entries (out_dir), ==, 0);
      if (i == 1)
        maybe_screenshot (GTK_WIDGET (dialog), "export-dialog-cancelled.png");
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

static void
close_when_cutting (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  double fraction;

  g_object_get (object, "fraction", &fraction, NULL);
  if (fraction > 0.0 && fraction < 1.0 && !*(gboolean *) user_data)
    {
      *(gboolean *) user_data = TRUE;
      gtk_window_close (GTK_WINDOW (object));
    }
}

/* Closing the window while it exports cancels first, then closes; nothing is left. */
static void
test_close_while_running (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *target = NULL;
  FidgetExportDialog *dialog;
  gboolean closed = FALSE;
  gint64 deadline;

  REQUIRE_DISPLAY ();
  if (!(project = open_study ()))
    return;
  out_dir = fidget_test_make_tmpdir ();
  target = g_build_filename (out_dir, "closed", NULL);
  dialog = new_dialog (project);
  g_object_ref (dialog);
  fidget_export_dialog_set_ground_truth (dialog, FALSE);
  fidget_export_dialog_set_clips (dialog, TRUE);
  fidget_export_dialog_set_clip_encoding (dialog, "slow", 0, 960);
  fidget_export_dialog_set_destination (dialog, target);
  g_signal_connect (dialog, "notify::fraction", G_CALLBACK (close_when_cutting), &closed);
  fidget_export_dialog_start (dialog);
  spin_until_finished (dialog);
  g_assert_true (closed);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (gtk_widget_get_visible (GTK_WIDGET (dialog)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpint (fidget_export_dialog_get_outcome (dialog, NULL), ==, FIDGET_EXPORT_CANCELLED);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_object_unref (dialog);
}

/* A folder with someone's files: refused, the files as they were, the dialog ready again. */
static void
test_refused (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autofree char *busy = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  FidgetExportDialog *dialog;
  const char *message = NULL;

  REQUIRE_DISPLAY ();
  if (!(project = open_study ()))
    return;
  busy = fidget_test_make_tmpdir ();
  mine = g_build_filename (busy, "thesis.tex", NULL);
  g_assert_true (g_file_set_contents (mine, "my work", -1, NULL));
  before = fidget_test_file_checksum (mine);

  dialog = new_dialog (project);
  fidget_export_dialog_set_ground_truth (dialog, FALSE);
  fidget_export_dialog_set_destination (dialog, busy);
  fidget_export_dialog_start (dialog);
  spin_until_finished (dialog);
  g_assert_cmpint (fidget_export_dialog_get_outcome (dialog, &message), ==, FIDGET_EXPORT_FAILED);
  g_assert_nonnull (strstr (message, busy));
  g_assert_nonnull (strstr (message, "not empty"));
  after = fidget_test_file_checksum (mine);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_entries (busy), ==, 1);
  maybe_screenshot (GTK_WIDGET (dialog), "export-dialog-failed.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* gtk_init() aborts without a display; the check lets the tests skip instead. */
  app_test_init_display ();
  fidget_media_init ();

  g_test_add_func ("/export-dialog/preview", test_preview);
  g_test_add_func ("/export-dialog/folder-and-archive", test_folder_and_archive);
  g_test_add_func ("/export-dialog/cancel", test_cancel);
  g_test_add_func ("/export-dialog/close-while-running", test_close_while_running);
  g_test_add_func ("/export-dialog/refused", test_refused);
  return g_test_run ();
}
