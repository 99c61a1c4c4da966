/* test-review-views.c: the role-aware review in a real window, driven with keys
 *
 * A small study of three real clips: again.mkv assigned to amara (primary), bo and carmen
 * (checkers) and dev (reviewer); bird.mkv to bo, with amara and carmen checking; book.mkv
 * free. Each test opens the study in the application's window as one person and works
 * through a step with key presses delivered as GTK delivers them (the window's capture
 * controller first, then the workspace's), then reads what happened back from the project
 * file on a connection of its own.
 *
 * With FIDGET_REVIEW_SHOTS=DIR in the environment, each view is also saved as a PNG there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "app-test-util.h"
#include "fidget-agreement.h"
#include "fidget-application.h"
#include "fidget-review.h"
#include "fidget-test-util.h"
#include "fidget-timeline-private.h"
#include "fidget-video-import.h"
#include "fidget-window-private.h"
#include "fidget-workspace-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Running the window                                                                          */

/* The video opened, and either looping the item under review or resting on a frame. */
static void
wait_open (FidgetWorkspace *workspace)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!(fidget_workspace_review_is_playable (workspace) &&
           (fidget_workspace_get_playing (workspace) || fidget_workspace_is_settled (workspace))) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  app_test_spin ();
  g_assert_true (fidget_workspace_review_is_playable (workspace));
}

