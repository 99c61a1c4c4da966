/* fidget-action-picker.c: choose an action: 7 groups, search as you type, recent first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-action-picker.h"

#define RECENT_GROUP -1

struct _FidgetActionPicker
{
  GtkPopover      parent_instance;

  FidgetTaxonomy *taxonomy;
  GtkSearchEntry *search;
  GtkListBox     *list;
  GtkBox         *suggestions;
  GtkWidget      *suggestions_placeholder;
  GtkBox         *suggestion_buttons;
  GStrv           suggested;     /* the codes shown there, or NULL */
  GStrv           recent;
  char           *query;      /* casefolded */
};

G_DEFINE_FINAL_TYPE (FidgetActionPicker, fidget_action_picker, GTK_TYPE_POPOVER)

enum {
  ACTION_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  const FidgetAction *action;
  int                 group;      /* body part index, or RECENT_GROUP */
  char               *haystack;   /* casefolded code, name, description, body part */
} RowData;

static void
row_data_free (gpointer data)
{
  RowData *row = data;

  g_free (row->haystack);
  g_free (row);
}

static RowData *
row_get_data (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "fidget-row");
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const GdkRGBA *color = user_data;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static GtkWidget *
create_swatch (const char *color_string)
{
  GtkWidget *swatch = gtk_drawing_area_new ();
  GdkRGBA *color = g_new0 (GdkRGBA, 1);

  if (color_string == NULL || !gdk_rgba_parse (color, color_string))
    *color = (GdkRGBA) { 0.6f, 0.6f, 0.6f, 1.0f };
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 12);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, color, g_free);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  return swatch;
}

static GtkWidget *
create_row (const FidgetAction *action,
            int                 group)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *code = gtk_label_new (action->code);
  GtkWidget *name = gtk_label_new (fidget_taxonomy_translate (action->name));
  GtkWidget *description = gtk_label_new (fidget_taxonomy_translate (action->description));
  RowData *data = g_new0 (RowData, 1);
  g_autofree char *joined = NULL;

  data->action = action;
  data->group = group;
  joined = g_strjoin ("\n", action->code, action->name, fidget_taxonomy_translate (action->name),
                      action->description != NULL ? fidget_taxonomy_translate (action->description) : "",
                      fidget_taxonomy_translate (action->body_part->name), NULL);
  data->haystack = g_utf8_casefold (joined, -1);
  g_object_set_data_full (G_OBJECT (row), "fidget-row", data, row_data_free);

  gtk_widget_add_css_class (code, "action-code");
  gtk_widget_add_css_class (code, "numeric");
  gtk_label_set_width_chars (GTK_LABEL (code), 4);
  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 48);
  gtk_widget_set_tooltip_text (description, fidget_taxonomy_translate (action->description));
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");

  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), description);
  gtk_box_append (GTK_BOX (box), create_swatch (action->body_part->color));
  gtk_box_append (GTK_BOX (box), code);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* A, then B, ...; within a part by number, so C2 comes before C10. */
static int
compare_actions (gconstpointer a,
                 gconstpointer b)
{
  const FidgetAction *x = *(const FidgetAction * const *) a;
  const FidgetAction *y = *(const FidgetAction * const *) b;
  long nx, ny;

  if (x->body_part->index != y->body_part->index)
    return x->body_part->index - y->body_part->index;
  nx = strtol (x->code + strlen (x->body_part->code), NULL, 10);
  ny = strtol (y->code + strlen (y->body_part->code), NULL, 10);
  if (nx != ny)
    return nx < ny ? -1 : 1;
  return g_strcmp0 (x->code, y->code);
}

static void
fidget_action_picker_rebuild (FidgetActionPicker *self)
{
  g_autoptr(GPtrArray) actions = g_ptr_array_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (self->taxonomy == NULL)
    return;

  for (guint i = 0; self->recent != NULL && self->recent[i] != NULL; i++)
    {
      const FidgetAction *action = fidget_taxonomy_lookup_action (self->taxonomy, self->recent[i]);

      if (action != NULL)
        gtk_list_box_append (self->list, create_row (action, RECENT_GROUP));
    }

  for (guint i = 0; i < fidget_taxonomy_get_n_actions (self->taxonomy); i++)
    g_ptr_array_add (actions, (gpointer) fidget_taxonomy_get_action (self->taxonomy, i));
  g_ptr_array_sort (actions, compare_actions);
  for (guint i = 0; i < actions->len; i++)
    {
      const FidgetAction *action = g_ptr_array_index (actions, i);

      gtk_list_box_append (self->list, create_row (action, action->body_part->index));
    }
  gtk_list_box_invalidate_filter (self->list);
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  FidgetActionPicker *self = user_data;
  RowData *data = row_get_data (row);

  if (self->query == NULL || self->query[0] == '\0')
    return TRUE;
  /* While searching, the recent rows would only repeat matches. */
  if (data->group == RECENT_GROUP)
    return FALSE;
  return strstr (data->haystack, self->query) != NULL;
}

