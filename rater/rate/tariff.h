/* tariff.h — a rate deck compiled for longest-prefix match (billing.md §4).
 *
 * A Tariff is built once per run from a deck's rows and answers, for a call
 * (direction, rated number, start instant, band of the start in the account's
 * zone), which row prices it: among rows of that direction whose effective
 * window contains the start and whose band is in the call's chain
 * (peak -> all; offpeak -> all; weekend -> offpeak -> all) and whose prefix
 * begins the number, the longest prefix; among rows of that prefix, the band
 * earliest in the chain.  If the longest matching prefix has no row valid at
 * that instant and band, shorter prefixes are tried.
 *
 * Index: per direction, an open-addressing hash table keyed by (prefix value,
 * prefix length) packed in 64 bits, whose entries point at that prefix's rows
 * (sorted by band rank, then effective_from); a bit mask of the prefix lengths
 * present limits the probes.  tariff_lookup_batch() does a whole batch at
 * once, longest length first, prefetching the slots of the next calls.
 *
 * tariff_lookup_naive() scans every row: the reference the tests compare the
 * index against.  Compiling the decks stored in the database is
 * tariff-cache.h.
 */
#pragma once

#include <glib.h>

typedef enum {
  CALL_BAND_PEAK = 0,       /* Monday-Friday 08:00 <= t < 18:00 local */
  CALL_BAND_OFFPEAK = 1,    /* other weekday times */
  CALL_BAND_WEEKEND = 2,    /* Saturday and Sunday */
} CallBand;

typedef enum {
  DECK_BAND_ALL = 0,
  DECK_BAND_PEAK = 1,
  DECK_BAND_OFFPEAK = 2,
  DECK_BAND_WEEKEND = 3,
} DeckBand;

/* A later interval of a call (billing.md §10, deck column `tiers`): from
 * START seconds of the call on, RATE per minute with increment F/N, up to
 * the next tier's START. */
typedef struct {
  gint32 start;             /* seconds, > the previous tier's (the row's own interval starts at 0) */
  gint32 inc_first;         /* F, seconds, >= 1 */
  gint32 inc_next;          /* N, seconds, >= 1 */
  gint64 rate;              /* micro-units per minute */
} TariffTier;

typedef struct {
  char prefix[16];          /* digits, NUL-terminated, 1..15 */
  guint8 prefix_len;
  guint8 direction;         /* 0 out, 1 in (CdrDirection) */
  guint8 band;              /* DeckBand */
  guint8 options;           /* set by tariff_new: the row has tiers, a minimum or a maximum */
  gint32 inc_first;         /* F of F/N, seconds, >= 1 */
  gint32 inc_next;          /* N of F/N, seconds, >= 1 */
  guint32 n_tiers;          /* tiers after the row's own interval; 0: none */
  gint64 rate;              /* micro-units per minute */
  gint64 connect_fee;       /* micro-units */
  gint64 min_charge;        /* micro-units; 0: none (billing.md §10) */
  gint64 max_charge;        /* micro-units; 0: none */
  const TariffTier *tiers;  /* N_TIERS, by START; tariff_new copies them */
  gint64 from_ms;           /* effective_from, UTC ms, inclusive */
  gint64 to_ms;             /* effective_to, UTC ms, exclusive; G_MAXINT64 when open */
  const char *destination;  /* label, owned by the caller (outlives the Tariff) */
  const char *group;        /* group token, owned by the caller */
  guint32 line;             /* line in the deck file, for messages */
} TariffRow;

typedef struct _Tariff Tariff;

/* Compile N_ROWS rows (copied, with their tiers) into an index.  Rows are kept in the given
 * order; lookups return indexes into it. */
Tariff *tariff_new (const TariffRow *rows, guint n_rows);
void tariff_free (Tariff *tariff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tariff, tariff_free)

guint tariff_n_rows (const Tariff *tariff);
const TariffRow *tariff_row (const Tariff *tariff, gint32 index);

/* Ask the CPU for row INDEX (and its tiers) ahead of use: no load, no
 * effect on results. */
void tariff_prefetch (const Tariff *tariff, gint32 index);

/* The row pricing one call, or -1 when none.  NUMBER is LEN digits (need not
 * be NUL-terminated; LEN <= 15). */
gint32 tariff_lookup (const Tariff *tariff, guint direction, const char *number, guint len,
                      gint64 start_ms, CallBand band);

/* tariff_lookup for N calls at once, from arrays: NUMBERS[i] is a 16-byte
 * slot holding LEN[i] digits.  Writes ROW_OUT[i]. */
void tariff_lookup_batch (const Tariff *tariff, guint n, const guint8 *direction,
                          const char (*numbers)[16], const guint8 *len,
                          const gint64 *start_ms, const guint8 *band, gint32 *row_out);

/* The same answer as tariff_lookup by scanning every row: the reference. */
gint32 tariff_lookup_naive (const Tariff *tariff, guint direction, const char *number, guint len,
                            gint64 start_ms, CallBand band);
