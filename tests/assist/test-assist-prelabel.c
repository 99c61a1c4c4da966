/* test-assist-prelabel.c: fidget-cli prelabel and suggestions on the demo study, with the
 * committed width-8 MANet
 *
 * The width-8 network has random weights, so its labels mean nothing; what is checked is the
 * scan itself: windows that find the scripted moves, suggestions stored with the model's hash
 * and its top 5, never counted as segments, replaced on a re-run (decided ones stay), split by
 * shards, and decisions that make segments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-cli-test-util.h"
#include "fidget-project.h"
#include "fidget-proposals.h"
#include "fidget-test-util.h"

static char *project_path;
static char *weights;
static char *weights_hash;
static GArray *moves; /* [start, end) pairs of P001's scripted moves */

static void
ensure_demo (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_autofree char *dir = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *script = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *digest = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length = 0;

  if (project_path != NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  fidget_cli_run (&run, "demo", dir, NULL);
  g_assert_cmpint (run.status, ==, 0);
  project_path = g_build_filename (dir, "demo.fidget", NULL);

  weights = g_test_build_filename (G_TEST_DIST, "manet", "data", "manet-w8.safetensors", NULL);
  g_assert_true (g_file_get_contents (weights, &contents, &length, NULL));
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  weights_hash = g_strconcat ("sha256:", digest, NULL);

  script_path = g_build_filename (dir, "script.tsv", NULL);
  g_assert_true (g_file_get_contents (script_path, &script, NULL, NULL));
  lines = g_strsplit (script, "\n", -1);
  moves = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (f) == 6 && g_str_equal (f[0], "P001"))
        {
          gint64 start = g_ascii_strtoll (f[4], NULL, 10), end = g_ascii_strtoll (f[5], NULL, 10);

          g_array_append_val (moves, start);
          g_array_append_val (moves, end);
        }
    }
  g_assert_cmpuint (moves->len, >=, 2 * 5);
}

static JsonArray *
suggestions_of (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "suggestions");
}

static guint
count_state (JsonArray  *list,
             const char *state)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i),
                                                    "state"), state))
      n++;
  return n;
}

static guint
count_segments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = fidget_project_open (project_path, &error);
  g_autoptr(GPtrArray) segments = NULL;

  g_assert_no_error (error);
  segments = fidget_project_list_segments (project, 1, &error);
  g_assert_no_error (error);
  return segments->len;
}

static void
test_prelabel (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_auto(FidgetCliRun) again = { 0 };
  g_auto(FidgetCliRun) listed = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) list_root = NULL;
  JsonArray *list;
  guint segments_before, found = 0;
  gint64 windows;

  ensure_demo ();
  segments_before = count_segments ();

  fidget_cli_run (&run, "prelabel", project_path, "--video", "1", "--weights", weights,
                  "--threads", "2", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = fidget_cli_parse_json (run.out);
  list = suggestions_of (root);
  windows = json_object_get_int_member (json_node_get_object (root), "windows");
  g_test_message ("30 s demo video: %" G_GINT64_FORMAT " windows, motion %.0f ms, in all %.0f ms",
                  windows,
                  json_object_get_double_member (json_node_get_object (root), "motion_ms"),
                  json_object_get_double_member (json_node_get_object (root), "elapsed_ms"));
  g_assert_cmpint (windows, >, 0);
  g_assert_cmpint (json_array_get_length (list), ==, windows);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      JsonArray *top = json_object_get_array_member (s, "top5");
      double previous = 1.0, total = 0.0;

      g_assert_cmpstr (json_object_get_string_member (s, "model"), ==, weights_hash);
      g_assert_cmpstr (json_object_get_string_member (s, "state"), ==, "open");
      g_assert_cmpuint (json_array_get_length (top), ==, 5);
      g_assert_cmpstr (json_object_get_string_member (s, "action"), ==,
                       json_object_get_string_member (json_array_get_object_element (top, 0),
                                                      "code"));
      for (guint k = 0; k < 5; k++)
        {
          double score = json_object_get_double_member (json_array_get_object_element (top, k),
                                                        "score");

          g_assert_cmpfloat (score, <=, previous);
          g_assert_cmpfloat (score, >, 0.0);
          previous = score;
          total += score;
        }
      g_assert_cmpfloat (total, <=, 1.0 + 1e-9);
    }

  /* The windows find the scripted moves. */
  for (guint m = 0; m < moves->len; m += 2)
    {
      double best = 0.0;

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *s = json_array_get_object_element (list, i);

          best = MAX (best, fidget_proposal_tiou (json_object_get_int_member (s, "start"),
                                                  json_object_get_int_member (s, "end"),
                                                  g_array_index (moves, gint64, m),
                                                  g_array_index (moves, gint64, m + 1)));
        }
      if (best >= 0.3)
        found++;
    }
  g_test_message ("recall of P001's %u moves at tIoU >= 0.3: %.3f", moves->len / 2,
                  (double) found / (moves->len / 2));
  g_assert_cmpfloat ((double) found / (moves->len / 2), >=, 0.9);

  /* Suggestions are not labels. */
  g_assert_cmpuint (count_segments (), ==, segments_before);

  /* A second run replaces the open ones instead of piling up. */
  fidget_cli_run (&again, "prelabel", project_path, "--video", "1", "--weights", weights, NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_nonnull (strstr (again.out, "suggestions for video 1"));
  fidget_cli_run (&listed, "suggestions", project_path, "--video", "1", "--json", NULL);
  g_assert_cmpint (listed.status, ==, 0);
  list_root = fidget_cli_parse_json (listed.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list_root)), ==, windows);
}

