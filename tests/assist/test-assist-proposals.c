/* test-assist-proposals.c: candidate windows from motion energy, on synthetic curves and on a
 * rendered demo interview whose moves are known
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fidget-demo.h"
#include "fidget-motion.h"
#include "fidget-probe.h"
#include "fidget-proposals.h"
#include "fidget-test-util.h"

#define FPS 30

static FidgetProposal *
nth (GArray *windows,
     guint   i)
{
  g_assert_cmpuint (i, <, windows->len);
  return &g_array_index (windows, FidgetProposal, i);
}

/* A still curve at @noise with bumps of @height over the given [start, end) pairs. */
static double *
curve (gint64        n,
       double        noise,
       double        height,
       const gint64 *bumps,
       guint         n_bumps)
{
  double *e = g_new (double, n);

  for (gint64 i = 0; i < n; i++)
    e[i] = noise * (1.0 + 0.3 * sin ((double) i * 1.7)); /* wobbling noise, never zero */
  for (guint b = 0; b < n_bumps; b++)
    for (gint64 i = bumps[2 * b]; i < bumps[2 * b + 1]; i++)
      e[i] += height;
  return e;
}

static void
test_synthetic_bumps (void)
{
  const gint64 bumps[] = { 60, 90, 300, 330, 336, 380, 600, 800 };
  g_autofree double *e = curve (900, 2.0, 4.0, bumps, 4);
  g_autoptr(GArray) w = fidget_motion_proposals (e, 900, FPS, 1, NULL);

  /* The second and third bump are 6 frames (0.2 s) apart: one window. The still level is the
   * video's own (2.0 grey levels of noise here), so the noise itself proposes nothing. */
  g_assert_cmpuint (w->len, ==, 3);
  g_assert_cmpfloat (fidget_proposal_tiou (nth (w, 0)->start_frame, nth (w, 0)->end_frame, 60, 90),
                     >=, 0.7);
  g_assert_cmpfloat (fidget_proposal_tiou (nth (w, 1)->start_frame, nth (w, 1)->end_frame, 300, 380),
                     >=, 0.8);
  g_assert_cmpfloat (fidget_proposal_tiou (nth (w, 2)->start_frame, nth (w, 2)->end_frame, 600, 800),
                     >=, 0.9);
  g_assert_cmpfloat (nth (w, 0)->peak, >, 5.0);
  for (guint i = 0; i < w->len; i++)
    {
      g_assert_cmpint (nth (w, i)->start_frame, >=, 0);
      g_assert_cmpint (nth (w, i)->end_frame, <=, 900);
      if (i > 0)
        g_assert_cmpint (nth (w, i)->start_frame, >=, nth (w, i - 1)->end_frame);
    }
}

static void
test_synthetic_scale (void)
{
  /* The same shape ten times louder (a noisier camera, more motion) gives the same windows:
   * the threshold follows the video's own still level. */
  const gint64 bumps[] = { 100, 130, 400, 460 };
  g_autofree double *quiet = curve (600, 1.0, 3.0, bumps, 2);
  g_autofree double *loud = curve (600, 10.0, 30.0, bumps, 2);
  g_autoptr(GArray) a = fidget_motion_proposals (quiet, 600, FPS, 1, NULL);
  g_autoptr(GArray) b = fidget_motion_proposals (loud, 600, FPS, 1, NULL);

  g_assert_cmpuint (a->len, ==, 2);
  g_assert_cmpuint (b->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (ABS (nth (a, i)->start_frame - nth (b, i)->start_frame), <=, 1);
      g_assert_cmpint (ABS (nth (a, i)->end_frame - nth (b, i)->end_frame), <=, 1);
    }
}

