/* fidget-review.c: the three-step review of a video, enforced in core
 *
 * The rules are written down in fidget-review.h. Every step is one IMMEDIATE transaction of
 * the project store, checks the rules inside it (so two programs cannot both pass a check and
 * then both write), and writes its audit row before it commits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-agreement.h"
#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-review-private.h"

#define DEFAULT_MIN_CHECKERS 2

/* {{{ Names */

static const char *const state_names[] = {
  [FIDGET_REVIEW_FREE] = "free",
  [FIDGET_REVIEW_ANNOTATING] = "annotating",
  [FIDGET_REVIEW_SELF_CHECKED] = "self-checked",
  [FIDGET_REVIEW_CROSS_CHECKING] = "cross-checking",
  [FIDGET_REVIEW_DISPUTED] = "disputed",
  [FIDGET_REVIEW_CONSENSUS] = "consensus",
  [FIDGET_REVIEW_VERIFIED] = "verified",
};

const char *
fidget_review_state_to_string (FidgetReviewState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

/* The index of @str among @names, ignoring ASCII case; -1 when it is none of them. */
static int
name_index (const char *const *names,
            guint              n_names,
            const char        *str)
{
  for (guint i = 0; str != NULL && i < n_names; i++)
    if (g_ascii_strcasecmp (str, names[i]) == 0)
      return (int) i;
  return -1;
}

gboolean
fidget_review_state_from_string (const char        *str,
                                 FidgetReviewState *state)
{
  int i = name_index (state_names, G_N_ELEMENTS (state_names), str);

  if (i < 0)
    return FALSE;
  *state = (FidgetReviewState) i;
  return TRUE;
}

static const char *const decision_names[] = {
  [FIDGET_DECISION_AGREE] = "agree",
  [FIDGET_DECISION_RELABEL] = "relabel",
  [FIDGET_DECISION_ADJUST] = "adjust",
  [FIDGET_DECISION_REJECT] = "reject",
};

const char *
fidget_decision_kind_to_string (FidgetDecisionKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (decision_names), NULL);
  return decision_names[kind];
}

gboolean
fidget_decision_kind_from_string (const char         *str,
                                  FidgetDecisionKind *kind)
{
  int i = name_index (decision_names, G_N_ELEMENTS (decision_names), str);

  if (i < 0)
    return FALSE;
  *kind = (FidgetDecisionKind) i;
  return TRUE;
}

static const char *const dispute_names[] = {
  [FIDGET_DISPUTE_LABEL] = "label",
  [FIDGET_DISPUTE_REJECTION] = "rejection",
  [FIDGET_DISPUTE_ADDITION] = "addition",
};

const char *
fidget_dispute_kind_to_string (FidgetDisputeKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (dispute_names), NULL);
  return dispute_names[kind];
}

/* From the database, which only ever holds these names. */
static FidgetDisputeKind
dispute_kind_from_string (const char *str)
{
  int i = name_index (dispute_names, G_N_ELEMENTS (dispute_names), str);

  return i < 0 ? FIDGET_DISPUTE_LABEL : (FidgetDisputeKind) i;
}

/* }}} */
/* {{{ Records */

static FidgetReviewChecker *
checker_copy (const FidgetReviewChecker *self)
{
  FidgetReviewChecker *copy = g_new (FidgetReviewChecker, 1);

  *copy = *self;
  copy->name = g_strdup (self->name);
  return copy;
}

static void
checker_free (FidgetReviewChecker *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self);
}

FidgetReviewStatus *
fidget_review_status_copy (const FidgetReviewStatus *self)
{
  FidgetReviewStatus *copy = g_new (FidgetReviewStatus, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->primary = g_strdup (self->primary);
  copy->reviewer = g_strdup (self->reviewer);
  copy->checkers = g_ptr_array_new_with_free_func ((GDestroyNotify) checker_free);
  for (guint i = 0; self->checkers != NULL && i < self->checkers->len; i++)
    g_ptr_array_add (copy->checkers, checker_copy (g_ptr_array_index (self->checkers, i)));
  return copy;
}

void
fidget_review_status_free (FidgetReviewStatus *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->primary);
  g_free (self->reviewer);
  g_clear_pointer (&self->checkers, g_ptr_array_unref);
  g_free (self);
}

FidgetReviewDecision *
fidget_review_decision_copy (const FidgetReviewDecision *self)
{
  FidgetReviewDecision *copy = g_new (FidgetReviewDecision, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->checker = g_strdup (self->checker);
  copy->segment_uuid = g_strdup (self->segment_uuid);
  copy->action_code = g_strdup (self->action_code);
  return copy;
}

void
fidget_review_decision_free (FidgetReviewDecision *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->checker);
  g_free (self->segment_uuid);
  g_free (self->action_code);
  g_free (self);
}

static FidgetDisputeVersion *
version_copy (const FidgetDisputeVersion *self)
{
  FidgetDisputeVersion *copy = g_new (FidgetDisputeVersion, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->annotator = g_strdup (self->annotator);
  copy->kind = g_strdup (self->kind);
  copy->action_code = g_strdup (self->action_code);
  return copy;
}

static void
version_free (FidgetDisputeVersion *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->annotator);
  g_free (self->kind);
  g_free (self->action_code);
  g_free (self);
}

FidgetDispute *
fidget_dispute_copy (const FidgetDispute *self)
{
  FidgetDispute *copy = g_new (FidgetDispute, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->resolution = g_strdup (self->resolution);
  copy->chosen_uuid = g_strdup (self->chosen_uuid);
  copy->consensus_uuid = g_strdup (self->consensus_uuid);
  copy->resolved_by = g_strdup (self->resolved_by);
  copy->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) version_free);
  for (guint i = 0; self->versions != NULL && i < self->versions->len; i++)
    g_ptr_array_add (copy->versions, version_copy (g_ptr_array_index (self->versions, i)));
  return copy;
}

void
fidget_dispute_free (FidgetDispute *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->resolution);
  g_free (self->chosen_uuid);
  g_free (self->consensus_uuid);
  g_free (self->resolved_by);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (FidgetReviewStatus, fidget_review_status,
                     fidget_review_status_copy, fidget_review_status_free)
G_DEFINE_BOXED_TYPE (FidgetReviewDecision, fidget_review_decision,
                     fidget_review_decision_copy, fidget_review_decision_free)
G_DEFINE_BOXED_TYPE (FidgetDispute, fidget_dispute, fidget_dispute_copy, fidget_dispute_free)

/* }}} */
/* {{{ Small helpers */

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Audit details are JSON; names and reasons are people's text and need escaping. */
static void
json_append_string (GString    *out,
                    const char *str)
{
  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
json_member_string (GString    *out,
                    const char *name,
                    const char *value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  json_append_string (out, name);
  g_string_append_c (out, ':');
  json_append_string (out, value);
}

static void
json_member_int (GString    *out,
                 const char *name,
                 gint64      value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  json_append_string (out, name);
  g_string_append_printf (out, ":%" G_GINT64_FORMAT, value);
}

static void
json_member_raw (GString    *out,
                 const char *name,
                 const char *json)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  json_append_string (out, name);
  g_string_append_c (out, ':');
  g_string_append (out, json);
}

static const char *
action_code (FidgetProject *project,
             gint64         action_id)
{
  const FidgetAction *action =
    fidget_taxonomy_lookup_action_by_id (fidget_project_get_taxonomy (project), action_id);

  return action != NULL ? action->code : "?";
}

static const FidgetAction *
lookup_action (FidgetProject *project,
               const char    *code,
               GError       **error)
{
  const FidgetAction *action = NULL;

  if (code != NULL)
    action = fidget_taxonomy_lookup_action (fidget_project_get_taxonomy (project), code);
  if (action == NULL)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                 _("Unknown action code “%s” (codes are a body-part letter and a number, "
                   "e.g. B1 for nodding)"),
                 code != NULL ? code : "");
  return action;
}

static gboolean
validate_range (FidgetProject *project,
                gint64         video_id,
                gint64         start_frame,
                gint64         end_frame,
                GError       **error)
{
  g_autoptr(FidgetVideo) video = fidget_project_get_video (project, video_id, error);

  if (video == NULL)
    return FALSE;
  if (start_frame < 0 || end_frame <= start_frame || end_frame > video->frame_count)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Frames [%lld, %lld) are not a segment of video %lld: the start must be at "
                     "least 0, the end after the start and at most %lld (its frame count)"),
                   (long long) start_frame, (long long) end_frame, (long long) video_id,
                   (long long) video->frame_count);
      return FALSE;
    }
  return TRUE;
}

/* The annotator's row id for @name, or 0 (no error) when there is none. */
static gint64
annotator_id (FidgetProject *project,
              const char    *name,
              char         **canonical,
              GError       **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  if (name == NULL)
    return 0;
  stmt = fidget_project_prepare (project, "SELECT id, name FROM annotator WHERE name = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (canonical != NULL)
        *canonical = column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the annotators"));
      return -1;
    }
  return id;
}

typedef struct
{
  gint64   id;
  char    *name;
  gint64   submitted_us;   /* 0 while not submitted */
} Checker;

/* A video's assignment, as read inside a transaction. */
typedef struct
{
  gint64             video_id;
  char              *uuid;
  FidgetReviewState  state;
  gint64             primary_id;
  char              *primary;
  gint64             reviewer_id;
  char              *reviewer;
  guint              round;
  gint64             changed_us;
  GArray            *checkers;  /* Checker */
} Review;

static void
review_free (Review *review)
{
  if (review == NULL)
    return;
  g_free (review->uuid);
  g_free (review->primary);
  g_free (review->reviewer);
  if (review->checkers != NULL)
    {
      for (guint i = 0; i < review->checkers->len; i++)
        g_free (g_array_index (review->checkers, Checker, i).name);
      g_array_unref (review->checkers);
    }
  g_free (review);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Review, review_free)

/* NULL with no error for a free video. */
static Review *
load_review (FidgetProject *project,
             gint64         video_id,
             GError       **error)
{
  g_autoptr(Review) review = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = fidget_project_prepare (project,
                                 "SELECT r.uuid, r.state, r.primary_id, p.name, r.reviewer_id, "
                                 "  w.name, r.round, r.changed_us "
                                 "FROM review r JOIN annotator p ON p.id = r.primary_id "
                                 "  JOIN annotator w ON w.id = r.reviewer_id "
                                 "WHERE r.video_id = ?1",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      review = g_new0 (Review, 1);
      review->video_id = video_id;
      review->uuid = column_dup (stmt, 0);
      fidget_review_state_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                       &review->state);
      review->primary_id = sqlite3_column_int64 (stmt, 2);
      review->primary = column_dup (stmt, 3);
      review->reviewer_id = sqlite3_column_int64 (stmt, 4);
      review->reviewer = column_dup (stmt, 5);
      review->round = (guint) sqlite3_column_int (stmt, 6);
      review->changed_us = sqlite3_column_int64 (stmt, 7);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        fidget_project_sqlite_error (project, error, rc, _("read the review"));
      return NULL;
    }

  review->checkers = g_array_new (FALSE, TRUE, sizeof (Checker));
  stmt = fidget_project_prepare (project,
                                 "SELECT c.annotator_id, a.name, c.submitted_us "
                                 "FROM review_checker c JOIN annotator a ON a.id = c.annotator_id "
                                 "WHERE c.video_id = ?1 ORDER BY c.position",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Checker checker;

      checker.id = sqlite3_column_int64 (stmt, 0);
      checker.name = column_dup (stmt, 1);
      checker.submitted_us = sqlite3_column_type (stmt, 2) == SQLITE_NULL
                             ? 0 : sqlite3_column_int64 (stmt, 2);
      g_array_append_val (review->checkers, checker);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the review"));
      return NULL;
    }
  return g_steal_pointer (&review);
}

static Checker *
find_checker (Review *review,
              gint64  id)
{
  for (guint i = 0; i < review->checkers->len; i++)
    if (g_array_index (review->checkers, Checker, i).id == id)
      return &g_array_index (review->checkers, Checker, i);
  return NULL;
}

