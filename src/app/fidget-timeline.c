/* fidget-timeline.c: the zoomable timeline of one video, with its lanes of segments
 *
 * Drawn with GtkSnapshot: one colour node per segment, and a code label only where it fits,
 * from a layout made once per action code, so thousands of segments stay cheap to draw.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include <json-glib/json-glib.h>

#include "fidget-format.h"
#include "fidget-player.h"
#include "fidget-timeline-private.h"

#define LABEL_COLOR      "#1e1e1e"
#define MIN_TICK_SPACING 80.0
#define DRAG_THRESHOLD   3.0

typedef struct
{
  char     *uuid;
  char     *code;
  char     *label;     /* drawn instead of the code when set (a suggestion's score) */
  gint64    start;
  gint64    end;
  GdkRGBA   color;
  guint     row;
  gboolean  flagged;
  char     *who;       /* the segment's annotator, for its tooltip */
  char     *note;
  double    score;     /* a suggestion's top score, or -1 */
} Item;

typedef struct
{
  GArray   *items;     /* Item, sorted by start */
  guint     rows;
  gboolean  visible;
} Lane;

typedef enum
{
  DRAG_NONE,
  DRAG_SEEK,
  DRAG_START,
  DRAG_END,
  DRAG_BODY,
  DRAG_CLICK,        /* pressed on something that only reacts to a click */
} DragKind;

struct _FidgetTimeline
{
  GtkWidget        parent_instance;

  FidgetTaxonomy  *taxonomy;
  gint64           frame_count;
  int              fps_num;
  int              fps_den;

  Lane             lanes[FIDGET_TIMELINE_N_LANES];
  float           *motion;
  gsize            n_motion;

  gint64           position;
  gint64           mark_in;
  gint64           mark_out;
  gint64           loop_start;
  gint64           loop_end;
  char            *selected;

  double           first_frame;
  double           frames_per_pixel;
  gboolean         fit;          /* the whole video is in view: stay so on resize */

  /* A drag in progress */
  DragKind         drag;
  FidgetTimelineLane drag_lane;
  char            *drag_uuid;
  gint64           drag_orig_start;
  gint64           drag_orig_end;
  double           drag_x;
  double           drag_y;
  gint64           preview_start;
  gint64           preview_end;
  gboolean         drag_moved;
  gboolean         scrubbing;      /* the playhead is being dragged */

  double           pointer_x;

  GHashTable      *labels;       /* code -> PangoLayout */
  PangoLayout     *lane_titles[FIDGET_TIMELINE_N_LANES];
  guint            drawn;
  guint            drawn_labels;
};

G_DEFINE_FINAL_TYPE (FidgetTimeline, fidget_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_SELECTED,
  PROP_FRAMES_PER_PIXEL,
  PROP_SCRUBBING,
  N_PROPS
};

enum {
  SEEK,
  SEGMENT_EDITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->uuid, g_free);
  g_clear_pointer (&item->code, g_free);
  g_clear_pointer (&item->label, g_free);
  g_clear_pointer (&item->who, g_free);
  g_clear_pointer (&item->note, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Geometry                                                                                    */

static double
content_width (FidgetTimeline *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  /* Before the first allocation the geometry still answers, for a typical width. */
  if (width <= 0)
    width = 800;
  return MAX (1.0, width - FIDGET_TIMELINE_HEADER_WIDTH);
}

static double
min_frames_per_pixel (FidgetTimeline *self)
{
  return 1.0 / FIDGET_TIMELINE_MAX_FRAME_WIDTH;
}

static double
max_frames_per_pixel (FidgetTimeline *self)
{
  double fit = (double) MAX (self->frame_count, 1) / content_width (self);

  return MAX (fit, min_frames_per_pixel (self));
}

static void
clamp_view (FidgetTimeline *self)
{
  double visible;
  double last_first;

  self->frames_per_pixel = CLAMP (self->frames_per_pixel, min_frames_per_pixel (self),
                                  max_frames_per_pixel (self));
  visible = content_width (self) * self->frames_per_pixel;
  last_first = MAX (0.0, (double) self->frame_count - visible);
  self->first_frame = CLAMP (self->first_frame, 0.0, last_first);
}

double
fidget_timeline_frame_to_x (FidgetTimeline *self,
                            double          frame)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0.0);

  return FIDGET_TIMELINE_HEADER_WIDTH + (frame - self->first_frame) / self->frames_per_pixel;
}

double
fidget_timeline_x_to_frame (FidgetTimeline *self,
                            double          x)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0.0);

  return self->first_frame + (x - FIDGET_TIMELINE_HEADER_WIDTH) * self->frames_per_pixel;
}

gint64
fidget_timeline_frame_at_x (FidgetTimeline *self,
                            double          x)
{
  gint64 frame;

  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);

  frame = (gint64) floor (fidget_timeline_x_to_frame (self, x));
  return CLAMP (frame, 0, MAX (self->frame_count - 1, 0));
}

gint64
fidget_timeline_boundary_at_x (FidgetTimeline *self,
                               double          x)
{
  gint64 frame;

  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);

  frame = (gint64) floor (fidget_timeline_x_to_frame (self, x) + 0.5);
  return CLAMP (frame, 0, self->frame_count);
}

static double
lane_height (FidgetTimeline     *self,
             FidgetTimelineLane  lane)
{
  if (lane == FIDGET_TIMELINE_LANE_MOTION)
    return FIDGET_TIMELINE_MOTION_HEIGHT;
  return FIDGET_TIMELINE_ROW_HEIGHT * MAX (self->lanes[lane].rows, 1);
}

gboolean
fidget_timeline_get_lane_area (FidgetTimeline     *self,
                               FidgetTimelineLane  lane,
                               double             *y,
                               double             *height)
{
  double top = FIDGET_TIMELINE_RULER_HEIGHT;

  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (lane < FIDGET_TIMELINE_N_LANES, FALSE);

  for (guint i = 0; i < FIDGET_TIMELINE_N_LANES; i++)
    {
      if (!self->lanes[i].visible)
        {
          if (i == lane)
            return FALSE;
          continue;
        }
      if (i == lane)
        {
          if (y != NULL)
            *y = top;
          if (height != NULL)
            *height = lane_height (self, i);
          return TRUE;
        }
      top += lane_height (self, i);
    }
  return FALSE;
}

