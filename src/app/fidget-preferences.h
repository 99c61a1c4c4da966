/* fidget-preferences.h: playback speed, step size and reaction-time offset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FIDGET_TYPE_PREFERENCES (fidget_preferences_get_type ())

G_DECLARE_FINAL_TYPE (FidgetPreferences, fidget_preferences, FIDGET, PREFERENCES, AdwPreferencesWindow)

/* Returns NULL when the settings schema is not installed. */
FidgetPreferences *fidget_preferences_new (GtkWindow *parent);

G_END_DECLS
