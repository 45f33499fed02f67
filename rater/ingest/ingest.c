/* ingest.c — reading CDR files into the calls and rejects tables.
 *
 * Per file: check the options (a CdrReader), hash the file (skip when
 * known and complete), open it through the reader (which reads the header,
 * or the first record of a headerless format, and picks and binds the
 * format; the operator is checked on the way), then insert the `files` row
 * and store every record the reader returns, committing every chunk_rows
 * rows together with the row's counts and the file's `ingest_progress` row
 * (the line of the last record stored); the last transaction deletes that
 * row: the file is complete.  A file whose row is incomplete (a run killed
 * mid-file) is resumed: the records up to resume_line are read and passed
 * over, the rest stored, the counts added to the row's.  Statements are
 * prepared once per Ingest and reused for every record; the records go to
 * the database on the CallWriter's thread, which also commits the chunks;
 * on SQLite a third thread checkpoints each committed chunk while the next
 * one is written (checkpointer.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/callwriter.h"
#include "ingest/checkpointer.h"
#include "ingest/cdrreader.h"
#include "catalog/catalog.h"
#include "base/digest.h"
#include "base/infile.h"
#include "ingest/ingest.h"
#include "base/rater-error.h"
#include "base/store.h"

/* Rows (calls and rejects) per transaction: bounds the WAL and the work a
 * kill throws away.  Each commit rewrites the index pages its chunk touched
 * (with random keys, most of them), so chunks stay large: 3M random keys
 * wrote 2.9 GB in 256k-row chunks, 1.3 GB in 1M-row ones (one transaction:
 * 1.5 GB).  RATER_INGEST_CHUNK_ROWS overrides it (the kill tests). */
#define CHUNK_ROWS_DEFAULT 1048576

struct _Ingest {
  StoreDb *db;
  RaterCatalog *catalog;
  CallWriter *writer;
  guint64 chunk_rows;
  StoreStmt *find_file, *insert_file, *update_file, *set_progress, *clear_progress;
};

/* The `files` row of a file's bytes, when there is one. */
typedef struct {
  char *path;                     /* NULL: the bytes were never seen */
  gint64 id;
  gint64 resume_line;             /* -1: complete; else the last line stored */
  IngestStats stored;             /* records, calls, duplicates, rejects so far */
} FileRow;

/* Per-file state while its transaction is open. */
typedef struct {
  Ingest *ing;
  const char *path;
  const IngestOptions *opts;
  CdrReader *reader;              /* open on PATH */
  const CatalogOperator *op;      /* fixed by --operator, else per record */
  gint64 file_id;
  guint64 resume_line;            /* records up to this line are stored already */
  IngestStats stored;             /* the row's counts before this run */
  IngestStats stats;
  guint reported;
  CallBatch *batch;               /* being filled */
  GHashTable *guessed;            /* context -> records whose direction it guessed */
  Checkpointer *ckpt;             /* checkpoints of the committed chunks; NULL: none */
  gint64 autockpt_was;            /* the connection's wal_autocheckpoint before */
  gboolean taken;                 /* another run stored or is storing these bytes */
} FileRun;

void
ingest_free (Ingest *ing)
{
  if (!ing)
    return;
  /* finalize only repeats the last step's result, already reported */
  store_finalize (ing->find_file);
  store_finalize (ing->insert_file);
  store_finalize (ing->update_file);
  store_finalize (ing->set_progress);
  store_finalize (ing->clear_progress);
  callwriter_free (ing->writer);
  catalog_free (ing->catalog);
  g_free (ing);
}

