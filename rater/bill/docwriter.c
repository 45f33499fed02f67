/* docwriter.c — invoice documents rendered on a GLib thread pool.
 *
 * The pool's threads each render whole records (invoiceout_write_record);
 * pango's default font map is per thread, cairo surfaces are per document,
 * so nothing is shared but the counters and the first error below.  The
 * documents go into one OutGroup (base/outfile.h), made durable and renamed
 * into place together by docwriter_finish: one sync of the file system for
 * the period instead of an fsync per document.
 */
#include "config.h"

#include "bill/docwriter.h"

#include "base/outfile.h"

#define MAX_THREADS 16

#define PER_RECORD (INVOICEOUT_JSON | INVOICEOUT_HTML | INVOICEOUT_PDF | INVOICEOUT_UBL)

/* A record and the documents of it to write. */
typedef struct {
  InvoiceRecord *rec;
  InvoiceOutFormats formats;
} Job;

struct _DocWriter {
  char *dir;
  guint threads;
  GThreadPool *pool;            /* NULL with one thread: written in docwriter_add */
  GMutex lock;
  GCond done;                   /* signalled when a record is finished */
  guint in_flight;              /* records added and not finished */
  GError *error;                /* the first error; set once */
  OutGroup *files;              /* the documents written, renamed into place at finish */
};

guint
docwriter_threads (guint threads)
{
  if (threads > 0)
    return MIN (threads, MAX_THREADS);
  return CLAMP (g_get_num_processors (), 1, MAX_THREADS);
}

/* Write JOB unless the writer has failed; keep the first error. */
static void
write_one (DocWriter *w, Job job)
{
  g_mutex_lock (&w->lock);
  gboolean failed = w->error != NULL;
  g_mutex_unlock (&w->lock);

  GError *local = NULL;
  outgroup_push_thread_default (w->files);
  gboolean written = failed || invoiceout_write_record (job.rec, w->dir, job.formats, &local);
  outgroup_pop_thread_default (w->files);
  if (!written)
    {
      g_mutex_lock (&w->lock);
      if (!w->error)
        w->error = g_steal_pointer (&local);
      g_mutex_unlock (&w->lock);
      g_clear_error (&local);
    }
  invoiceout_record_free (job.rec);

  g_mutex_lock (&w->lock);
  w->in_flight--;
  g_cond_broadcast (&w->done);
  g_mutex_unlock (&w->lock);
}

static void
pool_func (gpointer job, gpointer w)
{
  write_one (w, *(Job *) job);
  g_free (job);
}

DocWriter *
docwriter_new (const char *dir, guint threads)
{
  g_return_val_if_fail (dir != NULL, NULL);
  DocWriter *w = g_new0 (DocWriter, 1);
  w->dir = g_strdup (dir);
  w->threads = docwriter_threads (threads);
  g_mutex_init (&w->lock);
  g_cond_init (&w->done);
  w->files = outgroup_new ();
  if (w->threads > 1)
    /* exclusive: the threads (and their font maps) live as long as the pool;
     * with exclusive threads g_thread_pool_new cannot fail */
    w->pool = g_thread_pool_new (pool_func, w, (int) w->threads, TRUE, NULL);
  return w;
}

/* The first error, copied into ERROR; FALSE when there is one. */
static gboolean
check_error (DocWriter *w, GError **error)
{
  g_mutex_lock (&w->lock);
  gboolean ok = w->error == NULL;
  if (!ok)
    g_propagate_error (error, g_error_copy (w->error));
  g_mutex_unlock (&w->lock);
  return ok;
}

gboolean
docwriter_add (DocWriter *w, InvoiceRecord *rec, InvoiceOutFormats formats, GError **error)
{
  g_return_val_if_fail (w != NULL && rec != NULL, FALSE);
  Job job = { rec, formats & PER_RECORD };
  if (!job.formats)
    {
      invoiceout_record_free (rec);
      return check_error (w, error);
    }
  g_mutex_lock (&w->lock);
  while (w->pool && w->in_flight >= 2 * w->threads && !w->error)
    g_cond_wait (&w->done, &w->lock);
  gboolean failed = w->error != NULL;
  if (!failed)
    w->in_flight++;
  g_mutex_unlock (&w->lock);
  if (failed)
    {
      invoiceout_record_free (rec);
      return check_error (w, error);
    }
  if (!w->pool)
    write_one (w, job);
  else
    /* with exclusive threads g_thread_pool_push cannot fail */
    g_thread_pool_push (w->pool, g_memdup2 (&job, sizeof job), NULL);
  return check_error (w, error);
}

/* Wait until no record is in flight. */
static void
wait_idle (DocWriter *w)
{
  g_mutex_lock (&w->lock);
  while (w->in_flight > 0)
    g_cond_wait (&w->done, &w->lock);
  g_mutex_unlock (&w->lock);
}

gboolean
docwriter_finish (DocWriter *w, GError **error)
{
  g_return_val_if_fail (w != NULL, FALSE);
  wait_idle (w);
  return check_error (w, error) && outgroup_commit (w->files, error);
}

void
docwriter_free (DocWriter *w)
{
  if (!w)
    return;
  wait_idle (w);
  if (w->pool)
    g_thread_pool_free (w->pool, FALSE, TRUE);
  g_clear_error (&w->error);
  outgroup_free (w->files);
  g_cond_clear (&w->done);
  g_mutex_clear (&w->lock);
  g_free (w->dir);
  g_free (w);
}
