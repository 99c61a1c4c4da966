/* test-player.c: the player shows, for every frame index, the picture that belongs to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/app.h>
#include <math.h>
#include <gst/video/video.h>
#include <string.h>

#include "fidget-player.h"
#include "fidget-test-util.h"
#include "fidget-test-turned.h"
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


/* {{{ Pictures left undecoded */

typedef struct
{
  guint inputs;
  guint references;
  guint segments;
} InputCount;

static gboolean
on_picture_leave_out (const FidgetPictureInput *picture,
                      gpointer                  user_data)
{
  InputCount *count = user_data;

  count->inputs++;
  count->references += picture->reference;
  count->segments = MAX (count->segments, picture->segment);
  /* Leave out every picture that can be left out. */
  return TRUE;
}

static void
on_decoder_added (GstBin     *bin,
                  GstBin     *sub_bin,
                  GstElement *element,
                  gpointer    user_data)
{
  if (GST_IS_VIDEO_DECODER (element))
    {
      fidget_media_tune_decoder (element);
      fidget_media_watch_decoder_input (element, on_picture_leave_out, user_data);
    }
}

/* Decodes @path whole; returns the checksum of each picture by its timestamp. */
static GHashTable *
decode_checksums (const char *path,
                  InputCount *count)
{
  g_autofree char *description =
    g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! video/x-raw,format=I420 ! "
                     "appsink name=sink sync=false", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) sink = NULL;
  GHashTable *sums = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GstSample *sample;

  g_assert_no_error (error);
  if (count != NULL)
    g_signal_connect (pipeline, "deep-element-added", G_CALLBACK (on_decoder_added), count);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      GstMapInfo map;
      gint64 pts = (gint64) GST_BUFFER_PTS (buffer);

      g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
      g_hash_table_insert (sums, g_memdup2 (&pts, sizeof pts),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, map.data, map.size));
      gst_buffer_unmap (buffer, &map);
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return sums;
}

/* Leaving out every picture that no other refers to changes none of the others, bit for bit;
 * and the index clip (x264 with B-frames) has such pictures. */
static void
test_unreferenced_left_out (void)
{
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GHashTable) some = NULL;
  GHashTableIter iter;
  gpointer key, value;
  InputCount count = { 0 };

  if (!have_encoder ())
    return;

  all = decode_checksums (index_clip (), NULL);
  some = decode_checksums (index_clip (), &count);
  g_assert_cmpuint (g_hash_table_size (all), ==, 90);
  g_assert_cmpuint (count.inputs, ==, 90);
  g_assert_cmpuint (count.segments, >=, 1);
  /* x264 with two B-frames and their pyramid: every third picture or so is left out. */
  g_assert_cmpuint (count.references, <, 80);
  g_assert_cmpuint (count.references, >, 30);
  g_assert_cmpuint (g_hash_table_size (some), ==, count.references);

  g_hash_table_iter_init (&iter, some);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (value, ==, g_hash_table_lookup (all, key));
}

/* A seek far from a keyframe leaves pictures undecoded, and still shows the exact frame. */
static void
test_seek_leaves_out (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats stats;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);
  /* 28 pictures after the keyframe at 30, some nine of them B-frames nobody refers to. */
  assert_shows (player, 58, 58);
  fidget_player_get_stats (player, &stats);
  g_assert_cmpuint (stats.pictures_skipped, >=, 5);
  /* Those frames, and the ones around, come back exact when asked for. */
  for (gint64 i = 57; i >= 28; i--)
    assert_shows (player, i, i);
  assert_shows (player, 59, 59);
}

/* A step back that misses the cache decodes a chunk of frames that ends at the frame asked
 * for, but no further back than that frame's keyframe: the group of pictures before it is
 * only decoded when a step reaches it. */
