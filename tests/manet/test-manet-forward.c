/* test-manet-forward.c: the engine gives PyTorch's numbers
 *
 * Always: the committed fixture (a width-8 MANet with random weights stored as float16,
 * bfloat16 and float32, a 8x3x64x64 clip, and the logits, pooled features and embedding that
 * tools/manet_reference.py computed). When /usr/bin/python3 has torch: the full-size network
 * with fresh random weights on a 8x3x224x224 clip, and an odd-sized clip, both run through the
 * reference here.
 *
 * The fixture in data/ was made (reproducibly, byte for byte) with
 *   tools/manet_reference.py random manet-w8.safetensors --width 8 --seed 8 --mixed-dtypes
 *     --embedding-size 32 --small-unused --input clip-w8.npy --clip-f16 --size 64
 *     --output logits-w8.npy --features features-w8.npy --embedding embedding-w8.npy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "fidget-manet.h"
#include "fidget-manet-gemm.h"
#include "fidget-manet-private.h"
#include "fidget-npy.h"
#include "fidget-test-util.h"
#include "manet-test-util.h"

#define TOLERANCE 1e-3

static float *
read_npy (const char *path,
          gint64      expected_elements)
{
  g_autoptr(GError) error = NULL;
  gint64 shape[FIDGET_NPY_MAX_DIMS];
  gint64 n = 1;
  int n_dims = 0;
  float *values = fidget_npy_read_f32 (path, &n_dims, shape, &error);

  g_assert_no_error (error);
  for (int i = 0; i < n_dims; i++)
    n *= shape[i];
  g_assert_cmpint (n, ==, expected_elements);
  return values;
}

static void
top5 (const float *logits,
      int          n,
      int         *out)
{
  for (int k = 0; k < 5; k++)
    {
      int best = -1;

      for (int i = 0; i < n; i++)
        {
          gboolean taken = FALSE;

          for (int j = 0; j < k; j++)
            taken |= out[j] == i;
          if (!taken && (best < 0 || logits[i] > logits[best]))
            best = i;
        }
      out[k] = best;
    }
}

static double
max_diff (const float *a,
          const float *b,
          int          n)
{
  double worst = 0.0;

  for (int i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) a[i] - b[i]));
  return worst;
}

static void
assert_logits_match (const float *ours,
                     const float *reference,
                     int          n)
{
  int a[5], b[5];
  double diff = max_diff (ours, reference, n);

  g_test_message ("max |logit difference| = %.3g", diff);
  g_assert_cmpfloat (diff, <=, TOLERANCE);
  top5 (ours, n, a);
  top5 (reference, n, b);
  for (int k = 0; k < 5; k++)
    g_assert_cmpint (a[k], ==, b[k]);
}

static void
test_fixture (void)
{
  g_autofree char *weights = g_test_build_filename (G_TEST_DIST, "manet", "data",
                                                    "manet-w8.safetensors", NULL);
  g_autofree char *clip_path = g_test_build_filename (G_TEST_DIST, "manet", "data",
                                                      "clip-w8.npy", NULL);
  g_autofree char *logits_path = g_test_build_filename (G_TEST_DIST, "manet", "data",
                                                        "logits-w8.npy", NULL);
  g_autofree char *features_path = g_test_build_filename (G_TEST_DIST, "manet", "data",
                                                          "features-w8.npy", NULL);
  g_autofree char *embedding_path = g_test_build_filename (G_TEST_DIST, "manet", "data",
                                                           "embedding-w8.npy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = fidget_manet_load (weights, NULL, &error);
  g_autofree float *clip = NULL, *expected = NULL, *expected_features = NULL;
  g_autofree float *expected_embedding = NULL;
  float first[52];

  g_assert_no_error (error);
  g_assert_cmpint (fidget_manet_get_base_width (model), ==, 8);
  g_assert_cmpint (fidget_manet_get_n_classes (model), ==, 52);
  clip = read_npy (clip_path, 8 * 3 * 64 * 64);
  expected = read_npy (logits_path, 52);
  expected_features = read_npy (features_path, fidget_manet_get_n_features (model));
  expected_embedding = read_npy (embedding_path, fidget_manet_get_n_embedding (model));

  /* Thread counts change the tiling: every one must give the same numbers, to the bit with
   * the engine's own product (it adds in the same order whatever the split; see
   * reduce_means()); OpenBLAS picks its kernels by matrix size, so there only nearly. */
  for (int threads = 1; threads <= 3; threads++)
    {
      float logits[52];
      g_autofree float *features = g_new (float, fidget_manet_get_n_features (model));
      g_autofree float *embedding = g_new (float, fidget_manet_get_n_embedding (model));

      fidget_manet_set_n_threads (model, threads);
      g_assert_true (fidget_manet_forward (model, clip, 8, 64, 64, logits, features, embedding,
                                           &error));
      g_assert_no_error (error);
      assert_logits_match (logits, expected, 52);
      g_assert_cmpfloat (max_diff (features, expected_features,
                                   fidget_manet_get_n_features (model)), <=, TOLERANCE);
      g_assert_cmpfloat (max_diff (embedding, expected_embedding,
                                   fidget_manet_get_n_embedding (model)), <=, TOLERANCE);
      if (threads == 1)
        memcpy (first, logits, sizeof first);
      else
        {
          if (fidget_manet_gemm_available ())
            g_assert_cmpmem (first, sizeof first, logits, sizeof logits);
          else
            g_assert_cmpfloat (max_diff (first, logits, 52), <=, 1e-5);
        }
    }
}

