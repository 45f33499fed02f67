/* cdrreader.c — driving a CDR format over one file.
 *
 * Data model: a CdrReader owns the resolved options (the CdrContext with its
 * zone, the format or a loaded profile) and, once open, the CsvFile, the
 * format's bound state and the current CsvRecord.  For a headerless format
 * the record read at open time is both what the format binds and the first
 * record returned: PENDING marks it until cdrreader_next hands it out.
 *
 * A JSON rows format (graph-pstn, graph-dr) reads its records from a
 * JsonRows instead of the CsvFile: the first row is read at open (to
 * recognise the format and to refuse a file that is not JSON), the header
 * bound is the format's member names (HEADER), and the first row waits as
 * PENDING.  Callers see the same records either way.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdrreader.h"
#include "ingest/cdr-profile.h"
#include "ingest/cdrformats.h"
#include "base/csvfile.h"
#include "base/jsonrows.h"
#include "base/rater-error.h"
#include "base/tzmap.h"

struct _CdrReader {
  CdrReaderOptions opts;
  CdrContext ctx;
  TzMap *zone;                    /* --tz, owned; NULL when none */
  CdrFormat *profile;             /* a loaded profile, owned; NULL for a built-in */
  const CdrFormat *format;        /* given, or recognised at open; NULL before */
  CsvFile *csv;                   /* NULL until open, and for a JSON rows format */
  JsonRows *json;                 /* a JSON rows format's source; NULL otherwise */
  CsvRecord header;               /* JSON: the member names bound as the header */
  gpointer state;                 /* the format's bound state; NULL until open */
  CsvRecord rec;                  /* the current record, valid until the next read */
  gboolean pending;               /* headerless: REC is the first record, not yet returned */
  char area_code[NUMBER_MAX_AREA_CODE + 1]; /* --area-code digits, ctx.area_code points here */
};

void
cdrreader_free (CdrReader *reader)
{
  if (!reader)
    return;
  if (reader->state)
    reader->format->free_state (reader->state);
  g_clear_pointer (&reader->csv, csvfile_free);
  g_clear_pointer (&reader->json, jsonrows_free);
  g_clear_pointer (&reader->profile, cdr_profile_free);
  g_clear_pointer (&reader->zone, tzmap_free);
  cdr_context_clear_globs (&reader->ctx);
  g_free (reader);
}

static gboolean
context_area_code (CdrReader *reader, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!reader->ctx.country)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "--area-code '%s' needs --country", reader->opts.area_code);
      return FALSE;
    }
  if (!number_area_code_parse (reader->ctx.country, reader->opts.area_code, reader->area_code,
                               &local))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "--area-code: %s", local->message);
      return FALSE;
    }
  reader->ctx.area_code = reader->area_code;
  return TRUE;
}

static gboolean
context_init (CdrReader *reader, GError **error)
{
  const CdrReaderOptions *opts = &reader->opts;
  g_autoptr(GError) local = NULL;
  reader->ctx.direction_by = opts->direction_by;
  if (!cdr_context_set_globs (&reader->ctx, &opts->contexts, error))
    return FALSE;
  if (opts->country && !(reader->ctx.country = country_lookup (opts->country)))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "--country '%s' is not an ISO 3166 alpha-2 code", opts->country);
      return FALSE;
    }
  if (opts->area_code && !context_area_code (reader, error))
    return FALSE;
  if (opts->tz && !(reader->zone = tzmap_new (opts->tz, &local)))
    {
      /* a bad --tz is a usage error whatever tzmap's own domain */
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "--tz: %s", local->message);
      return FALSE;
    }
  reader->ctx.tz = reader->zone;
  return TRUE;
}

CdrReader *
cdrreader_new (const CdrReaderOptions *opts, GError **error)
{
  g_autoptr(CdrReader) reader = g_new0 (CdrReader, 1);
  reader->opts = *opts;
  if (!context_init (reader, error))
    return NULL;
  if (opts->format && !(reader->format = cdrformats_lookup (opts->format, &reader->profile, error)))
    return NULL;
  return g_steal_pointer (&reader);
}

/* Open PATH and read its first record into REC; refuse a header that is
 * missing or not CSV when one is expected. */
static gboolean
open_first (CdrReader *reader, const char *path, GError **error)
{
  const CdrFormat *format = reader->format;
  gboolean headed = !format || format->has_header;
  reader->csv = csvfile_open (path, format ? format->delimiter : ',', format ? format->trim : TRUE,
                              error);
  if (!reader->csv)
    return FALSE;
  if (format && format->unquoted)
    csvfile_set_unquoted (reader->csv);
  CsvFileStatus st = csvfile_next (reader->csv, &reader->rec, error);
  if (st == CSVFILE_ERROR)
    return FALSE;
  if (st == CSVFILE_EOF)
    reader->rec.n = 0, reader->rec.line = 1;
  if (st == CSVFILE_BAD && headed)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "line %" G_GUINT64_FORMAT ": header: %s",
                   reader->rec.line, reader->rec.problem);
      return FALSE;
    }
  if (reader->rec.n == 0 && !reader->rec.problem && headed)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "empty file: no header");
      return FALSE;
    }
  return TRUE;
}

