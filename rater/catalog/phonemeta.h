/* phonemeta.h — the world's dialling metadata, from libphonenumber.
 *
 * A small C face on libphonenumber (C++), for the number normaliser
 * (billing.md §3).  At first use it reads the metadata the library ships
 * (every ITU-T region, plus the non-geographic codes) once and builds a
 * compact table, one PhoneMetaRegion per region: calling code, international
 * prefix, trunk prefix, the lengths of national significant numbers, of
 * numbers dialled only locally and of short codes.  Looking a region up is an
 * array index; nothing on the per-call path allocates.
 *
 * Validity (a number's digits against the region's patterns, billing.md §3
 * rule 8) is libphonenumber's IsValidNumberForRegion logic on the same
 * metadata — the general description, then one number type, each by length
 * and pattern — with the patterns compiled as GRegex the first time a region
 * is asked (libphonenumber's own ICU regular expressions cost about 7 µs a
 * number; this about 1).  Short numbers ask libphonenumber's ShortNumberInfo,
 * cached: they are few and repeat.
 *
 * Every function is thread-safe.  Nothing here is ever freed: the table lives
 * as long as the process.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PHONEMETA_MAX_PREFIX 8

typedef struct _PhoneMetaRegion PhoneMetaRegion;

struct _PhoneMetaRegion {
  char region[4];                         /* libphonenumber region id, "GB" */
  char calling_code[4];                   /* E.164 country code digits, "44", "1" */
  char intl_prefix[PHONEMETA_MAX_PREFIX]; /* the international prefix when it is one
                                           * literal, "00", "011", "810"; "" when it is
                                           * a pattern (intl_pattern) or there is none */
  gpointer intl_pattern;                  /* a GRegex anchored at the start, for the
                                           * regions whose prefix is a pattern
                                           * (KR 00[125689]...); NULL otherwise */
  char trunk_prefix[PHONEMETA_MAX_PREFIX];/* national (trunk) prefix, "0", "8", "06"; ""
                                           * where the region has none (ES, IT, DK) */
  gpointer trunk_pattern;                 /* a GRegex anchored at the start where the
                                           * metadata parses more than the one prefix
                                           * (BY "0|80?", LT "[08]", MX); NULL otherwise */
  guint32 nsn_lengths;                    /* bit n set: national significant numbers
                                           * of n digits exist */
  guint32 local_lengths;                  /* bit n: numbers of n digits dialled only
                                           * within an area (without its area code) */
  guint32 short_lengths;                  /* bit n: short codes (112, 999, 116123) of
                                           * n digits; 0 when the region has none */
  guint8 nsn_min;                         /* shortest national significant number */
  guint8 short_max;                       /* longest short code, 0 when none */
  gboolean nanp;                          /* North American Numbering Plan (code 1) */
};

/* The metadata of region ALPHA2 (ISO 3166-1 alpha-2, upper case, as
 * libphonenumber names regions), or NULL when libphonenumber has none. */
const PhoneMetaRegion *phonemeta_region (const char *alpha2);

/* The main region of the calling code given as digits ("47" -> NO), for the
 * territories libphonenumber does not list (BV, HM, ...); NULL when unknown. */
const PhoneMetaRegion *phonemeta_region_for_code (const char *calling_code);

/* The number of leading digits of DIGITS[0..N) that form an assigned country
 * calling code (1 to 3), or 0 when they start with none ("0...", "28..."). */
gsize phonemeta_calling_code_len (const char *digits, gsize n);

/* The length of the international prefix of REGION that DIGITS[0..N) starts
 * with, 0 when it starts with none. */
gsize phonemeta_intl_prefix_len (const PhoneMetaRegion *region, const char *digits, gsize n);

/* The length of the trunk prefix of REGION that DIGITS[0..N) starts with
 * (the literal prefix, or what the metadata's pattern for it matches), 0
 * when it starts with none. */
gsize phonemeta_trunk_prefix_len (const PhoneMetaRegion *region, const char *digits, gsize n);

/* Is NSN[0..N) a valid national significant number of REGION (patterns and
 * lengths of libphonenumber's metadata)? */
gboolean phonemeta_valid_national (const PhoneMetaRegion *region, const char *nsn, gsize n);

/* Is NUMBER[0..N), dialled in REGION, one of its valid short numbers
 * (libphonenumber's short-number metadata: emergency, service codes)? */
gboolean phonemeta_valid_short (const PhoneMetaRegion *region, const char *number, gsize n);

/* Are DIGITS[0..N) (country code first, no '+') a valid number of some
 * region or non-geographic service? */
gboolean phonemeta_valid_international (const char *digits, gsize n);

/* The same two questions put to libphonenumber's PhoneNumberUtil itself
 * (slow: its regular expressions are ICU's).  The functions above answer
 * them from the same metadata with the same logic on GRegex; these are the
 * reference the tests hold them to. */
gboolean phonemeta_reference_valid_national (const PhoneMetaRegion *region, const char *nsn,
                                             gsize n);
gboolean phonemeta_reference_valid_international (const char *digits, gsize n);

/* How many regions the table holds (geographic ones, excluding "001"). */
gsize phonemeta_n_regions (void);

G_END_DECLS