/* Renders the window as it is on screen to DIR/NAME when FIDGET_REVIEW_SHOTS=DIR. */
static void
shoot (GtkWidget  *widget,
       const char *name)
{
  const char *dir = g_getenv ("FIDGET_REVIEW_SHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL || dir[0] == '\0')
    return;
  g_mkdir_with_parents (dir, 0755);
  /* Let the toasts, the frame shown and a redraw arrive. */
  app_test_spin_for (400);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (app_test_save_png (widget, path));
  g_test_message ("saved %s", path);
}

/* ------------------------------------------------------------------------------------------ */
/* The study                                                                                   */

typedef struct
{
  FidgetApplication *app;
  FidgetWindow      *window;
  FidgetWorkspace   *workspace;
  FidgetReviewBar   *bar;
  FidgetProject     *project;     /* the window's */
  char              *path;
  gint64             again;       /* assigned: amara, checked by bo and carmen, dev reviews */
  gint64             bird;        /* assigned: bo, checked by amara and carmen */
  gint64             book;        /* free */
  char              *seg[3];      /* amara's segments on again.mkv, in time order */
} Fixture;

static FidgetProject *
open_as (Fixture    *f,
         const char *actor)
{
  g_autoptr(GError) error = NULL;
  FidgetProject *project = fidget_project_open (f->path, &error);

  g_assert_no_error (error);
  fidget_project_set_actor (project, actor);
  return project;
}

static gint64
import (FidgetProject *project,
        const char    *name,
        const char    *participant)
{
  g_autofree char *sample = fidget_test_sample (name);
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  FidgetImportOptions options = { participant, NULL, NULL };

  video = fidget_import_video (project, sample, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return video->id;
}

static void
add (FidgetProject *project,
     gint64         video_id,
     const char    *annotator,
     gint64         start,
     gint64         end,
     const char    *code,
     char         **uuid)
{
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;

  segment = fidget_project_add_segment (project, video_id, annotator, start, end, code, &error);
  g_assert_no_error (error);
  if (uuid != NULL)
    *uuid = g_strdup (segment->uuid);
}

/* Builds the study; returns FALSE (the test skipped) when the samples are missing. */
static gboolean
create_study (Fixture *f)
{
  static const char * const names[] = { "amara", "bo", "carmen", "dev", "eve" };
  static const char * const again_checkers[] = { "bo", "carmen", NULL };
  static const char * const bird_checkers[] = { "amara", "carmen", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *probe = fidget_test_sample ("again.mkv");
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bird_segment = NULL;

  /* fidget_test_sample() has said why it skips. */
  if (probe == NULL)
    return FALSE;

  dir = fidget_test_make_tmpdir ();
  f->path = g_build_filename (dir, "study.fidget", NULL);
  project = fidget_project_create (f->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (project, names[i], &error);

      g_assert_no_error (error);
    }

  f->again = import (project, "again.mkv", "P001");
  f->bird = import (project, "bird.mkv", "P002");
  f->book = import (project, "book.mkv", "P003");

  add (project, f->again, "amara", 5, 20, "B1", &f->seg[0]);
  add (project, f->again, "amara", 30, 45, "C2", &f->seg[1]);
  add (project, f->again, "amara", 50, 70, "F1", &f->seg[2]);
  add (project, f->bird, "bo", 10, 30, "A4", &bird_segment);

  g_assert_true (fidget_review_assign (project, f->again, "amara", again_checkers, "dev", &error));
  g_assert_no_error (error);
  g_assert_true (fidget_review_assign (project, f->bird, "bo", bird_checkers, "dev", &error));
  g_assert_no_error (error);

  /* bird.mkv waits for its checkers. */
  fidget_project_set_actor (project, "bo");
  g_assert_true (fidget_review_confirm (project, bird_segment, &error));
  g_assert_no_error (error);
  g_assert_true (fidget_review_submit_self_check (project, f->bird, &error));
  g_assert_no_error (error);
  return TRUE;
}

/* amara confirms and submits again.mkv's self-check, behind the window's back. */
static void
submit_self_check (Fixture *f)
{
  g_autoptr(FidgetProject) project = open_as (f, "amara");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (fidget_review_confirm (project, f->seg[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (fidget_review_submit_self_check (project, f->again, &error));
  g_assert_no_error (error);
}

static void
decide_as (Fixture            *f,
           const char         *checker,
           guint               segment,
           FidgetDecisionKind  kind,
           const char         *code,
           gint64              start,
           gint64              end)
{
  g_autoptr(FidgetProject) project = open_as (f, checker);
  g_autoptr(FidgetReviewDecision) decision = NULL;
  g_autoptr(GError) error = NULL;

  decision = fidget_review_decide (project, f->seg[segment], kind, code, start, end, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decision);
}

static void
submit_cross_check_as (Fixture    *f,
                       const char *checker)
{
  g_autoptr(FidgetProject) project = open_as (f, checker);
  g_autoptr(GError) error = NULL;

  g_assert_true (fidget_review_submit_cross_check (project, f->again, &error));
  g_assert_no_error (error);
}

static void
open_window (Fixture    *f,
             const char *annotator)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->path);
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);

  /* A first start: nowhere to resume but the first video. */
  g_settings_reset (settings, "last-positions");
  f->app = app_test_create_application ();
  fidget_application_set_annotator (f->app, annotator);
  f->window = fidget_application_open_file (f->app, file, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  f->workspace = fidget_window_get_workspace (f->window);
  f->bar = fidget_window_get_review_bar (f->window);
  f->project = fidget_window_get_project (f->window);
  wait_open (f->workspace);
}

static void
fixture_clear (Fixture *f)
{
  app_test_destroy_all_toplevels ();
  g_clear_object (&f->app);
  g_clear_pointer (&f->path, g_free);
  for (guint i = 0; i < 3; i++)
    g_clear_pointer (&f->seg[i], g_free);
}

/* A key press as GTK hands it over: the window's capture controller (the review's keys)
 * first, then, unless it took the key, the workspace's. */
static gboolean
press_with (Fixture         *f,
            guint            keyval,
            GdkModifierType  state)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (fidget_window_get_review_key_controller (f->window), "key-pressed",
                         keyval, 0, state, &handled);
  if (!handled)
    g_signal_emit_by_name (fidget_workspace_get_key_controller (f->workspace), "key-pressed",
                           keyval, 0, state, &handled);
  app_test_spin ();
  return handled;
}

static void
press (Fixture *f,
       guint    keyval)
{
  g_assert_true (press_with (f, keyval, 0));
}

static gint64
row_video (gpointer row)
{
  return (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "fidget-video-id"));
}

/* Opens @video_id from whichever list has it, as a click on its row does. */
static void
open_video (Fixture *f,
            gint64   video_id)
{
  GtkListBox *lists[] = { fidget_window_get_waiting_list (f->window),
                          fidget_window_get_video_list (f->window) };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-videos", NULL));
  app_test_spin ();
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_autoptr(GPtrArray) rows = app_test_action_rows (lists[l]);

      for (guint i = 0; i < rows->len; i++)
        if (row_video (g_ptr_array_index (rows, i)) == video_id)
          {
            g_signal_emit_by_name (lists[l], "row-activated", g_ptr_array_index (rows, i));
            wait_open (f->workspace);
            g_assert_cmpstr (fidget_window_get_page_name (f->window), ==, "workspace");
            g_assert_cmpint (fidget_workspace_get_video (f->workspace)->id, ==, video_id);
            return;
          }
    }
  g_error ("video %" G_GINT64_FORMAT " is in neither list", video_id);
}

static FidgetReviewState
state_of (Fixture *f,
          gint64   video_id)
{
  g_autoptr(FidgetProject) reader = open_as (f, NULL);
  g_autoptr(FidgetReviewStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = fidget_review_get_status (reader, video_id, &error);
  g_assert_no_error (error);
  return status->state;
}

/* ------------------------------------------------------------------------------------------ */

/* The rows of the waiting list, as video ids in order, and their subtitles. */
static void
assert_waiting (Fixture    *f,
                gint64      first,
                const char *first_subtitle,
                gint64      second,
                const char *second_subtitle)
{
  g_autoptr(GPtrArray) waiting = app_test_action_rows (fidget_window_get_waiting_list (f->window));
  g_autoptr(GPtrArray) others = app_test_action_rows (fidget_window_get_video_list (f->window));
  guint expected = (first > 0) + (second > 0);

  g_assert_cmpuint (waiting->len, ==, expected);
  g_assert_cmpuint (others->len, ==, 3 - expected);
  g_assert_cmpint (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (fidget_window_get_waiting_list (f->window)))),
                   ==, expected > 0);
  if (first > 0)
    {
      g_assert_cmpint (row_video (g_ptr_array_index (waiting, 0)), ==, first);
      g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (waiting, 0)), ==, first_subtitle);
    }
  if (second > 0)
    {
      g_assert_cmpint (row_video (g_ptr_array_index (waiting, 1)), ==, second);
      g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (waiting, 1)), ==, second_subtitle);
    }
}

