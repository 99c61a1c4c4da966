/* fidget-player.c: exact frames of a video, by index, from our own decoding pipeline
 *
 * The pipeline is filesrc ! decodebin ! videoconvert ! videoflip ! appsink (I420, turned
 * upright as the stream's orientation tag asks: fidget-upright.h), left in PLAYING with the
 * sink unsynchronised: the decoder runs ahead of the reader by a few pictures and waits,
 * so reading the next picture costs nothing and a flushing, accurate seek lands on any frame.
 * Pictures are cached as they were decoded (I420 is 2.7 times smaller than BGRA, which is what
 * lets a 1080p cache hold enough frames for backward steps) and converted to BGRA when handed
 * out. Stepping backward past the cache decodes a whole chunk of earlier frames in one seek,
 * so the next steps back are cache hits. An exact seek decodes from the keyframe before its
 * target; the pictures on the way that no other picture refers to are never decoded at all
 * (fidget_media_watch_decoder_input()), and libav decodes with one frame thread more than
 * there are cores (fidget_media_tune_decoder()).
 *
 * The sound, when asked for, plays from a second pipeline on the clock of
 * g_get_monotonic_time(), so that it keeps step with the frames the caller shows (see
 * "Audio" at the end).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "fidget-player.h"
#include "fidget-upright.h"

#define DEFAULT_CACHE_BUDGET   ((gsize) 256 * 1024 * 1024)
/* How long a pull waits before it looks at the bus again. */
#define PULL_POLL              (50 * GST_MSECOND)
/* No picture and no message for this long: the pipeline has hung (a damaged file can make a
 * demuxer spin, and decodebin 1.22 may swallow an early error; see fidget-probe.c). */
#define STALL_TIMEOUT_US       (15 * G_USEC_PER_SEC)
/* BGRA conversions kept, for the frame on screen and the ones just left. */
#define HOT_FRAMES             4
/* Frames read forward rather than seeking: decoding a second of pictures costs about what
 * a seek to a keyframe and decoding up to the target does. */
#define FORWARD_REACH_SECONDS  1
/* While scrubbing, frames up to this many ahead of the decoder are read on to rather than
 * replaced by a keyframe: together they cost about what the keyframe does. */
#define SCRUB_READ_ON          6
/* How far a backward step decodes at once, bounded by the cache's size. */
#define BACKFILL_MIN           8
#define BACKFILL_MAX           150
#define MAX_RESEEKS            4

typedef enum
{
  SEEK_EXACT,   /* decode from the keyframe before @keep_from, deliver from @keep_from on */
  SEEK_EARLY,   /* the same, aiming half a period early, for a frame without a picture */
  SEEK_CHUNK,   /* a chunk for backward steps, from no earlier than @frame's keyframe */
} SeekKind;

/* ------------------------------------------------------------------------------------------ */
/* The frame grid                                                                              */

gint64
fidget_frame_to_ns (gint64 frame,
                    int    fps_num,
                    int    fps_den)
{
  g_return_val_if_fail (fps_num > 0 && fps_den > 0, 0);

  if (frame < 0)
    return -(gint64) gst_util_uint64_scale ((guint64) -frame, GST_SECOND * (guint64) fps_den,
                                            (guint64) fps_num);
  return (gint64) gst_util_uint64_scale ((guint64) frame, GST_SECOND * (guint64) fps_den,
                                         (guint64) fps_num);
}

gint64
fidget_ns_to_frame (gint64 ns,
                    int    fps_num,
                    int    fps_den)
{
  gint64 frame;

  g_return_val_if_fail (fps_num > 0 && fps_den > 0, 0);

  if (ns < 0)
    frame = -(gint64) gst_util_uint64_scale_ceil ((guint64) -ns, (guint64) fps_num,
                                                  GST_SECOND * (guint64) fps_den);
  else
    frame = (gint64) gst_util_uint64_scale ((guint64) ns, (guint64) fps_num,
                                            GST_SECOND * (guint64) fps_den);

  /* Frame starts are rounded down to whole nanoseconds (fidget_frame_to_ns): the start of
   * frame + 1 may lie up to a nanosecond before its exact value, and belongs to it. */
  if (fidget_frame_to_ns (frame + 1, fps_num, fps_den) <= ns)
    frame++;
  return frame;
}

gint64
fidget_ns_to_nearest_frame (gint64 ns,
                            int    fps_num,
                            int    fps_den)
{
  g_return_val_if_fail (fps_num > 0 && fps_den > 0, 0);

  if (ns < 0)
    return -(gint64) gst_util_uint64_scale_round ((guint64) -ns, (guint64) fps_num,
                                                  GST_SECOND * (guint64) fps_den);
  return (gint64) gst_util_uint64_scale_round ((guint64) ns, (guint64) fps_num,
                                               GST_SECOND * (guint64) fps_den);
}

gint64
fidget_playback_frame_at (gint64 start_frame,
                          gint64 elapsed_us,
                          double speed,
                          int    fps_num,
                          int    fps_den,
                          gint64 loop_start,
                          gint64 loop_end)
{
  gint64 media_us;
  gint64 frame;

  g_return_val_if_fail (fps_num > 0 && fps_den > 0, start_frame);

  speed = CLAMP (speed, 0.1, 2.0);
  media_us = (gint64) ((double) MAX (elapsed_us, 0) * speed);
  frame = start_frame + (gint64) gst_util_uint64_scale ((guint64) media_us, (guint64) fps_num,
                                                        (guint64) G_USEC_PER_SEC * fps_den);

  /* Play runs from where it started to the loop's end, then round the whole loop. */
  if (loop_end > loop_start && frame >= loop_end)
    frame = loop_start + (frame - loop_end) % (loop_end - loop_start);
  return frame;
}

/* ------------------------------------------------------------------------------------------ */
/* Frames handed out                                                                           */

struct _FidgetFrame
{
  gatomicrefcount  ref_count;
  gint64           index;
  gint64           pts;
  int              width;
  int              height;
  int              stride;
  GstBuffer       *buffer;
  GstMapInfo       map;
};

G_DEFINE_BOXED_TYPE (FidgetFrame, fidget_frame, fidget_frame_ref, fidget_frame_unref)

