/* test-dataset-archive.c: packages as tar.zst / tar.gz / zip archives, and their checking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "fidget-dataset.h"
#include "fidget-error.h"
#include "fidget-package-archive.h"
#include "fidget-test-util.h"
#include "fidget-video-import.h"

/* {{{ A small study */

typedef struct
{
  char          *dir;
  FidgetProject *project;
} Study;

static void
study_free (Study *study)
{
  g_clear_object (&study->project);
  g_free (study->dir);
  g_free (study);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Study, study_free)

static Study *
study_new (void)
{
  const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv" };
  const char *participants[] = { "P001", "P002", "P003" };
  const char *actions[] = { "B1", "B2", "C1", "F3" };
  g_autoptr(Study) study = g_new0 (Study, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FidgetAnnotator) annotator = NULL;

  if (fidget_test_samples_dir () == NULL)
    return NULL;
  study->dir = fidget_test_make_tmpdir ();
  path = g_build_filename (study->dir, "study.fidget", NULL);
  study->project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  annotator = fidget_project_add_annotator (study->project, "amara", &error);
  g_assert_no_error (error);

  for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
    {
      g_autofree char *sample = fidget_test_sample (samples[v]);
      FidgetImportOptions options = { participants[v], "female", "18-25" };
      g_autoptr(FidgetVideo) video = NULL;

      video = fidget_import_video (study->project, sample, &options, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(FidgetSegment) segment =
            fidget_project_add_segment (study->project, video->id, "amara", 3 + 25 * k,
                                        15 + 25 * k, actions[(v + k) % 4], &error);
          g_assert_no_error (error);
        }
    }
  return g_steal_pointer (&study);
}

static FidgetDataset *
collect (Study *study)
{
  g_autoptr(GError) error = NULL;
  FidgetDatasetOptions options;
  FidgetDataset *dataset;

  fidget_dataset_options_init (&options);
  options.split.seed = 4;
  dataset = fidget_dataset_collect (study->project, &options, &error);
  g_assert_no_error (error);
  return dataset;
}

/* }}} */
/* {{{ Reading and crafting archives with libarchive */

/* Every regular entry: name -> GBytes. */
static GHashTable *
read_entries (const char *path)
{
  GHashTable *entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_bytes_unref);
  struct archive *archive = archive_read_new ();
  struct archive_entry *entry;

  archive_read_support_filter_all (archive);
  archive_read_support_format_all (archive);
  g_assert_cmpint (archive_read_open_filename (archive, path, 1 << 16), ==, ARCHIVE_OK);
  while (archive_read_next_header (archive, &entry) == ARCHIVE_OK)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      guchar buffer[4096];
      la_ssize_t n;

      g_assert_cmpint (archive_entry_filetype (entry), ==, AE_IFREG);
      while ((n = archive_read_data (archive, buffer, sizeof buffer)) > 0)
        g_byte_array_append (data, buffer, (guint) n);
      g_assert_cmpint (n, ==, 0);
      g_hash_table_insert (entries, g_strdup (archive_entry_pathname (entry)),
                           g_byte_array_free_to_bytes (g_steal_pointer (&data)));
    }
  archive_read_free (archive);
  return entries;
}

typedef struct
{
  const char *name;
  mode_t      type;       /* AE_IFREG, AE_IFLNK, ... */
  GBytes     *data;       /* regular files */
  const char *link;       /* symbolic links */
  const char *hardlink;   /* a hard link to this name */
} Crafted;

static void
craft_archive (const char    *path,
               gboolean       zip,
               const Crafted *entries,
               guint          n_entries)
{
  struct archive *archive = archive_write_new ();

  if (zip)
    archive_write_set_format_zip (archive);
  else
    {
      archive_write_set_format_pax_restricted (archive);
      archive_write_add_filter_gzip (archive);
    }
  g_assert_cmpint (archive_write_open_filename (archive, path), ==, ARCHIVE_OK);
  for (guint i = 0; i < n_entries; i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      gsize size = entries[i].data != NULL ? g_bytes_get_size (entries[i].data) : 0;

      archive_entry_set_pathname (entry, entries[i].name);
      archive_entry_set_filetype (entry, entries[i].type);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, entries[i].type == AE_IFREG ? (la_int64_t) size : 0);
      if (entries[i].link != NULL)
        archive_entry_set_symlink (entry, entries[i].link);
      if (entries[i].hardlink != NULL)
        archive_entry_set_hardlink (entry, entries[i].hardlink);
      if (entries[i].type == AE_IFCHR)
        archive_entry_set_rdev (entry, makedev (1, 3));
      g_assert_cmpint (archive_write_header (archive, entry), ==, ARCHIVE_OK);
      if (entries[i].type == AE_IFREG && size > 0)
        g_assert_cmpint (archive_write_data (archive, g_bytes_get_data (entries[i].data, NULL),
                                             size), ==, (la_ssize_t) size);
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (archive), ==, ARCHIVE_OK);
  archive_write_free (archive);
}

