/* fidget-review-bar.c: the review step at hand, over the workspace, one segment at a time
 *
 * The bar walks a list: the primary's own segments in the self-check, the primary's segments
 * in a checker's cross-check, the disputes for the reviewer. Each item is selected in the
 * workspace and played in a loop; one key decides it and the walk moves to the next one not
 * decided yet. Every decision goes to the core as it is made, and what the core refuses is
 * said in a toast in its own words: the rules live there, not here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-action-picker.h"
#include "fidget-edge-keys.h"
#include "fidget-error.h"
#include "fidget-review-bar.h"
#include "fidget-review.h"
#include "fidget-workspace-private.h"

struct _FidgetReviewBar
{
  GtkWidget            parent_instance;

  FidgetProject       *project;
  FidgetWorkspace     *workspace;     /* weak */
  gulong               changed_id;
  gulong               selected_id;
  gulong               position_id;
  gboolean             pending_show;  /* shown once the video opened in the background plays */
  gboolean             pending_play;
  guint                refresh_id;

  gint64               video_id;
  FidgetReviewBarMode  mode;
  FidgetReviewStatus  *status;
  GPtrArray           *segments;      /* FidgetSegment walked: own or the primary's, by start */
  GPtrArray           *decisions;     /* FidgetReviewDecision, the actor's (cross-check) */
  GPtrArray           *disputes;      /* FidgetDispute, open ones first (reviewer) */
  guint                index;
  char                *current;       /* uuid of the item shown */
  gint64               current_start;
  gint64               current_end;
  gboolean             others_set;    /* the others' lane shows what the bar put there */

  gboolean             adjusting;
  char                *edit_code;     /* the action of an adjustment or an edit */

  gboolean             autoplay;
  char                *title;
  char                *detail;

  FidgetActionPicker  *picker;

  /* Template widgets */
  GtkImage            *icon;
  GtkLabel            *title_label;
  GtkLabel            *progress_label;
  GtkLabel            *detail_label;
  GtkStack            *buttons_stack;
  GtkMenuButton       *relabel_button;
  GtkButton           *submit_button;
  GtkBox              *versions_box;
  GtkLabel            *keys_label;
};

G_DEFINE_FINAL_TYPE (FidgetReviewBar, fidget_review_bar, GTK_TYPE_WIDGET)

static void fidget_review_bar_reload (FidgetReviewBar *self,
                                      gboolean         show);

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                               */

static const char *
actor (FidgetReviewBar *self)
{
  return self->project != NULL ? fidget_project_get_actor (self->project) : NULL;
}

static gboolean
same_name (const char *a,
           const char *b)
{
  return a != NULL && b != NULL && g_utf8_collate (a, b) == 0;
}

static void
message (FidgetReviewBar *self,
         const char      *text)
{
  if (self->workspace != NULL)
    fidget_workspace_review_show_message (self->workspace, text);
}

/* What was tried, and the core's reason in its own words. */
static void
refusal (FidgetReviewBar *self,
         const char      *what,
         const GError    *error)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", what, error != NULL ? error->message : "");

  message (self, text);
}

static char *
describe_action (FidgetReviewBar *self,
                 const char      *code)
{
  const FidgetAction *action = NULL;

  if (code == NULL)
    return g_strdup (_("no action"));
  if (self->project != NULL)
    action = fidget_taxonomy_lookup_action (fidget_project_get_taxonomy (self->project), code);
  if (action == NULL)
    return g_strdup (code);
  return g_strdup_printf ("%s %s", code, fidget_taxonomy_translate (action->name));
}

/* Frames as people read them: the first and the last, both included. */
static char *
describe_frames (gint64 start,
                 gint64 end)
{
  if (start < 0 || end <= start)
    return g_strdup (_("no frames"));
  if (end - start == 1)
    /* Translators: one frame, its number */
    return g_strdup_printf (_("frame %" G_GINT64_FORMAT), start);
  /* Translators: a range of frames, the first and the last included */
  return g_strdup_printf (_("frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT), start, end - 1);
}

static const FidgetSegment *
current_segment (FidgetReviewBar *self)
{
  if (self->segments == NULL || self->index >= self->segments->len)
    return NULL;
  return g_ptr_array_index (self->segments, self->index);
}

static const FidgetDispute *
current_dispute (FidgetReviewBar *self)
{
  if (self->disputes == NULL || self->index >= self->disputes->len)
    return NULL;
  return g_ptr_array_index (self->disputes, self->index);
}

static guint
item_count (FidgetReviewBar *self)
{
  if (self->mode == FIDGET_REVIEW_BAR_DISPUTES)
    return self->disputes != NULL ? self->disputes->len : 0;
  if (self->mode == FIDGET_REVIEW_BAR_SELF_CHECK || self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK)
    return self->segments != NULL ? self->segments->len : 0;
  return 0;
}

static const char *
item_uuid (FidgetReviewBar *self,
           guint            i)
{
  if (self->mode == FIDGET_REVIEW_BAR_DISPUTES)
    return ((FidgetDispute *) g_ptr_array_index (self->disputes, i))->uuid;
  return ((FidgetSegment *) g_ptr_array_index (self->segments, i))->uuid;
}

static const FidgetReviewDecision *
decision_on (FidgetReviewBar *self,
             const char      *segment_uuid)
{
  for (guint i = 0; self->decisions != NULL && i < self->decisions->len; i++)
    {
      const FidgetReviewDecision *decision = g_ptr_array_index (self->decisions, i);

      if (g_strcmp0 (decision->segment_uuid, segment_uuid) == 0)
        return decision;
    }
  return NULL;
}

/* Whether item @i still waits for the actor: unconfirmed, undecided, or an open dispute. */
static gboolean
item_pending (FidgetReviewBar *self,
              guint            i)
{
  switch (self->mode)
    {
    case FIDGET_REVIEW_BAR_SELF_CHECK:
      return !fidget_review_is_confirmed (self->project, item_uuid (self, i));
    case FIDGET_REVIEW_BAR_CROSS_CHECK:
      return decision_on (self, item_uuid (self, i)) == NULL;
    case FIDGET_REVIEW_BAR_DISPUTES:
      return !((FidgetDispute *) g_ptr_array_index (self->disputes, i))->resolved;
    case FIDGET_REVIEW_BAR_NONE:
    case FIDGET_REVIEW_BAR_INFO:
    default:
      return FALSE;
    }
}

static guint
count_pending (FidgetReviewBar *self)
{
  guint n = 0;

  for (guint i = 0; i < item_count (self); i++)
    if (item_pending (self, i))
      n++;
  return n;
}

static int
compare_by_start (gconstpointer a,
                  gconstpointer b)
{
  const FidgetSegment *x = *(const FidgetSegment * const *) a;
  const FidgetSegment *y = *(const FidgetSegment * const *) b;

  if (x->start_frame != y->start_frame)
    return x->start_frame < y->start_frame ? -1 : 1;
  if (x->end_frame != y->end_frame)
    return x->end_frame < y->end_frame ? -1 : 1;
  return g_strcmp0 (x->uuid, y->uuid);
}

static int
compare_disputes (gconstpointer a,
                  gconstpointer b)
{
  const FidgetDispute *x = *(const FidgetDispute * const *) a;
  const FidgetDispute *y = *(const FidgetDispute * const *) b;

  if (x->start_frame != y->start_frame)
    return x->start_frame < y->start_frame ? -1 : 1;
  if (x->end_frame != y->end_frame)
    return x->end_frame < y->end_frame ? -1 : 1;
  return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}

/* ------------------------------------------------------------------------------------------ */
/* What the bar shows                                                                          */

static const char *
version_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "segment") == 0)
    return _("primary");
  if (g_strcmp0 (kind, "agree") == 0)
    return _("agrees");
  if (g_strcmp0 (kind, "relabel") == 0)
    return _("relabelled");
  if (g_strcmp0 (kind, "adjust") == 0)
    return _("adjusted");
  if (g_strcmp0 (kind, "reject") == 0)
    return _("disagrees");
  if (g_strcmp0 (kind, "addition") == 0)
    return _("added it");
  if (g_strcmp0 (kind, "absent") == 0)
    return _("did not add it");
  return kind;
}

