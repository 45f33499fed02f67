/* cdr.h — what a CDR format is, the normalised call, and the helpers every
 * format shares.
 *
 * A CdrFormat turns the CSV records of one kind of CDR file into CdrCalls
 * (billing.md §3): it binds the header's columns by name (or fixed positions
 * for headerless formats), then converts each record into a call, a reject
 * with a formats.md §2 reason code, or a skip (records that are not calls,
 * such as an SBC's CALL_START lines).  Everything a format shares — reading
 * numbers, times, durations, checking field length and encoding — lives in
 * cdr.c as cdr_* helpers.
 *
 * This is the bottom of the ingest stage: the formats (cdr-<name>.c) build on
 * it, the format table (cdrformats.h) lists them, and the one reader
 * (cdrreader.h) drives a format over a file for ingest and reconcile.  Nothing
 * here knows which formats exist.
 *
 * The data flows one way: CsvRecord -> CdrFormat.convert -> CdrCall -> store.
 * A CdrCall borrows its text from the CsvRecord; it is valid until the next
 * record is read.
 */
#pragma once

#include <glib.h>

#include "catalog/country.h"
#include "base/csvfile.h"
#include "catalog/number.h"
#include "base/tzmap.h"

#define CDR_MAX_FIELD 1024   /* longer fields are rejected as too_long */

typedef enum {
  CDR_OUT = 0,
  CDR_IN = 1,
} CdrDirection;

typedef enum {
  CDR_REJECT_CSV_SYNTAX,
  CDR_REJECT_MISSING_FIELD,
  CDR_REJECT_BAD_TIMESTAMP,
  CDR_REJECT_BAD_DURATION,
  CDR_REJECT_BAD_NUMBER,
  CDR_REJECT_BAD_DIRECTION,
  CDR_REJECT_TOO_LONG,
  CDR_REJECT_ENCODING,
  CDR_REJECT_AMBIGUOUS_NUMBER,
} CdrRejectReason;

/* How headerless switch CDRs (asterisk, freeswitch) tell in from out when
 * no configured context glob decides (see cdr_route_of_switch). */
typedef enum {
  CDR_DIRECTION_BY_CONTEXT,   /* the dialplan context: from-pstn, from-trunk, public... = in */
  CDR_DIRECTION_BY_SHAPE,     /* number shape: a short extension calling = out, called = in */
} CdrDirectionRule;

/* The dialplan contexts a source configures (--inbound-context,
 * --outbound-context, --internal-context; nightly `inbound_contexts`...):
 * NULL-terminated lists of globs (g_pattern_match_simple: `*` and `?`),
 * each NULL when none.  Borrowed by whoever is given them. */
typedef struct {
  char **inbound;
  char **outbound;
  char **internal;
} CdrContextGlobs;

/* What a PBX record is, by its context and numbers. */
typedef enum {
  CDR_ROUTE_OUT = 0,          /* == CDR_OUT */
  CDR_ROUTE_IN = 1,           /* == CDR_IN */
  CDR_ROUTE_INTERNAL,         /* extension to extension, or an internal context: not billed */
  CDR_ROUTE_UNKNOWN,          /* cannot tell: a bad_direction reject */
} CdrRoute;

/* An extension of the PBX (for internal calls): CDR_EXTENSION_MIN_DIGITS to
 * CDR_EXTENSION_MAX_DIGITS digits and nothing else, not starting with 0 (a
 * trunk or international prefix) and not a well-known emergency or service
 * short code (112, 911, 999, 110, ...).  No country's national numbers are
 * that short, so an extension is never a valid national number; a five- or
 * six-digit local number (dialled without its area code) is never taken for
 * an extension.  In a country without a trunk prefix whose national numbers
 * can be as short (Luxembourg, Niue, Saint Helena, Tokelau: --country), a
 * number of such a length is not an extension either. */
#define CDR_EXTENSION_MIN_DIGITS 2
#define CDR_EXTENSION_MAX_DIGITS 4

typedef struct {
  const char *p;              /* not NUL-terminated in general */
  gsize len;
} CdrText;

