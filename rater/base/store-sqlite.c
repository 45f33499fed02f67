/* store-sqlite.c — the SQLite backend of store.h: one database file in WAL
 * mode; opening it, migrating its schema, and statements, every sqlite3
 * result code checked.
 *
 * Migrations are GResources under /org/rater/schemas/, named NNN-what.sql,
 * applied one transaction each, in order, each setting user_version to NNN.
 * A database whose user_version is above store_schema_version() was written by
 * a newer rater and is refused rather than touched.
 *
 * Binding walks a StoreValue list (store.h) ended by STORE_VALUE_END, one
 * sqlite3_bind_* per value, and stops at the first result that is not
 * SQLITE_OK with a GError naming the parameter and the statement.
 *
 * The only file of rater that includes sqlite3.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "base/keyhash.h"
#include "base/rater-error.h"
#include "base/store-backend.h"
#include "base/timeparse.h"
#include "base/tzmap.h"

#define SCHEMA_RESOURCE_DIR "/org/rater/schemas/"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close_v2)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef struct {
  StoreDb base;
  sqlite3 *lite;
} LiteDb;

typedef struct {
  StoreStmt base;
  sqlite3_stmt *st;
} LiteStmt;

#define LITE(db) (((LiteDb *) (db))->lite)
#define STMT(s) (((LiteStmt *) (s))->st)

/* ---- on a bare connection, before it is a StoreDb ---- */

/* "WHAT: MESSAGE" as RATER_ERROR_SOFTWARE; when DB gave up waiting for
 * another process's lock (SQLITE_BUSY), RATER_ERROR_TEMPFAIL saying so. */
static gboolean
lite_fail (GError **error, sqlite3 *db, const char *what, const char *message)
{
  gboolean busy = db && (sqlite3_errcode (db) & 0xff) == SQLITE_BUSY;
  return store_fail_as (error, busy ? STORE_FAULT_BUSY : STORE_FAULT_ERROR, what, message);
}

static gboolean
lite_error (GError **error, sqlite3 *db, const char *what)
{
  return lite_fail (error, db, what, db ? sqlite3_errmsg (db) : "out of memory");
}

static gboolean
lite_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) == SQLITE_OK)
    return TRUE;
  lite_fail (error, db, "database", msg ? msg : "error");
  sqlite3_free (msg);
  return FALSE;
}

static gboolean
lite_query_int (sqlite3 *db, const char *sql, gint64 *out, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return lite_error (error, db, "query failed");
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return lite_error (error, db, "query failed");
  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  return TRUE;
}

/* SQL rater_now(): the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ" from
 * time_now_ms(), so RATER_NOW fixes every stored timestamp too. */
static void
sql_rater_now (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  char buf[32];
  sqlite3_result_text (context, time_format_utc_ms (time_now_ms (), buf), -1, SQLITE_TRANSIENT);
}

/* SQL rater_local_day(MS, ZONE): store_local_day() of UTC milliseconds MS
 * in IANA zone ZONE, the zones built once per connection (the cache is the
 * function's user data).  An unknown zone is an error, never a guess. */
static void
sql_rater_local_day (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const char *name = (const char *) sqlite3_value_text (argv[1]);
  g_autoptr(GError) local = NULL;
  const TzMap *zone = name ? tzmap_cache_get (sqlite3_user_data (context), name, &local) : NULL;
  if (!zone)
    {
      sqlite3_result_error (context, local ? local->message : "rater_local_day: no zone", -1);
      return;
    }
  sqlite3_result_int64 (context, store_local_day (zone, sqlite3_value_int64 (argv[0])));
}

/* SQL rater_key_hash(KEY, OPERATOR): key_hash() of the texts, NULL when
 * either is NULL (schema 022 fills calls.key_hash with it). */
static void
sql_rater_key_hash (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const char *key = (const char *) sqlite3_value_text (argv[0]);
  const char *op = (const char *) sqlite3_value_text (argv[1]);
  if (!key || !op)
    {
      sqlite3_result_null (context);
      return;
    }
  sqlite3_result_int64 (context, key_hash (op, (gsize) sqlite3_value_bytes (argv[1]), key,
                                           (gsize) sqlite3_value_bytes (argv[0])));
}

