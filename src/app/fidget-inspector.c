/* fidget-inspector.c: the selected segment's facts, edited in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-format.h"
#include "fidget-inspector.h"
#include "fidget-player.h"

struct _FidgetInspector
{
  GtkWidget        parent_instance;

  FidgetProject   *project;
  FidgetSegment   *segment;
  int              fps_num;
  int              fps_den;
  gboolean         editable;
  gboolean         updating;   /* filling the fields: their signals are not edits */

  GtkStack        *stack;
  AdwActionRow    *action_row;
  GtkWidget       *swatch;
  GdkRGBA          swatch_color;
  AdwActionRow    *start_row;
  GtkSpinButton   *start_spin;
  AdwActionRow    *last_row;
  GtkSpinButton   *last_spin;
  GtkLabel        *duration;
  AdwComboRow     *emotion_row;
  AdwEntryRow     *note_row;
  GtkSwitch       *flag_switch;
  GtkLabel        *author;
};

G_DEFINE_FINAL_TYPE (FidgetInspector, fidget_inspector, GTK_TYPE_WIDGET)

enum {
  REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_frame_time (FidgetInspector *self,
                   gint64           frame)
{
  if (self->fps_num <= 0 || self->fps_den <= 0)
    return g_strdup ("");
  return fidget_format_centiseconds (fidget_frame_to_ns (frame, self->fps_num, self->fps_den) /
                                     10000000);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  FidgetInspector *self = user_data;

  gdk_cairo_set_source_rgba (cr, &self->swatch_color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
fidget_inspector_refresh (FidgetInspector *self)
{
  const FidgetSegment *s = self->segment;
  const FidgetAction *action = NULL;
  g_autofree char *title = NULL;
  g_autofree char *start_time = NULL;
  g_autofree char *end_time = NULL;
  g_autofree char *duration_time = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *author = NULL;
  gint64 frames;

  if (s == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "segment");

  self->updating = TRUE;

  if (self->project != NULL)
    action = fidget_taxonomy_lookup_action (fidget_project_get_taxonomy (self->project),
                                            s->action_code);
  if (action != NULL)
    {
      title = g_strdup_printf ("%s  %s", action->code, fidget_taxonomy_translate (action->name));
      adw_action_row_set_subtitle (self->action_row, fidget_taxonomy_translate (action->description));
      gdk_rgba_parse (&self->swatch_color, action->body_part->color);
    }
  else
    {
      title = g_strdup (s->action_code != NULL ? s->action_code : "");
      adw_action_row_set_subtitle (self->action_row, NULL);
      self->swatch_color = (GdkRGBA) { 0.6f, 0.6f, 0.6f, 1.0f };
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->action_row), title);
  gtk_widget_queue_draw (self->swatch);

  start_time = format_frame_time (self, s->start_frame);
  end_time = format_frame_time (self, s->end_frame);
  gtk_spin_button_set_value (self->start_spin, (double) s->start_frame);
  gtk_spin_button_set_value (self->last_spin, (double) (s->end_frame - 1));
  /* Translators: when a segment starts, e.g. "at 0:04.00" */
  {
    g_autofree char *at_start = g_strdup_printf (_("at %s"), start_time);
    /* Translators: when a segment ends (the end of its last frame), e.g. "until 0:04.37" */
    g_autofree char *until = g_strdup_printf (_("until %s"), end_time);

    adw_action_row_set_subtitle (self->start_row, at_start);
    adw_action_row_set_subtitle (self->last_row, until);
  }

  frames = s->end_frame - s->start_frame;
  duration_time = self->fps_num > 0
                  ? g_strdup_printf ("%.3f", (double) fidget_frame_to_ns (frames, self->fps_num,
                                                                          self->fps_den) / 1e9)
                  : g_strdup ("?");
  /* Translators: a segment's length: %s frames, then %s seconds */
  {
    g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, frames);

    duration = g_strdup_printf (ngettext ("%s frame · %s s", "%s frames · %s s", (gulong) frames),
                                count, duration_time);
  }
  gtk_label_set_label (self->duration, duration);

  adw_combo_row_set_selected (self->emotion_row, (guint) s->emotion);
  /* The stored note, shown without the apply button: that button says there is an edit to
   * keep, and setting the text would raise it (after every segment change, and again after
   * the note was kept). */
  adw_entry_row_set_show_apply_button (self->note_row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), s->note != NULL ? s->note : "");
  adw_entry_row_set_show_apply_button (self->note_row, TRUE);
  gtk_switch_set_active (self->flag_switch, s->flagged);

  /* Translators: who marked a segment */
  author = g_strdup_printf (_("Marked by %s"), s->annotator_name != NULL ? s->annotator_name
                                                                        : _("nobody named"));
  gtk_label_set_label (self->author, author);

