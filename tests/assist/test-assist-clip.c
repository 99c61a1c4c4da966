/* test-assist-clip.c: MANet's input clip from a video segment, against mmaction2's pipeline
 *
 * The reference is tests/assist/preprocess_reference.py (PyTorch, run by /usr/bin/python3):
 * the same sampling formula as mmaction2's SampleFrames in test mode, and the resize, crop and
 * normalisation in torch. The pictures it gets are decoded here, independently of the code
 * under test: one plain pass over the whole video through videoconvert, each picture given to
 * the frame nearest its timestamp, frames without a picture showing the one before.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#include "fidget-assist.h"
#include "fidget-npy.h"
#include "fidget-probe.h"
#include "fidget-test-turned.h"
#include "fidget-test-util.h"

/* The reference runs in float64; Fidget interpolates with float32 weights and sums in float32,
 * which is good to about 1e-5 grey levels, 2e-7 after normalisation. The tolerances leave a
 * wide margin yet stay far below one grey level (1/57.12 = 0.0175 after normalisation); for
 * scale, OpenCV (mmaction2's resize) rounds every value to a whole grey level. */
#define TOLERANCE 1e-4
#define MEAN_TOLERANCE 1e-6

static char *
reference_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "assist", "preprocess_reference.py", NULL);
}

static gboolean
have_torch (void)
{
  static int have = -1;

  if (have < 0)
    {
      int status = 1;

      have = g_spawn_sync (NULL, (char *[]) { "/usr/bin/python3", "-c", "import torch, numpy",
                                              NULL },
                           NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, NULL, NULL, &status, NULL) &&
             g_spawn_check_wait_status (status, NULL);
    }
  if (!have)
    g_test_skip ("/usr/bin/python3 has no torch: no reference");
  return have;
}

static char *
run_reference (const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup ("/usr/bin/python3"));
  g_ptr_array_add (argv, reference_script ());
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("preprocess_reference.py failed: %s", err);
  return g_steal_pointer (&out);
}

/* {{{ Sampling */

static void
test_sample_known (void)
{
  static const struct
  {
    gint64 start, end;
    gint64 frames[8];
  } cases[] = {
    /* 80 frames: parts of 10, middles at 5, 15, ... */
    { 0, 80, { 5, 15, 25, 35, 45, 55, 65, 75 } },
    { 100, 180, { 105, 115, 125, 135, 145, 155, 165, 175 } },
    /* 7 frames: floor ((2k + 1) * 7 / 16), one frame twice. */
    { 10, 17, { 10, 11, 12, 13, 13, 14, 15, 16 } },
    { 3, 11, { 3, 4, 5, 6, 7, 8, 9, 10 } },
    { 5, 6, { 5, 5, 5, 5, 5, 5, 5, 5 } },
    /* 78 frames: parts of 9.75; middles 4.875, 14.625, ... rounded down. */
    { 0, 78, { 4, 14, 24, 34, 43, 53, 63, 73 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 frames[8];

      fidget_assist_sample_frames (cases[i].start, cases[i].end, 8, frames);
      for (int k = 0; k < 8; k++)
        g_assert_cmpint (frames[k], ==, cases[i].frames[k]);
    }
}

/* The integer formula against mmaction2's own float64 code, for every length up to 2000 and
 * some long ones. */
static void
test_sample_mmaction2 (void)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 lengths[2000 + 4];
  int n = 0;

  if (!have_torch ())
    return;
  for (int i = 1; i <= 2000; i++)
    lengths[n++] = i;
  lengths[n++] = 108000;      /* an hour at 30 fps */
  lengths[n++] = 1000003;
  lengths[n++] = 4294967311;  /* past 32 bits */
  lengths[n++] = 0;
  g_ptr_array_add (args, g_strdup ("sample"));
  for (int i = 0; i < n; i++)
    g_ptr_array_add (args, g_strdup_printf ("%" G_GINT64_FORMAT, lengths[i]));
  g_ptr_array_add (args, NULL);
  out = run_reference ((const char **) args->pdata);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, (guint) n);
  for (int i = 0; i < n; i++)
    {
      gint64 frames[8];
      g_autofree char *mine = NULL;
      GString *text = g_string_new (NULL);

      fidget_assist_sample_frames (7, 7 + lengths[i], 8, frames);
      for (int k = 0; k < 8; k++)
        g_string_append_printf (text, "%s%" G_GINT64_FORMAT, k ? " " : "",
                                frames[k] - 7);
      mine = g_string_free (text, FALSE);
      g_assert_cmpstr (mine, ==, lines[i]);
    }
}

