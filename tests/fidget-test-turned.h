/* fidget-test-turned.h: a video filmed with the phone held upright
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FIDGET_TEST_TURNED_WIDTH   320  /* as stored; shown 240 wide, 320 high */
#define FIDGET_TEST_TURNED_HEIGHT  240
#define FIDGET_TEST_TURNED_FRAMES  60

/* Writes @path: 2 s of SMPTE colour bars at 30 fps, 320x240 as stored, H.264 in MP4, whose
 * track matrix says to show it turned a quarter turn clockwise (as a phone held upright tags
 * its video). Shown upright, the bars lie across: the white one on top, the blue one at the
 * bottom. Skips the test (returning FALSE) when x264enc or mp4mux is missing. */
gboolean fidget_test_write_turned_video (const char  *path,
                                         GError     **error);

G_END_DECLS
