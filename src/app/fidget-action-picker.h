/* fidget-action-picker.h: choose an action: 7 groups, search as you type, recent first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fidget-taxonomy.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_ACTION_PICKER (fidget_action_picker_get_type ())

G_DECLARE_FINAL_TYPE (FidgetActionPicker, fidget_action_picker, FIDGET, ACTION_PICKER, GtkPopover)

GtkWidget  *fidget_action_picker_new             (void);

void        fidget_action_picker_set_taxonomy    (FidgetActionPicker *self,
                                                  FidgetTaxonomy     *taxonomy);
/* Most recent first; shown above the groups. */
void        fidget_action_picker_set_recent      (FidgetActionPicker *self,
                                                  const char * const *codes);
/* The model's top five for the segment at hand, with probabilities; NULL empties the slot
 * (filled by the MANet engine). */
void        fidget_action_picker_set_suggestions (FidgetActionPicker *self,
                                                  const char * const *codes,
                                                  const double       *probabilities);

/* What the slot says while it has no suggestions (why, or that they are on their way); NULL
 * for the default. */
void        fidget_action_picker_set_suggestions_note (FidgetActionPicker *self,
                                                       const char         *note);
const char *fidget_action_picker_get_suggestions_note (FidgetActionPicker *self);
/* The codes in the slot, most probable first, or NULL when it is empty. */
const char * const *
            fidget_action_picker_get_suggested_codes  (FidgetActionPicker *self);

/* Clears the search and shows the picker, the search entry focused. */
void        fidget_action_picker_present         (FidgetActionPicker *self);

/* For tests: what the list shows now, codes in order (recent rows included). */
GStrv       fidget_action_picker_get_visible_codes (FidgetActionPicker *self);
GtkEditable *fidget_action_picker_get_search_entry (FidgetActionPicker *self);

G_END_DECLS