static FidgetFrame *
fidget_frame_new (GstBuffer *buffer,
                  gint64     index,
                  gint64     pts,
                  int        width,
                  int        height,
                  int        stride)
{
  FidgetFrame *self = g_new0 (FidgetFrame, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->buffer = buffer;
  self->index = index;
  self->pts = pts;
  self->width = width;
  self->height = height;
  self->stride = stride;
  if (!gst_buffer_map (buffer, &self->map, GST_MAP_READ))
    g_error ("Cannot map a frame buffer of %" G_GSIZE_FORMAT " bytes",
             gst_buffer_get_size (buffer));
  return self;
}

FidgetFrame *
fidget_frame_ref (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
fidget_frame_unref (FidgetFrame *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      gst_buffer_unmap (self->buffer, &self->map);
      gst_buffer_unref (self->buffer);
      g_free (self);
    }
}

gint64
fidget_frame_get_index (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->index;
}

gint64
fidget_frame_get_pts (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pts;
}

int
fidget_frame_get_width (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

int
fidget_frame_get_height (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->height;
}

int
fidget_frame_get_stride (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->stride;
}

const guint8 *
fidget_frame_get_data (FidgetFrame *self,
                       gsize       *size)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (size != NULL)
    *size = self->map.size;
  return self->map.data;
}

GstBuffer *
fidget_frame_get_buffer (FidgetFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return gst_buffer_ref (self->buffer);
}

/* ------------------------------------------------------------------------------------------ */
/* The player                                                                                  */

typedef struct
{
  gint64        own;      /* the frame the picture belongs to (nearest start to its time) */
  gint64        from;     /* first frame it is shown for: own, or 0 for a late first picture */
  gint64        until;    /* one past the last frame it is shown for; -1 while unknown */
  GstClockTime  pts;      /* stream time */
  GstBuffer    *buffer;   /* as decoded (I420), our own copy */
  GstCaps      *caps;
  gsize         size;
  guint64       used;     /* LRU tick */
  FidgetFrame  *bgra;     /* converted, while hot */
} CacheEntry;

struct _FidgetPlayer
{
  GObject             parent_instance;

  GMutex              lock;          /* one request at a time; guards all below */
  gint                requests_waiting; /* atomic: frames asked for, waiting for @lock */

  char               *path;
  char               *display;
  GstElement         *pipeline;
  GstElement         *appsink;
  GstElement         *convert;

  int                 width;
  int                 height;
  int                 par_n;
  int                 par_d;
  int                 fps_num;
  int                 fps_den;
  gint64              frame_count;
  GstClockTime        origin;
  GstClockTime        half_period;

  /* Written by streaming threads under @stream_lock. */
  GMutex              stream_lock;
  GError             *stream_error;
  char               *stream_error_source;
  GPtrArray          *missing;        /* descriptions of missing decoders */
  char               *undecodable;    /* caps of a video pad left without a decoder */
  gboolean            have_video;
  gboolean            no_more_pads;
  gboolean            has_audio_stream;
  gboolean            decodes_i420;   /* the decoder's own pictures are I420: cached as they came */

  /* Reading position: the last picture pulled since the last seek. */
  CacheEntry         *cursor;
  CacheEntry         *held;           /* the picture read before the cursor, while reading on */
  gint64              seek_frame;     /* frame the last seek aimed at */
  gint64              keep_from;      /* pictures before this frame are not cached */
  GstClockTime        seek_target;    /* stream time the last seek went to */
  gint64              skip_before;    /* stream time, under @stream_lock; see on_picture_input() */
  gint                skipped;        /* atomic: pictures never decoded */
  gboolean            seek_from_start;
  GstSample          *pending;        /* the last picture passed over, not yet cached */
  gint64              pending_own;
  GstClockTime        pending_time;
  gboolean            at_eos;
  gboolean            needs_restart;  /* after a stream error */

  GTree              *cache;          /* &entry->own -> CacheEntry */
  gsize               budget;
  gsize               bytes;
  guint64             tick;
  gint64              playhead;
  GQueue              hot;            /* entries holding a BGRA frame, most recent first */

  GstVideoConverter  *converter;
  GstVideoInfo        converter_in;

  FidgetPlayerStats   stats;

  /* Sound (see "Audio" below), apart from the pictures: under @audio_lock. */
  GMutex              audio_lock;
  gboolean            audio_enabled;
  double              volume;
  GstElement         *audio_pipeline;
  GstElement         *audio_volume;
  GstElement         *audio_sink;        /* given by the caller, or NULL for the system's */
  gboolean            audio_scaletempo;  /* the pitch stays when the speed changes */
  gboolean            audio_failed;      /* no sound to be had: stay silent */
  gint                audio_error;       /* atomic: the audio pipeline posted an error */
  gboolean            audio_playing;
};

enum
{
  PROP_0,
  PROP_AUDIO_ENABLED,
  PROP_VOLUME,
  PROP_HAS_AUDIO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FidgetPlayer, fidget_player, G_TYPE_OBJECT)

static void     fidget_player_audio_teardown    (FidgetPlayer *self);
static gboolean fidget_player_play_audio_locked (FidgetPlayer *self,
                                                 gint64        start_frame,
                                                 double        speed,
                                                 gint64        started_us);

static int
compare_frames (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  if (entry == NULL)
    return;
  g_clear_pointer (&entry->bgra, fidget_frame_unref);
  gst_clear_buffer (&entry->buffer);
  gst_clear_caps (&entry->caps);
  g_free (entry);
}

static void
fidget_player_dispose (GObject *object)
{
  FidgetPlayer *self = FIDGET_PLAYER (object);

  if (self->pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);

      /* Joins the streaming threads, so the bus handler below sees nothing more. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    }
  gst_clear_object (&self->pipeline);
  gst_clear_object (&self->appsink);
  gst_clear_object (&self->convert);

  g_mutex_lock (&self->audio_lock);
  fidget_player_audio_teardown (self);
  g_mutex_unlock (&self->audio_lock);
  gst_clear_object (&self->audio_sink);

  G_OBJECT_CLASS (fidget_player_parent_class)->dispose (object);
}

static void
fidget_player_finalize (GObject *object)
{
  FidgetPlayer *self = FIDGET_PLAYER (object);

  g_queue_clear (&self->hot);
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_clear_pointer (&self->cache, g_tree_unref);
  g_clear_pointer (&self->converter, gst_video_converter_free);
  g_clear_error (&self->stream_error);
  g_clear_pointer (&self->stream_error_source, g_free);
  g_clear_pointer (&self->missing, g_ptr_array_unref);
  g_clear_pointer (&self->undecodable, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display, g_free);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->stream_lock);
  g_mutex_clear (&self->audio_lock);

  G_OBJECT_CLASS (fidget_player_parent_class)->finalize (object);
}

static void
fidget_player_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FidgetPlayer *self = FIDGET_PLAYER (object);

  switch (prop_id)
    {
    case PROP_AUDIO_ENABLED:
      g_value_set_boolean (value, fidget_player_get_audio_enabled (self));
      break;

    case PROP_VOLUME:
      g_value_set_double (value, fidget_player_get_volume (self));
      break;

    case PROP_HAS_AUDIO:
      g_value_set_boolean (value, fidget_player_has_audio (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_player_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FidgetPlayer *self = FIDGET_PLAYER (object);

  switch (prop_id)
    {
    case PROP_AUDIO_ENABLED:
      fidget_player_set_audio_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_VOLUME:
      fidget_player_set_volume (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_player_class_init (FidgetPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fidget_player_dispose;
  object_class->finalize = fidget_player_finalize;
  object_class->get_property = fidget_player_get_property;
  object_class->set_property = fidget_player_set_property;

  /**
   * FidgetPlayer:audio-enabled:
   *
   * Whether fidget_player_play_audio() plays the video's sound. Off by default.
   */
  properties[PROP_AUDIO_ENABLED] =
    g_param_spec_boolean ("audio-enabled", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * FidgetPlayer:volume:
   *
   * The sound's volume, linear, from 0 (silent) to 1 (as recorded).
   */
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, NULL,
                         0.0, 1.0, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * FidgetPlayer:has-audio:
   *
   * Whether the video has a sound track that can be played here. It turns FALSE when no
   * audio output can be opened.
   */
  properties[PROP_HAS_AUDIO] =
    g_param_spec_boolean ("has-audio", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fidget_player_init (FidgetPlayer *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->stream_lock);
  g_mutex_init (&self->audio_lock);
  self->volume = 1.0;
  self->cache = g_tree_new_full (compare_frames, NULL, NULL, cache_entry_free);
  self->budget = DEFAULT_CACHE_BUDGET;
  self->skip_before = -1;
  self->missing = g_ptr_array_new_with_free_func (g_free);
  self->par_n = self->par_d = 1;
  g_queue_init (&self->hot);
}

/* ------------------------------------------------------------------------------------------ */
/* Streaming-thread callbacks                                                                  */

static GstBusSyncReply
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  FidgetPlayer *self = user_data;

  /* Nobody runs a main loop on this bus: what matters is noted here and the rest dropped,
   * so messages never pile up. */
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      g_mutex_lock (&self->stream_lock);
      if (self->stream_error == NULL)
        {
          gst_message_parse_error (message, &self->stream_error, NULL);
          self->stream_error_source = g_strdup (GST_MESSAGE_SRC_NAME (message));
        }
      g_mutex_unlock (&self->stream_lock);
      break;

    case GST_MESSAGE_ELEMENT:
      if (gst_is_missing_plugin_message (message))
        {
          char *description = gst_missing_plugin_message_get_description (message);

          g_mutex_lock (&self->stream_lock);
          g_ptr_array_add (self->missing, description);
          g_mutex_unlock (&self->stream_lock);
        }
      break;

    default:
      break;
    }
  return GST_BUS_DROP;
}

static gboolean
on_autoplug_continue (GstElement *decodebin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      gpointer    user_data)
{
  /* Only the picture is decoded: sound and subtitles leave decodebin as they are stored and
   * end in a fakesink, which costs nothing. */
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    {
      const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

      if (!g_str_has_prefix (name, "video/") && !g_str_has_prefix (name, "image/") &&
          !g_str_has_prefix (name, "application/") && !g_str_has_prefix (name, "unknown/"))
        return FALSE;
      if (g_str_has_prefix (name, "application/x-ssa") ||
          g_str_has_prefix (name, "application/x-ass") ||
          g_str_has_prefix (name, "application/x-subtitle"))
        return FALSE;
    }
  return TRUE;
}

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  FidgetPlayer *self = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = "";
  gboolean take = FALSE;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  g_mutex_lock (&self->stream_lock);
  if (g_str_has_prefix (name, "audio/"))
    self->has_audio_stream = TRUE;
  if (g_str_equal (name, "video/x-raw") && !self->have_video)
    {
      self->have_video = TRUE;
      self->decodes_i420 = g_strcmp0 (gst_structure_get_string (gst_caps_get_structure (caps, 0),
                                                                "format"), "I420") == 0;
      take = TRUE;
    }
  else if (g_str_has_prefix (name, "video/") && !g_str_equal (name, "video/x-raw") &&
           self->undecodable == NULL)
    {
      g_autofree char *description = gst_pb_utils_get_codec_description (caps);

      self->undecodable = g_steal_pointer (&description);
    }
  g_mutex_unlock (&self->stream_lock);

  if (take)
    {
      g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (self->convert, "sink");

      if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
        g_warning ("Cannot link the decoded video of %s to the player", self->display);
    }
  else
    {
      GstElement *sink = gst_element_factory_make ("fakesink", NULL);
      g_autoptr(GstPad) sinkpad = NULL;

      /* Every other stream gets a sink, so none stops the demuxer with not-linked. */
      g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
      gst_bin_add (GST_BIN (self->pipeline), sink);
      sinkpad = gst_element_get_static_pad (sink, "sink");
      gst_pad_link (pad, sinkpad);
      gst_element_sync_state_with_parent (sink);
    }
}

static void
on_no_more_pads (GstElement *decodebin,
                 gpointer    user_data)
{
  FidgetPlayer *self = user_data;

  g_mutex_lock (&self->stream_lock);
  self->no_more_pads = TRUE;
  g_mutex_unlock (&self->stream_lock);
}

/* What the decoder's input looks like, for on_decoder_input(). */
typedef struct
{
  FidgetPictureInputFunc  func;
  gpointer                user_data;
  GstSegment              segment;
  guint                   segments;
  gboolean                h264;
  gboolean                avc;          /* length-prefixed NAL units, else start codes */
  guint                   length_size;  /* bytes of each NAL unit's length prefix */
} DecoderTap;

/* Whether an H.264 access unit holds a picture that others may refer to. Unknown layouts
 * count as references: a picture is only left out when that is certainly harmless. */
static gboolean
h264_access_unit_is_reference (DecoderTap *tap,
                               GstBuffer  *buffer)
{
  GstMapInfo map;
  gboolean reference = TRUE;
  gboolean found = FALSE;
  gsize at = 0;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return TRUE;

  while (!found)
    {
      gsize nal = 0;
      gsize next = 0;

      if (tap->avc)
        {
          gsize length = 0;

          if (at + tap->length_size >= map.size)
            break;
          for (guint i = 0; i < tap->length_size; i++)
            length = (length << 8) | map.data[at + i];
          nal = at + tap->length_size;
          next = nal + length;
        }
      else
        {
          /* The next start code 00 00 01, and the one after it. */
          while (at + 3 < map.size &&
                 !(map.data[at] == 0 && map.data[at + 1] == 0 && map.data[at + 2] == 1))
            at++;
          if (at + 3 >= map.size)
            break;
          nal = at + 3;
          next = nal;
          while (next + 3 < map.size &&
                 !(map.data[next] == 0 && map.data[next + 1] == 0 && map.data[next + 2] == 1))
            next++;
        }

      if (nal < map.size)
        {
          guint type = map.data[nal] & 0x1f;

          /* Slices of a picture (1) or of an IDR picture (5) carry nal_ref_idc. */
          if (type == 1 || type == 5)
            {
              reference = type == 5 || ((map.data[nal] >> 5) & 3) != 0;
              found = TRUE;
            }
        }
      if (next <= at)
        break;
      at = next;
    }

  gst_buffer_unmap (buffer, &map);
  return reference || !found;
}

