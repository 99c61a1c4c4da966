/* test-crash-safety.c: a process killed at any moment loses nothing it reported as committed
 *
 * A child opens the project and edits it as fast as it can, writing one line to a pipe after
 * each call that returned success. The parent SIGKILLs it after a random delay, 200+ times,
 * and checks after each kill that the file opens, passes PRAGMA integrity_check, and holds
 * every edit the child reported.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fidget-project-private.h"
#include "fidget-test-util.h"

#define N_KILLS 200
#define FRAMES 100000

static void
write_line (int         fd,
            const char *line)
{
  size_t length = strlen (line);

  while (length > 0)
    {
      ssize_t n = write (fd, line, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (3);
      line += n;
      length -= (size_t) n;
    }
}

/* The child: adds a segment, then stretches it, over and over; reports each success. */
G_GNUC_NORETURN static void
run_child (const char *path,
           gint64      video_id,
           guint       seed,
           int         fd)
{
  g_autoptr(GError) error = NULL;
  FidgetProject *project = fidget_project_open (path, &error);
  GRand *rand = g_rand_new_with_seed (seed);

  if (project == NULL)
    {
      char line[512];
      g_snprintf (line, sizeof line, "E %s\n", error->message);
      write_line (fd, line);
      _exit (2);
    }

  for (;;)
    {
      gint64 start = g_rand_int_range (rand, 0, FRAMES - 200);
      FidgetSegment *segment = fidget_project_add_segment (project, video_id, "child", start,
                                                           start + 10, "B1", NULL);
      char line[256];

      if (segment == NULL)
        continue;
      g_snprintf (line, sizeof line, "A %s %" G_GINT64_FORMAT "\n", segment->uuid, start + 10);
      write_line (fd, line);

      for (int k = 11; k < 14; k++)
        {
          FidgetSegment values = { 0 };
          FidgetSegment *updated;

          values.end_frame = start + k;
          updated = fidget_project_update_segment (project, segment->uuid, &values,
                                                   FIDGET_SEGMENT_FIELD_END, NULL);
          if (updated == NULL)
            continue;
          g_snprintf (line, sizeof line, "U %s %" G_GINT64_FORMAT "\n", segment->uuid, start + k);
          write_line (fd, line);
          fidget_segment_free (updated);
        }
      fidget_segment_free (segment);
    }
}

static char *
read_all (int fd)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  ssize_t n;

  while ((n = read (fd, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      g_string_append_len (text, buffer, n);
    }
  return g_string_free (text, FALSE);
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_sigkill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "crash.fidget", NULL);
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 video_id;
  guint total_reported_edits = 0;
  guint kills = 0;
  guint i;

  {
    g_autoptr(FidgetProject) project = fidget_project_create (path, &error);
    g_autoptr(FidgetAnnotator) annotator = NULL;
    g_autoptr(FidgetVideo) info = fidget_video_new ();
    g_autoptr(FidgetVideo) video = NULL;

    g_assert_no_error (error);
    annotator = fidget_project_add_annotator (project, "child", &error);
    g_assert_no_error (error);
    info->content_hash = g_strconcat ("sha256:", "0123456789abcdef0123456789abcdef"
                                      "0123456789abcdef0123456789abcdef", NULL);
    info->width = 640;
    info->height = 480;
    info->fps_num = 30;
    info->fps_den = 1;
    info->frame_count = FRAMES;
    info->duration_ns = FRAMES * (G_GINT64_CONSTANT (1000000000) / 30);
    video = fidget_project_add_video (project, info, "/videos/v.mkv", NULL, &error);
    g_assert_no_error (error);
    video_id = video->id;
  }

  /* On a loaded machine a child may get less done before its kill: go on past N_KILLS until
   * the children have reported N_KILLS commits in all (bounded), rather than fail. */
  for (i = 0; (i < N_KILLS || total_reported_edits < N_KILLS) && i < 4 * N_KILLS; i++)
    {
      g_autofree char *output = NULL;
      g_auto(GStrv) lines = NULL;
      int fds[2];
      pid_t pid;
      int status = 0;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          run_child (path, video_id, i + 1, fds[1]);
        }
      close (fds[1]);

      /* 0-40 ms: from before the open finishes to deep inside a run of commits. */
      g_usleep (g_random_int_range (0, 40000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      output = read_all (fds[0]);
      close (fds[0]);
      if (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL)
        kills++;

      lines = g_strsplit (output, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          g_auto(GStrv) parts = NULL;

          if (lines[l][0] == '\0')
            continue;
          /* A line cut by the kill is not a report. */
          if (lines[l + 1] == NULL)
            break;
          g_assert_false (g_str_has_prefix (lines[l], "E "));
          parts = g_strsplit (lines[l], " ", 3);
          g_assert_cmpuint (g_strv_length (parts), ==, 3);
          g_hash_table_insert (reported, g_strdup (parts[1]),
                               GINT_TO_POINTER ((int) g_ascii_strtoll (parts[2], NULL, 10)));
          total_reported_edits++;
        }

      assert_integrity (path);

      /* Check every tenth round in depth (and the last): all reported edits are there, each
       * with at least the end it was last reported with (a later edit may have committed just
       * before the kill, without being reported). */
      if (i % 10 == 9 || i == N_KILLS - 1)
        {
          g_autoptr(FidgetProject) project = fidget_project_open (path, &error);
          g_autoptr(GPtrArray) segments = NULL;
          g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
          GHashTableIter iter;
          gpointer key, value;

          g_assert_no_error (error);
          segments = fidget_project_list_segments (project, video_id, &error);
          g_assert_no_error (error);
          for (guint s = 0; s < segments->len; s++)
            {
              FidgetSegment *segment = g_ptr_array_index (segments, s);
              g_hash_table_insert (present, segment->uuid, segment);
            }
          g_hash_table_iter_init (&iter, reported);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              FidgetSegment *segment = g_hash_table_lookup (present, key);

              g_assert_nonnull (segment);
              g_assert_cmpint (segment->end_frame, >=, GPOINTER_TO_INT (value));
            }
        }
    }

  g_test_message ("%u kills of %u children, %u reported edits, %u segments checked", kills, i,
                  total_reported_edits, g_hash_table_size (reported));
  g_assert_cmpuint (kills, >=, i * 9 / 10);
  /* The test means nothing if the child rarely got to commit. */
  g_assert_cmpuint (total_reported_edits, >=, N_KILLS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/crash-safety/sigkill", test_sigkill);
  return g_test_run ();
}