static void
test_waiting_for_me (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;

  REQUIRE_DISPLAY ();
  if (!create_study (&f))
    return;
  open_window (&f, "amara");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.show-videos", NULL));
  app_test_spin ();
  g_assert_cmpstr (fidget_window_get_page_name (f.window), ==, "project");

  /* amara: her own self-check on again.mkv, her cross-check of bo's bird.mkv; book.mkv is
   * free, so it waits for nobody in particular. */
  assert_waiting (&f, f.again, "Annotate and self-check · 0 of 3 confirmed",
                  f.bird, "Cross-check · 0 of 1 decided");
  shoot (GTK_WIDGET (f.window), "review-waiting-amara.png");

  /* bo has submitted his self-check and is not yet at again.mkv's cross-check. */
  fidget_window_set_annotator (f.window, "bo");
  app_test_spin ();
  assert_waiting (&f, 0, NULL, 0, NULL);

  /* carmen checks bird.mkv; dev has nothing until a cross-check is over. */
  fidget_window_set_annotator (f.window, "carmen");
  app_test_spin ();
  assert_waiting (&f, f.bird, "Cross-check · 0 of 1 decided", 0, NULL);
  fidget_window_set_annotator (f.window, "dev");
  app_test_spin ();
  assert_waiting (&f, 0, NULL, 0, NULL);

  /* Live: as amara confirms through the window's project, the list follows without a reload,
   * and after her submission again.mkv leaves her list for bo's. */
  fidget_window_set_annotator (f.window, "amara");
  app_test_spin ();
  g_assert_true (fidget_review_confirm (f.project, f.seg[0], &error));
  g_assert_no_error (error);
  app_test_spin ();
  assert_waiting (&f, f.again, "Annotate and self-check · 1 of 3 confirmed",
                  f.bird, "Cross-check · 0 of 1 decided");
  g_assert_true (fidget_review_confirm (f.project, f.seg[1], &error));
  g_assert_true (fidget_review_confirm (f.project, f.seg[2], &error));
  g_assert_true (fidget_review_submit_self_check (f.project, f.again, &error));
  g_assert_no_error (error);
  app_test_spin ();
  assert_waiting (&f, f.bird, "Cross-check · 0 of 1 decided", 0, NULL);
  fidget_window_set_annotator (f.window, "bo");
  app_test_spin ();
  assert_waiting (&f, f.again, "Cross-check · 0 of 3 decided", 0, NULL);

  fixture_clear (&f);
}

