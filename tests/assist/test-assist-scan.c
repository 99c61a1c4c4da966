/* test-assist-scan.c: the motion cache and the scan as a library, on a rendered demo interview
 * with the committed width-8 MANet (random weights: its labels mean nothing, the job does)
 *
 * The cache must give back exactly the curve a fresh pass computes, and never trust a file cut
 * short or damaged. The scan must store one suggestion per window with the model's hash, report
 * progress that never goes down and ends at 1 (in the caller's thread for the async variant),
 * and a cancelled scan must leave the project exactly as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fidget-demo.h"
#include "fidget-motion-cache.h"
#include "fidget-motion.h"
#include "fidget-proposals.h"
#include "fidget-scan.h"
#include "fidget-test-util.h"
#include "fidget-video-import.h"

static char *video_path;
static char *project_path;
static FidgetVideo *video;

static void
ensure_video (void)
{
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(FidgetDemoScript) script = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (video_path != NULL)
    return;
  scripts = fidget_demo_scripts_new (1);
  script = g_ptr_array_steal_index (scripts, 0);
  dir = fidget_test_make_tmpdir ();
  video_path = g_build_filename (dir, "P001.mkv", NULL);
  g_assert_true (fidget_demo_render (script, video_path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  project_path = g_build_filename (dir, "study.fidget", NULL);
  project = fidget_project_create (project_path, &error);
  g_assert_no_error (error);
  video = fidget_import_video (project, video_path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (video->frame_count, ==, script->n_frames);
}

static FidgetProject *
open_project (void)
{
  g_autoptr(GError) error = NULL;
  FidgetProject *project = fidget_project_open (project_path, &error);

  g_assert_no_error (error);
  return project;
}

static FidgetAssistModel *
load_model (void)
{
  g_autofree char *weights = g_test_build_filename (G_TEST_DIST, "manet", "data",
                                                    "manet-w8.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  FidgetAssistModel *model = fidget_assist_model_load (weights, 2, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (fidget_assist_model_get_hash (model), "sha256:"));
  return model;
}

/* {{{ cache */

static void
test_cache_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *fresh = NULL;
  g_autofree double *first = NULL;
  g_autofree double *second = NULL;
  g_autofree double *looked_up = NULL;
  g_autofree char *file = NULL;
  g_autofree char *expected_dir = NULL;
  g_autofree char *dir = NULL;
  gboolean cached = TRUE;

  ensure_video ();
  file = fidget_motion_cache_file (video->content_hash, video->fps_num, video->fps_den,
                                   video->frame_count);
  expected_dir = g_build_filename (g_get_user_cache_dir (), "fidget", "motion", NULL);
  dir = g_path_get_dirname (file);
  g_assert_cmpstr (dir, ==, expected_dir);
  g_remove (file);

  fresh = fidget_motion_energy (video_path, video->fps_num, video->fps_den, video->frame_count,
                                NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_null (fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                             video->frame_count));
  first = fidget_motion_cache_get (video_path, video->content_hash, video->fps_num,
                                   video->fps_den, video->frame_count, &cached, NULL, NULL,
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cached);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpmem (first, video->frame_count * sizeof (double),
                   fresh, video->frame_count * sizeof (double));

  /* The second time comes from the file: exactly the fresh curve, bit for bit. */
  second = fidget_motion_cache_get ("/nonexistent/not-decoded.mkv", video->content_hash,
                                    video->fps_num, video->fps_den, video->frame_count, &cached,
                                    NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cached);
  g_assert_cmpmem (second, video->frame_count * sizeof (double),
                   fresh, video->frame_count * sizeof (double));

  /* Another frame grid is another curve. */
  g_assert_null (fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                             video->frame_count - 1));
  g_assert_null (fidget_motion_cache_lookup (video->content_hash, video->fps_num * 2,
                                             video->fps_den, video->frame_count));
  looked_up = fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                          video->frame_count);
  g_assert_nonnull (looked_up);
}