static const char *
dispute_kind_label (FidgetDisputeKind kind)
{
  switch (kind)
    {
    case FIDGET_DISPUTE_LABEL:
      return _("No label has a majority");
    case FIDGET_DISPUTE_REJECTION:
      return _("A checker disagrees");
    case FIDGET_DISPUTE_ADDITION:
      return _("Added by a minority");
    default:
      return "";
    }
}

static void
on_version_clicked (GtkButton       *button,
                    FidgetReviewBar *self);

static void
update_versions (FidgetReviewBar *self)
{
  const FidgetDispute *dispute = current_dispute (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->versions_box))) != NULL)
    gtk_box_remove (self->versions_box, child);

  gtk_widget_set_visible (GTK_WIDGET (self->versions_box),
                          self->mode == FIDGET_REVIEW_BAR_DISPUTES && dispute != NULL);
  if (self->mode != FIDGET_REVIEW_BAR_DISPUTES || dispute == NULL)
    return;

  for (guint i = 0; i < dispute->versions->len; i++)
    {
      const FidgetDisputeVersion *version = g_ptr_array_index (dispute->versions, i);
      g_autoptr(GString) text = g_string_new (NULL);
      GtkWidget *button;

      /* The number is the key that chooses it. */
      if (i < 9)
        g_string_append_printf (text, "%u  ", i + 1);
      g_string_append_printf (text, "%s · %s", version->annotator,
                              version_kind_label (version->kind));
      if (version->action_code != NULL)
        g_string_append_printf (text, " · %s", version->action_code);
      if (version->start_frame >= 0)
        g_string_append_printf (text, " · %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT,
                                version->start_frame, version->end_frame - 1);

      button = gtk_button_new_with_label (text->str);
      gtk_widget_add_css_class (button, "numeric");
      gtk_widget_add_css_class (button, "flat");
      if (dispute->chosen_uuid != NULL && g_strcmp0 (dispute->chosen_uuid, version->uuid) == 0)
        gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_set_sensitive (button, version->uuid != NULL);
      gtk_widget_set_tooltip_text (button, version->uuid != NULL
                                           ? _("Take this version into the consensus")
                                           : _("Nothing to take: choose another version or drop it"));
      g_object_set_data (G_OBJECT (button), "fidget-version", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (on_version_clicked), self);
      gtk_box_append (self->versions_box, button);
    }
}

/* The versions of the dispute at hand, side by side in the others' lane. */
static void
update_others (FidgetReviewBar *self)
{
  g_autoptr(GPtrArray) shown = NULL;

  if (self->workspace == NULL)
    return;

  if (self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK && self->segments != NULL)
    {
      /* Only the primary's: the checker never sees another checker's work (the core leaves
       * it out anyway; this keeps the lane to what is being checked). */
      fidget_workspace_review_set_others (self->workspace, self->segments);
      self->others_set = TRUE;
      return;
    }

  if (self->mode == FIDGET_REVIEW_BAR_DISPUTES && current_dispute (self) != NULL)
    {
      const FidgetDispute *dispute = current_dispute (self);

      shown = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
      for (guint i = 0; i < dispute->versions->len; i++)
        {
          const FidgetDisputeVersion *version = g_ptr_array_index (dispute->versions, i);
          FidgetSegment *segment;

          if (version->start_frame < 0 || version->action_code == NULL)
            continue;
          segment = fidget_segment_new ();
          segment->uuid = version->uuid != NULL ? g_strdup (version->uuid)
                                                : g_strdup_printf ("%s-%u", dispute->uuid, i);
          segment->video_id = dispute->video_id;
          segment->annotator_name = g_strdup (version->annotator);
          segment->start_frame = version->start_frame;
          segment->end_frame = version->end_frame;
          segment->action_code = g_strdup (version->action_code);
          g_ptr_array_add (shown, segment);
        }
      fidget_workspace_review_set_others (self->workspace, shown);
      self->others_set = TRUE;
      return;
    }

  if (self->others_set)
    {
      self->others_set = FALSE;
      fidget_workspace_review_set_others (self->workspace, NULL);
    }
}

static void
set_text (FidgetReviewBar *self,
          const char      *title,
          const char      *progress,
          const char      *detail)
{
  g_free (self->title);
  self->title = g_strdup (title);
  g_free (self->detail);
  self->detail = g_strdup (detail);
  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  gtk_label_set_label (self->progress_label, progress != NULL ? progress : "");
  gtk_label_set_label (self->detail_label, detail != NULL ? detail : "");
}

