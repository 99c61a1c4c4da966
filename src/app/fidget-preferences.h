/* fidget-preferences.h: playback speed, step size and reaction-time offset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FIDGET_TYPE_PREFERENCES (fidget_preferences_get_type ())

G_DECLARE_FINAL_TYPE (FidgetPreferences, fidget_preferences, FIDGET, PREFERENCES, AdwPreferencesWindow)

/* The pages' names, for adw_preferences_window_set_visible_page_name(). */
#define FIDGET_PREFERENCES_PAGE_PLAYBACK "playback"
#define FIDGET_PREFERENCES_PAGE_MODEL    "model"

/* Returns NULL when the settings schema is not installed. The weights row is for the project
 * of @parent when it is a FidgetWindow with a project open. */
FidgetPreferences *fidget_preferences_new              (GtkWindow         *parent);

/* For tests: the row that shows the project's weights. */
AdwActionRow      *fidget_preferences_get_weights_row  (FidgetPreferences *self);

/* Where MANet's weights come from and how to convert them, in the app's words (newly
 * allocated). */
char              *fidget_preferences_weights_help     (void);

G_END_DECLS
