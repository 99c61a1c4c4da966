/* test-assist-workspace.c: model assistance in a real window, with the committed width-8 MANet
 *
 * A short demo interview is rendered once and opened in the application's window. Without
 * weights the workspace says where to get them and how to convert them, and the rest (the
 * motion strip included) works. With weights remembered for the project: a scan puts
 * suggestions on their lane; K keeps one (a segment of mine, the suggestion accepted), W
 * rejects one, U fixes one through the picker; a scan cancelled from the bar stores nothing;
 * the picker's top five follow the selection, the question before cancelled. What the keys did
 * is read back from the project file.
 *
 * With FIDGET_ASSIST_SHOTS=DIR, the workspace is also saved as PNG pictures there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "app-test-util.h"
#include "fidget-application.h"
#include "fidget-preferences.h"
#include "fidget-settings.h"
#include "fidget-suggestions.h"
#include "fidget-test-util.h"
#include "fidget-timeline-private.h"
#include "fidget-video-import.h"
#include "fidget-window-private.h"
#include "fidget-workspace-private.h"

#define DEMO_FRAMES 300

typedef gboolean (*Condition) (FidgetWorkspace *workspace);

static void
wait_until (FidgetWorkspace *workspace,
            Condition        condition,
            const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (workspace) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  app_test_spin ();
  if (!condition (workspace))
    g_error ("Waited a minute for %s", what);
}

static gboolean
settled (FidgetWorkspace *workspace)
{
  return fidget_workspace_is_settled (workspace);
}

static gboolean
model_ready (FidgetWorkspace *workspace)
{
  return fidget_workspace_get_model (workspace) != NULL;
}

static gboolean
motion_ready (FidgetWorkspace *workspace)
{
  return !fidget_workspace_is_measuring_motion (workspace) &&
         fidget_timeline_get_motion_count (fidget_workspace_get_timeline (workspace)) > 0;
}

static gboolean
scan_over (FidgetWorkspace *workspace)
{
  return !fidget_workspace_is_scanning (workspace, NULL);
}

static gboolean
classified (FidgetWorkspace *workspace)
{
  return fidget_workspace_get_classified (workspace) != NULL;
}

static void
press (FidgetWorkspace *workspace,
       guint            keyval)
{
  if (!app_test_press_with (workspace, keyval, 0))
    {
      GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (workspace)));

      g_error ("%s did nothing (focus on a %s)", gdk_keyval_name (keyval),
               focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing");
    }
}

/* ------------------------------------------------------------------------------------------ */

static char *demo_video;

static const char *
demo_video_path (void)
{
  if (demo_video == NULL)
    demo_video = app_test_render_demo (DEMO_FRAMES);
  return demo_video;
}

static char *
weights_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "manet", "data", "manet-w8.safetensors", NULL);
}

typedef struct
{
  FidgetApplication *app;
  FidgetWindow      *window;
  FidgetWorkspace   *workspace;
  char              *path;
  gint64             video_id;
} Fixture;

/* A fresh project holding the demo video, annotators amara and bo (bo with two segments),
 * opened as amara; @with_weights remembers the width-8 MANet for it first. */
