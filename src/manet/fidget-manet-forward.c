/* fidget-manet-forward.c: MANet's forward pass
 *
 * Activations are stored channel-major over the whole clip, [C][T][H][W], so a 1x1
 * convolution of all 8 frames is one matrix product W [cout][cin] x X [cin][T*H*W] and needs
 * no im2col. Each layer is cut into column tiles that the threads take one by one; a tile runs
 * its gather (im2col, or the squeeze-excitation scale and temporal shift, or the stride-2
 * subsampling of a projection shortcut) into a small per-thread buffer, then its product,
 * whose epilogue adds the bias and the shortcut, applies the ReLU and sums each channel per
 * frame as the values leave the registers (fidget-manet-gemm.c; OpenBLAS plus a pass where
 * AVX-512 is missing). The per-frame channel sums give the next block's squeeze-excitation
 * input and, after the last block, the pooled features, so no pass of its own reads the
 * activations for them. conv3 and the projection shortcut are one product over the stacked
 * inputs. Stride-1 3x3 convolutions go through Winograd F(4x4, 3x3) (fidget-manet-winograd.c).
 *
 * In layers 1 and 2, whose activations do not fit the caches, a bottleneck runs frame by
 * frame instead of layer by layer: one thread takes conv1, conv2 and conv3 of a frame, so
 * each convolution reads what the previous one has just written.
 *
 * OpenBLAS runs single-threaded inside the tasks; the engine's own threads split the work.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "fidget-manet-gemm.h"
#include "fidget-manet-private.h"
#include "fidget-manet-winograd.h"

/* OpenBLAS's own call, declared by its cblas.h; kept here for other cblas headers. */
void openblas_set_num_threads (int num_threads);

/* FIDGET_MANET_PROFILE=1 prints where a forward's time goes, by kind of layer. */
enum { PROF_STEM, PROF_POOL, PROF_SE, PROF_CONV1, PROF_CONV2_S1, PROF_CONV2_S2, PROF_CONV3,
       PROF_HEAD, N_PROF };
static const char *prof_names[N_PROF] = { "stem", "maxpool", "se", "conv1", "conv2-s1",
                                           "conv2-s2", "conv3", "head" };
static double prof_ms[N_PROF];
static gint64 prof_start;
static int prof_enabled = -1;

static void
prof_mark (int what)
{
  gint64 now;

  if (prof_enabled <= 0)
    return;
  now = g_get_monotonic_time ();
  if (what >= 0)
    prof_ms[what] += (now - prof_start) / 1000.0;
  prof_start = now;
}

/* {{{ Tiles */

/* A run of output columns: either part of one frame (nt == 1) or whole frames. The channel
 * sums of frame t0 + k of the tile go to partial-sum slot slot + k. */
typedef struct
{
  int col0;
  int ncols;
  int t0;
  int nt;
  int p0;
  int slot;
} Tile;

typedef struct
{
  Tile *tiles;
  int   n_tiles;
  int   n_slots;
  int   max_cols;
} TilePlan;

static void
tile_plan_clear (TilePlan *plan)
{
  g_clear_pointer (&plan->tiles, g_free);
}

/* Cuts T frames of hw columns into tiles of about @target columns, at least one per thread. */
static void
tile_plan_make (TilePlan *plan,
                int       n_frames,
                int       hw,
                int       target,
                int       n_threads)
{
  int total = n_frames * hw;
  int n = 0, slot = 0;

  if (total / MAX (target, 1) < n_threads)
    target = (total + n_threads - 1) / n_threads;
  target = MAX (target, 1);
  plan->max_cols = 0;

  if (hw >= target)
    {
      int per_frame = MAX (1, (hw + target / 2) / target);

      plan->tiles = g_new (Tile, n_frames * per_frame);
      for (int t = 0; t < n_frames; t++)
        for (int i = 0; i < per_frame; i++)
          {
            Tile *tile = &plan->tiles[n++];
            int p0 = (int) ((gint64) hw * i / per_frame);
            int p1 = (int) ((gint64) hw * (i + 1) / per_frame);

            tile->t0 = t;
            tile->nt = 1;
            tile->p0 = p0;
            tile->col0 = t * hw + p0;
            tile->ncols = p1 - p0;
            tile->slot = slot++;
            plan->max_cols = MAX (plan->max_cols, tile->ncols);
          }
    }
  else
    {
      int group = MAX (1, target / hw);

      plan->tiles = g_new (Tile, (n_frames + group - 1) / group);
      for (int t = 0; t < n_frames; t += group)
        {
          Tile *tile = &plan->tiles[n++];

          tile->t0 = t;
          tile->nt = MIN (group, n_frames - t);
          tile->p0 = 0;
          tile->col0 = t * hw;
          tile->ncols = tile->nt * hw;
          tile->slot = slot;
          slot += tile->nt;
          plan->max_cols = MAX (plan->max_cols, tile->ncols);
        }
    }
  plan->n_tiles = n;
  plan->n_slots = slot;
}

/* Columns per tile for a product of an [m x k] weight: the gathered input and the output
 * tile should stay in the 1 MB L2 cache, but a large weight is packed by OpenBLAS once per
 * tile, so it needs wide tiles to pay for that. */
static int
tile_target (int m,
             int k)
{
  int target = CLAMP (131072 / (m + k), 64, 1024);

  if ((gint64) m * k >= 256 * 1024)
    target = MAX (target, 256);
  return target;
}

/* }}} */
/* {{{ Kernels shared by the tasks */

/* Copies the receptive fields of output columns [col0, col0 + ncols) of a convolution into
 * out [cin * k * k][ncols]. The input is read as in[c * cstride + t * fstride + y * w + x]. */
