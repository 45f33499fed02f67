/* test-csvfile.c — unit tests of csvfile.c: RFC 4180 records read from real
 * files, with the physical line each record starts on and its raw bytes.
 *
 * Every input is written to a temporary file that is unlinked as soon as it
 * is open.  The cases cover line endings, the BOM, quoting, blank lines,
 * malformed records and the resync after a quote that never closes, buffer
 * growth past the read chunk, and two property checks: random valid CSV
 * reads back exactly, and random bytes never crash the reader.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csvfile.h"
#include "base/rater-error.h"

/* Helpers {{{1 */

/* Write LEN bytes of DATA to a new temporary file; returns its path. */
static char *
write_tmp (const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("test-csvfile-XXXXXX.csv", &path, &error);

  cr_assert (fd >= 0, "g_file_open_tmp: %s", error ? error->message : "?");
  close (fd);
  cr_assert (g_file_set_contents (path, data, (gssize) len, &error),
             "write '%s': %s", path, error ? error->message : "?");
  return path;
}

/* A reader over LEN bytes of DATA; the file is already unlinked. */
static CsvFile *
open_bytes (const void *data, gsize len, char delim, gboolean trim)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_tmp (data, len);
  CsvFile *f = csvfile_open (path, delim, trim, &error);

  cr_assert_not_null (f, "csvfile_open: %s", error ? error->message : "?");
  g_unlink (path);
  return f;
}

static CsvFile *
open_text_opts (const char *text, char delim, gboolean trim)
{
  return open_bytes (text, strlen (text), delim, trim);
}

static CsvFile *
open_text (const char *text)
{
  return open_text_opts (text, ',', TRUE);
}

static CsvFileStatus
next (CsvFile *f, CsvRecord *rec)
{
  g_autoptr(GError) error = NULL;
  CsvFileStatus st = csvfile_next (f, rec, &error);

  cr_assert_neq (st, CSVFILE_ERROR, "csvfile_next: %s", error ? error->message : "?");
  cr_assert_null (error);
  return st;
}

/* The next record must be a good one on LINE, with raw text RAW and the
 * NULL-terminated list of field values that follows. */
