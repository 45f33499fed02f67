/* test-dispute.c — disputes (dispute.h): opening, resolving and listing,
 * and the invoices (invoice.h, issue.h) that hold, bill or never bill the
 * disputed calls, against an independent model of what each invoice sums. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "bill/dispute.h"
#include "bill/invoice.h"
#include "bill/issue.h"
#include "test-helpers.h"

static char *dir;
static StoreDb *db;
static guint call_seq;

static void
setup (void)
{
  dir = test_scratch_new ();
  db = test_db_with_catalog (dir);
  call_seq = 0;
}

static void
teardown (void)
{
  store_close (db);
  test_scratch_free (dir);
}

TestSuite (dispute, .init = setup, .fini = teardown, .timeout = 120);

static const char *const groups[] = { "DOMESTIC", "INTL", "MOBILE" };

/* A rated outgoing call of contoso in PERIOD of group GRP charging CHARGE
 * micro-units; its key "kNNN" in KEY. */
static void
add_call (const char *period, const char *grp, gint64 charge, gboolean late, char key[16])
{
  g_autoptr(GError) error = NULL;
  g_snprintf (key, 16, "k%03u", ++call_seq);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee, masked,"
    " start_ms, duration, answered, account, leg_rank) VALUES ('northwind', '%s', 1, %u, 'out',"
    " '441632960001', '442079460000', 0, 1700000000000, 60, 1, 'contoso', 0);"
    "INSERT INTO ratings VALUES (last_insert_rowid (), 'rated', NULL, 'contoso', '%s', 'peak',"
    " '44', 'x', '%s', 60, 0, %" G_GINT64_FORMAT ", %d, NULL,"
    " (SELECT operator FROM calls WHERE id = last_insert_rowid ()))",
    key, call_seq, period, grp, charge, late ? 1 : 0);
  cr_assert (store_exec (db, sql, &error), "%s", error ? error->message : "");
}

static void
open_ok (const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strconcat ("northwind:", key, NULL);
  cr_assert (dispute_open (db, ref, "not ours", "tester", &error), "%s",
             error ? error->message : "");
}

static Dispute *
resolve_ok (const char *key, DisputeStatus outcome)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strconcat ("northwind:", key, NULL);
  Dispute *d = NULL;
  cr_assert (dispute_resolve (db, ref, outcome, NULL, "tester", &d, &error), "%s",
             error ? error->message : "");
  cr_assert_not_null (d);
  return d;
}

/* The sum of KIND lines of INV of group GRP (0 when none) and their calls. */
static gint64
line_amount (const Invoice *inv, InvoiceLineKind kind, const char *grp, guint64 *calls)
{
  gint64 sum = 0;
  *calls = 0;
  for (guint i = 0; i < inv->lines->len; i++)
    {
      const InvoiceLine *l = inv->lines->pdata[i];
      if (l->kind == kind && g_strcmp0 (l->group, grp) == 0)
        {
          sum += l->amount;
          *calls += l->calls;
        }
    }
  return sum;
}

static Invoice *
compute (const char *period)
{
  g_autoptr(GError) error = NULL;
  Invoice *inv = invoice_compute (db, "contoso", period, &error);
  cr_assert_not_null (inv, "%s", error ? error->message : "no lines");
  return inv;
}

/* The number of billed calls invoice_calls() lists (NUMBER NULL: a draft)
 * and their charges summed in *SUM. */
static guint
billed_calls (const char *period, const char *number, gint64 *sum)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calls = invoice_calls (db, "contoso", period, number, "Europe/London",
                                              &error);
  cr_assert_not_null (calls, "%s", error ? error->message : "");
  *sum = 0;
  for (guint i = 0; i < calls->len; i++)
    *sum += ((const InvoiceCall *) calls->pdata[i])->charge;
  return calls->len;
}

static void
issue (const char *period, const char *on)
{
  g_autoptr(GError) error = NULL;
  IssueStats stats = { 0 };
  cr_assert (issue_period (db, "northwind", period, on, &stats, &error), "%s",
             error ? error->message : "");
}

