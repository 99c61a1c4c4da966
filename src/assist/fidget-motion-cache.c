/* fidget-motion-cache.c: a video's motion-energy curve, kept in the user's cache
 *
 * A cache file is a fixed header, the curve as little-endian IEEE doubles, and the SHA-256 of
 * everything before it, so that a file cut short or overwritten by something else is noticed:
 *
 *   "FIDGETMC" (8 bytes), format version (u32 LE), FIDGET_MOTION_WIDTH (u32 LE),
 *   fps_num (u32 LE), fps_den (u32 LE), frame_count (u64 LE), frame_count doubles, digest (32).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fidget-motion-cache.h"
#include "fidget-motion.h"

#define MAGIC          "FIDGETMC"
#define MAGIC_LENGTH   8
#define FORMAT_VERSION 1
#define HEADER_BYTES   (MAGIC_LENGTH + 4 * 4 + 8)
#define DIGEST_BYTES   32

static char *
cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "fidget", "motion", NULL);
}

/* The hex digest of a well-formed content hash names the file; anything else is hashed, so
 * that no hash text can reach outside the folder. */
static char *
key_for (const char *content_hash)
{
  const char *hex = g_str_has_prefix (content_hash, "sha256:") ? content_hash + 7 : "";
  gboolean plain = strlen (hex) == 64;

  for (const char *p = hex; plain && *p != '\0'; p++)
    plain = g_ascii_isxdigit (*p) && !g_ascii_isupper (*p);
  if (plain)
    return g_strdup (hex);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, content_hash, -1);
}

char *
fidget_motion_cache_file (const char *content_hash,
                          int         fps_num,
                          int         fps_den,
                          gint64      frame_count)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *key = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (content_hash != NULL, NULL);

  key = key_for (content_hash);
  name = g_strdup_printf ("%s-%d-%d-%" G_GINT64_FORMAT ".motion", key, fps_num, fps_den,
                          frame_count);
  return g_build_filename (dir, name, NULL);
}

static void
put_u32 (guint8  *p,
         guint32  value)
{
  value = GUINT32_TO_LE (value);
  memcpy (p, &value, 4);
}

static void
put_u64 (guint8  *p,
         guint64  value)
{
  value = GUINT64_TO_LE (value);
  memcpy (p, &value, 8);
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 value;

  memcpy (&value, p, 8);
  return GUINT64_FROM_LE (value);
}

static void
write_header (guint8 *p,
              int     fps_num,
              int     fps_den,
              gint64  frame_count)
{
  memcpy (p, MAGIC, MAGIC_LENGTH);
  put_u32 (p + 8, FORMAT_VERSION);
  put_u32 (p + 12, FIDGET_MOTION_WIDTH);
  put_u32 (p + 16, (guint32) fps_num);
  put_u32 (p + 20, (guint32) fps_den);
  put_u64 (p + 24, (guint64) frame_count);
}

static void
digest_of (const guint8 *data,
           gsize         length,
           guint8       *digest)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_length = DIGEST_BYTES;

  g_checksum_update (checksum, data, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
}

