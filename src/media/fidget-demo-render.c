/* fidget-demo-render.c: draws a scripted seated figure with cairo and encodes it to H.264/Matroska
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "fidget-demo.h"

/* The figure is drawn in a 640x360 design space and scaled to the script's size. Side 0 is the
 * image's left (the person's right hand), side 1 the image's right. */
#define DESIGN_WIDTH  640.0
#define DESIGN_HEIGHT 360.0

#define HEAD_Y        80.0
#define NECK_PIVOT_Y  118.0
#define SHOULDER_Y    130.0
#define WAIST_Y       240.0
#define HIP_Y         238.0
#define FLOOR_Y       300.0

/* Report progress every this many frames: often enough for a smooth bar, rarely enough that a
 * callback which takes a lock costs nothing. */
#define PROGRESS_STEP 15

typedef struct
{
  double r, g, b;
} Rgb;

typedef struct
{
  double x, y;
} Pt;

typedef struct
{
  double cx;          /* the figure's vertical axis */
  double head_rx;
  double head_ry;
  double shoulder_w;  /* half the shoulder width */
  int    hair_style;  /* 0 short, 1 long, 2 bun, 3 cropped */
  Rgb    skin;
  Rgb    shirt;
  Rgb    trousers;
  Rgb    shoes;
  Rgb    hair;
  Rgb    chair;
  Rgb    wall;
  Rgb    floor;
} Look;

typedef struct
{
  double head_dx;
  double head_dy;
  double head_roll;      /* radians, about the top of the neck */
  double head_yaw;       /* -1..1: the face turns towards image right when positive */
  double head_pitch;     /* -1..1: looks down when positive */
  double shoulder_lift;  /* pixels up */
  Pt     elbow[2];
  Pt     hand[2];
  Pt     knee[2];
  Pt     ankle[2];
  int    top_arm;        /* the arm drawn last, over the other */
  int    top_leg;
} Pose;

/* Palettes: the look index picks entries with strides coprime to each palette's size, so four
 * consecutive looks differ in every colour. */
static const Rgb skins[] = {
  { 0.96, 0.80, 0.69 }, { 0.55, 0.38, 0.26 }, { 0.87, 0.68, 0.53 },
  { 0.40, 0.27, 0.18 }, { 0.76, 0.57, 0.42 }, { 0.93, 0.75, 0.60 },
};
static const Rgb shirts[] = {
  { 0.20, 0.40, 0.75 }, { 0.80, 0.22, 0.20 }, { 0.25, 0.60, 0.35 }, { 0.85, 0.65, 0.15 },
  { 0.50, 0.30, 0.65 }, { 0.15, 0.55, 0.60 }, { 0.90, 0.50, 0.20 }, { 0.55, 0.55, 0.58 },
};
static const Rgb trousers_palette[] = {
  { 0.15, 0.18, 0.35 }, { 0.25, 0.25, 0.27 }, { 0.70, 0.62, 0.45 },
  { 0.40, 0.28, 0.18 }, { 0.10, 0.10, 0.12 }, { 0.30, 0.42, 0.62 },
};
static const Rgb hairs[] = {
  { 0.08, 0.07, 0.07 }, { 0.30, 0.18, 0.10 }, { 0.55, 0.25, 0.12 },
  { 0.85, 0.72, 0.40 }, { 0.65, 0.65, 0.65 }, { 0.45, 0.30, 0.18 },
};
static const Rgb chairs[] = {
  { 0.72, 0.55, 0.35 }, { 0.60, 0.15, 0.15 }, { 0.18, 0.18, 0.20 }, { 0.80, 0.72, 0.58 },
  { 0.35, 0.22, 0.12 },
};
static const Rgb walls[] = {
  { 0.82, 0.86, 0.90 }, { 0.90, 0.85, 0.76 }, { 0.80, 0.88, 0.80 },
  { 0.86, 0.82, 0.90 }, { 0.93, 0.93, 0.91 }, { 0.94, 0.91, 0.75 },
};

static Rgb
rgb_shade (Rgb    c,
           double factor)
{
  return (Rgb) { c.r * factor, c.g * factor, c.b * factor };
}

static void
look_init (Look    *look,
           guint32  seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  look->skin = skins[seed % G_N_ELEMENTS (skins)];
  look->shirt = shirts[(seed * 3u) % G_N_ELEMENTS (shirts)];
  look->trousers = trousers_palette[(seed * 5u + 1) % G_N_ELEMENTS (trousers_palette)];
  look->hair = hairs[(seed * 5u + 2) % G_N_ELEMENTS (hairs)];
  look->hair_style = seed % 4;
  /* In this order the chairs stand out against the first looks' trousers. */
  look->chair = chairs[seed % G_N_ELEMENTS (chairs)];
  look->wall = walls[(seed * 5u + 3) % G_N_ELEMENTS (walls)];
  look->floor = rgb_shade (look->wall, 0.72);
  look->shoes = rgb_shade (look->trousers, 0.45);

  /* The build varies a little too, so the figures are not copies in different clothes. */
  look->cx = DESIGN_WIDTH / 2 + g_rand_double_range (rand, -40, 40);
  look->head_rx = g_rand_double_range (rand, 23, 27);
  look->head_ry = look->head_rx * g_rand_double_range (rand, 1.18, 1.28);
  look->shoulder_w = g_rand_double_range (rand, 54, 63);
}

