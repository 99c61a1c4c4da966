/* fidget-probe.c: what a video file holds, measured by decoding it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "fidget-probe.h"
#include "fidget-upright.h"

/* Discovery only reads headers and prerolls one frame, which takes milliseconds on a local
 * disk. GStreamer 1.22's decodebin sometimes swallows a demuxer error raised while it is still
 * plugging the demuxer (seen on about 1 in 100 runs over an MP4 without its index) and then
 * waits forever; a short first attempt and one patient retry turn that into a few seconds. */
#define DISCOVER_FIRST_TIMEOUT  (5 * GST_SECOND)
#define DISCOVER_RETRY_TIMEOUT  (20 * GST_SECOND)
/* How long the bus loop sleeps when nothing happens; cancellation wakes it at once. */
#define BUS_POLL_INTERVAL    (200 * GST_MSECOND)
/* A decode pass that delivers no frame and no message for this long has hung (the same
 * decodebin race, or a stuck network share); decoding one frame takes far less. */
#define STALL_TIMEOUT_US     (30 * G_USEC_PER_SEC)
/* Progress granularity: the streaming thread wakes the prober at most this many times. */
#define PROGRESS_STEPS       500
/* Streams may end a little before the container's declared duration (rounding, a last frame's
 * duration, a muxer's estimate); only a gap larger than this means the file was cut short. */
#define TRUNCATION_SLACK     (500 * GST_MSECOND)
#define TRUNCATION_FRAMES    3

#define PROGRESS_MESSAGE     "fidget-probe-progress"
#define CANCELLED_MESSAGE    "fidget-probe-cancelled"

G_DEFINE_BOXED_TYPE (FidgetMediaInfo, fidget_media_info,
                     fidget_media_info_copy, fidget_media_info_free)

FidgetMediaInfo *
fidget_media_info_copy (const FidgetMediaInfo *self)
{
  FidgetMediaInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new (FidgetMediaInfo, 1);
  *copy = *self;
  copy->uri = g_strdup (self->uri);
  copy->container = g_strdup (self->container);
  copy->video_codec = g_strdup (self->video_codec);
  return copy;
}

