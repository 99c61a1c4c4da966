/* fidget-work-package.h: one person's assignment as an archive, between machines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Annotators often work on their own laptops. A work package carries one person's part of a
 * project there (an assignment, from the coordinator) and their work back (a return, from the
 * local project that was started from the assignment). It is a tar archive compressed with
 * zstd (".fidgetpkg" by convention) holding plain files only, with no folder around them:
 *
 *   manifest.json   first: {"format": "fidget-work-package", "version": 1,
 *                   "package": UUID of this package, "project": {"uuid", "name", "actions": [every
 *                   action code of the project's taxonomy]}, "person": whose assignment,
 *                   "direction": "assignment" | "return", "author": who exported it (or null),
 *                   "created_us", "created_with", "counts": {...}, "entries": {"NAME": SHA-256
 *                   in hex, for every other entry}}
 *   records.json    the rows (fidget-project-merge.h says which); each video has "file_name"
 *                   (its name on the exporting machine) and "file" (its entry, or null)
 *   videos/HASH.EXT with --with-videos: the video files, named by their SHA-256
 *
 * Import reads and checks the whole package before writing anything, and refuses it whole,
 * with a message that says what and why, when it belongs to another project (its project
 * UUID differs), is for a person who is not an annotator here, goes the wrong way (a return
 * goes into the coordinator's project only, an assignment into its person's copy only: so a
 * checker's decisions never reach another checker), has an unknown format version,
 * any entry whose SHA-256 differs from the manifest's (tampered), an entry missing or one the
 * manifest does not list, an unsafe entry (an absolute name, "..", a symbolic or hard link, a
 * device, a fifo or anything but a plain file), or is truncated or otherwise unreadable. Then
 * the rows go in through fidget_project_merge_import(): one transaction, audited with the
 * package named, idempotent. Videos the package carries and the project lacks are copied into
 * the videos folder (default: "videos" beside the project; made when needed, in a folder that
 * exists), each verified against its content hash while copied; a video not carried is
 * recorded at that folder under its file name, to be relinked when it is there.
 *
 * A return that carries a submitted step of the review (the primary's self-check, a
 * checker's cross-check) replays it after the rows are in, through fidget-review.h as that
 * person: the same rules run, and the last checker's submission settles the consensus on the
 * coordinator's machine exactly as it would have there. Each replayed step is its own audited
 * transaction; a package imported again replays nothing.
 */
#pragma once

#include "fidget-media-init.h"
#include "fidget-project-merge.h"
#include "fidget-project.h"

G_BEGIN_DECLS

#define FIDGET_WORK_PACKAGE_VERSION 1
#define FIDGET_WORK_PACKAGE_SUFFIX ".fidgetpkg"

typedef struct
{
  int                     version;
  char                   *package_uuid;
  char                   *project_uuid;
  char                   *project_name;
  char                   *person;
  FidgetPackageDirection  direction;
  char                   *author;         /* NULL when nobody was named */
  gint64                  created_us;
  guint                   n_videos;
  guint                   n_video_files;  /* videos carried in the archive */
  guint                   n_segments;
  guint                   n_decisions;
  guint                   n_tombstones;
  gint64                  size_bytes;     /* of the archive */
} FidgetWorkPackageInfo;

typedef struct
{
  FidgetWorkPackageInfo *info;
  FidgetMergeReport     *report;           /* what changed (or would change, dry run) */
  guint                  n_videos_copied;  /* (or to be copied) */
  GPtrArray             *steps;            /* char *: review steps replayed (or to be) */
} FidgetWorkPackageResult;

#define FIDGET_TYPE_WORK_PACKAGE_INFO (fidget_work_package_info_get_type ())

GType                    fidget_work_package_info_get_type (void) G_GNUC_CONST;
FidgetWorkPackageInfo   *fidget_work_package_info_copy     (const FidgetWorkPackageInfo *self);
void                     fidget_work_package_info_free     (FidgetWorkPackageInfo       *self);
void                     fidget_work_package_result_free   (FidgetWorkPackageResult     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetWorkPackageInfo, fidget_work_package_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetWorkPackageResult, fidget_work_package_result_free)