static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  FidgetActionPicker *self = user_data;
  RowData *data = row_get_data (row);
  RowData *previous = before != NULL ? row_get_data (before) : NULL;
  g_autofree char *title = NULL;
  GtkWidget *header;

  if (previous != NULL && previous->group == data->group)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  if (data->group == RECENT_GROUP)
    title = g_strdup (_("Recently Used"));
  else
    {
      const FidgetBodyPart *part = data->action->body_part;

      /* Translators: a group of actions: the body part's letter and name, e.g. "B · head" */
      title = g_strdup_printf (_("%s · %s"), part->code, fidget_taxonomy_translate (part->name));
    }
  (void) self;
  header = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_set_margin_top (header, 8);
  gtk_widget_set_margin_bottom (header, 2);
  gtk_widget_set_margin_start (header, 6);
  gtk_list_box_row_set_header (row, header);
}

static GtkListBoxRow *
first_visible_row (FidgetActionPicker *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) &&
          filter_row (GTK_LIST_BOX_ROW (child), self))
        return GTK_LIST_BOX_ROW (child);
    }
  return NULL;
}

static void
choose (FidgetActionPicker *self,
        const char         *code)
{
  g_autofree char *chosen = g_strdup (code);

  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[ACTION_CHOSEN], 0, chosen);
}

static void
on_row_activated (GtkListBox         *list,
                  GtkListBoxRow      *row,
                  FidgetActionPicker *self)
{
  choose (self, row_get_data (row)->action->code);
}

static void
on_search_changed (GtkSearchEntry     *entry,
                   FidgetActionPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_free (self->query);
  self->query = g_utf8_casefold (stripped, -1);
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_headers (self->list);
}

static void
on_search_activate (GtkSearchEntry     *entry,
                    FidgetActionPicker *self)
{
  GtkListBoxRow *row = first_visible_row (self);

  if (row != NULL)
    choose (self, row_get_data (row)->action->code);
}

/* Escape in the search entry: GtkSearchEntry takes the key for itself ("stop-search"), so
 * the popover would never see it and the picker would stay open. Escape closes it, typed
 * text or not, as the one way out a keyboard user expects. */