static void
expect_record (CsvFile *f, guint64 line, const char *raw, ...)
{
  CsvRecord rec = { 0 };
  va_list ap;
  guint i = 0;

  cr_assert_eq (next (f, &rec), CSVFILE_RECORD, "expected a record on line %" G_GUINT64_FORMAT, line);
  cr_assert_eq (rec.line, line, "line %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                rec.line, line);
  cr_assert_eq (rec.raw_len, strlen (raw), "raw length %zu, expected %zu ('%.*s' vs '%s')",
                rec.raw_len, strlen (raw), (int) rec.raw_len, rec.raw, raw);
  cr_assert_eq (memcmp (rec.raw, raw, rec.raw_len), 0, "raw '%.*s', expected '%s'",
                (int) rec.raw_len, rec.raw, raw);
  cr_assert_null (rec.problem);
  va_start (ap, raw);
  for (const char *want; (want = va_arg (ap, const char *)); i++)
    {
      cr_assert_lt (i, rec.n, "only %u fields on line %" G_GUINT64_FORMAT, rec.n, line);
      cr_assert_eq (rec.len[i], strlen (want), "field %u has %zu bytes, expected %zu ('%s' vs '%s')",
                    i, rec.len[i], strlen (want), rec.field[i], want);
      cr_assert_str_eq (rec.field[i], want, "field %u", i);
    }
  va_end (ap);
  cr_assert_eq (rec.n, i, "%u fields on line %" G_GUINT64_FORMAT ", expected %u", rec.n, line, i);
}

/* The next record must be a bad one on LINE with raw text RAW. */
static void
expect_bad (CsvFile *f, guint64 line, const char *raw, const char *problem)
{
  CsvRecord rec = { 0 };

  cr_assert_eq (next (f, &rec), CSVFILE_BAD, "expected a bad record on line %" G_GUINT64_FORMAT, line);
  cr_assert_eq (rec.line, line, "bad record on line %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                rec.line, line);
  cr_assert_eq (rec.n, 0);
  cr_assert_eq (rec.raw_len, strlen (raw), "raw '%.*s', expected '%s'", (int) rec.raw_len, rec.raw, raw);
  cr_assert_eq (memcmp (rec.raw, raw, rec.raw_len), 0, "raw '%.*s', expected '%s'",
                (int) rec.raw_len, rec.raw, raw);
  cr_assert_not_null (rec.problem);
  cr_assert_str_eq (rec.problem, problem);
}

static void
expect_eof (CsvFile *f)
{
  CsvRecord rec = { 0 };

  cr_assert_eq (next (f, &rec), CSVFILE_EOF);
  cr_assert_eq (next (f, &rec), CSVFILE_EOF, "EOF is sticky");
}

/* Plain records {{{1 */

Test (csvfile, plain_rows)
{
  g_autoptr(CsvFile) f = open_text ("a,b,c\n1,2,3\nx,,z\n");

  expect_record (f, 1, "a,b,c", "a", "b", "c", NULL);
  expect_record (f, 2, "1,2,3", "1", "2", "3", NULL);
  expect_record (f, 3, "x,,z", "x", "", "z", NULL);
  expect_eof (f);
  cr_assert_eq (csvfile_size (f), 17);
  cr_assert_eq (csvfile_position (f), 17);
}

Test (csvfile, trailing_and_leading_empty_fields)
{
  g_autoptr(CsvFile) f = open_text (",a,\n,\n\"\"\n");

  expect_record (f, 1, ",a,", "", "a", "", NULL);
  expect_record (f, 2, ",", "", "", NULL);
  expect_record (f, 3, "\"\"", "", NULL);
  expect_eof (f);
}

Test (csvfile, crlf)
{
  g_autoptr(CsvFile) f = open_text ("a,b\r\nc,d\r\n\r\ne,f\r\n");

  expect_record (f, 1, "a,b", "a", "b", NULL);
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_record (f, 4, "e,f", "e", "f", NULL);
  expect_eof (f);
}

Test (csvfile, mixed_line_endings)
{
  g_autoptr(CsvFile) f = open_text ("a,b\nc,d\r\ne,f\n");

  expect_record (f, 1, "a,b", "a", "b", NULL);
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_record (f, 3, "e,f", "e", "f", NULL);
  expect_eof (f);
}

Test (csvfile, bom_stripped)
{
  g_autoptr(CsvFile) f = open_text ("\xEF\xBB\xBF" "call_id,start\nc1,2026\n");

  expect_record (f, 1, "call_id,start", "call_id", "start", NULL);
  expect_record (f, 2, "c1,2026", "c1", "2026", NULL);
  expect_eof (f);
  cr_assert_eq (csvfile_position (f), csvfile_size (f));
}

Test (csvfile, bom_starting_a_record_mid_file)
{
  /* a BOM starting a record (files concatenated) is stripped like the
   * file's own (issue 12: kept, it put invisible bytes into a call key and
   * billed a call twice); inside a record it is data */
  g_autoptr(CsvFile) f = open_text ("a\n\xEF\xBB\xBF" "b\nc,\xEF\xBB\xBF" "d\n");

  expect_record (f, 1, "a", "a", NULL);
  expect_record (f, 2, "b", "b", NULL);
  expect_record (f, 3, "c,\xEF\xBB\xBF" "d", "c", "\xEF\xBB\xBF" "d", NULL);
  expect_eof (f);
}

Test (csvfile, bom_quoted_first_field)
{
  g_autoptr(CsvFile) f = open_text ("\xEF\xBB\xBF\"x,y\",z\r\n");

  expect_record (f, 1, "\"x,y\",z", "x,y", "z", NULL);
  expect_eof (f);
}

Test (csvfile, bom_only_file)
{
  g_autoptr(CsvFile) f = open_text ("\xEF\xBB\xBF");

  expect_eof (f);
}

Test (csvfile, short_file_not_a_bom)
{
  g_autoptr(CsvFile) f = open_text ("\xEF\xBB");

  expect_record (f, 1, "\xEF\xBB", "\xEF\xBB", NULL);
  expect_eof (f);
}

Test (csvfile, empty_file)
{
  g_autoptr(CsvFile) f = open_text ("");

  expect_eof (f);
  cr_assert_eq (csvfile_size (f), 0);
  cr_assert_eq (csvfile_position (f), 0);
}

Test (csvfile, only_blank_lines)
{
  g_autoptr(CsvFile) f = open_text ("\n\r\n\n");

  expect_eof (f);
}

Test (csvfile, open_missing_file)
{
  g_autoptr(GError) error = NULL;
  CsvFile *f = csvfile_open ("/nonexistent/dir/cdrs.csv", ',', TRUE, &error);

  cr_assert_null (f);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert_str_eq (error->message,
                    "cannot open '/nonexistent/dir/cdrs.csv': No such file or directory");
}

/* Quoting {{{1 */

Test (csvfile, quoted_commas_and_escapes)
{
  g_autoptr(CsvFile) f = open_text ("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n\"\",x\n");

  expect_record (f, 1, "\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"", "a,b", "say \"hi\"", "\"", NULL);
  expect_record (f, 2, "\"\",x", "", "x", NULL);
  expect_eof (f);
}

Test (csvfile, embedded_lf)
{
  g_autoptr(CsvFile) f = open_text ("id,note\n1,\"two\nlines\"\n2,\"three\n\nlines\"\n3,end\n");

  expect_record (f, 1, "id,note", "id", "note", NULL);
  expect_record (f, 2, "1,\"two\nlines\"", "1", "two\nlines", NULL);
  expect_record (f, 4, "2,\"three\n\nlines\"", "2", "three\n\nlines", NULL);
  expect_record (f, 7, "3,end", "3", "end", NULL);
  expect_eof (f);
}

Test (csvfile, embedded_crlf)
{
  g_autoptr(CsvFile) f = open_text ("1,\"a\r\nb\"\r\n2,\"c\rd\"\r\n3,x\r\n");

  expect_record (f, 1, "1,\"a\r\nb\"", "1", "a\r\nb", NULL);
  expect_record (f, 3, "2,\"c\rd\"", "2", "c\rd", NULL);
  expect_record (f, 4, "3,x", "3", "x", NULL);
  expect_eof (f);
}

Test (csvfile, multiline_record_ends_the_file)
{
  g_autoptr(CsvFile) f = open_text ("a,\"b\nc\"");

  expect_record (f, 1, "a,\"b\nc\"", "a", "b\nc", NULL);
  expect_eof (f);
}

Test (csvfile, quoted_field_spaces_trimmed_outside_quotes)
{
  g_autoptr(CsvFile) f = open_text ("  a , \" b \" ,c  \n");

  expect_record (f, 1, "  a , \" b \" ,c  ", "a", " b ", "c", NULL);
  expect_eof (f);
}

Test (csvfile, blank_lines_counted)
{
  g_autoptr(CsvFile) f = open_text ("\n\na\n\n\nb\n  \n\t\nc\n\n");

  expect_record (f, 3, "a", "a", NULL);
  expect_record (f, 6, "b", "b", NULL);
  expect_record (f, 9, "c", "c", NULL);
  expect_eof (f);
}

Test (csvfile, last_line_without_newline)
{
  g_autoptr(CsvFile) f = open_text ("a,b\nc,d");

  expect_record (f, 1, "a,b", "a", "b", NULL);
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_eof (f);
}

Test (csvfile, last_line_ends_with_delimiter_or_quote)
{
  g_autoptr(CsvFile) f1 = open_text ("a,");
  g_autoptr(CsvFile) f2 = open_text ("a,\"b\"");
  g_autoptr(CsvFile) f3 = open_text ("a,b\r");

  expect_record (f1, 1, "a,", "a", "", NULL);
  expect_eof (f1);
  expect_record (f2, 1, "a,\"b\"", "a", "b", NULL);
  expect_eof (f2);
  expect_record (f3, 1, "a,b", "a", "b", NULL);
  expect_eof (f3);
}

Test (csvfile, nul_bytes_in_fields)
{
  static const char data[] = "a\0b,\"c\0\"\nx\n";
  g_autoptr(CsvFile) f = open_bytes (data, sizeof data - 1, ',', TRUE);
  CsvRecord rec = { 0 };

  cr_assert_eq (next (f, &rec), CSVFILE_RECORD);
  cr_assert_eq (rec.line, 1);
  cr_assert_eq (rec.n, 2);
  cr_assert_eq (rec.len[0], 3);
  cr_assert_eq (memcmp (rec.field[0], "a\0b", 4), 0, "NUL-terminated after its bytes");
  cr_assert_eq (rec.len[1], 2);
  cr_assert_eq (memcmp (rec.field[1], "c\0", 3), 0);
  cr_assert_eq (rec.raw_len, 8);
  cr_assert_eq (memcmp (rec.raw, "a\0b,\"c\0\"", 8), 0);
  expect_record (f, 2, "x", "x", NULL);
  expect_eof (f);
}

/* Malformed records {{{1 */

Test (csvfile, malformed_quotes)
{
  g_autoptr(CsvFile) f = open_text ("h1,h2,h3\na,\"b\"c,d\ne,f,g\n1,2\"3,4\nlast,x\n");

  expect_record (f, 1, "h1,h2,h3", "h1", "h2", "h3", NULL);
  expect_bad (f, 2, "a,\"b\"c,d", "malformed quotes");
  expect_record (f, 3, "e,f,g", "e", "f", "g", NULL);
  expect_bad (f, 4, "1,2\"3,4", "malformed quotes");
  expect_record (f, 5, "last,x", "last", "x", NULL);
  expect_eof (f);
}

Test (csvfile, malformed_quotes_crlf)
{
  g_autoptr(CsvFile) f = open_text ("a,\"b\"c,d\r\ne,f\r\n");

  expect_bad (f, 1, "a,\"b\"c,d", "malformed quotes");
  expect_record (f, 2, "e,f", "e", "f", NULL);
  expect_eof (f);
}

Test (csvfile, malformed_quotes_after_multiline_field)
{
  /* the quote opened on line 1 is closed on line 3 by a stray quote: only
   * line 1 is bad, the good record on line 2 is not swallowed */
  g_autoptr(CsvFile) f = open_text ("a,\"b\nc,d\ne,\"f\"g\nh,i\n");

  expect_bad (f, 1, "a,\"b", "quoted field never closed");
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_bad (f, 3, "e,\"f\"g", "malformed quotes");
  expect_record (f, 4, "h,i", "h", "i", NULL);
  expect_eof (f);
}

Test (csvfile, unterminated_quote_on_last_line)
{
  g_autoptr(CsvFile) f1 = open_text ("a,b\nc,\"d");
  g_autoptr(CsvFile) f2 = open_text ("a,b\nc,\"d\n");
  g_autoptr(CsvFile) f3 = open_text ("a,b\nc,\"d\r\n");

  expect_record (f1, 1, "a,b", "a", "b", NULL);
  expect_bad (f1, 2, "c,\"d", "quoted field never closed");
  expect_eof (f1);
  expect_record (f2, 1, "a,b", "a", "b", NULL);
  expect_bad (f2, 2, "c,\"d", "quoted field never closed");
  expect_eof (f2);
  expect_record (f3, 1, "a,b", "a", "b", NULL);
  expect_bad (f3, 2, "c,\"d", "quoted field never closed");
  expect_eof (f3);
}

Test (csvfile, unterminated_quote_near_the_end)
{
  /* fewer than MAX_RECORD_LINES lines follow: resync happens at EOF */
  g_autoptr(CsvFile) f = open_text ("a,b\nc,\"d\ne,f\ng,h");

  expect_record (f, 1, "a,b", "a", "b", NULL);
  expect_bad (f, 2, "c,\"d", "quoted field never closed");
  expect_record (f, 3, "e,f", "e", "f", NULL);
  expect_record (f, 4, "g,h", "g", "h", NULL);
  expect_eof (f);
}

/* A file whose line 2 opens a quote that never closes, then N good lines. */
static void
check_resync (guint n, const char *eol)
{
  g_autoptr(GString) s = g_string_new ("key,value");
  g_string_append (s, eol);
  g_string_append_printf (s, "broken,\"never closed%s", eol);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "k%u,v%u%s", i, i, eol);
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);

  expect_record (f, 1, "key,value", "key", "value", NULL);
  expect_bad (f, 2, "broken,\"never closed", "quoted field never closed");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *k = g_strdup_printf ("k%u", i);
      g_autofree char *v = g_strdup_printf ("v%u", i);
      g_autofree char *raw = g_strdup_printf ("k%u,v%u", i, i);
      expect_record (f, 3 + i, raw, k, v, NULL);
    }
  expect_eof (f);
  cr_assert_eq (csvfile_position (f), s->len);
}

