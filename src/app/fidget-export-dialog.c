/* fidget-export-dialog.c: exporting the dataset, with the options of `fidget-cli export`
 *
 * The options make a FidgetDataset at once (a quick snapshot read on the main thread), so the
 * dialog shows how many clips the export will hold and how the split falls, or why there is
 * nothing to export, before anything is written. Export hands that snapshot to a worker
 * thread, which writes the folder or the archive; Cancel stops it, and the exchange layer
 * takes back what a cancelled export wrote (fidget-dataset.h, fidget-package-archive.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-dataset.h"
#include "fidget-export-dialog.h"
#include "fidget-package-archive.h"
#include "fidget-review.h"

/* The rows of format_row: a folder, then the archive formats in FidgetArchiveFormat order. */
static const char *const archive_suffixes[] = { ".tar.zst", ".tar.gz", ".zip" };

/* The rows of preset_row. */
static const char *const presets[] = {
  "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
};

struct _FidgetExportDialog
{
  AdwWindow            parent_instance;

  FidgetProject       *project;
  FidgetDataset       *dataset;          /* what the options choose; NULL when refused */
  char                *preview_error;
  char                *destination;
  GCancellable        *cancellable;
  FidgetExportOutcome  outcome;
  char                *message;
  gboolean             running;
  gboolean             close_when_done;
  gboolean             had_earlier;      /* the folder held an earlier package */
  gboolean             setting_destination;
  gboolean             disposed;         /* the worker may end after the widgets are gone */
  guint                preview_source;
  guint                pulse_source;

  /* Written by the worker under @lock, read in an idle. */
  GMutex               lock;
  double               fraction;
  gboolean             got_fraction;
  guint                progress_idle;

  /* Template widgets */
  GtkWidget           *cancel_button;
  GtkWidget           *export_button;
  GtkWidget           *contents_group;
  AdwComboRow         *source_row;
  AdwComboRow         *layout_row;
  GtkWidget           *encoding_row;
  AdwComboRow         *preset_row;
  GtkSpinButton       *crf_spin;
  GtkSpinButton       *height_spin;
  GtkWidget           *split_group;
  GtkSpinButton       *train_spin;
  GtkSpinButton       *val_spin;
  GtkSpinButton       *test_spin;
  GtkSpinButton       *seed_spin;
  AdwActionRow        *preview_row;
  GtkWidget           *destination_group;
  AdwComboRow         *format_row;
  AdwActionRow        *location_row;
  GtkProgressBar      *progress;
  GtkLabel            *status;
};

