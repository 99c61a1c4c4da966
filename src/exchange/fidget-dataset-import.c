/* fidget-dataset-import.c: segments back from a package's annotations.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-content-hash.h"
#include "fidget-csv.h"
#include "fidget-dataset-import.h"
#include "fidget-error.h"
#include "fidget-video-import.h"

enum
{
  COL_HASH,
  COL_VIDEO,
  COL_START,
  COL_END,
  COL_ACTION,
  COL_ANNOTATORS,
  COL_PARTICIPANT,
  COL_GENDER,
  COL_AGE_GROUP,
  COL_EMOTION,
  COL_NOTE,
  N_COLS
};

static const char *const column_names[N_COLS] = {
  "video_sha256", "video", "start_frame", "end_frame", "action", "annotators", "participant",
  "gender", "age_group", "emotion", "note",
};

typedef struct
{
  char        *key;          /* "sha256:..." or "path:/abs/path" */
  char        *hash;         /* "sha256:..." or NULL */
  char        *path;         /* absolute, or NULL */
  guint        line;         /* first row naming it */
  char        *participant;
  char        *gender;
  char        *age_group;
  FidgetVideo *video;        /* once found or imported */
} VideoRef;

typedef struct
{
  guint               line;
  VideoRef           *ref;
  gint64              start;
  gint64              end;
  const FidgetAction *action;
  char               *annotator;
  FidgetEmotion       emotion;
  char               *note;
} Row;

static void
video_ref_free (VideoRef *ref)
{
  g_free (ref->key);
  g_free (ref->hash);
  g_free (ref->path);
  g_free (ref->participant);
  g_free (ref->gender);
  g_free (ref->age_group);
  g_clear_pointer (&ref->video, fidget_video_free);
  g_free (ref);
}

static void
row_free (Row *row)
{
  g_free (row->annotator);
  g_free (row->note);
  g_free (row);
}

static char *
field (const char *const *fields,
       const int         *column,
       int                which)
{
  g_autofree char *value = NULL;

  if (column[which] < 0)
    return NULL;
  value = g_strstrip (g_strdup (fields[column[which]]));
  return *value != '\0' ? g_steal_pointer (&value) : NULL;
}

/* "sha256:" and 64 hex digits, or the digits alone, in lower case; NULL if malformed. */
static char *
normalize_hash (const char *text)
{
  g_autofree char *lower = NULL;

  if (g_str_has_prefix (text, "sha256:"))
    text += strlen ("sha256:");
  if (strlen (text) != 64)
    return NULL;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (text[i]))
      return NULL;
  lower = g_ascii_strdown (text, -1);
  return g_strconcat ("sha256:", lower, NULL);
}

static char *
segment_key (const char *annotator,
             gint64      video_id,
             gint64      start,
             gint64      end,
             const char *action_code)
{
  g_autofree char *who = g_utf8_casefold (annotator, -1);
  g_autofree char *what = g_ascii_strup (action_code, -1);

  return g_strdup_printf ("%" G_GINT64_FORMAT "|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s",
                          video_id, who, start, end, what);
}