/* Before SQLite initialises: no global memory statistics (a mutex per
 * allocation).  Connections are opened NOMUTEX: each is used by one thread
 * at a time. */
static void
configure_library (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      /* refused (SQLITE_MISUSE) only once SQLite is initialised, when the
       * statistics are merely left on: nothing to report */
      (void) sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&done, 1);
    }
}

/* Open PATH (an existing file, or one SQLite may treat as new) with FLAGS,
 * the busy timeout set and rater_now() registered; nothing written yet. */
static sqlite3 *
open_connection (const char *path, int flags, GError **error)
{
  g_autoptr(sqlite3) db = NULL;
  configure_library ();
  int rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE,
                   "cannot open database '%s': %s", path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      return NULL;
    }
  if (sqlite3_busy_timeout (db, store_busy_timeout_ms ()) != SQLITE_OK
      || sqlite3_create_function (db, "rater_now", 0, SQLITE_UTF8, NULL, sql_rater_now, NULL,
                                  NULL) != SQLITE_OK
      || sqlite3_create_function_v2 (db, "rater_local_day", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     tzmap_cache_new (), sql_rater_local_day, NULL, NULL,
                                     (void (*) (void *)) g_hash_table_unref) != SQLITE_OK
      || sqlite3_create_function (db, "rater_key_hash", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                  sql_rater_key_hash, NULL, NULL) != SQLITE_OK)
    {
      lite_error (error, db, "configuring the connection");
      g_prefix_error (error, "'%s': ", path);
      return NULL;
    }
  return g_steal_pointer (&db);
}

/* The settings of a read-write connection (journal_mode=WAL writes the
 * file: only once it is known to be a rater database). */
static gboolean
configure_connection (sqlite3 *db, const char *path, GError **error)
{
  if (lite_exec (db,
                  "PRAGMA page_size=16384;"
                  "PRAGMA journal_mode=WAL;"
                  "PRAGMA synchronous=FULL;"
                  "PRAGMA foreign_keys=ON;"
                  "PRAGMA cache_size=-65536;"
                  "PRAGMA temp_store=FILE;",
                  error))
    return TRUE;
  g_prefix_error (error, "'%s': ", path);
  return FALSE;
}

static gboolean
user_version (sqlite3 *db, int *version, GError **error)
{
  gint64 v = 0;
  if (!lite_query_int (db, "PRAGMA user_version", &v, error))
    return FALSE;
  *version = (int) v;
  return TRUE;
}

static gboolean
apply_migration (sqlite3 *db, const StoreMigration *m, GError **error)
{
  g_autoptr(GBytes) sql = g_resources_lookup_data (m->resource, 0, error);
  if (!sql)
    return FALSE;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version=%d", m->version);

  if (!lite_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!lite_exec (db, g_bytes_get_data (sql, NULL), error)
      || !lite_exec (db, pragma, error)
      || !lite_exec (db, "COMMIT", error))
    {
      if (!sqlite3_get_autocommit (db))
        (void) sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);   /* the first error stands */
      g_prefix_error (error, "migration %03d: ", m->version);
      return FALSE;
    }
  return TRUE;
}

/* Apply every migration above FROM. */
static gboolean
migrate_from (sqlite3 *db, int from, GError **error)
{
  g_autoptr(GArray) list = store_migrations (SCHEMA_RESOURCE_DIR);
  for (guint i = 0; i < list->len; i++)
    {
      const StoreMigration *m = &g_array_index (list, StoreMigration, i);
      if (m->version > from && !apply_migration (db, m, error))
        return FALSE;
    }
  return TRUE;
}

#define refuse(error, ...) rater_fail ((error), RATER_ERROR_DATA, __VA_ARGS__)

/* TRUE when PATH-wal holds something (a database whose pages are all still
 * in its write-ahead log has a main file of 0 bytes). */
