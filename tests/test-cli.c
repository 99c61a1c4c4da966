/* test-cli.c: fidget-cli end to end, as scripts use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "fidget-cli-test-util.h"
#include "fidget-test-util.h"

static void
test_project_lifecycle (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *project = g_build_filename (dir, "study.fidget", NULL);
  g_autofree char *again = fidget_test_sample ("again.mkv");
  g_autofree char *text_file = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *uuid = NULL;
  g_autofree char *checksum = NULL;
  g_autoptr(JsonNode) videos = NULL;
  g_autoptr(JsonNode) segments = NULL;
  JsonObject *video;
  JsonObject *segment;

  if (again == NULL)
    return;

  fidget_cli_run (&run, "init", project, NULL);
  g_assert_cmpint (run.status, ==, 0);
  fidget_cli_run (&run, "init", project, NULL);
  fidget_cli_run_assert_failed (&run, 1, "already exists");

  fidget_cli_run (&run, "import-video", project, again, "--participant", "P001", "--gender", "female",
           "--age-group", "18-25", NULL);
  g_assert_cmpint (run.status, ==, 0);

  fidget_cli_run (&run, "videos", project, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  videos = fidget_cli_parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (videos)), ==, 1);
  video = json_array_get_object_element (json_node_get_array (videos), 0);
  g_assert_cmpint (json_object_get_int_member (video, "id"), ==, 1);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (video, "path"), "again.mkv"));
  g_assert_cmpstr (json_object_get_string_member (video, "participant"), ==, "P001");
  g_assert_cmpint (json_object_get_int_member (video, "width"), ==, 640);
  g_assert_cmpint (json_object_get_int_member (video, "height"), ==, 480);
  g_assert_cmpstr (json_object_get_string_member (video, "fps"), ==, "30/1");
  g_assert_cmpint (json_object_get_int_member (video, "frame_count"), ==, 78);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (video, "duration_s"), 2.6, 0.05);

  /* Refused imports leave the project's file as it was. */
  checksum = fidget_test_file_checksum (project);
  fidget_cli_run (&run, "import-video", project, again, NULL);
  fidget_cli_run_assert_failed (&run, 1, "already in the project");
  g_assert_true (g_file_set_contents (text_file, "not a video\n", -1, NULL));
  fidget_cli_run (&run, "import-video", project, text_file, NULL);
  fidget_cli_run_assert_failed (&run, 1, "notes.txt");
  fidget_cli_run (&run, "import-video", project, "/nonexistent/x.mkv", NULL);
  fidget_cli_run_assert_failed (&run, 1, "x.mkv");
  {
    g_autofree char *after = fidget_test_file_checksum (project);
    g_assert_cmpstr (checksum, ==, after);
  }

  fidget_cli_run (&run, "annotators", "add", project, "alice", NULL);
  g_assert_cmpint (run.status, ==, 0);
  fidget_cli_run (&run, "annotators", "add", project, "ALICE", NULL);
  fidget_cli_run_assert_failed (&run, 1, "already");
  fidget_cli_run (&run, "annotators", project, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonNode) list = fidget_cli_parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  }

  fidget_cli_run (&run, "segments", "add", project, "--video", "1", "--annotator", "alice",
           "--start", "10", "--end", "25", "--action", "b1", NULL);
  g_assert_cmpint (run.status, ==, 0);
  uuid = g_strstrip (g_strdup (run.out));
  g_assert_true (g_uuid_string_is_valid (uuid));
  /* A labelled video stays in the project. */
  fidget_cli_run (&run, "remove-video", project, "--video", "1", NULL);
  fidget_cli_run_assert_failed (&run, 1, "1 segment");

  fidget_cli_run (&run, "segments", project, "--video", "1", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  segments = fidget_cli_parse_json (run.out);
  segment = json_array_get_object_element (json_node_get_array (segments), 0);
  g_assert_cmpstr (json_object_get_string_member (segment, "uuid"), ==, uuid);
  g_assert_cmpint (json_object_get_int_member (segment, "video"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (segment, "annotator"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (segment, "start"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (segment, "end"), ==, 25);
  g_assert_cmpstr (json_object_get_string_member (segment, "action"), ==, "B1");

  /* Out of the video, unknown code: refused (1). Malformed: usage (2). */
  fidget_cli_run (&run, "segments", "add", project, "--video", "1", "--annotator", "alice",
           "--start", "70", "--end", "79", "--action", "B1", NULL);
  fidget_cli_run_assert_failed (&run, 1, "78");
  fidget_cli_run (&run, "segments", "add", project, "--video", "1", "--annotator", "alice",
           "--start", "1", "--end", "5", "--action", "X7", NULL);
  fidget_cli_run_assert_failed (&run, 1, "X7");
  fidget_cli_run (&run, "segments", "add", project, "--video", "1", "--annotator", "alice",
           "--start", "one", "--end", "5", "--action", "B1", NULL);
  fidget_cli_run_assert_failed (&run, 2, "--start");
  fidget_cli_run (&run, "segments", "add", project, "--video", "1", NULL);
  fidget_cli_run_assert_failed (&run, 2, NULL);
  fidget_cli_run (&run, "frobnicate", NULL);
  fidget_cli_run_assert_failed (&run, 2, "frobnicate");
  fidget_cli_run (&run, "videos", NULL);
  fidget_cli_run_assert_failed (&run, 2, NULL);
  fidget_cli_run (&run, "videos", "/nonexistent/p.fidget", NULL);
  fidget_cli_run_assert_failed (&run, 1, "p.fidget");

  fidget_cli_run (&run, "segments", "set", project, uuid, "--end", "30", "--action", "B6",
           "--emotion", "joy", "--note", "chin up", "--flag", NULL);
  g_assert_cmpint (run.status, ==, 0);
  fidget_cli_run (&run, "segments", "set", project, uuid, NULL);
  fidget_cli_run_assert_failed (&run, 2, NULL);
  fidget_cli_run (&run, "segments", project, "--json", NULL);
  {
    g_autoptr(JsonNode) list = fidget_cli_parse_json (run.out);
    JsonObject *s = json_array_get_object_element (json_node_get_array (list), 0);
    g_assert_cmpint (json_object_get_int_member (s, "end"), ==, 30);
    g_assert_cmpstr (json_object_get_string_member (s, "action"), ==, "B6");
    g_assert_cmpstr (json_object_get_string_member (s, "emotion"), ==, "joy");
    g_assert_true (json_object_get_boolean_member (s, "flagged"));
  }

  fidget_cli_run (&run, "undo", project, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "B6"));
  fidget_cli_run (&run, "segments", project, "--json", NULL);
  {
    g_autoptr(JsonNode) list = fidget_cli_parse_json (run.out);
    JsonObject *s = json_array_get_object_element (json_node_get_array (list), 0);
    g_assert_cmpint (json_object_get_int_member (s, "end"), ==, 25);
    g_assert_cmpstr (json_object_get_string_member (s, "action"), ==, "B1");
  }
  fidget_cli_run (&run, "redo", project, NULL);
  g_assert_cmpint (run.status, ==, 0);

  fidget_cli_run (&run, "segments", "delete", project, uuid, NULL);
  g_assert_cmpint (run.status, ==, 0);
  fidget_cli_run (&run, "segments", "delete", project, uuid, NULL);
  fidget_cli_run_assert_failed (&run, 1, uuid);
  fidget_cli_run (&run, "segments", project, "--json", NULL);
  {
    g_autoptr(JsonNode) list = fidget_cli_parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);
  }
  fidget_cli_run (&run, "undo", project, NULL);
  fidget_cli_run (&run, "undo", project, NULL);
  fidget_cli_run (&run, "undo", project, NULL);
  g_assert_cmpint (run.status, ==, 0);
  fidget_cli_run (&run, "undo", project, NULL);
  fidget_cli_run_assert_failed (&run, 1, "nothing to undo");

  /* Every label undone: the video can leave, and what could be redone on it goes too. */
  fidget_cli_run (&run, "remove-video", project, NULL);
  fidget_cli_run_assert_failed (&run, 2, "--video");
  fidget_cli_run (&run, "remove-video", project, "--video", "7", NULL);
  fidget_cli_run_assert_failed (&run, 1, "7");
  fidget_cli_run (&run, "remove-video", project, "--video", "1", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "again.mkv"));
  fidget_cli_run (&run, "redo", project, NULL);
  fidget_cli_run_assert_failed (&run, 1, "nothing to redo");
  fidget_cli_run (&run, "videos", project, "--json", NULL);
  {
    g_autoptr(JsonNode) list = fidget_cli_parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);
  }
  g_assert_true (g_file_test (again, G_FILE_TEST_IS_REGULAR));
}

