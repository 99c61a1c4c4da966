/* fidget-media-init.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
