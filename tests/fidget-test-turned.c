/* fidget-test-turned.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "fidget-test-turned.h"

/* The track header's matrix (ISO/IEC 14496-12, 8.3.2): a, b, u, c, d, v, x, y, w in 16.16
 * (2.30 for u, v, w), big-endian. A quarter turn clockwise is a = 0, b = 1, c = -1, d = 0. */
static gboolean
turn_track_matrix (guint8 *data,
                   gsize   length)
{
  static const gint32 matrix[9] = { 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000 };

  for (gsize i = 4; i + 4 <= length; i++)
    {
      gsize at;

      if (memcmp (data + i, "tkhd", 4) != 0)
        continue;
      /* After the version and flags: times, track id, reserved, duration (wider in version
       * 1), then 8 reserved bytes, layer, group, volume and 2 reserved bytes. */
      at = i + 4 + 4 + (data[i + 4] == 1 ? 32 : 20) + 8 + 8;
      if (at + sizeof matrix > length)
        return FALSE;
      for (guint m = 0; m < G_N_ELEMENTS (matrix); m++)
        {
          guint32 value = GUINT32_TO_BE ((guint32) matrix[m]);

          memcpy (data + at + 4 * m, &value, 4);
        }
      return TRUE;
    }
  return FALSE;
}

gboolean
fidget_test_write_turned_video (const char  *path,
                                GError     **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autofree char *data = NULL;
  gsize length;

  gst_init (NULL, NULL);
  if (gst_registry_find_feature (gst_registry_get (), "x264enc", GST_TYPE_ELEMENT_FACTORY) ==
      NULL ||
      gst_registry_find_feature (gst_registry_get (), "mp4mux", GST_TYPE_ELEMENT_FACTORY) == NULL)
    {
      g_test_skip ("x264enc or mp4mux is missing");
      return FALSE;
    }

  description = g_strdup_printf ("videotestsrc pattern=smpte num-buffers=%d ! "
                                 "video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 ! "
                                 "x264enc key-int-max=30 ! mp4mux ! filesink location=\"%s\"",
                                 FIDGET_TEST_TURNED_FRAMES, FIDGET_TEST_TURNED_WIDTH,
                                 FIDGET_TEST_TURNED_HEIGHT, path);
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (message == NULL || GST_MESSAGE_TYPE (message) != GST_MESSAGE_EOS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return FALSE;
    }

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  if (!turn_track_matrix ((guint8 *) data, length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s has no track header", path);
      return FALSE;
    }
  return g_file_set_contents (path, data, (gssize) length, error);
}
