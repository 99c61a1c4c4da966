/* fidget-clips.c: cutting segments into clip files, frame-exactly
 *
 * One worker per source video: a decoding pipeline (decodebin -> upright I420 -> appsink) whose
 * pictures are laid on the frame grid and handed, frame by frame, to one encoding pipeline
 * per clip (appsrc -> x264enc -> mp4mux -> filesink). Encoders open when their first frame
 * comes and close after their last, so overlapping segments share one decode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "fidget-clips.h"
#include "fidget-upright.h"

#define STATE_NAME ".fidget-clips.tsv"
#define PULL_TIMEOUT (100 * GST_MSECOND)

void
fidget_clip_params_init (FidgetClipParams *params)
{
  memset (params, 0, sizeof *params);
  params->preset = "veryfast";
  params->crf = 18;
  params->height = 0;
  params->n_workers = 0;
}

/* {{{ The record of finished clips */

typedef struct
{
  char   *sha256;
  char   *source_hash;
  gint64  start;
  gint64  end;
  char   *settings;
} StateEntry;

static void
state_entry_free (StateEntry *entry)
{
  g_free (entry->sha256);
  g_free (entry->source_hash);
  g_free (entry->settings);
  g_free (entry);
}

/* name -> StateEntry; a missing or damaged record only means clips are cut again. */
static GHashTable *
state_load (const char *dir)
{
  GHashTable *state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) state_entry_free);
  g_autofree char *path = g_build_filename (dir, STATE_NAME, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return state;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      StateEntry *entry;

      if (g_strv_length (f) != 6 || strlen (f[1]) != 64)
        continue;
      entry = g_new0 (StateEntry, 1);
      entry->sha256 = g_strdup (f[1]);
      entry->source_hash = g_strdup (f[2]);
      entry->start = g_ascii_strtoll (f[3], NULL, 10);
      entry->end = g_ascii_strtoll (f[4], NULL, 10);
      entry->settings = g_strdup (f[5]);
      g_hash_table_insert (state, g_strdup (f[0]), entry);
    }
  return state;
}

static char *
state_line (const char       *name,
            const StateEntry *entry)
{
  return g_strdup_printf ("%s\t%s\t%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s\n",
                          name, entry->sha256, entry->source_hash, entry->start, entry->end,
                          entry->settings);
}

static gboolean
state_save (const char  *dir,
            GHashTable  *state,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, STATE_NAME, NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GList) names = g_list_sort (g_hash_table_get_keys (state), (GCompareFunc) strcmp);

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *line = state_line (l->data, g_hash_table_lookup (state, l->data));
      g_string_append (out, line);
    }
  return g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0644, error);
}

static char *
sha256_of_file (const char  *path,
                GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  if (mapped == NULL)
    return NULL;
  g_checksum_update (checksum, (const guchar *) g_mapped_file_get_contents (mapped),
                     g_mapped_file_get_length (mapped));
  return g_strdup (g_checksum_get_string (checksum));
}

/* }}} */
/* {{{ Shared state of a run */

typedef struct
{
  const char         *dir;
  const FidgetClipParams *params;
  char               *settings;
  guint               encoder_threads;
  GCancellable       *cancellable;      /* ours: cancelled by the caller's or by an error */
  FidgetProgressFunc  progress;
  gpointer            progress_data;

  GMutex              lock;
  GError             *error;            /* the first failure */
  GHashTable         *state;            /* name -> StateEntry */
  GOutputStream      *journal;          /* appends finished clips as they finish */
  gint64              frames_total;
  gint64              frames_done;
  gint64              frames_reported;
  guint               n_cut;
} Run;

