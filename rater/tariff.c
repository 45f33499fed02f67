/* tariff.c — a rate deck compiled for longest-prefix match (billing.md §4).
 *
 * Data model.  The rows are copied into ROWS, in the caller's order (lookups
 * answer indexes into it).  Every row also becomes a TariffEntry (row index,
 * band bit, effective window) in ENTRIES, grouped so that the rows of one
 * (direction, prefix) form a contiguous run, sorted by band rank, then
 * effective_from, then row index.  The band rank is one global order,
 * weekend < peak < offpeak < all, which agrees with every call band's chain
 * (peak -> all; offpeak -> all; weekend -> offpeak -> all): the first entry of
 * a run whose band is in the chain and whose window holds the start is the
 * answer for that prefix.
 *
 * Per direction, an open-addressing hash table (linear probing, power-of-two
 * size, load <= 1/2) maps the key of a prefix, value * 16 + length (value <
 * 10^15, so the key fits in 54 bits and is never 0), to its run.  LENS has
 * bit L set when some prefix of that direction has L digits; LEAD_LENS
 * narrows it by the number's first TARIFF_LEAD digits: bit L of
 * LEAD_LENS[lead] is set when some L-digit prefix agrees with LEAD on their
 * common digits.  A lookup probes only those lengths, longest first, and
 * stops at the first one that yields a row.
 *
 * tariff_lookup_batch() pipelines the calls in three stages, TARIFF_AHEAD
 * calls apart: prepare (keys and home slots, slots prefetched), locate (the
 * longest prefix present, its run prefetched), resolve (pick the row, going
 * on to shorter prefixes if that run has no valid one).  By the time a call
 * is resolved its memory is in cache; the loads of many calls overlap.
 */
#include "config.h"

#include "tariff.h"

#include <stdlib.h>
#include <string.h>

#define TARIFF_MAX_LEN 15
#define TARIFF_LEAD 4           /* digits indexing LEAD_LENS */
#define TARIFF_N_LEADS 10000    /* 10^TARIFF_LEAD */
#define TARIFF_AHEAD 4          /* calls between pipeline stages */
#define TARIFF_RING 16          /* power of two > 2 * TARIFF_AHEAD */
#define TARIFF_HASH_MUL G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

typedef struct {
  gint64 from_ms;               /* effective_from, UTC ms, inclusive */
  gint64 to_ms;                 /* effective_to, UTC ms, exclusive */
  gint32 row;                   /* index into rows */
  guint32 band_bit;             /* 1 << DeckBand */
} TariffEntry;

typedef struct {
  guint64 key;                  /* prefix value * 16 + length; 0 when empty */
  guint32 first;                /* first entry of the prefix's run */
  guint32 count;                /* entries in the run */
} TariffSlot;

typedef struct {
  TariffSlot *slots;            /* 1 << (64 - shift) slots */
  guint64 mask;                 /* slot count - 1 */
  guint shift;                  /* 64 - log2 (slot count) */
  guint32 lens;                 /* bit L: a prefix of L digits exists */
  guint max_len;                /* longest prefix, digits */
  guint16 *lead_lens;           /* [lead]: bit L: an L-digit prefix agrees with LEAD */
} TariffDir;

struct _Tariff {
  TariffRow *rows;              /* copies, in the caller's order */
  guint n_rows;
  TariffEntry *entries;         /* n_rows entries, in runs per prefix */
  TariffDir dir[2];             /* 0 out, 1 in */
};

/* One call of a batch, prepared: its prefix keys and their home slots. */
typedef struct {
  guint64 key[TARIFF_MAX_LEN + 1];  /* key[L]: the L-digit prefix */
  guint32 pos[TARIFF_MAX_LEN + 1];  /* home slot of key[L] */
  guint32 lens;                 /* lengths to probe */
  guint32 chain;                /* deck bands in the call's chain, as bits */
  gint64 start_ms;              /* UTC ms */
  const TariffDir *dir;
  const TariffSlot *found;      /* longest prefix present, once located */
} TariffProbe;

/* A row while sorting the entries. */
typedef struct {
  guint64 key;
  gint64 from_ms;
  gint32 row;
  guint8 direction;
  guint8 rank;                  /* band rank: weekend 0, peak 1, offpeak 2, all 3 */
} TariffSortItem;

/* Deck band -> rank in the global chain order. */
static const guint8 band_rank[4] = {
  [DECK_BAND_WEEKEND] = 0,
  [DECK_BAND_PEAK] = 1,
  [DECK_BAND_OFFPEAK] = 2,
  [DECK_BAND_ALL] = 3,
};

