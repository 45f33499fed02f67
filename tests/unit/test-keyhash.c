/* test-keyhash.c — unit tests of base/keyhash: the stored hash of a call's
 * (operator, call key) and the SQL function rater_key_hash() that schema 022
 * fills calls.key_hash with.
 *
 * The hash is stored, so its values are part of the database's format: the
 * reference values below were computed by an independent implementation
 * (Python, from the definition in keyhash.h), and the SQL function must
 * agree with the C one on every text, NULL in giving NULL out.
 */
#include "config.h"

#include <criterion/criterion.h>

#include "base/keyhash.h"
#include "base/store.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (keyhash, .init = setup, .fini = teardown);

static gint64
hash_of (const char *op, const char *key)
{
  return key_hash (op, strlen (op), key, strlen (key));
}

Test (keyhash, values_are_those_of_the_definition)
{
  cr_assert_eq (hash_of ("northwind", "244e5367-cc6b-e6bf-5e34-5d3103a8b7e2"),
                G_GINT64_CONSTANT (-4567789163000199418));
  cr_assert_eq (hash_of ("northwind", "c0000000001"), G_GINT64_CONSTANT (-1788748520363980968));
  cr_assert_eq (hash_of ("", ""), G_GINT64_CONSTANT (1998855519756462295));
  /* the separator: the operator's end is part of the hash */
  cr_assert_eq (hash_of ("ab", "c"), G_GINT64_CONSTANT (8881672327746025411));
  cr_assert_eq (hash_of ("a", "bc"), G_GINT64_CONSTANT (3462142018808893216));
}

Test (keyhash, only_the_given_lengths_are_read)
{
  cr_assert_eq (key_hash ("northwindXX", 9, "c0000000001-tail", 11),
                hash_of ("northwind", "c0000000001"));
}

Test (keyhash, the_sql_function_agrees_with_c_on_random_texts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "k.db", NULL);
  int from, to;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert (db, "%s", error ? error->message : "");
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT rater_key_hash (?1, ?2)", &error);
  cr_assert (st, "%s", error ? error->message : "");
  GRand *rand = g_rand_new_with_seed (22);
  for (int n = 0; n < 2000; n++)
    {
      char op[16], key[64];
      int op_len = g_rand_int_range (rand, 0, sizeof op), key_len = g_rand_int_range (rand, 0, sizeof key);
      for (int i = 0; i < op_len; i++)
        op[i] = (char) g_rand_int_range (rand, 'a', 'z' + 1);
      for (int i = 0; i < key_len; i++)
        key[i] = (char) g_rand_int_range (rand, 0x20, 0x7f);
      op[op_len] = key[key_len] = '\0';
      store_reset (st);
      cr_assert (store_bind (st, &error, STORE_TEXT (key), STORE_TEXT (op)), "%s",
                 error ? error->message : "");
      cr_assert_eq (store_next (st), STORE_ROW);
      cr_assert_eq (store_column_int64 (st, 0), key_hash (op, (gsize) op_len, key, (gsize) key_len),
                    "key '%s' of '%s'", key, op);
      cr_assert_eq (store_next (st), STORE_DONE);
    }
  g_rand_free (rand);
  cr_assert_eq (test_count (db, "SELECT rater_key_hash (NULL, 'northwind') IS NULL"
                                " AND rater_key_hash ('k', NULL) IS NULL"), 1);
}