double *
fidget_motion_cache_lookup (const char *content_hash,
                            int         fps_num,
                            int         fps_den,
                            gint64      frame_count)
{
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_autofree double *energy = NULL;
  g_autoptr(GError) error = NULL;
  guint8 header[HEADER_BYTES];
  guint8 digest[DIGEST_BYTES];
  gsize length = 0, body;

  g_return_val_if_fail (content_hash != NULL, NULL);
  g_return_val_if_fail (fps_num > 0 && fps_den > 0 && frame_count > 0, NULL);

  if ((guint64) frame_count > (G_MAXSIZE - HEADER_BYTES - DIGEST_BYTES) / sizeof (double))
    return NULL;
  body = (gsize) frame_count * sizeof (double);
  file = fidget_motion_cache_file (content_hash, fps_num, fps_den, frame_count);
  if (!g_file_get_contents (file, &contents, &length, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("The motion cache %s cannot be read: %s", file, error->message);
      return NULL;
    }

  /* Every way a file can fail to be this curve: cut short, grown, another format or grid,
   * bytes changed. The file is left for the next store to replace. */
  write_header (header, fps_num, fps_den, frame_count);
  if (length != HEADER_BYTES + body + DIGEST_BYTES ||
      memcmp (contents, header, HEADER_BYTES) != 0)
    {
      g_debug ("The motion cache %s is not a curve of this video; computing it again", file);
      return NULL;
    }
  digest_of ((const guint8 *) contents, HEADER_BYTES + body, digest);
  if (memcmp (digest, contents + HEADER_BYTES + body, DIGEST_BYTES) != 0)
    {
      g_debug ("The motion cache %s is damaged; computing it again", file);
      return NULL;
    }

  energy = g_new (double, frame_count);
  for (gint64 i = 0; i < frame_count; i++)
    {
      guint64 bits = get_u64 ((const guint8 *) contents + HEADER_BYTES + i * sizeof (double));

      memcpy (&energy[i], &bits, sizeof (double));
    }
  return g_steal_pointer (&energy);
}

gboolean
fidget_motion_cache_store (const char    *content_hash,
                           int            fps_num,
                           int            fps_den,
                           gint64         frame_count,
                           const double  *energy,
                           GError       **error)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *file = NULL;
  g_autofree guint8 *contents = NULL;
  gsize body, length;

  g_return_val_if_fail (content_hash != NULL && energy != NULL, FALSE);
  g_return_val_if_fail (fps_num > 0 && fps_den > 0 && frame_count > 0, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "The motion cache folder “%s” cannot be made: %s", display,
                   g_strerror (saved));
      return FALSE;
    }

  body = (gsize) frame_count * sizeof (double);
  length = HEADER_BYTES + body + DIGEST_BYTES;
  contents = g_malloc (length);
  write_header (contents, fps_num, fps_den, frame_count);
  for (gint64 i = 0; i < frame_count; i++)
    {
      guint64 bits;

      memcpy (&bits, &energy[i], sizeof (double));
      put_u64 (contents + HEADER_BYTES + i * sizeof (double), bits);
    }
  digest_of (contents, HEADER_BYTES + body, contents + HEADER_BYTES + body);

  /* Atomic: a reader sees the old file or the whole new one, never half of it. */
  file = fidget_motion_cache_file (content_hash, fps_num, fps_den, frame_count);
  return g_file_set_contents_full (file, (const char *) contents, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

double *
fidget_motion_cache_get (const char          *path,
                         const char          *content_hash,
                         int                  fps_num,
                         int                  fps_den,
                         gint64               frame_count,
                         gboolean            *from_cache,
                         GCancellable        *cancellable,
                         FidgetProgressFunc   progress,
                         gpointer             progress_data,
                         GError             **error)
{
  g_autoptr(GError) store_error = NULL;
  double *energy;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (fps_num > 0 && fps_den > 0 && frame_count > 0, NULL);

  if (from_cache != NULL)
    *from_cache = FALSE;
  if (content_hash != NULL &&
      (energy = fidget_motion_cache_lookup (content_hash, fps_num, fps_den, frame_count)))
    {
      if (from_cache != NULL)
        *from_cache = TRUE;
      if (progress != NULL)
        progress (1.0, progress_data);
      return energy;
    }

  energy = fidget_motion_energy (path, fps_num, fps_den, frame_count, cancellable, progress,
                                 progress_data, error);
  if (energy == NULL)
    return NULL;
  /* The cache is a comfort: failing to keep the curve costs the next computation only. */
  if (content_hash != NULL &&
      !fidget_motion_cache_store (content_hash, fps_num, fps_den, frame_count, energy,
                                  &store_error))
    g_debug ("The motion curve of %s is not cached: %s", path, store_error->message);
  return energy;
}
