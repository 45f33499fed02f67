/* test-number-ids.c — the numbers' id table (rate/number-ids.h): which
 * texts have keys, and the table against a string hash table of the same
 * texts (the naive model) through growth, collisions and near-miss texts. */
#include "config.h"

#include <criterion/criterion.h>

#include "rate/number-ids.h"

TestSuite (number_ids, .timeout = 60);

Test (number_ids, keys_only_for_one_to_fifteen_digits)
{
  cr_assert_neq (number_ids_key ("1"), 0);
  cr_assert_neq (number_ids_key ("447700900123"), 0);
  cr_assert_neq (number_ids_key ("999999999999999"), 0);
  cr_assert_eq (number_ids_key (""), 0);
  cr_assert_eq (number_ids_key ("9999999999999999"), 0, "16 digits");
  cr_assert_eq (number_ids_key ("+44770"), 0);
  cr_assert_eq (number_ids_key ("4477a"), 0);
  cr_assert_eq (number_ids_key ("4477 "), 0);
  cr_assert_eq (number_ids_key ("anonymous"), 0);
  /* the same value, not the same text */
  cr_assert_neq (number_ids_key ("0123"), number_ids_key ("123"));
  cr_assert_neq (number_ids_key ("0"), number_ids_key ("00"));
  cr_assert_neq (number_ids_key ("000000000000000"), number_ids_key ("0"));
}

/* A random text of DIGITS digits, leading zeros allowed. */
static char *
random_digits (GRand *r, int digits)
{
  char *t = g_malloc (digits + 1);
  for (int i = 0; i < digits; i++)
    t[i] = (char) ('0' + g_rand_int_range (r, 0, 10));
  t[digits] = 0;
  return t;
}

Test (number_ids, agrees_with_a_string_table)
{
  g_autoptr(GHashTable) model = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(NumberIds) t = number_ids_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  GRand *r = g_rand_new_with_seed (42);
  guint32 next = 0;
  for (int i = 0; i < 200000; i++)
    {
      char *text;
      int pick = g_rand_int_range (r, 0, 10);
      if (pick < 3 && seen->len)
        text = g_strdup (seen->pdata[g_rand_int_range (r, 0, (int) seen->len)]);
      else if (pick < 5)
        /* short texts, so that "07" and "7" and "007" all come up */
        text = random_digits (r, g_rand_int_range (r, 1, 4));
      else
        text = random_digits (r, g_rand_int_range (r, 1, 16));
      guint64 key = number_ids_key (text);
      cr_assert_neq (key, 0, "%s", text);
      guint32 id = 0;
      gpointer want = NULL;
      gboolean in_model = g_hash_table_lookup_extended (model, text, NULL, &want);
      gboolean found = number_ids_find (t, key, &id);
      cr_assert_eq (found, in_model, "%s: found %d, model %d", text, found, in_model);
      if (found)
        {
          cr_assert_eq (id, GPOINTER_TO_UINT (want), "%s: id %u, model %u", text, id,
                        GPOINTER_TO_UINT (want));
          g_free (text);
          continue;
        }
      number_ids_add (t, key, next);
      g_hash_table_insert (model, text, GUINT_TO_POINTER (next));
      g_ptr_array_add (seen, text);
      next++;
    }
  cr_assert_gt (next, 50000, "the table grew many times over (from 4,096 slots)");
  /* every text stored is found again with its id */
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, model);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      guint32 id = G_MAXUINT32;
      cr_assert (number_ids_find (t, number_ids_key (k), &id), "%s", (char *) k);
      cr_assert_eq (id, GPOINTER_TO_UINT (v), "%s", (char *) k);
    }
  g_rand_free (r);
}