static inline double
side_sign (int side)
{
  return side == 0 ? -1.0 : 1.0;
}

static void
pose_rest (Pose       *pose,
           const Look *look)
{
  memset (pose, 0, sizeof *pose);
  for (int side = 0; side < 2; side++)
    {
      double s = side_sign (side);

      pose->elbow[side] = (Pt) { look->cx + s * (look->shoulder_w + 6), 198 };
      pose->hand[side] = (Pt) { look->cx + s * 40, 250 };
      pose->knee[side] = (Pt) { look->cx + s * 34, 268 };
      pose->ankle[side] = (Pt) { look->cx + s * 36, 326 };
    }
  pose->top_arm = 1;
  pose->top_leg = 1;
}

static inline double
clamp01 (double x)
{
  return CLAMP (x, 0.0, 1.0);
}

static inline double
smoothstep (double x)
{
  x = clamp01 (x);
  return x * x * (3 - 2 * x);
}

/* 0 at both ends of the move, 1 in the middle, easing over the first and last @ramp of it:
 * "go there, stay, come back" with no jerk at either end. */
static inline double
hold_envelope (double t,
               double ramp)
{
  return smoothstep (t / ramp) * smoothstep ((1 - t) / ramp);
}

/* @n smooth bumps 0 -> 1 -> 0 over the move, zero slope at the ends. */
static inline double
bumps (double t,
       int    n)
{
  double s = sin (G_PI * t * n);

  return s * s;
}

static inline Pt
pt_lerp (Pt     a,
         Pt     b,
         double w)
{
  return (Pt) { a.x + (b.x - a.x) * w, a.y + (b.y - a.y) * w };
}

/* One-handed actions use a hand chosen from the move itself, so both hands get used across a
 * script while the choice stays a pure function of the script. */
static int
move_side (const FidgetDemoMove *move)
{
  return (int) (((guint32) move->start_frame * 2654435761u) >> 16) & 1;
}

static int
cycles_for (gint64 length,
            int    frames_per_cycle,
            int    minimum)
{
  return MAX (minimum, (int) lround ((double) length / frames_per_cycle));
}

/* The pose at @frame inside @move: the rest pose blended towards the action's pose by
 * envelopes that are 0 just outside the move, so every move starts and ends at rest. */
