/* test-demo-render.c: the demo scripts are valid ground truth, and the rendered video matches them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "fidget-demo.h"
#include "fidget-test-util.h"

/* The codes of the MA-52 taxonomy as the shared TSV lists them (the "code" column). */
static GHashTable *
load_taxonomy_codes (void)
{
  const char *tsv = g_getenv ("FIDGET_TAXONOMY_TSV");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *codes;
  int code_column = -1;

  if (tsv == NULL || !g_file_test (tsv, G_FILE_TEST_IS_REGULAR))
    return NULL;

  g_file_get_contents (tsv, &contents, NULL, &error);
  g_assert_no_error (error);

  codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_strchomp (lines[i]), "\t", -1);

      if (fields[0] == NULL || fields[0][0] == '\0')
        continue;
      if (code_column < 0)
        {
          for (int j = 0; fields[j] != NULL; j++)
            if (g_str_equal (fields[j], "code"))
              code_column = j;
          g_assert_cmpint (code_column, >=, 0);
          continue;
        }
      g_assert_cmpuint (g_strv_length (fields), >, (guint) code_column);
      g_hash_table_add (codes, g_strdup (fields[code_column]));
    }
  g_assert_cmpuint (g_hash_table_size (codes), ==, 52);
  return codes;
}

static void
test_supported_actions (void)
{
  const char *const *actions = fidget_demo_supported_actions ();
  g_autoptr(GHashTable) codes = load_taxonomy_codes ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (actions);
  g_assert_cmpuint (g_strv_length ((char **) actions), >=, 10);

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_assert_true (g_hash_table_add (seen, (gpointer) actions[i]));  /* no duplicates */
      if (codes != NULL)
        g_assert_true (g_hash_table_contains (codes, actions[i]));
    }
  if (codes == NULL)
    g_test_message ("FIDGET_TAXONOMY_TSV is not set: codes not checked against the TSV");
}

static void
test_script_invariants (void)
{
  const char *const *actions = fidget_demo_supported_actions ();
  g_autoptr(GPtrArray) scripts = fidget_demo_scripts_new (4);
  g_autoptr(GHashTable) codes = load_taxonomy_codes ();
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) participants = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) durations = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) looks = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) genders = g_hash_table_new (g_str_hash, g_str_equal);
  guint total_moves = 0;

  g_assert_cmpuint (scripts->len, ==, 4);

  for (guint i = 0; i < scripts->len; i++)
    {
      const FidgetDemoScript *script = g_ptr_array_index (scripts, i);
      g_autofree char *expected_code = g_strdup_printf ("P%03u", i + 1);
      gint64 previous_end = -1;

      g_assert_cmpstr (script->participant_code, ==, expected_code);
      g_assert_true (g_hash_table_add (participants, script->participant_code));
      g_assert_nonnull (script->gender);
      g_assert_true (g_str_equal (script->gender, "female") || g_str_equal (script->gender, "male") ||
                     g_str_equal (script->gender, "other"));
      g_hash_table_add (genders, (gpointer) script->gender);
      g_assert_nonnull (script->age_group);
      g_assert_cmpuint (strlen (script->age_group), >, 0);

      g_assert_cmpint (script->width, ==, 640);
      g_assert_cmpint (script->height, ==, 360);
      g_assert_cmpint (script->fps, ==, 30);
      g_assert_cmpint (script->n_frames, >=, 20 * 30);
      g_assert_cmpint (script->n_frames, <=, 60 * 30);
      g_hash_table_add (durations, GINT_TO_POINTER ((int) script->n_frames));
      g_assert_true (g_hash_table_add (looks, GUINT_TO_POINTER (script->look)));

      g_assert_nonnull (script->moves);
      g_assert_cmpuint (script->moves->len, >=, 10);
      for (guint j = 0; j < script->moves->len; j++)
        {
          const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, j);
          gint64 length = move->end_frame - move->start_frame;

          g_assert_true (g_strv_contains ((const char *const *) actions, move->action_code));
          if (codes != NULL)
            g_assert_true (g_hash_table_contains (codes, move->action_code));
          g_hash_table_add (used, (gpointer) move->action_code);

          g_assert_cmpint (length, >=, 15);
          g_assert_cmpint (length, <=, 90);
          /* Still for the first and last second. */
          g_assert_cmpint (move->start_frame, >=, 30);
          g_assert_cmpint (move->end_frame, <=, script->n_frames - 30);
          /* Sorted, with at least 30 still frames between moves. */
          if (previous_end >= 0)
            g_assert_cmpint (move->start_frame - previous_end, >=, 30);
          previous_end = move->end_frame;
        }
      total_moves += script->moves->len;
    }

  g_assert_cmpuint (total_moves, >=, 40);
  g_assert_cmpuint (g_hash_table_size (durations), >=, 3);
  g_assert_cmpuint (g_hash_table_size (genders), >=, 2);

  /* Every action the renderer draws is performed somewhere in the set. */
  for (guint i = 0; actions[i] != NULL; i++)
    if (!g_hash_table_contains (used, actions[i]))
      g_error ("action %s is never performed in the demo set", actions[i]);
}

