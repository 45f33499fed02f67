/* checkpointer.c — a thread that checkpoints the write-ahead log when asked
 * (checkpointer.h).
 *
 * Data model: `asked` counts requests and `served` the requests covered by
 * a checkpoint begun after them, both under `lock`; the thread sleeps on
 * `cond` until asked > served or `stopping`.  The first failure is kept
 * and ends the checkpoints (the connection's own at the end of the run
 * copies what is left and reports its own failure).
 */
#include "config.h"

#include "ingest/checkpointer.h"

struct _Checkpointer {
  StoreDb *db;                 /* the thread's own connection */
  GThread *thread;
  GMutex lock;
  GCond cond;
  guint64 asked, served;       /* under lock */
  guint done;                  /* under lock */
  gboolean stopping;           /* under lock */
  GError *error;               /* the first failure; written by the thread only */
};

static gpointer
checkpointer_main (gpointer data)
{
  Checkpointer *c = data;
  g_mutex_lock (&c->lock);
  for (;;)
    {
      while (c->asked == c->served && !c->stopping)
        g_cond_wait (&c->cond, &c->lock);
      if (c->asked == c->served)
        break;                 /* stopping, and nothing left to serve */
      guint64 asked = c->asked;
      g_mutex_unlock (&c->lock);
      gboolean ok = store_checkpoint (c->db, &c->error);
      g_mutex_lock (&c->lock);
      c->served = asked;
      c->done += ok;
      if (!ok)
        break;
    }
  g_mutex_unlock (&c->lock);
  return NULL;
}

Checkpointer *
checkpointer_start (StoreDb *db, GError **error)
{
  StoreDb *own = store_open_checkpointer (db, error);
  if (!own)
    return NULL;               /* with ERROR set, or nothing to checkpoint */
  Checkpointer *c = g_new0 (Checkpointer, 1);
  c->db = own;
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->thread = g_thread_new ("rater-checkpoint", checkpointer_main, c);
  return c;
}

void
checkpointer_request (Checkpointer *c)
{
  if (!c)
    return;
  g_mutex_lock (&c->lock);
  c->asked++;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
}

guint
checkpointer_done (Checkpointer *c)
{
  if (!c)
    return 0;
  g_mutex_lock (&c->lock);
  guint n = c->done;
  g_mutex_unlock (&c->lock);
  return n;
}

gboolean
checkpointer_stop (Checkpointer *c, GError **error)
{
  if (!c)
    return TRUE;
  g_mutex_lock (&c->lock);
  c->stopping = TRUE;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  g_thread_join (c->thread);
  store_close (c->db);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  gboolean ok = c->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&c->error));
  g_free (c);
  return ok;
}
