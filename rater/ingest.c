/* ingest.c — reading CDR files into the calls and rejects tables.
 *
 * Per file: hash it (skip when known), open it, read the first record (the
 * header, or the first record of a headerless format), pick and bind the
 * format, then in one transaction: insert the `files` row, convert and store
 * every record, update the row's counts, commit.  Statements are prepared
 * once per Ingest and reused for every record.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "catalog.h"
#include "country.h"
#include "ingest.h"
#include "rater-error.h"
#include "store.h"
#include "tzmap.h"

struct _Ingest {
  sqlite3 *db;
  RaterCatalog *catalog;
  sqlite3_stmt *find_file, *insert_file, *update_file, *insert_call, *replace_leg, *insert_reject;
};

/* Per-file state while its transaction is open. */
typedef struct {
  const char *path;
  const IngestOptions *opts;
  CdrFormat *format;
  gpointer state;
  CdrContext ctx;
  const CatalogOperator *op;      /* fixed by --operator, else per record */
  gint64 file_id;
  IngestStats stats;
  guint reported;
} FileRun;

#define CALL_COLUMNS \
  "operator, call_key, file_id, line, direction, caller, callee, masked, start_ms," \
  " duration, answered, tenant_id, user, sip_code, account, leg_rank, leg_id"

#define SQL_INSERT_CALL \
  "INSERT INTO calls (" CALL_COLUMNS ")" \
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)" \
  " ON CONFLICT (operator, call_key) DO NOTHING"

/* A leg of a multi-leg call replaces the stored leg when it ranks higher
 * (or equal, with a smaller leg id), so the billed leg does not depend on
 * the order the legs arrive in. */
#define SQL_REPLACE_LEG \
  "UPDATE calls SET (" CALL_COLUMNS ") =" \
  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)" \
  " WHERE operator = ?1 AND call_key = ?2" \
  " AND (?16 > leg_rank OR (?16 = leg_rank AND ?17 < leg_id))"

void
ingest_free (Ingest *ing)
{
  if (!ing)
    return;
  sqlite3_finalize (ing->find_file);
  sqlite3_finalize (ing->insert_file);
  sqlite3_finalize (ing->update_file);
  sqlite3_finalize (ing->insert_call);
  sqlite3_finalize (ing->replace_leg);
  sqlite3_finalize (ing->insert_reject);
  catalog_free (ing->catalog);
  g_free (ing);
}

Ingest *
ingest_new (sqlite3 *db, GError **error)
{
  g_autoptr(Ingest) ing = g_new0 (Ingest, 1);
  ing->db = db;
  if (!(ing->catalog = catalog_load (db, error))
      || !(ing->find_file = store_prepare (db, "SELECT path FROM files WHERE sha256 = ?", error))
      || !(ing->insert_file = store_prepare (db,
             "INSERT INTO files (sha256, path, format, operator, bytes, records, calls, duplicates,"
             " rejects, ingested_at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0,"
             " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", error))
      || !(ing->update_file = store_prepare (db,
             "UPDATE files SET records = ?, calls = ?, duplicates = ?, rejects = ? WHERE id = ?",
             error))
      || !(ing->insert_call = store_prepare (db, SQL_INSERT_CALL, error))
      || !(ing->replace_leg = store_prepare (db, SQL_REPLACE_LEG, error))
      || !(ing->insert_reject = store_prepare (db,
             "INSERT INTO rejects (file_id, line, reason, detail, raw) VALUES (?, ?, ?, ?, ?)",
             error)))
    return NULL;
  return g_steal_pointer (&ing);
}

/* ---- file identity ---- */

static char *
file_sha256 (const char *path, guint64 *size, GError **error)
{
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  if (!map)
    {
      int e = errno;
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "cannot open '%s': %s", path, g_strerror (e));
      return NULL;
    }
  *size = g_mapped_file_get_length (map);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (map), *size);
}

