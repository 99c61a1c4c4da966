/* player-clip.h: clips whose pictures carry their own frame index, for the player's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-player.h"

G_BEGIN_DECLS

typedef struct
{
  int      width;
  int      height;
  int      fps;
  int      n_frames;
  int      keyframe_interval;  /* frames between keyframes */
  gboolean busy;               /* moving texture and sensor-like noise, as camera footage has */
  int      bitrate_kbps;       /* 0: the encoder's default */
  /* Frames left out of the stream (a camera that drops them); -1 ends the list. */
  const int *dropped;
} PlayerClipSpec;

/* Encodes an H.264 Matroska clip at @path whose frame i shows i in binary, as a row of
 * black and white cells across the top. Returns FALSE (with the test skipped) when an
 * encoder is missing. */
gboolean player_clip_write      (const char           *path,
                                 const PlayerClipSpec *spec,
                                 GError              **error);

/* Reads the index back from a decoded frame; -1 when the cells cannot be read. */
int      player_clip_read_index (FidgetFrame          *frame);

G_END_DECLS