void
fidget_media_info_free (FidgetMediaInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->uri);
  g_free (self->container);
  g_free (self->video_codec);
  g_free (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Missing plugins                                                                             */

/* Debian package that provides a missing element, keyed by the caps it would have handled.
 * gst-libav decodes nearly every video codec, so it is the answer for decoders not listed. */
static const struct
{
  const char *caps_name;
  const char *package;
} install_hints[] = {
  { "video/x-matroska", "gstreamer1.0-plugins-good" },
  { "video/webm", "gstreamer1.0-plugins-good" },
  { "video/quicktime", "gstreamer1.0-plugins-good" },
  { "video/x-msvideo", "gstreamer1.0-plugins-good" },
  { "video/x-flv", "gstreamer1.0-plugins-good" },
  { "video/mpegts", "gstreamer1.0-plugins-bad" },
  { "video/x-av1", "gstreamer1.0-plugins-bad" },
  { "video/x-vp8", "gstreamer1.0-plugins-good" },
  { "video/x-vp9", "gstreamer1.0-plugins-good" },
};

typedef struct
{
  GPtrArray *descriptions;  /* "H.264 (High Profile) decoder" */
  GPtrArray *packages;      /* "gstreamer1.0-libav", no duplicates */
  gboolean   affects_video;
} MissingPlugins;

static void
missing_plugins_init (MissingPlugins *missing)
{
  missing->descriptions = g_ptr_array_new_with_free_func (g_free);
  missing->packages = g_ptr_array_new ();
  missing->affects_video = FALSE;
}

static void
missing_plugins_clear (MissingPlugins *missing)
{
  g_clear_pointer (&missing->descriptions, g_ptr_array_unref);
  g_clear_pointer (&missing->packages, g_ptr_array_unref);
}

static gboolean
caps_name_is_side_stream (const char *caps_name)
{
  /* Streams that the decode pass never decodes: their absence does not stop a probe. */
  return g_str_has_prefix (caps_name, "audio/") ||
         g_str_has_prefix (caps_name, "text/") ||
         g_str_has_prefix (caps_name, "subpicture/") ||
         g_str_has_prefix (caps_name, "subtitle/") ||
         g_str_has_prefix (caps_name, "closedcaption/") ||
         g_str_has_prefix (caps_name, "application/x-subtitle") ||
         g_str_has_prefix (caps_name, "application/x-ssa") ||
         g_str_has_prefix (caps_name, "application/x-ass") ||
         g_str_has_prefix (caps_name, "application/x-rtp") ||
         g_str_has_prefix (caps_name, "meta/");
}

/* @installer_detail is GStreamer's "gstreamer|1.0|app|description|type-detail" string, as found
 * in a missing-plugin message or in the discoverer's summary of them. */
static void
missing_plugins_add (MissingPlugins *missing,
                     const char     *installer_detail)
{
  g_auto(GStrv) fields = g_strsplit (installer_detail, "|", 5);
  const char *description;
  const char *detail;
  const char *package = NULL;
  gboolean affects_video = TRUE;

  if (g_strv_length (fields) < 5)
    return;
  description = fields[3];
  detail = fields[4];

  if (g_str_has_prefix (detail, "decoder-"))
    {
      const char *caps_string = detail + strlen ("decoder-");

      if (caps_name_is_side_stream (caps_string))
        affects_video = FALSE;
      package = "gstreamer1.0-libav";
      for (guint i = 0; i < G_N_ELEMENTS (install_hints); i++)
        {
          gsize len = strlen (install_hints[i].caps_name);

          if (strncmp (caps_string, install_hints[i].caps_name, len) == 0 &&
              (caps_string[len] == ',' || caps_string[len] == '\0'))
            {
              package = install_hints[i].package;
              break;
            }
        }
    }

  if (affects_video)
    missing->affects_video = TRUE;
  else
    return;  /* an audio or subtitle decoder: nothing this probe needs */

  for (guint i = 0; i < missing->descriptions->len; i++)
    if (g_strcmp0 (g_ptr_array_index (missing->descriptions, i), description) == 0)
      return;
  g_ptr_array_add (missing->descriptions, g_strdup (description));

  if (package != NULL)
    {
      for (guint i = 0; i < missing->packages->len; i++)
        if (g_strcmp0 (g_ptr_array_index (missing->packages, i), package) == 0)
          return;
      g_ptr_array_add (missing->packages, (gpointer) package);
    }
}

static void
missing_plugins_set_error (MissingPlugins *missing,
                           const char     *display,
                           GError        **error)
{
  g_autoptr(GString) message = g_string_new (NULL);

  g_string_append_printf (message, "“%s” cannot be decoded: this machine lacks ", display);
  for (guint i = 0; i < missing->descriptions->len; i++)
    {
      if (i > 0)
        g_string_append (message, " and ");
      g_string_append_printf (message, "a %s",
                              (const char *) g_ptr_array_index (missing->descriptions, i));
    }
  if (missing->descriptions->len == 0)
    g_string_append (message, "a GStreamer element needed to read it");

  if (missing->packages->len > 0)
    {
      g_string_append (message, " (install ");
      for (guint i = 0; i < missing->packages->len; i++)
        {
          if (i > 0)
            g_string_append (message, ", ");
          g_string_append (message, g_ptr_array_index (missing->packages, i));
        }
      g_string_append (message, ")");
    }

  g_set_error_literal (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER,
                       message->str);
}

/* ------------------------------------------------------------------------------------------ */
/* Step 1: the discoverer reads the headers                                                    */

typedef struct
{
  char         *container;
  char         *video_codec;
  char         *video_stream_id;
  guint         n_video_streams;
  int           width;
  int           height;
  int           par_n;
  int           par_d;
  int           fps_num;
  int           fps_den;
  gboolean      quarter_turn;   /* shown turned upright a quarter turn: fidget-upright.h */
  gboolean      has_audio;
  GstClockTime  duration;
} Discovered;

static void
discovered_clear (Discovered *found)
{
  g_clear_pointer (&found->container, g_free);
  g_clear_pointer (&found->video_codec, g_free);
  g_clear_pointer (&found->video_stream_id, g_free);
}

static char *
describe_caps (GstCaps *caps)
{
  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  return gst_pb_utils_get_codec_description (caps);
}

static void
set_discoverer_error (const char *display,
                      GError     *gst_error,
                      GError    **error)
{
  const char *reason = gst_error != NULL ? gst_error->message : "GStreamer gave no reason";

  if (gst_error != NULL && gst_error->domain == GST_STREAM_ERROR &&
      (gst_error->code == GST_STREAM_ERROR_TYPE_NOT_FOUND ||
       gst_error->code == GST_STREAM_ERROR_WRONG_TYPE ||
       gst_error->code == GST_STREAM_ERROR_CODEC_NOT_FOUND))
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA,
                 "“%s” is not a video: GStreamer does not recognise its contents as any media "
                 "format", display);
  else if (gst_error != NULL && gst_error->domain == GST_RESOURCE_ERROR &&
           gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND)
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND,
                 "“%s” does not exist", display);
  else if (gst_error != NULL && gst_error->domain == GST_RESOURCE_ERROR)
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                 "“%s” cannot be read: %s", display, reason);
  else
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                 "“%s” cannot be read as a video, it looks damaged or incomplete: %s",
                 display, reason);
}