static void
im2col (const float *in,
        int          cin,
        int          h,
        int          w,
        gsize        cstride,
        gsize        fstride,
        int          ksize,
        int          stride,
        int          pad,
        int          ho,
        int          wo,
        int          col0,
        int          ncols,
        float       *out)
{
  int hwo = ho * wo;

  for (int c = 0; c < cin; c++)
    for (int ky = 0; ky < ksize; ky++)
      for (int kx = 0; kx < ksize; kx++)
        {
          float *row = out + ((gsize) (c * ksize + ky) * ksize + kx) * ncols;
          int j = 0;

          while (j < ncols)
            {
              int n = col0 + j;
              int t = n / hwo, p = n % hwo;
              int oy = p / wo, ox = p % wo;
              int run = MIN (wo - ox, ncols - j);
              int iy = oy * stride - pad + ky;

              if (iy < 0 || iy >= h)
                memset (row + j, 0, run * sizeof (float));
              else
                {
                  const float *src = in + c * cstride + t * fstride + (gsize) iy * w;

                  if (stride == 1)
                    {
                      /* x = ox + q - pad + kx: the valid q form one run. */
                      int x0 = ox - pad + kx;
                      int q0 = CLAMP (-x0, 0, run), q1 = CLAMP (w - x0, 0, run);

                      if (q0 > 0)
                        memset (row + j, 0, q0 * sizeof (float));
                      if (q1 > q0)
                        memcpy (row + j + q0, src + x0 + q0, (q1 - q0) * sizeof (float));
                      if (run > q1)
                        memset (row + j + MAX (q1, q0), 0, (run - MAX (q1, q0)) * sizeof (float));
                    }
                  else
                    for (int q = 0; q < run; q++)
                      {
                        int ix = (ox + q) * stride - pad + kx;

                        row[j + q] = (ix >= 0 && ix < w) ? src[ix] : 0.0f;
                      }
                }
              j += run;
            }
        }
}

/* out[m x n] (ld ldc) = weight[m x k] x in[k x n] (ld ldb) + beta * out */
static inline void
gemm (int          m,
      int          n,
      int          k,
      const float *weight,
      const float *in,
      int          ldb,
      float        beta,
      float       *out,
      int          ldc)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, weight, k, in, ldb,
               beta, out, ldc);
}

/* The sum of n floats, in 16 lanes so that it vectorises. */
static float
sum_floats (const float *values,
            int          n)
{
  float lanes[16] = { 0 };
  float sum = 0.0f;
  int j = 0;

  for (; j + 16 <= n; j += 16)
    for (int l = 0; l < 16; l++)
      lanes[l] += values[j + l];
  for (; j < n; j++)
    sum += values[j];
  for (int l = 0; l < 16; l++)
    sum += lanes[l];
  return sum;
}

/* out = relu (conv's weight x B + bias [+ residual]) for ncols columns. B is k1 rows of b1
 * (stride ld1) and, for conv3 with a projection, k2 rows of b2 whose weight is the packed
 * weight's second part. Through the engine's own product when the weight is packed. */
static void
conv_product (const FidgetManetConv *conv,
              int                    k1,
              int                    ncols,
              const float           *b1,
              gsize                  ld1,
              const float           *b2,
              gsize                  ld2,
              int                    k2,
              float                 *out,
              gsize                  ldo,
              const float           *residual,
              gsize                  ldr,
              float                 *row_sums)
{
  if (conv->packed != NULL)
    {
      FidgetManetGemmB b = { b1, ld1, k1, b2, ld2, k2 };
      FidgetManetEpilogue epi = { conv->bias, residual, ldr, TRUE, row_sums };

      fidget_manet_gemm (conv->cout, ncols, conv->packed, &b, out, ldo, &epi);
      return;
    }
  g_assert (k2 == 0);
  gemm (conv->cout, ncols, k1, conv->weight, b1, ld1, 0.0f, out, ldo);
  for (int o = 0; o < conv->cout; o++)
    {
      float *row = out + o * ldo;
      const float *res = residual != NULL ? residual + o * ldr : NULL;
      float bias = conv->bias[o];

      for (int j = 0; j < ncols; j++)
        row[j] = MAX (row[j] + bias + (res != NULL ? res[j] : 0.0f), 0.0f);
      if (row_sums != NULL)
        row_sums[o] += sum_floats (row, ncols);
    }
}

/* }}} */
/* {{{ Stem: 7x7 convolution and max-pool */

typedef struct
{
  FidgetManet     *model;
  const float     *clip;
  int              n_frames, h, w, ho, wo;
  float           *out;
  TilePlan         plan;
} StemJob;

static void
stem_task (gpointer data,
           int      index,
           int      thread)
{
  StemJob *job = data;
  FidgetManetConv *conv = &job->model->stem;
  const Tile *tile = &job->plan.tiles[index];
  float *scratch = job->model->scratch[thread].data;
  gsize n = (gsize) job->n_frames * job->ho * job->wo;
  int k = conv->cin * 49;

  /* The clip is [T][3][H][W]. */
  im2col (job->clip, conv->cin, job->h, job->w, (gsize) job->h * job->w,
          (gsize) 3 * job->h * job->w, 7, 2, 3, job->ho, job->wo, tile->col0, tile->ncols,
          scratch);
  conv_product (conv, k, tile->ncols, scratch, tile->ncols, NULL, 0, 0, job->out + tile->col0,
                n, NULL, 0, NULL);
}

