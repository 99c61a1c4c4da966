/* fidget-distribution-chart.c: the dataset card's class-distribution chart, drawn with cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cairo.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>

#include "fidget-distribution-chart.h"
#include "fidget-error.h"

#define SLOT          22.0
#define BAR_WIDTH     16.0
#define MARGIN_LEFT   64.0
#define MARGIN_RIGHT  24.0
#define MARGIN_TOP    104.0
#define PLOT_HEIGHT   360.0
#define MARGIN_BOTTOM 56.0
#define MIN_WIDTH     720

/* How much of the body part's colour each split's part keeps; the rest is white. */
static const double split_strength[FIDGET_N_SPLITS] = { 1.0, 0.55, 0.28 };

static const guint8 grid_rgb[3] = { 0xde, 0xde, 0xde };

void
fidget_distribution_chart_layout (guint                     n_labels,
                                  FidgetDistributionLayout *layout)
{
  double width = MARGIN_LEFT + n_labels * SLOT + MARGIN_RIGHT;

  layout->width = MAX (MIN_WIDTH, (int) ceil (width));
  layout->height = (int) (MARGIN_TOP + PLOT_HEIGHT + MARGIN_BOTTOM);
  layout->plot_left = MARGIN_LEFT;
  layout->plot_top = MARGIN_TOP;
  layout->plot_bottom = MARGIN_TOP + PLOT_HEIGHT;
  layout->slot = SLOT;
  layout->bar_width = BAR_WIDTH;
  memcpy (layout->grid_rgb, grid_rgb, sizeof grid_rgb);
}

static void
parse_color (const char *color,
             double     *rgb)
{
  guint value = 0x77767b;   /* a neutral grey for a colour that does not parse */

  if (color != NULL && color[0] == '#' && strlen (color) == 7)
    {
      char *end = NULL;
      guint64 parsed = g_ascii_strtoull (color + 1, &end, 16);

      if (end != NULL && *end == '\0')
        value = (guint) parsed;
    }
  rgb[0] = ((value >> 16) & 0xff) / 255.0;
  rgb[1] = ((value >> 8) & 0xff) / 255.0;
  rgb[2] = (value & 0xff) / 255.0;
}

static void
set_shade (cairo_t    *cr,
           const char *color,
           FidgetSplit split)
{
  double rgb[3];
  double k = split_strength[split];

  parse_color (color, rgb);
  cairo_set_source_rgb (cr, 1 - k + k * rgb[0], 1 - k + k * rgb[1], 1 - k + k * rgb[2]);
}

/* A step of 1, 2 or 5 times a power of ten giving about five gridlines up to @max. */
static guint
nice_step (guint max)
{
  guint step = 1;

  while (TRUE)
    {
      if (max <= step * 5)
        return step;
      if (max <= step * 2 * 5)
        return step * 2;
      if (max <= step * 5 * 5)
        return step * 5;
      step *= 10;
    }
}

static void
show_text_at (cairo_t    *cr,
              const char *text,
              double      x,
              double      y,
              double      align)   /* 0 left, 0.5 centre, 1 right of x */
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, x - align * extents.x_advance, y);
  cairo_show_text (cr, text);
}

