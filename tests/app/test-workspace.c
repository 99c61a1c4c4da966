/* test-workspace.c: annotating with the keyboard on a real window, end to end
 *
 * A short demo interview is rendered and imported once (the same renderer and import as
 * `fidget-cli demo`), opened in the application's window, and worked on with key presses
 * delivered to the workspace's key controller, as GTK delivers them. What the keys did is
 * then read back from the project file, not from the widgets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include <gst/gst.h>

#include "app-test-util.h"
#include "fidget-application.h"
#include "fidget-review.h"
#include "fidget-test-util.h"
#include "fidget-timeline-private.h"
#include "fidget-video-import.h"
#include "fidget-window-private.h"
#include "fidget-workspace-private.h"
#include "player-clip.h"

#define DEMO_FRAMES 240

static void
press (FidgetWorkspace *workspace,
       guint            keyval)
{
  g_assert_true (app_test_press_with (workspace, keyval, 0));
}

/* ------------------------------------------------------------------------------------------ */
/* The project                                                                                 */

static char *demo_video;

/* One demo interview, cut to 8 s, rendered once per test program. */
static const char *
demo_video_path (void)
{
  if (demo_video == NULL)
    demo_video = app_test_render_demo (DEMO_FRAMES);
  return demo_video;
}

/* A fresh project in a fresh folder holding @video, with annotators amara and bo; bo has
 * two segments, amara none. */
static char *
create_project (const char *video,
                gint64     *video_id)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "study.fidget", NULL);
  g_autofree char *copy = g_build_filename (dir, "P001.mkv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) imported = NULL;
  g_autoptr(FidgetAnnotator) amara = NULL;
  g_autoptr(FidgetAnnotator) bo = NULL;
  g_autoptr(FidgetSegment) s1 = NULL;
  g_autoptr(FidgetSegment) s2 = NULL;
  g_autoptr(GError) error = NULL;
  FidgetImportOptions options = { "P001", "female", "26-35" };
  gsize length;

  g_file_get_contents (video, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, (gssize) length, &error);
  g_assert_no_error (error);

  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  amara = fidget_project_add_annotator (project, "amara", &error);
  g_assert_no_error (error);
  bo = fidget_project_add_annotator (project, "bo", &error);
  g_assert_no_error (error);
  imported = fidget_import_video (project, copy, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  s1 = fidget_project_add_segment (project, imported->id, "bo", 30, 45, "F1", &error);
  g_assert_no_error (error);
  s2 = fidget_project_add_segment (project, imported->id, "bo", 60, 80, "C2", &error);
  g_assert_no_error (error);

  if (video_id != NULL)
    *video_id = imported->id;
  return g_steal_pointer (&path);
}

typedef struct
{
  FidgetApplication *app;
  FidgetWindow      *window;
  FidgetWorkspace   *workspace;
  FidgetProject     *project;   /* the window's */
  char              *path;
  gint64             video_id;
} Fixture;

static void
fixture_open (Fixture    *fixture,
              const char *video,
              const char *annotator)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);

  /* Every test starts as a first start: nowhere to resume. */
  g_settings_reset (settings, "last-positions");
  g_settings_reset (settings, "recent-actions");
  g_settings_reset (settings, "inspector-visible");

  fixture->path = create_project (video, &fixture->video_id);
  file = g_file_new_for_path (fixture->path);
  fixture->app = app_test_create_application ();
  fidget_application_set_annotator (fixture->app, annotator);
  fixture->window = fidget_application_open_file (fixture->app, file, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fixture->workspace = fidget_window_get_workspace (fixture->window);
  fixture->project = fidget_window_get_project (fixture->window);
  app_test_wait_settled (fixture->workspace);
}

static void
fixture_close (Fixture *fixture)
{
  app_test_destroy_all_toplevels ();
  g_clear_object (&fixture->app);
  g_clear_pointer (&fixture->path, g_free);
}

static GPtrArray *
segments_of (Fixture    *fixture,
             const char *annotator)
{
  return app_test_stored_segments_of (fixture->path, fixture->video_id, annotator);
}

static gboolean
focus_in (GtkWidget *widget,
          GtkWidget *ancestor)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

/* ------------------------------------------------------------------------------------------ */

static void
test_mark_with_keys (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) mine = NULL;
  const FidgetSegment *s;
  gint64 in, out;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");

  /* The project opens on its video at frame 0, with the keyboard where the shortcuts work. */
  g_assert_cmpstr (fidget_window_get_page_name (f.window), ==, "workspace");
  g_assert_cmpint (fidget_workspace_get_position (f.workspace), ==, 0);
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, 0);
  g_assert_true (focus_in (GTK_WIDGET (f.workspace), GTK_WIDGET (f.workspace)));

  /* Find the start: ten frames on. */
  for (int i = 0; i < 10; i++)
    press (f.workspace, GDK_KEY_Right);
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, 10);

  /* i, five frames on, o, then B 1: a nod over frames 10..15, inclusive. */
  press (f.workspace, GDK_KEY_i);
  for (int i = 0; i < 5; i++)
    press (f.workspace, GDK_KEY_Right);
  press (f.workspace, GDK_KEY_o);
  fidget_workspace_get_marks (f.workspace, &in, &out);
  g_assert_cmpint (in, ==, 10);
  g_assert_cmpint (out, ==, 15);
  press (f.workspace, GDK_KEY_b);
  g_assert_cmpstr (fidget_workspace_get_typed_code (f.workspace), ==, "B");
  press (f.workspace, GDK_KEY_1);

  /* In the file, at once, under amara's name: [10, 16) with B1. */
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  s = g_ptr_array_index (mine, 0);
  g_assert_cmpint (s->start_frame, ==, 10);
  g_assert_cmpint (s->end_frame, ==, 16);
  g_assert_cmpstr (s->action_code, ==, "B1");

  /* The marks are used up, the new segment is selected and in the inspector. */
  fidget_workspace_get_marks (f.workspace, &in, &out);
  g_assert_cmpint (in, ==, -1);
  g_assert_cmpint (out, ==, -1);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, s->uuid);
  g_assert_cmpstr (fidget_timeline_get_selected (fidget_workspace_get_timeline (f.workspace)), ==,
                   s->uuid);
  g_assert_nonnull (fidget_inspector_get_segment (fidget_workspace_get_inspector (f.workspace)));
  g_assert_cmpstr (fidget_inspector_get_segment (fidget_workspace_get_inspector (f.workspace))->uuid,
                   ==, s->uuid);

  /* An o marked before the i still makes a forward segment; an i alone ends on the frame
   * shown. */
  press (f.workspace, GDK_KEY_Escape);
  app_test_press_with (f.workspace, GDK_KEY_Right, GDK_SHIFT_MASK);   /* 1 s: frame 45 */
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (fidget_workspace_get_position (f.workspace), ==, 45);
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_Right);
  press (f.workspace, GDK_KEY_Right);
  press (f.workspace, GDK_KEY_d);
  press (f.workspace, GDK_KEY_3);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 2);
  s = g_ptr_array_index (mine, 1);
  g_assert_cmpint (s->start_frame, ==, 45);
  g_assert_cmpint (s->end_frame, ==, 48);
  g_assert_cmpstr (s->action_code, ==, "D3");

  fixture_close (&f);
}

