/* test-assist-cli.c: fidget-cli classify, with the committed width-8 MANet
 *
 * The width-8 network (tests/manet/data/manet-w8.safetensors) has random weights, so its
 * answers mean nothing; what matters is that classify gives exactly what the engine gives for
 * the segment's clip, that PyTorch gives the same top 5 for it, and that the numbers are read
 * through the taxonomy correctly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "fidget-assist.h"
#include "fidget-cli-test-util.h"
#include "fidget-npy.h"
#include "fidget-test-util.h"

static char *project_path;
static char *sample_path;

static char *
weights_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "manet", "data", "manet-w8.safetensors", NULL);
}

/* A project with again.mkv (78 frames at 30/1) as video 1. */
static gboolean
ensure_project (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *dir = NULL;

  if (project_path != NULL)
    return TRUE;
  sample_path = fidget_test_sample ("again.mkv");
  if (sample_path == NULL)
    return FALSE;
  dir = fidget_test_make_tmpdir ();
  project_path = g_build_filename (dir, "study.fidget", NULL);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "init", project_path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (
    fidget_cli_run_output (&out, &err, "import-video", project_path, sample_path, NULL), ==, 0);
  return TRUE;
}

static void
test_classify (void)
{
  g_autofree char *weights = weights_path ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();
  g_autoptr(FidgetAssistPrediction) expected = NULL;
  g_autofree float *clip = NULL;
  static const gint64 frames[8] = { 14, 18, 22, 26, 30, 34, 38, 42 };
  JsonObject *root;
  JsonArray *array;
  double previous = 2.0, sum = 0.0;

  if (!ensure_project ())
    return;
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "12", "--end", "44", "--weights", weights,
                                          "--threads", "1", "--json", NULL),
                   ==, 0);
  g_assert_cmpstr (err, ==, "");
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  /* 32 frames: parts of 4, middles at 12 + 2, 6, 10, ... */
  array = json_object_get_array_member (root, "frames");
  g_assert_cmpuint (json_array_get_length (array), ==, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, frames[i]);

  /* The engine on the same clip, in this process. */
  clip = fidget_assist_prepare_clip (sample_path, 30, 1, 12, 44, NULL, &error);
  g_assert_no_error (error);
  model = fidget_manet_load (weights, NULL, &error);
  g_assert_no_error (error);
  expected = fidget_assist_predict (model, taxonomy, clip, &error);
  g_assert_no_error (error);

  array = json_object_get_array_member (root, "top5");
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  for (guint k = 0; k < 5; k++)
    {
      JsonObject *entry = json_array_get_object_element (array, k);
      int index = (int) json_object_get_int_member (entry, "model_index");
      const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, index);
      double p = json_object_get_double_member (entry, "probability");

      g_assert_cmpint (index, ==, expected->top[k]);
      g_assert_nonnull (action);
      g_assert_cmpstr (json_object_get_string_member (entry, "code"), ==, action->code);
      g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, action->name);
      g_assert_cmpfloat_with_epsilon (p, expected->probabilities[index], 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (entry, "logit"),
                                      expected->logits[index], 1e-5);
      g_assert_cmpfloat (p, <=, previous);
      previous = p;
    }

  /* Body parts: MA-52's seven, each the sum of its actions' probabilities. */
  array = json_object_get_array_member (root, "body_parts");
  g_assert_cmpuint (json_array_get_length (array), ==, 7);
  for (guint b = 0; b < 7; b++)
    {
      JsonObject *entry = json_array_get_object_element (array, b);
      const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, b);
      double p = json_object_get_double_member (entry, "probability"), want = 0.0;

      for (guint a = 0; a < fidget_taxonomy_get_n_actions (taxonomy); a++)
        {
          const FidgetAction *action = fidget_taxonomy_get_action (taxonomy, a);

          if (action->body_part == part && action->model_index >= 0)
            want += expected->probabilities[action->model_index];
        }
      g_assert_cmpstr (json_object_get_string_member (entry, "code"), ==, part->code);
      g_assert_cmpfloat_with_epsilon (p, want, 1e-9);
      g_assert_cmpfloat (p, >, 0.0);
      sum += p;
    }
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-9);

  /* The plain text form names the same first action. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "12", "--end", "44", "--weights", weights,
                                          NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, fidget_taxonomy_lookup_action_by_model_index (taxonomy,
                                                                              expected->top[0])->name));
}

/* The whole way in PyTorch: the segment's clip through tools/manet_reference.py gives logits
 * within 1e-3 of classify's and the same top 5. */
