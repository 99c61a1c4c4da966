/* fidget-video-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "fidget-content-hash.h"
#include "fidget-error.h"
#include "fidget-probe.h"
#include "fidget-video-import.h"

/* Hashing reads the file once at disk speed; the decode pass is the slow part. */
#define HASH_SHARE 0.2

typedef struct
{
  FidgetProgressFunc progress;
  gpointer           data;
  double             offset;
  double             scale;
} ProgressSlice;

static void
report_slice (double   fraction,
              gpointer user_data)
{
  ProgressSlice *slice = user_data;

  if (slice->progress != NULL)
    slice->progress (slice->offset + slice->scale * fraction, slice->data);
}

FidgetVideo *
fidget_import_video (FidgetProject              *project,
                     const char                 *path,
                     const FidgetImportOptions  *options,
                     GCancellable               *cancellable,
                     FidgetProgressFunc          progress,
                     gpointer                    progress_data,
                     GError                    **error)
{
  static const FidgetImportOptions no_options = { NULL, NULL, NULL };
  g_autoptr(FidgetMediaInfo) media = NULL;
  g_autoptr(FidgetVideo) existing = NULL;
  g_autoptr(FidgetVideo) info = NULL;
  g_autoptr(FidgetParticipant) participant = NULL;
  g_autoptr(GFileInfo) file_info = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *display = NULL;
  ProgressSlice slice = { progress, progress_data, 0.0, HASH_SHARE };

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    options = &no_options;
  display = g_filename_display_basename (path);
  file = g_file_new_for_path (path);

  file_info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                 G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (file_info == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("Cannot import “%s”: there is no such file"), path);
      return NULL;
    }
  if (g_file_info_get_file_type (file_info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("Cannot import “%s”: it is not a regular file"), display);
      return NULL;
    }
  if (options->participant_code == NULL && (options->gender != NULL || options->age_group != NULL))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("A gender or age group belongs to a participant: give the participant's "
                     "code too"));
      return NULL;
    }

  hash = fidget_content_hash_file (path, cancellable, report_slice, &slice, error);
  if (hash == NULL)
    return NULL;

  /* Before the slow decode pass: the same content twice is found by its hash. */
  existing = fidget_project_lookup_video_by_hash (project, hash);
  if (existing != NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_DUPLICATE,
                   _("“%s” is already in the project as video %lld (“%s”): "
                     "same content"),
                   display, (long long) existing->id, existing->path);
      return NULL;
    }

  slice.offset = HASH_SHARE;
  slice.scale = 1.0 - HASH_SHARE;
  media = fidget_probe_file (path, cancellable, report_slice, &slice, error);
  if (media == NULL)
    return NULL;

  info = fidget_video_new ();
  info->content_hash = g_steal_pointer (&hash);
  info->size_bytes = g_file_info_get_size (file_info);
  info->container = g_strdup (media->container);
  info->video_codec = g_strdup (media->video_codec);
  info->width = media->width;
  info->height = media->height;
  info->fps_num = media->fps_num;
  info->fps_den = media->fps_den;
  info->frame_count = media->frame_count;
  info->duration_ns = media->duration_ns;
  info->has_audio = media->has_audio;

  /* Everything was checked: only now does the project change. */
  if (options->participant_code != NULL)
    {
      participant = fidget_project_ensure_participant (project, options->participant_code,
                                                       options->gender, options->age_group,
                                                       error);
      if (participant == NULL)
        return NULL;
    }

  return fidget_project_add_video (project, info, path, options->participant_code, error);
}