/* The study: bo's two segments, and two of amara's (who opens it) when @with_my_segments. */
static void
fixture_open_full (Fixture  *f,
                   gboolean  with_weights,
                   gboolean  with_my_segments)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetAnnotator) amara = NULL;
  g_autoptr(FidgetAnnotator) bo = NULL;
  g_autoptr(FidgetSegment) s1 = NULL;
  g_autoptr(FidgetSegment) s2 = NULL;
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *weights = weights_path ();
  GVariantBuilder map;

  f->path = g_build_filename (dir, "study.fidget", NULL);
  project = fidget_project_create (f->path, &error);
  g_assert_no_error (error);
  amara = fidget_project_add_annotator (project, "amara", &error);
  g_assert_no_error (error);
  bo = fidget_project_add_annotator (project, "bo", &error);
  g_assert_no_error (error);
  video = fidget_import_video (project, demo_video_path (), NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  f->video_id = video->id;
  s1 = fidget_project_add_segment (project, video->id, "bo", 30, 75, "F1", &error);
  g_assert_no_error (error);
  s2 = fidget_project_add_segment (project, video->id, "bo", 120, 180, "C2", &error);
  g_assert_no_error (error);
  if (with_my_segments)
    {
      g_autoptr(FidgetSegment) m1 = NULL;
      g_autoptr(FidgetSegment) m2 = NULL;

      m1 = fidget_project_add_segment (project, video->id, "amara", 40, 70, "B1", &error);
      g_assert_no_error (error);
      m2 = fidget_project_add_segment (project, video->id, "amara", 150, 190, "D3", &error);
      g_assert_no_error (error);
    }

  g_settings_reset (settings, "last-positions");
  g_variant_builder_init (&map, G_VARIANT_TYPE ("a{ss}"));
  if (with_weights)
    g_variant_builder_add (&map, "{ss}", fidget_project_get_uuid (project), weights);
  g_settings_set_value (settings, "model-weights", g_variant_builder_end (&map));

  file = g_file_new_for_path (f->path);
  f->app = fidget_application_new ();
  g_application_set_flags (G_APPLICATION (f->app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);
  fidget_application_set_annotator (f->app, "amara");
  f->window = fidget_application_open_file (f->app, file, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  f->workspace = fidget_window_get_workspace (f->window);
  wait_until (f->workspace, settled, "the first frame");
}

static void
fixture_open (Fixture  *f,
              gboolean  with_weights)
{
  fixture_open_full (f, with_weights, FALSE);
}

static void
fixture_close (Fixture *f)
{
  app_test_destroy_all_toplevels ();
  g_clear_object (&f->app);
  g_clear_pointer (&f->path, g_free);
}

/* What is on disk, through a connection of the test's own. */
static GPtrArray *
stored_suggestions (Fixture *f)
{
  g_autoptr(FidgetProject) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  reader = fidget_project_open (f->path, &error);
  g_assert_no_error (error);
  list = fidget_suggestions_list (reader, f->video_id, &error);
  g_assert_no_error (error);
  return list;
}

static FidgetSuggestion *
stored_suggestion (Fixture    *f,
                   const char *uuid)
{
  g_autoptr(FidgetProject) reader = NULL;
  g_autoptr(GError) error = NULL;
  FidgetSuggestion *s;

  reader = fidget_project_open (f->path, &error);
  g_assert_no_error (error);
  s = fidget_suggestions_get (reader, uuid, &error);
  g_assert_no_error (error);
  return s;
}

static GPtrArray *
stored_segments_of (Fixture    *f,
                    const char *annotator)
{
  return app_test_stored_segments_of (f->path, f->video_id, annotator);
}

static void
save_shot (GtkWidget  *widget,
           const char *name)
{
  const char *dir = g_getenv ("FIDGET_ASSIST_SHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  /* Let the window lay out and draw what just changed. */
  app_test_spin_for (300);
  path = g_build_filename (dir, name, NULL);
  if (!app_test_save_png (widget, path))
    {
      g_test_message ("nothing drawn yet for %s", name);
      return;
    }
  g_test_message ("saved %s", path);
}

/* ------------------------------------------------------------------------------------------ */

/* Runs @action on the window and returns the Preferences window it opened. */
static FidgetPreferences *
open_preferences (Fixture    *f,
                  const char *action)
{
  g_autoptr(GList) toplevels = NULL;
  FidgetPreferences *preferences = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), action, NULL));
  app_test_spin ();
  toplevels = gtk_window_list_toplevels ();
  for (const GList *l = toplevels; l != NULL; l = l->next)
    if (FIDGET_IS_PREFERENCES (l->data))
      preferences = l->data;
  g_assert_nonnull (preferences);
  return preferences;
}