static void
test_cache_damaged (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_autofree double *good = NULL;
  g_autofree double *again = NULL;
  gboolean cached = TRUE;
  gsize length = 0;

  ensure_video ();
  good = fidget_motion_cache_get (video_path, video->content_hash, video->fps_num,
                                  video->fps_den, video->frame_count, NULL, NULL, NULL, NULL,
                                  &error);
  g_assert_no_error (error);
  file = fidget_motion_cache_file (video->content_hash, video->fps_num, video->fps_den,
                                   video->frame_count);
  g_assert_true (g_file_get_contents (file, &contents, &length, NULL));

  /* Cut short: ignored. */
  g_assert_true (g_file_set_contents (file, contents, length - 9, NULL));
  g_assert_null (fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                             video->frame_count));

  /* One value changed in the middle, the length right: the digest notices. */
  contents[length / 2] ^= 0x40;
  g_assert_true (g_file_set_contents (file, contents, length, NULL));
  g_assert_null (fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                             video->frame_count));

  /* Something else altogether. */
  g_assert_true (g_file_set_contents (file, "not a curve", -1, NULL));
  g_assert_null (fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                             video->frame_count));

  /* get() computes it again and replaces the bad file. */
  again = fidget_motion_cache_get (video_path, video->content_hash, video->fps_num,
                                   video->fps_den, video->frame_count, &cached, NULL, NULL, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_false (cached);
  g_assert_cmpmem (again, video->frame_count * sizeof (double),
                   good, video->frame_count * sizeof (double));
  g_clear_pointer (&again, g_free);
  again = fidget_motion_cache_lookup (video->content_hash, video->fps_num, video->fps_den,
                                      video->frame_count);
  g_assert_nonnull (again);

  /* A hash that is no hex digest still names a file inside the cache folder. */
  {
    g_autofree char *odd = fidget_motion_cache_file ("sha256:../../etc/passwd", 30, 1, 10);
    g_autofree char *dir = g_path_get_dirname (odd);
    g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "fidget", "motion",
                                                  NULL);

    g_assert_cmpstr (dir, ==, expected);
  }
}

/* }}} */
/* {{{ scan */

typedef struct
{
  GArray   *fractions;
  GThread  *thread;
  gboolean  wrong_thread;
  gboolean  finished;
  gboolean  after_finish;
  GCancellable *cancel_at_windows;   /* cancelled once the windows are half done */
  double    cancel_above;
} Watch;

static void
watch_progress (double   fraction,
                gpointer user_data)
{
  Watch *watch = user_data;

  g_array_append_val (watch->fractions, fraction);
  if (g_thread_self () != watch->thread)
    watch->wrong_thread = TRUE;
  if (watch->finished)
    watch->after_finish = TRUE;
  if (watch->cancel_at_windows != NULL && fraction > watch->cancel_above)
    g_cancellable_cancel (watch->cancel_at_windows);
}

static void
assert_monotonic_to_one (GArray *fractions)
{
  g_assert_cmpuint (fractions->len, >=, 2);
  for (guint i = 0; i < fractions->len; i++)
    {
      double f = g_array_index (fractions, double, i);

      g_assert_cmpfloat (f, >=, 0.0);
      g_assert_cmpfloat (f, <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (f, >, g_array_index (fractions, double, i - 1));
    }
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
}

static GPtrArray *
open_suggestions (FidgetProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = fidget_suggestions_list (project, video->id, &error);
  GPtrArray *open = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      FidgetSuggestion *s = g_ptr_array_index (all, i);

      if (s->state == FIDGET_SUGGESTION_OPEN)
        g_ptr_array_add (open, g_strdup (s->uuid));
    }
  g_ptr_array_set_free_func (open, g_free);
  return open;
}

