/* fidget-distribution-chart.h: the dataset card's class-distribution chart, drawn with cairo
 *
 * One stacked bar per label (the model's classes, then a project's own actions), its parts
 * the clips in train, val and test; bars in the body part's taxonomy colour, train full,
 * val and test in lighter shades of it. The same drawing is written as PNG and as SVG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-splits.h"
#include "fidget-taxonomy.h"

G_BEGIN_DECLS

typedef struct
{
  guint                      n_labels;
  const FidgetAction *const *actions;   /* by label */
  const guint               *counts;    /* counts[label * FIDGET_N_SPLITS + split] */
} FidgetDistribution;

/* Where things are in the drawing, in pixels (PNG) or points (SVG): the bar of label l is
 * centred at x = plot_left + (l + 0.5) * slot, rising from plot_bottom; the tallest bar
 * reaches at most plot_top. Gridlines are drawn in grid_rgb. */
typedef struct
{
  int    width;
  int    height;
  double plot_left;
  double plot_top;
  double plot_bottom;
  double slot;
  double bar_width;
  guint8 grid_rgb[3];
} FidgetDistributionLayout;

void    fidget_distribution_chart_layout (guint                      n_labels,
                                          FidgetDistributionLayout  *layout);

/* The chart as PNG or SVG bytes; a cairo failure is a FIDGET_ERROR saying which. */
GBytes *fidget_distribution_chart_png    (const FidgetDistribution  *distribution,
                                          GError                   **error);
GBytes *fidget_distribution_chart_svg    (const FidgetDistribution  *distribution,
                                          GError                   **error);

G_END_DECLS
