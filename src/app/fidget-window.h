/* fidget-window.h: a window on one project, or the welcome page when none is open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-import-dialog.h"
#include "fidget-project.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_WINDOW (fidget_window_get_type ())

G_DECLARE_FINAL_TYPE (FidgetWindow, fidget_window, FIDGET, WINDOW, AdwApplicationWindow)

FidgetWindow  *fidget_window_new                (GtkApplication *application,
                                                 const char     *annotator);

FidgetProject *fidget_window_get_project        (FidgetWindow   *self);
void           fidget_window_set_project        (FidgetWindow   *self,
                                                 FidgetProject  *project);
gboolean       fidget_window_has_file           (FidgetWindow   *self,
                                                 GFile          *file);

/* Opens or creates the project at @file, without a window: for callers that pick the window
 * after they know whether the project opened. */
FidgetProject *fidget_window_load_project_file  (GFile          *file,
                                                 gboolean        create,
                                                 GError        **error);
void           fidget_window_report_load_error  (FidgetWindow   *self,
                                                 gboolean        create,
                                                 const GError   *error);

/* Open or create the project at @file and show it; on failure the window keeps what it
 * showed and tells why in a message dialog. */
gboolean       fidget_window_open_project       (FidgetWindow   *self,
                                                 GFile          *file);
gboolean       fidget_window_create_project     (FidgetWindow   *self,
                                                 GFile          *file);

const char    *fidget_window_get_annotator      (FidgetWindow   *self);
void           fidget_window_set_annotator      (FidgetWindow   *self,
                                                 const char     *annotator);

/* Re-reads the project's videos. */
void           fidget_window_reload             (FidgetWindow   *self);

/* Opens the import dialog for @files (GFile) into the open project; NULL without one. */
FidgetImportDialog *fidget_window_import_files (FidgetWindow   *self,
                                                GPtrArray      *files);
/* Writes down the video and frame shown, where the project opens next time. */
void           fidget_window_save_position      (FidgetWindow   *self);

void           fidget_window_show_error         (FidgetWindow   *self,
                                                 const char     *heading,
                                                 const GError   *error);

G_END_DECLS