static GstPadProbeReturn
on_decoder_input (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  DecoderTap *tap = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        {
          gst_event_copy_segment (event, &tap->segment);
          tap->segments++;
        }
      else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;
          GstStructure *s;
          const char *format;
          const GValue *codec_data;

          gst_event_parse_caps (event, &caps);
          s = gst_caps_get_structure (caps, 0);
          tap->h264 = gst_structure_has_name (s, "video/x-h264");
          format = gst_structure_get_string (s, "stream-format");
          tap->avc = g_strcmp0 (format, "avc") == 0;
          tap->length_size = 4;
          codec_data = gst_structure_get_value (s, "codec_data");
          if (tap->avc && codec_data != NULL && G_VALUE_HOLDS (codec_data, GST_TYPE_BUFFER))
            {
              GstBuffer *config = gst_value_get_buffer (codec_data);
              guint8 byte;

              if (gst_buffer_extract (config, 4, &byte, 1) == 1)
                tap->length_size = (byte & 3) + 1;
            }
        }
      return GST_PAD_PROBE_OK;
    }

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime pts = GST_BUFFER_PTS (buffer);
      FidgetPictureInput picture;
      guint64 stream_time = 0;
      int sign;

      if (!tap->h264 || !GST_CLOCK_TIME_IS_VALID (pts) ||
          tap->segment.format != GST_FORMAT_TIME)
        return GST_PAD_PROBE_OK;

      /* Pictures before the segment's start are the ones that matter most: the _full
       * variant maps those too. */
      sign = gst_segment_to_stream_time_full (&tap->segment, GST_FORMAT_TIME, pts, &stream_time);
      if (sign == 0)
        return GST_PAD_PROBE_OK;

      picture.stream_time = sign > 0 ? (gint64) stream_time : -(gint64) stream_time;
      picture.segment = tap->segments;
      picture.reference = !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT) ||
                          h264_access_unit_is_reference (tap, buffer);
      if (tap->func (&picture, tap->user_data) && !picture.reference)
        return GST_PAD_PROBE_DROP;
    }

  return GST_PAD_PROBE_OK;
}

void
fidget_media_tune_decoder (GstElement *decoder)
{
  GParamSpec *pspec;
  int threads;

  g_return_if_fail (GST_IS_ELEMENT (decoder));

  /* libav decodes H.264 with frame threads, one a core by GStreamer's count. One more than
   * the cores (FFmpeg's own default) keeps both cores busy while a thread waits for rows of
   * the picture it refers to: on 2 cores a 1080p exact seek's median drops by about a tenth
   * (143 to 130 ms) and a 2-second clip for MANet decodes faster, for one more picture of
   * delay that steps do not notice. */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (decoder), "max-threads");
  if (pspec == NULL || pspec->value_type != G_TYPE_INT)
    return;
  threads = (int) MIN (g_get_num_processors () + 1, 16);
  g_object_set (decoder, "max-threads", threads, NULL);
}

void
fidget_media_watch_decoder_input (GstElement             *decoder,
                                  FidgetPictureInputFunc  func,
                                  gpointer                user_data)
{
  g_autoptr(GstPad) sinkpad = NULL;
  DecoderTap *tap;

  g_return_if_fail (GST_IS_ELEMENT (decoder));
  g_return_if_fail (func != NULL);

  sinkpad = gst_element_get_static_pad (decoder, "sink");
  if (sinkpad == NULL)
    return;

  tap = g_new0 (DecoderTap, 1);
  tap->func = func;
  tap->user_data = user_data;
  gst_segment_init (&tap->segment, GST_FORMAT_UNDEFINED);
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     on_decoder_input, tap, g_free);
}

/* Before a seek's target, the decoder only decodes: its pictures are dropped on output. A
 * picture that no other picture refers to (most B-frames) need not be decoded at all, and
 * leaving it out changes no other picture, so the one shown stays exact. On 1080p H.264 this
 * roughly halves the cost of a seek. */
static gboolean
on_picture_input (const FidgetPictureInput *picture,
                  gpointer                  user_data)
{
  FidgetPlayer *self = user_data;
  gint64 before;

  if (picture->reference)
    return FALSE;

  g_mutex_lock (&self->stream_lock);
  before = self->skip_before;
  g_mutex_unlock (&self->stream_lock);
  if (before < 0 || picture->stream_time >= before)
    return FALSE;

  g_atomic_int_inc (&self->skipped);
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

/* ------------------------------------------------------------------------------------------ */
/* Pulling pictures                                                                            */

/* Turns what the streaming threads noted into one error that names the file. Returns FALSE
 * when there is nothing to report. */
static gboolean
fidget_player_take_stream_error (FidgetPlayer *self,
                                 gboolean      opening,
                                 GError      **error)
{
  gboolean failed = TRUE;

  g_mutex_lock (&self->stream_lock);
  if (self->missing->len > 0 || (self->no_more_pads && !self->have_video &&
                                 self->undecodable != NULL))
    {
      const char *what = self->missing->len > 0 ? g_ptr_array_index (self->missing, 0)
                                                : self->undecodable;

      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER,
                   "“%s” cannot be played: this machine lacks a %s (install gstreamer1.0-libav "
                   "or the plugin set that provides it)", self->display, what);
    }
  else if (self->stream_error != NULL)
    {
      if (opening && self->stream_error->domain == GST_STREAM_ERROR &&
          (self->stream_error->code == GST_STREAM_ERROR_TYPE_NOT_FOUND ||
           self->stream_error->code == GST_STREAM_ERROR_WRONG_TYPE))
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA,
                     "“%s” is not a video: GStreamer does not recognise its contents as any "
                     "media format", self->display);
      else if (opening)
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                     "“%s” cannot be played: %s", self->display, self->stream_error->message);
      else
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                     "“%s” cannot be decoded past frame %" G_GINT64_FORMAT ", the file looks "
                     "damaged there (%s: %s)", self->display,
                     self->cursor != NULL ? self->cursor->own : self->seek_frame,
                     self->stream_error_source, self->stream_error->message);
      self->needs_restart = TRUE;
    }
  else if (self->no_more_pads && !self->have_video)
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NO_VIDEO,
                 "“%s” has no video stream to play", self->display);
  else
    failed = FALSE;
  g_mutex_unlock (&self->stream_lock);

  return failed;
}

/* The next picture: TRUE with *sample set, TRUE with *sample NULL at the end of the stream,
 * or FALSE with @error set. */
static gboolean
fidget_player_pull (FidgetPlayer  *self,
                    gboolean       opening,
                    GstSample    **sample,
                    GCancellable  *cancellable,
                    GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + STALL_TIMEOUT_US;

  *sample = NULL;
  for (;;)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (self->appsink), PULL_POLL);
      if (*sample != NULL)
        {
          self->stats.pictures_decoded++;
          return TRUE;
        }

      if (fidget_player_take_stream_error (self, opening, error))
        return FALSE;
      if (gst_app_sink_is_eos (GST_APP_SINK (self->appsink)))
        return TRUE;

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” cannot be decoded: the decoder delivered nothing for %d seconds",
                       self->display, (int) (STALL_TIMEOUT_US / G_USEC_PER_SEC));
          self->needs_restart = TRUE;
          return FALSE;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The cache                                                                                   */

static gint64
fidget_player_backfill (FidgetPlayer *self)
{
  gsize picture = (gsize) self->width * self->height * 3 / 2;
  gsize capacity = picture > 0 ? self->budget / picture : BACKFILL_MIN;

  /* Half the cache goes to the chunk behind the playhead; the rest keeps what lies ahead. */
  return CLAMP ((gint64) capacity / 2, BACKFILL_MIN, BACKFILL_MAX);
}

static CacheEntry *
fidget_player_cache_lookup (FidgetPlayer *self,
                            gint64        index)
{
  GTreeNode *node = g_tree_upper_bound (self->cache, &index);
  CacheEntry *entry;

  /* The picture with the greatest own frame <= index, or the first one (which may cover
   * leading frames before its own). */
  node = node != NULL ? g_tree_node_previous (node) : g_tree_node_last (self->cache);
  if (node == NULL)
    node = g_tree_node_first (self->cache);
  if (node == NULL)
    return NULL;

  entry = g_tree_node_value (node);
  if (entry->from <= index && (index == entry->own || entry->until > index))
    {
      entry->used = ++self->tick;
      return entry;
    }
  return NULL;
}

typedef struct
{
  FidgetPlayer *self;
  CacheEntry   *victim;
  gint64        lo;
  gint64        hi;
  gboolean      victim_protected;
  guint64       victim_score;
} EvictSearch;

static gboolean
find_victim (gpointer key,
             gpointer value,
             gpointer user_data)
{
  EvictSearch *search = user_data;
  CacheEntry *entry = value;
  gboolean protected;
  guint64 score;

  if (entry == search->self->cursor || entry == search->self->held)
    return FALSE;

  /* Outside the window around the playhead, the least recently used goes first; inside it,
   * only when nothing else is left, the farthest from the playhead. */
  protected = entry->own >= search->lo && entry->own <= search->hi;
  if (protected)
    score = (guint64) ABS (entry->own - search->self->playhead);
  else
    score = G_MAXUINT64 - entry->used;

  if (search->victim == NULL ||
      (search->victim_protected && !protected) ||
      (search->victim_protected == protected && score > search->victim_score))
    {
      search->victim = entry;
      search->victim_protected = protected;
      search->victim_score = score;
    }
  return FALSE;
}

