/* player-clip.c: clips whose pictures carry their own frame index, for the player's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <string.h>

#include "player-clip.h"

#define INDEX_BITS 12

static gboolean
is_dropped (const PlayerClipSpec *spec,
            int                   frame)
{
  for (guint i = 0; spec->dropped != NULL && spec->dropped[i] >= 0; i++)
    if (spec->dropped[i] == frame)
      return TRUE;
  return FALSE;
}

static guint32
hash32 (guint32 x)
{
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

static void
paint_frame (const PlayerClipSpec *spec,
             int                   index,
             guint8               *y_plane,
             guint8               *u_plane,
             guint8               *v_plane)
{
  int w = spec->width;
  int h = spec->height;
  int band = MAX (h / 8, 8);
  int cell = w / INDEX_BITS;

  for (int y = 0; y < h; y++)
    {
      guint8 *row = y_plane + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          int value;

          if (y < band && x < cell * INDEX_BITS)
            {
              int bit = INDEX_BITS - 1 - x / cell;

              value = (index >> bit) & 1 ? 235 : 16;
            }
          else if (spec->busy)
            {
              /* A slowly moving gradient with a disc that travels, plus per-pixel noise. */
              int dx = x - (w / 4 + (index * 7) % (w / 2));
              int dy = y - h / 2;
              int base = 60 + ((x + 2 * y + index * 3) & 127);

              if (dx * dx + dy * dy < (h / 6) * (h / 6))
                base = 200;
              value = base + (int) (hash32 ((guint32) (x * 7919 + y * 104729 + index * 15485863)) % 13) - 6;
            }
          else
            value = 40 + ((x + y) & 63);
          row[x] = (guint8) CLAMP (value, 16, 235);
        }
    }

  for (int y = 0; y < h / 2; y++)
    for (int x = 0; x < w / 2; x++)
      {
        gsize at = (gsize) y * (w / 2) + x;

        u_plane[at] = spec->busy ? (guint8) (96 + ((x + index) & 63)) : 128;
        v_plane[at] = spec->busy ? (guint8) (96 + ((y * 2 + index) & 63)) : 128;
      }
}

gboolean
player_clip_write (const char           *path,
                   const PlayerClipSpec *spec,
                   GError              **error)
{
  g_autofree char *description = NULL;
  g_autofree char *bitrate = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GstCaps) caps = NULL;
  gsize y_size = (gsize) spec->width * spec->height;
  gsize c_size = y_size / 4;
  gboolean ok = TRUE;

  fidget_media_init ();

  bitrate = spec->bitrate_kbps > 0 ? g_strdup_printf ("bitrate=%d", spec->bitrate_kbps)
                                   : g_strdup ("");
  /* x264's "faster" preset keeps B-frames, CABAC and several references, as cameras' and
   * phones' High profile streams do. */
  description = g_strdup_printf ("appsrc name=src format=time ! x264enc speed-preset=faster "
                                 "key-int-max=%d bframes=2 %s ! video/x-h264,profile=high ! "
                                 "h264parse ! matroskamux ! filesink location=\"%s\"",
                                 spec->keyframe_interval, bitrate, path);
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);

  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, spec->width,
                              "height", G_TYPE_INT, spec->height,
                              "framerate", GST_TYPE_FRACTION, spec->fps, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (src, "caps", caps, "block", TRUE, "max-bytes", (guint64) y_size * 8, NULL);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (int i = 0; i < spec->n_frames && ok; i++)
    {
      GstBuffer *buffer;
      GstMapInfo map;

      if (is_dropped (spec, i))
        continue;
      buffer = gst_buffer_new_allocate (NULL, y_size + 2 * c_size, NULL);
      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      paint_frame (spec, i, map.data, map.data + y_size, map.data + y_size + c_size);
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (i, GST_SECOND, spec->fps);
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (1, GST_SECOND, spec->fps);
      ok = gst_app_src_push_buffer (GST_APP_SRC (src), buffer) == GST_FLOW_OK;
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 600 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (message == NULL || GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Encoding %s failed: %s", path,
                   gst_error != NULL ? gst_error->message : "timed out");
      ok = FALSE;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

int
player_clip_read_index (FidgetFrame *frame)
{
  int w = fidget_frame_get_width (frame);
  int h = fidget_frame_get_height (frame);
  int stride = fidget_frame_get_stride (frame);
  const guint8 *data = fidget_frame_get_data (frame, NULL);
  int band = MAX (h / 8, 8);
  int cell = w / INDEX_BITS;
  int index = 0;

  for (int bit = 0; bit < INDEX_BITS; bit++)
    {
      int cx = bit * cell + cell / 2;
      int cy = band / 2;
      int sum = 0;

      /* The middle of each cell, away from the blur the encoder leaves at its edges. */
      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
          sum += data[(gsize) (cy + dy) * stride + (gsize) (cx + dx) * 4 + 1];
      sum /= 25;
      if (sum > 100 && sum < 160)
        return -1;
      index = (index << 1) | (sum >= 160 ? 1 : 0);
    }
  return index;
}
