/* fidget-suggestions.h: model suggestions per video, kept apart from the human labels
 *
 * A suggestion is what a model proposed for a window of a video. It is never a segment and
 * never counted as a label: only a person's decision (accept, fix) turns it into that person's
 * segment, audited as model-assisted with the suggestion's UUID.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-project.h"

G_BEGIN_DECLS

typedef enum
{
  FIDGET_SUGGESTION_OPEN,
  FIDGET_SUGGESTION_ACCEPTED,
  FIDGET_SUGGESTION_FIXED,
  FIDGET_SUGGESTION_REJECTED,
} FidgetSuggestionState;

const char *fidget_suggestion_state_to_string   (FidgetSuggestionState  state);
gboolean    fidget_suggestion_state_from_string (const char            *str,
                                                 FidgetSuggestionState *state);

typedef struct
{
  gint64                 id;
  char                  *uuid;
  gint64                 video_id;
  gint64                 start_frame;   /* [start, end) in frames of the video */
  gint64                 end_frame;
  char                  *action_code;   /* the model's top-1 */
  char                  *scores_json;   /* top-5 as JSON: [{"code":"B1","score":0.7}, ...] */
  char                  *model_hash;    /* "sha256:" and the weights file's digest */
  gint64                 created_us;
  FidgetSuggestionState  state;
  char                  *decided_by;    /* NULL while open */
  gint64                 decided_us;    /* 0 while open */
  char                  *segment_uuid;  /* the segment an accept or fix made, else NULL */
} FidgetSuggestion;

FidgetSuggestion *fidget_suggestion_new  (void);
void              fidget_suggestion_free (FidgetSuggestion *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetSuggestion, fidget_suggestion_free)

/* What a new batch replaces; decided suggestions always stay. */
typedef enum
{
  FIDGET_SUGGESTIONS_KEEP,                 /* nothing */
  FIDGET_SUGGESTIONS_REPLACE_OPEN,         /* the model's open ones for the video */
  FIDGET_SUGGESTIONS_REPLACE_OPEN_WINDOWS, /* the model's open ones at the batch's windows
                                            * (same start and end): one shard of a scan */
} FidgetSuggestionsReplace;

/* Stores @items (FidgetSuggestion: start_frame, end_frame, action_code, scores_json are read;
 * the rest is filled in) for @video_id from the model @model_hash, all in one transaction,
 * after deleting what @replace says. Returns the stored suggestions, in the order of @items. */
GPtrArray        *fidget_suggestions_add    (FidgetProject            *project,
                                             gint64                    video_id,
                                             const char               *model_hash,
                                             GPtrArray                *items,
                                             FidgetSuggestionsReplace  replace,
                                             GError                  **error);
/* A video's suggestions in order of start frame, every state. */
GPtrArray        *fidget_suggestions_list   (FidgetProject            *project,
                                             gint64                    video_id,
                                             GError                  **error);
FidgetSuggestion *fidget_suggestions_get    (FidgetProject            *project,
                                             const char               *uuid,
                                             GError                  **error);

/* Decisions, by the project's actor (which must be set: a decision needs a person). Accept
 * makes the suggestion the actor's segment as proposed; fix makes it with @action_code (NULL:
 * the suggested one) and @start_frame/@end_frame (negative: the suggested ones). Both return
 * the new segment. Only open suggestions can be decided. */
FidgetSegment    *fidget_suggestions_accept (FidgetProject            *project,
                                             const char               *uuid,
                                             GError                  **error);
FidgetSegment    *fidget_suggestions_fix    (FidgetProject            *project,
                                             const char               *uuid,
                                             const char               *action_code,
                                             gint64                    start_frame,
                                             gint64                    end_frame,
                                             GError                  **error);
gboolean          fidget_suggestions_reject (FidgetProject            *project,
                                             const char               *uuid,
                                             GError                  **error);

G_END_DECLS
