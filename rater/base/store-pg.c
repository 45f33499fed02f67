/* store-pg.c — the PostgreSQL backend of store.h (store-backend.h): a
 * server named by a libpq URI ("postgresql://..." or "postgres://...");
 * connecting, the schema's version in rater_meta, migrations, and
 * statements, every libpq result checked.
 *
 * Connections.  PQconnectdbParams() with the URI as its dbname (libpq
 * expands it: any connection parameter, .pgpass, service files, TLS).
 * Each connection then sets TimeZone UTC, client_min_messages warning,
 * lock_timeout store_busy_timeout_ms(), cursor_tuple_fraction 1 (a
 * cursor here is read to its end: plan it as a whole query), rater.now
 * from RATER_NOW when that is set (the schema's rater_now() reads it), and
 * default_transaction_read_only for a read-only connection.  The URI may
 * hold a password (userinfo, password= or sslpassword=): the connection's
 * name (store_name()) is the URI without them, and every message libpq
 * gives is scrubbed of them before rater keeps it.  The server's warnings
 * go to the log, never straight to stderr; a connection lost (the server
 * stopped or gone) fails the statement with a message that names the
 * database and the server's reason when it gave one.
 *
 * Schema.  The migrations are GResources under /org/rater/schemas/pg/,
 * NNN-what.sql, carrying the same versions as SQLite's; each is applied in
 * one transaction that also records NNN in rater_meta ('schema_version').
 * A database with none of rater's tables is given every migration by
 * store_pg_init(); one with tables but no rater_meta is another program's
 * and refused, as is one newer than this rater.
 *
 * Statements.  store_prepare() only translates the SQL: ?N becomes $N and
 * a bare ? the next number ('...' and E'...' literals, "..." identifiers,
 * $tag$ strings and comments kept as they are); nothing else is rewritten.
 * The server prepares it at its first run (PQsendPrepare, a name unique on
 * the connection), with parameter types taken from the values bound then:
 * INT int8 and TEXT text (both sent in binary, no copy), BLOB bytea, NULL
 * left for the server to infer; a later run whose values have other types
 * prepares it again.  Results come in text format.
 *
 * Rows.  A query that returns rows (SELECT, VALUES, TABLE or WITH, without
 * INSERT, UPDATE, DELETE, MERGE or a row lock) is run through a cursor,
 * DECLARE ... NO SCROLL CURSOR WITH HOLD FOR ..., and read FETCH_ROWS rows
 * at a time: a result of millions of rows never sits whole in rater's
 * memory, and, unlike libpq's single-row mode, the connection stays free
 * between fetches, so a module runs other statements (and commits) while
 * it reads, as SQLite allows.  WITH HOLD lets a cursor outlive the commit
 * of its transaction (the server then keeps its remaining rows; outside a
 * transaction that happens when it is declared).  Each run sends its
 * commands as one libpq pipeline: the first run of a query costs one round
 * trip (prepare, declare, fetch), each further FETCH_ROWS rows another.
 * A cursor is closed by a CLOSE queued on the connection and sent at the
 * head of its next round trip, when it is known to exist: right after the
 * fetch that ends it, or after a reset with no round trip since its last
 * fetch; otherwise (reset later on) pg_cursors is asked first, since a
 * rollback may have dropped it.  Statements that return no rows, and
 * INSERT/UPDATE/DELETE ... RETURNING, run as one prepared execution.
 * Finalising queues DEALLOCATE the same way.
 *
 * Transactions.  PostgreSQL's BEGIN takes no lock on the whole database
 * the way SQLite's BEGIN IMMEDIATE does: store_begin() follows BEGIN with
 * pg_advisory_xact_lock() on one fixed key, so writing transactions of all
 * rater processes on the database run one at a time, as on SQLite (waiting
 * up to lock_timeout, then RATER_ERROR_TEMPFAIL).  A read-only connection
 * begins a REPEATABLE READ transaction instead (one snapshot, no lock).
 *
 * The only file of rater that includes libpq-fe.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <libpq-fe.h>

#include "base/rater-error.h"
#include "base/store-backend.h"
#include "base/timeparse.h"

#define PG_RESOURCE_DIR "/org/rater/schemas/pg/"
#define FETCH_ROWS 4096               /* rows per FETCH from a cursor */
#define MAX_PARAMS 65535              /* the protocol's limit */
#define WRITE_LOCK_KEY G_GINT64_CONSTANT (0x7261746572)   /* "rater": store_begin()'s lock */
#define INIT_LOCK_KEY G_GINT64_CONSTANT (0x72617465721)   /* store_pg_init()'s lock */

/* Type oids of pg_type.h (server headers are not a client's to include). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

typedef struct {
  StoreDb base;
  PGconn *conn;
  char *uri;             /* as given, perhaps with a password: for open_reader only, never shown */
  GPtrArray *secrets;    /* the passwords in uri, scrubbed from every message */
  guint next_id;         /* names of statements and cursors: rater_s<id>, rater_c<id> */
  guint64 round_trips;   /* round trips made so far */
  GPtrArray *pending;    /* CLOSE / DEALLOCATE commands sent with the next round trip */
  char *errmsg;          /* the last error's message */
  char *shutdown;        /* the server's notice that it shuts down: why the connection is lost */
  char sqlstate[6];      /* and its SQLSTATE ("" when none) */
  gint64 changes;        /* rows of the last INSERT, UPDATE, DELETE or MERGE */
} PgDb;

typedef enum {
  CURSOR_NONE,           /* no cursor of this statement exists */
  CURSOR_OPEN,           /* declared, rows left, not dropped by anything since */
  CURSOR_UNCERTAIN,      /* declared earlier: a rollback may have dropped it */
} CursorState;

typedef struct {
  StoreStmt base;
  char *sql;             /* as given, for messages */
  char *text;            /* what the server prepares: $N, and DECLARE ... FOR when rows */
  char *name;            /* the prepared statement's: rater_s<id> */
  char *cursor;          /* rater_c<id> when rows, else NULL */
  char *fetch;           /* "FETCH FORWARD n FROM cursor" */
  int nparams;
  gboolean alone;        /* run in a pipeline of its own (SqlWords) */
  gboolean prepared;     /* the server holds name, prepared with types */
  Oid *prepared_types;

  /* the bound values, as PQsendQueryPrepared() takes them */
  Oid *types;
  const char **values;
  int *lengths;
  int *formats;
  guint64 *ints;         /* INT values, big-endian */
  char **copies;         /* STORE_TEXT_COPY values */

  gboolean started;      /* run since the last reset */
  CursorState cursor_state;
  gboolean more;         /* the cursor may hold more rows than fetched */
  guint64 fetched_at;    /* db->round_trips after the cursor's last fetch */
  PGresult *res;         /* the rows at hand (a FETCH's or a RETURNING's) */
  int row, nrows, ncols; /* ncols -1: not known yet */
  char **decoded;        /* per column: the current row's bytea, decoded (NUL added) */
  int *decoded_len;
} PgStmt;

#define PG(db) ((PgDb *) (db))
#define STMT(s) ((PgStmt *) (s))

/* ---- names and secrets ---- */

/* Decode %XX escapes of the N bytes at S. */
static char *
uri_decode (const char *s, gsize n)
{
  g_autofree char *part = g_strndup (s, n);
  char *decoded = g_uri_unescape_string (part, NULL);
  return decoded ? decoded : g_steal_pointer (&part);
}

static void
add_secret (GPtrArray *secrets, const char *s, gsize n)
{
  if (n == 0)
    return;
  g_ptr_array_add (secrets, g_strndup (s, n));
  g_autofree char *decoded = uri_decode (s, n);
  if (strcmp (decoded, g_ptr_array_index (secrets, secrets->len - 1)) != 0 && *decoded)
    g_ptr_array_add (secrets, g_steal_pointer (&decoded));
}

/* TRUE when the query parameter KEY (N bytes, maybe %-encoded) carries a secret. */
static gboolean
secret_key (const char *key, gsize n)
{
  g_autofree char *k = uri_decode (key, n);
  return g_ascii_strcasecmp (k, "password") == 0 || g_ascii_strcasecmp (k, "sslpassword") == 0;
}

/* Append URI's query string Q (after '?') to NAME without its secret
 * parameters, whose values go to SECRETS. */
static void
strip_query (GString *name, const char *q, GPtrArray *secrets)
{
  gboolean first = TRUE;
  while (*q)
    {
      gsize len = strcspn (q, "&");
      const char *eq = memchr (q, '=', len);
      gsize klen = eq ? (gsize) (eq - q) : len;
      if (secret_key (q, klen))
        add_secret (secrets, eq ? eq + 1 : q + len, eq ? len - klen - 1 : 0);
      else
        {
          g_string_append_c (name, first ? '?' : '&');
          g_string_append_len (name, q, len);
          first = FALSE;
        }
      q += len + (q[len] == '&');
    }
}

/* URI without its password (the userinfo's "user:password@", taken up to
 * the last '@' before the query, so that a password holding a '/' is
 * dropped too; password= and sslpassword=), the passwords added to
 * SECRETS. */
