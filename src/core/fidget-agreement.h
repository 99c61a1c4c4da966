/* fidget-agreement.h: matching segments across people, and agreement between them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-project.h"

G_BEGIN_DECLS

/* Segments are matched when their temporal IoU is at least this. */
#define FIDGET_MATCH_MIN_TIOU 0.5

/* A labelled span of frames [start, end) by one rater: what the matcher and the kappas see. */
typedef struct
{
  gint64 start_frame;
  gint64 end_frame;
  int    label;        /* a category, >= 0 */
  guint  rater;        /* 0-based, below FIDGET_MAX_RATERS */
} FidgetInterval;

#define FIDGET_MAX_RATERS 64

typedef struct
{
  guint a;             /* index into the first array */
  guint b;             /* index into the second */
} FidgetMatch;

/* Intersection over union of two half-open spans; 0 when either is empty. */
double  fidget_tiou                 (gint64                a_start,
                                     gint64                a_end,
                                     gint64                b_start,
                                     gint64                b_end);

/* Greedy one-to-one matching: the pair with the highest tIoU first, then the highest of what
 * is left, never below FIDGET_MATCH_MIN_TIOU; equal tIoUs go to the earlier index of @a, then
 * of @b. Labels play no part. Writes at most MIN (n_a, n_b) matches, ordered by @a's index,
 * and returns how many. */
guint   fidget_match_intervals      (const FidgetInterval *a,
                                     guint                 n_a,
                                     const FidgetInterval *b,
                                     guint                 n_b,
                                     FidgetMatch          *matches);

/* The same rule across any number of raters: candidate pairs of different raters are taken
 * in order of tIoU (highest first) and join their groups when the joined group still holds at
 * most one span per rater and every two of its spans are matched (tIoU >= 0.5). With two
 * raters this is exactly fidget_match_intervals(). Sets @group_of[i] for every item (groups
 * numbered by their earliest start) and returns the number of groups. */
guint   fidget_group_intervals      (const FidgetInterval *items,
                                     guint                 n_items,
                                     guint                *group_of);

/* {{{ Kappas on tables: NaN when undefined (no units, or chance agreement of 1) */

/* Cohen's kappa of an @n x @n confusion matrix (row-major, rows one rater, columns the
 * other). The _without_last variant leaves out the last category (events: "none", so it is
 * the kappa of matched pairs only). _category is the kappa of @category against the rest. */
double  fidget_cohen_kappa               (const guint64        *confusion,
                                          guint                 n);
double  fidget_cohen_kappa_without_last  (const guint64        *confusion,
                                          guint                 n);
double  fidget_cohen_kappa_category      (const guint64        *confusion,
                                          guint                 n,
                                          guint                 category);
/* From a 2 x 2 table { both, first only, second only, neither }. */
double  fidget_cohen_kappa_binary        (const guint64        *table);

/* Fleiss' kappa, accumulated one unit at a time. A unit may have any number of ratings (two
 * or more; units with fewer carry no agreement and are skipped): with the same number for
 * every unit this is Fleiss (1971) exactly, otherwise its usual generalisation (each unit's
 * agreement over its own pairs of ratings). */
typedef struct _FidgetFleiss FidgetFleiss;

FidgetFleiss *fidget_fleiss_new               (guint                 n_categories);
void          fidget_fleiss_free              (FidgetFleiss         *self);
/* @counts: how many ratings fell in each of the n_categories. */
void          fidget_fleiss_add_counts        (FidgetFleiss         *self,
                                               const guint          *counts);
/* @labels: each rating's category. */
void          fidget_fleiss_add_ratings       (FidgetFleiss         *self,
                                               const int            *labels,
                                               guint                 n_ratings);
guint64       fidget_fleiss_get_n_units       (FidgetFleiss         *self);
double        fidget_fleiss_kappa             (FidgetFleiss         *self);
/* Fleiss' kappa of @category against all the others (his kappa_j). */
double        fidget_fleiss_category_kappa    (FidgetFleiss         *self,
                                               guint                 category);
/* Mean agreement of the units and the agreement expected by chance (P-bar, P-bar-e). */
void          fidget_fleiss_get_agreement     (FidgetFleiss         *self,
                                               double               *observed,
                                               double               *expected);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetFleiss, fidget_fleiss_free)

/* }}} */
/* {{{ Agreement of segments: pure functions over spans */

/* Events: matched pairs compare labels; an unmatched span is paired with "none", the category
 * @n_categories. Adds to @confusion, (n_categories + 1)^2, rows @a, and to the counts. */
void    fidget_agreement_add_events      (const FidgetInterval *a,
                                          guint                 n_a,
                                          const FidgetInterval *b,
                                          guint                 n_b,
                                          guint                 n_categories,
                                          guint64              *confusion,
                                          guint                *n_matched,
                                          guint                *n_unmatched);