static void
fidget_player_cache_remove (FidgetPlayer *self,
                            CacheEntry   *entry)
{
  if (entry->bgra != NULL)
    g_queue_remove (&self->hot, entry);
  self->bytes -= entry->size;
  g_tree_remove (self->cache, &entry->own);
}

static void
fidget_player_cache_trim (FidgetPlayer *self,
                          gsize         incoming)
{
  gint64 backfill = fidget_player_backfill (self);

  while (self->bytes + incoming > self->budget && g_tree_nnodes (self->cache) > 0)
    {
      EvictSearch search = { self, NULL, self->playhead - backfill, self->playhead + backfill };

      g_tree_foreach (self->cache, find_victim, &search);
      if (search.victim == NULL)
        break;
      fidget_player_cache_remove (self, search.victim);
    }
}

static CacheEntry *
fidget_player_cache_insert (FidgetPlayer *self,
                            gint64        own,
                            gint64        from,
                            GstClockTime  pts,
                            GstSample    *sample)
{
  CacheEntry *entry = g_tree_lookup (self->cache, &own);
  GstBuffer *buffer;

  if (entry != NULL)
    {
      /* Decoded again after a seek: what is cached already is the same picture. */
      entry->from = MIN (entry->from, from);
      entry->used = ++self->tick;
      return entry;
    }

  buffer = gst_sample_get_buffer (sample);
  fidget_player_cache_trim (self, gst_buffer_get_size (buffer));

  entry = g_new0 (CacheEntry, 1);
  entry->own = own;
  entry->from = from;
  entry->until = -1;
  entry->pts = pts;
  /* Our own copy: holding decoder buffers could starve a decoder's fixed-size pool. */
  entry->buffer = gst_buffer_copy_deep (buffer);
  entry->caps = gst_caps_ref (gst_sample_get_caps (sample));
  entry->size = gst_buffer_get_size (entry->buffer);
  entry->used = ++self->tick;
  g_tree_insert (self->cache, &entry->own, entry);
  self->bytes += entry->size;
  return entry;
}

/* ------------------------------------------------------------------------------------------ */
/* Seeking and reading forward                                                                 */

/* An accurate seek: the decoder starts at the keyframe before @frame and hands out pictures
 * from @frame on. Pictures between @keep_from and @frame are handed out too (a chunk for
 * backward steps); earlier ones are decoded but not delivered, and those no other picture
 * refers to are not even decoded (see on_picture_input()). */
static gboolean
fidget_player_seek (FidgetPlayer  *self,
                    gint64         frame,
                    gint64         keep_from,
                    SeekKind       kind,
                    GError       **error)
{
  GstClockTime target = 0;
  GstSeekFlags flags = GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE;
  gint64 start;

  frame = MAX (frame, 0);
  keep_from = CLAMP (keep_from, 0, frame);
  /* The target is the end of the window of timestamps that belong to @keep_from (its start
   * + half a period, less a nanosecond): the picture of that frame straddles it and comes
   * first, and when it is a keyframe the demuxer starts there rather than a whole group of
   * pictures earlier. SEEK_EARLY aims half a period before the frame instead, for a frame that
   * has no picture of its own: then the picture before it straddles the target. */
  start = (gint64) self->origin + fidget_frame_to_ns (keep_from, self->fps_num, self->fps_den);
  if (kind == SEEK_EARLY)
    start -= (gint64) self->half_period;
  else
    start += (gint64) self->half_period - 1;
  if (keep_from > 0 && start > 0)
    target = (GstClockTime) start;

  /* A chunk for backward steps starts no earlier than the keyframe before @frame: reaching
   * further back would decode most of the group of pictures before it as well, doubling the
   * cost of the step that misses the cache. The demuxer finds that keyframe; the pictures
   * between it and @keep_from are decoded (those that others refer to) and dropped. */
  if (kind == SEEK_CHUNK && frame > 0)
    {
      gint64 own = (gint64) self->origin + fidget_frame_to_ns (frame, self->fps_num,
                                                               self->fps_den)
                   + (gint64) self->half_period - 1;

      flags = GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT | GST_SEEK_FLAG_SNAP_BEFORE;
      target = (GstClockTime) MAX (own, 0);
    }

  self->cursor = NULL;
  g_clear_pointer (&self->pending, gst_sample_unref);
  self->at_eos = FALSE;
  self->seek_frame = frame;
  self->keep_from = keep_from;
  /* Only an accurate seek cuts the picture that straddles its target. */
  self->seek_target = flags & GST_SEEK_FLAG_ACCURATE ? target : GST_CLOCK_TIME_NONE;
  /* After an accurate seek to the start, the first picture stands for the frames before it
   * too; after a keyframe seek it stands for itself. */
  self->seek_from_start = (flags & GST_SEEK_FLAG_ACCURATE) && target == 0;
  self->stats.seeks++;
  /* Pictures that end a period before the first one wanted are only decoded for the sake of
   * others, if at all. */
  g_mutex_lock (&self->stream_lock);
  self->skip_before = keep_from > 0 && start > (gint64) (2 * self->half_period)
                      ? start - (gint64) (2 * self->half_period) : -1;
  g_mutex_unlock (&self->stream_lock);

  if (!gst_element_seek (self->pipeline, 1.0, GST_FORMAT_TIME, flags, GST_SEEK_TYPE_SET, target,
                         GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot seek to frame %" G_GINT64_FORMAT ": the demuxer refused",
                   self->display, frame);
      return FALSE;
    }
  return TRUE;
}

/* The frame a pulled picture belongs to, and its stream time. */
static gint64
fidget_player_sample_frame (FidgetPlayer *self,
                            GstSample    *sample,
                            gint64        previous_own,
                            GstClockTime *stream_time_out)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstClockTime stream_time = GST_CLOCK_TIME_NONE;
  gint64 own;

  if (GST_CLOCK_TIME_IS_VALID (pts) && segment != NULL && segment->format == GST_FORMAT_TIME)
    stream_time = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, pts);

  /* The decoder cuts the picture that straddles an accurate seek's target down to the
   * target, start and duration: where it began is its end less a whole period. */
  if (previous_own < 0 && !self->seek_from_start &&
      GST_CLOCK_TIME_IS_VALID (self->seek_target) && stream_time == self->seek_target &&
      GST_BUFFER_DURATION_IS_VALID (buffer))
    {
      GstClockTime period = gst_util_uint64_scale (GST_SECOND, self->fps_den, self->fps_num);
      GstClockTime end = stream_time + GST_BUFFER_DURATION (buffer);

      stream_time = end > period ? end - period : 0;
    }

  if (GST_CLOCK_TIME_IS_VALID (stream_time))
    own = fidget_ns_to_nearest_frame ((gint64) stream_time - (gint64) self->origin,
                                      self->fps_num, self->fps_den);
  else if (previous_own >= 0)
    own = previous_own + 1;
  else
    own = self->seek_frame;
  own = MAX (own, 0);

  /* Timestamps that repeat or go backwards still give each picture a frame of its own. */
  if (previous_own >= 0 && own <= previous_own)
    own = previous_own + 1;
  if (!GST_CLOCK_TIME_IS_VALID (stream_time))
    stream_time = self->origin + fidget_frame_to_ns (own, self->fps_num, self->fps_den);

  *stream_time_out = stream_time;
  return own;
}

/* Takes one pulled picture into the cache and makes it the cursor. */
static void
fidget_player_take_sample (FidgetPlayer *self,
                           GstSample    *sample,
                           gint64        own,
                           GstClockTime  stream_time)
{
  CacheEntry *previous = self->cursor;
  gint64 from;

  from = previous == NULL && self->seek_from_start ? 0 : own;
  if (previous != NULL)
    previous->until = own;
  self->cursor = fidget_player_cache_insert (self, own, from, stream_time, sample);
}

/* Pulls the next picture. Pictures before the range worth keeping are held back, uncopied,
 * until the next one shows they are not needed. Returns FALSE on error; sets *eos at the
 * end of the stream. */
static gboolean
fidget_player_advance (FidgetPlayer  *self,
                       gboolean      *eos,
                       GCancellable  *cancellable,
                       GError       **error)
{
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      GstClockTime stream_time;
      gint64 previous_own;
      gint64 own;

      *eos = FALSE;
      if (!fidget_player_pull (self, FALSE, &sample, cancellable, error))
        return FALSE;

      if (sample == NULL)
        {
          /* The last picture held back is the last of the stream: it counts. */
          if (self->pending != NULL)
            {
              fidget_player_take_sample (self, self->pending, self->pending_own,
                                         self->pending_time);
              g_clear_pointer (&self->pending, gst_sample_unref);
            }
          *eos = TRUE;
          return TRUE;
        }

      previous_own = self->cursor != NULL ? self->cursor->own
                                          : (self->pending != NULL ? self->pending_own : -1);
      own = fidget_player_sample_frame (self, sample, previous_own, &stream_time);

      if (own < self->keep_from)
        {
          /* Only the first held-back picture may stand for the leading frames. */
          if (self->pending == NULL && self->cursor == NULL && self->seek_from_start)
            {
              fidget_player_take_sample (self, sample, own, stream_time);
              return TRUE;
            }
          /* The picture read before ends here; what follows is not cached until needed. */
          if (self->cursor != NULL)
            {
              self->cursor->until = own;
              self->cursor = NULL;
              self->seek_from_start = FALSE;
            }
          g_clear_pointer (&self->pending, gst_sample_unref);
          self->pending = g_steal_pointer (&sample);
          self->pending_own = own;
          self->pending_time = stream_time;
          continue;
        }

      /* The picture before the kept range covers the frames up to this one. */
      if (self->pending != NULL && own > self->keep_from)
        fidget_player_take_sample (self, self->pending, self->pending_own, self->pending_time);
      g_clear_pointer (&self->pending, gst_sample_unref);
      fidget_player_take_sample (self, sample, own, stream_time);
      return TRUE;
    }
}

