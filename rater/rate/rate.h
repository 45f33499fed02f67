/* rate.h — `rater rate`: rating or re-rating stored calls (billing.md §4-§6, §8).
 *
 * rate_run() loads the catalog once (plans, decks compiled into Tariffs,
 * account zones), streams every call through the rating core in batches
 * spread over a GLib thread pool, writes the results in call order, then
 * applies bundles per account and period in (start, call key) order.  All of
 * it is one transaction: a run killed half-way changes nothing.
 *
 * Calls of open periods are rated from scratch every run (re-rating after a
 * catalog change gives what a fresh database would).  Each call is read with
 * its stored rating and only a rating that differs is written (inserted,
 * rewritten in place, or with --period dropped), so a re-rate after a small
 * catalog change writes little.  A closed period's
 * ratings never change; a call for a closed period that has no rating yet is
 * rated late: its own start's rows and band, never bundled.
 *
 * A rate with nothing to do returns at once (stats->skipped): when the
 * last complete rate (no --period) left the database as it is now.  It
 * recorded (rate_last, schemas/015) the count of changes the triggers keep
 * (rate_changes: calls updated or deleted; closed and purged periods;
 * ratings changed by other writers), the highest call id (calls inserted
 * since have higher ones), a digest of the catalog's
 * tables and of its accounts' zone files, the rating rules of the binary
 * (RATE_RULES) and its summary; a rate that finds all of these the same,
 * the aggregates current (no journal, zones as the catalog's), gives that
 * summary again and reads no call.  A rate --period always rates, and the
 * next complete rate after it too.  The check, the loading and the rating
 * are one transaction: the catalog digested is the catalog rated from.
 *
 * Shards (rate --shard K/N, several workers on one database): a call
 * belongs to the account it resolves to (rate_accounts_resolve), and an
 * account to shard rate_shard_of (its slug, N): FNV-1a (64 bits) of the
 * slug's bytes, modulo N, plus one.  A call that resolves to no account
 * (unrated unknown_account) belongs to shard 1.  A sharded run reads and
 * resolves every call but rates, counts and writes only its own (a call
 * another shard owns is left as it is, its stored rating too), so the N
 * shards together rate every call exactly once, and each account's
 * bundle pools whole.  A sharded run never skips (rate_last describes
 * whole runs) and, like a rate --period, forgets the last complete rate,
 * so the next unsharded rate rates everything.  Writers are serialised by
 * the store's write transaction (store_begin), so shards run one after
 * another or at once give the same database as one run.
 *
 * Around a run that mostly inserts, the ratings indexes and the ratings
 * triggers that journal only while agg_control.journal is on (off in the
 * run's transaction) are dropped, and created again from their stored SQL
 * before the commit.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef struct {
  const char *period;       /* YYYY-MM: only calls of this period; NULL: all */
  guint threads;            /* worker threads for the core; 0: one per CPU */
  guint batch_size;         /* calls per batch, 1..RATE_BATCH_MAX; 0: the maximum */
  guint shard, shards;      /* only the calls of shard SHARD of SHARDS (1 <= SHARD <=
                             * SHARDS); 0 and 0: every call */
} RateOptions;

#define RATE_SHARDS_MAX 1024

/* The shard (1..SHARDS) of the account ACCOUNT (its slug): FNV-1a 64 of
 * its bytes, modulo SHARDS, plus one.  SHARDS >= 1. */
guint rate_shard_of (const char *account, guint shards);

/* "K/N" (1 <= K <= N <= RATE_SHARDS_MAX) into *SHARD and *SHARDS;
 * RATER_ERROR_USAGE naming the form otherwise. */
gboolean rate_parse_shard (const char *text, guint *shard, guint *shards, GError **error);

typedef struct {
  guint64 calls;            /* calls whose rating was written */
  guint64 rated, free, unanswered, unrated;
  guint64 unknown_account, no_rate;   /* unrated, by reason */
  guint64 implausible, overflow;      /* unrated: start or duration out of limits,
                                       * charge beyond 64 bits (ratecore.h) */
  guint64 late;             /* rated late (closed period) */
  guint64 kept;             /* closed-period calls left as they were */
  guint64 bundled;          /* calls that drew on a bundle */
  gboolean skipped;         /* nothing changed since the last complete rate:
                             * its figures, nothing read or written */
} RateStats;

gboolean rate_run (StoreDb *db, const RateOptions *opts, RateStats *stats, GError **error);
