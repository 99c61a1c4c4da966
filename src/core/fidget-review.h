/* fidget-review.h: the three-step review of a video, enforced in core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A video is FREE until it is assigned: anyone may annotate it (pilots, calibration rounds).
 * Assigning names one primary annotator, N cross-checkers (at least the project's minimum,
 * 2 unless changed; all different from the primary and from each other) and a reviewer who is
 * none of them. The video then moves through these states:
 *
 *   annotating ──submit self-check──▶ self-checked ──first checker action──▶ cross-checking
 *        ▲                                                                       │
 *        │                                                last checker submits  │
 *        │                                          ┌──────────────┬────────────┘
 *        │                                          ▼              ▼
 *        │                                      disputed ──▶ consensus ──verify──▶ verified
 *        │                              (last dispute resolved)   ▲                   │
 *        └──────────────── reopen (audited, with a reason) ───────┴───── reopen ──────┘
 *
 * Who may do what (everything else is refused with FIDGET_ERROR_NOT_ALLOWED and a message
 * that says who may, or which state would take it):
 *
 *  - The person acting is the project's actor (fidget_project_set_actor(), `--as` in the CLI).
 *    Every step needs one, except assigning, which a coordinator who is not an annotator may do.
 *    Names are declared, not authenticated: the rules keep honest people in their lanes.
 *  - assign: the video is free or still annotating (people can be changed before the
 *    self-check is submitted).
 *  - Segments (add, change, delete, and undo/redo of such edits) on an assigned video:
 *      annotating                    only the primary, and only their own segments;
 *      self-checked, cross-checking  only a cross-checker who has not submitted yet, and only
 *                                    their own segments (the ones the primary missed);
 *      disputed, consensus, verified nobody: each person's segments are their record, the
 *                                    one agreement is measured on. The reviewer edits the
 *                                    consensus instead (fidget_review_*_consensus_segment()).
 *    With nobody named, an edit of an assigned video is refused (an add counts as made by the
 *    segment's own annotator, as everywhere in the store).
 *  - Self-check (annotating, primary only): confirm each own segment, or fix it (change and
 *    confirm in one edit). Changing a segment later takes its confirmation back. Submitting
 *    needs every own segment confirmed; it freezes the primary's segments.
 *  - Cross-check (self-checked or cross-checking, each checker for themself until they
 *    submit): one decision per primary segment (agree, relabel, adjust, reject; a new decision
 *    replaces the earlier one) and segments of their own for what the primary missed. The
 *    first such action moves the video to cross-checking. It is blind: while it lasts, a
 *    checker named as actor gets neither the other checkers' decisions nor their segments
 *    (fidget_project_list_segments() and fidget_project_list_audit() leave them out,
 *    fidget_project_get_segment() and fidget_review_list_decisions() refuse; the agreement
 *    report leaves a video's checkers out until its cross-check is over). Submitting needs a
 *    decision on every primary segment. When the last checker submits, the consensus is
 *    settled (see below) and the video becomes disputed (some dispute open) or consensus.
 *  - Reviewer (disputed or consensus, reviewer only): resolves disputes (choose a person's
 *    version, edit, or drop), edits the consensus freely; the last resolution moves disputed
 *    to consensus. verify: consensus only (no dispute open). Verified consensus segments are
 *    the ground truth (fidget_review_list_ground_truth()).
 *  - reopen (audited, reason required): the primary may take back a submitted self-check while
 *    no checker has acted (self-checked -> annotating; confirmations of segments they do not
 *    change stay valid); the reviewer may send any state after annotating back to annotating
 *    (a new round: confirmations, decisions, disputes and the consensus are dropped; the
 *    audit log keeps every one of them), or a verified video back to consensus to correct the
 *    ground truth and verify again.
 *
 * Settling (fidget_consensus_settle()): the primary's segments and the checkers' additions
 * are grouped across people by temporal IoU (greedy one-to-one, highest tIoU >= 0.5 first, the
 * matcher of fidget-agreement.h). Every person is one voter: the primary and each checker.
 *  - A primary segment: each checker's decision is a vote (agree = the primary's version,
 *    relabel/adjust = their version, reject = a vote against it). A majority of all voters
 *    rejecting drops it. A rejection without a majority makes a dispute ("rejection"): one
 *    person's "this is not there" is worth the reviewer's look rather than being outvoted in
 *    silence.
 *  - An addition (checkers' own segments, grouped across checkers): kept when more than half of
 *    all voters added it; otherwise a dispute ("addition").
 *  - A kept group takes the label that more than half of those keeping it gave; without one
 *    (a tie, or a split with no majority) it is a dispute ("label"). Boundaries are the
 *    medians of the starts and of the ends of those keeping it (an even count takes the mean of
 *    the two middle values, the start rounded down and the end up).
 */
