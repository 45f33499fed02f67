/* test-cdr.c — unit tests of the CDR formats behind cdr.h: the canonical
 * rater CSV, the Teams PSTN and Direct Routing exports, Asterisk and
 * FreeSWITCH CSV, and mapping profiles (a file, and the built-in AudioCodes
 * profile).
 *
 * Files are driven the way ingest.c drives them: written to a temporary
 * file, opened with the format's delimiter and trim, the first record bound
 * (and for headerless formats converted too), then every record converted.
 * Each call is checked field by field, each reject by its formats.md §2 code
 * and its detail.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "ingest/cdr.h"
#include "ingest/cdr-profile.h"
#include "ingest/cdrformats.h"
#include "catalog/country.h"
#include "base/csvfile.h"
#include "base/rater-error.h"
#include "base/tzmap.h"

/* Helpers {{{1 */

static char *
write_tmp (const char *suffix, const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strconcat ("test-cdr-XXXXXX", suffix, NULL);
  char *path = NULL;
  int fd = g_file_open_tmp (tmpl, &path, &error);

  cr_assert (fd >= 0, "g_file_open_tmp: %s", error ? error->message : "?");
  close (fd);
  cr_assert (g_file_set_contents (path, data, (gssize) len, &error),
             "write '%s': %s", path, error ? error->message : "?");
  return path;
}

/* UTC milliseconds of "YYYY-MM-DDTHH:MM:SS.mmmZ". */
static gint64
ms_of (const char *iso)
{
  int y, mo, d, h, mi, s, ms;

  cr_assert_eq (sscanf (iso, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &s, &ms), 7,
                "bad test time '%s'", iso);
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, 0);
  cr_assert_not_null (dt);
  return (g_date_time_to_unix (dt) + s) * 1000 + ms;
}

static char *
iso_of (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *s = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", s, (int) (ms % 1000));
}

static void
assert_text (CdrText t, const char *want, const char *what)
{
  if (!want)
    want = "";
  cr_assert_eq (t.len, strlen (want), "%s is '%.*s', expected '%s'", what, (int) t.len,
                t.p ? t.p : "", want);
  cr_assert (t.len == 0 || memcmp (t.p, want, t.len) == 0, "%s is '%.*s', expected '%s'", what,
             (int) t.len, t.p, want);
}

static void
assert_number (const RaterNumber *n, const char *digits, gboolean masked, const char *what)
{
  if (!digits)
    digits = "";
  cr_assert_eq (n->len, strlen (digits), "%s is '%s', expected '%s'", what, n->digits, digits);
  cr_assert_str_eq (n->digits, digits, "%s", what);
  cr_assert_eq (n->masked, masked, "%s masked is %d", what, n->masked);
}

/* A line of HEADER's DELIM-separated columns holding, for each NAME, VALUE
 * pair that follows (NULL-terminated), VALUE under NAME and nothing
 * elsewhere; a NULL VALUE writes nothing.  PAD appends spaces to every
 * field, as an SBC pads its syslog CDRs. */
static char *
make_row (const char *header, char delim, gboolean pad, ...)
{
  char d[2] = { delim, '\0' };
  g_auto(GStrv) names = g_strsplit (header, d, -1);
  guint n = g_strv_length (names);
  g_autofree const char **values = g_new0 (const char *, n);
  GString *s = g_string_new (NULL);
  va_list ap;

  for (guint i = 0; i < n; i++)
    g_strstrip (names[i]);
  va_start (ap, pad);
  for (const char *name; (name = va_arg (ap, const char *));)
    {
      const char *value = va_arg (ap, const char *);
      guint i = 0;
      if (!value)
        continue;
      while (i < n && !g_str_equal (names[i], name))
        i++;
      cr_assert_lt (i, n, "test header has no column '%s'", name);
      values[i] = value;
    }
  va_end (ap);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, delim);
      g_string_append (s, values[i] ? values[i] : "");
      if (pad)
        g_string_append (s, "   ");
    }
  return g_string_free (s, FALSE);
}

/* Append ROW (taken) and a line feed to S. */
static void
add (GString *s, char *row)
{
  g_string_append (s, row);
  g_string_append_c (s, '\n');
  g_free (row);
}

/* The reader {{{2 */

typedef struct {
  const CdrFormat *format;
  CdrFormat *profile;          /* FORMAT when it is a loaded profile */
  CsvFile *csv;
  TzMap *tz;
  CdrContext ctx;
  gpointer state;
  CsvRecord rec;
  gboolean first_is_data;      /* headerless: the bound record is converted next */
  CdrCall call;
  CdrReject rej;
} Reader;

static void
reader_setup (Reader *r, const char *format_name, const char *country, const char *tz,
              CdrDirectionRule rule)
{
  g_autoptr(GError) error = NULL;

  memset (r, 0, sizeof *r);
  r->format = cdrformats_lookup (format_name, &r->profile, &error);
  cr_assert_not_null (r->format, "cdrformats_lookup (%s): %s", format_name,
                      error ? error->message : "?");
  if (country)
    cr_assert_not_null (r->ctx.country = country_lookup (country));
  if (tz)
    cr_assert_not_null (r->tz = tzmap_new (tz, &error), "tzmap_new (%s)", tz);
  r->ctx.tz = r->tz;
  r->ctx.direction_by = rule;
}

/* Write LEN bytes of TEXT to a file, open it as the format says and read its
 * first record; returns the bind result. */
static gpointer
reader_bind (Reader *r, const char *text, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *path = write_tmp (".csv", text, len);

  r->csv = csvfile_open (path, r->format->delimiter, r->format->trim, &local);
  cr_assert_not_null (r->csv, "csvfile_open: %s", local ? local->message : "?");
  g_unlink (path);
  cr_assert_eq (csvfile_next (r->csv, &r->rec, &local), CSVFILE_RECORD, "first record");
  r->state = r->format->bind (r->format, &r->rec, &r->ctx, error);
  r->first_is_data = !r->format->has_header;
  return r->state;
}

static void
reader_open_rule (Reader *r, const char *format_name, const char *country, const char *tz,
                  CdrDirectionRule rule, const GString *text)
{
  g_autoptr(GError) error = NULL;

  reader_setup (r, format_name, country, tz, rule);
  cr_assert_not_null (reader_bind (r, text->str, text->len, &error), "bind: %s",
                      error ? error->message : "?");
  cr_assert_null (error);
}

static void
reader_open (Reader *r, const char *format_name, const char *country, const char *tz,
             const GString *text)
{
  reader_open_rule (r, format_name, country, tz, CDR_DIRECTION_BY_CONTEXT, text);
}

static void
reader_clear (Reader *r)
{
  if (r->state)
    r->format->free_state (r->state);
  g_clear_pointer (&r->csv, csvfile_free);
  g_clear_pointer (&r->tz, tzmap_free);
  g_clear_pointer (&r->profile, cdr_profile_free);
  r->format = NULL;
}

/* Binding TEXT as FORMAT_NAME must fail with DOMAIN/CODE and MESSAGE. */
static void
expect_bind_error (const char *format_name, const char *country, const char *tz,
                   const char *text, GQuark domain, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  Reader r;

  reader_setup (&r, format_name, country, tz, CDR_DIRECTION_BY_CONTEXT);
  cr_assert_null (reader_bind (&r, text, strlen (text), &error), "bind of %s succeeded", format_name);
  cr_assert_not_null (error);
  cr_assert (g_error_matches (error, domain, code), "error %s/%d: %s",
             g_quark_to_string (error->domain), error->code, error->message);
  cr_assert_str_eq (error->message, message);
  reader_clear (&r);
}

static CdrOutcome
reader_next (Reader *r)
{
  g_autoptr(GError) error = NULL;

  if (r->first_is_data)
    r->first_is_data = FALSE;
  else
    cr_assert_eq (csvfile_next (r->csv, &r->rec, &error), CSVFILE_RECORD,
                  "expected a record after line %" G_GUINT64_FORMAT, r->rec.line);
  memset (&r->call, 0, sizeof r->call);
  memset (&r->rej, 0, sizeof r->rej);
  return r->format->convert (r->state, &r->rec, &r->ctx, &r->call, &r->rej);
}

static void
expect_end (Reader *r)
{
  CsvRecord rec;

  cr_assert_not (r->first_is_data);
  cr_assert_eq (csvfile_next (r->csv, &rec, NULL), CSVFILE_EOF, "records left after line %"
                G_GUINT64_FORMAT, r->rec.line);
}

typedef struct {
  const char *key;
  CdrDirection dir;
  const char *caller;           /* NULL: withheld */
  gboolean caller_masked;
  const char *callee;
  gboolean callee_masked;
  const char *start;            /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
  gint64 duration;
  gboolean answered;
  int sip_code;
  const char *user, *tenant, *operator_slug;
  const char *leg_id;
  int leg_rank;
  guint64 line;                 /* 0: not checked */
  gboolean hashed;              /* key: SHA-256 of the record's raw text */
} Want;

static void
expect_call (Reader *r, const Want *w)
{
  CdrOutcome o = reader_next (r);

  cr_assert_eq (o, CDR_CALL, "line %" G_GUINT64_FORMAT ": outcome %d, %s: %s", r->rec.line, o,
                o == CDR_REJECT ? cdr_reject_code (r->rej.reason) : "-", r->rej.detail);
  if (w->line)
    cr_assert_eq (r->rec.line, w->line);
  const CdrCall *c = &r->call;
  if (w->hashed)
    {
      g_autofree char *key = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                          (const guchar *) r->rec.raw, r->rec.raw_len);
      assert_text (c->call_key, key, "hashed call_key");
    }
  else
    assert_text (c->call_key, w->key, "call_key");
  cr_assert_eq (c->direction, w->dir, "direction of %s", w->key);
  assert_number (&c->caller, w->caller, w->caller_masked, "caller");
  assert_number (&c->callee, w->callee, w->callee_masked, "callee");
  g_autofree char *got = iso_of (c->start_ms);
  cr_assert_eq (c->start_ms, ms_of (w->start), "start %s, expected %s", got, w->start);
  cr_assert_eq (c->duration, w->duration, "duration %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                c->duration, w->duration);
  cr_assert_eq (c->answered, w->answered, "answered %d", c->answered);
  cr_assert_eq (c->sip_code, w->sip_code, "sip_code %d", c->sip_code);
  assert_text (c->user, w->user, "user");
  assert_text (c->tenant_id, w->tenant, "tenant_id");
  assert_text (c->operator_slug, w->operator_slug, "operator");
  assert_text (c->leg_id, w->leg_id, "leg_id");
  cr_assert_eq (c->leg_rank, w->leg_rank, "leg_rank %d", c->leg_rank);
}

static void
expect_internal (Reader *r)
{
  CdrOutcome o = reader_next (r);

  cr_assert_eq (o, CDR_INTERNAL, "line %" G_GUINT64_FORMAT ": outcome %d, expected internal (%s)",
                r->rec.line, o, r->rej.detail);
}

static void
expect_reject (Reader *r, const char *code, const char *detail)
{
  CdrOutcome o = reader_next (r);

  cr_assert_eq (o, CDR_REJECT, "line %" G_GUINT64_FORMAT ": outcome %d, expected a reject %s",
                r->rec.line, o, code);
  cr_assert_str_eq (cdr_reject_code (r->rej.reason), code, "line %" G_GUINT64_FORMAT ": %s",
                    r->rec.line, r->rej.detail);
  cr_assert_str_eq (r->rej.detail, detail);
}

static void
expect_skip (Reader *r)
{
  CdrOutcome o = reader_next (r);

  cr_assert_eq (o, CDR_SKIP, "line %" G_GUINT64_FORMAT ": outcome %d (%s)", r->rec.line, o,
                r->rej.detail);
}

/* The format table {{{1 */

Test (cdr, reject_codes)
{
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_CSV_SYNTAX), "csv_syntax");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_MISSING_FIELD), "missing_field");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_BAD_TIMESTAMP), "bad_timestamp");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_BAD_DURATION), "bad_duration");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_BAD_NUMBER), "bad_number");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_BAD_DIRECTION), "bad_direction");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_TOO_LONG), "too_long");
  cr_assert_str_eq (cdr_reject_code (CDR_REJECT_ENCODING), "encoding");
}

Test (cdr, lookup_and_names)
{
  g_autoptr(GError) error = NULL;
  CdrFormat *profile = NULL;
  const char *const *names = cdrformats_names ();

  cr_assert_str_eq (names[0], "rater");
  cr_assert_str_eq (names[1], "teams-pstn");
  cr_assert_str_eq (names[2], "teams-dr");
  cr_assert_str_eq (names[3], "asterisk");
  cr_assert_str_eq (names[4], "freeswitch");
  cr_assert_str_eq (names[5], "graph-pstn");
  cr_assert_str_eq (names[6], "graph-dr");
  cr_assert_null (names[7]);
  for (guint i = 0; names[i]; i++)
    {
      /* built-ins are the table's own const objects: nothing to free */
      const CdrFormat *f = cdrformats_lookup (names[i], &profile, NULL);
      cr_assert_not_null (f);
      cr_assert_str_eq (f->name, names[i]);
      cr_assert_null (profile);
      cr_assert_eq (cdrformats_lookup (names[i], &profile, NULL), f);
    }
  cr_assert_null (cdrformats_lookup ("csv", &profile, &error));
  cr_assert_null (profile);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert_str_eq (error->message,
                    "unknown format 'csv' (rater, teams-pstn, teams-dr, asterisk, freeswitch, graph-pstn, graph-dr, profile:FILE)");
  g_clear_error (&error);
  cr_assert_null (cdrformats_lookup ("csv", &profile, NULL), "no GError wanted: none set");
}

