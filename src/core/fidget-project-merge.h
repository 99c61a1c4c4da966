/* fidget-project-merge.h: rows that keep their UUIDs across projects (work packages)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A coordinator's project and an annotator's copy of it share one project UUID; every row
 * that people create carries a UUID of its own, so the two can exchange records without
 * clashes. This is the store's side of a work package (fidget-work-package.h packs and
 * unpacks the archive):
 *
 *  - fidget_project_merge_export() reads, as JSON text, what one person needs for their
 *    assignment or what they send back;
 *  - fidget_project_merge_import() writes such records into a project in one transaction,
 *    with one audit row per change naming the package, or only measures what would change.
 *
 * What a package holds for person P (the videos where P is the primary annotator or a
 * cross-checker):
 *    annotators   every annotator (names are not secret, and the review rows name them)
 *    participants those of the videos
 *    actions      the project's own actions (MA-52's are in every project)
 *    videos       metadata, content hash, size, frame rate, frame count, file name
 *    reviews      the assignment rows; the checkers' "submitted" times are left out except
 *                 P's own, so that no copy ever settles a consensus with votes it lacks
 *    segments     P's own; for a cross-checker also the primary's, once the self-check is
 *                 submitted; never another checker's (the cross-check is blind). Each of the
 *                 primary's segments carries its self-check confirmation, if any.
 *    decisions    P's cross-check decisions; never another checker's
 *    tombstones   segments of those videos known to have been deleted here
 *
 * Who owns what, on import. A package goes one of two ways:
 *    assignment   coordinator -> P. The coordinator's records are the reference for
 *                 everything except P's own rows (segments of P, confirmations of P's
 *                 segments, decisions of P): those are added when missing and otherwise left
 *                 as P has them. Other rows are added, or replaced when the package's copy is
 *                 newer (modified, decided, changed times); tombstones of rows not P's apply.
 *    return       P -> coordinator. P owns P's rows: they are added, replaced when newer, or
 *                 deleted by tombstone, and every such change passes the review rules of
 *                 fidget-review.h as if P made it here (an edit after P's step was submitted
 *                 is refused). Everything else in the package is context: added only when
 *                 missing, never changed.
 * Review rounds: when an assignment carries a later round than the copy holds (the reviewer
 * reopened the video), the copy drops that video's confirmations, decisions, disputes and
 * consensus, as the reopen did on the coordinator's machine; a return's confirmations and
 * decisions of a round other than the coordinator's current one are stale and skipped.
 * Rows are matched by UUID (videos also by content hash, people by name, actions by code);
 * importing the same package twice changes nothing the second time and writes no audit row.
 * Any refusal rolls the whole transaction back.
 */
#pragma once

#include "fidget-project.h"

G_BEGIN_DECLS

typedef enum
{
  FIDGET_MERGE_ANNOTATOR,
  FIDGET_MERGE_PARTICIPANT,
  FIDGET_MERGE_ACTION,
  FIDGET_MERGE_VIDEO,
  FIDGET_MERGE_REVIEW,
  FIDGET_MERGE_SEGMENT,
  FIDGET_MERGE_CONFIRMATION,
  FIDGET_MERGE_DECISION,
  FIDGET_MERGE_N_KINDS
} FidgetMergeKind;

/* "annotator", "participant", "action", "video", "review", "segment", "confirmation",
 * "decision" */
const char *fidget_merge_kind_to_string (FidgetMergeKind kind);

typedef enum
{
  FIDGET_PACKAGE_ASSIGNMENT,   /* coordinator -> annotator */
  FIDGET_PACKAGE_RETURN,       /* annotator -> coordinator */
} FidgetPackageDirection;

/* "assignment", "return" */
const char *fidget_package_direction_to_string   (FidgetPackageDirection  direction);
gboolean    fidget_package_direction_from_string (const char             *str,
                                                  FidgetPackageDirection *direction);

typedef struct
{
  guint      inserted[FIDGET_MERGE_N_KINDS];
  guint      updated[FIDGET_MERGE_N_KINDS];
  guint      deleted[FIDGET_MERGE_N_KINDS];
  GPtrArray *changes;          /* char *: one line per change, in the order made */
  guint      n_changes;
} FidgetMergeReport;

FidgetMergeReport *fidget_merge_report_new  (void);
void               fidget_merge_report_free (FidgetMergeReport *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetMergeReport, fidget_merge_report_free)

typedef struct
{
  const char             *person;        /* whose assignment: an annotator of the project */
  FidgetPackageDirection  direction;
  const char             *package_uuid;  /* named in the audit rows */
  const char             *package_name;
  /* Video UUID -> the path to record for a video new to this project (absolute, or relative
   * to the project's folder); a new video without one is refused. */
  GHashTable             *video_paths;
  gboolean                dry_run;       /* measure only: everything is rolled back */
} FidgetMergeOptions;

/* The person a project was started for from a package (fidget_project_merge_adopt()), or
 * NULL for a coordinator's project. Its packages go back as returns. */
char              *fidget_project_merge_get_person     (FidgetProject            *project);

/* The records of @person's package as JSON text (see above): an object with the members
 * "annotators", "participants", "actions", "videos", "reviews", "segments", "decisions" and
 * "tombstones", each an array. Videos carry their stored "path" here; the package replaces
 * it with a file name. Refused when @person is not an annotator of the project or has no
 * video assigned. */
char              *fidget_project_merge_export         (FidgetProject            *project,
                                                        const char               *person,
                                                        FidgetPackageDirection    direction,
                                                        GError                  **error);

/* Writes @records (JSON text from fidget_project_merge_export()) into @project, in one
 * transaction, as the rules above say. Returns what changed (or would change, dry run). */
FidgetMergeReport *fidget_project_merge_import         (FidgetProject            *project,
                                                        const char               *records,
                                                        const FidgetMergeOptions *options,
                                                        GError                  **error);

/* For a project just created from a package: takes the package's project UUID (so later
 * packages match) and records the person it is for. */
gboolean           fidget_project_merge_adopt          (FidgetProject            *project,
                                                        const char               *project_uuid,
                                                        const char               *person,
                                                        GError                  **error);

/* After another connection imported a package into the same file: appends the actions it
 * added to @project's live taxonomy and emits FidgetProject::changed. */
void               fidget_project_merge_refresh        (FidgetProject            *project);

G_END_DECLS
