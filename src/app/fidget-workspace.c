/* fidget-workspace.c: where one video is annotated: player, timeline, picker and inspector
 *
 * Keyboard first: every key works wherever the focus is, except in a text field. A segment
 * is I at its first frame, O at its last, then the action code (B then 1): four keys once
 * the start is found. Every edit goes to the store as it is made; undo walks the store's
 * own log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fidget-edge-keys.h"
#include "fidget-error.h"
#include "fidget-format.h"
#include "fidget-frame-prefetch.h"
#include "fidget-motion-cache.h"
#include "fidget-player.h"
#include "fidget-review.h"
#include "fidget-scan.h"
#include "fidget-settings.h"
#include "fidget-suggestions.h"
#include "fidget-timeline-private.h"
#include "fidget-workspace-private.h"

/* How long a typed code waits for another digit when it is complete but longer codes start
 * with it (C1 and C10-C13, F1 and F10). */
#define CODE_COMPLETE_DELAY_MS 700
#define MAX_RECENT 8
/* While scrubbing, how long the pointer rests before the exact frame replaces a stand-in. */
#define SCRUB_REST_MS 150

static const double speeds[] = { 0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0 };

typedef enum
{
  PICK_CREATE,
  PICK_RELABEL,
  PICK_FIX,        /* the right action for a suggestion being fixed */
} PickMode;

/* The picker's top five are asked for a segment, by its uuid, or for the range being marked,
 * which is no segment yet. */
#define MARKED_RANGE_KEY ":marks"
/* Set on the cancellable of a question asked ahead (see assist_prefetch_next()). */
#define ASKED_AHEAD "fidget-asked-ahead"

struct _FidgetWorkspace
{
  GtkWidget            parent_instance;

  FidgetProject       *project;
  gulong               changed_id;
  GSettings           *settings;
  char                *annotator;

  FidgetVideo         *video;
  FidgetPlayer        *player;
  FidgetFramePrefetch *frame_prefetch; /* prepares the frames around a paused one */
  GCancellable        *cancellable;   /* of the open video's background work */
  guint                generation;    /* bumped with every video opened or closed */

  gint64               position;      /* the frame wanted on screen */
  gint64               shown;         /* the frame whose picture is on screen */
  gint64               answered;      /* the position that picture answers: @shown, or while
                                       * scrubbing, the frame it stands in for */
  gboolean             fetching;
  gboolean             scrub_by_keyframes; /* exact seeks too slow to follow a drag */
  gboolean             scrub_rested;  /* the pointer stopped: the exact frame, drag or not */
  guint                scrub_rest_id;

  gboolean             playing;
  gint64               play_start_frame;
  gint64               play_start_us;
  guint                tick_id;
  double               speed;
  gint64               loop_start;
  gint64               loop_end;

  gint64               mark_in;
  gint64               mark_out;
  char                *selected;
  GPtrArray           *segments;      /* FidgetSegment of the open video, everyone's */
  GPtrArray           *mine;          /* borrowed from @segments, sorted by start */
  gboolean             show_others;

  GString             *typed;
  guint                typed_timeout;
  PickMode             pick_mode;

  char                *error_text;
  char                *last_message;
  AdwToast            *toast;          /* the message on screen, replaced by the next one */
  gint64               toast_since;
  guint                position_notify_id;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkPaned            *paned;
  GtkStack            *video_stack;
  FidgetVideoView     *video_view;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *unplayable_page;
  GtkWidget           *relink_button;
  gint64               relink_video_id;  /* the video whose file is missing, or 0 */
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkRevealer         *annotator_revealer;
  GtkLabel            *code_label;
  GtkButton           *play_button;
  GtkMenuButton       *position_button;
  GtkLabel            *position_label;
  GtkLabel            *position_rest_label;
  GtkPopover          *jump_popover;
  GtkEntry            *jump_entry;
  GtkLabel            *marks_label;
  GtkMenuButton       *picker_button;
  GtkToggleButton     *loop_button;
  GtkToggleButton     *audio_button;
  GtkLabel            *speed_label;
  FidgetTimeline      *timeline;
  FidgetInspector     *inspector;

  FidgetActionPicker  *picker;
  GtkEventController  *keys;

  /* Model assistance */
  FidgetAssistModel   *model;              /* loaded once, shared by the picker and the scan */
  char                *model_weights;      /* the file it is (being) loaded from, or NULL */
  char                *model_error;        /* why it could not be loaded */
  GCancellable        *model_cancellable;  /* while loading */
  gulong               settings_changed_id;
  GPtrArray           *suggestions;        /* the open video's open FidgetSuggestion */
  GCancellable        *motion_cancellable; /* while the motion strip is computed */
  double               motion_fraction;
  GCancellable        *scan_cancellable;   /* while scanning */
  double               scan_fraction;
  GCancellable        *classify_cancellable;
  char                *classify_uuid;      /* whose top five are shown or coming: a segment's
                                            * uuid or MARKED_RANGE_KEY */
  gint64               classify_start;
  gint64               classify_end;
  FidgetAssistModel   *classify_model;     /* compared only: the model that was asked */
  gint64               classify_started_us;
  guint                classify_started;
  guint                classify_cancelled;
  guint                classify_completed;
  double               classify_ms;        /* selection to top five, the last time */
  GCancellable        *prefetch_cancellable; /* the next segment's top five, asked ahead */
  gint64               prefetch_start;
  gint64               prefetch_end;
  guint                prefetched;
  GHashTable          *answers;            /* "start:end" -> top five (scores JSON) of
                                            * @answers_model for the open video */
  FidgetAssistModel   *answers_model;      /* compared only */
  char                *fixing;             /* the suggestion a fix picks an action for */
  GtkWidget           *assist_bar;
  GtkLabel            *assist_label;
  GtkProgressBar      *assist_progress;
  GtkWidget           *assist_cancel;
  GtkWidget           *assist_weights;
  GtkWidget           *scan_button;
};

G_DEFINE_FINAL_TYPE (FidgetWorkspace, fidget_workspace, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_PLAYING,
  PROP_SPEED,
  PROP_INSPECTOR_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void     fidget_workspace_request_frame (FidgetWorkspace *self);
static gboolean on_scrub_rest                  (gpointer         data);
static void     fidget_workspace_stop_playing  (FidgetWorkspace *self);
static void     refocus                        (FidgetWorkspace *self);

static const FidgetSuggestion *find_suggestion           (FidgetWorkspace *self,
                                                          const char      *uuid);
static void                    assist_classify_selected  (FidgetWorkspace *self);
static void                    forget_answers            (FidgetWorkspace *self);
static void                    assist_prefetch_next      (FidgetWorkspace *self);
static void                    cancel_prefetch           (FidgetWorkspace *self);
static void                    on_classified             (GObject         *source,
                                                          GAsyncResult    *result,
                                                          gpointer         user_data);
static void                    assist_classify           (FidgetWorkspace *self,
                                                          gboolean         opening_picker);
static void                    assist_reload_suggestions (FidgetWorkspace *self);
static void                    assist_open_video         (FidgetWorkspace *self);
static void                    assist_close_video        (FidgetWorkspace *self);
static void                    assist_load_model         (FidgetWorkspace *self);
static void                    assist_update             (FidgetWorkspace *self);
static void                    finish_fix                (FidgetWorkspace *self,
                                                          const char      *code);

/* ------------------------------------------------------------------------------------------ */
/* Messages                                                                                    */

static void
on_toast_dismissed (AdwToast        *toast,
                    FidgetWorkspace *self)
{
  if (self->toast == toast)
    g_clear_object (&self->toast);
}

/* A message replaces the one on screen rather than waiting in line behind it: after "Added
 * B1" and a quick Ctrl+Z, "Undone" must show at once, and the old message is stale anyway.
 * A young toast takes the new text in place (libadwaita 1.2 crashes when a toast is
 * dismissed during its entrance and the window closes before both animations end); an
 * older one, whose time is running out, makes way for a new toast with its full time. */
#define TOAST_SECONDS        4
#define TOAST_REUSE_US       (2 * G_USEC_PER_SEC)

static void
present_toast (FidgetWorkspace *self,
               const char      *message,
               const char      *button_label,
               const char      *action_name)
{
  AdwToast *toast;

  g_free (self->last_message);
  self->last_message = g_strdup (message);
  if (self->toast != NULL && g_get_monotonic_time () - self->toast_since < TOAST_REUSE_US)
    {
      adw_toast_set_title (self->toast, message);
      adw_toast_set_button_label (self->toast, button_label);
      adw_toast_set_action_name (self->toast, action_name);
      return;
    }
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);   /* clears self->toast */
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, TOAST_SECONDS);
  adw_toast_set_button_label (toast, button_label);
  adw_toast_set_action_name (toast, action_name);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  self->toast = g_object_ref (toast);
  self->toast_since = g_get_monotonic_time ();
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_message (FidgetWorkspace *self,
              const char      *message)
{
  present_toast (self, message, NULL, NULL);
}

/* An edit the store refused: what was tried, and the store's reason. */
static void
show_refusal (FidgetWorkspace *self,
              const char      *what,
              const GError    *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error != NULL ? error->message : "");

  show_message (self, message);
}

static void
show_error (FidgetWorkspace *self,
            const char      *text)
{
  g_free (self->error_text);
  self->error_text = g_strdup (text);
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->error_revealer, text != NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* What the transport bar and the timeline show                                                */

static int
fps_num (FidgetWorkspace *self)
{
  return self->video != NULL && self->video->fps_num > 0 ? self->video->fps_num : 30;
}

static int
fps_den (FidgetWorkspace *self)
{
  return self->video != NULL && self->video->fps_den > 0 ? self->video->fps_den : 1;
}

static gint64
frame_count (FidgetWorkspace *self)
{
  if (self->player != NULL)
    return fidget_player_get_frame_count (self->player);
  return self->video != NULL ? MAX (self->video->frame_count, 0) : 0;
}

/* Frames in a second, rounded: what Shift+Left and Shift+Right move by. */
static gint64
frames_per_second (FidgetWorkspace *self)
{
  return MAX (1, (gint64) floor ((double) fps_num (self) / fps_den (self) + 0.5));
}

static void
update_position_label (FidgetWorkspace *self)
{
  g_autofree char *time = NULL;
  g_autofree char *frame = NULL;
  g_autofree char *rest = NULL;
  gint64 shown;

  if (self->video == NULL)
    {
      gtk_label_set_label (self->position_label, "");
      gtk_label_set_label (self->position_rest_label, "");
      return;
    }
  /* The number of the picture on screen: while the next one decodes, the label waits for it
   * rather than naming a frame not yet shown. In two labels, so that a narrow window cuts
   * the count and the time, never the number. */
  shown = self->shown >= 0 ? self->shown : self->position;
  time = fidget_format_frame_time (shown, fps_num (self), fps_den (self));
  /* Translators: the frame on screen; " of 900 · 0:12.50" follows it */
  frame = g_strdup_printf (_("Frame %" G_GINT64_FORMAT), shown);
  /* Translators: follows "Frame 375": how many frames, and the time of the frame on screen */
  rest = g_strdup_printf (_(" of %" G_GINT64_FORMAT " · %s"), frame_count (self), time);
  gtk_label_set_label (self->position_label, frame);
  gtk_label_set_label (self->position_rest_label, rest);
}

static void
update_marks (FidgetWorkspace *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->mark_in >= 0)
    /* Translators: the in-point, a frame number */
    g_string_append_printf (text, _("In %" G_GINT64_FORMAT), self->mark_in);
  if (self->mark_out >= 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: the out-point, a frame number (the last frame, included) */
      g_string_append_printf (text, _("Out %" G_GINT64_FORMAT), self->mark_out);
    }
  if (self->mark_in >= 0)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("type a code (B1) or press Enter"));
    }
  gtk_label_set_label (self->marks_label, text->str);
  fidget_timeline_set_marks (self->timeline, self->mark_in, self->mark_out);
}

static void
update_speed (FidgetWorkspace *self)
{
  g_autofree char *text = g_strdup_printf ("%g×", self->speed);

  gtk_label_set_label (self->speed_label, text);
}

static void
update_play_button (FidgetWorkspace *self)
{
  gtk_button_set_icon_name (self->play_button, self->playing ? "media-playback-pause-symbolic"
                                                             : "media-playback-start-symbolic");
}

static void
update_typed (FidgetWorkspace *self)
{
  gtk_label_set_label (self->code_label, self->typed->str);
  gtk_widget_set_visible (GTK_WIDGET (self->code_label), self->typed->len > 0);
}

static void
update_annotator_banner (FidgetWorkspace *self)
{
  gtk_revealer_set_reveal_child (self->annotator_revealer,
                                 self->video != NULL && self->annotator == NULL);
}