guint
fidget_timeline_get_lane_rows (FidgetTimeline     *self,
                               FidgetTimelineLane  lane)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);
  g_return_val_if_fail (lane < FIDGET_TIMELINE_N_LANES, 0);

  return self->lanes[lane].rows;
}

static void
item_bounds (FidgetTimeline *self,
             const Item     *item,
             gint64         *start,
             gint64         *end)
{
  if (self->drag_uuid != NULL && self->drag >= DRAG_START && self->drag <= DRAG_BODY &&
      g_strcmp0 (item->uuid, self->drag_uuid) == 0)
    {
      *start = self->preview_start;
      *end = self->preview_end;
    }
  else
    {
      *start = item->start;
      *end = item->end;
    }
}

static gboolean
item_rect (FidgetTimeline     *self,
           FidgetTimelineLane  lane,
           const Item         *item,
           graphene_rect_t    *rect)
{
  double lane_y;
  gint64 start, end;
  double x0, x1;

  if (!fidget_timeline_get_lane_area (self, lane, &lane_y, NULL))
    return FALSE;
  item_bounds (self, item, &start, &end);
  x0 = fidget_timeline_frame_to_x (self, (double) start);
  x1 = fidget_timeline_frame_to_x (self, (double) end);
  graphene_rect_init (rect, (float) x0, (float) (lane_y + item->row * FIDGET_TIMELINE_ROW_HEIGHT + 2),
                      (float) MAX (x1 - x0, 1.0), (float) (FIDGET_TIMELINE_ROW_HEIGHT - 4));
  return TRUE;
}

static const Item *
find_item (FidgetTimeline      *self,
           const char          *uuid,
           FidgetTimelineLane  *lane_out)
{
  if (uuid == NULL)
    return NULL;
  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    {
      GArray *items = self->lanes[l].items;

      for (guint i = 0; items != NULL && i < items->len; i++)
        {
          const Item *item = &g_array_index (items, Item, i);

          if (g_strcmp0 (item->uuid, uuid) == 0)
            {
              if (lane_out != NULL)
                *lane_out = l;
              return item;
            }
        }
    }
  return NULL;
}

gboolean
fidget_timeline_get_segment_rect (FidgetTimeline  *self,
                                  const char      *uuid,
                                  graphene_rect_t *rect)
{
  FidgetTimelineLane lane;
  const Item *item;

  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), FALSE);

  item = find_item (self, uuid, &lane);
  return item != NULL && item_rect (self, lane, item, rect);
}

void
fidget_timeline_hit_test (FidgetTimeline    *self,
                          double             x,
                          double             y,
                          FidgetTimelineHit *hit)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));
  g_return_if_fail (hit != NULL);

  hit->kind = FIDGET_TIMELINE_HIT_NONE;
  hit->lane = FIDGET_TIMELINE_LANE_MINE;
  hit->uuid = NULL;
  hit->frame = fidget_timeline_frame_at_x (self, x);

  if (x < FIDGET_TIMELINE_HEADER_WIDTH || self->frame_count <= 0)
    return;
  if (y < FIDGET_TIMELINE_RULER_HEIGHT)
    {
      hit->kind = FIDGET_TIMELINE_HIT_RULER;
      return;
    }

  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    {
      GArray *items = self->lanes[l].items;
      double lane_y, lane_h;
      const Item *best = NULL;
      FidgetTimelineHitKind best_kind = FIDGET_TIMELINE_HIT_SEGMENT;
      double best_distance = G_MAXDOUBLE;

      if (!fidget_timeline_get_lane_area (self, l, &lane_y, &lane_h) ||
          y < lane_y || y >= lane_y + lane_h)
        continue;

      hit->kind = FIDGET_TIMELINE_HIT_LANE;
      hit->lane = l;

      for (guint i = 0; items != NULL && i < items->len; i++)
        {
          const Item *item = &g_array_index (items, Item, i);
          graphene_rect_t rect;
          double left, right, distance;
          FidgetTimelineHitKind kind;

          item_rect (self, l, item, &rect);
          if (y < rect.origin.y || y >= rect.origin.y + rect.size.height)
            continue;
          left = rect.origin.x;
          right = rect.origin.x + rect.size.width;
          if (x < left - FIDGET_TIMELINE_EDGE_GRAB || x > right + FIDGET_TIMELINE_EDGE_GRAB)
            continue;

          /* Edges win near them, but a segment too narrow for three zones is all body
           * unless the pointer is outside it. */
          if (fabs (x - left) <= FIDGET_TIMELINE_EDGE_GRAB &&
              (rect.size.width > 3 * FIDGET_TIMELINE_EDGE_GRAB || x < left))
            {
              kind = FIDGET_TIMELINE_HIT_SEGMENT_START;
              distance = fabs (x - left);
            }
          else if (fabs (x - right) <= FIDGET_TIMELINE_EDGE_GRAB &&
                   (rect.size.width > 3 * FIDGET_TIMELINE_EDGE_GRAB || x > right))
            {
              kind = FIDGET_TIMELINE_HIT_SEGMENT_END;
              distance = fabs (x - right);
            }
          else if (x >= left && x <= right)
            {
              kind = FIDGET_TIMELINE_HIT_SEGMENT;
              distance = 0.0;
            }
          else
            continue;

          if (best == NULL || distance < best_distance)
            {
              best = item;
              best_kind = kind;
              best_distance = distance;
            }
        }

      if (best != NULL)
        {
          hit->kind = best_kind;
          hit->uuid = best->uuid;
        }
      return;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Segments                                                                                    */

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *x = a;
  const Item *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return g_strcmp0 (x->uuid, y->uuid);
}

/* Overlapping segments go on rows of their own: each takes the first row free at its start. */
static void
lane_stack (Lane *lane)
{
  g_autoptr(GArray) row_ends = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_sort (lane->items, compare_items);
  for (guint i = 0; i < lane->items->len; i++)
    {
      Item *item = &g_array_index (lane->items, Item, i);
      guint row;

      for (row = 0; row < row_ends->len; row++)
        if (g_array_index (row_ends, gint64, row) <= item->start)
          break;
      if (row == row_ends->len)
        g_array_append_val (row_ends, item->end);
      else
        g_array_index (row_ends, gint64, row) = item->end;
      item->row = row;
    }
  lane->rows = MAX (row_ends->len, 1);
}