/* The path under which these bytes were ingested before, or NULL. */
static char *
already_ingested (Ingest *ing, const char *sha)
{
  sqlite3_bind_text (ing->find_file, 1, sha, -1, SQLITE_STATIC);
  char *path = NULL;
  if (sqlite3_step (ing->find_file) == SQLITE_ROW)
    path = g_strdup ((const char *) sqlite3_column_text (ing->find_file, 0));
  sqlite3_reset (ing->find_file);
  return path;
}

/* ---- context ---- */

static gboolean
context_init (FileRun *run, const IngestOptions *opts, TzMap **zone, GError **error)
{
  run->ctx.direction_by = opts->direction_by;
  if (opts->country && !(run->ctx.country = country_lookup (opts->country)))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "--country '%s' is not an ISO 3166 alpha-2 code", opts->country);
      return FALSE;
    }
  if (opts->tz && !(*zone = tzmap_new (opts->tz, error)))
    {
      g_prefix_error (error, "--tz: ");
      (*error)->domain = RATER_ERROR, (*error)->code = RATER_ERROR_USAGE;
      return FALSE;
    }
  run->ctx.tz = *zone;
  return TRUE;
}

static gboolean
header_has (const CsvRecord *header, const char *name)
{
  for (guint i = 0; i < header->n; i++)
    if (cdr_text_equal (cdr_field (header, (int) i), name))
      return TRUE;
  return FALSE;
}

/* Pick the format (given or recognised) and the operator, and bind. */
static gboolean
run_bind (Ingest *ing, FileRun *run, const CsvRecord *first, GError **error)
{
  const IngestOptions *opts = run->opts;
  if (!run->format)
    {
      run->format = (CdrFormat *) cdr_format_detect (first);
      if (!run->format)
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                       "cannot tell the format from the header: give --format");
          return FALSE;
        }
    }
  if (opts->operator_slug)
    {
      if (!(run->op = catalog_operator (ing->catalog, opts->operator_slug)))
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                       "operator '%s' is not in the catalog", opts->operator_slug);
          return FALSE;
        }
    }
  else if (!run->format->has_header || !header_has (first, "operator"))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "the records carry no operator: give --operator");
      return FALSE;
    }
  run->state = run->format->bind (run->format, first, &run->ctx, error);
  return run->state != NULL;
}

/* ---- storing ---- */

