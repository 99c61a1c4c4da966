/* fidget-project.c: the project store
 *
 * One SQLite file in WAL mode. Every edit is one IMMEDIATE transaction with synchronous=FULL,
 * committed before the call returns: nothing is ever "unsaved", and a crash loses nothing that a
 * call reported as done. Each edit also writes an audit row and, for segments, an undo-log row
 * holding JSON images of the row before and after, so undo and redo survive a restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fidget-content-hash.h"
#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-review-private.h"
#include "fidget-schema.h"
#include "fidget-taxonomy-private.h"

#define DEFAULT_BUSY_TIMEOUT_MS 2000

struct _FidgetProject
{
  GObject         parent_instance;

  char           *path;       /* absolute */
  char           *dir;        /* the folder holding it: video paths are relative to it */
  char           *display;    /* its basename, for messages */
  char           *uuid;
  char           *actor;
  sqlite3        *db;
  FidgetTaxonomy *taxonomy;
  GHashTable     *statements; /* SQL text (static) -> sqlite3_stmt */
};

G_DEFINE_FINAL_TYPE (FidgetProject, fidget_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ACTOR,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Segment columns, in the order read_segment() expects them. */
#define SEGMENT_COLUMNS \
  "s.id, s.uuid, s.video_id, s.annotator_id, a.name, s.start_frame, s.end_frame, " \
  "s.action_id, s.emotion, s.note, s.flagged, s.created_us, s.modified_us"

#define VIDEO_COLUMNS \
  "v.id, v.uuid, v.participant_id, p.code, v.path, v.content_hash, v.size_bytes, " \
  "v.container, v.video_codec, v.width, v.height, v.fps_num, v.fps_den, v.frame_count, " \
  "v.duration_ns, v.has_audio, v.imported_us"

/* The JSON image of a segment row kept in the undo log. json_object() writes keys in this
 * order every time, so two images of the same values compare equal as strings. */
#define SEGMENT_IMAGE_SQL \
  "SELECT json_object ('id', id, 'uuid', uuid, 'video_id', video_id, " \
  "'annotator_id', annotator_id, 'start_frame', start_frame, 'end_frame', end_frame, " \
  "'action_id', action_id, 'emotion', emotion, 'note', note, 'flagged', flagged, " \
  "'created_us', created_us, 'modified_us', modified_us) FROM segment WHERE uuid = ?1"

/* {{{ Errors */

/* g_set_str() arrived in GLib 2.76; bookworm has 2.74. */
static gboolean
replace_str (char       **str,
             const char  *value)
{
  if (g_strcmp0 (*str, value) == 0)
    return FALSE;
  g_free (*str);
  *str = g_strdup (value);
  return TRUE;
}


static gboolean
set_error_from_sqlite (FidgetProject *self,
                       GError       **error,
                       int            rc,
                       const char    *what)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_LOCKED,
                   _("Cannot %s: “%s” is locked by another program; close it there and try again"),
                   what, self->display);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("Cannot %s: “%s” is damaged (%s); restore it from a backup"),
                   what, self->display, detail);
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_READ_ONLY,
                   _("Cannot %s: “%s” cannot be written (%s)"), what, self->display, detail);
      break;

    case SQLITE_FULL:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Cannot %s: the disk holding “%s” is full"), what, self->display);
      break;

    case SQLITE_CONSTRAINT:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot %s: %s"), what, detail);
      break;

    default:
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Cannot %s in “%s”: %s"), what, self->display, detail);
      break;
    }
  return FALSE;
}

/* }}} */
/* {{{ Statements and transactions */

/* Statements are prepared once and reused; @sql must be a string literal (its address is the
 * cache key). The statement comes back reset with its bindings cleared. */
static sqlite3_stmt *
prepare (FidgetProject *self,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, error, rc, _("read the project"));
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
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

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (FidgetProject *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_sqlite (self, error, rc, what);
  return TRUE;
}

static gboolean
exec (FidgetProject *self,
      const char    *sql,
      const char    *what,
      GError       **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_error_from_sqlite (self, error, rc, what);
  return TRUE;
}

/* IMMEDIATE takes the write lock at once, so a busy file fails here, before any work. */
static gboolean
begin (FidgetProject *self,
       const char    *what,
       GError       **error)
{
  return exec (self, "BEGIN IMMEDIATE", what, error);
}

static void
rollback (FidgetProject *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
commit (FidgetProject *self,
        const char    *what,
        GError       **error)
{
  if (!exec (self, "COMMIT", what, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Every change of state leaves a row here: who, when, what, on which row. */
static gboolean
audit (FidgetProject *self,
       const char    *operation,
       const char    *entity,
       const char    *entity_uuid,
       const char    *detail,
       GError       **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "INSERT INTO audit (at_us, actor, operation, entity, entity_uuid, detail) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  bind_text_or_null (stmt, 2, self->actor);
  sqlite3_bind_text (stmt, 3, operation, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, entity, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 5, entity_uuid);
  bind_text_or_null (stmt, 6, detail);
  return step_done (self, stmt, _("write the audit log"), error);
}

static void
emit_changed (FidgetProject *self,
              const char    *entity,
              gint64         video_id)
{
  g_signal_emit (self, signals[CHANGED], 0, entity, video_id);
}

/* }}} */
/* {{{ Opening and creating */

static gboolean
load_meta_and_taxonomy (FidgetProject *self,
                        GError       **error)
{
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self, "SELECT value FROM meta WHERE key = 'uuid'", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("“%s” is damaged: its project identity is missing"), self->display);
          return FALSE;
        }
      return set_error_from_sqlite (self, error, rc, _("read the project"));
    }
  g_free (self->uuid);
  self->uuid = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  stmt = prepare (self, "SELECT id, code, name, color FROM body_part ORDER BY position, id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    fidget_taxonomy_append_body_part (taxonomy,
                                      sqlite3_column_int64 (stmt, 0),
                                      (const char *) sqlite3_column_text (stmt, 1),
                                      (const char *) sqlite3_column_text (stmt, 2),
                                      (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_sqlite (self, error, rc, _("read the taxonomy"));

  stmt = prepare (self,
                  "SELECT a.id, a.code, a.name, a.description, b.code, a.model_index "
                  "FROM action a JOIN body_part b ON b.id = a.body_part_id "
                  "ORDER BY b.position, a.position, a.id",
                  error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    fidget_taxonomy_append_action (taxonomy,
                                   sqlite3_column_int64 (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1),
                                   (const char *) sqlite3_column_text (stmt, 2),
                                   (const char *) sqlite3_column_text (stmt, 3),
                                   (const char *) sqlite3_column_text (stmt, 4),
                                   sqlite3_column_type (stmt, 5) == SQLITE_NULL
                                     ? -1 : sqlite3_column_int (stmt, 5));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_sqlite (self, error, rc, _("read the taxonomy"));

  g_set_object (&self->taxonomy, taxonomy);
  return TRUE;
}

static gboolean
insert_default_taxonomy (FidgetProject *self,
                         GError       **error)
{
  gint64 now = g_get_real_time ();
  sqlite3_stmt *stmt;

  for (guint i = 0; i < fidget_ma52_n_body_parts; i++)
    {
      const FidgetBuiltinBodyPart *part = &fidget_ma52_body_parts[i];

      stmt = prepare (self,
                      "INSERT INTO body_part (code, name, color, position) VALUES (?1, ?2, ?3, ?4)",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, part->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, part->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, part->color, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, (int) i);
      if (!step_done (self, stmt, _("write the taxonomy"), error))
        return FALSE;
    }

  for (guint i = 0; i < fidget_ma52_n_actions; i++)
    {
      const FidgetBuiltinAction *action = &fidget_ma52_actions[i];
      g_autofree char *uuid = g_uuid_string_random ();

      stmt = prepare (self,
                      "INSERT INTO action (uuid, code, name, description, body_part_id, "
                      "  model_index, position, created_us) "
                      "SELECT ?1, ?2, ?3, ?4, id, ?5, ?6, ?7 FROM body_part WHERE code = ?8",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, action->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, action->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, action->description, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 5, action->model_index);
      sqlite3_bind_int (stmt, 6, (int) i);
      sqlite3_bind_int64 (stmt, 7, now);
      sqlite3_bind_text (stmt, 8, fidget_ma52_body_parts[action->body_part_index].code, -1,
                         SQLITE_STATIC);
      if (!step_done (self, stmt, _("write the taxonomy"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_meta (FidgetProject *self,
             GError       **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  const char *keys[] = { "uuid", "created_us", "created_with" };
  const char *values[] = { uuid, created, "Fidget " FIDGET_VERSION };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      sqlite3_stmt *stmt = prepare (self, "INSERT INTO meta (key, value) VALUES (?1, ?2)", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, keys[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, values[i], -1, SQLITE_STATIC);
      if (!step_done (self, stmt, _("write the project"), error))
        return FALSE;
    }
  return TRUE;
}

/* Reads a single integer PRAGMA. */
static gboolean
read_pragma_int (FidgetProject *self,
                 const char    *sql,
                 int           *value,
                 GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return set_error_from_sqlite (self, error, rc, _("open the project"));
  return TRUE;
}

/* What can be told before SQLite touches the file: is it there, is it a file, can it be
 * written, does it start like an SQLite database. Root passes access(2) checks for files
 * without write permission, so the mode bits are checked too: a file someone marked
 * read-only stays read-only. */
static gboolean
check_existing_file (FidgetProject *self,
                     GError       **error)
{
  GStatBuf st;
  char header[16] = { 0 };
  FILE *file;
  size_t n;

  if (g_stat (self->path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, FIDGET_ERROR,
                   saved_errno == ENOENT ? FIDGET_ERROR_NOT_FOUND : FIDGET_ERROR_FAILED,
                   saved_errno == ENOENT ? _("There is no project file “%s”")
                                         : _("Cannot open the project “%s”: %s"),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("“%s” is a folder, not a project file"), self->path);
      return FALSE;
    }
  if ((st.st_mode & 0222) == 0 || g_access (self->path, W_OK) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_READ_ONLY,
                   _("The project “%s” is read-only; Fidget saves every edit at once, so it "
                     "needs to write the file (copy it somewhere writable or change its "
                     "permissions)"),
                   self->display);
      return FALSE;
    }
  if (g_access (self->dir, W_OK) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_READ_ONLY,
                   _("The folder of the project “%s” cannot be written; Fidget keeps its "
                     "journal beside the file"),
                   self->display);
      return FALSE;
    }

  file = g_fopen (self->path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Cannot open the project “%s”: %s"), self->display,
                   g_strerror (saved_errno));
      return FALSE;
    }
  n = fread (header, 1, sizeof header, file);
  fclose (file);
  if (n == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("The project file “%s” is empty"), self->display);
      return FALSE;
    }
  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Fidget project (it is not an SQLite database)"),
                   self->display);
      return FALSE;
    }
  return TRUE;
}

/* Checks identity and version without writing anything: a file we cannot read correctly is
 * never changed. */
static gboolean
check_schema (FidgetProject *self,
              int           *version,
              GError       **error)
{
  int application_id = 0;

  if (!read_pragma_int (self, "PRAGMA application_id", &application_id, error) ||
      !read_pragma_int (self, "PRAGMA user_version", version, error))
    return FALSE;

  if (application_id != FIDGET_APPLICATION_ID)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_A_PROJECT,
                   _("“%s” is an SQLite database but not a Fidget project"), self->display);
      return FALSE;
    }
  if (*version > FIDGET_SCHEMA_VERSION)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_TOO_NEW,
                   _("“%s” was written by a newer Fidget (project version %d; this one reads "
                     "up to %d); it was left untouched: update Fidget to open it"),
                   self->display, *version, FIDGET_SCHEMA_VERSION);
      return FALSE;
    }
  if (*version < 1)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("“%s” is damaged: it has no project version"), self->display);
      return FALSE;
    }
  return TRUE;
}

