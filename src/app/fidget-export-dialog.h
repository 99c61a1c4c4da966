/* fidget-export-dialog.h: exporting the dataset, with the options of `fidget-cli export`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-project.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_EXPORT_DIALOG (fidget_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FidgetExportDialog, fidget_export_dialog, FIDGET, EXPORT_DIALOG, AdwWindow)

typedef enum
{
  FIDGET_EXPORT_NOT_RUN,
  FIDGET_EXPORT_DONE,
  FIDGET_EXPORT_CANCELLED,   /* nothing of this export is left (see fidget-dataset.h) */
  FIDGET_EXPORT_FAILED,
} FidgetExportOutcome;

/* Opens the dialog over @parent for @project (read on the main thread: the dataset is a
 * snapshot taken as the options change; the files are written by a worker). */
void                 fidget_export_dialog_present         (GtkWindow          *parent,
                                                           FidgetProject      *project);
FidgetExportDialog  *fidget_export_dialog_new             (GtkWindow          *parent,
                                                           FidgetProject      *project);

/* What the rows set, for tests and callers that know the answer: a path ending in .tar.zst,
 * .tzst, .tar.gz, .tgz or .zip is an archive of that kind, anything else a package folder. */
void                 fidget_export_dialog_set_destination (FidgetExportDialog *self,
                                                           const char         *path);
const char          *fidget_export_dialog_get_destination (FidgetExportDialog *self);
void                 fidget_export_dialog_set_clips       (FidgetExportDialog *self,
                                                           gboolean            clips);
void                 fidget_export_dialog_set_ground_truth (FidgetExportDialog *self,
                                                            gboolean            ground_truth);
/* @preset: an x264 speed preset of the list (ultrafast ... slow); @height 0 for the source's. */
void                 fidget_export_dialog_set_clip_encoding (FidgetExportDialog *self,
                                                             const char         *preset,
                                                             int                 crf,
                                                             int                 height);
void                 fidget_export_dialog_set_split       (FidgetExportDialog *self,
                                                           guint               train,
                                                           guint               val,
                                                           guint               test,
                                                           guint64             seed);

/* What the Export and Cancel buttons do. */
void                 fidget_export_dialog_start           (FidgetExportDialog *self);
void                 fidget_export_dialog_cancel          (FidgetExportDialog *self);

/* Clips the current options choose (0 when they are refused: see get_preview_error). */
guint                fidget_export_dialog_get_n_clips     (FidgetExportDialog *self);
const char          *fidget_export_dialog_get_preview_error (FidgetExportDialog *self);
gboolean             fidget_export_dialog_is_running      (FidgetExportDialog *self);
/* The last export's outcome and its message (what was written, or why not). */
FidgetExportOutcome  fidget_export_dialog_get_outcome     (FidgetExportDialog *self,
                                                           const char        **message);

G_END_DECLS
