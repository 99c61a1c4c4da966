/* fidget-package-archive.c: a dataset package as one archive file (tar.zst, tar.gz, zip)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fidget-archive-util.h"
#include "fidget-error.h"
#include "fidget-package-archive.h"

#define MANIFEST_NAME "SHA256SUMS"
#define CHUNK (1 << 16)
/* A manifest longer than this is not one of ours (22,422 clips make about 2 MB). */
#define MAX_MANIFEST (64 << 20)

static const struct
{
  const char          *suffix;
  FidgetArchiveFormat  format;
} suffixes[] = {
  { ".tar.zst", FIDGET_ARCHIVE_TAR_ZSTD },
  { ".tzst", FIDGET_ARCHIVE_TAR_ZSTD },
  { ".tar.gz", FIDGET_ARCHIVE_TAR_GZIP },
  { ".tgz", FIDGET_ARCHIVE_TAR_GZIP },
  { ".zip", FIDGET_ARCHIVE_ZIP },
};

gboolean
fidget_archive_format_from_path (const char           *path,
                                 FidgetArchiveFormat  *format,
                                 GError              **error)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  base = g_path_get_basename (path);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (strlen (base) > strlen (suffixes[i].suffix) &&
        g_str_has_suffix (base, suffixes[i].suffix))
      {
        if (format != NULL)
          *format = suffixes[i].format;
        return TRUE;
      }
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
               _("Cannot tell the archive format of %s from its name: it must end in .tar.zst, "
                 ".tar.gz (or .tgz) or .zip"), path);
  return FALSE;
}

/* The folder inside the archive: the archive's name without its suffix. */
static char *
archive_root (const char *archive_path)
{
  g_autofree char *base = g_path_get_basename (archive_path);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (base, suffixes[i].suffix))
      return g_strndup (base, strlen (base) - strlen (suffixes[i].suffix));
  return g_strdup ("package");
}

/* A relative name that stays inside the folder it is extracted into. */
static gboolean
name_is_safe (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || *name == '\0' || *name == '/' || strchr (name, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      return FALSE;
  return TRUE;
}

typedef struct
{
  char *sum;
  char *name;
} ManifestLine;

static void
manifest_line_free (gpointer data)
{
  ManifestLine *line = data;

  g_free (line->sum);
  g_free (line->name);
  g_free (line);
}

/* "SUM  NAME" lines as sha256sum(1) writes them; @where names the manifest in errors. */
static GPtrArray *
parse_manifest (const char  *text,
                gsize        length,
                const char  *where,
                GError     **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (manifest_line_free);
  g_auto(GStrv) split = NULL;
  g_autofree char *copy = NULL;

  if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("%s is not a text file of checksums"), where);
      return NULL;
    }
  /* The text may come from an archive entry, with no terminating NUL. */
  copy = g_strndup (text, length);
  split = g_strsplit (copy, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    {
      const char *line = split[i];
      ManifestLine *parsed;
      gboolean hex = strlen (line) >= 67;

      if (*line == '\0')
        continue;
      for (guint k = 0; hex && k < 64; k++)
        hex = g_ascii_isxdigit (line[k]);
      if (!hex || strncmp (line + 64, "  ", 2) != 0 || !name_is_safe (line + 66))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s line %u is not “checksum  file” of a file in the package"),
                       where, i + 1);
          return NULL;
        }
      parsed = g_new0 (ManifestLine, 1);
      parsed->sum = g_ascii_strdown (line, 64);
      parsed->name = g_strdup (line + 66);
      g_ptr_array_add (lines, parsed);
    }
  if (lines->len == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("%s lists no files"), where);
      return NULL;
    }
  return g_steal_pointer (&lines);
}

/* {{{ Writing */

/* The archive being written, and the progress of the bytes streamed into it, as
 * base + span * done / total. */
typedef struct
{
  FidgetArchiveWriter out;
  FidgetProgressFunc  progress;
  gpointer            progress_data;
  double              progress_base;
  double              progress_span;
  gint64              bytes_total;
  gint64              bytes_done;
} Writer;

static void
file_chunk (gsize    length,
            gpointer user_data)
{
  Writer *writer = user_data;

  writer->bytes_done += (gint64) length;
  if (writer->progress != NULL && writer->bytes_total > 0)
    writer->progress (writer->progress_base + writer->progress_span *
                      MIN (1.0, (double) writer->bytes_done / writer->bytes_total),
                      writer->progress_data);
}

