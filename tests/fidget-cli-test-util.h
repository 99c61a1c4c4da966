/* fidget-cli-test-util.h: running fidget-cli from a test, as a script would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  int   status;
  char *out;
  char *err;
} FidgetCliRun;

void      fidget_cli_run_clear         (FidgetCliRun *run);
/* Runs $FIDGET_CLI with the NULL-terminated arguments and keeps its exit status and output. */
void      fidget_cli_run               (FidgetCliRun *run,
                                        const char   *first,
                                        ...) G_GNUC_NULL_TERMINATED;
/* The same, handing over stdout and stderr; returns the exit status. */
int       fidget_cli_run_output        (char        **out,
                                        char        **err,
                                        const char   *first,
                                        ...) G_GNUC_NULL_TERMINATED;
/* A refusal (1) or a usage error (2): the promised status, nothing on stdout, exactly one line
 * on stderr starting with "fidget-cli", holding @message_part when given. */
void      fidget_cli_run_assert_failed (FidgetCliRun *run,
                                        int           status,
                                        const char   *message_part);
JsonNode *fidget_cli_parse_json        (const char   *text);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FidgetCliRun, fidget_cli_run_clear)

G_END_DECLS