static void
run_fail (Run    *run,
          GError *error)
{
  g_mutex_lock (&run->lock);
  if (run->error == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    run->error = g_error_copy (error);
  g_mutex_unlock (&run->lock);
  /* One failure stops the others: a half-cut dataset is no use. */
  g_cancellable_cancel (run->cancellable);
}

/* Reports under the lock: the encoders finish frames in parallel, and a fraction computed by
 * one and handed on after another's larger one would move the bar backwards (seen in CI).
 * The callbacks only pass the fraction on; none comes back into the run. */
static void
run_frames_done (Run    *run,
                 gint64  n)
{
  g_mutex_lock (&run->lock);
  run->frames_done += n;
  if (run->frames_total > 0 &&
      (run->frames_done - run->frames_reported) * 200 >= run->frames_total)
    {
      run->frames_reported = run->frames_done;
      if (run->progress != NULL)
        run->progress (MIN (0.999, (double) run->frames_done / run->frames_total),
                       run->progress_data);
    }
  g_mutex_unlock (&run->lock);
}

static void
run_clip_finished (Run        *run,
                   const char *name,
                   StateEntry *entry)
{
  g_autofree char *line = state_line (name, entry);

  g_mutex_lock (&run->lock);
  g_hash_table_insert (run->state, g_strdup (name), entry);
  if (run->journal != NULL)
    g_output_stream_write_all (run->journal, line, strlen (line), NULL, NULL, NULL);
  run->n_cut++;
  g_mutex_unlock (&run->lock);
}

/* }}} */
/* {{{ Encoding one clip */

typedef struct
{
  const FidgetClipSpec *spec;
  char                 *path;
  char                 *tmp_path;
  GstElement           *pipeline;
  GstElement           *appsrc;
  guint64               max_bytes;   /* what appsrc may hold before we wait */
  gint64                pushed;
} Encoder;

static void
encoder_free (Encoder *encoder)
{
  if (encoder->pipeline != NULL)
    {
      gst_element_set_state (encoder->pipeline, GST_STATE_NULL);
      gst_object_unref (encoder->pipeline);
    }
  g_clear_object (&encoder->appsrc);
  if (encoder->tmp_path != NULL)
    g_unlink (encoder->tmp_path);   /* only there when the clip did not finish */
  g_free (encoder->tmp_path);
  g_free (encoder->path);
  g_free (encoder);
}

/* The error a pipeline posted, or NULL. */
static GError *
pipeline_error (GstElement *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *error = NULL;

  if (message != NULL)
    gst_message_parse_error (message, &error, NULL);
  return error;
}

static GstElement *
make (const char  *factory,
      const char  *package,
      const char  *what,
      GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                 _("Cannot cut %s: the GStreamer element “%s” is missing (install %s)"),
                 what, factory, package);
  return element;
}

static Encoder *
encoder_open (Run                  *run,
              const FidgetClipSpec *spec,
              GstCaps              *caps,
              GError              **error)
{
  static const struct { const char *factory; const char *package; } chain[] = {
    { "appsrc", "gstreamer1.0-plugins-base" },
    { "x264enc", "gstreamer1.0-plugins-ugly" },
    { "mp4mux", "gstreamer1.0-plugins-good" },
    { "filesink", "gstreamer1.0 (core elements)" },
  };
  g_autofree char *file = g_strconcat (spec->name, ".mp4", NULL);
  g_autofree char *tmp_file = g_strconcat (".", spec->name, ".mp4.part", NULL);
  g_autofree char *what = NULL;
  GstElement *elements[G_N_ELEMENTS (chain)];
  Encoder *encoder = g_new0 (Encoder, 1);
  GstVideoInfo info;

  encoder->spec = spec;
  encoder->path = g_build_filename (run->dir, file, NULL);
  encoder->tmp_path = g_build_filename (run->dir, tmp_file, NULL);
  encoder->pipeline = gst_object_ref_sink (gst_pipeline_new (spec->name));
  what = g_strdup_printf (_("the clip %s"), encoder->path);

  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      if (!(elements[i] = make (chain[i].factory, chain[i].package, what, error)))
        {
          encoder_free (encoder);
          return NULL;
        }
      gst_bin_add (GST_BIN (encoder->pipeline), elements[i]);
    }
  encoder->appsrc = gst_object_ref (elements[0]);
  gst_video_info_from_caps (&info, caps);
  encoder->max_bytes = (guint64) MAX (GST_VIDEO_INFO_SIZE (&info), 1) * 6;
  /* Not block=TRUE: a push blocked on a full queue never wakes when the pipeline fails
   * downstream (a full disk stops filesink), so encoder_push() waits itself, watching for
   * errors and cancellation. */
  g_object_set (elements[0],
                "caps", caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                "block", FALSE,
                "max-bytes", encoder->max_bytes,
                NULL);
  gst_util_set_object_arg (G_OBJECT (elements[1]), "speed-preset", run->params->preset);
  /* Constant quality, as ffmpeg's -crf: x264's CRF is its "qual" pass. */
  gst_util_set_object_arg (G_OBJECT (elements[1]), "pass", "qual");
  g_object_set (elements[1],
                "quantizer", (guint) run->params->crf,
                "threads", run->encoder_threads,
                NULL);
  g_object_set (elements[3], "location", encoder->tmp_path, NULL);

  for (guint i = 0; i + 1 < G_N_ELEMENTS (chain); i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      {
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                     _("Cannot cut %s: GStreamer could not link %s to %s"), what,
                     chain[i].factory, chain[i + 1].factory);
        encoder_free (encoder);
        return NULL;
      }
  if (gst_element_set_state (encoder->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GError) cause = pipeline_error (encoder->pipeline);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   _("Cannot cut %s: %s"), what,
                   cause != NULL ? cause->message : _("the encoder does not start"));
      encoder_free (encoder);
      return NULL;
    }
  return encoder;
}