static void
test_edit_keys (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) mine = NULL;
  const FidgetSegment *s;
  g_autofree char *uuid = NULL;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  fidget_workspace_seek (f.workspace, 20);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  fidget_workspace_seek (f.workspace, 29);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_o);
  press (f.workspace, GDK_KEY_e);
  press (f.workspace, GDK_KEY_2);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  uuid = g_strdup (((FidgetSegment *) g_ptr_array_index (mine, 0))->uuid);

  /* Tab from the start selects it and puts the playhead on its first frame. */
  press (f.workspace, GDK_KEY_Escape);
  g_assert_null (fidget_workspace_get_selected (f.workspace));
  fidget_workspace_seek (f.workspace, 0);
  press (f.workspace, GDK_KEY_Tab);
  g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, uuid);
  g_assert_cmpint (fidget_workspace_get_position (f.workspace), ==, 20);

  /* ] [ move the start, } { the end; each reaches the file at once. */
  press (f.workspace, GDK_KEY_bracketright);
  app_test_press_with (f.workspace, GDK_KEY_braceright, GDK_SHIFT_MASK);
  app_test_press_with (f.workspace, GDK_KEY_braceright, GDK_SHIFT_MASK);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  s = g_ptr_array_index (mine, 0);
  g_assert_cmpint (s->start_frame, ==, 21);
  g_assert_cmpint (s->end_frame, ==, 32);
  press (f.workspace, GDK_KEY_bracketleft);
  app_test_press_with (f.workspace, GDK_KEY_braceleft, GDK_SHIFT_MASK);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  s = g_ptr_array_index (mine, 0);
  g_assert_cmpint (s->start_frame, ==, 20);
  g_assert_cmpint (s->end_frame, ==, 31);

  /* Relabel the selected segment by typing a code. */
  press (f.workspace, GDK_KEY_g);
  press (f.workspace, GDK_KEY_4);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 0))->action_code, ==, "G4");

  /* Delete, undo, redo: the store's own log. */
  press (f.workspace, GDK_KEY_Delete);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 0);
  g_assert_null (fidget_workspace_get_selected (f.workspace));
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_z, GDK_CONTROL_MASK));
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 0))->action_code, ==, "G4");
  /* The message names the frames as the annotator sees them, first to last. */
  g_assert_cmpstr (fidget_workspace_get_last_message (f.workspace), ==,
                   "Undone: Delete G4 scratching feet, frames 20–30");
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 0);

  /* Tab never selects somebody else's segment for editing (bo's are not amara's). */
  press (f.workspace, GDK_KEY_Tab);
  g_assert_null (fidget_workspace_get_selected (f.workspace));
  g_assert_nonnull (strstr (fidget_workspace_get_last_message (f.workspace), "no segments"));

  fixture_close (&f);
}

static void
test_refusals_are_shown (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) mine = NULL;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");

  /* A one-frame segment cannot lose its end: the store refuses, and says why. */
  fidget_workspace_seek (f.workspace, 50);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_o);
  press (f.workspace, GDK_KEY_a);
  press (f.workspace, GDK_KEY_1);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  app_test_press_with (f.workspace, GDK_KEY_braceleft, GDK_SHIFT_MASK);
  g_test_message ("%s", fidget_workspace_get_last_message (f.workspace));
  g_assert_true (g_str_has_prefix (fidget_workspace_get_last_message (f.workspace),
                                   "The end was not moved: "));
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpint (((FidgetSegment *) g_ptr_array_index (mine, 0))->end_frame, ==, 51);

  /* A code no action has. */
  press (f.workspace, GDK_KEY_b);
  press (f.workspace, GDK_KEY_9);
  g_assert_cmpstr (fidget_workspace_get_last_message (f.workspace), ==, "There is no action B9");
  g_assert_cmpstr (fidget_workspace_get_typed_code (f.workspace), ==, "");

  /* Nobody chosen: nothing is written, and the workspace asks who is working. */
  fidget_window_set_annotator (f.window, NULL);
  press (f.workspace, GDK_KEY_Escape);
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_b);
  press (f.workspace, GDK_KEY_1);
  g_assert_nonnull (strstr (fidget_workspace_get_last_message (f.workspace), "Choose who you are"));
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);

  /* ...and opens the question, where the keys can answer it: a name and Enter. */
  {
    GtkEntry *entry = fidget_window_get_annotator_entry (f.window);
    GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (entry), GTK_TYPE_POPOVER);

    g_assert_true (gtk_widget_get_visible (popover));
    gtk_editable_set_text (GTK_EDITABLE (entry), "zoe");
    g_signal_emit_by_name (entry, "activate");
    app_test_spin ();
    g_assert_false (gtk_widget_get_visible (popover));
    g_assert_cmpstr (fidget_workspace_get_last_message (f.workspace), ==,
                     "Edits are recorded as zoe");
    fidget_workspace_focus (f.workspace);
    fidget_workspace_seek (f.workspace, 100);
    app_test_wait_settled (f.workspace);
    press (f.workspace, GDK_KEY_i);
    press (f.workspace, GDK_KEY_b);
    press (f.workspace, GDK_KEY_1);
    g_clear_pointer (&mine, g_ptr_array_unref);
    mine = segments_of (&f, "zoe");
    g_assert_cmpuint (mine->len, ==, 1);
  }

  fixture_close (&f);
}