/* Time slices: each frame of [0, @n_frames) is a unit labelled with the category of the
 * span covering it (of the one that starts last where a rater's spans overlap; the lower
 * category on equal starts) or "none" (@n_categories). */
void    fidget_agreement_paint_frames    (const FidgetInterval *spans,
                                          guint                 n_spans,
                                          gint64                n_frames,
                                          guint                 n_categories,
                                          int                  *frames);
void    fidget_agreement_add_frames      (const FidgetInterval *a,
                                          guint                 n_a,
                                          const FidgetInterval *b,
                                          guint                 n_b,
                                          gint64                n_frames,
                                          guint                 n_categories,
                                          guint64              *confusion);

/* Per class, frame by frame: is the frame covered by a span of that class or not (so
 * overlapping spans of different classes each count). @class_of maps a span's label to its
 * class (NULL: the label is the class). Adds to @tables, 4 per class: frames covered by both,
 * by @a only, by @b only, by neither. */
void    fidget_agreement_add_class_frames (const FidgetInterval *a,
                                           guint                 n_a,
                                           const FidgetInterval *b,
                                           guint                 n_b,
                                           gint64                n_frames,
                                           const guint          *class_of,
                                           guint                 n_classes,
                                           guint64              *tables);

/* Three or more raters: the spans are grouped (fidget_group_intervals()) and each group is a
 * unit rated by all @n_raters, those without a span in it saying "none" (@n_categories). */
void    fidget_agreement_add_event_units (FidgetFleiss         *fleiss,
                                          const FidgetInterval *items,
                                          guint                 n_items,
                                          guint                 n_raters,
                                          guint                 n_categories,
                                          const guint          *class_of);

/* }}} */
/* {{{ A project's agreement */

typedef struct
{
  char   *a;                    /* annotator names, a < b */
  char   *b;
  guint   videos;               /* videos both rated */
  guint   matched;              /* matched pairs of segments */
  guint   unmatched;            /* segments of either left unmatched */
  double  cohen_kappa;          /* events, an unmatched segment against "none" */
  double  cohen_kappa_matched;  /* matched pairs only */
  double  body_part_kappa;      /* events, actions taken to their body part */
  double  time_slice_kappa;     /* frames */
} FidgetAgreementPair;

typedef struct
{
  char   *code;                 /* action or body part */
  guint   segments;             /* segments of it, every rater */
  double  cohen_kappa;          /* it against the rest, events of all pairs pooled */
  double  fleiss_kappa;         /* it against the rest, event units of >= 3 raters */
  double  time_slice_kappa;     /* frames covered by it or not, all pairs pooled */
} FidgetAgreementClass;

typedef struct
{
  guint      videos;            /* videos with at least two raters */
  GPtrArray *raters;            /* names (char *) of those compared, sorted */
  GPtrArray *pairs;             /* FidgetAgreementPair */
  double     fleiss_kappa;      /* events of videos with >= 3 raters, NaN without any */
  guint64    fleiss_units;
  guint      fleiss_videos;
  double     fleiss_time_slice_kappa;
  GPtrArray *body_parts;        /* FidgetAgreementClass, every body part */
  GPtrArray *actions;           /* FidgetAgreementClass, the actions that occur */
} FidgetAgreementReport;

void                   fidget_agreement_report_free (FidgetAgreementReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetAgreementReport, fidget_agreement_report_free)

/* Who rated a video: everyone with segments on it; for an assigned video, its primary once
 * the self-check is submitted and its checkers once the cross-check is over. A checker's
 * segments are their own ones plus their versions of the primary's (agree, relabel, adjust;
 * a rejection is no segment). While a cross-check lasts, its checkers' work is left out: it
 * is blind. @video_id 0 for the whole project. */
FidgetAgreementReport *fidget_project_agreement     (FidgetProject  *project,
                                                     gint64          video_id,
                                                     GError        **error);

/* The event confusion of two annotators (matched pairs and unmatched against "none"), over
 * the categories either used, "none" last: for the heat-map. */
typedef struct
{
  char     *a;
  char     *b;
  guint     n;                  /* categories, "none" included */
  char    **labels;             /* n codes, "none" last */
  guint64  *counts;             /* n x n, rows @a */
} FidgetConfusion;

void                   fidget_confusion_free        (FidgetConfusion *confusion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetConfusion, fidget_confusion_free)

FidgetConfusion       *fidget_project_confusion     (FidgetProject  *project,
                                                     gint64          video_id,
                                                     const char     *a,
                                                     const char     *b,
                                                     GError        **error);

/* }}} */

G_END_DECLS
