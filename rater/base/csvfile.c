/* csvfile.c — streaming CSV records with line numbers and raw text.
 *
 * The file is consumed one physical line at a time: each line (with its line
 * ending) is fed to libcsv and appended to `raw`.  libcsv calls field_cb for
 * every field and record_cb at the end of a record; a record is complete when
 * a line makes record_cb fire, so `raw` is exactly the record's bytes and
 * `start_line` where it began.  Lines come from `replay` (bytes pushed back
 * after a resync) before the read buffer.
 *
 * Resync: a quoted field that has not closed after MAX_RECORD_LINES lines or
 * MAX_RECORD_BYTES bytes, or at end of file, makes the record's first line a
 * bad record; the lines after it are pushed back and parsed afresh.
 *
 * Plain lines: a whole line that starts a record and holds no quote byte
 * and no CR but its ending is split here, by memchr on the delimiter, into
 * exactly the fields libcsv gives it (spaces and tabs around each trimmed
 * with TRIM; a line of nothing else, or an empty one, is blank), without a
 * call per byte; any other line goes through libcsv.  Such a line leaves
 * libcsv's state where it was: at the start of a record.
 *
 * Overlong lines: a physical line longer than MAX_LINE_BYTES is never held
 * whole (parsing it would take several times its size: a 100 MiB line took
 * 640 MiB).  Its record is bad, with the first RAW_KEPT bytes of the line as
 * raw text and the line's length in the problem; the rest of the line is
 * read and dropped, so memory stays within a few times MAX_LINE_BYTES.
 */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csvfile.h"
#include "base/infile.h"
#include "base/rater-error.h"

#define CHUNK_SIZE (1u << 20)
#define MAX_LINE_BYTES (8u << 20)
#define RAW_KEPT 4096u
#define MAX_RECORD_LINES 100
#define MAX_RECORD_BYTES (1u << 20)
#define PARSER_BLOCK_SIZE (64u << 10)

struct _CsvFile {
  char *path;
  int fd;
  guint64 size;              /* file size at open */
  guint64 consumed;          /* bytes handed to the parser */
  gboolean eof;              /* read() returned 0 */
  gboolean at_start;         /* BOM not yet checked */

  char *buf;                 /* read buffer: [pos, len) not yet consumed */
  gsize cap, pos, len;

  GByteArray *replay;        /* pushed-back lines, consumed from replay_pos */
  gsize replay_pos;

  struct csv_parser parser;
  unsigned char options;
  char delim;
  gboolean trim;
  gboolean unquoted;         /* csvfile_set_unquoted: '"' is an ordinary byte */

  GByteArray *raw;           /* bytes of the record being assembled */
  guint64 next_line;         /* number of the next physical line */
  guint64 start_line;        /* first line of the record being assembled */
  guint record_lines;        /* lines fed into the record being assembled */
  guint records_ended;       /* record_cb calls since the last line was fed */

  GByteArray *values;        /* field bytes, each followed by NUL */
  GArray *offsets;           /* gsize start of each field in values */
  GArray *lengths;           /* gsize length of each field */
  GPtrArray *fields;         /* char * into values, built per record */
  char problem[128];         /* the problem of an overlong line's record */
};

/* Append one field's LEN bytes at DATA to the record F is reading. */
static void
field_add (CsvFile *f, const void *data, size_t len)
{
  gsize off = f->values->len;
  g_byte_array_set_size (f->values, (guint) (off + len + 1));
  if (len > 0)
    memcpy (f->values->data + off, data, len);
  f->values->data[off + len] = '\0';
  g_array_append_val (f->offsets, off);
  gsize l = len;
  g_array_append_val (f->lengths, l);
}

/* libcsv's field callback. */
static void
field_cb (void *data, size_t len, void *user)
{
  field_add (user, data, len);
}

static void
record_cb (int c, void *user)
{
  CsvFile *f = user;
  f->records_ended++;
}

static int
never_space (unsigned char c)
{
  return 0;
}

static void
parser_reset (CsvFile *f)
{
  csv_free (&f->parser);
  csv_init (&f->parser, f->options);
  csv_set_delim (&f->parser, (unsigned char) f->delim);
  if (f->unquoted)
    csv_set_quote (&f->parser, (unsigned char) '\0');
  /* libcsv grows its field buffer by this many bytes at a time (128 by
   * default): a large step keeps a long field from costing a realloc, and
   * with some allocators a copy, every 128 bytes */
  csv_set_blk_size (&f->parser, PARSER_BLOCK_SIZE);
  if (!f->trim)
    csv_set_space_func (&f->parser, never_space);
}