static void
schedule_position_notify (FidgetWorkspace *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

/* ------------------------------------------------------------------------------------------ */
/* Segments                                                                                    */

static gboolean
is_mine (FidgetWorkspace     *self,
         const FidgetSegment *segment)
{
  return self->annotator != NULL && segment->annotator_name != NULL &&
         g_utf8_collate (segment->annotator_name, self->annotator) == 0;
}

static int
compare_segments (gconstpointer a,
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

static const FidgetSegment *
find_segment (FidgetWorkspace *self,
              const char      *uuid)
{
  for (guint i = 0; uuid != NULL && self->segments != NULL && i < self->segments->len; i++)
    {
      const FidgetSegment *segment = g_ptr_array_index (self->segments, i);

      if (g_strcmp0 (segment->uuid, uuid) == 0)
        return segment;
    }
  return NULL;
}

static const FidgetSuggestion *find_suggestion (FidgetWorkspace *self,
                                                const char      *uuid);

static void
update_inspector (FidgetWorkspace *self)
{
  const FidgetSegment *segment = find_segment (self, self->selected);
  const FidgetSuggestion *suggestion;

  /* A selected suggestion shows what it proposes, read-only: it is nobody's label until
   * kept or fixed. */
  if (segment == NULL && (suggestion = find_suggestion (self, self->selected)) != NULL)
    {
      g_autoptr(FidgetSegment) proposed = fidget_segment_new ();

      proposed->uuid = g_strdup (suggestion->uuid);
      proposed->video_id = suggestion->video_id;
      proposed->start_frame = suggestion->start_frame;
      proposed->end_frame = suggestion->end_frame;
      proposed->action_code = g_strdup (suggestion->action_code);
      proposed->annotator_name = g_strdup (_("MANet, as a suggestion"));
      fidget_inspector_set_segment (self->inspector, proposed, fps_num (self), fps_den (self),
                                    FALSE);
      return;
    }
  fidget_inspector_set_segment (self->inspector, segment, fps_num (self), fps_den (self),
                                segment != NULL && is_mine (self, segment));
}

static void
select_segment (FidgetWorkspace *self,
                const char      *uuid)
{
  if (g_strcmp0 (self->selected, uuid) != 0)
    {
      g_free (self->selected);
      self->selected = g_strdup (uuid);
    }
  fidget_timeline_set_selected (self->timeline, uuid);
  update_inspector (self);
  assist_classify_selected (self);
}

/* Other people's segments are shown where the review shows them: to the video's reviewer,
 * and to everyone once the cross-check is over (disputed, consensus, verified). Before that
 * each person works blind, and a free video shows one's own lane only. */
static void
update_others_lane (FidgetWorkspace *self)
{
  gboolean show = self->show_others;

  if (!show && self->project != NULL && self->video != NULL)
    {
      g_autoptr(FidgetReviewStatus) status = fidget_review_get_status (self->project,
                                                                       self->video->id, NULL);

      if (status != NULL && status->state != FIDGET_REVIEW_FREE)
        show = status->state >= FIDGET_REVIEW_DISPUTED ||
               (self->annotator != NULL && g_strcmp0 (status->reviewer, self->annotator) == 0);
    }
  fidget_timeline_set_lane_visible (self->timeline, FIDGET_TIMELINE_LANE_OTHERS, show);
}

static void
reload_segments (FidgetWorkspace *self)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->mine, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  self->mine = g_ptr_array_new ();

  if (self->project != NULL && self->video != NULL)
    {
      self->segments = fidget_project_list_segments (self->project, self->video->id, &error);
      if (self->segments == NULL)
        show_refusal (self, _("Could not read the segments"), error);
    }
  if (self->segments == NULL)
    self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);

  for (guint i = 0; i < self->segments->len; i++)
    {
      FidgetSegment *segment = g_ptr_array_index (self->segments, i);

      g_ptr_array_add (is_mine (self, segment) ? self->mine : others, segment);
    }
  g_ptr_array_sort (self->mine, compare_segments);

  fidget_timeline_set_segments (self->timeline, FIDGET_TIMELINE_LANE_MINE, self->mine);
  fidget_timeline_set_segments (self->timeline, FIDGET_TIMELINE_LANE_OTHERS, others);
  update_others_lane (self);

  /* A selection that went away (deleted, undone) is dropped. */
  if (self->selected != NULL && find_segment (self, self->selected) == NULL &&
      find_suggestion (self, self->selected) == NULL)
    select_segment (self, NULL);
  else
    {
      update_inspector (self);
      assist_classify_selected (self);   /* its frames may have changed */
    }
}

static void
on_project_changed (FidgetProject   *project,
                    const char      *entity,
                    gint64           video_id,
                    FidgetWorkspace *self)
{
  if (self->video == NULL || (video_id != 0 && video_id != self->video->id))
    return;
  if (g_strcmp0 (entity, "segment") == 0)
    reload_segments (self);
  else if (g_strcmp0 (entity, "suggestion") == 0)
    assist_reload_suggestions (self);
  else
    update_others_lane (self);   /* the review moved on, say */
}

static void
remember_recent (FidgetWorkspace *self,
                 const char      *code)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  if (self->settings == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-actions");
  g_strv_builder_add (builder, code);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (recent[i], code) != 0)
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-actions", (const char * const *) updated);
  fidget_action_picker_set_recent (self->picker, (const char * const *) updated);
}

static gboolean
require_editing (FidgetWorkspace *self)
{
  if (self->project == NULL || self->video == NULL)
    return FALSE;
  if (self->annotator == NULL)
    {
      show_message (self, _("Choose who you are first: edits are recorded under your name"));
      update_annotator_banner (self);
      /* Straight to the question, so that the keyboard can answer it: the banner's button
       * is out of reach of keys the workspace keeps for itself (Tab). */
      gtk_widget_activate_action (GTK_WIDGET (self), "win.choose-annotator", NULL);
      return FALSE;
    }
  return TRUE;
}

static void
create_segment (FidgetWorkspace *self,
                const char      *code)
{
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 in, out, start, end;

  if (!require_editing (self))
    return;

  /* O marks the frame shown, included: the segment ends one past it. Without an O, the
   * frame shown is the last one. */
  in = self->mark_in;
  out = self->mark_out >= 0 ? self->mark_out : self->position;
  start = MIN (in, out);
  end = MAX (in, out) + 1;

  segment = fidget_project_add_segment (self->project, self->video->id, self->annotator, start,
                                        end, code, &error);
  if (segment == NULL)
    {
      show_refusal (self, _("The segment was not added"), error);
      return;
    }

  remember_recent (self, code);
  /* The top five asked for the marked range are the new segment's: keep them coming. */
  if (g_strcmp0 (self->classify_uuid, MARKED_RANGE_KEY) == 0 &&
      self->classify_start == segment->start_frame && self->classify_end == segment->end_frame)
    {
      g_free (self->classify_uuid);
      self->classify_uuid = g_strdup (segment->uuid);
    }
  self->mark_in = self->mark_out = -1;
  update_marks (self);
  /* Selected before the reload, which asks the model about the selection. */
  g_free (self->selected);
  self->selected = g_strdup (segment->uuid);
  reload_segments (self);
  select_segment (self, segment->uuid);
  /* Translators: a segment was made: its action code, first and last frame */
  message = g_strdup_printf (_("Added %s, frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT),
                             code, segment->start_frame, segment->end_frame - 1);
  show_message (self, message);
}

static gboolean
update_selected (FidgetWorkspace     *self,
                 const FidgetSegment *values,
                 FidgetSegmentFields  fields,
                 const char          *what)
{
  g_autoptr(FidgetSegment) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  const FidgetSegment *segment;

  if (!require_editing (self))
    return FALSE;
  segment = find_segment (self, self->selected);
  if (segment == NULL)
    {
      show_message (self, _("Select a segment first (Tab selects the next one)"));
      return FALSE;
    }
  if (!is_mine (self, segment))
    {
      show_message (self, _("Only your own segments can be changed here"));
      return FALSE;
    }

  /* A copy: the store's change signal reloads the segments, freeing this one, before the
   * store is done with the identifier. */
  uuid = g_strdup (segment->uuid);
  updated = fidget_project_update_segment (self->project, uuid, values, fields, &error);
  if (updated == NULL)
    {
      show_refusal (self, what, error);
      return FALSE;
    }
  reload_segments (self);
  return TRUE;
}

static void
relabel_selected (FidgetWorkspace *self,
                  const char      *code)
{
  FidgetSegment values = { 0 };

  values.action_code = (char *) code;
  if (update_selected (self, &values, FIDGET_SEGMENT_FIELD_ACTION, _("The action was not changed")))
    remember_recent (self, code);
}

/* [ and ] move the first frame, { and } the end; the segment keeps at least one frame. */
static void
nudge_selected (FidgetWorkspace *self,
                gboolean         end,
                int              delta)
{
  const FidgetSegment *segment = find_segment (self, self->selected);
  FidgetSegment values = { 0 };

  if (segment == NULL)
    {
      show_message (self, _("Select a segment first (Tab selects the next one)"));
      return;
    }
  if (end)
    {
      values.end_frame = segment->end_frame + delta;
      update_selected (self, &values, FIDGET_SEGMENT_FIELD_END, _("The end was not moved"));
    }
  else
    {
      values.start_frame = segment->start_frame + delta;
      update_selected (self, &values, FIDGET_SEGMENT_FIELD_START, _("The start was not moved"));
    }
}

static void
delete_selected (FidgetWorkspace *self)
{
  const FidgetSegment *segment;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *uuid = NULL;

  if (!require_editing (self))
    return;
  segment = find_segment (self, self->selected);
  if (segment == NULL)
    {
      show_message (self, _("Select a segment first (Tab selects the next one)"));
      return;
    }
  if (!is_mine (self, segment))
    {
      show_message (self, _("Only your own segments can be deleted here"));
      return;
    }
  code = g_strdup (segment->action_code);
  uuid = g_strdup (segment->uuid);   /* the change signal frees the segment */
  if (!fidget_project_delete_segment (self->project, uuid, &error))
    {
      show_refusal (self, _("The segment was not deleted"), error);
      return;
    }
  reload_segments (self);

  /* Translators: a segment was deleted; %s is its action code */
  message = g_strdup_printf (_("Deleted %s"), code);
  present_toast (self, message, _("_Undo"), "workspace.undo");
}

static void
undo_or_redo (FidgetWorkspace *self,
              gboolean         redo)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  if (self->project == NULL)
    return;
  ok = redo ? fidget_project_redo (self->project, &description, &error)
            : fidget_project_undo (self->project, &description, &error);
  if (!ok)
    {
      if (g_error_matches (error, FIDGET_ERROR, FIDGET_ERROR_NOTHING_TO_DO))
        show_message (self, error->message);
      else
        show_refusal (self, redo ? _("Nothing was redone") : _("Nothing was undone"), error);
      return;
    }
  reload_segments (self);
  /* Translators: %s says what was undone or redone */
  message = g_strdup_printf (redo ? _("Redone: %s") : _("Undone: %s"),
                             description != NULL ? description : "");
  show_message (self, message);
}

/* Tab and Shift+Tab: one's own segments in order of their start, from the selected one or
 * from the playhead. */
static void
select_neighbour (FidgetWorkspace *self,
                  gboolean         forward)
{
  const FidgetSegment *current = find_segment (self, self->selected);
  const FidgetSegment *found = NULL;

  if (self->mine == NULL || self->mine->len == 0)
    {
      show_message (self, _("You have no segments in this video yet"));
      return;
    }

  for (guint n = 0; n < self->mine->len; n++)
    {
      guint i = forward ? n : self->mine->len - 1 - n;
      const FidgetSegment *segment = g_ptr_array_index (self->mine, i);
      int order;

      if (current != NULL)
        order = compare_segments (&segment, &current);
      else
        order = segment->start_frame < self->position ? -1
                : (segment->start_frame > self->position ? 1 : (forward ? 1 : -1));
      if ((forward && order > 0) || (!forward && order < 0))
        {
          found = segment;
          break;
        }
    }
  /* Past either end, round to the other. */
  if (found == NULL)
    found = g_ptr_array_index (self->mine, forward ? 0 : self->mine->len - 1);

  select_segment (self, found->uuid);
  fidget_workspace_seek (self, found->start_frame);
}

/* ------------------------------------------------------------------------------------------ */
/* Marks, loop, speed                                                                          */

/* A mark set while the video plays lands earlier by the annotator's reaction time. */
static gint64
mark_frame (FidgetWorkspace *self)
{
  gint64 frame = self->position;

  if (self->playing && self->settings != NULL)
    {
      int offset_ms = g_settings_get_int (self->settings, "reaction-offset-ms");
      gint64 offset = fidget_ns_to_frame ((gint64) ((double) offset_ms * 1e6 * self->speed),
                                          fps_num (self), fps_den (self));

      frame = MAX (frame - offset, 0);
    }
  return frame;
}

static void
set_mark (FidgetWorkspace *self,
          gboolean         out)
{
  if (self->video == NULL)
    return;
  if (out)
    self->mark_out = mark_frame (self);
  else
    {
      self->mark_in = mark_frame (self);
      /* A new start forgets an end before it. */
      if (self->mark_out >= 0 && self->mark_out < self->mark_in)
        self->mark_out = -1;
    }
  update_marks (self);
  /* Both ends marked: the picker's top five get going while the annotator reaches for the
   * code or for Enter. */
  assist_classify_selected (self);
}

static void
clear_loop (FidgetWorkspace *self)
{
  self->loop_start = self->loop_end = -1;
  fidget_timeline_set_loop (self->timeline, -1, -1);
  gtk_toggle_button_set_active (self->loop_button, FALSE);
}

