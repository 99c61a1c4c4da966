/* fidget-assist-clip.c: MANet's input clip from a segment of a video
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
#include "fidget-player.h"
#include "fidget-upright.h"

/* mmaction2's img_norm_cfg for MA-52 (RGB, on 0..255 values). */
static const float norm_mean[3] = { 123.675f, 116.28f, 103.53f };
static const float norm_std[3] = { 58.395f, 57.12f, 57.375f };

/* A sample that brings no picture, no message and no end for this long: the pipeline hangs. */
#define PULL_TIMEOUT        (30 * GST_SECOND)
#define PULL_POLL           (200 * GST_MSECOND)
/* Frames read forward rather than seeking: an accurate seek decodes from the keyframe before
 * its target anyway, so reading on is cheaper over gaps of up to a couple of seconds. */
#define FORWARD_REACH_SECONDS 2
/* Seeks further back, where frames are missing. */
#define MAX_RESEEKS         2

/* {{{ Sampling */

/* mmaction2 0.x SampleFrames._get_test_clips with clip_len = 1, frame_interval = 1:
 *
 *   avg_interval = (num_frames - 1 + 1) / num_clips
 *   offsets = (arange(num_clips) * avg_interval + avg_interval / 2).astype(int)
 *
 * when num_frames > 0, else zeros; the frame is start_index + offset. With n = num_frames and
 * k = 0 .. num_clips - 1 the offset is floor ((2k + 1) n / (2 num_clips)): n / num_clips is a
 * multiple of 1/8 (a power of two), so the float64 sum is exact and the integer formula gives
 * the same numbers. Short segments (n < 8) repeat frames, as the reference does. */
void
fidget_assist_sample_frames (gint64  start,
                             gint64  end,
                             int     n_samples,
                             gint64 *frames)
{
  gint64 n = MAX (end - start, 0);

  g_return_if_fail (n_samples > 0);

  for (int k = 0; k < n_samples; k++)
    frames[k] = start + ((2 * (gint64) k + 1) * n) / (2 * (gint64) n_samples);
}

/* }}} */
/* {{{ Resize, crop, normalise */

/* mmcv.rescale_size((w, h), (inf, 256)): scale = 256 / short side; each side
 * int (side * scale + 0.5), in float64. */
void
fidget_assist_resized_size (int  width,
                            int  height,
                            int  short_side,
                            int *new_width,
                            int *new_height)
{
  double scale = (double) short_side / MIN (width, height);

  *new_width = (int) (width * scale + 0.5);
  *new_height = (int) (height * scale + 0.5);
}

typedef struct
{
  int   i0;
  int   i1;
  float w0;
  float w1;
} Tap;

/* Source taps of output index @dst when @in pixels become @out: half-pixel centres
 * (align_corners=False), positions left of the first pixel clamped to it, no anti-aliasing:
 * PyTorch's upsample_bilinear2d, and OpenCV's INTER_LINEAR, which mmaction2's Resize uses
 * through mmcv.imresize. The position is computed in double: PyTorch's float32 position is
 * off by up to half a unit in the last place (1.2e-4 pixel at x = 2000), OpenCV quantises the
 * weights to 1/2048. */
static Tap
source_tap (int in,
            int out,
            int dst)
{
  double scale = (double) in / (double) out;
  double src = scale * ((double) dst + 0.5) - 0.5;
  Tap tap;

  if (src < 0.0)
    src = 0.0;
  tap.i0 = (int) src;
  tap.i1 = tap.i0 < in - 1 ? tap.i0 + 1 : tap.i0;
  tap.w1 = (float) (src - (double) tap.i0);
  tap.w0 = 1.0f - tap.w1;
  return tap;
}

