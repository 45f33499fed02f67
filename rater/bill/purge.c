/* purge.c — retention: deleting the call detail of issued periods
 * (bill/purge.h, schemas/013-purge.sql).
 *
 * Each period is one BEGIN IMMEDIATE transaction: the checks (closed, no
 * open dispute, no late call waiting to be billed) read what the deletes
 * then act on, so a period being issued or disputed meanwhile is never
 * half purged.
 */
#include "config.h"

#include <string.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "bill/invoice.h"
#include "bill/purge.h"

static void
purged_period_free (gpointer data)
{
  PurgedPeriod *p = data;

  g_free (p->period);
  g_free (p);
}

void
purge_result_free (PurgeResult *result)
{
  if (!result)
    return;
  g_ptr_array_unref (result->purged);
  g_ptr_array_unref (result->refused);
  g_ptr_array_unref (result->open);
  g_free (result);
}

char *
purge_months_back (const char *date, guint n)
{
  int year, month;

  if (!date || strlen (date) < 7 || time_parse_period (date, 7, &year, &month) != TIME_OK)
    return NULL;
  int months = year * 12 + (month - 1) - (int) MIN (n, 12 * 9999u);
  if (months < 12)
    months = 12;                /* 0001-01 at the earliest */
  return g_strdup_printf ("%04d-%02d", months / 12, months % 12 + 1);
}

/* Row function: append column 0 to the GPtrArray of strings LIST. */
static gboolean
add_text (StoreStmt *st, gpointer list, GError **error)
{
  g_ptr_array_add (list, g_strdup (store_column_text (st, 0)));
  return TRUE;
}

/* Column 0 of every row of SQL with ?1 = PERIOD, joined with ", " in
 * *TEXT (NULL: no row). */
static gboolean
texts (StoreDb *db, const char *sql, const char *period, char **text, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  if (!st || !store_bind (st, error, STORE_TEXT (period))
      || !store_each_row (st, add_text, list, "reading the period", error))
    return FALSE;
  g_ptr_array_add (list, NULL);
  *text = list->len > 1 ? g_strjoinv (", ", (char **) list->pdata) : NULL;
  return TRUE;
}

/* The integer SQL returns with ?1 = PERIOD in *N. */
static gboolean
count (StoreDb *db, const char *sql, const char *period, gint64 *n, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);

  if (!st || !store_bind (st, error, STORE_TEXT (period)))
    return FALSE;
  if (store_next (st) != STORE_ROW)
    return store_set_error (error, db, "reading the period");
  *n = store_column_int64 (st, 0);
  return TRUE;
}

/* Run SQL with ?1 = PERIOD; the rows it changed in *CHANGED (may be NULL). */
static gboolean
run (StoreDb *db, const char *sql, const char *period, guint64 *changed, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);

  if (!st || (store_param_count (st) > 0
              && !store_bind (st, error, STORE_TEXT (period)))
      || !store_step_done (st, error))
    return FALSE;
  if (changed)
    *changed = (guint64) store_changes (db);
  return TRUE;
}

/* Why PERIOD cannot be purged now, in *WHY (NULL: it can; *OPEN: it is an
 * open period, left alone). */
