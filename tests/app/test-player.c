/* test-player.c: the player shows, for every frame index, the picture that belongs to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <string.h>

#include "fidget-player.h"
#include "fidget-test-util.h"
#include "player-clip.h"

static char *clip_dir;

static char *
clip_path (const char *name)
{
  if (clip_dir == NULL)
    clip_dir = fidget_test_make_tmpdir ();
  return g_build_filename (clip_dir, name, NULL);
}

static gboolean
have_encoder (void)
{
  static const char *names[] = { "x264enc", "matroskamux", "avdec_h264" };

  fidget_media_init ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (names[i]);

      if (factory == NULL)
        {
          g_autofree char *why = g_strdup_printf ("GStreamer element %s is not installed",
                                                  names[i]);
          g_test_skip (why);
          return FALSE;
        }
    }
  return TRUE;
}

/* The 90-frame index clip, made once per run. */
static const char *
index_clip (void)
{
  static char *path;

  if (path == NULL)
    {
      PlayerClipSpec spec = { 320, 240, 30, 90, 30, FALSE, 0, NULL };
      g_autoptr(GError) error = NULL;

      path = clip_path ("index.mkv");
      player_clip_write (path, &spec, &error);
      g_assert_no_error (error);
    }
  return path;
}

static FidgetFrame *
get_frame (FidgetPlayer *player,
           gint64        index)
{
  g_autoptr(GError) error = NULL;
  FidgetFrame *frame = fidget_player_get_frame (player, index, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

/* Frame @index must show the picture painted with @content, which belongs to frame @own. */
static void
assert_shows_picture (FidgetPlayer *player,
                      gint64        index,
                      int           content,
                      gint64        own)
{
  g_autoptr(FidgetFrame) frame = get_frame (player, index);
  int shown = player_clip_read_index (frame);

  if (shown != content || fidget_frame_get_index (frame) != own)
    g_error ("Frame %" G_GINT64_FORMAT " shows picture %d (of frame %" G_GINT64_FORMAT
             "), expected picture %d (of frame %" G_GINT64_FORMAT ")", index, shown,
             fidget_frame_get_index (frame), content, own);
}

static void
assert_shows (FidgetPlayer *player,
              gint64        index,
              int           expected)
{
  assert_shows_picture (player, index, expected, expected);
}

static void
test_grid (void)
{
  g_assert_cmpint (fidget_frame_to_ns (0, 30, 1), ==, 0);
  g_assert_cmpint (fidget_frame_to_ns (78, 30, 1), ==, G_GINT64_CONSTANT (2600000000));
  g_assert_cmpint (fidget_frame_to_ns (1, 30000, 1001), ==, 33366666);
  g_assert_cmpint (fidget_frame_to_ns (30000, 30000, 1001), ==, G_GINT64_CONSTANT (1001000000000));
  g_assert_cmpint (fidget_frame_to_ns (-1, 30, 1), ==, -33333333);

  /* The period holding a time: frame 1 starts at 33333333 ns, rounded down as the grid is. */
  g_assert_cmpint (fidget_ns_to_frame (33333332, 30, 1), ==, 0);
  g_assert_cmpint (fidget_ns_to_frame (33333333, 30, 1), ==, 1);
  g_assert_cmpint (fidget_ns_to_frame (66666666, 30, 1), ==, 2);
  g_assert_cmpint (fidget_ns_to_frame (G_GINT64_CONSTANT (1001000000000), 30000, 1001), ==, 30000);
  g_assert_cmpint (fidget_ns_to_frame (-1, 30, 1), ==, -1);

  /* Matroska keeps milliseconds: the picture at 33 ms belongs to frame 1, at 67 ms to 2,
   * at 133 ms to 4, never two pictures on one frame. */
  g_assert_cmpint (fidget_ns_to_nearest_frame (33000000, 30, 1), ==, 1);
  g_assert_cmpint (fidget_ns_to_nearest_frame (67000000, 30, 1), ==, 2);
  g_assert_cmpint (fidget_ns_to_nearest_frame (100000000, 30, 1), ==, 3);
  g_assert_cmpint (fidget_ns_to_nearest_frame (133000000, 30, 1), ==, 4);
  g_assert_cmpint (fidget_ns_to_nearest_frame (16600000, 30, 1), ==, 0);
  g_assert_cmpint (fidget_ns_to_nearest_frame (16700000, 30, 1), ==, 1);
  for (gint64 i = 0; i < 100000; i += 997)
    {
      g_assert_cmpint (fidget_ns_to_frame (fidget_frame_to_ns (i, 30000, 1001), 30000, 1001), ==, i);
      g_assert_cmpint (fidget_ns_to_nearest_frame (fidget_frame_to_ns (i, 24, 1) + 20000000, 24, 1), ==, i);
    }
}

static void
test_playback_timing (void)
{
  /* One second of play covers 30 frames at 30/1, 3 at 0.1x, 60 at 2x. */
  g_assert_cmpint (fidget_playback_frame_at (10, G_USEC_PER_SEC, 1.0, 30, 1, 0, 0), ==, 40);
  g_assert_cmpint (fidget_playback_frame_at (10, G_USEC_PER_SEC, 0.1, 30, 1, 0, 0), ==, 13);
  g_assert_cmpint (fidget_playback_frame_at (10, G_USEC_PER_SEC, 2.0, 30, 1, 0, 0), ==, 70);
  g_assert_cmpint (fidget_playback_frame_at (10, 0, 1.0, 30, 1, 0, 0), ==, 10);
  /* Speeds are held to 0.1x-2x. */
  g_assert_cmpint (fidget_playback_frame_at (0, G_USEC_PER_SEC, 5.0, 30, 1, 0, 0), ==, 60);
  /* 1001/30000: 30000 frames take 1001 s. */
  g_assert_cmpint (fidget_playback_frame_at (0, 1001 * G_USEC_PER_SEC, 1.0, 30000, 1001, 0, 0),
                   ==, 30000);

  /* A loop over [20, 30): play from 25 reaches 29, then goes round 20..29. */
  g_assert_cmpint (fidget_playback_frame_at (25, 4 * G_USEC_PER_SEC / 30 + 1, 1.0, 30, 1, 20, 30),
                   ==, 29);
  g_assert_cmpint (fidget_playback_frame_at (25, 5 * G_USEC_PER_SEC / 30 + 1, 1.0, 30, 1, 20, 30),
                   ==, 20);
  g_assert_cmpint (fidget_playback_frame_at (25, 15 * G_USEC_PER_SEC / 30 + 1, 1.0, 30, 1, 20, 30),
                   ==, 20);
  g_assert_cmpint (fidget_playback_frame_at (25, 22 * G_USEC_PER_SEC / 30 + 1, 1.0, 30, 1, 20, 30),
                   ==, 27);
  /* Started before the loop, play runs into it and stays there. */
  g_assert_cmpint (fidget_playback_frame_at (0, 35 * G_USEC_PER_SEC / 30 + 1, 1.0, 30, 1, 20, 30),
                   ==, 25);
}

static void
test_index_clip_every_way (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats stats;
  guint64 seeks_before;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fidget_player_get_frame_count (player), ==, 90);
  g_assert_cmpint (fidget_player_get_width (player), ==, 320);
  g_assert_cmpint (fidget_player_get_height (player), ==, 240);
  g_assert_cmpint (fidget_player_get_fps_num (player), ==, 30);
  g_assert_cmpint (fidget_player_get_fps_den (player), ==, 1);
  g_assert_cmpint (fidget_player_get_origin_ns (player), ==, 0);

  /* Forward one frame at a time: read on, no seeks. */
  for (gint64 i = 0; i < 90; i++)
    assert_shows (player, i, (int) i);
  fidget_player_get_stats (player, &stats);
  g_assert_cmpuint (stats.seeks, ==, 0);

  /* Backward from a cold cache: each miss decodes a chunk, so few seeks serve 90 steps. */
  fidget_player_clear_cache (player);
  fidget_player_get_stats (player, &stats);
  seeks_before = stats.seeks;
  for (gint64 i = 89; i >= 0; i--)
    assert_shows (player, i, (int) i);
  fidget_player_get_stats (player, &stats);
  g_assert_cmpuint (stats.seeks - seeks_before, <=, 3);

  /* Exact seeks to random frames, with and without the cache. */
  for (guint n = 0; n < 60; n++)
    {
      gint64 i = g_test_rand_int_range (0, 90);

      if (n % 2 == 0)
        fidget_player_clear_cache (player);
      assert_shows (player, i, (int) i);
      /* and the neighbours, both ways */
      if (i > 0)
        assert_shows (player, i - 1, (int) i - 1);
      if (i + 1 < 90)
        assert_shows (player, i + 1, (int) i + 1);
    }

  /* Outside the video: refused, and said so. */
  g_assert_null (fidget_player_get_frame (player, 90, NULL, &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "index.mkv"));
  g_clear_error (&error);
  g_assert_null (fidget_player_get_frame (player, -1, NULL, &error));
  g_assert_nonnull (error);
}

static void
test_small_cache (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats stats;

  if (!have_encoder ())
    return;

  /* Room for about 20 decoded pictures: eviction must never lose the right picture. */
  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);
  fidget_player_set_cache_budget (player, 20 * 320 * 240 * 3 / 2);

  for (gint64 i = 89; i >= 0; i--)
    assert_shows (player, i, (int) i);
  fidget_player_get_stats (player, &stats);
  g_assert_cmpuint (stats.cache_bytes, <=, 20 * 320 * 240 * 3 / 2);
  for (guint n = 0; n < 100; n++)
    {
      gint64 i = g_test_rand_int_range (0, 90);

      assert_shows (player, i, (int) i);
    }
}