static char *
checker_names (const FidgetReviewStatus *status)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; status->checkers != NULL && i < status->checkers->len; i++)
    {
      const FidgetReviewChecker *checker = g_ptr_array_index (status->checkers, i);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, checker->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Someone else's turn: whose, and how far along. */
static void
update_info (FidgetReviewBar *self)
{
  const FidgetReviewStatus *status = self->status;
  g_autofree char *title = NULL;
  g_autofree char *progress = NULL;
  const char *detail = NULL;
  const char *icon = "document-open-recent-symbolic";

  switch (status->state)
    {
    case FIDGET_REVIEW_ANNOTATING:
      /* Translators: whose self-check the video waits for */
      title = g_strdup_printf (_("Waiting for %s’s self-check"), status->primary);
      progress = g_strdup_printf (_("%u of %u confirmed"), status->n_confirmed, status->n_segments);
      detail = _("The others’ segments stay hidden until the cross-check is over.");
      break;
    case FIDGET_REVIEW_SELF_CHECKED:
    case FIDGET_REVIEW_CROSS_CHECKING:
      {
        g_autofree char *names = checker_names (status);
        guint submitted = 0;

        for (guint i = 0; i < status->checkers->len; i++)
          if (((FidgetReviewChecker *) g_ptr_array_index (status->checkers, i))->submitted)
            submitted++;
        gboolean mine = FALSE;

        for (guint i = 0; i < status->checkers->len; i++)
          mine |= same_name (((FidgetReviewChecker *) g_ptr_array_index (status->checkers, i))->name,
                             actor (self));
        /* Translators: %s lists the checkers */
        title = g_strdup_printf (_("Cross-check by %s"), names);
        progress = g_strdup_printf (_("%u of %u submitted"), submitted, status->checkers->len);
        detail = mine ? _("Yours is submitted; the others’ stay hidden until the last one submits.")
                      : _("Each checker works blind; the consensus is settled when the last one submits.");
      }
      break;
    case FIDGET_REVIEW_DISPUTED:
      /* Translators: the reviewer who resolves the disputes */
      title = g_strdup_printf (_("Disputes for %s to resolve"), status->reviewer);
      progress = g_strdup_printf (ngettext ("%u open", "%u open", status->n_open_disputes),
                                  status->n_open_disputes);
      icon = "dialog-warning-symbolic";
      break;
    case FIDGET_REVIEW_CONSENSUS:
      /* Translators: the reviewer who verifies */
      title = g_strdup_printf (_("Consensus reached, waiting for %s to verify"), status->reviewer);
      progress = g_strdup_printf (ngettext ("%u segment", "%u segments", status->n_consensus),
                                  status->n_consensus);
      break;
    case FIDGET_REVIEW_VERIFIED:
      title = g_strdup (_("Verified"));
      progress = g_strdup_printf (ngettext ("%u segment of ground truth",
                                            "%u segments of ground truth", status->n_consensus),
                                  status->n_consensus);
      detail = _("Only the reviewer can reopen it.");
      icon = "emblem-ok-symbolic";
      break;
    case FIDGET_REVIEW_FREE:
    default:
      break;
    }
  gtk_image_set_from_icon_name (self->icon, icon);
  set_text (self, title, progress, detail);
  gtk_label_set_label (self->keys_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->keys_label), FALSE);
}

static void
update_display (FidgetReviewBar *self)
{
  guint count = item_count (self);
  guint pending = count_pending (self);
  g_autofree char *title = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *detail = NULL;
  const char *keys = NULL;
  const char *submit = NULL;
  const char *page = "info";

  gtk_widget_set_visible (GTK_WIDGET (self), self->mode != FIDGET_REVIEW_BAR_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->relabel_button),
                          self->mode == FIDGET_REVIEW_BAR_SELF_CHECK ||
                          self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK || self->adjusting);
  gtk_widget_set_visible (GTK_WIDGET (self->keys_label), TRUE);
  update_versions (self);

  switch (self->mode)
    {
    case FIDGET_REVIEW_BAR_NONE:
      set_text (self, NULL, NULL, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->submit_button), FALSE);
      return;

    case FIDGET_REVIEW_BAR_INFO:
      update_info (self);
      gtk_widget_set_visible (GTK_WIDGET (self->submit_button), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->relabel_button), FALSE);
      gtk_stack_set_visible_child_name (self->buttons_stack, "info");
      return;

    case FIDGET_REVIEW_BAR_SELF_CHECK:
      {
        const FidgetSegment *segment = current_segment (self);

        gtk_image_set_from_icon_name (self->icon, "checkbox-checked-symbolic");
        page = "self-check";
        submit = _("_Submit Self-Check");
        /* Translators: step 1 of the review, where the walk is */
        title = count > 0 ? g_strdup_printf (_("Self-check · Segment %u of %u"), self->index + 1, count)
                          : g_strdup (_("Self-check · No segments yet"));
        progress = g_strdup_printf (_("%u of %u confirmed"), count - pending, count);
        if (segment != NULL)
          {
            g_autofree char *what = describe_action (self, segment->action_code);
            g_autofree char *frames = describe_frames (segment->start_frame, segment->end_frame);
            gboolean confirmed = fidget_review_is_confirmed (self->project, segment->uuid);

            detail = g_strdup_printf ("%s · %s · %s", what, frames,
                                      confirmed ? _("Confirmed") : _("Not confirmed yet"));
          }
        else
          detail = g_strdup (_("Mark your segments first (I, O and a code), then confirm each one."));
        keys = _("Y or Enter confirm · to fix, [ ] { } move the edges and R relabels, then Y · "
                 "N next · P previous · Ctrl+Enter submit");
      }
      break;

    case FIDGET_REVIEW_BAR_CROSS_CHECK:
      {
        const FidgetSegment *segment = current_segment (self);

        gtk_image_set_from_icon_name (self->icon, "edit-find-symbolic");
        page = "cross-check";
        submit = _("_Submit Cross-Check");
        /* Translators: step 2 of the review, where the walk is */
        title = count > 0 ? g_strdup_printf (_("Cross-check · Segment %u of %u"), self->index + 1, count)
                          : g_strdup (_("Cross-check · The primary marked nothing"));
        progress = g_strdup_printf (_("%u of %u decided"), count - pending, count);
        if (segment != NULL)
          {
            const FidgetReviewDecision *decision = decision_on (self, segment->uuid);
            g_autofree char *what = describe_action (self, segment->action_code);
            g_autofree char *frames = describe_frames (segment->start_frame, segment->end_frame);
            g_autofree char *mine = NULL;

            if (decision == NULL)
              mine = g_strdup (_("not decided yet"));
            else if (decision->kind == FIDGET_DECISION_AGREE)
              mine = g_strdup (_("you agree"));
            else if (decision->kind == FIDGET_DECISION_REJECT)
              mine = g_strdup (_("you disagree"));
            else
              {
                g_autofree char *theirs = describe_frames (decision->start_frame, decision->end_frame);

                /* Translators: the checker's own version: an action code and frames */
                mine = g_strdup_printf (decision->kind == FIDGET_DECISION_RELABEL
                                          ? _("you relabelled it %s, %s")
                                          : _("you adjusted it to %s, %s"),
                                        decision->action_code, theirs);
              }
            /* Translators: the primary's name, their segment, and the checker's decision */
            detail = g_strdup_printf (_("%s’s %s · %s · %s"), segment->annotator_name, what, frames,
                                      mine);
          }
        else
          detail = g_strdup (_("Add what the primary missed (I, O and a code), then submit."));
        keys = _("Y or Enter agree · X disagree · R relabel · M adjust · I O and a code add a "
                 "missed one · N next · P previous · Ctrl+Enter submit");
      }
      break;

    case FIDGET_REVIEW_BAR_DISPUTES:
      {
        const FidgetDispute *dispute = current_dispute (self);
        gboolean consensus = self->status->state == FIDGET_REVIEW_CONSENSUS;

        gtk_image_set_from_icon_name (self->icon, consensus ? "emblem-ok-symbolic"
                                                            : "dialog-warning-symbolic");
        page = "disputes";
        submit = _("_Verify");
        /* Translators: step 3 of the review, where the walk is */
        title = count > 0 ? g_strdup_printf (_("Disputes · %u of %u"), self->index + 1, count)
                          : g_strdup (_("Review · No disputes"));
        progress = g_strdup_printf (ngettext ("%u open", "%u open", pending), pending);
        if (dispute != NULL)
          {
            g_autofree char *frames = describe_frames (dispute->start_frame, dispute->end_frame);

            if (dispute->resolved)
              /* Translators: a dispute resolved: where, how and by whom */
              detail = g_strdup_printf (_("%s · %s · resolved: %s by %s"),
                                        dispute_kind_label (dispute->kind), frames,
                                        dispute->resolution, dispute->resolved_by);
            else
              detail = g_strdup_printf ("%s · %s", dispute_kind_label (dispute->kind), frames);
          }
        else
          detail = g_strdup (_("The checkers agreed on everything: verify the consensus."));
        keys = consensus && count == 0
               ? _("Ctrl+Enter verify")
               : _("1–9 choose a version · M edit · X drop · N next · P previous · "
                   "Ctrl+Enter verify");
      }
      break;

    default:
      break;
    }

  if (self->adjusting)
    {
      g_autofree char *what = describe_action (self, self->edit_code);
      g_autofree char *frames = NULL;
      gint64 in = -1;
      gint64 out = -1;

      fidget_workspace_get_marks (self->workspace, &in, &out);
      frames = in >= 0 && out >= in ? describe_frames (in, out + 1) : g_strdup (_("mark the range"));
      page = "adjust";
      g_free (detail);
      /* Translators: the action and frames of a range being adjusted (shown as marks) */
      detail = g_strdup_printf (_("Adjusting: %s · %s"), what, frames);
      keys = _("Enter save · Esc cancel · I O mark at the playhead · [ ] { } move the edges · "
               "R another action");
      gtk_menu_button_set_label (self->relabel_button, _("_Action…"));
    }
  else
    gtk_menu_button_set_label (self->relabel_button, _("_Relabel…"));

  set_text (self, title, progress, detail);
  gtk_label_set_label (self->keys_label, keys != NULL ? keys : "");
  gtk_stack_set_visible_child_name (self->buttons_stack, page);
  gtk_widget_set_visible (GTK_WIDGET (self->submit_button), submit != NULL);
  if (submit != NULL)
    {
      gboolean ready = pending == 0 && (self->mode != FIDGET_REVIEW_BAR_DISPUTES ||
                                        self->status->state == FIDGET_REVIEW_CONSENSUS);

      gtk_button_set_label (self->submit_button, submit);
      gtk_button_set_use_underline (self->submit_button, TRUE);
      /* Always clickable: what is missing is the core's to say, in a toast. */
      if (ready)
        gtk_widget_add_css_class (GTK_WIDGET (self->submit_button), "suggested-action");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->submit_button), "suggested-action");
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Walking                                                                                     */

