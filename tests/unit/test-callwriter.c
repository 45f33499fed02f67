/* test-callwriter.c — unit tests of ingest/callwriter: batches of normalised
 * calls and rejects stored by the writer thread.
 *
 * Each test feeds CdrCalls built by hand (no CDR file, no reader) through
 * callwriter_batch / callwriter_add_* / callwriter_submit into a database
 * with the spec catalog, then reads the rows back column by column.  The
 * cases cover every stored field (NULL for empty text and unknown values),
 * the copy of borrowed text, rejects with their raw bytes, duplicates in one
 * run and across runs, the leg ranking rule of the header, thousands of
 * calls over many full batches (each row keeps its own values), and a write
 * failure reported by callwriter_finish; the chunk hook (after the batch
 * that fills a chunk, with the last line and the counts) and its failure.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/rater-error.h"
#include "ingest/callwriter.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (callwriter, .init = setup, .fini = teardown);

#define CALL_COLUMNS "operator, call_key, file_id, line, direction, caller, callee, masked," \
  " start_ms, duration, answered, tenant_id, user, sip_code, account, leg_rank, leg_id"

/* Helpers {{{1 */

/* A database with the spec catalog and `files` rows 1 and 2. */
static StoreDb *
fresh_db (void)
{
  StoreDb *db = test_db_with_catalog (dir);
  cr_assert_eq (store_exec (db,
    "INSERT INTO files (id, sha256, path, format, operator, bytes, records, calls, duplicates,"
    " rejects, ingested_at) VALUES"
    " (1, 'a', 'a.csv', 'rater', 'northwind', 0, 0, 0, 0, 0, '2026-11-30T00:00:00Z'),"
    " (2, 'b', 'b.csv', 'rater', 'northwind', 0, 0, 0, 0, 0, '2026-11-30T00:00:00Z')", NULL), TRUE);
  return db;
}

/* The rows of SQL, one line each, columns joined by '|', NULL as "NULL". */
static char *
dump (StoreDb *db, const char *sql)
{
  g_autoptr(StoreStmt) st = NULL;
  GString *s = g_string_new (NULL);
  int rc;

  cr_assert_eq ((st = store_prepare (db, sql, NULL)) != NULL, TRUE);
  while ((rc = store_next (st)) == STORE_ROW)
    {
      for (int c = 0; c < store_column_count (st); c++)
        {
          if (c)
            g_string_append_c (s, '|');
          if (store_column_is_null (st, c))
            g_string_append (s, "NULL");
          else
            g_string_append (s, store_column_text_or_null (st, c));
        }
      g_string_append_c (s, '\n');
    }
  cr_assert_eq (rc, STORE_DONE, "%s", store_name (db));
  return g_string_free (s, FALSE);
}

static void
expect_dump (StoreDb *db, const char *sql, const char *want)
{
  g_autofree char *got = dump (db, sql);
  cr_assert_str_eq (got, want);
}

static CdrText
text_of (const char *s)
{
  return (CdrText) { s, s ? strlen (s) : 0 };
}

static RaterNumber
number_of (const char *digits, gboolean masked)
{
  RaterNumber n = { .masked = masked };
  g_strlcpy (n.digits, digits, sizeof n.digits);
  n.len = (guint8) strlen (n.digits);
  return n;
}

/* An answered outgoing call KEY from CALLER to CALLEE. */
static CdrCall
call_of (const char *key, const char *caller, const char *callee, gint64 start_ms, gint64 duration)
{
  CdrCall c = {
    .call_key = text_of (key), .direction = CDR_OUT,
    .caller = number_of (caller, FALSE), .callee = number_of (callee, FALSE),
    .start_ms = start_ms, .duration = duration, .answered = TRUE,
  };
  return c;
}

/* One writer run: a transaction, the writer started for FILE_ID and the
 * batch being filled; a full batch is handed over and a new one taken. */
typedef struct {
  StoreDb *db;
  CallWriter *writer;
  CallBatch *batch;
} Feed;

/* The same, calling CHUNK every CHUNK_ROWS rows (NULL: never). */
static Feed
feed_start_chunked (StoreDb *db, gint64 file_id, guint64 chunk_rows, CallWriterChunkFunc chunk,
                    gpointer chunk_data)
{
  g_autoptr(GError) error = NULL;
  Feed f = { db, callwriter_new (db, &error), NULL };

  cr_assert_not_null (f.writer, "%s", error ? error->message : "");
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  callwriter_start (f.writer, file_id, chunk_rows, chunk, chunk_data);
  f.batch = callwriter_batch (f.writer);
  cr_assert_not_null (f.batch);
  cr_assert_not (callwriter_batch_full (f.batch));
  return f;
}

