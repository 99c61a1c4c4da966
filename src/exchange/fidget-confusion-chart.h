/* fidget-confusion-chart.h: a confusion heat-map between two annotators, drawn with cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-agreement.h"

G_BEGIN_DECLS

/* Draws @confusion as a PNG at @path: one row per category of the first annotator, one column
 * per category of the second, each cell shaded by its share of its row and labelled with its
 * count; the diagonal is agreement. A file that cannot be written is a G_IO_ERROR naming it. */
gboolean fidget_confusion_chart_write_png (const FidgetConfusion  *confusion,
                                           const char             *path,
                                           GError                **error);

/* The same with @caption as the line under the title (NULL: the note on tIoU matching above),
 * e.g. for a model's predictions against the ground truth. */
gboolean fidget_confusion_chart_write_png_with_caption (const FidgetConfusion  *confusion,
                                                        const char             *caption,
                                                        const char             *path,
                                                        GError                **error);

G_END_DECLS