static void
test_picker_and_codes (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) mine = NULL;
  g_auto(GStrv) visible = NULL;
  FidgetActionPicker *picker;
  gint64 deadline, mark_in, mark_out;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  picker = fidget_workspace_get_picker (f.workspace);

  /* Enter opens the picker; search as you type; Enter takes the first match. */
  fidget_workspace_seek (f.workspace, 60);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  fidget_workspace_seek (f.workspace, 70);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_o);

  /* Escape in the search (GtkSearchEntry turns it into "stop-search") closes the picker with
   * nothing made, the marks kept, and the keys back on the video. */
  press (f.workspace, GDK_KEY_Return);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (picker)));
  gtk_editable_set_text (fidget_action_picker_get_search_entry (picker), "nodd");
  g_signal_emit_by_name (fidget_action_picker_get_search_entry (picker), "stop-search");
  app_test_spin ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (picker)));
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 0);
  g_clear_pointer (&mine, g_ptr_array_unref);
  fidget_workspace_get_marks (f.workspace, &mark_in, &mark_out);
  g_assert_cmpint (mark_in, ==, 60);
  g_assert_cmpint (mark_out, ==, 70);
  g_assert_true (gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (f.workspace))) ==
                 GTK_WIDGET (fidget_workspace_get_video_view (f.workspace)));

  press (f.workspace, GDK_KEY_Return);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (picker)));
  visible = fidget_action_picker_get_visible_codes (picker);
  g_assert_cmpuint (g_strv_length (visible), ==, 52);
  gtk_editable_set_text (fidget_action_picker_get_search_entry (picker), "nodd");
  app_test_spin_for (300);
  g_clear_pointer (&visible, g_strfreev);
  visible = fidget_action_picker_get_visible_codes (picker);
  g_assert_cmpuint (g_strv_length (visible), ==, 1);
  g_assert_cmpstr (visible[0], ==, "B1");
  g_signal_emit_by_name (fidget_action_picker_get_search_entry (picker), "activate");
  app_test_spin ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (picker)));
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 0))->action_code, ==, "B1");
  g_assert_cmpint (((FidgetSegment *) g_ptr_array_index (mine, 0))->start_frame, ==, 60);
  g_assert_cmpint (((FidgetSegment *) g_ptr_array_index (mine, 0))->end_frame, ==, 71);

  /* Recently used comes first. */
  gtk_editable_set_text (fidget_action_picker_get_search_entry (picker), "");
  app_test_spin ();
  g_clear_pointer (&visible, g_strfreev);
  visible = fidget_action_picker_get_visible_codes (picker);
  g_assert_cmpstr (visible[0], ==, "B1");
  g_assert_cmpuint (g_strv_length (visible), ==, 53);

  /* C1 is complete but C10-C13 start with it: it waits a moment, then is taken. */
  press (f.workspace, GDK_KEY_Escape);
  fidget_workspace_seek (f.workspace, 80);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_c);
  press (f.workspace, GDK_KEY_1);
  g_assert_cmpstr (fidget_workspace_get_typed_code (f.workspace), ==, "C1");
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (fidget_workspace_get_typed_code (f.workspace)[0] != '\0' &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 2);
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 1))->action_code, ==, "C1");

  /* ... while C 1 2 is C12 at once. */
  press (f.workspace, GDK_KEY_Escape);
  fidget_workspace_seek (f.workspace, 90);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_c);
  press (f.workspace, GDK_KEY_1);
  press (f.workspace, GDK_KEY_2);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 3);
  g_assert_cmpstr (((FidgetSegment *) g_ptr_array_index (mine, 2))->action_code, ==, "C12");

  fixture_close (&f);
}

