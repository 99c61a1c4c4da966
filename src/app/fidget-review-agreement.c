/* fidget-review-agreement.c: how far the annotators agree: kappas, per body part and action,
 * and the confusion heat map of two of them
 *
 * Everything shown is what core computes (fidget_project_agreement(), fidget_project_confusion());
 * the view only lays it out. It is computed when asked for, not on every edit: a project's
 * report reads every segment, and the numbers are looked at between sessions, not while typing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "fidget-confusion-chart.h"
#include "fidget-format.h"
#include "fidget-review-agreement.h"

/* The widest the heat map is drawn; the page is at most 960 pixels wide. */
#define HEAT_MAP_MAX_WIDTH 900

struct _FidgetReviewAgreement
{
  GtkWidget              parent_instance;

  FidgetProject         *project;
  gint64                 video_id;
  GArray                *scope_ids;     /* gint64: video id of each scope entry, 0 first */
  FidgetAgreementReport *report;
  GHashTable            *tables;        /* name -> GtkGrid (borrowed from the widget tree) */
  gboolean               filling;       /* the drop-downs are being refilled: not a choice */

  /* Template widgets */
  GtkDropDown           *scope_dropdown;
  GtkButton             *refresh_button;
  AdwStatusPage         *empty_page;
  AdwPreferencesGroup   *overview_group;
  GtkLabel              *videos_value;
  AdwActionRow          *fleiss_row;
  GtkLabel              *fleiss_value;
  GtkLabel              *fleiss_time_value;
  AdwPreferencesGroup   *pairs_group;
  AdwPreferencesGroup   *body_parts_group;
  AdwPreferencesGroup   *actions_group;
  AdwPreferencesGroup   *heat_map_group;
  GtkDropDown           *pair_dropdown;
  GtkPicture            *heat_map;
};

G_DEFINE_FINAL_TYPE (FidgetReviewAgreement, fidget_review_agreement, GTK_TYPE_WIDGET)

char *
fidget_review_agreement_format_kappa (double kappa)
{
  if (isnan (kappa))
    return g_strdup ("—");
  return g_strdup_printf ("%.3f", kappa);
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                      */

static GtkWidget *
cell (const char *text,
      gboolean    heading,
      gboolean    number)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1.0f : 0.0f);
  gtk_widget_set_hexpand (label, !number);
  if (heading)
    {
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
    }
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  if (!number)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

/* A table in a card under @group's title, replacing the one it had. */
static GtkGrid *
new_table (FidgetReviewAgreement *self,
           AdwPreferencesGroup   *group,
           const char            *name,
           const char * const    *headings)
{
  GtkGrid *old = g_hash_table_lookup (self->tables, name);
  GtkWidget *frame;
  GtkWidget *grid;

  if (old != NULL)
    adw_preferences_group_remove (group, gtk_widget_get_parent (GTK_WIDGET (old)));

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  for (guint c = 0; headings[c] != NULL; c++)
    gtk_grid_attach (GTK_GRID (grid), cell (headings[c], TRUE, c > 0), (int) c, 0, 1, 1);

  frame = gtk_frame_new (NULL);
  gtk_widget_add_css_class (frame, "card");
  gtk_frame_set_child (GTK_FRAME (frame), grid);
  adw_preferences_group_add (group, frame);
  g_hash_table_insert (self->tables, (gpointer) name, grid);
  return GTK_GRID (grid);
}

static void
add_row (GtkGrid            *grid,
         guint               row,
         const char * const *values)
{
  for (guint c = 0; values[c] != NULL; c++)
    gtk_grid_attach (grid, cell (values[c], FALSE, c > 0), (int) c, (int) row + 1, 1, 1);
}