G_DEFINE_FINAL_TYPE (FidgetExportDialog, fidget_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* {{{ The preview: the dataset the options make */

/* The CSV's review_state column, as the CLI fills it. */
static char *
review_state_of (FidgetProject     *project,
                 const FidgetVideo *video,
                 gpointer           user_data)
{
  g_autoptr(FidgetReviewStatus) review = fidget_review_get_status (project, video->id, NULL);

  return review != NULL ? g_strdup (fidget_review_state_to_string (review->state)) : NULL;
}

static gboolean
is_archive (FidgetExportDialog *self)
{
  return adw_combo_row_get_selected (self->format_row) > 0;
}

static gboolean
wants_clips (FidgetExportDialog *self)
{
  return adw_combo_row_get_selected (self->layout_row) == 1;
}

/* The selected choices, said in full under their rows. */
static void
update_subtitles (FidgetExportDialog *self)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->source_row),
                               adw_combo_row_get_selected (self->source_row) == 0
                               ? _("Verified videos only, each event once as the review settled it")
                               : _("Every video, every person’s segments"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->layout_row),
                               wants_clips (self)
                               ? _("Each segment cut into its own H.264 MP4 clip")
                               : _("Lists name the source videos and each segment’s frames"));
}

static void
update_sensitivity (FidgetExportDialog *self)
{
  gboolean idle = !self->running;

  gtk_widget_set_sensitive (self->export_button,
                            idle && self->dataset != NULL && self->destination != NULL &&
                            self->outcome != FIDGET_EXPORT_DONE);
  gtk_widget_set_sensitive (self->contents_group, idle);
  gtk_widget_set_sensitive (self->split_group, idle);
  gtk_widget_set_sensitive (self->destination_group, idle);
  gtk_widget_set_sensitive (self->encoding_row, wants_clips (self));
}

static void
update_preview (FidgetExportDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FidgetDatasetOptions options;

  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_clear_object (&self->dataset);
  g_clear_pointer (&self->preview_error, g_free);

  fidget_dataset_options_init (&options);
  options.ground_truth = adw_combo_row_get_selected (self->source_row) == 0;
  options.video_state = review_state_of;
  options.split.ratio[FIDGET_SPLIT_TRAIN] = (guint) gtk_spin_button_get_value_as_int (self->train_spin);
  options.split.ratio[FIDGET_SPLIT_VAL] = (guint) gtk_spin_button_get_value_as_int (self->val_spin);
  options.split.ratio[FIDGET_SPLIT_TEST] = (guint) gtk_spin_button_get_value_as_int (self->test_spin);
  options.split.seed = (guint64) gtk_spin_button_get_value (self->seed_spin);

  if (options.split.ratio[0] + options.split.ratio[1] + options.split.ratio[2] == 0)
    self->preview_error = g_strdup (_("The split needs at least one part for one of train, val "
                                      "and test"));
  else if (!(self->dataset = fidget_dataset_collect (self->project, &options, &error)))
    self->preview_error = g_strdup (error->message);

  if (self->dataset != NULL)
    {
      FidgetSplitPlan *plan = fidget_dataset_get_plan (self->dataset);

      /* Translators: clips of participants, then the clips of each split */
      text = g_strdup_printf (_("%u clips of %u participants: %u train, %u val, %u test"),
                              fidget_dataset_get_n_clips (self->dataset),
                              fidget_split_plan_get_n_groups (plan),
                              fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TRAIN),
                              fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_VAL),
                              fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TEST));
      adw_action_row_set_subtitle (self->preview_row, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->preview_row), "error");
    }
  else
    {
      adw_action_row_set_subtitle (self->preview_row, self->preview_error);
      gtk_widget_add_css_class (GTK_WIDGET (self->preview_row), "error");
    }
  update_sensitivity (self);
}

static gboolean
preview_timeout_cb (gpointer data)
{
  FidgetExportDialog *self = data;

  self->preview_source = 0;
  update_preview (self);
  return G_SOURCE_REMOVE;
}

/* Spin buttons change once per click: wait for the clicks to settle before re-splitting. */
static void
on_option_changed (FidgetExportDialog *self)
{
  /* The template sets its values before the project is known. */
  if (self->project == NULL)
    return;
  update_subtitles (self);
  update_sensitivity (self);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (150, preview_timeout_cb, self);
}

static void
flush_preview (FidgetExportDialog *self)
{
  if (self->preview_source != 0)
    update_preview (self);
}

/* }}} */
/* {{{ The destination */

static void
show_destination (FidgetExportDialog *self)
{
  if (self->destination != NULL)
    {
      g_autofree char *display = g_filename_display_name (self->destination);
      adw_action_row_set_subtitle (self->location_row, display);
    }
  else
    adw_action_row_set_subtitle (self->location_row, _("Not chosen yet"));
  update_sensitivity (self);
}

/* @path without an archive suffix it may have. */
static char *
strip_archive_suffix (const char *path)
{
  static const char *const known[] = { ".tar.zst", ".tzst", ".tar.gz", ".tgz", ".zip" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_has_suffix (path, known[i]) && strlen (path) > strlen (known[i]))
      return g_strndup (path, strlen (path) - strlen (known[i]));
  return g_strdup (path);
}

