/* fidget-preferences.c: playback speed, step size, reaction-time offset and model weights
 *
 * Each value is bound to its GSettings key, so a change applies at once and is kept. The
 * model's weights belong to a project (people keep different fine-tuned weights per study),
 * so they are remembered per project identifier, for the project of the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fidget-assist.h"
#include "fidget-preferences.h"
#include "fidget-settings.h"
#include "fidget-window.h"

struct _FidgetPreferences
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  char                 *project_uuid;   /* NULL when no project is open */
  AdwActionRow         *weights_row;
  GtkWidget            *forget_button;
  gulong                changed_id;
};

G_DEFINE_FINAL_TYPE (FidgetPreferences, fidget_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static GtkWidget *
add_spin_row (FidgetPreferences *self,
              GtkWidget         *group,
              const char        *key,
              const char        *title,
              const char        *subtitle,
              double             min,
              double             max,
              double             step,
              guint              digits)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return spin;
}

/* What the app says where the command line's help says "--weights": the same facts about
 * where the weights come from and how to convert them, without the option. */
char *
fidget_preferences_weights_help (void)
{
  const char *help = fidget_assist_weights_help ();
  const char *cli = strstr (help, " and pass the ");

  return cli != NULL ? g_strndup (help, cli - help) : g_strdup (help);
}

static void
update_weights_row (FidgetPreferences *self)
{
  g_autofree char *path = fidget_settings_get_weights (self->settings, self->project_uuid);

  if (self->project_uuid == NULL)
    adw_action_row_set_subtitle (self->weights_row,
                                 _("Open a project first: weights are chosen per project"));
  else if (path == NULL)
    adw_action_row_set_subtitle (self->weights_row,
                                 _("None: model suggestions are off for this project"));
  else
    {
      g_autofree char *display = g_filename_display_name (path);

      adw_action_row_set_subtitle (self->weights_row, display);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->weights_row), self->project_uuid != NULL);
  gtk_widget_set_visible (self->forget_button, path != NULL);
}

static void
on_settings_changed (GSettings         *settings,
                     const char        *key,
                     FidgetPreferences *self)
{
  if (g_strcmp0 (key, "model-weights") == 0)
    update_weights_row (self);
}

static void
on_weights_chosen (GtkNativeDialog   *native,
                   int                response,
                   FidgetPreferences *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  g_object_unref (native);
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL && self->project_uuid != NULL)
    fidget_settings_set_weights (self->settings, self->project_uuid, path);
  g_object_unref (self);
}

static void
on_choose_weights (GtkButton         *button,
                   FidgetPreferences *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Choose MANet Weights"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use These Weights"),
                                        NULL);
  gtk_file_filter_set_name (filter, _("MANet weights (.safetensors)"));
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (on_weights_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_forget_weights (GtkButton         *button,
                   FidgetPreferences *self)
{
  if (self->project_uuid != NULL)
    fidget_settings_set_weights (self->settings, self->project_uuid, NULL);
}

static void
add_model_page (FidgetPreferences *self)
{
  g_autofree char *help = fidget_preferences_weights_help ();
  g_autofree char *description = NULL;
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("_Choose…"));

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Model"));
  adw_preferences_page_set_name (ADW_PREFERENCES_PAGE (page), FIDGET_PREFERENCES_PAGE_MODEL);
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "system-run-symbolic");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("MANet Suggestions"));
  /* Translators: %s says where MANet's weights come from and how to convert them */
  description = g_strdup_printf (_("Suggestions come from MANet and need its weights as a "
                                   ".safetensors file. %s."), help);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  self->weights_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->weights_row), _("Weights"));
  self->forget_button = gtk_button_new_from_icon_name ("edit-clear-symbolic");
  gtk_widget_set_tooltip_text (self->forget_button, _("Forget the weights of this project"));
  gtk_widget_set_valign (self->forget_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->forget_button, "flat");
  g_signal_connect (self->forget_button, "clicked", G_CALLBACK (on_forget_weights), self);
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  g_signal_connect (choose, "clicked", G_CALLBACK (on_choose_weights), self);
  adw_action_row_add_suffix (self->weights_row, self->forget_button);
  adw_action_row_add_suffix (self->weights_row, choose);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->weights_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  self->changed_id = g_signal_connect (self->settings, "changed",
                                       G_CALLBACK (on_settings_changed), self);
  update_weights_row (self);
}

static void
fidget_preferences_dispose (GObject *object)
{
  FidgetPreferences *self = FIDGET_PREFERENCES (object);

  if (self->settings != NULL)
    g_clear_signal_handler (&self->changed_id, self->settings);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->project_uuid, g_free);

  G_OBJECT_CLASS (fidget_preferences_parent_class)->dispose (object);
}

static void
fidget_preferences_class_init (FidgetPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fidget_preferences_dispose;
}

static void
fidget_preferences_init (FidgetPreferences *self)
{
}

FidgetPreferences *
fidget_preferences_new (GtkWindow *parent)
{
  g_autoptr(GSettings) settings = fidget_settings_new ();
  FidgetPreferences *self;
  GtkWidget *page;
  GtkWidget *group;

  if (settings == NULL)
    return NULL;

  self = g_object_new (FIDGET_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "modal", TRUE,
                       "search-enabled", FALSE,
                       NULL);
  self->settings = g_steal_pointer (&settings);

  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Playback"));
  adw_preferences_page_set_name (ADW_PREFERENCES_PAGE (page), FIDGET_PREFERENCES_PAGE_PLAYBACK);
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "media-playback-start-symbolic");

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Playing"));
  add_spin_row (self, group, "default-speed", _("Default speed"),
                _("How fast a video plays when opened, as a factor of real time (0.1 to 2)"),
                0.1, 2.0, 0.05, 2);
  add_spin_row (self, group, "step-frames", _("Frames per step"),
                _("How far Left and Right move the playhead"), 1, 300, 1, 0);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Marking"));
  add_spin_row (self, group, "reaction-offset-ms", _("Reaction-time offset (ms)"),
                _("Taken off an in- or out-point marked while the video plays, to make up for "
                  "the time it takes to press the key; marks on a paused video are exact"),
                0, 1000, 10, 0);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  if (FIDGET_IS_WINDOW (parent) && fidget_window_get_project (FIDGET_WINDOW (parent)) != NULL)
    self->project_uuid =
      g_strdup (fidget_project_get_uuid (fidget_window_get_project (FIDGET_WINDOW (parent))));
  add_model_page (self);
  return self;
}

AdwActionRow *
fidget_preferences_get_weights_row (FidgetPreferences *self)
{
  g_return_val_if_fail (FIDGET_IS_PREFERENCES (self), NULL);
  return self->weights_row;
}
