/* test-timeline.c: the timeline's geometry, zoom, stacking, hit-testing and dragging
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "fidget-timeline-private.h"

static gboolean have_display;

#define REQUIRE_DISPLAY()                                                   \
  G_STMT_START {                                                            \
    if (!have_display)                                                      \
      {                                                                     \
        g_test_skip ("No display: run the GUI tests under xvfb-run");       \
        return;                                                             \
      }                                                                     \
  } G_STMT_END

#define WIDTH  912   /* 800 pixels of lanes beside the 112-pixel header */
#define FRAMES 900

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct
{
  GtkWindow      *window;
  FidgetTimeline *timeline;
} Fixture;

static FidgetSegment *
segment (const char *uuid,
         gint64      start,
         gint64      end,
         const char *code)
{
  FidgetSegment *s = fidget_segment_new ();

  s->uuid = g_strdup (uuid);
  s->start_frame = start;
  s->end_frame = end;
  s->action_code = g_strdup (code);
  return s;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FidgetTaxonomy) taxonomy = fidget_taxonomy_new_ma52 ();
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
  gint64 deadline;

  if (!have_display)
    return;

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->timeline = FIDGET_TIMELINE (fidget_timeline_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->timeline));
  gtk_window_set_default_size (fixture->window, WIDTH, 200);
  gtk_window_present (fixture->window);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (gtk_widget_get_width (GTK_WIDGET (fixture->timeline)) != WIDTH &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->timeline)), ==, WIDTH);

  fidget_timeline_set_taxonomy (fixture->timeline, taxonomy);
  fidget_timeline_set_video (fixture->timeline, FRAMES, 30, 1);

  /* a and b overlap, c stands alone. */
  g_ptr_array_add (mine, segment ("a", 10, 40, "B1"));
  g_ptr_array_add (mine, segment ("b", 30, 60, "C2"));
  g_ptr_array_add (mine, segment ("c", 100, 130, "D3"));
  fidget_timeline_set_segments (fixture->timeline, FIDGET_TIMELINE_LANE_MINE, mine);
  spin ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  spin ();
}

static void
test_geometry (Fixture       *fixture,
               gconstpointer  data)
{
  FidgetTimeline *timeline = fixture->timeline;

  REQUIRE_DISPLAY ();

  /* The whole video fills the 800 pixels: 900 / 800 frames a pixel. */
  g_assert_cmpfloat_with_epsilon (fidget_timeline_get_frames_per_pixel (timeline), 1.125, 1e-9);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_frame_to_x (timeline, 0), 112.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_frame_to_x (timeline, FRAMES), WIDTH, 1e-9);
  for (double f = 0; f <= FRAMES; f += 37.5)
    g_assert_cmpfloat_with_epsilon (fidget_timeline_x_to_frame (timeline,
                                                                fidget_timeline_frame_to_x (timeline, f)),
                                    f, 1e-9);

  /* Zoomed to 10 pixels a frame from frame 100: frame 101 spans x 122..132. */
  fidget_timeline_show_range (timeline, 100, 80);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_get_frames_per_pixel (timeline), 0.1, 1e-9);
  g_assert_cmpint (fidget_timeline_frame_at_x (timeline, 122.0), ==, 101);
  g_assert_cmpint (fidget_timeline_frame_at_x (timeline, 131.9), ==, 101);
  g_assert_cmpint (fidget_timeline_frame_at_x (timeline, 132.0), ==, 102);
  /* Dragged edges snap to the nearest frame boundary. */
  g_assert_cmpint (fidget_timeline_boundary_at_x (timeline, 126.9), ==, 101);
  g_assert_cmpint (fidget_timeline_boundary_at_x (timeline, 127.1), ==, 102);
  /* Never outside the video. */
  g_assert_cmpint (fidget_timeline_frame_at_x (timeline, -5000), ==, 0);
  fidget_timeline_zoom_to_fit (timeline);
  g_assert_cmpint (fidget_timeline_frame_at_x (timeline, 5000), ==, FRAMES - 1);
  g_assert_cmpint (fidget_timeline_boundary_at_x (timeline, 5000), ==, FRAMES);
}

