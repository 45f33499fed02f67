/* jsonrows.c — framing JSON rows out of a byte stream, parsing each with
 * json-glib.
 *
 * Data model: BUF holds the file's bytes from the start of the item being
 * framed (ITEM_START) on; POS is the scan cursor, LINE/COL0 where it is.
 * Bytes before POS are dropped at the start of each jsonrows_next, so the
 * buffer holds one row (plus a read chunk) whatever the file's size.  The
 * framer is resumable: STATE says where in a top-level value the cursor is
 * (between values, between the members of a top-level object, between the
 * elements of a row array), which is all it needs to carry between rows.
 * The current row is a json-glib tree of that row alone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/jsonrows.h"
#include "base/rater-error.h"

#define CHUNK_SIZE (64u << 10)
#define MAX_ITEM_BYTES (16u << 20)   /* a row (or a page's header) longer than this is broken */

typedef enum {
  STATE_TOP,        /* between top-level values */
  STATE_MEMBERS,    /* between the members of a top-level object */
  STATE_ARRAY,      /* between the elements of a row array */
} FrameState;

struct _JsonRows {
  char *path;
  int fd;
  guint64 size;               /* file size at open */
  guint64 dropped;            /* file offset of buf[0] */
  GByteArray *buf;            /* file bytes from buf[0] on */
  gsize pos;                  /* scan cursor in buf */
  guint64 line;               /* 1-based line of buf[pos] */
  gboolean col0;              /* buf[pos] starts a line */
  gboolean eof;               /* read() returned 0 */
  GError *io_error;           /* a failed read, reported by jsonrows_next */

  FrameState state;
  gboolean array_in_page;     /* STATE_ARRAY: the "value" array of a page (else a bare array) */
  gboolean need_comma;        /* a member or element was read: ',' or the close comes next */
  gsize obj_start;            /* STATE_MEMBERS: where the top-level object starts */
  guint64 obj_line;
  gboolean obj_is_page;       /* it has a "value" array or an "@odata.context" */
  gsize item_start;           /* first byte not yet handed out */
  guint64 item_line;
  char problem[160];          /* what broke the framing */

  char *context;              /* the first @odata.context */
  JsonParser *parser;
  JsonObject *row;            /* the current row (owned by PARSER); NULL when none */

  GStrv columns;              /* member names of the fields; NULL until set */
  gsize *column_lens;         /* [n_columns] their lengths, for the header record */
  guint n_columns;
  GPtrArray *texts;           /* the current row's field texts (owned) */
  GPtrArray *field_ptrs;      /* char * views for CsvRecord.field */
  GArray *lengths;            /* gsize, for CsvRecord.len */
};

gboolean
jsonrows_sniff (const char *path)
{
  char head[4096];
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  gssize n = read (fd, head, sizeof head);
  close (fd);
  gssize i = n >= 3 && memcmp (head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
  while (i < n && g_ascii_isspace (head[i]))
    i++;
  return i < n && (head[i] == '{' || head[i] == '[');
}

JsonRows *
jsonrows_open (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "cannot open '%s': %s", path, g_strerror (e));
      return NULL;
    }
  JsonRows *r = g_new0 (JsonRows, 1);
  r->path = g_strdup (path);
  r->fd = fd;
  r->size = (guint64) st.st_size;
  r->buf = g_byte_array_sized_new (CHUNK_SIZE);
  r->line = 1;
  r->col0 = TRUE;
  r->parser = json_parser_new_immutable ();
  r->texts = g_ptr_array_new_with_free_func (g_free);
  r->field_ptrs = g_ptr_array_new ();
  r->lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  return r;
}

void
jsonrows_free (JsonRows *r)
{
  if (!r)
    return;
  if (r->fd >= 0)
    close (r->fd);
  g_free (r->path);
  g_byte_array_unref (r->buf);
  g_clear_error (&r->io_error);
  g_free (r->context);
  g_clear_object (&r->parser);
  g_strfreev (r->columns);
  g_free (r->column_lens);
  g_ptr_array_unref (r->texts);
  g_ptr_array_unref (r->field_ptrs);
  g_array_unref (r->lengths);
  g_free (r);
}

/* ---- the byte cursor ---- */

/* Read another chunk; FALSE at end of file or on error (IO_ERROR set). */
static gboolean
fill (JsonRows *r)
{
  if (r->eof || r->io_error)
    return FALSE;
  guint old = r->buf->len;
  g_byte_array_set_size (r->buf, old + CHUNK_SIZE);
  gssize n;
  do
    n = read (r->fd, r->buf->data + old, CHUNK_SIZE);
  while (n < 0 && errno == EINTR);
  g_byte_array_set_size (r->buf, old + (guint) MAX (n, 0));
  if (n < 0)
    g_set_error (&r->io_error, RATER_ERROR, RATER_ERROR_DATA, "cannot read '%s': %s", r->path,
                 g_strerror (errno));
  if (n == 0)
    r->eof = TRUE;
  if (old == 0 && r->dropped == 0 && n >= 3 && memcmp (r->buf->data, "\xef\xbb\xbf", 3) == 0)
    r->pos = 3;
  return n > 0;
}

