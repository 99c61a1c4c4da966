/* test-taxonomy.c: the MA-52 table against the published facts, lookups, extension, refusals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-taxonomy-private.h"

/* One row of ../shared/taxonomy/ma52.tsv */
typedef struct
{
  int   model_index;
  char *code;
  char *name;
  int   body_part_index;
  char *body_part_code;
  char *body_part_name;
} TsvRow;

static void
tsv_row_free (gpointer data)
{
  TsvRow *row = data;

  g_free (row->code);
  g_free (row->name);
  g_free (row->body_part_code);
  g_free (row->body_part_name);
  g_free (row);
}

static int
parse_int (const char *str)
{
  gint64 value = 0;
  g_autoptr(GError) error = NULL;

  g_ascii_string_to_signed (str, 10, 0, G_MAXINT, &value, &error);
  g_assert_no_error (error);
  return (int)value;
}

/* Returns NULL (and marks the test skipped) when the test does not run under meson. */
static GPtrArray *
load_tsv (void)
{
  const char *path = g_getenv ("FIDGET_TAXONOMY_TSV");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (path == NULL)
    {
      g_test_skip ("FIDGET_TAXONOMY_TSV is not set (run the test through meson)");
      return NULL;
    }

  /* Under meson the file must be there: a missing file is a failure, not a skip. */
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (g_strstrip (lines[0]), ==,
                   "model_index\tcode\tname\tbody_part_index\tbody_part_code\tbody_part_name");

  rows = g_ptr_array_new_with_free_func (tsv_row_free);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      TsvRow *row;

      g_strchomp (lines[i]);
      if (lines[i][0] == '\0')
        continue;

      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 6);

      row = g_new0 (TsvRow, 1);
      row->model_index = parse_int (fields[0]);
      row->code = g_strdup (fields[1]);
      row->name = g_strdup (fields[2]);
      row->body_part_index = parse_int (fields[3]);
      row->body_part_code = g_strdup (fields[4]);
      row->body_part_name = g_strdup (fields[5]);
      g_ptr_array_add (rows, row);
    }

  return g_steal_pointer (&rows);
}

static void
test_ma52_matches_tsv (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  g_autoptr(GPtrArray) rows = load_tsv ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (rows == NULL)
    return;

  g_assert_cmpuint (rows->len, ==, 52);
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (tax), ==, rows->len);

  for (guint i = 0; i < rows->len; i++)
    {
      const TsvRow *row = g_ptr_array_index (rows, i);
      const FidgetAction *action = fidget_taxonomy_lookup_action (tax, row->code);
      const FidgetBodyPart *part;

      g_test_message ("checking %s", row->code);
      g_assert_nonnull (action);
      g_assert_true (g_hash_table_add (seen, (gpointer)action->code));
      g_assert_cmpstr (action->code, ==, row->code);
      g_assert_cmpstr (action->name, ==, row->name);
      g_assert_cmpint (action->model_index, ==, row->model_index);
      g_assert_true (fidget_taxonomy_lookup_action_by_model_index (tax, row->model_index) == action);

      part = action->body_part;
      g_assert_nonnull (part);
      g_assert_cmpint (part->index, ==, row->body_part_index);
      g_assert_cmpstr (part->code, ==, row->body_part_code);
      g_assert_cmpstr (part->name, ==, row->body_part_name);
      g_assert_true (fidget_taxonomy_get_body_part (tax, part->index) == part);
      g_assert_true (fidget_taxonomy_lookup_body_part (tax, row->body_part_code) == part);
    }

  /* Every action of the taxonomy appeared in the file, none twice. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, fidget_taxonomy_get_n_actions (tax));
}

static void
test_ma52_structure (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean model_seen[52] = { FALSE, };
  int last_part = -1;
  int last_number = 0;

  g_assert_cmpuint (fidget_ma52_n_body_parts, ==, 7);
  g_assert_cmpuint (fidget_ma52_n_actions, ==, 52);
  g_assert_cmpuint (fidget_taxonomy_get_n_body_parts (tax), ==, 7);
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (tax), ==, 52);
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (tax), ==, 52);

  for (guint i = 0; i < 7; i++)
    {
      const FidgetBodyPart *part = fidget_taxonomy_get_body_part (tax, i);
      char expected[2] = { (char)('A' + i), '\0' };

      g_assert_cmpstr (part->code, ==, expected);
      g_assert_cmpint (part->index, ==, (int)i);
      g_assert_cmpint (part->id, ==, 0);
    }

  /* Display order: body part by body part, and within one the numbers run 1, 2, ... n. */
  for (guint i = 0; i < 52; i++)
    {
      const FidgetAction *action = fidget_taxonomy_get_action (tax, i);
      const char *code = action->code;
      int number;

      g_assert_cmpint (action->index, ==, (int)i);
      g_assert_cmpint (action->id, ==, 0);
      g_assert_true (g_hash_table_add (codes, (gpointer)code));
      g_assert_cmpint (code[0], ==, action->body_part->code[0]);
      g_assert_cmpint (strlen (action->body_part->code), ==, 1);
      number = parse_int (code + 1);

      if (action->body_part->index != last_part)
        {
          g_assert_cmpint (action->body_part->index, ==, last_part + 1);
          g_assert_cmpint (number, ==, 1);
          last_part = action->body_part->index;
        }
      else
        {
          g_assert_cmpint (number, ==, last_number + 1);
        }
      last_number = number;

      /* The model indices are exactly 0 .. 51. */
      g_assert_cmpint (action->model_index, >=, 0);
      g_assert_cmpint (action->model_index, <, 52);
      g_assert_false (model_seen[action->model_index]);
      model_seen[action->model_index] = TRUE;

      /* The static table and the object agree. */
      g_assert_cmpstr (fidget_ma52_actions[i].code, ==, code);
      g_assert_cmpint (fidget_ma52_actions[i].model_index, ==, action->model_index);
    }
  g_assert_cmpint (last_part, ==, 6);

  for (guint i = 0; i < 52; i++)
    g_assert_true (model_seen[i]);
}