typedef struct {
  CdrText call_key;           /* unique per operator */
  CdrText leg_id;             /* the leg's own id when legs share call_key, else empty */
  CdrText leg_link;           /* the other leg's own id this leg names (FreeSWITCH
                               * bleg_uuid): the legs are one call; empty when none */
  int leg_rank;               /* of legs of one call, the highest rank is billed
                               * (equal ranks: the smallest leg id); 0: not a leg */
  CdrText guessed_context;    /* non-empty: the built-in rule guessed the direction
                               * from this context, which no configured glob matched */
  CdrText operator_slug;      /* operator from the record, empty when the format has none */
  CdrText tenant_id;          /* Teams tenant id, empty when unknown */
  CdrText user;               /* UPN or user label, empty when unknown */
  CdrDirection direction;
  RaterNumber caller;         /* len 0: withheld or unknown */
  RaterNumber callee;         /* the rated number */
  gint64 start_ms;            /* UTC milliseconds: answer time, else setup time */
  gint64 duration;            /* seconds, >= 0 */
  gboolean answered;
  int sip_code;               /* final SIP status, 0 when unknown */
  char key_buf[72];           /* storage for a derived call key */
} CdrCall;

typedef struct {
  CdrRejectReason reason;
  char detail[256];           /* lowercase phrase naming the field */
} CdrReject;

typedef struct {
  const RaterCountry *country;    /* --country; NULL when none */
  const char *area_code;          /* --area-code digits after the country code; NULL: none */
  const TzMap *tz;                /* --tz; NULL when none */
  CdrDirectionRule direction_by;  /* --direction-by */
  GPtrArray *context_globs[3];    /* GPatternSpec * by CdrRoute (OUT, IN, INTERNAL);
                                   * NULL: none.  Owned: cdr_context_clear_globs */
} CdrContext;

typedef enum {
  CDR_CALL,
  CDR_SKIP,
  CDR_REJECT,
  CDR_INTERNAL,               /* a call inside the PBX: counted, never stored or billed */
} CdrOutcome;

/* One kind of CDR file.  Built-in formats are const objects defined in
 * cdr-<name>.c and listed in cdrformats.c; a mapping profile is a CdrFormat
 * loaded at run time (cdr-profile.h) and freed by cdr_profile_free. */
/* One column of a header format: FIELD is the format's own index, NAMES the
 * header spellings accepted (case-insensitive, spaces around ignored). */
typedef struct {
  int field;
  const char *names[4];
  gboolean required;
} CdrColumn;

typedef struct _CdrFormat CdrFormat;

struct _CdrFormat {
  const char *name;               /* the --format value */
  const char *description;
  char delimiter;
  gboolean trim;                  /* drop spaces around unquoted fields */
  gboolean has_header;
  gboolean unquoted;              /* lines of free text: '"' is no CSV quote (csvfile_set_unquoted) */
  /* Does HEADER look like this format?  NULL for formats never detected. */
  gboolean (*detect) (const CdrFormat *format, const CsvRecord *header);
  /* Reader state for one file.  FIRST is the header row, or for headerless
   * formats the first record (which is then converted too), so that a file
   * that is plainly not this format is refused whole (RATER_ERROR_DATA). */
  gpointer (*bind) (const CdrFormat *format, const CsvRecord *first,
                    const CdrContext *ctx, GError **error);
  CdrOutcome (*convert) (gpointer state, const CsvRecord *rec,
                         const CdrContext *ctx, CdrCall *call, CdrReject *rej);
  void (*free_state) (gpointer state);
  gpointer data;                  /* format-private: a loaded profile's mapping */
  /* A header format whose columns are found by name sets these and uses
   * cdr_header_detect / cdr_header_bind as detect / bind: its reader state
   * is then the int[n_fields] of column indexes. */
  const CdrColumn *columns;
  guint n_columns;
  guint n_fields;                 /* the format's own field count (its F_* enum) */
  /* A headerless PBX format sets the field counts its records may have,
   * fewest first, and uses cdr_headerless_bind as bind. */
  const guint *field_counts;
  guint n_field_counts;
  /* A JSON rows format reads JSON row objects (base/jsonrows.h), not CSV
   * lines: the reader asks for the members named by its columns' first
   * names and binds a header of those names, so a JSON format is a header
   * format whose records come from JSON.  It is recognised by one of
   * JSON_CONTEXTS in a response's "@odata.context" (the function called, or
   * the row type), or for bare rows (JSON Lines) by the first row having the
   * member JSON_MEMBER. */
  gboolean json_rows;
  const char *json_contexts[2];
  const char *json_member;
};

