/* fidget-edge-keys.h: the keys that move a segment's edges by one frame
 *
 * `[` and `]` move the start a frame back or on, `{` and `}` the end, wherever a segment is
 * edited: the workspace's selection, the self-check's segment, a cross-checker's adjustment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

/* Whether @keyval is one of the edge keys; then *@end says which edge and *@delta (-1 or 1)
 * which way. */
static inline gboolean
fidget_edge_key (guint     keyval,
                 gboolean *end,
                 int      *delta)
{
  switch (keyval)
    {
    case GDK_KEY_bracketleft:
    case GDK_KEY_bracketright:
      *end = FALSE;
      *delta = keyval == GDK_KEY_bracketleft ? -1 : 1;
      return TRUE;
    case GDK_KEY_braceleft:
    case GDK_KEY_braceright:
      *end = TRUE;
      *delta = keyval == GDK_KEY_braceleft ? -1 : 1;
      return TRUE;
    default:
      return FALSE;
    }
}

G_END_DECLS