static char *
checker_names (Review *review)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < review->checkers->len; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == review->checkers->len ? _(" and ") : ", ");
      g_string_append (out, g_array_index (review->checkers, Checker, i).name);
    }
  return g_string_free (out, FALSE);
}

/* Loads the assignment; a free video is refused for steps that need one. */
static Review *
require_review (FidgetProject *project,
                gint64         video_id,
                const char    *what,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  Review *review;

  if (!(video = fidget_project_get_video (project, video_id, error)))
    return NULL;
  review = load_review (project, video_id, &local_error);
  if (review == NULL && local_error == NULL)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                 _("Cannot %s: video %lld is not assigned for review (assign it first)"),
                 what, (long long) video_id);
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return review;
}

/* The person acting: the project's actor, who must be an annotator. */
static gint64
require_actor (FidgetProject *project,
               const char    *what,
               char         **name,
               GError       **error)
{
  const char *actor = fidget_project_get_actor (project);
  gint64 id;

  if (actor == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: nobody was named as doing it (name the annotator acting)"),
                   what);
      return 0;
    }
  id = annotator_id (project, actor, name, error);
  if (id == 0)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("Cannot %s: there is no annotator “%s” in the project"), what, actor);
  return id > 0 ? id : 0;
}

static gboolean
refuse_state (Review      *review,
              const char  *what,
              const char  *needed,
              GError     **error)
{
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
               _("Cannot %s: video %lld is %s, and this step needs it %s"),
               what, (long long) review->video_id, state_names[review->state], needed);
  return FALSE;
}

/* Moves the video to @to and writes the audit row of the step that did it. */
static gboolean
set_state (FidgetProject      *project,
           Review             *review,
           FidgetReviewState   to,
           const char         *operation,
           GString            *detail,
           GError            **error)
{
  sqlite3_stmt *stmt;
  gint64 now = MAX (g_get_real_time (), review->changed_us + 1);

  if (to != review->state)
    {
      stmt = fidget_project_prepare (project,
                                     "UPDATE review SET state = ?2, changed_us = ?3 "
                                     "WHERE video_id = ?1",
                                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, review->video_id);
      sqlite3_bind_text (stmt, 2, state_names[to], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!fidget_project_step_done (project, stmt, _("write the review"), error))
        return FALSE;
      json_member_string (detail, "from", state_names[review->state]);
      json_member_string (detail, "to", state_names[to]);
      review->state = to;
      review->changed_us = now;
    }
  g_string_append_c (detail, '}');
  return fidget_project_audit (project, operation, "review", review->uuid, detail->str, error);
}

static GString *
detail_new (gint64 video_id)
{
  GString *detail = g_string_new ("{");

  json_member_int (detail, "video", video_id);
  return detail;
}

/* Commits a step and tells the project's listeners about it. */
static gboolean
step_commit (FidgetProject  *project,
             gint64          video_id,
             const char     *what,
             GError        **error)
{
  if (!fidget_project_commit (project, what, error))
    return FALSE;
  fidget_project_emit_changed (project, "review", video_id);
  return TRUE;
}

/* }}} */
/* {{{ Rules the store calls */

gboolean
fidget_review_check_segment_edit (FidgetProject  *project,
                                  gint64          video_id,
                                  gint64          owner_id,
                                  const char     *owner_name,
                                  const char     *what,
                                  GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(Review) review = load_review (project, video_id, &local_error);
  g_autofree char *actor_name = NULL;
  const char *actor = fidget_project_get_actor (project);
  gint64 actor_id;
  Checker *checker;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (review == NULL)
    return TRUE;   /* free: anyone may annotate */

  if (actor == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: video %lld is assigned for review and nobody was named as "
                     "making the edit"),
                   what, (long long) video_id);
      return FALSE;
    }
  actor_id = annotator_id (project, actor, &actor_name, error);
  if (actor_id < 0)
    return FALSE;

  switch (review->state)
    {
    case FIDGET_REVIEW_ANNOTATING:
      if (actor_id != review->primary_id)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: video %lld is being annotated by %s, its primary annotator; "
                         "only they may edit its segments now"),
                       what, (long long) video_id, review->primary);
          return FALSE;
        }
      if (owner_id != review->primary_id)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: it belongs to %s, and %s may edit only their own segments "
                         "of video %lld"),
                       what, owner_name ? owner_name : "someone else", review->primary,
                       (long long) video_id);
          return FALSE;
        }
      return TRUE;

    case FIDGET_REVIEW_SELF_CHECKED:
    case FIDGET_REVIEW_CROSS_CHECKING:
      checker = find_checker (review, actor_id);
      if (checker == NULL)
        {
          g_autofree char *names = checker_names (review);

          if (actor_id == review->primary_id)
            g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                         _("Cannot %s: %s submitted the self-check of video %lld, so its "
                           "segments stay as they are during the cross-check (the reviewer can "
                           "reopen it)"),
                         what, review->primary, (long long) video_id);
          else
            g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                         _("Cannot %s: video %lld is being cross-checked; only its "
                           "cross-checkers (%s) may add segments to it now"),
                         what, (long long) video_id, names);
          return FALSE;
        }
      if (checker->submitted_us != 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: %s has already submitted the cross-check of video %lld"),
                       what, checker->name, (long long) video_id);
          return FALSE;
        }
      if (owner_id != actor_id)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: in the cross-check of video %lld, %s may only add and edit "
                         "their own segments; decide on the primary's segments instead"),
                       what, (long long) video_id, checker->name);
          return FALSE;
        }
      if (review->state == FIDGET_REVIEW_SELF_CHECKED)
        {
          g_autoptr(GString) detail = detail_new (video_id);

          json_member_string (detail, "by", checker->name);
          return set_state (project, review, FIDGET_REVIEW_CROSS_CHECKING, "start-cross-check",
                            detail, error);
        }
      return TRUE;

    case FIDGET_REVIEW_DISPUTED:
    case FIDGET_REVIEW_CONSENSUS:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: video %lld is with its reviewer, %s; each person's segments "
                     "are kept as their record, and the reviewer edits the consensus instead"),
                   what, (long long) video_id, review->reviewer);
      return FALSE;

    case FIDGET_REVIEW_VERIFIED:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: video %lld is verified; its reviewer, %s, can reopen it"),
                   what, (long long) video_id, review->reviewer);
      return FALSE;

    case FIDGET_REVIEW_FREE:
    default:
      return TRUE;
    }
}

static gint64
hidden_key (gint64 video_id,
            gint64 annotator_id_)
{
  /* Row ids stay far below 2^32 in any project a person can make. */
  return (gint64) (((guint64) video_id << 32) | ((guint64) annotator_id_ & 0xffffffffu));
}

GHashTable *
fidget_review_hidden_for_actor (FidgetProject *project,
                                gint64         video_id)
{
  const char *actor = fidget_project_get_actor (project);
  GHashTable *hidden = NULL;
  sqlite3_stmt *stmt;

  if (actor == NULL)
    return NULL;
  stmt = fidget_project_prepare (project,
                                 "SELECT o.video_id, o.annotator_id FROM review r "
                                 "JOIN review_checker me ON me.video_id = r.video_id "
                                 "JOIN annotator a ON a.id = me.annotator_id AND a.name = ?1 "
                                 "JOIN review_checker o ON o.video_id = r.video_id "
                                 "  AND o.annotator_id != me.annotator_id "
                                 "WHERE r.state IN ('self-checked', 'cross-checking') "
                                 "  AND (?2 = 0 OR r.video_id = ?2)",
                                 NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, video_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 *key = g_new (gint64, 1);

      if (hidden == NULL)
        hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      *key = hidden_key (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1));
      g_hash_table_add (hidden, key);
    }
  sqlite3_reset (stmt);
  return hidden;
}

gboolean
fidget_review_hidden_contains (GHashTable *hidden,
                               gint64      video_id,
                               gint64      annotator_id_)
{
  gint64 key = hidden_key (video_id, annotator_id_);

  return hidden != NULL && g_hash_table_contains (hidden, &key);
}

gboolean
fidget_review_audit_entry_hidden (FidgetProject          *project,
                                  GHashTable             *hidden,
                                  GHashTable             *ids,
                                  const FidgetAuditEntry *entry)
{
  const char *key;
  gpointer cached;
  gint64 video_id, actor_id;

  if (hidden == NULL || entry->actor == NULL || entry->detail == NULL)
    return FALSE;
  /* Every row the review and the store write for a video names it in its detail. */
  key = strstr (entry->detail, "\"video\":");
  if (key == NULL)
    key = strstr (entry->detail, "\"video_id\":");
  if (key == NULL)
    return FALSE;
  video_id = g_ascii_strtoll (strchr (key, ':') + 1, NULL, 10);
  if (g_hash_table_lookup_extended (ids, entry->actor, NULL, &cached))
    actor_id = GPOINTER_TO_SIZE (cached);
  else
    {
      actor_id = annotator_id (project, entry->actor, NULL, NULL);
      g_hash_table_insert (ids, g_strdup (entry->actor), GSIZE_TO_POINTER ((gsize) MAX (actor_id, 0)));
    }
  return actor_id > 0 && fidget_review_hidden_contains (hidden, video_id, actor_id);
}

gboolean
fidget_review_check_segment_visible (FidgetProject  *project,
                                     gint64          video_id,
                                     gint64          owner_id,
                                     const char     *owner_name,
                                     GError        **error)
{
  g_autoptr(GHashTable) hidden = fidget_review_hidden_for_actor (project, video_id);

  if (!fidget_review_hidden_contains (hidden, video_id, owner_id))
    return TRUE;
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
               _("The segment belongs to %s, another cross-checker of video %lld; the "
                 "cross-check is blind until everyone has submitted"),
               owner_name ? owner_name : "someone", (long long) video_id);
  return FALSE;
}

/* }}} */
/* {{{ Assignment and status */

guint
fidget_review_get_min_checkers (FidgetProject *project)
{
  sqlite3_stmt *stmt;
  guint n = DEFAULT_MIN_CHECKERS;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), DEFAULT_MIN_CHECKERS);

  stmt = fidget_project_prepare (project,
                                 "SELECT value FROM meta WHERE key = 'review_min_checkers'",
                                 NULL);
  if (stmt == NULL)
    return n;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) MAX (1, sqlite3_column_int (stmt, 0));
  sqlite3_reset (stmt);
  return n;
}