Test (csvfile, unterminated_quote_in_long_file)
{
  check_resync (1000, "\n");
}

Test (csvfile, unterminated_quote_in_long_file_crlf)
{
  check_resync (250, "\r\n");
}

Test (csvfile, unterminated_quote_exactly_max_lines)
{
  /* MAX_RECORD_LINES is 100: around the limit on either side */
  check_resync (98, "\n");
  check_resync (99, "\n");
  check_resync (100, "\n");
  check_resync (101, "\n");
}

Test (csvfile, unterminated_quote_with_quoted_fields_after)
{
  /* the lines after the broken one have quoted fields of their own: they
   * are still read as written */
  g_autoptr(GString) s = g_string_new ("x,\"open\n");
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (s, "\"k,%u\",v%u\n", i, i);
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);

  expect_bad (f, 1, "x,\"open", "quoted field never closed");
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *k = g_strdup_printf ("k,%u", i);
      g_autofree char *v = g_strdup_printf ("v%u", i);
      g_autofree char *raw = g_strdup_printf ("\"k,%u\",v%u", i, i);
      expect_record (f, 2 + i, raw, k, v, NULL);
    }
  expect_eof (f);
}

Test (csvfile, two_unterminated_quotes)
{
  g_autoptr(GString) s = g_string_new ("a,\"one\n");
  for (guint i = 0; i < 150; i++)
    g_string_append_printf (s, "%u\n", i);
  g_string_append (s, "b,\"two\n");
  for (guint i = 0; i < 150; i++)
    g_string_append_printf (s, "%u\n", i);
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);

  expect_bad (f, 1, "a,\"one", "quoted field never closed");
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *v = g_strdup_printf ("%u", i);
      expect_record (f, 2 + i, v, v, NULL);
    }
  expect_bad (f, 152, "b,\"two", "quoted field never closed");
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *v = g_strdup_printf ("%u", i);
      expect_record (f, 153 + i, v, v, NULL);
    }
  expect_eof (f);
}