/* The members a comma-separated format with a header found by column names
 * shares: its columns COLS and field count N (its F_* enum).  Use inside a
 * CdrFormat initialiser, with .name, .description and .convert. */
#define CDR_HEADER_FORMAT(cols, n)                                          \
  .delimiter = ',', .trim = TRUE, .has_header = TRUE,                       \
  .detect = cdr_header_detect, .bind = cdr_header_bind, .free_state = g_free, \
  .columns = (cols), .n_columns = G_N_ELEMENTS (cols), .n_fields = (n)

/* The same for a headerless PBX format whose records have one of COUNTS
 * fields (fewest first). */
#define CDR_HEADERLESS_FORMAT(counts)                                       \
  .delimiter = ',', .trim = FALSE, .has_header = FALSE,                     \
  .bind = cdr_headerless_bind, .free_state = g_free,                        \
  .field_counts = (counts), .n_field_counts = G_N_ELEMENTS (counts)

/* The formats.md §2 code of a reject reason ("bad_number"). */
const char *cdr_reject_code (CdrRejectReason reason);

/* ---- helpers for the formats ---- */

/* Fill INDEX[field] (n_fields entries, -1 when absent) from HEADER.  Fails
 * naming the first missing required column. */
gboolean cdr_bind_columns (const CsvRecord *header, const CdrColumn *columns,
                           guint n_columns, int *index, guint n_fields,
                           const char *format_name, GError **error);

/* A format's reader state for a header format: a g_free-able array of
 * N_FIELDS column indexes bound from HEADER (cdr_bind_columns). */
gpointer cdr_bind_state (const CdrFormat *format, const CsvRecord *header,
                         const CdrColumn *columns, guint n_columns, guint n_fields,
                         GError **error);

/* TRUE when HEADER has every required column of COLUMNS. */
gboolean cdr_header_matches (const CsvRecord *header, const CdrColumn *columns,
                             guint n_columns);

/* detect and bind of a header format from its columns / n_columns / n_fields. */
gboolean cdr_header_detect (const CdrFormat *format, const CsvRecord *header);
gpointer cdr_header_bind (const CdrFormat *format, const CsvRecord *header,
                          const CdrContext *ctx, GError **error);

/* Field IDX of REC (empty when IDX < 0 or past the end). */
CdrText cdr_field (const CsvRecord *rec, int idx);

/* Reject REC when any field is longer than CDR_MAX_FIELD or not UTF-8.
 * CHECK_UTF8 lists the field indexes to validate (-1 entries ignored). */
gboolean cdr_check_fields (const CsvRecord *rec, const int *check_utf8, guint n,
                           CdrReject *rej);

