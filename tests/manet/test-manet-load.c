/* test-manet-load.c: the MANet weights loader refuses what is wrong, names the tensor, and
 * never reads outside the file whatever its header claims
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fidget-manet.h"
#include "fidget-manet-private.h"
#include "manet-test-util.h"

/* Loads @bytes from an exact-size heap copy, so that any read past the end is caught by
 * AddressSanitizer (the core suite runs under it). */
static FidgetManet *
load_bytes (GBytes  *bytes,
            GError **error)
{
  gsize size = g_bytes_get_size (bytes);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
  FidgetManetParams params = fidget_manet_default_params ();

  params.n_threads = 1;
  return fidget_manet_load_from_data (copy, size, "test.safetensors", &params, error);
}

static void
assert_refused (GPtrArray  *tensors,
                int         code,
                const char *needle)
{
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = load_bytes (bytes, &error);

  g_assert_null (model);
  g_assert_error (error, FIDGET_MANET_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
}

static void
test_valid (void)
{
  for (int width = 4; width <= 8; width += 4)
    {
      g_autoptr(GPtrArray) tensors = manet_test_random_tensors (width, 16, 1);
      g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
      g_autoptr(GError) error = NULL;
      g_autoptr(FidgetManet) model = load_bytes (bytes, &error);

      g_assert_no_error (error);
      g_assert_nonnull (model);
      /* Widths come from the shapes. */
      g_assert_cmpint (fidget_manet_get_base_width (model), ==, width);
      g_assert_cmpint (fidget_manet_get_n_features (model), ==, width * 32);
      g_assert_cmpint (fidget_manet_get_n_classes (model), ==, 52);
      g_assert_cmpint (fidget_manet_get_n_embedding (model), ==, 16);
    }
}

static void
test_full_size_flops (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (64, 300, 2);
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = load_bytes (bytes, &error);
  double gflop;

  g_assert_no_error (error);
  g_assert_cmpint (fidget_manet_get_n_features (model), ==, 2048);
  /* MANET.md: about 65.6 GFLOP per clip of 8 x 224 x 224. */
  gflop = fidget_manet_get_flops (model, 8, 224, 224) / 1e9;
  g_assert_cmpfloat (gflop, >, 65.4);
  g_assert_cmpfloat (gflop, <, 65.9);
}

/* The products a forward runs: Winograd F(4x4, 3x3) does 36 per 4x4 tile of a stride-1 3x3
 * convolution instead of 144, on tiles that overhang 14 x 14 and 7 x 7 maps. */
static void
test_full_size_run_flops (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (64, 300, 2);
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) winograd = load_bytes (bytes, &error);
  g_autoptr(FidgetManet) direct = NULL;
  double run, flops;

  g_assert_no_error (error);
  flops = fidget_manet_get_flops (winograd, 8, 224, 224);
  run = fidget_manet_get_run_flops (winograd, 8, 224, 224) / 1e9;
  g_assert_cmpfloat (run, >, 48.2);
  g_assert_cmpfloat (run, <, 48.8);

  direct = fidget_manet_load_with_flags (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), "random", NULL,
                                         FIDGET_MANET_FLAG_NO_WINOGRAD, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fidget_manet_get_run_flops (direct, 8, 224, 224), ==, flops);
}

/* The measured peak is a rate a core can reach: positive, finite, and below a bound no
 * processor of our time comes near (64 FLOPs a cycle at 10 GHz). */
static void
test_peak (void)
{
  double one = fidget_manet_measure_peak_gflops (1);

  g_assert_true (isfinite (one));
  g_assert_cmpfloat (one, >, 0.1);
  g_assert_cmpfloat (one, <, 640.0);
}

static void
test_missing (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);

  for (guint i = 0; i < tensors->len; i++)
    if (g_str_equal (((ManetTestTensor *) g_ptr_array_index (tensors, i))->name,
                     "backbone.layer3.4.conv2.bn.running_var"))
      {
        g_ptr_array_remove_index (tensors, i);
        break;
      }
  assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR, "“backbone.layer3.4.conv2.bn.running_var”");
}

