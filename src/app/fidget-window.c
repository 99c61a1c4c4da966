/* fidget-window.c: a window on one project, or the welcome page when none is open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-error.h"
#include "fidget-format.h"
#include "fidget-settings.h"
#include "fidget-window-private.h"

struct _FidgetWindow
{
  AdwApplicationWindow  parent_instance;

  FidgetProject        *project;
  char                 *annotator;
  GSettings            *settings;   /* NULL when the schema is not installed */

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkStack             *project_stack;
  GtkListBox           *video_list;
  GtkLabel             *videos_summary;
};

G_DEFINE_FINAL_TYPE (FidgetWindow, fidget_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_ANNOTATOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fidget_window_update_title (FidgetWindow *self)
{
  if (self->project == NULL)
    {
      adw_window_title_set_title (self->window_title, "Fidget");
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "Fidget");
      return;
    }

  {
    g_autofree char *name = g_path_get_basename (fidget_project_get_path (self->project));
    /* Translators: the window's title as the window list shows it; %s is a project file */
    g_autofree char *window_title = g_strdup_printf (_("%s – Fidget"), name);

    adw_window_title_set_title (self->window_title, name);
    adw_window_title_set_subtitle (self->window_title,
                                   self->annotator != NULL ? self->annotator
                                                           : _("No annotator named"));
    gtk_window_set_title (GTK_WINDOW (self), window_title);
  }
}

static GtkWidget *
create_video_row (FidgetWindow      *self,
                  const FidgetVideo *video)
{
  g_autofree char *title = fidget_format_video_title (video);
  g_autofree char *subtitle = fidget_format_video_subtitle (video);
  g_autofree char *resolved = fidget_project_resolve_video_path (self->project, video);
  GtkWidget *row;
  GtkWidget *icon;

  row = adw_action_row_new ();
  /* File names may hold '&' or '<': they are text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, resolved != NULL ? resolved : video->path);

  icon = gtk_image_new_from_icon_name ("video-x-generic-symbolic");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  /* A moved video is still in the project (its hash finds it again); say so, quietly. */
  if (resolved == NULL || !g_file_test (resolved, G_FILE_TEST_IS_REGULAR))
    {
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, "missing-file");
      gtk_widget_set_tooltip_text (icon, _("The video file is not where the project expects it"));
      gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }

  return row;
}

static void
fidget_window_clear_videos (FidgetWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->video_list))) != NULL)
    gtk_list_box_remove (self->video_list, child);
}

void
fidget_window_reload (FidgetWindow *self)
{
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *total = NULL;
  g_autofree char *summary = NULL;
  gint64 centiseconds = 0;

  g_return_if_fail (FIDGET_IS_WINDOW (self));

  fidget_window_clear_videos (self);

  if (self->project == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "project");

  videos = fidget_project_list_videos (self->project, &error);
  if (videos == NULL)
    {
      gtk_stack_set_visible_child_name (self->project_stack, "empty");
      fidget_window_show_error (self, _("Could Not Read the Videos"), error);
      return;
    }

  for (guint i = 0; i < videos->len; i++)
    {
      const FidgetVideo *video = g_ptr_array_index (videos, i);

      gtk_list_box_append (self->video_list, create_video_row (self, video));
      centiseconds += fidget_video_get_centiseconds (video);
    }

  total = fidget_format_centiseconds (centiseconds);
  /* Translators: %u is the number of videos in the project, %s their total length */
  summary = g_strdup_printf (ngettext ("%u video · %s", "%u videos · %s", videos->len),
                             videos->len, total);
  gtk_label_set_label (self->videos_summary, summary);

  gtk_stack_set_visible_child_name (self->project_stack, videos->len > 0 ? "videos" : "empty");
}

FidgetProject *
fidget_window_get_project (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->project;
}

void
fidget_window_set_project (FidgetWindow  *self,
                           FidgetProject *project)
{
  g_return_if_fail (FIDGET_IS_WINDOW (self));
  g_return_if_fail (project == NULL || FIDGET_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;

  if (self->project != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (fidget_project_get_path (self->project));
      g_autofree char *absolute = g_file_get_path (file);

      fidget_project_set_actor (self->project, self->annotator);
      if (self->settings != NULL && absolute != NULL)
        g_settings_set_string (self->settings, "last-project", absolute);
    }

  fidget_window_update_title (self);
  fidget_window_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

gboolean
fidget_window_has_file (FidgetWindow *self,
                        GFile        *file)
{
  g_autoptr(GFile) project_file = NULL;

  g_return_val_if_fail (FIDGET_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->project == NULL)
    return FALSE;
  project_file = g_file_new_for_path (fidget_project_get_path (self->project));
  return g_file_equal (project_file, file);
}

/* Opens or creates the project at @file. The core names the file in its errors; a file that
 * has no local path (a remote location in the file chooser) is refused here, as plainly. */
FidgetProject *
fidget_window_load_project_file (GFile     *file,
                                 gboolean   create,
                                 GError   **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot use “%s”: a project must be a file on a local disk or a mounted share"),
                   uri);
      return NULL;
    }

  if (create)
    return fidget_project_create (path, error);
  return fidget_project_open (path, error);
}