static void
pose_for_move (Pose                 *pose,
               const Look           *look,
               const FidgetDemoMove *move,
               gint64                frame)
{
  gint64 length = move->end_frame - move->start_frame;
  /* Sample at frame centres: the first and last frames of the move already differ from rest,
   * and the frames just outside are exactly at rest. */
  double t = ((double) (frame - move->start_frame) + 0.5) / (double) length;
  int side = move_side (move);
  double s = side_sign (side);
  double cx = look->cx;
  double sw = look->shoulder_w;
  const char *code = move->action_code;
  double w;

  if (g_str_equal (code, "B1"))
    {
      /* Nodding: the head dips and comes back, twice when there is time. */
      pose->head_pitch = 0.7 * bumps (t, length >= 36 ? 2 : 1);
      pose->head_dy = 12 * pose->head_pitch;
    }
  else if (g_str_equal (code, "B2"))
    {
      int n = cycles_for (length, 14, 1);

      pose->head_yaw = 0.8 * hold_envelope (t, 0.2) * sin (2 * G_PI * t * n);
      pose->head_dx = 4 * pose->head_yaw;
    }
  else if (g_str_equal (code, "B4"))
    {
      pose->head_roll = s * 0.36 * hold_envelope (t, 0.3);
    }
  else if (g_str_equal (code, "B5"))
    {
      pose->head_pitch = hold_envelope (t, 0.3);
      pose->head_dy = 16 * pose->head_pitch;
    }
  else if (g_str_equal (code, "B6"))
    {
      pose->head_pitch = -0.85 * hold_envelope (t, 0.3);
      pose->head_dy = 9 * pose->head_pitch;
    }
  else if (g_str_equal (code, "A4"))
    {
      pose->shoulder_lift = 16 * bumps (t, length > 40 ? 2 : 1);
      for (int i = 0; i < 2; i++)
        pose->elbow[i].y -= 0.7 * pose->shoulder_lift;
    }
  else if (g_str_equal (code, "C5"))
    {
      int n = cycles_for (length, 10, 2);

      w = hold_envelope (t, 0.3);
      pose->elbow[side] = pt_lerp (pose->elbow[side], (Pt) { cx + s * (sw + 28), 150 }, w);
      pose->hand[side] = pt_lerp (pose->hand[side], (Pt) { cx + s * (sw + 22), 64 }, w);
      pose->hand[side].x += 16 * hold_envelope (t, 0.4) * sin (2 * G_PI * t * n);
    }
  else if (g_str_equal (code, "C9"))
    {
      w = hold_envelope (t, 0.3);
      for (int i = 0; i < 2; i++)
        {
          double si = side_sign (i);

          pose->elbow[i] = pt_lerp (pose->elbow[i], (Pt) { cx + si * (sw + 2), 194 }, w);
          pose->hand[i] = pt_lerp (pose->hand[i], (Pt) { cx + si * 8, 212 }, w);
        }
    }
  else if (g_str_equal (code, "E4"))
    {
      w = hold_envelope (t, 0.3);
      for (int i = 0; i < 2; i++)
        {
          double si = side_sign (i);

          pose->elbow[i] = pt_lerp (pose->elbow[i], (Pt) { cx + si * (sw + 40), 184 }, w);
          pose->hand[i] = pt_lerp (pose->hand[i], (Pt) { cx + si * (sw - 10), 226 }, w);
        }
    }
  else if (g_str_equal (code, "E5"))
    {
      w = hold_envelope (t, 0.3);
      /* Each hand goes to the other arm's elbow; the forearms cross over the chest. */
      for (int i = 0; i < 2; i++)
        {
          double si = side_sign (i);

          pose->elbow[i] = pt_lerp (pose->elbow[i], (Pt) { cx + si * (sw - 2), 192 }, w);
          pose->hand[i] = pt_lerp (pose->hand[i], (Pt) { cx - si * (sw - 14), 180 + 6 * i }, w);
        }
      pose->top_arm = side;
    }
  else if (g_str_equal (code, "F1"))
    {
      w = hold_envelope (t, 0.3);
      pose->elbow[side] = pt_lerp (pose->elbow[side], (Pt) { cx + s * (sw - 12), 168 }, w);
      pose->hand[side] = pt_lerp (pose->hand[side], (Pt) { cx + s * 3, HEAD_Y + 14 }, w);
    }
  else if (g_str_equal (code, "F2"))
    {
      w = hold_envelope (t, 0.3);
      pose->elbow[side] = pt_lerp (pose->elbow[side], (Pt) { cx + s * (sw + 4), 172 }, w);
      pose->hand[side] = pt_lerp (pose->hand[side], (Pt) { cx + s * (look->head_rx - 4), HEAD_Y + 10 }, w);
      /* A small stroke up and down the cheek while the hand is there. */
      pose->hand[side].y += 4 * hold_envelope (t, 0.4) * sin (2 * G_PI * t * cycles_for (length, 15, 2));
    }
  else if (g_str_equal (code, "F7"))
    {
      w = hold_envelope (t, 0.3);
      pose->elbow[side] = pt_lerp (pose->elbow[side], (Pt) { cx + s * (sw - 2), 150 }, w);
      pose->hand[side] = pt_lerp (pose->hand[side], (Pt) { cx + s * 6, HEAD_Y - look->head_ry + 12 }, w);
    }
  else if (g_str_equal (code, "G2"))
    {
      double lift = 22 * bumps (t, cycles_for (length, 10, 2));

      pose->hand[side].y -= lift;
      pose->elbow[side].y -= 0.35 * lift;
    }
  else if (g_str_equal (code, "D3"))
    {
      double swing = hold_envelope (t, 0.2) * sin (2 * G_PI * t * cycles_for (length, 6, 3));

      pose->ankle[side].x += 11 * swing;
      pose->knee[side].x += 3 * swing;
    }
  else if (g_str_equal (code, "D8"))
    {
      /* The image-right leg crosses over the other: the knee comes up and in, the shin lies
       * across the other leg, the foot hangs beside the other knee's shin. */
      w = hold_envelope (t, 0.3);
      pose->knee[1] = pt_lerp (pose->knee[1], (Pt) { cx - 2, 250 }, w);
      pose->ankle[1] = pt_lerp (pose->ankle[1], (Pt) { cx - 62, 292 }, w);
      /* The hand that rested on that thigh rides along on it. */
      pose->hand[1] = pt_lerp (pose->hand[1], (Pt) { cx + 14, 240 }, w);
      pose->elbow[1] = pt_lerp (pose->elbow[1], (Pt) { cx + sw + 2, 194 }, w);
      pose->top_leg = 1;
    }
  else
    {
      g_assert_not_reached ();
    }
}

static const FidgetDemoMove *
move_at (const FidgetDemoScript *script,
         gint64                  frame,
         guint                  *cursor)
{
  /* Frames come in order, so a cursor makes this O(1) per frame. */
  while (*cursor < script->moves->len &&
         g_array_index (script->moves, FidgetDemoMove, *cursor).end_frame <= frame)
    (*cursor)++;

  if (*cursor < script->moves->len)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, *cursor);

      if (move->start_frame <= frame)
        return move;
    }
  return NULL;
}

/* Drawing */

