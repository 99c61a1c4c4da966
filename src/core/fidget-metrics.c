/* fidget-metrics.c: classification scores as the MA-52 benchmark reports them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-csv.h"
#include "fidget-error.h"
#include "fidget-metrics.h"

/* {{{ FidgetClassScores */

struct _FidgetClassScores
{
  guint  n_classes;
  guint  n_samples;
  /* hits[k]: clips whose true class is the prediction ranked k (0-based), so top-k accuracy
   * is the sum of the first k entries. */
  guint  hits[FIDGET_METRICS_TOP_K];
  guint  hits_beyond;   /* found further down a longer ranking than FIDGET_METRICS_TOP_K */
  guint *confusion;     /* n_classes x n_classes, row = truth, column = top-1 prediction */
  guint *support;       /* per class: true clips */
  guint *predicted;     /* per class: top-1 predictions */
};

FidgetClassScores *
fidget_class_scores_new (guint n_classes)
{
  FidgetClassScores *self;

  g_return_val_if_fail (n_classes > 0 && n_classes <= 4096, NULL);

  self = g_new0 (FidgetClassScores, 1);
  self->n_classes = n_classes;
  self->confusion = g_new0 (guint, (gsize) n_classes * n_classes);
  self->support = g_new0 (guint, n_classes);
  self->predicted = g_new0 (guint, n_classes);
  return self;
}

void
fidget_class_scores_free (FidgetClassScores *self)
{
  if (self == NULL)
    return;
  g_free (self->confusion);
  g_free (self->support);
  g_free (self->predicted);
  g_free (self);
}

void
fidget_class_scores_add (FidgetClassScores *self,
                         guint              truth,
                         const guint       *ranked,
                         guint              n_ranked)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (truth < self->n_classes);
  g_return_if_fail (ranked != NULL && n_ranked >= 1);
  for (guint i = 0; i < n_ranked; i++)
    g_return_if_fail (ranked[i] < self->n_classes);

  self->n_samples++;
  self->support[truth]++;
  self->predicted[ranked[0]]++;
  self->confusion[(gsize) truth * self->n_classes + ranked[0]]++;

  /* The first occurrence counts: a ranking that repeats a class is not rewarded twice. */
  for (guint i = 0; i < n_ranked; i++)
    if (ranked[i] == truth)
      {
        if (i < FIDGET_METRICS_TOP_K)
          self->hits[i]++;
        else
          self->hits_beyond++;
        break;
      }
}

guint
fidget_class_scores_get_n_classes (FidgetClassScores *self)
{
  return self->n_classes;
}

guint
fidget_class_scores_get_n_samples (FidgetClassScores *self)
{
  return self->n_samples;
}

gboolean
fidget_class_scores_is_present (FidgetClassScores *self,
                                guint              cls)
{
  g_return_val_if_fail (cls < self->n_classes, FALSE);

  return self->support[cls] > 0 || self->predicted[cls] > 0;
}

guint
fidget_class_scores_get_n_present (FidgetClassScores *self)
{
  guint n = 0;

  for (guint c = 0; c < self->n_classes; c++)
    if (fidget_class_scores_is_present (self, c))
      n++;
  return n;
}

double
fidget_class_scores_get_accuracy (FidgetClassScores *self,
                                  guint              k)
{
  guint hits = 0;

  g_return_val_if_fail (k >= 1 && k <= FIDGET_METRICS_TOP_K, 0.0);

  if (self->n_samples == 0)
    return 0.0;
  for (guint i = 0; i < k; i++)
    hits += self->hits[i];
  return (double) hits / self->n_samples;
}

void
fidget_class_scores_get_class (FidgetClassScores *self,
                               guint              cls,
                               FidgetClassScore  *score)
{
  g_return_if_fail (cls < self->n_classes);

  memset (score, 0, sizeof *score);
  score->support = self->support[cls];
  score->predicted = self->predicted[cls];
  score->tp = self->confusion[(gsize) cls * self->n_classes + cls];
  score->fp = score->predicted - score->tp;
  score->fn = score->support - score->tp;
  /* scikit-learn's zero_division default: a ratio with nothing to divide by counts as 0. */
  score->precision = score->predicted > 0 ? (double) score->tp / score->predicted : 0.0;
  score->recall = score->support > 0 ? (double) score->tp / score->support : 0.0;
  score->f1 = score->tp > 0 ? 2.0 * score->tp / (2.0 * score->tp + score->fp + score->fn) : 0.0;
}

