/* fidget-timeline.h: the zoomable timeline of one video, with its lanes of segments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fidget-records.h"
#include "fidget-suggestions.h"
#include "fidget-taxonomy.h"

G_BEGIN_DECLS

typedef enum
{
  FIDGET_TIMELINE_LANE_MINE,         /* the current annotator's segments, editable */
  FIDGET_TIMELINE_LANE_OTHERS,       /* other people's, where the review step shows them */
  FIDGET_TIMELINE_LANE_SUGGESTIONS,  /* the model's, read-only */
  FIDGET_TIMELINE_LANE_MOTION,       /* a motion-energy strip */
  FIDGET_TIMELINE_N_LANES
} FidgetTimelineLane;

#define FIDGET_TYPE_TIMELINE (fidget_timeline_get_type ())

G_DECLARE_FINAL_TYPE (FidgetTimeline, fidget_timeline, FIDGET, TIMELINE, GtkWidget)

GtkWidget   *fidget_timeline_new              (void);

void         fidget_timeline_set_video        (FidgetTimeline     *self,
                                               gint64              frame_count,
                                               int                 fps_num,
                                               int                 fps_den);
gint64       fidget_timeline_get_frame_count  (FidgetTimeline     *self);
/* Colours come from the body parts of the taxonomy. */
void         fidget_timeline_set_taxonomy     (FidgetTimeline     *self,
                                               FidgetTaxonomy     *taxonomy);

/* @segments: FidgetSegment, copied; NULL empties the lane. */
void         fidget_timeline_set_segments     (FidgetTimeline     *self,
                                               FidgetTimelineLane  lane,
                                               GPtrArray          *segments);
void         fidget_timeline_set_lane_visible (FidgetTimeline     *self,
                                               FidgetTimelineLane  lane,
                                               gboolean            visible);
gboolean     fidget_timeline_get_lane_visible (FidgetTimeline     *self,
                                               FidgetTimelineLane  lane);
/* @suggestions: FidgetSuggestion; the open ones are drawn on the suggestions lane, labelled
 * with the action code and the model's score. NULL empties the lane. */
void         fidget_timeline_set_suggestions  (FidgetTimeline     *self,
                                               GPtrArray          *suggestions);
/* One value in [0, 1] a frame, or NULL to clear the strip. */
void         fidget_timeline_set_motion       (FidgetTimeline     *self,
                                               const float        *values,
                                               gsize               n_values);

gint64       fidget_timeline_get_position     (FidgetTimeline     *self);
/* Moves the playhead, and the view with it when it would leave the view. */
void         fidget_timeline_set_position     (FidgetTimeline     *self,
                                               gint64              frame);
/* In and out marks, -1 for none. */
void         fidget_timeline_set_marks        (FidgetTimeline     *self,
                                               gint64              in_frame,
                                               gint64              out_frame);
/* The loop range [start, end), or end <= start for none. */
void         fidget_timeline_set_loop         (FidgetTimeline     *self,
                                               gint64              start,
                                               gint64              end);

/* Whether the playhead is being dragged: from its first move to the release (the property
 * "scrubbing"). The "seek" signals meanwhile follow the pointer. */
gboolean     fidget_timeline_get_scrubbing    (FidgetTimeline     *self);
const char  *fidget_timeline_get_selected     (FidgetTimeline     *self);
void         fidget_timeline_set_selected     (FidgetTimeline     *self,
                                               const char         *uuid);

/* Zoom: frames per pixel, from the whole video in view to single frames several pixels
 * wide. Zooming keeps @anchor_frame where it is on screen. */
double       fidget_timeline_get_frames_per_pixel (FidgetTimeline *self);
double       fidget_timeline_get_first_frame  (FidgetTimeline     *self);
void         fidget_timeline_zoom             (FidgetTimeline     *self,
                                               double              factor,
                                               double              anchor_frame);
void         fidget_timeline_zoom_to_fit      (FidgetTimeline     *self);
/* Shows frames [first, first + count) across the lanes. */
void         fidget_timeline_show_range       (FidgetTimeline     *self,
                                               double              first,
                                               double              count);

G_END_DECLS
