/* fidget-package-dialog.c: exporting and importing work packages, with progress and cancel
 *
 * Both directions run in a worker thread on a connection of its own
 * (fidget_work_package_*_async()), so the window stays usable while a package with videos is
 * written or checked. An import is shown before it is applied: choosing the file runs the
 * import as a dry run (the whole package checked, every change counted, then rolled back),
 * and the Import button applies it. Progress reaches the dialog through one idle at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fidget-package-dialog.h"
#include "fidget-project-merge.h"

#define MAX_CHANGE_LINES 40

typedef enum
{
  MODE_EXPORT,
  MODE_IMPORT,
} Mode;

struct _FidgetPackageDialog
{
  AdwWindow                parent_instance;

  Mode                     mode;
  FidgetProject           *project;
  GtkStringList           *people;
  char                    *path;
  GCancellable            *cancellable;
  gboolean                 previewing;
  gboolean                 running;
  gboolean                 done;
  GError                  *error;
  FidgetWorkPackageResult *result;

  /* Written by the worker under @lock, read in an idle. */
  GMutex                   lock;
  double                   fraction;
  guint                    progress_idle;

  GtkWidget               *cancel_button;
  GtkWidget               *start_button;
  GtkWidget               *export_group;
  GtkWidget               *import_group;
  GtkWidget               *preview_group;
  AdwComboRow             *person_row;
  GtkSwitch               *videos_switch;
  AdwActionRow            *output_row;
  AdwActionRow            *package_row;
  GtkWidget               *package_choose_button;
  GtkLabel                *preview_label;
  GtkLabel                *changes_label;
  GtkProgressBar          *progress;
  GtkLabel                *status_label;
};

G_DEFINE_FINAL_TYPE (FidgetPackageDialog, fidget_package_dialog, ADW_TYPE_WINDOW)

/* {{{ State */

static const char *
selected_person (FidgetPackageDialog *self)
{
  guint position = adw_combo_row_get_selected (self->person_row);

  if (position == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->people, position);
}

gboolean
fidget_package_dialog_can_start (FidgetPackageDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_PACKAGE_DIALOG (self), FALSE);

  if (self->previewing || self->running || self->done || self->path == NULL)
    return FALSE;
  if (self->mode == MODE_EXPORT)
    return selected_person (self) != NULL;
  /* An import needs a preview that found something to do. */
  return self->error == NULL && self->result != NULL &&
         (self->result->report->n_changes > 0 || self->result->steps->len > 0 ||
          self->result->n_videos_copied > 0);
}

static void
set_status (FidgetPackageDialog *self,
            const char          *text,
            gboolean             is_error)
{
  gtk_label_set_label (self->status_label, text);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
}

static void
update_buttons (FidgetPackageDialog *self)
{
  gboolean busy = self->previewing || self->running;

  gtk_widget_set_sensitive (self->start_button, fidget_package_dialog_can_start (self));
  gtk_widget_set_sensitive (self->export_group, !busy && !self->done);
  gtk_widget_set_sensitive (self->import_group, !busy && !self->done);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button),
                        busy ? _("_Cancel") : self->done ? _("_Close") : _("_Cancel"));
  gtk_widget_set_visible (self->start_button, !self->done);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), self->running);
}

static void
take_error (FidgetPackageDialog *self,
            GError              *error)
{
  g_clear_error (&self->error);
  self->error = error;
}

/* }}} */
/* {{{ Progress */

static gboolean
progress_idle_cb (gpointer data)
{
  FidgetPackageDialog *self = data;
  double fraction;

  g_mutex_lock (&self->lock);
  self->progress_idle = 0;
  fraction = self->fraction;
  g_mutex_unlock (&self->lock);
  if (self->progress == NULL)   /* the window is gone */
    return G_SOURCE_REMOVE;
  gtk_progress_bar_set_fraction (self->progress, fraction);
  return G_SOURCE_REMOVE;
}

/* Called in the worker: many calls make one idle. */
static void
on_progress (double   fraction,
             gpointer user_data)
{
  FidgetPackageDialog *self = user_data;

  g_mutex_lock (&self->lock);
  self->fraction = fraction;
  if (self->progress_idle == 0)
    self->progress_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, progress_idle_cb,
                                           g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->lock);
}