/* Waits until appsrc has room, failing at once when the pipeline posted an error. */
static gboolean
encoder_wait_for_room (Encoder       *encoder,
                       GCancellable  *cancellable,
                       GError       **error)
{
  while (gst_app_src_get_current_level_bytes (GST_APP_SRC (encoder->appsrc)) >= encoder->max_bytes)
    {
      g_autoptr(GError) cause = pipeline_error (encoder->pipeline);

      if (cause != NULL)
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                       _("Cannot cut the clip %s: %s"), encoder->path, cause->message);
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (500);
    }
  return TRUE;
}

static gboolean
encoder_push (Encoder    *encoder,
              GstBuffer  *picture,
              GstClockTime period_num,   /* GST_SECOND * fps_den */
              int          fps_num,
              GError     **error)
{
  /* A new buffer sharing the picture's memory: the same picture may be several frames. */
  GstBuffer *buffer = gst_buffer_copy (picture);
  GstFlowReturn flow;

  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (encoder->pushed, period_num, fps_num);
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (encoder->pushed + 1, period_num, fps_num) -
                                 GST_BUFFER_PTS (buffer);
  GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DISCONT);
  flow = gst_app_src_push_buffer (GST_APP_SRC (encoder->appsrc), buffer);
  if (flow != GST_FLOW_OK)
    {
      g_autoptr(GError) cause = pipeline_error (encoder->pipeline);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   _("Cannot cut the clip %s: %s"), encoder->path,
                   cause != NULL ? cause->message : gst_flow_get_name (flow));
      return FALSE;
    }
  encoder->pushed++;
  return TRUE;
}

/* Ends the clip, waits for the muxer to finish the file, and names it. */
static gboolean
encoder_close (Run                    *run,
               Encoder                *encoder,
               const FidgetClipSource *source,
               GError                **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (encoder->pipeline);
  g_autoptr(GError) local_error = NULL;
  StateEntry *entry;

  gst_app_src_end_of_stream (GST_APP_SRC (encoder->appsrc));
  for (;;)
    {
      g_autoptr(GstMessage) message =
        gst_bus_timed_pop_filtered (bus, PULL_TIMEOUT, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;
      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          g_autoptr(GError) cause = NULL;

          gst_message_parse_error (message, &cause, NULL);
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                       _("Cannot cut the clip %s: %s"), encoder->path, cause->message);
          return FALSE;
        }
      break;
    }
  gst_element_set_state (encoder->pipeline, GST_STATE_NULL);

  entry = g_new0 (StateEntry, 1);
  entry->sha256 = sha256_of_file (encoder->tmp_path, &local_error);
  if (entry->sha256 == NULL || g_rename (encoder->tmp_path, encoder->path) != 0)
    {
      int saved = errno;

      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   _("Cannot cut the clip %s: %s"), encoder->path,
                   local_error != NULL ? local_error->message : g_strerror (saved));
      state_entry_free (entry);
      return FALSE;
    }
  g_clear_pointer (&encoder->tmp_path, g_free);
  entry->source_hash = g_strdup (source->content_hash ? source->content_hash : "");
  entry->start = encoder->spec->start;
  entry->end = encoder->spec->end;
  entry->settings = g_strdup (run->settings);
  run_clip_finished (run, encoder->spec->name, entry);
  return TRUE;
}

/* }}} */
/* {{{ Decoding one source */

typedef struct
{
  Run                    *run;
  const FidgetClipSource *source;
  GPtrArray              *todo;       /* const FidgetClipSpec *, by start */
  GstElement             *convert;    /* where the video pad goes */
  gint                    no_more_pads;
} Job;