/* L: loop the selected segment, else the marked range; again to stop looping. */
static void
toggle_loop (FidgetWorkspace *self)
{
  const FidgetSegment *segment = find_segment (self, self->selected);

  if (self->loop_end > self->loop_start)
    {
      clear_loop (self);
      return;
    }
  if (segment != NULL)
    {
      self->loop_start = segment->start_frame;
      self->loop_end = segment->end_frame;
    }
  else if (self->mark_in >= 0)
    {
      gint64 out = self->mark_out >= 0 ? self->mark_out : self->position;

      self->loop_start = MIN (self->mark_in, out);
      self->loop_end = MAX (self->mark_in, out) + 1;
    }
  else
    {
      show_message (self, _("Select a segment or mark a range to loop"));
      gtk_toggle_button_set_active (self->loop_button, FALSE);
      return;
    }

  fidget_timeline_set_loop (self->timeline, self->loop_start, self->loop_end);
  gtk_toggle_button_set_active (self->loop_button, TRUE);
  fidget_workspace_seek (self, self->loop_start);
  fidget_workspace_set_playing (self, TRUE);
}

static void
change_speed (FidgetWorkspace *self,
              int              direction)
{
  guint nearest = 0;

  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (fabs (speeds[i] - self->speed) < fabs (speeds[nearest] - self->speed))
      nearest = i;
  if (direction > 0 && nearest + 1 < G_N_ELEMENTS (speeds))
    nearest++;
  else if (direction < 0 && nearest > 0)
    nearest--;
  fidget_workspace_set_speed (self, speeds[nearest]);
}

/* ------------------------------------------------------------------------------------------ */
/* Typing an action code                                                                       */

static void
clear_typed (FidgetWorkspace *self)
{
  g_string_truncate (self->typed, 0);
  g_clear_handle_id (&self->typed_timeout, g_source_remove);
  update_typed (self);
}

/* What a complete code does: make the marked segment, or relabel the selected one. */
static void
apply_code (FidgetWorkspace *self,
            const char      *code)
{
  if (self->mark_in >= 0)
    create_segment (self, code);
  else if (self->selected != NULL)
    relabel_selected (self, code);
  else
    show_message (self, _("Mark a start with I first, or select a segment to relabel"));
}

static void
commit_typed (FidgetWorkspace *self)
{
  g_autofree char *code = g_strdup (self->typed->str);

  clear_typed (self);
  apply_code (self, code);
}

static gboolean
typed_timeout_cb (gpointer data)
{
  FidgetWorkspace *self = data;

  self->typed_timeout = 0;
  commit_typed (self);
  return G_SOURCE_REMOVE;
}

/* After each key: a code that no longer one starts with is refused; a code that is complete
 * and starts no longer one is used at once; C1 waits a moment for a C10. */
static void
check_typed (FidgetWorkspace *self)
{
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (self->project);
  gboolean exact = fidget_taxonomy_lookup_action (taxonomy, self->typed->str) != NULL;
  gboolean longer = FALSE;

  g_clear_handle_id (&self->typed_timeout, g_source_remove);
  for (guint i = 0; i < fidget_taxonomy_get_n_actions (taxonomy); i++)
    {
      const char *code = fidget_taxonomy_get_action (taxonomy, i)->code;

      if (strlen (code) > self->typed->len && g_str_has_prefix (code, self->typed->str))
        longer = TRUE;
    }

  if (exact && !longer)
    commit_typed (self);
  else if (exact)
    self->typed_timeout = g_timeout_add (CODE_COMPLETE_DELAY_MS, typed_timeout_cb, self);
  else if (!longer && self->typed->len > 1)
    {
      /* Translators: %s is what was typed, e.g. "B9" */
      g_autofree char *message = g_strdup_printf (_("There is no action %s"), self->typed->str);

      clear_typed (self);
      show_message (self, message);
    }
  else
    update_typed (self);
}

static gboolean
is_body_part_key (FidgetWorkspace *self,
                  guint            keyval)
{
  guint32 c = gdk_keyval_to_unicode (keyval);
  char code[2] = { 0 };

  if (self->project == NULL || c == 0 || !g_ascii_isalpha ((char) c) || c > 127)
    return FALSE;
  code[0] = g_ascii_toupper ((char) c);
  return fidget_taxonomy_lookup_body_part (fidget_project_get_taxonomy (self->project), code) != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The picker                                                                                  */

static void
open_picker (FidgetWorkspace *self)
{
  if (self->video == NULL || self->project == NULL)
    return;
  if (self->mark_in >= 0)
    self->pick_mode = PICK_CREATE;
  else if (self->selected != NULL)
    self->pick_mode = PICK_RELABEL;
  else
    {
      show_message (self, _("Mark a start with I first, or select a segment to relabel"));
      return;
    }
  g_clear_pointer (&self->fixing, g_free);
  clear_typed (self);
  assist_classify (self, TRUE);
  fidget_action_picker_present (self->picker);
}

static void
on_action_chosen (FidgetActionPicker *picker,
                  const char         *code,
                  FidgetWorkspace    *self)
{
  if (self->pick_mode == PICK_FIX && self->fixing != NULL)
    finish_fix (self, code);
  else if (self->pick_mode == PICK_CREATE && self->mark_in >= 0)
    create_segment (self, code);
  else
    relabel_selected (self, code);
  fidget_workspace_focus (self);
}

static void
on_picker_shown (FidgetActionPicker *picker,
                 FidgetWorkspace    *self)
{
  /* A fix keeps its purpose; otherwise, however it was opened, a choice makes the marked
   * segment if there is one. */
  if (self->pick_mode == PICK_FIX && self->fixing != NULL)
    return;
  self->pick_mode = self->mark_in >= 0 ? PICK_CREATE : PICK_RELABEL;
}

/* Closed without a choice (Escape, or a click elsewhere): the keys go back to the video, as
 * after a choice, unless the click that closed it put the focus somewhere of its own. */
static void
on_picker_closed (FidgetActionPicker *picker,
                  FidgetWorkspace    *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || focus == GTK_WIDGET (self->picker_button) ||
      gtk_widget_is_ancestor (focus, GTK_WIDGET (picker)))
    fidget_workspace_focus (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Frames and playback                                                                         */

typedef struct
{
  FidgetWorkspace *self;
  guint            generation;
  gint64           index;
  gboolean         keyframe;    /* a stand-in while scrubbing (see request_frame) */
} FrameRequest;

static void
on_frame_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FrameRequest *request = user_data;
  FidgetWorkspace *self = request->self;
  g_autoptr(FidgetFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  gint64 shows = request->index;

  if (request->keyframe)
    frame = fidget_player_get_keyframe_before_finish (FIDGET_PLAYER (source), result, &shows,
                                                      &error);
  else
    frame = fidget_player_get_frame_finish (FIDGET_PLAYER (source), result, &error);

  /* A video closed or switched since: its frames are not wanted. */
  if (request->generation != self->generation || self->player == NULL)
    goto out;

  self->fetching = FALSE;
  if (frame == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fidget_workspace_stop_playing (self);
          show_error (self, error->message);
        }
      goto out;
    }

  fidget_video_view_set_frame (self->video_view, frame, shows);
  self->shown = shows;
  /* A stand-in that arrives after the pointer let go answers nothing: the exact frame now. */
  self->answered = request->keyframe && !fidget_timeline_get_scrubbing (self->timeline)
                   ? shows : request->index;
  update_position_label (self);
  if (self->error_text != NULL)
    show_error (self, NULL);

  if (self->position != self->answered)
    fidget_workspace_request_frame (self);
  else if (self->shown != self->position)
    {
      /* A stand-in: once the pointer rests, the exact frame follows. */
      g_clear_handle_id (&self->scrub_rest_id, g_source_remove);
      self->scrub_rest_id = g_timeout_add (SCRUB_REST_MS, on_scrub_rest, self);
    }
  else if (!self->playing && self->frame_prefetch != NULL)
    fidget_frame_prefetch_look_at (self->frame_prefetch, self->shown);

out:
  g_object_unref (request->self);
  g_free (request);
}

/* One request at a time: while one is decoding, later positions only update what is wanted,
 * and the newest is fetched next. Holding a key never queues up stale frames.
 *
 * While the playhead is dragged over a large video, an exact seek (150 ms median, 250 ms at
 * worst at 1080p) would let the picture follow the pointer a few times a second; the
 * keyframe before the pointer (about 50 ms) stands in instead, numbered as what it is, and the
 * exact frame comes when the pointer rests or lets go. Frames the player holds, or reads in a
 * few pictures, are exact all along. */
static void
fidget_workspace_request_frame (FidgetWorkspace *self)
{
  FrameRequest *request;

  if (self->player == NULL || self->fetching || self->position == self->shown ||
      self->position == self->answered)
    return;

  request = g_new0 (FrameRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  request->index = self->position;
  /* Not while playing: play moves on from the pointer at once, frame by frame. */
  request->keyframe = self->scrub_by_keyframes && !self->scrub_rested && !self->playing &&
                      fidget_timeline_get_scrubbing (self->timeline);
  self->fetching = TRUE;
  if (request->keyframe)
    fidget_player_get_keyframe_before_async (self->player, self->position, self->cancellable,
                                             on_frame_ready, request);
  else
    fidget_player_get_frame_async (self->player, self->position, self->cancellable,
                                   on_frame_ready, request);
}

static gboolean
on_scrub_rest (gpointer data)
{
  FidgetWorkspace *self = data;

  self->scrub_rest_id = 0;
  self->scrub_rested = TRUE;
  self->answered = self->shown;
  fidget_workspace_request_frame (self);
  return G_SOURCE_REMOVE;
}

static void
on_timeline_scrubbing (FidgetTimeline  *timeline,
                       GParamSpec      *pspec,
                       FidgetWorkspace *self)
{
  if (fidget_timeline_get_scrubbing (timeline))
    return;
  /* Let go: the frame under the playhead, exactly. */
  g_clear_handle_id (&self->scrub_rest_id, g_source_remove);
  self->scrub_rested = FALSE;
  self->answered = self->shown;
  fidget_workspace_request_frame (self);
}

static void
set_position (FidgetWorkspace *self,
              gint64           frame)
{
  gint64 count = frame_count (self);

  frame = CLAMP (frame, 0, MAX (count - 1, 0));
  if (frame == self->position)
    return;
  self->position = frame;
  g_clear_handle_id (&self->scrub_rest_id, g_source_remove);
  self->scrub_rested = FALSE;
  if (self->frame_prefetch != NULL)
    fidget_frame_prefetch_moved (self->frame_prefetch, frame);
  fidget_timeline_set_position (self->timeline, frame);
  update_position_label (self);
  if (self->mark_in >= 0 && self->mark_out < 0)
    update_marks (self);
  fidget_workspace_request_frame (self);
  schedule_position_notify (self);
}

/* The sound follows the frames: started wherever playback is (re)anchored, at its speed, and
 * stopped with it; the player keeps it silent when sound is off, missing or too slow. */
static void
sync_audio (FidgetWorkspace *self)
{
  if (self->player == NULL)
    return;
  /* Where no sound can play (too slow, switched off), the sound of before must not go on. */
  if (!self->playing ||
      !fidget_player_play_audio (self->player, self->play_start_frame, self->speed,
                                 self->play_start_us))
    fidget_player_stop_audio (self->player);
}

static void
update_audio_button (FidgetWorkspace *self)
{
  gboolean has = self->player != NULL && fidget_player_has_audio (self->player);
  gboolean on = gtk_toggle_button_get_active (self->audio_button);

  gtk_button_set_icon_name (GTK_BUTTON (self->audio_button),
                            on ? "audio-volume-high-symbolic" : "audio-volume-muted-symbolic");
  if (self->player == NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->audio_button), _("Play the sound"));
  else if (!on)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->audio_button),
                                 _("Sound off: play it too (silent below half speed)"));
  else if (!has)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->audio_button),
                                 _("Sound on, but this video has none or no output could be opened"));
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->audio_button),
                                 _("Sound on, pitch kept from half speed to 2×, silent below"));
}

static void
on_audio_toggled (GtkToggleButton *button,
                  FidgetWorkspace *self)
{
  if (self->player != NULL)
    {
      fidget_player_set_audio_enabled (self->player, gtk_toggle_button_get_active (button));
      sync_audio (self);
    }
  update_audio_button (self);
}

void
fidget_workspace_seek (FidgetWorkspace *self,
                       gint64           frame)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  set_position (self, frame);
  /* Play goes on from the new place. */
  if (self->playing)
    {
      self->play_start_frame = self->position;
      self->play_start_us = g_get_monotonic_time ();
      sync_audio (self);
    }
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (widget);
  gint64 count = frame_count (self);
  gint64 due;

  if (!self->playing)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  due = fidget_playback_frame_at (self->play_start_frame,
                                  g_get_monotonic_time () - self->play_start_us, self->speed,
                                  fps_num (self), fps_den (self), self->loop_start,
                                  self->loop_end);
  if (due >= count)
    {
      set_position (self, count - 1);
      fidget_workspace_stop_playing (self);
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* A loop that wraps jumps back in the sound track too: re-anchor there. */
  if (due < self->position && self->loop_end > self->loop_start)
    {
      self->play_start_frame = due;
      self->play_start_us = g_get_monotonic_time ();
      sync_audio (self);
    }
  set_position (self, due);
  return G_SOURCE_CONTINUE;
}

static void
fidget_workspace_stop_playing (FidgetWorkspace *self)
{
  if (!self->playing)
    return;
  self->playing = FALSE;
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  sync_audio (self);
  update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
fidget_workspace_get_playing (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), FALSE);
  return self->playing;
}

