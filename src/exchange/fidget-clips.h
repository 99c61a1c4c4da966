/* fidget-clips.h: cutting segments into clip files, frame-exactly
 *
 * Each clip is the frames [start, end) of its source video on the project's frame grid
 * (frame i is the period [i/fps, (i+1)/fps) of the stream; a picture belongs to the frame
 * whose start is nearest its timestamp, and a frame without a picture of its own shows the
 * latest one before it), re-encoded as H.264 in MP4 at a constant frame rate: clip frame k is
 * source frame start + k. Every source video is decoded once for all its clips; videos are
 * cut in parallel. A clip is written beside its final name and renamed when complete, and
 * recorded with its SHA-256 in DIR/.fidget-clips.tsv: a later run skips clips whose file is
 * still intact and whose source, frames and settings are unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-media-init.h"

G_BEGIN_DECLS

typedef struct
{
  const char *preset;     /* x264 speed preset, e.g. "veryfast" (default), "medium" */
  int         crf;        /* x264 constant quality, 0 (lossless) to 51; default 18 */
  int         height;     /* 0 keeps the source size; else scaled to this height, aspect kept */
  guint       n_workers;  /* videos cut at once; 0: the number of processors */
} FidgetClipParams;

void fidget_clip_params_init (FidgetClipParams *params);

typedef struct
{
  const char *name;       /* file name without ".mp4", e.g. "0001_02_0003" */
  gint64      start;      /* first frame */
  gint64      end;        /* one past the last */
} FidgetClipSpec;

typedef struct
{
  const char *path;          /* the source video */
  const char *content_hash;  /* "sha256:...": a changed source invalidates its clips */
  int         fps_num;       /* the project's frame grid of the video */
  int         fps_den;
  gint64      frame_count;
  GArray     *clips;         /* FidgetClipSpec */
} FidgetClipSource;

typedef struct
{
  guint  n_clips;
  guint  n_cut;
  guint  n_skipped;        /* intact from an earlier run */
  gint64 n_frames;         /* frames encoded in this run */
} FidgetClipReport;

/* Cuts every clip of @sources (FidgetClipSource *) into @dir as NAME.mp4. On success
 * @sums (may be NULL) receives name -> SHA-256 hex of every clip file. Cancelling stops
 * soon, leaves finished clips (a re-run keeps them) and removes partial ones. Errors are in
 * FIDGET_MEDIA_ERROR (or G_IO_ERROR_CANCELLED) and name the video or the clip. */
gboolean fidget_clips_cut (const char             *dir,
                           GPtrArray              *sources,
                           const FidgetClipParams *params,
                           GCancellable           *cancellable,
                           FidgetProgressFunc      progress,
                           gpointer                progress_data,
                           FidgetClipReport       *report,
                           GHashTable            **sums,
                           GError                **error);

G_END_DECLS