static Feed
feed_start (StoreDb *db, gint64 file_id)
{
  return feed_start_chunked (db, file_id, 0, NULL, NULL);
}

/* The same, writing windows of WINDOW_ROWS rows. */
static Feed
feed_start_windowed (StoreDb *db, gint64 file_id, guint window_rows)
{
  g_autoptr(GError) error = NULL;
  Feed f = { db, callwriter_new (db, &error), NULL };

  cr_assert_not_null (f.writer, "%s", error ? error->message : "");
  callwriter_set_window (f.writer, window_rows);
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  callwriter_start (f.writer, file_id, 0, NULL, NULL);
  f.batch = callwriter_batch (f.writer);
  return f;
}

static void
feed_room (Feed *f)
{
  if (!callwriter_batch_full (f->batch))
    return;
  callwriter_submit (f->writer, f->batch);
  f->batch = callwriter_batch (f->writer);
  cr_assert_not (callwriter_batch_full (f->batch));
}

static void
feed_call (Feed *f, const CdrCall *call, guint64 line, const char *account)
{
  feed_room (f);
  callwriter_add_call (f->batch, call, line, "northwind", account);
}

static void
feed_reject (Feed *f, guint64 line, const char *reason, const char *detail, const char *raw,
             gsize raw_len)
{
  feed_room (f);
  callwriter_add_reject (f->batch, line, reason, detail, raw, raw_len);
}

/* Hand over the last batch, stop the writer, commit (or roll back on failure). */
static gboolean
feed_finish (Feed *f, CallWriterStats *stats, GError **error)
{
  callwriter_submit (f->writer, f->batch);
  gboolean ok = callwriter_finish (f->writer, stats, error);
  if (ok)
    cr_assert (store_commit (f->db, NULL));
  else
    store_rollback (f->db);
  return ok;
}

static CallWriterStats
feed_finish_ok (Feed *f)
{
  CallWriterStats stats;
  g_autoptr(GError) error = NULL;

  memset (&stats, 0xff, sizeof stats);
  cr_assert (feed_finish (f, &stats, &error), "%s", error ? error->message : "");
  cr_assert_null (error);
  callwriter_free (f->writer);
  return stats;
}

static void
expect_stats (CallWriterStats s, guint64 calls, guint64 duplicates, guint64 unknown,
              guint64 rejects)
{
  cr_assert_eq (s.calls, calls, "calls %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                s.calls, calls);
  cr_assert_eq (s.duplicates, duplicates, "duplicates %" G_GUINT64_FORMAT ", expected %"
                G_GUINT64_FORMAT, s.duplicates, duplicates);
  cr_assert_eq (s.unknown_account, unknown, "unknown_account %" G_GUINT64_FORMAT ", expected %"
                G_GUINT64_FORMAT, s.unknown_account, unknown);
  cr_assert_eq (s.rejects, rejects, "rejects %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                s.rejects, rejects);
}

/* Calls, field by field {{{1 */

Test (callwriter, every_field_of_a_call_is_stored)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);

  CdrCall full = call_of ("ex01", "441632960001", "442079460000", 1793700000123, 61);
  full.direction = CDR_IN;
  full.caller.masked = TRUE;
  full.tenant_id = text_of ("8d3c2f4a-1b6e-4c7d-9a0b-1c2d3e4f5a6b");
  full.user = text_of ("alice@contoso.com");
  full.sip_code = 200;
  full.leg_rank = 2;
  full.leg_id = text_of ("leg-b");
  feed_call (&f, &full, 7, "contoso");

  /* withheld caller, no tenant, user, SIP code or leg, account unknown */
  CdrCall bare = call_of ("ex02", "", "4930123456", 1793700060000, 0);
  bare.callee.masked = TRUE;
  bare.answered = FALSE;
  feed_call (&f, &bare, 9, NULL);

  expect_stats (feed_finish_ok (&f), 2, 0, 1, 0);
  expect_dump (db, "SELECT " CALL_COLUMNS ", typeof (sip_code) FROM calls ORDER BY id",
               "northwind|ex01|1|7|in|441632960001|442079460000|1|1793700000123|61|1|"
               "8d3c2f4a-1b6e-4c7d-9a0b-1c2d3e4f5a6b|alice@contoso.com|200|contoso|2|leg-b|integer\n"
               "northwind|ex02|1|9|out|NULL|4930123456|2|1793700060000|0|0|"
               "NULL|NULL|NULL|NULL|0|NULL|null\n");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects"), 0);
}

