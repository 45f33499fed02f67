/* callwriter.c — the writer thread of ingest.
 *
 * Data model: a CallBatch holds up to BATCH_ROWS Rows; every variable-length
 * text of a row (call key, tenant, user, leg id, reject detail and raw bytes)
 * is appended to the batch's arena and referred to by (offset, length), so a
 * batch is two allocations that are reused, never freed per record.
 * Batches circulate: `free_q` holds empty ones, `full_q` filled ones in
 * file order; a batch with no rows pushed after the last is the end mark.
 *
 * Write windows (SQLite): the writer keeps the batches it takes until a
 * window of rows (WINDOW_ROWS_DEFAULT; never past a chunk's end) is there,
 * then writes the window's calls in the order of their key hashes, the
 * order of the unique index calls_by_key_hash (base/keyhash.h).  Call keys
 * are GUIDs in Teams and Graph records: in file order every insert landed
 * on a random page of the key index, a descent of cache misses through a
 * B-tree of hundreds of MB (10M calls: ingest 69-74 s, against 25 s with
 * keys that grow with the file).  In hash order a window's inserts walk the
 * index front to back, whatever the keys look like.  Ids then follow the
 * hashes within a window, which is as deterministic as the file order was:
 * nothing orders calls by id but as the last tie-break, and a call's line
 * is stored with it.  The first record of a key still wins (the sort keeps
 * file order among equal keys), and a window holding a leg is written in
 * file order (legs join stored calls as they come), as is every window on
 * a server (bulk COPY, deduplicated on the key's text).
 */
#include "config.h"

#include <string.h>

#include "ingest/callwriter.h"
#include "base/keyhash.h"
#include "base/rater-error.h"
#include "base/store.h"

#define BATCH_ROWS 4096
#define SPARE_BATCHES 4        /* beyond a window: the reader's and the queue's */
/* 64 batches: 256k rows, some 70 MB (two windows in flight: 140 MB).  The
 * README's "call keys in hash order (schema 22)" has what it gained. */
#define WINDOW_ROWS_DEFAULT (64 * BATCH_ROWS)

typedef struct {
  guint32 off, len;
} Span;

typedef struct {
  guint64 line;
  const char *operator_slug;   /* NULL: a reject */
  const char *account;
  guint32 operator_len, account_len;   /* measured by the reading thread */
  Span key, tenant, user, leg, link;
  Span detail, raw;            /* rejects */
  gint64 key_hash;             /* key_hash() of operator and key (calls) */
  const char *reason;          /* a reject; NULL with operator_slug NULL: an internal call */
  RaterNumber caller, callee;
  gint64 start_ms, duration;
  int direction, answered, sip_code, leg_rank;
} Row;

/* A call of the window: where it is, and its key's hash, the window's order. */
typedef struct {
  gint64 key_hash;
  guint32 batch, row;          /* in the window, in file order */
} WindowEntry;

struct _CallBatch {
  GArray *rows;                /* Row */
  GByteArray *arena;
  gboolean legs;               /* holds a leg (leg_rank > 0): written in file order */
  gboolean end;                /* the end mark */
};

struct _CallWriter {
  StoreDb *db;
  gboolean lite;               /* SQLite: calls deduplicated by calls.key_hash (schema 022) */
  StoreStmt *insert_call, *insert_reject;
  StoreStmt *find_leg, *replace_leg, *rekey_leg;   /* legs of one call */
  StoreStmt *find_key, *insert_dropped;             /* what a duplicate was dropped for */
  StoreBulk *bulk;             /* calls in bulk (COPY); NULL on SQLite: one row at a time */
  GArray *pending;             /* guint: the rows of the current batch in bulk since its flush */
  CallBatch *batches;
  guint n_batches;
  guint window_max;            /* rows */
  GPtrArray *window;           /* CallBatch, taken and not yet written */
  guint64 window_rows;
  GArray *entries;             /* WindowEntry: the window's calls, sorted */
  GAsyncQueue *free_q, *full_q;
  GThread *thread;
  gint64 file_id;
  guint64 chunk_rows;          /* rows between two calls of CHUNK */
  guint64 since_chunk;         /* rows written since the last call */
  CallWriterChunkFunc chunk;   /* NULL: no chunks */
  gpointer chunk_data;
  CallWriterStats stats;
  GError *error;               /* first write failure */
  gint failed;                 /* atomic mirror of error != NULL */
};

#define CALL_COLUMNS \
  "operator, call_key, file_id, line, direction, caller, callee, masked, start_ms," \
  " duration, answered, tenant_id, \"user\", sip_code, account, leg_rank, leg_id, leg_key"
