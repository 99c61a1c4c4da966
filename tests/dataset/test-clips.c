/* test-clips.c: segments cut into clips, frame-exactly
 *
 * Every clip must hold exactly end - start frames, and its first and last pictures must be the
 * source's frames start and end - 1 on the frame grid (closer to them than to their
 * neighbours, and close in PSNR after re-encoding). Re-runs keep intact clips; cancelling
 * leaves no partial file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "fidget-clips.h"
#include "fidget-probe.h"
#include "fidget-test-turned.h"
#include "fidget-test-util.h"

/* {{{ Decoding for the checks: luma planes by frame index */

typedef struct
{
  int      width;
  int      height;
  GPtrArray *pictures;   /* GBytes of width * height luma, one per decoded picture */
  GArray  *own;          /* gint64: the frame each picture belongs to */
} Decoded;

static void
decoded_free (Decoded *decoded)
{
  g_ptr_array_unref (decoded->pictures);
  g_array_unref (decoded->own);
  g_free (decoded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decoded, decoded_free)

/* Every picture of @path, laid on the 30/1 grid by the nearest frame start: a plain decode,
 * independent of the cutter's. */
static Decoded *
decode (const char *path)
{
  g_autofree char *escaped = g_strescape (path, NULL);
  g_autofree char *description = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=GRAY8 ! "
    "appsink name=sink sync=false", escaped);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) sink = NULL;
  Decoded *decoded = g_new0 (Decoded, 1);
  gint64 previous = -1;

  g_assert_no_error (error);
  decoded->pictures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  decoded->own = g_array_new (FALSE, FALSE, sizeof (gint64));
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      g_autoptr(GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstVideoInfo info;
      GstVideoFrame frame;
      GByteArray *luma;
      GstClockTime pts;
      gint64 own;

      if (sample == NULL)
        break;
      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      g_assert_true (gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample),
                                          GST_MAP_READ));
      decoded->width = GST_VIDEO_INFO_WIDTH (&info);
      decoded->height = GST_VIDEO_INFO_HEIGHT (&info);
      luma = g_byte_array_sized_new (decoded->width * decoded->height);
      for (int y = 0; y < decoded->height; y++)
        g_byte_array_append (luma, (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
                             y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), decoded->width);
      gst_video_frame_unmap (&frame);
      g_ptr_array_add (decoded->pictures, g_byte_array_free_to_bytes (luma));

      /* Stream time, as the probe and the player count: Matroska's starts at its first
       * block (again.mkv's picture at 33 ms is at stream time 0). */
      pts = gst_segment_to_stream_time (gst_sample_get_segment (sample), GST_FORMAT_TIME,
                                        GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
      own = (gint64) gst_util_uint64_scale_round (pts, 30, GST_SECOND);
      if (own <= previous)
        own = previous + 1;
      previous = own;
      g_array_append_val (decoded->own, own);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_cmpuint (decoded->pictures->len, >, 0);
  return decoded;
}

/* The picture frame @index shows: its own, or the latest before it, or the first. */
static GBytes *
picture_at (Decoded *decoded,
            gint64   index)
{
  guint best = 0;

  for (guint i = 0; i < decoded->own->len; i++)
    if (g_array_index (decoded->own, gint64, i) <= index)
      best = i;
  return g_ptr_array_index (decoded->pictures, best);
}

static double
mse (GBytes *a,
     GBytes *b)
{
  gsize n, m;
  const guint8 *x = g_bytes_get_data (a, &n);
  const guint8 *y = g_bytes_get_data (b, &m);
  double sum = 0.0;

  g_assert_cmpuint (n, ==, m);
  for (gsize i = 0; i < n; i++)
    sum += ((double) x[i] - y[i]) * ((double) x[i] - y[i]);
  return sum / n;
}

static double
psnr (double error)
{
  return error <= 1e-9 ? 99.0 : 10.0 * log10 (255.0 * 255.0 / error);
}

/* Clip picture @clip_picture must be source frame @frame: closest to it among its
 * neighbours (or as close, when a neighbour shows the same picture), and faithful. */
