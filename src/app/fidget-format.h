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

G_END_DECLS
