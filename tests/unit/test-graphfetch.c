/* test-graphfetch.c — unit tests of graphfetch.c's pure parts: days, the
 * split of a range into windows of at most 90 days (against a naive
 * day-by-day model), page names and URLs, Retry-After, which test URLs are
 * honoured, the secret file's checks, and the refusals made before any
 * request.  The requests themselves are tested through the binary against
 * the local HTTPS stub (golden cases fetch-graph, fetch-graph-nightly).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>

#include "base/rater-error.h"
#include "base/timeparse.h"
#include "ingest/graphfetch.h"
#include "test-helpers.h"

static gint64
day (const char *text)
{
  gint64 d = -1;
  cr_assert (graph_parse_day (text, &d), "%s", text);
  return d;
}

/* Days {{{1 */

Test (graphfetch, days)
{
  cr_assert_eq (day ("1970-01-01"), 0);
  cr_assert_eq (day ("2026-11-01"), time_days_from_civil (2026, 11, 1));
  cr_assert_eq (day ("2024-02-29"), time_days_from_civil (2024, 2, 29));
  const char *bad[] = { "2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-1-01",
                        "2026-01-1", "2026/01/01", "26-01-01", "", "2026-01-01T00:00:00Z",
                        "1969-12-31", "+026-01-01", "2026-01-32" };
  gint64 d;
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    cr_assert_not (graph_parse_day (bad[i], &d), "%s", bad[i]);
  cr_assert_not (graph_parse_day (NULL, &d));
}

Test (graphfetch, kinds)
{
  GraphKind k = GRAPH_KIND_DR;
  cr_assert (graph_kind_parse ("pstn", &k) && k == GRAPH_KIND_PSTN);
  cr_assert (graph_kind_parse ("dr", &k) && k == GRAPH_KIND_DR);
  cr_assert_not (graph_kind_parse ("PSTN", &k));
  cr_assert_not (graph_kind_parse ("", &k));
  cr_assert_not (graph_kind_parse (NULL, &k));
  cr_assert_str_eq (graph_kind_format (GRAPH_KIND_PSTN), "graph-pstn");
  cr_assert_str_eq (graph_kind_format (GRAPH_KIND_DR), "graph-dr");
}

/* Windows {{{1 */

Test (graphfetch, split_examples)
{
  g_autoptr(GArray) one = graph_split_range (day ("2026-11-03"), day ("2026-11-03"));
  cr_assert_eq (one->len, 1);
  cr_assert_eq (g_array_index (one, GraphWindow, 0).from_day, day ("2026-11-03"));
  cr_assert_eq (g_array_index (one, GraphWindow, 0).to_day, day ("2026-11-03"));

  g_autoptr(GArray) ninety = graph_split_range (day ("2026-01-01"), day ("2026-03-31"));
  cr_assert_eq (ninety->len, 1, "90 days are one window");

  g_autoptr(GArray) ninety_one = graph_split_range (day ("2026-01-01"), day ("2026-04-01"));
  cr_assert_eq (ninety_one->len, 2);
  cr_assert_eq (g_array_index (ninety_one, GraphWindow, 0).to_day, day ("2026-03-31"));
  cr_assert_eq (g_array_index (ninety_one, GraphWindow, 1).from_day, day ("2026-04-01"));
  cr_assert_eq (g_array_index (ninety_one, GraphWindow, 1).to_day, day ("2026-04-01"));

  g_autoptr(GArray) year = graph_split_range (day ("2025-12-01"), day ("2026-11-30"));
  cr_assert_eq (year->len, 5);   /* 365 days: 90 + 90 + 90 + 90 + 5 */
  cr_assert_eq (g_array_index (year, GraphWindow, 4).from_day, day ("2026-11-26"));
}

/* Every day of FROM..TO is in exactly one window, the windows are in order,
 * contiguous, at most 90 days, and only the last is shorter: checked day
 * by day against the naive rule "day D is in window (D - FROM) / 90". */
Test (graphfetch, split_model)
{
  GRand *rand = g_rand_new_with_seed (20261206);
  for (guint trial = 0; trial < 2000; trial++)
    {
      gint64 from = g_rand_int_range (rand, 0, 80000);
      gint64 len = trial < 400 ? (gint64) trial + 1 : g_rand_int_range (rand, 1, 1200);
      gint64 to = from + len - 1;
      g_autoptr(GArray) w = graph_split_range (from, to);
      cr_assert_eq (w->len, (guint) ((len + GRAPH_WINDOW_DAYS - 1) / GRAPH_WINDOW_DAYS),
                    "%" G_GINT64_FORMAT " days", len);
      for (gint64 d = from; d <= to; d++)
        {
          guint expected = (guint) ((d - from) / GRAPH_WINDOW_DAYS), found = 0, hits = 0;
          for (guint i = 0; i < w->len; i++)
            {
              const GraphWindow *x = &g_array_index (w, GraphWindow, i);
              if (d >= x->from_day && d <= x->to_day)
                found = i, hits++;
            }
          cr_assert_eq (hits, 1);
          cr_assert_eq (found, expected);
        }
      for (guint i = 0; i < w->len; i++)
        {
          const GraphWindow *x = &g_array_index (w, GraphWindow, i);
          gint64 days = x->to_day - x->from_day + 1;
          cr_assert (days >= 1 && days <= GRAPH_WINDOW_DAYS);
          cr_assert (i + 1 == w->len || days == GRAPH_WINDOW_DAYS);
        }
    }
  g_rand_free (rand);
}

