/* fidget-cli-assist.c: model-assisted labelling commands of fidget-cli
 *
 *   fidget-cli classify PROJECT --video ID --start F --end F --weights W [--threads N] [--json]
 *   fidget-cli motion PROJECT --video ID [--json]
 *   fidget-cli prelabel PROJECT --video ID --weights W [--shard i/n] [--threads N] [--json]
 *   fidget-cli suggestions PROJECT --video ID [--json]
 *   fidget-cli suggestions accept|reject PROJECT UUID --as NAME
 *   fidget-cli suggestions fix PROJECT UUID --as NAME [--action CODE] [--start F] [--end F]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "fidget-assist.h"
#include "fidget-cli-private.h"
#include "fidget-motion-cache.h"
#include "fidget-motion.h"
#include "fidget-content-hash.h"
#include "fidget-proposals.h"
#include "fidget-scan.h"
#include "fidget-suggestions.h"

/* {{{ classify */

typedef struct
{
  const char  *path;
  int          n_threads;
  FidgetManet *model;
  GError      *error;
} LoadJob;

/* Loading the weights (about 100 MB at full size) overlaps decoding the frames. */
static gpointer
load_thread (gpointer data)
{
  LoadJob *job = data;
  FidgetManetParams params = fidget_manet_default_params ();

  params.n_threads = job->n_threads;
  job->model = fidget_manet_load (job->path, &params, &job->error);
  return NULL;
}

static void
print_prediction (const FidgetVideo            *video,
                  gint64                        start,
                  gint64                        end,
                  const gint64                 *frames,
                  FidgetTaxonomy               *taxonomy,
                  const FidgetAssistPrediction *prediction,
                  double                        elapsed_ms,
                  gboolean                      json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      fidget_cli_add_int (builder, "video", video->id);
      fidget_cli_add_int (builder, "start", start);
      fidget_cli_add_int (builder, "end", end);
      json_builder_set_member_name (builder, "frames");
      json_builder_begin_array (builder);
      for (int i = 0; i < FIDGET_MANET_FRAMES; i++)
        json_builder_add_int_value (builder, frames[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "top5");
      json_builder_begin_array (builder);
      for (int k = 0; k < FIDGET_ASSIST_TOP_K && prediction->top[k] >= 0; k++)
        {
          int i = prediction->top[k];
          const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, i);

          json_builder_begin_object (builder);
          fidget_cli_add_int (builder, "model_index", i);
          fidget_cli_add_string (builder, "code", action ? action->code : NULL);
          fidget_cli_add_string (builder, "name", action ? action->name : NULL);
          fidget_cli_add_double (builder, "probability", prediction->probabilities[i]);
          fidget_cli_add_double (builder, "logit", prediction->logits[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "body_parts");
      json_builder_begin_array (builder);
      for (guint p = 0; p < prediction->n_body_parts; p++)
        {
          const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, p);

          json_builder_begin_object (builder);
          fidget_cli_add_string (builder, "code", part->code);
          fidget_cli_add_string (builder, "name", part->name);
          fidget_cli_add_double (builder, "probability", prediction->body_parts[p]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      fidget_cli_add_double (builder, "elapsed_ms", elapsed_ms);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return;
    }

  g_print ("Actions (frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " of video %" G_GINT64_FORMAT
           "):\n", start, end, video->id);
  for (int k = 0; k < FIDGET_ASSIST_TOP_K && prediction->top[k] >= 0; k++)
    {
      int i = prediction->top[k];
      const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, i);

      g_print ("  %-4s %-40s %6.2f %%\n", action ? action->code : "-",
               action ? action->name : "-", 100.0 * prediction->probabilities[i]);
    }
  g_print ("Body parts:\n");
  for (guint p = 0; p < prediction->n_body_parts; p++)
    {
      const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, p);

      g_print ("  %-4s %-40s %6.2f %%\n", part->code, part->name,
               100.0 * prediction->body_parts[p]);
    }
  g_print ("(%.0f ms)\n", elapsed_ms);
}

