/* fidget-work-package.c: one person's assignment as an archive, between machines
 *
 * The manifest is the first entry, so a package from another project or with an unknown
 * version is refused before anything else is read; the records come next, so that the
 * videos after them are copied only when the project lacks them. Every entry is hashed as it
 * streams by and compared with the manifest; nothing touches the project until the whole
 * archive has been read and found sound.
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
#include <json-glib/json-glib.h>

#include "fidget-archive-util.h"
#include "fidget-error.h"
#include "fidget-review.h"
#include "fidget-work-package.h"

#define FORMAT_NAME "fidget-work-package"
#define MANIFEST_NAME "manifest.json"
#define RECORDS_NAME "records.json"
#define CHUNK (1 << 16)
#define MAX_MANIFEST (4 << 20)
#define MAX_RECORDS (512 << 20)

/* {{{ Boxed types */

FidgetWorkPackageInfo *
fidget_work_package_info_copy (const FidgetWorkPackageInfo *self)
{
  FidgetWorkPackageInfo *copy = g_memdup2 (self, sizeof *self);

  copy->package_uuid = g_strdup (self->package_uuid);
  copy->project_uuid = g_strdup (self->project_uuid);
  copy->project_name = g_strdup (self->project_name);
  copy->person = g_strdup (self->person);
  copy->author = g_strdup (self->author);
  return copy;
}

void
fidget_work_package_info_free (FidgetWorkPackageInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->package_uuid);
  g_free (self->project_uuid);
  g_free (self->project_name);
  g_free (self->person);
  g_free (self->author);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (FidgetWorkPackageInfo, fidget_work_package_info,
                     fidget_work_package_info_copy, fidget_work_package_info_free)

void
fidget_work_package_result_free (FidgetWorkPackageResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->info, fidget_work_package_info_free);
  g_clear_pointer (&self->report, fidget_merge_report_free);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_free (self);
}

/* }}} */
/* {{{ Helpers */