/* The byte at POS, or -1 at the end of the file. */
static inline int
peek (JsonRows *r)
{
  while (r->pos >= r->buf->len)
    if (!fill (r))
      return -1;
  return r->buf->data[r->pos];
}

static inline void
step (JsonRows *r)
{
  r->col0 = r->buf->data[r->pos++] == '\n';
  if (r->col0)
    r->line++;
}

static void
skip_ws (JsonRows *r)
{
  for (int c = peek (r); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = peek (r))
    step (r);
}

/* Drop the bytes already handed out. */
static void
compact (JsonRows *r)
{
  if (r->pos == 0)
    return;
  g_byte_array_remove_range (r->buf, 0, (guint) r->pos);
  r->dropped += r->pos;
  r->obj_start -= MIN (r->obj_start, r->pos);
  r->pos = 0;
}

/* ---- framing: each scanner returns FALSE with PROBLEM set ---- */

static gboolean
fail (JsonRows *r, const char *problem)
{
  int c = peek (r);
  if (c < 0)
    g_snprintf (r->problem, sizeof r->problem, "%s: the file ends inside a JSON value", problem);
  else if (r->col0 && c == '{')
    g_snprintf (r->problem, sizeof r->problem,
                "%s: a new value starts at line %" G_GUINT64_FORMAT " before this one ended",
                problem, r->line);
  else
    g_snprintf (r->problem, sizeof r->problem, "%s at line %" G_GUINT64_FORMAT, problem, r->line);
  return FALSE;
}

static gboolean
too_long (JsonRows *r)
{
  return r->pos - r->item_start > MAX_ITEM_BYTES;
}

/* Move POS over the run of bytes before the next '"', '\\' or line break
 * in the buffer (none of them ends a line, so LINE stays). */
static void
skip_plain (JsonRows *r)
{
  const guint8 *p = r->buf->data + r->pos, *end = r->buf->data + r->buf->len, *q = p;
  while (q < end && *q != '"' && *q != '\\' && *q != '\n')
    q++;
  if (q > p)
    r->pos += (gsize) (q - p), r->col0 = FALSE;
}

/* A string (POS on its opening quote): a raw line break or the end of the
 * file inside it breaks the framing. */
static gboolean
scan_string (JsonRows *r)
{
  step (r);
  for (;;)
    {
      if (peek (r) >= 0)
        skip_plain (r);
      int c = peek (r);
      if (c < 0 || c == '\n' || too_long (r))
        return fail (r, "unterminated string");
      if (c != '"' && c != '\\')
        continue;             /* the buffer ended: peek refilled it */
      step (r);
      if (c == '"')
        return TRUE;
      if (peek (r) >= 0)
        step (r);
    }
}

/* An object or array (POS on its opening bracket), by bracket nesting. */
static gboolean
scan_nested (JsonRows *r)
{
  guint depth = 0;
  do
    {
      int c = peek (r);
      if (c < 0 || (depth > 0 && r->col0 && c == '{') || too_long (r))
        return fail (r, "unclosed object or array");
      if (c == '"')
        {
          if (!scan_string (r))
            return FALSE;
          continue;
        }
      if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        depth--;
      step (r);
    }
  while (depth > 0);
  return TRUE;
}

static inline gboolean
ends_scalar (int c)
{
  switch (c)
    {
    case ',': case ':': case '{': case '}': case '[': case ']': case '"':
    case ' ': case '\t': case '\r': case '\n':
      return TRUE;
    default:
      return FALSE;
    }
}

/* Any value: a string, an object or array, or a bare scalar. */
static gboolean
scan_value (JsonRows *r)
{
  int c = peek (r);
  if (c == '"')
    return scan_string (r);
  if (c == '{' || c == '[')
    return scan_nested (r);
  gsize start = r->pos;
  while ((c = peek (r)) >= 0 && !ends_scalar (c) && !too_long (r))
    step (r);
  return r->pos > start || fail (r, "expected a value");
}

static gboolean
expect (JsonRows *r, char want)
{
  skip_ws (r);
  if (peek (r) != want)
    {
      char what[32];
      g_snprintf (what, sizeof what, "expected '%c'", want);
      return fail (r, what);
    }
  step (r);
  return TRUE;
}

static gboolean
span_is (JsonRows *r, gsize start, const char *s)
{
  gsize n = strlen (s);
  return r->pos - start == n && memcmp (r->buf->data + start, s, n) == 0;
}