/* Writes @person's package to @output (through a hidden temporary file renamed when
 * complete). A project started from a package sends returns; any other sends assignments.
 * With @with_videos every video file that is present is carried (a missing one travels as
 * metadata only: n_video_files says how many went), and checked against its content hash.
 * Blocking; @progress (may be NULL) gets fractions from 0 to 1. */
FidgetWorkPackageInfo   *fidget_work_package_export        (FidgetProject               *project,
                                                            const char                  *person,
                                                            const char                  *output,
                                                            gboolean                     with_videos,
                                                            GCancellable                *cancellable,
                                                            FidgetProgressFunc           progress,
                                                            gpointer                     progress_data,
                                                            GError                     **error);

/* Reads and checks a whole package (every rule above but the project's) without writing. */
FidgetWorkPackageInfo   *fidget_work_package_read_info     (const char                  *path,
                                                            GCancellable                *cancellable,
                                                            GError                     **error);

/* Imports a package into @project. @videos_dir NULL for the default. With @dry_run nothing
 * is written: the result tells what would change. */
FidgetWorkPackageResult *fidget_work_package_import        (FidgetProject               *project,
                                                            const char                  *path,
                                                            const char                  *videos_dir,
                                                            gboolean                     dry_run,
                                                            GCancellable                *cancellable,
                                                            FidgetProgressFunc           progress,
                                                            gpointer                     progress_data,
                                                            GError                     **error);

/* Starts a new project at @project_path from an assignment package: it takes the package's
 * project identity, so that the packages it exports later go back into the coordinator's
 * project. Nothing is left behind when it fails. */
FidgetProject           *fidget_work_package_create_project (const char                 *project_path,
                                                             const char                 *path,
                                                             const char                 *videos_dir,
                                                             GCancellable               *cancellable,
                                                             FidgetProgressFunc          progress,
                                                             gpointer                    progress_data,
                                                             FidgetWorkPackageResult   **result,
                                                             GError                    **error);

/* The same in a worker thread on a connection of its own (the project's file, its actor):
 * @progress is called in the worker. _finish of an import that changed something refreshes
 * @project (new actions, FidgetProject::changed). */
void                     fidget_work_package_export_async  (FidgetProject               *project,
                                                            const char                  *person,
                                                            const char                  *output,
                                                            gboolean                     with_videos,
                                                            GCancellable                *cancellable,
                                                            FidgetProgressFunc           progress,
                                                            gpointer                     progress_data,
                                                            GAsyncReadyCallback          callback,
                                                            gpointer                     user_data);
FidgetWorkPackageInfo   *fidget_work_package_export_finish (FidgetProject               *project,
                                                            GAsyncResult                *result,
                                                            GError                     **error);
void                     fidget_work_package_import_async  (FidgetProject               *project,
                                                            const char                  *path,
                                                            const char                  *videos_dir,
                                                            gboolean                     dry_run,
                                                            GCancellable                *cancellable,
                                                            FidgetProgressFunc           progress,
                                                            gpointer                     progress_data,
                                                            GAsyncReadyCallback          callback,
                                                            gpointer                     user_data);
FidgetWorkPackageResult *fidget_work_package_import_finish (FidgetProject               *project,
                                                            GAsyncResult                *result,
                                                            GError                     **error);

/* fidget_work_package_create_project() in a worker thread; _finish returns the new project,
 * opened again on the caller's thread (the worker's connection stays in the worker). */
void                     fidget_work_package_create_project_async  (const char          *project_path,
                                                                    const char          *path,
                                                                    const char          *videos_dir,
                                                                    GCancellable        *cancellable,
                                                                    FidgetProgressFunc   progress,
                                                                    gpointer             progress_data,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
FidgetProject           *fidget_work_package_create_project_finish (GAsyncResult             *result,
                                                                    FidgetWorkPackageResult **imported,
                                                                    GError                  **error);

G_END_DECLS