static void
test_no_weights (void)
{
  Fixture f = { 0 };
  const char *text;
  FidgetActionPicker *picker;

  REQUIRE_DISPLAY ();

  fixture_open (&f, FALSE);
  /* Says in one line that there is no model and the rest works; the button beside it opens
   * the Model page of Preferences, which says where the weights come from and how to
   * convert them. */
  text = fidget_workspace_get_assist_text (f.workspace);
  g_assert_nonnull (strstr (text, "No MANet weights"));
  g_assert_nonnull (strstr (text, "Choose Weights"));
  g_assert_cmpuint (strlen (text), <, 140);
  g_assert_null (fidget_workspace_get_model (f.workspace));
  {
    FidgetPreferences *preferences;
    const char *help;

    preferences = open_preferences (&f, "win.choose-weights");
    g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (preferences)),
                     ==, FIDGET_PREFERENCES_PAGE_MODEL);
    help = adw_preferences_group_get_description (
      ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (GTK_WIDGET (fidget_preferences_get_weights_row (preferences)),
                                                      ADW_TYPE_PREFERENCES_GROUP)));
    g_assert_nonnull (strstr (help, "MA-52 authors"));
    g_assert_nonnull (strstr (help, "tools/convert_weights.py"));
    g_assert_null (strstr (help, "--weights"));
    gtk_window_destroy (GTK_WINDOW (preferences));
    app_test_spin ();
  }

  /* The motion strip needs no model. */
  wait_until (f.workspace, motion_ready, "the motion strip");
  g_assert_cmpuint (fidget_timeline_get_motion_count (fidget_workspace_get_timeline (f.workspace)),
                    ==, DEMO_FRAMES);

  /* Scanning says what is missing, and nothing runs. */
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_m, GDK_CONTROL_MASK));
  g_assert_false (fidget_workspace_is_scanning (f.workspace, NULL));
  g_assert_nonnull (strstr (fidget_workspace_get_last_message (f.workspace), "Preferences"));

  /* Editing works as ever, and the picker says why it has no top five. */
  picker = fidget_workspace_get_picker (f.workspace);
  fidget_workspace_seek (f.workspace, 10);
  wait_until (f.workspace, settled, "frame 10");
  press (f.workspace, GDK_KEY_i);
  fidget_workspace_seek (f.workspace, 20);
  wait_until (f.workspace, settled, "frame 20");
  press (f.workspace, GDK_KEY_o);
  press (f.workspace, GDK_KEY_b);
  press (f.workspace, GDK_KEY_1);
  {
    g_autoptr(GPtrArray) mine = stored_segments_of (&f, "amara");

    g_assert_cmpuint (mine->len, ==, 1);
  }
  g_assert_nonnull (strstr (fidget_action_picker_get_suggestions_note (picker), "Preferences"));
  save_shot (GTK_WIDGET (f.window), "assist-no-weights.png");

  /* Preferences show the project's weights; choosing some there (the settings key that the
   * file chooser writes) loads the model at once, for this project only. */
  {
    g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
    g_autofree char *weights = weights_path ();
    FidgetProject *project = fidget_window_get_project (f.window);
    FidgetPreferences *preferences;
    AdwActionRow *row;

    preferences = open_preferences (&f, "win.preferences");
    row = fidget_preferences_get_weights_row (preferences);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "None"));

    fidget_settings_set_weights (settings, fidget_project_get_uuid (project), weights);
    app_test_spin ();
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "manet-w8.safetensors"));
    wait_until (f.workspace, model_ready, "the model chosen in Preferences");
    g_assert_nonnull (strstr (fidget_workspace_get_assist_text (f.workspace),
                              "manet-w8.safetensors"));
    {
      g_autofree char *other = fidget_settings_get_weights (settings, "another-project-uuid");

      g_assert_null (other);
    }
    gtk_window_destroy (GTK_WINDOW (preferences));
    fidget_settings_set_weights (settings, fidget_project_get_uuid (project), NULL);
    app_test_spin ();
    g_assert_null (fidget_workspace_get_model (f.workspace));
    g_assert_nonnull (strstr (fidget_workspace_get_assist_text (f.workspace), "No MANet weights"));
  }
  fixture_close (&f);
}