Ingest *
ingest_new (StoreDb *db, GError **error)
{
  g_autoptr(Ingest) ing = g_new0 (Ingest, 1);
  ing->db = db;
  if (!(ing->catalog = catalog_load (db, error))
      || !(ing->find_file = store_prepare (db,
             "SELECT f.path, f.id, coalesce (p.resume_line, -1), f.records, f.calls,"
             " f.duplicates, f.rejects, f.merged_legs, f.internal FROM files f"
             " LEFT JOIN ingest_progress p ON p.file_id = f.id WHERE f.sha256 = ?", error))
      || !(ing->insert_file = store_prepare (db,
             "INSERT INTO files (sha256, path, format, operator, bytes, records, calls, duplicates,"
             " rejects, ingested_at, options) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0,"
             " rater_now (), ?)", error))
      || !(ing->update_file = store_prepare (db,
             "UPDATE files SET records = ?, calls = ?, duplicates = ?, rejects = ?,"
             " merged_legs = ?, internal = ? WHERE id = ?",
             error))
      || !(ing->set_progress = store_prepare (db,
             "INSERT INTO ingest_progress (file_id, resume_line) VALUES (?, ?)"
             " ON CONFLICT (file_id) DO UPDATE SET resume_line = excluded.resume_line", error))
      || !(ing->clear_progress = store_prepare (db,
             "DELETE FROM ingest_progress WHERE file_id = ?", error))
      || !(ing->writer = callwriter_new (db, error)))
    return NULL;
  const char *env = g_getenv ("RATER_INGEST_CHUNK_ROWS");
  if (!env || !g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT32, &ing->chunk_rows, NULL))
    ing->chunk_rows = CHUNK_ROWS_DEFAULT;
  guint64 window;
  env = g_getenv ("RATER_INGEST_WINDOW_ROWS");   /* measuring other windows (rater(1)) */
  if (env && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT32, &window, NULL))
    callwriter_set_window (ing->writer, (guint) window);
  return g_steal_pointer (&ing);
}

/* ---- file identity ---- */

static void
file_row_clear (FileRow *row)
{
  g_clear_pointer (&row->path, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FileRow, file_row_clear)

/* ST's row (find_file) into *DATA, a FileRow. */
static gboolean
take_file_row (StoreStmt *st, gpointer data, GError **error)
{
  FileRow *row = data;
  g_free (row->path);
  row->path = g_strdup (store_column_text (st, 0));
  row->id = store_column_int64 (st, 1);
  row->resume_line = store_column_int64 (st, 2);
  row->stored.records = (guint64) store_column_int64 (st, 3);
  row->stored.calls = (guint64) store_column_int64 (st, 4);
  row->stored.duplicates = (guint64) store_column_int64 (st, 5);
  row->stored.rejects = (guint64) store_column_int64 (st, 6);
  row->stored.merged_legs = (guint64) store_column_int64 (st, 7);
  row->stored.internal = (guint64) store_column_int64 (st, 8);
  return TRUE;
}

/* *ROW: the `files` row of these bytes (ROW->path NULL when none). */
static gboolean
find_file_row (Ingest *ing, const char *sha, FileRow *row, GError **error)
{
  return store_bind (ing->find_file, error, STORE_TEXT (sha))
         && store_each_row (ing->find_file, take_file_row, row, "reading the files table", error);
}

/* ---- the operator ---- */

static gboolean
header_has (const CsvRecord *header, const char *name)
{
  for (guint i = 0; i < header->n; i++)
    if (cdr_text_equal (cdr_field (header, (int) i), name))
      return TRUE;
  return FALSE;
}

/* The reader's accept hook: the operator is --operator's, or each record
 * names its own (a header with an operator column). */
static gboolean
accept_operator (const CdrFormat *format, const CsvRecord *first, gpointer data, GError **error)
{
  FileRun *run = data;
  const char *slug = run->opts->operator_slug;
  if (slug)
    {
      if ((run->op = catalog_operator (run->ing->catalog, slug)))
        return TRUE;
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "operator '%s' is not in the catalog", slug);
      return FALSE;
    }
  if (format->has_header && header_has (first, "operator"))
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "the records carry no operator: give --operator");
  return FALSE;
}

/* ---- records into batches ---- */

#define PROGRESS_EVERY 65536
/* Records between two looks at the writer's failure: the flag shares a
 * cache line with the counts the writer updates at every row, so a look
 * per record moved that line between the cores twice a row. */
#define FAILED_EVERY 1024

static void
next_batch_if_full (Ingest *ing, FileRun *run)
{
  if (!callwriter_batch_full (run->batch))
    return;
  callwriter_submit (ing->writer, run->batch);
  run->batch = callwriter_batch (ing->writer);
}