static char *
public_name (const char *uri, GPtrArray *secrets)
{
  const char *rest = strstr (uri, "://");
  g_return_val_if_fail (rest != NULL, g_strdup (""));
  rest += 3;
  GString *name = g_string_new_len (uri, rest - uri);
  const char *at = g_strrstr_len (rest, strcspn (rest, "?"), "@");
  gsize upto = at ? (gsize) (at - rest) : 0;
  if (at)
    {
      const char *colon = memchr (rest, ':', upto);
      gsize user = colon ? (gsize) (colon - rest) : upto;
      g_string_append_len (name, rest, user);
      if (colon)
        add_secret (secrets, colon + 1, upto - user - 1);
      g_string_append_c (name, '@');
      rest += upto + 1;
    }
  const char *q = strchr (rest, '?');
  g_string_append_len (name, rest, q ? (gsize) (q - rest) : strlen (rest));
  if (q)
    strip_query (name, q + 1, secrets);
  return g_string_free (name, FALSE);
}

/* MESSAGE on one line, trailing newlines dropped, every secret replaced. */
static char *
clean_message (const char *message, GPtrArray *secrets)
{
  GString *s = g_string_new (message ? message : "");
  while (s->len && g_ascii_isspace (s->str[s->len - 1]))
    g_string_truncate (s, s->len - 1);
  g_string_replace (s, "\n\t", " ", 0);
  for (guint i = 0; i < s->len; i++)
    if (s->str[i] == '\n' || s->str[i] == '\t')
      s->str[i] = ' ';
  for (guint i = 0; secrets && i < secrets->len; i++)
    g_string_replace (s, g_ptr_array_index (secrets, i), "(password)", 0);
  return g_string_free (s, FALSE);
}

/* TRUE when libpq reads OPTIONS' password as one of SECRETS, or none when
 * there are none: then none of the URI's other parts, which messages may
 * quote, holds a piece of a password. */
static gboolean
secrets_as_libpq_reads (const PQconninfoOption *options, GPtrArray *secrets)
{
  int read = 0;
  for (const PQconninfoOption *o = options; o->keyword; o++)
    if ((strcmp (o->keyword, "password") == 0 || strcmp (o->keyword, "sslpassword") == 0)
        && o->val && *o->val)
      {
        gboolean known = FALSE;
        for (guint i = 0; i < secrets->len; i++)
          known = known || strcmp (o->val, g_ptr_array_index (secrets, i)) == 0;
        if (!known)
          return FALSE;
        read++;
      }
  return read > 0 || secrets->len == 0;
}

/* ---- errors ---- */

static void
set_last_error (PgDb *db, const char *message, const char *sqlstate)
{
  g_free (db->errmsg);
  db->errmsg = clean_message (message, db->secrets);
  g_strlcpy (db->sqlstate, sqlstate ? sqlstate : "", sizeof db->sqlstate);
}

/* Remember TEXT (with STATE, the SQLSTATE, or NULL) as the last error.  A
 * lost connection's message names the database, with the server's reason
 * when it gave one (receive_notice()). */
static void
note_error (PgDb *db, const char *text, const char *state)
{
  /* a failure of libpq's own on a connection it still takes for sound:
   * read what the server sent (a write to a closed socket fails unseen
   * until the next read; a shutdown's notice may wait there) */
  g_autofree char *copy = g_strdup (text);   /* (PQerrorMessage's may change) */
  if (!state && PQstatus (db->conn) == CONNECTION_OK)
    (void) PQconsumeInput (db->conn);
  if (PQstatus (db->conn) == CONNECTION_BAD
      || (state && (g_str_has_prefix (state, "57P") || g_str_has_prefix (state, "08"))))
    {
      g_autofree char *lost = g_strdup_printf ("lost the connection to database '%s': %s",
                                               db->base.name, db->shutdown ? db->shutdown
                                               : *copy ? copy : "no reason given");
      set_last_error (db, lost, state);
      return;
    }
  set_last_error (db, *copy ? copy : "unknown error", state);
}