static GdkRGBA
color_for_action (FidgetTimeline *self,
                  const char     *code)
{
  GdkRGBA color = { 0.6f, 0.6f, 0.6f, 1.0f };
  const FidgetAction *action = NULL;

  if (self->taxonomy != NULL && code != NULL)
    action = fidget_taxonomy_lookup_action (self->taxonomy, code);
  if (action != NULL && action->body_part != NULL && action->body_part->color != NULL)
    gdk_rgba_parse (&color, action->body_part->color);
  return color;
}

void
fidget_timeline_set_segments (FidgetTimeline     *self,
                              FidgetTimelineLane  lane,
                              GPtrArray          *segments)
{
  Lane *l;

  g_return_if_fail (FIDGET_IS_TIMELINE (self));
  g_return_if_fail (lane < FIDGET_TIMELINE_N_LANES);

  l = &self->lanes[lane];
  g_array_set_size (l->items, 0);
  for (guint i = 0; segments != NULL && i < segments->len; i++)
    {
      const FidgetSegment *segment = g_ptr_array_index (segments, i);
      Item item = { 0 };

      item.uuid = g_strdup (segment->uuid);
      item.code = g_strdup (segment->action_code);
      item.start = segment->start_frame;
      item.end = MAX (segment->end_frame, segment->start_frame + 1);
      item.color = color_for_action (self, segment->action_code);
      item.flagged = segment->flagged;
      item.who = g_strdup (segment->annotator_name);
      item.note = g_strdup (segment->note);
      item.score = -1.0;
      g_array_append_val (l->items, item);
    }
  lane_stack (l);

  /* A drag on a segment that went away ends quietly. */
  if (self->drag_uuid != NULL && find_item (self, self->drag_uuid, NULL) == NULL)
    {
      self->drag = DRAG_NONE;
      g_clear_pointer (&self->drag_uuid, g_free);
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The model's top score, from a suggestion's [{"code":..., "score":...}, ...]. */
static double
top_score (const char *scores_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  if (scores_json == NULL || !json_parser_load_from_data (parser, scores_json, -1, NULL))
    return -1.0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return -1.0;
  array = json_node_get_array (root);
  if (json_array_get_length (array) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0)))
    return -1.0;
  return json_object_get_double_member_with_default (
    json_node_get_object (json_array_get_element (array, 0)), "score", -1.0);
}

void
fidget_timeline_set_suggestions (FidgetTimeline *self,
                                 GPtrArray      *suggestions)
{
  Lane *l;

  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  l = &self->lanes[FIDGET_TIMELINE_LANE_SUGGESTIONS];
  g_array_set_size (l->items, 0);
  for (guint i = 0; suggestions != NULL && i < suggestions->len; i++)
    {
      const FidgetSuggestion *suggestion = g_ptr_array_index (suggestions, i);
      Item item = { 0 };
      double score;

      if (suggestion->state != FIDGET_SUGGESTION_OPEN)
        continue;
      score = top_score (suggestion->scores_json);
      item.uuid = g_strdup (suggestion->uuid);
      item.code = g_strdup (suggestion->action_code);
      /* Whole percents: few distinct labels, each laid out once. */
      if (score >= 0.0 && suggestion->action_code != NULL)
        item.label = g_strdup_printf ("%s %.0f%%", suggestion->action_code, 100.0 * score);
      item.start = suggestion->start_frame;
      item.end = MAX (suggestion->end_frame, suggestion->start_frame + 1);
      item.color = color_for_action (self, suggestion->action_code);
      item.score = score;
      g_array_append_val (l->items, item);
    }
  lane_stack (l);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
fidget_timeline_get_motion_count (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);

  return self->n_motion;
}

void
fidget_timeline_set_lane_visible (FidgetTimeline     *self,
                                  FidgetTimelineLane  lane,
                                  gboolean            visible)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));
  g_return_if_fail (lane < FIDGET_TIMELINE_N_LANES);

  if (self->lanes[lane].visible == !!visible)
    return;
  self->lanes[lane].visible = !!visible;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gboolean
fidget_timeline_get_lane_visible (FidgetTimeline     *self,
                                  FidgetTimelineLane  lane)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (lane < FIDGET_TIMELINE_N_LANES, FALSE);

  return self->lanes[lane].visible;
}

void
fidget_timeline_set_motion (FidgetTimeline *self,
                            const float    *values,
                            gsize           n_values)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  g_clear_pointer (&self->motion, g_free);
  self->n_motion = 0;
  if (values != NULL && n_values > 0)
    {
      self->motion = g_memdup2 (values, n_values * sizeof (float));
      self->n_motion = n_values;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fidget_timeline_set_taxonomy (FidgetTimeline *self,
                              FidgetTaxonomy *taxonomy)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  if (!g_set_object (&self->taxonomy, taxonomy))
    return;
  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    for (guint i = 0; i < self->lanes[l].items->len; i++)
      {
        Item *item = &g_array_index (self->lanes[l].items, Item, i);

        item->color = color_for_action (self, item->code);
      }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fidget_timeline_set_video (FidgetTimeline *self,
                           gint64          frame_count,
                           int             fps_num,
                           int             fps_den)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  self->frame_count = MAX (frame_count, 0);
  self->fps_num = fps_num > 0 ? fps_num : 30;
  self->fps_den = fps_den > 0 ? fps_den : 1;
  self->position = CLAMP (self->position, 0, MAX (self->frame_count - 1, 0));
  fidget_timeline_zoom_to_fit (self);
}

gint64
fidget_timeline_get_frame_count (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);
  return self->frame_count;
}

/* ------------------------------------------------------------------------------------------ */
/* Playhead, marks, selection, zoom                                                            */

gint64
fidget_timeline_get_position (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);
  return self->position;
}