#pragma once

#include "fidget-project.h"

G_BEGIN_DECLS

typedef enum
{
  FIDGET_REVIEW_FREE,
  FIDGET_REVIEW_ANNOTATING,
  FIDGET_REVIEW_SELF_CHECKED,
  FIDGET_REVIEW_CROSS_CHECKING,
  FIDGET_REVIEW_DISPUTED,
  FIDGET_REVIEW_CONSENSUS,
  FIDGET_REVIEW_VERIFIED,
} FidgetReviewState;

/* "free", "annotating", "self-checked", "cross-checking", "disputed", "consensus", "verified" */
const char *fidget_review_state_to_string   (FidgetReviewState  state);
gboolean    fidget_review_state_from_string (const char        *str,
                                             FidgetReviewState *state);

typedef enum
{
  FIDGET_DECISION_AGREE,
  FIDGET_DECISION_RELABEL,
  FIDGET_DECISION_ADJUST,
  FIDGET_DECISION_REJECT,
} FidgetDecisionKind;

/* "agree", "relabel", "adjust", "reject" */
const char *fidget_decision_kind_to_string   (FidgetDecisionKind  kind);
gboolean    fidget_decision_kind_from_string (const char         *str,
                                              FidgetDecisionKind *kind);

typedef enum
{
  FIDGET_DISPUTE_LABEL,      /* kept, but no label has a majority (ties included) */
  FIDGET_DISPUTE_REJECTION,  /* someone rejected a primary segment, without a majority */
  FIDGET_DISPUTE_ADDITION,   /* a checker added a segment, without a majority */
} FidgetDisputeKind;

const char *fidget_dispute_kind_to_string (FidgetDisputeKind kind);

typedef struct
{
  char     *name;
  gboolean  submitted;
  guint     n_decisions;       /* decisions made on the primary's segments */
  guint     n_added;           /* own segments: what the primary missed */
} FidgetReviewChecker;

typedef struct
{
  gint64             video_id;
  FidgetReviewState  state;
  char              *uuid;            /* of the assignment; NULL when free */
  char              *primary;         /* NULL when free */
  char              *reviewer;        /* NULL when free */
  GPtrArray         *checkers;        /* FidgetReviewChecker, in the order assigned */
  guint              round;           /* 1, and one more after each reopen to annotating */
  guint              n_segments;      /* the primary's */
  guint              n_confirmed;     /* of those, confirmed in the self-check */
  guint              n_disputes;
  guint              n_open_disputes;
  guint              n_consensus;     /* consensus segments */
  gint64             changed_us;
} FidgetReviewStatus;

typedef struct
{
  gint64              id;
  char               *uuid;
  gint64              video_id;
  char               *checker;
  char               *segment_uuid;   /* the primary's segment decided on */
  FidgetDecisionKind  kind;
  char               *action_code;    /* the checker's version; NULL for a rejection */
  gint64              start_frame;    /* -1 for a rejection */
  gint64              end_frame;
  gint64              decided_us;
} FidgetReviewDecision;

/* One person's version in a dispute. */
typedef struct
{
  char   *uuid;          /* what to choose: a segment, a decision; NULL for "absent" */
  char   *annotator;
  char   *kind;          /* "segment" (the primary's), "agree", "relabel", "adjust", "reject",
                          * "addition", or "absent" (did not add it) */
  char   *action_code;   /* NULL for reject and absent */
  gint64  start_frame;   /* -1 for reject and absent */
  gint64  end_frame;
} FidgetDisputeVersion;

