/* store.h — the database behind one interface: opening, schema migrations,
 * statements, and the helpers that check every result.
 *
 * Two backends implement it (store-backend.h): SQLite, the embedded default
 * (store-sqlite.c: one file), and PostgreSQL (store-pg.c: a server, named by
 * a libpq URI "postgresql://..." or "postgres://...").  Nothing outside those
 * two files knows which library is underneath: modules hold a StoreDb and
 * StoreStmts, write their SQL in the dialect both accept (parameters ?1, ?2,
 * ...; INSERT ... ON CONFLICT; RETURNING), and ask store_backend() only for
 * a backend's own tuning.
 *
 * SQLite: the database is one file in WAL mode with durable commits
 * (synchronous=FULL).  Its schema is the numbered migrations in schemas/
 * (NNN-name.sql), compiled into the binary as GResources, applied in order by
 * store_init(); PRAGMA user_version records the last one applied.
 * PostgreSQL: the same schema in its dialect (schemas/pg/), the version in
 * the table rater_meta.  Every other command opens the database with
 * store_open() and refuses one that is missing, older (run 'rater init') or
 * newer (written by a newer rater) than the schema this binary knows.
 *
 * An existing SQLite file is never initialised: a file that is empty (0
 * bytes), not SQLite, or an SQLite file without rater's tables and
 * user_version (another program's) is refused by store_init() and
 * store_open() alike with RATER_ERROR_DATA, untouched.  A new database is
 * made whole under a temporary name beside PATH and linked into place.
 *
 * Every connection has the SQL functions rater_now() (the time as stored,
 * RATER_NOW honoured) and rater_local_day(MS, ZONE) (store_local_day() in
 * the IANA zone ZONE; the aggregates of schemas/010 are keyed by it).
 *
 * Every connection waits for a lock held by another process up to
 * store_busy_timeout_ms() before failing with "database is locked".
 *
 * Helpers turn failures into GErrors in RATER_ERROR with
 * RATER_ERROR_SOFTWARE, the message naming what was being done; a lock
 * still held by another process after the busy timeout is
 * RATER_ERROR_TEMPFAIL (exit 75: try later).
 */
#pragma once

#include <glib.h>

#include "base/tzmap.h"

/* A connection, and a prepared statement on one.  A statement belongs to
 * its connection and is finalised before it; both are used by one thread
 * at a time. */
typedef struct _StoreDb StoreDb;
typedef struct _StoreStmt StoreStmt;

typedef enum {
  STORE_SQLITE,
  STORE_POSTGRES,
} StoreBackend;

void store_close (StoreDb *db);        /* NULL: nothing */
void store_finalize (StoreStmt *st);   /* NULL: nothing */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreDb, store_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreStmt, store_finalize)

/* TRUE when TARGET names a PostgreSQL server ("postgresql://..." or
 * "postgres://..."), FALSE for an SQLite file path.  store_init(),
 * store_open() and store_open_readonly() refuse (RATER_ERROR_USAGE) a
 * server URI that holds a password: it belongs in ~/.pgpass, PGPASSFILE
 * or a service file, where libpq finds it. */
gboolean store_target_is_server (const char *target);

StoreBackend store_backend (StoreDb *db);

/* How DB is named in messages: the SQLite file's path as given, or the
 * server's URI without its password. */
const char *store_name (StoreDb *db);

/* TRUE when DB was opened read-only. */
gboolean store_is_readonly (StoreDb *db);

/* The schema version this binary migrates to (the highest NNN in schemas/). */
int store_schema_version (void);

/* How long a connection waits for another process's lock, in milliseconds:
 * $RATER_BUSY_TIMEOUT_MS when it is a whole number, else the default. */
#define STORE_BUSY_TIMEOUT_MS 60000
int store_busy_timeout_ms (void);

/* Create (mode 0600) PATH when it does not exist, or open the rater database
 * at PATH, and bring its schema to the current version.  (PATH may be a
 * server's URI: then the server's database must exist, and is given rater's
 * schema when it has no tables.)  FROM and TO receive
 * the version before and after (FROM 0: created; equal: nothing to do).
 * RATER_ERROR_DATA for an existing file that is not a rater database of a
 * version this rater knows. */
StoreDb *store_init (const char *path, int *from, int *to, GError **error);

/* Open an existing, current database at PATH for a command. */
StoreDb *store_open (const char *path, GError **error);

/* Open an existing, current database at PATH read-only (SQLite: SQLITE_OPEN_READONLY),
 * for a command that only reads: it works in a read-only directory or file
 * system too (opened immutable there, unless a write-ahead log is left beside
 * it, which is an error saying what to do).  The same refusals as
 * store_open(). */
StoreDb *store_open_readonly (const char *path, GError **error);