typedef struct
{
  const float *in;
  int          channels, n_frames, h, w, ho, wo;
  float       *out;
  float       *means;      /* [T][channels] */
} PoolJob;

#define POOL_CHANNELS_PER_TASK 4

static void
pool_task (gpointer data,
           int      index,
           int      thread)
{
  PoolJob *job = data;
  int c1 = MIN (job->channels, (index + 1) * POOL_CHANNELS_PER_TASK);

  float *column_max = g_alloca (sizeof (float) * job->w);

  /* A window clipped by the border is the same as one that repeats its edge row or column.
   * Each output row takes the maximum of three input rows (a loop that vectorises), then of
   * three columns of that. */
  for (int c = index * POOL_CHANNELS_PER_TASK; c < c1; c++)
    for (int t = 0; t < job->n_frames; t++)
      {
        const float *src = job->in + ((gsize) c * job->n_frames + t) * job->h * job->w;
        float *dst = job->out + ((gsize) c * job->n_frames + t) * job->ho * job->wo;
        float sum = 0.0f;

        for (int oy = 0; oy < job->ho; oy++)
          {
            const float *r0 = src + (gsize) MAX (oy * 2 - 1, 0) * job->w;
            const float *r1 = src + (gsize) (oy * 2) * job->w;
            const float *r2 = src + (gsize) MIN (oy * 2 + 1, job->h - 1) * job->w;
            float *out = dst + oy * job->wo;

            for (int x = 0; x < job->w; x++)
              column_max[x] = MAX (MAX (r0[x], r1[x]), r2[x]);
            for (int ox = 0; ox < job->wo; ox++)
              {
                int x0 = MAX (ox * 2 - 1, 0), x2 = MIN (ox * 2 + 1, job->w - 1);
                float best = MAX (MAX (column_max[x0], column_max[ox * 2]), column_max[x2]);

                out[ox] = best;
              }
            sum += sum_floats (out, job->wo);
          }
        job->means[t * job->channels + c] = sum / (job->ho * job->wo);
      }
}

/* }}} */
/* {{{ Bottleneck */

typedef struct
{
  FidgetManet      *model;
  FidgetManetBlock *block;
  int               n_frames;
  int               h, w;          /* input */
  int               ho, wo;        /* output */
  const float      *x;             /* [cin][T][h][w] */
  const float      *gate;          /* [T][cin] */
  float            *a;             /* conv1 output [width][T][h][w] */
  float            *b;             /* conv2 output [width][T][ho][wo] */
  float            *y;             /* block output [cout][T][ho][wo] */
  float            *partial;       /* [slots][cout] */
  TilePlan          plan;
  int               wino_tiles;    /* Winograd: output tiles of all frames */
  int               wino_block;    /* tiles per task */
  FidgetManetWinograd wino;        /* all tiles at once */
} BlockJob;

/* conv1's input is the temporal shift of x scaled by the squeeze-excitation gate: channel c
 * of frame t comes from frame t + 1 (first fold), t - 1 (second fold) or t, zero past the
 * ends, times that source frame's gate. */
static void
conv1_tile (BlockJob   *job,
            const Tile *tile,
            int         thread)
{
  FidgetManetBlock *block = job->block;
  float *scratch = job->model->scratch[thread].data;
  int T = job->n_frames, hw = job->h * job->w, cin = block->cin;
  int fold = cin / 8;
  gsize n = (gsize) T * hw;

  for (int k = 0; k < tile->nt; k++)
    {
      int t = tile->t0 + k;
      int p0 = tile->nt == 1 ? tile->p0 : 0;
      int np = tile->nt == 1 ? tile->ncols : hw;
      int offset = k * hw;

      for (int c = 0; c < cin; c++)
        {
          int src = c < fold ? t + 1 : c < 2 * fold ? t - 1 : t;
          float *dst = scratch + (gsize) c * tile->ncols + offset;

          if (src < 0 || src >= T)
            memset (dst, 0, np * sizeof (float));
          else
            {
              const float *in = job->x + (gsize) c * n + (gsize) src * hw + p0;
              float g = job->gate[src * cin + c];

              for (int j = 0; j < np; j++)
                dst[j] = in[j] * g;
            }
        }
    }
  conv_product (&block->conv1, cin, tile->ncols, scratch, tile->ncols, NULL, 0, 0,
                job->a + tile->col0, n, NULL, 0, NULL);
}

static void
conv1_task (gpointer data,
            int      index,
            int      thread)
{
  BlockJob *job = data;

  conv1_tile (job, &job->plan.tiles[index], thread);
}

/* Winograd by blocks of tiles: one task transforms, multiplies and transforms back its
 * block, which stays in its thread's cache. */
static void
conv2_winograd_task (gpointer data,
                     int      index,
                     int      thread)
{
  BlockJob *job = data;
  FidgetManetConv *conv = &job->block->conv2;
  int tile0 = index * job->wino_block;
  int nt = MIN (job->wino_block, job->wino_tiles - tile0);
  float *scratch = job->model->scratch[thread].data;
  float *v = scratch + (gsize) 36 * nt;
  float *m = v + (gsize) 36 * conv->cin * nt;
  FidgetManetWinograd block;

  fidget_manet_winograd_block_init (&block, conv, job->a, job->b, job->n_frames, job->h, job->w,
                                    tile0, nt, v, m);
  fidget_manet_winograd_input (&block, 0, conv->cin, scratch);
  fidget_manet_winograd_gemm (&block, 0, 36);
  fidget_manet_winograd_output (&block, 0, conv->cout);
}

/* Winograd over all tiles at once, for the small late layers whose weights are large: the
 * steps are split by channels and by products instead, so each product is one wide GEMM. */