static void
test_scan_and_decide (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(FidgetSuggestion) kept = NULL;
  g_autoptr(FidgetSuggestion) rejected = NULL;
  g_autoptr(FidgetSuggestion) fixed = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  GPtrArray *lane;
  FidgetTimeline *timeline;
  graphene_rect_t rect;
  double lane_y, lane_h;
  double fraction = 0.0;

  REQUIRE_DISPLAY ();

  fixture_open (&f, TRUE);
  timeline = fidget_workspace_get_timeline (f.workspace);
  wait_until (f.workspace, model_ready, "the model");
  wait_until (f.workspace, motion_ready, "the motion strip");
  g_assert_nonnull (strstr (fidget_workspace_get_assist_text (f.workspace),
                            "manet-w8.safetensors"));

  /* A scan cancelled from the bar stores nothing. */
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_m, GDK_CONTROL_MASK));
  g_assert_true (fidget_workspace_is_scanning (f.workspace, &fraction));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.workspace), "workspace.cancel-scan",
                                             NULL));
  wait_until (f.workspace, scan_over, "the cancelled scan");
  stored = stored_suggestions (&f);
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_nonnull (strstr (fidget_workspace_get_last_message (f.workspace), "cancelled"));
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* The whole scan: suggestions on their own lane, as stored. */
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_m, GDK_CONTROL_MASK));
  wait_until (f.workspace, scan_over, "the scan");
  stored = stored_suggestions (&f);
  lane = fidget_workspace_get_suggestions (f.workspace);
  g_assert_cmpuint (stored->len, >=, 3);
  g_assert_cmpuint (lane->len, ==, stored->len);
  g_assert_true (fidget_timeline_get_lane_area (timeline, FIDGET_TIMELINE_LANE_SUGGESTIONS,
                                                &lane_y, &lane_h));
  for (guint i = 0; i < lane->len; i++)
    {
      const FidgetSuggestion *s = g_ptr_array_index (lane, i);

      g_assert_true (fidget_timeline_get_segment_rect (timeline, s->uuid, &rect));
      g_assert_cmpfloat (rect.origin.y, >=, lane_y);
      g_assert_cmpfloat (rect.origin.y + rect.size.height, <=, lane_y + lane_h + 0.5);
    }
  /* Suggestions are not labels: amara has no segment yet. */
  mine = stored_segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 0);
  g_clear_pointer (&mine, g_ptr_array_unref);
  gtk_widget_queue_draw (GTK_WIDGET (timeline));
  app_test_spin ();
  save_shot (GTK_WIDGET (f.window), "assist-suggestions.png");

  /* Period walks to the first one; K keeps it as amara's segment. */
  fidget_workspace_seek (f.workspace, 0);
  wait_until (f.workspace, settled, "frame 0");
  press (f.workspace, GDK_KEY_period);
  first = g_strdup (fidget_workspace_get_selected (f.workspace));
  g_assert_cmpstr (first, ==, ((FidgetSuggestion *) g_ptr_array_index (stored, 0))->uuid);
  /* The inspector shows what it proposes, read-only, as nobody's label. */
  {
    const FidgetSegment *shown = fidget_inspector_get_segment (fidget_workspace_get_inspector (f.workspace));

    g_assert_nonnull (shown);
    g_assert_cmpstr (shown->uuid, ==, first);
    g_assert_cmpstr (shown->action_code, ==,
                     ((FidgetSuggestion *) g_ptr_array_index (stored, 0))->action_code);
    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (fidget_inspector_get_start_spin (fidget_workspace_get_inspector (f.workspace)))));
  }
  save_shot (GTK_WIDGET (f.window), "assist-suggestion-selected.png");
  press (f.workspace, GDK_KEY_k);
  kept = stored_suggestion (&f, first);
  g_assert_cmpint (kept->state, ==, FIDGET_SUGGESTION_ACCEPTED);
  g_assert_cmpstr (kept->decided_by, ==, "amara");
  mine = stored_segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 0))->uuid, ==, kept->segment_uuid);
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 0))->action_code, ==,
                   kept->action_code);
  g_assert_cmpuint (fidget_workspace_get_suggestions (f.workspace)->len, ==, stored->len - 1);
  g_clear_pointer (&mine, g_ptr_array_unref);

  /* Period to the next; W rejects it: no segment. */
  press (f.workspace, GDK_KEY_period);
  second = g_strdup (fidget_workspace_get_selected (f.workspace));
  g_assert_cmpstr (second, ==, ((FidgetSuggestion *) g_ptr_array_index (stored, 1))->uuid);
  press (f.workspace, GDK_KEY_w);
  rejected = stored_suggestion (&f, second);
  g_assert_cmpint (rejected->state, ==, FIDGET_SUGGESTION_REJECTED);
  mine = stored_segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  g_clear_pointer (&mine, g_ptr_array_unref);

  /* W moved on to the next open one; U fixes it through the picker, which offers the
   * suggestion's own top five. */
  third = g_strdup (fidget_workspace_get_selected (f.workspace));
  g_assert_cmpstr (third, ==, ((FidgetSuggestion *) g_ptr_array_index (stored, 2))->uuid);
  press (f.workspace, GDK_KEY_u);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fidget_workspace_get_picker (f.workspace))));
  g_assert_nonnull (fidget_action_picker_get_suggested_codes (
    fidget_workspace_get_picker (f.workspace)));
  g_signal_emit_by_name (fidget_workspace_get_picker (f.workspace), "action-chosen", "G4");
  app_test_spin ();
  fixed = stored_suggestion (&f, third);
  g_assert_cmpint (fixed->state, ==, FIDGET_SUGGESTION_FIXED);
  mine = stored_segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 2);
  for (guint i = 0; i < mine->len; i++)
    {
      const FidgetSegment *s = g_ptr_array_index (mine, i);

      if (g_strcmp0 (s->uuid, fixed->segment_uuid) == 0)
        {
          g_assert_cmpstr (s->action_code, ==, "G4");
          g_assert_cmpint (s->start_frame, ==, fixed->start_frame);
        }
    }
  g_assert_cmpuint (fidget_workspace_get_suggestions (f.workspace)->len, ==, stored->len - 3);

  /* K with nothing of the model's selected says how to select one. */
  while (app_test_press_with (f.workspace, GDK_KEY_Escape, 0))
    ;
  press (f.workspace, GDK_KEY_k);
  g_assert_nonnull (strstr (fidget_workspace_get_last_message (f.workspace), "period"));
  fixture_close (&f);
}

