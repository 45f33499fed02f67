/* files.c — listing ingested files and withdrawing one (files.h).
 *
 * Data model: `files` (one row per ingested file, with its options and
 * counts), the calls and rejects that name it by file_id, `ratings` by
 * call id, `dropped_records` (a record dropped for a stored call: which file
 * and line, which call), `ingest_progress` (a half-ingested file's resume
 * line) and `file_withdrawals` (the audit).  A withdrawal is a handful of
 * set-wise statements in one transaction: a check that no call is billed,
 * the count of other files' records that go with the calls, the audit row,
 * then the deletes.  calls has no index by file: the check and the deletes
 * each scan it once, which suits a rare correction.
 */
#include "config.h"

#include <string.h>

#include "ingest/files.h"
#include "base/rater-error.h"
#include "base/store.h"

/* ---- listing ---- */

typedef struct {
  FilesEntryFunc func;
  gpointer data;
} ListRun;

static gboolean
take_entry (StoreStmt *st, gpointer data, GError **error)
{
  ListRun *run = data;
  FilesEntry e = {
    .id = store_column_int64 (st, 0),
    .path = store_column_text (st, 1),
    .sha256 = store_column_text (st, 2),
    .ingested_at = store_column_text (st, 3),
    .format = store_column_text (st, 4),
    .operator_slug = store_column_text_or_null (st, 5),
    .options = store_column_text (st, 6),
    .complete = store_column_int (st, 7),
    .records = store_column_int64 (st, 8),
    .calls = store_column_int64 (st, 9),
    .duplicates = store_column_int64 (st, 10),
    .merged_legs = store_column_int64 (st, 11),
    .internal = store_column_int64 (st, 12),
    .rejects = store_column_int64 (st, 13),
  };
  return run->func (&e, run->data, error);
}

/* SINCE is a calendar date YYYY-MM-DD. */
static gboolean
check_date (const char *since, GError **error)
{
  guint64 y, m, d;
  g_auto(GStrv) parts = g_strsplit (since, "-", -1);
  if (strlen (since) == 10 && g_strv_length (parts) == 3 && strlen (parts[0]) == 4
      && g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, &y, NULL)
      && g_ascii_string_to_unsigned (parts[1], 10, 1, 12, &m, NULL)
      && g_ascii_string_to_unsigned (parts[2], 10, 1, 31, &d, NULL)
      && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "--since '%s' is not a date YYYY-MM-DD",
               since);
  return FALSE;
}

gboolean
files_list (StoreDb *db, const char *since, FilesEntryFunc func, gpointer data, GError **error)
{
  if (since && !check_date (since, error))
    return FALSE;
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT f.id, f.path, f.sha256, f.ingested_at, f.format, f.operator, f.options,"
    " p.file_id IS NULL, f.records, f.calls, f.duplicates, f.merged_legs, f.internal, f.rejects"
    " FROM files f LEFT JOIN ingest_progress p ON p.file_id = f.id"
    " WHERE ?1 IS NULL OR f.ingested_at >= ?1 ORDER BY f.id", error);
  ListRun run = { func, data };
  return st && store_bind (st, error, STORE_TEXT (since))
         && store_each_row (st, take_entry, &run, "listing the files", error);
}

/* ---- withdrawing ---- */

void
files_withdrawal_clear (FilesWithdrawal *w)
{
  g_clear_pointer (&w->path, g_free);
  if (w->others)
    for (guint i = 0; i < w->others->len; i++)
      g_free (g_array_index (w->others, FilesOther, i).path);
  g_clear_pointer (&w->others, g_array_unref);
}

static gboolean
take_path (StoreStmt *st, gpointer data, GError **error)
{
  char **path = data;
  g_free (*path);
  *path = g_strdup (store_column_text (st, 0));
  return TRUE;
}

/* The first billed call of the file, if any, for the refusal. */
typedef struct {
  gint64 count;                   /* billed calls */
  char *account, *period, *invoice, *late_invoice;
} Billed;

static void
billed_clear (Billed *b)
{
  g_free (b->account), g_free (b->period), g_free (b->invoice), g_free (b->late_invoice);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Billed, billed_clear)

