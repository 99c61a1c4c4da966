/* fidget-cli-package.c: work packages between the coordinator's project and an annotator's
 *
 * `package export` writes one person's assignment (or, from a project started from a
 * package, their work going back); `package import` brings one in, or starts a project from
 * it (--create); `package info` checks a package and tells what it holds. The format and the
 * rules are in fidget-work-package.h and fidget-project-merge.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-cli-private.h"
#include "fidget-work-package.h"

static void
add_info (JsonBuilder                 *builder,
          const FidgetWorkPackageInfo *info)
{
  fidget_cli_add_string (builder, "package", info->package_uuid);
  fidget_cli_add_int (builder, "version", info->version);
  fidget_cli_add_string (builder, "project_uuid", info->project_uuid);
  fidget_cli_add_string_or_null (builder, "project_name", info->project_name);
  fidget_cli_add_string (builder, "person", info->person);
  fidget_cli_add_string (builder, "direction", fidget_package_direction_to_string (info->direction));
  fidget_cli_add_string_or_null (builder, "author", info->author);
  fidget_cli_add_int (builder, "created_us", info->created_us);
  fidget_cli_add_int (builder, "videos", info->n_videos);
  fidget_cli_add_int (builder, "video_files", info->n_video_files);
  fidget_cli_add_int (builder, "segments", info->n_segments);
  fidget_cli_add_int (builder, "decisions", info->n_decisions);
  fidget_cli_add_int (builder, "tombstones", info->n_tombstones);
  fidget_cli_add_int (builder, "size_bytes", info->size_bytes);
}

static void
print_info (const char                  *verb,
            const char                  *path,
            const FidgetWorkPackageInfo *info)
{
  g_print ("%s %s: %s's work package (%s) of “%s”\n", verb, path, info->person,
           fidget_package_direction_to_string (info->direction),
           info->project_name != NULL ? info->project_name : info->project_uuid);
  g_print ("  %u videos (%u carried), %u segments, %u decisions, %u tombstones, "
           "%" G_GINT64_FORMAT " bytes\n",
           info->n_videos, info->n_video_files, info->n_segments, info->n_decisions,
           info->n_tombstones, info->size_bytes);
}

static void
print_json_info (const FidgetWorkPackageInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_info (builder, info);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  fidget_cli_print_json (root);
}

static int
cmd_package_export (int    argc,
                    char **argv)
{
  g_autofree char *person = NULL, *output = NULL, *actor = NULL;
  gboolean with_videos = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "for", 0, 0, G_OPTION_ARG_STRING, &person, "The annotator the package is for", "NAME" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The package file to write", "FILE" },
    { "with-videos", 0, 0, G_OPTION_ARG_NONE, &with_videos, "Carry the video files too", NULL },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Who is exporting (recorded as author)", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print what was written as JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT",
                         "Write one annotator's work package: their assignment, or (from a "
                         "project started from one) their work going back.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("package export takes one PROJECT");
  if (person == NULL || output == NULL)
    return fidget_cli_usage_error ("package export needs --for NAME and --output FILE");
  if (!(project = fidget_cli_open (argv[1], actor, &status)))
    return status;
  if (!(info = fidget_work_package_export (project, person, output, with_videos, NULL, NULL, NULL,
                                           &error)))
    return fidget_cli_refused (error);
  if (json)
    print_json_info (info);
  else
    print_info ("Wrote", output, info);
  return FIDGET_CLI_OK;
}

static void
add_counts (JsonBuilder       *builder,
            const char        *name,
            const guint       *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  for (guint k = 0; k < FIDGET_MERGE_N_KINDS; k++)
    fidget_cli_add_int (builder, fidget_merge_kind_to_string (k), counts[k]);
  json_builder_end_object (builder);
}

static char *
format_counts (const guint *counts)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint k = 0; k < FIDGET_MERGE_N_KINDS; k++)
    if (counts[k] > 0)
      g_string_append_printf (text, "%s%u %s%s", text->len > 0 ? ", " : "", counts[k],
                              fidget_merge_kind_to_string (k), counts[k] == 1 ? "" : "s");
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup ("none");
}

static void
print_result (const char                    *path,
              const FidgetWorkPackageResult *result,
              gboolean                       dry_run,
              gboolean                       json)
{
  const FidgetMergeReport *report = result->report;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      add_info (builder, result->info);
      fidget_cli_add_boolean (builder, "dry_run", dry_run);
      fidget_cli_add_int (builder, "changes", report->n_changes);
      add_counts (builder, "inserted", report->inserted);
      add_counts (builder, "updated", report->updated);
      add_counts (builder, "deleted", report->deleted);
      fidget_cli_add_int (builder, "videos_copied", result->n_videos_copied);
      json_builder_set_member_name (builder, "steps");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->steps->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (result->steps, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "change_list");
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->changes->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (report->changes, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return;
    }

  print_info (dry_run ? "Would import" : "Imported", path, result->info);
  if (report->n_changes == 0)
    g_print ("  nothing to change: the project already holds all of it\n");
  else
    {
      g_autofree char *inserted = format_counts (report->inserted);
      g_autofree char *updated = format_counts (report->updated);
      g_autofree char *deleted = format_counts (report->deleted);

      g_print ("  added: %s\n  updated: %s\n  deleted: %s\n", inserted, updated, deleted);
    }
  if (result->n_videos_copied > 0)
    g_print ("  video files copied: %u\n", result->n_videos_copied);
  for (guint i = 0; i < result->steps->len; i++)
    g_print ("  %s\n", (const char *) g_ptr_array_index (result->steps, i));
}

static int
cmd_package_import (int    argc,
                    char **argv)
{
  g_autofree char *videos_dir = NULL, *actor = NULL;
  gboolean create = FALSE, dry_run = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "videos-dir", 0, 0, G_OPTION_ARG_FILENAME, &videos_dir,
      "Where videos new to the project go (default: “videos” beside it)", "DIR" },
    { "create", 0, 0, G_OPTION_ARG_NONE, &create,
      "Start PROJECT (a new file) from an assignment package", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Only tell what would change", NULL },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, "Who is importing", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print what changed as JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status = FIDGET_CLI_OK;

  if (!fidget_cli_parse (&argc, &argv, "PROJECT FILE",
                         "Import a work package into a project, or start a project from one.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 3)
    return fidget_cli_usage_error ("package import takes a PROJECT and a package FILE");
  if (create && dry_run)
    return fidget_cli_usage_error ("--create and --dry-run cannot go together");
  if (create && actor != NULL)
    return fidget_cli_usage_error ("--as cannot go with --create (the project has nobody yet)");

  if (create)
    {
      project = fidget_work_package_create_project (argv[1], argv[2], videos_dir, NULL, NULL,
                                                    NULL, &result, &error);
      if (project == NULL)
        return fidget_cli_refused (error);
    }
  else
    {
      if (!(project = fidget_cli_open (argv[1], actor, &status)))
        return status;
      if (!(result = fidget_work_package_import (project, argv[2], videos_dir, dry_run, NULL,
                                                 NULL, NULL, &error)))
        return fidget_cli_refused (error);
    }
  print_result (argv[2], result, dry_run, json);
  return FIDGET_CLI_OK;
}

static int
cmd_package_info (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print as JSON", NULL },
    { NULL }
  };
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (!fidget_cli_parse (&argc, &argv, "FILE",
                         "Check a work package whole (every checksum and entry) and tell what "
                         "it holds.",
                         entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("package info takes one package FILE");
  if (!(info = fidget_work_package_read_info (argv[1], NULL, &error)))
    return fidget_cli_refused (error);
  if (json)
    print_json_info (info);
  else
    print_info ("Checked", argv[1], info);
  return FIDGET_CLI_OK;
}

static int
cmd_package (int    argc,
             char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "export"))
    return cmd_package_export (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return cmd_package_import (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "info"))
    return cmd_package_info (argc - 1, argv + 1);
  return fidget_cli_usage_error ("package needs export, import or info");
}

const FidgetCliCommand fidget_cli_package_commands[] = {
  { "package", cmd_package,
    "package export PROJECT --for NAME --output FILE.fidgetpkg [--with-videos] [--as NAME] [--json]\n"
    "  package import PROJECT FILE [--videos-dir DIR] [--dry-run] [--as NAME] [--json]\n"
    "  package import NEW.fidget FILE --create [--videos-dir DIR] [--json]\n"
    "  package info FILE [--json]" },
  { NULL }
};