static void
report_progress (FidgetProgressFunc progress,
                 gpointer           data,
                 double             fraction)
{
  if (progress != NULL)
    progress (CLAMP (fraction, 0.0, 1.0), data);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
is_hex64 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

/* "videos/" + 64 hex digits + "." + a short alphanumeric extension. */
static gboolean
is_video_entry (const char *name)
{
  const char *ext;
  g_autofree char *hex = NULL;

  if (!g_str_has_prefix (name, "videos/") || strlen (name) < 7 + 64 + 2)
    return FALSE;
  hex = g_strndup (name + 7, 64);
  ext = name + 7 + 64;
  if (!is_hex64 (hex) || *ext != '.' || strlen (ext + 1) > 8)
    return FALSE;
  for (const char *p = ext + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* The extension of a video file for its entry name: alphanumeric, short, else "bin". */
static char *
video_extension (const char *file_name)
{
  const char *dot = strrchr (file_name, '.');
  gboolean ok = dot != NULL && dot[1] != '\0' && strlen (dot + 1) <= 8;

  for (const char *p = dot != NULL ? dot + 1 : ""; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p);
  return ok ? g_ascii_strdown (dot + 1, -1) : g_strdup ("bin");
}

/* The project file's name, for messages. */
static char *
project_name (FidgetProject *project)
{
  return g_filename_display_basename (fidget_project_get_path (project));
}

static char *
project_folder (FidgetProject *project)
{
  return g_path_get_dirname (fidget_project_get_path (project));
}

/* A stored video path resolved against the project's folder. */
static char *
resolve_path (FidgetProject *project,
              const char    *stored)
{
  g_autofree char *dir = NULL;

  if (g_path_is_absolute (stored))
    return g_strdup (stored);
  dir = project_folder (project);
  return g_build_filename (dir, stored, NULL);
}

/* Relative to the project's folder when inside it. */
static char *
path_for_storage (FidgetProject *project,
                  const char    *path)
{
  g_autofree char *dir = project_folder (project);
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *prefix = g_strconcat (dir, G_DIR_SEPARATOR_S, NULL);

  if (g_str_has_prefix (absolute, prefix))
    return g_strdup (absolute + strlen (prefix));
  return g_steal_pointer (&absolute);
}

/* }}} */
/* {{{ Writing */

static gboolean
writer_memory (FidgetArchiveWriter  *writer,
               const char           *name,
               const char           *data,
               gsize                 length,
               GError              **error)
{
  return fidget_archive_writer_header (writer, name, (gint64) length, error) &&
         fidget_archive_writer_data (writer, data, length, error);
}

/* The bytes of the videos streamed so far, as the share of the job after the records. */
typedef struct
{
  gint64             *done;
  gint64              total;
  FidgetProgressFunc  progress;
  gpointer            progress_data;
} VideoCounter;

static void
video_chunk (gsize    length,
             gpointer user_data)
{
  VideoCounter *counter = user_data;

  *counter->done += (gint64) length;
  report_progress (counter->progress, counter->progress_data,
                   0.05 + 0.95 * (double) *counter->done / MAX (counter->total, 1));
}

/* Streams a video in, checking that it still is the content the project knows. */
static gboolean
writer_video (FidgetArchiveWriter  *writer,
              const char           *name,
              const char           *file,
              gint64                size,
              const char           *hex,
              guchar               *buffer,
              GCancellable         *cancellable,
              gint64               *done,
              gint64                total,
              FidgetProgressFunc    progress,
              gpointer              progress_data,
              GError              **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  VideoCounter counter = { done, total, progress, progress_data };
  struct stat info;
  gboolean ok;
  int fd;

  fd = g_open (file, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &info) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot put the video %s into the work package: %s (relink it, or export "
                     "without the videos)"), file, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (info.st_mode) || info.st_size != size)
    {
      close (fd);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("Cannot put the video %s into the work package: it is not the file the "
                     "project imported (its size differs)"), file);
      return FALSE;
    }
  ok = fidget_archive_writer_add_fd (writer, name, fd, size, file, buffer, CHUNK, cancellable,
                                     checksum, video_chunk, &counter, error);
  close (fd);
  if (!ok)
    return FALSE;
  if (strcmp (g_checksum_get_string (checksum), hex) != 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                   _("Cannot put the video %s into the work package: its content changed since "
                     "it was imported (its SHA-256 differs)"), file);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char   *entry;
  char   *file;
  char   *hex;
  gint64  size;
} VideoFile;

static void
video_file_free (gpointer data)
{
  VideoFile *video = data;

  g_free (video->entry);
  g_free (video->file);
  g_free (video->hex);
  g_free (video);
}

FidgetWorkPackageInfo *
fidget_work_package_export (FidgetProject       *project,
                            const char          *person,
                            const char          *output,
                            gboolean             with_videos,
                            GCancellable        *cancellable,
                            FidgetProgressFunc   progress,
                            gpointer             progress_data,
                            GError             **error)
{
  g_autoptr(FidgetWorkPackageInfo) info = g_new0 (FidgetWorkPackageInfo, 1);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (video_file_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) manifest = NULL;
  g_autofree char *local_person = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *records = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *records_hex = NULL;
  g_autofree guchar *buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  FidgetTaxonomy *taxonomy;
  JsonObject *root;
  JsonArray *array;
  FidgetArchiveWriter writer = { 0 };
  gsize records_length;
  gint64 total = 0, done = 0;
  GStatBuf st;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (person != NULL && output != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  report_progress (progress, progress_data, 0);
  local_person = fidget_project_merge_get_person (project);
  info->version = FIDGET_WORK_PACKAGE_VERSION;
  info->direction = local_person != NULL && g_ascii_strcasecmp (local_person, person) == 0
                    ? FIDGET_PACKAGE_RETURN : FIDGET_PACKAGE_ASSIGNMENT;
  if (local_person != NULL && info->direction == FIDGET_PACKAGE_ASSIGNMENT)
    {
      g_autofree char *name = project_name (project);

      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED,
                   _("“%s” was started from %s's work package: it can send only %s's work "
                     "back, not a package for %s"),
                   name, local_person, local_person, person);
      return NULL;
    }
  if (!(raw = fidget_project_merge_export (project, person, info->direction, error)))
    return NULL;

  /* Stored paths mean nothing on another machine: each video travels with its file name
   * and, when carried, the name of its entry. */
  if (!json_parser_load_from_data (parser, raw, -1, &local_error))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not read the records for the work package: %s"), local_error->message);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  array = member_array (root, "videos");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *video = json_array_get_object_element (array, i);
      g_autofree char *file = resolve_path (project, member_string (video, "path"));
      g_autofree char *file_name = g_path_get_basename (member_string (video, "path"));
      const char *hash = member_string (video, "content_hash");

      json_object_remove_member (video, "path");
      json_object_set_string_member (video, "file_name", file_name);
      /* A video whose file is not here travels as metadata only (the count says so). */
      if (with_videos && g_file_test (file, G_FILE_TEST_IS_REGULAR))
        {
          VideoFile *entry = g_new0 (VideoFile, 1);
          g_autofree char *ext = video_extension (file_name);

          entry->hex = g_strdup (hash + strlen ("sha256:"));
          entry->entry = g_strdup_printf ("videos/%s.%s", entry->hex, ext);
          entry->file = g_steal_pointer (&file);
          member_int (video, "size_bytes", &entry->size);
          total += entry->size;
          json_object_set_string_member (video, "file", entry->entry);
          g_ptr_array_add (files, entry);
        }
      else
        json_object_set_null_member (video, "file");
    }
  info->n_videos = array != NULL ? json_array_get_length (array) : 0;
  info->n_video_files = files->len;
  info->n_segments = (array = member_array (root, "segments")) ? json_array_get_length (array) : 0;
  info->n_decisions = (array = member_array (root, "decisions")) ? json_array_get_length (array) : 0;
  info->n_tombstones = (array = member_array (root, "tombstones")) ? json_array_get_length (array) : 0;

  json_generator_set_root (generator, json_parser_get_root (parser));
  records = json_generator_to_data (generator, &records_length);
  records_hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) records,
                                             records_length);

  info->package_uuid = g_uuid_string_random ();
  info->project_uuid = g_strdup (fidget_project_get_uuid (project));
  info->project_name = project_name (project);
  info->person = g_strdup (person);
  info->author = g_strdup (fidget_project_get_actor (project));
  info->created_us = g_get_real_time ();

  taxonomy = fidget_project_get_taxonomy (project);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FIDGET_WORK_PACKAGE_VERSION);
  json_builder_set_member_name (builder, "package");
  json_builder_add_string_value (builder, info->package_uuid);
  json_builder_set_member_name (builder, "project");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, info->project_uuid);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, info->project_name);
  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fidget_taxonomy_get_n_actions (taxonomy); i++)
    json_builder_add_string_value (builder, fidget_taxonomy_get_action (taxonomy, i)->code);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "person");
  json_builder_add_string_value (builder, person);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, fidget_package_direction_to_string (info->direction));
  json_builder_set_member_name (builder, "author");
  if (info->author != NULL)
    json_builder_add_string_value (builder, info->author);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "created_us");
  json_builder_add_int_value (builder, info->created_us);
  json_builder_set_member_name (builder, "created_with");
  json_builder_add_string_value (builder, "Fidget " FIDGET_VERSION);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "videos");
  json_builder_add_int_value (builder, info->n_videos);
  json_builder_set_member_name (builder, "video_files");
  json_builder_add_int_value (builder, info->n_video_files);
  json_builder_set_member_name (builder, "segments");
  json_builder_add_int_value (builder, info->n_segments);
  json_builder_set_member_name (builder, "decisions");
  json_builder_add_int_value (builder, info->n_decisions);
  json_builder_set_member_name (builder, "tombstones");
  json_builder_add_int_value (builder, info->n_tombstones);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, RECORDS_NAME);
  json_builder_add_string_value (builder, records_hex);
  for (guint i = 0; i < files->len; i++)
    {
      VideoFile *entry = g_ptr_array_index (files, i);

      /* Two videos cannot share content (the store refuses it), so names never repeat. */
      json_builder_set_member_name (builder, entry->entry);
      json_builder_add_string_value (builder, entry->hex);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  manifest = json_builder_get_root (builder);
  json_generator_set_root (generator, manifest);
  json_generator_set_pretty (generator, TRUE);
  manifest_text = json_generator_to_data (generator, NULL);

  if (!fidget_archive_writer_open (&writer, output, FIDGET_ARCHIVE_TAR_ZSTD,
                                   FIDGET_ARCHIVE_OF_WORK_PACKAGE, error))
    return NULL;
  if (!writer_memory (&writer, MANIFEST_NAME, manifest_text, strlen (manifest_text), error) ||
      !writer_memory (&writer, RECORDS_NAME, records, records_length, error))
    {
      fidget_archive_writer_discard (&writer);
      return NULL;
    }
  report_progress (progress, progress_data, 0.05);
  buffer = g_malloc (CHUNK);
  for (guint i = 0; i < files->len; i++)
    {
      VideoFile *entry = g_ptr_array_index (files, i);

      if (!writer_video (&writer, entry->entry, entry->file, entry->size, entry->hex, buffer,
                         cancellable, &done, total, progress, progress_data, error))
        {
          fidget_archive_writer_discard (&writer);
          return NULL;
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !fidget_archive_writer_finish (&writer, error))
    {
      fidget_archive_writer_discard (&writer);
      return NULL;
    }
  if (g_stat (output, &st) == 0)
    info->size_bytes = st.st_size;
  report_progress (progress, progress_data, 1);
  return g_steal_pointer (&info);
}

/* }}} */
/* {{{ Reading */

typedef struct
{
  FidgetWorkPackageInfo *info;
  GHashTable            *entries;    /* name -> expected SHA-256 hex */
  char                  *records;    /* the text of records.json */
  JsonParser            *parser;     /* records.json, parsed */
  GHashTable            *extracted;  /* content hash -> temporary file */
  GHashTable            *carried;    /* content hash -> entry name */
  char                  *made_dir;   /* the videos folder, when this read made it */
} Package;

static void
package_clear (Package *pkg)
{
  GHashTableIter iter;
  gpointer value;

  g_clear_pointer (&pkg->info, fidget_work_package_info_free);
  g_clear_pointer (&pkg->entries, g_hash_table_unref);
  g_clear_pointer (&pkg->records, g_free);
  g_clear_object (&pkg->parser);
  if (pkg->extracted != NULL)
    {
      /* Whatever was not moved into place is removed. */
      g_hash_table_iter_init (&iter, pkg->extracted);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_unlink (value);
      g_clear_pointer (&pkg->extracted, g_hash_table_unref);
    }
  g_clear_pointer (&pkg->carried, g_hash_table_unref);
  /* A folder made for videos that never came stays only if something is in it. */
  if (pkg->made_dir != NULL)
    g_rmdir (pkg->made_dir);
  g_clear_pointer (&pkg->made_dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Package, package_clear)

/* What the reader needs to know of the project it reads for. */
typedef struct
{
  FidgetProject *project;      /* NULL: check the package alone */
  const char    *extract_dir;  /* NULL: copy no video */
} ReadFor;

static gboolean
refuse (GError     **error,
        int          code,
        const char  *path,
        const char  *format,
        ...) G_GNUC_PRINTF (4, 5);

static gboolean
refuse (GError     **error,
        int          code,
        const char  *path,
        const char  *format,
        ...)
{
  g_autofree char *base = g_filename_display_basename (path);
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FIDGET_ERROR, code, _("The work package %s was refused: %s"), base, why);
  return FALSE;
}

static const char *
entry_kind (struct archive_entry *entry)
{
  if (archive_entry_hardlink (entry) != NULL)
    return _("a hard link");
  switch (archive_entry_filetype (entry))
    {
    case AE_IFLNK: return _("a symbolic link");
    case AE_IFCHR: return _("a character device");
    case AE_IFBLK: return _("a block device");
    case AE_IFIFO: return _("a named pipe");
    case AE_IFSOCK: return _("a socket");
    case AE_IFDIR: return _("a folder");
    default: return _("a special file");
    }
}

static gboolean
name_is_safe (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || *name == '\0' || *name == '/' || strchr (name, '\\') != NULL ||
      !g_utf8_validate (name, -1, NULL))
    return FALSE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0 || strcmp (parts[i], ".") == 0 || parts[i][0] == '\0')
      return FALSE;
  return TRUE;
}