static void
test_classify_pytorch (void)
{
  const char *tools = g_getenv ("FIDGET_TOOLS_DIR");
  g_autofree char *weights = weights_path ();
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *clip_path = g_build_filename (dir, "clip.npy", NULL);
  g_autofree char *logits_path = g_build_filename (dir, "logits.npy", NULL);
  g_autofree char *script = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree float *clip = NULL;
  g_autofree float *reference = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gint64 shape[4] = { 8, 3, 224, 224 }, got[FIDGET_NPY_MAX_DIMS];
  int status = 0, n_dims = 0;
  JsonArray *top5;
  int reference_top[5];

  if (!ensure_project ())
    return;
  if (tools == NULL ||
      !g_spawn_sync (NULL, (char *[]) { "/usr/bin/python3", "-c", "import torch", NULL }, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("/usr/bin/python3 has no torch");
      return;
    }

  clip = fidget_assist_prepare_clip (sample_path, 30, 1, 3, 75, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fidget_npy_write_f32 (clip_path, clip, 4, shape, &error));
  script = g_build_filename (tools, "manet_reference.py", NULL);
  g_spawn_sync (NULL, (char *[]) { "/usr/bin/python3", script, "forward", weights, "--input",
                                   clip_path, "--output", logits_path, NULL },
                NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("manet_reference.py failed: %s", err);
  reference = fidget_npy_read_f32 (logits_path, &n_dims, got, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got[0], ==, 52);
  for (int k = 0; k < 5; k++)
    {
      reference_top[k] = -1;
      for (int i = 0; i < 52; i++)
        {
          gboolean taken = FALSE;

          for (int j = 0; j < k; j++)
            taken |= reference_top[j] == i;
          if (!taken && (reference_top[k] < 0 || reference[i] > reference[reference_top[k]]))
            reference_top[k] = i;
        }
    }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "3", "--end", "75", "--weights", weights,
                                          "--json", NULL),
                   ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  top5 = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "top5");
  for (guint k = 0; k < 5; k++)
    {
      JsonObject *entry = json_array_get_object_element (top5, k);
      int index = (int) json_object_get_int_member (entry, "model_index");

      g_assert_cmpint (index, ==, reference_top[k]);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (entry, "logit"),
                                      reference[index], 1e-3);
    }
}

static void
test_classify_refusals (void)
{
  g_autofree char *weights = weights_path ();
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "manet.safetensors", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.safetensors", NULL);
  char *out = NULL, *err = NULL;

  if (!ensure_project ())
    return;

  /* No weights: where they come from and how to convert them. */
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "0", "--end", "78", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "MA-52 authors"));
  g_assert_nonnull (strstr (err, "tools/convert_weights.py"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "0", "--end", "78", "--weights", missing,
                                          NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "manet.safetensors"));
  g_assert_nonnull (strstr (err, "do not exist"));
  g_assert_nonnull (strstr (err, "tools/convert_weights.py"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (junk, "not weights", -1, NULL));
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "0", "--end", "78", "--weights", junk, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "junk.safetensors"));
  g_assert_nonnull (strstr (err, "tools/convert_weights.py"));
  g_assert_null (strchr (strchr (err, '\n') + 1, '\n'));  /* one line */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Segments outside the video, an unknown video, a backwards segment. */
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "70", "--end", "79", "--weights", weights,
                                          NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "78 frames"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "50", "--end", "50", "--weights", weights,
                                          NULL),
                   ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "9",
                                          "--start", "0", "--end", "10", "--weights", weights,
                                          NULL),
                   ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "classify", project_path, "--video", "1",
                                          "--start", "x", "--end", "10", "--weights", weights,
                                          NULL),
                   ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assist/cli/classify", test_classify);
  g_test_add_func ("/assist/cli/classify-pytorch", test_classify_pytorch);
  g_test_add_func ("/assist/cli/refusals", test_classify_refusals);
  return g_test_run ();
}