gboolean
fidget_review_set_min_checkers (FidgetProject  *project,
                                guint           n_checkers,
                                GError        **error)
{
  g_autoptr(GString) detail = g_string_new ("{");
  g_autofree char *value = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (n_checkers < 1 || n_checkers > FIDGET_MAX_RATERS - 2)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("A video needs at least one cross-checker, and at most %d"),
                   FIDGET_MAX_RATERS - 2);
      return FALSE;
    }
  value = g_strdup_printf ("%u", n_checkers);
  if (!fidget_project_begin (project, _("change the number of cross-checkers"), error))
    return FALSE;
  stmt = fidget_project_prepare (project,
                                 "INSERT INTO meta (key, value) VALUES ('review_min_checkers', ?1) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 error);
  json_member_int (detail, "min_checkers", n_checkers);
  g_string_append_c (detail, '}');
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  if (!fidget_project_step_done (project, stmt, _("change the number of cross-checkers"), error) ||
      !fidget_project_audit (project, "configure", "review", NULL, detail->str, error))
    goto failed;
  return step_commit (project, 0, _("change the number of cross-checkers"), error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

gboolean
fidget_review_assign (FidgetProject       *project,
                      gint64               video_id,
                      const char          *primary,
                      const char * const  *checkers,
                      const char          *reviewer,
                      GError             **error)
{
  const char *what = _("assign the video");
  g_autoptr(Review) review = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) detail = NULL;
  g_autoptr(GArray) checker_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) checker_canon = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FidgetVideo) video = NULL;
  g_autofree char *primary_canon = NULL;
  g_autofree char *reviewer_canon = NULL;
  g_autofree char *uuid = NULL;
  gint64 primary_id, reviewer_id, now;
  guint n_checkers = checkers != NULL ? g_strv_length ((char **) checkers) : 0;
  guint min_checkers;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (!(video = fidget_project_get_video (project, video_id, error)))
    return FALSE;
  min_checkers = fidget_review_get_min_checkers (project);
  if (primary == NULL || reviewer == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s: it needs a primary annotator and a reviewer"), what);
      return FALSE;
    }
  if (n_checkers < min_checkers)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s: it needs at least %u cross-checkers, %u were named"),
                   what, min_checkers, n_checkers);
      return FALSE;
    }
  if (n_checkers + 2 > FIDGET_MAX_RATERS)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s: at most %d cross-checkers"), what, FIDGET_MAX_RATERS - 2);
      return FALSE;
    }

  if (!fidget_project_begin (project, what, error))
    return FALSE;

  if ((primary_id = annotator_id (project, primary, &primary_canon, error)) < 0 ||
      (reviewer_id = annotator_id (project, reviewer, &reviewer_canon, error)) < 0)
    goto failed;
  if (primary_id == 0 || reviewer_id == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot %s: there is no annotator “%s” in the project"), what,
                   primary_id == 0 ? primary : reviewer);
      goto failed;
    }
  for (guint i = 0; i < n_checkers; i++)
    {
      char *canon = NULL;
      gint64 id = annotator_id (project, checkers[i], &canon, error);

      if (id < 0)
        goto failed;
      if (id == 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("Cannot %s: there is no annotator “%s” in the project"), what,
                       checkers[i]);
          goto failed;
        }
      g_ptr_array_add (checker_canon, canon);
      if (id == primary_id)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("Cannot %s: %s cannot cross-check their own annotation"), what, canon);
          goto failed;
        }
      for (guint j = 0; j < checker_ids->len; j++)
        if (g_array_index (checker_ids, gint64, j) == id)
          {
            g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         _("Cannot %s: %s is named twice as a cross-checker"), what, canon);
            goto failed;
          }
      g_array_append_val (checker_ids, id);
    }
  if (reviewer_id == primary_id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s: the reviewer must be a third party, and %s is its primary "
                     "annotator"),
                   what, reviewer_canon);
      goto failed;
    }
  for (guint j = 0; j < checker_ids->len; j++)
    if (g_array_index (checker_ids, gint64, j) == reviewer_id)
      {
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("Cannot %s: the reviewer must be a third party, and %s is one of its "
                       "cross-checkers"),
                     what, reviewer_canon);
        goto failed;
      }

  review = load_review (project, video_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  if (review != NULL && review->state != FIDGET_REVIEW_ANNOTATING)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: video %lld is %s; people can be changed only while it is "
                     "being annotated (its reviewer can reopen it)"),
                   what, (long long) video_id, state_names[review->state]);
      goto failed;
    }

  now = g_get_real_time ();
  detail = detail_new (video_id);
  if (review != NULL)
    {
      g_autofree char *before = checker_names (review);

      json_member_string (detail, "previous_primary", review->primary);
      json_member_string (detail, "previous_checkers", before);
      json_member_string (detail, "previous_reviewer", review->reviewer);
      uuid = g_strdup (review->uuid);
      stmt = fidget_project_prepare (project,
                                     "UPDATE review SET primary_id = ?2, reviewer_id = ?3, "
                                     "  assigned_by = ?4, assigned_us = ?5, changed_us = ?5 "
                                     "WHERE video_id = ?1",
                                     error);
    }
  else
    {
      uuid = g_uuid_string_random ();
      stmt = fidget_project_prepare (project,
                                     "INSERT INTO review (video_id, primary_id, reviewer_id, "
                                     "  assigned_by, assigned_us, changed_us, uuid, state) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, 'annotating')",
                                     error);
    }
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_int64 (stmt, 2, primary_id);
  sqlite3_bind_int64 (stmt, 3, reviewer_id);
  if (fidget_project_get_actor (project) != NULL)
    sqlite3_bind_text (stmt, 4, fidget_project_get_actor (project), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (review == NULL)
    sqlite3_bind_text (stmt, 6, uuid, -1, SQLITE_STATIC);
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;

  stmt = fidget_project_prepare (project, "DELETE FROM review_checker WHERE video_id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, video_id);
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;
  for (guint i = 0; i < checker_ids->len; i++)
    {
      stmt = fidget_project_prepare (project,
                                     "INSERT INTO review_checker (video_id, annotator_id, position) "
                                     "VALUES (?1, ?2, ?3)",
                                     error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, video_id);
      sqlite3_bind_int64 (stmt, 2, g_array_index (checker_ids, gint64, i));
      sqlite3_bind_int (stmt, 3, (int) i);
      if (!fidget_project_step_done (project, stmt, what, error))
        goto failed;
    }

  {
    g_autoptr(GString) list = g_string_new ("[");

    for (guint i = 0; i < checker_canon->len; i++)
      {
        if (i > 0)
          g_string_append_c (list, ',');
        json_append_string (list, g_ptr_array_index (checker_canon, i));
      }
    g_string_append_c (list, ']');
    json_member_string (detail, "primary", primary_canon);
    json_member_raw (detail, "checkers", list->str);
    json_member_string (detail, "reviewer", reviewer_canon);
    json_member_string (detail, "from", review != NULL ? "annotating" : "free");
    json_member_string (detail, "to", "annotating");
    g_string_append_c (detail, '}');
  }
  if (!fidget_project_audit (project, "assign", "review", uuid, detail->str, error))
    goto failed;
  return step_commit (project, video_id, what, error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

static guint
count_query (FidgetProject *project,
             const char    *sql,
             gint64         a,
             gint64         b)
{
  sqlite3_stmt *stmt = fidget_project_prepare (project, sql, NULL);
  guint n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static FidgetReviewStatus *
status_from_review (FidgetProject *project,
                    gint64         video_id,
                    Review        *review)
{
  FidgetReviewStatus *status = g_new0 (FidgetReviewStatus, 1);

  status->video_id = video_id;
  status->checkers = g_ptr_array_new_with_free_func ((GDestroyNotify) checker_free);
  if (review == NULL)
    {
      status->state = FIDGET_REVIEW_FREE;
      return status;
    }
  status->state = review->state;
  status->uuid = g_strdup (review->uuid);
  status->primary = g_strdup (review->primary);
  status->reviewer = g_strdup (review->reviewer);
  status->round = review->round;
  status->changed_us = review->changed_us;
  for (guint i = 0; i < review->checkers->len; i++)
    {
      Checker *c = &g_array_index (review->checkers, Checker, i);
      FidgetReviewChecker *checker = g_new0 (FidgetReviewChecker, 1);

      checker->name = g_strdup (c->name);
      checker->submitted = c->submitted_us != 0;
      checker->n_decisions = count_query (project,
                                          "SELECT count(*) FROM review_decision "
                                          "WHERE video_id = ?1 AND checker_id = ?2",
                                          video_id, c->id);
      checker->n_added = count_query (project,
                                      "SELECT count(*) FROM segment "
                                      "WHERE video_id = ?1 AND annotator_id = ?2",
                                      video_id, c->id);
      g_ptr_array_add (status->checkers, checker);
    }
  status->n_segments = count_query (project,
                                    "SELECT count(*) FROM segment "
                                    "WHERE video_id = ?1 AND annotator_id = ?2",
                                    video_id, review->primary_id);
  status->n_confirmed = count_query (project,
                                     "SELECT count(*) FROM segment s "
                                     "JOIN review_confirmation c ON c.segment_id = s.id "
                                     "  AND c.segment_modified_us = s.modified_us "
                                     "WHERE s.video_id = ?1 AND s.annotator_id = ?2",
                                     video_id, review->primary_id);
  status->n_disputes = count_query (project,
                                    "SELECT count(*) FROM review_dispute "
                                    "WHERE video_id = ?1",
                                    video_id, 0);
  status->n_open_disputes = count_query (project,
                                         "SELECT count(*) FROM review_dispute "
                                         "WHERE video_id = ?1 AND resolution IS NULL",
                                         video_id, 0);
  status->n_consensus = count_query (project,
                                     "SELECT count(*) FROM consensus_segment "
                                     "WHERE video_id = ?1",
                                     video_id, 0);
  return status;
}

FidgetReviewStatus *
fidget_review_get_status (FidgetProject  *project,
                          gint64          video_id,
                          GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(Review) review = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!(video = fidget_project_get_video (project, video_id, error)))
    return NULL;
  review = load_review (project, video_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return status_from_review (project, video_id, review);
}

GPtrArray *
fidget_review_list_status (FidgetProject  *project,
                           GError        **error)
{
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!(videos = fidget_project_list_videos (project, error)))
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_review_status_free);
  for (guint i = 0; i < videos->len; i++)
    {
      FidgetVideo *video = g_ptr_array_index (videos, i);
      FidgetReviewStatus *status = fidget_review_get_status (project, video->id, error);

      if (status == NULL)
        return NULL;
      g_ptr_array_add (list, status);
    }
  return g_steal_pointer (&list);
}

/* }}} */
/* {{{ Self-check */

static FidgetSegment *
next_segment_query (FidgetProject  *project,
                    const char     *sql,
                    gint64          video_id,
                    gint64          owner_id,
                    gint64          other_id,
                    GError        **error)
{
  g_autofree char *uuid = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = fidget_project_prepare (project, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_int64 (stmt, 2, owner_id);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, other_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    uuid = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the segments"));
      return NULL;
    }
  if (uuid == NULL)
    return NULL;
  return fidget_project_find_segment (project, uuid, error);
}

FidgetSegment *
fidget_review_next_unconfirmed (FidgetProject  *project,
                                gint64          video_id,
                                GError        **error)
{
  g_autoptr(Review) review = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!(review = require_review (project, video_id, _("walk the self-check"), error)))
    return NULL;
  return next_segment_query (project,
                             "SELECT s.uuid FROM segment s "
                             "LEFT JOIN review_confirmation c ON c.segment_id = s.id "
                             "  AND c.segment_modified_us = s.modified_us "
                             "WHERE s.video_id = ?1 AND s.annotator_id = ?2 "
                             "  AND c.segment_id IS NULL "
                             "ORDER BY s.start_frame, s.end_frame, s.id LIMIT 1",
                             video_id, review->primary_id, 0, error);
}

gboolean
fidget_review_is_confirmed (FidgetProject *project,
                            const char    *segment_uuid)
{
  sqlite3_stmt *stmt;
  gboolean confirmed;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  stmt = fidget_project_prepare (project,
                                 "SELECT 1 FROM segment s JOIN review_confirmation c "
                                 "  ON c.segment_id = s.id "
                                 "  AND c.segment_modified_us = s.modified_us "
                                 "WHERE s.uuid = ?1",
                                 NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, segment_uuid, -1, SQLITE_TRANSIENT);
  confirmed = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return confirmed;
}

/* Checks that the actor is the primary of the segment's video in its self-check. */
static Review *
require_self_check (FidgetProject  *project,
                    FidgetSegment  *segment,
                    const char     *what,
                    GError        **error)
{
  g_autoptr(Review) review = NULL;
  gint64 actor_id;

  if (!(actor_id = require_actor (project, what, NULL, error)) ||
      !(review = require_review (project, segment->video_id, what, error)))
    return NULL;
  if (review->state != FIDGET_REVIEW_ANNOTATING)
    {
      refuse_state (review, what, _("annotating (reopen it first)"), error);
      return NULL;
    }
  if (actor_id != review->primary_id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: the self-check of video %lld is for %s, its primary annotator"),
                   what, (long long) segment->video_id, review->primary);
      return NULL;
    }
  if (segment->annotator_id != review->primary_id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: the segment belongs to %s; the self-check covers %s's own "
                     "segments only"),
                   what, segment->annotator_name, review->primary);
      return NULL;
    }
  return g_steal_pointer (&review);
}