static gboolean
has_wal (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;
  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

/* Refuse an existing PATH that cannot be a rater database before SQLite
 * touches it: not a regular file, empty, or without the SQLite header. */
static gboolean
check_file (const char *path, GError **error)
{
  static const char magic[16] = "SQLite format 3";
  GStatBuf st;
  char head[16] = { 0 };
  if (g_stat (path, &st) != 0)
    return TRUE;                /* SQLite reports it, naming the path */
  if (!S_ISREG (st.st_mode))
    return refuse (error, "database '%s' is not a regular file: check --db (or RATER_DB, or the"
                   " nightly config's database)", path);
  if (st.st_size == 0 && !has_wal (path))
    return refuse (error, "database '%s' is empty (0 bytes), not a rater database: restore it"
                   " from a backup (invoices were numbered from it), or move it away and run"
                   " 'rater init' to start a new one", path);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gssize n = fd >= 0 ? read (fd, head, sizeof head) : -1;
  if (fd >= 0)
    close (fd);
  if (n < 0 || st.st_size == 0)
    return TRUE;                /* unreadable: SQLite says why; 0 bytes: the WAL holds it */
  if (n != (gssize) sizeof head || memcmp (head, magic, sizeof magic) != 0)
    return refuse (error, "database '%s' is not an SQLite database: check --db (or RATER_DB, or"
                   " the nightly config's database); rater never overwrites it", path);
  return TRUE;
}

/* Refuse DB (at PATH) unless it is a rater database of a version this
 * rater knows; *VERSION receives its version. */
static gboolean
check_rater_database (sqlite3 *db, const char *path, int *version, GError **error)
{
  gint64 tables = 0;
  int known = store_schema_version ();
  if (!user_version (db, version, error))
    {
      if (sqlite3_errcode (db) != SQLITE_NOTADB)
        {
          g_prefix_error (error, "'%s': ", path);
          return FALSE;
        }
      g_clear_error (error);
      return refuse (error, "database '%s' is not an SQLite database: check --db; rater never"
                     " overwrites it", path);
    }
  if (*version > known)
    return refuse (error, "database '%s' has schema version %d, newer than this rater knows (%d):"
                   " use a newer rater", path, *version, known);
  if (*version < 1
      || !lite_query_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           " AND name IN ('operators', 'files', 'calls')", &tables, NULL)
      || tables != 3)
    return refuse (error, "database '%s' is not a rater database (an SQLite file of schema"
                   " version %d without rater's tables, written by another program): check"
                   " --db, or move it away and run 'rater init' to start a new one",
                   path, *version);
  return TRUE;
}

/* Put TMP in place as PATH unless PATH exists (then PATH stays: TRUE too).
 * link(2) never replaces; where the file system has no hard links, a
 * rename(2) after checking PATH is absent. */
static gboolean
link_new (const char *tmp, const char *path)
{
  if (link (tmp, path) == 0 || errno == EEXIST)
    return TRUE;
  if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS)
    return FALSE;
  return g_file_test (path, G_FILE_TEST_EXISTS) || g_rename (tmp, path) == 0;
}

/* A new database at PATH, made whole beside it (PATH.rater-tmp-XXXXXX, mode
 * 0600, every migration applied) and then linked into place, so PATH never
 * exists half-initialised.  When another process created PATH meanwhile,
 * theirs stays and this one is dropped. */
static gboolean
create_database (const char *path, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".rater-tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT,
                   "cannot create database '%s': %s", path, g_strerror (e));
      return FALSE;
    }
  close (fd);
  sqlite3 *db = open_connection (tmp, SQLITE_OPEN_READWRITE, error);
  gboolean ok = db && configure_connection (db, tmp, error) && migrate_from (db, 0, error);
  if (db && sqlite3_close (db) != SQLITE_OK && ok)
    ok = lite_error (error, db, "closing the new database");
  if (ok && !link_new (tmp, path))
    {
      int e = errno;
      ok = FALSE;
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT,
                   "cannot create database '%s': %s", path, g_strerror (e));
    }
  g_unlink (tmp);
  g_autofree char *wal = g_strconcat (tmp, "-wal", NULL), *shm = g_strconcat (tmp, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  return ok;
}

/* Open the existing rater database PATH read-write, checked; *VERSION is
 * its schema version. */
