/* fidget-npy.c: reading and writing NumPy .npy arrays of float32
 *
 * A .npy file is the magic "\x93NUMPY", a version, a header length, a Python dict literal
 * ({'descr': '<f4', 'fortran_order': False, 'shape': (8, 3, 224, 224), }) padded with spaces
 * and a newline, then the values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-manet.h"
#include "fidget-npy.h"

static gboolean
npy_error (GError    **error,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
npy_error (GError    **error,
           const char *format,
           ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_INPUT, message);
  return FALSE;
}

/* Finds 'key': in @header and returns what follows, spaces skipped. */
static const char *
find_value (const char *header,
            const char *key)
{
  g_autofree char *single = g_strdup_printf ("'%s'", key);
  g_autofree char *dbl = g_strdup_printf ("\"%s\"", key);
  const char *p = strstr (header, single);

  if (p == NULL)
    p = strstr (header, dbl);
  if (p == NULL)
    return NULL;
  p += strlen (single);
  while (*p == ' ')
    p++;
  if (*p != ':')
    return NULL;
  p++;
  while (*p == ' ')
    p++;
  return p;
}

static const char *
describe_dtype (const char *descr)
{
  static const struct { const char *code; const char *name; } names[] = {
    { "f8", "float64" }, { "f4", "float32" }, { "f2", "float16" }, { "i8", "int64" },
    { "i4", "int32" }, { "i2", "int16" }, { "i1", "int8" }, { "u1", "uint8" }, { "b1", "bool" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (descr) == 3 && g_str_equal (descr + 1, names[i].code))
      return names[i].name;
  return "an unsupported type";
}

static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exponent = (h >> 10) & 0x1f;
  guint32 mantissa = h & 0x3ff;
  guint32 bits;
  float f;

  if (exponent == 0)
    {
      f = (float) mantissa * (1.0f / 16777216.0f);
      return sign ? -f : f;
    }
  if (exponent == 31)
    bits = sign | 0x7f800000u | (mantissa << 13);
  else
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  memcpy (&f, &bits, 4);
  return f;
}

