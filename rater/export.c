/* export.c — writing stored rejects (and, later, rated calls) as CSV. */
#include "config.h"

#include "export.h"
#include "outfile.h"
#include "store.h"

gboolean
export_rejects (sqlite3 *db, const char *path, guint64 *rows, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db,
    "SELECT f.path, r.line, r.reason, r.detail, r.raw FROM rejects r JOIN files f ON f.id = r.file_id"
    " ORDER BY r.file_id, r.line, r.id", error);
  g_autoptr(OutFile) out = st ? outfile_open (path, error) : NULL;
  if (!out)
    return FALSE;
  outfile_csv_header (out, "file,line,reason,detail,raw");
  int rc;
  *rows = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      outfile_csv_field (out, (const char *) sqlite3_column_text (st, 0), -1);
      outfile_csv_int (out, sqlite3_column_int64 (st, 1));
      outfile_csv_field (out, (const char *) sqlite3_column_text (st, 2), -1);
      outfile_csv_field (out, (const char *) sqlite3_column_text (st, 3), -1);
      outfile_csv_field (out, sqlite3_column_blob (st, 4), sqlite3_column_bytes (st, 4));
      outfile_csv_end_row (out);
      (*rows)++;
    }
  if (rc != SQLITE_DONE)
    return store_set_error (error, db, "reading rejects");
  return outfile_commit (out, error);
}
