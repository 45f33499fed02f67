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
 * Helpers turn sqlite3 result codes into GErrors in RATER_ERROR with
 * RATER_ERROR_SOFTWARE, the message naming what was being done.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close_v2)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The schema version this binary migrates to (the highest NNN in schemas/). */
int store_schema_version (void);

/* Create (mode 0600) or open PATH and bring its schema to the current version.
 * FROM and TO receive the version before and after (equal: nothing to do). */
sqlite3 *store_init (const char *path, int *from, int *to, GError **error);

/* Open an existing, current database at PATH for a command. */
sqlite3 *store_open (const char *path, GError **error);

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

/* Bind LEN bytes of TEXT as text (NULL or LEN 0 binds NULL when NULL_IF_EMPTY). */
int store_bind_text (sqlite3_stmt *st, int idx, const char *text, gsize len,
                     gboolean null_if_empty);

/* The single integer result of SQL (e.g. "SELECT count(*) FROM calls"). */
gboolean store_query_int (sqlite3 *db, const char *sql, gint64 *out, GError **error);
