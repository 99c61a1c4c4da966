/* fidget-project-merge.c: rows that keep their UUIDs across projects (work packages)
 *
 * The records travel as JSON built and read by SQLite itself (json_object, json_each), so
 * the store needs no JSON library and every value goes through the same typed columns as an
 * edit made here. See fidget-project-merge.h for what a package holds and who owns what.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fidget-error.h"
#include "fidget-project-merge.h"
#include "fidget-project-private.h"
#include "fidget-review-private.h"
#include "fidget-taxonomy-private.h"

#define PERSON_KEY "work_package_person"

static const char *const kind_names[] = {
  "annotator", "participant", "action", "video", "review", "segment", "confirmation", "decision",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == FIDGET_MERGE_N_KINDS);

const char *
fidget_merge_kind_to_string (FidgetMergeKind kind)
{
  g_return_val_if_fail ((guint) kind < FIDGET_MERGE_N_KINDS, NULL);
  return kind_names[kind];
}

const char *
fidget_package_direction_to_string (FidgetPackageDirection direction)
{
  return direction == FIDGET_PACKAGE_RETURN ? "return" : "assignment";
}

gboolean
fidget_package_direction_from_string (const char             *str,
                                      FidgetPackageDirection *direction)
{
  if (g_strcmp0 (str, "assignment") == 0)
    *direction = FIDGET_PACKAGE_ASSIGNMENT;
  else if (g_strcmp0 (str, "return") == 0)
    *direction = FIDGET_PACKAGE_RETURN;
  else
    return FALSE;
  return TRUE;
}

FidgetMergeReport *
fidget_merge_report_new (void)
{
  FidgetMergeReport *self = g_new0 (FidgetMergeReport, 1);

  self->changes = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
fidget_merge_report_free (FidgetMergeReport *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_free (self);
}

/* {{{ Small helpers */

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Runs a one-row, one-column query already bound; NULL (and no error) when it gave no row. */
static gboolean
query_text (FidgetProject  *project,
            sqlite3_stmt   *stmt,
            char          **text,
            GError        **error)
{
  int rc = sqlite3_step (stmt);

  *text = rc == SQLITE_ROW ? column_dup (stmt, 0) : NULL;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fidget_project_sqlite_error (project, error, rc, _("read the project"));
  return TRUE;
}

/* Reads the first @n_values integer columns of the row @sql finds (at most one is looked at)
 * into @values, which keep what they held when there is none. The parameters are
 * @text_key (?1, unless NULL) and then @int_keys. Returns 1 for a row, 0 for none, -1 on an
 * error: a failed read is never taken for a missing row. */
static int
lookup_row (FidgetProject  *project,
            const char     *sql,
            const char     *text_key,
            const gint64   *int_keys,
            guint           n_int_keys,
            gint64         *values,
            guint           n_values,
            GError        **error)
{
  sqlite3_stmt *stmt = fidget_project_prepare (project, sql, error);
  int param = 1, rc;

  if (stmt == NULL)
    return -1;
  if (text_key != NULL)
    sqlite3_bind_text (stmt, param++, text_key, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < n_int_keys; i++)
    sqlite3_bind_int64 (stmt, param++, int_keys[i]);
  rc = sqlite3_step (stmt);
  for (guint i = 0; rc == SQLITE_ROW && i < n_values; i++)
    values[i] = sqlite3_column_int64 (stmt, (int) i);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the project"));
      return -1;
    }
  return rc == SQLITE_ROW;
}

/* Looks an id up by one text key; 0 when not there, -1 on error. */
static gint64
lookup_id (FidgetProject  *project,
           const char     *sql,
           const char     *key,
           GError        **error)
{
  gint64 id = 0;

  return lookup_row (project, sql, key, NULL, 0, &id, 1, error) < 0 ? -1 : id;
}

/* A JSON string literal for @str (UTF-8). */
static void
json_quote (GString    *out,
            const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; p != NULL && *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gint64
annotator_id (FidgetProject  *project,
              const char     *name,
              GError        **error)
{
  return lookup_id (project, "SELECT id FROM annotator WHERE name = ?1", name, error);
}

/* }}} */
/* {{{ Person and identity */

char *
fidget_project_merge_get_person (FidgetProject *project)
{
  sqlite3_stmt *stmt;
  char *person = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  stmt = fidget_project_prepare (project, "SELECT value FROM meta WHERE key = '" PERSON_KEY "'",
                                 NULL);
  if (stmt == NULL || !query_text (project, stmt, &person, NULL))
    return NULL;
  return person;
}

gboolean
fidget_project_merge_adopt (FidgetProject  *project,
                            const char     *project_uuid,
                            const char     *person,
                            GError        **error)
{
  g_autoptr(GString) detail = g_string_new ("{\"previous_uuid\":");
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (project_uuid != NULL && person != NULL, FALSE);

  if (!g_uuid_string_is_valid (project_uuid))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("“%s” is not a project identity (a UUID)"), project_uuid);
      return FALSE;
    }
  if (!fidget_project_begin (project, _("take the package's project identity"), error))
    return FALSE;
  stmt = fidget_project_prepare (project,
                                 "INSERT INTO meta (key, value) VALUES ('uuid', ?1), "
                                 "  ('" PERSON_KEY "', ?2) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, project_uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, person, -1, SQLITE_TRANSIENT);
  if (!fidget_project_step_done (project, stmt, _("take the package's project identity"), error))
    goto failed;
  json_quote (detail, fidget_project_get_uuid (project));
  g_string_append (detail, ",\"person\":");
  json_quote (detail, person);
  g_string_append_c (detail, '}');
  if (!fidget_project_audit (project, "adopt", "project", project_uuid, detail->str, error))
    goto failed;
  return fidget_project_commit (project, _("take the package's project identity"), error);

failed:
  fidget_project_rollback (project);
  return FALSE;
}

void
fidget_project_merge_refresh (FidgetProject *project)
{
  FidgetTaxonomy *taxonomy;
  sqlite3_stmt *stmt;

  g_return_if_fail (FIDGET_IS_PROJECT (project));

  taxonomy = fidget_project_get_taxonomy (project);
  stmt = fidget_project_prepare (project,
                                 "SELECT a.id, a.code, a.name, a.description, b.code "
                                 "FROM action a JOIN body_part b ON b.id = a.body_part_id "
                                 "WHERE a.model_index IS NULL ORDER BY a.position, a.id",
                                 NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 1);

      if (fidget_taxonomy_lookup_action (taxonomy, code) == NULL)
        fidget_taxonomy_append_action (taxonomy, sqlite3_column_int64 (stmt, 0), code,
                                       (const char *) sqlite3_column_text (stmt, 2),
                                       (const char *) sqlite3_column_text (stmt, 3),
                                       (const char *) sqlite3_column_text (stmt, 4), -1);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  /* "segment" on no video in particular: every view reloads what it shows. */
  fidget_project_emit_changed (project, "segment", 0);
}

/* }}} */
/* {{{ Export */

/* The videos of the person (?1): primary annotator or cross-checker. */
#define PERSON_VIDEOS \
  "(SELECT video_id FROM review WHERE primary_id = ?1 " \
  " UNION SELECT video_id FROM review_checker WHERE annotator_id = ?1)"