/* Call band -> its chain, as bits 1 << DeckBand. */
static const guint32 band_chain[3] = {
  [CALL_BAND_PEAK] = 1u << DECK_BAND_PEAK | 1u << DECK_BAND_ALL,
  [CALL_BAND_OFFPEAK] = 1u << DECK_BAND_OFFPEAK | 1u << DECK_BAND_ALL,
  [CALL_BAND_WEEKEND] = 1u << DECK_BAND_WEEKEND | 1u << DECK_BAND_OFFPEAK | 1u << DECK_BAND_ALL,
};

static inline guint32
chain_of (guint band)
{
  return band <= CALL_BAND_WEEKEND ? band_chain[band] : 0;
}

static const guint64 pow10[TARIFF_MAX_LEN + 1] = {
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (100000000000),
  G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (10000000000000),
  G_GUINT64_CONSTANT (100000000000000), G_GUINT64_CONSTANT (1000000000000000),
};

static inline guint64
prefix_key (guint64 value, guint len)
{
  return value * 16 + len;
}

static inline guint32
dir_home (const TariffDir *d, guint64 key)
{
  return (guint32) ((key * TARIFF_HASH_MUL) >> d->shift);
}

/* --- building --- */

static guint64
row_key (const TariffRow *r)
{
  guint64 value = 0;

  for (guint i = 0; i < r->prefix_len; i++)
    value = value * 10 + (guint) (r->prefix[i] - '0');
  return prefix_key (value, r->prefix_len);
}

static void
row_check (const TariffRow *r)
{
  g_assert (r->prefix_len >= 1 && r->prefix_len <= TARIFF_MAX_LEN);
  g_assert (memchr (r->prefix, '\0', sizeof r->prefix) == r->prefix + r->prefix_len);
  for (guint i = 0; i < r->prefix_len; i++)
    g_assert (g_ascii_isdigit (r->prefix[i]));
  g_assert (r->direction <= 1);
  g_assert (r->band <= DECK_BAND_WEEKEND);
}