static void
assert_scripts_equal (const FidgetDemoScript *a,
                      const FidgetDemoScript *b)
{
  g_assert_cmpstr (a->participant_code, ==, b->participant_code);
  g_assert_cmpstr (a->gender, ==, b->gender);
  g_assert_cmpstr (a->age_group, ==, b->age_group);
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->fps, ==, b->fps);
  g_assert_cmpint (a->n_frames, ==, b->n_frames);
  g_assert_cmpuint (a->look, ==, b->look);
  g_assert_cmpuint (a->moves->len, ==, b->moves->len);
  for (guint j = 0; j < a->moves->len; j++)
    {
      const FidgetDemoMove *ma = &g_array_index (a->moves, FidgetDemoMove, j);
      const FidgetDemoMove *mb = &g_array_index (b->moves, FidgetDemoMove, j);

      g_assert_cmpstr (ma->action_code, ==, mb->action_code);
      g_assert_cmpint (ma->start_frame, ==, mb->start_frame);
      g_assert_cmpint (ma->end_frame, ==, mb->end_frame);
    }
}

static void
test_script_deterministic (void)
{
  g_autoptr(GPtrArray) first = fidget_demo_scripts_new (4);
  g_autoptr(GPtrArray) second = fidget_demo_scripts_new (4);
  g_autoptr(GPtrArray) fewer = fidget_demo_scripts_new (2);

  g_assert_cmpuint (first->len, ==, second->len);
  for (guint i = 0; i < first->len; i++)
    assert_scripts_equal (g_ptr_array_index (first, i), g_ptr_array_index (second, i));

  /* A smaller set is a prefix of the standard one. */
  g_assert_cmpuint (fewer->len, ==, 2);
  for (guint i = 0; i < fewer->len; i++)
    assert_scripts_equal (g_ptr_array_index (first, i), g_ptr_array_index (fewer, i));
}

/* Decoding */