void
fidget_workspace_set_playing (FidgetWorkspace *self,
                              gboolean         playing)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  if (!playing)
    {
      fidget_workspace_stop_playing (self);
      return;
    }
  if (self->playing || self->player == NULL)
    return;

  /* From the end, play starts again from the top (or the loop's start). */
  if (self->position >= frame_count (self) - 1 && self->loop_end <= self->loop_start)
    set_position (self, 0);
  self->playing = TRUE;
  cancel_prefetch (self);
  self->play_start_frame = self->position;
  self->play_start_us = g_get_monotonic_time ();
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
  sync_audio (self);
  update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

double
fidget_workspace_get_speed (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), 1.0);
  return self->speed;
}

void
fidget_workspace_set_speed (FidgetWorkspace *self,
                            double           speed)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  speed = CLAMP (speed, 0.1, 2.0);
  if (speed == self->speed)
    return;
  /* Re-anchor, so the playhead carries on from where it is at the new pace. */
  if (self->playing)
    {
      self->play_start_frame = self->position;
      self->play_start_us = g_get_monotonic_time ();
    }
  self->speed = speed;
  sync_audio (self);
  update_speed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

static void
step (FidgetWorkspace *self,
      gint64           frames)
{
  if (self->video == NULL)
    return;
  fidget_workspace_stop_playing (self);
  set_position (self, self->position + frames);
}

static gint64
step_size (FidgetWorkspace *self)
{
  return self->settings != NULL ? MAX (1, g_settings_get_int (self->settings, "step-frames")) : 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Opening a video                                                                             */

typedef struct
{
  char             *path;
  FidgetPlayerGrid  grid;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *open = data;

  g_free (open->path);
  g_free (open);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *open = task_data;
  GError *error = NULL;
  FidgetPlayer *player = fidget_player_open (open->path, &open->grid, cancellable, &error);

  if (player == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, player, g_object_unref);
}

static void
on_player_opened (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (source);
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "generation"));
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  gint64 wanted = GPOINTER_TO_SIZE (user_data);
  int par_n, par_d;

  player = g_task_propagate_pointer (G_TASK (result), &error);
  if (generation != self->generation || self->video == NULL)
    return;
  gtk_spinner_stop (self->loading_spinner);

  if (player == NULL)
    {
      adw_status_page_set_description (self->unplayable_page, error->message);
      gtk_stack_set_visible_child_name (self->video_stack, "unplayable");
      show_error (self, NULL);
      refocus (self);
      return;
    }

  self->player = g_steal_pointer (&player);
  self->frame_prefetch = fidget_frame_prefetch_new (self->player);
  fidget_player_set_audio_enabled (self->player, gtk_toggle_button_get_active (self->audio_button));
  update_audio_button (self);
  fidget_player_get_pixel_aspect (self->player, &par_n, &par_d);
  fidget_video_view_set_pixel_aspect (self->video_view, par_n, par_d);
  fidget_video_view_reset_zoom (self->video_view);
  gtk_stack_set_visible_child_name (self->video_stack, "video");
  refocus (self);
  fidget_timeline_set_video (self->timeline, frame_count (self), fps_num (self), fps_den (self));

  self->shown = -1;
  self->answered = -1;
  self->position = -1;
  /* Below 720p an exact seek is quick enough to follow a drag. */
  self->scrub_by_keyframes = (gint64) fidget_player_get_width (self->player) *
                             fidget_player_get_height (self->player) >= (gint64) 1280 * 720;
  set_position (self, wanted);
  fidget_workspace_focus (self);
}

void
fidget_workspace_close_video (FidgetWorkspace *self)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  fidget_workspace_stop_playing (self);
  self->generation++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  assist_close_video (self);
  if (self->frame_prefetch != NULL)
    fidget_frame_prefetch_cancel (self->frame_prefetch);
  g_clear_object (&self->frame_prefetch);
  g_clear_object (&self->player);
  g_clear_pointer (&self->video, fidget_video_free);
  self->fetching = FALSE;
  self->shown = -1;
  self->answered = -1;
  self->position = 0;
  g_clear_handle_id (&self->scrub_rest_id, g_source_remove);
  self->mark_in = self->mark_out = -1;
  clear_typed (self);
  clear_loop (self);
  select_segment (self, NULL);
  fidget_video_view_set_frame (self->video_view, NULL, -1);
  show_error (self, NULL);
  reload_segments (self);
  update_marks (self);
  update_position_label (self);
  update_annotator_banner (self);
  assist_update (self);
}

/* ------------------------------------------------------------------------------------------ */
/* A video file that moved: find it, check its content, point the project at it               */

typedef struct
{
  char   *project_path;
  char   *actor;
  char   *file_path;
  gint64  video_id;
} RelinkData;

static void
relink_data_free (gpointer data)
{
  RelinkData *relink = data;

  g_free (relink->project_path);
  g_free (relink->actor);
  g_free (relink->file_path);
  g_free (relink);
}

/* Hashing a long interview takes a while: it runs here, on its own connection to the file. */
static void
relink_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RelinkData *relink = task_data;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  GError *error = NULL;

  if (!(project = fidget_project_open (relink->project_path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  fidget_project_set_actor (project, relink->actor);
  if (!(video = fidget_project_relink_video (project, relink->video_id, relink->file_path,
                                             cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_relinked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (source);
  RelinkData *relink = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* The button was insensitive while the file was checked, which took the keys away from it:
   * they come back, to the button or to the video found. */
  gtk_widget_set_sensitive (self->relink_button, TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      fidget_workspace_focus (self);
      return;
    }
  fidget_workspace_open_video (self, relink->video_id, 0);
  fidget_workspace_focus (self);
}

static void
on_relink_chosen (GtkNativeDialog *native,
                  int              response,
                  gpointer         user_data)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (user_data);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  RelinkData *relink;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  g_object_unref (native);
  if (file != NULL)
    path = g_file_get_path (file);
  if (path == NULL || self->project == NULL || self->relink_video_id <= 0)
    return;

  relink = g_new0 (RelinkData, 1);
  relink->project_path = g_strdup (fidget_project_get_path (self->project));
  relink->actor = g_strdup (fidget_project_get_actor (self->project));
  relink->file_path = g_steal_pointer (&path);
  relink->video_id = self->relink_video_id;

  gtk_widget_set_sensitive (self->relink_button, FALSE);
  task = g_task_new (self, NULL, on_relinked, NULL);
  g_task_set_source_tag (task, on_relink_chosen);
  g_task_set_task_data (task, relink, relink_data_free);
  g_task_run_in_thread (task, relink_thread);
}

static void
action_relink (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (widget);
  GtkFileChooserNative *native;
  GtkRoot *root = gtk_widget_get_root (widget);

  native = gtk_file_chooser_native_new (_("Find the Video File"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use This File"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (on_relink_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
fidget_workspace_open_video (FidgetWorkspace *self,
                             gint64           video_id,
                             gint64           frame)
{
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  OpenData *open;

  g_return_if_fail (FIDGET_IS_WORKSPACE (self));
  g_return_if_fail (self->project != NULL);

  fidget_workspace_close_video (self);
  gtk_widget_set_visible (self->relink_button, FALSE);

  video = fidget_project_get_video (self->project, video_id, &error);
  if (video == NULL)
    {
      adw_status_page_set_description (self->unplayable_page, error->message);
      gtk_stack_set_visible_child_name (self->video_stack, "unplayable");
      refocus (self);
      return;
    }
  self->video = g_steal_pointer (&video);
  self->cancellable = g_cancellable_new ();
  fidget_timeline_set_video (self->timeline, self->video->frame_count, fps_num (self),
                             fps_den (self));
  fidget_timeline_set_position (self->timeline, 0);
  reload_segments (self);
  update_position_label (self);
  update_annotator_banner (self);

  path = fidget_project_resolve_video_path (self->project, self->video);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      /* Translators: %s is the path the project has for a video */
      g_autofree char *message = g_strdup_printf (_("The file is not where the project expects "
                                                    "it: %s"), path != NULL ? path : self->video->path);

      adw_status_page_set_description (self->unplayable_page, message);
      self->relink_video_id = self->video->id;
      gtk_widget_set_visible (self->relink_button, TRUE);
      gtk_stack_set_visible_child_name (self->video_stack, "unplayable");
      refocus (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->video_stack, "loading");
  refocus (self);
  gtk_spinner_start (self->loading_spinner);
  assist_open_video (self);

  open = g_new0 (OpenData, 1);
  open->path = g_steal_pointer (&path);
  open->grid.fps_num = self->video->fps_num;
  open->grid.fps_den = self->video->fps_den;
  open->grid.frame_count = self->video->frame_count;

  task = g_task_new (self, self->cancellable, on_player_opened, GSIZE_TO_POINTER (MAX (frame, 0)));
  g_task_set_source_tag (task, fidget_workspace_open_video);
  g_task_set_task_data (task, open, open_data_free);
  g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (self->generation));
  g_task_run_in_thread (task, open_thread);
}

const FidgetVideo *
fidget_workspace_get_video (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), NULL);
  return self->video;
}

gint64
fidget_workspace_get_position (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), 0);
  return self->position;
}

/* ------------------------------------------------------------------------------------------ */
/* Model assistance: the motion strip, suggestions, the scan and the picker's top five         */

static const FidgetSuggestion *
find_suggestion (FidgetWorkspace *self,
                 const char      *uuid)
{
  if (uuid == NULL || self->suggestions == NULL)
    return NULL;
  for (guint i = 0; i < self->suggestions->len; i++)
    {
      const FidgetSuggestion *suggestion = g_ptr_array_index (self->suggestions, i);

      if (g_strcmp0 (suggestion->uuid, uuid) == 0)
        return suggestion;
    }
  return NULL;
}

/* The bar under the timeline says what the model can do now, and shows a job's progress. */
static void
assist_update (FidgetWorkspace *self)
{
  g_autofree char *text = NULL;
  gboolean scanning = self->scan_cancellable != NULL;
  gboolean measuring = self->motion_cancellable != NULL;
  gboolean no_weights = self->model == NULL && self->model_weights == NULL;

  if (self->video == NULL)
    text = g_strdup ("");
  else if (scanning)
    text = g_strdup (_("Scanning the video for suggestions…"));
  else if (self->model_error != NULL)
    /* Translators: %s says why the model's weights could not be loaded */
    text = g_strdup_printf (_("The model could not be loaded: %s. Choose other weights in "
                              "Preferences; everything else works without them."),
                            self->model_error);
  else if (no_weights)
    /* One line that stays out of the way all day; the button beside it opens the page that
     * says where the weights come from and how to convert them. */
    text = g_strdup (_("No MANet weights for this project, so no model suggestions "
                       "(everything else works). Choose Weights… says where to get them."));
  else if (self->model == NULL)
    text = g_strdup (_("Loading the model…"));
  else
    {
      g_autofree char *base = g_path_get_basename (fidget_assist_model_get_path (self->model));
      guint n = self->suggestions != NULL ? self->suggestions->len : 0;

      /* Translators: the weights file's name, then how many open suggestions there are */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Model %s: %u open suggestion (K keeps, U fixes, "
                                           "W rejects, period and comma walk them)",
                                           "Model %s: %u open suggestions (K keeps, U fixes, "
                                           "W rejects, period and comma walk them)", n),
                              base, n);
    }
  if (measuring && !scanning && self->video != NULL)
    {
      g_autofree char *more = g_strconcat (text, text[0] != '\0' ? " " : "",
                                           _("Measuring the motion…"), NULL);

      g_free (text);
      text = g_steal_pointer (&more);
    }
  gtk_label_set_text (self->assist_label, text);

  gtk_widget_set_visible (GTK_WIDGET (self->assist_progress), scanning || measuring);
  if (scanning)
    gtk_progress_bar_set_fraction (self->assist_progress, CLAMP (self->scan_fraction, 0, 1));
  else if (measuring)
    gtk_progress_bar_set_fraction (self->assist_progress, CLAMP (self->motion_fraction, 0, 1));
  gtk_widget_set_visible (self->assist_cancel, scanning);
  gtk_widget_set_visible (self->assist_weights, self->video != NULL &&
                                                (no_weights || self->model_error != NULL));
  gtk_widget_set_visible (self->scan_button, !scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.scan",
                                 self->video != NULL && !scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.cancel-scan", scanning);
}

/* {{{ The model */

typedef struct
{
  FidgetWorkspace *self;
  GCancellable    *cancellable;
} Pending;

static Pending *
pending_new (FidgetWorkspace *self,
             GCancellable    *cancellable)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->cancellable = g_object_ref (cancellable);
  return pending;
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_object_unref (pending->self);
  g_object_unref (pending->cancellable);
  g_free (pending);
}

static void
on_model_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  FidgetWorkspace *self = pending->self;
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = fidget_assist_model_load_finish (result, &error);
  if (g_cancellable_is_cancelled (pending->cancellable) ||
      self->model_cancellable != pending->cancellable)
    {
      pending_free (pending);
      return;
    }
  g_clear_object (&self->model_cancellable);
  if (model == NULL)
    self->model_error = g_strdup (error->message);
  else
    self->model = g_steal_pointer (&model);
  pending_free (pending);
  assist_update (self);
  assist_classify_selected (self);
}

/* The weights remembered for the project: loaded once, in the background, and shared by the
 * picker's top five and the scan. */