Test (csvfile, bare_cr_in_unquoted_field)
{
  g_autoptr(CsvFile) f = open_text ("a,b\rc,d\ne,f\n");

  expect_bad (f, 1, "a,b\rc,d", "carriage return inside an unquoted field");
  expect_record (f, 2, "e,f", "e", "f", NULL);
  expect_eof (f);
}

Test (csvfile, bare_cr_then_open_quote)
{
  /* a bare CR ends libcsv's record; what follows it must not leak into the
   * next record even when it opens a quoted field */
  g_autoptr(CsvFile) f = open_text ("a\r\"b\nc,d\ne,f\n");

  expect_bad (f, 1, "a\r\"b", "carriage return inside an unquoted field");
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_record (f, 3, "e,f", "e", "f", NULL);
  expect_eof (f);
}

Test (csvfile, bare_cr_on_last_line)
{
  g_autoptr(CsvFile) f = open_text ("x\na\rb");

  expect_record (f, 1, "x", "x", NULL);
  expect_bad (f, 2, "a\rb", "carriage return inside an unquoted field");
  expect_eof (f);
}

/* Delimiters and trimming {{{1 */

Test (csvfile, pipe_trimmed)
{
  static const char data[] = "SBCReportType |SessionId |Duration\n"
                             "CALL_END      |  1f2e   |  61  \n"
                             " \"a|b\" | c d |\n";
  g_autoptr(CsvFile) f = open_text_opts (data, '|', TRUE);

  expect_record (f, 1, "SBCReportType |SessionId |Duration", "SBCReportType", "SessionId", "Duration", NULL);
  expect_record (f, 2, "CALL_END      |  1f2e   |  61  ", "CALL_END", "1f2e", "61", NULL);
  expect_record (f, 3, " \"a|b\" | c d |", "a|b", "c d", "", NULL);
  expect_eof (f);
}