static const char *const export_parts[] = {
  "annotators",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('uuid', uuid, 'name', name, "
  "  'created_us', created_us) AS x FROM annotator WHERE ?1 = ?1 AND ?2 = ?2 ORDER BY id)",

  "participants",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('uuid', p.uuid, 'code', p.code, "
  "  'gender', p.gender, 'age_group', p.age_group, 'notes', p.notes, "
  "  'created_us', p.created_us) AS x FROM participant p WHERE ?2 = ?2 AND p.id IN "
  "  (SELECT participant_id FROM video WHERE id IN " PERSON_VIDEOS ") ORDER BY p.id)",

  "actions",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('uuid', a.uuid, 'code', a.code, "
  "  'name', a.name, 'description', a.description, 'body_part', b.code, "
  "  'created_us', a.created_us) AS x "
  "  FROM action a JOIN body_part b ON b.id = a.body_part_id "
  "  WHERE a.model_index IS NULL AND ?1 = ?1 AND ?2 = ?2 ORDER BY a.position, a.id)",

  "videos",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('uuid', v.uuid, "
  "  'participant', p.code, 'path', v.path, 'content_hash', v.content_hash, "
  "  'size_bytes', v.size_bytes, 'container', v.container, 'video_codec', v.video_codec, "
  "  'width', v.width, 'height', v.height, 'fps_num', v.fps_num, 'fps_den', v.fps_den, "
  "  'frame_count', v.frame_count, 'duration_ns', v.duration_ns, 'has_audio', v.has_audio, "
  "  'imported_us', v.imported_us) AS x "
  "  FROM video v LEFT JOIN participant p ON p.id = v.participant_id "
  "  WHERE ?2 = ?2 AND v.id IN " PERSON_VIDEOS " ORDER BY v.id)",

  /* Only the person's own "submitted" time travels: a copy that believed every checker had
   * submitted would settle a consensus from the votes it holds, which are not all. */
  "reviews",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('video', v.uuid, "
  "  'uuid', r.uuid, 'state', r.state, 'primary', pa.name, 'reviewer', ra.name, "
  "  'round', r.round, 'assigned_by', r.assigned_by, 'assigned_us', r.assigned_us, "
  "  'changed_us', r.changed_us, 'checkers', json ((SELECT json_group_array (json (y)) FROM "
  "    (SELECT json_object ('name', a.name, 'position', c.position, 'submitted_us', "
  "       CASE WHEN c.annotator_id = ?1 THEN c.submitted_us END) AS y "
  "     FROM review_checker c JOIN annotator a ON a.id = c.annotator_id "
  "     WHERE c.video_id = r.video_id ORDER BY c.position)))) AS x "
  "  FROM review r JOIN video v ON v.id = r.video_id "
  "  JOIN annotator pa ON pa.id = r.primary_id JOIN annotator ra ON ra.id = r.reviewer_id "
  "  WHERE ?2 = ?2 AND r.video_id IN " PERSON_VIDEOS " ORDER BY r.video_id)",

  /* The person's own segments; for a cross-checker (assignment only) the primary's too, once
   * frozen by the submitted self-check. Never another checker's: the cross-check is blind. */
  "segments",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('uuid', s.uuid, "
  "  'video', v.uuid, 'annotator', a.name, 'start_frame', s.start_frame, "
  "  'end_frame', s.end_frame, 'action', ac.code, 'emotion', s.emotion, 'note', s.note, "
  "  'flagged', s.flagged, 'created_us', s.created_us, 'modified_us', s.modified_us, "
  "  'confirmation', json (CASE WHEN c.segment_id IS NOT NULL AND s.annotator_id = r.primary_id "
  "    THEN json_object ('segment_modified_us', c.segment_modified_us, "
  "                      'confirmed_us', c.confirmed_us) END)) AS x "
  "  FROM segment s JOIN video v ON v.id = s.video_id "
  "  JOIN annotator a ON a.id = s.annotator_id JOIN action ac ON ac.id = s.action_id "
  "  JOIN review r ON r.video_id = s.video_id "
  "  LEFT JOIN review_confirmation c ON c.segment_id = s.id "
  "  WHERE s.video_id IN " PERSON_VIDEOS " AND (s.annotator_id = ?1 OR (?2 = 0 "
  "    AND s.annotator_id = r.primary_id AND r.state <> 'annotating' AND EXISTS "
  "    (SELECT 1 FROM review_checker k WHERE k.video_id = s.video_id AND k.annotator_id = ?1))) "
  "  ORDER BY s.video_id, s.start_frame, s.id)",

  "decisions",
  "SELECT json_group_array (json (x)) FROM (SELECT json_object ('uuid', d.uuid, "
  "  'video', v.uuid, 'checker', a.name, 'segment', s.uuid, 'decision', d.decision, "
  "  'action', ac.code, 'start_frame', d.start_frame, 'end_frame', d.end_frame, "
  "  'decided_us', d.decided_us) AS x "
  "  FROM review_decision d JOIN video v ON v.id = d.video_id "
  "  JOIN annotator a ON a.id = d.checker_id JOIN segment s ON s.id = d.segment_id "
  "  LEFT JOIN action ac ON ac.id = d.action_id "
  "  WHERE ?2 = ?2 AND d.checker_id = ?1 AND d.video_id IN " PERSON_VIDEOS " ORDER BY d.id)",

  /* Deleted segments: the undo log and the audit rows of deletions keep their images. */
  "tombstones",
  "SELECT json_group_array (json (x)) FROM (SELECT DISTINCT json_object ('uuid', t.uuid, "
  "  'video', v.uuid) AS x FROM "
  "  (SELECT entity_uuid AS uuid, "
  "     coalesce (before ->> '$.video_id', after ->> '$.video_id') AS video_id FROM undo_log "
  "   UNION SELECT entity_uuid, CASE WHEN json_valid (detail) "
  "     THEN detail ->> '$.video_id' END FROM audit "
  "     WHERE entity = 'segment' AND operation = 'delete') t "
  "  JOIN video v ON v.id = t.video_id "
  "  WHERE ?2 = ?2 AND t.video_id IN " PERSON_VIDEOS
  "    AND t.uuid NOT IN (SELECT uuid FROM segment) ORDER BY t.uuid)",
};

char *
fidget_project_merge_export (FidgetProject           *project,
                             const char              *person,
                             FidgetPackageDirection   direction,
                             GError                 **error)
{
  g_autoptr(GString) records = g_string_new ("{");
  sqlite3_stmt *stmt;
  gint64 person_id;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (person != NULL, NULL);

  if ((person_id = annotator_id (project, person, error)) < 0)
    return NULL;
  if (person_id == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot make a work package for “%s”: there is no such annotator in “%s”"),
                   person, fidget_project_get_display_name (project));
      return NULL;
    }

  stmt = fidget_project_prepare (project, "SELECT count(*) FROM " PERSON_VIDEOS, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == 0)
    {
      sqlite3_reset (stmt);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot make a work package for %s: no video of “%s” is assigned to them "
                     "(as primary annotator or cross-checker)"),
                   person, fidget_project_get_display_name (project));
      return NULL;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      fidget_project_sqlite_error (project, error, rc, _("read the assignments"));
      return NULL;
    }

  /* One read transaction: every part sees the same state of the file. */
  if (sqlite3_exec (fidget_project_get_db (project), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      fidget_project_sqlite_error (project, error,
                                   sqlite3_errcode (fidget_project_get_db (project)),
                                   _("read the project"));
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (export_parts); i += 2)
    {
      g_autofree char *part = NULL;

      stmt = fidget_project_prepare (project, export_parts[i + 1], error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, person_id);
      sqlite3_bind_int (stmt, 2, direction == FIDGET_PACKAGE_RETURN ? 1 : 0);
      if (!query_text (project, stmt, &part, error))
        goto failed;
      g_string_append_printf (records, "%s\"%s\":%s", i > 0 ? "," : "", export_parts[i],
                              part != NULL ? part : "[]");
    }
  sqlite3_exec (fidget_project_get_db (project), "COMMIT", NULL, NULL, NULL);
  g_string_append_c (records, '}');
  return g_string_free (g_steal_pointer (&records), FALSE);

failed:
  fidget_project_rollback (project);
  return NULL;
}

/* }}} */
/* {{{ Import */

typedef struct
{
  FidgetProject            *project;
  const FidgetMergeOptions *options;
  const char               *records;
  FidgetMergeReport        *report;
  gint64                    person_id;
  GHashTable               *videos;      /* package video UUID -> local id (gint64 *) */
  GHashTable               *rounds;      /* local video id -> the package's review round */
} Merge;

static gboolean
malformed (GError     **error,
           const char  *what,
           guint        index,
           const char  *why)
{
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
               _("The package's records are malformed: %s %u %s"), what, index + 1, why);
  return FALSE;
}

/* Required members: refused with a message naming the record when missing or mistyped. */
static gboolean
need_text (sqlite3_stmt  *stmt,
           int            column,
           const char    *what,
           guint          index,
           const char    *member,
           GError       **error)
{
  g_autofree char *why = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_TEXT &&
      g_utf8_validate ((const char *) sqlite3_column_text (stmt, column), -1, NULL))
    return TRUE;
  why = g_strdup_printf (_("has no text “%s”"), member);
  return malformed (error, what, index, why);
}

static gboolean
need_uuid (sqlite3_stmt  *stmt,
           int            column,
           const char    *what,
           guint          index,
           const char    *member,
           GError       **error)
{
  g_autofree char *why = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_TEXT &&
      g_uuid_string_is_valid ((const char *) sqlite3_column_text (stmt, column)))
    return TRUE;
  why = g_strdup_printf (_("has no valid UUID as “%s”"), member);
  return malformed (error, what, index, why);
}

static gboolean
need_int (sqlite3_stmt  *stmt,
          int            column,
          const char    *what,
          guint          index,
          const char    *member,
          GError       **error)
{
  g_autofree char *why = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_INTEGER)
    return TRUE;
  why = g_strdup_printf (_("has no integer “%s”"), member);
  return malformed (error, what, index, why);
}

