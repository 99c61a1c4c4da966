/* fidget-cli-media.c: the media commands of fidget-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-cli-private.h"

const FidgetCliCommand fidget_cli_media_commands[] = {
  { NULL }
};
