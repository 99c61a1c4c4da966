/* fidget-workspace-private.h: a look inside the workspace, for the window and the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-action-picker.h"
#include "fidget-scan.h"
#include "fidget-inspector.h"
#include "fidget-player.h"
#include "fidget-timeline.h"
#include "fidget-video-view.h"
#include "fidget-workspace.h"

G_BEGIN_DECLS

FidgetTimeline     *fidget_workspace_get_timeline    (FidgetWorkspace *self);
FidgetVideoView    *fidget_workspace_get_video_view  (FidgetWorkspace *self);
FidgetInspector    *fidget_workspace_get_inspector   (FidgetWorkspace *self);
FidgetActionPicker *fidget_workspace_get_picker      (FidgetWorkspace *self);
/* The open video's player, NULL while none is open. */
FidgetPlayer       *fidget_workspace_get_player      (FidgetWorkspace *self);
/* The frame whose surroundings were last prepared (fidget-frame-prefetch.c), or -1. */
gint64              fidget_workspace_get_frame_prefetch_ready (FidgetWorkspace *self);
GtkEventController *fidget_workspace_get_key_controller (FidgetWorkspace *self);

/* The frame whose picture is on screen, -1 before the first one arrives. */
gint64              fidget_workspace_get_shown_frame (FidgetWorkspace *self);
/* Whether a video is open and its frame for the position is on screen. */
gboolean            fidget_workspace_is_settled      (FidgetWorkspace *self);
/* Whether keyframes stand in while the playhead is dragged (chosen by the video's size when
 * it opens). */
void                fidget_workspace_set_scrub_by_keyframes (FidgetWorkspace *self,
                                                             gboolean         by_keyframes);
void                fidget_workspace_get_marks       (FidgetWorkspace *self,
                                                      gint64          *in_frame,
                                                      gint64          *out_frame);
const char         *fidget_workspace_get_selected    (FidgetWorkspace *self);
void                fidget_workspace_get_loop        (FidgetWorkspace *self,
                                                      gint64          *start,
                                                      gint64          *end);
/* The error shown over the video, or NULL. */
const char         *fidget_workspace_get_error       (FidgetWorkspace *self);
/* The last message shown as a toast, or NULL. */
const char         *fidget_workspace_get_last_message (FidgetWorkspace *self);
/* The action code being typed, "" when none. */
const char         *fidget_workspace_get_typed_code  (FidgetWorkspace *self);

/* Model assistance. The open video's open suggestions (NULL when none is open). */
GPtrArray          *fidget_workspace_get_suggestions (FidgetWorkspace *self);
/* The loaded model, NULL without weights or while loading. */
FidgetAssistModel  *fidget_workspace_get_model       (FidgetWorkspace *self);
gboolean            fidget_workspace_is_model_loading (FidgetWorkspace *self);
/* What the bar under the timeline says. */
const char         *fidget_workspace_get_assist_text (FidgetWorkspace *self);
gboolean            fidget_workspace_is_scanning     (FidgetWorkspace *self,
                                                      double          *fraction);
gboolean            fidget_workspace_is_measuring_motion (FidgetWorkspace *self);
/* The picker's top five for the selected segment: questions asked, answers dropped because
 * the selection moved on, answers shown, and the time from selection to the last one. */
void                fidget_workspace_get_classify_stats (FidgetWorkspace *self,
                                                         guint           *started,
                                                         guint           *cancelled,
                                                         guint           *completed,
                                                         double          *last_ms);
/* The segment whose top five the picker shows (NULL while asking or when none). */
const char         *fidget_workspace_get_classified  (FidgetWorkspace *self);
/* Top fives asked ahead for the next segment and kept; whether one is being asked now. */
guint               fidget_workspace_get_prefetched  (FidgetWorkspace *self,
                                                      gboolean        *in_progress);

/* What the key controller does with a key press; TRUE when the key was used. */
gboolean            fidget_workspace_handle_key      (FidgetWorkspace *self,
                                                      guint            keyval,
                                                      GdkModifierType  state);

G_END_DECLS