static gboolean
discover (const char   *uri,
          const char   *display,
          GstClockTime  timeout,
          Discovered   *found,
          GError      **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autoptr(GstDiscovererStreamInfo) top = NULL;
  g_autoptr(GError) local_error = NULL;
  GstDiscovererVideoInfo *video = NULL;
  GList *videos = NULL;
  GList *audios = NULL;
  GstDiscovererResult result;
  MissingPlugins missing;

  discoverer = gst_discoverer_new (timeout, &local_error);
  if (discoverer == NULL)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot be probed: GStreamer's discoverer is unavailable (%s)",
                   display, local_error->message);
      return FALSE;
    }

  info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  result = info != NULL ? gst_discoverer_info_get_result (info) : GST_DISCOVERER_ERROR;

  switch (result)
    {
    case GST_DISCOVERER_OK:
    case GST_DISCOVERER_MISSING_PLUGINS:
      break;

    case GST_DISCOVERER_TIMEOUT:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "“%s” cannot be probed: opening it took longer than %u seconds", display,
                   (guint) (timeout / GST_SECOND));
      return FALSE;

    case GST_DISCOVERER_URI_INVALID:
    case GST_DISCOVERER_BUSY:
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot be probed: GStreamer refused to open it", display);
      return FALSE;

    case GST_DISCOVERER_ERROR:
    default:
      set_discoverer_error (display, local_error, error);
      return FALSE;
    }

  missing_plugins_init (&missing);
  if (result == GST_DISCOVERER_MISSING_PLUGINS)
    {
      const char * const *details =
        gst_discoverer_info_get_missing_elements_installer_details (info);

      for (guint i = 0; details != NULL && details[i] != NULL; i++)
        missing_plugins_add (&missing, details[i]);
    }

  videos = gst_discoverer_info_get_video_streams (info);
  audios = gst_discoverer_info_get_audio_streams (info);
  found->has_audio = audios != NULL;

  /* A still picture (PNG, JPEG) is reported as a one-frame video stream: not a video here. */
  for (GList *l = videos; l != NULL; l = l->next)
    {
      if (gst_discoverer_video_info_is_image (l->data))
        continue;
      if (video == NULL)
        video = l->data;
      found->n_video_streams++;
    }

  if (missing.affects_video)
    {
      missing_plugins_set_error (&missing, display, error);
      missing_plugins_clear (&missing);
      gst_discoverer_stream_info_list_free (videos);
      gst_discoverer_stream_info_list_free (audios);
      return FALSE;
    }
  missing_plugins_clear (&missing);

  if (video == NULL)
    {
      if (videos != NULL)
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NO_VIDEO,
                     "“%s” is a still image, not a video", display);
      else if (audios != NULL)
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NO_VIDEO,
                     "“%s” has no video stream: it holds only audio", display);
      else
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NO_VIDEO,
                     "“%s” has no video stream", display);
      gst_discoverer_stream_info_list_free (videos);
      gst_discoverer_stream_info_list_free (audios);
      return FALSE;
    }

  {
    GstDiscovererStreamInfo *stream = GST_DISCOVERER_STREAM_INFO (video);
    g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (stream);
    const char *stream_id = gst_discoverer_stream_info_get_stream_id (stream);

    found->video_codec = describe_caps (caps);
    if (found->video_codec == NULL && caps != NULL && gst_caps_get_size (caps) > 0)
      found->video_codec = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
    found->video_stream_id = g_strdup (stream_id);
    found->quarter_turn = fidget_upright_swaps_size (gst_discoverer_stream_info_get_tags (stream));
  }
  found->width = (int) gst_discoverer_video_info_get_width (video);
  found->height = (int) gst_discoverer_video_info_get_height (video);
  found->par_n = (int) gst_discoverer_video_info_get_par_num (video);
  found->par_d = (int) gst_discoverer_video_info_get_par_denom (video);
  found->fps_num = (int) gst_discoverer_video_info_get_framerate_num (video);
  found->fps_den = (int) gst_discoverer_video_info_get_framerate_denom (video);
  found->duration = gst_discoverer_info_get_duration (info);
  if (found->duration == 0)
    found->duration = GST_CLOCK_TIME_NONE;

  top = gst_discoverer_info_get_stream_info (info);
  if (top != NULL && GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (top);

      found->container = describe_caps (caps);
    }

  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_stream_info_list_free (audios);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Step 2: the decode pass counts the frames the decoder delivers                              */

typedef struct
{
  GMutex         lock;
  GstBus        *bus;
  GstElement    *pipeline;
  char          *video_stream_id;    /* the stream the discoverer described, may be NULL */
  gboolean       match_stream_id;
  GstClockTime   declared_duration;  /* for progress and the truncation check */

  /* Written by streaming threads under @lock. */
  gboolean       have_video_pad;
  gint64         frames;
  GstClockTime   first_start;        /* stream time of the first frame */
  GstClockTime   last_pts;           /* stream time of the last frame's start */
  GstClockTime   last_end;           /* stream time of the last frame's end, when known */
  GstClockTime   other_end;          /* furthest stream time reached by audio/subtitle packets */
  GstCaps       *video_caps;
  int            progress_step;
  GPtrArray     *undecodable;        /* caps strings of video pads left without a decoder */
} DecodePass;

typedef struct
{
  DecodePass *pass;
  GstSegment  segment;
  gboolean    is_video;
} StreamTap;

static void
decode_pass_post_progress (DecodePass *pass)
{
  gst_bus_post (pass->bus,
                gst_message_new_application (NULL, gst_structure_new_empty (PROGRESS_MESSAGE)));
}

static gboolean
buffer_stream_times (StreamTap    *tap,
                     GstBuffer    *buffer,
                     GstClockTime *start_out,
                     GstClockTime *end_out)
{
  GstClockTime start = GST_BUFFER_PTS_IS_VALID (buffer) ? GST_BUFFER_PTS (buffer)
                                                         : GST_BUFFER_DTS (buffer);
  GstClockTime end = GST_CLOCK_TIME_NONE;
  guint64 clip_start, clip_end;

  *start_out = *end_out = GST_CLOCK_TIME_NONE;
  if (!GST_CLOCK_TIME_IS_VALID (start) || tap->segment.format != GST_FORMAT_TIME)
    return TRUE;  /* untimed: it counts, but says nothing about time */
  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    end = start + GST_BUFFER_DURATION (buffer);

  /* A sink drops a buffer that lies wholly outside the segment (pre-roll frames of an edit
   * list, say); whoever reads frames later never sees it, so it is not a frame here either. */
  if (!gst_segment_clip (&tap->segment, GST_FORMAT_TIME, start, end, &clip_start, &clip_end))
    return FALSE;

  *start_out = gst_segment_to_stream_time (&tap->segment, GST_FORMAT_TIME, clip_start);
  if (GST_CLOCK_TIME_IS_VALID (end))
    *end_out = gst_segment_to_stream_time (&tap->segment, GST_FORMAT_TIME, clip_end);
  return TRUE;
}

