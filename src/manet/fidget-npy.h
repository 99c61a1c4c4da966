/* fidget-npy.h: reading and writing NumPy .npy arrays of float32
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FIDGET_NPY_MAX_DIMS 8

/* Reads a C-ordered float32 array (float16 and float64 are converted); errors are
 * FIDGET_MANET_ERROR_IO when the file cannot be read and FIDGET_MANET_ERROR_INPUT when it is
 * not such an array.
 * Returns the values (g_free them) and sets @n_dims and @shape. */
float    *fidget_npy_read_f32  (const char   *path,
                                int          *n_dims,
                                gint64       *shape,
                                GError      **error);
/* The same from bytes in memory; @name is used in error messages. */
float    *fidget_npy_parse_f32 (const guint8 *data,
                                gsize         size,
                                const char   *name,
                                int          *n_dims,
                                gint64       *shape,
                                GError      **error);
/* Writes a float32 array, replacing @path atomically. */
gboolean  fidget_npy_write_f32 (const char   *path,
                                const float  *values,
                                int           n_dims,
                                const gint64 *shape,
                                GError      **error);

G_END_DECLS
