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
/* The segment panel (inspector) at the right; F9 toggles it. */
gboolean           fidget_workspace_get_inspector_visible (FidgetWorkspace *self);
void               fidget_workspace_set_inspector_visible (FidgetWorkspace *self,
                                                           gboolean         visible);

G_END_DECLS

/* {{{ review */

G_BEGIN_DECLS

/* What the review bar drives. The segment (or range) under review: @uuid selected (NULL or a
 * version that is no segment selects nothing), [@start, @end) looped, the playhead at its
 * start and, with @play, played in a loop. */
void               fidget_workspace_review_show_range    (FidgetWorkspace *self,
                                                          const char      *uuid,
                                                          gint64           start,
                                                          gint64           end,
                                                          gboolean         play);
/* The walk is over (submitted or verified): playback stops and the loop goes, the playhead
 * and the selection stay where they are. */
void               fidget_workspace_review_end           (FidgetWorkspace *self);
/* The in and out marks (the out one included), -1 for none: a range being adjusted. */
void               fidget_workspace_review_set_marks     (FidgetWorkspace *self,
                                                          gint64           in_frame,
                                                          gint64           out_frame);
/* The others' lane shows @segments (FidgetSegment, copied) instead of the store's, and is
 * shown; NULL gives it back to the store's segments and the review's rule. */
void               fidget_workspace_review_set_others    (FidgetWorkspace *self,
                                                          GPtrArray       *segments);
/* A toast over the video, as the workspace's own messages. */
void               fidget_workspace_review_show_message  (FidgetWorkspace *self,
                                                          const char      *message);
/* Whether the keyboard is in the middle of something of the workspace's: an action code
 * being typed, marks set, a text field or popover focused. The review's keys wait then. */
gboolean           fidget_workspace_review_keys_busy     (FidgetWorkspace *self);
/* Whether the open video can be shown and played yet (it opens in the background). */
gboolean           fidget_workspace_review_is_playable   (FidgetWorkspace *self);

G_END_DECLS

/* }}} */
