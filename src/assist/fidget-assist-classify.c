/* fidget-assist-classify.c: MANet's prediction for a clip, read through the taxonomy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fidget-assist.h"

void
fidget_assist_prediction_free (FidgetAssistPrediction *self)
{
  if (self == NULL)
    return;
  g_free (self->logits);
  g_free (self->probabilities);
  g_free (self->body_parts);
  g_free (self);
}

FidgetAssistPrediction *
fidget_assist_predict (FidgetManet    *model,
                       FidgetTaxonomy *taxonomy,
                       const float    *clip,
                       GError        **error)
{
  g_autoptr(FidgetAssistPrediction) self = g_new0 (FidgetAssistPrediction, 1);
  double max_logit, total = 0.0;
  int n;

  g_return_val_if_fail (model != NULL && FIDGET_IS_TAXONOMY (taxonomy) && clip != NULL, NULL);

  n = self->n_classes = fidget_manet_get_n_classes (model);
  self->logits = g_new (float, n);
  if (!fidget_manet_forward (model, clip, FIDGET_MANET_FRAMES, FIDGET_ASSIST_CROP,
                             FIDGET_ASSIST_CROP, self->logits, NULL, NULL, error))
    return NULL;

  /* Softmax of the frame-averaged logits, in double so that no class underflows to a
   * misleading zero. */
  self->probabilities = g_new (double, n);
  max_logit = self->logits[0];
  for (int i = 1; i < n; i++)
    max_logit = MAX (max_logit, self->logits[i]);
  for (int i = 0; i < n; i++)
    total += self->probabilities[i] = exp ((double) self->logits[i] - max_logit);
  for (int i = 0; i < n; i++)
    self->probabilities[i] /= total;

  /* The top classes by logit; of equal logits the lower index comes first. */
  for (int k = 0; k < FIDGET_ASSIST_TOP_K; k++)
    {
      self->top[k] = -1;
      for (int i = 0; i < n; i++)
        {
          gboolean taken = FALSE;

          for (int j = 0; j < k; j++)
            taken |= self->top[j] == i;
          if (!taken && (self->top[k] < 0 || self->logits[i] > self->logits[self->top[k]]))
            self->top[k] = i;
        }
    }

  /* A body part's probability is the sum of its actions' (MANET.md). */
  self->n_body_parts = fidget_taxonomy_get_n_body_parts (taxonomy);
  self->body_parts = g_new0 (double, self->n_body_parts);
  for (int i = 0; i < n; i++)
    {
      const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (taxonomy, i);

      if (action != NULL && action->body_part != NULL &&
          action->body_part->index >= 0 && (guint) action->body_part->index < self->n_body_parts)
        self->body_parts[action->body_part->index] += self->probabilities[i];
    }
  return g_steal_pointer (&self);
}

const char *
fidget_assist_weights_help (void)
{
  return "MANet's weights come from the checkpoint that the MA-52 authors released with their "
         "benchmark (“Benchmarking Micro-action Recognition”, TCSVT 2024; an mmaction2 .pth "
         "file), or from your own fine-tuned one; convert it once with “python3 "
         "tools/convert_weights.py CHECKPOINT.pth manet.safetensors” (needs python3-torch, no "
         "mmcv) and pass the .safetensors file with --weights";
}
