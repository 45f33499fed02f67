/* test-catalog.c — catalog import, its validation, and account resolution. */
#include "config.h"

#include <criterion/criterion.h>

#include "catalog/country.h"
#include "base/rater-error.h"
#include "test-helpers.h"
#include "base/timeparse.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (catalog, .init = setup, .fini = teardown);

static gint64
utc_ms (const char *iso)
{
  TimeParts p;
  gint64 ms;
  cr_assert_eq (time_parse_iso8601 (iso, strlen (iso), &p), TIME_OK);
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_OK);
  return ms;
}

static RaterNumber
number (const char *digits)
{
  RaterNumber n = { 0 };
  g_strlcpy (n.digits, digits, sizeof n.digits);
  n.len = (guint8) strlen (digits);
  return n;
}

/* A copy of the spec catalog in DIR/name, with FILE replaced by CONTENT. */
static char *
catalog_variant (const char *name, const char *file, const char *content)
{
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s/%s'", SPEC_CATALOG, dir, name);
  cr_assert_eq (system (cmd), 0);
  char *path = g_build_filename (dir, name, NULL);
  if (file)
    g_free (test_write (path, file, content));
  return path;
}

static char *
import_error (StoreDb *db, const char *catalog_dir)
{
  CatalogImportStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert_not (catalog_import (db, catalog_dir, &stats, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  return g_strdup (error->message);
}

Test (catalog, imports_the_spec_catalog)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM operators"), 2);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM deck_rows"), 5);
  cr_assert_eq (test_count (db, "SELECT rate FROM deck_rows WHERE prefix = '447'"), 250000);
  cr_assert_eq (test_count (db, "SELECT connect_fee FROM deck_rows WHERE prefix = '447'"), 50000);
  cr_assert_eq (test_count (db, "SELECT inc_first * 1000 + inc_next FROM deck_rows WHERE prefix = '447'"), 60060);
  cr_assert_eq (test_count (db, "SELECT effective_from FROM deck_rows WHERE prefix = '44'"),
                utc_ms ("2026-01-01T00:00:00Z"));
  cr_assert_eq (test_count (db, "SELECT count(*) FROM deck_rows WHERE effective_to IS NULL"), 5);
  cr_assert_eq (test_count (db, "SELECT tax_rate FROM accounts WHERE account = 'fabrikam'"), 8875000);
  cr_assert_eq (test_count (db, "SELECT fee_user FROM plans WHERE plan = 'nw-basic'"), 10000000);
  cr_assert_eq (test_count (db, "SELECT call_decimals FROM plans WHERE plan = 'nw-cents'"), 2);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM numbers WHERE number = '441632960101'"), 2);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM accounts WHERE tenant_id = '8d3c2f4a-1b6e-4c7d-9a0b-1c2d3e4f5a6b'"), 1);
}

Test (catalog, audit_row_records_file_hashes)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = catalog_digest (SPEC_CATALOG, &error);
  g_autofree char *last = catalog_last_digest (db, &error);
  cr_assert_str_eq (digest, last);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM catalog_imports WHERE files LIKE '%  decks/spec.csv%'"), 1);
  cr_assert_eq (test_count (db, "SELECT length(files) - length(replace(files, char(10), ''))"
                                " FROM catalog_imports"), 5);
  g_autofree char *changed = catalog_variant ("changed", "operators.csv",
    "operator,name,currency,invoice_prefix\nnorthwind,Northwind,EUR,NWT\ntailspin,Tailspin,USD,TSC\n");
  g_autofree char *digest2 = catalog_digest (changed, &error);
  cr_assert_str_neq (digest, digest2);
}