static void
assist_load_model (FidgetWorkspace *self)
{
  g_autofree char *weights = NULL;

  if (self->project != NULL)
    weights = fidget_settings_get_weights (self->settings,
                                           fidget_project_get_uuid (self->project));
  if (g_strcmp0 (weights, self->model_weights) == 0)
    return;

  if (self->model_cancellable != NULL)
    g_cancellable_cancel (self->model_cancellable);
  g_clear_object (&self->model_cancellable);
  if (self->classify_cancellable != NULL)
    g_cancellable_cancel (self->classify_cancellable);
  cancel_prefetch (self);
  g_clear_pointer (&self->model, fidget_assist_model_unref);
  /* A new model could come to live where the old one was: compare nothing with it. */
  forget_answers (self);
  g_clear_pointer (&self->model_error, g_free);
  g_free (self->model_weights);
  self->model_weights = g_steal_pointer (&weights);
  if (self->model_weights != NULL)
    {
      self->model_cancellable = g_cancellable_new ();
      fidget_assist_model_load_async (self->model_weights, 0, self->model_cancellable,
                                      on_model_loaded,
                                      pending_new (self, self->model_cancellable));
    }
  assist_update (self);
  assist_classify_selected (self);
}

static void
on_settings_changed (GSettings       *settings,
                     const char      *key,
                     FidgetWorkspace *self)
{
  if (g_strcmp0 (key, "model-weights") == 0)
    assist_load_model (self);
}

/* }}} */
/* {{{ The motion strip */

typedef struct
{
  GMutex           lock;
  GWeakRef         self;
  GCancellable    *cancellable;
  double           fraction;
  gboolean         scheduled;
  char            *path;
  char            *content_hash;
  int              fps_num;
  int              fps_den;
  gint64           frame_count;
} MotionJob;

static void
motion_job_clear (gpointer data)
{
  MotionJob *job = data;

  g_weak_ref_clear (&job->self);
  g_clear_object (&job->cancellable);
  g_free (job->path);
  g_free (job->content_hash);
  g_mutex_clear (&job->lock);
}

static void
motion_job_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, motion_job_clear);
}

static gboolean
motion_progress_idle (gpointer data)
{
  MotionJob *job = data;
  g_autoptr(FidgetWorkspace) self = g_weak_ref_get (&job->self);
  double fraction;

  g_mutex_lock (&job->lock);
  job->scheduled = FALSE;
  fraction = job->fraction;
  g_mutex_unlock (&job->lock);
  if (self != NULL && self->motion_cancellable == job->cancellable)
    {
      self->motion_fraction = fraction;
      assist_update (self);
    }
  return G_SOURCE_REMOVE;
}

/* From the worker: the latest fraction is kept, one idle at a time hands it on. */
static void
motion_progress (double   fraction,
                 gpointer user_data)
{
  MotionJob *job = user_data;
  gboolean schedule;

  g_mutex_lock (&job->lock);
  job->fraction = fraction;
  schedule = !job->scheduled;
  job->scheduled = TRUE;
  g_mutex_unlock (&job->lock);
  if (schedule)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, motion_progress_idle,
                     g_atomic_rc_box_acquire (job), motion_job_unref);
}

static void
motion_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  MotionJob *job = task_data;
  GError *error = NULL;
  double *energy = fidget_motion_cache_get (job->path, job->content_hash, job->fps_num,
                                            job->fps_den, job->frame_count, NULL, cancellable,
                                            motion_progress, job, &error);

  if (energy == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, energy, g_free);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
on_motion_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (source);
  MotionJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree double *energy = NULL;
  g_autofree double *sorted = NULL;
  g_autofree float *values = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;
  double scale;

  energy = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->motion_cancellable != job->cancellable)
    return;   /* another video, or closed */
  g_clear_object (&self->motion_cancellable);
  self->motion_fraction = -1.0;
  assist_update (self);
  if (energy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_refusal (self, _("The motion strip could not be made"), error);
      return;
    }

  /* Scaled to the video's own 99th percentile: one scene cut does not flatten the rest. */
  n = job->frame_count;
  sorted = g_memdup2 (energy, sizeof (double) * n);
  qsort (sorted, n, sizeof (double), compare_doubles);
  scale = MAX (sorted[(gsize) ((n - 1) * 0.99)] * 1.2, 1.0);
  values = g_new (float, n);
  for (gint64 i = 0; i < n; i++)
    values[i] = (float) CLAMP (energy[i] / scale, 0.0, 1.0);
  fidget_timeline_set_motion (self->timeline, values, n);
}

static void
assist_start_motion (FidgetWorkspace *self)
{
  g_autoptr(GTask) task = NULL;
  MotionJob *job;

  if (self->video == NULL || self->motion_cancellable != NULL)
    return;
  job = g_atomic_rc_box_new0 (MotionJob);
  g_mutex_init (&job->lock);
  g_weak_ref_init (&job->self, self);
  job->path = fidget_project_resolve_video_path (self->project, self->video);
  job->content_hash = g_strdup (self->video->content_hash);
  job->fps_num = self->video->fps_num;
  job->fps_den = self->video->fps_den;
  job->frame_count = self->video->frame_count;
  self->motion_cancellable = g_cancellable_new ();
  job->cancellable = g_object_ref (self->motion_cancellable);
  self->motion_fraction = 0.0;

  task = g_task_new (self, self->motion_cancellable, on_motion_ready, NULL);
  g_task_set_source_tag (task, assist_start_motion);
  g_task_set_task_data (task, job, motion_job_unref);
  g_task_run_in_thread (task, motion_thread);
  assist_update (self);
}

/* }}} */
/* {{{ Suggestions */

static void
assist_reload_suggestions (FidgetWorkspace *self)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  self->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);
  if (self->project != NULL && self->video != NULL)
    {
      all = fidget_suggestions_list (self->project, self->video->id, &error);
      if (all == NULL)
        show_refusal (self, _("Could not read the suggestions"), error);
      for (guint i = 0; all != NULL && i < all->len; i++)
        {
          FidgetSuggestion *suggestion = g_ptr_array_index (all, i);

          /* Decided ones became segments or went away: only open ones are on the lane. */
          if (suggestion->state == FIDGET_SUGGESTION_OPEN)
            g_ptr_array_add (self->suggestions, g_ptr_array_steal_index (all, i--));
        }
    }
  fidget_timeline_set_suggestions (self->timeline, self->suggestions);
  if (self->selected != NULL && find_segment (self, self->selected) == NULL &&
      find_suggestion (self, self->selected) == NULL)
    select_segment (self, NULL);
  assist_update (self);
}

/* The selected suggestion, or a message saying how to select one. */
static const FidgetSuggestion *
require_suggestion (FidgetWorkspace *self)
{
  const FidgetSuggestion *suggestion = find_suggestion (self, self->selected);

  if (suggestion == NULL)
    show_message (self, _("Select a suggestion first: period and comma go to the next and "
                          "the previous one"));
  return suggestion;
}

/* A decision is a person's: the project records it under the annotator's name. */
static gboolean
require_decider (FidgetWorkspace *self)
{
  if (!require_editing (self))
    return FALSE;
  if (g_strcmp0 (fidget_project_get_actor (self->project), self->annotator) != 0)
    fidget_project_set_actor (self->project, self->annotator);
  return TRUE;
}

static void
select_next_suggestion (FidgetWorkspace *self,
                        gboolean         forward)
{
  const FidgetSuggestion *current = find_suggestion (self, self->selected);
  const FidgetSuggestion *best = NULL;
  gint64 from = current != NULL ? current->start_frame : self->position;

  if (self->suggestions == NULL || self->suggestions->len == 0)
    {
      show_message (self, self->model != NULL
                          ? _("No open suggestions: scan the video first (Ctrl+M)")
                          : _("No open suggestions"));
      return;
    }
  /* Sorted by start: the first after the current one (or the playhead), or the last before. */
  for (guint i = 0; i < self->suggestions->len; i++)
    {
      guint k = forward ? i : self->suggestions->len - 1 - i;
      const FidgetSuggestion *s = g_ptr_array_index (self->suggestions, k);

      if (s == current)
        continue;
      if (forward ? (s->start_frame > from || (current == NULL && s->start_frame == from))
                  : s->start_frame < from)
        {
          best = s;
          break;
        }
    }
  if (best == NULL)
    {
      show_message (self, forward ? _("No more suggestions after this one")
                                  : _("No suggestions before this one"));
      return;
    }
  select_segment (self, best->uuid);
  fidget_workspace_seek (self, best->start_frame);
}

static void
accept_suggestion (FidgetWorkspace *self)
{
  const FidgetSuggestion *suggestion;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *uuid = NULL;

  if (!(suggestion = require_suggestion (self)) || !require_decider (self))
    return;
  /* A copy: the change signal reloads the suggestions, freeing this one. */
  uuid = g_strdup (suggestion->uuid);
  segment = fidget_suggestions_accept (self->project, uuid, &error);
  if (segment == NULL)
    {
      show_refusal (self, _("The suggestion was not accepted"), error);
      return;
    }
  remember_recent (self, segment->action_code);
  reload_segments (self);
  assist_reload_suggestions (self);
  select_segment (self, segment->uuid);
  /* Translators: an accepted suggestion became a segment: its code, first and last frame */
  message = g_strdup_printf (_("Kept %s, frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                               " as your segment"), segment->action_code, segment->start_frame,
                             segment->end_frame - 1);
  show_message (self, message);
}

static void
reject_suggestion (FidgetWorkspace *self)
{
  const FidgetSuggestion *suggestion;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  gint64 start;

  if (!(suggestion = require_suggestion (self)) || !require_decider (self))
    return;
  uuid = g_strdup (suggestion->uuid);
  start = suggestion->start_frame;
  if (!fidget_suggestions_reject (self->project, uuid, &error))
    {
      show_refusal (self, _("The suggestion was not rejected"), error);
      return;
    }
  assist_reload_suggestions (self);
  show_message (self, _("Rejected the suggestion"));
  /* On to the next one, the way a reviewer walks them. */
  for (guint i = 0; self->suggestions != NULL && i < self->suggestions->len; i++)
    {
      const FidgetSuggestion *next = g_ptr_array_index (self->suggestions, i);

      if (next->start_frame >= start)
        {
          select_segment (self, next->uuid);
          fidget_workspace_seek (self, next->start_frame);
          break;
        }
    }
}

/* The model's top five of a stored suggestion, into the picker. */
static void
picker_show_scores (FidgetWorkspace *self,
                    const char      *scores_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  double probabilities[FIDGET_ASSIST_TOP_K] = { 0, };
  JsonNode *root;

  if (scores_json != NULL && json_parser_load_from_data (parser, scores_json, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array) && codes->len < FIDGET_ASSIST_TOP_K; i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          const char *code;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          code = json_object_get_string_member_with_default (json_node_get_object (node), "code",
                                                             NULL);
          if (code == NULL)
            continue;
          probabilities[codes->len] = json_object_get_double_member_with_default (
            json_node_get_object (node), "score", 0.0);
          g_ptr_array_add (codes, (gpointer) code);
        }
    }
  g_ptr_array_add (codes, NULL);
  fidget_action_picker_set_suggestions (self->picker, (const char * const *) codes->pdata,
                                        probabilities);
}

static void
fix_suggestion (FidgetWorkspace *self)
{
  const FidgetSuggestion *suggestion;

  if (!(suggestion = require_suggestion (self)) || !require_decider (self))
    return;
  g_free (self->fixing);
  self->fixing = g_strdup (suggestion->uuid);
  self->pick_mode = PICK_FIX;
  clear_typed (self);
  picker_show_scores (self, suggestion->scores_json);
  fidget_action_picker_present (self->picker);
}

static void
finish_fix (FidgetWorkspace *self,
            const char      *code)
{
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_steal_pointer (&self->fixing);
  g_autofree char *message = NULL;

  self->pick_mode = PICK_RELABEL;
  if (uuid == NULL || !require_decider (self))
    return;
  segment = fidget_suggestions_fix (self->project, uuid, code, -1, -1, &error);
  if (segment == NULL)
    {
      show_refusal (self, _("The suggestion was not fixed"), error);
      return;
    }
  remember_recent (self, code);
  reload_segments (self);
  assist_reload_suggestions (self);
  select_segment (self, segment->uuid);
  /* Translators: a fixed suggestion became a segment with this action code */
  message = g_strdup_printf (_("Fixed: your segment is %s"), segment->action_code);
  show_message (self, message);
}

/* }}} */
/* {{{ The scan */

static void
on_scan_progress (double   fraction,
                  gpointer user_data)
{
  Pending *pending = user_data;
  FidgetWorkspace *self = pending->self;

  if (self->scan_cancellable != pending->cancellable)
    return;
  self->scan_fraction = fraction;
  assist_update (self);
}

static void
on_scanned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *pending = user_data;
  FidgetWorkspace *self = pending->self;
  g_autoptr(FidgetScanResult) scan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean current = self->scan_cancellable == pending->cancellable;

  scan = fidget_scan_video_finish (result, &error);
  if (current)
    g_clear_object (&self->scan_cancellable);
  pending_free (pending);
  if (!current)
    return;

  if (scan == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, _("Scan cancelled: the suggestions are as they were"));
      else
        show_refusal (self, _("The video was not scanned"), error);
      if (fidget_timeline_get_motion_count (self->timeline) == 0)
        assist_start_motion (self);
      assist_update (self);
      return;
    }
  assist_reload_suggestions (self);
  /* The scan kept the motion curve: the strip comes from the cache now. */
  if (fidget_timeline_get_motion_count (self->timeline) == 0)
    assist_start_motion (self);
  /* Translators: how many suggestions a scan made, from how many moving moments */
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u suggestion from the moments the video moves",
                                          "%u suggestions from the moments the video moves",
                                          scan->suggestions->len),
                             scan->suggestions->len);
  show_message (self, message);
}