Test (callwriter, text_is_copied_and_only_its_length_is_used)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 2);
  char key[] = "k-1 and what follows";
  char user[] = "bob@fabrikam.com";

  CdrCall c = call_of ("", "441632960101", "447700900123", 1793700000000, 5);
  c.call_key = (CdrText) { key, 3 };
  c.user = (CdrText) { user, strlen (user) };
  feed_call (&f, &c, 1, "fabrikam");
  /* the reader reuses its buffers for the next record */
  memset (key, 'X', sizeof key - 1);
  memset (user, 'Y', sizeof user - 1);

  expect_stats (feed_finish_ok (&f), 1, 0, 0, 0);
  expect_dump (db, "SELECT call_key, user, file_id FROM calls", "k-1|bob@fabrikam.com|2\n");
}

/* Rejects {{{1 */

Test (callwriter, rejects_keep_reason_detail_line_and_raw_bytes)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  static const char raw_latin1[] = "latin1,Jos\xe9,9\r";
  static const char raw_nul[] = "nul\0inside";

  feed_reject (&f, 20, "bad_timestamp", "start '2026-11-31T10:00:00Z': timestamp field out of range",
               "bad-ts,2026-11-31T10:00:00Z,61", 30);
  feed_reject (&f, 33, "encoding", "field 2 is not valid UTF-8", raw_latin1, sizeof raw_latin1 - 1);
  feed_reject (&f, 40, "csv_syntax", "malformed quotes", raw_nul, sizeof raw_nul - 1);
  feed_reject (&f, 41, "missing_field", "missing call_id", "", 0);
  CdrCall c = call_of ("ok", "441632960001", "442079460000", 1793700000000, 1);
  feed_call (&f, &c, 42, "contoso");

  expect_stats (feed_finish_ok (&f), 1, 0, 0, 4);
  expect_dump (db, "SELECT file_id, line, reason, detail, typeof (raw), length (raw), hex (raw)"
                   " FROM rejects ORDER BY id",
               "1|20|bad_timestamp|start '2026-11-31T10:00:00Z': timestamp field out of range|blob|30|"
               "6261642D74732C323032362D31312D33315431303A30303A30305A2C3631\n"
               "1|33|encoding|field 2 is not valid UTF-8|blob|14|6C6174696E312C4A6F73E92C390D\n"
               "1|40|csv_syntax|malformed quotes|blob|10|6E756C00696E73696465\n"
               "1|41|missing_field|missing call_id|blob|0|\n");
  expect_dump (db, "SELECT call_key, line FROM calls", "ok|42\n");
}

/* Duplicates {{{1 */

Test (callwriter, duplicates_are_counted_and_the_first_call_is_kept)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  CdrCall a = call_of ("dup", "441632960001", "442079460000", 1793700000000, 10);
  CdrCall b = call_of ("dup", "441632960001", "442079460000", 1793700000000, 99);
  CdrCall n = call_of ("nodup", "441632969999", "442079460000", 1793700000000, 10);

  feed_call (&f, &a, 1, "contoso");
  feed_call (&f, &b, 2, "contoso");          /* same key, same run */
  feed_call (&f, &n, 3, NULL);
  feed_call (&f, &n, 4, NULL);               /* an unknown account's duplicate */
  expect_stats (feed_finish_ok (&f), 2, 2, 1, 0);

  /* a second run (another file) stores nothing new */
  Feed g = feed_start (db, 2);
  feed_call (&g, &b, 1, "contoso");
  feed_call (&g, &n, 2, NULL);
  CdrCall other = call_of ("dup", "441632960001", "442079460000", 1793700000000, 5);
  g_autofree char *key = g_strdup ("dup");
  other.call_key = text_of (key);
  feed_call (&g, &other, 3, "contoso");
  expect_stats (feed_finish_ok (&g), 0, 3, 0, 0);

  expect_dump (db, "SELECT call_key, file_id, line, duration, account FROM calls ORDER BY id",
               "dup|1|1|10|contoso\n"
               "nodup|1|3|10|NULL\n");
}

Test (callwriter, the_same_key_of_another_operator_is_not_a_duplicate)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  CdrCall c = call_of ("k", "441632960001", "442079460000", 1793700000000, 10);

  feed_call (&f, &c, 1, "contoso");
  callwriter_add_call (f.batch, &c, 2, "southwind", NULL);
  expect_stats (feed_finish_ok (&f), 2, 0, 1, 0);
  expect_dump (db, "SELECT operator, call_key, line FROM calls ORDER BY operator",
               "northwind|k|1\nsouthwind|k|2\n");
}

/* Legs sharing a key: the highest rank, then the smallest leg id {{{1 */

static CdrCall
leg (const char *leg_id, int rank, gint64 duration)
{
  CdrCall c = call_of ("call-1", "441632960001", "442079460000", 1793700000000, duration);
  c.leg_id = text_of (leg_id);
  c.leg_rank = rank;
  return c;
}