static void
test_zoom (Fixture       *fixture,
           gconstpointer  data)
{
  FidgetTimeline *timeline = fixture->timeline;
  double x_before;

  REQUIRE_DISPLAY ();

  /* Zooming keeps the anchor frame under the same pixel. */
  x_before = fidget_timeline_frame_to_x (timeline, 450);
  fidget_timeline_zoom (timeline, 4.0, 450);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_get_frames_per_pixel (timeline), 1.125 / 4, 1e-9);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_frame_to_x (timeline, 450), x_before, 1e-6);

  /* Down to single frames 32 pixels wide, and no further. */
  for (int i = 0; i < 20; i++)
    fidget_timeline_zoom (timeline, 2.0, 450);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_get_frames_per_pixel (timeline), 1.0 / 32, 1e-9);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_frame_to_x (timeline, 451) -
                                  fidget_timeline_frame_to_x (timeline, 450), 32.0, 1e-9);

  /* Out to the whole video, and no further: the view never runs past either end. */
  for (int i = 0; i < 20; i++)
    fidget_timeline_zoom (timeline, 0.5, 10);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_get_frames_per_pixel (timeline), 1.125, 1e-9);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_get_first_frame (timeline), 0, 1e-9);

  /* Zooming in near the end keeps the end in place rather than showing empty space. */
  fidget_timeline_zoom (timeline, 8.0, FRAMES);
  g_assert_cmpfloat_with_epsilon (fidget_timeline_frame_to_x (timeline, FRAMES), WIDTH, 1e-6);

  /* The playhead is kept in view when it moves out of it. */
  fidget_timeline_show_range (timeline, 0, 80);
  fidget_timeline_set_position (timeline, 600);
  g_assert_cmpfloat (fidget_timeline_frame_to_x (timeline, 600), >=, 112);
  g_assert_cmpfloat (fidget_timeline_frame_to_x (timeline, 601), <=, WIDTH);
  fidget_timeline_set_position (timeline, 5);
  g_assert_cmpfloat (fidget_timeline_frame_to_x (timeline, 5), >=, 112);
}

static void
test_stacking_and_hits (Fixture       *fixture,
                        gconstpointer  data)
{
  FidgetTimeline *timeline = fixture->timeline;
  FidgetTimelineHit hit;
  graphene_rect_t a, b, c;
  double lane_y, lane_h;

  REQUIRE_DISPLAY ();

  /* Overlapping a and b are stacked on two rows; c needs none of its own. */
  g_assert_cmpuint (fidget_timeline_get_lane_rows (timeline, FIDGET_TIMELINE_LANE_MINE), ==, 2);
  fidget_timeline_show_range (timeline, 0, 200);   /* 4 pixels a frame */
  g_assert_true (fidget_timeline_get_segment_rect (timeline, "a", &a));
  g_assert_true (fidget_timeline_get_segment_rect (timeline, "b", &b));
  g_assert_true (fidget_timeline_get_segment_rect (timeline, "c", &c));
  g_assert_cmpfloat (a.origin.y, <, b.origin.y);
  g_assert_cmpfloat (a.origin.y, ==, c.origin.y);
  g_assert_cmpfloat_with_epsilon (a.origin.x, 112 + 10 * 4, 1e-4);
  g_assert_cmpfloat_with_epsilon (a.size.width, 30 * 4, 1e-4);

  /* The others' lane is hidden until the review shows it; the lanes below move up. */
  g_assert_false (fidget_timeline_get_lane_area (timeline, FIDGET_TIMELINE_LANE_OTHERS, NULL, NULL));
  g_assert_true (fidget_timeline_get_lane_area (timeline, FIDGET_TIMELINE_LANE_MINE, &lane_y, &lane_h));
  g_assert_cmpfloat (lane_y, ==, FIDGET_TIMELINE_RULER_HEIGHT);
  g_assert_cmpfloat (lane_h, ==, 2 * FIDGET_TIMELINE_ROW_HEIGHT);
  fidget_timeline_set_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS, TRUE);
  g_assert_true (fidget_timeline_get_lane_area (timeline, FIDGET_TIMELINE_LANE_OTHERS, &lane_y, NULL));
  g_assert_cmpfloat (lane_y, ==, FIDGET_TIMELINE_RULER_HEIGHT + 2 * FIDGET_TIMELINE_ROW_HEIGHT);

  /* Body, edges, empty lane, ruler, header. */
  fidget_timeline_hit_test (timeline, a.origin.x + a.size.width / 2, a.origin.y + 5, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_SEGMENT);
  g_assert_cmpstr (hit.uuid, ==, "a");
  g_assert_cmpint (hit.frame, ==, 25);
  fidget_timeline_hit_test (timeline, a.origin.x + 1, a.origin.y + 5, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_SEGMENT_START);
  fidget_timeline_hit_test (timeline, a.origin.x + a.size.width - 2, a.origin.y + 5, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_SEGMENT_END);
  g_assert_cmpstr (hit.uuid, ==, "a");
  /* On the second row, where b lies under a's end. */
  fidget_timeline_hit_test (timeline, b.origin.x + 30, b.origin.y + 5, &hit);
  g_assert_cmpstr (hit.uuid, ==, "b");
  fidget_timeline_hit_test (timeline, 112 + 80 * 4, a.origin.y + 5, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_LANE);
  g_assert_cmpint (hit.lane, ==, FIDGET_TIMELINE_LANE_MINE);
  g_assert_cmpint (hit.frame, ==, 80);
  fidget_timeline_hit_test (timeline, 300, 5, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_RULER);
  fidget_timeline_hit_test (timeline, 50, a.origin.y + 5, &hit);
  g_assert_cmpint (hit.kind, ==, FIDGET_TIMELINE_HIT_NONE);
}