static gboolean
parse_manifest (Package     *pkg,
                const char  *path,
                const char  *text,
                gsize        length,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  FidgetWorkPackageInfo *info;
  JsonObject *root, *project, *entries;
  JsonNode *node;
  const char *format, *direction;
  gint64 version = 0, created = 0;
  GList *names;

  if (!json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("its manifest is not JSON"));
  root = json_node_get_object (json_parser_get_root (parser));
  format = member_string (root, "format");
  if (g_strcmp0 (format, FORMAT_NAME) != 0)
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("it is not a Fidget work package"));
  if (!member_int (root, "version", &version))
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("its manifest has no format version"));
  if (version != FIDGET_WORK_PACKAGE_VERSION)
    return refuse (error, FIDGET_ERROR_TOO_NEW, path,
                   _("it has format version %" G_GINT64_FORMAT ", and this Fidget reads "
                     "version %d only (update Fidget to read it)"),
                   version, FIDGET_WORK_PACKAGE_VERSION);

  node = json_object_get_member (root, "project");
  project = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  node = json_object_get_member (root, "entries");
  entries = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  direction = member_string (root, "direction");

  pkg->info = info = g_new0 (FidgetWorkPackageInfo, 1);
  info->version = (int) version;
  if (project == NULL || entries == NULL ||
      !g_uuid_string_is_valid (member_string (root, "package") ?: "") ||
      !g_uuid_string_is_valid (member_string (project, "uuid") ?: "") ||
      member_string (root, "person") == NULL ||
      !fidget_package_direction_from_string (direction, &info->direction) ||
      !member_int (root, "created_us", &created))
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("its manifest is incomplete"));
  info->package_uuid = g_strdup (member_string (root, "package"));
  info->project_uuid = g_strdup (member_string (project, "uuid"));
  info->project_name = g_strdup (member_string (project, "name"));
  info->person = g_strdup (member_string (root, "person"));
  info->author = g_strdup (member_string (root, "author"));
  info->created_us = created;

  pkg->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  names = json_object_get_members (entries);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      const char *sum = member_string (entries, name);

      if (!(strcmp (name, RECORDS_NAME) == 0 || is_video_entry (name)) || !is_hex64 (sum) ||
          (is_video_entry (name) && strncmp (name + 7, sum, 64) != 0))
        {
          g_list_free (names);
          return refuse (error, FIDGET_ERROR_CORRUPT, path,
                         _("its manifest lists “%s”, which is not an entry of a work package"),
                         name);
        }
      g_hash_table_insert (pkg->entries, g_strdup (name), g_strdup (sum));
    }
  g_list_free (names);
  if (!g_hash_table_contains (pkg->entries, RECORDS_NAME))
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("its manifest lists no records"));
  return TRUE;
}