static void
test_play_speed_loop (void)
{
  Fixture f = { 0 };
  gint64 start, end, position;
  gint64 deadline;
  gboolean stayed = TRUE;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");

  /* Space plays; the playhead moves on; Space pauses. */
  press (f.workspace, GDK_KEY_space);
  g_assert_true (fidget_workspace_get_playing (f.workspace));
  app_test_spin_for (500);
  press (f.workspace, GDK_KEY_space);
  g_assert_false (fidget_workspace_get_playing (f.workspace));
  position = fidget_workspace_get_position (f.workspace);
  g_test_message ("0.5 s of play at 1x: frame %" G_GINT64_FORMAT, position);
  g_assert_cmpint (position, >, 3);
  g_assert_cmpint (position, <, 30);

  /* - and + walk the speeds between 0.1x and 2x. */
  g_assert_cmpfloat (fidget_workspace_get_speed (f.workspace), ==, 1.0);
  press (f.workspace, GDK_KEY_minus);
  g_assert_cmpfloat (fidget_workspace_get_speed (f.workspace), ==, 0.75);
  for (int i = 0; i < 10; i++)
    press (f.workspace, GDK_KEY_minus);
  g_assert_cmpfloat (fidget_workspace_get_speed (f.workspace), ==, 0.1);
  for (int i = 0; i < 10; i++)
    app_test_press_with (f.workspace, GDK_KEY_plus, GDK_SHIFT_MASK);
  g_assert_cmpfloat (fidget_workspace_get_speed (f.workspace), ==, 2.0);

  /* l loops the selected segment (bo's F1 over 30..44, selected from the timeline). */
  fidget_workspace_set_speed (f.workspace, 1.0);
  fidget_workspace_set_show_others (f.workspace, TRUE);
  {
    FidgetTimeline *timeline = fidget_workspace_get_timeline (f.workspace);
    graphene_rect_t rect;
    FidgetTimelineHit hit;
    g_autoptr(GPtrArray) others = segments_of (&f, "bo");
    const char *uuid = ((FidgetSegment *) g_ptr_array_index (others, 0))->uuid;

    app_test_spin_for (100);
    g_assert_true (fidget_timeline_get_segment_rect (timeline, uuid, &rect));
    fidget_timeline_hit_test (timeline, rect.origin.x + rect.size.width / 2, rect.origin.y + 3, &hit);
    g_assert_cmpstr (hit.uuid, ==, uuid);
    g_assert_true (fidget_timeline_drag_begin (timeline, rect.origin.x + rect.size.width / 2,
                                               rect.origin.y + 3));
    fidget_timeline_drag_end (timeline, 0, 0);
    g_assert_cmpstr (fidget_workspace_get_selected (f.workspace), ==, uuid);
  }
  press (f.workspace, GDK_KEY_l);
  fidget_workspace_get_loop (f.workspace, &start, &end);
  g_assert_cmpint (start, ==, 30);
  g_assert_cmpint (end, ==, 45);
  g_assert_true (fidget_workspace_get_playing (f.workspace));
  deadline = g_get_monotonic_time () + 1200 * 1000;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      position = fidget_workspace_get_position (f.workspace);
      if (position < 30 || position >= 45)
        stayed = FALSE;
    }
  g_assert_true (stayed);
  press (f.workspace, GDK_KEY_l);
  fidget_workspace_get_loop (f.workspace, &start, &end);
  g_assert_cmpint (end, <=, start);
  press (f.workspace, GDK_KEY_space);

  fixture_close (&f);
}

/* Four seconds of picture with a 440 Hz tone, to hear the player through the workspace. */
static char *
write_clip_with_sound (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "tone.mkv", NULL);
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  gst_init (NULL, NULL);
  description = g_strdup_printf (
    "videotestsrc num-buffers=120 pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "
    "! x264enc key-int-max=30 speed-preset=ultrafast ! h264parse ! matroskamux name=mux "
    "! filesink location=\"%s\" "
    "audiotestsrc num-buffers=180 samplesperbuffer=1024 freq=440 ! audioconvert ! vorbisenc "
    "! mux.", path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_steal_pointer (&path);
}

/* The sound follows play: off until asked for, on with play, silent below half speed and
 * during steps, off with pause or when switched off. */
static void
test_sound_follows_play (void)
{
  Fixture f = { 0 };
  g_autofree char *clip = NULL;
  g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);
  FidgetPlayer *player;

  REQUIRE_DISPLAY ();

  g_settings_reset (settings, "play-audio");
  clip = write_clip_with_sound ();
  fixture_open (&f, clip, "amara");
  player = fidget_workspace_get_player (f.workspace);
  g_assert_nonnull (player);
  /* A sink on the clock instead of the machine's output, which a build machine lacks. */
  fidget_player_set_audio_sink (player, gst_element_factory_make ("fakesink", NULL));
  g_assert_false (fidget_player_get_audio_enabled (player));

  /* Off by default: play is silent. */
  press (f.workspace, GDK_KEY_space);
  g_assert_true (fidget_workspace_get_playing (f.workspace));
  g_assert_false (fidget_player_is_playing_audio (player));
  press (f.workspace, GDK_KEY_space);

  /* Switched on (the preference the toolbar's button sets): play brings the sound. */
  g_settings_set_boolean (settings, "play-audio", TRUE);
  app_test_spin ();
  g_assert_true (fidget_player_get_audio_enabled (player));
  g_assert_true (fidget_player_has_audio (player));
  fidget_workspace_seek (f.workspace, 0);
  press (f.workspace, GDK_KEY_space);
  g_assert_true (fidget_player_is_playing_audio (player));
  app_test_spin_for (200);

  /* Below half speed it goes quiet; back at 1x it plays again from where the frames are. */
  fidget_workspace_set_speed (f.workspace, 0.25);
  g_assert_false (fidget_player_is_playing_audio (player));
  fidget_workspace_set_speed (f.workspace, 1.0);
  g_assert_true (fidget_player_is_playing_audio (player));

  /* A step pauses, and so silences. */
  press (f.workspace, GDK_KEY_Right);
  g_assert_false (fidget_workspace_get_playing (f.workspace));
  g_assert_false (fidget_player_is_playing_audio (player));

  /* Switched off while playing: silent at once. */
  press (f.workspace, GDK_KEY_space);
  g_assert_true (fidget_player_is_playing_audio (player));
  g_settings_set_boolean (settings, "play-audio", FALSE);
  app_test_spin ();
  g_assert_false (fidget_player_is_playing_audio (player));
  press (f.workspace, GDK_KEY_space);

  g_settings_reset (settings, "play-audio");
  fixture_close (&f);
}