double
fidget_class_scores_get_f1_micro (FidgetClassScores *self)
{
  guint64 tp = 0, fp = 0, fn = 0;

  for (guint c = 0; c < self->n_classes; c++)
    {
      FidgetClassScore score;

      fidget_class_scores_get_class (self, c, &score);
      tp += score.tp;
      fp += score.fp;
      fn += score.fn;
    }
  return tp > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
}

double
fidget_class_scores_get_f1_macro (FidgetClassScores *self)
{
  double sum = 0.0;
  guint n = 0;

  /* In class order, as numpy sums scikit-learn's sorted labels. */
  for (guint c = 0; c < self->n_classes; c++)
    {
      FidgetClassScore score;

      if (!fidget_class_scores_is_present (self, c))
        continue;
      fidget_class_scores_get_class (self, c, &score);
      sum += score.f1;
      n++;
    }
  return n > 0 ? sum / n : 0.0;
}

guint
fidget_class_scores_get_confusion (FidgetClassScores *self,
                                   guint              truth,
                                   guint              predicted)
{
  g_return_val_if_fail (truth < self->n_classes && predicted < self->n_classes, 0);

  return self->confusion[(gsize) truth * self->n_classes + predicted];
}

/* }}} */
/* {{{ Summary */

void
fidget_metrics_summarize (FidgetClassScores    *fine,
                          FidgetClassScores    *coarse,
                          FidgetMetricsSummary *summary)
{
  g_return_if_fail (fine != NULL && coarse != NULL && summary != NULL);

  memset (summary, 0, sizeof *summary);
  summary->n_clips = fine->n_samples;
  summary->acc_top1_fine = fidget_class_scores_get_accuracy (fine, 1);
  summary->acc_top5_fine = fidget_class_scores_get_accuracy (fine, 5);
  summary->acc_top1_coarse = fidget_class_scores_get_accuracy (coarse, 1);
  summary->f1_micro_fine = fidget_class_scores_get_f1_micro (fine);
  summary->f1_macro_fine = fidget_class_scores_get_f1_macro (fine);
  summary->f1_micro_coarse = fidget_class_scores_get_f1_micro (coarse);
  summary->f1_macro_coarse = fidget_class_scores_get_f1_macro (coarse);
  summary->f1_mean = (summary->f1_micro_fine + summary->f1_macro_fine +
                      summary->f1_micro_coarse + summary->f1_macro_coarse) / 4.0;
}

/* }}} */
/* {{{ Parsing */

void
fidget_truth_entry_free (FidgetTruthEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->file);
  g_free (entry->vid);
  g_free (entry);
}

void
fidget_prediction_row_free (FidgetPredictionRow *row)
{
  if (row == NULL)
    return;
  g_free (row->vid);
  g_free (row);
}

char *
fidget_metrics_vid_from_file (const char *file)
{
  const char *base;
  const char *dot;

  g_return_val_if_fail (file != NULL, NULL);

  /* Lists written on Windows use backslashes. */
  base = strrchr (file, '/');
  base = base != NULL ? base + 1 : file;
  if (strrchr (base, '\\') != NULL)
    base = strrchr (base, '\\') + 1;
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    return g_strndup (base, dot - base);
  return g_strdup (base);
}

static gboolean
parse_class (const char  *text,
             guint        n_classes,
             guint       *value)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, n_classes - 1, &v, NULL))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