static void
test_backward_chunk_stays_in_group (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats before, after;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);
  /* Keyframes at 0, 30 and 60. */
  assert_shows (player, 63, 63);
  fidget_player_clear_cache (player);
  fidget_player_get_stats (player, &before);
  assert_shows (player, 62, 62);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks - before.seeks, ==, 1);
  /* 60, 61 and 62, and the few the decoder runs ahead: not the 30 pictures before 60. */
  g_assert_cmpuint (after.pictures_decoded - before.pictures_decoded, <, 12);
  assert_shows (player, 61, 61);
  assert_shows (player, 60, 60);
  fidget_player_get_stats (player, &before);
  g_assert_cmpuint (before.seeks, ==, after.seeks);

  /* The next step back fills the whole group before, exact. */
  for (gint64 i = 59; i >= 30; i--)
    assert_shows (player, i, i);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks - before.seeks, ==, 1);
}

/* A second reader decodes the chunk behind a frame while the first shows it; handed over,
 * the steps back from there are cache hits on the first, exact. */
static void
test_second_reader_fills_steps_back (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetPlayer) back = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats before, after;
  guint taken;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);
  back = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);

  /* Keyframes at 0, 30 and 60: a jump to 75 decodes from 60, and keeps nothing before 75. */
  assert_shows (player, 75, 75);
  g_assert_true (fidget_player_decode_before (back, 75, NULL, &error));
  g_assert_no_error (error);
  taken = fidget_player_adopt_pictures (player, back, 0, 74);
  g_assert_cmpuint (taken, >=, 15);
  /* Taken once: a second hand-over finds them there. */
  g_assert_cmpuint (fidget_player_adopt_pictures (player, back, 0, 74), ==, 0);

  fidget_player_get_stats (player, &before);
  for (gint64 i = 74; i >= 60; i--)
    assert_shows (player, i, i);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);
  g_assert_cmpuint (after.pictures_decoded, ==, before.pictures_decoded);
  g_assert_cmpuint (after.cache_hits - before.cache_hits, ==, 15);

  /* Forward from the jump still reads on without a seek. */
  assert_shows (player, 76, 76);
  fidget_player_get_stats (player, &before);
  g_assert_cmpuint (before.seeks, ==, after.seeks);

  /* Before the first frame there is nothing to decode; near it, the chunk starts at 0 (the
   * player holds frame 0 since it opened). */
  g_assert_true (fidget_player_decode_before (back, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fidget_player_decode_before (back, 3, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fidget_player_adopt_pictures (player, back, 0, 2), >=, 2);
  for (gint64 i = 2; i >= 0; i--)
    assert_shows (player, i, i);
}

/* While a frame is shown, the player reads on through the next second into its cache without
 * a seek; the jump of a second and the frames on to it are cache hits, and the step after
 * reads on from there. It never seeks, and stops for another frame, a cancel and the end. */
static void
test_read_ahead (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats before, after;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);

  assert_shows (player, 40, 40);
  fidget_player_get_stats (player, &before);
  g_assert_cmpint (fidget_player_read_ahead (player, 40, NULL, &error), ==, 30);
  g_assert_no_error (error);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);
  g_assert_cmpuint (after.frames_read_ahead - before.frames_read_ahead, ==, 30);
  /* Done already: nothing more to read. */
  g_assert_cmpint (fidget_player_read_ahead (player, 40, NULL, &error), ==, 0);

  fidget_player_get_stats (player, &before);
  assert_shows (player, 70, 70);
  for (gint64 i = 41; i <= 69; i++)
    assert_shows (player, i, i);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.pictures_decoded, ==, before.pictures_decoded);
  g_assert_cmpuint (after.cache_hits - before.cache_hits, ==, 30);
  assert_shows (player, 71, 71);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);

  /* Another frame asked for since: the read is no longer wanted. */
  g_assert_cmpint (fidget_player_read_ahead (player, 50, NULL, &error), ==, 0);
  /* Cancelled: stops before the first picture. */
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (fidget_player_read_ahead (player, 71, cancellable, &error), ==, 0);
  g_assert_no_error (error);

  /* Near the end it reads to the last frame. */
  assert_shows (player, 84, 84);
  g_assert_cmpint (fidget_player_read_ahead (player, 84, NULL, &error), ==, 5);
  g_assert_no_error (error);
  assert_shows (player, 89, 89);

  /* After a jump back the pipeline stands at the frame shown and reads on from there, past
   * what the cache holds already (frame 40), without a seek. */
  assert_shows (player, 10, 10);
  fidget_player_get_stats (player, &before);
  g_assert_cmpint (fidget_player_read_ahead (player, 10, NULL, &error), ==, 29);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);
}