static void
test_frames_shown_are_exact (void)
{
  PlayerClipSpec spec = { 320, 240, 30, 90, 30, FALSE, 0, NULL };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *clip = g_build_filename (dir, "index.mkv", NULL);
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };
  FidgetVideoView *view;

  REQUIRE_DISPLAY ();

  /* A clip whose frames show their own index: what is on screen is checked by its pixels. */
  g_assert_true (player_clip_write (clip, &spec, &error));
  g_assert_no_error (error);
  fixture_open (&f, clip, "amara");
  view = fidget_workspace_get_video_view (f.workspace);

  for (int i = 0; i < 40; i++)
    press (f.workspace, GDK_KEY_Right);
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (player_clip_read_index (fidget_video_view_get_frame (view)), ==, 40);
  app_test_press_with (f.workspace, GDK_KEY_Left, GDK_SHIFT_MASK);
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (player_clip_read_index (fidget_video_view_get_frame (view)), ==, 10);
  for (int i = 0; i < 7; i++)
    {
      press (f.workspace, GDK_KEY_Left);
      app_test_wait_settled (f.workspace);
      g_assert_cmpint (player_clip_read_index (fidget_video_view_get_frame (view)), ==, 9 - i);
      g_assert_cmpint (fidget_video_view_get_index (view), ==, 9 - i);
    }
  press (f.workspace, GDK_KEY_End);
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (player_clip_read_index (fidget_video_view_get_frame (view)), ==, 89);
  fixture_close (&f);
}

static void
test_broken_video_keeps_project_usable (void)
{
  PlayerClipSpec spec = { 320, 240, 30, 90, 30, FALSE, 0, NULL };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *clip = g_build_filename (dir, "index.mkv", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autofree char *moved = NULL;
  GtkWidget *focus;
  Fixture f = { 0 };
  gsize length;
  gint64 deadline;

  REQUIRE_DISPLAY ();

  g_assert_true (player_clip_write (clip, &spec, &error));
  fixture_open (&f, clip, "amara");

  /* The file is cut in half behind the project's back, then played past the cut. */
  copy = g_build_filename (g_path_get_dirname (f.path), "P001.mkv", NULL);
  g_file_get_contents (copy, &contents, &length, &error);
  g_assert_no_error (error);
  fidget_workspace_close_video (f.workspace);
  g_file_set_contents (copy, contents, (gssize) length / 2, &error);
  g_assert_no_error (error);
  fidget_workspace_open_video (f.workspace, f.video_id, 5);
  app_test_wait_settled (f.workspace);

  press (f.workspace, GDK_KEY_End);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (fidget_workspace_get_error (f.workspace) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (fidget_workspace_get_error (f.workspace));
  g_test_message ("%s", fidget_workspace_get_error (f.workspace));
  g_assert_nonnull (strstr (fidget_workspace_get_error (f.workspace), "P001.mkv"));

  /* Still usable: back before the cut, frames show and segments are made. */
  press (f.workspace, GDK_KEY_Home);
  app_test_wait_settled (f.workspace);
  g_assert_null (fidget_workspace_get_error (f.workspace));
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_Right);
  press (f.workspace, GDK_KEY_b);
  press (f.workspace, GDK_KEY_2);
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 1);

  /* The file moves away: the page offers to find it, with the keys on that button (Enter and
   * Space press it) while the workspace's other keys still work. */
  moved = g_strconcat (copy, ".moved", NULL);
  fidget_workspace_close_video (f.workspace);
  g_assert_cmpint (g_rename (copy, moved), ==, 0);
  fidget_workspace_open_video (f.workspace, f.video_id, 0);
  fidget_workspace_focus (f.workspace);
  app_test_spin ();
  focus = gtk_root_get_focus (GTK_ROOT (f.window));
  g_assert_true (GTK_IS_BUTTON (focus));
  g_assert_true (gtk_widget_get_mapped (focus));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "_Find the Video File…");
  g_assert_false (app_test_press_with (f.workspace, GDK_KEY_Return, 0));
  g_assert_false (app_test_press_with (f.workspace, GDK_KEY_space, 0));
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_Right, 0));
  g_assert_cmpint (g_rename (moved, copy), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.show-videos", NULL));
  g_assert_cmpstr (fidget_window_get_page_name (f.window), ==, "project");

  fixture_close (&f);
}

/* After a jump, while the frame is on screen, a second reader prepares the steps back and the
 * player reads on through the next second: the first steps back, a jump of a second and the
 * step after it then need no seek and no decoding. */
static void
test_frames_around_prepared (void)
{
  Fixture f = { 0 };
  FidgetPlayerStats before, after;
  FidgetPlayer *player;
  gint64 deadline;
  gint64 jumped = DEMO_FRAMES / 3;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  fidget_workspace_seek (f.workspace, jumped);
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, jumped);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (fidget_workspace_get_frame_prefetch_ready (f.workspace) != jumped &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (fidget_workspace_get_frame_prefetch_ready (f.workspace), ==, jumped);

  player = fidget_workspace_get_player (f.workspace);
  fidget_player_get_stats (player, &before);
  for (int i = 0; i < 3; i++)
    {
      press (f.workspace, GDK_KEY_Left);
      app_test_wait_settled (f.workspace);
    }
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, jumped - 3);
  g_assert_true (app_test_press_with (f.workspace, GDK_KEY_Right, GDK_SHIFT_MASK));
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_Right);
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, jumped - 3 + 30 + 1);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);
  g_assert_cmpuint (after.pictures_decoded, ==, before.pictures_decoded);

  /* The pipeline stands where the read stopped: the steps on read on, without a seek. */
  for (int i = 0; i < 3; i++)
    {
      press (f.workspace, GDK_KEY_Right);
      app_test_wait_settled (f.workspace);
    }
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, jumped + 31);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);
  g_assert_cmpuint (after.pictures_decoded, >, before.pictures_decoded);

  fixture_close (&f);
}