  gtk_widget_set_sensitive (GTK_WIDGET (self->start_spin), self->editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->last_spin), self->editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->emotion_row), self->editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->note_row), self->editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->flag_switch), self->editable);

  self->updating = FALSE;
}

/* Sends one change to the store. The fields then show what the store holds, whether it took
 * the change or refused it. */
static void
fidget_inspector_commit (FidgetInspector     *self,
                         const FidgetSegment *values,
                         FidgetSegmentFields  fields)
{
  g_autoptr(FidgetSegment) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  if (self->updating || self->segment == NULL || self->project == NULL || !self->editable)
    return;

  /* A copy: the store's change signal reaches the workspace, which hands this inspector a
   * fresh segment (freeing the old one) before the store is done with the identifier. */
  uuid = g_strdup (self->segment->uuid);
  updated = fidget_project_update_segment (self->project, uuid, values, fields, &error);
  if (updated == NULL)
    {
      g_autoptr(FidgetSegment) stored = fidget_project_get_segment (self->project, uuid, NULL);

      if (stored != NULL)
        {
          fidget_segment_free (self->segment);
          self->segment = g_steal_pointer (&stored);
        }
      fidget_inspector_refresh (self);
      g_signal_emit (self, signals[REFUSED], 0, error);
      return;
    }

  fidget_segment_free (self->segment);
  self->segment = g_steal_pointer (&updated);
  fidget_inspector_refresh (self);
}

static void
on_start_changed (GtkSpinButton   *spin,
                  FidgetInspector *self)
{
  FidgetSegment values = { 0 };

  values.start_frame = (gint64) gtk_spin_button_get_value (spin);
  fidget_inspector_commit (self, &values, FIDGET_SEGMENT_FIELD_START);
}

static void
on_last_changed (GtkSpinButton   *spin,
                 FidgetInspector *self)
{
  FidgetSegment values = { 0 };

  /* The store keeps one past the last frame. */
  values.end_frame = (gint64) gtk_spin_button_get_value (spin) + 1;
  fidget_inspector_commit (self, &values, FIDGET_SEGMENT_FIELD_END);
}

static void
on_emotion_changed (AdwComboRow     *row,
                    GParamSpec      *pspec,
                    FidgetInspector *self)
{
  FidgetSegment values = { 0 };

  values.emotion = (FidgetEmotion) adw_combo_row_get_selected (row);
  fidget_inspector_commit (self, &values, FIDGET_SEGMENT_FIELD_EMOTION);
}

static void
on_note_applied (AdwEntryRow     *row,
                 FidgetInspector *self)
{
  FidgetSegment values = { 0 };
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  values.note = note[0] != '\0' ? note : NULL;
  fidget_inspector_commit (self, &values, FIDGET_SEGMENT_FIELD_NOTE);
}

static void
on_flag_changed (GtkSwitch       *toggle,
                 GParamSpec      *pspec,
                 FidgetInspector *self)
{
  FidgetSegment values = { 0 };

  values.flagged = gtk_switch_get_active (toggle);
  fidget_inspector_commit (self, &values, FIDGET_SEGMENT_FIELD_FLAGGED);
}

void
fidget_inspector_set_project (FidgetInspector *self,
                              FidgetProject   *project)
{
  g_return_if_fail (FIDGET_IS_INSPECTOR (self));

  g_set_object (&self->project, project);
  fidget_inspector_set_segment (self, NULL, 0, 1, FALSE);
}

void
fidget_inspector_set_segment (FidgetInspector     *self,
                              const FidgetSegment *segment,
                              int                  fps_num,
                              int                  fps_den,
                              gboolean             editable)
{
  g_return_if_fail (FIDGET_IS_INSPECTOR (self));

  g_clear_pointer (&self->segment, fidget_segment_free);
  if (segment != NULL)
    self->segment = fidget_segment_copy (segment);
  self->fps_num = fps_num;
  self->fps_den = fps_den;
  self->editable = editable;
  fidget_inspector_refresh (self);
}

const FidgetSegment *
fidget_inspector_get_segment (FidgetInspector *self)
{
  g_return_val_if_fail (FIDGET_IS_INSPECTOR (self), NULL);
  return self->segment;
}

GtkSpinButton *
fidget_inspector_get_start_spin (FidgetInspector *self)
{
  return self->start_spin;
}

GtkSpinButton *
fidget_inspector_get_last_spin (FidgetInspector *self)
{
  return self->last_spin;
}

GtkEditable *
fidget_inspector_get_note_entry (FidgetInspector *self)
{
  return GTK_EDITABLE (self->note_row);
}

