/* tariff.c — a rate deck compiled for longest-prefix match (billing.md §4).
 *
 * Rows.  The rows are copied into ROWS, in the caller's order (lookups answer
 * indexes into it).  Every row also becomes an 8-byte TariffEntry (row index,
 * band bit, index of its effective window in WINDOWS, the deck's distinct
 * (from, to) pairs) in ENTRIES, grouped so that the rows of one (direction,
 * prefix) form a contiguous run, sorted by band rank, then effective_from,
 * then row index.  The band rank is one global order, weekend < peak <
 * offpeak < all, which agrees with every call band's chain (peak -> all;
 * offpeak -> all; weekend -> offpeak -> all): the first entry of a run whose
 * band is in the chain and whose window holds the start is that prefix's row.
 *
 * Keys.  A prefix of L digits packs into 64 bits as its digits in BCD, the
 * first digit in the top nibble, and L in the low nibble (L <= 15, so the
 * digits never reach it and a key is never 0).  A number packs once into the
 * same form; the key of its L-digit prefix is then one AND and one OR.
 *
 * Index, per direction.  An open-addressing hash table of 64-byte buckets of
 * four slots (power-of-two bucket count, load <= 1/2), filled in order and
 * probed bucket by bucket, maps a key to its run: a probe reads one cache
 * line, hit or miss.  LENS has bit L set when some prefix has L digits;
 * LEAD_LENS[lead] the same for the prefixes that agree with a number's first
 * TARIFF_LEAD digits (a deck has a few lengths under any one lead, where LENS
 * has them all).  A lookup probes only those lengths, longest first, and
 * stops at the first one whose run has a row valid for the start and band.
 *
 * tariff_lookup_batch() packs each number from its 16-byte slot with a few
 * word operations (no loop over the digits) and runs three stages,
 * TARIFF_AHEAD calls apart: prepare (pack, prefetch the bucket of the longest
 * candidate), locate (the longest prefix present; prefetch its run), resolve
 * (pick the row; shorter prefixes only when that run has none valid).  The
 * loads of several calls overlap instead of following one another.
 */
#include "config.h"

#include "rate/tariff.h"

#include <stdlib.h>
#include <string.h>

#define TARIFF_MAX_LEN 15
#define TARIFF_LEAD 4           /* digits indexing LEAD_LENS */
#define TARIFF_N_LEADS 10000    /* 10^TARIFF_LEAD */
#define TARIFF_SLOTS 4          /* slots per bucket */
#define TARIFF_AHEAD 4          /* calls between two stages of the batch */
#define TARIFF_RING 16          /* power of two > 2 * TARIFF_AHEAD */
#define TARIFF_TIER_STRIDE_MAX 4 /* most tiers a row for the strided layout */
#define TARIFF_HASH_MUL G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

#define ONES G_GUINT64_CONSTANT (0xFFFFFFFFFFFFFFFF)
#define BYTES(b) (G_GUINT64_CONSTANT (0x0101010101010101) * (b))

typedef struct {
  gint64 from_ms;               /* effective_from, UTC ms, inclusive */
  gint64 to_ms;                 /* effective_to, UTC ms, exclusive */
} TariffWindow;

typedef struct {
  gint32 row;                   /* index into rows */
  guint32 window_band;          /* window index << 4 | 1 << DeckBand */
} TariffEntry;

typedef struct {
  guint32 first;                /* first entry */
  guint32 count;                /* entries; 0 when the key is absent */
} TariffRun;

typedef struct {
  guint64 key[TARIFF_SLOTS];    /* 0 when empty; empties last */
  TariffRun run[TARIFF_SLOTS];
} TariffBucket;                 /* 64 bytes: one cache line */

typedef struct {
  TariffBucket *buckets;        /* aligned to their size */
  guint32 mask;                 /* bucket count - 1 */
  guint shift;                  /* 64 - log2 (bucket count) */
  guint32 lens;                 /* bit L: a prefix of L digits exists */
  guint max_len;                /* longest prefix, digits */
  guint16 *lead_lens;           /* [lead]: bit L: an L-digit prefix agrees with the lead */
} TariffDir;

