/* fidget-format.h: how the window writes times, rates and video facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "fidget-records.h"

G_BEGIN_DECLS

char *fidget_format_centiseconds    (gint64             centiseconds);
gint64 fidget_video_get_centiseconds (const FidgetVideo *video);
char *fidget_format_video_duration  (const FidgetVideo *video);
char *fidget_format_frame_rate      (int                fps_num,
                                     int                fps_den);
char *fidget_format_video_title     (const FidgetVideo *video);
char *fidget_format_video_subtitle  (const FidgetVideo *video);
/* The time at which @frame starts, "m:ss.ff", on the video's frame grid. */
char *fidget_format_frame_time      (gint64             frame,
                                     int                fps_num,
                                     int                fps_den);
/* Reads what a user types to go somewhere: a frame number ("120"), or a time ("1:02.50",
 * "0:01:02", "62.5s", "62.5"). FALSE when it is neither. The frame is not clamped. */
gboolean fidget_parse_position      (const char        *text,
                                     int                fps_num,
                                     int                fps_den,
                                     gint64            *frame);

G_END_DECLS
