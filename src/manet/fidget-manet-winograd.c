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

#include "fidget-manet-gemm.h"
#include "fidget-manet-private.h"
#include "fidget-manet-winograd.h"

/* Built with -ffp-contract=off (see meson.build): no fused multiply-adds, so that the
 * vector body of a loop and its scalar remainder round alike whatever the thread count. */

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

/* B^T d B along one axis: six rows in, six rows out, n tiles each. Rows of their own, none
 * overlapping another, so that the loop vectorises. */
static inline __attribute__ ((always_inline)) void
input_1d (const float *restrict d0,
          const float *restrict d1,
          const float *restrict d2,
          const float *restrict d3,
          const float *restrict d4,
          const float *restrict d5,
          float *restrict       o0,
          float *restrict       o1,
          float *restrict       o2,
          float *restrict       o3,
          float *restrict       o4,
          float *restrict       o5,
          int                   n)
{
  for (int j = 0; j < n; j++)
    {
      o0[j] = 4.0f * d0[j] - 5.0f * d2[j] + d4[j];
      o1[j] = -4.0f * d1[j] - 4.0f * d2[j] + d3[j] + d4[j];
      o2[j] = 4.0f * d1[j] - 4.0f * d2[j] - d3[j] + d4[j];
      o3[j] = -2.0f * d1[j] - d2[j] + 2.0f * d3[j] + d4[j];
      o4[j] = 2.0f * d1[j] - d2[j] - 2.0f * d3[j] + d4[j];
      o5[j] = 4.0f * d1[j] - 5.0f * d3[j] + d5[j];
    }
}

/* out[k] = in[4 k] for k < n: the same element of the windows of neighbouring tiles. */
static inline __attribute__ ((always_inline)) void
copy_every_fourth (const float *restrict in,
                   float *restrict       out,
                   int                   n)
{
  for (int k = 0; k < n; k++)
    out[k] = in[M_OUT * k];
}