void
fidget_export_dialog_set_destination (FidgetExportDialog *self,
                                      const char         *path)
{
  FidgetArchiveFormat format;

  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));

  g_clear_pointer (&self->destination, g_free);
  if (path != NULL && *path != '\0')
    {
      self->destination = g_strdup (path);
      self->setting_destination = TRUE;
      if (fidget_archive_format_from_path (path, &format, NULL))
        adw_combo_row_set_selected (self->format_row, 1 + (guint) format);
      else
        adw_combo_row_set_selected (self->format_row, 0);
      self->setting_destination = FALSE;
    }
  /* A new destination is a new export. */
  if (self->outcome == FIDGET_EXPORT_DONE)
    self->outcome = FIDGET_EXPORT_NOT_RUN;
  show_destination (self);
}

const char *
fidget_export_dialog_get_destination (FidgetExportDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_EXPORT_DIALOG (self), NULL);
  return self->destination;
}

/* Another kind of output: the chosen name follows, so that it always says what it is. */
static void
on_format_changed (FidgetExportDialog *self)
{
  g_autofree char *stem = NULL;
  guint selected = adw_combo_row_get_selected (self->format_row);

  if (self->setting_destination || self->destination == NULL)
    return;
  stem = strip_archive_suffix (self->destination);
  g_free (self->destination);
  self->destination = selected == 0 ? g_steal_pointer (&stem)
                                    : g_strconcat (stem, archive_suffixes[selected - 1], NULL);
  show_destination (self);
}

static void
on_chooser_response (GtkNativeDialog    *chooser,
                     int                 response,
                     FidgetExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      guint selected = adw_combo_row_get_selected (self->format_row);

      if (path != NULL && selected > 0 && !fidget_archive_format_from_path (path, NULL, NULL))
        {
          /* The name typed without its suffix: the chosen format adds it. */
          g_autofree char *named = g_strconcat (path, archive_suffixes[selected - 1], NULL);
          fidget_export_dialog_set_destination (self, named);
        }
      else if (path != NULL)
        fidget_export_dialog_set_destination (self, path);
    }
  g_object_unref (chooser);
}

static void
on_choose_clicked (GtkButton          *button,
                   FidgetExportDialog *self)
{
  g_autofree char *project_dir = g_path_get_dirname (fidget_project_get_path (self->project));
  g_autoptr(GFile) folder = g_file_new_for_path (project_dir);
  GtkFileChooserNative *chooser;
  guint selected = adw_combo_row_get_selected (self->format_row);

  if (selected == 0)
    chooser = gtk_file_chooser_native_new (_("Package Folder"), GTK_WINDOW (self),
                                           GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"),
                                           _("_Cancel"));
  else
    {
      g_autofree char *base = g_path_get_basename (fidget_project_get_path (self->project));
      g_autofree char *stem = g_str_has_suffix (base, ".fidget")
        ? g_strndup (base, strlen (base) - strlen (".fidget")) : g_strdup (base);
      g_autofree char *name = g_strconcat (stem, "-dataset", archive_suffixes[selected - 1], NULL);

      chooser = gtk_file_chooser_native_new (_("Save the Archive"), GTK_WINDOW (self),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                             _("_Cancel"));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* }}} */
/* {{{ The worker */

typedef struct
{
  FidgetDataset    *dataset;
  char             *destination;
  gboolean          archive;
  gboolean          clips;
  char             *preset;
  FidgetClipParams  params;
  FidgetClipReport  report;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->dataset);
  g_free (job->destination);
  g_free (job->preset);
  g_free (job);
}