void
fidget_assist_preprocess_picture (const guint8 *rgb,
                                  int           width,
                                  int           height,
                                  int           stride,
                                  float        *out)
{
  const int crop = FIDGET_ASSIST_CROP;
  const gsize plane = (gsize) crop * crop;
  Tap xs[FIDGET_ASSIST_CROP], ys[FIDGET_ASSIST_CROP];
  int new_width, new_height, left, top;
  float inv_std[3];

  g_return_if_fail (width > 0 && height > 0);

  fidget_assist_resized_size (width, height, FIDGET_ASSIST_SHORT_SIDE, &new_width, &new_height);
  /* mmaction2's CenterCrop: left = (img_w - crop_w) // 2, top likewise. Only the cropped
   * part of the resized picture is ever computed. */
  left = (new_width - crop) / 2;
  top = (new_height - crop) / 2;
  for (int i = 0; i < crop; i++)
    {
      xs[i] = source_tap (width, new_width, left + i);
      ys[i] = source_tap (height, new_height, top + i);
    }
  for (int c = 0; c < 3; c++)
    inv_std[c] = 1.0f / norm_std[c];

  for (int y = 0; y < crop; y++)
    {
      const guint8 *row0 = rgb + (gsize) ys[y].i0 * stride;
      const guint8 *row1 = rgb + (gsize) ys[y].i1 * stride;

      for (int x = 0; x < crop; x++)
        {
          const Tap *t = &xs[x];

          for (int c = 0; c < 3; c++)
            {
              float top_value = t->w0 * row0[t->i0 * 3 + c] + t->w1 * row0[t->i1 * 3 + c];
              float bottom_value = t->w0 * row1[t->i0 * 3 + c] + t->w1 * row1[t->i1 * 3 + c];
              float v = ys[y].w0 * top_value + ys[y].w1 * bottom_value;

              out[c * plane + (gsize) y * crop + x] = (v - norm_mean[c]) * inv_std[c];
            }
        }
    }
}

/* }}} */
/* {{{ Decoding */

typedef struct
{
  GstVideoInfo       info;
  gboolean           have_info;
  GstVideoConverter *converter;
} RgbConverter;

typedef struct
{
  const char   *display;
  GstElement   *pipeline;
  GstElement   *sink;
  GstBus       *bus;
  GCancellable *cancellable;
  int           fps_num;
  int           fps_den;
  GstClockTime  origin;        /* stream time of frame 0 */
  GstClockTime  seek_target;   /* samples of earlier segments are stale */
  gint64        last_own;      /* frame of the previous picture, -1 after a seek */
  RgbConverter  rgb;

  /* Leaving out pictures nobody needs (see on_picture_input()). The wanted frames and the
   * origin are set before skipping is turned on, and only read afterwards. */
  const gint64 *frames;        /* the wanted frames, ascending */
  int           n_frames;
  gint          skipping;      /* atomic */
  GArray       *kept;          /* stream times of this segment's pictures (decoder thread) */
  guint         kept_segment;
  GMutex        lock;          /* guards @dropped */
  GArray       *dropped;       /* frames of the pictures left out */
  gboolean      irregular;     /* the timestamps need the fix-ups of reader_own_frame() */
} Reader;

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  Reader *reader = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (reader->sink, "sink");
  GstElement *upright;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps == NULL || gst_caps_get_size (caps) == 0 ||
      !g_str_equal (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/x-raw") ||
      gst_pad_is_linked (sinkpad))
    return;  /* audio and further video streams stay unlinked: the demuxer goes on */

  /* Upright as the player shows it, in the decoder's own format (a layout videoflip cannot
   * turn passes as it is: a video with such a layout and an orientation tag is rare). */
  upright = fidget_upright_new_element ();
  if (upright != NULL && fidget_upright_accepts (upright, caps))
    {
      g_autoptr(GstPad) upright_sink = gst_element_get_static_pad (upright, "sink");

      gst_bin_add (GST_BIN (reader->pipeline), upright);
      if (gst_element_link (upright, reader->sink) && gst_element_sync_state_with_parent (upright))
        {
          gst_pad_link (pad, upright_sink);
          return;
        }
      gst_element_unlink (upright, reader->sink);
      gst_element_set_state (upright, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (reader->pipeline), upright);
    }
  else if (upright != NULL)
    gst_object_unref (gst_object_ref_sink (upright));
  gst_pad_link (pad, sinkpad);
}

static gboolean
reader_check_bus (Reader  *reader,
                  GError **error)
{
  for (;;)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (reader->bus, GST_MESSAGE_ERROR);

      if (message == NULL)
        return TRUE;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” cannot be decoded: %s", reader->display, gst_error->message);
          return FALSE;
        }
    }
}

