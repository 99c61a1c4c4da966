/* fidget-list-import.c: videos and segments from an mmaction2 list with its clip folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-content-hash.h"
#include "fidget-error.h"
#include "fidget-list-import.h"
#include "fidget-video-import.h"

typedef struct
{
  guint               line;
  char               *file;         /* as listed */
  char               *path;         /* in the clip folder */
  char               *participant;  /* PPPP of an MA-52 name, or NULL */
  const FidgetAction *action;
  FidgetVideo        *video;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->file);
  g_free (entry->path);
  g_free (entry->participant);
  g_clear_pointer (&entry->video, fidget_video_free);
  g_free (entry);
}

/* "PPPP_BB_NNNN" with any extension: the participant number PPPP, else NULL. */
static char *
ma52_participant (const char *file)
{
  g_autofree char *base = g_path_get_basename (file);
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  if (strlen (base) != 12 || base[4] != '_' || base[7] != '_')
    return NULL;
  for (guint i = 0; i < 12; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (base[i]))
      return NULL;
  return g_strndup (base, 4);
}

/* A package's label_name.txt beside the list ("index<TAB>name"): label -> name, or NULL when
 * there is none. Labels past the model's classes are a project's own actions, known by name. */
static GHashTable *
read_label_names (const char *list_path)
{
  g_autofree char *dir = g_path_get_dirname (list_path);
  g_autofree char *path = g_build_filename (dir, "label_name.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *names;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  names = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      guint64 label;

      if (tab == NULL)
        continue;
      *tab = '\0';
      if (g_ascii_string_to_unsigned (lines[i], 10, 0, G_MAXINT, &label, NULL))
        g_hash_table_insert (names, GUINT_TO_POINTER ((guint) label),
                             g_strstrip (g_strdup (tab + 1)));
    }
  return names;
}

static const FidgetAction *
lookup_own_action (FidgetTaxonomy *taxonomy,
                   const char     *name)
{
  for (guint a = 0; a < fidget_taxonomy_get_n_actions (taxonomy); a++)
    {
      const FidgetAction *action = fidget_taxonomy_get_action (taxonomy, a);

      if (action->model_index < 0 && g_strcmp0 (action->name, name) == 0)
        return action;
    }
  return NULL;
}

static gboolean
parse_list (FidgetProject  *project,
            const char     *list_path,
            const char     *clips_dir,
            GPtrArray      *entries,
            GError        **error)
{
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (project);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) label_names = read_label_names (list_path);
  guint n_model = fidget_taxonomy_get_n_model_classes (taxonomy);
  gsize length;

  if (!g_file_get_contents (list_path, &contents, &length, error))
    return FALSE;
  if (memchr (contents, '\0', length) != NULL || !g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%s is not a text file (an mmaction2 list is UTF-8 text, “FILE LABEL” "
                     "per line)"), list_path);
      return FALSE;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *stripped = g_strstrip (g_strdup (lines[i]));
      guint64 label;
      Entry *entry;

      if (*stripped == '\0')
        continue;
      fields = g_regex_split_simple ("[ \t]+", stripped, 0, 0);
      if (g_strv_length (fields) != 2)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: expected “FILE LABEL” (two fields), found %u"),
                       list_path, i + 1, g_strv_length (fields));
          return FALSE;
        }
      if (!g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXINT, &label, NULL))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the label “%s” is not a whole number (a 0-based model "
                         "index)"), list_path, i + 1, fields[1]);
          return FALSE;
        }
      entry = g_new0 (Entry, 1);
      g_ptr_array_add (entries, entry);
      entry->line = i + 1;
      entry->file = g_strdup (fields[0]);
      if (label < n_model)
        entry->action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, (int) label);
      else
        {
          const char *name = label_names != NULL ? g_hash_table_lookup (label_names,
                                                                        GUINT_TO_POINTER (label))
                                                 : NULL;

          if (name == NULL)
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                           _("%s line %u: unknown label %" G_GUINT64_FORMAT " (the model's "
                             "classes are 0 to %u, and no label_name.txt beside the list names "
                             "it)"), list_path, i + 1, label, n_model - 1);
              return FALSE;
            }
          entry->action = lookup_own_action (taxonomy, name);
          if (entry->action == NULL)
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                           _("%s line %u: label %" G_GUINT64_FORMAT " is “%s” in "
                             "label_name.txt, an action the project does not have (add it "
                             "first)"), list_path, i + 1, label, name);
              return FALSE;
            }
        }
      if (entry->action == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: unknown label %" G_GUINT64_FORMAT), list_path, i + 1,
                       label);
          return FALSE;
        }
      if (g_path_is_absolute (entry->file) || strstr (entry->file, "..") != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: “%s” is not a name inside the clip folder"),
                       list_path, i + 1, entry->file);
          return FALSE;
        }
      entry->path = g_build_filename (clips_dir, entry->file, NULL);
      if (!g_file_test (entry->path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("%s line %u: the clip %s is missing"), list_path, i + 1, entry->path);
          return FALSE;
        }
      entry->participant = ma52_participant (entry->file);
    }
  return TRUE;
}

