/* test-agreement.c: matching and kappas against hand-worked and published examples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fidget-agreement.h"
#include "fidget-error.h"
#include "fidget-review.h"
#include "fidget-test-util.h"

#define EPS 1e-9

static FidgetInterval
span (gint64 start,
      gint64 end,
      int    label)
{
  FidgetInterval s = { start, end, label, 0 };
  return s;
}

/* {{{ Matching */

static void
test_tiou (void)
{
  g_assert_cmpfloat_with_epsilon (fidget_tiou (0, 10, 0, 10), 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (fidget_tiou (0, 10, 1, 11), 9.0 / 11.0, EPS);
  g_assert_cmpfloat_with_epsilon (fidget_tiou (0, 10, 10, 20), 0.0, EPS);   /* half-open */
  g_assert_cmpfloat_with_epsilon (fidget_tiou (0, 10, 0, 20), 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (fidget_tiou (5, 5, 0, 20), 0.0, EPS);
}

static void
test_match_greedy (void)
{
  FidgetMatch m[4];
  /* Taking a's in order would give a1 its best (b1, 9/11) and leave a2 alone; the greedy
   * rule takes the best pair overall first: a2-b1 at 1.0. */
  const FidgetInterval a[] = { span (0, 10, 0), span (1, 11, 0) };
  const FidgetInterval b[] = { span (1, 11, 0) };
  /* Exactly 0.5 matches; just under does not. */
  const FidgetInterval half_a[] = { span (0, 10, 0), span (100, 110, 0) };
  const FidgetInterval half_b[] = { span (0, 20, 0), span (100, 121, 0) };
  /* Equal tIoUs go to the earlier index of a. */
  const FidgetInterval tie_a[] = { span (0, 10, 0), span (2, 12, 0) };
  const FidgetInterval tie_b[] = { span (1, 11, 0) };
  /* One-to-one: each span is used once; the result is ordered by a's index. */
  const FidgetInterval many_a[] = { span (50, 60, 0), span (0, 10, 0), span (20, 30, 0) };
  const FidgetInterval many_b[] = { span (0, 10, 0), span (21, 31, 0), span (1, 11, 0),
                                    span (49, 59, 0) };

  g_assert_cmpuint (fidget_match_intervals (a, 2, b, 1, m), ==, 1);
  g_assert_cmpuint (m[0].a, ==, 1);
  g_assert_cmpuint (m[0].b, ==, 0);

  g_assert_cmpuint (fidget_match_intervals (half_a, 2, half_b, 2, m), ==, 1);
  g_assert_cmpuint (m[0].a, ==, 0);

  g_assert_cmpuint (fidget_match_intervals (tie_a, 2, tie_b, 1, m), ==, 1);
  g_assert_cmpuint (m[0].a, ==, 0);

  g_assert_cmpuint (fidget_match_intervals (many_a, 3, many_b, 4, m), ==, 3);
  g_assert_cmpuint (m[0].a, ==, 0);
  g_assert_cmpuint (m[0].b, ==, 3);
  g_assert_cmpuint (m[1].a, ==, 1);
  g_assert_cmpuint (m[1].b, ==, 0);   /* 1.0 beats [1, 11) at 9/11 */
  g_assert_cmpuint (m[2].a, ==, 2);
  g_assert_cmpuint (m[2].b, ==, 1);

  g_assert_cmpuint (fidget_match_intervals (a, 2, NULL, 0, m), ==, 0);
}

static void
test_group (void)
{
  guint g[6];
  /* Three raters on one event: one group. */
  const FidgetInterval three[] = { { 0, 10, 0, 0 }, { 1, 11, 0, 1 }, { 2, 12, 0, 2 } };
  /* A chain: r0-r1 and r1-r2 match (7/13), r0-r2 do not (4/16): r1 joins only one of them,
   * the earlier pair on the equal tIoU. */
  const FidgetInterval chain[] = { { 0, 10, 0, 0 }, { 3, 13, 0, 1 }, { 6, 16, 0, 2 } };
  /* Two spans of the same rater never share a group. */
  const FidgetInterval same[] = { { 0, 10, 0, 0 }, { 0, 10, 0, 0 }, { 0, 10, 0, 1 } };

  g_assert_cmpuint (fidget_group_intervals (three, 3, g), ==, 1);
  g_assert_cmpuint (g[0], ==, g[2]);

  g_assert_cmpuint (fidget_group_intervals (chain, 3, g), ==, 2);
  g_assert_cmpuint (g[0], ==, g[1]);
  g_assert_cmpuint (g[2], !=, g[1]);

  g_assert_cmpuint (fidget_group_intervals (same, 3, g), ==, 2);
  g_assert_cmpuint (g[0], ==, g[2]);
  g_assert_cmpuint (g[1], !=, g[0]);
}

/* }}} */
/* {{{ Kappas */

/* The hand-worked events: a = B1 [0,10) B2 [20,30) C1 [40,50) C1 [60,70),
 * b = B1 [1,11) B3 [20,30) C1 [45,55) D1 [80,90); categories B1 B2 B3 C1 D1 = 0..4, none 5. */
enum { B1, B2, B3, C1, D1, NONE };

static const FidgetInterval hand_a[] = {
  { 0, 10, B1, 0 }, { 20, 30, B2, 0 }, { 40, 50, C1, 0 }, { 60, 70, C1, 0 },
};
static const FidgetInterval hand_b[] = {
  { 1, 11, B1, 1 }, { 20, 30, B3, 1 }, { 45, 55, C1, 1 }, { 80, 90, D1, 1 },
};

static void
test_cohen_events (void)
{
  guint64 m[6 * 6] = { 0 };
  guint matched = 0, unmatched = 0;

  fidget_agreement_add_events (hand_a, 4, hand_b, 4, 5, m, &matched, &unmatched);
  /* B1-B1 (9/11) and B2-B3 (1.0) match; C1 [40,50) against C1 [45,55) is 5/15: no. */
  g_assert_cmpuint (matched, ==, 2);
  g_assert_cmpuint (unmatched, ==, 4);
  g_assert_cmpuint (m[B1 * 6 + B1], ==, 1);
  g_assert_cmpuint (m[B2 * 6 + B3], ==, 1);
  g_assert_cmpuint (m[C1 * 6 + NONE], ==, 2);
  g_assert_cmpuint (m[NONE * 6 + C1], ==, 1);
  g_assert_cmpuint (m[NONE * 6 + D1], ==, 1);

  /* Six pairs, one agreeing: po = 1/6. Margins a: B1 1, B2 1, C1 2, none 2; b: B1 1, B3 1,
   * C1 1, D1 1, none 2: pe = (1 + 2 + 4) / 36. kappa = (6 - 7) / (36 - 7) = -1/29. */
  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa (m, 6), -1.0 / 29.0, EPS);
  /* Matched only: (B1, B1), (B2, B3): po 1/2, pe 1/4: kappa 1/3. */
  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa_without_last (m, 6), 1.0 / 3.0, EPS);
  /* C1 against the rest: both 0, a only 2, b only 1, neither 3 -> po 1/2,
   * pa 1/3, pb 1/6, pe = 1/18 + 10/18 = 11/18, kappa = (9 - 11) / (18 - 11) = -2/7. */
  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa_category (m, 6, C1), -2.0 / 7.0, EPS);
}

