/* fidget-application.c: the application, its actions and its command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fidget-application.h"
#include "fidget-work-package.h"
#include "fidget-settings.h"

#define PROJECT_SUFFIX ".fidget"

struct _FidgetApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;             /* NULL when the schema is not installed */
  char           *annotator;            /* what new windows record edits under */
  char           *requested_annotator;  /* --annotator of the invocation being handled */
};

G_DEFINE_FINAL_TYPE (FidgetApplication, fidget_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "annotator", 'a', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Record edits under NAME, and remember it for next time"), N_("NAME") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

/* Reading the option in handle-local-options only reaches the process that parsed it. When
 * Fidget is already running, the name travels to it in the platform data of the activate or
 * open call, and before-emit picks it up there. */
static int
fidget_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  FidgetApplication *self = FIDGET_APPLICATION (app);
  const char *annotator = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("fidget %s\n", FIDGET_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "annotator", "&s", &annotator))
    {
      g_free (self->requested_annotator);
      self->requested_annotator = g_strdup (annotator);
    }

  return -1;
}

static void
fidget_application_add_platform_data (GApplication    *app,
                                      GVariantBuilder *builder)
{
  FidgetApplication *self = FIDGET_APPLICATION (app);

  G_APPLICATION_CLASS (fidget_application_parent_class)->add_platform_data (app, builder);

  if (self->requested_annotator != NULL)
    g_variant_builder_add (builder, "{sv}", "fidget-annotator",
                           g_variant_new_string (self->requested_annotator));
}

static void
fidget_application_before_emit (GApplication *app,
                                GVariant     *platform_data)
{
  FidgetApplication *self = FIDGET_APPLICATION (app);
  const char *annotator = NULL;

  G_APPLICATION_CLASS (fidget_application_parent_class)->before_emit (app, platform_data);

  if (g_variant_lookup (platform_data, "fidget-annotator", "&s", &annotator))
    {
      g_free (self->requested_annotator);
      self->requested_annotator = g_strdup (annotator);
    }
}

/* Applies a pending --annotator once: it becomes the default for new windows and is saved
 * for the next start. Returns whether one was pending. */
static gboolean
fidget_application_apply_requested_annotator (FidgetApplication *self)
{
  g_autofree char *annotator = g_steal_pointer (&self->requested_annotator);

  if (annotator == NULL)
    return FALSE;

  fidget_application_set_annotator (self, annotator);
  return TRUE;
}

const char *
fidget_application_get_annotator (FidgetApplication *self)
{
  g_return_val_if_fail (FIDGET_IS_APPLICATION (self), NULL);

  return self->annotator;
}

void
fidget_application_set_annotator (FidgetApplication *self,
                                  const char        *annotator)
{
  g_return_if_fail (FIDGET_IS_APPLICATION (self));

  if (annotator != NULL && annotator[0] == '\0')
    annotator = NULL;

  if (annotator != self->annotator)
    {
      g_free (self->annotator);
      self->annotator = g_strdup (annotator);
    }

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "annotator", annotator != NULL ? annotator : "");
}

static FidgetWindow *
fidget_application_new_window (FidgetApplication *self)
{
  return fidget_window_new (GTK_APPLICATION (self), self->annotator);
}

static FidgetWindow *
fidget_application_find_window (FidgetApplication *self,
                                GFile             *file)
{
  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      if (FIDGET_IS_WINDOW (l->data) && fidget_window_has_file (l->data, file))
        return l->data;
    }
  return NULL;
}

static FidgetWindow *
fidget_application_get_active_fidget_window (FidgetApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* A dialog may be the active window: its parent is the window the user works in. */
  while (active != NULL && !FIDGET_IS_WINDOW (active))
    active = gtk_window_get_transient_for (active);
  return active != NULL ? FIDGET_WINDOW (active) : NULL;
}

