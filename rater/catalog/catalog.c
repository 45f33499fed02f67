/* catalog.c — the stored catalog loaded for account resolution: the view
 * ingest, rate and reconcile use to name the account of a call.
 *
 * Data model: per operator (CatalogOperator, keyed by slug), a hash table
 * from lower-case tenant id to account, and the number index: E.164 digits
 * to the number's assignments (Assignment: account and a [from, to) window
 * in UTC milliseconds, the assignment's calendar days turned into instants
 * in the account's time zone).  Every string is interned in one GStringChunk.
 * Importing the catalog directory is catalog-import.c.
 *
 * The number index is probed once per call at ingest (and rate), so it is
 * laid out for that: while loading, a hash table of GArrays; once loaded,
 * an open-addressing table of NumberSlots keyed by the digits as an integer
 * with their count (number_key()), each holding its number's first
 * assignment, and the other assignments in one flat array (in load order):
 * a lookup touches one slot instead of a hash table, its key string and an
 * array per number.  A catalog number that is not 1..NUMBER_MAX_DIGITS
 * digits can never equal a call's normalised digits and is left out of the
 * index.
 */
#include "config.h"

#include <string.h>

#include "catalog/catalog.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"

typedef struct {
  const char *account;
  gint64 from_ms, to_ms;       /* UTC, [from, to) */
} Assignment;

/* A number of the index: its key (0: an empty slot), its first assignment
 * (most numbers have one: a lookup reads one slot and nothing else), and
 * the rest, assignments[first .. first + more). */
typedef struct {
  guint64 key;
  Assignment one;
  guint32 first, more;
} NumberSlot;

struct _CatalogOperator {
  const char *slug;
  GHashTable *by_tenant;       /* lower-case tenant id -> account */
  GHashTable *by_number;       /* while loading: E.164 digits -> GArray of Assignment */
  NumberSlot *slots;           /* loaded: the index, slot_mask + 1 of them (NULL: no numbers) */
  guint64 slot_mask;
  Assignment *assignments;
};

struct _RaterCatalog {
  GHashTable *operators;       /* slug -> CatalogOperator */
  GHashTable *zones;           /* IANA name -> TzMap */
  GStringChunk *strings;
};

static void
catalog_operator_free (gpointer p)
{
  CatalogOperator *op = p;
  g_hash_table_unref (op->by_tenant);
  g_clear_pointer (&op->by_number, g_hash_table_unref);
  g_free (op->slots);
  g_free (op->assignments);
  g_free (op);
}

void
catalog_free (RaterCatalog *cat)
{
  if (!cat)
    return;
  g_hash_table_unref (cat->operators);
  g_hash_table_unref (cat->zones);
  g_string_chunk_free (cat->strings);
  g_free (cat);
}

static CatalogOperator *
operator_get (RaterCatalog *cat, const char *slug)
{
  CatalogOperator *op = g_hash_table_lookup (cat->operators, slug);
  if (op)
    return op;
  char *key = g_string_chunk_insert_const (cat->strings, slug);
  op = g_new0 (CatalogOperator, 1);
  op->slug = key;
  op->by_tenant = g_hash_table_new (g_str_hash, g_str_equal);
  op->by_number = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_array_unref);
  g_hash_table_insert (cat->operators, key, op);
  return op;
}

static gboolean
add_operator (StoreStmt *st, gpointer cat, GError **error)
{
  operator_get (cat, store_column_text (st, 0));
  return TRUE;
}

/* The tenant id at ST's row (operator, tenant_id, account). */
static gboolean
add_tenant (StoreStmt *st, gpointer data, GError **error)
{
  RaterCatalog *cat = data;
  CatalogOperator *op = operator_get (cat, store_column_text (st, 0));
  g_hash_table_insert (op->by_tenant,
                       g_string_chunk_insert_const (cat->strings, store_column_text (st, 1)),
                       g_string_chunk_insert_const (cat->strings, store_column_text (st, 2)));
  return TRUE;
}

/* Local midnight of 'YYYY-MM-DD' in ZONE as UTC ms; G_MAXINT64 for NULL. */
static gint64
day_start_ms (const TzMap *zone, const char *date)
{
  gint64 days;
  if (!date || time_parse_date (date, strlen (date), &days) != TIME_OK)
    return G_MAXINT64;
  return tzmap_local_to_utc (zone, days * 86400) * 1000;
}

/* The number assignment at ST's row (number, account, operator, zone, from,
 * to) appended to its number's list. */
static gboolean
add_assignment (StoreStmt *st, gpointer data, GError **error)
{
  RaterCatalog *cat = data;
  CatalogOperator *op = operator_get (cat, store_column_text (st, 2));
  const TzMap *zone = tzmap_cache_get (cat->zones, store_column_text (st, 3), error);
  if (!zone)
    return FALSE;
  char *number = g_string_chunk_insert_const (cat->strings, store_column_text (st, 0));
  Assignment a = {
    g_string_chunk_insert_const (cat->strings, store_column_text (st, 1)),
    day_start_ms (zone, store_column_text_or_null (st, 4)),
    day_start_ms (zone, store_column_text_or_null (st, 5)),
  };
  GArray *list = g_hash_table_lookup (op->by_number, number);
  if (!list)
    {
      list = g_array_new (FALSE, FALSE, sizeof (Assignment));
      g_hash_table_insert (op->by_number, number, list);
    }
  g_array_append_val (list, a);
  return TRUE;
}

