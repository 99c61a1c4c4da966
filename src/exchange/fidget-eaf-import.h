/* fidget-eaf-import.h: segments from an ELAN .eaf document, through a mapping file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-project.h"

G_BEGIN_DECLS

typedef struct
{
  guint n_annotations;       /* time-aligned annotations read */
  guint n_added;             /* segments written */
  guint n_present;           /* already in the project: importing twice changes nothing */
  guint n_ignored;           /* mapped to "-" */
  guint n_annotators_added;
} FidgetEafImportReport;

/* Reads the time-aligned annotations of @eaf_path into video @video_id (annotations of
 * referring tiers, REF_ANNOTATION, have no times of their own and are not read).
 *
 * @map_path is a mapping file, one rule a line, `TIER<TAB>VALUE<TAB>CODE` (blank lines and
 * lines starting with # skipped): TIER a tier id, VALUE an annotation value, either `*` for
 * any; CODE an action code of the project, `=` to take the value itself as the action code,
 * or `-` to leave such annotations out. The most specific rule wins (tier and value, then
 * tier, then value, then `* *`).
 *
 * Times (milliseconds) go to the nearest frame start on the video's frame grid; an
 * annotation becomes frames [start, end). Its owner is @annotator, or when NULL the tier's
 * ANNOTATOR attribute, or else the tier's id.
 *
 * Everything is checked before anything is written: malformed XML, an annotation no rule
 * maps, a code the taxonomy lacks, a time slot without a time, or times outside the video or
 * shorter than a frame refuse the whole file, naming it (or the mapping file) and the line. */
gboolean fidget_dataset_import_eaf (FidgetProject          *project,
                                    gint64                  video_id,
                                    const char             *eaf_path,
                                    const char             *map_path,
                                    const char             *annotator,
                                    FidgetEafImportReport  *report,
                                    GError                **error);

G_END_DECLS
