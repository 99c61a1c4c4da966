/* fidget-cli-assist.c: model-assisted labelling commands of fidget-cli
 *
 *   fidget-cli classify PROJECT --video ID --start F --end F --weights W [--threads N] [--json]
 *   fidget-cli motion PROJECT --video ID [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "fidget-assist.h"
#include "fidget-cli-private.h"
#include "fidget-motion.h"

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
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
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
      add_int (builder, "video", video->id);
      add_int (builder, "start", start);
      add_int (builder, "end", end);
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
          add_int (builder, "model_index", i);
          add_string (builder, "code", action ? action->code : NULL);
          add_string (builder, "name", action ? action->name : NULL);
          add_double (builder, "probability", prediction->probabilities[i]);
          add_double (builder, "logit", prediction->logits[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "body_parts");
      json_builder_begin_array (builder);
      for (guint p = 0; p < prediction->n_body_parts; p++)
        {
          const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, p);

          json_builder_begin_object (builder);
          add_string (builder, "code", part->code);
          add_string (builder, "name", part->name);
          add_double (builder, "probability", prediction->body_parts[p]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      add_double (builder, "elapsed_ms", elapsed_ms);
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
  if (threads > 1024)
    return fidget_cli_usage_error ("--threads is at most 1024");
  if (weights == NULL)
    return fidget_cli_usage_error ("classify needs --weights FILE.safetensors: %s",
                                   fidget_assist_weights_help ());
  if (!g_file_test (weights, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (weights);

      g_printerr ("fidget-cli: the weights “%s” do not exist. %s.\n", display,
                  fidget_assist_weights_help ());
      return FIDGET_CLI_REFUSED;
    }

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
  energy = fidget_motion_energy (path, video->fps_num, video->fps_den, video->frame_count, NULL,
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
      add_int (builder, "video", video->id);
      add_int (builder, "frames", video->frame_count);
      add_int (builder, "width", FIDGET_MOTION_WIDTH);
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

const FidgetCliCommand fidget_cli_assist_commands[] = {
  { "classify", cmd_classify,
    "classify PROJECT --video ID --start F --end F --weights W [--threads N] [--json]" },
  { "motion", cmd_motion, "motion PROJECT --video ID [--json]" },
  { NULL }
};
