/* fidget-csv.c: reading and writing comma-separated values (RFC 4180)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-csv.h"
#include "fidget-error.h"

struct _FidgetCsvReader
{
  char       *name;
  const char *pos;
  const char *end;
  guint       line;         /* line of @pos */
  guint       record_line;  /* line on which the last record began */
  GPtrArray  *fields;       /* char *, NULL-terminated */
  GString    *buffer;
};

FidgetCsvReader *
fidget_csv_reader_new (const char *display_name,
                       const char *contents,
                       gsize       length)
{
  FidgetCsvReader *self = g_new0 (FidgetCsvReader, 1);

  g_return_val_if_fail (contents != NULL || length == 0, NULL);

  self->name = g_strdup (display_name != NULL ? display_name : "CSV");
  self->pos = contents != NULL ? contents : "";
  self->end = self->pos + length;
  self->line = 1;
  self->fields = g_ptr_array_new_with_free_func (g_free);
  self->buffer = g_string_new (NULL);

  /* Spreadsheets often write a byte order mark; it is not part of the first field. */
  if (length >= 3 && memcmp (self->pos, "\xEF\xBB\xBF", 3) == 0)
    self->pos += 3;

  return self;
}

void
fidget_csv_reader_free (FidgetCsvReader *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_ptr_array_unref (self->fields);
  g_string_free (self->buffer, TRUE);
  g_free (self);
}

guint
fidget_csv_reader_get_line (FidgetCsvReader *self)
{
  return self->record_line;
}

const char *
fidget_csv_reader_get_name (FidgetCsvReader *self)
{
  return self->name;
}

/* Length of the line ending at @p: 1 for LF, 2 for CRLF, 0 when @p is not at one. */
static guint
line_end_at (FidgetCsvReader *self,
             const char      *p)
{
  if (p < self->end && *p == '\n')
    return 1;
  if (p + 1 < self->end && p[0] == '\r' && p[1] == '\n')
    return 2;
  return 0;
}

/* Lines holding nothing but spaces and tabs separate nothing: they are skipped. */
static void
skip_blank_lines (FidgetCsvReader *self)
{
  for (;;)
    {
      const char *p = self->pos;
      guint n;

      while (p < self->end && (*p == ' ' || *p == '\t'))
        p++;
      if (p >= self->end)
        {
          self->pos = p;
          return;
        }
      n = line_end_at (self, p);
      if (n == 0)
        return;
      self->pos = p + n;
      self->line++;
    }
}

static gboolean
fail (FidgetCsvReader  *self,
      guint             line,
      GError          **error,
      const char       *why)
{
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID, _("%s line %u: %s"), self->name, line,
               why);
  /* A broken record leaves the rest unreadable: stop here. */
  self->pos = self->end;
  return FALSE;
}

gboolean
fidget_csv_reader_next (FidgetCsvReader     *self,
                        const char *const  **fields,
                        guint               *n_fields,
                        GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  g_ptr_array_set_size (self->fields, 0);
  skip_blank_lines (self);
  if (self->pos >= self->end)
    return FALSE;

  self->record_line = self->line;
  for (;;)
    {
      const char *p = self->pos;
      guint n;

      g_string_truncate (self->buffer, 0);
      if (p < self->end && *p == '"')
        {
          guint quote_line = self->line;

          p++;
          for (;;)
            {
              if (p >= self->end)
                {
                  g_autofree char *why =
                    g_strdup_printf (_("the quoted field that begins on line %u never ends "
                                       "(a closing \" is missing)"), quote_line);
                  return fail (self, quote_line, error, why);
                }
              if (*p == '"')
                {
                  if (p + 1 < self->end && p[1] == '"')
                    {
                      g_string_append_c (self->buffer, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              if (*p == '\0')
                return fail (self, self->line, error, _("the file holds a NUL byte"));
              if (*p == '\n')
                self->line++;
              g_string_append_c (self->buffer, *p);
              p++;
            }
          if (p < self->end && *p != ',' && line_end_at (self, p) == 0)
            return fail (self, self->line, error,
                         _("text follows a closing quote (inside a quoted field a quote is "
                           "written twice: \"\")"));
        }
      else
        {
          while (p < self->end && *p != ',' && line_end_at (self, p) == 0)
            {
              if (*p == '"')
                return fail (self, self->line, error,
                             _("a quote inside an unquoted field (quote the whole field and "
                               "write the quote twice)"));
              if (*p == '\0')
                return fail (self, self->line, error, _("the file holds a NUL byte"));
              g_string_append_c (self->buffer, *p);
              p++;
            }
        }

      if (!g_utf8_validate_len (self->buffer->str, self->buffer->len, NULL))
        return fail (self, self->line, error, _("the text is not valid UTF-8"));
      g_ptr_array_add (self->fields, g_strndup (self->buffer->str, self->buffer->len));

      if (p < self->end && *p == ',')
        {
          self->pos = p + 1;
          continue;
        }
      n = line_end_at (self, p);
      self->pos = p + n;
      if (n > 0)
        self->line++;
      break;
    }

  *n_fields = self->fields->len;
  g_ptr_array_add (self->fields, NULL);
  *fields = (const char *const *) self->fields->pdata;
  return TRUE;
}

void
fidget_csv_append_field (GString    *out,
                         const char *value)
{
  gboolean quote;

  if (value == NULL || *value == '\0')
    return;
  quote = strpbrk (value, ",\"\r\n") != NULL || value[0] == ' ' || value[0] == '\t' ||
          value[strlen (value) - 1] == ' ' || value[strlen (value) - 1] == '\t';
  if (!quote)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
fidget_csv_append_row (GString           *out,
                       const char *const *fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fidget_csv_append_field (out, fields[i]);
    }
  g_string_append_c (out, '\n');
}
