/* fidget-manet-gemm.h: the engine's own matrix product for AVX-512 processors (private)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FIDGET_MANET_GEMM_MR 8

/* B of a product: k1 rows from b1 (row stride ld1) then k2 rows from b2 (k2 may be 0). */
typedef struct
{
  const float *b1;
  gsize        ld1;
  int          k1;
  const float *b2;
  gsize        ld2;
  int          k2;
} FidgetManetGemmB;

/* What happens to each output value on its way out: + bias[row], + residual[row][col]
 * (row stride ldr), then max (0, x) when relu; then it is added to row_sums[row]. Any part
 * may be NULL/FALSE. */
typedef struct
{
  const float *bias;
  const float *residual;
  gsize        ldr;
  gboolean     relu;
  float       *row_sums;
} FidgetManetEpilogue;

gboolean fidget_manet_gemm_available (void);
/* Packs @k columns of the row-major [m][ld] @weight into columns k_offset .. of panels
 * [m/8 rounded up][k_total][8] (allocated, zeroed, when @packed is NULL). */
float   *fidget_manet_pack_weight    (const float               *weight,
                                      int                        m,
                                      int                        k,
                                      int                        ld,
                                      int                        k_offset,
                                      int                        k_total,
                                      float                     *packed);
/* out [m][ncols] (row stride ldo) = epilogue (A B); A packed by fidget_manet_pack_weight. */
void     fidget_manet_gemm           (int                        m,
                                      int                        ncols,
                                      const float               *a_packed,
                                      const FidgetManetGemmB    *b,
                                      float                     *out,
                                      gsize                      ldo,
                                      const FidgetManetEpilogue *epi);

G_END_DECLS
