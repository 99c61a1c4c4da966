/* fidget-application.h: the application, its actions and its command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-window.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_APPLICATION (fidget_application_get_type ())

G_DECLARE_FINAL_TYPE (FidgetApplication, fidget_application, FIDGET, APPLICATION, AdwApplication)

FidgetApplication *fidget_application_new           (void);

/* The name new windows record edits under; NULL for nobody named. */
const char        *fidget_application_get_annotator (FidgetApplication *self);
void               fidget_application_set_annotator (FidgetApplication *self,
                                                     const char        *annotator);

/* Shows @file in a window: the one that has it open already, the active window when it shows
 * no project, or a new one. Errors appear in a message dialog on that window. */
FidgetWindow      *fidget_application_open_file     (FidgetApplication *self,
                                                     GFile             *file,
                                                     gboolean           create);

/* Makes @project from the work package @package (an annotator's copy of the coordinator's
 * project, with its identity) with progress and Cancel in a dialog, then opens it. A refusal
 * is shown in the dialog, and nothing is left behind. */
void               fidget_application_start_from_package (FidgetApplication *self,
                                                          GFile             *package,
                                                          GFile             *project);

G_END_DECLS
