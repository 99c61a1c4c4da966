/* fidget-video-import.h: bringing a video file into a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-media-init.h"
#include "fidget-project.h"

G_BEGIN_DECLS

typedef struct
{
  const char *participant_code;  /* NULL: the video has no participant */
  const char *gender;            /* only with a participant: female, male, other */
  const char *age_group;         /* only with a participant */
} FidgetImportOptions;

/* Hashes the file, refuses content the project already holds, probes it with a full decode
 * pass, and only then writes to the project: a refused file leaves the project as it was.
 * Blocking; @progress gets fractions of the whole job. */
FidgetVideo *fidget_import_video (FidgetProject              *project,
                                  const char                 *path,
                                  const FidgetImportOptions  *options,
                                  GCancellable               *cancellable,
                                  FidgetProgressFunc          progress,
                                  gpointer                    progress_data,
                                  GError                    **error);

G_END_DECLS