/* Remember why R (NULL: no result at all) failed. */
static void
note_failure (PgDb *db, const PGresult *r)
{
  const char *primary = r ? PQresultErrorField (r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *state = r ? PQresultErrorField (r, PG_DIAG_SQLSTATE) : NULL;
  const char *text = primary ? primary : r ? PQresultErrorMessage (r) : "";
  note_error (db, *text ? text : PQerrorMessage (db->conn), state);
}

/* libpq's notice receiver: the server's warnings (client_min_messages)
 * go to the log, naming the database, never straight to stderr.  One that
 * the server shuts down (SQLSTATE class 57P: an immediate shutdown warns
 * before it closes the connection) is kept instead: it is the reason that
 * note_failure() gives for the lost connection. */
static void
receive_notice (void *data, const PGresult *r)
{
  PgDb *db = data;
  const char *state = PQresultErrorField (r, PG_DIAG_SQLSTATE);
  const char *primary = PQresultErrorField (r, PG_DIAG_MESSAGE_PRIMARY);
  g_autofree char *text = clean_message (primary ? primary : PQresultErrorMessage (r),
                                         db->secrets);
  if (state && g_str_has_prefix (state, "57P"))
    {
      g_free (db->shutdown);
      db->shutdown = g_steal_pointer (&text);
      return;
    }
  g_warning ("database '%s': %s", db->base.name, text);
}

static gboolean
result_ok (const PGresult *r)
{
  ExecStatusType s = r ? PQresultStatus (r) : PGRES_FATAL_ERROR;
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static void
note_changes (PgDb *db, PGresult *r)
{
  const char *tag = PQcmdStatus (r);
  if (g_str_has_prefix (tag, "INSERT") || g_str_has_prefix (tag, "UPDATE")
      || g_str_has_prefix (tag, "DELETE") || g_str_has_prefix (tag, "MERGE"))
    db->changes = g_ascii_strtoll (PQcmdTuples (r), NULL, 10);
}

/* ---- round trips ---- */

/* One command of a pipeline: a prepared statement's execution (prepared
 * set), a preparation (prepare_types set: the PREPARE of NAME as TEXT), or
 * a query without parameters (TEXT). */
typedef struct {
  const char *name;
  const char *text;
  PgStmt *params;         /* an execution of NAME with its bindings */
  const Oid *prepare_types;
  int nprepare;
} PgCmd;

static gboolean
send_command (PgDb *db, const PgCmd *c)
{
  if (c->params)
    return PQsendQueryPrepared (db->conn, c->name, c->params->nparams, c->params->values,
                                c->params->lengths, c->params->formats, 0);
  if (c->prepare_types || c->name)
    return PQsendPrepare (db->conn, c->name, c->text, c->nprepare, c->prepare_types);
  return PQsendQueryParams (db->conn, c->text, 0, NULL, NULL, NULL, NULL, 0);
}

/* Collect the pipeline's results up to its sync: one per command into
 * RESULTS (N of them), the first failure remembered.  FALSE when one
 * failed or the connection broke. */
static gboolean
collect (PgDb *db, PGresult **results, int n)
{
  int got = 0, nulls = 0;
  gboolean ok = TRUE, failure_noted = FALSE;
  for (;;)
    {
      PGresult *r = PQgetResult (db->conn);
      if (!r)
        {
          if (PQstatus (db->conn) == CONNECTION_BAD || ++nulls > 1)
            break;            /* a lost connection gives no sync */
          continue;
        }
      nulls = 0;
      ExecStatusType s = PQresultStatus (r);
      if (s == PGRES_PIPELINE_SYNC)
        {
          PQclear (r);
          if (got < n)
            continue;         /* not from this pipeline: cannot happen */
          return ok && PQstatus (db->conn) == CONNECTION_OK;
        }
      if (!result_ok (r) && s != PGRES_PIPELINE_ABORTED && !failure_noted)
        {
          note_failure (db, r);
          failure_noted = TRUE;
        }
      ok = ok && result_ok (r);
      if (got < n)
        results[got++] = r;
      else
        PQclear (r);
    }
  if (!failure_noted)
    note_failure (db, NULL);
  return FALSE;
}

/* Send the pending CLOSE/DEALLOCATE commands, then CMDS, as one pipeline;
 * RESULTS (N_CMDS, zeroed) receives CMDS' results, to PQclear.  FALSE
 * with the failure remembered when any failed. */
static gboolean
round_trip (PgDb *db, const PgCmd *cmds, int n_cmds, PGresult **results)
{
  guint n_pending = PQtransactionStatus (db->conn) == PQTRANS_INERROR ? 0 : db->pending->len;
  int total = (int) n_pending + n_cmds, sent = 0;
  g_autofree PGresult **all = g_new0 (PGresult *, total);
  db->round_trips++;
  if (!PQenterPipelineMode (db->conn))
    {
      note_failure (db, NULL);
      return FALSE;
    }
  for (guint i = 0; sent == (int) i && i < n_pending; i++)
    sent += PQsendQueryParams (db->conn, g_ptr_array_index (db->pending, i), 0, NULL, NULL, NULL,
                               NULL, 0);
  for (int i = 0; sent == (int) n_pending + i && i < n_cmds; i++)
    sent += send_command (db, &cmds[i]);
  g_ptr_array_remove_range (db->pending, 0, n_pending);
  g_autofree char *send_error = sent < total ? g_strdup (PQerrorMessage (db->conn)) : NULL;
  gboolean ok = PQpipelineSync (db->conn) ? collect (db, all, sent) : (note_failure (db, NULL), FALSE);
  if (send_error && ok)
    {
      set_last_error (db, send_error, NULL);
      ok = FALSE;
    }
  (void) PQexitPipelineMode (db->conn);   /* fails only on a broken connection, seen above */
  for (guint i = 0; i < n_pending; i++)
    PQclear (all[i]);
  memcpy (results, all + n_pending, n_cmds * sizeof *results);
  return ok;
}

/* PQexec SQL whose result does not matter (a rollback on an error path). */
static void
exec_quietly (PgDb *db, const char *sql)
{
  db->round_trips++;
  g_autoptr(PGresult) r = PQexec (db->conn, sql);
}

/* Run SQL (no parameters) in a round trip of its own; its result, or NULL
 * with the failure remembered. */
static PGresult *
query (PgDb *db, const char *sql)
{
  PGresult *r = NULL;
  PgCmd c = { .text = sql };
  if (round_trip (db, &c, 1, &r))
    return r;
  PQclear (r);
  return NULL;
}

/* Run SQL (one or more statements) with PQexec after the pending
 * commands; FALSE with the failure remembered. */
static gboolean
exec_sql (PgDb *db, const char *sql)
{
  if (db->pending->len && PQtransactionStatus (db->conn) != PQTRANS_INERROR)
    {
      PGresult *r = NULL;
      if (!round_trip (db, NULL, 0, &r))
        return FALSE;
    }
  db->round_trips++;
  g_autoptr(PGresult) r = PQexec (db->conn, sql);
  if (!result_ok (r))
    {
      note_failure (db, r);
      return FALSE;
    }
  note_changes (db, r);
  return TRUE;
}

/* ---- connecting ---- */

static const StoreOps pg_ops;

static void
pg_db_free (PgDb *db)
{
  if (!db)
    return;
  PQfinish (db->conn);
  g_free (db->uri);
  g_ptr_array_unref (db->secrets);
  g_ptr_array_unref (db->pending);
  g_free (db->errmsg);
  g_free (db->shutdown);
  g_free (db->base.name);
  g_free (db);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PgDb, pg_db_free)

static gboolean
configure (PgDb *db, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
    "SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET lock_timeout = %d;"
    " SET cursor_tuple_fraction = 1; SET bytea_output = 'hex'%s",
    store_busy_timeout_ms (), db->base.readonly ? "; SET default_transaction_read_only = on" : "");
  if (!exec_sql (db, sql))
    return store_fail (error, &db->base, "configuring the connection", db->errmsg);
  /* only a RATER_NOW that time_now_ms() takes: otherwise rater_now() reads the clock */
  const char *fixed = g_getenv ("RATER_NOW");
  TimeParts parts;
  gint64 ms;
  if (!fixed || time_parse_iso8601 (fixed, strlen (fixed), &parts) != TIME_OK
      || time_parts_to_utc_ms (&parts, NULL, &ms) != TIME_OK)
    return TRUE;
  char now[32];
  const char *values[] = { time_format_utc_ms (ms, now) };
  g_autoptr(PGresult) r = PQexecParams (db->conn, "SELECT set_config ('rater.now', $1, false)",
                                        1, NULL, values, NULL, NULL, 0);
  if (result_ok (r))
    return TRUE;
  note_failure (db, r);
  return store_fail (error, &db->base, "setting rater.now", db->errmsg);
}

/* A configured connection to URI; NULL with ERROR naming the server
 * without its password. */
static PgDb *
connect_db (const char *uri, gboolean readonly, GError **error)
{
  g_autoptr(PgDb) db = g_new0 (PgDb, 1);
  db->base.ops = &pg_ops;
  db->base.backend = STORE_POSTGRES;
  db->base.readonly = readonly;
  db->secrets = g_ptr_array_new_with_free_func (g_free);
  db->pending = g_ptr_array_new_with_free_func (g_free);
  db->base.name = public_name (uri, db->secrets);
  db->uri = g_strdup (uri);

  char *parse_error = NULL;
  PQconninfoOption *options = PQconninfoParse (uri, &parse_error);
  if (!options)
    {
      g_autofree char *why = clean_message (parse_error ? parse_error : "out of memory",
                                            db->secrets);
      PQfreemem (parse_error);
      return rater_fail (error, RATER_ERROR_USAGE, "cannot use database '%s': %s",
                         db->base.name, why), NULL;
    }
  gboolean same = secrets_as_libpq_reads (options, db->secrets);
  PQconninfoFree (options);
  if (!same)
    return rater_fail (error, RATER_ERROR_USAGE, "cannot use database '%s': libpq does not read"
                       " its password where it stands (write a '/', '@', '?' or '&' in it as"
                       " %%2F, %%40, %%3F, %%26, or better leave it to ~/.pgpass)",
                       db->base.name), NULL;
  const char *const keys[] = { "dbname", "fallback_application_name", NULL };
  const char *const values[] = { uri, "rater", NULL };
  db->conn = PQconnectdbParams (keys, values, 1);
  if (!db->conn || PQstatus (db->conn) != CONNECTION_OK)
    {
      g_autofree char *why = clean_message (db->conn ? PQerrorMessage (db->conn) : "out of memory",
                                            db->secrets);
      return rater_fail (error, RATER_ERROR_SOFTWARE, "cannot connect to database '%s': %s",
                         db->base.name, why), NULL;
    }
  PQsetNoticeReceiver (db->conn, receive_notice, db);
  if (!configure (db, error))
    {
      g_prefix_error (error, "'%s': ", db->base.name);
      return NULL;
    }
  return g_steal_pointer (&db);
}

/* ---- schema version ---- */

typedef enum {
  DB_EMPTY,              /* none of anyone's tables */
  DB_FOREIGN,            /* tables, but no rater_meta */
  DB_RATER,              /* rater_meta: *version */
} DbKind;

/* The single integer of SQL's first row (0 when none or NULL). */
static gboolean
query_int (PgDb *db, const char *sql, gint64 *out, GError **error)
{
  g_autoptr(PGresult) r = query (db, sql);
  if (!r)
    {
      store_fail (error, &db->base, "reading the database", db->errmsg);
      g_prefix_error (error, "'%s': ", db->base.name);
      return FALSE;
    }
  *out = PQntuples (r) > 0 && !PQgetisnull (r, 0, 0) ? g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10) : 0;
  return TRUE;
}

static gboolean
database_kind (PgDb *db, DbKind *kind, int *version, GError **error)
{
  gint64 meta = 0, tables = 0, v = 0;
  if (!query_int (db, "SELECT (to_regclass ('rater_meta') IS NOT NULL)::int", &meta, error))
    return FALSE;
  if (meta)
    {
      if (!query_int (db, "SELECT coalesce ((SELECT value FROM rater_meta"
                          " WHERE name = 'schema_version'), 0)", &v, error))
        return FALSE;
      *kind = DB_RATER;
      *version = (int) CLAMP (v, 0, G_MAXINT);
      return TRUE;
    }
  /* anyone's tables, views or sequences outside the system's schemas
   * (an extension's own objects aside) */
  if (!query_int (db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
                      " AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'"
                      " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                      " AND d.objid = c.oid AND d.deptype = 'e')", &tables, error))
    return FALSE;
  *kind = tables ? DB_FOREIGN : DB_EMPTY;
  *version = 0;
  return TRUE;
}

#define refuse(error, ...) rater_fail ((error), RATER_ERROR_DATA, __VA_ARGS__)

/* Refuse a database that is another program's, or newer than this rater. */
static gboolean
check_known (PgDb *db, DbKind kind, int version, GError **error)
{
  int known = store_schema_version ();
  if (kind == DB_FOREIGN || (kind == DB_RATER && version < 1))
    return refuse (error, "database '%s' is not a rater database (it has tables but no"
                   " schema version in rater_meta, written by another program): check --db"
                   " (or RATER_DB, or the nightly config's database); rater never overwrites it",
                   db->base.name);
  if (version > known)
    return refuse (error, "database '%s' has schema version %d, newer than this rater knows (%d):"
                   " use a newer rater", db->base.name, version, known);
  return TRUE;
}

static gboolean
apply_migration (PgDb *db, const StoreMigration *m, GError **error)
{
  g_autoptr(GBytes) sql = g_resources_lookup_data (m->resource, 0, error);
  if (!sql)
    return FALSE;
  g_autofree char *record = g_strdup_printf (
    "CREATE TABLE IF NOT EXISTS rater_meta (name text PRIMARY KEY, value bigint NOT NULL);"
    " INSERT INTO rater_meta VALUES ('schema_version', %d)"
    " ON CONFLICT (name) DO UPDATE SET value = excluded.value", m->version);
  if (exec_sql (db, "BEGIN") && exec_sql (db, g_bytes_get_data (sql, NULL))
      && exec_sql (db, record) && exec_sql (db, "COMMIT"))
    return TRUE;
  store_fail (error, &db->base, "database", db->errmsg);
  if (PQtransactionStatus (db->conn) != PQTRANS_IDLE)
    exec_quietly (db, "ROLLBACK");   /* the first error stands */
  g_prefix_error (error, "'%s': migration %03d: ", db->base.name, m->version);
  return FALSE;
}

/* Apply every PostgreSQL migration above FROM; the result must be the
 * version this rater knows. */
static gboolean
migrate_from (PgDb *db, int from, GError **error)
{
  g_autoptr(GArray) list = store_migrations (PG_RESOURCE_DIR);
  int last = list->len ? g_array_index (list, StoreMigration, list->len - 1).version : 0;
  if (last != store_schema_version ())
    return rater_fail (error, RATER_ERROR_SOFTWARE, "'%s': this rater's PostgreSQL schema"
                       " (schemas/pg/) reaches version %d, not %d: it cannot initialise a"
                       " PostgreSQL database", db->base.name, last, store_schema_version ());
  for (guint i = 0; i < list->len; i++)
    {
      const StoreMigration *m = &g_array_index (list, StoreMigration, i);
      if (m->version > from && !apply_migration (db, m, error))
        return FALSE;
    }
  return TRUE;
}

/* Take or release the session lock that serialises store_pg_init()s. */
static gboolean
init_lock (PgDb *db, gboolean take, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT pg_advisory_%s (%" G_GINT64_FORMAT ")",
                                          take ? "lock" : "unlock", INIT_LOCK_KEY);
  if (exec_sql (db, sql))
    return TRUE;
  store_fail (error, &db->base, "waiting for another 'rater init'", db->errmsg);
  g_prefix_error (error, "'%s': ", db->base.name);
  return FALSE;
}

