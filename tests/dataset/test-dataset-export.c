/* test-dataset-export.c: dataset packages (no-clip mode) and the CSV round trip
 *
 * A small study from the sample clips: three participants and a video without one, several
 * annotators, a project's own action. Checks what training code and people rely on: lists
 * that agree with the CSV, names, labels, no participant in two splits, reproducibility,
 * checksums, refusals that leave things as they were, and export -> import giving the same
 * segments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "fidget-csv.h"
#include "fidget-dataset.h"
#include "fidget-dataset-import.h"
#include "fidget-distribution-chart.h"
#include "fidget-list-import.h"
#include "fidget-eaf-import.h"
#include "fidget-error.h"
#include "fidget-project-private.h"
#include "fidget-review.h"
#include "fidget-test-util.h"
#include "fidget-video-import.h"

typedef struct
{
  char          *dir;
  char          *path;
  FidgetProject *project;
  gint64         video_ids[4];
} Study;

static void
study_free (Study *study)
{
  g_clear_object (&study->project);
  g_free (study->path);
  g_free (study->dir);
  g_free (study);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Study, study_free)

/* Segments per video: start, end, action, annotator; frames within 60 (the shortest sample). */
static const struct
{
  guint       video;
  gint64      start;
  gint64      end;
  const char *action;
  const char *annotator;
} study_segments[] = {
  { 0, 0, 10, "B1", "amara" }, { 0, 5, 20, "B2", "bo" }, { 0, 12, 30, "C14", "amara" },
  { 0, 30, 45, "F3", "amara" }, { 0, 40, 55, "A1", "bo" },
  { 1, 1, 9, "B1", "amara" }, { 1, 10, 25, "D1", "carmen" }, { 1, 20, 40, "B6", "amara" },
  { 1, 41, 50, "F3", "bo" },
  { 2, 0, 15, "B2", "carmen" }, { 2, 15, 30, "B1", "carmen" }, { 2, 31, 33, "G1", "bo" },
  { 2, 33, 58, "A1", "amara" }, { 2, 50, 60, "B1", "amara" },
  { 3, 2, 12, "B1", "bo" }, { 3, 12, 42, "C1", "bo" }, { 3, 42, 59, "B2", "amara" },
};

static Study *
study_new (void)
{
  const char *samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };
  const char *participants[] = { "P001", "P002", "P003", NULL };
  const char *genders[] = { "female", "male", "female", NULL };
  g_autoptr(Study) study = g_new0 (Study, 1);
  g_autoptr(GError) error = NULL;
  const FidgetAction *own;

  if (fidget_test_samples_dir () == NULL)
    return NULL;
  study->dir = fidget_test_make_tmpdir ();
  study->path = g_build_filename (study->dir, "study.fidget", NULL);
  study->project = fidget_project_create (study->path, &error);
  g_assert_no_error (error);

  for (guint v = 0; v < G_N_ELEMENTS (samples); v++)
    {
      g_autofree char *sample = fidget_test_sample (samples[v]);
      FidgetImportOptions options = { participants[v], genders[v], "18-25" };
      g_autoptr(FidgetVideo) video = NULL;

      video = fidget_import_video (study->project, sample,
                                   participants[v] != NULL ? &options : NULL, NULL, NULL, NULL,
                                   &error);
      g_assert_no_error (error);
      g_assert_cmpint (video->frame_count, >=, 60);
      study->video_ids[v] = video->id;
    }
  for (guint a = 0; a < 3; a++)
    {
      const char *names[] = { "amara", "bo", "carmen" };
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (study->project,
                                                                          names[a], &error);
      g_assert_no_error (error);
    }
  own = fidget_project_add_action (study->project, "C", "C14", "drumming fingers",
                                   "fingers tap in turn on a surface", &error);
  g_assert_no_error (error);
  g_assert_cmpint (own->model_index, ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (study_segments); i++)
    {
      g_autoptr(FidgetSegment) segment =
        fidget_project_add_segment (study->project, study->video_ids[study_segments[i].video],
                                    study_segments[i].annotator, study_segments[i].start,
                                    study_segments[i].end, study_segments[i].action, &error);
      g_assert_no_error (error);
      if (i == 2 || i == 7)
        {
          FidgetSegment values = { 0 };
          g_autoptr(FidgetSegment) updated = NULL;

          values.emotion = FIDGET_EMOTION_SURPRISE;
          values.note = i == 2 ? "held, then \"released\", twice" : "two\nlines";
          updated = fidget_project_update_segment (study->project, segment->uuid, &values,
                                                   FIDGET_SEGMENT_FIELD_EMOTION |
                                                   FIDGET_SEGMENT_FIELD_NOTE, &error);
          g_assert_no_error (error);
        }
    }
  return g_steal_pointer (&study);
}

static FidgetDataset *
collect (Study   *study,
         guint64  seed)
{
  g_autoptr(GError) error = NULL;
  FidgetDatasetOptions options;
  FidgetDataset *dataset;

  fidget_dataset_options_init (&options);
  options.split.seed = seed;
  dataset = fidget_dataset_collect (study->project, &options, &error);
  g_assert_no_error (error);
  return dataset;
}

static char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* The CSV as rows of fields (the header first). */
static GPtrArray *
read_csv (const char *path)
{
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetCsvReader) reader = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *const *fields;
  guint n;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);
  reader = fidget_csv_reader_new (path, text, length);
  while (fidget_csv_reader_next (reader, &fields, &n, &error))
    g_ptr_array_add (rows, g_strdupv ((char **) fields));
  g_assert_no_error (error);
  return rows;
}

static int
column (GPtrArray  *rows,
        const char *name)
{
  char **header = g_ptr_array_index (rows, 0);

  for (guint c = 0; header[c] != NULL; c++)
    if (g_str_equal (header[c], name))
      return c;
  g_error ("no column %s", name);
}

/* {{{ The package */

