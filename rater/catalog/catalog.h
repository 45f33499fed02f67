/* catalog.h — the operator's catalog: import from a directory, and the
 * in-memory view ingest, rate and reconcile use to resolve accounts.
 *
 * catalog_import() (catalog-import.c) reads operators.csv, plans.csv,
 * accounts.csv, numbers.csv and decks/<deck>.csv (formats.md §1), validates
 * every row and every cross reference, and only when nothing is wrong
 * replaces the stored catalog in one transaction, leaving an audit row with
 * the SHA-256 of each file.  Errors are collected, not stopped at: the GError
 * lists each as "file:line: reason".
 *
 * catalog_load() (catalog.c) builds, per operator, hash tables from tenant id
 * and from number to account, with number assignments turned into UTC
 * millisecond windows in the account's time zone.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "catalog/number.h"

/* ---- importing a catalog directory (catalog-import.c) ---- */

typedef struct {
  guint operators, plans, accounts, numbers, decks, deck_rows;
  char digest[65];              /* SHA-256 over the imported files' hashes */
} CatalogImportStats;

gboolean catalog_import (StoreDb *db, const char *dir, CatalogImportStats *stats,
                         GError **error);

/* The digest of the catalog in DIR as catalog_import would record it (for
 * "re-import when the files changed"); NULL with ERROR when unreadable. */
char *catalog_digest (const char *dir, GError **error);

/* The digest of the last import, or NULL when none. */
char *catalog_last_digest (StoreDb *db, GError **error);

/* ---- the stored catalog, loaded for account resolution (catalog.c) ---- */

typedef struct _RaterCatalog RaterCatalog;
typedef struct _CatalogOperator CatalogOperator;

RaterCatalog *catalog_load (StoreDb *db, GError **error);
void catalog_free (RaterCatalog *catalog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RaterCatalog, catalog_free)

/* The operator with slug OPERATOR, or NULL. */
const CatalogOperator *catalog_operator (const RaterCatalog *catalog, const char *operator_slug);
const char *catalog_operator_slug (const CatalogOperator *op);

/* The account of a call of OP (billing.md §3): by TENANT (LEN bytes, may be
 * 0) first, else by NUMBER assigned at START_MS.  NULL when neither resolves.
 * The string is owned by the catalog. */
const char *catalog_resolve_account (const CatalogOperator *op, const char *tenant,
                                     gsize tenant_len, const RaterNumber *number,
                                     gint64 start_ms);
