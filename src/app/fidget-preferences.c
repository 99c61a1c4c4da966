/* fidget-preferences.c: playback speed, step size and reaction-time offset
 *
 * Each value is bound to its GSettings key, so a change applies at once and is kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-preferences.h"
#include "fidget-settings.h"

struct _FidgetPreferences
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
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

static void
fidget_preferences_dispose (GObject *object)
{
  FidgetPreferences *self = FIDGET_PREFERENCES (object);

  g_clear_object (&self->settings);

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
  return self;
}