/* The next picture, or NULL at the end of the stream (@error unset) or on failure. */
static GstSample *
reader_pull (Reader  *reader,
             GError **error)
{
  GstClockTime waited = 0;

  for (;;)
    {
      GstSample *sample;

      if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
        return NULL;
      if (!reader_check_bus (reader, error))
        return NULL;
      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (reader->sink), PULL_POLL);
      if (sample != NULL)
        {
          const GstSegment *segment = gst_sample_get_segment (sample);

          /* A picture that was on its way before the last seek flushed the pipeline. */
          if (GST_CLOCK_TIME_IS_VALID (reader->seek_target) && segment != NULL &&
              segment->format == GST_FORMAT_TIME && segment->start < reader->seek_target)
            {
              gst_sample_unref (sample);
              continue;
            }
          /* appsink hands out the one sample it reuses and updates its caps in place on the
           * next caps event (after a seek), which fails while someone holds it: keep a copy
           * of our own instead. */
          {
            GstSample *own = gst_sample_new (gst_sample_get_buffer (sample),
                                             gst_sample_get_caps (sample), segment, NULL);

            gst_sample_unref (sample);
            return own;
          }
        }
      if (gst_app_sink_is_eos (GST_APP_SINK (reader->sink)))
        {
          reader_check_bus (reader, error);
          return NULL;
        }
      waited += PULL_POLL;
      if (waited > PULL_TIMEOUT)
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” cannot be decoded: the decoder delivered nothing for %d seconds",
                       reader->display, (int) (PULL_TIMEOUT / GST_SECOND));
          return NULL;
        }
    }
}

static GstClockTime
sample_stream_time (GstSample *sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);

  if (buffer == NULL || !GST_BUFFER_PTS_IS_VALID (buffer) || segment == NULL ||
      segment->format != GST_FORMAT_TIME)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_stream_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
}

static GstClockTime
frame_to_ns (gint64 frame,
             int    fps_num,
             int    fps_den)
{
  return gst_util_uint64_scale ((guint64) frame, GST_SECOND * (guint64) fps_den,
                                (guint64) fps_num);
}

/* The frame a picture belongs to: the one nearest its timestamp (containers round timestamps,
 * Matroska to milliseconds, so a picture may start a little before its period), never the
 * same as or before the previous picture's. The same rule as the workspace's player. */
static gint64
reader_own_frame (Reader    *reader,
                  GstSample *sample)
{
  GstClockTime t = sample_stream_time (sample);
  gint64 own;

  if (GST_CLOCK_TIME_IS_VALID (t))
    {
      GstClockTime rel = t > reader->origin ? t - reader->origin : 0;

      own = (gint64) gst_util_uint64_scale_round (rel, (guint64) reader->fps_num,
                                                  GST_SECOND * (guint64) reader->fps_den);
    }
  else
    {
      own = reader->last_own + 1;
      reader->irregular = TRUE;
    }
  if (reader->last_own >= 0 && own <= reader->last_own)
    {
      own = reader->last_own + 1;
      reader->irregular = TRUE;
    }
  reader->last_own = own;
  return own;
}

/* Accurate seek to just before the window of timestamps that belong to @frame (its start less
 * half a period): the picture showing at that time comes first (the latest before @frame),
 * then @frame's own, if it has one. */
static gboolean
reader_seek (Reader  *reader,
             gint64   frame,
             GError **error)
{
  GstClockTime half = frame_to_ns (1, reader->fps_num, reader->fps_den) / 2;
  GstClockTime start = reader->origin + frame_to_ns (frame, reader->fps_num, reader->fps_den);
  GstClockTime target = start > half + 1 ? start - half - 1 : 0;

  reader->last_own = -1;
  reader->seek_target = target;
  if (!gst_element_seek (reader->pipeline, 1.0, GST_FORMAT_TIME,
                         GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                         GST_SEEK_TYPE_SET, target, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot seek to frame %" G_GINT64_FORMAT ": the demuxer refused",
                   reader->display, frame);
      return FALSE;
    }
  return TRUE;
}

/* Converts a decoded picture to packed RGB at @out (width * 3 bytes a row), the same way
 * whoever decoded it: one converter, kept while the pictures keep their format. */
