/* fidget-upright.h: pictures turned upright as their stream's orientation tag asks
 *
 * Phones store video as the sensor saw it and tag how the phone was held (MP4's track matrix,
 * which GStreamer reads as the "image-orientation" tag): a portrait interview is stored
 * sideways. Every pipeline that hands pictures to a person or to the model turns them upright
 * the same way, so the player, MANet's clips and the exported clips agree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* A videoflip that follows the orientation tag and passes pictures through untouched when
 * there is none. NULL when this machine lacks it (gstreamer1.0-plugins-good). */
GstElement *fidget_upright_new_element (void);
/* Whether raw video in @caps can go through @upright (it turns most YUV and RGB layouts, not
 * every one a decoder may give). */
gboolean    fidget_upright_accepts     (GstElement       *upright,
                                        GstCaps          *caps);
/* Whether @tags ask for a quarter turn, which swaps the picture's width and height. */
gboolean    fidget_upright_swaps_size  (const GstTagList *tags);

G_END_DECLS
