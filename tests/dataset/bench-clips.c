/* bench-clips.c: cutting clips, against ffmpeg with libx264 on the same clips
 *
 * Three overlapping clips from each of the sample videos (640x480, 30 fps), cut by
 * fidget_clips_cut() with x264 at preset veryfast and CRF 18, then, when ffmpeg is installed,
 * by ffmpeg at the same preset and CRF (`-ss START -i SRC -frames:v N -c:v libx264`, one
 * process per clip, as many at once as there are processors, one x264 thread each: the same
 * layout as ours). ffmpeg is used here only. A benchmark, not a test: it prints numbers and
 * never fails on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-clips.h"
#include "fidget-probe.h"
#include "fidget-test-util.h"

#define PRESET "veryfast"
#define CRF 18

typedef struct
{
  char   *source;
  char   *name;
  gint64  start;
  gint64  end;
  int     fps_num;
  int     fps_den;
} Clip;

static double
run_ffmpeg (const char *ffmpeg,
            GPtrArray  *clips,
            const char *dir)
{
  guint n_parallel = g_get_num_processors ();
  GPtrArray *running = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 t0 = g_get_monotonic_time ();
  guint next = 0;

  while (next < clips->len || running->len > 0)
    {
      while (next < clips->len && running->len < n_parallel)
        {
          Clip *clip = g_ptr_array_index (clips, next++);
          g_autofree char *out = g_strdup_printf ("%s/%s.mp4", dir, clip->name);
          g_autofree char *start = g_strdup_printf ("%.6f", (double) clip->start * clip->fps_den /
                                                    clip->fps_num);
          g_autofree char *frames = g_strdup_printf ("%" G_GINT64_FORMAT, clip->end - clip->start);
          g_autofree char *crf = g_strdup_printf ("%d", CRF);
          g_autoptr(GError) error = NULL;
          GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                   G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                                   ffmpeg, "-nostdin", "-v", "error", "-y",
                                                   "-ss", start, "-i", clip->source,
                                                   "-frames:v", frames, "-an",
                                                   "-c:v", "libx264", "-preset", PRESET,
                                                   "-crf", crf, "-threads", "1", out, NULL);
          if (process == NULL)
            g_error ("ffmpeg: %s", error->message);
          g_ptr_array_add (running, process);
        }
      /* Wait for the oldest; good enough for clips of similar size. */
      g_subprocess_wait (g_ptr_array_index (running, 0), NULL, NULL);
      g_ptr_array_remove_index (running, 0);
    }
  g_ptr_array_unref (running);
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
clip_free (Clip *clip)
{
  g_free (clip->source);
  g_free (clip->name);
  g_free (clip);
}

int
main (int   argc,
      char *argv[])
{
  const char *samples_dir = g_getenv ("FIDGET_SAMPLES_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *ours_dir = NULL;
  g_autofree char *theirs_dir = NULL;
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  g_autoptr(GPtrArray) clips = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  FidgetClipParams params;
  FidgetClipReport report;
  const char *name;
  gint64 frames = 0, t0;
  double ours, theirs;

  g_test_init (&argc, &argv, NULL);
  if (samples_dir == NULL || !(listing = g_dir_open (samples_dir, 0, NULL)))
    {
      g_print ("bench-clips: no sample videos (../shared/samples), nothing measured\n");
      return 0;
    }
  dir = fidget_test_make_tmpdir ();
  ours_dir = g_build_filename (dir, "ours", NULL);
  theirs_dir = g_build_filename (dir, "ffmpeg", NULL);
  g_mkdir_with_parents (theirs_dir, 0755);

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(FidgetMediaInfo) info = NULL;
      FidgetClipSource *source;
      gint64 n;

      if (!g_str_has_suffix (name, ".mkv"))
        continue;
      path = g_build_filename (samples_dir, name, NULL);
      info = fidget_probe_file (path, NULL, NULL, NULL, &error);
      if (info == NULL)
        g_error ("%s", error->message);
      n = info->frame_count;
      source = g_new0 (FidgetClipSource, 1);
      source->path = g_strdup (path);
      source->content_hash = g_strdup (name);
      source->fps_num = info->fps_num;
      source->fps_den = info->fps_den;
      source->frame_count = n;
      source->clips = g_array_new (FALSE, FALSE, sizeof (FidgetClipSpec));
      for (guint k = 0; k < 3; k++)
        {
          Clip *clip = g_new0 (Clip, 1);
          FidgetClipSpec spec;

          clip->source = g_strdup (path);
          clip->name = g_strdup_printf ("%04u_00_%04u", sources->len + 1, k + 1);
          clip->start = k == 0 ? 5 : k == 1 ? n / 3 : n / 2;
          clip->end = k == 0 ? n / 2 : k == 1 ? n - 3 : n;
          clip->fps_num = info->fps_num;
          clip->fps_den = info->fps_den;
          frames += clip->end - clip->start;
          spec.name = clip->name;
          spec.start = clip->start;
          spec.end = clip->end;
          g_array_append_val (source->clips, spec);
          g_ptr_array_add (clips, clip);
        }
      g_ptr_array_add (sources, source);
    }

  fidget_clip_params_init (&params);
  params.preset = PRESET;
  params.crf = CRF;
  t0 = g_get_monotonic_time ();
  if (!fidget_clips_cut (ours_dir, sources, &params, NULL, NULL, NULL, &report, NULL, &error))
    g_error ("%s", error->message);
  ours = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("fidget: %u clips (%" G_GINT64_FORMAT " frames) from %u videos in %.2f s, "
           "%.0f frames/s (x264 %s, CRF %d, %u processors)\n", report.n_clips, frames,
           sources->len, ours, frames / ours, PRESET, CRF, g_get_num_processors ());

  if (ffmpeg == NULL)
    {
      g_print ("bench-clips: %.0f frames/s cut; ffmpeg is not installed, so no comparison\n",
               frames / ours);
    }
  else
    {
      theirs = run_ffmpeg (ffmpeg, clips, theirs_dir);
      g_print ("ffmpeg: the same %u clips in %.2f s, %.0f frames/s\n", clips->len, theirs,
               frames / theirs);
      g_print ("bench-clips: %.0f frames/s cut, ffmpeg %.0f frames/s (%.2fx ffmpeg's speed)\n",
               frames / ours, frames / theirs, theirs / ours);
    }

  for (guint i = 0; i < sources->len; i++)
    {
      FidgetClipSource *source = g_ptr_array_index (sources, i);
      g_free ((char *) source->path);
      g_free ((char *) source->content_hash);
      g_array_unref (source->clips);
      g_free (source);
    }
  return 0;
}