static void
on_search_stop (GtkSearchEntry     *entry,
                FidgetActionPicker *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static gboolean
on_search_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               FidgetActionPicker    *self)
{
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    {
      GtkListBoxRow *row = first_visible_row (self);

      if (row != NULL)
        {
          gtk_widget_grab_focus (GTK_WIDGET (row));
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_suggestion_clicked (GtkButton          *button,
                       FidgetActionPicker *self)
{
  choose (self, g_object_get_data (G_OBJECT (button), "fidget-code"));
}

void
fidget_action_picker_set_suggestions (FidgetActionPicker *self,
                                      const char * const *codes,
                                      const double       *probabilities)
{
  GtkWidget *child;
  guint n = 0;

  g_return_if_fail (FIDGET_IS_ACTION_PICKER (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->suggestion_buttons))) != NULL)
    gtk_box_remove (self->suggestion_buttons, child);
  g_clear_pointer (&self->suggested, g_strfreev);

  /* One row each: the code and name, and a bar as long as the probability, so that a clear
   * winner and a toss-up look different at a glance. */
  for (guint i = 0; codes != NULL && codes[i] != NULL && i < 5; i++)
    {
      const FidgetAction *action = self->taxonomy != NULL
                                   ? fidget_taxonomy_lookup_action (self->taxonomy, codes[i])
                                   : NULL;
      g_autofree char *text = NULL;
      g_autofree char *percent = NULL;
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *label, *bar, *value;

      text = g_strdup_printf ("%s  %s", codes[i],
                              action != NULL ? fidget_taxonomy_translate (action->name) : "");
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 22);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 22);
      bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar),
                               probabilities != NULL ? CLAMP (probabilities[i], 0.0, 1.0) : 0.0);
      /* No low/high colours: a probability is not a gauge with a good and a bad end. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (bar, 80, -1);
      percent = probabilities != NULL ? g_strdup_printf ("%.0f %%", probabilities[i] * 100.0)
                                      : g_strdup ("");
      value = gtk_label_new (percent);
      gtk_label_set_width_chars (GTK_LABEL (value), 5);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_add_css_class (value, "numeric");
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), bar);
      gtk_box_append (GTK_BOX (box), value);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, text);
      g_object_set_data_full (G_OBJECT (button), "fidget-code", g_strdup (codes[i]), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_suggestion_clicked), self);
      gtk_box_append (self->suggestion_buttons, button);
      n++;
    }
  if (n > 0)
    {
      self->suggested = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->suggested[i] = g_strdup (codes[i]);
    }
  gtk_widget_set_visible (self->suggestions_placeholder, n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestion_buttons), n > 0);
}

void
fidget_action_picker_set_suggestions_note (FidgetActionPicker *self,
                                           const char         *note)
{
  g_return_if_fail (FIDGET_IS_ACTION_PICKER (self));

  gtk_label_set_text (GTK_LABEL (self->suggestions_placeholder),
                      note != NULL ? note : _("No model suggestions for this segment yet."));
}

const char *
fidget_action_picker_get_suggestions_note (FidgetActionPicker *self)
{
  g_return_val_if_fail (FIDGET_IS_ACTION_PICKER (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->suggestions_placeholder));
}

const char * const *
fidget_action_picker_get_suggested_codes (FidgetActionPicker *self)
{
  g_return_val_if_fail (FIDGET_IS_ACTION_PICKER (self), NULL);

  return (const char * const *) self->suggested;
}

void
fidget_action_picker_set_taxonomy (FidgetActionPicker *self,
                                   FidgetTaxonomy     *taxonomy)
{
  g_return_if_fail (FIDGET_IS_ACTION_PICKER (self));

  if (!g_set_object (&self->taxonomy, taxonomy))
    return;
  fidget_action_picker_rebuild (self);
}

void
fidget_action_picker_set_recent (FidgetActionPicker *self,
                                 const char * const *codes)
{
  g_return_if_fail (FIDGET_IS_ACTION_PICKER (self));

  g_strfreev (self->recent);
  self->recent = g_strdupv ((char **) codes);
  fidget_action_picker_rebuild (self);
}

void
fidget_action_picker_present (FidgetActionPicker *self)
{
  g_return_if_fail (FIDGET_IS_ACTION_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  gtk_popover_popup (GTK_POPOVER (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}

GStrv
fidget_action_picker_get_visible_codes (FidgetActionPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (FIDGET_IS_ACTION_PICKER (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && filter_row (GTK_LIST_BOX_ROW (child), self))
        g_strv_builder_add (builder, row_get_data (GTK_LIST_BOX_ROW (child))->action->code);
    }
  return g_strv_builder_end (builder);
}

GtkEditable *
fidget_action_picker_get_search_entry (FidgetActionPicker *self)
{
  g_return_val_if_fail (FIDGET_IS_ACTION_PICKER (self), NULL);
  return GTK_EDITABLE (self->search);
}

static void
fidget_action_picker_dispose (GObject *object)
{
  FidgetActionPicker *self = FIDGET_ACTION_PICKER (object);

  g_clear_object (&self->taxonomy);

  G_OBJECT_CLASS (fidget_action_picker_parent_class)->dispose (object);
}

static void
fidget_action_picker_finalize (GObject *object)
{
  FidgetActionPicker *self = FIDGET_ACTION_PICKER (object);

  g_clear_pointer (&self->recent, g_strfreev);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->suggested, g_strfreev);

  G_OBJECT_CLASS (fidget_action_picker_parent_class)->finalize (object);
}

static void
fidget_action_picker_class_init (FidgetActionPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fidget_action_picker_dispose;
  object_class->finalize = fidget_action_picker_finalize;

  /**
   * FidgetActionPicker::action-chosen:
   * @code: the action's code, e.g. "B1"
   */
  signals[ACTION_CHOSEN] =
    g_signal_new ("action-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fidget_action_picker_init (FidgetActionPicker *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *heading;
  GtkEventController *keys;

  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Search actions: code, name or description"),
                NULL);
  g_signal_connect (self->search, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->search, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect (self->search, "stop-search", G_CALLBACK (on_search_stop), self);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search), keys);

  /* The model's top five go here once the MANet engine fills them in. */
  self->suggestions = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  heading = gtk_label_new (_("Model Suggestions"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  self->suggestions_placeholder = gtk_label_new (_("No model suggestions for this segment yet."));
  gtk_label_set_xalign (GTK_LABEL (self->suggestions_placeholder), 0);
  gtk_widget_add_css_class (self->suggestions_placeholder, "dim-label");
  gtk_widget_add_css_class (self->suggestions_placeholder, "caption");
  self->suggestion_buttons = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_label_set_wrap (GTK_LABEL (self->suggestions_placeholder), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->suggestions_placeholder), 40);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestion_buttons), FALSE);
  gtk_box_append (self->suggestions, heading);
  gtk_box_append (self->suggestions, self->suggestions_placeholder);
  gtk_box_append (self->suggestions, GTK_WIDGET (self->suggestion_buttons));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_BROWSE);
  gtk_list_box_set_filter_func (self->list, filter_row, self, NULL);
  gtk_list_box_set_header_func (self->list, update_header, self, NULL);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 480);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_set_size_request (scroller, 420, -1);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->suggestions));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_widget_add_css_class (GTK_WIDGET (self), "action-picker");
}

GtkWidget *
fidget_action_picker_new (void)
{
  return g_object_new (FIDGET_TYPE_ACTION_PICKER, NULL);
}