#define WINO_CHANNELS_PER_TASK 16

static void
wino_input_task (gpointer data,
                 int      index,
                 int      thread)
{
  BlockJob *job = data;

  fidget_manet_winograd_input (&job->wino, index * WINO_CHANNELS_PER_TASK,
                               MIN (job->block->width, (index + 1) * WINO_CHANNELS_PER_TASK),
                               job->model->scratch[thread].data);
}

static void
wino_gemm_task (gpointer data,
                int      index,
                int      thread)
{
  BlockJob *job = data;

  fidget_manet_winograd_gemm (&job->wino, index, index + 1);
}

static void
wino_output_task (gpointer data,
                  int      index,
                  int      thread)
{
  BlockJob *job = data;

  fidget_manet_winograd_output (&job->wino, index * WINO_CHANNELS_PER_TASK,
                                MIN (job->block->width, (index + 1) * WINO_CHANNELS_PER_TASK));
}

static void
conv2_tile (BlockJob   *job,
            const Tile *tile,
            int         thread)
{
  FidgetManetBlock *block = job->block;
  float *scratch = job->model->scratch[thread].data;
  int T = job->n_frames;
  gsize n_in = (gsize) T * job->h * job->w;
  gsize n_out = (gsize) T * job->ho * job->wo;

  im2col (job->a, block->width, job->h, job->w, n_in, (gsize) job->h * job->w, 3,
          block->stride, 1, job->ho, job->wo, tile->col0, tile->ncols, scratch);
  conv_product (&block->conv2, block->width * 9, tile->ncols, scratch, tile->ncols, NULL, 0, 0,
                job->b + tile->col0, n_out, NULL, 0, NULL);
}

static void
conv2_task (gpointer data,
            int      index,
            int      thread)
{
  BlockJob *job = data;

  conv2_tile (job, &job->plan.tiles[index], thread);
}

/* conv3 plus the shortcut (projection or identity), ReLU, and the per-frame channel sums. */
static void
conv3_tile (BlockJob   *job,
            const Tile *tile,
            int         thread)
{
  FidgetManetBlock *block = job->block;
  float *scratch = job->model->scratch[thread].data;
  int T = job->n_frames, hwo = job->ho * job->wo;
  gsize n_in = (gsize) T * job->h * job->w;
  gsize n_out = (gsize) T * hwo;
  float *out = job->y + tile->col0;
  float beta = 0.0f;
  const float *down_in = NULL;
  gsize down_ld = 0;

  if (block->has_down)
    {
      if (block->stride == 1)
        {
          down_in = job->x + tile->col0;
          down_ld = n_in;
        }
      else
        {
          im2col (job->x, block->cin, job->h, job->w, n_in, (gsize) job->h * job->w, 1,
                  block->stride, 0, job->ho, job->wo, tile->col0, tile->ncols, scratch);
          down_in = scratch;
          down_ld = tile->ncols;
        }
    }

  if (block->conv3.packed != NULL)
    {
      float *b_tile = scratch + (block->has_down && block->stride != 1 ?
                                 (gsize) block->cin * tile->ncols : 0);

      /* The product reads its input rows tile by tile: gather them first, so that it streams
       * from a small contiguous block instead of rows a whole activation apart. */
      for (int c = 0; c < block->width; c++)
        memcpy (b_tile + (gsize) c * tile->ncols, job->b + c * n_out + tile->col0,
                tile->ncols * sizeof (float));
      if (block->has_down && block->stride == 1)
        {
          float *x_tile = b_tile + (gsize) block->width * tile->ncols;

          for (int c = 0; c < block->cin; c++)
            memcpy (x_tile + (gsize) c * tile->ncols, job->x + c * n_in + tile->col0,
                    tile->ncols * sizeof (float));
          down_in = x_tile;
          down_ld = tile->ncols;
        }
      /* One product over [b; x], bias, shortcut and ReLU on the way out, and the sums of a
       * tile within one frame; a tile of whole frames sums them afterwards. */
      if (tile->nt == 1)
        memset (job->partial + (gsize) tile->slot * block->cout, 0,
                block->cout * sizeof (float));
      conv_product (&block->conv3, block->width, tile->ncols, b_tile, tile->ncols,
                    down_in, down_ld, block->has_down ? block->cin : 0, out, n_out,
                    block->has_down ? NULL : job->x + tile->col0, n_in,
                    tile->nt == 1 ? job->partial + (gsize) tile->slot * block->cout : NULL);
      if (tile->nt > 1)
        for (int o = 0; o < block->cout; o++)
          {
            const float *row = out + o * n_out;

            for (int k = 0; k < tile->nt; k++)
              job->partial[(gsize) (tile->slot + k) * block->cout + o] =
                sum_floats (row + k * hwo, hwo);
          }
      return;
    }

  if (block->has_down)
    {
      gemm (block->cout, tile->ncols, block->cin, block->down.weight, down_in, down_ld, 0.0f,
            out, n_out);
      beta = 1.0f;
    }
  gemm (block->cout, tile->ncols, block->width, block->conv3.weight, job->b + tile->col0, n_out,
        beta, out, n_out);

  for (int o = 0; o < block->cout; o++)
    {
      float *row = out + o * n_out;
      const float *shortcut = block->has_down ? NULL : job->x + o * n_in + tile->col0;
      float bias = block->conv3.bias[o];

      for (int k = 0; k < tile->nt; k++)
        {
          int j0 = k * hwo, j1 = tile->nt == 1 ? tile->ncols : (k + 1) * hwo;
          float sum = 0.0f;

          if (shortcut != NULL)
            for (int j = j0; j < j1; j++)
              {
                float v = MAX (row[j] + bias + shortcut[j], 0.0f);

                row[j] = v;
                sum += v;
              }
          else
            for (int j = j0; j < j1; j++)
              {
                float v = MAX (row[j] + bias, 0.0f);

                row[j] = v;
                sum += v;
              }
          job->partial[(gsize) (tile->slot + k) * block->cout + o] = sum;
        }
    }
}