Test (csvfile, pipe_untrimmed)
{
  static const char data[] = "a |  b|c\t\n\t x | y,z \n";
  g_autoptr(CsvFile) f = open_text_opts (data, '|', FALSE);

  expect_record (f, 1, "a |  b|c\t", "a ", "  b", "c\t", NULL);
  expect_record (f, 2, "\t x | y,z ", "\t x ", " y,z ", NULL);
  expect_eof (f);
}

Test (csvfile, untrimmed_spaces_only_line_is_a_record)
{
  g_autoptr(CsvFile) f = open_text_opts ("  \n", ',', FALSE);

  expect_record (f, 1, "  ", "  ", NULL);
  expect_eof (f);
}

Test (csvfile, untrimmed_space_before_quote_is_malformed)
{
  g_autoptr(CsvFile) f = open_text_opts ("a, \"b\"\nc,d\n", ',', FALSE);

  expect_bad (f, 1, "a, \"b\"", "malformed quotes");
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_eof (f);
}

Test (csvfile, tab_delimiter)
{
  g_autoptr(CsvFile) f = open_text_opts ("a\tb\t\"c\td\"\n", '\t', TRUE);

  expect_record (f, 1, "a\tb\t\"c\td\"", "a", "b", "c\td", NULL);
  expect_eof (f);
}

/* Lines without quotes are split without libcsv (csvfile.c): the same
 * fields as libcsv's, trimming and blank lines included. */
Test (csvfile, plain_lines_split_as_libcsv_does)
{
  static const char data[] = " a , b ,\t\n"
                             " \t \n"
                             "a ,b \r\n"
                             ",\n"
                             "x,\"y\"\n"
                             "\tz\t,  \n";
  g_autoptr(CsvFile) f = open_text (data);

  expect_record (f, 1, " a , b ,\t", "a", "b", "", NULL);
  expect_record (f, 3, "a ,b ", "a", "b", NULL);
  expect_record (f, 4, ",", "", "", NULL);
  expect_record (f, 5, "x,\"y\"", "x", "y", NULL);
  expect_record (f, 6, "\tz\t,  ", "z", "", NULL);
  expect_eof (f);
}

Test (csvfile, plain_lines_with_tab_delimiter)
{
  g_autoptr(CsvFile) f = open_text_opts ("\t\n \t \n  \n a\t b \n", '\t', TRUE);

  expect_record (f, 1, "\t", "", "", NULL);
  expect_record (f, 2, " \t ", "", "", NULL);
  expect_record (f, 4, " a\t b ", "a", "b", NULL);
  expect_eof (f);
}

Test (csvfile, plain_lines_untrimmed)
{
  g_autoptr(CsvFile) f = open_text_opts ("\n \t,\r\n", ',', FALSE);

  expect_record (f, 2, " \t,", " \t", "", NULL);
  expect_eof (f);
}

/* Large fields and lines {{{1 */

Test (csvfile, field_over_one_mib)
{
  gsize big = (3u << 20) + 17;
  g_autoptr(GString) s = g_string_new ("head,x\nid1,");
  gsize start = s->len;
  g_string_set_size (s, start + big);
  memset (s->str + start, 'z', big);
  g_string_append (s, ",tail\nid2,small\n");
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);
  CsvRecord rec = { 0 };

  expect_record (f, 1, "head,x", "head", "x", NULL);
  cr_assert_eq (next (f, &rec), CSVFILE_RECORD);
  cr_assert_eq (rec.line, 2);
  cr_assert_eq (rec.n, 3);
  cr_assert_str_eq (rec.field[0], "id1");
  cr_assert_eq (rec.len[1], big);
  cr_assert_eq (strspn (rec.field[1], "z"), big);
  cr_assert_str_eq (rec.field[2], "tail");
  cr_assert_eq (rec.raw_len, 4 + big + 5);
  expect_record (f, 3, "id2,small", "id2", "small", NULL);
  expect_eof (f);
}

Test (csvfile, quoted_field_over_one_mib_on_one_line)
{
  gsize big = (1u << 20) + 3;
  g_autoptr(GString) s = g_string_new ("\"");
  g_string_set_size (s, 1 + big);
  memset (s->str + 1, 'q', big);
  g_string_append (s, "\",b\r\nc,d\r\n");
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);
  CsvRecord rec = { 0 };

  cr_assert_eq (next (f, &rec), CSVFILE_RECORD);
  cr_assert_eq (rec.line, 1);
  cr_assert_eq (rec.n, 2);
  cr_assert_eq (rec.len[0], big);
  cr_assert_str_eq (rec.field[1], "b");
  cr_assert_eq (rec.raw_len, big + 4);
  expect_record (f, 2, "c,d", "c", "d", NULL);
  expect_eof (f);
}

