/* fidget-cli-review.c: the review commands of fidget-cli
 *
 * Every step of the three-step review and the agreement report. The rules live in core
 * (fidget-review.h); these commands only name the person acting (--as) and print.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fidget-agreement.h"
#include "fidget-cli-private.h"
#include "fidget-confusion-chart.h"
#include "fidget-error.h"
#include "fidget-review.h"

/* {{{ Helpers */

/* Undefined kappas (nothing to compare, or one category only) are null. */
static void
member_kappa (JsonBuilder *builder,
              const char  *name,
              double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  fidget_cli_print_json (root);
}

static char *
format_kappa (double value)
{
  return isnan (value) ? g_strdup ("-") : g_strdup_printf ("%.3f", value);
}

static gboolean
parse_video (const char *text,
             gint64     *video_id)
{
  if (text == NULL)
    {
      fidget_cli_usage_error ("--video is needed");
      return FALSE;
    }
  return fidget_cli_parse_int64 (text, "--video", 1, video_id);
}

static int
need_as (const char *command)
{
  return fidget_cli_usage_error ("%s needs --as NAME: the person doing the step", command);
}

/* }}} */
/* {{{ assign, min-checkers */

static int
cmd_assign (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL, *primary = NULL, *checkers = NULL, *reviewer = NULL;
  g_autofree char *actor = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "primary", 0, 0, G_OPTION_ARG_STRING, &primary, "Primary annotator", "NAME" },
    { "checkers", 0, 0, G_OPTION_ARG_STRING, &checkers, "Cross-checkers, comma-separated", "A,B" },
    { "reviewer", 0, 0, G_OPTION_ARG_STRING, &reviewer, "Third-party reviewer", "NAME" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Annotator assigning (optional)", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  gint64 video_id;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Assign a video: a primary annotator, cross-checkers and a reviewer.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("assign takes one PROJECT");
  if (!parse_video (video_text, &video_id))
    return FIDGET_CLI_USAGE;
  if (primary == NULL || checkers == NULL || reviewer == NULL)
    return fidget_cli_usage_error ("assign needs --primary, --checkers and --reviewer");
  names = g_strsplit (checkers, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    g_strstrip (names[i]);

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!fidget_review_assign (project, video_id, primary, (const char * const *) names, reviewer,
                             &error))
    return fidget_cli_refused (error);
  return FIDGET_CLI_OK;
}

static int
cmd_min_checkers (int    argc,
                  char **argv)
{
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;
  gint64 n;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT [N]",
                         "Print, or set, how many cross-checkers a video needs at least.", NULL))
    return FIDGET_CLI_USAGE;
  if (argc != 2 && argc != 3)
    return fidget_cli_usage_error ("min-checkers takes a PROJECT and maybe a number");
  if (argc == 3 && !fidget_cli_parse_int64 (argv[2], "N", 1, &n))
    return FIDGET_CLI_USAGE;
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (argc == 3 && !fidget_review_set_min_checkers (project, (guint) MIN (n, G_MAXUINT), &error))
    return fidget_cli_refused (error);
  g_print ("%u\n", fidget_review_get_min_checkers (project));
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ confirm, submit */

static int
cmd_confirm (int    argc,
             char **argv)
{
  g_autofree char *actor = NULL, *start_text = NULL, *end_text = NULL, *action = NULL;
  GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "The primary annotator", "NAME" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "Fix: first frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "Fix: one past the last frame", "F" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "Fix: action code", "CODE" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetSegment values = { 0 };
  FidgetSegmentFields fields = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT UUID",
                         "Self-check: confirm one of your segments, or fix it (change and "
                         "confirm in one step).",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 3)
    return fidget_cli_usage_error ("confirm takes a PROJECT and a segment UUID");
  if (actor == NULL)
    return need_as ("confirm");
  if (!fidget_cli_segment_changes (start_text, end_text, action, &values, &fields))
    return FIDGET_CLI_USAGE;

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (fields != 0)
    {
      g_autoptr(FidgetSegment) fixed = fidget_review_fix (project, argv[2], &values, fields,
                                                          &error);
      if (fixed == NULL)
        return fidget_cli_refused (error);
    }
  else if (!fidget_review_confirm (project, argv[2], &error))
    return fidget_cli_refused (error);
  return FIDGET_CLI_OK;
}

