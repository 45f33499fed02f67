/* reconcile.h — two CDR sources of any formats matched call by call, in memory.
 *
 * A ReconSide is one CDR file read through the CdrReader (cdrreader.h), the
 * reader ingest uses, so with the same normalisation (E.164 digits, UTC
 * milliseconds, answered duration, call key), but kept in memory: nothing is
 * written to a database.
 * Rejected records are counted and described ("file:line: reason: detail"),
 * never silently dropped.  Records sharing a call key within one side are
 * collapsed as ingest does: of legs sharing a key (Teams DR legs with a Shared
 * correlation ID, Asterisk rows sharing a linkedid) the highest leg rank is
 * kept, ties going to the smallest leg id; of plain repeats the first in the
 * file is kept.  The others count as duplicates and take no part in matching.
 *
 * reconcile_match() pairs the kept calls of two sides, each call used at most
 * once, in two phases:
 *
 *  1. call key: a call whose key is also a key of the other side is matched to
 *     it, whatever the times (keys of different namespaces simply never meet);
 *  2. time: the calls left over are paired when their callers and callees
 *     agree and their starts are at most the tolerance apart (|Δ| <= N s,
 *     compared in milliseconds), nearest first: every candidate pair within
 *     tolerance is collected, sorted by |Δ|, then by the left call's rank and
 *     the right call's rank in (start, key, line) order, and accepted when
 *     neither call is taken yet.
 *
 * Numbers agree when equal; a masked number (trailing digits written as '*',
 * RaterNumber.masked) agrees with any number that begins with its visible
 * digits — the mask's length is not known after normalisation, so length is
 * not compared.  Candidates are looked for among calls whose caller and callee
 * share their first RECONCILE_BUCKET_DIGITS digits, so a masked number must
 * show at least that many (Teams shows all but the last 3 or 4).  A withheld
 * caller (no digits) agrees only with another withheld caller.
 *
 * Memory: about 120 bytes per call plus its key text; 1M + 1M calls take
 * roughly 300 MB.
 */
#pragma once

#include <glib.h>

#include "ingest/cdr.h"

#define RECONCILE_BUCKET_DIGITS 6

/* Reading context shared by both sides, as for ingest. */
typedef struct {
  const char *operator_slug;      /* --operator; NULL: the records' operator column */
  const char *country;            /* --country (ISO 3166 alpha-2); NULL: none */
  const char *tz;                 /* --tz (IANA); NULL: none */
  CdrDirectionRule direction_by;  /* --direction-by for PBX formats */
  guint max_reported;             /* reject messages kept per side */
  CdrContextGlobs contexts;       /* --inbound-context... for PBX formats (borrowed) */
  const char *area_code;          /* --area-code of local numbers; NULL: none */
} ReconcileReadOptions;

/* One normalised call of a side. */
typedef struct {
  gint64 start_ms;            /* UTC milliseconds: answer time, else setup time */
  gint64 duration;            /* seconds, >= 0 */
  guint64 line;               /* 1-based line of the record in its file */
  guint32 key_off, key_len;   /* call key, in the side's arena */
  guint32 leg_off, leg_len;   /* leg id (legs sharing a key), in the arena */
  guint32 tenant_off, tenant_len;   /* tenant id, in the arena; empty when unknown */
  const char *operator_slug;  /* interned by the side; NULL when unknown */
  RaterNumber caller;         /* len 0: withheld */
  RaterNumber callee;
  guint8 direction;           /* CdrDirection */
  guint8 answered;            /* boolean */
  guint8 leg_rank;            /* 0 for a call that is not a leg */
  guint8 duplicate;           /* boolean: collapsed into another call of the key */
} ReconRecord;

typedef struct {
  guint64 records;            /* records read: calls + duplicates + rejects */
  guint64 calls;              /* calls kept (records - duplicates - rejects) */
  guint64 duplicates;         /* repeats of a call key, legs of a kept call */
  guint64 rejects;
  guint64 ignored;            /* records that are not calls (format filters) */
  guint64 seconds;            /* duration of the kept calls, seconds */
} ReconSideStats;

typedef struct {
  char *path;                 /* the file */
  char *format;               /* the format's name, given or recognised */
  GArray *records;            /* ReconRecord, file order (duplicates marked) */
  GByteArray *arena;          /* text of keys, leg ids and tenants */
  GHashTable *slugs;          /* interned operator slugs */
  GPtrArray *messages;        /* "path:line: reason: detail" of the first rejects */
  guint32 *order;             /* kept calls' indexes sorted by (start, key, line) */
  guint32 *rank;              /* [records->len] position in ORDER; G_MAXUINT32 for duplicates */
  guint32 *by_key;            /* kept calls' indexes sorted by key */
  guint n_kept;               /* length of ORDER and BY_KEY */
  ReconSideStats stats;
} ReconSide;

/* Read PATH with FORMAT (a --format name, "profile:FILE", or NULL to
 * recognise it from the header) into a side with its duplicates collapsed.
 * Fails with RATER_ERROR_DATA when the file is refused whole (unreadable,
 * empty, wrong or missing header; the message prefixed "'PATH': ") and
 * RATER_ERROR_USAGE for bad options (naming no file).  ERROR may be NULL. */
ReconSide *reconcile_side_read (const char *path, const char *format,
                                const ReconcileReadOptions *opts, GError **error);
void reconcile_side_free (ReconSide *side);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReconSide, reconcile_side_free)

/* Both sides at once, the left one on a second thread.  On failure neither
 * is returned and ERROR names the file. */
gboolean reconcile_read_pair (const char *left_path, const char *left_format,
                              const char *right_path, const char *right_format,
                              const ReconcileReadOptions *opts, ReconSide **left,
                              ReconSide **right, GError **error);

/* The call key of R (not NUL-terminated), its leg id and tenant id. */
CdrText reconcile_record_key (const ReconSide *side, const ReconRecord *r);
CdrText reconcile_record_tenant (const ReconSide *side, const ReconRecord *r);

/* TRUE when numbers A and B may be the same party (see above). */
gboolean reconcile_numbers_agree (const RaterNumber *a, const RaterNumber *b);

typedef struct {
  guint32 left, right;        /* record indexes in their sides */
  gint64 delta_ms;            /* right start - left start */
  gboolean by_key;            /* matched in phase 1 */
} ReconPair;

typedef struct {
  GArray *pairs;              /* ReconPair, by the left call's (start, key, line) */
  GArray *left_only;          /* guint32 record indexes, by (start, key, line) */
  GArray *right_only;
  guint64 by_key, by_time;    /* pairs matched in each phase */
} ReconMatch;

/* Match the kept calls of LEFT and RIGHT; TOLERANCE_MS >= 0. */
ReconMatch *reconcile_match (const ReconSide *left, const ReconSide *right, gint64 tolerance_ms);
void reconcile_match_free (ReconMatch *match);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReconMatch, reconcile_match_free)