/* Facts that must hold even when the test runs without the TSV. */
static void
test_ma52_spot_checks (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  static const struct { const char *code; int model_index; const char *name; } facts[] = {
    { "A1", 0, "shaking body" },
    { "A3", 1, "sitting straightly" },
    { "A4", 2, "shrugging" },
    { "A2", 3, "turning around" },
    { "B1", 9, "nodding" },
    { "C1", 23, "illustrative gestures" },
    { "D1", 31, "tiptoe" },
    { "F10", 45, "covering face" },
    { "G2", 48, "patting legs" },
    { "G4", 51, "scratching feet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (tax,
                                                                                 facts[i].model_index);

      g_assert_nonnull (action);
      g_assert_cmpstr (action->code, ==, facts[i].code);
      g_assert_cmpstr (action->name, ==, facts[i].name);
    }

  g_assert_null (fidget_taxonomy_lookup_action_by_model_index (tax, 52));
  g_assert_null (fidget_taxonomy_lookup_action_by_model_index (tax, -1));
  g_assert_cmpstr (fidget_taxonomy_get_action (tax, 0)->code, ==, "A1");
  g_assert_cmpstr (fidget_taxonomy_get_action (tax, 1)->code, ==, "A2");
  g_assert_cmpstr (fidget_taxonomy_get_action (tax, 51)->code, ==, "G4");
}

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static void
parse_color (const char *color,
             double      rgb[3])
{
  for (guint i = 0; i < 3; i++)
    {
      char hex[3] = { color[1 + 2 * i], color[2 + 2 * i], '\0' };

      rgb[i] = srgb_to_linear (strtol (hex, NULL, 16) / 255.0);
    }
}