static void
record_reset (CsvFile *f)
{
  g_byte_array_set_size (f->raw, 0);
  g_byte_array_set_size (f->values, 0);
  g_array_set_size (f->offsets, 0);
  g_array_set_size (f->lengths, 0);
  f->record_lines = 0;
  f->records_ended = 0;
}

CsvFile *
csvfile_open (const char *path, char delim, gboolean trim, GError **error)
{
  int fd = infile_open (path, error);
  struct stat st;
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "cannot open '%s': %s", path, g_strerror (e));
      return NULL;
    }
  CsvFile *f = g_new0 (CsvFile, 1);
  f->path = g_strdup (path);
  f->fd = fd;
  f->size = (guint64) st.st_size;
  f->at_start = TRUE;
  f->cap = CHUNK_SIZE;
  f->buf = g_malloc (f->cap);
  f->replay = g_byte_array_new ();
  f->options = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL;
  f->delim = delim;
  f->trim = trim;
  csv_init (&f->parser, f->options);
  parser_reset (f);
  f->raw = g_byte_array_new ();
  f->values = g_byte_array_new ();
  f->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  f->lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  f->fields = g_ptr_array_new ();
  f->next_line = 1;
  return f;
}

void
csvfile_free (CsvFile *f)
{
  if (!f)
    return;
  close (f->fd);
  csv_free (&f->parser);
  g_free (f->path);
  g_free (f->buf);
  g_byte_array_unref (f->replay);
  g_byte_array_unref (f->raw);
  g_byte_array_unref (f->values);
  g_array_unref (f->offsets);
  g_array_unref (f->lengths);
  g_ptr_array_unref (f->fields);
  g_free (f);
}

guint64
csvfile_position (const CsvFile *f)
{
  return f->consumed;
}

guint64
csvfile_size (const CsvFile *f)
{
  return f->size;
}

/* Read more bytes into the buffer, keeping [pos, len).  FALSE on I/O error. */
static gboolean
fill (CsvFile *f, GError **error)
{
  if (f->pos > 0)
    {
      memmove (f->buf, f->buf + f->pos, f->len - f->pos);
      f->len -= f->pos;
      f->pos = 0;
    }
  if (f->len == f->cap && f->cap < MAX_LINE_BYTES)
    {
      f->cap *= 2;
      f->buf = g_realloc (f->buf, f->cap);
    }
  if (f->len == f->cap)
    return TRUE;     /* a line longer than MAX_LINE_BYTES: hand it out in pieces */
  ssize_t n;
  do
    n = read (f->fd, f->buf + f->len, f->cap - f->len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int e = errno;
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "cannot read '%s': %s", f->path, g_strerror (e));
      return FALSE;
    }
  if (n == 0)
    f->eof = TRUE;
  f->len += (gsize) n;
  if (f->at_start && f->len >= 3)
    {
      if (memcmp (f->buf, "\xEF\xBB\xBF", 3) == 0)
        f->pos = 3, f->consumed = 3;
      f->at_start = FALSE;
    }
  else if (f->at_start && f->eof)
    f->at_start = FALSE;
  return TRUE;
}

/* The next physical line (with its '\n' when there is one) into LINE and LEN;
 * *PIECE tells a piece of a line longer than MAX_LINE_BYTES (the rest
 * follows).  Returns FALSE at end of input or on error (*error set). */
static gboolean
next_line (CsvFile *f, const char **line, gsize *len, gboolean *piece, GError **error)
{
  *piece = FALSE;
  if (f->replay_pos < f->replay->len)
    {
      const char *p = (const char *) f->replay->data + f->replay_pos;
      gsize avail = f->replay->len - f->replay_pos;
      const char *nl = memchr (p, '\n', avail);
      *line = p;
      *len = nl ? (gsize) (nl - p) + 1 : avail;
      f->replay_pos += *len;
      if (f->replay_pos == f->replay->len)
        g_byte_array_set_size (f->replay, 0), f->replay_pos = 0;
      return TRUE;
    }
  for (;;)
    {
      const char *p = f->buf + f->pos;
      gsize avail = f->len - f->pos;
      const char *nl = memchr (p, '\n', avail);
      gboolean full = f->pos == 0 && f->len == f->cap && f->cap >= MAX_LINE_BYTES;
      if (nl || (f->eof && avail > 0) || full)
        {
          *line = p;
          *len = nl ? (gsize) (nl - p) + 1 : avail;
          *piece = !nl && full;
          f->pos += *len;
          f->consumed += *len;
          return TRUE;
        }
      if (f->eof)
        return FALSE;
      if (!fill (f, error))
        return FALSE;
    }
}

