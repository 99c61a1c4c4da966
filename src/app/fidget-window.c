/* fidget-window.c: a window on one project, or the welcome page when none is open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-application.h"
#include "fidget-error.h"
#include "fidget-export-dialog.h"
#include "fidget-format.h"
#include "fidget-import-dialog.h"
#include "fidget-package-dialog.h"
#include "fidget-preferences.h"
#include "fidget-review-agreement.h"
#include "fidget-review-bar.h"
#include "fidget-review.h"
#include "fidget-settings.h"
#include "fidget-window-private.h"
#include "fidget-workspace-private.h"

/* How long the playhead rests before where work stopped is written down. */
#define SAVE_POSITION_DELAY_MS 500

struct _FidgetWindow
{
  AdwApplicationWindow  parent_instance;

  FidgetProject        *project;
  char                 *annotator;
  GSettings            *settings;   /* NULL when the schema is not installed */

  guint                 save_position_id;
  FidgetImportDialog   *import_dialog;
  gulong                changed_id;
  guint                 reload_id;
  GtkEventController   *review_keys;
  AdwMessageDialog     *removal_dialog;  /* weak: the removal question while it is open */

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkStack             *project_stack;
  GtkListBox           *video_list;
  GtkLabel             *videos_summary;
  GtkLabel             *videos_heading;
  GtkWidget            *waiting_box;
  GtkListBox           *waiting_list;
  GtkLabel             *waiting_summary;
  GtkWidget            *agreement_button;
  GtkWidget            *back_button;
  GtkWidget            *inspector_button;
  GtkWidget            *import_button;
  GtkMenuButton        *annotator_button;
  GtkLabel             *annotator_label;
  GtkPopover           *annotator_popover;
  GtkListBox           *annotator_list;
  GtkEntry             *annotator_entry;
  FidgetWorkspace      *workspace;
  FidgetReviewBar      *review_bar;
  FidgetReviewAgreement *agreement;
};

G_DEFINE_FINAL_TYPE (FidgetWindow, fidget_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_ANNOTATOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fidget_window_update_title     (FidgetWindow *self);
static void fidget_window_ensure_annotator (FidgetWindow *self);
static void fidget_window_resume           (FidgetWindow *self);

static void
fidget_window_update_title (FidgetWindow *self)
{
  if (self->project == NULL)
    {
      adw_window_title_set_title (self->window_title, "Fidget");
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "Fidget");
      return;
    }

  {
    g_autofree char *name = g_path_get_basename (fidget_project_get_path (self->project));
    /* Translators: the window's title as the window list shows it; %s is a project file */
    g_autofree char *window_title = g_strdup_printf (_("%s – Fidget"), name);
    const FidgetVideo *video = fidget_workspace_get_video (self->workspace);
    g_autofree char *subtitle = NULL;

    /* In the workspace the title names the video, the subtitle the project. */
    if (video != NULL && g_strcmp0 (fidget_window_get_page_name (self), "workspace") == 0)
      {
        g_autofree char *video_name = fidget_format_video_title (video);

        adw_window_title_set_title (self->window_title, video_name);
        subtitle = g_strdup_printf ("%s · %s", name, self->annotator != NULL
                                                     ? self->annotator : _("No annotator named"));
        adw_window_title_set_subtitle (self->window_title, subtitle);
      }
    else if (g_strcmp0 (fidget_window_get_page_name (self), "agreement") == 0)
      {
        adw_window_title_set_title (self->window_title, _("Agreement"));
        adw_window_title_set_subtitle (self->window_title, name);
      }
    else
      {
        adw_window_title_set_title (self->window_title, name);
        adw_window_title_set_subtitle (self->window_title,
                                       self->annotator != NULL ? self->annotator
                                                               : _("No annotator named"));
      }
    gtk_label_set_label (self->annotator_label,
                         self->annotator != NULL ? self->annotator : _("Who are you?"));
    gtk_window_set_title (GTK_WINDOW (self), window_title);
  }
}

static void
update_header (FidgetWindow *self)
{
  const char *page = fidget_window_get_page_name (self);
  gboolean in_workspace = g_strcmp0 (page, "workspace") == 0;
  gboolean in_list = g_strcmp0 (page, "project") == 0;

  gtk_widget_set_visible (self->back_button, in_workspace || g_strcmp0 (page, "agreement") == 0);
  gtk_widget_set_visible (self->inspector_button, in_workspace);
  gtk_widget_set_visible (self->import_button, self->project != NULL && in_list);
  gtk_widget_set_visible (self->agreement_button, self->project != NULL && in_list);
  gtk_widget_set_visible (GTK_WIDGET (self->annotator_button), self->project != NULL);
  fidget_window_update_title (self);
}

/* Where the video is in the three-step review, and how far along that step is. */
static char *
format_review_progress (const FidgetReviewStatus *status)
{
  guint submitted = 0;

  if (status == NULL)
    return NULL;
  for (guint i = 0; status->checkers != NULL && i < status->checkers->len; i++)
    if (((FidgetReviewChecker *) g_ptr_array_index (status->checkers, i))->submitted)
      submitted++;

  switch (status->state)
    {
    case FIDGET_REVIEW_FREE:
      return g_strdup (_("Not assigned"));
    case FIDGET_REVIEW_ANNOTATING:
      /* Translators: step 1 of the review; %u of %u segments confirmed */
      return g_strdup_printf (_("1 Self-check · %u of %u confirmed"), status->n_confirmed,
                              status->n_segments);
    case FIDGET_REVIEW_SELF_CHECKED:
    case FIDGET_REVIEW_CROSS_CHECKING:
      /* Translators: step 2 of the review; %u of %u checkers have submitted */
      return g_strdup_printf (_("2 Cross-check · %u of %u submitted"), submitted,
                              status->checkers != NULL ? status->checkers->len : 0);
    case FIDGET_REVIEW_DISPUTED:
      /* Translators: step 3 of the review; disputes still open */
      return g_strdup_printf (ngettext ("3 Review · %u dispute open", "3 Review · %u disputes open",
                                        status->n_open_disputes), status->n_open_disputes);
    case FIDGET_REVIEW_CONSENSUS:
      return g_strdup (_("3 Review · ready to verify"));
    case FIDGET_REVIEW_VERIFIED:
      return g_strdup (_("Verified"));
    default:
      return NULL;
    }
}

