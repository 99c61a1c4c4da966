/* fidget-review-bar.h: the review step at hand, over the workspace, one segment at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-project.h"
#include "fidget-workspace.h"

G_BEGIN_DECLS

typedef enum
{
  FIDGET_REVIEW_BAR_NONE,         /* a free video: hidden */
  FIDGET_REVIEW_BAR_INFO,         /* someone else's turn: says whose, no keys */
  FIDGET_REVIEW_BAR_SELF_CHECK,   /* the primary confirms or fixes each own segment */
  FIDGET_REVIEW_BAR_CROSS_CHECK,  /* a checker decides on each of the primary's segments */
  FIDGET_REVIEW_BAR_DISPUTES,     /* the reviewer resolves disputes, then verifies */
} FidgetReviewBarMode;

#define FIDGET_TYPE_REVIEW_BAR (fidget_review_bar_get_type ())

G_DECLARE_FINAL_TYPE (FidgetReviewBar, fidget_review_bar, FIDGET, REVIEW_BAR, GtkWidget)

GtkWidget           *fidget_review_bar_new          (void);

/* The workspace it drives (selection, loop, marks, others' lane, toasts); not owned. */
void                 fidget_review_bar_set_workspace (FidgetReviewBar *self,
                                                      FidgetWorkspace *workspace);
/* The person acting is the project's actor. */
void                 fidget_review_bar_set_project  (FidgetReviewBar *self,
                                                     FidgetProject   *project);
/* Starts on @video_id in the step the actor has there (0 to stop); the mode follows the
 * review as it moves on. */
void                 fidget_review_bar_set_video    (FidgetReviewBar *self,
                                                     gint64           video_id);
/* Whether the segment under review plays in a loop when it is shown (on by default). */
void                 fidget_review_bar_set_autoplay (FidgetReviewBar *self,
                                                     gboolean         autoplay);

FidgetReviewBarMode  fidget_review_bar_get_mode     (FidgetReviewBar *self);
/* Where the walk is: 0-based index of the item shown and how many there are. */
guint                fidget_review_bar_get_index    (FidgetReviewBar *self);
guint                fidget_review_bar_get_count    (FidgetReviewBar *self);
/* The uuid of the segment (self-check, cross-check) or dispute shown, or NULL. */
const char          *fidget_review_bar_get_current  (FidgetReviewBar *self);
/* "Segment 3 of 12", as the bar shows it. */
const char          *fidget_review_bar_get_title    (FidgetReviewBar *self);
const char          *fidget_review_bar_get_detail   (FidgetReviewBar *self);
/* Whether the bar is adjusting a range (cross-check adjust, dispute edit). */
gboolean             fidget_review_bar_is_adjusting (FidgetReviewBar *self);

/* The review's keys; TRUE when the key was used. The window calls it before the workspace
 * sees the key. */
gboolean             fidget_review_bar_handle_key   (FidgetReviewBar *self,
                                                     guint            keyval,
                                                     GdkModifierType  state);
/* What choosing @code in the relabel picker does, for the tests. */
void                 fidget_review_bar_choose_action (FidgetReviewBar *self,
                                                      const char      *code);

G_END_DECLS