/* Recognise the format from the header when none was given. */
static gboolean
pick_format (CdrReader *reader, GError **error)
{
  if (reader->format)
    return TRUE;
  reader->format = cdrformats_detect (&reader->rec);
  if (reader->format)
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
               "cannot tell the format from the header: give %s",
               reader->opts.format_hint ? reader->opts.format_hint : "--format");
  return FALSE;
}

/* The header of a JSON rows format: its columns' member names. */
static void
json_columns (CdrReader *reader)
{
  const CdrFormat *format = reader->format;
  g_autofree const char **names = g_new (const char *, format->n_columns);
  for (guint i = 0; i < format->n_columns; i++)
    names[i] = format->columns[i].names[0];
  jsonrows_set_columns (reader->json, names, format->n_columns, &reader->rec, &reader->header);
}

/* Open PATH as JSON rows, read the first row and recognise the format: a
 * file whose first row cannot be framed or parsed is not JSON rows. */
static gboolean
open_json (CdrReader *reader, const char *path, GError **error)
{
  if (!(reader->json = jsonrows_open (path, error)))
    return FALSE;
  CsvFileStatus st = jsonrows_next (reader->json, &reader->rec, error);
  if (st == CSVFILE_ERROR)
    return FALSE;
  if (st == CSVFILE_BAD)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "line %" G_GUINT64_FORMAT ": not JSON rows: %s",
                   reader->rec.line, reader->rec.problem);
      return FALSE;
    }
  if (!reader->format)
    {
      CsvRecord members;
      jsonrows_members (reader->json, &members);
      reader->format = cdrformats_detect_json (jsonrows_context (reader->json), &members);
    }
  if (!reader->format)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "cannot tell the format from the JSON (no known @odata.context or row members): give %s",
                   reader->opts.format_hint ? reader->opts.format_hint : "--format");
      return FALSE;
    }
  json_columns (reader);
  reader->pending = st == CSVFILE_RECORD;
  return TRUE;
}

/* Let the caller accept the file, then bind the format to HEADER. */
static gboolean
accept_and_bind (CdrReader *reader, const CsvRecord *header, GError **error)
{
  const CdrReaderOptions *opts = &reader->opts;
  if (opts->accept && !opts->accept (reader->format, header, opts->accept_data, error))
    return FALSE;
  reader->state = reader->format->bind (reader->format, header, &reader->ctx, error);
  return reader->state != NULL;
}

gboolean
cdrreader_open (CdrReader *reader, const char *path, GError **error)
{
  g_return_val_if_fail (reader->csv == NULL && reader->json == NULL, FALSE);
  if (reader->format ? reader->format->json_rows : jsonrows_sniff (path))
    return open_json (reader, path, error) && accept_and_bind (reader, &reader->header, error);
  /* REC is overwritten by the next read: bind before reading on */
  if (!open_first (reader, path, error) || !pick_format (reader, error)
      || !accept_and_bind (reader, &reader->rec, error))
    return FALSE;
  reader->pending = !reader->format->has_header && (reader->rec.problem || reader->rec.n > 0);
  return TRUE;
}

const CdrFormat *
cdrreader_format (const CdrReader *reader)
{
  return reader->format;
}

CdrReaderStatus
cdrreader_next (CdrReader *reader, CdrRecord *record, GError **error)
{
  const CsvRecord *rec = &reader->rec;
  g_return_val_if_fail (reader->state != NULL, CDRREADER_EOF);
  memset (record, 0, sizeof *record);
  if (reader->pending)
    reader->pending = FALSE;
  else
    switch (reader->json ? jsonrows_next (reader->json, &reader->rec, error)
                         : csvfile_next (reader->csv, &reader->rec, error))
      {
      case CSVFILE_RECORD:
      case CSVFILE_BAD:
        break;
      case CSVFILE_EOF:
        return CDRREADER_EOF;
      case CSVFILE_ERROR:
        return CDRREADER_ERROR;
      default:
        g_assert_not_reached ();
      }
  record->line = rec->line;
  record->raw = rec->raw;
  record->raw_len = rec->raw_len;
  if (rec->problem)
    {
      record->outcome = CDR_REJECT;
      cdr_reject (&record->reject, CDR_REJECT_CSV_SYNTAX, "%s", rec->problem);
    }
  else
    record->outcome = reader->format->convert (reader->state, rec, &reader->ctx, &record->call,
                                               &record->reject);
  if (record->outcome == CDR_CALL && !cdr_check_plausible (&record->call, &record->reject))
    record->outcome = CDR_REJECT;
  return CDRREADER_RECORD;
}

guint64
cdrreader_position (const CdrReader *reader)
{
  if (reader->json)
    return jsonrows_position (reader->json);
  return reader->csv ? csvfile_position (reader->csv) : 0;
}

guint64
cdrreader_size (const CdrReader *reader)
{
  if (reader->json)
    return jsonrows_size (reader->json);
  return reader->csv ? csvfile_size (reader->csv) : 0;
}