static gboolean
is_side_stream (const char *name)
{
  return !g_str_has_prefix (name, "video/") && !g_str_has_prefix (name, "image/");
}

static gboolean
on_autoplug_continue (GstElement *decodebin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      gpointer    user_data)
{
  /* Only the picture is decoded; audio and subtitles stay as the demuxer gives them. */
  if (caps != NULL && gst_caps_get_size (caps) > 0 &&
      is_side_stream (gst_structure_get_name (gst_caps_get_structure (caps, 0))))
    return FALSE;
  return TRUE;
}

static void
on_no_more_pads (GstElement *decodebin,
                 gpointer    user_data)
{
  Job *job = user_data;

  g_atomic_int_set (&job->no_more_pads, TRUE);
}

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  GstElement *convert = user_data;
  g_autoptr(GstPad) video_sink = gst_element_get_static_pad (convert, "sink");
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = NULL;
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (decodebin));
  GstElement *sink;
  const char *name = "";

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_equal (name, "video/x-raw") && !gst_pad_is_linked (video_sink) &&
      gst_pad_link (pad, video_sink) == GST_PAD_LINK_OK)
    {
      gst_object_unref (pipeline);
      return;
    }

  /* Every other stream gets a sink, so none stops the demuxer with not-linked. */
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_link (pad, sinkpad);
  gst_element_sync_state_with_parent (sink);
  gst_object_unref (pipeline);
}

static GstElement *
decoder_new (Job         *job,
             GstElement **appsink_out,
             GError     **error)
{
  static const struct { const char *factory; const char *package; } chain[] = {
    { "filesrc", "gstreamer1.0 (core elements)" },
    { "decodebin", "gstreamer1.0-plugins-base" },
    { "videoconvert", "gstreamer1.0-plugins-base" },
    { "videoscale", "gstreamer1.0-plugins-base" },
    { "capsfilter", "gstreamer1.0 (core elements)" },
    { "appsink", "gstreamer1.0-plugins-base" },
  };
  g_autoptr(GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("decode"));
  g_autofree char *what = g_strdup_printf (_("clips from %s"), job->source->path);
  g_autoptr(GstCaps) caps = NULL;
  GstElement *e[G_N_ELEMENTS (chain)];
  GstElement *upright;
  gboolean linked;

  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      if (!(e[i] = make (chain[i].factory, chain[i].package, what, error)))
        return NULL;
      gst_bin_add (GST_BIN (pipeline), e[i]);
    }
  /* Upright as the player shows it, before the scaling, so that a height asked for is the
   * upright picture's. */
  upright = fidget_upright_new_element ();
  if (upright != NULL)
    gst_bin_add (GST_BIN (pipeline), upright);
  g_object_set (e[0], "location", job->source->path, NULL);
  g_signal_connect (e[1], "autoplug-continue", G_CALLBACK (on_autoplug_continue), NULL);
  g_signal_connect (e[1], "pad-added", G_CALLBACK (on_pad_added), e[2]);
  g_signal_connect (e[1], "no-more-pads", G_CALLBACK (on_no_more_pads), job);
  job->convert = e[2];

  /* 4:2:0, what every H.264 decoder takes; scaled when asked, keeping the aspect. */
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", NULL);
  if (job->run->params->height > 0)
    gst_caps_set_simple (caps,
                         "height", G_TYPE_INT, job->run->params->height,
                         "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                         NULL);
  g_object_set (e[4], "caps", caps, NULL);
  g_object_set (e[5], "sync", FALSE, "max-buffers", 4, "drop", FALSE,
                "enable-last-sample", FALSE, NULL);

  linked = upright != NULL ? gst_element_link_many (e[2], upright, e[3], e[4], e[5], NULL)
                           : gst_element_link_many (e[2], e[3], e[4], e[5], NULL);
  if (!gst_element_link (e[0], e[1]) || !linked)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   _("Cannot cut %s: GStreamer could not build the decoder"), what);
      return NULL;
    }
  *appsink_out = e[5];
  return g_steal_pointer (&pipeline);
}

static gint64
nearest_frame (GstClockTime t,
               GstClockTime origin,
               int          fps_num,
               int          fps_den)
{
  if (t < origin)
    return -(gint64) gst_util_uint64_scale_round (origin - t, fps_num, GST_SECOND * (guint64) fps_den);
  return (gint64) gst_util_uint64_scale_round (t - origin, fps_num, GST_SECOND * (guint64) fps_den);
}