/* What the video waits for from @me, or NULL when it is not their turn. A free video is
 * anyone's to annotate, so it waits for nobody in particular. */
static char *
format_my_turn (const FidgetReviewStatus *status,
                const char               *me)
{
  if (status == NULL || me == NULL)
    return NULL;

  switch (status->state)
    {
    case FIDGET_REVIEW_ANNOTATING:
      if (g_strcmp0 (status->primary, me) != 0)
        return NULL;
      if (status->n_segments == 0)
        return g_strdup (_("Annotate, then self-check"));
      /* Translators: the primary's turn: segments confirmed of those marked */
      return g_strdup_printf (_("Annotate and self-check · %u of %u confirmed"),
                              status->n_confirmed, status->n_segments);

    case FIDGET_REVIEW_SELF_CHECKED:
    case FIDGET_REVIEW_CROSS_CHECKING:
      for (guint i = 0; status->checkers != NULL && i < status->checkers->len; i++)
        {
          const FidgetReviewChecker *checker = g_ptr_array_index (status->checkers, i);

          if (g_strcmp0 (checker->name, me) == 0 && !checker->submitted)
            /* Translators: a checker's turn: the primary's segments decided */
            return g_strdup_printf (_("Cross-check · %u of %u decided"), checker->n_decisions,
                                    status->n_segments);
        }
      return NULL;

    case FIDGET_REVIEW_DISPUTED:
      if (g_strcmp0 (status->reviewer, me) != 0)
        return NULL;
      /* Translators: the reviewer's turn */
      return g_strdup_printf (ngettext ("Resolve %u dispute", "Resolve %u disputes",
                                        status->n_open_disputes), status->n_open_disputes);

    case FIDGET_REVIEW_CONSENSUS:
      if (g_strcmp0 (status->reviewer, me) != 0)
        return NULL;
      return g_strdup (_("Verify the consensus"));

    case FIDGET_REVIEW_FREE:
    case FIDGET_REVIEW_VERIFIED:
    default:
      return NULL;
    }
}

static GtkWidget *
create_video_row (FidgetWindow             *self,
                  const FidgetVideo        *video,
                  const FidgetReviewStatus *status,
                  const char               *my_turn,
                  guint                     n)
{
  g_autofree char *title = fidget_format_video_title (video);
  g_autofree char *subtitle = my_turn != NULL ? g_strdup (my_turn) : fidget_format_video_subtitle (video);
  g_autofree char *resolved = fidget_project_resolve_video_path (self->project, video);
  GtkWidget *row;
  GtkWidget *icon;

  row = adw_action_row_new ();
  /* File names may hold '&' or '<': they are text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, resolved != NULL ? resolved : video->path);

  icon = gtk_image_new_from_icon_name (my_turn != NULL ? "document-edit-symbolic"
                                                       : "video-x-generic-symbolic");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "fidget-video-id", GSIZE_TO_POINTER ((gsize) video->id));

  /* The review step the video is at and how far along, then how many segments it holds. */
  {
    /* A waiting row says the step in its subtitle already. */
    g_autofree char *step = my_turn == NULL ? format_review_progress (status) : NULL;
    /* Translators: how many segments a video holds */
    g_autofree char *count = g_strdup_printf (ngettext ("%u segment", "%u segments", n), n);
    g_autofree char *text = step != NULL ? g_strdup_printf ("%s\n%s", step, count)
                                         : g_strdup (count);
    GtkWidget *progress = gtk_label_new (text);

    gtk_label_set_xalign (GTK_LABEL (progress), 1);
    gtk_label_set_justify (GTK_LABEL (progress), GTK_JUSTIFY_RIGHT);
    gtk_widget_add_css_class (progress, "dim-label");
    gtk_widget_add_css_class (progress, "numeric");
    gtk_widget_add_css_class (progress, "caption");
    gtk_widget_add_css_class (progress, "step-progress");
    if (status != NULL && status->state == FIDGET_REVIEW_VERIFIED)
      gtk_widget_add_css_class (progress, "success");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), progress);
  }

  /* A moved video is still in the project (its hash finds it again); say so, quietly. */
  if (resolved == NULL || !g_file_test (resolved, G_FILE_TEST_IS_REGULAR))
    {
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, "missing-file");
      gtk_widget_set_tooltip_text (icon, _("The video file is not where the project expects it"));
      gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }

  /* What else can be done with the video: for now, taking it out after a mistaken import.
   * Right-click, the Menu key and Shift+F10 open the same menu (see on_list_pressed()). */
  {
    g_autoptr(GMenu) menu = g_menu_new ();
    g_autoptr(GMenuItem) item = g_menu_item_new (_("_Remove From Project…"), NULL);
    GtkWidget *button = gtk_menu_button_new ();

    g_menu_item_set_action_and_target_value (item, "win.remove-video",
                                             g_variant_new_int64 (video->id));
    g_menu_append_item (menu, item);
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
    gtk_widget_set_tooltip_text (button, _("More"));
    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (button, "flat");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    g_object_set_data (G_OBJECT (row), "fidget-menu-button", button);
  }

  icon = gtk_image_new_from_icon_name ("go-next-symbolic");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  return row;
}

