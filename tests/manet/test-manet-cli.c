/* test-manet-cli.c: fidget-cli model forward and bench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-cli-test-util.h"
#include "fidget-npy.h"
#include "fidget-test-util.h"

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "manet", "data", name, NULL);
}

static void
test_forward (void)
{
  g_autofree char *weights = data_file ("manet-w8.safetensors");
  g_autofree char *clip = data_file ("clip-w8.npy");
  g_autofree char *expected_path = data_file ("logits-w8.npy");
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *output = g_build_filename (dir, "logits.npy", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree float *logits = NULL, *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 shape[FIDGET_NPY_MAX_DIMS];
  int n_dims = 0;

  g_assert_cmpint (fidget_cli_run_output (&out, &err, "model", "forward", weights, "--input", clip,
                                          "--output", output, "--threads", "2", NULL),
                   ==, 0);
  logits = fidget_npy_read_f32 (output, &n_dims, shape, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n_dims, ==, 1);
  g_assert_cmpint (shape[0], ==, 52);
  expected = fidget_npy_read_f32 (expected_path, &n_dims, shape, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 52; i++)
    g_assert_cmpfloat (fabs (logits[i] - expected[i]), <=, 1e-3);

  /* Five lines: model index, action code, name, probability, logit; best first. */
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (int k = 0; k < 5; k++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[k], "\t", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      if (k == 0)
        {
          int best = 0;

          for (int i = 1; i < 52; i++)
            if (expected[i] > expected[best])
              best = i;
          g_assert_cmpint (atoi (fields[0]), ==, best);
        }
    }
}

static void
test_forward_json (void)
{
  g_autofree char *weights = data_file ("manet-w8.safetensors");
  g_autofree char *clip = data_file ("clip-w8.npy");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *parts;
  double total = 0.0;

  g_assert_cmpint (fidget_cli_run_output (&out, &err, "model", "forward", weights, "--input", clip,
                                          "--json", NULL),
                   ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "logits")), ==, 52);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "top5")), ==, 5);
  /* The seven body parts share all the probability. */
  parts = json_object_get_array_member (root, "body_parts");
  g_assert_cmpuint (json_array_get_length (parts), ==, 7);
  for (guint i = 0; i < 7; i++)
    total += json_object_get_double_member (json_array_get_object_element (parts, i),
                                            "probability");
  g_assert_cmpfloat (fabs (total - 1.0), <, 1e-6);
}

static void
test_forward_refusals (void)
{
  g_autofree char *weights = data_file ("manet-w8.safetensors");
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *flat = g_build_filename (dir, "flat.npy", NULL);
  g_autofree char *ints = g_build_filename (dir, "ints.npy", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  float values[8 * 3 * 40] = { 0 };
  gint64 shape[3] = { 8, 3, 40 };
  /* A (2,) int64 array, written by hand. */
  static const char int_header[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
  g_autoptr(GString) npy = g_string_new_len (int_header, sizeof int_header - 1);

  g_assert_true (fidget_npy_write_f32 (flat, values, 3, shape, &error));
  g_assert_cmpint (
    fidget_cli_run_output (&out, &err, "model", "forward", weights, "--input", flat, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "(8, 3, 40)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  while (npy->len < 10 + 0x76 - 1)
    g_string_append_c (npy, ' ');
  g_string_append_c (npy, '\n');
  g_string_append_len (npy, "\1\0\0\0\0\0\0\0\2\0\0\0\0\0\0\0", 16);
  g_assert_true (g_file_set_contents (ints, npy->str, npy->len, &error));
  g_assert_cmpint (
    fidget_cli_run_output (&out, &err, "model", "forward", weights, "--input", ints, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "int64"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (fidget_cli_run_output (&out, &err, "model", "forward",
                                          "/nonexistent.safetensors", "--input", flat, NULL),
                   ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fidget_cli_run_output (&out, &err, "model", "forward", weights, NULL), ==, 2);
}

static void
test_bench_json (void)
{
  g_autofree char *weights = data_file ("manet-w8.safetensors");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_cmpint (fidget_cli_run_output (&out, &err, "model", "bench", weights, "--threads", "2",
                                          "--runs", "2", "--size", "64", "--json", NULL),
                   ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "threads"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (root, "median_ms"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (root, "gflops"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (root, "peak_rss_mb"), >, 0.0);
  /* The bounds follow from the peak: the products run take no longer than the direct
   * convolutions would, and the median is compared with the direct bound. */
  g_assert_cmpfloat (json_object_get_double_member (root, "fma_peak_gflops"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (root, "run_bound_ms"), <=,
                     json_object_get_double_member (root, "fma_bound_ms"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (root, "median_over_bound"),
                                  json_object_get_double_member (root, "median_ms") /
                                  json_object_get_double_member (root, "fma_bound_ms"), 1e-9);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manet/cli/forward", test_forward);
  g_test_add_func ("/manet/cli/forward-json", test_forward_json);
  g_test_add_func ("/manet/cli/forward-refusals", test_forward_refusals);
  g_test_add_func ("/manet/cli/bench-json", test_bench_json);
  return g_test_run ();
}
