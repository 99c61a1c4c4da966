/* fidget-safetensors.h: a bounds-checked reader of safetensors files (private to src/manet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FIDGET_ST_MAX_DIMS 8

typedef enum
{
  FIDGET_ST_F32,
  FIDGET_ST_F16,
  FIDGET_ST_BF16,
  FIDGET_ST_OTHER,   /* a valid safetensors dtype that MANet's weights never use (I64, F64...) */
} FidgetStDtype;

typedef struct
{
  char          *name;
  char          *dtype_name;
  FidgetStDtype  dtype;
  int            n_dims;
  gint64         shape[FIDGET_ST_MAX_DIMS];
  gint64         n_elements;
  const guint8  *data;       /* inside the file's bytes, n_bytes long, checked */
  gsize          n_bytes;
  gboolean       used;
} FidgetStTensor;

typedef struct
{
  char       *file_name;
  GPtrArray  *tensors;       /* FidgetStTensor, in header order */
  GHashTable *by_name;       /* name -> FidgetStTensor (owned by tensors) */
} FidgetStFile;

/* Parses the header of @data (which must outlive the result) and checks every tensor's dtype,
 * shape and byte range against the file. */
FidgetStFile *fidget_st_file_parse (const guint8  *data,
                                    gsize          size,
                                    const char    *file_name,
                                    GError       **error);
void          fidget_st_file_free  (FidgetStFile  *file);
FidgetStTensor *fidget_st_file_lookup (FidgetStFile *file,
                                       const char   *name);
/* Converts a float32/float16/bfloat16 tensor to float32 into @out (n_elements long), refusing
 * NaN and infinite values. */
gboolean      fidget_st_tensor_read_f32 (const FidgetStTensor *tensor,
                                         const char           *file_name,
                                         float                *out,
                                         GError              **error);
/* "[64, 3, 7, 7]" */
char         *fidget_st_format_shape (const gint64 *shape,
                                      int           n_dims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetStFile, fidget_st_file_free)

G_END_DECLS
