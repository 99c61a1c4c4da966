/* fidget-safetensors.c: a bounds-checked reader of safetensors files
 *
 * A safetensors file is an 8-byte little-endian header length, a JSON object mapping tensor
 * names to {dtype, shape, data_offsets} (plus an optional "__metadata__" of strings), then the
 * raw little-endian tensors. Whatever the header claims, nothing here reads outside the given
 * bytes: the JSON parser checks every position against the end, shapes and offsets are checked
 * for overflow, and every byte range must lie inside the data area without overlapping another.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fidget-manet.h"
#include "fidget-safetensors.h"

/* A header larger than this is not a weights file of ours (MANet's is about 40 kB). */
#define MAX_HEADER_BYTES (64 * 1024 * 1024)
#define MAX_JSON_DEPTH 8
/* No tensor of a network we can hold has more elements than this. */
#define MAX_ELEMENTS (G_GINT64_CONSTANT (1) << 36)

/* {{{ A small JSON reader */

typedef enum
{
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT,
} JsonKind;

typedef struct _JsonValue JsonValue;
struct _JsonValue
{
  JsonKind   kind;
  gboolean   is_integer;     /* a number written as digits only, without sign */
  gint64     integer;        /* its value, when is_integer */
  char      *string;         /* JSON_STRING; member name of an object's child */
  char      *member;
  GPtrArray *children;       /* JSON_ARRAY, JSON_OBJECT */
};

