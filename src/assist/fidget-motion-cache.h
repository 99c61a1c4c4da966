/* fidget-motion-cache.h: a video's motion-energy curve, kept in the user's cache
 *
 * The curve (fidget_motion_energy()) costs one decode pass of the whole video, minutes for a
 * long 1080p interview; it depends only on the file's content and the frame grid, so it is kept
 * under g_get_user_cache_dir()/fidget/motion/, one file per content hash, frame rate and frame
 * count. A cache file is written atomically; one that is short, damaged or of another format is
 * ignored (and replaced by the next computation), never trusted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fidget-media-init.h"

G_BEGIN_DECLS

/* Where the curve of the video with @content_hash ("sha256:..."), read at @fps_num/@fps_den
 * with @frame_count frames, is kept. */
char    *fidget_motion_cache_file   (const char          *content_hash,
                                     int                  fps_num,
                                     int                  fps_den,
                                     gint64               frame_count);

/* The cached curve (@frame_count values), or NULL when there is none or it cannot be trusted. */
double  *fidget_motion_cache_lookup (const char          *content_hash,
                                     int                  fps_num,
                                     int                  fps_den,
                                     gint64               frame_count);

/* Keeps @energy (@frame_count values) for later lookups, replacing the file at once. */
gboolean fidget_motion_cache_store  (const char          *content_hash,
                                     int                  fps_num,
                                     int                  fps_den,
                                     gint64               frame_count,
                                     const double        *energy,
                                     GError             **error);

/* The curve of the video at @path: from the cache when it is there, else computed with
 * fidget_motion_energy() and stored (a cache that cannot be written costs only the next
 * computation). @content_hash NULL skips the cache. @from_cache (may be NULL) tells which.
 * Blocking, cancellable; @progress is called from the calling thread. */
double  *fidget_motion_cache_get    (const char          *path,
                                     const char          *content_hash,
                                     int                  fps_num,
                                     int                  fps_den,
                                     gint64               frame_count,
                                     gboolean            *from_cache,
                                     GCancellable        *cancellable,
                                     FidgetProgressFunc   progress,
                                     gpointer             progress_data,
                                     GError             **error);

G_END_DECLS