static gint64
row_video_id (GtkListBoxRow *row)
{
  return (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "fidget-video-id"));
}

/* The row of @list that holds the keyboard focus, if any. */
static GtkListBoxRow *
focused_row (GtkWidget *list)
{
  GtkRoot *root = gtk_widget_get_root (list);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW) : NULL;

  return row != NULL && gtk_widget_get_parent (row) == list ? GTK_LIST_BOX_ROW (row) : NULL;
}

/* After the rows were made again: the focus goes to @video_id's row wherever it is now, else
 * to the row at @index of @list (or the last one), else to the other list. */
static void
refocus_row (FidgetWindow *self,
             GtkListBox   *list,
             gint64        video_id,
             int           index)
{
  GtkListBox *lists[] = { self->waiting_list, self->video_list };
  GtkListBoxRow *row = NULL;

  for (guint l = 0; l < G_N_ELEMENTS (lists) && row == NULL; l++)
    for (int i = 0; row == NULL && gtk_list_box_get_row_at_index (lists[l], i) != NULL; i++)
      if (row_video_id (gtk_list_box_get_row_at_index (lists[l], i)) == video_id)
        row = gtk_list_box_get_row_at_index (lists[l], i);
  for (int i = index; row == NULL && i >= 0; i--)
    row = gtk_list_box_get_row_at_index (list, i);
  for (guint l = 0; l < G_N_ELEMENTS (lists) && row == NULL; l++)
    row = gtk_list_box_get_row_at_index (lists[l], 0);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* ------------------------------------------------------------------------------------------ */
/* Taking a video out                                                                          */

static void
on_removal_response (AdwMessageDialog *dialog,
                     const char       *response,
                     FidgetWindow     *self)
{
  gint64 video_id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog),
                                                                  "fidget-video-id"));
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0 || self->project == NULL)
    return;
  /* The workspace lets go of it first: a scan running on it would write to nothing. */
  if (fidget_workspace_get_video (self->workspace) != NULL &&
      fidget_workspace_get_video (self->workspace)->id == video_id)
    fidget_workspace_close_video (self->workspace);
  if (!fidget_project_remove_video (self->project, video_id, NULL, &error))
    fidget_window_show_error (self, _("Could Not Remove the Video"), error);
  fidget_window_reload (self);
}

/* Asks before a video leaves the project, or says why it cannot. */
static void
remove_video_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);
  gint64 video_id = g_variant_get_int64 (parameter);
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  guint suggestions = 0;
  AdwMessageDialog *dialog;

  if (self->project == NULL)
    return;
  if (!(video = fidget_project_get_video (self->project, video_id, &error)) ||
      !fidget_project_check_remove_video (self->project, video_id, &suggestions, &error))
    {
      fidget_window_show_error (self, _("The Video Stays in the Project"), error);
      return;
    }

  title = fidget_format_video_title (video);
  body = suggestions > 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "Nobody has labelled it. Its %u model suggestion goes with "
                                    "it; the file stays where it is and can be imported again.",
                                    "Nobody has labelled it. Its %u model suggestions go with "
                                    "it; the file stays where it is and can be imported again.",
                                    suggestions),
                       suggestions)
    : g_strdup (_("Nobody has labelled it. The file stays where it is and can be imported "
                  "again."));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, body));
  adw_message_dialog_format_heading (dialog, _("Remove “%s” From the Project?"), title);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter alone does not remove anything. */
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "fidget-video-id", GSIZE_TO_POINTER ((gsize) video_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_removal_response), self, 0);
  if (self->removal_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->removal_dialog),
                                  (gpointer *) &self->removal_dialog);
  self->removal_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->removal_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Right-click on a row opens its menu. */
static void
on_list_pressed (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 FidgetWindow    *self)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));
  GtkListBoxRow *row = gtk_list_box_get_row_at_y (list, (int) y);
  GtkWidget *button = row != NULL ? g_object_get_data (G_OBJECT (row), "fidget-menu-button") : NULL;

  if (button == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
}

/* Delete asks to remove the focused row's video. */
static gboolean
on_list_delete (GtkWidget *list,
                GVariant  *args,
                gpointer   user_data)
{
  GtkListBoxRow *row = focused_row (list);

  if (row == NULL)
    return FALSE;
  gtk_widget_activate_action (list, "win.remove-video", "x", row_video_id (row));
  return TRUE;
}

/* The Menu key and Shift+F10 open the focused row's menu. */
static gboolean
on_list_menu_key (GtkWidget *list,
                  GVariant  *args,
                  gpointer   user_data)
{
  GtkListBoxRow *row = focused_row (list);
  GtkWidget *button = row != NULL ? g_object_get_data (G_OBJECT (row), "fidget-menu-button") : NULL;

  if (button == NULL)
    return FALSE;
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  return TRUE;
}

static void
watch_video_list (FidgetWindow *self,
                  GtkListBox   *list)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_shortcut_controller_new ();
  const struct { guint keyval; GdkModifierType mods; GtkShortcutFunc func; } bindings[] = {
    { GDK_KEY_Delete, 0, on_list_delete },
    { GDK_KEY_KP_Delete, 0, on_list_delete },
    { GDK_KEY_Menu, 0, on_list_menu_key },
    { GDK_KEY_F10, GDK_SHIFT_MASK, on_list_menu_key },
  };

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_list_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (list), GTK_EVENT_CONTROLLER (click));
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (bindings[i].keyval,
                                                                                    bindings[i].mods),
                                                            gtk_callback_action_new (bindings[i].func,
                                                                                     NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (list), keys);
}