gboolean
fidget_dataset_import_list (FidgetProject           *project,
                            const char              *list_path,
                            const char              *clips_dir,
                            const char              *annotator,
                            FidgetListImportReport  *report,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(FidgetAnnotator) person = NULL;
  g_autoptr(GError) lookup_error = NULL;
  FidgetListImportReport local_report = { 0 };

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (list_path != NULL, FALSE);
  g_return_val_if_fail (clips_dir != NULL, FALSE);

  if (annotator == NULL)
    annotator = FIDGET_LIST_IMPORT_DEFAULT_ANNOTATOR;
  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  if (!g_file_test (clips_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("The clip folder %s does not exist"), clips_dir);
      return FALSE;
    }
  if (!parse_list (project, list_path, clips_dir, entries, error))
    return FALSE;
  report->n_lines = entries->len;

  /* The clips the project holds already, by content; the others are imported. */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      g_autofree char *hash = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      hash = fidget_content_hash_file (entry->path, cancellable, NULL, NULL, error);
      if (hash == NULL)
        {
          g_prefix_error (error, _("%s line %u: "), list_path, entry->line);
          return FALSE;
        }
      entry->video = fidget_project_lookup_video_by_hash (project, hash);
      if (entry->video == NULL)
        {
          FidgetImportOptions options = { entry->participant, NULL, NULL };

          entry->video = fidget_import_video (project, entry->path,
                                              entry->participant != NULL ? &options : NULL,
                                              cancellable, NULL, NULL, error);
          if (entry->video == NULL)
            {
              g_prefix_error (error, _("%s line %u: "), list_path, entry->line);
              return FALSE;
            }
          report->n_videos_imported++;
        }
      if (entry->video->frame_count <= 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the clip %s has no frames"), list_path, entry->line,
                       entry->path);
          return FALSE;
        }
    }

  person = fidget_project_lookup_annotator (project, annotator, &lookup_error);
  if (person == NULL)
    {
      if (!g_error_matches (lookup_error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&lookup_error));
          return FALSE;
        }
      person = fidget_project_add_annotator (project, annotator, error);
      if (person == NULL)
        return FALSE;
      report->n_annotators_added++;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      const FidgetVideo *video = entry->video;
      g_autoptr(FidgetSegment) segment = NULL;
      g_autofree char *key = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* The segments of this person over the whole clip, once per video. */
      if (!g_hash_table_contains (listed, &video->id))
        {
          g_autoptr(GPtrArray) segments = fidget_project_list_segments (project, video->id,
                                                                        error);
          if (segments == NULL)
            return FALSE;
          for (guint s = 0; s < segments->len; s++)
            {
              FidgetSegment *old = g_ptr_array_index (segments, s);

              if (old->start_frame == 0 && old->end_frame == video->frame_count &&
                  g_strcmp0 (old->annotator_name, person->name) == 0)
                g_hash_table_add (present, g_strdup_printf ("%" G_GINT64_FORMAT "|%s",
                                                            video->id, old->action_code));
            }
          g_hash_table_add (listed, (gpointer) &video->id);
        }
      key = g_strdup_printf ("%" G_GINT64_FORMAT "|%s", video->id, entry->action->code);
      if (g_hash_table_contains (present, key))
        {
          report->n_present++;
          continue;
        }
      segment = fidget_project_add_segment (project, video->id, person->name, 0,
                                            video->frame_count, entry->action->code, error);
      if (segment == NULL)
        {
          g_prefix_error (error, _("%s line %u: "), list_path, entry->line);
          return FALSE;
        }
      g_hash_table_add (present, g_steal_pointer (&key));
      report->n_added++;
    }
  return TRUE;
}