void
fidget_timeline_set_position (FidgetTimeline *self,
                              gint64          frame)
{
  double visible;

  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  frame = CLAMP (frame, 0, MAX (self->frame_count - 1, 0));
  if (frame == self->position)
    return;
  self->position = frame;

  /* Keep the playhead in view: a page on when it runs off the right, back when it jumps
   * to the left. */
  visible = content_width (self) * self->frames_per_pixel;
  if ((double) frame < self->first_frame || (double) frame + 1 > self->first_frame + visible)
    {
      self->fit = FALSE;
      self->first_frame = (double) frame - visible * 0.1;
      clamp_view (self);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

void
fidget_timeline_set_marks (FidgetTimeline *self,
                           gint64          in_frame,
                           gint64          out_frame)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  self->mark_in = in_frame;
  self->mark_out = out_frame;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fidget_timeline_set_loop (FidgetTimeline *self,
                          gint64          start,
                          gint64          end)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  self->loop_start = start;
  self->loop_end = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
fidget_timeline_get_selected (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), NULL);
  return self->selected;
}

void
fidget_timeline_set_selected (FidgetTimeline *self,
                              const char     *uuid)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  if (g_strcmp0 (self->selected, uuid) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (uuid);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

double
fidget_timeline_get_frames_per_pixel (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 1.0);
  return self->frames_per_pixel;
}

double
fidget_timeline_get_first_frame (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0.0);
  return self->first_frame;
}

void
fidget_timeline_zoom (FidgetTimeline *self,
                      double          factor,
                      double          anchor_frame)
{
  double anchor_x;

  g_return_if_fail (FIDGET_IS_TIMELINE (self));
  g_return_if_fail (factor > 0);

  anchor_x = fidget_timeline_frame_to_x (self, anchor_frame);
  /* factor > 1 zooms in: fewer frames per pixel. */
  self->frames_per_pixel /= factor;
  clamp_view (self);
  self->first_frame = anchor_frame - (anchor_x - FIDGET_TIMELINE_HEADER_WIDTH) * self->frames_per_pixel;
  clamp_view (self);
  self->fit = self->frames_per_pixel >= max_frames_per_pixel (self);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES_PER_PIXEL]);
}

void
fidget_timeline_zoom_to_fit (FidgetTimeline *self)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  self->first_frame = 0;
  self->frames_per_pixel = max_frames_per_pixel (self);
  self->fit = TRUE;
  clamp_view (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES_PER_PIXEL]);
}

void
fidget_timeline_show_range (FidgetTimeline *self,
                            double          first,
                            double          count)
{
  g_return_if_fail (FIDGET_IS_TIMELINE (self));
  g_return_if_fail (count > 0);

  self->frames_per_pixel = count / content_width (self);
  self->first_frame = first;
  clamp_view (self);
  self->fit = self->frames_per_pixel >= max_frames_per_pixel (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES_PER_PIXEL]);
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing                                                                                     */

static PangoLayout *
label_layout (FidgetTimeline *self,
              const char     *code)
{
  PangoLayout *layout = g_hash_table_lookup (self->labels, code);

  if (layout == NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), code);
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      g_hash_table_insert (self->labels, g_strdup (code), layout);
    }
  return layout;
}

static void
draw_text (GtkSnapshot   *snapshot,
           PangoLayout   *layout,
           double         x,
           double         y,
           const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* Ticks at 1, 2, 5 or 10 frames, then at whole seconds and minutes: whichever is the first
 * to leave room for a label. */
static gint64
tick_step (FidgetTimeline *self)
{
  static const double frame_steps[] = { 1, 2, 5, 10 };
  static const double second_steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 };
  double fps = (double) self->fps_num / self->fps_den;

  for (guint i = 0; i < G_N_ELEMENTS (frame_steps); i++)
    if (frame_steps[i] / self->frames_per_pixel >= MIN_TICK_SPACING && frame_steps[i] < fps)
      return (gint64) frame_steps[i];
  for (guint i = 0; i < G_N_ELEMENTS (second_steps); i++)
    {
      gint64 frames = (gint64) ceil (second_steps[i] * fps);

      if ((double) frames / self->frames_per_pixel >= MIN_TICK_SPACING)
        return frames;
    }
  return (gint64) ceil (7200 * fps);
}

static char *
format_frame_time (FidgetTimeline *self,
                   gint64          frame)
{
  gint64 ns = fidget_frame_to_ns (frame, self->fps_num, self->fps_den);

  return fidget_format_centiseconds (ns / 10000000);
}

static void
draw_ruler (FidgetTimeline *self,
            GtkSnapshot    *snapshot,
            double          width,
            const GdkRGBA  *fg)
{
  GdkRGBA line = *fg;
  GdkRGBA dim = *fg;
  GdkRGBA band = *fg;
  gint64 step = tick_step (self);
  gint64 first = (gint64) floor (self->first_frame / step) * step;
  double last = fidget_timeline_x_to_frame (self, width);
  gint64 minor = step >= 5 ? step / 5 : 1;

  band.alpha = 0.05f;
  gtk_snapshot_append_color (snapshot, &band,
                             &GRAPHENE_RECT_INIT (0, 0, (float) width,
                                                  (float) FIDGET_TIMELINE_RULER_HEIGHT));
  line.alpha = 0.35f;
  dim.alpha = 0.6f;

  if (minor / self->frames_per_pixel >= 6)
    for (gint64 f = first; (double) f <= last; f += minor)
      {
        double x = fidget_timeline_frame_to_x (self, (double) f);

        if (x >= FIDGET_TIMELINE_HEADER_WIDTH && f <= self->frame_count)
          gtk_snapshot_append_color (snapshot, &line,
                                     &GRAPHENE_RECT_INIT ((float) x,
                                                          (float) FIDGET_TIMELINE_RULER_HEIGHT - 4,
                                                          1, 4));
      }

  for (gint64 f = first; (double) f <= last; f += step)
    {
      double x = fidget_timeline_frame_to_x (self, (double) f);
      g_autofree char *time = NULL;
      g_autofree char *text = NULL;
      PangoLayout *layout;

      if (x < FIDGET_TIMELINE_HEADER_WIDTH || f > self->frame_count)
        continue;
      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT ((float) x, 0, 1,
                                                      (float) FIDGET_TIMELINE_RULER_HEIGHT));
      time = format_frame_time (self, f);
      /* Translators: a ruler label: the time, then the frame number */
      text = g_strdup_printf (_("%s · %" G_GINT64_FORMAT), time, f);
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      {
        PangoAttrList *attrs = pango_attr_list_new ();

        pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
        pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
        pango_layout_set_attributes (layout, attrs);
        pango_attr_list_unref (attrs);
      }
      draw_text (snapshot, layout, x + 3, 3, &dim);
      g_object_unref (layout);
    }
}

