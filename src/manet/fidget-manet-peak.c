/* fidget-manet-peak.c: how many multiply-adds this processor can do, measured
 *
 * A forward's speed only means something next to what the processor can do at best: the
 * same network takes twice as long on a core that runs 512-bit multiply-adds at half rate
 * (AMD Zen 4 splits them in two 256-bit halves) as on one with two full-width units. Each
 * thread runs chains of independent fused multiply-adds on registers, of the widest vectors
 * the engine's own product uses, long enough for the clock to settle; the best of a few
 * rounds is the peak. Model bench reports the forward against it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fidget-manet.h"
#include "fidget-manet-gemm.h"

/* Independent chains: enough to cover the latency of two pipelines (4 cycles each). */
#define CHAINS       12
#define ROUNDS       7
#define ITERATIONS   (1 << 24)

/* The loop a thread runs: CHAINS x ITERATIONS multiply-adds of `lanes` floats; returns the
 * sum of its chains. */
typedef float (*FmaLoop) (float seed);

typedef struct
{
  FmaLoop  loop;
  int      lanes;
  GMutex   lock;
  GCond    go;
  gboolean started;
  int      ready;
  float    sink;
} PeakRun;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define X86_FMA_LOOP(name, target_isa, vec, set1, fmadd, lanes)                \
  static __attribute__ ((target (target_isa))) float                           \
  name (float seed)                                                            \
  {                                                                            \
    vec acc[CHAINS];                                                           \
    vec a = set1 (0.999999f), b = set1 (seed * 1e-7f);                         \
    float values[lanes], total = 0.0f;                                         \
                                                                               \
    for (int c = 0; c < CHAINS; c++)                                           \
      acc[c] = set1 (seed + c);                                                \
    for (int i = 0; i < ITERATIONS; i++)                                       \
      for (int c = 0; c < CHAINS; c++)                                         \
        acc[c] = fmadd (acc[c], a, b);                                         \
    for (int c = 0; c < CHAINS; c++)                                           \
      {                                                                        \
        memcpy (values, &acc[c], sizeof values);                               \
        for (int l = 0; l < lanes; l++)                                        \
          total += values[l];                                                  \
      }                                                                        \
    return total;                                                              \
  }

X86_FMA_LOOP (fma_loop_avx512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16)
X86_FMA_LOOP (fma_loop_avx2, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8)
#endif

/* Elsewhere: plain C that the compiler turns into whatever vectors it has. */
#define PORTABLE_LANES 8

static float
fma_loop_portable (float seed)
{
  float acc[CHAINS][PORTABLE_LANES];
  float total = 0.0f;

  for (int c = 0; c < CHAINS; c++)
    for (int l = 0; l < PORTABLE_LANES; l++)
      acc[c][l] = seed + c + l;
  for (int i = 0; i < ITERATIONS; i++)
    for (int c = 0; c < CHAINS; c++)
      for (int l = 0; l < PORTABLE_LANES; l++)
        acc[c][l] = acc[c][l] * 0.999999f + seed * 1e-7f;
  for (int c = 0; c < CHAINS; c++)
    for (int l = 0; l < PORTABLE_LANES; l++)
      total += acc[c][l];
  return total;
}

/* The widest multiply-add the engine's products run on: its own AVX-512 product, or
 * OpenBLAS's AVX2 kernels. */
static void
choose_loop (PeakRun *run)
{
  run->loop = fma_loop_portable;
  run->lanes = PORTABLE_LANES;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init ();
  if (fidget_manet_gemm_available ())
    {
      run->loop = fma_loop_avx512;
      run->lanes = 16;
    }
  else if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    {
      run->loop = fma_loop_avx2;
      run->lanes = 8;
    }
#endif
}

static gpointer
peak_thread (gpointer data)
{
  PeakRun *run = data;
  float result;

  g_mutex_lock (&run->lock);
  run->ready++;
  while (!run->started)
    g_cond_wait (&run->go, &run->lock);
  g_mutex_unlock (&run->lock);

  result = run->loop (1.0f);

  g_mutex_lock (&run->lock);
  run->sink += result;
  g_mutex_unlock (&run->lock);
  return NULL;
}

/* Seconds for every thread to finish one loop, timed from the moment all are waiting. */
static double
time_round (PeakRun *run,
            int      n_threads)
{
  g_autofree GThread **threads = g_new (GThread *, n_threads);
  gint64 start;

  run->started = FALSE;
  run->ready = 0;
  for (int i = 0; i < n_threads; i++)
    threads[i] = g_thread_new ("fidget-peak", peak_thread, run);
  g_mutex_lock (&run->lock);
  while (run->ready < n_threads)
    {
      g_mutex_unlock (&run->lock);
      g_thread_yield ();
      g_mutex_lock (&run->lock);
    }
  run->started = TRUE;
  start = g_get_monotonic_time ();
  g_cond_broadcast (&run->go);
  g_mutex_unlock (&run->lock);
  for (int i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  return (g_get_monotonic_time () - start) / 1e6;
}

double
fidget_manet_measure_peak_gflops (int n_threads)
{
  PeakRun run = { 0 };
  double best = G_MAXDOUBLE, flops;

  g_return_val_if_fail (n_threads >= 0, 0.0);

  if (n_threads == 0)
    n_threads = (int) g_get_num_processors ();
  choose_loop (&run);
  g_mutex_init (&run.lock);
  g_cond_init (&run.go);
  for (int r = 0; r < ROUNDS; r++)
    best = MIN (best, time_round (&run, n_threads));
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.go);

  /* Keeps the loops' results alive: an unused result would let the compiler drop them. */
  if (run.sink == 1.0f)
    g_debug ("peak: %g", run.sink);
  flops = (double) n_threads * CHAINS * ITERATIONS * 2.0 * run.lanes;
  return flops / best / 1e9;
}
