/* fidget-media-init.h: GStreamer set-up shared by the media layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FIDGET_MEDIA_ERROR (fidget_media_error_quark ())

typedef enum
{
  FIDGET_MEDIA_ERROR_FAILED,
  FIDGET_MEDIA_ERROR_NOT_FOUND,        /* no such file */
  FIDGET_MEDIA_ERROR_NOT_MEDIA,        /* not a container or stream GStreamer recognises */
  FIDGET_MEDIA_ERROR_NO_VIDEO,         /* a media file without a video stream */
  FIDGET_MEDIA_ERROR_MISSING_DECODER,  /* a codec this machine cannot decode: the message names it */
  FIDGET_MEDIA_ERROR_DECODE,           /* the stream breaks while decoding */
  FIDGET_MEDIA_ERROR_TRUNCATED,        /* the file ends before its stream does */
  FIDGET_MEDIA_ERROR_ENCODE,           /* writing a video failed (missing encoder, disk full) */
} FidgetMediaError;

GQuark   fidget_media_error_quark (void);

/* Initialises GStreamer once (thread-safe); safe to call from anywhere. */
void     fidget_media_init        (void);

/* Whether @path (shown as @display) is a readable, non-empty regular file; if not, an error
 * that says which and why: not found, a folder, not a regular file, unreadable, empty. */
gboolean fidget_media_check_file  (const char  *path,
                                   const char  *display,
                                   GError     **error);

/* Progress of a long job: @fraction in [0, 1]. Called from the job's thread. */
typedef void (*FidgetProgressFunc) (double   fraction,
                                    gpointer user_data);

G_END_DECLS