static sqlite3 *
open_existing (const char *path, int *version, GError **error)
{
  if (!check_file (path, error))
    return NULL;
  g_autoptr(sqlite3) db = open_connection (path, SQLITE_OPEN_READWRITE, error);
  if (!db || !check_rater_database (db, path, version, error)
      || !configure_connection (db, path, error))
    return NULL;
  return g_steal_pointer (&db);
}

/* FALSE (a usage error saying to run init) when there is no file at PATH. */
static gboolean
database_exists (const char *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
               "database '%s' does not exist: run 'rater init' first", path);
  return FALSE;
}

static sqlite3 *
open_readwrite (const char *path, GError **error)
{
  if (!database_exists (path, error))
    return NULL;
  int version = 0;
  g_autoptr(sqlite3) db = open_existing (path, &version, error);
  if (!db)
    return NULL;
  if (!store_check_current (path, version, error))
    return NULL;
  return g_steal_pointer (&db);
}

/* The file: URI of PATH opened immutable (no locks, no -shm: a read-only
 * directory or file system), its characters escaped as RFC 3986 asks. */
static char *
immutable_uri (const char *path)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *escaped = g_uri_escape_string (abs, "/", FALSE);
  return g_strconcat ("file:", escaped, "?immutable=1", NULL);
}

/* A read-only connection to PATH; in a directory where SQLite cannot make
 * the -shm file (a read-only directory or file system), the file is opened
 * immutable, which is exact only without a write-ahead log left beside it. */
static sqlite3 *
open_readonly_connection (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(sqlite3) db = open_connection (path, SQLITE_OPEN_READONLY, &local);
  gint64 probe;
  if (db && lite_query_int (db, "PRAGMA user_version", &probe, &local))
    return g_steal_pointer (&db);
  if (db && sqlite3_errcode (db) == SQLITE_NOTADB)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (has_wal (path))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "cannot read database '%s': %s;"
                   " its write-ahead log '%s-wal' is not checkpointed and it cannot be opened"
                   " for it (a read-only directory?): open it once where it is writable (any"
                   " rater command), or copy the database with its -wal file somewhere"
                   " writable", path, local->message, path);
      return NULL;
    }
  g_autofree char *uri = immutable_uri (path);
  g_clear_pointer (&db, sqlite3_close_v2);
  return open_connection (uri, SQLITE_OPEN_READONLY, error);
}

static sqlite3 *
open_readonly (const char *path, GError **error)
{
  if (!database_exists (path, error))
    return NULL;
  int version = 0;
  if (!check_file (path, error))
    return NULL;
  g_autoptr(sqlite3) db = open_readonly_connection (path, error);
  if (!db || !check_rater_database (db, path, &version, error))
    return NULL;
  if (!store_check_current (path, version, error))
    return NULL;
  if (!lite_exec (db, "PRAGMA cache_size=-65536; PRAGMA temp_store=FILE;", error))
    return NULL;
  return g_steal_pointer (&db);
}


/* ---- the StoreOps of a connection ---- */

static const StoreOps lite_ops;

/* DB as a StoreDb named PATH (DB is taken). */
static StoreDb *
lite_db_new (sqlite3 *db, const char *path, gboolean readonly)
{
  LiteDb *l = g_new0 (LiteDb, 1);
  l->base.ops = &lite_ops;
  l->base.backend = STORE_SQLITE;
  l->base.name = g_strdup (path);
  l->base.readonly = readonly;
  l->lite = db;
  return &l->base;
}

static void
lite_close (StoreDb *db)
{
  sqlite3_close_v2 (LITE (db));   /* every statement is finalised: SQLITE_OK */
  g_free (db->name);
  g_free (db);
}

static const char *
lite_errmsg (StoreDb *db)
{
  return sqlite3_errmsg (LITE (db));
}

static StoreFault
lite_fault (StoreDb *db)
{
  switch (sqlite3_errcode (LITE (db)) & 0xff)
    {
    case SQLITE_BUSY:
      return STORE_FAULT_BUSY;
    case SQLITE_NOTADB:
      return STORE_FAULT_NOT_DATABASE;
    default:
      return STORE_FAULT_ERROR;
    }
}

static gboolean
lite_db_exec (StoreDb *db, const char *sql, GError **error)
{
  return lite_exec (LITE (db), sql, error);
}