/* For scrubbing: the keyframe before a frame stands in, exact for its own frame, at the cost
 * of one seek and one picture; reading on from it needs no other seek. Frames cached, or a few
 * pictures on, come exactly. */
static void
test_keyframe_before (void)
{
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerStats before, after;
  gint64 shows = -1;

  if (!have_encoder ())
    return;

  player = fidget_player_open (index_clip (), NULL, NULL, &error);
  g_assert_no_error (error);

  /* Keyframes at 0, 30 and 60. */
  fidget_player_get_stats (player, &before);
  frame = fidget_player_get_keyframe_before (player, 75, &shows, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shows, ==, 60);
  g_assert_cmpint (fidget_frame_get_index (frame), ==, 60);
  g_assert_cmpint (player_clip_read_index (frame), ==, 60);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks - before.seeks, ==, 1);
  g_assert_cmpuint (after.pictures_decoded - before.pictures_decoded, <=, 4);

  fidget_player_get_stats (player, &before);
  assert_shows (player, 75, 75);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);

  /* Held now: the frame itself. */
  g_clear_pointer (&frame, fidget_frame_unref);
  frame = fidget_player_get_keyframe_before (player, 70, &shows, NULL, &error);
  g_assert_cmpint (shows, ==, 70);
  g_assert_cmpint (player_clip_read_index (frame), ==, 70);
  /* A few pictures on: read, exactly. */
  g_clear_pointer (&frame, fidget_frame_unref);
  frame = fidget_player_get_keyframe_before (player, 79, &shows, NULL, &error);
  g_assert_cmpint (shows, ==, 79);
  g_assert_cmpint (player_clip_read_index (frame), ==, 79);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.seeks, ==, before.seeks);

  /* Back to the start: the first keyframe. */
  fidget_player_clear_cache (player);
  g_clear_pointer (&frame, fidget_frame_unref);
  frame = fidget_player_get_keyframe_before (player, 29, &shows, NULL, &error);
  g_assert_cmpint (shows, ==, 0);
  g_assert_cmpint (player_clip_read_index (frame), ==, 0);

  g_clear_pointer (&frame, fidget_frame_unref);
  frame = fidget_player_get_keyframe_before (player, 90, &shows, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED);
}

/* A phone video filmed upright (stored sideways, with a turn in its track matrix) is shown
 * upright: the colour bars lie across, white on top and blue at the bottom. */
static void
test_turned_upright (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "upright.mp4", NULL);
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;
  const guint8 *top;
  const guint8 *bottom;
  int stride;

  if (!fidget_test_write_turned_video (path, &error))
    {
      g_assert_no_error (error);
      return;
    }
  player = fidget_player_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fidget_player_get_width (player), ==, FIDGET_TEST_TURNED_HEIGHT);
  g_assert_cmpint (fidget_player_get_height (player), ==, FIDGET_TEST_TURNED_WIDTH);
  frame = get_frame (player, 10);
  g_assert_cmpint (fidget_frame_get_width (frame), ==, FIDGET_TEST_TURNED_HEIGHT);
  g_assert_cmpint (fidget_frame_get_height (frame), ==, FIDGET_TEST_TURNED_WIDTH);

  /* BGRA; the middle of the top and of the bottom rows. */
  pixels = fidget_frame_get_data (frame, NULL);
  stride = fidget_frame_get_stride (frame);
  top = pixels + 4 * 160;
  bottom = pixels + (gsize) stride * (FIDGET_TEST_TURNED_WIDTH - 3) + 4 * 160;
  g_assert_cmpint (top[0], >, 150);
  g_assert_cmpint (top[1], >, 150);
  g_assert_cmpint (top[2], >, 150);
  g_assert_cmpint (bottom[0], >, 150);
  g_assert_cmpint (bottom[1], <, 60);
  g_assert_cmpint (bottom[2], <, 60);
  g_assert_cmpint (fidget_player_get_frame_count (player), ==, FIDGET_TEST_TURNED_FRAMES);
}