/* The package's project and person must be this project's, and it must go the right way:
 * a return into the coordinator's project, an assignment into its person's copy. Anything
 * else would, for one, put a checker's decisions into another checker's copy. */
static gboolean
check_for_project (Package        *pkg,
                   const char     *path,
                   const ReadFor  *read_for,
                   GError        **error)
{
  g_autoptr(FidgetAnnotator) annotator = NULL;
  g_autofree char *name = NULL;
  g_autofree char *local_person = NULL;

  if (read_for->project == NULL)
    return TRUE;
  name = project_name (read_for->project);
  if (strcmp (pkg->info->project_uuid, fidget_project_get_uuid (read_for->project)) != 0)
    return refuse (error, FIDGET_ERROR_INVALID, path,
                   _("it belongs to another project (“%s”, %s), not to “%s” (%s)"),
                   pkg->info->project_name != NULL ? pkg->info->project_name : "?",
                   pkg->info->project_uuid,
                   name, fidget_project_get_uuid (read_for->project));
  annotator = fidget_project_lookup_annotator (read_for->project, pkg->info->person, NULL);
  if (annotator == NULL)
    return refuse (error, FIDGET_ERROR_NOT_FOUND, path,
                   _("it is for %s, who is not an annotator of “%s”"), pkg->info->person, name);

  local_person = fidget_project_merge_get_person (read_for->project);
  if (pkg->info->direction == FIDGET_PACKAGE_RETURN && local_person != NULL)
    return refuse (error, FIDGET_ERROR_NOT_ALLOWED, path,
                   _("it is %s’s work going back to the coordinator, and “%s” is %s’s copy of "
                     "the project, not the coordinator’s"),
                   pkg->info->person, name, local_person);
  if (pkg->info->direction == FIDGET_PACKAGE_ASSIGNMENT && local_person == NULL)
    return refuse (error, FIDGET_ERROR_NOT_ALLOWED, path,
                   _("it is an assignment for %s: import it into their copy of the project, or "
                     "start one from it, not into the coordinator’s “%s”"),
                   pkg->info->person, name);
  if (pkg->info->direction == FIDGET_PACKAGE_ASSIGNMENT &&
      g_ascii_strcasecmp (local_person, pkg->info->person) != 0)
    return refuse (error, FIDGET_ERROR_NOT_ALLOWED, path,
                   _("it is an assignment for %s, and “%s” is %s’s copy of the project"),
                   pkg->info->person, name, local_person);
  return TRUE;
}

/* The records' shape, and that every carried video is the entry its hash says. */
static gboolean
parse_records (Package     *pkg,
               const char  *path,
               GError     **error)
{
  static const char *const arrays[] = { "annotators", "participants", "actions", "videos",
                                        "reviews", "segments", "decisions", "tombstones" };
  JsonObject *root;
  JsonArray *videos;

  pkg->parser = json_parser_new ();
  if (!json_parser_load_from_data (pkg->parser, pkg->records, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (pkg->parser)))
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("its records are not JSON"));
  root = json_node_get_object (json_parser_get_root (pkg->parser));
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    if (member_array (root, arrays[i]) == NULL)
      return refuse (error, FIDGET_ERROR_CORRUPT, path, _("its records lack the list of %s"),
                     arrays[i]);

  pkg->carried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  videos = member_array (root, "videos");
  pkg->info->n_videos = json_array_get_length (videos);
  for (guint i = 0; i < json_array_get_length (videos); i++)
    {
      JsonNode *element = json_array_get_element (videos, i);
      JsonObject *video = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *hash = member_string (video, "content_hash");
      const char *file = member_string (video, "file");
      const char *file_name = member_string (video, "file_name");

      if (hash == NULL || !g_str_has_prefix (hash, "sha256:") || !is_hex64 (hash + 7) ||
          file_name == NULL || strchr (file_name, '/') != NULL || !name_is_safe (file_name))
        return refuse (error, FIDGET_ERROR_CORRUPT, path,
                       _("its video %u has no valid content hash or file name"), i + 1);
      if (file == NULL)
        continue;
      if (g_strcmp0 (g_hash_table_lookup (pkg->entries, file), hash + 7) != 0)
        return refuse (error, FIDGET_ERROR_CORRUPT, path,
                       _("its video %s is said to be in %s, which the manifest does not list "
                         "with that content"), file_name, file);
      g_hash_table_insert (pkg->carried, g_strdup (hash), g_strdup (file));
      pkg->info->n_video_files++;
    }
  pkg->info->n_segments = json_array_get_length (member_array (root, "segments"));
  pkg->info->n_decisions = json_array_get_length (member_array (root, "decisions"));
  pkg->info->n_tombstones = json_array_get_length (member_array (root, "tombstones"));
  return TRUE;
}

/* Does the project need this video's file: not known, or known without its file? */
static gboolean
want_video (const ReadFor *read_for,
            const char    *hash)
{
  g_autoptr(FidgetVideo) video = NULL;
  g_autofree char *file = NULL;

  if (read_for->extract_dir == NULL)
    return FALSE;
  if (read_for->project == NULL)
    return TRUE;
  video = fidget_project_lookup_video_by_hash (read_for->project, hash);
  if (video == NULL)
    return TRUE;
  file = fidget_project_resolve_video_path (read_for->project, video);
  return !g_file_test (file, G_FILE_TEST_IS_REGULAR);
}

