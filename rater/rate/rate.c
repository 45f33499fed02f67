/* rate.c — loading what rating needs, streaming calls through the core,
 * writing results, applying bundles.
 *
 * Data model of a run: `accounts` (rate-accounts.h: a RateAccount per
 * catalog account for the core, its name and bundle beside it, the resolver
 * from a call to its account); a ring of Slots (a RateBatch plus each call's
 * id and key) filled by the reading loop, rated by the thread pool, drained
 * in order by the writer thread; `bundle` collects the calls eligible for a
 * bundle, covered as they are written while they come in their pool's
 * order (Pool), covered again at the end in the pools they did not.  Each
 * call comes with its stored rating (a Prior: its facts serialised in the
 * slot's arena), and the writer writes only what differs from it.  The
 * report aggregates (aggregates.h) follow the same changes: minus the
 * stored rating, plus the new one; the writer only notes them in the slot,
 * and the reading thread adds them when the slot comes back to be filled
 * again (their hashing was a quarter of the writer's work, and the writer
 * is the stage the others wait for).
 */
#include "config.h"

#include <string.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "rate/aggregates.h"
#include "rate/rate.h"
#include "rate/rate-accounts.h"
#include "rate/ratecore.h"
#include "rate/rating-ids.h"

#define BULK_ROWS 4096     /* new ratings per flush of the bulk writer */

/* The ledger an account's last rating was written to, and its period:
 * most calls of an account in a run are of one period, so this alone
 * answers almost every call (a hash table of (period, account) per call
 * was a tenth of the writer's time, the stage the others wait for); the
 * others ask rating-ids. */
typedef struct {
  gint32 period;               /* YYYYMM; 0: none yet */
  gint64 id;
} LastLedger;

typedef struct {
  StoreDb *db;
  const RateOptions *opts;
  RateStats *stats;
  RateAccounts *accounts;    /* the catalog's accounts, plans, decks, zones */
  const RateAccount *core;   /* rate_accounts_core (accounts) */
  GHashTable *closed;        /* closed_key (account index, YYYYMM) of closed periods */
  GHashTable *closed_names;  /* "account\x1fYYYY-MM" of every closed period, for stored ratings */
  gboolean had_ratings;      /* the ratings table had rows when the run began */
  GPtrArray *drops;          /* the DROP statements of the ratings indexes and idle
                              * triggers dropped for the run, */
  GPtrArray *creates;        /* and their CREATE statements */
  GArray *bundle;            /* BundleCall */
  GByteArray *bundle_keys;
  GHashTable *pools;         /* closed_key (account index, YYYYMM) -> Pool */
  GByteArray *facts;         /* scratch: a new rating's facts (facts_of_result) */
  StoreBulk *write;       /* new ratings, in bulk (multi-row INSERTs or COPY) */
  StoreBulk *rewrite;     /* PostgreSQL: stored ratings rewritten, in bulk (COPY, UPDATE FROM) */
  StoreStmt *update_all;  /* a stored rating rewritten, (account, period) changed */
  StoreStmt *update_facts; /* a stored rating rewritten, same (account, period) */
  StoreStmt *update_money; /* a stored rating's covered seconds and charge rewritten, the rest
                            * the same (bundle covers, a price change) */
  StoreStmt *delete_one;  /* a stored rating dropped (--period) */
  StoreStmt *count_users; /* user numbers of an account active in a period */
  /* SQLite: ratings are rating_facts rows (schemas/020), written with ids */
  RatingIds *ids;
  LastLedger *last_ledger;   /* per account index: the ledger it was last written to */
  GHashTable *label_ids;     /* TariffRow -> label id */
  /* the writer thread, during streaming */
  GAsyncQueue *drain_q;      /* rated slots, in call order; &end_mark ends */
  GAsyncQueue *free_q;       /* slots to fill */
  gint32 only;               /* --period as YYYYMM, 0 for all */
  GError *write_error;
  gint write_failed;
  Aggregates *agg;           /* the report aggregates, kept in the run's transaction; during
                              * streaming only the reading thread touches it */
  GMutex db_lock;            /* during streaming: the writing connection, used by the writer
                              * and, to flush the aggregates, the reading thread */
  guint8 *owned;             /* sharded run: per account index, whether the shard owns it */
  gint64 phase_us;           /* when the current phase began (phase_done()) */
} Run;

/* One call's rating, as written to the ratings table. */
typedef struct {
  gint64 call_id;
  gint32 account, period;      /* account -1: unknown */
  guint8 status, reason, band;
  gboolean late;
  const TariffRow *row;        /* rated calls */
  gint64 billable, covered, charge;
} Result;

/* The rating a call had when the run began (read with the call), and how
 * the new one compares with it. */
typedef enum {
  PRIOR_NONE = 0,              /* no rating stored: insert */
  PRIOR_OPEN,                  /* stored and open: rewrite if it changed */
  PRIOR_KEPT,                  /* stored in a closed period or billed: stays */
} PriorState;

typedef struct {
  guint8 state;                /* PriorState */
  gboolean same_facts;         /* all but covered and charge equal (set at drain) */
  gboolean same_key;           /* account and period equal: no index change */
  gint32 period;               /* YYYYMM of the stored rating */
  gint64 covered, charge;
  guint32 off, len, key_len;   /* its facts (facts_append) in the slot's arena */
} Prior;

typedef struct {
  Result result;               /* as the core rated it: nothing covered */
  Prior prior;                 /* the rating stored once bundle_add wrote it */
  gint64 start_ms;
  guint32 key_off, key_len;    /* call key in Run.bundle_keys */
  guint agg;                   /* its facts as written, for the aggregates (aggregates_keep) */
} BundleCall;

/* A bundle's pool: an account's seconds for a period, drawn by its calls in
 * (start, call key) order (billing.md §6).  Calls are covered as they are
 * written, in the order they come, which gives the same covers as that
 * order as long as (a) the calls covered whole before the pool runs out
 * come in any order, and (b) the call it runs out on, and every later one
 * (covered by nothing), come after all of those.  A file written as calls
 * happen keeps to it; a call that breaks it breaks its pool, and
 * apply_bundles covers that pool's calls again in order and rewrites those
 * whose cover changed. */
typedef struct {
  gint64 seconds;              /* the pool (pool_seconds) */
  gint64 remaining;            /* seconds left: 0, the pool has run out */
  gboolean covered;            /* some call drew on it: the last in draw order is */
  gint64 last_ms;              /* the last call in draw order that drew on it: its start, */
  guint32 last_key_off, last_key_len;   /* and its key in Run.bundle_keys */
  gboolean broken;
} Pool;

/* What the aggregates do with a call of a drained slot (Slot.agg_do). */
enum {
  AGG_DO_MINUS_PRIOR = 1,      /* subtract its stored rating */
  AGG_DO_PLUS = 2,             /* add Slot.agg_res */
  AGG_DO_KEEP = 4,             /* a bundle call: keep Slot.agg_res for apply_bundles */
};

typedef struct {
  RateBatch core;
  gint64 call_id[RATE_BATCH_MAX];
  guint32 key_off[RATE_BATCH_MAX], key_len[RATE_BATCH_MAX];
  GByteArray *keys;           /* call keys; operator slug and tenant, NUL-ended, at who_off */
  guint32 who_off[RATE_BATCH_MAX];
  RaterNumber own[RATE_BATCH_MAX];     /* the caller (out) or callee (in): the user's number */
  gint64 duration[RATE_BATCH_MAX];     /* as stored (the core's is saturated) */
  const RateAccounts *resolver;
  Prior prior[RATE_BATCH_MAX];
  GByteArray *facts;           /* stored ratings' facts */
  guint8 agg_do[RATE_BATCH_MAX];       /* AGG_DO_*, set by the writer */
  Result agg_res[RATE_BATCH_MAX];      /* the new rating, for AGG_DO_PLUS and AGG_DO_KEEP */
  guint agg_keep[RATE_BATCH_MAX];      /* AGG_DO_KEEP: the handle its BundleCall holds */
  const RateAccount *accounts;
  GMutex lock;
  GCond cond;
  gboolean done;
} Slot;

static const char *const status_names[] = { "rated", "free", "unanswered", "unrated" };
static const char *const reason_names[] = { NULL, "unknown_account", "no_rate", "implausible_call",
                                            "charge_overflow" };
static const char *const band_names[] = { "peak", "offpeak", "weekend" };

/* The table `rater rate` writes: rating_facts on SQLite, ratings on
 * PostgreSQL. */
static const char *
rated_table (const Run *r)
{
  return r->ids ? "rating_facts" : "ratings";
}

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->accounts, rate_accounts_free);
  g_clear_pointer (&r->closed, g_hash_table_unref);
  g_clear_pointer (&r->closed_names, g_hash_table_unref);
  g_clear_pointer (&r->drops, g_ptr_array_unref);
  g_clear_pointer (&r->creates, g_ptr_array_unref);
  g_clear_pointer (&r->bundle, g_array_unref);
  g_clear_pointer (&r->bundle_keys, g_byte_array_unref);
  g_clear_pointer (&r->pools, g_hash_table_unref);
  g_clear_pointer (&r->facts, g_byte_array_unref);
  g_clear_pointer (&r->write, store_bulk_free);
  g_clear_pointer (&r->rewrite, store_bulk_free);
  g_clear_pointer (&r->update_all, store_finalize);
  g_clear_pointer (&r->update_facts, store_finalize);
  g_clear_pointer (&r->update_money, store_finalize);
  g_clear_pointer (&r->delete_one, store_finalize);
  g_clear_pointer (&r->count_users, store_finalize);
  g_clear_pointer (&r->ids, rating_ids_free);
  g_clear_pointer (&r->label_ids, g_hash_table_unref);
  g_clear_pointer (&r->last_ledger, g_free);
  g_clear_pointer (&r->agg, aggregates_free);
  g_clear_pointer (&r->owned, g_free);
}