static void
fill_pairs (FidgetReviewAgreement *self)
{
  static const char * const headings[] = {
    N_("People"), N_("Videos"), N_("Matched"), N_("Unmatched"), N_("Cohen’s κ"),
    N_("κ, matched"), N_("κ, body part"), N_("κ, time-slice"), NULL
  };
  const char *translated[G_N_ELEMENTS (headings)];
  GtkGrid *grid;

  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    translated[i] = headings[i] != NULL ? _(headings[i]) : NULL;
  grid = new_table (self, self->pairs_group, "pairs", translated);

  for (guint i = 0; i < self->report->pairs->len; i++)
    {
      const FidgetAgreementPair *pair = g_ptr_array_index (self->report->pairs, i);
      /* Translators: two annotators compared */
      g_autofree char *people = g_strdup_printf (_("%s × %s"), pair->a, pair->b);
      g_autofree char *videos = g_strdup_printf ("%u", pair->videos);
      g_autofree char *matched = g_strdup_printf ("%u", pair->matched);
      g_autofree char *unmatched = g_strdup_printf ("%u", pair->unmatched);
      g_autofree char *kappa = fidget_review_agreement_format_kappa (pair->cohen_kappa);
      g_autofree char *kappa_matched = fidget_review_agreement_format_kappa (pair->cohen_kappa_matched);
      g_autofree char *body_part = fidget_review_agreement_format_kappa (pair->body_part_kappa);
      g_autofree char *time_slice = fidget_review_agreement_format_kappa (pair->time_slice_kappa);
      const char * const values[] = {
        people, videos, matched, unmatched, kappa, kappa_matched, body_part, time_slice, NULL
      };

      add_row (grid, i, values);
    }
}

static void
fill_classes (FidgetReviewAgreement *self,
              AdwPreferencesGroup   *group,
              const char            *name,
              const char            *first_heading,
              GPtrArray             *classes,
              gboolean               body_parts)
{
  const char * const headings[] = {
    first_heading, _("Segments"), _("Cohen’s κ"), _("Fleiss’ κ"), _("κ, time-slice"), NULL
  };
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (self->project);
  GtkGrid *grid = new_table (self, group, name, headings);

  for (guint i = 0; i < classes->len; i++)
    {
      const FidgetAgreementClass *klass = g_ptr_array_index (classes, i);
      const char *label = NULL;
      g_autofree char *title = NULL;
      g_autofree char *segments = g_strdup_printf ("%u", klass->segments);
      g_autofree char *cohen = fidget_review_agreement_format_kappa (klass->cohen_kappa);
      g_autofree char *fleiss = fidget_review_agreement_format_kappa (klass->fleiss_kappa);
      g_autofree char *time_slice = fidget_review_agreement_format_kappa (klass->time_slice_kappa);

      if (body_parts)
        {
          const FidgetBodyPart *part = fidget_taxonomy_lookup_body_part (taxonomy, klass->code);

          label = part != NULL ? part->name : NULL;
        }
      else
        {
          const FidgetAction *action = fidget_taxonomy_lookup_action (taxonomy, klass->code);

          label = action != NULL ? action->name : NULL;
        }
      title = label != NULL ? g_strdup_printf ("%s  %s", klass->code, fidget_taxonomy_translate (label))
                            : g_strdup (klass->code);
      {
        const char * const values[] = { title, segments, cohen, fleiss, time_slice, NULL };

        add_row (grid, i, values);
      }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The heat map                                                                                */

#define HEAT_MAP_DESCRIPTION \
  N_("Rows are the first person’s actions, columns the second’s; the diagonal is agreement.")

/* Where the picture would be, why there is none. */
static void
heat_map_failed (FidgetReviewAgreement *self,
                 const GError          *error)
{
  g_autofree char *text = g_strdup_printf (_("The heat map could not be drawn: %s"), error->message);

  adw_preferences_group_set_description (self->heat_map_group, text);
}

static void
show_heat_map (FidgetReviewAgreement *self)
{
  g_autoptr(FidgetConfusion) confusion = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const FidgetAgreementPair *pair;
  guint chosen = gtk_drop_down_get_selected (self->pair_dropdown);
  int fd;

  gtk_picture_set_paintable (self->heat_map, NULL);
  adw_preferences_group_set_description (self->heat_map_group, _(HEAT_MAP_DESCRIPTION));
  if (self->report == NULL || chosen == GTK_INVALID_LIST_POSITION ||
      chosen >= self->report->pairs->len)
    return;
  pair = g_ptr_array_index (self->report->pairs, chosen);
  confusion = fidget_project_confusion (self->project, self->video_id, pair->a, pair->b, &error);
  if (confusion == NULL)
    {
      heat_map_failed (self, error);
      return;
    }

  /* The chart is drawn by the exporter's code, to a file; the picture reads it back. */
  fd = g_file_open_tmp ("fidget-confusion-XXXXXX.png", &path, &error);
  if (fd < 0)
    {
      heat_map_failed (self, error);
      return;
    }
  g_close (fd, NULL);
  if (fidget_confusion_chart_write_png (confusion, path, &error))
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      texture = gdk_texture_new_from_file (file, &error);
    }
  if (texture == NULL)
    heat_map_failed (self, error);
  else
    {
      /* At its own size, or narrower to fit the page: a wide chart (many actions) shrinks
       * rather than widen the window. */
      double scale = MIN (1.0, (double) HEAT_MAP_MAX_WIDTH / MAX (gdk_texture_get_width (texture), 1));

      gtk_picture_set_paintable (self->heat_map, GDK_PAINTABLE (texture));
      gtk_widget_set_size_request (GTK_WIDGET (self->heat_map),
                                   (int) (gdk_texture_get_width (texture) * scale),
                                   (int) (gdk_texture_get_height (texture) * scale));
    }
  g_unlink (path);
}

static void
on_pair_selected (FidgetReviewAgreement *self)
{
  if (!self->filling)
    show_heat_map (self);
}

/* ------------------------------------------------------------------------------------------ */

static void
fill_scope (FidgetReviewAgreement *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) videos = NULL;
  guint selected = 0;

  g_array_set_size (self->scope_ids, 0);
  gtk_string_list_append (names, _("Whole Project"));
  g_array_append_val (self->scope_ids, (gint64) { 0 });
  if (self->project != NULL)
    videos = fidget_project_list_videos (self->project, NULL);
  for (guint i = 0; videos != NULL && i < videos->len; i++)
    {
      const FidgetVideo *video = g_ptr_array_index (videos, i);
      g_autofree char *title = fidget_format_video_title (video);

      gtk_string_list_append (names, title);
      g_array_append_val (self->scope_ids, video->id);
      if (video->id == self->video_id)
        selected = self->scope_ids->len - 1;
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->scope_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->scope_dropdown, selected);
  self->filling = FALSE;
}