static void
test_self_check_with_keys (void)
{
  Fixture f = { 0 };
  g_autoptr(FidgetProject) reader = NULL;
  g_autoptr(FidgetSegment) fixed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 loop_start, loop_end;

  REQUIRE_DISPLAY ();
  if (!create_study (&f))
    return;
  open_window (&f, "amara");
  open_video (&f, f.again);

  /* The bar walks amara's three segments from the first, selected and looping. */
  g_assert_cmpint (fidget_review_bar_get_mode (f.bar), ==, FIDGET_REVIEW_BAR_SELF_CHECK);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.bar)));
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Self-check · Segment 1 of 3");
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[0]);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, f.seg[0]);
  fidget_workspace_get_loop (f.workspace, &loop_start, &loop_end);
  g_assert_cmpint (loop_start, ==, 5);
  g_assert_cmpint (loop_end, ==, 20);
  g_assert_true (fidget_workspace_get_playing (f.workspace));
  fidget_workspace_set_playing (f.workspace, FALSE);
  fidget_review_bar_set_autoplay (f.bar, FALSE);
  app_test_wait_settled (f.workspace);
  shoot (GTK_WIDGET (f.window), "review-self-check.png");

  /* Y confirms and moves on; Enter does the same. */
  press (&f, GDK_KEY_y);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[1]);
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Self-check · Segment 2 of 3");
  press (&f, GDK_KEY_Return);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[2]);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, f.seg[2]);

  /* A segment picked on the timeline becomes the one under review. */
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), f.seg[0]);
  app_test_spin ();
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[0]);
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Self-check · Segment 1 of 3");
  press (&f, GDK_KEY_n);
  press (&f, GDK_KEY_n);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[2]);

  /* P and N walk without deciding. */
  press (&f, GDK_KEY_p);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[1]);
  press (&f, GDK_KEY_n);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[2]);

  /* Fix in place: ] moves the start on (the workspace's key), the confirmation waits. */
  press (&f, GDK_KEY_bracketright);
  fidget_workspace_get_loop (f.workspace, &loop_start, &loop_end);
  g_assert_cmpint (loop_start, ==, 51);

  /* Submitting with one unconfirmed is the core's refusal, told in a toast. */
  g_assert_true (press_with (&f, GDK_KEY_Return, GDK_CONTROL_MASK));
  g_assert_true (g_str_has_prefix (fidget_workspace_get_last_message (f.workspace),
                                   "The self-check was not submitted: "));
  shoot (GTK_WIDGET (f.window), "review-self-check-refused.png");
  g_assert_cmpint (state_of (&f, f.again), ==, FIDGET_REVIEW_ANNOTATING);

  press (&f, GDK_KEY_y);
  g_assert_true (g_str_has_prefix (fidget_workspace_get_last_message (f.workspace),
                                   "Every segment is confirmed"));
  g_assert_true (press_with (&f, GDK_KEY_Return, GDK_CONTROL_MASK));
  app_test_spin ();

  /* In the file: all three confirmed, the fix kept, the step submitted. */
  reader = open_as (&f, NULL);
  for (guint i = 0; i < 3; i++)
    g_assert_true (fidget_review_is_confirmed (reader, f.seg[i]));
  fixed = fidget_project_get_segment (reader, f.seg[2], &error);
  g_assert_no_error (error);
  g_assert_cmpint (fixed->start_frame, ==, 51);
  g_assert_cmpint (fixed->end_frame, ==, 70);
  g_assert_cmpint (state_of (&f, f.again), ==, FIDGET_REVIEW_SELF_CHECKED);

  /* The bar now says whose turn it is, and takes no keys. */
  g_assert_cmpint (fidget_review_bar_get_mode (f.bar), ==, FIDGET_REVIEW_BAR_INFO);
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Cross-check by bo, carmen");
  g_assert_false (fidget_review_bar_handle_key (f.bar, GDK_KEY_y, 0));
  shoot (GTK_WIDGET (f.window), "review-waiting-info.png");

  fixture_clear (&f);
}