typedef struct
{
  guint   n_frames;
  int     width;
  int     height;
  int     fps_n;
  int     fps_d;
  GArray *energy;   /* double per frame: mean |frame[i] - frame[i-1]| over RGB bytes; 0 for frame 0 */
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_pointer (&decoded->energy, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Decoded, decoded_clear)

static void
decode_video (const char *path,
              Decoded    *decoded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autofree guint8 *previous = NULL;
  gsize row_bytes = 0;

  pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert ! "
                               "video/x-raw,format=RGB ! appsink name=sink sync=false", &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);

  decoded->energy = g_array_new (FALSE, TRUE, sizeof (double));
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);

  for (;;)
    {
      g_autoptr(GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstVideoInfo info;
      GstVideoFrame frame;
      GstClockTime pts;
      GstClockTime expected;
      double energy = 0;

      if (sample == NULL)
        break;

      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      if (decoded->n_frames == 0)
        {
          decoded->width = GST_VIDEO_INFO_WIDTH (&info);
          decoded->height = GST_VIDEO_INFO_HEIGHT (&info);
          decoded->fps_n = GST_VIDEO_INFO_FPS_N (&info);
          decoded->fps_d = GST_VIDEO_INFO_FPS_D (&info);
          row_bytes = (gsize) decoded->width * 3;
          previous = g_malloc0 (row_bytes * decoded->height);
        }
      g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, decoded->width);
      g_assert_cmpint (GST_VIDEO_INFO_HEIGHT (&info), ==, decoded->height);

      /* Frame i shows at i/fps (Matroska keeps milliseconds). */
      pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
      expected = gst_util_uint64_scale (decoded->n_frames, GST_SECOND * decoded->fps_d, decoded->fps_n);
      g_assert_true (GST_CLOCK_TIME_IS_VALID (pts));
      g_assert_cmpuint (pts + GST_MSECOND >= expected && pts <= expected + GST_MSECOND, ==, TRUE);

      g_assert_true (gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
      for (int y = 0; y < decoded->height; y++)
        {
          const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
                              (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
          guint8 *prev = previous + (gsize) y * row_bytes;
          guint64 sum = 0;

          for (gsize x = 0; x < row_bytes; x++)
            {
              sum += (guint) ABS ((int) row[x] - (int) prev[x]);
              prev[x] = row[x];
            }
          energy += (double) sum;
        }
      gst_video_frame_unmap (&frame);

      energy /= (double) row_bytes * decoded->height;
      if (decoded->n_frames == 0)
        energy = 0;
      g_array_append_val (decoded->energy, energy);
      decoded->n_frames++;
    }

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (message != NULL)
    {
      g_autoptr(GError) gst_error = NULL;

      gst_message_parse_error (message, &gst_error, NULL);
      g_error ("decoding %s failed: %s", path, gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* The compressed stream: one buffer per frame, the first a keyframe and none more than a
 * second after the previous one, so that later seeks decode at most a second of video. */
static void
assert_keyframes (const char *path,
                  guint       expected_frames,
                  guint       max_distance)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  guint n = 0;
  guint n_keyframes = 0;
  guint last_keyframe = 0;

  pipeline = gst_parse_launch ("filesrc name=src ! matroskademux ! video/x-h264 ! "
                               "appsink name=sink sync=false", &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);

  for (;;)
    {
      g_autoptr(GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));

      if (sample == NULL)
        break;
      if (!GST_BUFFER_FLAG_IS_SET (gst_sample_get_buffer (sample), GST_BUFFER_FLAG_DELTA_UNIT))
        {
          g_assert_cmpuint (n - last_keyframe, <=, max_distance);
          last_keyframe = n;
          n_keyframes++;
        }
      else
        {
          g_assert_cmpuint (n, >, 0);
        }
      n++;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_assert_cmpuint (n, ==, expected_frames);
  g_assert_cmpuint (n - last_keyframe, <=, max_distance);
  g_assert_cmpuint (n_keyframes, >=, expected_frames / max_distance);
}

static gboolean
frame_in_moves (const FidgetDemoScript *script,
                gint64                  frame)
{
  for (guint i = 0; i < script->moves->len; i++)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, i);

      if (frame >= move->start_frame && frame < move->end_frame)
        return TRUE;
    }
  return FALSE;
}

/* Outside moves the picture holds still (only the encoder's noise is left); inside every move
 * it clearly moves. energy[i] compares frame i with frame i - 1, so it is quiet when both are
 * outside moves. */
static void
assert_motion_matches_script (const FidgetDemoScript *script,
                              const Decoded          *decoded)
{
  double quiet_max = 0;
  double quiet_sum = 0;
  guint quiet_n = 0;

  for (guint i = 1; i < decoded->n_frames; i++)
    if (!frame_in_moves (script, i) && !frame_in_moves (script, i - 1))
      {
        double e = g_array_index (decoded->energy, double, i);

        if (e > 0.01)
          g_test_message ("%s: still frame %u moved: energy %.4f", script->participant_code, i, e);
        quiet_max = MAX (quiet_max, e);
        quiet_sum += e;
        quiet_n++;
      }
  g_assert_cmpuint (quiet_n, >, 0);
  g_test_message ("%s: still frames: max energy %.4f, mean %.5f over %u frames",
                  script->participant_code, quiet_max, quiet_sum / quiet_n, quiet_n);
  g_assert_cmpfloat (quiet_max, <, 0.02);

  for (guint j = 0; j < script->moves->len; j++)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, j);
      double peak = 0;
      double sum = 0;

      for (gint64 i = move->start_frame; i <= move->end_frame && i < (gint64) decoded->n_frames; i++)
        {
          double e = g_array_index (decoded->energy, double, i);

          peak = MAX (peak, e);
          sum += e;
        }
      g_test_message ("%s: move %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): peak %.3f, mean %.3f",
                      script->participant_code, move->action_code, move->start_frame,
                      move->end_frame, peak, sum / (move->end_frame - move->start_frame + 1));
      g_assert_cmpfloat (peak, >, MAX (10 * quiet_max, 0.05));
    }
}