typedef struct
{
  gint64             id;
  char              *uuid;
  gint64             video_id;
  FidgetDisputeKind  kind;
  gint64             start_frame;     /* where it is: the median of the versions */
  gint64             end_frame;
  GPtrArray         *versions;        /* FidgetDisputeVersion, the primary first */
  gboolean           resolved;
  char              *resolution;      /* "chosen", "edited", "dropped" or NULL */
  char              *chosen_uuid;
  char              *consensus_uuid;  /* the consensus segment it resulted in, or NULL */
  char              *resolved_by;
  gint64             resolved_us;
} FidgetDispute;

#define FIDGET_TYPE_REVIEW_STATUS   (fidget_review_status_get_type ())
#define FIDGET_TYPE_REVIEW_DECISION (fidget_review_decision_get_type ())
#define FIDGET_TYPE_DISPUTE         (fidget_dispute_get_type ())

GType                 fidget_review_status_get_type   (void) G_GNUC_CONST;
FidgetReviewStatus   *fidget_review_status_copy       (const FidgetReviewStatus   *self);
void                  fidget_review_status_free       (FidgetReviewStatus         *self);
GType                 fidget_review_decision_get_type (void) G_GNUC_CONST;
FidgetReviewDecision *fidget_review_decision_copy     (const FidgetReviewDecision *self);
void                  fidget_review_decision_free     (FidgetReviewDecision       *self);
GType                 fidget_dispute_get_type         (void) G_GNUC_CONST;
FidgetDispute        *fidget_dispute_copy             (const FidgetDispute        *self);
void                  fidget_dispute_free             (FidgetDispute              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetReviewStatus, fidget_review_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetReviewDecision, fidget_review_decision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetDispute, fidget_dispute_free)

/* Assignment */
guint                 fidget_review_get_min_checkers     (FidgetProject       *project);
gboolean              fidget_review_set_min_checkers     (FidgetProject       *project,
                                                          guint                n_checkers,
                                                          GError             **error);
gboolean              fidget_review_assign               (FidgetProject       *project,
                                                          gint64               video_id,
                                                          const char          *primary,
                                                          const char * const  *checkers,
                                                          const char          *reviewer,
                                                          GError             **error);
FidgetReviewStatus   *fidget_review_get_status           (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);
/* Every video, free ones included, by id. */
GPtrArray            *fidget_review_list_status          (FidgetProject       *project,
                                                          GError             **error);

/* Step 1, self-check: the primary walks their own segments in time order. */
FidgetSegment        *fidget_review_next_unconfirmed     (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);
gboolean              fidget_review_is_confirmed         (FidgetProject       *project,
                                                          const char          *segment_uuid);
gboolean              fidget_review_confirm              (FidgetProject       *project,
                                                          const char          *segment_uuid,
                                                          GError             **error);
FidgetSegment        *fidget_review_fix                  (FidgetProject       *project,
                                                          const char          *segment_uuid,
                                                          const FidgetSegment *values,
                                                          FidgetSegmentFields  fields,
                                                          GError             **error);
gboolean              fidget_review_submit_self_check    (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);

/* Step 2, cross-check. @action_code is needed for RELABEL and may come with ADJUST (both
 * change); @start_frame/@end_frame are needed for ADJUST and may come with RELABEL (pass -1 to
 * keep the primary's). AGREE and REJECT take neither. */
FidgetReviewDecision *fidget_review_decide               (FidgetProject       *project,
                                                          const char          *segment_uuid,
                                                          FidgetDecisionKind   kind,
                                                          const char          *action_code,
                                                          gint64               start_frame,
                                                          gint64               end_frame,
                                                          GError             **error);
