/* export.h — stored records as CSV files (formats.md §3). */
#pragma once

#include <glib.h>
#include <sqlite3.h>

/* Every reject, by file then line: file, line, reason, detail, raw.  PATH NULL
 * writes to stdout; *rows receives the count. */
gboolean export_rejects (sqlite3 *db, const char *path, guint64 *rows, GError **error);