static gboolean
store_reject (Ingest *ing, FileRun *run, guint64 line, const char *reason, const char *detail,
              const char *raw, gsize raw_len, GError **error)
{
  sqlite3_stmt *st = ing->insert_reject;
  sqlite3_bind_int64 (st, 1, run->file_id);
  sqlite3_bind_int64 (st, 2, (gint64) line);
  sqlite3_bind_text (st, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, detail, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 5, raw_len ? raw : "", (int) raw_len, SQLITE_STATIC);
  run->stats.rejects++;
  if (run->reported++ < run->opts->max_reported)
    g_message ("%s:%" G_GUINT64_FORMAT ": %s: %s", run->path, line, reason, detail);
  return store_step_done (st, error);
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
bind_number (sqlite3_stmt *st, int idx, const RaterNumber *n)
{
  if (n->len)
    sqlite3_bind_text (st, idx, n->digits, n->len, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, idx);
}

static void
bind_call (sqlite3_stmt *st, const FileRun *run, const CatalogOperator *op, const CdrCall *call,
           guint64 line, const char *account)
{
  sqlite3_bind_text (st, 1, catalog_operator_slug (op), -1, SQLITE_STATIC);
  store_bind_text (st, 2, call->call_key.p, call->call_key.len, FALSE);
  sqlite3_bind_int64 (st, 3, run->file_id);
  sqlite3_bind_int64 (st, 4, (gint64) line);
  sqlite3_bind_text (st, 5, call->direction == CDR_OUT ? "out" : "in", -1, SQLITE_STATIC);
  bind_number (st, 6, &call->caller);
  bind_number (st, 7, &call->callee);
  sqlite3_bind_int (st, 8, (call->caller.masked ? 1 : 0) | (call->callee.masked ? 2 : 0));
  sqlite3_bind_int64 (st, 9, call->start_ms);
  sqlite3_bind_int64 (st, 10, call->duration);
  sqlite3_bind_int (st, 11, call->answered);
  store_bind_text (st, 12, call->tenant_id.p, call->tenant_id.len, TRUE);
  store_bind_text (st, 13, call->user.p, call->user.len, TRUE);
  if (call->sip_code)
    sqlite3_bind_int (st, 14, call->sip_code);
  if (account)
    sqlite3_bind_text (st, 15, account, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 16, call->leg_rank);
  store_bind_text (st, 17, call->leg_id.p, call->leg_id.len, TRUE);
}

static gboolean
store_call (Ingest *ing, FileRun *run, const CatalogOperator *op, const CdrCall *call,
            guint64 line, GError **error)
{
  const RaterNumber *own = call->direction == CDR_OUT ? &call->caller : &call->callee;
  const char *account = catalog_resolve_account (op, call->tenant_id.p, call->tenant_id.len,
                                                 own, call->start_ms);
  bind_call (ing->insert_call, run, op, call, line, account);
  if (!store_step_done (ing->insert_call, error))
    return FALSE;
  if (sqlite3_changes (ing->db) > 0)
    {
      run->stats.calls++;
      run->stats.unknown_account += account == NULL;
      return TRUE;
    }
  run->stats.duplicates++;
  if (call->leg_rank == 0)
    return TRUE;
  bind_call (ing->replace_leg, run, op, call, line, account);
  return store_step_done (ing->replace_leg, error);
}

static gboolean
ingest_record (Ingest *ing, FileRun *run, const CsvRecord *rec, GError **error)
{
  CdrCall call = { 0 };
  CdrReject rej = { 0 };
  const CatalogOperator *op = NULL;
  CdrOutcome outcome = run->format->convert (run->state, rec, &run->ctx, &call, &rej);

  if (outcome == CDR_SKIP)
    {
      run->stats.ignored++;
      return TRUE;
    }
  run->stats.records++;
  if (outcome == CDR_CALL && (op = call_operator (ing, run, &call, &rej)))
    return store_call (ing, run, op, &call, rec->line, error);
  return store_reject (ing, run, rec->line, cdr_reject_code (rej.reason), rej.detail,
                       rec->raw, rec->raw_len, error);
}

static gboolean
ingest_records (Ingest *ing, FileRun *run, CsvFile *csv, const CsvRecord *first, GError **error)
{
  CsvRecord rec;
  if (!run->format->has_header && first->n > 0 && !ingest_record (ing, run, first, error))
    return FALSE;
  for (;;)
    {
      CsvFileStatus st = csvfile_next (csv, &rec, error);
      gboolean ok = TRUE;
      if (st == CSVFILE_EOF)
        return TRUE;
      if (st == CSVFILE_ERROR)
        return FALSE;
      if (st == CSVFILE_BAD)
        {
          run->stats.records++;
          ok = store_reject (ing, run, rec.line, "csv_syntax", rec.problem, rec.raw, rec.raw_len, error);
        }
      else
        ok = ingest_record (ing, run, &rec, error);
      if (!ok)
        return FALSE;
    }
}

static gboolean
insert_file_row (Ingest *ing, FileRun *run, const char *sha, guint64 size, GError **error)
{
  sqlite3_stmt *st = ing->insert_file;
  sqlite3_bind_text (st, 1, sha, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, run->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, run->format->name, -1, SQLITE_STATIC);
  if (run->op)
    sqlite3_bind_text (st, 4, catalog_operator_slug (run->op), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, (gint64) size);
  if (!store_step_done (st, error))
    return FALSE;
  run->file_id = sqlite3_last_insert_rowid (ing->db);
  return TRUE;
}

static gboolean
update_file_row (Ingest *ing, FileRun *run, GError **error)
{
  sqlite3_stmt *st = ing->update_file;
  sqlite3_bind_int64 (st, 1, (gint64) run->stats.records);
  sqlite3_bind_int64 (st, 2, (gint64) run->stats.calls);
  sqlite3_bind_int64 (st, 3, (gint64) run->stats.duplicates);
  sqlite3_bind_int64 (st, 4, (gint64) run->stats.rejects);
  sqlite3_bind_int64 (st, 5, run->file_id);
  return store_step_done (st, error);
}

static gboolean
run_transaction (Ingest *ing, FileRun *run, CsvFile *csv, const CsvRecord *first,
                 const char *sha, guint64 size, GError **error)
{
  if (!store_begin (ing->db, error))
    return FALSE;
  if (insert_file_row (ing, run, sha, size, error)
      && ingest_records (ing, run, csv, first, error)
      && update_file_row (ing, run, error)
      && store_commit (ing->db, error))
    return TRUE;
  store_rollback (ing->db);
  return FALSE;
}

/* Open PATH and read its first record: the header, or the first data record. */
static CsvFile *
open_first (FileRun *run, CsvRecord *first, GError **error)
{
  char delim = run->format ? run->format->delimiter : ',';
  gboolean trim = run->format ? run->format->trim : TRUE;
  g_autoptr(CsvFile) csv = csvfile_open (run->path, delim, trim, error);
  if (!csv)
    return NULL;
  CsvFileStatus st = csvfile_next (csv, first, error);
  if (st == CSVFILE_ERROR)
    return NULL;
  if (st == CSVFILE_EOF)
    first->n = 0, first->line = 1;
  if (st == CSVFILE_BAD && (!run->format || run->format->has_header))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "line %" G_GUINT64_FORMAT ": header: %s",
                   first->line, first->problem);
      return NULL;
    }
  return g_steal_pointer (&csv);
}

