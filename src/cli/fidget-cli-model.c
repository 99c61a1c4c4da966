/* fidget-cli-model.c: the model commands of fidget-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-cli-private.h"

const FidgetCliCommand fidget_cli_model_commands[] = {
  { NULL }
};