static void
set_rgb (cairo_t *cr,
         Rgb      c)
{
  cairo_set_source_rgb (cr, c.r, c.g, c.b);
}

/* A limb as a thick round-capped segment with a darker rim, so crossing limbs stay readable. */
static void
draw_limb (cairo_t *cr,
           Pt       a,
           Pt       b,
           double   width,
           Rgb      colour)
{
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, a.x, a.y);
  cairo_line_to (cr, b.x, b.y);
  cairo_set_line_width (cr, width + 3);
  set_rgb (cr, rgb_shade (colour, 0.6));
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, width);
  set_rgb (cr, colour);
  cairo_stroke (cr);
}

static void
fill_and_rim (cairo_t *cr,
              Rgb      colour)
{
  set_rgb (cr, colour);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  set_rgb (cr, rgb_shade (colour, 0.6));
  cairo_stroke (cr);
}

static void
ellipse_path (cairo_t *cr,
              double   x,
              double   y,
              double   rx,
              double   ry)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, rx, ry);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
}

static void
rounded_rect_path (cairo_t *cr,
                   double   x,
                   double   y,
                   double   w,
                   double   h,
                   double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_room_and_chair (cairo_t    *cr,
                     const Look *look)
{
  double cx = look->cx;
  Rgb chair_dark = rgb_shade (look->chair, 0.7);

  set_rgb (cr, look->wall);
  cairo_paint (cr);
  set_rgb (cr, look->floor);
  cairo_rectangle (cr, 0, FLOOR_Y, DESIGN_WIDTH, DESIGN_HEIGHT - FLOOR_Y);
  cairo_fill (cr);

  /* Back legs (further away, so higher and thinner), then the backrest and the seat. */
  set_rgb (cr, chair_dark);
  for (int side = 0; side < 2; side++)
    {
      cairo_rectangle (cr, cx + side_sign (side) * 66 - 3, 250, 6, 60);
      cairo_fill (cr);
    }
  rounded_rect_path (cr, cx - 78, 104, 156, 140, 10);
  fill_and_rim (cr, look->chair);
  rounded_rect_path (cr, cx - 88, 236, 176, 22, 5);
  fill_and_rim (cr, look->chair);
  for (int side = 0; side < 2; side++)
    {
      rounded_rect_path (cr, cx + side_sign (side) * 80 - 5, 256, 10, 96, 3);
      fill_and_rim (cr, chair_dark);
    }
}

static void
draw_leg (cairo_t    *cr,
          const Look *look,
          const Pose *pose,
          int         side)
{
  Pt hip = { look->cx + side_sign (side) * 26, HIP_Y };
  Pt ankle = pose->ankle[side];

  draw_limb (cr, hip, pose->knee[side], 46, look->trousers);
  draw_limb (cr, pose->knee[side], ankle, 31, look->trousers);
  /* Feet point at the camera: seen from the front they are short wide ovals. */
  ellipse_path (cr, ankle.x + side_sign (side) * 2, ankle.y + 12, 19, 10);
  fill_and_rim (cr, look->shoes);
}

static void
draw_torso (cairo_t    *cr,
            const Look *look,
            const Pose *pose)
{
  double cx = look->cx;
  double sw = look->shoulder_w;
  double top = SHOULDER_Y - pose->shoulder_lift;

  /* Trousers across the lap, under the shirt's hem. */
  rounded_rect_path (cr, cx - sw + 8, WAIST_Y - 14, 2 * (sw - 8), 26, 8);
  fill_and_rim (cr, look->trousers);

  cairo_move_to (cr, cx - sw + 14, top);
  cairo_curve_to (cr, cx - sw - 2, top, cx - sw - 2, top + 8, cx - sw, top + 22);
  cairo_curve_to (cr, cx - sw + 4, top + 60, cx - sw + 8, WAIST_Y - 40, cx - sw + 8, WAIST_Y);
  cairo_line_to (cr, cx + sw - 8, WAIST_Y);
  cairo_curve_to (cr, cx + sw - 8, WAIST_Y - 40, cx + sw - 4, top + 60, cx + sw, top + 22);
  cairo_curve_to (cr, cx + sw + 2, top + 8, cx + sw + 2, top, cx + sw - 14, top);
  cairo_close_path (cr);
  fill_and_rim (cr, look->shirt);

  /* Collar: a V of skin under the neck. */
  cairo_move_to (cr, cx - 13, top - 1);
  cairo_line_to (cr, cx, top + 20);
  cairo_line_to (cr, cx + 13, top - 1);
  cairo_close_path (cr);
  fill_and_rim (cr, look->skin);
}

static void
draw_arm (cairo_t    *cr,
          const Look *look,
          const Pose *pose,
          int         side)
{
  double s = side_sign (side);
  Pt shoulder = { look->cx + s * (look->shoulder_w - 10), SHOULDER_Y + 12 - pose->shoulder_lift };

  draw_limb (cr, shoulder, pose->elbow[side], 22, look->shirt);
  draw_limb (cr, pose->elbow[side], pose->hand[side], 15, look->skin);
  ellipse_path (cr, pose->hand[side].x, pose->hand[side].y, 10, 10.5);
  fill_and_rim (cr, look->skin);
}

static void
draw_head (cairo_t    *cr,
           const Look *look,
           const Pose *pose)
{
  double cx = look->cx;
  double yaw = pose->head_yaw;
  double pitch = pose->head_pitch;
  double rx = look->head_rx * (1 - 0.12 * fabs (yaw));
  double ry = look->head_ry * (1 - 0.05 * fabs (pitch));
  double hx = cx + pose->head_dx;
  double hy = HEAD_Y + pose->head_dy;
  double fx = hx + yaw * rx * 0.45;       /* the face's centre line moves as the head turns */
  double fy = hy + pitch * ry * 0.35;     /* and down as it bows */
  double neck_top = SHOULDER_Y - pose->shoulder_lift + 4;
  Rgb skin_dark = rgb_shade (look->skin, 0.82);

  /* The neck stays rooted in the shoulders; the head rolls about the top of the neck. */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_line_width (cr, 22);
  set_rgb (cr, skin_dark);
  cairo_move_to (cr, cx, neck_top + 6);
  cairo_line_to (cr, cx + pose->head_dx * 0.5 + sin (pose->head_roll) * 20, NECK_PIVOT_Y - 6 + pose->head_dy * 0.5);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_translate (cr, cx, NECK_PIVOT_Y);
  cairo_rotate (cr, pose->head_roll);
  cairo_translate (cr, -cx, -NECK_PIVOT_Y);

  /* Long hair falls behind the head onto the shoulders. */
  if (look->hair_style == 1)
    {
      rounded_rect_path (cr, hx - rx - 5, hy - ry * 0.6, 2 * rx + 10, ry * 1.9, rx * 0.7);
      fill_and_rim (cr, look->hair);
    }
  else if (look->hair_style == 2)
    {
      ellipse_path (cr, hx - yaw * 6, hy - ry - 6 + pitch * 6, 12, 10);
      fill_and_rim (cr, look->hair);
    }

  /* Ears: the one the face turns away from shows more. */
  for (int side = 0; side < 2; side++)
    {
      double s = side_sign (side);
      double visible = 1 - 0.6 * clamp01 (s * yaw);

      ellipse_path (cr, hx + s * (rx - 1), hy + 2 + pitch * 4, 6 * visible, 9);
      fill_and_rim (cr, look->skin);
    }

  ellipse_path (cr, hx, hy, rx, ry);
  fill_and_rim (cr, look->skin);

  /* Everything on the face is clipped to the head, so bowing hides the mouth under the chin. */
  cairo_save (cr);
  ellipse_path (cr, hx, hy, rx - 0.75, ry - 0.75);
  cairo_clip (cr);

  /* Hair on top: the hairline drops as the head bows and the crown comes into view. */
  {
    double hairline = hy - ry * (look->hair_style == 3 ? 0.62 : 0.45) + pitch * ry * (pitch > 0 ? 0.45 : 0.15);

    set_rgb (cr, look->hair);
    cairo_move_to (cr, hx - rx - 2, hairline + 8);
    cairo_curve_to (cr, hx - rx * 0.4 + yaw * 6, hairline - 6, hx + rx * 0.4 + yaw * 6, hairline - 6,
                    hx + rx + 2, hairline + 8);
    cairo_line_to (cr, hx + rx + 2, hy - ry - 2);
    cairo_line_to (cr, hx - rx - 2, hy - ry - 2);
    cairo_close_path (cr);
    cairo_fill (cr);
  }

  /* Eyes, brows, nose and mouth. */
  {
    double spread = 10 * (1 - 0.3 * fabs (yaw));
    double eye_y = fy - 1;
    Rgb ink = { 0.12, 0.10, 0.10 };

    set_rgb (cr, ink);
    for (int side = 0; side < 2; side++)
      {
        double ex = fx + side_sign (side) * spread;

        ellipse_path (cr, ex, eye_y, 2.6, pitch > 0.6 ? 1.2 : 2.8);
        cairo_fill (cr);
        cairo_set_line_width (cr, 2);
        cairo_move_to (cr, ex - 5, eye_y - 7 - MAX (0, -pitch) * 2);
        cairo_line_to (cr, ex + 5, eye_y - 7 - MAX (0, -pitch) * 2);
        cairo_stroke (cr);
      }

    set_rgb (cr, skin_dark);
    cairo_set_line_width (cr, 2);
    cairo_move_to (cr, fx + yaw * 2, eye_y + 2);
    cairo_line_to (cr, fx + yaw * 5 - 3, eye_y + 11 + pitch * 2);
    cairo_line_to (cr, fx + yaw * 5 + 2, eye_y + 12 + pitch * 2);
    cairo_stroke (cr);

    set_rgb (cr, (Rgb) { 0.55, 0.25, 0.25 });
    cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
    cairo_move_to (cr, fx - 7, eye_y + 19 + pitch * 3);
    cairo_curve_to (cr, fx - 3, eye_y + 22 + pitch * 3, fx + 3, eye_y + 22 + pitch * 3,
                    fx + 7, eye_y + 19 + pitch * 3);
    cairo_stroke (cr);
  }
  cairo_restore (cr);

  /* The head's rim again, over the hair. */
  ellipse_path (cr, hx, hy, rx, ry);
  cairo_set_line_width (cr, 1.5);
  set_rgb (cr, rgb_shade (look->skin, 0.6));
  cairo_stroke (cr);

  cairo_restore (cr);
}

static void
draw_frame (cairo_t    *cr,
            const Look *look,
            const Pose *pose,
            double      scale_x,
            double      scale_y)
{
  cairo_save (cr);
  cairo_scale (cr, scale_x, scale_y);

  draw_room_and_chair (cr, look);
  draw_leg (cr, look, pose, 1 - pose->top_leg);
  draw_leg (cr, look, pose, pose->top_leg);
  draw_head (cr, look, pose);
  draw_torso (cr, look, pose);
  draw_arm (cr, look, pose, 1 - pose->top_arm);
  draw_arm (cr, look, pose, pose->top_arm);

  cairo_restore (cr);
}

/* Encoding */

typedef struct
{
  const FidgetDemoScript *script;
  const char             *path;
  char                   *tmp_path;
  GstElement             *pipeline;
  GstElement             *appsrc;
  GstPad                 *encoder_sink;
} RenderJob;

static void
render_job_clear (RenderJob *job)
{
  if (job->pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (job->pipeline);

      gst_element_set_state (job->pipeline, GST_STATE_NULL);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    }
  gst_clear_object (&job->appsrc);
  gst_clear_object (&job->encoder_sink);
  gst_clear_object (&job->pipeline);
  if (job->tmp_path != NULL)
    g_unlink (job->tmp_path);
  g_clear_pointer (&job->tmp_path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RenderJob, render_job_clear)

static gboolean
set_error_from_message (RenderJob  *job,
                        GstMessage *message,
                        GError    **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("demo render error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
           gst_error->message, debug != NULL ? debug : "");

  if (gst_error->domain == GST_RESOURCE_ERROR)
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                 "Could not write the demo video “%s”: %s", job->path, gst_error->message);
  else
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                 "Could not encode the demo video “%s”: %s (in %s)", job->path,
                 gst_error->message, GST_OBJECT_NAME (GST_MESSAGE_SRC (message)));
  return FALSE;
}

