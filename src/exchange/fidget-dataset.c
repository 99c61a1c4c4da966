/* fidget-dataset.c: a dataset drawn from a project, split and written as a package
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

/* syncfs(2) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fidget-csv.h"
#include "fidget-dataset.h"
#include "fidget-distribution-chart.h"
#include "fidget-review.h"
#include "fidget-error.h"

#define MANIFEST_NAME "SHA256SUMS"

struct _FidgetDataset
{
  GObject             parent_instance;

  FidgetTaxonomy     *taxonomy;
  FidgetSplitParams   params;
  GPtrArray          *videos;        /* FidgetVideo *, the chosen ones */
  GPtrArray          *participants;  /* FidgetParticipant *, all of the project */
  GPtrArray          *segments;      /* FidgetSegment *, the chosen ones */
  GArray             *clips;         /* FidgetDatasetClip, in name order */
  GPtrArray          *labels;        /* const FidgetAction *, by label */
  GStringChunk       *strings;
  FidgetSplitPlan    *plan;
  gboolean            ground_truth;
};

enum {
  PROP_0,
  PROP_N_CLIPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FidgetDataset, fidget_dataset, G_TYPE_OBJECT)

static void
fidget_dataset_finalize (GObject *object)
{
  FidgetDataset *self = (FidgetDataset *) object;

  g_clear_pointer (&self->plan, fidget_split_plan_free);
  g_clear_pointer (&self->clips, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->participants, g_ptr_array_unref);
  g_clear_pointer (&self->videos, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_object (&self->taxonomy);

  G_OBJECT_CLASS (fidget_dataset_parent_class)->finalize (object);
}

static void
fidget_dataset_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FidgetDataset *self = FIDGET_DATASET (object);

  switch (prop_id)
    {
    case PROP_N_CLIPS:
      g_value_set_uint (value, self->clips != NULL ? self->clips->len : 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_dataset_class_init (FidgetDatasetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fidget_dataset_finalize;
  object_class->get_property = fidget_dataset_get_property;

  properties[PROP_N_CLIPS] =
    g_param_spec_uint ("n-clips", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fidget_dataset_init (FidgetDataset *self)
{
  self->strings = g_string_chunk_new (4096);
  self->clips = g_array_new (FALSE, TRUE, sizeof (FidgetDatasetClip));
  self->labels = g_ptr_array_new ();
}

void
fidget_dataset_options_init (FidgetDatasetOptions *options)
{
  memset (options, 0, sizeof *options);
  fidget_split_params_init (&options->split);
}

/* {{{ Collecting */

/* Participant numbers for the names: the codes' own numbers when every code ends in a
 * distinct one from 1 to 9999 (P007 -> 0007, as people expect), else 1, 2, ... in code order.
 * Videos without a participant count as participants of their own, after the others. */
static GHashTable *
number_groups (GPtrArray *keys)   /* sorted, distinct; "~" keys are videos without one */
{
  GHashTable *numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  gboolean own_numbers = TRUE;
  guint next = 0;

  for (guint i = 0; i < keys->len && own_numbers; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      const char *digits = key + strlen (key);
      guint64 number;

      if (key[0] == '~')
        continue;
      while (digits > key && g_ascii_isdigit (digits[-1]))
        digits--;
      if (*digits == '\0' || strlen (digits) > 4 ||
          !g_ascii_string_to_unsigned (digits, 10, 1, 9999, &number, NULL) ||
          g_hash_table_contains (used, GUINT_TO_POINTER ((guint) number)))
        own_numbers = FALSE;
      else
        {
          g_hash_table_add (used, GUINT_TO_POINTER ((guint) number));
          next = MAX (next, (guint) number);
        }
    }
  if (!own_numbers)
    next = 0;
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      guint number;

      if (own_numbers && key[0] != '~')
        {
          const char *digits = key + strlen (key);

          while (digits > key && g_ascii_isdigit (digits[-1]))
            digits--;
          number = (guint) g_ascii_strtoull (digits, NULL, 10);
        }
      else
        number = ++next;
      g_hash_table_insert (numbers, (gpointer) key, GUINT_TO_POINTER (number));
    }
  return numbers;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
compare_clips (gconstpointer a,
               gconstpointer b)
{
  const FidgetDatasetClip *x = a, *y = b;

#define CMP(p, q) if ((p) != (q)) return (p) < (q) ? -1 : 1
  CMP (x->participant_number, y->participant_number);
  CMP (x->action->body_part->index, y->action->body_part->index);
  CMP (x->video->id, y->video->id);
  CMP (x->segment->start_frame, y->segment->start_frame);
  CMP (x->segment->end_frame, y->segment->end_frame);
  CMP (x->segment->id, y->segment->id);
#undef CMP
  return 0;
}

FidgetDataset *
fidget_dataset_collect (FidgetProject               *project,
                        const FidgetDatasetOptions  *options,
                        GError                     **error)
{
  g_autoptr(FidgetDataset) self = NULL;
  g_autoptr(GPtrArray) all_videos = NULL;
  g_autoptr(GPtrArray) all_segments = NULL;
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(GHashTable) participant_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) group_of_video = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) state_of_video = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) path_of_video = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) numbers = NULL;
  g_autoptr(GHashTable) running = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) group_keys = g_ptr_array_new ();
  g_autoptr(GHashTable) group_set = g_hash_table_new (g_str_hash, g_str_equal);
  FidgetDatasetOptions defaults;
  guint n_model;
  guint n_own = 0;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  if (options == NULL)
    {
      fidget_dataset_options_init (&defaults);
      options = &defaults;
    }

  self = g_object_new (FIDGET_TYPE_DATASET, NULL);
  self->taxonomy = g_object_ref (fidget_project_get_taxonomy (project));
  self->params = options->split;
  self->ground_truth = options->ground_truth;

  /* Labels: the model's classes keep their indices; a project's own actions follow. */
  n_model = fidget_taxonomy_get_n_model_classes (self->taxonomy);
  g_ptr_array_set_size (self->labels, n_model);
  for (guint i = 0; i < fidget_taxonomy_get_n_actions (self->taxonomy); i++)
    {
      const FidgetAction *action = fidget_taxonomy_get_action (self->taxonomy, i);

      if (action->model_index >= 0 && (guint) action->model_index < n_model)
        self->labels->pdata[action->model_index] = (gpointer) action;
    }
  for (guint i = 0; i < fidget_taxonomy_get_n_actions (self->taxonomy); i++)
    {
      const FidgetAction *action = fidget_taxonomy_get_action (self->taxonomy, i);

      if (action->model_index < 0)
        {
          g_ptr_array_add (self->labels, (gpointer) action);
          n_own++;
        }
    }

  if (!(all_videos = fidget_project_list_videos (project, error)) ||
      !(self->participants = fidget_project_list_participants (project, error)) ||
      !(all_segments = options->ground_truth
                         ? fidget_review_list_ground_truth (project, 0, error)
                         : fidget_project_list_segments (project, 0, error)))
    return NULL;

  for (guint i = 0; i < self->participants->len; i++)
    {
      FidgetParticipant *participant = g_ptr_array_index (self->participants, i);
      g_hash_table_insert (participant_by_id, &participant->id, participant);
    }

  if (options->video_ids != NULL)
    {
      g_autoptr(GHashTable) known = g_hash_table_new (g_int64_hash, g_int64_equal);

      wanted = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < all_videos->len; i++)
        {
          FidgetVideo *video = g_ptr_array_index (all_videos, i);
          g_hash_table_add (known, &video->id);
        }
      for (guint i = 0; i < options->video_ids->len; i++)
        {
          gint64 *id = &g_array_index (options->video_ids, gint64, i);

          if (!g_hash_table_contains (known, id))
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                           _("There is no video %" G_GINT64_FORMAT " in the project"), *id);
              return NULL;
            }
          g_hash_table_add (wanted, id);
        }
    }

  self->videos = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_video_free);
  for (guint i = 0; i < all_videos->len; i++)
    {
      FidgetVideo *video = g_ptr_array_index (all_videos, i);
      g_autofree char *state = NULL;
      g_autofree char *path = NULL;
      const char *group;

      if (wanted != NULL && !g_hash_table_contains (wanted, &video->id))
        continue;
      if (options->video_filter != NULL &&
          !options->video_filter (project, video, options->video_filter_data))
        continue;
      if (options->ground_truth)
        {
          g_autoptr(FidgetReviewStatus) review = fidget_review_get_status (project, video->id,
                                                                           error);
          if (review == NULL)
            return NULL;
          if (review->state != FIDGET_REVIEW_VERIFIED)
            continue;
        }

      g_ptr_array_add (self->videos, g_steal_pointer (&all_videos->pdata[i]));
      g_hash_table_add (chosen, &video->id);

      /* A video without a participant is a person of its own: it must not leak either. */
      if (video->participant_code != NULL)
        group = g_string_chunk_insert_const (self->strings, video->participant_code);
      else
        {
          g_autofree char *key = g_strdup_printf ("~video-%s", video->uuid);
          group = g_string_chunk_insert_const (self->strings, key);
        }
      g_hash_table_insert (group_of_video, &video->id, (gpointer) group);

      if (options->video_state != NULL)
        state = options->video_state (project, video, options->video_state_data);
      g_hash_table_insert (state_of_video, &video->id,
                           g_string_chunk_insert_const (self->strings, state ? state : ""));
      path = fidget_project_resolve_video_path (project, video);
      g_hash_table_insert (path_of_video, &video->id,
                           g_string_chunk_insert_const (self->strings, path));
    }

  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);
  for (guint i = 0; i < self->videos->len; i++)
    {
      FidgetVideo *video = g_ptr_array_index (self->videos, i);
      g_hash_table_insert (chosen, &video->id, video);
    }
  for (guint i = 0; i < all_segments->len; i++)
    {
      FidgetSegment *segment = g_ptr_array_index (all_segments, i);
      FidgetVideo *video = g_hash_table_lookup (chosen, &segment->video_id);
      const FidgetAction *action;
      FidgetDatasetClip clip = { 0 };
      const char *group;

      if (video == NULL)
        continue;
      if (options->segment_filter != NULL &&
          !options->segment_filter (project, video, segment, options->segment_filter_data))
        continue;
      action = fidget_taxonomy_lookup_action_by_id (self->taxonomy, segment->action_id);
      if (action == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("Segment %s has an action (row %" G_GINT64_FORMAT ") that the "
                         "project's taxonomy does not hold"), segment->uuid, segment->action_id);
          return NULL;
        }

      g_ptr_array_add (self->segments, g_steal_pointer (&all_segments->pdata[i]));
      clip.video = video;
      clip.participant = video->participant_id > 0
        ? g_hash_table_lookup (participant_by_id, &video->participant_id) : NULL;
      clip.segment = segment;
      clip.action = action;
      clip.label = action->model_index >= 0 ? (guint) action->model_index : n_model;
      if (action->model_index < 0)
        for (guint l = n_model; l < self->labels->len; l++)
          if (g_ptr_array_index (self->labels, l) == action)
            clip.label = l;
      clip.review_state = g_hash_table_lookup (state_of_video, &video->id);
      clip.video_path = g_hash_table_lookup (path_of_video, &video->id);
      g_array_append_val (self->clips, clip);

      group = g_hash_table_lookup (group_of_video, &video->id);
      if (g_hash_table_add (group_set, (gpointer) group))
        g_ptr_array_add (group_keys, (gpointer) group);
    }

  if (self->clips->len == 0 && options->ground_truth && self->videos->len == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("None of the project's %u video(s) is verified yet: the ground truth comes "
                     "from the third-party review (to take everyone's segments of every video "
                     "instead, choose them, or --all-states in fidget-cli)"),
                   all_videos->len);
      return NULL;
    }
  if (self->clips->len == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   self->videos->len == 0
                   ? _("No video is chosen for the dataset (the project has %u, none selected)")
                   : _("The %u chosen video(s) hold no segments: there is nothing to export"),
                   self->videos->len == 0 ? all_videos->len : self->videos->len);
      return NULL;
    }

  /* Names: participant number, body part, running number within both. */
  g_ptr_array_sort (group_keys, compare_strings);
  numbers = number_groups (group_keys);
  for (guint i = 0; i < self->clips->len; i++)
    {
      FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      const char *group = g_hash_table_lookup (group_of_video, &clip->video->id);

      clip->participant_number = GPOINTER_TO_UINT (g_hash_table_lookup (numbers, group));
    }
  g_array_sort (self->clips, compare_clips);
  for (guint i = 0; i < self->clips->len; i++)
    {
      FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      gpointer key = GUINT_TO_POINTER (clip->participant_number * 1000 +
                                       clip->action->body_part->index);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (running, key)) + 1;
      char name[64];

      g_hash_table_insert (running, key, GUINT_TO_POINTER (n));
      g_snprintf (name, sizeof name, "%04u_%02d_%04u", clip->participant_number,
                  clip->action->body_part->index, n);
      clip->name = g_string_chunk_insert (self->strings, name);
    }

  /* The split, stratified by label, never splitting a participant. */
  self->plan = fidget_split_plan_new (self->labels->len,
                                      fidget_taxonomy_get_n_body_parts (self->taxonomy));
  for (guint i = 0; i < self->clips->len; i++)
    {
      FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);

      fidget_split_plan_add_item (self->plan, g_hash_table_lookup (group_of_video, &clip->video->id),
                                  clip->label, clip->action->body_part->index);
    }
  if (!fidget_split_plan_compute (self->plan, &self->params, error))
    return NULL;
  for (guint i = 0; i < self->clips->len; i++)
    g_array_index (self->clips, FidgetDatasetClip, i).split =
      fidget_split_plan_get_item_split (self->plan, i);

  return g_steal_pointer (&self);
}

