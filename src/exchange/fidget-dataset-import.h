/* fidget-dataset-import.h: segments back from a package's annotations.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-media-init.h"
#include "fidget-project.h"

G_BEGIN_DECLS

typedef struct
{
  /* Videos the project lacks are imported from the CSV's `video` paths (relative ones from
   * the CSV's folder); without this they are refused. */
  gboolean    import_videos;
  /* Whose segments rows without annotators become; NULL refuses such rows. */
  const char *annotator;
} FidgetCsvImportOptions;

typedef struct
{
  guint n_rows;
  guint n_added;             /* segments written */
  guint n_present;           /* rows the project already held (same video, annotator, frames
                              * and action): importing twice changes nothing */
  guint n_videos_imported;
  guint n_annotators_added;
} FidgetCsvImportReport;

/* Reads a CSV with a header naming at least start_frame, end_frame, action and video_sha256
 * or video; annotators, participant, gender, age_group, emotion and note are used when
 * present, other columns ignored (fidget_dataset_write()'s annotations.csv has them all).
 * Every row is checked before anything is written: a malformed row, an unknown action, a
 * missing video or frames outside it refuse the whole file, naming it and the line. Videos
 * are matched by content hash (by path when the CSV has no hash). */
gboolean fidget_dataset_import_csv (FidgetProject                *project,
                                    const char                   *path,
                                    const FidgetCsvImportOptions *options,
                                    FidgetCsvImportReport        *report,
                                    GCancellable                 *cancellable,
                                    GError                      **error);

G_END_DECLS