static GCancellable *
fresh_cancellable (FidgetPackageDialog *self)
{
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

/* }}} */
/* {{{ Describing a package */

/* "3 segments", in the order of FidgetMergeKind. */
static char *
format_count (FidgetMergeKind kind,
              guint           n)
{
  switch (kind)
    {
    case FIDGET_MERGE_ANNOTATOR:
      return g_strdup_printf (ngettext ("%u annotator", "%u annotators", n), n);
    case FIDGET_MERGE_PARTICIPANT:
      return g_strdup_printf (ngettext ("%u participant", "%u participants", n), n);
    case FIDGET_MERGE_ACTION:
      return g_strdup_printf (ngettext ("%u action", "%u actions", n), n);
    case FIDGET_MERGE_VIDEO:
      return g_strdup_printf (ngettext ("%u video", "%u videos", n), n);
    case FIDGET_MERGE_REVIEW:
      return g_strdup_printf (ngettext ("%u assignment", "%u assignments", n), n);
    case FIDGET_MERGE_SEGMENT:
      return g_strdup_printf (ngettext ("%u segment", "%u segments", n), n);
    case FIDGET_MERGE_CONFIRMATION:
      return g_strdup_printf (ngettext ("%u self-check confirmation",
                                        "%u self-check confirmations", n), n);
    case FIDGET_MERGE_DECISION:
      return g_strdup_printf (ngettext ("%u cross-check decision",
                                        "%u cross-check decisions", n), n);
    case FIDGET_MERGE_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static char *
format_counts (const guint *counts)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint k = 0; k < FIDGET_MERGE_N_KINDS; k++)
    if (counts[k] > 0)
      {
        g_autofree char *count = format_count (k, counts[k]);

        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", count);
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
show_result (FidgetPackageDialog           *self,
             const FidgetWorkPackageResult *result,
             gboolean                       applied)
{
  const FidgetWorkPackageInfo *info = result->info;
  const FidgetMergeReport *report = result->report;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (info->created_us / G_USEC_PER_SEC);
  g_autofree char *when = created != NULL ? g_date_time_format (created, "%x %X") : g_strdup ("?");
  g_autofree char *inserted = format_counts (report->inserted);
  g_autofree char *updated = format_counts (report->updated);
  g_autofree char *deleted = format_counts (report->deleted);
  g_autofree char *videos = format_count (FIDGET_MERGE_VIDEO, info->n_videos);
  g_autofree char *segments = format_count (FIDGET_MERGE_SEGMENT, info->n_segments);
  g_autofree char *decisions = format_count (FIDGET_MERGE_DECISION, info->n_decisions);
  g_autofree char *deletions = g_strdup_printf (ngettext ("%u deletion", "%u deletions",
                                                          info->n_tombstones),
                                                info->n_tombstones);

  if (info->direction == FIDGET_PACKAGE_ASSIGNMENT)
    /* Translators: an annotator's assignment from a project file, made on a date */
    g_string_append_printf (summary, _("%s’s assignment from “%s”, made %s"), info->person,
                            info->project_name, when);
  else
    /* Translators: an annotator's work sent back from their copy of the project */
    g_string_append_printf (summary, _("%s’s work, sent back from “%s” on %s"), info->person,
                            info->project_name, when);
  g_string_append_c (summary, '\n');
  /* Translators: what a work package holds: "2 videos (1 carried), 3 segments, 0 cross-check
   * decisions, 1 deletion"; the number in brackets counts the video files it carries */
  g_string_append_printf (summary, _("%s (%u carried), %s, %s, %s"),
                          videos, info->n_video_files, segments, decisions, deletions);
  g_string_append (summary, "\n\n");
  if (report->n_changes == 0 && result->steps->len == 0)
    g_string_append (summary, _("Nothing to change: the project already holds all of it."));
  else
    {
      if (*inserted != '\0')
        g_string_append_printf (summary, "%s %s\n", applied ? _("Added:") : _("Will add:"),
                                inserted);
      if (*updated != '\0')
        g_string_append_printf (summary, "%s %s\n", applied ? _("Changed:") : _("Will change:"),
                                updated);
      if (*deleted != '\0')
        g_string_append_printf (summary, "%s %s\n", applied ? _("Deleted:") : _("Will delete:"),
                                deleted);
      if (result->n_videos_copied > 0)
        g_string_append_printf (summary, applied ? _("Video files copied: %u\n")
                                                 : _("Video files to copy: %u\n"),
                                result->n_videos_copied);
      for (guint i = 0; i < result->steps->len; i++)
        g_string_append_printf (summary, "%s\n", (const char *) g_ptr_array_index (result->steps, i));
    }
  gtk_label_set_label (self->preview_label, g_strchomp (summary->str));

  for (guint i = 0; i < report->changes->len && i < MAX_CHANGE_LINES; i++)
    g_string_append_printf (changes, "%s%s", i > 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (report->changes, i));
  if (report->changes->len > MAX_CHANGE_LINES)
    /* Translators: more changes than the list shows */
    g_string_append_printf (changes, _("\n… and %u more"), report->changes->len - MAX_CHANGE_LINES);
  gtk_label_set_label (self->changes_label, changes->str);
  gtk_widget_set_visible (GTK_WIDGET (self->changes_label), changes->len > 0);
  gtk_widget_set_visible (self->preview_group, TRUE);
}

/* }}} */
/* {{{ Export */

static void
on_export_finished (GObject      *source,
                    GAsyncResult *async_result,
                    gpointer      user_data)
{
  g_autoptr(FidgetPackageDialog) self = user_data;
  g_autoptr(FidgetWorkPackageInfo) info = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;

  self->running = FALSE;
  info = fidget_work_package_export_finish (FIDGET_PROJECT (source), async_result, &error);
  if (self->status_label == NULL)   /* closed meanwhile */
    {
      g_clear_error (&error);
      return;
    }
  if (info == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, _("Cancelled: no package was written."), FALSE);
      else
        set_status (self, error->message, TRUE);
      take_error (self, error);
    }
  else
    {
      g_autofree char *name = g_filename_display_basename (self->path);

      take_error (self, NULL);
      self->done = TRUE;
      /* Translators: the package file, the person, and what it holds */
      g_autofree char *videos = format_count (FIDGET_MERGE_VIDEO, info->n_videos);
      g_autofree char *segments = format_count (FIDGET_MERGE_SEGMENT, info->n_segments);

      text = g_strdup_printf (_("Saved “%s” for %s: %s (%u carried), %s."),
                              name, info->person, videos, info->n_video_files, segments);
      set_status (self, text, FALSE);
    }
  update_buttons (self);
}

static void
start_export (FidgetPackageDialog *self)
{
  self->running = TRUE;
  take_error (self, NULL);
  gtk_progress_bar_set_fraction (self->progress, 0);
  set_status (self, _("Writing the work package…"), FALSE);
  update_buttons (self);
  fidget_work_package_export_async (self->project, selected_person (self), self->path,
                                    gtk_switch_get_active (self->videos_switch),
                                    fresh_cancellable (self), on_progress, self,
                                    on_export_finished, g_object_ref (self));
}

/* }}} */
/* {{{ Import */

static void
on_import_finished (GObject      *source,
                    GAsyncResult *async_result,
                    gpointer      user_data)
{
  g_autoptr(FidgetPackageDialog) self = user_data;
  FidgetWorkPackageResult *result;
  gboolean preview = self->previewing;
  GError *error = NULL;

  self->previewing = FALSE;
  self->running = FALSE;
  result = fidget_work_package_import_finish (FIDGET_PROJECT (source), async_result, &error);
  g_clear_pointer (&self->result, fidget_work_package_result_free);
  self->result = result;
  if (self->status_label == NULL)   /* closed meanwhile */
    {
      g_clear_error (&error);
      return;
    }
  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, preview ? _("Cancelled.") : _("Cancelled: the project was not changed."),
                    FALSE);
      else
        set_status (self, error->message, TRUE);
      take_error (self, error);
      gtk_widget_set_visible (self->preview_group, FALSE);
    }
  else
    {
      take_error (self, NULL);
      show_result (self, result, !preview);
      if (preview)
        set_status (self, fidget_package_dialog_can_start (self)
                          ? _("The package is sound. Import it to make these changes.")
                          : _("The package is sound, and there is nothing to import."),
                    FALSE);
      else
        {
          self->done = TRUE;
          set_status (self, _("Imported."), FALSE);
        }
    }
  update_buttons (self);
}

