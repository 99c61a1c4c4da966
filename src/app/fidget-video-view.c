/* fidget-video-view.c: the picture of the current frame, with zoom and pan
 *
 * Hands and feet are small in a whole-body interview shot: Ctrl+scroll magnifies around the
 * pointer (up to 8x), dragging pans, a double click fits the picture again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fidget-video-view.h"

#define MAX_ZOOM 8.0

struct _FidgetVideoView
{
  GtkWidget     parent_instance;

  FidgetFrame  *frame;
  GdkTexture   *texture;
  gint64        index;
  int           par_n;
  int           par_d;

  double        zoom;
  double        center_x;   /* the picture point at the view's centre, in [0, 1] */
  double        center_y;
  double        drag_center_x;
  double        drag_center_y;
  double        pointer_x;
  double        pointer_y;
};

G_DEFINE_FINAL_TYPE (FidgetVideoView, fidget_video_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GdkTexture *
fidget_frame_texture_new (FidgetFrame *frame)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (frame != NULL, NULL);

  /* No copy: the bytes hold a reference on the frame, whose memory the texture reads. */
  data = fidget_frame_get_data (frame, &size);
  bytes = g_bytes_new_with_free_func (data, size, (GDestroyNotify) fidget_frame_unref,
                                      fidget_frame_ref (frame));
  return gdk_memory_texture_new (fidget_frame_get_width (frame), fidget_frame_get_height (frame),
                                 GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes,
                                 (gsize) fidget_frame_get_stride (frame));
}

/* Where the picture goes at the current zoom: fitted, then magnified around the centre. */
static void
picture_rect (FidgetVideoView *self,
              graphene_rect_t *rect)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double tex_w = gdk_texture_get_width (self->texture) * (double) self->par_n / self->par_d;
  double tex_h = gdk_texture_get_height (self->texture);
  double scale = MIN (width / tex_w, height / tex_h) * self->zoom;
  double w = tex_w * scale;
  double h = tex_h * scale;
  double x = width / 2 - self->center_x * w;
  double y = height / 2 - self->center_y * h;

  /* Never leave empty space inside the view on a side the picture could cover. */
  if (w <= width)
    x = (width - w) / 2;
  else
    x = CLAMP (x, width - w, 0);
  if (h <= height)
    y = (height - h) / 2;
  else
    y = CLAMP (y, height - h, 0);

  graphene_rect_init (rect, (float) x, (float) y, (float) w, (float) h);
}

static void
fidget_video_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  FidgetVideoView *self = FIDGET_VIDEO_VIEW (widget);
  GdkRGBA black = { 0, 0, 0, 1 };
  graphene_rect_t rect;

  gtk_snapshot_append_color (snapshot, &black,
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                  gtk_widget_get_height (widget)));
  if (self->texture == NULL)
    return;

  picture_rect (self, &rect);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                         gtk_widget_get_height (widget)));
  /* GTK 4.8 has no choice of filter (gtk_snapshot_append_scaled_texture() is 4.10): the
   * renderer smooths magnified pixels. */
  gtk_snapshot_append_texture (snapshot, self->texture, &rect);
  gtk_snapshot_pop (snapshot);
}

static void
fidget_video_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 90;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 360;
}