static void
test_package (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *labels = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) split_of_participant = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                      g_free, g_free);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) label_lines = NULL;
  guint n_files = 0, n_listed = 0;
  int c_clip, c_split, c_participant, c_number, c_video, c_start, c_end, c_start_s, c_end_s;
  int c_label, c_action, c_part, c_note, c_emotion, c_fps;

  if (study == NULL)
    return;
  out = g_build_filename (study->dir, "package", NULL);
  dataset = collect (study, 1);
  g_assert_cmpuint (fidget_dataset_get_n_clips (dataset), ==, G_N_ELEMENTS (study_segments));
  g_assert_cmpuint (fidget_dataset_get_n_labels (dataset), ==, 53);
  g_assert_cmpstr (fidget_dataset_get_label_action (dataset, 52)->code, ==, "C14");
  g_assert_true (fidget_dataset_write (dataset, out, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (fidget_dataset_verify_package (out, &n_files, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_files, ==, 10 + 4);

  /* The dataset card's chart: both files in the manifest, the README shows the PNG, the PNG
   * decodes at the chart's size for 53 labels, the SVG is XML. */
  {
    g_autofree char *sums = read_text (out, "SHA256SUMS");
    g_autofree char *readme = read_text (out, "README.md");
    g_autofree char *png_path = g_build_filename (out, "distribution.png", NULL);
    g_autofree char *svg = read_text (out, "distribution.svg");
    g_autoptr(GMarkupParseContext) context = NULL;
    static const GMarkupParser parser = { NULL, };
    FidgetDistributionLayout layout;
    cairo_surface_t *surface;

    g_assert_nonnull (strstr (sums, "  distribution.png\n"));
    g_assert_nonnull (strstr (sums, "  distribution.svg\n"));
    g_assert_nonnull (strstr (readme, "](distribution.png)"));
    surface = cairo_image_surface_create_from_png (png_path);
    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    fidget_distribution_chart_layout (53, &layout);
    g_assert_cmpint (cairo_image_surface_get_width (surface), ==, layout.width);
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, layout.height);
    cairo_surface_destroy (surface);
    context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
    g_assert_true (g_markup_parse_context_parse (context, svg, -1, &error) &&
                   g_markup_parse_context_end_parse (context, &error));
    g_assert_no_error (error);
  }

  /* label_name.txt: index TAB name, the model's 52 classes in model order, then C14. */
  labels = read_text (out, "label_name.txt");
  label_lines = g_strsplit (labels, "\n", -1);
  g_assert_cmpuint (g_strv_length (label_lines), ==, 54);   /* 53 lines and the last "" */
  g_assert_cmpstr (label_lines[0], ==, "0\tshaking body");
  g_assert_cmpstr (label_lines[9], ==, "9\tnodding");
  g_assert_cmpstr (label_lines[51], ==, "51\tscratching feet");
  g_assert_cmpstr (label_lines[52], ==, "52\tdrumming fingers");

  csv_path = g_build_filename (out, "annotations.csv", NULL);
  rows = read_csv (csv_path);
  g_assert_cmpuint (rows->len, ==, 1 + G_N_ELEMENTS (study_segments));
  c_clip = column (rows, "clip");
  c_split = column (rows, "split");
  c_participant = column (rows, "participant");
  c_number = column (rows, "participant_number");
  c_video = column (rows, "video");
  c_start = column (rows, "start_frame");
  c_end = column (rows, "end_frame");
  c_start_s = column (rows, "start_s");
  c_end_s = column (rows, "end_s");
  c_label = column (rows, "label");
  c_action = column (rows, "action");
  c_part = column (rows, "body_part_index");
  c_note = column (rows, "note");
  c_emotion = column (rows, "emotion");
  c_fps = column (rows, "fps");

  for (guint r = 1; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      g_autofree char *expected_prefix = NULL;
      g_autofree char *list_name = g_strconcat (row[c_split], "_list_videos.txt", NULL);
      g_autofree char *list = read_text (out, list_name);
      g_autofree char *line = NULL;
      g_autofree char *start_s = NULL;
      const char *participant = *row[c_participant] ? row[c_participant] : row[c_video];
      const char *previous;

      /* PPPP_BB_NNNN: the participant's own number, the 0-based body part. */
      g_assert_true (g_regex_match_simple ("^[0-9]{4}_0[0-6]_[0-9]{4}$", row[c_clip], 0, 0));
      g_assert_true (g_hash_table_add (names, row[c_clip]));
      expected_prefix = g_strdup_printf ("%04d_%02d_", atoi (row[c_number]), atoi (row[c_part]));
      g_assert_true (g_str_has_prefix (row[c_clip], expected_prefix));
      if (g_str_equal (row[c_participant], "P002"))
        g_assert_cmpstr (row[c_number], ==, "2");
      if (*row[c_participant] == '\0')
        g_assert_cmpstr (row[c_number], ==, "4");   /* after the others */

      /* Labels: model index for MA-52 actions, 52 for the project's own. */
      if (g_str_equal (row[c_action], "B1"))
        g_assert_cmpstr (row[c_label], ==, "9");
      if (g_str_equal (row[c_action], "C14"))
        g_assert_cmpstr (row[c_label], ==, "52");

      /* Seconds on the frame grid of the 30/1 samples. */
      g_assert_cmpstr (row[c_fps], ==, "30/1");
      start_s = g_strdup_printf ("%.6f", g_ascii_strtod (row[c_start], NULL) / 30.0);
      g_assert_cmpstr (row[c_start_s], ==, start_s);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (row[c_end_s], NULL),
                                      g_ascii_strtod (row[c_end], NULL) / 30.0, 1e-6);

      /* The clip is in its split's list, pointing into the source video. */
      line = g_strdup_printf ("%s %s %s %s\n", row[c_video], row[c_label], row[c_start],
                              row[c_end]);
      g_assert_nonnull (strstr (list, line));
      n_listed++;

      /* No participant in two splits. */
      previous = g_hash_table_lookup (split_of_participant, participant);
      if (previous != NULL)
        g_assert_cmpstr (previous, ==, row[c_split]);
      else
        g_hash_table_insert (split_of_participant, g_strdup (participant), g_strdup (row[c_split]));

      if (g_str_equal (row[c_action], "C14"))
        {
          g_assert_cmpstr (row[c_note], ==, "held, then \"released\", twice");
          g_assert_cmpstr (row[c_emotion], ==, "surprise");
        }
    }
  g_assert_cmpuint (n_listed, ==, G_N_ELEMENTS (study_segments));
  g_assert_cmpuint (g_hash_table_size (split_of_participant), ==, 4);

  /* The lists hold nothing else: their lines add up to the clips. */
  {
    guint n_lines = 0;

    for (guint s = 0; s < FIDGET_N_SPLITS; s++)
      {
        g_autofree char *name = g_strconcat (fidget_split_to_string (s), "_list_videos.txt", NULL);
        g_autofree char *list = read_text (out, name);

        for (const char *p = list; *p != '\0'; p++)
          n_lines += *p == '\n';
      }
    g_assert_cmpuint (n_lines, ==, G_N_ELEMENTS (study_segments));
  }

  /* The report agrees. */
  {
    g_autofree char *report = read_text (out, "split_report.json");
    g_assert_nonnull (strstr (report, "\"leakage_free\" : true"));
    g_assert_nonnull (strstr (report, "\"clips\" : 17"));
  }
}

static void
test_reproducible (void)
{
  g_autoptr(Study) study = study_new ();
  g_autofree char *a = NULL, *b = NULL;
  const char *files[] = { "annotations.csv", "train_list_videos.txt", "val_list_videos.txt",
                          "test_list_videos.txt", "label_name.txt", "split_report.json" };

  if (study == NULL)
    return;
  a = g_build_filename (study->dir, "a", NULL);
  b = g_build_filename (study->dir, "b", NULL);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(FidgetDataset) dataset = collect (study, 42);
      g_autoptr(GError) error = NULL;

      g_assert_true (fidget_dataset_write (dataset, round == 0 ? a : b, NULL, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *x = g_build_filename (a, files[i], NULL);
      g_autofree char *y = g_build_filename (b, files[i], NULL);
      g_autofree char *sum_x = fidget_test_file_checksum (x);
      g_autofree char *sum_y = fidget_test_file_checksum (y);

      g_assert_cmpstr (sum_x, ==, sum_y);
    }

  /* A second export into an earlier package replaces it. */
  {
    g_autoptr(FidgetDataset) dataset = collect (study, 7);
    g_autoptr(GError) error = NULL;

    g_assert_true (fidget_dataset_write (dataset, a, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (fidget_dataset_verify_package (a, NULL, NULL, &error));
    g_assert_no_error (error);
  }
}

/* Clip mode: clips cut, two-column lists, the manifest covering the clips, re-runs cheap. */
/* The clip package's lists imported into a fresh project: one video per clip with one segment
 * over all of it, the same actions and frame counts as the study's segments, participants from
 * the MA-52 names; a second import adds nothing; broken lists are refused by line. */
static void
list_round_trip (Study      *study,
                 const char *package)
{
  static const char *const lists[] = {
    "train_list_videos.txt", "val_list_videos.txt", "test_list_videos.txt",
  };
  g_autofree char *clips = g_build_filename (package, "clips", NULL);
  g_autofree char *path = g_build_filename (study->dir, "from-lists.fidget", NULL);
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GPtrArray) videos = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  FidgetListImportReport report;
  guint n_lines = 0, n_segments = 0;

  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fidget_project_add_action (project, "C", "C14", "drumming fingers",
                                               "fingers tap in turn on a surface", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (study_segments); i++)
    {
      char *key = g_strdup_printf ("%s|%" G_GINT64_FORMAT, study_segments[i].action,
                                   study_segments[i].end - study_segments[i].start);
      g_hash_table_insert (expected, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (expected,
                                                                                    key)) + 1));
    }

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_autofree char *list = g_build_filename (package, lists[l], NULL);

      g_assert_true (fidget_dataset_import_list (project, list, clips, NULL, &report, NULL,
                                                 &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.n_added, ==, report.n_lines);
      g_assert_cmpuint (report.n_videos_imported, ==, report.n_lines);
      n_lines += report.n_lines;
    }
  g_assert_cmpuint (n_lines, ==, G_N_ELEMENTS (study_segments));

  videos = fidget_project_list_videos (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (videos->len, ==, G_N_ELEMENTS (study_segments));
  for (guint v = 0; v < videos->len; v++)
    {
      const FidgetVideo *video = g_ptr_array_index (videos, v);
      g_autoptr(GPtrArray) segments = fidget_project_list_segments (project, video->id, &error);
      const FidgetSegment *segment;
      g_autofree char *key = NULL;
      guint left;

      g_assert_no_error (error);
      g_assert_cmpuint (segments->len, ==, 1);
      segment = g_ptr_array_index (segments, 0);
      g_assert_cmpint (segment->start_frame, ==, 0);
      g_assert_cmpint (segment->end_frame, ==, video->frame_count);
      g_assert_cmpstr (segment->annotator_name, ==, FIDGET_LIST_IMPORT_DEFAULT_ANNOTATOR);
      /* PPPP of the clip name: the study's three participants are 0001 .. 0003 (the video
       * without a participant gets a number too). */
      g_assert_nonnull (video->participant_code);
      g_assert_true (g_regex_match_simple ("^[0-9]{4}$", video->participant_code, 0, 0));
      key = g_strdup_printf ("%s|%" G_GINT64_FORMAT, segment->action_code, video->frame_count);
      left = GPOINTER_TO_UINT (g_hash_table_lookup (expected, key));
      g_assert_cmpuint (left, >, 0);
      g_hash_table_insert (expected, g_steal_pointer (&key), GUINT_TO_POINTER (left - 1));
      n_segments++;
    }
  g_assert_cmpuint (n_segments, ==, G_N_ELEMENTS (study_segments));

  /* Again: found by hash, nothing added. */
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_autofree char *list = g_build_filename (package, lists[l], NULL);

      g_assert_true (fidget_dataset_import_list (project, list, clips, NULL, &report, NULL,
                                                 &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.n_added, ==, 0);
      g_assert_cmpuint (report.n_videos_imported, ==, 0);
      g_assert_cmpuint (report.n_present, ==, report.n_lines);
    }

  /* Refusals name the list and the line, and write nothing. */
  {
    static const struct { const char *text; const char *message; } bad[] = {
      { "\n0001_00_0001.mp4\n", "line 2: expected" },
      { "0001_00_0001.mp4 x\n", "line 1: the label" },
      { "0001_00_0001.mp4 0\nnot-there.mp4 3\n", "line 2: the clip" },
      { "0001_00_0001.mp4 99\n", "line 1: unknown label 99" },
      { "../study.fidget 1\n", "line 1: " },
    };
    g_autofree char *bad_dir = g_build_filename (study->dir, "bad-lists", NULL);
    g_autofree char *label_copy = NULL;

    g_assert_cmpint (g_mkdir_with_parents (bad_dir, 0755), ==, 0);
    for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
      {
        g_autofree char *list = g_build_filename (bad_dir, "list.txt", NULL);
        g_autoptr(GPtrArray) after = NULL;

        g_assert_true (g_file_set_contents (list, bad[b].text, -1, NULL));
        g_assert_false (fidget_dataset_import_list (project, list, clips, "someone", &report,
                                                    NULL, &error));
        g_assert_nonnull (error);
        g_test_message ("%s", error->message);
        g_assert_nonnull (strstr (error->message, list));
        g_assert_nonnull (strstr (error->message, bad[b].message));
        g_clear_error (&error);
        after = fidget_project_list_videos (project, &error);
        g_assert_cmpuint (after->len, ==, G_N_ELEMENTS (study_segments));
      }
  }
}

/* {{{ ELAN import */

static const char *const study_samples[] = { "again.mkv", "bird.mkv", "book.mkv", "brother.mkv" };

static char *
write_tmp (const char *dir,
           const char *name,
           const char *text,
           gssize      length)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
  return path;
}

