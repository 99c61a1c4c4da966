/* fidget-media-init.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "fidget-media-init.h"

G_DEFINE_QUARK (fidget-media-error-quark, fidget_media_error)

void
fidget_media_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* No command-line parsing here: the CLI and the app own their options. */
      gst_init (NULL, NULL);
      g_once_init_leave (&initialized, 1);
    }
}

/* Before GStreamer gets a file: refusals that name the file and say what is wrong with it. */
gboolean
fidget_media_check_file (const char  *path,
                         const char  *display,
                         GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_FOUND,
                     "“%s” does not exist", display);
      else
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                     "“%s” cannot be read: %s", display, g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA,
                   "“%s” is a folder, not a video", display);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA,
                   "“%s” is not a regular file, so it cannot be a video", display);
      return FALSE;
    }
  if (g_access (path, R_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_FAILED,
                   "“%s” cannot be read: %s", display, g_strerror (saved_errno));
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_NOT_MEDIA,
                   "“%s” is empty, not a video", display);
      return FALSE;
    }
  return TRUE;
}