static void
tap_video_buffer (StreamTap *tap,
                  GstBuffer *buffer)
{
  DecodePass *pass = tap->pass;
  GstClockTime start, end;
  gboolean wake = FALSE;

  if (!buffer_stream_times (tap, buffer, &start, &end))
    return;

  g_mutex_lock (&pass->lock);
  pass->frames++;

  if (GST_CLOCK_TIME_IS_VALID (start))
    {
      if (!GST_CLOCK_TIME_IS_VALID (pass->first_start))
        pass->first_start = start;
      pass->last_pts = start;
      pass->last_end = end;

      if (GST_CLOCK_TIME_IS_VALID (pass->declared_duration) && pass->declared_duration > 0)
        {
          GstClockTime reached = GST_CLOCK_TIME_IS_VALID (end) ? end : start;
          int step = (int) MIN (PROGRESS_STEPS, gst_util_uint64_scale (reached, PROGRESS_STEPS,
                                                                      pass->declared_duration));

          if (step > pass->progress_step)
            {
              pass->progress_step = step;
              wake = TRUE;
            }
        }
    }
  g_mutex_unlock (&pass->lock);

  if (wake)
    decode_pass_post_progress (pass);
}

static void
tap_other_buffer (StreamTap *tap,
                  GstBuffer *buffer)
{
  GstClockTime start, end, reached;

  if (!buffer_stream_times (tap, buffer, &start, &end))
    return;
  reached = GST_CLOCK_TIME_IS_VALID (end) ? end : start;
  if (!GST_CLOCK_TIME_IS_VALID (reached))
    return;

  g_mutex_lock (&tap->pass->lock);
  if (!GST_CLOCK_TIME_IS_VALID (tap->pass->other_end) || reached > tap->pass->other_end)
    tap->pass->other_end = reached;
  g_mutex_unlock (&tap->pass->lock);
}

static gboolean
tap_list_item (GstBuffer **buffer,
               guint       idx,
               gpointer    user_data)
{
  StreamTap *tap = user_data;

  if (tap->is_video)
    tap_video_buffer (tap, *buffer);
  else
    tap_other_buffer (tap, *buffer);
  return TRUE;
}

static GstPadProbeReturn
on_stream_data (GstPad          *pad,
                GstPadProbeInfo *info,
                gpointer         user_data)
{
  StreamTap *tap = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      if (tap->is_video)
        tap_video_buffer (tap, GST_PAD_PROBE_INFO_BUFFER (info));
      else
        tap_other_buffer (tap, GST_PAD_PROBE_INFO_BUFFER (info));
    }
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info), tap_list_item, tap);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &tap->segment);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
        gst_segment_init (&tap->segment, GST_FORMAT_UNDEFINED);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS && tap->is_video)
        {
          GstCaps *caps;

          gst_event_parse_caps (event, &caps);
          g_mutex_lock (&tap->pass->lock);
          gst_caps_replace (&tap->pass->video_caps, caps);
          g_mutex_unlock (&tap->pass->lock);
        }
    }
  return GST_PAD_PROBE_OK;
}

static gboolean
on_autoplug_continue (GstElement *decodebin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      gpointer    user_data)
{
  /* Only the video is decoded: audio and subtitles come out as the demuxer gives them, which
   * still tells where they end but costs nothing. */
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    {
      const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

      if (caps_name_is_side_stream (name))
        return FALSE;
    }
  return TRUE;
}

static gboolean
pad_is_target_video (DecodePass *pass,
                     GstPad     *pad)
{
  g_autofree char *stream_id = NULL;

  if (pass->have_video_pad)
    return FALSE;
  if (!pass->match_stream_id)
    return TRUE;
  stream_id = gst_pad_get_stream_id (pad);
  return stream_id == NULL || g_strcmp0 (stream_id, pass->video_stream_id) == 0;
}

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  DecodePass *pass = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = NULL;
  GstElement *sink;
  StreamTap *tap;
  const char *name = "";

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  tap = g_new0 (StreamTap, 1);
  tap->pass = pass;
  gst_segment_init (&tap->segment, GST_FORMAT_UNDEFINED);

  g_mutex_lock (&pass->lock);
  if (g_str_equal (name, "video/x-raw") && pad_is_target_video (pass, pad))
    {
      tap->is_video = TRUE;
      pass->have_video_pad = TRUE;
    }
  else if (g_str_has_prefix (name, "video/") && !g_str_equal (name, "video/x-raw"))
    {
      /* decodebin exposes what it cannot decode as it is; say so even if no missing-plugin
       * message arrives. */
      g_ptr_array_add (pass->undecodable, gst_caps_to_string (caps));
    }
  g_mutex_unlock (&pass->lock);

  /* Every pad gets a sink, so no stream stops the demuxer with not-linked. */
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink,
                "sync", FALSE,
                "async", FALSE,
                "enable-last-sample", FALSE,
                NULL);
  gst_bin_add (GST_BIN (pass->pipeline), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad,
                     GST_PAD_PROBE_TYPE_BUFFER |
                     GST_PAD_PROBE_TYPE_BUFFER_LIST |
                     GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     on_stream_data, tap, g_free);
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_warning ("Cannot link a decoded stream (%s) to its sink", name);
  gst_element_sync_state_with_parent (sink);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GstBus *bus = user_data;

  /* Called in the cancelling thread: wake the bus loop rather than touching the pipeline. */
  gst_bus_post (bus, gst_message_new_application (NULL,
                                                  gst_structure_new_empty (CANCELLED_MESSAGE)));
}

