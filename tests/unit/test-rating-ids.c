/* test-rating-ids.c — SQLite's compact ratings (schemas/020 and 021,
 * rate/rating-ids.h): the ids a run finds or adds, the writes through the
 * view `ratings`, a database of schema 19 upgraded with its ratings as they
 * were, and rating_facts' status check (021). */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include "rate/rating-ids.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (rating_ids, .init = setup, .fini = teardown, .timeout = 60);

static StoreDb *
fresh (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  int from, to;
  StoreDb *db = store_init (path, &from, &to, &error);
  cr_assert (db, "%s", error ? error->message : "");
  return db;
}

Test (rating_ids, found_again_added_once_and_null_is_not_empty)
{
  g_autoptr(StoreDb) db = fresh ("ids.db");
  g_autoptr(GError) error = NULL;
  cr_assert (store_begin (db, &error));
  g_autoptr(RatingIds) ids = rating_ids_load (db, &error);
  cr_assert (ids, "%s", error ? error->message : "");
  gint64 a = 0, b = 0, c = 0, d = 0, none = -1, l1 = 0, l2 = 0, l3 = 0;
  cr_assert (rating_ids_ledger (ids, "2026-11", "contoso", "northwind", &a, &error));
  cr_assert (rating_ids_ledger (ids, "2026-11", NULL, "northwind", &b, &error));
  cr_assert (rating_ids_ledger (ids, "2026-11", "contoso", "northwind", &c, &error));
  cr_assert (rating_ids_ledger (ids, "2026-12", "contoso", "northwind", &d, &error));
  cr_assert_eq (a, c);
  cr_assert_neq (a, b);
  cr_assert_neq (a, d);
  cr_assert (rating_ids_label (ids, NULL, NULL, NULL, &none, &error));
  cr_assert_eq (none, 0);
  cr_assert (rating_ids_label (ids, "44", "UK", NULL, &l1, &error));
  cr_assert (rating_ids_label (ids, "44", "UK", "", &l2, &error));
  cr_assert (rating_ids_label (ids, "44", "UK", NULL, &l3, &error));
  cr_assert_neq (l1, l2);
  cr_assert_eq (l1, l3);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_ledgers"), 3);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_labels"), 3);   /* with label 0 */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_labels WHERE prefix = '44'"
                                " AND destination = 'UK' AND grp IS NULL"), 1);
  cr_assert (store_commit (db, &error));

  /* a second run finds what the first added, and adds after it */
  cr_assert (store_begin (db, &error));
  g_autoptr(RatingIds) again = rating_ids_load (db, &error);
  gint64 a2 = 0, e = 0;
  cr_assert (rating_ids_ledger (again, "2026-11", "contoso", "northwind", &a2, &error));
  cr_assert_eq (a2, a);
  cr_assert (rating_ids_ledger (again, "2026-11", "fabrikam", NULL, &e, &error));
  cr_assert_gt (e, MAX (MAX (a, b), d));
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_ledgers WHERE account = 'fabrikam'"
                                " AND operator IS NULL"), 1);
  store_rollback (db);
}

/* The rows of the view, every column, NULLs marked. */
#define VIEW_SQL \
  "SELECT group_concat (quote (call_id) || '|' || quote (status) || '|' || quote (reason) || '|'" \
  " || quote (account) || '|' || quote (period) || '|' || quote (band) || '|' || quote (prefix)"  \
  " || '|' || quote (destination) || '|' || quote (grp) || '|' || billable || '|' || covered"     \
  " || '|' || charge || '|' || late || '|' || quote (invoice) || '|' || quote (operator), ';')"   \
  " FROM (SELECT * FROM ratings ORDER BY call_id)"

static char *
view_rows (StoreDb *db)
{
  g_autoptr(StoreStmt) st = store_prepare (db, VIEW_SQL, NULL);
  cr_assert_eq (store_next (st), STORE_ROW);
  const char *t = store_column_text_or_null (st, 0);
  return g_strdup (t ? t : "");
}