/* Reads forward from the current position until the picture shown for @index is known. */
static CacheEntry *
fidget_player_read_to (FidgetPlayer  *self,
                       gint64         index,
                       GCancellable  *cancellable,
                       GError       **error)
{
  guint reseeks = 0;

  for (;;)
    {
      CacheEntry *cursor = self->cursor;
      gboolean eos = FALSE;

      if (cursor != NULL && cursor->from <= index && (cursor->own == index || cursor->until > index))
        return cursor;

      /* The first picture after the seek lies beyond @index (frames dropped there, or the
       * file's last picture starts before it): start again further back. */
      if ((cursor != NULL && cursor->from > index) || (cursor == NULL && self->at_eos))
        {
          gint64 back;

          if (self->seek_from_start || reseeks >= MAX_RESEEKS)
            {
              if (cursor != NULL)
                return cursor;
              g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                           "“%s” has no picture for frame %" G_GINT64_FORMAT,
                           self->display, index);
              return NULL;
            }
          reseeks++;
          back = self->keep_from - (gint64) (reseeks - 1) * self->fps_num / self->fps_den;
          if (!fidget_player_seek (self, index, MIN (back, index), SEEK_EARLY, error))
            return NULL;
          continue;
        }

      if (self->at_eos)
        {
          /* Past the last picture: it is shown up to the end of the video. */
          cursor->until = MAX (self->frame_count, cursor->own + 1);
          continue;
        }

      /* The picture under the cursor may turn out to be the one for @index once the next
       * one shows where it ends: keep it through the cache's trimming. */
      self->held = cursor;
      if (!fidget_player_advance (self, &eos, cancellable, error))
        {
          self->held = NULL;
          return NULL;
        }
      self->held = NULL;
      if (cursor != NULL && cursor != self->cursor && cursor->from <= index &&
          cursor->until > index)
        return cursor;
      if (eos)
        {
          cursor = self->cursor;
          self->at_eos = TRUE;
          /* The stream ends well before the frames the project counted (the probe allows
           * for up to two missing periods at the end): the file changed since its import. */
          if (cursor != NULL && index > cursor->own && cursor->own + 3 < self->frame_count)
            {
              g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_TRUNCATED,
                           "“%s” ends at frame %" G_GINT64_FORMAT " but holds %" G_GINT64_FORMAT
                           " frames by the project's count: the file was cut short or replaced",
                           self->display, cursor->own, self->frame_count);
              return NULL;
            }
        }
    }
}

static gboolean
fidget_player_restart (FidgetPlayer  *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  gboolean eos = FALSE;

  /* After an error the elements are stopped for good: start them over from the beginning. */
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_mutex_lock (&self->stream_lock);
  g_clear_error (&self->stream_error);
  g_clear_pointer (&self->stream_error_source, g_free);
  self->have_video = FALSE;
  self->no_more_pads = FALSE;
  g_mutex_unlock (&self->stream_lock);
  self->needs_restart = FALSE;
  self->cursor = NULL;
  g_clear_pointer (&self->pending, gst_sample_unref);
  self->at_eos = FALSE;
  self->seek_frame = 0;
  self->keep_from = 0;
  self->seek_from_start = TRUE;

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    g_debug ("Restarting %s failed at once; the bus says why", self->display);
  if (!fidget_player_advance (self, &eos, cancellable, error))
    return FALSE;
  if (eos)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” delivered no picture when opened again", self->display);
      self->needs_restart = TRUE;
      return FALSE;
    }
  return TRUE;
}

static CacheEntry *
fidget_player_fetch (FidgetPlayer  *self,
                     gint64         index,
                     gint64         previous,
                     GCancellable  *cancellable,
                     GError       **error)
{
  CacheEntry *entry = fidget_player_cache_lookup (self, index);
  gint64 reach = (gint64) FORWARD_REACH_SECONDS * self->fps_num / self->fps_den;
  gint64 backfill = fidget_player_backfill (self);
  gint64 position;

  if (entry != NULL)
    {
      self->stats.cache_hits++;
      return entry;
    }

  if (self->needs_restart && !fidget_player_restart (self, cancellable, error))
    return NULL;

  /* Where reading on would start from: the last picture pulled, or the frame just sought. */
  position = self->cursor != NULL ? self->cursor->own : self->seek_frame;
  if (self->at_eos || index < position || index > position + reach)
    {
      gint64 keep_from = index;
      SeekKind kind = SEEK_EXACT;

      /* A step back from the frame shown before: keep a whole chunk that ends here, so that
       * the next steps back are cache hits. */
      if (index < previous && previous - index <= MAX (reach, 1))
        {
          keep_from = index - backfill + 1;
          kind = SEEK_CHUNK;
        }
      if (!fidget_player_seek (self, index, MAX (keep_from, 0), kind, error))
        return NULL;
    }

  return fidget_player_read_to (self, index, cancellable, error);
}

static FidgetFrame *
fidget_player_convert (FidgetPlayer  *self,
                       CacheEntry    *entry,
                       GError       **error)
{
  GstVideoInfo in_info;
  GstVideoInfo out_info;
  GstVideoFrame in_frame;
  GstVideoFrame out_frame;
  GstBuffer *out;
  FidgetFrame *frame;

  if (entry->bgra != NULL)
    {
      g_queue_remove (&self->hot, entry);
      g_queue_push_head (&self->hot, entry);
      return fidget_frame_ref (entry->bgra);
    }

  if (!gst_video_info_from_caps (&in_info, entry->caps))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” gave a picture in a format the player cannot read", self->display);
      return NULL;
    }
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_BGRA,
                             GST_VIDEO_INFO_WIDTH (&in_info), GST_VIDEO_INFO_HEIGHT (&in_info));
  /* The converter changes pixels only: rate, aspect and field order must match. */
  GST_VIDEO_INFO_FPS_N (&out_info) = GST_VIDEO_INFO_FPS_N (&in_info);
  GST_VIDEO_INFO_FPS_D (&out_info) = GST_VIDEO_INFO_FPS_D (&in_info);
  GST_VIDEO_INFO_PAR_N (&out_info) = GST_VIDEO_INFO_PAR_N (&in_info);
  GST_VIDEO_INFO_PAR_D (&out_info) = GST_VIDEO_INFO_PAR_D (&in_info);
  GST_VIDEO_INFO_INTERLACE_MODE (&out_info) = GST_VIDEO_INFO_INTERLACE_MODE (&in_info);

  if (self->converter == NULL || !gst_video_info_is_equal (&self->converter_in, &in_info))
    {
      guint threads = MIN (g_get_num_processors (), 4);

      g_clear_pointer (&self->converter, gst_video_converter_free);
      self->converter_in = in_info;
      self->converter = gst_video_converter_new (&in_info, &out_info,
                                                 gst_structure_new ("options",
                                                                    GST_VIDEO_CONVERTER_OPT_THREADS,
                                                                    G_TYPE_UINT, threads,
                                                                    GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
                                                                    GST_TYPE_VIDEO_DITHER_METHOD,
                                                                    GST_VIDEO_DITHER_NONE,
                                                                    NULL));
    }

  out = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&out_info), NULL);
  gst_buffer_add_video_meta (out, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_BGRA,
                             GST_VIDEO_INFO_WIDTH (&out_info), GST_VIDEO_INFO_HEIGHT (&out_info));
  if (!gst_video_frame_map (&in_frame, &in_info, entry->buffer, GST_MAP_READ))
    {
      gst_buffer_unref (out);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   "“%s” gave a picture the player cannot read", self->display);
      return NULL;
    }
  if (!gst_video_frame_map (&out_frame, &out_info, out, GST_MAP_WRITE))
    g_error ("Cannot map a new frame buffer for writing");
  gst_video_converter_frame (self->converter, &in_frame, &out_frame);
  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&in_frame);
  self->stats.conversions++;

  frame = fidget_frame_new (out, entry->own, (gint64) entry->pts,
                            GST_VIDEO_INFO_WIDTH (&out_info), GST_VIDEO_INFO_HEIGHT (&out_info),
                            GST_VIDEO_INFO_PLANE_STRIDE (&out_info, 0));

  entry->bgra = fidget_frame_ref (frame);
  g_queue_push_head (&self->hot, entry);
  while (self->hot.length > HOT_FRAMES)
    {
      CacheEntry *cold = g_queue_pop_tail (&self->hot);

      g_clear_pointer (&cold->bgra, fidget_frame_unref);
    }
  return frame;
}

/* Takes @lock for a frame asked for. Reading ahead holds it one picture at a time and lets
 * go of it for good once a request waits: GMutex is not fair, and a reader that takes it
 * again at once could keep a key press waiting for the whole read. */
static void
fidget_player_lock_for_request (FidgetPlayer *self)
{
  g_atomic_int_inc (&self->requests_waiting);
  g_mutex_lock (&self->lock);
  g_atomic_int_add (&self->requests_waiting, -1);
}

static gboolean
fidget_player_check_index (FidgetPlayer  *self,
                           gint64         index,
                           GError       **error)
{
  if (index >= 0 && index < self->frame_count)
    return TRUE;
  g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
               "“%s” has no frame %" G_GINT64_FORMAT ": its frames are 0 to %" G_GINT64_FORMAT,
               self->display, index, self->frame_count - 1);
  return FALSE;
}

FidgetFrame *
fidget_player_get_frame (FidgetPlayer  *self,
                         gint64         index,
                         GCancellable  *cancellable,
                         GError       **error)
{
  CacheEntry *entry;
  FidgetFrame *frame = NULL;
  gint64 previous;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fidget_player_lock_for_request (self);
  self->stats.requests++;

  if (!fidget_player_check_index (self, index, error))
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  previous = self->playhead;
  self->playhead = index;
  entry = fidget_player_fetch (self, index, previous, cancellable, error);
  if (entry != NULL)
    frame = fidget_player_convert (self, entry, error);
  g_mutex_unlock (&self->lock);

  return frame;
}

