/* test-cli-review.c: the review commands of fidget-cli, as a coordinator's script uses them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "fidget-project.h"
#include "fidget-cli-test-util.h"
#include "fidget-test-util.h"

static void
assert_ok (FidgetCliRun *run)
{
  if (run->status != 0)
    g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
}

/* The first line of stdout, without its newline. */
static char *
first_line (FidgetCliRun *run)
{
  const char *end = strchr (run->out, '\n');

  return end != NULL ? g_strndup (run->out, end - run->out) : g_strdup (run->out);
}

/* A project with annotators and one 300-frame video, made through core: the CLI is what is
 * tested, not the import. */
static char *
make_project (const char * const *names)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  char *path = g_build_filename (dir, "review.fidget", NULL);
  g_autofree char *file = g_build_filename (dir, "p1.mkv", NULL);
  g_autoptr(FidgetProject) project = fidget_project_create (path, &error);
  g_autoptr(FidgetVideo) info = fidget_video_new ();
  g_autoptr(FidgetVideo) video = NULL;

  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(FidgetAnnotator) a = fidget_project_add_annotator (project, names[i], &error);
      g_assert_no_error (error);
    }
  info->content_hash = g_strconcat ("sha256:", "0123456789abcdef0123456789abcdef"
                                    "0123456789abcdef0123456789abcdef", NULL);
  info->size_bytes = 1000;
  info->width = 640;
  info->height = 480;
  info->fps_num = 30;
  info->fps_den = 1;
  info->frame_count = 300;
  info->duration_ns = G_GINT64_CONSTANT (10000000000);
  video = fidget_project_add_video (project, info, file, "P001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (video->id, ==, 1);
  return path;
}

static char *
add_segment (const char *path,
             const char *who,
             const char *start,
             const char *end,
             const char *code)
{
  g_auto(FidgetCliRun) run = { 0 };

  fidget_cli_run (&run, "segments", "add", path, "--video", "1", "--annotator", who, "--as", who,
           "--start", start, "--end", end, "--action", code, NULL);
  assert_ok (&run);
  return first_line (&run);
}

static const char *
json_string (JsonObject *object,
             const char *member)
{
  return json_object_get_string_member (object, member);
}

