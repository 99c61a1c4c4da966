/* test-review.c: the three-step review, every rule and transition allowed and refused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-review.h"
#include "fidget-test-util.h"

static FidgetVideo *
fake_video (guint  seed,
            gint64 frames)
{
  FidgetVideo *video = fidget_video_new ();
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                         (const guchar *) &seed, sizeof seed);

  video->content_hash = g_strconcat ("sha256:", digest, NULL);
  video->size_bytes = 1000 + seed;
  video->width = 640;
  video->height = 480;
  video->fps_num = 30;
  video->fps_den = 1;
  video->frame_count = frames;
  video->duration_ns = frames * G_GINT64_CONSTANT (1000000000) / 30;
  return video;
}

typedef struct
{
  char          *dir;
  char          *path;
  FidgetProject *project;
  gint64         video;      /* 300 frames, assigned in most tests */
  gint64         other;      /* stays free */
} Fixture;

static const char *const people[] = { "pat", "cai", "cy", "dee", "rev", "olga" };

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = fidget_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "review.fidget", NULL);
  f->project = fidget_project_create (f->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (f->project, people[i],
                                                                           &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FidgetVideo) info = fake_video (i + 1, 300);
      g_autofree char *name = g_strdup_printf ("v%u.mkv", i + 1);
      g_autofree char *file = g_build_filename (f->dir, name, NULL);
      g_autoptr(FidgetVideo) video = fidget_project_add_video (f->project, info, file, NULL,
                                                               &error);
      g_assert_no_error (error);
      if (i == 0)
        f->video = video->id;
      else
        f->other = video->id;
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_free (f->path);
  g_free (f->dir);
}

static void
as (Fixture    *f,
    const char *name)
{
  fidget_project_set_actor (f->project, name);
}

/* Adds a segment that must be accepted; returns its UUID. */
static char *
add_ok (Fixture    *f,
        gint64      video,
        const char *owner,
        gint64      start,
        gint64      end,
        const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) segment = fidget_project_add_segment (f->project, video, owner, start,
                                                                 end, code, &error);
  g_assert_no_error (error);
  return g_strdup (segment->uuid);
}

static void
add_refused (Fixture    *f,
             gint64      video,
             const char *owner,
             const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) segment = fidget_project_add_segment (f->project, video, owner, 1, 5,
                                                                 code, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_null (segment);
}

static void
update_expect (Fixture    *f,
               const char *uuid,
               gint64      end,
               int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) changed = NULL;
  FidgetSegment values = { 0 };

  values.end_frame = end;
  changed = fidget_project_update_segment (f->project, uuid, &values, FIDGET_SEGMENT_FIELD_END,
                                           &error);
  if (code < 0)
    {
      g_assert_no_error (error);
      g_assert_cmpint (changed->end_frame, ==, end);
    }
  else
    {
      g_assert_error (error, FIDGET_ERROR, code);
      g_assert_null (changed);
    }
}

static FidgetReviewState
state_of (Fixture *f,
          gint64   video)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetReviewStatus) status = fidget_review_get_status (f->project, video, &error);

  g_assert_no_error (error);
  return status->state;
}

static void
assign_default (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  const char *checkers[] = { "cai", "cy", NULL };

  g_assert_true (fidget_review_assign (f->project, f->video, "pat", checkers, "rev", &error));
  g_assert_no_error (error);
}

/* The newest audit row of @operation, or NULL. */
static FidgetAuditEntry *
last_audit (Fixture    *f,
            const char *operation)
{
  g_autoptr(GPtrArray) audit = fidget_project_list_audit (f->project, NULL, 0, NULL);

  for (guint i = 0; i < audit->len; i++)
    {
      FidgetAuditEntry *entry = g_ptr_array_index (audit, i);
      if (g_str_equal (entry->operation, operation))
        return fidget_audit_entry_copy (entry);
    }
  return NULL;
}

/* {{{ Assignment */

static void
test_free_video (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  /* Free: anyone may annotate, and edit anyone's segments (pilots, calibration). */
  g_assert_cmpint (state_of (f, f->other), ==, FIDGET_REVIEW_FREE);
  a = add_ok (f, f->other, "olga", 10, 20, "B1");
  as (f, "dee");
  b = add_ok (f, f->other, "dee", 30, 40, "B2");
  update_expect (f, a, 25, -1);
  as (f, NULL);
  update_expect (f, b, 45, -1);
}

static void
on_changed (FidgetProject *project,
            const char    *entity,
            gint64         video_id,
            gpointer       user_data)
{
  g_string_append_printf (user_data, "%s:%" G_GINT64_FORMAT ";", entity, video_id);
}