static void
assert_is_frame (Decoded    *source,
                 GBytes     *clip_picture,
                 gint64      frame,
                 gint64      frame_count,
                 const char *what)
{
  double own = mse (clip_picture, picture_at (source, frame));

  g_test_message ("%s: PSNR %.1f dB against source frame %" G_GINT64_FORMAT, what, psnr (own),
                  frame);
  g_assert_cmpfloat (psnr (own), >, 30.0);
  for (gint64 other = MAX (0, frame - 2); other <= MIN (frame_count - 1, frame + 2); other++)
    {
      GBytes *neighbour = picture_at (source, other);

      if (other == frame || neighbour == picture_at (source, frame))
        continue;
      if (mse (clip_picture, neighbour) < own)
        g_error ("%s matches source frame %" G_GINT64_FORMAT " better than frame %"
                 G_GINT64_FORMAT, what, other, frame);
    }
}

/* }}} */

typedef struct
{
  const char *sample;
  gint64      frame_count;
  const char *name;
  gint64      start;
  gint64      end;
} Case;

/* again.mkv: 78 frames but 77 pictures, the last standing for frames 76 and 77 (the period
 * its declared 2.600 s adds). book.mkv: 109 frames; a clip from frame 75 (2.5 s) makes the
 * cutter seek. Overlapping clips share one decode. */
static const Case cases[] = {
  { "again.mkv", 78, "0001_00_0001", 0, 6 },
  { "again.mkv", 78, "0001_01_0001", 3, 40 },
  { "again.mkv", 78, "0001_01_0002", 30, 78 },
  { "again.mkv", 78, "0001_05_0001", 77, 78 },
  { "book.mkv", 109, "0002_02_0001", 75, 100 },
  { "book.mkv", 109, "0002_02_0002", 80, 109 },
  { "bird.mkv", 63, "0003_03_0001", 10, 11 },
};

typedef struct
{
  GPtrArray *sources;   /* FidgetClipSource * */
  GPtrArray *paths;
} Sources;

static void
sources_free (Sources *s)
{
  for (guint i = 0; i < s->sources->len; i++)
    {
      FidgetClipSource *source = g_ptr_array_index (s->sources, i);
      g_array_unref (source->clips);
      g_free (source);
    }
  g_ptr_array_unref (s->sources);
  g_ptr_array_unref (s->paths);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sources, sources_free)

static Sources *
sources_new (void)
{
  Sources *s = g_new0 (Sources, 1);

  s->sources = g_ptr_array_new ();
  s->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FidgetClipSource *source = NULL;
      FidgetClipSpec spec = { cases[i].name, cases[i].start, cases[i].end };

      for (guint j = 0; j < s->sources->len; j++)
        if (g_str_has_suffix (((FidgetClipSource *) g_ptr_array_index (s->sources, j))->path,
                              cases[i].sample))
          source = g_ptr_array_index (s->sources, j);
      if (source == NULL)
        {
          char *path = fidget_test_sample (cases[i].sample);

          g_ptr_array_add (s->paths, path);
          source = g_new0 (FidgetClipSource, 1);
          source->path = path;
          source->content_hash = cases[i].sample;   /* any stable text will do here */
          source->fps_num = 30;
          source->fps_den = 1;
          source->frame_count = cases[i].frame_count;
          source->clips = g_array_new (FALSE, FALSE, sizeof (FidgetClipSpec));
          g_ptr_array_add (s->sources, source);
        }
      g_array_append_val (source->clips, spec);
    }
  return s;
}

