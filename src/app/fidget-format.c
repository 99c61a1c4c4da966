/* fidget-format.c: how the window writes times, rates and video facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <stdlib.h>
#include <string.h>

#include "fidget-format.h"
#include "fidget-player.h"

/* "m:ss.ff" with hundredths of a second, or "h:mm:ss.ff" from an hour on. The value is
 * rounded once, in integers, so that 59.999 s reads "1:00.00" and never "0:60.00". */
char *
fidget_format_centiseconds (gint64 centiseconds)
{
  gboolean negative = centiseconds < 0;
  guint64 cs = negative ? (guint64) -centiseconds : (guint64) centiseconds;
  guint64 hours = cs / 360000;
  guint minutes = (guint) (cs / 6000 % 60);
  guint seconds = (guint) (cs / 100 % 60);
  guint hundredths = (guint) (cs % 100);

  if (hours > 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT ":%02u:%02u.%02u",
                            negative ? "−" : "", hours, minutes, seconds, hundredths);
  return g_strdup_printf ("%s%u:%02u.%02u", negative ? "−" : "", minutes, seconds, hundredths);
}

/* Frames are the truth (see DESIGN.md): the length is frame_count / frame rate, exactly.
 * Only a video whose rate or frame count is unknown falls back to the container's duration. */
gint64
fidget_video_get_centiseconds (const FidgetVideo *video)
{
  g_return_val_if_fail (video != NULL, 0);

  if (video->fps_num > 0 && video->fps_den > 0 && video->frame_count > 0)
    {
      gint64 num = video->frame_count * (gint64) video->fps_den * 100;

      return (num + video->fps_num / 2) / video->fps_num;
    }
  if (video->duration_ns > 0)
    return (video->duration_ns + 5000000) / 10000000;
  return 0;
}

char *
fidget_format_video_duration (const FidgetVideo *video)
{
  return fidget_format_centiseconds (fidget_video_get_centiseconds (video));
}

/* The exact fraction, as the stream declares it: 30000/1001 must not read as "29.97". */
char *
fidget_format_frame_rate (int fps_num,
                          int fps_den)
{
  if (fps_num <= 0 || fps_den <= 0)
    return g_strdup (_("unknown frame rate"));
  /* Translators: a video's frame rate as an exact fraction, e.g. "30000/1001 fps" */
  return g_strdup_printf (_("%d/%d fps"), fps_num, fps_den);
}

char *
fidget_format_video_title (const FidgetVideo *video)
{
  g_return_val_if_fail (video != NULL, NULL);

  if (video->path == NULL || video->path[0] == '\0')
    return g_strdup (_("Unnamed video"));
  return g_path_get_basename (video->path);
}

/* "P001 · 640×480 · 30/1 fps · 90 frames · 0:03.00" */
char *
fidget_format_video_subtitle (const FidgetVideo *video)
{
  g_autofree char *participant = NULL;
  g_autofree char *size = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *count = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *duration = NULL;

  g_return_val_if_fail (video != NULL, NULL);

  if (video->participant_code != NULL && video->participant_code[0] != '\0')
    participant = g_strdup (video->participant_code);
  else
    participant = g_strdup (_("No participant"));

  if (video->width > 0 && video->height > 0)
    /* Translators: a video's width × height in pixels */
    size = g_strdup_printf (_("%d×%d"), video->width, video->height);
  else
    size = g_strdup (_("unknown size"));

  rate = fidget_format_frame_rate (video->fps_num, video->fps_den);
  count = g_strdup_printf ("%" G_GINT64_FORMAT, video->frame_count);
  /* Translators: %s is a number of video frames */
  frames = g_strdup_printf (ngettext ("%s frame", "%s frames", (gulong) MAX (video->frame_count, 0)),
                            count);
  duration = fidget_format_video_duration (video);

  return g_strjoin (" · ", participant, size, rate, frames, duration, NULL);
}

char *
fidget_format_frame_time (gint64 frame,
                          int    fps_num,
                          int    fps_den)
{
  if (fps_num <= 0 || fps_den <= 0)
    return g_strdup ("?");
  return fidget_format_centiseconds (fidget_frame_to_ns (frame, fps_num, fps_den) / 10000000);
}

/* Seconds as nanoseconds, from "62", "62.5" or ".5"; FALSE unless all of @text is read. */
static gboolean
parse_seconds (const char *text,
               gint64     *ns)
{
  const char *p = text;
  gint64 whole = 0;
  gint64 fraction = 0;
  gint64 scale = 1000000000;
  gboolean digits = FALSE;

  for (; g_ascii_isdigit (*p); p++, digits = TRUE)
    {
      if (whole > G_MAXINT64 / 100)
        return FALSE;
      whole = whole * 10 + (*p - '0');
    }
  if (*p == '.' || *p == ',')
    {
      for (p++; g_ascii_isdigit (*p); p++, digits = TRUE)
        if (scale > 1)
          {
            scale /= 10;
            fraction += (*p - '0') * scale;
          }
    }
  if (!digits || *p != '\0')
    return FALSE;
  *ns = whole * 1000000000 + fraction;
  return TRUE;
}

gboolean
fidget_parse_position (const char *text,
                       int         fps_num,
                       int         fps_den,
                       gint64     *frame)
{
  g_autofree char *clean = NULL;
  g_auto(GStrv) parts = NULL;
  gint64 ns = 0;
  guint n;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  clean = g_strstrip (g_strdup (text));
  if (clean[0] == '\0' || fps_num <= 0 || fps_den <= 0)
    return FALSE;

  /* A whole number is a frame ("f120" too). */
  {
    const char *digits = (clean[0] == 'f' || clean[0] == 'F') ? clean + 1 : clean;
    char *end = NULL;
    gint64 value;

    if (g_ascii_isdigit (digits[0]))
      {
        value = g_ascii_strtoll (digits, &end, 10);
        if (end != NULL && *end == '\0')
          {
            *frame = value;
            return TRUE;
          }
      }
  }

  /* Seconds with a unit or a decimal point, or h:mm:ss.ff / m:ss.ff. */
  if (g_str_has_suffix (clean, "s") || g_str_has_suffix (clean, "S"))
    clean[strlen (clean) - 1] = '\0';
  parts = g_strsplit (clean, ":", -1);
  n = g_strv_length (parts);
  if (n == 0 || n > 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      gint64 value;

      if (i + 1 < n)
        {
          char *end = NULL;

          if (!g_ascii_isdigit (parts[i][0]))
            return FALSE;
          value = g_ascii_strtoll (parts[i], &end, 10);
          if (end == NULL || *end != '\0')
            return FALSE;
          ns = (ns + value * 1000000000) * 60;
        }
      else
        {
          if (!parse_seconds (parts[i], &value))
            return FALSE;
          ns += value;
        }
    }

  *frame = fidget_ns_to_frame (ns, fps_num, fps_den);
  return TRUE;
}
