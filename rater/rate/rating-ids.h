/* rating-ids.h — the ledger and label ids of SQLite's compact ratings.
 *
 * On SQLite a rating is a row of rating_facts (schemas/020) that names its
 * (period, account, operator) by a rating_ledgers id and its (prefix,
 * destination, group) by a rating_labels id; `ratings` is a view that
 * joins them back.  `rater rate` writes rating_facts directly and finds
 * the ids here: every row of both tables is read once, when the run
 * starts, and an id not yet stored is added in the run's transaction (so
 * a rolled-back run leaves none behind).  Label 0 is the label of none
 * (all three NULL).  The writer thread alone finds and adds ids, on the
 * writing connection; the texts of the ids stored when the run began
 * (rating_ids_stored_ledger(), rating_ids_stored_label()) never change
 * and may be read from any thread.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef struct _RatingIds RatingIds;

/* The ids stored in DB (SQLite, schema 20 or later). */
RatingIds *rating_ids_load (StoreDb *db, GError **error);
void rating_ids_free (RatingIds *ids);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RatingIds, rating_ids_free)

/* The id of the ledger of PERIOD ("YYYY-MM"), ACCOUNT and OPERATOR_SLUG
 * (either may be NULL) into *ID, the row added when new. */
gboolean rating_ids_ledger (RatingIds *ids, const char *period, const char *account,
                            const char *operator_slug, gint64 *id, GError **error);

/* The id of the label of PREFIX, DESTINATION and GRP (each may be NULL;
 * all three NULL: 0) into *ID, the row added when new. */
gboolean rating_ids_label (RatingIds *ids, const char *prefix, const char *destination,
                           const char *grp, gint64 *id, GError **error);

/* The texts of the ledger (period, account, operator) or the label
 * (prefix, destination, group) stored with ID when rating_ids_load() read
 * them into TEXTS (NULL for NULL), and their lengths into LENS; FALSE
 * when there was none. */
gboolean rating_ids_stored_ledger (const RatingIds *ids, gint64 id, const char *texts[3],
                                   gsize lens[3]);
gboolean rating_ids_stored_label (const RatingIds *ids, gint64 id, const char *texts[3],
                                  gsize lens[3]);