static void
test_resized_size (void)
{
  int w, h;

  fidget_assist_resized_size (640, 480, 256, &w, &h);
  g_assert_cmpint (w, ==, 341);   /* 640 * 256 / 480 = 341.33 */
  g_assert_cmpint (h, ==, 256);
  fidget_assist_resized_size (1920, 1080, 256, &w, &h);
  g_assert_cmpint (w, ==, 455);   /* 455.11 */
  g_assert_cmpint (h, ==, 256);
  fidget_assist_resized_size (640, 360, 256, &w, &h);
  g_assert_cmpint (w, ==, 455);   /* 455.11 */
  fidget_assist_resized_size (360, 640, 256, &w, &h);
  g_assert_cmpint (w, ==, 256);
  g_assert_cmpint (h, ==, 455);
  fidget_assist_resized_size (300, 200, 256, &w, &h);
  g_assert_cmpint (w, ==, 384);
  g_assert_cmpint (h, ==, 256);
  fidget_assist_resized_size (1000, 700, 256, &w, &h);
  g_assert_cmpint (w, ==, 366);   /* 365.71 rounds up */
}

/* }}} */
/* {{{ Resize, crop, normalise */

/* Pictures for the reference, run on all of them at once (starting PyTorch takes seconds). */
typedef struct
{
  char      *dir;
  GPtrArray *inputs;
  GPtrArray *outputs;
  GArray    *counts;
} Batch;

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->dir = fidget_test_make_tmpdir ();
  batch->inputs = g_ptr_array_new_with_free_func (g_free);
  batch->outputs = g_ptr_array_new_with_free_func (g_free);
  batch->counts = g_array_new (FALSE, FALSE, sizeof (int));
  return batch;
}

static void
batch_free (Batch *batch)
{
  g_free (batch->dir);
  g_ptr_array_unref (batch->inputs);
  g_ptr_array_unref (batch->outputs);
  g_array_unref (batch->counts);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

/* Adds @n pictures (packed RGB, @width x @height). */
static void
batch_add (Batch        *batch,
           const guint8 *pictures,
           int           n,
           int           width,
           int           height)
{
  guint i = batch->inputs->len;
  char *in = g_strdup_printf ("%s/frames-%u.npy", batch->dir, i);
  g_autofree float *values = g_new (float, (gsize) n * width * height * 3);
  g_autoptr(GError) error = NULL;
  gint64 shape[4] = { n, height, width, 3 };

  for (gsize j = 0; j < (gsize) n * width * height * 3; j++)
    values[j] = pictures[j];
  g_assert_true (fidget_npy_write_f32 (in, values, 4, shape, &error));
  g_assert_no_error (error);
  g_ptr_array_add (batch->inputs, in);
  g_ptr_array_add (batch->outputs, g_strdup_printf ("%s/clip-%u.npy", batch->dir, i));
  g_array_append_val (batch->counts, n);
}

static void
batch_run (Batch *batch)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;

  g_ptr_array_add (args, "preprocess");
  for (guint i = 0; i < batch->inputs->len; i++)
    {
      g_ptr_array_add (args, g_ptr_array_index (batch->inputs, i));
      g_ptr_array_add (args, g_ptr_array_index (batch->outputs, i));
    }
  g_ptr_array_add (args, NULL);
  out = run_reference ((const char **) args->pdata);
}