static void
test_cohen_published (void)
{
  /* A 3 x 3 table with its kappa as SAS prints it (0.4842), as used in statsmodels' tests. */
  const guint64 table[] = { 0, 4, 1,
                            0, 8, 0,
                            0, 1, 5 };
  const guint64 perfect[] = { 5, 0, 0, 7 };
  const guint64 one_category[] = { 9, 0, 0, 0 };
  const guint64 empty[] = { 0, 0, 0, 0 };

  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa (table, 3), 0.4842, 5e-5);
  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa_binary (perfect), 1.0, EPS);
  /* Undefined: everything in one category, or nothing at all. */
  g_assert_true (isnan (fidget_cohen_kappa (one_category, 2)));
  g_assert_true (isnan (fidget_cohen_kappa (empty, 2)));
}

/* Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (depression,
 * personality disorder, schizophrenia, neurosis, other); the counts per patient. */
static const guint fleiss_1971[30][5] = {
  { 0, 0, 0, 6, 0 }, { 0, 3, 0, 0, 3 }, { 0, 1, 4, 0, 1 }, { 0, 0, 0, 0, 6 }, { 0, 3, 0, 3, 0 },
  { 2, 0, 4, 0, 0 }, { 0, 0, 4, 0, 2 }, { 2, 0, 3, 1, 0 }, { 2, 0, 0, 4, 0 }, { 0, 0, 0, 0, 6 },
  { 1, 0, 0, 5, 0 }, { 1, 1, 0, 4, 0 }, { 0, 3, 3, 0, 0 }, { 1, 0, 0, 5, 0 }, { 0, 2, 0, 3, 1 },
  { 0, 0, 5, 0, 1 }, { 3, 0, 0, 1, 2 }, { 5, 1, 0, 0, 0 }, { 0, 2, 0, 4, 0 }, { 1, 0, 2, 0, 3 },
  { 0, 0, 0, 0, 6 }, { 0, 1, 0, 5, 0 }, { 0, 2, 0, 1, 3 }, { 2, 0, 0, 4, 0 }, { 1, 0, 0, 4, 1 },
  { 0, 5, 0, 1, 0 }, { 4, 0, 0, 0, 2 }, { 0, 2, 0, 4, 0 }, { 1, 0, 5, 0, 0 }, { 0, 0, 0, 0, 6 },
};

