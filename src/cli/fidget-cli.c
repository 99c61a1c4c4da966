/* fidget-cli.c: every headless operation, for scripts, batch jobs and tests
 *
 * Exit status: 0 done, 1 refused (the reason on stderr, one line), 2 bad usage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <unistd.h>
#include <stdlib.h>

#include "fidget-cli-private.h"
#include "fidget-error.h"
#include "fidget-video-import.h"

/* {{{ Shared helpers */

int
fidget_cli_usage_error (const char *format,
                        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("fidget-cli: %s (see fidget-cli --help)\n", message);
  return FIDGET_CLI_USAGE;
}

int
fidget_cli_refused (const GError *error)
{
  g_printerr ("fidget-cli: %s\n", error->message);
  return FIDGET_CLI_REFUSED;
}

/* Parses @argv with @entries; on failure prints the reason and returns FALSE. The command's
 * name and its positional arguments stay in argv. */
gboolean
fidget_cli_parse (int            *argc,
                  char         ***argv,
                  const char     *parameters,
                  const char     *summary,
                  GOptionEntry   *entries)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fidget_cli_usage_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
fidget_cli_parse_int64 (const char *text,
                        const char *what,
                        gint64      min,
                        gint64     *value)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL ||
      !g_ascii_string_to_signed (text, 10, min, G_MAXINT64, value, &error))
    {
      fidget_cli_usage_error ("%s must be a whole number of at least %" G_GINT64_FORMAT ", not “%s”",
                              what, min, text ? text : "");
      return FALSE;
    }
  return TRUE;
}

/* --start, --end and --action of the commands that change a segment, into @values and
 * @fields (which the caller may have started). FALSE after printing a usage error. */
gboolean
fidget_cli_segment_changes (const char          *start_text,
                            const char          *end_text,
                            const char          *action,
                            FidgetSegment       *values,
                            FidgetSegmentFields *fields)
{
  if (start_text != NULL)
    {
      if (!fidget_cli_parse_int64 (start_text, "--start", 0, &values->start_frame))
        return FALSE;
      *fields |= FIDGET_SEGMENT_FIELD_START;
    }
  if (end_text != NULL)
    {
      if (!fidget_cli_parse_int64 (end_text, "--end", 0, &values->end_frame))
        return FALSE;
      *fields |= FIDGET_SEGMENT_FIELD_END;
    }
  if (action != NULL)
    {
      values->action_code = (char *) action;
      *fields |= FIDGET_SEGMENT_FIELD_ACTION;
    }
  return TRUE;
}

FidgetProject *
fidget_cli_open (const char  *path,
                 const char  *actor,
                 int         *status)
{
  g_autoptr(GError) error = NULL;
  FidgetProject *project = fidget_project_open (path, &error);

  if (project == NULL)
    {
      *status = fidget_cli_refused (error);
      return NULL;
    }
  if (actor != NULL)
    {
      g_autoptr(FidgetAnnotator) annotator = fidget_project_lookup_annotator (project, actor,
                                                                              &error);
      if (annotator == NULL)
        {
          *status = fidget_cli_refused (error);
          g_object_unref (project);
          return NULL;
        }
      fidget_project_set_actor (project, annotator->name);
    }
  return project;
}

void
fidget_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

void
fidget_cli_add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
fidget_cli_add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
fidget_cli_add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

void
fidget_cli_add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

void
fidget_cli_add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* m:ss.fff for people; frames stay the truth. */
static char *
format_duration (gint64 duration_ns)
{
  gint64 ms = duration_ns / G_GINT64_CONSTANT (1000000);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d.%03d", ms / 60000, (int) (ms / 1000 % 60),
                          (int) (ms % 1000));
}

/* }}} */
/* {{{ init */

static int
cmd_init (int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT", "Create an empty project file.", NULL))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("init takes one PROJECT file");

  project = fidget_project_create (argv[1], &error);
  if (project == NULL)
    return fidget_cli_refused (error);
  g_print ("%s\n", fidget_project_get_path (project));
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ import-video */

static void
print_progress (double   fraction,
                gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100.0);

  /* Only on a terminal, and only when the number changes: scripts read stdout. */
  if (percent != *last)
    {
      *last = percent;
      g_printerr ("\r%3d%%", percent);
    }
}