/* store_open_readonly(), or NULL without an error and *MISSING set when
 * there is no rater database at TARGET: no SQLite file there, or a server
 * database without rater's tables (an SQLite file without them is refused
 * as another program's). */
StoreDb *store_open_readonly_if_exists (const char *target, gboolean *missing, GError **error);

/* A second, read-only connection to DB's file, for reading on another
 * thread while DB writes (WAL gives it its own snapshot). */
StoreDb *store_open_reader (StoreDb *db, GError **error);

/* A second connection to DB's file that may write, for store_checkpoint()
 * on another thread while DB goes on writing.  NULL without an error when
 * there is nothing to checkpoint: a server (PostgreSQL) or an SQLite
 * database without a file of its own (in memory, temporary). */
StoreDb *store_open_checkpointer (StoreDb *db, GError **error);

/* Copy what is committed in the write-ahead log of DB's file into the file,
 * without waiting for (or holding up) a writer or a reader: SQLite's PASSIVE
 * checkpoint, the file synced as the connection's synchronous setting says.
 * What it leaves (a transaction begun on the frames, another checkpoint
 * running) the next checkpoint copies; nothing to do on a server. */
gboolean store_checkpoint (StoreDb *db, GError **error);

/* Set ERROR from DB's last error: "WHAT: the database's message".  Returns
 * FALSE. */
gboolean store_set_error (GError **error, StoreDb *db, const char *what);

/* Run SQL (one or more statements, no results). */
gboolean store_exec (StoreDb *db, const char *sql, GError **error);

/* Prepare one statement (persistent: meant to be reused in a loop). */
StoreStmt *store_prepare (StoreDb *db, const char *sql, GError **error);

/* ---- stepping ----
 *
 * store_next() runs ST (on its first call after binding or a reset) and
 * moves to its next result row: STORE_ROW (the columns below read it),
 * STORE_DONE (no more rows; a statement without results is done at once),
 * or STORE_FAILED (store_set_error() tells why).  store_reset() makes ST
 * ready to run again, its bindings kept. */
typedef enum {
  STORE_FAILED = -1,
  STORE_DONE = 0,
  STORE_ROW = 1,
} StoreStep;

StoreStep store_next (StoreStmt *st);
void store_reset (StoreStmt *st);

/* The connection ST was prepared on. */
StoreDb *store_stmt_db (StoreStmt *st);

/* The number of parameters ST takes (the highest ?N). */
int store_param_count (StoreStmt *st);

/* Rows inserted, updated or deleted by the last statement run on DB. */
gint64 store_changes (StoreDb *db);

/* The id of the row DB inserted last (SQLite: its rowid; PostgreSQL: the
 * session's lastval()).  Only SQLite gives the rows of one multi-row INSERT
 * consecutive ids ending there. */
gint64 store_last_insert_id (StoreDb *db);

/* The number of result columns of ST. */
int store_column_count (StoreStmt *st);

/* "OR FAIL " on SQLite, "" on PostgreSQL, for "INSERT %sINTO" and
 * "UPDATE %st": on SQLite a conflict then stops the statement without undoing
 * its earlier rows, so SQLite keeps no statement journal for a multi-row
 * write (the transaction around it is what undoes a failure); PostgreSQL has
 * no such clause, and a failed statement fails its transaction there. */
const char *store_or_fail (StoreDb *db);

/* NAME as a quoted SQL identifier ("...", inner quotes doubled). */
char *store_quote_ident (const char *name);

/* Step ST expecting no more rows, then reset it and clear its bindings. */
gboolean store_step_done (StoreStmt *st, GError **error);

/* Step ST once, expecting no more rows, and reset it, keeping its bindings (for hot loops
 * that rebind every parameter). */
gboolean store_step (StoreStmt *st, GError **error);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  store_rollback never fails (it is
 * called on error paths) and is a no-op outside a transaction. */
gboolean store_begin (StoreDb *db, GError **error);
gboolean store_commit (StoreDb *db, GError **error);
void store_rollback (StoreDb *db);

/* ---- binding parameters, every result code checked ----
 *
 * store_bind (ST, ERROR, values...) binds the values, one per parameter from
 * ?1 on, in one line, and returns FALSE with ERROR set at the first bind
 * the database refuses ("cannot bind parameter N of 'SQL...': reason", e.g.
 * an index out of range or a text too big).  store_bind_at() does the same from
 * parameter FIRST on (multi-row INSERTs bind row k from k * columns + 1).
 * ERROR comes before the values because they are the variadic part.
 *
 *   if (!store_bind (st, error, STORE_TEXT (r->slug), STORE_INT (r->line),
 *                    STORE_TEXT_OR_NULL (r->user))
 *       || !store_step_done (st, error))
 *     return FALSE;
 *
 * Values are built by the STORE_* constructors below, each argument
 * evaluated once.  Texts and blobs are bound by pointer: they must stay
 * valid until the statement is stepped (and reset or rebound), except
 * STORE_TEXT_COPY, which the store copies.  A NULL text binds NULL.
 */
