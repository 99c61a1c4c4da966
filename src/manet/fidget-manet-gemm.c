/* fidget-manet-gemm.c: the engine's own matrix product for AVX-512 processors
 *
 * out = epilogue (A B) for a weight A [m][k] packed at load time in panels of 8 rows
 * ([m/8][k][8]) and activations B read in place, row-major. Each 8 x 48 block of the output
 * is accumulated in 24 vector registers over the whole of k and then gets the bias, the
 * residual and the ReLU on its way to memory, so a layer needs no pass of its own for them,
 * no zeroing of the output and no copy of B. B may come in two parts stacked along k (conv3
 * plus the projection shortcut make one product).
 *
 * Built for x86-64 with GCC or Clang; elsewhere, or on processors without AVX-512, the engine
 * uses OpenBLAS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-manet-gemm.h"

#define MR FIDGET_MANET_GEMM_MR
#define NR 48

#ifndef FIDGET_MANET_GEMM_A_SLICE
#define FIDGET_MANET_GEMM_A_SLICE (256 * 1024)
#endif

float *
fidget_manet_pack_weight (const float *weight,
                          int          m,
                          int          k,
                          int          ld,
                          int          k_offset,
                          int          k_total,
                          float       *packed)
{
  int panels = (m + MR - 1) / MR;

  if (packed == NULL)
    packed = g_aligned_alloc0 ((gsize) panels * MR * k_total, sizeof (float), 64);
  for (int p = 0; p < panels; p++)
    for (int r = 0; r < MR; r++)
      {
        int row = p * MR + r;

        for (int i = 0; i < k; i++)
          packed[((gsize) p * k_total + k_offset + i) * MR + r] =
            row < m ? weight[(gsize) row * ld + i] : 0.0f;
      }
  return packed;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>

#define AVX512 __attribute__ ((target ("avx512f")))

gboolean
fidget_manet_gemm_available (void)
{
  static int available = -1;

  if (available < 0)
    {
      __builtin_cpu_init ();
      available = __builtin_cpu_supports ("avx512f") && !g_getenv ("FIDGET_MANET_OPENBLAS");
    }
  return available;
}

/* One 8 x (16 * nv) block; nv is a constant after inlining, so the accumulators are
 * registers. Columns past @cols are neither read nor written. */
static inline __attribute__ ((always_inline)) AVX512 void
block (int                            nv,
       const float                   *a,
       const FidgetManetGemmB        *b,
       int                            col,
       int                            cols,
       int                            rows,
       float                         *out,
       gsize                          ldo,
       const FidgetManetEpilogue     *epi,
       int                            row0)
{
  __m512 acc[MR][3];
  __mmask16 mask[3];

  for (int v = 0; v < 3; v++)
    {
      int n = cols - 16 * v;

      mask[v] = n >= 16 ? 0xffff : n <= 0 ? 0 : (__mmask16) ((1u << n) - 1);
    }
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < nv; v++)
      acc[r][v] = _mm512_setzero_ps ();

  for (int part = 0; part < 2; part++)
    {
      const float *bp = (part == 0 ? b->b1 : b->b2) + col;
      gsize ldb = part == 0 ? b->ld1 : b->ld2;
      int k = part == 0 ? b->k1 : b->k2;

      if (cols == 16 * nv)
        {
          for (int i = 0; i < k; i++)
            {
              __m512 bv[3];

              for (int v = 0; v < nv; v++)
                bv[v] = _mm512_loadu_ps (bp + 16 * v);
#pragma GCC unroll 8
              for (int r = 0; r < MR; r++)
                {
                  __m512 ar = _mm512_set1_ps (a[r]);

                  for (int v = 0; v < nv; v++)
                    acc[r][v] = _mm512_fmadd_ps (ar, bv[v], acc[r][v]);
                }
              a += MR;
              bp += ldb;
            }
        }
      else
        {
          for (int i = 0; i < k; i++)
            {
              __m512 bv[3];

              for (int v = 0; v < nv; v++)
                bv[v] = _mm512_maskz_loadu_ps (mask[v], bp + 16 * v);
#pragma GCC unroll 8
              for (int r = 0; r < MR; r++)
                {
                  __m512 ar = _mm512_set1_ps (a[r]);

                  for (int v = 0; v < nv; v++)
                    acc[r][v] = _mm512_fmadd_ps (ar, bv[v], acc[r][v]);
                }
              a += MR;
              bp += ldb;
            }
        }
    }

