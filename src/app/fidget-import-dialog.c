/* fidget-import-dialog.c: importing video files, with progress and cancel
 *
 * Each import hashes, probes (a full decode pass) and only then writes, which takes minutes
 * for an hour of 1080p: it runs in a worker thread on a connection of its own, so the window
 * stays usable and the window's connection never sees a second thread. Progress reaches
 * the dialog through the main context, coalesced to one update per idle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-import-dialog.h"
#include "fidget-project.h"
#include "fidget-video-import.h"

typedef struct
{
  GtkWidget *row;
  GtkWidget *status;   /* GtkLabel */
  char      *outcome;
} FileRow;

struct _FidgetImportDialog
{
  AdwWindow       parent_instance;

  char           *project_path;
  char           *actor;
  GPtrArray      *files;       /* GFile */
  GArray         *rows;        /* FileRow */
  GCancellable   *cancellable;
  gboolean        running;
  gboolean        finished;
  guint           imported;

  /* Written by the worker under @lock, read in an idle. */
  GMutex          lock;
  guint           current;
  double          fraction;
  guint           progress_idle;

  AdwEntryRow    *participant_row;
  AdwComboRow    *gender_row;
  AdwEntryRow    *age_row;
  GtkWidget      *details_group;
  GtkProgressBar *progress;
  GtkLabel       *status;
  GtkWidget      *import_button;
  GtkWidget      *cancel_button;
};

G_DEFINE_FINAL_TYPE (FidgetImportDialog, fidget_import_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *genders[] = { NULL, "female", "male", "other" };

static void
file_row_clear (gpointer data)
{
  g_free (((FileRow *) data)->outcome);
}

/* ------------------------------------------------------------------------------------------ */
/* The worker                                                                                  */

typedef struct
{
  char      *project_path;
  char      *actor;
  GPtrArray *paths;
  char      *participant;
  char      *gender;
  char      *age_group;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_free (job->project_path);
  g_free (job->actor);
  g_ptr_array_unref (job->paths);
  g_free (job->participant);
  g_free (job->gender);
  g_free (job->age_group);
  g_free (job);
}

typedef struct
{
  FidgetImportDialog *self;
  guint               index;
  char               *outcome;
  gboolean            imported;
} FileDone;

static void
update_progress (FidgetImportDialog *self)
{
  guint current;
  double fraction;
  g_autofree char *text = NULL;

  g_mutex_lock (&self->lock);
  current = self->current;
  fraction = self->fraction;
  g_mutex_unlock (&self->lock);

  gtk_progress_bar_set_fraction (self->progress,
                                 (current + CLAMP (fraction, 0.0, 1.0)) / MAX (self->files->len, 1));
  if (self->running && current < self->files->len)
    {
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (self->files, current));

      /* Translators: importing file %s, the %u-th of %u */
      text = g_strdup_printf (_("Importing “%s” (%u of %u)…"), name, current + 1, self->files->len);
      gtk_label_set_label (self->status, text);
    }
}

static gboolean
progress_idle_cb (gpointer data)
{
  FidgetImportDialog *self = data;

  g_mutex_lock (&self->lock);
  self->progress_idle = 0;
  g_mutex_unlock (&self->lock);
  update_progress (self);
  return G_SOURCE_REMOVE;
}

/* Called in the worker: many calls make one idle. */
static void
on_job_progress (double   fraction,
                 gpointer user_data)
{
  FidgetImportDialog *self = user_data;

  g_mutex_lock (&self->lock);
  self->fraction = fraction;
  if (self->progress_idle == 0)
    self->progress_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, progress_idle_cb,
                                           g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->lock);
}

static gboolean
file_done_cb (gpointer data)
{
  FileDone *done = data;
  FidgetImportDialog *self = done->self;
  FileRow *row = &g_array_index (self->rows, FileRow, done->index);

  g_free (row->outcome);
  row->outcome = g_strdup (done->outcome);
  if (done->imported)
    {
      self->imported++;
      gtk_label_set_label (GTK_LABEL (row->status), _("Imported"));
      gtk_widget_add_css_class (row->status, "success");
    }
  else if (g_strcmp0 (done->outcome, "cancelled") == 0)
    gtk_label_set_label (GTK_LABEL (row->status), _("Cancelled"));
  else
    {
      gtk_label_set_label (GTK_LABEL (row->status), _("Not imported"));
      gtk_widget_add_css_class (row->status, "error");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row), done->outcome);
    }
  return G_SOURCE_REMOVE;
}

static void
file_done_free (gpointer data)
{
  FileDone *done = data;

  g_object_unref (done->self);
  g_free (done->outcome);
  g_free (done);
}