static gboolean
take_billed (StoreStmt *st, gpointer data, GError **error)
{
  Billed *b = data;
  b->count = store_column_int64 (st, 0);
  b->account = g_strdup (store_column_text (st, 1));
  b->period = g_strdup (store_column_text (st, 2));
  b->invoice = g_strdup (store_column_text_or_null (st, 3));
  b->late_invoice = g_strdup (store_column_text_or_null (st, 4));
  return TRUE;
}

/* Refuse the withdrawal when a call of FILE is rated in a closed period,
 * billed late on an issued invoice, or purged (bill/purge.h). */
static gboolean
check_not_billed (StoreDb *db, gint64 id, const char *path, GError **error)
{
  g_auto(Billed) b = { 0 };
  g_autoptr(StoreStmt) purged = store_prepare (db,
    "SELECT purged_at FROM purged_files WHERE file_id = ?1", error);
  if (!purged || !store_bind (purged, error, STORE_INT (id)))
    return FALSE;
  int rc = store_next (purged);
  if (rc == STORE_ROW)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "file %" G_GINT64_FORMAT " '%s' cannot be withdrawn: calls of it were purged"
                   " (rater purge, %s); ingested again they would be billed twice", id, path,
                   store_column_text (purged, 0));
      return FALSE;
    }
  if (rc != STORE_DONE)
    return store_set_error (error, db, "checking the file's calls");
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT count(*) OVER (), r.account, r.period, i.invoice, r.invoice"
    " FROM calls c JOIN ratings r ON r.call_id = c.id"
    " LEFT JOIN closed_periods cp ON cp.account = r.account AND cp.period = r.period"
    " LEFT JOIN invoices i ON i.account = r.account AND i.period = r.period"
    " WHERE c.file_id = ?1 AND (cp.account IS NOT NULL OR r.invoice IS NOT NULL)"
    " ORDER BY r.invoice IS NULL DESC, r.period, r.account LIMIT 1", error);
  if (!st || !store_bind (st, error, STORE_INT (id))
      || !store_each_row (st, take_billed, &b, "checking the file's calls", error))
    return FALSE;
  if (b.count == 0)
    return TRUE;
  g_autofree char *where = b.late_invoice
    ? g_strdup_printf ("a call of account '%s' in %s billed late on invoice %s", b.account,
                       b.period, b.late_invoice)
    : g_strdup_printf ("the closed period %s of account '%s'%s%s%s", b.period, b.account,
                       b.invoice ? " (invoice " : "", b.invoice ? b.invoice : "",
                       b.invoice ? ")" : "");
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
               "file %" G_GINT64_FORMAT " '%s' cannot be withdrawn: %" G_GINT64_FORMAT
               " of its calls are billed, first %s", id, path, b.count, where);
  return FALSE;
}

static gboolean
take_other (StoreStmt *st, gpointer data, GError **error)
{
  FilesWithdrawal *w = data;
  FilesOther o = {
    .file_id = store_column_int64 (st, 0),
    .path = g_strdup (store_column_text_or_null (st, 1)),
    .records = store_column_int64 (st, 2),
  };
  g_array_append_val (w->others, o);
  w->orphaned += o.records;
  return TRUE;
}

/* The records of other files dropped for the file's calls, per file. */
static gboolean
count_others (StoreDb *db, gint64 id, FilesWithdrawal *w, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT d.file_id, f.path, count(*) FROM dropped_records d"
    " JOIN calls c ON c.id = d.call_id LEFT JOIN files f ON f.id = d.file_id"
    " WHERE c.file_id = ?1 AND d.file_id <> ?1 GROUP BY d.file_id, f.path ORDER BY d.file_id", error);
  return st && store_bind (st, error, STORE_INT (id))
         && store_each_row (st, take_other, w, "counting the records of other files", error);
}

/* Run SQL with ?1 = ID; *CHANGES (when not NULL) its row count. */
static gboolean
exec_id (StoreDb *db, const char *sql, gint64 id, gint64 *changes, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  if (!st || !store_bind (st, error, STORE_INT (id)) || !store_step_done (st, error))
    return FALSE;
  if (changes)
    *changes = store_changes (db);
  return TRUE;
}