/* Keep the first @odata.context (POS on its string). */
static gboolean
read_context (JsonRows *r)
{
  gsize start = r->pos;
  if (!scan_string (r))
    return FALSE;
  if (!r->context)
    {
      g_autofree char *text = g_strndup ((const char *) r->buf->data + start, r->pos - start);
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        r->context = g_strdup (json_node_get_string (node));
    }
  return TRUE;
}

typedef enum { FRAME_MORE, FRAME_ROW, FRAME_EOF, FRAME_BROKEN } Frame;

/* One member of a top-level object.  A "value" array opens the rows. */
static Frame
frame_member (JsonRows *r, gsize *row_start, guint64 *row_line)
{
  skip_ws (r);
  int c = peek (r);
  if (c == '}')
    {
      step (r);
      r->state = STATE_TOP;
      if (r->obj_is_page)
        return FRAME_MORE;
      *row_start = r->obj_start, *row_line = r->obj_line;
      return FRAME_ROW;
    }
  if (c < 0 || (r->col0 && c == '{'))
    return fail (r, "unclosed object"), FRAME_BROKEN;
  if (r->need_comma && !expect (r, ','))
    return FRAME_BROKEN;
  skip_ws (r);
  gsize key = r->pos;
  if (peek (r) != '"')
    return fail (r, "expected a member name"), FRAME_BROKEN;
  if (!scan_string (r))
    return FRAME_BROKEN;
  gboolean is_value = span_is (r, key, "\"value\"");
  gboolean is_context = span_is (r, key, "\"@odata.context\"");
  if (!expect (r, ':'))
    return FRAME_BROKEN;
  skip_ws (r);
  r->need_comma = TRUE;
  if (is_value && peek (r) == '[')
    {
      step (r);
      r->obj_is_page = TRUE;
      r->state = STATE_ARRAY, r->array_in_page = TRUE, r->need_comma = FALSE;
      return FRAME_MORE;
    }
  if (is_context && peek (r) == '"')
    {
      r->obj_is_page = TRUE;
      return read_context (r) ? FRAME_MORE : FRAME_BROKEN;
    }
  return scan_value (r) ? FRAME_MORE : FRAME_BROKEN;
}

/* One element of a row array. */
static Frame
frame_element (JsonRows *r, gsize *row_start, guint64 *row_line)
{
  skip_ws (r);
  int c = peek (r);
  if (c == ']')
    {
      step (r);
      r->state = r->array_in_page ? STATE_MEMBERS : STATE_TOP;
      r->need_comma = TRUE;
      return FRAME_MORE;
    }
  if (c < 0 || (r->array_in_page && r->col0 && c == '{'))
    return fail (r, "unclosed array"), FRAME_BROKEN;
  if (r->need_comma && !expect (r, ','))
    return FRAME_BROKEN;
  skip_ws (r);
  r->need_comma = TRUE;
  r->item_start = *row_start = r->pos;
  r->item_line = *row_line = r->line;
  return scan_value (r) ? FRAME_ROW : FRAME_BROKEN;
}

/* Between top-level values: a page, a row object or a row array opens. */
static Frame
frame_top (JsonRows *r)
{
  skip_ws (r);
  int c = peek (r);
  if (c < 0)
    return FRAME_EOF;
  r->need_comma = FALSE;
  r->item_start = r->pos, r->item_line = r->line;
  if (c == '[')
    r->state = STATE_ARRAY, r->array_in_page = FALSE;
  else if (c == '{')
    {
      r->state = STATE_MEMBERS, r->obj_is_page = FALSE;
      r->obj_start = r->pos, r->obj_line = r->line;
    }
  else
    return fail (r, "expected '{' or '['"), FRAME_BROKEN;
  step (r);
  return FRAME_MORE;
}

/* Frame the next row: its bytes are [*start, POS). */
static Frame
frame_row (JsonRows *r, gsize *start, guint64 *line)
{
  Frame f = FRAME_MORE;
  while (f == FRAME_MORE)
    switch (r->state)
      {
      case STATE_TOP:
        f = frame_top (r);
        break;
      case STATE_MEMBERS:
        f = frame_member (r, start, line);
        break;
      case STATE_ARRAY:
        f = frame_element (r, start, line);
        break;
      default:
        g_assert_not_reached ();
      }
  return f;
}

/* ---- records ---- */

/* The broken rest of a value: from ITEM_START (commas and spaces dropped)
 * to the next '{' in column 0 or the end of the file. */
static void
broken_record (JsonRows *r, CsvRecord *rec)
{
  while (peek (r) >= 0 && !(r->col0 && peek (r) == '{'))
    step (r);
  r->state = STATE_TOP;
  const guint8 *p = r->buf->data;
  gsize a = r->item_start, b = r->pos;
  guint64 line = r->item_line;
  for (; a < b && (g_ascii_isspace (p[a]) || p[a] == ','); a++)
    line += p[a] == '\n';
  while (b > a && g_ascii_isspace (p[b - 1]))
    b--;
  rec->line = line;
  rec->raw = (const char *) p + a;
  rec->raw_len = b - a;
  rec->problem = r->problem;
}