static void
report_file (FidgetImportDialog *self,
             guint               index,
             const char         *outcome,
             gboolean            imported)
{
  FileDone *done = g_new0 (FileDone, 1);

  done->self = g_object_ref (self);
  done->index = index;
  done->outcome = g_strdup (outcome);
  done->imported = imported;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, file_done_cb, done, file_done_free);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FidgetImportDialog *self = source_object;
  ImportJob *job = task_data;
  g_autoptr(FidgetProject) project = NULL;
  g_autoptr(GError) error = NULL;
  FidgetImportOptions options = { job->participant, job->gender, job->age_group };

  /* A connection of the worker's own; the window's stays on the main thread. */
  project = fidget_project_open (job->project_path, &error);
  if (project == NULL)
    {
      for (guint i = 0; i < job->paths->len; i++)
        report_file (self, i, error->message, FALSE);
      g_task_return_boolean (task, TRUE);
      return;
    }
  fidget_project_set_actor (project, job->actor);

  for (guint i = 0; i < job->paths->len; i++)
    {
      g_autoptr(FidgetVideo) video = NULL;
      g_autoptr(GError) file_error = NULL;

      g_mutex_lock (&self->lock);
      self->current = i;
      self->fraction = 0;
      g_mutex_unlock (&self->lock);
      on_job_progress (0, self);

      if (g_cancellable_is_cancelled (cancellable))
        {
          report_file (self, i, "cancelled", FALSE);
          continue;
        }
      video = fidget_import_video (project, g_ptr_array_index (job->paths, i), &options,
                                   cancellable, on_job_progress, self, &file_error);
      if (video != NULL)
        report_file (self, i, "imported", TRUE);
      else if (g_error_matches (file_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report_file (self, i, "cancelled", FALSE);
      else
        report_file (self, i, file_error->message, FALSE);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_import_finished (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  FidgetImportDialog *self = FIDGET_IMPORT_DIALOG (source);
  g_autofree char *text = NULL;

  g_task_propagate_boolean (G_TASK (result), NULL);
  self->running = FALSE;
  self->finished = TRUE;

  g_mutex_lock (&self->lock);
  self->current = self->files->len;
  self->fraction = 0;
  g_mutex_unlock (&self->lock);
  update_progress (self);

  if (g_cancellable_is_cancelled (self->cancellable))
    /* Translators: %u files were imported before the import was cancelled */
    text = g_strdup_printf (ngettext ("Cancelled: %u video was imported",
                                      "Cancelled: %u videos were imported", self->imported),
                            self->imported);
  else
    /* Translators: %u of %u files were imported */
    text = g_strdup_printf (ngettext ("%u of %u video imported", "%u of %u videos imported",
                                      self->files->len), self->imported, self->files->len);
  gtk_label_set_label (self->status, text);

  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Close"));
  gtk_widget_set_visible (self->import_button, FALSE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  /* Done: Enter closes, as the keys started the import. */
  gtk_window_set_default_widget (GTK_WINDOW (self), self->cancel_button);
  gtk_widget_grab_focus (self->cancel_button);

  g_signal_emit (self, signals[IMPORTED], 0, self->imported);
}

/* ------------------------------------------------------------------------------------------ */

void
fidget_import_dialog_start (FidgetImportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  ImportJob *job;
  g_autofree char *participant = NULL;
  g_autofree char *age = NULL;
  guint gender;

  g_return_if_fail (FIDGET_IS_IMPORT_DIALOG (self));

  if (self->running || self->finished)
    return;

  participant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->participant_row))));
  age = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->age_row))));
  gender = adw_combo_row_get_selected (self->gender_row);

  job = g_new0 (ImportJob, 1);
  job->project_path = g_strdup (self->project_path);
  job->actor = g_strdup (self->actor);
  job->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->files->len; i++)
    g_ptr_array_add (job->paths, g_file_get_path (g_ptr_array_index (self->files, i)));
  /* Gender and age group only mean something with a participant. */
  if (participant[0] != '\0')
    {
      job->participant = g_strdup (participant);
      job->gender = gender < G_N_ELEMENTS (genders) ? g_strdup (genders[gender]) : NULL;
      job->age_group = age[0] != '\0' ? g_strdup (age) : NULL;
    }

  self->running = TRUE;
  /* The keys leave the fields before they turn insensitive (GTK 4.8 keeps a field's cursor
   * blinking without its focus otherwise, and warns about it), but not for Cancel: a second
   * Enter would stop the import it just started. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (self->details_group, FALSE);
  gtk_widget_set_sensitive (self->import_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);

  task = g_task_new (self, self->cancellable, on_import_finished, NULL);
  g_task_set_source_tag (task, fidget_import_dialog_start);
  g_task_set_task_data (task, job, import_job_free);
  /* The result is reported even when cancelled: what was imported before stays. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, import_thread);
}

void
fidget_import_dialog_cancel (FidgetImportDialog *self)
{
  g_return_if_fail (FIDGET_IS_IMPORT_DIALOG (self));

  if (self->running)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_label_set_label (self->status, _("Cancelling…"));
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

void
fidget_import_dialog_set_participant (FidgetImportDialog *self,
                                      const char         *code)
{
  g_return_if_fail (FIDGET_IS_IMPORT_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->participant_row), code != NULL ? code : "");
}

gboolean
fidget_import_dialog_is_finished (FidgetImportDialog *self)
{
  return self->finished;
}

guint
fidget_import_dialog_get_imported (FidgetImportDialog *self)
{
  return self->imported;
}

const char *
fidget_import_dialog_get_outcome (FidgetImportDialog *self,
                                  guint               index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_array_index (self->rows, FileRow, index).outcome;
}

static void
on_import_clicked (GtkButton          *button,
                   FidgetImportDialog *self)
{
  fidget_import_dialog_start (self);
}

static void
on_cancel_clicked (GtkButton          *button,
                   FidgetImportDialog *self)
{
  fidget_import_dialog_cancel (self);
}

static gboolean
fidget_import_dialog_close_request (GtkWindow *window)
{
  FidgetImportDialog *self = FIDGET_IMPORT_DIALOG (window);

  /* Closing while importing cancels; the window goes once the worker has stopped. */
  if (self->running)
    {
      fidget_import_dialog_cancel (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (fidget_import_dialog_parent_class)->close_request (window);
}

static void
fidget_import_dialog_dispose (GObject *object)
{
  FidgetImportDialog *self = FIDGET_IMPORT_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fidget_import_dialog_parent_class)->dispose (object);
}