/* Waits until the picture on screen is no longer frame @from's; returns the one shown then. */
static gint64
wait_shown_change (FidgetWorkspace *workspace,
                   gint64           from)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fidget_workspace_get_shown_frame (workspace) == from &&
         g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return fidget_workspace_get_shown_frame (workspace);
}

/* Dragging the playhead over a video whose exact seeks are slow: the keyframe before the
 * pointer stands in, numbered as what it is, while the playhead follows the pointer; when the
 * pointer rests, and when it lets go, the exact frame follows. */
static void
test_scrub_by_keyframes (void)
{
  Fixture f = { 0 };
  g_autoptr(FidgetPlayer) reader = NULL;
  g_autoptr(FidgetFrame) keyframe = NULL;
  g_autoptr(GError) error = NULL;
  FidgetTimeline *timeline;
  FidgetPlayer *player;
  FidgetTimelineHit hit;
  double x0;
  double ruler_y = 5;
  gint64 target;
  gint64 key = -1;
  gint64 shown;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  app_test_wait_settled (f.workspace);
  fidget_workspace_set_scrub_by_keyframes (f.workspace, TRUE);
  timeline = fidget_workspace_get_timeline (f.workspace);
  player = fidget_workspace_get_player (f.workspace);
  fidget_timeline_hit_test (timeline, fidget_timeline_frame_to_x (timeline, 0.5), ruler_y, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_RULER);

  x0 = fidget_timeline_frame_to_x (timeline, 0.5);
  g_assert_true (fidget_timeline_drag_begin (timeline, x0, ruler_y));
  g_assert_false (fidget_timeline_get_scrubbing (timeline));
  fidget_player_clear_cache (player);
  fidget_timeline_drag_update (timeline, fidget_timeline_frame_to_x (timeline, 100.5) - x0, 0);
  g_assert_true (fidget_timeline_get_scrubbing (timeline));
  target = fidget_workspace_get_position (f.workspace);
  g_assert_cmpint (fidget_timeline_get_position (timeline), ==, target);

  /* The keyframe before it, as a reader of its own finds it. */
  reader = fidget_player_open (fidget_player_get_path (player), NULL, NULL, &error);
  g_assert_no_error (error);
  keyframe = fidget_player_get_keyframe_before (reader, target, &key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fidget_frame_get_index (keyframe), ==, key);
  g_assert_cmpint (key, <, target);

  shown = wait_shown_change (f.workspace, 0);
  g_assert_cmpint (shown, ==, key);
  g_assert_cmpint (fidget_workspace_get_position (f.workspace), ==, target);
  /* Resting, still pressed: the exact frame. */
  g_assert_cmpint (wait_shown_change (f.workspace, key), ==, target);

  fidget_player_clear_cache (player);
  fidget_timeline_drag_update (timeline, fidget_timeline_frame_to_x (timeline, 190.5) - x0, 0);
  target = fidget_workspace_get_position (f.workspace);
  g_clear_pointer (&keyframe, fidget_frame_unref);
  keyframe = fidget_player_get_keyframe_before (reader, target, &key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (key, <, target);
  g_assert_cmpint (wait_shown_change (f.workspace, 100), ==, key);
  /* Let go: the exact frame. */
  fidget_timeline_drag_end (timeline, fidget_timeline_frame_to_x (timeline, 190.5) - x0, 0);
  g_assert_false (fidget_timeline_get_scrubbing (timeline));
  app_test_wait_settled (f.workspace);
  g_assert_cmpint (fidget_workspace_get_shown_frame (f.workspace), ==, target);

  /* Below 720p (the demo), a drag shows exact frames all along. */
  fidget_workspace_set_scrub_by_keyframes (f.workspace, FALSE);
  fidget_player_clear_cache (player);
  x0 = fidget_timeline_frame_to_x (timeline, target + 0.5);
  g_assert_true (fidget_timeline_drag_begin (timeline, x0, ruler_y));
  fidget_timeline_drag_update (timeline, fidget_timeline_frame_to_x (timeline, 40.5) - x0, 0);
  g_assert_cmpint (wait_shown_change (f.workspace, target), ==,
                   fidget_workspace_get_position (f.workspace));
  fidget_timeline_drag_end (timeline, fidget_timeline_frame_to_x (timeline, 40.5) - x0, 0);

  fixture_close (&f);
}

static void
test_resumes_where_work_stopped (void)
{
  Fixture f = { 0 };
  g_autoptr(GFile) file = NULL;
  FidgetWindow *window;
  FidgetWorkspace *workspace;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  fidget_workspace_seek (f.workspace, 123);
  app_test_wait_settled (f.workspace);
  gtk_window_close (GTK_WINDOW (f.window));
  app_test_spin ();
  g_clear_object (&f.app);

  /* A new start on the same project: the same video at the same frame, keys ready. */
  file = g_file_new_for_path (f.path);
  f.app = app_test_create_application ();
  fidget_application_set_annotator (f.app, "amara");
  window = fidget_application_open_file (f.app, file, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  workspace = fidget_window_get_workspace (window);
  app_test_wait_settled (workspace);
  g_assert_cmpstr (fidget_window_get_page_name (window), ==, "workspace");
  g_assert_cmpint (fidget_workspace_get_position (workspace), ==, 123);
  g_assert_cmpint (fidget_workspace_get_shown_frame (workspace), ==, 123);
  g_assert_true (focus_in (GTK_WIDGET (workspace), GTK_WIDGET (workspace)));

  fixture_close (&f);
}

static void
test_inspector_edits (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) mine = NULL;
  FidgetInspector *inspector;
  const FidgetSegment *s;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  inspector = fidget_workspace_get_inspector (f.workspace);
  fidget_workspace_seek (f.workspace, 150);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  fidget_workspace_seek (f.workspace, 160);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_o);
  press (f.workspace, GDK_KEY_f);
  press (f.workspace, GDK_KEY_3);

  /* The inspector shows the first and last frames (inclusive) and the duration. */
  g_assert_cmpfloat (gtk_spin_button_get_value (fidget_inspector_get_start_spin (inspector)), ==, 150);
  g_assert_cmpfloat (gtk_spin_button_get_value (fidget_inspector_get_last_spin (inspector)), ==, 160);
  g_assert_cmpstr (gtk_label_get_label (fidget_inspector_get_duration (inspector)), ==,
                   "11 frames · 0.367 s");

  /* Each field goes to the store when changed. */
  gtk_spin_button_set_value (fidget_inspector_get_last_spin (inspector), 165);
  adw_combo_row_set_selected (fidget_inspector_get_emotion (inspector), FIDGET_EMOTION_SURPRISE);
  gtk_editable_set_text (fidget_inspector_get_note_entry (inspector), "left hand only");
  g_signal_emit_by_name (fidget_inspector_get_note_entry (inspector), "apply");
  gtk_switch_set_active (fidget_inspector_get_flag_switch (inspector), TRUE);
  app_test_spin ();
  mine = segments_of (&f, "amara");
  s = g_ptr_array_index (mine, 0);
  g_assert_cmpint (s->end_frame, ==, 166);
  g_assert_cmpint (s->emotion, ==, FIDGET_EMOTION_SURPRISE);
  g_assert_cmpstr (s->note, ==, "left hand only");
  g_assert_true (s->flagged);

  /* A refused value is told, and the field shows the stored one again. */
  gtk_spin_button_set_value (fidget_inspector_get_last_spin (inspector), 100);
  app_test_spin ();
  g_test_message ("%s", fidget_workspace_get_last_message (f.workspace));
  g_assert_true (g_str_has_prefix (fidget_workspace_get_last_message (f.workspace),
                                   "The change was not saved: "));
  g_assert_cmpfloat (gtk_spin_button_get_value (fidget_inspector_get_last_spin (inspector)), ==, 165);

  fixture_close (&f);
}


