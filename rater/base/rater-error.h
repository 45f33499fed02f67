/* rater-error.h — the error domain of rater and its exit statuses.
 *
 * Library functions report operational failures as GErrors.  Only main()
 * prints one and turns it into an exit status; the codes of RATER_ERROR are
 * the BSD sysexits.h values cli.md names, so the mapping is the identity for
 * this domain.  Errors of other domains (GIO, GKeyFile, GOption) map to the
 * nearest status in rater_error_exit_status().
 */
#pragma once

#include <glib.h>

#define RATER_ERROR (rater_error_quark ())
GQuark rater_error_quark (void);

typedef enum {
  RATER_EXIT_OK = 0,
  RATER_EXIT_PARTIAL = 1,      /* finished, but records were rejected or calls unrated */
  RATER_ERROR_USAGE = 64,      /* bad command line */
  RATER_ERROR_DATA = 65,       /* an input file was refused whole */
  RATER_ERROR_SOFTWARE = 70,   /* internal error (database, bug) */
  RATER_ERROR_CANTCREAT = 73,  /* an output cannot be written */
  RATER_ERROR_TEMPFAIL = 75,   /* another run holds the lock */
} RaterErrorCode;

/* The process exit status for ERROR (never 0). */
int rater_error_exit_status (const GError *error);

/* Set *ERROR (if ERROR is not NULL) to CODE of RATER_ERROR with the message
 * FORMAT makes; FALSE, so that `return rater_fail (...)` reports a failure. */
gboolean rater_fail (GError **error, RaterErrorCode code, const char *format, ...)
  G_GNUC_PRINTF (3, 4);