/* ---- shards (rate.h) ---- */

guint
rate_shard_of (const char *account, guint shards)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);
  for (const guint8 *p = (const guint8 *) account; *p; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (1099511628211);
    }
  return (guint) (h % shards) + 1;
}

gboolean
rate_parse_shard (const char *text, guint *shard, guint *shards, GError **error)
{
  guint64 k = 0, n = 0;
  g_auto(GStrv) parts = g_strsplit (text ? text : "", "/", -1);
  if (g_strv_length (parts) == 2
      && g_ascii_string_to_unsigned (parts[0], 10, 1, RATE_SHARDS_MAX, &k, NULL)
      && g_ascii_string_to_unsigned (parts[1], 10, 1, RATE_SHARDS_MAX, &n, NULL) && k <= n)
    {
      *shard = (guint) k;
      *shards = (guint) n;
      return TRUE;
    }
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "shard '%s' is not K/N with"
               " 1 <= K <= N <= %d (e.g. --shard 2/3: the second of three workers)",
               text ? text : "", RATE_SHARDS_MAX);
  return FALSE;
}

/* The accounts of a sharded run's shard, by index. */
static void
shard_accounts (Run *r)
{
  if (!r->opts->shards)
    return;
  guint n = rate_accounts_len (r->accounts);
  r->owned = g_new0 (guint8, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    r->owned[i] = rate_shard_of (rate_accounts_info (r->accounts, (gint32) i)->name,
                                 r->opts->shards) == r->opts->shard;
}

/* Whether the run rates a call of ACCOUNT (index, -1 for none): every call
 * unsharded; a call without an account in shard 1. */
static gboolean
owns (const Run *r, gint32 account)
{
  if (!r->owned)
    return TRUE;
  return account < 0 ? r->opts->shard == 1 : r->owned[account];
}

/* ---- loading ---- */

/* YYYYMM of "YYYY-MM", or -1. */
static gint32
parse_period (const char *text)
{
  int y, m;
  return time_parse_period (text, strlen (text), &y, &m) == TIME_OK ? y * 100 + m : -1;
}

/* The key of (account index, YYYYMM) in Run.closed and Run.pools: the
 * account in the low bits, as GLib (2.74) hashes a gint64 by those alone.
 * With the period there, every account's key of a period had one hash,
 * and each lookup walked all the accounts of the period. */
static gint64
closed_key (gint32 account, gint32 period)
{
  return (gint64) period << 32 | (guint32) account;
}

/* The closed period at ST's row (account, period), unless its account is no
 * longer in the catalog. */
static gboolean
add_closed (StoreStmt *st, gpointer data, GError **error)
{
  Run *r = data;
  g_hash_table_add (r->closed_names,
                    g_strconcat (store_column_text (st, 0), "\x1f", store_column_text (st, 1), NULL));
  gint32 index = rate_accounts_find (r->accounts, store_column_text (st, 0));
  gint32 period = parse_period (store_column_text (st, 1));
  if (index >= 0 && period >= 0)
    {
      gint64 *key = g_new (gint64, 1);
      *key = closed_key (index, period);
      g_hash_table_add (r->closed, key);
    }
  return TRUE;
}

/* Closed periods of the catalog's accounts, keyed by account index and
 * YYYYMM so the per-call test is one integer lookup; and every closed
 * period by name, for the stored ratings (their account may have left the
 * catalog). */
static gboolean
load_closed (Run *r, GError **error)
{
  return store_query_each (r->db, "SELECT account, period FROM closed_periods", add_closed, r,
                           "loading closed periods", error);
}

/* ---- the ratings' indexes and triggers around a run ---- */

/* Drop the index or trigger at ST's row (type, name, sql), keeping its SQL
 * for ratings_schema_restore(). */
static gboolean
drop_for_run (StoreStmt *st, gpointer data, GError **error)
{
  Run *r = data;
  g_autofree char *upper = g_ascii_strup (store_column_text (st, 0), -1);
  g_autofree char *name = store_quote_ident (store_column_text (st, 1));
  g_ptr_array_add (r->drops, g_strdup_printf ("DROP %s %s", upper, name));
  g_ptr_array_add (r->creates, g_strdup (store_column_text (st, 2)));
  return TRUE;
}

static gboolean
drop_all (Run *r, guint from, GError **error)
{
  for (guint i = from; i < r->drops->len; i++)
    if (!store_exec (r->db, r->drops->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* Drop the indexes of rating_facts (SQLite's ratings, schemas/020),
 * keeping their SQL for ratings_schema_restore(). */
static gboolean
ratings_indexes_drop (Run *r, GError **error)
{
  guint from = r->drops->len;
  return store_query_each (r->db,
           "SELECT type, name, sql FROM sqlite_schema WHERE type = 'index'"
           " AND tbl_name = 'rating_facts' AND sql IS NOT NULL", drop_for_run, r,
           "reading the ratings indexes", error)
         && drop_all (r, from, error);
}

/* Whether trigger SQL fires only while agg_control.journal is on: its WHEN
 * is exactly that, its body follows. */
static gboolean
journal_gated (const char *sql)
{
  static const char gate[] = "WHEN (SELECT journal FROM agg_control)";
  const char *at = strstr (sql, gate);
  if (!at)
    return FALSE;
  at += sizeof gate - 1;
  while (g_ascii_isspace (*at))
    at++;
  return g_ascii_strncasecmp (at, "BEGIN", 5) == 0 && g_ascii_isspace (at[5]);
}

static gboolean
drop_if_gated (StoreStmt *st, gpointer data, GError **error)
{
  return !journal_gated (store_column_text (st, 2)) || drop_for_run (st, data, error);
}

/* Drop, for a run that mostly inserts, the ratings triggers that do
 * nothing while the journal is off (aggregates_begin turned it off in the
 * run's transaction): each costs a subprogram per row written (0.4 s per
 * million) for nothing.  Only with the indexes, so that the order of the
 * schema (and `.dump`) depends on the same runs as before. */
static gboolean
ratings_triggers_idle (Run *r, GError **error)
{
  guint from = r->drops->len;
  return store_query_each (r->db,
           "SELECT type, name, sql FROM sqlite_schema WHERE type = 'trigger'"
           " AND tbl_name = 'rating_facts'", drop_if_gated, r, "reading the ratings triggers", error)
         && drop_all (r, from, error);
}

/* The page cache (KiB) SQLite's sorter works in while the indexes are
 * built: it sorts runs of the cache's size in memory and merges them, and
 * runs that fit the CPU's caches sort twice as fast as one big one.
 * ratings_by_period at 10M ratings: 16.8 s with the connection's 64 MiB,
 * 8.5 s with 4 MiB (1M: 1.2 s -> 0.7 s). */
#define INDEX_SORT_KIB 4096

/* Create again, from their stored SQL, the indexes (one sorted build
 * instead of an insert per row) and triggers dropped for the run. */
static gboolean
ratings_schema_restore (Run *r, GError **error)
{
  if (r->creates->len == 0)
    return TRUE;
  gint64 cache = 0;
  g_autofree char *sort = g_strdup_printf ("PRAGMA cache_size = -%d", INDEX_SORT_KIB);
  if (!store_query_int (r->db, "PRAGMA cache_size", &cache, error) || !store_exec (r->db, sort, error))
    return FALSE;
  for (guint i = 0; i < r->creates->len; i++)
    if (!store_exec (r->db, r->creates->pdata[i], error))
      return FALSE;
  g_autofree char *back = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache);
  return store_exec (r->db, back, error);
}

/* In the run's transaction: whether calls come with a stored rating to
 * read (none on a first rate), and whether most of the ratings will be new
 * rows, when the indexes are dropped and built again at the end.  Indexes
 * maintained row by row cost a B-tree descent per row, and their pages,
 * dirtied first, are the first the page cache spills to the WAL and reads
 * back once a transaction outgrows it.  The new ratings are the calls
 * ingested since the last rate, whose ids follow the last rated one's: the
 * ids tell their number well enough, where counting the rows read every
 * one (a second or two at 10M). */
static gboolean
plan_writes (Run *r, GError **error)
{
  gint64 any = 0, last_call = 0, last_rated = 0;
  g_autofree char *any_sql = g_strdup_printf ("SELECT count (*) FROM (SELECT 1 FROM %s LIMIT 1) r",
                                              rated_table (r));
  g_autofree char *last_sql = g_strdup_printf ("SELECT coalesce (max (call_id), 0) FROM %s",
                                               rated_table (r));
  if (!store_query_int (r->db, any_sql, &any, error)
      || !store_query_int (r->db, last_sql, &last_rated, error)
      || !store_query_int (r->db, "SELECT coalesce (max (id), 0) FROM calls", &last_call, error))
    return FALSE;
  r->had_ratings = any != 0;
  return last_call - last_rated <= last_rated
         || store_backend (r->db) != STORE_SQLITE   /* the schema read is SQLite's */
         || (ratings_indexes_drop (r, error) && ratings_triggers_idle (r, error));
}

/* The new ratings, in bulk (store.h): on SQLite multi-row INSERTs, OR
 * FAIL (store_or_fail()): a conflict stops the statement without undoing
 * its earlier rows, so SQLite keeps no statement journal (with ABORT, a
 * multi-row INSERT copies every page it touches first; the run's
 * transaction is what makes a failure change nothing); on PostgreSQL a
 * binary COPY per BULK_ROWS ratings.  A new rating also takes its call's
 * operator (schemas/018: PostgreSQL's partition key, never rewritten). */
#define RATING_COLUMNS \
  "call_id, status, reason, account, period, band, prefix, destination, grp, billable," \
  " covered, charge, late"
#define RATING_INSERT_COLUMNS RATING_COLUMNS ", operator"
/* On SQLite, the columns of rating_facts (schemas/020): the ledger holds
 * (period, account, operator), the label (prefix, destination, group). */
#define FACT_COLUMNS \
  "call_id, status, reason, ledger, band, label, billable, covered, charge, late"

static StoreBulk *
prepare_insert (Run *r, GError **error)
{
  return r->ids ? store_bulk_new (r->db, "rating_facts", FACT_COLUMNS, NULL, NULL, error)
                : store_bulk_new (r->db, "ratings", RATING_INSERT_COLUMNS, NULL, NULL, error);
}

/* A stored rating rewritten in place, with bind_result's 13 parameters;
 * without account and period (?4, ?5) when those stay, so the
 * ratings_by_period index is not touched.  OR FAIL, as the INSERTs: the
 * ratings triggers make an UPDATE a "multi-write" statement, and with
 * ABORT SQLite would first copy every page it changes to a statement
 * journal (16 KiB written to a temporary file per bundle call rewritten,
 * 1.8 GB at a million calls); a failure rolls back the run's transaction
 * anyway. */
#define SQL_UPDATE_ALL \
  "UPDATE %sratings SET status = ?2, reason = ?3, account = ?4, period = ?5, band = ?6," \
  " prefix = ?7, destination = ?8, grp = ?9, billable = ?10, covered = ?11, charge = ?12," \
  " late = ?13 WHERE call_id = ?1"
#define SQL_UPDATE_FACTS \
  "UPDATE %sratings SET status = ?2, reason = ?3, band = ?6, prefix = ?7, destination = ?8," \
  " grp = ?9, billable = ?10, covered = ?11, charge = ?12, late = ?13 WHERE call_id = ?1"

/* Only the money of a rating: what a bundle's cover changes, 125,000
 * calls at a million, and a price change.  Three integers bound instead
 * of thirteen values. */
#define SQL_UPDATE_MONEY "UPDATE %s%s SET covered = ?2, charge = ?3 WHERE call_id = ?1"
/* The same on SQLite's rating_facts, with the FACT_COLUMNS parameters. */
#define SQL_UPDATE_ALL_FACTS \
  "UPDATE OR FAIL rating_facts SET status = ?2, reason = ?3, ledger = ?4, band = ?5, label = ?6," \
  " billable = ?7, covered = ?8, charge = ?9, late = ?10 WHERE call_id = ?1"
#define SQL_UPDATE_FACTS_FACTS \
  "UPDATE OR FAIL rating_facts SET status = ?2, reason = ?3, band = ?5, label = ?6," \
  " billable = ?7, covered = ?8, charge = ?9, late = ?10 WHERE call_id = ?1"

/* SQL_UPDATE_ALL (ALL) or SQL_UPDATE_FACTS as the run writes it. */
static StoreStmt *
prepare_update (Run *r, gboolean all, GError **error)
{
  if (r->ids)
    return store_prepare (r->db, all ? SQL_UPDATE_ALL_FACTS : SQL_UPDATE_FACTS_FACTS, error);
  g_autofree char *sql = all ? g_strdup_printf (SQL_UPDATE_ALL, store_or_fail (r->db))
                             : g_strdup_printf (SQL_UPDATE_FACTS, store_or_fail (r->db));
  return store_prepare (r->db, sql, error);
}

static StoreStmt *
prepare_update_money (Run *r, GError **error)
{
  g_autofree char *sql = g_strdup_printf (SQL_UPDATE_MONEY, store_or_fail (r->db), rated_table (r));
  return store_prepare (r->db, sql, error);
}

/* On PostgreSQL the rewrites go in bulk too (a statement per rating is a
 * round trip per rating there: 125,000 bundle calls at 1M); on SQLite they
 * stay the UPDATEs above, which leave the index alone when they can. */
static gboolean
prepare_rewrite (Run *r, GError **error)
{
  if (store_backend (r->db) == STORE_SQLITE)
    return TRUE;
  r->rewrite = store_bulk_update_new (r->db, "ratings", RATING_COLUMNS, error);
  return r->rewrite != NULL;
}

static gboolean
run_load (Run *r, GError **error)
{
  r->closed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  r->closed_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->bundle = g_array_new (FALSE, FALSE, sizeof (BundleCall));
  r->bundle_keys = g_byte_array_new ();
  r->pools = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  r->facts = g_byte_array_new ();
  r->drops = g_ptr_array_new_with_free_func (g_free);
  r->creates = g_ptr_array_new_with_free_func (g_free);
  if (!(r->accounts = rate_accounts_load (r->db, error)))
    return FALSE;
  r->core = rate_accounts_core (r->accounts);
  shard_accounts (r);
  if (store_backend (r->db) == STORE_SQLITE)
    {
      if (!(r->ids = rating_ids_load (r->db, error)))
        return FALSE;
      r->label_ids = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
      r->last_ledger = g_new0 (LastLedger, MAX (rate_accounts_len (r->accounts), 1));
    }
  g_autofree char *delete = g_strdup_printf ("DELETE FROM %s WHERE call_id = ?1", rated_table (r));
  return load_closed (r, error)
         && (r->write = prepare_insert (r, error))
         && (r->update_all = prepare_update (r, TRUE, error))
         && (r->update_facts = prepare_update (r, FALSE, error))
         && (r->update_money = prepare_update_money (r, error))
         && prepare_rewrite (r, error)
         && (r->delete_one = store_prepare (r->db, delete, error))
         && (r->count_users = store_prepare (r->db,
               "SELECT count (DISTINCT number) FROM numbers WHERE account = ? AND type = 'user'"
               " AND from_date < ? AND (to_date IS NULL OR to_date > ?)", error));
}

/* The operator (calls.operator) of call I of S. */
static const char *
slot_operator (const Slot *s, guint i)
{
  return (const char *) s->keys->data + s->who_off[i];
}

/* ---- reading calls into slots ---- */

/* Every call in id order; after a first rate, with its stored rating
 * (columns 10..23; call_id NULL when it has none). */
#define SQL_CALLS_COLUMNS \
  "SELECT c.id, c.operator, c.call_key, c.direction, c.caller, c.callee, c.start_ms, c.duration," \
  " c.answered, c.tenant_id"
#define SQL_CALLS SQL_CALLS_COLUMNS " FROM calls c ORDER BY c.id"
#define SQL_CALLS_RATINGS SQL_CALLS_COLUMNS \
  ", r.call_id, r.account, r.period, r.status, r.reason, r.band, r.prefix, r.destination, r.grp," \
  " r.billable, r.late, r.covered, r.charge, r.invoice" \
  " FROM calls c LEFT JOIN ratings r ON r.call_id = c.id ORDER BY c.id"
/* The same on SQLite, from rating_facts (the view ratings on the right of
 * a LEFT JOIN would be copied whole first, schemas/020), with the ledger's
 * and the label's ids where the view has their texts (COL_LEDGER,
 * COL_LABEL): prior_read() takes the texts from the ids read when the run
 * began (rating-ids.h).  Joining rating_ledgers and rating_labels for them
 * was two more B-tree searches per call on the reading thread, the stage
 * a re-rate waits for. */
#define SQL_CALLS_FACTS SQL_CALLS_COLUMNS \
  ", f.call_id, f.ledger, NULL, f.status, f.reason, f.band, f.label, NULL, NULL," \
  " f.billable, f.late, f.covered, f.charge, f.invoice" \
  " FROM calls c LEFT JOIN rating_facts f ON f.call_id = c.id ORDER BY c.id"
enum { COL_PRIOR = 10, COL_PRIOR_TEXTS = 11, N_FACT_TEXTS = 8, COL_BILLABLE = 19, COL_LATE,
       COL_COVERED, COL_CHARGE, COL_INVOICE,
       COL_LEDGER = COL_PRIOR_TEXTS, COL_LABEL = COL_PRIOR_TEXTS + 5 };

/* ---- the facts of a rating, compared between runs ---- */

/* Append one text of a rating's facts: its bytes and a NUL, or 0x01 for NULL. */
static void
fact_text (GByteArray *out, const char *text, gsize len)
{
  static const guint8 nul = 0, null_mark = 1;
  if (!text)
    {
      g_byte_array_append (out, &null_mark, 1);
      return;
    }
  g_byte_array_append (out, (const guint8 *) text, (guint) len);
  g_byte_array_append (out, &nul, 1);
}

static void
fact_ints (GByteArray *out, gint64 billable, gint64 late)
{
  gint64 v[2] = { billable, late };
  g_byte_array_append (out, (const guint8 *) v, sizeof v);
}

/* The texts of the stored rating at ST's row, in the order of the facts
 * (account, period, status, reason, band, prefix, destination, group),
 * into TEXTS and LENS (NULL for NULL): from the columns, or on SQLite from
 * the ids of its ledger and label.  An id that names no row gives NULLs,
 * as the view's LEFT JOINs do. */
static void
prior_texts (Run *r, StoreStmt *st, const char *texts[N_FACT_TEXTS], gsize lens[N_FACT_TEXTS])
{
  for (int k = 0; k < N_FACT_TEXTS; k++)
    {
      /* on SQLite, the ledger's (0, 1) and the label's (5..7) from their ids below */
      gboolean by_id = r->ids && (k < 2 || k >= 5);
      texts[k] = by_id ? NULL : store_column_text_or_null (st, COL_PRIOR_TEXTS + k);
      lens[k] = texts[k] ? (gsize) store_column_bytes (st, COL_PRIOR_TEXTS + k) : 0;
    }
  if (!r->ids)
    return;
  const char *t[3] = { NULL, NULL, NULL };
  gsize n[3] = { 0, 0, 0 };
  /* ledger: period, account, operator */
  if (!rating_ids_stored_ledger (r->ids, store_column_int64 (st, COL_LEDGER), t, n))
    t[0] = t[1] = NULL;
  texts[0] = t[1], lens[0] = n[1];
  texts[1] = t[0], lens[1] = n[0];
  /* label: prefix, destination, group */
  if (!rating_ids_stored_label (r->ids, store_column_int64 (st, COL_LABEL), t, n))
    t[0] = t[1] = t[2] = NULL;
  for (int k = 0; k < 3; k++)
    texts[5 + k] = t[k], lens[5 + k] = t[k] ? n[k] : 0;
}

/* The facts of the stored rating at ST's row into ARENA (the texts account,
 * period first, then status, reason, band, prefix, destination, group;
 * billable and late), with the state, period, covered and charge into P. */
static void
prior_read (Run *r, StoreStmt *st, GByteArray *arena, Prior *p)
{
  *p = (Prior) { .state = PRIOR_NONE };
  if (store_column_is_null (st, COL_PRIOR))
    return;
  const char *texts[N_FACT_TEXTS];
  gsize lens[N_FACT_TEXTS];
  prior_texts (r, st, texts, lens);
  p->off = arena->len;
  for (int k = 0; k < N_FACT_TEXTS; k++)
    {
      fact_text (arena, texts[k], lens[k]);
      if (k == 1)
        p->key_len = arena->len - p->off;
    }
  gint64 late = store_column_int64 (st, COL_LATE);
  fact_ints (arena, store_column_int64 (st, COL_BILLABLE), late);
  p->len = arena->len - p->off;
  const char *account = texts[0] ? texts[0] : "";
  const char *period = texts[1] ? texts[1] : "";
  p->period = parse_period (period);
  p->covered = store_column_int64 (st, COL_COVERED);
  p->charge = store_column_int64 (st, COL_CHARGE);
  /* kept: billed on an invoice, or in a closed period and not rated late */
  gboolean kept = !store_column_is_null (st, COL_INVOICE);
  if (!kept && late == 0 && g_hash_table_size (r->closed_names) > 0)
    {
      g_autofree char *name = g_strconcat (account, "\x1f", period, NULL);
      kept = g_hash_table_contains (r->closed_names, name);
    }
  p->state = kept ? PRIOR_KEPT : PRIOR_OPEN;
}

static RaterNumber
number_of (StoreStmt *st, int col)
{
  RaterNumber n = { 0 };
  const char *t = store_column_text_or_null (st, col);
  if (t)
    {
      /* what g_strlcpy () keeps, without walking the rest of a long text */
      gsize len = strnlen (t, sizeof n.digits - 1);
      memcpy (n.digits, t, len);
      n.len = (guint8) len;
    }
  return n;
}

/* Append TEXT and its NUL to ARENA. */
static void
arena_add_string (GByteArray *arena, const char *text)
{
  g_byte_array_append (arena, (const guint8 *) text, (guint) strlen (text) + 1);
}

static void
slot_add (Run *r, Slot *s, StoreStmt *st)
{
  RateBatch *b = &s->core;
  guint i = b->n++;
  gboolean out = !g_str_equal (store_column_text (st, 3), "in");
  RaterNumber callee = number_of (st, 5);
  s->call_id[i] = store_column_int64 (st, 0);
  s->key_off[i] = s->keys->len;
  s->key_len[i] = (guint32) store_column_bytes (st, 2);
  g_byte_array_append (s->keys, (const guint8 *) store_column_text (st, 2), s->key_len[i]);
  b->start_ms[i] = store_column_int64 (st, 6);
  /* saturated, never truncated: the core refuses anything over 7 days
   * (a call stored before ingest checked durations) */
  b->duration[i] = (gint32) CLAMP (store_column_int64 (st, 7), -1, G_MAXINT32);
  s->duration[i] = store_column_int64 (st, 7);
  b->answered[i] = (guint8) store_column_int (st, 8);
  b->direction[i] = out ? 0 : 1;
  memcpy (b->number[i], callee.digits, 16);
  b->number_len[i] = callee.len;
  /* the account is resolved by the pool (slot_resolve) */
  s->own[i] = number_of (st, out ? 4 : 5);
  s->who_off[i] = s->keys->len;
  arena_add_string (s->keys, store_column_text (st, 1));
  arena_add_string (s->keys, store_column_text (st, 9));
  if (r->had_ratings)
    prior_read (r, st, s->facts, &s->prior[i]);
  else
    s->prior[i].state = PRIOR_NONE;
}

/* ---- the thread pool ---- */

/* The account index of each call of S, or -1. */
static void
slot_resolve (Slot *s)
{
  RateBatch *b = &s->core;
  for (guint i = 0; i < b->n; i++)
    {
      const char *operator_slug = (const char *) s->keys->data + s->who_off[i];
      const char *tenant = operator_slug + strlen (operator_slug) + 1;
      b->account[i] = rate_accounts_resolve (s->resolver, operator_slug, tenant, strlen (tenant),
                                             &s->own[i], b->start_ms[i]);
    }
}

static void
slot_rate (gpointer data, gpointer user)
{
  Slot *s = data;
  slot_resolve (s);
  ratecore_rate (s->accounts, &s->core);
  g_mutex_lock (&s->lock);
  s->done = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
}

static void
slot_wait (Slot *s)
{
  g_mutex_lock (&s->lock);
  while (!s->done)
    g_cond_wait (&s->cond, &s->lock);
  g_mutex_unlock (&s->lock);
}

/* ---- writing ---- */

/* Log, with G_MESSAGES_DEBUG, the time since the current phase of R began,
 * as WHAT, and begin the next one.  TRUE. */
static gboolean
phase_done (Run *r, const char *what)
{
  gint64 now = g_get_monotonic_time ();
  g_debug ("rate: %s: %" G_GINT64_FORMAT " ms", what, (now - r->phase_us) / 1000);
  r->phase_us = now;
  return TRUE;
}

/* "YYYY-MM" of YYYYMM (years 0..9999), without printf: once per call. */
static void
period_text (gint32 period, char buf[8])
{
  int y = period / 100, m = period % 100;
  buf[0] = (char) ('0' + y / 1000 % 10), buf[1] = (char) ('0' + y / 100 % 10);
  buf[2] = (char) ('0' + y / 10 % 10), buf[3] = (char) ('0' + y % 10);
  buf[4] = '-', buf[5] = (char) ('0' + m / 10), buf[6] = (char) ('0' + m % 10), buf[7] = '\0';
}

#define RATING_VALUES 13   /* the columns of RATING_COLUMNS */
#define FACT_VALUES 10     /* the columns of FACT_COLUMNS */

/* RES as the values of RATING_COLUMNS into V (ended by STORE_VALUE_END).
 * PERIOD must stay valid while V is used. */
static void
text_values (Run *r, const Result *res, const char *period, StoreValue v[RATING_VALUES + 1])
{
  const TariffRow *row = res->row;
  gboolean known = res->account >= 0;
  const char *account = known ? rate_accounts_info (r->accounts, res->account)->name : NULL;
  int k = 0;
  v[k++] = STORE_INT (res->call_id);
  v[k++] = STORE_TEXT (status_names[res->status]);
  v[k++] = STORE_TEXT (reason_names[res->reason]);
  v[k++] = STORE_TEXT (account);
  v[k++] = STORE_TEXT_LEN (period, 7);
  v[k++] = STORE_TEXT (known ? band_names[res->band] : NULL);
  v[k++] = STORE_TEXT (row ? row->prefix : NULL);
  v[k++] = STORE_TEXT (row ? row->destination : NULL);
  v[k++] = STORE_TEXT (row ? row->group : NULL);
  v[k++] = STORE_INT (res->billable);
  v[k++] = STORE_INT (res->covered);
  v[k++] = STORE_INT (res->charge);
  v[k++] = STORE_INT (res->late);
  v[k] = (StoreValue) { .type = STORE_VALUE_END };
}

/* The ledger id of RES, a rating of a call of OPERATOR_SLUG, into *ID.  A
 * known account's calls are all of its operator (rate_accounts_resolve), so
 * its ledgers are found by (account, period) alone.  Without OPERATOR_SLUG
 * (a rewrite that keeps the ledger), unless it is the account's last: NULL. */
static gboolean
ledger_id (Run *r, const Result *res, const char *period, const char *operator_slug,
           StoreValue *id, GError **error)
{
  gboolean known = res->account >= 0;
  LastLedger *last = known ? &r->last_ledger[res->account] : NULL;
  gint64 found;
  if (last && last->period == res->period)
    {
      *id = STORE_INT (last->id);
      return TRUE;
    }
  if (!operator_slug)
    {
      *id = STORE_NULL;
      return TRUE;
    }
  const char *account = known ? rate_accounts_info (r->accounts, res->account)->name : NULL;
  if (!rating_ids_ledger (r->ids, period, account, operator_slug, &found, error))
    return FALSE;
  if (last)
    *last = (LastLedger) { res->period, found };
  *id = STORE_INT (found);
  return TRUE;
}

/* The label id of RES (its deck row's texts; none: 0). */
static gboolean
label_id (Run *r, const Result *res, StoreValue *id, GError **error)
{
  const TariffRow *row = res->row;
  gint64 found = 0;
  const gint64 *cached = row ? g_hash_table_lookup (r->label_ids, row) : NULL;
  if (cached)
    found = *cached;
  else if (row)
    {
      if (!rating_ids_label (r->ids, row->prefix, row->destination, row->group, &found, error))
        return FALSE;
      g_hash_table_insert (r->label_ids, (gpointer) (guintptr) row, g_memdup2 (&found, sizeof found));
    }
  *id = STORE_INT (found);
  return TRUE;
}

/* RES as the values of FACT_COLUMNS into V (ended by STORE_VALUE_END), the
 * ledger of a call of OPERATOR_SLUG (ledger_id()).  PERIOD must stay valid
 * while V is used. */
static gboolean
fact_values (Run *r, const Result *res, const char *period, const char *operator_slug,
             StoreValue v[FACT_VALUES + 1], GError **error)
{
  gboolean known = res->account >= 0;
  v[0] = STORE_INT (res->call_id);
  v[1] = STORE_TEXT (status_names[res->status]);
  v[2] = STORE_TEXT (reason_names[res->reason]);
  v[4] = STORE_TEXT (known ? band_names[res->band] : NULL);
  v[6] = STORE_INT (res->billable);
  v[7] = STORE_INT (res->covered);
  v[8] = STORE_INT (res->charge);
  v[9] = STORE_INT (res->late);
  v[10] = (StoreValue) { .type = STORE_VALUE_END };
  return ledger_id (r, res, period, operator_slug, &v[3], error) && label_id (r, res, &v[5], error);
}

/* RES as the values of the columns the run writes, RATING_COLUMNS or on
 * SQLite FACT_COLUMNS, into V (ended by STORE_VALUE_END); OPERATOR_SLUG as
 * fact_values() takes it.  PERIOD must stay valid while V is used. */
static gboolean
result_values (Run *r, const Result *res, const char *period, const char *operator_slug,
               StoreValue v[RATING_VALUES + 1], GError **error)
{
  if (r->ids)
    return fact_values (r, res, period, operator_slug, v, error);
  text_values (r, res, period, v);
  return TRUE;
}

/* Write the new ratings given so far (calls without a stored rating: no
 * conflict is possible), then the rewrites; without ALL, only once
 * BULK_ROWS are waiting.  A call is inserted and rewritten (a bundle call)
 * only across a flush with ALL: its rewrite follows its insert. */
static gboolean
flush_results (Run *r, gboolean all, GError **error)
{
  if ((all || store_bulk_pending (r->write) >= BULK_ROWS)
      && !store_bulk_flush (r->write, NULL, error))
    return FALSE;
  return !r->rewrite || !(all || store_bulk_pending (r->rewrite) >= BULK_ROWS)
         || store_bulk_flush (r->rewrite, NULL, error);
}

/* Insert RES, the rating of a call of operator OPERATOR_SLUG. */
static gboolean
write_result (Run *r, const Result *res, const char *operator_slug, GError **error)
{
  char period[8];
  StoreValue v[RATING_VALUES + 2];
  period_text (res->period, period);
  if (!result_values (r, res, period, operator_slug, v, error))
    return FALSE;
  if (!r->ids)
    {
      v[RATING_VALUES] = STORE_TEXT (operator_slug);
      v[RATING_VALUES + 1] = (StoreValue) { .type = STORE_VALUE_END };
    }
  return store_bulk_row_values (r->write, v, error) && flush_results (r, FALSE, error);
}

/* The facts of RES as prior_read() reads them from a stored row, into
 * Run.facts; returns the length of its key (account, period). */
static guint
facts_of_result (Run *r, const Result *res)
{
  GByteArray *out = r->facts;
  const TariffRow *row = res->row;
  gboolean known = res->account >= 0;
  const char *account = known ? rate_accounts_info (r->accounts, res->account)->name : NULL;
  const char *texts[N_FACT_TEXTS] = {
    account, NULL, status_names[res->status], reason_names[res->reason],
    known ? band_names[res->band] : NULL, row ? row->prefix : NULL,
    row ? row->destination : NULL, row ? row->group : NULL,
  };
  char period[8];
  period_text (res->period, period);
  texts[1] = period;
  guint key_len = 0;
  g_byte_array_set_size (out, 0);
  for (int k = 0; k < N_FACT_TEXTS; k++)
    {
      fact_text (out, texts[k], texts[k] ? strlen (texts[k]) : 0);
      if (k == 1)
        key_len = out->len;
    }
  fact_ints (out, res->billable, res->late);
  return key_len;
}

/* Compare RES with the stored rating P (facts in ARENA): sets P's
 * same_facts and same_key. */
static void
prior_compare (Run *r, const GByteArray *arena, Prior *p, const Result *res)
{
  guint key_len = facts_of_result (r, res);
  const guint8 *stored = arena->data + p->off;
  p->same_key = key_len == p->key_len && memcmp (r->facts->data, stored, key_len) == 0;
  p->same_facts = p->same_key && r->facts->len == p->len
                  && memcmp (r->facts->data + key_len, stored + key_len, p->len - key_len) == 0;
}

/* Rewrite the stored rating of RES in place (in bulk on PostgreSQL): only
 * its money when the stored one P has the same facts.  OPERATOR_SLUG: the
 * call's operator, for a rating that changes (account, period); may be
 * NULL otherwise. */
static gboolean
update_one (Run *r, const Result *res, const Prior *p, const char *operator_slug,
            GError **error)
{
  char period[8];
  StoreValue v[RATING_VALUES + 1];
  period_text (res->period, period);
  if (r->rewrite)
    {
      text_values (r, res, period, v);
      return store_bulk_row_values (r->rewrite, v, error) && flush_results (r, FALSE, error);
    }
  if (p->same_facts)
    return store_bind (r->update_money, error, STORE_INT (res->call_id), STORE_INT (res->covered),
                       STORE_INT (res->charge))
           && store_step (r->update_money, error);
  StoreStmt *st = p->same_key ? r->update_facts : r->update_all;
  return result_values (r, res, period, operator_slug, v, error)
         && store_bind_values (st, 1, v, error) && store_step (st, error);
}

/* Whether RES is the stored rating P as it is (P's facts compared by
 * prior_compare): nothing to write, nothing for the aggregates. */
static gboolean
same_as_stored (const Prior *p, const Result *res)
{
  return p->same_facts && res->covered == p->covered && res->charge == p->charge;
}

/* Write RES given the call's stored rating P (compared by prior_compare):
 * insert when it has none (OPERATOR_SLUG: the call's operator), nothing
 * when it is the same, else rewrite it (OPERATOR_SLUG may be NULL when
 * its account and period stay: update_one()). */
static gboolean
write_change (Run *r, const Result *res, const Prior *p, const char *operator_slug,
              GError **error)
{
  if (p->state == PRIOR_NONE)
    {
      g_assert (operator_slug != NULL);
      return write_result (r, res, operator_slug, error);
    }
  if (same_as_stored (p, res))
    return TRUE;
  return update_one (r, res, p, operator_slug, error);
}

/* Drop the stored rating of call CALL_ID. */
static gboolean
delete_one (Run *r, gint64 call_id, GError **error)
{
  return store_bind (r->delete_one, error, STORE_INT (call_id)) && store_step (r->delete_one, error);
}

static Result
result_of (Run *r, const Slot *s, guint i, gboolean late)
{
  const RateBatch *b = &s->core;
  gboolean rated = b->status[i] == RATE_RATED;
  Result res = {
    .call_id = s->call_id[i], .account = b->account[i], .period = b->period[i],
    .status = b->status[i], .reason = b->reason[i], .band = b->band[i], .late = late,
    .row = rated ? tariff_row (r->core[b->account[i]].tariff, b->row[i]) : NULL,
    .billable = rated ? b->billable[i] : 0,
    .charge = rated ? b->charge[i] : 0,
  };
  return res;
}

static void
count (RateStats *s, const RateBatch *b, guint i, gboolean late)
{
  s->calls++;
  s->late += late;
  switch (b->status[i])
    {
    case RATE_RATED: s->rated++; break;
    case RATE_FREE: s->free++; break;
    case RATE_UNANSWERED: s->unanswered++; break;
    default:
      s->unrated++;
      s->unknown_account += b->reason[i] == RATE_REASON_UNKNOWN_ACCOUNT;
      s->no_rate += b->reason[i] == RATE_REASON_NO_RATE;
      s->implausible += b->reason[i] == RATE_REASON_IMPLAUSIBLE;
      s->overflow += b->reason[i] == RATE_REASON_OVERFLOW;
    }
}

/* ---- the report aggregates ---- */

/* The call facts of call I of S with the rating RES, for the aggregates. */
static AggRating
agg_of_result (Run *r, const Slot *s, guint i, const Result *res)
{
  const RateBatch *b = &s->core;
  return (AggRating) {
    .account = res->account >= 0 ? rate_accounts_info (r->accounts, res->account)->name : NULL,
    .operator_slug = slot_operator (s, i),
    .number = s->own[i].len ? s->own[i].digits : NULL,
    .grp = res->row ? res->row->group : NULL, .destination = res->row ? res->row->destination : NULL,
    .start_ms = b->start_ms[i], .duration = s->duration[i], .billable = res->billable,
    .charge = res->charge, .covered = res->covered, .period = res->period,
    .out = b->direction[i] == 0,
    .status = res->status,
  };
}

/* The next text of stored facts (fact_text) at *POS, NULL for NULL. */
static const char *
fact_next (const guint8 *facts, guint *pos)
{
  if (facts[*pos] == 1)
    {
      (*pos)++;
      return NULL;
    }
  const char *text = (const char *) facts + *pos;
  *pos += (guint) strlen (text) + 1;
  return text;
}

/* The call facts of call I of S with its stored rating P. */
static AggRating
agg_of_prior (Run *r, const Slot *s, guint i, const Prior *p)
{
  Result none = { .account = -1 };
  AggRating a = agg_of_result (r, s, i, &none);
  guint pos = p->off;
  const char *texts[N_FACT_TEXTS];
  for (int k = 0; k < N_FACT_TEXTS; k++)
    texts[k] = fact_next (s->facts->data, &pos);
  gint64 billable;
  memcpy (&billable, s->facts->data + pos, sizeof billable);
  a.account = texts[0];
  a.status = AGG_UNRATED;
  for (guint k = 0; k < G_N_ELEMENTS (status_names); k++)
    if (texts[2] && g_str_equal (texts[2], status_names[k]))
      a.status = (guint8) k;
  a.destination = texts[6];
  a.grp = texts[7];
  a.billable = billable;
  a.charge = p->charge;
  a.covered = p->covered;
  a.period = p->period;
  return a;
}

/* The aggregates of call I of S follow its new rating RES: minus the stored
 * one P (when open), plus RES; nothing when RES is written as it is, as
 * write_change() decides.  Noted in S for slot_aggregate(). */
static void
agg_change (Slot *s, guint i, const Prior *p, const Result *res)
{
  s->agg_res[i] = *res;
  if (p->state == PRIOR_OPEN && same_as_stored (p, res))
    return;
  s->agg_do[i] |= AGG_DO_PLUS | (p->state == PRIOR_OPEN ? AGG_DO_MINUS_PRIOR : 0);
}

/* Add the changes the writer noted in S to the aggregates, in call order,
 * and keep its bundle calls' facts (their handles follow the order in
 * which the writer set them aside).  On the reading thread. */
static void
slot_aggregate (Run *r, Slot *s)
{
  for (guint i = 0; i < s->core.n; i++)
    {
      guint8 what = s->agg_do[i];
      if (!what)
        continue;
      if (what & AGG_DO_MINUS_PRIOR)
        {
          AggRating old = agg_of_prior (r, s, i, &s->prior[i]);
          aggregates_add (r->agg, &old, -1);
        }
      AggRating now = agg_of_result (r, s, i, &s->agg_res[i]);
      if (what & AGG_DO_PLUS)
        aggregates_add (r->agg, &now, 1);
      if (what & AGG_DO_KEEP)
        {
          guint handle = aggregates_keep (r->agg, &now);
          g_assert (handle == s->agg_keep[i]);
        }
    }
  memset (s->agg_do, 0, s->core.n);
}

/* slot_aggregate (S), then a flush of the aggregates when they hold too
 * many groups: on the writing connection, while the writer leaves it. */
static gboolean
slot_aggregate_flush (Run *r, Slot *s, GError **error)
{
  slot_aggregate (r, s);
  if (!aggregates_flush_due (r->agg))
    return TRUE;
  g_mutex_lock (&r->db_lock);
  gboolean ok = aggregates_flush (r->agg, FALSE, error);
  g_mutex_unlock (&r->db_lock);
  return ok;
}

static gboolean
bundle_eligible (Run *r, const RateBatch *b, guint i)
{
  if (b->status[i] != RATE_RATED || b->direction[i] != 0)
    return FALSE;
  const RateAccountInfo *info = rate_accounts_info (r->accounts, b->account[i]);
  if (info->bundle_minutes <= 0)
    return FALSE;
  const TariffRow *row = tariff_row (r->core[b->account[i]].tariff, b->row[i]);
  return g_strv_contains ((const char *const *) info->bundle_groups, row->group);
}

static gboolean
is_closed (Run *r, const RateBatch *b, guint i)
{
  if (b->account[i] < 0 || g_hash_table_size (r->closed) == 0)
    return FALSE;
  gint64 key = closed_key (b->account[i], b->period[i]);
  return g_hash_table_contains (r->closed, &key);
}

static gboolean bundle_add (Run *r, Slot *s, guint i, const Result *res, const Prior *p,
                            GError **error);

/* What happens to call I of a rated slot: kept, written, or set aside for
 * the bundle pass.  Only what differs from the stored ratings is written:
 * the result is what deleting the open ratings (of --period) and
 * inserting every new one would leave. */
static gboolean
slot_drain_one (Run *r, Slot *s, guint i, gint32 only_period, GError **error)
{
  const RateBatch *b = &s->core;
  Prior *p = &s->prior[i];
  if (only_period && b->period[i] != only_period)
    /* an open rating of the period goes; one of another period stays */
    return p->state != PRIOR_OPEN || p->period != only_period || delete_one (r, s->call_id[i], error);
  /* A kept rating stays whatever the catalog now says: a changed zone or
   * number assignment may map its call to another (account, period), but
   * the closed period it was billed in never changes. */
  if (p->state == PRIOR_KEPT)
    {
      r->stats->kept++;
      return TRUE;
    }
  gboolean late = is_closed (r, b, i);
  count (r->stats, b, i, late);
  Result res = result_of (r, s, i, late);
  if (p->state == PRIOR_OPEN)
    prior_compare (r, s->facts, p, &res);
  if (!late && bundle_eligible (r, b, i))
    return bundle_add (r, s, i, &res, p, error);
  agg_change (s, i, p, &res);
  return write_change (r, &res, p, slot_operator (s, i), error);
}

static gboolean
slot_drain (Run *r, Slot *s, gint32 only_period, GError **error)
{
  slot_wait (s);
  g_mutex_lock (&r->db_lock);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < s->core.n; i++)
    ok = !owns (r, s->core.account[i]) || slot_drain_one (r, s, i, only_period, error);
  g_mutex_unlock (&r->db_lock);
  return ok;
}

/* ---- bundles (billing.md §6) ---- */

static GByteArray *sort_keys;   /* the key arena while sorting (qsort has no user data) */

/* The order calls draw on a pool: start, then call key (bytes, then length). */
static int
draw_order (gint64 a_ms, const guint8 *a_key, guint32 a_len, gint64 b_ms, const guint8 *b_key,
            guint32 b_len)
{
  if (a_ms != b_ms)
    return a_ms < b_ms ? -1 : 1;
  int c = memcmp (a_key, b_key, MIN (a_len, b_len));
  return c ? c : (a_len > b_len) - (a_len < b_len);
}

static int
bundle_compare (const void *pa, const void *pb)
{
  const BundleCall *a = pa, *b = pb;
  if (a->result.account != b->result.account)
    return a->result.account < b->result.account ? -1 : 1;
  if (a->result.period != b->result.period)
    return a->result.period < b->result.period ? -1 : 1;
  return draw_order (a->start_ms, sort_keys->data + a->key_off, a->key_len,
                     b->start_ms, sort_keys->data + b->key_off, b->key_len);
}

static int
bundle_compare_id (const void *pa, const void *pb)
{
  const BundleCall *a = pa, *b = pb;
  return (a->result.call_id > b->result.call_id) - (a->result.call_id < b->result.call_id);
}

/* Pool seconds of account ACC for PERIOD: bundle minutes x 60 x the user
 * numbers active on at least one day of the period. */
static gboolean
pool_seconds (Run *r, gint32 acc, gint32 period, gint64 *seconds, GError **error)
{
  const RateAccountInfo *info = rate_accounts_info (r->accounts, acc);
  int y = period / 100, m = period % 100;
  char first[11], next[11];
  g_snprintf (first, sizeof first, "%04d-%02d-01", y, m);
  g_snprintf (next, sizeof next, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
  StoreStmt *st = r->count_users;
  if (!store_bind (st, error, STORE_TEXT (info->name), STORE_TEXT (next), STORE_TEXT (first)))
    return FALSE;
  gboolean ok = store_next (st) == STORE_ROW;
  /* a pool beyond 64 bits is as good as endless: saturate, never wrap */
  if (ok && __builtin_mul_overflow (info->bundle_minutes * 60, store_column_int64 (st, 0), seconds))
    *seconds = G_MAXINT64;
  else if (!ok)
    store_set_error (error, r->db, "counting bundle users");
  store_reset (st);
  return ok;
}

/* The pool of account ACC in PERIOD, counted on first use. */
static Pool *
pool_of (Run *r, gint32 acc, gint32 period, GError **error)
{
  gint64 key = closed_key (acc, period);
  Pool *pool = g_hash_table_lookup (r->pools, &key);
  if (pool)
    return pool;
  pool = g_new0 (Pool, 1);
  if (!pool_seconds (r, acc, period, &pool->seconds, error))
    {
      g_free (pool);
      return NULL;
    }
  pool->remaining = pool->seconds;
  g_hash_table_insert (r->pools, g_memdup2 (&key, sizeof key), pool);
  return pool;
}

/* RES, rated by the core, overflows with its bundle cover: unrated, as
 * the core does (it cannot, as covered seconds only lower the charge, but
 * an amount that does not fit is never written). */
static void
bundle_overflow (RateStats *stats, Result *res)
{
  *res = (Result) { .call_id = res->call_id, .account = res->account, .period = res->period,
                    .status = RATE_UNRATED, .reason = RATE_REASON_OVERFLOW, .band = res->band };
  stats->rated--;
  stats->unrated++;
  stats->overflow++;
}

/* Cover RES (nothing covered yet) from *REMAINING seconds: FALSE when the
 * charge with its cover does not fit (RES unchanged). */
static gboolean
cover (Run *r, Result *res, gint64 *remaining)
{
  gint64 covered = MIN (res->billable, *remaining), charge;
  if (!ratecore_charge (&r->core[res->account], res->row, res->billable, covered, &charge))
    return FALSE;
  res->covered = covered;
  res->charge = charge;
  *remaining -= covered;
  return TRUE;
}

/* Call I of S (rated RES, stored P) draws on its bundle: covered now when
 * it comes in its pool's order, else as if nothing were covered, its pool
 * broken; written, its aggregates changed, and set aside for
 * apply_bundles with what was written. */
static gboolean
bundle_add (Run *r, Slot *s, guint i, const Result *res, const Prior *p, GError **error)
{
  Pool *pool = pool_of (r, res->account, res->period, error);
  if (!pool)
    return FALSE;
  const guint8 *key = s->keys->data + s->key_off[i];
  guint32 key_off = r->bundle_keys->len, key_len = s->key_len[i];
  gint64 start_ms = s->core.start_ms[i];
  Result written = *res;
  gboolean after = !pool->covered
                   || draw_order (pool->last_ms, r->bundle_keys->data + pool->last_key_off,
                                  pool->last_key_len, start_ms, key, key_len) < 0;
  /* covered whole while the pool lasts, in any order; the call it runs out
   * on, and those after, only after every call covered */
  gboolean whole = res->billable < pool->remaining;
  if (pool->broken || (!whole && !after) || !cover (r, &written, &pool->remaining))
    {
      pool->broken = TRUE;
      written = *res;
    }
  else if (after)
    {
      pool->covered = TRUE;
      pool->last_ms = start_ms;
      pool->last_key_off = key_off;
      pool->last_key_len = key_len;
    }
  g_byte_array_append (r->bundle_keys, key, key_len);
  /* the aggregates take what is written; slot_aggregate() keeps its facts,
   * in this order, for a correction by apply_bundles */
  agg_change (s, i, p, &written);
  s->agg_do[i] |= AGG_DO_KEEP;
  s->agg_keep[i] = r->bundle->len;
  if (!write_change (r, &written, p, slot_operator (s, i), error))
    return FALSE;
  BundleCall c = { *res, { .state = PRIOR_OPEN, .same_facts = TRUE, .same_key = TRUE,
                           .period = res->period, .covered = written.covered,
                           .charge = written.charge },
                   start_ms, key_off, key_len, s->agg_keep[i] };
  g_array_append_val (r->bundle, c);
  return TRUE;
}

/* The calls of broken pools covered again in order, and those whose cover
 * changed rewritten, their aggregates corrected. */
static gboolean
apply_bundles (Run *r, GError **error)
{
  if (r->bundle->len == 0)
    return TRUE;
  sort_keys = r->bundle_keys;
  qsort (r->bundle->data, r->bundle->len, sizeof (BundleCall), bundle_compare);
  sort_keys = NULL;
  gint64 remaining = 0;
  const Pool *pool = NULL;
  for (guint i = 0; i < r->bundle->len; i++)
    {
      BundleCall *c = &g_array_index (r->bundle, BundleCall, i);
      Result *res = &c->result;
      const BundleCall *prev = i ? &g_array_index (r->bundle, BundleCall, i - 1) : NULL;
      if (!prev || prev->result.account != res->account || prev->result.period != res->period)
        {
          gint64 key = closed_key (res->account, res->period);
          pool = g_hash_table_lookup (r->pools, &key);
          g_assert (pool != NULL);
          remaining = pool->seconds;
        }
      if (!pool->broken)
        {
          res->covered = c->prior.covered;   /* covered as written */
          res->charge = c->prior.charge;
        }
      else if (!cover (r, res, &remaining))
        {
          bundle_overflow (r->stats, res);
          c->prior.same_facts = FALSE;   /* unrated now: more than its money changed */
          continue;
        }
      r->stats->bundled += res->covered > 0;
    }
  /* the aggregates of a call whose cover changed: minus what was written,
   * plus its final figures */
  for (guint i = 0; i < r->bundle->len; i++)
    {
      const BundleCall *c = &g_array_index (r->bundle, BundleCall, i);
      if (same_as_stored (&c->prior, &c->result))
        continue;
      AggRating now = *aggregates_kept (r->agg, c->agg);
      aggregates_add (r->agg, &now, -1);
      now.status = c->result.status;
      now.billable = c->result.billable;
      now.charge = c->result.charge;
      now.covered = c->result.covered;
      now.grp = c->result.row ? c->result.row->group : NULL;
      now.destination = c->result.row ? c->result.row->destination : NULL;
      aggregates_add (r->agg, &now, 1);
    }
  /* rewritten in call order: one sweep over the table, not a seek per call */
  qsort (r->bundle->data, r->bundle->len, sizeof (BundleCall), bundle_compare_id);
  for (guint i = 0; i < r->bundle->len; i++)
    {
      BundleCall *c = &g_array_index (r->bundle, BundleCall, i);
      /* never an insert: bundle_add wrote every one */
      if (!write_change (r, &c->result, &c->prior, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- the run ---- */

static void
slots_free (Slot *slots, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_byte_array_unref (slots[i].keys);
      g_byte_array_unref (slots[i].facts);
      g_mutex_clear (&slots[i].lock);
      g_cond_clear (&slots[i].cond);
    }
  g_free (slots);
}

static Slot *
slots_new (guint n, const RateAccount *accounts, const RateAccounts *resolver)
{
  Slot *slots = g_new0 (Slot, n);
  for (guint i = 0; i < n; i++)
    {
      slots[i].keys = g_byte_array_new ();
      slots[i].facts = g_byte_array_new ();
      slots[i].accounts = accounts;
      slots[i].resolver = resolver;
      g_mutex_init (&slots[i].lock);
      g_cond_init (&slots[i].cond);
    }
  return slots;
}

static void
slot_reset (Slot *s)
{
  s->core.n = 0;
  s->done = FALSE;
  g_byte_array_set_size (s->keys, 0);
  g_byte_array_set_size (s->facts, 0);
}

static Slot end_mark;

/* The writer thread: drain rated slots in call order on the writing
 * connection, then give them back for filling. */
static gpointer
writer_main (gpointer data)
{
  Run *r = data;
  for (Slot *s; (s = g_async_queue_pop (r->drain_q)) != &end_mark;)
    {
      if (!r->write_error && !slot_drain (r, s, r->only, &r->write_error))
        g_atomic_int_set (&r->write_failed, 1);
      if (r->write_error)
        slot_wait (s);   /* never hand back a slot the pool still rates */
      g_async_queue_push (r->free_q, s);
    }
  return NULL;
}

static void
submit (Run *r, GThreadPool *pool, Slot *s)
{
  g_thread_pool_push (pool, s, NULL);
  g_async_queue_push (r->drain_q, s);
}

/* Read every call on READER (this thread), rate the batches on POOL, and let
 * the writer thread write them in order. */
static gboolean
stream_calls (Run *r, StoreDb *reader, GThreadPool *pool, guint batch, GError **error)
{
  const char *sql = !r->had_ratings ? SQL_CALLS : r->ids ? SQL_CALLS_FACTS : SQL_CALLS_RATINGS;
  g_autoptr(StoreStmt) st = store_prepare (reader, sql, error);
  if (!st)
    return FALSE;
  Slot *cur = NULL;
  int rc;
  while (!g_atomic_int_get (&r->write_failed) && (rc = store_next (st)) == STORE_ROW)
    {
      if (!cur)
        {
          cur = g_async_queue_pop (r->free_q);
          if (!slot_aggregate_flush (r, cur, error))
            return FALSE;
          slot_reset (cur);
        }
      slot_add (r, cur, st);
      if (cur->core.n == batch)
        submit (r, pool, cur), cur = NULL;
    }
  if (cur)
    submit (r, pool, cur);
  if (!g_atomic_int_get (&r->write_failed) && rc != STORE_DONE)
    return store_set_error (error, reader, "reading calls");
  return TRUE;
}

static gboolean
rate_all (Run *r, GError **error)
{
  if (r->opts->period && (r->only = parse_period (r->opts->period)) < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "period '%s' is not YYYY-MM", r->opts->period);
      return FALSE;
    }
  g_autoptr(StoreDb) reader = store_open_reader (r->db, error);
  /* on PostgreSQL the calls' cursor streams inside a transaction; outside
   * one (WITH HOLD, store-pg.c) the server reads every call before the first
   * comes (3 s at a million calls, with rating and writing waiting) */
  gboolean pg = reader && store_backend (reader) == STORE_POSTGRES;
  if (!reader || (pg && !store_begin (reader, error)))
    return FALSE;
  guint threads = r->opts->threads ? r->opts->threads : MAX (1, g_get_num_processors ());
  guint batch = r->opts->batch_size ? MIN (r->opts->batch_size, RATE_BATCH_MAX) : RATE_BATCH_MAX;
  guint n_slots = 2 * threads + 2;
  Slot *slots = slots_new (n_slots, r->core, r->accounts);
  r->drain_q = g_async_queue_new ();
  r->free_q = g_async_queue_new ();
  g_mutex_init (&r->db_lock);
  for (guint i = 0; i < n_slots; i++)
    g_async_queue_push (r->free_q, &slots[i]);
  GThreadPool *pool = g_thread_pool_new (slot_rate, NULL, (gint) threads, TRUE, NULL);
  GThread *writer = g_thread_new ("rater-rate-writer", writer_main, r);

  gboolean ok = stream_calls (r, reader, pool, batch, error);
  if (pg)
    store_rollback (reader);   /* read only: nothing to keep */
  g_async_queue_push (r->drain_q, &end_mark);
  g_thread_join (writer);
  g_thread_pool_free (pool, FALSE, TRUE);
  /* the changes of the slots drained last */
  for (Slot *s; ok && !r->write_failed && (s = g_async_queue_try_pop (r->free_q));)
    ok = slot_aggregate_flush (r, s, error);
  g_mutex_clear (&r->db_lock);
  slots_free (slots, n_slots);
  g_clear_pointer (&r->drain_q, g_async_queue_unref);
  g_clear_pointer (&r->free_q, g_async_queue_unref);
  if (ok && r->write_error)
    g_propagate_error (error, g_steal_pointer (&r->write_error));
  g_clear_error (&r->write_error);
  return ok && !r->write_failed && flush_results (r, TRUE, error)
         && phase_done (r, "calls read, rated and written") && apply_bundles (r, error)
         && flush_results (r, TRUE, error) && phase_done (r, "bundles applied");
}

/* ---- a rate with nothing to do (rate.h, schemas/015) ---- */

/* The rating rules of this binary: bump it with any change to rating
 * (rate/, the catalog's resolver, the aggregates) that can give other
 * ratings or sums for the same calls and catalog, so that the first rate of
 * the new binary rates everything again instead of skipping. */
#define RATE_RULES 1

/* The catalog tables rating reads (rate-accounts.c, catalog.c,
 * tariff-cache.c), digested whole. */
static const char *const catalog_tables[] = { "operators", "plans", "accounts", "numbers",
                                              "deck_rows", "deck_tiers", "holidays" };

typedef struct {
  GChecksum *sum;
  GByteArray *row;              /* scratch */
} Digest;

/* The type byte of a digested value (the numbers SQLite gives its types, so
 * the digests of databases written before are unchanged). */
static guint8
digest_type (StoreColumnType type)
{
  switch (type)
    {
    case STORE_COLUMN_INT:
      return 1;
    case STORE_COLUMN_FLOAT:
      return 2;
    case STORE_COLUMN_TEXT:
      return 3;
    case STORE_COLUMN_BLOB:
      return 4;
    case STORE_COLUMN_NULL:
      break;
    }
  return 5;
}

/* Every value of ST's row into the digest: its type, then its bytes (an
 * integer's 8 bytes; a text's, a blob's or a float's length and bytes). */
static gboolean
digest_row (StoreStmt *st, gpointer data, GError **error)
{
  Digest *d = data;
  g_byte_array_set_size (d->row, 0);
  int n = store_column_count (st);
  for (int col = 0; col < n; col++)
    {
      StoreColumnType type = store_column_type (st, col);
      guint8 code = digest_type (type);
      g_byte_array_append (d->row, &code, 1);
      if (type == STORE_COLUMN_INT)
        {
          gint64 v = store_column_int64 (st, col);
          g_byte_array_append (d->row, (const guint8 *) &v, sizeof v);
        }
      else if (type != STORE_COLUMN_NULL)
        {
          const void *bytes = store_column_blob (st, col);
          gint64 len = store_column_bytes (st, col);
          g_byte_array_append (d->row, (const guint8 *) &len, sizeof len);
          g_byte_array_append (d->row, bytes, (guint) len);
        }
    }
  g_checksum_update (d->sum, d->row->data, d->row->len);
  return TRUE;
}

/* The zone file of ZONE (as GLib reads it: $TZDIR or /usr/share/zoneinfo)
 * into SUM, so that a tzdata update rates again. */
static gboolean
digest_zone (StoreStmt *st, gpointer data, GError **error)
{
  const char *zone = store_column_text (st, 0);
  const char *tzdir = g_getenv ("TZDIR");
  g_autofree char *path = g_build_filename (tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo", zone,
                                            NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_checksum_update (data, (const guchar *) zone, (gssize) strlen (zone) + 1);
  if (g_file_get_contents (path, &bytes, &len, NULL))
    g_checksum_update (data, (const guchar *) bytes, (gssize) len);
  return TRUE;
}

/* The digest of what rating reads of the catalog: its tables, row by row
 * in storage order (a catalog imported again unchanged digests the same),
 * and the zone files of its accounts. */
static char *
catalog_tables_digest (StoreDb *db, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GByteArray) row = g_byte_array_new ();
  Digest d = { sum, row };
  for (guint i = 0; i < G_N_ELEMENTS (catalog_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s", catalog_tables[i]);
      g_checksum_update (sum, (const guchar *) sql, (gssize) strlen (sql) + 1);
      if (!store_query_each (db, sql, digest_row, &d, "digesting the catalog", error))
        return NULL;
    }
  if (!store_query_each (db, "SELECT DISTINCT timezone FROM accounts ORDER BY timezone", digest_zone,
                         sum, "digesting the catalog's zones", error))
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

/* Whether the last complete rate left DB as it is now, with CATALOG (its
 * digest): then its figures into STATS. */
static gboolean
rate_unchanged (StoreDb *db, const char *catalog, RateStats *stats, gboolean *same,
                GError **error)
{
  *same = FALSE;
  gboolean current = FALSE;
  if (!aggregates_current (db, &current, error))
    return FALSE;
  if (!current)
    return TRUE;
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT l.calls, l.rated, l.free, l.unanswered, l.unrated, l.unknown_account, l.no_rate,"
    " l.implausible, l.overflow, l.late, l.kept, l.bundled FROM rate_last l, rate_changes c"
    " WHERE l.changes = c.changes AND l.catalog = ?1 AND l.rules = ?2"
    " AND l.last_call = (SELECT coalesce (max (id), 0) FROM calls)", error);
  if (!st || !store_bind (st, error, STORE_TEXT (catalog), STORE_INT (RATE_RULES)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_ROW)
    {
      guint64 *figures[] = { &stats->calls, &stats->rated, &stats->free, &stats->unanswered,
                             &stats->unrated, &stats->unknown_account, &stats->no_rate,
                             &stats->implausible, &stats->overflow, &stats->late, &stats->kept,
                             &stats->bundled };
      for (guint k = 0; k < G_N_ELEMENTS (figures); k++)
        *figures[k] = (guint64) store_column_int64 (st, (int) k);
      *same = TRUE;
      return TRUE;
    }
  return rc == STORE_DONE || store_set_error (error, db, "reading the last rate");
}

/* In the run's transaction, before anything is loaded: whether a
 * complete rate has nothing to do (then its figures in STATS); the
 * catalog's digest into *CATALOG. */
static gboolean
rate_skip (StoreDb *db, RateStats *stats, char **catalog, gboolean *skip, GError **error)
{
  gboolean ok = (*catalog = catalog_tables_digest (db, error)) != NULL
                && rate_unchanged (db, *catalog, stats, skip, error);
  if (!ok || !*skip)
    *stats = (RateStats) { 0 };
  stats->skipped = ok && *skip;
  return ok;
}

/* At the end of a complete rate, in its transaction: what it rated from
 * (CATALOG, digested in the same transaction) and its figures.  Any other
 * rate forgets the last. */
static gboolean
rate_record (Run *r, const char *catalog, GError **error)
{
  if (!store_exec (r->db, "DELETE FROM rate_last", error))
    return FALSE;
  if (r->opts->period || !catalog)
    return TRUE;
  const RateStats *s = r->stats;
  g_autoptr(StoreStmt) st = store_prepare (r->db,
    "INSERT INTO rate_last (id, changes, last_call, catalog, rules, calls, rated, free,"
    " unanswered, unrated, unknown_account, no_rate, implausible, overflow, late, kept, bundled)"
    " SELECT 1, changes, (SELECT coalesce (max (id), 0) FROM calls), ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
    " ?8, ?9, ?10, ?11, ?12, ?13, ?14 FROM rate_changes", error);
  return st && store_bind (st, error, STORE_TEXT (catalog), STORE_INT (RATE_RULES),
                           STORE_INT ((gint64) s->calls), STORE_INT ((gint64) s->rated),
                           STORE_INT ((gint64) s->free), STORE_INT ((gint64) s->unanswered),
                           STORE_INT ((gint64) s->unrated), STORE_INT ((gint64) s->unknown_account),
                           STORE_INT ((gint64) s->no_rate), STORE_INT ((gint64) s->implausible),
                           STORE_INT ((gint64) s->overflow), STORE_INT ((gint64) s->late),
                           STORE_INT ((gint64) s->kept), STORE_INT ((gint64) s->bundled))
         && store_step_done (st, error);
}

gboolean
rate_run (StoreDb *db, const RateOptions *opts, RateStats *stats, GError **error)
{
  Run r = { .db = db, .opts = opts, .stats = stats, .phase_us = g_get_monotonic_time () };
  *stats = (RateStats) { 0 };
  g_autofree char *catalog = NULL;
  gboolean skip = FALSE;
  if (opts->shards && (opts->shard < 1 || opts->shard > opts->shards
                       || opts->shards > RATE_SHARDS_MAX))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "shard %u/%u is not K/N with"
                   " 1 <= K <= N <= %d", opts->shard, opts->shards, RATE_SHARDS_MAX);
      return FALSE;
    }
  if (!store_begin (db, error))
    return FALSE;
  /* a sharded run never skips: rate_last describes whole runs (rate.h) */
  if (!opts->period && !opts->shards && (!rate_skip (db, stats, &catalog, &skip, error) || skip))
    {
      store_rollback (db);
      return skip;
    }
  /* loaded in the transaction: the catalog rated from is the one digested */
  gboolean ok = run_load (&r, error) && (r.agg = aggregates_begin (db, error))
                && plan_writes (&r, error) && phase_done (&r, "catalog loaded")
                && rate_all (&r, error)
                && ratings_schema_restore (&r, error) && phase_done (&r, "indexes built")
                && aggregates_finish (r.agg, error) && phase_done (&r, "aggregates written")
                && rate_record (&r, catalog, error) && store_commit (db, error)
                && phase_done (&r, "committed");
  if (!ok)
    store_rollback (db);
  run_clear (&r);
  return ok;
}