/* Picks up an error the pipeline posted while frames were being pushed, without waiting. */
static gboolean
check_bus (RenderJob *job,
           GError   **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (job->pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (message != NULL)
    return set_error_from_message (job, message, error);
  return TRUE;
}

/* Runs in the thread that posts the error. A failing pipeline (disk full, say) stops taking
 * frames, and appsrc would then block the pushing thread forever waiting for room: lifting the
 * queue limit wakes it, and the next check of the bus reports the error. */
static GstBusSyncReply
on_bus_sync_message (GstBus     *bus,
                     GstMessage *message,
                     gpointer    user_data)
{
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    gst_app_src_set_max_bytes (GST_APP_SRC (user_data), 0);
  return GST_BUS_PASS;
}

static GstElement *
make_element (RenderJob  *job,
              const char *factory,
              const char *package,
              GError    **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                 "Cannot write the demo video “%s”: the GStreamer element “%s” is missing "
                 "(install %s)", job->path, factory, package);
  return element;
}

static gboolean
build_pipeline (RenderJob *job,
                GError   **error)
{
  static const struct {
    const char *factory;
    const char *package;
  } chain[] = {
    { "appsrc", "gstreamer1.0-plugins-base" },
    { "videoconvert", "gstreamer1.0-plugins-base" },
    { "capsfilter", "gstreamer1.0 (core elements)" },
    { "x264enc", "gstreamer1.0-plugins-ugly" },
    { "h264parse", "gstreamer1.0-plugins-bad" },
    { "matroskamux", "gstreamer1.0-plugins-good" },
    { "filesink", "gstreamer1.0 (core elements)" },
  };
  GstElement *elements[G_N_ELEMENTS (chain)];
  g_autoptr(GstCaps) src_caps = NULL;
  g_autoptr(GstCaps) yuv_caps = NULL;
  const FidgetDemoScript *script = job->script;

  job->pipeline = gst_object_ref_sink (gst_pipeline_new ("fidget-demo-render"));

  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      if (!(elements[i] = make_element (job, chain[i].factory, chain[i].package, error)))
        return FALSE;
      gst_bin_add (GST_BIN (job->pipeline), elements[i]);
    }

  src_caps = gst_caps_new_simple ("video/x-raw",
                                  /* cairo's ARGB32 is native-endian 32-bit words */
                                  "format", G_TYPE_STRING,
                                  G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRA" : "ARGB",
                                  "width", G_TYPE_INT, script->width,
                                  "height", G_TYPE_INT, script->height,
                                  "framerate", GST_TYPE_FRACTION, script->fps, 1,
                                  "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                  NULL);
  g_object_set (elements[0],
                "caps", src_caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                "block", TRUE,
                /* A few frames in flight is enough to keep both cores busy. */
                "max-bytes", (guint64) script->width * script->height * 4 * 8,
                NULL);

  /* 4:2:0 is what every H.264 decoder takes. */
  yuv_caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", NULL);
  g_object_set (elements[2], "caps", yuv_caps, NULL);

  /* A keyframe every second keeps later frame-exact seeking cheap; no B-frames keeps decode
   * order equal to display order. Constant quantizers, no rate control: the same still
   * picture then always decodes to the same pixels whichever keyframe it comes from, and with
   * keyframes finer than P-frames the P-frames after one find nothing to correct, so
   * stillness survives encoding (see force_keyframe_at ()). */
  gst_util_set_object_arg (G_OBJECT (elements[3]), "speed-preset", "veryfast");
  gst_util_set_object_arg (G_OBJECT (elements[3]), "pass", "quant");
  g_object_set (elements[3],
                "quantizer", 18,
                "ip-factor", 1.4f,
                "key-int-max", (guint) script->fps,
                "bframes", 0,
                NULL);

  g_object_set (elements[6], "location", job->tmp_path, NULL);

  for (guint i = 0; i + 1 < G_N_ELEMENTS (chain); i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      {
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                     "Cannot write the demo video “%s”: GStreamer could not link %s to %s",
                     job->path, chain[i].factory, chain[i + 1].factory);
        return FALSE;
      }

  job->appsrc = gst_object_ref (elements[0]);
  job->encoder_sink = gst_element_get_static_pad (elements[3], "sink");

  {
    g_autoptr(GstBus) bus = gst_element_get_bus (job->pipeline);

    gst_bus_set_sync_handler (bus, on_bus_sync_message, gst_object_ref (job->appsrc), gst_object_unref);
  }
  return TRUE;
}

