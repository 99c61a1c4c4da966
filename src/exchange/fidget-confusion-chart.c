/* fidget-confusion-chart.c: a confusion heat-map between two annotators, drawn with cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "fidget-confusion-chart.h"

#define CELL         30.0
#define MARGIN_LEFT  64.0
#define MARGIN_TOP   78.0
#define MARGIN_RIGHT 24.0
#define MARGIN_BOTTOM 24.0

/* GNOME's blue: a full row share. */
#define FULL_R (0x1c / 255.0)
#define FULL_G (0x71 / 255.0)
#define FULL_B (0xd8 / 255.0)

static void
text_centered (cairo_t    *cr,
               const char *text,
               double      x,
               double      y)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, x - extents.width / 2 - extents.x_bearing,
                 y - extents.height / 2 - extents.y_bearing);
  cairo_show_text (cr, text);
}

static void
draw (cairo_t               *cr,
      const FidgetConfusion *confusion,
      const char            *caption,
      double                 width,
      double                 height)
{
  g_autofree char *title = NULL;
  guint n = confusion->n;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  title = g_strdup_printf (_("%s (rows) against %s (columns)"), confusion->a, confusion->b);
  cairo_move_to (cr, 12, 22);
  cairo_show_text (cr, title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10);
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  cairo_move_to (cr, 12, 38);
  cairo_show_text (cr, caption != NULL
                       ? caption
                       : _("Segments matched by temporal IoU of at least 0.5; unmatched ones "
                           "against “none”. Shade: share of the row."));

  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  for (guint i = 0; i < n; i++)
    {
      text_centered (cr, confusion->labels[i], MARGIN_LEFT + (i + 0.5) * CELL,
                     MARGIN_TOP - CELL / 2);
      text_centered (cr, confusion->labels[i], MARGIN_LEFT / 2 + 6,
                     MARGIN_TOP + (i + 0.5) * CELL);
    }

  for (guint i = 0; i < n; i++)
    {
      guint64 row_total = 0;

      for (guint j = 0; j < n; j++)
        row_total += confusion->counts[i * n + j];

      for (guint j = 0; j < n; j++)
        {
          guint64 count = confusion->counts[i * n + j];
          double share = row_total > 0 ? (double) count / (double) row_total : 0.0;
          double x = MARGIN_LEFT + j * CELL, y = MARGIN_TOP + i * CELL;

          cairo_rectangle (cr, x, y, CELL, CELL);
          cairo_set_source_rgb (cr, 1 + share * (FULL_R - 1), 1 + share * (FULL_G - 1),
                                1 + share * (FULL_B - 1));
          cairo_fill_preserve (cr);
          cairo_set_line_width (cr, i == j ? 2.0 : 0.5);
          if (i == j)
            cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
          else
            cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
          cairo_stroke (cr);

          if (count > 0)
            {
              g_autofree char *label = g_strdup_printf ("%" G_GUINT64_FORMAT, count);

              if (share > 0.55)
                cairo_set_source_rgb (cr, 1, 1, 1);
              else
                cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
              text_centered (cr, label, x + CELL / 2, y + CELL / 2);
            }
        }
    }
}

typedef struct
{
  GOutputStream *stream;
  GError        *error;
} Writer;

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  Writer *writer = closure;

  if (writer->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (writer->stream, data, length, NULL, NULL, &writer->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
fidget_confusion_chart_write_png (const FidgetConfusion  *confusion,
                                  const char             *path,
                                  GError                **error)
{
  return fidget_confusion_chart_write_png_with_caption (confusion, NULL, path, error);
}

gboolean
fidget_confusion_chart_write_png_with_caption (const FidgetConfusion  *confusion,
                                               const char             *caption,
                                               const char             *path,
                                               GError                **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  Writer writer = { NULL, NULL };
  double width, height;
  cairo_t *cr;

  g_return_val_if_fail (confusion != NULL && confusion->n > 0, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  display = g_filename_display_name (path);
  width = MARGIN_LEFT + confusion->n * CELL + MARGIN_RIGHT;
  height = MARGIN_TOP + confusion->n * CELL + MARGIN_BOTTOM;
  /* The title needs room even for a small table. */
  width = MAX (width, 560.0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  cr = cairo_create (surface);
  draw (cr, confusion, caption, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot draw the heat-map “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }

  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                           &local_error);
  if (stream == NULL)
    {
      cairo_surface_destroy (surface);
      /* GIO's message names the file already. */
      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot write the heat-map: %s"), local_error->message);
      return FALSE;
    }
  writer.stream = G_OUTPUT_STREAM (stream);
  status = cairo_surface_write_to_png_stream (surface, write_to_stream, &writer);
  cairo_surface_destroy (surface);
  if (writer.error == NULL && status == CAIRO_STATUS_SUCCESS)
    g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &writer.error);
  if (writer.error != NULL || status != CAIRO_STATUS_SUCCESS)
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* A cancelled close leaves whatever was at @path in place instead of a partial PNG. */
      g_cancellable_cancel (abandon);
      if (!g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
        g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
      g_set_error (error, G_IO_ERROR,
                   writer.error != NULL ? writer.error->code : G_IO_ERROR_FAILED,
                   _("Cannot write the heat-map “%s”: %s"), display,
                   writer.error != NULL ? writer.error->message : cairo_status_to_string (status));
      g_clear_error (&writer.error);
      return FALSE;
    }
  return TRUE;
}
