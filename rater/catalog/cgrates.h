/* cgrates.h — converting a CGRateS tariff plan into a rater catalog
 * (`rater catalog convert --from cgrates SRC DIR`, README "Converting a
 * CGRateS tariff plan").
 *
 * cgrates_convert() reads Destinations.csv, Rates.csv, DestinationRates.csv,
 * Timings.csv, RatingPlans.csv and RatingProfiles.csv of SRC (CGRateS's
 * positional columns, '#' lines skipped) and writes a catalog directory DIR
 * that an operator reviews, completes and imports: one deck and one plan
 * per RatingPlan (rate slots become the row's rate, increment and tiers;
 * rounding and MaxCost the plan's call_rounding, call_decimals and the
 * rows' max_charge; timings the plan's peak days and hours, the bands and
 * holidays), one account per RatingProfile subject, one operator per
 * tenant.  What rater needs and CGRateS lacks comes from OPTIONS or is
 * written as TODO (listed in NOTES).  Whatever cannot be expressed is
 * listed in PROBLEMS as "file:line: reason" and left out of DIR, never
 * approximated.
 */
#pragma once

#include <glib.h>

typedef struct {
  const char *operator_slug;  /* NULL: the tenant */
  const char *currency;       /* ISO 4217; NULL: TODO */
  const char *country;        /* accounts' ISO 3166 country, and the holidays'; NULL: TODO */
  const char *timezone;       /* accounts' IANA zone; NULL: TODO */
  const char *tax_rate;       /* accounts' tax rate, percent; NULL: TODO */
} CgratesOptions;

/* Convert SRC into the new directory DIR (it must not exist, or be
 * empty).  FALSE with ERROR only when a file cannot be read or written;
 * PROBLEMS and NOTES (char*) receive what was left out and what is TODO. */
gboolean cgrates_convert (const char *src, const char *dir, const CgratesOptions *options,
                          GPtrArray *problems, GPtrArray *notes, GError **error);