static void
json_value_free (gpointer data)
{
  JsonValue *value = data;

  if (value == NULL)
    return;
  g_free (value->string);
  g_free (value->member);
  if (value->children != NULL)
    g_ptr_array_unref (value->children);
  g_free (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsonValue, json_value_free)

typedef struct
{
  const char *pos;
  const char *end;
  const char *start;
  const char *file_name;
  GError    **error;
} JsonParser;

static gboolean
json_fail (JsonParser *parser,
           const char *what)
{
  g_set_error (parser->error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
               "The header of %s is not valid JSON: %s at byte %" G_GSIZE_FORMAT ".",
               parser->file_name, what, (gsize) (parser->pos - parser->start));
  return FALSE;
}

static void
json_skip_space (JsonParser *parser)
{
  while (parser->pos < parser->end &&
         (*parser->pos == ' ' || *parser->pos == '\t' || *parser->pos == '\n' ||
          *parser->pos == '\r'))
    parser->pos++;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static char *
json_parse_string (JsonParser *parser)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (parser->pos >= parser->end || *parser->pos != '"')
    {
      json_fail (parser, "a string was expected");
      return NULL;
    }
  parser->pos++;
  for (;;)
    {
      char c;

      if (parser->pos >= parser->end)
        {
          json_fail (parser, "a string is not closed");
          return NULL;
        }
      c = *parser->pos++;
      if (c == '"')
        break;
      if ((guchar) c < 0x20)
        {
          json_fail (parser, "a control character is inside a string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (text, c);
          continue;
        }
      if (parser->pos >= parser->end)
        {
          json_fail (parser, "a string ends in an escape");
          return NULL;
        }
      c = *parser->pos++;
      switch (c)
        {
        case '"': case '\\': case '/':
          g_string_append_c (text, c);
          break;
        case 'b': g_string_append_c (text, '\b'); break;
        case 'f': g_string_append_c (text, '\f'); break;
        case 'n': g_string_append_c (text, '\n'); break;
        case 'r': g_string_append_c (text, '\r'); break;
        case 't': g_string_append_c (text, '\t'); break;
        case 'u':
          {
            gunichar code = 0;

            if (parser->end - parser->pos < 4)
              {
                json_fail (parser, "a \\u escape is cut short");
                return NULL;
              }
            for (int i = 0; i < 4; i++)
              {
                int digit = hex_value (parser->pos[i]);

                if (digit < 0)
                  {
                    json_fail (parser, "a \\u escape has a non-hex digit");
                    return NULL;
                  }
                code = code * 16 + (gunichar) digit;
              }
            parser->pos += 4;
            /* Surrogates never name our tensors: keep them out rather than decode pairs. */
            if (code == 0 || (code >= 0xd800 && code <= 0xdfff))
              {
                json_fail (parser, "a \\u escape names a character that is not allowed");
                return NULL;
              }
            g_string_append_unichar (text, code);
          }
          break;
        default:
          json_fail (parser, "a string has an unknown escape");
          return NULL;
        }
    }
  if (!g_utf8_validate_len (text->str, text->len, NULL))
    {
      json_fail (parser, "a string is not UTF-8");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonValue *json_parse_value (JsonParser *parser,
                                    int         depth);

static JsonValue *
json_parse_number (JsonParser *parser)
{
  g_autoptr(JsonValue) value = g_new0 (JsonValue, 1);
  const char *begin = parser->pos;
  gboolean digits_only = TRUE;
  gboolean overflow = FALSE;
  gint64 integer = 0;

  value->kind = JSON_NUMBER;
  if (parser->pos < parser->end && *parser->pos == '-')
    {
      digits_only = FALSE;
      parser->pos++;
    }
  if (parser->pos >= parser->end || !g_ascii_isdigit (*parser->pos))
    {
      json_fail (parser, "a number has no digits");
      return NULL;
    }
  while (parser->pos < parser->end && g_ascii_isdigit (*parser->pos))
    {
      int digit = *parser->pos - '0';

      if (integer > (G_MAXINT64 - digit) / 10)
        overflow = TRUE;
      else
        integer = integer * 10 + digit;
      parser->pos++;
    }
  if (parser->pos < parser->end && *parser->pos == '.')
    {
      digits_only = FALSE;
      parser->pos++;
      if (parser->pos >= parser->end || !g_ascii_isdigit (*parser->pos))
        {
          json_fail (parser, "a number has no digits after its point");
          return NULL;
        }
      while (parser->pos < parser->end && g_ascii_isdigit (*parser->pos))
        parser->pos++;
    }
  if (parser->pos < parser->end && (*parser->pos == 'e' || *parser->pos == 'E'))
    {
      digits_only = FALSE;
      parser->pos++;
      if (parser->pos < parser->end && (*parser->pos == '+' || *parser->pos == '-'))
        parser->pos++;
      if (parser->pos >= parser->end || !g_ascii_isdigit (*parser->pos))
        {
          json_fail (parser, "a number has no digits in its exponent");
          return NULL;
        }
      while (parser->pos < parser->end && g_ascii_isdigit (*parser->pos))
        parser->pos++;
    }
  /* Leading zeros are not JSON. */
  if (begin[0] == '0' && parser->pos - begin > 1 && g_ascii_isdigit (begin[1]))
    {
      json_fail (parser, "a number has a leading zero");
      return NULL;
    }
  value->is_integer = digits_only && !overflow;
  value->integer = value->is_integer ? integer : 0;
  return g_steal_pointer (&value);
}

static gboolean
json_expect_word (JsonParser *parser,
                  const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (parser->end - parser->pos) < len || memcmp (parser->pos, word, len) != 0)
    return json_fail (parser, "an unknown word");
  parser->pos += len;
  return TRUE;
}

static JsonValue *
json_parse_container (JsonParser *parser,
                      int         depth,
                      gboolean    object)
{
  g_autoptr(JsonValue) value = g_new0 (JsonValue, 1);
  char close = object ? '}' : ']';

  value->kind = object ? JSON_OBJECT : JSON_ARRAY;
  value->children = g_ptr_array_new_with_free_func (json_value_free);
  parser->pos++;
  json_skip_space (parser);
  if (parser->pos < parser->end && *parser->pos == close)
    {
      parser->pos++;
      return g_steal_pointer (&value);
    }
  for (;;)
    {
      g_autofree char *member = NULL;
      JsonValue *child;

      json_skip_space (parser);
      if (object)
        {
          if (!(member = json_parse_string (parser)))
            return NULL;
          json_skip_space (parser);
          if (parser->pos >= parser->end || *parser->pos != ':')
            {
              json_fail (parser, "a ':' was expected after a member name");
              return NULL;
            }
          parser->pos++;
        }
      if (!(child = json_parse_value (parser, depth + 1)))
        return NULL;
      child->member = g_steal_pointer (&member);
      g_ptr_array_add (value->children, child);
      json_skip_space (parser);
      if (parser->pos >= parser->end)
        {
          json_fail (parser, object ? "an object is not closed" : "an array is not closed");
          return NULL;
        }
      if (*parser->pos == ',')
        {
          parser->pos++;
          continue;
        }
      if (*parser->pos == close)
        {
          parser->pos++;
          return g_steal_pointer (&value);
        }
      json_fail (parser, "a ',' or the end of a list was expected");
      return NULL;
    }
}

static JsonValue *
json_parse_value (JsonParser *parser,
                  int         depth)
{
  JsonValue *value;

  if (depth > MAX_JSON_DEPTH)
    {
      json_fail (parser, "values are nested too deep");
      return NULL;
    }
  json_skip_space (parser);
  if (parser->pos >= parser->end)
    {
      json_fail (parser, "a value was expected");
      return NULL;
    }
  switch (*parser->pos)
    {
    case '{':
      return json_parse_container (parser, depth, TRUE);
    case '[':
      return json_parse_container (parser, depth, FALSE);
    case '"':
      {
        char *string = json_parse_string (parser);

        if (string == NULL)
          return NULL;
        value = g_new0 (JsonValue, 1);
        value->kind = JSON_STRING;
        value->string = string;
        return value;
      }
    case 't':
    case 'f':
    case 'n':
      {
        gboolean null = *parser->pos == 'n';

        if (!json_expect_word (parser, *parser->pos == 't' ? "true" :
                                       *parser->pos == 'f' ? "false" : "null"))
          return NULL;
        value = g_new0 (JsonValue, 1);
        value->kind = null ? JSON_NULL : JSON_BOOL;
        return value;
      }
    default:
      return json_parse_number (parser);
    }
}

static JsonValue *
json_object_get (JsonValue  *object,
                 const char *member)
{
  for (guint i = 0; i < object->children->len; i++)
    {
      JsonValue *child = g_ptr_array_index (object->children, i);

      if (g_str_equal (child->member, member))
        return child;
    }
  return NULL;
}

/* }}} */
/* {{{ Tensors */

static void
tensor_free (gpointer data)
{
  FidgetStTensor *tensor = data;

  g_free (tensor->name);
  g_free (tensor->dtype_name);
  g_free (tensor);
}

void
fidget_st_file_free (FidgetStFile *file)
{
  if (file == NULL)
    return;
  g_free (file->file_name);
  g_clear_pointer (&file->by_name, g_hash_table_unref);
  g_clear_pointer (&file->tensors, g_ptr_array_unref);
  g_free (file);
}

FidgetStTensor *
fidget_st_file_lookup (FidgetStFile *file,
                       const char   *name)
{
  return g_hash_table_lookup (file->by_name, name);
}

char *
fidget_st_format_shape (const gint64 *shape,
                        int           n_dims)
{
  GString *text = g_string_new ("[");

  for (int i = 0; i < n_dims; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", shape[i]);
  g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

static gboolean
dtype_from_name (const char    *name,
                 FidgetStDtype *dtype,
                 gsize         *element_size)
{
  static const struct { const char *name; FidgetStDtype dtype; gsize size; } dtypes[] = {
    { "F32", FIDGET_ST_F32, 4 }, { "F16", FIDGET_ST_F16, 2 }, { "BF16", FIDGET_ST_BF16, 2 },
    { "F64", FIDGET_ST_OTHER, 8 }, { "I64", FIDGET_ST_OTHER, 8 }, { "U64", FIDGET_ST_OTHER, 8 },
    { "I32", FIDGET_ST_OTHER, 4 }, { "U32", FIDGET_ST_OTHER, 4 }, { "I16", FIDGET_ST_OTHER, 2 },
    { "U16", FIDGET_ST_OTHER, 2 }, { "I8", FIDGET_ST_OTHER, 1 }, { "U8", FIDGET_ST_OTHER, 1 },
    { "BOOL", FIDGET_ST_OTHER, 1 }, { "F8_E4M3", FIDGET_ST_OTHER, 1 },
    { "F8_E5M2", FIDGET_ST_OTHER, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (g_str_equal (name, dtypes[i].name))
      {
        *dtype = dtypes[i].dtype;
        *element_size = dtypes[i].size;
        return TRUE;
      }
  return FALSE;
}

static int
compare_by_offset (gconstpointer a,
                   gconstpointer b)
{
  const FidgetStTensor *ta = *(const FidgetStTensor * const *) a;
  const FidgetStTensor *tb = *(const FidgetStTensor * const *) b;

  if (ta->data != tb->data)
    return ta->data < tb->data ? -1 : 1;
  if (ta->n_bytes != tb->n_bytes)
    return ta->n_bytes < tb->n_bytes ? -1 : 1;
  return 0;
}

static gboolean
parse_tensor (JsonValue       *entry,
              const guint8    *data,
              gsize            data_size,
              const char      *file_name,
              FidgetStTensor **out,
              GError         **error)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (tensor_free);
  FidgetStTensor *tensor = g_new0 (FidgetStTensor, 1);
  const char *name = entry->member;
  JsonValue *dtype, *shape, *offsets;
  gsize element_size = 0;
  gint64 begin, end;

  g_ptr_array_add (keep, tensor);
  tensor->name = g_strdup (name);

  if (entry->kind != JSON_OBJECT)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s is not described by a JSON object.", name, file_name);
      return FALSE;
    }
  dtype = json_object_get (entry, "dtype");
  shape = json_object_get (entry, "shape");
  offsets = json_object_get (entry, "data_offsets");
  if (dtype == NULL || dtype->kind != JSON_STRING)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s has no dtype string.", name, file_name);
      return FALSE;
    }
  tensor->dtype_name = g_strdup (dtype->string);
  if (!dtype_from_name (dtype->string, &tensor->dtype, &element_size))
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s has the unknown dtype “%s”.", name, file_name,
                   dtype->string);
      return FALSE;
    }
  if (shape == NULL || shape->kind != JSON_ARRAY)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s has no shape list.", name, file_name);
      return FALSE;
    }
  if (shape->children->len > FIDGET_ST_MAX_DIMS)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s has %u dimensions, more than the %d a weight can have.",
                   name, file_name, shape->children->len, FIDGET_ST_MAX_DIMS);
      return FALSE;
    }
  tensor->n_dims = shape->children->len;
  tensor->n_elements = 1;
  for (int i = 0; i < tensor->n_dims; i++)
    {
      JsonValue *dim = g_ptr_array_index (shape->children, i);

      if (dim->kind != JSON_NUMBER || !dim->is_integer)
        {
          g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                       "Tensor “%s” of %s has a dimension that is not a whole number of at "
                       "least 0.", name, file_name);
          return FALSE;
        }
      if (dim->integer > MAX_ELEMENTS ||
          (dim->integer > 0 && tensor->n_elements > MAX_ELEMENTS / dim->integer))
        {
          g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                       "Tensor “%s” of %s claims an absurd size.", name, file_name);
          return FALSE;
        }
      tensor->shape[i] = dim->integer;
      tensor->n_elements *= dim->integer;
    }
  if (offsets == NULL || offsets->kind != JSON_ARRAY || offsets->children->len != 2 ||
      ((JsonValue *) g_ptr_array_index (offsets->children, 0))->kind != JSON_NUMBER ||
      ((JsonValue *) g_ptr_array_index (offsets->children, 1))->kind != JSON_NUMBER ||
      !((JsonValue *) g_ptr_array_index (offsets->children, 0))->is_integer ||
      !((JsonValue *) g_ptr_array_index (offsets->children, 1))->is_integer)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s has no data_offsets pair of whole numbers.", name,
                   file_name);
      return FALSE;
    }
  begin = ((JsonValue *) g_ptr_array_index (offsets->children, 0))->integer;
  end = ((JsonValue *) g_ptr_array_index (offsets->children, 1))->integer;
  if (begin > end || (guint64) end > data_size)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s claims bytes %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                   " of a data area of %" G_GSIZE_FORMAT " bytes.", name, file_name, begin, end,
                   data_size);
      return FALSE;
    }
  if ((guint64) (end - begin) != (guint64) tensor->n_elements * element_size)
    {
      g_autofree char *text = fidget_st_format_shape (tensor->shape, tensor->n_dims);

      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "Tensor “%s” of %s holds %" G_GINT64_FORMAT " bytes, but %s %s takes %"
                   G_GUINT64_FORMAT ".", name, file_name, end - begin, tensor->dtype_name,
                   text, (guint64) tensor->n_elements * element_size);
      return FALSE;
    }
  tensor->data = data + begin;
  tensor->n_bytes = end - begin;
  *out = g_ptr_array_steal_index (keep, 0);
  return TRUE;
}

