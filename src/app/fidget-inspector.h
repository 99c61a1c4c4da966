/* fidget-inspector.h: the selected segment's facts, edited in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-project.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_INSPECTOR (fidget_inspector_get_type ())

G_DECLARE_FINAL_TYPE (FidgetInspector, fidget_inspector, FIDGET, INSPECTOR, GtkWidget)

GtkWidget           *fidget_inspector_new         (void);

/* Every change made here goes to @project at once; a refusal is emitted as ::refused and
 * the fields show the stored values again. */
void                 fidget_inspector_set_project (FidgetInspector     *self,
                                                   FidgetProject       *project);
/* @segment is copied; NULL shows that nothing is selected. @editable: one's own segment. */
void                 fidget_inspector_set_segment (FidgetInspector     *self,
                                                   const FidgetSegment *segment,
                                                   int                  fps_num,
                                                   int                  fps_den,
                                                   gboolean             editable);
const FidgetSegment *fidget_inspector_get_segment (FidgetInspector     *self);

/* For tests. */
GtkSpinButton       *fidget_inspector_get_start_spin  (FidgetInspector *self);
GtkSpinButton       *fidget_inspector_get_last_spin   (FidgetInspector *self);
GtkEditable         *fidget_inspector_get_note_entry  (FidgetInspector *self);
AdwComboRow         *fidget_inspector_get_emotion     (FidgetInspector *self);
GtkSwitch           *fidget_inspector_get_flag_switch (FidgetInspector *self);
GtkLabel            *fidget_inspector_get_duration    (FidgetInspector *self);

G_END_DECLS