static int
cmd_import_video (int    argc,
                  char **argv)
{
  g_autofree char *participant = NULL;
  g_autofree char *gender = NULL;
  g_autofree char *age_group = NULL;
  g_autofree char *actor = NULL;
  GOptionEntry entries[] = {
    { "participant", 0, 0, G_OPTION_ARG_STRING, &participant, "Participant code (e.g. P001)", "CODE" },
    { "gender", 0, 0, G_OPTION_ARG_STRING, &gender, "female, male or other", "GENDER" },
    { "age-group", 0, 0, G_OPTION_ARG_STRING, &age_group, "e.g. 18-25", "GROUP" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator doing the import", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  FidgetImportOptions options;
  gboolean show_progress = isatty (2);
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT FILE...", "Import video files into a project.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc < 3)
    return fidget_cli_usage_error ("import-video takes a PROJECT and at least one FILE");
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;

  options.participant_code = participant;
  options.gender = gender;
  options.age_group = age_group;

  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FidgetVideo) video = NULL;
      g_autofree char *duration = NULL;
      int last = -1;

      video = fidget_import_video (project, argv[i], &options, NULL,
                                   show_progress ? print_progress : NULL, &last, &error);
      if (show_progress)
        g_printerr ("\r    \r");
      if (video == NULL)
        {
          status = fidget_cli_refused (error);
          continue;
        }
      duration = format_duration (video->duration_ns);
      g_print ("%" G_GINT64_FORMAT "\t%s\t%dx%d\t%d/%d fps\t%" G_GINT64_FORMAT " frames\t%s\n",
               video->id, video->path, video->width, video->height, video->fps_num,
               video->fps_den, video->frame_count, duration);
    }
  return status;
}

/* }}} */
/* {{{ videos */

