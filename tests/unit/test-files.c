/* test-files.c — listing ingested files and withdrawing one: what is removed,
 * what is refused, and the records of other files that went with the calls. */
#include "config.h"

#include <criterion/criterion.h>

#include "ingest/files.h"
#include "ingest/ingest.h"
#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (files, .init = setup, .fini = teardown);

#define HEADER "call_id,start,duration,caller,callee,direction\n"
#define CALL(key) key ",2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"

static const IngestOptions northwind_gb = { "northwind", NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };

static void
ingest (StoreDb *db, const char *name, const char *content)
{
  g_autofree char *path = test_write (dir, name, content);
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest_file (ing, path, &northwind_gb, &s, &error), "%s", error ? error->message : "");
}

static gboolean
count_entry (const FilesEntry *e, gpointer data, GError **error)
{
  GString *s = data;
  g_string_append_printf (s, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%"
                          G_GINT64_FORMAT " %s\n", e->id, e->calls, e->duplicates, e->rejects,
                          e->options);
  return TRUE;
}

static char *
list (StoreDb *db, const char *since)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  cr_assert (files_list (db, since, count_entry, s, &error), "%s", error ? error->message : "");
  return g_string_free (s, FALSE);
}

Test (files, list_shows_counts_and_options)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  ingest (db, "a.csv", HEADER CALL ("k1") CALL ("k2") "k3,bad,1,+441632960001,+442079460000,out\n");
  ingest (db, "b.csv", HEADER CALL ("k2") CALL ("k4"));
  g_autofree char *all = list (db, NULL);
  cr_assert_str_eq (all, "1:2/0/1 --operator=northwind --country=GB --direction-by=dcontext\n"
                         "2:1/1/0 --operator=northwind --country=GB --direction-by=dcontext\n");
  g_autofree char *none = list (db, "2999-01-01");
  cr_assert_str_eq (none, "");
  g_autoptr(GError) error = NULL;
  cr_assert_not (files_list (db, "2026-02-30", count_entry, NULL, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
}

Test (files, withdraw_removes_everything_and_names_the_other_files)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  ingest (db, "a.csv", HEADER CALL ("k1") CALL ("k2") "k3,bad,1,+441632960001,+442079460000,out\n");
  ingest (db, "b.csv", HEADER CALL ("k2") CALL ("k4"));
  ingest (db, "c.csv", HEADER CALL ("k1") CALL ("k2") CALL ("k9"));
  cr_assert_eq (store_exec (db, "INSERT INTO ratings SELECT id, 'rated', NULL, 'contoso', '2026-11',"
                                " 'peak', NULL, NULL, NULL, 61, 0, 100, 0, NULL, operator FROM calls", NULL), TRUE);
  g_auto(FilesWithdrawal) w = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (files_withdraw (db, 1, "wrong options", &w, &error), "%s", error ? error->message : "");
  cr_assert_eq (w.calls, 2);
  cr_assert_eq (w.ratings, 2);
  cr_assert_eq (w.rejects, 1);
  cr_assert_eq (w.orphaned, 3);   /* b.csv's k2, c.csv's k1 and k2 */
  cr_assert_eq (w.others->len, 2);
  cr_assert_eq (g_array_index (w.others, FilesOther, 0).file_id, 2);
  cr_assert_eq (g_array_index (w.others, FilesOther, 0).records, 1);
  g_autofree char *c_csv = g_build_filename (dir, "c.csv", NULL);
  cr_assert_str_eq (g_array_index (w.others, FilesOther, 1).path, c_csv);
  cr_assert_eq (g_array_index (w.others, FilesOther, 1).records, 2);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 2);        /* k4, k9 */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings"), 2);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM dropped_records"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM files WHERE id = 1"), 0);
  cr_assert_eq (test_count (db, "SELECT orphaned FROM file_withdrawals WHERE reason = 'wrong options'"), 3);
  /* the same bytes go in again, as new calls */
  ingest (db, "a.csv", HEADER CALL ("k1") CALL ("k2") "k3,bad,1,+441632960001,+442079460000,out\n");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 4);
  /* no such file */
  g_clear_error (&error);
  cr_assert_not (files_withdraw (db, 99, "x", &w, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
}

/* The rows SQL returns, their values as texts joined by '|' (NULL as
 * <null>), one line a row. */
static char *
rows_text (StoreDb *db, const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) st = store_prepare (db, sql, &error);
  cr_assert_not_null (st, "%s", error ? error->message : "");
  GString *out = g_string_new (NULL);
  while (store_next (st) == STORE_ROW)
    {
      for (int c = 0; c < store_column_count (st); c++)
        {
          const char *t = store_column_text_or_null (st, c);
          g_string_append_printf (out, "%s%s", c ? "|" : "", t ? t : "<null>");
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

#define JOURNAL_COLUMNS "sign, period, account, operator, direction, status, grp," \
  " destination, number, start_ms, duration, billable, covered, charge"

/* The rows a withdrawal leaves, row for row, as deleting through the view
 * ratings does (schemas/020): the file's facts go (an unknown account's
 * too); the ledgers and labels stay; the journal gets one row taking back
 * each rating deleted, with its call's figures, in call order; the change
 * count grows by the ratings and the calls deleted. */
Test (files, withdraw_deletes_the_ratings_row_for_row)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  ingest (db, "a.csv", HEADER CALL ("k1") CALL ("k2") CALL ("k3"));
  ingest (db, "b.csv", HEADER CALL ("k4"));
  cr_assert (store_exec (db,
    "INSERT INTO ratings SELECT id, 'rated', NULL, 'contoso', '2026-11', 'peak', '4420',"
    " 'London', 'LONDON', 61, 0, 100 * id, 0, NULL, operator FROM calls"
    " WHERE call_key IN ('k1', 'k4');"
    "INSERT INTO ratings SELECT id, 'unrated', 'unknown_account', NULL, '2026-11', NULL, NULL,"
    " NULL, NULL, 0, 0, 0, 0, NULL, operator FROM calls WHERE call_key = 'k2'", NULL));
  g_autofree char *want_facts = rows_text (db, "SELECT * FROM rating_facts WHERE call_id NOT IN"
                                               " (SELECT id FROM calls WHERE file_id = 1)"
                                               " ORDER BY call_id");
  gint64 last = test_count (db, "SELECT max (id) FROM agg_journal");
  g_autofree char *want_journal = rows_text (db, "SELECT " JOURNAL_COLUMNS " FROM agg_journal"
                                                 " ORDER BY id");
  g_autofree char *want_added = rows_text (db,
    "SELECT -1, r.period, r.account, c.operator, c.direction, r.status, r.grp, r.destination,"
    " CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END, c.start_ms, c.duration,"
    " r.billable, r.covered, r.charge FROM ratings r JOIN calls c ON c.id = r.call_id"
    " WHERE c.file_id = 1 ORDER BY r.call_id");
  g_autofree char *ledgers = rows_text (db, "SELECT * FROM rating_ledgers ORDER BY id");
  g_autofree char *labels = rows_text (db, "SELECT * FROM rating_labels ORDER BY id");
  gint64 changes = test_count (db, "SELECT changes FROM rate_changes");
  cr_assert_gt (last, 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings r JOIN calls c"
                                " ON c.id = r.call_id WHERE c.file_id = 1"), 2);

  g_auto(FilesWithdrawal) w = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (files_withdraw (db, 1, "row for row", &w, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (w.calls, 3);
  cr_assert_eq (w.ratings, 2);
  g_autofree char *facts = rows_text (db, "SELECT * FROM rating_facts ORDER BY call_id");
  g_autofree char *kept_sql = g_strdup_printf ("SELECT " JOURNAL_COLUMNS " FROM agg_journal"
                                               " WHERE id <= %" G_GINT64_FORMAT " ORDER BY id",
                                               last);
  g_autofree char *added_sql = g_strdup_printf ("SELECT " JOURNAL_COLUMNS " FROM agg_journal"
                                                " WHERE id > %" G_GINT64_FORMAT " ORDER BY id",
                                                last);
  g_autofree char *journal = rows_text (db, kept_sql);
  g_autofree char *added = rows_text (db, added_sql);
  g_autofree char *ledgers_after = rows_text (db, "SELECT * FROM rating_ledgers ORDER BY id");
  g_autofree char *labels_after = rows_text (db, "SELECT * FROM rating_labels ORDER BY id");
  cr_assert_str_eq (facts, want_facts);
  cr_assert_str_eq (journal, want_journal);
  cr_assert_str_eq (added, want_added);
  cr_assert_str_eq (ledgers_after, ledgers);
  cr_assert_str_eq (labels_after, labels);
  cr_assert_eq (test_count (db, "SELECT changes FROM rate_changes"), changes + 2 + 3);
  cr_assert_eq (test_count (db, "SELECT ratings FROM file_withdrawals"), 2);
}

Test (files, withdraw_is_refused_for_billed_calls)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  ingest (db, "a.csv", HEADER CALL ("k1") CALL ("k2"));
  ingest (db, "b.csv", HEADER CALL ("k3"));
  cr_assert (store_exec (db,
    "INSERT INTO ratings SELECT id, 'rated', NULL, 'contoso', '2026-11', 'peak', NULL, NULL,"
    " NULL, 61, 0, 100, 0, NULL, operator FROM calls;"
    "INSERT INTO closed_periods VALUES ('contoso', '2026-11', 'now');"
    "UPDATE ratings SET period = '2026-10', late = 1, invoice = 'NWT-202612-0001'"
    " WHERE call_id = (SELECT id FROM calls WHERE call_key = 'k3')", NULL));
  g_auto(FilesWithdrawal) w = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not (files_withdraw (db, 1, "x", &w, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  g_autofree char *want = g_strdup_printf ("file 1 '%s/a.csv' cannot be withdrawn: 2 of its calls"
                                           " are billed, first the closed period 2026-11 of account"
                                           " 'contoso'", dir);
  cr_assert_str_eq (error->message, want);
  g_clear_error (&error);
  cr_assert_not (files_withdraw (db, 2, "x", &w, &error));
  cr_assert (strstr (error->message, "billed late on invoice NWT-202612-0001"), "%s", error->message);
  /* nothing changed */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 3);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM file_withdrawals"), 0);
}