/* Streams one file of the folder into the archive, checking it against @sum (NULL: none). */
static gboolean
writer_add_file (Writer        *writer,
                 const char    *dir,
                 const char    *name,
                 const char    *sum,
                 guchar        *buffer,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  struct stat info;
  gboolean ok;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &info) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot read the package file %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (info.st_mode))
    {
      close (fd);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("The package file %s is not a plain file, so it cannot be archived"), path);
      return FALSE;
    }
  ok = fidget_archive_writer_add_fd (&writer->out, name, fd, info.st_size, path, buffer, CHUNK,
                                     cancellable, checksum, file_chunk, writer, error);
  close (fd);
  if (!ok)
    return FALSE;
  if (sum != NULL && strcmp (g_checksum_get_string (checksum), sum) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("The package file %s has changed since it was written (its SHA-256 "
                     "differs from %s), so it was not archived"), path, MANIFEST_NAME);
      return FALSE;
    }
  return TRUE;
}

static gboolean
archive_folder (const char          *dir,
                const char          *archive_path,
                GCancellable        *cancellable,
                FidgetProgressFunc   progress,
                gpointer             progress_data,
                double               progress_base,
                double               progress_span,
                GError             **error);

gboolean
fidget_package_archive_folder (const char    *dir,
                               const char    *archive_path,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return archive_folder (dir, archive_path, cancellable, NULL, NULL, 0.0, 1.0, error);
}

static gboolean
archive_folder (const char          *dir,
                const char          *archive_path,
                GCancellable        *cancellable,
                FidgetProgressFunc   progress,
                gpointer             progress_data,
                double               progress_base,
                double               progress_span,
                GError             **error)
{
  g_autofree char *manifest_path = g_build_filename (dir, MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  g_autofree guchar *buffer = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  Writer writer = { 0 };
  FidgetArchiveFormat format;
  gsize length;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (archive_path != NULL, FALSE);

  if (!fidget_archive_format_from_path (archive_path, &format, error))
    return FALSE;
  if (!g_file_get_contents (manifest_path, &text, &length, &local_error))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("%s is not a complete package: %s"), dir, local_error->message);
      return FALSE;
    }
  if (!(lines = parse_manifest (text, length, manifest_path, error)))
    return FALSE;
  if (!fidget_archive_writer_open (&writer.out, archive_path, format, FIDGET_ARCHIVE_OF_DATASET,
                                   error))
    return FALSE;
  writer.out.root = archive_root (archive_path);

  /* The sizes first, so that the progress is a share of the bytes (the clips dominate). */
  writer.progress = progress;
  writer.progress_data = progress_data;
  writer.progress_base = progress_base;
  writer.progress_span = progress_span;
  for (guint i = 0; progress != NULL && i < lines->len; i++)
    {
      ManifestLine *line = g_ptr_array_index (lines, i);
      g_autofree char *path = g_build_filename (dir, line->name, NULL);
      GStatBuf info;

      if (g_stat (path, &info) == 0)
        writer.bytes_total += info.st_size;
    }

  buffer = g_malloc (CHUNK);
  for (guint i = 0; i < lines->len; i++)
    {
      ManifestLine *line = g_ptr_array_index (lines, i);

      if (!writer_add_file (&writer, dir, line->name, line->sum, buffer, cancellable, error))
        {
          fidget_archive_writer_discard (&writer.out);
          return FALSE;
        }
    }
  /* The manifest last, from the text read above: what was checked is what is archived. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !fidget_archive_writer_header (&writer.out, MANIFEST_NAME, (gint64) length, error) ||
      !fidget_archive_writer_data (&writer.out, text, length, error))
    {
      fidget_archive_writer_discard (&writer.out);
      return FALSE;
    }
  return fidget_archive_writer_finish (&writer.out, error);
}

typedef struct
{
  FidgetProgressFunc func;
  gpointer           data;
  double             base;
  double             span;
} ScaledProgress;

static void
scaled_progress (double   fraction,
                 gpointer user_data)
{
  ScaledProgress *scaled = user_data;

  scaled->func (scaled->base + scaled->span * fraction, scaled->data);
}

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL &&
         (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child, NULL);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not remove the work folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
fidget_dataset_write_archive (FidgetDataset           *self,
                              const char              *archive_path,
                              const char              *dir,
                              const FidgetClipParams  *clip_params,
                              GCancellable            *cancellable,
                              FidgetProgressFunc       progress,
                              gpointer                 progress_data,
                              FidgetClipReport        *report,
                              GError                 **error)
{
  g_autofree char *work = NULL;
  ScaledProgress scaled;
  double clip_share;
  gboolean ok;

  g_return_val_if_fail (FIDGET_IS_DATASET (self), FALSE);
  g_return_val_if_fail (archive_path != NULL, FALSE);

  /* Refuse a bad name before any work. */
  if (!fidget_archive_format_from_path (archive_path, NULL, error))
    return FALSE;
  if (dir == NULL)
    {
      g_autofree char *parent = g_path_get_dirname (archive_path);
      g_autofree char *base = g_path_get_basename (archive_path);
      g_autofree char *template = g_strdup_printf (".%s.work-XXXXXX", base);

      /* Beside the archive: on the same disk, so a full disk shows up here too. */
      work = g_build_filename (parent, template, NULL);
      if (g_mkdtemp_full (work, 0700) == NULL)
        {
          int saved = errno;
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                       _("Could not make the archive %s: cannot write in %s: %s"), archive_path,
                       parent, g_strerror (saved));
          return FALSE;
        }
      dir = work;
    }

  /* Cutting clips takes far longer than streaming them: most of the bar is the cutting. */
  clip_share = clip_params != NULL ? 0.9 : 0.0;
  scaled.func = progress;
  scaled.data = progress_data;
  scaled.base = 0.0;
  scaled.span = clip_share;
  if (clip_params != NULL)
    ok = fidget_dataset_write_clips (self, dir, clip_params, cancellable,
                                     progress != NULL ? scaled_progress : NULL, &scaled,
                                     report, error);
  else
    ok = fidget_dataset_write (self, dir, cancellable, error);
  ok = ok && archive_folder (dir, archive_path, cancellable, progress, progress_data, clip_share,
                             1.0 - clip_share, error);

  if (work != NULL)
    {
      if (ok)
        ok = remove_tree (work, error);
      else
        remove_tree (work, NULL);
    }
  return ok;
}