FidgetWindow *
fidget_application_open_file (FidgetApplication *self,
                              GFile             *file,
                              gboolean           create)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetWindow *active;
  FidgetWindow *window;

  g_return_val_if_fail (FIDGET_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  /* One project, one window: a second connection would only fight the first for locks. */
  if (!create && (window = fidget_application_find_window (self, file)) != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return window;
    }

  active = fidget_application_get_active_fidget_window (self);
  project = fidget_window_load_project_file (file, create, &error);

  /* The project is opened before a window is chosen so that a failure is told in the window
   * the user is looking at, rather than in a new, empty one. */
  if (project == NULL)
    {
      window = active != NULL ? active : fidget_application_new_window (self);
      gtk_window_present (GTK_WINDOW (window));
      fidget_window_report_load_error (window, create, error);
      return window;
    }

  /* An empty window takes the project, and with it whoever works now. */
  if (active != NULL && fidget_window_get_project (active) == NULL)
    {
      window = active;
      fidget_window_set_annotator (window, self->annotator);
    }
  else
    window = fidget_application_new_window (self);

  fidget_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
fidget_application_activate (GApplication *app)
{
  FidgetApplication *self = FIDGET_APPLICATION (app);
  gboolean annotator_changed = fidget_application_apply_requested_annotator (self);
  FidgetWindow *window = fidget_application_get_active_fidget_window (self);
  g_autofree char *last_project = NULL;

  if (window != NULL)
    {
      if (annotator_changed)
        fidget_window_set_annotator (window, self->annotator);
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  window = fidget_application_new_window (self);
  gtk_window_present (GTK_WINDOW (window));

  /* Started without a project: carry on where the user left off, if that file still exists.
   * One that fails to open is forgotten so that the error is not shown at every start. */
  if (self->settings != NULL)
    last_project = g_settings_get_string (self->settings, "last-project");
  if (last_project != NULL && last_project[0] != '\0'
      && g_file_test (last_project, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GFile) file = g_file_new_for_path (last_project);

      if (!fidget_window_open_project (window, file))
        g_settings_set_string (self->settings, "last-project", "");
    }
}

static void
fidget_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  FidgetApplication *self = FIDGET_APPLICATION (app);

  gboolean annotator_changed = fidget_application_apply_requested_annotator (self);

  for (int i = 0; i < n_files; i++)
    {
      FidgetWindow *window = fidget_application_open_file (self, files[i], FALSE);

      /* A project that was open already is now worked on by the person just named. */
      if (annotator_changed && window != NULL)
        fidget_window_set_annotator (window, self->annotator);
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FidgetApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing, not destroying, so that each window saves its size as it does when closed. */
  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (FIDGET_IS_WINDOW (l->data))
        gtk_window_close (GTK_WINDOW (l->data));
    }

  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FidgetApplication *self = user_data;
  static const char *developers[] = { "The Fidget developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", "Fidget",
                        "application-icon", FIDGET_APP_ID,
                        "version", FIDGET_VERSION,
                        "developer-name", _("The Fidget developers"),
                        "developers", developers,
                        "comments", _("Build micro-action datasets from interview video: mark "
                                      "segments frame by frame, review them in three steps, "
                                      "and export splits that training code reads directly."),
                        "website", "https://github.com/fidget/fidget",
                        "issue-url", "https://github.com/fidget/fidget/issues",
                        "copyright", "© 2026 The Fidget developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: replace with your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static GtkFileFilter *
create_project_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Fidget Projects"));
  gtk_file_filter_add_pattern (filter, "*" PROJECT_SUFFIX);
  gtk_file_filter_add_mime_type (filter, "application/x-fidget-project");
  return filter;
}

/* Starts the chooser where the last project was, which is where a new one most often goes. */
static void
set_chooser_folder (FidgetApplication *self,
                    GtkFileChooser    *chooser)
{
  g_autofree char *last_project = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->settings == NULL)
    return;
  last_project = g_settings_get_string (self->settings, "last-project");
  if (last_project[0] == '\0')
    return;
  folder = g_path_get_dirname (last_project);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    return;
  file = g_file_new_for_path (folder);
  gtk_file_chooser_set_current_folder (chooser, file, NULL);
}

static void
new_project_response (GtkNativeDialog *native,
                      int              response,
                      gpointer         user_data)
{
  FidgetApplication *self = user_data;

  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native))) != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      gsize len = strlen (name);
      gsize suffix_len = strlen (PROJECT_SUFFIX);

      /* A project is recognised by its suffix: add it when the user typed a bare name. */
      if (len <= suffix_len || g_ascii_strcasecmp (name + len - suffix_len, PROJECT_SUFFIX) != 0)
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *full_name = g_strconcat (name, PROJECT_SUFFIX, NULL);

          g_clear_object (&file);
          file = g_file_get_child (parent, full_name);
        }

      fidget_application_open_file (self, file, TRUE);
    }

  g_object_unref (native);
  g_application_release (G_APPLICATION (self));
}

static void
new_project_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FidgetApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkFileFilter) projects = create_project_filter ();
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("New Project"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("C_reate"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), projects);
  set_chooser_folder (self, GTK_FILE_CHOOSER (native));
  /* Translators: the proposed file name of a new project; keep the .fidget suffix */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), _("Untitled.fidget"));

  /* Held so that the application outlives the chooser even if its last window closes. */
  g_application_hold (G_APPLICATION (self));
  g_signal_connect (native, "response", G_CALLBACK (new_project_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_project_response (GtkNativeDialog *native,
                       int              response,
                       gpointer         user_data)
{
  FidgetApplication *self = user_data;

  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native))) != NULL)
    fidget_application_open_file (self, file, FALSE);

  g_object_unref (native);
  g_application_release (G_APPLICATION (self));
}

