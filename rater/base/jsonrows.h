/* jsonrows.h — JSON row objects streamed out of a file, one at a time, as
 * CsvRecords (for the Microsoft Graph call-record formats).
 *
 * A file holds any sequence of top-level JSON values, separated by nothing
 * or by whitespace:
 *  - a response page `{"@odata.context": ..., "value": [ROW, ...], ...}`:
 *    each element of its "value" array is a row;
 *  - a bare row object (JSON Lines: one per line);
 *  - a bare array of rows.
 * An object with neither a "value" array nor an "@odata.context" member is
 * a row; one with either is a page.
 *
 * Only the framing (where each row starts and ends) is scanned here, byte by
 * byte: strings and bracket nesting, never values.  Each row's own bytes are
 * then parsed by json-glib, so memory holds one row, not a page or a file.
 * A row comes back with the line where its object starts and its exact JSON
 * text as raw bytes.  Once columns are set (jsonrows_set_columns), its
 * fields are the values of the named members, in that order, as text:
 * strings as they are, integers in decimal, other numbers with
 * g_ascii_dtostr, booleans "true"/"false"; null, absent, objects and arrays
 * are empty.  Members not named are ignored.
 *
 * A row that json-glib cannot parse, or that is not an object, comes back
 * as CSVFILE_BAD with its raw bytes.  When the framing itself breaks (an
 * unterminated string, a stray byte between rows, a value cut off by the end
 * of the file or by a '{' in column 0, which always starts a new top-level
 * value), the rest of the broken value, up to the next '{' in column 0, is
 * one CSVFILE_BAD record, and reading resumes there: the rows framed before
 * the break still count.
 */
#pragma once

#include <glib.h>

#include "base/csvfile.h"

typedef struct _JsonRows JsonRows;

/* TRUE when the first byte of PATH after a UTF-8 BOM and whitespace is '{'
 * or '[' (FALSE too when it cannot be read: the CSV reader then says why). */
gboolean jsonrows_sniff (const char *path);

/* Open PATH.  RATER_ERROR_DATA "cannot open 'PATH': ..." when it cannot. */
JsonRows *jsonrows_open (const char *path, GError **error);
void jsonrows_free (JsonRows *rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsonRows, jsonrows_free)

/* The next row into *REC (valid until the next call): CSVFILE_RECORD with
 * the columns' fields (none before jsonrows_set_columns), CSVFILE_BAD with
 * raw, line and problem, CSVFILE_EOF, or CSVFILE_ERROR on an I/O error. */
CsvFileStatus jsonrows_next (JsonRows *rows, CsvRecord *rec, GError **error);

/* The first "@odata.context" of the file read so far, or NULL. */
const char *jsonrows_context (const JsonRows *rows);

/* The member names of the current row into *REC (fields only; valid until
 * the next call of any jsonrows function). */
void jsonrows_members (JsonRows *rows, CsvRecord *rec);

/* Name the members that become the fields of every row (N names, copied),
 * and refill *REC, the current row's record, with them.  *HEADER gets a
 * record of the names themselves (line 1), valid as long as ROWS. */
void jsonrows_set_columns (JsonRows *rows, const char *const *names, guint n, CsvRecord *rec,
                           CsvRecord *header);

/* Bytes framed so far (for progress) and the file's size. */
guint64 jsonrows_position (const JsonRows *rows);
guint64 jsonrows_size (const JsonRows *rows);