static void
add_reject (Ingest *ing, FileRun *run, const CdrRecord *rec)
{
  const char *reason = cdr_reject_code (rec->reject.reason);
  run->stats.rejects++;
  if (run->reported++ < run->opts->max_reported)
    g_message ("%s:%" G_GUINT64_FORMAT ": %s: %s", run->path, rec->line, reason, rec->reject.detail);
  callwriter_add_reject (run->batch, rec->line, reason, rec->reject.detail, rec->raw, rec->raw_len);
  next_batch_if_full (ing, run);
}

/* The operator of CALL: fixed, or the record's own (a reject when unknown). */
static const CatalogOperator *
call_operator (Ingest *ing, FileRun *run, const CdrCall *call, CdrReject *rej)
{
  if (run->op)
    return run->op;
  char slug[128];
  if (call->operator_slug.len == 0 || call->operator_slug.len >= sizeof slug)
    {
      cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "missing operator (give --operator)");
      return NULL;
    }
  memcpy (slug, call->operator_slug.p, call->operator_slug.len);
  slug[call->operator_slug.len] = '\0';
  const CatalogOperator *op = catalog_operator (ing->catalog, g_strstrip (slug));
  if (!op)
    cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "operator '%s' is not in the catalog", slug);
  return op;
}

static void
add_call (Ingest *ing, FileRun *run, const CatalogOperator *op, const CdrCall *call, guint64 line)
{
  const RaterNumber *own = call->direction == CDR_OUT ? &call->caller : &call->callee;
  const char *account = catalog_resolve_account (op, call->tenant_id.p, call->tenant_id.len,
                                                 own, call->start_ms);
  callwriter_add_call (run->batch, call, line, catalog_operator_slug (op), account);
  next_batch_if_full (ing, run);
}