static gboolean
confirm_locked (FidgetProject  *project,
                const char     *segment_uuid,
                const char     *operation,
                gint64         *video_id,
                GError        **error)
{
  const char *what = _("confirm the segment");
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(Review) review = NULL;
  g_autoptr(GString) detail = NULL;
  sqlite3_stmt *stmt;

  if (!(segment = fidget_project_find_segment (project, segment_uuid, error)) ||
      !(review = require_self_check (project, segment, what, error)))
    return FALSE;
  *video_id = segment->video_id;

  stmt = fidget_project_prepare (project,
                                 "INSERT INTO review_confirmation (segment_id, "
                                 "  segment_modified_us, confirmed_us) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT (segment_id) DO UPDATE SET "
                                 "  segment_modified_us = excluded.segment_modified_us, "
                                 "  confirmed_us = excluded.confirmed_us",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, segment->id);
  sqlite3_bind_int64 (stmt, 2, segment->modified_us);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!fidget_project_step_done (project, stmt, what, error))
    return FALSE;

  detail = detail_new (segment->video_id);
  json_member_string (detail, "action", segment->action_code);
  json_member_int (detail, "start_frame", segment->start_frame);
  json_member_int (detail, "end_frame", segment->end_frame);
  g_string_append_c (detail, '}');
  return fidget_project_audit (project, operation, "segment", segment->uuid, detail->str, error);
}

gboolean
fidget_review_confirm (FidgetProject  *project,
                       const char     *segment_uuid,
                       GError        **error)
{
  gint64 video_id = 0;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (segment_uuid != NULL, FALSE);

  if (!fidget_project_begin (project, _("confirm the segment"), error))
    return FALSE;
  if (!confirm_locked (project, segment_uuid, "confirm", &video_id, error))
    {
      fidget_project_rollback (project);
      return FALSE;
    }
  return step_commit (project, video_id, _("confirm the segment"), error);
}

FidgetSegment *
fidget_review_fix (FidgetProject        *project,
                   const char           *segment_uuid,
                   const FidgetSegment  *values,
                   FidgetSegmentFields   fields,
                   GError              **error)
{
  const char *what = _("fix the segment");
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(Review) review = NULL;
  gint64 video_id = 0;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (segment_uuid != NULL && values != NULL, NULL);

  if (!fidget_project_begin (project, what, error))
    return NULL;
  /* The self-check's own refusal first: it says more than the general edit rule. */
  if (!(segment = fidget_project_find_segment (project, segment_uuid, error)) ||
      !(review = require_self_check (project, segment, what, error)) ||
      !fidget_project_update_segment_locked (project, segment_uuid, values, fields, &video_id,
                                             error) ||
      !confirm_locked (project, segment_uuid, "fix", &video_id, error))
    {
      fidget_project_rollback (project);
      return NULL;
    }
  if (!fidget_project_commit (project, what, error))
    return NULL;
  fidget_project_emit_changed (project, "segment", video_id);
  fidget_project_emit_changed (project, "review", video_id);
  return fidget_project_find_segment (project, segment_uuid, error);
}

gboolean
fidget_review_submit_self_check (FidgetProject  *project,
                                 gint64          video_id,
                                 GError        **error)
{
  const char *what = _("submit the self-check");
  g_autoptr(Review) review = NULL;
  g_autoptr(FidgetSegment) next = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) detail = NULL;
  gint64 actor_id;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (!fidget_project_begin (project, what, error))
    return FALSE;
  if (!(actor_id = require_actor (project, what, NULL, error)) ||
      !(review = require_review (project, video_id, what, error)))
    goto failed;
  if (review->state != FIDGET_REVIEW_ANNOTATING)
    {
      refuse_state (review, what, _("annotating"), error);
      goto failed;
    }
  if (actor_id != review->primary_id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: only %s, the primary annotator of video %lld, can"),
                   what, review->primary, (long long) video_id);
      goto failed;
    }
  next = fidget_review_next_unconfirmed (project, video_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  if (next != NULL)
    {
      guint n_left = count_query (project,
                                  "SELECT count(*) FROM segment s "
                                  "LEFT JOIN review_confirmation c ON c.segment_id = s.id "
                                  "  AND c.segment_modified_us = s.modified_us "
                                  "WHERE s.video_id = ?1 AND s.annotator_id = ?2 "
                                  "  AND c.segment_id IS NULL",
                                  video_id, review->primary_id);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Cannot %s of video %lld: %u segment is not confirmed yet (%s at "
                                "frames [%lld, %lld))",
                                "Cannot %s of video %lld: %u segments are not confirmed yet (the "
                                "first: %s at frames [%lld, %lld))",
                                n_left),
                   what, (long long) video_id, n_left, next->action_code,
                   (long long) next->start_frame, (long long) next->end_frame);
      goto failed;
    }

  detail = detail_new (video_id);
  json_member_int (detail, "segments", count_query (project,
                                                    "SELECT count(*) FROM segment "
                                                    "WHERE video_id = ?1 AND annotator_id = ?2",
                                                    video_id, review->primary_id));
  if (!set_state (project, review, FIDGET_REVIEW_SELF_CHECKED, "submit-self-check", detail,
                  error))
    goto failed;
  return step_commit (project, video_id, what, error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

/* }}} */
/* {{{ Settling */

static int
compare_gint64 (const void *pa,
                const void *pb)
{
  gint64 a = *(const gint64 *) pa, b = *(const gint64 *) pb;

  return (a > b) - (a < b);
}

/* The median of @n values; an even count takes the mean of the middle two, rounded down for a
 * start and up for an end, so the settled span covers what the middle two agree on. */
static gint64
median (gint64   *values,
        guint     n,
        gboolean  round_up)
{
  gint64 lo, hi;

  qsort (values, n, sizeof (gint64), compare_gint64);
  if (n % 2 == 1)
    return values[n / 2];
  lo = values[n / 2 - 1];
  hi = values[n / 2];
  return round_up ? lo + (hi - lo + 1) / 2 : lo + (hi - lo) / 2;
}

void
fidget_consensus_settle (const FidgetBallot *ballots,
                         guint               n_ballots,
                         gboolean            is_addition,
                         FidgetSettlement   *settlement)
{
  g_autofree gint64 *starts = NULL;
  g_autofree gint64 *ends = NULL;
  guint n_keep = 0, best_votes = 0;
  int best_label = -1;
  gboolean tie = FALSE;

  g_return_if_fail (settlement != NULL);
  memset (settlement, 0, sizeof *settlement);
  settlement->label = -1;
  settlement->start_frame = -1;
  settlement->end_frame = -1;

  starts = g_new (gint64, MAX (n_ballots, 1));
  ends = g_new (gint64, MAX (n_ballots, 1));
  for (guint i = 0; i < n_ballots; i++)
    if (ballots[i].keep)
      {
        starts[n_keep] = ballots[i].start_frame;
        ends[n_keep] = ballots[i].end_frame;
        n_keep++;
      }
  settlement->n_keep = n_keep;
  if (n_keep > 0)
    {
      settlement->start_frame = median (starts, n_keep, FALSE);
      settlement->end_frame = median (ends, n_keep, TRUE);
    }

  /* The label with the most votes among those keeping it; a shared top count is a tie. */
  for (guint i = 0; i < n_ballots; i++)
    {
      guint votes = 0;

      if (!ballots[i].keep)
        continue;
      for (guint j = 0; j < n_ballots; j++)
        if (ballots[j].keep && ballots[j].label == ballots[i].label)
          votes++;
      if (votes > best_votes)
        {
          best_votes = votes;
          best_label = ballots[i].label;
          tie = FALSE;
        }
      else if (votes == best_votes && ballots[i].label != best_label)
        tie = TRUE;
    }
  settlement->n_label_votes = best_votes;

  if (!is_addition)
    {
      guint n_reject = n_ballots - n_keep;

      if (2 * n_reject > n_ballots)
        {
          settlement->outcome = FIDGET_SETTLE_DROP;
          return;
        }
      if (n_reject > 0)
        {
          settlement->outcome = FIDGET_SETTLE_DISPUTE;
          settlement->dispute = FIDGET_DISPUTE_REJECTION;
          return;
        }
    }
  else if (2 * n_keep <= n_ballots)
    {
      settlement->outcome = FIDGET_SETTLE_DISPUTE;
      settlement->dispute = FIDGET_DISPUTE_ADDITION;
      return;
    }

  if (tie || 2 * best_votes <= n_keep)
    {
      settlement->outcome = FIDGET_SETTLE_DISPUTE;
      settlement->dispute = FIDGET_DISPUTE_LABEL;
      return;
    }
  settlement->outcome = FIDGET_SETTLE_KEEP;
  settlement->label = best_label;
}

/* One person's version of one group, as read for settling. */
typedef struct
{
  char       *uuid;          /* segment or decision; NULL for "absent" */
  gint64      annotator_id;
  const char *kind;          /* static */
  gint64      action_id;     /* 0 when not kept */
  gint64      start_frame;
  gint64      end_frame;
} Version;

typedef struct
{
  FidgetSettlement  settlement;
  gboolean          is_addition;
  char             *source_uuid;
  GArray           *versions;   /* Version, one per voter, the primary first */
} Outcome;

static void
outcome_clear (gpointer data)
{
  Outcome *outcome = data;

  g_free (outcome->source_uuid);
  for (guint i = 0; outcome->versions != NULL && i < outcome->versions->len; i++)
    g_free (g_array_index (outcome->versions, Version, i).uuid);
  g_clear_pointer (&outcome->versions, g_array_unref);
}

typedef struct
{
  gint64  id;
  char   *uuid;
  gint64  annotator_id;
  gint64  start_frame;
  gint64  end_frame;
  gint64  action_id;
} Row;

static void
row_clear (gpointer data)
{
  g_free (((Row *) data)->uuid);
}

typedef struct
{
  char   *uuid;
  gint64  checker_id;
  gint64  segment_id;
  char   *decision;
  gint64  action_id;   /* 0 for a rejection */
  gint64  start_frame;
  gint64  end_frame;
} DecisionRow;

static void
decision_row_clear (gpointer data)
{
  DecisionRow *row = data;

  g_free (row->uuid);
  g_free (row->decision);
}

static int
compare_outcomes (gconstpointer pa,
                  gconstpointer pb)
{
  const Outcome *a = pa, *b = pb;

  if (a->settlement.start_frame != b->settlement.start_frame)
    return a->settlement.start_frame < b->settlement.start_frame ? -1 : 1;
  return (a->settlement.end_frame > b->settlement.end_frame) -
         (a->settlement.end_frame < b->settlement.end_frame);
}

/* Reads a video's primary segments, decisions and additions and settles every group. Only the
 * checkers who decided on a segment vote on it (all of them, once all have submitted). */
static GArray *
settle_video (FidgetProject  *project,
              Review         *review,
              GError        **error)
{
  g_autoptr(GArray) outcomes = g_array_new (FALSE, TRUE, sizeof (Outcome));
  g_autoptr(GArray) primary = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GArray) additions = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GArray) decisions = g_array_new (FALSE, TRUE, sizeof (DecisionRow));
  g_autofree FidgetBallot *ballots = NULL;
  guint n_voters = 1 + review->checkers->len;
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (outcomes, outcome_clear);
  g_array_set_clear_func (primary, row_clear);
  g_array_set_clear_func (additions, row_clear);
  g_array_set_clear_func (decisions, decision_row_clear);

  stmt = fidget_project_prepare (project,
                                 "SELECT id, uuid, annotator_id, start_frame, end_frame, action_id "
                                 "FROM segment WHERE video_id = ?1 "
                                 "ORDER BY start_frame, end_frame, id",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, review->video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row;

      row.id = sqlite3_column_int64 (stmt, 0);
      row.uuid = column_dup (stmt, 1);
      row.annotator_id = sqlite3_column_int64 (stmt, 2);
      row.start_frame = sqlite3_column_int64 (stmt, 3);
      row.end_frame = sqlite3_column_int64 (stmt, 4);
      row.action_id = sqlite3_column_int64 (stmt, 5);
      if (row.annotator_id == review->primary_id)
        g_array_append_val (primary, row);
      else if (find_checker (review, row.annotator_id) != NULL)
        g_array_append_val (additions, row);
      else
        g_free (row.uuid);   /* someone else's pilot work: not part of this review */
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the segments"));
      return NULL;
    }

  stmt = fidget_project_prepare (project,
                                 "SELECT uuid, checker_id, segment_id, decision, action_id, "
                                 "  start_frame, end_frame "
                                 "FROM review_decision WHERE video_id = ?1 "
                                 "ORDER BY segment_id, checker_id",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, review->video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DecisionRow row;

      row.uuid = column_dup (stmt, 0);
      row.checker_id = sqlite3_column_int64 (stmt, 1);
      row.segment_id = sqlite3_column_int64 (stmt, 2);
      row.decision = column_dup (stmt, 3);
      row.action_id = sqlite3_column_int64 (stmt, 4);
      row.start_frame = sqlite3_column_int64 (stmt, 5);
      row.end_frame = sqlite3_column_int64 (stmt, 6);
      g_array_append_val (decisions, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the decisions"));
      return NULL;
    }

  ballots = g_new0 (FidgetBallot, n_voters);

  /* The primary's segments, each with the checkers' decisions on it. Decisions are sorted by
   * segment id; a binary search finds each segment's run. */
  for (guint k = 0; k < primary->len; k++)
    {
      Row *p = &g_array_index (primary, Row, k);
      Outcome outcome = { 0 };
      Version version = { 0 };
      guint n_ballots = 0, lo = 0, hi = decisions->len;

      outcome.versions = g_array_new (FALSE, TRUE, sizeof (Version));
      outcome.source_uuid = g_strdup (p->uuid);
      ballots[n_ballots++] = (FidgetBallot) { TRUE, (int) p->action_id, p->start_frame,
                                              p->end_frame };
      version = (Version) { g_strdup (p->uuid), review->primary_id, "segment", p->action_id,
                            p->start_frame, p->end_frame };
      g_array_append_val (outcome.versions, version);

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (g_array_index (decisions, DecisionRow, mid).segment_id < p->id)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (guint c = 0; c < review->checkers->len; c++)
        {
          Checker *checker = &g_array_index (review->checkers, Checker, c);
          DecisionRow *d = NULL;

          for (guint i = lo; i < decisions->len; i++)
            {
              DecisionRow *row = &g_array_index (decisions, DecisionRow, i);

              if (row->segment_id != p->id)
                break;
              if (row->checker_id == checker->id)
                {
                  d = row;
                  break;
                }
            }
          if (d == NULL)
            continue;
          if (g_str_equal (d->decision, "reject"))
            {
              ballots[n_ballots++] = (FidgetBallot) { FALSE, -1, -1, -1 };
              version = (Version) { g_strdup (d->uuid), checker->id, "reject", 0, -1, -1 };
            }
          else
            {
              ballots[n_ballots++] = (FidgetBallot) { TRUE, (int) d->action_id, d->start_frame,
                                                      d->end_frame };
              version = (Version) { g_strdup (d->uuid), checker->id,
                                    g_intern_string (d->decision), d->action_id,
                                    d->start_frame, d->end_frame };
            }
          g_array_append_val (outcome.versions, version);
        }
      fidget_consensus_settle (ballots, n_ballots, FALSE, &outcome.settlement);
      g_array_append_val (outcomes, outcome);
    }

  /* What the checkers added, grouped across checkers by the agreement matcher. */
  if (additions->len > 0)
    {
      g_autofree FidgetInterval *items = g_new (FidgetInterval, additions->len);
      g_autofree guint *group_of = g_new (guint, additions->len);
      g_autofree guint *member = NULL;
      guint n_groups;

      for (guint i = 0; i < additions->len; i++)
        {
          Row *row = &g_array_index (additions, Row, i);
          guint rater = 0;

          for (guint c = 0; c < review->checkers->len; c++)
            if (g_array_index (review->checkers, Checker, c).id == row->annotator_id)
              rater = c;
          items[i] = (FidgetInterval) { row->start_frame, row->end_frame, (int) row->action_id,
                                        rater };
        }
      n_groups = fidget_group_intervals (items, additions->len, group_of);
      member = g_new (guint, review->checkers->len);

      for (guint g = 0; g < n_groups; g++)
        {
          Outcome outcome = { 0 };
          Version version = { 0 };
          guint n_ballots = 0;

          for (guint c = 0; c < review->checkers->len; c++)
            member[c] = G_MAXUINT;
          for (guint i = 0; i < additions->len; i++)
            if (group_of[i] == g)
              member[items[i].rater] = i;

          outcome.is_addition = TRUE;
          outcome.versions = g_array_new (FALSE, TRUE, sizeof (Version));
          ballots[n_ballots++] = (FidgetBallot) { FALSE, -1, -1, -1 };
          version = (Version) { NULL, review->primary_id, "absent", 0, -1, -1 };
          g_array_append_val (outcome.versions, version);
          for (guint c = 0; c < review->checkers->len; c++)
            {
              Checker *checker = &g_array_index (review->checkers, Checker, c);

              if (member[c] == G_MAXUINT)
                {
                  ballots[n_ballots++] = (FidgetBallot) { FALSE, -1, -1, -1 };
                  version = (Version) { NULL, checker->id, "absent", 0, -1, -1 };
                }
              else
                {
                  Row *row = &g_array_index (additions, Row, member[c]);

                  if (outcome.source_uuid == NULL)
                    outcome.source_uuid = g_strdup (row->uuid);
                  ballots[n_ballots++] = (FidgetBallot) { TRUE, (int) row->action_id,
                                                          row->start_frame, row->end_frame };
                  version = (Version) { g_strdup (row->uuid), checker->id, "addition",
                                        row->action_id, row->start_frame, row->end_frame };
                }
              g_array_append_val (outcome.versions, version);
            }
          fidget_consensus_settle (ballots, n_ballots, TRUE, &outcome.settlement);
          g_array_append_val (outcomes, outcome);
        }
    }

  g_array_sort (outcomes, compare_outcomes);
  return g_steal_pointer (&outcomes);
}