static void
test_extra (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);
  ManetTestTensor *tensor = manet_test_find (tensors, "cls_head.fc_cls.bias");

  g_free (tensor->name);
  tensor->name = g_strdup ("cls_head.fc_cls.bias_extra");
  /* The real bias is missing now, and that is reported first; put it back. */
  {
    g_autoptr(GPtrArray) fresh = manet_test_random_tensors (4, 16, 1);
    ManetTestTensor *bias = manet_test_find (fresh, "cls_head.fc_cls.bias");
    ManetTestTensor *copy = g_new0 (ManetTestTensor, 1);

    *copy = *bias;
    copy->name = g_strdup (bias->name);
    copy->dtype = g_strdup (bias->dtype);
    copy->data = g_bytes_ref (bias->data);
    g_ptr_array_add (tensors, copy);
  }
  assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR, "“cls_head.fc_cls.bias_extra”");
}

static void
test_misshaped (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);
  ManetTestTensor *tensor = manet_test_find (tensors, "backbone.layer2.1.conv2.conv.weight");

  /* Same number of values, other shape. */
  tensor->shape[0] *= 3;
  tensor->shape[2] = 1;
  assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR, "“backbone.layer2.1.conv2.conv.weight”");
}

static void
test_identity_width (void)
{
  /* A non-first block whose conv3 does not give back its input's channels cannot add x. */
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);
  ManetTestTensor *tensor = manet_test_find (tensors, "backbone.layer1.1.conv3.conv.weight");

  tensor->shape[0] /= 2;
  tensor->shape[1] *= 2;
  assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR, "“backbone.layer1.1.conv3.conv.weight”");
}

static void
test_not_finite (void)
{
  const float bad[] = { NAN, INFINITY, -INFINITY };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);

      manet_test_tensor_set_f32 (manet_test_find (tensors, "backbone.layer4.2.conv1.conv.fcce.2.weight"),
                                 5, bad[i]);
      assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR,
                      "“backbone.layer4.2.conv1.conv.fcce.2.weight”");
    }
}

static void
test_negative_variance (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);

  manet_test_tensor_set_f32 (manet_test_find (tensors, "backbone.layer1.0.downsample.bn.running_var"),
                             0, -1.0f);
  assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR, "backbone.layer1.0.downsample.bn.running_var");
}

static void
test_wrong_dtype (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);
  ManetTestTensor *tensor = manet_test_find (tensors, "cls_head.fc_emb.bias");

  /* Same byte count, read as int32. */
  g_free (tensor->dtype);
  tensor->dtype = g_strdup ("I32");
  assert_refused (tensors, FIDGET_MANET_ERROR_TENSOR, "“cls_head.fc_emb.bias”");
}

/* Rewrites the header of a valid file through @edit and loads it. */
static GError *
load_with_header (const char *(*edit) (const char *header))
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  gsize size = g_bytes_get_size (bytes);
  guint64 length = 0;
  g_autofree char *header = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GBytes) edited = NULL;
  g_autoptr(FidgetManet) model = NULL;
  const char *new_header;
  GError *error = NULL;
  guint8 prefix[8];

  for (int i = 7; i >= 0; i--)
    length = (length << 8) | data[i];
  header = g_strndup ((const char *) data + 8, length);
  new_header = edit (header);
  for (int i = 0; i < 8; i++)
    prefix[i] = ((guint64) strlen (new_header) >> (8 * i)) & 0xff;
  g_byte_array_append (out, prefix, 8);
  g_byte_array_append (out, (const guint8 *) new_header, strlen (new_header));
  g_byte_array_append (out, data + 8 + length, size - 8 - length);
  edited = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  model = load_bytes (edited, &error);
  g_assert_null (model);
  g_assert_nonnull (error);
  return error;
}

static char *edited_header;

static const char *
replace_first (const char *header,
               const char *from,
               const char *to)
{
  const char *at = strstr (header, from);

  g_assert_nonnull (at);
  g_free (edited_header);
  edited_header = g_strdup_printf ("%.*s%s%s", (int) (at - header), header, to,
                                   at + strlen (from));
  return edited_header;
}

static const char *
edit_past_end (const char *header)
{
  /* The last tensor's end moved far past the data. */
  const char *last = g_strrstr (header, "\"data_offsets\":[");
  g_autofree char *prefix = g_strndup (header, last - header);

  g_free (edited_header);
  edited_header = g_strdup_printf ("%s\"data_offsets\":[0,99999999999]}}", prefix);
  return edited_header;
}