static void
start_scan (FidgetWorkspace *self)
{
  if (self->video == NULL || self->project == NULL || self->scan_cancellable != NULL)
    return;
  if (self->model == NULL)
    {
      show_message (self, self->model_weights != NULL && self->model_error == NULL
                          ? _("The model is still loading: try again in a moment")
                          : _("Scanning needs MANet's weights: choose them in Preferences"));
      return;
    }
  /* The scan computes (and caches) the motion curve itself: one decode pass, not two. The
   * strip comes back from the cache when the scan is over. */
  if (self->motion_cancellable != NULL)
    {
      g_cancellable_cancel (self->motion_cancellable);
      g_clear_object (&self->motion_cancellable);
      self->motion_fraction = -1.0;
    }
  self->scan_cancellable = g_cancellable_new ();
  self->scan_fraction = 0.0;
  fidget_scan_video_async (self->project, self->video->id, self->model, 1, 1,
                           self->scan_cancellable, on_scan_progress,
                           pending_new (self, self->scan_cancellable), pending_free,
                           on_scanned, pending_new (self, self->scan_cancellable));
  assist_update (self);
}

static void
cancel_scan (FidgetWorkspace *self)
{
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
}

/* }}} */
/* {{{ The picker's top five for the segment at hand */

static void
cancel_prefetch (FidgetWorkspace *self)
{
  if (self->prefetch_cancellable != NULL)
    g_cancellable_cancel (self->prefetch_cancellable);
  g_clear_object (&self->prefetch_cancellable);
}

/* Answers are kept for going back to a segment: at most this many, for one video and model. */
#define MAX_ANSWERS 64

static char *
answer_key (gint64 start,
            gint64 end)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, start, end);
}

static const char *
lookup_answer (FidgetWorkspace *self,
               gint64           start,
               gint64           end)
{
  g_autofree char *key = NULL;

  if (self->answers == NULL || self->answers_model != self->model)
    return NULL;
  key = answer_key (start, end);
  return g_hash_table_lookup (self->answers, key);
}

static void
remember_answer (FidgetWorkspace *self,
                 gint64           start,
                 gint64           end,
                 char            *scores_json)
{
  if (self->answers == NULL)
    self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (self->answers_model != self->model || g_hash_table_size (self->answers) >= MAX_ANSWERS)
    g_hash_table_remove_all (self->answers);
  self->answers_model = self->model;
  g_hash_table_replace (self->answers, answer_key (start, end), scores_json);
}

static void
forget_answers (FidgetWorkspace *self)
{
  g_clear_pointer (&self->answers, g_hash_table_unref);
  self->answers_model = NULL;
}

/* Once the selected segment has its top five, the next one (where Tab goes) is asked while
 * the annotator looks at this one, so that walking the segments finds each answer ready.
 * Never while playing, which needs the cores, and one at a time. */
static void
assist_prefetch_next (FidgetWorkspace *self)
{
  const FidgetSegment *current;
  const FidgetSegment *next = NULL;

  if (self->model == NULL || self->player == NULL || self->playing || self->mine == NULL ||
      self->prefetch_cancellable != NULL || self->classify_cancellable != NULL ||
      self->mark_in >= 0)
    return;
  current = find_segment (self, self->selected);
  if (current == NULL)
    return;
  for (guint i = 0; i < self->mine->len && next == NULL; i++)
    {
      const FidgetSegment *segment = g_ptr_array_index (self->mine, i);

      if (compare_segments (&segment, &current) > 0)
        next = segment;
    }
  if (next == NULL || lookup_answer (self, next->start_frame, next->end_frame) != NULL)
    return;

  self->prefetch_cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (self->prefetch_cancellable), ASKED_AHEAD, GINT_TO_POINTER (1));
  self->prefetch_start = next->start_frame;
  self->prefetch_end = next->end_frame;
  fidget_assist_classify_player_async (self->model, self->player, next->start_frame,
                                       next->end_frame, self->prefetch_cancellable, on_classified,
                                       pending_new (self, self->prefetch_cancellable));
}

static void
on_classified (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Pending *pending = user_data;
  FidgetWorkspace *self = pending->self;
  g_autoptr(FidgetAssistPrediction) prediction = NULL;
  g_autoptr(GError) error = NULL;
  FidgetTaxonomy *taxonomy;
  const char *codes[FIDGET_ASSIST_TOP_K + 1] = { NULL, };
  double probabilities[FIDGET_ASSIST_TOP_K] = { 0, };
  int n = 0;

  prediction = fidget_assist_classify_finish (result, &error);
  /* Asked ahead, and nobody has come to it yet: kept for when they do (unless it was given
   * up). Once the selection reaches it, it is answered like any other question. */
  if (g_object_get_data (G_OBJECT (pending->cancellable), ASKED_AHEAD) != NULL &&
      self->classify_cancellable != pending->cancellable)
    {
      if (self->prefetch_cancellable == pending->cancellable)
        {
          g_clear_object (&self->prefetch_cancellable);
          if (prediction != NULL)
            {
              self->prefetched++;
              remember_answer (self, self->prefetch_start, self->prefetch_end,
                               fidget_assist_scores_json (
                                 fidget_project_get_taxonomy (self->project), prediction));
            }
        }
      pending_free (pending);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->classify_cancellable != pending->cancellable)
    {
      self->classify_cancelled++;
      pending_free (pending);
      return;
    }
  pending_free (pending);
  g_clear_object (&self->classify_cancellable);
  if (prediction == NULL)
    {
      /* Translators: %s says why the model could not classify the segment */
      g_autofree char *note = g_strdup_printf (_("The model could not classify this segment: "
                                                 "%s"), error->message);

      fidget_action_picker_set_suggestions_note (self->picker, note);
      return;
    }
  self->classify_completed++;
  self->classify_ms = (g_get_monotonic_time () - self->classify_started_us) / 1000.0;
  taxonomy = fidget_project_get_taxonomy (self->project);
  remember_answer (self, self->classify_start, self->classify_end,
                   fidget_assist_scores_json (taxonomy, prediction));
  for (int k = 0; k < FIDGET_ASSIST_TOP_K && prediction->top[k] >= 0; k++)
    {
      const FidgetAction *action =
        fidget_taxonomy_lookup_action_by_model_index (taxonomy, prediction->top[k]);

      if (action == NULL)
        continue;
      codes[n] = action->code;
      probabilities[n] = prediction->probabilities[prediction->top[k]];
      n++;
    }
  fidget_action_picker_set_suggestions (self->picker, codes, probabilities);
  assist_prefetch_next (self);
}

/* What the picker's top five are about: the range being marked while a segment is made
 * (the picker would create it), else the selected segment. The marked range is asked about
 * once its end is marked, or with the frame shown as its end when the picker opens: asking
 * at every step after I would only burn the cores the stepping needs. */
static gboolean
classify_target (FidgetWorkspace  *self,
                 gboolean          opening_picker,
                 const char      **key,
                 gint64           *start,
                 gint64           *end,
                 gboolean         *waiting)
{
  const FidgetSegment *segment;

  *waiting = FALSE;
  if (self->mark_in >= 0)
    {
      gint64 out = self->mark_out >= 0 ? self->mark_out : self->position;

      *key = MARKED_RANGE_KEY;
      *start = MIN (self->mark_in, out);
      *end = MAX (self->mark_in, out) + 1;
      *waiting = self->mark_out < 0 && !opening_picker;
      return TRUE;
    }
  segment = find_segment (self, self->selected);
  if (segment == NULL)
    return FALSE;
  *key = segment->uuid;
  *start = segment->start_frame;
  *end = segment->end_frame;
  return TRUE;
}

/* Asked again whenever the selection, the marks or the frames change; the question before is
 * cancelled, so the worker never spends time on a segment nobody looks at any more. */
static void
assist_classify (FidgetWorkspace *self,
                 gboolean         opening_picker)
{
  const FidgetSuggestion *suggestion = NULL;
  const char *key = NULL;
  const char *answer;
  gint64 start = 0, end = 0;
  gboolean have_target, waiting = FALSE;

  have_target = classify_target (self, opening_picker, &key, &start, &end, &waiting);
  if (have_target && !waiting && self->classify_uuid != NULL &&
      g_str_equal (self->classify_uuid, key) && self->classify_start == start &&
      self->classify_end == end && self->classify_model == self->model)
    return;   /* the answer shown (or coming) is still the right one */

  if (self->classify_cancellable != NULL)
    g_cancellable_cancel (self->classify_cancellable);
  g_clear_object (&self->classify_cancellable);
  g_clear_pointer (&self->classify_uuid, g_free);
  self->classify_model = NULL;
  fidget_action_picker_set_suggestions (self->picker, NULL, NULL);

  if (!have_target)
    suggestion = find_suggestion (self, self->selected);
  if (suggestion != NULL)
    {
      picker_show_scores (self, suggestion->scores_json);
      return;
    }
  if (!have_target || self->video == NULL || self->player == NULL)
    {
      fidget_action_picker_set_suggestions_note (self->picker,
                                                 _("Select a segment to see the model's top "
                                                   "five for it."));
      return;
    }
  if (self->model == NULL)
    {
      fidget_action_picker_set_suggestions_note (
        self->picker, self->model_weights != NULL && self->model_error == NULL
                      ? _("The model is loading…")
                      : _("No model: choose MANet's weights in Preferences to see its top "
                          "five here."));
      return;
    }
  if (waiting)
    {
      fidget_action_picker_set_suggestions_note (self->picker,
                                                 _("Mark the end with O to see the model's "
                                                   "top five for it."));
      return;
    }

  self->classify_uuid = g_strdup (key);
  self->classify_start = start;
  self->classify_end = end;
  self->classify_model = self->model;
  /* Back to a segment asked about before: its frames gave this answer already. */
  answer = lookup_answer (self, start, end);
  if (answer != NULL)
    {
      picker_show_scores (self, answer);
      assist_prefetch_next (self);
      return;
    }

  fidget_action_picker_set_suggestions_note (self->picker, _("Asking the model…"));
  self->classify_started_us = g_get_monotonic_time ();
  /* Already being asked ahead: that question becomes this one. */
  if (self->prefetch_cancellable != NULL && self->prefetch_start == start &&
      self->prefetch_end == end)
    {
      self->classify_cancellable = g_steal_pointer (&self->prefetch_cancellable);
      return;
    }
  cancel_prefetch (self);
  self->classify_cancellable = g_cancellable_new ();
  self->classify_started++;
  /* The player usually holds the frames already: the annotator has just looked at them. */
  fidget_assist_classify_player_async (self->model, self->player, start, end,
                                       self->classify_cancellable, on_classified,
                                       pending_new (self, self->classify_cancellable));
}

static void
assist_classify_selected (FidgetWorkspace *self)
{
  assist_classify (self, FALSE);
}

/* }}} */

static void
assist_open_video (FidgetWorkspace *self)
{
  assist_reload_suggestions (self);
  assist_start_motion (self);
  assist_update (self);
}

static void
assist_close_video (FidgetWorkspace *self)
{
  GCancellable **jobs[] = { &self->motion_cancellable, &self->scan_cancellable,
                            &self->classify_cancellable, &self->prefetch_cancellable };

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      if (*jobs[i] != NULL)
        g_cancellable_cancel (*jobs[i]);
      g_clear_object (jobs[i]);
    }
  g_clear_pointer (&self->classify_uuid, g_free);
  forget_answers (self);
  g_clear_pointer (&self->fixing, g_free);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  fidget_timeline_set_suggestions (self->timeline, NULL);
  fidget_timeline_set_motion (self->timeline, NULL, 0);
  self->motion_fraction = -1.0;
  if (self->picker != NULL)
    fidget_action_picker_set_suggestions (self->picker, NULL, NULL);
}

static void
action_scan (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  start_scan (FIDGET_WORKSPACE (widget));
}

static void
action_cancel_scan (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  cancel_scan (FIDGET_WORKSPACE (widget));
}

static void
action_suggestion (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (widget);

  if (g_str_equal (name, "workspace.accept-suggestion"))
    accept_suggestion (self);
  else if (g_str_equal (name, "workspace.fix-suggestion"))
    fix_suggestion (self);
  else if (g_str_equal (name, "workspace.reject-suggestion"))
    reject_suggestion (self);
  else
    select_next_suggestion (self, g_str_equal (name, "workspace.next-suggestion"));
}

/* ------------------------------------------------------------------------------------------ */
/* Keys                                                                                        */

static gboolean
focus_is_text (FidgetWorkspace *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL)
    return FALSE;
  if (GTK_IS_EDITABLE (focus) || gtk_widget_get_ancestor (focus, FIDGET_TYPE_ACTION_PICKER) != NULL)
    return TRUE;
  /* The jump entry's popover, like the picker, keeps its keys. */
  return gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL;
}

