/* csvfile.h — streaming RFC 4180 reader over libcsv that remembers where each
 * record came from.
 *
 * A CsvFile reads a file in fixed-size chunks (memory does not grow with the
 * file), strips a UTF-8 BOM (at the start of the file, and at the start of
 * any record: concatenated files), and yields one record at a time with its fields,
 * the physical line it starts on and its raw bytes (for rejects).  Quoted
 * fields may hold delimiters, "" escapes and line breaks; LF and CRLF both end
 * a record.  A record that is not valid CSV (a stray quote, a quoted field
 * that never closes) is returned as CSVFILE_BAD with its first line as raw
 * text, and reading resumes on the next line, so one broken record never
 * swallows the rest of the file.
 */
#pragma once

#include <glib.h>

typedef struct _CsvFile CsvFile;

typedef enum {
  CSVFILE_RECORD,     /* a record: see CsvRecord */
  CSVFILE_BAD,        /* a malformed record: raw and line set, no fields */
  CSVFILE_EOF,
  CSVFILE_ERROR,      /* I/O error: GError set */
} CsvFileStatus;

typedef struct {
  guint n;                  /* number of fields */
  char **field;             /* [n] NUL-terminated field values */
  gsize *len;               /* [n] byte lengths (fields may contain NUL) */
  guint64 line;             /* 1-based physical line where the record starts */
  const char *raw;          /* the record's bytes, line ending excluded */
  gsize raw_len;
  const char *problem;      /* CSVFILE_BAD: what is wrong, lowercase phrase */
} CsvRecord;

/* Open PATH for reading records separated by DELIM.  With TRIM, spaces and
 * tabs around unquoted fields are dropped (libcsv's default); without, kept. */
CsvFile *csvfile_open (const char *path, char delim, gboolean trim, GError **error);
void csvfile_free (CsvFile *file);

/* Read FILE's fields as never quoted: a '"' is an ordinary byte, so a line
 * of free text (a syslog message) is never a CSV syntax error.  Call before
 * the first csvfile_next. */
void csvfile_set_unquoted (CsvFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsvFile, csvfile_free)

/* The next record into *rec; its contents stay valid until the next call. */
CsvFileStatus csvfile_next (CsvFile *file, CsvRecord *rec, GError **error);

/* Bytes consumed so far (for progress) and the file's total size. */
guint64 csvfile_position (const CsvFile *file);
guint64 csvfile_size (const CsvFile *file);
