/* fidget-taxonomy-private.h: building a taxonomy (for the project store and tests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-taxonomy.h"

G_BEGIN_DECLS

/* One row of the built-in MA-52 table (fidget-taxonomy-ma52.c). Strings are marked N_(). */
typedef struct
{
  const char *code;
  const char *name;
  const char *description;
  int         body_part_index;
  int         model_index;
} FidgetBuiltinAction;

typedef struct
{
  const char *code;
  const char *name;
  const char *color;
} FidgetBuiltinBodyPart;

extern const FidgetBuiltinBodyPart fidget_ma52_body_parts[];
extern const guint                 fidget_ma52_n_body_parts;
extern const FidgetBuiltinAction   fidget_ma52_actions[];
extern const guint                 fidget_ma52_n_actions;

FidgetTaxonomy       *fidget_taxonomy_new              (void);
/* Append in display order; the taxonomy copies the strings. Returns NULL (with a warning)
 * when a code repeats or the body part is unknown. */
const FidgetBodyPart *fidget_taxonomy_append_body_part (FidgetTaxonomy *self,
                                                        gint64          id,
                                                        const char     *code,
                                                        const char     *name,
                                                        const char     *color);
const FidgetAction   *fidget_taxonomy_append_action    (FidgetTaxonomy *self,
                                                        gint64          id,
                                                        const char     *code,
                                                        const char     *name,
                                                        const char     *description,
                                                        const char     *body_part_code,
                                                        int             model_index);

G_END_DECLS
