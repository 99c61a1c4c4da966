/* fidget-proposals.c: candidate windows from the motion-energy curve
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "fidget-proposals.h"

void
fidget_proposal_params_init (FidgetProposalParams *params)
{
  params->smooth_s = 0.2;
  params->still_percentile = 0.25;
  params->threshold_ratio = 2.0;
  params->threshold_floor = 0.01;
  params->merge_gap_s = 0.25;
  params->pad_s = 0.1;
  params->min_length_s = 0.3;
  params->max_length_s = 7.0;
}

double
fidget_proposal_tiou (gint64 a_start,
                      gint64 a_end,
                      gint64 b_start,
                      gint64 b_end)
{
  gint64 inter = MIN (a_end, b_end) - MAX (a_start, b_start);
  gint64 uni = MAX (a_end, b_end) - MIN (a_start, b_start);

  if (inter <= 0 || uni <= 0)
    return 0.0;
  return (double) inter / (double) uni;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gint64
frames_for (double seconds,
            int    fps_num,
            int    fps_den)
{
  return (gint64) llround (seconds * fps_num / fps_den);
}

static void
add_window (GArray       *out,
            const double *smooth,
            gint64        start,
            gint64        end,
            gint64        max_len)
{
  /* Too long for one clip: equal parts, so no part is a sliver. */
  gint64 parts = max_len > 0 ? (end - start + max_len - 1) / max_len : 1;

  for (gint64 p = 0; p < parts; p++)
    {
      FidgetProposal w = { 0, };

      w.start_frame = start + (end - start) * p / parts;
      w.end_frame = start + (end - start) * (p + 1) / parts;
      for (gint64 i = w.start_frame; i < w.end_frame; i++)
        w.peak = MAX (w.peak, smooth[i]);
      g_array_append_val (out, w);
    }
}

GArray *
fidget_motion_proposals (const double               *energy,
                         gint64                      n_frames,
                         int                         fps_num,
                         int                         fps_den,
                         const FidgetProposalParams *params)
{
  FidgetProposalParams defaults;
  GArray *out = g_array_new (FALSE, TRUE, sizeof (FidgetProposal));
  g_autofree double *smooth = NULL;
  g_autofree double *sorted = NULL;
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 half, gap, pad, min_len, max_len, idx;
  double sum = 0.0, still, threshold;
  gint64 lo = 0, hi = 0;

  g_return_val_if_fail (fps_num > 0 && fps_den > 0, out);

  if (params == NULL)
    {
      fidget_proposal_params_init (&defaults);
      params = &defaults;
    }
  if (energy == NULL || n_frames <= 0)
    return out;

  half = MAX (0, frames_for (params->smooth_s, fps_num, fps_den) / 2);
  gap = frames_for (params->merge_gap_s, fps_num, fps_den);
  pad = frames_for (params->pad_s, fps_num, fps_den);
  min_len = MAX (1, frames_for (params->min_length_s, fps_num, fps_den));
  max_len = MAX (min_len, frames_for (params->max_length_s, fps_num, fps_den));

  /* Centred moving average with a running sum (windows shrink at the ends). */
  smooth = g_new (double, n_frames);
  for (gint64 i = 0; i < n_frames; i++)
    {
      gint64 want_lo = MAX (0, i - half), want_hi = MIN (n_frames, i + half + 1);

      while (hi < want_hi)
        sum += isfinite (energy[hi]) ? energy[hi] : 0.0, hi++;
      while (lo < want_lo)
        sum -= isfinite (energy[lo]) ? energy[lo] : 0.0, lo++;
      smooth[i] = MAX (0.0, sum / (double) (hi - lo));
    }

  /* The still level is the video's own: an interview is mostly still, so a low percentile of
   * the curve is what sitting there looks like (camera noise, compression, breathing). */
  sorted = g_memdup2 (smooth, sizeof (double) * n_frames);
  qsort (sorted, n_frames, sizeof (double), compare_doubles);
  idx = (gint64) floor (CLAMP (params->still_percentile, 0.0, 1.0) * (double) (n_frames - 1));
  still = sorted[idx];
  threshold = still * params->threshold_ratio + params->threshold_floor;

  /* Runs above the threshold, [start, end) pairs, merged across short gaps. */
  for (gint64 i = 0; i < n_frames; )
    {
      gint64 start, end;

      if (smooth[i] <= threshold)
        {
          i++;
          continue;
        }
      start = i;
      while (i < n_frames && smooth[i] > threshold)
        i++;
      end = i;
      if (runs->len > 0 && start - g_array_index (runs, gint64, runs->len - 1) <= gap)
        g_array_index (runs, gint64, runs->len - 1) = end;
      else
        {
          g_array_append_val (runs, start);
          g_array_append_val (runs, end);
        }
    }

  for (guint r = 0; r < runs->len; r += 2)
    {
      gint64 start = MAX (0, g_array_index (runs, gint64, r) - pad);
      gint64 end = MIN (n_frames, g_array_index (runs, gint64, r + 1) + pad);

      /* Padding never reaches into the next run's window. */
      if (out->len > 0)
        start = MAX (start, g_array_index (out, FidgetProposal, out->len - 1).end_frame);
      if (r + 2 < runs->len)
        end = MIN (end, MAX (g_array_index (runs, gint64, r + 1),
                             (g_array_index (runs, gint64, r + 1) +
                              g_array_index (runs, gint64, r + 2)) / 2));
      /* The length that counts is the motion's own, before the padding. */
      if (g_array_index (runs, gint64, r + 1) - g_array_index (runs, gint64, r) < min_len ||
          end - start < min_len)
        continue;
      add_window (out, smooth, start, end, max_len);
    }

  return out;
}
