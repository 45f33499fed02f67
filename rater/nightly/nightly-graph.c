/* nightly-graph.c — the days a nightly graph source fetches and the record
 * of its last complete day (see nightly-graph.h).
 *
 * nightly_graph_range() is plain day arithmetic (unit-tested); the record
 * is one row of graph_fetches per (source, tenant, kind), read before the
 * fetch and upserted after it succeeded.
 */
#include "config.h"

#include <string.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "ingest/graphfetch.h"
#include "nightly/nightly-graph.h"

void
nightly_graph_range (const gint64 *last, const gint64 *start, gint64 today, guint cap,
                     NightlyGraphRange *r)
{
  g_return_if_fail (cap >= 1);
  gint64 yesterday = today - 1;
  gint64 from = last ? *last + 1 : start ? *start : yesterday;
  if (start && from < *start)
    from = *start;
  *r = (NightlyGraphRange) { from, yesterday, 1, 0 };
  if (nightly_graph_days (from, yesterday) > cap)
    {
      r->from_day = yesterday - cap + 1;
      r->missed_from = from;
      r->missed_to = r->from_day - 1;
    }
}

gint64
nightly_graph_days (gint64 from, gint64 to)
{
  return from > to ? 0 : to - from + 1;
}

/* "YYYY-MM-DD" of DAY into BUF (11 bytes). */
static char *
day_text (gint64 day, char *buf)
{
  return time_format_utc_date (day * 86400000, buf);
}

typedef struct {
  gboolean *have;
  gint64 *last;
} LastDay;

static gboolean
read_last_day (StoreStmt *st, gpointer data, GError **error)
{
  LastDay *l = data;
  const char *text = store_column_text (st, 0);
  if (!graph_parse_day (text, l->last))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE,
                   "graph_fetches holds '%s', not a day", text);
      return FALSE;
    }
  *l->have = TRUE;
  return TRUE;
}

gboolean
nightly_graph_last_day (StoreDb *db, const NightlySource *s, gboolean *have, gint64 *last,
                        GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT last_day FROM graph_fetches"
                                              " WHERE source = ?1 AND tenant = ?2 AND kind = ?3",
                                              error);
  LastDay l = { have, last };
  *have = FALSE;
  return st
         && store_bind (st, error, STORE_TEXT (s->name), STORE_TEXT (s->tenant),
                        STORE_TEXT (graph_kind_name (s->graph_kind)))
         && store_each_row (st, read_last_day, &l, "reading the last fetched day", error);
}

gboolean
nightly_graph_record (StoreDb *db, const NightlySource *s, gint64 day, gint64 now_ms,
                      GError **error)
{
  char buf[11], at[32];
  g_autoptr(StoreStmt) st = store_prepare (db, "INSERT INTO graph_fetches (source, tenant,"
                                              " kind, last_day, fetched_at)"
                                              " VALUES (?1, ?2, ?3, ?4, ?5)"
                                              " ON CONFLICT (source, tenant, kind) DO UPDATE SET"
                                              " last_day = excluded.last_day,"
                                              " fetched_at = excluded.fetched_at", error);
  return st
         && store_bind (st, error, STORE_TEXT (s->name), STORE_TEXT (s->tenant),
                        STORE_TEXT (graph_kind_name (s->graph_kind)),
                        STORE_TEXT (day_text (day, buf)),
                        STORE_TEXT (time_format_utc (now_ms, at)))
         && store_step_done (st, error);
}

/* TEXT as one shell word: as it is when it is plain, else quoted. */
static char *
shell_word (const char *text)
{
  if (*text && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789_.,/:@%+=-") == strlen (text))
    return g_strdup (text);
  return g_shell_quote (text);
}

char *
nightly_graph_command (const NightlySource *s, gint64 from, gint64 to)
{
  char f[11], t[11];
  g_autofree char *tenant = shell_word (s->tenant);
  g_autofree char *client = shell_word (s->client_id);
  g_autofree char *out = shell_word (s->dir);
  g_autofree char *secret = s->secret_file ? shell_word (s->secret_file) : NULL;
  return g_strdup_printf ("rater fetch graph --tenant %s --client-id %s%s%s --kind %s"
                          " --from %s --to %s --out %s", tenant, client,
                          secret ? " --secret-file " : "", secret ? secret : "",
                          graph_kind_name (s->graph_kind), day_text (from, f), day_text (to, t),
                          out);
}