Test (catalog, reimport_replaces_and_failure_keeps_the_old)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *smaller = catalog_variant ("smaller", "numbers.csv",
    "number,account,type,user,from,to\n+441632960001,contoso,user,alice@contoso.com,2026-10-01,\n");
  CatalogImportStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert (catalog_import (db, smaller, &stats, &error));
  cr_assert_eq (stats.numbers, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM numbers"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM catalog_imports"), 2);

  g_autofree char *broken = catalog_variant ("broken", "accounts.csv",
    "account,operator,tenant_id,name,plan,country,timezone,tax_rate\n"
    "contoso,northwind,,Contoso,nw-basic,GB,Europe/London,20\n"
    "x,northwind,,X,no-such-plan,GB,Europe/London,20\n");
  g_autofree char *msg = import_error (db, broken);
  cr_assert_not_null (strstr (msg, "accounts.csv:3: plan 'no-such-plan' is not in plans.csv"), "%s", msg);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM numbers"), 1, "a failed import changed the catalog");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM accounts"), 4);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM catalog_imports"), 2);
}

Test (catalog, every_error_is_file_line_reason)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *msg = import_error (db, TEST_SRCDIR "/tests/data/bad-catalog");
  static const char *const expected[] = {
    "operators.csv:2: currency 'EUX' is not an ISO 4217 code",
    "operators.csv:3: operator 'northwind' defined twice",
    "plans.csv:2: fee_user '10.0000001': more than 6 decimal places",
    "plans.csv:2: deck 'missing-deck' has no file decks/missing-deck.csv",
    "accounts.csv:2: country 'GX' is not an ISO 3166 alpha-2 code",
    "accounts.csv:2: timezone 'Europe/Londres' is not an IANA time zone",
    "accounts.csv:2: tax_rate '20.12345': more than 4 decimal places",
    "accounts.csv:2: plan 'p-none' is not in plans.csv",
    "numbers.csv:3: +441632960001 is already assigned to 'a2' on 2026-10-15 (line 2)",
    "numbers.csv:5: account 'ghost' is not in accounts.csv",
    "decks/spec.csv:2: increment '60/x' is not F/N",
    "decks/spec.csv:3: prefix 44 out all overlaps line 2 in time",
    "decks/spec.csv:4: rate '0.1234567': more than 6 decimal places",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    cr_assert_not_null (strstr (msg, expected[i]), "missing '%s' in:\n%s", expected[i], msg);
  /* back-to-back windows (to == next from) do not overlap */
  cr_assert_null (strstr (msg, "decks/spec.csv:6"), "%s", msg);
}

Test (catalog, missing_file_and_not_a_directory)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *msg = import_error (db, TEST_SRCDIR "/tests/data/no-such-catalog");
  cr_assert_not_null (strstr (msg, "is not a directory"), "%s", msg);
  g_autofree char *partial = catalog_variant ("partial", NULL, NULL);
  g_autofree char *plans = g_build_filename (partial, "plans.csv", NULL);
  g_unlink (plans);
  g_autofree char *msg2 = import_error (db, partial);
  cr_assert_not_null (strstr (msg2, "plans.csv': No such file or directory"), "%s", msg2);
}

Test (catalog, resolves_by_tenant_then_number_in_account_zone)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(RaterCatalog) cat = catalog_load (db, &error);
  cr_assert_not_null (cat);
  const CatalogOperator *nw = catalog_operator (cat, "northwind");
  cr_assert_not_null (nw);
  cr_assert_null (catalog_operator (cat, "nobody"));
  RaterNumber none = { 0 };
  const char *tenant = " 2F1E0D9C-8B7A-4654-3210-FEDCBA987654 ";
  cr_assert_str_eq (catalog_resolve_account (nw, tenant, strlen (tenant), &none, 0), "adatum");
  cr_assert_null (catalog_resolve_account (nw, "unknown", 7, &none, 0));

  /* +441632960101: fabrikam until 2026-11-10 (London midnight = 00:00 UTC in
   * November), adatum from then on. */
  RaterNumber n = number ("441632960101");
  cr_assert_str_eq (catalog_resolve_account (nw, "", 0, &n, utc_ms ("2026-11-09T23:59:59.999Z")), "fabrikam");
  cr_assert_str_eq (catalog_resolve_account (nw, "", 0, &n, utc_ms ("2026-11-10T00:00:00Z")), "adatum");
  cr_assert_null (catalog_resolve_account (nw, "", 0, &n, utc_ms ("2026-09-30T22:59:59Z")));
  /* from 2026-10-01 in Europe/London is 2026-09-30T23:00Z (BST) */
  cr_assert_str_eq (catalog_resolve_account (nw, "", 0, &n, utc_ms ("2026-09-30T23:00:00Z")), "fabrikam");
  /* another operator's number does not resolve */
  RaterNumber us = number ("12125550100");
  cr_assert_null (catalog_resolve_account (nw, "", 0, &us, utc_ms ("2026-11-03T00:00:00Z")));
  cr_assert_str_eq (catalog_resolve_account (catalog_operator (cat, "tailspin"), "", 0, &us,
                                             utc_ms ("2026-11-03T00:00:00Z")), "litware");
}