#pragma GCC unroll 8
  for (int r = 0; r < MR; r++)
    {
      float *dst;
      __m512 bias, sum;

      if (r >= rows)
        break;
      dst = out + (gsize) r * ldo + col;
      bias = _mm512_set1_ps (epi != NULL && epi->bias != NULL ? epi->bias[row0 + r] : 0.0f);
      sum = _mm512_setzero_ps ();
      for (int v = 0; v < nv; v++)
        {
          __m512 value = _mm512_add_ps (acc[r][v], bias);

          if (epi != NULL && epi->residual != NULL)
            value = _mm512_add_ps (value, _mm512_maskz_loadu_ps (mask[v], epi->residual +
                                                                 (gsize) (row0 + r) * epi->ldr +
                                                                 col + 16 * v));
          if (epi != NULL && epi->relu)
            value = _mm512_max_ps (value, _mm512_setzero_ps ());
          _mm512_mask_storeu_ps (dst + 16 * v, mask[v], value);
          sum = _mm512_add_ps (sum, _mm512_maskz_mov_ps (mask[v], value));
        }
      if (epi != NULL && epi->row_sums != NULL)
        epi->row_sums[row0 + r] += _mm512_reduce_add_ps (sum);
    }
}

/* A block of at most NARROW columns (the tail of a frame of 49 or 196 tiles, say): one
 * column at a time with the 8 rows in (half) a vector, instead of a 16-wide block that would be
 * mostly masked. */
#define NARROW 4

static inline __attribute__ ((always_inline)) AVX512 void
block_narrow (const float                   *a,
              const FidgetManetGemmB        *b,
              int                            col,
              int                            cols,
              int                            rows,
              float                         *out,
              gsize                          ldo,
              const FidgetManetEpilogue     *epi,
              int                            row0)
{
  for (int j = 0; j < cols; j++)
    {
      const float *ap = a;
      __m512 acc = _mm512_setzero_ps ();
      float values[16];

      for (int part = 0; part < 2; part++)
        {
          const float *bp = (part == 0 ? b->b1 : b->b2) + col + j;
          gsize ldb = part == 0 ? b->ld1 : b->ld2;
          int k = part == 0 ? b->k1 : b->k2;

          for (int i = 0; i < k; i++)
            {
              acc = _mm512_fmadd_ps (_mm512_maskz_loadu_ps (0xff, ap), _mm512_set1_ps (*bp),
                                     acc);
              ap += MR;
              bp += ldb;
            }
        }
      _mm512_storeu_ps (values, acc);
      for (int r = 0; r < rows; r++)
        {
          float value = values[r];

          if (epi != NULL && epi->bias != NULL)
            value += epi->bias[row0 + r];
          if (epi != NULL && epi->residual != NULL)
            value += epi->residual[(gsize) (row0 + r) * epi->ldr + col + j];
          if (epi != NULL && epi->relu)
            value = MAX (value, 0.0f);
          out[(gsize) r * ldo + col + j] = value;
          if (epi != NULL && epi->row_sums != NULL)
            epi->row_sums[row0 + r] += value;
        }
    }
}

AVX512 void
fidget_manet_gemm (int                        m,
                   int                        ncols,
                   const float               *a_packed,
                   const FidgetManetGemmB    *b,
                   float                     *out,
                   gsize                      ldo,
                   const FidgetManetEpilogue *epi)
{
  int k = b->k1 + b->k2;
  int panels = (m + MR - 1) / MR;
  /* Panels of A per pass over the columns: a large weight is taken in slices that stay in
   * the L2 cache while every column block goes by. */
  int slice = MAX (1, (int) (FIDGET_MANET_GEMM_A_SLICE / ((gsize) k * MR * sizeof (float))));

  for (int p0 = 0; p0 < panels; p0 += slice)
    for (int col = 0; col < ncols; col += NR)
      {
        int cols = MIN (NR, ncols - col);

        for (int p = p0; p < MIN (panels, p0 + slice); p++)
          {
            const float *a = a_packed + (gsize) p * k * MR;
            int rows = MIN (MR, m - p * MR);
            float *o = out + (gsize) p * MR * ldo;

            if (cols <= NARROW)
              block_narrow (a, b, col, cols, rows, o, ldo, epi, p * MR);
            else if (cols > 32)
              block (3, a, b, col, cols, rows, o, ldo, epi, p * MR);
            else if (cols > 16)
              block (2, a, b, col, cols, rows, o, ldo, epi, p * MR);
            else
              block (1, a, b, col, cols, rows, o, ldo, epi, p * MR);
          }
      }
}

#else

gboolean
fidget_manet_gemm_available (void)
{
  return FALSE;
}

void
fidget_manet_gemm (int                        m,
                   int                        ncols,
                   const float               *a_packed,
                   const FidgetManetGemmB    *b,
                   float                     *out,
                   gsize                      ldo,
                   const FidgetManetEpilogue *epi)
{
  g_assert_not_reached ();
}

#endif