static gboolean
rgb_converter_run (RgbConverter *self,
                   GstSample    *sample,
                   guint8       *out,
                   const char   *display,
                   GError      **error)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  GstVideoInfo info, out_info;
  GstVideoFrame in_frame, out_frame;
  g_autoptr(GstBuffer) out_buffer = NULL;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” cannot be decoded: its decoder gave pictures of no known format",
                   display);
      return FALSE;
    }
  if (!self->have_info || !gst_video_info_is_equal (&info, &self->info))
    {
      if (self->have_info && (info.width != self->info.width || info.height != self->info.height))
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” changes its picture size within the stream (%dx%d, then %dx%d)",
                       display, self->info.width, self->info.height, info.width, info.height);
          return FALSE;
        }
      g_clear_pointer (&self->converter, gst_video_converter_free);
      self->info = info;
      self->have_info = TRUE;
    }
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_RGB, info.width, info.height);
  /* The converter changes the format only: the timing and pixel shape stay the input's. */
  out_info.fps_n = info.fps_n;
  out_info.fps_d = info.fps_d;
  out_info.par_n = info.par_n;
  out_info.par_d = info.par_d;
  out_info.interlace_mode = info.interlace_mode;
  /* The output is packed: rows of width * 3 bytes, whatever alignment the default has. */
  GST_VIDEO_INFO_PLANE_STRIDE (&out_info, 0) = info.width * 3;
  GST_VIDEO_INFO_SIZE (&out_info) = (gsize) info.width * 3 * info.height;
  if (self->converter == NULL)
    self->converter =
      gst_video_converter_new (&info, &out_info,
                               gst_structure_new ("options",
                                                  GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT,
                                                  (guint) MIN (g_get_num_processors (), 4),
                                                  GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
                                                  GST_TYPE_VIDEO_DITHER_METHOD,
                                                  GST_VIDEO_DITHER_NONE,
                                                  NULL));
  out_buffer = gst_buffer_new_wrapped_full (0, out, (gsize) info.width * 3 * info.height, 0,
                                            (gsize) info.width * 3 * info.height, NULL, NULL);
  if (!gst_video_frame_map (&in_frame, &info, buffer, GST_MAP_READ))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” cannot be decoded: a picture cannot be read", display);
      return FALSE;
    }
  if (!gst_video_frame_map (&out_frame, &out_info, out_buffer, GST_MAP_WRITE))
    {
      gst_video_frame_unmap (&in_frame);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s”: a picture cannot be converted to RGB", display);
      return FALSE;
    }
  gst_video_converter_frame (self->converter, &in_frame, &out_frame);
  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&in_frame);
  return TRUE;
}

static void
rgb_converter_clear (RgbConverter *self)
{
  g_clear_pointer (&self->converter, gst_video_converter_free);
  self->have_info = FALSE;
}

/* The frame a picture timestamped @stream_time belongs to: reader_own_frame()'s rule. */
static gint64
reader_frame_at (Reader *reader,
                 gint64  stream_time)
{
  return fidget_ns_to_nearest_frame (stream_time - (gint64) reader->origin, reader->fps_num,
                                     reader->fps_den);
}

/* A picture no other picture refers to is left undecoded unless a wanted frame may show it.
 * Wanted frame w shows the latest picture whose frame is <= w; so a picture at frame d can
 * only matter to the first wanted frame w >= d, and not even to that one when a picture that
 * is decoded lies in (d, w]. Pictures come to the decoder in decoding order, where a B-frame
 * follows the later picture it leans on: that one is known by then. Timestamps that need
 * fixing up make reader_own_frame() differ from this rule: then the whole clip is decoded
 * again without leaving anything out (see fidget_assist_decode_frames()). */
static gboolean
on_picture_input (const FidgetPictureInput *picture,
                  gpointer                  user_data)
{
  Reader *reader = user_data;
  gint64 own;
  gint64 first_wanted = -1;
  gboolean needed;

  if (reader->kept == NULL || picture->segment != reader->kept_segment)
    {
      if (reader->kept == NULL)
        reader->kept = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_array_set_size (reader->kept, 0);
      reader->kept_segment = picture->segment;
    }

  if (picture->reference || !g_atomic_int_get (&reader->skipping))
    {
      g_array_append_val (reader->kept, picture->stream_time);
      return FALSE;
    }

  own = reader_frame_at (reader, picture->stream_time);
  for (int i = 0; i < reader->n_frames && first_wanted < 0; i++)
    if (reader->frames[i] >= own)
      first_wanted = reader->frames[i];

  needed = first_wanted == own;
  if (first_wanted > own)
    {
      needed = TRUE;
      for (guint i = 0; i < reader->kept->len && needed; i++)
        {
          gint64 other = reader_frame_at (reader, g_array_index (reader->kept, gint64, i));

          if (other > own && other <= first_wanted)
            needed = FALSE;
        }
    }

  if (needed)
    {
      g_array_append_val (reader->kept, picture->stream_time);
      return FALSE;
    }
  g_mutex_lock (&reader->lock);
  g_array_append_val (reader->dropped, own);
  g_mutex_unlock (&reader->lock);
  return TRUE;
}