guint
fidget_dataset_get_n_clips (FidgetDataset *self)
{
  g_return_val_if_fail (FIDGET_IS_DATASET (self), 0);
  return self->clips->len;
}

const FidgetDatasetClip *
fidget_dataset_get_clip (FidgetDataset *self,
                         guint          index)
{
  g_return_val_if_fail (FIDGET_IS_DATASET (self), NULL);
  g_return_val_if_fail (index < self->clips->len, NULL);
  return &g_array_index (self->clips, FidgetDatasetClip, index);
}

FidgetSplitPlan *
fidget_dataset_get_plan (FidgetDataset *self)
{
  g_return_val_if_fail (FIDGET_IS_DATASET (self), NULL);
  return self->plan;
}

const FidgetSplitParams *
fidget_dataset_get_params (FidgetDataset *self)
{
  g_return_val_if_fail (FIDGET_IS_DATASET (self), NULL);
  return &self->params;
}

guint
fidget_dataset_get_n_labels (FidgetDataset *self)
{
  g_return_val_if_fail (FIDGET_IS_DATASET (self), 0);
  return self->labels->len;
}

const FidgetAction *
fidget_dataset_get_label_action (FidgetDataset *self,
                                 guint          label)
{
  g_return_val_if_fail (FIDGET_IS_DATASET (self), NULL);
  g_return_val_if_fail (label < self->labels->len, NULL);
  return g_ptr_array_index (self->labels, label);
}