static gboolean
abort_after (gpointer user_data)
{
  int *calls = user_data;

  return --(*calls) < 0;
}

static void
test_cancel_and_inputs (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 3);
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autofree float *clip = manet_test_random_clip (40, 36, 5);
  float logits[52], again[52];
  int calls = 5;

  model = fidget_manet_load_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                       "random", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fidget_manet_forward (model, clip, 8, 40, 36, logits, NULL, NULL, &error));
  for (int i = 0; i < 52; i++)
    g_assert_true (isfinite (logits[i]));

  /* Stopped between layers, and the model still works afterwards. */
  fidget_manet_set_abort_callback (model, abort_after, &calls);
  g_assert_false (fidget_manet_forward (model, clip, 8, 40, 36, logits, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_CANCELLED);
  g_assert_cmpint (calls, ==, -1);
  g_clear_error (&error);
  fidget_manet_set_abort_callback (model, NULL, NULL);
  g_assert_true (fidget_manet_forward (model, clip, 8, 40, 36, again, NULL, NULL, &error));
  g_assert_cmpfloat (max_diff (logits, again, 52), ==, 0.0);

  g_assert_false (fidget_manet_forward (model, clip, 4, 40, 36, logits, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT);
  g_clear_error (&error);
  g_assert_false (fidget_manet_forward (model, clip, 8, 16, 16, logits, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT);
  g_clear_error (&error);
  clip[1234] = NAN;
  g_assert_false (fidget_manet_forward (model, clip, 8, 40, 36, logits, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT);
}

/* Winograd against direct 3x3 convolutions, frame-by-frame against layer-by-layer blocks, on
 * sides that leave partial tiles everywhere: the same logits. Needs no PyTorch. */
static void
test_paths_agree (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (8, 16, 9);
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) winograd = NULL;
  g_autoptr(FidgetManet) direct = NULL;
  g_autoptr(FidgetManet) layerwise = NULL;
  const int sizes[][2] = { { 32, 32 }, { 45, 61 }, { 130, 98 } };

  winograd = fidget_manet_load_with_flags (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), "random", NULL, 0, &error);
  g_assert_no_error (error);
  direct = fidget_manet_load_with_flags (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), "random", NULL,
                                         FIDGET_MANET_FLAG_NO_WINOGRAD |
                                         FIDGET_MANET_FLAG_LAYERWISE, &error);
  g_assert_no_error (error);
  layerwise = fidget_manet_load_with_flags (g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes), "random", NULL,
                                            FIDGET_MANET_FLAG_LAYERWISE, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int h = sizes[i][0], w = sizes[i][1];
      g_autofree float *clip = manet_test_random_clip (h, w, 11 + i);
      float a[52], b[52], c[52];

      g_assert_true (fidget_manet_forward (winograd, clip, 8, h, w, a, NULL, NULL, &error));
      g_assert_true (fidget_manet_forward (direct, clip, 8, h, w, b, NULL, NULL, &error));
      g_assert_true (fidget_manet_forward (layerwise, clip, 8, h, w, c, NULL, NULL, &error));
      g_assert_no_error (error);
      g_test_message ("%d x %d: winograd/direct %.3g, frame/layer %.3g", h, w,
                      max_diff (a, b, 52), max_diff (a, c, 52));
      assert_logits_match (a, b, 52);
      g_assert_cmpfloat (max_diff (a, c, 52), <=, 1e-5);
    }
}

/* {{{ Against the PyTorch reference, run here */

static const char *
python (void)
{
  const char *path = g_getenv ("FIDGET_PYTHON");

  return path != NULL ? path : "/usr/bin/python3";
}

