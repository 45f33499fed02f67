/* dispute.c — opening, resolving and listing disputes (billing.md §11).
 *
 * Rows of the disputes table (schemas/012-disputes.sql), one per call.
 * Holding and billing the calls is invoice.c's and issue.c's: this file
 * only records the disputes, in one transaction per change, and works out
 * on resolving upheld which issued invoice had billed the call.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "bill/dispute.h"

static const char *const status_names[] = { "open", "upheld", "rejected" };

void
dispute_free (Dispute *d)
{
  if (!d)
    return;
  g_free (d->operator_slug);
  g_free (d->call_key);
  g_free (d->account);
  g_free (d->period);
  g_free (d->currency);
  g_free (d->reason);
  g_free (d->opened_by);
  g_free (d->opened_at);
  g_free (d->resolved_by);
  g_free (d->resolved_at);
  g_free (d->resolution);
  g_free (d->late_invoice);
  g_free (d->billed_invoice);
  g_free (d);
}

const char *
dispute_status_to_string (DisputeStatus status)
{
  return status <= DISPUTE_REJECTED ? status_names[status] : "?";
}

static DisputeStatus
status_from_string (const char *s)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (s, status_names[i]) == 0)
      return (DisputeStatus) i;
  return DISPUTE_OPEN;
}

/* TEXT (named WHAT) must be 1..MAX bytes of UTF-8, not only blanks. */
static gboolean
check_text (const char *text, const char *what, gsize max, GError **error)
{
  if (!text || strspn (text, " \t\r\n") == strlen (text) || strlen (text) > max
      || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "dispute: %s must be 1 to %" G_GSIZE_FORMAT " bytes of UTF-8 text", what, max);
      return FALSE;
    }
  return TRUE;
}

/* The calls.id of REF ("OPERATOR:KEY", split at the first ':') in *ID. */
static gboolean
find_call (StoreDb *db, const char *ref, gint64 *id, char **op, char **key, GError **error)
{
  const char *colon = ref ? strchr (ref, ':') : NULL;
  if (!colon || colon == ref || colon[1] == '\0')
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "dispute: --call must be OPERATOR:KEY (the call's operator and call key),"
                   " not '%s'", ref ? ref : "");
      return FALSE;
    }
  *op = g_strndup (ref, (gsize) (colon - ref));
  *key = g_strdup (colon + 1);
  /* by the key's text on a server, by its hash on SQLite (keyhash.h) */
  static const char *const sql[2] = {
    "SELECT id FROM calls WHERE call_key = ?1 AND operator = ?2",
    "SELECT id FROM calls WHERE (key_hash = rater_key_hash (?1, ?2) OR key_hash IS NULL)"
    " AND call_key = ?1 AND operator = ?2" };
  g_autoptr(StoreStmt) st = store_prepare (db, sql[store_backend (db) == STORE_SQLITE], error);
  if (!st || !store_bind (st, error, STORE_TEXT (*key), STORE_TEXT (*op)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_DONE)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "dispute: no call '%s' of operator '%s' (rater ingest it first, or check"
                   " the key)", *key, *op);
      return FALSE;
    }
  if (rc != STORE_ROW)
    return store_set_error (error, db, "reading calls");
  *id = store_column_int64 (st, 0);
  return TRUE;
}

/* The listing's columns, for one query over disputes d joined to its call
 * c (none while the call is withdrawn or purged: the dispute is listed
 * without account, period and charge), rating r and the account's currency; the credit due is worked out by
 * row_to_dispute().  An open dispute's billed invoice is the one that has
 * billed the call so far (billed_by()'s rule); a resolved one's as
 * recorded. */
#define DISPUTE_SELECT                                                                     \
  "SELECT d.operator, d.call_key, coalesce (r.account, c.account), r.period,"               \
  " CASE WHEN r.status = 'rated' THEN r.charge ELSE 0 END, o.currency, d.status, d.reason," \
  " d.opened_by, d.opened_at, d.resolved_by, d.resolved_at, d.resolution, d.held_closed,"   \
  " d.late_invoice, coalesce (d.billed_invoice, CASE WHEN d.status <> 'open'"              \
  " OR r.status <> 'rated' OR r.charge <= 0 THEN NULL"                                      \
  " WHEN r.late = 1 THEN r.invoice WHEN d.held_closed = 1 THEN NULL"                        \
  " ELSE (SELECT i.invoice FROM invoices i WHERE i.account = r.account"                     \
  " AND i.period = r.period) END)"                                                          \
  " FROM disputes d LEFT JOIN calls c ON c.id = d.call_id"                                  \
  " LEFT JOIN ratings_of_calls r ON r.call_id = d.call_id"                                  \
  " LEFT JOIN accounts a ON a.account = coalesce (r.account, c.account)"                    \
  " LEFT JOIN operators o ON o.operator = a.operator "