static void
conv3_task (gpointer data,
            int      index,
            int      thread)
{
  BlockJob *job = data;

  conv3_tile (job, &job->plan.tiles[index], thread);
}


/* Layers 1 and 2 move the most data: there a block runs frame by frame, conv1, conv2 and
 * conv3 of one frame on one thread, so that each convolution finds its input in cache
 * instead of memory. conv1 of frame t reads frames t - 1 and t + 1 of x, which no task
 * writes. The plans are those of one frame, moved to frame t. */
typedef struct
{
  BlockJob *job;
  TilePlan  plan1;
  TilePlan  plan2;
  TilePlan  plan3;
  int       wino_per_frame;
} FrameJob;

static Tile
tile_in_frame (const Tile *tile,
               int         t,
               int         hw)
{
  Tile moved = *tile;

  moved.t0 = t;
  moved.col0 += t * hw;
  return moved;
}

static void
frame_task (gpointer data,
            int      t,
            int      thread)
{
  FrameJob *frames = data;
  BlockJob *job = frames->job;
  int hw = job->h * job->w, hwo = job->ho * job->wo;

  for (int i = 0; i < frames->plan1.n_tiles; i++)
    {
      Tile tile = tile_in_frame (&frames->plan1.tiles[i], t, hw);

      conv1_tile (job, &tile, thread);
    }
  if (job->block->conv2.winograd_m != 0)
    {
      FidgetManetConv *conv = &job->block->conv2;

      for (int tile0 = 0; tile0 < frames->wino_per_frame; tile0 += job->wino_block)
        {
          int nt = MIN (job->wino_block, frames->wino_per_frame - tile0);
          float *scratch = job->model->scratch[thread].data;
          float *v = scratch + (gsize) 36 * nt;
          FidgetManetWinograd block;

          fidget_manet_winograd_block_init (&block, conv, job->a, job->b, job->n_frames, job->h,
                                            job->w, t * frames->wino_per_frame + tile0, nt, v,
                                            v + (gsize) 36 * conv->cin * nt);
          fidget_manet_winograd_input (&block, 0, conv->cin, scratch);
          fidget_manet_winograd_gemm (&block, 0, 36);
          fidget_manet_winograd_output (&block, 0, conv->cout);
        }
    }
  else
    for (int i = 0; i < frames->plan2.n_tiles; i++)
      {
        Tile tile = tile_in_frame (&frames->plan2.tiles[i], t, hwo);

        conv2_tile (job, &tile, thread);
      }
  for (int i = 0; i < frames->plan3.n_tiles; i++)
    {
      Tile tile = tile_in_frame (&frames->plan3.tiles[i], t, hwo);

      tile.slot += t * frames->plan3.n_slots;
      conv3_tile (job, &tile, thread);
    }
}

/* means[t][c] from the partial sums of the tiles, in tile order so the result does not depend
 * on the number of threads. */
static void
reduce_means (const TilePlan *plan,
              const float    *partial,
              int             channels,
              int             n_frames,
              int             hw,
              float          *means)
{
  memset (means, 0, sizeof (float) * n_frames * channels);
  for (int i = 0; i < plan->n_tiles; i++)
    {
      const Tile *tile = &plan->tiles[i];

      for (int k = 0; k < tile->nt; k++)
        {
          const float *src = partial + (gsize) (tile->slot + k) * channels;
          float *dst = means + (gsize) (tile->t0 + k) * channels;

          for (int c = 0; c < channels; c++)
            dst[c] += src[c];
        }
    }
  for (int i = 0; i < n_frames * channels; i++)
    means[i] /= hw;
}

/* gate[t][c] = sigmoid (W2 relu (W1 means[t])). The products are tiny but their weights are
 * not (32 MB over the network), so both threads stream them, each its slice of rows. */
typedef struct
{
  FidgetManetBlock *block;
  int               n_frames;
  const float      *means;
  float            *hidden;
  float            *gate;
} SeJob;

#define SE_ROWS_PER_TASK 64

static void
se_hidden_task (gpointer data,
                int      index,
                int      thread)
{
  SeJob *job = data;
  FidgetManetBlock *block = job->block;
  int j0 = index * SE_ROWS_PER_TASK, j1 = MIN (block->se_hidden, j0 + SE_ROWS_PER_TASK);

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, job->n_frames, j1 - j0, block->cin,
               1.0f, job->means, block->cin, block->se_w1 + (gsize) j0 * block->cin, block->cin,
               0.0f, job->hidden + j0, block->se_hidden);
  for (int t = 0; t < job->n_frames; t++)
    for (int j = j0; j < j1; j++)
      job->hidden[t * block->se_hidden + j] = MAX (job->hidden[t * block->se_hidden + j], 0.0f);
}

static void
se_gate_task (gpointer data,
              int      index,
              int      thread)
{
  SeJob *job = data;
  FidgetManetBlock *block = job->block;
  int c0 = index * SE_ROWS_PER_TASK, c1 = MIN (block->cin, c0 + SE_ROWS_PER_TASK);

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, job->n_frames, c1 - c0, block->se_hidden,
               1.0f, job->hidden, block->se_hidden, block->se_w2 + (gsize) c0 * block->se_hidden,
               block->se_hidden, 0.0f, job->gate + c0, block->cin);
  for (int t = 0; t < job->n_frames; t++)
    for (int c = c0; c < c1; c++)
      job->gate[t * block->cin + c] = 1.0f / (1.0f + expf (-job->gate[t * block->cin + c]));
}