static void
test_synthetic_lengths (void)
{
  /* A twitch of one frame is below the minimum length; 20 s of motion is cut into parts no
   * longer than 7 s; a perfectly still video proposes nothing; neither do the ends. */
  const gint64 bumps[] = { 100, 101, 300, 900 };
  g_autofree double *e = curve (1200, 0.5, 5.0, bumps, 2);
  g_autofree double *flat = g_new0 (double, 300);
  g_autoptr(GArray) w = fidget_motion_proposals (e, 1200, FPS, 1, NULL);
  g_autoptr(GArray) none = fidget_motion_proposals (flat, 300, FPS, 1, NULL);
  g_autoptr(GArray) empty = fidget_motion_proposals (NULL, 0, FPS, 1, NULL);
  gint64 covered = 0;

  g_assert_cmpuint (w->len, ==, 3);
  for (guint i = 0; i < w->len; i++)
    {
      gint64 len = nth (w, i)->end_frame - nth (w, i)->start_frame;

      g_assert_cmpint (len, <=, 7 * FPS);
      g_assert_cmpint (len, >=, 5 * FPS);
      covered += len;
      if (i > 0)
        g_assert_cmpint (nth (w, i)->start_frame, ==, nth (w, i - 1)->end_frame);
    }
  g_assert_cmpint (nth (w, 0)->start_frame, <=, 300);
  g_assert_cmpint (nth (w, 2)->end_frame, >=, 900);
  /* Smoothing widens the run by 3 frames a side, padding by 3 more. */
  g_assert_cmpint (covered, <=, 600 + 2 * (3 + 3) + 2);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (empty->len, ==, 0);
}

/* Share of @script's moves that some window matches at tIoU >= 0.3. */
static double
recall_on (const FidgetDemoScript *script,
           guint                  *n_windows)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "demo.mkv", NULL);
  g_autofree double *energy = NULL;
  g_autoptr(GArray) windows = NULL;
  FidgetMediaInfo *media;
  guint found = 0;

  g_assert_true (fidget_demo_render (script, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  media = fidget_probe_file (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  energy = fidget_motion_energy (path, media->fps_num, media->fps_den, media->frame_count,
                                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  windows = fidget_motion_proposals (energy, media->frame_count, media->fps_num, media->fps_den,
                                     NULL);
  *n_windows = windows->len;

  for (guint m = 0; m < script->moves->len; m++)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, m);
      double best = 0.0;

      for (guint i = 0; i < windows->len; i++)
        best = MAX (best, fidget_proposal_tiou (nth (windows, i)->start_frame,
                                                nth (windows, i)->end_frame,
                                                move->start_frame, move->end_frame));
      if (best >= 0.3)
        found++;
      else
        g_test_message ("missed %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): best tIoU %.2f",
                        move->action_code, move->start_frame, move->end_frame, best);
    }
  fidget_media_info_free (media);
  return (double) found / script->moves->len;
}

static void
test_demo_recall (void)
{
  g_autoptr(GPtrArray) scripts = fidget_demo_scripts_new (4);
  guint total_moves = 0;
  double found = 0.0;
  /* Rendering is the slow part: the tests take two of the four demo videos (each still has
   * a dozen moves or more); FIDGET_PROPOSALS_ALL=1 takes all four. */
  guint n = g_getenv ("FIDGET_PROPOSALS_ALL") ? scripts->len : 2;

  for (guint s = 0; s < n; s++)
    {
      const FidgetDemoScript *script = g_ptr_array_index (scripts, s);
      guint n_windows = 0;
      double recall = recall_on (script, &n_windows);

      g_test_message ("%s: %u moves, %u windows, recall %.3f at tIoU >= 0.3",
                      script->participant_code, script->moves->len, n_windows, recall);
      g_assert_cmpfloat (recall, >=, 0.9);
      /* Not one window per frame either: about as many windows as moves. */
      g_assert_cmpuint (n_windows, <=, 2 * script->moves->len);
      found += recall * script->moves->len;
      total_moves += script->moves->len;
    }
  g_test_message ("overall recall %.3f over %u moves", found / total_moves, total_moves);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  fidget_media_init ();

  g_test_add_func ("/proposals/synthetic/bumps", test_synthetic_bumps);
  g_test_add_func ("/proposals/synthetic/scale", test_synthetic_scale);
  g_test_add_func ("/proposals/synthetic/lengths", test_synthetic_lengths);
  g_test_add_func ("/proposals/demo-recall", test_demo_recall);

  return g_test_run ();
}