static void
fidget_window_clear_videos (FidgetWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->video_list))) != NULL)
    gtk_list_box_remove (self->video_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->waiting_list))) != NULL)
    gtk_list_box_remove (self->waiting_list, child);
  gtk_widget_set_visible (self->waiting_box, FALSE);
}

void
fidget_window_reload (FidgetWindow *self)
{
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *total = NULL;
  g_autofree char *summary = NULL;
  gint64 centiseconds = 0;
  guint n_waiting = 0;
  GtkListBox *focus_list = NULL;
  gint64 focus_video = 0;
  int focus_index = 0;

  g_return_if_fail (FIDGET_IS_WINDOW (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  /* The keys stay on the list: on the same video's new row, or where the row left was. */
  {
    GtkListBoxRow *row = focused_row (GTK_WIDGET (self->waiting_list));

    focus_list = self->waiting_list;
    if (row == NULL)
      {
        row = focused_row (GTK_WIDGET (self->video_list));
        focus_list = self->video_list;
      }
    if (row != NULL)
      {
        focus_video = row_video_id (row);
        focus_index = gtk_list_box_row_get_index (row);
      }
  }
  fidget_window_clear_videos (self);

  if (self->project == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      update_header (self);
      return;
    }

  if (g_strcmp0 (fidget_window_get_page_name (self), "workspace") != 0)
    gtk_stack_set_visible_child_name (self->stack, "project");
  update_header (self);

  videos = fidget_project_list_videos (self->project, &error);
  if (videos == NULL)
    {
      gtk_stack_set_visible_child_name (self->project_stack, "empty");
      fidget_window_show_error (self, _("Could Not Read the Videos"), error);
      return;
    }

  /* The review's state of each video; without it the rows only count segments. */
  statuses = fidget_review_list_status (self->project, NULL);
  /* One query for all: listing each video's segments took 0.2 s at MA-52's size. */
  counts = fidget_project_count_segments (self->project, NULL);
  for (guint i = 0; i < videos->len; i++)
    {
      const FidgetVideo *video = g_ptr_array_index (videos, i);
      const FidgetReviewStatus *status = NULL;
      g_autofree char *my_turn = NULL;
      guint n = counts != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (counts, &video->id)) : 0;

      for (guint j = 0; statuses != NULL && j < statuses->len; j++)
        if (((FidgetReviewStatus *) g_ptr_array_index (statuses, j))->video_id == video->id)
          status = g_ptr_array_index (statuses, j);
      /* What waits for me comes first, the step as its subtitle; the rest below it. */
      my_turn = format_my_turn (status, self->annotator);
      if (my_turn != NULL)
        {
          gtk_list_box_append (self->waiting_list, create_video_row (self, video, status, my_turn, n));
          n_waiting++;
        }
      else
        {
          gtk_list_box_append (self->video_list, create_video_row (self, video, status, NULL, n));
          centiseconds += fidget_video_get_centiseconds (video);
        }
    }
  gtk_widget_set_visible (self->waiting_box, n_waiting > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->video_list), n_waiting < videos->len);
  gtk_label_set_label (self->videos_heading, n_waiting > 0 ? _("Other Videos") : _("Videos"));
  {
    /* Translators: how many videos wait for the person working */
    g_autofree char *waiting = g_strdup_printf (ngettext ("%u video", "%u videos", n_waiting),
                                                n_waiting);

    gtk_label_set_label (self->waiting_summary, waiting);
  }

  /* Each heading counts its own list. */
  total = fidget_format_centiseconds (centiseconds);
  /* Translators: %u is the number of videos in the list, %s their total length */
  summary = g_strdup_printf (ngettext ("%u video · %s", "%u videos · %s", videos->len - n_waiting),
                             videos->len - n_waiting, total);
  gtk_label_set_label (self->videos_summary, summary);

  gtk_stack_set_visible_child_name (self->project_stack, videos->len > 0 ? "videos" : "empty");
  if (focus_video > 0)
    refocus_row (self, focus_list, focus_video, focus_index);
}

/* ------------------------------------------------------------------------------------------ */
/* Who is annotating                                                                           */

/* Segments are recorded under an annotator of the project: a name given on the command line
 * or chosen here becomes one if it is not yet. */
static void
fidget_window_ensure_annotator (FidgetWindow *self)
{
  g_autoptr(FidgetAnnotator) annotator = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL || self->annotator == NULL)
    return;
  annotator = fidget_project_lookup_annotator (self->project, self->annotator, &error);
  if (annotator != NULL)
    return;
  if (!g_error_matches (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND))
    {
      fidget_window_show_error (self, _("Could Not Read the Annotators"), error);
      return;
    }
  g_clear_error (&error);
  annotator = fidget_project_add_annotator (self->project, self->annotator, &error);
  if (annotator == NULL)
    fidget_window_show_error (self, _("Could Not Add the Annotator"), error);
}