gboolean
fidget_workspace_handle_key (FidgetWorkspace *self,
                             guint            keyval,
                             GdkModifierType  state)
{
  gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;
  gboolean end;
  int delta;

  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), FALSE);

  if (state & (GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK))
    return FALSE;

  if (ctrl)
    {
      switch (keyval)
        {
        case GDK_KEY_z:
          undo_or_redo (self, FALSE);
          return TRUE;
        case GDK_KEY_Z:
          undo_or_redo (self, TRUE);
          return TRUE;
        case GDK_KEY_y:
        case GDK_KEY_Y:
          undo_or_redo (self, TRUE);
          return TRUE;
        case GDK_KEY_plus:
        case GDK_KEY_equal:
        case GDK_KEY_KP_Add:
          fidget_timeline_zoom (self->timeline, 2.0, (double) self->position);
          return TRUE;
        case GDK_KEY_minus:
        case GDK_KEY_KP_Subtract:
          fidget_timeline_zoom (self->timeline, 0.5, (double) self->position);
          return TRUE;
        case GDK_KEY_0:
        case GDK_KEY_KP_0:
          fidget_timeline_zoom_to_fit (self->timeline);
          return TRUE;
        case GDK_KEY_m:
        case GDK_KEY_M:
          start_scan (self);
          return TRUE;
        case GDK_KEY_j:
        case GDK_KEY_J:
          gtk_menu_button_popup (self->position_button);
          gtk_widget_grab_focus (GTK_WIDGET (self->jump_entry));
          return TRUE;
        case GDK_KEY_Left:
        case GDK_KEY_KP_Left:
          step (self, -5 * frames_per_second (self));
          return TRUE;
        case GDK_KEY_Right:
        case GDK_KEY_KP_Right:
          step (self, 5 * frames_per_second (self));
          return TRUE;
        default:
          return FALSE;
        }
    }

  if (self->video == NULL)
    return FALSE;

  /* A digit continues a code being typed. */
  if (self->typed->len > 0)
    {
      guint32 c = gdk_keyval_to_unicode (keyval);

      if (c >= '0' && c <= '9')
        {
          g_string_append_c (self->typed, (char) c);
          check_typed (self);
          return TRUE;
        }
      if (keyval == GDK_KEY_BackSpace)
        {
          g_string_truncate (self->typed, self->typed->len - 1);
          update_typed (self);
          return TRUE;
        }
      if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
        {
          /* A complete code waiting for a longer one is taken as it is. */
          if (fidget_taxonomy_lookup_action (fidget_project_get_taxonomy (self->project),
                                             self->typed->str) != NULL)
            commit_typed (self);
          else
            open_picker (self);
          return TRUE;
        }
    }

  if (fidget_edge_key (keyval, &end, &delta))
    {
      nudge_selected (self, end, delta);
      return TRUE;
    }

  switch (keyval)
    {
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      fidget_workspace_set_playing (self, !self->playing);
      return TRUE;

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      step (self, -(shift ? frames_per_second (self) : step_size (self)));
      return TRUE;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      step (self, shift ? frames_per_second (self) : step_size (self));
      return TRUE;

    case GDK_KEY_Page_Up:
      step (self, -5 * frames_per_second (self));
      return TRUE;

    case GDK_KEY_Page_Down:
      step (self, 5 * frames_per_second (self));
      return TRUE;

    case GDK_KEY_F9:
      fidget_workspace_set_inspector_visible (self,
                                              !fidget_workspace_get_inspector_visible (self));
      return TRUE;

    case GDK_KEY_Home:
      step (self, -self->position);
      return TRUE;

    case GDK_KEY_End:
      step (self, frame_count (self));
      return TRUE;

    case GDK_KEY_i:
    case GDK_KEY_I:
      set_mark (self, FALSE);
      return TRUE;

    case GDK_KEY_o:
    case GDK_KEY_O:
      set_mark (self, TRUE);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      open_picker (self);
      return TRUE;

    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
      select_neighbour (self, !shift);
      return TRUE;

    case GDK_KEY_ISO_Left_Tab:
      select_neighbour (self, FALSE);
      return TRUE;

    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      delete_selected (self);
      return TRUE;

    case GDK_KEY_l:
    case GDK_KEY_L:
      toggle_loop (self);
      return TRUE;

    /* Suggestions: keep, update (fix), wrong (reject), and walk them. */
    case GDK_KEY_k:
    case GDK_KEY_K:
      accept_suggestion (self);
      return TRUE;

    case GDK_KEY_u:
    case GDK_KEY_U:
      fix_suggestion (self);
      return TRUE;

    case GDK_KEY_w:
    case GDK_KEY_W:
      reject_suggestion (self);
      return TRUE;

    case GDK_KEY_period:
    case GDK_KEY_KP_Decimal:
      select_next_suggestion (self, TRUE);
      return TRUE;

    case GDK_KEY_comma:
      select_next_suggestion (self, FALSE);
      return TRUE;

    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      change_speed (self, 1);
      return TRUE;

    case GDK_KEY_minus:
    case GDK_KEY_underscore:
    case GDK_KEY_KP_Subtract:
      change_speed (self, -1);
      return TRUE;

    case GDK_KEY_Escape:
      /* One thing at a time: the code typed, the marks, the selection, the loop. */
      if (self->typed->len > 0)
        clear_typed (self);
      else if (self->mark_in >= 0 || self->mark_out >= 0)
        {
          self->mark_in = self->mark_out = -1;
          update_marks (self);
          assist_classify_selected (self);
        }
      else if (self->selected != NULL)
        select_segment (self, NULL);
      else if (self->loop_end > self->loop_start)
        clear_loop (self);
      else
        return FALSE;
      return TRUE;

    default:
      break;
    }

  if (is_body_part_key (self, keyval))
    {
      g_string_truncate (self->typed, 0);
      g_string_append_c (self->typed, g_ascii_toupper ((char) gdk_keyval_to_unicode (keyval)));
      g_clear_handle_id (&self->typed_timeout, g_source_remove);
      update_typed (self);
      return TRUE;
    }

  return FALSE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FidgetWorkspace       *self)
{
  if (focus_is_text (self))
    {
      /* Escape leaves a text field for the shortcuts, unless a popover wants it. */
      if (keyval == GDK_KEY_Escape)
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

          if (focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) == NULL)
            {
              fidget_workspace_focus (self);
              return TRUE;
            }
        }
      return FALSE;
    }
  /* On a video that cannot be played, Enter and Space press "Find the Video File…". */
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL &&
      gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self))) == self->relink_button &&
      (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_space) &&
      (state & gtk_accelerator_get_default_mod_mask ()) == 0)
    return FALSE;
  return fidget_workspace_handle_key (self, keyval, state);
}

void
fidget_workspace_focus (FidgetWorkspace *self)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  /* The picture hides while a video loads or when it cannot be played, and a hidden widget
   * with the focus keeps the window's own keys (Alt+Left) from being seen: then the keys go
   * to "Find the Video File…" when it is offered (Enter opens it), else to the timeline. The
   * workspace's shortcuts are captured above either. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->video_stack), "video") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->video_view));
  else if (!gtk_widget_get_visible (self->relink_button) ||
           !gtk_widget_grab_focus (self->relink_button))
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
}

/* After the picture's page changed: the keys follow if they were in the workspace. */
static void
refocus (FidgetWorkspace *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)) && !focus_is_text (self))
    fidget_workspace_focus (self);
}

gboolean
fidget_workspace_get_inspector_visible (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->inspector));
}

void
fidget_workspace_set_inspector_visible (FidgetWorkspace *self,
                                        gboolean         visible)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  visible = !!visible;
  if (visible == fidget_workspace_get_inspector_visible (self))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->inspector), visible);
  /* Its fields may have had the keys: they go back to the video. */
  if (!visible)
    fidget_workspace_focus (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSPECTOR_VISIBLE]);
}

/* ------------------------------------------------------------------------------------------ */
/* Widget actions                                                                              */

static void
action_play (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (widget);

  fidget_workspace_set_playing (self, !self->playing);
}

static void
action_step (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (widget);

  step (self, g_str_equal (name, "workspace.step-back") ? -step_size (self) : step_size (self));
}

static void
action_speed (GtkWidget  *widget,
              const char *name,
              GVariant   *parameter)
{
  change_speed (FIDGET_WORKSPACE (widget), g_str_equal (name, "workspace.speed-up") ? 1 : -1);
}

static void
action_loop (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  toggle_loop (FIDGET_WORKSPACE (widget));
}

static void
action_undo (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  undo_or_redo (FIDGET_WORKSPACE (widget), g_str_equal (name, "workspace.redo"));
}

static void
action_pick (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  open_picker (FIDGET_WORKSPACE (widget));
}

static void
action_zoom (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (widget);

  if (g_str_equal (name, "workspace.zoom-fit"))
    fidget_timeline_zoom_to_fit (self->timeline);
  else
    fidget_timeline_zoom (self->timeline, g_str_equal (name, "workspace.zoom-in") ? 2.0 : 0.5,
                          (double) self->position);
}

static void
action_dismiss_error (GtkWidget  *widget,
                      const char *name,
                      GVariant   *parameter)
{
  show_error (FIDGET_WORKSPACE (widget), NULL);
}

static void
on_jump_activate (GtkEntry        *entry,
                  FidgetWorkspace *self)
{
  gint64 frame;

  if (!fidget_parse_position (gtk_editable_get_text (GTK_EDITABLE (entry)), fps_num (self),
                              fps_den (self), &frame))
    {
      show_message (self, _("Type a frame number such as 120, or a time such as 1:02.50"));
      return;
    }
  gtk_popover_popdown (self->jump_popover);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  fidget_workspace_seek (self, frame);
  fidget_workspace_focus (self);
}

static void
on_timeline_seek (FidgetTimeline  *timeline,
                  gint64           frame,
                  FidgetWorkspace *self)
{
  fidget_workspace_seek (self, frame);
}

static void
on_timeline_selected (FidgetTimeline  *timeline,
                      GParamSpec      *pspec,
                      FidgetWorkspace *self)
{
  const char *uuid = fidget_timeline_get_selected (timeline);

  if (g_strcmp0 (uuid, self->selected) != 0)
    select_segment (self, uuid);
}

static void
on_segment_edited (FidgetTimeline  *timeline,
                   const char      *uuid,
                   gint64           start,
                   gint64           end,
                   FidgetWorkspace *self)
{
  FidgetSegment values = { 0 };

  values.start_frame = start;
  values.end_frame = end;
  select_segment (self, uuid);
  if (!update_selected (self, &values, FIDGET_SEGMENT_FIELD_START | FIDGET_SEGMENT_FIELD_END,
                        _("The segment was not moved")))
    reload_segments (self);   /* back to where the store has it */
}

static void
on_inspector_refused (FidgetInspector *inspector,
                      const GError    *error,
                      FidgetWorkspace *self)
{
  show_refusal (self, _("The change was not saved"), error);
}

/* ------------------------------------------------------------------------------------------ */

void
fidget_workspace_set_project (FidgetWorkspace *self,
                              FidgetProject   *project)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  if (self->project == project)
    return;
  fidget_workspace_close_video (self);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_set_object (&self->project, project);

  fidget_inspector_set_project (self->inspector, project);
  if (project != NULL)
    {
      FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (project);

      self->changed_id = g_signal_connect (project, "changed", G_CALLBACK (on_project_changed), self);
      fidget_timeline_set_taxonomy (self->timeline, taxonomy);
      fidget_action_picker_set_taxonomy (self->picker, taxonomy);
    }
  assist_load_model (self);
}

void
fidget_workspace_set_annotator (FidgetWorkspace *self,
                                const char      *annotator)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  if (annotator != NULL && annotator[0] == '\0')
    annotator = NULL;
  if (g_strcmp0 (annotator, self->annotator) == 0)
    return;
  g_free (self->annotator);
  self->annotator = g_strdup (annotator);
  reload_segments (self);
  update_annotator_banner (self);
  /* A "choose who you are" still on screen is answered now: say so in its place. */
  if (annotator != NULL && self->toast != NULL)
    {
      /* Translators: %s is the annotator's name */
      g_autofree char *message = g_strdup_printf (_("Edits are recorded as %s"), annotator);

      show_message (self, message);
    }
}

void
fidget_workspace_set_show_others (FidgetWorkspace *self,
                                  gboolean         show)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  self->show_others = show;
  update_others_lane (self);
}

/* Private accessors */

FidgetTimeline *
fidget_workspace_get_timeline (FidgetWorkspace *self)
{
  return self->timeline;
}

FidgetVideoView *
fidget_workspace_get_video_view (FidgetWorkspace *self)
{
  return self->video_view;
}

FidgetInspector *
fidget_workspace_get_inspector (FidgetWorkspace *self)
{
  return self->inspector;
}

gint64
fidget_workspace_get_frame_prefetch_ready (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), -1);
  return self->frame_prefetch != NULL ? fidget_frame_prefetch_get_ready (self->frame_prefetch)
                                      : -1;
}

FidgetPlayer *
fidget_workspace_get_player (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), NULL);
  return self->player;
}

FidgetActionPicker *
fidget_workspace_get_picker (FidgetWorkspace *self)
{
  return self->picker;
}

GtkEventController *
fidget_workspace_get_key_controller (FidgetWorkspace *self)
{
  return self->keys;
}

gint64
fidget_workspace_get_shown_frame (FidgetWorkspace *self)
{
  return self->shown;
}

gboolean
fidget_workspace_is_settled (FidgetWorkspace *self)
{
  return self->player != NULL && !self->fetching && self->shown == self->position;
}