static void
draw_lane (FidgetTimeline     *self,
           GtkSnapshot        *snapshot,
           FidgetTimelineLane  l,
           double              width,
           const GdkRGBA      *fg)
{
  Lane *lane = &self->lanes[l];
  GdkRGBA label_color;
  GdkRGBA separator = *fg;
  double lane_y, lane_h;
  double first = self->first_frame;
  double last = fidget_timeline_x_to_frame (self, width);
  gboolean editing = self->drag >= DRAG_START && self->drag <= DRAG_BODY;

  gdk_rgba_parse (&label_color, LABEL_COLOR);
  fidget_timeline_get_lane_area (self, l, &lane_y, &lane_h);

  separator.alpha = 0.12f;
  gtk_snapshot_append_color (snapshot, &separator,
                             &GRAPHENE_RECT_INIT (0, (float) (lane_y + lane_h - 1),
                                                  (float) width, 1));
  {
    GdkRGBA title = *fg;

    title.alpha = 0.7f;
    draw_text (snapshot, self->lane_titles[l], 8, lane_y + 4, &title);
  }

  gtk_snapshot_push_clip (snapshot,
                          &GRAPHENE_RECT_INIT ((float) FIDGET_TIMELINE_HEADER_WIDTH, (float) lane_y,
                                               (float) (width - FIDGET_TIMELINE_HEADER_WIDTH),
                                               (float) lane_h));

  if (l == FIDGET_TIMELINE_LANE_MOTION)
    {
      GdkRGBA bar = *fg;
      double x0 = MAX (FIDGET_TIMELINE_HEADER_WIDTH, fidget_timeline_frame_to_x (self, 0));
      double x_end = MIN (width, fidget_timeline_frame_to_x (self, (double) self->n_motion));

      bar.alpha = 0.45f;
      /* One bar a pixel column, as tall as the strongest motion in it. */
      for (double x = x0; x < x_end; x += 1.0)
        {
          gint64 f0 = (gint64) floor (fidget_timeline_x_to_frame (self, x));
          gint64 f1 = (gint64) ceil (fidget_timeline_x_to_frame (self, x + 1.0));
          float peak = 0.0f;

          for (gint64 f = MAX (f0, 0); f < f1 && f < (gint64) self->n_motion; f++)
            peak = MAX (peak, self->motion[f]);
          if (peak > 0.0f)
            {
              double h = CLAMP (peak, 0.0f, 1.0f) * (lane_h - 4);

              gtk_snapshot_append_color (snapshot, &bar,
                                         &GRAPHENE_RECT_INIT ((float) x,
                                                              (float) (lane_y + lane_h - 2 - h),
                                                              1, (float) h));
            }
        }
    }

  for (guint i = 0; i < lane->items->len; i++)
    {
      const Item *item = &g_array_index (lane->items, Item, i);
      gboolean dragged = editing && g_strcmp0 (item->uuid, self->drag_uuid) == 0;
      gint64 start, end;
      graphene_rect_t rect;
      GdkRGBA fill;

      /* Sorted by start: nothing after this one begins in view. Dragged segments may have
       * moved anywhere, so they are always looked at. */
      if ((double) item->start > last && !dragged)
        {
          if (!editing)
            break;
          continue;
        }
      item_bounds (self, item, &start, &end);
      if ((double) end < first || (double) start > last)
        continue;

      item_rect (self, l, item, &rect);
      fill = item->color;
      if (l != FIDGET_TIMELINE_LANE_MINE)
        fill.alpha = 0.55f;
      gtk_snapshot_append_color (snapshot, &fill, &rect);
      self->drawn++;

      if (g_strcmp0 (item->uuid, self->selected) == 0)
        {
          GdkRGBA border[4] = { *fg, *fg, *fg, *fg };
          GskRoundedRect outline;

          gsk_rounded_rect_init_from_rect (&outline, &rect, 0);
          gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 2, 2, 2, 2 }, border);
        }
      if (item->flagged)
        {
          GdkRGBA mark = label_color;

          gtk_snapshot_append_color (snapshot, &mark,
                                     &GRAPHENE_RECT_INIT (rect.origin.x, rect.origin.y, 3, 3));
        }

      if (item->code != NULL && rect.size.width >= 20)
        {
          PangoLayout *layout = label_layout (self, item->code);
          int lw, lh;

          /* A suggestion shows its score where there is room for it. */
          if (item->label != NULL)
            {
              PangoLayout *long_layout = label_layout (self, item->label);

              pango_layout_get_pixel_size (long_layout, &lw, &lh);
              if (rect.size.width >= lw + 6)
                layout = long_layout;
            }
          pango_layout_get_pixel_size (layout, &lw, &lh);
          if (rect.size.width >= lw + 6)
            {
              draw_text (snapshot, layout, MAX (rect.origin.x, FIDGET_TIMELINE_HEADER_WIDTH) + 3,
                         rect.origin.y + (rect.size.height - lh) / 2, &label_color);
              self->drawn_labels++;
            }
        }
    }

  gtk_snapshot_pop (snapshot);
}