/* The primary's next segment in time order without a decision by the actor, or NULL. */
FidgetSegment        *fidget_review_next_undecided       (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);
/* Decisions on a video, of @checker or of everyone (NULL); blind, see above. */
GPtrArray            *fidget_review_list_decisions       (FidgetProject       *project,
                                                          gint64               video_id,
                                                          const char          *checker,
                                                          GError             **error);
gboolean              fidget_review_submit_cross_check   (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);

/* Step 3, the reviewer. Disputes in time order, open ones first. */
GPtrArray            *fidget_review_list_disputes        (FidgetProject       *project,
                                                          gint64               video_id,
                                                          gboolean             open_only,
                                                          GError             **error);
FidgetDispute        *fidget_review_get_dispute          (FidgetProject       *project,
                                                          gint64               dispute_id,
                                                          GError             **error);
/* Resolving again replaces the earlier resolution. */
gboolean              fidget_review_resolve_choose       (FidgetProject       *project,
                                                          gint64               dispute_id,
                                                          const char          *version_uuid,
                                                          GError             **error);
gboolean              fidget_review_resolve_edit         (FidgetProject       *project,
                                                          gint64               dispute_id,
                                                          const char          *action_code,
                                                          gint64               start_frame,
                                                          gint64               end_frame,
                                                          GError             **error);
gboolean              fidget_review_resolve_drop         (FidgetProject       *project,
                                                          gint64               dispute_id,
                                                          GError             **error);
/* The consensus of a video (or of all, @video_id 0) as segments whose annotator is
 * "consensus" (annotator_id 0). */
GPtrArray            *fidget_review_list_consensus       (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);
FidgetSegment        *fidget_review_add_consensus_segment (FidgetProject      *project,
                                                           gint64              video_id,
                                                           gint64              start_frame,
                                                           gint64              end_frame,
                                                           const char         *action_code,
                                                           GError            **error);
FidgetSegment        *fidget_review_update_consensus_segment (FidgetProject       *project,
                                                              const char          *uuid,
                                                              const FidgetSegment *values,
                                                              FidgetSegmentFields  fields,
                                                              GError             **error);
gboolean              fidget_review_delete_consensus_segment (FidgetProject       *project,
                                                              const char          *uuid,
                                                              GError             **error);
gboolean              fidget_review_verify               (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);
/* @to is FIDGET_REVIEW_ANNOTATING or FIDGET_REVIEW_CONSENSUS (from verified only). */
gboolean              fidget_review_reopen               (FidgetProject       *project,
                                                          gint64               video_id,
                                                          FidgetReviewState    to,
                                                          const char          *reason,
                                                          GError             **error);

/* Ground truth: the consensus of verified videos (of one, or all with @video_id 0). */
GPtrArray            *fidget_review_list_ground_truth    (FidgetProject       *project,
                                                          gint64               video_id,
                                                          GError             **error);

/* {{{ Settling one group, the pure rule (used by the workflow, tested on its own) */

/* One voter's say on one group. */
typedef struct
{
  gboolean  keep;          /* FALSE: rejected it, or did not add it */
  int       label;         /* category when kept */
  gint64    start_frame;   /* when kept */
  gint64    end_frame;
} FidgetBallot;

typedef enum
{
  FIDGET_SETTLE_KEEP,
  FIDGET_SETTLE_DROP,
  FIDGET_SETTLE_DISPUTE,
} FidgetSettleOutcome;

typedef struct
{
  FidgetSettleOutcome outcome;
  FidgetDisputeKind   dispute;       /* when DISPUTE */
  int                 label;         /* when KEEP */
  gint64              start_frame;   /* KEEP and DISPUTE: medians of those keeping it */
  gint64              end_frame;
  guint               n_keep;
  guint               n_label_votes; /* votes for the winning (or leading) label */
} FidgetSettlement;

/* @ballots holds one ballot per voter (the primary's first for a primary segment);
 * @is_addition tells a checker's addition from a primary segment. */
void                  fidget_consensus_settle            (const FidgetBallot  *ballots,
                                                          guint                n_ballots,
                                                          gboolean             is_addition,
                                                          FidgetSettlement    *settlement);

/* }}} */

G_END_DECLS