gboolean
fidget_review_preview_consensus (FidgetProject         *project,
                                 gint64                 video_id,
                                 FidgetConsensusCounts *counts,
                                 GError               **error)
{
  g_autoptr(Review) review = NULL;
  g_autoptr(GArray) outcomes = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  if (!(review = require_review (project, video_id, _("settle the consensus"), error)) ||
      !(outcomes = settle_video (project, review, error)))
    return FALSE;
  for (guint i = 0; i < outcomes->len; i++)
    {
      switch (g_array_index (outcomes, Outcome, i).settlement.outcome)
        {
        case FIDGET_SETTLE_KEEP:
          counts->n_kept++;
          break;
        case FIDGET_SETTLE_DROP:
          counts->n_dropped++;
          break;
        case FIDGET_SETTLE_DISPUTE:
        default:
          counts->n_disputes++;
          break;
        }
    }
  return TRUE;
}

/* A consensus segment's image for the audit log. */
static char *
consensus_image (FidgetProject *project,
                 const char    *uuid)
{
  sqlite3_stmt *stmt;
  char *image = NULL;

  stmt = fidget_project_prepare (project,
                                 "SELECT json_object ('video_id', video_id, "
                                 "  'start_frame', start_frame, 'end_frame', end_frame, "
                                 "  'action_id', action_id, 'origin', origin, "
                                 "  'source_uuid', source_uuid) "
                                 "FROM consensus_segment WHERE uuid = ?1",
                                 NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    image = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return image;
}

/* Inserts a consensus segment and audits it; returns its row id, 0 on failure. */
static gint64
insert_consensus (FidgetProject  *project,
                  gint64          video_id,
                  gint64          start_frame,
                  gint64          end_frame,
                  gint64          action_id,
                  const char     *origin,
                  const char     *source_uuid,
                  char          **uuid_out,
                  GError        **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *image = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();
  gint64 id;

  stmt = fidget_project_prepare (project,
                                 "INSERT INTO consensus_segment (uuid, video_id, start_frame, "
                                 "  end_frame, action_id, origin, source_uuid, created_us, "
                                 "  modified_by, modified_us) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8)",
                                 error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, video_id);
  sqlite3_bind_int64 (stmt, 3, start_frame);
  sqlite3_bind_int64 (stmt, 4, end_frame);
  sqlite3_bind_int64 (stmt, 5, action_id);
  sqlite3_bind_text (stmt, 6, origin, -1, SQLITE_STATIC);
  if (source_uuid != NULL)
    sqlite3_bind_text (stmt, 7, source_uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, now);
  if (fidget_project_get_actor (project) != NULL)
    sqlite3_bind_text (stmt, 9, fidget_project_get_actor (project), -1, SQLITE_TRANSIENT);
  if (!fidget_project_step_done (project, stmt, _("write the consensus"), error))
    return 0;
  id = sqlite3_last_insert_rowid (fidget_project_get_db (project));
  image = consensus_image (project, uuid);
  if (!fidget_project_audit (project, "add", "consensus", uuid, image, error))
    return 0;
  if (uuid_out != NULL)
    *uuid_out = g_steal_pointer (&uuid);
  return id;
}

static gboolean
insert_dispute (FidgetProject  *project,
                gint64          video_id,
                Outcome        *outcome,
                GError        **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(GString) detail = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = fidget_project_prepare (project,
                                 "INSERT INTO review_dispute (uuid, video_id, kind, start_frame, "
                                 "  end_frame, created_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, video_id);
  sqlite3_bind_text (stmt, 3, dispute_names[outcome->settlement.dispute], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, outcome->settlement.start_frame);
  sqlite3_bind_int64 (stmt, 5, outcome->settlement.end_frame);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  if (!fidget_project_step_done (project, stmt, _("write the disputes"), error))
    return FALSE;
  id = sqlite3_last_insert_rowid (fidget_project_get_db (project));

  for (guint i = 0; i < outcome->versions->len; i++)
    {
      Version *version = &g_array_index (outcome->versions, Version, i);

      stmt = fidget_project_prepare (project,
                                     "INSERT INTO review_dispute_version (dispute_id, position, "
                                     "  uuid, annotator_id, kind, action_id, start_frame, "
                                     "  end_frame) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, (int) i);
      if (version->uuid != NULL)
        sqlite3_bind_text (stmt, 3, version->uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, version->annotator_id);
      sqlite3_bind_text (stmt, 5, version->kind, -1, SQLITE_STATIC);
      if (version->action_id > 0)
        {
          sqlite3_bind_int64 (stmt, 6, version->action_id);
          sqlite3_bind_int64 (stmt, 7, version->start_frame);
          sqlite3_bind_int64 (stmt, 8, version->end_frame);
        }
      if (!fidget_project_step_done (project, stmt, _("write the disputes"), error))
        return FALSE;
    }

  detail = detail_new (video_id);
  json_member_int (detail, "id", id);
  json_member_string (detail, "kind", dispute_names[outcome->settlement.dispute]);
  json_member_int (detail, "start_frame", outcome->settlement.start_frame);
  json_member_int (detail, "end_frame", outcome->settlement.end_frame);
  json_member_int (detail, "versions", outcome->versions->len);
  g_string_append_c (detail, '}');
  return fidget_project_audit (project, "open", "dispute", uuid, detail->str, error);
}

/* Settles the video and writes the result: consensus segments for what a majority kept,
 * disputes for the rest. The state follows. */
static gboolean
write_consensus (FidgetProject  *project,
                 Review         *review,
                 GString        *detail,
                 GError        **error)
{
  g_autoptr(GArray) outcomes = NULL;
  guint n_kept = 0, n_dropped = 0, n_disputes = 0;

  if (!(outcomes = settle_video (project, review, error)))
    return FALSE;

  for (guint i = 0; i < outcomes->len; i++)
    {
      Outcome *outcome = &g_array_index (outcomes, Outcome, i);

      switch (outcome->settlement.outcome)
        {
        case FIDGET_SETTLE_KEEP:
          if (!insert_consensus (project, review->video_id, outcome->settlement.start_frame,
                                 outcome->settlement.end_frame, outcome->settlement.label,
                                 "majority", outcome->source_uuid, NULL, error))
            return FALSE;
          n_kept++;
          break;

        case FIDGET_SETTLE_DROP:
          n_dropped++;
          break;

        case FIDGET_SETTLE_DISPUTE:
        default:
          if (!insert_dispute (project, review->video_id, outcome, error))
            return FALSE;
          n_disputes++;
          break;
        }
    }

  json_member_int (detail, "kept", n_kept);
  json_member_int (detail, "dropped", n_dropped);
  json_member_int (detail, "disputes", n_disputes);
  return set_state (project, review,
                    n_disputes > 0 ? FIDGET_REVIEW_DISPUTED : FIDGET_REVIEW_CONSENSUS,
                    "submit-cross-check", detail, error);
}

/* }}} */
/* {{{ Cross-check */

static FidgetReviewDecision *
read_decision (FidgetProject *project,
               sqlite3_stmt  *stmt)
{
  FidgetReviewDecision *decision = g_new0 (FidgetReviewDecision, 1);

  decision->id = sqlite3_column_int64 (stmt, 0);
  decision->uuid = column_dup (stmt, 1);
  decision->video_id = sqlite3_column_int64 (stmt, 2);
  decision->checker = column_dup (stmt, 3);
  decision->segment_uuid = column_dup (stmt, 4);
  fidget_decision_kind_from_string ((const char *) sqlite3_column_text (stmt, 5), &decision->kind);
  if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
    {
      decision->action_code = g_strdup (action_code (project, sqlite3_column_int64 (stmt, 6)));
      decision->start_frame = sqlite3_column_int64 (stmt, 7);
      decision->end_frame = sqlite3_column_int64 (stmt, 8);
    }
  else
    {
      decision->start_frame = -1;
      decision->end_frame = -1;
    }
  decision->decided_us = sqlite3_column_int64 (stmt, 9);
  return decision;
}

#define DECISION_SELECT \
  "SELECT d.id, d.uuid, d.video_id, a.name, s.uuid, d.decision, d.action_id, d.start_frame, " \
  "  d.end_frame, d.decided_us " \
  "FROM review_decision d JOIN annotator a ON a.id = d.checker_id " \
  "  JOIN segment s ON s.id = d.segment_id "

/* The actor as a cross-checker of @review who may still act on it. */
static Checker *
require_active_checker (FidgetProject  *project,
                        Review         *review,
                        const char     *what,
                        GError        **error)
{
  gint64 actor_id;
  Checker *checker;

  if (!(actor_id = require_actor (project, what, NULL, error)))
    return NULL;
  if (review->state != FIDGET_REVIEW_SELF_CHECKED &&
      review->state != FIDGET_REVIEW_CROSS_CHECKING)
    {
      refuse_state (review, what, _("self-checked or cross-checking"), error);
      return NULL;
    }
  checker = find_checker (review, actor_id);
  if (checker == NULL)
    {
      g_autofree char *names = checker_names (review);

      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: %s is not a cross-checker of video %lld (they are %s)"),
                   what, fidget_project_get_actor (project), (long long) review->video_id, names);
      return NULL;
    }
  if (checker->submitted_us != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: %s has already submitted the cross-check of video %lld"),
                   what, checker->name, (long long) review->video_id);
      return NULL;
    }
  return checker;
}

FidgetReviewDecision *
fidget_review_decide (FidgetProject       *project,
                      const char          *segment_uuid,
                      FidgetDecisionKind   kind,
                      const char          *action_code_,
                      gint64               start_frame,
                      gint64               end_frame,
                      GError             **error)
{
  const char *what = _("record the decision");
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(Review) review = NULL;
  g_autoptr(GString) detail = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *before = NULL;
  const FidgetAction *action = NULL;
  Checker *checker;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (segment_uuid != NULL, NULL);

  if ((guint) kind >= G_N_ELEMENTS (decision_names))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID, _("Unknown decision"));
      return NULL;
    }

  if (!fidget_project_begin (project, what, error))
    return NULL;
  if (!(segment = fidget_project_find_segment (project, segment_uuid, error)) ||
      !(review = require_review (project, segment->video_id, what, error)) ||
      !(checker = require_active_checker (project, review, what, error)))
    goto failed;
  if (segment->annotator_id != review->primary_id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: decisions are on the primary's segments (%s's), and this one "
                     "is %s's"),
                   what, review->primary, segment->annotator_name);
      goto failed;
    }

  /* The checker's version of the segment. */
  switch (kind)
    {
    case FIDGET_DECISION_AGREE:
      action = fidget_taxonomy_lookup_action_by_id (fidget_project_get_taxonomy (project),
                                                    segment->action_id);
      start_frame = segment->start_frame;
      end_frame = segment->end_frame;
      break;

    case FIDGET_DECISION_RELABEL:
    case FIDGET_DECISION_ADJUST:
      if (kind == FIDGET_DECISION_RELABEL && action_code_ == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("Cannot %s: a relabel needs the new action"), what);
          goto failed;
        }
      if (kind == FIDGET_DECISION_ADJUST && (start_frame < 0 || end_frame < 0))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("Cannot %s: an adjustment needs the new start and end frames"), what);
          goto failed;
        }
      if (action_code_ != NULL)
        action = lookup_action (project, action_code_, error);
      else
        action = fidget_taxonomy_lookup_action_by_id (fidget_project_get_taxonomy (project),
                                                      segment->action_id);
      if (action == NULL)
        goto failed;
      if (start_frame < 0 && end_frame < 0)
        {
          start_frame = segment->start_frame;
          end_frame = segment->end_frame;
        }
      if (!validate_range (project, segment->video_id, start_frame, end_frame, error))
        goto failed;
      break;

    case FIDGET_DECISION_REJECT:
    default:
      start_frame = end_frame = -1;
      break;
    }

  stmt = fidget_project_prepare (project,
                                 "SELECT json_object ('decision', decision, 'action_id', "
                                 "  action_id, 'start_frame', start_frame, 'end_frame', "
                                 "  end_frame), uuid "
                                 "FROM review_decision WHERE checker_id = ?1 AND segment_id = ?2",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, checker->id);
  sqlite3_bind_int64 (stmt, 2, segment->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      before = column_dup (stmt, 0);
      uuid = column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, what);
      goto failed;
    }
  if (uuid == NULL)
    uuid = g_uuid_string_random ();

  stmt = fidget_project_prepare (project,
                                 "INSERT INTO review_decision (uuid, video_id, checker_id, "
                                 "  segment_id, decision, action_id, start_frame, end_frame, "
                                 "  decided_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                                 "ON CONFLICT (checker_id, segment_id) DO UPDATE SET "
                                 "  decision = excluded.decision, action_id = excluded.action_id, "
                                 "  start_frame = excluded.start_frame, "
                                 "  end_frame = excluded.end_frame, "
                                 "  decided_us = excluded.decided_us",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, segment->video_id);
  sqlite3_bind_int64 (stmt, 3, checker->id);
  sqlite3_bind_int64 (stmt, 4, segment->id);
  sqlite3_bind_text (stmt, 5, decision_names[kind], -1, SQLITE_STATIC);
  if (kind != FIDGET_DECISION_REJECT)
    {
      sqlite3_bind_int64 (stmt, 6, action->id);
      sqlite3_bind_int64 (stmt, 7, start_frame);
      sqlite3_bind_int64 (stmt, 8, end_frame);
    }
  sqlite3_bind_int64 (stmt, 9, g_get_real_time ());
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;

  detail = detail_new (segment->video_id);
  json_member_string (detail, "segment", segment->uuid);
  json_member_string (detail, "decision", decision_names[kind]);
  if (kind != FIDGET_DECISION_REJECT)
    {
      json_member_string (detail, "action", action->code);
      json_member_int (detail, "start_frame", start_frame);
      json_member_int (detail, "end_frame", end_frame);
    }
  if (before != NULL)
    json_member_raw (detail, "before", before);
  g_string_append_c (detail, '}');
  if (!fidget_project_audit (project, "decide", "decision", uuid, detail->str, error))
    goto failed;

  if (review->state == FIDGET_REVIEW_SELF_CHECKED)
    {
      g_autoptr(GString) transition = detail_new (review->video_id);

      json_member_string (transition, "by", checker->name);
      if (!set_state (project, review, FIDGET_REVIEW_CROSS_CHECKING, "start-cross-check",
                      transition, error))
        goto failed;
    }
  if (!step_commit (project, review->video_id, what, error))
    return NULL;

  stmt = fidget_project_prepare (project, DECISION_SELECT "WHERE d.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FidgetReviewDecision *decision = read_decision (project, stmt);

      sqlite3_reset (stmt);
      return decision;
    }
  sqlite3_reset (stmt);
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED, _("The decision was not stored"));
  return NULL;

