/* fidget-timeline-private.h: the timeline's geometry, for the workspace and the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-timeline.h"

G_BEGIN_DECLS

/* Layout, in widget pixels. */
#define FIDGET_TIMELINE_HEADER_WIDTH  112.0
#define FIDGET_TIMELINE_RULER_HEIGHT   30.0
#define FIDGET_TIMELINE_ROW_HEIGHT     24.0
#define FIDGET_TIMELINE_MOTION_HEIGHT  28.0
#define FIDGET_TIMELINE_EDGE_GRAB       5.0
/* The closest zoom: one frame this many pixels wide. */
#define FIDGET_TIMELINE_MAX_FRAME_WIDTH 32.0

typedef enum
{
  FIDGET_TIMELINE_HIT_NONE,
  FIDGET_TIMELINE_HIT_RULER,
  FIDGET_TIMELINE_HIT_LANE,           /* empty space in a lane */
  FIDGET_TIMELINE_HIT_SEGMENT,        /* a segment's body */
  FIDGET_TIMELINE_HIT_SEGMENT_START,  /* a segment's start edge */
  FIDGET_TIMELINE_HIT_SEGMENT_END,    /* a segment's end edge */
} FidgetTimelineHitKind;

typedef struct
{
  FidgetTimelineHitKind  kind;
  FidgetTimelineLane     lane;
  const char            *uuid;   /* owned by the timeline, valid until its segments change */
  gint64                 frame;  /* the frame under the point */
} FidgetTimelineHit;

/* x of the left edge of @frame (fractional frames allowed). */
double   fidget_timeline_frame_to_x        (FidgetTimeline    *self,
                                            double             frame);
/* The frame position under @x, fractional. */
double   fidget_timeline_x_to_frame        (FidgetTimeline    *self,
                                            double             x);
/* The frame whose period holds @x, clamped to the video. */
gint64   fidget_timeline_frame_at_x        (FidgetTimeline    *self,
                                            double             x);
/* The frame boundary nearest @x: where a dragged edge snaps. */
gint64   fidget_timeline_boundary_at_x     (FidgetTimeline    *self,
                                            double             x);
void     fidget_timeline_hit_test          (FidgetTimeline    *self,
                                            double             x,
                                            double             y,
                                            FidgetTimelineHit *hit);
/* Top and height of a lane (all its rows), or FALSE when hidden. */
gboolean fidget_timeline_get_lane_area     (FidgetTimeline    *self,
                                            FidgetTimelineLane lane,
                                            double            *y,
                                            double            *height);
guint    fidget_timeline_get_lane_rows     (FidgetTimeline    *self,
                                            FidgetTimelineLane lane);
/* Where a segment is drawn; FALSE when it is not in the timeline. */
gboolean fidget_timeline_get_segment_rect  (FidgetTimeline    *self,
                                            const char        *uuid,
                                            graphene_rect_t   *rect);
/* The tooltip of the segment or suggestion under (@x, @y), or NULL. */
char    *fidget_timeline_dup_tooltip_at    (FidgetTimeline    *self,
                                            double             x,
                                            double             y);
/* Frames in the motion strip (0 when it is empty). */
gsize    fidget_timeline_get_motion_count  (FidgetTimeline    *self);
/* How many segments the last snapshot drew, and how many labels. */
guint    fidget_timeline_get_drawn_count   (FidgetTimeline    *self,
                                            guint             *labels);

/* The pointer's part of a drag, so tests can drive one without synthesising events. */
gboolean fidget_timeline_drag_begin        (FidgetTimeline    *self,
                                            double             x,
                                            double             y);
void     fidget_timeline_drag_update       (FidgetTimeline    *self,
                                            double             dx,
                                            double             dy);
void     fidget_timeline_drag_end          (FidgetTimeline    *self,
                                            double             dx,
                                            double             dy);

G_END_DECLS