/* What classify and prelabel both need before any work: a sane thread count and weights that
 * exist, or where weights come from. */
static int
check_model_options (const char *command,
                     const char *weights,
                     gint64      threads)
{
  if (threads > 1024)
    return fidget_cli_usage_error ("--threads is at most 1024");
  if (weights == NULL)
    return fidget_cli_usage_error ("%s needs --weights FILE.safetensors: %s", command,
                                   fidget_assist_weights_help ());
  if (!g_file_test (weights, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (weights);

      g_printerr ("fidget-cli: the weights “%s” do not exist. %s.\n", display,
                  fidget_assist_weights_help ());
      return FIDGET_CLI_REFUSED;
    }
  return FIDGET_CLI_OK;
}

static int
cmd_classify (int    argc,
              char **argv)
{
  g_autofree char *video_text = NULL, *start_text = NULL, *end_text = NULL;
  g_autofree char *weights = NULL, *threads_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "First frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "One past the last frame", "F" },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights, "MANet's weights (.safetensors)", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Threads (default: one per processor)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  gint64 started = g_get_monotonic_time ();
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetTaxonomy) taxonomy = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autoptr(FidgetAssistPrediction) prediction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree float *clip = NULL;
  gint64 video_id, start, end, threads = 0;
  gint64 frames[FIDGET_MANET_FRAMES];
  LoadJob job = { 0 };
  GThread *loader;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Ask MANet which micro-action the segment [start, end) of a video shows: "
                         "the top 5 actions and the body parts, with probabilities.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("classify takes one PROJECT");
  if (video_text == NULL || start_text == NULL || end_text == NULL)
    return fidget_cli_usage_error ("classify needs --video, --start and --end");
  if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id) ||
      !fidget_cli_parse_int64 (start_text, "--start", 0, &start) ||
      !fidget_cli_parse_int64 (end_text, "--end", 1, &end) ||
      (threads_text != NULL && !fidget_cli_parse_int64 (threads_text, "--threads", 1, &threads)))
    return FIDGET_CLI_USAGE;
  if ((status = check_model_options ("classify", weights, threads)) != FIDGET_CLI_OK)
    return status;

  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  video = fidget_project_get_video (project, video_id, &error);
  if (video == NULL)
    return fidget_cli_refused (error);
  if (end <= start || end > video->frame_count)
    {
      g_printerr ("fidget-cli: frames %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " are not a "
                  "segment of video %" G_GINT64_FORMAT ", which has %" G_GINT64_FORMAT
                  " frames: a segment needs start < end <= %" G_GINT64_FORMAT ".\n", start, end,
                  video->id, video->frame_count, video->frame_count);
      return FIDGET_CLI_REFUSED;
    }
  path = fidget_project_resolve_video_path (project, video);

  job.path = weights;
  job.n_threads = (int) threads;
  loader = g_thread_new ("fidget-load-weights", load_thread, &job);
  fidget_assist_sample_frames (start, end, FIDGET_MANET_FRAMES, frames);
  clip = fidget_assist_prepare_clip (path, video->fps_num, video->fps_den, start, end, NULL,
                                     &error);
  g_debug ("Clip decoded and pre-processed at %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  g_thread_join (loader);
  g_debug ("Weights loaded at %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  model = g_steal_pointer (&job.model);
  if (model == NULL)
    {
      g_autoptr(GError) load_error = g_steal_pointer (&job.error);

      g_printerr ("fidget-cli: %s. %s.\n", load_error->message, fidget_assist_weights_help ());
      return FIDGET_CLI_REFUSED;
    }
  g_clear_error (&job.error);
  if (clip == NULL)
    return fidget_cli_refused (error);
  taxonomy = fidget_taxonomy_new_ma52 ();
  if (fidget_manet_get_n_classes (model) != (int) fidget_taxonomy_get_n_model_classes (taxonomy))
    {
      g_autofree char *display = g_filename_display_name (weights);

      g_printerr ("fidget-cli: “%s” classifies into %d classes, not MA-52's %d actions: these "
                  "are not MANet's MA-52 weights. %s.\n", display,
                  fidget_manet_get_n_classes (model),
                  (int) fidget_taxonomy_get_n_model_classes (taxonomy),
                  fidget_assist_weights_help ());
      return FIDGET_CLI_REFUSED;
    }

  prediction = fidget_assist_predict (model, taxonomy, clip, &error);
  if (prediction == NULL)
    return fidget_cli_refused (error);
  print_prediction (video, start, end, frames, taxonomy, prediction,
                    (g_get_monotonic_time () - started) / 1000.0, json);
  return FIDGET_CLI_OK;
}

/* }}} */

/* {{{ motion */

static void
print_progress (double   fraction,
                gpointer user_data)
{
  g_printerr ("\r%3.0f %%", 100.0 * fraction);
}

static int
cmd_motion (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree double *energy = NULL;
  gboolean show_progress = isatty (STDERR_FILENO);
  gint64 video_id;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Print the motion energy of every frame of a video: the mean absolute "
                         "difference from the previous picture, in grey levels, at low "
                         "resolution.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("motion takes one PROJECT");
  if (video_text == NULL)
    return fidget_cli_usage_error ("motion needs --video");
  if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  video = fidget_project_get_video (project, video_id, &error);
  if (video == NULL)
    return fidget_cli_refused (error);
  path = fidget_project_resolve_video_path (project, video);
  energy = fidget_motion_cache_get (path, video->content_hash, video->fps_num, video->fps_den,
                                    video->frame_count, NULL, NULL,
                                    show_progress ? print_progress : NULL, NULL, &error);
  if (show_progress)
    g_printerr ("\r");
  if (energy == NULL)
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      fidget_cli_add_int (builder, "video", video->id);
      fidget_cli_add_int (builder, "frames", video->frame_count);
      fidget_cli_add_int (builder, "width", FIDGET_MOTION_WIDTH);
      json_builder_set_member_name (builder, "energy");
      json_builder_begin_array (builder);
      for (gint64 i = 0; i < video->frame_count; i++)
        json_builder_add_double_value (builder, energy[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }
  for (gint64 i = 0; i < video->frame_count; i++)
    g_print ("%" G_GINT64_FORMAT "\t%.3f\n", i, energy[i]);
  return FIDGET_CLI_OK;
}

/* }}} */

/* {{{ prelabel */

static gboolean
parse_shard (const char *text,
             int        *index,
             int        *count)
{
  g_auto(GStrv) parts = NULL;
  gint64 i, n;

  if (text == NULL)
    {
      *index = 1;
      *count = 1;
      return TRUE;
    }
  parts = g_strsplit (text, "/", 3);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_signed (parts[0], 10, 1, G_MAXINT, &i, NULL) ||
      !g_ascii_string_to_signed (parts[1], 10, 1, G_MAXINT, &n, NULL) || i > n)
    {
      fidget_cli_usage_error ("--shard takes i/n with 1 <= i <= n, e.g. 2/4, not “%s”", text);
      return FALSE;
    }
  *index = (int) i;
  *count = (int) n;
  return TRUE;
}

static void
add_suggestion_json (JsonBuilder            *builder,
                     const FidgetSuggestion *s)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_builder_begin_object (builder);
  fidget_cli_add_string (builder, "uuid", s->uuid);
  fidget_cli_add_int (builder, "video", s->video_id);
  fidget_cli_add_int (builder, "start", s->start_frame);
  fidget_cli_add_int (builder, "end", s->end_frame);
  fidget_cli_add_string (builder, "action", s->action_code);
  json_builder_set_member_name (builder, "top5");
  if (json_parser_load_from_data (parser, s->scores_json, -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);
  fidget_cli_add_string (builder, "model", s->model_hash);
  fidget_cli_add_int (builder, "created_us", s->created_us);
  fidget_cli_add_string (builder, "state", fidget_suggestion_state_to_string (s->state));
  fidget_cli_add_string (builder, "decided_by", s->decided_by);
  fidget_cli_add_int (builder, "decided_us", s->decided_us);
  fidget_cli_add_string (builder, "segment", s->segment_uuid);
  json_builder_end_object (builder);
}

static void
prelabel_progress (double   fraction,
                   gpointer user_data)
{
  g_printerr ("\r%3.0f %%", 100.0 * fraction);
}

static int
cmd_prelabel (int    argc,
              char **argv)
{
  g_autofree char *video_text = NULL, *weights = NULL, *threads_text = NULL, *shard_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights, "MANet's weights (.safetensors)", "FILE" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard_text,
      "Only every n-th window, starting with the i-th (1-based), for batch jobs", "i/n" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Threads (default: one per processor)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  gint64 started = g_get_monotonic_time ();
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(FidgetAssistModel) model = NULL;
  g_autoptr(FidgetScanResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean show_progress = isatty (STDERR_FILENO);
  gint64 video_id, threads = 0;
  int shard = 1, n_shards = 1, status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Scan a video for model suggestions: candidate windows from its motion "
                         "(cached per video), each labelled by MANet. Suggestions are not labels: "
                         "accept, fix or reject them with “suggestions”. Re-running replaces this "
                         "model's open suggestions for the video.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("prelabel takes one PROJECT");
  if (video_text == NULL)
    return fidget_cli_usage_error ("prelabel needs --video");
  if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id) ||
      (threads_text != NULL && !fidget_cli_parse_int64 (threads_text, "--threads", 1, &threads)) ||
      !parse_shard (shard_text, &shard, &n_shards))
    return FIDGET_CLI_USAGE;
  if ((status = check_model_options ("prelabel", weights, threads)) != FIDGET_CLI_OK)
    return status;

  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  video = fidget_project_get_video (project, video_id, &error);
  if (video == NULL)
    return fidget_cli_refused (error);

  model = fidget_assist_model_load (weights, (int) threads, NULL, &error);
  if (model == NULL)
    {
      g_printerr ("fidget-cli: %s. %s.\n", error->message, fidget_assist_weights_help ());
      return FIDGET_CLI_REFUSED;
    }

  result = fidget_scan_video (project, video->id, model, shard, n_shards, NULL,
                              show_progress ? prelabel_progress : NULL, NULL, &error);
  if (show_progress)
    g_printerr ("\r");
  if (result == NULL)
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      fidget_cli_add_int (builder, "video", video->id);
      fidget_cli_add_string (builder, "model", result->model_hash);
      fidget_cli_add_int (builder, "windows", result->n_windows);
      fidget_cli_add_int (builder, "shard", shard);
      fidget_cli_add_int (builder, "shards", n_shards);
      json_builder_set_member_name (builder, "suggestions");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->suggestions->len; i++)
        add_suggestion_json (builder, g_ptr_array_index (result->suggestions, i));
      json_builder_end_array (builder);
      fidget_cli_add_boolean (builder, "motion_cached", result->motion_cached);
      fidget_cli_add_double (builder, "motion_ms", result->motion_s * 1000.0);
      fidget_cli_add_double (builder, "classify_ms", result->classify_s * 1000.0);
      fidget_cli_add_double (builder, "elapsed_ms", (g_get_monotonic_time () - started) / 1000.0);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }
  g_print ("%u suggestions for video %" G_GINT64_FORMAT " (%u windows in all, shard %d/%d) "
           "in %.1f s\n", result->suggestions->len, video->id, result->n_windows, shard,
           n_shards, (g_get_monotonic_time () - started) / 1e6);
  return FIDGET_CLI_OK;
}