failed:
  fidget_project_rollback (project);
  return NULL;
}

FidgetSegment *
fidget_review_next_undecided (FidgetProject  *project,
                              gint64          video_id,
                              GError        **error)
{
  g_autoptr(Review) review = NULL;
  gint64 actor_id;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!(actor_id = require_actor (project, _("walk the cross-check"), NULL, error)) ||
      !(review = require_review (project, video_id, _("walk the cross-check"), error)))
    return NULL;
  if (find_checker (review, actor_id) == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot walk the cross-check: %s is not a cross-checker of video %lld"),
                   fidget_project_get_actor (project), (long long) video_id);
      return NULL;
    }
  return next_segment_query (project,
                             "SELECT s.uuid FROM segment s "
                             "LEFT JOIN review_decision d ON d.segment_id = s.id "
                             "  AND d.checker_id = ?3 "
                             "WHERE s.video_id = ?1 AND s.annotator_id = ?2 AND d.id IS NULL "
                             "ORDER BY s.start_frame, s.end_frame, s.id LIMIT 1",
                             video_id, review->primary_id, actor_id, error);
}

GPtrArray *
fidget_review_list_decisions (FidgetProject  *project,
                              gint64          video_id,
                              const char     *checker,
                              GError        **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(Review) review = NULL;
  g_autofree char *actor_name = NULL;
  const char *actor = fidget_project_get_actor (project);
  sqlite3_stmt *stmt;
  gint64 checker_id = 0;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!(review = require_review (project, video_id, _("list the decisions"), error)))
    return NULL;
  if (checker != NULL)
    {
      checker_id = annotator_id (project, checker, NULL, error);
      if (checker_id < 0)
        return NULL;
      if (checker_id == 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("There is no annotator “%s” in the project"), checker);
          return NULL;
        }
    }

  /* Blind: a checker named as actor gets their own decisions only while the check lasts. */
  if (actor != NULL &&
      (review->state == FIDGET_REVIEW_SELF_CHECKED ||
       review->state == FIDGET_REVIEW_CROSS_CHECKING))
    {
      gint64 actor_id = annotator_id (project, actor, &actor_name, error);

      if (actor_id < 0)
        return NULL;
      if (find_checker (review, actor_id) != NULL)
        {
          if (checker_id != 0 && checker_id != actor_id)
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                           _("Cannot list %s's decisions for %s: the cross-check of video %lld "
                             "is blind until everyone has submitted"),
                           checker, actor_name, (long long) video_id);
              return NULL;
            }
          checker_id = actor_id;
        }
    }

  stmt = fidget_project_prepare (project,
                                 DECISION_SELECT
                                 "WHERE d.video_id = ?1 AND (?2 = 0 OR d.checker_id = ?2) "
                                 "ORDER BY s.start_frame, s.end_frame, s.id, a.name",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_int64 (stmt, 2, checker_id);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_review_decision_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_decision (project, stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the decisions"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
fidget_review_submit_cross_check (FidgetProject  *project,
                                  gint64          video_id,
                                  GError        **error)
{
  const char *what = _("submit the cross-check");
  g_autoptr(Review) review = NULL;
  g_autoptr(FidgetSegment) next = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) detail = NULL;
  gboolean all_submitted = TRUE;
  Checker *checker;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (!fidget_project_begin (project, what, error))
    return FALSE;
  if (!(review = require_review (project, video_id, what, error)) ||
      !(checker = require_active_checker (project, review, what, error)))
    goto failed;

  next = fidget_review_next_undecided (project, video_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  if (next != NULL)
    {
      guint n_left = count_query (project,
                                  "SELECT count(*) FROM segment s "
                                  "LEFT JOIN review_decision d ON d.segment_id = s.id "
                                  "  AND d.checker_id = ?2 "
                                  "WHERE s.video_id = ?1 AND d.id IS NULL "
                                  "  AND s.annotator_id = (SELECT primary_id FROM review "
                                  "                        WHERE video_id = ?1)",
                                  video_id, checker->id);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Cannot %s of video %lld: %u of the primary's segments has no "
                                "decision from %s yet (%s at frames [%lld, %lld))",
                                "Cannot %s of video %lld: %u of the primary's segments have no "
                                "decision from %s yet (the first: %s at frames [%lld, %lld))",
                                n_left),
                   what, (long long) video_id, n_left, checker->name, next->action_code,
                   (long long) next->start_frame, (long long) next->end_frame);
      goto failed;
    }

  stmt = fidget_project_prepare (project,
                                 "UPDATE review_checker SET submitted_us = ?3 "
                                 "WHERE video_id = ?1 AND annotator_id = ?2",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_int64 (stmt, 2, checker->id);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;
  checker->submitted_us = now;

  for (guint i = 0; i < review->checkers->len; i++)
    all_submitted &= g_array_index (review->checkers, Checker, i).submitted_us != 0;

  detail = detail_new (video_id);
  json_member_string (detail, "checker", checker->name);
  if (all_submitted)
    {
      if (!write_consensus (project, review, detail, error))
        goto failed;
    }
  else if (!set_state (project, review, FIDGET_REVIEW_CROSS_CHECKING, "submit-cross-check",
                       detail, error))
    goto failed;
  return step_commit (project, video_id, what, error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

/* }}} */
/* {{{ The reviewer: disputes */

#define DISPUTE_SELECT \
  "SELECT d.id, d.uuid, d.video_id, d.kind, d.start_frame, d.end_frame, d.resolution, " \
  "  d.chosen_uuid, c.uuid, d.resolved_by, d.resolved_us " \
  "FROM review_dispute d LEFT JOIN consensus_segment c ON c.id = d.consensus_id "

static FidgetDispute *
read_dispute (sqlite3_stmt *stmt)
{
  FidgetDispute *dispute = g_new0 (FidgetDispute, 1);

  dispute->id = sqlite3_column_int64 (stmt, 0);
  dispute->uuid = column_dup (stmt, 1);
  dispute->video_id = sqlite3_column_int64 (stmt, 2);
  dispute->kind = dispute_kind_from_string ((const char *) sqlite3_column_text (stmt, 3));
  dispute->start_frame = sqlite3_column_int64 (stmt, 4);
  dispute->end_frame = sqlite3_column_int64 (stmt, 5);
  dispute->resolution = column_dup (stmt, 6);
  dispute->resolved = dispute->resolution != NULL;
  dispute->chosen_uuid = column_dup (stmt, 7);
  dispute->consensus_uuid = column_dup (stmt, 8);
  dispute->resolved_by = column_dup (stmt, 9);
  dispute->resolved_us = sqlite3_column_int64 (stmt, 10);
  dispute->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) version_free);
  return dispute;
}

static gboolean
read_versions (FidgetProject  *project,
               FidgetDispute  *dispute,
               GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = fidget_project_prepare (project,
                                 "SELECT v.uuid, a.name, v.kind, v.action_id, v.start_frame, "
                                 "  v.end_frame "
                                 "FROM review_dispute_version v "
                                 "JOIN annotator a ON a.id = v.annotator_id "
                                 "WHERE v.dispute_id = ?1 ORDER BY v.position",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dispute->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FidgetDisputeVersion *version = g_new0 (FidgetDisputeVersion, 1);

      version->uuid = column_dup (stmt, 0);
      version->annotator = column_dup (stmt, 1);
      version->kind = column_dup (stmt, 2);
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        {
          version->action_code = g_strdup (action_code (project, sqlite3_column_int64 (stmt, 3)));
          version->start_frame = sqlite3_column_int64 (stmt, 4);
          version->end_frame = sqlite3_column_int64 (stmt, 5);
        }
      else
        version->start_frame = version->end_frame = -1;
      g_ptr_array_add (dispute->versions, version);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (project, error, rc, _("read the disputes"));
  return TRUE;
}

GPtrArray *
fidget_review_list_disputes (FidgetProject  *project,
                             gint64          video_id,
                             gboolean        open_only,
                             GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_dispute_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  stmt = fidget_project_prepare (project,
                                 DISPUTE_SELECT
                                 "WHERE (?1 = 0 OR d.video_id = ?1) "
                                 "  AND (?2 = 0 OR d.resolution IS NULL) "
                                 "ORDER BY d.resolution IS NOT NULL, d.video_id, d.start_frame, "
                                 "  d.end_frame, d.id",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_int (stmt, 2, open_only ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_dispute (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the disputes"));
      return NULL;
    }
  for (guint i = 0; i < list->len; i++)
    if (!read_versions (project, g_ptr_array_index (list, i), error))
      return NULL;
  return g_steal_pointer (&list);
}

FidgetDispute *
fidget_review_get_dispute (FidgetProject  *project,
                           gint64          dispute_id,
                           GError        **error)
{
  g_autoptr(FidgetDispute) dispute = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  stmt = fidget_project_prepare (project, DISPUTE_SELECT "WHERE d.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, dispute_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    dispute = read_dispute (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("There is no dispute %lld in the project"), (long long) dispute_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the disputes"));
      return NULL;
    }
  if (!read_versions (project, dispute, error))
    return NULL;
  return g_steal_pointer (&dispute);
}

/* The actor as the reviewer of @review, in a state that takes the reviewer's edits. */
static gboolean
require_reviewer (FidgetProject      *project,
                  Review             *review,
                  const char         *what,
                  gboolean            verified_ok,
                  GError            **error)
{
  gint64 actor_id;

  if (!(actor_id = require_actor (project, what, NULL, error)))
    return FALSE;
  if (actor_id != review->reviewer_id)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: only %s, the reviewer of video %lld, can"),
                   what, review->reviewer, (long long) review->video_id);
      return FALSE;
    }
  if (review->state != FIDGET_REVIEW_DISPUTED && review->state != FIDGET_REVIEW_CONSENSUS &&
      !(verified_ok && review->state == FIDGET_REVIEW_VERIFIED))
    return refuse_state (review, what, _("disputed or consensus"), error);
  return TRUE;
}