/* The number index: many numbers (its table grows past collisions), and
 * digits that differ only by leading zeros or length are different numbers;
 * a stored number that is not digits never matches. */
Test (catalog, number_index_tells_every_number_apart)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db,
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)"
    " INSERT INTO numbers (number, account, type, from_date)"
    " SELECT '3312' || printf ('%05d', i), CASE i % 2 WHEN 0 THEN 'adatum' ELSE 'fabrikam' END,"
    " 'user', '2026-01-01' FROM n;"
    "INSERT INTO numbers (number, account, type, from_date) VALUES"
    " ('123', 'adatum', 'user', '2026-01-01'), ('0123', 'fabrikam', 'user', '2026-01-01'),"
    " ('12x4', 'adatum', 'user', '2026-01-01')", &error), "%s", error ? error->message : "");
  g_autoptr(RaterCatalog) cat = catalog_load (db, &error);
  cr_assert_not_null (cat, "%s", error ? error->message : "");
  const CatalogOperator *nw = catalog_operator (cat, "northwind");
  gint64 at = utc_ms ("2026-11-03T12:00:00Z");
  for (int i = 0; i < 5000; i++)
    {
      g_autofree char *digits = g_strdup_printf ("3312%05d", i);
      RaterNumber n = number (digits);
      cr_assert_str_eq (catalog_resolve_account (nw, "", 0, &n, at), i % 2 ? "fabrikam" : "adatum",
                        "%s", digits);
    }
  RaterNumber absent = number ("331205000"), short_ = number ("3312"), n123 = number ("123"),
              n0123 = number ("0123"), n00123 = number ("00123"), x = number ("12");
  cr_assert_null (catalog_resolve_account (nw, "", 0, &absent, at));
  cr_assert_null (catalog_resolve_account (nw, "", 0, &short_, at));
  cr_assert_str_eq (catalog_resolve_account (nw, "", 0, &n123, at), "adatum");
  cr_assert_str_eq (catalog_resolve_account (nw, "", 0, &n0123, at), "fabrikam");
  cr_assert_null (catalog_resolve_account (nw, "", 0, &n00123, at));
  cr_assert_null (catalog_resolve_account (nw, "", 0, &x, at));
  /* before the assignments begin */
  cr_assert_null (catalog_resolve_account (nw, "", 0, &n123, utc_ms ("2025-12-01T00:00:00Z")));
}

/* The sample catalog's decks cover every ITU-T country calling code. */
Test (catalog, sample_decks_cover_every_calling_code)
{
  g_autofree char *db_path = g_build_filename (dir, "rates.db", NULL);
  int from, to;
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) db = store_init (db_path, &from, &to, &error);
  CatalogImportStats stats;
  cr_assert (catalog_import (db, TEST_SRCDIR "/rates", &stats, &error), "%s", error ? error->message : "");
  cr_assert_geq (stats.operators, 2);
  g_autoptr(StoreStmt) decks = store_prepare (db, "SELECT DISTINCT deck FROM plans", &error);
  g_autoptr(StoreStmt) covered = store_prepare (db,
    "SELECT count(*) FROM deck_rows WHERE deck = ?1 AND direction = 'out' AND prefix = ?2", &error);
  guint n_decks = 0;
  while (store_next (decks) == STORE_ROW)
    {
      const char *deck = store_column_text_or_null (decks, 0);
      n_decks++;
      for (const char *const *cc = country_calling_codes (); *cc; cc++)
        {
          store_bind_at (covered, 1, NULL, STORE_TEXT_COPY (deck));
          store_bind_at (covered, 2, NULL, STORE_TEXT (*cc));
          cr_assert_eq (store_next (covered), STORE_ROW);
          cr_assert_gt (store_column_int (covered, 0), 0, "deck %s has no row for +%s", deck, *cc);
          store_reset (covered);
        }
    }
  cr_assert_geq (n_decks, 2);
}