AdwComboRow *
fidget_inspector_get_emotion (FidgetInspector *self)
{
  return self->emotion_row;
}

GtkSwitch *
fidget_inspector_get_flag_switch (FidgetInspector *self)
{
  return self->flag_switch;
}

GtkLabel *
fidget_inspector_get_duration (FidgetInspector *self)
{
  return self->duration;
}

static GtkSpinButton *
create_frame_spin (void)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, G_MAXINT32, 1));

  gtk_spin_button_set_digits (spin, 0);
  gtk_spin_button_set_numeric (spin, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (spin), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (spin), "numeric");
  return spin;
}

static void
fidget_inspector_dispose (GObject *object)
{
  FidgetInspector *self = FIDGET_INSPECTOR (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  g_clear_pointer (&self->segment, fidget_segment_free);

  G_OBJECT_CLASS (fidget_inspector_parent_class)->dispose (object);
}

static void
fidget_inspector_class_init (FidgetInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fidget_inspector_dispose;

  /**
   * FidgetInspector::refused:
   * @error: why the store refused the change
   */
  signals[REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
fidget_inspector_init (FidgetInspector *self)
{
  static const char *emotions[] = {
    N_("None"), N_("Joy"), N_("Sadness"), N_("Surprise"), N_("Fear"), N_("Anger"), NULL
  };
  g_autoptr(GtkStringList) emotion_names = gtk_string_list_new (NULL);
  GtkWidget *empty;
  GtkWidget *scroller;
  GtkWidget *box;
  GtkWidget *group;
  GtkWidget *row;
  GtkWidget *change;

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "view-list-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Segment Selected"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Mark a start with I and an end with O, then type an action "
                                     "code such as B1. Tab selects the next segment."));
  gtk_widget_add_css_class (empty, "compact");
  gtk_stack_add_named (self->stack, empty, "empty");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  /* The action */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Action"));
  self->action_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_action_row_set_subtitle_lines (self->action_row, 3);
  self->swatch = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->swatch), 14);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->swatch), draw_swatch, self, NULL);
  gtk_widget_set_valign (self->swatch, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (self->action_row, self->swatch);
  change = gtk_button_new_with_mnemonic (_("_Change…"));
  gtk_widget_set_valign (change, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (change), "workspace.pick-action");
  gtk_widget_set_tooltip_text (change, _("Choose another action (Enter)"));
  adw_action_row_add_suffix (self->action_row, change);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->action_row));
  gtk_box_append (GTK_BOX (box), group);

  /* Where it lies */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Frames"));
  self->duration = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->duration), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (self->duration), "dim-label");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group),
                                           GTK_WIDGET (self->duration));

  self->start_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->start_row), _("First frame"));
  self->start_spin = create_frame_spin ();
  g_signal_connect (self->start_spin, "value-changed", G_CALLBACK (on_start_changed), self);
  adw_action_row_add_suffix (self->start_row, GTK_WIDGET (self->start_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->start_row));

  self->last_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_row), _("Last frame"));
  self->last_spin = create_frame_spin ();
  g_signal_connect (self->last_spin, "value-changed", G_CALLBACK (on_last_changed), self);
  adw_action_row_add_suffix (self->last_row, GTK_WIDGET (self->last_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->last_row));
  gtk_box_append (GTK_BOX (box), group);

  /* What else the annotator noticed */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Details"));
  for (guint i = 0; emotions[i] != NULL; i++)
    gtk_string_list_append (emotion_names, _(emotions[i]));
  self->emotion_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->emotion_row), _("Emotion"));
  adw_combo_row_set_model (self->emotion_row, G_LIST_MODEL (emotion_names));
  g_signal_connect (self->emotion_row, "notify::selected", G_CALLBACK (on_emotion_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->emotion_row));

  self->note_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->note_row), _("Note"));
  adw_entry_row_set_show_apply_button (self->note_row, TRUE);
  g_signal_connect (self->note_row, "apply", G_CALLBACK (on_note_applied), self);
  g_signal_connect (self->note_row, "entry-activated", G_CALLBACK (on_note_applied), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->note_row));

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Needs another look"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Come back to it before submitting"));
  self->flag_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->flag_switch), GTK_ALIGN_CENTER);
  g_signal_connect (self->flag_switch, "notify::active", G_CALLBACK (on_flag_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->flag_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->flag_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  gtk_box_append (GTK_BOX (box), group);

  self->author = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->author, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->author), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->author), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->author));

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_stack_add_named (self->stack, scroller, "segment");
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
fidget_inspector_new (void)
{
  return g_object_new (FIDGET_TYPE_INSPECTOR, NULL);
}