static FidgetDemoScript *
short_script_new (void)
{
  FidgetDemoScript *script = g_new0 (FidgetDemoScript, 1);
  FidgetDemoMove moves[] = {
    { "B2", 30, 60 },
    { "G2", 80, 104 },
  };

  script->participant_code = g_strdup ("P900");
  script->gender = "other";
  script->age_group = "26-35";
  script->width = 640;
  script->height = 360;
  script->fps = 30;
  script->n_frames = 120;
  script->look = 2;
  script->moves = g_array_new (FALSE, FALSE, sizeof (FidgetDemoMove));
  g_array_append_vals (script->moves, moves, G_N_ELEMENTS (moves));
  return script;
}

typedef struct
{
  GArray       *fractions;
  GCancellable *cancel_at_half;
} ProgressLog;

static void
record_progress (double   fraction,
                 gpointer user_data)
{
  ProgressLog *log = user_data;

  g_array_append_val (log->fractions, fraction);
  if (log->cancel_at_half != NULL && fraction >= 0.5)
    g_cancellable_cancel (log->cancel_at_half);
}

static guint
count_dir_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static void
test_render_short (void)
{
  g_autoptr(FidgetDemoScript) script = short_script_new ();
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "short.mkv", NULL);
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  ProgressLog log = { fractions, NULL };
  g_autoptr(GError) error = NULL;
  g_auto(Decoded) decoded = { 0 };

  g_assert_true (fidget_demo_render (script, path, NULL, record_progress, &log, &error));
  g_assert_no_error (error);

  /* Only the finished file is left: the temporary one was renamed. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  /* Progress only goes forward and ends at exactly 1. */
  g_assert_cmpuint (fractions->len, >=, 2);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, 0), >=, 0.0);
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  assert_keyframes (path, 120, 30);
  decode_video (path, &decoded);
  g_assert_cmpuint (decoded.n_frames, ==, 120);
  g_assert_cmpint (decoded.width, ==, 640);
  g_assert_cmpint (decoded.height, ==, 360);
  g_assert_cmpint (decoded.fps_n, ==, 30 * decoded.fps_d);
  assert_motion_matches_script (script, &decoded);
}

/* The whole demo set: exact length, and motion exactly where the scripts say. This is what
 * makes the demo videos usable as ground truth for motion detection and pre-labelling. */