static int
cmd_videos (int    argc,
            char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT", "List the videos of a project.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("videos takes one PROJECT");
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (!(videos = fidget_project_list_videos (project, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < videos->len; i++)
        {
          FidgetVideo *video = g_ptr_array_index (videos, i);
          g_autofree char *fps = g_strdup_printf ("%d/%d", video->fps_num, video->fps_den);

          json_builder_begin_object (builder);
          fidget_cli_add_int (builder, "id", video->id);
          fidget_cli_add_string (builder, "uuid", video->uuid);
          fidget_cli_add_string (builder, "path", video->path);
          fidget_cli_add_string_or_null (builder, "participant", video->participant_code);
          fidget_cli_add_int (builder, "width", video->width);
          fidget_cli_add_int (builder, "height", video->height);
          fidget_cli_add_string (builder, "fps", fps);
          fidget_cli_add_int (builder, "frame_count", video->frame_count);
          fidget_cli_add_double (builder, "duration_s", video->duration_ns / 1e9);
          fidget_cli_add_string_or_null (builder, "codec", video->video_codec);
          fidget_cli_add_boolean (builder, "has_audio", video->has_audio);
          fidget_cli_add_string (builder, "content_hash", video->content_hash);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }

  for (guint i = 0; i < videos->len; i++)
    {
      FidgetVideo *video = g_ptr_array_index (videos, i);
      g_autofree char *duration = format_duration (video->duration_ns);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%dx%d\t%d/%d\t%" G_GINT64_FORMAT "\t%s\n",
               video->id, video->participant_code ? video->participant_code : "-", video->path,
               video->width, video->height, video->fps_num, video->fps_den, video->frame_count,
               duration);
    }
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ annotators */

static int
cmd_annotators (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "[add] PROJECT [NAME]",
                         "List annotators, or add one: annotators add PROJECT NAME.", entries))
    return FIDGET_CLI_USAGE;

  if (argc >= 2 && g_str_equal (argv[1], "add"))
    {
      g_autoptr(FidgetAnnotator) annotator = NULL;

      if (argc != 4)
        return fidget_cli_usage_error ("annotators add takes a PROJECT and a NAME");
      if (!(project = fidget_cli_open (argv[2], NULL, &status)))
        return status;
      if (!(annotator = fidget_project_add_annotator (project, argv[3], &error)))
        return fidget_cli_refused (error);
      g_print ("%s\n", annotator->uuid);
      return FIDGET_CLI_OK;
    }

  if (argc != 2)
    return fidget_cli_usage_error ("annotators takes one PROJECT (or: add PROJECT NAME)");
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (!(list = fidget_project_list_annotators (project, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        {
          FidgetAnnotator *annotator = g_ptr_array_index (list, i);

          json_builder_begin_object (builder);
          fidget_cli_add_int (builder, "id", annotator->id);
          fidget_cli_add_string (builder, "uuid", annotator->uuid);
          fidget_cli_add_string (builder, "name", annotator->name);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }

  for (guint i = 0; i < list->len; i++)
    g_print ("%s\n", ((FidgetAnnotator *) g_ptr_array_index (list, i))->name);
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ segments */

static void
print_segments_json (GPtrArray *list)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      FidgetSegment *segment = g_ptr_array_index (list, i);

      json_builder_begin_object (builder);
      fidget_cli_add_string (builder, "uuid", segment->uuid);
      fidget_cli_add_int (builder, "video", segment->video_id);
      fidget_cli_add_string (builder, "annotator", segment->annotator_name);
      fidget_cli_add_int (builder, "start", segment->start_frame);
      fidget_cli_add_int (builder, "end", segment->end_frame);
      fidget_cli_add_string (builder, "action", segment->action_code);
      fidget_cli_add_string_or_null (builder, "emotion", fidget_emotion_to_string (segment->emotion));
      fidget_cli_add_string (builder, "note", segment->note ? segment->note : "");
      fidget_cli_add_boolean (builder, "flagged", segment->flagged);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  fidget_cli_print_json (root);
}

static int
segments_list (int    argc,
               char **argv)
{
  g_autofree char *video_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Only this video", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT", "List segments.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("segments takes one PROJECT");
  if (video_text != NULL && !fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (video_id > 0)
    {
      g_autoptr(FidgetVideo) video = fidget_project_get_video (project, video_id, &error);
      if (video == NULL)
        return fidget_cli_refused (error);
    }
  if (!(list = fidget_project_list_segments (project, video_id, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      print_segments_json (list);
      return FIDGET_CLI_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      FidgetSegment *s = g_ptr_array_index (list, i);
      g_print ("%s\t%" G_GINT64_FORMAT "\t%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s\n",
               s->uuid, s->video_id, s->annotator_name, s->start_frame, s->end_frame,
               s->action_code);
    }
  return FIDGET_CLI_OK;
}

static int
segments_add (int    argc,
              char **argv)
{
  g_autofree char *video_text = NULL, *annotator = NULL, *start_text = NULL, *end_text = NULL;
  g_autofree char *action = NULL, *emotion_text = NULL, *note = NULL, *actor = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, "Whose segment it is", "NAME" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "First frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "One past the last frame", "F" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "Action code, e.g. B1", "CODE" },
    { "emotion", 0, 0, G_OPTION_ARG_STRING, &emotion_text, "joy, sadness, surprise, fear, anger", "E" },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, "A note", "TEXT" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator making the edit (default: --annotator)", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id, start, end;
  FidgetEmotion emotion = FIDGET_EMOTION_NONE;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Add a segment [start, end) and print its UUID.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("segments add takes one PROJECT");
  if (video_text == NULL || annotator == NULL || start_text == NULL || end_text == NULL ||
      action == NULL)
    return fidget_cli_usage_error ("segments add needs --video, --annotator, --start, --end and --action");
  if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id) ||
      !fidget_cli_parse_int64 (start_text, "--start", 0, &start) ||
      !fidget_cli_parse_int64 (end_text, "--end", 0, &end))
    return FIDGET_CLI_USAGE;
  if (!fidget_emotion_from_string (emotion_text, &emotion))
    return fidget_cli_usage_error ("unknown emotion “%s”: use joy, sadness, surprise, fear or anger",
                                   emotion_text);
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;

  segment = fidget_project_add_segment (project, video_id, annotator, start, end, action, &error);
  if (segment == NULL)
    return fidget_cli_refused (error);

  /* Emotion and note are a second, separate edit only when given. */
  if (emotion != FIDGET_EMOTION_NONE || note != NULL)
    {
      g_autoptr(FidgetSegment) updated = NULL;
      FidgetSegment values = { 0 };

      values.emotion = emotion;
      values.note = note;
      updated = fidget_project_update_segment (project, segment->uuid, &values,
                                               FIDGET_SEGMENT_FIELD_EMOTION |
                                               (note ? FIDGET_SEGMENT_FIELD_NOTE : 0),
                                               &error);
      if (updated == NULL)
        return fidget_cli_refused (error);
    }
  g_print ("%s\n", segment->uuid);
  return FIDGET_CLI_OK;
}

static int
segments_set (int    argc,
              char **argv)
{
  g_autofree char *start_text = NULL, *end_text = NULL, *action = NULL, *emotion_text = NULL;
  g_autofree char *note = NULL, *actor = NULL;
  gboolean flag = FALSE, unflag = FALSE;
  GOptionEntry entries[] = {
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "First frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "One past the last frame", "F" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "Action code", "CODE" },
    { "emotion", 0, 0, G_OPTION_ARG_STRING, &emotion_text, "joy, sadness, surprise, fear, anger or none", "E" },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, "A note (empty to clear)", "TEXT" },
    { "flag", 0, 0, G_OPTION_ARG_NONE, &flag, "Mark as needing another look", NULL },
    { "unflag", 0, 0, G_OPTION_ARG_NONE, &unflag, "Clear that mark", NULL },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator making the edit", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  FidgetSegment values = { 0 };
  FidgetSegmentFields fields = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT UUID", "Change a segment.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 3)
    return fidget_cli_usage_error ("segments set takes a PROJECT and a segment UUID");
  if (!fidget_cli_segment_changes (start_text, end_text, action, &values, &fields))
    return FIDGET_CLI_USAGE;
  if (emotion_text != NULL)
    {
      if (!fidget_emotion_from_string (emotion_text, &values.emotion))
        return fidget_cli_usage_error ("unknown emotion “%s”", emotion_text);
      fields |= FIDGET_SEGMENT_FIELD_EMOTION;
    }
  if (note != NULL)
    {
      values.note = note;
      fields |= FIDGET_SEGMENT_FIELD_NOTE;
    }
  if (flag && unflag)
    return fidget_cli_usage_error ("--flag and --unflag contradict each other");
  if (flag || unflag)
    {
      values.flagged = flag;
      fields |= FIDGET_SEGMENT_FIELD_FLAGGED;
    }
  if (fields == 0)
    return fidget_cli_usage_error ("segments set needs something to change (--start, --end, --action, ...)");

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  segment = fidget_project_update_segment (project, argv[2], &values, fields, &error);
  if (segment == NULL)
    return fidget_cli_refused (error);
  return FIDGET_CLI_OK;
}

static int
segments_delete (int    argc,
                 char **argv)
{
  g_autofree char *actor = NULL;
  GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator making the edit", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT UUID", "Delete a segment.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 3)
    return fidget_cli_usage_error ("segments delete takes a PROJECT and a segment UUID");
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!fidget_project_delete_segment (project, argv[2], &error))
    return fidget_cli_refused (error);
  return FIDGET_CLI_OK;
}

static int
cmd_segments (int    argc,
              char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return segments_add (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "set"))
    return segments_set (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "delete"))
    return segments_delete (argc - 1, argv + 1);
  return segments_list (argc, argv);
}