void cdr_reject (CdrReject *rej, CdrRejectReason reason, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

/* Case-insensitive equality of T with the NUL-terminated S. */
gboolean cdr_text_equal (CdrText t, const char *s);
gboolean cdr_text_empty (CdrText t);

/* A required field: rejects missing_field "missing NAME" when empty. */
gboolean cdr_require (CdrText t, const char *name, CdrReject *rej);

/* A timestamp: ISO 8601 when FORMAT is NULL, else a time_parse_format layout;
 * without an offset it is read in ctx->tz.  Rejects bad_timestamp. */
gboolean cdr_time (CdrText t, const char *name, const char *format,
                   const CdrContext *ctx, gint64 *ms, CdrReject *rej);

/* Whole or fractional seconds ("61", "61.2" -> 62).  Rejects bad_duration. */
gboolean cdr_seconds (CdrText t, const char *name, gint64 *seconds, CdrReject *rej);

/* Whole seconds from START to END, fractions rounded up; an end before the
 * start rejects bad_duration. */
gboolean cdr_seconds_between (gint64 start_ms, gint64 end_ms, gint64 *seconds,
                              CdrReject *rej);

/* A party number.  With WITHHELD_OK an unusable number leaves *out empty
 * instead of rejecting (the caller of an inbound call). */
gboolean cdr_number (CdrText t, const char *name, const CdrContext *ctx,
                     gboolean withheld_ok, RaterNumber *out, CdrReject *rej);

/* Compile GLOBS into CTX (replacing any it had).  FALSE (RATER_ERROR_USAGE)
 * for an empty glob. */
gboolean cdr_context_set_globs (CdrContext *ctx, const CdrContextGlobs *globs, GError **error);
void cdr_context_clear_globs (CdrContext *ctx);

/* The `;`-separated globs of a config value ("stadion-pstn; from-*") as a
 * NULL-terminated list with spaces around each trimmed and empty ones
 * dropped; NULL when VALUE is NULL or has none. */
char **cdr_context_globs_split (const char *value);

/* TRUE when T is an extension (see CDR_EXTENSION_MAX_DIGITS). */
gboolean cdr_is_extension (CdrText t);

/* "in"/"out"/"inbound"/"outbound" (any case) into *dir. */
gboolean cdr_direction_word (CdrText t, CdrDirection *dir);

/* The --direction-by / direction_by value: "dcontext" (or "context") and
 * NULL (the default) are CDR_DIRECTION_BY_CONTEXT, "shape" is
 * CDR_DIRECTION_BY_SHAPE; FALSE for anything else (*rule untouched). */
gboolean cdr_direction_rule_parse (const char *value, CdrDirectionRule *rule);

/* What a switch CDR is (billing.md §3 "direction"): CONTEXT is the
 * dialplan context, CALLER/CALLEE the raw numbers.  In order: a context
 * matching an internal glob, or caller and callee both extensions, is
 * CDR_ROUTE_INTERNAL; a context matching an inbound (else outbound) glob is
 * IN (OUT); otherwise ctx->direction_by decides — by context the built-in
 * words (from-pstn, from-trunk, public... = in, else out), and *GUESSED is
 * set; by shape, the numbers.  An empty context under the context rule, or
 * numbers the shape rule cannot tell, is CDR_ROUTE_UNKNOWN. */
CdrRoute cdr_route_of_switch (const CdrContext *ctx, CdrText context, CdrText caller,
                              CdrText callee, gboolean *guessed);

/* For headerless PBX formats: refuse a file whose first record is a header
 * row or has none of the N_COUNTS field counts, or whose times cannot be read
 * because no --tz was given. */
gboolean cdr_check_headerless (const CdrFormat *format, const CsvRecord *first,
                               const guint *counts, guint n_counts,
                               const CdrContext *ctx, GError **error);

/* bind of a headerless format from its field_counts (cdr_check_headerless);
 * the state is a placeholder freed with g_free. */
gpointer cdr_headerless_bind (const CdrFormat *format, const CsvRecord *first,
                              const CdrContext *ctx, GError **error);

/* Reject REC (missing_field "N fields, FORMAT CDRs have at least M") when it
 * has fewer fields than the format's fewest field count. */
gboolean cdr_check_field_count (const CdrFormat *format, const CsvRecord *rec, CdrReject *rej);

/* A short stable call key derived from the raw record (SHA-256, hex, 64
 * chars) into call->key_buf, for sources that log no unique id. */
void cdr_key_from_raw (CdrCall *call, const CsvRecord *rec);

/* The plausibility limits of timeparse.h, for every call of every format
 * (the reader applies it to each converted call): a start outside
 * 1970-01-01..2200-01-01 UTC rejects bad_timestamp, a duration over 7 days
 * bad_duration. */
gboolean cdr_check_plausible (const CdrCall *call, CdrReject *rej);

/* Common end of every convert(): answered := answered && duration > 0. */
void cdr_finish_call (CdrCall *call);

/* A final SIP status "100".."699" into *code; FALSE (code untouched) otherwise. */
gboolean cdr_sip_code (CdrText t, int *code);

/* The fields a PBX CDR (asterisk, freeswitch) has in common. */
typedef struct {
  CdrText caller, callee;     /* raw numbers */
  CdrText context;            /* dialplan context, for --direction-by context */
  CdrText start, answer;      /* local times; answer empty when unanswered */
  CdrText billsec;            /* talk time, seconds */
  gboolean answered;          /* the disposition/hangup cause says answered */
} CdrSwitchFields;

/* Direction, start (answer time, else setup), duration (billsec), numbers
 * and answered of a PBX CDR into CALL: CDR_CALL, CDR_INTERNAL (nothing else
 * read) or CDR_REJECT. */
CdrOutcome cdr_switch_call (const CdrSwitchFields *f, const CdrContext *ctx, CdrCall *call,
                            CdrReject *rej);