static const char *
text (sqlite3_stmt *stmt,
      int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Records one change in the report and in the audit log, naming the package. @image is the
 * JSON image of the row (after, or before for a deletion); its members stay at the top of the
 * detail so that a deletion's video can be read back for tombstones. */
static gboolean
record_change (Merge            *m,
               FidgetMergeKind   kind,
               const char       *change,
               const char       *uuid,
               const char       *image,
               const char       *summary,
               GError          **error)
{
  g_autofree char *detail = NULL;
  const char *operation;
  sqlite3_stmt *stmt;

  if (strcmp (change, "insert") == 0)
    {
      m->report->inserted[kind]++;
      operation = "import";
    }
  else if (strcmp (change, "update") == 0)
    {
      m->report->updated[kind]++;
      operation = "update";
    }
  else
    {
      m->report->deleted[kind]++;
      operation = "delete";
    }
  m->report->n_changes++;
  g_ptr_array_add (m->report->changes,
                   g_strdup_printf ("%s %s %s%s%s", change, kind_names[kind], uuid,
                                    summary != NULL ? ": " : "", summary != NULL ? summary : ""));

  stmt = fidget_project_prepare (m->project,
                                 "SELECT json_set (coalesce (?1, '{}'), '$.package', ?2, "
                                 "  '$.package_uuid', ?3, '$.change', ?4)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text_or_null (stmt, 1, image);
  bind_text_or_null (stmt, 2, m->options->package_name);
  bind_text_or_null (stmt, 3, m->options->package_uuid);
  sqlite3_bind_text (stmt, 4, change, -1, SQLITE_STATIC);
  if (!query_text (m->project, stmt, &detail, error))
    return FALSE;
  return fidget_project_audit (m->project, operation, kind_names[kind], uuid, detail, error);
}

/* A JSON image of one row by UUID, through @sql (one row, one column, ?1 the UUID). */
static char *
row_image (Merge       *m,
           const char  *sql,
           const char  *uuid,
           GError     **error)
{
  sqlite3_stmt *stmt = fidget_project_prepare (m->project, sql, error);
  char *image = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (!query_text (m->project, stmt, &image, error))
    return NULL;
  if (image == NULL)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                 _("The row %s vanished while the package was imported"), uuid);
  return image;
}

#define SEGMENT_IMAGE_SQL \
  "SELECT json_object ('id', id, 'uuid', uuid, 'video_id', video_id, " \
  "'annotator_id', annotator_id, 'start_frame', start_frame, 'end_frame', end_frame, " \
  "'action_id', action_id, 'emotion', emotion, 'note', note, 'flagged', flagged, " \
  "'created_us', created_us, 'modified_us', modified_us) FROM segment WHERE uuid = ?1"

/* One record of a part of the package: @each is the current row of that part's query, @index
 * its position there (for messages). FALSE (with @error set) stops the import. */
typedef gboolean (*MergeRowFunc) (Merge         *m,
                                  sqlite3_stmt  *each,
                                  guint          index,
                                  GError       **error);

/* Walks one part of the package: @sql reads its records through json_each over ?1 (the
 * package's records), and @row merges each in turn. */
static gboolean
merge_each (Merge         *m,
            const char    *sql,
            MergeRowFunc   row,
            GError       **error)
{
  sqlite3_stmt *each = fidget_project_prepare (m->project, sql, error);
  guint index = 0;
  int rc;

  if (each == NULL)
    return FALSE;
  sqlite3_bind_text (each, 1, m->records, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (each)) == SQLITE_ROW)
    {
      if (!row (m, each, index++, error))
        {
          sqlite3_reset (each);
          return FALSE;
        }
    }
  sqlite3_reset (each);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (m->project, error, rc, _("read the package's records"));
  return TRUE;
}

#define ANNOTATORS_SQL \
  "SELECT value ->> '$.uuid', value ->> '$.name', " \
  "  value ->> '$.created_us' FROM json_each (?1, '$.annotators')"