static void
choose_annotator (FidgetWindow *self,
                  const char   *name)
{
  g_autofree char *clean = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (clean[0] == '\0')
    return;
  gtk_popover_popdown (self->annotator_popover);
  fidget_window_set_annotator (self, clean);
  /* Remembered for the next start, as --annotator is. */
  if (FIDGET_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    fidget_application_set_annotator (FIDGET_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                      clean);
  fidget_workspace_focus (self->workspace);
}

static void
fill_annotator_list (FidgetWindow *self)
{
  g_autoptr(GPtrArray) annotators = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->annotator_list))) != NULL)
    gtk_list_box_remove (self->annotator_list, child);
  if (self->project == NULL)
    return;
  annotators = fidget_project_list_annotators (self->project, NULL);
  for (guint i = 0; annotators != NULL && i < annotators->len; i++)
    {
      const FidgetAnnotator *annotator = g_ptr_array_index (annotators, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), annotator->name);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      if (g_strcmp0 (annotator->name, self->annotator) == 0)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   gtk_image_new_from_icon_name ("object-select-symbolic"));
      gtk_list_box_append (self->annotator_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->annotator_list),
                          annotators != NULL && annotators->len > 0);
}

static void
on_annotator_row_activated (FidgetWindow  *self,
                            GtkListBoxRow *row)
{
  choose_annotator (self, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
}

static void
on_annotator_entry_activate (GtkEntry     *entry,
                             FidgetWindow *self)
{
  choose_annotator (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_annotator_entry_icon (GtkEntry             *entry,
                         GtkEntryIconPosition  position,
                         FidgetWindow         *self)
{
  on_annotator_entry_activate (entry, self);
}

static void
choose_annotator_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);

  if (self->project != NULL)
    gtk_menu_button_popup (self->annotator_button);
}

/* ------------------------------------------------------------------------------------------ */
/* Where work stopped                                                                          */

void
fidget_window_save_position (FidgetWindow *self)
{
  const FidgetVideo *video;
  g_autoptr(GVariant) positions = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *path;
  const char *uuid;
  gint64 frame;

  g_clear_handle_id (&self->save_position_id, g_source_remove);
  if (self->settings == NULL || self->project == NULL)
    return;
  video = fidget_workspace_get_video (self->workspace);
  if (video == NULL || video->uuid == NULL)
    return;

  /* This project's entry replaced, the others' kept. */
  positions = g_settings_get_value (self->settings, "last-positions");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(sx)}"));
  g_variant_iter_init (&iter, positions);
  while (g_variant_iter_next (&iter, "{&s(&sx)}", &path, &uuid, &frame))
    if (g_strcmp0 (path, fidget_project_get_path (self->project)) != 0)
      g_variant_builder_add (&builder, "{s(sx)}", path, uuid, frame);
  g_variant_builder_add (&builder, "{s(sx)}", fidget_project_get_path (self->project), video->uuid,
                         fidget_workspace_get_position (self->workspace));
  g_settings_set_value (self->settings, "last-positions", g_variant_builder_end (&builder));
}

static gboolean
save_position_cb (gpointer data)
{
  FidgetWindow *self = data;

  self->save_position_id = 0;
  fidget_window_save_position (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save_position (FidgetWindow *self)
{
  g_clear_handle_id (&self->save_position_id, g_source_remove);
  self->save_position_id = g_timeout_add (SAVE_POSITION_DELAY_MS, save_position_cb, self);
}

static void
fidget_window_show_workspace (FidgetWindow *self,
                              gint64        video_id,
                              gint64        frame)
{
  fidget_window_save_position (self);
  gtk_stack_set_visible_child_name (self->stack, "workspace");
  fidget_workspace_open_video (self->workspace, video_id, frame);
  /* The review step I have on this video, if any, over the workspace. */
  fidget_review_bar_set_video (self->review_bar, video_id);
  update_header (self);
  fidget_workspace_focus (self->workspace);
}

/* The lists follow the project as it changes while they are shown; going back to them reads
 * the project again anyway. */
static gboolean
reload_cb (gpointer data)
{
  FidgetWindow *self = data;

  self->reload_id = 0;
  fidget_window_reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_project_changed (FidgetProject *project,
                    const char    *entity,
                    gint64         video_id,
                    FidgetWindow  *self)
{
  if (g_strcmp0 (entity, "suggestion") == 0)
    return;
  if (g_strcmp0 (fidget_window_get_page_name (self), "project") != 0)
    return;
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_cb, self);
}

/* The review's keys come before the workspace's, on the workspace page only. */
static gboolean
on_review_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       FidgetWindow          *self)
{
  if (g_strcmp0 (fidget_window_get_page_name (self), "workspace") != 0)
    return FALSE;
  return fidget_review_bar_handle_key (self->review_bar, keyval, state);
}

static void
show_agreement_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);

  if (self->project == NULL)
    return;
  if (g_strcmp0 (fidget_window_get_page_name (self), "workspace") == 0)
    {
      fidget_window_save_position (self);
      fidget_workspace_set_playing (self->workspace, FALSE);
      fidget_review_bar_set_video (self->review_bar, 0);
    }
  gtk_stack_set_visible_child_name (self->stack, "agreement");
  fidget_review_agreement_refresh (self->agreement);
  update_header (self);
}

/* Opens the video and frame last worked on in this project, or the first video at its
 * first frame; with no videos, the list says how to import some. */
static void
fidget_window_resume (FidgetWindow *self)
{
  g_autoptr(GPtrArray) videos = fidget_project_list_videos (self->project, NULL);
  const FidgetVideo *target = NULL;
  gint64 frame = 0;

  if (videos == NULL || videos->len == 0)
    return;

  if (self->settings != NULL)
    {
      g_autoptr(GVariant) positions = g_settings_get_value (self->settings, "last-positions");
      const char *uuid = NULL;
      gint64 saved = 0;

      if (g_variant_lookup (positions, fidget_project_get_path (self->project), "(&sx)", &uuid,
                            &saved))
        for (guint i = 0; i < videos->len; i++)
          {
            const FidgetVideo *video = g_ptr_array_index (videos, i);

            if (g_strcmp0 (video->uuid, uuid) == 0)
              {
                target = video;
                frame = saved;
              }
          }
    }
  if (target == NULL)
    target = g_ptr_array_index (videos, 0);
  fidget_window_show_workspace (self, target->id, frame);
}