/* Every amount is bounded at import (README "catalog import"): a rate of
 * 9999999999.999999 a minute used to be accepted, and a 3600 s call then
 * overflowed int64 into a large credit.  The limits themselves pass. */
Test (catalog, amounts_above_their_limits_are_refused)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *big_deck = catalog_variant ("big-deck", "decks/spec.csv",
    "prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,effective_to\n"
    "44,UK,INTL,out,all,9999999999.999999,0,1/1,2026-01-01,\n"
    "447,UK Mobile,MOBILE,out,all,1000000.000001,1000000.000001,60/60,2026-01-01,\n"
    "4420,London,DOMESTIC,out,all,1000000,1000000,60/1,2026-01-01,\n");
  g_autofree char *msg = import_error (db, big_deck);
  static const char *const expected[] = {
    "decks/spec.csv:2: rate '9999999999.999999' is above the limit of 1000000",
    "decks/spec.csv:3: rate '1000000.000001' is above the limit of 1000000",
    "decks/spec.csv:3: connect_fee '1000000.000001' is above the limit of 1000000",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    cr_assert_not_null (strstr (msg, expected[i]), "missing '%s' in:\n%s", expected[i], msg);
  cr_assert_null (strstr (msg, "decks/spec.csv:4"), "the limits themselves pass:\n%s", msg);

  g_autofree char *big_plan = catalog_variant ("big-plan", "plans.csv",
    "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals\n"
    "nw-basic,northwind,spec,1000000.01,5.00,2.50,0,,6\n"
    "nw-cents,northwind,spec,10.00,99999999999,2.50,0,,2\n"
    "nw-bundle,northwind,spec,10.00,5.00,1000001,1000001,DOMESTIC,6\n"
    "ts-basic,tailspin,spec,1000000,1000000,1000000,1000000,DOMESTIC,6\n");
  g_autofree char *msg2 = import_error (db, big_plan);
  static const char *const expected2[] = {
    "plans.csv:2: fee_user '1000000.01' is above the limit of 1000000",
    "plans.csv:3: fee_service '99999999999' is above the limit of 1000000",
    "plans.csv:4: fee_tollfree '1000001' is above the limit of 1000000",
    "plans.csv:4: bundle_minutes '1000001' is not a whole number from 0 to 1000000",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expected2); i++)
    cr_assert_not_null (strstr (msg2, expected2[i]), "missing '%s' in:\n%s", expected2[i], msg2);
  cr_assert_null (strstr (msg2, "plans.csv:5"), "the limits themselves pass:\n%s", msg2);

  g_autofree char *big_tax = catalog_variant ("big-tax", "accounts.csv",
    "account,operator,tenant_id,name,plan,country,timezone,tax_rate\n"
    "contoso,northwind,,Contoso,nw-basic,GB,Europe/London,100.0001\n"
    "fabrikam,northwind,,Fabrikam,nw-cents,GB,Europe/London,100\n");
  g_autofree char *msg3 = import_error (db, big_tax);
  cr_assert_not_null (strstr (msg3, "accounts.csv:2: tax_rate '100.0001' is above the limit of 100"), "%s", msg3);
  cr_assert_null (strstr (msg3, "accounts.csv:3"), "%s", msg3);
}

/* A time zone is a name of the system's tz database (TZDIR, default
 * /usr/share/zoneinfo).  POSIX TZ strings used to pass, which GLib reads
 * with the sign inverted from what a reader expects (GMT+1 is UTC-1). */