/* The reference tensor of the @i-th addition. */
static float *
batch_result (Batch *batch,
              guint  i)
{
  g_autoptr(GError) error = NULL;
  gint64 got[FIDGET_NPY_MAX_DIMS];
  int n_dims = 0;
  float *tensor = fidget_npy_read_f32 (g_ptr_array_index (batch->outputs, i), &n_dims, got,
                                       &error);

  g_assert_no_error (error);
  g_assert_cmpint (n_dims, ==, 4);
  g_assert_cmpint (got[0], ==, g_array_index (batch->counts, int, i));
  g_assert_cmpint (got[1], ==, 3);
  g_assert_cmpint (got[2], ==, 224);
  g_assert_cmpint (got[3], ==, 224);
  return tensor;
}

/* Asserts that @a and @b agree within the tolerances; returns the largest difference. */
static double
check_close (const float *a,
             const float *b,
             gsize        n,
             const char  *what)
{
  double worst = 0.0, total = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - b[i]);

      g_assert_true (isfinite (a[i]) && isfinite (b[i]));
      worst = MAX (worst, d);
      total += d;
    }
  g_test_message ("%s: max abs difference %.2g, mean %.2g", what, worst, total / n);
  g_assert_cmpfloat (worst, <, TOLERANCE);
  g_assert_cmpfloat (total / n, <, MEAN_TOLERANCE);
  return worst;
}

/* Random pictures of awkward sizes: upscaling, downscaling by odd factors, portrait, exactly
 * the crop's size, and a padded stride. */
static void
test_preprocess_picture (void)
{
  static const int sizes[][2] = {
    { 640, 480 }, { 1920, 1080 }, { 300, 200 }, { 1000, 701 }, { 360, 640 }, { 224, 224 },
    { 257, 999 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(Batch) batch = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_free);

  if (!have_torch ())
    return;
  batch = batch_new ();
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      int width = sizes[s][0], height = sizes[s][1], stride = width * 3 + 5;
      g_autofree guint8 *packed = g_new (guint8, (gsize) width * height * 3);
      guint8 *padded = g_new0 (guint8, (gsize) stride * height);
      float *mine = g_new (float, 3 * 224 * 224);

      /* Smooth gradients plus noise, so that interpolation errors cannot hide in flat areas. */
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          for (int c = 0; c < 3; c++)
            {
              int v = (x * (c + 1) + y * (3 - c)) % 256 + g_rand_int_range (rand, -40, 41);

              packed[((gsize) y * width + x) * 3 + c] = (guint8) CLAMP (v, 0, 255);
              padded[(gsize) y * stride + x * 3 + c] = packed[((gsize) y * width + x) * 3 + c];
            }
      batch_add (batch, packed, 1, width, height);
      fidget_assist_preprocess_picture (padded, width, height, stride, mine);
      g_free (padded);
      g_ptr_array_add (results, mine);
    }
  batch_run (batch);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree float *expected = batch_result (batch, s);
      g_autofree char *what = g_strdup_printf ("%dx%d", sizes[s][0], sizes[s][1]);

      check_close (g_ptr_array_index (results, s), expected, 3 * 224 * 224, what);
    }
}

/* }}} */
/* {{{ Decoding */

typedef struct
{
  int        width;
  int        height;
  gint64     n_frames;
  GPtrArray *pictures;  /* GBytes of packed RGB, one per frame */
} Decoded;