/* Creates the temporary file beside the target (so the final rename stays on one file
 * system), which also tells early and plainly when the folder cannot be written. */
static gboolean
create_tmp_file (RenderJob *job,
                 GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (job->path);
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *tmpl = g_strdup_printf (".%s.XXXXXX.part", base);
  int fd;

  job->tmp_path = g_build_filename (dir, tmpl, NULL);
  fd = g_mkstemp_full (job->tmp_path, O_RDWR, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&job->tmp_path, g_free);
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   "Cannot write the demo video “%s”: no file can be created in “%s” (%s)",
                   job->path, dir, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
check_script (const FidgetDemoScript *script,
              const char             *path,
              GError                **error)
{
  const char *const *supported = fidget_demo_supported_actions ();
  gint64 previous_end = 0;

  if (script->width <= 0 || script->height <= 0 || script->fps <= 0 || script->n_frames <= 0 ||
      script->width % 2 != 0 || script->height % 2 != 0)
    {
      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   "Cannot write the demo video “%s”: the script’s size %dx%d at %d fps for "
                   "%" G_GINT64_FORMAT " frames is not a video (sizes must be even and positive)",
                   path, script->width, script->height, script->fps, script->n_frames);
      return FALSE;
    }

  for (guint i = 0; i < script->moves->len; i++)
    {
      const FidgetDemoMove *move = &g_array_index (script->moves, FidgetDemoMove, i);

      if (move->action_code == NULL || !g_strv_contains ((const char *const *) supported, move->action_code))
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                       "Cannot write the demo video “%s”: the demo figure cannot perform “%s”",
                       path, move->action_code != NULL ? move->action_code : "(null)");
          return FALSE;
        }
      if (move->start_frame < previous_end || move->end_frame <= move->start_frame ||
          move->end_frame > script->n_frames)
        {
          g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                       "Cannot write the demo video “%s”: move %u (%s, frames %" G_GINT64_FORMAT
                       "-%" G_GINT64_FORMAT ") overlaps another or lies outside the video",
                       path, i, move->action_code, move->start_frame, move->end_frame);
          return FALSE;
        }
      previous_end = move->end_frame;
    }
  return TRUE;
}