/* Names in @dir that start with a dot: partial archives or work folders left behind. */
static guint
count_hidden (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    if (name[0] == '.')
      {
        g_test_message ("left behind: %s", name);
        n++;
      }
  return n;
}

/* }}} */
/* {{{ Round trips */

static void
test_round_trip (void)
{
  static const char *names[] = { "pkg.tar.zst", "pkg.tar.gz", "pkg.zip", "pkg.tgz" };
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *bad = NULL;

  if (study == NULL)
    return;
  dataset = collect (study);
  out_dir = g_build_filename (study->dir, "archives", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *archive = g_build_filename (out_dir, names[f], NULL);
      g_autofree char *folder = g_strdup_printf ("%s/folder-%u", study->dir, f);
      g_autofree char *manifest = NULL;
      g_autoptr(GHashTable) entries = NULL;
      g_auto(GStrv) lines = NULL;
      guint n_files = 0;

      /* With a folder: the archive holds exactly the folder's listed files, byte for byte. */
      g_assert_true (fidget_dataset_write_archive (dataset, archive, folder, NULL, NULL, NULL,
                                                   NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (fidget_package_verify_archive (archive, &n_files, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_files, ==, 10 + 3);

      entries = read_entries (archive);
      g_assert_cmpuint (g_hash_table_size (entries), ==, 10 + 3 + 1);
      {
        g_autofree char *path = g_build_filename (folder, "SHA256SUMS", NULL);
        g_assert_true (g_file_get_contents (path, &manifest, NULL, NULL));
      }
      lines = g_strsplit (manifest, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *name = *lines[i] != '\0' ? lines[i] + 66 : "SHA256SUMS";
          g_autofree char *path = g_build_filename (folder, name, NULL);
          g_autofree char *entry_name = g_strconcat ("pkg/", name, NULL);
          g_autofree char *contents = NULL;
          gsize length;
          GBytes *bytes = g_hash_table_lookup (entries, entry_name);

          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          g_assert_nonnull (bytes);
          g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           contents, length);
        }

      /* Without a folder: the same files, and the work folder is gone. */
      g_assert_true (fidget_dataset_write_archive (dataset, archive, NULL, NULL, NULL, NULL,
                                                   NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (fidget_package_verify_archive (archive, &n_files, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_files, ==, 10 + 3);
      g_assert_cmpuint (count_hidden (out_dir), ==, 0);
    }

  /* A name that says no known format: refused before anything is written. */
  bad = g_build_filename (out_dir, "pkg.rar", NULL);
  g_assert_false (fidget_dataset_write_archive (dataset, bad, NULL, NULL, NULL, NULL, NULL,
                                                NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, ".tar.zst"));
  g_clear_error (&error);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_hidden (out_dir), ==, 0);

  /* Cancelled: no archive, no work folder. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *cancelled = g_build_filename (out_dir, "cancelled.tar.gz", NULL);

    g_cancellable_cancel (cancellable);
    g_assert_false (fidget_dataset_write_archive (dataset, cancelled, NULL, NULL, cancellable,
                                                  NULL, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_false (g_file_test (cancelled, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (count_hidden (out_dir), ==, 0);
  }
}

static void
record_fraction (double   fraction,
                 gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, fraction);
}

/* Progress covers the whole job: with clips the cutting fills the first 90 %, the streaming
 * the rest; without, the streaming all of it; never backwards, ending at 1. */
static void
test_progress (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  FidgetClipParams params;
  FidgetClipReport report;

  if (study == NULL)
    return;
  dataset = collect (study);
  fidget_clip_params_init (&params);
  params.preset = "ultrafast";
  for (guint clips = 0; clips < 2; clips++)
    {
      g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *archive = g_strdup_printf ("%s/progress-%u.tar.gz", study->dir, clips);
      guint n_streaming = 0;

      g_assert_true (fidget_dataset_write_archive (dataset, archive, NULL,
                                                   clips ? &params : NULL, NULL,
                                                   record_fraction, fractions, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (fractions->len, >, 1);
      for (guint i = 0; i < fractions->len; i++)
        {
          double f = g_array_index (fractions, double, i);

          g_assert_cmpfloat (f, >=, 0.0);
          g_assert_cmpfloat (f, <=, 1.0);
          if (i > 0)
            g_assert_cmpfloat (f, >=, g_array_index (fractions, double, i - 1));
          n_streaming += f > 0.9;
        }
      g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
      /* With clips, some fractions come from the cutting, below the streaming's share. */
      if (clips)
        g_assert_cmpuint (n_streaming, <, fractions->len);
      g_assert_cmpuint (n_streaming, >=, 1);
    }
}

/* }}} */
/* {{{ Tampered and unsafe archives */

static void
assert_refused (const char *path,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (fidget_package_verify_archive (path, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message_part));
  g_assert_nonnull (strstr (error->message, path));
}

/* The entries of @entries in manifest order, as Crafted. */
static GArray *
package_entries (GHashTable *entries)
{
  GArray *crafted = g_array_new (FALSE, TRUE, sizeof (Crafted));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Crafted entry = { key, AE_IFREG, value, NULL, NULL };
      g_array_append_val (crafted, entry);
    }
  return crafted;
}

static void
test_tampered (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) entries = NULL;
  g_autoptr(GArray) crafted = NULL;
  g_autofree char *good = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (study == NULL)
    return;
  dataset = collect (study);
  good = g_build_filename (study->dir, "good.tar.gz", NULL);
  g_assert_true (fidget_dataset_write_archive (dataset, good, NULL, NULL, NULL, NULL, NULL, NULL,
                                               &error));
  g_assert_no_error (error);
  entries = read_entries (good);

  /* Rebuilt as it is, it passes: the crafting itself changes nothing that matters. */
  path = g_build_filename (study->dir, "crafted.tar.gz", NULL);
  crafted = package_entries (entries);
  craft_archive (path, FALSE, (Crafted *) crafted->data, crafted->len);
  g_assert_true (fidget_package_verify_archive (path, NULL, NULL, &error));
  g_assert_no_error (error);

  /* One byte of the CSV changed. */
  for (guint i = 0; i < crafted->len; i++)
    {
      Crafted *entry = &g_array_index (crafted, Crafted, i);

      if (strcmp (entry->name, "good/annotations.csv") == 0)
        {
          gsize size = g_bytes_get_size (entry->data);
          guchar *data = g_memdup2 (g_bytes_get_data (entry->data, NULL), size);

          data[size / 2] ^= 0x01;
          entry->data = g_bytes_new_take (data, size);
        }
    }
  craft_archive (path, FALSE, (Crafted *) crafted->data, crafted->len);
  assert_refused (path, "good/annotations.csv");
  assert_refused (path, "has changed");
  for (guint i = 0; i < crafted->len; i++)
    {
      Crafted *entry = &g_array_index (crafted, Crafted, i);
      if (strcmp (entry->name, "good/annotations.csv") == 0)
        {
          g_bytes_unref (entry->data);
          entry->data = g_hash_table_lookup (entries, entry->name);
        }
    }

  /* A listed file missing. */
  {
    g_autoptr(GArray) fewer = g_array_new (FALSE, TRUE, sizeof (Crafted));

    for (guint i = 0; i < crafted->len; i++)
      if (strcmp (g_array_index (crafted, Crafted, i).name, "good/README.md") != 0)
        g_array_append_val (fewer, g_array_index (crafted, Crafted, i));
    craft_archive (path, FALSE, (Crafted *) fewer->data, fewer->len);
    assert_refused (path, "lacks good/README.md");
  }

  /* A file the manifest does not list. */
  {
    g_autoptr(GBytes) extra_data = g_bytes_new_static ("import os\n", 10);
    Crafted extra = { "good/run-me.py", AE_IFREG, extra_data, NULL, NULL };

    g_array_append_val (crafted, extra);
    craft_archive (path, TRUE, (Crafted *) crafted->data, crafted->len);
    assert_refused (path, "good/run-me.py, which its SHA256SUMS does not list");
    g_array_set_size (crafted, crafted->len - 1);
  }

  /* No manifest at all. */
  {
    g_autoptr(GArray) fewer = g_array_new (FALSE, TRUE, sizeof (Crafted));

    for (guint i = 0; i < crafted->len; i++)
      if (strcmp (g_array_index (crafted, Crafted, i).name, "good/SHA256SUMS") != 0)
        g_array_append_val (fewer, g_array_index (crafted, Crafted, i));
    craft_archive (path, FALSE, (Crafted *) fewer->data, fewer->len);
    assert_refused (path, "holds no SHA256SUMS");
  }

  /* Cut short: the compressed stream ends early. */
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length * 2 / 3, NULL));
  assert_refused (path, "damaged");

  /* Not an archive. */
  g_assert_true (g_file_set_contents (path, "hello, world\n", -1, NULL));
  assert_refused (path, path);
}

static void
test_unsafe (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autoptr(GBytes) data = g_bytes_new_static ("x\n", 2);
  const struct
  {
    Crafted     entry;
    const char *message;
  } cases[] = {
    { { "/etc/evil", AE_IFREG, data, NULL, NULL }, "outside the folder" },
    { { "pkg/../../evil", AE_IFREG, data, NULL, NULL }, "outside the folder" },
    { { "..", AE_IFDIR, NULL, NULL, NULL }, "outside the folder" },
    { { "pkg/link", AE_IFLNK, NULL, "/etc/passwd", NULL }, "a link" },
    { { "pkg/hard", AE_IFREG, NULL, NULL, "pkg/README.md" }, "a link" },
    { { "pkg/null", AE_IFCHR, NULL, NULL, NULL }, "a character device" },
    { { "pkg/pipe", AE_IFIFO, NULL, NULL, NULL }, "a named pipe" },
    { { "pkg/README.md", AE_IFREG, data, NULL, NULL }, "twice" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (guint zip = 0; zip < 2; zip++)
      {
        g_autofree char *name = g_strdup_printf ("unsafe-%u.%s", c, zip ? "zip" : "tar.gz");
        g_autofree char *path = g_build_filename (dir, name, NULL);
        Crafted entries[] = {
          { "pkg/README.md", AE_IFREG, data, NULL, NULL },
          cases[c].entry,
        };

        /* zip keeps no devices or pipes: libarchive writes them as something else. */
        if (zip && (cases[c].entry.type == AE_IFCHR || cases[c].entry.type == AE_IFIFO ||
                    cases[c].entry.hardlink != NULL))
          continue;
        craft_archive (path, zip, entries, G_N_ELEMENTS (entries));
        assert_refused (path, cases[c].message);
      }
}

/* }}} */
/* {{{ Full disk */

/* The clip package's archive, then the same again with the file size limited to half of it:
 * writing fails with a clean error, the earlier archive at that name stays as it was, and no
 * partial file is left. The limit is RLIMIT_FSIZE with SIGXFSZ ignored, so write(2) fails with
 * EFBIG as it would with ENOSPC on a full disk; it runs in a subprocess to keep it there. */
static void
full_disk_child (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  FidgetClipParams params;
  FidgetClipReport report;
  struct rlimit limit;
  GStatBuf info;
  guint n_files = 0;

  if (study == NULL)
    return;
  dataset = collect (study);
  out = g_build_filename (study->dir, "package", NULL);
  archive = g_build_filename (study->dir, "clips.tar.zst", NULL);
  fidget_clip_params_init (&params);
  params.preset = "ultrafast";
  g_assert_true (fidget_dataset_write_archive (dataset, archive, out, &params, NULL, NULL, NULL,
                                               &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_cut, ==, 6);
  g_assert_true (fidget_package_verify_archive (archive, &n_files, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_files, ==, 10 + 3 + 6);
  before = fidget_test_file_checksum (archive);
  g_assert_cmpint (g_stat (archive, &info), ==, 0);
  g_test_message ("clip package archive: %" G_GINT64_FORMAT " bytes", (gint64) info.st_size);

  signal (SIGXFSZ, SIG_IGN);
  limit.rlim_cur = limit.rlim_max = (rlim_t) info.st_size / 2;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  g_assert_false (fidget_dataset_write_archive (dataset, archive, out, &params, NULL, NULL, NULL,
                                                &report, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, archive));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_clear_error (&error);
  g_assert_cmpuint (report.n_skipped, ==, 6);
  after = fidget_test_file_checksum (archive);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_hidden (study->dir), ==, 0);
  g_assert_true (fidget_package_verify_archive (archive, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_full_disk (void)
{
  if (g_test_subprocess ())
    {
      full_disk_child ();
      return;
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                                      G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/archive/round-trip", test_round_trip);
  g_test_add_func ("/archive/progress", test_progress);
  g_test_add_func ("/archive/tampered", test_tampered);
  g_test_add_func ("/archive/unsafe", test_unsafe);
  g_test_add_func ("/archive/full-disk", test_full_disk);
  return g_test_run ();
}
