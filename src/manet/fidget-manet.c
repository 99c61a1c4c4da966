/* fidget-manet.c: loading MANet's weights
 *
 * The weights come from the official PyTorch state_dict converted to safetensors. Every tensor
 * the forward needs is looked up by its official name and its shape checked against the
 * network's structure; the widths are taken from the shapes, so a narrower network of the same
 * structure (the test fixture) loads too. Batch norms are folded into the convolutions here, in
 * double precision, so the forward only adds a bias.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fidget-manet-private.h"
#include "fidget-manet-gemm.h"
#include "fidget-manet-winograd.h"
#include "fidget-safetensors.h"

#define BN_EPS 1e-5

static const int stage_blocks[4] = { 3, 4, 6, 3 };

G_DEFINE_QUARK (fidget-manet-error-quark, fidget_manet_error)

FidgetManetParams
fidget_manet_default_params (void)
{
  FidgetManetParams params = { 0 };

  params.n_threads = 0;
  params.abort_callback = NULL;
  params.abort_user_data = NULL;
  return params;
}

/* {{{ Buffers */

float *
fidget_manet_buffer_ensure (FidgetManetBuffer *buffer,
                            gsize              n_floats)
{
  if (n_floats <= buffer->n_floats && buffer->data != NULL)
    return buffer->data;
  g_aligned_free (buffer->data);
  buffer->data = NULL;
  buffer->n_floats = 0;
  /* g_aligned_alloc aborts when memory runs out; the sizes here are bounded by the input
   * size checks of the forward. */
  buffer->data = g_aligned_alloc (MAX (n_floats, 16), sizeof (float), 64);
  buffer->n_floats = MAX (n_floats, 16);
  return buffer->data;
}

void
fidget_manet_buffer_clear (FidgetManetBuffer *buffer)
{
  g_clear_pointer (&buffer->data, g_aligned_free);
  buffer->n_floats = 0;
}

/* }}} */
/* {{{ Loader */

typedef struct
{
  FidgetStFile *file;
  const char   *file_name;
  FidgetManet  *model;
} Loader;

static gboolean
tensor_error (GError    **error,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static gboolean
tensor_error (GError    **error,
              const char *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_TENSOR, message);
  return FALSE;
}

static float *
alloc_weights (Loader *loader,
               gsize   n_floats)
{
  loader->model->weight_bytes += n_floats * sizeof (float);
  return g_aligned_alloc0 (MAX (n_floats, 1), sizeof (float), 64);
}

/* Looks up @name, checks it has @n_dims dimensions matching @shape (a -1 takes any size of at
 * least 1 and is replaced by it) and returns it as float32. */
