/* fidget-suggestions.c: model suggestions per video, and the decisions people make on them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-suggestions.h"

static const char *const state_names[] = { "open", "accepted", "fixed", "rejected" };

const char *
fidget_suggestion_state_to_string (FidgetSuggestionState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

gboolean
fidget_suggestion_state_from_string (const char            *str,
                                     FidgetSuggestionState *state)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (str, state_names[i]))
      {
        *state = (FidgetSuggestionState) i;
        return TRUE;
      }
  return FALSE;
}

FidgetSuggestion *
fidget_suggestion_new (void)
{
  return g_new0 (FidgetSuggestion, 1);
}

void
fidget_suggestion_free (FidgetSuggestion *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->action_code);
  g_free (self->scores_json);
  g_free (self->model_hash);
  g_free (self->decided_by);
  g_free (self->segment_uuid);
  g_free (self);
}

/* Audit details are JSON; codes and names may hold anything, so they are escaped. */
static void
append_json_string (GString    *out,
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
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

#define SELECT_SUGGESTION \
  "SELECT s.id, s.uuid, s.video_id, s.start_frame, s.end_frame, a.code, s.scores, " \
  "  s.model_hash, s.created_us, s.state, s.decided_by, s.decided_us, s.segment_uuid " \
  "FROM suggestion s JOIN action a ON a.id = s.action_id "

static FidgetSuggestion *
read_suggestion (sqlite3_stmt *stmt)
{
  FidgetSuggestion *s = fidget_suggestion_new ();
  const char *state = (const char *) sqlite3_column_text (stmt, 9);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->uuid = column_dup (stmt, 1);
  s->video_id = sqlite3_column_int64 (stmt, 2);
  s->start_frame = sqlite3_column_int64 (stmt, 3);
  s->end_frame = sqlite3_column_int64 (stmt, 4);
  s->action_code = column_dup (stmt, 5);
  s->scores_json = column_dup (stmt, 6);
  s->model_hash = column_dup (stmt, 7);
  s->created_us = sqlite3_column_int64 (stmt, 8);
  if (!fidget_suggestion_state_from_string (state, &s->state))
    s->state = FIDGET_SUGGESTION_OPEN;
  s->decided_by = column_dup (stmt, 10);
  s->decided_us = sqlite3_column_int64 (stmt, 11);
  s->segment_uuid = column_dup (stmt, 12);
  return s;
}

static gboolean
check_frames (FidgetProject     *project,
              const FidgetVideo *video,
              gint64             start_frame,
              gint64             end_frame,
              GError           **error)
{
  if (start_frame < 0 || end_frame <= start_frame || end_frame > video->frame_count)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("A suggestion from frame %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                     " does not fit video %" G_GINT64_FORMAT " of %s, which has %"
                     G_GINT64_FORMAT " frames."),
                   start_frame, end_frame, video->id,
                   fidget_project_get_display_name (project), video->frame_count);
      return FALSE;
    }
  return TRUE;
}

