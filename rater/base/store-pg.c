/* store-pg.c — the PostgreSQL backend of store.h (store-backend.h).
 *
 * Not written yet: a server URI is refused with a message that says so.
 */
#include "config.h"

#include "base/rater-error.h"
#include "base/store-backend.h"

static StoreDb *
refuse (GError **error)
{
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
               "this rater cannot open a PostgreSQL database yet: give --db a file path");
  return NULL;
}

StoreDb *
store_pg_init (const char *uri, int *from, int *to, GError **error)
{
  return refuse (error);
}

StoreDb *
store_pg_open (const char *uri, gboolean readonly, GError **error)
{
  return refuse (error);
}