/* out[4 k + i] = in_i[k] for k < n: four columns of neighbouring output tiles. */
static inline __attribute__ ((always_inline)) void
interleave_four (const float *restrict in0,
                 const float *restrict in1,
                 const float *restrict in2,
                 const float *restrict in3,
                 float *restrict       out,
                 int                   n)
{
  for (int k = 0; k < n; k++)
    {
      out[M_OUT * k + 0] = in0[k];
      out[M_OUT * k + 1] = in1[k];
      out[M_OUT * k + 2] = in2[k];
      out[M_OUT * k + 3] = in3[k];
    }
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
FIDGET_MANET_VECTOR_CLONES void
fidget_manet_winograd_input (const FidgetManetWinograd *block,
                             int                        c0,
                             int                        c1,
                             float                     *d)
{
  int nt = block->n_tiles, h = block->h, w = block->w, cin = block->conv->cin;
  int per_frame = block->tiles_y * block->tiles_x;
  gsize frame = (gsize) h * w, n_all = (gsize) block->n_frames * frame;
  float tmp[ALPHA * ALPHA * FIDGET_MANET_WINOGRAD_MAX_TILES];

  for (int c = c0; c < c1; c++)
    {
      const float *plane = block->in + (gsize) c * n_all;

      /* A row of tiles at a time: the tiles that lie wholly inside the picture are copied
       * as one run per element of the 6x6 window (every fourth value of an input row), the
       * ones that overhang its border value by value, with zeros outside. */
      for (int j = 0; j < nt;)
        {
          int tile = block->tile0 + j;
          int f = tile / per_frame, r = tile % per_frame;
          int tx = r % block->tiles_x;
          int y0 = (r / block->tiles_x) * M_OUT - 1;
          int run = MIN (block->tiles_x - tx, nt - j);
          const float *src = plane + f * frame;
          int inner0 = j, inner1 = j;   /* the run's tiles inside the picture */

          if (y0 >= 0 && y0 + ALPHA <= h)
            {
              /* x0 = t * M_OUT - 1 of tile row position t is inside when t >= 1 and
               * t * M_OUT + ALPHA - 1 <= w */
              int t0 = MAX (tx, 1), t1 = MIN (tx + run, (w - ALPHA + 1) / M_OUT + 1);

              if (t1 > t0)
                {
                  inner0 = j + (t0 - tx);
                  inner1 = j + (t1 - tx);
                  for (int dy = 0; dy < ALPHA; dy++)
                    for (int dx = 0; dx < ALPHA; dx++)
                      copy_every_fourth (src + (gsize) (y0 + dy) * w + t0 * M_OUT - 1 + dx,
                                         d + (dy * ALPHA + dx) * nt + inner0, inner1 - inner0);
                }
            }
          for (int k = j; k < j + run; k++)
            {
              int x0 = (tx + k - j) * M_OUT - 1;

              if (k >= inner0 && k < inner1)
                continue;
              for (int dy = 0; dy < ALPHA; dy++)
                {
                  int y = y0 + dy;

                  for (int dx = 0; dx < ALPHA; dx++)
                    {
                      int x = x0 + dx;

                      d[(dy * ALPHA + dx) * nt + k] =
                        (y >= 0 && y < h && x >= 0 && x < w) ? src[y * w + x] : 0.0f;
                    }
                }
            }
          j += run;
        }
      /* Along dy for each column (rows dy * ALPHA + dx of d), then along dx for each row,
       * straight into V's rows e = dy * ALPHA + dx of this channel. */
      for (int dx = 0; dx < ALPHA; dx++)
        {
#define ROW(buf, dy) ((buf) + ((dy) * ALPHA + dx) * nt)
          input_1d (ROW (d, 0), ROW (d, 1), ROW (d, 2), ROW (d, 3), ROW (d, 4), ROW (d, 5),
                    ROW (tmp, 0), ROW (tmp, 1), ROW (tmp, 2), ROW (tmp, 3), ROW (tmp, 4),
                    ROW (tmp, 5), nt);
#undef ROW
        }
      for (int dy = 0; dy < ALPHA; dy++)
        {
          const float *row = tmp + dy * ALPHA * nt;
          float *v = block->v + ((gsize) dy * ALPHA * cin + c) * nt;
          gsize e_stride = (gsize) cin * nt;

          input_1d (row, row + nt, row + 2 * nt, row + 3 * nt, row + 4 * nt, row + 5 * nt,
                    v, v + e_stride, v + 2 * e_stride, v + 3 * e_stride, v + 4 * e_stride,
                    v + 5 * e_stride, nt);
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
FIDGET_MANET_VECTOR_CLONES void
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
      /* A row of tiles at a time: the tiles wholly inside the picture write each output row
       * as one interleaving of four rows of o, the last one of a row that overhangs the
       * border value by value. */
      for (int j = 0; j < nt;)
        {
          int tile = block->tile0 + j;
          int f = tile / per_frame, r = tile % per_frame;
          int tx = r % block->tiles_x;
          int y0 = (r / block->tiles_x) * M_OUT;
          int run = MIN (block->tiles_x - tx, nt - j);
          int whole = CLAMP (w / M_OUT - tx, 0, run);   /* tiles with all four columns */
          float *dst = block->out + (gsize) k * n_all + f * frame + (gsize) y0 * w + tx * M_OUT;

          for (int oy = 0; oy < M_OUT && y0 + oy < h; oy++)
            {
              const float *row = o + oy * M_OUT * nt + j;

              interleave_four (row, row + nt, row + 2 * nt, row + 3 * nt, dst + oy * w, whole);
              for (int t = whole; t < run; t++)
                for (int ox = 0; ox < M_OUT && (tx + t) * M_OUT + ox < w; ox++)
                  dst[oy * w + t * M_OUT + ox] = row[ox * nt + t];
            }
          j += run;
        }
    }
}