static gboolean
configure_connection (FidgetProject *self,
                      GError       **error)
{
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, DEFAULT_BUSY_TIMEOUT_MS);
  /* FULL: the commit is on disk when an edit call returns. See README for the measured cost. */
  return exec (self, "PRAGMA foreign_keys = ON", _("open the project"), error) &&
         exec (self, "PRAGMA synchronous = FULL", _("open the project"), error);
}

static FidgetProject *
project_new (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);

  return g_object_new (FIDGET_TYPE_PROJECT, "path", absolute, NULL);
}

FidgetProject *
fidget_project_open (const char  *path,
                     GError     **error)
{
  g_autoptr(FidgetProject) self = NULL;
  int version = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = project_new (path);
  if (!check_existing_file (self, error))
    return NULL;

  /* No SQLITE_OPEN_CREATE: opening never makes a file. */
  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, error, rc, _("open the project"));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, DEFAULT_BUSY_TIMEOUT_MS);
  if (!check_schema (self, &version, error))
    return NULL;

  if (!configure_connection (self, error) ||
      !exec (self, "PRAGMA journal_mode = WAL", _("open the project"), error))
    return NULL;

  if (version < FIDGET_SCHEMA_VERSION)
    {
      g_autofree char *detail = g_strdup_printf ("{\"from\":%d,\"to\":%d}",
                                                 version, FIDGET_SCHEMA_VERSION);
      if (!begin (self, _("upgrade the project"), error))
        return NULL;
      /* Re-read under the write lock: another program may have upgraded it meanwhile. */
      if (!read_pragma_int (self, "PRAGMA user_version", &version, error))
        {
          rollback (self);
          return NULL;
        }
      if (version < FIDGET_SCHEMA_VERSION &&
          (!fidget_schema_migrate (self->db, version, FIDGET_SCHEMA_VERSION, error) ||
           !audit (self, "migrate", "project", NULL, detail, error)))
        {
          rollback (self);
          return NULL;
        }
      if (!commit (self, _("upgrade the project"), error))
        return NULL;
    }

  if (!load_meta_and_taxonomy (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

FidgetProject *
fidget_project_create (const char  *path,
                       GError     **error)
{
  g_autoptr(FidgetProject) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = project_new (path);
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   _("“%s” already exists; open it, or choose another name for a new project"),
                   self->path);
      return NULL;
    }
  if (!g_file_test (self->dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot create “%s”: the folder “%s” does not exist"),
                   self->display, self->dir);
      return NULL;
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, error, rc, _("create the project"));
      return NULL;
    }

  if (!configure_connection (self, error) ||
      !exec (self, "PRAGMA journal_mode = WAL", _("create the project"), error) ||
      !begin (self, _("create the project"), error))
    goto failed;

  if (!fidget_schema_migrate (self->db, 0, FIDGET_SCHEMA_VERSION, error) ||
      !insert_meta (self, error) ||
      !insert_default_taxonomy (self, error) ||
      !audit (self, "create", "project", NULL, NULL, error))
    {
      rollback (self);
      goto failed;
    }
  if (!commit (self, _("create the project"), error) ||
      !load_meta_and_taxonomy (self, error))
    goto failed;

  return g_steal_pointer (&self);

failed:
  /* Only a file this call made is removed. */
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, sqlite3_close);
  g_unlink (self->path);
  {
    g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  return NULL;
}

/* }}} */
/* {{{ Accessors */

const char *
fidget_project_get_path (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  return self->path;
}

const char *
fidget_project_get_uuid (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  return self->uuid;
}

FidgetTaxonomy *
fidget_project_get_taxonomy (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  return self->taxonomy;
}

const char *
fidget_project_get_actor (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  return self->actor;
}