static void
open_project_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  FidgetApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkFileFilter) projects = create_project_filter ();
  g_autoptr(GtkFileFilter) all_files = gtk_file_filter_new ();
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Project"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), projects);
  gtk_file_filter_set_name (all_files, _("All Files"));
  gtk_file_filter_add_pattern (all_files, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all_files);
  set_chooser_folder (self, GTK_FILE_CHOOSER (native));

  g_application_hold (G_APPLICATION (self));
  g_signal_connect (native, "response", G_CALLBACK (open_project_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* {{{ a new project from a work package */

/* An annotator on a laptop starts from the coordinator's package: the new project takes the
 * package's project identity, so that what it exports later goes back into the coordinator's. */
typedef struct
{
  FidgetApplication *self;
  GFile             *project;
  GCancellable      *cancellable;
  AdwMessageDialog  *dialog;        /* owned by GTK; NULL once closed */
  GtkProgressBar    *progress_bar;
  double             fraction;      /* written by the worker, read by the timeout */
  guint              progress_id;
} StartJob;

static void
start_job_free (StartJob *job)
{
  g_clear_handle_id (&job->progress_id, g_source_remove);
  g_clear_object (&job->project);
  g_clear_object (&job->cancellable);
  g_application_release (G_APPLICATION (job->self));
  g_clear_object (&job->self);
  g_free (job);
}

static void
start_job_progress (double   fraction,
                    gpointer data)
{
  StartJob *job = data;
  double *target = &job->fraction;

  /* From the worker: the main loop picks it up in show_start_progress(). */
  __atomic_store (target, &fraction, __ATOMIC_RELAXED);
}

static gboolean
show_start_progress (gpointer data)
{
  StartJob *job = data;
  double fraction;

  __atomic_load (&job->fraction, &fraction, __ATOMIC_RELAXED);
  if (job->dialog != NULL)
    gtk_progress_bar_set_fraction (job->progress_bar, CLAMP (fraction, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

static void
on_start_dialog_response (AdwMessageDialog *dialog,
                          const char       *response,
                          StartJob         *job)
{
  /* The dialog closes itself; only a running job needs stopping. */
  job->dialog = NULL;
  g_cancellable_cancel (job->cancellable);
}

static void
on_project_started (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  StartJob *job = data;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetWorkPackageResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog = job->dialog;

  project = fidget_work_package_create_project_finish (result, &imported, &error);
  if (dialog != NULL)
    g_signal_handlers_disconnect_by_func (dialog, on_start_dialog_response, job);
  job->dialog = NULL;

  if (project == NULL)
    {
      if (dialog != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The refusal says what and why; nothing was left behind. */
          adw_message_dialog_set_heading (dialog, _("Could Not Start From the Package"));
          adw_message_dialog_set_body (dialog, error->message);
          adw_message_dialog_set_extra_child (dialog, NULL);
        }
      else if (dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (dialog));
      start_job_free (job);
      return;
    }

  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_object (&project);   /* the window opens its own connection */
  fidget_application_open_file (job->self, job->project, FALSE);
  start_job_free (job);
}

void
fidget_application_start_from_package (FidgetApplication *self,
                                       GFile             *package,
                                       GFile             *project)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *package_path = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *project_name = NULL;
  StartJob *job;

  g_return_if_fail (FIDGET_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (package));
  g_return_if_fail (G_IS_FILE (project));

  package_path = g_file_get_path (package);
  project_path = g_file_get_path (project);
  project_name = g_file_get_basename (project);

  job = g_new0 (StartJob, 1);
  job->self = g_object_ref (self);
  job->project = g_object_ref (project);
  job->cancellable = g_cancellable_new ();
  g_application_hold (G_APPLICATION (self));

  job->dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Starting From the Package"),
                                                            NULL));
  adw_message_dialog_format_body (job->dialog, _("Making “%s” from the package: its videos, "
                                                 "segments and review steps."), project_name);
  adw_message_dialog_add_response (job->dialog, "cancel", _("_Cancel"));
  job->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  adw_message_dialog_set_extra_child (job->dialog, GTK_WIDGET (job->progress_bar));
  g_signal_connect (job->dialog, "response", G_CALLBACK (on_start_dialog_response), job);
  gtk_window_present (GTK_WINDOW (job->dialog));
  job->progress_id = g_timeout_add (100, show_start_progress, job);

  if (package_path == NULL || project_path == NULL)
    {
      adw_message_dialog_set_heading (job->dialog, _("Could Not Start From the Package"));
      adw_message_dialog_set_body (job->dialog, _("The package and the new project must be "
                                                  "files on this computer."));
      adw_message_dialog_set_extra_child (job->dialog, NULL);
      g_signal_handlers_disconnect_by_func (job->dialog, on_start_dialog_response, job);
      start_job_free (job);
      return;
    }
  /* Videos carried by the package go beside the new project. */
  fidget_work_package_create_project_async (project_path, package_path, NULL, job->cancellable,
                                            start_job_progress, job, on_project_started, job);
}

static void
start_project_response (GtkNativeDialog *native,
                        int              response,
                        gpointer         user_data)
{
  FidgetApplication *self = user_data;
  GFile *package = g_object_get_data (G_OBJECT (native), "fidget-package");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native))) != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);

      /* A project is recognised by its suffix: add it when the user typed a bare name. */
      if (!g_str_has_suffix (name, PROJECT_SUFFIX))
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *full_name = g_strconcat (name, PROJECT_SUFFIX, NULL);

          g_clear_object (&file);
          file = g_file_get_child (parent, full_name);
        }
      fidget_application_start_from_package (self, package, file);
    }
  g_object_unref (native);
  g_application_release (G_APPLICATION (self));
}