/* Legs of one call: CALLS new calls, MERGED legs joined, nothing else. */
static void
expect_legs (CallWriterStats s, guint64 calls, guint64 merged)
{
  expect_stats (s, calls, 0, 0, 0);
  cr_assert_eq (s.merged_legs, merged, "merged_legs %" G_GUINT64_FORMAT ", expected %"
                G_GUINT64_FORMAT, s.merged_legs, merged);
}

Test (callwriter, a_higher_ranked_leg_replaces_the_stored_one)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  CdrCall l1 = leg ("leg-m", 1, 11), l2 = leg ("leg-z", 3, 33), l3 = leg ("leg-a", 2, 22);

  feed_call (&f, &l1, 1, "contoso");
  feed_call (&f, &l2, 2, "contoso");         /* ranks higher: replaces */
  feed_call (&f, &l3, 3, "contoso");         /* ranks lower: dropped */
  expect_legs (feed_finish_ok (&f), 1, 2);
  expect_dump (db, "SELECT call_key, line, leg_rank, leg_id, duration FROM calls",
               "call-1|2|3|leg-z|33\n");
}

Test (callwriter, an_equal_rank_replaces_only_with_a_smaller_leg_id)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  CdrCall m = leg ("leg-m", 2, 11), z = leg ("leg-z", 2, 33), a = leg ("leg-a", 2, 22);

  feed_call (&f, &m, 1, "contoso");
  feed_call (&f, &z, 2, "contoso");          /* larger id: dropped */
  feed_call (&f, &a, 3, "contoso");          /* smaller id: replaces */
  expect_legs (feed_finish_ok (&f), 1, 2);
  expect_dump (db, "SELECT line, leg_id, duration FROM calls", "3|leg-a|22\n");
}

Test (callwriter, a_leg_replaces_a_leg_stored_by_an_earlier_run)
{
  g_autoptr(StoreDb) db = fresh_db ();
  CdrCall low = leg ("leg-2", 1, 11), high = leg ("leg-1", 1, 22);
  high.sip_code = 200;
  high.user = text_of ("alice@contoso.com");

  Feed f = feed_start (db, 1);
  feed_call (&f, &low, 5, NULL);
  expect_stats (feed_finish_ok (&f), 1, 0, 1, 0);

  Feed g = feed_start (db, 2);
  feed_call (&g, &high, 8, "contoso");
  expect_legs (feed_finish_ok (&g), 0, 1);
  /* the whole row is the new leg's: file, line, account and all */
  expect_dump (db, "SELECT " CALL_COLUMNS " FROM calls",
               "northwind|call-1|2|8|out|441632960001|442079460000|0|1793700000000|22|1|"
               "NULL|alice@contoso.com|200|contoso|1|leg-1\n");
}

Test (callwriter, a_call_without_legs_is_never_replaced)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  CdrCall first = leg ("", 0, 11), second = leg ("", 0, 22);

  feed_call (&f, &first, 1, "contoso");
  feed_call (&f, &second, 2, "contoso");
  expect_stats (feed_finish_ok (&f), 1, 1, 0, 0);
  expect_dump (db, "SELECT line, leg_rank, leg_id, duration FROM calls", "1|0|NULL|11\n");
}

/* Legs in any order, file and run {{{1 */

/* The legs of four calls and a Teams DR pair: FreeSWITCH rows are keyed by
 * their own uuid with bleg_uuid as link (cdr-freeswitch.c); DURATION tells
 * the legs apart in the dump. */
static CdrCall
fs_leg (const char *uuid, const char *bleg, int rank, gint64 duration)
{
  CdrCall c = call_of (uuid, "441632960001", "442079460000", 1793700000000, duration);
  c.leg_id = text_of (uuid);
  c.leg_link = text_of (bleg);
  c.leg_rank = rank;
  return c;
}

static CdrCall
dr_leg (const char *correlation, gint64 duration)
{
  CdrCall c = call_of ("shared-1", "441632960001", "442079460000", 1793700000000, duration);
  c.leg_id = text_of (correlation);
  c.leg_rank = 2;              /* both dr_out_user_forwarding: equal rank */
  return c;
}

#define N_LEGS 9