#define CALL_VALUES \
  "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18"

/* Each statement that finds or sets a call by its key has two texts: on
 * SQLite by calls.key_hash (keyhash.h: the hash's row, or an unhashed one
 * with the key), on a server by the unique index on the text.  A key's
 * hash that another call holds is not set (NULL): KEY_HASH_FREE (?H). */
#define KEY_HASH_FREE(h, id) \
  "CASE WHEN EXISTS (SELECT 1 FROM calls x WHERE x.key_hash = " h " AND x.id <> " id ")" \
  " THEN NULL ELSE " h " END"

static const char *const sql_insert_call[2] = {
  "INSERT INTO calls (" CALL_COLUMNS ") VALUES (" CALL_VALUES ")"
  " ON CONFLICT (call_key, operator) DO NOTHING",
  /* ?19 the hash, or NULL; any unique index refusing it: nothing */
  "INSERT INTO calls (" CALL_COLUMNS ", key_hash) VALUES (" CALL_VALUES ", ?19)"
  " ON CONFLICT DO NOTHING" };
/* The stored call a leg belongs to: its key or its link is the stored
 * call's key or link (a stored row under the leg's own key first); ?4 and
 * ?5 the hashes of ?2 and ?3 on SQLite. */
static const char *const sql_find_leg[2] = {
  "SELECT id, call_key, leg_key, leg_id, leg_rank, file_id, line FROM calls"
  " WHERE operator = ?1 AND (call_key = ?2 OR leg_key = ?2 OR call_key = ?3 OR leg_key = ?3)"
  " ORDER BY call_key = ?2 DESC, id LIMIT 1",
  "SELECT id, call_key, leg_key, leg_id, leg_rank, file_id, line FROM calls"
  " WHERE operator = ?1 AND ((key_hash = ?4 OR key_hash IS NULL) AND call_key = ?2 OR leg_key = ?2"
  "                          OR (key_hash = ?5 OR key_hash IS NULL) AND call_key = ?3"
  "                          OR leg_key = ?3)"
  " ORDER BY call_key = ?2 DESC, id LIMIT 1" };
/* The leg outranks the stored one: it replaces it in place (?19 its id;
 * ?20 the hash of the call's key on SQLite). */
static const char *const sql_replace_leg[2] = {
  "UPDATE calls SET (" CALL_COLUMNS ") = (" CALL_VALUES ") WHERE id = ?19",
  "UPDATE calls SET (" CALL_COLUMNS ", key_hash) = (" CALL_VALUES ", "
  KEY_HASH_FREE ("?20", "?19") ") WHERE id = ?19" };
static const char *const sql_rekey_leg[2] = {
  "UPDATE calls SET call_key = ?1, leg_key = ?2 WHERE id = ?3",
  "UPDATE calls SET call_key = ?1, leg_key = ?2, key_hash = " KEY_HASH_FREE ("?4", "?3")
  " WHERE id = ?3" };
static const char *const sql_find_key[2] = {
  "SELECT id, file_id, line FROM calls WHERE call_key = ?1 AND operator = ?2",
  "SELECT id, file_id, line FROM calls"
  " WHERE (key_hash = ?3 OR key_hash IS NULL) AND call_key = ?1 AND operator = ?2" };
static const char sql_insert_dropped[] =
  "INSERT INTO dropped_records (file_id, line, call_id, kind) VALUES (?, ?, ?, ?)";
static const char sql_insert_reject[] =
  "INSERT INTO rejects (file_id, line, reason, detail, raw) VALUES (?, ?, ?, ?, ?)";

CallWriter *
callwriter_new (StoreDb *db, GError **error)
{
  CallWriter *w = g_new0 (CallWriter, 1);
  w->db = db;
  w->lite = store_backend (db) == STORE_SQLITE;
  if (!(w->insert_call = store_prepare (db, sql_insert_call[w->lite], error))
      || !(w->find_leg = store_prepare (db, sql_find_leg[w->lite], error))
      || !(w->replace_leg = store_prepare (db, sql_replace_leg[w->lite], error))
      || !(w->rekey_leg = store_prepare (db, sql_rekey_leg[w->lite], error))
      || !(w->find_key = store_prepare (db, sql_find_key[w->lite], error))
      || !(w->insert_dropped = store_prepare (db, sql_insert_dropped, error))
      || !(w->insert_reject = store_prepare (db, sql_insert_reject, error))
      || (!w->lite
          && !(w->bulk = store_bulk_new (db, "calls", CALL_COLUMNS,
                                         "(call_key, operator) DO NOTHING", "line", error))))
    {
      callwriter_free (w);
      return NULL;
    }
  w->pending = g_array_sized_new (FALSE, FALSE, sizeof (guint), BATCH_ROWS);
  w->free_q = g_async_queue_new ();
  w->full_q = g_async_queue_new ();
  w->window = g_ptr_array_new ();
  w->entries = g_array_new (FALSE, FALSE, sizeof (WindowEntry));
  callwriter_set_window (w, WINDOW_ROWS_DEFAULT);
  return w;
}