static gboolean
merge_annotator (Merge         *m,
                 sqlite3_stmt  *each,
                 guint          index,
                 GError       **error)
{
  sqlite3_stmt *stmt;
  const char *uuid, *name;
  gint64 id;

  if (!need_uuid (each, 0, _("annotator"), index, "uuid", error) ||
      !need_text (each, 1, _("annotator"), index, "name", error) ||
      !need_int (each, 2, _("annotator"), index, "created_us", error))
    return FALSE;
  uuid = text (each, 0);
  name = text (each, 1);
  if ((id = annotator_id (m->project, name, error)) < 0)
    return FALSE;
  if (id > 0)
    return TRUE;
  /* Another person may carry the UUID here (made apart): the name is who they are. */
  if ((id = lookup_id (m->project, "SELECT id FROM annotator WHERE uuid = ?1", uuid, error)) < 0)
    return FALSE;
  stmt = fidget_project_prepare (m->project,
                                 "INSERT INTO annotator (uuid, name, created_us) "
                                 "VALUES (?1, ?2, ?3)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  if (id == 0)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_text (stmt, 1, g_uuid_string_random (), -1, g_free);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, sqlite3_column_int64 (each, 2));
  if (!fidget_project_step_done (m->project, stmt, _("add the annotator"), error) ||
      !record_change (m, FIDGET_MERGE_ANNOTATOR, "insert", uuid, NULL, name, error))
    return FALSE;
  return TRUE;
}

#define PARTICIPANTS_SQL \
  "SELECT value ->> '$.uuid', value ->> '$.code', " \
  "  value ->> '$.gender', value ->> '$.age_group', " \
  "  value ->> '$.notes', value ->> '$.created_us' " \
  "FROM json_each (?1, '$.participants')"

static gboolean
merge_participant (Merge         *m,
                   sqlite3_stmt  *each,
                   guint          index,
                   GError       **error)
{
  sqlite3_stmt *stmt;
  const char *uuid, *code;
  gint64 id;

  if (!need_uuid (each, 0, _("participant"), index, "uuid", error) ||
      !need_text (each, 1, _("participant"), index, "code", error) ||
      !need_int (each, 5, _("participant"), index, "created_us", error))
    return FALSE;
  uuid = text (each, 0);
  code = text (each, 1);
  if ((id = lookup_id (m->project, "SELECT id FROM participant WHERE uuid = ?1",
                       uuid, error)) < 0 ||
      (id == 0 &&
       (id = lookup_id (m->project, "SELECT id FROM participant WHERE code = ?1", code,
                        error)) < 0))
    return FALSE;
  if (id > 0)
    return TRUE;
  stmt = fidget_project_prepare (m->project,
                                 "INSERT INTO participant (uuid, code, gender, age_group, "
                                 "  notes, created_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, text (each, 2));
  bind_text_or_null (stmt, 4, text (each, 3));
  sqlite3_bind_text (stmt, 5, text (each, 4) != NULL ? text (each, 4) : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, sqlite3_column_int64 (each, 5));
  if (!fidget_project_step_done (m->project, stmt, _("add the participant"), error) ||
      !record_change (m, FIDGET_MERGE_PARTICIPANT, "insert", uuid, NULL, code, error))
    return FALSE;
  return TRUE;
}

/* A project's own actions, matched by code; new ones go after the model's classes. */
#define ACTIONS_SQL \
  "SELECT value ->> '$.uuid', upper (value ->> '$.code'), " \
  "  value ->> '$.name', value ->> '$.description', " \
  "  value ->> '$.body_part', value ->> '$.created_us' " \
  "FROM json_each (?1, '$.actions')"

static gboolean
merge_action (Merge         *m,
              sqlite3_stmt  *each,
              guint          index,
              GError       **error)
{
  sqlite3_stmt *stmt;
  const char *uuid, *code;
  gint64 id, part_id;

  if (!need_uuid (each, 0, _("action"), index, "uuid", error) ||
      !need_text (each, 1, _("action"), index, "code", error) ||
      !need_text (each, 2, _("action"), index, "name", error) ||
      !need_text (each, 4, _("action"), index, "body_part", error))
    return FALSE;
  uuid = text (each, 0);
  code = text (each, 1);
  if ((id = lookup_id (m->project, "SELECT id FROM action WHERE code = ?1", code, error)) < 0)
    return FALSE;
  if (id > 0)
    return TRUE;
  if ((part_id = lookup_id (m->project, "SELECT id FROM body_part WHERE code = ?1",
                            text (each, 4), error)) < 0)
    return FALSE;
  if (part_id == 0 || !g_str_has_prefix (code, text (each, 4)))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The package's action %s belongs to the body part “%s”, which this "
                     "project does not have"),
                   code, text (each, 4));
      return FALSE;
    }
  if ((id = lookup_id (m->project, "SELECT id FROM action WHERE uuid = ?1", uuid, error)) < 0)
    return FALSE;
  stmt = fidget_project_prepare (m->project,
                                 "INSERT INTO action (uuid, code, name, description, "
                                 "  body_part_id, model_index, position, created_us) "
                                 "SELECT ?1, ?2, ?3, ?4, ?5, NULL, "
                                 "  1 + coalesce (max (position), 0), ?6 FROM action",
                                 error);
  if (stmt == NULL)
    return FALSE;
  if (id == 0)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_text (stmt, 1, g_uuid_string_random (), -1, g_free);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text (each, 2), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, text (each, 3) != NULL ? text (each, 3) : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, part_id);
  sqlite3_bind_int64 (stmt, 6, sqlite3_column_type (each, 5) == SQLITE_INTEGER
                                 ? sqlite3_column_int64 (each, 5) : g_get_real_time ());
  if (!fidget_project_step_done (m->project, stmt, _("add the action"), error) ||
      !record_change (m, FIDGET_MERGE_ACTION, "insert", uuid, NULL, code, error))
    return FALSE;
  return TRUE;
}

/* Videos are facts a probe measured: added when missing (by UUID, or by content for one
 * imported on both sides), never changed. */
#define VIDEOS_SQL \
  "SELECT value ->> '$.uuid', value ->> '$.content_hash', " \
  "  value ->> '$.participant', value ->> '$.size_bytes', " \
  "  value ->> '$.container', value ->> '$.video_codec', " \
  "  value ->> '$.width', value ->> '$.height', " \
  "  value ->> '$.fps_num', value ->> '$.fps_den', " \
  "  value ->> '$.frame_count', value ->> '$.duration_ns', " \
  "  value ->> '$.has_audio', value ->> '$.imported_us' " \
  "FROM json_each (?1, '$.videos')"

static gboolean
merge_video (Merge         *m,
             sqlite3_stmt  *each,
             guint          index,
             GError       **error)
{
  static const char *const ints[] = { "size_bytes", NULL, NULL, "width", "height",
                                      "fps_num", "fps_den", "frame_count", "duration_ns",
                                      "has_audio", "imported_us" };
  g_autofree char *image = NULL;
  sqlite3_stmt *stmt;
  const char *uuid, *hash, *path;
  gint64 id, participant_id = 0;

  if (!need_uuid (each, 0, _("video"), index, "uuid", error) ||
      !need_text (each, 1, _("video"), index, "content_hash", error))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (ints); k++)
    if (ints[k] != NULL && !need_int (each, 3 + (int) k, _("video"), index, ints[k], error))
      return FALSE;
  uuid = text (each, 0);
  hash = text (each, 1);
  if (!g_str_has_prefix (hash, "sha256:") || strlen (hash) != 7 + 64)
    {
      malformed (error, _("video"), index, _("has a malformed content hash"));
      return FALSE;
    }
  if ((id = lookup_id (m->project, "SELECT id FROM video WHERE uuid = ?1", uuid, error)) < 0 ||
      (id == 0 && (id = lookup_id (m->project,
                                   "SELECT id FROM video WHERE content_hash = ?1", hash,
                                   error)) < 0))
    return FALSE;
  if (id > 0)
    {
      g_hash_table_insert (m->videos, g_strdup (uuid), g_memdup2 (&id, sizeof id));
      return TRUE;
    }

  path = m->options->video_paths != NULL
         ? g_hash_table_lookup (m->options->video_paths, uuid) : NULL;
  if (path == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("The package's video %s is new to this project and has no file "
                     "to point at"),
                   uuid);
      return FALSE;
    }
  if (text (each, 2) != NULL &&
      (participant_id = lookup_id (m->project, "SELECT id FROM participant WHERE code = ?1",
                                   text (each, 2), error)) <= 0)
    {
      if (participant_id == 0)
        malformed (error, _("video"), index, _("names a participant the package lacks"));
      return FALSE;
    }
  stmt = fidget_project_prepare (m->project,
                                 "INSERT INTO video (id, uuid, participant_id, path, "
                                 "  content_hash, size_bytes, container, video_codec, "
                                 "  width, height, fps_num, fps_den, frame_count, "
                                 "  duration_ns, has_audio, imported_by, imported_us) "
                                 "VALUES (" FIDGET_PROJECT_NEXT_VIDEO_ID ", ?1, ?2, ?3, ?4, "
                                 "  ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (participant_id > 0)
    sqlite3_bind_int64 (stmt, 2, participant_id);
  sqlite3_bind_text (stmt, 3, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, sqlite3_column_int64 (each, 3));
  bind_text_or_null (stmt, 6, text (each, 4));
  bind_text_or_null (stmt, 7, text (each, 5));
  for (int k = 6; k <= 12; k++)
    sqlite3_bind_int64 (stmt, k + 2, sqlite3_column_int64 (each, k));
  bind_text_or_null (stmt, 15, fidget_project_get_actor (m->project));
  sqlite3_bind_int64 (stmt, 16, sqlite3_column_int64 (each, 13));
  if (!fidget_project_step_done (m->project, stmt, _("add the video"), error))
    return FALSE;
  id = sqlite3_last_insert_rowid (fidget_project_get_db (m->project));
  g_hash_table_insert (m->videos, g_strdup (uuid), g_memdup2 (&id, sizeof id));
  if (!(image = row_image (m, "SELECT json_object ('path', path, 'content_hash', "
                              "  content_hash, 'frames', frame_count) "
                              "FROM video WHERE uuid = ?1", uuid, error)) ||
      !record_change (m, FIDGET_MERGE_VIDEO, "insert", uuid, image, path, error))
    return FALSE;
  return TRUE;
}