static void
run_import (FidgetPackageDialog *self,
            gboolean             dry_run)
{
  if (dry_run)
    self->previewing = TRUE;
  else
    self->running = TRUE;
  take_error (self, NULL);
  gtk_progress_bar_set_fraction (self->progress, 0);
  set_status (self, dry_run ? _("Checking the work package…") : _("Importing…"), FALSE);
  update_buttons (self);
  fidget_work_package_import_async (self->project, self->path, NULL, dry_run,
                                    fresh_cancellable (self), on_progress, self,
                                    on_import_finished, g_object_ref (self));
}

/* }}} */
/* {{{ Public */

void
fidget_package_dialog_set_person (FidgetPackageDialog *self,
                                  const char          *name)
{
  g_return_if_fail (FIDGET_IS_PACKAGE_DIALOG (self));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->people)); i++)
    if (g_ascii_strcasecmp (gtk_string_list_get_string (self->people, i), name) == 0)
      adw_combo_row_set_selected (self->person_row, i);
  update_buttons (self);
}

void
fidget_package_dialog_set_with_videos (FidgetPackageDialog *self,
                                       gboolean             with_videos)
{
  g_return_if_fail (FIDGET_IS_PACKAGE_DIALOG (self));
  gtk_switch_set_active (self->videos_switch, with_videos);
}