static double
decode_pass_fraction (DecodePass *pass)
{
  double fraction;

  g_mutex_lock (&pass->lock);
  fraction = (double) pass->progress_step / PROGRESS_STEPS;
  g_mutex_unlock (&pass->lock);
  /* 1.0 is kept for the end of the pass, once the count is final. */
  return MIN (fraction, 0.999);
}

static char *
format_seconds (GstClockTime t)
{
  return g_strdup_printf ("%.3f s", (double) t / GST_SECOND);
}

static gboolean
decode_pass_run (DecodePass          *pass,
                 const char          *path,
                 const char          *display,
                 GCancellable        *cancellable,
                 FidgetProgressFunc   progress,
                 gpointer             progress_data,
                 GError             **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *error_source = NULL;
  GstElement *src, *decodebin;
  gulong cancel_id = 0;
  gint64 last_activity;
  gint64 last_frames = 0;
  double reported = 0.0;
  gboolean done = FALSE;
  gboolean cancelled = FALSE;
  gboolean stalled = FALSE;
  MissingPlugins missing;

  pass->pipeline = gst_pipeline_new ("fidget-probe");
  src = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  if (src == NULL || decodebin == NULL)
    {
      g_clear_object (&src);
      g_clear_object (&decodebin);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER,
                   "“%s” cannot be decoded: this machine lacks GStreamer's filesrc or decodebin "
                   "element (install gstreamer1.0-plugins-base)", display);
      return FALSE;
    }
  g_object_set (src, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pass->pipeline), src, decodebin, NULL);
  gst_element_link (src, decodebin);
  g_signal_connect (decodebin, "autoplug-continue", G_CALLBACK (on_autoplug_continue), pass);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added), pass);

  pass->bus = gst_element_get_bus (pass->pipeline);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                       gst_object_ref (pass->bus), gst_object_unref);

  missing_plugins_init (&missing);
  if (gst_element_set_state (pass->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    g_debug ("Decode pass of %s failed to start; the bus says why", display);

  last_activity = g_get_monotonic_time ();
  while (!done)
    {
      g_autoptr(GstMessage) message = gst_bus_timed_pop (pass->bus, BUS_POLL_INTERVAL);
      gint64 frames;

      if (g_cancellable_is_cancelled (cancellable))
        {
          cancelled = TRUE;
          break;
        }

      g_mutex_lock (&pass->lock);
      frames = pass->frames;
      g_mutex_unlock (&pass->lock);
      if (message != NULL || frames != last_frames)
        last_activity = g_get_monotonic_time ();
      else if (g_get_monotonic_time () - last_activity > STALL_TIMEOUT_US)
        {
          stalled = TRUE;
          break;
        }
      last_frames = frames;

      if (message == NULL)
        continue;

      switch (GST_MESSAGE_TYPE (message))
        {
        case GST_MESSAGE_EOS:
          done = TRUE;
          break;

        case GST_MESSAGE_ERROR:
          g_clear_error (&gst_error);
          gst_message_parse_error (message, &gst_error, NULL);
          error_source = g_strdup (GST_MESSAGE_SRC_NAME (message));
          done = TRUE;
          break;

        case GST_MESSAGE_ELEMENT:
          if (gst_is_missing_plugin_message (message))
            {
              g_autofree char *detail = gst_missing_plugin_message_get_installer_detail (message);

              if (detail != NULL)
                missing_plugins_add (&missing, detail);
            }
          break;

        case GST_MESSAGE_APPLICATION:
          if (gst_message_has_name (message, PROGRESS_MESSAGE) && progress != NULL)
            {
              double fraction = decode_pass_fraction (pass);

              if (fraction > reported)
                {
                  reported = fraction;
                  progress (fraction, progress_data);
                }
              /* The callback may have cancelled: answer before anything else happens. */
              if (g_cancellable_is_cancelled (cancellable))
                {
                  cancelled = TRUE;
                  done = TRUE;
                }
            }
          break;

        case GST_MESSAGE_WARNING:
          {
            g_autoptr(GError) warning = NULL;

            gst_message_parse_warning (message, &warning, NULL);
            g_debug ("Decoding %s: %s warns: %s", display, GST_MESSAGE_SRC_NAME (message),
                     warning->message);
          }
          break;

        default:
          break;
        }
    }

  /* Setting NULL joins every streaming thread, so nothing touches @pass after this. */
  gst_element_set_state (pass->pipeline, GST_STATE_NULL);
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);

  if (cancelled || g_cancellable_is_cancelled (cancellable))
    {
      missing_plugins_clear (&missing);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   "Probing “%s” was cancelled", display);
      return FALSE;
    }

  if (missing.affects_video || (!pass->have_video_pad && pass->undecodable->len > 0))
    {
      missing_plugins_set_error (&missing, display, error);
      missing_plugins_clear (&missing);
      return FALSE;
    }
  missing_plugins_clear (&missing);

  if (stalled)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” cannot be decoded: decoding stopped after %" G_GINT64_FORMAT " frames "
                   "and made no progress for %d seconds", display, pass->frames,
                   (int) (STALL_TIMEOUT_US / G_USEC_PER_SEC));
      return FALSE;
    }

  /* A stream that ends well before the length the container declares was cut short: frame
   * indices counted now would not survive a re-download of the complete file. */
  if (GST_CLOCK_TIME_IS_VALID (pass->declared_duration))
    {
      GstClockTime reached = GST_CLOCK_TIME_IS_VALID (pass->last_end) ? pass->last_end
                                                                     : pass->last_pts;
      GstClockTime slack = TRUNCATION_SLACK;
      GstCaps *caps = pass->video_caps;
      int fps_n = 0, fps_d = 1;

      if (GST_CLOCK_TIME_IS_VALID (pass->other_end) &&
          (!GST_CLOCK_TIME_IS_VALID (reached) || pass->other_end > reached))
        reached = pass->other_end;
      if (caps != NULL && gst_caps_get_size (caps) > 0 &&
          gst_structure_get_fraction (gst_caps_get_structure (caps, 0), "framerate",
                                      &fps_n, &fps_d) && fps_n > 0)
        slack = MAX (slack, gst_util_uint64_scale (TRUNCATION_FRAMES * GST_SECOND,
                                                   fps_d, fps_n));

      if (!GST_CLOCK_TIME_IS_VALID (reached) || reached + slack < pass->declared_duration)
        {
          g_autofree char *declared = format_seconds (pass->declared_duration);
          g_autofree char *stops = NULL;

          stops = format_seconds (GST_CLOCK_TIME_IS_VALID (reached) ? reached : 0);

          if (gst_error != NULL)
            g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED,
                         "“%s” is truncated or damaged: decoding failed at %s of the %s the file "
                         "declares (%s)", display, stops, declared, gst_error->message);
          else
            g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED,
                         "“%s” is truncated or damaged: its streams stop at %s but the file "
                         "declares %s",
                         display, stops, declared);
          return FALSE;
        }
    }

  if (gst_error != NULL)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” cannot be decoded: the stream breaks after %" G_GINT64_FORMAT
                   " frames (%s: %s)", display, pass->frames, error_source, gst_error->message);
      return FALSE;
    }

  if (!pass->have_video_pad || pass->frames == 0)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” cannot be decoded: its video stream delivered no frames", display);
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (1.0, progress_data);
  return TRUE;
}

