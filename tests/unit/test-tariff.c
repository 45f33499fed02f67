/* test-tariff.c — the tariff index against billing.md §4 and against its own
 * reference scan.
 *
 * Hand-written decks pin the rules: the §9 deck and its examples, the band
 * chain (peak -> all; offpeak -> all; weekend -> offpeak -> all), effective
 * windows and the edges of numbers and prefixes.  Every hand-written check
 * asks tariff_lookup, tariff_lookup_batch (a batch of one) and
 * tariff_lookup_naive.  The property tests build random valid decks (nested
 * prefixes, both directions, all bands, successive windows) and require the
 * three to agree on many random calls, with several batch sizes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rate/tariff.h"

#define OUT 0
#define IN 1
#define OPEN G_MAXINT64

/* --- helpers --- */

static gint64
utc_ms (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);
  return g_date_time_to_unix (dt) * 1000;
}

static TariffRow
deck_row (const char *prefix, guint direction, DeckBand band, gint64 from_ms, gint64 to_ms)
{
  TariffRow r = {
    .prefix_len = (guint8) strlen (prefix),
    .direction = (guint8) direction,
    .band = (guint8) band,
    .inc_first = 1,
    .inc_next = 1,
    .rate = 100000,
    .from_ms = from_ms,
    .to_ms = to_ms,
    .destination = prefix,
    .group = "TEST",
  };
  g_strlcpy (r.prefix, prefix, sizeof r.prefix);
  return r;
}

static gint32
batch_one (const Tariff *t, guint direction, const char *number, gint64 start_ms, CallBand band)
{
  char slot[1][16] = { { 0 } };
  guint8 dir = (guint8) direction, len = (guint8) strlen (number), b = (guint8) band;
  gint32 row = -2;

  memcpy (slot[0], number, len);
  tariff_lookup_batch (t, 1, &dir, (const char (*)[16]) slot, &len, &start_ms, &b, &row);
  return row;
}

/* The row for a call, asserted equal by all three ways of asking. */
static void
expect_row (const Tariff *t, guint direction, const char *number, gint64 start_ms,
            CallBand band, gint32 expected)
{
  guint len = (guint) strlen (number);
  gint32 single = tariff_lookup (t, direction, number, len, start_ms, band);
  gint32 naive = tariff_lookup_naive (t, direction, number, len, start_ms, band);
  gint32 batch = batch_one (t, direction, number, start_ms, band);

  cr_assert_eq (naive, expected, "naive: dir %u '%s' band %d: got %d, expected %d",
                direction, number, band, naive, expected);
  cr_assert_eq (single, expected, "lookup: dir %u '%s' band %d: got %d, expected %d",
                direction, number, band, single, expected);
  cr_assert_eq (batch, expected, "batch: dir %u '%s' band %d: got %d, expected %d",
                direction, number, band, batch, expected);
}

/* --- billing.md §9 --- */

static Tariff *
spec_deck (void)
{
  gint64 from = utc_ms (2026, 1, 1, 0, 0, 0);
  TariffRow rows[] = {
    deck_row ("44", OUT, DECK_BAND_ALL, from, OPEN),
    deck_row ("447", OUT, DECK_BAND_ALL, from, OPEN),
    deck_row ("4420", OUT, DECK_BAND_PEAK, from, OPEN),
    deck_row ("4420", OUT, DECK_BAND_OFFPEAK, from, OPEN),
    deck_row ("4480", IN, DECK_BAND_ALL, from, OPEN),
  };
  return tariff_new (rows, G_N_ELEMENTS (rows));
}

Test (tariff_spec, examples_1_to_3_band_of_4420)
{
  g_autoptr(Tariff) t = spec_deck ();
  expect_row (t, OUT, "442079460000", utc_ms (2026, 11, 3, 10, 0, 0), CALL_BAND_PEAK, 2);
  expect_row (t, OUT, "442079460000", utc_ms (2026, 11, 3, 19, 30, 0), CALL_BAND_OFFPEAK, 3);
  expect_row (t, OUT, "442079460000", utc_ms (2026, 11, 7, 10, 0, 0), CALL_BAND_WEEKEND, 3);
}

