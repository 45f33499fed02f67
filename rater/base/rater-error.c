/* rater-error.c — error domain and the mapping from errors to exit statuses. */
#include "config.h"

#include <gio/gio.h>

#include "base/rater-error.h"

G_DEFINE_QUARK (rater-error-quark, rater_error)

gboolean
rater_fail (GError **error, RaterErrorCode code, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  GError *e = g_error_new_valist (RATER_ERROR, (gint) code, format, ap);
  va_end (ap);
  g_propagate_error (error, e);
  return FALSE;
}

int
rater_error_exit_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, RATER_ERROR_SOFTWARE);

  if (error->domain == RATER_ERROR)
    return error->code;
  if (error->domain == G_OPTION_ERROR)
    return RATER_ERROR_USAGE;
  if (error->domain == G_KEY_FILE_ERROR)
    return RATER_ERROR_DATA;
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return RATER_ERROR_DATA;
  return RATER_ERROR_SOFTWARE;
}