static void
on_video_activated (FidgetWindow  *self,
                    GtkListBoxRow *row)
{
  gint64 video_id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "fidget-video-id"));
  gint64 frame = 0;

  /* Back to the same video: where it was left. */
  if (self->settings != NULL)
    {
      g_autoptr(GVariant) positions = g_settings_get_value (self->settings, "last-positions");
      g_autoptr(FidgetVideo) video = fidget_project_get_video (self->project, video_id, NULL);
      const char *uuid = NULL;
      gint64 saved = 0;

      if (video != NULL &&
          g_variant_lookup (positions, fidget_project_get_path (self->project), "(&sx)", &uuid,
                            &saved) &&
          g_strcmp0 (uuid, video->uuid) == 0)
        frame = saved;
    }
  fidget_window_show_workspace (self, video_id, frame);
}

static void
show_videos_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);

  if (self->project == NULL)
    return;
  fidget_window_save_position (self);
  fidget_workspace_set_playing (self->workspace, FALSE);
  fidget_review_bar_set_video (self->review_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "project");
  fidget_window_reload (self);
  /* The keys land on the video just left: Enter goes back to it, arrows move on from it. */
  if (fidget_workspace_get_video (self->workspace) != NULL)
    refocus_row (self, self->video_list, fidget_workspace_get_video (self->workspace)->id, 0);
}

/* win.preferences opens on the first page; win.choose-weights on the model's, where the
 * weights are chosen and the text says where to get them. */
static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FidgetPreferences *preferences = fidget_preferences_new (GTK_WINDOW (widget));

  if (preferences == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                     _("The settings schema is not installed, so "
                                                       "preferences cannot be kept"));

      fidget_window_show_error (FIDGET_WINDOW (widget), _("No Preferences"), error);
      return;
    }
  if (g_strcmp0 (action_name, "win.choose-weights") == 0)
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences),
                                                  FIDGET_PREFERENCES_PAGE_MODEL);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* ------------------------------------------------------------------------------------------ */
/* Importing                                                                                   */

static void
on_import_done (FidgetImportDialog *dialog,
                guint               count,
                FidgetWindow       *self)
{
  if (self->project != NULL && g_strcmp0 (fidget_window_get_page_name (self), "workspace") != 0)
    fidget_window_reload (self);
}

FidgetImportDialog *
fidget_window_import_files (FidgetWindow *self,
                            GPtrArray    *files)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  if (self->project == NULL || files == NULL || files->len == 0)
    return NULL;

  self->import_dialog = fidget_import_dialog_new (GTK_WINDOW (self),
                                                  fidget_project_get_path (self->project),
                                                  self->annotator, files);
  g_object_add_weak_pointer (G_OBJECT (self->import_dialog), (gpointer *) &self->import_dialog);
  g_signal_connect_object (self->import_dialog, "imported", G_CALLBACK (on_import_done), self, 0);
  gtk_window_present (GTK_WINDOW (self->import_dialog));
  return self->import_dialog;
}

static void
import_response (GtkNativeDialog *native,
                 int              response,
                 gpointer         user_data)
{
  FidgetWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) chosen = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (chosen); i++)
        g_ptr_array_add (files, g_list_model_get_item (chosen, i));
      fidget_window_import_files (self, files);
    }
  g_object_unref (native);
  g_object_unref (self);
}

/* The dialogs of the project menu: each runs its job with progress and cancel itself. */
static void
export_dataset_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);

  if (self->project != NULL)
    fidget_export_dialog_present (GTK_WINDOW (self), self->project);
}

static void
export_package_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);

  if (self->project != NULL)
    fidget_package_dialog_present_export (GTK_WINDOW (self), self->project);
}