static gboolean
delete_open (FidgetProject           *project,
             gint64                   video_id,
             const char              *model_hash,
             const FidgetSuggestion  *window,
             GError                 **error)
{
  sqlite3_stmt *stmt;

  stmt = fidget_project_prepare (project,
                                 "DELETE FROM suggestion WHERE video_id = ?1 AND model_hash = ?2 "
                                 "AND state = 'open' "
                                 "AND (?3 IS NULL OR (start_frame = ?3 AND end_frame = ?4))",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_text (stmt, 2, model_hash, -1, SQLITE_TRANSIENT);
  if (window != NULL)
    {
      sqlite3_bind_int64 (stmt, 3, window->start_frame);
      sqlite3_bind_int64 (stmt, 4, window->end_frame);
    }
  return fidget_project_step_done (project, stmt, _("replace the open suggestions"), error);
}

GPtrArray *
fidget_suggestions_add (FidgetProject             *project,
                        gint64                     video_id,
                        const char                *model_hash,
                        GPtrArray                 *items,
                        FidgetSuggestionsReplace   replace,
                        GError                   **error)
{
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  FidgetTaxonomy *taxonomy;
  const char *what = _("store the suggestions");
  gint64 now = g_get_real_time ();
  int replaced = 0;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (items != NULL, NULL);

  if (model_hash == NULL || *model_hash == '\0')
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Suggestions need the hash of the model that made them."));
      return NULL;
    }
  if (!(video = fidget_project_get_video (project, video_id, error)))
    return NULL;

  taxonomy = fidget_project_get_taxonomy (project);
  for (guint i = 0; i < items->len; i++)
    {
      const FidgetSuggestion *item = g_ptr_array_index (items, i);

      if (!check_frames (project, video, item->start_frame, item->end_frame, error))
        return NULL;
      if (item->action_code == NULL ||
          fidget_taxonomy_lookup_action (taxonomy, item->action_code) == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("A suggestion names the action “%s”, which %s does not have."),
                       item->action_code ? item->action_code : "",
                       fidget_project_get_display_name (project));
          return NULL;
        }
    }

  if (!fidget_project_begin (project, what, error))
    return NULL;

  if (replace == FIDGET_SUGGESTIONS_REPLACE_OPEN)
    {
      if (!delete_open (project, video_id, model_hash, NULL, error))
        goto failed;
      replaced = sqlite3_changes (fidget_project_get_db (project));
    }
  else if (replace == FIDGET_SUGGESTIONS_REPLACE_OPEN_WINDOWS)
    for (guint i = 0; i < items->len; i++)
      {
        if (!delete_open (project, video_id, model_hash, g_ptr_array_index (items, i), error))
          goto failed;
        replaced += sqlite3_changes (fidget_project_get_db (project));
      }

  for (guint i = 0; i < items->len; i++)
    {
      const FidgetSuggestion *item = g_ptr_array_index (items, i);
      char *uuid = g_uuid_string_random ();
      sqlite3_stmt *stmt;

      g_ptr_array_add (uuids, uuid);
      stmt = fidget_project_prepare (project,
                                     "INSERT INTO suggestion (uuid, video_id, start_frame, end_frame, "
                                     "  action_id, scores, model_hash, created_us) "
                                     "VALUES (?1, ?2, ?3, ?4, "
                                     "  (SELECT id FROM action WHERE code = ?5), ?6, ?7, ?8)",
                                     error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, video_id);
      sqlite3_bind_int64 (stmt, 3, item->start_frame);
      sqlite3_bind_int64 (stmt, 4, item->end_frame);
      sqlite3_bind_text (stmt, 5, item->action_code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, item->scores_json ? item->scores_json : "[]", -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 7, model_hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 8, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          /* The one constraint a caller can break here is the JSON check on the scores. */
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("Cannot store a suggestion in %s: %s (are its scores valid JSON?)."),
                       fidget_project_get_display_name (project),
                       sqlite3_errmsg (fidget_project_get_db (project)));
          sqlite3_reset (stmt);
          goto failed;
        }
      sqlite3_reset (stmt);
    }

  /* One audit row for the batch: a scan makes hundreds, and each one is in the table itself. */
  g_string_append_printf (detail, "{\"video\":%" G_GINT64_FORMAT ",\"model\":", video_id);
  append_json_string (detail, model_hash);
  g_string_append_printf (detail, ",\"added\":%u,\"replaced\":%d}", uuids->len, replaced);
  if (!fidget_project_audit (project, "add", "suggestions", video->uuid, detail->str, error) ||
      !fidget_project_commit (project, what, error))
    goto failed;

  fidget_project_emit_changed (project, "suggestion", video_id);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);
  for (guint i = 0; i < uuids->len; i++)
    {
      FidgetSuggestion *s = fidget_suggestions_get (project, g_ptr_array_index (uuids, i), error);

      if (s == NULL)
        return NULL;
      g_ptr_array_add (result, s);
    }
  return g_steal_pointer (&result);

failed:
  fidget_project_rollback (project);
  return NULL;
}

GPtrArray *
fidget_suggestions_list (FidgetProject  *project,
                         gint64          video_id,
                         GError        **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  stmt = fidget_project_prepare (project,
                                 SELECT_SUGGESTION "WHERE s.video_id = ?1 "
                                 "ORDER BY s.start_frame, s.end_frame, s.id",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, read_suggestion (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the suggestions"));
      return NULL;
    }
  return g_steal_pointer (&result);
}

FidgetSuggestion *
fidget_suggestions_get (FidgetProject  *project,
                        const char     *uuid,
                        GError        **error)
{
  FidgetSuggestion *s = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  stmt = fidget_project_prepare (project, SELECT_SUGGESTION "WHERE s.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid ? uuid : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    s = read_suggestion (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return s;
  if (rc == SQLITE_DONE)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("%s has no suggestion %s."), fidget_project_get_display_name (project),
                 uuid ? uuid : "");
  else
    fidget_project_sqlite_error (project, error, rc, _("read the suggestion"));
  return NULL;
}

/* The suggestion, when it may still be decided by the project's actor. */
static FidgetSuggestion *
get_open (FidgetProject  *project,
          const char     *uuid,
          GError        **error)
{
  g_autoptr(FidgetSuggestion) s = NULL;

  if (fidget_project_get_actor (project) == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("Deciding on a suggestion needs a person: set who is working first."));
      return NULL;
    }
  if (!(s = fidget_suggestions_get (project, uuid, error)))
    return NULL;
  if (s->state != FIDGET_SUGGESTION_OPEN)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT,
                   _("Suggestion %s was already %s by %s."), uuid,
                   fidget_suggestion_state_to_string (s->state),
                   s->decided_by ? s->decided_by : _("someone"));
      return NULL;
    }
  return g_steal_pointer (&s);
}