typedef struct
{
  char   *uuid;
  gint64  start;
  gint64  end;
  guint   count;
  gint64  seek;
} Edited;

static void
on_edited (FidgetTimeline *timeline,
           const char     *uuid,
           gint64          start,
           gint64          end,
           Edited         *edited)
{
  g_free (edited->uuid);
  edited->uuid = g_strdup (uuid);
  edited->start = start;
  edited->end = end;
  edited->count++;
}

static void
on_seek (FidgetTimeline *timeline,
         gint64          frame,
         Edited         *edited)
{
  edited->seek = frame;
}

static void
test_drag (Fixture       *fixture,
           gconstpointer  data)
{
  FidgetTimeline *timeline = fixture->timeline;
  Edited edited = { NULL, 0, 0, 0, -1 };
  graphene_rect_t c;

  REQUIRE_DISPLAY ();

  g_signal_connect (timeline, "segment-edited", G_CALLBACK (on_edited), &edited);
  g_signal_connect (timeline, "seek", G_CALLBACK (on_seek), &edited);
  fidget_timeline_show_range (timeline, 0, 200);   /* 4 pixels a frame */
  g_assert_true (fidget_timeline_get_segment_rect (timeline, "c", &c));

  /* The end edge of c [100, 130), dragged 41 pixels right: 10.25 frames, snapped to 10. */
  g_assert_true (fidget_timeline_drag_begin (timeline, c.origin.x + c.size.width - 1, c.origin.y + 5));
  g_assert_cmpstr (fidget_timeline_get_selected (timeline), ==, "c");
  fidget_timeline_drag_update (timeline, 20, 0);
  fidget_timeline_drag_end (timeline, 41, 0);
  g_assert_cmpuint (edited.count, ==, 1);
  g_assert_cmpstr (edited.uuid, ==, "c");
  g_assert_cmpint (edited.start, ==, 100);
  g_assert_cmpint (edited.end, ==, 140);

  /* The start edge cannot pass the end: the segment keeps at least one frame. */
  g_assert_true (fidget_timeline_drag_begin (timeline, c.origin.x + 1, c.origin.y + 5));
  fidget_timeline_drag_end (timeline, 400, 0);
  g_assert_cmpuint (edited.count, ==, 2);
  g_assert_cmpint (edited.start, ==, 129);
  g_assert_cmpint (edited.end, ==, 130);

  /* The body moves whole, by whole frames: -22 pixels is -5.5 frames, rounded to -5... */
  g_assert_true (fidget_timeline_drag_begin (timeline, c.origin.x + c.size.width / 2, c.origin.y + 5));
  fidget_timeline_drag_end (timeline, -22, 0);
  g_assert_cmpint (edited.start, ==, 95);
  g_assert_cmpint (edited.end, ==, 125);
  /* ... and never off the start of the video. */
  g_assert_true (fidget_timeline_drag_begin (timeline, c.origin.x + c.size.width / 2, c.origin.y + 5));
  fidget_timeline_drag_end (timeline, -2000, 0);
  g_assert_cmpint (edited.start, ==, 0);
  g_assert_cmpint (edited.end, ==, 30);

  /* A click without a move edits nothing; a click on empty lane space seeks and
   * deselects. */
  g_assert_true (fidget_timeline_drag_begin (timeline, c.origin.x + c.size.width / 2, c.origin.y + 5));
  fidget_timeline_drag_end (timeline, 1, 0);
  g_assert_cmpuint (edited.count, ==, 4);
  g_assert_true (fidget_timeline_drag_begin (timeline, 112 + 80 * 4 + 2, c.origin.y + 5));
  fidget_timeline_drag_end (timeline, 0, 0);
  g_assert_cmpint (edited.seek, ==, 80);
  g_assert_null (fidget_timeline_get_selected (timeline));

  /* Scrubbing the ruler seeks as it goes. */
  g_assert_true (fidget_timeline_drag_begin (timeline, 112 + 10 * 4, 5));
  fidget_timeline_drag_update (timeline, 40, 0);
  g_assert_cmpint (edited.seek, ==, 20);
  fidget_timeline_drag_end (timeline, 80, 0);
  g_assert_cmpint (edited.seek, ==, 30);
  g_assert_cmpuint (edited.count, ==, 4);

  g_free (edited.uuid);
}

