/* fidget-frame-prefetch.h: prepares the frames around the one on screen while the annotator
 * looks at it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "fidget-player.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_FRAME_PREFETCH (fidget_frame_prefetch_get_type ())

G_DECLARE_FINAL_TYPE (FidgetFramePrefetch, fidget_frame_prefetch, FIDGET, FRAME_PREFETCH, GObject)

/* For @player's video: a second reader of the same file, opened when first needed. */
FidgetFramePrefetch *fidget_frame_prefetch_new       (FidgetPlayer        *player);
/* @frame is on screen and the video is paused: once it has stayed there a moment, the chunk
 * of frames before it is decoded on the second reader and handed to @player, unless @player
 * holds the frame before already; then @player reads on through the next second. */
void                 fidget_frame_prefetch_look_at   (FidgetFramePrefetch *self,
                                                      gint64               frame);
/* The playhead moved to @frame: work for a frame far from it stops (a step or a few back
 * lets it finish, since that is what it prepares). */
void                 fidget_frame_prefetch_moved     (FidgetFramePrefetch *self,
                                                      gint64               frame);
/* Stops whatever is scheduled or running. */
void                 fidget_frame_prefetch_cancel    (FidgetFramePrefetch *self);
/* The frame whose surroundings were last prepared both ways, or -1. */
gint64               fidget_frame_prefetch_get_ready (FidgetFramePrefetch *self);

G_END_DECLS