/* }}} */

/* {{{ suggestions */

static void
print_suggestion_line (const FidgetSuggestion *s)
{
  g_print ("%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", s->uuid,
           s->start_frame, s->end_frame, s->action_code,
           fidget_suggestion_state_to_string (s->state), s->decided_by ? s->decided_by : "-");
}

static int
cmd_suggestions_decide (int    argc,
                        char **argv)
{
  g_autofree char *actor = NULL, *action = NULL, *start_text = NULL, *end_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Who decides (an annotator)", "NAME" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "fix: the right action", "CODE" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "fix: the right first frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "fix: one past the right last frame", "F" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(FidgetSuggestion) decided = NULL;
  g_autoptr(GError) error = NULL;
  const char *verb = argv[0];
  gint64 start = -1, end = -1;
  gboolean is_fix = g_str_equal (verb, "fix");
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT UUID",
                         "Decide on a model suggestion: accept makes it your segment, fix makes "
                         "it your segment with another action or frames, reject dismisses it.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 3)
    return fidget_cli_usage_error ("suggestions %s takes PROJECT and a suggestion's UUID", verb);
  if (actor == NULL)
    return fidget_cli_usage_error ("suggestions %s needs --as NAME: a decision is a person's",
                                   verb);
  if (!is_fix && (action != NULL || start_text != NULL || end_text != NULL))
    return fidget_cli_usage_error ("--action, --start and --end belong to suggestions fix");
  if (is_fix && action == NULL && start_text == NULL && end_text == NULL)
    return fidget_cli_usage_error ("suggestions fix needs --action, --start or --end");
  if ((start_text != NULL && !fidget_cli_parse_int64 (start_text, "--start", 0, &start)) ||
      (end_text != NULL && !fidget_cli_parse_int64 (end_text, "--end", 1, &end)))
    return FIDGET_CLI_USAGE;

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (g_str_equal (verb, "accept"))
    segment = fidget_suggestions_accept (project, argv[2], &error);
  else if (is_fix)
    segment = fidget_suggestions_fix (project, argv[2], action, start, end, &error);
  else if (!fidget_suggestions_reject (project, argv[2], &error))
    return fidget_cli_refused (error);
  if (segment == NULL && error != NULL)
    return fidget_cli_refused (error);

  decided = fidget_suggestions_get (project, argv[2], &error);
  if (decided == NULL)
    return fidget_cli_refused (error);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      add_suggestion_json (builder, decided);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
    }
  else
    print_suggestion_line (decided);
  return FIDGET_CLI_OK;
}