static gboolean
read_package (const char          *path,
              const ReadFor       *read_for,
              GCancellable        *cancellable,
              FidgetProgressFunc   progress,
              gpointer             progress_data,
              double               progress_scale,
              Package             *pkg,
              GError             **error)
{
  struct archive *archive;
  struct archive_entry *entry;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guchar *buffer = g_malloc (CHUNK);
  GStatBuf st;
  gboolean first = TRUE;
  int r;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot read the work package %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot read the work package %s: it is not a file"), path);
      return FALSE;
    }

  archive = archive_read_new ();
  archive_read_support_filter_all (archive);
  archive_read_support_format_tar (archive);
  if (archive_read_open_filename (archive, path, CHUNK) != ARCHIVE_OK)
    {
      refuse (error, FIDGET_ERROR_CORRUPT, path,
              _("it is damaged or cut short, or not an archive at all (%s)"),
              archive_error_string (archive));
      goto fail;
    }

  while ((r = archive_read_next_header (archive, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      const char *name = archive_entry_pathname (entry);
      const char *expected;
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autoptr(GByteArray) memory = NULL;
      g_autofree char *tmp_path = NULL;
      gboolean is_manifest, is_records;
      gint64 limit = 0;
      la_ssize_t got;
      int fd = -1;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if (!name_is_safe (name))
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("it holds the entry “%s”, which would be written outside the folder it is "
                    "read into (an absolute name or ..)"), name != NULL ? name : "");
          goto fail;
        }
      if (archive_entry_hardlink (entry) != NULL || archive_entry_symlink (entry) != NULL ||
          archive_entry_filetype (entry) != AE_IFREG)
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("it holds the entry “%s”, %s: a work package holds only plain files"),
                  name, entry_kind (entry));
          goto fail;
        }
      if (g_hash_table_contains (seen, name) || (!first && strcmp (name, MANIFEST_NAME) == 0))
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path, _("it holds “%s” twice"), name);
          goto fail;
        }
      is_manifest = first;
      if (first && strcmp (name, MANIFEST_NAME) != 0)
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("it does not start with its manifest, so it is not a Fidget work package"));
          goto fail;
        }
      first = FALSE;
      expected = is_manifest ? NULL : g_hash_table_lookup (pkg->entries, name);
      if (!is_manifest && expected == NULL)
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("it holds “%s”, which its manifest does not list"), name);
          goto fail;
        }
      g_hash_table_add (seen, (gpointer) g_intern_string (name));

      is_records = !is_manifest && strcmp (name, RECORDS_NAME) == 0;
      if (is_manifest || is_records)
        {
          memory = g_byte_array_new ();
          limit = is_manifest ? MAX_MANIFEST : MAX_RECORDS;
        }
      else if (pkg->parser == NULL)
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("its video “%s” comes before its records"), name);
          goto fail;
        }
      else
        {
          g_autofree char *hash = g_strconcat ("sha256:", expected, NULL);

          if (g_hash_table_contains (pkg->extracted, hash) || !want_video (read_for, hash))
            ;
          else
            {
              g_autofree char *template = g_strdup_printf (".%s.partial-XXXXXX", expected);

              if (pkg->made_dir == NULL && !g_file_test (read_for->extract_dir, G_FILE_TEST_IS_DIR))
                {
                  if (g_mkdir (read_for->extract_dir, 0755) != 0)
                    {
                      int saved = errno;
                      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                                   _("Cannot make the videos folder %s: %s"),
                                   read_for->extract_dir, g_strerror (saved));
                      goto fail;
                    }
                  pkg->made_dir = g_strdup (read_for->extract_dir);
                }
              tmp_path = g_build_filename (read_for->extract_dir, template, NULL);
              fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
              if (fd < 0)
                {
                  int saved = errno;
                  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                               _("Cannot copy the videos of the work package into %s: %s"),
                               read_for->extract_dir, g_strerror (saved));
                  g_clear_pointer (&tmp_path, g_free);
                  goto fail;
                }
              g_hash_table_insert (pkg->extracted, g_steal_pointer (&hash), g_strdup (tmp_path));
            }
        }

      while ((got = archive_read_data (archive, buffer, CHUNK)) > 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              if (fd >= 0)
                close (fd);
              goto fail;
            }
          g_checksum_update (checksum, buffer, got);
          if (memory != NULL)
            {
              if ((gint64) memory->len + got > limit)
                {
                  refuse (error, FIDGET_ERROR_CORRUPT, path, _("its %s is far too large"), name);
                  goto fail;
                }
              g_byte_array_append (memory, buffer, (guint) got);
            }
          if (fd >= 0)
            {
              const guchar *p = buffer;
              la_ssize_t left = got;

              while (left > 0)
                {
                  gssize n = write (fd, p, (gsize) left);

                  if (n < 0 && errno == EINTR)
                    continue;
                  if (n <= 0)
                    {
                      int saved = errno;
                      close (fd);
                      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                                   _("Cannot copy the video %s into %s: %s"), name,
                                   read_for->extract_dir, g_strerror (saved));
                      goto fail;
                    }
                  p += n;
                  left -= n;
                }
            }
          report_progress (progress, progress_data,
                           progress_scale * (double) archive_filter_bytes (archive, -1)
                           / MAX (st.st_size, 1));
        }
      if (fd >= 0 && (fsync (fd) != 0 || close (fd) != 0))
        {
          int saved = errno;
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                       _("Cannot copy the video %s into %s: %s"), name, read_for->extract_dir,
                       g_strerror (saved));
          goto fail;
        }
      if (got < 0)
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("it is damaged or cut short: its entry “%s” cannot be read (%s)"), name,
                  archive_error_string (archive));
          goto fail;
        }
      if (expected != NULL && strcmp (g_checksum_get_string (checksum), expected) != 0)
        {
          refuse (error, FIDGET_ERROR_CORRUPT, path,
                  _("its entry “%s” has been changed since it was packed (its SHA-256 differs "
                    "from the manifest's)"), name);
          goto fail;
        }
      if (is_manifest)
        {
          if (!parse_manifest (pkg, path, (const char *) memory->data, memory->len, error) ||
              !check_for_project (pkg, path, read_for, error))
            goto fail;
          pkg->extracted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        }
      else if (is_records)
        {
          g_byte_array_append (memory, (const guint8 *) "", 1);
          pkg->records = (char *) g_byte_array_free (g_steal_pointer (&memory), FALSE);
          if (!parse_records (pkg, path, error))
            goto fail;
        }
    }
  if (r != ARCHIVE_EOF)
    {
      refuse (error, FIDGET_ERROR_CORRUPT, path, _("it is damaged or cut short (%s)"),
              archive_error_string (archive));
      goto fail;
    }
  archive_read_free (archive);
  archive = NULL;

  if (first)
    return refuse (error, FIDGET_ERROR_CORRUPT, path, _("it is empty"));
  {
    GHashTableIter iter;
    gpointer name;

    g_hash_table_iter_init (&iter, pkg->entries);
    while (g_hash_table_iter_next (&iter, &name, NULL))
      if (!g_hash_table_contains (seen, g_intern_string (name)))
        return refuse (error, FIDGET_ERROR_CORRUPT, path,
                       _("it lacks “%s”, which its manifest lists"), (const char *) name);
  }
  pkg->info->size_bytes = st.st_size;
  return TRUE;

