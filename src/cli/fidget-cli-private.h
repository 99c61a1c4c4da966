/* fidget-cli-private.h: what the command files of fidget-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "fidget-project.h"

G_BEGIN_DECLS

enum
{
  FIDGET_CLI_OK = 0,
  FIDGET_CLI_REFUSED = 1,
  FIDGET_CLI_USAGE = 2,
};

int            fidget_cli_usage_error (const char    *format,
                                       ...) G_GNUC_PRINTF (1, 2);
int            fidget_cli_refused     (const GError  *error);
gboolean       fidget_cli_parse       (int           *argc,
                                       char        ***argv,
                                       const char    *parameters,
                                       const char    *summary,
                                       GOptionEntry  *entries);
gboolean       fidget_cli_parse_int64 (const char    *text,
                                       const char    *what,
                                       gint64         min,
                                       gint64        *value);
gboolean       fidget_cli_segment_changes (const char          *start_text,
                                           const char          *end_text,
                                           const char          *action,
                                           FidgetSegment       *values,
                                           FidgetSegmentFields *fields);
/* Opens a project for a command; @actor (may be NULL) must be one of its annotators. On
 * failure prints the reason and sets @status. */
FidgetProject *fidget_cli_open        (const char    *path,
                                       const char    *actor,
                                       int           *status);
void           fidget_cli_print_json  (JsonNode      *node);
/* One JSON member of each kind, for the commands' --json output. */
void           fidget_cli_add_int            (JsonBuilder *builder,
                                              const char  *name,
                                              gint64       value);
void           fidget_cli_add_string         (JsonBuilder *builder,
                                              const char  *name,
                                              const char  *value);
void           fidget_cli_add_string_or_null (JsonBuilder *builder,
                                              const char  *name,
                                              const char  *value);
void           fidget_cli_add_boolean        (JsonBuilder *builder,
                                              const char  *name,
                                              gboolean     value);
void           fidget_cli_add_double         (JsonBuilder *builder,
                                              const char  *name,
                                              double       value);

int            fidget_cli_demo        (int            argc,
                                       char         **argv);

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *usage;   /* one or more lines for --help */
} FidgetCliCommand;

/* NULL-terminated tables, one per area, each in its fidget-cli-<area>.c. */
extern const FidgetCliCommand fidget_cli_media_commands[];
extern const FidgetCliCommand fidget_cli_model_commands[];
extern const FidgetCliCommand fidget_cli_review_commands[];
extern const FidgetCliCommand fidget_cli_dataset_commands[];
extern const FidgetCliCommand fidget_cli_assist_commands[];
extern const FidgetCliCommand fidget_cli_package_commands[];

G_END_DECLS