static void
on_deep_element_added (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       gpointer    user_data)
{
  if (GST_IS_VIDEO_DECODER (element))
    {
      fidget_media_tune_decoder (element);
      fidget_media_watch_decoder_input (element, on_picture_input, user_data);
    }
}

static void
reader_clear (Reader *reader)
{
  if (reader->pipeline != NULL)
    gst_element_set_state (reader->pipeline, GST_STATE_NULL);
  rgb_converter_clear (&reader->rgb);
  g_clear_object (&reader->bus);
  g_clear_object (&reader->sink);
  g_clear_object (&reader->pipeline);
  /* The streaming threads are gone: nothing touches these any more. */
  g_clear_pointer (&reader->kept, g_array_unref);
  g_clear_pointer (&reader->dropped, g_array_unref);
  g_mutex_clear (&reader->lock);
}

static gboolean
reader_open (Reader      *reader,
             const char  *path,
             GError     **error)
{
  GstElement *src, *decodebin;
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("video/x-raw");

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND,
                   "“%s” does not exist", reader->display);
      return FALSE;
    }
  reader->pipeline = gst_pipeline_new ("fidget-assist-frames");
  src = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  reader->sink = gst_element_factory_make ("appsink", NULL);
  if (src == NULL || decodebin == NULL || reader->sink == NULL)
    {
      if (src != NULL)
        gst_object_unref (gst_object_ref_sink (src));
      if (decodebin != NULL)
        gst_object_unref (gst_object_ref_sink (decodebin));
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER,
                   "“%s” cannot be decoded: this machine lacks GStreamer's filesrc, decodebin or "
                   "appsink element (install gstreamer1.0-plugins-base)", reader->display);
      return FALSE;
    }
  gst_object_ref_sink (reader->sink);
  g_object_set (src, "location", path, NULL);
  /* Pictures in whatever raw format the decoder gives: only the few that are wanted are
   * converted to RGB (a 1080p conversion costs milliseconds). */
  g_object_set (reader->sink,
                "caps", caps,
                "sync", FALSE,
                "max-buffers", 2,
                "drop", FALSE,
                "enable-last-sample", FALSE,
                NULL);
  gst_bin_add_many (GST_BIN (reader->pipeline), src, decodebin, reader->sink, NULL);
  gst_element_link (src, decodebin);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added), reader);
  g_signal_connect (reader->pipeline, "deep-element-added", G_CALLBACK (on_deep_element_added),
                    reader);
  reader->bus = gst_element_get_bus (reader->pipeline);
  reader->seek_target = GST_CLOCK_TIME_NONE;
  reader->last_own = -1;
  /* Paused, the pipeline decodes the first picture and holds it (pre-roll). */
  if (gst_element_set_state (reader->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE ||
      gst_element_get_state (reader->pipeline, NULL, NULL, PULL_TIMEOUT) ==
      GST_STATE_CHANGE_FAILURE)
    {
      if (reader_check_bus (reader, error))
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA,
                     "“%s” cannot be read as a video: it has no decodable video stream",
                     reader->display);
      return FALSE;
    }
  return reader_check_bus (reader, error);
}

typedef struct
{
  gint64     frame;
  GstSample *sample;   /* the picture it shows, once known */
  gint64     own;      /* that picture's frame */
} Wanted;

/* Whether a picture left out might have been one a wanted frame shows, which only timestamps
 * that reader_own_frame() has to fix up can cause. */
