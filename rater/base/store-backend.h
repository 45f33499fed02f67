/* store-backend.h — what a database backend provides to store.c (private to
 * rater/base/store*.c).
 *
 * store.c holds everything the backends share (the statement helpers,
 * binding lists, the schema version, errors) and calls a backend through
 * the StoreOps table of the connection.  A backend's connection and
 * statement structs begin with StoreDb and StoreStmt, so store.c can read
 * the common fields and the backend can cast back to its own.
 *
 * store-sqlite.c is the only file that includes sqlite3.h, store-pg.c the
 * only one that includes libpq-fe.h.
 */
#pragma once

#include "base/store.h"

typedef struct _StoreOps StoreOps;
typedef struct _StoreBulkOps StoreBulkOps;

struct _StoreDb {
  const StoreOps *ops;
  StoreBackend backend;
  char *name;            /* for messages: a path, or a URI without password */
  gboolean readonly;
};

struct _StoreStmt {
  StoreDb *db;
};

/* A bulk writer (store.h's StoreBulk): what both implementations share.
 * store.c holds the rows' flags and tags; a backend's bulk begins with it. */
struct _StoreBulk {
  StoreDb *db;
  const StoreBulkOps *ops;
  char *table;
  char **names;          /* the columns, unquoted */
  int ncols;
  int tag;               /* index of the TAG column, -1: none (no CONFLICT) */
  gboolean update;       /* store_bulk_update_new(): rows rewrite stored rows by key */
  char *conflict;        /* what follows ON CONFLICT, NULL: none */
  guint pending;         /* rows added since the last flush */
  GArray *tags;          /* gint64 per row added since the last flush (CONFLICT) */
  GArray *flags;         /* gboolean per row of the coming flush known written so far */
  GArray *inserted;      /* gboolean per row of the last flush */
};

struct _StoreBulkOps {
  gboolean (*row) (StoreBulk *bulk, const StoreValue *values, GError **error);
  /* write the rows pending; append a flag per row to bulk->flags */
  gboolean (*flush) (StoreBulk *bulk, GError **error);
  void (*clear) (StoreBulk *bulk);  /* drop the rows not written yet */
  void (*free) (StoreBulk *bulk);   /* the backend's part; store.c frees the rest */
};

/* Fill the shared part of BULK (allocated by the backend, zeroed) for
 * store_bulk_new()'s arguments; FALSE with ERROR when they do not fit. */
gboolean store_bulk_init (StoreBulk *bulk, StoreDb *db, const StoreBulkOps *ops,
                          const char *table, const char *columns, const char *conflict,
                          const char *tag, gboolean update, GError **error);

/* Kinds of failure a backend remembers with its last error message. */
typedef enum {
  STORE_FAULT_ERROR,     /* anything else: RATER_ERROR_SOFTWARE */
  STORE_FAULT_BUSY,      /* another process held a lock too long: RATER_ERROR_TEMPFAIL */
  STORE_FAULT_NOT_DATABASE, /* the file or server is not a database of ours */
} StoreFault;

struct _StoreOps {
  void (*close) (StoreDb *db);
  /* the last error's message (never NULL) and kind */
  const char *(*errmsg) (StoreDb *db);
  StoreFault (*fault) (StoreDb *db);

  gboolean (*exec) (StoreDb *db, const char *sql, GError **error);
  StoreStmt *(*prepare) (StoreDb *db, const char *sql, GError **error);
  void (*finalize) (StoreStmt *st);
  const char *(*sql) (StoreStmt *st);
  int (*param_count) (StoreStmt *st);
  /* bind VALUES (ended by STORE_VALUE_END) from parameter FIRST on */
  gboolean (*bind_values) (StoreStmt *st, int first, const StoreValue *values, GError **error);
  void (*clear_bindings) (StoreStmt *st);
  StoreStep (*next) (StoreStmt *st);
  void (*reset) (StoreStmt *st);

  StoreColumnType (*column_type) (StoreStmt *st, int col);
  gint64 (*column_int64) (StoreStmt *st, int col);
  const char *(*column_text) (StoreStmt *st, int col);   /* NULL when NULL */
  const void *(*column_blob) (StoreStmt *st, int col);
  int (*column_bytes) (StoreStmt *st, int col);

  int (*column_count) (StoreStmt *st);

  gint64 (*changes) (StoreDb *db);
  gint64 (*last_insert_id) (StoreDb *db);
  gboolean (*begin) (StoreDb *db, GError **error);
  gboolean (*in_transaction) (StoreDb *db);

  StoreDb *(*open_reader) (StoreDb *db, GError **error);
  /* NULL: nothing to checkpoint (store_open_checkpointer() returns NULL) */
  StoreDb *(*open_checkpointer) (StoreDb *db, GError **error);
  gboolean (*checkpoint) (StoreDb *db, GError **error);

  /* a bulk writer of the backend's own (UPDATE set: store_bulk_update_new()'s);
   * NULL: store.c's, of multi-row INSERTs and UPDATEs */
  StoreBulk *(*bulk_new) (StoreDb *db, const char *table, const char *columns,
                          const char *conflict, const char *tag, gboolean update,
                          GError **error);
};

/* The backends' entry points (store_init(), store_open(),
 * store_open_readonly() pick one by the target). */
StoreDb *store_sqlite_init (const char *path, int *from, int *to, GError **error);
StoreDb *store_sqlite_open (const char *path, gboolean readonly, GError **error);
StoreDb *store_pg_init (const char *uri, int *from, int *to, GError **error);
StoreDb *store_pg_open (const char *uri, gboolean readonly, GError **error);
/* store_pg_open(), but a database without rater's tables sets *MISSING
 * and returns NULL without an error (MISSING NULL: it is an error). */
StoreDb *store_pg_open_if_exists (const char *uri, gboolean readonly, gboolean *missing,
                                  GError **error);

/* "WHAT: MESSAGE" in ERROR, TEMPFAIL when DB's last fault is BUSY (the
 * backends use it for their own messages); store_fail_as() for a FAULT
 * known without a StoreDb. */
gboolean store_fail (GError **error, StoreDb *db, const char *what, const char *message);
gboolean store_fail_as (GError **error, StoreFault fault, const char *what, const char *message);

/* FALSE with a usage error saying to run 'rater init' when VERSION (of the
 * database NAME) is below store_schema_version(). */
gboolean store_check_current (const char *name, int version, GError **error);

/* The embedded migrations under the resource folder DIR
 * ("/org/rater/schemas/" or "/org/rater/schemas/pg/"): an array of
 * StoreMigration sorted by version. */
typedef struct {
  int version;        /* NNN of NNN-name.sql */
  char *resource;     /* full resource path */
} StoreMigration;

GArray *store_migrations (const char *dir);