static void
legs_of_calls (CdrCall *rows)
{
  rows[0] = fs_leg ("fa-1", "fb-1", 5, 11);   /* A in from the PSTN: kept */
  rows[1] = fs_leg ("fb-1", "", 2, 12);       /* B ringing an extension */
  rows[2] = fs_leg ("fa-2", "fb-2", 7, 21);   /* equal ranks: the smaller uuid, A */
  rows[3] = fs_leg ("fb-2", "", 7, 22);
  rows[4] = fs_leg ("fz-3", "fb-3", 7, 31);   /* equal ranks: the smaller uuid, B */
  rows[5] = fs_leg ("fb-3", "", 7, 32);
  rows[6] = fs_leg ("fs-4", "", 6, 41);       /* one leg only */
  rows[7] = dr_leg ("corr-b", 51);            /* Teams DR legs of equal rank */
  rows[8] = dr_leg ("corr-a", 52);            /* the smaller CorrelationId is kept */
}

/* Whatever the order, the calls are stored under the A leg's uuid (the
 * shared id for Teams) with the kept leg's data. */
static const char legs_kept[] =
  "fa-1|fb-1|fa-1|11\n"
  "fa-2|fb-2|fa-2|21\n"
  "fs-4|NULL|fs-4|41\n"
  "fz-3|fb-3|fb-3|32\n"
  "shared-1|NULL|corr-a|52\n";

/* Feed the legs in ORDER (digits, indexes into the rows), the first SPLIT
 * of them as file 1 in one run and the rest as file 2 in a second run. */
static void
expect_legs_kept (const char *order, guint split)
{
  g_autofree char *sub = g_strdup_printf ("%s/legs-%s-%u", dir, order, split);
  g_mkdir (sub, 0700);
  g_autoptr(StoreDb) db = test_db_with_catalog (sub);
  cr_assert_eq (store_exec (db,
    "INSERT INTO files (id, sha256, path, format, operator, bytes, records, calls, duplicates,"
    " rejects, ingested_at) VALUES (1, 'a', 'a', 'x', NULL, 0, 0, 0, 0, 0, 'now'),"
    " (2, 'b', 'b', 'x', NULL, 0, 0, 0, 0, 0, 'now')", NULL), TRUE);
  CdrCall rows[N_LEGS];
  guint64 calls = 0, merged = 0;
  legs_of_calls (rows);
  for (guint run = 0; run < 2; run++)
    {
      Feed f = feed_start (db, run + 1);
      for (guint k = run ? split : 0; k < (run ? N_LEGS : split); k++)
        feed_call (&f, &rows[order[k] - '0'], k + 1, "contoso");
      CallWriterStats st = feed_finish_ok (&f);
      calls += st.calls, merged += st.merged_legs;
      cr_assert_eq (st.duplicates, 0, "order %s split %u: duplicates", order, split);
    }
  g_autofree char *got = dump (db, "SELECT call_key, leg_key, leg_id, duration FROM calls"
                                   " ORDER BY call_key");
  cr_assert_str_eq (got, legs_kept, "order %s split %u", order, split);
  cr_assert_eq (calls, 5, "order %s split %u: %" G_GUINT64_FORMAT " calls", order, split, calls);
  cr_assert_eq (merged, 4, "order %s split %u: %" G_GUINT64_FORMAT " merged", order, split, merged);
  /* every dropped leg is noted against the call it went to */
  g_autofree char *noted = dump (db, "SELECT count(*) FROM dropped_records d JOIN calls c"
                                     " ON c.id = d.call_id AND d.kind = 'merged_leg'");
  cr_assert_str_eq (noted, "4\n");
}

Test (callwriter, legs_are_one_call_in_any_order_and_across_runs)
{
  static const char *const orders[] = { "012345678", "876543210", "103254687", "531076248",
                                        "246813570" };
  for (gsize i = 0; i < G_N_ELEMENTS (orders); i++)
    for (guint split = 0; split <= N_LEGS; split += 3)
      expect_legs_kept (orders[i], split);
}

Test (callwriter, a_leg_seen_again_is_a_duplicate)
{
  g_autoptr(StoreDb) db = fresh_db ();
  CdrCall b = fs_leg ("fb-1", "", 2, 12), a = fs_leg ("fa-1", "fb-1", 5, 11);
  Feed f = feed_start (db, 1);
  feed_call (&f, &b, 1, "contoso");
  feed_call (&f, &a, 2, "contoso");
  feed_call (&f, &a, 3, "contoso");           /* the kept leg again */
  CallWriterStats st = feed_finish_ok (&f);
  cr_assert_eq (st.calls, 1);
  cr_assert_eq (st.merged_legs, 1);
  cr_assert_eq (st.duplicates, 1);
  expect_dump (db, "SELECT file_id, line, kind FROM dropped_records ORDER BY line",
               "1|1|merged_leg\n1|3|duplicate\n");
}