/* A short, printable excerpt of what a line held, for messages. */
static char *
excerpt (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = valid; *p != '\0' && n < 40; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (n == 40)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

GPtrArray *
fidget_metrics_parse_truth_list (const char  *display_name,
                                 const char  *contents,
                                 gsize        length,
                                 guint        n_classes,
                                 GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_truth_entry_free);
  g_autoptr(GHashTable) by_vid = g_hash_table_new (g_str_hash, g_str_equal);
  const char *p = contents;
  const char *end = contents + length;
  guint line = 0;

  g_return_val_if_fail (contents != NULL || length == 0, NULL);
  g_return_val_if_fail (n_classes > 0, NULL);

  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      g_autofree char *text = NULL;
      g_auto(GStrv) tokens = NULL;
      g_autoptr(GPtrArray) fields = g_ptr_array_new ();
      FidgetTruthEntry *entry;
      FidgetTruthEntry *other;

      if (eol == NULL)
        eol = end;
      line++;
      if (memchr (p, '\0', eol - p) != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the file holds a NUL byte (it is not a text list)"),
                       display_name, line);
          return NULL;
        }
      text = g_strndup (p, eol - p);
      p = eol + 1;

      if (!g_utf8_validate (text, -1, NULL))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the text is not valid UTF-8"), display_name, line);
          return NULL;
        }
      g_strstrip (text);
      if (*text == '\0')
        continue;

      tokens = g_strsplit_set (text, " \t", -1);
      for (guint i = 0; tokens[i] != NULL; i++)
        if (*tokens[i] != '\0')
          g_ptr_array_add (fields, tokens[i]);

      if (fields->len != 2)
        {
          g_autofree char *shown = excerpt (text);
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: “%s” is not “file label” (a file name without spaces, "
                         "then one class index)"), display_name, line, shown);
          return NULL;
        }

      entry = g_new0 (FidgetTruthEntry, 1);
      entry->file = g_strdup (g_ptr_array_index (fields, 0));
      entry->vid = fidget_metrics_vid_from_file (entry->file);
      entry->line = line;
      g_ptr_array_add (entries, entry);

      if (!parse_class (g_ptr_array_index (fields, 1), n_classes, &entry->label))
        {
          g_autofree char *shown = excerpt (g_ptr_array_index (fields, 1));
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the label “%s” is not a class index (a whole number from "
                         "0 to %u)"), display_name, line, shown, n_classes - 1);
          return NULL;
        }
      if (*entry->vid == '\0')
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: “%s” names no file"), display_name, line, entry->file);
          return NULL;
        }
      other = g_hash_table_lookup (by_vid, entry->vid);
      if (other != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the clip “%s” is listed twice (first on line %u)"),
                       display_name, line, entry->vid, other->line);
          return NULL;
        }
      g_hash_table_insert (by_vid, entry->vid, entry);
    }

  if (entries->len == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%s lists no clips (expected lines “file label”)"), display_name);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static const char *prediction_columns[] = {
  "vid",
  "action_pred_1", "action_pred_2", "action_pred_3", "action_pred_4", "action_pred_5",
  "body_pred_1", "body_pred_2", "body_pred_3", "body_pred_4", "body_pred_5",
};
#define N_PREDICTION_COLUMNS G_N_ELEMENTS (prediction_columns)

GPtrArray *
fidget_metrics_parse_predictions (const char  *display_name,
                                  const char  *contents,
                                  gsize        length,
                                  guint        n_fine,
                                  guint        n_coarse,
                                  GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_prediction_row_free);
  g_autoptr(GHashTable) by_vid = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(FidgetCsvReader) reader = NULL;
  g_autoptr(GError) header_error = NULL;
  const char *const *fields;
  guint n_fields;
  int column[N_PREDICTION_COLUMNS];
  guint n_header;

  g_return_val_if_fail (contents != NULL || length == 0, NULL);
  g_return_val_if_fail (n_fine > 0 && n_coarse > 0, NULL);

  reader = fidget_csv_reader_new (display_name, contents, length);
  if (!fidget_csv_reader_next (reader, &fields, &n_fields, &header_error))
    {
      if (header_error != NULL)
        g_propagate_error (error, g_steal_pointer (&header_error));
      else
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("%s is empty (expected a header “vid,action_pred_1,…,body_pred_5” and "
                       "one row per clip)"), display_name);
      return NULL;
    }

  for (guint i = 0; i < N_PREDICTION_COLUMNS; i++)
    column[i] = -1;
  n_header = n_fields;
  for (guint f = 0; f < n_fields; f++)
    {
      g_autofree char *name = g_strstrip (g_ascii_strdown (fields[f], -1));

      for (guint i = 0; i < N_PREDICTION_COLUMNS; i++)
        if (strcmp (name, prediction_columns[i]) == 0)
          {
            if (column[i] >= 0)
              {
                g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                             _("%s line %u: the header names the column “%s” twice"),
                             display_name, fidget_csv_reader_get_line (reader),
                             prediction_columns[i]);
                return NULL;
              }
            column[i] = f;
          }
    }
  for (guint i = 0; i < N_PREDICTION_COLUMNS; i++)
    if (column[i] < 0)
      {
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("%s line %u: the header has no column “%s” (expected vid, "
                       "action_pred_1 to action_pred_5 and body_pred_1 to body_pred_5)"),
                     display_name, fidget_csv_reader_get_line (reader), prediction_columns[i]);
        return NULL;
      }

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      FidgetPredictionRow *row;
      FidgetPredictionRow *other;
      guint line;

      if (!fidget_csv_reader_next (reader, &fields, &n_fields, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          break;
        }
      line = fidget_csv_reader_get_line (reader);
      if (n_fields != n_header)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: %u fields where the header has %u"),
                       display_name, line, n_fields, n_header);
          return NULL;
        }

      row = g_new0 (FidgetPredictionRow, 1);
      row->line = line;
      g_ptr_array_add (rows, row);
      {
        g_autofree char *vid = g_strstrip (g_strdup (fields[column[0]]));

        row->vid = fidget_metrics_vid_from_file (vid);
      }
      if (*row->vid == '\0')
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the vid is empty"), display_name, line);
          return NULL;
        }
      for (guint k = 0; k < FIDGET_METRICS_TOP_K; k++)
        {
          const struct { guint column; guint n; guint *value; } cells[] = {
            { 1 + k, n_fine, &row->action[k] },
            { 1 + FIDGET_METRICS_TOP_K + k, n_coarse, &row->body[k] },
          };

          for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
            {
              g_autofree char *text = g_strstrip (g_strdup (fields[column[cells[c].column]]));

              if (!parse_class (text, cells[c].n, cells[c].value))
                {
                  g_autofree char *shown = excerpt (text);
                  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                               _("%s line %u: %s “%s” is not a class index (a whole number "
                                 "from 0 to %u)"), display_name, line,
                               prediction_columns[cells[c].column], shown, cells[c].n - 1);
                  return NULL;
                }
            }
        }
      other = g_hash_table_lookup (by_vid, row->vid);
      if (other != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the clip “%s” is predicted twice (first on line %u)"),
                       display_name, line, row->vid, other->line);
          return NULL;
        }
      g_hash_table_insert (by_vid, row->vid, row);
    }

  if (rows->len == 0)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%s holds a header but no predictions"), display_name);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* }}} */
