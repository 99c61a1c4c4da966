/* fidget-frame-prefetch.c: prepares the frames around the one on screen while the annotator
 * looks at it
 *
 * After a jump, the player holds the frames from the one shown onwards but none before it,
 * so the first step back decodes a chunk from the keyframe: 140 ms typically at 1080p, over
 * 300 ms at the end of a 2-second group. People jump near an onset and then step back to find
 * its first frame, so that step is the one they wait for. While they look at the frame, a
 * second reader of the same file decodes that chunk and hands it to the player; the player's
 * own pipeline stays where it is, so stepping forward stays free.
 *
 * Then the player itself reads on through the next second: a jump of a second (Shift+Right)
 * reads 30 pictures at 1080p, about 150 ms, and finds them in the cache instead, with the
 * pipeline standing where the steps after it continue. The steps back come first: they are
 * only missing after a jump, and then they are the likelier next move.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "fidget-frame-prefetch.h"

/* How long a frame stays on screen before the frames around it are prepared: a quick step or
 * a held key never starts the work. */
#define LOOK_DELAY_MS 250
/* Further than this from the frame being prepared, the work is for nothing. */
#define NEAR_FRAMES   200

struct _FidgetFramePrefetch
{
  GObject        parent_instance;

  FidgetPlayer  *player;
  FidgetPlayer  *reader;      /* the second reader, once opened */
  GCancellable  *cancellable; /* of the work running, if any */
  guint          timeout_id;
  gint64         pending;     /* the frame waiting for LOOK_DELAY_MS, or -1 */
  gint64         working;     /* the frame being prepared, or -1 */
  gint64         queued;      /* a frame looked at meanwhile, prepared next, or -1 */
  gint64         ready;       /* the frame whose surroundings were prepared, or -1 */
};

G_DEFINE_FINAL_TYPE (FidgetFramePrefetch, fidget_frame_prefetch, G_TYPE_OBJECT)

typedef struct
{
  FidgetPlayer *player;
  FidgetPlayer *reader;   /* NULL: open one */
  gint64        frame;
} Work;

static void
work_free (gpointer data)
{
  Work *work = data;

  g_clear_object (&work->player);
  g_clear_object (&work->reader);
  g_free (work);
}

static void
fidget_frame_prefetch_dispose (GObject *object)
{
  FidgetFramePrefetch *self = FIDGET_FRAME_PREFETCH (object);

  fidget_frame_prefetch_cancel (self);
  g_clear_object (&self->reader);
  g_clear_object (&self->player);

  G_OBJECT_CLASS (fidget_frame_prefetch_parent_class)->dispose (object);
}

static void
fidget_frame_prefetch_class_init (FidgetFramePrefetchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fidget_frame_prefetch_dispose;
}

static void
fidget_frame_prefetch_init (FidgetFramePrefetch *self)
{
  self->pending = -1;
  self->working = -1;
  self->queued = -1;
  self->ready = -1;
}

FidgetFramePrefetch *
fidget_frame_prefetch_new (FidgetPlayer *player)
{
  FidgetFramePrefetch *self;

  g_return_val_if_fail (FIDGET_IS_PLAYER (player), NULL);

  self = g_object_new (FIDGET_TYPE_FRAME_PREFETCH, NULL);
  self->player = g_object_ref (player);
  return self;
}