/* Names and URLs {{{1 */

Test (graphfetch, page_names)
{
  GraphWindow w = { day ("2026-11-01"), day ("2026-11-30") };
  g_autofree char *p1 = graph_page_name (GRAPH_KIND_PSTN, &w, 1);
  g_autofree char *p12 = graph_page_name (GRAPH_KIND_PSTN, &w, 12);
  g_autofree char *big = graph_page_name (GRAPH_KIND_PSTN, &w, 12345);
  g_autofree char *dr = graph_page_name (GRAPH_KIND_DR, &w, 1);
  cr_assert_str_eq (p1, "graph-pstn-2026-11-01_2026-11-30-0001.json");
  cr_assert_str_eq (p12, "graph-pstn-2026-11-01_2026-11-30-0012.json");
  cr_assert_str_eq (big, "graph-pstn-2026-11-01_2026-11-30-12345.json");
  cr_assert_str_eq (dr, "graph-dr-2026-11-01_2026-11-30-0001.json");
  /* the same inputs, the same name: a re-run writes the same files */
  g_autofree char *again = graph_page_name (GRAPH_KIND_PSTN, &w, 1);
  cr_assert_str_eq (again, p1);
  /* byte order of names is the order of windows, then pages (up to 9999) */
  GraphWindow next = { day ("2026-12-01"), day ("2026-12-01") };
  g_autofree char *n1 = graph_page_name (GRAPH_KIND_PSTN, &next, 1);
  g_autofree char *p9999 = graph_page_name (GRAPH_KIND_PSTN, &w, 9999);
  cr_assert (strcmp (p1, p12) < 0 && strcmp (p12, p9999) < 0 && strcmp (p9999, n1) < 0);
}

Test (graphfetch, window_urls)
{
  GraphWindow w = { day ("2026-08-01"), day ("2026-10-29") };
  g_autofree char *pstn = graph_window_url ("https://graph.microsoft.com/v1.0", GRAPH_KIND_PSTN, &w);
  g_autofree char *dr = graph_window_url ("https://127.0.0.1:8443/v1.0", GRAPH_KIND_DR, &w);
  cr_assert_str_eq (pstn, "https://graph.microsoft.com/v1.0/communications/callRecords/getPstnCalls("
                    "fromDateTime=2026-08-01T00:00:00Z,toDateTime=2026-10-29T23:59:59.9999999Z)");
  cr_assert_str_eq (dr, "https://127.0.0.1:8443/v1.0/communications/callRecords/"
                    "getDirectRoutingCalls(fromDateTime=2026-08-01T00:00:00Z,"
                    "toDateTime=2026-10-29T23:59:59.9999999Z)");
}

/* Retry-After {{{1 */