typedef enum {
  STORE_VALUE_END = 0,         /* ends a list (added by store_bind()) */
  STORE_VALUE_NULL,
  STORE_VALUE_INT,
  STORE_VALUE_TEXT,            /* kept by pointer until stepped */
  STORE_VALUE_TEXT_COPY,       /* copied */
  STORE_VALUE_BLOB,            /* kept by pointer until stepped */
} StoreValueType;

typedef struct {
  StoreValueType type;
  int len;                     /* bytes of text or blob; -1: text up to its NUL */
  union {
    gint64 i;
    const char *text;
    const void *blob;
  };
} StoreValue;

#define STORE_NULL ((StoreValue) { .type = STORE_VALUE_NULL })
#define STORE_INT(v) ((StoreValue) { .type = STORE_VALUE_INT, .i = (v) })
#define STORE_TEXT(s) ((StoreValue) { .type = STORE_VALUE_TEXT, .len = -1, .text = (s) })
#define STORE_TEXT_LEN(s, n) \
  ((StoreValue) { .type = STORE_VALUE_TEXT, .len = (int) (n), .text = (s) })
#define STORE_TEXT_COPY(s) ((StoreValue) { .type = STORE_VALUE_TEXT_COPY, .len = -1, .text = (s) })
#define STORE_BLOB(p, n) ((StoreValue) { .type = STORE_VALUE_BLOB, .len = (int) (n), .blob = (p) })
/* TEXT, or NULL when TEXT is NULL or "". */
#define STORE_TEXT_OR_NULL(s) store_value_text_or_null (s)

static inline StoreValue
store_value_text_or_null (const char *text)
{
  return text && *text ? STORE_TEXT (text) : STORE_NULL;
}

#define store_bind(st, error, ...) store_bind_at ((st), 1, (error), __VA_ARGS__)
#define store_bind_at(st, first, error, ...)                                             \
  store_bind_values ((st), (first),                                                      \
                     (const StoreValue[]) { __VA_ARGS__, { .type = STORE_VALUE_END } }, (error))

/* Bind VALUES, up to the one of type STORE_VALUE_END, to the parameters
 * FIRST, FIRST + 1, ... of ST (what store_bind() expands to). */
gboolean store_bind_values (StoreStmt *st, int first, const StoreValue *values, GError **error);

/* ---- rows in bulk ----
 *
 * A StoreBulk writes many rows into one table, as fast as its backend
 * can: on SQLite, multi-row INSERTs of STORE_BULK_MANY rows (SQLite's
 * per-statement cost counted once per many rows), a shorter tail row by
 * row; on PostgreSQL, COPY ... FROM STDIN (FORMAT binary), the rows of
 * one store_bulk_flush() sent in one stream, never a round trip per row.
 *
 *   g_autoptr(StoreBulk) bulk = store_bulk_new (db, "ratings", "call_id, status", NULL,
 *                                               NULL, error);
 *   for (...)
 *     if (!store_bulk_row (bulk, error, STORE_INT (id), STORE_TEXT (status)))
 *       return FALSE;
 *   return store_bulk_flush (bulk, error);
 *
 * COLUMNS are TABLE's columns as SQL names them, separated by commas
 * ("a, b, \"user\"").  Every value given is copied by store_bulk_row():
 * nothing needs to outlive the call.  Rows are written in the order given,
 * by store_bulk_flush() at the latest (SQLite writes each STORE_BULK_MANY
 * earlier); a failure fails that store_bulk_row() or store_bulk_flush()
 * and drops every row not yet written (the bulk is then empty, ready for
 * the next transaction); the transaction around them is what undoes the
 * rows written (roll it back).  Inside one transaction, what is flushed is visible to
 * the connection's next statements; what is not yet flushed may not be.
 *
 * CONFLICT NULL: every row is new, a conflict is an error.  CONFLICT, e.g.
 * "(call_key, operator) DO NOTHING": what follows ON CONFLICT for every
 * row; then rows skipped by DO NOTHING are told apart by TAG, the name of
 * an integer column among COLUMNS whose values differ between the rows of
 * one flush: after store_bulk_flush(), store_bulk_inserted (BULK, K) tells
 * whether the K-th row of that flush (from 0) was written.  On PostgreSQL
 * a CONFLICT goes through a temporary staging table (COPY into it, then
 * one INSERT ... SELECT ... ON CONFLICT ... RETURNING TAG). */
typedef struct _StoreBulk StoreBulk;

#define STORE_BULK_MANY 64     /* rows per multi-row INSERT on SQLite */

StoreBulk *store_bulk_new (StoreDb *db, const char *table, const char *columns,
                           const char *conflict, const char *tag, GError **error);
