/* test-manet-gemm.c: the engine's own product against a plain triple loop
 *
 * Every column tail (16-wide blocks, narrow columns), row tails, a stacked second input, and
 * each part of the epilogue (bias, residual, ReLU, row sums).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fidget-manet-gemm.h"

static void
check_shape (int      m,
             int      k1,
             int      k2,
             int      n,
             gboolean epilogue)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (m * 1000 + k1 * 100 + k2 * 10 + n);
  int k = k1 + k2;
  gsize ldb = n + 3, ldo = n + 5;   /* strides wider than the tile, as in the engine */
  g_autofree float *w = g_new (float, m * k);
  g_autofree float *b1 = g_new (float, k1 * ldb);
  g_autofree float *b2 = g_new (float, MAX (k2, 1) * ldb);
  g_autofree float *out = g_new (float, m * ldo);
  g_autofree float *residual = g_new (float, m * ldo);
  g_autofree float *bias = g_new (float, m);
  g_autofree float *sums = g_new0 (float, m);
  float *packed;
  FidgetManetGemmB b = { b1, ldb, k1, b2, ldb, k2 };
  FidgetManetEpilogue epi = { bias, residual, ldo, TRUE, sums };

  for (int i = 0; i < m * k; i++)
    w[i] = g_rand_double_range (rand, -1, 1);
  for (gsize i = 0; i < k1 * ldb; i++)
    b1[i] = g_rand_double_range (rand, -1, 1);
  for (gsize i = 0; i < MAX (k2, 1) * ldb; i++)
    b2[i] = g_rand_double_range (rand, -1, 1);
  for (gsize i = 0; i < m * ldo; i++)
    {
      residual[i] = g_rand_double_range (rand, -1, 1);
      out[i] = 12345.0f;
    }
  for (int i = 0; i < m; i++)
    bias[i] = g_rand_double_range (rand, -1, 1);

  packed = fidget_manet_pack_weight (w, m, k1, k, 0, k, NULL);
  if (k2 > 0)
    fidget_manet_pack_weight (w + k1, m, k2, k, k1, k, packed);
  fidget_manet_gemm (m, n, packed, &b, out, ldo, epilogue ? &epi : NULL);
  g_aligned_free (packed);

  for (int r = 0; r < m; r++)
    {
      double row_sum = 0.0;

      for (int j = 0; j < n; j++)
        {
          double expected = 0.0;

          for (int i = 0; i < k1; i++)
            expected += (double) w[r * k + i] * b1[i * ldb + j];
          for (int i = 0; i < k2; i++)
            expected += (double) w[r * k + k1 + i] * b2[i * ldb + j];
          if (epilogue)
            expected = MAX (expected + bias[r] + residual[r * ldo + j], 0.0);
          row_sum += expected;
          g_assert_cmpfloat (fabs (out[r * ldo + j] - expected), <=, 1e-4 * (1 + sqrt (k)));
        }
      /* Nothing written past the tile. */
      for (gsize j = n; j < ldo; j++)
        g_assert_cmpfloat (out[r * ldo + j], ==, 12345.0f);
      if (epilogue)
        g_assert_cmpfloat (fabs (sums[r] - row_sum), <=, 1e-3 * (1 + n));
    }
}

static void
test_shapes (void)
{
  const int shapes[][4] = {
    { 8, 5, 0, 50 }, { 16, 7, 3, 33 }, { 4, 9, 0, 17 }, { 24, 12, 6, 100 }, { 8, 64, 0, 48 },
    { 16, 20, 5, 49 }, { 8, 9, 0, 3 }, { 12, 30, 2, 196 }, { 8, 4, 0, 1 }, { 64, 64, 0, 64 },
    { 3, 1, 0, 16 }, { 40, 33, 17, 97 },
  };

  if (!fidget_manet_gemm_available ())
    {
      g_test_skip ("this processor has no AVX-512: the engine uses OpenBLAS");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (int epilogue = 0; epilogue < 2; epilogue++)
      check_shape (shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], epilogue);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manet/gemm/shapes", test_shapes);
  return g_test_run ();
}