void
fidget_project_set_actor (FidgetProject *self,
                          const char    *name)
{
  g_return_if_fail (FIDGET_IS_PROJECT (self));

  if (name != NULL && name[0] == '\0')
    name = NULL;
  if (replace_str (&self->actor, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
}

sqlite3 *
fidget_project_get_db (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  return self->db;
}

void
fidget_project_set_busy_timeout (FidgetProject *self,
                                 int            milliseconds)
{
  g_return_if_fail (FIDGET_IS_PROJECT (self));
  sqlite3_busy_timeout (self->db, milliseconds);
}

sqlite3_stmt *
fidget_project_prepare (FidgetProject  *self,
                        const char     *sql,
                        GError        **error)
{
  return prepare (self, sql, error);
}

gboolean
fidget_project_step_done (FidgetProject  *self,
                          sqlite3_stmt   *stmt,
                          const char     *what,
                          GError        **error)
{
  return step_done (self, stmt, what, error);
}

gboolean
fidget_project_sqlite_error (FidgetProject  *self,
                             GError        **error,
                             int             rc,
                             const char     *what)
{
  return set_error_from_sqlite (self, error, rc, what);
}

gboolean
fidget_project_begin (FidgetProject  *self,
                      const char     *what,
                      GError        **error)
{
  return begin (self, what, error);
}

gboolean
fidget_project_commit (FidgetProject  *self,
                       const char     *what,
                       GError        **error)
{
  return commit (self, what, error);
}

void
fidget_project_rollback (FidgetProject *self)
{
  rollback (self);
}

gboolean
fidget_project_audit (FidgetProject  *self,
                      const char     *operation,
                      const char     *entity,
                      const char     *entity_uuid,
                      const char     *detail,
                      GError        **error)
{
  return audit (self, operation, entity, entity_uuid, detail, error);
}

void
fidget_project_emit_changed (FidgetProject *self,
                             const char    *entity,
                             gint64         video_id)
{
  emit_changed (self, entity, video_id);
}

const char *
fidget_project_get_display_name (FidgetProject *self)
{
  return self->display;
}

/* }}} */
/* {{{ Participants */

static FidgetParticipant *
read_participant (sqlite3_stmt *stmt)
{
  FidgetParticipant *participant = g_new0 (FidgetParticipant, 1);

  participant->id = sqlite3_column_int64 (stmt, 0);
  participant->uuid = column_dup (stmt, 1);
  participant->code = column_dup (stmt, 2);
  participant->gender = column_dup (stmt, 3);
  participant->age_group = column_dup (stmt, 4);
  participant->notes = column_dup (stmt, 5);
  participant->created_us = sqlite3_column_int64 (stmt, 6);
  return participant;
}

#define PARTICIPANT_SELECT \
  "SELECT id, uuid, code, gender, age_group, notes, created_us FROM participant "

static FidgetParticipant *
find_participant (FidgetProject *self,
                  const char    *code,
                  GError       **error)
{
  sqlite3_stmt *stmt = prepare (self, PARTICIPANT_SELECT "WHERE code = ?1", error);
  FidgetParticipant *participant = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    participant = read_participant (stmt);
  else if (rc != SQLITE_DONE)
    set_error_from_sqlite (self, error, rc, _("read the participants"));
  sqlite3_reset (stmt);
  return participant;
}

FidgetParticipant *
fidget_project_lookup_participant (FidgetProject  *self,
                                   const char     *code,
                                   GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  FidgetParticipant *participant;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  participant = find_participant (self, code, &local_error);
  if (participant == NULL && local_error == NULL)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("There is no participant “%s” in the project"), code);
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return participant;
}

static gboolean
validate_code (const char  *code,
               const char  *what,
               GError     **error)
{
  if (code == NULL || code[0] == '\0')
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID, _("The %s cannot be empty"), what);
      return FALSE;
    }
  for (const char *p = code; *p != '\0'; p++)
    {
      if (g_ascii_iscntrl (*p) || *p == ',')
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("The %s “%s” contains a comma or a control character"), what, code);
          return FALSE;
        }
    }
  if (!g_utf8_validate (code, -1, NULL) || strlen (code) > 200)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The %s is not valid UTF-8 text of at most 200 bytes"), what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_gender (const char  *gender,
                 GError     **error)
{
  if (gender == NULL || g_str_equal (gender, "female") || g_str_equal (gender, "male") ||
      g_str_equal (gender, "other"))
    return TRUE;
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
               _("Unknown gender “%s”: use female, male or other (or leave it out)"), gender);
  return FALSE;
}

/* Inside the caller's transaction: finds or makes the participant, and records any gender or
 * age group given that differs from what is stored. */