static gboolean
have_torch (void)
{
  g_autoptr(GSubprocess) process = NULL;

  if (!g_file_test (python (), G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                              G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL, python (), "-c",
                              "import torch, numpy", NULL);
  return process != NULL && g_subprocess_wait_check (process, NULL, NULL);
}

static void
run_tool (const char        *tool,
          const char *const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *tools = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GSubprocess) process = NULL;
  const char *dir = g_getenv ("FIDGET_TOOLS_DIR");

  tools = dir != NULL ? g_strdup (dir) : g_test_build_filename (G_TEST_DIST, "..", "tools", NULL);
  script = g_build_filename (tools, tool, NULL);
  g_ptr_array_add (argv, (gpointer) python ());
  g_ptr_array_add (argv, script);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

static void
compare_with_reference (int         width,
                        int         height,
                        int         clip_width,
                        const char *seed,
                        gboolean    mixed)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *weights = g_build_filename (dir, "w.safetensors", NULL);
  g_autofree char *clip_path = g_build_filename (dir, "clip.npy", NULL);
  g_autofree char *logits_path = g_build_filename (dir, "logits.npy", NULL);
  g_autofree char *features_path = g_build_filename (dir, "features.npy", NULL);
  g_autofree char *width_text = g_strdup_printf ("%d", width);
  g_autofree char *height_text = g_strdup_printf ("%d", height);
  g_autofree char *clip_width_text = g_strdup_printf ("%d", clip_width);
  const char *args[] = { "random", weights, "--width", width_text, "--seed", seed,
                         "--input", clip_path, "--size", height_text, "--size-w",
                         clip_width_text, "--output", logits_path, "--features", features_path,
                         "--threads", "2", mixed ? "--mixed-dtypes" : NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autofree float *clip = NULL, *expected = NULL, *expected_features = NULL;
  g_autofree float *features = NULL;
  FidgetManetParams params = fidget_manet_default_params ();
  float logits[52];
  gint64 start;

  run_tool ("manet_reference.py", args);
  params.n_threads = 2;
  model = fidget_manet_load (weights, &params, &error);
  g_assert_no_error (error);
  clip = read_npy (clip_path, (gint64) 8 * 3 * height * clip_width);
  expected = read_npy (logits_path, 52);
  expected_features = read_npy (features_path, fidget_manet_get_n_features (model));
  features = g_new (float, fidget_manet_get_n_features (model));

  start = g_get_monotonic_time ();
  g_assert_true (fidget_manet_forward (model, clip, 8, height, clip_width, logits, features,
                                       NULL, &error));
  g_assert_no_error (error);
  g_test_message ("forward of 8 x %d x %d at width %d: %.1f ms", height, clip_width, width,
                  (g_get_monotonic_time () - start) / 1000.0);
  assert_logits_match (logits, expected, 52);
  g_assert_cmpfloat (max_diff (features, expected_features,
                               fidget_manet_get_n_features (model)), <=, TOLERANCE);
}

static void
test_full_size (void)
{
  if (!have_torch ())
    {
      g_test_skip ("/usr/bin/python3 has no torch (Debian's python3-torch)");
      return;
    }
  compare_with_reference (64, 224, 224, "3", FALSE);
}

static void
test_odd_size (void)
{
  if (!have_torch ())
    {
      g_test_skip ("/usr/bin/python3 has no torch (Debian's python3-torch)");
      return;
    }
  /* Odd sides make every convolution and pooling round, in both directions differently. */
  compare_with_reference (16, 130, 97, "4", TRUE);
}

/* The released checkpoint's form (mmcv dict, "module." keys) through the converter. */
static void
test_converted_checkpoint (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *weights = NULL, *pth = NULL, *converted = NULL;
  g_autofree char *clip_path = NULL, *logits_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autofree float *clip = NULL, *expected = NULL;
  float logits[52];

  if (!have_torch ())
    {
      g_test_skip ("/usr/bin/python3 has no torch (Debian's python3-torch)");
      return;
    }
  dir = fidget_test_make_tmpdir ();
  weights = g_build_filename (dir, "w.safetensors", NULL);
  pth = g_build_filename (dir, "w.pth", NULL);
  converted = g_build_filename (dir, "converted.safetensors", NULL);
  clip_path = g_build_filename (dir, "clip.npy", NULL);
  logits_path = g_build_filename (dir, "logits.npy", NULL);
  {
    const char *make[] = { "random", weights, "--width", "8", "--seed", "6", "--pth", pth,
                           "--input", clip_path, "--size", "64", "--output", logits_path, NULL };
    const char *convert[] = { pth, converted, NULL };

    run_tool ("manet_reference.py", make);
    run_tool ("convert_weights.py", convert);
  }
  model = fidget_manet_load (converted, NULL, &error);
  g_assert_no_error (error);
  clip = read_npy (clip_path, 8 * 3 * 64 * 64);
  expected = read_npy (logits_path, 52);
  g_assert_true (fidget_manet_forward (model, clip, 8, 64, 64, logits, NULL, NULL, &error));
  assert_logits_match (logits, expected, 52);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manet/forward/fixture", test_fixture);
  g_test_add_func ("/manet/forward/cancel-and-inputs", test_cancel_and_inputs);
  g_test_add_func ("/manet/forward/paths-agree", test_paths_agree);
  g_test_add_func ("/manet/forward/odd-size", test_odd_size);
  g_test_add_func ("/manet/forward/converted-checkpoint", test_converted_checkpoint);
  g_test_add_func ("/manet/forward/full-size", test_full_size);
  return g_test_run ();
}