static void
show_current (FidgetReviewBar *self,
              gboolean         play)
{
  if (self->workspace == NULL)
    return;
  /* The video is still opening: once it is, the workspace moves to its first frame, and the
   * bar comes after that. */
  if (!fidget_workspace_review_is_playable (self->workspace))
    {
      self->pending_show = TRUE;
      self->pending_play = play;
      return;
    }
  self->pending_show = FALSE;

  if (self->mode == FIDGET_REVIEW_BAR_DISPUTES)
    {
      const FidgetDispute *dispute = current_dispute (self);

      if (dispute != NULL)
        {
          self->current_start = dispute->start_frame;
          self->current_end = dispute->end_frame;
          fidget_workspace_review_show_range (self->workspace, NULL, dispute->start_frame,
                                              dispute->end_frame, play && self->autoplay);
        }
    }
  else if (self->mode == FIDGET_REVIEW_BAR_SELF_CHECK || self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK)
    {
      const FidgetSegment *segment = current_segment (self);

      if (segment != NULL)
        {
          self->current_start = segment->start_frame;
          self->current_end = segment->end_frame;
          fidget_workspace_review_show_range (self->workspace, segment->uuid, segment->start_frame,
                                              segment->end_frame, play && self->autoplay);
        }
    }
  fidget_workspace_focus (self->workspace);
}

static void
cancel_adjusting (FidgetReviewBar *self)
{
  if (!self->adjusting)
    return;
  self->adjusting = FALSE;
  g_clear_pointer (&self->edit_code, g_free);
  if (self->workspace != NULL)
    fidget_workspace_review_set_marks (self->workspace, -1, -1);
}

static void
go_to (FidgetReviewBar *self,
       guint            index)
{
  if (index >= item_count (self))
    return;
  cancel_adjusting (self);
  self->index = index;
  g_free (self->current);
  self->current = g_strdup (item_uuid (self, index));
  update_display (self);
  update_others (self);
  show_current (self, TRUE);
}

static void
step (FidgetReviewBar *self,
      int              direction)
{
  guint count = item_count (self);

  if (count == 0)
    return;
  go_to (self, (self->index + count + (guint) (direction > 0 ? 1 : count - 1)) % count);
}