fail:
  if (archive != NULL)
    archive_read_free (archive);
  return FALSE;
}

FidgetWorkPackageInfo *
fidget_work_package_read_info (const char    *path,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_auto(Package) pkg = { 0 };
  ReadFor read_for = { NULL, NULL };

  g_return_val_if_fail (path != NULL, NULL);

  if (!read_package (path, &read_for, cancellable, NULL, NULL, 1.0, &pkg, error))
    return NULL;
  return g_steal_pointer (&pkg.info);
}

/* }}} */
/* {{{ Importing */

typedef struct
{
  gint64  video_id;
  char   *path;
} Relink;

static void
relink_free (gpointer data)
{
  g_free (((Relink *) data)->path);
  g_free (data);
}

/* Where each video new to the project will be: in the videos folder under its file name
 * (or, when another file has that name, under its hash and name). Carried files that were
 * copied are moved there; @placed gets the final paths of the moved ones, @relinks the
 * known videos whose missing file came with the package. */
static GHashTable *
plan_video_paths (FidgetProject  *project,
                  Package        *pkg,
                  const char     *videos_dir,
                  gboolean        dry_run,
                  GPtrArray      *placed,
                  GPtrArray      *relinks,
                  guint          *n_copied,
                  GError        **error)
{
  g_autoptr(GHashTable) paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObject *root = json_node_get_object (json_parser_get_root (pkg->parser));
  JsonArray *videos = member_array (root, "videos");

  for (guint i = 0; i < json_array_get_length (videos); i++)
    {
      JsonObject *video = json_array_get_object_element (videos, i);
      const char *hash = member_string (video, "content_hash");
      const char *uuid = member_string (video, "uuid");
      const char *file_name = member_string (video, "file_name");
      const char *tmp = g_hash_table_lookup (pkg->extracted, hash);
      g_autoptr(FidgetVideo) known = fidget_project_lookup_video_by_hash (project, hash);
      g_autofree char *target = g_build_filename (videos_dir, file_name, NULL);

      if (uuid == NULL)
        continue;   /* the store refuses it with a clear message */
      if (tmp == NULL && dry_run && known == NULL && g_hash_table_contains (pkg->carried, hash))
        (*n_copied)++;
      if (g_file_test (target, G_FILE_TEST_EXISTS) && tmp != NULL)
        {
          g_autofree char *prefixed = g_strdup_printf ("%.12s-%s", hash + 7, file_name);

          g_free (target);
          target = g_build_filename (videos_dir, prefixed, NULL);
        }
      if (tmp != NULL && !dry_run)
        {
          if (g_rename (tmp, target) != 0)
            {
              int saved = errno;
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                           _("Cannot put the video %s into %s: %s"), file_name, videos_dir,
                           g_strerror (saved));
              return NULL;
            }
          g_hash_table_remove (pkg->extracted, hash);
          g_ptr_array_add (placed, g_strdup (target));
          (*n_copied)++;
          /* A known video whose file was missing now has it. */
          if (known != NULL)
            {
              Relink *relink = g_new0 (Relink, 1);

              relink->video_id = known->id;
              relink->path = g_strdup (target);
              g_ptr_array_add (relinks, relink);
            }
        }
      g_hash_table_insert (paths, g_strdup (uuid), path_for_storage (project, target));
    }
  return g_steal_pointer (&paths);
}

static gboolean
is_named (const char *a,
          const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

/* The review steps a return carries, replayed as its person (see the header). */
static gboolean
replay_steps (FidgetProject  *project,
              Package        *pkg,
              gboolean        dry_run,
              GPtrArray      *steps,
              GError        **error)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (pkg->parser));
  JsonArray *reviews = member_array (root, "reviews");
  JsonArray *videos = member_array (root, "videos");
  const char *person = pkg->info->person;
  g_autofree char *saved_actor = NULL;
  gboolean ok = TRUE;

  if (pkg->info->direction != FIDGET_PACKAGE_RETURN)
    return TRUE;
  saved_actor = g_strdup (fidget_project_get_actor (project));
  fidget_project_set_actor (project, person);

  for (guint i = 0; ok && i < json_array_get_length (reviews); i++)
    {
      JsonObject *review = json_array_get_object_element (reviews, i);
      JsonArray *checkers = member_array (review, "checkers");
      const char *video_uuid = member_string (review, "video");
      const char *state = member_string (review, "state");
      g_autoptr(FidgetReviewStatus) status = NULL;
      g_autoptr(FidgetVideo) video = NULL;
      g_autofree char *label = NULL;
      gboolean self_check = FALSE, cross_check = FALSE;
      gint64 round = 0;

      for (guint k = 0; video == NULL && k < json_array_get_length (videos); k++)
        {
          JsonObject *v = json_array_get_object_element (videos, k);

          if (g_strcmp0 (member_string (v, "uuid"), video_uuid) == 0)
            video = fidget_project_lookup_video_by_hash (project,
                                                         member_string (v, "content_hash"));
        }
      if (video == NULL || !(status = fidget_review_get_status (project, video->id, NULL)) ||
          !member_int (review, "round", &round) || round != status->round)
        continue;

      if (is_named (member_string (review, "primary"), person) &&
          g_strcmp0 (state, "annotating") != 0 && status->state == FIDGET_REVIEW_ANNOTATING)
        self_check = TRUE;
      for (guint k = 0; checkers != NULL && k < json_array_get_length (checkers); k++)
        {
          JsonObject *checker = json_array_get_object_element (checkers, k);
          gint64 submitted = 0;

          if (!is_named (member_string (checker, "name"), person) ||
              !member_int (checker, "submitted_us", &submitted))
            continue;
          for (guint c = 0; c < status->checkers->len; c++)
            {
              FidgetReviewChecker *here = g_ptr_array_index (status->checkers, c);

              if (is_named (here->name, person) && !here->submitted)
                cross_check = TRUE;
            }
        }
      if (!self_check && !cross_check)
        continue;

      label = g_strdup_printf (self_check ? _("%s's self-check of video %" G_GINT64_FORMAT
                                              " (%s) is submitted")
                                          : _("%s's cross-check of video %" G_GINT64_FORMAT
                                              " (%s) is submitted"),
                               person, video->id, video->path);
      if (!dry_run)
        {
          g_autoptr(GError) step_error = NULL;

          ok = self_check ? fidget_review_submit_self_check (project, video->id, &step_error)
                          : fidget_review_submit_cross_check (project, video->id, &step_error);
          if (!ok)
            g_set_error (error, FIDGET_ERROR, step_error->code,
                         _("The work package's rows were imported, but %s's submission of "
                           "video %" G_GINT64_FORMAT " was not: %s"),
                         person, video->id, step_error->message);
        }
      if (ok)
        g_ptr_array_add (steps, g_steal_pointer (&label));
    }
  fidget_project_set_actor (project, saved_actor);
  return ok;
}

