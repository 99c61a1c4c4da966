/* fidget-archive-util.c: writing an archive file through libarchive, atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fidget-archive-util.h"
#include "fidget-error.h"

/* The messages name what the user asked for; each wording is whole, for the translators. */
static gboolean
is_work_package (FidgetArchiveWriter *writer)
{
  return writer->of == FIDGET_ARCHIVE_OF_WORK_PACKAGE;
}

void
fidget_archive_writer_discard (FidgetArchiveWriter *writer)
{
  if (writer->archive != NULL)
    {
      /* Not archive_write_free() alone: that would try to finish the archive. */
      archive_write_fail (writer->archive);
      archive_write_free (writer->archive);
      writer->archive = NULL;
    }
  if (writer->fd >= 0)
    {
      close (writer->fd);
      writer->fd = -1;
    }
  if (writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);
  g_clear_pointer (&writer->tmp_path, g_free);
  g_clear_pointer (&writer->root, g_free);
}

static gboolean
writer_failed (FidgetArchiveWriter  *writer,
               GError              **error)
{
  int code = archive_errno (writer->archive);
  const char *message = archive_error_string (writer->archive);

  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
               is_work_package (writer)
               ? _("Could not write the work package %s: %s (no package was left at that name)")
               : _("Could not write the archive %s: %s (no archive was left at that name)"),
               writer->path,
               code > 0 ? g_strerror (code) : message != NULL ? message : _("unknown error"));
  return FALSE;
}

gboolean
fidget_archive_writer_open (FidgetArchiveWriter  *writer,
                            const char           *path,
                            FidgetArchiveFormat   format,
                            FidgetArchiveOf       of,
                            GError              **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *template = NULL;
  int r = ARCHIVE_OK;

  writer->fd = -1;
  writer->path = path;
  writer->of = of;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   is_work_package (writer)
                   ? _("%s is a folder: the work package needs a file name")
                   : _("%s is a folder: the archive needs a file name"),
                   path);
      return FALSE;
    }
  template = g_strdup_printf (".%s.partial-XXXXXX", base);
  writer->tmp_path = g_build_filename (dir, template, NULL);
  writer->fd = g_mkstemp_full (writer->tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (writer->fd < 0)
    {
      int saved = errno;
      g_clear_pointer (&writer->tmp_path, g_free);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   is_work_package (writer)
                   ? _("Could not make the work package %s: cannot write in %s: %s")
                   : _("Could not make the archive %s: cannot write in %s: %s"),
                   path, dir, g_strerror (saved));
      return FALSE;
    }
  writer->mtime = g_get_real_time () / G_USEC_PER_SEC;
  writer->archive = archive_write_new ();
  switch (format)
    {
    case FIDGET_ARCHIVE_TAR_ZSTD:
      r = archive_write_set_format_pax_restricted (writer->archive);
      if (r == ARCHIVE_OK)
        r = archive_write_add_filter_zstd (writer->archive);
      break;
    case FIDGET_ARCHIVE_TAR_GZIP:
      r = archive_write_set_format_pax_restricted (writer->archive);
      if (r == ARCHIVE_OK)
        r = archive_write_add_filter_gzip (writer->archive);
      break;
    case FIDGET_ARCHIVE_ZIP:
      r = archive_write_set_format_zip (writer->archive);
      break;
    default:
      g_assert_not_reached ();
    }
  /* No padding to 10 KiB blocks on the last one: the file ends where the data does. */
  if (r == ARCHIVE_OK)
    r = archive_write_set_bytes_in_last_block (writer->archive, 1);
  if (r == ARCHIVE_OK)
    r = archive_write_open_fd (writer->archive, writer->fd);
  if (r != ARCHIVE_OK)
    {
      if (is_work_package (writer))
        writer_failed (writer, error);
      else
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                     _("Could not start the archive %s: %s"), path,
                     archive_error_string (writer->archive));
      fidget_archive_writer_discard (writer);
      return FALSE;
    }
  return TRUE;
}

gboolean
fidget_archive_writer_header (FidgetArchiveWriter  *writer,
                              const char           *name,
                              gint64                size,
                              GError              **error)
{
  g_autofree char *pathname = NULL;
  struct archive_entry *entry = archive_entry_new ();
  int r;

  if (writer->root != NULL)
    name = pathname = g_strconcat (writer->root, "/", name, NULL);
  archive_entry_set_pathname (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, size);
  archive_entry_set_mtime (entry, writer->mtime, 0);
  r = archive_write_header (writer->archive, entry);
  archive_entry_free (entry);
  return r == ARCHIVE_OK || writer_failed (writer, error);
}

gboolean
fidget_archive_writer_data (FidgetArchiveWriter  *writer,
                            const void           *data,
                            gsize                 length,
                            GError              **error)
{
  while (length > 0)
    {
      la_ssize_t n = archive_write_data (writer->archive, data, length);

      if (n <= 0)
        return writer_failed (writer, error);
      data = (const guchar *) data + n;
      length -= (gsize) n;
    }
  return TRUE;
}

gboolean
fidget_archive_writer_add_fd (FidgetArchiveWriter     *writer,
                              const char              *name,
                              int                      fd,
                              gint64                   size,
                              const char              *file,
                              guchar                  *buffer,
                              gsize                    buffer_size,
                              GCancellable            *cancellable,
                              GChecksum               *checksum,
                              FidgetArchiveChunkFunc   chunk,
                              gpointer                 chunk_data,
                              GError                 **error)
{
  if (!fidget_archive_writer_header (writer, name, size, error))
    return FALSE;
  for (gint64 left = size; left > 0;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      n = read (fd, buffer, (gsize) MIN (left, (gint64) buffer_size));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          /* A work package streams in the videos, a dataset archive its package's files. */
          if (is_work_package (writer))
            g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                         _("Cannot read the video %s: %s"), file,
                         n == 0 ? _("it got shorter while being packed") : g_strerror (saved));
          else
            g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                         _("Cannot read the package file %s: %s"), file,
                         n == 0 ? _("it got shorter while being archived") : g_strerror (saved));
          return FALSE;
        }
      g_checksum_update (checksum, buffer, n);
      if (!fidget_archive_writer_data (writer, buffer, (gsize) n, error))
        return FALSE;
      left -= n;
      if (chunk != NULL)
        chunk ((gsize) n, chunk_data);
    }
  return TRUE;
}

gboolean
fidget_archive_writer_finish (FidgetArchiveWriter  *writer,
                              GError              **error)
{
  if (archive_write_close (writer->archive) != ARCHIVE_OK)
    {
      writer_failed (writer, error);
      fidget_archive_writer_discard (writer);
      return FALSE;
    }
  archive_write_free (writer->archive);
  writer->archive = NULL;
  if (fsync (writer->fd) != 0 || close (writer->fd) != 0)
    {
      int saved = errno;
      writer->fd = -1;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   is_work_package (writer)
                   ? _("Could not write the work package %s: %s (no package was left at that "
                       "name)")
                   : _("Could not write the archive %s: %s (no archive was left at that name)"),
                   writer->path, g_strerror (saved));
      fidget_archive_writer_discard (writer);
      return FALSE;
    }
  writer->fd = -1;
  if (g_rename (writer->tmp_path, writer->path) != 0)
    {
      int saved = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   is_work_package (writer)
                   ? _("Could not name the finished work package %s: %s")
                   : _("Could not name the finished archive %s: %s"),
                   writer->path, g_strerror (saved));
      fidget_archive_writer_discard (writer);
      return FALSE;
    }
  g_clear_pointer (&writer->tmp_path, g_free);
  g_clear_pointer (&writer->root, g_free);
  return TRUE;
}