static gboolean
progress_idle_cb (gpointer data)
{
  FidgetExportDialog *self = data;
  double fraction;
  gboolean got;

  g_mutex_lock (&self->lock);
  self->progress_idle = 0;
  fraction = self->fraction;
  got = self->got_fraction;
  g_mutex_unlock (&self->lock);

  if (got && self->running && !self->disposed)
    {
      g_clear_handle_id (&self->pulse_source, g_source_remove);
      gtk_progress_bar_set_fraction (self->progress, fraction);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  return G_SOURCE_REMOVE;
}

/* Called in the worker: many calls make one idle. */
static void
on_job_progress (double   fraction,
                 gpointer user_data)
{
  FidgetExportDialog *self = user_data;

  g_mutex_lock (&self->lock);
  self->fraction = fraction;
  self->got_fraction = TRUE;
  if (self->progress_idle == 0)
    self->progress_idle = g_idle_add_full (G_PRIORITY_DEFAULT, progress_idle_cb,
                                           g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->lock);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (job->archive)
    ok = fidget_dataset_write_archive (job->dataset, job->destination, NULL,
                                       job->clips ? &job->params : NULL, cancellable,
                                       on_job_progress, source_object, &job->report, &error);
  else if (job->clips)
    ok = fidget_dataset_write_clips (job->dataset, job->destination, &job->params, cancellable,
                                     on_job_progress, source_object, &job->report, &error);
  else
    ok = fidget_dataset_write (job->dataset, job->destination, cancellable, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static gboolean
pulse_cb (gpointer data)
{
  FidgetExportDialog *self = data;

  gtk_progress_bar_pulse (self->progress);
  return G_SOURCE_CONTINUE;
}

static void
set_status (FidgetExportDialog *self,
            const char         *text,
            const char         *style)
{
  gtk_label_set_label (self->status, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->status), style);
}

static void
on_export_finished (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  FidgetExportDialog *self = FIDGET_EXPORT_DIALOG (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *display = g_filename_display_name (job->destination);

  g_clear_handle_id (&self->pulse_source, g_source_remove);
  self->running = FALSE;
  if (self->disposed)
    {
      /* Destroyed while exporting: the cancel in dispose stopped the worker, and the
       * exchange layer has cleaned up; there is nobody left to tell. */
      g_task_propagate_boolean (G_TASK (result), NULL);
      return;
    }
  g_clear_pointer (&self->message, g_free);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      FidgetSplitPlan *plan = fidget_dataset_get_plan (job->dataset);

      self->outcome = FIDGET_EXPORT_DONE;
      gtk_progress_bar_set_fraction (self->progress, 1.0);
      /* Translators: clips, then the clips of each split, then a file or folder */
      self->message = g_strdup_printf (_("Exported %u clips (%u train, %u val, %u test) to %s."),
                                       fidget_dataset_get_n_clips (job->dataset),
                                       fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TRAIN),
                                       fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_VAL),
                                       fidget_split_plan_get_split_items (plan, FIDGET_SPLIT_TEST),
                                       display);
      if (job->clips)
        {
          g_autofree char *done = g_steal_pointer (&self->message);
          g_autofree char *clips = NULL;

          /* Translators: clips encoded now, clips kept from an earlier export */
          clips = g_strdup_printf (_("%u clips cut, %u intact from before."), job->report.n_cut,
                                   job->report.n_skipped);
          self->message = g_strconcat (done, " ", clips, NULL);
        }
      set_status (self, self->message, "success");
      gtk_widget_set_visible (self->export_button, FALSE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->outcome = FIDGET_EXPORT_CANCELLED;
      if (self->had_earlier)
        self->message = g_strdup_printf (_("Cancelled. The earlier package in %s is left without "
                                           "its SHA256SUMS, so it no longer claims to be "
                                           "complete; its clips are kept for the next export."),
                                         display);
      else
        self->message = g_strdup_printf (_("Cancelled. Nothing was left at %s."), display);
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      set_status (self, self->message, "dim-label");
    }
  else
    {
      self->outcome = FIDGET_EXPORT_FAILED;
      self->message = g_strdup (error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      set_status (self, self->message, "error");
    }

  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Close"));
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  update_sensitivity (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0, self->outcome);

  if (self->close_when_done)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* }}} */
