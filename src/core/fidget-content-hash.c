/* fidget-content-hash.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-content-hash.h"

#define CHUNK_SIZE (1024 * 1024)

char *
fidget_content_hash_file (const char    *path,
                          GCancellable  *cancellable,
                          void         (*progress) (double fraction, gpointer data),
                          gpointer       progress_data,
                          GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_basename (path);
  goffset size, done = 0;

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot read “%s”: ", display);
      return NULL;
    }
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  size = info != NULL ? g_file_info_get_size (info) : 0;

  buffer = g_malloc (CHUNK_SIZE);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, CHUNK_SIZE,
                                      cancellable, &local_error);
      if (n < 0)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot read “%s”: ", display);
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      done += n;
      if (progress != NULL && size > 0)
        progress (MIN (1.0, (double) done / (double) size), progress_data);
    }

  return g_strconcat ("sha256:", g_checksum_get_string (checksum), NULL);
}