Test (dispute, refusals_name_the_fix)
{
  char k[16];
  add_call ("2026-11", "INTL", 500000, FALSE, k);
  struct { const char *ref, *reason; int code; const char *words; } open_cases[] = {
    { "northwind:nope", "x", RATER_ERROR_USAGE, "no call 'nope'" },
    { "tailspin:k001", "x", RATER_ERROR_USAGE, "of operator 'tailspin'" },
    { "k001", "x", RATER_ERROR_USAGE, "OPERATOR:KEY" },
    { ":k001", "x", RATER_ERROR_USAGE, "OPERATOR:KEY" },
    { "northwind:", "x", RATER_ERROR_USAGE, "OPERATOR:KEY" },
    { "northwind:k001", "  ", RATER_ERROR_USAGE, "--reason" },
    { "northwind:k001", NULL, RATER_ERROR_USAGE, "--reason" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (open_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      cr_assert_not (dispute_open (db, open_cases[i].ref, open_cases[i].reason, "t", &error));
      cr_assert (g_error_matches (error, RATER_ERROR, open_cases[i].code), "%s", error->message);
      cr_assert (strstr (error->message, open_cases[i].words), "%s", error->message);
    }
  g_autoptr(GError) error = NULL;
  cr_assert_not (dispute_resolve (db, "northwind:k001", DISPUTE_UPHELD, NULL, "t", NULL, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (strstr (error->message, "no dispute"), "%s", error->message);
  g_clear_error (&error);
  open_ok (k);
  cr_assert_not (dispute_open (db, "northwind:k001", "again", "t", &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (strstr (error->message, "already disputed"), "%s", error->message);
  g_clear_error (&error);
  g_autoptr(Dispute) d = resolve_ok (k, DISPUTE_REJECTED);
  cr_assert_eq (d->status, DISPUTE_REJECTED);
  cr_assert_str_eq (d->resolved_by, "tester");
  cr_assert_not (dispute_resolve (db, "northwind:k001", DISPUTE_UPHELD, NULL, "t", NULL, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (strstr (error->message, "not open"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (dispute_open (db, "northwind:k001", "reopen", "t", &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert_eq (test_count (db, "SELECT count(*) FROM disputes"), 1);
}

Test (dispute, timestamps_follow_rater_now)
{
  char k[16];
  add_call ("2026-11", "INTL", 500000, FALSE, k);
  g_setenv ("RATER_NOW", "2026-11-20T09:00:00Z", TRUE);
  open_ok (k);
  g_setenv ("RATER_NOW", "2026-11-21T10:30:00+01:00", TRUE);
  g_autoptr(Dispute) d = resolve_ok (k, DISPUTE_UPHELD);
  g_unsetenv ("RATER_NOW");
  cr_assert_str_eq (d->opened_at, "2026-11-20T09:00:00Z");
  cr_assert_str_eq (d->resolved_at, "2026-11-21T09:30:00Z");
  cr_assert_str_eq (d->opened_by, "tester");
}

/* Random calls, random disputes and outcomes while the period is open:
 * each usage line is the charges of its group's calls that are not held
 * (open or upheld), summed then rounded half up to cents; the held count
 * and amount are the open disputes' calls. */
Test (dispute, drafts_hold_against_a_model)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);
  for (int round = 0; round < 20; round++)
    {
      cr_assert (store_exec (db, "DELETE FROM disputes; DELETE FROM ratings; DELETE FROM calls",
                             NULL));
      gint64 billed[3] = { 0 }, held = 0;
      guint64 billed_calls[3] = { 0 }, held_calls = 0;
      guint n = (guint) g_rand_int_range (rand, 1, 30);
      for (guint i = 0; i < n; i++)
        {
          char k[16];
          int g = g_rand_int_range (rand, 0, 3);
          gint64 charge = g_rand_int_range (rand, 0, 3000000);
          add_call ("2026-11", groups[g], charge, FALSE, k);
          int fate = g_rand_int_range (rand, 0, 4); /* none, open, upheld, rejected */
          if (fate > 0)
            open_ok (k);
          if (fate > 1)
            dispute_free (resolve_ok (k, fate == 2 ? DISPUTE_UPHELD : DISPUTE_REJECTED));
          if (fate == 1)
            {
              held += charge;
              held_calls++;
            }
          else if (fate != 2)
            {
              billed[g] += charge;
              billed_calls[g]++;
            }
        }
      g_autoptr(GError) error = NULL;
      g_autoptr(Invoice) inv = invoice_compute (db, "contoso", "2026-11", &error);
      cr_assert_not_null (inv, "%s", error ? error->message : "contoso has numbers");
      for (int g = 0; g < 3; g++)
        {
          guint64 calls;
          gint64 amount = line_amount (inv, INVOICE_LINE_USAGE, groups[g], &calls);
          cr_assert_eq (amount, billed_calls[g] ? (billed[g] + 5000) / 10000 * 10000 : 0,
                        "round %d %s", round, groups[g]);
          cr_assert_eq (calls, billed_calls[g]);
        }
      cr_assert_eq (inv->held_calls, held_calls, "round %d", round);
      cr_assert_eq (inv->held_amount, held_calls ? (held + 5000) / 10000 * 10000 : 0);
    }
}

/* Open before issuing: off the invoice; rejected after: late usage of the
 * next invoice only, once; upheld after billing: the credit due. */
Test (dispute, rejected_after_issue_is_late_usage_once)
{
  char held[16], kept[16], billed[16], late[16];
  add_call ("2026-11", "MOBILE", 812345, FALSE, held);
  add_call ("2026-11", "MOBILE", 100000, FALSE, kept);
  add_call ("2026-11", "INTL", 504999, FALSE, billed);
  open_ok (held);
  issue ("2026-11", "2026-12-02");
  cr_assert_eq (test_count (db, "SELECT held_closed FROM disputes"), 1);
  cr_assert_eq (test_count (db, "SELECT amount FROM invoice_lines WHERE grp = 'MOBILE'"), 100000);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings WHERE invoice IS NOT NULL"), 0);

  /* a late rating disputed while unbilled is held too, and not marked */
  add_call ("2026-11", "DOMESTIC", 30000, TRUE, late);
  open_ok (late);
  g_autoptr(Dispute) r = resolve_ok (held, DISPUTE_REJECTED);
  cr_assert (r->held_closed);
  add_call ("2026-12", "DOMESTIC", 20000, FALSE, (char[16]) { 0 });
  g_autoptr(Invoice) dec = compute ("2026-12");
  guint64 calls;
  cr_assert_eq (line_amount (dec, INVOICE_LINE_LATE_USAGE, "MOBILE", &calls), 810000);
  cr_assert_eq (calls, 1);
  cr_assert_eq (line_amount (dec, INVOICE_LINE_LATE_USAGE, "DOMESTIC", &calls), 0);
  cr_assert_eq (dec->held_calls, 1);
  cr_assert_eq (dec->held_amount, 30000);
  gint64 sum;
  cr_assert_eq (billed_calls ("2026-12", NULL, &sum), 2, "the December call and d1, late");
  cr_assert_eq (sum, 812345 + 20000);
  issue ("2026-12", "2027-01-02");
  cr_assert_eq (billed_calls ("2026-12", "NWT-202612-0002", &sum), 2);
  cr_assert_eq (sum, 812345 + 20000);
  cr_assert_eq (billed_calls ("2026-11", "NWT-202611-0002", &sum), 2, "held off November");
  cr_assert_eq (sum, 100000 + 504999);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM disputes WHERE late_invoice ="
                                " 'NWT-202612-0002'"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings WHERE invoice IS NOT NULL"), 0,
                "the held late rating stays unbilled");
  /* issuing again bills nothing new */
  issue ("2026-12", "2027-01-02");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM invoice_lines WHERE kind = 'late_usage'"),
                1);
  add_call ("2027-01", "DOMESTIC", 20000, FALSE, (char[16]) { 0 });
  g_autoptr(Invoice) jan = compute ("2027-01");
  cr_assert_eq (line_amount (jan, INVOICE_LINE_LATE_USAGE, "MOBILE", &calls), 0);

  /* the late rating, rejected now, is ordinary late usage of January */
  dispute_free (resolve_ok (late, DISPUTE_REJECTED));
  g_autoptr(Invoice) jan2 = compute ("2027-01");
  cr_assert_eq (line_amount (jan2, INVOICE_LINE_LATE_USAGE, "DOMESTIC", &calls), 30000);
  cr_assert_eq (jan2->held_calls, 0);

  /* disputed after billing and upheld: the invoice that billed it, the credit due */
  open_ok (billed);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = dispute_list (db, TRUE, NULL, NULL, &error);
  cr_assert_eq (open->len, 1);
  cr_assert_str_eq (((Dispute *) open->pdata[0])->billed_invoice, "NWT-202611-0002");
  g_autoptr(Dispute) u = resolve_ok (billed, DISPUTE_UPHELD);
  cr_assert_str_eq (u->billed_invoice, "NWT-202611-0002");
  cr_assert_eq (u->credit_due, 500000);
  g_autoptr(GPtrArray) all = dispute_list (db, FALSE, "contoso", "2026-11", &error);
  cr_assert_eq (all->len, 3);
  g_autoptr(GPtrArray) none = dispute_list (db, FALSE, "fabrikam", NULL, &error);
  cr_assert_eq (none->len, 0);
}

/* Upheld before issuing: never billed, neither in its period nor late, nor
 * among an itemised invoice's calls. */
Test (dispute, upheld_before_issue_is_never_billed)
{
  char k[16];
  add_call ("2026-11", "INTL", 700000, FALSE, k);
  add_call ("2026-11", "DOMESTIC", 10000, FALSE, (char[16]) { 0 });
  open_ok (k);
  gint64 sum;
  cr_assert_eq (billed_calls ("2026-11", NULL, &sum), 1);
  cr_assert_eq (sum, 10000);
  g_autoptr(Dispute) d = resolve_ok (k, DISPUTE_UPHELD);
  issue ("2026-11", "2026-12-02");
  cr_assert_eq (billed_calls ("2026-11", "NWT-202611-0002", &sum), 1, "upheld: not billed");
  cr_assert_eq (sum, 10000);
  cr_assert_null (d->billed_invoice);
  cr_assert_eq (d->credit_due, 0);
  add_call ("2026-12", "DOMESTIC", 10000, FALSE, (char[16]) { 0 });
  g_autoptr(Invoice) dec = compute ("2026-12");
  guint64 calls;
  cr_assert_eq (line_amount (dec, INVOICE_LINE_LATE_USAGE, "INTL", &calls), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM invoice_lines WHERE grp = 'INTL'"), 0);
}

/* The documents issue_run writes of an itemised invoice are those its stored
 * rows give once the period is closed: the open dispute's call, held when
 * the period closes, is not among its calls (issue_run renders the new
 * invoices while it issues the next ones, in the issuing transaction, and
 * an itemised invoice's calls read the disputes that closing holds). */
Test (dispute, itemised_documents_are_those_of_the_closed_period)
{
  char held[16];
  add_call ("2026-11", "MOBILE", 812345, FALSE, held);
  add_call ("2026-11", "INTL", 504999, FALSE, (char[16]) { 0 });
  open_ok (held);
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, "UPDATE account_finance SET itemised = 'full'"
                             " WHERE account = 'contoso'", &error), "%s",
             error ? error->message : "");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *again = g_build_filename (dir, "again", NULL);
  IssueRunOptions opts = { .operator_slug = "northwind", .period = "2026-11",
                           .issued_on = "2026-12-02", .dir = run,
                           .formats = INVOICEOUT_JSON | INVOICEOUT_HTML };
  IssueRunStats s;
  cr_assert (issue_run (db, &opts, &s, &error), "%s", error ? error->message : "");
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT invoice FROM invoices"
                                               " WHERE account = 'contoso'", &error);
  cr_assert (st && store_next (st) == STORE_ROW);
  g_autofree char *number = g_strdup (store_column_text (st, 0));
  gint64 sum;
  cr_assert_eq (billed_calls ("2026-11", number, &sum), 1, "the disputed call held");
  guint n = 0;
  cr_assert (issue_write_documents (db, "northwind", "2026-11", again,
                                    INVOICEOUT_JSON | INVOICEOUT_HTML, 1, &n, &error), "%s",
             error ? error->message : "");
  const char *const ext[] = { "html", "json" };
  for (guint i = 0; i < G_N_ELEMENTS (ext); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-2026-11.%s", number, ext[i]);
      g_autofree char *a = g_build_filename (run, name, NULL);
      g_autofree char *b = g_build_filename (again, name, NULL);
      g_autofree char *ta = NULL, *tb = NULL;
      cr_assert (g_file_get_contents (a, &ta, NULL, NULL), "%s", a);
      cr_assert (g_file_get_contents (b, &tb, NULL, NULL), "%s", b);
      cr_assert_str_eq (ta, tb, "%s as issued and as read back", name);
      if (i == 0)               /* the page lists the billed calls at 6 decimals */
        {
          cr_assert_null (strstr (ta, "0.812345"), "%s lists the held call", name);
          cr_assert_not_null (strstr (ta, "0.504999"), "%s lists the billed call", name);
        }
    }
}
