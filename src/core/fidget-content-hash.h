/* fidget-content-hash.h: the identity of a video file, independent of its name and place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "sha256:" and the 64 hex digits of the whole file. @progress (may be NULL) gets fractions. */
char *fidget_content_hash_file (const char    *path,
                                GCancellable  *cancellable,
                                void         (*progress) (double fraction, gpointer data),
                                gpointer       progress_data,
                                GError       **error);

G_END_DECLS
