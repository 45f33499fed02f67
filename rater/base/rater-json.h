/* rater-json.h — every JSON document rater writes, built and printed one way.
 *
 * Documents are built with a json-glib JsonBuilder and printed by its
 * JsonGenerator: pretty, indented by two spaces, object members in the
 * order they were added, a final newline.  The same tree gives the same
 * bytes.  Strings and member names go in through the helpers below, which
 * repair invalid UTF-8 (g_utf8_make_valid: each bad byte sequence becomes
 * U+FFFD) so that every document is valid UTF-8 whatever the data held.
 * Numbers are integers only: money and other decimals are written as
 * strings by the caller (decimal.h), never through a double.
 *
 * (The module is rater-json, not json, so that its prefix stays clear of
 * json-glib's own json_ namespace, as rater-error does for GError.)
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* The member NAME (NULL: an array element follows) then VALUE as a string,
 * or null when VALUE is NULL. */
void rater_json_string (JsonBuilder *b, const char *name, const char *value);

/* The member NAME (NULL: an array element) then VALUE as a JSON integer. */
void rater_json_int (JsonBuilder *b, const char *name, gint64 value);

/* The member NAME (NULL: an array element) then true or false. */
void rater_json_bool (JsonBuilder *b, const char *name, gboolean value);

/* The member NAME then a new object or array (close it with
 * json_builder_end_object / json_builder_end_array). */
void rater_json_begin_object (JsonBuilder *b, const char *name);
void rater_json_begin_array (JsonBuilder *b, const char *name);

/* The text of the document B built (a complete value), newline-terminated. */
char *rater_json_text (JsonBuilder *b);

/* Write the document B built to PATH (NULL: standard output) through an
 * OutFile: whole or not at all.  RATER_ERROR_CANTCREAT when it cannot. */
gboolean rater_json_write (JsonBuilder *b, const char *path, GError **error);

/* Like rater_json_write for a document that must never change once written
 * (an issued invoice; outfile_open_frozen): an existing PATH is replaced
 * only by identical bytes.  An existing PATH that holds the same JSON value
 * in another layout (written by an earlier rater or json-glib) is left as
 * it is and counts as written; any other difference fails with
 * RATER_ERROR_CANTCREAT. */
gboolean rater_json_write_frozen (JsonBuilder *b, const char *path, GError **error);

/* TRUE when TEXT (LEN bytes, -1: NUL-terminated) parses as JSON to a value
 * equal to the document B built, whatever its whitespace. */
gboolean rater_json_same_value (JsonBuilder *b, const char *text, gssize len);