static char *
default_videos_dir (FidgetProject *project)
{
  g_autofree char *dir = project_folder (project);

  return g_build_filename (dir, "videos", NULL);
}

static FidgetWorkPackageResult *
import_package (FidgetProject       *project,
                const char          *path,
                const char          *videos_dir,
                gboolean             creating,
                gboolean             dry_run,
                GCancellable        *cancellable,
                FidgetProgressFunc   progress,
                gpointer             progress_data,
                GError             **error)
{
  g_autoptr(FidgetWorkPackageResult) result = g_new0 (FidgetWorkPackageResult, 1);
  g_auto(Package) pkg = { 0 };
  g_autoptr(GHashTable) paths = NULL;
  g_autoptr(GPtrArray) placed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) relinks = g_ptr_array_new_with_free_func (relink_free);
  g_autofree char *default_dir = NULL;
  g_autofree char *base = g_path_get_basename (path);
  FidgetMergeOptions options = { 0 };
  ReadFor read_for = { creating ? NULL : project, NULL };

  if (videos_dir == NULL)
    videos_dir = default_dir = default_videos_dir (project);
  /* The folder is made only when a video is copied into it. */
  if (!dry_run)
    read_for.extract_dir = videos_dir;

  if (!read_package (path, &read_for, cancellable, progress, progress_data, 0.9, &pkg, error))
    return NULL;
  result->steps = g_ptr_array_new_with_free_func (g_free);
  if (!(paths = plan_video_paths (project, &pkg, videos_dir, dry_run, placed, relinks,
                                  &result->n_videos_copied, error)))
    goto failed;

  options.person = pkg.info->person;
  options.direction = pkg.info->direction;
  options.package_uuid = pkg.info->package_uuid;
  options.package_name = base;
  options.video_paths = paths;
  options.dry_run = dry_run;
  if (!(result->report = fidget_project_merge_import (project, pkg.records, &options, error)))
    goto failed;
  /* Point known videos at the files that came with the package (each is hashed again). */
  for (guint i = 0; i < relinks->len; i++)
    {
      Relink *relink = g_ptr_array_index (relinks, i);
      g_autoptr(FidgetVideo) relinked = fidget_project_relink_video (project, relink->video_id,
                                                                     relink->path, cancellable,
                                                                     error);
      if (relinked == NULL)
        return NULL;
    }
  report_progress (progress, progress_data, 0.95);
  if (!replay_steps (project, &pkg, dry_run, result->steps, error))
    return NULL;
  report_progress (progress, progress_data, 1);
  result->info = g_steal_pointer (&pkg.info);
  return g_steal_pointer (&result);

failed:
  /* Videos moved into place for rows that never went in are taken out again. */
  for (guint i = 0; i < placed->len; i++)
    g_unlink (g_ptr_array_index (placed, i));
  return NULL;
}

FidgetWorkPackageResult *
fidget_work_package_import (FidgetProject       *project,
                            const char          *path,
                            const char          *videos_dir,
                            gboolean             dry_run,
                            GCancellable        *cancellable,
                            FidgetProgressFunc   progress,
                            gpointer             progress_data,
                            GError             **error)
{
  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return import_package (project, path, videos_dir, FALSE, dry_run, cancellable, progress,
                         progress_data, error);
}

static void
remove_project_files (const char *project_path)
{
  g_autofree char *wal = g_strconcat (project_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (project_path, "-shm", NULL);

  g_unlink (project_path);
  g_unlink (wal);
  g_unlink (shm);
}

FidgetProject *
fidget_work_package_create_project (const char                *project_path,
                                    const char                *path,
                                    const char                *videos_dir,
                                    GCancellable              *cancellable,
                                    FidgetProgressFunc         progress,
                                    gpointer                   progress_data,
                                    FidgetWorkPackageResult  **result,
                                    GError                   **error)
{
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetWorkPackageResult) imported = NULL;

  g_return_val_if_fail (project_path != NULL && path != NULL, NULL);

  if (g_file_test (project_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   _("“%s” already exists; import the work package into it instead, or choose "
                     "another name for a new project"),
                   project_path);
      return NULL;
    }
  /* The whole package is checked before the project file exists. */
  if (!(info = fidget_work_package_read_info (path, cancellable, error)))
    return NULL;
  if (info->direction != FIDGET_PACKAGE_ASSIGNMENT)
    {
      g_autofree char *base = g_filename_display_basename (path);
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The work package %s is %s's work going back to the coordinator: import "
                     "it into the coordinator's project instead of starting one from it"),
                   base, info->person);
      return NULL;
    }

  if (!(project = fidget_project_create (project_path, error)))
    return NULL;
  if (!fidget_project_merge_adopt (project, info->project_uuid, info->person, error))
    goto failed;
  /* Reopened, so that the object knows the identity it now has. */
  g_clear_object (&project);
  if (!(project = fidget_project_open (project_path, error)))
    goto failed;
  if (!(imported = import_package (project, path, videos_dir, TRUE, FALSE, cancellable, progress,
                                   progress_data, error)))
    goto failed;
  if (result != NULL)
    *result = g_steal_pointer (&imported);
  return g_steal_pointer (&project);

