/* test-store-errors.c: bad project files get a clear error and are never overwritten
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-test-util.h"

/* A real project with one annotator, closed, in a fresh folder. */
static char *
make_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  char *path = g_build_filename (dir, "p.fidget", NULL);
  g_autoptr(FidgetProject) project = fidget_project_create (path, &error);
  g_autoptr(FidgetAnnotator) annotator = NULL;

  g_assert_no_error (error);
  annotator = fidget_project_add_annotator (project, "alice", &error);
  g_assert_no_error (error);
  return path;
}

/* Opens @path expecting @code; the file's bytes must be the same afterwards. */
static void
assert_open_refused (const char  *path,
                     FidgetError  code,
                     const char  *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autofree char *before = fidget_test_file_checksum (path);
  g_autofree char *after = NULL;

  project = fidget_project_open (path, &error);
  g_assert_null (project);
  g_assert_error (error, FIDGET_ERROR, (int) code);
  g_test_message ("refused: %s", error->message);
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
  after = fidget_test_file_checksum (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_missing (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "nope.fidget", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = fidget_project_open (path, &error);

  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope.fidget"));
  /* Opening never creates. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  project = fidget_project_open (dir, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
}

static void
test_create_in_missing_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = fidget_project_create ("/nonexistent-dir/x.fidget", &error);

  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_null (project);
}

static void
test_read_only (void)
{
  g_autofree char *path = make_project ();

  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  assert_open_refused (path, FIDGET_ERROR_READ_ONLY, "read-only");
  g_chmod (path, 0644);
}

static void
test_garbage_and_empty (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *garbage = g_build_filename (dir, "garbage.fidget", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.fidget", NULL);
  guint8 bytes[8192];
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_rand_int (rand) & 0xff;
  g_rand_free (rand);
  g_assert_true (g_file_set_contents (garbage, (const char *) bytes, sizeof bytes, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  assert_open_refused (garbage, FIDGET_ERROR_NOT_A_PROJECT, "garbage.fidget");
  assert_open_refused (empty, FIDGET_ERROR_CORRUPT, "empty");
}

static void
test_truncated (void)
{
  g_autofree char *path = make_project ();
  g_autofree char *contents = NULL;
  gsize length;

  /* Fold the WAL into the file first so that the file alone holds the project. */
  {
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE); "
                                       "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  /* Keep the header page, damage the rest: the schema pages are gone. */
  memset (contents + 4096, 0xA5, length - 4096);
  g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));

  assert_open_refused (path, FIDGET_ERROR_CORRUPT, "damaged");
}

static void
test_newer_schema (void)
{
  g_autofree char *path = make_project ();
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99; "
                                     "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  assert_open_refused (path, FIDGET_ERROR_TOO_NEW, "newer");
  /* Still version 99: not "repaired", not migrated down. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 99);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

static void
test_other_sqlite (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_open_refused (path, FIDGET_ERROR_NOT_A_PROJECT, "not a Fidget project");
}

static void
test_locked (void)
{
  g_autofree char *path = make_project ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAnnotator) annotator = NULL;
  sqlite3 *db = NULL;

  /* Another program holds the file in exclusive mode. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                                     "CREATE TABLE intruder (x)", NULL, NULL, NULL), ==, SQLITE_OK);

  project = fidget_project_open (path, &error);
  g_assert_null (project);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);

  /* Released: the project opens, and an edit while someone else writes waits, then fails
   * cleanly instead of corrupting anything. */
  project = fidget_project_open (path, &error);
  g_assert_no_error (error);
  fidget_project_set_busy_timeout (project, 100);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  annotator = fidget_project_add_annotator (project, "bob", &error);
  g_assert_null (annotator);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_LOCKED);
  g_clear_error (&error);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);

  annotator = fidget_project_add_annotator (project, "bob", &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-errors/missing", test_missing);
  g_test_add_func ("/store-errors/create-in-missing-folder", test_create_in_missing_folder);
  g_test_add_func ("/store-errors/read-only", test_read_only);
  g_test_add_func ("/store-errors/garbage-and-empty", test_garbage_and_empty);
  g_test_add_func ("/store-errors/truncated", test_truncated);
  g_test_add_func ("/store-errors/newer-schema", test_newer_schema);
  g_test_add_func ("/store-errors/other-sqlite", test_other_sqlite);
  g_test_add_func ("/store-errors/locked", test_locked);

  return g_test_run ();
}