static int
cmd_suggestions (int    argc,
                 char **argv)
{
  g_autofree char *video_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id;
  int status = FIDGET_CLI_OK;

  if (argc > 1 && (g_str_equal (argv[1], "accept") || g_str_equal (argv[1], "fix") ||
                   g_str_equal (argv[1], "reject")))
    return cmd_suggestions_decide (argc - 1, argv + 1);

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "List a video's model suggestions (uuid, start, end, action, state, "
                         "decided by). Subcommands: accept, fix, reject.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("suggestions takes one PROJECT");
  if (video_text == NULL)
    return fidget_cli_usage_error ("suggestions needs --video");
  if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (!(video = fidget_project_get_video (project, video_id, &error)) ||
      !(list = fidget_suggestions_list (project, video_id, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        add_suggestion_json (builder, g_ptr_array_index (list, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }
  for (guint i = 0; i < list->len; i++)
    print_suggestion_line (g_ptr_array_index (list, i));
  return FIDGET_CLI_OK;
}

/* }}} */

const FidgetCliCommand fidget_cli_assist_commands[] = {
  { "prelabel", cmd_prelabel,
    "prelabel PROJECT --video ID --weights W [--shard i/n] [--threads N] [--json]" },
  { "suggestions", cmd_suggestions,
    "suggestions PROJECT --video ID [--json]\n"
    "  suggestions accept|reject PROJECT UUID --as NAME [--json]\n"
    "  suggestions fix PROJECT UUID --as NAME [--action CODE] [--start F] [--end F] [--json]" },
  { "classify", cmd_classify,
    "classify PROJECT --video ID --start F --end F --weights W [--threads N] [--json]" },
  { "motion", cmd_motion, "motion PROJECT --video ID [--json]" },
  { NULL }
};