static gboolean
parse_rows (FidgetProject                *project,
            const char                   *path,
            const char                   *contents,
            gsize                         length,
            const FidgetCsvImportOptions *options,
            GPtrArray                    *rows,
            GPtrArray                    *refs,
            GError                      **error)
{
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (project);
  g_autoptr(FidgetCsvReader) reader = fidget_csv_reader_new (path, contents, length);
  g_autoptr(GHashTable) ref_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *base = g_path_get_dirname (path);
  const char *const *fields;
  guint n_fields, n_header;
  int column[N_COLS];

  if (!fidget_csv_reader_next (reader, &fields, &n_fields, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("%s is empty (expected a header and one row per segment)"), path);
      return FALSE;
    }
  n_header = n_fields;
  for (guint c = 0; c < N_COLS; c++)
    {
      column[c] = -1;
      for (guint f = 0; f < n_fields; f++)
        {
          g_autofree char *name = g_strstrip (g_strdup (fields[f]));

          if (g_ascii_strcasecmp (name, column_names[c]) == 0)
            column[c] = f;
        }
    }
  for (guint c = COL_START; c <= COL_ACTION; c++)
    if (column[c] < 0)
      {
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("%s line 1: the header has no column “%s” (needed: start_frame, "
                       "end_frame, action and video_sha256 or video)"), path, column_names[c]);
        return FALSE;
      }
  if (column[COL_HASH] < 0 && column[COL_VIDEO] < 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%s line 1: the header names no video (a column “video_sha256” or "
                     "“video”)"), path);
      return FALSE;
    }

  while (fidget_csv_reader_next (reader, &fields, &n_fields, &local_error))
    {
      guint line = fidget_csv_reader_get_line (reader);
      g_autofree char *hash_text = NULL, *video = NULL, *start = NULL, *end = NULL;
      g_autofree char *action = NULL, *annotators = NULL, *emotion = NULL;
      g_autofree char *hash = NULL, *abs_path = NULL, *key = NULL;
      Row *row;
      VideoRef *ref;

      if (n_fields != n_header)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: %u fields where the header has %u"), path, line,
                       n_fields, n_header);
          return FALSE;
        }
      hash_text = field (fields, column, COL_HASH);
      video = field (fields, column, COL_VIDEO);
      start = field (fields, column, COL_START);
      end = field (fields, column, COL_END);
      action = field (fields, column, COL_ACTION);
      annotators = field (fields, column, COL_ANNOTATORS);
      emotion = field (fields, column, COL_EMOTION);

      row = g_new0 (Row, 1);
      row->line = line;
      g_ptr_array_add (rows, row);

      if (hash_text != NULL && !(hash = normalize_hash (hash_text)))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: “%s” is not a SHA-256 (64 hexadecimal digits)"),
                       path, line, hash_text);
          return FALSE;
        }
      if (hash == NULL && video == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the row names no video (neither video_sha256 nor video)"),
                       path, line);
          return FALSE;
        }
      if (start == NULL || end == NULL ||
          !g_ascii_string_to_signed (start, 10, 0, G_MAXINT64, &row->start, NULL) ||
          !g_ascii_string_to_signed (end, 10, 1, G_MAXINT64, &row->end, NULL) ||
          row->end <= row->start)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: frames “%s” to “%s” are not a segment (whole numbers, "
                         "the end after the start)"), path, line, start ? start : "",
                       end ? end : "");
          return FALSE;
        }
      row->action = action != NULL ? fidget_taxonomy_lookup_action (taxonomy, action) : NULL;
      if (row->action == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: unknown action code “%s” (the project's taxonomy has no "
                         "such action; `fidget-cli taxonomy` lists them)"), path, line,
                       action ? action : "");
          return FALSE;
        }
      if (emotion != NULL && !fidget_emotion_from_string (emotion, &row->emotion))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: unknown emotion “%s” (joy, sadness, surprise, fear, "
                         "anger or empty)"), path, line, emotion);
          return FALSE;
        }
      /* A consensus lists several people; the segment belongs to the first. */
      if (annotators != NULL)
        {
          g_auto(GStrv) names = g_strsplit_set (annotators, ";|", -1);
          row->annotator = g_strstrip (g_strdup (names[0]));
        }
      if ((row->annotator == NULL || *row->annotator == '\0') && options->annotator != NULL)
        {
          g_free (row->annotator);
          row->annotator = g_strdup (options->annotator);
        }
      if (row->annotator == NULL || *row->annotator == '\0')
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the row names no annotator (give one for such rows "
                         "with --annotator)"), path, line);
          return FALSE;
        }
      row->note = field (fields, column, COL_NOTE);

      if (video != NULL)
        abs_path = g_path_is_absolute (video) ? g_strdup (video)
                                              : g_build_filename (base, video, NULL);
      key = hash != NULL ? g_strdup (hash) : g_strconcat ("path:", abs_path, NULL);
      ref = g_hash_table_lookup (ref_by_key, key);
      if (ref == NULL)
        {
          ref = g_new0 (VideoRef, 1);
          ref->key = g_steal_pointer (&key);
          ref->hash = g_steal_pointer (&hash);
          ref->path = g_steal_pointer (&abs_path);
          ref->line = line;
          ref->participant = field (fields, column, COL_PARTICIPANT);
          ref->gender = field (fields, column, COL_GENDER);
          ref->age_group = field (fields, column, COL_AGE_GROUP);
          g_ptr_array_add (refs, ref);
          g_hash_table_insert (ref_by_key, ref->key, ref);
        }
      row->ref = ref;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_range (const char  *path,
             Row         *row,
             GError     **error)
{
  const FidgetVideo *video = row->ref->video;

  if (row->end > video->frame_count)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%s line %u: frames [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") run past "
                     "the end of video %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " frames)"),
                   path, row->line, row->start, row->end, video->id, video->frame_count);
      return FALSE;
    }
  return TRUE;
}