/* The chunk before @work's frame, decoded by the second reader and handed to the player. */
static gboolean
prepare_steps_back (Work          *work,
                    GCancellable  *cancellable,
                    GError       **error)
{
  /* At the first frame, stepped back to here, or never left the chunk: nothing to prepare.
   * Asked here, not on the main thread, since the player's lock is held while it decodes. */
  if (work->frame == 0 || fidget_player_is_cached (work->player, work->frame - 1))
    return TRUE;
  if (work->reader == NULL)
    {
      work->reader = fidget_player_open (fidget_player_get_path (work->player), NULL,
                                         cancellable, error);
      if (work->reader == NULL)
        return FALSE;
      /* Its chunks are as long as the player's: the same share of the same budget. */
      fidget_player_set_cache_budget (work->reader, fidget_player_get_cache_budget (work->player));
    }
  if (!fidget_player_decode_before (work->reader, work->frame, cancellable, error))
    return FALSE;
  fidget_player_adopt_pictures (work->player, work->reader, work->frame - NEAR_FRAMES,
                                work->frame - 1);
  /* The player holds them now; the reader keeps nothing between two jumps. */
  fidget_player_clear_cache (work->reader);
  return TRUE;
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Work *work = task_data;
  GError *error = NULL;

  if (!prepare_steps_back (work, cancellable, &error) ||
      fidget_player_read_ahead (work->player, work->frame, cancellable, &error) < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Read ahead stops quietly when cancelled; the work is not done then. */
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

static void start_work (FidgetFramePrefetch *self,
                        gint64               frame);

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FidgetFramePrefetch *self = FIDGET_FRAME_PREFETCH (source);
  Work *work = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean done = g_task_propagate_boolean (G_TASK (result), &error);

  /* Cancelled (another video, a jump elsewhere): this work is not the current one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  g_clear_object (&self->cancellable);
  self->working = -1;
  if (self->reader == NULL && work->reader != NULL)
    self->reader = g_object_ref (work->reader);
  if (self->queued >= 0)
    {
      gint64 queued = self->queued;

      self->queued = -1;
      start_work (self, queued);
    }
  /* Failing here is only a missed chance: the steps decode as before, and a file that breaks
   * says so when the frame is asked for. */
  if (!done)
    {
      g_debug ("Frames around %" G_GINT64_FORMAT " not prepared: %s", work->frame,
               error->message);
      return;
    }
  self->ready = work->frame;
}

static void
start_work (FidgetFramePrefetch *self,
            gint64               frame)
{
  g_autoptr(GTask) task = NULL;
  Work *work;

  work = g_new0 (Work, 1);
  work->player = g_object_ref (self->player);
  work->reader = self->reader != NULL ? g_object_ref (self->reader) : NULL;
  work->frame = frame;
  self->working = frame;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_prepared, NULL);
  g_task_set_source_tag (task, start_work);
  g_task_set_name (task, "fidget_frame_prefetch");
  g_task_set_task_data (task, work, work_free);
  g_task_run_in_thread (task, prepare_thread);
}

static gboolean
look_timeout (gpointer data)
{
  FidgetFramePrefetch *self = data;
  gint64 frame = self->pending;

  self->timeout_id = 0;
  self->pending = -1;
  if (frame < 0)
    return G_SOURCE_REMOVE;
  /* The work for a frame near this one goes on (a step back from it); this frame's turn
   * comes when it ends. */
  if (self->cancellable != NULL)
    self->queued = frame;
  else
    start_work (self, frame);
  return G_SOURCE_REMOVE;
}

void
fidget_frame_prefetch_look_at (FidgetFramePrefetch *self,
                               gint64               frame)
{
  g_return_if_fail (FIDGET_IS_FRAME_PREFETCH (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->pending = frame;
  self->timeout_id = g_timeout_add (LOOK_DELAY_MS, look_timeout, self);
}

void
fidget_frame_prefetch_moved (FidgetFramePrefetch *self,
                             gint64               frame)
{
  g_return_if_fail (FIDGET_IS_FRAME_PREFETCH (self));

  /* Moving on cancels the wait; the work already running goes on only for a frame near. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->pending = -1;
  self->queued = -1;
  if (self->cancellable != NULL &&
      (frame > self->working || frame < self->working - NEAR_FRAMES))
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->working = -1;
    }
}

void
fidget_frame_prefetch_cancel (FidgetFramePrefetch *self)
{
  g_return_if_fail (FIDGET_IS_FRAME_PREFETCH (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->pending = -1;
  self->queued = -1;
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  self->working = -1;
}

gint64
fidget_frame_prefetch_get_ready (FidgetFramePrefetch *self)
{
  g_return_val_if_fail (FIDGET_IS_FRAME_PREFETCH (self), -1);

  return self->ready;
}