static gboolean
record_audit (StoreDb *db, const FilesWithdrawal *w, const char *reason, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO file_withdrawals (file_id, sha256, path, format, options, ingested_at, calls,"
    " ratings, rejects, orphaned, reason, withdrawn_at)"
    " SELECT id, sha256, path, format, options, ingested_at, ?2, ?3, ?4, ?5, ?6, rater_now ()"
    " FROM files WHERE id = ?1", error);
  return st && store_bind (st, error, STORE_INT (w->file_id), STORE_INT (w->calls),
                           STORE_INT (w->ratings), STORE_INT (w->rejects),
                           STORE_INT (w->orphaned), STORE_TEXT (reason))
         && store_step_done (st, error);
}

/* Delete the ratings of file ID's calls, their count in *RATINGS.  On
 * SQLite from rating_facts (schemas/020), not through the view ratings:
 * its INSTEAD OF DELETE trigger would run once per rating (1M: 8 s) to
 * delete the same rows, whose own delete triggers (the aggregates'
 * journal, the change count) run either way, and SQLite counts no changes
 * through a view.  PostgreSQL's ratings is the table itself. */
static gboolean
delete_ratings (StoreDb *db, gint64 id, gint64 *ratings, GError **error)
{
  return exec_id (db, store_backend (db) == STORE_SQLITE
                        ? "DELETE FROM rating_facts WHERE call_id IN"
                          " (SELECT id FROM calls WHERE file_id = ?1)"
                        : "DELETE FROM ratings WHERE call_id IN"
                          " (SELECT id FROM calls WHERE file_id = ?1)", id, ratings, error);
}

/* The deletes, ratings and notes before the calls they refer to. */
static gboolean
remove_file (StoreDb *db, FilesWithdrawal *w, GError **error)
{
  gint64 id = w->file_id;
  /* a dispute follows its call, not the row id the next call may be given:
   * detached (id negated) until the call is ingested again (ingest.c) */
  return exec_id (db, "UPDATE disputes SET call_id = -call_id WHERE call_id IN"
                      " (SELECT id FROM calls WHERE file_id = ?1)", id, NULL, error)
         && delete_ratings (db, id, &w->ratings, error)
         && exec_id (db, "DELETE FROM dropped_records WHERE file_id = ?1 OR call_id IN"
                         " (SELECT id FROM calls WHERE file_id = ?1)", id, NULL, error)
         && exec_id (db, "DELETE FROM calls WHERE file_id = ?1", id, &w->calls, error)
         && exec_id (db, "DELETE FROM rejects WHERE file_id = ?1", id, &w->rejects, error)
         && exec_id (db, "DELETE FROM ingest_progress WHERE file_id = ?1", id, NULL, error);
}

static gboolean
withdraw_in_transaction (StoreDb *db, FilesWithdrawal *w, const char *reason, GError **error)
{
  return check_not_billed (db, w->file_id, w->path, error)
         && count_others (db, w->file_id, w, error)
         && remove_file (db, w, error)
         && record_audit (db, w, reason, error)
         && exec_id (db, "DELETE FROM files WHERE id = ?1", w->file_id, NULL, error);
}

gboolean
files_withdraw (StoreDb *db, gint64 id, const char *reason, FilesWithdrawal *out,
                GError **error)
{
  g_return_val_if_fail (reason && *reason, FALSE);
  files_withdrawal_clear (out);
  *out = (FilesWithdrawal) { .file_id = id, .others = g_array_new (FALSE, FALSE, sizeof (FilesOther)) };
  if (!store_begin (db, error))
    return FALSE;
  g_autoptr(StoreStmt) find = store_prepare (db, "SELECT path FROM files WHERE id = ?1", error);
  if (!find || !store_bind (find, error, STORE_INT (id))
      || !store_each_row (find, take_path, &out->path, "reading the files table", error))
    goto fail;
  if (!out->path)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "no ingested file has id %" G_GINT64_FORMAT " (see 'rater files list')", id);
      goto fail;
    }
  if (withdraw_in_transaction (db, out, reason, error) && store_commit (db, error))
    return TRUE;
fail:
  store_rollback (db);
  return FALSE;
}