/* On to the next item still waiting, after the current one and round; TRUE if there is one. */
static gboolean
advance (FidgetReviewBar *self)
{
  guint count = item_count (self);

  for (guint n = 1; n <= count; n++)
    {
      guint i = (self->index + n) % count;

      if (item_pending (self, i))
        {
          go_to (self, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static FidgetReviewBarMode
mode_for (FidgetReviewBar          *self,
          const FidgetReviewStatus *status)
{
  const char *me = actor (self);

  if (status == NULL || status->state == FIDGET_REVIEW_FREE)
    return FIDGET_REVIEW_BAR_NONE;
  switch (status->state)
    {
    case FIDGET_REVIEW_ANNOTATING:
      if (same_name (status->primary, me))
        return FIDGET_REVIEW_BAR_SELF_CHECK;
      break;
    case FIDGET_REVIEW_SELF_CHECKED:
    case FIDGET_REVIEW_CROSS_CHECKING:
      for (guint i = 0; status->checkers != NULL && i < status->checkers->len; i++)
        {
          const FidgetReviewChecker *checker = g_ptr_array_index (status->checkers, i);

          if (same_name (checker->name, me) && !checker->submitted)
            return FIDGET_REVIEW_BAR_CROSS_CHECK;
        }
      break;
    case FIDGET_REVIEW_DISPUTED:
    case FIDGET_REVIEW_CONSENSUS:
      if (same_name (status->reviewer, me))
        return FIDGET_REVIEW_BAR_DISPUTES;
      break;
    case FIDGET_REVIEW_FREE:
    case FIDGET_REVIEW_VERIFIED:
    default:
      break;
    }
  return FIDGET_REVIEW_BAR_INFO;
}

static void
fidget_review_bar_reload (FidgetReviewBar *self,
                          gboolean         show)
{
  FidgetReviewBarMode old_mode = self->mode;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gboolean moved = FALSE;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->status, fidget_review_status_free);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);
  g_clear_pointer (&self->disputes, g_ptr_array_unref);

  if (self->project != NULL && self->video_id > 0)
    self->status = fidget_review_get_status (self->project, self->video_id, NULL);
  self->mode = mode_for (self, self->status);

  if (self->mode == FIDGET_REVIEW_BAR_SELF_CHECK || self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK)
    {
      g_autoptr(GPtrArray) all = fidget_project_list_segments (self->project, self->video_id, &error);

      self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
      /* The self-check walks the primary's own segments; the cross-check the same ones, as
       * the checker decides on each. A checker's own additions are theirs to edit freely. */
      for (guint i = 0; all != NULL && i < all->len; i++)
        {
          FidgetSegment *segment = g_ptr_array_index (all, i);

          if (same_name (segment->annotator_name, self->status->primary))
            g_ptr_array_add (self->segments, fidget_segment_copy (segment));
        }
      g_ptr_array_sort (self->segments, compare_by_start);
      if (self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK)
        self->decisions = fidget_review_list_decisions (self->project, self->video_id, actor (self),
                                                        NULL);
    }
  else if (self->mode == FIDGET_REVIEW_BAR_DISPUTES)
    {
      /* In time order, resolved ones in their place: the walk keeps its numbers while
       * disputes are resolved (the core lists open ones first). */
      self->disputes = fidget_review_list_disputes (self->project, self->video_id, FALSE, NULL);
      if (self->disputes != NULL)
        g_ptr_array_sort (self->disputes, compare_disputes);
    }

  /* Stay on the item shown when it is still there; else the first one waiting. */
  for (guint i = 0; self->current != NULL && i < item_count (self); i++)
    if (g_strcmp0 (item_uuid (self, i), self->current) == 0)
      {
        self->index = i;
        found = TRUE;
      }
  if (!found || old_mode != self->mode)
    {
      self->index = 0;
      for (guint i = 0; i < item_count (self); i++)
        if (item_pending (self, i))
          {
            self->index = i;
            break;
          }
      g_free (self->current);
      self->current = item_count (self) > 0 ? g_strdup (item_uuid (self, self->index)) : NULL;
      moved = TRUE;
      cancel_adjusting (self);
    }
  else if (self->mode == FIDGET_REVIEW_BAR_SELF_CHECK)
    {
      /* A fix moved the segment's edges: loop the new range. */
      const FidgetSegment *segment = current_segment (self);

      moved = segment != NULL && (segment->start_frame != self->current_start ||
                                  segment->end_frame != self->current_end);
    }

  update_display (self);
  update_others (self);
  if ((show || moved) && item_count (self) > 0)
    show_current (self, show || (self->workspace != NULL && fidget_workspace_get_playing (self->workspace)));
}

static gboolean
refresh_cb (gpointer data)
{
  FidgetReviewBar *self = data;

  self->refresh_id = 0;
  fidget_review_bar_reload (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* After the workspace has reloaded its own view of the change: an idle comes after it. */
static void
on_project_changed (FidgetProject   *project,
                    const char      *entity,
                    gint64           video_id,
                    FidgetReviewBar *self)
{
  if (self->video_id <= 0 || (video_id != 0 && video_id != self->video_id))
    return;
  if (g_strcmp0 (entity, "suggestion") == 0)
    return;
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_cb, self);
}

static void
on_position_changed (FidgetWorkspace *workspace,
                     GParamSpec      *pspec,
                     FidgetReviewBar *self)
{
  if (self->pending_show && fidget_workspace_review_is_playable (workspace) &&
      fidget_workspace_get_video (workspace) != NULL &&
      fidget_workspace_get_video (workspace)->id == self->video_id)
    show_current (self, self->pending_play);
}

/* A segment picked on the timeline (or with Tab) becomes the one under review. */
static void
on_timeline_selected (FidgetTimeline  *timeline,
                      GParamSpec      *pspec,
                      FidgetReviewBar *self)
{
  const char *uuid = fidget_timeline_get_selected (timeline);

  if (uuid == NULL || g_strcmp0 (uuid, self->current) == 0 ||
      (self->mode != FIDGET_REVIEW_BAR_SELF_CHECK && self->mode != FIDGET_REVIEW_BAR_CROSS_CHECK))
    return;
  for (guint i = 0; i < item_count (self); i++)
    if (g_strcmp0 (item_uuid (self, i), uuid) == 0)
      {
        cancel_adjusting (self);
        self->index = i;
        g_free (self->current);
        self->current = g_strdup (uuid);
        update_display (self);
        return;
      }
}

/* ------------------------------------------------------------------------------------------ */
/* Deciding                                                                                    */

static void
confirm (FidgetReviewBar *self)
{
  const FidgetSegment *segment = current_segment (self);
  g_autoptr(GError) error = NULL;

  if (segment == NULL)
    {
      message (self, _("There is no segment to confirm: mark one first"));
      return;
    }
  if (!fidget_review_confirm (self->project, segment->uuid, &error))
    {
      refusal (self, _("The segment was not confirmed"), error);
      return;
    }
  fidget_review_bar_reload (self, FALSE);
  if (!advance (self))
    message (self, _("Every segment is confirmed: submit the self-check with Ctrl+Enter"));
}

/* A fix in the self-check: the segment changes in place and waits to be confirmed again,
 * after another look at its loop. The uuid is the bar's own copy: the store's "changed"
 * signal, emitted before the call returns, makes everyone reload their segments. */
static void
fix (FidgetReviewBar     *self,
     const FidgetSegment *values,
     FidgetSegmentFields  fields)
{
  const FidgetSegment *segment = current_segment (self);
  g_autofree char *uuid = NULL;
  g_autoptr(FidgetSegment) fixed = NULL;
  g_autoptr(GError) error = NULL;

  if (segment == NULL)
    return;
  uuid = g_strdup (segment->uuid);
  fixed = fidget_project_update_segment (self->project, uuid, values, fields, &error);
  if (fixed == NULL)
    {
      refusal (self, _("The segment was not fixed"), error);
      return;
    }
  fidget_review_bar_reload (self, FALSE);
}

static void
fix_edge (FidgetReviewBar *self,
          gboolean         end,
          int              delta)
{
  const FidgetSegment *segment = current_segment (self);
  FidgetSegment values = { 0 };

  if (segment == NULL)
    return;
  values.start_frame = segment->start_frame + (end ? 0 : delta);
  values.end_frame = segment->end_frame + (end ? delta : 0);
  fix (self, &values, end ? FIDGET_SEGMENT_FIELD_END : FIDGET_SEGMENT_FIELD_START);
}

static void
decide (FidgetReviewBar    *self,
        FidgetDecisionKind  kind,
        const char         *code,
        gint64              start,
        gint64              end)
{
  const FidgetSegment *segment = current_segment (self);
  g_autoptr(FidgetReviewDecision) decision = NULL;
  g_autoptr(GError) error = NULL;

  if (segment == NULL)
    {
      message (self, _("The primary has no segment here to decide on"));
      return;
    }
  decision = fidget_review_decide (self->project, segment->uuid, kind, code, start, end, &error);
  if (decision == NULL)
    {
      refusal (self, _("The decision was not saved"), error);
      return;
    }
  cancel_adjusting (self);
  fidget_review_bar_reload (self, FALSE);
  if (!advance (self))
    message (self, _("Every segment is decided: submit the cross-check with Ctrl+Enter"));
}

static void
choose_version (FidgetReviewBar *self,
                guint            i)
{
  const FidgetDispute *dispute = current_dispute (self);
  const FidgetDisputeVersion *version;
  g_autoptr(GError) error = NULL;

  if (dispute == NULL || i >= dispute->versions->len)
    return;
  version = g_ptr_array_index (dispute->versions, i);
  if (version->uuid == NULL)
    {
      /* Translators: %s did not add the segment, so there is nothing of theirs to take */
      g_autofree char *text = g_strdup_printf (_("%s did not add it: choose another version, or "
                                                 "drop it with X"), version->annotator);

      message (self, text);
      return;
    }
  if (!fidget_review_resolve_choose (self->project, dispute->id, version->uuid, &error))
    {
      refusal (self, _("The dispute was not resolved"), error);
      return;
    }
  fidget_review_bar_reload (self, FALSE);
  if (!advance (self))
    message (self, _("No dispute is open: verify the consensus with Ctrl+Enter"));
}

static void
drop_dispute (FidgetReviewBar *self)
{
  const FidgetDispute *dispute = current_dispute (self);
  g_autoptr(GError) error = NULL;

  if (dispute == NULL)
    return;
  if (!fidget_review_resolve_drop (self->project, dispute->id, &error))
    {
      refusal (self, _("The dispute was not dropped"), error);
      return;
    }
  fidget_review_bar_reload (self, FALSE);
  if (!advance (self))
    message (self, _("No dispute is open: verify the consensus with Ctrl+Enter"));
}

/* M: the range under review becomes the marks, to be moved, then saved with Enter. */
static void
start_adjusting (FidgetReviewBar *self)
{
  gint64 start = -1;
  gint64 end = -1;
  const char *code = NULL;

  if (self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK && current_segment (self) != NULL)
    {
      const FidgetSegment *segment = current_segment (self);
      const FidgetReviewDecision *decision = decision_on (self, segment->uuid);

      /* An earlier adjustment is where to start from. */
      if (decision != NULL && decision->start_frame >= 0)
        {
          start = decision->start_frame;
          end = decision->end_frame;
          code = decision->action_code;
        }
      else
        {
          start = segment->start_frame;
          end = segment->end_frame;
          code = segment->action_code;
        }
    }
  else if (self->mode == FIDGET_REVIEW_BAR_DISPUTES && current_dispute (self) != NULL)
    {
      const FidgetDispute *dispute = current_dispute (self);

      start = dispute->start_frame;
      end = dispute->end_frame;
      for (guint i = 0; i < dispute->versions->len && code == NULL; i++)
        code = ((FidgetDisputeVersion *) g_ptr_array_index (dispute->versions, i))->action_code;
    }
  if (start < 0 || end <= start)
    return;

  self->adjusting = TRUE;
  g_free (self->edit_code);
  self->edit_code = g_strdup (code);
  fidget_workspace_review_set_marks (self->workspace, start, end - 1);
  fidget_workspace_set_playing (self->workspace, FALSE);
  update_display (self);
}

static void
save_adjusting (FidgetReviewBar *self)
{
  g_autoptr(GError) error = NULL;
  gint64 in = -1;
  gint64 out = -1;
  gint64 start, end;

  fidget_workspace_get_marks (self->workspace, &in, &out);
  if (in < 0)
    {
      message (self, _("Mark the start with I first"));
      return;
    }
  if (out < 0)
    out = fidget_workspace_get_position (self->workspace);
  start = MIN (in, out);
  end = MAX (in, out) + 1;

  if (self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK)
    {
      const FidgetSegment *segment = current_segment (self);
      g_autofree char *code = g_strdup (self->edit_code);

      if (segment == NULL)
        return;
      /* Same frames, another action, is a relabelling; anything else an adjustment. */
      if (start == segment->start_frame && end == segment->end_frame)
        {
          if (g_strcmp0 (code, segment->action_code) == 0)
            decide (self, FIDGET_DECISION_AGREE, NULL, -1, -1);
          else
            decide (self, FIDGET_DECISION_RELABEL, code, -1, -1);
        }
      else
        decide (self, FIDGET_DECISION_ADJUST,
                g_strcmp0 (code, segment->action_code) != 0 ? code : NULL, start, end);
      return;
    }

  if (self->mode == FIDGET_REVIEW_BAR_DISPUTES && current_dispute (self) != NULL)
    {
      if (!fidget_review_resolve_edit (self->project, current_dispute (self)->id, self->edit_code,
                                       start, end, &error))
        {
          refusal (self, _("The dispute was not resolved"), error);
          return;
        }
      cancel_adjusting (self);
      fidget_review_bar_reload (self, FALSE);
      if (!advance (self))
        message (self, _("No dispute is open: verify the consensus with Ctrl+Enter"));
    }
}

static void
nudge_marks (FidgetReviewBar *self,
             gboolean         end,
             int              delta)
{
  gint64 in = -1;
  gint64 out = -1;
  gint64 last = MAX (fidget_timeline_get_frame_count (fidget_workspace_get_timeline (self->workspace)) - 1, 0);

  fidget_workspace_get_marks (self->workspace, &in, &out);
  if (in < 0)
    return;
  if (out < 0)
    out = in;
  /* At least one frame, inside the video. */
  if (end)
    out = CLAMP (out + delta, in, last);
  else
    in = CLAMP (in + delta, 0, out);
  fidget_workspace_review_set_marks (self->workspace, in, out);
  fidget_workspace_seek (self->workspace, end ? out : in);
  update_display (self);
}

static void
submit (FidgetReviewBar *self)
{
  g_autoptr(GError) error = NULL;
  const char *done = NULL;
  gboolean ok = FALSE;

  cancel_adjusting (self);
  switch (self->mode)
    {
    case FIDGET_REVIEW_BAR_SELF_CHECK:
      ok = fidget_review_submit_self_check (self->project, self->video_id, &error);
      done = _("Self-check submitted: the cross-checkers can start");
      if (!ok)
        refusal (self, _("The self-check was not submitted"), error);
      break;
    case FIDGET_REVIEW_BAR_CROSS_CHECK:
      ok = fidget_review_submit_cross_check (self->project, self->video_id, &error);
      done = _("Cross-check submitted");
      if (!ok)
        refusal (self, _("The cross-check was not submitted"), error);
      break;
    case FIDGET_REVIEW_BAR_DISPUTES:
      ok = fidget_review_verify (self->project, self->video_id, &error);
      done = _("Verified: the consensus is now ground truth");
      if (!ok)
        refusal (self, _("The video was not verified"), error);
      break;
    case FIDGET_REVIEW_BAR_NONE:
    case FIDGET_REVIEW_BAR_INFO:
    default:
      return;
    }
  if (ok)
    {
      /* Nothing is left to look at in a loop. */
      if (self->workspace != NULL)
        fidget_workspace_review_end (self->workspace);
      message (self, done);
      fidget_review_bar_reload (self, FALSE);
    }
}

static void
open_picker (FidgetReviewBar *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->relabel_button)))
    return;
  fidget_action_picker_present (self->picker);
}