Test (cdr, profile_lookup_hands_out_an_owned_format)
{
  CdrFormat *profile = NULL;
  const CdrFormat *f = cdrformats_lookup ("profile:audiocodes", &profile, NULL);

  cr_assert_not_null (f);
  cr_assert_eq (f, profile);
  cr_assert_str_eq (f->name, "profile");
  g_autoptr(CdrFormat) owned = g_steal_pointer (&profile);   /* freed by cdr_profile_free */
  cr_assert_eq (owned->delimiter, '|');
  cdr_profile_free (NULL);
}

Test (cdr, helpers)
{
  CdrReject rej = { 0 };
  gint64 sec = -1;
  int code = 0;

  cr_assert (cdr_sip_code ((CdrText) { " 200 ", 5 }, &code));
  cr_assert_eq (code, 200);
  cr_assert (cdr_sip_code ((CdrText) { "100", 3 }, &code) && code == 100);
  cr_assert (cdr_sip_code ((CdrText) { "699", 3 }, &code) && code == 699);
  code = 7;
  cr_assert_not (cdr_sip_code ((CdrText) { "099", 3 }, &code));
  cr_assert_not (cdr_sip_code ((CdrText) { "700", 3 }, &code));
  cr_assert_not (cdr_sip_code ((CdrText) { "2000", 4 }, &code));
  cr_assert_not (cdr_sip_code ((CdrText) { "BYE", 3 }, &code));
  cr_assert_not (cdr_sip_code ((CdrText) { "", 0 }, &code));
  cr_assert_eq (code, 7, "untouched on failure");

  cr_assert (cdr_seconds ((CdrText) { "9999999999999", 13 }, "d", &sec, &rej));
  cr_assert_eq (sec, G_GINT64_CONSTANT (9999999999999));
  cr_assert_not (cdr_seconds ((CdrText) { "99999999999999", 14 }, "d", &sec, &rej));
  cr_assert_str_eq (rej.detail, "d '99999999999999' is not a number of seconds >= 0");
  cr_assert_not (cdr_seconds ((CdrText) { "", 0 }, "d", &sec, &rej));
  cr_assert_not (cdr_seconds ((CdrText) { "1.2.3", 5 }, "d", &sec, &rej));
  cr_assert_not (cdr_seconds ((CdrText) { "+1", 2 }, "d", &sec, &rej));
  cr_assert (cdr_seconds ((CdrText) { "12\0", 2 }, "d", &sec, &rej) && sec == 12);
  cr_assert_not (cdr_seconds ((CdrText) { "12\0", 3 }, "d", &sec, &rej));

  cr_assert (cdr_seconds_between (1000, 1000, &sec, &rej) && sec == 0);
  cr_assert (cdr_seconds_between (1000, 1001, &sec, &rej) && sec == 1);
  cr_assert (cdr_seconds_between (1000, 62000, &sec, &rej) && sec == 61);
  cr_assert (cdr_seconds_between (-5000, -3999, &sec, &rej) && sec == 2);
  cr_assert_not (cdr_seconds_between (1000, 999, &sec, &rej));
  cr_assert_eq (rej.reason, CDR_REJECT_BAD_DURATION);
  cr_assert_str_eq (rej.detail, "end is 1 ms before start");

  cr_assert (cdr_text_equal ((CdrText) { "ANSWERED", 8 }, "answered"));
  cr_assert_not (cdr_text_equal ((CdrText) { "ANSWERED", 7 }, "answered"));
  cr_assert (cdr_text_empty ((CdrText) { " \t ", 3 }));
  cr_assert_not (cdr_text_empty ((CdrText) { " x ", 3 }));
}

Test (cdr, reject_detail_truncated_to_utf8)
{
  CdrReject rej = { 0 };
  g_autofree char *bad = g_strnfill (200, '\xff');

  /* 200 bytes that are not UTF-8 become 800 bytes of \xFF escapes (issue
   * 12: escaped, not replaced, so what is echoed and stored can be told
   * back): cut at a whole escape within the 256-byte detail */
  cdr_reject (&rej, CDR_REJECT_BAD_NUMBER, "a%s", bad);
  cr_assert_eq (rej.reason, CDR_REJECT_BAD_NUMBER);
  cr_assert (g_utf8_validate (rej.detail, -1, NULL));
  cr_assert_eq (strlen (rej.detail), 1 + 63 * 4);
  cr_assert_eq (rej.detail[0], 'a');
  cr_assert_eq (memcmp (rej.detail + 1, "\\xFF\\xFF", 8), 0);
  cr_assert_str_eq (rej.detail + strlen (rej.detail) - 4, "\\xFF");

  cdr_reject (&rej, CDR_REJECT_ENCODING, "plain %d", 7);
  cr_assert_eq (rej.reason, CDR_REJECT_ENCODING);
  cr_assert_str_eq (rej.detail, "plain 7");
}

/* The headers used below */

#define RATER_HEADER "call_id,start,duration,caller,callee,direction,tenant_id"

#define PSTN_HEADER \
  "UsageId,Call ID,Conference ID,User Location,AAD ObjectId,UPN,User Display Name," \
  "Caller ID,Call Type,Number Type,Domestic/International,Destination Dialed," \
  "Destination Number,Start Time,End Time,Duration Seconds,Connection Fee,Charge," \
  "Currency,Capability"

/* newer export: extra columns, moved around */
#define PSTN_HEADER_NEW \
  "Operator,UsageId,Call ID,Conference ID,User Location,AAD ObjectId,UPN,User Display Name," \
  "Call Direction,Caller ID,Call Type,Number Type,Domestic/International,Destination Dialed," \
  "Destination Number,Start Time,End Time,Source of Call Duration,Duration Seconds," \
  "Connection Fee,Charge,Currency,Capability,External Country,Administrative unit,Tenant ID"

#define DR_HEADER \
  "CorrelationId,AAD ObjectId,UPN,Display Name,User country,Invite time,Start time," \
  "Failure time,End time,Duration (seconds),Success,Caller Number,Callee Number,Call type," \
  "Azure region for Media,Azure region for Signaling,Final SIP code,Final Microsoft subcode," \
  "Final SIP Phrase,SBC FQDN,Media bypass,Shared correlation ID"

#define DR_HEADER_OLD \
  "CorrelationId,SIP Address,UPN,Display Name,User country,Invite time,Start time," \
  "Failure time,End time,Duration (seconds),Success,Caller Number,Callee Number,Call type," \
  "Azure region for Media,Azure region for Signaling,Final SIP code,Final Microsoft subcode," \
  "Final SIP Phrase,SBC FQDN,Media bypass,Shared correlation ID"

static const char *const audiocodes_columns[] = {
  "SBCReportType", "EPTyp", "SIPCallId", "SessionId", "Orig", "SourceIp", "SourcePort",
  "DestIp", "DestPort", "TransportType", "SrcURI", "SrcURIBeforeMap", "DstURI",
  "DstURIBeforeMap", "Duration", "TrmSd", "TrmReason", "TrmReasonCategory", "SetupTime",
  "ConnectTime", "ReleaseTime", "RedirectReason", "RedirectURINum", "RedirectURINumBeforeMap",
  "TxSigIPDiffServ", "IPGroup", "SrdId", "SIPInterfaceId", "ProxySetId", "IpProfileId",
  "MediaRealmId", "DirectMedia", "SIPTrmReason", "SIPTermDesc", "Caller", "Callee", "Trigger",
  "LegId",
};

static char *
audiocodes_header (void)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (audiocodes_columns); i++)
    g_string_append_printf (s, "%s%-16s", i ? "|" : "", audiocodes_columns[i]);
  return g_string_free (s, FALSE);
}

static void
expect_detect (const char *header, const char *want)
{
  g_autofree char *path = write_tmp (".csv", header, strlen (header));
  g_autoptr(CsvFile) csv = csvfile_open (path, ',', TRUE, NULL);
  CsvRecord rec;

  g_unlink (path);
  cr_assert_eq (csvfile_next (csv, &rec, NULL), CSVFILE_RECORD);
  const CdrFormat *got = cdrformats_detect (&rec);
  cr_assert_str_eq (got ? got->name : "nothing", want ? want : "nothing", "'%s' detected as %s",
                    header, got ? got->name : "nothing");
}

Test (cdr, detect)
{
  g_autofree char *ac = audiocodes_header ();

  expect_detect (RATER_HEADER "\n", "rater");
  expect_detect ("\xEF\xBB\xBF" " Direction ,CALLEE,caller,Duration,START,Call_ID\n", "rater");
  expect_detect (PSTN_HEADER "\n", "teams-pstn");
  expect_detect (PSTN_HEADER_NEW "\r\n", "teams-pstn");
  expect_detect (DR_HEADER "\n", "teams-dr");
  expect_detect (DR_HEADER_OLD "\n", "teams-dr");
  expect_detect (ac, NULL);
  expect_detect ("call_id,start,duration,caller,callee\n", NULL);
  expect_detect ("\"acct\",\"2001\",\"2002\",\"from-internal\"\n", NULL);
}

/* rater: the canonical CSV {{{1 */

