/* app-test-util.h: helpers shared by the GUI test programs in tests/app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fidget-application.h"
#include "fidget-workspace.h"

G_BEGIN_DECLS

/* Initialises GTK and libadwaita when there is a display (gtk_init() aborts without one;
 * the check lets the tests skip instead). Returns, and remembers, whether there is one. */
gboolean           app_test_init_display          (void);

/* Whether app_test_init_display() found a display. */
gboolean           app_test_have_display          (void);

/* For the test case just begun: the two assertions that GTK 4.8 fails on its own on a busy
 * test display are not fatal (GLib resets this at the start of every test case). */
void               app_test_begin_case            (void);

/* Skips the calling test (and returns from it) when there is no display. */
#define REQUIRE_DISPLAY()                                                   \
  G_STMT_START {                                                            \
    if (!app_test_have_display ())                                          \
      {                                                                     \
        g_test_skip ("No display: run the GUI tests under xvfb-run");       \
        return;                                                             \
      }                                                                     \
    app_test_begin_case ();                                                 \
  } G_STMT_END

/* Runs what is pending in the default main context; bounded to 200 ms, as a playing video
 * always has a next frame pending. */
void               app_test_spin                  (void);

/* Runs the default main context, without blocking, for @ms milliseconds. */
void               app_test_spin_for              (guint ms);

/* Runs the default main context until nothing is pending, however long that takes. */
void               app_test_drain                 (void);

/* Runs the main loop until @workspace is settled, for at most twenty seconds, then what is
 * pending (app_test_spin()); asserts that it settled. */
void               app_test_wait_settled          (FidgetWorkspace *workspace);

/* A key press as GTK hands it to @workspace's key controller, followed by app_test_spin().
 * Returns whether the workspace handled it. */
gboolean           app_test_press_with            (FidgetWorkspace *workspace,
                                                   guint            keyval,
                                                   GdkModifierType  state);

/* Runs @widget's own shortcut for @keyval with @mods, as pressing the keys would (GTK 4.8
 * cannot synthesise key events): looked up among the widget's controllers, where its class
 * bindings live. Returns whether one was found and activated. */
gboolean           app_test_activate_shortcut     (GtkWidget       *widget,
                                                   guint            keyval,
                                                   GdkModifierType  mods);

/* A new application, not unique (a Fidget the developer has running must not receive the
 * test's calls), that opens files and is registered (its startup has run). */
FidgetApplication *app_test_create_application    (void);

/* Destroys every toplevel window, then runs what is pending (app_test_spin()). */
void               app_test_destroy_all_toplevels (void);

/* Renders the first demo interview, cut to its first @n_frames frames (and the moves that
 * end by then), to P001.mkv in a fresh temporary folder; returns its path. */
char              *app_test_render_demo           (guint n_frames);

/* The action rows among @list's children, in order (the array does not own them). */
GPtrArray         *app_test_action_rows           (GtkListBox *list);

/* @annotator's segments of video @video_id in the project at @path, read through a
 * connection of the test's own: what is on disk, not what a window believes. Returns a
 * new array of #FidgetSegment copies that owns them. */
GPtrArray         *app_test_stored_segments_of    (const char *path,
                                                   gint64      video_id,
                                                   const char *annotator);

/* Renders @widget as it is on screen, at its current size, to a PNG at @path. Returns FALSE,
 * writing nothing, when nothing has been drawn yet; asserts that the file was written. */
gboolean           app_test_save_png              (GtkWidget  *widget,
                                                   const char *path);

G_END_DECLS