Test (csvfile, last_line_over_one_mib_without_newline)
{
  /* a long final record is complete at EOF: not an unclosed quote */
  gsize big = (2u << 20) + 5;
  g_autoptr(GString) s = g_string_new ("a,b\nid,");
  gsize start = s->len;
  g_string_set_size (s, start + big);
  memset (s->str + start, 'w', big);
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);
  CsvRecord rec = { 0 };

  expect_record (f, 1, "a,b", "a", "b", NULL);
  cr_assert_eq (next (f, &rec), CSVFILE_RECORD);
  cr_assert_eq (rec.line, 2);
  cr_assert_eq (rec.n, 2);
  cr_assert_str_eq (rec.field[0], "id");
  cr_assert_eq (rec.len[1], big);
  cr_assert_eq (rec.raw_len, big + 3);
  expect_eof (f);
}

Test (csvfile, line_over_the_largest_buffer)
{
  /* a line longer than MAX_LINE_BYTES (8 MiB) is not parsed (issue 12: a
   * 100 MiB line took 640 MiB): a bad record with the first 4 KiB as raw
   * text, and the next line is numbered right */
  gsize big = (65u << 20) + 11;
  g_autoptr(GString) s = g_string_new ("x,");
  gsize start = s->len;
  g_string_set_size (s, start + big);
  memset (s->str + start, 'y', big);
  g_string_append (s, ",z\nnext,1\n");
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);
  CsvRecord rec = { 0 };

  cr_assert_eq (next (f, &rec), CSVFILE_BAD);
  cr_assert_eq (rec.line, 1);
  cr_assert_eq (rec.n, 0);
  cr_assert_eq (rec.raw_len, 4096);
  cr_assert_eq (memcmp (rec.raw, "x,yyy", 5), 0);
  g_autofree char *problem = g_strdup_printf ("line of %zu bytes is longer than the 8 MiB a record"
                                              " may have", big + 5);
  cr_assert_str_eq (rec.problem, problem);
  expect_record (f, 2, "next,1", "next", "1", NULL);
  expect_eof (f);
}

Test (csvfile, many_lines_across_chunks)
{
  /* lines straddle every 1 MiB read boundary */
  g_autoptr(GString) s = g_string_new (NULL);
  guint n = 120000;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%u,\"v\"\"%u\",%s\n", i, i, i % 7 ? "x" : "\"multi\nline\"");
  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);
  guint64 line = 1;
  CsvRecord rec = { 0 };

  for (guint i = 0; i < n; i++)
    {
      char want0[16], want1[24];
      g_snprintf (want0, sizeof want0, "%u", i);
      g_snprintf (want1, sizeof want1, "v\"%u", i);
      cr_assert_eq (next (f, &rec), CSVFILE_RECORD);
      cr_assert_eq (rec.line, line, "record %u", i);
      cr_assert_eq (rec.n, 3);
      cr_assert_str_eq (rec.field[0], want0);
      cr_assert_str_eq (rec.field[1], want1);
      cr_assert_str_eq (rec.field[2], i % 7 ? "x" : "multi\nline");
      line += i % 7 ? 1 : 2;
    }
  expect_eof (f);
  cr_assert_eq (csvfile_position (f), s->len);
}

/* Property checks {{{1 */

/* A random field value: printable, delimiters, quotes, CR, LF, NUL, UTF-8. */
static void
random_field (GRand *r, GString *out)
{
  static const char *const atoms[] = {
    "a", "b", "7", " ", ",", "\"", "\n", "\r\n", "\r", "\t", "\xC3\xA9", "|", "x y",
  };
  guint n = (guint) g_rand_int_range (r, 0, 8);
  for (guint i = 0; i < n; i++)
    {
      if (g_rand_int_range (r, 0, 40) == 0)
        g_string_append_c (out, '\0');
      else
        g_string_append (out, atoms[g_rand_int_range (r, 0, G_N_ELEMENTS (atoms))]);
    }
}