/* }}} */
/* {{{ Report */

static void
member_int (JsonBuilder *builder,
            const char  *name,
            gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
member_double (JsonBuilder *builder,
               const char  *name,
               double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
member_string (JsonBuilder *builder,
               const char  *name,
               const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

JsonNode *
fidget_dataset_build_report (FidgetDataset *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n_labels = self->labels->len;
  guint n_parts = fidget_taxonomy_get_n_body_parts (self->taxonomy);
  g_autofree guint *label_counts = g_new0 (guint, (gsize) (FIDGET_N_SPLITS + 1) * n_labels);
  g_autofree guint *part_counts = g_new0 (guint, (gsize) (FIDGET_N_SPLITS + 1) * n_parts);

  g_return_val_if_fail (FIDGET_IS_DATASET (self), NULL);

  /* One pass for all counts: row FIDGET_N_SPLITS holds the totals. */
  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);

      label_counts[clip->split * n_labels + clip->label]++;
      label_counts[FIDGET_N_SPLITS * n_labels + clip->label]++;
      part_counts[clip->split * n_parts + clip->action->body_part->index]++;
      part_counts[FIDGET_N_SPLITS * n_parts + clip->action->body_part->index]++;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ratio");
  json_builder_begin_array (builder);
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    json_builder_add_int_value (builder, self->params.ratio[s]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) self->params.seed);
  json_builder_set_member_name (builder, "leakage_free");
  json_builder_add_boolean_value (builder, TRUE);
  member_int (builder, "clips", self->clips->len);
  member_int (builder, "participants", fidget_split_plan_get_n_groups (self->plan));
  member_int (builder, "videos", self->videos->len);

  json_builder_set_member_name (builder, "splits");
  json_builder_begin_array (builder);
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    {
      json_builder_begin_object (builder);
      member_string (builder, "split", fidget_split_to_string (s));
      member_int (builder, "clips", fidget_split_plan_get_split_items (self->plan, s));
      member_int (builder, "participants", fidget_split_plan_get_split_groups (self->plan, s));
      member_double (builder, "share", fidget_split_plan_get_share (self->plan, s));
      member_double (builder, "target_share", fidget_split_plan_get_target_share (self->plan, s));
      member_double (builder, "action_distance",
                     fidget_split_plan_get_distance (self->plan, s, FIDGET_SPLIT_LEVEL_ACTION));
      member_double (builder, "body_part_distance",
                     fidget_split_plan_get_distance (self->plan, s, FIDGET_SPLIT_LEVEL_BODY_PART));
      member_int (builder, "missing_actions",
                  fidget_split_plan_get_n_missing (self->plan, s, FIDGET_SPLIT_LEVEL_ACTION));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint l = 0; l < n_labels; l++)
    {
      const FidgetAction *action = g_ptr_array_index (self->labels, l);

      json_builder_begin_object (builder);
      member_int (builder, "label", l);
      member_string (builder, "code", action->code);
      member_string (builder, "name", action->name);
      member_string (builder, "body_part", action->body_part->code);
      member_int (builder, "total", label_counts[FIDGET_N_SPLITS * n_labels + l]);
      for (guint s = 0; s < FIDGET_N_SPLITS; s++)
        member_int (builder, fidget_split_to_string (s), label_counts[s * n_labels + l]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "body_parts");
  json_builder_begin_array (builder);
  for (guint b = 0; b < n_parts; b++)
    {
      const FidgetBodyPart *part = fidget_taxonomy_get_body_part (self->taxonomy, b);

      json_builder_begin_object (builder);
      member_int (builder, "index", b);
      member_string (builder, "code", part->code);
      member_string (builder, "name", part->name);
      member_int (builder, "total", part_counts[FIDGET_N_SPLITS * n_parts + b]);
      for (guint s = 0; s < FIDGET_N_SPLITS; s++)
        member_int (builder, fidget_split_to_string (s), part_counts[s * n_parts + b]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* }}} */
/* {{{ Writing */

/* A list path must hold no whitespace: mmaction2 splits lines on it. */
static void
append_list_path (GString    *out,
                  const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '%' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        g_string_append_printf (out, "%%%02X", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
}

static char *
format_seconds (const FidgetVideo *video,
                gint64             frame)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* Exactly on the frame grid: frame i starts at i * den / num seconds. */
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.6f",
                                    (double) frame * video->fps_den / video->fps_num));
}

static const char *const csv_columns[] = {
  "clip", "split", "participant", "participant_number", "gender", "age_group", "video",
  "video_sha256", "fps", "start_frame", "end_frame", "start_s", "end_s", "action", "label",
  "action_name", "body_part", "body_part_index", "annotators", "review_state", "emotion",
  "note", "segment_uuid", NULL
};

