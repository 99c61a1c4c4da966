/* fidget-manet.h: the built-in MANet inference engine (CPU, OpenBLAS)
 *
 * MANet is ResNet-50 with squeeze-excitation and a temporal shift before the first convolution
 * of every bottleneck, applied to the 8 frames of a clip (see ../shared/MANET.md). The engine
 * reads the official PyTorch weights converted to safetensors (tools/convert_weights.py) and
 * gives the same logits as the PyTorch model.
 *
 * Use:
 *
 *   FidgetManetParams params = fidget_manet_default_params ();
 *   params.n_threads = 2;
 *   g_autoptr(FidgetManet) model = fidget_manet_load ("manet.safetensors", &params, &error);
 *   float logits[52];
 *   fidget_manet_forward (model, clip, 8, 224, 224, logits, NULL, NULL, &error);
 *
 * A model runs one forward at a time (concurrent calls wait for each other).
 *
 * For tests and measurements, the environment can change how a forward is computed (never
 * its result beyond float rounding): FIDGET_MANET_OPENBLAS=1 uses OpenBLAS for every product
 * (as on processors without AVX-512), FIDGET_MANET_NO_WINOGRAD=1 computes the 3x3
 * convolutions directly, FIDGET_MANET_LAYERWISE=1 runs layers 1 and 2 layer by layer, and
 * FIDGET_MANET_PROFILE=1 prints the time of each kind of layer to stderr.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FIDGET_MANET_ERROR (fidget_manet_error_quark ())

typedef enum
{
  FIDGET_MANET_ERROR_IO,          /* the weights file cannot be read */
  FIDGET_MANET_ERROR_FORMAT,      /* not a valid safetensors file (header, offsets, dtypes) */
  FIDGET_MANET_ERROR_TENSOR,      /* a missing, extra, misshaped or non-finite tensor */
  FIDGET_MANET_ERROR_INPUT,       /* a clip of the wrong size or with non-finite values */
  FIDGET_MANET_ERROR_CANCELLED,   /* the abort callback asked to stop */
} FidgetManetError;

GQuark fidget_manet_error_quark (void);

/* The frames of a clip (MANET.md): the 2-D layers see them as a batch. */
#define FIDGET_MANET_FRAMES 8
/* The largest side of a frame: beyond it the working memory would pass a few GB. */
#define FIDGET_MANET_MAX_SIDE 1024

typedef struct _FidgetManet FidgetManet;

/* Called between layers from the thread running the forward; returning TRUE stops it with
 * FIDGET_MANET_ERROR_CANCELLED. */
typedef gboolean (*FidgetManetAbortFunc) (gpointer user_data);

typedef struct
{
  /* Threads of a forward, the calling one included; 0 means one per processor. OpenBLAS is set
   * to one thread so that nothing oversubscribes the processors. */
  int                  n_threads;
  FidgetManetAbortFunc abort_callback;
  gpointer             abort_user_data;
} FidgetManetParams;

FidgetManetParams fidget_manet_default_params (void);

/* Loads a safetensors file (float32, float16 or bfloat16) with MANet's official key names.
 * The widths are read from the tensor shapes; the depth (3, 4, 6, 3 bottlenecks) is fixed.
 * Batch norms are folded into the convolutions. @params may be NULL for the defaults. */
FidgetManet      *fidget_manet_load                 (const char              *path,
                                                     const FidgetManetParams *params,
                                                     GError                 **error);
/* The same from bytes in memory; @name is used in error messages. */
FidgetManet      *fidget_manet_load_from_data       (const guint8            *data,
                                                     gsize                    size,
                                                     const char              *name,
                                                     const FidgetManetParams *params,
                                                     GError                 **error);
void              fidget_manet_free                 (FidgetManet             *self);

void              fidget_manet_set_n_threads        (FidgetManet             *self,
                                                     int                      n_threads);
int               fidget_manet_get_n_threads        (FidgetManet             *self);
void              fidget_manet_set_abort_callback   (FidgetManet             *self,
                                                     FidgetManetAbortFunc     callback,
                                                     gpointer                 user_data);

/* 52 for the MA-52 weights. */
int               fidget_manet_get_n_classes        (FidgetManet             *self);
/* Channels of the pooled features (2048 at full width). */
int               fidget_manet_get_n_features       (FidgetManet             *self);
/* Length of the embedding (300). */
int               fidget_manet_get_n_embedding      (FidgetManet             *self);
/* Channels of the stem (64 at full width, less in reduced test networks). */
int               fidget_manet_get_base_width       (FidgetManet             *self);
/* Multiply-adds times two of one forward of @n_frames frames of @height x @width, counted as
 * direct convolutions (65.6e9 for 8 x 224 x 224). */
double            fidget_manet_get_flops            (FidgetManet             *self,
                                                     int                      n_frames,
                                                     int                      height,
                                                     int                      width);
/* The same with each Winograd convolution counted as the products it runs: about 48.4e9 for
 * 8 x 224 x 224, the multiply-adds a forward cannot do without. */
double            fidget_manet_get_run_flops        (FidgetManet             *self,
                                                     int                      n_frames,
                                                     int                      height,
                                                     int                      width);
/* Bytes of weights and of the working memory of the last forward. */
gsize             fidget_manet_get_weight_bytes     (FidgetManet             *self);
gsize             fidget_manet_get_workspace_bytes  (FidgetManet             *self);

/* Runs a clip: @clip is float32 [n_frames, 3, height, width], normalised as MANET.md says;
 * n_frames is FIDGET_MANET_FRAMES (the temporal shift is defined on 8 frames) and height and
 * width are 32 to FIDGET_MANET_MAX_SIDE. Writes the frame-averaged logits (n_classes); @features (n_features,
 * the pooled features averaged over frames) and @embedding (n_embedding, averaged over frames)
 * may be NULL. */
gboolean          fidget_manet_forward              (FidgetManet             *self,
                                                     const float             *clip,
                                                     int                      n_frames,
                                                     int                      height,
                                                     int                      width,
                                                     float                   *logits,
                                                     float                   *features,
                                                     float                   *embedding,
                                                     GError                 **error);

/* This processor's multiply-add throughput in GFLOP/s, measured on @n_threads threads (0: one
 * per processor) with the widest vectors the engine's products use. A forward cannot take
 * less than fidget_manet_get_run_flops() over it. Takes about half a second. */
double            fidget_manet_measure_peak_gflops  (int                      n_threads);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetManet, fidget_manet_free)

G_END_DECLS