static double
relative_luminance (const char *color)
{
  double rgb[3];

  parse_color (color, rgb);
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static double
contrast_ratio (const char *a,
                const char *b)
{
  double la = relative_luminance (a);
  double lb = relative_luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static double
lab_f (double t)
{
  return t > 216.0 / 24389.0 ? cbrt (t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

static void
color_to_lab (const char *color,
              double      lab[3])
{
  double rgb[3];
  double x, y, z;

  parse_color (color, rgb);
  x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047;
  y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883;
  lab[0] = 116.0 * lab_f (y) - 16.0;
  lab[1] = 500.0 * (lab_f (x) - lab_f (y));
  lab[2] = 200.0 * (lab_f (y) - lab_f (z));
}

static void
test_ma52_colors (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  guint n = fidget_taxonomy_get_n_body_parts (tax);

  for (guint i = 0; i < n; i++)
    {
      const char *color = fidget_taxonomy_get_body_part (tax, i)->color;

      g_assert_cmpuint (strlen (color), ==, 7);
      g_assert_cmpint (color[0], ==, '#');
      for (guint k = 1; k < 7; k++)
        g_assert_true (g_ascii_isxdigit (color[k]) && !g_ascii_isupper (color[k]));

      /* The timeline draws dark labels (#1e1e1e) on every fill; each fill must stand out
       * from a light and from a dark timeline background. */
      g_assert_cmpfloat (contrast_ratio (color, "#1e1e1e"), >=, 4.5);
      g_assert_cmpfloat (contrast_ratio (color, "#fafafa"), >=, 1.9);
      g_assert_cmpfloat (contrast_ratio (color, "#242424"), >=, 4.0);
    }

  /* Clearly distinct, not merely different strings: CIE76 distance of at least 30. */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        const char *a = fidget_taxonomy_get_body_part (tax, i)->color;
        const char *b = fidget_taxonomy_get_body_part (tax, j)->color;
        double la[3], lb[3];
        double distance;

        color_to_lab (a, la);
        color_to_lab (b, lb);
        distance = sqrt ((la[0] - lb[0]) * (la[0] - lb[0]) +
                         (la[1] - lb[1]) * (la[1] - lb[1]) +
                         (la[2] - lb[2]) * (la[2] - lb[2]));
        g_test_message ("%s vs %s: %.1f", a, b, distance);
        g_assert_cmpfloat (distance, >=, 30.0);
      }
}

static void
test_ma52_descriptions (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < fidget_taxonomy_get_n_actions (tax); i++)
    {
      const FidgetAction *action = fidget_taxonomy_get_action (tax, i);
      const char *description = action->description;
      gsize len;

      g_test_message ("%s: %s", action->code, description);
      g_assert_nonnull (description);
      g_assert_true (g_utf8_validate (description, -1, NULL));
      len = g_utf8_strlen (description, -1);
      g_assert_cmpuint (len, >, 20);
      g_assert_cmpuint (len, <=, 120);
      g_assert_null (strchr (description, '\n'));
      g_assert_false (g_ascii_isspace (description[0]));
      g_assert_false (g_ascii_isspace (description[strlen (description) - 1]));
      g_assert_cmpint (description[strlen (description) - 1], !=, '.');
      g_assert_cmpstr (description, !=, action->name);
      g_assert_true (g_hash_table_add (seen, g_utf8_casefold (description, -1)));
    }

  for (guint i = 0; i < fidget_taxonomy_get_n_body_parts (tax); i++)
    g_assert_cmpstr (fidget_taxonomy_get_body_part (tax, i)->name, !=, "");
}

static void
test_lookup_case (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  const FidgetAction *b1 = fidget_taxonomy_lookup_action (tax, "B1");
  const FidgetAction *f10 = fidget_taxonomy_lookup_action (tax, "F10");

  g_assert_nonnull (b1);
  g_assert_cmpstr (b1->name, ==, "nodding");
  g_assert_true (fidget_taxonomy_lookup_action (tax, "b1") == b1);
  g_assert_nonnull (f10);
  g_assert_true (fidget_taxonomy_lookup_action (tax, "f10") == f10);
  g_assert_cmpstr (fidget_taxonomy_lookup_action (tax, "c13")->name, ==, "rubbing hands");

  g_assert_true (fidget_taxonomy_lookup_body_part (tax, "g") ==
                 fidget_taxonomy_get_body_part (tax, 6));
  g_assert_true (fidget_taxonomy_lookup_body_part (tax, "G") ==
                 fidget_taxonomy_get_body_part (tax, 6));

  g_assert_null (fidget_taxonomy_lookup_action (tax, "B7"));
  g_assert_null (fidget_taxonomy_lookup_action (tax, "B"));
  g_assert_null (fidget_taxonomy_lookup_action (tax, "B 1"));
  g_assert_null (fidget_taxonomy_lookup_action (tax, " b1"));
  g_assert_null (fidget_taxonomy_lookup_action (tax, ""));
  g_assert_null (fidget_taxonomy_lookup_action (tax, NULL));
  g_assert_null (fidget_taxonomy_lookup_body_part (tax, "H"));
  g_assert_null (fidget_taxonomy_lookup_body_part (tax, "A1"));
  g_assert_null (fidget_taxonomy_lookup_body_part (tax, NULL));

  /* The built-in table is not stored in a project: id 0 finds nothing. */
  g_assert_null (fidget_taxonomy_lookup_action_by_id (tax, 0));
}

static void
test_empty (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new ();

  g_assert_cmpuint (fidget_taxonomy_get_n_body_parts (tax), ==, 0);
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (tax), ==, 0);
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (tax), ==, 0);
  g_assert_null (fidget_taxonomy_lookup_action (tax, "A1"));
  g_assert_null (fidget_taxonomy_lookup_action_by_model_index (tax, 0));
  g_assert_null (fidget_taxonomy_lookup_body_part (tax, "A"));
}