void
fidget_video_view_set_frame (FidgetVideoView *self,
                             FidgetFrame     *frame,
                             gint64           index)
{
  g_return_if_fail (FIDGET_IS_VIDEO_VIEW (self));

  self->index = index;
  if (frame == self->frame)
    return;

  g_clear_object (&self->texture);
  g_clear_pointer (&self->frame, fidget_frame_unref);
  if (frame != NULL)
    {
      self->frame = fidget_frame_ref (frame);
      self->texture = fidget_frame_texture_new (frame);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FidgetFrame *
fidget_video_view_get_frame (FidgetVideoView *self)
{
  g_return_val_if_fail (FIDGET_IS_VIDEO_VIEW (self), NULL);
  return self->frame;
}

gint64
fidget_video_view_get_index (FidgetVideoView *self)
{
  g_return_val_if_fail (FIDGET_IS_VIDEO_VIEW (self), -1);
  return self->frame != NULL ? self->index : -1;
}

GdkTexture *
fidget_video_view_get_texture (FidgetVideoView *self)
{
  g_return_val_if_fail (FIDGET_IS_VIDEO_VIEW (self), NULL);
  return self->texture;
}

void
fidget_video_view_set_pixel_aspect (FidgetVideoView *self,
                                    int              par_n,
                                    int              par_d)
{
  g_return_if_fail (FIDGET_IS_VIDEO_VIEW (self));

  self->par_n = par_n > 0 ? par_n : 1;
  self->par_d = par_d > 0 ? par_d : 1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
fidget_video_view_get_zoom (FidgetVideoView *self)
{
  g_return_val_if_fail (FIDGET_IS_VIDEO_VIEW (self), 1.0);
  return self->zoom;
}

void
fidget_video_view_set_zoom (FidgetVideoView *self,
                            double           zoom)
{
  g_return_if_fail (FIDGET_IS_VIDEO_VIEW (self));

  zoom = CLAMP (zoom, 1.0, MAX_ZOOM);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
fidget_video_view_reset_zoom (FidgetVideoView *self)
{
  g_return_if_fail (FIDGET_IS_VIDEO_VIEW (self));

  self->center_x = self->center_y = 0.5;
  fidget_video_view_set_zoom (self, 1.0);
}

/* Magnifies by @factor keeping the picture point under (@x, @y) where it is. */
static void
zoom_at (FidgetVideoView *self,
         double           factor,
         double           x,
         double           y)
{
  graphene_rect_t before;
  graphene_rect_t after;
  double px, py;

  if (self->texture == NULL)
    return;
  picture_rect (self, &before);
  px = (x - before.origin.x) / before.size.width;
  py = (y - before.origin.y) / before.size.height;
  fidget_video_view_set_zoom (self, self->zoom * factor);
  picture_rect (self, &after);
  /* Shift the centre so that (px, py) lands on (x, y) again. */
  self->center_x = (gtk_widget_get_width (GTK_WIDGET (self)) / 2 - x) / after.size.width + px;
  self->center_y = (gtk_widget_get_height (GTK_WIDGET (self)) / 2 - y) / after.size.height + py;
  self->center_x = CLAMP (self->center_x, 0.0, 1.0);
  self->center_y = CLAMP (self->center_y, 0.0, 1.0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           FidgetVideoView          *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK))
    return FALSE;
  zoom_at (self, pow (1.2, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           FidgetVideoView          *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
on_drag_begin (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               FidgetVideoView *self)
{
  self->drag_center_x = self->center_x;
  self->drag_center_y = self->center_y;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag  *gesture,
                double           dx,
                double           dy,
                FidgetVideoView *self)
{
  graphene_rect_t rect;

  if (self->texture == NULL || self->zoom <= 1.0)
    return;
  picture_rect (self, &rect);
  self->center_x = CLAMP (self->drag_center_x - dx / rect.size.width, 0.0, 1.0);
  self->center_y = CLAMP (self->drag_center_y - dy / rect.size.height, 0.0, 1.0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            FidgetVideoView *self)
{
  if (n_press == 2)
    fidget_video_view_reset_zoom (self);
}

static void
fidget_video_view_dispose (GObject *object)
{
  FidgetVideoView *self = FIDGET_VIDEO_VIEW (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->frame, fidget_frame_unref);

  G_OBJECT_CLASS (fidget_video_view_parent_class)->dispose (object);
}

static void
fidget_video_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FidgetVideoView *self = FIDGET_VIDEO_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_video_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FidgetVideoView *self = FIDGET_VIDEO_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      fidget_video_view_set_zoom (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_video_view_class_init (FidgetVideoViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fidget_video_view_dispose;
  object_class->get_property = fidget_video_view_get_property;
  object_class->set_property = fidget_video_view_set_property;

  widget_class->snapshot = fidget_video_view_snapshot;
  widget_class->measure = fidget_video_view_measure;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         1.0, MAX_ZOOM, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "videoview");
}

static void
fidget_video_view_init (FidgetVideoView *self)
{
  GtkEventController *scroll;
  GtkEventController *motion;
  GtkGesture *drag;
  GtkGesture *click;

  self->zoom = 1.0;
  self->center_x = self->center_y = 0.5;
  self->par_n = self->par_d = 1;
  self->index = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
fidget_video_view_new (void)
{
  return g_object_new (FIDGET_TYPE_VIDEO_VIEW, NULL);
}