static GString *
build_csv (FidgetDataset *self)
{
  GString *out = g_string_sized_new (256 * (self->clips->len + 1));

  fidget_csv_append_row (out, csv_columns);
  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      const FidgetSegment *segment = clip->segment;
      const FidgetVideo *video = clip->video;
      g_autofree char *start_s = format_seconds (video, segment->start_frame);
      g_autofree char *end_s = format_seconds (video, segment->end_frame);
      char number[16], fps[32], start[24], end[24], label[16], part[16];
      const char *hash = video->content_hash;
      const char *row[G_N_ELEMENTS (csv_columns)];
      guint c = 0;

      g_snprintf (number, sizeof number, "%u", clip->participant_number);
      g_snprintf (fps, sizeof fps, "%d/%d", video->fps_num, video->fps_den);
      g_snprintf (start, sizeof start, "%" G_GINT64_FORMAT, segment->start_frame);
      g_snprintf (end, sizeof end, "%" G_GINT64_FORMAT, segment->end_frame);
      g_snprintf (label, sizeof label, "%u", clip->label);
      g_snprintf (part, sizeof part, "%d", clip->action->body_part->index);
      if (hash != NULL && g_str_has_prefix (hash, "sha256:"))
        hash += strlen ("sha256:");

      row[c++] = clip->name;
      row[c++] = fidget_split_to_string (clip->split);
      row[c++] = clip->participant ? clip->participant->code : "";
      row[c++] = number;
      row[c++] = clip->participant ? clip->participant->gender : "";
      row[c++] = clip->participant ? clip->participant->age_group : "";
      row[c++] = clip->video_path;
      row[c++] = hash;
      row[c++] = fps;
      row[c++] = start;
      row[c++] = end;
      row[c++] = start_s;
      row[c++] = end_s;
      row[c++] = clip->action->code;
      row[c++] = label;
      row[c++] = clip->action->name;
      row[c++] = clip->action->body_part->code;
      row[c++] = part;
      row[c++] = segment->annotator_name;
      row[c++] = clip->review_state;
      row[c++] = segment->emotion != FIDGET_EMOTION_NONE ? fidget_emotion_to_string (segment->emotion) : "";
      row[c++] = segment->note;
      row[c++] = segment->uuid;
      row[c] = NULL;
      g_assert (c == G_N_ELEMENTS (csv_columns) - 1);

      /* Empty fields for NULL: the row array is NULL-terminated, so write field by field. */
      for (guint f = 0; f < c; f++)
        {
          if (f > 0)
            g_string_append_c (out, ',');
          fidget_csv_append_field (out, row[f]);
        }
      g_string_append_c (out, '\n');
    }
  return out;
}

static GString *
build_list (FidgetDataset *self,
            FidgetSplit    split,
            gboolean       clips)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);

      if (clip->split != split)
        continue;
      if (clips)
        {
          g_string_append_printf (out, "%s.mp4 %u\n", clip->name, clip->label);
          continue;
        }
      append_list_path (out, clip->video_path);
      g_string_append_printf (out, " %u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                              clip->label, clip->segment->start_frame, clip->segment->end_frame);
    }
  return out;
}


/* {{{ Untrimmed formats: ActivityNet JSON and ELAN */

/* Frame i starts at i * den / num seconds; in whole milliseconds, rounded to the nearest.
 * Below 1000 fps a frame lasts more than 1 ms, so the frame comes back by rounding
 * ms * num / (1000 * den) to the nearest whole number. */
static gint64
frame_to_ms (const FidgetVideo *video,
             gint64             frame)
{
  gint64 scaled = frame * 2000 * video->fps_den;

  return (scaled + video->fps_num) / (2 * (gint64) video->fps_num);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* One name per video for the untrimmed files: its file name without the extension, made
 * distinct with the video's number when two videos share one. */
static GHashTable *
video_keys (FidgetDataset *self)
{
  GHashTable *keys = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) path_of = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      g_hash_table_insert (path_of, (gpointer) &clip->video->id, (gpointer) clip->video_path);
    }
  for (guint i = 0; i < self->videos->len; i++)
    {
      const FidgetVideo *video = g_ptr_array_index (self->videos, i);
      const char *path = g_hash_table_lookup (path_of, &video->id);
      g_autofree char *base = g_path_get_basename (path != NULL ? path : video->path);
      char *dot = strrchr (base, '.');
      char *key;

      if (path == NULL)
        continue;   /* no clip of this video in the dataset */
      if (dot != NULL && dot != base)
        *dot = '\0';
      for (char *c = base; *c != '\0'; c++)
        if (*c == ' ' || *c == '/' || *c == '\\' || !g_ascii_isprint (*c))
          *c = '_';
      key = g_hash_table_contains (taken, base)
        ? g_strdup_printf ("%s-%" G_GINT64_FORMAT, base, video->id)
        : g_strdup (base);
      g_hash_table_add (taken, key);
      g_hash_table_insert (keys, (gpointer) &video->id, key);
    }
  return keys;
}

/* The dataset's clips of each video, in frame order: video id -> GPtrArray of clips. */
static GHashTable *
clips_by_video (FidgetDataset *self)
{
  GHashTable *by_video = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < self->clips->len; i++)
    {
      FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      GPtrArray *clips = g_hash_table_lookup (by_video, &clip->video->id);

      if (clips == NULL)
        {
          clips = g_ptr_array_new ();
          g_hash_table_insert (by_video, (gpointer) &clip->video->id, clips);
        }
      g_ptr_array_add (clips, clip);
    }
  return by_video;
}

static int
compare_clip_times (gconstpointer a,
                    gconstpointer b)
{
  const FidgetDatasetClip *x = *(const FidgetDatasetClip **) a;
  const FidgetDatasetClip *y = *(const FidgetDatasetClip **) b;

  if (x->segment->start_frame != y->segment->start_frame)
    return x->segment->start_frame < y->segment->start_frame ? -1 : 1;
  if (x->segment->end_frame != y->segment->end_frame)
    return x->segment->end_frame < y->segment->end_frame ? -1 : 1;
  return strcmp (x->name, y->name);
}

static double
frame_seconds (const FidgetVideo *video,
               gint64             frame)
{
  /* Rounded to the microsecond, so that the JSON shows 1.3 rather than 1.3000000000000003. */
  return (double) ((frame * 1000000 * video->fps_den + video->fps_num / 2) / video->fps_num) / 1e6;
}

static const char *const subset_names[FIDGET_N_SPLITS] = { "training", "validation", "testing" };