/* Count a call whose direction the built-in context rule guessed. */
static void
count_guess (FileRun *run, const CdrCall *call)
{
  if (call->guessed_context.len == 0)
    return;
  g_autofree char *context = g_strndup (call->guessed_context.p, call->guessed_context.len);
  gpointer n = g_hash_table_lookup (run->guessed, context);
  g_hash_table_insert (run->guessed, g_steal_pointer (&context),
                       GSIZE_TO_POINTER (GPOINTER_TO_SIZE (n) + 1));
  run->stats.guessed++;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Say once per context, in name order, that its direction was a guess. */
static void
report_guesses (FileRun *run)
{
  guint n = 0;
  g_autofree gpointer *contexts = g_hash_table_get_keys_as_array (run->guessed, &n);
  qsort (contexts, n, sizeof *contexts, compare_strings);
  for (guint i = 0; i < n; i++)
    g_message ("%s: direction guessed for %" G_GSIZE_FORMAT " records in context '%s':"
               " set --inbound-context or --outbound-context", run->path,
               GPOINTER_TO_SIZE (g_hash_table_lookup (run->guessed, contexts[i])),
               (const char *) contexts[i]);
}

static void
ingest_record (Ingest *ing, FileRun *run, CdrRecord *rec)
{
  const CatalogOperator *op = NULL;
  if (rec->line <= run->resume_line)
    return;   /* stored by the run that was stopped */
  if (rec->outcome == CDR_SKIP)
    {
      run->stats.ignored++;
      return;
    }
  run->stats.records++;
  if (rec->outcome == CDR_INTERNAL)
    {
      callwriter_add_internal (run->batch, rec->line);
      next_batch_if_full (ing, run);
    }
  else if (rec->outcome == CDR_CALL && (op = call_operator (ing, run, &rec->call, &rec->reject)))
    {
      count_guess (run, &rec->call);
      add_call (ing, run, op, &rec->call, rec->line);
    }
  else
    add_reject (ing, run, rec);
}

static void
report_progress (FileRun *run, guint64 done)
{
  run->opts->progress (run->path, done, cdrreader_size (run->reader), run->opts->progress_data);
}

/* Read every record into batches for the writer thread. */
static gboolean
ingest_records (Ingest *ing, FileRun *run, GError **error)
{
  CdrRecord rec;
  for (guint64 n = 0; n % FAILED_EVERY != 0 || !callwriter_failed (ing->writer);)
    {
      CdrReaderStatus st = cdrreader_next (run->reader, &rec, error);
      if (st == CDRREADER_EOF)
        break;
      if (st == CDRREADER_ERROR)
        return FALSE;
      if (++n % PROGRESS_EVERY == 0 && run->opts->progress)
        report_progress (run, cdrreader_position (run->reader));
      ingest_record (ing, run, &rec);
    }
  if (run->opts->progress)
    report_progress (run, cdrreader_size (run->reader));
  return TRUE;   /* a writer's error is reported by callwriter_finish */
}

/* The row's counts after this run's WS, and the file's progress: stored up
 * to RESUME_LINE, or complete (-1). */
static gboolean
update_file_row (Ingest *ing, FileRun *run, const CallWriterStats *ws, gint64 resume_line,
                 GError **error)
{
  StoreStmt *st = ing->update_file;
  const IngestStats *n = &run->stored;
  guint64 records = n->records + ws->calls + ws->duplicates + ws->merged_legs + ws->internal
                    + ws->rejects;
  if (!store_bind (st, error, STORE_INT ((gint64) records),
                   STORE_INT ((gint64) (n->calls + ws->calls)),
                   STORE_INT ((gint64) (n->duplicates + ws->duplicates)),
                   STORE_INT ((gint64) (n->rejects + ws->rejects)),
                   STORE_INT ((gint64) (n->merged_legs + ws->merged_legs)),
                   STORE_INT ((gint64) (n->internal + ws->internal)),
                   STORE_INT (run->file_id))
      || !store_step_done (st, error))
    return FALSE;
  if (resume_line < 0)
    return store_bind (ing->clear_progress, error, STORE_INT (run->file_id))
           && store_step_done (ing->clear_progress, error);
  return store_bind (ing->set_progress, error, STORE_INT (run->file_id), STORE_INT (resume_line))
         && store_step_done (ing->set_progress, error);
}

/* Disputes detached from their call when its file was withdrawn (files.c
 * negates their call_id) attached again to the call (OPERATOR:KEY) once it
 * is ingested again, in the transaction that stores it: a dispute follows
 * its call, never the row id another call may be given. */
static gboolean
reattach_disputes (Ingest *ing, GError **error)
{
  /* the call by its key's text on a server, by its hash on SQLite (keyhash.h) */
#define SAME_CALL_TEXT "c.call_key = disputes.call_key AND c.operator = disputes.operator"
#define SAME_CALL_HASH \
  "(c.key_hash = rater_key_hash (disputes.call_key, disputes.operator) OR c.key_hash IS NULL)" \
  " AND " SAME_CALL_TEXT
#define REATTACH(same) \
  "UPDATE disputes SET call_id = (SELECT c.id FROM calls c WHERE " same ")" \
  " WHERE call_id < 0 AND EXISTS (SELECT 1 FROM calls c WHERE " same ")"
  static const char *const sql[2] = { REATTACH (SAME_CALL_TEXT), REATTACH (SAME_CALL_HASH) };
  return store_exec (ing->db, sql[store_backend (ing->db) == STORE_SQLITE], error);
}

/* The writer's chunk hook: commit what is written with the file's progress,
 * and go on in a new transaction. */
static gboolean
commit_chunk (guint64 last_line, const CallWriterStats *ws, gpointer data, GError **error)
{
  FileRun *run = data;
  Ingest *ing = run->ing;
  if (!update_file_row (ing, run, ws, (gint64) last_line, error)
      || !reattach_disputes (ing, error)
      || !store_commit (ing->db, error))
    return FALSE;
  checkpointer_request (run->ckpt);
  return store_begin (ing->db, error);
}

/* While the chunks go in, their checkpoints run on a thread of their own
 * (checkpointer.h), not in the writer's commits: the connection's
 * autocheckpoint is off until the chunks are in, and back on for the last
 * commit of the file, which copies what is left as before. */
static gboolean
checkpoints_start (Ingest *ing, FileRun *run, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (store_backend (ing->db) != STORE_SQLITE)
    return TRUE;              /* a server checkpoints on its own */
  if (!store_query_int (ing->db, "PRAGMA wal_autocheckpoint", &run->autockpt_was, error))
    return FALSE;
  if (!(run->ckpt = checkpointer_start (ing->db, &local)))
    {
      if (!local)
        return TRUE;          /* no file of its own: the connection's autocheckpoint stays */
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return store_exec (ing->db, "PRAGMA wal_autocheckpoint = 0", error);
}

/* Wait for the checkpoints asked, end the thread, and give the connection
 * its autocheckpoint back.  On failure before (ERROR NULL) only the cleanup. */
static gboolean
checkpoints_stop (Ingest *ing, FileRun *run, GError **error)
{
  if (!run->ckpt)
    return TRUE;
  g_autofree char *sql = g_strdup_printf ("PRAGMA wal_autocheckpoint = %" G_GINT64_FORMAT,
                                          run->autockpt_was);
  gboolean stopped = checkpointer_stop (g_steal_pointer (&run->ckpt), error);
  gboolean restored = store_exec (ing->db, sql, stopped ? error : NULL);
  return stopped && restored;
}

/* Run the reader here and the writer on its thread; merge their counts. */
static gboolean
ingest_pipeline (Ingest *ing, FileRun *run, CallWriterStats *ws, GError **error)
{
  g_autoptr(GError) read_error = NULL;
  callwriter_start (ing->writer, run->file_id, ing->chunk_rows, commit_chunk, run);
  run->batch = callwriter_batch (ing->writer);
  gboolean read_ok = ingest_records (ing, run, &read_error);
  callwriter_submit (ing->writer, g_steal_pointer (&run->batch));
  gboolean write_ok = callwriter_finish (ing->writer, ws, error);
  if (write_ok && !read_ok)
    g_propagate_error (error, g_steal_pointer (&read_error));
  run->stats.calls = ws->calls;
  run->stats.duplicates = ws->duplicates;
  run->stats.merged_legs = ws->merged_legs;
  run->stats.internal = ws->internal;
  run->stats.unknown_account = ws->unknown_account;
  return write_ok && read_ok;
}

static gboolean
insert_file_row (Ingest *ing, FileRun *run, const char *sha, guint64 size, GError **error)
{
  StoreStmt *st = ing->insert_file;
  const CatalogOperator *op = run->op;
  g_autofree char *options = ingest_options_text (run->opts);
  if (!store_bind (st, error, STORE_TEXT (sha), STORE_TEXT (run->path),
                   STORE_TEXT (cdrreader_format (run->reader)->name),
                   op ? STORE_TEXT (catalog_operator_slug (op)) : STORE_NULL,
                   STORE_INT ((gint64) size), STORE_TEXT (options))
      || !store_step_done (st, error))
    return FALSE;
  run->file_id = store_last_insert_id (ing->db);
  return TRUE;
}

/* Store the file in chunks (a new row unless RUN resumes one); the last
 * transaction marks the file complete.  On failure the open chunk is rolled
 * back: what was committed stays, and the next run resumes after it. */
/* Under the write lock, the files row as it is now: when another run
 * stored these bytes (or went on with them) since they were looked up,
 * RUN->taken is set and this run leaves them. */
static gboolean
still_ours (Ingest *ing, FileRun *run, const char *sha, GError **error)
{
  g_auto(FileRow) row = { 0 };
  if (!find_file_row (ing, sha, &row, error))
    return FALSE;
  run->taken = run->file_id ? row.id != run->file_id || row.resume_line != (gint64) run->resume_line
                            : row.path != NULL;
  return TRUE;
}

static gboolean
run_transactions (Ingest *ing, FileRun *run, const char *sha, guint64 size, GError **error)
{
  CallWriterStats ws;
  if (!store_begin (ing->db, error))
    return FALSE;
  if (!still_ours (ing, run, sha, error) || run->taken)
    {
      store_rollback (ing->db);
      return run->taken;
    }
  if ((run->file_id || insert_file_row (ing, run, sha, size, error))
      && checkpoints_start (ing, run, error)
      && ingest_pipeline (ing, run, &ws, error)
      && checkpoints_stop (ing, run, error)
      && update_file_row (ing, run, &ws, -1, error)
      && reattach_disputes (ing, error)
      && store_commit (ing->db, error))
    return TRUE;
  (void) checkpoints_stop (ing, run, NULL);   /* cleanup: the run's error is reported */
  store_rollback (ing->db);
  return FALSE;
}

/* SQLite's page cache while a file of SIZE bytes goes in: every write
 * window of the callwriter touches most pages of the unique index
 * calls_by_key_hash (022: some 18 bytes a call), so a cache smaller than the
 * index reads and rewrites its pages window after window — the growth that
 * made a big file superlinear when the index held the keys' text.  The
 * cache holds half the database's and the file's bytes, within
 * [CACHE_MIN, CACHE_MAX]; past that, mmap serves the committed pages from
 * the OS cache without a read call each.  CACHE_MAX holds that index of
 * 10M calls (177 MiB) with room: 10M GUID keys took 32.0-34.0 s with 256 MiB
 * (RSS 447 MiB) and 32.9-36.9 s with 512 MiB (720 MiB), which the text
 * index needed. */
#define CACHE_MIN_KIB (64 * 1024)
#define CACHE_MAX_KIB (256 * 1024)
#define MMAP_MAX ((gint64) 4 << 30)

static gboolean
size_cache (Ingest *ing, guint64 size, gint64 cache_was[2], GError **error)
{
  gint64 pages, page_size;
  if (store_backend (ing->db) != STORE_SQLITE)
    return TRUE;                /* a server sizes its own cache */
  if (!store_query_int (ing->db, "PRAGMA cache_size", &cache_was[0], error)
      || !store_query_int (ing->db, "PRAGMA mmap_size", &cache_was[1], error)
      || !store_query_int (ing->db, "PRAGMA page_count", &pages, error)
      || !store_query_int (ing->db, "PRAGMA page_size", &page_size, error))
    return FALSE;
  gint64 data = pages * page_size + (gint64) size;
  gint64 kib = CLAMP (data / 2 / 1024, CACHE_MIN_KIB, CACHE_MAX_KIB);
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT ";"
                                          " PRAGMA mmap_size = %" G_GINT64_FORMAT,
                                          kib, MIN (data * 2, MMAP_MAX));
  return store_exec (ing->db, sql, error);
}

/* The cache and mmap as they were before size_cache(): the connection goes
 * on (a nightly rates, issues and reports on it), and pages mapped stay in
 * its resident memory (2.2 GiB for the night of 10M calls before). */
static gboolean
restore_cache (Ingest *ing, const gint64 cache_was[2], GError **error)
{
  if (store_backend (ing->db) != STORE_SQLITE)
    return TRUE;
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT ";"
                                          " PRAGMA mmap_size = %" G_GINT64_FORMAT,
                                          cache_was[0], cache_was[1]);
  return store_exec (ing->db, sql, error);
}

