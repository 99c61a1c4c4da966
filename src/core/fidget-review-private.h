/* fidget-review-private.h: the review rules the store calls into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-review.h"

G_BEGIN_DECLS

/* Inside the caller's transaction: may the project's actor add, change or delete (@what, for
 * the message) a segment of @owner_id on @video_id? See fidget-review.h for the rules. A
 * checker's first addition moves a self-checked video to cross-checking. */
gboolean    fidget_review_check_segment_edit    (FidgetProject *project,
                                                 gint64         video_id,
                                                 gint64         owner_id,
                                                 const char    *owner_name,
                                                 const char    *what,
                                                 GError       **error);

/* May the project's actor see a segment of @owner_id on @video_id (blind cross-check)? */
gboolean    fidget_review_check_segment_visible (FidgetProject *project,
                                                 gint64         video_id,
                                                 gint64         owner_id,
                                                 const char    *owner_name,
                                                 GError       **error);

/* The (video, annotator) pairs whose segments the actor may not see now, on @video_id or on
 * every video (0); NULL when there are none. */
GHashTable *fidget_review_hidden_for_actor      (FidgetProject *project,
                                                 gint64         video_id);
gboolean    fidget_review_hidden_contains       (GHashTable    *hidden,
                                                 gint64         video_id,
                                                 gint64         annotator_id);

/* Is @entry one the actor may not see now: written by another checker of a video whose
 * cross-check is blind for the actor (@hidden from fidget_review_hidden_for_actor())?
 * @ids caches names to annotator ids across calls (g_str_hash of names, owned keys). */
gboolean    fidget_review_audit_entry_hidden    (FidgetProject          *project,
                                                 GHashTable             *hidden,
                                                 GHashTable             *ids,
                                                 const FidgetAuditEntry *entry);

/* What settling a video would give now, without writing anything (benchmarks, previews). */
typedef struct
{
  guint n_kept;
  guint n_dropped;
  guint n_disputes;
} FidgetConsensusCounts;

gboolean    fidget_review_preview_consensus     (FidgetProject         *project,
                                                 gint64                 video_id,
                                                 FidgetConsensusCounts *counts,
                                                 GError               **error);

G_END_DECLS
