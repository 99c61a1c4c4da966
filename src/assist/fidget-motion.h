/* fidget-motion.h: how much a video moves, frame by frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fidget-media-init.h"

G_BEGIN_DECLS

/* Width of the grey pictures that are compared; the height keeps the aspect ratio. */
#define FIDGET_MOTION_WIDTH 96

/* The motion energy of every frame of the video at @path (@frame_count frames at
 * @fps_num/@fps_den, as the project recorded them): the mean absolute difference, in grey
 * levels 0..255, between the frame's picture and the picture before it, both scaled down to
 * FIDGET_MOTION_WIDTH pixels wide. Frame 0 and frames without a picture of their own (which
 * show the one before) have 0. One decode pass; blocking, cancellable, with progress. Returns
 * @frame_count values. */
double *fidget_motion_energy (const char          *path,
                              int                  fps_num,
                              int                  fps_den,
                              gint64               frame_count,
                              GCancellable        *cancellable,
                              FidgetProgressFunc   progress,
                              gpointer             progress_data,
                              GError             **error);

G_END_DECLS
