/* number-ids.h — ids of E.164 numbers, keyed by their digits as one integer.
 *
 * The aggregates sum usage per account and own number (agg_number), so
 * every call asks the id of its number.  A call's number sits in a buffer
 * of its batch, new text at a reused address, so a string hash and compare
 * per call was a tenth of rate's reading thread.  Any text of 1 to 15 ASCII
 * digits (every E.164 number) is one integer here, its length above its
 * value so that "0123" and "123" differ; the table maps such keys to the
 * caller's ids by open addressing, half full at most.  Other texts have no
 * key: the caller finds their ids as it does for any text.
 */
#pragma once

#include <glib.h>

typedef struct _NumberIds NumberIds;

NumberIds *number_ids_new (void);
void number_ids_free (NumberIds *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NumberIds, number_ids_free)

/* The key of TEXT when it is 1 to 15 ASCII digits (never 0), else 0;
 * distinct such texts have distinct keys. */
guint64 number_ids_key (const char *text);

/* The id stored for KEY (not 0) into *ID; FALSE when none is. */
gboolean number_ids_find (const NumberIds *t, guint64 key, guint32 *id);

/* Store ID for KEY (not 0), which has none yet. */
void number_ids_add (NumberIds *t, guint64 key, guint32 id);