Test (callwriter, duplicates_are_noted_with_their_call)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  for (guint i = 0; i < 70; i++)              /* one multi-row INSERT and a tail */
    {
      g_autofree char *key = g_strdup_printf ("k-%02u", i % 60);
      CdrCall c = call_of (key, "441632960001", "442079460000", 1793700000000, 1);
      feed_call (&f, &c, i + 1, i == 65 ? NULL : "contoso");
    }
  CallWriterStats st = feed_finish_ok (&f);
  cr_assert_eq (st.calls, 60);
  cr_assert_eq (st.duplicates, 10);
  expect_dump (db, "SELECT count(*), min(d.line), max(d.line), sum(c.line = d.line - 60)"
                   " FROM dropped_records d JOIN calls c ON c.id = d.call_id", "10|61|70|10\n");
}

/* Many batches {{{1 */

#define MANY 10000

/* The I-th record of the big run; every 7th repeats the previous key; long
 * runs of calls with an account between the few without one. */
static gboolean many_is_duplicate (guint i) { return i % 7 == 6; }
static guint many_key (guint i) { return many_is_duplicate (i) ? i - 1 : i; }
static const char *many_account (guint i) { return i % 500 == 499 ? NULL : (i % 2 ? "contoso" : "fabrikam"); }
static int many_sip (guint i) { return i % 3 == 0 ? 0 : 200 + (int) (i % 10); }
static gboolean many_masked (guint i) { return i % 11 == 0; }

static void
feed_many (Feed *f, guint i)
{
  g_autofree char *key = g_strdup_printf ("c-%05u", many_key (i));
  g_autofree char *caller = g_strdup_printf ("4416329%05u", i);
  g_autofree char *user = i % 13 == 0 ? g_strdup_printf ("u%u@contoso.com", i) : NULL;
  CdrCall c = call_of (key, caller, "442079460000", 1793700000000 + (gint64) i * 1000, i % 600);

  c.direction = i % 2 ? CDR_IN : CDR_OUT;
  c.caller.masked = many_masked (i);
  c.answered = i % 4 != 0;
  c.sip_code = many_sip (i);
  c.user = text_of (user);
  feed_call (f, &c, i + 1, many_account (i));
  if (i % 1000 == 999)
    feed_reject (f, i + 1, "bad_number", "callee 'x': letters in number", "x", 1);
}

/* The stored row of record I (its line is I + 1) must hold record I's values. */
static void
expect_many_row (StoreStmt *st, guint i)
{
  g_autofree char *key = g_strdup_printf ("c-%05u", i);
  g_autofree char *caller = g_strdup_printf ("4416329%05u", i);
  const char *account = many_account (i);

  cr_assert_str_eq (store_column_text_or_null (st, 0), key);
  cr_assert_eq (store_column_int64 (st, 1), i + 1, "%s", key);
  cr_assert_str_eq (store_column_text_or_null (st, 2), i % 2 ? "in" : "out", "%s", key);
  cr_assert_str_eq (store_column_text_or_null (st, 3), caller, "%s", key);
  cr_assert_eq (store_column_int (st, 4), many_masked (i) ? 1 : 0, "%s", key);
  cr_assert_eq (store_column_int64 (st, 5), 1793700000000 + (gint64) i * 1000, "%s", key);
  cr_assert_eq (store_column_int64 (st, 6), i % 600, "%s", key);
  cr_assert_eq (store_column_int (st, 7), i % 4 != 0, "%s", key);
  if (many_sip (i))
    cr_assert_eq (store_column_int (st, 8), many_sip (i), "%s: sip_code %s, expected %d", key,
                  store_column_text_or_null (st, 8), many_sip (i));
  else
    cr_assert_eq (store_column_type (st, 8), STORE_COLUMN_NULL, "%s: sip_code %s, expected NULL", key,
                  store_column_text_or_null (st, 8));
  if (account)
    cr_assert_str_eq (store_column_text_or_null (st, 9), account, "%s", key);
  else
    cr_assert_eq (store_column_type (st, 9), STORE_COLUMN_NULL, "%s", key);
  if (i % 13 == 0)
    cr_assert_eq (store_column_type (st, 10), STORE_COLUMN_TEXT, "%s", key);
  else
    cr_assert_eq (store_column_type (st, 10), STORE_COLUMN_NULL, "%s", key);
}