/* ---- the StoreOps of a connection ---- */

static void
pg_close (StoreDb *db)
{
  pg_db_free (PG (db));
}

static const char *
pg_errmsg (StoreDb *db)
{
  return PG (db)->errmsg ? PG (db)->errmsg : "not an error";
}

static StoreFault
pg_fault (StoreDb *db)
{
  const char *state = PG (db)->sqlstate;
  if (strcmp (state, "55P03") == 0                 /* lock_not_available: lock_timeout */
      || (strcmp (state, "57014") == 0 && PG (db)->errmsg
          && strstr (PG (db)->errmsg, "lock timeout")))
    return STORE_FAULT_BUSY;
  return STORE_FAULT_ERROR;
}

static gboolean
pg_exec (StoreDb *db, const char *sql, GError **error)
{
  return exec_sql (PG (db), sql) || store_fail (error, db, "database", PG (db)->errmsg);
}

/* Is the character before P (P > START) part of a word? */
static gboolean
word_before (const char *start, const char *p)
{
  return p > start && (g_ascii_isalnum (p[-1]) || p[-1] == '_' || p[-1] == '$');
}

/* The end of the literal, identifier, dollar-quoted string or comment
 * starting at P (START: the statement), or NULL when none starts there. */
static const char *
skip_quoted (const char *start, const char *p)
{
  if (*p == '\'' || *p == '"')
    {
      gboolean escapes = *p == '\'' && word_before (start, p)
                         && (p[-1] == 'E' || p[-1] == 'e') && !word_before (start, p - 1);
      char q = *p++;
      for (; *p; p++)
        if (escapes && *p == '\\' && p[1])
          p++;
        else if (*p == q && p[1] == q)
          p++;
        else if (*p == q)
          return p + 1;
      return p;
    }
  if (p[0] == '-' && p[1] == '-')
    return p + strcspn (p, "\n");
  if (p[0] == '/' && p[1] == '*')
    {
      int depth = 0;
      for (; *p; p++)
        if (p[0] == '/' && p[1] == '*')
          depth++, p++;
        else if (p[0] == '*' && p[1] == '/' && --depth == 0)
          return p + 2;
        else if (p[0] == '*' && p[1] == '/')
          p++;
      return p;
    }
  if (*p == '$' && !word_before (start, p) && !g_ascii_isdigit (p[1]))
    {
      gsize tag = 1;
      while (g_ascii_isalnum (p[tag]) || p[tag] == '_')
        tag++;
      if (p[tag] != '$')
        return NULL;
      g_autofree char *delim = g_strndup (p, tag + 1);
      const char *end = strstr (p + tag + 1, delim);
      return end ? end + tag + 1 : p + strlen (p);
    }
  return NULL;
}

/* Classify the words of a statement: whether it can be a cursor's query. */
typedef struct {
  int words;
  gboolean query;        /* begins with SELECT, VALUES, TABLE or WITH */
  gboolean writes;       /* names INSERT, UPDATE, DELETE, MERGE or SHARE (a row lock) */
  gboolean alone;        /* may refuse to run after other commands of a pipeline (VACUUM,
                          * ... CONCURRENTLY, CREATE DATABASE: no transaction block) */
} SqlWords;

static void
note_word (SqlWords *w, const char *word, gsize len)
{
  static const char *const query[] = { "select", "values", "table", "with" };
  static const char *const writes[] = { "insert", "update", "delete", "merge", "share" };
  for (guint i = 0; w->words == 0 && i < G_N_ELEMENTS (query); i++)
    if (len == strlen (query[i]) && g_ascii_strncasecmp (word, query[i], len) == 0)
      w->query = TRUE;
  static const char *const alone[] = { "vacuum", "reindex", "concurrently", "database", "system",
                                       "tablespace" };
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    if (len == strlen (writes[i]) && g_ascii_strncasecmp (word, writes[i], len) == 0)
      w->writes = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (alone); i++)
    if (len == strlen (alone[i]) && g_ascii_strncasecmp (word, alone[i], len) == 0)
      w->alone = TRUE;
  w->words++;
}

/* The length of the word at P (letters, digits, _ and $). */
static gsize
word_length (const char *p)
{
  gsize n = 0;
  while (g_ascii_isalnum (p[n]) || p[n] == '_' || p[n] == '$')
    n++;
  return n;
}

/* Whether the word at P is KEYWORD (any case). */
static gboolean
word_is (const char *p, const char *keyword)
{
  gsize n = word_length (p);
  return n == strlen (keyword) && g_ascii_strncasecmp (p, keyword, n) == 0;
}

/* The end of SQLite's planner hint at P ("INDEXED BY name", "NOT
 * INDEXED", the CROSS of "CROSS JOIN", which orders SQLite's joins), or
 * NULL: PostgreSQL has none, and plans without it (and refuses an ON after
 * its CROSS JOIN). */
static const char *
skip_hint (const char *start, const char *p)
{
  if (word_before (start, p))
    return NULL;
  const char *q = p;
  if (word_is (q, "not"))
    {
      q += 3;
      while (g_ascii_isspace (*q))
        q++;
      return word_is (q, "indexed") ? q + 7 : NULL;
    }
  if (word_is (q, "cross"))
    {
      q += 5;
      while (g_ascii_isspace (*q))
        q++;
      return word_is (q, "join") ? q : NULL;   /* "CROSS JOIN t ON ...": "JOIN t ON ..." */
    }
  if (!word_is (q, "indexed"))
    return NULL;
  q += 7;
  while (g_ascii_isspace (*q))
    q++;
  if (!word_is (q, "by"))
    return NULL;
  q += 2;
  while (g_ascii_isspace (*q))
    q++;
  gsize name = word_length (q);
  return name ? q + name : NULL;
}

/* Whether a '+' after OUT (the translation so far) is unary: what comes
 * before it is no operand (an operator, '(' or ',', or a keyword). */
static gboolean
plus_is_unary (const GString *out)
{
  static const char *const keywords[] = { "and", "or", "not", "where", "on", "select", "when",
                                          "then", "else", "by", "in", "is" };
  gssize i = (gssize) out->len - 1;
  while (i >= 0 && g_ascii_isspace (out->str[i]))
    i--;
  if (i < 0 || strchr ("(,=<>!-+*/", out->str[i]))
    return TRUE;
  gssize end = i + 1;
  while (i >= 0 && (g_ascii_isalnum (out->str[i]) || out->str[i] == '_'))
    i--;
  for (guint k = 0; k < G_N_ELEMENTS (keywords); k++)
    if ((gsize) (end - i - 1) == strlen (keywords[k])
        && g_ascii_strncasecmp (out->str + i + 1, keywords[k], strlen (keywords[k])) == 0)
      return TRUE;
  return FALSE;
}

/* SQL with ?N as $N and each bare ? as the number after the largest so
 * far (SQLite's rule); *NPARAMS the largest, *ROWS whether it is a query
 * to read through a cursor.  SQLite's planner hints are dropped: "INDEXED
 * BY name", "NOT INDEXED", CROSS before JOIN, and the unary + that keeps
 * SQLite off an index ("+r.period"), which PostgreSQL would read as
 * arithmetic on a text. */
static char *
translate (const char *sql, int *nparams, gboolean *rows, gboolean *alone)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  SqlWords words = { 0 };
  int largest = 0;
  const char *p = sql;
  while (*p)
    {
      const char *end = skip_quoted (sql, p);
      const char *hint = end ? NULL : skip_hint (sql, p);
      if (end)
        {
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (hint)
        p = hint;
      else if (*p == '+' && (g_ascii_isalpha (p[1]) || p[1] == '_') && plus_is_unary (out))
        p++;
      else if (*p == '?')
        {
          char *digits_end;
          guint64 n = g_ascii_strtoull (p + 1, &digits_end, 10);
          int number = digits_end > p + 1 ? (int) MIN (n, G_MAXINT / 2) : largest + 1;
          largest = MAX (largest, number);
          g_string_append_printf (out, "$%d", number);
          p = digits_end > p + 1 ? digits_end : p + 1;
        }
      else if ((g_ascii_isalpha (*p) || *p == '_') && !word_before (sql, p))
        {
          const char *w = p;
          while (g_ascii_isalnum (*p) || *p == '_' || *p == '$')
            p++;
          note_word (&words, w, p - w);
          g_string_append_len (out, w, p - w);
        }
      else
        g_string_append_c (out, *p++);
    }
  *nparams = largest;
  *rows = words.query && !words.writes;
  *alone = words.alone;
  return g_string_free (out, FALSE);
}

