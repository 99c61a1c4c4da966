/* fidget-list-import.h: videos and segments from an mmaction2 list with its clip folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-media-init.h"
#include "fidget-project.h"

G_BEGIN_DECLS

/* Whose segments the clips become when no annotator is given. */
#define FIDGET_LIST_IMPORT_DEFAULT_ANNOTATOR "mmaction2-list"

typedef struct
{
  guint n_lines;             /* clips listed */
  guint n_added;             /* segments written */
  guint n_present;           /* clips whose segment the project already held */
  guint n_videos_imported;
  guint n_annotators_added;
} FidgetListImportReport;

/* Reads an mmaction2 VideoDataset list (`FILE LABEL` per line, FILE relative to @clips_dir,
 * LABEL MANet's 0-based model index, or past the model's classes a project's own action named
 * so in a label_name.txt beside the list; blank lines skipped) and brings each clip in as a video
 * (fidget_import_video(); a clip the project already holds, found by content hash, is reused)
 * with one segment over the whole clip, the action of that model index, by @annotator (NULL:
 * FIDGET_LIST_IMPORT_DEFAULT_ANNOTATOR). A clip named like MA-52, PPPP_BB_NNNN, gets the
 * participant PPPP. Every line is checked before anything is written: a malformed line, an
 * unknown label or a missing clip refuse the whole list, naming it and the line. A clip that
 * does not import stops the run there (clips before it stay imported; a re-run goes on).
 * Importing the same list again adds nothing. */
gboolean fidget_dataset_import_list (FidgetProject           *project,
                                     const char              *list_path,
                                     const char              *clips_dir,
                                     const char              *annotator,
                                     FidgetListImportReport  *report,
                                     GCancellable            *cancellable,
                                     GError                 **error);

G_END_DECLS