static void
test_cross_check_with_keys (void)
{
  Fixture f = { 0 };
  g_autoptr(FidgetProject) reader = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autofree char *bo_added = NULL;
  FidgetTimeline *timeline;
  graphene_rect_t rect;
  g_autoptr(GError) error = NULL;
  gint64 in, out;
  guint carmen_added = 0;

  REQUIRE_DISPLAY ();
  if (!create_study (&f))
    return;
  submit_self_check (&f);

  /* bo goes first: agrees on the first and adds one of his own. carmen must see neither. */
  decide_as (&f, "bo", 0, FIDGET_DECISION_AGREE, NULL, -1, -1);
  {
    g_autoptr(FidgetProject) bo = open_as (&f, "bo");

    add (bo, f.again, "bo", 72, 77, "D3", &bo_added);
  }

  open_window (&f, "carmen");
  open_video (&f, f.again);
  fidget_workspace_set_playing (f.workspace, FALSE);
  fidget_review_bar_set_autoplay (f.bar, FALSE);
  app_test_wait_settled (f.workspace);

  g_assert_cmpint (fidget_review_bar_get_mode (f.bar), ==, FIDGET_REVIEW_BAR_CROSS_CHECK);
  g_assert_cmpuint (fidget_review_bar_get_count (f.bar), ==, 3);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[0]);
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Cross-check · Segment 1 of 3");

  /* Blind: the others' lane holds amara's three segments and nothing of bo's; the bar says
   * nothing of bo's decision on the first one. */
  timeline = fidget_workspace_get_timeline (f.workspace);
  g_assert_true (fidget_timeline_get_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS));
  for (guint i = 0; i < 3; i++)
    g_assert_true (fidget_timeline_get_segment_rect (timeline, f.seg[i], &rect));
  g_assert_false (fidget_timeline_get_segment_rect (timeline, bo_added, &rect));
  g_assert_nonnull (strstr (fidget_review_bar_get_detail (f.bar), "not decided yet"));
  g_assert_null (strstr (fidget_review_bar_get_detail (f.bar), "bo"));
  shoot (GTK_WIDGET (f.window), "review-cross-check.png");

  /* Y agrees, X disagrees. */
  press (&f, GDK_KEY_y);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[1]);
  press (&f, GDK_KEY_x);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[2]);

  /* M adjusts: the range becomes the marks, } moves the end one on, Enter saves. */
  press (&f, GDK_KEY_m);
  g_assert_true (fidget_review_bar_is_adjusting (f.bar));
  fidget_workspace_get_marks (f.workspace, &in, &out);
  g_assert_cmpint (in, ==, 50);
  g_assert_cmpint (out, ==, 69);
  press (&f, GDK_KEY_braceright);
  press (&f, GDK_KEY_braceright);
  press (&f, GDK_KEY_bracketleft);
  shoot (GTK_WIDGET (f.window), "review-cross-check-adjust.png");
  press (&f, GDK_KEY_Return);
  g_assert_false (fidget_review_bar_is_adjusting (f.bar));
  fidget_workspace_get_marks (f.workspace, &in, &out);
  g_assert_cmpint (in, ==, -1);

  /* A missed one, with the workspace's own keys: I, two frames on, O, D 1. */
  fidget_workspace_seek (f.workspace, 72);
  app_test_wait_settled (f.workspace);
  press (&f, GDK_KEY_i);
  press (&f, GDK_KEY_Right);
  press (&f, GDK_KEY_Right);
  press (&f, GDK_KEY_o);
  press (&f, GDK_KEY_d);
  press (&f, GDK_KEY_1);

  /* The relabel picker's choice on the first one replaces the agreement. */
  press (&f, GDK_KEY_p);
  press (&f, GDK_KEY_p);
  g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, f.seg[0]);
  fidget_review_bar_choose_action (f.bar, "B2");
  app_test_spin ();

  g_assert_true (press_with (&f, GDK_KEY_Return, GDK_CONTROL_MASK));
  app_test_spin ();

  /* In the file: carmen's three decisions and her addition; bo is still checking. */
  reader = open_as (&f, NULL);
  decisions = fidget_review_list_decisions (reader, f.again, "carmen", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 3);
  for (guint i = 0; i < decisions->len; i++)
    {
      const FidgetReviewDecision *d = g_ptr_array_index (decisions, i);

      if (g_strcmp0 (d->segment_uuid, f.seg[0]) == 0)
        {
          g_assert_cmpint (d->kind, ==, FIDGET_DECISION_RELABEL);
          g_assert_cmpstr (d->action_code, ==, "B2");
        }
      else if (g_strcmp0 (d->segment_uuid, f.seg[1]) == 0)
        g_assert_cmpint (d->kind, ==, FIDGET_DECISION_REJECT);
      else
        {
          g_assert_cmpstr (d->segment_uuid, ==, f.seg[2]);
          g_assert_cmpint (d->kind, ==, FIDGET_DECISION_ADJUST);
          g_assert_cmpint (d->start_frame, ==, 49);
          g_assert_cmpint (d->end_frame, ==, 72);
        }
    }
  segments = fidget_project_list_segments (reader, f.again, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < segments->len; i++)
    {
      const FidgetSegment *s = g_ptr_array_index (segments, i);

      if (g_strcmp0 (s->annotator_name, "carmen") == 0)
        {
          g_assert_cmpstr (s->action_code, ==, "D1");
          g_assert_cmpint (s->start_frame, ==, 72);
          g_assert_cmpint (s->end_frame, ==, 75);
          carmen_added++;
        }
    }
  g_assert_cmpuint (carmen_added, ==, 1);
  {
    g_autoptr(FidgetReviewStatus) status = fidget_review_get_status (reader, f.again, &error);

    g_assert_no_error (error);
    g_assert_cmpint (status->state, ==, FIDGET_REVIEW_CROSS_CHECKING);
    for (guint i = 0; i < status->checkers->len; i++)
      {
        const FidgetReviewChecker *checker = g_ptr_array_index (status->checkers, i);

        g_assert_cmpint (checker->submitted, ==, g_str_equal (checker->name, "carmen"));
      }
  }
  g_assert_cmpint (fidget_review_bar_get_mode (f.bar), ==, FIDGET_REVIEW_BAR_INFO);
  g_assert_true (g_str_has_prefix (fidget_review_bar_get_detail (f.bar), "Yours is submitted"));
  /* The walk is over: nothing plays on in the last segment's loop. */
  {
    gint64 loop_start, loop_end;

    fidget_workspace_get_loop (f.workspace, &loop_start, &loop_end);
    g_assert_cmpint (loop_end, <=, loop_start);
    g_assert_false (fidget_workspace_get_playing (f.workspace));
  }

  fixture_clear (&f);
}