static gboolean
check_period (StoreDb *db, const char *period, char **why, gboolean *open, GError **error)
{
  g_autofree char *accounts = NULL, *disputes = NULL;
  gint64 closed = 0, late = 0;

  *why = NULL;
  *open = FALSE;
  if (!texts (db, "SELECT DISTINCT r.account FROM ratings r WHERE r.period = ?1"
              " AND r.account IS NOT NULL AND NOT EXISTS (SELECT 1 FROM closed_periods p"
              " WHERE p.account = r.account AND p.period = ?1) ORDER BY r.account",
              period, &accounts, error)
      || !count (db, "SELECT count (*) FROM closed_periods WHERE period = ?1", period, &closed,
                 error))
    return FALSE;
  if (accounts || closed == 0)
    {
      *open = TRUE;
      *why = accounts ? g_strdup_printf ("%s (open for %s)", period, accounts)
                      : g_strdup_printf ("%s (never issued)", period);
      return TRUE;
    }
  if (!texts (db, "SELECT d.operator || ':' || d.call_key FROM disputes d"
              " JOIN ratings r ON r.call_id = d.call_id WHERE r.period = ?1"
              " AND d.status = 'open' ORDER BY d.operator, d.call_key", period, &disputes, error)
      || !count (db, "SELECT (SELECT count (*) FROM ratings r WHERE r.period = ?1"
                 " AND r.status = 'rated' AND r.late = 1 AND r.invoice IS NULL"
                 " AND NOT EXISTS (SELECT 1 FROM disputes d"
                 " WHERE d.call_id = r.call_id AND d.status <> 'rejected'))"
                 " + (SELECT count (*) FROM disputes d JOIN ratings r ON r.call_id = d.call_id"
                 " WHERE r.period = ?1 AND d.status = 'rejected' AND d.held_closed = 1"
                 " AND d.late_invoice IS NULL)", period, &late, error))
    return FALSE;
  if (disputes)
    *why = g_strdup_printf ("%s: open disputes on %s; resolve them first (rater dispute"
                            " resolve)", period, disputes);
  else if (late > 0)
    *why = g_strdup_printf ("%s: %" G_GINT64_FORMAT " late call%s not billed yet; issue the"
                            " next period first (rater invoice issue)", period, late,
                            late == 1 ? "" : "s");
  return TRUE;
}

typedef struct {
  char *invoice, *account, *period, *zone;
} FreezeRow;

static void
freeze_row_free (gpointer data)
{
  FreezeRow *f = data;

  g_free (f->invoice), g_free (f->account), g_free (f->period), g_free (f->zone);
  g_free (f);
}

/* Row function: (invoice, account, period, zone) into the GPtrArray ROWS. */
static gboolean
add_freeze_row (StoreStmt *st, gpointer rows, GError **error)
{
  FreezeRow *f = g_new0 (FreezeRow, 1);

  f->invoice = g_strdup (store_column_text (st, 0));
  f->account = g_strdup (store_column_text (st, 1));
  f->period = g_strdup (store_column_text (st, 2));
  f->zone = g_strdup (store_column_text (st, 3));
  g_ptr_array_add (rows, f);
  return TRUE;
}

/* Write the billed calls of issued invoice F to invoice_frozen_calls. */
static gboolean
freeze_invoice (StoreDb *db, const FreezeRow *f, GError **error)
{
  g_autoptr(GPtrArray) calls = invoice_calls (db, f->account, f->period, f->invoice, f->zone,
                                              error);
  g_autoptr(StoreStmt) head = calls ? store_prepare (db,
    "INSERT INTO invoice_frozen (invoice, calls) VALUES (?, ?)", error) : NULL;
  g_autoptr(StoreStmt) row = head ? store_prepare (db,
    "INSERT INTO invoice_frozen_calls (invoice, seq, start_ms, local_start, number, duration,"
    " charge) VALUES (?, ?, ?, ?, ?, ?, ?)", error) : NULL;

  if (!row || !store_bind (head, error, STORE_TEXT (f->invoice), STORE_INT (calls->len))
      || !store_step_done (head, error))
    return FALSE;
  for (guint i = 0; i < calls->len; i++)
    {
      const InvoiceCall *c = calls->pdata[i];
      if (!store_bind (row, error, STORE_TEXT (f->invoice), STORE_INT (i + 1),
                       STORE_INT (c->start_ms), STORE_INT (c->local_start),
                       STORE_TEXT (c->number), STORE_INT (c->duration), STORE_INT (c->charge))
          || !store_step (row, error))
        return FALSE;
    }
  return TRUE;
}

/* Freeze every itemised issued invoice not frozen yet that billed a call
 * of PERIOD: its own period's, a late call's, a rejected dispute's. */
static gboolean
freeze (StoreDb *db, const char *period, guint64 *frozen, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT i.invoice, i.account, i.period, it.zone FROM invoices i"
    " JOIN invoice_itemised it ON it.invoice = i.invoice"
    " WHERE NOT EXISTS (SELECT 1 FROM invoice_frozen f WHERE f.invoice = i.invoice)"
    " AND (i.period = ?1"
    " OR i.invoice IN (SELECT r.invoice FROM ratings r WHERE r.period = ?1"
    " AND r.invoice IS NOT NULL)"
    " OR i.invoice IN (SELECT d.late_invoice FROM disputes d JOIN ratings r"
    " ON r.call_id = d.call_id WHERE r.period = ?1))"
    " ORDER BY i.invoice", error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (freeze_row_free);

  if (!st || !store_bind (st, error, STORE_TEXT (period))
      || !store_each_row (st, add_freeze_row, rows, "reading itemised invoices", error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!freeze_invoice (db, rows->pdata[i], error))
      return FALSE;
  *frozen = rows->len;
  return TRUE;
}

/* Drop what the delete trigger journalled after journal row AFTER. */
static gboolean
drop_journal (StoreDb *db, gint64 after, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, "DELETE FROM agg_journal WHERE id > ?1",
                                              error);

  return st && store_bind (st, error, STORE_INT (after)) && store_step_done (st, error);
}