static void
test_project_ids (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new ();
  const FidgetBodyPart *part;
  const FidgetAction *a, *b;

  part = fidget_taxonomy_append_body_part (tax, 7, "X", "torso", "#ABCDEF");
  g_assert_nonnull (part);
  g_assert_cmpint (part->id, ==, 7);
  /* Colours come back in one spelling. */
  g_assert_cmpstr (part->color, ==, "#abcdef");

  a = fidget_taxonomy_append_action (tax, 101, "X1", "leaning", NULL, "x", 0);
  b = fidget_taxonomy_append_action (tax, G_GINT64_CONSTANT (5000000000), "X2", "swaying",
                                     "Sways", "X", -1);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a->description, ==, "");
  g_assert_true (a->body_part == part);
  g_assert_true (fidget_taxonomy_lookup_action_by_id (tax, 101) == a);
  g_assert_true (fidget_taxonomy_lookup_action_by_id (tax, G_GINT64_CONSTANT (5000000000)) == b);
  g_assert_null (fidget_taxonomy_lookup_action_by_id (tax, 102));
  g_assert_null (fidget_taxonomy_lookup_action_by_id (tax, 0));
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (tax), ==, 1);
}

static void
test_strings_copied (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new ();
  char code[] = "K";
  char name[] = "knee";
  char color[] = "#102030";
  char acode[] = "K1";
  char aname[] = "knocking knees";
  char adesc[] = "Knees knock together";
  const FidgetAction *action;

  g_assert_nonnull (fidget_taxonomy_append_body_part (tax, 0, code, name, color));
  action = fidget_taxonomy_append_action (tax, 0, acode, aname, adesc, code, 3);
  g_assert_nonnull (action);

  memset (code, 'z', strlen (code));
  memset (name, 'z', strlen (name));
  memset (color, 'z', strlen (color));
  memset (acode, 'z', strlen (acode));
  memset (aname, 'z', strlen (aname));
  memset (adesc, 'z', strlen (adesc));

  g_assert_cmpstr (action->code, ==, "K1");
  g_assert_cmpstr (action->name, ==, "knocking knees");
  g_assert_cmpstr (action->description, ==, "Knees knock together");
  g_assert_cmpstr (action->body_part->code, ==, "K");
  g_assert_cmpstr (action->body_part->name, ==, "knee");
  g_assert_cmpstr (action->body_part->color, ==, "#102030");
  g_assert_true (fidget_taxonomy_lookup_action (tax, "k1") == action);
}

static void
test_extend_keeps_model_indices (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();
  const FidgetAction *before[52];
  const FidgetBodyPart *upper = fidget_taxonomy_lookup_body_part (tax, "C");
  const FidgetAction *c1 = fidget_taxonomy_lookup_action (tax, "C1");
  const FidgetAction *c14;
  const FidgetBodyPart *extra;

  for (int i = 0; i < 52; i++)
    before[i] = fidget_taxonomy_lookup_action_by_model_index (tax, i);

  c14 = fidget_taxonomy_append_action (tax, 42, "C14", "drumming fingers",
                                       "Fingertips beat on the table in turn", "c", -1);
  g_assert_nonnull (c14);
  g_assert_true (c14->body_part == upper);
  g_assert_cmpint (c14->model_index, ==, -1);
  g_assert_cmpint (c14->index, ==, 52);
  g_assert_true (fidget_taxonomy_lookup_action (tax, "c14") == c14);
  g_assert_true (fidget_taxonomy_lookup_action_by_id (tax, 42) == c14);
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (tax), ==, 53);
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (tax), ==, 52);
  g_assert_null (fidget_taxonomy_lookup_action_by_model_index (tax, -1));
  g_assert_null (fidget_taxonomy_lookup_action_by_model_index (tax, 52));

  /* A project's own body part too; appending many of them makes the arrays grow, and the
   * pointers handed out before must stay valid (the sanitizer build checks the reads). */
  extra = fidget_taxonomy_append_body_part (tax, 0, "H", "whole person", "#808080");
  g_assert_nonnull (extra);
  g_assert_cmpint (extra->index, ==, 7);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *code = g_strdup_printf ("P%u", i);

      g_assert_nonnull (fidget_taxonomy_append_body_part (tax, 0, code, "padding", "#000000"));
    }
  g_assert_nonnull (fidget_taxonomy_append_action (tax, 0, "H1", "freezing", NULL, "h", -1));
  g_assert_nonnull (fidget_taxonomy_append_action (tax, 0, "H2", "looking away", NULL, "H", 52));

  g_assert_cmpuint (fidget_taxonomy_get_n_body_parts (tax), ==, 208);
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (tax), ==, 53);
  g_assert_true (fidget_taxonomy_lookup_body_part (tax, "c") == upper);
  g_assert_true (c1->body_part == upper);
  g_assert_cmpstr (c14->body_part->code, ==, "C");
  g_assert_cmpstr (c14->body_part->name, ==, "upper limb");
  g_assert_true (fidget_taxonomy_lookup_action (tax, "h1")->body_part == extra);
  g_assert_cmpstr (extra->code, ==, "H");

  for (int i = 0; i < 52; i++)
    {
      g_assert_true (fidget_taxonomy_lookup_action_by_model_index (tax, i) == before[i]);
      g_assert_cmpint (before[i]->model_index, ==, i);
      g_assert_nonnull (before[i]->body_part->code);
    }
}