static GString *
build_activity_net (FidgetDataset *self,
                    GHashTable    *keys,
                    GHashTable    *by_video)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GString *out;

  json_builder_begin_object (builder);
  member_string (builder, "version", "Fidget " FIDGET_VERSION);
  json_builder_set_member_name (builder, "taxonomy");
  json_builder_begin_array (builder);
  for (guint l = 0; l < self->labels->len; l++)
    {
      const FidgetAction *action = g_ptr_array_index (self->labels, l);

      json_builder_begin_object (builder);
      member_int (builder, "nodeId", l);
      member_string (builder, "nodeName", action->name);
      member_string (builder, "code", action->code);
      member_string (builder, "parentName", action->body_part->name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "database");
  json_builder_begin_object (builder);
  for (guint v = 0; v < self->videos->len; v++)
    {
      const FidgetVideo *video = g_ptr_array_index (self->videos, v);
      GPtrArray *clips = g_hash_table_lookup (by_video, &video->id);
      const FidgetDatasetClip *first;
      char fps[32];

      if (clips == NULL)
        continue;
      g_ptr_array_sort (clips, compare_clip_times);
      first = g_ptr_array_index (clips, 0);
      g_snprintf (fps, sizeof fps, "%d/%d", video->fps_num, video->fps_den);

      json_builder_set_member_name (builder, g_hash_table_lookup (keys, &video->id));
      json_builder_begin_object (builder);
      /* A participant is in one split, so all of a video's clips are. */
      member_string (builder, "subset", subset_names[first->split]);
      member_double (builder, "duration", frame_seconds (video, video->frame_count));
      member_double (builder, "fps", (double) video->fps_num / video->fps_den);
      member_string (builder, "fps_fraction", fps);
      member_int (builder, "frame_count", video->frame_count);
      member_string (builder, "url", first->video_path);
      member_string (builder, "participant",
                     first->participant != NULL ? first->participant->code : "");
      json_builder_set_member_name (builder, "annotations");
      json_builder_begin_array (builder);
      for (guint i = 0; i < clips->len; i++)
        {
          const FidgetDatasetClip *clip = g_ptr_array_index (clips, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "segment");
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, frame_seconds (video, clip->segment->start_frame));
          json_builder_add_double_value (builder, frame_seconds (video, clip->segment->end_frame));
          json_builder_end_array (builder);
          member_string (builder, "label", clip->action->name);
          member_string (builder, "label_code", clip->action->code);
          member_int (builder, "label_index", clip->label);
          member_int (builder, "start_frame", clip->segment->start_frame);
          member_int (builder, "end_frame", clip->segment->end_frame);
          member_string (builder, "clip", clip->name);
          member_string (builder, "annotator", clip->segment->annotator_name);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  out = g_string_new (text);
  g_string_append_c (out, '\n');
  return out;
}

typedef struct
{
  char      *id;
  char      *annotator;   /* NULL for the ground truth */
  gint64     end;         /* end frame of the latest annotation */
  GPtrArray *clips;
} EafTier;

static void
eaf_tier_free (gpointer data)
{
  EafTier *tier = data;

  g_free (tier->id);
  g_free (tier->annotator);
  g_ptr_array_unref (tier->clips);
  g_free (tier);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

/* One EAF 3.0 document for @video: a tier per annotator (or one for the ground truth), a
 * further tier for the same person when their segments overlap (ELAN allows no overlap within
 * one tier), annotation values the action codes, times in ms on the frame grid. */
static GString *
build_eaf (FidgetDataset     *self,
           const FidgetVideo *video,
           GPtrArray         *clips)
{
  g_autoptr(GPtrArray) tiers = g_ptr_array_new_with_free_func (eaf_tier_free);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) slot_of = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                         g_free, NULL);
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *uri = NULL;
  const FidgetDatasetClip *first = g_ptr_array_index (clips, 0);
  GString *out = g_string_new (NULL);
  gint64 modified = 0;
  guint annotation_id = 0;

  g_ptr_array_sort (clips, compare_clip_times);
  for (guint i = 0; i < clips->len; i++)
    {
      const FidgetDatasetClip *clip = g_ptr_array_index (clips, i);
      const char *who = self->ground_truth ? NULL : clip->segment->annotator_name;
      EafTier *tier = NULL;
      guint lane = 0;
      gint64 ms[2] = { frame_to_ms (video, clip->segment->start_frame),
                       frame_to_ms (video, clip->segment->end_frame) };

      modified = MAX (modified, clip->segment->modified_us);
      for (guint t = 0; t < tiers->len && tier == NULL; t++)
        {
          EafTier *candidate = g_ptr_array_index (tiers, t);

          if (g_strcmp0 (candidate->annotator, who) != 0)
            continue;
          lane++;
          if (candidate->end <= clip->segment->start_frame)
            tier = candidate;
        }
      if (tier == NULL)
        {
          const char *base = who != NULL ? who : "ground truth";

          tier = g_new0 (EafTier, 1);
          tier->annotator = g_strdup (who);
          tier->id = lane == 0 ? g_strdup (base) : g_strdup_printf ("%s (%u)", base, lane + 1);
          tier->clips = g_ptr_array_new ();
          g_ptr_array_add (tiers, tier);
        }
      tier->end = clip->segment->end_frame;
      g_ptr_array_add (tier->clips, (gpointer) clip);
      for (guint k = 0; k < 2; k++)
        if (!g_hash_table_contains (slot_of, &ms[k]))
          {
            g_hash_table_insert (slot_of, g_memdup2 (&ms[k], sizeof ms[k]), NULL);
            g_array_append_val (times, ms[k]);
          }
    }
  g_array_sort (times, compare_int64);
  for (guint i = 0; i < times->len; i++)
    g_hash_table_insert (slot_of, g_memdup2 (&g_array_index (times, gint64, i), sizeof (gint64)),
                         GUINT_TO_POINTER (i + 1));

  /* The date of the latest change of these annotations: the same data, the same file. */
  date = g_date_time_new_from_unix_utc (modified / G_USEC_PER_SEC);
  date_text = g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
  uri = g_filename_to_uri (first->video_path, NULL, NULL);

  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<ANNOTATION_DOCUMENT AUTHOR=\"Fidget\" DATE=\"");
  g_string_append (out, date_text);
  g_string_append (out, "\" FORMAT=\"3.0\" VERSION=\"3.0\" "
                        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                        "xsi:noNamespaceSchemaLocation=\"http://www.mpi.nl/tools/elan/EAFv3.0.xsd\">\n"
                        "  <HEADER MEDIA_FILE=\"\" TIME_UNITS=\"milliseconds\">\n"
                        "    <MEDIA_DESCRIPTOR MEDIA_URL=\"");
  append_escaped (out, uri != NULL ? uri : first->video_path);
  g_string_append (out, "\" MIME_TYPE=\"video/*\"/>\n");
  g_string_append_printf (out, "    <PROPERTY NAME=\"fidget:fps\">%d/%d</PROPERTY>\n"
                               "    <PROPERTY NAME=\"fidget:frame_count\">%" G_GINT64_FORMAT
                               "</PROPERTY>\n",
                          video->fps_num, video->fps_den, video->frame_count);
  g_string_append (out, "    <PROPERTY NAME=\"fidget:participant\">");
  append_escaped (out, first->participant != NULL ? first->participant->code : "");
  g_string_append (out, "</PROPERTY>\n  </HEADER>\n  <TIME_ORDER>\n");
  for (guint i = 0; i < times->len; i++)
    g_string_append_printf (out, "    <TIME_SLOT TIME_SLOT_ID=\"ts%u\" TIME_VALUE=\"%"
                                 G_GINT64_FORMAT "\"/>\n",
                            i + 1, g_array_index (times, gint64, i));
  g_string_append (out, "  </TIME_ORDER>\n");

  for (guint t = 0; t < tiers->len; t++)
    {
      EafTier *tier = g_ptr_array_index (tiers, t);

      g_string_append (out, "  <TIER LINGUISTIC_TYPE_REF=\"micro-action\" TIER_ID=\"");
      append_escaped (out, tier->id);
      if (tier->annotator != NULL)
        {
          g_string_append (out, "\" ANNOTATOR=\"");
          append_escaped (out, tier->annotator);
        }
      if (first->participant != NULL)
        {
          g_string_append (out, "\" PARTICIPANT=\"");
          append_escaped (out, first->participant->code);
        }
      g_string_append (out, "\">\n");
      for (guint i = 0; i < tier->clips->len; i++)
        {
          const FidgetDatasetClip *clip = g_ptr_array_index (tier->clips, i);
          gint64 start = frame_to_ms (video, clip->segment->start_frame);
          gint64 end = frame_to_ms (video, clip->segment->end_frame);

          g_string_append_printf (out,
            "    <ANNOTATION>\n"
            "      <ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a%u\" TIME_SLOT_REF1=\"ts%u\" "
            "TIME_SLOT_REF2=\"ts%u\">\n"
            "        <ANNOTATION_VALUE>",
            ++annotation_id, GPOINTER_TO_UINT (g_hash_table_lookup (slot_of, &start)),
            GPOINTER_TO_UINT (g_hash_table_lookup (slot_of, &end)));
          append_escaped (out, clip->action->code);
          g_string_append (out, "</ANNOTATION_VALUE>\n"
                                "      </ALIGNABLE_ANNOTATION>\n"
                                "    </ANNOTATION>\n");
        }
      g_string_append (out, "  </TIER>\n");
    }
  g_string_append (out,
    "  <LINGUISTIC_TYPE GRAPHIC_REFERENCES=\"false\" LINGUISTIC_TYPE_ID=\"micro-action\" "
    "TIME_ALIGNABLE=\"true\"/>\n"
    "</ANNOTATION_DOCUMENT>\n");
  return out;
}

