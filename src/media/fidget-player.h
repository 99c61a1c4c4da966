/* fidget-player.h: exact frames of a video, by index, from our own decoding pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "fidget-media-init.h"

G_BEGIN_DECLS

/* The frame grid (see README "Import"): frame i of a video is the period
 * [i * fps_den / fps_num, (i + 1) * fps_den / fps_num) seconds from the stream's start, in
 * exact integer arithmetic. A picture belongs to the frame whose start is nearest its
 * timestamp, so containers that round timestamps to milliseconds (Matroska) still land each
 * picture on its own frame. */
gint64 fidget_frame_to_ns        (gint64 frame,
                                  int    fps_num,
                                  int    fps_den);
/* The frame whose period holds @ns (floor). */
gint64 fidget_ns_to_frame        (gint64 ns,
                                  int    fps_num,
                                  int    fps_den);
/* The frame whose start is nearest @ns: the frame a picture timestamped @ns belongs to. */
gint64 fidget_ns_to_nearest_frame (gint64 ns,
                                   int    fps_num,
                                   int    fps_den);

/* One decoded picture, in BGRA with premultiplied (opaque) alpha, 4 bytes a pixel. The data
 * stays valid as long as the frame is referenced; frames are immutable and may be passed
 * between threads. */
typedef struct _FidgetFrame FidgetFrame;

#define FIDGET_TYPE_FRAME (fidget_frame_get_type ())

GType         fidget_frame_get_type   (void) G_GNUC_CONST;
FidgetFrame  *fidget_frame_ref        (FidgetFrame *self);
void          fidget_frame_unref      (FidgetFrame *self);
/* The picture's own frame index: the first frame it was decoded for. Frames without a picture
 * of their own (a dropped frame, leading frames before a late first picture) show the latest
 * picture before them, so fidget_player_get_frame (i) may return a frame whose index is < i. */
gint64        fidget_frame_get_index  (FidgetFrame *self);
/* The picture's stream time, in nanoseconds. */
gint64        fidget_frame_get_pts    (FidgetFrame *self);
int           fidget_frame_get_width  (FidgetFrame *self);
int           fidget_frame_get_height (FidgetFrame *self);
int           fidget_frame_get_stride (FidgetFrame *self);
const guint8 *fidget_frame_get_data   (FidgetFrame *self,
                                       gsize       *size);
/* The frame's pixels as a GstBuffer (BGRA, with a GstVideoMeta); a new reference. */
GstBuffer    *fidget_frame_get_buffer (FidgetFrame *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetFrame, fidget_frame_unref)

/* What the caller knows about the video (from the project): the grid to use. Zero fields are
 * measured from the stream instead. */
typedef struct
{
  int    fps_num;
  int    fps_den;
  gint64 frame_count;
} FidgetPlayerGrid;

/* Counters, for tests and the benchmark. */
typedef struct
{
  guint64 requests;
  guint64 cache_hits;
  guint64 seeks;
  guint64 pictures_decoded;   /* pictures pulled from the pipeline */
  guint64 pictures_skipped;   /* pictures before a seek's target left undecoded */
  guint64 conversions;        /* pictures converted to BGRA */
  gsize   cache_bytes;
  guint   cache_pictures;
  guint64 peeks;              /* fidget_player_peek_picture() calls */
  guint64 peek_hits;          /* ... that found the picture in the cache */
  guint64 frames_read_ahead;  /* frames fidget_player_read_ahead() decoded */
} FidgetPlayerStats;

#define FIDGET_TYPE_PLAYER (fidget_player_get_type ())

G_DECLARE_FINAL_TYPE (FidgetPlayer, fidget_player, FIDGET, PLAYER, GObject)

/* Opens @path and decodes its first picture. Blocking. Errors are in FIDGET_MEDIA_ERROR and
 * name the file. */
FidgetPlayer *fidget_player_open               (const char              *path,
                                                const FidgetPlayerGrid  *grid,
                                                GCancellable            *cancellable,
                                                GError                 **error);

const char   *fidget_player_get_path           (FidgetPlayer            *self);
int           fidget_player_get_width          (FidgetPlayer            *self);
int           fidget_player_get_height         (FidgetPlayer            *self);
/* The pixel aspect ratio: the picture is shown width * par_n / par_d wide. */
void          fidget_player_get_pixel_aspect   (FidgetPlayer            *self,
                                                int                     *par_n,
                                                int                     *par_d);
