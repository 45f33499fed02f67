/* docwriter.h — invoice documents rendered on worker threads.
 *
 * Rendering an invoice's PDF and HTML (pango, cairo, zlib) is most of the
 * work of drafting or issuing a period; the documents of two invoices share
 * nothing, so a DocWriter renders them on a pool of threads while its
 * caller computes or loads the next invoice:
 *
 *   w = docwriter_new (dir, threads);
 *   for each invoice:  if (!docwriter_add (w, rec, formats, error)) ... (REC stolen)
 *   docwriter_finish (w, error);         waits for every document
 *   docwriter_free (w);
 *
 * Each record's documents are written by invoiceout_write_record (so an
 * issued record's are frozen); the bytes of every file are the same for any
 * number of threads.  At most 2 × threads records wait or render at once:
 * docwriter_add blocks while that many are in flight, so memory is bounded
 * by the largest invoices, not by the period.
 *
 * The documents appear at their paths only in docwriter_finish, together:
 * each is written to its temporary, and docwriter_finish syncs the file
 * system once and renames them all into place (an OutGroup, outfile.h),
 * where an fsync per document used to cost about a millisecond each.  The
 * first error stops the writer: records added after it are dropped,
 * docwriter_add returns FALSE with that error, docwriter_finish returns it
 * too, and none of the writer's documents appears (their temporaries are
 * removed when the writer is freed); a re-run writes them.  A process
 * killed before docwriter_finish leaves only temporaries.
 */
#pragma once

#include <glib.h>

#include "bill/invoiceout.h"

typedef struct _DocWriter DocWriter;

/* A writer of documents under DIR, which must exist, on THREADS threads
 * (0: one per CPU; 1: rendered in the calling thread, in order). */
DocWriter *docwriter_new (const char *dir, guint threads);

/* Queue REC (stolen) for writing its documents of FORMATS (only
 * INVOICEOUT_JSON, _HTML and _PDF are per record; others are ignored);
 * FALSE (REC freed) once the writer has failed. */
gboolean docwriter_add (DocWriter *w, InvoiceRecord *rec, InvoiceOutFormats formats,
                        GError **error);

/* Wait until every queued record is written, then put every document in
 * place (above); FALSE with the first error. */
gboolean docwriter_finish (DocWriter *w, GError **error);

/* Waits for queued records (their errors are dropped: call
 * docwriter_finish to see them). */
void docwriter_free (DocWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DocWriter, docwriter_free)

/* The threads a writer of THREADS uses: THREADS, or with 0 the processors
 * (at most 16). */
guint docwriter_threads (guint threads);