/* }}} */

static GString *
build_label_names (FidgetDataset *self)
{
  GString *out = g_string_new (NULL);

  for (guint l = 0; l < self->labels->len; l++)
    {
      const FidgetAction *action = g_ptr_array_index (self->labels, l);
      g_string_append_printf (out, "%u\t%s\n", l, action->name);
    }
  return out;
}

static GString *
build_readme (FidgetDataset *self,
              gboolean       clips)
{
  GString *out = g_string_new (NULL);
  FidgetSplitPlan *plan = self->plan;

  g_string_append_printf (out,
    "# Micro-action dataset\n\n"
    "Exported by Fidget %s: %u clips of %u participants in %u videos, %u labels.\n\n"
    "Split train:val:test = %u:%u:%u, seed %" G_GUINT64_FORMAT ". **Leakage-free**: every\n"
    "participant is in exactly one split (MA-52's own split has the same participants in train\n"
    "and val; this one does not). Within that constraint the actions are stratified.\n\n"
    "| split | clips | participants | share | asked | action distance | body-part distance |\n"
    "|---|---|---|---|---|---|---|\n",
    FIDGET_VERSION, self->clips->len, fidget_split_plan_get_n_groups (plan), self->videos->len,
    self->labels->len, self->params.ratio[0], self->params.ratio[1], self->params.ratio[2],
    self->params.seed);
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    {
      char share[G_ASCII_DTOSTR_BUF_SIZE], asked[G_ASCII_DTOSTR_BUF_SIZE];
      char d1[G_ASCII_DTOSTR_BUF_SIZE], d2[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, "| %s | %u | %u | %s | %s | %s | %s |\n",
        fidget_split_to_string (s), fidget_split_plan_get_split_items (plan, s),
        fidget_split_plan_get_split_groups (plan, s),
        g_ascii_formatd (share, sizeof share, "%.4f", fidget_split_plan_get_share (plan, s)),
        g_ascii_formatd (asked, sizeof asked, "%.4f", fidget_split_plan_get_target_share (plan, s)),
        g_ascii_formatd (d1, sizeof d1, "%.4f",
                         fidget_split_plan_get_distance (plan, s, FIDGET_SPLIT_LEVEL_ACTION)),
        g_ascii_formatd (d2, sizeof d2, "%.4f",
                         fidget_split_plan_get_distance (plan, s, FIDGET_SPLIT_LEVEL_BODY_PART)));
    }
  g_string_append (out,
    "\nThe distances are total variation distances between the split's class distribution and\n"
    "the overall one (0 same, 1 disjoint); split_report.json has the counts per class.\n\n"
    "## Class distribution\n\n"
    "![Clips per action and split](distribution.png)\n\n"
    "One bar per label (action code), stacked train, val, test from the bottom, in the body\n"
    "part's colour (train full, val and test lighter); `distribution.svg` is the same chart\n"
    "as a vector drawing.\n\n"
    "## Files\n\n"
    "- `label_name.txt`: `index<TAB>name`. Indices 0-51 are MANet's MA-52 classes; a\n"
    "  project's own actions follow.\n");
  if (clips)
    g_string_append (out,
      "- `clips/`: one clip per segment, `PPPP_BB_NNNN.mp4` (participant number, 0-based body\n"
      "  part, running number per participant and body part), H.264 in MP4 at the source's\n"
      "  frame rate: clip frame k is source frame start + k, cut frame-exactly.\n"
      "- `train_list_videos.txt`, `val_list_videos.txt`, `test_list_videos.txt`: mmaction2\n"
      "  VideoDataset lists, `NAME.mp4 LABEL` per line, LABEL the index of `label_name.txt`;\n"
      "  use `clips/` as the data prefix.\n");
  else
    g_string_append (out,
      "- `train_list_videos.txt`, `val_list_videos.txt`, `test_list_videos.txt`: no-clip mode,\n"
      "  one clip per line as `VIDEO LABEL START END`: VIDEO is the absolute path of the source\n"
      "  video (a space written %20, a percent sign %25), LABEL the index of `label_name.txt`,\n"
      "  and the clip is the frames START (first) to END (one past the last) of the video's\n"
      "  decoded stream. Frame i is the period [i/fps, (i+1)/fps) from the start of the stream,\n"
      "  fps as in the CSV. Loaders that expect mmaction2's two-column `file label` need the\n"
      "  clips cut (`fidget-cli export --clips`); the clip names are in the CSV's `clip` column.\n");
  g_string_append (out,
    "- `annotations.csv`: one row per clip: clip (its name PPPP_BB_NNNN: participant number,\n"
    "  0-based body part, running number), split, participant, participant_number, gender,\n"
    "  age_group, video (absolute path), video_sha256, fps (exact fraction), start_frame,\n"
    "  end_frame (exclusive), start_s, end_s (on the frame grid), action (code), label,\n"
    "  action_name, body_part (code), body_part_index, annotators, review_state, emotion,\n"
    "  note, segment_uuid. `fidget-cli import-csv` reads it back.\n"
    "- `split_report.json`: the split: per split clips, participants, shares and distances;\n"
    "  per action and body part the clips in each split.\n"
    "- `activity_net.json`: the same segments for untrimmed use, in ActivityNet's form:\n"
    "  `database` has one entry per video (its file name without extension) with `subset`\n"
    "  (training, validation, testing), `duration` and `fps`, and `annotations`, each with\n"
    "  `segment` [start_s, end_s] on the frame grid and `label` (the action's name), plus\n"
    "  its code, label index, frames and clip name. `taxonomy` lists the labels.\n"
    "- `eaf/VIDEO.eaf`: one ELAN 3.0 document per video, times in milliseconds (frame i\n"
    "  starts at i * den / num s, rounded to the nearest ms, which keeps frames apart below\n"
    "  1000 fps), one tier per annotator (or one `ground truth` tier; a person's overlapping\n"
    "  segments go to a further tier `NAME (2)`), annotation values the action codes.\n"
    "- `distribution.png`, `distribution.svg`: the class-distribution chart above.\n"
    "- `SHA256SUMS`: checksums of the files above (`sha256sum -c SHA256SUMS`), written last.\n");
  return out;
}