static JsonArray *
list_all (JsonNode **root)
{
  g_auto(FidgetCliRun) run = { 0 };

  fidget_cli_run (&run, "suggestions", project_path, "--video", "1", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  *root = fidget_cli_parse_json (run.out);
  return json_node_get_array (*root);
}

static void
test_decide_and_rerun (void)
{
  g_auto(FidgetCliRun) run = { 0 };
  g_auto(FidgetCliRun) accept = { 0 };
  g_auto(FidgetCliRun) twice = { 0 };
  g_auto(FidgetCliRun) fix = { 0 };
  g_auto(FidgetCliRun) reject = { 0 };
  g_auto(FidgetCliRun) nobody = { 0 };
  g_auto(FidgetCliRun) shard1 = { 0 };
  g_auto(FidgetCliRun) shard2 = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) sharded = NULL;
  g_autoptr(JsonNode) accepted = NULL;
  g_autoptr(JsonNode) s1 = NULL;
  JsonArray *list;
  guint n, segments_before;
  g_autofree char *u0 = NULL, *u1 = NULL, *u2 = NULL;

  ensure_demo ();
  fidget_cli_run (&run, "prelabel", project_path, "--video", "1", "--weights", weights, NULL);
  g_assert_cmpint (run.status, ==, 0);
  list = list_all (&root);
  n = json_array_get_length (list);
  g_assert_cmpuint (n, >=, 3);
  u0 = g_strdup (json_object_get_string_member (json_array_get_object_element (list, 0), "uuid"));
  u1 = g_strdup (json_object_get_string_member (json_array_get_object_element (list, 1), "uuid"));
  u2 = g_strdup (json_object_get_string_member (json_array_get_object_element (list, 2), "uuid"));
  segments_before = count_segments ();

  fidget_cli_run (&nobody, "suggestions", "accept", project_path, u0, NULL);
  fidget_cli_run_assert_failed (&nobody, 2, "--as");

  fidget_cli_run (&accept, "suggestions", "accept", project_path, u0, "--as", "bo", "--json",
                  NULL);
  g_assert_cmpint (accept.status, ==, 0);
  accepted = fidget_cli_parse_json (accept.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (accepted), "state"), ==,
                   "accepted");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (accepted), "decided_by"),
                   ==, "bo");
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (accepted), "segment"));

  fidget_cli_run (&twice, "suggestions", "reject", project_path, u0, "--as", "bo", NULL);
  fidget_cli_run_assert_failed (&twice, 1, "already");

  fidget_cli_run (&fix, "suggestions", "fix", project_path, u1, "--as", "carmen", "--action",
                  "B1", NULL);
  g_assert_cmpint (fix.status, ==, 0);
  g_assert_nonnull (strstr (fix.out, "fixed\tcarmen"));
  fidget_cli_run (&reject, "suggestions", "reject", project_path, u2, "--as", "dev", NULL);
  g_assert_cmpint (reject.status, ==, 0);
  g_assert_nonnull (strstr (reject.out, "rejected\tdev"));
  g_assert_cmpuint (count_segments (), ==, segments_before + 2);

  /* Shards split the windows between them; re-running both leaves one open suggestion per
   * window, and the three decided ones untouched. */
  fidget_cli_run (&shard1, "prelabel", project_path, "--video", "1", "--weights", weights,
                  "--shard", "1/2", "--json", NULL);
  g_assert_cmpint (shard1.status, ==, 0);
  s1 = fidget_cli_parse_json (shard1.out);
  g_assert_cmpuint (json_array_get_length (suggestions_of (s1)), ==, (n + 1) / 2);
  fidget_cli_run (&shard2, "prelabel", project_path, "--video", "1", "--weights", weights,
                  "--shard", "2/2", NULL);
  g_assert_cmpint (shard2.status, ==, 0);
  list = list_all (&sharded);
  g_assert_cmpuint (count_state (list, "open"), ==, n);
  g_assert_cmpuint (count_state (list, "accepted"), ==, 1);
  g_assert_cmpuint (count_state (list, "fixed"), ==, 1);
  g_assert_cmpuint (count_state (list, "rejected"), ==, 1);
  g_assert_cmpuint (json_array_get_length (list), ==, n + 3);
}

static void
test_refusals (void)
{
  g_auto(FidgetCliRun) no_weights = { 0 };
  g_auto(FidgetCliRun) missing = { 0 };
  g_auto(FidgetCliRun) shard = { 0 };
  g_auto(FidgetCliRun) video = { 0 };
  g_auto(FidgetCliRun) unknown = { 0 };

  ensure_demo ();
  fidget_cli_run (&no_weights, "prelabel", project_path, "--video", "1", NULL);
  fidget_cli_run_assert_failed (&no_weights, 2, "--weights");
  fidget_cli_run (&missing, "prelabel", project_path, "--video", "1", "--weights",
                  "/nonexistent/manet.safetensors", NULL);
  fidget_cli_run_assert_failed (&missing, 1, "do not exist");
  fidget_cli_run (&shard, "prelabel", project_path, "--video", "1", "--weights", weights,
                  "--shard", "3/2", NULL);
  fidget_cli_run_assert_failed (&shard, 2, "--shard");
  fidget_cli_run (&video, "suggestions", project_path, "--video", "99", NULL);
  fidget_cli_run_assert_failed (&video, 1, NULL);
  fidget_cli_run (&unknown, "suggestions", "accept", project_path, "no-such-uuid", "--as", "bo",
                  NULL);
  fidget_cli_run_assert_failed (&unknown, 1, "no suggestion");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/prelabel/scan", test_prelabel);
  g_test_add_func ("/prelabel/decide-and-rerun", test_decide_and_rerun);
  g_test_add_func ("/prelabel/refusals", test_refusals);

  return g_test_run ();
}
