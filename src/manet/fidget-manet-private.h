/* fidget-manet-private.h: the engine's inside, shared by its files (private to src/manet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-manet.h"
#include "fidget-manet-pool.h"

G_BEGIN_DECLS

#define FIDGET_MANET_N_BLOCKS 16

/* The element-wise passes (transforms, gathers) are plain loops that the compiler
 * vectorises; built for the x86-64 baseline they get 128-bit vectors or none. An AVX-512
 * copy is built beside the baseline one and chosen when the program starts, by processor. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define FIDGET_MANET_VECTOR_CLONES __attribute__ ((target_clones ("avx512f", "default")))
#else
#define FIDGET_MANET_VECTOR_CLONES
#endif

/* A convolution with its batch norm folded in: weight [cout][cin * k * k], bias [cout]. */
typedef struct
{
  int    cin;
  int    cout;
  int    ksize;
  int    stride;
  int    pad;
  float *weight;
  float *bias;
  /* Winograd F(m x m, 3 x 3) transform of the weight for stride-1 3x3 convolutions:
   * [alpha * alpha][cout][cin], or NULL. */
  float *winograd;
  int    winograd_m;
  /* The weight packed for fidget_manet_gemm() (conv3: with the projection's weight after
   * it, k = width + cin), or NULL when OpenBLAS runs the products. With it, the plain weight
   * is freed, and the Winograd products are packed too. */
  float *packed;
} FidgetManetConv;

typedef struct
{
  int             cin;
  int             width;
  int             cout;
  int             stride;
  int             se_hidden;
  float          *se_w1;     /* [se_hidden][cin] */
  float          *se_w2;     /* [cin][se_hidden] */
  FidgetManetConv conv1;
  FidgetManetConv conv2;
  FidgetManetConv conv3;     /* its bias includes the downsample's */
  gboolean        has_down;
  FidgetManetConv down;
} FidgetManetBlock;

/* Grow-only buffers of a forward. */
typedef struct
{
  float *data;
  gsize  n_floats;
} FidgetManetBuffer;

struct _FidgetManet
{
  GMutex             lock;
  int                n_threads;
  FidgetManetPool   *pool;
  FidgetManetAbortFunc abort_callback;
  gpointer           abort_user_data;
  gboolean           fast;            /* fidget_manet_gemm() instead of OpenBLAS */
  guint              flags;           /* FidgetManetFlags */

  FidgetManetConv    stem;
  FidgetManetBlock   blocks[FIDGET_MANET_N_BLOCKS];
  int                n_classes;
  int                n_features;
  int                n_embedding;
  int                n_embedding_t;
  float             *fc_weight;       /* [n_classes][n_features] */
  float             *fc_bias;
  float             *emb_weight;      /* [n_embedding][n_features] */
  float             *emb_bias;
  float             *emb_t_weight;    /* [n_embedding_t][n_embedding] */
  float             *emb_t_bias;
  gsize              weight_bytes;

  FidgetManetBuffer  act[2];          /* block inputs and outputs, ping-pong */
  FidgetManetBuffer  mid1;            /* conv1 output */
  FidgetManetBuffer  mid2;            /* conv2 output */
  FidgetManetBuffer *scratch;         /* one per thread */
  FidgetManetBuffer  small;           /* means, gates, partial sums */
  FidgetManetBuffer  wino;            /* Winograd products of the late layers */
};

/* Other ways to compute the same thing, for tests and measurements (the environment
 * variables of fidget-manet.h set them too). */
typedef enum
{
  FIDGET_MANET_FLAG_NO_WINOGRAD = 1 << 0,   /* direct 3x3 convolutions */
  FIDGET_MANET_FLAG_LAYERWISE   = 1 << 1,   /* layers 1 and 2 layer by layer too */
} FidgetManetFlags;

FidgetManet *fidget_manet_load_with_flags (const guint8            *data,
                                           gsize                    size,
                                           const char              *name,
                                           const FidgetManetParams *params,
                                           guint                    flags,
                                           GError                 **error);

float   *fidget_manet_buffer_ensure (FidgetManetBuffer *buffer,
                                     gsize              n_floats);
void     fidget_manet_buffer_clear  (FidgetManetBuffer *buffer);

/* Winograd F(m x m, 3 x 3): fills conv->winograd from conv->weight. */
void     fidget_manet_winograd_prepare (FidgetManetConv *conv,
                                        int              m);

G_END_DECLS