static void
choose_package_response (GtkNativeDialog *native,
                         int              response,
                         gpointer         user_data)
{
  FidgetApplication *self = user_data;
  g_autoptr(GFile) package = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (package = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native))) != NULL)
    {
      GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
      g_autoptr(GtkFileFilter) projects = create_project_filter ();
      g_autofree char *base = g_file_get_basename (package);
      g_autofree char *stem = g_strndup (base, strcspn (base, "."));
      g_autofree char *proposed = g_strconcat (stem[0] != '\0' ? stem : "work", PROJECT_SUFFIX,
                                               NULL);
      g_autoptr(GFile) folder = g_file_get_parent (package);
      GtkFileChooserNative *save;

      save = gtk_file_chooser_native_new (_("New Project From the Package"), parent,
                                          GTK_FILE_CHOOSER_ACTION_SAVE, _("C_reate"),
                                          _("_Cancel"));
      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (save), TRUE);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (save), projects);
      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (save), folder, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (save), proposed);
      g_object_set_data_full (G_OBJECT (save), "fidget-package", g_object_ref (package),
                              g_object_unref);
      g_application_hold (G_APPLICATION (self));
      g_signal_connect (save, "response", G_CALLBACK (start_project_response), self);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (save));
    }
  g_object_unref (native);
  g_application_release (G_APPLICATION (self));
}

static void
new_project_from_package_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  FidgetApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkFileFilter) packages = gtk_file_filter_new ();
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Choose a Work Package"), parent,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (packages, _("Work Packages"));
  gtk_file_filter_add_pattern (packages, "*.fidgetpkg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), packages);
  g_application_hold (G_APPLICATION (self));
  g_signal_connect (native, "response", G_CALLBACK (choose_package_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* }}} */

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "new-project", new_project_action },
  { "new-project-from-package", new_project_from_package_action },
  { "open-project", open_project_action },
};

static void
fidget_application_startup (GApplication *app)
{
  FidgetApplication *self = FIDGET_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };

  G_APPLICATION_CLASS (fidget_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (FIDGET_APP_ID);

  self->settings = fidget_settings_new ();
  if (self->settings != NULL && self->annotator == NULL)
    {
      g_autofree char *annotator = g_settings_get_string (self->settings, "annotator");

      if (annotator[0] != '\0')
        self->annotator = g_steal_pointer (&annotator);
    }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-project", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open-project",
                                         open_accels);
}

static void
fidget_application_finalize (GObject *object)
{
  FidgetApplication *self = FIDGET_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->annotator, g_free);
  g_clear_pointer (&self->requested_annotator, g_free);

  G_OBJECT_CLASS (fidget_application_parent_class)->finalize (object);
}

static void
fidget_application_class_init (FidgetApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = fidget_application_finalize;

  app_class->handle_local_options = fidget_application_handle_local_options;
  app_class->add_platform_data = fidget_application_add_platform_data;
  app_class->before_emit = fidget_application_before_emit;
  app_class->startup = fidget_application_startup;
  app_class->activate = fidget_application_activate;
  app_class->open = fidget_application_open;
}

static void
fidget_application_init (FidgetApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[PROJECT]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Build micro-action datasets from interview video."));
}

FidgetApplication *
fidget_application_new (void)
{
  return g_object_new (FIDGET_TYPE_APPLICATION,
                       "application-id", FIDGET_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/fidget/Fidget",
                       NULL);
}
