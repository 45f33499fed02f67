/* callwriter.h — storing normalised calls and rejects on a writer thread.
 *
 * Ingest is two stages that run on the two cores at once: the reading thread
 * parses and normalises records into a CallBatch (fixed-size rows plus one
 * arena for their text), and the writer thread inserts whole batches with
 * prepared statements.  A few batches circulate between the two through
 * queues, so memory stays bounded whatever the file size.  Between
 * callwriter_start() and callwriter_finish() the writer thread owns the
 * database connection; the caller must not touch it.
 *
 * Windows: on SQLite the writer holds a window of batches and inserts its
 * calls in the order of their key hashes (calls.key_hash, keyhash.h), so
 * that random keys (GUIDs) do not each land on a random page of the key
 * index (callwriter_set_window()).
 *
 * Duplicates: a call whose (operator, call key) is stored already is counted
 * and dropped.  Legs (leg_rank > 0): a leg belongs to the stored call whose
 * key or link (calls.leg_key) is the leg's key or link (CdrCall.leg_link);
 * it is counted as a merged leg (a duplicate when its leg id is the stored
 * one's) and replaces the stored leg in place when it ranks higher (or
 * equally, with a smaller leg id, bytewise), so the same leg is kept
 * whatever order and files the legs come in.  A leg that names the stored
 * call's key as its link (a FreeSWITCH A leg finding its B leg stored
 * alone) gives the call its key, the stored key becoming the link.  Every
 * record dropped for a stored call — the duplicate, or the losing leg,
 * whichever file it came from — is noted in `dropped_records` with the
 * call's id, so withdrawing a file can tell which records went with it.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "ingest/cdr.h"

typedef struct _CallWriter CallWriter;
typedef struct _CallBatch CallBatch;

typedef struct {
  guint64 calls;              /* new calls stored */
  guint64 duplicates;         /* calls already stored (the same leg again) */
  guint64 merged_legs;        /* legs joined to a stored call of the same call */
  guint64 internal;           /* calls inside the PBX, counted and not stored */
  guint64 unknown_account;    /* new calls stored without an account */
  guint64 rejects;            /* rejects stored */
} CallWriterStats;

CallWriter *callwriter_new (StoreDb *db, GError **error);
void callwriter_free (CallWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallWriter, callwriter_free)

/* Called on the writer thread, between two batches, once CHUNK_ROWS rows
 * (calls and rejects) have been written since the last call: LAST_LINE is
 * the line of the last record written, STATS the counts so far.  It commits
 * what was written (with the file's progress) and opens the next
 * transaction; FALSE with ERROR fails the run like a write failure. */
typedef gboolean (*CallWriterChunkFunc) (guint64 last_line, const CallWriterStats *stats,
                                         gpointer data, GError **error);

/* Write calls in windows of WINDOW_ROWS rows (> 0), sorted by key hash
 * within each (callwriter.c says why); only between runs.  Ids then follow
 * the hashes within a window; duplicates, legs and chunks behave as above. */
void callwriter_set_window (CallWriter *writer, guint window_rows);

/* Start the writer thread for the file whose `files` row is FILE_ID; with
 * CHUNK non-NULL, call it every CHUNK_ROWS rows (see above). */
void callwriter_start (CallWriter *writer, gint64 file_id, guint64 chunk_rows,
                       CallWriterChunkFunc chunk, gpointer chunk_data);

/* An empty batch to fill; blocks while every batch is in flight. */
CallBatch *callwriter_batch (CallWriter *writer);
gboolean callwriter_batch_full (const CallBatch *batch);
/* Hand a batch to the writer thread. */
void callwriter_submit (CallWriter *writer, CallBatch *batch);

/* Copy a call (its text included) into BATCH.  OPERATOR_SLUG and ACCOUNT
 * (NULL: unknown) must outlive the writer run (catalog strings). */
void callwriter_add_call (CallBatch *batch, const CdrCall *call, guint64 line,
                          const char *operator_slug, const char *account);
/* Count an internal call (CDR_INTERNAL) at LINE: nothing is stored. */
void callwriter_add_internal (CallBatch *batch, guint64 line);
void callwriter_add_reject (CallBatch *batch, guint64 line, const char *reason,
                            const char *detail, const char *raw, gsize raw_len);

/* TRUE once the writer thread has failed (the reader may stop early). */
gboolean callwriter_failed (CallWriter *writer);

/* Write what is left, stop the thread, and give back the database.  On a
 * write failure returns FALSE with ERROR; the caller rolls back. */
gboolean callwriter_finish (CallWriter *writer, CallWriterStats *stats, GError **error);