/* }}} */
/* {{{ Verifying */

static const char *
entry_kind (mode_t type)
{
  switch (type)
    {
    case AE_IFLNK: return _("a symbolic link");
    case AE_IFCHR: return _("a character device");
    case AE_IFBLK: return _("a block device");
    case AE_IFIFO: return _("a named pipe");
    case AE_IFSOCK: return _("a socket");
    default: return _("a special file");
    }
}

static guint
depth (const char *name)
{
  guint n = 0;

  for (const char *p = strchr (name, '/'); p != NULL; p = strchr (p + 1, '/'))
    n++;
  return n;
}

gboolean
fidget_package_verify_archive (const char    *archive_path,
                               guint         *n_files,
                               GCancellable  *cancellable,
                               GError       **error)
{
  struct archive *archive = NULL;
  struct archive_entry *entry;
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GByteArray) manifest = NULL;
  g_autofree char *manifest_name = NULL;
  g_autofree char *where = NULL;
  g_autofree guchar *buffer = g_malloc (CHUNK);
  g_autoptr(GPtrArray) lines = NULL;
  const char *prefix_end;
  g_autofree char *prefix = NULL;
  guint n = 0;
  int r;

  g_return_val_if_fail (archive_path != NULL, FALSE);

  archive = archive_read_new ();
  archive_read_support_filter_all (archive);
  archive_read_support_format_tar (archive);
  archive_read_support_format_zip (archive);
  if (archive_read_open_filename (archive, archive_path, CHUNK) != ARCHIVE_OK)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("%s cannot be read as an archive (it is missing, damaged or not an "
                     "archive): %s"), archive_path,
                   archive_error_string (archive));
      archive_read_free (archive);
      return FALSE;
    }

  while ((r = archive_read_next_header (archive, &entry)) == ARCHIVE_OK ||
         r == ARCHIVE_WARN)
    {
      const char *name = archive_entry_pathname (entry);
      mode_t type = archive_entry_filetype (entry);
      g_autoptr(GChecksum) checksum = NULL;
      gboolean is_manifest;
      la_ssize_t got;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if (!name_is_safe (name))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s holds the entry “%s”, which would be written outside the folder "
                         "it is extracted into (an absolute name or ..): refused"),
                       archive_path, name != NULL ? name : "");
          goto fail;
        }
      if (archive_entry_hardlink (entry) != NULL || archive_entry_symlink (entry) != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s holds the entry “%s”, a link: a package holds only plain files, "
                         "refused"), archive_path, name);
          goto fail;
        }
      if (type == AE_IFDIR)
        continue;
      if (type != AE_IFREG)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s holds the entry “%s”, %s: a package holds only plain files, "
                         "refused"), archive_path, name, entry_kind (type));
          goto fail;
        }
      if (g_hash_table_contains (sums, name))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s holds “%s” twice: the later copy would replace the first one"),
                       archive_path, name);
          goto fail;
        }

      /* The manifest is the shallowest SHA256SUMS (the package root's). */
      is_manifest = (strcmp (name, MANIFEST_NAME) == 0 ||
                     g_str_has_suffix (name, "/" MANIFEST_NAME)) &&
                    (manifest_name == NULL || depth (name) < depth (manifest_name));
      if (is_manifest)
        {
          g_clear_pointer (&manifest, g_byte_array_unref);
          g_clear_pointer (&manifest_name, g_free);
          manifest = g_byte_array_new ();
          manifest_name = g_strdup (name);
        }
      checksum = g_checksum_new (G_CHECKSUM_SHA256);
      while ((got = archive_read_data (archive, buffer, CHUNK)) > 0)
        {
          g_checksum_update (checksum, buffer, got);
          if (is_manifest)
            {
              if (manifest->len + (gsize) got > MAX_MANIFEST)
                {
                  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                               _("%s: its %s is too large to be a package manifest"),
                               archive_path, name);
                  goto fail;
                }
              g_byte_array_append (manifest, buffer, (guint) got);
            }
        }
      if (got < 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s is damaged: its entry “%s” cannot be read: %s"), archive_path,
                       name, archive_error_string (archive));
          goto fail;
        }
      g_hash_table_insert (sums, g_strdup (name), g_strdup (g_checksum_get_string (checksum)));
    }
  if (r != ARCHIVE_EOF)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("%s is damaged or not an archive: %s"), archive_path,
                   archive_error_string (archive));
      goto fail;
    }
  archive_read_free (archive);
  archive = NULL;

  if (manifest == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("%s is not a complete package: it holds no %s"), archive_path,
                   MANIFEST_NAME);
      return FALSE;
    }
  where = g_strdup_printf ("%s in %s", manifest_name, archive_path);
  if (!(lines = parse_manifest ((const char *) manifest->data, manifest->len, where, error)))
    return FALSE;
  prefix_end = manifest_name + strlen (manifest_name) - strlen (MANIFEST_NAME);
  prefix = g_strndup (manifest_name, prefix_end - manifest_name);

  for (guint i = 0; i < lines->len; i++)
    {
      ManifestLine *line = g_ptr_array_index (lines, i);
      g_autofree char *name = g_strconcat (prefix, line->name, NULL);
      char *sum = g_hash_table_lookup (sums, name);

      if (sum == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("%s lacks %s, which its %s lists"), archive_path, name, MANIFEST_NAME);
          return FALSE;
        }
      if (strcmp (sum, line->sum) != 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("The file %s in %s has changed since it was written (its SHA-256 "
                         "differs from %s)"), name, archive_path, MANIFEST_NAME);
          return FALSE;
        }
      g_hash_table_remove (sums, name);
      n++;
    }
  g_hash_table_remove (sums, manifest_name);
  if (g_hash_table_size (sums) > 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, sums);
      g_hash_table_iter_next (&iter, &key, NULL);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("%s holds %s, which its %s does not list"), archive_path,
                   (const char *) key, MANIFEST_NAME);
      return FALSE;
    }
  if (n_files != NULL)
    *n_files = n;
  return TRUE;

fail:
  archive_read_free (archive);
  return FALSE;
}

/* }}} */
