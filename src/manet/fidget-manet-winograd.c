/* fidget-manet-winograd.c: stride-1 3x3 convolutions by Winograd F(4x4, 3x3)
 *
 * A 6x6 input tile d gives a 4x4 output tile Y = A^T [ (G g G^T) .* (B^T d B) ] A, so the 36
 * products per tile and channel pair replace 144 multiply-adds of the direct convolution: the
 * work of these layers (37 % of ResNet-50's) drops by four, less the transforms. The 36
 * element-wise products over channels are 36 matrix products U[e] [cout][cin] x V[e] [cin][n]
 * for a block of n tiles. The transforms of a block loop over tiles innermost, so they
 * vectorise.
 *
 * The interpolation points are 0, +-1, +-2 and infinity (Lavin and Gray); in float32 the
 * result stays within about 1e-5 relative of the direct convolution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cblas.h>
#include <string.h>

#include "fidget-manet-gemm.h"
#include "fidget-manet-private.h"
#include "fidget-manet-winograd.h"

#define ALPHA 6
#define M_OUT 4

/* G, 6 x 3 */
static const double G[6][3] = {
  { 1.0 / 4, 0, 0 },
  { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
  { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
  { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
  { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
  { 0, 0, 1 },
};

void
fidget_manet_winograd_prepare (FidgetManetConv *conv,
                               int              m)
{
  gsize plane = (gsize) conv->cout * conv->cin;

  g_return_if_fail (m == M_OUT && conv->ksize == 3 && conv->stride == 1);

  conv->winograd_m = m;
  conv->winograd = g_aligned_alloc (plane * ALPHA * ALPHA, sizeof (float), 64);
  for (int o = 0; o < conv->cout; o++)
    for (int i = 0; i < conv->cin; i++)
      {
        const float *g = conv->weight + ((gsize) o * conv->cin + i) * 9;
        double tmp[6][3];

        /* G g, then (G g) G^T */
        for (int r = 0; r < 6; r++)
          for (int c = 0; c < 3; c++)
            tmp[r][c] = G[r][0] * g[0 * 3 + c] + G[r][1] * g[1 * 3 + c] + G[r][2] * g[2 * 3 + c];
        for (int r = 0; r < 6; r++)
          for (int c = 0; c < 6; c++)
            {
              double u = tmp[r][0] * G[c][0] + tmp[r][1] * G[c][1] + tmp[r][2] * G[c][2];

              conv->winograd[(gsize) (r * 6 + c) * plane + (gsize) o * conv->cin + i] = (float) u;
            }
      }
}

/* The number of 4x4 output tiles of a frame. */
void
fidget_manet_winograd_tiles (int  h,
                             int  w,
                             int *tiles_y,
                             int *tiles_x)
{
  *tiles_y = (h + M_OUT - 1) / M_OUT;
  *tiles_x = (w + M_OUT - 1) / M_OUT;
}

gsize
fidget_manet_winograd_scratch (int cin,
                               int cout,
                               int n_tiles)
{
  /* d, V and M of a block */
  return (gsize) ALPHA * ALPHA * n_tiles * (1 + cin + cout);
}

/* B^T d B along one axis: six values in, six out, for n tiles at once (stride n). */
#define INPUT_1D(in, out, stride, n)                                                 \
  for (int j = 0; j < (n); j++)                                                      \
    {                                                                                \
      float d0 = (in)[0 * (stride) + j], d1 = (in)[1 * (stride) + j];                \
      float d2 = (in)[2 * (stride) + j], d3 = (in)[3 * (stride) + j];                \
      float d4 = (in)[4 * (stride) + j], d5 = (in)[5 * (stride) + j];                \
      (out)[0 * (stride) + j] = 4.0f * d0 - 5.0f * d2 + d4;                          \
      (out)[1 * (stride) + j] = -4.0f * d1 - 4.0f * d2 + d3 + d4;                    \
      (out)[2 * (stride) + j] = 4.0f * d1 - 4.0f * d2 - d3 + d4;                     \
      (out)[3 * (stride) + j] = -2.0f * d1 - d2 + 2.0f * d3 + d4;                    \
      (out)[4 * (stride) + j] = 2.0f * d1 - d2 - 2.0f * d3 + d4;                     \
      (out)[5 * (stride) + j] = 4.0f * d1 - 5.0f * d3 + d5;                          \
    }

void
fidget_manet_winograd_block_init (FidgetManetWinograd   *block,
                                  const FidgetManetConv *conv,
                                  const float           *in,
                                  float                 *out,
                                  int                    n_frames,
                                  int                    h,
                                  int                    w,
                                  int                    tile0,
                                  int                    n_tiles,
                                  float                 *v,
                                  float                 *m)
{
  block->conv = conv;
  block->in = in;
  block->out = out;
  block->n_frames = n_frames;
  block->h = h;
  block->w = w;
  fidget_manet_winograd_tiles (h, w, &block->tiles_y, &block->tiles_x);
  block->tile0 = tile0;
  block->n_tiles = n_tiles;
  block->v = v;
  block->m = m;
}

/* V[e][c][j] for channels c0 .. c1 - 1; @d is [36][n_tiles] of scratch. */
void
fidget_manet_winograd_input (const FidgetManetWinograd *block,
                             int                        c0,
                             int                        c1,
                             float                     *d)
{
  int nt = block->n_tiles, h = block->h, w = block->w, cin = block->conv->cin;
  int per_frame = block->tiles_y * block->tiles_x;
  gsize frame = (gsize) h * w, n_all = (gsize) block->n_frames * frame;
  float tmp[ALPHA * ALPHA * FIDGET_MANET_WINOGRAD_MAX_TILES];
  float row_out[ALPHA * FIDGET_MANET_WINOGRAD_MAX_TILES];

  for (int c = c0; c < c1; c++)
    {
      const float *plane = block->in + (gsize) c * n_all;

      for (int j = 0; j < nt; j++)
        {
          int tile = block->tile0 + j;
          int f = tile / per_frame, r = tile % per_frame;
          int y0 = (r / block->tiles_x) * M_OUT - 1, x0 = (r % block->tiles_x) * M_OUT - 1;
          const float *src = plane + f * frame;

          if (y0 >= 0 && x0 >= 0 && y0 + ALPHA <= h && x0 + ALPHA <= w)
            {
              for (int dy = 0; dy < ALPHA; dy++)
                for (int dx = 0; dx < ALPHA; dx++)
                  d[(dy * ALPHA + dx) * nt + j] = src[(y0 + dy) * w + x0 + dx];
              continue;
            }
          for (int dy = 0; dy < ALPHA; dy++)
            {
              int y = y0 + dy;

              for (int dx = 0; dx < ALPHA; dx++)
                {
                  int x = x0 + dx;

                  d[(dy * ALPHA + dx) * nt + j] =
                    (y >= 0 && y < h && x >= 0 && x < w) ? src[y * w + x] : 0.0f;
                }
            }
        }
      /* along dy for each column, then along dx for each row */
      for (int dx = 0; dx < ALPHA; dx++)
        {
          const float *col_in = d + dx * nt;
          float *col_out = tmp + dx * nt;

          INPUT_1D (col_in, col_out, ALPHA * nt, nt);
        }
      for (int dy = 0; dy < ALPHA; dy++)
        {
          const float *row_in = tmp + dy * ALPHA * nt;

          INPUT_1D (row_in, row_out, nt, nt);
          for (int dx = 0; dx < ALPHA; dx++)
            memcpy (block->v + ((gsize) (dy * ALPHA + dx) * cin + c) * nt, row_out + dx * nt,
                    nt * sizeof (float));
        }
    }
}

/* M[e] = U[e] V[e] for e0 .. e1 - 1. */
void
fidget_manet_winograd_gemm (const FidgetManetWinograd *block,
                            int                        e0,
                            int                        e1)
{
  int cin = block->conv->cin, cout = block->conv->cout, nt = block->n_tiles;

  if (block->conv->packed != NULL)
    {
      gsize packed_plane = (gsize) (cout + FIDGET_MANET_GEMM_MR - 1) / FIDGET_MANET_GEMM_MR *
                           FIDGET_MANET_GEMM_MR * cin;

      for (int e = e0; e < e1; e++)
        {
          FidgetManetGemmB b = { block->v + (gsize) e * cin * nt, nt, cin, NULL, 0, 0 };

          fidget_manet_gemm (cout, nt, block->conv->packed + e * packed_plane, &b,
                             block->m + (gsize) e * cout * nt, nt, NULL);
        }
      return;
    }
  for (int e = e0; e < e1; e++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, nt, cin, 1.0f,
                 block->conv->winograd + (gsize) e * cout * cin, cin,
                 block->v + (gsize) e * cin * nt, nt, 0.0f, block->m + (gsize) e * cout * nt,
                 nt);
}

/* Output channels k0 .. k1 - 1: A^T M A, bias, ReLU, into out. */
void
fidget_manet_winograd_output (const FidgetManetWinograd *block,
                              int                        k0,
                              int                        k1)
{
  int nt = block->n_tiles, h = block->h, w = block->w, cout = block->conv->cout;
  int per_frame = block->tiles_y * block->tiles_x;
  gsize frame = (gsize) h * w, n_all = (gsize) block->n_frames * frame;
  const float *m = block->m;
  float s[ALPHA * M_OUT * FIDGET_MANET_WINOGRAD_MAX_TILES];   /* A^T along dy: [4][6][nt] */
  float o[M_OUT * M_OUT * FIDGET_MANET_WINOGRAD_MAX_TILES];   /* [16][nt] */

  for (int k = k0; k < k1; k++)
    {
      float bias = block->conv->bias[k];

      for (int dx = 0; dx < ALPHA; dx++)
        {
          const float *p0 = m + ((gsize) (0 * ALPHA + dx) * cout + k) * nt;
          const float *p1 = m + ((gsize) (1 * ALPHA + dx) * cout + k) * nt;
          const float *p2 = m + ((gsize) (2 * ALPHA + dx) * cout + k) * nt;
          const float *p3 = m + ((gsize) (3 * ALPHA + dx) * cout + k) * nt;
          const float *p4 = m + ((gsize) (4 * ALPHA + dx) * cout + k) * nt;
          const float *p5 = m + ((gsize) (5 * ALPHA + dx) * cout + k) * nt;

          for (int j = 0; j < nt; j++)
            {
              float m0 = p0[j], m1 = p1[j], m2 = p2[j], m3 = p3[j], m4 = p4[j], m5 = p5[j];

              s[(0 * ALPHA + dx) * nt + j] = m0 + m1 + m2 + m3 + m4;
              s[(1 * ALPHA + dx) * nt + j] = m1 - m2 + 2.0f * (m3 - m4);
              s[(2 * ALPHA + dx) * nt + j] = m1 + m2 + 4.0f * (m3 + m4);
              s[(3 * ALPHA + dx) * nt + j] = m1 - m2 + 8.0f * (m3 - m4) + m5;
            }
        }
      for (int oy = 0; oy < M_OUT; oy++)
        {
          const float *row = s + oy * ALPHA * nt;
          float *out0 = o + (oy * M_OUT + 0) * nt, *out1 = o + (oy * M_OUT + 1) * nt;
          float *out2 = o + (oy * M_OUT + 2) * nt, *out3 = o + (oy * M_OUT + 3) * nt;

          for (int j = 0; j < nt; j++)
            {
              float s0 = row[0 * nt + j], s1 = row[1 * nt + j], s2 = row[2 * nt + j];
              float s3 = row[3 * nt + j], s4 = row[4 * nt + j], s5 = row[5 * nt + j];

              out0[j] = MAX (s0 + s1 + s2 + s3 + s4 + bias, 0.0f);
              out1[j] = MAX (s1 - s2 + 2.0f * (s3 - s4) + bias, 0.0f);
              out2[j] = MAX (s1 + s2 + 4.0f * (s3 + s4) + bias, 0.0f);
              out3[j] = MAX (s1 - s2 + 8.0f * (s3 - s4) + s5 + bias, 0.0f);
            }
        }
      for (int j = 0; j < nt; j++)
        {
          int tile = block->tile0 + j;
          int f = tile / per_frame, r = tile % per_frame;
          int y0 = (r / block->tiles_x) * M_OUT, x0 = (r % block->tiles_x) * M_OUT;
          float *dst = block->out + (gsize) k * n_all + f * frame + (gsize) y0 * w + x0;

          if (y0 + M_OUT <= h && x0 + M_OUT <= w)
            {
              for (int oy = 0; oy < M_OUT; oy++)
                for (int ox = 0; ox < M_OUT; ox++)
                  dst[oy * w + ox] = o[(oy * M_OUT + ox) * nt + j];
              continue;
            }
          for (int oy = 0; oy < M_OUT && y0 + oy < h; oy++)
            for (int ox = 0; ox < M_OUT && x0 + ox < w; ox++)
              dst[oy * w + ox] = o[(oy * M_OUT + ox) * nt + j];
        }
    }
}