void
fidget_package_dialog_set_file (FidgetPackageDialog *self,
                                const char          *path)
{
  g_autofree char *display = NULL;

  g_return_if_fail (FIDGET_IS_PACKAGE_DIALOG (self));
  g_return_if_fail (path != NULL);

  if (self->previewing || self->running || self->done)
    return;
  g_free (self->path);
  self->path = g_strdup (path);
  display = g_filename_display_name (path);
  adw_action_row_set_subtitle (self->mode == MODE_EXPORT ? self->output_row : self->package_row,
                               display);
  if (self->mode == MODE_IMPORT)
    run_import (self, TRUE);
  else
    update_buttons (self);
}

void
fidget_package_dialog_start (FidgetPackageDialog *self)
{
  g_return_if_fail (FIDGET_IS_PACKAGE_DIALOG (self));

  if (!fidget_package_dialog_can_start (self))
    return;
  if (self->mode == MODE_EXPORT)
    start_export (self);
  else
    run_import (self, FALSE);
}

void
fidget_package_dialog_cancel (FidgetPackageDialog *self)
{
  g_return_if_fail (FIDGET_IS_PACKAGE_DIALOG (self));

  if (self->previewing || self->running)
    {
      g_cancellable_cancel (self->cancellable);
      set_status (self, _("Cancelling…"), FALSE);
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

gboolean
fidget_package_dialog_is_busy (FidgetPackageDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_PACKAGE_DIALOG (self), FALSE);
  return self->previewing || self->running;
}

gboolean
fidget_package_dialog_is_done (FidgetPackageDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_PACKAGE_DIALOG (self), FALSE);
  return self->done;
}

const char *
fidget_package_dialog_get_status (FidgetPackageDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_PACKAGE_DIALOG (self), NULL);
  return gtk_label_get_label (self->status_label);
}

const GError *
fidget_package_dialog_get_error (FidgetPackageDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_PACKAGE_DIALOG (self), NULL);
  return self->error;
}

const FidgetWorkPackageResult *
fidget_package_dialog_get_result (FidgetPackageDialog *self)
{
  g_return_val_if_fail (FIDGET_IS_PACKAGE_DIALOG (self), NULL);
  return self->result;
}

/* }}} */
/* {{{ File chooser */

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(FidgetPackageDialog) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          /* The conventional suffix, so that the file shows up when choosing it later. */
          if (self->mode == MODE_EXPORT && !g_str_has_suffix (path, FIDGET_WORK_PACKAGE_SUFFIX))
            {
              char *suffixed = g_strconcat (path, FIDGET_WORK_PACKAGE_SUFFIX, NULL);

              g_free (path);
              path = suffixed;
            }
          fidget_package_dialog_set_file (self, path);
        }
    }
  g_object_unref (chooser);
}

static void
on_choose_clicked (GtkButton           *button,
                   FidgetPackageDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gboolean saving = self->mode == MODE_EXPORT;

  chooser = gtk_file_chooser_native_new (saving ? _("Save Work Package") : _("Open Work Package"),
                                         GTK_WINDOW (self),
                                         saving ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         saving ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Work packages"));
  gtk_file_filter_add_pattern (filter, "*" FIDGET_WORK_PACKAGE_SUFFIX);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (saving)
    {
      const char *person = selected_person (self);
      g_autofree char *name = g_strconcat (person != NULL ? person : "work",
                                           FIDGET_WORK_PACKAGE_SUFFIX, NULL);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* }}} */
/* {{{ GObject */

static void
on_start_clicked (GtkButton           *button,
                  FidgetPackageDialog *self)
{
  fidget_package_dialog_start (self);
}

static void
on_cancel_clicked (GtkButton           *button,
                   FidgetPackageDialog *self)
{
  fidget_package_dialog_cancel (self);
}

static void
on_person_selected (FidgetPackageDialog *self)
{
  update_buttons (self);
}