void
fidget_review_agreement_refresh (FidgetReviewAgreement *self)
{
  g_autoptr(GtkStringList) pairs = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *videos = NULL;
  g_autofree char *fleiss = NULL;
  g_autofree char *fleiss_time = NULL;
  g_autofree char *fleiss_detail = NULL;
  gboolean empty;

  g_return_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self));

  g_clear_pointer (&self->report, fidget_agreement_report_free);
  fill_scope (self);
  if (self->project != NULL)
    {
      self->report = fidget_project_agreement (self->project, self->video_id, &error);
      if (self->report == NULL)
        adw_status_page_set_description (self->empty_page, error->message);
    }

  empty = self->report == NULL || self->report->pairs->len == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), empty);
  gtk_widget_set_visible (GTK_WIDGET (self->overview_group), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->pairs_group), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->body_parts_group), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->actions_group), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->heat_map_group), !empty);
  if (empty)
    {
      gtk_picture_set_paintable (self->heat_map, NULL);
      return;
    }

  videos = g_strdup_printf ("%u", self->report->videos);
  fleiss = fidget_review_agreement_format_kappa (self->report->fleiss_kappa);
  fleiss_time = fidget_review_agreement_format_kappa (self->report->fleiss_time_slice_kappa);
  if (self->report->fleiss_videos > 0)
    /* Translators: what Fleiss' kappa was computed on */
    fleiss_detail = g_strdup_printf (ngettext ("%" G_GUINT64_FORMAT " units on %u video with three or more raters",
                                               "%" G_GUINT64_FORMAT " units on %u videos with three or more raters",
                                               self->report->fleiss_videos),
                                     self->report->fleiss_units, self->report->fleiss_videos);
  else
    fleiss_detail = g_strdup (_("Needs a video with three or more raters"));
  gtk_label_set_label (self->videos_value, videos);
  gtk_label_set_label (self->fleiss_value, fleiss);
  gtk_label_set_label (self->fleiss_time_value, fleiss_time);
  adw_action_row_set_subtitle (self->fleiss_row, fleiss_detail);

  fill_pairs (self);
  fill_classes (self, self->body_parts_group, "body-parts", _("Body part"),
                self->report->body_parts, TRUE);
  fill_classes (self, self->actions_group, "actions", _("Action"), self->report->actions, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->actions_group), self->report->actions->len > 0);

  for (guint i = 0; i < self->report->pairs->len; i++)
    {
      const FidgetAgreementPair *pair = g_ptr_array_index (self->report->pairs, i);
      g_autofree char *name = g_strdup_printf (_("%s × %s"), pair->a, pair->b);

      gtk_string_list_append (pairs, name);
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->pair_dropdown, G_LIST_MODEL (pairs));
  gtk_drop_down_set_selected (self->pair_dropdown, 0);
  self->filling = FALSE;
  show_heat_map (self);
}

