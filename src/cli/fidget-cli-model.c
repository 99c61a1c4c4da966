/* fidget-cli-model.c: the model commands of fidget-cli
 *
 *   fidget-cli model forward WEIGHTS --input clip.npy --output logits.npy
 *   fidget-cli model bench WEIGHTS [--threads N] [--runs N] [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fidget-cli-private.h"
#include "fidget-manet.h"
#include "fidget-npy.h"
#include "fidget-taxonomy.h"

static FidgetManet *
load_model (const char *path,
            gint64      threads,
            int        *status)
{
  g_autoptr(GError) error = NULL;
  FidgetManetParams params = fidget_manet_default_params ();
  FidgetManet *model;

  params.n_threads = (int) threads;
  model = fidget_manet_load (path, &params, &error);
  if (model == NULL)
    *status = fidget_cli_refused (error);
  return model;
}

static char *
format_shape (const gint64 *shape,
              int           n_dims)
{
  GString *text = g_string_new ("(");

  for (int i = 0; i < n_dims; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", shape[i]);
  g_string_append (text, n_dims == 1 ? ",)" : ")");
  return g_string_free (text, FALSE);
}

static gboolean
write_vector (const char  *path,
              const float *values,
              int          n,
              int         *status)
{
  g_autoptr(GError) error = NULL;
  gint64 shape[1] = { n };

  if (path == NULL)
    return TRUE;
  if (!fidget_npy_write_f32 (path, values, 1, shape, &error))
    {
      *status = fidget_cli_refused (error);
      return FALSE;
    }
  return TRUE;
}

/* {{{ forward */