/* Append FIELD to OUT as CSV, quoted when needed or when QUOTE_ANYWAY. */
static void
encode_field (const GString *field, gboolean quote_anyway, GString *out)
{
  gboolean quote = quote_anyway || field->len == 0;
  for (gsize i = 0; i < field->len; i++)
    if (strchr (",\"\r\n \t", field->str[i]) && field->str[i] != '\0')
      quote = TRUE;
  if (!quote)
    {
      g_string_append_len (out, field->str, (gssize) field->len);
      return;
    }
  g_string_append_c (out, '"');
  for (gsize i = 0; i < field->len; i++)
    {
      if (field->str[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, field->str[i]);
    }
  g_string_append_c (out, '"');
}

typedef struct {
  guint64 line;
  gsize raw_start, raw_len;      /* in the file */
  GPtrArray *fields;             /* GString */
} Expected;

static void
expected_clear (gpointer p)
{
  Expected *e = p;
  g_ptr_array_unref (e->fields);
}

static void
string_free (gpointer p)
{
  g_string_free (p, TRUE);
}

static guint64
count_lf (const char *p, gsize len)
{
  guint64 n = 0;
  for (gsize i = 0; i < len; i++)
    n += p[i] == '\n';
  return n;
}

static void
check_random_file (GRand *r)
{
  g_autoptr(GString) s = g_string_new (g_rand_boolean (r) ? "\xEF\xBB\xBF" : "");
  g_autoptr(GArray) expected = g_array_new (FALSE, TRUE, sizeof (Expected));
  guint n_records = (guint) g_rand_int_range (r, 0, 12);
  guint64 line = 1;

  g_array_set_clear_func (expected, expected_clear);
  for (guint k = 0; k < n_records; k++)
    {
      while (g_rand_int_range (r, 0, 5) == 0)
        {
          g_string_append (s, g_rand_boolean (r) ? "\n" : "\r\n");
          line++;
        }
      Expected e = { line, s->len, 0, g_ptr_array_new_with_free_func (string_free) };
      guint n_fields = (guint) g_rand_int_range (r, 1, 6);
      for (guint i = 0; i < n_fields; i++)
        {
          GString *v = g_string_new (NULL);
          random_field (r, v);
          if (i > 0)
            g_string_append_c (s, ',');
          encode_field (v, g_rand_int_range (r, 0, 4) == 0 || n_fields == 1, s);
          g_ptr_array_add (e.fields, v);
        }
      e.raw_len = s->len - e.raw_start;
      line += count_lf (s->str + e.raw_start, e.raw_len);
      g_array_append_val (expected, e);
      if (k + 1 < n_records || g_rand_boolean (r))
        {
          g_string_append (s, g_rand_boolean (r) ? "\n" : "\r\n");
          line++;
        }
    }

  g_autoptr(CsvFile) f = open_bytes (s->str, s->len, ',', TRUE);
  for (guint k = 0; k < expected->len; k++)
    {
      const Expected *e = &g_array_index (expected, Expected, k);
      CsvRecord rec = { 0 };
      cr_assert_eq (next (f, &rec), CSVFILE_RECORD, "record %u of:\n%s", k, s->str);
      cr_assert_eq (rec.line, e->line, "record %u line %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                    k, rec.line, e->line);
      cr_assert_eq (rec.raw_len, e->raw_len, "record %u raw", k);
      cr_assert_eq (memcmp (rec.raw, s->str + e->raw_start, e->raw_len), 0, "record %u raw", k);
      cr_assert_eq (rec.n, e->fields->len, "record %u: %u fields, expected %u", k, rec.n,
                    e->fields->len);
      for (guint i = 0; i < rec.n; i++)
        {
          const GString *v = g_ptr_array_index (e->fields, i);
          cr_assert_eq (rec.len[i], v->len, "record %u field %u", k, i);
          cr_assert_eq (memcmp (rec.field[i], v->str, v->len), 0, "record %u field %u", k, i);
          cr_assert_eq (rec.field[i][v->len], '\0');
        }
    }
  expect_eof (f);
  cr_assert_eq (csvfile_position (f), s->len);
}

Test (csvfile, random_valid_csv_reads_back)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (4180);

  for (guint i = 0; i < 2000; i++)
    check_random_file (r);
}

/* Random bytes: every call returns a record, a bad record or EOF, lines go
 * up, raw text is bytes of the file, and the reader ends. */
static void
check_soup (const char *data, gsize len, char delim, gboolean trim)
{
  g_autoptr(CsvFile) f = open_bytes (data, len, delim, trim);
  guint64 lines = count_lf (data, len) + 1;
  guint64 last = 0;
  CsvRecord rec = { 0 };

  for (guint calls = 0;; calls++)
    {
      cr_assert_leq (calls, lines, "more records than lines");
      CsvFileStatus st = next (f, &rec);
      if (st == CSVFILE_EOF)
        break;
      cr_assert (st == CSVFILE_RECORD || st == CSVFILE_BAD, "status %d", st);
      cr_assert_gt (rec.line, last, "line %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT,
                    rec.line, last);
      cr_assert_leq (rec.line, lines);
      last = rec.line;
      cr_assert_leq (rec.raw_len, len);
      cr_assert (rec.raw_len == 0 || memmem (data, len, rec.raw, rec.raw_len),
                 "raw text is not from the file");
      if (st == CSVFILE_BAD)
        {
          cr_assert_eq (rec.n, 0);
          cr_assert_not_null (rec.problem);
          continue;
        }
      cr_assert_gt (rec.n, 0);
      for (guint i = 0; i < rec.n; i++)
        {
          cr_assert_leq (rec.len[i], len);
          cr_assert_eq (rec.field[i][rec.len[i]], '\0');
        }
    }
  cr_assert_eq (next (f, &rec), CSVFILE_EOF);
  cr_assert_eq (csvfile_position (f), csvfile_size (f));
}

Test (csvfile, random_byte_soup)
{
  static const guchar alphabet[] = { '"', '"', ',', ',', '|', '\n', '\n', '\r', '\0', ' ',
                                     '\t', 'a', 'b', '1', 0xEF, 0xBB, 0xBF, 0xFF, 0x80, 0xC3 };
  g_autoptr(GRand) r = g_rand_new_with_seed (20261101);
  guchar buf[600];

  for (guint i = 0; i < 4000; i++)
    {
      gsize len = (gsize) g_rand_int_range (r, 0, i % 50 == 0 ? 600 : 80);
      for (gsize k = 0; k < len; k++)
        buf[k] = g_rand_int_range (r, 0, 8) == 0 ? (guchar) g_rand_int_range (r, 0, 256)
                                                 : alphabet[g_rand_int_range (r, 0, sizeof alphabet)];
      check_soup ((const char *) buf, len, i % 3 == 0 ? '|' : ',', i % 2 == 0);
    }
}

Test (csvfile, random_soup_with_long_open_quote)
{
  /* an open quote followed by more than MAX_RECORD_LINES short random lines */
  g_autoptr(GRand) r = g_rand_new_with_seed (7);
  static const char alphabet[] = "\"\",,ab\n\n\n\n\r ";

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GString) s = g_string_new ("x,\"");
      guint n = (guint) g_rand_int_range (r, 300, 3000);
      for (guint k = 0; k < n; k++)
        g_string_append_c (s, alphabet[g_rand_int_range (r, 0, sizeof alphabet - 1)]);
      check_soup (s->str, s->len, ',', TRUE);
    }
}

