/* fidget-cli-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fidget-cli-test-util.h"

void
fidget_cli_run_clear (FidgetCliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
fidget_cli_run_valist (FidgetCliRun *run,
                       const char   *first,
                       va_list       args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("FIDGET_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  fidget_cli_run_clear (run);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

void
fidget_cli_run (FidgetCliRun *run,
                const char   *first,
                ...)
{
  va_list args;

  va_start (args, first);
  fidget_cli_run_valist (run, first, args);
  va_end (args);
}

int
fidget_cli_run_output (char       **out,
                       char       **err,
                       const char  *first,
                       ...)
{
  FidgetCliRun run = { 0 };
  va_list args;

  va_start (args, first);
  fidget_cli_run_valist (&run, first, args);
  va_end (args);
  *out = g_steal_pointer (&run.out);
  *err = g_steal_pointer (&run.err);
  return run.status;
}

void
fidget_cli_run_assert_failed (FidgetCliRun *run,
                              int           status,
                              const char   *message_part)
{
  g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "fidget-cli"));
  g_assert_nonnull (strchr (run->err, '\n'));
  g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
  if (message_part != NULL)
    g_assert_nonnull (strstr (run->err, message_part));
}

JsonNode *
fidget_cli_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}