static void
import_package_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);

  if (self->project != NULL)
    fidget_package_dialog_present_import (GTK_WINDOW (self), self->project);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FidgetWindow *self = FIDGET_WINDOW (widget);
  g_autoptr(GtkFileFilter) videos = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_files = gtk_file_filter_new ();
  GtkFileChooserNative *native;

  if (self->project == NULL)
    return;

  native = gtk_file_chooser_native_new (_("Import Videos"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  gtk_file_filter_set_name (videos, _("Videos"));
  gtk_file_filter_add_mime_type (videos, "video/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), videos);
  gtk_file_filter_set_name (all_files, _("All Files"));
  gtk_file_filter_add_pattern (all_files, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all_files);

  g_signal_connect (native, "response", G_CALLBACK (import_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         FidgetWindow  *self)
{
  GSList *list = g_value_get_boxed (value);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->project == NULL)
    return FALSE;
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, g_object_ref (l->data));
  return fidget_window_import_files (self, files) != NULL;
}

FidgetProject *
fidget_window_get_project (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->project;
}

void
fidget_window_set_project (FidgetWindow  *self,
                           FidgetProject *project)
{
  g_return_if_fail (FIDGET_IS_WINDOW (self));
  g_return_if_fail (project == NULL || FIDGET_IS_PROJECT (project));

  if (self->project == project)
    return;
  fidget_window_save_position (self);
  fidget_review_bar_set_project (self->review_bar, NULL);
  fidget_review_agreement_set_project (self->agreement, NULL);
  fidget_workspace_set_project (self->workspace, NULL);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_set_object (&self->project, project);
  gtk_stack_set_visible_child_name (self->stack, project != NULL ? "project" : "welcome");

  if (self->project != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (fidget_project_get_path (self->project));
      g_autofree char *absolute = g_file_get_path (file);

      fidget_project_set_actor (self->project, self->annotator);
      fidget_window_ensure_annotator (self);
      if (self->settings != NULL && absolute != NULL)
        g_settings_set_string (self->settings, "last-project", absolute);
      fidget_workspace_set_project (self->workspace, self->project);
      fidget_workspace_set_annotator (self->workspace, self->annotator);
      /* After the workspace: the bar's view of a change comes after the workspace's. */
      fidget_review_bar_set_project (self->review_bar, self->project);
      fidget_review_agreement_set_project (self->agreement, self->project);
      self->changed_id = g_signal_connect (self->project, "changed",
                                           G_CALLBACK (on_project_changed), self);
    }

  fidget_window_update_title (self);
  fidget_window_reload (self);
  if (self->project != NULL)
    fidget_window_resume (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

gboolean
fidget_window_has_file (FidgetWindow *self,
                        GFile        *file)
{
  g_autoptr(GFile) project_file = NULL;

  g_return_val_if_fail (FIDGET_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->project == NULL)
    return FALSE;
  project_file = g_file_new_for_path (fidget_project_get_path (self->project));
  return g_file_equal (project_file, file);
}

/* Opens or creates the project at @file. The core names the file in its errors; a file that
 * has no local path (a remote location in the file chooser) is refused here, as plainly. */
FidgetProject *
fidget_window_load_project_file (GFile     *file,
                                 gboolean   create,
                                 GError   **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot use “%s”: a project must be a file on a local disk or a mounted share"),
                   uri);
      return NULL;
    }

  if (create)
    return fidget_project_create (path, error);
  return fidget_project_open (path, error);
}

void
fidget_window_report_load_error (FidgetWindow *self,
                                 gboolean      create,
                                 const GError *error)
{
  fidget_window_show_error (self,
                            create ? _("Could Not Create the Project")
                                   : _("Could Not Open the Project"),
                            error);
}

static gboolean
fidget_window_load (FidgetWindow *self,
                    GFile        *file,
                    gboolean      create)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (FIDGET_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  project = fidget_window_load_project_file (file, create, &error);
  if (project == NULL)
    {
      fidget_window_report_load_error (self, create, error);
      return FALSE;
    }

  fidget_window_set_project (self, project);
  return TRUE;
}

gboolean
fidget_window_open_project (FidgetWindow *self,
                            GFile        *file)
{
  return fidget_window_load (self, file, FALSE);
}

gboolean
fidget_window_create_project (FidgetWindow *self,
                              GFile        *file)
{
  return fidget_window_load (self, file, TRUE);
}

const char *
fidget_window_get_annotator (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->annotator;
}

void
fidget_window_set_annotator (FidgetWindow *self,
                             const char   *annotator)
{
  g_return_if_fail (FIDGET_IS_WINDOW (self));

  /* An empty name is nobody: the audit log should say NULL, not "". */
  if (annotator != NULL && annotator[0] == '\0')
    annotator = NULL;

  if (g_strcmp0 (self->annotator, annotator) == 0)
    return;
  g_free (self->annotator);
  self->annotator = g_strdup (annotator);

  if (self->project != NULL)
    {
      fidget_project_set_actor (self->project, self->annotator);
      fidget_window_ensure_annotator (self);
    }
  fidget_workspace_set_annotator (self->workspace, self->annotator);

  /* Another person has other turns: the bar and the lists follow. */
  if (self->project != NULL)
    {
      const FidgetVideo *video = fidget_workspace_get_video (self->workspace);
      const char *page = fidget_window_get_page_name (self);

      if (g_strcmp0 (page, "workspace") == 0 && video != NULL)
        fidget_review_bar_set_video (self->review_bar, video->id);
      else if (g_strcmp0 (page, "project") == 0)
        fidget_window_reload (self);
    }

  fidget_window_update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATOR]);
}

void
fidget_window_show_error (FidgetWindow *self,
                          const char   *heading,
                          const GError *error)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (FIDGET_IS_WINDOW (self));
  g_return_if_fail (heading != NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       error != NULL ? error->message : NULL));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fidget_window_save_geometry (FidgetWindow *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  /* The default size is the unmaximized one, which is what to restore next time. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
fidget_window_close_request (GtkWindow *window)
{
  fidget_window_save_geometry (FIDGET_WINDOW (window));
  fidget_window_save_position (FIDGET_WINDOW (window));

  return GTK_WINDOW_CLASS (fidget_window_parent_class)->close_request (window);
}

static void
window_close_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
fidget_window_constructed (GObject *object)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  G_OBJECT_CLASS (fidget_window_parent_class)->constructed (object);

  if (self->settings != NULL)
    {
      int width = g_settings_get_int (self->settings, "window-width");
      int height = g_settings_get_int (self->settings, "window-height");

      /* Never come back smaller than the window can be, whatever the settings say. */
      gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  fidget_window_update_title (self);
  fidget_window_reload (self);
}

static void
fidget_window_dispose (GObject *object)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  g_clear_handle_id (&self->save_position_id, g_source_remove);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  if (self->import_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->import_dialog), (gpointer *) &self->import_dialog);
  self->import_dialog = NULL;
  if (self->removal_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->removal_dialog),
                                  (gpointer *) &self->removal_dialog);
  self->removal_dialog = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_WINDOW);

  /* Closing the window closes the project's database connection with it. */
  g_clear_object (&self->project);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fidget_window_parent_class)->dispose (object);
}

