/* fidget-cli-dataset.c: the dataset commands of fidget-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-cli-private.h"

const FidgetCliCommand fidget_cli_dataset_commands[] = {
  { NULL }
};