/* Build the CsvRecord view of the assembled record. */
static void
record_publish (CsvFile *f, CsvRecord *rec)
{
  g_ptr_array_set_size (f->fields, 0);
  for (guint i = 0; i < f->offsets->len; i++)
    g_ptr_array_add (f->fields, f->values->data + g_array_index (f->offsets, gsize, i));
  rec->n = f->offsets->len;
  rec->field = (char **) f->fields->pdata;
  rec->len = (gsize *) (void *) f->lengths->data;
  rec->line = f->start_line;
  rec->raw = (const char *) f->raw->data;
  rec->raw_len = f->raw->len;
  while (rec->raw_len > 0 && (rec->raw[rec->raw_len - 1] == '\n' || rec->raw[rec->raw_len - 1] == '\r'))
    rec->raw_len--;
  rec->problem = NULL;
}

/* A bad record made of the whole of `raw`. */
static CsvFileStatus
record_bad (CsvFile *f, CsvRecord *rec, const char *problem)
{
  parser_reset (f);
  g_byte_array_set_size (f->values, 0);
  g_array_set_size (f->offsets, 0);
  g_array_set_size (f->lengths, 0);
  record_publish (f, rec);
  rec->n = 0;
  rec->problem = problem;
  return CSVFILE_BAD;
}

/* An unterminated quoted field: the first line is bad, the rest is re-read. */
static CsvFileStatus
record_resync (CsvFile *f, CsvRecord *rec)
{
  const guint8 *nl = memchr (f->raw->data, '\n', f->raw->len);
  gsize first = nl ? (gsize) (nl - f->raw->data) + 1 : f->raw->len;
  g_autoptr(GByteArray) rest = g_byte_array_new ();
  /* (an empty GByteArray's data is NULL: NULL + 0 is undefined, so append
   * only what is there) */
  if (f->raw->len > first)
    g_byte_array_append (rest, f->raw->data + first, f->raw->len - first);
  if (f->replay->len > f->replay_pos)
    g_byte_array_append (rest, f->replay->data + f->replay_pos, f->replay->len - f->replay_pos);
  g_byte_array_set_size (f->replay, 0);
  g_byte_array_append (f->replay, rest->data, rest->len);
  f->replay_pos = 0;
  g_byte_array_set_size (f->raw, first);
  f->next_line = f->start_line + 1;
  return record_bad (f, rec, "quoted field never closed");
}

/* LINE is the first piece of a line longer than MAX_LINE_BYTES.  The record
 * it is in (the line alone, or a quoted record it continues) is bad: its raw
 * text keeps the record's lines before it and the first RAW_KEPT bytes of
 * the line; the rest of the line is read and dropped. */
static CsvFileStatus
record_overlong (CsvFile *f, CsvRecord *rec, const char *line, gsize len, GError **error)
{
  if (f->record_lines == 0)
    f->start_line = f->next_line;
  f->record_lines++;
  g_byte_array_append (f->raw, (const guint8 *) line, MIN (len, RAW_KEPT));
  guint64 total = len;
  gboolean piece = TRUE;
  while (piece)
    {
      GError *local = NULL;
      if (!next_line (f, &line, &len, &piece, &local))
        {
          if (local)
            {
              g_propagate_error (error, local);
              return CSVFILE_ERROR;
            }
          break;                  /* the line ends the file */
        }
      total += len;
      if (len > 0 && line[len - 1] == '\n')
        f->next_line++;
    }
  g_snprintf (f->problem, sizeof f->problem,
              "line of %" G_GUINT64_FORMAT " bytes is longer than the %u MiB a record may have",
              total, MAX_LINE_BYTES >> 20);
  return record_bad (f, rec, f->problem);
}

/* Trimmed by libcsv around an unquoted field (its default is_space). */
static inline gboolean
trim_space (const CsvFile *f, char c)
{
  return f->trim && (c == ' ' || c == '\t') && c != f->delim;
}

/* LINE (LEN bytes, a whole line starting a record) as a plain line (see the
 * top) into the record's fields: FALSE when it is not one (libcsv reads
 * it), else TRUE with *BLANK telling a line without a record. */
