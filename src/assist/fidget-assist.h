/* fidget-assist.h: MANet's input clip from a video segment, and its prediction
 *
 * The pre-processing is MA-52's test pipeline (mmaction2 0.x, see ../shared/MANET.md):
 * SampleFrames(clip_len=1, frame_interval=1, num_clips=8, test_mode=True), Resize(scale=(-1,
 * 256)), CenterCrop(224), Normalize(mean, std), FormatShape('NCHW').
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "fidget-manet.h"
#include "fidget-media-init.h"
#include "fidget-taxonomy.h"

G_BEGIN_DECLS

#define FIDGET_ASSIST_SHORT_SIDE  256
#define FIDGET_ASSIST_CROP        224
/* Floats of one clip: [8, 3, 224, 224]. */
#define FIDGET_ASSIST_CLIP_FLOATS ((gsize) FIDGET_MANET_FRAMES * 3 * FIDGET_ASSIST_CROP * \
                                   FIDGET_ASSIST_CROP)

/* The frames of [@start, @end) that MANet sees: @n_samples parts, the middle frame of each. */
void      fidget_assist_sample_frames      (gint64        start,
                                            gint64        end,
                                            int           n_samples,
                                            gint64       *frames);

/* Size after the resize that brings the short side to @short_side (mmcv.rescale_size). */
void      fidget_assist_resized_size       (int           width,
                                            int           height,
                                            int           short_side,
                                            int          *new_width,
                                            int          *new_height);

/* One RGB picture (8 bits per channel, rows @stride bytes apart) resized so that its short
 * side is 256 (bilinear, half-pixel centres, no anti-aliasing), centre-cropped to 224 x 224
 * and normalised into @out, float [3, 224, 224]. Pictures smaller than the crop after the
 * resize cannot happen (the short side becomes 256). */
void      fidget_assist_preprocess_picture (const guint8 *rgb,
                                            int           width,
                                            int           height,
                                            int           stride,
                                            float        *out);

/* Decodes the pictures of frames @frames (ascending, repeats allowed) of the video at @path,
 * whose frame rate is @fps_num/@fps_den (as the project recorded it). Frame i is the period
 * [i, i + 1) * fps_den / fps_num seconds of the stream's time; a picture belongs to the frame
 * nearest its timestamp, and a frame without a picture of its own shows the latest picture
 * before it (the first picture for leading frames). Returns @n_frames packed RGB pictures
 * (width * 3 bytes a row) one after the other, and their size. Blocking: run it in a worker
 * thread. */
guint8   *fidget_assist_decode_frames      (const char    *path,
                                            int            fps_num,
                                            int            fps_den,
                                            const gint64  *frames,
                                            int            n_frames,
                                            int           *width,
                                            int           *height,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* The [8, 3, 224, 224] input of MANet for the segment [@start, @end) (FIDGET_ASSIST_CLIP_FLOATS
 * floats, allocated). Blocking. */
float    *fidget_assist_prepare_clip       (const char    *path,
                                            int            fps_num,
                                            int            fps_den,
                                            gint64         start,
                                            gint64         end,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* The same input from the FIDGET_MANET_FRAMES pictures that the sampled frames show, already
 * decoded (as the decoder gave them, e.g. by fidget_player_peek_picture()): converted and
 * pre-processed as fidget_assist_prepare_clip() does, so the same pictures give the same
 * floats. @display names the video in errors. */
float    *fidget_assist_prepare_clip_from_pictures (GstSample  **pictures,
                                                    const char  *display,
                                                    GError     **error);

#define FIDGET_ASSIST_TOP_K 5

typedef struct
{
  int                   n_classes;
  float                *logits;            /* frame-averaged logits, n_classes */
  double               *probabilities;     /* their softmax */
  int                   top[FIDGET_ASSIST_TOP_K];  /* model indices, most probable first */
  guint                 n_body_parts;
  double               *body_parts;        /* per body part of the taxonomy: sum of its
                                            * actions' probabilities */
} FidgetAssistPrediction;

void      fidget_assist_prediction_free    (FidgetAssistPrediction *self);

/* Runs @model on @clip and reads the result through @taxonomy's model indices. */
FidgetAssistPrediction *
          fidget_assist_predict            (FidgetManet    *model,
                                            FidgetTaxonomy *taxonomy,
                                            const float    *clip,
                                            GError        **error);

/* What to tell someone who has no weights: where MANet's come from and how to convert them. */
const char *fidget_assist_weights_help     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetAssistPrediction, fidget_assist_prediction_free)

G_END_DECLS
