/* fidget-settings.h: the application's GSettings, when its schema can be found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *fidget_settings_new (void);

G_END_DECLS