/* Add P's counts to its purged_periods row. */
static gboolean
update_counts (StoreDb *db, const PurgedPeriod *p, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "UPDATE purged_periods SET calls = calls + ?2, rejects = rejects + ?3 WHERE period = ?1",
    error);

  return st && store_bind (st, error, STORE_TEXT (p->period), STORE_INT ((gint64) p->calls),
                           STORE_INT ((gint64) p->rejects))
    && store_step_done (st, error);
}

/* Delete the call detail of P's period (checked), inside the transaction.
 *
 * On SQLite the period's ratings are read and deleted in rating_facts, by
 * the period's ledgers (schemas/020), not through the view ratings: its
 * INSTEAD OF DELETE trigger would run once per rating (1M ratings: 10 s
 * of the purge's 12), to delete the same rows of rating_facts, whose own
 * delete triggers run either way.  The calls are listed in id order: the
 * temporary table is filled front to back (1.8 -> 0.4 s at 1M). */
static gboolean
delete_detail (StoreDb *db, PurgedPeriod *p, GError **error)
{
  gint64 journal = 0, files_before = 0, files_after = 0;
  gboolean sqlite = store_backend (db) == STORE_SQLITE;

  if (!store_query_int (db, "SELECT coalesce (max (id), 0) FROM agg_journal", &journal, error)
      || !store_query_int (db, "SELECT count (*) FROM purged_files WHERE whole <> 0", &files_before,
                           error)
      || !run (db, "CREATE TEMP TABLE IF NOT EXISTS purge_calls (id INTEGER PRIMARY KEY)",
               NULL, NULL, error)
      || !run (db, "CREATE TEMP TABLE IF NOT EXISTS purge_files (id INTEGER PRIMARY KEY)",
               NULL, NULL, error)
      || !run (db, "DELETE FROM purge_calls", NULL, NULL, error)
      || !run (db, "DELETE FROM purge_files", NULL, NULL, error)
      || !run (db, sqlite ? "INSERT INTO purge_calls SELECT call_id FROM rating_facts"
               " WHERE ledger IN (SELECT id FROM rating_ledgers WHERE period = ?1)"
               " ORDER BY call_id"
               : "INSERT INTO purge_calls SELECT call_id FROM ratings WHERE period = ?1",
               p->period, NULL, error)
      || !run (db, "INSERT INTO purge_files SELECT file_id FROM calls"
               " WHERE id IN (SELECT id FROM purge_calls) ON CONFLICT DO NOTHING", NULL, NULL,
               error))
    return FALSE;
  /* the aggregates keep the purged ratings: no journal of these deletes.
   * The delete trigger journals always, the rating with its call's facts:
   * the calls go first, so it finds none, and whatever it wrote is
   * dropped all the same. */
  if (!run (db, "UPDATE agg_control SET journal = 0", NULL, NULL, error)
      || !run (db, "DELETE FROM dropped_records WHERE call_id IN"
               " (SELECT id FROM purge_calls)", NULL, NULL, error)
      /* resolved disputes stay, detached from the row ids calls may be given
       * again (files.c does the same) */
      || !run (db, "UPDATE disputes SET call_id = -call_id WHERE call_id IN"
               " (SELECT id FROM purge_calls)", NULL, NULL, error)
      || !run (db, "DELETE FROM calls WHERE id IN (SELECT id FROM purge_calls)", NULL,
               &p->calls, error)
      || !run (db, sqlite ? "DELETE FROM rating_facts WHERE ledger IN"
               " (SELECT id FROM rating_ledgers WHERE period = ?1)"
               : "DELETE FROM ratings WHERE period = ?1", p->period, NULL, error)
      || !drop_journal (db, journal, error)
      || !run (db, "UPDATE agg_control SET journal = 1", NULL, NULL, error))
    return FALSE;
  /* the files the calls came from; those none of whose calls is left:
   * their rejects' raw bytes go */
  if (!run (db, "INSERT INTO purged_files (file_id, purged_at, whole)"
            " SELECT id, rater_now (), CASE WHEN id NOT IN (SELECT file_id FROM calls"
            " WHERE file_id IN (SELECT id FROM purge_files)) THEN 1 ELSE 0 END"
            " FROM purge_files WHERE true"
            " ON CONFLICT (file_id) DO UPDATE SET purged_at = excluded.purged_at,"
            " whole = excluded.whole", NULL, NULL, error)
      || !store_query_int (db, "SELECT count (*) FROM purged_files WHERE whole <> 0", &files_after,
                           error)
      || !run (db, "UPDATE rejects SET raw = substr (raw, 1, 0) WHERE file_id IN"
               " (SELECT file_id FROM purged_files WHERE whole <> 0) AND length (raw) > 0", NULL,
               &p->rejects, error))
    return FALSE;
  p->files = (guint64) (files_after - files_before);
  return run (db, "INSERT INTO purged_periods (period, purged_at, calls, rejects)"
              " VALUES (?1, rater_now (), 0, 0) ON CONFLICT (period) DO UPDATE"
              " SET purged_at = excluded.purged_at", p->period, NULL, error)
    && update_counts (db, p, error);
}