static void
test_workflow (void)
{
  const char *names[] = { "pat", "cai", "cy", "rev", NULL };
  g_autofree char *path = make_project (names);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *chosen = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(FidgetCliRun) run = { 0 };
  JsonArray *disputes, *versions;
  JsonObject *object;
  gint64 dispute_id;

  /* assign: usage errors are 2, refusals 1. */
  fidget_cli_run (&run, "assign", path, "--video", "1", "--primary", "pat", "--reviewer", "rev", NULL);
  fidget_cli_run_assert_failed (&run, 2, "--checkers");
  fidget_cli_run (&run, "assign", path, "--video", "1", "--primary", "pat", "--checkers", "cai",
           "--reviewer", "rev", NULL);
  fidget_cli_run_assert_failed (&run, 1, "at least 2");
  fidget_cli_run (&run, "assign", path, "--video", "1", "--primary", "pat", "--checkers", "cai, cy",
           "--reviewer", "cy", NULL);
  fidget_cli_run_assert_failed (&run, 1, "third party");
  fidget_cli_run (&run, "assign", path, "--video", "1", "--primary", "pat", "--checkers", "cai,cy",
           "--reviewer", "rev", NULL);
  assert_ok (&run);

  /* Annotating: only the primary. */
  fidget_cli_run (&run, "segments", "add", path, "--video", "1", "--annotator", "cai", "--start", "1",
           "--end", "5", "--action", "B1", NULL);
  fidget_cli_run_assert_failed (&run, 1, "pat");
  s1 = add_segment (path, "pat", "10", "40", "B1");
  s2 = add_segment (path, "pat", "100", "130", "C1");

  /* Self-check: confirm one, fix the other, submit. */
  fidget_cli_run (&run, "submit", path, "--video", "1", "--as", "pat", NULL);
  fidget_cli_run_assert_failed (&run, 1, "not confirmed");
  fidget_cli_run (&run, "confirm", path, s1, NULL);
  fidget_cli_run_assert_failed (&run, 2, "--as");
  fidget_cli_run (&run, "confirm", path, s1, "--as", "cai", NULL);
  fidget_cli_run_assert_failed (&run, 1, "pat");
  fidget_cli_run (&run, "confirm", path, s1, "--as", "pat", NULL);
  assert_ok (&run);
  fidget_cli_run (&run, "confirm", path, s2, "--as", "pat", "--end", "132", NULL);
  assert_ok (&run);
  fidget_cli_run (&run, "submit", path, "--video", "1", "--as", "pat", NULL);
  assert_ok (&run);
  g_assert_cmpstr (run.out, ==, "self-checked\n");

  /* Cross-check. */
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s1, "--as", "cai", "maybe", NULL);
  fidget_cli_run_assert_failed (&run, 2, "maybe");
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s1, "--as", "cai", "relabel", NULL);
  fidget_cli_run_assert_failed (&run, 2, "CODE");
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s1, "--as", "rev", "agree", NULL);
  fidget_cli_run_assert_failed (&run, 1, "not a cross-checker");
  fidget_cli_run (&run, "decide", path, "--video", "2", "--segment", s1, "--as", "cai", "agree", NULL);
  fidget_cli_run_assert_failed (&run, 1, "video 1");
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s1, "--as", "cai", "agree", NULL);
  assert_ok (&run);
  g_assert_true (g_uuid_string_is_valid (g_strstrip (run.out)));
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s2, "--as", "cai", "relabel", "C2",
           NULL);
  assert_ok (&run);
  fidget_cli_run (&run, "submit", path, "--video", "1", "--as", "cai", NULL);
  assert_ok (&run);
  g_assert_cmpstr (run.out, ==, "cross-checking\n");
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s1, "--as", "cy", "adjust", "12",
           "42", NULL);
  assert_ok (&run);
  fidget_cli_run (&run, "decide", path, "--video", "1", "--segment", s2, "--as", "cy", "reject", NULL);
  assert_ok (&run);
  fidget_cli_run (&run, "submit", path, "--video", "1", "--as", "cy", NULL);
  assert_ok (&run);
  g_assert_cmpstr (run.out, ==, "disputed\n");

  /* The reviewer: disputes with every version, choose one, verify. */
  fidget_cli_run (&run, "disputes", path, "--open", "--json", NULL);
  assert_ok (&run);
  root = fidget_cli_parse_json (run.out);
  disputes = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (disputes), ==, 1);
  object = json_array_get_object_element (disputes, 0);
  g_assert_cmpstr (json_string (object, "kind"), ==, "rejection");
  dispute_id = json_object_get_int_member (object, "id");
  versions = json_object_get_array_member (object, "versions");
  g_assert_cmpuint (json_array_get_length (versions), ==, 3);
  g_assert_cmpstr (json_string (json_array_get_object_element (versions, 1), "action"), ==, "C2");
  chosen = g_strdup (json_string (json_array_get_object_element (versions, 1), "uuid"));

  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, dispute_id);

    fidget_cli_run (&run, "verify", path, "--video", "1", "--reviewer", "rev", NULL);
    fidget_cli_run_assert_failed (&run, 1, "open dispute");
    fidget_cli_run (&run, "resolve", path, "--dispute", id, "--as", "rev", "--drop", "--choose", chosen,
             NULL);
    fidget_cli_run_assert_failed (&run, 2, NULL);
    fidget_cli_run (&run, "resolve", path, "--dispute", id, "--as", "cai", "--choose", chosen, NULL);
    fidget_cli_run_assert_failed (&run, 1, "rev");
    fidget_cli_run (&run, "resolve", path, "--dispute", id, "--as", "rev", "--choose", chosen, NULL);
    assert_ok (&run);
    g_assert_cmpstr (run.out, ==, "consensus\n");
  }
  fidget_cli_run (&run, "verify", path, "--video", "1", "--reviewer", "cai", NULL);
  fidget_cli_run_assert_failed (&run, 1, "rev");
  fidget_cli_run (&run, "verify", path, "--video", "1", "--reviewer", "rev", NULL);
  assert_ok (&run);

  /* Status and ground truth. */
  g_clear_pointer (&root, json_node_unref);
  fidget_cli_run (&run, "status", path, "--video", "1", "--json", NULL);
  assert_ok (&run);
  root = fidget_cli_parse_json (run.out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_string (object, "state"), ==, "verified");
  g_assert_cmpstr (json_string (object, "primary"), ==, "pat");
  g_assert_cmpint (json_object_get_int_member (object, "consensus"), ==, 2);
  g_assert_true (json_object_get_boolean_member (
    json_array_get_object_element (json_object_get_array_member (object, "checkers"), 1),
    "submitted"));

  g_clear_pointer (&root, json_node_unref);
  fidget_cli_run (&run, "consensus", path, "--verified", "--json", NULL);
  assert_ok (&run);
  root = fidget_cli_parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
  /* B1: pat [10,40), cai [10,40), cy [12,42): medians [10, 40). */
  object = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_string (object, "action"), ==, "B1");
  g_assert_cmpint (json_object_get_int_member (object, "start"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (object, "end"), ==, 40);
  object = json_array_get_object_element (json_node_get_array (root), 1);
  g_assert_cmpstr (json_string (object, "action"), ==, "C2");
  g_assert_cmpint (json_object_get_int_member (object, "end"), ==, 132);

  /* Reopen: with a reason, by the reviewer. */
  fidget_cli_run (&run, "reopen", path, "--video", "1", "--as", "rev", NULL);
  fidget_cli_run_assert_failed (&run, 2, "--reason");
  fidget_cli_run (&run, "reopen", path, "--video", "1", "--as", "rev", "--reason", "x", "--to",
           "verified", NULL);
  fidget_cli_run_assert_failed (&run, 2, "--to");
  fidget_cli_run (&run, "reopen", path, "--video", "1", "--as", "pat", "--reason", "mine", NULL);
  fidget_cli_run_assert_failed (&run, 1, "rev");
  fidget_cli_run (&run, "reopen", path, "--video", "1", "--as", "rev", "--reason", "C2 ends early",
           "--to", "consensus", NULL);
  assert_ok (&run);
  fidget_cli_run (&run, "status", path, NULL);
  assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "1\tconsensus\tpat\tcai*,cy*\trev\t"));

  fidget_cli_run (&run, "status", path, "--video", "7", NULL);
  fidget_cli_run_assert_failed (&run, 1, "video 7");
}