static void
draw (cairo_t                  *cr,
      const FidgetDistribution *dist)
{
  FidgetDistributionLayout layout;
  guint totals[FIDGET_N_SPLITS] = { 0, };
  guint max = 0, step, top, total = 0;
  g_autofree char *title = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  double x, ly;

  fidget_distribution_chart_layout (dist->n_labels, &layout);

  for (guint l = 0; l < dist->n_labels; l++)
    {
      guint sum = 0;
      const FidgetBodyPart *part = dist->actions[l]->body_part;

      for (guint s = 0; s < FIDGET_N_SPLITS; s++)
        {
          sum += dist->counts[l * FIDGET_N_SPLITS + s];
          totals[s] += dist->counts[l * FIDGET_N_SPLITS + s];
        }
      max = MAX (max, sum);
      total += sum;
      if (part != NULL && !g_ptr_array_find (parts, part, NULL))
        g_ptr_array_add (parts, (gpointer) part);
    }
  step = nice_step (MAX (max, 1));
  top = ((MAX (max, 1) + step - 1) / step) * step;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* Title with the totals. */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 15);
  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  title = g_strdup_printf (_("Clips per action: %u in all, train %u, val %u, test %u"),
                           total, totals[FIDGET_SPLIT_TRAIN], totals[FIDGET_SPLIT_VAL],
                           totals[FIDGET_SPLIT_TEST]);
  show_text_at (cr, title, 16, 26, 0);

  /* Legend: the splits as shades, the body parts as colours. */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  x = 16;
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    {
      cairo_text_extents_t extents;
      const char *name = fidget_split_to_string (s);

      set_shade (cr, "#5e5c64", s);
      cairo_rectangle (cr, x, 40, 12, 12);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
      show_text_at (cr, name, x + 16, 50, 0);
      cairo_text_extents (cr, name, &extents);
      x += 16 + extents.x_advance + 18;
    }
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  show_text_at (cr, _("(bars stacked bottom to top; shade of the body part's colour)"), x, 50, 0);

  x = 16;
  ly = 64;
  for (guint p = 0; p < parts->len; p++)
    {
      const FidgetBodyPart *part = g_ptr_array_index (parts, p);
      g_autofree char *label = g_strdup_printf ("%s %s", part->code,
                                                fidget_taxonomy_translate (part->name));
      cairo_text_extents_t extents;

      cairo_text_extents (cr, label, &extents);
      /* A second row for many body parts; a third would reach the plot, so it stops there. */
      if (x + 16 + extents.x_advance > layout.width - 8 && x > 16)
        {
          if (ly > 64)
            break;
          x = 16;
          ly += 18;
        }
      set_shade (cr, part->color, FIDGET_SPLIT_TRAIN);
      cairo_rectangle (cr, x, ly, 12, 12);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
      show_text_at (cr, label, x + 16, ly + 10, 0);
      x += 16 + extents.x_advance + 16;
    }

  /* Gridlines and their counts. */
  cairo_set_line_width (cr, 1);
  cairo_set_font_size (cr, 10);
  for (guint v = 0; v <= top; v += step)
    {
      double y = round (layout.plot_bottom - (double) v / top * PLOT_HEIGHT) + 0.5;
      g_autofree char *tick = g_strdup_printf ("%u", v);

      cairo_set_source_rgb (cr, grid_rgb[0] / 255.0, grid_rgb[1] / 255.0, grid_rgb[2] / 255.0);
      cairo_move_to (cr, layout.plot_left - 4, y);
      cairo_line_to (cr, layout.plot_left + dist->n_labels * SLOT, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      show_text_at (cr, tick, layout.plot_left - 8, y + 3.5, 1);
    }
  cairo_save (cr);
  cairo_translate (cr, 18, layout.plot_top + PLOT_HEIGHT / 2);
  cairo_rotate (cr, -G_PI / 2);
  show_text_at (cr, _("clips"), 0, 0, 0.5);
  cairo_restore (cr);

  /* The bars, train at the bottom. */
  for (guint l = 0; l < dist->n_labels; l++)
    {
      const FidgetAction *action = dist->actions[l];
      const char *color = action->body_part != NULL ? action->body_part->color : NULL;
      double left = layout.plot_left + l * SLOT + (SLOT - BAR_WIDTH) / 2;
      double y = layout.plot_bottom;

      for (guint s = 0; s < FIDGET_N_SPLITS; s++)
        {
          double h = (double) dist->counts[l * FIDGET_N_SPLITS + s] / top * PLOT_HEIGHT;

          if (h <= 0)
            continue;
          set_shade (cr, color, s);
          cairo_rectangle (cr, left, y - h, BAR_WIDTH, h);
          cairo_fill (cr);
          y -= h;
        }
    }

  /* The action codes under their bars: across when they fit, else upright. */
  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  cairo_set_font_size (cr, 9);
  for (guint l = 0; l < dist->n_labels; l++)
    {
      const char *code = dist->actions[l]->code;
      double cx = layout.plot_left + (l + 0.5) * SLOT;
      cairo_text_extents_t extents;

      cairo_text_extents (cr, code, &extents);
      if (extents.x_advance <= SLOT - 2)
        show_text_at (cr, code, cx, layout.plot_bottom + 14, 0.5);
      else
        {
          cairo_save (cr);
          cairo_translate (cr, cx + 3, layout.plot_bottom + 6);
          cairo_rotate (cr, G_PI / 2);
          show_text_at (cr, code, 0, 0, 0);
          cairo_restore (cr);
        }
    }
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
check_status (cairo_status_t   status,
              const char      *what,
              GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
               _("Could not draw the class-distribution chart as %s: %s"),
               what, cairo_status_to_string (status));
  return FALSE;
}

GBytes *
fidget_distribution_chart_png (const FidgetDistribution  *distribution,
                               GError                   **error)
{
  FidgetDistributionLayout layout;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (distribution != NULL, NULL);

  fidget_distribution_chart_layout (distribution->n_labels, &layout);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, layout.width, layout.height);
  cr = cairo_create (surface);
  draw (cr, distribution);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_destroy (surface);
  if (!check_status (status, "PNG", error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

GBytes *
fidget_distribution_chart_svg (const FidgetDistribution  *distribution,
                               GError                   **error)
{
  FidgetDistributionLayout layout;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (distribution != NULL, NULL);

  fidget_distribution_chart_layout (distribution->n_labels, &layout);
  surface = cairo_svg_surface_create_for_stream (append_bytes, bytes,
                                                 layout.width, layout.height);
  cr = cairo_create (surface);
  draw (cr, distribution);
  status = cairo_status (cr);
  cairo_destroy (cr);
  /* The SVG is only complete once the surface is finished. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!check_status (status, "SVG", error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