static void
decoded_free (Decoded *decoded)
{
  g_ptr_array_unref (decoded->pictures);
  g_free (decoded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decoded, decoded_free)

/* Every frame of @path, by one plain decode pass to RGB. */
static Decoded *
decode_all (const char *path,
            int         fps_num,
            int         fps_den,
            gint64      frame_count)
{
  g_autofree char *escaped = g_strescape (path, NULL);
  g_autofree char *description =
    g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! "
                     "video/x-raw,format=RGB ! appsink name=sink sync=false", escaped);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) sink = NULL;
  Decoded *decoded = g_new0 (Decoded, 1);
  GstSample *sample;
  gint64 last_own = -1;
  GBytes *first = NULL;

  g_assert_no_error (error);
  decoded->pictures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  decoded->n_frames = frame_count;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      const GstSegment *segment = gst_sample_get_segment (sample);
      GstVideoInfo info;
      GstVideoFrame frame;
      GstClockTime t = gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
                                                   GST_BUFFER_PTS (buffer));
      gint64 own = gst_util_uint64_scale_round (t, fps_num, GST_SECOND * (guint64) fps_den);
      guint8 *rgb;
      GBytes *bytes;

      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      decoded->width = info.width;
      decoded->height = info.height;
      g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));
      rgb = g_malloc ((gsize) info.width * 3 * info.height);
      for (int y = 0; y < info.height; y++)
        memcpy (rgb + (gsize) y * info.width * 3,
                (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
                (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
                (gsize) info.width * 3);
      gst_video_frame_unmap (&frame);
      bytes = g_bytes_new_take (rgb, (gsize) info.width * 3 * info.height);

      if (own <= last_own)
        own = last_own + 1;
      /* Frames before the first picture show it; frames skipped show the one before. */
      if (first == NULL)
        first = bytes;
      while ((gint64) decoded->pictures->len < own)
        g_ptr_array_add (decoded->pictures,
                         g_bytes_ref (decoded->pictures->len > 0
                                      ? g_ptr_array_index (decoded->pictures,
                                                           decoded->pictures->len - 1)
                                      : first));
      g_ptr_array_add (decoded->pictures, bytes);
      last_own = own;
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  while ((gint64) decoded->pictures->len < frame_count)
    g_ptr_array_add (decoded->pictures,
                     g_bytes_ref (g_ptr_array_index (decoded->pictures,
                                                     decoded->pictures->len - 1)));
  g_assert_cmpint (decoded->pictures->len, ==, frame_count);
  return decoded;
}

/* Checks fidget_assist_decode_frames() and fidget_assist_prepare_clip() on segments of
 * @path against the plain decode and the reference. */
static void
check_segments (const char   *path,
                const gint64 (*segments)[2],
                guint         n_segments)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetMediaInfo) media = fidget_probe_file (path, NULL, NULL, NULL, &error);
  g_autoptr(Decoded) all = NULL;
  g_autoptr(Batch) batch = have_torch () ? batch_new () : NULL;
  g_autoptr(GPtrArray) clips = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  all = decode_all (path, media->fps_num, media->fps_den, media->frame_count);

  for (guint s = 0; s < n_segments; s++)
    {
      gint64 start = segments[s][0], end = segments[s][1];
      gint64 frames[8];
      gsize picture_bytes = (gsize) all->width * 3 * all->height;
      g_autofree guint8 *expected = g_malloc (picture_bytes * 8);
      g_autofree guint8 *pictures = NULL;
      g_autofree float *clip = NULL;
      int width = 0, height = 0;

      fidget_assist_sample_frames (start, end, 8, frames);
      for (int k = 0; k < 8; k++)
        memcpy (expected + picture_bytes * k,
                g_bytes_get_data (g_ptr_array_index (all->pictures, frames[k]), NULL),
                picture_bytes);

      /* The same pictures, byte for byte. */
      pictures = fidget_assist_decode_frames (path, media->fps_num, media->fps_den, frames, 8,
                                              &width, &height, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (width, ==, all->width);
      g_assert_cmpint (height, ==, all->height);
      for (int k = 0; k < 8; k++)
        if (memcmp (pictures + picture_bytes * k, expected + picture_bytes * k,
                    picture_bytes) != 0)
          g_error ("[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): picture %d (frame %"
                   G_GINT64_FORMAT ") differs from the plain decode", start, end, k, frames[k]);

      clip = fidget_assist_prepare_clip (path, media->fps_num, media->fps_den, start, end, NULL,
                                         &error);
      g_assert_no_error (error);
      if (batch != NULL)
        batch_add (batch, expected, 8, all->width, all->height);
      g_ptr_array_add (clips, g_steal_pointer (&clip));
    }

  if (batch == NULL)
    return;
  batch_run (batch);
  for (guint s = 0; s < n_segments; s++)
    {
      g_autofree float *reference = batch_result (batch, s);
      g_autofree char *what = g_strdup_printf ("[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                                               segments[s][0], segments[s][1]);

      check_close (g_ptr_array_index (clips, s), reference, FIDGET_ASSIST_CLIP_FLOATS, what);
    }
}

/* again.mkv: 78 frames of 640x480 at 30/1, Matroska's millisecond timestamps, the first
 * picture at 33 ms (frame 0 shows it). [66, 78) starts with a seek; the rest read on from the
 * start. */
static void
test_clip_sample (void)
{
  static const gint64 segments[][2] = { { 0, 78 }, { 5, 70 }, { 40, 43 }, { 0, 1 }, { 66, 78 },
                                        { 77, 78 } };
  g_autofree char *path = fidget_test_sample ("again.mkv");

  if (path == NULL)
    return;
  check_segments (path, segments, G_N_ELEMENTS (segments));
}

/* A longer video, made here (moving ball, a keyframe every 30 frames, 25 fps): segments far in
 * and with parts longer than the read-on reach, so that the frames come by seeking. */
static void
test_clip_seeking (void)
{
  static const gint64 segments[][2] = { { 0, 600 }, { 130, 590 }, { 300, 330 }, { 598, 600 },
                                        { 1, 599 } };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ball.mkv", NULL);
  g_autofree char *description =
    g_strdup_printf ("videotestsrc pattern=ball num-buffers=600 ! "
                     "video/x-raw,width=192,height=144,framerate=25/1 ! x264enc key-int-max=30 "
                     "speed-preset=ultrafast ! matroskamux ! filesink location=\"%s\"", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  check_segments (path, segments, G_N_ELEMENTS (segments));
}

static void
test_clip_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "gone.mkv", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.mkv", NULL);
  g_autofree float *clip = NULL;

  clip = fidget_assist_prepare_clip (missing, 30, 1, 0, 10, NULL, &error);
  g_assert_null (clip);
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.mkv"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text, "not a video at all\n", -1, NULL));
  clip = fidget_assist_prepare_clip (text, 30, 1, 0, 10, NULL, &error);
  g_assert_null (clip);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "notes.mkv"));
  g_clear_error (&error);

  clip = fidget_assist_prepare_clip (text, 30, 1, 10, 10, NULL, &error);
  g_assert_null (clip);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Cancelled before it starts: nothing is decoded. */
  {
    g_autofree char *path = fidget_test_sample ("again.mkv");
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    if (path == NULL)
      return;
    g_cancellable_cancel (cancellable);
    clip = fidget_assist_prepare_clip (path, 30, 1, 0, 78, cancellable, &error);
    g_assert_null (clip);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

/* }}} */

/* MANet sees a phone video filmed upright as the player shows it: upright. */
static void
test_clip_turned (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "upright.mp4", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *rgb = NULL;
  const gint64 frames[] = { 10 };
  const guint8 *top;
  const guint8 *bottom;
  int width = 0, height = 0;

  if (!fidget_test_write_turned_video (path, &error))
    {
      g_assert_no_error (error);
      return;
    }
  rgb = fidget_assist_decode_frames (path, 30, 1, frames, 1, &width, &height, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (width, ==, FIDGET_TEST_TURNED_HEIGHT);
  g_assert_cmpint (height, ==, FIDGET_TEST_TURNED_WIDTH);
  /* White on top, blue at the bottom (RGB). */
  top = rgb + 3 * 160;
  bottom = rgb + (gsize) 3 * width * (height - 3) + 3 * 160;
  g_assert_cmpint (top[0], >, 150);
  g_assert_cmpint (top[1], >, 150);
  g_assert_cmpint (top[2], >, 150);
  g_assert_cmpint (bottom[0], <, 60);
  g_assert_cmpint (bottom[1], <, 60);
  g_assert_cmpint (bottom[2], >, 150);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/assist/sample/known", test_sample_known);
  g_test_add_func ("/assist/sample/mmaction2", test_sample_mmaction2);
  g_test_add_func ("/assist/resize/size", test_resized_size);
  g_test_add_func ("/assist/resize/reference", test_preprocess_picture);
  g_test_add_func ("/assist/clip/sample", test_clip_sample);
  g_test_add_func ("/assist/clip/seeking", test_clip_seeking);
  g_test_add_func ("/assist/clip/errors", test_clip_errors);
  g_test_add_func ("/assist/clip/turned", test_clip_turned);
  return g_test_run ();
}