failed:
  g_clear_object (&project);
  remove_project_files (project_path);
  return NULL;
}

/* }}} */
/* {{{ Async */

typedef struct
{
  char              *project_path;
  char              *actor;
  char              *person;
  char              *path;
  char              *videos_dir;
  gboolean           flag;          /* with videos, or dry run */
  FidgetProgressFunc progress;
  gpointer           progress_data;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->project_path);
  g_free (job->actor);
  g_free (job->person);
  g_free (job->path);
  g_free (job->videos_dir);
  g_free (job);
}

static Job *
job_new (FidgetProject      *project,
         FidgetProgressFunc  progress,
         gpointer            progress_data)
{
  Job *job = g_new0 (Job, 1);

  job->project_path = g_strdup (fidget_project_get_path (project));
  job->actor = g_strdup (fidget_project_get_actor (project));
  job->progress = progress;
  job->progress_data = progress_data;
  return job;
}


/* A connection of the worker's own to the job's project (the caller's stays on its thread),
 * acting as the caller; NULL when it cannot be opened, the task then returned with why. */
static FidgetProject *
job_open_project (Job   *job,
                  GTask *task)
{
  GError *error = NULL;
  FidgetProject *project = fidget_project_open (job->project_path, &error);

  if (project == NULL)
    {
      g_task_return_error (task, error);
      return NULL;
    }
  fidget_project_set_actor (project, job->actor);
  return project;
}

/* Returns @value (freed with @free_func if nobody takes it), or @error when @value is NULL. */
static void
job_return (GTask          *task,
            gpointer        value,
            GDestroyNotify  free_func,
            GError         *error)
{
  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, free_func);
}

/* Runs @job in a worker thread for the _async() functions below. The outcome is what
 * happened: a job finished just as Cancel came is reported as done. */
static void
job_run (Job                 *job,
         gpointer             source_object,
         gpointer             source_tag,
         GTaskThreadFunc      thread_func,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, thread_func);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(FidgetProject) project = job_open_project (job, task);
  FidgetWorkPackageInfo *info;
  GError *error = NULL;

  if (project == NULL)
    return;
  info = fidget_work_package_export (project, job->person, job->path, job->flag, cancellable,
                                     job->progress, job->progress_data, &error);
  job_return (task, info, (GDestroyNotify) fidget_work_package_info_free, error);
}

void
fidget_work_package_export_async (FidgetProject       *project,
                                  const char          *person,
                                  const char          *output,
                                  gboolean             with_videos,
                                  GCancellable        *cancellable,
                                  FidgetProgressFunc   progress,
                                  gpointer             progress_data,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Job *job;

  g_return_if_fail (FIDGET_IS_PROJECT (project));
  g_return_if_fail (person != NULL && output != NULL);

  job = job_new (project, progress, progress_data);
  job->person = g_strdup (person);
  job->path = g_strdup (output);
  job->flag = with_videos;
  job_run (job, project, fidget_work_package_export_async, export_thread, cancellable, callback,
           user_data);
}

FidgetWorkPackageInfo *
fidget_work_package_export_finish (FidgetProject  *project,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(FidgetProject) project = job_open_project (job, task);
  FidgetWorkPackageResult *result;
  GError *error = NULL;

  if (project == NULL)
    return;
  result = fidget_work_package_import (project, job->path, job->videos_dir, job->flag,
                                       cancellable, job->progress, job->progress_data, &error);
  job_return (task, result, (GDestroyNotify) fidget_work_package_result_free, error);
}

void
fidget_work_package_import_async (FidgetProject       *project,
                                  const char          *path,
                                  const char          *videos_dir,
                                  gboolean             dry_run,
                                  GCancellable        *cancellable,
                                  FidgetProgressFunc   progress,
                                  gpointer             progress_data,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Job *job;

  g_return_if_fail (FIDGET_IS_PROJECT (project));
  g_return_if_fail (path != NULL);

  job = job_new (project, progress, progress_data);
  job->path = g_strdup (path);
  job->videos_dir = g_strdup (videos_dir);
  job->flag = dry_run;
  job_run (job, project, fidget_work_package_import_async, import_thread, cancellable, callback,
           user_data);
}

FidgetWorkPackageResult *
fidget_work_package_import_finish (FidgetProject  *project,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  FidgetWorkPackageResult *imported;

  g_return_val_if_fail (g_task_is_valid (result, project), NULL);

  imported = g_task_propagate_pointer (G_TASK (result), error);
  /* The rows went in through another connection: this one learns of them here. */
  if (imported != NULL && imported->report != NULL && imported->report->n_changes > 0 &&
      !((Job *) g_task_get_task_data (G_TASK (result)))->flag)
    fidget_project_merge_refresh (project);
  return imported;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(FidgetProject) project = NULL;
  FidgetWorkPackageResult *result = NULL;
  GError *error = NULL;

  project = fidget_work_package_create_project (job->project_path, job->path, job->videos_dir,
                                                cancellable, job->progress, job->progress_data,
                                                &result, &error);
  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) fidget_work_package_result_free);
}

void
fidget_work_package_create_project_async (const char          *project_path,
                                          const char          *path,
                                          const char          *videos_dir,
                                          GCancellable        *cancellable,
                                          FidgetProgressFunc   progress,
                                          gpointer             progress_data,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  Job *job;

  g_return_if_fail (project_path != NULL && path != NULL);

  job = g_new0 (Job, 1);
  job->project_path = g_strdup (project_path);
  job->path = g_strdup (path);
  job->videos_dir = g_strdup (videos_dir);
  job->progress = progress;
  job->progress_data = progress_data;
  job_run (job, NULL, fidget_work_package_create_project_async, create_thread, cancellable,
           callback, user_data);
}

FidgetProject *
fidget_work_package_create_project_finish (GAsyncResult             *result,
                                           FidgetWorkPackageResult **imported,
                                           GError                  **error)
{
  g_autoptr(FidgetWorkPackageResult) outcome = NULL;
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!(outcome = g_task_propagate_pointer (G_TASK (result), error)))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (imported != NULL)
    *imported = g_steal_pointer (&outcome);
  return fidget_project_open (job->project_path, error);
}

/* }}} */