float *
fidget_npy_parse_f32 (const guint8 *data,
                      gsize         size,
                      const char   *name,
                      int          *n_dims,
                      gint64       *shape,
                      GError      **error)
{
  g_autofree char *header = NULL;
  g_autofree float *values = NULL;
  char descr[16] = { 0 };
  const char *p;
  gsize header_len, offset, item_size;
  gint64 n_elements = 1;
  int dims = 0;

  if (size < 10 || memcmp (data, "\x93NUMPY", 6) != 0)
    {
      npy_error (error, "%s is not a NumPy .npy file.", name);
      return NULL;
    }
  if (data[6] == 1)
    {
      header_len = data[8] | (gsize) data[9] << 8;
      offset = 10;
    }
  else if (data[6] == 2 || data[6] == 3)
    {
      if (size < 12)
        {
          npy_error (error, "%s is a cut-short .npy file.", name);
          return NULL;
        }
      header_len = data[8] | (gsize) data[9] << 8 | (gsize) data[10] << 16 |
                   (gsize) data[11] << 24;
      offset = 12;
    }
  else
    {
      npy_error (error, "%s is a .npy file of version %d, which this program does not know.",
                 name, data[6]);
      return NULL;
    }
  if (header_len > size - offset || header_len > 1 << 20)
    {
      npy_error (error, "%s is a cut-short .npy file.", name);
      return NULL;
    }
  header = g_strndup ((const char *) data + offset, header_len);
  offset += header_len;

  p = find_value (header, "descr");
  if (p == NULL || (*p != '\'' && *p != '"'))
    {
      npy_error (error, "The header of %s has no dtype.", name);
      return NULL;
    }
  for (gsize i = 0; i < sizeof descr - 1 && p[1 + i] != '\0' && p[1 + i] != *p; i++)
    descr[i] = p[1 + i];
  if (g_str_equal (descr, "<f4"))
    item_size = 4;
  else if (g_str_equal (descr, "<f8"))
    item_size = 8;
  else if (g_str_equal (descr, "<f2"))
    item_size = 2;
  else
    {
      npy_error (error, "%s holds %s values (“%s”); a float32 array is needed.", name,
                 describe_dtype (descr), descr);
      return NULL;
    }
  p = find_value (header, "fortran_order");
  if (p == NULL || !g_str_has_prefix (p, "False"))
    {
      npy_error (error, "%s is not a C-ordered array (fortran_order is not False).", name);
      return NULL;
    }
  p = find_value (header, "shape");
  if (p == NULL || *p != '(')
    {
      npy_error (error, "The header of %s has no shape.", name);
      return NULL;
    }
  p++;
  for (;;)
    {
      char *end = NULL;
      guint64 dim;

      while (*p == ' ')
        p++;
      if (*p == ')')
        break;
      if (!g_ascii_isdigit (*p) || dims >= FIDGET_NPY_MAX_DIMS)
        {
          npy_error (error, "The shape in the header of %s cannot be read.", name);
          return NULL;
        }
      dim = g_ascii_strtoull (p, &end, 10);
      if (dim > G_MAXINT32 || (dim > 0 && (guint64) n_elements > (guint64) G_MAXINT64 / 8 / dim))
        {
          npy_error (error, "The shape in the header of %s is absurd.", name);
          return NULL;
        }
      shape[dims++] = dim;
      n_elements *= dim;
      p = end;
      while (*p == ' ')
        p++;
      if (*p == ',')
        p++;
    }
  if ((guint64) (size - offset) != (guint64) n_elements * item_size)
    {
      npy_error (error, "%s should hold %" G_GINT64_FORMAT " values after its header, but its "
                 "size does not match.", name, n_elements);
      return NULL;
    }

  values = g_new (float, MAX (n_elements, 1));
  if (item_size == 4)
    memcpy (values, data + offset, n_elements * sizeof (float));
  else if (item_size == 2)
    for (gint64 i = 0; i < n_elements; i++)
      values[i] = half_to_float ((guint16) (data[offset + 2 * i] | data[offset + 2 * i + 1] << 8));
  else
    for (gint64 i = 0; i < n_elements; i++)
      {
        double v;

        memcpy (&v, data + offset + i * 8, 8);
        values[i] = (float) v;
      }
  *n_dims = dims;
  return g_steal_pointer (&values);
}

float *
fidget_npy_read_f32 (const char *path,
                     int        *n_dims,
                     gint64     *shape,
                     GError    **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (path);

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_IO, "Cannot read %s: %s",
                   display, local_error->message);
      return NULL;
    }
  return fidget_npy_parse_f32 ((const guint8 *) g_mapped_file_get_contents (mapped),
                               g_mapped_file_get_length (mapped), display, n_dims, shape, error);
}

gboolean
fidget_npy_write_f32 (const char   *path,
                      const float  *values,
                      int           n_dims,
                      const gint64 *shape,
                      GError      **error)
{
  g_autoptr(GString) header = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  gint64 n_elements = 1;
  guint8 preamble[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0 };

  for (int i = 0; i < n_dims; i++)
    {
      g_string_append_printf (header, "%" G_GINT64_FORMAT "%s", shape[i],
                              n_dims == 1 || i + 1 < n_dims ? ", " : "");
      n_elements *= shape[i];
    }
  g_string_append (header, "), }");
  /* The values start on a 64-byte boundary; the header ends with a newline. */
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  preamble[8] = header->len & 0xff;
  preamble[9] = header->len >> 8;
  g_byte_array_append (bytes, preamble, sizeof preamble);
  g_byte_array_append (bytes, (const guint8 *) header->str, header->len);
  g_byte_array_append (bytes, (const guint8 *) values, n_elements * sizeof (float));
  if (!g_file_set_contents (path, (const char *) bytes->data, bytes->len, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_IO, "Cannot write %s: %s",
                   display, local_error->message);
      return FALSE;
    }
  return TRUE;
}