static FidgetParticipant *
ensure_participant_locked (FidgetProject *self,
                           const char    *code,
                           const char    *gender,
                           const char    *age_group,
                           GError       **error)
{
  g_autoptr(FidgetParticipant) found = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  found = find_participant (self, code, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (found == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      stmt = prepare (self,
                      "INSERT INTO participant (uuid, code, gender, age_group, created_by, "
                      "  created_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 3, gender);
      bind_text_or_null (stmt, 4, age_group);
      bind_text_or_null (stmt, 5, self->actor);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
      if (!step_done (self, stmt, _("add the participant"), error) ||
          !audit (self, "add", "participant", uuid, code, error))
        return NULL;
      return find_participant (self, code, error);
    }

  if ((gender != NULL && g_strcmp0 (gender, found->gender) != 0) ||
      (age_group != NULL && g_strcmp0 (age_group, found->age_group) != 0))
    {
      stmt = prepare (self,
                      "UPDATE participant SET gender = coalesce (?2, gender), "
                      "  age_group = coalesce (?3, age_group) WHERE id = ?1",
                      error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, found->id);
      bind_text_or_null (stmt, 2, gender);
      bind_text_or_null (stmt, 3, age_group);
      if (!step_done (self, stmt, _("update the participant"), error) ||
          !audit (self, "update", "participant", found->uuid, code, error))
        return NULL;
      return find_participant (self, code, error);
    }

  return g_steal_pointer (&found);
}

FidgetParticipant *
fidget_project_ensure_participant (FidgetProject  *self,
                                   const char     *code,
                                   const char     *gender,
                                   const char     *age_group,
                                   GError        **error)
{
  g_autoptr(FidgetParticipant) participant = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  if (!validate_code (code, _("participant code"), error) ||
      !validate_gender (gender, error) ||
      (age_group != NULL && !validate_code (age_group, _("age group"), error)))
    return NULL;

  if (!begin (self, _("add the participant"), error))
    return NULL;
  participant = ensure_participant_locked (self, code, gender, age_group, error);
  if (participant == NULL)
    {
      rollback (self);
      return NULL;
    }
  if (!commit (self, _("add the participant"), error))
    return NULL;
  emit_changed (self, "participant", 0);
  return g_steal_pointer (&participant);
}

GPtrArray *
fidget_project_list_participants (FidgetProject  *self,
                                  GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_participant_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  stmt = prepare (self, PARTICIPANT_SELECT "ORDER BY code", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_participant (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_sqlite (self, error, rc, _("read the participants"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* }}} */
/* {{{ Annotators */

static FidgetAnnotator *
read_annotator (sqlite3_stmt *stmt)
{
  FidgetAnnotator *annotator = g_new0 (FidgetAnnotator, 1);

  annotator->id = sqlite3_column_int64 (stmt, 0);
  annotator->uuid = column_dup (stmt, 1);
  annotator->name = column_dup (stmt, 2);
  annotator->created_us = sqlite3_column_int64 (stmt, 3);
  return annotator;
}

FidgetAnnotator *
fidget_project_lookup_annotator (FidgetProject  *self,
                                 const char     *name,
                                 GError        **error)
{
  FidgetAnnotator *annotator = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID, _("No annotator was named"));
      return NULL;
    }
  stmt = prepare (self, "SELECT id, uuid, name, created_us FROM annotator WHERE name = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    annotator = read_annotator (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("There is no annotator “%s” in the project (add one first)"), name);
  else
    set_error_from_sqlite (self, error, rc, _("read the annotators"));
  sqlite3_reset (stmt);
  return annotator;
}

FidgetAnnotator *
fidget_project_add_annotator (FidgetProject  *self,
                              const char     *name,
                              GError        **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *stripped = NULL;
  g_autoptr(FidgetAnnotator) existing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  stripped = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (!validate_code (stripped, _("annotator name"), error))
    return NULL;

  if (!begin (self, _("add the annotator"), error))
    return NULL;
  existing = fidget_project_lookup_annotator (self, stripped, NULL);
  if (existing != NULL)
    {
      rollback (self);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   _("An annotator named “%s” is already in the project"), existing->name);
      return NULL;
    }
  stmt = prepare (self, "INSERT INTO annotator (uuid, name, created_us) VALUES (?1, ?2, ?3)",
                  error);
  if (stmt == NULL)
    {
      rollback (self);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stripped, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!step_done (self, stmt, _("add the annotator"), error) ||
      !audit (self, "add", "annotator", uuid, stripped, error))
    {
      rollback (self);
      return NULL;
    }
  if (!commit (self, _("add the annotator"), error))
    return NULL;
  emit_changed (self, "annotator", 0);
  return fidget_project_lookup_annotator (self, stripped, error);
}

GPtrArray *
fidget_project_list_annotators (FidgetProject  *self,
                                GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_annotator_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  stmt = prepare (self, "SELECT id, uuid, name, created_us FROM annotator ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_annotator (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_sqlite (self, error, rc, _("read the annotators"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* }}} */
/* {{{ Videos */

static FidgetVideo *
read_video (sqlite3_stmt *stmt)
{
  FidgetVideo *video = fidget_video_new ();

  video->id = sqlite3_column_int64 (stmt, 0);
  video->uuid = column_dup (stmt, 1);
  video->participant_id = sqlite3_column_int64 (stmt, 2);
  video->participant_code = column_dup (stmt, 3);
  video->path = column_dup (stmt, 4);
  video->content_hash = column_dup (stmt, 5);
  video->size_bytes = sqlite3_column_int64 (stmt, 6);
  video->container = column_dup (stmt, 7);
  video->video_codec = column_dup (stmt, 8);
  video->width = sqlite3_column_int (stmt, 9);
  video->height = sqlite3_column_int (stmt, 10);
  video->fps_num = sqlite3_column_int (stmt, 11);
  video->fps_den = sqlite3_column_int (stmt, 12);
  video->frame_count = sqlite3_column_int64 (stmt, 13);
  video->duration_ns = sqlite3_column_int64 (stmt, 14);
  video->has_audio = sqlite3_column_int (stmt, 15) != 0;
  video->imported_us = sqlite3_column_int64 (stmt, 16);
  return video;
}

#define VIDEO_SELECT \
  "SELECT " VIDEO_COLUMNS " FROM video v LEFT JOIN participant p ON p.id = v.participant_id "

FidgetVideo *
fidget_project_get_video (FidgetProject  *self,
                          gint64          video_id,
                          GError        **error)
{
  FidgetVideo *video = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  stmt = prepare (self, VIDEO_SELECT "WHERE v.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, video_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    video = read_video (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("There is no video %lld in the project"), (long long) video_id);
  else
    set_error_from_sqlite (self, error, rc, _("read the videos"));
  sqlite3_reset (stmt);
  return video;
}

FidgetVideo *
fidget_project_lookup_video_by_hash (FidgetProject *self,
                                     const char    *content_hash)
{
  FidgetVideo *video = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (content_hash != NULL, NULL);

  stmt = prepare (self, VIDEO_SELECT "WHERE v.content_hash = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, content_hash, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    video = read_video (stmt);
  sqlite3_reset (stmt);
  return video;
}

GPtrArray *
fidget_project_list_videos (FidgetProject  *self,
                            GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_video_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  stmt = prepare (self, VIDEO_SELECT "ORDER BY v.id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_video (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_sqlite (self, error, rc, _("read the videos"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

char *
fidget_project_resolve_video_path (FidgetProject     *self,
                                   const FidgetVideo *video)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (video != NULL && video->path != NULL, NULL);

  if (g_path_is_absolute (video->path))
    return g_strdup (video->path);
  return g_build_filename (self->dir, video->path, NULL);
}

/* Relative to the project's folder when the video lies inside it, so that the folder can
 * move as a whole; absolute otherwise. */
static char *
path_for_storage (FidgetProject *self,
                  const char    *file_path)
{
  g_autofree char *absolute = g_canonicalize_filename (file_path, NULL);
  g_autofree char *prefix = g_strconcat (self->dir, G_DIR_SEPARATOR_S, NULL);

  if (g_str_has_prefix (absolute, prefix))
    return g_strdup (absolute + strlen (prefix));
  return g_steal_pointer (&absolute);
}

/* Points @video at @file_path, whose content hash the caller has checked. */
static FidgetVideo *
relink_checked (FidgetProject     *self,
                const FidgetVideo *video,
                const char        *file_path,
                GError           **error)
{
  gint64 video_id = video->id;
  g_autofree char *stored_path = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;

  stored_path = path_for_storage (self, file_path);
  if (!begin (self, _("relink the video"), error))
    return NULL;
  stmt = prepare (self, "UPDATE video SET path = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_text (stmt, 2, stored_path, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, _("relink the video"), error))
    goto failed;
  stmt = prepare (self, "SELECT json_object ('from', ?1, 'to', ?2)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, video->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stored_path, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    detail = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (!audit (self, "relink", "video", video->uuid, detail, error))
    goto failed;
  if (!commit (self, _("relink the video"), error))
    return NULL;
  emit_changed (self, "video", video_id);
  return fidget_project_get_video (self, video_id, error);

failed:
  rollback (self);
  return NULL;
}

FidgetVideo *
fidget_project_relink_video (FidgetProject  *self,
                             gint64          video_id,
                             const char     *file_path,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(FidgetVideo) video = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (file_path != NULL, NULL);

  if (!(video = fidget_project_get_video (self, video_id, error)))
    return NULL;
  display = g_filename_display_basename (file_path);
  if (!g_file_test (file_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot relink video %lld to “%s”: there is no such file"),
                   (long long) video_id, file_path);
      return NULL;
    }
  /* Same bytes or nothing: a file of another take would shift every label on it. */
  if (!(hash = fidget_content_hash_file (file_path, cancellable, NULL, NULL, error)))
    return NULL;
  if (g_strcmp0 (hash, video->content_hash) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("“%s” is not video %lld (“%s”): its content differs"),
                   display, (long long) video_id, video->path);
      return NULL;
    }
  return relink_checked (self, video, file_path, error);
}

static void
collect_files (const char  *folder,
               GHashTable  *sizes,
               GPtrArray   *found,
               guint        depth)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  /* Deep enough for any sensible study layout, bounded against link loops. */
  if (dir == NULL || depth > 16)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        collect_files (path, sizes, found, depth + 1);
      else if (S_ISREG (st.st_mode) && g_hash_table_contains (sizes, &(gint64) { st.st_size }))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

GPtrArray *
fidget_project_relink_missing (FidgetProject  *self,
                               const char     *folder,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) relinked = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_video_free);
  g_autoptr(GHashTable) sizes = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("There is no folder “%s” to look for videos in"), folder);
      return NULL;
    }
  if (!(videos = fidget_project_list_videos (self, error)))
    return NULL;
  for (guint i = 0; i < videos->len; i++)
    {
      FidgetVideo *video = g_ptr_array_index (videos, i);
      g_autofree char *path = fidget_project_resolve_video_path (self, video);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_ptr_array_add (missing, video);
          g_hash_table_add (sizes, &video->size_bytes);
        }
    }
  if (missing->len == 0)
    return g_steal_pointer (&relinked);

  /* Only files of a missing video's exact size are worth hashing. */
  collect_files (folder, sizes, candidates, 0);
  for (guint c = 0; c < candidates->len; c++)
    {
      const char *candidate = g_ptr_array_index (candidates, c);
      g_autofree char *hash = NULL;
      g_autoptr(GError) local_error = NULL;
      GStatBuf st;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (g_stat (candidate, &st) != 0)
        continue;
      for (guint m = 0; m < missing->len; m++)
        {
          FidgetVideo *video = g_ptr_array_index (missing, m);
          FidgetVideo *done;

          if (video->size_bytes != (gint64) st.st_size)
            continue;
          if (hash == NULL &&
              !(hash = fidget_content_hash_file (candidate, cancellable, NULL, NULL, &local_error)))
            break;
          if (g_strcmp0 (hash, video->content_hash) != 0)
            continue;
          if (!(done = relink_checked (self, video, candidate, error)))
            return NULL;
          g_ptr_array_add (relinked, done);
          g_ptr_array_remove_index (missing, m);
          break;
        }
    }
  return g_steal_pointer (&relinked);
}

/* What holds @video in the project: a person's work on it. Inside a transaction or not. */
static gboolean
check_remove_video (FidgetProject     *self,
                    const FidgetVideo *video,
                    guint             *n_suggestions,
                    GError           **error)
{
  g_autofree char *display = g_filename_display_basename (video->path);
  sqlite3_stmt *stmt;
  gint64 segments, assigned, review_records, suggestions;
  int rc;

  stmt = prepare (self,
                  "SELECT (SELECT count (*) FROM segment WHERE video_id = ?1), "
                  "  (SELECT count (*) FROM review WHERE video_id = ?1), "
                  "  (SELECT count (*) FROM review_decision WHERE video_id = ?1) "
                  "  + (SELECT count (*) FROM consensus_segment WHERE video_id = ?1) "
                  "  + (SELECT count (*) FROM review_dispute WHERE video_id = ?1), "
                  "  (SELECT count (*) FROM suggestion WHERE video_id = ?1)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video->id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return set_error_from_sqlite (self, error, rc, _("read the video's work"));
    }
  segments = sqlite3_column_int64 (stmt, 0);
  assigned = sqlite3_column_int64 (stmt, 1);
  review_records = sqlite3_column_int64 (stmt, 2);
  suggestions = sqlite3_column_int64 (stmt, 3);
  sqlite3_reset (stmt);

  /* Labels never leave with a video: whoever imported the wrong file deletes their own
   * segments first, which the undo log keeps as ever. */
  if (segments > 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "“%s” cannot be removed from the project: it holds %lld segment. "
                                "A video with labels stays; if it was imported by mistake, "
                                "delete its segments first.",
                                "“%s” cannot be removed from the project: it holds %lld segments. "
                                "A video with labels stays; if it was imported by mistake, "
                                "delete its segments first.",
                                (gulong) segments),
                   display, (long long) segments);
      return FALSE;
    }
  if (assigned > 0 || review_records > 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("“%s” cannot be removed from the project: it is assigned for review, and "
                     "its review record stays with it."),
                   display);
      return FALSE;
    }
  if (n_suggestions != NULL)
    *n_suggestions = (guint) MIN (suggestions, G_MAXUINT);
  return TRUE;
}

gboolean
fidget_project_check_remove_video (FidgetProject  *self,
                                   gint64          video_id,
                                   guint          *n_suggestions,
                                   GError        **error)
{
  g_autoptr(FidgetVideo) video = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), FALSE);

  if (n_suggestions != NULL)
    *n_suggestions = 0;
  if (!(video = fidget_project_get_video (self, video_id, error)))
    return FALSE;
  return check_remove_video (self, video, n_suggestions, error);
}