static gint64
video_id (Merge       *m,
          const char  *uuid,
          const char  *what,
          guint        index,
          GError     **error)
{
  gint64 *id = uuid != NULL ? g_hash_table_lookup (m->videos, uuid) : NULL;

  if (id == NULL)
    {
      malformed (error, what, index, _("names a video the package does not hold"));
      return 0;
    }
  return *id;
}

static gint64
person_in_records (Merge       *m,
                   const char  *name,
                   const char  *what,
                   guint        index,
                   GError     **error)
{
  gint64 id = name != NULL ? annotator_id (m->project, name, error) : 0;

  if (id == 0)
    malformed (error, what, index, _("names a person the package does not hold"));
  return id;
}

static gboolean
write_checkers (Merge        *m,
                gint64        video,
                const char   *checkers,
                gboolean      keep_person_submitted,
                guint         index,
                GError      **error)
{
  sqlite3_stmt *stmt, *each;
  gint64 kept = 0;
  int rc;

  /* The person's own "submitted" survives a newer assignment row that does not know it. */
  stmt = fidget_project_prepare (m->project,
                                 "SELECT submitted_us FROM review_checker "
                                 "WHERE video_id = ?1 AND annotator_id = ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video);
  sqlite3_bind_int64 (stmt, 2, m->person_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    kept = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = fidget_project_prepare (m->project, "DELETE FROM review_checker WHERE video_id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video);
  if (!fidget_project_step_done (m->project, stmt, _("write the review"), error))
    return FALSE;

  each = fidget_project_prepare (m->project,
                                 "SELECT value ->> '$.name', value ->> '$.position', "
                                 "  value ->> '$.submitted_us' FROM json_each (?1)",
                                 error);
  if (each == NULL)
    return FALSE;
  sqlite3_bind_text (each, 1, checkers, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (each)) == SQLITE_ROW)
    {
      gint64 id = person_in_records (m, text (each, 0), _("review"), index, error);

      if (id <= 0)
        {
          sqlite3_reset (each);
          return FALSE;
        }
      stmt = fidget_project_prepare (m->project,
                                     "INSERT INTO review_checker (video_id, annotator_id, "
                                     "  position, submitted_us) VALUES (?1, ?2, ?3, ?4)",
                                     error);
      if (stmt == NULL)
        {
          sqlite3_reset (each);
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 1, video);
      sqlite3_bind_int64 (stmt, 2, id);
      sqlite3_bind_int64 (stmt, 3, sqlite3_column_int64 (each, 1));
      if (sqlite3_column_type (each, 2) == SQLITE_INTEGER)
        sqlite3_bind_int64 (stmt, 4, sqlite3_column_int64 (each, 2));
      else if (id == m->person_id && keep_person_submitted && kept != 0)
        sqlite3_bind_int64 (stmt, 4, kept);
      if (!fidget_project_step_done (m->project, stmt, _("write the review"), error))
        {
          sqlite3_reset (each);
          return FALSE;
        }
    }
  sqlite3_reset (each);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (m->project, error, rc, _("read the package's records"));
  return TRUE;
}

static gboolean
drop_round (Merge   *m,
            gint64   video,
            GError **error)
{
  static const char *const drops[] = {
    "DELETE FROM review_dispute WHERE video_id = ?1",
    "DELETE FROM consensus_segment WHERE video_id = ?1",
    "DELETE FROM review_decision WHERE video_id = ?1",
    "DELETE FROM review_confirmation WHERE segment_id IN "
    "  (SELECT id FROM segment WHERE video_id = ?1)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (drops); i++)
    {
      sqlite3_stmt *stmt = fidget_project_prepare (m->project, drops[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, video);
      if (!fidget_project_step_done (m->project, stmt, _("start the new review round"), error))
        return FALSE;
    }
  return TRUE;
}

/* Does the package's review round of @video match this project's? A return's
 * confirmations and decisions of an earlier round are stale: that round was reopened. */
static gboolean
same_round (Merge   *m,
            gint64   video)
{
  gint64 *round = g_hash_table_lookup (m->rounds, &video);
  sqlite3_stmt *stmt;
  gboolean same = FALSE;

  if (round == NULL)
    return FALSE;
  stmt = fidget_project_prepare (m->project, "SELECT round FROM review WHERE video_id = ?1",
                                 NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    same = sqlite3_column_int64 (stmt, 0) == *round;
  sqlite3_reset (stmt);
  return same;
}

/* Assignment rows: the coordinator's are the reference (added, or replaced when newer: a
 * later round or a later change); a return only adds a missing one. */
#define REVIEWS_SQL \
  "SELECT value ->> '$.video', value ->> '$.uuid', " \
  "  value ->> '$.state', value ->> '$.primary', " \
  "  value ->> '$.reviewer', value ->> '$.round', " \
  "  value ->> '$.assigned_by', value ->> '$.assigned_us', " \
  "  value ->> '$.changed_us', value -> '$.checkers' " \
  "FROM json_each (?1, '$.reviews')"

static gboolean
merge_review (Merge         *m,
              sqlite3_stmt  *each,
              guint          index,
              GError       **error)
{
  static const char *const states[] = { "annotating", "self-checked", "cross-checking",
                                         "disputed", "consensus", "verified" };
  g_autofree char *image = NULL;
  sqlite3_stmt *stmt;
  gint64 video, primary, reviewer, local_round, local_changed, local[2] = { 0, 0 };
  gboolean exists, known_state = FALSE;
  int found;
  const char *uuid;

  if (!need_uuid (each, 1, _("review"), index, "uuid", error) ||
      !need_text (each, 2, _("review"), index, "state", error) ||
      !need_int (each, 5, _("review"), index, "round", error) ||
      !need_int (each, 7, _("review"), index, "assigned_us", error) ||
      !need_int (each, 8, _("review"), index, "changed_us", error) ||
      !need_text (each, 9, _("review"), index, "checkers", error) ||
      (video = video_id (m, text (each, 0), _("review"), index, error)) == 0 ||
      (primary = person_in_records (m, text (each, 3), _("review"), index, error)) <= 0 ||
      (reviewer = person_in_records (m, text (each, 4), _("review"), index, error)) <= 0)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (states); k++)
    known_state |= strcmp (text (each, 2), states[k]) == 0;
  if (!known_state)
    {
      malformed (error, _("review"), index, _("has an unknown state"));
      return FALSE;
    }
  uuid = text (each, 1);
  g_hash_table_insert (m->rounds, g_memdup2 (&video, sizeof video),
                       g_memdup2 (&(gint64) { sqlite3_column_int64 (each, 5) },
                                  sizeof (gint64)));

  found = lookup_row (m->project, "SELECT round, changed_us FROM review WHERE video_id = ?1",
                      NULL, &video, 1, local, 2, error);
  if (found < 0)
    return FALSE;
  exists = found > 0;
  local_round = local[0];
  local_changed = local[1];

  if (exists &&
      (m->options->direction == FIDGET_PACKAGE_RETURN ||
       sqlite3_column_int64 (each, 5) < local_round ||
       (sqlite3_column_int64 (each, 5) == local_round &&
        sqlite3_column_int64 (each, 8) <= local_changed)))
    return TRUE;

  /* A new round at the coordinator's (the reviewer reopened the video): what this copy
   * holds of the earlier round goes, as it went there. */
  if (exists && sqlite3_column_int64 (each, 5) > local_round &&
      !drop_round (m, video, error))
    return FALSE;

  if (exists)
    stmt = fidget_project_prepare (m->project,
                                   "UPDATE review SET state = ?3, primary_id = ?4, "
                                   "  reviewer_id = ?5, round = ?6, assigned_by = ?7, "
                                   "  assigned_us = ?8, changed_us = ?9 WHERE video_id = ?1",
                                   error);
  else
    stmt = fidget_project_prepare (m->project,
                                   "INSERT INTO review (video_id, uuid, state, primary_id, "
                                   "  reviewer_id, round, assigned_by, assigned_us, "
                                   "  changed_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video);
  if (!exists)
    sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text (each, 2), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, primary);
  sqlite3_bind_int64 (stmt, 5, reviewer);
  sqlite3_bind_int64 (stmt, 6, sqlite3_column_int64 (each, 5));
  bind_text_or_null (stmt, 7, text (each, 6));
  sqlite3_bind_int64 (stmt, 8, sqlite3_column_int64 (each, 7));
  sqlite3_bind_int64 (stmt, 9, sqlite3_column_int64 (each, 8));
  if (!fidget_project_step_done (m->project, stmt, _("write the review"), error) ||
      !write_checkers (m, video, text (each, 9),
                       exists && sqlite3_column_int64 (each, 5) == local_round, index,
                       error))
    return FALSE;

  stmt = fidget_project_prepare (m->project,
                                 "SELECT json_object ('video', video_id, 'uuid', uuid, "
                                 "  'state', state, 'round', round, 'changed_us', "
                                 "  changed_us) FROM review WHERE video_id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video);
  if (!query_text (m->project, stmt, &image, error) ||
      !record_change (m, FIDGET_MERGE_REVIEW, exists ? "update" : "insert", uuid, image,
                      text (each, 2), error))
    return FALSE;
  return TRUE;
}

/* Is the row of @owner_id the package's person's? */
static gboolean
is_persons (Merge  *m,
            gint64  owner_id)
{
  return owner_id == m->person_id;
}

/* May the change of one of the person's rows land here? In a return it must pass the review
 * rules as if the person made it on this machine; the coordinator's rows are not checked. */
static gboolean
check_rules (Merge       *m,
             gint64       video,
             const char  *what,
             GError     **error)
{
  if (m->options->direction != FIDGET_PACKAGE_RETURN)
    return TRUE;
  return fidget_review_check_segment_edit (m->project, video, m->person_id, m->options->person,
                                           what, error);
}

/* Does the package's version of a row replace this project's (@exists) one? Owned rows are
 * the person's in a return, and theirs to keep in an assignment; then the newer one wins. */
static gboolean
package_wins (Merge    *m,
              gboolean  exists,
              gboolean  owned,
              gint64    package_us,
              gint64    local_us)
{
  return !exists ||
         (owned == (m->options->direction == FIDGET_PACKAGE_RETURN) && package_us > local_us);
}

static gboolean
merge_confirmation (Merge         *m,
                    sqlite3_stmt  *each,
                    gint64         video,
                    gint64         owner,
                    guint          index,
                    GError       **error)
{
  const char *uuid = text (each, 0);
  g_autofree char *image = NULL;
  sqlite3_stmt *stmt;
  gint64 segment_id, local_confirmed = 0;
  gboolean exists, owned = is_persons (m, owner);
  int found;

  if (sqlite3_column_type (each, 11) == SQLITE_NULL ||
      (m->options->direction == FIDGET_PACKAGE_RETURN && !same_round (m, video)))
    return TRUE;
  if (!need_int (each, 11, _("segment"), index, "confirmation.segment_modified_us", error) ||
      !need_int (each, 12, _("segment"), index, "confirmation.confirmed_us", error))
    return FALSE;
  if ((segment_id = lookup_id (m->project, "SELECT id FROM segment WHERE uuid = ?1", uuid,
                               error)) <= 0)
    return segment_id == 0;   /* a segment this package did not add (not the person's) */

  found = lookup_row (m->project,
                      "SELECT confirmed_us FROM review_confirmation WHERE segment_id = ?1",
                      NULL, &segment_id, 1, &local_confirmed, 1, error);
  if (found < 0)
    return FALSE;
  exists = found > 0;

  if (!package_wins (m, exists, owned, sqlite3_column_int64 (each, 12), local_confirmed))
    return TRUE;
  if (owned && !check_rules (m, video, _("import a self-check confirmation"), error))
    return FALSE;

  stmt = fidget_project_prepare (m->project,
                                 "INSERT INTO review_confirmation (segment_id, "
                                 "  segment_modified_us, confirmed_us) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT (segment_id) DO UPDATE SET "
                                 "  segment_modified_us = excluded.segment_modified_us, "
                                 "  confirmed_us = excluded.confirmed_us",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  sqlite3_bind_int64 (stmt, 2, sqlite3_column_int64 (each, 11));
  sqlite3_bind_int64 (stmt, 3, sqlite3_column_int64 (each, 12));
  if (!fidget_project_step_done (m->project, stmt, _("write the self-check"), error))
    return FALSE;
  image = g_strdup_printf ("{\"segment\":\"%s\",\"segment_modified_us\":%" G_GINT64_FORMAT
                           ",\"confirmed_us\":%" G_GINT64_FORMAT "}",
                           uuid, (gint64) sqlite3_column_int64 (each, 11),
                           (gint64) sqlite3_column_int64 (each, 12));
  return record_change (m, FIDGET_MERGE_CONFIRMATION, exists ? "update" : "insert", uuid, image,
                        NULL, error);
}

#define SEGMENTS_SQL \
  "SELECT value ->> '$.uuid', value ->> '$.video', " \
  "  value ->> '$.annotator', value ->> '$.start_frame', " \
  "  value ->> '$.end_frame', upper (value ->> '$.action'), " \
  "  value ->> '$.emotion', value ->> '$.note', " \
  "  value ->> '$.flagged', value ->> '$.created_us', " \
  "  value ->> '$.modified_us', " \
  "  value ->> '$.confirmation.segment_modified_us', " \
  "  value ->> '$.confirmation.confirmed_us' " \
  "FROM json_each (?1, '$.segments')"

static gboolean
merge_segment (Merge         *m,
               sqlite3_stmt  *each,
               guint          index,
               GError       **error)
{
  static const char *const emotions[] = { "joy", "sadness", "surprise", "fear", "anger" };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *summary = NULL;
  sqlite3_stmt *stmt;
  const char *uuid, *emotion;
  gint64 video, owner, action, frames = 0, start, end;
  gint64 local[3] = { 0, 0, 0 };   /* annotator_id, video_id, modified_us */
  gboolean exists, owned, emotion_ok;
  int found;

  if (!need_uuid (each, 0, _("segment"), index, "uuid", error) ||
      !need_int (each, 3, _("segment"), index, "start_frame", error) ||
      !need_int (each, 4, _("segment"), index, "end_frame", error) ||
      !need_text (each, 5, _("segment"), index, "action", error) ||
      !need_int (each, 9, _("segment"), index, "created_us", error) ||
      !need_int (each, 10, _("segment"), index, "modified_us", error) ||
      (video = video_id (m, text (each, 1), _("segment"), index, error)) == 0 ||
      (owner = person_in_records (m, text (each, 2), _("segment"), index, error)) <= 0)
    return FALSE;
  uuid = text (each, 0);
  owned = is_persons (m, owner);
  /* A return carries the person's rows only: anything else is not theirs to give. */
  if (!owned && m->options->direction == FIDGET_PACKAGE_RETURN)
    return TRUE;

  emotion = text (each, 6);
  emotion_ok = emotion == NULL;
  for (guint k = 0; k < G_N_ELEMENTS (emotions); k++)
    emotion_ok |= g_strcmp0 (emotion, emotions[k]) == 0;
  if (!emotion_ok)
    {
      malformed (error, _("segment"), index, _("has an unknown emotion"));
      return FALSE;
    }
  if ((action = lookup_id (m->project, "SELECT id FROM action WHERE code = ?1",
                           text (each, 5), error)) <= 0)
    {
      if (action == 0)
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("The package's segment %s is labelled %s, an action this project "
                       "does not have"),
                     uuid, text (each, 5));
      return FALSE;
    }
  stmt = fidget_project_prepare (m->project, "SELECT frame_count FROM video WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    frames = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  start = sqlite3_column_int64 (each, 3);
  end = sqlite3_column_int64 (each, 4);
  if (start < 0 || end <= start || end > frames)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The package's segment %s spans frames [%" G_GINT64_FORMAT ", %"
                     G_GINT64_FORMAT "), outside its video's %" G_GINT64_FORMAT " frames"),
                   uuid, start, end, frames);
      return FALSE;
    }

  found = lookup_row (m->project,
                      "SELECT annotator_id, video_id, modified_us FROM segment WHERE uuid = ?1",
                      uuid, NULL, 0, local, 3, error);
  if (found < 0)
    return FALSE;
  exists = found > 0;
  if (exists && (local[0] != owner || local[1] != video))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT,
                   _("The package's segment %s is someone else's or on another video here"),
                   uuid);
      return FALSE;
    }

  if (package_wins (m, exists, owned, sqlite3_column_int64 (each, 10), local[2]))
    {
      if (owned && !check_rules (m, video, exists ? _("import a changed segment")
                                                  : _("import a new segment"), error))
        return FALSE;
      if (exists && !(before = row_image (m, SEGMENT_IMAGE_SQL, uuid, error)))
        return FALSE;
      stmt = fidget_project_prepare (m->project,
                                     "INSERT INTO segment (uuid, video_id, annotator_id, "
                                     "  start_frame, end_frame, action_id, emotion, note, "
                                     "  flagged, created_us, modified_us) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                                     "ON CONFLICT (uuid) DO UPDATE SET "
                                     "  start_frame = excluded.start_frame, "
                                     "  end_frame = excluded.end_frame, "
                                     "  action_id = excluded.action_id, "
                                     "  emotion = excluded.emotion, note = excluded.note, "
                                     "  flagged = excluded.flagged, "
                                     "  modified_us = excluded.modified_us",
                                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, video);
      sqlite3_bind_int64 (stmt, 3, owner);
      sqlite3_bind_int64 (stmt, 4, start);
      sqlite3_bind_int64 (stmt, 5, end);
      sqlite3_bind_int64 (stmt, 6, action);
      bind_text_or_null (stmt, 7, emotion);
      sqlite3_bind_text (stmt, 8, text (each, 7) != NULL ? text (each, 7) : "", -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 9, sqlite3_column_int64 (each, 8) != 0);
      sqlite3_bind_int64 (stmt, 10, sqlite3_column_int64 (each, 9));
      sqlite3_bind_int64 (stmt, 11, sqlite3_column_int64 (each, 10));
      if (!fidget_project_step_done (m->project, stmt, _("write the segment"), error) ||
          !(after = row_image (m, SEGMENT_IMAGE_SQL, uuid, error)))
        return FALSE;
      summary = g_strdup_printf ("%s %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                                 text (each, 2), text (each, 5), start, end);
      if (!record_change (m, FIDGET_MERGE_SEGMENT, exists ? "update" : "insert", uuid,
                          after, summary, error))
        return FALSE;
    }

  if (!merge_confirmation (m, each, video, owner, index, error))
    return FALSE;
  return TRUE;
}

#define DECISIONS_SQL \
  "SELECT value ->> '$.uuid', value ->> '$.video', " \
  "  value ->> '$.checker', value ->> '$.segment', " \
  "  value ->> '$.decision', upper (value ->> '$.action'), " \
  "  value ->> '$.start_frame', value ->> '$.end_frame', " \
  "  value ->> '$.decided_us' " \
  "FROM json_each (?1, '$.decisions')"

static gboolean
merge_decision (Merge         *m,
                sqlite3_stmt  *each,
                guint          index,
                GError       **error)
{
  static const char *const kinds[] = { "agree", "relabel", "adjust", "reject" };
  g_autofree char *image = NULL;
  g_autofree char *summary = NULL;
  sqlite3_stmt *stmt;
  const char *uuid, *kind;
  gint64 video, checker, segment_id, segment_owner, primary, action = 0;
  gint64 segment[3] = { 0, 0, 0 };   /* id, annotator_id, the review's primary_id */
  gint64 local_decided = 0;
  gboolean exists, owned, kind_ok = FALSE, reject;
  int found;

  if (!need_uuid (each, 0, _("decision"), index, "uuid", error) ||
      !need_uuid (each, 3, _("decision"), index, "segment", error) ||
      !need_text (each, 4, _("decision"), index, "decision", error) ||
      !need_int (each, 8, _("decision"), index, "decided_us", error) ||
      (video = video_id (m, text (each, 1), _("decision"), index, error)) == 0 ||
      (checker = person_in_records (m, text (each, 2), _("decision"), index, error)) <= 0)
    return FALSE;
  uuid = text (each, 0);
  kind = text (each, 4);
  owned = is_persons (m, checker);
  if (!owned && m->options->direction == FIDGET_PACKAGE_RETURN)
    return TRUE;
  if (m->options->direction == FIDGET_PACKAGE_RETURN && !same_round (m, video))
    return TRUE;   /* a decision of a round since reopened */
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    kind_ok |= strcmp (kind, kinds[k]) == 0;
  reject = g_strcmp0 (kind, "reject") == 0;
  if (!kind_ok ||
      (!reject && (sqlite3_column_type (each, 5) != SQLITE_TEXT ||
                   sqlite3_column_type (each, 6) != SQLITE_INTEGER ||
                   sqlite3_column_type (each, 7) != SQLITE_INTEGER ||
                   sqlite3_column_int64 (each, 6) < 0 ||
                   sqlite3_column_int64 (each, 7) <= sqlite3_column_int64 (each, 6))))
    {
      malformed (error, _("decision"), index, _("is not a valid decision"));
      return FALSE;
    }
  if (!reject &&
      (action = lookup_id (m->project, "SELECT id FROM action WHERE code = ?1",
                           text (each, 5), error)) <= 0)
    {
      if (action == 0)
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("The package's decision %s names %s, an action this project does "
                       "not have"),
                     uuid, text (each, 5));
      return FALSE;
    }

  if (lookup_row (m->project,
                  "SELECT s.id, s.annotator_id, r.primary_id FROM segment s "
                  "LEFT JOIN review r ON r.video_id = s.video_id "
                  "WHERE s.uuid = ?1 AND s.video_id = ?2",
                  text (each, 3), &video, 1, segment, 3, error) < 0)
    return FALSE;
  segment_id = segment[0];
  segment_owner = segment[1];
  primary = segment[2];
  if (segment_id == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT,
                   _("The package's decision %s is on segment %s, which is no longer in "
                     "this project: import the newest assignment into the copy it came "
                     "from, then send the work again"),
                   uuid, text (each, 3));
      return FALSE;
    }
  if (segment_owner != primary)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT,
                   _("The package's decision %s is on segment %s, which is not one of the "
                     "primary annotator's segments of that video here"),
                   uuid, text (each, 3));
      return FALSE;
    }

  found = lookup_row (m->project,
                      "SELECT decided_us FROM review_decision "
                      "WHERE checker_id = ?1 AND segment_id = ?2",
                      NULL, (gint64[]) { checker, segment_id }, 2, &local_decided, 1, error);
  if (found < 0)
    return FALSE;
  exists = found > 0;

  if (!package_wins (m, exists, owned, sqlite3_column_int64 (each, 8), local_decided))
    return TRUE;
  if (owned && !check_rules (m, video, _("import a cross-check decision"), error))
    return FALSE;

  stmt = fidget_project_prepare (m->project,
                                 "INSERT INTO review_decision (uuid, video_id, checker_id, "
                                 "  segment_id, decision, action_id, start_frame, "
                                 "  end_frame, decided_us) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                                 "ON CONFLICT (checker_id, segment_id) DO UPDATE SET "
                                 "  decision = excluded.decision, "
                                 "  action_id = excluded.action_id, "
                                 "  start_frame = excluded.start_frame, "
                                 "  end_frame = excluded.end_frame, "
                                 "  decided_us = excluded.decided_us",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, video);
  sqlite3_bind_int64 (stmt, 3, checker);
  sqlite3_bind_int64 (stmt, 4, segment_id);
  sqlite3_bind_text (stmt, 5, kind, -1, SQLITE_TRANSIENT);
  if (!reject)
    {
      sqlite3_bind_int64 (stmt, 6, action);
      sqlite3_bind_int64 (stmt, 7, sqlite3_column_int64 (each, 6));
      sqlite3_bind_int64 (stmt, 8, sqlite3_column_int64 (each, 7));
    }
  sqlite3_bind_int64 (stmt, 9, sqlite3_column_int64 (each, 8));
  if (!fidget_project_step_done (m->project, stmt, _("write the decision"), error))
    return FALSE;
  {
    g_autoptr(GString) json = g_string_new ("{\"video_id\":");

    g_string_append_printf (json, "%" G_GINT64_FORMAT ",\"segment\":", video);
    json_quote (json, text (each, 3));
    g_string_append (json, ",\"checker\":");
    json_quote (json, text (each, 2));
    g_string_append (json, ",\"decision\":");
    json_quote (json, kind);
    if (!reject)
      {
        g_string_append (json, ",\"action\":");
        json_quote (json, text (each, 5));
        g_string_append_printf (json, ",\"start_frame\":%" G_GINT64_FORMAT
                                ",\"end_frame\":%" G_GINT64_FORMAT,
                                (gint64) sqlite3_column_int64 (each, 6),
                                (gint64) sqlite3_column_int64 (each, 7));
      }
    g_string_append_printf (json, ",\"decided_us\":%" G_GINT64_FORMAT "}",
                            (gint64) sqlite3_column_int64 (each, 8));
    image = g_string_free (g_steal_pointer (&json), FALSE);
  }
  summary = g_strdup_printf ("%s: %s", text (each, 2), kind);
  if (!record_change (m, FIDGET_MERGE_DECISION, exists ? "update" : "insert", uuid, image,
                      summary, error))
    return FALSE;
  return TRUE;
}