static float *
read_tensor (Loader      *loader,
             const char  *name,
             int          n_dims,
             gint64      *shape,
             GError     **error)
{
  FidgetStTensor *tensor = fidget_st_file_lookup (loader->file, name);
  gboolean match;
  float *values;

  if (tensor == NULL)
    {
      tensor_error (error, "%s lacks the tensor “%s” of MANet.", loader->file_name, name);
      return NULL;
    }
  match = tensor->n_dims == n_dims;
  for (int i = 0; match && i < n_dims; i++)
    if (tensor->shape[i] < 1 || (shape[i] >= 0 && tensor->shape[i] != shape[i]))
      match = FALSE;
  if (!match)
    {
      g_autofree char *have = fidget_st_format_shape (tensor->shape, tensor->n_dims);
      g_autoptr(GString) want = g_string_new ("[");

      for (int i = 0; i < n_dims; i++)
        {
          if (shape[i] >= 0)
            g_string_append_printf (want, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", shape[i]);
          else
            g_string_append_printf (want, "%s*", i > 0 ? ", " : "");
        }
      g_string_append_c (want, ']');
      tensor_error (error, "Tensor “%s” of %s has shape %s; MANet needs %s.", name,
                    loader->file_name, have, want->str);
      return NULL;
    }
  /* A width no real network has would only make the forward's buffers absurd. */
  for (int i = 0; i < n_dims; i++)
    if (tensor->shape[i] > 65536)
      {
        tensor_error (error, "Tensor “%s” of %s has a dimension of %" G_GINT64_FORMAT
                      ", larger than any MANet has.", name, loader->file_name,
                      tensor->shape[i]);
        return NULL;
      }
  for (int i = 0; i < n_dims; i++)
    shape[i] = tensor->shape[i];
  values = alloc_weights (loader, tensor->n_elements);
  if (!fidget_st_tensor_read_f32 (tensor, loader->file_name, values, error))
    {
      loader->model->weight_bytes -= tensor->n_elements * sizeof (float);
      g_aligned_free (values);
      return NULL;
    }
  /* Counted once: the folded copy replaces it. */
  tensor->used = TRUE;
  return values;
}

static float *
read_vector (Loader      *loader,
             const char  *prefix,
             const char  *suffix,
             gint64       length,
             GError     **error)
{
  g_autofree char *name = g_strconcat (prefix, suffix, NULL);
  gint64 shape[1] = { length };

  return read_tensor (loader, name, 1, shape, error);
}

static void
free_weights (FidgetManet *model,
              float      **pointer,
              gsize        n_floats)
{
  if (*pointer == NULL)
    return;
  model->weight_bytes -= n_floats * sizeof (float);
  g_clear_pointer (pointer, g_aligned_free);
}

/* Reads "<conv>.weight" and the batch norm "<bn>.{weight,bias,running_mean,running_var}" and
 * folds them: w' = w * gamma / sqrt(var + eps), b' = beta - mean * gamma / sqrt(var + eps). */
static gboolean
load_conv_bn (Loader          *loader,
              const char      *weight_name,
              const char      *bn_prefix,
              FidgetManetConv *conv,
              int              cin,
              int              cout,
              int              ksize,
              int              stride,
              GError         **error)
{
  gint64 shape[4] = { cout, cin, ksize, ksize };
  float *gamma = NULL, *beta = NULL, *mean = NULL, *var = NULL;
  gboolean ok = FALSE;
  gsize per_out;

  conv->weight = read_tensor (loader, weight_name, 4, shape, error);
  if (conv->weight == NULL)
    return FALSE;
  conv->cout = shape[0];
  conv->cin = shape[1];
  conv->ksize = ksize;
  conv->stride = stride;
  conv->pad = ksize / 2;
  per_out = (gsize) conv->cin * ksize * ksize;

  if (!(gamma = read_vector (loader, bn_prefix, ".weight", conv->cout, error)) ||
      !(beta = read_vector (loader, bn_prefix, ".bias", conv->cout, error)) ||
      !(mean = read_vector (loader, bn_prefix, ".running_mean", conv->cout, error)) ||
      !(var = read_vector (loader, bn_prefix, ".running_var", conv->cout, error)))
    goto out;

  conv->bias = alloc_weights (loader, conv->cout);
  for (int o = 0; o < conv->cout; o++)
    {
      double scale;

      if (var[o] < 0.0f)
        {
          tensor_error (error, "Tensor “%s.running_var” of %s holds a negative variance "
                        "(channel %d).", bn_prefix, loader->file_name, o);
          goto out;
        }
      scale = gamma[o] / sqrt ((double) var[o] + BN_EPS);
      for (gsize i = 0; i < per_out; i++)
        conv->weight[o * per_out + i] = (float) (conv->weight[o * per_out + i] * scale);
      conv->bias[o] = (float) (beta[o] - mean[o] * scale);
    }
  ok = TRUE;

out:
  free_weights (loader->model, &gamma, conv->cout);
  free_weights (loader->model, &beta, conv->cout);
  free_weights (loader->model, &mean, conv->cout);
  free_weights (loader->model, &var, conv->cout);
  return ok;
}

static gboolean
load_block (Loader           *loader,
            int               stage,
            int               index,
            int               cin,
            FidgetManetBlock *block,
            GError          **error)
{
  g_autofree char *prefix = g_strdup_printf ("backbone.layer%d.%d", stage + 1, index);
  g_autofree char *name = NULL;
  g_autofree char *bn = NULL;
  gint64 shape[2];

  block->cin = cin;
  block->stride = (stage > 0 && index == 0) ? 2 : 1;

  name = g_strconcat (prefix, ".conv1.conv.net.weight", NULL);
  bn = g_strconcat (prefix, ".conv1.bn", NULL);
  if (!load_conv_bn (loader, name, bn, &block->conv1, cin, -1, 1, 1, error))
    return FALSE;
  block->width = block->conv1.cout;

  g_free (name);
  name = g_strconcat (prefix, ".conv1.conv.fcce.0.weight", NULL);
  shape[0] = -1;
  shape[1] = cin;
  if (!(block->se_w1 = read_tensor (loader, name, 2, shape, error)))
    return FALSE;
  block->se_hidden = shape[0];
  g_free (name);
  name = g_strconcat (prefix, ".conv1.conv.fcce.2.weight", NULL);
  shape[0] = cin;
  shape[1] = block->se_hidden;
  if (!(block->se_w2 = read_tensor (loader, name, 2, shape, error)))
    return FALSE;

  g_free (name);
  g_free (bn);
  name = g_strconcat (prefix, ".conv2.conv.weight", NULL);
  bn = g_strconcat (prefix, ".conv2.bn", NULL);
  if (!load_conv_bn (loader, name, bn, &block->conv2, block->width, block->width, 3,
                     block->stride, error))
    return FALSE;

  g_free (name);
  g_free (bn);
  name = g_strconcat (prefix, ".conv3.conv.weight", NULL);
  bn = g_strconcat (prefix, ".conv3.bn", NULL);
  /* Without a projection the shortcut is x itself, so the output must have x's channels. */
  if (!load_conv_bn (loader, name, bn, &block->conv3, block->width, index == 0 ? -1 : cin, 1, 1,
                     error))
    return FALSE;
  block->cout = block->conv3.cout;

  block->has_down = index == 0;
  if (block->has_down)
    {
      g_free (name);
      g_free (bn);
      name = g_strconcat (prefix, ".downsample.conv.weight", NULL);
      bn = g_strconcat (prefix, ".downsample.bn", NULL);
      if (!load_conv_bn (loader, name, bn, &block->down, cin, block->cout, 1, block->stride,
                         error))
        return FALSE;
      /* One bias for the sum of both branches. */
      for (int o = 0; o < block->cout; o++)
        block->conv3.bias[o] += block->down.bias[o];
      free_weights (loader->model, &block->down.bias, block->cout);
    }
  if (block->stride == 1 && !(loader->model->flags & FIDGET_MANET_FLAG_NO_WINOGRAD))
    {
      /* The Winograd form replaces the plain weights. */
      fidget_manet_winograd_prepare (&block->conv2, 4);
      loader->model->weight_bytes += (gsize) 36 * block->width * block->width * sizeof (float);
      free_weights (loader->model, &block->conv2.weight, (gsize) 9 * block->width * block->width);
    }
  return TRUE;
}

/* Tensors of the official checkpoint that the forward never uses. */
static gboolean
is_unused_name (const char *name)
{
  return g_str_has_suffix (name, ".num_batches_tracked") ||
         (g_str_has_prefix (name, "backbone.layer") && strstr (name, ".conv1.conv.action_p2_"));
}

static gboolean
load_all (Loader  *loader,
          GError **error)
{
  FidgetManet *model = loader->model;
  gint64 shape[2];
  int channels;
  int b = 0;

  if (!load_conv_bn (loader, "backbone.conv1.conv.weight", "backbone.conv1.bn", &model->stem,
                     3, -1, 7, 2, error))
    return FALSE;
  model->stem.pad = 3;
  channels = model->stem.cout;

  for (int stage = 0; stage < 4; stage++)
    for (int i = 0; i < stage_blocks[stage]; i++, b++)
      {
        if (!load_block (loader, stage, i, channels, &model->blocks[b], error))
          return FALSE;
        channels = model->blocks[b].cout;
      }
  model->n_features = channels;

  shape[0] = -1;
  shape[1] = channels;
  if (!(model->fc_weight = read_tensor (loader, "cls_head.fc_cls.weight", 2, shape, error)))
    return FALSE;
  model->n_classes = shape[0];
  if (!(model->fc_bias = read_vector (loader, "cls_head.fc_cls", ".bias", model->n_classes,
                                      error)))
    return FALSE;
  shape[0] = -1;
  shape[1] = channels;
  if (!(model->emb_weight = read_tensor (loader, "cls_head.fc_emb.weight", 2, shape, error)))
    return FALSE;
  model->n_embedding = shape[0];
  if (!(model->emb_bias = read_vector (loader, "cls_head.fc_emb", ".bias", model->n_embedding,
                                       error)))
    return FALSE;
  shape[0] = -1;
  shape[1] = model->n_embedding;
  if (!(model->emb_t_weight = read_tensor (loader, "cls_head.fc_emb_t.weight", 2, shape, error)))
    return FALSE;
  model->n_embedding_t = shape[0];
  if (!(model->emb_t_bias = read_vector (loader, "cls_head.fc_emb_t", ".bias",
                                         model->n_embedding_t, error)))
    return FALSE;

  for (guint i = 0; i < loader->file->tensors->len; i++)
    {
      FidgetStTensor *tensor = g_ptr_array_index (loader->file->tensors, i);

      if (!tensor->used && !is_unused_name (tensor->name))
        return tensor_error (error, "Tensor “%s” of %s is not part of MANet: is this the "
                             "right weights file?", tensor->name, loader->file_name);
    }
  return TRUE;
}

/* Replaces a convolution's weight by its packed form. */
static void
pack_conv (FidgetManet     *model,
           FidgetManetConv *conv)
{
  int k = conv->cin * conv->ksize * conv->ksize;

  conv->packed = fidget_manet_pack_weight (conv->weight, conv->cout, k, k, 0, k, NULL);
  free_weights (model, &conv->weight, (gsize) conv->cout * k);
  model->weight_bytes += (gsize) (conv->cout + FIDGET_MANET_GEMM_MR - 1) /
                         FIDGET_MANET_GEMM_MR * FIDGET_MANET_GEMM_MR * k * sizeof (float);
}

static void
pack_weights (FidgetManet *model)
{
  model->fast = TRUE;
  pack_conv (model, &model->stem);
  for (int b = 0; b < FIDGET_MANET_N_BLOCKS; b++)
    {
      FidgetManetBlock *block = &model->blocks[b];
      FidgetManetConv *conv2 = &block->conv2;
      int rows = (block->cout + FIDGET_MANET_GEMM_MR - 1) / FIDGET_MANET_GEMM_MR *
                 FIDGET_MANET_GEMM_MR;

      pack_conv (model, &block->conv1);
      if (conv2->winograd != NULL)
        {
          gsize plane = (gsize) conv2->cout * conv2->cin;
          gsize packed_plane = (gsize) (conv2->cout + FIDGET_MANET_GEMM_MR - 1) /
                               FIDGET_MANET_GEMM_MR * FIDGET_MANET_GEMM_MR * conv2->cin;

          conv2->packed = g_aligned_alloc0 (36 * packed_plane, sizeof (float), 64);
          for (int e = 0; e < 36; e++)
            fidget_manet_pack_weight (conv2->winograd + e * plane, conv2->cout, conv2->cin,
                                      conv2->cin, 0, conv2->cin, conv2->packed + e * packed_plane);
          g_clear_pointer (&conv2->winograd, g_aligned_free);
          model->weight_bytes += 36 * (packed_plane - plane) * sizeof (float);
        }
      else if ((gint64) conv2->cout * conv2->cin * 9 <= 1024 * 1024)
        pack_conv (model, conv2);
      /* else OpenBLAS, whose blocking suits a weight this large better */
      if (block->has_down)
        {
          /* [W3 | Wd]: one product over the stacked inputs. */
          int k = block->width + block->cin;

          block->conv3.packed = fidget_manet_pack_weight (block->conv3.weight, block->cout,
                                                          block->width, block->width, 0, k,
                                                          NULL);
          fidget_manet_pack_weight (block->down.weight, block->cout, block->cin, block->cin,
                                    block->width, k, block->conv3.packed);
          free_weights (model, &block->conv3.weight, (gsize) block->cout * block->width);
          free_weights (model, &block->down.weight, (gsize) block->cout * block->cin);
          model->weight_bytes += (gsize) rows * k * sizeof (float);
        }
      else
        pack_conv (model, &block->conv3);
    }
}

static int
default_threads (void)
{
  return MAX (1, (int) g_get_num_processors ());
}

FidgetManet *
fidget_manet_load_with_flags (const guint8            *data,
                              gsize                    size,
                              const char              *name,
                              const FidgetManetParams *params,
                              guint                    flags,
                              GError                 **error)
{
  g_autoptr(FidgetManet) model = g_new0 (FidgetManet, 1);
  g_autoptr(FidgetStFile) file = NULL;
  FidgetManetParams defaults = fidget_manet_default_params ();
  Loader loader;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (params == NULL)
    params = &defaults;
  if (name == NULL)
    name = "the weights";
  g_mutex_init (&model->lock);
  model->abort_callback = params->abort_callback;
  model->abort_user_data = params->abort_user_data;
  model->n_threads = params->n_threads > 0 ? params->n_threads : default_threads ();
  model->flags = flags;

  if (!(file = fidget_st_file_parse (data, size, name, error)))
    return NULL;
  loader.file = file;
  loader.file_name = name;
  loader.model = model;
  if (!load_all (&loader, error))
    return NULL;
  if (fidget_manet_gemm_available ())
    pack_weights (model);
  return g_steal_pointer (&model);
}

FidgetManet *
fidget_manet_load_from_data (const guint8            *data,
                             gsize                    size,
                             const char              *name,
                             const FidgetManetParams *params,
                             GError                 **error)
{
  guint flags = 0;

  if (g_getenv ("FIDGET_MANET_NO_WINOGRAD") != NULL)
    flags |= FIDGET_MANET_FLAG_NO_WINOGRAD;
  if (g_getenv ("FIDGET_MANET_LAYERWISE") != NULL)
    flags |= FIDGET_MANET_FLAG_LAYERWISE;
  return fidget_manet_load_with_flags (data, size, name, params, flags, error);
}

FidgetManet *
fidget_manet_load (const char              *path,
                   const FidgetManetParams *params,
                   GError                 **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_IO,
                   "Cannot read the weights file %s: %s", display, local_error->message);
      return NULL;
    }
  return fidget_manet_load_from_data ((const guint8 *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped), display, params, error);
}