static void
test_snapshot (Fixture       *fixture,
               gconstpointer  data)
{
  FidgetTimeline *timeline = fixture->timeline;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  guint labels = 0;
  float motion[FRAMES];

  REQUIRE_DISPLAY ();

  for (guint i = 0; i < FRAMES; i++)
    motion[i] = (float) (i % 30) / 30.0f;
  fidget_timeline_set_motion (timeline, motion, FRAMES);
  fidget_timeline_set_marks (timeline, 200, 220);
  fidget_timeline_set_selected (timeline, "a");

  /* Zoomed so that c is out of view: two segments drawn, both wide enough for a label. */
  fidget_timeline_show_range (timeline, 0, 90);
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (timeline)->snapshot (GTK_WIDGET (timeline), snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  g_assert_cmpuint (fidget_timeline_get_drawn_count (timeline, &labels), ==, 2);
  g_assert_cmpuint (labels, ==, 2);
}

/* Hovering a segment tells what its code stands for, where it lies, whose it is and what was
 * noted; a suggestion, the model's score. Nothing elsewhere. */
static void
test_tooltips (Fixture       *fixture,
               gconstpointer  data)
{
  FidgetTimeline *timeline = fixture->timeline;
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
  g_autoptr(GPtrArray) suggestions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_suggestion_free);
  FidgetSegment *theirs;
  FidgetSuggestion *suggestion;
  graphene_rect_t rect;
  g_autofree char *mine = NULL;
  g_autofree char *other = NULL;
  g_autofree char *model = NULL;
  g_autofree char *nothing = NULL;

  REQUIRE_DISPLAY ();

  theirs = segment ("t", 150, 160, "F1");
  theirs->annotator_name = g_strdup ("bo");
  theirs->flagged = TRUE;
  theirs->note = g_strdup ("left hand only");
  g_ptr_array_add (others, theirs);
  fidget_timeline_set_segments (timeline, FIDGET_TIMELINE_LANE_OTHERS, others);
  fidget_timeline_set_lane_visible (timeline, FIDGET_TIMELINE_LANE_OTHERS, TRUE);
  suggestion = fidget_suggestion_new ();
  suggestion->uuid = g_strdup ("s");
  suggestion->start_frame = 170;
  suggestion->end_frame = 180;
  suggestion->action_code = g_strdup ("B1");
  suggestion->scores_json = g_strdup ("[{\"code\":\"B1\",\"score\":0.83}]");
  g_ptr_array_add (suggestions, suggestion);
  fidget_timeline_set_suggestions (timeline, suggestions);
  fidget_timeline_show_range (timeline, 0, 200);
  spin ();

  g_assert_true (fidget_timeline_get_segment_rect (timeline, "a", &rect));
  mine = fidget_timeline_dup_tooltip_at (timeline, rect.origin.x + rect.size.width / 2,
                                         rect.origin.y + rect.size.height / 2);
  g_assert_cmpstr (mine, ==, "B1 nodding\nFrames 10–39, 0:00.33 to 0:01.33");

  g_assert_true (fidget_timeline_get_segment_rect (timeline, "t", &rect));
  other = fidget_timeline_dup_tooltip_at (timeline, rect.origin.x + rect.size.width / 2,
                                          rect.origin.y + rect.size.height / 2);
  g_assert_nonnull (strstr (other, "F1 "));
  g_assert_nonnull (strstr (other, "Frames 150–159"));
  g_assert_nonnull (strstr (other, "Marked by bo"));
  g_assert_nonnull (strstr (other, "Needs another look"));
  g_assert_nonnull (strstr (other, "left hand only"));

  g_assert_true (fidget_timeline_get_segment_rect (timeline, "s", &rect));
  model = fidget_timeline_dup_tooltip_at (timeline, rect.origin.x + rect.size.width / 2,
                                          rect.origin.y + rect.size.height / 2);
  g_assert_cmpstr (model, ==, "Model suggests B1 nodding (83 %)\nFrames 170–179, 0:05.66 to 0:06.00");

  nothing = fidget_timeline_dup_tooltip_at (timeline, rect.origin.x + rect.size.width + 40,
                                            rect.origin.y + rect.size.height / 2);
  g_assert_null (nothing);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add ("/timeline/geometry", Fixture, NULL, fixture_set_up, test_geometry, fixture_tear_down);
  g_test_add ("/timeline/zoom", Fixture, NULL, fixture_set_up, test_zoom, fixture_tear_down);
  g_test_add ("/timeline/stacking-and-hits", Fixture, NULL, fixture_set_up,
              test_stacking_and_hits, fixture_tear_down);
  g_test_add ("/timeline/drag", Fixture, NULL, fixture_set_up, test_drag, fixture_tear_down);
  g_test_add ("/timeline/snapshot", Fixture, NULL, fixture_set_up, test_snapshot, fixture_tear_down);
  g_test_add ("/timeline/tooltips", Fixture, NULL, fixture_set_up, test_tooltips, fixture_tear_down);

  return g_test_run ();
}