void
fidget_review_bar_choose_action (FidgetReviewBar *self,
                                 const char      *code)
{
  g_return_if_fail (FIDGET_IS_REVIEW_BAR (self));
  g_return_if_fail (code != NULL);

  if (self->adjusting)
    {
      g_free (self->edit_code);
      self->edit_code = g_strdup (code);
      update_display (self);
    }
  else if (self->mode == FIDGET_REVIEW_BAR_CROSS_CHECK)
    decide (self, FIDGET_DECISION_RELABEL, code, -1, -1);
  else if (self->mode == FIDGET_REVIEW_BAR_SELF_CHECK)
    {
      FidgetSegment values = { 0 };

      values.action_code = (char *) code;
      fix (self, &values, FIDGET_SEGMENT_FIELD_ACTION);
    }
  if (self->workspace != NULL)
    fidget_workspace_focus (self->workspace);
}

static void
on_action_chosen (FidgetActionPicker *picker,
                  const char         *code,
                  FidgetReviewBar    *self)
{
  fidget_review_bar_choose_action (self, code);
}

static void
on_version_clicked (GtkButton       *button,
                    FidgetReviewBar *self)
{
  choose_version (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "fidget-version")));
}

/* ------------------------------------------------------------------------------------------ */
/* Keys                                                                                        */

