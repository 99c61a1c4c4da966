/* manet-test-util.c: MANet weights made up for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "manet-test-util.h"

static void
tensor_free (gpointer data)
{
  ManetTestTensor *tensor = data;

  g_free (tensor->name);
  g_free (tensor->dtype);
  g_bytes_unref (tensor->data);
  g_free (tensor);
}

static double
normal (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0), v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

typedef enum { FILL_NORMAL, FILL_UNIFORM } Fill;

static void
add_f32 (GPtrArray  *tensors,
         GRand      *rand,
         const char *name,
         int         n_dims,
         gint64      d0,
         gint64      d1,
         gint64      d2,
         gint64      d3,
         Fill        fill,
         double      a,
         double      b)
{
  ManetTestTensor *tensor = g_new0 (ManetTestTensor, 1);
  gint64 dims[4] = { d0, d1, d2, d3 };
  gint64 n = 1;
  float *values;

  tensor->name = g_strdup (name);
  tensor->dtype = g_strdup ("F32");
  tensor->n_dims = n_dims;
  for (int i = 0; i < n_dims; i++)
    {
      tensor->shape[i] = dims[i];
      n *= dims[i];
    }
  values = g_new (float, MAX (n, 1));
  for (gint64 i = 0; i < n; i++)
    values[i] = fill == FILL_NORMAL ? (float) (a + b * normal (rand))
                                    : (float) g_rand_double_range (rand, a, b);
  tensor->data = g_bytes_new_take (values, n * sizeof (float));
  g_ptr_array_add (tensors, tensor);
}

static void
add_counter (GPtrArray  *tensors,
             const char *name)
{
  ManetTestTensor *tensor = g_new0 (ManetTestTensor, 1);
  gint64 value = GINT64_TO_LE (1000);

  tensor->name = g_strdup (name);
  tensor->dtype = g_strdup ("I64");
  tensor->n_dims = 0;
  tensor->data = g_bytes_new (&value, sizeof value);
  g_ptr_array_add (tensors, tensor);
}

static void
add_conv_bn (GPtrArray  *tensors,
             GRand      *rand,
             const char *conv_name,
             const char *bn_prefix,
             int         cout,
             int         cin,
             int         k,
             gboolean    last_of_branch)
{
  g_autofree char *gamma = g_strconcat (bn_prefix, ".weight", NULL);
  g_autofree char *beta = g_strconcat (bn_prefix, ".bias", NULL);
  g_autofree char *mean = g_strconcat (bn_prefix, ".running_mean", NULL);
  g_autofree char *var = g_strconcat (bn_prefix, ".running_var", NULL);
  g_autofree char *count = g_strconcat (bn_prefix, ".num_batches_tracked", NULL);

  add_f32 (tensors, rand, conv_name, 4, cout, cin, k, k, FILL_NORMAL, 0.0,
           sqrt (2.0 / (cin * k * k)));
  add_f32 (tensors, rand, gamma, 1, cout, 0, 0, 0, FILL_UNIFORM,
           last_of_branch ? 0.1 : 0.6, last_of_branch ? 0.4 : 1.2);
  add_f32 (tensors, rand, beta, 1, cout, 0, 0, 0, FILL_NORMAL, 0.0, 0.1);
  add_f32 (tensors, rand, mean, 1, cout, 0, 0, 0, FILL_NORMAL, 0.0, 0.1);
  add_f32 (tensors, rand, var, 1, cout, 0, 0, 0, FILL_UNIFORM, 0.5, 1.5);
  add_counter (tensors, count);
}

GPtrArray *
manet_test_random_tensors (int     width,
                           int     n_embedding,
                           guint32 seed)
{
  static const int blocks[4] = { 3, 4, 6, 3 };
  GPtrArray *tensors = g_ptr_array_new_with_free_func (tensor_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  int channels = width;

  add_conv_bn (tensors, rand, "backbone.conv1.conv.weight", "backbone.conv1.bn", width, 3, 7,
               FALSE);
  for (int stage = 0; stage < 4; stage++)
    for (int i = 0; i < blocks[stage]; i++)
      {
        int w = width << stage;
        g_autofree char *p = g_strdup_printf ("backbone.layer%d.%d", stage + 1, i);
        g_autofree char *n1 = g_strconcat (p, ".conv1.conv.net.weight", NULL);
        g_autofree char *b1 = g_strconcat (p, ".conv1.bn", NULL);
        g_autofree char *se1 = g_strconcat (p, ".conv1.conv.fcce.0.weight", NULL);
        g_autofree char *se2 = g_strconcat (p, ".conv1.conv.fcce.2.weight", NULL);
        g_autofree char *q = g_strconcat (p, ".conv1.conv.action_p2_squeeze.weight", NULL);
        g_autofree char *e = g_strconcat (p, ".conv1.conv.action_p2_expand.weight", NULL);
        g_autofree char *n2 = g_strconcat (p, ".conv2.conv.weight", NULL);
        g_autofree char *b2 = g_strconcat (p, ".conv2.bn", NULL);
        g_autofree char *n3 = g_strconcat (p, ".conv3.conv.weight", NULL);
        g_autofree char *b3 = g_strconcat (p, ".conv3.bn", NULL);
        g_autofree char *nd = g_strconcat (p, ".downsample.conv.weight", NULL);
        g_autofree char *bd = g_strconcat (p, ".downsample.bn", NULL);

        add_conv_bn (tensors, rand, n1, b1, w, channels, 1, FALSE);
        add_f32 (tensors, rand, se1, 2, channels / 4, channels, 0, 0, FILL_NORMAL, 0.0,
                 sqrt (2.0 / channels));
        add_f32 (tensors, rand, se2, 2, channels, channels / 4, 0, 0, FILL_NORMAL, 0.0,
                 sqrt (2.0 / (channels / 4)));
        /* Unused by the forward, but in the official checkpoint. */
        add_f32 (tensors, rand, q, 4, 2, channels, 1, 1, FILL_NORMAL, 0.0, 0.1);
        add_f32 (tensors, rand, e, 4, channels, 2, 1, 1, FILL_NORMAL, 0.0, 0.1);
        add_conv_bn (tensors, rand, n2, b2, w, w, 3, FALSE);
        add_conv_bn (tensors, rand, n3, b3, 4 * w, w, 1, TRUE);
        if (i == 0)
          add_conv_bn (tensors, rand, nd, bd, 4 * w, channels, 1, FALSE);
        channels = 4 * w;
      }
  add_f32 (tensors, rand, "cls_head.fc_cls.weight", 2, 52, channels, 0, 0, FILL_NORMAL, 0.0,
           sqrt (2.0 / channels));
  add_f32 (tensors, rand, "cls_head.fc_cls.bias", 1, 52, 0, 0, 0, FILL_NORMAL, 0.0, 0.1);
  add_f32 (tensors, rand, "cls_head.fc_emb.weight", 2, n_embedding, channels, 0, 0,
           FILL_NORMAL, 0.0, sqrt (2.0 / channels));
  add_f32 (tensors, rand, "cls_head.fc_emb.bias", 1, n_embedding, 0, 0, 0, FILL_NORMAL, 0.0,
           0.1);
  add_f32 (tensors, rand, "cls_head.fc_emb_t.weight", 2, n_embedding, n_embedding, 0, 0,
           FILL_NORMAL, 0.0, sqrt (2.0 / n_embedding));
  add_f32 (tensors, rand, "cls_head.fc_emb_t.bias", 1, n_embedding, 0, 0, 0, FILL_NORMAL, 0.0,
           0.1);
  return tensors;
}

