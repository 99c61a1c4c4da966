/* fidget-schema.h: the project file's tables, and the steps from each version to the next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* "FDGT" in PRAGMA application_id: tells our files from other SQLite databases. */
#define FIDGET_APPLICATION_ID 0x46444754

/* Runs the steps that take a file from @from_version to @to_version inside the caller's
 * transaction and sets PRAGMA user_version. Version 0 is an empty file. */
gboolean fidget_schema_migrate (sqlite3  *db,
                                int       from_version,
                                int       to_version,
                                GError  **error);

G_END_DECLS