static void
test_fleiss_1971 (void)
{
  g_autoptr(FidgetFleiss) fleiss = fidget_fleiss_new (5);
  g_autoptr(FidgetFleiss) by_ratings = fidget_fleiss_new (5);
  /* His per-category kappas (kappa_j). */
  const double category[5] = { 0.245, 0.245, 0.520, 0.471, 0.566 };
  guint totals[5] = { 0 };
  double observed, expected;

  for (guint i = 0; i < 30; i++)
    {
      int labels[6];
      guint n = 0;

      fidget_fleiss_add_counts (fleiss, fleiss_1971[i]);
      for (guint j = 0; j < 5; j++)
        {
          totals[j] += fleiss_1971[i][j];
          for (guint k = 0; k < fleiss_1971[i][j]; k++)
            labels[n++] = (int) j;
        }
      g_assert_cmpuint (n, ==, 6);
      fidget_fleiss_add_ratings (by_ratings, labels, 6);
    }
  /* The table as printed: column totals 26, 26, 30, 55, 43. */
  g_assert_cmpuint (totals[0], ==, 26);
  g_assert_cmpuint (totals[3], ==, 55);
  g_assert_cmpuint (totals[4], ==, 43);

  g_assert_cmpuint (fidget_fleiss_get_n_units (fleiss), ==, 30);
  fidget_fleiss_get_agreement (fleiss, &observed, &expected);
  g_assert_cmpfloat_with_epsilon (observed, 0.556, 5e-4);    /* P-bar */
  g_assert_cmpfloat_with_epsilon (expected, 0.220, 5e-4);    /* P-bar-e */
  g_assert_cmpfloat_with_epsilon (fidget_fleiss_kappa (fleiss), 0.430, 5e-4);
  /* To more places, as R's irr::kappam.fleiss prints it for the same data. */
  g_assert_cmpfloat_with_epsilon (fidget_fleiss_kappa (fleiss), 0.4302445, 1e-7);
  for (guint j = 0; j < 5; j++)
    g_assert_cmpfloat_with_epsilon (fidget_fleiss_category_kappa (fleiss, j), category[j], 5e-4);

  /* The same from each rating. */
  g_assert_cmpfloat_with_epsilon (fidget_fleiss_kappa (by_ratings), fidget_fleiss_kappa (fleiss),
                                  EPS);
  for (guint j = 0; j < 5; j++)
    g_assert_cmpfloat_with_epsilon (fidget_fleiss_category_kappa (by_ratings, j),
                                    fidget_fleiss_category_kappa (fleiss, j), EPS);
}