static StoreStmt *
lite_prepare (StoreDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v3 (LITE (db), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf ("cannot prepare '%.60s'", sql);
      lite_error (error, LITE (db), what);
      return NULL;
    }
  LiteStmt *l = g_new0 (LiteStmt, 1);
  l->base.db = db;
  l->st = st;
  return &l->base;
}

static void
lite_finalize (StoreStmt *st)
{
  sqlite3_finalize (STMT (st));   /* repeats the last step's result, reported then */
  g_free (st);
}

static const char *
lite_sql (StoreStmt *st)
{
  const char *sql = sqlite3_sql (STMT (st));
  return sql ? sql : "";
}

static int
lite_param_count (StoreStmt *st)
{
  return sqlite3_bind_parameter_count (STMT (st));
}

static int
bind_value (sqlite3_stmt *st, int idx, const StoreValue *v)
{
  switch (v->type)
    {
    case STORE_VALUE_NULL:
      return sqlite3_bind_null (st, idx);
    case STORE_VALUE_INT:
      return sqlite3_bind_int64 (st, idx, v->i);
    case STORE_VALUE_TEXT:
      return sqlite3_bind_text (st, idx, v->text, v->len, SQLITE_STATIC);
    case STORE_VALUE_TEXT_COPY:
      return sqlite3_bind_text (st, idx, v->text, v->len, SQLITE_TRANSIENT);
    case STORE_VALUE_BLOB:
      return sqlite3_bind_blob (st, idx, v->blob, v->len, SQLITE_STATIC);
    case STORE_VALUE_END:
      break;
    }
  g_assert_not_reached ();
}

static gboolean
lite_bind_values (StoreStmt *st, int first, const StoreValue *values, GError **error)
{
  sqlite3_stmt *s = STMT (st);
  for (int idx = first; values->type != STORE_VALUE_END; idx++, values++)
    {
      int rc = bind_value (s, idx, values);
      if (G_UNLIKELY (rc != SQLITE_OK))
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE,
                       "cannot bind parameter %d of '%.60s': %s", idx, lite_sql (st),
                       sqlite3_errstr (rc));
          return FALSE;
        }
    }
  return TRUE;
}

static void
lite_clear_bindings (StoreStmt *st)
{
  sqlite3_clear_bindings (STMT (st));   /* always SQLITE_OK */
}

static StoreStep
lite_next (StoreStmt *st)
{
  switch (sqlite3_step (STMT (st)))
    {
    case SQLITE_ROW:
      return STORE_ROW;
    case SQLITE_DONE:
      return STORE_DONE;
    default:
      return STORE_FAILED;
    }
}

static void
lite_reset (StoreStmt *st)
{
  sqlite3_reset (STMT (st));   /* repeats the last step's result, reported then */
}

static StoreColumnType
lite_column_type (StoreStmt *st, int col)
{
  switch (sqlite3_column_type (STMT (st), col))
    {
    case SQLITE_INTEGER:
      return STORE_COLUMN_INT;
    case SQLITE_FLOAT:
      return STORE_COLUMN_FLOAT;
    case SQLITE_TEXT:
      return STORE_COLUMN_TEXT;
    case SQLITE_BLOB:
      return STORE_COLUMN_BLOB;
    default:
      return STORE_COLUMN_NULL;
    }
}

static gint64
lite_column_int64 (StoreStmt *st, int col)
{
  return sqlite3_column_int64 (STMT (st), col);
}

static const char *
lite_column_text (StoreStmt *st, int col)
{
  return (const char *) sqlite3_column_text (STMT (st), col);
}

static const void *
lite_column_blob (StoreStmt *st, int col)
{
  return sqlite3_column_blob (STMT (st), col);
}

static int
lite_column_bytes (StoreStmt *st, int col)
{
  return sqlite3_column_bytes (STMT (st), col);
}

static int
lite_column_count (StoreStmt *st)
{
  return sqlite3_column_count (STMT (st));
}

static gint64
lite_changes (StoreDb *db)
{
  return sqlite3_changes64 (LITE (db));
}

static gint64
lite_last_insert_id (StoreDb *db)
{
  return sqlite3_last_insert_rowid (LITE (db));
}