/* again.mkv to the reviewer with three disputes: amara's second segment rejected by carmen
 * alone, her third relabelled differently by both checkers, and carmen's lone addition. */
static void
make_disputes (Fixture *f)
{
  submit_self_check (f);
  decide_as (f, "bo", 0, FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_as (f, "bo", 1, FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_as (f, "bo", 2, FIDGET_DECISION_RELABEL, "F2", -1, -1);
  decide_as (f, "carmen", 0, FIDGET_DECISION_AGREE, NULL, -1, -1);
  decide_as (f, "carmen", 1, FIDGET_DECISION_REJECT, NULL, -1, -1);
  decide_as (f, "carmen", 2, FIDGET_DECISION_RELABEL, "F3", -1, -1);
  {
    g_autoptr(FidgetProject) carmen = open_as (f, "carmen");

    add (carmen, f->again, "carmen", 72, 77, "D3", NULL);
  }
  submit_cross_check_as (f, "bo");
  submit_cross_check_as (f, "carmen");
  g_assert_cmpint (state_of (f, f->again), ==, FIDGET_REVIEW_DISPUTED);
}

static void
test_resolve_disputes (void)
{
  Fixture f = { 0 };
  g_autoptr(FidgetProject) reader = NULL;
  g_autoptr(GPtrArray) disputes = NULL;
  g_autoptr(GPtrArray) truth = NULL;
  g_autoptr(GError) error = NULL;
  FidgetTimeline *timeline;
  graphene_rect_t rect;
  gint64 in, out;
  guint chosen = 0, edited = 0, dropped = 0;

  REQUIRE_DISPLAY ();
  if (!create_study (&f))
    return;
  make_disputes (&f);

  open_window (&f, "dev");
  {
    g_autoptr(GPtrArray) waiting = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.show-videos", NULL));
    app_test_spin ();
    waiting = app_test_action_rows (fidget_window_get_waiting_list (f.window));
    g_assert_cmpuint (waiting->len, ==, 1);
    g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (waiting, 0)), ==,
                     "Resolve 3 disputes");
  }
  open_video (&f, f.again);
  fidget_workspace_set_playing (f.workspace, FALSE);
  fidget_review_bar_set_autoplay (f.bar, FALSE);
  app_test_wait_settled (f.workspace);

  g_assert_cmpint (fidget_review_bar_get_mode (f.bar), ==, FIDGET_REVIEW_BAR_DISPUTES);
  g_assert_cmpuint (fidget_review_bar_get_count (f.bar), ==, 3);
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Disputes · 1 of 3");

  /* In time order: the rejection of amara's second segment first. Its versions are side by
   * side in the others' lane: amara's segment and bo's agreement (carmen's rejection has no
   * frames to show). */
  reader = open_as (&f, NULL);
  disputes = fidget_review_list_disputes (reader, f.again, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (disputes->len, ==, 3);
  {
    const FidgetDispute *first = g_ptr_array_index (disputes, 0);

    g_assert_cmpstr (fidget_review_bar_get_current (f.bar), ==, first->uuid);
    g_assert_cmpint (first->kind, ==, FIDGET_DISPUTE_REJECTION);
    timeline = fidget_workspace_get_timeline (f.workspace);
    for (guint i = 0; i < first->versions->len; i++)
      {
        const FidgetDisputeVersion *v = g_ptr_array_index (first->versions, i);

        if (v->uuid != NULL)
          g_assert_cmpint (fidget_timeline_get_segment_rect (timeline, v->uuid, &rect), ==,
                           v->start_frame >= 0);
      }
    g_assert_cmpuint (fidget_timeline_get_lane_rows (timeline, FIDGET_TIMELINE_LANE_OTHERS), ==, 2);
    fidget_workspace_get_loop (f.workspace, &in, &out);
    g_assert_cmpint (in, ==, first->start_frame);
    g_assert_cmpint (out, ==, first->end_frame);
  }
  shoot (GTK_WIDGET (f.window), "review-disputes.png");

  /* 1 takes amara's version (the primary's, listed first). */
  press (&f, GDK_KEY_1);
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Disputes · 2 of 3");

  /* The label dispute: M edits, { pulls the end in a frame, the picker names the action,
   * Enter saves. */
  press (&f, GDK_KEY_m);
  g_assert_true (fidget_review_bar_is_adjusting (f.bar));
  press (&f, GDK_KEY_braceleft);
  fidget_review_bar_choose_action (f.bar, "F7");
  shoot (GTK_WIDGET (f.window), "review-disputes-edit.png");
  press (&f, GDK_KEY_Return);
  g_assert_false (fidget_review_bar_is_adjusting (f.bar));

  /* X drops carmen's lone addition. */
  g_assert_cmpstr (fidget_review_bar_get_title (f.bar), ==, "Disputes · 3 of 3");
  press (&f, GDK_KEY_x);
  app_test_spin ();
  g_assert_cmpint (state_of (&f, f.again), ==, FIDGET_REVIEW_CONSENSUS);

  /* Ctrl+Enter verifies. */
  g_assert_true (press_with (&f, GDK_KEY_Return, GDK_CONTROL_MASK));
  app_test_spin ();
  g_assert_cmpint (state_of (&f, f.again), ==, FIDGET_REVIEW_VERIFIED);
  g_assert_cmpint (fidget_review_bar_get_mode (f.bar), ==, FIDGET_REVIEW_BAR_INFO);

  /* How each was resolved, and the ground truth it made: amara's first (kept by all),
   * her second (chosen), the edited third; the addition dropped. */
  g_clear_pointer (&disputes, g_ptr_array_unref);
  disputes = fidget_review_list_disputes (reader, f.again, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < disputes->len; i++)
    {
      const FidgetDispute *d = g_ptr_array_index (disputes, i);

      g_assert_true (d->resolved);
      g_assert_cmpstr (d->resolved_by, ==, "dev");
      chosen += g_strcmp0 (d->resolution, "chosen") == 0;
      edited += g_strcmp0 (d->resolution, "edited") == 0;
      dropped += g_strcmp0 (d->resolution, "dropped") == 0;
    }
  g_assert_cmpuint (chosen, ==, 1);
  g_assert_cmpuint (edited, ==, 1);
  g_assert_cmpuint (dropped, ==, 1);

  truth = fidget_review_list_ground_truth (reader, f.again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (truth->len, ==, 3);
  {
    const FidgetSegment *a = g_ptr_array_index (truth, 0);
    const FidgetSegment *b = g_ptr_array_index (truth, 1);
    const FidgetSegment *c = g_ptr_array_index (truth, 2);

    g_assert_cmpstr (a->action_code, ==, "B1");
    g_assert_cmpint (a->start_frame, ==, 5);
    g_assert_cmpstr (b->action_code, ==, "C2");
    g_assert_cmpint (b->start_frame, ==, 30);
    g_assert_cmpint (b->end_frame, ==, 45);
    g_assert_cmpstr (c->action_code, ==, "F7");
    g_assert_cmpint (c->start_frame, ==, 50);
    g_assert_cmpint (c->end_frame, ==, 69);
  }

  fixture_clear (&f);
}

static void
assert_report_shown (FidgetReviewAgreement       *view,
                     const FidgetAgreementReport *report)
{
  g_autofree char *fleiss = fidget_review_agreement_format_kappa (report->fleiss_kappa);
  g_autofree char *videos = g_strdup_printf ("%u", report->videos);

  g_assert_cmpstr (fidget_review_agreement_get_value (view, "videos"), ==, videos);
  g_assert_cmpstr (fidget_review_agreement_get_value (view, "fleiss"), ==, fleiss);
  g_assert_cmpuint (report->pairs->len, >, 0);
  for (guint i = 0; i < report->pairs->len; i++)
    {
      const FidgetAgreementPair *pair = g_ptr_array_index (report->pairs, i);
      g_autofree char *people = g_strdup_printf ("%s × %s", pair->a, pair->b);
      g_autofree char *matched = g_strdup_printf ("%u", pair->matched);
      g_autofree char *cohen = fidget_review_agreement_format_kappa (pair->cohen_kappa);
      g_autofree char *cohen_matched = fidget_review_agreement_format_kappa (pair->cohen_kappa_matched);
      g_autofree char *body_part = fidget_review_agreement_format_kappa (pair->body_part_kappa);
      g_autofree char *time_slice = fidget_review_agreement_format_kappa (pair->time_slice_kappa);

      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "pairs", i, 0), ==, people);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "pairs", i, 2), ==, matched);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "pairs", i, 4), ==, cohen);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "pairs", i, 5), ==, cohen_matched);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "pairs", i, 6), ==, body_part);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "pairs", i, 7), ==, time_slice);
    }
  g_assert_null (fidget_review_agreement_get_cell (view, "pairs", report->pairs->len, 0));
  for (guint i = 0; i < report->body_parts->len; i++)
    {
      const FidgetAgreementClass *klass = g_ptr_array_index (report->body_parts, i);
      g_autofree char *segments = g_strdup_printf ("%u", klass->segments);
      g_autofree char *cohen = fidget_review_agreement_format_kappa (klass->cohen_kappa);
      g_autofree char *fleiss_k = fidget_review_agreement_format_kappa (klass->fleiss_kappa);

      g_assert_true (g_str_has_prefix (fidget_review_agreement_get_cell (view, "body-parts", i, 0),
                                       klass->code));
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "body-parts", i, 1), ==, segments);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "body-parts", i, 2), ==, cohen);
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "body-parts", i, 3), ==, fleiss_k);
    }
  for (guint i = 0; i < report->actions->len; i++)
    {
      const FidgetAgreementClass *klass = g_ptr_array_index (report->actions, i);
      g_autofree char *time_slice = fidget_review_agreement_format_kappa (klass->time_slice_kappa);

      g_assert_true (g_str_has_prefix (fidget_review_agreement_get_cell (view, "actions", i, 0),
                                       klass->code));
      g_assert_cmpstr (fidget_review_agreement_get_cell (view, "actions", i, 4), ==, time_slice);
    }
}