/* Add the per-context counts of FILE_GUESSES to TOTAL. */
static void
add_guesses (GHashTable *total, GHashTable *file_guesses)
{
  GHashTableIter it;
  gpointer context, n;
  g_hash_table_iter_init (&it, file_guesses);
  while (g_hash_table_iter_next (&it, &context, &n))
    {
      gpointer had = NULL, key = NULL;
      if (g_hash_table_lookup_extended (total, context, &key, &had))
        g_hash_table_insert (total, g_strdup (context),
                             GSIZE_TO_POINTER (GPOINTER_TO_SIZE (had) + GPOINTER_TO_SIZE (n)));
      else
        g_hash_table_insert (total, g_strdup (context), n);
    }
}

static void
stats_add (IngestStats *total, const IngestStats *s)
{
  total->records += s->records;
  total->calls += s->calls;
  total->duplicates += s->duplicates;
  total->merged_legs += s->merged_legs;
  total->internal += s->internal;
  total->guessed += s->guessed;
  total->rejects += s->rejects;
  total->ignored += s->ignored;
  total->unknown_account += s->unknown_account;
}

/* VALUE as a shell word: quoted when it holds anything but plain characters. */
static void
append_option (GString *s, const char *name, const char *value)
{
  if (!value)
    return;
  gboolean plain = *value != '\0';
  for (const char *p = value; *p; p++)
    plain = plain && (g_ascii_isalnum (*p) || strchr ("_./:+,@%-", *p));
  g_autofree char *quoted = plain ? g_strdup (value) : g_shell_quote (value);
  g_string_append_printf (s, "%s--%s=%s", s->len ? " " : "", name, quoted);
}