void
fidget_window_report_load_error (FidgetWindow *self,
                                 gboolean      create,
                                 const GError *error)
{
  fidget_window_show_error (self,
                            create ? _("Could Not Create the Project")
                                   : _("Could Not Open the Project"),
                            error);
}

static gboolean
fidget_window_load (FidgetWindow *self,
                    GFile        *file,
                    gboolean      create)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (FIDGET_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  project = fidget_window_load_project_file (file, create, &error);
  if (project == NULL)
    {
      fidget_window_report_load_error (self, create, error);
      return FALSE;
    }

  fidget_window_set_project (self, project);
  return TRUE;
}

gboolean
fidget_window_open_project (FidgetWindow *self,
                            GFile        *file)
{
  return fidget_window_load (self, file, FALSE);
}

gboolean
fidget_window_create_project (FidgetWindow *self,
                              GFile        *file)
{
  return fidget_window_load (self, file, TRUE);
}

const char *
fidget_window_get_annotator (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->annotator;
}

void
fidget_window_set_annotator (FidgetWindow *self,
                             const char   *annotator)
{
  g_return_if_fail (FIDGET_IS_WINDOW (self));

  /* An empty name is nobody: the audit log should say NULL, not "". */
  if (annotator != NULL && annotator[0] == '\0')
    annotator = NULL;

  if (g_strcmp0 (self->annotator, annotator) == 0)
    return;
  g_free (self->annotator);
  self->annotator = g_strdup (annotator);

  if (self->project != NULL)
    fidget_project_set_actor (self->project, self->annotator);

  fidget_window_update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATOR]);
}

void
fidget_window_show_error (FidgetWindow *self,
                          const char   *heading,
                          const GError *error)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (FIDGET_IS_WINDOW (self));
  g_return_if_fail (heading != NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       error != NULL ? error->message : NULL));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fidget_window_save_geometry (FidgetWindow *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  /* The default size is the unmaximized one, which is what to restore next time. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
fidget_window_close_request (GtkWindow *window)
{
  fidget_window_save_geometry (FIDGET_WINDOW (window));

  return GTK_WINDOW_CLASS (fidget_window_parent_class)->close_request (window);
}

static void
window_close_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
fidget_window_constructed (GObject *object)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  G_OBJECT_CLASS (fidget_window_parent_class)->constructed (object);

  if (self->settings != NULL)
    {
      int width = g_settings_get_int (self->settings, "window-width");
      int height = g_settings_get_int (self->settings, "window-height");

      /* Never come back smaller than the window can be, whatever the settings say. */
      gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  fidget_window_update_title (self);
  fidget_window_reload (self);
}

static void
fidget_window_dispose (GObject *object)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_WINDOW);

  /* Closing the window closes the project's database connection with it. */
  g_clear_object (&self->project);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fidget_window_parent_class)->dispose (object);
}

static void
fidget_window_finalize (GObject *object)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  g_clear_pointer (&self->annotator, g_free);

  G_OBJECT_CLASS (fidget_window_parent_class)->finalize (object);
}

static void
fidget_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;

    case PROP_ANNOTATOR:
      g_value_set_string (value, self->annotator);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      fidget_window_set_project (self, g_value_get_object (value));
      break;

    case PROP_ANNOTATOR:
      fidget_window_set_annotator (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_window_class_init (FidgetWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fidget_window_constructed;
  object_class->dispose = fidget_window_dispose;
  object_class->finalize = fidget_window_finalize;
  object_class->get_property = fidget_window_get_property;
  object_class->set_property = fidget_window_set_property;

  window_class->close_request = fidget_window_close_request;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL,
                         FIDGET_TYPE_PROJECT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ANNOTATOR] =
    g_param_spec_string ("annotator", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, project_stack);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, video_list);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, videos_summary);

  gtk_widget_class_install_action (widget_class, "win.close", NULL, window_close_action);
}

static void
fidget_window_init (FidgetWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = fidget_settings_new ();
}

FidgetWindow *
fidget_window_new (GtkApplication *application,
                   const char     *annotator)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (FIDGET_TYPE_WINDOW,
                       "application", application,
                       "annotator", annotator,
                       NULL);
}

/* Private accessors for the tests. */

const char *
fidget_window_get_page_name (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
fidget_window_get_project_page_name (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->project_stack);
}

AdwWindowTitle *
fidget_window_get_title_widget (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->window_title;
}

GtkListBox *
fidget_window_get_video_list (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->video_list;
}

GtkLabel *
fidget_window_get_videos_summary (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->videos_summary;
}