static void
fidget_timeline_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  FidgetTimeline *self = FIDGET_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA fg;
  GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1.0f };
  GdkRGBA playhead = { 0.88f, 0.11f, 0.14f, 1.0f };
  double lanes_bottom = FIDGET_TIMELINE_RULER_HEIGHT;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  gtk_style_context_lookup_color (style, "accent_bg_color", &accent);
  G_GNUC_END_IGNORE_DEPRECATIONS

  self->drawn = 0;
  self->drawn_labels = 0;
  if (self->frame_count <= 0)
    return;

  draw_ruler (self, snapshot, width, &fg);
  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    if (self->lanes[l].visible)
      {
        draw_lane (self, snapshot, l, width, &fg);
        lanes_bottom += lane_height (self, l);
      }

  /* Beyond the end of the video. */
  {
    double end_x = fidget_timeline_frame_to_x (self, (double) self->frame_count);

    if (end_x < width)
      {
        GdkRGBA shade = fg;

        shade.alpha = 0.06f;
        gtk_snapshot_append_color (snapshot, &shade,
                                   &GRAPHENE_RECT_INIT ((float) end_x, 0, (float) (width - end_x),
                                                        (float) height));
      }
  }

  /* The loop range in the ruler, the in/out range across the lanes. */
  if (self->loop_end > self->loop_start)
    {
      double x0 = MAX (fidget_timeline_frame_to_x (self, (double) self->loop_start),
                       FIDGET_TIMELINE_HEADER_WIDTH);
      double x1 = fidget_timeline_frame_to_x (self, (double) self->loop_end);
      GdkRGBA loop = accent;

      loop.alpha = 0.8f;
      if (x1 > x0)
        gtk_snapshot_append_color (snapshot, &loop,
                                   &GRAPHENE_RECT_INIT ((float) x0,
                                                        (float) FIDGET_TIMELINE_RULER_HEIGHT - 4,
                                                        (float) (x1 - x0), 4));
    }
  if (self->mark_in >= 0 || self->mark_out >= 0)
    {
      gint64 in = self->mark_in >= 0 ? self->mark_in : self->position;
      gint64 out = self->mark_out >= 0 ? self->mark_out + 1 : self->position + 1;
      double x0 = fidget_timeline_frame_to_x (self, (double) MIN (in, out));
      double x1 = fidget_timeline_frame_to_x (self, (double) MAX (in, out));
      GdkRGBA range = accent;
      GdkRGBA edge = accent;

      range.alpha = 0.18f;
      x0 = MAX (x0, FIDGET_TIMELINE_HEADER_WIDTH);
      if (x1 > x0)
        gtk_snapshot_append_color (snapshot, &range,
                                   &GRAPHENE_RECT_INIT ((float) x0, (float) FIDGET_TIMELINE_RULER_HEIGHT,
                                                        (float) (x1 - x0),
                                                        (float) (lanes_bottom - FIDGET_TIMELINE_RULER_HEIGHT)));
      if (self->mark_in >= 0)
        gtk_snapshot_append_color (snapshot, &edge,
                                   &GRAPHENE_RECT_INIT ((float) fidget_timeline_frame_to_x (self, (double) self->mark_in),
                                                        0, 2, (float) lanes_bottom));
      if (self->mark_out >= 0)
        gtk_snapshot_append_color (snapshot, &edge,
                                   &GRAPHENE_RECT_INIT ((float) fidget_timeline_frame_to_x (self, (double) self->mark_out + 1) - 2,
                                                        0, 2, (float) lanes_bottom));
    }

  /* The playhead covers the frame shown, as wide as the frame when zoomed in. */
  {
    double x0 = fidget_timeline_frame_to_x (self, (double) self->position);
    double x1 = fidget_timeline_frame_to_x (self, (double) self->position + 1);
    GdkRGBA body = playhead;

    if (x1 >= FIDGET_TIMELINE_HEADER_WIDTH && x0 <= width)
      {
        body.alpha = 0.25f;
        if (x1 - x0 > 3)
          gtk_snapshot_append_color (snapshot, &body,
                                     &GRAPHENE_RECT_INIT ((float) x0, 0, (float) (x1 - x0),
                                                          (float) lanes_bottom));
        gtk_snapshot_append_color (snapshot, &playhead,
                                   &GRAPHENE_RECT_INIT ((float) x0 - 1, 0, 2, (float) lanes_bottom));
      }
  }
}

static void
fidget_timeline_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  FidgetTimeline *self = FIDGET_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) FIDGET_TIMELINE_HEADER_WIDTH + 120;
      *natural = (int) FIDGET_TIMELINE_HEADER_WIDTH + 800;
    }
  else
    {
      double height = FIDGET_TIMELINE_RULER_HEIGHT;

      for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
        if (self->lanes[l].visible)
          height += lane_height (self, l);
      *minimum = *natural = (int) ceil (height);
    }
}

static void
fidget_timeline_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  FidgetTimeline *self = FIDGET_TIMELINE (widget);

  if (self->fit)
    self->frames_per_pixel = max_frames_per_pixel (self);
  clamp_view (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Tooltips                                                                                    */

/* What a segment's code stands for, where, whose, and what was noted about it: the lane shows
 * only the code. */
static char *
item_tooltip (FidgetTimeline     *self,
              FidgetTimelineLane  lane,
              const Item         *item)
{
  GString *text = g_string_new (NULL);
  const FidgetAction *action = NULL;
  g_autofree char *from = fidget_format_frame_time (item->start, self->fps_num, self->fps_den);
  g_autofree char *until = fidget_format_frame_time (item->end, self->fps_num, self->fps_den);

  if (self->taxonomy != NULL && item->code != NULL)
    action = fidget_taxonomy_lookup_action (self->taxonomy, item->code);
  if (lane == FIDGET_TIMELINE_LANE_SUGGESTIONS)
    /* Translators: the start of a model suggestion's tooltip, before "B1 nodding" */
    g_string_append (text, _("Model suggests "));
  g_string_append (text, item->code != NULL ? item->code : "?");
  if (action != NULL)
    g_string_append_printf (text, " %s", fidget_taxonomy_translate (action->name));
  if (item->score >= 0.0)
    g_string_append_printf (text, " (%.0f %%)", 100.0 * item->score);
  g_string_append_c (text, '\n');
  /* Translators: a segment's first and last frames, then the times they span */
  g_string_append_printf (text, _("Frames %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT ", %s to %s"),
                          item->start, item->end - 1, from, until);
  if (item->who != NULL && lane != FIDGET_TIMELINE_LANE_MINE)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Marked by %s"), item->who);
    }
  if (item->flagged)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Needs another look"));
    }
  if (item->note != NULL && item->note[0] != '\0')
    {
      g_string_append_c (text, '\n');
      g_string_append (text, item->note);
    }
  return g_string_free (text, FALSE);
}

