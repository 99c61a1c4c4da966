/* fidget-manet-pool.c: the engine's own worker threads
 *
 * A forward is a few hundred short parallel loops, so waking the workers must be cheap: a
 * worker spins on the generation counter for a little while after each loop before it sleeps
 * on the condition variable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-manet-pool.h"

/* How long an idle worker keeps polling before it sleeps (microseconds). */
#define SPIN_US 200

struct _FidgetManetPool
{
  int                  n_threads;
  GThread            **threads;
  GMutex               mutex;
  GCond                start_cond;
  GCond                done_cond;
  gint                 generation;
  gint                 quit;
  gint                 next_task;
  gint                 busy_workers;
  int                  n_tasks;
  FidgetManetTaskFunc  func;
  gpointer             data;
};

typedef struct
{
  FidgetManetPool *pool;
  int              index;
} Worker;

static void
run_tasks (FidgetManetPool *pool,
           int              thread)
{
  for (;;)
    {
      int task = g_atomic_int_add (&pool->next_task, 1);

      if (task >= pool->n_tasks)
        break;
      pool->func (pool->data, task, thread);
    }
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *worker = user_data;
  FidgetManetPool *pool = worker->pool;
  int seen = 0;

  for (;;)
    {
      gint64 deadline = g_get_monotonic_time () + SPIN_US;

      for (guint spins = 0; g_atomic_int_get (&pool->generation) == seen; spins++)
        {
          if ((spins & 63) == 0 && g_get_monotonic_time () > deadline)
            {
              g_mutex_lock (&pool->mutex);
              while (g_atomic_int_get (&pool->generation) == seen)
                g_cond_wait (&pool->start_cond, &pool->mutex);
              g_mutex_unlock (&pool->mutex);
              break;
            }
        }
      seen = g_atomic_int_get (&pool->generation);
      if (g_atomic_int_get (&pool->quit))
        break;
      run_tasks (pool, worker->index);
      if (g_atomic_int_dec_and_test (&pool->busy_workers))
        {
          g_mutex_lock (&pool->mutex);
          g_cond_signal (&pool->done_cond);
          g_mutex_unlock (&pool->mutex);
        }
    }
  g_free (worker);
  return NULL;
}

FidgetManetPool *
fidget_manet_pool_new (int n_threads)
{
  FidgetManetPool *pool = g_new0 (FidgetManetPool, 1);

  pool->n_threads = MAX (1, n_threads);
  g_mutex_init (&pool->mutex);
  g_cond_init (&pool->start_cond);
  g_cond_init (&pool->done_cond);
  pool->threads = g_new0 (GThread *, pool->n_threads);
  for (int i = 1; i < pool->n_threads; i++)
    {
      Worker *worker = g_new0 (Worker, 1);

      worker->pool = pool;
      worker->index = i;
      pool->threads[i] = g_thread_new ("fidget-manet", worker_main, worker);
    }
  return pool;
}

void
fidget_manet_pool_free (FidgetManetPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->mutex);
  g_atomic_int_set (&pool->quit, 1);
  g_atomic_int_inc (&pool->generation);
  g_cond_broadcast (&pool->start_cond);
  g_mutex_unlock (&pool->mutex);
  for (int i = 1; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  g_mutex_clear (&pool->mutex);
  g_cond_clear (&pool->start_cond);
  g_cond_clear (&pool->done_cond);
  g_free (pool);
}

int
fidget_manet_pool_get_n_threads (FidgetManetPool *pool)
{
  return pool->n_threads;
}

void
fidget_manet_pool_run (FidgetManetPool     *pool,
                       int                  n_tasks,
                       FidgetManetTaskFunc  func,
                       gpointer             data)
{
  gint64 deadline;

  if (n_tasks <= 0)
    return;
  if (pool->n_threads == 1 || n_tasks == 1)
    {
      for (int i = 0; i < n_tasks; i++)
        func (data, i, 0);
      return;
    }

  pool->func = func;
  pool->data = data;
  pool->n_tasks = n_tasks;
  g_atomic_int_set (&pool->next_task, 0);
  g_atomic_int_set (&pool->busy_workers, pool->n_threads - 1);
  g_mutex_lock (&pool->mutex);
  g_atomic_int_inc (&pool->generation);
  g_cond_broadcast (&pool->start_cond);
  g_mutex_unlock (&pool->mutex);

  run_tasks (pool, 0);

  deadline = g_get_monotonic_time () + SPIN_US;
  for (guint spins = 0; g_atomic_int_get (&pool->busy_workers) != 0; spins++)
    {
      if ((spins & 63) == 0 && g_get_monotonic_time () > deadline)
        {
          g_mutex_lock (&pool->mutex);
          while (g_atomic_int_get (&pool->busy_workers) != 0)
            g_cond_wait (&pool->done_cond, &pool->mutex);
          g_mutex_unlock (&pool->mutex);
          break;
        }
    }
}