/* }}} */
/* {{{ undo, redo */

static int
undo_or_redo (int       argc,
              char    **argv,
              gboolean  redo)
{
  g_autofree char *actor = NULL;
  GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Only this annotator's edits", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         redo ? "Redo the last undone edit." : "Undo the last edit.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("%s takes one PROJECT", redo ? "redo" : "undo");
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!(redo ? fidget_project_redo : fidget_project_undo) (project, &description, &error))
    return fidget_cli_refused (error);
  g_print ("%s %s\n", redo ? "Redone:" : "Undone:", description);
  return FIDGET_CLI_OK;
}

static int
cmd_undo (int    argc,
          char **argv)
{
  return undo_or_redo (argc, argv, FALSE);
}

static int
cmd_redo (int    argc,
          char **argv)
{
  return undo_or_redo (argc, argv, TRUE);
}

/* }}} */
/* {{{ taxonomy */

static int
cmd_taxonomy (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetTaxonomy) builtin = NULL;
  FidgetTaxonomy *taxonomy;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "[PROJECT]",
                         "Print a project's taxonomy (MA-52's without a project).", entries))
    return FIDGET_CLI_USAGE;
  if (argc > 2)
    return fidget_cli_usage_error ("taxonomy takes at most one PROJECT");
  if (argc == 2)
    {
      if (!(project = fidget_cli_open (argv[1], NULL, &status)))
        return status;
      taxonomy = fidget_project_get_taxonomy (project);
    }
  else
    taxonomy = builtin = fidget_taxonomy_new_ma52 ();

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "body_parts");
      json_builder_begin_array (builder);
      for (guint i = 0; i < fidget_taxonomy_get_n_body_parts (taxonomy); i++)
        {
          const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, i);

          json_builder_begin_object (builder);
          fidget_cli_add_string (builder, "code", part->code);
          fidget_cli_add_string (builder, "name", part->name);
          fidget_cli_add_int (builder, "index", part->index);
          fidget_cli_add_string (builder, "color", part->color);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "actions");
      json_builder_begin_array (builder);
      for (guint i = 0; i < fidget_taxonomy_get_n_actions (taxonomy); i++)
        {
          const FidgetAction *action = fidget_taxonomy_get_action (taxonomy, i);

          json_builder_begin_object (builder);
          fidget_cli_add_string (builder, "code", action->code);
          fidget_cli_add_string (builder, "name", action->name);
          fidget_cli_add_string (builder, "body_part", action->body_part->code);
          json_builder_set_member_name (builder, "model_index");
          if (action->model_index >= 0)
            json_builder_add_int_value (builder, action->model_index);
          else
            json_builder_add_null_value (builder);
          fidget_cli_add_string (builder, "description", action->description);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }

  for (guint i = 0; i < fidget_taxonomy_get_n_body_parts (taxonomy); i++)
    {
      const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, i);

      g_print ("%s  %s\n", part->code, fidget_taxonomy_translate (part->name));
      for (guint j = 0; j < fidget_taxonomy_get_n_actions (taxonomy); j++)
        {
          const FidgetAction *action = fidget_taxonomy_get_action (taxonomy, j);
          g_autofree char *index = NULL;

          if (action->body_part != part)
            continue;
          index = action->model_index >= 0 ? g_strdup_printf ("%d", action->model_index)
                                           : g_strdup ("-");
          g_print ("  %-4s %-3s %-32s %s\n", action->code, index,
                   fidget_taxonomy_translate (action->name),
                   fidget_taxonomy_translate (action->description));
        }
    }
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ relink */

