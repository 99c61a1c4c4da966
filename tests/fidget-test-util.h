/* fidget-test-util.h: small helpers shared by the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh temporary folder, removed with everything in it at exit of the test program. */
char       *fidget_test_make_tmpdir   (void);
/* ../shared/samples (from FIDGET_SAMPLES_DIR); skips the test when it is missing. */
const char *fidget_test_samples_dir   (void);
char       *fidget_test_sample        (const char *name);
/* Removes a tree; no error when it is not there. */
void        fidget_test_rm_rf         (const char *path);
/* SHA-256 of a file's bytes, to prove that a failed operation left it untouched. */
char       *fidget_test_file_checksum (const char *path);

G_END_DECLS