static const char *
edit_overlap (const char *header)
{
  /* backbone.conv1.bn.weight claims the bytes of the stem's weight. */
  const char *at = strstr (header, "\"backbone.conv1.bn.weight\"");
  const char *offsets = strstr (at, "\"data_offsets\":[");
  const char *end = strchr (offsets, ']');
  g_autofree char *before = g_strndup (header, offsets - header);

  g_free (edited_header);
  edited_header = g_strdup_printf ("%s\"data_offsets\":[0,16%s", before, end);
  return edited_header;
}

static const char *
edit_negative (const char *header)
{
  return replace_first (header, "\"shape\":[4,3,7,7]", "\"shape\":[-4,3,7,7]");
}

static const char *
edit_absurd (const char *header)
{
  return replace_first (header, "\"shape\":[4,3,7,7]",
                        "\"shape\":[4294967296,4294967296,4294967296,7]");
}

static const char *
edit_bad_json (const char *header)
{
  return replace_first (header, "\"dtype\":\"F32\"", "\"dtype\" \"F32\"");
}

static const char *
edit_deep_json (const char *header)
{
  return replace_first (header, "\"format\":\"pt\"",
                        "\"format\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
}

static const char *
edit_duplicate (const char *header)
{
  return replace_first (header, "\"backbone.conv1.bn.bias\"", "\"backbone.conv1.bn.weight\"");
}

static void
test_bad_headers (void)
{
  struct { const char *(*edit) (const char *); const char *needle; } cases[] = {
    { edit_past_end, "data area" },
    { edit_overlap, "overlap" },
    { edit_negative, "backbone.conv1.conv.weight" },
    { edit_absurd, "absurd" },
    { edit_bad_json, "not valid JSON" },
    { edit_deep_json, "nested" },
    { edit_duplicate, "listed twice" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = load_with_header (cases[i].edit);

      g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” does not mention “%s”", i, error->message,
                 cases[i].needle);
    }
  g_clear_pointer (&edited_header, g_free);
}

static void
test_header_length (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 1);
  g_autoptr(GBytes) bytes = manet_test_serialize (tensors);
  gsize size = g_bytes_get_size (bytes);
  const guint64 lengths[] = { 0, 1, size - 8, size - 7, size, G_MAXUINT32, G_MAXUINT64,
                              G_MAXUINT64 - 7 };

  for (gsize i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
      g_autoptr(GBytes) edited = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(FidgetManet) model = NULL;

      for (int b = 0; b < 8; b++)
        copy[b] = (lengths[i] >> (8 * b)) & 0xff;
      edited = g_bytes_new (copy, size);
      model = load_bytes (edited, &error);
      g_assert_null (model);
      g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT);
    }
  for (gsize cut = 0; cut < 16; cut++)
    {
      g_autoptr(GBytes) edited = g_bytes_new_from_bytes (bytes, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(FidgetManet) model = load_bytes (edited, &error);

      g_assert_null (model);
      g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT);
    }
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = fidget_manet_load ("/nonexistent/manet.safetensors", NULL,
                                                    &error);

  g_assert_null (model);
  g_assert_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/manet.safetensors"));
}

/* {{{ Fuzzing */