/* Pulls the next picture; NULL at the end of the stream or on an error (then set). */
static GstSample *
pull (Job        *job,
      GstElement *pipeline,
      GstElement *appsink,
      gboolean    preroll,
      GError    **error)
{
  for (;;)
    {
      GstSample *sample = preroll
        ? gst_app_sink_try_pull_preroll (GST_APP_SINK (appsink), PULL_TIMEOUT)
        : gst_app_sink_try_pull_sample (GST_APP_SINK (appsink), PULL_TIMEOUT);
      g_autoptr(GError) cause = NULL;

      if (sample != NULL)
        return sample;
      if (g_cancellable_set_error_if_cancelled (job->run->cancellable, error))
        return NULL;
      if ((cause = pipeline_error (pipeline)) != NULL)
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                       _("Cannot cut clips from %s: %s"), job->source->path, cause->message);
          return NULL;
        }
      if (gst_app_sink_is_eos (GST_APP_SINK (appsink)))
        return NULL;
      if (g_atomic_int_get (&job->no_more_pads))
        {
          g_autoptr(GstPad) pad = gst_element_get_static_pad (job->convert, "sink");

          if (!gst_pad_is_linked (pad))
            {
              g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NO_VIDEO,
                           _("Cannot cut clips from %s: it has no video stream this machine "
                             "can decode"), job->source->path);
              return NULL;
            }
        }
    }
}

/* Hands source frame @frame (showing @picture) to every clip that holds it: opens the clips
 * that start there and closes those that end there. */
static gboolean
emit_frame (Job        *job,
            gint64      frame,
            GstSample  *picture,
            GPtrArray  *open,
            guint      *next_clip,
            GError    **error)
{
  const FidgetClipSource *source = job->source;
  GstClockTime period_num = GST_SECOND * (guint64) source->fps_den;
  guint pushed = 0;

  while (*next_clip < job->todo->len)
    {
      const FidgetClipSpec *spec = g_ptr_array_index (job->todo, *next_clip);
      g_autoptr(GstCaps) caps = NULL;
      Encoder *encoder;

      if (spec->start > frame)
        break;
      (*next_clip)++;
      caps = gst_caps_copy (gst_sample_get_caps (picture));
      gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, source->fps_num,
                           source->fps_den, NULL);
      if (!(encoder = encoder_open (job->run, spec, caps, error)))
        return FALSE;
      g_ptr_array_add (open, encoder);
    }

  for (guint i = 0; i < open->len;)
    {
      Encoder *encoder = g_ptr_array_index (open, i);

      if (!encoder_wait_for_room (encoder, job->run->cancellable, error) ||
          !encoder_push (encoder, gst_sample_get_buffer (picture), period_num, source->fps_num,
                         error))
        return FALSE;
      pushed++;
      if (frame + 1 >= encoder->spec->end)
        {
          if (!encoder_close (job->run, encoder, source, error))
            return FALSE;
          g_ptr_array_remove_index (open, i);
        }
      else
        i++;
    }
  run_frames_done (job->run, pushed);
  return TRUE;
}

