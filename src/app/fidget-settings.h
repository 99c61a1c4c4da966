/* fidget-settings.h: the application's GSettings, when its schema can be found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *fidget_settings_new         (void);

/* The MANet weights chosen for the project @project_uuid ("model-weights"), or NULL. */
char      *fidget_settings_get_weights (GSettings  *settings,
                                        const char *project_uuid);
/* Remembers @path for @project_uuid; NULL forgets the project's weights. */
void       fidget_settings_set_weights (GSettings  *settings,
                                        const char *project_uuid,
                                        const char *path);

G_END_DECLS