static gboolean
focus_is_text (FidgetReviewBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (GTK_IS_EDITABLE (focus) ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL);
}

static gboolean
is_letter_of_code (FidgetReviewBar *self,
                   guint            keyval)
{
  guint32 c = gdk_keyval_to_unicode (keyval);
  char code[2] = { 0 };

  if (c == 0 || c > 127 || !g_ascii_isalpha ((char) c))
    return FALSE;
  code[0] = g_ascii_toupper ((char) c);
  return fidget_taxonomy_lookup_body_part (fidget_project_get_taxonomy (self->project), code) != NULL;
}

static gboolean
handle_adjusting_key (FidgetReviewBar *self,
                      guint            keyval)
{
  gboolean end;
  int delta;

  if (fidget_edge_key (keyval, &end, &delta))
    {
      nudge_marks (self, end, delta);
      return TRUE;
    }
  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_m:
    case GDK_KEY_M:
      save_adjusting (self);
      return TRUE;
    case GDK_KEY_Escape:
      cancel_adjusting (self);
      update_display (self);
      return TRUE;
    case GDK_KEY_r:
    case GDK_KEY_R:
      open_picker (self);
      return TRUE;
    case GDK_KEY_i:
    case GDK_KEY_I:
    case GDK_KEY_o:
    case GDK_KEY_O:
      /* The workspace sets the mark; the bar says the new range after it. */
      fidget_workspace_handle_key (self->workspace, keyval, 0);
      update_display (self);
      return TRUE;
    default:
      break;
    }
  /* A typed code would make a segment of the marks: here the action comes from the picker. */
  if (is_letter_of_code (self, keyval))
    {
      message (self, _("Press R to choose another action for this range"));
      return TRUE;
    }
  return FALSE;
}

gboolean
fidget_review_bar_handle_key (FidgetReviewBar *self,
                              guint            keyval,
                              GdkModifierType  state)
{
  gboolean end;
  int delta;

  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), FALSE);

  if (self->mode == FIDGET_REVIEW_BAR_NONE || self->mode == FIDGET_REVIEW_BAR_INFO ||
      self->workspace == NULL || self->project == NULL)
    return FALSE;
  if (state & (GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK))
    return FALSE;
  if (focus_is_text (self))
    return FALSE;

  if (state & GDK_CONTROL_MASK)
    {
      if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
        {
          submit (self);
          return TRUE;
        }
      return FALSE;
    }

  if (self->adjusting)
    return handle_adjusting_key (self, keyval);

  /* A code being typed or marks set: the workspace is making a segment (a checker's missed
   * one), and its keys come first. */
  if (fidget_workspace_review_keys_busy (self->workspace))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_n:
    case GDK_KEY_N:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      step (self, 1);
      return TRUE;
    case GDK_KEY_p:
    case GDK_KEY_P:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      step (self, -1);
      return TRUE;
    default:
      break;
    }

  switch (self->mode)
    {
    case FIDGET_REVIEW_BAR_SELF_CHECK:
      if (fidget_edge_key (keyval, &end, &delta))
        {
          fix_edge (self, end, delta);
          return TRUE;
        }
      switch (keyval)
        {
        case GDK_KEY_y:
        case GDK_KEY_Y:
        case GDK_KEY_Return:
        case GDK_KEY_KP_Enter:
          confirm (self);
          return TRUE;
        case GDK_KEY_r:
        case GDK_KEY_R:
          open_picker (self);
          return TRUE;
        default:
          break;
        }
      break;

    case FIDGET_REVIEW_BAR_CROSS_CHECK:
      switch (keyval)
        {
        case GDK_KEY_y:
        case GDK_KEY_Y:
        case GDK_KEY_Return:
        case GDK_KEY_KP_Enter:
          decide (self, FIDGET_DECISION_AGREE, NULL, -1, -1);
          return TRUE;
        case GDK_KEY_x:
        case GDK_KEY_X:
          decide (self, FIDGET_DECISION_REJECT, NULL, -1, -1);
          return TRUE;
        case GDK_KEY_r:
        case GDK_KEY_R:
          open_picker (self);
          return TRUE;
        case GDK_KEY_m:
        case GDK_KEY_M:
          start_adjusting (self);
          return TRUE;
        default:
          break;
        }
      break;

    case FIDGET_REVIEW_BAR_DISPUTES:
      {
        guint32 c = gdk_keyval_to_unicode (keyval);

        if (c >= '1' && c <= '9')
          {
            choose_version (self, c - '1');
            return TRUE;
          }
        switch (keyval)
          {
          case GDK_KEY_x:
          case GDK_KEY_X:
          case GDK_KEY_Delete:
          case GDK_KEY_KP_Delete:
            drop_dispute (self);
            return TRUE;
          case GDK_KEY_m:
          case GDK_KEY_M:
            start_adjusting (self);
            return TRUE;
          default:
            break;
          }
      }
      break;

    case FIDGET_REVIEW_BAR_NONE:
    case FIDGET_REVIEW_BAR_INFO:
    default:
      break;
    }
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Actions of the buttons                                                                      */

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FidgetReviewBar *self = FIDGET_REVIEW_BAR (widget);

  if (g_str_equal (action_name, "review.previous"))
    step (self, -1);
  else if (g_str_equal (action_name, "review.next"))
    step (self, 1);
  else if (g_str_equal (action_name, "review.confirm"))
    confirm (self);
  else if (g_str_equal (action_name, "review.agree"))
    decide (self, FIDGET_DECISION_AGREE, NULL, -1, -1);
  else if (g_str_equal (action_name, "review.reject"))
    {
      if (self->mode == FIDGET_REVIEW_BAR_DISPUTES)
        drop_dispute (self);
      else
        decide (self, FIDGET_DECISION_REJECT, NULL, -1, -1);
    }
  else if (g_str_equal (action_name, "review.adjust"))
    start_adjusting (self);
  else if (g_str_equal (action_name, "review.save"))
    save_adjusting (self);
  else if (g_str_equal (action_name, "review.cancel"))
    {
      cancel_adjusting (self);
      update_display (self);
    }
  else if (g_str_equal (action_name, "review.submit"))
    submit (self);
}

