/* test-format.c: how the window writes times, frame rates and video facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-format.h"

static void
test_centiseconds (void)
{
  static const struct {
    gint64      cs;
    const char *text;
  } cases[] = {
    { 0, "0:00.00" },
    { 1, "0:00.01" },
    { 300, "0:03.00" },
    { 5999, "0:59.99" },
    { 6000, "1:00.00" },
    { 61 * 6000 + 4567, "1:01:45.67" },
    { 359999, "59:59.99" },
    { 360000, "1:00:00.00" },
    { -250, "−0:02.50" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fidget_format_centiseconds (cases[i].cs);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_video_duration (void)
{
  /* On the stack: the formatting reads a record and needs nothing else of the core. */
  FidgetVideo v = { 0 };
  FidgetVideo *video = &v;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  /* Frames are the truth: 90 frames at 30/1 is 3 s, whatever the container says. */
  video->fps_num = 30;
  video->fps_den = 1;
  video->frame_count = 90;
  video->duration_ns = 3100 * G_TIME_SPAN_MILLISECOND * 1000;
  a = fidget_format_video_duration (video);
  g_assert_cmpstr (a, ==, "0:03.00");

  /* NTSC: 300 frames at 30000/1001 last 10.01 s; 1799 frames 60.0266 s rounds to 1:00.03. */
  video->fps_num = 30000;
  video->fps_den = 1001;
  video->frame_count = 300;
  g_assert_cmpint (fidget_video_get_centiseconds (video), ==, 1001);
  video->frame_count = 1799;
  b = fidget_format_video_duration (video);
  g_assert_cmpstr (b, ==, "1:00.03");

  /* 59.996 s rounds up to a whole minute, never to "0:60.00". */
  video->fps_num = 1000;
  video->fps_den = 1;
  video->frame_count = 59996;
  c = fidget_format_video_duration (video);
  g_assert_cmpstr (c, ==, "1:00.00");

  /* Without a frame rate, the container's duration is all there is. */
  video->fps_num = 0;
  video->fps_den = 0;
  video->duration_ns = G_GINT64_CONSTANT (2604999999);
  d = fidget_format_video_duration (video);
  g_assert_cmpstr (d, ==, "0:02.60");
}

static void
test_frame_rate (void)
{
  g_autofree char *ntsc = fidget_format_frame_rate (30000, 1001);
  g_autofree char *pal = fidget_format_frame_rate (25, 1);
  g_autofree char *none = fidget_format_frame_rate (0, 1);

  /* The fraction as the stream declares it, never a rounded decimal. */
  g_assert_cmpstr (ntsc, ==, "30000/1001 fps");
  g_assert_cmpstr (pal, ==, "25/1 fps");
  g_assert_cmpstr (none, ==, "unknown frame rate");
}

static void
test_video_title_and_subtitle (void)
{
  /* On the stack: the formatting reads a record and needs nothing else of the core. */
  FidgetVideo v = { 0 };
  FidgetVideo *video = &v;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *anonymous = NULL;
  g_autofree char *single = NULL;

  video->path = (char *) "videos/P001 & co/interview-01.mkv";
  video->participant_code = (char *) "P001";
  video->width = 640;
  video->height = 480;
  video->fps_num = 30;
  video->fps_den = 1;
  video->frame_count = 90;

  title = fidget_format_video_title (video);
  g_assert_cmpstr (title, ==, "interview-01.mkv");
  subtitle = fidget_format_video_subtitle (video);
  g_assert_cmpstr (subtitle, ==, "P001 · 640×480 · 30/1 fps · 90 frames · 0:03.00");

  video->participant_code = NULL;
  anonymous = fidget_format_video_subtitle (video);
  g_assert_true (g_str_has_prefix (anonymous, "No participant · "));

  video->frame_count = 1;
  single = fidget_format_video_subtitle (video);
  g_assert_nonnull (strstr (single, " · 1 frame · 0:00.03"));
}


static void
test_frame_time (void)
{
  g_autofree char *a = fidget_format_frame_time (0, 30, 1);
  g_autofree char *b = fidget_format_frame_time (1860, 30, 1);
  g_autofree char *c = fidget_format_frame_time (30000, 30000, 1001);

  g_assert_cmpstr (a, ==, "0:00.00");
  g_assert_cmpstr (b, ==, "1:02.00");
  /* 30000 frames at 30000/1001 fps start at 1001 s. */
  g_assert_cmpstr (c, ==, "16:41.00");
}

static void
test_parse_position (void)
{
  static const struct
  {
    const char *text;
    gboolean    ok;
    gint64      frame;
  } cases[] = {
    { "120", TRUE, 120 },
    { " 120 ", TRUE, 120 },
    { "f7", TRUE, 7 },
    { "0", TRUE, 0 },
    { "62.5", TRUE, 1875 },        /* a decimal point means seconds */
    { "62.5s", TRUE, 1875 },
    { "1:02.50", TRUE, 1875 },
    { "1:02", TRUE, 1860 },
    { "0:01:02.5", TRUE, 1875 },
    { "1:00:00", TRUE, 108000 },
    { ".5", TRUE, 15 },
    { "0.0333", TRUE, 0 },          /* just before frame 1 starts */
    { "0.0334", TRUE, 1 },
    { "", FALSE, 0 },
    { "abc", FALSE, 0 },
    { "1:", FALSE, 0 },
    { "1:2:3:4", FALSE, 0 },
    { "12x", FALSE, 0 },
    { "-5", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 frame = -1;
      gboolean ok = fidget_parse_position (cases[i].text, 30, 1, &frame);

      if (ok != cases[i].ok || (ok && frame != cases[i].frame))
        g_error ("“%s”: %s %" G_GINT64_FORMAT ", expected %s %" G_GINT64_FORMAT, cases[i].text,
                 ok ? "frame" : "refused", frame, cases[i].ok ? "frame" : "refused",
                 cases[i].frame);
    }

  /* The frame grid of 30000/1001: 1001 s is frame 30000 exactly. */
  {
    gint64 frame = -1;

    g_assert_true (fidget_parse_position ("16:41", 30000, 1001, &frame));
    g_assert_cmpint (frame, ==, 30000);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/centiseconds", test_centiseconds);
  g_test_add_func ("/format/video-duration", test_video_duration);
  g_test_add_func ("/format/frame-rate", test_frame_rate);
  g_test_add_func ("/format/video-title-and-subtitle", test_video_title_and_subtitle);
  g_test_add_func ("/format/frame-time", test_frame_time);
  g_test_add_func ("/format/parse-position", test_parse_position);

  return g_test_run ();
}