static gboolean
reader_dropped_needed (Reader *reader,
                       Wanted *wanted,
                       int     n_frames)
{
  gboolean needed = FALSE;

  g_mutex_lock (&reader->lock);
  if (reader->dropped->len > 0 && reader->irregular)
    needed = TRUE;
  for (int i = 0; i < n_frames && !needed; i++)
    for (guint d = 0; d < reader->dropped->len && !needed; d++)
      {
        gint64 frame = g_array_index (reader->dropped, gint64, d);

        /* A left-out picture between the one shown and the wanted frame, or before the
         * wanted frame when the one shown comes after it (the first after a seek). */
        needed = frame <= wanted[i].frame &&
                 (frame > wanted[i].own || wanted[i].own > wanted[i].frame);
      }
  g_mutex_unlock (&reader->lock);
  return needed;
}

/* Converts the picture wanted frame @k shows to RGB in its place in *@pictures, as soon as
 * it is known: the conversion runs while the decoder's threads go on, and the decoded picture
 * is let go at once. */
static gboolean
reader_store (Reader   *reader,
              Wanted   *wanted,
              int       k,
              int       n_frames,
              guint8  **pictures,
              int      *width_out,
              int      *height_out,
              GError  **error)
{
  gsize picture_bytes;

  if (*pictures == NULL)
    {
      GstVideoInfo info;

      if (!gst_video_info_from_caps (&info, gst_sample_get_caps (wanted[k].sample)))
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” cannot be decoded: its decoder gave pictures of no known format",
                       reader->display);
          return FALSE;
        }
      *width_out = info.width;
      *height_out = info.height;
      *pictures = g_malloc ((gsize) info.width * 3 * info.height * n_frames);
    }
  picture_bytes = (gsize) *width_out * 3 * *height_out;

  if (k > 0 && wanted[k].sample == wanted[k - 1].sample)
    memcpy (*pictures + picture_bytes * k, *pictures + picture_bytes * (k - 1), picture_bytes);
  else if (!rgb_converter_run (&reader->rgb, wanted[k].sample, *pictures + picture_bytes * k,
                               reader->display, error))
    return FALSE;
  if (k > 0)
    g_clear_pointer (&wanted[k - 1].sample, gst_sample_unref);
  return TRUE;
}