static int
cmd_relink (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL;
  g_autofree char *search = NULL;
  g_autofree char *actor = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "The video that moved", "ID" },
    { "search", 0, 0, G_OPTION_ARG_FILENAME, &search,
      "Find every missing video under this folder (by size, then content)", "DIR" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator doing it", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT [FILE]",
                         "Point the project at videos that moved: relink PROJECT --video ID FILE, "
                         "or relink PROJECT --search DIR.", entries))
    return FIDGET_CLI_USAGE;
  if ((video_text != NULL) == (search != NULL))
    return fidget_cli_usage_error ("relink takes either --video ID FILE or --search DIR");
  if (video_text != NULL ? argc != 3 : argc != 2)
    return fidget_cli_usage_error ("relink takes a PROJECT (and a FILE with --video)");

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;

  if (video_text != NULL)
    {
      g_autoptr(FidgetVideo) video = NULL;
      gint64 video_id;

      if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
        return FIDGET_CLI_USAGE;
      if (!(video = fidget_project_relink_video (project, video_id, argv[2], NULL, &error)))
        return fidget_cli_refused (error);
      g_print ("%" G_GINT64_FORMAT "\t%s\n", video->id, video->path);
    }
  else
    {
      g_autoptr(GPtrArray) relinked = fidget_project_relink_missing (project, search, NULL, &error);

      if (relinked == NULL)
        return fidget_cli_refused (error);
      for (guint i = 0; i < relinked->len; i++)
        {
          FidgetVideo *video = g_ptr_array_index (relinked, i);
          g_print ("%" G_GINT64_FORMAT "\t%s\n", video->id, video->path);
        }
    }
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ remove-video */