static void
mutate (GRand      *rand,
        GByteArray *bytes,
        gsize       header_end)
{
  guint kind = g_rand_int_range (rand, 0, 8);
  gsize size = bytes->len;
  guint8 *data = bytes->data;

  switch (kind)
    {
    case 0: /* flip bytes of the header */
      for (int i = g_rand_int_range (rand, 1, 5); i > 0; i--)
        data[g_rand_int_range (rand, 8, header_end)] ^= 1 << g_rand_int_range (rand, 0, 8);
      break;
    case 1: /* change a digit of the header (shapes, offsets) */
    case 2:
      for (int tries = 0; tries < 64; tries++)
        {
          gsize at = g_rand_int_range (rand, 8, header_end);

          if (g_ascii_isdigit (data[at]))
            {
              data[at] = '0' + g_rand_int_range (rand, 0, 10);
              break;
            }
        }
      break;
    case 3: /* a wild digit string in place of a number's digits */
      for (int tries = 0; tries < 64; tries++)
        {
          gsize at = g_rand_int_range (rand, 8, header_end);

          if (g_ascii_isdigit (data[at]))
            {
              const char *wild[] = { "-", "9", "99999999999999999999", "18446744073709551615",
                                     "1e9", "0.5", "" };
              const char *w = wild[g_rand_int_range (rand, 0, G_N_ELEMENTS (wild))];
              gsize len = MIN (strlen (w), header_end - at);

              memcpy (data + at, w, len);
              break;
            }
        }
      break;
    case 4: /* cut the file short */
      g_byte_array_set_size (bytes, g_rand_int_range (rand, 0, size));
      break;
    case 5: /* another header length */
      {
        guint64 length = g_rand_boolean (rand) ? g_rand_int (rand) :
                         (guint64) g_rand_int_range (rand, 0, size + 16);

        for (int b = 0; b < 8; b++)
          data[b] = (length >> (8 * b)) & 0xff;
      }
      break;
    case 6: /* a NaN or an infinity among the values */
      if (size > header_end + 4)
        {
          gsize at = header_end + 4 * g_rand_int_range (rand, 0, (size - header_end) / 4);
          guint32 bits = g_rand_boolean (rand) ? 0x7fc00000u : 0xff800000u;

          if (at + 4 <= size)
            memcpy (data + at, &bits, 4);
        }
      break;
    default: /* random bytes anywhere */
      for (int i = g_rand_int_range (rand, 1, 9); i > 0; i--)
        data[g_rand_int_range (rand, 0, size)] = g_rand_int_range (rand, 0, 256);
      break;
    }
}

static void
test_fuzz (void)
{
  g_autoptr(GPtrArray) tensors = manet_test_random_tensors (4, 16, 7);
  g_autoptr(GBytes) valid = manet_test_serialize (tensors);
  const guint8 *data = g_bytes_get_data (valid, NULL);
  guint64 header_len = 0;
  int iterations = g_test_slow () ? 20000 : 3000;
  int loaded = 0, refused = 0;

  for (int i = 7; i >= 0; i--)
    header_len = (header_len << 8) | data[i];

  for (int iteration = 0; iteration < iterations; iteration++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (iteration);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autoptr(GBytes) mutated = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(FidgetManet) model = NULL;

      g_byte_array_append (bytes, data, g_bytes_get_size (valid));
      for (int m = g_rand_int_range (rand, 1, 4); m > 0 && bytes->len > 8; m--)
        mutate (rand, bytes, MIN (8 + header_len, bytes->len));
      mutated = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
      model = load_bytes (mutated, &error);
      if (model != NULL)
        {
          g_assert_no_error (error);
          loaded++;
        }
      else
        {
          /* Every refusal is ours, with a message. */
          g_assert_nonnull (error);
          g_assert_true (error->domain == FIDGET_MANET_ERROR);
          g_assert_cmpuint (strlen (error->message), >, 10);
          refused++;
        }
    }
  g_test_message ("%d mutated files: %d loaded, %d refused", iterations, loaded, refused);
  /* The mutations must reach both outcomes, or they test nothing. */
  g_assert_cmpint (refused, >, iterations / 4);
  g_assert_cmpint (loaded, >, 0);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manet/load/valid", test_valid);
  g_test_add_func ("/manet/load/full-size-flops", test_full_size_flops);
  g_test_add_func ("/manet/load/full-size-run-flops", test_full_size_run_flops);
  g_test_add_func ("/manet/load/peak", test_peak);
  g_test_add_func ("/manet/load/missing", test_missing);
  g_test_add_func ("/manet/load/extra", test_extra);
  g_test_add_func ("/manet/load/misshaped", test_misshaped);
  g_test_add_func ("/manet/load/identity-width", test_identity_width);
  g_test_add_func ("/manet/load/not-finite", test_not_finite);
  g_test_add_func ("/manet/load/negative-variance", test_negative_variance);
  g_test_add_func ("/manet/load/wrong-dtype", test_wrong_dtype);
  g_test_add_func ("/manet/load/bad-headers", test_bad_headers);
  g_test_add_func ("/manet/load/header-length", test_header_length);
  g_test_add_func ("/manet/load/missing-file", test_missing_file);
  g_test_add_func ("/manet/load/fuzz", test_fuzz);
  return g_test_run ();
}