static void
test_assign_rules (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetAuditEntry) entry = NULL;
  g_autoptr(FidgetReviewStatus) status = NULL;
  const char *one[] = { "cai", NULL };
  const char *two[] = { "cai", "cy", NULL };
  const char *three[] = { "cai", "cy", "dee", NULL };
  const char *with_primary[] = { "cai", "pat", NULL };
  const char *twice[] = { "cai", "CAI", NULL };
  const char *unknown[] = { "cai", "zed", NULL };
  const char *with_reviewer[] = { "cai", "rev", NULL };

  /* Refusals: each says why and changes nothing. */
  g_assert_false (fidget_review_assign (f->project, 999, "pat", two, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", one, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "at least 2"));
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", with_primary, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "own annotation"));
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", twice, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "twice"));
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", unknown, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "zed"));
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "zed", two, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", two, "pat", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "third party"));
  g_clear_error (&error);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", with_reviewer, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_FREE);

  /* The minimum is a project setting. */
  g_assert_cmpuint (fidget_review_get_min_checkers (f->project), ==, 2);
  g_assert_true (fidget_review_set_min_checkers (f->project, 3, &error));
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", two, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fidget_review_set_min_checkers (f->project, 0, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  /* Allowed: three checkers; a coordinator who is nobody in the project may assign. Views
   * hear of it through "changed". */
  {
    g_autoptr(GString) log = g_string_new (NULL);
    g_autofree char *expected = g_strdup_printf ("review:%" G_GINT64_FORMAT ";", f->video);
    gulong id = g_signal_connect (f->project, "changed", G_CALLBACK (on_changed), log);

    g_assert_true (fidget_review_assign (f->project, f->video, "pat", three, "rev", &error));
    g_assert_no_error (error);
    g_assert_cmpstr (log->str, ==, expected);
    g_signal_handler_disconnect (f->project, id);
  }
  status = fidget_review_get_status (f->project, f->video, &error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_ANNOTATING);
  g_assert_cmpstr (status->primary, ==, "pat");
  g_assert_cmpstr (status->reviewer, ==, "rev");
  g_assert_cmpuint (status->checkers->len, ==, 3);
  g_assert_cmpstr (((FidgetReviewChecker *) g_ptr_array_index (status->checkers, 2))->name, ==,
                   "dee");
  g_assert_cmpuint (status->round, ==, 1);
  entry = last_audit (f, "assign");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->entity_uuid, ==, status->uuid);
  g_assert_nonnull (strstr (entry->detail, "\"checkers\":[\"cai\",\"cy\",\"dee\"]"));
  g_assert_nonnull (strstr (entry->detail, "\"to\":\"annotating\""));

  /* People can change while it is being annotated... */
  g_assert_true (fidget_review_set_min_checkers (f->project, 2, &error));
  as (f, "olga");
  g_assert_true (fidget_review_assign (f->project, f->video, "pat", two, "dee", &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "assign");
  g_assert_cmpstr (entry->actor, ==, "olga");
  g_assert_nonnull (strstr (entry->detail, "\"previous_reviewer\":\"rev\""));

  /* ... and not after the self-check was submitted. */
  as (f, "pat");
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_no_error (error);
  as (f, NULL);
  g_assert_false (fidget_review_assign (f->project, f->video, "pat", two, "rev", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "self-checked"));
}

/* }}} */
/* {{{ Editing rules while annotating */

static void
test_annotating_edits (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pilot = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *mine2 = NULL;
  g_autofree char *description = NULL;

  /* Work done while it was free stays, but only as its author's record. */
  as (f, "olga");
  pilot = add_ok (f, f->video, "olga", 5, 15, "A1");
  assign_default (f);

  /* The primary, on their own segments: allowed. With nobody named, an add counts as made
   * by the segment's annotator. */
  as (f, "pat");
  mine = add_ok (f, f->video, "pat", 10, 40, "B1");
  update_expect (f, mine, 42, -1);
  as (f, NULL);
  mine2 = add_ok (f, f->video, "pat", 60, 90, "C1");

  /* Refused: anyone else, and the primary on someone else's segment. */
  as (f, "cai");
  add_refused (f, f->video, "cai", "B1");
  update_expect (f, mine, 44, FIDGET_ERROR_NOT_ALLOWED);
  as (f, "rev");
  update_expect (f, mine, 44, FIDGET_ERROR_NOT_ALLOWED);
  as (f, "olga");
  update_expect (f, pilot, 20, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_false (fidget_project_delete_segment (f->project, pilot, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "pat"));
  g_clear_error (&error);
  as (f, "pat");
  add_refused (f, f->video, "cai", "B1");
  update_expect (f, pilot, 20, FIDGET_ERROR_NOT_ALLOWED);
  as (f, NULL);
  update_expect (f, mine, 44, FIDGET_ERROR_NOT_ALLOWED);
  add_refused (f, f->video, "olga", "B1");

  /* Undo is an edit: the primary's own, yes; with nobody named (it would walk everyone's
   * edits), no. */
  as (f, NULL);
  g_assert_false (fidget_project_undo (f->project, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "pat");
  g_assert_true (fidget_project_undo (f->project, &description, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (description, "C1"));
  g_assert_true (fidget_project_redo (f->project, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fidget_project_delete_segment (f->project, mine2, &error));
  g_assert_no_error (error);

  /* The other, free video is untouched by any of this. */
  as (f, "cai");
  g_free (add_ok (f, f->other, "cai", 1, 5, "B1"));
}

/* }}} */
/* {{{ Self-check */

static void
test_self_check (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) next = NULL;
  g_autoptr(FidgetSegment) fixed = NULL;
  g_autoptr(FidgetAuditEntry) entry = NULL;
  g_autoptr(FidgetReviewStatus) status = NULL;
  g_autofree char *late = NULL;
  g_autofree char *early = NULL;
  g_autofree char *middle = NULL;
  g_autofree char *pilot = NULL;
  FidgetSegment values = { 0 };

  /* Not assigned: there is no self-check. */
  as (f, "pat");
  g_assert_null (fidget_review_next_unconfirmed (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "olga");
  pilot = add_ok (f, f->video, "olga", 0, 3, "A1");

  assign_default (f);
  as (f, "pat");
  late = add_ok (f, f->video, "pat", 200, 230, "D1");
  early = add_ok (f, f->video, "pat", 10, 40, "B1");
  middle = add_ok (f, f->video, "pat", 100, 130, "C1");

  /* Walked in time order, own segments only. */
  next = fidget_review_next_unconfirmed (f->project, f->video, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next->uuid, ==, early);

  /* Submitting before all are confirmed is refused, naming how many and the first. */
  g_assert_false (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "3 segments"));
  g_assert_nonnull (strstr (error->message, "B1"));
  g_clear_error (&error);

  /* Only the primary confirms, and only their own. */
  as (f, "cai");
  g_assert_false (fidget_review_confirm (f->project, early, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, NULL);
  g_assert_false (fidget_review_confirm (f->project, early, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "pat");
  g_assert_false (fidget_review_confirm (f->project, pilot, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "olga"));
  g_clear_error (&error);

  g_assert_true (fidget_review_confirm (f->project, early, &error));
  g_assert_no_error (error);
  g_assert_true (fidget_review_is_confirmed (f->project, early));
  entry = last_audit (f, "confirm");
  g_assert_cmpstr (entry->entity_uuid, ==, early);
  g_assert_cmpstr (entry->actor, ==, "pat");

  g_clear_pointer (&next, fidget_segment_free);
  next = fidget_review_next_unconfirmed (f->project, f->video, &error);
  g_assert_cmpstr (next->uuid, ==, middle);

  /* Fix = change and confirm, one edit (one undo step, one audit row of each kind). */
  values.action_code = (char *) "C2";
  values.start_frame = 102;
  fixed = fidget_review_fix (f->project, middle, &values,
                             FIDGET_SEGMENT_FIELD_ACTION | FIDGET_SEGMENT_FIELD_START, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixed->action_code, ==, "C2");
  g_assert_cmpint (fixed->start_frame, ==, 102);
  g_assert_true (fidget_review_is_confirmed (f->project, middle));
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "fix");
  g_assert_cmpstr (entry->entity_uuid, ==, middle);

  /* A fix that is not a valid change confirms nothing. */
  values.start_frame = 500;
  g_clear_pointer (&fixed, fidget_segment_free);
  fixed = fidget_review_fix (f->project, late, &values, FIDGET_SEGMENT_FIELD_START, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fidget_review_is_confirmed (f->project, late));

  /* Changing a confirmed segment later takes the confirmation back. */
  update_expect (f, early, 41, -1);
  g_assert_false (fidget_review_is_confirmed (f->project, early));
  g_clear_pointer (&next, fidget_segment_free);
  next = fidget_review_next_unconfirmed (f->project, f->video, &error);
  g_assert_cmpstr (next->uuid, ==, early);
  g_assert_true (fidget_review_confirm (f->project, early, &error));
  g_assert_true (fidget_review_confirm (f->project, late, &error));
  g_clear_pointer (&next, fidget_segment_free);
  next = fidget_review_next_unconfirmed (f->project, f->video, &error);
  g_assert_no_error (error);
  g_assert_null (next);

  status = fidget_review_get_status (f->project, f->video, &error);
  g_assert_cmpuint (status->n_segments, ==, 3);
  g_assert_cmpuint (status->n_confirmed, ==, 3);

  /* Only the primary submits. */
  as (f, "rev");
  g_assert_false (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "pat");
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_SELF_CHECKED);
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "submit-self-check");
  g_assert_cmpstr (entry->actor, ==, "pat");
  g_assert_nonnull (strstr (entry->detail, "\"from\":\"annotating\",\"to\":\"self-checked\""));

  /* Submitted: the primary's segments are frozen, a second submit is refused. */
  update_expect (f, early, 43, FIDGET_ERROR_NOT_ALLOWED);
  add_refused (f, f->video, "pat", "B1");
  g_assert_false (fidget_review_confirm (f->project, early, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* Reopen: not without a reason, not by a checker; the primary may take it back while no
   * checker has started, and their confirmations stay. */
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING, "  ",
                                        &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  as (f, "cai");
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING,
                                        "looks wrong", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "pat");
  g_assert_true (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING,
                                       "missed a nod at the end", &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_ANNOTATING);
  g_assert_true (fidget_review_is_confirmed (f->project, early));
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "reopen");
  g_assert_nonnull (strstr (entry->detail, "missed a nod at the end"));
  g_assert_cmpstr (entry->actor, ==, "pat");
  g_free (add_ok (f, f->video, "pat", 250, 260, "B1"));
  g_assert_false (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "1 segment "));
}

/* }}} */
/* {{{ Cross-check */

/* Puts the default assignment through the self-check with the primary's segments. */
static void
self_checked (Fixture     *f,
              const char **uuids,
              const gint64 (*spans)[2],
              const char **codes,
              guint        n)
{
  g_autoptr(GError) error = NULL;

  assign_default (f);
  as (f, "pat");
  for (guint i = 0; i < n; i++)
    {
      uuids[i] = add_ok (f, f->video, "pat", spans[i][0], spans[i][1], codes[i]);
      g_assert_true (fidget_review_confirm (f->project, uuids[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_no_error (error);
}

static void
decide_ok (Fixture            *f,
           const char         *who,
           const char         *uuid,
           FidgetDecisionKind  kind,
           const char         *code,
           gint64              start,
           gint64              end)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetReviewDecision) decision = NULL;

  as (f, who);
  decision = fidget_review_decide (f->project, uuid, kind, code, start, end, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decision->kind, ==, kind);
  g_assert_cmpstr (decision->checker, ==, who);
}

static void
decide_refused (Fixture    *f,
                const char *who,
                const char *uuid,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetReviewDecision) decision = NULL;

  as (f, who);
  decision = fidget_review_decide (f->project, uuid, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
  g_assert_error (error, FIDGET_ERROR, code);
  g_assert_null (decision);
}

static void
free_uuids (const char **uuids,
            guint        n)
{
  for (guint i = 0; i < n; i++)
    g_free ((char *) uuids[i]);
}

static void
test_cross_check_rules (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(FidgetSegment) seen = NULL;
  g_autoptr(FidgetSegment) next = NULL;
  g_autoptr(FidgetReviewDecision) decision = NULL;
  g_autoptr(FidgetAuditEntry) entry = NULL;
  g_autofree char *cai_add = NULL;
  g_autofree char *cy_add = NULL;
  const char *p[2] = { NULL, NULL };
  const gint64 spans[2][2] = { { 10, 40 }, { 100, 130 } };
  const char *codes[2] = { "B1", "C1" };

  /* Before the self-check is submitted, no decisions. */
  assign_default (f);
  as (f, "pat");
  p[0] = add_ok (f, f->video, "pat", 10, 40, "B1");
  decide_refused (f, "cai", p[0], FIDGET_ERROR_NOT_ALLOWED);
  as (f, "pat");
  g_assert_true (fidget_project_delete_segment (f->project, p[0], &error));
  g_assert_no_error (error);
  g_clear_pointer ((char **) &p[0], g_free);

  self_checked (f, p, spans, codes, 2);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_SELF_CHECKED);

  /* Refused: people who are not checkers, the primary, the reviewer. */
  decide_refused (f, "olga", p[0], FIDGET_ERROR_NOT_ALLOWED);
  decide_refused (f, "pat", p[0], FIDGET_ERROR_NOT_ALLOWED);
  decide_refused (f, "rev", p[0], FIDGET_ERROR_NOT_ALLOWED);
  decide_refused (f, NULL, p[0], FIDGET_ERROR_NOT_ALLOWED);
  as (f, "olga");
  add_refused (f, f->video, "olga", "B1");
  as (f, "rev");
  add_refused (f, f->video, "rev", "B1");
  as (f, "cai");
  add_refused (f, f->video, "cy", "B1");
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_SELF_CHECKED);

  /* A checker's first action starts the cross-check, audited with who. */
  cai_add = add_ok (f, f->video, "cai", 200, 220, "D1");
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_CROSS_CHECKING);
  entry = last_audit (f, "start-cross-check");
  g_assert_cmpstr (entry->actor, ==, "cai");
  g_assert_nonnull (strstr (entry->detail, "\"to\":\"cross-checking\""));
  update_expect (f, cai_add, 222, -1);
  as (f, "cy");
  cy_add = add_ok (f, f->video, "cy", 201, 221, "D1");

  /* Checkers decide on the primary's segments only. */
  decide_refused (f, "cy", cai_add, FIDGET_ERROR_NOT_ALLOWED);
  decide_refused (f, "cy", cy_add, FIDGET_ERROR_NOT_ALLOWED);
  as (f, "cy");
  update_expect (f, cai_add, 223, FIDGET_ERROR_NOT_ALLOWED);
  update_expect (f, p[0], 41, FIDGET_ERROR_NOT_ALLOWED);

  /* Decision arguments: a relabel needs an action, an adjustment frames in range. */
  as (f, "cai");
  decision = fidget_review_decide (f->project, p[0], FIDGET_DECISION_RELABEL, NULL, -1, -1, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  decision = fidget_review_decide (f->project, p[0], FIDGET_DECISION_ADJUST, NULL, -1, -1, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  decision = fidget_review_decide (f->project, p[0], FIDGET_DECISION_ADJUST, NULL, 10, 301, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  decision = fidget_review_decide (f->project, p[0], FIDGET_DECISION_RELABEL, "Z9", -1, -1, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  /* The walk: next undecided in time order; a new decision replaces the earlier one. */
  next = fidget_review_next_undecided (f->project, f->video, &error);
  g_assert_cmpstr (next->uuid, ==, p[0]);
  decide_ok (f, "cai", p[0], FIDGET_DECISION_REJECT, NULL, -1, -1);
  decide_ok (f, "cai", p[0], FIDGET_DECISION_RELABEL, "B2", -1, -1);
  g_clear_pointer (&next, fidget_segment_free);
  next = fidget_review_next_undecided (f->project, f->video, &error);
  g_assert_cmpstr (next->uuid, ==, p[1]);

  /* Submitting with a segment undecided is refused. */
  g_assert_false (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "C1"));
  g_clear_error (&error);
  decide_ok (f, "cai", p[1], FIDGET_DECISION_ADJUST, NULL, 98, 128);
  decide_ok (f, "cy", p[0], FIDGET_DECISION_AGREE, NULL, -1, -1);

  /* Blind: cai gets neither cy's segments nor cy's decisions; nobody named sees all. */
  as (f, "cai");
  list = fidget_project_list_segments (f->project, f->video, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);   /* two of pat's, one of cai's */
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (list, i))->annotator_name, !=, "cy");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fidget_project_list_segments (f->project, 0, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);
  /* The counts in the list of videos are as blind as the lists. */
  {
    g_autoptr(GHashTable) counts = fidget_project_count_segments (f->project, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, &f->video)), ==, 3);
    as (f, NULL);
    g_clear_pointer (&counts, g_hash_table_unref);
    counts = fidget_project_count_segments (f->project, &error);
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, &f->video)), ==, 4);
    as (f, "cai");
  }
  seen = fidget_project_get_segment (f->project, cy_add, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_null (seen);
  g_clear_error (&error);
  list = fidget_review_list_decisions (f->project, f->video, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((FidgetReviewDecision *) g_ptr_array_index (list, i))->checker, ==, "cai");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fidget_review_list_decisions (f->project, f->video, "cy", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_null (list);
  g_clear_error (&error);
  /* Nor does the audit log show cai what cy did, while it shows cai's own steps. */
  list = fidget_project_list_audit (f->project, NULL, 0, &error);
  g_assert_no_error (error);
  {
    gboolean own = FALSE;

    for (guint i = 0; i < list->len; i++)
      {
        FidgetAuditEntry *e = g_ptr_array_index (list, i);

        g_assert_cmpstr (e->actor, !=, "cy");
        own |= g_strcmp0 (e->actor, "cai") == 0 && g_str_equal (e->operation, "decide");
      }
    g_assert_true (own);
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  as (f, NULL);
  list = fidget_project_list_audit (f->project, NULL, 0, &error);
  {
    guint by_cy = 0;

    for (guint i = 0; i < list->len; i++)
      by_cy += g_strcmp0 (((FidgetAuditEntry *) g_ptr_array_index (list, i))->actor, "cy") == 0;
    g_assert_cmpuint (by_cy, ==, 2);   /* cy's addition and decision */
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  as (f, "pat");
  list = fidget_project_list_segments (f->project, f->video, &error);
  g_assert_cmpuint (list->len, ==, 4);
  g_clear_pointer (&list, g_ptr_array_unref);
  as (f, NULL);
  list = fidget_review_list_decisions (f->project, f->video, NULL, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Submitted: that checker can change nothing more. */
  as (f, "cai");
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_CROSS_CHECKING);
  decide_refused (f, "cai", p[0], FIDGET_ERROR_NOT_ALLOWED);
  as (f, "cai");
  add_refused (f, f->video, "cai", "B1");
  update_expect (f, cai_add, 224, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_false (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* Still blind for cai while cy works. */
  list = fidget_review_list_decisions (f->project, f->video, "cy", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* The last checker's submit settles the video; the check is no longer blind. */
  decide_ok (f, "cy", p[1], FIDGET_DECISION_AGREE, NULL, -1, -1);
  as (f, "cy");
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), !=, FIDGET_REVIEW_CROSS_CHECKING);
  as (f, "cai");
  list = fidget_review_list_decisions (f->project, f->video, "cy", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  seen = fidget_project_get_segment (f->project, cy_add, &error);
  g_assert_no_error (error);

  free_uuids (p, 2);
}

/* }}} */
/* {{{ Settling: the pure rule with 3, 4 and 5 voters */

#define K(label, s, e) { TRUE, (label), (s), (e) }
#define R { FALSE, -1, -1, -1 }

static void
check_settle (const FidgetBallot  *ballots,
              guint                n,
              gboolean             is_addition,
              FidgetSettleOutcome  outcome,
              int                  expected)   /* label for KEEP, dispute kind for DISPUTE */
{
  FidgetSettlement s;

  fidget_consensus_settle (ballots, n, is_addition, &s);
  g_assert_cmpint (s.outcome, ==, outcome);
  if (outcome == FIDGET_SETTLE_KEEP)
    g_assert_cmpint (s.label, ==, expected);
  else if (outcome == FIDGET_SETTLE_DISPUTE)
    g_assert_cmpint (s.dispute, ==, expected);
}

static void
test_settle_three (void)
{
  FidgetSettlement s;
  const FidgetBallot unanimous[] = { K (1, 10, 40), K (1, 12, 44), K (1, 8, 41) };
  const FidgetBallot majority[] = { K (1, 10, 40), K (1, 10, 40), K (2, 10, 40) };
  const FidgetBallot split[] = { K (1, 10, 40), K (2, 10, 40), K (3, 10, 40) };
  const FidgetBallot rejected[] = { K (1, 10, 40), R, R };
  const FidgetBallot one_reject[] = { K (1, 10, 40), K (1, 10, 40), R };
  const FidgetBallot added_by_two[] = { R, K (4, 250, 270), K (4, 252, 272) };
  const FidgetBallot added_by_one[] = { R, K (4, 250, 270), R };
  const FidgetBallot added_two_labels[] = { R, K (4, 250, 270), K (5, 250, 270) };

  check_settle (unanimous, 3, FALSE, FIDGET_SETTLE_KEEP, 1);
  fidget_consensus_settle (unanimous, 3, FALSE, &s);
  g_assert_cmpint (s.start_frame, ==, 10);   /* median of 10, 12, 8 */
  g_assert_cmpint (s.end_frame, ==, 41);     /* median of 40, 44, 41 */
  g_assert_cmpuint (s.n_label_votes, ==, 3);

  check_settle (majority, 3, FALSE, FIDGET_SETTLE_KEEP, 1);
  check_settle (split, 3, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_LABEL);
  check_settle (rejected, 3, FALSE, FIDGET_SETTLE_DROP, 0);
  check_settle (one_reject, 3, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_REJECTION);
  check_settle (added_by_two, 3, TRUE, FIDGET_SETTLE_KEEP, 4);
  fidget_consensus_settle (added_by_two, 3, TRUE, &s);
  g_assert_cmpint (s.start_frame, ==, 251);   /* even count: (250 + 252) / 2 */
  g_assert_cmpint (s.end_frame, ==, 271);
  check_settle (added_by_one, 3, TRUE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_ADDITION);
  check_settle (added_two_labels, 3, TRUE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_LABEL);
}

static void
test_settle_four (void)
{
  FidgetSettlement s;
  const FidgetBallot three_one[] = { K (1, 10, 30), K (1, 12, 31), K (1, 14, 40), K (2, 20, 41) };
  const FidgetBallot tie[] = { K (1, 10, 40), K (1, 10, 40), K (2, 10, 40), K (2, 10, 40) };
  const FidgetBallot three_rejects[] = { K (1, 10, 40), R, R, R };
  const FidgetBallot two_rejects[] = { K (1, 10, 40), K (1, 10, 40), R, R };
  const FidgetBallot added_by_two[] = { R, K (4, 250, 270), K (4, 250, 270), R };
  const FidgetBallot added_by_three[] = { R, K (4, 250, 270), K (4, 251, 273), K (4, 249, 271) };
  const FidgetBallot odd_rounding[] = { K (1, 11, 30), K (1, 12, 31), K (1, 13, 32), K (1, 14, 33) };

  check_settle (three_one, 4, FALSE, FIDGET_SETTLE_KEEP, 1);
  fidget_consensus_settle (three_one, 4, FALSE, &s);
  /* Even count: starts 10 12 14 20 -> (12 + 14) / 2 = 13; ends 30 31 40 41 -> 35.5, up: 36. */
  g_assert_cmpint (s.start_frame, ==, 13);
  g_assert_cmpint (s.end_frame, ==, 36);
  check_settle (tie, 4, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_LABEL);
  check_settle (three_rejects, 4, FALSE, FIDGET_SETTLE_DROP, 0);
  /* Two of four is no majority either way. */
  check_settle (two_rejects, 4, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_REJECTION);
  check_settle (added_by_two, 4, TRUE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_ADDITION);
  check_settle (added_by_three, 4, TRUE, FIDGET_SETTLE_KEEP, 4);
  fidget_consensus_settle (added_by_three, 4, TRUE, &s);
  g_assert_cmpint (s.start_frame, ==, 250);
  g_assert_cmpint (s.end_frame, ==, 271);
  /* The middle two 12 and 13 give 12.5: the start rounds down, the end (31, 32) up. */
  fidget_consensus_settle (odd_rounding, 4, FALSE, &s);
  g_assert_cmpint (s.start_frame, ==, 12);
  g_assert_cmpint (s.end_frame, ==, 32);
}

static void
test_settle_five (void)
{
  FidgetSettlement s;
  const FidgetBallot no_majority[] = { K (1, 0, 9), K (1, 0, 9), K (2, 0, 9), K (2, 0, 9),
                                       K (3, 0, 9) };
  const FidgetBallot plurality_two[] = { K (1, 0, 9), K (1, 0, 9), K (2, 0, 9), K (3, 0, 9),
                                         K (4, 0, 9) };
  const FidgetBallot three_of_five[] = { K (1, 10, 50), K (1, 50, 90), K (2, 20, 60),
                                         K (3, 30, 70), K (1, 40, 80) };
  const FidgetBallot three_rejects[] = { K (1, 10, 40), R, R, R, K (1, 10, 40) };
  const FidgetBallot one_reject[] = { K (1, 10, 40), K (1, 10, 40), K (1, 10, 40),
                                      K (1, 10, 40), R };
  const FidgetBallot tie_and_reject[] = { K (1, 10, 40), K (1, 10, 40), K (2, 10, 40),
                                          K (2, 10, 40), R };
  const FidgetBallot added[] = { R, K (4, 100, 120), K (4, 102, 118), K (5, 101, 121), R };
  const FidgetBallot added_by_two[] = { R, K (4, 100, 120), K (4, 102, 118), R, R };

  check_settle (no_majority, 5, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_LABEL);
  /* The most votes is not enough: a label needs more than half. */
  check_settle (plurality_two, 5, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_LABEL);
  check_settle (three_of_five, 5, FALSE, FIDGET_SETTLE_KEEP, 1);
  fidget_consensus_settle (three_of_five, 5, FALSE, &s);
  g_assert_cmpint (s.start_frame, ==, 30);   /* median of 10 50 20 30 40 */
  g_assert_cmpint (s.end_frame, ==, 70);     /* median of 50 90 60 70 80 */
  g_assert_cmpuint (s.n_label_votes, ==, 3);
  check_settle (three_rejects, 5, FALSE, FIDGET_SETTLE_DROP, 0);
  check_settle (one_reject, 5, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_REJECTION);
  check_settle (tie_and_reject, 5, FALSE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_REJECTION);
  check_settle (added, 5, TRUE, FIDGET_SETTLE_KEEP, 4);
  fidget_consensus_settle (added, 5, TRUE, &s);
  g_assert_cmpint (s.start_frame, ==, 101);
  g_assert_cmpint (s.end_frame, ==, 120);
  check_settle (added_by_two, 5, TRUE, FIDGET_SETTLE_DISPUTE, FIDGET_DISPUTE_ADDITION);
}

/* }}} */
/* {{{ The whole way: consensus, disputes, the reviewer, verification, reopening */

static FidgetSegment *
find_span (GPtrArray *list,
           gint64     start)
{
  for (guint i = 0; i < list->len; i++)
    {
      FidgetSegment *s = g_ptr_array_index (list, i);
      if (s->start_frame == start)
        return s;
    }
  return NULL;
}

/* The action of the segment starting at @start, or NULL when none does. */
static const char *
span_code (GPtrArray *list,
           gint64     start)
{
  FidgetSegment *s = find_span (list, start);

  return s != NULL ? s->action_code : NULL;
}

static gint64
span_end (GPtrArray *list,
          gint64     start)
{
  FidgetSegment *s = find_span (list, start);

  return s != NULL ? s->end_frame : -1;
}

static const char *
span_annotator (GPtrArray *list,
                gint64     start)
{
  FidgetSegment *s = find_span (list, start);

  return s != NULL ? s->annotator_name : NULL;
}

static const char *
version_uuid (FidgetDispute *dispute,
              const char    *annotator)
{
  for (guint i = 0; i < dispute->versions->len; i++)
    {
      FidgetDisputeVersion *v = g_ptr_array_index (dispute->versions, i);
      if (g_str_equal (v->annotator, annotator))
        return v->uuid;
    }
  return NULL;
}

static void
test_consensus_flow (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) consensus = NULL;
  g_autoptr(GPtrArray) disputes = NULL;
  g_autoptr(GPtrArray) truth = NULL;
  g_autoptr(FidgetReviewStatus) status = NULL;
  g_autoptr(FidgetAuditEntry) entry = NULL;
  g_autoptr(FidgetSegment) added = NULL;
  g_autoptr(FidgetSegment) changed = NULL;
  FidgetDispute *rejection = NULL, *label = NULL, *addition = NULL;
  FidgetSegment values = { 0 };
  const char *p[6] = { NULL };
  const gint64 spans[6][2] = { { 10, 40 }, { 50, 80 }, { 100, 130 }, { 150, 180 },
                               { 200, 230 }, { 290, 299 } };
  const char *codes[6] = { "B1", "B2", "C1", "D1", "A1", "F1" };

  self_checked (f, p, spans, codes, 6);

  /* cai and cy, blind to each other. */
  decide_ok (f, "cai", p[0], FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_ok (f, "cai", p[1], FIDGET_DECISION_RELABEL, "B3", -1, -1);
  decide_ok (f, "cai", p[2], FIDGET_DECISION_ADJUST, NULL, 106, 140);
  decide_ok (f, "cai", p[3], FIDGET_DECISION_REJECT, NULL, -1, -1);
  decide_ok (f, "cai", p[4], FIDGET_DECISION_RELABEL, "A2", -1, -1);
  decide_ok (f, "cai", p[5], FIDGET_DECISION_REJECT, NULL, -1, -1);
  g_free (add_ok (f, f->video, "cai", 250, 270, "G1"));
  g_free (add_ok (f, f->video, "cai", 275, 285, "E1"));
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_no_error (error);

  decide_ok (f, "cy", p[0], FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_ok (f, "cy", p[1], FIDGET_DECISION_RELABEL, "B3", -1, -1);
  decide_ok (f, "cy", p[2], FIDGET_DECISION_ADJUST, NULL, 102, 136);
  decide_ok (f, "cy", p[3], FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_ok (f, "cy", p[4], FIDGET_DECISION_RELABEL, "A3", -1, -1);
  decide_ok (f, "cy", p[5], FIDGET_DECISION_REJECT, NULL, -1, -1);
  g_free (add_ok (f, f->video, "cy", 252, 272, "G1"));
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_no_error (error);

  /* Settled: B1 kept as is, B3 by two of three, C1 on the medians, the addition both made
   * on the medians of two; F1 dropped by two rejections; D1 (one rejection), A1/A2/A3 (no
   * majority) and E1 (one checker) are disputes. */
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_DISPUTED);
  entry = last_audit (f, "submit-cross-check");
  g_assert_cmpstr (entry->actor, ==, "cy");
  g_assert_nonnull (strstr (entry->detail, "\"kept\":4,\"dropped\":1,\"disputes\":3"));
  g_assert_nonnull (strstr (entry->detail, "\"to\":\"disputed\""));

  consensus = fidget_review_list_consensus (f->project, f->video, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consensus->len, ==, 4);
  g_assert_cmpstr (span_code (consensus, 10), ==, "B1");
  g_assert_cmpint (span_end (consensus, 10), ==, 40);
  g_assert_cmpstr (span_annotator (consensus, 10), ==, "consensus");
  g_assert_cmpstr (span_code (consensus, 50), ==, "B3");
  g_assert_cmpstr (span_code (consensus, 102), ==, "C1");
  g_assert_cmpint (span_end (consensus, 102), ==, 136);
  g_assert_cmpstr (span_code (consensus, 251), ==, "G1");
  g_assert_cmpint (span_end (consensus, 251), ==, 271);

  disputes = fidget_review_list_disputes (f->project, f->video, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (disputes->len, ==, 3);
  for (guint i = 0; i < disputes->len; i++)
    {
      FidgetDispute *d = g_ptr_array_index (disputes, i);

      g_assert_false (d->resolved);
      g_assert_cmpuint (d->versions->len, ==, 3);
      g_assert_cmpstr (((FidgetDisputeVersion *) g_ptr_array_index (d->versions, 0))->annotator,
                       ==, "pat");
      if (d->kind == FIDGET_DISPUTE_REJECTION)
        rejection = d;
      else if (d->kind == FIDGET_DISPUTE_LABEL)
        label = d;
      else
        addition = d;
    }
  g_assert_nonnull (rejection);
  g_assert_nonnull (label);
  g_assert_nonnull (addition);
  g_assert_cmpint (rejection->start_frame, ==, 150);
  g_assert_cmpstr (((FidgetDisputeVersion *) g_ptr_array_index (rejection->versions, 1))->kind,
                   ==, "reject");
  g_assert_cmpint (label->start_frame, ==, 200);
  g_assert_cmpstr (((FidgetDisputeVersion *) g_ptr_array_index (label->versions, 2))->action_code,
                   ==, "A3");
  g_assert_cmpint (addition->start_frame, ==, 275);
  g_assert_cmpstr (((FidgetDisputeVersion *) g_ptr_array_index (addition->versions, 0))->kind,
                   ==, "absent");
  g_assert_cmpstr (((FidgetDisputeVersion *) g_ptr_array_index (addition->versions, 1))->kind,
                   ==, "addition");

  /* People's segments are frozen now; only the reviewer acts, on the consensus. */
  as (f, "pat");
  add_refused (f, f->video, "pat", "B1");
  as (f, "rev");
  add_refused (f, f->video, "rev", "B1");
  update_expect (f, p[0], 41, FIDGET_ERROR_NOT_ALLOWED);
  as (f, "cai");
  g_assert_false (fidget_review_resolve_drop (f->project, rejection->id, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_null (fidget_review_add_consensus_segment (f->project, f->video, 1, 5, "B1", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* Not verified while a dispute is open. */
  as (f, "rev");
  g_assert_false (fidget_review_verify (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "3 open disputes"));
  g_clear_error (&error);

  /* Choosing cai's rejection drops D1; a version that is not in the dispute is refused. */
  g_assert_false (fidget_review_resolve_choose (f->project, rejection->id, p[0], &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (fidget_review_resolve_choose (f->project, rejection->id,
                                               version_uuid (rejection, "cai"), &error));
  g_assert_no_error (error);

  /* Choosing cy's A3 puts it in the consensus on cy's boundaries. */
  g_assert_true (fidget_review_resolve_choose (f->project, label->id,
                                               version_uuid (label, "cy"), &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_DISPUTED);

  /* Editing resolves with the reviewer's own version; bad frames are refused. */
  g_assert_false (fidget_review_resolve_edit (f->project, addition->id, "E2", 280, 400, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (fidget_review_resolve_edit (f->project, addition->id, "E2", 276, 286, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "resolve");
  g_assert_cmpstr (entry->actor, ==, "rev");
  g_assert_cmpstr (entry->entity_uuid, ==, addition->uuid);
  g_assert_nonnull (strstr (entry->detail, "\"resolution\":\"edited\""));
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_CONSENSUS);
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "settle");
  g_assert_cmpstr (entry->actor, ==, "rev");

  g_clear_pointer (&consensus, g_ptr_array_unref);
  consensus = fidget_review_list_consensus (f->project, f->video, &error);
  g_assert_cmpuint (consensus->len, ==, 6);
  g_assert_cmpstr (span_code (consensus, 200), ==, "A3");
  g_assert_cmpstr (span_code (consensus, 276), ==, "E2");
  g_assert_null (find_span (consensus, 150));

  /* Resolving again replaces the earlier result. */
  g_assert_true (fidget_review_resolve_drop (f->project, label->id, &error));
  g_clear_pointer (&consensus, g_ptr_array_unref);
  consensus = fidget_review_list_consensus (f->project, f->video, &error);
  g_assert_cmpuint (consensus->len, ==, 5);
  g_assert_null (find_span (consensus, 200));
  g_assert_true (fidget_review_resolve_choose (f->project, label->id,
                                               version_uuid (label, "pat"), &error));

  /* The reviewer edits the consensus freely. */
  added = fidget_review_add_consensus_segment (f->project, f->video, 60, 64, "F2", &error);
  g_assert_no_error (error);
  values.end_frame = 66;
  changed = fidget_review_update_consensus_segment (f->project, added->uuid, &values,
                                                    FIDGET_SEGMENT_FIELD_END, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed->end_frame, ==, 66);
  as (f, "cai");
  g_clear_pointer (&changed, fidget_segment_free);
  changed = fidget_review_update_consensus_segment (f->project, added->uuid, &values,
                                                    FIDGET_SEGMENT_FIELD_END, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "rev");
  g_assert_true (fidget_review_delete_consensus_segment (f->project, added->uuid, &error));

  /* Only the reviewer verifies; verified consensus is the ground truth. */
  truth = fidget_review_list_ground_truth (f->project, 0, &error);
  g_assert_cmpuint (truth->len, ==, 0);
  g_clear_pointer (&truth, g_ptr_array_unref);
  as (f, "pat");
  g_assert_false (fidget_review_verify (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "rev");
  g_assert_true (fidget_review_verify (f->project, f->video, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_VERIFIED);
  truth = fidget_review_list_ground_truth (f->project, 0, &error);
  g_assert_cmpuint (truth->len, ==, 6);
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "verify");
  g_assert_cmpstr (entry->actor, ==, "rev");
  g_assert_nonnull (strstr (entry->detail, "\"to\":\"verified\""));

  /* Verified: nothing changes, a second verify is refused. */
  g_assert_null (fidget_review_add_consensus_segment (f->project, f->video, 1, 5, "B1", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (fidget_review_verify (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  as (f, "pat");
  update_expect (f, p[0], 41, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING, "mine",
                                        &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* Reopen to consensus: fix the ground truth, verify again. */
  as (f, "rev");
  g_assert_true (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_CONSENSUS,
                                       "E2 ends one frame late", &error));
  g_assert_no_error (error);
  g_clear_pointer (&truth, g_ptr_array_unref);
  truth = fidget_review_list_ground_truth (f->project, 0, &error);
  g_assert_cmpuint (truth->len, ==, 0);
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_CONSENSUS,
                                        "again", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_true (fidget_review_verify (f->project, f->video, &error));

  /* Reopen to annotating: a new round, the old one's work is dropped (the audit keeps it). */
  g_assert_true (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING,
                                       "the participant's left hand was never annotated",
                                       &error));
  g_assert_no_error (error);
  status = fidget_review_get_status (f->project, f->video, &error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_ANNOTATING);
  g_assert_cmpuint (status->round, ==, 2);
  g_assert_cmpuint (status->n_confirmed, ==, 0);
  g_assert_cmpuint (status->n_disputes, ==, 0);
  g_assert_cmpuint (status->n_consensus, ==, 0);
  g_assert_false (((FidgetReviewChecker *) g_ptr_array_index (status->checkers, 0))->submitted);
  g_assert_cmpuint (((FidgetReviewChecker *) g_ptr_array_index (status->checkers, 0))->n_decisions,
                    ==, 0);
  g_clear_pointer (&entry, fidget_audit_entry_free);
  entry = last_audit (f, "reopen");
  g_assert_nonnull (strstr (entry->detail, "\"round\":2"));
  g_assert_nonnull (strstr (entry->detail, "\"decisions\":12"));
  as (f, "pat");
  update_expect (f, p[0], 41, -1);

  free_uuids (p, 6);
}

/* Three checkers: four voters, a tie and an even median through the store. */
static void
test_four_voters (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) consensus = NULL;
  g_autoptr(GPtrArray) disputes = NULL;
  const char *checkers[] = { "cai", "cy", "dee", NULL };
  const char *p[2] = { NULL };
  const char *names[] = { "cai", "cy", "dee" };

  g_assert_true (fidget_review_assign (f->project, f->video, "pat", checkers, "rev", &error));
  as (f, "pat");
  p[0] = add_ok (f, f->video, "pat", 10, 30, "B1");
  p[1] = add_ok (f, f->video, "pat", 100, 140, "C1");
  g_assert_true (fidget_review_confirm (f->project, p[0], &error));
  g_assert_true (fidget_review_confirm (f->project, p[1], &error));
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_no_error (error);

  /* B1: pat B1, cai B1 [12,31), cy B1 [14,40), dee B2 [20,41) -> B1, [13, 36).
   * C1: pat C1, cai C1, cy C2, dee C2 -> a tie. */
  decide_ok (f, "cai", p[0], FIDGET_DECISION_ADJUST, NULL, 12, 31);
  decide_ok (f, "cy", p[0], FIDGET_DECISION_ADJUST, NULL, 14, 40);
  decide_ok (f, "dee", p[0], FIDGET_DECISION_RELABEL, "B2", 20, 41);
  decide_ok (f, "cai", p[1], FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_ok (f, "cy", p[1], FIDGET_DECISION_RELABEL, "C2", -1, -1);
  decide_ok (f, "dee", p[1], FIDGET_DECISION_RELABEL, "C2", -1, -1);
  /* An addition by three of the three checkers: three of four voters. */
  for (guint i = 0; i < 3; i++)
    {
      as (f, names[i]);
      g_free (add_ok (f, f->video, names[i], 200 + i, 220 + i, "D1"));
      g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_DISPUTED);
  consensus = fidget_review_list_consensus (f->project, f->video, &error);
  g_assert_cmpuint (consensus->len, ==, 2);
  g_assert_cmpstr (span_code (consensus, 13), ==, "B1");
  g_assert_cmpint (span_end (consensus, 13), ==, 36);
  g_assert_cmpstr (span_code (consensus, 201), ==, "D1");
  g_assert_cmpint (span_end (consensus, 201), ==, 221);
  disputes = fidget_review_list_disputes (f->project, f->video, FALSE, &error);
  g_assert_cmpuint (disputes->len, ==, 1);
  g_assert_cmpint (((FidgetDispute *) g_ptr_array_index (disputes, 0))->kind, ==,
                   FIDGET_DISPUTE_LABEL);
  g_assert_cmpuint (((FidgetDispute *) g_ptr_array_index (disputes, 0))->versions->len, ==, 4);

  free_uuids (p, 2);
}

/* A checker who rejects everything and adds nothing, a primary with no segments at all:
 * both are legitimate reviews. */
static void
test_empty_cases (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  assign_default (f);
  as (f, "pat");
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  g_assert_no_error (error);
  as (f, "cai");
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_CROSS_CHECKING);
  as (f, "cy");
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_CONSENSUS);
  as (f, "rev");
  g_assert_true (fidget_review_verify (f->project, f->video, &error));
  g_assert_no_error (error);

  /* The state and every step survive closing the file. */
  g_clear_object (&f->project);
  f->project = fidget_project_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_VERIFIED);
}

/* Each step attempted in a state that does not take it, by the right person. */
static void
test_wrong_states (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seg = NULL;
  g_autoptr(FidgetSegment) added = NULL;

  /* A free video has no steps at all. */
  as (f, "pat");
  g_assert_false (fidget_review_submit_self_check (f->project, f->other, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "not assigned"));
  g_clear_error (&error);
  as (f, "rev");
  g_assert_false (fidget_review_verify (f->project, f->other, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  assign_default (f);
  as (f, "pat");
  seg = add_ok (f, f->video, "pat", 10, 20, "B1");

  /* Annotating: no cross-check submit, no verify, no consensus edits, no reopen. */
  as (f, "cai");
  g_assert_false (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "annotating"));
  g_clear_error (&error);
  as (f, "rev");
  g_assert_false (fidget_review_verify (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  added = fidget_review_add_consensus_segment (f->project, f->video, 1, 5, "B1", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_null (added);
  g_clear_error (&error);
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING, "why",
                                       &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_VERIFIED, "why",
                                        &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  /* Self-checked: the reviewer may already send it back; the reviewer cannot submit a
   * cross-check; the primary cannot confirm any more. */
  as (f, "pat");
  g_assert_true (fidget_review_confirm (f->project, seg, &error));
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  as (f, "rev");
  g_assert_false (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_true (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING,
                                       "wrong participant", &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_ANNOTATING);
  /* The reviewer's reopen is a new round: confirmations go. */
  g_assert_false (fidget_review_is_confirmed (f->project, seg));

  /* Cross-checking: the primary can no longer take the self-check back. */
  as (f, "pat");
  g_assert_true (fidget_review_confirm (f->project, seg, &error));
  g_assert_true (fidget_review_submit_self_check (f->project, f->video, &error));
  decide_ok (f, "cai", seg, FIDGET_DECISION_AGREE, NULL, -1, -1);
  as (f, "pat");
  g_assert_false (fidget_review_reopen (f->project, f->video, FIDGET_REVIEW_ANNOTATING,
                                        "one more", &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "rev"));
  g_clear_error (&error);

  /* Verified: disputes cannot be resolved again. */
  as (f, "cai");
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  decide_ok (f, "cy", seg, FIDGET_DECISION_REJECT, NULL, -1, -1);
  as (f, "cy");
  g_assert_true (fidget_review_submit_cross_check (f->project, f->video, &error));
  g_assert_cmpint (state_of (f, f->video), ==, FIDGET_REVIEW_DISPUTED);
  {
    g_autoptr(GPtrArray) disputes = fidget_review_list_disputes (f->project, f->video, TRUE,
                                                                 &error);
    gint64 id = ((FidgetDispute *) g_ptr_array_index (disputes, 0))->id;

    as (f, "rev");
    g_assert_true (fidget_review_resolve_drop (f->project, id, &error));
    g_assert_true (fidget_review_verify (f->project, f->video, &error));
    g_assert_false (fidget_review_resolve_drop (f->project, id, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
    g_assert_nonnull (strstr (error->message, "verified"));
    g_clear_error (&error);
    g_assert_false (fidget_review_resolve_drop (f->project, 9999, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/review/free-video", test_free_video);
  ADD ("/review/assign", test_assign_rules);
  ADD ("/review/annotating-edits", test_annotating_edits);
  ADD ("/review/self-check", test_self_check);
  ADD ("/review/cross-check", test_cross_check_rules);
  g_test_add_func ("/review/settle/three-voters", test_settle_three);
  g_test_add_func ("/review/settle/four-voters", test_settle_four);
  g_test_add_func ("/review/settle/five-voters", test_settle_five);
  ADD ("/review/consensus-flow", test_consensus_flow);
  ADD ("/review/four-voters", test_four_voters);
  ADD ("/review/empty", test_empty_cases);
  ADD ("/review/wrong-states", test_wrong_states);

  return g_test_run ();
}