void
fidget_workspace_set_scrub_by_keyframes (FidgetWorkspace *self,
                                         gboolean         by_keyframes)
{
  self->scrub_by_keyframes = by_keyframes;
}

void
fidget_workspace_get_marks (FidgetWorkspace *self,
                            gint64          *in_frame,
                            gint64          *out_frame)
{
  if (in_frame != NULL)
    *in_frame = self->mark_in;
  if (out_frame != NULL)
    *out_frame = self->mark_out;
}

const char *
fidget_workspace_get_selected (FidgetWorkspace *self)
{
  return self->selected;
}

void
fidget_workspace_get_loop (FidgetWorkspace *self,
                           gint64          *start,
                           gint64          *end)
{
  if (start != NULL)
    *start = self->loop_start;
  if (end != NULL)
    *end = self->loop_end;
}

const char *
fidget_workspace_get_error (FidgetWorkspace *self)
{
  return self->error_text;
}

const char *
fidget_workspace_get_last_message (FidgetWorkspace *self)
{
  return self->last_message;
}

const char *
fidget_workspace_get_typed_code (FidgetWorkspace *self)
{
  return self->typed->str;
}

GPtrArray *
fidget_workspace_get_suggestions (FidgetWorkspace *self)
{
  return self->suggestions;
}

FidgetAssistModel *
fidget_workspace_get_model (FidgetWorkspace *self)
{
  return self->model;
}

gboolean
fidget_workspace_is_model_loading (FidgetWorkspace *self)
{
  return self->model_cancellable != NULL;
}

const char *
fidget_workspace_get_assist_text (FidgetWorkspace *self)
{
  return gtk_label_get_text (self->assist_label);
}

gboolean
fidget_workspace_is_scanning (FidgetWorkspace *self,
                              double          *fraction)
{
  if (fraction != NULL)
    *fraction = self->scan_fraction;
  return self->scan_cancellable != NULL;
}

gboolean
fidget_workspace_is_measuring_motion (FidgetWorkspace *self)
{
  return self->motion_cancellable != NULL;
}

void
fidget_workspace_get_classify_stats (FidgetWorkspace *self,
                                     guint           *started,
                                     guint           *cancelled,
                                     guint           *completed,
                                     double          *last_ms)
{
  if (started != NULL)
    *started = self->classify_started;
  if (cancelled != NULL)
    *cancelled = self->classify_cancelled;
  if (completed != NULL)
    *completed = self->classify_completed;
  if (last_ms != NULL)
    *last_ms = self->classify_ms;
}

guint
fidget_workspace_get_prefetched (FidgetWorkspace *self,
                                 gboolean        *in_progress)
{
  if (in_progress != NULL)
    *in_progress = self->prefetch_cancellable != NULL;
  return self->prefetched;
}

const char *
fidget_workspace_get_classified (FidgetWorkspace *self)
{
  return self->classify_cancellable == NULL ? self->classify_uuid : NULL;
}

/* ------------------------------------------------------------------------------------------ */

static void
fidget_workspace_dispose (GObject *object)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (object);

  fidget_workspace_stop_playing (self);
  self->generation++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->typed_timeout, g_source_remove);
  g_clear_handle_id (&self->scrub_rest_id, g_source_remove);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  if (self->settings != NULL)
    g_clear_signal_handler (&self->settings_changed_id, self->settings);
  if (self->model_cancellable != NULL)
    g_cancellable_cancel (self->model_cancellable);
  g_clear_object (&self->model_cancellable);
  assist_close_video (self);
  g_clear_pointer (&self->model, fidget_assist_model_unref);

  if (self->picker != NULL)
    {
      gtk_menu_button_set_popover (self->picker_button, NULL);
      self->picker = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_WORKSPACE);

  if (self->frame_prefetch != NULL)
    fidget_frame_prefetch_cancel (self->frame_prefetch);
  g_clear_object (&self->frame_prefetch);
  g_clear_object (&self->player);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  g_clear_object (&self->toast);
  g_clear_pointer (&self->mine, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);

  G_OBJECT_CLASS (fidget_workspace_parent_class)->dispose (object);
}

static void
fidget_workspace_finalize (GObject *object)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (object);

  g_clear_pointer (&self->video, fidget_video_free);
  g_clear_pointer (&self->annotator, g_free);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->error_text, g_free);
  g_clear_pointer (&self->last_message, g_free);
  g_clear_pointer (&self->model_weights, g_free);
  g_clear_pointer (&self->model_error, g_free);
  g_clear_pointer (&self->classify_uuid, g_free);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->fixing, g_free);
  g_string_free (self->typed, TRUE);

  G_OBJECT_CLASS (fidget_workspace_parent_class)->finalize (object);
}

static void
fidget_workspace_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_int64 (value, self->position);
      break;

    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;

    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;

    case PROP_INSPECTOR_VISIBLE:
      g_value_set_boolean (value, fidget_workspace_get_inspector_visible (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_workspace_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FidgetWorkspace *self = FIDGET_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      fidget_workspace_seek (self, g_value_get_int64 (value));
      break;

    case PROP_PLAYING:
      fidget_workspace_set_playing (self, g_value_get_boolean (value));
      break;

    case PROP_SPEED:
      fidget_workspace_set_speed (self, g_value_get_double (value));
      break;

    case PROP_INSPECTOR_VISIBLE:
      fidget_workspace_set_inspector_visible (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_workspace_class_init (FidgetWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fidget_workspace_dispose;
  object_class->finalize = fidget_workspace_finalize;
  object_class->get_property = fidget_workspace_get_property;
  object_class->set_property = fidget_workspace_set_property;

  properties[PROP_POSITION] =
    g_param_spec_int64 ("position", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL,
                         0.1, 2.0, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The segment panel at the right; hidden, the window can be as narrow as the video side
   * needs (half a 1920-pixel screen). */
  properties[PROP_INSPECTOR_VISIBLE] =
    g_param_spec_boolean ("inspector-visible", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FIDGET_TYPE_VIDEO_VIEW);
  g_type_ensure (FIDGET_TYPE_TIMELINE);
  g_type_ensure (FIDGET_TYPE_INSPECTOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-workspace.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, paned);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, video_stack);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, video_view);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, unplayable_page);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, relink_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, error_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, annotator_revealer);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, code_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, play_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, position_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, position_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, position_rest_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, jump_popover);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, jump_entry);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, marks_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, picker_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, loop_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, audio_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, speed_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, timeline);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, inspector);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, assist_bar);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, assist_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, assist_progress);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, assist_cancel);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, assist_weights);
  gtk_widget_class_bind_template_child (widget_class, FidgetWorkspace, scan_button);

  gtk_widget_class_install_action (widget_class, "workspace.play", NULL, action_play);
  gtk_widget_class_install_action (widget_class, "workspace.relink", NULL, action_relink);
  gtk_widget_class_install_action (widget_class, "workspace.step-back", NULL, action_step);
  gtk_widget_class_install_action (widget_class, "workspace.step-forward", NULL, action_step);
  gtk_widget_class_install_action (widget_class, "workspace.speed-up", NULL, action_speed);
  gtk_widget_class_install_action (widget_class, "workspace.speed-down", NULL, action_speed);
  gtk_widget_class_install_action (widget_class, "workspace.loop", NULL, action_loop);
  gtk_widget_class_install_action (widget_class, "workspace.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "workspace.redo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "workspace.pick-action", NULL, action_pick);
  gtk_widget_class_install_action (widget_class, "workspace.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "workspace.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "workspace.zoom-fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "workspace.dismiss-error", NULL,
                                   action_dismiss_error);
  gtk_widget_class_install_action (widget_class, "workspace.scan", NULL, action_scan);
  gtk_widget_class_install_action (widget_class, "workspace.cancel-scan", NULL,
                                   action_cancel_scan);
  gtk_widget_class_install_action (widget_class, "workspace.accept-suggestion", NULL,
                                   action_suggestion);
  gtk_widget_class_install_action (widget_class, "workspace.fix-suggestion", NULL,
                                   action_suggestion);
  gtk_widget_class_install_action (widget_class, "workspace.reject-suggestion", NULL,
                                   action_suggestion);
  gtk_widget_class_install_action (widget_class, "workspace.next-suggestion", NULL,
                                   action_suggestion);
  gtk_widget_class_install_action (widget_class, "workspace.previous-suggestion", NULL,
                                   action_suggestion);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "workspace");
}

static void
fidget_workspace_init (FidgetWorkspace *self)
{
  g_auto(GStrv) recent = NULL;

  self->typed = g_string_new (NULL);
  self->mark_in = self->mark_out = -1;
  self->loop_start = self->loop_end = -1;
  self->shown = -1;
  self->answered = -1;
  self->speed = 1.0;
  self->motion_fraction = -1.0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = fidget_settings_new ();
  if (self->settings != NULL)
    {
      self->speed = CLAMP (g_settings_get_double (self->settings, "default-speed"), 0.1, 2.0);
      recent = g_settings_get_strv (self->settings, "recent-actions");
      /* Weights chosen in Preferences apply at once. */
      self->settings_changed_id = g_signal_connect (self->settings, "changed",
                                                    G_CALLBACK (on_settings_changed), self);
      g_settings_bind (self->settings, "play-audio", self->audio_button, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "inspector-visible", self, "inspector-visible",
                       G_SETTINGS_BIND_DEFAULT);
    }
  g_signal_connect (self->audio_button, "toggled", G_CALLBACK (on_audio_toggled), self);
  update_audio_button (self);

  self->picker = FIDGET_ACTION_PICKER (fidget_action_picker_new ());
  fidget_action_picker_set_recent (self->picker, (const char * const *) recent);
  gtk_menu_button_set_popover (self->picker_button, GTK_WIDGET (self->picker));
  g_signal_connect (self->picker, "action-chosen", G_CALLBACK (on_action_chosen), self);
  g_signal_connect (self->picker, "show", G_CALLBACK (on_picker_shown), self);
  g_signal_connect (self->picker, "closed", G_CALLBACK (on_picker_closed), self);

  g_signal_connect (self->jump_entry, "activate", G_CALLBACK (on_jump_activate), self);
  g_signal_connect (self->timeline, "seek", G_CALLBACK (on_timeline_seek), self);
  g_signal_connect (self->timeline, "notify::scrubbing", G_CALLBACK (on_timeline_scrubbing), self);
  g_signal_connect (self->timeline, "notify::selected", G_CALLBACK (on_timeline_selected), self);
  g_signal_connect (self->timeline, "segment-edited", G_CALLBACK (on_segment_edited), self);
  g_signal_connect (self->inspector, "refused", G_CALLBACK (on_inspector_refused), self);

  /* Capture: the shortcuts come before whatever has the focus (a button would take Space),
   * except text fields, which on_key_pressed() leaves alone. */
  self->keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (self->keys, GTK_PHASE_CAPTURE);
  g_signal_connect (self->keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), self->keys);

  update_speed (self);
  update_marks (self);
  update_play_button (self);
  update_position_label (self);
  update_annotator_banner (self);
  reload_segments (self);
  assist_update (self);
}

GtkWidget *
fidget_workspace_new (void)
{
  return g_object_new (FIDGET_TYPE_WORKSPACE, NULL);
}

/* {{{ review */

void
fidget_workspace_review_show_range (FidgetWorkspace *self,
                                    const char      *uuid,
                                    gint64           start,
                                    gint64           end,
                                    gboolean         play)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  select_segment (self, find_segment (self, uuid) != NULL ? uuid : NULL);
  fidget_workspace_set_playing (self, FALSE);
  if (end > start)
    {
      self->loop_start = start;
      self->loop_end = end;
      fidget_timeline_set_loop (self->timeline, start, end);
      gtk_toggle_button_set_active (self->loop_button, TRUE);
    }
  else
    clear_loop (self);
  fidget_workspace_seek (self, MAX (start, 0));
  if (play)
    fidget_workspace_set_playing (self, TRUE);
}

void
fidget_workspace_review_end (FidgetWorkspace *self)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  fidget_workspace_set_playing (self, FALSE);
  clear_loop (self);
}

void
fidget_workspace_review_set_marks (FidgetWorkspace *self,
                                   gint64           in_frame,
                                   gint64           out_frame)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  clear_typed (self);
  self->mark_in = in_frame;
  self->mark_out = out_frame;
  update_marks (self);
}

void
fidget_workspace_review_set_others (FidgetWorkspace *self,
                                    GPtrArray       *segments)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));

  if (segments == NULL)
    {
      reload_segments (self);
      return;
    }
  fidget_timeline_set_segments (self->timeline, FIDGET_TIMELINE_LANE_OTHERS, segments);
  fidget_timeline_set_lane_visible (self->timeline, FIDGET_TIMELINE_LANE_OTHERS, TRUE);
}

void
fidget_workspace_review_show_message (FidgetWorkspace *self,
                                      const char      *message)
{
  g_return_if_fail (FIDGET_IS_WORKSPACE (self));
  g_return_if_fail (message != NULL);

  show_message (self, message);
}

gboolean
fidget_workspace_review_keys_busy (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), FALSE);

  return self->typed->len > 0 || self->mark_in >= 0 || self->mark_out >= 0 ||
         focus_is_text (self);
}

gboolean
fidget_workspace_review_is_playable (FidgetWorkspace *self)
{
  g_return_val_if_fail (FIDGET_IS_WORKSPACE (self), FALSE);

  return self->player != NULL;
}

/* }}} */