static void
test_dropped_frames (void)
{
  static const int dropped[] = { 0, 10, 11, 40, -1 };
  PlayerClipSpec spec = { 320, 240, 30, 60, 30, FALSE, 0, dropped };
  FidgetPlayerGrid grid = { 30, 1, 60 };
  g_autofree char *path = clip_path ("dropped.mkv");
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_encoder ())
    return;
  player_clip_write (path, &spec, &error);
  g_assert_no_error (error);

  /* Frames count in stream time, which Matroska starts at the first block: the picture
   * painted 1 is frame 0's, painted c is frame c - 1's. Painted 10, 11 and 40 are missing,
   * so frames 9 and 10 show painted 9 and frame 39 shows painted 39; the last picture
   * (painted 59, frame 58) also stands for frame 59, the project's last. */
  player = fidget_player_open (path, &grid, NULL, &error);
  g_assert_no_error (error);
  for (int pass = 0; pass < 3; pass++)
    {
      if (pass > 0)
        fidget_player_clear_cache (player);
      for (gint64 n = 0; n < 60; n++)
        {
          gint64 i = pass == 0 ? n : (pass == 1 ? 59 - n : g_test_rand_int_range (0, 60));
          int content = 0;

          for (int c = 1; c < 60 && c - 1 <= i; c++)
            if (c != 10 && c != 11 && c != 40)
              content = c;
          if (pass == 2)
            fidget_player_clear_cache (player);
          assert_shows_picture (player, i, content, content - 1);
        }
    }
}

