/* fidget-import-dialog.h: importing video files, with progress and cancel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FIDGET_TYPE_IMPORT_DIALOG (fidget_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FidgetImportDialog, fidget_import_dialog, FIDGET, IMPORT_DIALOG, AdwWindow)

/* @files: GFile; the import runs on its own connection to the project at @project_path,
 * recorded under @actor. */
FidgetImportDialog *fidget_import_dialog_new        (GtkWindow          *parent,
                                                     const char         *project_path,
                                                     const char         *actor,
                                                     GPtrArray          *files);

/* What the Import and Cancel buttons do. */
void                fidget_import_dialog_start      (FidgetImportDialog *self);
void                fidget_import_dialog_cancel     (FidgetImportDialog *self);

void                fidget_import_dialog_set_participant (FidgetImportDialog *self,
                                                          const char         *code);

/* For tests: whether the import has ended, how many files it added, and each file's
 * outcome ("imported", "cancelled", or the error message). */
gboolean            fidget_import_dialog_is_finished (FidgetImportDialog *self);
guint               fidget_import_dialog_get_imported (FidgetImportDialog *self);
const char         *fidget_import_dialog_get_outcome (FidgetImportDialog *self,
                                                      guint               index);

G_END_DECLS