static void
squeeze_excite (FidgetManetPool  *pool,
                FidgetManetBlock *block,
                int               n_frames,
                const float      *means,
                float            *hidden,
                float            *gate)
{
  SeJob job = { block, n_frames, means, hidden, gate };

  fidget_manet_pool_run (pool, (block->se_hidden + SE_ROWS_PER_TASK - 1) / SE_ROWS_PER_TASK,
                         se_hidden_task, &job);
  fidget_manet_pool_run (pool, (block->cin + SE_ROWS_PER_TASK - 1) / SE_ROWS_PER_TASK,
                         se_gate_task, &job);
}

/* }}} */
/* {{{ Forward */

static int
conv_out (int size,
          int ksize,
          int stride,
          int pad)
{
  return (size + 2 * pad - ksize) / stride + 1;
}

static void
ensure_scratch (FidgetManet *self,
                gsize        n_floats)
{
  for (int i = 0; i < fidget_manet_pool_get_n_threads (self->pool); i++)
    fidget_manet_buffer_ensure (&self->scratch[i], n_floats);
}

static gboolean
check_abort (FidgetManet  *self,
             GError      **error)
{
  if (self->abort_callback != NULL && self->abort_callback (self->abort_user_data))
    {
      g_set_error_literal (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_CANCELLED,
                           "The forward pass was cancelled.");
      return FALSE;
    }
  return TRUE;
}

static void
setup_threads (FidgetManet *self)
{
  if (self->pool != NULL && fidget_manet_pool_get_n_threads (self->pool) == self->n_threads)
    return;
  if (self->scratch != NULL)
    {
      for (int i = 0; i < fidget_manet_pool_get_n_threads (self->pool); i++)
        fidget_manet_buffer_clear (&self->scratch[i]);
      g_clear_pointer (&self->scratch, g_free);
    }
  g_clear_pointer (&self->pool, fidget_manet_pool_free);
  self->pool = fidget_manet_pool_new (self->n_threads);
  self->scratch = g_new0 (FidgetManetBuffer, self->n_threads);
}