static void
batches_free (CallWriter *w)
{
  for (guint i = 0; i < w->n_batches; i++)
    {
      g_clear_pointer (&w->batches[i].rows, g_array_unref);
      g_clear_pointer (&w->batches[i].arena, g_byte_array_unref);
    }
  g_clear_pointer (&w->batches, g_free);
  w->n_batches = 0;
}

void
callwriter_set_window (CallWriter *w, guint window_rows)
{
  g_assert (w->thread == NULL);
  g_assert (window_rows > 0);
  batches_free (w);
  w->window_max = window_rows;
  /* two windows' batches, whole or not, so that the reader fills one while
   * the writer writes the other, and the spares (a batch's rows and arena
   * are reserved, and touched only when filled) */
  w->n_batches = 2 * ((window_rows + BATCH_ROWS - 1) / BATCH_ROWS) + SPARE_BATCHES;
  w->batches = g_new0 (CallBatch, w->n_batches);
  for (guint i = 0; i < w->n_batches; i++)
    {
      w->batches[i].rows = g_array_sized_new (FALSE, FALSE, sizeof (Row), BATCH_ROWS);
      w->batches[i].arena = g_byte_array_sized_new (BATCH_ROWS * 64);
    }
}

void
callwriter_free (CallWriter *w)
{
  if (!w)
    return;
  g_assert (w->thread == NULL);
  /* finalize only repeats the last step's result, already reported */
  store_finalize (w->insert_call);
  store_finalize (w->find_leg);
  store_finalize (w->replace_leg);
  store_finalize (w->rekey_leg);
  store_finalize (w->find_key);
  store_finalize (w->insert_dropped);
  store_finalize (w->insert_reject);
  store_bulk_free (w->bulk);
  g_clear_pointer (&w->pending, g_array_unref);
  g_clear_pointer (&w->free_q, g_async_queue_unref);
  g_clear_pointer (&w->full_q, g_async_queue_unref);
  g_clear_pointer (&w->window, g_ptr_array_unref);
  g_clear_pointer (&w->entries, g_array_unref);
  batches_free (w);
  g_clear_error (&w->error);
  g_free (w);
}

/* ---- the reading side ---- */

static Span
arena_add (CallBatch *b, const char *p, gsize len)
{
  Span s = { b->arena->len, (guint32) len };
  g_byte_array_append (b->arena, (const guint8 *) p, (guint) len);
  return s;
}

static void
batch_reset (CallBatch *b)
{
  g_array_set_size (b->rows, 0);
  g_byte_array_set_size (b->arena, 0);
  b->legs = FALSE;
  b->end = FALSE;
}

CallBatch *
callwriter_batch (CallWriter *w)
{
  CallBatch *b = g_async_queue_pop (w->free_q);
  batch_reset (b);
  return b;
}

gboolean
callwriter_batch_full (const CallBatch *b)
{
  return b->rows->len >= BATCH_ROWS;
}

void
callwriter_submit (CallWriter *w, CallBatch *b)
{
  g_async_queue_push (w->full_q, b);
}

void
callwriter_add_call (CallBatch *b, const CdrCall *call, guint64 line, const char *operator_slug,
                     const char *account)
{
  Row r = {
    .line = line, .operator_slug = operator_slug, .account = account,
    .operator_len = (guint32) strlen (operator_slug),
    .account_len = account ? (guint32) strlen (account) : 0,
    .caller = call->caller, .callee = call->callee,
    .start_ms = call->start_ms, .duration = call->duration,
    .direction = call->direction, .answered = call->answered,
    .sip_code = call->sip_code, .leg_rank = call->leg_rank,
  };
  r.key = arena_add (b, call->call_key.p, call->call_key.len);
  r.key_hash = key_hash (operator_slug, r.operator_len, call->call_key.p, call->call_key.len);
  r.tenant = arena_add (b, call->tenant_id.p, call->tenant_id.len);
  r.user = arena_add (b, call->user.p, call->user.len);
  r.leg = arena_add (b, call->leg_id.p, call->leg_id.len);
  r.link = arena_add (b, call->leg_link.p, call->leg_link.len);
  b->legs |= r.leg_rank != 0;
  g_array_append_val (b->rows, r);
}