Test (callwriter, thousands_of_calls_over_many_batches_keep_their_own_values)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  guint64 calls = 0, dups = 0, unknown = 0;

  for (guint i = 0; i < MANY; i++)
    {
      feed_many (&f, i);
      if (many_is_duplicate (i))
        dups++;
      else
        {
          calls++;
          unknown += many_account (i) == NULL;
        }
    }
  expect_stats (feed_finish_ok (&f), calls, dups, unknown, MANY / 1000);

  g_autoptr(StoreStmt) st = NULL;
  cr_assert_eq ((st = store_prepare (db, "SELECT call_key, line, direction, caller, masked, start_ms,"
                                        " duration, answered, sip_code, account, user"
                                        " FROM calls ORDER BY line", NULL)) != NULL, TRUE);
  guint rows = 0;
  for (guint i = 0; i < MANY; i++)
    {
      if (many_is_duplicate (i))
        continue;
      cr_assert_eq (store_next (st), STORE_ROW, "record %u missing", i);
      expect_many_row (st, i);
      rows++;
    }
  cr_assert_eq (store_next (st), STORE_DONE);
  cr_assert_eq (rows, calls);
  /* every call under its key's hash, in the order of the hashes (one write
   * window: fewer rows than WINDOW_ROWS_DEFAULT) */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"
                                " WHERE key_hash IS NOT rater_key_hash (call_key, operator)"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls a JOIN calls b"
                                " ON b.id = a.id + 1 WHERE b.key_hash < a.key_hash"), 0);
  cr_assert_eq (test_count (db, "SELECT sum(line) FROM rejects"), 1000 + 2000 + 3000 + 4000 + 5000
                + 6000 + 7000 + 8000 + 9000 + 10000);
}

/* A batch (4096 rows) per window: record I is row I + I / 1000 of the run
 * (a reject after every thousandth), so its window is that / 4096. */
#define MANY_WINDOW "(((line - 1) + (line - 1) / 1000) / 4096)"

Test (callwriter, windows_are_written_in_hash_order_and_one_after_the_other)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start_windowed (db, 1, 4096);
  guint64 calls = 0, dups = 0, unknown = 0;

  for (guint i = 0; i < MANY; i++)
    {
      feed_many (&f, i);
      dups += many_is_duplicate (i);
      calls += !many_is_duplicate (i);
      unknown += !many_is_duplicate (i) && many_account (i) == NULL;
    }
  expect_stats (feed_finish_ok (&f), calls, dups, unknown, MANY / 1000);
  cr_assert_eq (test_count (db, "SELECT count (DISTINCT " MANY_WINDOW ") FROM calls"), 3);
  /* ids in the order of (window, hash) */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM (SELECT row_number () OVER (ORDER BY id) AS a,"
                                " row_number () OVER (ORDER BY " MANY_WINDOW ", key_hash, line) AS b"
                                " FROM calls) WHERE a <> b"), 0);
  /* the first record of each key kept, the repeat noted for it */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key <> printf ('c-%05d', line - 1)"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM dropped_records d JOIN calls c ON c.id = d.call_id"
                                " WHERE d.kind = 'duplicate' AND d.line = c.line + 1"), (gint64) dups);
}

Test (callwriter, a_key_whose_hash_another_call_holds_is_stored_unhashed_and_found_again)
{
  g_autoptr(StoreDb) db = fresh_db ();
  /* a stored call holding the hash of k-new, as a call with another key of
   * the same hash would */
  cr_assert_eq (store_exec (db,
    "INSERT INTO calls (" CALL_COLUMNS ", key_hash) VALUES ('northwind', 'k-other', 2, 1, 'out',"
    " '441632960001', '442079460000', 0, 1793700000000, 1, 1, NULL, NULL, NULL, 'contoso', 0,"
    " NULL, rater_key_hash ('k-new', 'northwind'))", NULL), TRUE);

  for (int run = 0; run < 2; run++)
    {
      Feed f = feed_start (db, 1);
      CdrCall c = call_of ("k-new", "441632960001", "442079460000", 1793700000000, 60);
      feed_call (&f, &c, 7, "contoso");
      CallWriterStats st = feed_finish_ok (&f);
      cr_assert_eq (st.calls, run == 0 ? 1 : 0);
      cr_assert_eq (st.duplicates, run == 0 ? 0 : 1);
    }
  expect_dump (db, "SELECT call_key, key_hash IS NULL, duration FROM calls ORDER BY id",
               "k-other|0|1\nk-new|1|60\n");
  expect_dump (db, "SELECT c.call_key, d.line, d.kind FROM dropped_records d"
                   " JOIN calls c ON c.id = d.call_id", "k-new|7|duplicate\n");
}

Test (callwriter, a_batch_fills_up)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Feed f = feed_start (db, 1);
  CallBatch *first = f.batch;
  guint added = 0;

  while (!callwriter_batch_full (f.batch))
    {
      cr_assert_lt (added, 1000000, "a batch that never fills");
      callwriter_add_reject (f.batch, ++added, "bad_number", "x", "x", 1);
    }
  cr_assert_gt (added, 1);
  feed_reject (&f, ++added, "bad_number", "x", "x", 1);
  cr_assert_neq (f.batch, first);
  expect_stats (feed_finish_ok (&f), 0, 0, 0, added);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects"), added);
}

