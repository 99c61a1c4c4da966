/* test-probe.c: fidget_probe_file() on real samples, generated clips and broken files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gst/gst.h>

#include "fidget-probe.h"
#include "fidget-test-turned.h"
#include "fidget-test-util.h"

static const char * const sample_names[] = {
  "again.mkv", "bird.mkv", "book.mkv", "brother.mkv", "eat.mkv", "help.mkv", "hungry.mkv",
  "learn.mkv", "milk.mkv", "night.mkv", "no.mkv", "please.mkv", "school.mkv", "sister.mkv",
  "sorry.mkv", "student.mkv", "thanks.mkv", "walk.mkv", "want.mkv", "yes.mkv",
};

static char *clip_dir;

static const char *
clips (void)
{
  if (clip_dir == NULL)
    clip_dir = fidget_test_make_tmpdir ();
  return clip_dir;
}

static gboolean have_elements (const char *first,
                               ...) G_GNUC_NULL_TERMINATED;

static gboolean
have_elements (const char *first,
               ...)
{
  va_list args;
  gboolean ok = TRUE;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);

      if (factory == NULL)
        {
          g_autofree char *why = g_strdup_printf ("GStreamer element %s is not installed", name);
          g_test_skip (why);
          ok = FALSE;
          break;
        }
    }
  va_end (args);
  return ok;
}

/* Runs @description, whose last element is "filesink name=out", until it has written @name
 * in the test's folder; the same clip is made once per test program. */