static Dispute *
row_to_dispute (StoreStmt *st)
{
  Dispute *d = g_new0 (Dispute, 1);
  d->operator_slug = g_strdup (store_column_text (st, 0));
  d->call_key = g_strdup (store_column_text (st, 1));
  d->account = g_strdup (store_column_text_or_null (st, 2));
  d->period = g_strdup (store_column_text_or_null (st, 3));
  d->charge = store_column_int64 (st, 4);
  d->currency = g_strdup (store_column_text_or_null (st, 5));
  int minor = d->currency ? currency_minor_units (d->currency) : -1;
  d->minor_units = minor < 0 ? 6 : (guint) minor;
  d->status = status_from_string (store_column_text (st, 6));
  d->reason = g_strdup (store_column_text (st, 7));
  d->opened_by = g_strdup (store_column_text (st, 8));
  d->opened_at = g_strdup (store_column_text (st, 9));
  d->resolved_by = g_strdup (store_column_text_or_null (st, 10));
  d->resolved_at = g_strdup (store_column_text_or_null (st, 11));
  d->resolution = g_strdup (store_column_text_or_null (st, 12));
  d->held_closed = store_column_int (st, 13) != 0;
  d->late_invoice = g_strdup (store_column_text_or_null (st, 14));
  d->billed_invoice = g_strdup (store_column_text_or_null (st, 15));
  if (d->billed_invoice && d->charge > 0)
    d->credit_due = decimal_round_half_up (d->charge, d->minor_units);
  return d;
}

static gboolean
add_dispute_row (StoreStmt *st, gpointer list, GError **error)
{
  g_ptr_array_add (list, row_to_dispute (st));
  return TRUE;
}

/* The dispute of call ID, or NULL (ERROR unset when there is none). */
static Dispute *
load_dispute (StoreDb *db, gint64 id, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, DISPUTE_SELECT "WHERE d.call_id = ?1", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dispute_free);
  if (!st || !store_bind (st, error, STORE_INT (id))
      || !store_each_row (st, add_dispute_row, list, "reading disputes", error)
      || list->len == 0)
    return NULL;
  return g_ptr_array_steal_index (list, 0);
}

static gboolean
open_in_transaction (StoreDb *db, gint64 id, const char *op, const char *key,
                     const char *reason, const char *by, GError **error)
{
  char now[32];
  g_autoptr(GError) local = NULL;
  g_autoptr(Dispute) old = load_dispute (db, id, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (old)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "dispute: call %s:%s is already disputed (%s since %s%s%s): one dispute per"
                   " call (rater dispute list)", op, key, dispute_status_to_string (old->status),
                   old->status == DISPUTE_OPEN ? old->opened_at : old->resolved_at,
                   old->status == DISPUTE_OPEN ? "" : "; a resolved dispute is never reopened",
                   "");
      return FALSE;
    }
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO disputes (call_id, operator, call_key, status, reason, opened_by, opened_at)"
    " VALUES (?, ?, ?, 'open', ?, ?, ?)", error);
  return st && store_bind (st, error, STORE_INT (id), STORE_TEXT (op), STORE_TEXT (key),
                           STORE_TEXT (reason), STORE_TEXT (by),
                           STORE_TEXT (time_format_utc (time_now_ms (), now)))
    && store_step_done (st, error);
}

gboolean
dispute_open (StoreDb *db, const char *ref, const char *reason, const char *by,
              GError **error)
{
  gint64 id = 0;
  g_autofree char *op = NULL, *key = NULL;
  if (!check_text (reason, "--reason", 1024, error) || !check_text (by, "--by", 256, error)
      || !find_call (db, ref, &id, &op, &key, error))
    return FALSE;
  if (!store_begin (db, error))
    return FALSE;
  if (open_in_transaction (db, id, op, key, reason, by, error) && store_commit (db, error))
    return TRUE;
  store_rollback (db);
  return FALSE;
}