ManetTestTensor *
manet_test_find (GPtrArray  *tensors,
                 const char *name)
{
  for (guint i = 0; i < tensors->len; i++)
    {
      ManetTestTensor *tensor = g_ptr_array_index (tensors, i);

      if (g_str_equal (tensor->name, name))
        return tensor;
    }
  g_error ("no test tensor %s", name);
  return NULL;
}

void
manet_test_tensor_set_f32 (ManetTestTensor *tensor,
                           gint64           index,
                           float            value)
{
  gsize size = 0;
  const float *old = g_bytes_get_data (tensor->data, &size);
  float *values = g_memdup2 (old, size);

  g_assert_cmpstr (tensor->dtype, ==, "F32");
  g_assert_cmpint (index, <, (gint64) (size / sizeof (float)));
  values[index] = value;
  g_bytes_unref (tensor->data);
  tensor->data = g_bytes_new_take (values, size);
}

GBytes *
manet_test_serialize (GPtrArray *tensors)
{
  g_autoptr(GString) header = g_string_new ("{\"__metadata__\":{\"format\":\"pt\"}");
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint64 offset = 0, length;
  guint8 prefix[8];

  for (guint i = 0; i < tensors->len; i++)
    {
      ManetTestTensor *tensor = g_ptr_array_index (tensors, i);
      gsize size = g_bytes_get_size (tensor->data);

      g_string_append_printf (header, ",\"%s\":{\"dtype\":\"%s\",\"shape\":[", tensor->name,
                              tensor->dtype);
      for (int d = 0; d < tensor->n_dims; d++)
        g_string_append_printf (header, "%s%" G_GINT64_FORMAT, d > 0 ? "," : "",
                                tensor->shape[d]);
      g_string_append_printf (header, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%"
                              G_GUINT64_FORMAT "]}", offset, offset + size);
      offset += size;
    }
  g_string_append_c (header, '}');
  while (header->len % 8 != 0)
    g_string_append_c (header, ' ');
  length = header->len;
  for (int i = 0; i < 8; i++)
    prefix[i] = (length >> (8 * i)) & 0xff;
  g_byte_array_append (out, prefix, 8);
  g_byte_array_append (out, (const guint8 *) header->str, header->len);
  for (guint i = 0; i < tensors->len; i++)
    {
      ManetTestTensor *tensor = g_ptr_array_index (tensors, i);

      g_byte_array_append (out, g_bytes_get_data (tensor->data, NULL),
                           g_bytes_get_size (tensor->data));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

float *
manet_test_random_clip (int     height,
                        int     width,
                        guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gsize n = (gsize) 8 * 3 * height * width;
  float *clip = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    clip[i] = (float) g_rand_double_range (rand, -2.0, 2.5);
  return clip;
}