static gboolean
split_plain (CsvFile *f, const char *line, gsize len, gboolean *blank)
{
  gsize n = len - 1;                     /* without its '\n' */
  if (n > 0 && line[n - 1] == '\r')
    n--;
  char quote = f->unquoted ? '\0' : '"';
  if (memchr (line, quote, n) || memchr (line, '\r', n))
    return FALSE;
  gsize k = 0;
  while (k < n && trim_space (f, line[k]))
    k++;
  *blank = k == n;
  if (*blank)
    return TRUE;
  const char *p = line, *end = line + n;
  for (;;)
    {
      const char *d = memchr (p, f->delim, (gsize) (end - p));
      const char *e = d ? d : end;
      while (p < e && trim_space (f, *p))
        p++;
      const char *q = e;
      while (q > p && trim_space (f, q[-1]))
        q--;
      field_add (f, p, (gsize) (q - p));
      if (!d)
        return TRUE;
      p = d + 1;
    }
}

/* Feed one line; returns TRUE when it completed a record (or a bad one).
 * A line without its '\n' is the end of the file (a longer line never gets
 * here: record_overlong). */
static gboolean
feed_line (CsvFile *f, const char *line, gsize len, CsvRecord *rec, CsvFileStatus *status)
{
  gboolean whole = len > 0 && line[len - 1] == '\n';

  /* a BOM starting a record mid-file (files concatenated with cat) is no
   * data: kept, it made "\ufeffX-1" a call key other than "X-1" and billed
   * the call twice */
  if (f->record_lines == 0 && len >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
    line += 3, len -= 3;

  if (f->record_lines == 0)
    f->start_line = f->next_line;
  if (whole)
    f->next_line++;
  f->record_lines++;
  g_byte_array_append (f->raw, (const guint8 *) line, len);

  gboolean blank;
  if (whole && f->record_lines == 1 && split_plain (f, line, len, &blank))
    {
      if (blank)
        {
          record_reset (f);
          return FALSE;
        }
      record_publish (f, rec);
      *status = CSVFILE_RECORD;
      return TRUE;
    }

  gsize used = csv_parse (&f->parser, line, len, field_cb, record_cb, f);
  if (used < len)
    {
      /* a stray quote on a later line of a record closed a quoted field
       * opened on its first line: only that first line is bad */
      *status = f->record_lines > 1 ? record_resync (f, rec) : record_bad (f, rec, "malformed quotes");
      return TRUE;
    }
  /* a bare CR ends a record in libcsv: more records, or the start of one
   * (pstate not back to 0, ROW_NOT_BEGUN), after it on the same line */
  if (f->records_ended > 1 || (f->records_ended == 1 && f->parser.pstate != 0))
    {
      *status = record_bad (f, rec, "carriage return inside an unquoted field");
      return TRUE;
    }
  if (f->records_ended == 1)
    {
      record_publish (f, rec);
      *status = CSVFILE_RECORD;
      return TRUE;
    }
  if (f->parser.pstate == 0 && f->offsets->len == 0)
    {
      record_reset (f);            /* a blank line */
      return FALSE;
    }
  if (whole && (f->record_lines >= MAX_RECORD_LINES || f->raw->len >= MAX_RECORD_BYTES))
    {
      *status = record_resync (f, rec);
      return TRUE;
    }
  return FALSE;
}

/* End of input with a record still open. */
static CsvFileStatus
finish (CsvFile *f, CsvRecord *rec)
{
  if (f->record_lines == 0)
    return CSVFILE_EOF;
  if (csv_fini (&f->parser, field_cb, record_cb, f) != 0)
    return f->record_lines > 1 ? record_resync (f, rec) : record_bad (f, rec, "quoted field never closed");
  parser_reset (f);
  if (f->records_ended == 0)
    {
      record_reset (f);
      return CSVFILE_EOF;
    }
  record_publish (f, rec);
  return CSVFILE_RECORD;
}

CsvFileStatus
csvfile_next (CsvFile *f, CsvRecord *rec, GError **error)
{
  const char *line;
  gsize len;
  CsvFileStatus status;

  record_reset (f);
  for (;;)
    {
      GError *local = NULL;
      gboolean piece;
      if (!next_line (f, &line, &len, &piece, &local))
        {
          if (local)
            {
              g_propagate_error (error, local);
              return CSVFILE_ERROR;
            }
          status = finish (f, rec);
          if (status != CSVFILE_EOF || f->replay_pos >= f->replay->len)
            return status;
          continue;
        }
      if (piece)
        return record_overlong (f, rec, line, len, error);
      if (feed_line (f, line, len, rec, &status))
        return status;
    }
}

void
csvfile_set_unquoted (CsvFile *file)
{
  file->unquoted = TRUE;
  parser_reset (file);
}