FidgetStFile *
fidget_st_file_parse (const guint8  *data,
                      gsize          size,
                      const char    *file_name,
                      GError       **error)
{
  g_autoptr(FidgetStFile) file = g_new0 (FidgetStFile, 1);
  g_autoptr(JsonValue) root = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  JsonParser parser;
  guint64 header_len = 0;
  const guint8 *payload;
  gsize payload_size;

  file->file_name = g_strdup (file_name);
  file->tensors = g_ptr_array_new_with_free_func (tensor_free);
  file->by_name = g_hash_table_new (g_str_hash, g_str_equal);

  if (size < 8)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "%s is not a safetensors file: it is only %" G_GSIZE_FORMAT " bytes long.",
                   file_name, size);
      return NULL;
    }
  for (int i = 7; i >= 0; i--)
    header_len = (header_len << 8) | data[i];
  if (header_len < 2 || header_len > MAX_HEADER_BYTES || header_len > size - 8)
    {
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                   "%s is not a safetensors file: its header length %" G_GUINT64_FORMAT
                   " does not fit the file of %" G_GSIZE_FORMAT " bytes.", file_name,
                   header_len, size);
      return NULL;
    }
  payload = data + 8 + header_len;
  payload_size = size - 8 - header_len;

  parser.start = (const char *) data + 8;
  parser.pos = parser.start;
  parser.end = parser.start + header_len;
  parser.file_name = file_name;
  parser.error = error;
  json_skip_space (&parser);
  if (parser.pos >= parser.end || *parser.pos != '{')
    {
      json_fail (&parser, "the header is not a JSON object");
      return NULL;
    }
  if (!(root = json_parse_value (&parser, 0)))
    return NULL;
  json_skip_space (&parser);
  /* The format pads the header with spaces; anything else after the object is damage. */
  if (parser.pos != parser.end)
    {
      json_fail (&parser, "something follows the header object");
      return NULL;
    }

  for (guint i = 0; i < root->children->len; i++)
    {
      JsonValue *entry = g_ptr_array_index (root->children, i);
      FidgetStTensor *tensor = NULL;

      if (g_str_equal (entry->member, "__metadata__"))
        continue;
      if (g_hash_table_contains (file->by_name, entry->member))
        {
          g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                       "Tensor “%s” is listed twice in %s.", entry->member, file_name);
          return NULL;
        }
      if (!parse_tensor (entry, payload, payload_size, file_name, &tensor, error))
        return NULL;
      g_ptr_array_add (file->tensors, tensor);
      g_hash_table_insert (file->by_name, tensor->name, tensor);
    }

  /* Two tensors must not share bytes: a header that points several names at the same bytes
   * is damaged or crafted. */
  sorted = g_ptr_array_sized_new (file->tensors->len);
  for (guint i = 0; i < file->tensors->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (file->tensors, i));
  g_ptr_array_sort (sorted, compare_by_offset);
  for (guint i = 1; i < sorted->len; i++)
    {
      FidgetStTensor *prev = g_ptr_array_index (sorted, i - 1);
      FidgetStTensor *next = g_ptr_array_index (sorted, i);

      if (prev->n_bytes > 0 && next->n_bytes > 0 && next->data < prev->data + prev->n_bytes)
        {
          g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_FORMAT,
                       "Tensors “%s” and “%s” of %s overlap in the file.", prev->name,
                       next->name, file_name);
          return NULL;
        }
    }
  return g_steal_pointer (&file);
}