int           fidget_player_get_fps_num        (FidgetPlayer            *self);
int           fidget_player_get_fps_den        (FidgetPlayer            *self);
gint64        fidget_player_get_frame_count    (FidgetPlayer            *self);
/* Stream time of the start of frame 0 (0 unless the stream's clock starts far from zero). */
gint64        fidget_player_get_origin_ns      (FidgetPlayer            *self);

/* The picture shown for frame @index, decoded exactly (never a nearby keyframe). Blocking and
 * thread-safe: calls from several threads are served one at a time. A frame the decoder
 * cannot produce (the file breaks there) is an error (FIDGET_MEDIA_ERROR_DECODE); the player
 * stays usable for the frames before it. */
FidgetFrame  *fidget_player_get_frame          (FidgetPlayer            *self,
                                                gint64                   index,
                                                GCancellable            *cancellable,
                                                GError                 **error);
/* The same in a worker thread. */
void          fidget_player_get_frame_async    (FidgetPlayer            *self,
                                                gint64                   index,
                                                GCancellable            *cancellable,
                                                GAsyncReadyCallback      callback,
                                                gpointer                 user_data);
FidgetFrame  *fidget_player_get_frame_finish   (FidgetPlayer            *self,
                                                GAsyncResult            *result,
                                                GError                 **error);
/* For scrubbing: a picture near frame @index that costs about one picture's decoding, where
 * an exact seek decodes everything from the keyframe to @index. The frame itself when cached,
 * else the keyframe at or before it; either way the exact picture of the frame set in
 * *@shows. The pipeline stands after it, so reading on from there needs no seek. Blocking;
 * any thread. */
FidgetFrame  *fidget_player_get_keyframe_before (FidgetPlayer          *self,
                                                  gint64                 index,
                                                  gint64                *shows,
                                                  GCancellable          *cancellable,
                                                  GError               **error);
