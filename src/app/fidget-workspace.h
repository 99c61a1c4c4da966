/* fidget-workspace.h: where one video is annotated: player, timeline, picker and inspector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-project.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_WORKSPACE (fidget_workspace_get_type ())

G_DECLARE_FINAL_TYPE (FidgetWorkspace, fidget_workspace, FIDGET, WORKSPACE, GtkWidget)

GtkWidget         *fidget_workspace_new            (void);

void               fidget_workspace_set_project    (FidgetWorkspace *self,
                                                    FidgetProject   *project);
/* The person whose segments are edited; NULL until someone is chosen (edits are refused
 * with a message until then). */
void               fidget_workspace_set_annotator  (FidgetWorkspace *self,
                                                    const char      *annotator);

/* Opens the video in the background and shows @frame (clamped to the video) when it is
 * decoded. A video that cannot be played shows why in the workspace. */
void               fidget_workspace_open_video     (FidgetWorkspace *self,
                                                    gint64           video_id,
                                                    gint64           frame);
void               fidget_workspace_close_video    (FidgetWorkspace *self);
/* NULL when no video is open. */
const FidgetVideo *fidget_workspace_get_video      (FidgetWorkspace *self);

/* The frame the playhead is on (the one shown, or about to be). */
gint64             fidget_workspace_get_position   (FidgetWorkspace *self);
void               fidget_workspace_seek           (FidgetWorkspace *self,
                                                    gint64           frame);
gboolean           fidget_workspace_get_playing    (FidgetWorkspace *self);
void               fidget_workspace_set_playing    (FidgetWorkspace *self,
                                                    gboolean         playing);
double             fidget_workspace_get_speed      (FidgetWorkspace *self);
void               fidget_workspace_set_speed      (FidgetWorkspace *self,
                                                    double           speed);

/* Whether the others' lane is shown (the review step decides; off by default). */
void               fidget_workspace_set_show_others (FidgetWorkspace *self,
                                                     gboolean         show);

/* Puts the keyboard focus where the shortcuts work. */
void               fidget_workspace_focus          (FidgetWorkspace *self);

G_END_DECLS
