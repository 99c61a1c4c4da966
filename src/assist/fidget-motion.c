/* fidget-motion.c: how much a video moves, frame by frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-motion.h"

#define PULL_POLL     (200 * GST_MSECOND)
#define PULL_TIMEOUT  (30 * GST_SECOND)
#define PROGRESS_STEPS 200

typedef struct
{
  GstElement *convert;  /* the first element after the decoder */
} Link;

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  Link *link = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (link->convert, "sink");

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps == NULL || gst_caps_get_size (caps) == 0 ||
      !g_str_equal (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/x-raw") ||
      gst_pad_is_linked (sinkpad))
    return;
  gst_pad_link (pad, sinkpad);
}

static gboolean
check_bus (GstBus      *bus,
           const char  *display,
           GError     **error)
{
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) gst_error = NULL;

  if (message == NULL)
    return TRUE;
  gst_message_parse_error (message, &gst_error, NULL);
  g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
               "“%s” cannot be decoded: %s", display, gst_error->message);
  return FALSE;
}

double *
fidget_motion_energy (const char          *path,
                      int                  fps_num,
                      int                  fps_den,
                      gint64               frame_count,
                      GCancellable        *cancellable,
                      FidgetProgressFunc   progress,
                      gpointer             progress_data,
                      GError             **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree double *energy = NULL;
  g_autofree guint8 *previous = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstElement *src, *decodebin, *convert, *scale, *filter, *sink;
  Link link;
  GstClockTime origin = 0, waited = 0;
  gint64 last_own = -1, pictures = 0;
  int step = 0, width = 0, height = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL && fps_num > 0 && fps_den > 0 && frame_count > 0, NULL);

  fidget_media_init ();
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND,
                   "“%s” does not exist", display);
      return NULL;
    }

  pipeline = gst_object_ref_sink (gst_pipeline_new ("fidget-motion"));
  src = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  if (src == NULL || decodebin == NULL || convert == NULL || scale == NULL || filter == NULL ||
      sink == NULL)
    {
      GstElement *made[] = { src, decodebin, convert, scale, filter, sink };

      for (guint i = 0; i < G_N_ELEMENTS (made); i++)
        if (made[i] != NULL)
          gst_object_unref (gst_object_ref_sink (made[i]));
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER,
                   "“%s” cannot be decoded: this machine lacks GStreamer's base elements "
                   "(install gstreamer1.0-plugins-base)", display);
      return NULL;
    }
  /* Scaling first: the conversion to grey then touches a few thousand pixels, not millions.
   * The size keeps the display aspect ratio (square pixels, the height follows). */
  caps = gst_caps_new_simple ("video/x-raw",
                              "width", G_TYPE_INT, FIDGET_MOTION_WIDTH,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "GRAY8", NULL);
  g_object_set (sink, "caps", caps, NULL);
  g_object_set (src, "location", path, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 8, "drop", FALSE,
                "enable-last-sample", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, decodebin, convert, scale, filter, sink, NULL);
  gst_element_link (src, decodebin);
  gst_element_link_many (scale, filter, convert, sink, NULL);
  link.convert = scale;
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added), &link);
  bus = gst_element_get_bus (pipeline);

  energy = g_new0 (double, frame_count);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      GstBuffer *buffer;
      const GstSegment *segment;
      GstVideoInfo info;
      GstVideoFrame frame;
      GstClockTime t = GST_CLOCK_TIME_NONE;
      gint64 own;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !check_bus (bus, display, error))
        goto out;
      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_POLL);
      if (sample == NULL)
        {
          if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
            break;
          waited += PULL_POLL;
          if (waited > PULL_TIMEOUT)
            {
              g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                           "“%s” cannot be decoded: the decoder delivered nothing for %d seconds",
                           display, (int) (PULL_TIMEOUT / GST_SECOND));
              goto out;
            }
          continue;
        }
      waited = 0;
      buffer = gst_sample_get_buffer (sample);
      segment = gst_sample_get_segment (sample);
      if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
        continue;
      if (GST_BUFFER_PTS_IS_VALID (buffer) && segment != NULL &&
          segment->format == GST_FORMAT_TIME)
        t = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));

      /* The same frame grid as the clips (fidget_assist_decode_frames()): frame 0 is the
       * stream's zero unless its clock starts a second or more away; a picture belongs to the
       * frame nearest its timestamp. */
      if (pictures == 0)
        origin = GST_CLOCK_TIME_IS_VALID (t) && t >= GST_SECOND ? t : 0;
      if (GST_CLOCK_TIME_IS_VALID (t))
        own = (gint64) gst_util_uint64_scale_round (t > origin ? t - origin : 0,
                                                    (guint64) fps_num,
                                                    GST_SECOND * (guint64) fps_den);
      else
        own = last_own + 1;
      if (own <= last_own)
        own = last_own + 1;
      last_own = own;
      pictures++;

      if (previous != NULL && (info.width != width || info.height != height))
        g_clear_pointer (&previous, g_free);
      width = info.width;
      height = info.height;
      if (!gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
        continue;
      {
        const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
        int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
        guint8 *current = g_malloc ((gsize) width * height);
        guint64 total = 0;

        for (int y = 0; y < height; y++)
          memcpy (current + (gsize) y * width, data + (gsize) y * stride, width);
        gst_video_frame_unmap (&frame);
        if (previous != NULL)
          {
            for (gsize i = 0; i < (gsize) width * height; i++)
              total += (guint) abs ((int) current[i] - (int) previous[i]);
            if (own < frame_count)
              energy[own] = (double) total / ((double) width * height);
          }
        g_free (previous);
        previous = current;
      }

      if (progress != NULL)
        {
          int now = (int) MIN (PROGRESS_STEPS - 1, own * PROGRESS_STEPS / frame_count);

          if (now > step)
            {
              step = now;
              progress ((double) step / PROGRESS_STEPS, progress_data);
            }
        }
    }
  if (!check_bus (bus, display, error))
    goto out;
  if (pictures == 0)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” cannot be decoded: its video stream delivered no frames", display);
      goto out;
    }
  if (progress != NULL)
    progress (1.0, progress_data);
  ok = TRUE;

out:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok ? g_steal_pointer (&energy) : NULL;
}
