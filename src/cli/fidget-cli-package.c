/* fidget-cli-package.c: work packages between the coordinator's project and an annotator's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-cli-private.h"

const FidgetCliCommand fidget_cli_package_commands[] = {
  { NULL }
};