static guint8 *
decode_frames (const char    *path,
               int            fps_num,
               int            fps_den,
               const gint64  *frames,
               int            n_frames,
               gboolean       skip,
               gboolean      *retry,
               int           *width_out,
               int           *height_out,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree Wanted *wanted = NULL;
  g_autofree guint8 *pictures = NULL;
  g_autoptr(GstSample) previous = NULL;   /* the latest picture before the next wanted frame */
  gint64 previous_own = -1;
  gint64 sought = -1;       /* the frame the last seek went to */
  int reseeks = 0;
  Reader reader = { 0 };
  gint64 started = g_get_monotonic_time ();
  gint64 decoded = 0;
  gint64 reach;
  int next = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL && frames != NULL && n_frames > 0, NULL);
  g_return_val_if_fail (fps_num > 0 && fps_den > 0, NULL);
  for (int i = 1; i < n_frames; i++)
    g_return_val_if_fail (frames[i] >= frames[i - 1] && frames[0] >= 0, NULL);

  fidget_media_init ();
  reader.display = display;
  reader.cancellable = cancellable;
  reader.fps_num = fps_num;
  reader.fps_den = fps_den;
  reader.frames = frames;
  reader.n_frames = n_frames;
  reader.dropped = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_init (&reader.lock);
  *retry = FALSE;
  wanted = g_new0 (Wanted, n_frames);
  for (int i = 0; i < n_frames; i++)
    wanted[i].frame = frames[i];
  reach = MAX (1, gst_util_uint64_scale (FORWARD_REACH_SECONDS, fps_num, fps_den));

  if (!reader_open (&reader, path, error))
    goto out;
  g_debug ("%s: opened in %.0f ms", display, (g_get_monotonic_time () - started) / 1000.0);
  /* Frame 0 is the stream's zero unless the stream's clock starts far away (a second or more),
   * as the probe decides: the first picture tells, and the paused pipeline holds it. */
  {
    GstSample *first = gst_app_sink_try_pull_preroll (GST_APP_SINK (reader.sink), PULL_TIMEOUT);
    GstClockTime t;

    if (first == NULL)
      {
        if (reader_check_bus (&reader, error))
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” cannot be decoded: its video stream delivered no frames", display);
        goto out;
      }
    t = sample_stream_time (first);
    gst_sample_unref (first);
    reader.origin = GST_CLOCK_TIME_IS_VALID (t) && t >= GST_SECOND ? t : 0;
  }
  /* The origin is known: from here on, pictures nobody wants may be left out. */
  g_atomic_int_set (&reader.skipping, skip);
  /* Far from the start, seek while still paused: nothing after frame 0 is decoded in vain.
   * Otherwise read on from the start (playing hands out the held picture first). */
  if (wanted[0].frame > reach)
    {
      sought = wanted[0].frame;
      if (!reader_seek (&reader, sought, error))
        goto out;
    }
  gst_element_set_state (reader.pipeline, GST_STATE_PLAYING);
  g_debug ("%s: playing at %.0f ms", display, (g_get_monotonic_time () - started) / 1000.0);

  while (next < n_frames)
    {
      g_autoptr(GstSample) sample = NULL;
      gint64 own;

      if (previous != NULL && wanted[next].frame - reader.last_own > reach)
        {
          /* A long way on: seek rather than decode everything in between. */
          g_clear_pointer (&previous, gst_sample_unref);
          sought = wanted[next].frame;
          if (!reader_seek (&reader, sought, error))
            goto out;
        }

      sample = reader_pull (&reader, error);
      if (sample == NULL)
        {
          if (error != NULL && *error != NULL)
            goto out;
          break;  /* the end: the frames left show the last picture */
        }
      own = reader_own_frame (&reader, sample);
      decoded++;
      if (previous == NULL && sought > 0 && wanted[next].frame < own && reseeks < MAX_RESEEKS)
        {
          /* The first picture after a seek lies beyond the wanted frame: the one that frame
           * shows began more than half a period before it (frames are missing there), and
           * the seek passed it. Start again further back. */
          reseeks++;
          /* Within the reach, so that reading on takes it from there: half of it, then
           * all of it. */
          sought = wanted[next].frame - CLAMP (reach * reseeks / 2, 1, MAX (reach - 2, 1));
          sought = MAX (sought, 0);
          if (!reader_seek (&reader, sought, error))
            goto out;
          continue;
        }
      /* Frames passed without a picture of their own show the latest before them; a frame
       * before the first picture after a seek from the start shows that first picture. */
      while (next < n_frames && wanted[next].frame < own)
        {
          wanted[next].sample = gst_sample_ref (previous != NULL ? previous : sample);
          wanted[next].own = previous != NULL ? previous_own : own;
          if (!reader_store (&reader, wanted, next, n_frames, &pictures, width_out, height_out,
                             error))
            goto out;
          next++;
        }
      while (next < n_frames && wanted[next].frame == own)
        {
          wanted[next].own = own;
          wanted[next].sample = gst_sample_ref (sample);
          if (!reader_store (&reader, wanted, next, n_frames, &pictures, width_out, height_out,
                             error))
            goto out;
          next++;
        }
      previous_own = own;
      g_clear_pointer (&previous, gst_sample_unref);
      previous = g_steal_pointer (&sample);
    }
  if (next < n_frames && previous == NULL)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” has no picture at frame %" G_GINT64_FORMAT ": its stream ends earlier",
                   display, wanted[next].frame);
      goto out;
    }
  for (; next < n_frames; next++)
    {
      wanted[next].sample = gst_sample_ref (previous);
      wanted[next].own = previous_own;
      if (!reader_store (&reader, wanted, next, n_frames, &pictures, width_out, height_out,
                         error))
        goto out;
    }
  if (reader_dropped_needed (&reader, wanted, n_frames))
    {
      g_debug ("%s: a picture left out may be one to show; decoding everything", display);
      *retry = TRUE;
      goto out;
    }
  g_debug ("%s: %" G_GINT64_FORMAT " pictures read, %u left undecoded, 8 converted to RGB, "
           "in %.0f ms", display, decoded, reader.dropped->len,
           (g_get_monotonic_time () - started) / 1000.0);

  ok = TRUE;
  g_debug ("%s: done at %.0f ms", display,
           (g_get_monotonic_time () - started) / 1000.0);