static void
decode_pass_clear (DecodePass *pass)
{
  if (pass->pipeline != NULL)
    gst_element_set_state (pass->pipeline, GST_STATE_NULL);
  g_clear_object (&pass->pipeline);
  g_clear_object (&pass->bus);
  gst_clear_caps (&pass->video_caps);
  g_clear_pointer (&pass->video_stream_id, g_free);
  g_clear_pointer (&pass->undecodable, g_ptr_array_unref);
  g_mutex_clear (&pass->lock);
}

/* ------------------------------------------------------------------------------------------ */

static void
measure_variable_rate (DecodePass      *pass,
                       FidgetMediaInfo *info)
{
  GstClockTime frame_duration = GST_CLOCK_TIME_NONE;

  /* The mean spacing of the frames; a lone frame only has its own duration to go by. */
  if (pass->frames >= 2 && GST_CLOCK_TIME_IS_VALID (pass->first_start) &&
      pass->last_pts > pass->first_start)
    frame_duration = (pass->last_pts - pass->first_start) / (GstClockTime) (pass->frames - 1);
  else if (GST_CLOCK_TIME_IS_VALID (pass->last_end) && pass->last_end > pass->last_pts)
    frame_duration = pass->last_end - pass->last_pts;

  if (GST_CLOCK_TIME_IS_VALID (frame_duration) && frame_duration > 0 &&
      gst_video_guess_framerate (frame_duration, &info->fps_num, &info->fps_den))
    return;
  if (GST_CLOCK_TIME_IS_VALID (frame_duration) && frame_duration > 0)
    {
      gst_util_double_to_fraction ((double) GST_SECOND / (double) frame_duration,
                                   &info->fps_num, &info->fps_den);
      return;
    }
  /* Nothing to measure from: the rate stays unknown (0/1) rather than invented. */
  info->fps_num = 0;
  info->fps_den = 1;
}

/* An MP4/QuickTime file (ISO base media) is a chain of top-level boxes. Walking their headers
 * tells a file cut short (a box running past the end) or never finalised (no index box) before
 * GStreamer opens it: qtdemux in 1.22 sometimes stalls for good on exactly such files. Returns
 * FALSE with FIDGET_MEDIA_ERROR_TRUNCATED; TRUE for sound files and for anything else. */