static int
compare_signature_lines (gconstpointer a,
                         gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
segments_signature (FidgetProject *project,
                    gint64         video_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = fidget_project_list_segments (project, video_id, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint s = 0; s < segments->len; s++)
    {
      const FidgetSegment *segment = g_ptr_array_index (segments, s);
      g_ptr_array_add (lines, g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                                               segment->annotator_name, segment->start_frame,
                                               segment->end_frame, segment->action_code));
    }
  g_ptr_array_sort (lines, compare_signature_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Our own .eaf files back into a fresh project, values as codes: the same segments. */
static void
test_eaf_round_trip (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(FidgetProject) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *fresh_path = NULL;
  g_autofree char *map = NULL;
  g_autofree char *skip_map = NULL;
  FidgetEafImportReport report;
  guint n_added = 0, n_b1 = 0;

  if (study == NULL)
    return;
  out = g_build_filename (study->dir, "package", NULL);
  dataset = collect (study, 1);
  g_assert_true (fidget_dataset_write (dataset, out, NULL, &error));
  g_assert_no_error (error);

  fresh_path = g_build_filename (study->dir, "fresh.fidget", NULL);
  fresh = fidget_project_create (fresh_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fidget_project_add_action (fresh, "C", "C14", "drumming fingers",
                                               "fingers tap in turn on a surface", &error));
  g_assert_no_error (error);
  map = write_tmp (study->dir, "map.tsv", "# values are our codes\n*\t*\t=\n", -1);
  skip_map = write_tmp (study->dir, "skip.tsv", "*\tB1\t-\r\n*\t*\t=\n", -1);

  for (guint v = 0; v < G_N_ELEMENTS (study_samples); v++)
    {
      g_autofree char *sample = fidget_test_sample (study_samples[v]);
      g_autofree char *base = g_strndup (study_samples[v], strlen (study_samples[v]) - 4);
      g_autofree char *name = g_strdup_printf ("%s.eaf", base);
      g_autofree char *eaf = g_build_filename (out, "eaf", name, NULL);
      g_autofree char *expected = segments_signature (study->project, study->video_ids[v]);
      g_autofree char *got = NULL;
      g_autoptr(FidgetVideo) video = fidget_import_video (fresh, sample, NULL, NULL, NULL, NULL,
                                                          &error);
      g_assert_no_error (error);

      /* Leaving out B1 first: nothing of it comes in. */
      g_assert_true (fidget_dataset_import_eaf (fresh, video->id, eaf, skip_map, "probe",
                                                &report, &error));
      g_assert_no_error (error);
      n_b1 += report.n_ignored;
      g_assert_cmpuint (report.n_added + report.n_ignored, ==, report.n_annotations);
      {
        g_autoptr(GPtrArray) probe = fidget_project_list_segments (fresh, video->id, &error);
        for (guint s = 0; s < probe->len; s++)
          {
            FidgetSegment *segment = g_ptr_array_index (probe, s);
            g_assert_cmpstr (segment->action_code, !=, "B1");
            g_assert_true (fidget_project_delete_segment (fresh, segment->uuid, &error));
            g_assert_no_error (error);
          }
      }

      g_assert_true (fidget_dataset_import_eaf (fresh, video->id, eaf, map, NULL, &report,
                                                &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.n_added, ==, report.n_annotations);
      n_added += report.n_added;
      got = segments_signature (fresh, video->id);
      g_assert_cmpstr (got, ==, expected);

      /* Again: nothing added. */
      g_assert_true (fidget_dataset_import_eaf (fresh, video->id, eaf, map, NULL, &report,
                                                &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.n_added, ==, 0);
      g_assert_cmpuint (report.n_present, ==, report.n_annotations);
    }
  g_assert_cmpuint (n_added, ==, G_N_ELEMENTS (study_segments));
  g_assert_cmpuint (n_b1, ==, 5);   /* the study's B1 segments */
}

static void
assert_refused (FidgetProject *project,
                gint64         video_id,
                const char    *eaf,
                const char    *map,
                const char    *named,
                const char    *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = segments_signature (project, video_id);
  g_autofree char *after = NULL;

  g_assert_false (fidget_dataset_import_eaf (project, video_id, eaf, map, "x", NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, named));
  g_assert_nonnull (strstr (error->message, message_part));
  after = segments_signature (project, video_id);
  g_assert_cmpstr (after, ==, before);
}

#define EAF_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<ANNOTATION_DOCUMENT FORMAT=\"3.0\">\n" \
  "  <HEADER TIME_UNITS=\"milliseconds\"/>\n"

/* Hand-made documents: the frame grid, the owner, and refusals by file and line. */
static void
test_eaf_refused (void)
{
  g_autofree char *dir = fidget_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "p.fidget", NULL);
  g_autofree char *sample = fidget_test_sample ("again.mkv");
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL, *map = NULL, *sig = NULL;
  FidgetEafImportReport report;

  if (sample == NULL)
    return;
  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  video = fidget_import_video (project, sample, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (video->frame_count, ==, 78);

  /* At 30 fps frame 30 starts at 1000 ms, frame 31 at 1033.3: 1016 is nearer 30, 1017 31. */
  good = write_tmp (dir, "good.eaf", EAF_HEAD
    "  <TIME_ORDER>\n"
    "    <TIME_SLOT TIME_SLOT_ID=\"t1\" TIME_VALUE=\"0\"/>\n"
    "    <TIME_SLOT TIME_SLOT_ID=\"t2\" TIME_VALUE=\"1016\"/>\n"
    "    <TIME_SLOT TIME_SLOT_ID=\"t3\" TIME_VALUE=\"1017\"/>\n"
    "    <TIME_SLOT TIME_SLOT_ID=\"t4\" TIME_VALUE=\"2600\"/>\n"
    "  </TIME_ORDER>\n"
    "  <TIER TIER_ID=\"gesture\" ANNOTATOR=\"Ana\">\n"
    "    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a1\" TIME_SLOT_REF1=\"t1\" "
    "TIME_SLOT_REF2=\"t2\"><ANNOTATION_VALUE> nod </ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>"
    "</ANNOTATION>\n"
    "  </TIER>\n"
    "  <TIER TIER_ID=\"hands\">\n"
    "    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a2\" TIME_SLOT_REF1=\"t3\" "
    "TIME_SLOT_REF2=\"t4\"><ANNOTATION_VALUE>rub &amp; more</ANNOTATION_VALUE>"
    "</ALIGNABLE_ANNOTATION></ANNOTATION>\n"
    "  </TIER>\n"
    "</ANNOTATION_DOCUMENT>\n", -1);
  map = write_tmp (dir, "map.tsv", "gesture\tnod\tB1\nhands\t*\tE2\n*\tnod\tB2\n", -1);
  g_assert_true (fidget_dataset_import_eaf (project, video->id, good, map, NULL, &report,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_added, ==, 2);
  g_assert_cmpuint (report.n_annotators_added, ==, 2);
  sig = segments_signature (project, video->id);
  /* 2600 ms is frame 78 = the end of the video (78 frames): allowed as an end. */
  g_assert_cmpstr (sig, ==, "Ana 0 30 B1\nhands 31 78 E2\n");

  {
    g_autofree char *bad_map = write_tmp (dir, "bad.tsv", "gesture\tnod\n", -1);
    g_autofree char *unknown_code = write_tmp (dir, "code.tsv", "# x\n\n*\t*\tZZ9\n", -1);
    g_autofree char *clash = write_tmp (dir, "clash.tsv", "*\t*\tB1\n*\t*\tB2\n", -1);
    g_autofree char *partial = write_tmp (dir, "partial.tsv", "gesture\t*\tB1\n", -1);
    g_autofree char *self_map = write_tmp (dir, "self.tsv", "*\t*\t=\n", -1);
    g_autofree char *truncated = write_tmp (dir, "truncated.eaf", EAF_HEAD "  <TIME_ORDER>\n"
                                            "    <TIME_SLOT TIME_SLOT_ID=\"t1\"", -1);
    g_autofree char *not_eaf = write_tmp (dir, "other.eaf", "<html><body/></html>\n", -1);
    g_autofree char *far = NULL, *no_time = NULL, *tiny = NULL, *undefined = NULL;

    assert_refused (project, video->id, good, bad_map, "bad.tsv line 1", "three fields");
    assert_refused (project, video->id, good, unknown_code, "code.tsv line 3", "“ZZ9”");
    assert_refused (project, video->id, good, clash, "clash.tsv line 2", "line 1");
    assert_refused (project, video->id, good, partial, "good.eaf line 14", "tier “hands”");
    assert_refused (project, video->id, good, self_map, "good.eaf line 11", "“nod”");
    assert_refused (project, video->id, truncated, map, "truncated.eaf",
                    "not well-formed XML");
    assert_refused (project, video->id, not_eaf, map, "other.eaf line 1",
                    "not an ELAN <ANNOTATION_DOCUMENT>");

    far = write_tmp (dir, "far.eaf", EAF_HEAD
      "  <TIME_ORDER><TIME_SLOT TIME_SLOT_ID=\"t1\" TIME_VALUE=\"100\"/>\n"
      "  <TIME_SLOT TIME_SLOT_ID=\"t2\" TIME_VALUE=\"99999999999\"/></TIME_ORDER>\n"
      "  <TIER TIER_ID=\"gesture\"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a1\" "
      "TIME_SLOT_REF1=\"t1\" TIME_SLOT_REF2=\"t2\"><ANNOTATION_VALUE>nod</ANNOTATION_VALUE>"
      "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>\n</ANNOTATION_DOCUMENT>\n", -1);
    assert_refused (project, video->id, far, map, "far.eaf line 6", "outside video");
    no_time = write_tmp (dir, "no-time.eaf", EAF_HEAD
      "  <TIME_ORDER><TIME_SLOT TIME_SLOT_ID=\"t1\" TIME_VALUE=\"100\"/>\n"
      "  <TIME_SLOT TIME_SLOT_ID=\"t2\"/></TIME_ORDER>\n"
      "  <TIER TIER_ID=\"gesture\"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a1\" "
      "TIME_SLOT_REF1=\"t1\" TIME_SLOT_REF2=\"t2\"><ANNOTATION_VALUE>nod</ANNOTATION_VALUE>"
      "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>\n</ANNOTATION_DOCUMENT>\n", -1);
    assert_refused (project, video->id, no_time, map, "no-time.eaf line 6", "has no time");
    tiny = write_tmp (dir, "tiny.eaf", EAF_HEAD
      "  <TIME_ORDER><TIME_SLOT TIME_SLOT_ID=\"t1\" TIME_VALUE=\"100\"/>\n"
      "  <TIME_SLOT TIME_SLOT_ID=\"t2\" TIME_VALUE=\"110\"/></TIME_ORDER>\n"
      "  <TIER TIER_ID=\"gesture\"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a1\" "
      "TIME_SLOT_REF1=\"t1\" TIME_SLOT_REF2=\"t2\"><ANNOTATION_VALUE>nod</ANNOTATION_VALUE>"
      "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>\n</ANNOTATION_DOCUMENT>\n", -1);
    assert_refused (project, video->id, tiny, map, "tiny.eaf line 6", "no whole frame");
    undefined = write_tmp (dir, "undefined.eaf", EAF_HEAD
      "  <TIER TIER_ID=\"gesture\"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a1\" "
      "TIME_SLOT_REF1=\"t1\" TIME_SLOT_REF2=\"t2\"><ANNOTATION_VALUE>nod</ANNOTATION_VALUE>"
      "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>\n</ANNOTATION_DOCUMENT>\n", -1);
    assert_refused (project, video->id, undefined, map, "undefined.eaf line 4",
                    "is not defined");
  }

  /* Fuzz: truncations and mutations of a real export never crash; a refusal names the file. */
  {
    static const char noise[] = "<>\"=/ &;x\n\t\0T";
    g_autofree char *contents = NULL;
    g_autofree char *fuzz = g_build_filename (dir, "fuzz.eaf", NULL);
    g_autofree char *any = write_tmp (dir, "any.tsv", "*\t*\tB1\n", -1);
    g_autoptr(GRand) rand = g_rand_new_with_seed (52);
    gsize length;
    guint n_ok = 0, n_refused = 0;

    g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
    for (guint round = 0; round < 400; round++)
      {
        g_autofree char *copy = g_memdup2 (contents, length);
        gsize size = length;

        if (round < 150)
          size = g_rand_int_range (rand, 0, (gint32) length);
        else
          for (guint k = 0, n = g_rand_int_range (rand, 1, 6); k < n; k++)
            copy[g_rand_int_range (rand, 0, (gint32) length)] =
              noise[g_rand_int_range (rand, 0, sizeof noise - 1)];
        g_assert_true (g_file_set_contents (fuzz, copy, size, NULL));
        if (fidget_dataset_import_eaf (project, video->id, fuzz, any, "fuzz", NULL, &error))
          n_ok++;
        else
          {
            g_assert_nonnull (error);
            g_assert_nonnull (strstr (error->message, "fuzz.eaf"));
            g_clear_error (&error);
            n_refused++;
          }
      }
    g_test_message ("fuzz: %u imported, %u refused", n_ok, n_refused);
    g_assert_cmpuint (n_refused, >, 150);
  }
}

/* }}} */

static void
test_clip_package (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *train = NULL;
  g_auto(GStrv) lines = NULL;
  FidgetClipParams params;
  FidgetClipReport report;
  guint n_files = 0;

  if (study == NULL)
    return;
  out = g_build_filename (study->dir, "clip-package", NULL);
  dataset = collect (study, 2);
  fidget_clip_params_init (&params);
  params.preset = "ultrafast";
  g_assert_true (fidget_dataset_write_clips (dataset, out, &params, NULL, NULL, NULL, &report,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_cut, ==, G_N_ELEMENTS (study_segments));

  g_assert_true (fidget_dataset_verify_package (out, &n_files, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_files, ==, 10 + 4 + G_N_ELEMENTS (study_segments));

  /* mmaction2's VideoDataset form: NAME.mp4 LABEL, the file in clips/. */
  train = read_text (out, "train_list_videos.txt");
  lines = g_strsplit (train, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      g_autofree char *clip = NULL;

      g_assert_cmpuint (g_strv_length (fields), ==, 2);
      g_assert_true (g_regex_match_simple ("^[0-9]{4}_0[0-6]_[0-9]{4}\\.mp4$", fields[0], 0, 0));
      clip = g_build_filename (out, "clips", fields[0], NULL);
      g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
    }

  /* Again, with another seed: the clips do not depend on the split, nothing is cut. */
  g_clear_object (&dataset);
  dataset = collect (study, 3);
  g_assert_true (fidget_dataset_write_clips (dataset, out, &params, NULL, NULL, NULL, &report,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_cut, ==, 0);
  g_assert_cmpuint (report.n_skipped, ==, G_N_ELEMENTS (study_segments));
  g_assert_true (fidget_dataset_verify_package (out, NULL, NULL, &error));
  g_assert_no_error (error);

  list_round_trip (study, out);
}

static void
cancel_when_half_cut (double   fraction,
                      gpointer user_data)
{
  if (fraction >= 0.5)
    g_cancellable_cancel (user_data);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

/* Cancelling a clip export halfway takes it back: a folder it made is gone, a folder it
 * found empty is empty again, an earlier package keeps its clips but not its manifest. */
static void
test_cancel_clips (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *earlier = NULL;
  g_autofree char *earlier_clip_dir = NULL;
  FidgetClipParams params;
  FidgetClipReport report;

  if (study == NULL)
    return;
  dataset = collect (study, 2);
  fidget_clip_params_init (&params);
  params.preset = "ultrafast";
  params.height = 120;
  params.n_workers = 1;

  fresh = g_build_filename (study->dir, "fresh", NULL);
  empty = g_build_filename (study->dir, "empty", NULL);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      const char *dir = i == 0 ? fresh : empty;

      g_assert_false (fidget_dataset_write_clips (dataset, dir, &params, cancellable,
                                                  cancel_when_half_cut, cancellable, &report,
                                                  &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
    }
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (empty, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_entries (empty), ==, 0);

  /* The same in no-clip mode, into the emptied folder, cancelled before the first file. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    g_assert_false (fidget_dataset_write (dataset, empty, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpuint (count_entries (empty), ==, 0);
  }

  /* An earlier package: its clips stay for the next run, its manifest goes. */
  earlier = g_build_filename (study->dir, "earlier", NULL);
  g_assert_true (fidget_dataset_write_clips (dataset, earlier, &params, NULL, NULL, NULL, &report,
                                             &error));
  g_assert_no_error (error);
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    g_assert_false (fidget_dataset_write (dataset, earlier, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  earlier_clip_dir = g_build_filename (earlier, "clips", NULL);
  g_assert_cmpuint (count_entries (earlier_clip_dir), >=, G_N_ELEMENTS (study_segments));
  g_assert_false (fidget_dataset_verify_package (earlier, NULL, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (fidget_dataset_write_clips (dataset, earlier, &params, NULL, NULL, NULL, &report,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_cut, ==, 0);
}

/* }}} */
/* {{{ Untrimmed formats: ActivityNet JSON and ELAN */

typedef struct
{
  GHashTable *slots;        /* "ts1" -> ms (gint64 *) */
  GPtrArray  *annotations;  /* EafAnnotation * */
  char       *tier;
  char       *annotator;
  char       *media_url;
  char       *ref1, *ref2;
  GString    *value;        /* inside ANNOTATION_VALUE */
} EafReader;

typedef struct
{
  char *tier;
  char *annotator;
  char *ref1, *ref2;
  char *value;
} EafAnnotation;

static void
eaf_annotation_free (gpointer data)
{
  EafAnnotation *a = data;

  g_free (a->tier);
  g_free (a->annotator);
  g_free (a->ref1);
  g_free (a->ref2);
  g_free (a->value);
  g_free (a);
}

static const char *
attribute (const char **names,
           const char **values,
           const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], name) == 0)
      return values[i];
  return NULL;
}

static void
eaf_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  EafReader *reader = user_data;

  if (strcmp (element, "TIME_SLOT") == 0)
    {
      gint64 ms = g_ascii_strtoll (attribute (names, values, "TIME_VALUE"), NULL, 10);
      g_hash_table_insert (reader->slots, g_strdup (attribute (names, values, "TIME_SLOT_ID")),
                           g_memdup2 (&ms, sizeof ms));
    }
  else if (strcmp (element, "TIER") == 0)
    {
      g_free (reader->tier);
      g_free (reader->annotator);
      reader->tier = g_strdup (attribute (names, values, "TIER_ID"));
      reader->annotator = g_strdup (attribute (names, values, "ANNOTATOR"));
    }
  else if (strcmp (element, "MEDIA_DESCRIPTOR") == 0)
    reader->media_url = g_strdup (attribute (names, values, "MEDIA_URL"));
  else if (strcmp (element, "ALIGNABLE_ANNOTATION") == 0)
    {
      g_free (reader->ref1);
      g_free (reader->ref2);
      reader->ref1 = g_strdup (attribute (names, values, "TIME_SLOT_REF1"));
      reader->ref2 = g_strdup (attribute (names, values, "TIME_SLOT_REF2"));
    }
  else if (strcmp (element, "ANNOTATION_VALUE") == 0)
    reader->value = g_string_new (NULL);
}

static void
eaf_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  EafReader *reader = user_data;

  if (strcmp (element, "ANNOTATION_VALUE") == 0)
    {
      EafAnnotation *a = g_new0 (EafAnnotation, 1);

      a->tier = g_strdup (reader->tier);
      a->annotator = g_strdup (reader->annotator);
      a->ref1 = g_strdup (reader->ref1);
      a->ref2 = g_strdup (reader->ref2);
      a->value = g_string_free (g_steal_pointer (&reader->value), FALSE);
      g_ptr_array_add (reader->annotations, a);
    }
}

static void
eaf_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  EafReader *reader = user_data;

  if (reader->value != NULL)
    g_string_append_len (reader->value, text, length);
}

/* ms on the frame grid back to the frame: round (ms * num / (1000 * den)). */
static gint64
ms_to_frame (gint64             ms,
             const FidgetVideo *video)
{
  return (2 * ms * video->fps_num + 1000 * video->fps_den) / (2000 * (gint64) video->fps_den);
}

/* Parses every eaf/VIDEO.eaf of the package in @out and checks it against @dataset: well-formed
 * XML, the annotations (times turned back into frames) exactly the video's segments, no two
 * annotations of one tier overlapping. Returns the number of files. */
static guint
check_eaf_files (const char    *out,
                 FidgetDataset *dataset,
                 gboolean      *saw_second_tier)
{
  g_autoptr(GError) error = NULL;
  guint n_eaf = 0;

  *saw_second_tier = FALSE;
  for (guint v = 0; v < 4; v++)
    {
      const char *stems[] = { "again", "bird", "book", "brother" };
      g_autofree char *name = g_strdup_printf ("%s.eaf", stems[v]);
      g_autofree char *path = g_build_filename (out, "eaf", name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(GMarkupParseContext) context = NULL;
      g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
      g_autoptr(GHashTable) tier_end = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              g_free);
      GMarkupParser markup = { eaf_start, eaf_end, eaf_text, NULL, NULL };
      EafReader reader = { 0 };
      const FidgetVideo *video = NULL;
      gsize length;

      reader.slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      reader.annotations = g_ptr_array_new_with_free_func (eaf_annotation_free);
      g_assert_true (g_file_get_contents (path, &text, &length, NULL));
      context = g_markup_parse_context_new (&markup, G_MARKUP_TREAT_CDATA_AS_TEXT, &reader, NULL);
      g_assert_true (g_markup_parse_context_parse (context, text, length, &error));
      g_assert_no_error (error);
      g_assert_true (g_markup_parse_context_end_parse (context, &error));
      g_assert_no_error (error);
      n_eaf++;

      for (guint i = 0; i < fidget_dataset_get_n_clips (dataset); i++)
        {
          const FidgetDatasetClip *clip = fidget_dataset_get_clip (dataset, i);
          g_autofree char *base = g_path_get_basename (clip->video_path);

          if (!g_str_has_prefix (base, stems[v]) || base[strlen (stems[v])] != '.')
            continue;
          video = clip->video;
          g_hash_table_insert (expected,
                               g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                                                clip->segment->annotator_name,
                                                clip->segment->start_frame,
                                                clip->segment->end_frame, clip->action->code),
                               NULL);
          g_assert_true (g_str_has_suffix (reader.media_url, base));
        }
      g_assert_nonnull (video);
      g_assert_cmpuint (reader.annotations->len, ==, g_hash_table_size (expected));
      for (guint i = 0; i < reader.annotations->len; i++)
        {
          EafAnnotation *a = g_ptr_array_index (reader.annotations, i);
          gint64 *start_ms = g_hash_table_lookup (reader.slots, a->ref1);
          gint64 *end_ms = g_hash_table_lookup (reader.slots, a->ref2);
          gint64 start, end, *last_end;
          g_autofree char *key = NULL;

          g_assert_nonnull (start_ms);
          g_assert_nonnull (end_ms);
          start = ms_to_frame (*start_ms, video);
          end = ms_to_frame (*end_ms, video);
          /* The slot is the frame's start rounded to the ms: within half a ms. */
          g_assert_cmpint (ABS (*start_ms * video->fps_num - start * 1000 * video->fps_den) * 2,
                           <=, video->fps_num);
          key = g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                                 a->annotator, start, end, a->value);
          g_assert_true (g_hash_table_remove (expected, key));

          last_end = g_hash_table_lookup (tier_end, a->tier);
          if (last_end != NULL)
            g_assert_cmpint (*last_end, <=, *start_ms);
          g_hash_table_insert (tier_end, g_strdup (a->tier), g_memdup2 (end_ms, sizeof *end_ms));
          if (strcmp (a->tier, "amara (2)") == 0)
            *saw_second_tier = TRUE;
        }
      g_assert_cmpuint (g_hash_table_size (expected), ==, 0);

      g_hash_table_unref (reader.slots);
      g_ptr_array_unref (reader.annotations);
      g_free (reader.tier);
      g_free (reader.annotator);
      g_free (reader.media_url);
      g_free (reader.ref1);
      g_free (reader.ref2);
    }
  return n_eaf;
}

static void
test_untrimmed (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *json_path = NULL;
  JsonObject *database;
  guint n_annotations = 0, n_eaf = 0;
  gboolean saw_second_tier = FALSE;
  static const char *subsets[] = { "training", "validation", "testing" };

  if (study == NULL)
    return;
  out = g_build_filename (study->dir, "untrimmed", NULL);
  dataset = collect (study, 1);
  g_assert_true (fidget_dataset_write (dataset, out, NULL, &error));
  g_assert_no_error (error);

  /* ActivityNet: every clip once, under its video, in seconds on the frame grid. */
  json_path = g_build_filename (out, "activity_net.json", NULL);
  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  database = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "database");
  g_assert_nonnull (database);
  g_assert_cmpuint (json_object_get_size (database), ==, 4);
  for (guint i = 0; i < fidget_dataset_get_n_clips (dataset); i++)
    {
      const FidgetDatasetClip *clip = fidget_dataset_get_clip (dataset, i);
      g_autofree char *base = g_path_get_basename (clip->video_path);
      JsonObject *entry;
      JsonArray *annotations;
      guint found = 0;

      *strrchr (base, '.') = '\0';
      entry = json_object_get_object_member (database, base);
      g_assert_nonnull (entry);
      g_assert_cmpstr (json_object_get_string_member (entry, "subset"), ==, subsets[clip->split]);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (entry, "duration"),
                                      (double) clip->video->frame_count * clip->video->fps_den /
                                      clip->video->fps_num, 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (entry, "fps"),
                                      (double) clip->video->fps_num / clip->video->fps_den, 1e-9);
      annotations = json_object_get_array_member (entry, "annotations");
      for (guint k = 0; k < json_array_get_length (annotations); k++)
        {
          JsonObject *a = json_array_get_object_element (annotations, k);
          JsonArray *segment = json_object_get_array_member (a, "segment");

          if (strcmp (json_object_get_string_member (a, "clip"), clip->name) != 0)
            continue;
          found++;
          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (segment, 0),
                                          (double) clip->segment->start_frame *
                                          clip->video->fps_den / clip->video->fps_num, 1e-6);
          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (segment, 1),
                                          (double) clip->segment->end_frame *
                                          clip->video->fps_den / clip->video->fps_num, 1e-6);
          g_assert_cmpstr (json_object_get_string_member (a, "label"), ==, clip->action->name);
          g_assert_cmpint (json_object_get_int_member (a, "label_index"), ==, clip->label);
        }
      g_assert_cmpuint (found, ==, 1);
    }
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *node;

    json_object_iter_init (&iter, database);
    while (json_object_iter_next (&iter, &name, &node))
      n_annotations += json_array_get_length (
        json_object_get_array_member (json_node_get_object (node), "annotations"));
  }
  g_assert_cmpuint (n_annotations, ==, G_N_ELEMENTS (study_segments));

  /* ELAN: well-formed XML; the annotations, times turned back into frames, are exactly the
   * video's segments; no two annotations of a tier overlap. */
  n_eaf = check_eaf_files (out, dataset, &saw_second_tier);
  g_assert_cmpuint (n_eaf, ==, 4);

  /* Frame rates that are not whole numbers: ms times still come back to the same frames,
   * with the segments moved far into the video, where rounding errors would have grown. */
  {
    static const int rates[][2] = { { 30000, 1001 }, { 24000, 1001 }, { 60000, 1001 },
                                    { 25, 1 }, { 240, 1 }, { 999, 1 } };
    sqlite3 *db = fidget_project_get_db (study->project);

    g_assert_cmpint (sqlite3_exec (db, "UPDATE video SET frame_count = frame_count + 1000000; "
                                       "UPDATE segment SET start_frame = start_frame + 987653, "
                                       "end_frame = end_frame + 987653", NULL, NULL, NULL),
                     ==, SQLITE_OK);
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        g_autofree char *sql = g_strdup_printf ("UPDATE video SET fps_num = %d, fps_den = %d",
                                                rates[r][0], rates[r][1]);
        g_autofree char *rate_out = g_strdup_printf ("%s-%u", out, r);
        g_autoptr(FidgetDataset) moved = NULL;
        gboolean unused;

        g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
        moved = collect (study, 1);
        g_assert_true (fidget_dataset_write (moved, rate_out, NULL, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (check_eaf_files (rate_out, moved, &unused), ==, 4);
      }
  }

  /* Again into the same folder without the first video: its EAF file goes too. */
  {
    g_autoptr(FidgetDataset) fewer = NULL;
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autofree char *gone = g_build_filename (out, "eaf", "again.eaf", NULL);
    g_autofree char *kept = g_build_filename (out, "eaf", "bird.eaf", NULL);
    FidgetDatasetOptions options;

    g_assert_true (g_file_test (gone, G_FILE_TEST_IS_REGULAR));
    g_array_append_vals (ids, study->video_ids + 1, 3);
    fidget_dataset_options_init (&options);
    options.video_ids = ids;
    fewer = fidget_dataset_collect (study->project, &options, &error);
    g_assert_no_error (error);
    g_assert_true (fidget_dataset_write (fewer, out, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
  }
  /* book.mkv has amara's 33-58 and 50-60, which overlap: two tiers for her there. */
  g_assert_true (saw_second_tier);
}

/* }}} */
/* {{{ Choosing videos and segments */

static gboolean
skip_video_2 (FidgetProject     *project,
              const FidgetVideo *video,
              gpointer           user_data)
{
  return video->id != *(gint64 *) user_data;
}

static gboolean
only_amara (FidgetProject       *project,
            const FidgetVideo   *video,
            const FidgetSegment *segment,
            gpointer             user_data)
{
  return g_str_equal (segment->annotator_name, "amara");
}

static char *
state_of (FidgetProject     *project,
          const FidgetVideo *video,
          gpointer           user_data)
{
  return g_strdup_printf ("state-%" G_GINT64_FORMAT, video->id);
}

static void
test_selection (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(GError) error = NULL;
  FidgetDatasetOptions options;
  guint expected = 0;

  if (study == NULL)
    return;

  /* By ids: the last three videos (three groups, enough for three splits). */
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(FidgetDataset) dataset = NULL;

    g_array_append_vals (ids, study->video_ids + 1, 3);
    fidget_dataset_options_init (&options);
    options.video_ids = ids;
    options.video_state = state_of;
    dataset = fidget_dataset_collect (study->project, &options, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (study_segments); i++)
      expected += study_segments[i].video != 0;
    g_assert_cmpuint (fidget_dataset_get_n_clips (dataset), ==, expected);
    for (guint i = 0; i < fidget_dataset_get_n_clips (dataset); i++)
      {
        const FidgetDatasetClip *clip = fidget_dataset_get_clip (dataset, i);
        g_autofree char *state = g_strdup_printf ("state-%" G_GINT64_FORMAT, clip->video->id);

        g_assert_cmpint (clip->video->id, !=, study->video_ids[0]);
        g_assert_cmpstr (clip->review_state, ==, state);
      }

    /* An id the project does not have is an error, not an empty set. */
    {
      gint64 unknown = 999;
      g_array_append_val (ids, unknown);
    }
    g_assert_null (fidget_dataset_collect (study->project, &options, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no video 999"));
    g_clear_error (&error);
  }

  /* By predicates. */
  {
    g_autoptr(FidgetDataset) dataset = NULL;

    fidget_dataset_options_init (&options);
    options.video_filter = skip_video_2;
    options.video_filter_data = &study->video_ids[2];
    options.segment_filter = only_amara;
    dataset = fidget_dataset_collect (study->project, &options, &error);
    g_assert_no_error (error);
    expected = 0;
    for (guint i = 0; i < G_N_ELEMENTS (study_segments); i++)
      expected += study_segments[i].video != 2 && g_str_equal (study_segments[i].annotator, "amara");
    g_assert_cmpuint (fidget_dataset_get_n_clips (dataset), ==, expected);
  }

  /* Too few participants for three splits, and nothing at all. */
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

    g_array_append_vals (ids, study->video_ids, 2);
    fidget_dataset_options_init (&options);
    options.video_ids = ids;
    g_assert_null (fidget_dataset_collect (study->project, &options, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "3 splits cannot be filled from 2 participant(s)"));
    g_clear_error (&error);

    g_array_set_size (ids, 0);
    g_assert_null (fidget_dataset_collect (study->project, &options, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "No video is chosen"));
    g_clear_error (&error);
  }
}

/* }}} */
/* {{{ Refusals */

static void
test_refusals (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *busy = NULL, *mine = NULL, *file = NULL, *out = NULL, *target = NULL;
  g_autofree char *sum = NULL, *after = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  if (study == NULL)
    return;
  dataset = collect (study, 0);

  /* A folder with someone's files and no package: refused, the files untouched. */
  busy = g_build_filename (study->dir, "busy", NULL);
  mine = g_build_filename (busy, "thesis.tex", NULL);
  g_assert_cmpint (g_mkdir (busy, 0755), ==, 0);
  g_assert_true (g_file_set_contents (mine, "my work", -1, NULL));
  sum = fidget_test_file_checksum (mine);
  g_assert_false (fidget_dataset_write (dataset, busy, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, busy));
  g_clear_error (&error);
  after = fidget_test_file_checksum (mine);
  g_assert_cmpstr (sum, ==, after);
  {
    g_autofree char *csv = g_build_filename (busy, "annotations.csv", NULL);
    g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
  }

  /* A file where the folder should be. */
  file = g_build_filename (study->dir, "plain-file", NULL);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_false (fidget_dataset_write (dataset, file, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_EXISTS);
  g_clear_error (&error);

  /* Cancelled: no manifest, so the folder does not claim to be a package. */
  out = g_build_filename (study->dir, "cancelled", NULL);
  g_cancellable_cancel (cancellable);
  g_assert_false (fidget_dataset_write (dataset, out, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (fidget_dataset_verify_package (out, NULL, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "is not a complete package"));
  g_clear_error (&error);
  /* ... and the folder it made is gone again. */
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  /* A package changed afterwards, or missing a file. */
  target = g_build_filename (study->dir, "package", NULL);
  g_assert_true (fidget_dataset_write (dataset, target, NULL, &error));
  {
    g_autofree char *list = g_build_filename (target, "val_list_videos.txt", NULL);
    g_autofree char *csv = g_build_filename (target, "annotations.csv", NULL);

    g_assert_true (g_file_set_contents (list, "tampered 0 0 1\n", -1, NULL));
    g_assert_false (fidget_dataset_verify_package (target, NULL, NULL, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "val_list_videos.txt has changed"));
    g_clear_error (&error);

    g_assert_true (fidget_dataset_write (dataset, target, NULL, &error));
    g_assert_cmpint (g_unlink (csv), ==, 0);
    g_assert_false (fidget_dataset_verify_package (target, NULL, NULL, &error));
    g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "annotations.csv cannot be read"));
    g_clear_error (&error);
  }
}

/* }}} */
/* {{{ CSV round trip */

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every segment as one comparable line: video content, who, frames, label, emotion, note. */
static char *
segments_digest (FidgetProject *project)
{
  g_autoptr(GPtrArray) videos = fidget_project_list_videos (project, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint v = 0; v < videos->len; v++)
    {
      FidgetVideo *video = g_ptr_array_index (videos, v);
      g_autoptr(GPtrArray) segments = fidget_project_list_segments (project, video->id, NULL);

      for (guint s = 0; s < segments->len; s++)
        {
          FidgetSegment *segment = g_ptr_array_index (segments, s);

          g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %" G_GINT64_FORMAT " %"
                                                   G_GINT64_FORMAT " %s %s [%s]",
                                                   video->content_hash,
                                                   video->participant_code ? video->participant_code : "-",
                                                   segment->annotator_name, segment->start_frame,
                                                   segment->end_frame, segment->action_code,
                                                   fidget_emotion_to_string (segment->emotion)
                                                     ? fidget_emotion_to_string (segment->emotion) : "-",
                                                   segment->note ? segment->note : ""));
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

static void
test_round_trip (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(FidgetProject) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *csv = NULL, *fresh_path = NULL;
  g_autofree char *before = NULL, *after = NULL;
  FidgetCsvImportOptions options = { TRUE, NULL };
  FidgetCsvImportReport report;

  if (study == NULL)
    return;
  out = g_build_filename (study->dir, "package", NULL);
  csv = g_build_filename (out, "annotations.csv", NULL);
  dataset = collect (study, 5);
  g_assert_true (fidget_dataset_write (dataset, out, NULL, &error));
  g_assert_no_error (error);

  /* Into a fresh project: it needs the project's own action to exist first. */
  fresh_path = g_build_filename (study->dir, "fresh.fidget", NULL);
  fresh = fidget_project_create (fresh_path, &error);
  g_assert_no_error (error);
  g_assert_false (fidget_dataset_import_csv (fresh, csv, &options, &report, NULL, &error));
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "unknown action code “C14”"));
  g_assert_true (g_str_has_prefix (error->message, csv));
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) videos = fidget_project_list_videos (fresh, NULL);
    g_assert_cmpuint (videos->len, ==, 0);   /* refused before anything was written */
  }
  g_assert_nonnull (fidget_project_add_action (fresh, "C", "C14", "drumming fingers", "", &error));

  g_assert_true (fidget_dataset_import_csv (fresh, csv, &options, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, G_N_ELEMENTS (study_segments));
  g_assert_cmpuint (report.n_added, ==, G_N_ELEMENTS (study_segments));
  g_assert_cmpuint (report.n_videos_imported, ==, 4);
  g_assert_cmpuint (report.n_annotators_added, ==, 3);

  before = segments_digest (study->project);
  after = segments_digest (fresh);
  g_assert_cmpstr (before, ==, after);

  /* Twice: nothing new. Into the source project: nothing new either. */
  g_assert_true (fidget_dataset_import_csv (fresh, csv, &options, &report, NULL, &error));
  g_assert_cmpuint (report.n_added, ==, 0);
  g_assert_cmpuint (report.n_present, ==, G_N_ELEMENTS (study_segments));
  g_assert_true (fidget_dataset_import_csv (study->project, csv, NULL, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_added, ==, 0);
  g_free (after);
  after = segments_digest (study->project);
  g_assert_cmpstr (before, ==, after);
}

static void
assert_import_refused (FidgetProject *project,
                       const char    *path,
                       const char    *text,
                       gboolean       import_videos,
                       GQuark         domain,
                       int            code,
                       const char    *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = segments_digest (project);
  g_autofree char *after = NULL;
  FidgetCsvImportOptions options = { import_videos, NULL };

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_false (fidget_dataset_import_csv (project, path, &options, NULL, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, message_part));
  after = segments_digest (project);
  g_assert_cmpstr (before, ==, after);
}

static void
test_import_refused (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetProject) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL, *fresh_path = NULL, *again = NULL, *hash = NULL, *row = NULL;
  g_autofree char *message = NULL;
  g_autoptr(FidgetVideo) video = NULL;

  if (study == NULL)
    return;
  csv = g_build_filename (study->dir, "in.csv", NULL);
  video = fidget_project_get_video (study->project, study->video_ids[0], &error);
  g_assert_no_error (error);
  hash = g_strdup (video->content_hash + strlen ("sha256:"));
  again = fidget_test_sample ("again.mkv");

#define HEADER "video,video_sha256,start_frame,end_frame,action,annotators,emotion\n"
  assert_import_refused (study->project, csv, "", FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "is empty");
  assert_import_refused (study->project, csv, "video,start_frame,end_frame\n", FALSE,
                         FIDGET_ERROR, FIDGET_ERROR_INVALID, "line 1: the header has no column “action”");
  row = g_strdup_printf (HEADER ",%s,5,9,B1,bo,\n,%s,5,9,Z9,bo,\n", hash, hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "line 3: unknown action code “Z9”");
  g_free (row);
  row = g_strdup_printf (HEADER ",%s,9,5,B1,bo,\n", hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "line 2: frames “9” to “5” are not a segment");
  g_free (row);
  row = g_strdup_printf (HEADER ",%s,5,9,B1,bo,bored\n", hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "line 2: unknown emotion “bored”");
  g_free (row);
  row = g_strdup_printf (HEADER ",%s,5,9,B1,,\n", hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "line 2: the row names no annotator");
  g_free (row);
  row = g_strdup_printf (HEADER ",%s,5,9,B1,bo\n", hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "line 2: 6 fields where the header has 7");
  g_free (row);
  row = g_strdup_printf (HEADER ",%.63sx,5,9,B1,bo,\n", hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "is not a SHA-256");
  g_free (row);
  /* Frames past the end of the video: the first row fine, the second not; nothing written. */
  row = g_strdup_printf (HEADER ",%s,1,2,B1,newcomer,\n,%s,70,100,B1,bo,\n", hash, hash);
  assert_import_refused (study->project, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                         "line 3: frames [70, 100) run past the end of video");
  g_assert_null (fidget_project_lookup_annotator (study->project, "newcomer", NULL));
  g_free (row);

  /* Videos the project lacks. */
  fresh_path = g_build_filename (study->dir, "fresh.fidget", NULL);
  fresh = fidget_project_create (fresh_path, &error);
  g_assert_no_error (error);
  row = g_strdup_printf (HEADER "%s,%s,5,9,B1,bo,\n", again, hash);
  assert_import_refused (fresh, csv, row, FALSE, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                         "line 2: the video");
  g_free (row);
  row = g_strdup_printf (HEADER "/nonexistent/x.mkv,%s,5,9,B1,bo,\n", hash);
  assert_import_refused (fresh, csv, row, TRUE, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND,
                         "is neither in the project nor at /nonexistent/x.mkv");
  g_free (row);
  /* The file at the path is not the video the hash names: refused before importing it. */
  row = g_strdup_printf (HEADER "%s,%064d,5,9,B1,bo,\n", again, 7);
  message = g_strdup_printf ("line 2: %s is not the video the CSV names", again);
  assert_import_refused (fresh, csv, row, TRUE, FIDGET_ERROR, FIDGET_ERROR_INVALID, message);
  {
    g_autoptr(GPtrArray) videos = fidget_project_list_videos (fresh, NULL);
    g_assert_cmpuint (videos->len, ==, 0);
  }
#undef HEADER
}

/* Damaged CSVs: refused with the file and the line, or read; never a crash. */
static void
test_import_fuzz (void)
{
  g_autoptr(Study) study = study_new ();
  g_autoptr(FidgetDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *out = NULL, *csv = NULL, *text = NULL, *damaged = NULL;
  guint n_refused = 0, n_read = 0;

  if (study == NULL)
    return;
  out = g_build_filename (study->dir, "package", NULL);
  csv = g_build_filename (out, "annotations.csv", NULL);
  damaged = g_build_filename (study->dir, "damaged.csv", NULL);
  dataset = collect (study, 0);
  g_assert_true (fidget_dataset_write (dataset, out, NULL, &error));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));

  for (guint round = 0; round < 150; round++)
    {
      GString *s = g_string_new (text);
      FidgetCsvImportReport report;

      for (guint m = 0; m < 1 + (guint) g_rand_int_range (rand, 0, 3); m++)
        {
          guint pos = g_rand_int_range (rand, 0, s->len);
          static const char *const pieces[] = { ",", "\"", "\n", "9999", "-", "x", "\xff", "" };
          const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

          if (*piece == '\0')
            g_string_truncate (s, pos);
          else if (g_rand_boolean (rand))
            g_string_insert (s, pos, piece);
          else
            s->str[pos] = piece[0];
        }
      g_assert_true (g_file_set_contents (damaged, s->str, s->len, NULL));
      g_string_free (s, TRUE);

      if (fidget_dataset_import_csv (study->project, damaged, NULL, &report, NULL, &error))
        n_read++;
      else
        {
          g_assert_true (error->domain == FIDGET_ERROR);
          g_assert_true (g_str_has_prefix (error->message, damaged));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_clear_error (&error);
          n_refused++;
        }
    }
  g_test_message ("damaged CSVs: %u refused, %u read", n_refused, n_read);
  g_assert_cmpuint (n_refused, >, 30);
}

/* }}} */

/* The default selection is the review's ground truth: only verified videos, and only their
 * consensus (each event once, not once per person who marked it). */
static void
test_ground_truth (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(FidgetDataset) dataset = NULL;
  const char *const checkers[] = { "bo", "carmen", NULL };
  const char *samples[] = { "again.mkv", "bird.mkv" };
  gint64 video_ids[2];
  FidgetDatasetOptions options;

  if (fidget_test_samples_dir () == NULL)
    return;
  dir = fidget_test_make_tmpdir ();
  path = g_build_filename (dir, "gt.fidget", NULL);
  project = fidget_project_create (path, &error);
  g_assert_no_error (error);
  for (guint a = 0; a < 4; a++)
    {
      const char *names[] = { "amara", "bo", "carmen", "rev" };
      g_autoptr(FidgetAnnotator) annotator = fidget_project_add_annotator (project, names[a],
                                                                          &error);
      g_assert_no_error (error);
    }
  for (guint v = 0; v < 2; v++)
    {
      g_autofree char *sample = fidget_test_sample (samples[v]);
      FidgetImportOptions import = { v == 0 ? "P001" : "P002", NULL, NULL };
      g_autoptr(FidgetVideo) video = fidget_import_video (project, sample, &import, NULL, NULL,
                                                          NULL, &error);
      g_assert_no_error (error);
      video_ids[v] = video->id;
      g_assert_true (fidget_review_assign (project, video->id, "amara", checkers, "rev", &error));
      fidget_project_set_actor (project, "amara");
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(FidgetSegment) segment =
            fidget_project_add_segment (project, video->id, "amara", 5 + 20 * i, 15 + 20 * i,
                                        i == 0 ? "B1" : "F1", &error);
          g_assert_no_error (error);
        }
    }

  /* Video 1 goes all the way to verified; video 2 stays with its annotator. */
  fidget_project_set_actor (project, "amara");
  for (;;)
    {
      g_autoptr(FidgetSegment) next = fidget_review_next_unconfirmed (project, video_ids[0],
                                                                      &error);
      g_assert_no_error (error);
      if (next == NULL)
        break;
      g_assert_true (fidget_review_confirm (project, next->uuid, &error));
    }
  g_assert_true (fidget_review_submit_self_check (project, video_ids[0], &error));
  for (guint c = 0; checkers[c] != NULL; c++)
    {
      fidget_project_set_actor (project, checkers[c]);
      for (;;)
        {
          g_autoptr(FidgetSegment) next = fidget_review_next_undecided (project, video_ids[0],
                                                                        &error);
          g_autoptr(FidgetReviewDecision) decision = NULL;

          g_assert_no_error (error);
          if (next == NULL)
            break;
          decision = fidget_review_decide (project, next->uuid, FIDGET_DECISION_AGREE, NULL, -1,
                                           -1, &error);
          g_assert_no_error (error);
        }
      g_assert_true (fidget_review_submit_cross_check (project, video_ids[0], &error));
    }
  fidget_project_set_actor (project, "rev");
  g_assert_true (fidget_review_verify (project, video_ids[0], &error));
  g_assert_no_error (error);
  fidget_project_set_actor (project, NULL);

  fidget_dataset_options_init (&options);
  options.ground_truth = TRUE;
  options.split.ratio[0] = 1;
  options.split.ratio[1] = 0;
  options.split.ratio[2] = 0;
  dataset = fidget_dataset_collect (project, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fidget_dataset_get_n_clips (dataset), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const FidgetDatasetClip *clip = fidget_dataset_get_clip (dataset, i);
      g_assert_cmpint (clip->video->id, ==, video_ids[0]);
      g_assert_cmpint (clip->segment->start_frame, ==, 5 + 20 * (gint64) i);
    }
  g_clear_object (&dataset);

  /* Nothing verified: a clear refusal, not an empty package. */
  fidget_project_set_actor (project, "rev");
  g_assert_true (fidget_review_reopen (project, video_ids[0], FIDGET_REVIEW_CONSENSUS, "recheck",
                                       &error));
  fidget_project_set_actor (project, NULL);
  dataset = fidget_dataset_collect (project, &options, &error);
  g_assert_null (dataset);
  g_assert_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "verified"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset/ground-truth", test_ground_truth);
  g_test_add_func ("/dataset/package", test_package);
  g_test_add_func ("/dataset/reproducible", test_reproducible);
  g_test_add_func ("/dataset/clip-package", test_clip_package);
  g_test_add_func ("/dataset/cancel-clips", test_cancel_clips);
  g_test_add_func ("/dataset/untrimmed", test_untrimmed);
  g_test_add_func ("/dataset/eaf-round-trip", test_eaf_round_trip);
  g_test_add_func ("/dataset/eaf-refused", test_eaf_refused);
  g_test_add_func ("/dataset/selection", test_selection);
  g_test_add_func ("/dataset/refusals", test_refusals);
  g_test_add_func ("/dataset/round-trip", test_round_trip);
  g_test_add_func ("/dataset/import-refused", test_import_refused);
  g_test_add_func ("/dataset/import-fuzz", test_import_fuzz);

  return g_test_run ();
}