static void
fidget_window_finalize (GObject *object)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  g_clear_pointer (&self->annotator, g_free);

  G_OBJECT_CLASS (fidget_window_parent_class)->finalize (object);
}

static void
fidget_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;

    case PROP_ANNOTATOR:
      g_value_set_string (value, self->annotator);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FidgetWindow *self = FIDGET_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      fidget_window_set_project (self, g_value_get_object (value));
      break;

    case PROP_ANNOTATOR:
      fidget_window_set_annotator (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_window_class_init (FidgetWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fidget_window_constructed;
  object_class->dispose = fidget_window_dispose;
  object_class->finalize = fidget_window_finalize;
  object_class->get_property = fidget_window_get_property;
  object_class->set_property = fidget_window_set_property;

  window_class->close_request = fidget_window_close_request;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL,
                         FIDGET_TYPE_PROJECT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ANNOTATOR] =
    g_param_spec_string ("annotator", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, project_stack);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, video_list);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, videos_summary);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, inspector_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, annotator_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, annotator_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, annotator_popover);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, annotator_list);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, annotator_entry);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, workspace);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, review_bar);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, agreement);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, videos_heading);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, waiting_box);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, waiting_list);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, waiting_summary);
  gtk_widget_class_bind_template_child (widget_class, FidgetWindow, agreement_button);

  gtk_widget_class_install_action (widget_class, "win.close", NULL, window_close_action);
  gtk_widget_class_install_action (widget_class, "win.show-videos", NULL, show_videos_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.export-dataset", NULL, export_dataset_action);
  gtk_widget_class_install_action (widget_class, "win.export-package", NULL, export_package_action);
  gtk_widget_class_install_action (widget_class, "win.import-package", NULL, import_package_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.choose-weights", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.show-agreement", NULL, show_agreement_action);
  gtk_widget_class_install_action (widget_class, "win.choose-annotator", NULL,
                                   choose_annotator_action);
  gtk_widget_class_install_action (widget_class, "win.remove-video", "x", remove_video_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.import", NULL);
  /* Back, as in every GNOME app with pages; the workspace leaves Alt alone. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.show-videos", NULL);
}

static void
fidget_window_init (FidgetWindow *self)
{
  GtkDropTarget *drop;

  g_type_ensure (FIDGET_TYPE_WORKSPACE);
  g_type_ensure (FIDGET_TYPE_REVIEW_BAR);
  g_type_ensure (FIDGET_TYPE_REVIEW_AGREEMENT);
  gtk_widget_init_template (GTK_WIDGET (self));

  fidget_review_bar_set_workspace (self->review_bar, self->workspace);
  /* The header's toggle and F9 in the workspace show the same panel. */
  g_object_bind_property (self->workspace, "inspector-visible", self->inspector_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* Capture on the window runs before the workspace's own capture controller. */
  self->review_keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (self->review_keys, GTK_PHASE_CAPTURE);
  g_signal_connect (self->review_keys, "key-pressed", G_CALLBACK (on_review_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), self->review_keys);

  self->settings = fidget_settings_new ();

  g_signal_connect_swapped (self->video_list, "row-activated", G_CALLBACK (on_video_activated), self);
  g_signal_connect_swapped (self->waiting_list, "row-activated", G_CALLBACK (on_video_activated), self);
  watch_video_list (self, self->video_list);
  watch_video_list (self, self->waiting_list);
  g_signal_connect_swapped (self->workspace, "notify::position",
                            G_CALLBACK (schedule_save_position), self);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (update_header), self);
  g_signal_connect_swapped (self->annotator_popover, "show", G_CALLBACK (fill_annotator_list), self);
  g_signal_connect (self->annotator_entry, "activate", G_CALLBACK (on_annotator_entry_activate), self);
  g_signal_connect (self->annotator_entry, "icon-press", G_CALLBACK (on_annotator_entry_icon), self);
  g_signal_connect_swapped (self->annotator_list, "row-activated",
                            G_CALLBACK (on_annotator_row_activated), self);

  /* Video files dropped anywhere on the window are imported. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

FidgetWindow *
fidget_window_new (GtkApplication *application,
                   const char     *annotator)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (FIDGET_TYPE_WINDOW,
                       "application", application,
                       "annotator", annotator,
                       NULL);
}

/* Private accessors for the tests. */

const char *
fidget_window_get_page_name (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
fidget_window_get_project_page_name (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->project_stack);
}

GtkEntry *
fidget_window_get_annotator_entry (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);
  return self->annotator_entry;
}

GtkToggleButton *
fidget_window_get_inspector_button (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);
  return GTK_TOGGLE_BUTTON (self->inspector_button);
}

AdwWindowTitle *
fidget_window_get_title_widget (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->window_title;
}

AdwMessageDialog *
fidget_window_get_removal_dialog (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);
  return self->removal_dialog;
}

GtkListBox *
fidget_window_get_video_list (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->video_list;
}

GtkLabel *
fidget_window_get_videos_summary (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->videos_summary;
}

FidgetWorkspace *
fidget_window_get_workspace (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->workspace;
}

FidgetImportDialog *
fidget_window_get_import_dialog (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->import_dialog;
}

GtkListBox *
fidget_window_get_waiting_list (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->waiting_list;
}

FidgetReviewBar *
fidget_window_get_review_bar (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->review_bar;
}

FidgetReviewAgreement *
fidget_window_get_agreement (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->agreement;
}

GtkEventController *
fidget_window_get_review_key_controller (FidgetWindow *self)
{
  g_return_val_if_fail (FIDGET_IS_WINDOW (self), NULL);

  return self->review_keys;
}