static int
cmd_remove_video (int    argc,
                  char **argv)
{
  g_autofree char *video_text = NULL;
  g_autofree char *actor = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "The video imported by mistake", "ID" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator doing it", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;
  guint suggestions = 0;
  gint64 video_id;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Take a video nobody has labelled out of the project (the file stays "
                         "where it is; its model suggestions go with it).", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2 || video_text == NULL)
    return fidget_cli_usage_error ("remove-video takes a PROJECT and --video ID");
  if (!fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!(video = fidget_project_get_video (project, video_id, &error)) ||
      !fidget_project_remove_video (project, video_id, &suggestions, &error))
    return fidget_cli_refused (error);
  g_print ("%" G_GINT64_FORMAT "\t%s\tremoved (%u model suggestions with it)\n", video->id,
           video->path, suggestions);
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ main */

static const FidgetCliCommand core_commands[] = {
  { "init", cmd_init, "init PROJECT" },
  { "demo", fidget_cli_demo, "demo DIR" },
  { "import-video", cmd_import_video,
    "import-video PROJECT FILE... [--participant CODE] [--gender G] [--age-group A]" },
  { "videos", cmd_videos, "videos PROJECT [--json]" },
  { "relink", cmd_relink, "relink PROJECT --video ID FILE | relink PROJECT --search DIR" },
  { "remove-video", cmd_remove_video, "remove-video PROJECT --video ID [--as NAME]" },
  { "annotators", cmd_annotators, "annotators PROJECT [--json] | annotators add PROJECT NAME" },
  { "segments", cmd_segments,
    "segments PROJECT [--video ID] [--json]\n"
    "  segments add PROJECT --video ID --annotator NAME --start F --end F --action CODE\n"
    "  segments set PROJECT UUID [--start F] [--end F] [--action CODE] [--emotion E] [--note T]\n"
    "  segments delete PROJECT UUID" },
  { "undo", cmd_undo, "undo PROJECT [--as NAME]" },
  { "redo", cmd_redo, "redo PROJECT [--as NAME]" },
  { "taxonomy", cmd_taxonomy, "taxonomy [PROJECT] [--json]" },
  { NULL }
};

/* Each area of the tool brings its own table (fidget-cli-<area>.c). */
static const FidgetCliCommand *const command_tables[] = {
  core_commands,
  fidget_cli_media_commands,
  fidget_cli_model_commands,
  fidget_cli_review_commands,
  fidget_cli_dataset_commands,
  fidget_cli_assist_commands,
  fidget_cli_package_commands,
};

static void
print_help (void)
{
  g_print ("Usage: fidget-cli COMMAND ...\n\n"
           "Fidget's headless operations. Frames are 0-based indices of decoded frames;\n"
           "a segment covers [start, end). Each command has --help.\n\n");
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const FidgetCliCommand *c = command_tables[t]; c->name != NULL; c++)
      g_print ("  %s\n", c->usage);
  g_print ("\nExit status: 0 done, 1 refused, 2 bad usage.\n");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_help ();
      return FIDGET_CLI_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help ();
      return FIDGET_CLI_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("fidget-cli %s\n", FIDGET_VERSION);
      return FIDGET_CLI_OK;
    }

  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const FidgetCliCommand *c = command_tables[t]; c->name != NULL; c++)
      {
        if (g_str_equal (argv[1], c->name))
          {
            g_autofree char *prgname = g_strdup_printf ("fidget-cli %s", c->name);
            g_set_prgname (prgname);
            return c->run (argc - 1, argv + 1);
          }
      }
  return fidget_cli_usage_error ("unknown command “%s”", argv[1]);
}

/* }}} */