/* {{{ Public */

void
fidget_export_dialog_start (FidgetExportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));

  if (self->running)
    return;
  flush_preview (self);
  if (self->dataset == NULL || self->destination == NULL)
    return;

  job = g_new0 (ExportJob, 1);
  job->dataset = g_object_ref (self->dataset);
  job->destination = g_strdup (self->destination);
  job->archive = is_archive (self);
  job->clips = wants_clips (self);
  fidget_clip_params_init (&job->params);
  job->preset = g_strdup (presets[MIN (adw_combo_row_get_selected (self->preset_row),
                                       G_N_ELEMENTS (presets) - 1)]);
  job->params.preset = job->preset;
  job->params.crf = gtk_spin_button_get_value_as_int (self->crf_spin);
  /* The encoder wants an even height. */
  job->params.height = gtk_spin_button_get_value_as_int (self->height_spin) & ~1;

  self->had_earlier = FALSE;
  if (!job->archive && g_file_test (job->destination, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (job->destination, 0, NULL);
      self->had_earlier = dir != NULL && g_dir_read_name (dir) != NULL;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  self->outcome = FIDGET_EXPORT_NOT_RUN;
  g_mutex_lock (&self->lock);
  self->fraction = 0.0;
  self->got_fraction = FALSE;
  g_mutex_unlock (&self->lock);

  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  /* Lists and metadata come without fractions: pulse until (or unless) clips report some. */
  self->pulse_source = g_timeout_add (100, pulse_cb, self);
  set_status (self, job->clips ? _("Cutting the clips…") : _("Writing the package…"),
              "dim-label");
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Cancel"));
  update_sensitivity (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  task = g_task_new (self, self->cancellable, on_export_finished, NULL);
  g_task_set_source_tag (task, fidget_export_dialog_start);
  g_task_set_name (task, "[fidget] export dataset");
  g_task_set_task_data (task, job, export_job_free);
  /* The outcome is reported even when cancelled: the worker says what it left. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

void
fidget_export_dialog_cancel (FidgetExportDialog *self)
{
  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));

  if (self->running)
    {
      g_cancellable_cancel (self->cancellable);
      set_status (self, _("Cancelling…"), "dim-label");
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

void
fidget_export_dialog_set_clips (FidgetExportDialog *self,
                                gboolean            clips)
{
  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));
  adw_combo_row_set_selected (self->layout_row, clips ? 1 : 0);
  update_preview (self);
}

void
fidget_export_dialog_set_clip_encoding (FidgetExportDialog *self,
                                        const char         *preset,
                                        int                 crf,
                                        int                 height)
{
  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));

  for (guint i = 0; preset != NULL && i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (preset, presets[i]))
      adw_combo_row_set_selected (self->preset_row, i);
  gtk_spin_button_set_value (self->crf_spin, crf);
  gtk_spin_button_set_value (self->height_spin, height);
}

void
fidget_export_dialog_set_ground_truth (FidgetExportDialog *self,
                                       gboolean            ground_truth)
{
  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));
  adw_combo_row_set_selected (self->source_row, ground_truth ? 0 : 1);
  update_preview (self);
}

void
fidget_export_dialog_set_split (FidgetExportDialog *self,
                                guint               train,
                                guint               val,
                                guint               test,
                                guint64             seed)
{
  g_return_if_fail (FIDGET_IS_EXPORT_DIALOG (self));
  gtk_spin_button_set_value (self->train_spin, train);
  gtk_spin_button_set_value (self->val_spin, val);
  gtk_spin_button_set_value (self->test_spin, test);
  gtk_spin_button_set_value (self->seed_spin, (double) seed);
  update_preview (self);
}

guint
fidget_export_dialog_get_n_clips (FidgetExportDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_EXPORT_DIALOG (self), 0);
  flush_preview (self);
  return self->dataset != NULL ? fidget_dataset_get_n_clips (self->dataset) : 0;
}

const char *
fidget_export_dialog_get_preview_error (FidgetExportDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_EXPORT_DIALOG (self), NULL);
  flush_preview (self);
  return self->preview_error;
}

gboolean
fidget_export_dialog_is_running (FidgetExportDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_EXPORT_DIALOG (self), FALSE);
  return self->running;
}

FidgetExportOutcome
fidget_export_dialog_get_outcome (FidgetExportDialog  *self,
                                  const char         **message)
{
  g_return_val_if_fail (FIDGET_IS_EXPORT_DIALOG (self), FIDGET_EXPORT_NOT_RUN);
  if (message != NULL)
    *message = self->message;
  return self->outcome;
}

static void
on_export_clicked (GtkButton          *button,
                   FidgetExportDialog *self)
{
  fidget_export_dialog_start (self);
}

static void
on_cancel_clicked (GtkButton          *button,
                   FidgetExportDialog *self)
{
  fidget_export_dialog_cancel (self);
}

/* }}} */
/* {{{ GObject */

static gboolean
fidget_export_dialog_close_request (GtkWindow *window)
{
  FidgetExportDialog *self = FIDGET_EXPORT_DIALOG (window);

  /* Closing while exporting cancels; the window goes once the worker has cleaned up. */
  if (self->running)
    {
      self->close_when_done = TRUE;
      fidget_export_dialog_cancel (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (fidget_export_dialog_parent_class)->close_request (window);
}

static void
fidget_export_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FidgetExportDialog *self = FIDGET_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_mutex_lock (&self->lock);
      g_value_set_double (value, self->fraction);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fidget_export_dialog_dispose (GObject *object)
{
  FidgetExportDialog *self = FIDGET_EXPORT_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->dataset);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (fidget_export_dialog_parent_class)->dispose (object);
}

static void
fidget_export_dialog_finalize (GObject *object)
{
  FidgetExportDialog *self = FIDGET_EXPORT_DIALOG (object);

  g_clear_pointer (&self->preview_error, g_free);
  g_clear_pointer (&self->destination, g_free);
  g_clear_pointer (&self->message, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fidget_export_dialog_parent_class)->finalize (object);
}

static void
fidget_export_dialog_class_init (FidgetExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = fidget_export_dialog_get_property;
  object_class->dispose = fidget_export_dialog_dispose;
  object_class->finalize = fidget_export_dialog_finalize;
  window_class->close_request = fidget_export_dialog_close_request;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FidgetExportDialog::finished:
   * @outcome: a #FidgetExportOutcome
   *
   * Emitted when an export has ended, done, cancelled or failed.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, contents_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, layout_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, encoding_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, crf_spin);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, height_spin);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, split_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, train_spin);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, val_spin);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, test_spin);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, preview_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, destination_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, FidgetExportDialog, status);
  gtk_widget_class_bind_template_callback (widget_class, on_option_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fidget_export_dialog_init (FidgetExportDialog *self)
{
  g_mutex_init (&self->lock);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The keys start on the first choice, not on the header's first button (Cancel), where
   * Enter would close the dialog; Enter in a field exports when the export is ready. */
  gtk_window_set_default_widget (GTK_WINDOW (self), self->export_button);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->source_row));
}

FidgetExportDialog *
fidget_export_dialog_new (GtkWindow     *parent,
                          FidgetProject *project)
{
  FidgetExportDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  self = g_object_new (FIDGET_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  update_subtitles (self);
  update_preview (self);
  show_destination (self);
  return self;
}

void
fidget_export_dialog_present (GtkWindow     *parent,
                              FidgetProject *project)
{
  FidgetExportDialog *self = fidget_export_dialog_new (parent, project);

  g_return_if_fail (self != NULL);
  gtk_window_present (GTK_WINDOW (self));
}

/* }}} */