static int
cmd_forward (int    argc,
             char **argv)
{
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *features_path = NULL;
  g_autofree char *embedding_path = NULL;
  g_autofree char *threads_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "input", 0, 0, G_OPTION_ARG_FILENAME, &input, "The clip: float32 .npy of shape (8, 3, H, W), normalised", "FILE" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "Write the 52 frame-averaged logits here (.npy)", "FILE" },
    { "features", 0, 0, G_OPTION_ARG_FILENAME, &features_path, "Write the pooled features here (.npy)", "FILE" },
    { "embedding", 0, 0, G_OPTION_ARG_FILENAME, &embedding_path, "Write the embedding here (.npy)", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Threads (default: one per processor)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the top 5 and body parts as JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autoptr(FidgetTaxonomy) taxonomy = NULL;
  g_autofree float *clip = NULL;
  g_autofree float *logits = NULL;
  g_autofree float *features = NULL;
  g_autofree float *embedding = NULL;
  g_autofree double *probabilities = NULL;
  gint64 shape[FIDGET_NPY_MAX_DIMS];
  gint64 threads = 0;
  int n_dims = 0, n_classes, status = FIDGET_CLI_OK;
  int top[5];
  double max_logit, total = 0.0;

  if (!fidget_cli_parse (&argc, &argv, "WEIGHTS",
                         "Run MANet on one clip (see tools/manet_reference.py for the same in "
                         "PyTorch).", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("model forward takes one WEIGHTS file (.safetensors)");
  if (input == NULL)
    return fidget_cli_usage_error ("model forward needs --input CLIP.npy");
  if (threads_text != NULL && !fidget_cli_parse_int64 (threads_text, "--threads", 1, &threads))
    return FIDGET_CLI_USAGE;

  clip = fidget_npy_read_f32 (input, &n_dims, shape, &error);
  if (clip == NULL)
    return fidget_cli_refused (error);
  if (n_dims != 4 || shape[0] != FIDGET_MANET_FRAMES || shape[1] != 3 || shape[2] < 32 ||
      shape[3] < 32 || shape[2] > FIDGET_MANET_MAX_SIDE || shape[3] > FIDGET_MANET_MAX_SIDE)
    {
      g_autofree char *have = format_shape (shape, n_dims);
      g_autofree char *display = g_filename_display_name (input);

      g_printerr ("fidget-cli: %s has shape %s; MANet takes (8, 3, H, W) with sides of 32 to "
                  "%d pixels, (8, 3, 224, 224) for the trained weights.\n", display, have,
                  FIDGET_MANET_MAX_SIDE);
      return FIDGET_CLI_REFUSED;
    }

  if (!(model = load_model (argv[1], threads, &status)))
    return status;
  n_classes = fidget_manet_get_n_classes (model);
  logits = g_new (float, n_classes);
  features = g_new (float, fidget_manet_get_n_features (model));
  embedding = g_new (float, fidget_manet_get_n_embedding (model));
  if (!fidget_manet_forward (model, clip, (int) shape[0], (int) shape[2], (int) shape[3], logits,
                             features, embedding, &error))
    return fidget_cli_refused (error);

  if (!write_vector (output, logits, n_classes, &status) ||
      !write_vector (features_path, features, fidget_manet_get_n_features (model), &status) ||
      !write_vector (embedding_path, embedding, fidget_manet_get_n_embedding (model), &status))
    return status;

  /* Softmax, in double so that no class underflows to a misleading zero. */
  probabilities = g_new (double, n_classes);
  max_logit = logits[0];
  for (int i = 1; i < n_classes; i++)
    max_logit = MAX (max_logit, logits[i]);
  for (int i = 0; i < n_classes; i++)
    total += probabilities[i] = exp (logits[i] - max_logit);
  for (int i = 0; i < n_classes; i++)
    probabilities[i] /= total;
  for (int k = 0; k < 5; k++)
    {
      top[k] = -1;
      for (int i = 0; i < n_classes; i++)
        {
          gboolean taken = FALSE;

          for (int j = 0; j < k; j++)
            taken |= top[j] == i;
          if (!taken && (top[k] < 0 || logits[i] > logits[top[k]]))
            top[k] = i;
        }
    }

  taxonomy = fidget_taxonomy_new_ma52 ();
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "logits");
      json_builder_begin_array (builder);
      for (int i = 0; i < n_classes; i++)
        json_builder_add_double_value (builder, logits[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "top5");
      json_builder_begin_array (builder);
      for (int k = 0; k < 5 && top[k] >= 0; k++)
        {
          const FidgetAction *action =
            fidget_taxonomy_lookup_action_by_model_index (taxonomy, top[k]);

          json_builder_begin_object (builder);
          fidget_cli_add_int (builder, "model_index", top[k]);
          fidget_cli_add_string (builder, "code", action ? action->code : NULL);
          fidget_cli_add_string (builder, "name", action ? action->name : NULL);
          fidget_cli_add_double (builder, "probability", probabilities[top[k]]);
          fidget_cli_add_double (builder, "logit", logits[top[k]]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      /* A body part's probability is the sum of its actions' (MANET.md). */
      json_builder_set_member_name (builder, "body_parts");
      json_builder_begin_array (builder);
      for (guint p = 0; p < fidget_taxonomy_get_n_body_parts (taxonomy); p++)
        {
          const FidgetBodyPart *part = fidget_taxonomy_get_body_part (taxonomy, p);
          double sum = 0.0;

          for (int i = 0; i < n_classes; i++)
            {
              const FidgetAction *action =
                fidget_taxonomy_lookup_action_by_model_index (taxonomy, i);

              if (action != NULL && action->body_part == part)
                sum += probabilities[i];
            }
          json_builder_begin_object (builder);
          fidget_cli_add_string (builder, "code", part->code);
          fidget_cli_add_string (builder, "name", part->name);
          fidget_cli_add_double (builder, "probability", sum);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }

  for (int k = 0; k < 5 && top[k] >= 0; k++)
    {
      const FidgetAction *action = fidget_taxonomy_lookup_action_by_model_index (taxonomy,
                                                                                 top[k]);

      g_print ("%d\t%s\t%s\t%.4f\t%.4f\n", top[k], action ? action->code : "-",
               action ? action->name : "-", probabilities[top[k]], logits[top[k]]);
    }
  return FIDGET_CLI_OK;
}

/* }}} */
/* {{{ bench */

/* Peak resident memory of this process in bytes (VmHWM), or -1 where /proc does not say. */
static gint64
peak_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + 6, NULL, 10) * 1024;
}

/* Starts a new peak: after loading, so that the peak is the forward's. */
static void
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");

  if (file != NULL)
    {
      fputs ("5", file);
      fclose (file);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
cmd_bench (int    argc,
           char **argv)
{
  g_autofree char *threads_text = NULL;
  g_autofree char *runs_text = NULL;
  g_autofree char *size_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Threads (default: one per processor)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_STRING, &runs_text, "Timed forwards after one warm-up (default 10)", "N" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text, "Side of the frames (default 224)", "PIXELS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FidgetManet) model = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree float *clip = NULL;
  g_autofree float *logits = NULL;
  g_autofree double *times = NULL;
  gint64 threads = 0, runs = 10, size = 224, peak;
  int status = FIDGET_CLI_OK;
  gsize n;
  double median, gflop, run_gflop, peak_gflops, bound_ms, run_bound_ms;

  if (!fidget_cli_parse (&argc, &argv, "WEIGHTS",
                         "Time MANet's forward on a random clip of 8 frames.", entries))
    return FIDGET_CLI_USAGE;
  if (argc != 2)
    return fidget_cli_usage_error ("model bench takes one WEIGHTS file (.safetensors)");
  if ((threads_text != NULL && !fidget_cli_parse_int64 (threads_text, "--threads", 1, &threads)) ||
      (runs_text != NULL && !fidget_cli_parse_int64 (runs_text, "--runs", 1, &runs)) ||
      (size_text != NULL && !fidget_cli_parse_int64 (size_text, "--size", 32, &size)))
    return FIDGET_CLI_USAGE;
  if (size > FIDGET_MANET_MAX_SIDE || runs > 10000 || threads > 1024)
    return fidget_cli_usage_error ("--size is at most %d, --runs 10000 and --threads 1024",
                                   FIDGET_MANET_MAX_SIDE);

  if (!(model = load_model (argv[1], threads, &status)))
    return status;
  n = (gsize) FIDGET_MANET_FRAMES * 3 * size * size;
  clip = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    clip[i] = (float) g_rand_double_range (rand, -2.0, 2.5);
  logits = g_new (float, fidget_manet_get_n_classes (model));
  times = g_new (double, runs);

  /* The peak is measured before and after the forwards and the better kept: another load on
   * the machine during one measurement would make the bound look easy. */
  peak_gflops = fidget_manet_measure_peak_gflops (fidget_manet_get_n_threads (model));
  reset_peak_rss ();
  if (!fidget_manet_forward (model, clip, FIDGET_MANET_FRAMES, size, size, logits, NULL, NULL,
                             &error))
    return fidget_cli_refused (error);
  for (gint64 r = 0; r < runs; r++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!fidget_manet_forward (model, clip, FIDGET_MANET_FRAMES, size, size, logits, NULL,
                                 NULL, &error))
        return fidget_cli_refused (error);
      times[r] = (g_get_monotonic_time () - start) / 1000.0;
    }
  peak = peak_rss ();
  qsort (times, runs, sizeof (double), compare_doubles);
  median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
  gflop = fidget_manet_get_flops (model, FIDGET_MANET_FRAMES, size, size) / 1e9;
  /* A time is only comparable between machines next to what the machine can do: the
   * issue's reference ran PyTorch in 363 ms against an FMA bound of 156 ms. */
  peak_gflops = MAX (peak_gflops,
                     fidget_manet_measure_peak_gflops (fidget_manet_get_n_threads (model)));
  bound_ms = gflop / peak_gflops * 1000.0;
  run_gflop = fidget_manet_get_run_flops (model, FIDGET_MANET_FRAMES, size, size) / 1e9;
  run_bound_ms = run_gflop / peak_gflops * 1000.0;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      fidget_cli_add_int (builder, "threads", fidget_manet_get_n_threads (model));
      fidget_cli_add_int (builder, "runs", runs);
      fidget_cli_add_int (builder, "size", size);
      fidget_cli_add_double (builder, "median_ms", median);
      fidget_cli_add_double (builder, "min_ms", times[0]);
      fidget_cli_add_double (builder, "gflop_per_clip", gflop);
      fidget_cli_add_double (builder, "gflops", gflop / (median / 1000.0));
      fidget_cli_add_double (builder, "fma_peak_gflops", peak_gflops);
      fidget_cli_add_double (builder, "fma_bound_ms", bound_ms);
      fidget_cli_add_double (builder, "median_over_bound", median / bound_ms);
      fidget_cli_add_double (builder, "run_gflop_per_clip", run_gflop);
      fidget_cli_add_double (builder, "run_bound_ms", run_bound_ms);
      fidget_cli_add_double (builder, "peak_rss_mb", peak / 1048576.0);
      fidget_cli_add_double (builder, "weights_mb", fidget_manet_get_weight_bytes (model) / 1048576.0);
      json_builder_set_member_name (builder, "workspace_mb");
      json_builder_add_double_value (builder,
                                     fidget_manet_get_workspace_bytes (model) / 1048576.0);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      fidget_cli_print_json (root);
      return FIDGET_CLI_OK;
    }
  g_print ("threads %d, %" G_GINT64_FORMAT " runs of 8 x 3 x %" G_GINT64_FORMAT " x %"
           G_GINT64_FORMAT ": median %.1f ms, min %.1f ms, %.1f GFLOP/s (%.1f GFLOP per clip), "
           "peak memory %.0f MB (weights %.0f MB, working memory %.0f MB)\n",
           fidget_manet_get_n_threads (model), runs, size, size, median, times[0],
           gflop / (median / 1000.0), gflop, peak / 1048576.0,
           fidget_manet_get_weight_bytes (model) / 1048576.0,
           fidget_manet_get_workspace_bytes (model) / 1048576.0);
  g_print ("this processor's multiply-add peak: %.0f GFLOP/s on %d thread%s; at that rate a "
           "clip's %.1f GFLOP as direct convolutions take %.0f ms (the median is %.2f times "
           "that) and the %.1f GFLOP of products the engine runs (Winograd) %.0f ms\n",
           peak_gflops, fidget_manet_get_n_threads (model),
           fidget_manet_get_n_threads (model) == 1 ? "" : "s", gflop, bound_ms,
           median / bound_ms, run_gflop, run_bound_ms);
  return FIDGET_CLI_OK;
}

/* }}} */

static int
cmd_model (int    argc,
           char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "forward"))
    {
      g_set_prgname ("fidget-cli model forward");
      return cmd_forward (argc - 1, argv + 1);
    }
  if (argc >= 2 && g_str_equal (argv[1], "bench"))
    {
      g_set_prgname ("fidget-cli model bench");
      return cmd_bench (argc - 1, argv + 1);
    }
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print ("Usage:\n"
               "  fidget-cli model forward WEIGHTS --input CLIP.npy [--output LOGITS.npy]\n"
               "                           [--features F.npy] [--embedding E.npy] [--threads N] [--json]\n"
               "  fidget-cli model bench WEIGHTS [--threads N] [--runs N] [--size PIXELS] [--json]\n"
               "\nWEIGHTS is MANet converted to safetensors by tools/convert_weights.py.\n");
      return FIDGET_CLI_OK;
    }
  return fidget_cli_usage_error ("model takes forward or bench (fidget-cli model --help)");
}

const FidgetCliCommand fidget_cli_model_commands[] = {
  { "model", cmd_model,
    "model forward WEIGHTS --input CLIP.npy --output LOGITS.npy   run MANet on a clip\n"
    "  model bench WEIGHTS [--threads N] [--runs N] [--json]      time MANet's forward" },
  { NULL }
};