/* }}} */

/* {{{ Audio */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

#define TONE_HZ    440.0
#define TONE_RATE  48000

/* 3 s of video with a 440 Hz tone (Vorbis) beside it, made once per run. NULL, with the test
 * skipped, without a Vorbis encoder. */
static const char *
tone_clip (void)
{
  static char *path;

  if (path == NULL)
    {
      g_autofree char *target = clip_path ("tone.mkv");
      g_autofree char *description = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GstElement) pipeline = NULL;
      g_autoptr(GstBus) bus = NULL;
      g_autoptr(GstMessage) message = NULL;
      g_autoptr(GstElementFactory) vorbis = gst_element_factory_find ("vorbisenc");

      if (vorbis == NULL)
        {
          g_test_skip ("GStreamer element vorbisenc is not installed");
          return NULL;
        }
      description = g_strdup_printf ("videotestsrc num-buffers=90 ! video/x-raw,width=160,"
                                     "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast "
                                     "key-int-max=15 ! h264parse ! queue ! mux. "
                                     "audiotestsrc freq=%g volume=0.5 samplesperbuffer=1600 "
                                     "num-buffers=90 ! audio/x-raw,rate=%d,channels=1 ! "
                                     "audioconvert ! vorbisenc ! queue ! mux. "
                                     "matroskamux name=mux ! filesink location=\"%s\"",
                                     TONE_HZ, TONE_RATE, target);
      pipeline = gst_parse_launch (description, &error);
      g_assert_no_error (error);
      bus = gst_element_get_bus (pipeline);
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
      message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      g_assert_nonnull (message);
      g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      path = g_steal_pointer (&target);
    }
  return path;
}

/* An appsink that takes the sound as an audio sink would: on the clock, mono float. */
static GstElement *
tone_sink (void)
{
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GstCaps) caps = gst_caps_new_simple ("audio/x-raw",
                                                 "format", G_TYPE_STRING, "F32LE",
                                                 "layout", G_TYPE_STRING, "interleaved",
                                                 "channels", G_TYPE_INT, 1,
                                                 "rate", G_TYPE_INT, TONE_RATE,
                                                 NULL);

  g_object_set (sink, "caps", caps, "sync", TRUE, "enable-last-sample", FALSE, NULL);
  return sink;
}

/* Drops what the sink holds, then checks that nothing more comes for a while. */
static void
assert_silent (GstElement *sink)
{
  GstSample *sample;

  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 0)) != NULL)
    gst_sample_unref (sample);
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 300 * GST_MSECOND);
  if (sample != NULL)
    g_error ("Sound came out while none should play");
}

typedef struct
{
  double first_s;     /* stream time of the first sample */
  double early_ms;    /* the earliest a sample came out before its time (> 0: early) */
  double late_ms;     /* the median lateness */
  double pitch_hz;    /* from the upward zero crossings */
  double rms;
  double stream_s;    /* stream time covered */
} Heard;

/* Pulls @wall_ms of sound that started at @started_us from @start_s at @speed, and measures
 * it against the clock of g_get_monotonic_time(). */