/* The same in a worker thread; *@shows is set with the picture. */
void          fidget_player_get_keyframe_before_async  (FidgetPlayer          *self,
                                                        gint64                 index,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
FidgetFrame  *fidget_player_get_keyframe_before_finish (FidgetPlayer          *self,
                                                        GAsyncResult          *result,
                                                        gint64                *shows,
                                                        GError               **error);

/* The decoded-frame cache: recently used pictures and those around the last requested frame,
 * kept within @bytes (decoded, not yet converted, pictures; 256 MiB by default). */
void          fidget_player_set_cache_budget   (FidgetPlayer            *self,
                                                gsize                    bytes);
gsize         fidget_player_get_cache_budget   (FidgetPlayer            *self);
/* Drops every cached picture, as if the video had just been opened (benchmarks use it to
 * measure the pipeline itself). */
void          fidget_player_clear_cache        (FidgetPlayer            *self);
void          fidget_player_get_stats          (FidgetPlayer            *self,
                                                FidgetPlayerStats       *stats);
/* The picture frame @index shows, exactly as the decoder gave it (I420, with its caps), when
 * the cache holds it; NULL otherwise, and when the player had to convert the decoder's
 * pictures. Never decodes: waits only for a request in progress. Any thread. */
GstSample    *fidget_player_peek_picture       (FidgetPlayer            *self,
                                                gint64                   index);

/* Whether the cache holds the picture frame @index shows. Never decodes. Any thread. */
gboolean      fidget_player_is_cached          (FidgetPlayer            *self,
                                                gint64                   index);
/* A second reader for the steps back: decodes into its own cache the chunk of frames a step
 * back from @index would (the frames before @index, back to their keyframe or half the cache),
 * without converting any. Blocking; any thread. */
gboolean      fidget_player_decode_before      (FidgetPlayer            *self,
                                                gint64                   index,
                                                GCancellable            *cancellable,
                                                GError                 **error);
/* While frame @index is shown: reads on into the cache the frames of the next second (as
 * many as half the cache holds), so that a jump of a second and the steps after it need no
 * decoding. Never seeks: it only carries on from where the last request left the decoder, and
 * stops once another frame is asked for (a request waits for one picture at most), at the end
 * of the video or when @cancellable fires. Returns how many frames it decoded, -1 with @error
 * when the file breaks there. Blocking; any thread. */
gint64        fidget_player_read_ahead         (FidgetPlayer            *self,
                                                gint64                   index,
                                                GCancellable            *cancellable,
                                                GError                 **error);
/* Copies into the cache the pictures @donor (a player of the same file) holds for frames
 * @first to @last that the cache lacks, sharing their buffers. Returns how many it took.
 * Any thread; waits for a request in progress on either. */
guint         fidget_player_adopt_pictures     (FidgetPlayer            *self,
                                                FidgetPlayer            *donor,
                                                gint64                   first,
                                                gint64                   last);

/* Playback timing: the frame due @elapsed_us after frame @start_frame began to play at
 * @speed (0.1 to 2.0), wrapping inside [@loop_start, @loop_end) when @loop_end > @loop_start.
 * Pure arithmetic, so the GUI's frame clock and the tests agree on it. */
gint64        fidget_playback_frame_at         (gint64                   start_frame,
                                                gint64                   elapsed_us,
                                                double                   speed,
                                                int                      fps_num,
                                                int                      fps_den,
                                                gint64                   loop_start,
                                                gint64                   loop_end);

/* Sound. The player plays a video's sound track while the caller shows frames (see
 * fidget_playback_frame_at()): off until enabled, silent where no audio output opens (a build
 * machine), never while frames are stepped or sought, only between fidget_player_play_audio()
 * and fidget_player_stop_audio(). The same as the properties "audio-enabled", "volume" and
 * "has-audio" (for g_object_bind_property() and g_settings_bind()). */

/* Below this speed the sound is left out (stretched further it is noise); from it up to 2x it
 * keeps its pitch (scaletempo); without scaletempo only 1x has sound. */
#define FIDGET_PLAYER_AUDIO_MIN_SPEED 0.5

gboolean      fidget_player_has_audio          (FidgetPlayer            *self);
void          fidget_player_set_audio_enabled  (FidgetPlayer            *self,
                                                gboolean                 enabled);
gboolean      fidget_player_get_audio_enabled  (FidgetPlayer            *self);
/* Linear, 0 to 1; takes effect at once, also while playing. */
void          fidget_player_set_volume         (FidgetPlayer            *self,
                                                double                   volume);
double        fidget_player_get_volume         (FidgetPlayer            *self);
/* Whether fidget_player_play_audio() gives sound at @speed (scaletempo aside). */
gboolean      fidget_player_audio_audible_at   (double                   speed);
/* Plays the sound from the start of frame @start_frame at @speed, in step with
 * fidget_playback_frame_at (@start_frame, g_get_monotonic_time () - @started_us, @speed, ...):
 * @started_us is the g_get_monotonic_time() at which @start_frame is shown. Call it again
 * where playback jumps (a loop wraps, the speed changes). Returns TRUE when sound plays; FALSE
 * (silently) when audio is off, the file has none, no output opens or the speed is below
 * FIDGET_PLAYER_AUDIO_MIN_SPEED. Does not block, except the first time, while the sound
 * pipeline opens (tens of milliseconds). */
gboolean      fidget_player_play_audio         (FidgetPlayer            *self,
                                                gint64                   start_frame,
                                                double                   speed,
                                                gint64                   started_us);
/* Stops the sound (playback paused, a step, a seek). */
void          fidget_player_stop_audio         (FidgetPlayer            *self);
gboolean      fidget_player_is_playing_audio   (FidgetPlayer            *self);
/* The element the sound goes to instead of the system's output (autoaudiosink), for tests and
 * for an application with its own; NULL goes back to the system's. It is synchronised to the
 * clock as an audio sink is. */
void          fidget_player_set_audio_sink     (FidgetPlayer            *self,
                                                GstElement              *sink);

/* One picture on its way into a video decoder (H.264 only, for now). */
typedef struct
{
  gint64   stream_time;  /* ns; negative before the stream's start */
  gboolean reference;    /* other pictures may refer to it: it must be decoded */
  guint    segment;      /* counts the segments the decoder was given: each seek starts one */
} FidgetPictureInput;

/* Called from the decoder's streaming thread for each picture before it is decoded; returning
 * TRUE leaves a picture that is not a reference out, undecoded (the answer is ignored for
 * references). A decoder turns out the same pictures for every other frame, so a caller that
 * never shows the left-out frames stays exact while decoding far less: a third of the
 * pictures of a typical camera's or x264's stream are not references. */
typedef gboolean (*FidgetPictureInputFunc) (const FidgetPictureInput *picture,
                                            gpointer                  user_data);

/* Gives a software video decoder (libav's) one thread more than there are cores. Call it
 * before the decoder starts (from "deep-element-added"); other decoders are left alone. */
void          fidget_media_tune_decoder        (GstElement              *decoder);

/* Watches the pictures going into @decoder (a GstVideoDecoder), for as long as it lives. Call
 * it before the decoder starts (from "deep-element-added"). */
void          fidget_media_watch_decoder_input (GstElement              *decoder,
                                                FidgetPictureInputFunc   func,
                                                gpointer                 user_data);

G_END_DECLS