static gboolean
run_block (FidgetManet      *self,
           FidgetManetBlock *block,
           int               n_frames,
           int               h,
           int               w,
           const float      *x,
           float            *y,
           float            *means,       /* in: of x; out: of y */
           float            *gate,
           float            *hidden)
{
  BlockJob job = { 0 };
  int n_threads = fidget_manet_pool_get_n_threads (self->pool);
  g_autofree float *partial = NULL;

  job.model = self;
  job.block = block;
  job.n_frames = n_frames;
  job.h = h;
  job.w = w;
  job.ho = conv_out (h, 3, block->stride, 1);
  job.wo = conv_out (w, 3, block->stride, 1);
  job.x = x;
  job.gate = gate;
  job.y = y;
  job.a = fidget_manet_buffer_ensure (&self->mid1, (gsize) block->width * n_frames * h * w);
  job.b = fidget_manet_buffer_ensure (&self->mid2,
                                      (gsize) block->width * n_frames * job.ho * job.wo);

  prof_mark (-1);
  squeeze_excite (self->pool, block, n_frames, means, hidden, gate);
  prof_mark (PROF_SE);

  if (h * w >= 784 && self->fast && !(self->flags & FIDGET_MANET_FLAG_LAYERWISE))
    {
      FrameJob frames = { 0 };
      gsize need;

      frames.job = &job;
      tile_plan_make (&frames.plan1, 1, h * w, tile_target (block->width, block->cin), 1);
      tile_plan_make (&frames.plan2, 1, job.ho * job.wo,
                      tile_target (block->width, block->width * 9), 1);
      tile_plan_make (&frames.plan3, 1, job.ho * job.wo,
                      tile_target (block->cout,
                                   block->width + (block->has_down ? block->cin : 0)), 1);
      need = (gsize) block->cin * frames.plan1.max_cols;
      if (block->conv2.winograd_m != 0)
        {
          int tiles_y, tiles_x;

          fidget_manet_winograd_tiles (job.ho, job.wo, &tiles_y, &tiles_x);
          frames.wino_per_frame = tiles_y * tiles_x;
          job.wino_block = MIN (64, frames.wino_per_frame);
          need = MAX (need, fidget_manet_winograd_scratch (block->width, block->width,
                                                           job.wino_block));
        }
      else
        need = MAX (need, (gsize) block->width * 9 * frames.plan2.max_cols);
      need = MAX (need, (gsize) (block->width + block->cin) * frames.plan3.max_cols);
      ensure_scratch (self, need);
      partial = g_new (float, (gsize) n_frames * frames.plan3.n_slots * block->cout);
      job.partial = partial;
      fidget_manet_pool_run (self->pool, n_frames, frame_task, &frames);
      memset (means, 0, sizeof (float) * n_frames * block->cout);
      for (int t = 0; t < n_frames; t++)
        for (int i = 0; i < frames.plan3.n_slots; i++)
          {
            const float *src = partial + ((gsize) t * frames.plan3.n_slots + i) * block->cout;

            for (int c = 0; c < block->cout; c++)
              means[t * block->cout + c] += src[c];
          }
      for (int i = 0; i < n_frames * block->cout; i++)
        means[i] /= job.ho * job.wo;
      tile_plan_clear (&frames.plan1);
      tile_plan_clear (&frames.plan2);
      tile_plan_clear (&frames.plan3);
      prof_mark (PROF_CONV3);
      return TRUE;
    }

  tile_plan_make (&job.plan, n_frames, h * w, tile_target (block->width, block->cin), n_threads);
  ensure_scratch (self, (gsize) block->cin * job.plan.max_cols);
  fidget_manet_pool_run (self->pool, job.plan.n_tiles, conv1_task, &job);
  tile_plan_clear (&job.plan);
  prof_mark (PROF_CONV1);

  if (block->conv2.winograd_m != 0)
    {
      int tiles_y, tiles_x, n_tasks, per_task, width = block->width;

      fidget_manet_winograd_tiles (h, w, &tiles_y, &tiles_x);
      job.wino_tiles = n_frames * tiles_y * tiles_x;
      if (job.wino_tiles <= FIDGET_MANET_WINOGRAD_MAX_TILES && width >= 128)
        {
          gsize nt = job.wino_tiles;
          float *v = fidget_manet_buffer_ensure (&self->wino, (gsize) 36 * nt * 2 * width);

          fidget_manet_winograd_block_init (&job.wino, &block->conv2, job.a, job.b, n_frames, h,
                                            w, 0, nt, v, v + (gsize) 36 * nt * width);
          ensure_scratch (self, (gsize) 36 * nt);
          n_tasks = (width + WINO_CHANNELS_PER_TASK - 1) / WINO_CHANNELS_PER_TASK;
          fidget_manet_pool_run (self->pool, n_tasks, wino_input_task, &job);
          fidget_manet_pool_run (self->pool, 36, wino_gemm_task, &job);
          fidget_manet_pool_run (self->pool, n_tasks, wino_output_task, &job);
        }
      else
        {
          /* Blocks whose transforms stay in cache, at least two per thread. */
          per_task = MIN (64, (job.wino_tiles + 2 * n_threads - 1) / (2 * n_threads));
          per_task = MAX (per_task, 1);
          n_tasks = (job.wino_tiles + per_task - 1) / per_task;
          job.wino_block = per_task;
          ensure_scratch (self, fidget_manet_winograd_scratch (width, width, per_task));
          fidget_manet_pool_run (self->pool, n_tasks, conv2_winograd_task, &job);
        }
    }
  else
    {
      tile_plan_make (&job.plan, n_frames, job.ho * job.wo,
                      tile_target (block->width, block->width * 9), n_threads);
      ensure_scratch (self, (gsize) block->width * 9 * job.plan.max_cols);
      fidget_manet_pool_run (self->pool, job.plan.n_tiles, conv2_task, &job);
      tile_plan_clear (&job.plan);
    }
  prof_mark (block->stride == 1 ? PROF_CONV2_S1 : PROF_CONV2_S2);

  tile_plan_make (&job.plan, n_frames, job.ho * job.wo,
                  tile_target (block->cout, block->width + (block->has_down ? block->cin : 0)),
                  n_threads);
  if (self->fast)
    ensure_scratch (self, (gsize) (block->width + (block->has_down ? block->cin : 0)) *
                          job.plan.max_cols);
  else if (block->has_down && block->stride != 1)
    ensure_scratch (self, (gsize) block->cin * job.plan.max_cols);
  partial = g_new (float, (gsize) job.plan.n_slots * block->cout);
  job.partial = partial;
  fidget_manet_pool_run (self->pool, job.plan.n_tiles, conv3_task, &job);
  reduce_means (&job.plan, partial, block->cout, n_frames, job.ho * job.wo, means);
  tile_plan_clear (&job.plan);
  prof_mark (PROF_CONV3);
  return TRUE;
}