Test (cdr, rater_spec_example)
{
  g_autoptr(GString) f = g_string_new (RATER_HEADER "\n"
                                       "c-0001,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out,\n");
  Reader r;

  reader_open (&r, "rater", "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "c-0001", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE, .line = 2 });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_optional_columns)
{
  g_autoptr(GString) f = g_string_new (
    "call_id,start,end,duration,caller,callee,direction,answered,tenant_id,user,operator,sip_code\n"
    "c2,2026-11-03T10:00:00.250+01:00,2026-11-03T10:00:30+01:00,0,020 7946 0000,0207 946 0001,in,"
      "false,7a1e-tenant,alice@contoso.com,gamma,486\n"
    "c3,2026-11-03T10:00:00Z,2026-11-03T10:01:01Z,61,+441632960001,+442079460000,out,yes,,,,200\n"
    "c4,2026-11-03T10:00:00Z,,0,+441632960001,+442079460000,out,true,,,,\n"
    "c5,2026-11-03T10:00:00Z,2026-11-03T09:59:30Z,10,+441632960001,+442079460000,out,,,,,\n"
    "c6,2026-11-03T10:00:00Z,,10,+441632960001,+442079460000,out,maybe,,,,\n"
    "c7,2026-11-03T10:00:00Z,,10,+441632960001,+442079460000,OUT,0,,,,abc\n"
    "c8,2026-11-03T10:00:00Z,soon,10,+441632960001,+442079460000,out,,,,,\n"
    "c9,2026-11-03T10:00:00Z,,10,+441632960001,+442079460000,out,1,,,,99\n");
  Reader r;

  reader_open (&r, "rater", "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "c2", .dir = CDR_IN, .caller = "442079460000",
                             .callee = "442079460001", .start = "2026-11-03T09:00:00.250Z",
                             .duration = 0, .answered = FALSE, .sip_code = 486,
                             .tenant = "7a1e-tenant", .user = "alice@contoso.com",
                             .operator_slug = "gamma", .line = 2 });
  expect_call (&r, &(Want) { .key = "c3", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE, .sip_code = 200 });
  expect_call (&r, &(Want) { .key = "c4", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 0, .answered = FALSE });
  expect_reject (&r, "bad_duration", "end is 30000 ms before start");
  expect_reject (&r, "missing_field", "answered 'maybe' is not true or false");
  expect_call (&r, &(Want) { .key = "c7", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 10, .answered = FALSE });
  expect_reject (&r, "bad_timestamp", "end 'soon': not a valid timestamp");
  expect_call (&r, &(Want) { .key = "c9", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 10, .answered = TRUE, .line = 9 });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_columns_any_order_and_case)
{
  g_autoptr(GString) f = g_string_new (
    "\" Direction \", CALLEE ,\"Caller  \",Duration,START,\"Call_ID\",Extra,\" USER\"\r\n"
    "Inbound,+442079460000,+441632960001,5,2026-11-03T10:00:00Z,c-9,ignored,bob\r\n"
    "outgoing,+442079460000,+441632960001,5,2026-11-03T10:00:00Z,c-10,,\r\n");
  Reader r;

  reader_open (&r, "rater", "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "c-9", .dir = CDR_IN, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 5, .answered = TRUE, .user = "bob" });
  expect_call (&r, &(Want) { .key = "c-10", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 5, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_missing_required_column)
{
  expect_bind_error ("rater", "GB", NULL, "call_id,start,duration,caller,callee\nx,,,,\n",
                     RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: header is not a rater header: no column 'direction'");
  expect_bind_error ("rater", "GB", NULL, "\n\nstart,duration,caller,callee,direction\n",
                     RATER_ERROR, RATER_ERROR_DATA,
                     "line 3: header is not a rater header: no column 'call_id'");
}

Test (cdr, rater_bad_values)
{
  g_autoptr(GString) f = g_string_new (
    "call_id,start,duration,caller,callee,direction\n"
    "b1,2026-13-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
    "b2,yesterday,61,+441632960001,+442079460000,out\n"
    "b3,2026-11-03 10:00:00,61,+441632960001,+442079460000,out\n"
    "b4,2026-11-03T10:00:00Z,-5,+441632960001,+442079460000,out\n"
    "b5,2026-11-03T10:00:00Z,1e3,+441632960001,+442079460000,out\n"
    "b6,2026-11-03T10:00:00Z,61,+441632960001,abc,out\n"
    "b7,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,sideways\n"
    "b8,2026-11-03T10:00:00Z,61,+441632960001,,out\n"
    ",2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
    "b10,,61,+441632960001,+442079460000,out\n"
    "b11,2026-11-03T10:00:00Z,,+441632960001,+442079460000,out\n"
    "b12,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,\n"
    "b13,2026-11-03T10:00:00Z,61,+441632960001,+1234567890123456,out\n"
    "b14,2026-11-03T10:00:00Z,61,+441632960001,+12,out\n"
    "b15,2026-11-03T10:00:00Z,.5,+441632960001,+442079460000,out\n"
    "b16,2026-11-03T10:00:00Z,61\n"
    "b17,2026-11-03T10:00:00,61,+441632960001,+442079460000,out\n"
    "b18,2026-02-30T10:00:00Z,61,+441632960001,+442079460000,out\n");
  Reader r;

  reader_open (&r, "rater", "GB", NULL, f);
  expect_reject (&r, "bad_timestamp", "start '2026-13-03T10:00:00Z': timestamp field out of range");
  expect_reject (&r, "bad_timestamp", "start 'yesterday': not a valid timestamp");
  expect_reject (&r, "bad_timestamp", "start '2026-11-03 10:00:00': timestamp has no offset and "
                                      "no time zone was given (give --tz)");
  expect_reject (&r, "bad_duration", "duration '-5' is not a number of seconds >= 0");
  expect_reject (&r, "bad_duration", "duration '1e3' is not a number of seconds >= 0");
  expect_reject (&r, "bad_number", "callee 'abc': letters in number");
  expect_reject (&r, "bad_direction", "direction 'sideways' is not in or out");
  expect_reject (&r, "missing_field", "missing callee");
  expect_reject (&r, "missing_field", "missing call_id");
  expect_reject (&r, "missing_field", "missing start");
  expect_reject (&r, "missing_field", "missing duration");
  expect_reject (&r, "missing_field", "missing direction");
  expect_reject (&r, "bad_number", "callee '+1234567890123456': more than 15 digits");
  expect_reject (&r, "bad_number", "callee '+12': fewer than 3 digits");
  expect_reject (&r, "bad_duration", "duration '.5' is not a number of seconds >= 0");
  expect_reject (&r, "missing_field", "missing callee");
  expect_reject (&r, "bad_timestamp", "start '2026-11-03T10:00:00': timestamp has no offset and "
                                      "no time zone was given (give --tz)");
  expect_reject (&r, "bad_timestamp", "start '2026-02-30T10:00:00Z': timestamp field out of range");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_no_country_context)
{
  g_autoptr(GString) f = g_string_new (
    "call_id,start,duration,caller,callee,direction\n"
    "n1,2026-11-03T10:00:00Z,61,+441632960001,020 7946 0000,out\n"
    "n2,2026-11-03T10:00:00Z,61,+441632960001,+44 20 7946 0000,out\n"
    "n3,2026-11-03T10:00:00Z,61,01632 960001,+442079460000,in\n");
  Reader r;

  reader_open (&r, "rater", NULL, NULL, f);
  expect_reject (&r, "bad_number", "callee '020 7946 0000': national number without a country "
                                   "context (give --country)");
  expect_call (&r, &(Want) { .key = "n2", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE });
  /* the caller of an inbound call that cannot be read is kept as unknown */
  expect_call (&r, &(Want) { .key = "n3", .dir = CDR_IN, .caller = NULL,
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_withheld_caller)
{
  g_autoptr(GString) f = g_string_new (
    "call_id,start,duration,caller,callee,direction\n"
    "w1,2026-11-03T10:00:00Z,61,anonymous,+442079460000,in\n"
    "w2,2026-11-03T10:00:00Z,61,,+442079460000,in\n"
    "w3,2026-11-03T10:00:00Z,61,Restricted,+442079460000,in\n"
    "w4,2026-11-03T10:00:00Z,61,anonymous,+442079460000,out\n"
    "w5,2026-11-03T10:00:00Z,61,,+442079460000,out\n"
    "w6,2026-11-03T10:00:00Z,61,+441632960001,anonymous,in\n");
  Reader r;

  reader_open (&r, "rater", "GB", NULL, f);
  for (int i = 1; i <= 3; i++)
    {
      char key[4];
      g_snprintf (key, sizeof key, "w%d", i);
      expect_call (&r, &(Want) { .key = key, .dir = CDR_IN, .caller = NULL,
                                 .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                                 .duration = 61, .answered = TRUE });
    }
  expect_reject (&r, "bad_number", "caller 'anonymous': letters in number");
  expect_reject (&r, "bad_number", "caller '': no digits");
  expect_reject (&r, "bad_number", "callee 'anonymous': letters in number");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_reject_detail_is_utf8)
{
  /* details quote at most a few dozen bytes of a field: a cut inside a
   * character, or bytes that are not UTF-8, never reach the rejects table */
  g_autoptr(GString) f = g_string_new ("call_id,start,duration,caller,callee,direction,answered\n");
  g_autoptr(GString) want = g_string_new ("answered 'x");
  Reader r;

  g_string_append (f, "u1,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,x");
  for (int i = 0; i < 20; i++)
    g_string_append (f, "\xc3\xa9");
  g_string_append (f, "\n");
  for (int i = 0; i < 15; i++)
    g_string_append (want, "\xc3\xa9");
  g_string_append (want, "\\xC3' is not true or false");
  g_string_append (f, "u2,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,\xff\xfeout,\n");

  reader_open (&r, "rater", "GB", NULL, f);
  expect_reject (&r, "missing_field", want->str);
  expect_reject (&r, "bad_direction", "direction '\\xFF\\xFEout' is not in or out");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_fractional_durations_round_up)
{
  static const struct { const char *text; gint64 seconds; gboolean answered; } cases[] = {
    { "61.2", 62, TRUE }, { "61.0", 61, TRUE }, { "61.000", 61, TRUE }, { "0.001", 1, TRUE },
    { "0.000", 0, FALSE }, { "0", 0, FALSE }, { "60.", 60, TRUE }, { "59.9999999", 60, TRUE },
    { "007", 7, TRUE }, { "86400", 86400, TRUE },
  };
  g_autoptr(GString) f = g_string_new ("call_id,start,duration,caller,callee,direction\n");
  Reader r;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_string_append_printf (f, "d%zu,2026-11-03T10:00:00Z,%s,+441632960001,+442079460000,out\n",
                            i, cases[i].text);
  reader_open (&r, "rater", "GB", NULL, f);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char key[8];
      g_snprintf (key, sizeof key, "d%zu", i);
      expect_call (&r, &(Want) { .key = key, .dir = CDR_OUT, .caller = "441632960001",
                                 .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                                 .duration = cases[i].seconds, .answered = cases[i].answered });
    }
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_local_times_with_tz)
{
  g_autoptr(GString) f = g_string_new (
    "call_id,start,duration,caller,callee,direction\n"
    "t1,2026-11-03 10:00:00,1,+12125550100,+13125550199,out\n"
    "t2,2026-11-01 01:30:00,1,+12125550100,+13125550199,out\n"
    "t3,2026-11-01T01:30:00-05:00,1,+12125550100,+13125550199,out\n"
    "t4,2026-07-01T12:00:00.5,1,+12125550100,+13125550199,out\n");
  Reader r;

  reader_open (&r, "rater", "US", "America/New_York", f);
  expect_call (&r, &(Want) { .key = "t1", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T15:00:00.000Z",
                             .duration = 1, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "t2", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-01T05:30:00.000Z",
                             .duration = 1, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "t3", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-01T06:30:00.000Z",
                             .duration = 1, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "t4", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-07-01T16:00:00.500Z",
                             .duration = 1, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, rater_too_long_and_encoding)
{
  g_autoptr(GString) f = g_string_new ("call_id,start,duration,caller,callee,direction,user,tenant_id\n");
  g_autofree char *k1024 = g_strnfill (1024, 'k');
  g_autofree char *k1025 = g_strnfill (1025, 'k');
  g_autofree char *callee2000 = g_strnfill (2000, '1');
  Reader r;

  g_string_append_printf (f, "%s,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,,\n", k1025);
  g_string_append_printf (f, "%s,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,,\n", k1024);
  g_string_append_printf (f, "e1,2026-11-03T10:00:00Z,1,+441632960001,%s,out,,\n", callee2000);
  g_string_append (f, "e2,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,\xff\xfe,\n");
  g_string_append (f, "e3,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,"
                      "Ren\xc3\xa9\xe2\x82\xac,t\n");
  g_string_append (f, "e4,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,,\xc3\n");
  g_string_append (f, "e\xe9,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,,\n");
  g_string_append (f, "e6,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,\"a");
  g_string_append_len (f, "\0", 1);
  g_string_append (f, "b\",\n");
  g_string_append (f, "e7,2026-11-03T10:00:00Z,1,+441632960001,+442079460000,out,,\xed\xa0\x80\n");

  reader_open (&r, "rater", "GB", NULL, f);
  expect_reject (&r, "too_long", "field 1 is 1025 bytes (limit 1024)");
  expect_call (&r, &(Want) { .key = k1024, .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 1, .answered = TRUE });
  expect_reject (&r, "too_long", "field 5 is 2000 bytes (limit 1024)");
  expect_reject (&r, "encoding", "field 7 is not valid UTF-8");
  expect_call (&r, &(Want) { .key = "e3", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 1, .answered = TRUE, .user = "Ren\xc3\xa9\xe2\x82\xac",
                             .tenant = "t" });
  expect_reject (&r, "encoding", "field 8 is not valid UTF-8");
  expect_reject (&r, "encoding", "field 1 is not valid UTF-8");
  expect_reject (&r, "encoding", "field 7 contains a NUL byte");
  expect_reject (&r, "encoding", "field 8 is not valid UTF-8");   /* a UTF-16 surrogate */
  expect_end (&r);
  reader_clear (&r);
}

/* teams-pstn {{{1 */

typedef struct {
  const char *usage, *type, *caller, *callee, *start, *end, *duration, *upn;
  const char *call_direction, *tenant, *op;
} PstnRow;

static char *
pstn_row (const char *header, const PstnRow *p)
{
  return make_row (header, ',', FALSE,
                   "UsageId", p->usage, "Call ID", "call-id-shared", "User Location", "GB",
                   "AAD ObjectId", "0b9f6a7e-0000-4000-8000-000000000002", "UPN", p->upn,
                   "User Display Name", "Alice", "Caller ID", p->caller, "Call Type", p->type,
                   "Number Type", "user", "Domestic/International", "Domestic",
                   "Destination Dialed", p->callee, "Destination Number", p->callee,
                   "Start Time", p->start, "End Time", p->end, "Duration Seconds", p->duration,
                   "Connection Fee", "0", "Charge", "0.12", "Currency", "GBP",
                   "Capability", "MCOPSTN1", "Call Direction", p->call_direction,
                   "Tenant ID", p->tenant, "Operator", p->op, NULL);
}

Test (cdr, teams_pstn_call_types)
{
  g_autoptr(GString) f = g_string_new (PSTN_HEADER "\n");
  Reader r;

  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0001", .type = "user_out", .caller = "+441632960001",
    .callee = "+442079460000", .start = "2019-11-01T00:00:08.2589935Z",
    .end = "2019-11-01T00:01:09.7000000Z", .duration = "62", .upn = "alice@contoso.com" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0002", .type = "user_in", .caller = "+4930123456***",
    .callee = "+441632960001", .start = "2019-11-01T10:00:00.0000001Z",
    .end = "2019-11-01T10:00:30.0000000Z", .duration = "30", .upn = "alice@contoso.com" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0003", .type = "oc_user_out_conf", .caller = "+441632960001",
    .callee = "+4930123456***", .start = "2019-11-01T11:00:00.9999999Z",
    .end = "2019-11-01T11:00:05Z", .duration = "5", .upn = "alice@contoso.com" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0004", .type = "oc_fmc_in", .caller = "+33142686000",
    .callee = "+441632960001", .start = "2019-11-01T12:00:00Z",
    .end = "2019-11-01T12:01:00Z", .duration = "60" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0005", .type = "conf_out", .caller = "+441632960001",
    .callee = "+442079460000", .start = "2019-11-01T13:00:00Z",
    .end = "2019-11-01T13:00:00Z", .duration = "0" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0006", .type = "mystery", .caller = "+441632960001",
    .callee = "+442079460000", .start = "2019-11-01T14:00:00Z", .duration = "1" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0007", .type = "user_in", .caller = "anonymous",
    .callee = "+441632960001", .start = "2019-11-01T15:00:00Z", .duration = "12.5" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0008", .type = "user_out", .caller = "anonymous",
    .callee = "+442079460000", .start = "2019-11-01T15:00:00Z", .duration = "12" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0009", .type = "oc_fmc_out", .caller = "+441632960001",
    .callee = "0207 946 0000", .start = "2019-11-01T16:00:00Z", .duration = "3" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "9b2f0c1e-0010", .type = "UCAP_IN", .caller = "+441632960009",
    .callee = "+441632960001", .start = "2019-11-01T16:00:00Z", .duration = "3" }));

  reader_open (&r, "teams-pstn", "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0001", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2019-11-01T00:00:08.258Z",
                             .duration = 62, .answered = TRUE, .user = "alice@contoso.com",
                             .line = 2 });
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0002", .dir = CDR_IN, .caller = "4930123456",
                             .caller_masked = TRUE, .callee = "441632960001",
                             .start = "2019-11-01T10:00:00.000Z", .duration = 30, .answered = TRUE,
                             .user = "alice@contoso.com" });
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0003", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "4930123456", .callee_masked = TRUE,
                             .start = "2019-11-01T11:00:00.999Z", .duration = 5, .answered = TRUE,
                             .user = "alice@contoso.com" });
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0004", .dir = CDR_IN, .caller = "33142686000",
                             .callee = "441632960001", .start = "2019-11-01T12:00:00.000Z",
                             .duration = 60, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0005", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2019-11-01T13:00:00.000Z",
                             .duration = 0, .answered = FALSE });
  expect_reject (&r, "bad_direction", "unknown Call Type 'mystery'");
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0007", .dir = CDR_IN, .caller = NULL,
                             .callee = "441632960001", .start = "2019-11-01T15:00:00.000Z",
                             .duration = 13, .answered = TRUE });
  expect_reject (&r, "bad_number", "Caller ID 'anonymous': letters in number");
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0009", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2019-11-01T16:00:00.000Z",
                             .duration = 3, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "9b2f0c1e-0010", .dir = CDR_IN, .caller = "441632960009",
                             .callee = "441632960001", .start = "2019-11-01T16:00:00.000Z",
                             .duration = 3, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_pstn_every_documented_call_type)
{
  static const struct { const char *type; CdrDirection dir; } types[] = {
    { "user_in", CDR_IN }, { "user_out", CDR_OUT }, { "user_out_conf", CDR_OUT },
    { "user_out_transfer", CDR_OUT }, { "user_out_forwarding", CDR_OUT }, { "conf_in", CDR_IN },
    { "conf_out", CDR_OUT }, { "unassigned_in", CDR_IN }, { "ucap_in", CDR_IN },
    { "ucap_out", CDR_OUT }, { "oc_user_in", CDR_IN }, { "oc_user_out", CDR_OUT },
    { "oc_user_out_conf", CDR_OUT }, { "oc_fmc_in", CDR_IN }, { "oc_fmc_out", CDR_OUT },
  };
  g_autoptr(GString) f = g_string_new (PSTN_HEADER "\n");
  Reader r;

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
      .usage = types[i].type, .type = types[i].type, .caller = "+441632960001",
      .callee = "+442079460000", .start = "2026-11-03T10:00:00Z", .duration = "1" }));
  reader_open (&r, "teams-pstn", "GB", NULL, f);
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    expect_call (&r, &(Want) { .key = types[i].type, .dir = types[i].dir,
                               .caller = "441632960001", .callee = "442079460000",
                               .start = "2026-11-03T10:00:00.000Z", .duration = 1,
                               .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_pstn_newer_layout_call_direction)
{
  g_autoptr(GString) f = g_string_new (PSTN_HEADER_NEW "\n");
  Reader r;

  add (f, pstn_row (PSTN_HEADER_NEW, &(PstnRow) {
    .usage = "u-1", .type = "oc_new_type", .call_direction = "Inbound", .caller = "+441632960009",
    .callee = "+441632960001", .start = "2026-11-03T10:00:00Z", .duration = "30",
    .tenant = "8e1f-tenant", .op = "Tailspin Telecom", .upn = "bob@contoso.com" }));
  add (f, pstn_row (PSTN_HEADER_NEW, &(PstnRow) {
    .usage = "u-2", .type = "future_kind", .call_direction = "outbound", .caller = "+441632960001",
    .callee = "+442079460000", .start = "2026-11-03T10:00:00Z", .duration = "30" }));
  add (f, pstn_row (PSTN_HEADER_NEW, &(PstnRow) {
    .usage = "u-3", .type = "mystery", .call_direction = "sideways", .caller = "+441632960001",
    .callee = "+442079460000", .start = "2026-11-03T10:00:00Z", .duration = "30" }));
  add (f, pstn_row (PSTN_HEADER_NEW, &(PstnRow) {
    .usage = "u-4", .type = "user_in", .call_direction = "Outbound", .caller = "+441632960009",
    .callee = "+441632960001", .start = "2026-11-03T10:00:00Z", .duration = "30" }));

  reader_open (&r, "teams-pstn", "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "u-1", .dir = CDR_IN, .caller = "441632960009",
                             .callee = "441632960001", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 30, .answered = TRUE, .user = "bob@contoso.com",
                             .tenant = "8e1f-tenant" });
  expect_call (&r, &(Want) { .key = "u-2", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 30, .answered = TRUE });
  expect_reject (&r, "bad_direction", "unknown Call Type 'mystery'");
  /* a known Call Type wins over Call Direction */
  expect_call (&r, &(Want) { .key = "u-4", .dir = CDR_IN, .caller = "441632960009",
                             .callee = "441632960001", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 30, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

/* a hand-made export without Duration Seconds */
#define PSTN_HEADER_NO_DURATION \
  "UsageId,Call ID,Conference ID,User Location,AAD ObjectId,UPN,User Display Name," \
  "Caller ID,Call Type,Number Type,Domestic/International,Destination Dialed," \
  "Destination Number,Start Time,End Time,Connection Fee,Charge,Currency,Capability"

Test (cdr, teams_pstn_duration_from_end_time)
{
  g_autoptr(GString) f = g_string_new (PSTN_HEADER_NO_DURATION "\n");
  Reader r;

  add (f, pstn_row (PSTN_HEADER_NO_DURATION, &(PstnRow) {
    .usage = "e-1", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:08.2589935Z", .end = "2019-11-01T00:01:09.7000000Z" }));
  add (f, pstn_row (PSTN_HEADER_NO_DURATION, &(PstnRow) {
    .usage = "e-2", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:08Z", .end = "2019-11-01T00:00:08Z" }));
  add (f, pstn_row (PSTN_HEADER_NO_DURATION, &(PstnRow) {
    .usage = "e-3", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:08Z", .end = "2019-11-01T00:00:07.5Z" }));
  add (f, pstn_row (PSTN_HEADER_NO_DURATION, &(PstnRow) {
    .usage = "e-4", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:08Z" }));
  add (f, pstn_row (PSTN_HEADER_NO_DURATION, &(PstnRow) {
    .usage = "e-5", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:08Z", .end = "2019-11-01" }));

  reader_open (&r, "teams-pstn", "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "e-1", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2019-11-01T00:00:08.258Z",
                             .duration = 62, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "e-2", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2019-11-01T00:00:08.000Z",
                             .duration = 0, .answered = FALSE });
  expect_reject (&r, "bad_duration", "end is 500 ms before start");
  expect_reject (&r, "missing_field", "missing End Time");
  expect_reject (&r, "bad_timestamp", "End Time '2019-11-01': not a valid timestamp");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_pstn_bad_records)
{
  g_autoptr(GString) f = g_string_new (PSTN_HEADER "\n");
  g_autofree char *long_upn = g_strnfill (1100, 'u');
  Reader r;

  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:00Z", .duration = "1" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-2", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T25:00:00Z", .duration = "1" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-3", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:00Z", .duration = "abc" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-4", .type = "user_out", .caller = "+441632960001", .callee = "",
    .start = "2019-11-01T00:00:00Z", .duration = "1" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-5", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "", .duration = "1" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-6", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:00Z", .duration = "1", .upn = long_upn }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-7", .type = "user_out", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:00Z", .duration = "1", .upn = "caf\xe9@contoso.com" }));
  add (f, pstn_row (PSTN_HEADER, &(PstnRow) {
    .usage = "x-8", .type = "", .caller = "+441632960001", .callee = "+442079460000",
    .start = "2019-11-01T00:00:00Z", .duration = "1" }));

  reader_open (&r, "teams-pstn", "GB", NULL, f);
  expect_reject (&r, "missing_field", "missing UsageId");
  expect_reject (&r, "bad_timestamp", "Start Time '2019-11-01T25:00:00Z': timestamp field out of range");
  expect_reject (&r, "bad_duration", "Duration Seconds 'abc' is not a number of seconds >= 0");
  expect_reject (&r, "bad_number", "Destination Number '': no digits");
  expect_reject (&r, "missing_field", "missing Start Time");
  expect_reject (&r, "too_long", "field 6 is 1100 bytes (limit 1024)");
  expect_reject (&r, "encoding", "field 6 is not valid UTF-8");
  expect_reject (&r, "bad_direction", "unknown Call Type ''");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_pstn_wrong_header)
{
  expect_bind_error ("teams-pstn", "GB", NULL, "UsageId,Call Type,Caller ID,Destination Number,Start Time\n",
                     RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: header is not a teams-pstn header: neither 'Duration Seconds' nor 'End Time'");
  expect_bind_error ("teams-pstn", "GB", NULL, DR_HEADER "\n", RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: header is not a teams-pstn header: no column 'UsageId'");
  expect_bind_error ("teams-pstn", "GB", NULL, RATER_HEADER "\n", RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: header is not a teams-pstn header: no column 'UsageId'");
}

/* teams-dr {{{1 */

typedef struct {
  const char *id, *shared, *type, *caller, *callee, *invite, *start, *failure, *end;
  const char *duration, *success, *sip, *upn;
} DrRow;

static char *
dr_row (const char *header, const DrRow *d)
{
  return make_row (header, ',', FALSE,
                   "CorrelationId", d->id, "UPN", d->upn, "Display Name", "Erin",
                   "User country", "US", "Invite time", d->invite, "Start time", d->start,
                   "Failure time", d->failure ? d->failure : "0001-01-01T00:00:00Z",
                   "End time", d->end, "Duration (seconds)", d->duration, "Success", d->success,
                   "Caller Number", d->caller, "Callee Number", d->callee, "Call type", d->type,
                   "Azure region for Media", "USEast", "Azure region for Signaling", "USEast",
                   "Final SIP code", d->sip, "Final Microsoft subcode", "0",
                   "Final SIP Phrase", "OK", "SBC FQDN", "sbc1.tailspin.example",
                   "Media bypass", "false", "Shared correlation ID", d->shared, NULL);
}

#define LEG_IN "aaaa0001-0000-0000-0000-000000000001"
#define LEG_OUT "aaaa0001-0000-0000-0000-000000000002"
#define SHARED "ffff0001-0000-0000-0000-00000000000f"

static void
add_forwarded_call (GString *f, const char *header, gboolean out_first)
{
  const DrRow in = {
    .id = LEG_IN, .shared = SHARED, .type = "dr_in", .caller = "+13125550199",
    .callee = "+12125550100", .invite = "2026-11-03T15:00:00.1000000Z",
    .start = "2026-11-03T15:00:04.5000000Z", .end = "2026-11-03T15:02:04.5100000Z",
    .duration = "124", .success = "Yes", .sip = "200", .upn = "erin@litware.com",
  };
  const DrRow out = {
    .id = LEG_OUT, .shared = SHARED, .type = "dr_out_user_forwarding", .caller = "+12125550100",
    .callee = "+13105550142", .invite = "2026-11-03T15:00:01.0000000Z",
    .start = "2026-11-03T15:00:05.0000000Z", .end = "2026-11-03T15:02:04.0000000Z",
    .duration = "123", .success = "Yes", .sip = "200", .upn = "erin@litware.com",
  };
  add (f, dr_row (header, out_first ? &out : &in));
  add (f, dr_row (header, out_first ? &in : &out));
}

static const Want dr_in_leg = {
  .key = SHARED, .leg_id = LEG_IN, .leg_rank = 1, .dir = CDR_IN, .caller = "13125550199",
  .callee = "12125550100", .start = "2026-11-03T15:00:04.500Z", .duration = 121,
  .answered = TRUE, .sip_code = 200, .user = "erin@litware.com",
};
static const Want dr_out_leg = {
  .key = SHARED, .leg_id = LEG_OUT, .leg_rank = 2, .dir = CDR_OUT, .caller = "12125550100",
  .callee = "13105550142", .start = "2026-11-03T15:00:05.000Z", .duration = 119,
  .answered = TRUE, .sip_code = 200, .user = "erin@litware.com",
};

Test (cdr, teams_dr_shared_correlation_id)
{
  g_autoptr(GString) f = g_string_new (DR_HEADER "\n");
  Reader r;

  add_forwarded_call (f, DR_HEADER, FALSE);
  add_forwarded_call (f, DR_HEADER, TRUE);
  reader_open (&r, "teams-dr", "US", NULL, f);
  expect_call (&r, &dr_in_leg);
  expect_call (&r, &dr_out_leg);
  expect_call (&r, &dr_out_leg);
  expect_call (&r, &dr_in_leg);
  cr_assert_gt (dr_out_leg.leg_rank, dr_in_leg.leg_rank);
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_dr_old_layout)
{
  g_autoptr(GString) f = g_string_new (DR_HEADER_OLD "\n");
  Reader r;

  add_forwarded_call (f, DR_HEADER_OLD, FALSE);
  reader_open (&r, "teams-dr", "US", NULL, f);
  expect_call (&r, &dr_in_leg);
  expect_call (&r, &dr_out_leg);
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_dr_calls)
{
  g_autoptr(GString) f = g_string_new (DR_HEADER "\n");
  Reader r;

  /* Success = No: unanswered, start = Invite time */
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0002-03", .type = "dr_out", .caller = "+12125550100", .callee = "2125550123",
    .invite = "2026-11-03T16:00:00.0000000Z", .start = "", .failure = "2026-11-03T16:00:20.0000000Z",
    .end = "", .duration = "20", .success = "No", .sip = "486" }));
  /* Success = Yes but no start time */
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0002-04", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:10:00Z", .start = "0001-01-01T00:00:00Z",
    .end = "0001-01-01T00:00:00Z", .duration = "3", .success = "Yes", .sip = "487" }));
  /* own correlation id as shared id: not a multi-leg call */
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0003-04", .shared = "aaaa0003-04", .type = "ByotOut",
    .caller = "sip:+12125550100@sbc1.tailspin.example", .callee = "+1 (212) 555-0123",
    .invite = "2026-11-03T17:00:00Z", .start = "2026-11-03T17:00:02Z",
    .end = "2026-11-03T17:01:00Z", .duration = "60", .success = "Yes", .sip = "200" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0004-01", .type = "ByotIn", .caller = "Anonymous", .callee = "+12125550100",
    .invite = "2026-11-03T18:00:00Z", .start = "2026-11-03T18:00:01.001Z",
    .end = "2026-11-03T18:00:02Z", .duration = "2", .success = "true", .sip = "" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0005-01", .shared = "ffff0005", .type = "ByotOutUserForwarding",
    .caller = "+12125550100", .callee = "+13125550199", .invite = "2026-11-03T19:00:00Z",
    .start = "2026-11-03T19:00:01Z", .end = "2026-11-03T19:00:01Z", .duration = "1",
    .success = "Yes", .sip = "200" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0006-01", .type = "dr_emergency_out", .caller = "+12125550100", .callee = "911",
    .invite = "2026-11-03T20:00:00Z", .start = "2026-11-03T20:00:01Z",
    .end = "2026-11-03T20:05:01Z", .duration = "301", .success = "Yes", .sip = "200" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "aaaa0007-01", .shared = "ffff0007", .type = "dr_unassigned_in",
    .caller = "+13125550199", .callee = "+12125550999", .invite = "2026-11-03T21:00:00Z",
    .start = "", .end = "", .duration = "0", .success = "false", .sip = "404" }));

  reader_open (&r, "teams-dr", "US", NULL, f);
  expect_call (&r, &(Want) { .key = "aaaa0002-03", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "12125550123", .start = "2026-11-03T16:00:00.000Z",
                             .duration = 0, .answered = FALSE, .sip_code = 486 });
  expect_call (&r, &(Want) { .key = "aaaa0002-04", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T16:10:00.000Z",
                             .duration = 0, .answered = FALSE, .sip_code = 487 });
  expect_call (&r, &(Want) { .key = "aaaa0003-04", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "12125550123", .start = "2026-11-03T17:00:02.000Z",
                             .duration = 58, .answered = TRUE, .sip_code = 200 });
  expect_call (&r, &(Want) { .key = "aaaa0004-01", .dir = CDR_IN, .caller = NULL,
                             .callee = "12125550100", .start = "2026-11-03T18:00:01.001Z",
                             .duration = 1, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "ffff0005", .leg_id = "aaaa0005-01", .leg_rank = 2,
                             .dir = CDR_OUT, .caller = "12125550100", .callee = "13125550199",
                             .start = "2026-11-03T19:00:01.000Z", .duration = 0,
                             .answered = FALSE, .sip_code = 200 });
  expect_call (&r, &(Want) { .key = "aaaa0006-01", .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "1911", .start = "2026-11-03T20:00:01.000Z",
                             .duration = 300, .answered = TRUE, .sip_code = 200 });
  expect_call (&r, &(Want) { .key = "ffff0007", .leg_id = "aaaa0007-01", .leg_rank = 1,
                             .dir = CDR_IN, .caller = "13125550199", .callee = "12125550999",
                             .start = "2026-11-03T21:00:00.000Z", .duration = 0,
                             .answered = FALSE, .sip_code = 404 });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_dr_bad_records)
{
  g_autoptr(GString) f = g_string_new (DR_HEADER "\n");
  g_autofree char *long_upn = g_strnfill (1500, 'u');
  Reader r;

  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-1", .type = "dr_sideways", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:02Z", .success = "Yes" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-2", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:02Z", .success = "" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-3", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "later", .start = "", .end = "", .success = "No" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-4", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "", .start = "", .end = "", .success = "No" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-5", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:02Z",
    .end = "2026-11-03T16:00:01Z", .success = "Yes" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-6", .type = "dr_out", .caller = "plain text", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:02Z", .success = "Yes" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:02Z", .success = "Yes" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-8", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:02Z", .success = "Yes", .upn = long_upn }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-9", .shared = "ffff\xc0\xaf", .type = "dr_out", .caller = "+12125550100",
    .callee = "+13125550199", .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:02Z", .success = "Yes" }));
  add (f, dr_row (DR_HEADER, &(DrRow) {
    .id = "b-10", .type = "dr_out", .caller = "+12125550100", .callee = "+13125550199",
    .invite = "2026-11-03T16:00:00Z", .start = "2026-11-03T16:00:01Z",
    .end = "2026-11-03T16:00:61Z", .success = "Yes" }));

  reader_open (&r, "teams-dr", "US", NULL, f);
  expect_reject (&r, "bad_direction", "unknown Call type 'dr_sideways'");
  expect_reject (&r, "missing_field", "Success '' is not Yes or No");
  expect_reject (&r, "bad_timestamp", "Invite time 'later': not a valid timestamp");
  expect_reject (&r, "missing_field", "missing Invite time");
  expect_reject (&r, "bad_duration", "end is 1000 ms before start");
  expect_reject (&r, "bad_number", "Caller Number 'plain text': letters in number");
  expect_reject (&r, "missing_field", "missing CorrelationId");
  expect_reject (&r, "too_long", "field 3 is 1500 bytes (limit 1024)");
  expect_reject (&r, "encoding", "field 22 is not valid UTF-8");
  expect_reject (&r, "bad_timestamp", "End time '2026-11-03T16:00:61Z': timestamp field out of range");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, teams_dr_wrong_header)
{
  expect_bind_error ("teams-dr", "US", NULL, PSTN_HEADER "\n", RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: header is not a teams-dr header: no column 'CorrelationId'");
  expect_bind_error ("teams-dr", "US", NULL,
                     "CorrelationId,UPN,Invite time,Start time,End time,Success,Caller Number,"
                     "Callee Number,Call type\n",
                     RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: header is not a teams-dr header: no column 'AAD ObjectId'");
}

/* asterisk {{{1 */

/* A Master.csv row: strings quoted, integers bare, a missing time empty. */
static char *
ast_row (const char *src, const char *dst, const char *dcontext, const char *start,
         const char *answer, const char *end, int duration, int billsec, const char *disposition,
         const char *tail)
{
  return g_strdup_printf ("\"acct1\",\"%s\",\"%s\",\"%s\",\"\"\"Erin\"\" <%s>\",\"PJSIP/2001-00000001\","
                          "\"PJSIP/trunk-00000002\",\"Dial\",\"PJSIP/%s@trunk,60\",%s%s%s,%s%s%s,"
                          "%s%s%s,%d,%d,\"%s\",\"DOCUMENTATION\"%s",
                          src, dst, dcontext, src, dst,
                          *start ? "\"" : "", start, *start ? "\"" : "",
                          *answer ? "\"" : "", answer, *answer ? "\"" : "",
                          *end ? "\"" : "", end, *end ? "\"" : "",
                          duration, billsec, disposition, tail);
}

static char *
sha256_hex (const char *s)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, s, -1);
}

Test (cdr, asterisk_rows)
{
  g_autoptr(GString) f = g_string_new (NULL);
  g_autofree char *row1 = ast_row ("2125550100", "3125550199", "from-internal",
                                   "2026-11-03 10:00:00", "2026-11-03 10:00:05",
                                   "2026-11-03 10:01:06", 66, 61, "ANSWERED", "");
  g_autofree char *row2 = ast_row ("2125550100", "3125550199", "from-internal",
                                   "2026-11-03 11:00:00", "", "2026-11-03 11:00:30", 30, 0,
                                   "NO ANSWER", "");
  g_autofree char *key1 = sha256_hex (row1);
  g_autofree char *key2 = sha256_hex (row2);
  Reader r;

  g_string_append_printf (f, "%s\n%s\r\n%s\n", row1, row2, row1);
  g_autofree char *row42 = ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 12:00:00",
                                    "2026-11-03 12:00:02", "2026-11-03 12:00:12", 12, 10, "ANSWERED",
                                    ",\"1762182000.42\",\"\"");
  g_autofree char *row43 = ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 12:00:00",
                                    "2026-11-03 12:00:02", "2026-11-03 12:00:12", 12, 10, "ANSWERED",
                                    ",\"1762182000.43\",\"\",\"\",\"1762182000.40\",17");
  g_autofree char *leg42 = sha256_hex (row42), *leg43 = sha256_hex (row43);
  g_string_append_printf (f, "%s\n%s\n", row42, row43);
  add (f, ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 12:00:00",
                   "2026-11-03 12:00:02", "2026-11-03 12:00:12", 12, 10, "BUSY",
                   ",\"\",\"\""));
  add (f, ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 12:00:00",
                   "2026-11-03 12:00:02", "2026-11-03 12:00:12", 12, 10, "answered", ""));

  reader_open (&r, "asterisk", "US", "America/New_York", f);
  cr_assert_not (r.format->has_header);
  cr_assert_eq (r.format->trim, FALSE);
  expect_call (&r, &(Want) { .key = key1, .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T15:00:05.000Z",
                             .duration = 61, .answered = TRUE, .line = 1 });
  expect_call (&r, &(Want) { .key = key2, .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T16:00:00.000Z",
                             .duration = 0, .answered = FALSE, .line = 2 });
  /* the same row again hashes to the same key: a duplicate, not a new call */
  expect_call (&r, &(Want) { .key = key1, .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T15:00:05.000Z",
                             .duration = 61, .answered = TRUE, .line = 3 });
  cr_assert_str_neq (key1, key2);
  cr_assert_eq (strlen (key1), 64);
  /* with a uniqueid: that is the key, and the row is a leg (its hash the leg
   * id) ranked by answered, so the answered fork of a dial wins */
  expect_call (&r, &(Want) { .key = "1762182000.42", .leg_id = leg42, .leg_rank = 2,
                             .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T17:00:02.000Z",
                             .duration = 10, .answered = TRUE });
  expect_call (&r, &(Want) { .key = "1762182000.43", .leg_id = leg43, .leg_rank = 2,
                             .dir = CDR_OUT, .caller = "12125550100",
                             .callee = "13125550199", .start = "2026-11-03T17:00:02.000Z",
                             .duration = 10, .answered = TRUE });
  /* 18 fields with an empty uniqueid: hashed; BUSY is not answered */
  cr_assert_eq (reader_next (&r), CDR_CALL);
  g_autofree char *raw = g_strndup (r.rec.raw, r.rec.raw_len);
  g_autofree char *key6 = sha256_hex (raw);
  assert_text (r.call.call_key, key6, "call_key");
  cr_assert_eq (r.rec.n, 18);
  cr_assert_not (r.call.answered);
  cr_assert_eq (r.call.duration, 10);
  cr_assert_eq (r.call.start_ms, ms_of ("2026-11-03T17:00:02.000Z"));
  /* dispositions are upper case in Asterisk, but read in any case */
  cr_assert_eq (reader_next (&r), CDR_CALL);
  cr_assert (r.call.answered);
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, asterisk_direction_by_context)
{
  g_autoptr(GString) f = g_string_new (NULL);
  Reader r;

  add (f, ast_row ("+13125550199", "2125550100", "from-pstn", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("anonymous", "2125550100", "ext-did-0001", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("3125550199", "2125550100", "From-Trunk", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("2125550100", "3125550199", "", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("anonymous", "3125550199", "outbound-allroutes", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));

  reader_open (&r, "asterisk", "US", "America/New_York", f);
  expect_call (&r, &(Want) { .hashed = TRUE, .dir = CDR_IN, .caller = "13125550199",
                             .callee = "12125550100", .start = "2026-11-03T15:00:01.000Z",
                             .duration = 10, .answered = TRUE, .line = 1 });
  expect_call (&r, &(Want) { .dir = CDR_IN, .caller = NULL, .callee = "12125550100",
                             .start = "2026-11-03T15:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  expect_call (&r, &(Want) { .dir = CDR_IN, .caller = "13125550199", .callee = "12125550100",
                             .start = "2026-11-03T15:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  expect_reject (&r, "bad_direction", "cannot tell direction (context '', 2125550100 -> 3125550199)");
  expect_reject (&r, "bad_number", "caller 'anonymous': letters in number");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, asterisk_direction_by_shape)
{
  g_autoptr(GString) f = g_string_new (NULL);
  Reader r;

  add (f, ast_row ("2001", "3125550199", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("3125550199", "2001", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("2001", "2002", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));

  reader_open_rule (&r, "asterisk", "US", "America/New_York", CDR_DIRECTION_BY_SHAPE, f);
  /* an extension is a short code: it takes the country code */
  expect_call (&r, &(Want) { .dir = CDR_OUT, .caller = "12001", .callee = "13125550199",
                             .start = "2026-11-03T15:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  expect_call (&r, &(Want) { .dir = CDR_IN, .caller = "13125550199", .callee = "12001",
                             .start = "2026-11-03T15:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  /* extension to extension: inside the PBX, never billed (billing.md §3) */
  expect_internal (&r);
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, asterisk_local_times_across_dst_end)
{
  /* US DST ends 2026-11-01 02:00 EDT -> 01:00 EST: 01:00-01:59 happen twice */
  static const struct { const char *local, *utc; } cases[] = {
    { "2026-10-31 12:00:00", "2026-10-31T16:00:00.000Z" },
    { "2026-11-01 00:59:59", "2026-11-01T04:59:59.000Z" },
    { "2026-11-01 01:00:00", "2026-11-01T05:00:00.000Z" },
    { "2026-11-01 01:30:00", "2026-11-01T05:30:00.000Z" },
    { "2026-11-01 01:59:59", "2026-11-01T05:59:59.000Z" },
    { "2026-11-01 02:00:00", "2026-11-01T07:00:00.000Z" },
    { "2026-11-01 02:30:00", "2026-11-01T07:30:00.000Z" },
    { "2026-03-08 02:30:00", "2026-03-08T07:30:00.000Z" },   /* spring gap */
    { "2026-03-08 03:00:00", "2026-03-08T07:00:00.000Z" },
  };
  g_autoptr(GString) f = g_string_new (NULL);
  Reader r;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    add (f, ast_row ("2125550100", "3125550199", "from-internal", "2026-01-01 00:00:00",
                     cases[i].local, "2026-12-31 00:00:00", 99, 5, "ANSWERED", ""));
  reader_open (&r, "asterisk", "US", "America/New_York", f);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_call (&r, &(Want) { .dir = CDR_OUT, .caller = "12125550100", .callee = "13125550199",
                               .start = cases[i].utc, .duration = 5, .answered = TRUE,
                               .hashed = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, asterisk_bad_records)
{
  g_autoptr(GString) f = g_string_new (NULL);
  Reader r;

  add (f, ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, g_strdup ("\"acct1\",\"2125550100\",\"3125550199\",\"from-internal\",\"\",\"c\",\"d\","
                    "\"Dial\",\"x\",\"2026-11-03 10:00:00\",,\"2026-11-03 10:00:11\""));
  add (f, g_strdup ("\"acct\xe9\",\"2125550100\",\"3125550199\",\"from-internal\",\"\",\"c\",\"d\","
                    "\"Dial\",\"x\",\"2026-11-03 10:00:00\",,\"2026-11-03 10:00:11\",11,0,"
                    "\"NO ANSWER\",\"DOCUMENTATION\""));
  add (f, ast_row ("2125550100", "3125550199\xe9", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, g_strdup ("\"acct1\",\"2125550100\",\"3125550199\",\"from-internal\",\"\",\"c\",\"d\","
                    "\"Dial\",\"x\",\"2026-11-03 10:00:00\",\"2026-11-03 10:00:01\","
                    "\"2026-11-03 10:00:11\",11,x,\"ANSWERED\",\"DOCUMENTATION\""));
  add (f, ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 25:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("2125550100", "3125550199", "from-internal", "", "", "", 0, 0, "FAILED", ""));
  add (f, ast_row ("2125550100", "s", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("2125550100", "3125550199", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED",
                   ",\"1762182000.4\xff\",\"\""));
  /* clid is never read: a Latin-1 caller name does not reject the call */
  static const char u1_row[] =
    "\"acct1\",\"2125550100\",\"3125550199\",\"from-internal\",\"Ren\xe9 <2125550100>\","
    "\"c\",\"d\",\"Dial\",\"x\",\"2026-11-03 10:00:00\",\"2026-11-03 10:00:01\","
    "\"2026-11-03 10:00:11\",11,10,\"ANSWERED\",\"DOCUMENTATION\",\"u-1\",\"\"";
  g_autofree char *leg_u1 = sha256_hex (u1_row);
  add (f, g_strdup (u1_row));

  reader_open (&r, "asterisk", "US", "America/New_York", f);
  cr_assert_eq (reader_next (&r), CDR_CALL);
  expect_reject (&r, "missing_field", "12 fields, asterisk CDRs have at least 16");
  expect_reject (&r, "encoding", "field 1 is not valid UTF-8");
  /* a reject detail quotes the field, but stays valid UTF-8 */
  expect_reject (&r, "encoding", "callee is not valid UTF-8");
  expect_reject (&r, "bad_duration", "billsec 'x' is not a number of seconds >= 0");
  expect_reject (&r, "bad_timestamp", "answer time '2026-11-03 25:00:01': timestamp field out of range");
  expect_reject (&r, "missing_field", "missing start time");
  expect_reject (&r, "bad_number", "callee 's': letters in number");
  expect_reject (&r, "encoding", "field 17 is not valid UTF-8");
  expect_call (&r, &(Want) { .key = "u-1", .leg_id = leg_u1, .leg_rank = 2, .dir = CDR_OUT,
                             .caller = "12125550100", .callee = "13125550199",
                             .start = "2026-11-03T15:00:01.000Z", .duration = 10,
                             .answered = TRUE, .line = 10 });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, asterisk_refused_files)
{
  g_autofree char *row = ast_row ("2125550100", "3125550199", "from-internal",
                                  "2026-11-03 10:00:00", "2026-11-03 10:00:05",
                                  "2026-11-03 10:01:06", 66, 61, "ANSWERED", "");

  expect_bind_error ("asterisk", "US", NULL, row, RATER_ERROR, RATER_ERROR_USAGE,
                     "asterisk CDRs have local times: give --tz");
  expect_bind_error ("asterisk", "US", "America/New_York",
                     "\"accountcode\",\"src\",\"dst\",\"dcontext\",\"clid\",\"channel\","
                     "\"dstchannel\",\"lastapp\",\"lastdata\",\"start\",\"answer\",\"end\","
                     "\"duration\",\"billsec\",\"disposition\",\"amaflags\"\n",
                     RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: a header row, but asterisk files have none");
  expect_bind_error ("asterisk", "US", "America/New_York", "\n\"a\",\"b\",\"c\"\n",
                     RATER_ERROR, RATER_ERROR_DATA, "line 2: 3 fields: not a CDR in asterisk format");
  expect_bind_error ("asterisk", "US", "America/New_York", DR_HEADER "\n",
                     RATER_ERROR, RATER_ERROR_DATA, "line 1: 22 fields: not a CDR in asterisk format");
}

/* direction by context, internal calls {{{1 */

static CdrText
t_of (const char *s)
{
  return (CdrText) { s, strlen (s) };
}

Test (cdr, extensions)
{
  static const char *const yes[] = { "1001", "201", "12", " 2001 ", "9999" };
  static const char *const no[] = { "1", "12345", "211474", "0123", "01", "112", "911", "999", "101",
                                    "000", "110", "15", "*97", "20a1", "", "+1001", "1001@pbx" };
  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    cr_assert (cdr_is_extension (t_of (yes[i])), "'%s' is an extension", yes[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    cr_assert_not (cdr_is_extension (t_of (no[i])), "'%s' is not an extension", no[i]);
}

Test (cdr, context_globs_split)
{
  g_auto(GStrv) a = cdr_context_globs_split (" stadion-pstn ; from-*;;  *ivr ");
  cr_assert_not_null (a);
  cr_assert_eq (g_strv_length (a), 3);
  cr_assert_str_eq (a[0], "stadion-pstn");
  cr_assert_str_eq (a[1], "from-*");
  cr_assert_str_eq (a[2], "*ivr");
  cr_assert_null (cdr_context_globs_split (" ; ;"));
  cr_assert_null (cdr_context_globs_split (NULL));
}

static void
expect_route (const CdrContext *ctx, const char *context, const char *caller, const char *callee,
              CdrRoute want, gboolean want_guessed)
{
  gboolean guessed = !want_guessed;
  CdrRoute got = cdr_route_of_switch (ctx, t_of (context), t_of (caller), t_of (callee), &guessed);
  cr_assert_eq (got, want, "context '%s' %s -> %s: route %d, expected %d", context, caller, callee,
                got, want);
  cr_assert_eq (guessed, want_guessed, "context '%s': guessed %d", context, guessed);
}

Test (cdr, context_globs_decide_the_direction)
{
  g_auto(GStrv) in = g_strsplit ("stadion-pstn;*ivr", ";", -1);
  g_auto(GStrv) out = g_strsplit ("from-internal;default;out-??", ";", -1);
  g_auto(GStrv) internal = g_strsplit ("ext-*;stadion-*-local", ";", -1);
  CdrContextGlobs globs = { in, out, internal };
  CdrContext ctx = { .direction_by = CDR_DIRECTION_BY_CONTEXT };
  g_autoptr(GError) error = NULL;
  cr_assert (cdr_context_set_globs (&ctx, &globs, &error));

  expect_route (&ctx, "stadion-pstn", "07700900123", "01632960001", CDR_ROUTE_IN, FALSE);
  expect_route (&ctx, "blueivr", "07700900123", "01632960001", CDR_ROUTE_IN, FALSE);
  expect_route (&ctx, "from-internal", "01632960001", "07700900123", CDR_ROUTE_OUT, FALSE);
  expect_route (&ctx, "out-uk", "01632960001", "07700900123", CDR_ROUTE_OUT, FALSE);
  expect_route (&ctx, "out-ukx", "01632960001", "07700900123", CDR_ROUTE_OUT, TRUE);
  expect_route (&ctx, "ext-local", "2002", "*97", CDR_ROUTE_INTERNAL, FALSE);
  /* an internal glob wins over an inbound one */
  expect_route (&ctx, "stadion-pstn-local", "07700900123", "01632960001", CDR_ROUTE_INTERNAL, FALSE);
  /* extension to extension is internal in any context, an emergency call never */
  expect_route (&ctx, "default", "1001", "1002", CDR_ROUTE_INTERNAL, FALSE);
  expect_route (&ctx, "stadion-pstn", "1001", "1002", CDR_ROUTE_INTERNAL, FALSE);
  expect_route (&ctx, "default", "1001", "112", CDR_ROUTE_OUT, FALSE);
  expect_route (&ctx, "default", "1001", "211474", CDR_ROUTE_OUT, FALSE);
  /* Niue's national numbers have 4 digits and no trunk prefix: never extensions there */
  ctx.country = country_lookup ("NU");
  expect_route (&ctx, "default", "1001", "4002", CDR_ROUTE_OUT, FALSE);
  expect_route (&ctx, "default", "201", "402", CDR_ROUTE_INTERNAL, FALSE);
  ctx.country = country_lookup ("DE");
  expect_route (&ctx, "default", "1001", "1002", CDR_ROUTE_INTERNAL, FALSE);
  ctx.country = NULL;
  /* no glob matches: the built-in words, reported as a guess */
  expect_route (&ctx, "from-pstn", "07700900123", "01632960001", CDR_ROUTE_IN, TRUE);
  expect_route (&ctx, "stadion-gw", "01632960001", "07700900123", CDR_ROUTE_OUT, TRUE);
  expect_route (&ctx, "Stadion-PSTN", "07700900123", "01632960001", CDR_ROUTE_OUT, TRUE);
  expect_route (&ctx, "", "07700900123", "01632960001", CDR_ROUTE_UNKNOWN, FALSE);
  /* by shape, a matching glob still decides; otherwise the numbers, never a guess */
  ctx.direction_by = CDR_DIRECTION_BY_SHAPE;
  expect_route (&ctx, "stadion-pstn", "07700900123", "01632960001", CDR_ROUTE_IN, FALSE);
  expect_route (&ctx, "anything", "07700900123", "2001", CDR_ROUTE_IN, FALSE);
  expect_route (&ctx, "anything", "2001", "07700900123", CDR_ROUTE_OUT, FALSE);
  expect_route (&ctx, "anything", "20011", "20012", CDR_ROUTE_UNKNOWN, FALSE);
  cdr_context_clear_globs (&ctx);

  g_auto(GStrv) empty = g_new0 (char *, 2);
  empty[0] = g_strdup ("");
  CdrContextGlobs bad = { empty, NULL, NULL };
  cr_assert_not (cdr_context_set_globs (&ctx, &bad, &error));
  cr_assert_str_eq (error->message, "--inbound-context: an empty glob");
  cr_assert_null (ctx.context_globs[CDR_ROUTE_IN]);
}

Test (cdr, asterisk_contexts_internal_and_guessed)
{
  g_autoptr(GString) f = g_string_new (NULL);
  Reader r;
  g_auto(GStrv) in = g_strsplit ("stadion-pstn", ";", -1);
  g_auto(GStrv) internal = g_strsplit ("ext-*", ";", -1);
  CdrContextGlobs globs = { in, NULL, internal };
  g_autoptr(GError) error = NULL;

  add (f, ast_row ("07700900123", "01632960001", "stadion-pstn", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("2001", "2002", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("2002", "*97", "ext-local", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("01632960001", "07700900123", "stadion-gw", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  reader_setup (&r, "asterisk", "GB", "Europe/London", CDR_DIRECTION_BY_CONTEXT);
  cr_assert (cdr_context_set_globs (&r.ctx, &globs, &error));
  cr_assert_not_null (reader_bind (&r, f->str, f->len, &error));
  expect_call (&r, &(Want) { .dir = CDR_IN, .caller = "447700900123", .callee = "441632960001",
                             .start = "2026-11-03T10:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  assert_text (r.call.guessed_context, "", "guessed_context");
  expect_internal (&r);
  expect_internal (&r);
  expect_call (&r, &(Want) { .dir = CDR_OUT, .caller = "441632960001", .callee = "447700900123",
                             .start = "2026-11-03T10:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  assert_text (r.call.guessed_context, "stadion-gw", "guessed_context");
  expect_end (&r);
  cdr_context_clear_globs (&r.ctx);
  reader_clear (&r);
}

/* An outbound context also carries the PBX's own legs to its extensions: in
 * GB a 4-digit extension is no number the rules can place, so a leg routed
 * out to one is internal; routed in, the call has no number to be billed
 * by, and the reject says it is an extension rather than asking for an
 * area code; a service code of the country (NANP 411) is a PSTN call however
 * short. */
Test (cdr, asterisk_extensions_in_an_outbound_context)
{
  g_autoptr(GString) f = g_string_new (NULL);
  g_autoptr(GString) us = g_string_new (NULL);
  Reader r;
  g_auto(GStrv) out = g_strsplit ("from-internal", ";", -1);
  g_auto(GStrv) in = g_strsplit ("from-pstn", ";", -1);
  CdrContextGlobs globs = { in, out, NULL };
  g_autoptr(GError) error = NULL;

  add (f, ast_row ("01632960001", "1002", "from-internal", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  add (f, ast_row ("01632960001", "1003", "from-pstn", "2026-11-03 10:00:00",
                   "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  reader_setup (&r, "asterisk", "GB", "Europe/London", CDR_DIRECTION_BY_CONTEXT);
  cr_assert (cdr_context_set_globs (&r.ctx, &globs, &error));
  cr_assert_not_null (reader_bind (&r, f->str, f->len, &error));
  expect_internal (&r);
  expect_reject (&r, "ambiguous_number", "callee '1003' is an extension of the PBX, not a number"
                 " on the PSTN: name the context of such legs with --internal-context, or have"
                 " the PBX write the number the call uses");
  expect_end (&r);
  cdr_context_clear_globs (&r.ctx);
  reader_clear (&r);

  add (us, ast_row ("6465550114", "411", "from-internal", "2026-11-03 10:00:00",
                    "2026-11-03 10:00:01", "2026-11-03 10:00:11", 11, 10, "ANSWERED", ""));
  reader_setup (&r, "asterisk", "US", "America/New_York", CDR_DIRECTION_BY_CONTEXT);
  cr_assert (cdr_context_set_globs (&r.ctx, &globs, &error));
  cr_assert_not_null (reader_bind (&r, us->str, us->len, &error));
  expect_call (&r, &(Want) { .dir = CDR_OUT, .caller = "16465550114", .callee = "1411",
                             .start = "2026-11-03T15:00:01.000Z", .duration = 10,
                             .answered = TRUE, .hashed = TRUE });
  expect_end (&r);
  cdr_context_clear_globs (&r.ctx);
  reader_clear (&r);
}

/* freeswitch {{{1 */

Test (cdr, freeswitch_rows)
{
  g_autoptr(GString) f = g_string_new (
    "\"Alice\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"61\",\"NORMAL_CLEARING\","
      "\"9f8e7d6c-0001\",\"\",\"acct\"\n"
    "\"Bob\",\"01632 960003\",\"+442079460001\",\"public\",\"2026-11-03 11:00:00\",\"\","
      "\"2026-11-03 11:00:20\",\"20\",\"0\",\"NO_ANSWER\",\"9f8e7d6c-0002\",\"\",\"\"\n"
    "\"Carol\",\"+442079460001\",\"07700 900123\",\"default\",\"2026-07-01 12:00:00\","
      "\"2026-07-01 12:00:01.250\",\"2026-07-01 12:00:31\",\"31\",\"30\",\"NORMAL_CLEARING\","
      "\"9f8e7d6c-0003\",\"9f8e7d6c-1003\",\"acct\",\"PCMA\",\"PCMA\"\n"
    "Alice,+442079460001,+441632960002,default,03/11/2026 10:00,03/11/2026 10:00,"
      "03/11/2026 10:01,66,61,NORMAL_CLEARING,9f8e7d6c-0004,,acct\n"
    "\"Dan\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"61\",\"NORMAL_CLEARING\","
      "\"\",\"\",\"acct\"\n"
    "\"Eve\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"61\",\"NORMAL_CLEARING\","
      "\"9f8e7d6c-0006\",\"\"\n"
    "\"Ren\xe9\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"61\",\"NORMAL_CLEARING\","
      "\"9f8e7d6c-0007\",\"\",\"acct\"\n"
    "\"Fay\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"61\",\"NORMAL_CLEARING\","
      "\"9f8e7d6c-\xff\",\"\",\"acct\"\n"
    "\"Gus\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"6.5\",\"NORMAL_CLEARING\","
      "\"9f8e7d6c-0009\",\"\",\"acct\"\n");
  Reader r;

  reader_open (&r, "freeswitch", "GB", "Europe/London", f);
  cr_assert_not (r.format->has_header);
  expect_call (&r, &(Want) { .key = "9f8e7d6c-0001", .leg_id = "9f8e7d6c-0001", .leg_rank = 7, .dir = CDR_OUT, .caller = "442079460001",
                             .callee = "441632960002", .start = "2026-11-03T10:00:05.000Z",
                             .duration = 61, .answered = TRUE, .line = 1 });
  expect_call (&r, &(Want) { .key = "9f8e7d6c-0002", .leg_id = "9f8e7d6c-0002", .leg_rank = 4, .dir = CDR_IN, .caller = "441632960003",
                             .callee = "442079460001", .start = "2026-11-03T11:00:00.000Z",
                             .duration = 0, .answered = FALSE });
  expect_call (&r, &(Want) { .key = "9f8e7d6c-0003", .leg_id = "9f8e7d6c-0003", .leg_rank = 7, .dir = CDR_OUT, .caller = "442079460001",
                             .callee = "447700900123", .start = "2026-07-01T11:00:01.250Z",
                             .duration = 30, .answered = TRUE });
  expect_reject (&r, "csv_syntax", "fields not quoted (file re-saved by a spreadsheet?)");
  expect_reject (&r, "missing_field", "missing uuid");
  expect_reject (&r, "missing_field", "12 fields, freeswitch CDRs have at least 13");
  expect_call (&r, &(Want) { .key = "9f8e7d6c-0007", .leg_id = "9f8e7d6c-0007", .leg_rank = 7, .dir = CDR_OUT, .caller = "442079460001",
                             .callee = "441632960002", .start = "2026-11-03T10:00:05.000Z",
                             .duration = 61, .answered = TRUE });
  expect_reject (&r, "encoding", "field 11 is not valid UTF-8");
  expect_call (&r, &(Want) { .key = "9f8e7d6c-0009", .leg_id = "9f8e7d6c-0009", .leg_rank = 7, .dir = CDR_OUT, .caller = "442079460001",
                             .callee = "441632960002", .start = "2026-11-03T10:00:05.000Z",
                             .duration = 7, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, freeswitch_answer_without_billsec)
{
  /* a hangup cause with no answer time is unanswered even with billsec */
  g_autoptr(GString) f = g_string_new (
    "\"A\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\",\"\","
      "\"2026-11-03 10:00:09\",\"9\",\"9\",\"ORIGINATOR_CANCEL\",\"fs-1\",\"\",\"\"\n"
    "\"A\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
      "\"2026-11-03 10:00:01\",\"2026-11-03 10:00:01\",\"1\",\"0\",\"NORMAL_CLEARING\",\"fs-2\","
      "\"\",\"\"\n");
  Reader r;

  reader_open (&r, "freeswitch", "GB", "Europe/London", f);
  expect_call (&r, &(Want) { .key = "fs-1", .leg_id = "fs-1", .leg_rank = 6, .dir = CDR_OUT, .caller = "442079460001",
                             .callee = "441632960002", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 9, .answered = FALSE });
  expect_call (&r, &(Want) { .key = "fs-2", .leg_id = "fs-2", .leg_rank = 6, .dir = CDR_OUT, .caller = "442079460001",
                             .callee = "441632960002", .start = "2026-11-03T10:00:01.000Z",
                             .duration = 0, .answered = FALSE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, freeswitch_too_long)
{
  g_autofree char *name = g_strnfill (1100, 'n');
  g_autofree char *text = g_strdup_printf (
    "\"%s\",\"+442079460001\",\"+441632960002\",\"default\",\"2026-11-03 10:00:00\","
    "\"2026-11-03 10:00:05\",\"2026-11-03 10:01:06\",\"66\",\"61\",\"NORMAL_CLEARING\","
    "\"fs-1\",\"\",\"acct\"\n", name);
  g_autoptr(GString) f = g_string_new (text);
  Reader r;

  reader_open (&r, "freeswitch", "GB", "Europe/London", f);
  expect_reject (&r, "too_long", "field 1 is 1100 bytes (limit 1024)");
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, freeswitch_refused_files)
{
  expect_bind_error ("freeswitch", "GB", NULL, "\"A\",\"1\",\"2\"\n", RATER_ERROR, RATER_ERROR_USAGE,
                     "freeswitch CDRs have local times: give --tz");
  expect_bind_error ("freeswitch", "GB", "Europe/London",
                     "\"caller_id_name\",\"caller_id_number\",\"destination_number\",\"context\","
                     "\"start_stamp\",\"answer_stamp\",\"end_stamp\",\"duration\",\"billsec\","
                     "\"hangup_cause\",\"uuid\",\"bleg_uuid\",\"accountcode\"\n",
                     RATER_ERROR, RATER_ERROR_DATA,
                     "line 1: a header row, but freeswitch files have none");
  expect_bind_error ("freeswitch", "GB", "Europe/London",
                     "\"A\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"13\"\n",
                     RATER_ERROR, RATER_ERROR_DATA, "line 1: 14 fields: not a CDR in freeswitch format");
}

/* profiles {{{1 */

/* Load a profile from TEXT written to a temporary .ini file. */
static CdrFormat *
profile_from_text (const char *text, char **path_out, GError **error)
{
  g_autofree char *path = write_tmp (".ini", text, strlen (text));
  g_autofree char *spec = g_strconcat ("profile:", path, NULL);
  CdrFormat *format = NULL;

  cdrformats_lookup (spec, &format, error);

  g_unlink (path);
  if (path_out)
    *path_out = g_steal_pointer (&path);
  return format;
}

static const char switch_profile[] =
  "[profile]\n"
  "description=test switch\n"
  "delimiter=;\n"
  "header=true\n"
  "trim=true\n"
  "timezone=Europe/Berlin\n"
  "[columns]\n"
  "call_key=Id\n"
  "caller=From\n"
  "callee=To\n"
  "start=Answer\n"
  "setup=Setup\n"
  "end=End\n"
  "tenant_id=Tenant\n"
  "user=User\n"
  "sip_code=Code\n"
  "[filter]\n"
  "Type=CDR;STOP\n"
  "[direction]\n"
  "rule=words\n"
  "column=Dir\n";

/* Open TEXT as a file of a profile loaded from PROFILE. */
static void
reader_open_profile (Reader *r, const char *profile, const char *country, const char *tz,
                     const GString *text)
{
  g_autoptr(GError) error = NULL;

  memset (r, 0, sizeof *r);
  r->format = r->profile = profile_from_text (profile, NULL, &error);
  cr_assert_not_null (r->format, "profile: %s", error ? error->message : "?");
  if (country)
    r->ctx.country = country_lookup (country);
  if (tz)
    cr_assert_not_null (r->tz = tzmap_new (tz, NULL));
  r->ctx.tz = r->tz;
  cr_assert_not_null (reader_bind (r, text->str, text->len, &error), "bind: %s",
                      error ? error->message : "?");
}

Test (cdr, profile_file)
{
  g_autoptr(GString) f = g_string_new (
    "Type;Id;Dir;From;To;Setup;Answer;End;Tenant;User;Code\n"
    "CDR;p1;out;+4930123456;030 1234567;2026-11-03 10:00:00;2026-11-03 10:00:05.5;"
      "2026-11-03 10:01:06;t-1;bob@example.de;200\n"
    "START;p2;out;+4930123456;030 1234567;2026-11-03 10:00:00;;;;;\n"
    " STOP ;p3;in;anonymous;+4930123456;2026-11-03 11:00:00;;2026-11-03 11:00:30;;;487\n"
    "CDR;p4;sideways;+4930123456;030 1234567;2026-11-03 10:00:00;2026-11-03 10:00:05;"
      "2026-11-03 10:01:06;;;\n"
    "CDR;p5;out;+4930123456;030 1234567;2026-11-03 10:00:00;x;2026-11-03 10:01:06;;;\n"
    "other;p6;out;;;;;;;;\n"
    "CDR;;out;+4930123456;030 1234567;2026-11-03 10:00:00;;2026-11-03 10:01:06;;;\n"
    "CDR;p8;out;+4930123456;030 1234567;2026-11-03 10:00:00;2026-11-03 10:00:05;;;;\n"
    "CDR;p9;out;+4930123456;030 1234567;2026-11-03 10:00:00;2026-11-03 10:00:05;"
      "2026-11-03 10:00:04;;;\n"
    "CDR;p10;OUTBOUND;+4930123456;030 1234567;2026-07-03T10:00:00+02:00;;"
      "2026-07-03T10:00:10+02:00;;;\n");
  Reader r;

  reader_open_profile (&r, switch_profile, "DE", NULL, f);
  cr_assert_eq (r.format->delimiter, ';');
  cr_assert (r.format->trim);
  cr_assert (r.format->has_header);
  expect_call (&r, &(Want) { .key = "p1", .dir = CDR_OUT, .caller = "4930123456",
                             .callee = "49301234567", .start = "2026-11-03T09:00:05.500Z",
                             .duration = 61, .answered = TRUE, .tenant = "t-1",
                             .user = "bob@example.de", .sip_code = 200, .line = 2 });
  expect_skip (&r);
  /* no answer time: start is the setup time, not answered */
  expect_call (&r, &(Want) { .key = "p3", .dir = CDR_IN, .caller = NULL, .callee = "4930123456",
                             .start = "2026-11-03T10:00:00.000Z", .duration = 30,
                             .answered = FALSE, .sip_code = 487 });
  expect_reject (&r, "bad_direction", "direction 'sideways' is not known to the profile");
  expect_reject (&r, "bad_timestamp", "Answer 'x': not a valid timestamp");
  expect_skip (&r);
  expect_reject (&r, "missing_field", "missing Id");
  expect_reject (&r, "missing_field", "missing End");
  expect_reject (&r, "bad_duration", "end is 1000 ms before start");
  expect_call (&r, &(Want) { .key = "p10", .dir = CDR_OUT, .caller = "4930123456",
                             .callee = "49301234567", .start = "2026-07-03T08:00:00.000Z",
                             .duration = 10, .answered = FALSE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, profile_tz_overrides_profile_zone)
{
  g_autoptr(GString) f = g_string_new (
    "Type;Id;Dir;From;To;Setup;Answer;End;Tenant;User;Code\n"
    "CDR;p1;out;+4930123456;+4930123457;2026-11-03 10:00:00;2026-11-03 10:00:05;"
      "2026-11-03 10:01:06;;;\n");
  Reader r;

  reader_open_profile (&r, switch_profile, "DE", "UTC", f);
  expect_call (&r, &(Want) { .key = "p1", .dir = CDR_OUT, .caller = "4930123456",
                             .callee = "4930123457", .start = "2026-11-03T10:00:05.000Z",
                             .duration = 61, .answered = TRUE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, profile_headerless_by_position)
{
  static const char profile[] =
    "[profile]\n"
    "delimiter=tab\n"
    "header=false\n"
    "timezone=UTC\n"
    "[columns]\n"
    "call_key=1\n"
    "caller=2\n"
    "callee=3\n"
    "setup=4\n"
    "duration=5\n"
    "[direction]\n"
    "rule=shape\n"
    "[answered]\n"
    "column=6\n"
    "yes=ANSWER;OK\n";
  /* the extensions have 3 digits: GB short-number lengths, and shorter than
   * any GB number (4 digits would be a local number, billing.md §3 rule 7) */
  g_autoptr(GString) f = g_string_new (
    "k1\t201\t+442079460000\t2026-11-03T10:00:00Z\t61\tANSWER\n"
    "k2\t+442079460000\t201\t2026-11-03 10:00:00\t10\tNOANSWER\n"
    "k3\t201\t202\t2026-11-03T10:00:00Z\t61\tOK\n"
    "k4\t201\t+442079460000\t2026-11-03T10:00:00Z\t\tOK\n"
    "k5\t201\t+442079460000\t2026-11-03T10:00:00Z\t0\tOK\n");
  Reader r;

  reader_open_profile (&r, profile, "GB", NULL, f);
  cr_assert_eq (r.format->delimiter, '\t');
  cr_assert_not (r.format->has_header);
  cr_assert_not (r.format->trim);
  expect_call (&r, &(Want) { .key = "k1", .dir = CDR_OUT, .caller = "44201",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE, .line = 1 });
  expect_call (&r, &(Want) { .key = "k2", .dir = CDR_IN, .caller = "442079460000",
                             .callee = "44201", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 10, .answered = FALSE });
  expect_internal (&r);   /* 2001 -> 2002: extension to extension */
  expect_reject (&r, "missing_field", "missing 5");
  expect_call (&r, &(Want) { .key = "k5", .dir = CDR_OUT, .caller = "44201",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 0, .answered = FALSE });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, profile_load_errors)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "[columns]\ncall_key=a\ncaller=b\nstart=d\nduration=e\n[direction]\nrule=words\ncolumn=f\n",
      "[columns] has no callee" },
    { "[columns]\ncall_key=a\ncaller=b\ncallee=c\nduration=e\n[direction]\nrule=words\ncolumn=f\n",
      "[columns] needs start or setup" },
    { "[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\n[direction]\nrule=words\ncolumn=f\n",
      "[columns] needs duration or end" },
    { "[profile]\ndelimiter=ab\n[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\nend=e\n",
      "[profile] delimiter 'ab' is not one character (write tab for a tab)" },
    { "[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\nend=e\n[direction]\nrule=bogus\n",
      "[direction] rule 'bogus' is not values, words, context or shape" },
    { "[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\nend=e\n[direction]\ncolumn=x\nin=I\n",
      "[direction] needs in= and out= values" },
    { "[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\nend=e\n[direction]\nrule=words\n",
      "[direction] needs a column" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      CdrFormat *format = profile_from_text (cases[i].text, &path, &error);
      cr_assert_null (format, "case %zu loaded", i);
      cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "case %zu: %s", i,
                 error->message);
      g_autofree char *want = g_strdup_printf ("profile '%s': %s", path, cases[i].message);
      cr_assert_str_eq (error->message, want);
    }
}

Test (cdr, profile_unknown)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *path = NULL;
  CdrFormat *format = NULL;

  cr_assert_null (cdrformats_lookup ("profile:nope", &format, &error));

  cr_assert_null (format);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert_str_eq (error->message, "profile 'nope': no profile 'nope' (neither a file nor a built-in profile)");

  format = profile_from_text ("[profile]\ntimezone=Mars/Base\n", &path, &error2);
  cr_assert_null (format);
  cr_assert_not_null (error2);
  cr_assert (g_error_matches (error2, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_autofree char *want = g_strdup_printf ("profile '%s': unknown time zone 'Mars/Base'", path);
  cr_assert_str_eq (error2->message, want);
}

Test (cdr, profile_header_mismatch)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Reader r = { 0 };

  r.format = r.profile = profile_from_text (switch_profile, &path, &error);
  cr_assert_not_null (r.format);
  cr_assert_null (reader_bind (&r, "Type;Key;Dir\n", 13, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  g_autofree char *want = g_strdup_printf ("line 1: header does not match profile '%s': no column 'Id'", path);
  cr_assert_str_eq (error->message, want);
  reader_clear (&r);
}

/* The built-in AudioCodes profile {{{2 */

typedef struct {
  const char *type, *session, *orig, *src, *dst, *duration, *setup, *connect, *release;
  const char *ipgroup, *reason, *desc;
} AcRow;

static char *
ac_row (const char *header, const AcRow *a)
{
  return make_row (header, '|', TRUE,
                   "SBCReportType", a->type, "EPTyp", "SBC",
                   "SIPCallId", "5d1e0b3a@10.0.2.22", "SessionId", a->session, "Orig", a->orig,
                   /* a Teams leg's remote end is in Microsoft's SIP signalling range */
                   "SourceIp", g_strcmp0 (a->ipgroup, "Teams") == 0 ? "52.114.132.46" : "10.0.1.11",
                   "SourcePort", "5060", "DestIp", "10.0.2.22",
                   "DestPort", "5061", "TransportType", "TLS", "SrcURI", a->src,
                   "SrcURIBeforeMap", a->src, "DstURI", a->dst, "DstURIBeforeMap", a->dst,
                   "Duration", a->duration, "TrmSd", "RMT", "TrmReason", "NORMAL_CALL_CLEAR",
                   "TrmReasonCategory", "NORMAL_CALL_CLEAR", "SetupTime", a->setup,
                   "ConnectTime", a->connect, "ReleaseTime", a->release,
                   "RedirectReason", "-1", "IPGroup", a->ipgroup, "SrdId", "0",
                   "SIPTrmReason", a->reason, "SIPTermDesc", a->desc, "LegId", "1", NULL);
}

#define AC_SETUP "18:57:52.320  UTC Mon Dec 05 2022"
#define AC_CONNECT "18:57:55.100  UTC Mon Dec 05 2022"
#define AC_RELEASE "18:58:56.000  UTC Mon Dec 05 2022"

/* The AudioCodes sample through the profile SPEC. */
static void
check_audiocodes (const char *spec)
{
  g_autofree char *header = audiocodes_header ();
  g_autoptr(GString) f = g_string_new (NULL);
  g_autofree char *desc = g_strnfill (2000, 'd');
  Reader r;

  add (f, g_strdup (header));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_START", .session = "4f2a1b00", .orig = "LCL",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .setup = AC_SETUP,
                                     .ipgroup = "PSTN-Trunk" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_CONNECT", .session = "4f2a1b00", .orig = "LCL",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .setup = AC_SETUP,
                                     .connect = AC_CONNECT, .ipgroup = "PSTN-Trunk" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b00", .orig = "RMT",
                                     .src = "+442079460012@teams.example",
                                     .dst = "+442079460099@teams.example", .duration = "61",
                                     .setup = AC_SETUP, .connect = AC_CONNECT,
                                     .release = AC_RELEASE, .ipgroup = "Teams", .reason = "BYE" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b00", .orig = "LCL",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .duration = "61",
                                     .setup = AC_SETUP, .connect = AC_CONNECT,
                                     .release = AC_RELEASE, .ipgroup = "PSTN-Trunk",
                                     .reason = "BYE" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b01", .orig = "RMT",
                                     .src = "+33142686000@10.0.1.11",
                                     .dst = "+442079460012@10.0.1.11", .duration = "0",
                                     .setup = AC_SETUP, .connect = "",
                                     .release = AC_RELEASE, .ipgroup = "PSTN-Trunk",
                                     .reason = "CANCEL" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b02", .orig = "XYZ",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .duration = "1",
                                     .setup = AC_SETUP, .connect = AC_CONNECT,
                                     .ipgroup = "PSTN-Trunk" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b03", .orig = "LCL",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .duration = "1",
                                     .setup = AC_SETUP, .connect = "25:00:00.000 UTC Mon Dec 05 2022",
                                     .ipgroup = "PSTN-Trunk" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a\xff", .orig = "LCL",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .duration = "1",
                                     .setup = AC_SETUP, .connect = AC_CONNECT,
                                     .ipgroup = "PSTN-Trunk" }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b05", .orig = "LCL",
                                     .src = "+442079460012@10.0.1.11",
                                     .dst = "+442079460099@10.0.2.22", .duration = "1",
                                     .setup = AC_SETUP, .connect = AC_CONNECT,
                                     .ipgroup = "PSTN-Trunk", .desc = desc }));
  add (f, ac_row (header, &(AcRow) { .type = "CALL_END", .session = "4f2a1b06", .orig = "LCL",
                                     .src = "0207 946 0012@10.0.1.11",
                                     .dst = "sip:0033142686000@10.0.2.22;user=phone",
                                     .duration = "3", .setup = AC_SETUP,
                                     .connect = "09:05:01.007 GMT Sat Jul 04 2026",
                                     .ipgroup = " PSTN-Trunk ", .reason = "200" }));

  r = (Reader) { 0 };
  g_autoptr(GError) error = NULL;
  r.format = cdrformats_lookup (spec, &r.profile, &error);
  cr_assert_not_null (r.format, "%s: %s", spec, error ? error->message : "?");
  cr_assert_eq (r.format->delimiter, '|');
  cr_assert (r.format->trim);
  cr_assert (r.format->has_header);
  r.ctx.country = country_lookup ("GB");
  cr_assert_not_null (reader_bind (&r, f->str, f->len, &error), "bind: %s",
                      error ? error->message : "?");

  expect_skip (&r);
  expect_skip (&r);
  expect_skip (&r);   /* the Teams leg of the session */
  expect_call (&r, &(Want) { .key = "4f2a1b00", .dir = CDR_OUT, .caller = "442079460012",
                             .callee = "442079460099", .start = "2022-12-05T18:57:55.100Z",
                             .duration = 61, .answered = TRUE, .line = 5 });
  expect_call (&r, &(Want) { .key = "4f2a1b01", .dir = CDR_IN, .caller = "33142686000",
                             .callee = "442079460012", .start = "2022-12-05T18:57:52.320Z",
                             .duration = 0, .answered = FALSE });
  expect_reject (&r, "bad_direction", "direction 'XYZ' is not known to the profile");
  expect_reject (&r, "bad_timestamp", "ConnectTime '25:00:00.000 UTC Mon Dec 05 2022': "
                                      "timestamp field out of range");
  expect_reject (&r, "encoding", "field 4 is not valid UTF-8");
  expect_reject (&r, "too_long", "field 34 is 2000 bytes (limit 1024)");
  expect_call (&r, &(Want) { .key = "4f2a1b06", .dir = CDR_OUT, .caller = "442079460012",
                             .callee = "33142686000", .start = "2026-07-04T09:05:01.007Z",
                             .duration = 3, .answered = TRUE, .sip_code = 200 });
  expect_end (&r);
  reader_clear (&r);
}

Test (cdr, profile_builtin_audiocodes)
{
  check_audiocodes ("profile:audiocodes");
  check_audiocodes ("profile:audiocodes.ini");
}

Test (cdr, profile_audiocodes_file)
{
  /* the source of the built-in profile, loaded as a file, reads the same */
  check_audiocodes ("profile:" TEST_SRCDIR "/schemas/profiles/audiocodes.ini");
}

Test (cdr, profile_context_globs)
{
  static const char profile[] =
    "[profile]\n"
    "header=true\n"
    "timezone=UTC\n"
    "[columns]\n"
    "call_key=id\n"
    "caller=from\n"
    "callee=to\n"
    "setup=setup\n"
    "duration=secs\n"
    "[direction]\n"
    "rule=context\n"
    "column=ctx\n"
    "inbound_contexts=trunk-*\n"
    "internal_contexts=intern; lab-*\n";
  g_autoptr(GString) f = g_string_new (
    "id,from,to,ctx,setup,secs\n"
    "k1,+442079460000,+441632960001,trunk-a,2026-11-03T10:00:00Z,61\n"
    "k2,+441632960001,+442079460000,lab-2,2026-11-03T10:00:00Z,61\n"
    "k3,+441632960001,+442079460000,users,2026-11-03T10:00:00Z,61\n");
  Reader r;

  reader_open_profile (&r, profile, "GB", NULL, f);
  expect_call (&r, &(Want) { .key = "k1", .dir = CDR_IN, .caller = "442079460000",
                             .callee = "441632960001", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE, .line = 2 });
  expect_internal (&r);
  expect_call (&r, &(Want) { .key = "k3", .dir = CDR_OUT, .caller = "441632960001",
                             .callee = "442079460000", .start = "2026-11-03T10:00:00.000Z",
                             .duration = 61, .answered = TRUE });
  assert_text (r.call.guessed_context, "users", "guessed_context");
  expect_end (&r);
  reader_clear (&r);
}