void
callwriter_add_internal (CallBatch *b, guint64 line)
{
  Row r = { .line = line };
  g_array_append_val (b->rows, r);
}

void
callwriter_add_reject (CallBatch *b, guint64 line, const char *reason, const char *detail,
                       const char *raw, gsize raw_len)
{
  Row r = { .line = line, .reason = reason };
  r.detail = arena_add (b, detail, strlen (detail));
  r.raw = arena_add (b, raw, raw_len);
  g_array_append_val (b->rows, r);
}

gboolean
callwriter_failed (CallWriter *w)
{
  return g_atomic_int_get (&w->failed);
}

/* ---- the writer thread ---- */

/* S as text, NULL when empty. */
static inline StoreValue
span_value (const CallBatch *b, Span s)
{
  return s.len ? STORE_TEXT_LEN ((const char *) b->arena->data + s.off, s.len) : STORE_NULL;
}

/* N's digits, NULL when it has none. */
static inline StoreValue
number_value (const RaterNumber *n)
{
  return n->len ? STORE_TEXT_LEN (n->digits, n->len) : STORE_NULL;
}

#define CALL_PARAMS 18     /* the columns of CALL_COLUMNS */

/* R as the values of CALL_COLUMNS, into V (ended by STORE_VALUE_END). */
static void
call_values (CallWriter *w, const CallBatch *b, const Row *r, StoreValue v[CALL_PARAMS + 1])
{
  int k = 0;
  v[k++] = STORE_TEXT_LEN (r->operator_slug, r->operator_len);
  v[k++] = span_value (b, r->key);
  v[k++] = STORE_INT (w->file_id);
  v[k++] = STORE_INT ((gint64) r->line);
  v[k++] = r->direction == CDR_OUT ? STORE_TEXT_LEN ("out", 3) : STORE_TEXT_LEN ("in", 2);
  v[k++] = number_value (&r->caller);
  v[k++] = number_value (&r->callee);
  v[k++] = STORE_INT ((r->caller.masked ? 1 : 0) | (r->callee.masked ? 2 : 0));
  v[k++] = STORE_INT (r->start_ms);
  v[k++] = STORE_INT (r->duration);
  v[k++] = STORE_INT (r->answered);
  v[k++] = span_value (b, r->tenant);
  v[k++] = span_value (b, r->user);
  v[k++] = r->sip_code ? STORE_INT (r->sip_code) : STORE_NULL;
  v[k++] = r->account ? STORE_TEXT_LEN (r->account, r->account_len) : STORE_NULL;
  v[k++] = STORE_INT (r->leg_rank);
  v[k++] = span_value (b, r->leg);
  v[k++] = span_value (b, r->link);
  g_assert (k == CALL_PARAMS);
  v[k] = (StoreValue) { .type = STORE_VALUE_END };
}

/* Bind R to the parameters BASE + 1 ... BASE + CALL_PARAMS of ST. */
static gboolean
bind_call (CallWriter *w, StoreStmt *st, int base, const CallBatch *b, const Row *r,
           GError **error)
{
  StoreValue v[CALL_PARAMS + 1];
  call_values (w, b, r, v);
  return store_bind_values (st, base + 1, v, error);
}

/* Note that the record at LINE of FILE_ID was dropped for the stored call
 * CALL_ID, as a duplicate or as a leg (KIND), so that withdrawing that
 * call's file can say which records went with it. */
static gboolean
note_dropped (CallWriter *w, gint64 file_id, gint64 line, gint64 call_id, const char *kind,
              GError **error)
{
  return store_bind (w->insert_dropped, error, STORE_INT (file_id), STORE_INT (line),
                     STORE_INT (call_id), STORE_TEXT (kind))
         && store_step_done (w->insert_dropped, error);
}

/* The stored call with R's key, from ST's row. */
typedef struct {
  gint64 id, file_id, line;
} KeyRow;

static gboolean
take_key_row (StoreStmt *st, gpointer data, GError **error)
{
  KeyRow *k = data;
  k->id = store_column_int64 (st, 0);
  k->file_id = store_column_int64 (st, 1);
  k->line = store_column_int64 (st, 2);
  return TRUE;
}

/* The stored call with R's operator and key into *K (id 0: none). */
static gboolean
find_key (CallWriter *w, const CallBatch *b, const Row *r, KeyRow *k, GError **error)
{
  *k = (KeyRow) { 0 };
  return store_bind (w->find_key, error, span_value (b, r->key), STORE_TEXT (r->operator_slug))
         && (!w->lite || store_bind_at (w->find_key, 3, error, STORE_INT (r->key_hash)))
         && store_each_row (w->find_key, take_key_row, k, "looking up a call key", error);
}