struct _Tariff {
  TariffRow *rows;              /* copies, in the caller's order */
  TariffTier *tiers;            /* copies of every row's tiers, which ROWS point into */
  guint tier_stride;            /* tiers per row in TIERS when strided, else 0 (packed) */
  guint n_rows;
  TariffEntry *entries;         /* n_rows entries, in runs per prefix */
  TariffWindow *windows;        /* distinct effective windows, sorted */
  TariffDir dir[2];             /* 0 out, 1 in */
};

/* One call of a batch, between its stages. */
typedef struct {
  guint64 bcd;                  /* the packed number */
  guint32 lens;                 /* lengths left to probe */
  guint32 chain;                /* deck bands in the call's chain, as bits */
  gint64 start_ms;              /* UTC ms */
  const TariffDir *dir;
  TariffRun run;                /* the longest prefix present, once located */
} TariffCall;

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

/* The nibbles of the first L digits. */
static const guint64 digits_mask[TARIFF_MAX_LEN + 1] = {
  0, ONES << 60, ONES << 56, ONES << 52, ONES << 48, ONES << 44, ONES << 40, ONES << 36,
  ONES << 32, ONES << 28, ONES << 24, ONES << 20, ONES << 16, ONES << 12, ONES << 8, ONES << 4,
};

static inline guint32
chain_of (guint band)
{
  return band <= CALL_BAND_WEEKEND ? band_chain[band] : 0;
}

/* The key of the L-digit prefix of packed number BCD. */
static inline guint64
prefix_key (guint64 bcd, guint l)
{
  return (bcd & digits_mask[l]) | l;
}

/* The first TARIFF_LEAD digits of packed number BCD, as a decimal number. */
static inline guint
lead_of (guint64 bcd)
{
  guint n = (guint) (bcd >> 48);

  return (n >> 12) * 1000 + ((n >> 8) & 15) * 100 + ((n >> 4) & 15) * 10 + (n & 15);
}

static inline guint32
dir_home (const TariffDir *d, guint64 key)
{
  return (guint32) ((key * TARIFF_HASH_MUL) >> d->shift);
}

static inline guint
top_len (guint32 lens)
{
  return 31 - (guint) __builtin_clz (lens);
}

/* --- building --- */