static void
test_fleiss_edges (void)
{
  g_autoptr(FidgetFleiss) fleiss = fidget_fleiss_new (3);
  g_autoptr(FidgetFleiss) two = fidget_fleiss_new (2);
  const guint lonely[3] = { 1, 0, 0 };
  const int agree[3] = { 0, 0, 0 };
  const int mixed[3] = { 1, 1, 0 };
  const int pair_same[2] = { 0, 0 };
  const int pair_diff[2] = { 0, 1 };

  g_assert_true (isnan (fidget_fleiss_kappa (fleiss)));
  /* A single rating carries no agreement: skipped. */
  fidget_fleiss_add_counts (fleiss, lonely);
  g_assert_cmpuint (fidget_fleiss_get_n_units (fleiss), ==, 0);
  fidget_fleiss_add_ratings (fleiss, agree, 3);
  g_assert_true (isnan (fidget_fleiss_kappa (fleiss)));   /* one category only */
  fidget_fleiss_add_ratings (fleiss, mixed, 3);
  /* P = (1 + 1/3) / 2 = 2/3; p = (4/6, 2/6, 0): Pe = 20/36; kappa = (24 - 20) / (36 - 20). */
  g_assert_cmpfloat_with_epsilon (fidget_fleiss_kappa (fleiss), 0.25, EPS);

  /* With two raters, Fleiss' kappa is Scott's pi: 3 agreeing units of category 0, one split:
   * P = 3/4, p = (7/8, 1/8), Pe = 50/64, kappa = (48 - 50) / (64 - 50) = -1/7. */
  fidget_fleiss_add_ratings (two, pair_same, 2);
  fidget_fleiss_add_ratings (two, pair_same, 2);
  fidget_fleiss_add_ratings (two, pair_same, 2);
  fidget_fleiss_add_ratings (two, pair_diff, 2);
  g_assert_cmpfloat_with_epsilon (fidget_fleiss_kappa (two), -1.0 / 7.0, EPS);
}

