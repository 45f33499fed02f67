/* test-shard.c — the shard of an account (rate.h): FNV-1a 64 of its slug
 * against the published test vectors of the hash, spread over the shards,
 * and the K/N form of --shard. */
#include "config.h"

#include <criterion/criterion.h>

#include "base/rater-error.h"
#include "rate/rate.h"

TestSuite (shard, .timeout = 30);

/* FNV-1a 64 of the FNV reference test suite (draft-eastlake-fnv). */
static const struct {
  const char *text;
  guint64 hash;
} vectors[] = {
  { "", G_GUINT64_CONSTANT (0xcbf29ce484222325) },
  { "a", G_GUINT64_CONSTANT (0xaf63dc4c8601ec8c) },
  { "b", G_GUINT64_CONSTANT (0xaf63df4c8601f1a5) },
  { "foobar", G_GUINT64_CONSTANT (0x85944171f73967e8) },
};

Test (shard, is_fnv1a_64_mod_n_plus_one)
{
  static const guint counts[] = { 1, 2, 3, 7, 16, 1000, RATE_SHARDS_MAX };
  for (guint v = 0; v < G_N_ELEMENTS (vectors); v++)
    for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
      cr_assert_eq (rate_shard_of (vectors[v].text, counts[c]),
                    (guint) (vectors[v].hash % counts[c]) + 1, "'%s' of %u shards",
                    vectors[v].text, counts[c]);
}

/* The sample and spec accounts the goldens and tests/pg/shard-*.sh rely on. */
Test (shard, of_the_test_accounts)
{
  cr_assert_eq (rate_shard_of ("contoso", 3), 2);
  cr_assert_eq (rate_shard_of ("adatum", 3), 2);
  cr_assert_eq (rate_shard_of ("fabrikam", 3), 3);
  cr_assert_eq (rate_shard_of ("litware", 3), 1);
}

/* Every shard in 1..N, each with its share of 20,000 slugs (within 15%). */
Test (shard, spreads_accounts)
{
  enum { N = 7, SLUGS = 20000 };
  guint per[N + 1] = { 0 };
  for (guint i = 0; i < SLUGS; i++)
    {
      g_autofree char *slug = g_strdup_printf ("customer-%u", i);
      guint s = rate_shard_of (slug, N);
      cr_assert (s >= 1 && s <= N);
      per[s]++;
    }
  for (guint s = 1; s <= N; s++)
    cr_assert (per[s] > SLUGS / N * 85 / 100 && per[s] < SLUGS / N * 115 / 100,
               "shard %u has %u of %u", s, per[s], SLUGS);
}

Test (shard, parses_k_of_n)
{
  guint k = 0, n = 0;
  g_autoptr(GError) error = NULL;
  cr_assert (rate_parse_shard ("2/3", &k, &n, &error));
  cr_assert_eq (k, 2);
  cr_assert_eq (n, 3);
  cr_assert (rate_parse_shard ("1/1", &k, &n, &error));
  cr_assert (rate_parse_shard ("1024/1024", &k, &n, &error));
  static const char *const bad[] = { "", "3", "0/3", "4/3", "1/0", "-1/3", "1/3/5", "a/b",
                                     "1/1025", " 1/3", "1/3x", "/3" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      cr_assert_not (rate_parse_shard (bad[i], &k, &n, &e), "'%s' accepted", bad[i]);
      cr_assert (g_error_matches (e, RATER_ERROR, RATER_ERROR_USAGE));
    }
}

/* rate_run refuses a shard outside 1..N before touching the database. */
Test (shard, rate_run_refuses_a_bad_shard)
{
  RateOptions o = { NULL, 1, 0, 4, 3 };
  RateStats s;
  g_autoptr(GError) error = NULL;
  cr_assert_not (rate_run (NULL, &o, &s, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
}