/* The others' lane follows the review: hidden from the primary, shown to the reviewer; and
 * what the review refuses is told, not lost. */
static void
test_review_rules (void)
{
  static const char *checkers[] = { "carmen", "amara", NULL };
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(FidgetAnnotator) carmen = NULL;
  g_autoptr(FidgetAnnotator) dev = NULL;
  FidgetTimeline *timeline;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  timeline = fidget_workspace_get_timeline (f.workspace);
  g_assert_false (fidget_timeline_get_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS));

  carmen = fidget_project_add_annotator (f.project, "carmen", &error);
  g_assert_no_error (error);
  dev = fidget_project_add_annotator (f.project, "dev", &error);
  g_assert_no_error (error);
  fidget_review_assign (f.project, f.video_id, "bo", checkers, "dev", &error);
  g_assert_no_error (error);

  /* amara cross-checks later; while bo annotates, the store refuses her segment, and the
   * workspace says so. */
  fidget_workspace_seek (f.workspace, 10);
  app_test_wait_settled (f.workspace);
  press (f.workspace, GDK_KEY_i);
  press (f.workspace, GDK_KEY_b);
  press (f.workspace, GDK_KEY_1);
  g_test_message ("%s", fidget_workspace_get_last_message (f.workspace));
  g_assert_true (g_str_has_prefix (fidget_workspace_get_last_message (f.workspace),
                                   "The segment was not added: "));
  mine = segments_of (&f, "amara");
  g_assert_cmpuint (mine->len, ==, 0);
  g_assert_false (fidget_timeline_get_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS));

  /* The reviewer sees the others' lane. */
  fidget_window_set_annotator (f.window, "dev");
  g_assert_true (fidget_timeline_get_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS));
  fidget_window_set_annotator (f.window, "bo");
  g_assert_false (fidget_timeline_get_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS));

  fixture_close (&f);
}

/* Every key the shortcuts window lists under Annotating does something in the workspace. */
static void
test_shortcuts_listed_work (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GSList) objects = NULL;
  GObject *overlay;
  Fixture f = { 0 };
  guint checked = 0;

  REQUIRE_DISPLAY ();
  builder = gtk_builder_new_from_resource ("/io/github/fidget/Fidget/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  objects = gtk_builder_get_objects (builder);
  g_assert_nonnull (overlay);

  fixture_open (&f, demo_video_path (), "amara");
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) accels = NULL;
      GtkWidget *section;
      g_autofree char *section_name = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      section = gtk_widget_get_ancestor (GTK_WIDGET (l->data), GTK_TYPE_SHORTCUTS_SECTION);
      g_object_get (section, "section-name", &section_name, NULL);
      g_object_get (l->data, "accelerator", &accelerator, NULL);
      if (g_strcmp0 (section_name, "annotating") != 0 || accelerator == NULL)
        continue;

      accels = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; accels[i] != NULL; i++)
        {
          g_auto(GStrv) range = g_strsplit (accels[i], "...", 2);
          guint first, last;
          GdkModifierType mods;

          g_assert_true (gtk_accelerator_parse (range[0], &first, &mods));
          last = first;
          if (range[1] != NULL)
            g_assert_true (gtk_accelerator_parse (range[1], &last, NULL));
          for (guint key = first; key <= last; key++)
            {
              guint keyval = key;
              gboolean handled;

              /* Shift+Tab arrives as ISO_Left_Tab; digits finish a code begun by a letter. */
              if (keyval == GDK_KEY_Tab && (mods & GDK_SHIFT_MASK))
                keyval = GDK_KEY_ISO_Left_Tab;
              if (keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
                press (f.workspace, GDK_KEY_b);
              /* Escape clears what there is to clear: give it a mark. */
              if (keyval == GDK_KEY_Escape)
                press (f.workspace, GDK_KEY_i);
              handled = app_test_press_with (f.workspace, keyval, mods);
              if (!handled)
                g_error ("%s is listed but does nothing", gtk_accelerator_name (keyval, mods));
              checked++;

              /* Back to where the keys work, for the next one. */
              fidget_workspace_set_playing (f.workspace, FALSE);
              gtk_popover_popdown (GTK_POPOVER (fidget_workspace_get_picker (f.workspace)));
              app_test_spin ();
              while (app_test_press_with (f.workspace, GDK_KEY_Escape, 0))
                ;
              fidget_workspace_focus (f.workspace);
            }
        }
    }
  g_test_message ("%u listed keys checked", checked);
  g_assert_cmpuint (checked, >=, 30);

  fixture_close (&f);
}