typedef struct
{
  gint64   pts;
  char    *checksum;
} Picture;

static void
picture_clear (gpointer data)
{
  g_free (((Picture *) data)->checksum);
}

/* Every picture of @path as a plain pipeline decodes it: stream times and BGRA checksums. */
static GArray *
plain_decode (const char *path)
{
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GError) error = NULL;
  GArray *pictures = g_array_new (FALSE, TRUE, sizeof (Picture));

  g_array_set_clear_func (pictures, picture_clear);
  description = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! "
                                 "video/x-raw,format=BGRA ! appsink name=sink sync=false", path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  for (;;)
    {
      g_autoptr(GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstVideoFrame vframe;
      GstVideoInfo info;
      Picture picture;
      GChecksum *sum;

      if (sample == NULL)
        break;
      gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
      g_assert_true (gst_video_frame_map (&vframe, &info, gst_sample_get_buffer (sample),
                                          GST_MAP_READ));
      sum = g_checksum_new (G_CHECKSUM_SHA256);
      for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
        g_checksum_update (sum, (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&vframe, 0) +
                                (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, 0),
                           (gssize) GST_VIDEO_INFO_WIDTH (&info) * 4);
      picture.checksum = g_strdup (g_checksum_get_string (sum));
      g_checksum_free (sum);
      picture.pts = (gint64) gst_segment_to_stream_time (gst_sample_get_segment (sample),
                                                         GST_FORMAT_TIME,
                                                         GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
      gst_video_frame_unmap (&vframe);
      g_array_append_val (pictures, picture);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return pictures;
}

static char *
frame_checksum (FidgetFrame *frame)
{
  const guint8 *data = fidget_frame_get_data (frame, NULL);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  char *result;

  for (int y = 0; y < fidget_frame_get_height (frame); y++)
    g_checksum_update (sum, data + (gsize) y * fidget_frame_get_stride (frame),
                       (gssize) fidget_frame_get_width (frame) * 4);
  result = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return result;
}

static void
test_again_sample (void)
{
  g_autofree char *path = fidget_test_sample ("again.mkv");
  g_autoptr(GArray) pictures = NULL;
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree int *expected = NULL;

  if (path == NULL)
    return;

  pictures = plain_decode (path);
  g_assert_cmpuint (pictures->len, ==, 77);

  player = fidget_player_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fidget_player_get_frame_count (player), ==, 78);

  /* The picture for frame i: the latest one that belongs to frame i or before, or the first
   * for the leading frame. */
  expected = g_new (int, 78);
  for (int i = 0; i < 78; i++)
    {
      expected[i] = 0;
      for (guint p = 0; p < pictures->len; p++)
        if (fidget_ns_to_nearest_frame (g_array_index (pictures, Picture, p).pts, 30, 1) <= i)
          expected[i] = (int) p;
    }
  /* 77 pictures: the first block is at 33 ms, where Matroska's stream time starts, so
   * picture i is frame i's, and the last one also stands for frame 77, the period the
   * file's declared 2.600 s adds at the end. */
  g_assert_cmpint (g_array_index (pictures, Picture, 0).pts, ==, 0);
  for (int i = 0; i < 77; i++)
    g_assert_cmpint (expected[i], ==, i);
  g_assert_cmpint (expected[77], ==, 76);

  for (int pass = 0; pass < 3; pass++)
    {
      fidget_player_clear_cache (player);
      for (int n = 0; n < 78; n++)
        {
          int i = pass == 0 ? n : (pass == 1 ? 77 - n : g_test_rand_int_range (0, 78));
          const Picture *want;
          g_autoptr(FidgetFrame) frame = NULL;
          g_autofree char *sum = NULL;

          if (pass == 2 && n % 3 == 0)
            fidget_player_clear_cache (player);
          frame = get_frame (player, i);
          want = &g_array_index (pictures, Picture, expected[i]);
          sum = frame_checksum (frame);
          if (fidget_frame_get_pts (frame) != want->pts || g_strcmp0 (sum, want->checksum) != 0)
            g_error ("again.mkv frame %d: got the picture at %" G_GINT64_FORMAT " ns, expected "
                     "the one at %" G_GINT64_FORMAT " ns (pixels %s)", i,
                     fidget_frame_get_pts (frame), want->pts,
                     g_strcmp0 (sum, want->checksum) == 0 ? "equal" : "differ");
        }
    }
}

static void
test_open_errors (void)
{
  g_autofree char *missing = clip_path ("nowhere.mkv");
  g_autofree char *text = clip_path ("notes.mkv");
  g_autoptr(GError) error = NULL;
  FidgetPlayer *player;

  player = fidget_player_open (missing, NULL, NULL, &error);
  g_assert_null (player);
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nowhere.mkv"));
  g_clear_error (&error);

  g_file_set_contents (text, "These are notes, not a video.\n", -1, &error);
  g_assert_no_error (error);
  player = fidget_player_open (text, NULL, NULL, &error);
  g_assert_null (player);
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "notes.mkv"));
}