/* What goes with a video (?1), in order; the first's count of rows is reported. */
static const char *const removal_steps[] = {
  /* Undo steps whose row image sits on the video could never be replayed: a segment made and
   * deleted again would come back on a video that is not there. */
  "DELETE FROM undo_log WHERE coalesce (before ->> '$.video_id', after ->> '$.video_id') = ?1",
  "DELETE FROM suggestion WHERE video_id = ?1",
  "DELETE FROM video WHERE id = ?1",
  /* Retired for good: see FIDGET_PROJECT_NEXT_VIDEO_ID. */
  "INSERT INTO meta (key, value) VALUES ('removed_video_high_id', ?1) "
  "ON CONFLICT (key) DO UPDATE "
  "SET value = max (CAST (value AS INTEGER), CAST (excluded.value AS INTEGER))",
};

gboolean
fidget_project_remove_video (FidgetProject  *self,
                             gint64          video_id,
                             guint          *n_suggestions,
                             GError        **error)
{
  g_autoptr(FidgetVideo) video = NULL;
  g_autofree char *detail = NULL;
  guint suggestions = 0;
  gint64 undo_steps = 0;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), FALSE);

  if (!begin (self, _("remove the video"), error))
    return FALSE;
  /* Read and checked inside the transaction: another program may have labelled it since. */
  if (!(video = fidget_project_get_video (self, video_id, error)) ||
      !check_remove_video (self, video, &suggestions, error))
    goto failed;

  for (guint i = 0; i < G_N_ELEMENTS (removal_steps); i++)
    {
      if (!(stmt = prepare (self, removal_steps[i], error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 1, video_id);
      if (!step_done (self, stmt, _("remove the video"), error))
        goto failed;
      if (i == 0)
        undo_steps = sqlite3_changes64 (self->db);
    }

  stmt = prepare (self,
                  "SELECT json_object ('video_id', ?1, 'path', ?2, 'content_hash', ?3, "
                  "  'participant', ?4, 'suggestions', ?5, 'undo_steps', ?6)",
                  error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, video_id);
  sqlite3_bind_text (stmt, 2, video->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, video->content_hash, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 4, video->participant_code);
  sqlite3_bind_int64 (stmt, 5, suggestions);
  sqlite3_bind_int64 (stmt, 6, undo_steps);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    detail = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  if (!audit (self, "remove", "video", video->uuid, detail, error))
    goto failed;
  if (!commit (self, _("remove the video"), error))
    return FALSE;
  emit_changed (self, "video", video_id);
  if (n_suggestions != NULL)
    *n_suggestions = suggestions;
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

FidgetVideo *
fidget_project_add_video (FidgetProject      *self,
                          const FidgetVideo  *info,
                          const char         *file_path,
                          const char         *participant_code,
                          GError            **error)
{
  g_autoptr(FidgetVideo) existing = NULL;
  g_autoptr(FidgetParticipant) participant = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *stored_path = NULL;
  g_autofree char *display = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (file_path != NULL, NULL);

  display = g_filename_display_basename (file_path);
  if (info->content_hash == NULL || !g_str_has_prefix (info->content_hash, "sha256:") ||
      strlen (info->content_hash) != 7 + 64)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot add “%s”: its content hash is missing or malformed"), display);
      return NULL;
    }
  if (info->width <= 0 || info->height <= 0 || info->fps_num <= 0 || info->fps_den <= 0 ||
      info->frame_count <= 0 || info->duration_ns < 0 || info->size_bytes < 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot add “%s”: it has no frames, no size or no frame rate"), display);
      return NULL;
    }
  if (participant_code != NULL && !validate_code (participant_code, _("participant code"), error))
    return NULL;

  existing = fidget_project_lookup_video_by_hash (self, info->content_hash);
  if (existing != NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_DUPLICATE,
                   _("“%s” is already in the project as video %lld (“%s”): "
                     "same content"),
                   display, (long long) existing->id, existing->path);
      return NULL;
    }

  stored_path = path_for_storage (self, file_path);

  if (!begin (self, _("add the video"), error))
    return NULL;
  if (participant_code != NULL)
    {
      participant = ensure_participant_locked (self, participant_code, NULL, NULL, error);
      if (participant == NULL)
        goto failed;
    }

  stmt = prepare (self,
                  "INSERT INTO video (id, uuid, participant_id, path, content_hash, size_bytes, "
                  "  container, video_codec, width, height, fps_num, fps_den, frame_count, "
                  "  duration_ns, has_audio, imported_by, imported_us) "
                  "VALUES (" FIDGET_PROJECT_NEXT_VIDEO_ID ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                  "  ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                  error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (participant != NULL)
    sqlite3_bind_int64 (stmt, 2, participant->id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, stored_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, info->content_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, info->size_bytes);
  bind_text_or_null (stmt, 6, info->container);
  bind_text_or_null (stmt, 7, info->video_codec);
  sqlite3_bind_int (stmt, 8, info->width);
  sqlite3_bind_int (stmt, 9, info->height);
  sqlite3_bind_int (stmt, 10, info->fps_num);
  sqlite3_bind_int (stmt, 11, info->fps_den);
  sqlite3_bind_int64 (stmt, 12, info->frame_count);
  sqlite3_bind_int64 (stmt, 13, info->duration_ns);
  sqlite3_bind_int (stmt, 14, info->has_audio ? 1 : 0);
  bind_text_or_null (stmt, 15, self->actor);
  sqlite3_bind_int64 (stmt, 16, g_get_real_time ());
  if (!step_done (self, stmt, _("add the video"), error))
    goto failed;
  id = sqlite3_last_insert_rowid (self->db);

  stmt = prepare (self, "SELECT json_object ('path', ?1, 'content_hash', ?2, 'frames', ?3)",
                  error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, stored_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, info->content_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, info->frame_count);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    detail = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  if (!audit (self, "import", "video", uuid, detail, error))
    goto failed;
  if (!commit (self, _("add the video"), error))
    return NULL;
  emit_changed (self, "video", id);
  return fidget_project_get_video (self, id, error);

failed:
  rollback (self);
  return NULL;
}

/* }}} */
/* {{{ Segments */

static FidgetSegment *
read_segment (FidgetProject *self,
              sqlite3_stmt  *stmt)
{
  FidgetSegment *segment = fidget_segment_new ();
  const FidgetAction *action;

  segment->id = sqlite3_column_int64 (stmt, 0);
  segment->uuid = column_dup (stmt, 1);
  segment->video_id = sqlite3_column_int64 (stmt, 2);
  segment->annotator_id = sqlite3_column_int64 (stmt, 3);
  segment->annotator_name = column_dup (stmt, 4);
  segment->start_frame = sqlite3_column_int64 (stmt, 5);
  segment->end_frame = sqlite3_column_int64 (stmt, 6);
  segment->action_id = sqlite3_column_int64 (stmt, 7);
  action = fidget_taxonomy_lookup_action_by_id (self->taxonomy, segment->action_id);
  segment->action_code = g_strdup (action != NULL ? action->code : "?");
  fidget_emotion_from_string ((const char *) sqlite3_column_text (stmt, 8), &segment->emotion);
  segment->note = column_dup (stmt, 9);
  segment->flagged = sqlite3_column_int (stmt, 10) != 0;
  segment->created_us = sqlite3_column_int64 (stmt, 11);
  segment->modified_us = sqlite3_column_int64 (stmt, 12);
  return segment;
}

#define SEGMENT_SELECT \
  "SELECT " SEGMENT_COLUMNS " FROM segment s JOIN annotator a ON a.id = s.annotator_id "

static FidgetSegment *
find_segment (FidgetProject *self,
              const char    *uuid,
              GError       **error)
{
  FidgetSegment *segment = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self, SEGMENT_SELECT "WHERE s.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    segment = read_segment (self, stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                 _("There is no segment %s in the project"), uuid);
  else
    set_error_from_sqlite (self, error, rc, _("read the segments"));
  sqlite3_reset (stmt);
  return segment;
}

FidgetSegment *
fidget_project_find_segment (FidgetProject  *self,
                             const char     *uuid,
                             GError        **error)
{
  return find_segment (self, uuid, error);
}

FidgetSegment *
fidget_project_get_segment (FidgetProject  *self,
                            const char     *uuid,
                            GError        **error)
{
  g_autoptr(FidgetSegment) segment = NULL;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  segment = find_segment (self, uuid, error);
  /* A cross-check is blind: one checker does not get another's segments. */
  if (segment != NULL &&
      !fidget_review_check_segment_visible (self, segment->video_id, segment->annotator_id,
                                            segment->annotator_name, error))
    return NULL;
  return g_steal_pointer (&segment);
}

GHashTable *
fidget_project_count_segments (FidgetProject  *self,
                               GError        **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) hidden = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  /* Counted per person only when a blind cross-check leaves some people out: the plain count
   * reads the video index alone (5 ms for MA-52's 67,000 segments, 40 ms per person). */
  if (self->actor != NULL)
    hidden = fidget_review_hidden_for_actor (self, 0);
  if (hidden != NULL)
    stmt = prepare (self,
                    "SELECT video_id, annotator_id, count (*) FROM segment "
                    "GROUP BY video_id, annotator_id",
                    error);
  else
    stmt = prepare (self, "SELECT video_id, 0, count (*) FROM segment GROUP BY video_id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 video_id = sqlite3_column_int64 (stmt, 0);
      guint n = (guint) sqlite3_column_int64 (stmt, 2);
      gpointer before;

      if (fidget_review_hidden_contains (hidden, video_id, sqlite3_column_int64 (stmt, 1)))
        continue;
      before = g_hash_table_lookup (counts, &video_id);
      g_hash_table_insert (counts, g_memdup2 (&video_id, sizeof video_id),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (before) + n));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_sqlite (self, error, rc, _("count the segments"));
      return NULL;
    }
  return g_steal_pointer (&counts);
}

