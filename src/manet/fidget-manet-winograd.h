/* fidget-manet-winograd.h: stride-1 3x3 convolutions by Winograd F(4x4, 3x3) (private)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-manet-private.h"

G_BEGIN_DECLS

/* Tiles per block at most (the transforms keep a block's values on the stack). */
#define FIDGET_MANET_WINOGRAD_MAX_TILES 256

void  fidget_manet_winograd_tiles   (int                    h,
                                     int                    w,
                                     int                   *tiles_y,
                                     int                   *tiles_x);
/* Floats of scratch for a block of @n_tiles. */
gsize fidget_manet_winograd_scratch (int                    cin,
                                     int                    cout,
                                     int                    n_tiles);
/* One block of output tiles tile0 .. tile0 + n_tiles - 1, counted over the frames of
 * in [cin][T][h][w]; out = relu (conv (in) + bias) is [cout][T][h][w]. The three steps can run
 * on different threads for different channel or product ranges. */
typedef struct
{
  const FidgetManetConv *conv;
  const float           *in;
  float                 *out;
  int                    n_frames, h, w, tiles_y, tiles_x;
  int                    tile0, n_tiles;
  float                 *v;        /* [36][cin][n_tiles] */
  float                 *m;        /* [36][cout][n_tiles] */
} FidgetManetWinograd;

void  fidget_manet_winograd_block_init (FidgetManetWinograd   *block,
                                        const FidgetManetConv *conv,
                                        const float           *in,
                                        float                 *out,
                                        int                    n_frames,
                                        int                    h,
                                        int                    w,
                                        int                    tile0,
                                        int                    n_tiles,
                                        float                 *v,
                                        float                 *m);
/* @d: 36 * n_tiles floats of scratch */
void  fidget_manet_winograd_input      (const FidgetManetWinograd *block,
                                        int                        c0,
                                        int                        c1,
                                        float                     *d);
void  fidget_manet_winograd_gemm       (const FidgetManetWinograd *block,
                                        int                        e0,
                                        int                        e1);
void  fidget_manet_winograd_output     (const FidgetManetWinograd *block,
                                        int                        k0,
                                        int                        k1);

G_END_DECLS