/* {{{ Evaluation */

gboolean
fidget_metrics_evaluate (GPtrArray           *truth,
                         const char          *truth_name,
                         GPtrArray           *predictions,
                         const char          *predictions_name,
                         const guint         *fine_to_coarse,
                         guint                n_fine,
                         guint                n_coarse,
                         FidgetClassScores  **fine,
                         FidgetClassScores  **coarse,
                         GError             **error)
{
  g_autoptr(GHashTable) truth_by_vid = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) predicted_by_vid = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(FidgetClassScores) fine_scores = NULL;
  g_autoptr(FidgetClassScores) coarse_scores = NULL;
  guint n_missing = 0;
  FidgetTruthEntry *first_missing = NULL;

  g_return_val_if_fail (truth != NULL && predictions != NULL, FALSE);
  g_return_val_if_fail (fine_to_coarse != NULL, FALSE);
  for (guint c = 0; c < n_fine; c++)
    g_return_val_if_fail (fine_to_coarse[c] < n_coarse, FALSE);

  for (guint i = 0; i < truth->len; i++)
    {
      FidgetTruthEntry *entry = g_ptr_array_index (truth, i);

      g_return_val_if_fail (entry->label < n_fine, FALSE);
      g_hash_table_insert (truth_by_vid, entry->vid, entry);
    }
  for (guint i = 0; i < predictions->len; i++)
    {
      FidgetPredictionRow *row = g_ptr_array_index (predictions, i);

      if (!g_hash_table_contains (truth_by_vid, row->vid))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                       _("%s line %u: the clip “%s” is not in %s"),
                       predictions_name, row->line, row->vid, truth_name);
          return FALSE;
        }
      g_hash_table_insert (predicted_by_vid, row->vid, row);
    }
  for (guint i = 0; i < truth->len; i++)
    {
      FidgetTruthEntry *entry = g_ptr_array_index (truth, i);

      if (!g_hash_table_contains (predicted_by_vid, entry->vid))
        {
          if (first_missing == NULL)
            first_missing = entry;
          n_missing++;
        }
    }
  if (n_missing > 0)
    {
      if (n_missing == 1)
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                     _("%s has no prediction for the clip “%s” (%s line %u)"),
                     predictions_name, first_missing->vid, truth_name, first_missing->line);
      else
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                     _("%s has no prediction for %u clips, the first “%s” (%s line %u)"),
                     predictions_name, n_missing, first_missing->vid, truth_name,
                     first_missing->line);
      return FALSE;
    }

  fine_scores = fidget_class_scores_new (n_fine);
  coarse_scores = fidget_class_scores_new (n_coarse);
  /* In the truth's order, so that sums run the same way on every machine. */
  for (guint i = 0; i < truth->len; i++)
    {
      FidgetTruthEntry *entry = g_ptr_array_index (truth, i);
      FidgetPredictionRow *row = g_hash_table_lookup (predicted_by_vid, entry->vid);

      fidget_class_scores_add (fine_scores, entry->label, row->action, FIDGET_METRICS_TOP_K);
      fidget_class_scores_add (coarse_scores, fine_to_coarse[entry->label], row->body,
                               FIDGET_METRICS_TOP_K);
    }

  *fine = g_steal_pointer (&fine_scores);
  *coarse = g_steal_pointer (&coarse_scores);
  return TRUE;
}

/* }}} */