GPtrArray *
fidget_project_list_segments (FidgetProject  *self,
                              gint64          video_id,
                              GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  if (video_id > 0)
    {
      stmt = prepare (self,
                      SEGMENT_SELECT "WHERE s.video_id = ?1 "
                      "ORDER BY s.start_frame, s.end_frame, s.id",
                      error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, video_id);
    }
  else
    {
      stmt = prepare (self,
                      SEGMENT_SELECT "ORDER BY s.video_id, s.start_frame, s.end_frame, s.id",
                      error);
      if (stmt == NULL)
        return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_segment (self, stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_sqlite (self, error, rc, _("read the segments"));
      return NULL;
    }

  /* A cross-check is blind: a checker's list leaves out the other checkers' segments. */
  if (self->actor != NULL)
    {
      g_autoptr(GHashTable) hidden = fidget_review_hidden_for_actor (self, video_id);

      if (hidden != NULL)
        {
          guint kept = 0;

          for (guint i = 0; i < list->len; i++)
            {
              FidgetSegment *segment = g_ptr_array_index (list, i);

              if (fidget_review_hidden_contains (hidden, segment->video_id,
                                                 segment->annotator_id))
                fidget_segment_free (segment);
              else
                list->pdata[kept++] = segment;
            }
          /* The freed ones are gone already: shrink without calling the free function. */
          g_ptr_array_set_free_func (list, NULL);
          g_ptr_array_set_size (list, kept);
          g_ptr_array_set_free_func (list, (GDestroyNotify) fidget_segment_free);
        }
    }
  return g_steal_pointer (&list);
}

static char *
segment_image (FidgetProject *self,
               const char    *uuid,
               GError       **error)
{
  sqlite3_stmt *stmt = prepare (self, SEGMENT_IMAGE_SQL, error);
  char *image = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    image = column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_error_from_sqlite (self, error, rc, _("read the segments"));
  sqlite3_reset (stmt);
  return image;
}

/* A new edit makes the undone ones unreachable: they leave the log, as in any editor. Which
 * ones: those of @session_actor, the person named for this session, or all when nobody is. */
static gboolean
push_undo (FidgetProject *self,
           const char    *session_actor,
           const char    *label,
           const char    *uuid,
           const char    *before,
           const char    *after,
           GError       **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "DELETE FROM undo_log WHERE undone = 1 "
                  "AND (?1 IS NULL OR actor = ?1 COLLATE NOCASE)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text_or_null (stmt, 1, session_actor);
  if (!step_done (self, stmt, _("write the undo log"), error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO undo_log (at_us, actor, label, entity_uuid, before, after) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  bind_text_or_null (stmt, 2, self->actor);
  sqlite3_bind_text (stmt, 3, label, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, uuid, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 5, before);
  bind_text_or_null (stmt, 6, after);
  return step_done (self, stmt, _("write the undo log"), error);
}

static gboolean
validate_range (const FidgetVideo *video,
                gint64             start_frame,
                gint64             end_frame,
                GError           **error)
{
  if (start_frame < 0 || end_frame <= start_frame || end_frame > video->frame_count)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Frames [%lld, %lld) are not a segment of video %lld: the start must be at "
                     "least 0, the end after the start and at most %lld (its frame count)"),
                   (long long) start_frame, (long long) end_frame, (long long) video->id,
                   (long long) video->frame_count);
      return FALSE;
    }
  return TRUE;
}

static const FidgetAction *
lookup_action (FidgetProject *self,
               const char    *code,
               GError       **error)
{
  const FidgetAction *action = NULL;

  if (code != NULL)
    action = fidget_taxonomy_lookup_action (self->taxonomy, code);
  if (action == NULL)
    g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                 _("Unknown action code “%s” (codes are a body-part letter and a number, "
                   "e.g. B1 for nodding; `fidget-cli taxonomy` lists them)"),
                 code != NULL ? code : "");
  return action;
}

/* What an edit did, for the undo log and the messages that quote it ("Undone: ..."): the
 * frames as annotators see them, first to last inclusive, as the workspace writes them. */
static char *
describe_segment (const char         *verb,
                  const FidgetAction *action,
                  gint64              start_frame,
                  gint64              end_frame)
{
  /* Translators: an edit in the undo log, e.g. "Add B1 nodding, frames 90–98" */
  return g_strdup_printf (_("%s %s %s, frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT),
                          verb, action != NULL ? action->code : "?",
                          action != NULL ? action->name : "", start_frame, end_frame - 1);
}

/* What a change did, said so that "Undone: ..." and "Redone: ..." read right: a relabel
 * names both actions, a move both ranges; anything else (note, emotion, flag) the segment. */
static char *
describe_change (FidgetProject       *self,
                 const FidgetSegment *current,
                 const FidgetAction  *action,
                 gint64               start_frame,
                 gint64               end_frame)
{
  const FidgetAction *was = fidget_taxonomy_lookup_action_by_id (self->taxonomy,
                                                                 current->action_id);

  if (was != NULL && was != action)
    /* Translators: an edit in the undo log, e.g. "Relabel E5 crossing arms as B6 head up,
     * frames 31–85" */
    return g_strdup_printf (_("Relabel %s %s as %s %s, frames %" G_GINT64_FORMAT "–%"
                              G_GINT64_FORMAT),
                            was->code, was->name, action->code, action->name, start_frame,
                            end_frame - 1);
  if (start_frame != current->start_frame || end_frame != current->end_frame)
    /* Translators: an edit in the undo log, e.g. "Move B6 head up from frames 118–167 to
     * 152–201" */
    return g_strdup_printf (_("Move %s %s from frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                              " to %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT),
                            action->code, action->name, current->start_frame,
                            current->end_frame - 1, start_frame, end_frame - 1);
  return describe_segment (_("Change the details of"), action, start_frame, end_frame);
}

FidgetSegment *
fidget_project_add_segment (FidgetProject  *self,
                            gint64          video_id,
                            const char     *annotator_name,
                            gint64          start_frame,
                            gint64          end_frame,
                            const char     *action_code,
                            GError        **error)
{
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetAnnotator) annotator = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *after = NULL;
  g_autofree char *label = NULL;
  g_autofree char *saved_actor = NULL;
  const FidgetAction *action;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  if (!(video = fidget_project_get_video (self, video_id, error)) ||
      !(annotator = fidget_project_lookup_annotator (self, annotator_name, error)) ||
      !(action = lookup_action (self, action_code, error)) ||
      !validate_range (video, start_frame, end_frame, error))
    return NULL;

  if (!begin (self, _("add the segment"), error))
    return NULL;

  /* Nobody named: the segment's own annotator made it. */
  saved_actor = g_strdup (self->actor);
  if (self->actor == NULL)
    self->actor = g_strdup (annotator->name);

  if (!fidget_review_check_segment_edit (self, video->id, annotator->id, annotator->name,
                                         _("add the segment"), error))
    goto failed;

  stmt = prepare (self,
                  "INSERT INTO segment (uuid, video_id, annotator_id, start_frame, end_frame, "
                  "  action_id, created_us, modified_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                  error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, video->id);
  sqlite3_bind_int64 (stmt, 3, annotator->id);
  sqlite3_bind_int64 (stmt, 4, start_frame);
  sqlite3_bind_int64 (stmt, 5, end_frame);
  sqlite3_bind_int64 (stmt, 6, action->id);
  sqlite3_bind_int64 (stmt, 7, now);
  if (!step_done (self, stmt, _("add the segment"), error))
    goto failed;

  after = segment_image (self, uuid, error);
  label = describe_segment (_("Add"), action, start_frame, end_frame);
  if (after == NULL ||
      !push_undo (self, saved_actor, label, uuid, NULL, after, error) ||
      !audit (self, "add", "segment", uuid, after, error))
    goto failed;
  if (!commit (self, _("add the segment"), error))
    goto failed_committed;

  replace_str (&self->actor, saved_actor);
  emit_changed (self, "segment", video->id);
  return find_segment (self, uuid, error);

failed:
  rollback (self);
failed_committed:
  replace_str (&self->actor, saved_actor);
  return NULL;
}

gboolean
fidget_project_update_segment_locked (FidgetProject        *self,
                                      const char           *uuid,
                                      const FidgetSegment  *values,
                                      FidgetSegmentFields   fields,
                                      gint64               *video_id,
                                      GError              **error)
{
  g_autoptr(FidgetSegment) current = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *label = NULL;
  g_autofree char *detail = NULL;
  const FidgetAction *action;
  gint64 start_frame, end_frame;
  FidgetEmotion emotion;
  const char *note;
  gboolean flagged;
  sqlite3_stmt *stmt;

  if (!(current = find_segment (self, uuid, error)) ||
      !(video = fidget_project_get_video (self, current->video_id, error)))
    return FALSE;
  if (video_id != NULL)
    *video_id = current->video_id;

  start_frame = (fields & FIDGET_SEGMENT_FIELD_START) ? values->start_frame : current->start_frame;
  end_frame = (fields & FIDGET_SEGMENT_FIELD_END) ? values->end_frame : current->end_frame;
  emotion = (fields & FIDGET_SEGMENT_FIELD_EMOTION) ? values->emotion : current->emotion;
  note = (fields & FIDGET_SEGMENT_FIELD_NOTE) ? (values->note ? values->note : "") : current->note;
  flagged = (fields & FIDGET_SEGMENT_FIELD_FLAGGED) ? values->flagged : current->flagged;
  if (fields & FIDGET_SEGMENT_FIELD_ACTION)
    action = lookup_action (self, values->action_code, error);
  else
    action = fidget_taxonomy_lookup_action_by_id (self->taxonomy, current->action_id);
  if (action == NULL || !validate_range (video, start_frame, end_frame, error))
    return FALSE;
  if (fidget_emotion_to_string (emotion) == NULL && emotion != FIDGET_EMOTION_NONE)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID, _("Unknown emotion"));
      return FALSE;
    }
  if (!g_utf8_validate (note, -1, NULL))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID, _("The note is not valid UTF-8"));
      return FALSE;
    }
  if (!fidget_review_check_segment_edit (self, current->video_id, current->annotator_id,
                                         current->annotator_name, _("change the segment"),
                                         error))
    return FALSE;

  if (!(before = segment_image (self, uuid, error)))
    return FALSE;

  stmt = prepare (self,
                  "UPDATE segment SET start_frame = ?2, end_frame = ?3, action_id = ?4, "
                  "  emotion = ?5, note = ?6, flagged = ?7, modified_us = ?8 WHERE uuid = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, start_frame);
  sqlite3_bind_int64 (stmt, 3, end_frame);
  sqlite3_bind_int64 (stmt, 4, action->id);
  bind_text_or_null (stmt, 5, fidget_emotion_to_string (emotion));
  sqlite3_bind_text (stmt, 6, note, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 7, flagged ? 1 : 0);
  /* Strictly later than before, so undo can tell the two images apart even within one tick. */
  sqlite3_bind_int64 (stmt, 8, MAX (g_get_real_time (), current->modified_us + 1));
  if (!step_done (self, stmt, _("change the segment"), error))
    return FALSE;

  after = segment_image (self, uuid, error);
  label = describe_change (self, current, action, start_frame, end_frame);
  detail = g_strdup_printf ("{\"before\":%s,\"after\":%s}", before, after ? after : "null");
  return after != NULL &&
         push_undo (self, self->actor, label, uuid, before, after, error) &&
         audit (self, "update", "segment", uuid, detail, error);
}