static StoreStmt *
pg_prepare (StoreDb *db, const char *sql, GError **error)
{
  PgStmt *st = g_new0 (PgStmt, 1);
  gboolean rows;
  guint id = ++PG (db)->next_id;
  st->base.db = db;
  st->sql = g_strdup (sql);
  g_autofree char *text = translate (sql, &st->nparams, &rows, &st->alone);
  if (st->nparams > MAX_PARAMS)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "cannot prepare '%.60s': a parameter"
                   " number above %d", sql, MAX_PARAMS);
      g_free (st->sql);
      g_free (st);
      return NULL;
    }
  st->name = g_strdup_printf ("rater_s%u", id);
  if (rows)
    {
      st->cursor = g_strdup_printf ("rater_c%u", id);
      st->text = g_strdup_printf ("DECLARE %s NO SCROLL CURSOR WITH HOLD FOR %s", st->cursor, text);
      st->fetch = g_strdup_printf ("FETCH FORWARD %d FROM %s", FETCH_ROWS, st->cursor);
    }
  else
    st->text = g_steal_pointer (&text);
  int n = MAX (st->nparams, 1);
  st->prepared_types = g_new0 (Oid, n);
  st->types = g_new0 (Oid, n);
  st->values = g_new0 (const char *, n);
  st->lengths = g_new0 (int, n);
  st->formats = g_new0 (int, n);
  st->ints = g_new0 (guint64, n);
  st->copies = g_new0 (char *, n);
  st->ncols = -1;
  return &st->base;
}

static void
clear_row (PgStmt *st)
{
  for (int i = 0; st->decoded && i < st->ncols; i++)
    g_clear_pointer (&st->decoded[i], g_free);
}

/* Forget the rows at hand; a cursor still open is closed with the next
 * round trip when nothing ran since its last fetch, else it is uncertain. */
static void
pg_reset (StoreStmt *s)
{
  PgStmt *st = STMT (s);
  PgDb *db = PG (s->db);
  clear_row (st);
  g_clear_pointer (&st->res, PQclear);
  st->row = st->nrows = 0;
  st->started = FALSE;
  st->more = FALSE;
  if (st->cursor_state == CURSOR_OPEN && st->fetched_at == db->round_trips)
    {
      g_ptr_array_add (db->pending, g_strdup_printf ("CLOSE %s", st->cursor));
      st->cursor_state = CURSOR_NONE;
    }
  else if (st->cursor_state == CURSOR_OPEN)
    st->cursor_state = CURSOR_UNCERTAIN;
}

/* Queue the CLOSE of ST's cursor when it may exist and still does. */
static void
settle_cursor (PgStmt *st)
{
  PgDb *db = PG (st->base.db);
  if (st->cursor_state != CURSOR_UNCERTAIN)
    return;
  st->cursor_state = CURSOR_NONE;
  if (PQstatus (db->conn) != CONNECTION_OK || PQtransactionStatus (db->conn) == PQTRANS_INERROR)
    return;             /* cannot ask; a name never declared again */
  g_autofree char *ask = g_strdup_printf ("SELECT count(*) FROM pg_cursors WHERE name = '%s'",
                                          st->cursor);
  g_autoptr(PGresult) r = query (db, ask);
  if (r && PQntuples (r) == 1 && strcmp (PQgetvalue (r, 0, 0), "1") == 0)
    g_ptr_array_add (db->pending, g_strdup_printf ("CLOSE %s", st->cursor));
}

static void
free_copies (PgStmt *st)
{
  for (int i = 0; i < st->nparams; i++)
    g_clear_pointer (&st->copies[i], g_free);
}

static void
pg_finalize (StoreStmt *s)
{
  PgStmt *st = STMT (s);
  PgDb *db = PG (s->db);
  pg_reset (s);
  if (st->cursor_state == CURSOR_UNCERTAIN)
    {
      g_autofree char *keep = db->errmsg ? g_strdup (db->errmsg) : NULL;   /* the error stands */
      char state[6];
      g_strlcpy (state, db->sqlstate, sizeof state);
      settle_cursor (st);
      g_free (db->errmsg);
      db->errmsg = g_steal_pointer (&keep);
      g_strlcpy (db->sqlstate, state, sizeof db->sqlstate);
    }
  if (st->prepared)
    g_ptr_array_add (db->pending, g_strdup_printf ("DEALLOCATE %s", st->name));
  free_copies (st);
  g_free (st->decoded);
  g_free (st->decoded_len);
  g_free (st->sql);
  g_free (st->text);
  g_free (st->name);
  g_free (st->cursor);
  g_free (st->fetch);
  g_free (st->prepared_types);
  g_free (st->types);
  g_free (st->values);
  g_free (st->lengths);
  g_free (st->formats);
  g_free (st->ints);
  g_free (st->copies);
  g_free (st);
}

static const char *
pg_sql (StoreStmt *st)
{
  return STMT (st)->sql;
}

static int
pg_param_count (StoreStmt *st)
{
  return STMT (st)->nparams;
}

static void
bind_one (PgStmt *st, int i, const StoreValue *v)
{
  g_clear_pointer (&st->copies[i], g_free);
  st->formats[i] = 1;
  switch (v->type)
    {
    case STORE_VALUE_NULL:
      st->values[i] = NULL;
      st->lengths[i] = 0;
      return;           /* the type stays: any type's NULL */
    case STORE_VALUE_INT:
      st->ints[i] = GUINT64_TO_BE ((guint64) v->i);
      st->values[i] = (const char *) &st->ints[i];
      st->lengths[i] = sizeof st->ints[i];
      st->types[i] = OID_INT8;
      return;
    case STORE_VALUE_TEXT_COPY:
      st->copies[i] = v->text ? g_strndup (v->text, v->len < 0 ? strlen (v->text) : (gsize) v->len) : NULL;
      st->values[i] = st->copies[i];
      st->lengths[i] = st->copies[i] ? (int) strlen (st->copies[i]) : 0;
      st->types[i] = OID_TEXT;
      return;
    case STORE_VALUE_TEXT:
      st->values[i] = v->text;
      st->lengths[i] = !v->text ? 0 : v->len < 0 ? (int) strlen (v->text) : v->len;
      st->types[i] = OID_TEXT;
      return;
    case STORE_VALUE_BLOB:
      st->values[i] = v->blob ? v->blob : "";
      st->lengths[i] = v->len;
      st->types[i] = OID_BYTEA;
      return;
    case STORE_VALUE_END:
      break;
    }
  g_assert_not_reached ();
}

static gboolean
pg_bind_values (StoreStmt *s, int first, const StoreValue *values, GError **error)
{
  PgStmt *st = STMT (s);
  if (st->started)
    pg_reset (s);       /* bound anew: runs again at the next store_next() */
  for (int idx = first; values->type != STORE_VALUE_END; idx++, values++)
    {
      if (idx < 1 || idx > st->nparams || (values->type == STORE_VALUE_BLOB && values->len < 0))
        return rater_fail (error, RATER_ERROR_SOFTWARE, "cannot bind parameter %d of '%.60s': %s",
                           idx, st->sql, idx < 1 || idx > st->nparams ? "column index out of range"
                           : "negative length");
      bind_one (st, idx - 1, values);
    }
  return TRUE;
}

static void
pg_clear_bindings (StoreStmt *s)
{
  PgStmt *st = STMT (s);
  for (int i = 0; i < st->nparams; i++)
    bind_one (st, i, &STORE_NULL);
}

/* Take R's rows as the rows at hand (R is taken). */
static void
take_rows (PgStmt *st, PGresult *r)
{
  clear_row (st);
  PQclear (st->res);
  st->res = r;
  st->row = 0;
  st->nrows = PQresultStatus (r) == PGRES_TUPLES_OK ? PQntuples (r) : 0;
  if (st->ncols != PQnfields (r))
    {
      clear_row (st);
      st->ncols = PQnfields (r);
      g_free (st->decoded);
      g_free (st->decoded_len);
      st->decoded = g_new0 (char *, st->ncols);
      st->decoded_len = g_new0 (int, st->ncols);
    }
}

/* After a FETCH that brought R's rows: queue the cursor's CLOSE once it
 * has given its last. */
static void
after_fetch (PgStmt *st, PGresult *r)
{
  PgDb *db = PG (st->base.db);
  st->fetched_at = db->round_trips;
  st->more = PQntuples (r) == FETCH_ROWS;
  if (!st->more)
    {
      g_ptr_array_add (db->pending, g_strdup_printf ("CLOSE %s", st->cursor));
      st->cursor_state = CURSOR_NONE;
    }
}

/* TRUE when the bound values' types differ from those ST was prepared with. */
static gboolean
types_changed (PgStmt *st)
{
  for (int i = 0; i < st->nparams; i++)
    if (st->values[i] && st->types[i] != st->prepared_types[i])
      return TRUE;
  return FALSE;
}

/* Add to CMDS (N so far) what (re)prepares ST with the types bound now, if
 * anything; *PREP the index of the preparation (-1: none).  Returns N. */