static char *
member_text (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (!node || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("");
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_dtostr (num, sizeof num, json_node_get_double (node)));
}

/* REC's fields from the current row and the columns. */
static void
fill_fields (JsonRows *r, CsvRecord *rec)
{
  g_ptr_array_set_size (r->texts, 0);
  g_ptr_array_set_size (r->field_ptrs, 0);
  g_array_set_size (r->lengths, 0);
  for (guint i = 0; r->row && i < r->n_columns; i++)
    {
      char *t = member_text (r->row, r->columns[i]);
      gsize len = strlen (t);
      g_ptr_array_add (r->texts, t);
      g_ptr_array_add (r->field_ptrs, t);
      g_array_append_val (r->lengths, len);
    }
  rec->n = r->field_ptrs->len;
  rec->field = (char **) r->field_ptrs->pdata;
  rec->len = (gsize *) (void *) r->lengths->data;
}

/* Parse the framed row [start, POS) with json-glib. */
static CsvFileStatus
row_record (JsonRows *r, gsize start, guint64 line, CsvRecord *rec)
{
  g_autoptr(GError) local = NULL;
  rec->line = line;
  rec->raw = (const char *) r->buf->data + start;
  rec->raw_len = r->pos - start;
  if (!json_parser_load_from_data (r->parser, rec->raw, (gssize) rec->raw_len, &local))
    {
      /* json-glib's message starts "<data>:LINE:COL: ": keep what follows */
      const char *m = strstr (local->message, ": ");
      g_snprintf (r->problem, sizeof r->problem, "not valid JSON: %s", m ? m + 2 : local->message);
      rec->problem = r->problem;
      return CSVFILE_BAD;
    }
  JsonNode *root = json_parser_get_root (r->parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    {
      rec->problem = "a row is not a JSON object";
      return CSVFILE_BAD;
    }
  r->row = json_node_get_object (root);
  fill_fields (r, rec);
  return CSVFILE_RECORD;
}

CsvFileStatus
jsonrows_next (JsonRows *r, CsvRecord *rec, GError **error)
{
  memset (rec, 0, sizeof *rec);
  r->row = NULL;
  compact (r);
  skip_ws (r);
  r->item_start = r->pos, r->item_line = r->line;
  gsize start = 0;
  guint64 line = 0;
  Frame f = frame_row (r, &start, &line);
  if (r->io_error)
    {
      g_propagate_error (error, g_steal_pointer (&r->io_error));
      return CSVFILE_ERROR;
    }
  if (f == FRAME_EOF)
    return CSVFILE_EOF;
  if (f == FRAME_BROKEN)
    {
      broken_record (r, rec);
      return CSVFILE_BAD;
    }
  return row_record (r, start, line, rec);
}

const char *
jsonrows_context (const JsonRows *r)
{
  return r->context;
}

void
jsonrows_members (JsonRows *r, CsvRecord *rec)
{
  g_ptr_array_set_size (r->texts, 0);
  g_ptr_array_set_size (r->field_ptrs, 0);
  g_array_set_size (r->lengths, 0);
  g_autoptr(GList) names = r->row ? json_object_get_members (r->row) : NULL;
  for (GList *l = names; l; l = l->next)
    {
      gsize len = strlen (l->data);
      g_ptr_array_add (r->field_ptrs, l->data);
      g_array_append_val (r->lengths, len);
    }
  rec->n = r->field_ptrs->len;
  rec->field = (char **) r->field_ptrs->pdata;
  rec->len = (gsize *) (void *) r->lengths->data;
}

void
jsonrows_set_columns (JsonRows *r, const char *const *names, guint n, CsvRecord *rec,
                      CsvRecord *header)
{
  g_strfreev (r->columns);
  g_free (r->column_lens);
  r->columns = g_new0 (char *, n + 1);
  r->column_lens = g_new0 (gsize, n + 1);
  for (guint i = 0; i < n; i++)
    {
      r->columns[i] = g_strdup (names[i]);
      r->column_lens[i] = strlen (names[i]);
    }
  r->n_columns = n;
  if (rec->problem == NULL && r->row)
    fill_fields (r, rec);
  memset (header, 0, sizeof *header);
  header->n = n;
  header->field = r->columns;
  header->len = r->column_lens;
  header->line = 1;
}

guint64
jsonrows_position (const JsonRows *r)
{
  return r->dropped + r->pos;
}

guint64
jsonrows_size (const JsonRows *r)
{
  return r->size;
}
