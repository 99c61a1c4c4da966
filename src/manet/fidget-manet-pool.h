/* fidget-manet-pool.h: the engine's own worker threads (private to src/manet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FidgetManetPool FidgetManetPool;

/* One task of a parallel loop; @thread is 0 .. n_threads - 1, the caller being 0. */
typedef void (*FidgetManetTaskFunc) (gpointer data,
                                     int      task,
                                     int      thread);

FidgetManetPool *fidget_manet_pool_new         (int                  n_threads);
void             fidget_manet_pool_free        (FidgetManetPool     *pool);
int              fidget_manet_pool_get_n_threads (FidgetManetPool   *pool);
/* Runs tasks 0 .. n_tasks - 1 on the pool's threads and the caller's, returning when all are
 * done. Tasks are handed out in order, one at a time. */
void             fidget_manet_pool_run         (FidgetManetPool     *pool,
                                                int                  n_tasks,
                                                FidgetManetTaskFunc  func,
                                                gpointer             data);

G_END_DECLS
