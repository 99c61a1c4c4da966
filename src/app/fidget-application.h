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

G_END_DECLS