static gboolean
drop_decisions_on (Merge       *m,
                   const char  *segment_uuid,
                   GError     **error)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fidget_project_prepare (m->project,
                                 "SELECT d.uuid, json_object ('video_id', d.video_id, "
                                 "  'segment', s.uuid, 'checker_id', d.checker_id, "
                                 "  'decision', d.decision, 'decided_us', d.decided_us) "
                                 "FROM review_decision d JOIN segment s ON s.id = d.segment_id "
                                 "WHERE s.uuid = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, segment_uuid, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (uuids, column_dup (stmt, 0));
      g_ptr_array_add (images, column_dup (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fidget_project_sqlite_error (m->project, error, rc, _("read the decisions"));

  for (guint i = 0; i < uuids->len; i++)
    {
      stmt = fidget_project_prepare (m->project, "DELETE FROM review_decision WHERE uuid = ?1",
                                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (uuids, i), -1, SQLITE_TRANSIENT);
      if (!fidget_project_step_done (m->project, stmt, _("delete the decision"), error) ||
          !record_change (m, FIDGET_MERGE_DECISION, "delete", g_ptr_array_index (uuids, i),
                          g_ptr_array_index (images, i), NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* A deletion travels as a tombstone: in a return it removes the person's row, in an
 * assignment a row that is not theirs. */
#define TOMBSTONES_SQL \
  "SELECT value ->> '$.uuid', value ->> '$.video' " \
  "FROM json_each (?1, '$.tombstones')"

static gboolean
merge_tombstone (Merge         *m,
                 sqlite3_stmt  *each,
                 guint          index,
                 GError       **error)
{
  g_autofree char *before = NULL;
  sqlite3_stmt *stmt;
  const char *uuid;
  gint64 video, local[2] = { 0, 0 };   /* annotator_id, video_id */
  int found;

  if (!need_uuid (each, 0, _("tombstone"), index, "uuid", error) ||
      (video = video_id (m, text (each, 1), _("tombstone"), index, error)) == 0)
    return FALSE;
  uuid = text (each, 0);
  found = lookup_row (m->project, "SELECT annotator_id, video_id FROM segment WHERE uuid = ?1",
                      uuid, NULL, 0, local, 2, error);
  if (found < 0)
    return FALSE;
  if (found == 0 || local[1] != video ||
      is_persons (m, local[0]) != (m->options->direction == FIDGET_PACKAGE_RETURN))
    return TRUE;
  if (is_persons (m, local[0]) && !check_rules (m, video, _("import a deletion"), error))
    return FALSE;
  if (!(before = row_image (m, SEGMENT_IMAGE_SQL, uuid, error)))
    return FALSE;
  /* Decisions on a segment that is gone have nothing left to decide on (a copy can hold
   * them when the primary took the self-check back): they go with it, each logged. */
  if (!drop_decisions_on (m, uuid, error))
    return FALSE;
  stmt = fidget_project_prepare (m->project, "DELETE FROM segment WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (!fidget_project_step_done (m->project, stmt, _("delete the segment"), error) ||
      !record_change (m, FIDGET_MERGE_SEGMENT, "delete", uuid, before, NULL, error))
    return FALSE;
  return TRUE;
}

FidgetMergeReport *
fidget_project_merge_import (FidgetProject             *project,
                             const char                *records,
                             const FidgetMergeOptions  *options,
                             GError                   **error)
{
  g_autoptr(FidgetMergeReport) report = fidget_merge_report_new ();
  g_autoptr(GHashTable) videos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) rounds = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        g_free);
  g_autofree char *saved_actor = NULL;
  g_autoptr(GString) detail = NULL;
  const char *what = _("import the work package");
  Merge m = { project, options, records, report, 0, videos, rounds };
  gboolean ok;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (options != NULL && options->person != NULL, NULL);

  if (!fidget_project_begin (project, what, error))
    return NULL;

  /* A return is the person's own work: the rules see them acting, the log names them. */
  saved_actor = g_strdup (fidget_project_get_actor (project));
  if (options->direction == FIDGET_PACKAGE_RETURN)
    fidget_project_set_actor (project, options->person);

  ok = merge_each (&m, ANNOTATORS_SQL, merge_annotator, error);
  if (ok && (m.person_id = annotator_id (project, options->person, error)) <= 0)
    {
      if (m.person_id == 0)
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                     _("The work package is for %s, who is not an annotator of “%s”"),
                     options->person, fidget_project_get_display_name (project));
      ok = FALSE;
    }
  ok = ok &&
       merge_each (&m, PARTICIPANTS_SQL, merge_participant, error) &&
       merge_each (&m, ACTIONS_SQL, merge_action, error) &&
       merge_each (&m, VIDEOS_SQL, merge_video, error) &&
       merge_each (&m, REVIEWS_SQL, merge_review, error) &&
       merge_each (&m, SEGMENTS_SQL, merge_segment, error) &&
       merge_each (&m, DECISIONS_SQL, merge_decision, error) &&
       merge_each (&m, TOMBSTONES_SQL, merge_tombstone, error);

  if (ok && report->n_changes > 0)
    {
      detail = g_string_new ("{\"package\":");
      json_quote (detail, options->package_name != NULL ? options->package_name : "");
      g_string_append (detail, ",\"person\":");
      json_quote (detail, options->person);
      g_string_append_printf (detail, ",\"direction\":\"%s\",\"changes\":%u}",
                              fidget_package_direction_to_string (options->direction),
                              report->n_changes);
      ok = fidget_project_audit (project, "import", "package", options->package_uuid,
                                 detail->str, error);
    }

  if (!ok || options->dry_run)
    fidget_project_rollback (project);
  else
    ok = fidget_project_commit (project, what, error);
  fidget_project_set_actor (project, saved_actor);
  if (!ok)
    return NULL;

  if (!options->dry_run && report->n_changes > 0)
    fidget_project_merge_refresh (project);
  return g_steal_pointer (&report);
}

/* }}} */