static void
test_refusals (void)
{
  g_autoptr(FidgetTaxonomy) tax = fidget_taxonomy_new_ma52 ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*code “B1” is already taken*");
  g_assert_null (fidget_taxonomy_append_action (tax, 0, "B1", "nodding again", NULL, "B", -1));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*code “b1” is already taken*");
  g_assert_null (fidget_taxonomy_append_action (tax, 0, "b1", "nodding again", NULL, "B", -1));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*no body part “Z”*");
  g_assert_null (fidget_taxonomy_append_action (tax, 0, "Z1", "zigzag", NULL, "Z", -1));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*model index 9 already belongs to B1*");
  g_assert_null (fidget_taxonomy_append_action (tax, 0, "B7", "bobbing", NULL, "B", 9));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*code “a” is already taken*");
  g_assert_null (fidget_taxonomy_append_body_part (tax, 0, "a", "body again", "#123456"));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*not of the form #rrggbb*");
  g_assert_null (fidget_taxonomy_append_body_part (tax, 0, "H", "hips", "red"));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*code is empty*");
  g_assert_null (fidget_taxonomy_append_action (tax, 0, "", "nameless", NULL, "B", -1));
  g_test_assert_expected_messages ();

  /* A repeated project row id is refused as well. */
  g_assert_nonnull (fidget_taxonomy_append_action (tax, 9, "B7", "bobbing", NULL, "B", -1));
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*row id 9 already belongs to B7*");
  g_assert_null (fidget_taxonomy_append_action (tax, 9, "B8", "ducking", NULL, "B", -1));
  g_test_assert_expected_messages ();

  /* Nothing refused left a trace. */
  g_assert_cmpuint (fidget_taxonomy_get_n_actions (tax), ==, 53);
  g_assert_cmpuint (fidget_taxonomy_get_n_body_parts (tax), ==, 7);
  g_assert_cmpuint (fidget_taxonomy_get_n_model_classes (tax), ==, 52);
  g_assert_cmpstr (fidget_taxonomy_lookup_action (tax, "B1")->name, ==, "nodding");
  g_assert_cmpstr (fidget_taxonomy_lookup_action_by_model_index (tax, 9)->code, ==, "B1");
  g_assert_null (fidget_taxonomy_lookup_action (tax, "Z1"));
  g_assert_null (fidget_taxonomy_lookup_action (tax, "B8"));
  g_assert_null (fidget_taxonomy_lookup_body_part (tax, "H"));
  g_assert_cmpstr (fidget_taxonomy_lookup_body_part (tax, "A")->name, ==, "body");
}

static void
test_translate (void)
{
  g_assert_null (fidget_taxonomy_translate (NULL));
  g_assert_cmpstr (fidget_taxonomy_translate (""), ==, "");
  /* No catalogue is installed for the tests: the English text comes back. */
  g_assert_cmpstr (fidget_taxonomy_translate ("nodding"), ==, "nodding");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/taxonomy/ma52/matches-tsv", test_ma52_matches_tsv);
  g_test_add_func ("/taxonomy/ma52/structure", test_ma52_structure);
  g_test_add_func ("/taxonomy/ma52/spot-checks", test_ma52_spot_checks);
  g_test_add_func ("/taxonomy/ma52/colors", test_ma52_colors);
  g_test_add_func ("/taxonomy/ma52/descriptions", test_ma52_descriptions);
  g_test_add_func ("/taxonomy/lookup/case", test_lookup_case);
  g_test_add_func ("/taxonomy/empty", test_empty);
  g_test_add_func ("/taxonomy/project-ids", test_project_ids);
  g_test_add_func ("/taxonomy/strings-copied", test_strings_copied);
  g_test_add_func ("/taxonomy/extend-keeps-model-indices", test_extend_keeps_model_indices);
  g_test_add_func ("/taxonomy/refusals", test_refusals);
  g_test_add_func ("/taxonomy/translate", test_translate);

  return g_test_run ();
}