/* Purge PERIOD in one transaction (rolled back when DRY_RUN), into RESULT. */
static gboolean
purge_period (StoreDb *db, const char *period, gboolean dry_run, PurgeResult *result,
              GError **error)
{
  g_autofree char *why = NULL;
  gboolean open = FALSE;
  g_autofree PurgedPeriod *p = g_new0 (PurgedPeriod, 1);

  if (!store_begin (db, error))
    return FALSE;
  if (!check_period (db, period, &why, &open, error))
    goto fail;
  if (why)
    {
      store_rollback (db);
      g_ptr_array_add (open ? result->open : result->refused, g_steal_pointer (&why));
      return TRUE;
    }
  p->period = g_strdup (period);
  if (!freeze (db, period, &p->frozen, error) || !delete_detail (db, p, error))
    {
      g_free (p->period);
      goto fail;
    }
  if (dry_run)
    store_rollback (db);
  else if (!store_commit (db, error))
    {
      g_free (p->period);
      goto fail;
    }
  g_ptr_array_add (result->purged, g_steal_pointer (&p));
  return TRUE;

fail:
  store_rollback (db);
  return FALSE;
}

PurgeResult *
purge_before (StoreDb *db, const char *before, gboolean dry_run, GError **error)
{
  int year, month;
  if (!before || strlen (before) != 7
      || time_parse_period (before, 7, &year, &month) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "purge: --before must be YYYY-MM,"
                   " not '%s'", before ? before : "");
      return NULL;
    }
  g_autoptr(PurgeResult) result = g_new0 (PurgeResult, 1);
  result->purged = g_ptr_array_new_with_free_func (purged_period_free);
  result->refused = g_ptr_array_new_with_free_func (g_free);
  result->open = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) periods = g_ptr_array_new_with_free_func (g_free);
  /* on SQLite the periods of the ledgers (schemas/020) that still have a
   * rating: the view's DISTINCT read every rating (10M: 55 s).  A purged
   * period's ledgers stay, without ratings */
  g_autoptr(StoreStmt) st = store_prepare (db, store_backend (db) == STORE_SQLITE
    ? "SELECT l.period FROM rating_ledgers l WHERE l.period < ?1"
      " AND EXISTS (SELECT 1 FROM rating_facts f WHERE f.ledger = l.id)"
      " GROUP BY l.period ORDER BY l.period"
    : "SELECT DISTINCT period FROM ratings WHERE period < ?1 ORDER BY period", error);
  if (!st || !store_bind (st, error, STORE_TEXT (before))
      || !store_each_row (st, add_text, periods, "reading periods", error))
    return NULL;
  for (guint i = 0; i < periods->len; i++)
    if (!purge_period (db, periods->pdata[i], dry_run, result, error))
      return NULL;
  return g_steal_pointer (&result);
}
