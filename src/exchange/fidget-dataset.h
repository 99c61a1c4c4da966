/* fidget-dataset.h: a dataset drawn from a project, split and written as a package
 *
 * A FidgetDataset is a snapshot: the chosen videos' segments as clips, each with its model
 * label, its MA-52-style name (PPPP_BB_NNNN: participant number, 0-based body part, running
 * number per participant and body part from 0001) and its split. Writing it makes a package
 * folder that training code reads as it is; see fidget_dataset_write() for the files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "fidget-clips.h"
#include "fidget-project.h"
#include "fidget-splits.h"

G_BEGIN_DECLS

/* Which videos go in: TRUE to take @video. */
typedef gboolean     (*FidgetVideoFilter)   (FidgetProject       *project,
                                             const FidgetVideo   *video,
                                             gpointer             user_data);
/* Which segments of a chosen video go in: TRUE to take @segment. */
typedef gboolean     (*FidgetSegmentFilter) (FidgetProject       *project,
                                             const FidgetVideo   *video,
                                             const FidgetSegment *segment,
                                             gpointer             user_data);
/* The review state a video's rows carry in the CSV (NULL or "" for none). */
typedef char        *(*FidgetVideoStateFunc) (FidgetProject      *project,
                                              const FidgetVideo  *video,
                                              gpointer            user_data);

typedef struct
{
  FidgetSplitParams     split;
  /* The videos: those in @video_ids (gint64, NULL for all), and of these the ones
   * @video_filter takes (NULL takes all). */
  GArray               *video_ids;
  FidgetVideoFilter     video_filter;
  gpointer              video_filter_data;
  FidgetSegmentFilter   segment_filter;
  gpointer              segment_filter_data;
  FidgetVideoStateFunc  video_state;
  gpointer              video_state_data;
  /* TRUE: the review's ground truth, i.e. only verified videos and their consensus segments
   * (each event once); FALSE: every person's segments of the chosen videos. */
  gboolean              ground_truth;
} FidgetDatasetOptions;

/* Default: every video, every segment, a 2:1:1 split with seed 0, no review state. */
void fidget_dataset_options_init (FidgetDatasetOptions *options);

typedef struct
{
  const FidgetVideo       *video;
  const FidgetParticipant *participant;   /* NULL for a video without one */
  const FidgetSegment     *segment;
  const FidgetAction      *action;
  guint                    label;         /* model index; a project's own actions follow */
  const char              *name;          /* "0001_02_0003", no extension */
  guint                    participant_number;
  FidgetSplit              split;
  const char              *review_state;  /* "" for none */
  const char              *video_path;    /* where the video is now (absolute) */
} FidgetDatasetClip;

#define FIDGET_TYPE_DATASET (fidget_dataset_get_type ())

G_DECLARE_FINAL_TYPE (FidgetDataset, fidget_dataset, FIDGET, DATASET, GObject)

/* Reads the chosen videos and segments from @project and plans the split. Refused when
 * nothing is chosen, or there are fewer participants than splits. */
FidgetDataset           *fidget_dataset_collect         (FidgetProject              *project,
                                                         const FidgetDatasetOptions *options,
                                                         GError                    **error);

guint                    fidget_dataset_get_n_clips     (FidgetDataset              *self);
const FidgetDatasetClip *fidget_dataset_get_clip        (FidgetDataset              *self,
                                                         guint                       index);
FidgetSplitPlan         *fidget_dataset_get_plan        (FidgetDataset              *self);
const FidgetSplitParams *fidget_dataset_get_params      (FidgetDataset              *self);
/* Labels 0 .. n-1: the model's classes, then the project's own actions. */
guint                    fidget_dataset_get_n_labels    (FidgetDataset              *self);
const FidgetAction      *fidget_dataset_get_label_action (FidgetDataset             *self,
                                                          guint                      label);

/* The split report: per split its clips, participants, share and distances from the overall
 * distribution; per action and body part the clips in each split. */
JsonNode                *fidget_dataset_build_report    (FidgetDataset              *self);

/* Writes the package into @dir (made if missing; an existing folder must be empty or hold
 * an earlier package):
 *   label_name.txt              "index<TAB>name", one line per label
 *   {train,val,test}_list_videos.txt
 *                               no-clip mode: "VIDEO LABEL START END" per clip, VIDEO the
 *                               absolute path of the source video (spaces as %20, % as %25),
 *                               frames [START, END) of its decoded stream
 *   annotations.csv             one row per clip with everything (see README.md in the package)
 *   split_report.json           fidget_dataset_build_report()
 *   README.md                   what the files are, counts per split
 *   activity_net.json           the segments for untrimmed use, ActivityNet-style: "database"
 *                               with one entry per video (subset, duration, fps, annotations
 *                               with "segment" [start_s, end_s] and "label")
 *   eaf/VIDEO.eaf               one ELAN 3.0 document per video: a tier per annotator (one
 *                               "ground truth" tier for the ground truth; overlapping segments
 *                               of one person on a further tier), times in ms on the frame grid
 *   SHA256SUMS                  sha256sum(1) lines for every file above, written last: a
 *                               package without it is incomplete
 * Cancelled (G_IO_ERROR_CANCELLED), a write removes everything it wrote when it made @dir or
 * found it empty; an earlier package is left without its SHA256SUMS (its intact clips kept
 * for the next run). Other failures keep what was written, marked incomplete the same way. */
gboolean                 fidget_dataset_write           (FidgetDataset              *self,
                                                         const char                 *dir,
                                                         GCancellable               *cancellable,
                                                         GError                    **error);

/* The same package in clip mode: every clip cut into DIR/clips/NAME.mp4 (see fidget-clips.h;
 * a re-run skips intact clips) and the lists in mmaction2's VideoDataset form, "NAME.mp4 LABEL"
 * with the clip folder as the data prefix. SHA256SUMS covers the clips too. @progress gets
 * fractions of the cutting. */
gboolean                 fidget_dataset_write_clips     (FidgetDataset              *self,
                                                         const char                 *dir,
                                                         const FidgetClipParams     *params,
                                                         GCancellable               *cancellable,
                                                         FidgetProgressFunc          progress,
                                                         gpointer                    progress_data,
                                                         FidgetClipReport           *report,
                                                         GError                    **error);

/* Checks a package's files against its SHA256SUMS. */
gboolean                 fidget_dataset_verify_package  (const char                 *dir,
                                                         guint                      *n_files,
                                                         GCancellable               *cancellable,
                                                         GError                    **error);

G_END_DECLS