static void
test_taxonomy (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  fidget_cli_run (&run, "taxonomy", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = fidget_cli_parse_json (run.out);
  object = json_node_get_object (root);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "body_parts")), ==, 7);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "actions")), ==, 52);

  fidget_cli_run (&run, "taxonomy", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "B1"));
  g_assert_nonnull (strstr (run.out, "nodding"));
}

/* The demo: >= 4 participants, 20-60 s at 30 fps, >= 40 segments that follow script.tsv. */
static void
test_demo (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *demo = g_build_filename (dir, "demo", NULL);
  g_autofree char *project = g_build_filename (demo, "demo.fidget", NULL);
  g_autofree char *tsv_path = g_build_filename (demo, "script.tsv", NULL);
  g_autofree char *tsv = NULL;
  g_autoptr(JsonNode) videos = NULL;
  g_autoptr(JsonNode) segments = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;
  JsonArray *array;
  guint n_script = 0;

  fidget_cli_run (&run, "demo", demo, NULL);
  g_test_message ("demo: %s", run.err);
  g_assert_cmpint (run.status, ==, 0);

  fidget_cli_run (&run, "videos", project, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  videos = fidget_cli_parse_json (run.out);
  array = json_node_get_array (videos);
  g_assert_cmpuint (json_array_get_length (array), >=, 4);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *video = json_array_get_object_element (array, i);
      double duration = json_object_get_double_member (video, "duration_s");

      g_assert_cmpstr (json_object_get_string_member (video, "fps"), ==, "30/1");
      g_assert_cmpfloat (duration, >=, 20.0);
      g_assert_cmpfloat (duration, <=, 60.0);
      g_assert_nonnull (json_object_get_string_member (video, "participant"));
      /* Frame count and duration agree exactly at 30/1. */
      g_assert_cmpfloat_with_epsilon (json_object_get_int_member (video, "frame_count") / 30.0,
                                      duration, 0.04);
    }

  g_assert_true (g_file_get_contents (tsv_path, &tsv, NULL, NULL));
  lines = g_strsplit (tsv, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;

      if (lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 6);
      /* video path, action, start, end identify a scripted move */
      g_hash_table_add (expected, g_strdup_printf ("%s %s %s %s %s", f[1], f[2], f[3], f[4], f[5]));
      n_script++;
    }
  g_assert_cmpuint (n_script, >=, 40);

  fidget_cli_run (&run, "segments", project, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  segments = fidget_cli_parse_json (run.out);
  array = json_node_get_array (segments);
  g_assert_cmpuint (json_array_get_length (array), ==, n_script);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *s = json_array_get_object_element (array, i);
      gint64 video_id = json_object_get_int_member (s, "video");
      JsonObject *video = NULL;
      g_autofree char *key = NULL;

      for (guint v = 0; v < json_array_get_length (json_node_get_array (videos)); v++)
        {
          JsonObject *candidate = json_array_get_object_element (json_node_get_array (videos), v);
          if (json_object_get_int_member (candidate, "id") == video_id)
            video = candidate;
        }
      g_assert_nonnull (video);
      key = g_strdup_printf ("%s %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                             json_object_get_string_member (video, "path"),
                             json_object_get_string_member (s, "annotator"),
                             json_object_get_string_member (s, "action"),
                             json_object_get_int_member (s, "start"),
                             json_object_get_int_member (s, "end"));
      g_assert_true (g_hash_table_contains (expected, key));
    }

  /* A second demo into the same folder is refused, the first left alone. */
  fidget_cli_run (&run, "demo", demo, NULL);
  fidget_cli_run_assert_failed (&run, 1, "already");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/project-lifecycle", test_project_lifecycle);
  g_test_add_func ("/cli/taxonomy", test_taxonomy);
  g_test_add_func ("/cli/demo", test_demo);

  return g_test_run ();
}