/* F9 hides the segment panel and shows it again. With it, the window fits half a 1920-pixel
 * screen; without it, half of a 1366-pixel one. */
static void
test_inspector_toggle (void)
{
  Fixture f = { 0 };
  GtkWidget *inspector;
  int with_panel, without_panel;

  REQUIRE_DISPLAY ();

  fixture_open (&f, demo_video_path (), "amara");
  inspector = GTK_WIDGET (fidget_workspace_get_inspector (f.workspace));
  g_assert_true (gtk_widget_get_visible (inspector));
  gtk_widget_measure (GTK_WIDGET (f.window), GTK_ORIENTATION_HORIZONTAL, -1, &with_panel, NULL,
                      NULL, NULL);

  press (f.workspace, GDK_KEY_F9);
  g_assert_false (gtk_widget_get_visible (inspector));
  g_assert_false (fidget_workspace_get_inspector_visible (f.workspace));
  gtk_widget_measure (GTK_WIDGET (f.window), GTK_ORIENTATION_HORIZONTAL, -1, &without_panel,
                      NULL, NULL, NULL);
  g_test_message ("smallest width %d with the panel, %d without", with_panel, without_panel);
  g_assert_cmpint (with_panel, <=, 960);
  g_assert_cmpint (without_panel, <=, 683);
  g_assert_cmpint (without_panel, <, with_panel);

  /* The keys still work without it, and the header's toggle, which follows it, brings it
   * back. */
  press (f.workspace, GDK_KEY_Right);
  g_assert_false (gtk_toggle_button_get_active (fidget_window_get_inspector_button (f.window)));
  gtk_toggle_button_set_active (fidget_window_get_inspector_button (f.window), TRUE);
  g_assert_true (gtk_widget_get_visible (inspector));
  press (f.workspace, GDK_KEY_F9);
  press (f.workspace, GDK_KEY_F9);
  g_assert_true (gtk_widget_get_visible (inspector));

  /* Remembered: the next window starts as this one was left. */
  press (f.workspace, GDK_KEY_F9);
  {
    g_autoptr(GSettings) settings = g_settings_new (FIDGET_APP_ID);

    g_assert_false (g_settings_get_boolean (settings, "inspector-visible"));
    g_settings_reset (settings, "inspector-visible");
  }
  g_assert_true (gtk_widget_get_visible (inspector));

  fixture_close (&f);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child
                                                                   : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every section of the shortcuts window fits on one page: a second page hides behind a small
 * "2" at the bottom (and GTK 4.8 warns about the labels of those page buttons). */
static void
test_shortcuts_one_page (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GSList) objects = NULL;
  GtkWindow *overlay;
  guint sections = 0;

  REQUIRE_DISPLAY ();
  builder = gtk_builder_new_from_resource ("/io/github/fidget/Fidget/gtk/help-overlay.ui");
  overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_present (overlay);
  app_test_spin_for (300);
  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *name = NULL;
      GtkWidget *stack;
      g_autoptr(GListModel) pages = NULL;

      if (!GTK_IS_SHORTCUTS_SECTION (l->data))
        continue;
      g_object_get (l->data, "section-name", &name, NULL);
      stack = find_descendant (GTK_WIDGET (l->data), GTK_TYPE_STACK);
      g_assert_nonnull (stack);
      pages = G_LIST_MODEL (gtk_stack_get_pages (GTK_STACK (stack)));
      if (g_list_model_get_n_items (pages) != 1)
        g_error ("the shortcuts of “%s” take %u pages", name, g_list_model_get_n_items (pages));
      sections++;
    }
  g_assert_cmpuint (sections, ==, 3);
  gtk_window_destroy (overlay);
  app_test_spin ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  app_test_init_display ();

  g_test_add_func ("/workspace/mark-with-keys", test_mark_with_keys);
  g_test_add_func ("/workspace/edit-keys", test_edit_keys);
  g_test_add_func ("/workspace/refusals-are-shown", test_refusals_are_shown);
  g_test_add_func ("/workspace/picker-and-codes", test_picker_and_codes);
  g_test_add_func ("/workspace/play-speed-loop", test_play_speed_loop);
  g_test_add_func ("/workspace/sound-follows-play", test_sound_follows_play);
  g_test_add_func ("/workspace/frames-shown-are-exact", test_frames_shown_are_exact);
  g_test_add_func ("/workspace/broken-video", test_broken_video_keeps_project_usable);
  g_test_add_func ("/workspace/frames-around-prepared", test_frames_around_prepared);
  g_test_add_func ("/workspace/scrub-by-keyframes", test_scrub_by_keyframes);
  g_test_add_func ("/workspace/resumes", test_resumes_where_work_stopped);
  g_test_add_func ("/workspace/inspector-edits", test_inspector_edits);
  g_test_add_func ("/workspace/shortcuts-listed-work", test_shortcuts_listed_work);
  g_test_add_func ("/workspace/shortcuts-one-page", test_shortcuts_one_page);
  g_test_add_func ("/workspace/inspector-toggle", test_inspector_toggle);
  g_test_add_func ("/workspace/review-rules", test_review_rules);

  return g_test_run ();
}