/* Marks @s decided and writes its audit rows, in one transaction. */
static gboolean
record_decision (FidgetProject          *project,
                 const FidgetSuggestion *s,
                 FidgetSuggestionState   state,
                 const FidgetSegment    *segment,
                 GError                **error)
{
  g_autoptr(GString) detail = g_string_new ("{\"suggestion\":");
  const char *what = _("record the decision on the suggestion");
  const char *actor = fidget_project_get_actor (project);
  sqlite3_stmt *stmt;

  if (!fidget_project_begin (project, what, error))
    return FALSE;

  stmt = fidget_project_prepare (project,
                                 "UPDATE suggestion SET state = ?2, decided_by = ?3, "
                                 "  decided_us = ?4, segment_uuid = ?5 "
                                 "WHERE uuid = ?1 AND state = 'open'",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, s->uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, fidget_suggestion_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (segment != NULL)
    sqlite3_bind_text (stmt, 5, segment->uuid, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  if (!fidget_project_step_done (project, stmt, what, error))
    goto failed;
  if (sqlite3_changes (fidget_project_get_db (project)) != 1)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT,
                   _("Suggestion %s was decided by someone else meanwhile."), s->uuid);
      goto failed;
    }

  append_json_string (detail, s->uuid);
  g_string_append (detail, ",\"model\":");
  append_json_string (detail, s->model_hash);
  g_string_append (detail, ",\"suggested\":{\"action\":");
  append_json_string (detail, s->action_code);
  g_string_append_printf (detail, ",\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT "}",
                          s->start_frame, s->end_frame);
  if (segment != NULL)
    {
      g_string_append (detail, ",\"segment\":");
      append_json_string (detail, segment->uuid);
      g_string_append (detail, ",\"action\":");
      append_json_string (detail, segment->action_code);
      g_string_append_printf (detail, ",\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT,
                              segment->start_frame, segment->end_frame);
    }
  g_string_append_c (detail, '}');

  if (!fidget_project_audit (project, fidget_suggestion_state_to_string (state),
                             "suggestion", s->uuid, detail->str, error))
    goto failed;
  /* The segment's own history says it came from the model, and from which suggestion. */
  if (segment != NULL &&
      !fidget_project_audit (project, "model-assisted", "segment", segment->uuid, detail->str,
                             error))
    goto failed;
  if (!fidget_project_commit (project, what, error))
    return FALSE;

  fidget_project_emit_changed (project, "suggestion", s->video_id);
  return TRUE;

failed:
  fidget_project_rollback (project);
  return FALSE;
}

static FidgetSegment *
decide_with_segment (FidgetProject         *project,
                     const char            *uuid,
                     FidgetSuggestionState  state,
                     const char            *action_code,
                     gint64                 start_frame,
                     gint64                 end_frame,
                     GError               **error)
{
  g_autoptr(FidgetSuggestion) s = NULL;
  g_autoptr(FidgetSegment) segment = NULL;

  if (!(s = get_open (project, uuid, error)))
    return NULL;

  /* The segment goes through the store's own add (rules, undo log, audit); the decision
   * follows in its own transaction, and the segment is taken back if that one fails. */
  segment = fidget_project_add_segment (project, s->video_id, fidget_project_get_actor (project),
                                        start_frame >= 0 ? start_frame : s->start_frame,
                                        end_frame >= 0 ? end_frame : s->end_frame,
                                        action_code ? action_code : s->action_code, error);
  if (segment == NULL)
    return NULL;
  if (!record_decision (project, s, state, segment, error))
    {
      fidget_project_delete_segment (project, segment->uuid, NULL);
      return NULL;
    }
  return g_steal_pointer (&segment);
}

FidgetSegment *
fidget_suggestions_accept (FidgetProject  *project,
                           const char     *uuid,
                           GError        **error)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  return decide_with_segment (project, uuid, FIDGET_SUGGESTION_ACCEPTED, NULL, -1, -1, error);
}

FidgetSegment *
fidget_suggestions_fix (FidgetProject  *project,
                        const char     *uuid,
                        const char     *action_code,
                        gint64          start_frame,
                        gint64          end_frame,
                        GError        **error)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  return decide_with_segment (project, uuid, FIDGET_SUGGESTION_FIXED, action_code, start_frame,
                              end_frame, error);
}

gboolean
fidget_suggestions_reject (FidgetProject  *project,
                           const char     *uuid,
                           GError        **error)
{
  g_autoptr(FidgetSuggestion) s = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);

  if (!(s = get_open (project, uuid, error)))
    return FALSE;
  return record_decision (project, s, FIDGET_SUGGESTION_REJECTED, NULL, error);
}