/* The hash of KEY (a text) under R's operator, as a value. */
static StoreValue
hash_value (const Row *r, StoreValue key)
{
  if (key.type != STORE_VALUE_TEXT)
    return STORE_NULL;
  gsize len = key.len < 0 ? strlen (key.text) : (gsize) key.len;
  return STORE_INT (key_hash (r->operator_slug, r->operator_len, key.text, len));
}

/* R was not inserted, or might not have been (a multi-row INSERT): when the
 * call under its key is not R itself, R is a duplicate of it. */
static gboolean
check_duplicate (CallWriter *w, const CallBatch *b, const Row *r, gboolean *duplicate,
                 GError **error)
{
  KeyRow k;
  if (!find_key (w, b, r, &k, error))
    return FALSE;
  *duplicate = k.id != 0 && (k.file_id != w->file_id || k.line != (gint64) r->line);
  if (!*duplicate)
    return TRUE;
  return note_dropped (w, w->file_id, (gint64) r->line, k.id, "duplicate", error);
}

/* The stored call a leg belongs to (find_leg). */
typedef struct {
  gint64 id, file_id, line;
  char *call_key, *leg_key, *leg_id;   /* leg_key, leg_id NULL when none */
  int leg_rank;
} LegRow;

static void
leg_row_clear (LegRow *e)
{
  g_free (e->call_key);
  g_free (e->leg_key);
  g_free (e->leg_id);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LegRow, leg_row_clear)

static gboolean
take_leg_row (StoreStmt *st, gpointer data, GError **error)
{
  LegRow *e = data;
  e->id = store_column_int64 (st, 0);
  e->call_key = g_strdup (store_column_text (st, 1));
  e->leg_key = g_strdup (store_column_text_or_null (st, 2));
  e->leg_id = g_strdup (store_column_text_or_null (st, 3));
  e->leg_rank = store_column_int (st, 4);
  e->file_id = store_column_int64 (st, 5);
  e->line = store_column_int64 (st, 6);
  return TRUE;
}

/* S of B equals the NUL-terminated T (NULL: S empty). */
static gboolean
span_equal (const CallBatch *b, Span s, const char *t)
{
  if (!t)
    return s.len == 0;
  return strlen (t) == s.len && memcmp (b->arena->data + s.off, t, s.len) == 0;
}

/* Does leg R outrank the stored leg E?  Higher rank, or equal rank and a
 * smaller leg id (bytewise), so the same leg wins whatever the order. */
static gboolean
leg_outranks (const CallBatch *b, const Row *r, const LegRow *e)
{
  if (r->leg_rank != e->leg_rank)
    return r->leg_rank > e->leg_rank;
  if (!e->leg_id)
    return FALSE;
  gsize n = MIN (r->leg.len, strlen (e->leg_id));
  int c = memcmp (b->arena->data + r->leg.off, e->leg_id, n);
  return c < 0 || (c == 0 && r->leg.len < strlen (e->leg_id));
}

/* R joins the stored call E: the call's keys after the join.  The call is
 * known by the A leg's uuid: when R names E's key as its other leg (E is a
 * B leg stored alone), R's key becomes the call's and E's its link. */
static void
joined_keys (const CallBatch *b, const Row *r, const LegRow *e, StoreValue *key,
             StoreValue *link, gboolean *changed)
{
  *key = STORE_TEXT (e->call_key);
  *link = STORE_TEXT (e->leg_key);
  *changed = FALSE;
  if (r->link.len && span_equal (b, r->link, e->call_key))
    {
      *key = span_value (b, r->key);
      *link = span_value (b, r->link);
      *changed = TRUE;
    }
  else if (r->link.len && !e->leg_key)
    {
      *link = span_value (b, r->link);
      *changed = TRUE;
    }
}

/* Leg R joins the stored call E: counted as a duplicate (the same leg
 * again) or a merged leg; the loser of the two is noted as dropped. */