Test (tariff_spec, example_4_longer_prefix_wins)
{
  g_autoptr(Tariff) t = spec_deck ();
  gint64 at = utc_ms (2026, 11, 3, 10, 0, 0);
  expect_row (t, OUT, "447700900123", at, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "447700900123", at, CALL_BAND_OFFPEAK, 1);
  expect_row (t, OUT, "447700900123", at, CALL_BAND_WEEKEND, 1);
}

Test (tariff_spec, examples_5_6_short_and_unknown)
{
  g_autoptr(Tariff) t = spec_deck ();
  gint64 at = utc_ms (2026, 11, 3, 10, 0, 0);
  expect_row (t, OUT, "4413", at, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "15551234567", at, CALL_BAND_PEAK, -1);
}

Test (tariff_spec, examples_7_8_inbound)
{
  g_autoptr(Tariff) t = spec_deck ();
  gint64 at = utc_ms (2026, 11, 3, 10, 0, 0);
  expect_row (t, IN, "448001234567", at, CALL_BAND_PEAK, 4);
  expect_row (t, IN, "442079460001", at, CALL_BAND_PEAK, -1);
  /* and an outbound call to the toll-free number takes the outbound 44 */
  expect_row (t, OUT, "448001234567", at, CALL_BAND_PEAK, 0);
}

Test (tariff_spec, example_12_summer_time_peak)
{
  g_autoptr(Tariff) t = spec_deck ();
  /* 07:30 UTC is 08:30 BST: the caller computes peak */
  expect_row (t, OUT, "442079460000", utc_ms (2026, 6, 1, 7, 30, 0), CALL_BAND_PEAK, 2);
}

Test (tariff_spec, rows_are_copied)
{
  TariffRow rows[] = { deck_row ("44", OUT, DECK_BAND_ALL, 0, OPEN) };
  g_autoptr(Tariff) t = tariff_new (rows, 1);
  const char *dest = rows[0].destination;

  rows[0].rate = 1;
  g_strlcpy (rows[0].prefix, "33", sizeof rows[0].prefix);
  cr_assert_eq (tariff_n_rows (t), 1);
  cr_assert_eq (tariff_row (t, 0)->rate, 100000);
  cr_assert_str_eq (tariff_row (t, 0)->prefix, "44");
  cr_assert_eq (tariff_row (t, 0)->destination, dest);
  expect_row (t, OUT, "4412", 5, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "3312", 5, CALL_BAND_PEAK, -1);
}

/* --- the band chain --- */