static void
fidget_import_dialog_finalize (GObject *object)
{
  FidgetImportDialog *self = FIDGET_IMPORT_DIALOG (object);

  g_clear_pointer (&self->project_path, g_free);
  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fidget_import_dialog_parent_class)->finalize (object);
}

static void
fidget_import_dialog_class_init (FidgetImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fidget_import_dialog_dispose;
  object_class->finalize = fidget_import_dialog_finalize;
  window_class->close_request = fidget_import_dialog_close_request;

  /**
   * FidgetImportDialog::imported:
   * @count: how many videos were added
   *
   * Emitted once the import has ended, cancelled or not.
   */
  signals[IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
fidget_import_dialog_init (FidgetImportDialog *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
  self->rows = g_array_new (FALSE, TRUE, sizeof (FileRow));
  g_array_set_clear_func (self->rows, file_row_clear);
}

FidgetImportDialog *
fidget_import_dialog_new (GtkWindow  *parent,
                          const char *project_path,
                          const char *actor,
                          GPtrArray  *files)
{
  g_autoptr(GtkStringList) gender_names = gtk_string_list_new (NULL);
  FidgetImportDialog *self;
  GtkWidget *toolbar;
  GtkWidget *header;
  GtkWidget *scroller;
  GtkWidget *box;
  GtkWidget *group;

  g_return_val_if_fail (project_path != NULL, NULL);
  g_return_val_if_fail (files != NULL && files->len > 0, NULL);

  self = g_object_new (FIDGET_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "title", _("Import Videos"),
                       "default-width", 560,
                       "default-height", 560,
                       NULL);
  self->project_path = g_strdup (project_path);
  self->actor = g_strdup (actor);
  self->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (self->files, g_object_ref (g_ptr_array_index (files, i)));

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->cancel_button);
  self->import_button = gtk_button_new_with_mnemonic (_("_Import"));
  gtk_widget_add_css_class (self->import_button, "suggested-action");
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (on_import_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->import_button);
  gtk_box_append (GTK_BOX (toolbar), header);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Files"));
  for (guint i = 0; i < self->files->len; i++)
    {
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (self->files, i));
      g_autofree char *where = g_file_get_parse_name (g_ptr_array_index (self->files, i));
      FileRow row = { 0 };

      row.row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row.row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row.row), name);
      gtk_widget_set_tooltip_text (row.row, where);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row.row), 3);
      row.status = gtk_label_new (_("Waiting"));
      gtk_widget_add_css_class (row.status, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row.row), row.status);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row.row);
      g_array_append_val (self->rows, row);
    }
  gtk_box_append (GTK_BOX (box), group);

  self->details_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->details_group), _("Participant"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->details_group),
                                         _("The person interviewed in these videos; splits keep "
                                           "each participant's videos together. Leave empty if "
                                           "unknown."));
  self->participant_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->participant_row), _("Code, e.g. P007"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->details_group),
                             GTK_WIDGET (self->participant_row));
  gtk_string_list_append (gender_names, _("Not recorded"));
  gtk_string_list_append (gender_names, _("Female"));
  gtk_string_list_append (gender_names, _("Male"));
  gtk_string_list_append (gender_names, _("Other"));
  self->gender_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->gender_row), _("Gender"));
  adw_combo_row_set_model (self->gender_row, G_LIST_MODEL (gender_names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->details_group),
                             GTK_WIDGET (self->gender_row));
  self->age_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->age_row), _("Age group, e.g. 18-25"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->details_group),
                             GTK_WIDGET (self->age_row));
  gtk_box_append (GTK_BOX (box), self->details_group);

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress));
  self->status = GTK_LABEL (gtk_label_new (_("Each file is read in full to count its frames "
                                             "exactly; long videos take a while.")));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_box_append (GTK_BOX (toolbar), scroller);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->import_button);
  /* The keys start in the participant's code, and Enter there imports: focus on the first
   * button of the header (Cancel) made Enter cancel. */
  adw_entry_row_set_activates_default (self->participant_row, TRUE);
  adw_entry_row_set_activates_default (self->age_row, TRUE);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->participant_row));

  return self;
}
