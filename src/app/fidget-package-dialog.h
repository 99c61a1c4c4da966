/* fidget-package-dialog.h: exporting and importing work packages, with progress and cancel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-project.h"
#include "fidget-work-package.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_PACKAGE_DIALOG (fidget_package_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FidgetPackageDialog, fidget_package_dialog, FIDGET, PACKAGE_DIALOG, AdwWindow)

/* What the window's menu opens ("Export Work Package…", "Import Work Package…"). */
void                 fidget_package_dialog_present_export (GtkWindow     *parent,
                                                           FidgetProject *project);
void                 fidget_package_dialog_present_import (GtkWindow     *parent,
                                                           FidgetProject *project);

FidgetPackageDialog *fidget_package_dialog_new_export     (GtkWindow     *parent,
                                                           FidgetProject *project);
FidgetPackageDialog *fidget_package_dialog_new_import     (GtkWindow     *parent,
                                                           FidgetProject *project);

/* What the rows and the file chooser set; tests call them directly. Choosing the package to
 * import starts its check at once: the dialog then shows what it holds and what would
 * change, and only the Import button applies it. */
void                 fidget_package_dialog_set_person     (FidgetPackageDialog *self,
                                                           const char          *name);
void                 fidget_package_dialog_set_with_videos (FidgetPackageDialog *self,
                                                            gboolean             with_videos);
void                 fidget_package_dialog_set_file       (FidgetPackageDialog *self,
                                                           const char          *path);
/* The Export or Import button, and Cancel. */
void                 fidget_package_dialog_start          (FidgetPackageDialog *self);
void                 fidget_package_dialog_cancel         (FidgetPackageDialog *self);

/* For tests: the state the user sees. */
gboolean             fidget_package_dialog_is_busy        (FidgetPackageDialog *self);
gboolean             fidget_package_dialog_can_start      (FidgetPackageDialog *self);
gboolean             fidget_package_dialog_is_done        (FidgetPackageDialog *self);
const char          *fidget_package_dialog_get_status     (FidgetPackageDialog *self);
/* The last refusal or failure, or NULL. */
const GError        *fidget_package_dialog_get_error      (FidgetPackageDialog *self);
/* The preview of an import (a dry run), then the import's outcome; NULL before. */
const FidgetWorkPackageResult *fidget_package_dialog_get_result (FidgetPackageDialog *self);

G_END_DECLS
