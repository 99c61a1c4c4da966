/* fidget-demo.h: a synthetic interview, scripted and rendered (cairo + GStreamer)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fidget-media-init.h"

G_BEGIN_DECLS

/* One scripted micro-action: the figure performs @action_code over [start_frame, end_frame). */
typedef struct
{
  const char *action_code;   /* an MA-52 code the renderer can draw, e.g. "B1" */
  gint64      start_frame;
  gint64      end_frame;
} FidgetDemoMove;

typedef struct
{
  char           *participant_code;  /* "P001" */
  const char     *gender;            /* "female", "male", "other" */
  const char     *age_group;         /* "18-25", ... */
  int             width;             /* 640 */
  int             height;            /* 360 */
  int             fps;               /* 30 */
  gint64          n_frames;          /* 20-60 s worth */
  guint32         look;              /* seed for the figure's colours and build */
  GArray         *moves;             /* FidgetDemoMove, sorted, non-overlapping */
} FidgetDemoScript;

/* The action codes the renderer draws. */
const char *const *fidget_demo_supported_actions (void);

/* The demo set: @n_participants scripts (4 for `fidget-cli demo`), deterministic. */
GPtrArray        *fidget_demo_scripts_new       (guint                    n_participants);
void              fidget_demo_script_free       (FidgetDemoScript        *script);

/* Renders @script into an H.264 Matroska file at @path. Blocking, cancellable. */
gboolean          fidget_demo_render            (const FidgetDemoScript  *script,
                                                 const char              *path,
                                                 GCancellable            *cancellable,
                                                 FidgetProgressFunc       progress,
                                                 gpointer                 progress_data,
                                                 GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetDemoScript, fidget_demo_script_free)

G_END_DECLS