static gboolean
check_iso_boxes (const char  *path,
                 const char  *display,
                 GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  g_autoptr(GFileInfo) info = NULL;
  goffset size, offset = 0;
  gboolean is_iso = FALSE, has_index = FALSE;

  if (stream == NULL)
    return TRUE;  /* fidget_media_check_file() already said what was wrong, if anything */
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info == NULL)
    return TRUE;
  size = g_file_info_get_size (info);

  while (offset + 8 <= size)
    {
      guint8 header[16];
      gsize n = 0;
      guint64 box_size;
      char type[5] = { 0 };

      if (!g_seekable_seek (G_SEEKABLE (stream), offset, G_SEEK_SET, NULL, NULL) ||
          !g_input_stream_read_all (G_INPUT_STREAM (stream), header, 16, &n, NULL, NULL) || n < 8)
        return TRUE;
      memcpy (type, header + 4, 4);
      for (guint i = 0; i < 4; i++)
        if (!g_ascii_isprint (type[i]))
          return TRUE;  /* not a box: not ours to judge */
      if (offset == 0)
        {
          /* Only files that say what they are: ftyp first (or a bare moov/mdat, as old QuickTime). */
          if (!g_str_equal (type, "ftyp") && !g_str_equal (type, "moov") &&
              !g_str_equal (type, "mdat") && !g_str_equal (type, "wide"))
            return TRUE;
          is_iso = TRUE;
        }
      box_size = ((guint64) header[0] << 24) | ((guint64) header[1] << 16) |
                 ((guint64) header[2] << 8) | header[3];
      if (box_size == 1)
        {
          if (n < 16)
            break;
          box_size = 0;
          for (guint i = 8; i < 16; i++)
            box_size = (box_size << 8) | header[i];
          if (box_size < 16)
            return TRUE;
        }
      else if (box_size == 0)
        box_size = (guint64) (size - offset);  /* runs to the end of the file */
      else if (box_size < 8)
        return TRUE;

      if (g_str_equal (type, "moov") || g_str_equal (type, "moof"))
        has_index = TRUE;
      if ((guint64) offset + box_size > (guint64) size)
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED,
                       "“%s” is cut short: its “%s” part needs %" G_GUINT64_FORMAT " more bytes "
                       "than the file has (copy it again from the camera or card)",
                       display, type, (guint64) offset + box_size - (guint64) size);
          return FALSE;
        }
      offset += (goffset) box_size;
    }

  if (is_iso && !has_index)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED,
                   "“%s” is incomplete: it has no index (moov), as when a recording is not "
                   "finalised or a copy stops early", display);
      return FALSE;
    }
  return TRUE;
}