static gboolean
is_checker_of (FidgetReviewStatus *status,
               const char         *name)
{
  for (guint i = 0; i < status->checkers->len; i++)
    if (g_ascii_strcasecmp (((FidgetReviewChecker *) g_ptr_array_index (status->checkers,
                                                                        i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

static int
cmd_submit (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL, *actor = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Who is submitting", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetReviewStatus) review = NULL;
  g_autoptr(FidgetReviewStatus) after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id;
  gboolean ok;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Submit your step: the self-check (primary) or your cross-check.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("submit takes one PROJECT");
  if (!parse_video (video_text, &video_id))
    return FIDGET_CLI_USAGE;
  if (actor == NULL)
    return need_as ("submit");
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!(review = fidget_review_get_status (project, video_id, &error)))
    return fidget_cli_refused (error);

  /* The step is the person's: checkers submit cross-checks, everyone else is told by the
   * self-check why it is not theirs. */
  if (review->primary != NULL && is_checker_of (review, fidget_project_get_actor (project)))
    ok = fidget_review_submit_cross_check (project, video_id, &error);
  else
    ok = fidget_review_submit_self_check (project, video_id, &error);
  if (!ok)
    return fidget_cli_refused (error);
  if (!(after = fidget_review_get_status (project, video_id, &error)))
    return fidget_cli_refused (error);
  g_print ("%s\n", fidget_review_state_to_string (after->state));
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ decide */

static int
cmd_decide (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL, *segment_uuid = NULL, *actor = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &segment_uuid, "The primary's segment", "UUID" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "The cross-checker", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(FidgetReviewDecision) decision = NULL;
  g_autoptr(GError) error = NULL;
  FidgetDecisionKind kind;
  const char *code = NULL;
  gint64 video_id, start = -1, end = -1;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv,
                         "PROJECT agree|relabel CODE|adjust START END|reject",
                         "Cross-check: your decision on one of the primary's segments.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc < 3)
    return fidget_cli_usage_error ("decide takes a PROJECT and a decision");
  if (!parse_video (video_text, &video_id))
    return FIDGET_CLI_USAGE;
  if (segment_uuid == NULL)
    return fidget_cli_usage_error ("decide needs --segment UUID");
  if (actor == NULL)
    return need_as ("decide");
  if (!fidget_decision_kind_from_string (argv[2], &kind))
    return fidget_cli_usage_error ("unknown decision “%s”: use agree, relabel CODE, adjust START "
                                   "END or reject", argv[2]);
  switch (kind)
    {
    case FIDGET_DECISION_RELABEL:
      if (argc != 4)
        return fidget_cli_usage_error ("relabel takes the new action CODE");
      code = argv[3];
      break;
    case FIDGET_DECISION_ADJUST:
      if (argc != 5)
        return fidget_cli_usage_error ("adjust takes the new START and END frames");
      if (!fidget_cli_parse_int64 (argv[3], "START", 0, &start) ||
          !fidget_cli_parse_int64 (argv[4], "END", 0, &end))
        return FIDGET_CLI_USAGE;
      break;
    case FIDGET_DECISION_AGREE:
    case FIDGET_DECISION_REJECT:
    default:
      if (argc != 3)
        return fidget_cli_usage_error ("%s takes nothing more", argv[2]);
      break;
    }

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!(segment = fidget_project_get_segment (project, segment_uuid, &error)))
    return fidget_cli_refused (error);
  if (segment->video_id != video_id)
    {
      g_set_error (&error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   "Segment %s is on video %" G_GINT64_FORMAT ", not on video %" G_GINT64_FORMAT,
                   segment_uuid, segment->video_id, video_id);
      return fidget_cli_refused (error);
    }
  decision = fidget_review_decide (project, segment_uuid, kind, code, start, end, &error);
  if (decision == NULL)
    return fidget_cli_refused (error);
  g_print ("%s\n", decision->uuid);
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ disputes, resolve */

static void
build_dispute (JsonBuilder   *builder,
               FidgetDispute *dispute)
{
  json_builder_begin_object (builder);
  fidget_cli_add_int (builder, "id", dispute->id);
  fidget_cli_add_string_or_null (builder, "uuid", dispute->uuid);
  fidget_cli_add_int (builder, "video", dispute->video_id);
  fidget_cli_add_string_or_null (builder, "kind", fidget_dispute_kind_to_string (dispute->kind));
  fidget_cli_add_int (builder, "start", dispute->start_frame);
  fidget_cli_add_int (builder, "end", dispute->end_frame);
  fidget_cli_add_boolean (builder, "resolved", dispute->resolved);
  fidget_cli_add_string_or_null (builder, "resolution", dispute->resolution);
  fidget_cli_add_string_or_null (builder, "chosen", dispute->chosen_uuid);
  fidget_cli_add_string_or_null (builder, "consensus", dispute->consensus_uuid);
  fidget_cli_add_string_or_null (builder, "resolved_by", dispute->resolved_by);
  json_builder_set_member_name (builder, "versions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < dispute->versions->len; i++)
    {
      FidgetDisputeVersion *v = g_ptr_array_index (dispute->versions, i);

      json_builder_begin_object (builder);
      fidget_cli_add_string_or_null (builder, "uuid", v->uuid);
      fidget_cli_add_string_or_null (builder, "annotator", v->annotator);
      fidget_cli_add_string_or_null (builder, "kind", v->kind);
      fidget_cli_add_string_or_null (builder, "action", v->action_code);
      if (v->action_code != NULL)
        {
          fidget_cli_add_int (builder, "start", v->start_frame);
          fidget_cli_add_int (builder, "end", v->end_frame);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static int
cmd_disputes (int    argc,
              char **argv)
{
  g_autofree char *video_text = NULL;
  gboolean json = FALSE, open_only = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Only this video", "ID" },
    { "open", 0, 0, G_OPTION_ARG_NONE, &open_only, "Only disputes still open", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "List disputes, open ones first, with every person's version.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("disputes takes one PROJECT");
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
  if (!(list = fidget_review_list_disputes (project, video_id, open_only, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        build_dispute (builder, g_ptr_array_index (list, i));
      json_builder_end_array (builder);
      print_builder (builder);
      return FIDGET_CLI_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      FidgetDispute *d = g_ptr_array_index (list, i);

      g_print ("%" G_GINT64_FORMAT "\tvideo %" G_GINT64_FORMAT "\t%s\t[%" G_GINT64_FORMAT
               ", %" G_GINT64_FORMAT ")\t%s\n",
               d->id, d->video_id, fidget_dispute_kind_to_string (d->kind), d->start_frame,
               d->end_frame, d->resolution != NULL ? d->resolution : "open");
      for (guint j = 0; j < d->versions->len; j++)
        {
          FidgetDisputeVersion *v = g_ptr_array_index (d->versions, j);

          if (v->action_code != NULL)
            g_print ("\t%s\t%s\t%s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")\t%s\n",
                     v->annotator, v->kind, v->action_code, v->start_frame, v->end_frame,
                     v->uuid != NULL ? v->uuid : "-");
          else
            g_print ("\t%s\t%s\t-\t%s\n", v->annotator, v->kind, v->uuid != NULL ? v->uuid : "-");
        }
    }
  return FIDGET_CLI_OK;
}

static int
cmd_resolve (int    argc,
             char **argv)
{
  g_autofree char *dispute_text = NULL, *actor = NULL, *choose = NULL, *action = NULL;
  g_autofree char *start_text = NULL, *end_text = NULL;
  gboolean drop = FALSE;
  GOptionEntry entries[] = {
    { "dispute", 0, 0, G_OPTION_ARG_STRING, &dispute_text, "Dispute id", "ID" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "The reviewer", "NAME" },
    { "choose", 0, 0, G_OPTION_ARG_STRING, &choose, "Take this person's version", "UUID" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "Or your own version: action", "CODE" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "... first frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "... one past the last frame", "F" },
    { "drop", 0, 0, G_OPTION_ARG_NONE, &drop, "Or: no segment here", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetReviewStatus) after = NULL;
  g_autoptr(FidgetDispute) dispute = NULL;
  g_autoptr(GError) error = NULL;
  gint64 dispute_id, start = 0, end = 0;
  gboolean edit, ok;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Resolve a dispute: --choose a version, edit (--action --start --end), "
                         "or --drop.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("resolve takes one PROJECT");
  if (dispute_text == NULL || !fidget_cli_parse_int64 (dispute_text, "--dispute", 1, &dispute_id))
    return dispute_text == NULL ? fidget_cli_usage_error ("resolve needs --dispute ID")
                                : FIDGET_CLI_USAGE;
  if (actor == NULL)
    return need_as ("resolve");
  edit = action != NULL || start_text != NULL || end_text != NULL;
  if ((choose != NULL) + edit + drop != 1)
    return fidget_cli_usage_error ("resolve takes one of --choose UUID, --action CODE --start F "
                                   "--end F, or --drop");
  if (edit && (action == NULL || start_text == NULL || end_text == NULL))
    return fidget_cli_usage_error ("an edit needs --action, --start and --end");
  if (edit && (!fidget_cli_parse_int64 (start_text, "--start", 0, &start) ||
               !fidget_cli_parse_int64 (end_text, "--end", 0, &end)))
    return FIDGET_CLI_USAGE;

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (choose != NULL)
    ok = fidget_review_resolve_choose (project, dispute_id, choose, &error);
  else if (edit)
    ok = fidget_review_resolve_edit (project, dispute_id, action, start, end, &error);
  else
    ok = fidget_review_resolve_drop (project, dispute_id, &error);
  if (!ok)
    return fidget_cli_refused (error);
  if (!(dispute = fidget_review_get_dispute (project, dispute_id, &error)) ||
      !(after = fidget_review_get_status (project, dispute->video_id, &error)))
    return fidget_cli_refused (error);
  g_print ("%s\n", fidget_review_state_to_string (after->state));
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ consensus */

static int
consensus_list (int    argc,
                char **argv)
{
  g_autofree char *video_text = NULL;
  gboolean json = FALSE, verified = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Only this video", "ID" },
    { "verified", 0, 0, G_OPTION_ARG_NONE, &verified, "Only verified videos: the ground truth",
      NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT", "List the consensus segments.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("consensus takes one PROJECT");
  if (video_text != NULL && !fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  list = verified ? fidget_review_list_ground_truth (project, video_id, &error)
                  : fidget_review_list_consensus (project, video_id, &error);
  if (list == NULL)
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        {
          FidgetSegment *s = g_ptr_array_index (list, i);

          json_builder_begin_object (builder);
          fidget_cli_add_string_or_null (builder, "uuid", s->uuid);
          fidget_cli_add_int (builder, "video", s->video_id);
          fidget_cli_add_int (builder, "start", s->start_frame);
          fidget_cli_add_int (builder, "end", s->end_frame);
          fidget_cli_add_string_or_null (builder, "action", s->action_code);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_builder (builder);
      return FIDGET_CLI_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      FidgetSegment *s = g_ptr_array_index (list, i);

      g_print ("%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s\n",
               s->uuid, s->video_id, s->start_frame, s->end_frame, s->action_code);
    }
  return FIDGET_CLI_OK;
}

static int
consensus_edit (int    argc,
                char **argv,
                int    mode)   /* 0 add, 1 set, 2 delete */
{
  g_autofree char *video_text = NULL, *actor = NULL, *start_text = NULL, *end_text = NULL;
  g_autofree char *action = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id (add)", "ID" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "The reviewer", "NAME" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, "First frame", "F" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, "One past the last frame", "F" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "Action code", "CODE" },
    { NULL }
  };
  const char *names[] = { "consensus add", "consensus set", "consensus delete" };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  FidgetSegment values = { 0 };
  FidgetSegmentFields fields = 0;
  gint64 video_id = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, mode == 0 ? "PROJECT" : "PROJECT UUID",
                         "Reviewer: edit the consensus.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != (mode == 0 ? 2 : 3))
    return fidget_cli_usage_error ("%s takes %s", names[mode],
                                   mode == 0 ? "one PROJECT" : "a PROJECT and a UUID");
  if (actor == NULL)
    return need_as (names[mode]);
  if (!fidget_cli_segment_changes (start_text, end_text, action, &values, &fields))
    return FIDGET_CLI_USAGE;
  if (mode == 0 && !parse_video (video_text, &video_id))
    return FIDGET_CLI_USAGE;
  if (mode == 0 && fields != (FIDGET_SEGMENT_FIELD_START | FIDGET_SEGMENT_FIELD_END |
                              FIDGET_SEGMENT_FIELD_ACTION))
    return fidget_cli_usage_error ("consensus add needs --start, --end and --action");
  if (mode == 1 && fields == 0)
    return fidget_cli_usage_error ("consensus set needs --start, --end or --action");

  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (mode == 0)
    segment = fidget_review_add_consensus_segment (project, video_id, values.start_frame,
                                                   values.end_frame, action, &error);
  else if (mode == 1)
    segment = fidget_review_update_consensus_segment (project, argv[2], &values, fields, &error);
  else if (!fidget_review_delete_consensus_segment (project, argv[2], &error))
    return fidget_cli_refused (error);
  if (mode != 2 && segment == NULL)
    return fidget_cli_refused (error);
  if (mode == 0)
    g_print ("%s\n", segment->uuid);
  return FIDGET_CLI_OK;
}

static int
cmd_consensus (int    argc,
               char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return consensus_edit (argc - 1, argv + 1, 0);
  if (argc >= 2 && g_str_equal (argv[1], "set"))
    return consensus_edit (argc - 1, argv + 1, 1);
  if (argc >= 2 && g_str_equal (argv[1], "delete"))
    return consensus_edit (argc - 1, argv + 1, 2);
  return consensus_list (argc, argv);
}

/* }}} */
/* {{{ verify, reopen */

static int
cmd_verify (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL, *reviewer = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "reviewer", 0, 0, G_OPTION_ARG_STRING, &reviewer, "The reviewer", "NAME" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &reviewer, "Same as --reviewer", "NAME" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Verify a video: its consensus becomes ground truth.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("verify takes one PROJECT");
  if (!parse_video (video_text, &video_id))
    return FIDGET_CLI_USAGE;
  if (reviewer == NULL)
    return fidget_cli_usage_error ("verify needs --reviewer NAME");
  if (!(project = fidget_cli_open (argv[1], reviewer, &status)))
    return status;
  if (!fidget_review_verify (project, video_id, &error))
    return fidget_cli_refused (error);
  return FIDGET_CLI_OK;
}

static int
cmd_reopen (int    argc,
            char **argv)
{
  g_autofree char *video_text = NULL, *actor = NULL, *reason = NULL, *to_text = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Video id", "ID" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "The reviewer (or the primary, before the "
      "cross-check starts)", "NAME" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why (goes to the audit log)", "TEXT" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, "annotating (default) or consensus", "STATE" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetReviewState to = FIDGET_REVIEW_ANNOTATING;
  gint64 video_id;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT", "Reopen a video, with a reason.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("reopen takes one PROJECT");
  if (!parse_video (video_text, &video_id))
    return FIDGET_CLI_USAGE;
  if (actor == NULL)
    return need_as ("reopen");
  if (reason == NULL)
    return fidget_cli_usage_error ("reopen needs --reason TEXT");
  if (to_text != NULL && (!fidget_review_state_from_string (to_text, &to) ||
                          (to != FIDGET_REVIEW_ANNOTATING && to != FIDGET_REVIEW_CONSENSUS)))
    return fidget_cli_usage_error ("--to takes annotating or consensus, not “%s”", to_text);
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!fidget_review_reopen (project, video_id, to, reason, &error))
    return fidget_cli_refused (error);
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ status */

static void
build_status (JsonBuilder        *builder,
              FidgetReviewStatus *s)
{
  json_builder_begin_object (builder);
  fidget_cli_add_int (builder, "video", s->video_id);
  fidget_cli_add_string_or_null (builder, "state", fidget_review_state_to_string (s->state));
  fidget_cli_add_string_or_null (builder, "primary", s->primary);
  json_builder_set_member_name (builder, "checkers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < s->checkers->len; i++)
    {
      FidgetReviewChecker *c = g_ptr_array_index (s->checkers, i);

      json_builder_begin_object (builder);
      fidget_cli_add_string_or_null (builder, "name", c->name);
      fidget_cli_add_boolean (builder, "submitted", c->submitted);
      fidget_cli_add_int (builder, "decisions", c->n_decisions);
      fidget_cli_add_int (builder, "added", c->n_added);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  fidget_cli_add_string_or_null (builder, "reviewer", s->reviewer);
  fidget_cli_add_int (builder, "round", s->round);
  fidget_cli_add_int (builder, "segments", s->n_segments);
  fidget_cli_add_int (builder, "confirmed", s->n_confirmed);
  fidget_cli_add_int (builder, "disputes", s->n_disputes);
  fidget_cli_add_int (builder, "open_disputes", s->n_open_disputes);
  fidget_cli_add_int (builder, "consensus", s->n_consensus);
  json_builder_end_object (builder);
}

static void
print_status_line (FidgetReviewStatus *s)
{
  g_autoptr(GString) checkers = g_string_new (NULL);

  for (guint i = 0; i < s->checkers->len; i++)
    {
      FidgetReviewChecker *c = g_ptr_array_index (s->checkers, i);

      g_string_append_printf (checkers, "%s%s%s", i > 0 ? "," : "", c->name,
                              c->submitted ? "*" : "");
    }
  if (s->state == FIDGET_REVIEW_FREE)
    {
      g_print ("%" G_GINT64_FORMAT "\tfree\n", s->video_id);
      return;
    }
  g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%u/%u confirmed\t%u/%u disputes open\n",
           s->video_id, fidget_review_state_to_string (s->state), s->primary, checkers->str,
           s->reviewer, s->n_confirmed, s->n_segments, s->n_open_disputes, s->n_disputes);
}

static int
cmd_status (int    argc,
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

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Where each video is in the review (checkers who submitted have a *).",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("status takes one PROJECT");
  if (video_text != NULL && !fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;

  if (video_id > 0)
    {
      FidgetReviewStatus *one = fidget_review_get_status (project, video_id, &error);

      if (one == NULL)
        return fidget_cli_refused (error);
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_review_status_free);
      g_ptr_array_add (list, one);
    }
  else if (!(list = fidget_review_list_status (project, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      if (video_id > 0)
        build_status (builder, g_ptr_array_index (list, 0));
      else
        {
          json_builder_begin_array (builder);
          for (guint i = 0; i < list->len; i++)
            build_status (builder, g_ptr_array_index (list, i));
          json_builder_end_array (builder);
        }
      print_builder (builder);
      return FIDGET_CLI_OK;
    }
  for (guint i = 0; i < list->len; i++)
    print_status_line (g_ptr_array_index (list, i));
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ agreement */

static void
build_classes (JsonBuilder *builder,
               const char  *name,
               GPtrArray   *classes)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < classes->len; i++)
    {
      FidgetAgreementClass *cls = g_ptr_array_index (classes, i);

      json_builder_begin_object (builder);
      fidget_cli_add_string_or_null (builder, "code", cls->code);
      fidget_cli_add_int (builder, "segments", cls->segments);
      member_kappa (builder, "cohen_kappa", cls->cohen_kappa);
      member_kappa (builder, "fleiss_kappa", cls->fleiss_kappa);
      member_kappa (builder, "time_slice_kappa", cls->time_slice_kappa);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_classes (const char *title,
               GPtrArray  *classes)
{
  g_print ("\n%-10s %8s %8s %8s %10s\n", title, "segments", "cohen", "fleiss", "time-slice");
  for (guint i = 0; i < classes->len; i++)
    {
      FidgetAgreementClass *cls = g_ptr_array_index (classes, i);
      g_autofree char *cohen = format_kappa (cls->cohen_kappa);
      g_autofree char *fleiss = format_kappa (cls->fleiss_kappa);
      g_autofree char *slice = format_kappa (cls->time_slice_kappa);

      g_print ("%-10s %8u %8s %8s %10s\n", cls->code, cls->segments, cohen, fleiss, slice);
    }
}

static int
write_heatmap (FidgetProject *project,
               gint64         video_id,
               const char    *names,
               const char    *out)
{
  g_auto(GStrv) pair = g_strsplit (names, ",", -1);
  g_autoptr(FidgetConfusion) confusion = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strv_length (pair) != 2)
    return fidget_cli_usage_error ("--heatmap takes two annotators, A,B");
  g_strstrip (pair[0]);
  g_strstrip (pair[1]);
  if (!(confusion = fidget_project_confusion (project, video_id, pair[0], pair[1], &error)) ||
      !fidget_confusion_chart_write_png (confusion, out, &error))
    return fidget_cli_refused (error);
  g_print ("%s\n", out);
  return FIDGET_CLI_OK;
}

static int
cmd_agreement (int    argc,
               char **argv)
{
  g_autofree char *video_text = NULL, *heatmap = NULL, *out = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &video_text, "Only this video", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "heatmap", 0, 0, G_OPTION_ARG_STRING, &heatmap, "Draw the confusion of two annotators",
      "A,B" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Where the heat-map goes", "FILE.png" },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAgreementReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 video_id = 0;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Inter-annotator agreement: event-based Cohen's kappa after tIoU "
                         "matching, Fleiss' kappa, time-slice kappa, per body part and action.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("agreement takes one PROJECT");
  if (video_text != NULL && !fidget_cli_parse_int64 (video_text, "--video", 1, &video_id))
    return FIDGET_CLI_USAGE;
  if ((heatmap == NULL) != (out == NULL))
    return fidget_cli_usage_error ("--heatmap A,B and --out FILE.png go together");
  if (!(project = fidget_cli_open (argv[1], NULL, &status)))
    return status;
  if (heatmap != NULL)
    return write_heatmap (project, video_id, heatmap, out);
  if (!(report = fidget_project_agreement (project, video_id, &error)))
    return fidget_cli_refused (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      fidget_cli_add_int (builder, "videos", report->videos);
      json_builder_set_member_name (builder, "raters");
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->raters->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (report->raters, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "pairs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->pairs->len; i++)
        {
          FidgetAgreementPair *pair = g_ptr_array_index (report->pairs, i);

          json_builder_begin_object (builder);
          fidget_cli_add_string_or_null (builder, "a", pair->a);
          fidget_cli_add_string_or_null (builder, "b", pair->b);
          fidget_cli_add_int (builder, "videos", pair->videos);
          fidget_cli_add_int (builder, "matched", pair->matched);
          fidget_cli_add_int (builder, "unmatched", pair->unmatched);
          member_kappa (builder, "cohen_kappa", pair->cohen_kappa);
          member_kappa (builder, "cohen_kappa_matched", pair->cohen_kappa_matched);
          member_kappa (builder, "body_part_kappa", pair->body_part_kappa);
          member_kappa (builder, "time_slice_kappa", pair->time_slice_kappa);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      member_kappa (builder, "fleiss_kappa", report->fleiss_kappa);
      fidget_cli_add_int (builder, "fleiss_units", (gint64) report->fleiss_units);
      fidget_cli_add_int (builder, "fleiss_videos", report->fleiss_videos);
      member_kappa (builder, "fleiss_time_slice_kappa", report->fleiss_time_slice_kappa);
      build_classes (builder, "body_parts", report->body_parts);
      build_classes (builder, "actions", report->actions);
      json_builder_end_object (builder);
      print_builder (builder);
      return FIDGET_CLI_OK;
    }

  g_print ("%u videos rated by two or more\n\n", report->videos);
  g_print ("%-24s %6s %7s %9s %7s %9s %9s %10s\n", "pair", "videos", "matched", "unmatched",
           "kappa", "matched", "body-part", "time-slice");
  for (guint i = 0; i < report->pairs->len; i++)
    {
      FidgetAgreementPair *pair = g_ptr_array_index (report->pairs, i);
      g_autofree char *names = g_strdup_printf ("%s / %s", pair->a, pair->b);
      g_autofree char *k = format_kappa (pair->cohen_kappa);
      g_autofree char *km = format_kappa (pair->cohen_kappa_matched);
      g_autofree char *kb = format_kappa (pair->body_part_kappa);
      g_autofree char *kt = format_kappa (pair->time_slice_kappa);

      g_print ("%-24s %6u %7u %9u %7s %9s %9s %10s\n", names, pair->videos, pair->matched,
               pair->unmatched, k, km, kb, kt);
    }
  {
    g_autofree char *fleiss = format_kappa (report->fleiss_kappa);
    g_autofree char *slice = format_kappa (report->fleiss_time_slice_kappa);

    g_print ("\nFleiss' kappa (videos with 3 or more raters): %s over %" G_GUINT64_FORMAT
             " events in %u videos; time-slice %s\n",
             fleiss, report->fleiss_units, report->fleiss_videos, slice);
  }
  print_classes ("body part", report->body_parts);
  print_classes ("action", report->actions);
  return FIDGET_CLI_OK;
}

/* }}} */

const FidgetCliCommand fidget_cli_review_commands[] = {
  { "assign", cmd_assign,
    "assign PROJECT --video ID --primary A --checkers B,C --reviewer R" },
  { "min-checkers", cmd_min_checkers, "min-checkers PROJECT [N]" },
  { "confirm", cmd_confirm,
    "confirm PROJECT UUID --as NAME [--start F] [--end F] [--action CODE]" },
  { "submit", cmd_submit, "submit PROJECT --video ID --as NAME" },
  { "decide", cmd_decide,
    "decide PROJECT --video ID --segment UUID --as NAME agree|relabel CODE|adjust START END|reject" },
  { "disputes", cmd_disputes, "disputes PROJECT [--video ID] [--open] [--json]" },
  { "resolve", cmd_resolve,
    "resolve PROJECT --dispute ID --as R (--choose UUID | --action CODE --start F --end F | --drop)" },
  { "consensus", cmd_consensus,
    "consensus PROJECT [--video ID] [--verified] [--json]\n"
    "  consensus add PROJECT --video ID --as R --start F --end F --action CODE\n"
    "  consensus set PROJECT UUID --as R [--start F] [--end F] [--action CODE]\n"
    "  consensus delete PROJECT UUID --as R" },
  { "verify", cmd_verify, "verify PROJECT --video ID --reviewer R" },
  { "reopen", cmd_reopen,
    "reopen PROJECT --video ID --as NAME --reason TEXT [--to annotating|consensus]" },
  { "status", cmd_status, "status PROJECT [--video ID] [--json]" },
  { "agreement", cmd_agreement,
    "agreement PROJECT [--video ID] [--json] [--heatmap A,B --out FILE.png]" },
  { NULL }
};
