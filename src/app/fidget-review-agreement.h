/* fidget-review-agreement.h: how far the annotators agree: kappas, per body part and action,
 * and the confusion heat map of two of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-agreement.h"
#include "fidget-project.h"

G_BEGIN_DECLS

#define FIDGET_TYPE_REVIEW_AGREEMENT (fidget_review_agreement_get_type ())

G_DECLARE_FINAL_TYPE (FidgetReviewAgreement, fidget_review_agreement, FIDGET, REVIEW_AGREEMENT,
                      GtkWidget)

GtkWidget                   *fidget_review_agreement_new         (void);

void                         fidget_review_agreement_set_project (FidgetReviewAgreement *self,
                                                                  FidgetProject         *project);
/* The scope: one video, or the whole project with 0. Computes the report again. */
void                         fidget_review_agreement_set_video   (FidgetReviewAgreement *self,
                                                                  gint64                 video_id);
gint64                       fidget_review_agreement_get_video   (FidgetReviewAgreement *self);
/* Computes the report again from the project (as the refresh button does). */
void                         fidget_review_agreement_refresh     (FidgetReviewAgreement *self);

/* For the tests: the report shown (NULL before one is computed), a cell of one of the tables
 * ("pairs", "body-parts", "actions"; row 0 is the first row under the headings), the
 * overview's values ("videos", "fleiss", "fleiss-time-slice"), and the heat map's pair. */
const FidgetAgreementReport *fidget_review_agreement_get_report  (FidgetReviewAgreement *self);
const char                  *fidget_review_agreement_get_cell    (FidgetReviewAgreement *self,
                                                                  const char            *table,
                                                                  guint                  row,
                                                                  guint                  column);
const char                  *fidget_review_agreement_get_value   (FidgetReviewAgreement *self,
                                                                  const char            *name);
GdkPaintable                *fidget_review_agreement_get_heat_map (FidgetReviewAgreement *self);

/* How the view writes a kappa: three decimals, a dash for none (NaN). */
char                        *fidget_review_agreement_format_kappa (double kappa);

G_END_DECLS