static int
add_prepare (PgStmt *st, PgCmd *cmds, int n, const char *deallocate, int *prep)
{
  *prep = -1;
  if (st->prepared && types_changed (st))
    {
      cmds[n++] = (PgCmd) { .text = deallocate };
      st->prepared = FALSE;
    }
  if (!st->prepared)
    {
      memcpy (st->prepared_types, st->types, st->nparams * sizeof *st->types);
      *prep = n;
      cmds[n++] = (PgCmd) { .name = st->name, .text = st->text,
                            .prepare_types = st->prepared_types, .nprepare = st->nparams };
    }
  return n;
}

/* Note whether the preparation PREP (an index of RESULTS, -1: none) took;
 * when it failed, the message names the statement. */
static void
note_prepared (PgStmt *st, PGresult **results, int prep)
{
  PgDb *db = PG (st->base.db);
  if (prep < 0)
    return;
  st->prepared = result_ok (results[prep]);
  if (results[prep] && PQresultStatus (results[prep]) == PGRES_FATAL_ERROR
      && PQstatus (db->conn) == CONNECTION_OK)    /* (a lost connection says so alone) */
    {
      g_autofree char *why = g_strdup_printf ("cannot prepare '%.60s': %s", st->sql, db->errmsg);
      set_last_error (db, why, db->sqlstate);
    }
}

/* Run ST: [prepare,] execute or declare [, fetch], one round trip (two for
 * a command that must be alone in its pipeline, the first time). */
static gboolean
start (PgStmt *st)
{
  PgDb *db = PG (st->base.db);
  PgCmd cmds[4] = { { 0 } };
  PGresult *results[4] = { NULL };
  int prep;
  g_autofree char *deallocate = g_strdup_printf ("DEALLOCATE %s", st->name);
  settle_cursor (st);
  int n = add_prepare (st, cmds, 0, deallocate, &prep);
  if (st->alone && (n > 0 || db->pending->len))
    {
      gboolean ok = round_trip (db, cmds, n, results);
      note_prepared (st, results, prep);
      for (int i = 0; i < n; i++)
        g_clear_pointer (&results[i], PQclear);
      if (!ok)
        return FALSE;
      n = 0;
      prep = -1;
    }
  cmds[n++] = (PgCmd) { .name = st->name, .params = st };
  if (st->cursor)
    cmds[n++] = (PgCmd) { .text = st->fetch };
  gboolean ok = round_trip (db, cmds, n, results);
  note_prepared (st, results, prep);
  if (st->cursor && result_ok (results[n - 2]))
    st->cursor_state = CURSOR_OPEN;
  PGresult *last = results[n - 1];
  results[n - 1] = NULL;
  for (int i = 0; i < n; i++)
    PQclear (results[i]);
  if (!ok)
    {
      PQclear (last);
      if (st->cursor_state == CURSOR_OPEN)
        st->cursor_state = CURSOR_UNCERTAIN;
      return FALSE;
    }
  if (st->cursor)
    after_fetch (st, last);
  else
    note_changes (db, last);
  take_rows (st, last);
  return TRUE;
}

static gboolean
fetch_more (PgStmt *st)
{
  PgDb *db = PG (st->base.db);
  PGresult *r = query (db, st->fetch);
  if (!r)
    {
      st->cursor_state = CURSOR_UNCERTAIN;
      st->more = FALSE;
      return FALSE;
    }
  after_fetch (st, r);
  take_rows (st, r);
  return TRUE;
}

static StoreStep
pg_next (StoreStmt *s)
{
  PgStmt *st = STMT (s);
  if (!st->started)
    {
      st->started = TRUE;
      if (!start (st))
        return STORE_FAILED;
    }
  else if (st->row < st->nrows)
    {
      clear_row (st);
      st->row++;
    }
  if (st->row < st->nrows)
    return STORE_ROW;
  if (st->more)
    {
      if (!fetch_more (st))
        return STORE_FAILED;
      if (st->row < st->nrows)
        return STORE_ROW;
    }
  return STORE_DONE;
}

/* ---- columns ---- */

static gboolean
has_value (PgStmt *st, int col)
{
  return st->res && st->row < st->nrows && col >= 0 && col < st->ncols
         && !PQgetisnull (st->res, st->row, col);
}

static StoreColumnType
pg_column_type (StoreStmt *s, int col)
{
  PgStmt *st = STMT (s);
  if (!has_value (st, col))
    return STORE_COLUMN_NULL;
  switch (PQftype (st->res, col))
    {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_BOOL:
    case OID_OID:
      return STORE_COLUMN_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
      return STORE_COLUMN_FLOAT;
    case OID_BYTEA:
      return STORE_COLUMN_BLOB;
    case OID_NUMERIC:
      {
        int mod = PQfmod (st->res, col);   /* ((precision << 16) | scale) + 4, or -1 */
        if (mod >= 4)
          return ((mod - 4) & 0xffff) == 0 ? STORE_COLUMN_INT : STORE_COLUMN_FLOAT;
        const char *v = PQgetvalue (st->res, st->row, col);
        return strpbrk (v, ".eEN") ? STORE_COLUMN_FLOAT : STORE_COLUMN_INT;
      }
    default:
      return STORE_COLUMN_TEXT;
    }
}

static gint64
pg_column_int64 (StoreStmt *s, int col)
{
  PgStmt *st = STMT (s);
  if (!has_value (st, col))
    return 0;
  const char *v = PQgetvalue (st->res, st->row, col);
  Oid type = PQftype (st->res, col);
  if (type == OID_BOOL)
    return *v == 't';
  if (type == OID_FLOAT4 || type == OID_FLOAT8 || (type == OID_NUMERIC && strpbrk (v, "eE")))
    {
      double d = g_ascii_strtod (v, NULL);
      if (d != d)
        return 0;
      return d >= 9223372036854775807.0 ? G_MAXINT64 : d <= -9223372036854775808.0 ? G_MININT64
             : (gint64) d;
    }
  return g_ascii_strtoll (v, NULL, 10);   /* as SQLite: the leading integer, saturated */
}

/* COL of the current row, decoded when it is a bytea (NUL added), cached
 * until the row changes; *LEN its bytes. */
static const char *
column_bytes_of (PgStmt *st, int col, int *len)
{
  *len = 0;
  if (!has_value (st, col))
    return NULL;
  const char *v = PQgetvalue (st->res, st->row, col);
  if (PQftype (st->res, col) != OID_BYTEA)
    {
      *len = PQgetlength (st->res, st->row, col);
      return v;
    }
  if (!st->decoded[col])
    {
      size_t n = 0;
      unsigned char *raw = PQunescapeBytea ((const unsigned char *) v, &n);
      st->decoded[col] = g_malloc (n + 1);
      if (raw)
        memcpy (st->decoded[col], raw, n);
      st->decoded[col][raw ? n : 0] = '\0';
      st->decoded_len[col] = raw ? (int) n : 0;
      PQfreemem (raw);
    }
  *len = st->decoded_len[col];
  return st->decoded[col];
}

static const char *
pg_column_text (StoreStmt *s, int col)
{
  int len;
  return column_bytes_of (STMT (s), col, &len);
}

static const void *
pg_column_blob (StoreStmt *s, int col)
{
  int len;
  return column_bytes_of (STMT (s), col, &len);
}

static int
pg_column_bytes (StoreStmt *s, int col)
{
  int len;
  (void) column_bytes_of (STMT (s), col, &len);
  return len;
}

/* The result's columns; before a run, the server describes the query
 * (prepared unnamed with the types bound so far). */
static int
pg_column_count (StoreStmt *s)
{
  PgStmt *st = STMT (s);
  PgDb *db = PG (s->db);
  if (st->ncols >= 0)
    return st->ncols;
  g_autofree char *plain = NULL;
  int n;
  gboolean rows, alone;
  plain = translate (st->sql, &n, &rows, &alone);
  PGresult *results[2] = { NULL };
  PgCmd cmds[] = {
    { .name = "", .text = plain, .prepare_types = st->types, .nprepare = st->nparams },
  };
  int count = 0;
  if (round_trip (db, cmds, 1, results))
    {
      g_autoptr(PGresult) d = PQdescribePrepared (db->conn, "");
      count = result_ok (d) ? PQnfields (d) : 0;
    }
  PQclear (results[0]);
  return count;
}

static gint64
pg_changes (StoreDb *db)
{
  return PG (db)->changes;
}

/* lastval(); inside a transaction under a savepoint, since its error
 * (no value yet in this session) would abort the transaction.  0 when
 * there is none; the last error is kept. */
static gint64
pg_last_insert_id (StoreDb *d)
{
  PgDb *db = PG (d);
  g_autofree char *keep = g_strdup (db->errmsg);
  char state[6];
  g_strlcpy (state, db->sqlstate, sizeof state);
  gboolean in_txn = PQtransactionStatus (db->conn) == PQTRANS_INTRANS;
  PgCmd cmds[] = {
    { .text = "SAVEPOINT rater_lastval" },
    { .text = "SELECT lastval ()" },
    { .text = "RELEASE SAVEPOINT rater_lastval" },
  };
  PGresult *results[3] = { NULL };
  gboolean ok = in_txn ? round_trip (db, cmds, 3, results) : round_trip (db, cmds + 1, 1, results + 1);
  gint64 id = result_ok (results[1]) && PQntuples (results[1]) == 1
              ? g_ascii_strtoll (PQgetvalue (results[1], 0, 0), NULL, 10) : 0;
  for (int i = 0; i < 3; i++)
    PQclear (results[i]);
  if (!ok && in_txn && PQtransactionStatus (db->conn) == PQTRANS_INERROR)
    exec_quietly (db, "ROLLBACK TO SAVEPOINT rater_lastval; RELEASE SAVEPOINT rater_lastval");
  g_free (db->errmsg);
  db->errmsg = g_steal_pointer (&keep);
  g_strlcpy (db->sqlstate, state, sizeof db->sqlstate);
  return id;
}