static void
clear_conv (FidgetManetConv *conv)
{
  g_clear_pointer (&conv->packed, g_aligned_free);
  g_clear_pointer (&conv->weight, g_aligned_free);
  g_clear_pointer (&conv->bias, g_aligned_free);
  g_clear_pointer (&conv->winograd, g_aligned_free);
}

void
fidget_manet_free (FidgetManet *self)
{
  if (self == NULL)
    return;
  clear_conv (&self->stem);
  for (int b = 0; b < FIDGET_MANET_N_BLOCKS; b++)
    {
      FidgetManetBlock *block = &self->blocks[b];

      clear_conv (&block->conv1);
      clear_conv (&block->conv2);
      clear_conv (&block->conv3);
      clear_conv (&block->down);
      g_clear_pointer (&block->se_w1, g_aligned_free);
      g_clear_pointer (&block->se_w2, g_aligned_free);
    }
  g_clear_pointer (&self->fc_weight, g_aligned_free);
  g_clear_pointer (&self->fc_bias, g_aligned_free);
  g_clear_pointer (&self->emb_weight, g_aligned_free);
  g_clear_pointer (&self->emb_bias, g_aligned_free);
  g_clear_pointer (&self->emb_t_weight, g_aligned_free);
  g_clear_pointer (&self->emb_t_bias, g_aligned_free);
  fidget_manet_buffer_clear (&self->act[0]);
  fidget_manet_buffer_clear (&self->act[1]);
  fidget_manet_buffer_clear (&self->mid1);
  fidget_manet_buffer_clear (&self->mid2);
  fidget_manet_buffer_clear (&self->small);
  fidget_manet_buffer_clear (&self->wino);
  if (self->scratch != NULL)
    {
      for (int i = 0; i < fidget_manet_pool_get_n_threads (self->pool); i++)
        fidget_manet_buffer_clear (&self->scratch[i]);
      g_free (self->scratch);
    }
  g_clear_pointer (&self->pool, fidget_manet_pool_free);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* }}} */