Test (catalog, timezone_must_be_a_tz_database_name)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *zones = catalog_variant ("zones", "accounts.csv",
    "account,operator,tenant_id,name,plan,country,timezone,tax_rate\n"
    "a1,northwind,,A1,nw-basic,GB,GMT+1,20\n"
    "a2,northwind,,A2,nw-basic,GB,UTC+5,20\n"
    "a3,northwind,,A3,nw-basic,GB,Foo+5,20\n"
    "a4,northwind,,A4,nw-basic,GB,EST5EDT4,20\n"
    "a5,northwind,,A5,nw-basic,GB,../../../etc/passwd,20\n"
    "a6,northwind,,A6,nw-basic,GB,/usr/share/zoneinfo/UTC,20\n"
    "a7,northwind,,A7,nw-basic,GB,zone.tab,20\n"
    "a8,northwind,,A8,nw-basic,GB,UTC,20\n"
    "a9,northwind,,A9,nw-basic,GB,Etc/UTC,20\n"
    "b1,northwind,,B1,nw-basic,GB,Etc/GMT+5,20\n"
    "b2,northwind,,B2,nw-basic,GB,America/Port-au-Prince,20\n"
    "b3,northwind,,B3,nw-basic,GB,Europe,20\n");
  g_autofree char *msg = import_error (db, zones);
  static const char *const bad[] = { "GMT+1", "UTC+5", "Foo+5", "EST5EDT4", "../../../etc/passwd",
                                     "/usr/share/zoneinfo/UTC", "zone.tab", "Europe" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *want = g_strdup_printf ("accounts.csv:%" G_GSIZE_FORMAT ": timezone '%s' is not"
                                               " an IANA time zone", i + 2, bad[i]);
      if (i == G_N_ELEMENTS (bad) - 1)
        {
          g_free (want);
          want = g_strdup ("accounts.csv:13: timezone 'Europe' is not an IANA time zone");
        }
      cr_assert_not_null (strstr (msg, want), "missing '%s' in:\n%s", want, msg);
    }
  for (int line = 9; line <= 12; line++)
    {
      g_autofree char *ok = g_strdup_printf ("accounts.csv:%d:", line);
      cr_assert_null (strstr (msg, ok), "line %d is a tz database name:\n%s", line, msg);
    }
}

/* The invoice numbers of two operators with one prefix would collide: the
 * second import used to pass, and issuing then failed on a raw UNIQUE error. */
Test (catalog, invoice_prefix_is_unique)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *same = catalog_variant ("same", "operators.csv",
    "operator,name,currency,invoice_prefix\n"
    "northwind,Northwind,EUR,NWT\n"
    "tailspin,Tailspin,USD,NWT\n");
  g_autofree char *msg = import_error (db, same);
  cr_assert_not_null (strstr (msg, "operators.csv:3: invoice_prefix 'NWT' is already used by"
                                   " operator 'northwind'"), "%s", msg);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM operators WHERE invoice_prefix = 'TSC'"), 1);
}

/* ---- tariff options (billing.md §10, formats.md §1 "Optional columns") ---- */

static const char option_deck[] =
  "prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,effective_to,tiers,min_charge,max_charge\n"
  "44,UK,INTL,out,all,0.1,0,60/60,2026-01-01,,60:0.01:1/1|120:0.005:30/30,0.05,0.5\n"    /* 2: fine */
  "441,UK,INTL,out,all,0.1,0,60/60,2026-01-01,,30:0.01:1/1,,\n"                         /* 3: 30 < F 60 */
  "442,UK,INTL,out,all,0.1,0,60/1,2026-01-01,,90:0.01:30/30|100:0.01:1/1,,\n"            /* 4: 10 < 30 */
  "443,UK,INTL,out,all,0.1,0,30/20,2026-01-01,,60:0.01:1/1,,\n"                          /* 5: 30 not * 20 */
  "444,UK,INTL,out,all,0.1,0,1/1,2026-01-01,,60:0.01:1/1|60:0.02:1/1,,\n"                /* 6: START not after */
  "445,UK,INTL,out,all,0.1,0,1/1,2026-01-01,,60:x:1/1,,\n"                               /* 7: bad rate */
  "446,UK,INTL,out,all,0.1,0,1/1,2026-01-01,,60-0.01-1/1,,\n"                            /* 8: not START:RATE:F/N */
  "447,UK,INTL,out,all,0.1,0,1/1,2026-01-01,,,0.6,0.5\n"                                  /* 9: min > max */
  "448,UK,INTL,out,all,0.1,0,1/1,2026-01-01,,,-1,\n"                                      /* 10: negative */
  "449,UK,INTL,out,all,0.1,0,1/1,2026-01-01,,0:0.01:1/1,,\n";                            /* 11: START 0 */

