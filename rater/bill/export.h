/* export.h — stored records as CSV files (formats.md §3). */
#pragma once

#include <glib.h>

#include "base/store.h"

/* Every reject, by file then line: file, line, reason, detail, raw.  PATH NULL
 * writes to stdout; *rows receives the count. */
gboolean export_rejects (StoreDb *db, const char *path, guint64 *rows, GError **error);

/* Every stored call with its rating (formats.md §3 rated calls), by operator
 * and call key; PERIOD (YYYY-MM) or NULL for all.  Unrated-yet calls have an
 * empty status.  Charges print with 6 decimals, times as UTC seconds. */
gboolean export_calls (StoreDb *db, const char *period, const char *path, guint64 *rows,
                       GError **error);
