/* test-distribution-chart.c: the dataset card's class-distribution chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "fidget-distribution-chart.h"
#include "fidget-test-util.h"

typedef struct
{
  const guchar *data;
  gsize         size;
  gsize         offset;
} Reader;

static cairo_status_t
read_bytes (void          *closure,
            unsigned char *data,
            unsigned int   length)
{
  Reader *reader = closure;

  if (reader->size - reader->offset < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, reader->data + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
decode_png (GBytes *bytes)
{
  Reader reader = { 0, };
  cairo_surface_t *surface;

  reader.data = g_bytes_get_data (bytes, &reader.size);
  surface = cairo_image_surface_create_from_png_stream (read_bytes, &reader);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + y * stride))[x] & 0xffffff;
}

/* The height in pixels of label @l's bar: the run of coloured pixels (neither white nor a
 * gridline) up its centre column from the plot's bottom. */
static int
bar_height (cairo_surface_t                *surface,
            const FidgetDistributionLayout *layout,
            guint                           l)
{
  int x = (int) (layout->plot_left + (l + 0.5) * layout->slot);
  guint32 grid = ((guint32) layout->grid_rgb[0] << 16) | (layout->grid_rgb[1] << 8) |
                 layout->grid_rgb[2];
  int height = 0;

  cairo_surface_flush (surface);
  for (int y = (int) layout->plot_bottom - 1; y >= (int) layout->plot_top - 2; y--)
    {
      guint32 p = pixel (surface, x, y);

      if (p == 0xffffff || p == grid)
        break;
      height++;
    }
  return height;
}

static void
fill_counts (FidgetTaxonomy      *taxonomy,
             const FidgetAction **actions,
             guint               *counts,
             guint                n)
{
  for (guint l = 0; l < n; l++)
    {
      actions[l] = fidget_taxonomy_lookup_action_by_model_index (taxonomy, (int) l);
      g_assert_nonnull (actions[l]);
      /* Label 7 has none; label 30 the most; the others a few in each split. */
      counts[l * FIDGET_N_SPLITS + FIDGET_SPLIT_TRAIN] = l == 7 ? 0 : 2 + l % 5;
      counts[l * FIDGET_N_SPLITS + FIDGET_SPLIT_VAL] = l == 7 ? 0 : 1 + l % 3;
      counts[l * FIDGET_N_SPLITS + FIDGET_SPLIT_TEST] = l == 7 ? 0 : 1;
    }
  counts[30 * FIDGET_N_SPLITS + FIDGET_SPLIT_TRAIN] = 120;
  counts[30 * FIDGET_N_SPLITS + FIDGET_SPLIT_VAL] = 40;
  counts[30 * FIDGET_N_SPLITS + FIDGET_SPLIT_TEST] = 40;
}

static void
test_png (void)
{
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();
  const FidgetAction *actions[52];
  guint counts[52 * FIDGET_N_SPLITS];
  FidgetDistribution dist = { 52, actions, counts };
  FidgetDistributionLayout layout;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  cairo_surface_t *surface;
  int h_big, h_small, h_none, h_train;
  guint small = 0;

  fill_counts (taxonomy, actions, counts, 52);
  fidget_distribution_chart_layout (52, &layout);
  png = fidget_distribution_chart_png (&dist, &error);
  g_assert_no_error (error);
  g_assert_nonnull (png);

  surface = decode_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, layout.width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, layout.height);
  /* Every bar fits across: 52 slots inside the picture. */
  g_assert_cmpfloat (layout.plot_left + 52 * layout.slot, <=, layout.width);

  /* Label 0: 2 + 1 + 1 = 4 clips, the smallest non-empty one. */
  for (guint l = 0; l < 52; l++)
    if (l != 7 && counts[l * 3] + counts[l * 3 + 1] + counts[l * 3 + 2] <
                  counts[small * 3] + counts[small * 3 + 1] + counts[small * 3 + 2])
      small = l;
  h_big = bar_height (surface, &layout, 30);
  h_small = bar_height (surface, &layout, small);
  h_none = bar_height (surface, &layout, 7);
  g_test_message ("bars: biggest %d px, smallest %d px, empty %d px", h_big, h_small, h_none);
  g_assert_cmpint (h_big, >, h_small);
  g_assert_cmpint (h_small, >, 0);
  g_assert_cmpint (h_none, ==, 0);
  /* Heights in proportion to the counts (200 against 4), within a pixel of rounding each. */
  g_assert_cmpfloat (fabs ((double) h_big / 200 * 4 - h_small), <, 2.0);
  /* The biggest bar reaches the top of the plot, not beyond it. */
  g_assert_cmpint (h_big, <=, (int) (layout.plot_bottom - layout.plot_top) + 1);

  /* Train is at the bottom in the body part's own colour: label 30's bottom pixel. */
  {
    const char *color = actions[30]->body_part->color;
    guint32 expected = (guint32) g_ascii_strtoull (color + 1, NULL, 16);
    int x = (int) (layout.plot_left + 30.5 * layout.slot);

    g_assert_cmpuint (pixel (surface, x, (int) layout.plot_bottom - 2), ==, expected);
    /* The train part is 120 of 200 clips: 60% of the bar in the full colour. */
    h_train = 0;
    for (int y = (int) layout.plot_bottom - 1; pixel (surface, x, y) == expected; y--)
      h_train++;
    g_assert_cmpfloat (fabs (h_train - 0.6 * h_big), <, 2.0);
  }
  cairo_surface_destroy (surface);
}

static void
test_svg (void)
{
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();
  const FidgetAction *actions[52];
  guint counts[52 * FIDGET_N_SPLITS];
  FidgetDistribution dist = { 52, actions, counts };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  static const GMarkupParser parser = { NULL, };
  gsize size;
  const char *text;

  fill_counts (taxonomy, actions, counts, 52);
  svg = fidget_distribution_chart_svg (&dist, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (svg, &size);
  g_assert_cmpuint (size, >, 1000);
  g_assert_nonnull (g_strstr_len (text, size, "<svg"));

  /* Well-formed XML: GMarkup refuses anything that is not. */
  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, size, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
}

/* A project's own action after the 52, with a long code: drawn, not cut off. */
static void
test_own_action (void)
{
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();
  const FidgetAction *actions[53];
  guint counts[53 * FIDGET_N_SPLITS];
  FidgetBodyPart part = { 0, "X", "extra", "#e01b24", 7 };
  FidgetAction own = { 0, "X-tapping", "tapping", "", &part, -1, 52 };
  FidgetDistribution dist = { 53, actions, counts };
  FidgetDistributionLayout layout;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  cairo_surface_t *surface;

  fill_counts (taxonomy, actions, counts, 52);
  actions[52] = &own;
  counts[52 * 3] = 10;
  counts[52 * 3 + 1] = 0;
  counts[52 * 3 + 2] = 0;
  fidget_distribution_chart_layout (53, &layout);
  png = fidget_distribution_chart_png (&dist, &error);
  g_assert_no_error (error);
  surface = decode_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, layout.width);
  g_assert_cmpint (bar_height (surface, &layout, 52), >, 0);
  cairo_surface_flush (surface);
  g_assert_cmpuint (pixel (surface, (int) (layout.plot_left + 52.5 * layout.slot),
                           (int) layout.plot_bottom - 2), ==, 0xe01b24);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/distribution-chart/png", test_png);
  g_test_add_func ("/distribution-chart/svg", test_svg);
  g_test_add_func ("/distribution-chart/own-action", test_own_action);
  return g_test_run ();
}
