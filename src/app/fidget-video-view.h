/* fidget-video-view.h: the picture of the current frame, with zoom and pan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fidget-player.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_VIDEO_VIEW (fidget_video_view_get_type ())

G_DECLARE_FINAL_TYPE (FidgetVideoView, fidget_video_view, FIDGET, VIDEO_VIEW, GtkWidget)

GtkWidget   *fidget_video_view_new           (void);

/* Shows @frame (NULL for none); @index is the frame it is shown for. */
void         fidget_video_view_set_frame     (FidgetVideoView *self,
                                              FidgetFrame     *frame,
                                              gint64           index);
FidgetFrame *fidget_video_view_get_frame     (FidgetVideoView *self);
gint64       fidget_video_view_get_index     (FidgetVideoView *self);
GdkTexture  *fidget_video_view_get_texture   (FidgetVideoView *self);
/* Non-square pixels: the picture is shown par_n / par_d times as wide as it is stored. */
void         fidget_video_view_set_pixel_aspect (FidgetVideoView *self,
                                                 int              par_n,
                                                 int              par_d);

/* 1.0 fits the picture in the view; more magnifies around the centre of the view. */
double       fidget_video_view_get_zoom      (FidgetVideoView *self);
void         fidget_video_view_set_zoom      (FidgetVideoView *self,
                                              double           zoom);
void         fidget_video_view_reset_zoom    (FidgetVideoView *self);

/* A texture that keeps @frame alive as long as the texture is. */
GdkTexture  *fidget_frame_texture_new        (FidgetFrame     *frame);

G_END_DECLS