static void
listen (GstElement *sink,
        gint64      started_us,
        double      start_s,
        double      speed,
        int         wall_ms,
        Heard      *heard)
{
  g_autoptr(GArray) lateness = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 until = started_us + (gint64) wall_ms * 1000;
  double sum2 = 0;
  gsize n = 0;
  guint crossings = 0;
  float last = 0;
  double last_end = 0;

  memset (heard, 0, sizeof *heard);
  heard->first_s = -1;
  heard->early_ms = -G_MAXDOUBLE;
  while (g_get_monotonic_time () < until)
    {
      g_autoptr(GstSample) sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
                                                                  100 * GST_MSECOND);
      gint64 arrived = g_get_monotonic_time ();
      GstBuffer *buffer;
      const GstSegment *segment;
      GstMapInfo map;
      double t, due_us;

      if (sample == NULL)
        continue;
      buffer = gst_sample_get_buffer (sample);
      segment = gst_sample_get_segment (sample);
      t = (double) gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
                                               GST_BUFFER_PTS (buffer)) / GST_SECOND;
      if (heard->first_s < 0)
        heard->first_s = t;
      due_us = (double) started_us + (t - start_s) / speed * 1e6;
      heard->early_ms = MAX (heard->early_ms, (due_us - (double) arrived) / 1000.0);
      {
        double late = ((double) arrived - due_us) / 1000.0;

        g_array_append_val (lateness, late);
      }

      g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
      for (gsize i = 0; i < map.size / sizeof (float); i++)
        {
          float v = ((const float *) map.data)[i];

          if (last < 0 && v >= 0)
            crossings++;
          last = v;
          sum2 += (double) v * v;
          n++;
        }
      gst_buffer_unmap (buffer, &map);
      last_end = t + (double) GST_BUFFER_DURATION (buffer) / GST_SECOND * speed;
    }

  g_assert_cmpuint (n, >, 0);
  g_array_sort (lateness, (GCompareFunc) compare_doubles);
  heard->late_ms = g_array_index (lateness, double, lateness->len / 2);
  heard->pitch_hz = crossings / ((double) n / TONE_RATE);
  heard->rms = sqrt (sum2 / n);
  heard->stream_s = last_end - heard->first_s;
  g_test_message ("from %.3f s at %.2fx: %.3f s of stream, pitch %.1f Hz, rms %.3f, "
                  "median lateness %.1f ms, earliest %.1f ms early", heard->first_s, speed,
                  heard->stream_s, heard->pitch_hz, heard->rms, heard->late_ms,
                  heard->early_ms);
}

/* A video without sound offers none, enabled or not. */
static void
test_audio_absent (void)
{
  g_autofree char *path = fidget_test_sample ("again.mkv");
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  player = fidget_player_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (fidget_player_has_audio (player));
  fidget_player_set_audio_sink (player, tone_sink ());
  g_object_set (player, "audio-enabled", TRUE, NULL);
  g_assert_false (fidget_player_play_audio (player, 0, 1.0, g_get_monotonic_time ()));
  g_assert_false (fidget_player_is_playing_audio (player));
}