static void
test_time_slice (void)
{
  /* Ten frames: a = X [0,4) Y [6,8); b = X [0,3) Y [5,8). X, Y = 0, 1; none = 2.
   * Frames: 0-2 X/X, 3 X/none, 4 none/none, 5 none/Y, 6-7 Y/Y, 8-9 none/none. */
  const FidgetInterval a[] = { { 0, 4, 0, 0 }, { 6, 8, 1, 0 } };
  const FidgetInterval b[] = { { 0, 3, 0, 1 }, { 5, 8, 1, 1 } };
  /* Overlaps: the span starting last shows; on equal starts the lower category. */
  const FidgetInterval overlapping[] = { { 0, 10, 1, 0 }, { 2, 4, 0, 0 }, { 6, 8, 2, 0 },
                                         { 6, 8, 1, 0 } };
  guint64 m[9] = { 0 };
  guint64 tables[2 * 4] = { 0 };
  int frames[10];

  fidget_agreement_add_frames (a, 2, b, 2, 10, 2, m);
  g_assert_cmpuint (m[0 * 3 + 0], ==, 3);
  g_assert_cmpuint (m[0 * 3 + 2], ==, 1);
  g_assert_cmpuint (m[2 * 3 + 1], ==, 1);
  g_assert_cmpuint (m[1 * 3 + 1], ==, 2);
  g_assert_cmpuint (m[2 * 3 + 2], ==, 3);
  /* po = 0.8; margins a (.4, .2, .4), b (.3, .3, .4): pe = .34; kappa = .46 / .66. */
  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa (m, 3), 0.46 / 0.66, EPS);

  /* X covered or not: both 3, a only 1, b only 0, neither 6: po .9, pe .12 + .42 = .54. */
  fidget_agreement_add_class_frames (a, 2, b, 2, 10, NULL, 2, tables);
  g_assert_cmpuint (tables[0], ==, 3);
  g_assert_cmpuint (tables[1], ==, 1);
  g_assert_cmpuint (tables[2], ==, 0);
  g_assert_cmpuint (tables[3], ==, 6);
  g_assert_cmpfloat_with_epsilon (fidget_cohen_kappa_binary (tables), 0.36 / 0.46, EPS);

  fidget_agreement_paint_frames (overlapping, 4, 10, 3, frames);
  g_assert_cmpint (frames[0], ==, 1);
  g_assert_cmpint (frames[2], ==, 0);
  g_assert_cmpint (frames[4], ==, 1);
  g_assert_cmpint (frames[6], ==, 1);
  g_assert_cmpint (frames[9], ==, 1);
}

static void
test_event_units (void)
{
  g_autoptr(FidgetFleiss) fleiss = fidget_fleiss_new (4);
  /* Three raters: A [0,10) by all three, then B, C, and A [1,10) by one only.
   * Units: (A, A, A) P = 1; (B, C, none) P = 0. P-bar = 1/2. Ratings: A 3, B 1, C 1, none 1:
   * Pe = (9 + 1 + 1 + 1) / 36 = 1/3; kappa = (1/2 - 1/3) / (2/3) = 1/4. */
  const FidgetInterval items[] = { { 0, 10, 0, 0 }, { 20, 30, 1, 0 }, { 0, 10, 0, 1 },
                                   { 20, 30, 2, 1 }, { 1, 10, 0, 2 } };

  fidget_agreement_add_event_units (fleiss, items, 5, 3, 3, NULL);
  g_assert_cmpuint (fidget_fleiss_get_n_units (fleiss), ==, 2);
  g_assert_cmpfloat_with_epsilon (fidget_fleiss_kappa (fleiss), 0.25, EPS);
}

/* }}} */
/* {{{ A project's agreement */

static FidgetVideo *
fake_video (guint  seed,
            gint64 frames)
{
  FidgetVideo *video = fidget_video_new ();
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                         (const guchar *) &seed, sizeof seed);

  video->content_hash = g_strconcat ("sha256:", digest, NULL);
  video->size_bytes = 1000 + seed;
  video->width = 640;
  video->height = 480;
  video->fps_num = 30;
  video->fps_den = 1;
  video->frame_count = frames;
  video->duration_ns = frames * G_GINT64_CONSTANT (1000000000) / 30;
  return video;
}

static FidgetProject *
new_project (const char * const *names,
             gint64             *video_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "agreement.fidget", NULL);
  g_autofree char *file = g_build_filename (dir, "v.mkv", NULL);
  g_autoptr(FidgetVideo) info = fake_video (7, 100);
  g_autoptr(FidgetVideo) video = NULL;
  FidgetProject *project = fidget_project_create (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(FidgetAnnotator) a = fidget_project_add_annotator (project, names[i], &error);
      g_assert_no_error (error);
    }
  video = fidget_project_add_video (project, info, file, NULL, &error);
  g_assert_no_error (error);
  *video_id = video->id;
  return project;
}

static char *
add (FidgetProject *project,
     gint64         video,
     const char    *who,
     gint64         start,
     gint64         end,
     const char    *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetSegment) s = fidget_project_add_segment (project, video, who, start, end, code,
                                                           &error);
  g_assert_no_error (error);
  return g_strdup (s->uuid);
}

