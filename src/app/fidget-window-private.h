/* fidget-window-private.h: a look inside the window, for the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-import-dialog.h"
#include "fidget-review-agreement.h"
#include "fidget-review-bar.h"
#include "fidget-window.h"
#include "fidget-workspace.h"

G_BEGIN_DECLS

/* "welcome", "project" (the video list), "workspace" or "agreement" */
const char     *fidget_window_get_page_name      (FidgetWindow *self);
/* "videos" or "empty", what the project page shows */
const char     *fidget_window_get_project_page_name (FidgetWindow *self);
AdwWindowTitle *fidget_window_get_title_widget   (FidgetWindow *self);
/* The entry of the header's "who are you" popover. */
GtkEntry        *fidget_window_get_annotator_entry  (FidgetWindow *self);
/* The header's toggle of the workspace's segment panel. */
GtkToggleButton *fidget_window_get_inspector_button (FidgetWindow *self);
GtkListBox     *fidget_window_get_video_list     (FidgetWindow *self);
GtkLabel       *fidget_window_get_videos_summary (FidgetWindow *self);
FidgetWorkspace *fidget_window_get_workspace     (FidgetWindow *self);
/* The import dialog last opened, while it is open. */
FidgetImportDialog *fidget_window_get_import_dialog (FidgetWindow *self);
/* "Waiting for You": the videos where it is the annotator's turn (video_list has the rest). */
GtkListBox     *fidget_window_get_waiting_list   (FidgetWindow *self);
FidgetReviewBar *fidget_window_get_review_bar    (FidgetWindow *self);
FidgetReviewAgreement *fidget_window_get_agreement (FidgetWindow *self);
/* The question "Remove … From the Project?" while it is open. */
AdwMessageDialog *fidget_window_get_removal_dialog (FidgetWindow *self);
/* The window's capture controller that hands keys to the review bar first. */
GtkEventController *fidget_window_get_review_key_controller (FidgetWindow *self);

G_END_DECLS