Test (rating_ids, the_view_is_written_as_the_table_was)
{
  g_autoptr(StoreDb) db = fresh ("view.db");
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db,
    "INSERT INTO ratings VALUES (1, 'rated', NULL, 'contoso', '2026-11', 'peak', '44', 'UK',"
    "  'g', 60, 0, 100, 0, NULL, 'northwind');"
    " INSERT INTO ratings (call_id, status, reason, period, billable, covered, charge, late)"
    "  VALUES (2, 'unrated', 'unknown_account', '2026-11', 30, 0, 0, 0);"
    " INSERT INTO ratings VALUES (3, 'rated', NULL, 'contoso', '2026-11', 'weekend', '44', 'UK',"
    "  '', 60, 6, 90, 1, NULL, 'northwind');"
    " UPDATE ratings SET grp = NULL WHERE call_id = 1;"
    " UPDATE ratings SET invoice = 'INV-1', charge = charge + 1 WHERE call_id = 3;"
    " UPDATE ratings SET period = '2026-12', account = NULL WHERE call_id = 2;"
    " INSERT INTO ratings VALUES (4, 'free', NULL, 'contoso', '2026-11', 'peak', NULL, NULL,"
    "  NULL, 0, 0, 0, 0, NULL, 'northwind');"
    " DELETE FROM ratings WHERE call_id = 4;", &error), "%s", error ? error->message : "");
  g_autofree char *rows = view_rows (db);
  cr_assert_str_eq (rows,
    "1|'rated'|NULL|'contoso'|'2026-11'|'peak'|'44'|'UK'|NULL|60|0|100|0|NULL|'northwind';"
    "2|'unrated'|'unknown_account'|NULL|'2026-12'|NULL|NULL|NULL|NULL|30|0|0|0|NULL|NULL;"
    "3|'rated'|NULL|'contoso'|'2026-11'|'weekend'|'44'|'UK'|''|60|6|91|1|'INV-1'|'northwind'");
  /* each (period, account, operator) and (prefix, destination, group) once */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_ledgers"), 3);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_labels"), 4);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_facts"), 3);
  /* the same rows where SQLite puts the view on the right of a LEFT JOIN */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings r JOIN ratings_of_calls o"
                                " USING (call_id, status, billable, covered, charge, late)"
                                " WHERE r.account IS o.account AND r.period IS o.period"
                                " AND r.prefix IS o.prefix AND r.destination IS o.destination"
                                " AND r.grp IS o.grp AND r.invoice IS o.invoice"
                                " AND r.operator IS o.operator AND r.reason IS o.reason AND r.band IS o.band"), 3);
}

Test (rating_ids, the_upgrade_from_schema_19_keeps_every_rating)
{
  g_autofree char *path = g_build_filename (dir, "v19.db", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;
  {
    g_autoptr(StoreDb) db = fresh ("v19.db");
    cr_assert (store_exec (db,
      "INSERT INTO ratings VALUES (5, 'rated', NULL, 'contoso', '2026-10', 'peak', '44', 'UK',"
      "  'g', 60, 0, 100, 1, 'INV-9', 'northwind');"
      " INSERT INTO ratings VALUES (7, 'rated', NULL, 'contoso', '2026-11', 'offpeak', '44',"
      "  'UK', '', 61, 61, 0, 0, NULL, 'northwind');"
      " INSERT INTO ratings VALUES (9, 'unrated', 'no_rate', 'contoso', '2026-11', 'peak', NULL,"
      "  NULL, NULL, 30, 0, 0, 0, NULL, 'northwind');"
      " INSERT INTO ratings VALUES (11, 'unrated', 'unknown_account', NULL, '2026-11', NULL,"
      "  NULL, NULL, NULL, 30, 0, 0, 0, NULL, 'tailspin');", &error),
      "%s", error ? error->message : "");
    before = view_rows (db);
    cr_assert (store_exec (db, TEST_UNDO_RATING_FACTS_SQL, &error), "%s",
               error ? error->message : "");
    cr_assert_eq (test_count (db, "SELECT count (*) FROM sqlite_schema WHERE name = 'ratings'"
                                  " AND type = 'table'"), 1);
    cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings"), 4);
  }
  int from = 0, to = 0;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert (db, "%s", error ? error->message : "");
  cr_assert_eq (from, 19);
  cr_assert_eq (to, 22);
  g_autofree char *after = view_rows (db);
  cr_assert_str_eq (after, before);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM sqlite_schema WHERE name = 'ratings'"
                                " AND type = 'view'"), 1);
  /* the ledgers of 2026-10 and 2026-11 of contoso, and of tailspin's unknown account */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_ledgers"), 3);
  /* the late rating billed by INV-9 still through the partial index */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_facts INDEXED BY"
                                " rating_facts_unbilled_late WHERE late = 1 AND invoice IS NULL"), 0);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_facts INDEXED BY"
                                " rating_facts_unrated WHERE status = 'unrated'"), 2);
}

/* The number of rows of EXPLAIN SQL whose opcode is OPCODE. */
static gint64
opcodes (StoreDb *db, const char *sql, const char *opcode)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN ", sql, NULL);
  g_autoptr(StoreStmt) st = store_prepare (db, explain, NULL);
  cr_assert (st);
  gint64 n = 0;
  while (store_next (st) == STORE_ROW)
    n += g_str_equal (store_column_text (st, 1), opcode);
  return n;
}