static void
test_agreement_view (void)
{
  Fixture f = { 0 };
  g_autoptr(FidgetProject) reader = NULL;
  g_autoptr(FidgetAgreementReport) whole = NULL;
  g_autoptr(FidgetAgreementReport) one = NULL;
  g_autoptr(GError) error = NULL;
  FidgetReviewAgreement *view;
  GdkPaintable *heat_map;

  REQUIRE_DISPLAY ();
  if (!create_study (&f))
    return;

  /* Before any cross-check is over nobody is compared: the view says so. */
  open_window (&f, "dev");
  view = fidget_window_get_agreement (f.window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.show-agreement", NULL));
  app_test_spin ();
  g_assert_cmpstr (fidget_window_get_page_name (f.window), ==, "agreement");
  g_assert_nonnull (fidget_review_agreement_get_report (view));
  g_assert_cmpuint (fidget_review_agreement_get_report (view)->pairs->len, ==, 0);
  g_assert_null (fidget_review_agreement_get_cell (view, "pairs", 0, 0));
  fixture_clear (&f);

  if (!create_study (&f))
    return;
  make_disputes (&f);
  /* book.mkv, free, rated by eve and bo too: a second video in the project's numbers. */
  {
    g_autoptr(FidgetProject) writer = open_as (&f, NULL);

    add (writer, f.book, "eve", 10, 30, "B1", NULL);
    add (writer, f.book, "bo", 12, 31, "B1", NULL);
    add (writer, f.book, "bo", 40, 60, "C5", NULL);
  }
  reader = open_as (&f, NULL);
  whole = fidget_project_agreement (reader, 0, &error);
  g_assert_no_error (error);
  one = fidget_project_agreement (reader, f.again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->videos, ==, 2);
  g_assert_cmpuint (one->raters->len, ==, 3);

  open_window (&f, "dev");
  view = fidget_window_get_agreement (f.window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.show-agreement", NULL));
  app_test_spin ();
  assert_report_shown (view, whole);
  heat_map = fidget_review_agreement_get_heat_map (view);
  g_assert_nonnull (heat_map);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (heat_map), >, 100);
  shoot (GTK_WIDGET (f.window), "review-agreement.png");
  if (g_getenv ("FIDGET_REVIEW_SHOTS") != NULL)
    {
      /* The heat map is at the foot of the page. */
      GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_first_child (GTK_WIDGET (view)));
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

      shoot (GTK_WIDGET (f.window), "review-agreement.png");
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      shoot (GTK_WIDGET (f.window), "review-agreement-heat-map.png");
      gtk_adjustment_set_value (adjustment, 0);
    }

  /* One video: again.mkv's three raters, Fleiss' kappa among them. */
  fidget_review_agreement_set_video (view, f.again);
  app_test_spin ();
  g_assert_false (isnan (one->fleiss_kappa));
  assert_report_shown (view, one);
  shoot (GTK_WIDGET (f.window), "review-agreement-video.png");

  /* On demand: a new rater on book.mkv shows after a refresh, not before. */
  fidget_review_agreement_set_video (view, 0);
  {
    g_autoptr(FidgetProject) writer = open_as (&f, NULL);
    g_autoptr(FidgetAgreementReport) after = NULL;

    add (writer, f.book, "amara", 10, 29, "B1", NULL);
    after = fidget_project_agreement (writer, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (after->pairs->len, >, whole->pairs->len);
    assert_report_shown (view, whole);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "agreement.refresh", NULL));
    app_test_spin ();
    assert_report_shown (view, after);
  }

  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (app_test_init_display ())
    {
      /* No crossfades: what a test (or a screenshot) looks at is there at once. */
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
    }

  g_test_add_func ("/review-views/waiting-for-me", test_waiting_for_me);
  g_test_add_func ("/review-views/self-check-with-keys", test_self_check_with_keys);
  g_test_add_func ("/review-views/cross-check-with-keys", test_cross_check_with_keys);
  g_test_add_func ("/review-views/resolve-disputes", test_resolve_disputes);
  g_test_add_func ("/review-views/agreement", test_agreement_view);

  return g_test_run ();
}