static inline float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exponent = (h >> 10) & 0x1f;
  guint32 mantissa = h & 0x3ff;
  guint32 bits;
  float f;

  if (exponent == 0)
    {
      /* zero or subnormal: mantissa * 2^-24 */
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

gboolean
fidget_st_tensor_read_f32 (const FidgetStTensor *tensor,
                           const char           *file_name,
                           float                *out,
                           GError              **error)
{
  const guint8 *p = tensor->data;

  switch (tensor->dtype)
    {
    case FIDGET_ST_F32:
      for (gint64 i = 0; i < tensor->n_elements; i++)
        {
          guint32 bits = (guint32) p[4 * i] | (guint32) p[4 * i + 1] << 8 |
                         (guint32) p[4 * i + 2] << 16 | (guint32) p[4 * i + 3] << 24;
          memcpy (&out[i], &bits, 4);
        }
      break;
    case FIDGET_ST_F16:
      for (gint64 i = 0; i < tensor->n_elements; i++)
        out[i] = half_to_float ((guint16) (p[2 * i] | p[2 * i + 1] << 8));
      break;
    case FIDGET_ST_BF16:
      for (gint64 i = 0; i < tensor->n_elements; i++)
        {
          guint32 bits = ((guint32) p[2 * i] | (guint32) p[2 * i + 1] << 8) << 16;
          memcpy (&out[i], &bits, 4);
        }
      break;
    case FIDGET_ST_OTHER:
    default:
      g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_TENSOR,
                   "Tensor “%s” of %s is %s; MANet's weights must be F32, F16 or BF16.",
                   tensor->name, file_name, tensor->dtype_name);
      return FALSE;
    }
  for (gint64 i = 0; i < tensor->n_elements; i++)
    if (!isfinite (out[i]))
      {
        g_set_error (error, FIDGET_MANET_ERROR, FIDGET_MANET_ERROR_TENSOR,
                     "Tensor “%s” of %s holds a value that is not a finite number "
                     "(element %" G_GINT64_FORMAT ").", tensor->name, file_name, i);
        return FALSE;
      }
  return TRUE;
}

/* }}} */