static void
test_breaks_mid_decode (void)
{
  g_autofree char *path = clip_path ("cut.mkv");
  g_autofree char *contents = NULL;
  FidgetPlayerGrid grid = { 30, 1, 90 };
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  FidgetFrame *frame;
  gsize length;

  if (!have_encoder ())
    return;

  /* The index clip, cut in half after its import: the project still counts 90 frames. */
  g_file_get_contents (index_clip (), &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, (gssize) length / 2, &error);
  g_assert_no_error (error);

  player = fidget_player_open (path, &grid, NULL, &error);
  g_assert_no_error (error);
  assert_shows (player, 5, 5);

  frame = fidget_player_get_frame (player, 85, NULL, &error);
  g_assert_null (frame);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == FIDGET_MEDIA_ERROR);
  g_assert_nonnull (strstr (error->message, "cut.mkv"));
  g_clear_error (&error);

  /* The frames before the break still play, backward and forward. */
  fidget_player_clear_cache (player);
  assert_shows (player, 12, 12);
  assert_shows (player, 11, 11);
  assert_shows (player, 13, 13);
}

static void
on_frame_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FidgetFrame **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = fidget_player_get_frame_finish (FIDGET_PLAYER (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  FidgetFrame *frame = NULL;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);
  fidget_player_get_frame_async (player, 47, NULL, on_frame_ready, &frame);
  while (frame == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (player_clip_read_index (frame), ==, 47);
  fidget_frame_unref (frame);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/player/grid", test_grid);
  g_test_add_func ("/player/playback-timing", test_playback_timing);
  g_test_add_func ("/player/index-clip", test_index_clip_every_way);
  g_test_add_func ("/player/small-cache", test_small_cache);
  g_test_add_func ("/player/dropped-frames", test_dropped_frames);
  g_test_add_func ("/player/again-sample", test_again_sample);
  g_test_add_func ("/player/open-errors", test_open_errors);
  g_test_add_func ("/player/breaks-mid-decode", test_breaks_mid_decode);
  g_test_add_func ("/player/async", test_async);

  return g_test_run ();
}