static gboolean
lite_begin (StoreDb *db, GError **error)
{
  return lite_exec (LITE (db), "BEGIN IMMEDIATE", error);
}

static gboolean
lite_in_transaction (StoreDb *db)
{
  return !sqlite3_get_autocommit (LITE (db));
}

/* A second, read-only connection to DB's file (WAL gives it its own
 * snapshot). */
static StoreDb *
lite_open_reader (StoreDb *db, GError **error)
{
  const char *path = sqlite3_db_filename (LITE (db), "main");
  g_autoptr(sqlite3) reader = NULL;
  configure_library ();
  if (!path || !*path
      || sqlite3_open_v2 (path, &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "cannot open a reader on '%s': %s",
                   path ? path : "", reader ? sqlite3_errmsg (reader) : "no file");
      return NULL;
    }
  if (sqlite3_busy_timeout (reader, store_busy_timeout_ms ()) != SQLITE_OK)
    {
      lite_error (error, reader, "setting the busy timeout");
      return NULL;
    }
  return lite_db_new (g_steal_pointer (&reader), db->name, TRUE);
}

/* A second read-write connection to DB's file, synced as DB is
 * (synchronous=FULL: a checkpoint syncs the log before it copies and the
 * file after), for checkpoints on another thread; NULL without an error
 * when DB has no file (in memory, temporary). */
static StoreDb *
lite_open_checkpointer (StoreDb *db, GError **error)
{
  const char *path = sqlite3_db_filename (LITE (db), "main");
  if (!path || !*path)
    return NULL;
  g_autoptr(sqlite3) ckpt = open_connection (path, SQLITE_OPEN_READWRITE, error);
  if (!ckpt || !lite_exec (ckpt, "PRAGMA synchronous=FULL", error))
    return NULL;
  return lite_db_new (g_steal_pointer (&ckpt), db->name, FALSE);
}

/* PASSIVE: copies the frames no reader still needs from the log, waits for
 * no one; SQLITE_BUSY (another checkpoint is running) leaves them to the
 * next one. */
static gboolean
lite_checkpoint (StoreDb *db, GError **error)
{
  int rc = sqlite3_wal_checkpoint_v2 (LITE (db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY)
    return TRUE;
  return lite_error (error, LITE (db), "checkpointing the write-ahead log");
}

static const StoreOps lite_ops = {
  .close = lite_close,
  .errmsg = lite_errmsg,
  .fault = lite_fault,
  .exec = lite_db_exec,
  .prepare = lite_prepare,
  .finalize = lite_finalize,
  .sql = lite_sql,
  .param_count = lite_param_count,
  .bind_values = lite_bind_values,
  .clear_bindings = lite_clear_bindings,
  .next = lite_next,
  .reset = lite_reset,
  .column_type = lite_column_type,
  .column_int64 = lite_column_int64,
  .column_text = lite_column_text,
  .column_blob = lite_column_blob,
  .column_bytes = lite_column_bytes,
  .column_count = lite_column_count,
  .changes = lite_changes,
  .last_insert_id = lite_last_insert_id,
  .begin = lite_begin,
  .in_transaction = lite_in_transaction,
  .open_reader = lite_open_reader,
  .open_checkpointer = lite_open_checkpointer,
  .checkpoint = lite_checkpoint,
};

/* ---- the backend's entry points ---- */

StoreDb *
store_sqlite_init (const char *path, int *from, int *to, GError **error)
{
  gboolean created = FALSE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (!create_database (path, error))
        return NULL;
      created = TRUE;
    }
  g_autoptr(sqlite3) db = open_existing (path, from, error);
  if (!db || !migrate_from (db, *from, error) || !user_version (db, to, error))
    return NULL;
  if (created && *from == *to)
    *from = 0;                  /* this call made it */
  return lite_db_new (g_steal_pointer (&db), path, FALSE);
}

StoreDb *
store_sqlite_open (const char *path, gboolean readonly, GError **error)
{
  sqlite3 *db = readonly ? open_readonly (path, error) : open_readwrite (path, error);
  return db ? lite_db_new (db, path, readonly) : NULL;
}