/* Overlong lines {{{1 */

/* A file of HEAD, then N bytes of FILL, then TAIL, written in pieces (the
 * test must not hold the long line itself). */
static CsvFile *
open_with_long_line (const char *head, gsize n, char fill, const char *tail)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("test-csvfile-XXXXXX.csv", &path, &error);
  cr_assert (fd >= 0, "g_file_open_tmp: %s", error ? error->message : "?");
  FILE *out = fdopen (fd, "w");
  cr_assert_not_null (out);
  g_autofree char *block = g_malloc (1u << 20);
  memset (block, fill, 1u << 20);
  cr_assert_eq (fputs (head, out) >= 0, TRUE);
  for (gsize done = 0; done < n;)
    {
      gsize k = MIN (n - done, (gsize) 1u << 20);
      cr_assert_eq (fwrite (block, 1, k, out), k);
      done += k;
    }
  cr_assert_eq (fputs (tail, out) >= 0, TRUE);
  cr_assert_eq (fclose (out), 0);
  CsvFile *f = csvfile_open (path, ',', TRUE, &error);
  cr_assert_not_null (f, "csvfile_open: %s", error ? error->message : "?");
  g_unlink (path);
  return f;
}

/* How many of the first LEN bytes of RAW (not NUL-terminated) are C. */
static gsize
count_leading (const char *raw, gsize len, char c)
{
  gsize n = 0;
  while (n < len && raw[n] == c)
    n++;
  return n;
}

/* Peak resident memory of this process (a test runs in its own), in MiB. */
static long
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  cr_assert (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  const char *hwm = strstr (status, "VmHWM:");
  cr_assert_not_null (hwm);
  return strtol (hwm + 6, NULL, 10) / 1024;
}

Test (csvfile, a_100_mib_line_is_a_bad_record_read_in_bounded_memory)
{
  gsize big = 100u << 20;
  g_autoptr(CsvFile) f = open_with_long_line ("a,b\n", big, 'x', "\nc,d\n");
  CsvRecord rec = { 0 };

  expect_record (f, 1, "a,b", "a", "b", NULL);
  cr_assert_eq (next (f, &rec), CSVFILE_BAD);
  cr_assert_eq (rec.line, 2);
  cr_assert_eq (rec.n, 0);
  cr_assert_eq (rec.raw_len, 4096, "the reject keeps a prefix, not %zu bytes", rec.raw_len);
  cr_assert_eq (count_leading (rec.raw, rec.raw_len, 'x'), 4096);
  cr_assert_str_eq (rec.problem, "line of 104857601 bytes is longer than the 8 MiB a record may have");
  expect_record (f, 3, "c,d", "c", "d", NULL);
  expect_eof (f);
  long peak = peak_rss_mib ();
  cr_assert_lt (peak, 80, "reading a 100 MiB line took %ld MiB", peak);
}

Test (csvfile, an_overlong_line_inside_a_quoted_record_ends_it)
{
  gsize big = 9u << 20;
  g_autoptr(CsvFile) f = open_with_long_line ("id,\"open\n", big, 'y', "\nc,d\n");
  CsvRecord rec = { 0 };

  cr_assert_eq (next (f, &rec), CSVFILE_BAD);
  cr_assert_eq (rec.line, 1);
  cr_assert_eq (rec.raw_len, 9 + 4096, "raw %zu bytes", rec.raw_len);
  cr_assert_eq (memcmp (rec.raw, "id,\"open\n", 9), 0);
  cr_assert_eq (count_leading (rec.raw + 9, rec.raw_len - 9, 'y'), 4096);
  expect_record (f, 3, "c,d", "c", "d", NULL);
  expect_eof (f);
}

Test (csvfile, an_overlong_last_line_without_newline)
{
  g_autoptr(CsvFile) f = open_with_long_line ("a,b\n", (8u << 20) + 1, 'z', "");
  CsvRecord rec = { 0 };

  expect_record (f, 1, "a,b", "a", "b", NULL);
  cr_assert_eq (next (f, &rec), CSVFILE_BAD);
  cr_assert_eq (rec.line, 2);
  cr_assert_eq (rec.raw_len, 4096);
  expect_eof (f);
}