static FidgetAgreementPair *
find_pair (FidgetAgreementReport *report,
           const char            *a,
           const char            *b)
{
  for (guint i = 0; i < report->pairs->len; i++)
    {
      FidgetAgreementPair *pair = g_ptr_array_index (report->pairs, i);
      if (g_str_equal (pair->a, a) && g_str_equal (pair->b, b))
        return pair;
    }
  return NULL;
}

static FidgetAgreementClass *
find_class (GPtrArray  *classes,
            const char *code)
{
  for (guint i = 0; i < classes->len; i++)
    {
      FidgetAgreementClass *cls = g_ptr_array_index (classes, i);
      if (g_str_equal (cls->code, code))
        return cls;
    }
  return NULL;
}

static double
pair_value (FidgetAgreementReport *report,
            const char            *a,
            const char            *b,
            gsize                  offset)
{
  FidgetAgreementPair *pair = find_pair (report, a, b);

  g_assert_nonnull (pair);
  return pair != NULL ? G_STRUCT_MEMBER (double, pair, offset) : NAN;
}

static guint
pair_count (FidgetAgreementReport *report,
            const char            *a,
            const char            *b,
            gsize                  offset)
{
  FidgetAgreementPair *pair = find_pair (report, a, b);

  return pair != NULL ? G_STRUCT_MEMBER (guint, pair, offset) : G_MAXUINT;
}

#define PAIR_KAPPA(r, a, b, field) pair_value ((r), (a), (b), G_STRUCT_OFFSET (FidgetAgreementPair, field))
#define PAIR_COUNT(r, a, b, field) pair_count ((r), (a), (b), G_STRUCT_OFFSET (FidgetAgreementPair, field))

static guint
class_segments (GPtrArray  *classes,
                const char *code)
{
  FidgetAgreementClass *cls = find_class (classes, code);

  return cls != NULL ? cls->segments : G_MAXUINT;
}

static double
class_kappa (GPtrArray  *classes,
             const char *code,
             gboolean    time_slice)
{
  FidgetAgreementClass *cls = find_class (classes, code);

  g_assert_nonnull (cls);
  if (cls == NULL)
    return NAN;
  return time_slice ? cls->time_slice_kappa : cls->cohen_kappa;
}