out:
  for (int i = 0; i < n_frames; i++)
    g_clear_pointer (&wanted[i].sample, gst_sample_unref);
  g_clear_pointer (&previous, gst_sample_unref);
  reader_clear (&reader);
  return ok ? g_steal_pointer (&pictures) : NULL;
}

guint8 *
fidget_assist_decode_frames (const char    *path,
                             int            fps_num,
                             int            fps_den,
                             const gint64  *frames,
                             int            n_frames,
                             int           *width_out,
                             int           *height_out,
                             GCancellable  *cancellable,
                             GError       **error)
{
  gboolean retry = FALSE;
  guint8 *pictures;

  g_return_val_if_fail (path != NULL && frames != NULL && n_frames > 0, NULL);
  g_return_val_if_fail (fps_num > 0 && fps_den > 0, NULL);

  pictures = decode_frames (path, fps_num, fps_den, frames, n_frames, TRUE, &retry, width_out,
                            height_out, cancellable, error);
  if (pictures == NULL && retry)
    pictures = decode_frames (path, fps_num, fps_den, frames, n_frames, FALSE, &retry,
                              width_out, height_out, cancellable, error);
  return pictures;
}

/* }}} */

float *
fidget_assist_prepare_clip_from_pictures (GstSample  **pictures,
                                          const char  *display,
                                          GError     **error)
{
  RgbConverter rgb = { 0 };
  g_autofree guint8 *picture = NULL;
  g_autofree float *clip = NULL;
  const gsize frame_floats = FIDGET_ASSIST_CLIP_FLOATS / FIDGET_MANET_FRAMES;
  gsize picture_bytes = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (pictures != NULL && display != NULL, NULL);
  for (int i = 0; i < FIDGET_MANET_FRAMES; i++)
    g_return_val_if_fail (GST_IS_SAMPLE (pictures[i]), NULL);

  clip = g_new (float, FIDGET_ASSIST_CLIP_FLOATS);
  for (int i = 0; i < FIDGET_MANET_FRAMES && ok; i++)
    {
      GstVideoInfo info;

      if (gst_sample_get_caps (pictures[i]) == NULL ||
          !gst_video_info_from_caps (&info, gst_sample_get_caps (pictures[i])))
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” cannot be decoded: its decoder gave pictures of no known format",
                       display);
          ok = FALSE;
          break;
        }
      if (picture == NULL)
        {
          picture_bytes = (gsize) info.width * 3 * info.height;
          picture = g_malloc (picture_bytes);
        }
      /* rgb_converter_run() refuses a change of size, so the buffer stays big enough. */
      ok = rgb_converter_run (&rgb, pictures[i], picture, display, error);
      if (ok)
        fidget_assist_preprocess_picture (picture, info.width, info.height, info.width * 3,
                                          clip + frame_floats * i);
    }
  rgb_converter_clear (&rgb);
  return ok ? g_steal_pointer (&clip) : NULL;
}

float *
fidget_assist_prepare_clip (const char    *path,
                            int            fps_num,
                            int            fps_den,
                            gint64         start,
                            gint64         end,
                            GCancellable  *cancellable,
                            GError       **error)
{
  gint64 frames[FIDGET_MANET_FRAMES];
  g_autofree guint8 *pictures = NULL;
  g_autofree float *clip = NULL;
  const gsize frame_floats = FIDGET_ASSIST_CLIP_FLOATS / FIDGET_MANET_FRAMES;
  int width = 0, height = 0;

  if (start < 0 || end <= start)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Frames %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " of “%s” are no segment: "
                   "it needs 0 <= start < end", start, end, display);
      return NULL;
    }
  fidget_assist_sample_frames (start, end, FIDGET_MANET_FRAMES, frames);
  pictures = fidget_assist_decode_frames (path, fps_num, fps_den, frames, FIDGET_MANET_FRAMES,
                                          &width, &height, cancellable, error);
  if (pictures == NULL)
    return NULL;
  clip = g_new (float, FIDGET_ASSIST_CLIP_FLOATS);
  for (int i = 0; i < FIDGET_MANET_FRAMES; i++)
    fidget_assist_preprocess_picture (pictures + (gsize) width * 3 * height * i, width, height,
                                      width * 3, clip + frame_floats * i);
  return g_steal_pointer (&clip);
}