/* The issued invoice that billed call ID, in *INVOICE (NULL: none): a late
 * rating's invoice, else its period's invoice unless the dispute held it
 * off that (held_closed). */
static gboolean
billed_by (StoreDb *db, gint64 id, char **invoice, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT CASE WHEN r.late = 1 THEN r.invoice"
    " WHEN d.held_closed = 1 THEN NULL"
    " ELSE (SELECT i.invoice FROM invoices i WHERE i.account = r.account"
    " AND i.period = r.period) END"
    " FROM ratings r JOIN disputes d ON d.call_id = r.call_id"
    " WHERE r.call_id = ?1 AND r.status = 'rated' AND r.charge > 0", error);
  if (!st || !store_bind (st, error, STORE_INT (id)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_ROW)
    *invoice = g_strdup (store_column_text_or_null (st, 0));
  else if (rc != STORE_DONE)
    return store_set_error (error, db, "reading ratings");
  return TRUE;
}

static gboolean
resolve_in_transaction (StoreDb *db, gint64 id, const char *op, const char *key,
                        DisputeStatus outcome, const char *resolution, const char *by,
                        GError **error)
{
  char now[32];
  g_autoptr(GError) local = NULL;
  g_autoptr(Dispute) old = load_dispute (db, id, &local);
  g_autofree char *billed = NULL;
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!old || old->status != DISPUTE_OPEN)
    {
      if (old)
        g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                     "dispute: the dispute on call %s:%s is not open: it was resolved %s on %s",
                     op, key, dispute_status_to_string (old->status), old->resolved_at);
      else
        g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                     "dispute: call %s:%s has no dispute to resolve (rater dispute open"
                     " --call %s:%s --reason TEXT)", op, key, op, key);
      return FALSE;
    }
  if (outcome == DISPUTE_UPHELD && !billed_by (db, id, &billed, error))
    return FALSE;
  g_autoptr(StoreStmt) st = store_prepare (db,
    "UPDATE disputes SET status = ?2, resolution = ?3, resolved_by = ?4, resolved_at = ?5,"
    " billed_invoice = ?6 WHERE call_id = ?1 AND status = 'open'", error);
  return st && store_bind (st, error, STORE_INT (id),
                           STORE_TEXT (dispute_status_to_string (outcome)),
                           STORE_TEXT (resolution), STORE_TEXT (by),
                           STORE_TEXT (time_format_utc (time_now_ms (), now)),
                           STORE_TEXT (billed))
    && store_step_done (st, error);
}

gboolean
dispute_resolve (StoreDb *db, const char *ref, DisputeStatus outcome, const char *resolution,
                 const char *by, Dispute **result, GError **error)
{
  gint64 id = 0;
  g_autofree char *op = NULL, *key = NULL;
  g_return_val_if_fail (outcome == DISPUTE_UPHELD || outcome == DISPUTE_REJECTED, FALSE);
  if ((resolution && !check_text (resolution, "--reason", 1024, error))
      || !check_text (by, "--by", 256, error) || !find_call (db, ref, &id, &op, &key, error))
    return FALSE;
  if (!store_begin (db, error))
    return FALSE;
  if (!resolve_in_transaction (db, id, op, key, outcome, resolution, by, error)
      || !store_commit (db, error))
    {
      store_rollback (db);
      return FALSE;
    }
  if (!result)
    return TRUE;
  *result = load_dispute (db, id, error);
  return *result != NULL;
}

GPtrArray *
dispute_list (StoreDb *db, gboolean open_only, const char *account, const char *period,
              GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, DISPUTE_SELECT
    "WHERE (?1 = 0 OR d.status = 'open') AND (?2 IS NULL OR coalesce (r.account, c.account) = ?2)"
    " AND (?3 IS NULL OR r.period = ?3) ORDER BY d.operator, d.call_key", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dispute_free);
  if (!st || !store_bind (st, error, STORE_INT (open_only ? 1 : 0), STORE_TEXT (account),
                          STORE_TEXT (period))
      || !store_each_row (st, add_dispute_row, list, "reading disputes", error))
    return NULL;
  return g_steal_pointer (&list);
}