static gboolean
join_leg (CallWriter *w, const CallBatch *b, const Row *r, const LegRow *e, GError **error)
{
  gboolean same = span_equal (b, r->leg, e->leg_id);
  const char *kind = same ? "duplicate" : "merged_leg";
  StoreValue key, link;
  gboolean changed;
  joined_keys (b, r, e, &key, &link, &changed);
  if (same)
    w->stats.duplicates++;
  else
    w->stats.merged_legs++;
  if (leg_outranks (b, r, e))
    return bind_call (w, w->replace_leg, 0, b, r, error)
           && store_bind_at (w->replace_leg, 2, error, key)
           && store_bind_at (w->replace_leg, 18, error, link, STORE_INT (e->id))
           && (!w->lite || store_bind_at (w->replace_leg, 20, error, hash_value (r, key)))
           && store_step (w->replace_leg, error)
           && note_dropped (w, e->file_id, e->line, e->id, kind, error);
  if (changed && !(store_bind (w->rekey_leg, error, key, link, STORE_INT (e->id))
                   && (!w->lite || store_bind_at (w->rekey_leg, 4, error, hash_value (r, key)))
                   && store_step_done (w->rekey_leg, error)))
    return FALSE;
  return note_dropped (w, w->file_id, (gint64) r->line, e->id, kind, error);
}

/* Insert R by the one-row INSERT, with key hash HASH on SQLite (NULL:
 * unhashed); *STORED FALSE when a unique index refused it. */
static gboolean
insert_call (CallWriter *w, const CallBatch *b, const Row *r, StoreValue hash, gboolean *stored,
             GError **error)
{
  if (!bind_call (w, w->insert_call, 0, b, r, error)
      || (w->lite && !store_bind_at (w->insert_call, CALL_PARAMS + 1, error, hash))
      || !store_step (w->insert_call, error))
    return FALSE;
  *stored = store_changes (w->db) > 0;
  return TRUE;
}

static void
count_new_call (CallWriter *w, const Row *r)
{
  w->stats.calls++;
  w->stats.unknown_account += r->account == NULL;
}

/* Store R, whose key no stored call has, unhashed: another key holds its
 * hash (SQLite). */
static gboolean
insert_unhashed (CallWriter *w, const CallBatch *b, const Row *r, GError **error)
{
  gboolean stored;
  if (!insert_call (w, b, r, STORE_NULL, &stored, error))
    return FALSE;
  if (!stored)
    return g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE,
                        "call %.*s of %s: stored neither under its key hash nor without it",
                        (int) r->key.len, (const char *) b->arena->data + r->key.off,
                        r->operator_slug), FALSE;
  count_new_call (w, r);
  return TRUE;
}

/* Store R, whose key no stored call has: under its hash, or unhashed when
 * another key holds the hash (SQLite). */
static gboolean
insert_new_call (CallWriter *w, const CallBatch *b, const Row *r, GError **error)
{
  gboolean stored;
  if (!insert_call (w, b, r, STORE_INT (r->key_hash), &stored, error))
    return FALSE;
  if (!stored && w->lite)
    return insert_unhashed (w, b, r, error);
  count_new_call (w, r);
  return TRUE;
}

/* A leg of a multi-leg call: a new call, or joined to the one it belongs to. */
static gboolean
write_leg (CallWriter *w, const CallBatch *b, const Row *r, GError **error)
{
  g_auto(LegRow) e = { 0 };
  StoreValue key = span_value (b, r->key), link = span_value (b, r->link);
  if (!store_bind (w->find_leg, error, STORE_TEXT (r->operator_slug), key, link)
      || (w->lite && !store_bind_at (w->find_leg, 4, error, STORE_INT (r->key_hash),
                                     r->link.len ? hash_value (r, link) : STORE_NULL))
      || !store_each_row (w->find_leg, take_leg_row, &e, "looking up the legs of a call", error))
    return FALSE;
  if (e.id)
    return join_leg (w, b, r, &e, error);
  return insert_new_call (w, b, r, error);
}

static gboolean
write_reject (CallWriter *w, const CallBatch *b, const Row *r, GError **error)
{
  StoreStmt *st = w->insert_reject;
  if (!store_bind (st, error, STORE_INT (w->file_id), STORE_INT ((gint64) r->line),
                   STORE_TEXT (r->reason), span_value (b, r->detail),
                   STORE_BLOB (b->arena->data + r->raw.off, r->raw.len)))
    return FALSE;
  w->stats.rejects++;
  return store_step (st, error);
}

/* Write the calls in bulk since the last flush (the new ones are written,
 * those without an account counted; the rest are duplicates, each looked
 * up and noted). */
static gboolean
flush_pending (CallWriter *w, const CallBatch *b, GError **error)
{
  guint64 added;
  gboolean duplicate;
  if (w->pending->len == 0)
    return TRUE;
  if (!store_bulk_flush (w->bulk, &added, error))
    return FALSE;
  w->stats.calls += added;
  w->stats.duplicates += w->pending->len - added;
  for (guint k = 0; k < w->pending->len; k++)
    {
      const Row *r = &g_array_index (b->rows, Row, g_array_index (w->pending, guint, k));
      if (added == w->pending->len || store_bulk_inserted (w->bulk, k))
        w->stats.unknown_account += r->account == NULL;
      else if (!check_duplicate (w, b, r, &duplicate, error))
        return FALSE;
    }
  g_array_set_size (w->pending, 0);
  return TRUE;
}

