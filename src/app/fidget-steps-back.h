/* fidget-steps-back.h: prepares the steps back from a frame while the annotator looks at it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "fidget-player.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_STEPS_BACK (fidget_steps_back_get_type ())

G_DECLARE_FINAL_TYPE (FidgetStepsBack, fidget_steps_back, FIDGET, STEPS_BACK, GObject)

/* For @player's video: a second reader of the same file, opened when first needed. */
FidgetStepsBack *fidget_steps_back_new       (FidgetPlayer    *player);
/* @frame is on screen and the video is paused: once it has stayed there a moment, the chunk
 * of frames before it is decoded on the second reader and handed to @player, unless @player
 * holds the frame before already. */
void             fidget_steps_back_look_at   (FidgetStepsBack *self,
                                              gint64           frame);
/* The playhead moved to @frame: work for a frame far from it stops (a step or a few back
 * lets it finish, since that is what it prepares). */
void             fidget_steps_back_moved     (FidgetStepsBack *self,
                                              gint64           frame);
/* Stops whatever is scheduled or running. */
void             fidget_steps_back_cancel    (FidgetStepsBack *self);
/* The frame whose steps back were last handed over, or -1. */
gint64           fidget_steps_back_get_ready (FidgetStepsBack *self);

G_END_DECLS