static void
append_globs (GString *s, const char *name, char **globs)
{
  for (guint i = 0; globs && globs[i]; i++)
    append_option (s, name, globs[i]);
}

char *
ingest_options_text (const IngestOptions *opts)
{
  GString *s = g_string_new (NULL);
  append_option (s, "operator", opts->operator_slug);
  append_option (s, "format", opts->format);
  append_option (s, "country", opts->country);
  append_option (s, "tz", opts->tz);
  append_option (s, "direction-by",
                 opts->direction_by == CDR_DIRECTION_BY_SHAPE ? "shape" : "dcontext");
  append_globs (s, "inbound-context", opts->contexts.inbound);
  append_globs (s, "outbound-context", opts->contexts.outbound);
  append_globs (s, "internal-context", opts->contexts.internal);
  return g_string_free (s, FALSE);
}

/* ROW is a file of these bytes left part-way, under another name: when
 * another rater is ingesting it there (it holds the lock of infile.h), wait
 * for it to finish and read ROW again, rather than resume beside it. */
static gboolean
wait_for_other (Ingest *ing, const char *sha, const char *path, FileRow *row, GError **error)
{
  if (g_str_equal (row->path, path))
    return TRUE;
  int other = infile_lock (row->path, NULL);   /* gone or unreadable: no one to wait for */
  if (other < 0)
    return TRUE;
  close (other);
  file_row_clear (row);
  return find_file_row (ing, sha, row, error);
}