char *
fidget_timeline_dup_tooltip_at (FidgetTimeline *self,
                                double          x,
                                double          y)
{
  FidgetTimelineHit hit;
  FidgetTimelineLane lane;
  const Item *item;

  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), NULL);

  fidget_timeline_hit_test (self, x, y, &hit);
  if (hit.kind != FIDGET_TIMELINE_HIT_SEGMENT && hit.kind != FIDGET_TIMELINE_HIT_SEGMENT_START &&
      hit.kind != FIDGET_TIMELINE_HIT_SEGMENT_END)
    return NULL;
  item = find_item (self, hit.uuid, &lane);
  return item != NULL ? item_tooltip (self, lane, item) : NULL;
}

static gboolean
fidget_timeline_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard,
                               GtkTooltip *tooltip)
{
  FidgetTimeline *self = FIDGET_TIMELINE (widget);
  g_autofree char *text = NULL;
  FidgetTimelineHit hit;
  graphene_rect_t rect;

  if (keyboard || self->drag != DRAG_NONE)
    return FALSE;
  text = fidget_timeline_dup_tooltip_at (self, x, y);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  /* Moving onto another segment asks again. */
  fidget_timeline_hit_test (self, x, y, &hit);
  if (fidget_timeline_get_segment_rect (self, hit.uuid, &rect))
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) rect.origin.x,
                                                          (int) rect.origin.y,
                                                          (int) ceil (rect.size.width),
                                                          (int) ceil (rect.size.height) });
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Pointer                                                                                     */

static void
set_scrubbing (FidgetTimeline *self,
               gboolean        scrubbing)
{
  if (self->scrubbing == scrubbing)
    return;
  self->scrubbing = scrubbing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCRUBBING]);
}

gboolean
fidget_timeline_get_scrubbing (FidgetTimeline *self)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), FALSE);

  return self->scrubbing;
}

static void
emit_seek (FidgetTimeline *self,
           double          x)
{
  gint64 frame = fidget_timeline_frame_at_x (self, x);

  g_signal_emit (self, signals[SEEK], 0, frame);
}

gboolean
fidget_timeline_drag_begin (FidgetTimeline *self,
                            double          x,
                            double          y)
{
  FidgetTimelineHit hit;
  const Item *item;

  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), FALSE);

  fidget_timeline_hit_test (self, x, y, &hit);
  self->drag = DRAG_NONE;
  self->drag_moved = FALSE;
  self->drag_x = x;
  self->drag_y = y;
  g_clear_pointer (&self->drag_uuid, g_free);

  switch (hit.kind)
    {
    case FIDGET_TIMELINE_HIT_RULER:
    case FIDGET_TIMELINE_HIT_LANE:
      /* Scrubbing: the playhead follows the pointer from the press on. */
      self->drag = DRAG_SEEK;
      emit_seek (self, x);
      return TRUE;

    case FIDGET_TIMELINE_HIT_SEGMENT:
    case FIDGET_TIMELINE_HIT_SEGMENT_START:
    case FIDGET_TIMELINE_HIT_SEGMENT_END:
      item = find_item (self, hit.uuid, NULL);
      self->drag_uuid = g_strdup (hit.uuid);
      self->drag_lane = hit.lane;
      self->drag_orig_start = self->preview_start = item->start;
      self->drag_orig_end = self->preview_end = item->end;
      /* Only one's own lane is edited here; the others' segments can be selected. */
      if (hit.lane != FIDGET_TIMELINE_LANE_MINE)
        self->drag = DRAG_CLICK;
      else if (hit.kind == FIDGET_TIMELINE_HIT_SEGMENT_START)
        self->drag = DRAG_START;
      else if (hit.kind == FIDGET_TIMELINE_HIT_SEGMENT_END)
        self->drag = DRAG_END;
      else
        self->drag = DRAG_BODY;
      fidget_timeline_set_selected (self, hit.uuid);
      return TRUE;

    case FIDGET_TIMELINE_HIT_NONE:
    default:
      return FALSE;
    }
}