static const char option_plans[] =
  "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals,call_rounding,peak_days,peak_from,peak_to\n"
  "nw-basic,northwind,spec,10,5,2.5,0,,6,half_up,1;3-5,07:30,19:00\n"   /* 2: fine */
  "nw-cents,northwind,spec,10,5,2.5,0,,2,nearest,,,\n"                  /* 3 */
  "nw-bundle,northwind,spec,10,5,2.5,1,DOMESTIC,6,,0-5,,\n"             /* 4 */
  "ts-basic,tailspin,spec,8,4,1,0,,6,down,5-1,8:00,25:00\n"             /* 5 */
  "ts-two,tailspin,spec,8,4,1,0,,6,,,18:00,08:00\n";                    /* 6 */

static const char option_holidays[] =
  "country,date,name\n"
  "GB,2026-12-25,Christmas Day\n"     /* 2: fine */
  "XX,2026-12-26,Boxing Day\n"        /* 3 */
  "GB,2026-02-30,Nonsense\n"          /* 4 */
  "gb,2026-12-25,Again\n";            /* 5: twice */

Test (catalog, option_errors_are_file_line_reason)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *cat = catalog_variant ("options", "decks/spec.csv", option_deck);
  g_free (test_write (cat, "plans.csv", option_plans));
  g_free (test_write (cat, "holidays.csv", option_holidays));
  g_autofree char *msg = import_error (db, cat);
  static const char *const expected[] = {
    "decks/spec.csv:3: tiers: the interval from 0 s to 30 s (30 s) is shorter than its increment's first 60 s",
    "decks/spec.csv:4: tiers: the interval from 90 s to 100 s (10 s) is shorter than its increment's first 30 s",
    "decks/spec.csv:5: tiers: the interval from 0 s to 60 s (60 s) minus its increment's first 30 s is not a multiple of its next 20 s",
    "decks/spec.csv:6: tiers: START 60 is not after 60",
    "decks/spec.csv:7: tier rate 'x'",
    "decks/spec.csv:8: tier '60-0.01-1/1' is not START:RATE:F/N",
    "decks/spec.csv:9: min_charge 0.6 is above max_charge 0.5",
    "decks/spec.csv:10: min_charge '-1' is negative",
    "decks/spec.csv:11: tier '0:0.01:1/1': START '0' is not a whole number of seconds",
    "plans.csv:3: call_rounding 'nearest' is not up, half_up or down",
    "plans.csv:4: peak_days '0-5' is not ISO weekdays 1 (Monday) to 7",
    "plans.csv:5: peak_days '5-1' is not ISO weekdays",
    "plans.csv:5: peak_from '8:00' is not a time of day HH:MM",
    "plans.csv:6: peak_to 08:00 is not after peak_from 18:00",
    "holidays.csv:3: country 'XX' is not an ISO 3166 alpha-2 code",
    "holidays.csv:4: date '2026-02-30' is not a date YYYY-MM-DD",
    "holidays.csv:5: GB 2026-12-25 is already a holiday (line 2)",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    cr_assert_not_null (strstr (msg, expected[i]), "missing '%s' in:\n%s", expected[i], msg);
  cr_assert_null (strstr (msg, "decks/spec.csv:2:"), "%s", msg);
  cr_assert_null (strstr (msg, "plans.csv:2:"), "%s", msg);
  cr_assert_null (strstr (msg, "holidays.csv:2:"), "%s", msg);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM deck_tiers"), 0);   /* nothing imported */
}