Test (rating_ids, the_status_check_refuses_what_it_did_without_a_table_per_row)
{
  g_autoptr(StoreDb) db = fresh ("check.db");
  g_autoptr(GError) error = NULL;
  static const char insert[] =
    "INSERT INTO rating_facts (call_id, status, reason, ledger, band, label, billable, covered,"
    " charge, late) VALUES (?1, ?2, NULL, 1, NULL, 0, 0, 0, 0, 0)";
  /* 020's IN list built an ephemeral index of its four texts for every row */
  cr_assert_eq (opcodes (db, insert, "OpenEphemeral"), 0);
  const char *const good[] = { "rated", "free", "unanswered", "unrated" };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(StoreStmt) st = store_prepare (db, insert, &error);
      cr_assert (st && store_bind (st, &error, STORE_INT (i + 1), STORE_TEXT (good[i]))
                 && store_step (st, &error), "%s: %s", good[i], error ? error->message : "");
    }
  const char *const bad[] = { "Rated", "rated ", "", "late" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(StoreStmt) st = store_prepare (db, insert, &error);
      cr_assert (st && store_bind (st, &error, STORE_INT (10 + i), STORE_TEXT (bad[i])));
      cr_assert_not (store_step (st, &error), "status '%s' was taken", bad[i]);
      cr_assert (error && strstr (error->message, "CHECK"), "%s", error ? error->message : "");
      g_clear_error (&error);
    }
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rating_facts"), 4);
  /* 021 built the table again: its indexes and journal triggers are back */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM sqlite_schema WHERE tbl_name = 'rating_facts'"
                                " AND type = 'index' AND sql IS NOT NULL"), 3);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM sqlite_schema WHERE tbl_name = 'rating_facts'"
                                " AND type = 'trigger'"), 5);
}

/* "a|b|c" of a stored row's texts, NULL as "-", lengths checked. */
static char *
stored (gboolean found, const char *texts[3], const gsize lens[3])
{
  if (!found)
    return g_strdup ("none");
  GString *out = g_string_new (NULL);
  for (int k = 0; k < 3; k++)
    {
      cr_assert_eq (lens[k], texts[k] ? strlen (texts[k]) : 0);
      g_string_append_printf (out, "%s%s", k ? "|" : "", texts[k] ? texts[k] : "-");
    }
  return g_string_free (out, FALSE);
}

Test (rating_ids, stored_texts_by_id_as_the_rows_were_at_load)
{
  g_autoptr(StoreDb) db = fresh ("stored.db");
  g_autoptr(GError) error = NULL;
  /* ids 1..4, then 2 deleted and 9 added by hand: the ids are not dense */
  cr_assert (store_exec (db,
    "INSERT INTO rating_ledgers (id, period, account, operator) VALUES"
    " (1, '2026-11', 'contoso', 'northwind'), (2, '2026-11', NULL, 'northwind'),"
    " (3, '2026-12', 'contoso', NULL), (4, '2026-12', '', 'x'), (9, '2027-01', 'f', 'o');"
    " DELETE FROM rating_ledgers WHERE id = 2;"
    " INSERT INTO rating_labels (id, prefix, destination, grp) VALUES"
    " (1, '44', 'UK', NULL), (2, '44', 'UK', '');", &error), "%s", error ? error->message : "");
  cr_assert (store_begin (db, &error));
  g_autoptr(RatingIds) ids = rating_ids_load (db, &error);
  cr_assert (ids, "%s", error ? error->message : "");
  const struct { gint64 id; const char *want; } ledgers[] = {
    { 1, "2026-11|contoso|northwind" }, { 2, "none" }, { 3, "2026-12|contoso|-" },
    { 4, "2026-12||x" }, { 9, "2027-01|f|o" }, { 0, "none" }, { 5, "none" }, { 10, "none" },
    { -1, "none" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ledgers); i++)
    {
      const char *t[3];
      gsize n[3];
      gboolean found = rating_ids_stored_ledger (ids, ledgers[i].id, t, n);
      g_autofree char *got = stored (found, t, n);
      cr_assert_str_eq (got, ledgers[i].want, "ledger %" G_GINT64_FORMAT, ledgers[i].id);
    }
  const struct { gint64 id; const char *want; } labels[] = {
    { 0, "-|-|-" }, { 1, "44|UK|-" }, { 2, "44|UK|" }, { 3, "none" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const char *t[3];
      gsize n[3];
      gboolean found = rating_ids_stored_label (ids, labels[i].id, t, n);
      g_autofree char *got = stored (found, t, n);
      cr_assert_str_eq (got, labels[i].want, "label %" G_GINT64_FORMAT, labels[i].id);
    }
  /* an id added by the run is not among the stored ones */
  gint64 added = 0;
  cr_assert (rating_ids_ledger (ids, "2027-02", "g", "o", &added, &error));
  cr_assert_eq (added, 10);
  const char *t[3];
  gsize n[3];
  cr_assert_not (rating_ids_stored_ledger (ids, added, t, n));
  store_rollback (db);
}