/* The index key of the LEN bytes of DIGITS: their value times 16 plus LEN
 * (leading zeros count), never 0; 0 when they are not 1..NUMBER_MAX_DIGITS
 * ASCII digits. */
static guint64
number_key (const char *digits, gsize len)
{
  guint64 v = 0;
  if (len == 0 || len > NUMBER_MAX_DIGITS)
    return 0;
  for (gsize i = 0; i < len; i++)
    {
      if (digits[i] < '0' || digits[i] > '9')
        return 0;
      v = v * 10 + (guint64) (digits[i] - '0');
    }
  return v * 16 + len;
}

static inline guint64
slot_of (guint64 key, guint64 mask)
{
  return (key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) >> 32) & mask;
}

/* OP's loading table turned into its number index (see the top). */
static void
index_numbers (CatalogOperator *op)
{
  guint count = 0, total = 0;
  GHashTableIter it;
  gpointer number, value;
  g_hash_table_iter_init (&it, op->by_number);
  while (g_hash_table_iter_next (&it, &number, &value))
    count++, total += ((GArray *) value)->len;
  if (count > 0)
    {
      guint64 size = 16;
      while (size < (guint64) count * 3 / 2)
        size *= 2;
      op->slot_mask = size - 1;
      op->slots = g_new0 (NumberSlot, size);
      op->assignments = g_new (Assignment, total - count);
    }
  guint32 next = 0;
  g_hash_table_iter_init (&it, op->by_number);
  while (g_hash_table_iter_next (&it, &number, &value))
    {
      GArray *list = value;
      guint64 key = number_key (number, strlen (number));
      if (key == 0)
        continue;
      guint64 i = slot_of (key, op->slot_mask);
      while (op->slots[i].key != 0)
        i = (i + 1) & op->slot_mask;
      op->slots[i] = (NumberSlot) { key, g_array_index (list, Assignment, 0), next, list->len - 1 };
      if (list->len > 1)
        memcpy (op->assignments + next, &g_array_index (list, Assignment, 1),
                (list->len - 1) * sizeof (Assignment));
      next += list->len - 1;
    }
  g_clear_pointer (&op->by_number, g_hash_table_unref);
}

RaterCatalog *
catalog_load (StoreDb *db, GError **error)
{
  g_autoptr(RaterCatalog) cat = g_new0 (RaterCatalog, 1);
  cat->operators = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, catalog_operator_free);
  cat->zones = tzmap_cache_new ();
  cat->strings = g_string_chunk_new (4096);
  if (!store_query_each (db, "SELECT operator FROM operators", add_operator, cat,
                         "loading operators", error)
      || !store_query_each (db, "SELECT operator, tenant_id, account FROM accounts"
                                " WHERE tenant_id IS NOT NULL",
                            add_tenant, cat, "loading accounts", error)
      || !store_query_each (db, "SELECT n.number, n.account, a.operator, a.timezone, n.from_date,"
                                " n.to_date FROM numbers n JOIN accounts a USING (account)",
                            add_assignment, cat, "loading numbers", error))
    return NULL;
  GHashTableIter it;
  gpointer op;
  g_hash_table_iter_init (&it, cat->operators);
  while (g_hash_table_iter_next (&it, NULL, &op))
    index_numbers (op);
  return g_steal_pointer (&cat);
}

const CatalogOperator *
catalog_operator (const RaterCatalog *cat, const char *operator_slug)
{
  return g_hash_table_lookup (cat->operators, operator_slug);
}

const char *
catalog_operator_slug (const CatalogOperator *op)
{
  return op->slug;
}

static const char *
resolve_tenant (const CatalogOperator *op, const char *tenant, gsize len)
{
  char key[128];
  while (len > 0 && g_ascii_isspace (*tenant))
    tenant++, len--;
  while (len > 0 && g_ascii_isspace (tenant[len - 1]))
    len--;
  if (len == 0 || len >= sizeof key)
    return NULL;
  for (gsize i = 0; i < len; i++)
    key[i] = g_ascii_tolower (tenant[i]);
  key[len] = '\0';
  return g_hash_table_lookup (op->by_tenant, key);
}

const char *
catalog_resolve_account (const CatalogOperator *op, const char *tenant, gsize tenant_len,
                         const RaterNumber *number, gint64 start_ms)
{
  const char *account = resolve_tenant (op, tenant, tenant_len);
  if (account || number->len == 0)
    return account;
  guint64 key = number_key (number->digits, number->len);
  if (key == 0 || !op->slots)
    return NULL;
  const NumberSlot *slot;
  for (guint64 i = slot_of (key, op->slot_mask); (slot = &op->slots[i])->key != key;
       i = (i + 1) & op->slot_mask)
    if (slot->key == 0)
      return NULL;
  if (slot->one.from_ms <= start_ms && start_ms < slot->one.to_ms)
    return slot->one.account;
  for (guint32 k = 0; k < slot->more; k++)
    {
      const Assignment *a = &op->assignments[slot->first + k];
      if (a->from_ms <= start_ms && start_ms < a->to_ms)
        return a->account;
    }
  return NULL;
}