/* {{{ Properties */

void
fidget_manet_set_n_threads (FidgetManet *self,
                            int          n_threads)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->n_threads = n_threads > 0 ? n_threads : default_threads ();
  g_mutex_unlock (&self->lock);
}

int
fidget_manet_get_n_threads (FidgetManet *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_threads;
}

void
fidget_manet_set_abort_callback (FidgetManet          *self,
                                 FidgetManetAbortFunc  callback,
                                 gpointer              user_data)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->abort_callback = callback;
  self->abort_user_data = user_data;
  g_mutex_unlock (&self->lock);
}

int
fidget_manet_get_n_classes (FidgetManet *self)
{
  return self->n_classes;
}

int
fidget_manet_get_n_features (FidgetManet *self)
{
  return self->n_features;
}

int
fidget_manet_get_n_embedding (FidgetManet *self)
{
  return self->n_embedding_t;
}

int
fidget_manet_get_base_width (FidgetManet *self)
{
  return self->stem.cout;
}

gsize
fidget_manet_get_weight_bytes (FidgetManet *self)
{
  return self->weight_bytes;
}

gsize
fidget_manet_get_workspace_bytes (FidgetManet *self)
{
  gsize floats;

  g_mutex_lock (&self->lock);
  floats = self->act[0].n_floats + self->act[1].n_floats + self->mid1.n_floats +
           self->mid2.n_floats + self->small.n_floats + self->wino.n_floats;
  if (self->scratch != NULL)
    for (int i = 0; i < fidget_manet_pool_get_n_threads (self->pool); i++)
      floats += self->scratch[i].n_floats;
  g_mutex_unlock (&self->lock);
  return floats * sizeof (float);
}