/* Asks the encoder for a keyframe at @frame. The first still frame after a move is predicted
 * from the move's last frame and decodes only close to the still picture; the next regular
 * keyframe would then snap back to the exact picture, a visible jump in the middle of stillness
 * that motion detection would take for a movement. As a keyframe, that first still frame
 * decodes exactly like every other still frame. */
static void
force_keyframe_at (RenderJob *job,
                   gint64     frame)
{
  GstClockTime time = gst_util_uint64_scale ((guint64) frame, GST_SECOND, (guint64) job->script->fps);

  /* The encoder queues requests by running time, so one sent ahead applies to that frame. */
  gst_pad_send_event (job->encoder_sink,
                      gst_video_event_new_downstream_force_key_unit (time, time, time, FALSE, 0));
}

static void
report_progress (FidgetProgressFunc progress,
                 gpointer           progress_data,
                 double             fraction)
{
  if (progress != NULL)
    progress (fraction, progress_data);
}

static GstBuffer *
buffer_from_surface (cairo_surface_t *surface)
{
  gsize size;

  cairo_surface_flush (surface);
  size = (gsize) cairo_image_surface_get_stride (surface) * cairo_image_surface_get_height (surface);
  return gst_buffer_new_memdup (cairo_image_surface_get_data (surface), size);
}

