/* fidget-taxonomy.h: body parts and actions, the two-level label scheme
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  gint64      id;        /* row id in the project, 0 in the built-in table */
  const char *code;      /* "A" .. "G" for MA-52 */
  const char *name;      /* untranslated English; show it through fidget_taxonomy_translate() */
  const char *color;     /* "#rrggbb" */
  int         index;     /* 0-based position, the coarse label of the benchmark */
} FidgetBodyPart;

typedef struct
{
  gint64                id;
  const char           *code;         /* "B1" */
  const char           *name;         /* "nodding" (untranslated) */
  const char           *description;  /* one line on what sets it apart (untranslated) */
  const FidgetBodyPart *body_part;
  int                   model_index;  /* 0-based class of MANet, -1 for a project's own action */
  int                   index;        /* 0-based position in the taxonomy */
} FidgetAction;

#define FIDGET_TYPE_TAXONOMY (fidget_taxonomy_get_type ())

G_DECLARE_FINAL_TYPE (FidgetTaxonomy, fidget_taxonomy, FIDGET, TAXONOMY, GObject)

FidgetTaxonomy       *fidget_taxonomy_new_ma52                  (void);

guint                 fidget_taxonomy_get_n_body_parts          (FidgetTaxonomy *self);
const FidgetBodyPart *fidget_taxonomy_get_body_part             (FidgetTaxonomy *self,
                                                                 guint           index);
const FidgetBodyPart *fidget_taxonomy_lookup_body_part          (FidgetTaxonomy *self,
                                                                 const char     *code);

guint                 fidget_taxonomy_get_n_actions             (FidgetTaxonomy *self);
const FidgetAction   *fidget_taxonomy_get_action                (FidgetTaxonomy *self,
                                                                 guint           index);
const FidgetAction   *fidget_taxonomy_lookup_action             (FidgetTaxonomy *self,
                                                                 const char     *code);
const FidgetAction   *fidget_taxonomy_lookup_action_by_id       (FidgetTaxonomy *self,
                                                                 gint64          id);
const FidgetAction   *fidget_taxonomy_lookup_action_by_model_index (FidgetTaxonomy *self,
                                                                    int             model_index);
guint                 fidget_taxonomy_get_n_model_classes       (FidgetTaxonomy *self);

const char           *fidget_taxonomy_translate                 (const char     *str);

G_END_DECLS