/* Failures {{{1 */

Test (callwriter, a_write_failure_is_reported_by_finish_and_a_new_run_starts_clean)
{
  g_autoptr(StoreDb) db = fresh_db ();
  cr_assert_eq (store_exec (db, "CREATE TEMP TRIGGER boom BEFORE INSERT ON calls"
                                  " WHEN NEW.call_key = 'c-00050' BEGIN SELECT RAISE (ABORT, 'boom'); END", NULL), TRUE);
  Feed f = feed_start (db, 1);
  for (guint i = 0; i < 200; i++)
    {
      CdrCall c = call_of ("", "441632960001", "442079460000", 1793700000000, 1);
      g_autofree char *key = g_strdup_printf ("c-%05u", i);
      c.call_key = text_of (key);
      feed_call (&f, &c, i + 1, "contoso");
    }
  CallWriterStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert_not (feed_finish (&f, &stats, &error));
  cr_assert_not_null (error);
  cr_assert_not_null (strstr (error->message, "boom"), "%s", error->message);
  cr_assert (callwriter_failed (f.writer));
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 0);

  /* the same writer runs again once the cause is gone */
  cr_assert_eq (store_exec (db, "DROP TRIGGER boom", NULL), TRUE);
  callwriter_start (f.writer, 2, 0, NULL, NULL);
  cr_assert_not (callwriter_failed (f.writer));
  CallBatch *b = callwriter_batch (f.writer);
  CdrCall c = call_of ("c-00050", "441632960001", "442079460000", 1793700000000, 1);
  callwriter_add_call (b, &c, 1, "northwind", "contoso");
  callwriter_submit (f.writer, b);
  g_clear_error (&error);
  cr_assert (callwriter_finish (f.writer, &stats, &error), "%s", error ? error->message : "");
  expect_stats (stats, 1, 0, 0, 0);
  callwriter_free (f.writer);
  expect_dump (db, "SELECT call_key, file_id FROM calls", "c-00050|2\n");
}

/* Chunks {{{1 */

/* A chunk hook: notes "LINE:CALLS+REJECTS" and commits, like ingest's;
 * fails at the chunk whose last line is fail_at. */
typedef struct {
  StoreDb *db;
  GString *seen;
  guint64 fail_at;
} Chunks;

static gboolean
note_chunk (guint64 last_line, const CallWriterStats *stats, gpointer data, GError **error)
{
  Chunks *c = data;
  g_string_append_printf (c->seen, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT " ", last_line,
                          stats->calls + stats->rejects);
  if (last_line == c->fail_at)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "chunk refused");
      return FALSE;
    }
  return store_commit (c->db, error) && store_begin (c->db, error);
}

/* 10,000 rows (a reject every 1,000th) in batches of 4,096 rows. */
static void
feed_rows (Feed *f)
{
  for (guint i = 1; i <= 10000; i++)
    {
      g_autofree char *key = g_strdup_printf ("k-%05u", i);
      CdrCall c = call_of (key, "441632960001", "442079460000", 1793700000000, 1);
      if (i % 1000 == 0)
        feed_reject (f, i, "bad_time", "x", "raw", 3);
      else
        feed_call (f, &c, i, "contoso");
    }
}

Test (callwriter, a_chunk_is_handed_over_after_the_batch_that_fills_it)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Chunks c = { db, g_string_new (NULL), 0 };
  Feed f = feed_start_chunked (db, 1, 5000, note_chunk, &c);
  feed_rows (&f);
  expect_stats (feed_finish_ok (&f), 9990, 0, 0, 10);
  /* after the 2nd batch (8,192 rows), not after the last one (10,000) */
  cr_assert_str_eq (c.seen->str, "8192:8192 ");
  g_string_free (c.seen, TRUE);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 9990);
}

Test (callwriter, a_failing_chunk_fails_the_run_and_keeps_what_was_committed)
{
  g_autoptr(StoreDb) db = fresh_db ();
  Chunks c = { db, g_string_new (NULL), 8192 };
  Feed f = feed_start_chunked (db, 1, 4096, note_chunk, &c);
  feed_rows (&f);
  CallWriterStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert_not (feed_finish (&f, &stats, &error));
  cr_assert_not_null (strstr (error->message, "chunk refused"), "%s", error->message);
  cr_assert_str_eq (c.seen->str, "4096:4096 8192:8192 ");
  g_string_free (c.seen, TRUE);
  callwriter_free (f.writer);
  /* the first chunk's rows: 4,096 lines with 4 rejects */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 4092);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects"), 4);
}