/* ------------------------------------------------------------------------------------------ */

void
fidget_review_bar_set_workspace (FidgetReviewBar *self,
                                 FidgetWorkspace *workspace)
{
  g_return_if_fail (FIDGET_IS_REVIEW_BAR (self));
  g_return_if_fail (workspace == NULL || FIDGET_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;
  if (self->workspace != NULL)
    {
      g_clear_signal_handler (&self->selected_id, fidget_workspace_get_timeline (self->workspace));
      g_clear_signal_handler (&self->position_id, self->workspace);
      g_object_remove_weak_pointer (G_OBJECT (self->workspace), (gpointer *) &self->workspace);
    }
  self->workspace = workspace;
  if (workspace != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (workspace), (gpointer *) &self->workspace);
      self->selected_id = g_signal_connect (fidget_workspace_get_timeline (workspace),
                                            "notify::selected",
                                            G_CALLBACK (on_timeline_selected), self);
      self->position_id = g_signal_connect (workspace, "notify::position",
                                            G_CALLBACK (on_position_changed), self);
    }
}

void
fidget_review_bar_set_project (FidgetReviewBar *self,
                               FidgetProject   *project)
{
  g_return_if_fail (FIDGET_IS_REVIEW_BAR (self));
  g_return_if_fail (project == NULL || FIDGET_IS_PROJECT (project));

  if (self->project == project)
    return;
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_set_object (&self->project, project);
  self->video_id = 0;
  g_clear_pointer (&self->current, g_free);
  if (project != NULL)
    {
      self->changed_id = g_signal_connect (project, "changed", G_CALLBACK (on_project_changed), self);
      fidget_action_picker_set_taxonomy (self->picker, fidget_project_get_taxonomy (project));
    }
  cancel_adjusting (self);
  fidget_review_bar_reload (self, FALSE);
}

void
fidget_review_bar_set_video (FidgetReviewBar *self,
                             gint64           video_id)
{
  g_return_if_fail (FIDGET_IS_REVIEW_BAR (self));

  cancel_adjusting (self);
  self->video_id = video_id;
  self->pending_show = FALSE;
  g_clear_pointer (&self->current, g_free);
  self->mode = FIDGET_REVIEW_BAR_NONE;
  fidget_review_bar_reload (self, TRUE);
}

void
fidget_review_bar_set_autoplay (FidgetReviewBar *self,
                                gboolean         autoplay)
{
  g_return_if_fail (FIDGET_IS_REVIEW_BAR (self));

  self->autoplay = autoplay;
}

FidgetReviewBarMode
fidget_review_bar_get_mode (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), FIDGET_REVIEW_BAR_NONE);

  return self->mode;
}

guint
fidget_review_bar_get_index (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), 0);

  return self->index;
}

guint
fidget_review_bar_get_count (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), 0);

  return item_count (self);
}

const char *
fidget_review_bar_get_current (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), NULL);

  return self->current;
}

const char *
fidget_review_bar_get_title (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), NULL);

  return self->title;
}

const char *
fidget_review_bar_get_detail (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), NULL);

  return self->detail;
}

gboolean
fidget_review_bar_is_adjusting (FidgetReviewBar *self)
{
  g_return_val_if_fail (FIDGET_IS_REVIEW_BAR (self), FALSE);

  return self->adjusting;
}

static void
fidget_review_bar_dispose (GObject *object)
{
  GtkWidget *child;
  FidgetReviewBar *self = FIDGET_REVIEW_BAR (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  fidget_review_bar_set_workspace (self, NULL);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_clear_object (&self->project);
  if (self->picker != NULL)
    {
      gtk_menu_button_set_popover (self->relabel_button, NULL);
      self->picker = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_REVIEW_BAR);
  /* The template's top box is not a bound child: it goes here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->status, fidget_review_status_free);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);
  g_clear_pointer (&self->disputes, g_ptr_array_unref);

  G_OBJECT_CLASS (fidget_review_bar_parent_class)->dispose (object);
}

static void
fidget_review_bar_finalize (GObject *object)
{
  FidgetReviewBar *self = FIDGET_REVIEW_BAR (object);

  g_clear_pointer (&self->current, g_free);
  g_clear_pointer (&self->edit_code, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (fidget_review_bar_parent_class)->finalize (object);
}

static void
fidget_review_bar_class_init (FidgetReviewBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const actions[] = {
    "review.previous", "review.next", "review.confirm", "review.agree", "review.reject",
    "review.adjust", "review.save", "review.cancel", "review.submit",
  };

  object_class->dispose = fidget_review_bar_dispose;
  object_class->finalize = fidget_review_bar_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-review-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, icon);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, title_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, buttons_stack);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, relabel_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, submit_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, versions_box);
  gtk_widget_class_bind_template_child (widget_class, FidgetReviewBar, keys_label);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, review_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "reviewbar");
}

static void
fidget_review_bar_init (FidgetReviewBar *self)
{
  static gboolean styled;

  self->autoplay = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->picker = FIDGET_ACTION_PICKER (fidget_action_picker_new ());
  gtk_menu_button_set_popover (self->relabel_button, GTK_WIDGET (self->picker));
  g_signal_connect (self->picker, "action-chosen", G_CALLBACK (on_action_chosen), self);

  /* The bar sits between the header and the video: a tint of the accent colour tells that
   * a review step is under way, the line under it where it ends. */
  if (!styled && gdk_display_get_default () != NULL)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider,
                                       "reviewbar { background-color: alpha(@accent_bg_color, 0.08);"
                                       " border-bottom: 1px solid alpha(currentColor, 0.15); }"
                                       "reviewbar image.review-icon { color: @accent_color; }",
                                       -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      styled = TRUE;
    }
  update_display (self);
}

GtkWidget *
fidget_review_bar_new (void)
{
  return g_object_new (FIDGET_TYPE_REVIEW_BAR, NULL);
}