Test (tariff_band, every_band_present)
{
  TariffRow rows[] = {
    deck_row ("33", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_WEEKEND, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_OFFPEAK, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_PEAK, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "33123", 10, CALL_BAND_WEEKEND, 1);
  expect_row (t, OUT, "33123", 10, CALL_BAND_OFFPEAK, 2);
  expect_row (t, OUT, "33123", 10, CALL_BAND_PEAK, 3);
}

Test (tariff_band, weekend_missing_takes_offpeak)
{
  TariffRow rows[] = {
    deck_row ("33", OUT, DECK_BAND_PEAK, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_OFFPEAK, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "33123", 10, CALL_BAND_WEEKEND, 2);
  expect_row (t, OUT, "33123", 10, CALL_BAND_PEAK, 0);
}

Test (tariff_band, only_all)
{
  TariffRow rows[] = { deck_row ("33", OUT, DECK_BAND_ALL, 0, OPEN) };
  g_autoptr(Tariff) t = tariff_new (rows, 1);
  expect_row (t, OUT, "33123", 10, CALL_BAND_WEEKEND, 0);
  expect_row (t, OUT, "33123", 10, CALL_BAND_OFFPEAK, 0);
  expect_row (t, OUT, "33123", 10, CALL_BAND_PEAK, 0);
}

Test (tariff_band, peak_never_takes_offpeak_or_weekend)
{
  TariffRow rows[] = {
    deck_row ("33", OUT, DECK_BAND_OFFPEAK, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_WEEKEND, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "33123", 10, CALL_BAND_PEAK, -1);
  expect_row (t, OUT, "33123", 10, CALL_BAND_OFFPEAK, 0);
  expect_row (t, OUT, "33123", 10, CALL_BAND_WEEKEND, 1);
}

Test (tariff_band, offpeak_and_weekday_never_take_weekend_or_peak)
{
  TariffRow rows[] = {
    deck_row ("33", OUT, DECK_BAND_WEEKEND, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_PEAK, 0, OPEN),
    deck_row ("3", OUT, DECK_BAND_ALL, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "33123", 10, CALL_BAND_OFFPEAK, 2);
  expect_row (t, OUT, "33123", 10, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "33123", 10, CALL_BAND_WEEKEND, 0);
}

Test (tariff_band, peak_only_longer_prefix_falls_back_to_shorter)
{
  TariffRow rows[] = {
    deck_row ("331", OUT, DECK_BAND_PEAK, 0, OPEN),
    deck_row ("33", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("3", OUT, DECK_BAND_OFFPEAK, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "3312345", 10, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "3312345", 10, CALL_BAND_OFFPEAK, 1);
  expect_row (t, OUT, "3312345", 10, CALL_BAND_WEEKEND, 1);
  expect_row (t, OUT, "3212345", 10, CALL_BAND_WEEKEND, 2);
  expect_row (t, OUT, "3212345", 10, CALL_BAND_PEAK, -1);
}

/* --- effective windows --- */

Test (tariff_window, mid_month_price_change)
{
  gint64 nov1 = utc_ms (2026, 11, 1, 0, 0, 0), nov15 = utc_ms (2026, 11, 15, 0, 0, 0);
  TariffRow rows[] = {
    deck_row ("4420", OUT, DECK_BAND_ALL, nov1, nov15),
    deck_row ("4420", OUT, DECK_BAND_ALL, nov15, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "442079460000", nov1 - 1, CALL_BAND_PEAK, -1);
  expect_row (t, OUT, "442079460000", nov1, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "442079460000", nov15 - 1, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "442079460000", nov15, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "442079460000", G_MAXINT64 - 1, CALL_BAND_PEAK, 1);
}

Test (tariff_window, rows_listed_newest_first)
{
  gint64 nov15 = utc_ms (2026, 11, 15, 0, 0, 0);
  TariffRow rows[] = {
    deck_row ("4420", OUT, DECK_BAND_OFFPEAK, nov15, OPEN),
    deck_row ("4420", OUT, DECK_BAND_OFFPEAK, 0, nov15),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "442079460000", nov15 - 1, CALL_BAND_WEEKEND, 1);
  expect_row (t, OUT, "442079460000", nov15, CALL_BAND_WEEKEND, 0);
}

Test (tariff_window, expired_longest_prefix_falls_back)
{
  gint64 jan = utc_ms (2026, 1, 1, 0, 0, 0), nov10 = utc_ms (2026, 11, 10, 0, 0, 0);
  TariffRow rows[] = {
    deck_row ("44", OUT, DECK_BAND_ALL, jan, OPEN),
    deck_row ("447", OUT, DECK_BAND_ALL, jan, nov10),
    deck_row ("4477", OUT, DECK_BAND_ALL, nov10, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "447600900123", nov10 - 1, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "447600900123", nov10, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "447700900123", nov10 - 1, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "447700900123", nov10, CALL_BAND_PEAK, 2);
  expect_row (t, OUT, "447700900123", jan - 1, CALL_BAND_PEAK, -1);
}

Test (tariff_window, expired_band_row_falls_back_along_chain)
{
  gint64 nov10 = utc_ms (2026, 11, 10, 0, 0, 0);
  TariffRow rows[] = {
    deck_row ("44", OUT, DECK_BAND_WEEKEND, 0, nov10),
    deck_row ("44", OUT, DECK_BAND_OFFPEAK, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "4412", nov10 - 1, CALL_BAND_WEEKEND, 0);
  expect_row (t, OUT, "4412", nov10, CALL_BAND_WEEKEND, 1);
}

/* --- edges --- */

Test (tariff_edge, empty_deck)
{
  g_autoptr(Tariff) t = tariff_new (NULL, 0);
  cr_assert_eq (tariff_n_rows (t), 0);
  expect_row (t, OUT, "442079460000", 0, CALL_BAND_PEAK, -1);
  expect_row (t, IN, "4", 0, CALL_BAND_WEEKEND, -1);
  tariff_lookup_batch (t, 0, NULL, NULL, NULL, NULL, NULL, NULL);
}

Test (tariff_edge, lengths_1_and_15)
{
  TariffRow rows[] = {
    deck_row ("1", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("123456789012345", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("999999999999999", IN, DECK_BAND_ALL, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "1", 0, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "2", 0, CALL_BAND_PEAK, -1);
  expect_row (t, OUT, "123456789012345", 0, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "123456789012344", 0, CALL_BAND_PEAK, 0);
  expect_row (t, IN, "999999999999999", 0, CALL_BAND_PEAK, 2);
  expect_row (t, IN, "99999999999999", 0, CALL_BAND_PEAK, -1);
}

Test (tariff_edge, prefix_longer_than_number)
{
  TariffRow rows[] = {
    deck_row ("123456", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("12", IN, DECK_BAND_ALL, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "12345", 0, CALL_BAND_PEAK, -1);
  expect_row (t, OUT, "123456", 0, CALL_BAND_PEAK, 0);
  expect_row (t, IN, "1", 0, CALL_BAND_PEAK, -1);
}

Test (tariff_edge, length_bounds_the_number)
{
  /* the digits after LEN are not part of the number */
  TariffRow rows[] = {
    deck_row ("44", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("4420", OUT, DECK_BAND_ALL, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  cr_assert_eq (tariff_lookup (t, OUT, "442079", 3, 0, CALL_BAND_PEAK), 0);
  cr_assert_eq (tariff_lookup_naive (t, OUT, "442079", 3, 0, CALL_BAND_PEAK), 0);
  cr_assert_eq (tariff_lookup (t, OUT, "442079", 4, 0, CALL_BAND_PEAK), 1);
  cr_assert_eq (tariff_lookup (t, OUT, "442079", 0, 0, CALL_BAND_PEAK), -1);
}

Test (tariff_edge, leading_zeros_are_digits)
{
  TariffRow rows[] = {
    deck_row ("0", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("00", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("4", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("04", OUT, DECK_BAND_ALL, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "01", 0, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "001", 0, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "0041", 0, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "041", 0, CALL_BAND_PEAK, 3);
  expect_row (t, OUT, "41", 0, CALL_BAND_PEAK, 2);
}

Test (tariff_edge, batch_of_many_in_order)
{
  g_autoptr(Tariff) t = spec_deck ();
  gint64 at = utc_ms (2026, 11, 3, 10, 0, 0);
  const char *num[] = { "442079460000", "447700900123", "4413", "15551234567",
                        "448001234567", "442079460001", "442079460000", "4" };
  guint8 dir[] = { OUT, OUT, OUT, OUT, IN, IN, OUT, OUT };
  guint8 band[] = { CALL_BAND_PEAK, CALL_BAND_PEAK, CALL_BAND_PEAK, CALL_BAND_PEAK,
                    CALL_BAND_PEAK, CALL_BAND_PEAK, CALL_BAND_WEEKEND, CALL_BAND_PEAK };
  gint32 expected[] = { 2, 1, 0, -1, 4, -1, 3, -1 };
  char slots[8][16] = { { 0 } };
  guint8 len[8];
  gint64 start[8];
  gint32 out[8];

  for (guint i = 0; i < 8; i++)
    {
      len[i] = (guint8) strlen (num[i]);
      memcpy (slots[i], num[i], len[i]);
      start[i] = at;
    }
  tariff_lookup_batch (t, 8, dir, (const char (*)[16]) slots, len, start, band, out);
  for (guint i = 0; i < 8; i++)
    cr_assert_eq (out[i], expected[i], "call %u '%s': got %d, expected %d",
                  i, num[i], out[i], expected[i]);
}

Test (tariff_edge, batch_ignores_bytes_past_len)
{
  TariffRow rows[] = {
    deck_row ("44", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("4420794600001234", OUT, DECK_BAND_ALL, 0, OPEN),
  };
  char slots[3][16];
  guint8 dir[3] = { OUT, OUT, OUT }, len[3] = { 4, 8, 15 }, band[3] = { 0, 0, 0 };
  gint64 start[3] = { 0, 0, 0 };
  gint32 out[3];

  rows[1].prefix[15] = '\0';
  rows[1].prefix_len = 15;
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  memcpy (slots[0], "4420794600001234", 16);
  memcpy (slots[1], "44207946\xff\x80x/:09\x01\x00", 16);
  memcpy (slots[2], "442079460000123\xff", 16);
  tariff_lookup_batch (t, 3, dir, (const char (*)[16]) slots, len, start, band, out);
  cr_assert_eq (out[0], 0);
  cr_assert_eq (out[1], 0);
  cr_assert_eq (out[2], 1);
}

Test (tariff_edge, non_digit_ends_the_number)
{
  /* numbers are digits by contract; whatever else comes, index and
   * reference agree: no prefix matches past a non-digit */
  TariffRow rows[] = {
    deck_row ("4", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("44", OUT, DECK_BAND_ALL, 0, OPEN),
    deck_row ("4420", OUT, DECK_BAND_ALL, 0, OPEN),
  };
  g_autoptr(Tariff) t = tariff_new (rows, G_N_ELEMENTS (rows));
  expect_row (t, OUT, "44x20794", 0, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "4:20794", 0, CALL_BAND_PEAK, 0);
  expect_row (t, OUT, "442/794", 0, CALL_BAND_PEAK, 1);
  expect_row (t, OUT, "x4420", 0, CALL_BAND_PEAK, -1);
}

Test (tariff_edge, bad_direction_or_band_finds_nothing)
{
  g_autoptr(Tariff) t = spec_deck ();
  gint64 at = utc_ms (2026, 11, 3, 10, 0, 0);
  cr_assert_eq (tariff_lookup (t, 2, "4413", 4, at, CALL_BAND_PEAK), -1);
  cr_assert_eq (tariff_lookup_naive (t, 2, "4413", 4, at, CALL_BAND_PEAK), -1);
  cr_assert_eq (tariff_lookup (t, OUT, "4413", 4, at, (CallBand) 3), -1);
  cr_assert_eq (tariff_lookup_naive (t, OUT, "4413", 4, at, (CallBand) 3), -1);
  cr_assert_eq (batch_one (t, 2, "4413", at, CALL_BAND_PEAK), -1);
  cr_assert_eq (batch_one (t, OUT, "4413", at, (CallBand) 3), -1);
}

Test (tariff_edge, every_prefix_of_a_dense_deck)
{
  /* all 1000 three-digit prefixes and 1000 six-digit ones: the hash table
   * is as full as it gets, buckets overflow into their neighbours */
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (TariffRow));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 2000; i++)
    {
      char *p = i < 1000 ? g_strdup_printf ("%03u", i) : g_strdup_printf ("%06u", (i - 1000) * 997);
      g_ptr_array_add (names, p);
      TariffRow r = deck_row (p, OUT, DECK_BAND_ALL, 0, OPEN);
      g_array_append_val (rows, r);
    }
  g_autoptr(Tariff) t = tariff_new ((const TariffRow *) rows->data, rows->len);
  g_autoptr(GHashTable) six = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 1000; i < 2000; i++)
    g_hash_table_insert (six, names->pdata[i], GUINT_TO_POINTER (i));
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *number = g_strdup_printf ("%s%s", (char *) names->pdata[i], "12345");
      g_autofree char *first6 = g_strndup (number, 6);
      gpointer longer = g_hash_table_lookup (six, first6);
      expect_row (t, OUT, number, 0, CALL_BAND_OFFPEAK, longer ? (gint32) GPOINTER_TO_UINT (longer) : (gint32) i);
    }
}

/* --- property: random valid decks, index == reference --- */

#define N_BOUNDS 8
#define DAY_MS G_GINT64_CONSTANT (86400000)

typedef struct {
  GRand *rand;
  GPtrArray *prefixes;          /* distinct prefixes, owned */
  GHashTable *prefix_set;       /* "d/prefix" of every row: present per direction */
  GArray *rows;                 /* TariffRow */
  gint64 bounds[N_BOUNDS];      /* window boundaries, UTC ms */
} Gen;

typedef struct {
  guint n;
  guint8 *direction;
  char (*number)[16];
  guint8 *len;
  gint64 *start_ms;
  guint8 *band;
} Calls;

static void
gen_random_digits (GRand *r, char *out, guint n)
{
  for (guint i = 0; i < n; i++)
    out[i] = (char) ('0' + g_rand_int_range (r, 0, 10));
}

static void
gen_add_prefix (Gen *g, GHashTable *seen, const char *p)
{
  if (g_hash_table_contains (seen, p))
    return;
  char *copy = g_strdup (p);
  g_hash_table_add (seen, copy);
  g_ptr_array_add (g->prefixes, copy);
}

/* A nested chain 4, 44, 447, ..., then random roots and extensions. */
static void
gen_prefixes (Gen *g, guint n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *chain = "447700900123456";

  for (guint l = 1; l <= 15; l++)
    {
      g_autofree char *p = g_strndup (chain, l);
      gen_add_prefix (g, seen, p);
    }
  while (g->prefixes->len < n)
    {
      char buf[16] = { 0 };
      const char *base = g_ptr_array_index (g->prefixes,
                                            g_rand_int_range (g->rand, 0, (gint32) g->prefixes->len));
      guint blen = (guint) strlen (base);
      if (g_rand_int_range (g->rand, 0, 10) < 3 || blen >= 15)
        blen = 0;
      memcpy (buf, base, blen);
      guint add = (guint) g_rand_int_range (g->rand, 1, 4);
      add = MIN (add, 15 - blen);   /* MIN evaluates its arguments twice */
      gen_random_digits (g->rand, buf + blen, add);
      gen_add_prefix (g, seen, buf);
    }
}

static void
gen_push_row (Gen *g, const char *prefix, guint dir, guint band, gint64 from, gint64 to)
{
  TariffRow r = deck_row (prefix, dir, band, from, to);
  r.line = g->rows->len + 2;
  g_array_append_val (g->rows, r);
  g_hash_table_add (g->prefix_set, g_strdup_printf ("%u/%s", dir, prefix));
}

/* Successive, non-overlapping windows (with gaps sometimes) for one group. */
static void
gen_windows (Gen *g, const char *prefix, guint dir, guint band, guint max_rows)
{
  guint k = (guint) g_rand_int_range (g->rand, 1, 4);
  gint cur = g_rand_int_range (g->rand, 0, 4);

  for (guint w = 0; w < k && g->rows->len < max_rows && cur < N_BOUNDS; w++)
    {
      gint next = cur + g_rand_int_range (g->rand, 1, 4);
      gboolean open = next >= N_BOUNDS || (w + 1 == k && g_rand_boolean (g->rand));
      gen_push_row (g, prefix, dir, band, g->bounds[cur], open ? OPEN : g->bounds[next]);
      if (open)
        break;
      cur = next + (g_rand_int_range (g->rand, 0, 4) == 0);
    }
}

static void
gen_rows (Gen *g, guint n_rows)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (g->rows->len < n_rows)
    {
      const char *p = g_ptr_array_index (g->prefixes,
                                         g_rand_int_range (g->rand, 0, (gint32) g->prefixes->len));
      guint dir = (guint) g_rand_int_range (g->rand, 0, 2);
      guint band = (guint) g_rand_int_range (g->rand, 0, 4);
      char *group = g_strdup_printf ("%s/%u/%u", p, dir, band);
      if (!g_hash_table_add (groups, group))
        continue;
      gen_windows (g, p, dir, band, n_rows);
    }
}

/* The deck is valid: no two rows of one prefix, direction and band overlap. */
static void
gen_check_valid (const Gen *g)
{
  const TariffRow *r = (const TariffRow *) g->rows->data;

  for (guint i = 0; i < g->rows->len; i++)
    for (guint j = i + 1; j < g->rows->len; j++)
      if (r[i].direction == r[j].direction && r[i].band == r[j].band
          && strcmp (r[i].prefix, r[j].prefix) == 0)
        cr_assert (r[i].to_ms <= r[j].from_ms || r[j].to_ms <= r[i].from_ms,
                   "generated deck overlaps: rows %u and %u", i, j);
}

static void
gen_init (Gen *g, guint32 seed, guint n_rows)
{
  g->rand = g_rand_new_with_seed (seed);
  g->prefixes = g_ptr_array_new_with_free_func (g_free);
  g->prefix_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->rows = g_array_new (FALSE, TRUE, sizeof (TariffRow));
  for (guint i = 0; i < N_BOUNDS; i++)
    g->bounds[i] = utc_ms (2026, 1, 1, 0, 0, 0) + i * 5 * DAY_MS + i * 3600001;
  gen_prefixes (g, MAX (n_rows / 3, 20));
  gen_rows (g, n_rows);
}

static void
gen_clear (Gen *g)
{
  g_array_unref (g->rows);
  g_hash_table_unref (g->prefix_set);
  g_ptr_array_unref (g->prefixes);
  g_rand_free (g->rand);
}

/* A start instant: mostly on or next to a window boundary. */
static gint64
gen_instant (Gen *g)
{
  gint kind = g_rand_int_range (g->rand, 0, 10);
  gint64 lo = g->bounds[0] - 10 * DAY_MS, hi = g->bounds[N_BOUNDS - 1] + 10 * DAY_MS;

  if (kind < 6)
    return g->bounds[g_rand_int_range (g->rand, 0, N_BOUNDS)] + g_rand_int_range (g->rand, -1, 2);
  if (kind < 9)
    return lo + (gint64) (g_rand_double (g->rand) * (double) (hi - lo));
  return g_rand_boolean (g->rand) ? G_MININT64 / 2 : G_MAXINT64 - 1;
}

/* A number: a deck prefix extended, a prefix cut short, or random digits. */
static guint
gen_number (Gen *g, char *out)
{
  gint kind = g_rand_int_range (g->rand, 0, 10);
  const TariffRow *r = &g_array_index (g->rows, TariffRow,
                                       g_rand_int_range (g->rand, 0, (gint32) g->rows->len));
  guint len;

  if (kind < 7)
    {
      len = (guint) g_rand_int_range (g->rand, r->prefix_len, 16);
      memcpy (out, r->prefix, r->prefix_len);
      gen_random_digits (g->rand, out + r->prefix_len, len - r->prefix_len);
      return len;
    }
  if (kind < 8)
    {
      len = (guint) g_rand_int_range (g->rand, 1, r->prefix_len + 1);
      memcpy (out, r->prefix, len);
      return len;
    }
  len = (guint) g_rand_int_range (g->rand, 1, 16);
  gen_random_digits (g->rand, out, len);
  return len;
}

/* Fill a slot past LEN with digits and junk: the batch must not look there. */
static void
gen_slot_tail (Gen *g, char *slot, guint len)
{
  for (guint i = len; i < 16; i++)
    slot[i] = g_rand_boolean (g->rand) ? (char) ('0' + g_rand_int_range (g->rand, 0, 10))
                                       : (char) g_rand_int_range (g->rand, 0, 256);
}

static void
calls_init (Calls *c, Gen *g, guint n)
{
  c->n = n;
  c->direction = g_new (guint8, n);
  c->number = g_malloc0 ((gsize) n * 16);
  c->len = g_new (guint8, n);
  c->start_ms = g_new (gint64, n);
  c->band = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    {
      c->direction[i] = (guint8) g_rand_int_range (g->rand, 0, 2);
      c->len[i] = (guint8) gen_number (g, c->number[i]);
      gen_slot_tail (g, c->number[i], c->len[i]);
      c->start_ms[i] = gen_instant (g);
      c->band[i] = (guint8) g_rand_int_range (g->rand, 0, 3);
    }
}

static void
calls_clear (Calls *c)
{
  g_free (c->direction);
  g_free (c->number);
  g_free (c->len);
  g_free (c->start_ms);
  g_free (c->band);
}

static void
report_mismatch (const char *what, guint32 seed, const Calls *c, guint i, gint32 want, gint32 got)
{
  fprintf (stderr, "seed %u call %u (%s): dir %u number '%.*s' start %" G_GINT64_FORMAT
           " band %u: naive %d, got %d\n", seed, i, what, c->direction[i], c->len[i],
           c->number[i], c->start_ms[i], c->band[i], want, got);
}

/* Compare OUT with the reference; returns the number of mismatches. */
static guint
compare_all (const char *what, guint32 seed, const Calls *c, const gint32 *want, const gint32 *got)
{
  guint bad = 0;

  for (guint i = 0; i < c->n; i++)
    if (want[i] != got[i] && bad++ < 10)
      report_mismatch (what, seed, c, i, want[i], got[i]);
  return bad;
}

static void
run_batches (const Tariff *t, const Calls *c, guint size, gint32 *out)
{
  for (guint i = 0; i < c->n; i += size)
    {
      guint m = MIN (size, c->n - i);
      for (guint k = i; k < i + m; k++)
        out[k] = -7;
      tariff_lookup_batch (t, m, c->direction + i, (const char (*)[16]) (c->number + i),
                           c->len + i, c->start_ms + i, c->band + i, out + i);
    }
}

/* Is the answer a fallback: a shorter prefix, or a later band in the chain? */
static gboolean
is_fallback (const Gen *g, const Calls *c, guint i, const TariffRow *r)
{
  static const guint8 first_band[3] = { DECK_BAND_PEAK, DECK_BAND_OFFPEAK, DECK_BAND_WEEKEND };

  if (r->band != first_band[c->band[i]])
    return TRUE;
  for (guint l = c->len[i]; l > r->prefix_len; l--)
    {
      g_autofree char *key = g_strdup_printf ("%u/%.*s", c->direction[i], (int) l, c->number[i]);
      if (g_hash_table_contains (g->prefix_set, key))
        return TRUE;
    }
  return FALSE;
}

/* The answers exercise the rules: hits, misses and fallbacks all occur. */
static void
check_coverage (const Gen *g, const Tariff *t, const Calls *c, const gint32 *want)
{
  guint hits = 0, misses = 0, fallbacks = 0;

  for (guint i = 0; i < c->n; i++)
    {
      if (want[i] < 0)
        {
          misses++;
          continue;
        }
      hits++;
      fallbacks += is_fallback (g, c, i, tariff_row (t, want[i]));
    }
  cr_assert_gt (hits, c->n / 5, "too few hits: %u of %u", hits, c->n);
  cr_assert_gt (misses, c->n / 100, "too few misses: %u of %u", misses, c->n);
  cr_assert_gt (fallbacks, c->n / 100, "too few fallbacks: %u of %u", fallbacks, c->n);
}

static void
property_run (guint32 seed, guint n_rows, guint n_calls)
{
  static const guint sizes[] = { 1, 7, 1000, G_MAXUINT };
  Gen g;
  Calls c;

  gen_init (&g, seed, n_rows);
  gen_check_valid (&g);
  g_autoptr(Tariff) t = tariff_new ((const TariffRow *) g.rows->data, g.rows->len);
  calls_init (&c, &g, n_calls);
  g_autofree gint32 *want = g_new (gint32, n_calls);
  g_autofree gint32 *got = g_new (gint32, n_calls);

  for (guint i = 0; i < n_calls; i++)
    want[i] = tariff_lookup_naive (t, c.direction[i], c.number[i], c.len[i], c.start_ms[i],
                                   c.band[i]);
  check_coverage (&g, t, &c, want);
  for (guint i = 0; i < n_calls; i++)
    got[i] = tariff_lookup (t, c.direction[i], c.number[i], c.len[i], c.start_ms[i], c.band[i]);
  cr_assert_eq (compare_all ("lookup", seed, &c, want, got), 0, "tariff_lookup disagrees");
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      run_batches (t, &c, sizes[s], got);
      cr_assert_eq (compare_all ("batch", seed, &c, want, got), 0,
                    "tariff_lookup_batch (size %u) disagrees", sizes[s]);
    }
  calls_clear (&c);
  gen_clear (&g);
}

Test (tariff_property, seed_1_200_rows)
{
  property_run (1, 200, 100000);
}

Test (tariff_property, seed_2_1000_rows)
{
  property_run (2, 1000, 100000);
}

Test (tariff_property, seed_3_5000_rows)
{
  property_run (3, 5000, 100000);
}

Test (tariff_property, seed_4_2500_rows)
{
  property_run (4, 2500, 100000);
}

Test (tariff_property, seed_5_300_rows)
{
  property_run (5, 300, 100000);
}
