/* fidget-probe.h: what a video file holds, measured by decoding it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-media-init.h"

G_BEGIN_DECLS

typedef struct
{
  char     *uri;
  char     *container;            /* human-readable, e.g. "Matroska", may be NULL */
  char     *video_codec;          /* human-readable, e.g. "H.264 (High Profile)" */
  int       width;                /* display size of the decoded frames */
  int       height;
  int       fps_num;              /* exact frame rate, as the stream declares it */
  int       fps_den;
  gboolean  variable_frame_rate;  /* the stream declares 0/1; fps is then measured */
  gint64    frame_count;          /* frame periods from the stream's start to the end of its last
                                   * decoded picture: the range of frame indices */
  gint64    decoded_frames;       /* pictures the decoder delivered in a full decode pass (fewer
                                   * when the stream starts late or drops frames) */
  gint64    duration_ns;          /* frame_count periods at the frame rate */
  gboolean  has_audio;
} FidgetMediaInfo;

#define FIDGET_TYPE_MEDIA_INFO (fidget_media_info_get_type ())

GType            fidget_media_info_get_type (void) G_GNUC_CONST;
FidgetMediaInfo *fidget_media_info_copy     (const FidgetMediaInfo *self);
void             fidget_media_info_free     (FidgetMediaInfo       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetMediaInfo, fidget_media_info_free)

/* Blocking; run it in a worker thread (the _async variant does). Errors are in
 * FIDGET_MEDIA_ERROR (or G_IO_ERROR_CANCELLED) and their message names the file. */
FidgetMediaInfo *fidget_probe_file          (const char          *path,
                                             GCancellable        *cancellable,
                                             FidgetProgressFunc   progress,
                                             gpointer             progress_data,
                                             GError             **error);

void             fidget_probe_file_async    (const char          *path,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
FidgetMediaInfo *fidget_probe_file_finish   (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
