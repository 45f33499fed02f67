/* nightly.h — the unattended nightly run (cli.md `rater nightly`).
 *
 * A NightlyConfig (nightly-config.h) says what to do and where;
 * nightly_run() then does, in order:
 *
 *  1. catalog: re-imports the catalog directory when its digest differs from
 *     the last import's (a refused catalog is reported, the previous one
 *     stays in force and nothing is issued this run);
 *  2. fetch: for every [source NAME] of type = graph, from Microsoft Graph
 *     into its directory (graphfetch.h), the UTC days after the last one it
 *     fetched whole up to yesterday (of "now"), at most catch_up_days of
 *     them (nightly-graph.h); each 90-day window's last day is recorded
 *     once its pages are all written.  A failed fetch is logged and
 *     counted, keeps the pages it completed, and the run goes on; nothing is
 *     issued that run (step 5), nor when days over the cap were missed;
 *  3. ingest: every new file of every [source NAME] directory, in byte order
 *     of names (hidden files and *.part / *.tmp skipped), with the source's
 *     format and context; an ingested file moves to ARCHIVE/NAME/, a refused
 *     one to QUARANTINE/NAME/ beside a NAME.reason text.  A file is taken
 *     only once settled (nightly_files_settle: unchanged for settle_seconds)
 *     and is left in place, for the next run, when it changed while it was
 *     read (what was read is stored; the next run counts it as duplicates);
 *  4. rate: every call of open periods;
 *  5. issue: on or after ISSUE_DAY of the month, the previous period of
 *     every operator, documents under OUTPUT/invoices/PERIOD/ (rewritten,
 *     byte for byte the same, every later night);
 *  6. drafts of the current period (the UTC month of "now") and of the
 *     previous one until it is issued, under OUTPUT/drafts/PERIOD/;
 *  7. reports of both periods under OUTPUT/reports/PERIOD/: NAME.csv or
 *     NAME.json per table report of the config's list (reportset.h), the
 *     charts under charts/.
 *
 * Every step is a transaction or writes through temporary files, and each
 * is idempotent, so a run killed at any moment and run again gives the same
 * database and files as one uninterrupted run: an ingested file that was not
 * moved yet is recognised by its bytes and only moved; stale temporaries of
 * a killed run are removed from OUTPUT, QUARANTINE and ARCHIVE at the start
 * (under the lock).
 *
 * The run creates the directories it owns when missing (the database's,
 * the lock's, OUTPUT, ARCHIVE, QUARANTINE; mode 0750).
 *
 * Shards (NightlyOptions.shards: `rater nightly --shard K/N`, N workers
 * with the same config against one database, at once or one after
 * another, on one machine or several sharing the directories): each takes
 * the lock LOCK.K-of-N instead of LOCK, and
 *
 *  - shard 1 alone imports the catalog, fetches from Graph and removes the
 *    stale temporaries of ARCHIVE and QUARANTINE, then records that in
 *    the database (nightly_shards, schemas/017, with why nothing may be
 *    issued tonight, if so); the other shards wait for that record of the
 *    night (up to NIGHTLY_SHARD_WAIT_S, then RATER_ERROR_TEMPFAIL), so
 *    none ingests without the night's catalog;
 *  - every shard ingests every source (shared: a worker claims a file with
 *    flock(2) before reading it, nightly_files_claim, and one another worker
 *    archived or quarantined meanwhile is passed over; ingest itself never
 *    stores a call twice), then rates only its accounts' calls
 *    (rate.h: FNV-1a of the account's slug; calls without an account are
 *    shard 1's) and records that it rated;
 *  - the shard that finds all N shards rated for the night (exactly one
 *    when they run once each; a shard run again that night finds it too,
 *    and the steps are idempotent) does what is the whole database's:
 *    issue (held when shard 1 recorded a reason), drafts, reports and
 *    purge, for every account, as an unsharded run does.  A shard killed
 *    mid-run and run again ends the night where an uninterrupted one would.
 *
 * Invoice numbers stay gap-free with concurrent issuers: issuing is one
 * write transaction per operator (store_begin: BEGIN IMMEDIATE on SQLite,
 * the store's advisory lock on PostgreSQL, taken before the next number is
 * read), so issuers run one after another and a second finds the invoices
 * there.
 *
 * "Now" is time_now_ms() (RATER_NOW fixes it for tests and replays); the
 * settle time is measured on the real clock.
 */
#pragma once

#include <glib.h>

#include "ingest/ingest.h"
#include "nightly/nightly-config.h"

typedef struct {
  /* ingest progress, as IngestOptions.progress; NULL for none */
  void (*progress) (const char *path, guint64 done, guint64 total, gpointer data);
  gpointer progress_data;
  gboolean wait;                /* wait for the lock instead of failing */
  guint shard, shards;          /* shard SHARD of SHARDS (rate.h); 0 and 0: unsharded */
} NightlyOptions;

/* How long a shard other than 1 waits for shard 1's catalog of the night. */
#define NIGHTLY_SHARD_WAIT_S 3600

typedef struct {
  char today[11];               /* YYYY-MM-DD (UTC) the run took as today */
  char period[8];               /* the current period */
  char previous[8];             /* the period before it */
  gboolean catalog_imported;
  gboolean catalog_refused;
  guint graph_sources;          /* sources of type = graph */
  guint fetch_failed;           /* of them, those whose fetch failed */
  int fetch_status;             /* the exit status of the first failed fetch */
  guint fetch_missed_days;      /* days over catch_up_days not fetched (logged) */
  guint fetched_pages;
  guint64 fetched_rows;
  guint files, archived, quarantined, skipped;
  guint unsettled;              /* files left for the next run: still being written */
  IngestStats ingest;
  guint64 rated, unrated;
  guint drafted;
  guint issued;                 /* invoices numbered by this run */
  gboolean issue_run;           /* the previous period was issued (or re-issued) */
  gboolean issue_held;          /* due, but held: a Graph fetch failed or missed days */
  guint reports;                /* report files written */
  gboolean purge_run;           /* retention_months set: the purge step ran */
  guint purged;                 /* periods purged */
  guint purge_refused;          /* periods refused (open disputes, late calls not billed) */
  guint shard, shards;          /* NightlyOptions' */
  gboolean last_shard;          /* sharded: this shard found every shard rated and did the
                                 * whole database's steps (issue, drafts, reports, purge) */
} NightlySummary;

/* The whole run under the lock (RATER_ERROR_TEMPFAIL when another run holds
 * it and !OPTS->wait).  Returns FALSE only when the run had to stop; refused
 * files and a refused catalog are counted in SUMMARY, not errors. */
gboolean nightly_run (const NightlyConfig *config, const NightlyOptions *opts,
                      NightlySummary *summary, GError **error);
