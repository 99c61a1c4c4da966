/* test-cli-package.c: fidget-cli's work-package commands, as a coordinator and an annotator
 * use them from a shell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fidget-cli-test-util.h"
#include "fidget-project.h"
#include "fidget-review.h"
#include "fidget-test-util.h"

static void
assert_ok (FidgetCliRun *run)
{
  if (run->status != 0)
    g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
}

/* A coordinator's project made through core (the CLI is what is tested): four annotators,
 * one 300-frame video known by metadata, assigned to amara. */
static char *
make_project (const char *dir,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *file = g_build_filename (dir, "p1.mkv", NULL);
  g_autoptr(FidgetProject) project = fidget_project_create (path, &error);
  g_autoptr(FidgetVideo) info = fidget_video_new ();
  g_autoptr(FidgetVideo) video = NULL;
  const char *names[] = { "amara", "bo", "carmen", "dev", NULL };
  const char *checkers[] = { "bo", "carmen", NULL };

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
  g_assert_true (fidget_review_assign (project, video->id, "amara", checkers, "dev", &error));
  g_assert_no_error (error);
  return path;
}

static JsonObject *
parse_object (FidgetCliRun *run,
              JsonNode    **keep)
{
  *keep = fidget_cli_parse_json (run->out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

static void
test_cli_package_round_trip (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *laptop = g_build_filename (dir, "laptop", NULL);
  g_autofree char *project = make_project (dir, "study.fidget");
  g_autofree char *local = g_build_filename (laptop, "amara.fidget", NULL);
  g_autofree char *out = g_build_filename (dir, "amara.fidgetpkg", NULL);
  g_autofree char *back = g_build_filename (dir, "back.fidgetpkg", NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *package_uuid;

  g_assert_cmpint (g_mkdir (laptop, 0755), ==, 0);

  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "export", project, "--for", "amara", "--output", out,
                    "--json", NULL);
    assert_ok (&run);
    object = parse_object (&run, &node);
    g_assert_cmpstr (json_object_get_string_member (object, "person"), ==, "amara");
    g_assert_cmpstr (json_object_get_string_member (object, "direction"), ==, "assignment");
    g_assert_cmpint (json_object_get_int_member (object, "videos"), ==, 1);
    package_uuid = json_object_get_string_member (object, "package");
    g_assert_true (g_uuid_string_is_valid (package_uuid));
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    g_autoptr(JsonNode) info = NULL;

    fidget_cli_run (&run, "package", "info", out, "--json", NULL);
    assert_ok (&run);
    g_assert_cmpstr (json_object_get_string_member (parse_object (&run, &info), "package"), ==,
                     package_uuid);
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    g_autoptr(JsonNode) result = NULL;
    JsonObject *inserted;

    fidget_cli_run (&run, "package", "import", local, out, "--create", "--json", NULL);
    assert_ok (&run);
    object = parse_object (&run, &result);
    inserted = json_object_get_object_member (object, "inserted");
    g_assert_cmpint (json_object_get_int_member (inserted, "annotator"), ==, 4);
    g_assert_cmpint (json_object_get_int_member (inserted, "video"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (inserted, "review"), ==, 1);
  }

  /* amara works on the laptop, then sends it back. */
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "segments", "add", local, "--video", "1", "--annotator", "amara",
                    "--as", "amara", "--start", "10", "--end", "40", "--action", "B1", NULL);
    assert_ok (&run);
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    g_autoptr(JsonNode) result = NULL;

    fidget_cli_run (&run, "package", "export", local, "--for", "amara", "--output", back,
                    "--json", NULL);
    assert_ok (&run);
    g_assert_cmpstr (json_object_get_string_member (parse_object (&run, &result), "direction"),
                     ==, "return");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    g_autoptr(JsonNode) result = NULL;

    fidget_cli_run (&run, "package", "import", project, back, "--dry-run", "--json", NULL);
    assert_ok (&run);
    object = parse_object (&run, &result);
    g_assert_true (json_object_get_boolean_member (object, "dry_run"));
    g_assert_cmpint (json_object_get_int_member (object, "changes"), ==, 1);
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "segments", project, "--video", "1", NULL);
    assert_ok (&run);
    g_assert_cmpstr (run.out, ==, "");   /* the dry run wrote nothing */
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "import", project, back, NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "added: 1 segment"));
  }
  {
    g_auto(FidgetCliRun) run = { 0 };
    g_autoptr(JsonNode) result = NULL;

    fidget_cli_run (&run, "package", "import", project, back, "--json", NULL);
    assert_ok (&run);
    g_assert_cmpint (json_object_get_int_member (parse_object (&run, &result), "changes"), ==, 0);
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "segments", project, "--video", "1", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "\tamara\t10\t40\tB1"));
  }
}

static void
test_cli_package_refusals (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
  g_autofree char *project = make_project (dir, "study.fidget");
  g_autofree char *other = NULL;
  g_autofree char *foreign = g_build_filename (dir, "foreign.fidgetpkg", NULL);
  g_autofree char *before = fidget_test_file_checksum (project);
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir (other_dir, 0755), ==, 0);
  other = make_project (other_dir, "other.fidget");
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "export", other, "--for", "amara", "--output", foreign, NULL);
    assert_ok (&run);
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "import", project, foreign, NULL);
    fidget_cli_run_assert_failed (&run, 1, "belongs to another project");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "import", other, foreign, "--create", NULL);
    fidget_cli_run_assert_failed (&run, 1, "already exists");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "export", project, "--for", "dev", "--output", foreign, NULL);
    fidget_cli_run_assert_failed (&run, 1, "no video");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "info", project, NULL);
    fidget_cli_run_assert_failed (&run, 1, "not an archive");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "export", project, "--output", foreign, NULL);
    fidget_cli_run_assert_failed (&run, 2, "--for");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "import", project, NULL);
    fidget_cli_run_assert_failed (&run, 2, "PROJECT and a package FILE");
  }
  {
    g_auto(FidgetCliRun) run = { 0 };

    fidget_cli_run (&run, "package", "frobnicate", NULL);
    fidget_cli_run_assert_failed (&run, 2, "export, import or info");
  }
  after = fidget_test_file_checksum (project);
  g_assert_cmpstr (before, ==, after);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/package/round-trip", test_cli_package_round_trip);
  g_test_add_func ("/cli/package/refusals", test_cli_package_refusals);

  return g_test_run ();
}