FidgetFrame *
fidget_player_get_keyframe_before (FidgetPlayer  *self,
                                   gint64         index,
                                   gint64        *shows,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  CacheEntry *entry;
  FidgetFrame *frame = NULL;
  gboolean eos = FALSE;
  gint64 position;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), NULL);
  g_return_val_if_fail (shows != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fidget_player_lock_for_request (self);
  self->stats.requests++;
  if (!fidget_player_check_index (self, index, error))
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  entry = fidget_player_cache_lookup (self, index);
  position = self->cursor != NULL ? self->cursor->own : self->seek_frame;
  if (entry != NULL)
    {
      self->stats.cache_hits++;
      *shows = index;
    }
  else if (!self->needs_restart && !self->at_eos && index > position &&
           index - position <= SCRUB_READ_ON)
    {
      /* A few pictures on cost less than a keyframe: the frame itself. */
      entry = fidget_player_read_to (self, index, cancellable, error);
      *shows = index;
    }
  else if ((!self->needs_restart || fidget_player_restart (self, cancellable, error)) &&
           /* From no later than @index's keyframe, keeping every picture: the first one out
            * is that keyframe, and reading on from it needs no seek. */
           fidget_player_seek (self, index, 0, SEEK_CHUNK, error) &&
           fidget_player_advance (self, &eos, cancellable, error))
    {
      entry = self->cursor;
      if (eos || entry == NULL)
        {
          self->at_eos = eos;
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       "“%s” has no picture at or before frame %" G_GINT64_FORMAT,
                       self->display, index);
          entry = NULL;
        }
      else
        *shows = entry->own;
    }

  if (entry != NULL)
    {
      self->playhead = *shows;
      frame = fidget_player_convert (self, entry, error);
    }
  g_mutex_unlock (&self->lock);
  return frame;
}

gboolean
fidget_player_is_cached (FidgetPlayer *self,
                         gint64        index)
{
  gboolean cached;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), FALSE);

  g_mutex_lock (&self->lock);
  cached = index >= 0 && index < self->frame_count &&
           fidget_player_cache_lookup (self, index) != NULL;
  g_mutex_unlock (&self->lock);
  return cached;
}

gboolean
fidget_player_decode_before (FidgetPlayer  *self,
                             gint64         index,
                             GCancellable  *cancellable,
                             GError       **error)
{
  gint64 target;
  gboolean ok = TRUE;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  target = MIN (index, self->frame_count) - 1;
  if (target >= 0 && fidget_player_cache_lookup (self, target) == NULL)
    {
      /* What fidget_player_fetch() does for a step back from @index. */
      if (self->needs_restart && !fidget_player_restart (self, cancellable, error))
        ok = FALSE;
      else
        ok = fidget_player_seek (self, target,
                                 MAX (target - fidget_player_backfill (self) + 1, 0),
                                 SEEK_CHUNK, error) &&
             fidget_player_read_to (self, target, cancellable, error) != NULL;
      self->playhead = target;
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

gint64
fidget_player_read_ahead (FidgetPlayer  *self,
                          gint64         index,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gint64 read = 0;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  for (gint64 next = index + 1;; next++)
    {
      gint64 reach;
      gint64 last;
      gint64 position;
      gboolean ok = TRUE;

      /* One picture per hold of the lock, and none once a frame is asked for: that request
       * waits for one picture at most, not for the whole read. */
      if (g_cancellable_is_cancelled (cancellable) ||
          g_atomic_int_get (&self->requests_waiting) > 0)
        break;
      g_mutex_lock (&self->lock);
      reach = (gint64) FORWARD_REACH_SECONDS * self->fps_num / self->fps_den;
      /* Within the half of the cache kept ahead of the playhead, so that what is read never
       * pushes out the chunk kept behind it. */
      last = MIN (index + MIN (reach, fidget_player_backfill (self) - 1), self->frame_count - 1);
      position = self->cursor != NULL ? self->cursor->own : self->seek_frame;
      if (self->playhead != index || next > last || self->needs_restart)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      if (fidget_player_cache_lookup (self, next) == NULL)
        {
          /* Never a seek: that is no cheaper when the frame is asked for. */
          if (self->at_eos || position < index || position >= next)
            {
              g_mutex_unlock (&self->lock);
              break;
            }
          /* A picture at a time, so @cancellable is only looked at between them. */
          ok = fidget_player_read_to (self, next, NULL, error) != NULL;
          if (ok)
            {
              self->stats.frames_read_ahead++;
              read++;
            }
        }
      g_mutex_unlock (&self->lock);
      if (!ok)
        return -1;
    }
  return read;
}

typedef struct
{
  gint64        lo;
  gint64        hi;
  GPtrArray    *found;
} AdoptSearch;

static gboolean
collect_in_range (gpointer key,
                  gpointer value,
                  gpointer data)
{
  CacheEntry *entry = value;
  AdoptSearch *search = data;

  if (entry->own > search->hi)
    return TRUE;
  if (entry->own >= search->lo)
    {
      CacheEntry *copy = g_new0 (CacheEntry, 1);

      copy->own = entry->own;
      copy->from = entry->from;
      copy->until = entry->until;
      copy->pts = entry->pts;
      copy->buffer = gst_buffer_ref (entry->buffer);
      copy->caps = gst_caps_ref (entry->caps);
      copy->size = entry->size;
      g_ptr_array_add (search->found, copy);
    }
  return FALSE;
}

guint
fidget_player_adopt_pictures (FidgetPlayer *self,
                              FidgetPlayer *donor,
                              gint64        first,
                              gint64        last)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (cache_entry_free);
  AdoptSearch search = { first, last, found };
  guint taken = 0;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  g_return_val_if_fail (FIDGET_IS_PLAYER (donor), 0);
  g_return_val_if_fail (donor != self, 0);

  /* The buffers are never written once cached, so both caches can hold the same ones. */
  g_mutex_lock (&donor->lock);
  g_tree_foreach (donor->cache, collect_in_range, &search);
  g_mutex_unlock (&donor->lock);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < found->len; i++)
    {
      CacheEntry *entry = g_ptr_array_index (found, i);

      if (g_tree_lookup (self->cache, &entry->own) != NULL)
        continue;
      fidget_player_cache_trim (self, entry->size);
      entry->used = ++self->tick;
      g_tree_insert (self->cache, &entry->own, entry);
      self->bytes += entry->size;
      found->pdata[i] = NULL;
      taken++;
    }
  g_mutex_unlock (&self->lock);
  return taken;
}

/* The request of a worker thread: a frame, or for scrubbing the keyframe before it. */
typedef struct
{
  gint64   index;
  gboolean keyframe;
  gint64   shows;     /* the frame of the picture found */
} FrameTask;

static void
frame_task_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FrameTask *request = task_data;
  GError *error = NULL;
  FidgetFrame *frame;

  request->shows = request->index;
  frame = request->keyframe
          ? fidget_player_get_keyframe_before (source_object, request->index, &request->shows,
                                               cancellable, &error)
          : fidget_player_get_frame (source_object, request->index, cancellable, &error);
  if (frame == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, frame, (GDestroyNotify) fidget_frame_unref);
}

static void
frame_task_run (FidgetPlayer        *self,
                gint64               index,
                gboolean             keyframe,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  FrameTask *request = g_new0 (FrameTask, 1);

  request->index = index;
  request->keyframe = keyframe;
  request->shows = -1;
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, keyframe ? "fidget_player_get_keyframe_before_async"
                                  : "fidget_player_get_frame_async");
  g_task_set_task_data (task, request, g_free);
  g_task_run_in_thread (task, frame_task_thread);
}

void
fidget_player_get_frame_async (FidgetPlayer        *self,
                               gint64               index,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));

  frame_task_run (self, index, FALSE, fidget_player_get_frame_async, cancellable, callback,
                  user_data);
}

FidgetFrame *
fidget_player_get_frame_finish (FidgetPlayer  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fidget_player_get_keyframe_before_async (FidgetPlayer        *self,
                                         gint64               index,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));

  frame_task_run (self, index, TRUE, fidget_player_get_keyframe_before_async, cancellable,
                  callback, user_data);
}

FidgetFrame *
fidget_player_get_keyframe_before_finish (FidgetPlayer  *self,
                                          GAsyncResult  *result,
                                          gint64        *shows,
                                          GError       **error)
{
  FrameTask *request;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (shows != NULL, NULL);

  request = g_task_get_task_data (G_TASK (result));
  *shows = request->shows;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Opening                                                                                     */

static gboolean
fidget_player_build (FidgetPlayer  *self,
                     GError       **error)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *decodebin = gst_element_factory_make ("decodebin", NULL);
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  GstElement *upright;

  if (src == NULL || decodebin == NULL || convert == NULL || sink == NULL)
    {
      gst_clear_object (&src);
      gst_clear_object (&decodebin);
      gst_clear_object (&convert);
      gst_clear_object (&sink);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_MISSING_DECODER,
                   "“%s” cannot be played: this machine lacks GStreamer's base elements "
                   "(install gstreamer1.0-plugins-base)", self->display);
      return FALSE;
    }

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("fidget-player"));
  self->convert = gst_object_ref (convert);
  self->appsink = gst_object_ref (sink);

  g_object_set (src, "location", self->path, NULL);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", NULL);
  /* Unsynchronised and blocking: the decoder works a few pictures ahead and then waits. */
  g_object_set (sink,
                "caps", caps,
                "sync", FALSE,
                "max-buffers", 3,
                "drop", FALSE,
                "enable-last-sample", FALSE,
                "emit-signals", FALSE,
                NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), src, decodebin, convert, sink, NULL);
  /* After the conversion to I420, which it turns: the picture stands as it was filmed. */
  upright = fidget_upright_new_element ();
  if (upright != NULL)
    gst_bin_add (GST_BIN (self->pipeline), upright);
  if (!gst_element_link (src, decodebin) ||
      !(upright != NULL ? gst_element_link_many (convert, upright, sink, NULL)
                        : gst_element_link (convert, sink)))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot be played: the decoding pipeline could not be built",
                   self->display);
      return FALSE;
    }

  g_signal_connect (decodebin, "autoplug-continue", G_CALLBACK (on_autoplug_continue), self);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added), self);
  g_signal_connect (decodebin, "no-more-pads", G_CALLBACK (on_no_more_pads), self);
  g_signal_connect (self->pipeline, "deep-element-added", G_CALLBACK (on_deep_element_added),
                    self);

  bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, self, NULL);
  return TRUE;
}