void
fidget_timeline_drag_update (FidgetTimeline *self,
                             double          dx,
                             double          dy)
{
  double x = self->drag_x + dx;

  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  if (fabs (dx) >= DRAG_THRESHOLD || fabs (dy) >= DRAG_THRESHOLD)
    self->drag_moved = TRUE;
  if (!self->drag_moved)
    return;

  switch (self->drag)
    {
    case DRAG_SEEK:
      set_scrubbing (self, TRUE);
      emit_seek (self, x);
      break;

    case DRAG_START:
      self->preview_start = MIN (fidget_timeline_boundary_at_x (self, x), self->drag_orig_end - 1);
      self->preview_end = self->drag_orig_end;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;

    case DRAG_END:
      self->preview_start = self->drag_orig_start;
      self->preview_end = MAX (fidget_timeline_boundary_at_x (self, x), self->drag_orig_start + 1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;

    case DRAG_BODY:
      {
        /* Whole frames, and never off either end of the video. */
        gint64 shift = (gint64) floor (dx * self->frames_per_pixel + 0.5);
        gint64 length = self->drag_orig_end - self->drag_orig_start;

        shift = CLAMP (shift, -self->drag_orig_start,
                       self->frame_count - self->drag_orig_end);
        self->preview_start = self->drag_orig_start + shift;
        self->preview_end = self->preview_start + length;
        gtk_widget_queue_draw (GTK_WIDGET (self));
      }
      break;

    case DRAG_NONE:
    case DRAG_CLICK:
    default:
      break;
    }
}

void
fidget_timeline_drag_end (FidgetTimeline *self,
                          double          dx,
                          double          dy)
{
  DragKind kind;
  g_autofree char *uuid = NULL;

  g_return_if_fail (FIDGET_IS_TIMELINE (self));

  fidget_timeline_drag_update (self, dx, dy);
  kind = self->drag;
  uuid = g_steal_pointer (&self->drag_uuid);
  self->drag = DRAG_NONE;
  set_scrubbing (self, FALSE);

  if (kind == DRAG_SEEK && !self->drag_moved)
    {
      /* A click on empty space: nothing is selected any more. */
      fidget_timeline_set_selected (self, NULL);
    }
  else if (kind >= DRAG_START && kind <= DRAG_BODY && self->drag_moved &&
           (self->preview_start != self->drag_orig_start ||
            self->preview_end != self->drag_orig_end))
    {
      g_signal_emit (self, signals[SEGMENT_EDITED], 0, uuid, self->preview_start,
                     self->preview_end);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               FidgetTimeline *self)
{
  if (fidget_timeline_drag_begin (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      /* The keyboard keeps working on the timeline after a click. */
      gtk_widget_grab_focus (GTK_WIDGET (self));
    }
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                FidgetTimeline *self)
{
  fidget_timeline_drag_update (self, dx, dy);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             FidgetTimeline *self)
{
  fidget_timeline_drag_end (self, dx, dy);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           FidgetTimeline           *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      /* Ctrl+scroll zooms around the frame under the pointer. */
      double anchor = fidget_timeline_x_to_frame (self, MAX (self->pointer_x,
                                                             FIDGET_TIMELINE_HEADER_WIDTH));

      fidget_timeline_zoom (self, pow (1.25, -dy), anchor);
      return TRUE;
    }

  /* Otherwise either direction pans, by a tenth of the view a notch. */
  {
    double delta = (fabs (dx) > fabs (dy) ? dx : dy) * content_width (self) * 0.1 *
                   self->frames_per_pixel;

    self->first_frame += delta;
    self->fit = FALSE;
    clamp_view (self);
    gtk_widget_queue_draw (GTK_WIDGET (self));
  }
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           FidgetTimeline           *self)
{
  FidgetTimelineHit hit;
  const char *cursor = NULL;

  self->pointer_x = x;
  if (self->drag != DRAG_NONE)
    return;
  fidget_timeline_hit_test (self, x, y, &hit);
  if (hit.lane == FIDGET_TIMELINE_LANE_MINE)
    {
      if (hit.kind == FIDGET_TIMELINE_HIT_SEGMENT_START || hit.kind == FIDGET_TIMELINE_HIT_SEGMENT_END)
        cursor = "ew-resize";
      else if (hit.kind == FIDGET_TIMELINE_HIT_SEGMENT)
        cursor = "grab";
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
}

guint
fidget_timeline_get_drawn_count (FidgetTimeline *self,
                                 guint          *labels)
{
  g_return_val_if_fail (FIDGET_IS_TIMELINE (self), 0);

  if (labels != NULL)
    *labels = self->drawn_labels;
  return self->drawn;
}

/* ------------------------------------------------------------------------------------------ */

static void
fidget_timeline_dispose (GObject *object)
{
  FidgetTimeline *self = FIDGET_TIMELINE (object);

  g_clear_object (&self->taxonomy);
  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    g_clear_object (&self->lane_titles[l]);
  g_clear_pointer (&self->labels, g_hash_table_unref);

  G_OBJECT_CLASS (fidget_timeline_parent_class)->dispose (object);
}

static void
fidget_timeline_finalize (GObject *object)
{
  FidgetTimeline *self = FIDGET_TIMELINE (object);

  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    g_clear_pointer (&self->lanes[l].items, g_array_unref);
  g_clear_pointer (&self->motion, g_free);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->drag_uuid, g_free);

  G_OBJECT_CLASS (fidget_timeline_parent_class)->finalize (object);
}

static void
fidget_timeline_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FidgetTimeline *self = FIDGET_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_int64 (value, self->position);
      break;

    case PROP_SELECTED:
      g_value_set_string (value, self->selected);
      break;

    case PROP_FRAMES_PER_PIXEL:
      g_value_set_double (value, self->frames_per_pixel);
      break;

    case PROP_SCRUBBING:
      g_value_set_boolean (value, self->scrubbing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_timeline_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FidgetTimeline *self = FIDGET_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      fidget_timeline_set_position (self, g_value_get_int64 (value));
      break;

    case PROP_SELECTED:
      fidget_timeline_set_selected (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_timeline_class_init (FidgetTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fidget_timeline_dispose;
  object_class->finalize = fidget_timeline_finalize;
  object_class->get_property = fidget_timeline_get_property;
  object_class->set_property = fidget_timeline_set_property;

  widget_class->snapshot = fidget_timeline_snapshot;
  widget_class->query_tooltip = fidget_timeline_query_tooltip;
  widget_class->measure = fidget_timeline_measure;
  widget_class->size_allocate = fidget_timeline_size_allocate;

  properties[PROP_POSITION] =
    g_param_spec_int64 ("position", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SELECTED] =
    g_param_spec_string ("selected", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FRAMES_PER_PIXEL] =
    g_param_spec_double ("frames-per-pixel", NULL, NULL,
                         0, G_MAXDOUBLE, 1,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SCRUBBING] =
    g_param_spec_boolean ("scrubbing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FidgetTimeline::seek:
   * @frame: the frame clicked or scrubbed to
   */
  signals[SEEK] =
    g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * FidgetTimeline::segment-edited:
   * @uuid: the segment dragged
   * @start: its new first frame
   * @end: one past its new last frame
   *
   * Emitted when a drag of one's own segment ends somewhere new; the timeline shows the old
   * place again until its segments are set anew.
   */
  signals[SEGMENT_EDITED] =
    g_signal_new ("segment-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
fidget_timeline_init (FidgetTimeline *self)
{
  static const char *titles[] = { N_("Yours"), N_("Others"), N_("Model"), N_("Motion") };
  GtkGesture *drag;
  GtkEventController *scroll;
  GtkEventController *motion;

  for (guint l = 0; l < FIDGET_TIMELINE_N_LANES; l++)
    {
      self->lanes[l].items = g_array_new (FALSE, TRUE, sizeof (Item));
      g_array_set_clear_func (self->lanes[l].items, item_clear);
      self->lanes[l].rows = 1;
      self->lanes[l].visible = l != FIDGET_TIMELINE_LANE_OTHERS;
      self->lane_titles[l] = gtk_widget_create_pango_layout (GTK_WIDGET (self), _(titles[l]));
    }
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->fps_num = 30;
  self->fps_den = 1;
  self->frames_per_pixel = 1.0;
  self->fit = TRUE;
  self->mark_in = self->mark_out = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
fidget_timeline_new (void)
{
  return g_object_new (FIDGET_TYPE_TIMELINE, NULL);
}