static int
sort_item_cmp (const void *pa, const void *pb)
{
  const TariffSortItem *a = pa, *b = pb;

  if (a->direction != b->direction)
    return a->direction < b->direction ? -1 : 1;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  if (a->from_ms != b->from_ms)
    return a->from_ms < b->from_ms ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

/* The rows as sort items, sorted into runs. */
static TariffSortItem *
sorted_items (const TariffRow *rows, guint n_rows)
{
  TariffSortItem *items = g_new (TariffSortItem, MAX (n_rows, 1));

  for (guint i = 0; i < n_rows; i++)
    {
      row_check (&rows[i]);
      items[i] = (TariffSortItem) {
        .key = row_key (&rows[i]),
        .from_ms = rows[i].from_ms,
        .row = (gint32) i,
        .direction = rows[i].direction,
        .rank = band_rank[rows[i].band],
      };
    }
  qsort (items, n_rows, sizeof *items, sort_item_cmp);
  return items;
}

static void
dir_alloc (TariffDir *d, guint n_prefixes)
{
  guint bits = 3;

  while ((1u << bits) < 2 * n_prefixes)
    bits++;
  d->slots = g_new0 (TariffSlot, 1u << bits);
  d->mask = (1u << bits) - 1;
  d->shift = 64 - bits;
  d->lens = 0;
  d->max_len = 0;
  d->lead_lens = g_new0 (guint16, TARIFF_N_LEADS);
}

/* Mark the L-digit prefix VALUE in the masks of the leads it agrees with. */
static void
dir_mark_lens (TariffDir *d, guint64 value, guint l)
{
  d->lens |= 1u << l;
  d->max_len = MAX (d->max_len, l);
  if (l >= TARIFF_LEAD)
    {
      d->lead_lens[value / pow10[l - TARIFF_LEAD]] |= 1u << l;
      return;
    }
  for (guint64 x = value * pow10[TARIFF_LEAD - l]; x < (value + 1) * pow10[TARIFF_LEAD - l]; x++)
    d->lead_lens[x] |= 1u << l;
}

static void
dir_insert (TariffDir *d, guint64 key, guint32 first, guint32 count)
{
  guint32 pos = dir_home (d, key);

  while (d->slots[pos].key != 0)
    pos = (pos + 1) & d->mask;
  d->slots[pos] = (TariffSlot) { .key = key, .first = first, .count = count };
  dir_mark_lens (d, key >> 4, key & 15);
}

/* Build direction DIRECTION's table from the runs of ITEMS[first..end). */
static void
dir_build (TariffDir *d, const TariffSortItem *items, guint first, guint end)
{
  guint n_prefixes = 0;

  for (guint i = first; i < end; i++)
    n_prefixes += (i == first || items[i].key != items[i - 1].key);
  dir_alloc (d, n_prefixes);
  for (guint i = first; i < end;)
    {
      guint j = i + 1;
      while (j < end && items[j].key == items[i].key)
        j++;
      dir_insert (d, items[i].key, i, j - i);
      i = j;
    }
}

Tariff *
tariff_new (const TariffRow *rows, guint n_rows)
{
  Tariff *t = g_new0 (Tariff, 1);
  g_autofree TariffSortItem *items = sorted_items (rows, n_rows);
  guint n_out = 0;

  t->n_rows = n_rows;
  t->rows = g_new (TariffRow, MAX (n_rows, 1));
  if (n_rows > 0)
    memcpy (t->rows, rows, n_rows * sizeof *rows);
  t->entries = g_new (TariffEntry, MAX (n_rows, 1));
  for (guint i = 0; i < n_rows; i++)
    {
      const TariffRow *r = &rows[items[i].row];
      t->entries[i] = (TariffEntry) {
        .from_ms = r->from_ms,
        .to_ms = r->to_ms,
        .row = items[i].row,
        .band_bit = 1u << r->band,
      };
      n_out += (items[i].direction == 0);
    }
  dir_build (&t->dir[0], items, 0, n_out);
  dir_build (&t->dir[1], items, n_out, n_rows);
  return t;
}

void
tariff_free (Tariff *tariff)
{
  if (tariff == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      g_free (tariff->dir[i].slots);
      g_free (tariff->dir[i].lead_lens);
    }
  g_free (tariff->entries);
  g_free (tariff->rows);
  g_free (tariff);
}

guint
tariff_n_rows (const Tariff *tariff)
{
  return tariff->n_rows;
}

const TariffRow *
tariff_row (const Tariff *tariff, gint32 index)
{
  g_assert (index >= 0 && (guint) index < tariff->n_rows);
  return &tariff->rows[index];
}

/* --- lookup through the index --- */

/* The keys of NUMBER's prefixes, KEY[L] for L = 1.. up to the longest prefix
 * of D; returns the lengths to probe: those of D's prefixes that agree with
 * the number's lead and that the number covers (a non-digit ends the number:
 * no prefix can match past it). */
static inline guint32
number_keys (const TariffDir *d, const char *number, guint len, guint64 *key)
{
  guint64 value = 0;
  guint l = 0;
  guint32 lens;

  len = MIN (len, d->max_len);
  while (l < len)
    {
      guint digit = (guint) (guint8) number[l] - '0';
      if (digit > 9)
        break;
      value = value * 10 + digit;
      l++;
      key[l] = prefix_key (value, l);
    }
  lens = l >= TARIFF_LEAD ? d->lead_lens[key[TARIFF_LEAD] >> 4] : d->lens;
  return lens & ((2u << l) - 2);
}

static inline const TariffSlot *
dir_find_from (const TariffDir *d, guint64 key, guint32 pos)
{
  for (;; pos = (pos + 1) & d->mask)
    {
      const TariffSlot *s = &d->slots[pos];
      if (s->key == key)
        return s;
      if (s->key == 0)
        return NULL;
    }
}

/* The first entry of a run valid at START for CHAIN, as a row index, or -1. */
static inline gint32
run_pick (const TariffEntry *e, guint32 count, gint64 start_ms, guint32 chain)
{
  for (guint32 i = 0; i < count; i++)
    if ((e[i].band_bit & chain) && e[i].from_ms <= start_ms && start_ms < e[i].to_ms)
      return e[i].row;
  return -1;
}

static inline gint32
slot_pick (const Tariff *t, const TariffSlot *s, gint64 start_ms, guint32 chain)
{
  return s ? run_pick (t->entries + s->first, s->count, start_ms, chain) : -1;
}

static inline guint
top_len (guint32 lens)
{
  return 31 - (guint) __builtin_clz (lens);
}

gint32
tariff_lookup (const Tariff *tariff, guint direction, const char *number, guint len,
               gint64 start_ms, CallBand band)
{
  guint64 key[TARIFF_MAX_LEN + 1];
  guint32 chain = chain_of (band);
  const TariffDir *d;
  guint32 lens;

  if (direction > 1 || chain == 0)
    return -1;
  d = &tariff->dir[direction];
  lens = number_keys (d, number, len, key);
  while (lens != 0)
    {
      guint l = top_len (lens);
      gint32 row = slot_pick (tariff, dir_find_from (d, key[l], dir_home (d, key[l])),
                              start_ms, chain);
      if (row >= 0)
        return row;
      lens ^= 1u << l;
    }
  return -1;
}

/* --- the batch: prepare, locate, resolve --- */

static inline void
probe_prepare (const Tariff *t, TariffProbe *p, guint direction, const char *number,
               guint len, gint64 start_ms, guint band)
{
  p->chain = chain_of (band);
  p->start_ms = start_ms;
  p->lens = 0;
  p->found = NULL;
  if (direction > 1 || p->chain == 0)
    return;
  p->dir = &t->dir[direction];
  p->lens = number_keys (p->dir, number, len, p->key);
  for (guint32 m = p->lens; m != 0; m &= m - 1)
    {
      guint l = (guint) __builtin_ctz (m);
      p->pos[l] = dir_home (p->dir, p->key[l]);
      __builtin_prefetch (&p->dir->slots[p->pos[l]]);
    }
}

/* Find the longest prefix present, take it out of LENS, prefetch its run. */
static inline void
probe_locate (const Tariff *t, TariffProbe *p)
{
  while (p->lens != 0)
    {
      guint l = top_len (p->lens);
      p->lens ^= 1u << l;
      p->found = dir_find_from (p->dir, p->key[l], p->pos[l]);
      if (p->found != NULL)
        {
          __builtin_prefetch (t->entries + p->found->first);
          return;
        }
    }
}

static inline gint32
probe_resolve (const Tariff *t, const TariffProbe *p)
{
  gint32 row = slot_pick (t, p->found, p->start_ms, p->chain);

  for (guint32 lens = p->lens; row < 0 && lens != 0;)
    {
      guint l = top_len (lens);
      lens ^= 1u << l;
      row = slot_pick (t, dir_find_from (p->dir, p->key[l], p->pos[l]), p->start_ms, p->chain);
    }
  return row;
}

void
tariff_lookup_batch (const Tariff *tariff, guint n, const guint8 *direction,
                     const char (*numbers)[16], const guint8 *len,
                     const gint64 *start_ms, const guint8 *band, gint32 *row_out)
{
  TariffProbe ring[TARIFF_RING];

  /* step i prepares call i, locates call i - AHEAD, resolves call i - 2 AHEAD */
  for (guint i = 0; i < n + 2 * TARIFF_AHEAD; i++)
    {
      guint mid = i - TARIFF_AHEAD, last = i - 2 * TARIFF_AHEAD;
      if (i < n)
        probe_prepare (tariff, &ring[i % TARIFF_RING], direction[i], numbers[i], len[i],
                       start_ms[i], band[i]);
      if (i >= TARIFF_AHEAD && mid < n)
        probe_locate (tariff, &ring[mid % TARIFF_RING]);
      if (i >= 2 * TARIFF_AHEAD)
        row_out[last] = probe_resolve (tariff, &ring[last % TARIFF_RING]);
    }
}

/* --- the reference: scan every row --- */

/* Position of deck band DECK in call band BAND's chain, or -1. */
static int
chain_position (guint band, guint deck)
{
  static const int pos[3][4] = {
    [CALL_BAND_PEAK] = { [DECK_BAND_PEAK] = 0, [DECK_BAND_ALL] = 1,
                         [DECK_BAND_OFFPEAK] = -1, [DECK_BAND_WEEKEND] = -1 },
    [CALL_BAND_OFFPEAK] = { [DECK_BAND_OFFPEAK] = 0, [DECK_BAND_ALL] = 1,
                            [DECK_BAND_PEAK] = -1, [DECK_BAND_WEEKEND] = -1 },
    [CALL_BAND_WEEKEND] = { [DECK_BAND_WEEKEND] = 0, [DECK_BAND_OFFPEAK] = 1,
                            [DECK_BAND_ALL] = 2, [DECK_BAND_PEAK] = -1 },
  };

  if (band > CALL_BAND_WEEKEND || deck > DECK_BAND_WEEKEND)
    return -1;
  return pos[band][deck];
}

/* Is row R a candidate for the call? */
static gboolean
naive_candidate (const TariffRow *r, guint direction, const char *number, guint len,
                 gint64 start_ms, CallBand band)
{
  return r->direction == direction
         && r->from_ms <= start_ms && start_ms < r->to_ms
         && chain_position (band, r->band) >= 0
         && r->prefix_len <= len
         && memcmp (r->prefix, number, r->prefix_len) == 0;
}

/* Does candidate A beat candidate B: longer prefix, then band earlier in the
 * chain, then earlier effective_from (only in a deck with overlapping
 * windows, which import rejects); the lower index wins what is left. */
static gboolean
naive_better (const TariffRow *a, const TariffRow *b, CallBand band)
{
  int pa = chain_position (band, a->band), pb = chain_position (band, b->band);

  if (a->prefix_len != b->prefix_len)
    return a->prefix_len > b->prefix_len;
  if (pa != pb)
    return pa < pb;
  return a->from_ms < b->from_ms;
}

gint32
tariff_lookup_naive (const Tariff *tariff, guint direction, const char *number, guint len,
                     gint64 start_ms, CallBand band)
{
  gint32 best = -1;

  for (guint i = 0; i < tariff->n_rows; i++)
    {
      const TariffRow *r = &tariff->rows[i];
      if (!naive_candidate (r, direction, number, len, start_ms, band))
        continue;
      if (best < 0 || naive_better (r, &tariff->rows[best], band))
        best = (gint32) i;
    }
  return best;
}