FidgetSegment *
fidget_project_update_segment (FidgetProject       *self,
                               const char          *uuid,
                               const FidgetSegment *values,
                               FidgetSegmentFields  fields,
                               GError             **error)
{
  gint64 video_id = 0;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (values != NULL, NULL);

  if (!begin (self, _("change the segment"), error))
    return NULL;
  if (!fidget_project_update_segment_locked (self, uuid, values, fields, &video_id, error))
    {
      rollback (self);
      return NULL;
    }
  if (!commit (self, _("change the segment"), error))
    return NULL;

  emit_changed (self, "segment", video_id);
  return find_segment (self, uuid, error);
}

gboolean
fidget_project_delete_segment (FidgetProject  *self,
                               const char     *uuid,
                               GError        **error)
{
  g_autoptr(FidgetSegment) current = NULL;
  g_autofree char *before = NULL;
  g_autofree char *label = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  if (!begin (self, _("delete the segment"), error))
    return FALSE;
  if (!(current = find_segment (self, uuid, error)) ||
      !fidget_review_check_segment_edit (self, current->video_id, current->annotator_id,
                                         current->annotator_name, _("delete the segment"),
                                         error) ||
      !(before = segment_image (self, uuid, error)))
    goto failed;
  stmt = prepare (self, "DELETE FROM segment WHERE uuid = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (!step_done (self, stmt, _("delete the segment"), error))
    goto failed;

  label = describe_segment (_("Delete"),
                            fidget_taxonomy_lookup_action_by_id (self->taxonomy, current->action_id),
                            current->start_frame, current->end_frame);
  if (!push_undo (self, self->actor, label, uuid, before, NULL, error) ||
      !audit (self, "delete", "segment", uuid, before, error))
    goto failed;
  if (!commit (self, _("delete the segment"), error))
    return FALSE;

  emit_changed (self, "segment", current->video_id);
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

/* }}} */
/* {{{ Undo and redo */

/* Puts a segment row into the state of @image (a JSON image), or removes it (@image NULL). */
static gboolean
apply_segment_image (FidgetProject *self,
                     const char    *uuid,
                     const char    *image,
                     GError       **error)
{
  sqlite3_stmt *stmt;

  if (image == NULL)
    {
      stmt = prepare (self, "DELETE FROM segment WHERE uuid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      return step_done (self, stmt, _("restore the segment"), error);
    }

  stmt = prepare (self,
                  "INSERT INTO segment (id, uuid, video_id, annotator_id, start_frame, end_frame, "
                  "  action_id, emotion, note, flagged, created_us, modified_us) "
                  "SELECT j ->> '$.id', j ->> '$.uuid', j ->> '$.video_id', "
                  "  j ->> '$.annotator_id', j ->> '$.start_frame', j ->> '$.end_frame', "
                  "  j ->> '$.action_id', j ->> '$.emotion', j ->> '$.note', j ->> '$.flagged', "
                  "  j ->> '$.created_us', j ->> '$.modified_us' "
                  "FROM (SELECT ?1 AS j) WHERE true "
                  "ON CONFLICT (uuid) DO UPDATE SET video_id = excluded.video_id, "
                  "  annotator_id = excluded.annotator_id, start_frame = excluded.start_frame, "
                  "  end_frame = excluded.end_frame, action_id = excluded.action_id, "
                  "  emotion = excluded.emotion, note = excluded.note, "
                  "  flagged = excluded.flagged, created_us = excluded.created_us, "
                  "  modified_us = excluded.modified_us",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, image, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, _("restore the segment"), error);
}

static gboolean
undo_or_redo (FidgetProject  *self,
              gboolean        redo,
              char          **description,
              GError        **error)
{
  g_autofree char *label = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *current = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *expected, *target;
  sqlite3_stmt *stmt;
  gint64 entry_id, video_id = 0;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), FALSE);

  if (!begin (self, redo ? _("redo") : _("undo"), error))
    return FALSE;

  if (redo)
    stmt = prepare (self,
                    "SELECT id, label, entity_uuid, before, after FROM undo_log "
                    "WHERE undone = 1 AND (?1 IS NULL OR actor = ?1 COLLATE NOCASE) "
                    "ORDER BY id ASC LIMIT 1",
                    error);
  else
    stmt = prepare (self,
                    "SELECT id, label, entity_uuid, before, after FROM undo_log "
                    "WHERE undone = 0 AND (?1 IS NULL OR actor = ?1 COLLATE NOCASE) "
                    "ORDER BY id DESC LIMIT 1",
                    error);
  if (stmt == NULL)
    goto failed;
  bind_text_or_null (stmt, 1, self->actor);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      entry_id = sqlite3_column_int64 (stmt, 0);
      label = column_dup (stmt, 1);
      uuid = column_dup (stmt, 2);
      before = column_dup (stmt, 3);
      after = column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOTHING_TO_DO,
                   redo ? _("There is nothing to redo") : _("There is nothing to undo"));
      goto failed;
    }
  if (rc != SQLITE_ROW)
    {
      set_error_from_sqlite (self, error, rc, redo ? _("redo") : _("undo"));
      goto failed;
    }

  /* The row must be as the edit left it (or as the undo left it, for redo); a change made
   * since, by someone else or by an import, is not silently overwritten. */
  expected = redo ? before : after;
  target = redo ? after : before;
  current = segment_image (self, uuid, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  if (g_strcmp0 (current, expected) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CONFLICT,
                   redo ? _("Cannot redo “%s”: the segment was changed since it was undone")
                        : _("Cannot undo “%s”: the segment was changed since"),
                   label);
      goto failed;
    }

  /* Undo and redo are edits too: the review rules of the segment's video apply. */
  stmt = prepare (self, "SELECT ?1 ->> '$.video_id', ?1 ->> '$.annotator_id', "
                        "  (SELECT name FROM annotator WHERE id = ?1 ->> '$.annotator_id')",
                  error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, target != NULL ? target : expected, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *owner = column_dup (stmt, 2);
      gint64 image_video_id = sqlite3_column_int64 (stmt, 0);
      gint64 owner_id = sqlite3_column_int64 (stmt, 1);

      sqlite3_reset (stmt);
      if (!fidget_review_check_segment_edit (self, image_video_id, owner_id, owner,
                                             redo ? _("redo") : _("undo"), error))
        goto failed;
    }
  else
    sqlite3_reset (stmt);

  if (!apply_segment_image (self, uuid, target, error))
    goto failed;

  stmt = prepare (self, "UPDATE undo_log SET undone = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  sqlite3_bind_int (stmt, 2, redo ? 0 : 1);
  if (!step_done (self, stmt, redo ? _("redo") : _("undo"), error) ||
      !audit (self, redo ? "redo" : "undo", "segment", uuid, target, error))
    goto failed;
  if (!commit (self, redo ? _("redo") : _("undo"), error))
    return FALSE;

  {
    g_autoptr(FidgetSegment) segment = find_segment (self, uuid, NULL);
    const char *image = target != NULL ? target : expected;
    const char *key = strstr (image, "\"video_id\":");

    if (segment != NULL)
      video_id = segment->video_id;
    else if (key != NULL)
      video_id = g_ascii_strtoll (key + strlen ("\"video_id\":"), NULL, 10);
  }
  emit_changed (self, "segment", video_id);

  if (description != NULL)
    *description = g_steal_pointer (&label);
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

gboolean
fidget_project_undo (FidgetProject  *self,
                     char          **description,
                     GError        **error)
{
  return undo_or_redo (self, FALSE, description, error);
}

gboolean
fidget_project_redo (FidgetProject  *self,
                     char          **description,
                     GError        **error)
{
  return undo_or_redo (self, TRUE, description, error);
}

static gboolean
undo_log_has (FidgetProject *self,
              int            undone)
{
  sqlite3_stmt *stmt;
  gboolean found;

  stmt = prepare (self,
                  "SELECT 1 FROM undo_log WHERE undone = ?2 "
                  "AND (?1 IS NULL OR actor = ?1 COLLATE NOCASE) LIMIT 1",
                  NULL);
  if (stmt == NULL)
    return FALSE;
  bind_text_or_null (stmt, 1, self->actor);
  sqlite3_bind_int (stmt, 2, undone);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

gboolean
fidget_project_can_undo (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), FALSE);
  return undo_log_has (self, 0);
}