static char *
make_clip (const char *name,
           const char *description)
{
  g_autofree char *path = g_build_filename (clips (), name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);

  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_assert_nonnull (sink);
  g_object_set (sink, "location", path, NULL);

  bus = gst_element_get_bus (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;

      gst_message_parse_error (message, &gst_error, NULL);
      g_error ("Making %s failed: %s", name, gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_steal_pointer (&path);
}

static void
count_handoff (GstElement *sink,
               GstBuffer  *buffer,
               GstPad     *pad,
               gpointer    user_data)
{
  g_atomic_int_inc ((int *) user_data);
}

/* Counts what a demuxer hands out for the first video track, without decoding: an independent
 * witness for the decoder's frame count on streams where every packet is one picture. */
static gint64
count_demuxed_packets (const char *path,
                       const char *demuxer)
{
  g_autofree char *description = g_strdup_printf ("filesrc name=src ! %s ! video/x-h264 ! "
                                                  "fakesink name=sink sync=false", demuxer);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  int packets = 0;

  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (count_handoff), &packets);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return packets;
}

static FidgetMediaInfo *
probe_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  FidgetMediaInfo *info = fidget_probe_file (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

/* The error must carry @code and name the file by its basename in quotes. */
static void
assert_probe_fails (const char *path,
                    GQuark      domain,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = fidget_probe_file (path, NULL, NULL, NULL, &error);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *quoted = g_strdup_printf ("“%s”", base);

  g_assert_null (info);
  g_assert_error (error, domain, code);
  g_test_message ("%s: %s", base, error->message);
  g_assert_nonnull (strstr (error->message, quoted));
  /* One sentence with a reason, not just the name. */
  g_assert_cmpuint (strlen (error->message), >, strlen (quoted) + 10);
}

/* Duration must agree with frames / fps to within container rounding (Matroska keeps
 * milliseconds), give or take @dropped frames: a real camera clip may skip a timestamp
 * (brother.mkv jumps from 0 to 67 ms), and its duration then spans one frame more. */
static void
assert_duration_consistent (const FidgetMediaInfo *info,
                            guint                  dropped)
{
  gint64 expected = (gint64) gst_util_uint64_scale (info->frame_count,
                                                    GST_SECOND * (guint64) info->fps_den,
                                                    info->fps_num);

  gint64 frame = (gint64) gst_util_uint64_scale (GST_SECOND, info->fps_den, info->fps_num);

  g_assert_cmpint (info->fps_num, >, 0);
  g_assert_cmpint (info->duration_ns, >=, expected - 2 * GST_MSECOND);
  g_assert_cmpint (info->duration_ns, <=, expected + dropped * frame + 2 * GST_MSECOND);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_again (void)
{
  g_autofree char *path = fidget_test_sample ("again.mkv");
  g_autoptr(FidgetMediaInfo) info = NULL;
  g_autofree char *uri = NULL;

  if (path == NULL)
    return;

  info = probe_ok (path);
  uri = gst_filename_to_uri (path, NULL);
  g_assert_cmpstr (info->uri, ==, uri);
  g_assert_cmpstr (info->container, ==, "Matroska");
  g_assert_nonnull (strstr (info->video_codec, "H.264"));
  g_assert_cmpint (info->width, ==, 640);
  g_assert_cmpint (info->height, ==, 480);
  g_assert_cmpint (info->fps_num, ==, 30);
  g_assert_cmpint (info->fps_den, ==, 1);
  g_assert_false (info->variable_frame_rate);
  g_assert_false (info->has_audio);
  /* 77 coded pictures (77 Matroska blocks of one access unit each), the first starting at
   * 33 ms and the last ending at 2.600 s: 78 frame periods on the file's time grid, which is
   * what frame indices count (see fidget_probe_file()). */
  g_assert_cmpint (info->frame_count, ==, 78);
  g_assert_cmpint (info->decoded_frames, ==, 77);
  g_assert_cmpint (info->decoded_frames, ==, count_demuxed_packets (path, "matroskademux"));
  assert_duration_consistent (info, 0);
}

static void
test_all_samples (void)
{
  const char *dir = fidget_test_samples_dir ();
  gint64 counts[G_N_ELEMENTS (sample_names)];
  gint64 total_frames = 0;
  gint64 started;
  double seconds;

  if (dir == NULL)
    return;

  /* The first probe pays for loading plugins; keep it out of the measurement. */
  {
    g_autofree char *first = g_build_filename (dir, sample_names[0], NULL);
    g_autoptr(FidgetMediaInfo) warm = probe_ok (first);
  }

  started = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (sample_names); i++)
    {
      g_autofree char *path = g_build_filename (dir, sample_names[i], NULL);
      g_autoptr(FidgetMediaInfo) info = probe_ok (path);

      g_assert_cmpint (info->frame_count, >, 0);
      g_assert_cmpint (info->fps_num, ==, 30);
      g_assert_cmpint (info->fps_den, ==, 1);
      g_assert_cmpint (info->width, ==, 640);
      g_assert_cmpint (info->height, ==, 480);
      g_assert_false (info->variable_frame_rate);
      g_assert_false (info->has_audio);
      assert_duration_consistent (info, 1);
      /* Periods cover every picture; at most a frame or two more where timestamps skip. */
      g_assert_cmpint (info->frame_count, >=, info->decoded_frames);
      g_assert_cmpint (info->frame_count, <=, info->decoded_frames + 2);
      counts[i] = info->decoded_frames;
      total_frames += info->decoded_frames;
    }
  seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_test_message ("probed %u samples, %" G_GINT64_FORMAT " frames in %.3f s: %.0f frames/s "
                  "including discovery and pipeline set-up",
                  (guint) G_N_ELEMENTS (sample_names), total_frames, seconds,
                  total_frames / seconds);

  /* Independent count, outside the timing: every decoded frame is one demuxed packet. */
  for (guint i = 0; i < G_N_ELEMENTS (sample_names); i++)
    {
      g_autofree char *path = g_build_filename (dir, sample_names[i], NULL);

      g_assert_cmpint (counts[i], ==, count_demuxed_packets (path, "matroskademux"));
    }
}

#define NTSC_FRAMES 47

static void
test_ntsc_matroska (void)
{
  g_autofree char *path = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;

  if (!have_elements ("x264enc", "matroskamux", NULL))
    return;
  path = make_clip ("ntsc.mkv",
                    "videotestsrc num-buffers=" G_STRINGIFY (NTSC_FRAMES) " pattern=ball ! "
                    "video/x-raw,format=I420,width=320,height=240,framerate=30000/1001 ! "
                    "x264enc speed-preset=superfast bframes=2 key-int-max=20 ! "
                    "matroskamux ! filesink name=out");
  info = probe_ok (path);
  g_assert_cmpint (info->frame_count, ==, NTSC_FRAMES);
  g_assert_cmpint (info->fps_num, ==, 30000);
  g_assert_cmpint (info->fps_den, ==, 1001);
  g_assert_false (info->variable_frame_rate);
  g_assert_cmpint (info->width, ==, 320);
  g_assert_cmpint (info->height, ==, 240);
  g_assert_false (info->has_audio);
  g_assert_cmpstr (info->container, ==, "Matroska");
  g_assert_nonnull (strstr (info->video_codec, "H.264"));
  assert_duration_consistent (info, 0);
}

#define FILM_FRAMES 53

static void
test_film_mp4 (void)
{
  g_autofree char *path = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;

  if (!have_elements ("x264enc", "mp4mux", NULL))
    return;
  /* B-frames in MP4 bring an edit list and a decode delay: no frame may be lost or gained. */
  path = make_clip ("film.mp4",
                    "videotestsrc num-buffers=" G_STRINGIFY (FILM_FRAMES) " pattern=ball ! "
                    "video/x-raw,format=I420,width=352,height=288,framerate=24000/1001 ! "
                    "x264enc speed-preset=superfast bframes=3 key-int-max=24 ! "
                    "mp4mux ! filesink name=out");
  info = probe_ok (path);
  g_assert_cmpint (info->frame_count, ==, FILM_FRAMES);
  g_assert_cmpint (info->fps_num, ==, 24000);
  g_assert_cmpint (info->fps_den, ==, 1001);
  g_assert_false (info->variable_frame_rate);
  g_assert_cmpint (info->width, ==, 352);
  g_assert_cmpint (info->height, ==, 288);
  g_assert_false (info->has_audio);
  g_assert_nonnull (info->container);
  g_assert_nonnull (strstr (info->video_codec, "H.264"));
  assert_duration_consistent (info, 0);
}

#define AV_FRAMES 40

static void
test_with_audio (void)
{
  g_autofree char *path = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;

  if (!have_elements ("x264enc", "mp4mux", "voaacenc", NULL))
    return;
  /* The audio runs 2 s, the video 40 frames at 25 fps (1.6 s): a video that stops before the
   * sound is whole, not truncated. */
  path = make_clip ("talk.mp4",
                    "videotestsrc num-buffers=" G_STRINGIFY (AV_FRAMES) " ! "
                    "video/x-raw,format=I420,width=320,height=240,framerate=25/1 ! "
                    "x264enc speed-preset=superfast ! queue ! mux. "
                    "audiotestsrc num-buffers=86 samplesperbuffer=1024 ! "
                    "audio/x-raw,rate=44100,channels=1 ! audioconvert ! voaacenc ! queue ! mux. "
                    "mp4mux name=mux ! filesink name=out");
  info = probe_ok (path);
  g_assert_true (info->has_audio);
  g_assert_cmpint (info->frame_count, ==, AV_FRAMES);
  g_assert_cmpint (info->fps_num, ==, 25);
  g_assert_cmpint (info->fps_den, ==, 1);
  g_assert_cmpint (info->width, ==, 320);
  g_assert_cmpint (info->height, ==, 240);
  assert_duration_consistent (info, 0);
}

#define VFR_FRAMES 36

static void
test_variable_rate (void)
{
  g_autofree char *path = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;

  if (!have_elements ("x264enc", "matroskamux", "capssetter", NULL))
    return;
  /* Matroska without a default duration declares no rate (0/1): it must be measured. */
  path = make_clip ("vfr.mkv",
                    "videotestsrc num-buffers=" G_STRINGIFY (VFR_FRAMES) " ! "
                    "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "
                    "x264enc speed-preset=superfast ! h264parse ! "
                    "capssetter caps=\"video/x-h264,framerate=(fraction)0/1\" ! "
                    "matroskamux ! filesink name=out");
  info = probe_ok (path);
  g_assert_true (info->variable_frame_rate);
  g_assert_cmpint (info->frame_count, ==, VFR_FRAMES);
  g_assert_cmpint (info->fps_num, ==, 30);
  g_assert_cmpint (info->fps_den, ==, 1);
  g_assert_cmpint (info->width, ==, 160);
  assert_duration_consistent (info, 0);
}

/* ------------------------------------------------------------------------------------------ */

static char *
write_head_of (const char *source,
               const char *name,
               double      fraction)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (clips (), name, NULL);
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, (gssize) (length * fraction), &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_truncated (void)
{
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autofree char *half = NULL;

  if (sample == NULL)
    return;
  half = write_head_of (sample, "again-half.mkv", 0.5);
  assert_probe_fails (half, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED);
}

static void
test_truncated_mp4 (void)
{
  g_autofree char *whole = NULL;
  g_autofree char *half = NULL;
  g_autofree char *headless = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;

  if (!have_elements ("x264enc", "mp4mux", NULL))
    return;
  /* Index first (as a camera that finalises its files writes it): the samples run out early. */
  whole = make_clip ("indexed.mp4",
                     "videotestsrc num-buffers=60 ! "
                     "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
                     "x264enc speed-preset=superfast ! mp4mux faststart=true ! "
                     "filesink name=out");
  half = write_head_of (whole, "indexed-half.mp4", 0.5);
  assert_probe_fails (half, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED);

  /* Index last, cut off with the tail: there is nothing to play at all. */
  g_clear_pointer (&whole, g_free);
  whole = make_clip ("film.mp4",
                     "videotestsrc num-buffers=" G_STRINGIFY (FILM_FRAMES) " pattern=ball ! "
                     "video/x-raw,format=I420,width=352,height=288,framerate=24000/1001 ! "
                     "x264enc speed-preset=superfast bframes=3 key-int-max=24 ! "
                     "mp4mux ! filesink name=out");
  headless = write_head_of (whole, "film-half.mp4", 0.5);
  info = fidget_probe_file (headless, NULL, NULL, NULL, &error);
  g_assert_null (info);
  g_test_message ("film-half.mp4: %s", error->message);
  g_assert_true (g_error_matches (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED) ||
                 g_error_matches (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE));
  g_assert_nonnull (strstr (error->message, "“film-half.mp4”"));
}

static void
test_not_found (void)
{
  g_autofree char *path = g_build_filename (clips (), "no such video.mkv", NULL);

  assert_probe_fails (path, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND);
}

static void
test_text_file (void)
{
  g_autofree char *path = g_build_filename (clips (), "notes.mkv", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "Interview 3, take 2: the subject scratches her nose at 01:02.\n"
                       "Ask again about the hand gestures.\n", -1, &error);
  g_assert_no_error (error);
  assert_probe_fails (path, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA);
}

static void
test_random_bytes (void)
{
  g_autofree char *path = g_build_filename (clips (), "noise.mp4", NULL);
  g_autofree guint32 *bytes = g_new (guint32, 64 * 1024);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 64 * 1024; i++)
    bytes[i] = g_rand_int (rand);
  g_file_set_contents (path, (const char *) bytes, 64 * 1024 * sizeof (guint32), &error);
  g_assert_no_error (error);
  assert_probe_fails (path, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA);
}

static void
test_empty_file (void)
{
  g_autofree char *path = g_build_filename (clips (), "empty.mkv", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  assert_probe_fails (path, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA);
}

static void
test_audio_only (void)
{
  g_autofree char *path = NULL;

  if (!have_elements ("wavenc", NULL))
    return;
  path = make_clip ("voice.wav",
                    "audiotestsrc num-buffers=20 ! audio/x-raw,rate=16000,channels=1 ! "
                    "wavenc ! filesink name=out");
  assert_probe_fails (path, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NO_VIDEO);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_missing_decoder (void)
{
  g_autofree char *path = fidget_test_sample ("again.mkv");
  g_autoptr(GstCaps) h264 = gst_caps_from_string ("video/x-h264");
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;
  GList *decoders;
  GPtrArray *demoted = g_ptr_array_new ();
  GArray *ranks = g_array_new (FALSE, FALSE, sizeof (guint));

  if (path == NULL)
    {
      g_ptr_array_unref (demoted);
      g_array_unref (ranks);
      return;
    }

  decoders = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_DECODER |
                                                    GST_ELEMENT_FACTORY_TYPE_MEDIA_VIDEO,
                                                    GST_RANK_NONE);
  for (GList *l = decoders; l != NULL; l = l->next)
    {
      GstPluginFeature *feature = l->data;
      guint rank = gst_plugin_feature_get_rank (feature);

      if (!gst_element_factory_can_sink_any_caps (GST_ELEMENT_FACTORY (feature), h264))
        continue;
      g_ptr_array_add (demoted, gst_object_ref (feature));
      g_array_append_val (ranks, rank);
      gst_plugin_feature_set_rank (feature, GST_RANK_NONE);
    }
  gst_plugin_feature_list_free (decoders);
  g_assert_cmpuint (demoted->len, >, 0);

  info = fidget_probe_file (path, NULL, NULL, NULL, &error);

  for (guint i = 0; i < demoted->len; i++)
    {
      gst_plugin_feature_set_rank (g_ptr_array_index (demoted, i), g_array_index (ranks, guint, i));
      gst_object_unref (g_ptr_array_index (demoted, i));
    }
  g_ptr_array_unref (demoted);
  g_array_unref (ranks);

  g_assert_null (info);
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“again.mkv”"));
  g_assert_nonnull (strstr (error->message, "H.264"));
  g_assert_nonnull (strstr (error->message, "decoder"));

  /* With the ranks back, the same file decodes again. */
  g_clear_pointer (&info, fidget_media_info_free);
  info = probe_ok (path);
  g_assert_cmpint (info->frame_count, ==, 78);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  GArray       *fractions;
  GCancellable *cancellable;
  double        cancel_at;         /* cancel once the fraction reaches this; > 1 never */
  guint         calls_after_cancel;
} ProgressLog;

static void
log_progress (double   fraction,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  if (log->cancellable != NULL && g_cancellable_is_cancelled (log->cancellable))
    log->calls_after_cancel++;
  g_array_append_val (log->fractions, fraction);
  if (log->cancellable != NULL && fraction >= log->cancel_at)
    g_cancellable_cancel (log->cancellable);
}

static void
test_progress (void)
{
  g_autofree char *path = fidget_test_sample ("book.mkv");
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;
  ProgressLog log = { 0 };

  if (path == NULL)
    return;
  log.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  info = fidget_probe_file (path, NULL, log_progress, &log, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  /* Several steps along the way, never backwards, inside [0, 1], and exactly 1.0 at the end. */
  g_assert_cmpuint (log.fractions->len, >=, 10);
  for (guint i = 0; i < log.fractions->len; i++)
    {
      double f = g_array_index (log.fractions, double, i);

      g_assert_cmpfloat (f, >=, 0.0);
      g_assert_cmpfloat (f, <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (f, >=, g_array_index (log.fractions, double, i - 1));
      if (i + 1 < log.fractions->len)
        g_assert_cmpfloat (f, <, 1.0);
    }
  g_assert_cmpfloat (g_array_index (log.fractions, double, log.fractions->len - 1), ==, 1.0);
  g_array_unref (log.fractions);
}

static void
test_cancel_before (void)
{
  g_autofree char *path = fidget_test_sample ("again.mkv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;
  ProgressLog log = { 0 };

  if (path == NULL)
    return;
  log.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_cancellable_cancel (cancellable);
  info = fidget_probe_file (path, cancellable, log_progress, &log, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log.fractions->len, ==, 0);
  g_array_unref (log.fractions);
}

static void
test_cancel_midway (void)
{
  g_autofree char *path = fidget_test_sample ("book.mkv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = NULL;
  ProgressLog log = { 0 };
  double last;

  if (path == NULL)
    return;
  log.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  log.cancellable = cancellable;
  log.cancel_at = 0.3;
  info = fidget_probe_file (path, cancellable, log_progress, &log, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "“book.mkv”"));

  /* It stopped where it was cancelled: no report after that, and never the final 1.0. */
  g_assert_cmpuint (log.calls_after_cancel, ==, 0);
  last = g_array_index (log.fractions, double, log.fractions->len - 1);
  g_assert_cmpfloat (last, >=, 0.3);
  g_assert_cmpfloat (last, <, 1.0);
  g_array_unref (log.fractions);

  /* Nothing is left behind that would spoil the next probe. */
  g_clear_error (&error);
  g_clear_pointer (&info, fidget_media_info_free);
  info = probe_ok (path);
  g_assert_cmpint (info->decoded_frames, ==, 109);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  GMainLoop       *loop;
  FidgetMediaInfo *info;
  GError          *error;
  GThread         *caller;
} AsyncResult;

static void
on_probed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncResult *state = user_data;

  g_assert_null (source);
  /* The callback comes back in the caller's main context, not in the worker thread. */
  g_assert_true (g_thread_self () == state->caller);
  state->info = fidget_probe_file_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
run_async (const char   *path,
           GCancellable *cancellable,
           AsyncResult  *state)
{
  state->loop = g_main_loop_new (NULL, FALSE);
  state->caller = g_thread_self ();
  fidget_probe_file_async (path, cancellable, on_probed, state);
  g_main_loop_run (state->loop);
  g_main_loop_unref (state->loop);
}

static void
test_async (void)
{
  g_autofree char *path = fidget_test_sample ("again.mkv");
  g_autofree char *missing = g_build_filename (clips (), "gone.mkv", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult ok = { 0 }, absent = { 0 }, cancelled = { 0 };
  g_autoptr(FidgetMediaInfo) copy = NULL;

  if (path == NULL)
    return;

  run_async (path, NULL, &ok);
  g_assert_no_error (ok.error);
  g_assert_nonnull (ok.info);
  g_assert_cmpint (ok.info->frame_count, ==, 78);
  g_assert_cmpint (ok.info->fps_num, ==, 30);

  /* The boxed type deep-copies. */
  copy = g_boxed_copy (FIDGET_TYPE_MEDIA_INFO, ok.info);
  g_assert_true (copy->uri != ok.info->uri);
  g_assert_cmpstr (copy->uri, ==, ok.info->uri);
  g_assert_cmpstr (copy->video_codec, ==, ok.info->video_codec);
  g_assert_cmpint (copy->frame_count, ==, ok.info->frame_count);
  g_boxed_free (FIDGET_TYPE_MEDIA_INFO, ok.info);

  run_async (missing, NULL, &absent);
  g_assert_null (absent.info);
  g_assert_error (absent.error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND);
  g_clear_error (&absent.error);

  g_cancellable_cancel (cancellable);
  run_async (path, cancellable, &cancelled);
  g_assert_null (cancelled.info);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&cancelled.error);
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  gint64     frames[4];
} Parallel;

static void
on_parallel_probed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Parallel *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) info = fidget_probe_file_finish (result, &error);
  g_autofree char *base = NULL;

  g_assert_no_error (error);
  base = g_path_get_basename (info->uri);
  for (guint i = 0; i < 4; i++)
    if (g_str_equal (base, sample_names[i]))
      state->frames[i] = info->decoded_frames;
  if (--state->pending == 0)
    g_main_loop_quit (state->loop);
}

static void
test_async_parallel (void)
{
  const char *dir = fidget_test_samples_dir ();
  Parallel state = { 0 };

  if (dir == NULL)
    return;

  /* Import probes several files at once: each worker thread runs its own pipelines. */
  state.loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_build_filename (dir, sample_names[i], NULL);

      fidget_probe_file_async (path, NULL, on_parallel_probed, &state);
      state.pending++;
    }
  g_main_loop_run (state.loop);
  g_main_loop_unref (state.loop);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_build_filename (dir, sample_names[i], NULL);

      g_assert_cmpint (state.frames[i], ==, count_demuxed_packets (path, "matroskademux"));
    }
}

/* A phone video filmed upright is stored sideways with a turn in its track matrix: it counts
 * as the upright picture it is shown as. */
static void
test_turned (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "upright.mp4", NULL);
  g_autoptr(FidgetMediaInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (!fidget_test_write_turned_video (path, &error))
    {
      g_assert_no_error (error);
      return;
    }
  info = fidget_probe_file (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->width, ==, FIDGET_TEST_TURNED_HEIGHT);
  g_assert_cmpint (info->height, ==, FIDGET_TEST_TURNED_WIDTH);
  g_assert_cmpint (info->frame_count, ==, FIDGET_TEST_TURNED_FRAMES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  fidget_media_init ();

  g_test_add_func ("/probe/sample/again", test_again);
  g_test_add_func ("/probe/sample/all", test_all_samples);
  g_test_add_func ("/probe/synthetic/ntsc-matroska", test_ntsc_matroska);
  g_test_add_func ("/probe/synthetic/film-mp4", test_film_mp4);
  g_test_add_func ("/probe/synthetic/with-audio", test_with_audio);
  g_test_add_func ("/probe/synthetic/variable-rate", test_variable_rate);
  g_test_add_func ("/probe/refuse/truncated", test_truncated);
  g_test_add_func ("/probe/refuse/truncated-mp4", test_truncated_mp4);
  g_test_add_func ("/probe/refuse/not-found", test_not_found);
  g_test_add_func ("/probe/refuse/text", test_text_file);
  g_test_add_func ("/probe/refuse/random-bytes", test_random_bytes);
  g_test_add_func ("/probe/refuse/empty", test_empty_file);
  g_test_add_func ("/probe/refuse/audio-only", test_audio_only);
  g_test_add_func ("/probe/refuse/missing-decoder", test_missing_decoder);
  g_test_add_func ("/probe/progress", test_progress);
  g_test_add_func ("/probe/cancel/before", test_cancel_before);
  g_test_add_func ("/probe/cancel/midway", test_cancel_midway);
  g_test_add_func ("/probe/async/single", test_async);
  g_test_add_func ("/probe/async/parallel", test_async_parallel);
  g_test_add_func ("/probe/turned", test_turned);

  return g_test_run ();
}