static void
on_scope_selected (FidgetReviewAgreement *self)
{
  guint i = gtk_drop_down_get_selected (self->scope_dropdown);

  if (self->filling || i == GTK_INVALID_LIST_POSITION || i >= self->scope_ids->len)
    return;
  fidget_review_agreement_set_video (self, g_array_index (self->scope_ids, gint64, i));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fidget_review_agreement_refresh (FIDGET_REVIEW_AGREEMENT (widget));
}

void
fidget_review_agreement_set_project (FidgetReviewAgreement *self,
                                     FidgetProject         *project)
{
  g_return_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self));
  g_return_if_fail (project == NULL || FIDGET_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;
  self->video_id = 0;
  g_clear_pointer (&self->report, fidget_agreement_report_free);
  fill_scope (self);
}

void
fidget_review_agreement_set_video (FidgetReviewAgreement *self,
                                   gint64                 video_id)
{
  g_return_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self));

  self->video_id = MAX (video_id, 0);
  fidget_review_agreement_refresh (self);
}

gint64
fidget_review_agreement_get_video (FidgetReviewAgreement *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self), 0);

  return self->video_id;
}

const FidgetAgreementReport *
fidget_review_agreement_get_report (FidgetReviewAgreement *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self), NULL);

  return self->report;
}

const char *
fidget_review_agreement_get_cell (FidgetReviewAgreement *self,
                                  const char            *table,
                                  guint                  row,
                                  guint                  column)
{
  GtkGrid *grid;
  GtkWidget *child;

  g_return_val_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self), NULL);

  grid = g_hash_table_lookup (self->tables, table);
  if (grid == NULL || gtk_widget_get_parent (GTK_WIDGET (grid)) == NULL)
    return NULL;
  child = gtk_grid_get_child_at (grid, (int) column, (int) row + 1);
  return GTK_IS_LABEL (child) ? gtk_label_get_label (GTK_LABEL (child)) : NULL;
}

const char *
fidget_review_agreement_get_value (FidgetReviewAgreement *self,
                                   const char            *name)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self), NULL);

  if (g_strcmp0 (name, "videos") == 0)
    return gtk_label_get_label (self->videos_value);
  if (g_strcmp0 (name, "fleiss") == 0)
    return gtk_label_get_label (self->fleiss_value);
  if (g_strcmp0 (name, "fleiss-time-slice") == 0)
    return gtk_label_get_label (self->fleiss_time_value);
  return NULL;
}

GdkPaintable *
fidget_review_agreement_get_heat_map (FidgetReviewAgreement *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_AGREEMENT (self), NULL);

  return gtk_picture_get_paintable (self->heat_map);
}

static void
fidget_review_agreement_dispose (GObject *object)
{
  GtkWidget *child;
  FidgetReviewAgreement *self = FIDGET_REVIEW_AGREEMENT (object);

  g_hash_table_remove_all (self->tables);
  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_REVIEW_AGREEMENT);
  /* The template's top box is not a bound child: it goes here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  g_clear_pointer (&self->report, fidget_agreement_report_free);

  G_OBJECT_CLASS (fidget_review_agreement_parent_class)->dispose (object);
}

static void
fidget_review_agreement_finalize (GObject *object)
{
  FidgetReviewAgreement *self = FIDGET_REVIEW_AGREEMENT (object);

  g_clear_pointer (&self->scope_ids, g_array_unref);
  g_clear_pointer (&self->tables, g_hash_table_unref);

  G_OBJECT_CLASS (fidget_review_agreement_parent_class)->finalize (object);
}

static void
fidget_review_agreement_class_init (FidgetReviewAgreementClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fidget_review_agreement_dispose;
  object_class->finalize = fidget_review_agreement_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-review-agreement.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, scope_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, overview_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, videos_value);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, fleiss_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, fleiss_value);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, fleiss_time_value);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, pairs_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, body_parts_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, actions_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, heat_map_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, pair_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewAgreement, heat_map);

  gtk_widget_class_install_action (widget_class, "agreement.refresh", NULL, refresh_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fidget_review_agreement_init (FidgetReviewAgreement *self)
{
  self->scope_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->tables = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->refresh_button), "agreement.refresh");
  g_signal_connect_swapped (self->scope_dropdown, "notify::selected",
                            G_CALLBACK (on_scope_selected), self);
  g_signal_connect_swapped (self->pair_dropdown, "notify::selected",
                            G_CALLBACK (on_pair_selected), self);
  fill_scope (self);
}

GtkWidget *
fidget_review_agreement_new (void)
{
  return g_object_new (FIDGET_TYPE_REVIEW_AGREEMENT, NULL);
}