static gboolean
ingest_file_locked (Ingest *ing, const char *path, const IngestOptions *opts, IngestStats *stats,
                    GError **error)
{
  FileRun run = { .ing = ing, .path = path, .opts = opts };
  g_autoptr(GHashTable) guessed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const CdrReaderOptions reading = {
    .format = opts->format,
    .format_hint = "--format",
    .country = opts->country,
    .area_code = opts->area_code,
    .tz = opts->tz,
    .direction_by = opts->direction_by,
    .contexts = opts->contexts,
    .accept = accept_operator,
    .accept_data = &run,
  };
  guint64 size = 0;

  g_autoptr(CdrReader) reader = cdrreader_new (&reading, error);
  if (!reader)
    return FALSE;
  run.reader = reader;
  run.guessed = guessed;
  g_autofree char *sha = digest_file_sha256 (path, &size, error);
  if (!sha)
    return FALSE;
  g_auto(FileRow) row = { 0 };
  if (!find_file_row (ing, sha, &row, error)
      || (row.path && row.resume_line >= 0 && !wait_for_other (ing, sha, path, &row, error)))
    {
      g_prefix_error (error, "'%s': ", path);
      return FALSE;
    }
  if (row.path && row.resume_line < 0)
    {
      g_message ("%s: skipped, the same bytes were ingested before as '%s'", path, row.path);
      stats->skipped_files++;
      return TRUE;
    }
  if (row.path)
    {
      g_message ("%s: resuming after line %" G_GINT64_FORMAT ", where a stopped run left '%s'",
                 path, row.resume_line, row.path);
      run.file_id = row.id;
      run.resume_line = (guint64) row.resume_line;
      run.stored = row.stored;
    }
  gint64 cache_was[2];
  if (!cdrreader_open (reader, path, error) || !size_cache (ing, size, cache_was, error))
    {
      g_prefix_error (error, "'%s': ", path);
      return FALSE;
    }
  gboolean stored = run_transactions (ing, &run, sha, size, error);
  if (!restore_cache (ing, cache_was, stored ? error : NULL) || !stored)
    {
      g_prefix_error (error, "'%s': ", path);
      return FALSE;
    }
  if (run.taken)
    {
      g_message ("%s: skipped, the same bytes were ingested meanwhile by another run", path);
      stats->skipped_files++;
      return TRUE;
    }
  report_guesses (&run);
  if (stats->guessed_contexts)
    add_guesses (stats->guessed_contexts, run.guessed);
  if (run.reported > opts->max_reported)
    g_message ("%s: %u more rejects not shown ('rater export rejects' lists them all)",
               path, run.reported - opts->max_reported);
  stats->files++;
  stats_add (stats, &run.stats);
  return TRUE;
}

/* One rater at a time ingests PATH (infile.h): a second one waits, then finds
 * the bytes stored and skips them. */
gboolean
ingest_file (Ingest *ing, const char *path, const IngestOptions *opts, IngestStats *stats,
             GError **error)
{
  int lock = infile_lock (path, error);
  if (lock < 0)
    return FALSE;
  gboolean ok = ingest_file_locked (ing, path, opts, stats, error);
  close (lock);
  return ok;
}