static void
test_audio_tone (void)
{
  const char *path;
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstElementFactory) scaletempo = NULL;
  gboolean has_audio = FALSE, enabled = TRUE;
  double volume = 0;
  gint64 started;
  Heard full, half, slow;

  if (!have_encoder () || (path = tone_clip ()) == NULL)
    return;

  player = fidget_player_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_object_get (player, "has-audio", &has_audio, "audio-enabled", &enabled, "volume", &volume,
                NULL);
  g_assert_true (has_audio);
  g_assert_false (enabled);
  g_assert_cmpfloat (volume, ==, 1.0);

  /* Off by default: nothing plays. */
  sink = gst_object_ref_sink (tone_sink ());
  fidget_player_set_audio_sink (player, sink);
  g_assert_false (fidget_player_play_audio (player, 0, 1.0, g_get_monotonic_time ()));
  fidget_player_set_audio_enabled (player, TRUE);

  /* Steps and seeks are silent. */
  for (gint64 i = 0; i < 10; i++)
    fidget_frame_unref (get_frame (player, i));
  fidget_frame_unref (get_frame (player, 75));
  fidget_frame_unref (get_frame (player, 20));
  assert_silent (sink);

  /* From frame 30 (1 s) at 1x: the sound starts at that frame, on the same clock as
   * fidget_playback_frame_at(), never ahead of its time. */
  started = g_get_monotonic_time () + 100000;
  g_assert_true (fidget_player_play_audio (player, 30, 1.0, started));
  g_assert_true (fidget_player_is_playing_audio (player));
  listen (sink, started, 1.0, 1.0, 700, &full);
  /* Nothing from before the frame; the decoder may need its first block after a seek to
   * warm up (Vorbis: up to 2048 samples). */
  g_assert_cmpfloat (full.first_s, >=, 1.0 - 0.001);
  g_assert_cmpfloat (full.first_s, <, 1.0 + 0.05);
  g_assert_cmpfloat (full.early_ms, <, 2.0);
  g_assert_cmpfloat (full.late_ms, <, 250.0);
  g_assert_cmpfloat_with_epsilon (full.pitch_hz, TONE_HZ, TONE_HZ * 0.05);
  g_assert_cmpfloat (full.stream_s, >, 0.4);
  fidget_player_stop_audio (player);
  g_assert_false (fidget_player_is_playing_audio (player));
  assert_silent (sink);

  /* Half the volume, half the amplitude. */
  fidget_player_set_volume (player, 0.5);
  started = g_get_monotonic_time () + 100000;
  g_assert_true (fidget_player_play_audio (player, 15, 1.0, started));
  listen (sink, started, 0.5, 1.0, 400, &half);
  g_assert_cmpfloat_with_epsilon (half.rms / full.rms, 0.5, 0.05);
  fidget_player_stop_audio (player);
  fidget_player_set_volume (player, 1.0);

  /* Slow motion: the stream goes at half the pace, the tone keeps its pitch. */
  scaletempo = gst_element_factory_find ("scaletempo");
  if (scaletempo != NULL)
    {
      started = g_get_monotonic_time () + 100000;
      g_assert_true (fidget_player_play_audio (player, 30, 0.5, started));
      listen (sink, started, 1.0, 0.5, 800, &slow);
      g_assert_cmpfloat (slow.first_s, >=, 1.0 - 0.001);
      g_assert_cmpfloat (slow.first_s, <, 1.0 + 0.05);
      g_assert_cmpfloat (slow.early_ms, <, 2.0);
      g_assert_cmpfloat (slow.late_ms, <, 250.0);
      g_assert_cmpfloat_with_epsilon (slow.pitch_hz, TONE_HZ, TONE_HZ * 0.05);
      /* About 0.4 s of stream in 0.8 s, against about 0.8 s at 1x. */
      g_assert_cmpfloat (slow.stream_s, <, 0.55);
      g_assert_cmpfloat (slow.stream_s, >, 0.15);
      fidget_player_stop_audio (player);
    }
  assert_silent (sink);

  /* Slower than the audible limit: silence, not noise. */
  g_assert_false (fidget_player_audio_audible_at (0.25));
  g_assert_false (fidget_player_play_audio (player, 30, 0.25, g_get_monotonic_time ()));
  assert_silent (sink);

  /* Turned off: silence. */
  g_object_set (player, "audio-enabled", FALSE, NULL);
  g_assert_false (fidget_player_play_audio (player, 30, 1.0, g_get_monotonic_time ()));
  assert_silent (sink);
}

/* An audio output that cannot open leaves the player silent, and working. */
static void
test_audio_no_output (void)
{
  const char *path;
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  GstElement *broken;

  if (!have_encoder () || (path = tone_clip ()) == NULL)
    return;

  player = fidget_player_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  /* A file sink without a file fails to start, as a sound card that is not there does. */
  broken = gst_element_factory_make ("filesink", NULL);
  fidget_player_set_audio_sink (player, broken);
  fidget_player_set_audio_enabled (player, TRUE);
  g_assert_false (fidget_player_play_audio (player, 0, 1.0, g_get_monotonic_time ()));
  g_assert_false (fidget_player_has_audio (player));
  fidget_frame_unref (get_frame (player, 40));
}

/* }}} */

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
  g_test_add_func ("/player/unreferenced-left-out", test_unreferenced_left_out);
  g_test_add_func ("/player/seek-leaves-out", test_seek_leaves_out);
  g_test_add_func ("/player/backward-chunk-stays-in-group", test_backward_chunk_stays_in_group);
  g_test_add_func ("/player/second-reader-fills-steps-back", test_second_reader_fills_steps_back);
  g_test_add_func ("/player/read-ahead", test_read_ahead);
  g_test_add_func ("/player/keyframe-before", test_keyframe_before);
  g_test_add_func ("/player/turned-upright", test_turned_upright);
  g_test_add_func ("/player/audio/absent", test_audio_absent);
  g_test_add_func ("/player/audio/tone", test_audio_tone);
  g_test_add_func ("/player/audio/no-output", test_audio_no_output);

  return g_test_run ();
}
