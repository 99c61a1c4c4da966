/* fidget-project-private.h: internals shared with tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "fidget-project.h"

G_BEGIN_DECLS

/* The connection, for tests that inspect the file and benchmarks that fill it in bulk. */
sqlite3  *fidget_project_get_db          (FidgetProject *self);

/* How long a statement waits for another program's lock before giving up (default 2000 ms). */
void      fidget_project_set_busy_timeout (FidgetProject *self,
                                           int            milliseconds);

G_END_DECLS