static void
test_project_free_video (void)
{
  const char *names[] = { "ann", "ben", "cal", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAgreementReport) report = NULL;
  g_autoptr(FidgetConfusion) confusion = NULL;
  gint64 v;

  project = new_project (names, &v);
  /* The hand-worked events, as two annotators' segments of a 100-frame video. */
  g_free (add (project, v, "ann", 0, 10, "B1"));
  g_free (add (project, v, "ann", 20, 30, "B2"));
  g_free (add (project, v, "ann", 40, 50, "C1"));
  g_free (add (project, v, "ann", 60, 70, "C1"));
  g_free (add (project, v, "ben", 1, 11, "B1"));
  g_free (add (project, v, "ben", 20, 30, "B3"));
  g_free (add (project, v, "ben", 45, 55, "C1"));
  g_free (add (project, v, "ben", 80, 90, "D1"));

  report = fidget_project_agreement (project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->videos, ==, 1);
  g_assert_cmpuint (report->pairs->len, ==, 1);
  g_assert_cmpuint (PAIR_COUNT (report, "ann", "ben", matched), ==, 2);
  g_assert_cmpuint (PAIR_COUNT (report, "ann", "ben", unmatched), ==, 4);
  g_assert_cmpfloat_with_epsilon (PAIR_KAPPA (report, "ann", "ben", cohen_kappa), -1.0 / 29.0, EPS);
  g_assert_cmpfloat_with_epsilon (PAIR_KAPPA (report, "ann", "ben", cohen_kappa_matched),
                                  1.0 / 3.0, EPS);
  /* Body parts: (B,B) (B,B) (C,-) (C,-) (-,C) (-,D): po 2/6, pe 10/36: kappa 1/13. */
  g_assert_cmpfloat_with_epsilon (PAIR_KAPPA (report, "ann", "ben", body_part_kappa),
                                  1.0 / 13.0, EPS);
  /* Frames: 0 B1/-, 1-9 B1/B1, 10 -/B1, 20-29 B2/B3, 40-44 C1/-, 45-49 C1/C1, 50-54 -/C1,
   * 60-69 C1/-, 80-89 -/D1, 44 frames -/-. po .58; margins a B1 .1 B2 .1 C1 .2 - .6,
   * b B1 .1 B3 .1 C1 .1 D1 .1 - .6: pe .39; kappa .19 / .61. */
  g_assert_cmpfloat_with_epsilon (PAIR_KAPPA (report, "ann", "ben", time_slice_kappa),
                                  0.19 / 0.61, EPS);
  g_assert_true (isnan (report->fleiss_kappa));   /* two raters only */

  /* Per action: C1 events as in the hand example (-2/7); C1 frames: both 5, ann only 15,
   * ben only 5, neither 75: po .8, pe .02 + .72; kappa .06 / .26. */
  g_assert_cmpfloat_with_epsilon (class_kappa (report->actions, "C1", FALSE), -2.0 / 7.0, EPS);
  g_assert_cmpfloat_with_epsilon (class_kappa (report->actions, "C1", TRUE), 0.06 / 0.26, EPS);
  g_assert_cmpuint (class_segments (report->actions, "C1"), ==, 3);
  g_assert_null (find_class (report->actions, "A1"));   /* only what occurs */
  g_assert_cmpuint (report->body_parts->len, ==, 7);
  g_assert_cmpuint (class_segments (report->body_parts, "B"), ==, 4);

  /* The heat-map's table: the categories used, none last; rows ann. */
  confusion = fidget_project_confusion (project, 0, "ann", "ben", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (confusion->n, ==, 6);
  g_assert_cmpstr (confusion->labels[0], ==, "B1");
  g_assert_cmpstr (confusion->labels[5], ==, "none");
  g_assert_cmpuint (confusion->counts[3 * 6 + 5], ==, 2);   /* C1 against none */
  g_clear_pointer (&confusion, fidget_confusion_free);
  confusion = fidget_project_confusion (project, 0, "ann", "cal", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  confusion = fidget_project_confusion (project, 0, "ann", "ann", &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_clear_error (&error);

  /* A third annotator: Fleiss over event units. Units: {B1 x3} P 1; {B2, B3, B2} 1/3;
   * C1 [40,50), C1 [60,70), C1 [45,55), D1 [80,90) alone with two "none": 1/3 each.
   * P-bar = (1 + 5/3) / 6 = 4/9. Ratings B1 3, B2 2, B3 1, C1 3, D1 1, none 8 of 18:
   * Pe = 88/324. kappa = (144 - 88) / (324 - 88) = 14/59. */
  g_free (add (project, v, "cal", 0, 10, "B1"));
  g_free (add (project, v, "cal", 20, 30, "B2"));
  g_clear_pointer (&report, fidget_agreement_report_free);
  report = fidget_project_agreement (project, v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->pairs->len, ==, 3);
  g_assert_cmpuint (report->fleiss_units, ==, 6);
  g_assert_cmpuint (report->fleiss_videos, ==, 1);
  g_assert_cmpfloat_with_epsilon (report->fleiss_kappa, 14.0 / 59.0, EPS);
  g_assert_false (isnan (report->fleiss_time_slice_kappa));
  g_assert_cmpfloat_with_epsilon (PAIR_KAPPA (report, "ann", "cal", cohen_kappa_matched), 1.0, EPS);

  /* Unknown video: refused. */
  g_clear_pointer (&report, fidget_agreement_report_free);
  report = fidget_project_agreement (project, 99, &error);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_null (report);
}

/* In the workflow, a checker's segments are their versions of the primary's plus their own;
 * while the cross-check lasts they are left out (it is blind). */
static void
test_project_review (void)
{
  const char *names[] = { "pat", "cai", "cy", "rev", NULL };
  const char *checkers[] = { "cai", "cy", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetAgreementReport) report = NULL;
  g_autoptr(FidgetReviewDecision) d = NULL;
  g_autofree char *p0 = NULL;
  g_autofree char *p1 = NULL;
  gint64 v;

  project = new_project (names, &v);
  g_assert_true (fidget_review_assign (project, v, "pat", checkers, "rev", &error));
  fidget_project_set_actor (project, "pat");
  p0 = add (project, v, "pat", 10, 40, "B1");
  p1 = add (project, v, "pat", 60, 90, "C1");
  g_assert_true (fidget_review_confirm (project, p0, &error));
  g_assert_true (fidget_review_confirm (project, p1, &error));
  g_assert_true (fidget_review_submit_self_check (project, v, &error));
  g_assert_no_error (error);

  fidget_project_set_actor (project, "cai");
  d = fidget_review_decide (project, p0, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
  g_clear_pointer (&d, fidget_review_decision_free);
  d = fidget_review_decide (project, p1, FIDGET_DECISION_RELABEL, "C2", -1, -1, &error);
  g_clear_pointer (&d, fidget_review_decision_free);
  g_assert_true (fidget_review_submit_cross_check (project, v, &error));
  fidget_project_set_actor (project, "cy");
  d = fidget_review_decide (project, p0, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
  g_clear_pointer (&d, fidget_review_decision_free);
  d = fidget_review_decide (project, p1, FIDGET_DECISION_REJECT, NULL, -1, -1, &error);
  g_clear_pointer (&d, fidget_review_decision_free);
  g_free (add (project, v, "cy", 0, 5, "D1"));
  g_assert_no_error (error);

  /* Blind: only the primary counts, no pair yet. */
  report = fidget_project_agreement (project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->pairs->len, ==, 0);
  g_clear_pointer (&report, fidget_agreement_report_free);

  g_assert_true (fidget_review_submit_cross_check (project, v, &error));
  g_assert_no_error (error);
  report = fidget_project_agreement (project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->pairs->len, ==, 3);
  /* cai: B1 (agree), C2 (relabel): both match pat's, one label differs. */
  g_assert_cmpuint (PAIR_COUNT (report, "cai", "pat", matched), ==, 2);
  g_assert_cmpuint (PAIR_COUNT (report, "cai", "pat", unmatched), ==, 0);
  /* cy: B1 (agree), C1 rejected, D1 added: one match, pat's C1 and cy's D1 unmatched. */
  g_assert_cmpuint (PAIR_COUNT (report, "cy", "pat", matched), ==, 1);
  g_assert_cmpuint (PAIR_COUNT (report, "cy", "pat", unmatched), ==, 2);
  g_assert_cmpuint (report->fleiss_videos, ==, 1);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agreement/tiou", test_tiou);
  g_test_add_func ("/agreement/match-greedy", test_match_greedy);
  g_test_add_func ("/agreement/group", test_group);
  g_test_add_func ("/agreement/cohen-events", test_cohen_events);
  g_test_add_func ("/agreement/cohen-published", test_cohen_published);
  g_test_add_func ("/agreement/fleiss-1971", test_fleiss_1971);
  g_test_add_func ("/agreement/fleiss-edges", test_fleiss_edges);
  g_test_add_func ("/agreement/time-slice", test_time_slice);
  g_test_add_func ("/agreement/event-units", test_event_units);
  g_test_add_func ("/agreement/project-free-video", test_project_free_video);
  g_test_add_func ("/agreement/project-review", test_project_review);

  return g_test_run ();
}
