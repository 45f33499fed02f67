/* number.h — normalisation of CDR party numbers to E.164 digits (billing.md §3).
 *
 * A CDR writes a party as "+44 20 7946 0000", "tel:+1-555-0100",
 * "sip:0049301234@sbc.example.com", "0207 946 0000", "911" or "4930123***".
 * number_normalise() turns it into the E.164 digits without '+', applying, in
 * this order: strip scheme/host/punctuation; '+digits'; the country's
 * international prefix; its trunk prefix (when what follows is long enough for a
 * national number); NANP 10-digit; short codes (< 7 digits) get the country code;
 * otherwise taken as international.  The result is 3..15 digits.  Trailing '*'
 * (masked digits) are dropped and reported in RaterNumber.masked.
 *
 * It never allocates: it runs twice per CDR on the ingest hot path.
 */
#pragma once

#include <glib.h>
#include "catalog/country.h"

#define NUMBER_MAX_DIGITS 15

typedef enum {
  NUMBER_OK = 0,
  NUMBER_EMPTY,        /* nothing left after stripping (empty, only punctuation) */
  NUMBER_TEXT,         /* letters or other non-digit text ("anonymous", "Restricted") */
  NUMBER_NO_CONTEXT,   /* national-format number and no country context given */
  NUMBER_TOO_SHORT,    /* fewer than 3 digits after normalisation */
  NUMBER_TOO_LONG,     /* more than 15 digits after normalisation */
} NumberStatus;

typedef struct {
  char digits[NUMBER_MAX_DIGITS + 1];  /* E.164 digits, no '+', NUL-terminated */
  guint8 len;                          /* strlen (digits) */
  gboolean masked;                     /* the source masked trailing digits with '*' */
} RaterNumber;

/* Normalise LEN bytes of TEXT (need not be NUL-terminated) in the numbering
 * context CTX (NULL: none).  On NUMBER_OK *out holds the result; otherwise
 * *out is zeroed.  Never allocates, never fails for any byte sequence. */
NumberStatus number_normalise (const char *text, gsize len,
                               const RaterCountry *ctx, RaterNumber *out);

/* A short lowercase phrase for a status, for reject details ("letters in number"). */
const char *number_status_to_string (NumberStatus status);
