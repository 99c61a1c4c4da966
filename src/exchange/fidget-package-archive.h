/* fidget-package-archive.h: a dataset package as one archive file (tar.zst, tar.gz, zip)
 *
 * The archive holds the package under one folder named after the archive (data.tar.zst
 * holds data/...): the files its SHA256SUMS lists, then SHA256SUMS itself, last. It is
 * written to a hidden temporary name beside the target and renamed only when complete and
 * synced, so a failed or cancelled export never leaves a file that looks like a finished
 * archive (and an earlier archive at that name stays as it was).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-dataset.h"

G_BEGIN_DECLS

typedef enum
{
  FIDGET_ARCHIVE_TAR_ZSTD,
  FIDGET_ARCHIVE_TAR_GZIP,
  FIDGET_ARCHIVE_ZIP,
} FidgetArchiveFormat;

/* The format from the file name: .tar.zst/.tzst, .tar.gz/.tgz, .zip; refused otherwise. */
gboolean fidget_archive_format_from_path      (const char              *path,
                                               FidgetArchiveFormat     *format,
                                               GError                 **error);

/* Streams the package folder @dir (complete: it must have its SHA256SUMS) into @archive_path,
 * reading each listed file once and checking it against its sum as it goes. */
gboolean fidget_package_archive_folder        (const char              *dir,
                                               const char              *archive_path,
                                               GCancellable            *cancellable,
                                               GError                 **error);

/* Writes @self as a package into @archive_path. With @dir the package folder is written there
 * too (as fidget_dataset_write() or _write_clips() do) and then streamed into the archive;
 * without, it is written into a work folder beside the archive that is removed afterwards.
 * @clip_params NULL for a package without clips. @progress gets fractions of the whole job:
 * with clips, the cutting is the first 90 %, the streaming into the archive the rest. */
gboolean fidget_dataset_write_archive         (FidgetDataset           *self,
                                               const char              *archive_path,
                                               const char              *dir,
                                               const FidgetClipParams  *clip_params,
                                               GCancellable            *cancellable,
                                               FidgetProgressFunc       progress,
                                               gpointer                 progress_data,
                                               FidgetClipReport        *report,
                                               GError                 **error);

/* Checks an archived package without extracting it: every entry a plain file or folder with a
 * safe relative name (no absolute path, no "..", no links, devices or other special files),
 * no name twice, one SHA256SUMS, and every file it lists present with that SHA-256 and no
 * file it does not list. @n_files gets the number of files checked. */
gboolean fidget_package_verify_archive        (const char              *archive_path,
                                               guint                   *n_files,
                                               GCancellable            *cancellable,
                                               GError                 **error);

G_END_DECLS