static void
stats_add (IngestStats *total, const IngestStats *s)
{
  total->records += s->records;
  total->calls += s->calls;
  total->duplicates += s->duplicates;
  total->rejects += s->rejects;
  total->ignored += s->ignored;
  total->unknown_account += s->unknown_account;
}

static gboolean
ingest_file_inner (Ingest *ing, FileRun *run, const char *sha, guint64 size, GError **error)
{
  CsvRecord first = { 0 };
  g_autoptr(CsvFile) csv = open_first (run, &first, error);
  if (!csv)
    return FALSE;
  if (first.n == 0 && run->format && !run->format->has_header)
    return run_transaction (ing, run, csv, &first, sha, size, error);   /* empty or bad first */
  if (first.n == 0 && (!run->format || run->format->has_header))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "empty file: no header");
      return FALSE;
    }
  /* the header fields are overwritten by the next record: bind before reading on */
  if (!run_bind (ing, run, &first, error))
    return FALSE;
  return run_transaction (ing, run, csv, &first, sha, size, error);
}

gboolean
ingest_file (Ingest *ing, const char *path, const IngestOptions *opts, IngestStats *stats,
             GError **error)
{
  g_autoptr(TzMap) zone = NULL;
  g_autoptr(CdrFormat) format = NULL;
  FileRun run = { .path = path, .opts = opts };
  guint64 size = 0;

  if (!context_init (&run, opts, &zone, error))
    return FALSE;
  if (opts->format && !(format = cdr_format_lookup (opts->format, error)))
    return FALSE;
  run.format = format;
  g_autofree char *sha = file_sha256 (path, &size, error);
  if (!sha)
    return FALSE;
  g_autofree char *before = already_ingested (ing, sha);
  if (before)
    {
      g_message ("%s: skipped, the same bytes were ingested before as '%s'", path, before);
      stats->skipped_files++;
      return TRUE;
    }
  gboolean ok = ingest_file_inner (ing, &run, sha, size, error);
  if (run.state)
    run.format->free_state (run.state);
  if (!ok)
    {
      g_prefix_error (error, "'%s': ", path);
      return FALSE;
    }
  if (run.reported > opts->max_reported)
    g_message ("%s: %u more rejects not shown ('rater export rejects' lists them all)",
               path, run.reported - opts->max_reported);
  stats->files++;
  stats_add (stats, &run.stats);
  return TRUE;
}
