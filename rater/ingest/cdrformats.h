/* cdrformats.h — the table of CDR formats: find one by name or by header.
 *
 * The table sits above the formats it lists (cdr-<name>.c) and below the
 * reader (cdrreader.h) and the commands that name formats.  Built-in formats
 * are const objects handed out as const; "profile:FILE" names a mapping
 * profile, loaded on request and owned by the caller (cdr-profile.h).
 *
 * Adding a format is one new file and one table row:
 *  1. write rater/ingest/cdr-<name>.c defining
 *     `const CdrFormat cdr_format_<name> = { .name = "<name>", ... };`
 *     from the cdr_* helpers of cdr.h (and list it in Makefile.am's
 *     lib_ingest);
 *  2. add its row to builtin_formats[] in cdrformats.c: the extern
 *     declaration and the entry, in the order --help lists them and
 *     detection tries them (first match wins).
 */
#pragma once

#include <glib.h>

#include "ingest/cdr.h"

/* The format called NAME.  A built-in is returned as is (static: never
 * freed) and *PROFILE left NULL; for "profile:FILE" the profile is loaded
 * into *PROFILE, which the caller frees with cdr_profile_free, and returned
 * too.  Fails with RATER_ERROR_USAGE for an unknown name (the message lists
 * the known ones), or as cdr_profile_load does. */
const CdrFormat *cdrformats_lookup (const char *name, CdrFormat **profile, GError **error);

/* The first built-in format whose detect() accepts HEADER, or NULL. */
const CdrFormat *cdrformats_detect (const CsvRecord *header);

/* The first built-in JSON rows format recognised by CONTEXT (a response's
 * "@odata.context", NULL when the file has none) or, without one, by the
 * member names of the first row, MEMBERS; NULL when none is. */
const CdrFormat *cdrformats_detect_json (const char *context, const CsvRecord *members);

/* The names of the built-in formats, in table order, NULL-terminated. */
const char *const *cdrformats_names (void);
