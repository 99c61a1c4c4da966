/* fidget-proposals.h: candidate windows for the model, from a video's motion-energy curve
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double smooth_s;          /* width of the moving average over the curve */
  double still_percentile;  /* the video's still level: this percentile of the smoothed curve */
  double threshold_ratio;   /* a frame moves above still level * ratio + floor ... */
  double threshold_floor;   /* ... in grey levels, so a perfectly still video needs some motion */
  double merge_gap_s;       /* runs closer than this become one window */
  double pad_s;             /* added on each side: moves ease in and out below the threshold */
  double min_length_s;      /* shorter windows (after padding) are dropped */
  double max_length_s;      /* longer ones are cut into equal parts no longer than this */
} FidgetProposalParams;

typedef struct
{
  gint64 start_frame;       /* [start, end) */
  gint64 end_frame;
  double peak;              /* the highest smoothed energy inside */
} FidgetProposal;

void    fidget_proposal_params_init (FidgetProposalParams       *params);

/* Windows of @energy (@n_frames values, one per frame, at @fps_num/@fps_den) where the video
 * moves clearly more than its own still level. A pure function; returns FidgetProposal in
 * order, non-overlapping, inside [0, @n_frames). */
GArray *fidget_motion_proposals     (const double               *energy,
                                     gint64                      n_frames,
                                     int                         fps_num,
                                     int                         fps_den,
                                     const FidgetProposalParams *params);

/* Temporal intersection over union of [@a_start, @a_end) and [@b_start, @b_end). */
double  fidget_proposal_tiou        (gint64                      a_start,
                                     gint64                      a_end,
                                     gint64                      b_start,
                                     gint64                      b_end);

G_END_DECLS