gboolean
fidget_manet_forward (FidgetManet  *self,
                      const float  *clip,
                      int           n_frames,
                      int           height,
                      int           width,
                      float        *logits,
                      float        *features,
                      float        *embedding,
                      GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  int T = n_frames;
  int h, w, max_c;
  gsize n_values, max_act, small;
  float *means, *gate, *hidden, *frame_out;
  int cur = 0;
  StemJob stem = { 0 };
  PoolJob pool = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (clip != NULL, FALSE);
  g_return_val_if_fail (logits != NULL, FALSE);

  if (n_frames != FIDGET_MANET_FRAMES)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT,
                   "MANet takes clips of %d frames, not %d.", FIDGET_MANET_FRAMES, n_frames);
      return FALSE;
    }
  if (height < 32 || width < 32 || height > FIDGET_MANET_MAX_SIDE ||
      width > FIDGET_MANET_MAX_SIDE)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT,
                   "Frames of %d x %d cannot go through MANet: each side must be 32 to %d "
                   "pixels (224 for the trained weights).", width, height,
                   FIDGET_MANET_MAX_SIDE);
      return FALSE;
    }
  n_values = (gsize) T * 3 * height * width;
  for (gsize i = 0; i < n_values; i++)
    if (!isfinite (clip[i]))
      {
        g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT,
                     "The clip holds a value that is not a finite number (element %" G_GSIZE_FORMAT
                     ").", i);
        return FALSE;
      }

  locker = g_mutex_locker_new (&self->lock);
  setup_threads (self);
  /* Our threads split the work; OpenBLAS must not add its own on top. */
  openblas_set_num_threads (1);

  if (!check_abort (self, error))
    return FALSE;
  if (prof_enabled < 0)
    prof_enabled = g_getenv ("FIDGET_MANET_PROFILE") != NULL;
  memset (prof_ms, 0, sizeof prof_ms);

  /* Buffer sizes: the largest activation of the network (the stem's output shares the
   * second activation buffer). */
  h = conv_out (height, 7, 2, 3);
  w = conv_out (width, 7, 2, 3);
  max_act = (gsize) self->stem.cout * T * h * w;
  max_c = self->stem.cout;
  {
    int hh = conv_out (h, 3, 2, 1), ww = conv_out (w, 3, 2, 1);

    for (int b = 0; b < FIDGET_MANET_N_BLOCKS; b++)
      {
        FidgetManetBlock *block = &self->blocks[b];

        max_act = MAX (max_act, (gsize) block->cin * T * hh * ww);
        hh = conv_out (hh, 3, block->stride, 1);
        ww = conv_out (ww, 3, block->stride, 1);
        max_act = MAX (max_act, (gsize) block->cout * T * hh * ww);
        max_c = MAX (max_c, MAX (block->cin, block->cout));
        max_c = MAX (max_c, block->se_hidden);
      }
  }
  fidget_manet_buffer_ensure (&self->act[0], max_act);
  fidget_manet_buffer_ensure (&self->act[1], max_act);
  small = (gsize) 3 * T * max_c + (gsize) T * (self->n_classes + self->n_embedding +
                                               self->n_embedding_t);
  means = fidget_manet_buffer_ensure (&self->small, small);
  gate = means + (gsize) T * max_c;
  hidden = gate + (gsize) T * max_c;
  frame_out = hidden + (gsize) T * max_c;

  /* Stem */
  prof_mark (-1);
  stem.model = self;
  stem.clip = clip;
  stem.n_frames = T;
  stem.h = height;
  stem.w = width;
  stem.ho = h;
  stem.wo = w;
  stem.out = self->act[1].data;
  tile_plan_make (&stem.plan, T, h * w, tile_target (self->stem.cout, self->stem.cin * 49),
                  fidget_manet_pool_get_n_threads (self->pool));
  ensure_scratch (self, (gsize) self->stem.cin * 49 * stem.plan.max_cols);
  fidget_manet_pool_run (self->pool, stem.plan.n_tiles, stem_task, &stem);
  tile_plan_clear (&stem.plan);
  prof_mark (PROF_STEM);

  pool.in = self->act[1].data;
  pool.channels = self->stem.cout;
  pool.n_frames = T;
  pool.h = h;
  pool.w = w;
  pool.ho = conv_out (h, 3, 2, 1);
  pool.wo = conv_out (w, 3, 2, 1);
  pool.out = self->act[0].data;
  pool.means = means;
  fidget_manet_pool_run (self->pool,
                         (pool.channels + POOL_CHANNELS_PER_TASK - 1) / POOL_CHANNELS_PER_TASK,
                         pool_task, &pool);
  prof_mark (PROF_POOL);
  h = pool.ho;
  w = pool.wo;

  for (int b = 0; b < FIDGET_MANET_N_BLOCKS; b++)
    {
      FidgetManetBlock *block = &self->blocks[b];

      if (!check_abort (self, error))
        return FALSE;
      run_block (self, block, T, h, w, self->act[cur].data, self->act[1 - cur].data, means,
                 gate, hidden);
      cur = 1 - cur;
      h = conv_out (h, 3, block->stride, 1);
      w = conv_out (w, 3, block->stride, 1);
    }

  /* Head: means[t] are the pooled features of frame t. Each frame gets its logits, and the
   * clip's are their average (as the PyTorch head's consensus does). */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, self->n_classes, self->n_features,
               1.0f, means, self->n_features, self->fc_weight, self->n_features, 0.0f, frame_out,
               self->n_classes);
  for (int c = 0; c < self->n_classes; c++)
    {
      double sum = 0.0;

      for (int t = 0; t < T; t++)
        sum += frame_out[t * self->n_classes + c] + self->fc_bias[c];
      logits[c] = (float) (sum / T);
    }
  if (features != NULL)
    for (int c = 0; c < self->n_features; c++)
      {
        double sum = 0.0;

        for (int t = 0; t < T; t++)
          sum += means[t * self->n_features + c];
        features[c] = (float) (sum / T);
      }
  if (embedding != NULL)
    {
      float *e1 = frame_out;
      float *e2 = frame_out + (gsize) T * self->n_embedding;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, self->n_embedding,
                   self->n_features, 1.0f, means, self->n_features, self->emb_weight,
                   self->n_features, 0.0f, e1, self->n_embedding);
      for (int t = 0; t < T; t++)
        for (int c = 0; c < self->n_embedding; c++)
          e1[t * self->n_embedding + c] = tanhf (e1[t * self->n_embedding + c] +
                                                 self->emb_bias[c]);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, self->n_embedding_t,
                   self->n_embedding, 1.0f, e1, self->n_embedding, self->emb_t_weight,
                   self->n_embedding, 0.0f, e2, self->n_embedding_t);
      for (int c = 0; c < self->n_embedding_t; c++)
        {
          double sum = 0.0;

          for (int t = 0; t < T; t++)
            sum += e2[t * self->n_embedding_t + c] + self->emb_t_bias[c];
          embedding[c] = (float) (sum / T);
        }
    }
  prof_mark (PROF_HEAD);
  if (prof_enabled > 0)
    {
      double total = 0.0;

      for (int i = 0; i < N_PROF; i++)
        total += prof_ms[i];
      g_printerr ("manet profile:");
      for (int i = 0; i < N_PROF; i++)
        g_printerr (" %s %.1f", prof_names[i], prof_ms[i]);
      g_printerr (" = %.1f ms\n", total);
    }
  return TRUE;
}

/* }}} */