Test (graphfetch, retry_after)
{
  guint64 s = 99;
  cr_assert (graph_parse_retry_after ("0", 0, &s) && s == 0);
  cr_assert (graph_parse_retry_after ("1", 0, &s) && s == 1);
  cr_assert (graph_parse_retry_after (" 120 ", 0, &s) && s == 120);
  cr_assert (graph_parse_retry_after ("3600", 0, &s) && s == 3600);
  const char *bad[] = { "", " ", "-1", "1.5", "1s", "abc", "99999999999", "Sun, 06 Dec" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    cr_assert_not (graph_parse_retry_after (bad[i], 0, &s), "%s", bad[i]);
  cr_assert_not (graph_parse_retry_after (NULL, 0, &s));
  /* an HTTP date (RFC 9110), against NOW */
  gint64 at = (day ("2026-12-06") * 86400) + 23 * 3600 + 10;   /* 23:00:10 */
  cr_assert (graph_parse_retry_after ("Sun, 06 Dec 2026 23:00:10 GMT", at - 10, &s) && s == 10);
  cr_assert (graph_parse_retry_after ("Sun, 06 Dec 2026 23:00:10 GMT", at, &s) && s == 0);
  cr_assert (graph_parse_retry_after ("Sun, 06 Dec 2026 23:00:10 GMT", at + 600, &s) && s == 0,
             "a date passed: no wait");
}

/* Test endpoints {{{1 */

Test (graphfetch, loopback_urls)
{
  const char *yes[] = { "https://127.0.0.1:8443", "https://127.0.0.1:8443/v1.0", "https://localhost/x",
                        "https://LOCALHOST:1", "https://[::1]:99/v1.0" };
  const char *no[] = { "http://127.0.0.1:8443", "https://127.0.0.1.example.com", "https://example.com",
                       "https://user@127.0.0.1:1", "https://127.0.0.2", "https://localhost.evil",
                       "https://graph.microsoft.com/v1.0", "127.0.0.1", "", "ftp://localhost" };
  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    cr_assert (graph_url_is_loopback (yes[i]), "%s", yes[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    cr_assert_not (graph_url_is_loopback (no[i]), "%s", no[i]);
  cr_assert_not (graph_url_is_loopback (NULL));
}

static GraphFetchOptions
options (const char *out)
{
  GraphFetchOptions o = { "contoso.onmicrosoft.com", "6731de76-14a6-49ae-97bc-6eba6914391e",
                          "s3cret", GRAPH_KIND_PSTN, 20000, 20000, out };
  return o;
}

static void
expect_refused (const GraphFetchOptions *o, const char *words)
{
  g_autoptr(GError) error = NULL;
  g_auto(GraphFetchStats) stats = { 0 };
  cr_assert_not (graph_fetch (o, &stats, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "%s", error->message);
  cr_assert (strstr (error->message, words), "%s", error->message);
  cr_assert_not (strstr (error->message, "s3cret"), "%s", error->message);
  cr_assert_eq (stats.pages, 0);
}

/* Refused before any request (nothing listens, nothing is reached). */
Test (graphfetch, refused_before_any_request)
{
  char *dir = test_scratch_new ();
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  GraphFetchOptions o = options (out);
  g_setenv ("RATER_GRAPH_URL", "https://graph.example.com/v1.0", TRUE);
  expect_refused (&o, "RATER_GRAPH_URL='https://graph.example.com/v1.0' is refused");
  g_setenv ("RATER_GRAPH_URL", "https://127.0.0.1:9/v1.0", TRUE);
  g_setenv ("RATER_GRAPH_LOGIN_URL", "http://127.0.0.1:9", TRUE);
  expect_refused (&o, "RATER_GRAPH_LOGIN_URL");
  g_unsetenv ("RATER_GRAPH_LOGIN_URL");
  g_setenv ("RATER_GRAPH_CA_FILE", "/etc/hostname", TRUE);
  expect_refused (&o, "RATER_GRAPH_CA_FILE is for tests");
  g_unsetenv ("RATER_GRAPH_CA_FILE");
  g_unsetenv ("RATER_GRAPH_URL");
  o.tenant = "contoso/../../x";
  expect_refused (&o, "tenant");
  o.tenant = "contoso";
  o.client_id = "a b";
  expect_refused (&o, "client id");
  o.client_id = "c";
  o.from_day = 20001;
  expect_refused (&o, "ends before it starts");
  cr_assert_not (g_file_test (out, G_FILE_TEST_EXISTS), "nothing was created");
  test_scratch_free (dir);
}

/* The secret {{{1 */

static char *
secret_file (const char *dir, const char *name, const char *content, int mode)
{
  char *path = test_write (dir, name, content);
  cr_assert_eq (chmod (path, (mode_t) mode), 0);
  return path;
}

static void
expect_secret_refused (const char *path, const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = graph_read_secret (path, &error);
  cr_assert_null (secret);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert (strstr (error->message, words), "%s", error->message);
  cr_assert_not (strstr (error->message, "s3cret"), "%s", error->message);
}

Test (graphfetch, secret_file)
{
  char *dir = test_scratch_new ();
  g_autofree char *good = secret_file (dir, "good", "  s3cret~value \r\nsecond line\n", 0600);
  g_autofree char *ro = secret_file (dir, "ro", "s3cret", 0400);
  g_autofree char *group = secret_file (dir, "group", "s3cret\n", 0640);
  g_autofree char *other = secret_file (dir, "other", "s3cret\n", 0604);
  g_autofree char *gw = secret_file (dir, "gw", "s3cret\n", 0620);
  g_autofree char *empty = secret_file (dir, "empty", "\n  \n", 0600);
  g_autoptr(GError) error = NULL;
  g_autofree char *s = graph_read_secret (good, &error);
  cr_assert_str_eq (s, "s3cret~value");
  g_autofree char *s2 = graph_read_secret (ro, &error);
  cr_assert_str_eq (s2, "s3cret");
  g_autofree char *fix = g_strdup_printf ("run 'chmod 600 %s'", group);
  expect_secret_refused (group, fix);
  expect_secret_refused (group, "(mode 0640)");
  expect_secret_refused (other, "(mode 0604)");
  expect_secret_refused (gw, "(mode 0620)");
  expect_secret_refused (empty, "is empty");
  expect_secret_refused (dir, "is not a regular file");
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  expect_secret_refused (missing, "No such file");
  test_scratch_free (dir);
}

Test (graphfetch, secret_environment)
{
  g_autoptr(GError) error = NULL;
  g_unsetenv (GRAPH_SECRET_ENV);
  expect_secret_refused (NULL, "give --secret-file FILE (mode 0600) or set RATER_GRAPH_SECRET");
  g_setenv (GRAPH_SECRET_ENV, "", TRUE);
  expect_secret_refused (NULL, "RATER_GRAPH_SECRET");
  g_setenv (GRAPH_SECRET_ENV, "from-the-environment", TRUE);
  g_autofree char *s = graph_read_secret (NULL, &error);
  cr_assert_str_eq (s, "from-the-environment");
}