static void
test_scan_blocking (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(FidgetScanResult) result = NULL;
  g_autoptr(FidgetScanResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) windows = NULL;
  g_autofree double *energy = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  Watch watch = { 0 };

  ensure_video ();
  project = open_project ();
  model = load_model ();
  watch.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  watch.thread = g_thread_self ();

  result = fidget_scan_video (project, video->id, model, 1, 1, NULL, watch_progress, &watch,
                              &error);
  g_assert_no_error (error);
  assert_monotonic_to_one (watch.fractions);

  /* One suggestion per window of the curve, with the model's hash and its top 5. */
  energy = fidget_motion_energy (video_path, video->fps_num, video->fps_den, video->frame_count,
                                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  windows = fidget_motion_proposals (energy, video->frame_count, video->fps_num, video->fps_den,
                                     NULL);
  g_assert_cmpuint (windows->len, >=, 5);
  g_assert_cmpuint (result->n_windows, ==, windows->len);
  g_assert_cmpuint (result->suggestions->len, ==, windows->len);
  for (guint i = 0; i < windows->len; i++)
    {
      const FidgetProposal *w = &g_array_index (windows, FidgetProposal, i);
      const FidgetSuggestion *s = g_ptr_array_index (result->suggestions, i);

      g_assert_cmpint (s->start_frame, ==, w->start_frame);
      g_assert_cmpint (s->end_frame, ==, w->end_frame);
      g_assert_cmpstr (s->model_hash, ==, fidget_assist_model_get_hash (model));
      g_assert_nonnull (fidget_taxonomy_lookup_action (fidget_project_get_taxonomy (project),
                                                       s->action_code));
      g_assert_true (g_str_has_prefix (s->scores_json, "[{\"code\":"));
      g_assert_cmpint (s->state, ==, FIDGET_SUGGESTION_OPEN);
    }
  listed = fidget_suggestions_list (project, video->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, windows->len);
  /* Suggestions are not labels. */
  {
    g_autoptr(GPtrArray) segments = fidget_project_list_segments (project, video->id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (segments->len, ==, 0);
  }

  /* Again: the curve comes from the cache and the open suggestions are replaced. */
  g_array_set_size (watch.fractions, 0);
  again = fidget_scan_video (project, video->id, model, 1, 1, NULL, watch_progress, &watch,
                             &error);
  g_assert_no_error (error);
  g_assert_true (again->motion_cached);
  assert_monotonic_to_one (watch.fractions);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = fidget_suggestions_list (project, video->id, &error);
  g_assert_cmpuint (listed->len, ==, windows->len);
  g_assert_cmpstr (((FidgetSuggestion *) g_ptr_array_index (listed, 0))->uuid, ==,
                   ((FidgetSuggestion *) g_ptr_array_index (again->suggestions, 0))->uuid);

  /* Shards share the windows round-robin. */
  {
    g_autoptr(FidgetScanResult) one = fidget_scan_video (project, video->id, model, 1, 2, NULL,
                                                         NULL, NULL, &error);
    g_autoptr(FidgetScanResult) two = NULL;

    g_assert_no_error (error);
    two = fidget_scan_video (project, video->id, model, 2, 2, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (one->suggestions->len + two->suggestions->len, ==, windows->len);
    g_assert_cmpuint (one->suggestions->len, ==, (windows->len + 1) / 2);
    g_assert_cmpint (((FidgetSuggestion *) g_ptr_array_index (two->suggestions, 0))->start_frame,
                     ==, g_array_index (windows, FidgetProposal, 1).start_frame);
    g_assert_null (fidget_scan_video (project, video->id, model, 3, 2, NULL, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  g_array_unref (watch.fractions);
}

static void
on_scanned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
on_classified (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static FidgetAssistPrediction *
wait_classified (GAsyncResult **slot)
{
  g_autoptr(GError) error = NULL;
  FidgetAssistPrediction *prediction;

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  prediction = fidget_assist_classify_finish (*slot, &error);
  g_assert_no_error (error);
  g_clear_object (slot);
  return prediction;
}

/* Shows frames [@start, @end) one after the other, as an annotator stepping through them. */
static void
step_through (FidgetPlayer *player,
              gint64        start,
              gint64        end)
{
  for (gint64 i = start; i < end; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FidgetFrame) frame = fidget_player_get_frame (player, i, NULL, &error);

      g_assert_no_error (error);
    }
}

static void
assert_same_logits (const FidgetAssistPrediction *a,
                    const FidgetAssistPrediction *b)
{
  g_assert_cmpint (a->n_classes, ==, b->n_classes);
  for (int i = 0; i < a->n_classes; i++)
    if (a->logits[i] != b->logits[i])
      g_error ("Logit %d: %.9g from the player's pictures, %.9g decoded afresh", i,
               a->logits[i], b->logits[i]);
}

/* The frames an annotator has just stepped through are classified from the player's cache,
 * with exactly the result of decoding them afresh; without them in the cache, the video is
 * decoded as usual. */
static void
test_classify_from_player (void)
{
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetAssistPrediction) cached = NULL;
  g_autoptr(FidgetAssistPrediction) fresh = NULL;
  g_autoptr(FidgetAssistPrediction) uncached = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FidgetPlayerGrid grid = { 0 };
  FidgetPlayerStats before, after;
  const gint64 start = 47, end = 101;

  ensure_video ();
  model = load_model ();
  grid.fps_num = video->fps_num;
  grid.fps_den = video->fps_den;
  grid.frame_count = video->frame_count;
  player = fidget_player_open (video_path, &grid, NULL, &error);
  g_assert_no_error (error);
  step_through (player, start, end);

  fidget_player_get_stats (player, &before);
  fidget_assist_classify_player_async (model, player, start, end, NULL, on_classified, &result);
  cached = wait_classified (&result);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.peek_hits - before.peek_hits, ==, FIDGET_MANET_FRAMES);
  g_assert_cmpuint (after.pictures_decoded, ==, before.pictures_decoded);

  fidget_assist_classify_async (model, video_path, video->fps_num, video->fps_den, start, end,
                                NULL, on_classified, &result);
  fresh = wait_classified (&result);
  assert_same_logits (cached, fresh);

  /* Nothing cached: the first look misses, and the segment is decoded. */
  fidget_player_clear_cache (player);
  fidget_player_get_stats (player, &before);
  fidget_assist_classify_player_async (model, player, start, end, NULL, on_classified, &result);
  uncached = wait_classified (&result);
  fidget_player_get_stats (player, &after);
  g_assert_cmpuint (after.peek_hits, ==, before.peek_hits);
  g_assert_cmpuint (after.peeks - before.peeks, ==, 1);
  assert_same_logits (uncached, fresh);
}

/* A video whose decoder gives other pictures than I420 (here 4:4:4): the player converts
 * them on their way into its cache, so it lends none, and the segment is decoded as the
 * command line would. */
static void
test_classify_player_converted (void)
{
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(FidgetPlayer) player = NULL;
  g_autoptr(FidgetAssistPrediction) through_player = NULL;
  g_autoptr(FidgetAssistPrediction) fresh = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "y444.mkv", NULL);
  g_autofree char *description = NULL;
  FidgetPlayerStats stats;

  fidget_media_init ();
  description = g_strdup_printf ("videotestsrc num-buffers=60 pattern=ball ! "
                                 "video/x-raw,format=Y444,width=320,height=240,framerate=30/1 ! "
                                 "x264enc ! matroskamux ! filesink location=\"%s\"", path);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    {
      g_test_skip ("x264enc or matroskamux is not installed");
      return;
    }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  model = load_model ();
  player = fidget_player_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  step_through (player, 10, 40);
  fidget_assist_classify_player_async (model, player, 10, 40, NULL, on_classified, &result);
  through_player = wait_classified (&result);
  fidget_player_get_stats (player, &stats);
  g_assert_cmpuint (stats.peeks, ==, 1);
  g_assert_cmpuint (stats.peek_hits, ==, 0);

  fidget_assist_classify_async (model, path, 30, 1, 10, 40, NULL, on_classified, &result);
  fresh = wait_classified (&result);
  assert_same_logits (through_player, fresh);
}

static void
test_scan_async (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(FidgetScanResult) result = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autofree char *file = NULL;
  Watch watch = { 0 };

  ensure_video ();
  project = open_project ();
  model = load_model ();
  /* Without the cache, so that the motion pass reports too. */
  file = fidget_motion_cache_file (video->content_hash, video->fps_num, video->fps_den,
                                   video->frame_count);
  g_remove (file);
  watch.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  watch.thread = g_thread_self ();

  fidget_scan_video_async (project, video->id, model, 1, 1, NULL, watch_progress, &watch, NULL,
                           on_scanned, &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  watch.finished = TRUE;
  result = fidget_scan_video_finish (async_result, &error);
  g_assert_no_error (error);
  g_assert_false (result->motion_cached);
  g_assert_cmpuint (result->suggestions->len, ==, result->n_windows);
  assert_monotonic_to_one (watch.fractions);
  /* The motion pass reported on its way, not only the windows. */
  g_assert_cmpfloat (g_array_index (watch.fractions, double, 1), <, 0.3);
  g_assert_false (watch.wrong_thread);

  /* Nothing comes after the callback. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (watch.after_finish);

  open = open_suggestions (project);
  g_assert_cmpuint (open->len, ==, result->n_windows);
  g_array_unref (watch.fractions);
}

static void
test_scan_cancel (void)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(FidgetScanResult) result = NULL;
  g_autoptr(FidgetScanResult) first = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  Watch watch = { 0 };

  ensure_video ();
  project = open_project ();
  model = load_model ();
  first = fidget_scan_video (project, video->id, model, 1, 1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  before = open_suggestions (project);
  g_assert_cmpuint (before->len, >, 0);

  /* Cancelled half way through the windows (the curve is cached, so they are all the job). */
  watch.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  watch.thread = g_thread_self ();
  watch.cancel_at_windows = cancellable;
  watch.cancel_above = 0.5;
  fidget_scan_video_async (project, video->id, model, 1, 1, cancellable, watch_progress, &watch,
                           NULL, on_scanned, &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  watch.finished = TRUE;
  result = fidget_scan_video_finish (async_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpuint (watch.fractions->len, >, 0);
  g_assert_cmpfloat (g_array_index (watch.fractions, double, watch.fractions->len - 1), <, 1.0);

  /* The open suggestions are the same ones: nothing replaced, nothing added. */
  after = open_suggestions (project);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpstr (g_ptr_array_index (after, i), ==, g_ptr_array_index (before, i));

  /* The blocking scan too: a cancellable cancelled before it starts stores nothing. */
  g_clear_error (&error);
  g_assert_null (fidget_scan_video (project, video->id, model, 1, 1, cancellable, NULL, NULL,
                                    &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = open_suggestions (project);
  g_assert_cmpuint (after->len, ==, before->len);
  g_array_unref (watch.fractions);
}

static void
test_model_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *junk = g_build_filename (dir, "junk.safetensors", NULL);

  g_assert_null (fidget_assist_model_load ("/nonexistent/manet.safetensors", 1, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "manet.safetensors"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (junk, "this is no safetensors file", -1, NULL));
  g_assert_null (fidget_assist_model_load (junk, 1, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "junk.safetensors"));
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  /* The cache goes to a folder of this run's own (XDG_CACHE_HOME), never the user's. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/motion-cache/roundtrip", test_cache_roundtrip);
  g_test_add_func ("/motion-cache/damaged", test_cache_damaged);
  g_test_add_func ("/scan/blocking", test_scan_blocking);
  g_test_add_func ("/scan/async", test_scan_async);
  g_test_add_func ("/scan/cancel", test_scan_cancel);
  g_test_add_func ("/scan/model-errors", test_model_errors);
  g_test_add_func ("/scan/classify-from-player", test_classify_from_player);
  g_test_add_func ("/scan/classify-player-converted", test_classify_player_converted);

  return g_test_run ();
}