FidgetPlayer *
fidget_player_open (const char              *path,
                    const FidgetPlayerGrid  *grid,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  g_autoptr(FidgetPlayer) self = NULL;
  g_autoptr(GstSample) sample = NULL;
  GstStructure *s;
  const GstSegment *segment;
  GstClockTime first;
  gint64 duration = -1;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fidget_media_init ();

  self = g_object_new (FIDGET_TYPE_PLAYER, NULL);
  self->path = g_strdup (path);
  self->display = g_filename_display_basename (path);

  if (!fidget_media_check_file (path, self->display, error))
    return NULL;
  if (!fidget_player_build (self, error))
    return NULL;

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    g_debug ("Opening %s failed at once; the bus says why", self->display);

  if (!fidget_player_pull (self, TRUE, &sample, cancellable, error))
    return NULL;
  if (sample == NULL)
    {
      if (!fidget_player_take_stream_error (self, TRUE, error))
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                     "“%s” cannot be played: its video stream holds no picture", self->display);
      return NULL;
    }

  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  gst_structure_get_int (s, "width", &self->width);
  gst_structure_get_int (s, "height", &self->height);
  if (!gst_structure_get_fraction (s, "pixel-aspect-ratio", &self->par_n, &self->par_d) ||
      self->par_n <= 0 || self->par_d <= 0)
    self->par_n = self->par_d = 1;

  if (grid != NULL && grid->fps_num > 0 && grid->fps_den > 0)
    {
      self->fps_num = grid->fps_num;
      self->fps_den = grid->fps_den;
    }
  else if (!gst_structure_get_fraction (s, "framerate", &self->fps_num, &self->fps_den) ||
           self->fps_num <= 0 || self->fps_den <= 0)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” declares no frame rate; import it into a project first, which measures "
                   "one", self->display);
      return NULL;
    }
  self->half_period = gst_util_uint64_scale (GST_SECOND / 2, self->fps_den, self->fps_num);

  /* The same origin as the probe's: the stream's zero, unless its clock starts far away. */
  segment = gst_sample_get_segment (sample);
  first = gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
                                      GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
  self->origin = GST_CLOCK_TIME_IS_VALID (first) && first >= GST_SECOND ? first : 0;

  if (grid != NULL && grid->frame_count > 0)
    self->frame_count = grid->frame_count;
  else if (gst_element_query_duration (self->pipeline, GST_FORMAT_TIME, &duration) && duration > 0)
    self->frame_count = MAX (1, fidget_ns_to_nearest_frame (duration - (gint64) self->origin,
                                                            self->fps_num, self->fps_den));
  else
    self->frame_count = G_MAXINT64;

  self->seek_frame = 0;
  self->keep_from = 0;
  self->seek_from_start = TRUE;
  {
    GstClockTime stream_time;
    gint64 own = fidget_player_sample_frame (self, sample, -1, &stream_time);

    fidget_player_take_sample (self, sample, own, stream_time);
  }

  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------------------------------ */
/* Properties and the cache's controls                                                         */

const char *
fidget_player_get_path (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), NULL);
  return self->path;
}

int
fidget_player_get_width (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  return self->width;
}

int
fidget_player_get_height (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  return self->height;
}

void
fidget_player_get_pixel_aspect (FidgetPlayer *self,
                                int          *par_n,
                                int          *par_d)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));

  if (par_n != NULL)
    *par_n = self->par_n;
  if (par_d != NULL)
    *par_d = self->par_d;
}

int
fidget_player_get_fps_num (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  return self->fps_num;
}

int
fidget_player_get_fps_den (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 1);
  return self->fps_den;
}

gint64
fidget_player_get_frame_count (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  return self->frame_count;
}

gint64
fidget_player_get_origin_ns (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  return (gint64) self->origin;
}

void
fidget_player_set_cache_budget (FidgetPlayer *self,
                                gsize         bytes)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));

  g_mutex_lock (&self->lock);
  self->budget = bytes;
  fidget_player_cache_trim (self, 0);
  g_mutex_unlock (&self->lock);
}

gsize
fidget_player_get_cache_budget (FidgetPlayer *self)
{
  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0);
  return self->budget;
}

static gboolean
collect_entry (gpointer key,
               gpointer value,
               gpointer user_data)
{
  g_ptr_array_add (user_data, value);
  return FALSE;
}

void
fidget_player_clear_cache (FidgetPlayer *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  g_return_if_fail (FIDGET_IS_PLAYER (self));

  g_mutex_lock (&self->lock);
  g_tree_foreach (self->cache, collect_entry, entries);
  for (guint i = 0; i < entries->len; i++)
    {
      CacheEntry *entry = g_ptr_array_index (entries, i);

      /* The picture under the read position stays: reading on needs to know what it was. */
      if (entry != self->cursor)
        fidget_player_cache_remove (self, entry);
    }
  g_mutex_unlock (&self->lock);
}

GstSample *
fidget_player_peek_picture (FidgetPlayer *self,
                            gint64        index)
{
  CacheEntry *entry = NULL;
  GstSample *sample = NULL;
  gboolean as_decoded;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), NULL);

  g_mutex_lock (&self->stream_lock);
  as_decoded = self->decodes_i420;
  g_mutex_unlock (&self->stream_lock);

  g_mutex_lock (&self->lock);
  self->stats.peeks++;
  /* Pictures the player converted on their way in are not the decoder's own: others would
   * convert them differently. */
  if (as_decoded && index >= 0 && index < self->frame_count)
    entry = fidget_player_cache_lookup (self, index);
  if (entry != NULL)
    {
      self->stats.peek_hits++;
      sample = gst_sample_new (entry->buffer, entry->caps, NULL, NULL);
    }
  g_mutex_unlock (&self->lock);
  return sample;
}

void
fidget_player_get_stats (FidgetPlayer      *self,
                         FidgetPlayerStats *stats)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  stats->pictures_skipped = (guint64) g_atomic_int_get (&self->skipped);
  stats->cache_bytes = self->bytes;
  stats->cache_pictures = (guint) g_tree_nnodes (self->cache);
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------------------------ */
/* Audio                                                                                       */

/* The sound plays from a pipeline of its own (filesrc ! decodebin ! audioconvert ! scaletempo
 * ! audioconvert ! audioresample ! volume ! sink), apart from the pictures, which are read
 * frame by frame and never wait for a clock. The two stay together by sharing a clock: the
 * audio pipeline runs on GStreamer's monotonic system clock, the clock of
 * g_get_monotonic_time(), with its base time set to the moment the caller shows the first
 * frame. A sample of stream time t then plays at started + (t - start) / speed, exactly when
 * fidget_playback_frame_at() shows the frame that holds t, however long the sound takes to
 * start and however long playback lasts (the sink follows the clock rather than the sound
 * card's own pace). */

static GstBusSyncReply
on_audio_bus_message (GstBus     *bus,
                      GstMessage *message,
                      gpointer    user_data)
{
  FidgetPlayer *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_debug ("The sound of %s stops: %s", self->display, error->message);
      g_atomic_int_set (&self->audio_error, 1);
    }
  return GST_BUS_DROP;
}

/* Whether some demuxer takes @caps: a container to take apart, not a stream to leave. */
static gboolean
caps_are_container (GstCaps *caps)
{
  static gsize once;
  static GList *demuxers;
  GList *fit;
  gboolean container;

  if (g_once_init_enter (&once))
    {
      demuxers = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_DEMUXER,
                                                        GST_RANK_MARGINAL);
      g_once_init_leave (&once, 1);
    }
  fit = gst_element_factory_list_filter (demuxers, caps, GST_PAD_SINK, FALSE);
  container = fit != NULL;
  gst_plugin_feature_list_free (fit);
  return container;
}

static gboolean
on_audio_autoplug_continue (GstElement *decodebin,
                            GstPad     *pad,
                            GstCaps    *caps,
                            gpointer    user_data)
{
  const char *name;

  /* The container (video/x-matroska, video/quicktime) is taken apart; the pictures that come
   * out of it are left as they are stored, undecoded: this pipeline only plays the sound. */
  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return TRUE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_has_prefix (name, "audio/"))
    return TRUE;
  return caps_are_container (caps);
}

static void
on_audio_pad_added (GstElement *decodebin,
                    GstPad     *pad,
                    gpointer    user_data)
{
  GstElement *first = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (first, "sink");
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (first));

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && gst_caps_get_size (caps) > 0 &&
      g_str_equal (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "audio/x-raw") &&
      !gst_pad_is_linked (sinkpad))
    gst_pad_link (pad, sinkpad);
  else if (pipeline != NULL)
    {
      GstElement *sink = gst_element_factory_make ("fakesink", NULL);
      g_autoptr(GstPad) fakepad = NULL;

      /* Pictures and further sound tracks end here, so that none stops the demuxer. */
      g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
      gst_bin_add (GST_BIN (pipeline), sink);
      fakepad = gst_element_get_static_pad (sink, "sink");
      gst_pad_link (pad, fakepad);
      gst_element_sync_state_with_parent (sink);
    }
  g_clear_object (&pipeline);
}

/* Called under @audio_lock. */
static void
fidget_player_audio_teardown (FidgetPlayer *self)
{
  if (self->audio_pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (self->audio_pipeline);

      gst_element_set_state (self->audio_pipeline, GST_STATE_NULL);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    }
  gst_clear_object (&self->audio_pipeline);
  gst_clear_object (&self->audio_volume);
  self->audio_playing = FALSE;
  g_atomic_int_set (&self->audio_error, 0);
}