void store_bulk_free (StoreBulk *bulk);   /* NULL: nothing; rows not flushed are dropped */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreBulk, store_bulk_free)

#define store_bulk_row(bulk, error, ...)                                                 \
  store_bulk_row_values ((bulk),                                                         \
                         (const StoreValue[]) { __VA_ARGS__, { .type = STORE_VALUE_END } }, \
                         (error))

/* Rows that rewrite stored rows of TABLE: the first of COLUMNS is an
 * integer key naming the row (a unique column), the others take the row's
 * values, as UPDATE TABLE SET col = value, ... WHERE key = value would; the
 * rows of one flush name different keys.  On SQLite one UPDATE OR FAIL per
 * row at the flush; on PostgreSQL one COPY into a staging table and one
 * UPDATE ... FROM it.  store_bulk_inserted() then tells whether the K-th
 * row found its stored row (and rewrote it). */
StoreBulk *store_bulk_update_new (StoreDb *db, const char *table, const char *columns,
                                  GError **error);

/* Add one row: VALUES, one per column, up to the one of type
 * STORE_VALUE_END (what store_bulk_row() expands to). */
gboolean store_bulk_row_values (StoreBulk *bulk, const StoreValue *values, GError **error);

/* Rows added since the last flush. */
guint store_bulk_pending (StoreBulk *bulk);

/* Write every row added since the last flush; *WRITTEN (may be NULL) the
 * number written (fewer than added when a CONFLICT skipped some). */
gboolean store_bulk_flush (StoreBulk *bulk, guint64 *written, GError **error);

/* Whether the K-th row of the last flush was written (CONFLICT given). */
gboolean store_bulk_inserted (StoreBulk *bulk, guint k);

/* ---- reading columns of the current row (COL from 0) ---- */

typedef enum {
  STORE_COLUMN_NULL,
  STORE_COLUMN_INT,
  STORE_COLUMN_FLOAT,
  STORE_COLUMN_TEXT,
  STORE_COLUMN_BLOB,
} StoreColumnType;

/* The value's type (SQLite: the stored value's; PostgreSQL: the column's). */
StoreColumnType store_column_type (StoreStmt *st, int col);
gboolean store_column_is_null (StoreStmt *st, int col);

/* Column COL as an integer; 0 when NULL. */
gint64 store_column_int64 (StoreStmt *st, int col);
int store_column_int (StoreStmt *st, int col);

/* Column COL as bytes (a blob, or a text's bytes) and their length; NULL
 * and 0 when NULL.  Valid until the statement steps, resets or is
 * finalised. */
const void *store_column_blob (StoreStmt *st, int col);
int store_column_bytes (StoreStmt *st, int col);

/* Column COL of ST's current row as text; "" when NULL.  Valid until the
 * statement steps, resets or is finalised. */
const char *store_column_text (StoreStmt *st, int col);

/* The same, but NULL when the column is NULL. */
const char *store_column_text_or_null (StoreStmt *st, int col);

/* ---- stepping through rows ---- */

/* Called for each result row of a statement; FALSE (with ERROR set) stops. */
typedef gboolean (*StoreRowFunc) (StoreStmt *st, gpointer data, GError **error);

/* Step ST through every row, calling ROW (ST, DATA, ERROR) on each, then
 * reset ST.  FALSE when ROW returns FALSE, or when a step fails: then ERROR
 * is "WHAT: the database's message". */
gboolean store_each_row (StoreStmt *st, StoreRowFunc row, gpointer data, const char *what,
                         GError **error);

/* Prepare SQL (a query without parameters) and store_each_row() it. */
gboolean store_query_each (StoreDb *db, const char *sql, StoreRowFunc row, gpointer data,
                           const char *what, GError **error);

/* Where PERIOD's ratings are: the smallest and largest call id and how many
 * there are (all 0 when none), from the ratings_by_period index.  Calls are
 * ingested roughly in time order, so a period is mostly one range of ids:
 * reading ratings and calls by id between FIRST and LAST reads both tables
 * forward, where the (period, account) index order would make every row a
 * random seek.  *SPARSE is set when the period's ratings are fewer than one
 * in 16 of that range (a period that has only begun, late calls): read them
 * through the index then. */
gboolean store_period_calls (StoreDb *db, const char *period, gint64 *first, gint64 *last,
                             gint64 *count, gboolean *sparse, GError **error);

/* The day number (days since 1970-01-01) of UTC milliseconds MS as a
 * calendar day in ZONE: the local day of a call, in reports and aggregates. */
gint64 store_local_day (const TzMap *zone, gint64 ms);

/* The single integer result of SQL (e.g. "SELECT count(*) FROM calls"). */
gboolean store_query_int (StoreDb *db, const char *sql, gint64 *out, GError **error);