static double
member_double (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
}

static void
test_agreement (void)
{
  const char *names[] = { "ann", "ben", "cal", NULL };
  g_autofree char *path = make_project (names);
  g_autofree char *png = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(JsonNode) root = NULL;
  g_auto(FidgetCliRun) run = { 0 };
  JsonObject *report, *pair;
  JsonArray *actions;
  gboolean found_c1 = FALSE;
  const char *spans[][4] = {
    { "ann", "0", "10", "B1" }, { "ann", "20", "30", "B2" }, { "ann", "40", "50", "C1" },
    { "ann", "60", "70", "C1" }, { "ben", "1", "11", "B1" }, { "ben", "20", "30", "B3" },
    { "ben", "45", "55", "C1" }, { "ben", "80", "90", "D1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (spans); i++)
    g_free (add_segment (path, spans[i][0], spans[i][1], spans[i][2], spans[i][3]));

  fidget_cli_run (&run, "agreement", path, "--json", NULL);
  assert_ok (&run);
  root = fidget_cli_parse_json (run.out);
  report = json_node_get_object (root);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "pairs")), ==, 1);
  pair = json_array_get_object_element (json_object_get_array_member (report, "pairs"), 0);
  g_assert_cmpstr (json_string (pair, "a"), ==, "ann");
  g_assert_cmpstr (json_string (pair, "b"), ==, "ben");
  g_assert_cmpint (json_object_get_int_member (pair, "matched"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (pair, "unmatched"), ==, 4);
  g_assert_cmpfloat_with_epsilon (member_double (pair, "cohen_kappa"), -1.0 / 29.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (member_double (pair, "cohen_kappa_matched"), 1.0 / 3.0, 1e-9);
  g_assert_true (isnan (member_double (report, "fleiss_kappa")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "body_parts")),
                    ==, 7);
  actions = json_object_get_array_member (report, "actions");
  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      JsonObject *cls = json_array_get_object_element (actions, i);

      if (g_str_equal (json_string (cls, "code"), "C1"))
        {
          found_c1 = TRUE;
          g_assert_cmpint (json_object_get_int_member (cls, "segments"), ==, 3);
          g_assert_cmpfloat_with_epsilon (member_double (cls, "cohen_kappa"), -2.0 / 7.0, 1e-9);
        }
    }
  g_assert_true (found_c1);

  /* A third rater: Fleiss' kappa, 14/59 worked out in test-agreement.c. */
  g_free (add_segment (path, "cal", "0", "10", "B1"));
  g_free (add_segment (path, "cal", "20", "30", "B2"));
  g_clear_pointer (&root, json_node_unref);
  fidget_cli_run (&run, "agreement", path, "--video", "1", "--json", NULL);
  assert_ok (&run);
  root = fidget_cli_parse_json (run.out);
  report = json_node_get_object (root);
  g_assert_cmpfloat_with_epsilon (member_double (report, "fleiss_kappa"), 14.0 / 59.0, 1e-9);
  g_assert_cmpint (json_object_get_int_member (report, "fleiss_units"), ==, 6);

  /* Plain text for people. */
  fidget_cli_run (&run, "agreement", path, NULL);
  assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "ann / ben"));
  g_assert_nonnull (strstr (run.out, "-0.034"));

  /* Usage and refusals. */
  fidget_cli_run (&run, "agreement", path, "--heatmap", "ann,ben", NULL);
  fidget_cli_run_assert_failed (&run, 2, "--out");
  fidget_cli_run (&run, "agreement", path, "--video", "9", NULL);
  fidget_cli_run_assert_failed (&run, 1, "video 9");

  /* The heat-map: a PNG whose agreeing cell is shaded and whose empty cells are white. */
  png = g_build_filename (dir, "ann-ben.png", NULL);
  fidget_cli_run (&run, "agreement", path, "--heatmap", "ann,ben", "--out", png, NULL);
  assert_ok (&run);
  {
    cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
    unsigned char *data;
    int stride;
    guint32 diagonal, empty;

    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_height (surface), >=, 6 * 30);
    data = cairo_image_surface_get_data (surface);
    stride = cairo_image_surface_get_stride (surface);
    /* Cell (B1, B1) is the first: its corner, away from the count. Cell (B1, B2) is empty. */
    diagonal = *(guint32 *) (data + (78 + 5) * stride + (64 + 5) * 4);
    empty = *(guint32 *) (data + (78 + 5) * stride + (64 + 30 + 5) * 4);
    g_assert_cmphex (diagonal & 0xffffff, ==, 0x1c71d8);
    g_assert_cmphex (empty & 0xffffff, ==, 0xffffff);
    cairo_surface_destroy (surface);
  }
  fidget_cli_run (&run, "agreement", path, "--heatmap", "ann,ben", "--out", "/nonexistent/dir/x.png",
           NULL);
  fidget_cli_run_assert_failed (&run, 1, "x.png");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-review/workflow", test_workflow);
  g_test_add_func ("/cli-review/agreement", test_agreement);

  return g_test_run ();
}
