/* number.h — normalisation of CDR party numbers to E.164 digits (billing.md §3).
 *
 * A CDR writes a party as "+44 20 7946 0000", "tel:+1-555-0100",
 * "sip:0049301234@sbc.example.com", "0207 946 0000", "911", "211474" or
 * "4930123***".  number_normalise() turns it into the E.164 digits without
 * '+': it strips scheme, host and punctuation, then applies the eight rules of
 * billing.md §3 with the context country's dialling metadata (libphonenumber,
 * see phonemeta.h): '+' and an assigned country code; the international
 * prefix; the trunk prefix before a national-length number; NANP 10 digits;
 * short codes; national numbers of a country without trunk prefix; local
 * numbers (placed with the area code, else ambiguous); otherwise whichever
 * of the international and national readings is a valid number, when exactly
 * one is.  The result is 3..15 digits.  Trailing '*' (masked digits) are
 * dropped and reported in RaterNumber.masked.
 *
 * It never allocates on the common path; rule 8 asks libphonenumber, whose
 * answers are cached (phonemeta.h).
 */
#pragma once

#include <glib.h>
#include "catalog/country.h"

#define NUMBER_MAX_DIGITS 15
#define NUMBER_MAX_AREA_CODE 6   /* digits of an --area-code */

typedef enum {
  NUMBER_OK = 0,
  NUMBER_EMPTY,        /* nothing left after stripping (empty, only punctuation) */
  NUMBER_TEXT,         /* letters or other non-digit text ("anonymous", "Restricted") */
  NUMBER_NO_CONTEXT,   /* national-format number and no country context given */
  NUMBER_TOO_SHORT,    /* fewer than 3 digits after normalisation */
  NUMBER_TOO_LONG,     /* more than 15 digits after normalisation */
  NUMBER_NO_COUNTRY_CODE, /* international ('+', international prefix) but no assigned
                           * country calling code follows ("+0123456789") */
  NUMBER_LOCAL,        /* rule 7: a local number and no area code given */
  NUMBER_AMBIGUOUS,    /* rule 8: valid both as international and as national */
  NUMBER_UNPLACED,     /* rule 8: valid neither as international nor as national */
} NumberStatus;

typedef struct {
  char digits[NUMBER_MAX_DIGITS + 1];  /* E.164 digits, no '+', NUL-terminated */
  guint8 len;                          /* strlen (digits) */
  gboolean masked;                     /* the source masked trailing digits with '*' */
} RaterNumber;

/* Normalise LEN bytes of TEXT (need not be NUL-terminated) in the numbering
 * context CTX (NULL: none) with AREA_CODE (digits as they follow the country
 * code, from number_area_code_parse; NULL or "": none).  On NUMBER_OK *out
 * holds the result; otherwise *out is zeroed.  Never fails for any byte
 * sequence. */
NumberStatus number_normalise (const char *text, gsize len, const RaterCountry *ctx,
                               const char *area_code, RaterNumber *out);

/* Is STATUS one of the "cannot place it" outcomes (formats.md reject
 * ambiguous_number) rather than a bad number? */
gboolean number_status_is_ambiguous (NumberStatus status);

/* A short lowercase phrase for a status, for reject details ("letters in
 * number"); for the ambiguous ones it names the fix. */
const char *number_status_to_string (NumberStatus status);

/* Check an --area-code TEXT for COUNTRY and write the digits to prepend
 * after the country code into OUT (NUMBER_MAX_AREA_CODE + 1 bytes): 1 to 6
 * digits, spaces and '-' ignored; where the trunk prefix is "0" a leading 0
 * is that prefix and dropped ("020" -> "20").  FALSE, with a lowercase
 * reason in ERROR (RATER_ERROR_USAGE is the caller's to pick), when it is
 * not such a code or COUNTRY is NULL. */
gboolean number_area_code_parse (const RaterCountry *country, const char *text, char *out,
                                 GError **error);
