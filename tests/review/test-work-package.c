/* test-work-package.c: work packages between a coordinator's project and annotators' copies
 *
 * The round trip is the real one: an assignment out, a local project started from it, real
 * edits there through the store and the review workflow, the work back, and the coordinator's
 * project checked row by row. Every refusal is made from a sound package rewritten with
 * libarchive, so that exactly one thing is wrong with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fidget-error.h"
#include "fidget-project-merge.h"
#include "fidget-project-private.h"
#include "fidget-review.h"
#include "fidget-test-util.h"
#include "fidget-work-package.h"

/* {{{ Fixtures */

static const char *const people[] = { "amara", "bo", "carmen", "dev", NULL };

/* A coordinator's project: four annotators, the sample video (its real hash and size, so
 * that it can travel) and a second video known by metadata only. Video 1 is assigned to
 * amara, checked by bo and carmen, reviewed by dev; video 2 is bo's, checked by amara and
 * carmen. */
static FidgetProject *
make_coordinator (const char *dir,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autofree char *sum = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) info = fidget_video_new ();
  g_autoptr(FidgetVideo) v1 = NULL;
  g_autoptr(FidgetVideo) v2 = NULL;
  const char *checkers1[] = { "bo", "carmen", NULL };
  const char *checkers2[] = { "amara", "carmen", NULL };
  GStatBuf st;

  if (sample == NULL)
    return NULL;
  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; people[i] != NULL; i++)
    {
      g_autoptr(FidgetAnnotator) a = fidget_project_add_annotator (project, people[i], &error);
      g_assert_no_error (error);
    }
  sum = fidget_test_file_checksum (sample);
  g_assert_cmpint (g_stat (sample, &st), ==, 0);
  info->content_hash = g_strconcat ("sha256:", sum, NULL);
  info->size_bytes = st.st_size;
  info->width = 640;
  info->height = 480;
  info->fps_num = 30;
  info->fps_den = 1;
  info->frame_count = 78;
  info->duration_ns = 2600000000;
  info->container = g_strdup ("Matroska");
  v1 = fidget_project_add_video (project, info, sample, "P001", &error);
  g_assert_no_error (error);

  g_free (info->content_hash);
  info->content_hash = g_strconcat ("sha256:", "00112233445566778899aabbccddeeff"
                                    "00112233445566778899aabbccddeeff", NULL);
  info->size_bytes = 1000;
  info->frame_count = 300;
  {
    g_autofree char *missing = g_build_filename (dir, "p2.mkv", NULL);
    v2 = fidget_project_add_video (project, info, missing, "P002", &error);
    g_assert_no_error (error);
  }

  g_assert_true (fidget_review_assign (project, v1->id, "amara", checkers1, "dev", &error));
  g_assert_no_error (error);
  g_assert_true (fidget_review_assign (project, v2->id, "bo", checkers2, "dev", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

static FidgetWorkPackageInfo *
export_for (FidgetProject *project,
            const char    *person,
            const char    *output,
            gboolean       with_videos)
{
  g_autoptr(GError) error = NULL;
  FidgetWorkPackageInfo *info = fidget_work_package_export (project, person, output, with_videos,
                                                            NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static FidgetWorkPackageResult *
import_into (FidgetProject *project,
             const char    *package)
{
  g_autoptr(GError) error = NULL;
  FidgetWorkPackageResult *result = fidget_work_package_import (project, package, NULL, FALSE,
                                                                NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static guint
count_rows (FidgetProject *project,
            const char    *sql)
{
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_prepare_v2 (fidget_project_get_db (project), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static GPtrArray *
segments_of (FidgetProject *project,
             gint64         video_id,
             const char    *who)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = fidget_project_list_segments (project, video_id, &error);
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) fidget_segment_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      FidgetSegment *segment = g_ptr_array_index (all, i);

      if (g_strcmp0 (segment->annotator_name, who) == 0)
        g_ptr_array_add (mine, fidget_segment_copy (segment));
    }
  return mine;
}

/* The same rows, field by field, in both projects. */
static void
assert_same_segments (FidgetProject *a,
                      FidgetProject *b,
                      gint64         video_id,
                      const char    *who)
{
  g_autoptr(GPtrArray) in_a = segments_of (a, video_id, who);
  g_autoptr(GPtrArray) in_b = segments_of (b, video_id, who);

  g_assert_cmpuint (in_a->len, ==, in_b->len);
  for (guint i = 0; i < in_a->len; i++)
    {
      FidgetSegment *x = g_ptr_array_index (in_a, i);
      FidgetSegment *y = g_ptr_array_index (in_b, i);

      g_assert_cmpstr (x->uuid, ==, y->uuid);
      g_assert_cmpint (x->start_frame, ==, y->start_frame);
      g_assert_cmpint (x->end_frame, ==, y->end_frame);
      g_assert_cmpstr (x->action_code, ==, y->action_code);
      g_assert_cmpstr (x->note, ==, y->note);
      g_assert_cmpint (x->modified_us, ==, y->modified_us);
    }
}

static FidgetProject *
start_local (const char *dir,
             const char *name,
             const char *package)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  FidgetProject *project = fidget_work_package_create_project (path, package, NULL, NULL, NULL,
                                                               NULL, &result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  g_assert_nonnull (result);
  return project;
}

/* }}} */
/* {{{ Round trip */

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *laptop = g_build_filename (dir, "laptop", NULL);
  g_autofree char *out1 = g_build_filename (dir, "amara.fidgetpkg", NULL);
  g_autofree char *back1 = g_build_filename (dir, "amara-back.fidgetpkg", NULL);
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autofree char *copied = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *copied_sum = NULL;
  g_autoptr(FidgetProject) coordinator = NULL;
  g_autoptr(FidgetProject) local = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageInfo) back_info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(FidgetWorkPackageResult) again = NULL;
  g_autoptr(FidgetReviewStatus) status = NULL;
  g_autoptr(FidgetSegment) s1 = NULL, s2 = NULL, s3 = NULL, gone = NULL, fixed = NULL;
  g_autoptr(GPtrArray) local_videos = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  FidgetSegment values = { 0 };
  const FidgetAction *own_action;
  guint audit_rows;

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;
  g_assert_cmpint (g_mkdir (laptop, 0755), ==, 0);
  /* A project-specific action travels with the package. */
  own_action = fidget_project_add_action (coordinator, "B", "B90", "Tapping the chin", "", &error);
  g_assert_no_error (error);
  g_assert_nonnull (own_action);

  /* Out: amara's assignment, with the sample video in it. */
  info = export_for (coordinator, "amara", out1, TRUE);
  g_assert_cmpint (info->direction, ==, FIDGET_PACKAGE_ASSIGNMENT);
  g_assert_cmpuint (info->n_videos, ==, 2);
  g_assert_cmpuint (info->n_video_files, ==, 1);   /* the second video has no file */
  g_assert_cmpuint (info->n_segments, ==, 0);
  g_assert_true (g_file_test (out1, G_FILE_TEST_IS_REGULAR));

  local = start_local (laptop, "amara.fidget", out1);
  g_assert_cmpstr (fidget_project_get_uuid (local), ==, fidget_project_get_uuid (coordinator));
  local_videos = fidget_project_list_videos (local, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (local_videos->len, ==, 2);
  copied = fidget_project_resolve_video_path (local, g_ptr_array_index (local_videos, 0));
  g_assert_true (g_str_has_prefix (copied, laptop));
  sum = fidget_test_file_checksum (sample);
  copied_sum = fidget_test_file_checksum (copied);
  g_assert_cmpstr (sum, ==, copied_sum);
  g_assert_nonnull (fidget_taxonomy_lookup_action (fidget_project_get_taxonomy (local), "B90"));
  status = fidget_review_get_status (local, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_ANNOTATING);
  g_assert_cmpstr (status->primary, ==, "amara");
  g_clear_pointer (&status, fidget_review_status_free);

  /* Real work on the laptop: add, change, delete, self-check, submit. */
  fidget_project_set_actor (local, "amara");
  s1 = fidget_project_add_segment (local, 1, "amara", 3, 20, "B1", &error);
  g_assert_no_error (error);
  s2 = fidget_project_add_segment (local, 1, "amara", 25, 40, "B90", &error);
  g_assert_no_error (error);
  s3 = fidget_project_add_segment (local, 1, "amara", 50, 70, "C2", &error);
  g_assert_no_error (error);
  gone = fidget_project_add_segment (local, 1, "amara", 71, 77, "C3", &error);
  g_assert_no_error (error);

  /* An earlier return, before the deletion: the coordinator sees all four. */
  back_info = export_for (local, "amara", back1, FALSE);
  g_assert_cmpint (back_info->direction, ==, FIDGET_PACKAGE_RETURN);
  result = import_into (coordinator, back1);
  g_assert_cmpuint (result->report->inserted[FIDGET_MERGE_SEGMENT], ==, 4);
  g_clear_pointer (&result, fidget_work_package_result_free);
  g_clear_pointer (&back_info, fidget_work_package_info_free);

  g_assert_true (fidget_project_delete_segment (local, gone->uuid, &error));
  g_assert_no_error (error);
  values.end_frame = 45;
  fixed = fidget_review_fix (local, s2->uuid, &values, FIDGET_SEGMENT_FIELD_END, &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_confirm (local, s1->uuid, &error));
  g_assert_true (fidget_review_confirm (local, s3->uuid, &error));
  g_assert_no_error (error);
  g_assert_true (fidget_review_submit_self_check (local, 1, &error));
  g_assert_no_error (error);

  back_info = export_for (local, "amara", back1, FALSE);
  g_assert_cmpuint (back_info->n_tombstones, ==, 1);
  audit_rows = count_rows (coordinator, "SELECT count(*) FROM audit");
  result = import_into (coordinator, back1);
  g_assert_cmpuint (result->report->updated[FIDGET_MERGE_SEGMENT], ==, 1);
  g_assert_cmpuint (result->report->deleted[FIDGET_MERGE_SEGMENT], ==, 1);
  g_assert_cmpuint (result->report->inserted[FIDGET_MERGE_CONFIRMATION], ==, 3);
  g_assert_cmpuint (result->steps->len, ==, 1);
  assert_same_segments (coordinator, local, 1, "amara");
  g_assert_true (fidget_review_is_confirmed (coordinator, fixed->uuid));
  status = fidget_review_get_status (coordinator, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_SELF_CHECKED);
  g_assert_cmpuint (status->n_segments, ==, 3);
  g_assert_cmpuint (status->n_confirmed, ==, 3);
  g_clear_pointer (&status, fidget_review_status_free);
  g_assert_cmpuint (count_rows (coordinator, "SELECT count(*) FROM audit"), >, audit_rows);

  /* Audited with the package named, and the changes made as amara. */
  audit = fidget_project_list_audit (coordinator, back_info->package_uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 1);
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->operation, ==, "import");
  g_assert_nonnull (strstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->detail,
                            "amara-back.fidgetpkg"));
  g_clear_pointer (&audit, g_ptr_array_unref);
  audit = fidget_project_list_audit (coordinator, fixed->uuid, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->actor, ==, "amara");
  g_assert_nonnull (strstr (((FidgetAuditEntry *) g_ptr_array_index (audit, 0))->detail,
                            back_info->package_uuid));

  /* Twice is once: nothing changes, no audit row, no step replayed. */
  audit_rows = count_rows (coordinator, "SELECT count(*) FROM audit");
  again = import_into (coordinator, back1);
  g_assert_cmpuint (again->report->n_changes, ==, 0);
  g_assert_cmpuint (again->steps->len, ==, 0);
  g_assert_cmpuint (count_rows (coordinator, "SELECT count(*) FROM audit"), ==, audit_rows);
  assert_same_segments (coordinator, local, 1, "amara");
  g_clear_pointer (&again, fidget_work_package_result_free);

  /* The assignment imported again into the laptop changes nothing there either. */
  audit_rows = count_rows (local, "SELECT count(*) FROM audit");
  again = import_into (local, out1);
  g_assert_cmpuint (again->report->n_changes, ==, 0);
  g_assert_cmpuint (count_rows (local, "SELECT count(*) FROM audit"), ==, audit_rows);
}

/* The cross-check across three machines: blind to each other, settled on the coordinator's. */
static void
test_cross_check (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "p.fidgetpkg", NULL);
  g_autoptr(FidgetProject) coordinator = NULL;
  g_autoptr(FidgetProject) amara = NULL, bo = NULL, carmen = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(FidgetReviewStatus) status = NULL;
  g_autoptr(FidgetSegment) a1 = NULL, a2 = NULL, extra = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(FidgetReviewDecision) d1 = NULL, d2 = NULL, d3 = NULL, d4 = NULL;

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;

  /* The primary's part, done on their laptop and brought back. */
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (coordinator, "amara", pkg, FALSE);
  {
    g_autofree char *sub = g_build_filename (dir, "a", NULL);
    g_mkdir (sub, 0755);
    amara = start_local (sub, "amara.fidget", pkg);
  }
  fidget_project_set_actor (amara, "amara");
  a1 = fidget_project_add_segment (amara, 1, "amara", 5, 20, "B1", &error);
  g_assert_no_error (error);
  a2 = fidget_project_add_segment (amara, 1, "amara", 30, 50, "C2", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_confirm (amara, a1->uuid, &error));
  g_assert_true (fidget_review_confirm (amara, a2->uuid, &error));
  g_assert_true (fidget_review_submit_self_check (amara, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", pkg, FALSE);
  result = import_into (coordinator, pkg);
  g_clear_pointer (&result, fidget_work_package_result_free);

  /* bo checks on his laptop: agree, relabel, and one addition. */
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (coordinator, "bo", pkg, FALSE);
  {
    g_autofree char *sub = g_build_filename (dir, "b", NULL);
    g_mkdir (sub, 0755);
    bo = start_local (sub, "bo.fidget", pkg);
  }
  seen = segments_of (bo, 1, "amara");
  g_assert_cmpuint (seen->len, ==, 2);
  g_clear_pointer (&seen, g_ptr_array_unref);
  fidget_project_set_actor (bo, "bo");
  d1 = fidget_review_decide (bo, a1->uuid, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
  g_assert_no_error (error);
  d2 = fidget_review_decide (bo, a2->uuid, FIDGET_DECISION_RELABEL, "C3", -1, -1, &error);
  g_assert_no_error (error);
  extra = fidget_project_add_segment (bo, 1, "bo", 60, 75, "F1", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_submit_cross_check (bo, 1, &error));
  g_assert_no_error (error);
  /* One checker of two: no consensus on the laptop. */
  status = fidget_review_get_status (bo, 1, &error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_CROSS_CHECKING);
  g_clear_pointer (&status, fidget_review_status_free);

  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (bo, "bo", pkg, FALSE);
  g_assert_cmpuint (info->n_decisions, ==, 2);
  result = import_into (coordinator, pkg);
  g_assert_cmpuint (result->report->inserted[FIDGET_MERGE_DECISION], ==, 2);
  g_assert_cmpuint (result->report->inserted[FIDGET_MERGE_SEGMENT], ==, 1);
  g_assert_cmpuint (result->steps->len, ==, 1);
  g_clear_pointer (&result, fidget_work_package_result_free);
  status = fidget_review_get_status (coordinator, 1, &error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_CROSS_CHECKING);
  g_clear_pointer (&status, fidget_review_status_free);

  /* carmen's package, made after bo's work came in, holds nothing of bo's: blind. */
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (coordinator, "carmen", pkg, FALSE);
  g_assert_cmpuint (info->n_decisions, ==, 0);
  g_assert_cmpuint (info->n_segments, ==, 2);
  {
    g_autofree char *sub = g_build_filename (dir, "c", NULL);
    g_mkdir (sub, 0755);
    carmen = start_local (sub, "carmen.fidget", pkg);
  }
  seen = segments_of (carmen, 1, "bo");
  g_assert_cmpuint (seen->len, ==, 0);
  g_clear_pointer (&seen, g_ptr_array_unref);
  g_assert_cmpuint (count_rows (carmen, "SELECT count(*) FROM review_decision"), ==, 0);
  g_assert_cmpuint (count_rows (carmen, "SELECT count(*) FROM review_checker "
                                        "WHERE submitted_us IS NOT NULL"), ==, 0);

  fidget_project_set_actor (carmen, "carmen");
  d3 = fidget_review_decide (carmen, a1->uuid, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
  g_assert_no_error (error);
  d4 = fidget_review_decide (carmen, a2->uuid, FIDGET_DECISION_RELABEL, "C3", -1, -1, &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_submit_cross_check (carmen, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (carmen, "carmen", pkg, FALSE);
  result = import_into (coordinator, pkg);
  g_assert_cmpuint (result->steps->len, ==, 1);

  /* The last checker's submission settled the consensus here: a1 kept as B1, a2 relabelled
   * C3 by both checkers, bo's lone addition disputed. */
  status = fidget_review_get_status (coordinator, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_DISPUTED);
  g_assert_cmpuint (status->n_consensus, ==, 2);
  g_assert_cmpuint (status->n_open_disputes, ==, 1);
  decisions = fidget_review_list_decisions (coordinator, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 4);
}

/* A return may not change what the review has closed: refused whole. */
static void
test_return_after_submit_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "p.fidgetpkg", NULL);
  g_autofree char *late = g_build_filename (dir, "late.fidgetpkg", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(FidgetProject) coordinator = NULL, amara = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(FidgetSegment) a1 = NULL;

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;
  info = export_for (coordinator, "amara", pkg, FALSE);
  {
    g_autofree char *sub = g_build_filename (dir, "a", NULL);
    g_mkdir (sub, 0755);
    amara = start_local (sub, "amara.fidget", pkg);
  }
  fidget_project_set_actor (amara, "amara");
  a1 = fidget_project_add_segment (amara, 1, "amara", 5, 20, "B1", &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", late, FALSE);   /* the work so far */
  g_assert_true (fidget_review_confirm (amara, a1->uuid, &error));
  g_assert_true (fidget_review_submit_self_check (amara, 1, &error));
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", pkg, FALSE);
  result = import_into (coordinator, pkg);
  g_clear_pointer (&result, fidget_work_package_result_free);

  /* The coordinator moved on (a checker acted); an edit from amara now comes too late. */
  {
    g_autoptr(FidgetReviewDecision) d = NULL;
    FidgetSegment values = { 0 };
    g_autoptr(FidgetSegment) moved = NULL;

    /* amara reopens on the laptop and changes the segment after all. */
    g_assert_true (fidget_review_reopen (amara, 1, FIDGET_REVIEW_ANNOTATING, "one more look",
                                         &error));
    g_assert_no_error (error);
    values.start_frame = 6;
    moved = fidget_project_update_segment (amara, a1->uuid, &values, FIDGET_SEGMENT_FIELD_START,
                                           &error);
    g_assert_no_error (error);
    fidget_project_set_actor (coordinator, "bo");
    d = fidget_review_decide (coordinator, a1->uuid, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
    g_assert_no_error (error);
    fidget_project_set_actor (coordinator, NULL);
  }
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", late, FALSE);
  before = fidget_test_file_checksum (fidget_project_get_path (coordinator));
  result = fidget_work_package_import (coordinator, late, NULL, FALSE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "self-check"));
  after = fidget_test_file_checksum (fidget_project_get_path (coordinator));
  g_assert_cmpstr (before, ==, after);
}

/* The primary takes the self-check back (the coordinator reopens it in their name) and
 * deletes a segment a checker had already decided on in their copy: the new assignment
 * removes the segment there, and the checker's decision on it with it. */
static void
test_primary_takes_back (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "p.fidgetpkg", NULL);
  g_autoptr(FidgetProject) coordinator = NULL, amara = NULL, bo = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(FidgetSegment) a1 = NULL, a2 = NULL, gone = NULL;
  g_autoptr(FidgetReviewDecision) d1 = NULL, d2 = NULL;
  g_autoptr(GPtrArray) decisions = NULL;

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;
  info = export_for (coordinator, "amara", pkg, FALSE);
  {
    g_autofree char *sub = g_build_filename (dir, "a", NULL);
    g_mkdir (sub, 0755);
    amara = start_local (sub, "amara.fidget", pkg);
  }
  fidget_project_set_actor (amara, "amara");
  a1 = fidget_project_add_segment (amara, 1, "amara", 5, 20, "B1", &error);
  a2 = fidget_project_add_segment (amara, 1, "amara", 30, 50, "C2", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_confirm (amara, a1->uuid, &error));
  g_assert_true (fidget_review_confirm (amara, a2->uuid, &error));
  g_assert_true (fidget_review_submit_self_check (amara, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", pkg, FALSE);
  result = import_into (coordinator, pkg);
  g_clear_pointer (&result, fidget_work_package_result_free);

  /* bo decides on both in his copy, and has not sent anything back yet. */
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (coordinator, "bo", pkg, FALSE);
  {
    g_autofree char *sub = g_build_filename (dir, "b", NULL);
    g_mkdir (sub, 0755);
    bo = start_local (sub, "bo.fidget", pkg);
  }
  fidget_project_set_actor (bo, "bo");
  d1 = fidget_review_decide (bo, a1->uuid, FIDGET_DECISION_AGREE, NULL, -1, -1, &error);
  d2 = fidget_review_decide (bo, a2->uuid, FIDGET_DECISION_REJECT, NULL, -1, -1, &error);
  g_assert_no_error (error);

  /* amara takes it back on both machines, drops a2 and submits again. */
  fidget_project_set_actor (coordinator, "amara");
  g_assert_true (fidget_review_reopen (coordinator, 1, FIDGET_REVIEW_ANNOTATING, "a2 is wrong",
                                       &error));
  g_assert_no_error (error);
  fidget_project_set_actor (coordinator, NULL);
  g_assert_true (fidget_review_reopen (amara, 1, FIDGET_REVIEW_ANNOTATING, "a2 is wrong",
                                       &error));
  g_assert_true (fidget_project_delete_segment (amara, a2->uuid, &error));
  g_assert_true (fidget_review_submit_self_check (amara, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", pkg, FALSE);
  result = import_into (coordinator, pkg);
  g_assert_cmpuint (result->report->deleted[FIDGET_MERGE_SEGMENT], ==, 1);
  g_assert_cmpuint (result->steps->len, ==, 1);
  g_clear_pointer (&result, fidget_work_package_result_free);
  gone = fidget_project_find_segment (coordinator, a2->uuid, &error);
  g_assert_null (gone);
  g_clear_error (&error);

  /* The new assignment reaches bo's copy: a2 and his decision on it are gone, a1's stays. */
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (coordinator, "bo", pkg, FALSE);
  g_assert_cmpuint (info->n_tombstones, ==, 1);
  result = import_into (bo, pkg);
  g_assert_cmpuint (result->report->deleted[FIDGET_MERGE_SEGMENT], ==, 1);
  g_assert_cmpuint (result->report->deleted[FIDGET_MERGE_DECISION], ==, 1);
  decisions = fidget_review_list_decisions (bo, 1, "bo", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((FidgetReviewDecision *) g_ptr_array_index (decisions, 0))->segment_uuid, ==,
                   a1->uuid);
}

/* The reviewer reopens on the coordinator's machine: a new round. A package of the earlier
 * round brings none of its confirmations back, and the new assignment clears them on the
 * laptop as the reopen did on the coordinator's. */
static void
test_new_round (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "p.fidgetpkg", NULL);
  g_autofree char *stale = g_build_filename (dir, "stale.fidgetpkg", NULL);
  g_autoptr(FidgetProject) coordinator = NULL, amara = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(FidgetReviewStatus) status = NULL;
  g_autoptr(FidgetSegment) a1 = NULL;

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;
  info = export_for (coordinator, "amara", pkg, FALSE);
  {
    g_autofree char *sub = g_build_filename (dir, "a", NULL);
    g_mkdir (sub, 0755);
    amara = start_local (sub, "amara.fidget", pkg);
  }
  fidget_project_set_actor (amara, "amara");
  a1 = fidget_project_add_segment (amara, 1, "amara", 5, 20, "B1", &error);
  g_assert_no_error (error);
  g_assert_true (fidget_review_confirm (amara, a1->uuid, &error));
  g_assert_true (fidget_review_submit_self_check (amara, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (amara, "amara", stale, FALSE);
  result = import_into (coordinator, stale);
  g_assert_cmpuint (result->steps->len, ==, 1);
  g_clear_pointer (&result, fidget_work_package_result_free);
  g_assert_true (fidget_review_is_confirmed (coordinator, a1->uuid));

  fidget_project_set_actor (coordinator, "dev");
  g_assert_true (fidget_review_reopen (coordinator, 1, FIDGET_REVIEW_ANNOTATING,
                                       "the boundaries need another pass", &error));
  g_assert_no_error (error);
  fidget_project_set_actor (coordinator, NULL);
  g_assert_false (fidget_review_is_confirmed (coordinator, a1->uuid));

  /* The earlier round's package again: no confirmation, no submission comes back. */
  result = import_into (coordinator, stale);
  g_assert_cmpuint (result->report->n_changes, ==, 0);
  g_assert_cmpuint (result->steps->len, ==, 0);
  g_clear_pointer (&result, fidget_work_package_result_free);
  g_assert_false (fidget_review_is_confirmed (coordinator, a1->uuid));
  status = fidget_review_get_status (coordinator, 1, &error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_ANNOTATING);
  g_assert_cmpuint (status->round, ==, 2);
  g_clear_pointer (&status, fidget_review_status_free);

  /* The new assignment on the laptop: round 2, annotating, the confirmation gone. */
  g_clear_pointer (&info, fidget_work_package_info_free);
  info = export_for (coordinator, "amara", pkg, FALSE);
  result = import_into (amara, pkg);
  g_assert_cmpuint (result->report->updated[FIDGET_MERGE_REVIEW], ==, 1);
  status = fidget_review_get_status (amara, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->state, ==, FIDGET_REVIEW_ANNOTATING);
  g_assert_cmpuint (status->round, ==, 2);
  g_assert_cmpuint (status->n_confirmed, ==, 0);
  g_assert_cmpuint (status->n_segments, ==, 1);
}

/* }}} */
/* {{{ Refusals, with crafted archives */

typedef struct
{
  char      *name;
  mode_t     type;
  GBytes    *data;
  char      *link;       /* symlink target */
  char      *hardlink;
} Entry;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
  g_clear_pointer (&entry->data, g_bytes_unref);
  g_free (entry->link);
  g_free (entry->hardlink);
  g_free (entry);
}

static GPtrArray *
read_entries (const char *path)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (entry_free);
  struct archive *archive = archive_read_new ();
  struct archive_entry *header;

  archive_read_support_filter_all (archive);
  archive_read_support_format_tar (archive);
  g_assert_cmpint (archive_read_open_filename (archive, path, 65536), ==, ARCHIVE_OK);
  while (archive_read_next_header (archive, &header) == ARCHIVE_OK)
    {
      Entry *entry = g_new0 (Entry, 1);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      guchar buffer[65536];
      la_ssize_t n;

      entry->name = g_strdup (archive_entry_pathname (header));
      entry->type = archive_entry_filetype (header);
      while ((n = archive_read_data (archive, buffer, sizeof buffer)) > 0)
        g_byte_array_append (bytes, buffer, (guint) n);
      g_assert_cmpint (n, ==, 0);
      entry->data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
      g_ptr_array_add (entries, entry);
    }
  archive_read_free (archive);
  return entries;
}

static void
write_entries (GPtrArray  *entries,
               const char *path)
{
  struct archive *archive = archive_write_new ();

  archive_write_set_format_pax_restricted (archive);
  archive_write_add_filter_zstd (archive);
  g_assert_cmpint (archive_write_open_filename (archive, path), ==, ARCHIVE_OK);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      struct archive_entry *header = archive_entry_new ();
      gsize size = entry->data != NULL ? g_bytes_get_size (entry->data) : 0;

      archive_entry_set_pathname (header, entry->name);
      archive_entry_set_filetype (header, entry->type);
      archive_entry_set_perm (header, 0644);
      if (entry->link != NULL)
        archive_entry_set_symlink (header, entry->link);
      if (entry->hardlink != NULL)
        {
          archive_entry_set_hardlink (header, entry->hardlink);
          size = 0;
        }
      if (entry->type == AE_IFCHR)
        archive_entry_set_rdev (header, makedev (1, 3));
      archive_entry_set_size (header, entry->type == AE_IFREG ? (la_int64_t) size : 0);
      g_assert_cmpint (archive_write_header (archive, header), ==, ARCHIVE_OK);
      if (entry->type == AE_IFREG && entry->hardlink == NULL && size > 0)
        g_assert_cmpint (archive_write_data (archive, g_bytes_get_data (entry->data, NULL), size),
                         ==, (la_ssize_t) size);
      archive_entry_free (header);
    }
  g_assert_cmpint (archive_write_close (archive), ==, ARCHIVE_OK);
  archive_write_free (archive);
}

static Entry *
find_entry (GPtrArray  *entries,
            const char *prefix)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_str_has_prefix (((Entry *) g_ptr_array_index (entries, i))->name, prefix))
      return g_ptr_array_index (entries, i);
  g_assert_not_reached ();
}

static void
add_entry (GPtrArray  *entries,
           const char *name,
           mode_t      type,
           const char *text)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->name = g_strdup (name);
  entry->type = type;
  entry->data = g_bytes_new (text != NULL ? text : "", text != NULL ? strlen (text) : 0);
  g_ptr_array_add (entries, entry);
}

/* Rewrites the manifest through a JSON edit. */
static void
edit_manifest (GPtrArray  *entries,
               const char *member,
               JsonNode   *value)
{
  Entry *manifest = find_entry (entries, "manifest.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (manifest->data, NULL),
                                             (gssize) g_bytes_get_size (manifest->data), NULL));
  json_object_set_member (json_node_get_object (json_parser_get_root (parser)), member, value);
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, &length);
  g_bytes_unref (manifest->data);
  manifest->data = g_bytes_new (text, length);
}

typedef enum
{
  CRAFT_TAMPERED,
  CRAFT_MISSING,
  CRAFT_EXTRA,
  CRAFT_ABSOLUTE,
  CRAFT_DOTDOT,
  CRAFT_SYMLINK,
  CRAFT_HARDLINK,
  CRAFT_DEVICE,
  CRAFT_FIFO,
  CRAFT_VERSION,
  CRAFT_PERSON,
  CRAFT_NOT_FIRST,
  CRAFT_TRUNCATED,
} Craft;

static const struct
{
  Craft       craft;
  const char *name;
  int         code;
  const char *message;
} crafts[] = {
  { CRAFT_TAMPERED, "tampered", FIDGET_ERROR_CORRUPT, "has been changed since it was packed" },
  { CRAFT_MISSING, "missing", FIDGET_ERROR_CORRUPT, "which its manifest lists" },
  { CRAFT_EXTRA, "extra", FIDGET_ERROR_CORRUPT, "which its manifest does not list" },
  { CRAFT_ABSOLUTE, "absolute", FIDGET_ERROR_CORRUPT, "outside the folder" },
  { CRAFT_DOTDOT, "dotdot", FIDGET_ERROR_CORRUPT, "outside the folder" },
  { CRAFT_SYMLINK, "symlink", FIDGET_ERROR_CORRUPT, "a symbolic link" },
  { CRAFT_HARDLINK, "hardlink", FIDGET_ERROR_CORRUPT, "a hard link" },
  { CRAFT_DEVICE, "device", FIDGET_ERROR_CORRUPT, "a character device" },
  { CRAFT_FIFO, "fifo", FIDGET_ERROR_CORRUPT, "a named pipe" },
  { CRAFT_VERSION, "version", FIDGET_ERROR_TOO_NEW, "format version 2" },
  { CRAFT_PERSON, "person", FIDGET_ERROR_NOT_FOUND, "zed, who is not an annotator" },
  { CRAFT_NOT_FIRST, "not-first", FIDGET_ERROR_CORRUPT, "does not start with its manifest" },
  { CRAFT_TRUNCATED, "truncated", FIDGET_ERROR_CORRUPT, "damaged or cut short" },
};

static void
craft (const char *sound,
       const char *path,
       Craft       what)
{
  g_autoptr(GPtrArray) entries = read_entries (sound);
  Entry *entry;

  switch (what)
    {
    case CRAFT_TAMPERED:
      {
        Entry *records = find_entry (entries, "records.json");
        g_autofree char *text = g_strndup (g_bytes_get_data (records->data, NULL),
                                           g_bytes_get_size (records->data));
        char *frame = strstr (text, "\"width\"");
        char *digit;

        g_assert_nonnull (frame);
        digit = strpbrk (frame, "0123456789");
        *digit = *digit == '6' ? '7' : '6';   /* 640 -> 740: still valid JSON */
        g_bytes_unref (records->data);
        records->data = g_bytes_new (text, strlen (text));
      }
      break;
    case CRAFT_MISSING:
      g_ptr_array_remove (entries, find_entry (entries, "videos/"));
      break;
    case CRAFT_EXTRA:
      add_entry (entries, "notes.txt", AE_IFREG, "hello");
      break;
    case CRAFT_ABSOLUTE:
      add_entry (entries, "/tmp/fidget-evil", AE_IFREG, "evil");
      break;
    case CRAFT_DOTDOT:
      add_entry (entries, "videos/../../evil", AE_IFREG, "evil");
      break;
    case CRAFT_SYMLINK:
      add_entry (entries, "videos/link.mkv", AE_IFLNK, NULL);
      ((Entry *) g_ptr_array_index (entries, entries->len - 1))->link = g_strdup ("/etc/passwd");
      break;
    case CRAFT_HARDLINK:
      add_entry (entries, "videos/hard.mkv", AE_IFREG, NULL);
      ((Entry *) g_ptr_array_index (entries, entries->len - 1))->hardlink =
        g_strdup ("records.json");
      break;
    case CRAFT_DEVICE:
      add_entry (entries, "videos/null", AE_IFCHR, NULL);
      break;
    case CRAFT_FIFO:
      add_entry (entries, "videos/pipe", AE_IFIFO, NULL);
      break;
    case CRAFT_VERSION:
      edit_manifest (entries, "version", json_node_init_int (json_node_alloc (), 2));
      break;
    case CRAFT_PERSON:
      edit_manifest (entries, "person", json_node_init_string (json_node_alloc (), "zed"));
      break;
    case CRAFT_NOT_FIRST:
      entry = g_ptr_array_steal_index (entries, 0);
      g_ptr_array_add (entries, entry);
      break;
    case CRAFT_TRUNCATED:
      break;
    default:
      g_assert_not_reached ();
    }
  write_entries (entries, path);
  if (what == CRAFT_TRUNCATED)
    {
      g_autofree char *bytes = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
      g_assert_true (g_file_set_contents (path, bytes, (gssize) length / 2, NULL));
    }
}

static gboolean
has_partial_file (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    if (strstr (name, "partial") != NULL)
      return TRUE;
  return FALSE;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (folder != NULL && g_dir_read_name (folder) != NULL)
    n++;
  return n;
}

static void
test_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
  g_autofree char *sound = g_build_filename (dir, "sound.fidgetpkg", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.fidgetpkg", NULL);
  g_autofree char *videos = g_build_filename (dir, "incoming", NULL);
  g_autofree char *before = NULL;
  g_autofree char *laptop_dir = g_build_filename (dir, "laptop", NULL);
  g_autoptr(FidgetProject) coordinator = NULL;
  g_autoptr(FidgetProject) laptop = NULL;
  g_autoptr(FidgetProject) other = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;
  g_assert_cmpint (g_mkdir (other_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (videos, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (laptop_dir, 0755), ==, 0);
  info = export_for (coordinator, "amara", sound, TRUE);
  g_clear_pointer (&info, fidget_work_package_info_free);

  /* The refusals meet amara's copy, where the sound package goes in. */
  laptop = start_local (laptop_dir, "amara.fidget", sound);
  result = fidget_work_package_import (laptop, sound, videos, TRUE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, fidget_work_package_result_free);

  before = fidget_test_file_checksum (fidget_project_get_path (laptop));

  /* Another project's package, though for a person of the same name. */
  other = make_coordinator (other_dir, "other.fidget");
  info = export_for (other, "amara", foreign, FALSE);
  result = fidget_work_package_import (laptop, foreign, videos, FALSE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "another project"));
  g_test_message ("other project: %s", error->message);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (crafts); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.fidgetpkg", crafts[i].name);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *after = NULL;
      g_autofree char *new_project = g_build_filename (dir, "new.fidget", NULL);
      g_autoptr(FidgetProject) created = NULL;

      craft (sound, path, crafts[i].craft);
      result = fidget_work_package_import (laptop, path, videos, FALSE, NULL, NULL, NULL, &error);
      g_test_message ("%s: %s", crafts[i].name, error != NULL ? error->message : "(accepted)");
      g_assert_null (result);
      g_assert_error (error, FIDGET_ERROR, crafts[i].code);
      g_assert_nonnull (strstr (error->message, crafts[i].message));
      g_assert_nonnull (strstr (error->message, name));
      g_clear_error (&error);

      /* Nothing written: the project file as it was, no video file left behind. */
      after = fidget_test_file_checksum (fidget_project_get_path (laptop));
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpuint (count_files (videos), ==, 0);

      /* The same refusal when starting a project from it, and no project file left. */
      if (crafts[i].craft != CRAFT_PERSON)
        {
          created = fidget_work_package_create_project (new_project, path, videos, NULL, NULL,
                                                        NULL, NULL, &error);
          g_assert_null (created);
          g_assert_error (error, FIDGET_ERROR, crafts[i].code);
          g_clear_error (&error);
          g_assert_false (g_file_test (new_project, G_FILE_TEST_EXISTS));
          g_assert_cmpuint (count_files (videos), ==, 0);
        }
    }

  /* A refusal that comes after a video was copied (the extra entry is last) leaves no folder
   * it made for it. */
  {
    g_autofree char *fresh = g_build_filename (dir, "fresh", NULL);
    g_autofree char *extra = g_build_filename (dir, "extra.fidgetpkg", NULL);

    g_assert_null (fidget_work_package_import (laptop, extra, fresh, FALSE, NULL, NULL, NULL,
                                               &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT);
    g_clear_error (&error);
    g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  }

  /* Packages go one way each: a return into the coordinator's project only, an assignment
   * into its person's copy only. */
  {
    g_autofree char *bo_dir = g_build_filename (dir, "bo", NULL);
    g_autofree char *bo_package = g_build_filename (dir, "bo.fidgetpkg", NULL);
    g_autofree char *back = g_build_filename (dir, "back.fidgetpkg", NULL);
    g_autoptr(FidgetProject) bo = NULL;
    g_autoptr(FidgetWorkPackageInfo) bo_info = NULL;
    g_autoptr(FidgetWorkPackageInfo) back_info = NULL;

    g_mkdir (bo_dir, 0755);
    bo_info = export_for (coordinator, "bo", bo_package, FALSE);
    bo = start_local (bo_dir, "bo.fidget", bo_package);
    back_info = export_for (bo, "bo", back, FALSE);

    g_assert_null (fidget_work_package_import (laptop, back, NULL, FALSE, NULL, NULL, NULL,
                                               &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
    g_assert_nonnull (strstr (error->message, "going back to the coordinator"));
    g_clear_error (&error);
    g_assert_null (fidget_work_package_import (laptop, bo_package, NULL, FALSE, NULL, NULL, NULL,
                                               &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
    g_assert_nonnull (strstr (error->message, "is amara’s copy"));
    g_clear_error (&error);
    g_assert_null (fidget_work_package_import (coordinator, sound, NULL, FALSE, NULL, NULL, NULL,
                                               &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
    g_assert_nonnull (strstr (error->message, "not into the coordinator’s"));
    g_clear_error (&error);
    {
      g_autofree char *now = fidget_test_file_checksum (fidget_project_get_path (laptop));
      g_assert_cmpstr (before, ==, now);
    }
  }

  /* A return cannot start a project; an existing file is never overwritten. */
  {
    g_autofree char *back = g_build_filename (dir, "back.fidgetpkg", NULL);
    g_autofree char *again = g_build_filename (dir, "again.fidget", NULL);
    g_autoptr(FidgetProject) local = g_object_ref (laptop);
    g_autoptr(FidgetProject) created = NULL;
    g_autoptr(FidgetWorkPackageInfo) back_info = NULL;

    back_info = export_for (local, "amara", back, FALSE);
    created = fidget_work_package_create_project (again, back, NULL, NULL, NULL, NULL, NULL,
                                                  &error);
    g_assert_null (created);
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (g_file_test (again, G_FILE_TEST_EXISTS));
    created = fidget_work_package_create_project (fidget_project_get_path (local), sound, NULL,
                                                  NULL, NULL, NULL, NULL, &error);
    g_assert_null (created);
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS);
    g_clear_error (&error);

    /* The laptop can send only its own person's work. */
    g_assert_null (fidget_work_package_export (local, "bo", back, FALSE, NULL, NULL, NULL,
                                               &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_ALLOWED);
    g_clear_error (&error);
  }

  /* A person with nothing assigned, and nobody: no package. */
  g_assert_null (fidget_work_package_export (coordinator, "dev", foreign, FALSE, NULL, NULL,
                                             NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (fidget_work_package_export (coordinator, "nobody", foreign, FALSE, NULL, NULL,
                                             NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* }}} */
/* {{{ Async, progress, cancel */

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  guint n_progress;
  double last;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
on_progress (double   fraction,
             gpointer user_data)
{
  Wait *wait = user_data;

  /* Called in the worker: only counted here, read after the loop ends. */
  g_atomic_int_inc (&wait->n_progress);
  wait->last = fraction;
}

static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "a.fidgetpkg", NULL);
  g_autofree char *cancelled = g_build_filename (dir, "c.fidgetpkg", NULL);
  g_autoptr(FidgetProject) coordinator = NULL;
  g_autoptr(FidgetProject) laptop = NULL;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autoptr(FidgetWorkPackageResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait wait = { 0 };

  if (!(coordinator = make_coordinator (dir, "study.fidget")))
    return;
  wait.loop = g_main_loop_new (NULL, FALSE);

  fidget_work_package_export_async (coordinator, "amara", pkg, TRUE, NULL, on_progress, &wait,
                                    on_done, &wait);
  g_main_loop_run (wait.loop);
  info = fidget_work_package_export_finish (coordinator, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_video_files, ==, 1);
  g_assert_cmpuint (wait.n_progress, >, 1);
  g_assert_cmpfloat (wait.last, ==, 1.0);
  g_clear_object (&wait.result);

  /* The preview: a dry run on its own connection tells what would change. */
  {
    g_autofree char *sub = g_build_filename (dir, "laptop", NULL);
    g_mkdir (sub, 0755);
    laptop = start_local (sub, "amara.fidget", pkg);
  }
  wait.n_progress = 0;
  fidget_work_package_import_async (laptop, pkg, NULL, TRUE, NULL, on_progress, &wait,
                                    on_done, &wait);
  g_main_loop_run (wait.loop);
  result = fidget_work_package_import_finish (laptop, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->report->n_changes, ==, 0);   /* all of it is here already */
  g_clear_object (&wait.result);

  /* A copy started in a worker, handed back open on this thread. */
  {
    g_autofree char *sub = g_build_filename (dir, "laptop2", NULL);
    g_autofree char *path = g_build_filename (sub, "amara.fidget", NULL);
    g_autoptr(FidgetProject) made = NULL;
    g_autoptr(FidgetWorkPackageResult) imported = NULL;

    g_mkdir (sub, 0755);
    fidget_work_package_create_project_async (path, pkg, NULL, NULL, NULL, NULL, on_done, &wait);
    g_main_loop_run (wait.loop);
    made = fidget_work_package_create_project_finish (wait.result, &imported, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (fidget_project_get_uuid (made), ==, fidget_project_get_uuid (coordinator));
    g_assert_cmpuint (imported->n_videos_copied, ==, 1);
    g_clear_object (&wait.result);
  }

  /* Cancelled before it starts: no package at that name, no temporary file beside it. */
  g_cancellable_cancel (cancellable);
  fidget_work_package_export_async (coordinator, "amara", cancelled, TRUE, cancellable, NULL,
                                    NULL, on_done, &wait);
  g_main_loop_run (wait.loop);
  g_assert_null (fidget_work_package_export_finish (coordinator, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&wait.result);
  g_assert_false (g_file_test (cancelled, G_FILE_TEST_EXISTS));
  g_assert_false (has_partial_file (dir));
  g_main_loop_unref (wait.loop);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work-package/round-trip", test_round_trip);
  g_test_add_func ("/work-package/cross-check", test_cross_check);
  g_test_add_func ("/work-package/late-return-refused", test_return_after_submit_refused);
  g_test_add_func ("/work-package/primary-takes-back", test_primary_takes_back);
  g_test_add_func ("/work-package/new-round", test_new_round);
  g_test_add_func ("/work-package/refusals", test_refusals);
  g_test_add_func ("/work-package/async", test_async);

  return g_test_run ();
}
