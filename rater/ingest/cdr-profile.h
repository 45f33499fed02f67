/* cdr-profile.h — a CDR format loaded at run time from a mapping profile.
 *
 * Unlike the built-in formats (const objects listed in cdrformats.c), a
 * profile is read from a GKeyFile when a run names it ("profile:FILE") and
 * belongs to whoever loaded it.  The keys are described in cdr-profile.c.
 */
#pragma once

#include <glib.h>

#include "ingest/cdr.h"

/* Load the profile SPEC: a path, or the name of a profile built into rater
 * (schemas/profiles/NAME.ini: "cucm" or "cucm.ini"; a profile may extend
 * another).  Every key is checked here.  Fails with RATER_ERROR_USAGE (or the
 * GKeyFile/GIO error of an unreadable file), the message prefixed with
 * "profile 'SPEC': ".  Free the result with cdr_profile_free. */
CdrFormat *cdr_profile_load (const char *spec, GError **error);

/* Free a format returned by cdr_profile_load (NULL is ignored).  Never pass a
 * built-in format: those are const and live as long as the program. */
void cdr_profile_free (CdrFormat *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdrFormat, cdr_profile_free)