static gboolean
pg_begin (StoreDb *d, GError **error)
{
  PgDb *db = PG (d);
  g_autofree char *sql = d->readonly ? g_strdup ("BEGIN ISOLATION LEVEL REPEATABLE READ")
    : g_strdup_printf ("BEGIN; SELECT pg_advisory_xact_lock (%" G_GINT64_FORMAT ")", WRITE_LOCK_KEY);
  if (exec_sql (db, sql))
    return TRUE;
  store_fail (error, d, "cannot begin a transaction", db->errmsg);
  if (PQtransactionStatus (db->conn) != PQTRANS_IDLE)
    exec_quietly (db, "ROLLBACK");   /* the first error stands */
  return FALSE;
}

static gboolean
pg_in_transaction (StoreDb *db)
{
  PGTransactionStatusType s = PQtransactionStatus (PG (db)->conn);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

/* A second connection to DB's server, read-only. */
static StoreDb *
pg_open_reader (StoreDb *db, GError **error)
{
  PgDb *reader = connect_db (PG (db)->uri, TRUE, error);
  return reader ? &reader->base : NULL;
}


/* ---- rows in bulk: COPY ... FROM STDIN (FORMAT binary) ----
 *
 * The rows of one flush are encoded as they come, in COPY's binary format
 * (each value as the column's type receives it: int8, int4, int2, bool,
 * text, varchar, bytea), into one buffer sent at the flush in chunks of
 * COPY_CHUNK bytes: one round trip to start the COPY, one for its end.
 * Without a CONFLICT the COPY goes straight into the table.  With one it
 * goes into a temporary staging table of the session (created when
 * missing and emptied in the same round trip), whose extra column
 * rater_ord keeps the rows' order; one INSERT ... SELECT ... ORDER BY
 * rater_ord ON CONFLICT ... RETURNING TAG then moves them, in that order,
 * and tells which were written.  Rewrites (store_bulk_update_new()) go
 * the same way into a staging table, then one UPDATE ... FROM it ...
 * RETURNING the key.  The staging table is dropped with the bulk (queued
 * like a CLOSE), and at the latest with the session. */

#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define COPY_CHUNK (1 << 20)

static const char copy_header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";   /* + flags, extension */
#define COPY_HEADER_LEN 19

typedef struct {
  StoreBulk base;
  Oid *types;            /* per column */
  char *copy_sql;        /* [create and empty the staging table;] COPY ... FROM STDIN */
  char *move_sql;        /* with a CONFLICT: the INSERT ... SELECT from the staging table */
  char *staging;         /* its name, NULL: none */
  GByteArray *buf;       /* the COPY data of the rows pending */
} PgBulk;

#define PG_BULK(b) ((PgBulk *) (b))

static void
put16 (GByteArray *buf, gint16 v)
{
  guint16 be = GUINT16_TO_BE ((guint16) v);
  g_byte_array_append (buf, (const guint8 *) &be, 2);
}

static void
put32 (GByteArray *buf, gint32 v)
{
  guint32 be = GUINT32_TO_BE ((guint32) v);
  g_byte_array_append (buf, (const guint8 *) &be, 4);
}

static void
put64 (GByteArray *buf, gint64 v)
{
  guint64 be = GUINT64_TO_BE ((guint64) v);
  g_byte_array_append (buf, (const guint8 *) &be, 8);
}

static void
put_bytes (GByteArray *buf, const void *p, gsize len)
{
  put32 (buf, (gint32) len);
  g_byte_array_append (buf, p, (guint) len);
}

static const char *
pg_type_name (Oid type)
{
  switch (type)
    {
    case OID_INT8: return "bigint";
    case OID_INT4: return "integer";
    case OID_INT2: return "smallint";
    case OID_BOOL: return "boolean";
    case OID_BYTEA: return "bytea";
    default: return "text";
    }
}

/* Append value V for column K as COPY's binary format has it. */
static gboolean
put_value (PgBulk *bk, int k, const StoreValue *v, GError **error)
{
  GByteArray *buf = bk->buf;
  Oid type = bk->types[k];
  gboolean text_type = type == OID_TEXT || type == OID_VARCHAR || type == OID_BPCHAR;
  switch (v->type)
    {
    case STORE_VALUE_NULL:
      put32 (buf, -1);
      return TRUE;
    case STORE_VALUE_INT:
      if (type == OID_INT8)
        {
          put32 (buf, 8);
          put64 (buf, v->i);
          return TRUE;
        }
      if ((type == OID_INT4 && v->i >= G_MININT32 && v->i <= G_MAXINT32)
          || (type == OID_INT2 && v->i >= G_MININT16 && v->i <= G_MAXINT16)
          || (type == OID_BOOL && (v->i == 0 || v->i == 1)))
        {
          put32 (buf, type == OID_INT4 ? 4 : type == OID_INT2 ? 2 : 1);
          if (type == OID_INT4)
            put32 (buf, (gint32) v->i);
          else if (type == OID_INT2)
            put16 (buf, (gint16) v->i);
          else
            g_byte_array_append (buf, (const guint8 *) (v->i ? "\1" : "\0"), 1);
          return TRUE;
        }
      if (text_type)
        {
          char digits[24];
          int n = g_snprintf (digits, sizeof digits, "%" G_GINT64_FORMAT, v->i);
          put_bytes (buf, digits, (gsize) n);
          return TRUE;
        }
      break;
    case STORE_VALUE_TEXT:
    case STORE_VALUE_TEXT_COPY:
      if (!v->text)
        {
          put32 (buf, -1);
          return TRUE;
        }
      if (text_type || type == OID_BYTEA)
        {
          put_bytes (buf, v->text, v->len < 0 ? strlen (v->text) : (gsize) v->len);
          return TRUE;
        }
      break;
    case STORE_VALUE_BLOB:
      if (type == OID_BYTEA && v->len >= 0)
        {
          put_bytes (buf, v->blob, (gsize) v->len);
          return TRUE;
        }
      break;
    case STORE_VALUE_END:
      break;
    }
  return rater_fail (error, RATER_ERROR_SOFTWARE, "bulk rows for %s: column %s is %s: %s",
                     bk->base.table, bk->base.names[k], pg_type_name (type),
                     v->type == STORE_VALUE_INT ? "this integer does not fit"
                     : v->type == STORE_VALUE_BLOB ? "a blob cannot go there"
                     : "a text cannot go there");
}

static gboolean
pg_bulk_row (StoreBulk *b, const StoreValue *values, GError **error)
{
  PgBulk *bk = PG_BULK (b);
  put16 (bk->buf, (gint16) (b->ncols + (bk->staging ? 1 : 0)));
  for (int k = 0; k < b->ncols; k++)
    if (!put_value (bk, k, &values[k], error))
      return FALSE;
  if (bk->staging)
    {
      put32 (bk->buf, 8);
      put64 (bk->buf, (gint64) b->pending - 1);
    }
  return TRUE;
}

/* Send the pending CLOSE/DEALLOCATE/DROP commands now (before a COPY,
 * which a pipeline cannot hold). */
static gboolean
send_pending (PgDb *db)
{
  if (!db->pending->len || PQtransactionStatus (db->conn) == PQTRANS_INERROR)
    return TRUE;
  PGresult *r = NULL;
  return round_trip (db, NULL, 0, &r);
}

/* Run COPY_SQL and stream BUF into it; *ROWS the rows it took. */
static gboolean
copy_in (PgDb *db, const char *copy_sql, GByteArray *buf, gint64 *rows)
{
  if (!send_pending (db))
    return FALSE;
  db->round_trips++;
  PGresult *r = PQexec (db->conn, copy_sql);
  if (PQresultStatus (r) != PGRES_COPY_IN)
    {
      note_failure (db, r);
      PQclear (r);
      return FALSE;
    }
  PQclear (r);
  int sent = 1;
  for (guint off = 0; sent == 1 && off < buf->len; off += COPY_CHUNK)
    sent = PQputCopyData (db->conn, (const char *) buf->data + off,
                          (int) MIN ((guint) COPY_CHUNK, buf->len - off));
  g_autofree char *send_error = sent == 1 ? NULL : g_strdup (PQerrorMessage (db->conn));
  gboolean ended = PQputCopyEnd (db->conn, send_error ? "rater could not send the rows" : NULL) == 1;
  gboolean ok = TRUE, noted = FALSE;
  while ((r = PQgetResult (db->conn)))
    {
      if (!result_ok (r) && !noted)
        {
          note_failure (db, r);
          noted = TRUE;
        }
      else if (result_ok (r))
        *rows = g_ascii_strtoll (PQcmdTuples (r), NULL, 10);
      ok = ok && result_ok (r);
      PQclear (r);
      if (PQstatus (db->conn) == CONNECTION_BAD)
        break;
    }
  if ((send_error || !ended) && !noted)
    {
      note_error (db, send_error ? send_error : PQerrorMessage (db->conn), NULL);
      noted = TRUE;
    }
  if (ok && noted)
    ok = FALSE;
  if (!ok && !noted)
    note_failure (db, NULL);
  return ok;
}

static gboolean
pg_bulk_flush (StoreBulk *b, GError **error)
{
  PgBulk *bk = PG_BULK (b);
  PgDb *db = PG (b->db);
  if (b->pending == 0)
    return TRUE;
  put16 (bk->buf, -1);
  gint64 rows = 0;
  gboolean copied = copy_in (db, bk->copy_sql, bk->buf, &rows);
  g_byte_array_set_size (bk->buf, COPY_HEADER_LEN);
  if (!copied)
    return store_fail (error, b->db, "database write failed", db->errmsg);
  if (!bk->move_sql)
    {
      gboolean all = TRUE;
      for (guint k = 0; k < b->pending; k++)
        g_array_append_val (b->flags, all);
      db->changes = rows;
      return TRUE;
    }
  g_autoptr(PGresult) moved = query (db, bk->move_sql);
  if (!moved)
    return store_fail (error, b->db, "database write failed", db->errmsg);
  g_autoptr(GHashTable) written = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *tags = g_new (gint64, MAX (PQntuples (moved), 1));
  for (int i = 0; i < PQntuples (moved); i++)
    {
      tags[i] = g_ascii_strtoll (PQgetvalue (moved, i, 0), NULL, 10);
      g_hash_table_add (written, &tags[i]);
    }
  for (guint k = 0; k < b->pending; k++)
    {
      gboolean in = g_hash_table_contains (written, &g_array_index (b->tags, gint64, k));
      g_array_append_val (b->flags, in);
    }
  db->changes = PQntuples (moved);
  return TRUE;
}

static void
pg_bulk_clear (StoreBulk *b)
{
  g_byte_array_set_size (PG_BULK (b)->buf, COPY_HEADER_LEN);
}

static void
pg_bulk_free (StoreBulk *b)
{
  PgBulk *bk = PG_BULK (b);
  if (bk->staging && b->db)
    g_ptr_array_add (PG (b->db)->pending, g_strdup_printf ("DROP TABLE IF EXISTS pg_temp.%s",
                                                           bk->staging));
  g_free (bk->types);
  g_free (bk->copy_sql);
  g_free (bk->move_sql);
  g_free (bk->staging);
  if (bk->buf)
    g_byte_array_unref (bk->buf);
}

static const StoreBulkOps pg_bulk_ops = {
  .row = pg_bulk_row,
  .flush = pg_bulk_flush,
  .clear = pg_bulk_clear,
  .free = pg_bulk_free,
};

/* The types of BK's columns, from the catalog. */
static gboolean
bulk_types (PgBulk *bk, GError **error)
{
  PgDb *db = PG (bk->base.db);
  const char *values[] = { bk->base.table };
  if (!send_pending (db))
    return store_fail (error, &db->base, "database", db->errmsg);
  db->round_trips++;
  g_autoptr(PGresult) r = PQexecParams (db->conn,
    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = to_regclass ($1)"
    " AND attnum > 0 AND NOT attisdropped", 1, NULL, values, NULL, NULL, 0);
  if (!result_ok (r))
    {
      note_failure (db, r);
      return store_fail (error, &db->base, "reading the columns of a table", db->errmsg);
    }
  bk->types = g_new0 (Oid, bk->base.ncols);
  for (int k = 0; k < bk->base.ncols; k++)
    {
      for (int i = 0; i < PQntuples (r); i++)
        if (strcmp (PQgetvalue (r, i, 0), bk->base.names[k]) == 0)
          bk->types[k] = (Oid) g_ascii_strtoull (PQgetvalue (r, i, 1), NULL, 10);
      Oid t = bk->types[k];
      if (t == 0)
        return rater_fail (error, RATER_ERROR_SOFTWARE, "bulk rows for %s: no column %s in it",
                           bk->base.table, bk->base.names[k]);
      if (t != OID_INT8 && t != OID_INT4 && t != OID_INT2 && t != OID_BOOL && t != OID_TEXT
          && t != OID_VARCHAR && t != OID_BPCHAR && t != OID_BYTEA)
        return rater_fail (error, RATER_ERROR_SOFTWARE, "bulk rows for %s: column %s has a type"
                           " (oid %u) that bulk rows cannot send", bk->base.table,
                           bk->base.names[k], t);
    }
  return TRUE;
}

/* UPDATE TABLE SET c2 = s.c2, ... FROM STAGING s WHERE TABLE.c1 = s.c1
 * RETURNING the key. */
static char *
bulk_update_sql (StoreBulk *b, const char *staging)
{
  GString *sql = g_string_new (NULL);
  g_string_printf (sql, "UPDATE %s SET ", b->table);
  for (int k = 1; k < b->ncols; k++)
    {
      g_autofree char *name = store_quote_ident (b->names[k]);
      g_string_append_printf (sql, "%s%s = s.%s", k > 1 ? ", " : "", name, name);
    }
  g_autofree char *key = store_quote_ident (b->names[0]);
  g_string_append_printf (sql, " FROM %s s WHERE %s.%s = s.%s RETURNING %s.%s", staging, b->table,
                          key, key, b->table, key);
  return g_string_free (sql, FALSE);
}

static StoreBulk *
pg_bulk_new (StoreDb *d, const char *table, const char *columns, const char *conflict,
             const char *tag, gboolean update, GError **error)
{
  PgBulk *bk = g_new0 (PgBulk, 1);
  g_autoptr(StoreBulk) b = &bk->base;
  if (!store_bulk_init (b, d, &pg_bulk_ops, table, columns, conflict, tag, update, error)
      || !bulk_types (bk, error))
    return NULL;
  bk->buf = g_byte_array_sized_new (1 << 16);
  g_byte_array_append (bk->buf, (const guint8 *) copy_header, COPY_HEADER_LEN);
  if (!conflict && !update)
    {
      bk->copy_sql = g_strdup_printf ("COPY %s (%s) FROM STDIN (FORMAT binary)", table, columns);
      return g_steal_pointer (&b);
    }
  bk->staging = g_strdup_printf ("rater_bulk%u", ++PG (d)->next_id);
  g_autofree char *tag_name = store_quote_ident (b->names[b->tag]);
  bk->copy_sql = g_strdup_printf (
    "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT %s, 0::bigint AS rater_ord FROM %s WITH NO DATA;"
    " TRUNCATE %s; COPY %s (%s, rater_ord) FROM STDIN (FORMAT binary)",
    bk->staging, columns, table, bk->staging, bk->staging, columns);
  bk->move_sql = update ? bulk_update_sql (b, bk->staging)
    : g_strdup_printf ("INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY rater_ord"
                       " ON CONFLICT %s RETURNING %s", table, columns, columns, bk->staging,
                       conflict, tag_name);
  return g_steal_pointer (&b);
}

static const StoreOps pg_ops = {
  .close = pg_close,
  .errmsg = pg_errmsg,
  .fault = pg_fault,
  .exec = pg_exec,
  .prepare = pg_prepare,
  .finalize = pg_finalize,
  .sql = pg_sql,
  .param_count = pg_param_count,
  .bind_values = pg_bind_values,
  .clear_bindings = pg_clear_bindings,
  .next = pg_next,
  .reset = pg_reset,
  .column_type = pg_column_type,
  .column_int64 = pg_column_int64,
  .column_text = pg_column_text,
  .column_blob = pg_column_blob,
  .column_bytes = pg_column_bytes,
  .column_count = pg_column_count,
  .changes = pg_changes,
  .last_insert_id = pg_last_insert_id,
  .begin = pg_begin,
  .in_transaction = pg_in_transaction,
  .open_reader = pg_open_reader,
  .bulk_new = pg_bulk_new,
};

/* ---- the backend's entry points ---- */

StoreDb *
store_pg_init (const char *uri, int *from, int *to, GError **error)
{
  g_autoptr(PgDb) db = connect_db (uri, FALSE, error);
  DbKind kind;
  if (!db || !init_lock (db, TRUE, error))
    return NULL;
  gboolean ok = database_kind (db, &kind, from, error) && check_known (db, kind, *from, error)
                && (*from == store_schema_version () || migrate_from (db, *from, error));
  if (!init_lock (db, FALSE, ok ? error : NULL) || !ok)
    return NULL;
  *to = store_schema_version ();
  return &g_steal_pointer (&db)->base;
}

StoreDb *
store_pg_open (const char *uri, gboolean readonly, GError **error)
{
  return store_pg_open_if_exists (uri, readonly, NULL, error);
}

StoreDb *
store_pg_open_if_exists (const char *uri, gboolean readonly, gboolean *missing, GError **error)
{
  g_autoptr(PgDb) db = connect_db (uri, readonly, error);
  DbKind kind;
  int version = 0;
  if (!db || !database_kind (db, &kind, &version, error))
    return NULL;
  if (kind == DB_EMPTY && missing)
    {
      *missing = TRUE;
      return NULL;
    }
  if (kind == DB_EMPTY)
    return rater_fail (error, RATER_ERROR_USAGE, "database '%s' has no rater tables: run"
                       " 'rater init' first", db->base.name), NULL;
  if (!check_known (db, kind, version, error))
    return NULL;
  if (!store_check_current (db->base.name, version, error))
    return NULL;
  return &g_steal_pointer (&db)->base;
}