static gboolean
cut_source (Job     *job,
            GError **error)
{
  const FidgetClipSource *source = job->source;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func ((GDestroyNotify) encoder_free);
  g_autoptr(GstSample) current = NULL;
  g_autoptr(GstSample) first = NULL;
  GstElement *appsink = NULL;
  GstClockTime origin;
  gint64 lo = G_MAXINT64, hi = 0, next, previous_own = -1;
  guint next_clip = 0;
  gboolean ok = FALSE;

  for (guint i = 0; i < job->todo->len; i++)
    {
      const FidgetClipSpec *spec = g_ptr_array_index (job->todo, i);
      lo = MIN (lo, spec->start);
      hi = MAX (hi, spec->end);
    }

  if (!(pipeline = decoder_new (job, &appsink, error)))
    return FALSE;
  gst_element_set_state (pipeline, GST_STATE_PAUSED);

  /* The grid's origin, as the probe's: the stream's zero unless its clock starts far away. */
  if (!(first = pull (job, pipeline, appsink, TRUE, error)))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                     _("Cannot cut clips from %s: it has no picture"), source->path);
      goto out;
    }
  {
    const GstSegment *segment = gst_sample_get_segment (first);
    GstClockTime t = gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
                                                 GST_BUFFER_PTS (gst_sample_get_buffer (first)));
    origin = GST_CLOCK_TIME_IS_VALID (t) && t >= GST_SECOND ? t : 0;
  }

  /* Far into the video: start decoding from the keyframe before the first clip. Leading
   * frames then still show the latest picture before them. */
  if (lo > 0 && gst_util_uint64_scale (lo, GST_SECOND * (guint64) source->fps_den,
                                       source->fps_num) > 2 * GST_SECOND)
    {
      GstClockTime target = origin + gst_util_uint64_scale (lo, GST_SECOND * (guint64) source->fps_den,
                                                            source->fps_num);
      if (!gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                                    GST_SEEK_FLAG_SNAP_BEFORE, target))
        g_debug ("Seek in %s failed; decoding from the start", source->path);
    }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  next = lo;
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      GstBuffer *buffer;
      GstClockTime t;
      gint64 own;

      if (!(sample = pull (job, pipeline, appsink, FALSE, error)))
        {
          if (error != NULL && *error != NULL)
            goto out;
          break;   /* the end of the stream */
        }
      buffer = gst_sample_get_buffer (sample);
      t = gst_segment_to_stream_time (gst_sample_get_segment (sample), GST_FORMAT_TIME,
                                      GST_BUFFER_PTS (buffer));
      own = GST_CLOCK_TIME_IS_VALID (t) ? nearest_frame (t, origin, source->fps_num, source->fps_den)
                                        : previous_own + 1;
      /* Timestamps that repeat or go backwards still give each picture a frame of its own. */
      if (previous_own >= 0 && own <= previous_own)
        own = previous_own + 1;
      previous_own = own;

      /* The frames before this picture show the one before (or this one, leading). */
      for (; next < own && next < hi; next++)
        if (!emit_frame (job, next, current != NULL ? current : sample, open, &next_clip, error))
          goto out;
      g_clear_pointer (&current, gst_sample_unref);
      current = gst_sample_ref (sample);
      if (next >= hi)
        break;
    }
  /* Frames after the last picture show the last picture. */
  if (next < hi && current == NULL)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_DECODE,
                   _("Cannot cut clips from %s: no picture decodes at frame %" G_GINT64_FORMAT),
                   source->path, next);
      goto out;
    }
  for (; next < hi; next++)
    if (!emit_frame (job, next, current, open, &next_clip, error))
      goto out;
  ok = TRUE;

out:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

static void
cut_source_in_pool (gpointer data,
                    gpointer user_data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;

  if (!g_cancellable_is_cancelled (job->run->cancellable) && !cut_source (job, &error))
    run_fail (job->run, error);
  g_ptr_array_unref (job->todo);
  g_free (job);
}

/* }}} */
/* {{{ The run */

static int
compare_specs (gconstpointer a,
               gconstpointer b)
{
  const FidgetClipSpec *x = *(const FidgetClipSpec *const *) a;
  const FidgetClipSpec *y = *(const FidgetClipSpec *const *) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return strcmp (x->name, y->name);
}