static guint64
row_key (const TariffRow *r)
{
  guint64 bcd = 0;

  for (guint i = 0; i < r->prefix_len; i++)
    bcd |= (guint64) (r->prefix[i] - '0') << (60 - 4 * i);
  return prefix_key (bcd, r->prefix_len);
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

static int
window_cmp (const void *pa, const void *pb)
{
  const TariffWindow *a = pa, *b = pb;

  if (a->from_ms != b->from_ms)
    return a->from_ms < b->from_ms ? -1 : 1;
  return (a->to_ms > b->to_ms) - (a->to_ms < b->to_ms);
}

/* The distinct windows of the rows, sorted; their number in N_WINDOWS. */
static TariffWindow *
windows_distinct (const TariffRow *rows, guint n_rows, guint *n_windows)
{
  TariffWindow *w = g_new (TariffWindow, MAX (n_rows, 1));
  guint n = 0;

  for (guint i = 0; i < n_rows; i++)
    w[i] = (TariffWindow) { .from_ms = rows[i].from_ms, .to_ms = rows[i].to_ms };
  qsort (w, n_rows, sizeof *w, window_cmp);
  for (guint i = 0; i < n_rows; i++)
    if (n == 0 || window_cmp (&w[n - 1], &w[i]) != 0)
      w[n++] = w[i];
  *n_windows = n;
  return w;
}

static TariffEntry
entry_of (const Tariff *t, guint n_windows, const TariffRow *r, gint32 row)
{
  TariffWindow w = { .from_ms = r->from_ms, .to_ms = r->to_ms };
  const TariffWindow *found = bsearch (&w, t->windows, n_windows, sizeof w, window_cmp);

  g_assert (found != NULL);
  return (TariffEntry) {
    .row = row,
    .window_band = (guint32) (found - t->windows) << 4 | 1u << r->band,
  };
}

/* Smallest BITS >= 1 with 2^BITS * PER >= N. */
static guint
log2_for (guint n, guint per)
{
  guint bits = 1;

  while (((gsize) per << bits) < n)
    bits++;
  return bits;
}

static void
dir_alloc (TariffDir *d, guint n_prefixes)
{
  guint bits = log2_for (2 * n_prefixes, TARIFF_SLOTS);
  gsize size = ((gsize) 1 << bits) * sizeof (TariffBucket);

  d->buckets = aligned_alloc (sizeof (TariffBucket), size);
  g_assert (d->buckets != NULL);
  memset (d->buckets, 0, size);
  d->mask = (1u << bits) - 1;
  d->shift = 64 - bits;
  d->lens = 0;
  d->max_len = 0;
  d->lead_lens = g_new0 (guint16, TARIFF_N_LEADS);
}

/* Mark KEY's length in LENS and in LEAD_LENS of every lead it agrees with. */
static void
dir_mark_len (TariffDir *d, guint64 key)
{
  guint l = key & 15, lead = lead_of (key), span = 1;

  d->lens |= 1u << l;
  d->max_len = MAX (d->max_len, l);
  for (guint i = l; i < TARIFF_LEAD; i++)
    span *= 10;
  for (guint x = lead; x < lead + span; x++)
    d->lead_lens[x] |= 1u << l;
}

static void
dir_insert (TariffDir *d, guint64 key, guint32 first, guint32 count)
{
  guint32 b = dir_home (d, key);
  guint s;

  for (;; b = (b + 1) & d->mask)
    {
      for (s = 0; s < TARIFF_SLOTS && d->buckets[b].key[s] != 0; s++)
        ;
      if (s < TARIFF_SLOTS)
        break;
    }
  d->buckets[b].key[s] = key;
  d->buckets[b].run[s] = (TariffRun) { .first = first, .count = count };
  dir_mark_len (d, key);
}

/* Build a direction's table from the runs of ITEMS[first..end). */
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

/* Copy the tiers the rows point at into T->TIERS, and point the rows at the
 * copies.  When no row has more than TARIFF_TIER_STRIDE_MAX tiers, row I's
 * are at I * TIER_STRIDE, so the rating core can prefetch them from the row
 * index alone (tariff_prefetch), without waiting for the row; else packed. */
static void
copy_tiers (Tariff *t)
{
  gsize n = 0;
  guint most = 0;

  for (guint i = 0; i < t->n_rows; i++)
    n += t->rows[i].n_tiers, most = MAX (most, t->rows[i].n_tiers);
  t->tier_stride = most <= TARIFF_TIER_STRIDE_MAX ? most : 0;
  if (t->tier_stride > 0)
    n = (gsize) t->n_rows * t->tier_stride;
  t->tiers = g_new0 (TariffTier, MAX (n, 1));
  n = 0;
  for (guint i = 0; i < t->n_rows; i++)
    {
      TariffRow *r = &t->rows[i];
      TariffTier *to = t->tier_stride > 0 ? t->tiers + (gsize) i * t->tier_stride : t->tiers + n;
      if (r->n_tiers > 0)
        memcpy (to, r->tiers, r->n_tiers * sizeof *r->tiers);
      r->tiers = r->n_tiers > 0 ? to : NULL;
      r->options = r->n_tiers > 0 || r->min_charge != 0 || r->max_charge != 0;
      n += r->n_tiers;
    }
}

void
tariff_prefetch (const Tariff *tariff, gint32 index)
{
  const char *row = (const char *) &tariff->rows[index];

  __builtin_prefetch (row);
  __builtin_prefetch (row + sizeof (TariffRow) - 1);
  if (tariff->tier_stride > 0)
    {
      const char *tiers = (const char *) (tariff->tiers + (gsize) index * tariff->tier_stride);
      __builtin_prefetch (tiers);
      __builtin_prefetch (tiers + tariff->tier_stride * sizeof (TariffTier) - 1);
    }
}

Tariff *
tariff_new (const TariffRow *rows, guint n_rows)
{
  Tariff *t = g_new0 (Tariff, 1);
  g_autofree TariffSortItem *items = sorted_items (rows, n_rows);
  guint n_windows, n_out = 0;

  g_assert (n_rows < (1u << 28));
  t->n_rows = n_rows;
  t->rows = g_new (TariffRow, MAX (n_rows, 1));
  if (n_rows > 0)
    memcpy (t->rows, rows, n_rows * sizeof *rows);
  copy_tiers (t);
  t->windows = windows_distinct (rows, n_rows, &n_windows);
  t->entries = g_new (TariffEntry, MAX (n_rows, 1));
  for (guint i = 0; i < n_rows; i++)
    {
      t->entries[i] = entry_of (t, n_windows, &rows[items[i].row], items[i].row);
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
      free (tariff->dir[i].buckets);
      g_free (tariff->dir[i].lead_lens);
    }
  g_free (tariff->windows);
  g_free (tariff->entries);
  g_free (tariff->rows);
  g_free (tariff->tiers);
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

/* Pack NUMBER (LEN bytes) into BCD; returns the digits packed: up to the
 * longest prefix of D, stopping at a non-digit (no prefix can match past
 * it). */
static inline guint
number_pack (const TariffDir *d, const char *number, guint len, guint64 *bcd)
{
  guint64 b = 0;
  guint l;

  len = MIN (len, d->max_len);
  for (l = 0; l < len; l++)
    {
      guint digit = (guint) (guint8) number[l] - '0';
      if (digit > 9)
        break;
      b |= (guint64) digit << (60 - 4 * l);
    }
  *bcd = b;
  return l;
}

/* The lengths to probe for a number packed in BCD with L digits: those of
 * D's prefixes that agree with its lead and that it covers. */
static inline guint32
number_lens (const TariffDir *d, guint64 bcd, guint l)
{
  guint32 lens = l >= TARIFF_LEAD ? d->lead_lens[lead_of (bcd)] : d->lens;

  return lens & ((2u << l) - 2);
}

/* Bit S set when slot S of B holds KEY. */
static inline guint
bucket_match (const TariffBucket *b, guint64 key)
{
  return (guint) (b->key[0] == key) | (guint) (b->key[1] == key) << 1
         | (guint) (b->key[2] == key) << 2 | (guint) (b->key[3] == key) << 3;
}

/* KEY's run (count 0 when absent). */
static inline TariffRun
dir_find (const TariffDir *d, guint64 key)
{
  for (guint32 b = dir_home (d, key);; b = (b + 1) & d->mask)
    {
      const TariffBucket *bk = &d->buckets[b];
      guint m = bucket_match (bk, key);
      if (m != 0)
        return bk->run[__builtin_ctz (m)];
      if (bk->key[TARIFF_SLOTS - 1] == 0)
        return (TariffRun) { 0, 0 };
    }
}

/* The first entry of RUN valid at START for CHAIN, as a row index, or -1. */
static inline gint32
run_pick (const Tariff *t, TariffRun run, gint64 start_ms, guint32 chain)
{
  const TariffEntry *e = t->entries + run.first;

  for (guint32 i = 0; i < run.count; i++)
    {
      const TariffWindow *w = &t->windows[e[i].window_band >> 4];
      if ((e[i].window_band & chain) && w->from_ms <= start_ms && start_ms < w->to_ms)
        return e[i].row;
    }
  return -1;
}

/* Longest first over LENS: the row of the first prefix that has a valid one. */
static inline gint32
dir_resolve (const Tariff *t, const TariffDir *d, guint64 bcd, guint32 lens,
             gint64 start_ms, guint32 chain)
{
  for (; lens != 0; lens ^= 1u << top_len (lens))
    {
      gint32 row = run_pick (t, dir_find (d, prefix_key (bcd, top_len (lens))), start_ms, chain);
      if (row >= 0)
        return row;
    }
  return -1;
}

gint32
tariff_lookup (const Tariff *tariff, guint direction, const char *number, guint len,
               gint64 start_ms, CallBand band)
{
  guint32 chain = chain_of (band);
  const TariffDir *d;
  guint64 bcd;
  guint l;

  if (direction > 1 || chain == 0)
    return -1;
  d = &tariff->dir[direction];
  l = number_pack (d, number, len, &bcd);
  return dir_resolve (tariff, d, bcd, number_lens (d, bcd, l), start_ms, chain);
}

/* --- the batch --- */

/* Eight digit bytes, first in the top byte, to 32-bit BCD, first digit in
 * the top nibble. */
static inline guint64
pack8 (guint64 w)
{
  w &= BYTES (0x0F);
  w = (w | w >> 4) & G_GUINT64_CONSTANT (0x00FF00FF00FF00FF);
  w = (w | w >> 8) & G_GUINT64_CONSTANT (0x0000FFFF0000FFFF);
  return (w | w >> 16) & G_GUINT64_CONSTANT (0x00000000FFFFFFFF);
}

/* Index of the first non-digit among the bytes of W that KEEP selects (8 if
 * none), W's first byte in its top byte. */
static inline guint
first_bad (guint64 w, guint64 keep)
{
  guint64 bad = ((w ^ BYTES (0x30)) | ((w & BYTES (0x0F)) + BYTES (0x06))) & BYTES (0xF0) & keep;

  return bad != 0 ? (guint) __builtin_clzll (bad) / 8 : 8;
}

/* The bytes of a word that hold positions FROM.. FROM + 7 below LEN. */
static inline guint64
keep_below (guint len, guint from)
{
  guint n = len > from ? MIN (len - from, 8) : 0;

  return n == 0 ? 0 : ONES << (64 - 8 * n);
}

/* number_pack() for a 16-byte slot: whole words, no loop over the digits.
 * Bytes at LEN and past are masked out before use (they may be anything). */
static inline guint
slot_pack (const TariffDir *d, const char *slot, guint len, guint64 *bcd)
{
  guint64 w0, w1;
  guint l, bad;

  memcpy (&w0, slot, 8);
  memcpy (&w1, slot + 8, 8);
  w0 = GUINT64_FROM_BE (w0);
  w1 = GUINT64_FROM_BE (w1);
  bad = first_bad (w0, keep_below (len, 0));
  bad += bad == 8 ? first_bad (w1, keep_below (len, 8)) : 0;
  l = MIN (MIN (len, d->max_len), bad);
  *bcd = (pack8 (w0) << 32 | pack8 (w1)) & digits_mask[l];
  return l;
}

static inline void
call_prepare (const Tariff *t, TariffCall *c, guint direction, const char *slot, guint len,
              gint64 start_ms, guint band)
{
  guint l;

  c->chain = chain_of (band);
  c->start_ms = start_ms;
  c->dir = &t->dir[direction & 1];
  c->bcd = 0;
  c->lens = 0;
  if (direction > 1 || c->chain == 0)
    return;
  l = slot_pack (c->dir, slot, len, &c->bcd);
  c->lens = number_lens (c->dir, c->bcd, l);
  if (c->lens != 0)
    __builtin_prefetch (&c->dir->buckets[dir_home (c->dir, prefix_key (c->bcd, top_len (c->lens)))]);
}

/* Find the longest prefix present (taking its length and the longer ones out
 * of LENS) and prefetch its run. */
static inline void
call_locate (const Tariff *t, TariffCall *c)
{
  c->run = (TariffRun) { 0, 0 };
  for (; c->lens != 0 && c->run.count == 0; c->lens ^= 1u << top_len (c->lens))
    c->run = dir_find (c->dir, prefix_key (c->bcd, top_len (c->lens)));
  __builtin_prefetch (t->entries + c->run.first);
}

static inline gint32
call_resolve (const Tariff *t, const TariffCall *c)
{
  gint32 row = run_pick (t, c->run, c->start_ms, c->chain);

  return row >= 0 ? row : dir_resolve (t, c->dir, c->bcd, c->lens, c->start_ms, c->chain);
}

void
tariff_lookup_batch (const Tariff *tariff, guint n, const guint8 *direction,
                     const char (*numbers)[16], const guint8 *len,
                     const gint64 *start_ms, const guint8 *band, gint32 *row_out)
{
  TariffCall ring[TARIFF_RING];

  /* step I prepares call I, locates call I - AHEAD, resolves call I - 2 AHEAD */
  for (guint i = 0; i < n + 2 * TARIFF_AHEAD; i++)
    {
      guint mid = i - TARIFF_AHEAD, last = i - 2 * TARIFF_AHEAD;
      if (i < n)
        call_prepare (tariff, &ring[i % TARIFF_RING], direction[i], numbers[i], len[i],
                      start_ms[i], band[i]);
      if (i >= TARIFF_AHEAD && mid < n)
        call_locate (tariff, &ring[mid % TARIFF_RING]);
      if (i >= 2 * TARIFF_AHEAD)
        row_out[last] = call_resolve (tariff, &ring[last % TARIFF_RING]);
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
