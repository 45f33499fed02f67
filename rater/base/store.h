/* store.h — the SQLite database: opening, schema migrations, statement helpers.
 *
 * The database is one SQLite file in WAL mode with durable commits
 * (synchronous=FULL).  Its schema is the numbered migrations in schemas/
 * (NNN-name.sql), compiled into the binary as GResources, applied in order by
 * store_migrate(); PRAGMA user_version records the last one applied.  Every
 * other command opens the file with store_open() and refuses a database that
 * is missing, older (run 'rater init') or newer (written by a newer rater)
 * than the schema this binary knows.
 *
 * An existing file is never initialised: a file that is empty (0 bytes), not
 * SQLite, or an SQLite file without rater's tables and user_version (another
 * program's) is refused by store_init() and store_open() alike with
 * RATER_ERROR_DATA, untouched.  A new database is made whole under a
 * temporary name beside PATH and linked into place.
 *
 * Every connection has the SQL functions rater_now() (the time as stored,
 * RATER_NOW honoured) and rater_local_day(MS, ZONE) (store_local_day() in
 * the IANA zone ZONE; the aggregates of schemas/010 are keyed by it).
 *
 * Every connection waits for a lock held by another process up to
 * store_busy_timeout_ms() before failing with "database is locked".
 *
 * Helpers turn sqlite3 result codes into GErrors in RATER_ERROR with
 * RATER_ERROR_SOFTWARE, the message naming what was being done; a lock
 * still held by another process after the busy timeout is
 * RATER_ERROR_TEMPFAIL (exit 75: try later).
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "base/tzmap.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close_v2)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The schema version this binary migrates to (the highest NNN in schemas/). */
int store_schema_version (void);

/* How long a connection waits for another process's lock, in milliseconds:
 * $RATER_BUSY_TIMEOUT_MS when it is a whole number, else the default. */
#define STORE_BUSY_TIMEOUT_MS 60000
int store_busy_timeout_ms (void);

/* Create (mode 0600) PATH when it does not exist, or open the rater database
 * at PATH, and bring its schema to the current version.  FROM and TO receive
 * the version before and after (FROM 0: created; equal: nothing to do).
 * RATER_ERROR_DATA for an existing file that is not a rater database of a
 * version this rater knows. */
sqlite3 *store_init (const char *path, int *from, int *to, GError **error);

/* Open an existing, current database at PATH for a command. */
sqlite3 *store_open (const char *path, GError **error);

/* Open an existing, current database at PATH read-only (SQLITE_OPEN_READONLY),
 * for a command that only reads: it works in a read-only directory or file
 * system too (opened immutable there, unless a write-ahead log is left beside
 * it, which is an error saying what to do).  The same refusals as
 * store_open(). */
sqlite3 *store_open_readonly (const char *path, GError **error);

/* A second, read-only connection to DB's file, for reading on another
 * thread while DB writes (WAL gives it its own snapshot). */
sqlite3 *store_open_reader (sqlite3 *db, GError **error);

/* Set ERROR from DB's last error: "WHAT: sqlite message".  Returns FALSE. */
gboolean store_set_error (GError **error, sqlite3 *db, const char *what);

/* Run SQL (one or more statements, no results). */
gboolean store_exec (sqlite3 *db, const char *sql, GError **error);

/* Prepare one statement (persistent: meant to be reused in a loop). */
sqlite3_stmt *store_prepare (sqlite3 *db, const char *sql, GError **error);

/* Step ST expecting SQLITE_DONE, then reset it and clear its bindings. */
gboolean store_step_done (sqlite3_stmt *st, GError **error);

/* Step ST expecting no rows and reset it, keeping its bindings (for hot loops
 * that rebind every parameter). */
gboolean store_step (sqlite3_stmt *st, GError **error);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  store_rollback never fails (it is
 * called on error paths) and is a no-op outside a transaction. */