/* The class-distribution chart of the dataset card, as PNG or SVG. */
static GString *
build_distribution_chart (FidgetDataset  *self,
                          gboolean        svg,
                          GError        **error)
{
  g_autofree guint *counts = g_new0 (guint, self->labels->len * FIDGET_N_SPLITS);
  FidgetDistribution distribution;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  gconstpointer data;

  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      counts[clip->label * FIDGET_N_SPLITS + clip->split]++;
    }
  distribution.n_labels = self->labels->len;
  distribution.actions = (const FidgetAction *const *) self->labels->pdata;
  distribution.counts = counts;
  bytes = svg ? fidget_distribution_chart_svg (&distribution, error)
              : fidget_distribution_chart_png (&distribution, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return g_string_new_len (data, size);
}

static gboolean
write_file (const char  *dir,
            const char  *name,
            GString     *contents,
            GString     *manifest,
            gboolean     durable,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *sum = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents->str, contents->len,
                                 durable ? G_FILE_SET_CONTENTS_CONSISTENT
                                         : G_FILE_SET_CONTENTS_NONE, 0644, &local_error))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not write the package file %s: %s"), path, local_error->message);
      return FALSE;
    }
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents->str,
                                     contents->len);
  g_string_append_printf (manifest, "%s  %s\n", sum, name);
  return TRUE;
}

/* An existing folder must be empty or an earlier package (finished, or clips of an unfinished
 * run): never write into someone's files. */
/* What a write found at its folder: a cancelled write takes away what it added. */
typedef enum
{
  FOLDER_NEW,      /* made by this write */
  FOLDER_EMPTY,
  FOLDER_PACKAGE,  /* an earlier package (or the clips of an unfinished run) */
} FolderState;

static gboolean
check_folder (const char   *dir,
              FolderState  *state,
              GError      **error)
{
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *manifest = g_build_filename (dir, MANIFEST_NAME, NULL);
  g_autofree char *clip_record = g_build_filename (dir, "clips", ".fidget-clips.tsv", NULL);

  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                       _("Could not make the package folder %s: %s"), dir, g_strerror (saved));
          return FALSE;
        }
      *state = FOLDER_NEW;
      return TRUE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   _("%s exists and is not a folder: the package needs a folder of its own"), dir);
      return FALSE;
    }
  handle = g_dir_open (dir, 0, &local_error);
  if (handle == NULL)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not read the package folder %s: %s"), dir, local_error->message);
      return FALSE;
    }
  if (g_dir_read_name (handle) == NULL)
    {
      *state = FOLDER_EMPTY;
      return TRUE;
    }
  if (!g_file_test (manifest, G_FILE_TEST_IS_REGULAR) &&
      !g_file_test (clip_record, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS,
                   _("%s is not empty and holds no earlier package (no %s): choose an empty or "
                     "new folder so that nothing of yours is overwritten"), dir, MANIFEST_NAME);
      return FALSE;
    }
  *state = FOLDER_PACKAGE;
  return TRUE;
}

/* Removes what is inside @dir (never following a link out of it), and @dir too if asked. */
static void
remove_contents (const char *dir,
                 gboolean    remove_dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_contents (path, TRUE);
      else
        g_unlink (path);
    }
  if (remove_dir)
    g_rmdir (dir);
}

/* A cancelled write leaves nothing half-written behind in a folder it made or found empty:
 * cancelling is taking the export back. An earlier package stays as the cancel found it,
 * without its manifest (so it does not claim to be complete), its intact clips kept for the
 * next run. Other failures keep what was done, so that a re-run after, say, a full disk skips
 * the clips already cut. */
static gboolean
finish_write (const char   *dir,
              FolderState   state,
              gboolean      ok,
              GError       *local_error,
              GError      **error)
{
  if (ok)
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      state != FOLDER_PACKAGE)
    remove_contents (dir, state == FOLDER_NEW);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Until the new manifest is written, the folder must not claim to be a complete package. */