/* Add call R (row I of B) to the bulk. */
static gboolean
bulk_call (CallWriter *w, const CallBatch *b, guint i, const Row *r, GError **error)
{
  StoreValue v[CALL_PARAMS + 1];
  call_values (w, b, r, v);
  g_array_append_val (w->pending, i);
  return store_bulk_row_values (w->bulk, v, error);
}

/* Call R by the prepared one-row INSERT: stored, or a duplicate (nothing
 * written) looked up and noted.  On SQLite, in process, this is cheaper than
 * the multi-row INSERTs of store_bulk_new(): its values are bound straight
 * from the batch (no copy into the bulk's arena, no list of held values), a
 * refusal is known from the row's own change count (no read of the rows
 * just written to tell which of 64 went in), and a step costs little more
 * than a multi-row INSERT's row does.  A refused call is a duplicate when
 * its key is stored, else its hash is another key's and it goes in
 * unhashed. */
static gboolean
one_call (CallWriter *w, const CallBatch *b, const Row *r, GError **error)
{
  gboolean stored;
  KeyRow k;
  if (!insert_call (w, b, r, STORE_INT (r->key_hash), &stored, error))
    return FALSE;
  if (stored)
    {
      count_new_call (w, r);
      return TRUE;
    }
  if (!find_key (w, b, r, &k, error))
    return FALSE;
  if (k.id == 0)
    return insert_unhashed (w, b, r, error);
  w->stats.duplicates++;
  return note_dropped (w, w->file_id, (gint64) r->line, k.id, "duplicate", error);
}

/* Calls without legs go one by one on SQLite (one_call()), else in bulk
 * (store_bulk_new()), flushed at the end of the batch; legs (which join
 * what is stored) one by one, after what is pending is flushed, so calls
 * still land in file order. */
static gboolean
write_batch (CallWriter *w, const CallBatch *b, GError **error)
{
  g_array_set_size (w->pending, 0);
  for (guint i = 0; i < b->rows->len; i++)
    {
      const Row *r = &g_array_index (b->rows, Row, i);
      gboolean ok;
      if (!r->operator_slug && !r->reason)
        ok = TRUE, w->stats.internal++;
      else if (!r->operator_slug)
        ok = write_reject (w, b, r, error);
      else if (r->leg_rank == 0 && !w->bulk)
        ok = one_call (w, b, r, error);
      else if (r->leg_rank == 0)
        ok = bulk_call (w, b, i, r, error);
      else
        ok = flush_pending (w, b, error) && write_leg (w, b, r, error);
      if (!ok)
        return FALSE;
    }
  return flush_pending (w, b, error);
}

/* ---- write windows ---- */

static const Row *
entry_row (const CallWriter *w, const WindowEntry *e, const CallBatch **b)
{
  *b = g_ptr_array_index (w->window, e->batch);
  return &g_array_index ((*b)->rows, Row, e->row);
}

/* The order of calls in a window: key hash (the index's order), then key
 * (bytes, then length) and operator, then file order, so that the first
 * record of a key is written first. */
static int
entry_compare (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const WindowEntry *a = pa, *b = pb;
  if (a->key_hash != b->key_hash)
    return a->key_hash < b->key_hash ? -1 : 1;
  const CallWriter *w = data;
  const CallBatch *ba, *bb;
  const Row *ra = entry_row (w, a, &ba), *rb = entry_row (w, b, &bb);
  int c = memcmp (ba->arena->data + ra->key.off, bb->arena->data + rb->key.off,
                  MIN (ra->key.len, rb->key.len));
  if (c == 0)
    c = (ra->key.len > rb->key.len) - (ra->key.len < rb->key.len);
  if (c == 0)
    c = strcmp (ra->operator_slug, rb->operator_slug);
  if (c == 0 && a->batch != b->batch)
    c = a->batch < b->batch ? -1 : 1;
  if (c == 0)
    c = (a->row > b->row) - (a->row < b->row);
  return c;
}

/* Does the window hold a leg (written in file order, see the top)? */
static gboolean
window_has_legs (const CallWriter *w)
{
  for (guint k = 0; k < w->window->len; k++)
    if (((const CallBatch *) g_ptr_array_index (w->window, k))->legs)
      return TRUE;
  return FALSE;
}