static void
test_picker_top5 (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) bo = NULL;
  FidgetActionPicker *picker;
  const char * const *codes;
  guint started = 0, cancelled = 0, completed = 0;
  double ms = 0.0;
  const char *a, *b;

  REQUIRE_DISPLAY ();

  fixture_open (&f, TRUE);
  picker = fidget_workspace_get_picker (f.workspace);
  wait_until (f.workspace, model_ready, "the model");
  bo = stored_segments_of (&f, "bo");
  a = ((FidgetSegment *) g_ptr_array_index (bo, 0))->uuid;
  b = ((FidgetSegment *) g_ptr_array_index (bo, 1))->uuid;

  /* Selecting one segment, then at once another: the first question is cancelled, the
   * picker shows the second one's answer. */
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), a);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, a);
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), b);
  wait_until (f.workspace, classified, "the top five");
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, b);
  fidget_workspace_get_classify_stats (f.workspace, &started, &cancelled, &completed, &ms);
  g_assert_cmpuint (started, ==, 2);
  g_assert_cmpuint (cancelled, ==, 1);
  g_assert_cmpuint (completed, ==, 1);
  codes = fidget_action_picker_get_suggested_codes (picker);
  g_assert_nonnull (codes);
  g_assert_cmpuint (g_strv_length ((GStrv) codes), ==, 5);
  g_test_message ("selection to top five (width-8 network, 640x360): %.0f ms", ms);

  /* Selecting nothing empties the slot; a segment again asks again. */
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), NULL);
  app_test_spin ();
  g_assert_null (fidget_action_picker_get_suggested_codes (picker));
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), a);
  wait_until (f.workspace, classified, "the top five again");
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, a);
  g_assert_nonnull (fidget_action_picker_get_suggested_codes (picker));
  fidget_workspace_get_classify_stats (f.workspace, &started, &cancelled, &completed, &ms);
  g_assert_cmpuint (started, ==, 3);
  g_assert_cmpuint (completed, ==, 2);

  /* Back to one answered before: the answer is there at once, nothing is asked. */
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), b);
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, b);
  g_assert_nonnull (fidget_action_picker_get_suggested_codes (picker));
  fidget_workspace_get_classify_stats (f.workspace, &started, &cancelled, &completed, &ms);
  g_assert_cmpuint (started, ==, 3);
  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), a);

  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_parent (GTK_WIDGET (picker))));
  app_test_spin ();
  save_shot (GTK_WIDGET (picker), "assist-picker-top5.png");
  fixture_close (&f);
}

/* I, a few steps, O: the picker's top five for the marked range get going at once, from the
 * pictures the player has just shown, and typing the code keeps them for the new segment. */