static gboolean
remove_manifest (const char  *dir,
                 GError     **error)
{
  g_autofree char *manifest_path = g_build_filename (dir, MANIFEST_NAME, NULL);

  if (g_unlink (manifest_path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not remove the old %s: %s"), manifest_path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sync_folder (const char  *dir,
             GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd >= 0 && syncfs (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
               _("Could not write the package files in %s to disk: %s"), dir,
               g_strerror (saved));
  return FALSE;
}

static void
free_string (gpointer data)
{
  g_string_free (data, TRUE);
}

/* Writes the metadata files and, last, the manifest; @clip_sums (name -> SHA-256) for a
 * package in clip mode, NULL for no-clip mode. */
static gboolean
write_package (FidgetDataset  *self,
               const char     *dir,
               GHashTable     *clip_sums,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(GString) manifest = g_string_new (NULL);
  g_autofree char *manifest_path = g_build_filename (dir, MANIFEST_NAME, NULL);
  g_autofree char *eaf_dir = g_build_filename (dir, "eaf", NULL);
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GHashTable) keys = video_keys (self);
  g_autoptr(GHashTable) by_video = clips_by_video (self);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func (free_string);
  guint n_main;
  gboolean ok = TRUE;

  report = fidget_dataset_build_report (self);
  generator = json_generator_new ();
  json_generator_set_root (generator, report);
  json_generator_set_pretty (generator, TRUE);

  g_ptr_array_add (names, g_strdup ("label_name.txt"));
  g_ptr_array_add (contents, build_label_names (self));
  for (guint s = 0; s < FIDGET_N_SPLITS; s++)
    {
      static const char *list_names[FIDGET_N_SPLITS] = {
        "train_list_videos.txt", "val_list_videos.txt", "test_list_videos.txt",
      };
      g_ptr_array_add (names, g_strdup (list_names[s]));
      g_ptr_array_add (contents, build_list (self, s, clip_sums != NULL));
    }
  g_ptr_array_add (names, g_strdup ("annotations.csv"));
  g_ptr_array_add (contents, build_csv (self));
  {
    g_autofree char *text = json_generator_to_data (generator, NULL);
    GString *json = g_string_new (text);

    g_string_append_c (json, '\n');
    g_ptr_array_add (names, g_strdup ("split_report.json"));
    g_ptr_array_add (contents, json);
  }
  g_ptr_array_add (names, g_strdup ("README.md"));
  g_ptr_array_add (contents, build_readme (self, clip_sums != NULL));
  g_ptr_array_add (names, g_strdup ("activity_net.json"));
  g_ptr_array_add (contents, build_activity_net (self, keys, by_video));
  for (guint f = 0; f < 2; f++)
    {
      GString *chart = build_distribution_chart (self, f == 1, error);

      if (chart == NULL)
        return FALSE;
      g_ptr_array_add (names, g_strdup (f == 0 ? "distribution.png" : "distribution.svg"));
      g_ptr_array_add (contents, chart);
    }
  n_main = names->len;
  for (guint v = 0; v < self->videos->len; v++)
    {
      const FidgetVideo *video = g_ptr_array_index (self->videos, v);
      GPtrArray *clips = g_hash_table_lookup (by_video, &video->id);

      if (clips == NULL)
        continue;
      g_ptr_array_add (names, g_strdup_printf ("eaf/%s.eaf",
                                               (const char *) g_hash_table_lookup (keys, &video->id)));
      g_ptr_array_add (contents, build_eaf (self, video, clips));
    }

  /* An earlier package's EAF files go: a video no longer chosen must not linger there. */
  {
    g_autoptr(GDir) earlier = g_dir_open (eaf_dir, 0, NULL);
    const char *name;

    while (earlier != NULL && (name = g_dir_read_name (earlier)) != NULL)
      if (g_str_has_suffix (name, ".eaf"))
        {
          g_autofree char *path = g_build_filename (eaf_dir, name, NULL);
          g_unlink (path);
        }
  }
  if (g_mkdir_with_parents (eaf_dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                   _("Could not make the package folder %s: %s"), eaf_dir, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < names->len && ok; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else
        ok = write_file (dir, g_ptr_array_index (names, i), g_ptr_array_index (contents, i),
                         manifest, i < n_main, error);
    }
  if (!ok)
    return FALSE;
  /* The per-video files were written without a sync each (one fsync per file costs more than
   * building them, with hundreds of videos); one sync of the file system makes them durable
   * before the manifest can claim them. */
  if (names->len > n_main && !sync_folder (eaf_dir, error))
    return FALSE;

  /* The clips, in name order, with the sums computed as they were written. */
  for (guint i = 0; clip_sums != NULL && i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      const char *sum = g_hash_table_lookup (clip_sums, clip->name);

      if (sum == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_FAILED,
                       _("The clip %s was not cut, so the package in %s is incomplete"),
                       clip->name, dir);
          return FALSE;
        }
      g_string_append_printf (manifest, "%s  clips/%s.mp4\n", sum, clip->name);
    }

  return g_file_set_contents_full (manifest_path, manifest->str, manifest->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

gboolean
fidget_dataset_write (FidgetDataset  *self,
                      const char     *dir,
                      GCancellable   *cancellable,
                      GError        **error)
{
  GError *local_error = NULL;
  FolderState state;
  gboolean ok;

  g_return_val_if_fail (FIDGET_IS_DATASET (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!check_folder (dir, &state, error))
    return FALSE;
  ok = remove_manifest (dir, &local_error) &&
       write_package (self, dir, NULL, cancellable, &local_error);
  return finish_write (dir, state, ok, local_error, error);
}

gboolean
fidget_dataset_write_clips (FidgetDataset           *self,
                            const char              *dir,
                            const FidgetClipParams  *params,
                            GCancellable            *cancellable,
                            FidgetProgressFunc       progress,
                            gpointer                 progress_data,
                            FidgetClipReport        *report,
                            GError                 **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GHashTable) by_video = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) sums = NULL;
  g_autofree char *clip_dir = NULL;
  GError *local_error = NULL;
  FolderState state;
  gboolean ok;

  g_return_val_if_fail (FIDGET_IS_DATASET (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!check_folder (dir, &state, error))
    return FALSE;
  if (!remove_manifest (dir, &local_error))
    return finish_write (dir, state, FALSE, local_error, error);

  /* One source per video, each with its clips. */
  for (guint i = 0; i < self->clips->len; i++)
    {
      const FidgetDatasetClip *clip = &g_array_index (self->clips, FidgetDatasetClip, i);
      FidgetClipSource *source = g_hash_table_lookup (by_video, &clip->video->id);
      FidgetClipSpec spec = { clip->name, clip->segment->start_frame, clip->segment->end_frame };

      if (source == NULL)
        {
          source = g_new0 (FidgetClipSource, 1);
          source->path = clip->video_path;
          source->content_hash = clip->video->content_hash;
          source->fps_num = clip->video->fps_num;
          source->fps_den = clip->video->fps_den;
          source->frame_count = clip->video->frame_count;
          source->clips = g_array_new (FALSE, FALSE, sizeof (FidgetClipSpec));
          g_hash_table_insert (by_video, (gpointer) &clip->video->id, source);
          g_ptr_array_add (sources, source);
        }
      g_array_append_val (source->clips, spec);
    }

  clip_dir = g_build_filename (dir, "clips", NULL);
  ok = fidget_clips_cut (clip_dir, sources, params, cancellable, progress, progress_data, report,
                         &sums, &local_error) &&
       write_package (self, dir, sums, cancellable, &local_error);

  for (guint i = 0; i < sources->len; i++)
    {
      FidgetClipSource *source = g_ptr_array_index (sources, i);
      g_array_unref (source->clips);
      g_free (source);
    }
  return finish_write (dir, state, ok, local_error, error);
}

/* }}} */
/* {{{ Verifying */

static char *
checksum_file (const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (1 << 16);
  gssize n;

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 1 << 16, cancellable,
                                   error)) > 0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (checksum));
}

gboolean
fidget_dataset_verify_package (const char    *dir,
                               guint         *n_files,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree char *manifest_path = g_build_filename (dir, MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n = 0;

  if (!g_file_get_contents (manifest_path, &text, NULL, &local_error))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                   _("%s is not a complete package: %s"), dir, local_error->message);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_autofree char *path = NULL;
      g_autofree char *sum = NULL;
      const char *name;

      if (*line == '\0')
        continue;
      name = line + 64;
      if (strlen (line) < 67 || strncmp (name, "  ", 2) != 0 || name[2] == '/' ||
          strstr (name, "..") != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("%s line %u is not “checksum  file” of a file in the package"),
                       manifest_path, i + 1);
          return FALSE;
        }
      name += 2;
      path = g_build_filename (dir, name, NULL);
      sum = checksum_file (path, cancellable, &local_error);
      if (sum == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("The package file %s cannot be read: %s"), path, local_error->message);
          return FALSE;
        }
      if (strncmp (sum, line, 64) != 0)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT,
                       _("The package file %s has changed since it was written (its SHA-256 "
                         "differs from %s)"), path, MANIFEST_NAME);
          return FALSE;
        }
      n++;
    }
  if (n_files != NULL)
    *n_files = n;
  return TRUE;
}

/* }}} */