gboolean
fidget_project_can_redo (FidgetProject *self)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (self), FALSE);
  return undo_log_has (self, 1);
}

/* }}} */
/* {{{ Taxonomy */

const FidgetAction *
fidget_project_add_action (FidgetProject  *self,
                           const char     *body_part_code,
                           const char     *code,
                           const char     *name,
                           const char     *description,
                           GError        **error)
{
  const FidgetBodyPart *part;
  const FidgetAction *action;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *upper = NULL;
  sqlite3_stmt *stmt;
  gint64 id;
  const char *digits;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  part = body_part_code != NULL
         ? fidget_taxonomy_lookup_body_part (self->taxonomy, body_part_code) : NULL;
  if (part == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Unknown body part “%s”"), body_part_code ? body_part_code : "");
      return NULL;
    }
  upper = g_ascii_strup (code != NULL ? code : "", -1);
  digits = upper + strlen (part->code);
  if (!g_str_has_prefix (upper, part->code) || *digits == '\0' || *digits == '0' ||
      strspn (digits, "0123456789") != strlen (digits) || strlen (digits) > 3)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The action code “%s” must be the body part's letter %s and a number, "
                     "e.g. %s%u"),
                   code ? code : "", part->code, part->code, 14u);
      return NULL;
    }
  if (fidget_taxonomy_lookup_action (self->taxonomy, upper) != NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   _("The action code “%s” is already taken"), upper);
      return NULL;
    }
  if (!validate_code (name, _("action name"), error))
    return NULL;

  if (!begin (self, _("add the action"), error))
    return NULL;
  stmt = prepare (self,
                  "INSERT INTO action (uuid, code, name, description, body_part_id, model_index, "
                  "  position, created_by, created_us) "
                  "SELECT ?1, ?2, ?3, ?4, ?5, NULL, 1 + coalesce (max (position), 0), ?6, ?7 "
                  "FROM action",
                  error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, description ? description : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, part->id);
  bind_text_or_null (stmt, 6, self->actor);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time ());
  if (!step_done (self, stmt, _("add the action"), error))
    goto failed;
  id = sqlite3_last_insert_rowid (self->db);
  if (!audit (self, "add", "action", uuid, upper, error))
    goto failed;
  if (!commit (self, _("add the action"), error))
    return NULL;

  /* Appended to the live taxonomy: pointers callers hold stay valid. */
  action = fidget_taxonomy_append_action (self->taxonomy, id, upper, name,
                                          description ? description : "", part->code, -1);
  emit_changed (self, "action", 0);
  return action;

failed:
  rollback (self);
  return NULL;
}

/* }}} */
/* {{{ Audit */

GPtrArray *
fidget_project_list_audit (FidgetProject  *self,
                           const char     *entity_uuid,
                           int             limit,
                           GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FIDGET_IS_PROJECT (self), NULL);

  stmt = prepare (self,
                  "SELECT id, at_us, actor, operation, entity, entity_uuid, detail FROM audit "
                  "WHERE ?1 IS NULL OR entity_uuid = ?1 ORDER BY id DESC LIMIT ?2",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text_or_null (stmt, 1, entity_uuid);
  sqlite3_bind_int (stmt, 2, limit > 0 ? limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FidgetAuditEntry *entry = g_new0 (FidgetAuditEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at_us = sqlite3_column_int64 (stmt, 1);
      entry->actor = column_dup (stmt, 2);
      entry->operation = column_dup (stmt, 3);
      entry->entity = column_dup (stmt, 4);
      entry->entity_uuid = column_dup (stmt, 5);
      entry->detail = column_dup (stmt, 6);
      g_ptr_array_add (list, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_sqlite (self, error, rc, _("read the audit log"));
      return NULL;
    }

  /* A cross-check is blind: the log does not show a checker what the others did. */
  if (self->actor != NULL)
    {
      g_autoptr(GHashTable) hidden = fidget_review_hidden_for_actor (self, 0);

      if (hidden != NULL)
        {
          g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
          guint kept = 0;

          for (guint i = 0; i < list->len; i++)
            {
              FidgetAuditEntry *entry = g_ptr_array_index (list, i);

              if (fidget_review_audit_entry_hidden (self, hidden, ids, entry))
                fidget_audit_entry_free (entry);
              else
                list->pdata[kept++] = entry;
            }
          g_ptr_array_set_free_func (list, NULL);
          g_ptr_array_set_size (list, kept);
          g_ptr_array_set_free_func (list, (GDestroyNotify) fidget_audit_entry_free);
        }
    }
  return g_steal_pointer (&list);
}

/* }}} */
/* {{{ GObject */

static void
fidget_project_finalize (GObject *object)
{
  FidgetProject *self = (FidgetProject *) object;

  /* Statements go before the connection they belong to. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_object (&self->taxonomy);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->display, g_free);
  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->actor, g_free);

  G_OBJECT_CLASS (fidget_project_parent_class)->finalize (object);
}

static void
fidget_project_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FidgetProject *self = FIDGET_PROJECT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_project_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FidgetProject *self = FIDGET_PROJECT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      self->dir = g_path_get_dirname (self->path);
      self->display = g_filename_display_basename (self->path);
      break;

    case PROP_ACTOR:
      fidget_project_set_actor (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_project_class_init (FidgetProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fidget_project_finalize;
  object_class->get_property = fidget_project_get_property;
  object_class->set_property = fidget_project_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FidgetProject::changed:
   * @entity: "segment", "video", "participant", "annotator" or "action"
   * @video_id: the video whose rows changed, or 0
   *
   * Emitted after an edit was committed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
fidget_project_init (FidgetProject *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
}

/* }}} */