static void
test_picker_top5_for_marks (void)
{
  Fixture f = { 0 };
  FidgetPlayerStats before, after;
  guint started = 0, cancelled = 0, completed = 0, started_before;
  double ms = 0.0;
  gint64 in = -1, out = -1;
  g_autoptr(GPtrArray) mine = NULL;
  const FidgetSegment *made;

  REQUIRE_DISPLAY ();

  fixture_open (&f, TRUE);
  wait_until (f.workspace, model_ready, "the model");
  press (f.workspace, GDK_KEY_i);
  for (int i = 0; i < 24; i++)
    {
      press (f.workspace, GDK_KEY_Right);
      wait_until (f.workspace, settled, "the next frame");
    }
  /* Only the start marked: nothing asked yet. */
  fidget_workspace_get_classify_stats (f.workspace, &started_before, NULL, NULL, NULL);
  fidget_player_get_stats (fidget_workspace_get_player (f.workspace), &before);
  press (f.workspace, GDK_KEY_o);
  fidget_workspace_get_marks (f.workspace, &in, &out);
  g_assert_cmpint (out - in, ==, 24);
  wait_until (f.workspace, classified, "the marked range's top five");
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, ":marks");
  fidget_workspace_get_classify_stats (f.workspace, &started, &cancelled, &completed, &ms);
  g_assert_cmpuint (started, ==, started_before + 1);
  fidget_player_get_stats (fidget_workspace_get_player (f.workspace), &after);
  g_assert_cmpuint (after.peek_hits - before.peek_hits, ==, 8);
  g_assert_cmpuint (after.pictures_decoded, ==, before.pictures_decoded);
  g_assert_cmpuint (g_strv_length ((GStrv) fidget_action_picker_get_suggested_codes (
                      fidget_workspace_get_picker (f.workspace))), ==, 5);
  g_test_message ("marked range to top five, from the player's pictures: %.0f ms", ms);

  /* The code makes the segment, which keeps its answer: nothing is asked again. */
  press (f.workspace, GDK_KEY_b);
  press (f.workspace, GDK_KEY_1);
  app_test_spin ();
  mine = stored_segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  made = g_ptr_array_index (mine, 0);
  g_assert_cmpint (made->start_frame, ==, in);
  g_assert_cmpint (made->end_frame, ==, out + 1);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, made->uuid);
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, made->uuid);
  fidget_workspace_get_classify_stats (f.workspace, &started, NULL, NULL, NULL);
  g_assert_cmpuint (started, ==, started_before + 1);
  fixture_close (&f);
}

static gboolean
prefetch_over (FidgetWorkspace *workspace)
{
  gboolean in_progress = TRUE;

  fidget_workspace_get_prefetched (workspace, &in_progress);
  return !in_progress;
}

/* With one segment's top five shown, the next one's is asked ahead: Tab finds it ready, and
 * nothing is asked again. */
static void
test_picker_top5_ahead (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) mine = NULL;
  guint started = 0, started_before = 0;
  gboolean in_progress = TRUE;
  const char *first, *second;

  REQUIRE_DISPLAY ();

  fixture_open_full (&f, TRUE, TRUE);
  wait_until (f.workspace, model_ready, "the model");
  mine = stored_segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 2);
  first = ((FidgetSegment *) g_ptr_array_index (mine, 0))->uuid;
  second = ((FidgetSegment *) g_ptr_array_index (mine, 1))->uuid;

  fidget_timeline_set_selected (fidget_workspace_get_timeline (f.workspace), first);
  wait_until (f.workspace, classified, "the first segment's top five");
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, first);
  wait_until (f.workspace, prefetch_over, "the next segment's top five, asked ahead");
  g_assert_cmpuint (fidget_workspace_get_prefetched (f.workspace, NULL), ==, 1);
  fidget_workspace_get_classify_stats (f.workspace, &started_before, NULL, NULL, NULL);

  press (f.workspace, GDK_KEY_Tab);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, second);
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, second);
  g_assert_nonnull (fidget_action_picker_get_suggested_codes (
                      fidget_workspace_get_picker (f.workspace)));
  fidget_workspace_get_classify_stats (f.workspace, &started, NULL, NULL, NULL);
  g_assert_cmpuint (started, ==, started_before);

  /* Nothing comes after the last one; back to the first, its answer is still there. */
  fidget_workspace_get_prefetched (f.workspace, &in_progress);
  g_assert_false (in_progress);
  press (f.workspace, GDK_KEY_ISO_Left_Tab);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, first);
  g_assert_cmpstr (fidget_workspace_get_classified (f.workspace), ==, first);
  fidget_workspace_get_classify_stats (f.workspace, &started, NULL, NULL, NULL);
  g_assert_cmpuint (started, ==, started_before);
  g_assert_cmpuint (fidget_workspace_get_prefetched (f.workspace, NULL), ==, 1);
  fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;

  g_test_init (&argc, &argv, NULL);
  /* The motion cache goes to this run's own folder, never the user's (the whole of
   * G_TEST_OPTION_ISOLATE_DIRS would hide the MIME database that icons need). */
  cache = fidget_test_make_tmpdir ();
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  app_test_init_display ();

  g_test_add_func ("/assist-workspace/no-weights", test_no_weights);
  g_test_add_func ("/assist-workspace/scan-and-decide", test_scan_and_decide);
  g_test_add_func ("/assist-workspace/picker-top5", test_picker_top5);
  g_test_add_func ("/assist-workspace/picker-top5-for-marks", test_picker_top5_for_marks);
  g_test_add_func ("/assist-workspace/picker-top5-ahead", test_picker_top5_ahead);

  return g_test_run ();
}