/* Write the window: rejects as they come, calls in hash order. */
static gboolean
write_window_sorted (CallWriter *w, GError **error)
{
  g_array_set_size (w->entries, 0);
  for (guint k = 0; k < w->window->len; k++)
    {
      const CallBatch *b = g_ptr_array_index (w->window, k);
      for (guint i = 0; i < b->rows->len; i++)
        {
          const Row *r = &g_array_index (b->rows, Row, i);
          if (r->operator_slug)
            {
              WindowEntry e = { r->key_hash, k, i };
              g_array_append_val (w->entries, e);
            }
          else if (!r->reason)
            w->stats.internal++;
          else if (!write_reject (w, b, r, error))
            return FALSE;
        }
    }
  g_qsort_with_data (w->entries->data, (gint) w->entries->len, sizeof (WindowEntry), entry_compare,
                     w);
  for (guint k = 0; k < w->entries->len; k++)
    {
      const CallBatch *b;
      const Row *r = entry_row (w, &g_array_index (w->entries, WindowEntry, k), &b);
      if (!one_call (w, b, r, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_window (CallWriter *w, GError **error)
{
  if (w->bulk || window_has_legs (w))
    {
      for (guint k = 0; k < w->window->len; k++)
        if (!write_batch (w, g_ptr_array_index (w->window, k), error))
          return FALSE;
      return TRUE;
    }
  return write_window_sorted (w, error);
}

/* Take B into the window; write the window when it is full, when a chunk
 * is due (then hand the chunk over to CHUNK) or at the end (B NULL). */
static gboolean
take_batch (CallWriter *w, CallBatch *b, GError **error)
{
  gboolean chunk_due = FALSE;
  if (b)
    {
      g_ptr_array_add (w->window, b);
      w->window_rows += b->rows->len;
      w->since_chunk += b->rows->len;
      chunk_due = w->chunk && b->rows->len > 0 && w->since_chunk >= w->chunk_rows;
      if (!chunk_due && w->window_rows < w->window_max)
        return TRUE;
    }
  w->window_rows = 0;
  if (!write_window (w, error))
    return FALSE;
  if (!chunk_due)
    return TRUE;
  w->since_chunk = 0;
  guint64 last_line = g_array_index (b->rows, Row, b->rows->len - 1).line;
  return w->chunk (last_line, &w->stats, w->chunk_data, error);
}

/* The window's batches back to the reader. */
static void
release_window (CallWriter *w)
{
  for (guint k = 0; k < w->window->len; k++)
    g_async_queue_push (w->free_q, g_ptr_array_index (w->window, k));
  g_ptr_array_set_size (w->window, 0);
  w->window_rows = 0;
}

static gpointer
writer_main (gpointer data)
{
  CallWriter *w = data;
  for (;;)
    {
      CallBatch *b = g_async_queue_pop (w->full_q);
      gboolean end = b->end;
      if (end)
        g_async_queue_push (w->free_q, g_steal_pointer (&b));
      /* after a failure keep draining, so the reader never waits forever */
      if (w->error && b)
        g_async_queue_push (w->free_q, b);
      else if (!w->error && !take_batch (w, b, &w->error))
        g_atomic_int_set (&w->failed, 1);
      if (w->error || w->window_rows == 0)
        release_window (w);
      if (end)
        return NULL;
    }
}

void
callwriter_start (CallWriter *w, gint64 file_id, guint64 chunk_rows, CallWriterChunkFunc chunk,
                  gpointer chunk_data)
{
  g_assert (w->thread == NULL);
  g_assert (chunk == NULL || chunk_rows > 0);
  w->file_id = file_id;
  w->chunk_rows = chunk_rows;
  w->since_chunk = 0;
  w->chunk = chunk;
  w->chunk_data = chunk_data;
  w->stats = (CallWriterStats) { 0 };
  g_clear_error (&w->error);
  g_atomic_int_set (&w->failed, 0);
  while (g_async_queue_try_pop (w->free_q))
    ;
  g_ptr_array_set_size (w->window, 0);
  w->window_rows = 0;
  for (guint i = 0; i < w->n_batches; i++)
    g_async_queue_push (w->free_q, &w->batches[i]);
  w->thread = g_thread_new ("rater-writer", writer_main, w);
}

gboolean
callwriter_finish (CallWriter *w, CallWriterStats *stats, GError **error)
{
  CallBatch *end = callwriter_batch (w);
  end->end = TRUE;
  callwriter_submit (w, end);
  g_thread_join (g_steal_pointer (&w->thread));
  *stats = w->stats;
  if (w->error)
    {
      g_propagate_error (error, g_steal_pointer (&w->error));
      return FALSE;
    }
  return TRUE;
}