/* Removes what an earlier resolution made. */
static gboolean
delete_consensus_row (FidgetProject  *project,
                      const char     *uuid,
                      GError        **error)
{
  g_autofree char *image = consensus_image (project, uuid);
  sqlite3_stmt *stmt;

  stmt = fidget_project_prepare (project, "DELETE FROM consensus_segment WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  return fidget_project_step_done (project, stmt, _("write the consensus"), error) &&
         fidget_project_audit (project, "delete", "consensus", uuid, image, error);
}

typedef enum
{
  RESOLVE_CHOOSE,
  RESOLVE_EDIT,
  RESOLVE_DROP,
} ResolveHow;

static gboolean
resolve (FidgetProject  *project,
         gint64          dispute_id,
         ResolveHow      how,
         const char     *version_uuid,
         const char     *action_code_,
         gint64          start_frame,
         gint64          end_frame,
         GError        **error)
{
  const char *what = _("resolve the dispute");
  g_autoptr(FidgetDispute) dispute = NULL;
  g_autoptr(Review) review = NULL;
  g_autoptr(GString) detail = NULL;
  g_autofree char *consensus_uuid = NULL;
  const char *resolution = "dropped";
  const FidgetAction *action = NULL;
  gint64 consensus_id = 0;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (!fidget_project_begin (project, what, error))
    return FALSE;
  if (!(dispute = fidget_review_get_dispute (project, dispute_id, error)) ||
      !(review = require_review (project, dispute->video_id, what, error)) ||
      !require_reviewer (project, review, what, FALSE, error))
    goto failed;

  if (how == RESOLVE_CHOOSE)
    {
      FidgetDisputeVersion *chosen = NULL;

      for (guint i = 0; version_uuid != NULL && i < dispute->versions->len; i++)
        {
          FidgetDisputeVersion *version = g_ptr_array_index (dispute->versions, i);

          if (g_strcmp0 (version->uuid, version_uuid) == 0)
            chosen = version;
        }
      if (chosen == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("Cannot %s: %s is not one of the versions of dispute %lld"),
                       what, version_uuid ? version_uuid : "(nothing)", (long long) dispute_id);
          goto failed;
        }
      if (chosen->action_code != NULL)
        {
          action = lookup_action (project, chosen->action_code, error);
          if (action == NULL)
            goto failed;
          start_frame = chosen->start_frame;
          end_frame = chosen->end_frame;
          resolution = "chosen";
        }
      /* Choosing a rejection drops the segment. */
    }
  else if (how == RESOLVE_EDIT)
    {
      if (!(action = lookup_action (project, action_code_, error)) ||
          !validate_range (project, dispute->video_id, start_frame, end_frame, error))
        goto failed;
      resolution = "edited";
    }

  if (dispute->consensus_uuid != NULL &&
      !delete_consensus_row (project, dispute->consensus_uuid, error))
    goto failed;
  if (action != NULL &&
      !(consensus_id = insert_consensus (project, dispute->video_id, start_frame, end_frame,
                                         action->id, "resolved",
                                         how == RESOLVE_CHOOSE ? version_uuid : NULL,
                                         &consensus_uuid, error)))
    goto failed;

  stmt = fidget_project_prepare (project,
                                 "UPDATE review_dispute SET resolution = ?2, chosen_uuid = ?3, "
                                 "  consensus_id = ?4, resolved_by = ?5, resolved_us = ?6 "
                                 "WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, dispute_id);
  sqlite3_bind_text (stmt, 2, resolution, -1, SQLITE_STATIC);
  if (how == RESOLVE_CHOOSE)
    sqlite3_bind_text (stmt, 3, version_uuid, -1, SQLITE_TRANSIENT);
  if (consensus_id > 0)
    sqlite3_bind_int64 (stmt, 4, consensus_id);
  sqlite3_bind_text (stmt, 5, fidget_project_get_actor (project), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;

  detail = detail_new (dispute->video_id);
  json_member_int (detail, "id", dispute_id);
  json_member_string (detail, "resolution", resolution);
  if (how == RESOLVE_CHOOSE)
    json_member_string (detail, "chosen", version_uuid);
  if (action != NULL)
    {
      json_member_string (detail, "action", action->code);
      json_member_int (detail, "start_frame", start_frame);
      json_member_int (detail, "end_frame", end_frame);
      json_member_string (detail, "consensus", consensus_uuid);
    }
  g_string_append_c (detail, '}');
  if (!fidget_project_audit (project, "resolve", "dispute", dispute->uuid, detail->str, error))
    goto failed;

  /* The last open dispute settled: the video has its consensus. */
  if (review->state == FIDGET_REVIEW_DISPUTED &&
      count_query (project,
                   "SELECT count(*) FROM review_dispute "
                   "WHERE video_id = ?1 AND resolution IS NULL",
                   review->video_id, 0) == 0)
    {
      g_autoptr(GString) transition = detail_new (review->video_id);

      if (!set_state (project, review, FIDGET_REVIEW_CONSENSUS, "settle", transition, error))
        goto failed;
    }
  return step_commit (project, dispute->video_id, what, error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

gboolean
fidget_review_resolve_choose (FidgetProject  *project,
                              gint64          dispute_id,
                              const char     *version_uuid,
                              GError        **error)
{
  return resolve (project, dispute_id, RESOLVE_CHOOSE, version_uuid, NULL, -1, -1, error);
}

gboolean
fidget_review_resolve_edit (FidgetProject  *project,
                            gint64          dispute_id,
                            const char     *action_code_,
                            gint64          start_frame,
                            gint64          end_frame,
                            GError        **error)
{
  return resolve (project, dispute_id, RESOLVE_EDIT, NULL, action_code_, start_frame, end_frame,
                  error);
}

gboolean
fidget_review_resolve_drop (FidgetProject  *project,
                            gint64          dispute_id,
                            GError        **error)
{
  return resolve (project, dispute_id, RESOLVE_DROP, NULL, NULL, -1, -1, error);
}

/* }}} */
/* {{{ The reviewer: consensus, verify, reopen */

#define CONSENSUS_SELECT \
  "SELECT c.id, c.uuid, c.video_id, c.start_frame, c.end_frame, c.action_id, c.created_us, " \
  "  c.modified_us FROM consensus_segment c "

static FidgetSegment *
read_consensus (FidgetProject *project,
                sqlite3_stmt  *stmt)
{
  FidgetSegment *segment = fidget_segment_new ();

  segment->id = sqlite3_column_int64 (stmt, 0);
  segment->uuid = column_dup (stmt, 1);
  segment->video_id = sqlite3_column_int64 (stmt, 2);
  segment->annotator_id = 0;
  segment->annotator_name = g_strdup ("consensus");
  segment->start_frame = sqlite3_column_int64 (stmt, 3);
  segment->end_frame = sqlite3_column_int64 (stmt, 4);
  segment->action_id = sqlite3_column_int64 (stmt, 5);
  segment->action_code = g_strdup (action_code (project, segment->action_id));
  segment->note = g_strdup ("");
  segment->created_us = sqlite3_column_int64 (stmt, 6);
  segment->modified_us = sqlite3_column_int64 (stmt, 7);
  return segment;
}

static GPtrArray *
list_consensus_query (FidgetProject  *project,
                      const char     *sql,
                      gint64          video_id,
                      GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fidget_project_prepare (project, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_consensus (project, stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the consensus"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
fidget_review_list_consensus (FidgetProject  *project,
                              gint64          video_id,
                              GError        **error)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  return list_consensus_query (project,
                               CONSENSUS_SELECT
                               "WHERE ?1 = 0 OR c.video_id = ?1 "
                               "ORDER BY c.video_id, c.start_frame, c.end_frame, c.id",
                               video_id, error);
}

GPtrArray *
fidget_review_list_ground_truth (FidgetProject  *project,
                                 gint64          video_id,
                                 GError        **error)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  return list_consensus_query (project,
                               CONSENSUS_SELECT
                               "JOIN review r ON r.video_id = c.video_id "
                               "WHERE r.state = 'verified' AND (?1 = 0 OR c.video_id = ?1) "
                               "ORDER BY c.video_id, c.start_frame, c.end_frame, c.id",
                               video_id, error);
}

static FidgetSegment *
find_consensus (FidgetProject  *project,
                const char     *uuid,
                GError        **error)
{
  sqlite3_stmt *stmt;
  FidgetSegment *segment = NULL;
  int rc;

  stmt = fidget_project_prepare (project, CONSENSUS_SELECT "WHERE c.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    segment = read_consensus (project, stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("There is no consensus segment %s in the project"), uuid);
  else if (rc != SQLITE_ROW)
    fidget_project_sqlite_error (project, error, rc, _("read the consensus"));
  return segment;
}

FidgetSegment *
fidget_review_add_consensus_segment (FidgetProject  *project,
                                     gint64          video_id,
                                     gint64          start_frame,
                                     gint64          end_frame,
                                     const char     *action_code_,
                                     GError        **error)
{
  const char *what = _("add to the consensus");
  g_autoptr(Review) review = NULL;
  g_autofree char *uuid = NULL;
  const FidgetAction *action;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (!fidget_project_begin (project, what, error))
    return NULL;
  if (!(review = require_review (project, video_id, what, error)) ||
      !require_reviewer (project, review, what, FALSE, error) ||
      !(action = lookup_action (project, action_code_, error)) ||
      !validate_range (project, video_id, start_frame, end_frame, error) ||
      !insert_consensus (project, video_id, start_frame, end_frame, action->id, "reviewer",
                         NULL, &uuid, error))
    {
      fidget_project_rollback (project);
      return NULL;
    }
  if (!step_commit (project, video_id, what, error))
    return NULL;
  return find_consensus (project, uuid, error);
}

FidgetSegment *
fidget_review_update_consensus_segment (FidgetProject        *project,
                                        const char           *uuid,
                                        const FidgetSegment  *values,
                                        FidgetSegmentFields   fields,
                                        GError              **error)
{
  const char *what = _("change the consensus");
  g_autoptr(FidgetSegment) current = NULL;
  g_autoptr(Review) review = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *detail = NULL;
  const FidgetAction *action;
  gint64 start_frame, end_frame;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (uuid != NULL && values != NULL, NULL);

  if (!fidget_project_begin (project, what, error))
    return NULL;
  if (!(current = find_consensus (project, uuid, error)) ||
      !(review = require_review (project, current->video_id, what, error)) ||
      !require_reviewer (project, review, what, FALSE, error))
    goto failed;
  start_frame = (fields & FIDGET_SEGMENT_FIELD_START) ? values->start_frame : current->start_frame;
  end_frame = (fields & FIDGET_SEGMENT_FIELD_END) ? values->end_frame : current->end_frame;
  if (fields & FIDGET_SEGMENT_FIELD_ACTION)
    action = lookup_action (project, values->action_code, error);
  else
    action = fidget_taxonomy_lookup_action_by_id (fidget_project_get_taxonomy (project),
                                                  current->action_id);
  if (action == NULL ||
      !validate_range (project, current->video_id, start_frame, end_frame, error))
    goto failed;

  before = consensus_image (project, uuid);
  stmt = fidget_project_prepare (project,
                                 "UPDATE consensus_segment SET start_frame = ?2, end_frame = ?3, "
                                 "  action_id = ?4, modified_by = ?5, modified_us = ?6 "
                                 "WHERE uuid = ?1",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, start_frame);
  sqlite3_bind_int64 (stmt, 3, end_frame);
  sqlite3_bind_int64 (stmt, 4, action->id);
  sqlite3_bind_text (stmt, 5, fidget_project_get_actor (project), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, MAX (g_get_real_time (), current->modified_us + 1));
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;
  after = consensus_image (project, uuid);
  detail = g_strdup_printf ("{\"before\":%s,\"after\":%s}", before ? before : "null",
                            after ? after : "null");
  if (!fidget_project_audit (project, "update", "consensus", uuid, detail, error))
    goto failed;
  if (!step_commit (project, current->video_id, what, error))
    return NULL;
  return find_consensus (project, uuid, error);

failed:
  fidget_project_rollback (project);
  return NULL;
}

gboolean
fidget_review_delete_consensus_segment (FidgetProject  *project,
                                        const char     *uuid,
                                        GError        **error)
{
  const char *what = _("delete from the consensus");
  g_autoptr(FidgetSegment) current = NULL;
  g_autoptr(Review) review = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  if (!fidget_project_begin (project, what, error))
    return FALSE;
  if (!(current = find_consensus (project, uuid, error)) ||
      !(review = require_review (project, current->video_id, what, error)) ||
      !require_reviewer (project, review, what, FALSE, error) ||
      !delete_consensus_row (project, uuid, error))
    {
      fidget_project_rollback (project);
      return FALSE;
    }
  return step_commit (project, current->video_id, what, error);
}

gboolean
fidget_review_verify (FidgetProject  *project,
                      gint64          video_id,
                      GError        **error)
{
  const char *what = _("verify the video");
  g_autoptr(Review) review = NULL;
  g_autoptr(GString) detail = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (!fidget_project_begin (project, what, error))
    return FALSE;
  if (!(review = require_review (project, video_id, what, error)) ||
      !require_reviewer (project, review, what, FALSE, error))
    goto failed;
  if (review->state != FIDGET_REVIEW_CONSENSUS)
    {
      guint n_open = count_query (project,
                                  "SELECT count(*) FROM review_dispute "
                                  "WHERE video_id = ?1 AND resolution IS NULL",
                                  video_id, 0);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Cannot %s: video %lld still has %u open dispute; resolve it "
                                "first",
                                "Cannot %s: video %lld still has %u open disputes; resolve them "
                                "first",
                                n_open),
                   what, (long long) video_id, n_open);
      goto failed;
    }
  detail = detail_new (video_id);
  json_member_int (detail, "segments", count_query (project,
                                                    "SELECT count(*) FROM consensus_segment "
                                                    "WHERE video_id = ?1",
                                                    video_id, 0));
  if (!set_state (project, review, FIDGET_REVIEW_VERIFIED, "verify", detail, error))
    goto failed;
  return step_commit (project, video_id, what, error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

static gboolean
exec_for_video (FidgetProject  *project,
                const char     *sql,
                gint64          video_id,
                GError        **error)
{
  sqlite3_stmt *stmt = fidget_project_prepare (project, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video_id);
  return fidget_project_step_done (project, stmt, _("reopen the video"), error);
}

gboolean
fidget_review_reopen (FidgetProject      *project,
                      gint64              video_id,
                      FidgetReviewState   to,
                      const char         *reason,
                      GError            **error)
{
  const char *what = _("reopen the video");
  g_autoptr(Review) review = NULL;
  g_autoptr(GString) detail = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  gboolean new_round;
  gint64 actor_id;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (to != FIDGET_REVIEW_ANNOTATING && to != FIDGET_REVIEW_CONSENSUS)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s to %s: a video reopens to annotating or consensus"),
                   what, (guint) to < G_N_ELEMENTS (state_names) ? state_names[to] : "?");
      return FALSE;
    }
  if (stripped[0] == '\0' || !g_utf8_validate (stripped, -1, NULL))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s: say why (the reason goes to the audit log)"), what);
      return FALSE;
    }

  if (!fidget_project_begin (project, what, error))
    return FALSE;
  if (!(actor_id = require_actor (project, what, NULL, error)) ||
      !(review = require_review (project, video_id, what, error)))
    goto failed;

  if (to == FIDGET_REVIEW_CONSENSUS)
    {
      if (actor_id != review->reviewer_id)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: only %s, the reviewer of video %lld, can reopen its "
                         "consensus"),
                       what, review->reviewer, (long long) video_id);
          goto failed;
        }
      if (review->state != FIDGET_REVIEW_VERIFIED)
        {
          refuse_state (review, what, _("verified, to reopen its consensus"), error);
          goto failed;
        }
      new_round = FALSE;
    }
  else if (actor_id == review->reviewer_id)
    {
      if (review->state == FIDGET_REVIEW_ANNOTATING)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: video %lld is being annotated already"), what,
                       (long long) video_id);
          goto failed;
        }
      new_round = TRUE;
    }
  else if (actor_id == review->primary_id)
    {
      if (review->state != FIDGET_REVIEW_SELF_CHECKED)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                       _("Cannot %s: %s can take back the self-check of video %lld only before "
                         "a cross-checker has started (it is %s); ask its reviewer, %s"),
                       what, review->primary, (long long) video_id,
                       state_names[review->state], review->reviewer);
          goto failed;
        }
      new_round = FALSE;
    }
  else
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Cannot %s: only its reviewer, %s, or (before the cross-check starts) its "
                     "primary annotator, %s, can"),
                   what, review->reviewer, review->primary);
      goto failed;
    }

  detail = detail_new (video_id);
  json_member_string (detail, "reason", stripped);
  if (new_round)
    {
      /* Everything of the finished round goes; the audit log has each of them already. */
      json_member_int (detail, "decisions",
                       count_query (project, "SELECT count(*) FROM review_decision "
                                             "WHERE video_id = ?1", video_id, 0));
      json_member_int (detail, "disputes",
                       count_query (project, "SELECT count(*) FROM review_dispute "
                                             "WHERE video_id = ?1", video_id, 0));
      json_member_int (detail, "consensus",
                       count_query (project, "SELECT count(*) FROM consensus_segment "
                                             "WHERE video_id = ?1", video_id, 0));
      json_member_int (detail, "round", review->round + 1);
      if (!exec_for_video (project, "DELETE FROM review_dispute WHERE video_id = ?1",
                           video_id, error) ||
          !exec_for_video (project, "DELETE FROM consensus_segment WHERE video_id = ?1",
                           video_id, error) ||
          !exec_for_video (project, "DELETE FROM review_decision WHERE video_id = ?1",
                           video_id, error) ||
          !exec_for_video (project,
                           "DELETE FROM review_confirmation WHERE segment_id IN "
                           "(SELECT id FROM segment WHERE video_id = ?1)",
                           video_id, error) ||
          !exec_for_video (project,
                           "UPDATE review_checker SET submitted_us = NULL WHERE video_id = ?1",
                           video_id, error) ||
          !exec_for_video (project, "UPDATE review SET round = round + 1 WHERE video_id = ?1",
                           video_id, error))
        goto failed;
      review->round++;
    }
  if (!set_state (project, review, to, "reopen", detail, error))
    goto failed;
  return step_commit (project, video_id, what, error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

/* }}} */