static gboolean
fidget_package_dialog_close_request (GtkWindow *window)
{
  FidgetPackageDialog *self = FIDGET_PACKAGE_DIALOG (window);

  /* Closing while working cancels; the worker's end is still reported to this object,
   * which its callbacks keep alive. */
  if (self->previewing || self->running)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (fidget_package_dialog_parent_class)->close_request (window);
}

static void
fidget_package_dialog_dispose (GObject *object)
{
  FidgetPackageDialog *self = FIDGET_PACKAGE_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FIDGET_TYPE_PACKAGE_DIALOG);

  G_OBJECT_CLASS (fidget_package_dialog_parent_class)->dispose (object);
}

static void
fidget_package_dialog_finalize (GObject *object)
{
  FidgetPackageDialog *self = FIDGET_PACKAGE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->people);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->result, fidget_work_package_result_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fidget_package_dialog_parent_class)->finalize (object);
}

static void
fidget_package_dialog_class_init (FidgetPackageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fidget_package_dialog_dispose;
  object_class->finalize = fidget_package_dialog_finalize;
  window_class->close_request = fidget_package_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fidget/Fidget/fidget-package-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, export_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, import_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, preview_group);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, person_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog,
                                        package_choose_button);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, videos_switch);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, output_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, package_row);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, preview_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, changes_label);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, FidgetPackageDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
}

static void
fidget_package_dialog_init (FidgetPackageDialog *self)
{
  g_mutex_init (&self->lock);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->people = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->person_row, G_LIST_MODEL (self->people));
  g_signal_connect_swapped (self->person_row, "notify::selected",
                            G_CALLBACK (on_person_selected), self);
}

static FidgetPackageDialog *
dialog_new (GtkWindow     *parent,
            FidgetProject *project,
            Mode           mode)
{
  FidgetPackageDialog *self;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), NULL);

  self = g_object_new (FIDGET_TYPE_PACKAGE_DIALOG,
                       "transient-for", parent,
                       "title", mode == MODE_EXPORT ? _("Export Work Package")
                                                    : _("Import Work Package"),
                       NULL);
  self->mode = mode;
  self->project = g_object_ref (project);
  gtk_widget_set_visible (self->export_group, mode == MODE_EXPORT);
  gtk_widget_set_visible (self->import_group, mode == MODE_IMPORT);
  gtk_button_set_label (GTK_BUTTON (self->start_button),
                        mode == MODE_EXPORT ? _("_Export") : _("_Import"));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->start_button);
  set_status (self, mode == MODE_EXPORT
                    ? _("Choose who it is for and where to save it.")
                    : _("Choose a work package to see what it holds."),
              FALSE);
  update_buttons (self);
  return self;
}

FidgetPackageDialog *
fidget_package_dialog_new_export (GtkWindow     *parent,
                                  FidgetProject *project)
{
  FidgetPackageDialog *self = dialog_new (parent, project, MODE_EXPORT);
  g_autofree char *local_person = fidget_project_merge_get_person (project);
  g_autoptr(GPtrArray) annotators = NULL;

  /* A copy started from a package sends its person's work back, nobody else's. */
  if (local_person != NULL)
    gtk_string_list_append (self->people, local_person);
  else if ((annotators = fidget_project_list_annotators (project, NULL)) != NULL)
    for (guint i = 0; i < annotators->len; i++)
      gtk_string_list_append (self->people,
                              ((FidgetAnnotator *) g_ptr_array_index (annotators, i))->name);
  if (local_person == NULL && fidget_project_get_actor (project) != NULL)
    fidget_package_dialog_set_person (self, fidget_project_get_actor (project));
  update_buttons (self);
  /* The keys start on the first thing to do, not on the header's first button (Cancel),
   * where Enter would close the dialog; the row takes them once it has people to offer. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->person_row));
  return self;
}

FidgetPackageDialog *
fidget_package_dialog_new_import (GtkWindow     *parent,
                                  FidgetProject *project)
{
  FidgetPackageDialog *self = dialog_new (parent, project, MODE_IMPORT);

  /* The keys start on choosing the package (see the export's). */
  gtk_window_set_focus (GTK_WINDOW (self), self->package_choose_button);
  return self;
}

void
fidget_package_dialog_present_export (GtkWindow     *parent,
                                      FidgetProject *project)
{
  gtk_window_present (GTK_WINDOW (fidget_package_dialog_new_export (parent, project)));
}

void
fidget_package_dialog_present_import (GtkWindow     *parent,
                                      FidgetProject *project)
{
  gtk_window_present (GTK_WINDOW (fidget_package_dialog_new_import (parent, project)));
}

/* }}} */