static void
test_render_demo_set (void)
{
  g_autoptr(GPtrArray) scripts = fidget_demo_scripts_new (4);
  g_autofree char *dir = fidget_test_make_tmpdir ();

  for (guint i = 0; i < scripts->len; i++)
    {
      const FidgetDemoScript *script = g_ptr_array_index (scripts, i);
      g_autofree char *name = g_strdup_printf ("%s.mkv", script->participant_code);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_auto(Decoded) decoded = { 0 };
      gint64 start = g_get_monotonic_time ();

      g_assert_true (fidget_demo_render (script, path, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_test_message ("%s: rendered %" G_GINT64_FORMAT " frames in %.2f s", script->participant_code,
                      script->n_frames, (g_get_monotonic_time () - start) / 1e6);

      assert_keyframes (path, script->n_frames, script->fps);
      decode_video (path, &decoded);
      g_assert_cmpuint (decoded.n_frames, ==, script->n_frames);
      g_assert_cmpint (decoded.width, ==, script->width);
      g_assert_cmpint (decoded.height, ==, script->height);
      g_assert_cmpint (decoded.fps_n, ==, script->fps * decoded.fps_d);
      assert_motion_matches_script (script, &decoded);
    }
}

static void
test_render_cancel (void)
{
  g_autoptr(FidgetDemoScript) script = short_script_new ();
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cancelled.mkv", NULL);
  g_autofree char *old_path = g_build_filename (dir, "existing.mkv", NULL);
  g_autofree char *old_sum = NULL;
  g_autofree char *old_sum_after = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { fractions, cancellable };
  g_autoptr(GError) error = NULL;

  g_assert_false (fidget_demo_render (script, path, cancellable, record_progress, &log, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);
  g_clear_error (&error);

  /* An earlier video at the target survives a cancelled render untouched. */
  g_assert_true (g_file_set_contents (old_path, "an earlier video", -1, NULL));
  old_sum = fidget_test_file_checksum (old_path);
  g_cancellable_reset (cancellable);
  g_array_set_size (fractions, 0);
  g_assert_false (fidget_demo_render (script, old_path, cancellable, record_progress, &log, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  old_sum_after = fidget_test_file_checksum (old_path);
  g_assert_cmpstr (old_sum, ==, old_sum_after);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);
  g_clear_error (&error);

  /* Cancelled before it starts: nothing is written at all. */
  g_assert_false (fidget_demo_render (script, path, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);
}

static void
test_render_unwritable (void)
{
  g_autoptr(FidgetDemoScript) script = short_script_new ();
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "demo.mkv", NULL);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "demo.mkv", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (fidget_demo_render (script, missing, NULL, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  g_assert_false (fidget_demo_render (script, under_file, NULL, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, under_file));
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);
}

static void
test_render_bad_script (void)
{
  g_autoptr(FidgetDemoScript) script = short_script_new ();
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bad.mkv", NULL);
  g_autoptr(GError) error = NULL;
  FidgetDemoMove unknown = { "C13", 108, 115 };   /* rubbing hands: not drawn */

  g_array_append_val (script->moves, unknown);
  g_assert_false (fidget_demo_render (script, path, NULL, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "C13"));
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);
  g_clear_error (&error);

  /* Overlapping moves are not a script. */
  g_array_set_size (script->moves, 1);
  g_array_append_val (script->moves, ((FidgetDemoMove) { "B1", 50, 70 }));
  g_assert_false (fidget_demo_render (script, path, NULL, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE);
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);
}

/* Without x264enc (a machine lacking plugins-ugly) the error names the element. The child runs
 * with a plugin path that holds every plugin the pipeline needs except x264's. */
static void
missing_encoder_child (void)
{
  g_autoptr(FidgetDemoScript) script = short_script_new ();
  const char *dir = g_getenv ("FIDGET_TEST_OUTPUT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, "no-encoder.mkv", NULL);
  g_assert_false (fidget_demo_render (script, path, NULL, NULL, NULL, &error));
  g_assert_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "x264enc"));
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);
}

static void
test_render_missing_encoder (void)
{
  static const char *const needed[] = {
    "appsrc", "videoconvert", "capsfilter", "h264parse", "matroskamux", "filesink",
  };
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *plugins = g_build_filename (dir, "plugins", NULL);
  g_autofree char *output = g_build_filename (dir, "output", NULL);
  g_autofree char *registry = g_build_filename (dir, "registry.bin", NULL);

  if (g_test_subprocess ())
    {
      missing_encoder_child ();
      return;
    }

  fidget_media_init ();
  g_assert_cmpint (g_mkdir (plugins, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (output, 0755), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (needed[i]);
      g_autoptr(GstPlugin) plugin = NULL;
      g_autofree char *base = NULL;
      g_autofree char *link = NULL;
      const char *filename;

      g_assert_nonnull (factory);
      plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory));
      if (plugin == NULL || (filename = gst_plugin_get_filename (plugin)) == NULL)
        continue;  /* built into the core library */
      base = g_path_get_basename (filename);
      link = g_build_filename (plugins, base, NULL);
      if (!g_file_test (link, G_FILE_TEST_EXISTS))
        g_assert_cmpint (symlink (filename, link), ==, 0);
    }

  /* The child is a fresh process: GStreamer reads these when it starts there. */
  g_setenv ("GST_PLUGIN_SYSTEM_PATH_1_0", plugins, TRUE);
  g_setenv ("GST_PLUGIN_PATH_1_0", plugins, TRUE);
  g_setenv ("GST_REGISTRY_1_0", registry, TRUE);
  g_setenv ("FIDGET_TEST_OUTPUT_DIR", output, TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("GST_PLUGIN_SYSTEM_PATH_1_0");
  g_unsetenv ("GST_PLUGIN_PATH_1_0");
  g_unsetenv ("GST_REGISTRY_1_0");
  g_unsetenv ("FIDGET_TEST_OUTPUT_DIR");
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/script/supported-actions", test_supported_actions);
  g_test_add_func ("/demo/script/invariants", test_script_invariants);
  g_test_add_func ("/demo/script/deterministic", test_script_deterministic);
  g_test_add_func ("/demo/render/short", test_render_short);
  g_test_add_func ("/demo/render/demo-set", test_render_demo_set);
  g_test_add_func ("/demo/render/cancel", test_render_cancel);
  g_test_add_func ("/demo/render/unwritable", test_render_unwritable);
  g_test_add_func ("/demo/render/bad-script", test_render_bad_script);
  g_test_add_func ("/demo/render/missing-encoder", test_render_missing_encoder);

  return g_test_run ();
}