static void
forward_cancel (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

gboolean
fidget_clips_cut (const char              *dir,
                  GPtrArray               *sources,
                  const FidgetClipParams  *params,
                  GCancellable            *cancellable,
                  FidgetProgressFunc       progress,
                  gpointer                 progress_data,
                  FidgetClipReport        *report,
                  GHashTable             **sums,
                  GError                 **error)
{
  FidgetClipParams defaults;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
  g_autoptr(GFile) journal_file = NULL;
  g_autofree char *journal_path = NULL;
  FidgetClipReport local_report = { 0 };
  GThreadPool *pool;
  Run run = { 0 };
  gulong handler = 0;
  guint n_workers;
  gboolean ok;

  g_return_val_if_fail (dir != NULL && sources != NULL, FALSE);

  fidget_media_init ();
  if (params == NULL)
    {
      fidget_clip_params_init (&defaults);
      params = &defaults;
    }
  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  if (params->crf < 0 || params->crf > 51 || params->height < 0 || params->height % 2 != 0)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   _("Clip settings out of range: the CRF must be 0 to 51 (it is %d) and the "
                     "height 0 or an even number (it is %d)"), params->crf, params->height);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   _("Cannot make the clip folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  run.dir = dir;
  run.params = params;
  run.settings = g_strdup_printf ("x264 preset=%s crf=%d height=%d", params->preset,
                                  params->crf, params->height);
  run.cancellable = g_cancellable_new ();
  run.progress = progress;
  run.progress_data = progress_data;
  run.state = state_load (dir);
  g_mutex_init (&run.lock);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                     g_object_ref (run.cancellable), g_object_unref);

  /* What is already there and intact is kept; the rest is cut. */
  for (guint s = 0; s < sources->len; s++)
    {
      const FidgetClipSource *source = g_ptr_array_index (sources, s);
      Job *job = g_new0 (Job, 1);

      job->run = &run;
      job->source = source;
      job->todo = g_ptr_array_new ();
      for (guint c = 0; c < source->clips->len; c++)
        {
          const FidgetClipSpec *spec = &g_array_index (source->clips, FidgetClipSpec, c);
          StateEntry *entry = g_hash_table_lookup (run.state, spec->name);
          g_autofree char *file = g_strconcat (spec->name, ".mp4", NULL);
          g_autofree char *path = g_build_filename (dir, file, NULL);

          report->n_clips++;
          if (entry != NULL && entry->start == spec->start && entry->end == spec->end &&
              g_strcmp0 (entry->source_hash, source->content_hash ? source->content_hash : "") == 0 &&
              g_strcmp0 (entry->settings, run.settings) == 0)
            {
              g_autofree char *sum = sha256_of_file (path, NULL);

              if (g_strcmp0 (sum, entry->sha256) == 0)
                {
                  report->n_skipped++;
                  continue;
                }
            }
          g_hash_table_remove (run.state, spec->name);
          g_ptr_array_add (job->todo, (gpointer) spec);
          run.frames_total += spec->end - spec->start;
        }
      g_ptr_array_sort (job->todo, compare_specs);
      if (job->todo->len > 0)
        g_ptr_array_add (jobs, job);
      else
        {
          g_ptr_array_unref (job->todo);
          g_free (job);
        }
    }

  /* Finished clips are appended as they finish, so a cancelled run keeps them. */
  journal_path = g_build_filename (dir, STATE_NAME, NULL);
  if (jobs->len > 0)
    {
      g_autoptr(GError) journal_error = NULL;

      if (!state_save (dir, run.state, &journal_error))
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                       _("Cannot write in the clip folder %s: %s"), dir, journal_error->message);
          for (guint j = 0; j < jobs->len; j++)
            {
              Job *job = g_ptr_array_index (jobs, j);
              g_ptr_array_unref (job->todo);
              g_free (job);
            }
          ok = FALSE;
          goto out;
        }
      journal_file = g_file_new_for_path (journal_path);
      run.journal = G_OUTPUT_STREAM (g_file_append_to (journal_file, G_FILE_CREATE_NONE, NULL,
                                                       NULL));
    }

  n_workers = params->n_workers > 0 ? params->n_workers : g_get_num_processors ();
  n_workers = MAX (1, MIN (n_workers, jobs->len));
  /* x264 threads itself: split the processors between the videos cut at once. */
  run.encoder_threads = MAX (1, g_get_num_processors () / n_workers);
  pool = g_thread_pool_new (cut_source_in_pool, NULL, (int) MAX (n_workers, 1), TRUE, NULL);
  for (guint j = 0; j < jobs->len; j++)
    g_thread_pool_push (pool, g_ptr_array_index (jobs, j), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  if (run.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&run.error));
      ok = FALSE;
    }
  else
    ok = !g_cancellable_set_error_if_cancelled (run.cancellable, error);

  report->n_cut = run.n_cut;
  report->n_frames = run.frames_done;
  if (run.journal != NULL)
    g_output_stream_close (run.journal, NULL, NULL);
  /* Compact the record; a failure here only costs a re-cut next time. */
  state_save (dir, run.state, NULL);

  if (ok && sums != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      *sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, run.state);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (*sums, g_strdup (key), g_strdup (((StateEntry *) value)->sha256));
    }
  if (ok && progress != NULL)
    progress (1.0, progress_data);

out:
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  g_clear_object (&run.journal);
  g_clear_object (&run.cancellable);
  g_clear_pointer (&run.state, g_hash_table_unref);
  g_clear_error (&run.error);
  g_mutex_clear (&run.lock);
  g_free (run.settings);
  return ok;
}

/* }}} */