/* Makes the audio pipeline and starts it pausing (async): it is ready by the time playback
 * starts. Called under @audio_lock. FALSE, silently, when there is no sound to be had. */
static gboolean
fidget_player_audio_build (FidgetPlayer *self)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstClock) clock = NULL;
  GstElement *pipeline, *src, *decodebin, *convert, *tempo, *convert2, *resample, *volume, *sink;

  if (self->audio_pipeline != NULL)
    return TRUE;
  if (self->audio_failed)
    return FALSE;

  pipeline = gst_pipeline_new ("fidget-player-audio");
  src = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  tempo = gst_element_factory_make ("scaletempo", NULL);
  convert2 = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  volume = gst_element_factory_make ("volume", NULL);
  /* The caller's sink stays the caller's: the bin takes a reference of its own. */
  sink = self->audio_sink != NULL ? self->audio_sink
                                  : gst_element_factory_make ("autoaudiosink", NULL);
  self->audio_scaletempo = tempo != NULL;
  if (tempo == NULL)
    tempo = gst_element_factory_make ("identity", NULL);

  gst_object_ref_sink (pipeline);
  if (src == NULL || decodebin == NULL || convert == NULL || tempo == NULL ||
      convert2 == NULL || resample == NULL || volume == NULL || sink == NULL)
    {
      /* Not even a sink element: no sound, and no reason to say more than a debug line. */
      g_debug ("%s plays without sound: GStreamer's audio elements are missing", self->display);
      GstElement *made[] = { src, decodebin, convert, tempo, convert2, resample, volume,
                             self->audio_sink == NULL ? sink : NULL };

      for (guint i = 0; i < G_N_ELEMENTS (made); i++)
        if (made[i] != NULL)
          gst_object_unref (gst_object_ref_sink (made[i]));
      gst_object_unref (pipeline);
      self->audio_failed = TRUE;
      return FALSE;
    }

  g_object_set (src, "location", self->path, NULL);
  g_object_set (volume, "volume", self->volume, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, decodebin, convert, tempo, convert2, resample,
                    volume, sink, NULL);
  if (!gst_element_link (src, decodebin) ||
      !gst_element_link_many (convert, tempo, convert2, resample, volume, sink, NULL))
    {
      g_debug ("%s plays without sound: the audio chain does not link", self->display);
      gst_object_unref (pipeline);
      self->audio_failed = TRUE;
      return FALSE;
    }
  g_signal_connect (decodebin, "autoplug-continue", G_CALLBACK (on_audio_autoplug_continue),
                    NULL);
  g_signal_connect_object (decodebin, "pad-added", G_CALLBACK (on_audio_pad_added), convert, 0);

  /* The clock of g_get_monotonic_time(), whatever the sink offers: see above. */
  clock = gst_object_ref_sink (g_object_new (GST_TYPE_SYSTEM_CLOCK,
                                             "clock-type", GST_CLOCK_TYPE_MONOTONIC,
                                             NULL));
  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);

  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_audio_bus_message, self, NULL);

  self->audio_pipeline = pipeline;
  self->audio_volume = gst_object_ref (volume);
  g_atomic_int_set (&self->audio_error, 0);
  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      /* No audio device (a build machine, a session without sound): stay silent. */
      g_debug ("%s plays without sound: no audio output opens", self->display);
      fidget_player_audio_teardown (self);
      self->audio_failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
fidget_player_has_audio (FidgetPlayer *self)
{
  gboolean has;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), FALSE);

  g_mutex_lock (&self->stream_lock);
  has = self->has_audio_stream;
  g_mutex_unlock (&self->stream_lock);
  g_mutex_lock (&self->audio_lock);
  has = has && !self->audio_failed;
  g_mutex_unlock (&self->audio_lock);
  return has;
}

void
fidget_player_set_audio_sink (FidgetPlayer *self,
                              GstElement   *sink)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));
  g_return_if_fail (sink == NULL || GST_IS_ELEMENT (sink));

  g_mutex_lock (&self->audio_lock);
  fidget_player_audio_teardown (self);
  gst_clear_object (&self->audio_sink);
  if (sink != NULL)
    self->audio_sink = gst_object_ref_sink (sink);
  self->audio_failed = FALSE;
  if (self->audio_enabled)
    fidget_player_audio_build (self);
  g_mutex_unlock (&self->audio_lock);
}

void
fidget_player_set_audio_enabled (FidgetPlayer *self,
                                 gboolean      enabled)
{
  gboolean changed;
  gboolean had, has;

  g_return_if_fail (FIDGET_IS_PLAYER (self));

  had = fidget_player_has_audio (self);
  g_mutex_lock (&self->audio_lock);
  enabled = !!enabled;
  changed = self->audio_enabled != enabled;
  self->audio_enabled = enabled;
  if (!enabled)
    fidget_player_audio_teardown (self);
  else if (had)
    fidget_player_audio_build (self);
  g_mutex_unlock (&self->audio_lock);
  has = fidget_player_has_audio (self);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_ENABLED]);
  if (had != has)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_AUDIO]);
}

gboolean
fidget_player_get_audio_enabled (FidgetPlayer *self)
{
  gboolean enabled;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), FALSE);

  g_mutex_lock (&self->audio_lock);
  enabled = self->audio_enabled;
  g_mutex_unlock (&self->audio_lock);
  return enabled;
}

void
fidget_player_set_volume (FidgetPlayer *self,
                          double        volume)
{
  gboolean changed;

  g_return_if_fail (FIDGET_IS_PLAYER (self));

  volume = CLAMP (volume, 0.0, 1.0);
  g_mutex_lock (&self->audio_lock);
  changed = self->volume != volume;
  self->volume = volume;
  if (self->audio_volume != NULL)
    g_object_set (self->audio_volume, "volume", volume, NULL);
  g_mutex_unlock (&self->audio_lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
}

double
fidget_player_get_volume (FidgetPlayer *self)
{
  double volume;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), 0.0);

  g_mutex_lock (&self->audio_lock);
  volume = self->volume;
  g_mutex_unlock (&self->audio_lock);
  return volume;
}

gboolean
fidget_player_audio_audible_at (double speed)
{
  return speed >= FIDGET_PLAYER_AUDIO_MIN_SPEED - 1e-9 && speed <= 2.0 + 1e-9;
}

gboolean
fidget_player_play_audio (FidgetPlayer *self,
                          gint64        start_frame,
                          double        speed,
                          gint64        started_us)
{
  gboolean playing;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), FALSE);

  if (!fidget_player_has_audio (self))
    return FALSE;
  playing = fidget_player_play_audio_locked (self, start_frame, speed, started_us);
  /* The output may have turned out not to open. */
  if (!fidget_player_has_audio (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_AUDIO]);
  return playing;
}

static gboolean
fidget_player_play_audio_locked (FidgetPlayer *self,
                                 gint64        start_frame,
                                 double        speed,
                                 gint64        started_us)
{
  GstClockTime start;
  gboolean playing = FALSE;

  g_mutex_lock (&self->audio_lock);
  if (g_atomic_int_get (&self->audio_error))
    {
      /* The device went away, or the track is damaged: start afresh, once. */
      fidget_player_audio_teardown (self);
    }
  if (!self->audio_enabled || !fidget_player_audio_audible_at (speed) ||
      !fidget_player_audio_build (self))
    goto out;
  if (!self->audio_scaletempo && speed != 1.0)
    goto out;  /* without scaletempo the pitch would follow the speed: rather silence */

  /* The first time, the pipeline may still be pausing: a seek needs it paused. */
  if (gst_element_get_state (self->audio_pipeline, NULL, NULL, 2 * GST_SECOND) ==
      GST_STATE_CHANGE_FAILURE)
    {
      g_debug ("%s plays without sound: its audio pipeline does not start", self->display);
      fidget_player_audio_teardown (self);
      self->audio_failed = TRUE;
      goto out;
    }

  start = self->origin + (GstClockTime) fidget_frame_to_ns (MAX (start_frame, 0), self->fps_num,
                                                            self->fps_den);
  gst_element_set_state (self->audio_pipeline, GST_STATE_PAUSED);
  /* A flushing seek starts the running time again at zero on @start; the rate makes
   * scaletempo stretch or squeeze the sound to the speed at the same pitch. */
  if (!gst_element_seek (self->audio_pipeline, speed, GST_FORMAT_TIME,
                         GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                         GST_SEEK_TYPE_SET, start, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
    {
      g_debug ("%s: its sound cannot seek to frame %" G_GINT64_FORMAT, self->display,
               start_frame);
      goto out;
    }
  gst_element_set_start_time (self->audio_pipeline, GST_CLOCK_TIME_NONE);
  gst_element_set_base_time (self->audio_pipeline,
                             (GstClockTime) MAX (started_us, 0) * GST_USECOND);
  if (gst_element_set_state (self->audio_pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    {
      g_debug ("%s plays without sound: its audio output refuses to play", self->display);
      fidget_player_audio_teardown (self);
      self->audio_failed = TRUE;
      goto out;
    }
  self->audio_playing = playing = TRUE;

out:
  g_mutex_unlock (&self->audio_lock);
  return playing;
}

void
fidget_player_stop_audio (FidgetPlayer *self)
{
  g_return_if_fail (FIDGET_IS_PLAYER (self));

  g_mutex_lock (&self->audio_lock);
  /* Paused, not stopped: the device stays open and the next start is quick. */
  if (self->audio_pipeline != NULL && self->audio_playing)
    gst_element_set_state (self->audio_pipeline, GST_STATE_PAUSED);
  self->audio_playing = FALSE;
  g_mutex_unlock (&self->audio_lock);
}

gboolean
fidget_player_is_playing_audio (FidgetPlayer *self)
{
  gboolean playing;

  g_return_val_if_fail (FIDGET_IS_PLAYER (self), FALSE);

  g_mutex_lock (&self->audio_lock);
  playing = self->audio_playing && !g_atomic_int_get (&self->audio_error);
  g_mutex_unlock (&self->audio_lock);
  return playing;
}