FidgetMediaInfo *
fidget_probe_file (const char          *path,
                   GCancellable        *cancellable,
                   FidgetProgressFunc   progress,
                   gpointer             progress_data,
                   GError             **error)
{
  g_autoptr(FidgetMediaInfo) info = NULL;
  g_autofree char *display = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) local_error = NULL;
  Discovered found = { 0 };
  DecodePass pass = { 0 };
  GstStructure *s;
  int decoded_w = 0, decoded_h = 0, decoded_par_n = 1, decoded_par_d = 1;
  int decoded_fps_n = 0, decoded_fps_d = 1;
  int par_n, par_d;
  GstClockTime frame_end;
  gint64 started, decode_started;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fidget_media_init ();
  display = g_filename_display_basename (path);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!fidget_media_check_file (path, display, error) || !check_iso_boxes (path, display, error))
    return NULL;

  uri = gst_filename_to_uri (path, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot be probed: %s", display, local_error->message);
      return NULL;
    }

  started = g_get_monotonic_time ();
  if (!discover (uri, display, DISCOVER_FIRST_TIMEOUT, &found, &local_error))
    {
      discovered_clear (&found);
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("Discovering %s timed out; trying once more", display);
      g_clear_error (&local_error);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!discover (uri, display, DISCOVER_RETRY_TIMEOUT, &found, &local_error))
        {
          discovered_clear (&found);
          /* Callers only see FIDGET_MEDIA_ERROR; keep the message, change the domain. */
          if (local_error->domain == G_IO_ERROR)
            g_set_error_literal (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                                 local_error->message);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      discovered_clear (&found);
      return NULL;
    }

  g_mutex_init (&pass.lock);
  pass.declared_duration = found.duration;
  pass.video_stream_id = g_strdup (found.video_stream_id);
  /* With one video stream any decoded video is it; with several, stream ids tell them apart. */
  pass.match_stream_id = found.n_video_streams > 1 && found.video_stream_id != NULL;
  pass.first_start = pass.last_pts = pass.last_end = pass.other_end = GST_CLOCK_TIME_NONE;
  pass.undecodable = g_ptr_array_new_with_free_func (g_free);

  decode_started = g_get_monotonic_time ();
  ok = decode_pass_run (&pass, path, display, cancellable, progress, progress_data, error);
  if (!ok)
    {
      decode_pass_clear (&pass);
      discovered_clear (&found);
      return NULL;
    }

  g_debug ("Probed %s: discovery %.3f s, decode pass %.3f s for %" G_GINT64_FORMAT " frames",
           display, (double) (decode_started - started) / G_USEC_PER_SEC,
           (double) (g_get_monotonic_time () - decode_started) / G_USEC_PER_SEC, pass.frames);

  info = g_new0 (FidgetMediaInfo, 1);
  info->uri = g_steal_pointer (&uri);
  info->container = g_steal_pointer (&found.container);
  info->video_codec = g_steal_pointer (&found.video_codec);
  info->has_audio = found.has_audio;
  if (pass.video_caps != NULL && gst_caps_get_size (pass.video_caps) > 0)
    {
      s = gst_caps_get_structure (pass.video_caps, 0);
      gst_structure_get_int (s, "width", &decoded_w);
      gst_structure_get_int (s, "height", &decoded_h);
      if (!gst_structure_get_fraction (s, "pixel-aspect-ratio", &decoded_par_n, &decoded_par_d))
        decoded_par_n = decoded_par_d = 1;
      gst_structure_get_fraction (s, "framerate", &decoded_fps_n, &decoded_fps_d);
    }

  /* The decoder's output is the truth about frame size; the headers are the fallback. */
  if (decoded_w > 0 && decoded_h > 0)
    {
      info->width = decoded_w;
      info->height = decoded_h;
      par_n = decoded_par_n;
      par_d = decoded_par_d;
    }
  else
    {
      info->width = found.width;
      info->height = found.height;
      par_n = found.par_n;
      par_d = found.par_d;
    }
  /* Display size: non-square pixels widen (or narrow) the picture as a player shows it, and
   * a video filmed upright is shown upright. */
  if (par_n > 0 && par_d > 0 && par_n != par_d)
    info->width = (int) gst_util_uint64_scale_round (info->width, par_n, par_d);
  if (found.quarter_turn)
    {
      int width = info->width;

      info->width = info->height;
      info->height = width;
    }

  if (found.fps_num > 0 && found.fps_den > 0)
    {
      info->fps_num = found.fps_num;
      info->fps_den = found.fps_den;
    }
  else if (decoded_fps_n > 0 && decoded_fps_d > 0)
    {
      info->fps_num = decoded_fps_n;
      info->fps_den = decoded_fps_d;
    }
  else
    {
      info->variable_frame_rate = TRUE;
      measure_variable_rate (&pass, info);
    }

  frame_end = pass.last_end;
  if (!GST_CLOCK_TIME_IS_VALID (frame_end) && GST_CLOCK_TIME_IS_VALID (pass.last_pts) &&
      info->fps_num > 0)
    frame_end = pass.last_pts + gst_util_uint64_scale (GST_SECOND, info->fps_den, info->fps_num);

  /* Frame indices live on the stream's time grid: frame i is the period [i/fps, (i+1)/fps)
   * from the start of the stream. A camera that drops a frame keeps every later frame at its
   * true time, so labels never drift against seconds-based tools and exports; the player
   * shows the latest picture for a period without one of its own. The container's declared
   * duration extends the grid by up to two periods, for streams whose first picture starts
   * late (again.mkv: 77 pictures, the first at 33 ms, declared 2.600 s = 78 periods); a
   * larger shortfall was refused above as truncation. A stream whose timestamps start far
   * from zero (broadcast captures) counts from its first picture. */
  info->decoded_frames = pass.frames;
  if (!info->variable_frame_rate && info->fps_num > 0 && GST_CLOCK_TIME_IS_VALID (frame_end) &&
      GST_CLOCK_TIME_IS_VALID (pass.first_start) && frame_end > pass.first_start)
    {
      GstClockTime origin = pass.first_start < GST_SECOND ? 0 : pass.first_start;
      gint64 periods = (gint64) gst_util_uint64_scale_round (frame_end - origin,
                                                             (guint64) info->fps_num,
                                                             GST_SECOND * (guint64) info->fps_den);

      if (origin == 0 && GST_CLOCK_TIME_IS_VALID (pass.declared_duration))
        {
          gint64 declared = (gint64) gst_util_uint64_scale_round (pass.declared_duration,
                                                                  (guint64) info->fps_num,
                                                                  GST_SECOND * (guint64) info->fps_den);
          if (declared > periods && declared <= periods + 2)
            periods = declared;
        }

      /* Broken timestamps (repeated or shrinking) never leave pictures without an index. */
      info->frame_count = MAX (periods, pass.frames);
      info->duration_ns = (gint64) gst_util_uint64_scale (info->frame_count,
                                                          GST_SECOND * (guint64) info->fps_den,
                                                          info->fps_num);
    }
  else
    {
      info->frame_count = pass.frames;
      if (GST_CLOCK_TIME_IS_VALID (frame_end) && GST_CLOCK_TIME_IS_VALID (pass.first_start) &&
          frame_end > pass.first_start)
        info->duration_ns = (gint64) (frame_end - pass.first_start);
      else if (info->fps_num > 0)
        info->duration_ns = (gint64) gst_util_uint64_scale (info->frame_count,
                                                            GST_SECOND * (guint64) info->fps_den,
                                                            info->fps_num);
    }

  decode_pass_clear (&pass);
  discovered_clear (&found);
  return g_steal_pointer (&info);
}

/* ------------------------------------------------------------------------------------------ */

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  FidgetMediaInfo *info;

  info = fidget_probe_file (path, cancellable, NULL, NULL, &error);
  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) fidget_media_info_free);
}

void
fidget_probe_file_async (const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fidget_probe_file_async);
  g_task_set_name (task, "fidget_probe_file_async");
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, probe_thread);
}

FidgetMediaInfo *
fidget_probe_file_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fidget_probe_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
