/* checkpointer.h — checkpoints of the database's write-ahead log on a
 * thread of their own, while ingest goes on writing.
 *
 * A chunk committed by ingest sits in SQLite's write-ahead log until a
 * checkpoint copies it into the database file.  Run by the committing
 * connection (SQLite's autocheckpoint), that copy and its syncs hold up the
 * writer, and with it the reader that waits for free batches; here a
 * thread does it on a connection of its own while the writer fills the
 * next chunk.  The price: SQLite resets the log only when a write
 * transaction begins with every frame copied, which never happens while
 * the copies run beside the writer, so the log grows by the pages the file
 * adds (about the database's growth) until the connection's own checkpoint
 * after the file; the data is the same, only when it reaches the database
 * file changes.  On a server (PostgreSQL) or an SQLite database without a file
 * there is nothing to do: checkpointer_start() returns NULL, and the other
 * calls take NULL.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef struct _Checkpointer Checkpointer;

/* The thread, on a second connection to DB's file; NULL without an error
 * when there is nothing to checkpoint. */
Checkpointer *checkpointer_start (StoreDb *db, GError **error);

/* Ask for a checkpoint of what is committed now (a request made while one
 * runs is served by one more after it).  Never waits. */
void checkpointer_request (Checkpointer *c);

/* Checkpoints run so far. */
guint checkpointer_done (Checkpointer *c);

/* Serve what was asked, end the thread, close its connection and free C
 * (NULL: nothing).  FALSE with the first checkpoint's failure, if any. */
gboolean checkpointer_stop (Checkpointer *c, GError **error);