gboolean
fidget_demo_render (const FidgetDemoScript  *script,
                    const char              *path,
                    GCancellable            *cancellable,
                    FidgetProgressFunc       progress,
                    gpointer                 progress_data,
                    GError                 **error)
{
  g_auto(RenderJob) job = { .script = script, .path = path };
  g_autoptr(GstBuffer) rest_buffer = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  Look look;
  Pose rest;
  guint cursor = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (script != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fidget_media_init ();

  if (!check_script (script, path, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!create_tmp_file (&job, error))
    return FALSE;
  if (!build_pipeline (&job, error))
    return FALSE;

  if (gst_element_set_state (job.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (check_bus (&job, error))
        g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                     "Cannot write the demo video “%s”: the encoding pipeline did not start",
                     path);
      return FALSE;
    }

  look_init (&look, script->look);
  pose_rest (&rest, &look);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, script->width, script->height);
  cr = cairo_create (surface);

  /* Every frame outside a move is this one buffer, pushed again with new timestamps: stillness
   * between moves is exact by construction, and it costs no drawing. */
  draw_frame (cr, &look, &rest, script->width / DESIGN_WIDTH, script->height / DESIGN_HEIGHT);
  rest_buffer = buffer_from_surface (surface);

  report_progress (progress, progress_data, 0.0);

  for (gint64 frame = 0; frame < script->n_frames; frame++)
    {
      const FidgetDemoMove *move = move_at (script, frame, &cursor);
      GstClockTime pts = gst_util_uint64_scale ((guint64) frame, GST_SECOND, (guint64) script->fps);
      GstClockTime next = gst_util_uint64_scale ((guint64) frame + 1, GST_SECOND, (guint64) script->fps);
      GstBuffer *buffer;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) || !check_bus (&job, error))
        {
          ok = FALSE;
          break;
        }

      if (move != NULL)
        {
          Pose pose = rest;

          if (frame == move->start_frame && move->end_frame < script->n_frames)
            force_keyframe_at (&job, move->end_frame);

          pose_for_move (&pose, &look, move, frame);
          draw_frame (cr, &look, &pose, script->width / DESIGN_WIDTH, script->height / DESIGN_HEIGHT);
          buffer = buffer_from_surface (surface);
        }
      else
        {
          /* A shallow copy shares the pixels; only the timestamps are its own. */
          buffer = gst_buffer_copy (rest_buffer);
        }

      GST_BUFFER_PTS (buffer) = pts;
      GST_BUFFER_DTS (buffer) = pts;
      GST_BUFFER_DURATION (buffer) = next - pts;
      GST_BUFFER_OFFSET (buffer) = (guint64) frame;

      if (gst_app_src_push_buffer (GST_APP_SRC (job.appsrc), buffer) != GST_FLOW_OK)
        {
          /* The pipeline stopped taking frames: it has posted (or will post) why. */
          g_autoptr(GstBus) err_bus = gst_element_get_bus (job.pipeline);
          g_autoptr(GstMessage) err = gst_bus_timed_pop_filtered (err_bus, GST_SECOND, GST_MESSAGE_ERROR);

          if (err != NULL)
            set_error_from_message (&job, err, error);
          else
            g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                         "Could not encode the demo video “%s”: the encoder stopped taking "
                         "frames at frame %" G_GINT64_FORMAT, path, frame);
          ok = FALSE;
          break;
        }

      if ((frame + 1) % PROGRESS_STEP == 0)
        /* Frames are in flight until EOS: keep a little room for the finishing. */
        report_progress (progress, progress_data, 0.98 * (double) (frame + 1) / (double) script->n_frames);
    }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  if (!ok)
    return FALSE;

  gst_app_src_end_of_stream (GST_APP_SRC (job.appsrc));

  /* Wait for the muxer to finish the file, still honouring cancellation. */
  bus = gst_element_get_bus (job.pipeline);
  while (message == NULL)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      message = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    return set_error_from_message (&job, message, error);

  gst_element_set_state (job.pipeline, GST_STATE_NULL);

  if (g_rename (job.tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FIDGET_MEDIA_ERROR, FIDGET_MEDIA_ERROR_ENCODE,
                   "Could not write the demo video “%s”: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  g_clear_pointer (&job.tmp_path, g_free);

  report_progress (progress, progress_data, 1.0);
  return TRUE;
}