static int
conv_out (int size,
          int ksize,
          int stride,
          int pad)
{
  return (size + 2 * pad - ksize) / stride + 1;
}

/* Multiply-adds of a forward; with @as_run, a Winograd convolution counts the products it
 * runs (alpha x alpha per tile of m x m outputs, tiles padded at the border) instead. */
static double
count_macs (FidgetManet *self,
            int          n_frames,
            int          height,
            int          width,
            gboolean     as_run)
{
  double macs = 0;
  int h = conv_out (height, 7, 2, 3), w = conv_out (width, 7, 2, 3);

  macs += (double) self->stem.cout * 3 * 49 * h * w;
  h = conv_out (h, 3, 2, 1);
  w = conv_out (w, 3, 2, 1);
  for (int b = 0; b < FIDGET_MANET_N_BLOCKS; b++)
    {
      FidgetManetBlock *block = &self->blocks[b];
      int ho = conv_out (h, 3, block->stride, 1), wo = conv_out (w, 3, block->stride, 1);
      int m = block->conv2.winograd_m;

      macs += 2.0 * block->cin * block->se_hidden;
      macs += (double) block->width * block->cin * h * w;
      if (as_run && m != 0)
        {
          int tiles_y, tiles_x;

          fidget_manet_winograd_tiles (ho, wo, &tiles_y, &tiles_x);
          macs += (double) block->width * block->width * (m + 2) * (m + 2) * tiles_y * tiles_x;
        }
      else
        macs += (double) block->width * block->width * 9 * ho * wo;
      macs += (double) block->cout * block->width * ho * wo;
      if (block->has_down)
        macs += (double) block->cout * block->cin * ho * wo;
      h = ho;
      w = wo;
    }
  macs += (double) self->n_classes * self->n_features;
  macs += (double) self->n_embedding * self->n_features +
          (double) self->n_embedding_t * self->n_embedding;
  return macs * n_frames;
}

double
fidget_manet_get_flops (FidgetManet *self,
                        int          n_frames,
                        int          height,
                        int          width)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return 2.0 * count_macs (self, n_frames, height, width, FALSE);
}

double
fidget_manet_get_run_flops (FidgetManet *self,
                            int          n_frames,
                            int          height,
                            int          width)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return 2.0 * count_macs (self, n_frames, height, width, TRUE);
}

/* }}} */
