/* rating-ids.c — the ledger and label ids of SQLite's compact ratings
 * (rating-ids.h, schemas/020): two maps from the texts, joined with unit
 * separators (0x1f) and NULL marked by 0x01, to their ids; and, for the
 * rows read at load, from the id to the texts (Stored). */
#include "config.h"

#include <string.h>

#include "rate/rating-ids.h"

/* The three texts of a row read at load (offsets into IdMap.chars, -1:
 * NULL) and their lengths. */
typedef struct {
  gint64 id;
  gint32 off[3];
  guint32 len[3];
} Stored;

typedef struct {
  GHashTable *ids;          /* key text -> gint64 id (owned) */
  gint64 next;              /* the id the next row added takes */
  StoreStmt *add;           /* INSERT of a row with its id and three texts */
  GArray *stored;           /* Stored, the rows read at load, by id */
  GByteArray *chars;        /* their texts, each NUL-ended */
} IdMap;

struct _RatingIds {
  IdMap ledgers, labels;
  GString *key;             /* scratch */
};

static void
id_map_clear (IdMap *m)
{
  g_clear_pointer (&m->ids, g_hash_table_unref);
  g_clear_pointer (&m->add, store_finalize);
  g_clear_pointer (&m->stored, g_array_unref);
  g_clear_pointer (&m->chars, g_byte_array_unref);
}

void
rating_ids_free (RatingIds *ids)
{
  if (!ids)
    return;
  id_map_clear (&ids->ledgers);
  id_map_clear (&ids->labels);
  g_string_free (ids->key, TRUE);
  g_free (ids);
}

/* The map's key of texts A, B and C. */
static const char *
key_of (GString *key, const char *a, const char *b, const char *c)
{
  const char *texts[3] = { a, b, c };
  g_string_truncate (key, 0);
  for (int k = 0; k < 3; k++)
    {
      if (k)
        g_string_append_c (key, '\x1f');
      if (texts[k])
        g_string_append (key, texts[k]);
      else
        g_string_append_c (key, '\x01');
    }
  return key->str;
}

typedef struct {
  IdMap *map;
  GString *key;
} LoadRow;

static gboolean
load_row (StoreStmt *st, gpointer data, GError **error)
{
  LoadRow *l = data;
  gint64 id = store_column_int64 (st, 0);
  key_of (l->key, store_column_text_or_null (st, 1), store_column_text_or_null (st, 2),
          store_column_text_or_null (st, 3));
  g_hash_table_insert (l->map->ids, g_strdup (l->key->str), g_memdup2 (&id, sizeof id));
  l->map->next = MAX (l->map->next, id + 1);
  Stored row = { .id = id };
  for (int k = 0; k < 3; k++)
    {
      const char *t = store_column_text_or_null (st, k + 1);
      row.off[k] = t ? (gint32) l->map->chars->len : -1;
      row.len[k] = t ? (guint32) store_column_bytes (st, k + 1) : 0;
      if (t)
        g_byte_array_append (l->map->chars, (const guint8 *) t, row.len[k] + 1);
    }
  g_array_append_val (l->map->stored, row);
  return TRUE;
}

/* Every row of TABLE (id and the three texts COLUMNS) into M, and the
 * INSERT that adds one. */
static gboolean
id_map_load (IdMap *m, GString *key, StoreDb *db, const char *table, const char *columns,
             GError **error)
{
  m->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  m->next = 1;
  m->stored = g_array_new (FALSE, FALSE, sizeof (Stored));
  m->chars = g_byte_array_new ();
  g_autofree char *select = g_strdup_printf ("SELECT id, %s FROM %s ORDER BY id", columns, table);
  g_autofree char *insert = g_strdup_printf ("INSERT INTO %s (id, %s) VALUES (?1, ?2, ?3, ?4)",
                                             table, columns);
  g_autofree char *what = g_strdup_printf ("reading %s", table);
  LoadRow l = { m, key };
  return store_query_each (db, select, load_row, &l, what, error)
         && (m->add = store_prepare (db, insert, error)) != NULL;
}

RatingIds *
rating_ids_load (StoreDb *db, GError **error)
{
  g_autoptr(RatingIds) ids = g_new0 (RatingIds, 1);
  ids->key = g_string_new (NULL);
  if (!id_map_load (&ids->ledgers, ids->key, db, "rating_ledgers", "period, account, operator",
                    error)
      || !id_map_load (&ids->labels, ids->key, db, "rating_labels", "prefix, destination, grp",
                       error))
    return NULL;
  return g_steal_pointer (&ids);
}

/* The id of texts A, B, C in M, the row added when new. */
static gboolean
id_of (IdMap *m, GString *key, const char *a, const char *b, const char *c, gint64 *id,
       GError **error)
{
  const gint64 *found = g_hash_table_lookup (m->ids, key_of (key, a, b, c));
  if (found)
    {
      *id = *found;
      return TRUE;
    }
  gint64 next = m->next;
  if (!store_bind (m->add, error, STORE_INT (next), STORE_TEXT (a), STORE_TEXT (b),
                   STORE_TEXT (c))
      || !store_step_done (m->add, error))
    return FALSE;
  m->next++;
  g_hash_table_insert (m->ids, g_strdup (key->str), g_memdup2 (&next, sizeof next));
  *id = next;
  return TRUE;
}

gboolean
rating_ids_ledger (RatingIds *ids, const char *period, const char *account,
                   const char *operator_slug, gint64 *id, GError **error)
{
  return id_of (&ids->ledgers, ids->key, period, account, operator_slug, id, error);
}

gboolean
rating_ids_label (RatingIds *ids, const char *prefix, const char *destination, const char *grp,
                  gint64 *id, GError **error)
{
  if (!prefix && !destination && !grp)
    {
      *id = 0;
      return TRUE;
    }
  return id_of (&ids->labels, ids->key, prefix, destination, grp, id, error);
}

/* The texts of ID among the rows M read at load (in id order: the row
 * ID places past the first when the ids are dense, as they are unless rows
 * were deleted; else a binary search). */
static gboolean
stored_texts (const IdMap *m, gint64 id, const char *texts[3], gsize lens[3])
{
  const Stored *rows = (const Stored *) (gpointer) m->stored->data;
  guint n = m->stored->len, lo = 0, hi = n;
  const Stored *row = NULL;
  guint64 at = n ? (guint64) id - (guint64) rows[0].id : 0;
  if (at < n && rows[at].id == id)
    row = &rows[at];
  while (!row && lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (rows[mid].id == id)
        row = &rows[mid];
      else if (rows[mid].id < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (!row)
    return FALSE;
  for (int k = 0; k < 3; k++)
    {
      texts[k] = row->off[k] < 0 ? NULL : (const char *) m->chars->data + row->off[k];
      lens[k] = row->len[k];
    }
  return TRUE;
}

gboolean
rating_ids_stored_ledger (const RatingIds *ids, gint64 id, const char *texts[3], gsize lens[3])
{
  return stored_texts (&ids->ledgers, id, texts, lens);
}

gboolean
rating_ids_stored_label (const RatingIds *ids, gint64 id, const char *texts[3], gsize lens[3])
{
  return stored_texts (&ids->labels, id, texts, lens);
}
