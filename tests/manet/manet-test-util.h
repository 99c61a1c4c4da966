/* manet-test-util.h: MANet weights made up for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  char   *dtype;         /* "F32", "I64"... */
  int     n_dims;
  gint64  shape[4];
  GBytes *data;          /* little-endian values */
} ManetTestTensor;

/* Every official key of a MANet of stem width @width (64 for the real one) with deterministic
 * random values that keep activations in a sane range, in the official order, float32; the
 * unused num_batches_tracked (I64) and action_p2_* tensors included. */
GPtrArray       *manet_test_random_tensors (int          width,
                                            int          n_embedding,
                                            guint32      seed);
ManetTestTensor *manet_test_find           (GPtrArray   *tensors,
                                            const char  *name);
void             manet_test_tensor_set_f32 (ManetTestTensor *tensor,
                                            gint64       index,
                                            float        value);
/* The safetensors bytes of @tensors, stored in their order. */
GBytes          *manet_test_serialize      (GPtrArray   *tensors);
/* A deterministic clip [8][3][height][width] of values like a normalised picture. */
float           *manet_test_random_clip    (int          height,
                                            int          width,
                                            guint32      seed);

G_END_DECLS