Test (catalog, options_are_stored_and_absent_ones_keep_the_digest)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = catalog_variant ("plain", NULL, NULL);
  g_autofree char *before = catalog_digest (plain, &error);
  /* without holidays.csv the digest hashes the same files as before the
   * options existed: the four sheets and the decks */
  g_autoptr(GString) manifest = g_string_new (NULL);
  static const char *const files[] = { "operators.csv", "plans.csv", "accounts.csv", "numbers.csv",
                                       "decks/spec.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (plain, files[i], NULL), *text = NULL;
      gsize len;
      cr_assert (g_file_get_contents (path, &text, &len, NULL));
      g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
      g_string_append_printf (manifest, "%s  %s\n", hex, files[i]);
    }
  g_autofree char *expect = g_compute_checksum_for_string (G_CHECKSUM_SHA256, manifest->str, -1);
  cr_assert_str_eq (before, expect);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM plans WHERE call_rounding = 'up' AND peak_days = 31"
                                " AND peak_from = 28800 AND peak_to = 64800"), 4);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM deck_rows WHERE min_charge = 0 AND max_charge = 0"), 5);

  const char deck[] =
    "prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,tiers,min_charge,max_charge\n"
    "44,UK,INTL,out,all,0.1,0,60/60,2026-01-01,60:0.01:1/1|120:0.005:30/30,0.05,0.5\n";
  g_autofree char *cat = catalog_variant ("opts", "decks/spec.csv", deck);
  g_free (test_write (cat, "plans.csv",
                      "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals,call_rounding,peak_days,peak_from,peak_to\n"
                      "nw-basic,northwind,spec,10,5,2.5,0,,6,half_up,1;3-5,07:30,24:00\n"
                      "nw-cents,northwind,spec,10,5,2.5,0,,2,,,,\n"
                      "nw-bundle,northwind,spec,10,5,2.5,1,DOMESTIC,6,down,7,,\n"
                      "ts-basic,tailspin,spec,8,4,1,0,,6,,,,\n"));
  g_free (test_write (cat, "holidays.csv", "country,date,name\ngb,2026-12-25,Christmas Day\n"));
  CatalogImportStats stats;
  cr_assert (catalog_import (db, cat, &stats, &error), "%s", error ? error->message : "");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM deck_tiers"), 2);
  cr_assert_eq (test_count (db, "SELECT rate FROM deck_tiers WHERE start = 120"), 5000);
  cr_assert_eq (test_count (db, "SELECT inc_first * 1000 + inc_next FROM deck_tiers WHERE start = 120"), 30030);
  cr_assert_eq (test_count (db, "SELECT min_charge FROM deck_rows"), 50000);
  cr_assert_eq (test_count (db, "SELECT max_charge FROM deck_rows"), 500000);
  cr_assert_eq (test_count (db, "SELECT peak_days FROM plans WHERE plan = 'nw-basic'"), 1 | 4 | 8 | 16);
  cr_assert_eq (test_count (db, "SELECT peak_from * 100000 + peak_to FROM plans WHERE plan = 'nw-basic'"),
                G_GINT64_CONSTANT (27000) * 100000 + 86400);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM plans WHERE call_rounding = 'half_up'"), 1);
  cr_assert_eq (test_count (db, "SELECT peak_days FROM plans WHERE plan = 'nw-bundle'"), 64);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM holidays WHERE country = 'GB' AND date = '2026-12-25'"), 1);
  /* holidays.csv counts in the digest when it is there */
  g_autofree char *with = catalog_digest (cat, &error);
  g_free (test_write (cat, "holidays.csv", "country,date,name\nGB,2026-12-26,Boxing Day\n"));
  g_autofree char *changed = catalog_digest (cat, &error);
  cr_assert_str_neq (with, changed);
  /* a plain import again clears them */
  cr_assert (catalog_import (db, plain, &stats, &error));
  cr_assert_eq (test_count (db, "SELECT count(*) FROM deck_tiers"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM holidays"), 0);
}