gboolean store_begin (sqlite3 *db, GError **error);
gboolean store_commit (sqlite3 *db, GError **error);
void store_rollback (sqlite3 *db);

/* ---- binding parameters, every result code checked ----
 *
 * store_bind (ST, ERROR, values...) binds the values, one per parameter from
 * ?1 on, in one line, and returns FALSE with ERROR set at the first bind
 * sqlite3 refuses ("cannot bind parameter N of 'SQL...': reason", e.g. an
 * index out of range or a text too big).  store_bind_at() does the same from
 * parameter FIRST on (multi-row INSERTs bind row k from k * columns + 1).
 * ERROR comes before the values because they are the variadic part.
 *
 *   if (!store_bind (st, error, STORE_TEXT (r->slug), STORE_INT (r->line),
 *                    STORE_TEXT_OR_NULL (r->user))
 *       || !store_step_done (st, error))
 *     return FALSE;
 *
 * Values are built by the STORE_* constructors below, each argument
 * evaluated once.  Texts and blobs are bound SQLITE_STATIC: they must stay
 * valid until the statement is stepped (and reset or rebound), except
 * STORE_TEXT_COPY, which SQLite copies.  A NULL text binds NULL.  The cost
 * over bare sqlite3_bind_* calls is one compare per value.
 */
typedef enum {
  STORE_VALUE_END = 0,         /* ends a list (added by store_bind()) */
  STORE_VALUE_NULL,
  STORE_VALUE_INT,
  STORE_VALUE_TEXT,            /* SQLITE_STATIC */
  STORE_VALUE_TEXT_COPY,       /* SQLITE_TRANSIENT */
  STORE_VALUE_BLOB,            /* SQLITE_STATIC */
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
gboolean store_bind_values (sqlite3_stmt *st, int first, const StoreValue *values, GError **error);

/* ---- reading columns ---- */

/* Column COL of ST's current row as text; "" when NULL.  Valid until the
 * statement steps, resets or is finalised. */
const char *store_column_text (sqlite3_stmt *st, int col);

/* The same, but NULL when the column is NULL. */
const char *store_column_text_or_null (sqlite3_stmt *st, int col);

/* ---- stepping through rows ---- */

/* Called for each result row of a statement; FALSE (with ERROR set) stops. */
typedef gboolean (*StoreRowFunc) (sqlite3_stmt *st, gpointer data, GError **error);

/* Step ST through every row, calling ROW (ST, DATA, ERROR) on each, then
 * reset ST.  FALSE when ROW returns FALSE, or when a step fails: then ERROR
 * is "WHAT: sqlite message". */
gboolean store_each_row (sqlite3_stmt *st, StoreRowFunc row, gpointer data, const char *what,
                         GError **error);

/* Prepare SQL (a query without parameters) and store_each_row() it. */
gboolean store_query_each (sqlite3 *db, const char *sql, StoreRowFunc row, gpointer data,
                           const char *what, GError **error);

/* Where PERIOD's ratings are: the smallest and largest call id and how many
 * there are (all 0 when none), from the ratings_by_period index.  Calls are
 * ingested roughly in time order, so a period is mostly one range of ids:
 * reading ratings and calls by id between FIRST and LAST reads both tables
 * forward, where the (period, account) index order would make every row a
 * random seek.  *SPARSE is set when the period's ratings are fewer than one
 * in 16 of that range (a period that has only begun, late calls): read them
 * through the index then. */
gboolean store_period_calls (sqlite3 *db, const char *period, gint64 *first, gint64 *last,
                             gint64 *count, gboolean *sparse, GError **error);

/* The day number (days since 1970-01-01) of UTC milliseconds MS as a
 * calendar day in ZONE: the local day of a call, in reports and aggregates. */
gint64 store_local_day (const TzMap *zone, gint64 ms);

/* The single integer result of SQL (e.g. "SELECT count(*) FROM calls"). */
gboolean store_query_int (sqlite3 *db, const char *sql, gint64 *out, GError **error);