static void
test_frame_exact (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(Sources) sources = NULL;
  g_autoptr(GHashTable) sums = NULL;
  g_autoptr(GHashTable) decoded_sources = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                                 (GDestroyNotify) decoded_free);
  g_autoptr(GError) error = NULL;
  FidgetClipReport report;

  if (fidget_test_samples_dir () == NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  sources = sources_new ();
  g_assert_true (fidget_clips_cut (dir, sources->sources, NULL, NULL, NULL, NULL, &report, &sums,
                                   &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_clips, ==, G_N_ELEMENTS (cases));
  g_assert_cmpuint (report.n_cut, ==, G_N_ELEMENTS (cases));
  g_assert_cmpuint (g_hash_table_size (sums), ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source_path = fidget_test_sample (cases[i].sample);
      g_autofree char *file = g_strconcat (cases[i].name, ".mp4", NULL);
      g_autofree char *clip_path = g_build_filename (dir, file, NULL);
      g_autofree char *sum = fidget_test_file_checksum (clip_path);
      g_autoptr(FidgetMediaInfo) info = fidget_probe_file (clip_path, NULL, NULL, NULL, &error);
      Decoded *source = g_hash_table_lookup (decoded_sources, cases[i].sample);
      g_autoptr(Decoded) clip = decode (clip_path);
      gint64 n = cases[i].end - cases[i].start;
      g_autofree char *first = g_strdup_printf ("%s first frame", cases[i].name);
      g_autofree char *last = g_strdup_printf ("%s last frame", cases[i].name);

      g_assert_no_error (error);
      if (source == NULL)
        {
          source = decode (source_path);
          g_hash_table_insert (decoded_sources, (gpointer) cases[i].sample, source);
        }
      /* The recorded sum is the file's. */
      g_assert_true (g_str_has_suffix (sum, g_hash_table_lookup (sums, cases[i].name)));

      /* Exactly the segment's frames, at the source's rate and size. */
      g_assert_cmpint (info->frame_count, ==, n);
      g_assert_cmpint (info->decoded_frames, ==, n);
      g_assert_cmpint (info->fps_num, ==, 30);
      g_assert_cmpint (info->fps_den, ==, 1);
      g_assert_cmpint (info->width, ==, source->width);
      g_assert_cmpint (info->height, ==, source->height);
      g_assert_true (g_strstr_len (info->video_codec, -1, "H.264") != NULL);
      g_assert_cmpuint (clip->pictures->len, ==, n);

      assert_is_frame (source, g_ptr_array_index (clip->pictures, 0), cases[i].start,
                       cases[i].frame_count, first);
      assert_is_frame (source, g_ptr_array_index (clip->pictures, n - 1), cases[i].end - 1,
                       cases[i].frame_count, last);
    }

  /* again.mkv's frames 76 and 77 are its last picture: the clip repeats it. */
  {
    g_autofree char *clip_path = g_build_filename (dir, "0001_01_0002.mp4", NULL);
    g_autoptr(Decoded) clip = decode (clip_path);
    guint n = clip->pictures->len;

    g_assert_cmpuint (n, ==, 48);
    g_assert_cmpfloat (psnr (mse (g_ptr_array_index (clip->pictures, n - 2),
                                  g_ptr_array_index (clip->pictures, n - 1))), >, 40.0);
  }
}

static void
test_rerun (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *damaged = NULL;
  g_autoptr(Sources) sources = NULL;
  g_autoptr(GError) error = NULL;
  FidgetClipParams params;
  FidgetClipReport report;

  if (fidget_test_samples_dir () == NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  sources = sources_new ();
  fidget_clip_params_init (&params);
  params.n_workers = 1;
  g_assert_true (fidget_clips_cut (dir, sources->sources, &params, NULL, NULL, NULL, &report,
                                   NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_cut, ==, G_N_ELEMENTS (cases));

  /* Everything intact: nothing is cut. */
  g_assert_true (fidget_clips_cut (dir, sources->sources, &params, NULL, NULL, NULL, &report,
                                   NULL, &error));
  g_assert_cmpuint (report.n_cut, ==, 0);
  g_assert_cmpuint (report.n_skipped, ==, G_N_ELEMENTS (cases));
  g_assert_cmpint (report.n_frames, ==, 0);

  /* A damaged clip and a missing one are cut again, and only they. */
  damaged = g_build_filename (dir, "0001_01_0001.mp4", NULL);
  g_assert_true (g_file_set_contents (damaged, "not a video", -1, NULL));
  {
    g_autofree char *missing = g_build_filename (dir, "0003_03_0001.mp4", NULL);
    g_assert_cmpint (g_unlink (missing), ==, 0);
  }
  g_assert_true (fidget_clips_cut (dir, sources->sources, &params, NULL, NULL, NULL, &report,
                                   NULL, &error));
  g_assert_cmpuint (report.n_cut, ==, 2);
  g_assert_cmpint (report.n_frames, ==, (40 - 3) + (11 - 10));

  /* Other settings: every clip is cut again. */
  params.crf = 23;
  g_assert_true (fidget_clips_cut (dir, sources->sources, &params, NULL, NULL, NULL, &report,
                                   NULL, &error));
  g_assert_cmpuint (report.n_cut, ==, G_N_ELEMENTS (cases));
}

static void
cancel_at_half (double   fraction,
                gpointer user_data)
{
  if (fraction >= 0.3)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(Sources) sources = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GDir) listing = NULL;
  FidgetClipParams params;
  FidgetClipReport report;
  const char *name;
  guint n_files = 0, first_cut;

  if (fidget_test_samples_dir () == NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  sources = sources_new ();
  fidget_clip_params_init (&params);
  params.n_workers = 1;
  g_assert_false (fidget_clips_cut (dir, sources->sources, &params, cancellable, cancel_at_half,
                                    cancellable, &report, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  first_cut = report.n_cut;
  g_assert_cmpuint (first_cut, <, G_N_ELEMENTS (cases));

  /* No partial file is left; the finished clips are kept. */
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_assert_false (g_str_has_suffix (name, ".part"));
      n_files += g_str_has_suffix (name, ".mp4");
    }
  g_assert_cmpuint (n_files, ==, first_cut);

  /* The re-run cuts the rest only. */
  g_assert_true (fidget_clips_cut (dir, sources->sources, &params, NULL, NULL, NULL, &report,
                                   NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_skipped, ==, first_cut);
  g_assert_cmpuint (report.n_cut, ==, G_N_ELEMENTS (cases) - first_cut);
}

static void
test_refused (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr(Sources) sources = NULL;
  g_autoptr(GError) error = NULL;
  FidgetClipSource *source;
  FidgetClipParams params;

  if (fidget_test_samples_dir () == NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  sources = sources_new ();

  fidget_clip_params_init (&params);
  params.crf = 60;
  g_assert_false (fidget_clips_cut (dir, sources->sources, &params, NULL, NULL, NULL, NULL, NULL,
                                    &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "the CRF must be 0 to 51"));
  g_clear_error (&error);

  /* A source that is not a video: the error names it. */
  text = g_build_filename (dir, "notes.mkv", NULL);
  g_assert_true (g_file_set_contents (text, "just text, no video", -1, NULL));
  source = g_ptr_array_index (sources->sources, 0);
  source->path = text;
  g_assert_false (fidget_clips_cut (dir, sources->sources, NULL, NULL, NULL, NULL, NULL, NULL,
                                    &error));
  g_assert_true (error->domain == FIDGET_MEDIA_ERROR);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, text));
}

/* A phone video filmed upright gives clips that stand upright, as the player shows it: the
 * training code sees what the annotator saw. */
static void
test_turned (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "upright.mp4", NULL);
  g_autofree char *clip = g_build_filename (dir, "turned.mp4", NULL);
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GArray) clips = g_array_new (FALSE, FALSE, sizeof (FidgetClipSpec));
  g_autoptr(FidgetMediaInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  FidgetClipSpec spec = { "turned", 10, 20 };
  FidgetClipSource source = { 0 };
  FidgetClipReport report;

  if (!fidget_test_write_turned_video (video, &error))
    {
      g_assert_no_error (error);
      return;
    }
  g_array_append_val (clips, spec);
  source.path = video;
  source.content_hash = "sha256:turned";
  source.fps_num = 30;
  source.fps_den = 1;
  source.frame_count = FIDGET_TEST_TURNED_FRAMES;
  source.clips = clips;
  g_ptr_array_add (sources, &source);
  g_assert_true (fidget_clips_cut (dir, sources, NULL, NULL, NULL, NULL, &report, NULL, &error));
  g_assert_no_error (error);

  info = fidget_probe_file (clip, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->width, ==, FIDGET_TEST_TURNED_HEIGHT);
  g_assert_cmpint (info->height, ==, FIDGET_TEST_TURNED_WIDTH);
  g_assert_cmpint (info->frame_count, ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clips/frame-exact", test_frame_exact);
  g_test_add_func ("/clips/rerun", test_rerun);
  g_test_add_func ("/clips/cancel", test_cancel);
  g_test_add_func ("/clips/refused", test_refused);
  g_test_add_func ("/clips/turned", test_turned);

  return g_test_run ();
}