gboolean
fidget_dataset_import_csv (FidgetProject                 *project,
                           const char                    *path,
                           const FidgetCsvImportOptions  *options,
                           FidgetCsvImportReport         *report,
                           GCancellable                  *cancellable,
                           GError                       **error)
{
  static const FidgetCsvImportOptions no_options = { FALSE, NULL };
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) video_ref_free);
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) known_annotators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FidgetCsvImportReport local_report = { 0 };

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (options == NULL)
    options = &no_options;
  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  if (!g_file_get_contents (path, &contents, &length, error) ||
      !parse_rows (project, path, contents, length, options, rows, refs, error))
    return FALSE;
  report->n_rows = rows->len;

  /* Find every video, and check that the missing ones can be imported, before writing. */
  if (!(videos = fidget_project_list_videos (project, error)))
    return FALSE;
  for (guint i = 0; i < refs->len; i++)
    {
      VideoRef *ref = g_ptr_array_index (refs, i);

      if (ref->hash != NULL)
        ref->video = fidget_project_lookup_video_by_hash (project, ref->hash);
      for (guint v = 0; ref->video == NULL && ref->hash == NULL && v < videos->len; v++)
        {
          FidgetVideo *video = g_ptr_array_index (videos, v);
          g_autofree char *resolved = fidget_project_resolve_video_path (project, video);

          if (g_strcmp0 (resolved, ref->path) == 0)
            ref->video = fidget_video_copy (video);
        }
      if (ref->video != NULL)
        continue;
      if (!options->import_videos)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("%s line %u: the video %s is not in the project (import it first, or let "
                         "the CSV import bring in missing videos: --import-videos)"), path, ref->line,
                       ref->path != NULL ? ref->path : ref->hash);
          return FALSE;
        }
      if (ref->path == NULL || !g_file_test (ref->path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("%s line %u: the video %s is neither in the project nor at %s"),
                       path, ref->line, ref->hash != NULL ? ref->hash : ref->path,
                       ref->path != NULL ? ref->path : _("a path the CSV gives"));
          return FALSE;
        }
    }
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      if (row->ref->video != NULL && !check_range (path, row, error))
        return FALSE;
    }

  /* Bring in the missing videos: the hash first, so a different file is refused untouched. */
  for (guint i = 0; i < refs->len; i++)
    {
      VideoRef *ref = g_ptr_array_index (refs, i);
      FidgetImportOptions import_options = { ref->participant, ref->gender, ref->age_group };

      if (ref->video != NULL)
        continue;
      if (ref->hash != NULL)
        {
          g_autofree char *hash = fidget_content_hash_file (ref->path, cancellable, NULL, NULL,
                                                            error);
          if (hash == NULL)
            return FALSE;
          if (g_strcmp0 (hash, ref->hash) != 0)
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                           _("%s line %u: %s is not the video the CSV names (its SHA-256 "
                             "differs: the file was changed or replaced)"), path, ref->line,
                           ref->path);
              return FALSE;
            }
        }
      ref->video = fidget_import_video (project, ref->path,
                                        ref->participant != NULL ? &import_options : NULL,
                                        cancellable, NULL, NULL, error);
      if (ref->video == NULL)
        return FALSE;
      report->n_videos_imported++;
    }
  for (guint i = 0; i < rows->len; i++)
    if (!check_range (path, g_ptr_array_index (rows, i), error))
      return FALSE;

  /* What the project holds already: importing the same rows again adds nothing. */
  for (guint i = 0; i < refs->len; i++)
    {
      VideoRef *ref = g_ptr_array_index (refs, i);
      g_autoptr(GPtrArray) segments = fidget_project_list_segments (project, ref->video->id,
                                                                    error);
      if (segments == NULL)
        return FALSE;
      for (guint s = 0; s < segments->len; s++)
        {
          FidgetSegment *segment = g_ptr_array_index (segments, s);
          g_hash_table_add (present, segment_key (segment->annotator_name, segment->video_id,
                                                  segment->start_frame, segment->end_frame,
                                                  segment->action_code));
        }
    }

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      g_autofree char *key = segment_key (row->annotator, row->ref->video->id, row->start,
                                          row->end, row->action->code);
      g_autofree char *folded = g_utf8_casefold (row->annotator, -1);
      g_autoptr(FidgetSegment) segment = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_hash_table_contains (present, key))
        {
          report->n_present++;
          continue;
        }
      if (!g_hash_table_contains (known_annotators, folded))
        {
          g_autoptr(FidgetAnnotator) annotator = NULL;
          g_autoptr(GError) lookup_error = NULL;

          annotator = fidget_project_lookup_annotator (project, row->annotator, &lookup_error);
          if (annotator == NULL)
            {
              if (!g_error_matches (lookup_error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND))
                {
                  g_propagate_error (error, g_steal_pointer (&lookup_error));
                  return FALSE;
                }
              annotator = fidget_project_add_annotator (project, row->annotator, error);
              if (annotator == NULL)
                return FALSE;
              report->n_annotators_added++;
            }
          g_hash_table_add (known_annotators, g_steal_pointer (&folded));
        }

      segment = fidget_project_add_segment (project, row->ref->video->id, row->annotator,
                                            row->start, row->end, row->action->code, error);
      if (segment == NULL)
        {
          g_prefix_error (error, _("%s line %u: "), path, row->line);
          return FALSE;
        }
      if (row->emotion != FIDGET_EMOTION_NONE || row->note != NULL)
        {
          FidgetSegment values = { 0 };
          FidgetSegmentFields fields = 0;
          g_autoptr(FidgetSegment) updated = NULL;

          values.emotion = row->emotion;
          values.note = row->note;
          if (row->emotion != FIDGET_EMOTION_NONE)
            fields |= FIDGET_SEGMENT_FIELD_EMOTION;
          if (row->note != NULL)
            fields |= FIDGET_SEGMENT_FIELD_NOTE;
          updated = fidget_project_update_segment (project, segment->uuid, &values, fields,
                                                   error);
          if (updated == NULL)
            {
              g_prefix_error (error, _("%s line %u: "), path, row->line);
              return FALSE;
            }
        }
      g_hash_table_add (present, g_steal_pointer (&key));
      report->n_added++;
    }
  return TRUE;
}
