/* catalog-import.c — importing a catalog directory into the store.
 *
 * Import runs in three steps: read every sheet into memory (rows as small
 * structs, values already parsed: micro-units, days, UTC milliseconds),
 * validate rows and cross references while collecting problems as
 * "file:line: reason", and — only with no problem — write everything in one
 * transaction that first empties the catalog tables.  Calls are keyed by the
 * operator's slugs, not row ids, so they survive a re-import untouched.
 * The digest of the files read (catalog_digest) tells nightly whether the
 * directory changed since the last import.  Loading the stored catalog to
 * resolve accounts is catalog.c.
 */
#include "config.h"

#include <string.h>

#include "catalog/catalog.h"
#include "catalog/country.h"
#include "base/csvfile.h"
#include "base/decimal.h"
#include "base/digest.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"

#define MAX_PROBLEMS 200
#define MS_PER_DAY G_GINT64_CONSTANT (86400000)

/* Upper limits of the catalog's amounts, in micro-units (README "catalog
 * import").  Far above any real tariff, they keep every product rating and
 * invoicing compute far inside gint64 (about 9.22e18 micro-units):
 *  - a call's charge is connect_fee + ceil (billable * rate / 60), with
 *    billable <= 7 days + one increment = 608400 s (timeparse.h's call
 *    limit, increments <= 3600 s): at most 1e12 + 608400 * 1e12 / 60
 *    ~ 1.0e16, and billable * rate itself at most 6.1e17 — 15 times below
 *    the limit even before the division;
 *  - a number's monthly fee prorated is fee * days / days_in_month <= 1e12;
 *  - tax is subtotal * tax_rate / 100 (128-bit intermediate) <= subtotal;
 *  - a bundle pool is bundle_minutes * 60 * users <= 6e7 s per user.
 * Sums of many amounts (an invoice) are still checked where they are made
 * (invoice.c), since no per-item limit can bound a count of calls. */
#define MAX_RATE (1000000 * DECIMAL_MICRO)         /* currency units per minute */
#define MAX_FEE (1000000 * DECIMAL_MICRO)          /* connect fee; fee per number a month */
#define MAX_TAX_RATE (100 * DECIMAL_MICRO)         /* percent */
#define MAX_BUNDLE_MINUTES 1000000                 /* per user number a month */

/* ---- problems ---- */

typedef struct {
  GPtrArray *lines;   /* char* "file:line: reason" */
  guint count;
} Problems;

static void problem (Problems *pr, const char *file, guint64 line, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

static void
problem (Problems *pr, const char *file, guint64 line, const char *fmt, ...)
{
  va_list ap;
  pr->count++;
  if (pr->lines->len >= MAX_PROBLEMS)
    return;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (line)
    g_ptr_array_add (pr->lines, g_strdup_printf ("%s:%" G_GUINT64_FORMAT ": %s", file, line, msg));
  else
    g_ptr_array_add (pr->lines, g_strdup_printf ("%s: %s", file, msg));
}

static gboolean
problems_to_error (const Problems *pr, const char *dir, GError **error)
{
  if (pr->count == 0)
    return TRUE;
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "catalog '%s' not imported: %u error%s", dir, pr->count,
                          pr->count == 1 ? "" : "s");
  for (guint i = 0; i < pr->lines->len; i++)
    g_string_append_printf (s, "\n  %s", (char *) pr->lines->pdata[i]);
  if (pr->count > pr->lines->len)
    g_string_append_printf (s, "\n  ... and %u more", pr->count - pr->lines->len);
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_DATA, s->str);
  g_string_free (s, TRUE);
  return FALSE;
}

/* ---- sheets: a catalog CSV read by column name ---- */

typedef struct {
  char *label;            /* path relative to the catalog dir, for messages */
  const char *deck;       /* the deck of a decks/<deck>.csv sheet, else NULL */
  CsvFile *csv;
  const char *const *names;
  guint n_columns;
  int col[16];
  CsvRecord rec;
} Sheet;

static void
sheet_clear (Sheet *s)
{
  g_clear_pointer (&s->csv, csvfile_free);
  g_clear_pointer (&s->label, g_free);
}

static int
header_index (const CsvRecord *h, const char *name)
{
  for (guint i = 0; i < h->n; i++)
    {
      g_autofree char *v = g_strstrip (g_strndup (h->field[i], h->len[i]));
      if (g_ascii_strcasecmp (v, name) == 0)
        return (int) i;
    }
  return -1;
}

/* Open DIR/LABEL and bind NAMES; the first N_REQUIRED are required. */
static gboolean
sheet_open (Sheet *s, const char *dir, const char *label, const char *const *names,
            guint n_columns, guint n_required, Problems *pr, GError **error)
{
  g_autofree char *path = g_build_filename (dir, label, NULL);
  s->label = g_strdup (label);
  s->names = names;
  s->n_columns = n_columns;
  if (!(s->csv = csvfile_open (path, ',', TRUE, error)))
    return FALSE;
  CsvFileStatus st = csvfile_next (s->csv, &s->rec, error);
  if (st == CSVFILE_ERROR)
    return FALSE;
  if (st != CSVFILE_RECORD)
    {
      problem (pr, label, st == CSVFILE_BAD ? s->rec.line : 0, "no header row");
      g_clear_pointer (&s->csv, csvfile_free);
      return TRUE;
    }
  for (guint i = 0; i < n_columns; i++)
    {
      s->col[i] = header_index (&s->rec, names[i]);
      if (s->col[i] < 0 && i < n_required)
        problem (pr, label, s->rec.line, "no column '%s' in header", names[i]);
    }
  return TRUE;
}

/* The next data row; FALSE at the end (or on error, *error set). */
static gboolean
sheet_next (Sheet *s, Problems *pr, GError **error)
{
  for (;;)
    {
      if (!s->csv)
        return FALSE;
      CsvFileStatus st = csvfile_next (s->csv, &s->rec, error);
      if (st == CSVFILE_RECORD)
        return TRUE;
      if (st == CSVFILE_BAD)
        {
          problem (pr, s->label, s->rec.line, "%s", s->rec.problem);
          continue;
        }
      return FALSE;
    }
}

/* Column I of the current row, trimmed, as a new string ("" when absent). */
static char *
sheet_get (const Sheet *s, guint i)
{
  int c = s->col[i];
  if (c < 0 || (guint) c >= s->rec.n)
    return g_strdup ("");
  return g_strstrip (g_strndup (s->rec.field[c], s->rec.len[c]));
}

/* ---- parsed rows ---- */

typedef struct {
  guint64 line;
  char *slug, *name, *currency, *prefix;
  /* finance (billing.md §11): NULL when not given */
  char *legal_name, *address, *vat_id, *iban, *bic, *email;
  gint64 terms_days;      /* payment_terms_days; -1 when not given */
} OperatorRow;

typedef struct {
  guint64 line;
  char *slug, *operator_slug, *deck, *groups;
  gint64 fee[3];          /* user, service, tollfree: micro-units */
  gint64 bundle_minutes;
  gint64 call_decimals;
  char *rounding;         /* call_rounding: up, half_up, down */
  gint64 peak_days;       /* bit 0 Monday .. bit 6 Sunday */
  gint64 peak_from, peak_to;  /* seconds of the day */
} PlanRow;

typedef struct {
  guint64 line;
  char *slug, *operator_slug, *tenant, *name, *plan, *country, *zone;
  gint64 tax_rate;        /* micro-percent */
  /* finance (billing.md §11): NULL when not given */
  char *legal_name, *address, *vat_id, *itemised;
  gboolean reverse_charge;
} AccountRow;

typedef struct {
  guint64 line;
  char *number, *account, *type, *user, *from, *to;
  gint64 from_day, to_day; /* days since epoch; to_day G_MAXINT64 when open */
} NumberRow;

typedef struct {
  const char *deck;       /* owned by Catalog.decks key */
  guint64 line;
  char *prefix, *destination, *group, *direction, *band;
  gint64 rate, connect_fee, inc_first, inc_next;
  gint64 from_ms, to_ms;  /* to_ms G_MAXINT64 when open */
  gint64 min_charge, max_charge;  /* 0: none */
  GArray *tiers;          /* TierRow, by start; NULL: none */
} DeckRow;

typedef struct {
  gint64 start, rate, inc_first, inc_next;
  const DeckRow *row;     /* set when written */
} TierRow;

typedef struct {
  guint64 line;
  char *country, *date, *name;
} HolidayRow;

typedef struct {
  GPtrArray *operators, *plans, *accounts, *numbers, *deck_rows, *holidays;
  GHashTable *decks;      /* deck name -> file label */
  GHashTable *op_index, *plan_index, *account_index;  /* slug -> row */
  GString *files;         /* "sha256  label\n" per file read */
} Catalog;

static void
operator_row_free (gpointer p)
{
  OperatorRow *r = p;
  g_free (r->slug), g_free (r->name), g_free (r->currency), g_free (r->prefix);
  g_free (r->legal_name), g_free (r->address), g_free (r->vat_id), g_free (r->iban);
  g_free (r->bic), g_free (r->email), g_free (r);
}

static void
plan_row_free (gpointer p)
{
  PlanRow *r = p;
  g_free (r->slug), g_free (r->operator_slug), g_free (r->deck), g_free (r->groups);
  g_free (r->rounding), g_free (r);
}

static void
account_row_free (gpointer p)
{
  AccountRow *r = p;
  g_free (r->slug), g_free (r->operator_slug), g_free (r->tenant), g_free (r->name);
  g_free (r->plan), g_free (r->country), g_free (r->zone);
  g_free (r->legal_name), g_free (r->address), g_free (r->vat_id), g_free (r->itemised);
  g_free (r);
}

static void
number_row_free (gpointer p)
{
  NumberRow *r = p;
  g_free (r->number), g_free (r->account), g_free (r->type), g_free (r->user);
  g_free (r->from), g_free (r->to), g_free (r);
}

static void
deck_row_free (gpointer p)
{
  DeckRow *r = p;
  g_free (r->prefix), g_free (r->destination), g_free (r->group), g_free (r->direction);
  g_free (r->band);
  if (r->tiers)
    g_array_unref (r->tiers);
  g_free (r);
}

static void
holiday_row_free (gpointer p)
{
  HolidayRow *r = p;
  g_free (r->country), g_free (r->date), g_free (r->name), g_free (r);
}

static void
catalog_data_free (Catalog *c)
{
  g_ptr_array_unref (c->operators);
  g_ptr_array_unref (c->plans);
  g_ptr_array_unref (c->accounts);
  g_ptr_array_unref (c->numbers);
  g_ptr_array_unref (c->deck_rows);
  g_ptr_array_unref (c->holidays);
  g_hash_table_unref (c->decks);
  g_hash_table_unref (c->op_index);
  g_hash_table_unref (c->plan_index);
  g_hash_table_unref (c->account_index);
  g_string_free (c->files, TRUE);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Catalog, catalog_data_free)

static Catalog *
catalog_data_new (void)
{
  Catalog *c = g_new0 (Catalog, 1);
  c->operators = g_ptr_array_new_with_free_func (operator_row_free);
  c->plans = g_ptr_array_new_with_free_func (plan_row_free);
  c->accounts = g_ptr_array_new_with_free_func (account_row_free);
  c->numbers = g_ptr_array_new_with_free_func (number_row_free);
  c->deck_rows = g_ptr_array_new_with_free_func (deck_row_free);
  c->holidays = g_ptr_array_new_with_free_func (holiday_row_free);
  c->decks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->op_index = g_hash_table_new (g_str_hash, g_str_equal);
  c->plan_index = g_hash_table_new (g_str_hash, g_str_equal);
  c->account_index = g_hash_table_new (g_str_hash, g_str_equal);
  c->files = g_string_new (NULL);
  return c;
}

/* ---- value checks ---- */

/* S is not empty and IS_CHAR accepts each of its bytes. */
static gboolean
is_word_of (const char *s, gboolean (*is_char) (char c))
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!is_char (*s))
      return FALSE;
  return TRUE;
}

static gboolean
is_slug_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.';
}

static gboolean
is_group_char (char c)
{
  return g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '_' || c == '-';
}

static gboolean
is_slug (const char *s)
{
  return is_word_of (s, is_slug_char);
}

static gboolean
is_digits (const char *s, gsize min, gsize max)
{
  gsize n = strlen (s);
  if (n < min || n > max)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
is_group_token (const char *s)
{
  return is_word_of (s, is_group_char);
}

/* A decimal with at most MAX_FRAC places, from 0 to MAX micro-units. */
static gboolean
check_amount (Problems *pr, const Sheet *s, const char *what, const char *text,
              guint max_frac, gint64 max, gint64 *out)
{
  DecimalStatus st = decimal_parse (text, strlen (text), max_frac, out);
  if (st != DECIMAL_OK)
    {
      problem (pr, s->label, s->rec.line, "%s '%s': %s", what, text,
               decimal_status_to_string (st, max_frac));
      return FALSE;
    }
  if (*out < 0)
    {
      problem (pr, s->label, s->rec.line, "%s '%s' is negative", what, text);
      return FALSE;
    }
  if (*out > max)
    {
      char limit[32];
      problem (pr, s->label, s->rec.line, "%s '%s' is above the limit of %s", what, text,
               decimal_format (max, 0, limit));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_int (Problems *pr, const Sheet *s, const char *what, const char *text, gint64 min,
           gint64 max, gint64 *out)
{
  if (g_ascii_string_to_signed (text, 10, min, max, out, NULL))
    return TRUE;
  problem (pr, s->label, s->rec.line, "%s '%s' is not a whole number from %" G_GINT64_FORMAT
           " to %" G_GINT64_FORMAT, what, text, min, max);
  return FALSE;
}

static gboolean
check_date (Problems *pr, const Sheet *s, const char *what, const char *text, gint64 *days)
{
  if (time_parse_date (text, strlen (text), days) == TIME_OK)
    return TRUE;
  problem (pr, s->label, s->rec.line, "%s '%s' is not a date YYYY-MM-DD", what, text);
  return FALSE;
}

/* A date (UTC midnight) or a UTC timestamp, in ms. */
static gboolean
check_instant (Problems *pr, const Sheet *s, const char *what, const char *text, gint64 *ms)
{
  gint64 days;
  TimeParts parts;
  if (time_parse_date (text, strlen (text), &days) == TIME_OK)
    {
      *ms = days * MS_PER_DAY;
      return TRUE;
    }
  if (time_parse_iso8601 (text, strlen (text), &parts) == TIME_OK)
    {
      if (!parts.has_offset)
        parts.has_offset = TRUE, parts.offset_sec = 0;
      if (time_parts_to_utc_ms (&parts, NULL, ms) == TIME_OK)
        return TRUE;
    }
  problem (pr, s->label, s->rec.line, "%s '%s' is not a date or a UTC timestamp", what, text);
  return FALSE;
}

/* "F/N" with 1 <= F, N <= 3600. */
static gboolean
check_increment (Problems *pr, const Sheet *s, const char *text, gint64 *first, gint64 *next)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", -1);
  if (g_strv_length (parts) == 2
      && g_ascii_string_to_signed (parts[0], 10, 1, 3600, first, NULL)
      && g_ascii_string_to_signed (parts[1], 10, 1, 3600, next, NULL))
    return TRUE;
  problem (pr, s->label, s->rec.line,
           "increment '%s' is not F/N with whole seconds from 1 to 3600", text);
  return FALSE;
}

/* Tariff options (billing.md §10). */

/* One tier "START:RATE:F/N" into *T. */
static gboolean
parse_tier (Problems *pr, const Sheet *s, const char *text, TierRow *t)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) != 3)
    {
      problem (pr, s->label, s->rec.line, "tier '%s' is not START:RATE:F/N", text);
      return FALSE;
    }
  g_strstrip (parts[0]), g_strstrip (parts[1]), g_strstrip (parts[2]);
  if (!g_ascii_string_to_signed (parts[0], 10, 1, 7 * 86400, &t->start, NULL))
    {
      problem (pr, s->label, s->rec.line, "tier '%s': START '%s' is not a whole number of seconds"
               " from 1 to 604800", text, parts[0]);
      return FALSE;
    }
  return check_amount (pr, s, "tier rate", parts[1], 6, MAX_RATE, &t->rate)
         && check_increment (pr, s, parts[2], &t->inc_first, &t->inc_next);
}

/* An interval [START, END) billed under F/N must hold its billable
 * seconds: END - START >= F and (END - START - F) a multiple of N. */
static void
check_interval (Problems *pr, const Sheet *s, gint64 start, gint64 end, gint64 first, gint64 next)
{
  gint64 len = end - start;
  if (len < first)
    problem (pr, s->label, s->rec.line, "tiers: the interval from %" G_GINT64_FORMAT " s to %"
             G_GINT64_FORMAT " s (%" G_GINT64_FORMAT " s) is shorter than its increment's first %"
             G_GINT64_FORMAT " s", start, end, len, first);
  else if ((len - first) % next != 0)
    problem (pr, s->label, s->rec.line, "tiers: the interval from %" G_GINT64_FORMAT " s to %"
             G_GINT64_FORMAT " s (%" G_GINT64_FORMAT " s) minus its increment's first %" G_GINT64_FORMAT
             " s is not a multiple of its next %" G_GINT64_FORMAT " s", start, end, len, first, next);
}

/* The deck column tiers of row R ("" none). */
static void
check_tiers (Problems *pr, const Sheet *s, const char *text, DeckRow *r)
{
  if (!*text)
    return;
  g_auto(GStrv) items = g_strsplit (text, "|", -1);
  r->tiers = g_array_new (FALSE, TRUE, sizeof (TierRow));
  gint64 start = 0, first = r->inc_first, next = r->inc_next;
  for (guint i = 0; items[i]; i++)
    {
      TierRow t = { 0 };
      g_strstrip (items[i]);
      if (!parse_tier (pr, s, items[i], &t))
        return;
      if (t.start <= start)
        {
          problem (pr, s->label, s->rec.line, "tiers: START %" G_GINT64_FORMAT " is not after %"
                   G_GINT64_FORMAT, t.start, start);
          return;
        }
      check_interval (pr, s, start, t.start, first, next);
      g_array_append_val (r->tiers, t);
      start = t.start, first = t.inc_first, next = t.inc_next;
    }
}

/* "HH:MM" or "HH:MM:SS", 00:00 to 24:00, as seconds of the day. */
static gboolean
check_clock (Problems *pr, const Sheet *s, const char *what, const char *text, gint64 *sec)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint n = g_strv_length (parts);
  guint64 h, m, sc = 0;
  if ((n == 2 || n == 3) && strlen (parts[0]) == 2 && strlen (parts[1]) == 2
      && (n == 2 || strlen (parts[2]) == 2)
      && g_ascii_string_to_unsigned (parts[0], 10, 0, 24, &h, NULL)
      && g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &m, NULL)
      && (n == 2 || g_ascii_string_to_unsigned (parts[2], 10, 0, 59, &sc, NULL))
      && (h < 24 || (m == 0 && sc == 0)))
    {
      *sec = (gint64) (h * 3600 + m * 60 + sc);
      return TRUE;
    }
  problem (pr, s->label, s->rec.line, "%s '%s' is not a time of day HH:MM from 00:00 to 24:00",
           what, text);
  return FALSE;
}

/* peak_days: ISO weekdays 1 (Monday) to 7, as a range "1-5" or a
 * ;-list of days and ranges, into bit (day - 1) of *MASK. */
static gboolean
check_days (Problems *pr, const Sheet *s, const char *text, gint64 *mask)
{
  g_auto(GStrv) items = g_strsplit (text, ";", -1);
  *mask = 0;
  for (guint i = 0; items[i]; i++)
    {
      g_auto(GStrv) ends = g_strsplit (g_strstrip (items[i]), "-", -1);
      guint n = g_strv_length (ends);
      guint64 a = 0, b = 0;
      if ((n != 1 && n != 2) || !g_ascii_string_to_unsigned (ends[0], 10, 1, 7, &a, NULL)
          || !g_ascii_string_to_unsigned (ends[n - 1], 10, 1, 7, &b, NULL) || a > b)
        {
          problem (pr, s->label, s->rec.line, "peak_days '%s' is not ISO weekdays 1 (Monday) to 7"
                   " as a range such as 1-5 or a ;-list such as 1;3;5", text);
          return FALSE;
        }
      for (guint64 d = a; d <= b; d++)
        *mask |= 1 << (d - 1);
    }
  return TRUE;
}

static void
check_plan_options (Problems *pr, const Sheet *s, PlanRow *r, const char *days, const char *from,
                    const char *to)
{
  if (!*r->rounding)
    g_free (r->rounding), r->rounding = g_strdup ("up");
  if (!g_strv_contains ((const char *const[]) { "up", "half_up", "down", NULL }, r->rounding))
    problem (pr, s->label, s->rec.line, "call_rounding '%s' is not up, half_up or down", r->rounding);
  check_days (pr, s, *days ? days : "1-5", &r->peak_days);
  if (check_clock (pr, s, "peak_from", *from ? from : "08:00", &r->peak_from)
      && check_clock (pr, s, "peak_to", *to ? to : "18:00", &r->peak_to)
      && r->peak_from >= r->peak_to)
    problem (pr, s->label, s->rec.line, "peak_to %s is not after peak_from %s", *to ? to : "18:00",
             *from ? from : "08:00");
}

static gboolean
check_unique (Problems *pr, const Sheet *s, GHashTable *index, const char *what,
              char *slug, gpointer row)
{
  if (!is_slug (slug))
    {
      problem (pr, s->label, s->rec.line, "%s '%s' is not a slug (letters, digits, - _ .)", what, slug);
      return FALSE;
    }
  if (g_hash_table_contains (index, slug))
    {
      problem (pr, s->label, s->rec.line, "%s '%s' defined twice", what, slug);
      return FALSE;
    }
  g_hash_table_insert (index, slug, row);
  return TRUE;
}

/* ---- reading the sheets ---- */

static GPtrArray *borrowed_copy (GPtrArray *rows);

/* One kind of sheet: its columns, the first N_REQUIRED of them required, and
 * how one data row is parsed and checked into the Catalog. */
typedef struct {
  const char *const *names;
  guint n_columns, n_required;
  void (*read_row) (Catalog *c, Sheet *s, Problems *pr);
} SheetKind;

/* Read every data row of DIR/LABEL, a sheet of KIND (for a deck, of DECK). */
static gboolean
read_sheet (Catalog *c, const char *dir, const char *label, const char *deck, const SheetKind *kind,
            Problems *pr, GError **error)
{
  Sheet s = { .deck = deck };
  gboolean ok = sheet_open (&s, dir, label, kind->names, kind->n_columns, kind->n_required, pr, error);
  while (ok && sheet_next (&s, pr, error))
    kind->read_row (c, &s, pr);
  ok = ok && !(error && *error);
  sheet_clear (&s);
  return ok;
}

/* ---- finance columns (billing.md §11, formats.md §1 optional columns) ---- */

/* Column I of the current row, or NULL when absent or empty. */
static char *
sheet_get_optional (const Sheet *s, guint i)
{
  char *v = sheet_get (s, i);
  if (*v)
    return v;
  g_free (v);
  return NULL;
}

/* An IBAN: 15..34 letters and digits (spaces dropped, upper-cased into
 * *IBAN), country letters, check digits, and the ISO 13616 mod-97 check. */
static gboolean
check_iban (Problems *pr, const Sheet *s, char **iban)
{
  g_autoptr(GString) v = g_string_new (NULL);
  for (const char *p = *iban; *p; p++)
    if (*p != ' ')
      g_string_append_c (v, g_ascii_toupper (*p));
  gboolean ok = v->len >= 15 && v->len <= 34 && g_ascii_isalpha (v->str[0])
                && g_ascii_isalpha (v->str[1]) && g_ascii_isdigit (v->str[2])
                && g_ascii_isdigit (v->str[3]);
  guint rest = 0;
  for (gsize i = 0; ok && i < v->len; i++)
    {
      char ch = v->str[(i + 4) % v->len];
      if (g_ascii_isdigit (ch))
        rest = (rest * 10 + (guint) (ch - '0')) % 97;
      else if (g_ascii_isupper (ch))
        rest = (rest * 100 + (guint) (ch - 'A' + 10)) % 97;
      else
        ok = FALSE;
    }
  if (!ok || rest != 1)
    {
      problem (pr, s->label, s->rec.line, "iban '%s' is not a valid IBAN", *iban);
      return FALSE;
    }
  g_free (*iban);
  *iban = g_string_free (g_steal_pointer (&v), FALSE);
  return TRUE;
}

/* A BIC (ISO 9362): 8 or 11 letters and digits, the first 6 letters. */
static gboolean
check_bic (Problems *pr, const Sheet *s, const char *bic)
{
  gsize n = strlen (bic);
  gboolean ok = n == 8 || n == 11;
  for (gsize i = 0; ok && i < n; i++)
    ok = i < 6 ? g_ascii_isupper (bic[i]) : (g_ascii_isupper (bic[i]) || g_ascii_isdigit (bic[i]));
  if (!ok)
    problem (pr, s->label, s->rec.line, "bic '%s' is not 8 or 11 upper-case letters and digits",
             bic);
  return ok;
}

static void
read_operator_finance (OperatorRow *r, Sheet *s, Problems *pr)
{
  g_autofree char *terms = sheet_get (s, 7);
  r->legal_name = sheet_get_optional (s, 4), r->address = sheet_get_optional (s, 5);
  r->vat_id = sheet_get_optional (s, 6), r->iban = sheet_get_optional (s, 8);
  r->bic = sheet_get_optional (s, 9), r->email = sheet_get_optional (s, 10);
  r->terms_days = -1;
  if (*terms)
    check_int (pr, s, "payment_terms_days", terms, 0, 365, &r->terms_days);
  if (r->iban)
    check_iban (pr, s, &r->iban);
  if (r->bic)
    check_bic (pr, s, r->bic);
  if (r->email && (!strchr (r->email, '@') || strpbrk (r->email, " \t\r\n")))
    problem (pr, s->label, r->line, "email '%s' is not an e-mail address", r->email);
}

static void
read_account_finance (AccountRow *r, Sheet *s, Problems *pr)
{
  g_autofree char *reverse = sheet_get (s, 11), *itemised = sheet_get (s, 12);
  r->legal_name = sheet_get_optional (s, 8), r->address = sheet_get_optional (s, 9);
  r->vat_id = sheet_get_optional (s, 10);
  if (*reverse && g_ascii_strcasecmp (reverse, "true") == 0)
    r->reverse_charge = TRUE;
  else if (*reverse && g_ascii_strcasecmp (reverse, "false") != 0)
    problem (pr, s->label, r->line, "reverse_charge '%s' is not true or false", reverse);
  if (r->reverse_charge && !r->vat_id)
    problem (pr, s->label, r->line,
             "reverse_charge is true but vat_id is empty: a reverse-charge account needs the"
             " customer's VAT id");
  r->itemised = g_ascii_strdown (*itemised ? itemised : "none", -1);
  if (!g_str_equal (r->itemised, "none") && !g_str_equal (r->itemised, "masked")
      && !g_str_equal (r->itemised, "full"))
    problem (pr, s->label, r->line, "itemised '%s' is not none, masked or full", itemised);
}

static void
read_operator_row (Catalog *c, Sheet *s, Problems *pr)
{
  OperatorRow *r = g_new0 (OperatorRow, 1);
  r->line = s->rec.line;
  r->slug = sheet_get (s, 0), r->name = sheet_get (s, 1);
  r->currency = sheet_get (s, 2), r->prefix = sheet_get (s, 3);
  g_ptr_array_add (c->operators, r);
  check_unique (pr, s, c->op_index, "operator", r->slug, r);
  if (currency_minor_units (r->currency) < 0)
    problem (pr, s->label, r->line, "currency '%s' is not an ISO 4217 code", r->currency);
  if (!is_slug (r->prefix))
    problem (pr, s->label, r->line, "invoice_prefix '%s' is not letters, digits, - _ .", r->prefix);
  read_operator_finance (r, s, pr);
}

static void
read_plan_row (Catalog *c, Sheet *s, Problems *pr)
{
  static const char *const fee_names[] = { "fee_user", "fee_service", "fee_tollfree" };
  PlanRow *r = g_new0 (PlanRow, 1);
  g_autofree char *minutes = sheet_get (s, 6), *decimals = sheet_get (s, 8);
  g_autofree char *days = sheet_get (s, 10), *from = sheet_get (s, 11), *to = sheet_get (s, 12);
  r->line = s->rec.line;
  r->rounding = sheet_get (s, 9);
  r->slug = sheet_get (s, 0), r->operator_slug = sheet_get (s, 1), r->deck = sheet_get (s, 2);
  r->groups = sheet_get (s, 7);
  g_ptr_array_add (c->plans, r);
  check_unique (pr, s, c->plan_index, "plan", r->slug, r);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *fee = sheet_get (s, 3 + i);
      check_amount (pr, s, fee_names[i], *fee ? fee : "0", 6, MAX_FEE, &r->fee[i]);
    }
  check_int (pr, s, "bundle_minutes", *minutes ? minutes : "0", 0, MAX_BUNDLE_MINUTES,
             &r->bundle_minutes);
  check_int (pr, s, "call_decimals", *decimals ? decimals : "6", 0, 6, &r->call_decimals);
  g_auto(GStrv) groups = g_strsplit (r->groups, "|", -1);
  for (guint i = 0; *r->groups && groups[i]; i++)
    if (!is_group_token (groups[i]))
      problem (pr, s->label, r->line, "bundle group '%s' is not an upper-case token", groups[i]);
  if (r->bundle_minutes > 0 && !*r->groups)
    problem (pr, s->label, r->line, "bundle_minutes without bundle_groups");
  check_plan_options (pr, s, r, days, from, to);
}

static void
read_account_row (Catalog *c, Sheet *s, Problems *pr)
{
  AccountRow *r = g_new0 (AccountRow, 1);
  g_autofree char *tax = sheet_get (s, 7), *tenant = sheet_get (s, 2), *country = sheet_get (s, 5);
  r->line = s->rec.line;
  r->slug = sheet_get (s, 0), r->operator_slug = sheet_get (s, 1);
  r->tenant = g_ascii_strdown (tenant, -1);
  r->name = sheet_get (s, 3), r->plan = sheet_get (s, 4);
  r->country = g_ascii_strup (country, -1);
  r->zone = sheet_get (s, 6);
  g_ptr_array_add (c->accounts, r);
  check_unique (pr, s, c->account_index, "account", r->slug, r);
  if (!country_lookup (r->country))
    problem (pr, s->label, r->line, "country '%s' is not an ISO 3166 alpha-2 code", r->country);
  if (!tzmap_zone_exists (r->zone))
    problem (pr, s->label, r->line, "timezone '%s' is not an IANA time zone", r->zone);
  check_amount (pr, s, "tax_rate", *tax ? tax : "0", 4, MAX_TAX_RATE, &r->tax_rate);
  read_account_finance (r, s, pr);
}

static void
read_number_row (Catalog *c, Sheet *s, Problems *pr)
{
  NumberRow *r = g_new0 (NumberRow, 1);
  g_autofree char *number = sheet_get (s, 0);
  r->line = s->rec.line;
  r->account = sheet_get (s, 1), r->type = sheet_get (s, 2), r->from = sheet_get (s, 3);
  r->user = sheet_get (s, 4), r->to = sheet_get (s, 5);
  r->to_day = G_MAXINT64;
  g_ptr_array_add (c->numbers, r);
  if (number[0] != '+' || !is_digits (number + 1, 3, 15))
    problem (pr, s->label, r->line, "number '%s' is not E.164 (+ and 3 to 15 digits)", number);
  r->number = g_strdup (number[0] == '+' ? number + 1 : number);
  if (!g_str_equal (r->type, "user") && !g_str_equal (r->type, "service")
      && !g_str_equal (r->type, "tollfree"))
    problem (pr, s->label, r->line, "type '%s' is not user, service or tollfree", r->type);
  if (check_date (pr, s, "from", r->from, &r->from_day) && *r->to
      && check_date (pr, s, "to", r->to, &r->to_day) && r->to_day <= r->from_day)
    problem (pr, s->label, r->line, "to %s is not after from %s", r->to, r->from);
}

static void
read_deck_row (Catalog *c, Sheet *s, Problems *pr)
{
  DeckRow *r = g_new0 (DeckRow, 1);
  g_autofree char *rate = sheet_get (s, 3), *fee = sheet_get (s, 7), *inc = sheet_get (s, 8);
  g_autofree char *from = sheet_get (s, 4), *to = sheet_get (s, 9);
  g_autofree char *tiers = sheet_get (s, 10), *min = sheet_get (s, 11), *max = sheet_get (s, 12);
  r->deck = s->deck;
  r->line = s->rec.line;
  r->prefix = sheet_get (s, 0), r->destination = sheet_get (s, 1), r->group = sheet_get (s, 2);
  r->direction = sheet_get (s, 5), r->band = sheet_get (s, 6);
  r->to_ms = G_MAXINT64;
  g_ptr_array_add (c->deck_rows, r);
  if (!is_digits (r->prefix, 1, 15))
    problem (pr, s->label, r->line, "prefix '%s' is not 1 to 15 digits", r->prefix);
  if (!is_group_token (r->group))
    problem (pr, s->label, r->line, "group '%s' is not an upper-case token", r->group);
  if (!*r->direction)
    g_free (r->direction), r->direction = g_strdup ("out");
  if (!g_str_equal (r->direction, "out") && !g_str_equal (r->direction, "in"))
    problem (pr, s->label, r->line, "direction '%s' is not in or out", r->direction);
  if (!*r->band)
    g_free (r->band), r->band = g_strdup ("all");
  if (!g_strv_contains ((const char *const[]) { "all", "peak", "offpeak", "weekend", NULL }, r->band))
    problem (pr, s->label, r->line, "band '%s' is not all, peak, offpeak or weekend", r->band);
  check_amount (pr, s, "rate", rate, 6, MAX_RATE, &r->rate);
  check_amount (pr, s, "connect_fee", *fee ? fee : "0", 6, MAX_FEE, &r->connect_fee);
  if (check_increment (pr, s, *inc ? inc : "1/1", &r->inc_first, &r->inc_next))
    check_tiers (pr, s, tiers, r);
  if (check_amount (pr, s, "min_charge", *min ? min : "0", 6, MAX_FEE, &r->min_charge)
      && check_amount (pr, s, "max_charge", *max ? max : "0", 6, MAX_FEE, &r->max_charge)
      && r->max_charge > 0 && r->min_charge > r->max_charge)
    problem (pr, s->label, r->line, "min_charge %s is above max_charge %s", min, max);
  if (check_instant (pr, s, "effective_from", from, &r->from_ms) && *to
      && check_instant (pr, s, "effective_to", to, &r->to_ms) && r->to_ms <= r->from_ms)
    problem (pr, s->label, r->line, "effective_to %s is not after effective_from %s", to, from);
}

static const char *const operator_columns[] = { "operator", "name", "currency", "invoice_prefix",
                                                "legal_name", "address", "vat_id",
                                                "payment_terms_days", "iban", "bic", "email" };
static const char *const plan_columns[] = { "plan", "operator", "deck", "fee_user", "fee_service",
                                            "fee_tollfree", "bundle_minutes", "bundle_groups",
                                            "call_decimals", "call_rounding", "peak_days",
                                            "peak_from", "peak_to" };
static const char *const account_columns[] = { "account", "operator", "tenant_id", "name", "plan",
                                               "country", "timezone", "tax_rate",
                                               "legal_name", "address", "vat_id",
                                               "reverse_charge", "itemised" };
static const char *const number_columns[] = { "number", "account", "type", "from", "user", "to" };
static const char *const deck_columns[] = { "prefix", "destination", "group", "rate",
                                            "effective_from", "direction", "band", "connect_fee",
                                            "increment", "effective_to", "tiers", "min_charge",
                                            "max_charge" };

static const SheetKind operator_sheet = { operator_columns, G_N_ELEMENTS (operator_columns), 4,
                                          read_operator_row };
static const SheetKind plan_sheet = { plan_columns, G_N_ELEMENTS (plan_columns), 3, read_plan_row };
static const SheetKind account_sheet = { account_columns, G_N_ELEMENTS (account_columns), 8,
                                         read_account_row };
static const SheetKind number_sheet = { number_columns, G_N_ELEMENTS (number_columns), 4,
                                        read_number_row };
static const SheetKind deck_sheet = { deck_columns, G_N_ELEMENTS (deck_columns), 5, read_deck_row };

static void
read_holiday_row (Catalog *c, Sheet *s, Problems *pr)
{
  HolidayRow *r = g_new0 (HolidayRow, 1);
  g_autofree char *country = sheet_get (s, 0);
  gint64 days;
  r->line = s->rec.line;
  r->country = g_ascii_strup (country, -1);
  r->date = sheet_get (s, 1), r->name = sheet_get (s, 2);
  g_ptr_array_add (c->holidays, r);
  if (!country_lookup (r->country))
    problem (pr, s->label, r->line, "country '%s' is not an ISO 3166 alpha-2 code", r->country);
  check_date (pr, s, "date", r->date, &days);
}

static const char *const holiday_columns[] = { "country", "date", "name" };
static const SheetKind holiday_sheet = { holiday_columns, G_N_ELEMENTS (holiday_columns), 2,
                                         read_holiday_row };

/* holidays.csv, when the catalog has one. */
static gboolean
read_holidays (Catalog *c, const char *dir, Problems *pr, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "holidays.csv", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  return read_sheet (c, dir, "holidays.csv", NULL, &holiday_sheet, pr, error);
}

static int
compare_holidays (gconstpointer a, gconstpointer b)
{
  const HolidayRow *x = *(HolidayRow *const *) a, *y = *(HolidayRow *const *) b;
  int c = strcmp (x->country, y->country);
  return c ? c : strcmp (x->date, y->date);
}

static void
check_holidays (Catalog *c, Problems *pr)
{
  g_autoptr(GPtrArray) sorted = borrowed_copy (c->holidays);
  g_ptr_array_sort (sorted, compare_holidays);
  for (guint i = 1; i < sorted->len; i++)
    {
      const HolidayRow *p = sorted->pdata[i - 1], *r = sorted->pdata[i];
      if (compare_holidays (&p, &r) == 0)
        problem (pr, "holidays.csv", r->line, "%s %s is already a holiday (line %" G_GUINT64_FORMAT ")",
                 r->country, r->date, p->line);
    }
}

static gboolean
read_deck (Catalog *c, const char *dir, const char *file, Problems *pr, GError **error)
{
  g_autofree char *label = g_build_filename ("decks", file, NULL);
  char *deck = g_strndup (file, strlen (file) - 4);
  g_hash_table_insert (c->decks, deck, g_strdup (label));
  return read_sheet (c, dir, label, deck, &deck_sheet, pr, error);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
read_decks (Catalog *c, const char *dir, Problems *pr, GError **error)
{
  g_autofree char *decks_dir = g_build_filename (dir, "decks", NULL);
  g_autoptr(GDir) d = g_dir_open (decks_dir, 0, NULL);
  if (!d)
    {
      problem (pr, "decks", 0, "no decks directory");
      return TRUE;
    }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (d));)
    if (g_str_has_suffix (name, ".csv"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    if (!read_deck (c, dir, names->pdata[i], pr, error))
      return FALSE;
  return TRUE;
}

/* ---- cross references ---- */

/* Invoice numbers are {invoice_prefix}-{YYYYMM}-{seq}: two operators with
 * one prefix would number into each other's series. */
static void
check_operators (Catalog *c, Problems *pr)
{
  g_autoptr(GHashTable) prefixes = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < c->operators->len; i++)
    {
      OperatorRow *r = c->operators->pdata[i];
      const OperatorRow *other = g_hash_table_lookup (prefixes, r->prefix);
      if (other)
        problem (pr, "operators.csv", r->line, "invoice_prefix '%s' is already used by operator '%s'",
                 r->prefix, other->slug);
      else if (*r->prefix)
        g_hash_table_insert (prefixes, r->prefix, r);
    }
}

static void
check_plans (Catalog *c, Problems *pr)
{
  for (guint i = 0; i < c->plans->len; i++)
    {
      const PlanRow *r = c->plans->pdata[i];
      if (!g_hash_table_contains (c->op_index, r->operator_slug))
        problem (pr, "plans.csv", r->line, "operator '%s' is not in operators.csv", r->operator_slug);
      if (!g_hash_table_contains (c->decks, r->deck))
        problem (pr, "plans.csv", r->line, "deck '%s' has no file decks/%s.csv", r->deck, r->deck);
    }
}

static void
check_accounts (Catalog *c, Problems *pr)
{
  g_autoptr(GHashTable) tenants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < c->accounts->len; i++)
    {
      AccountRow *r = c->accounts->pdata[i];
      const PlanRow *plan = g_hash_table_lookup (c->plan_index, r->plan);
      if (!g_hash_table_contains (c->op_index, r->operator_slug))
        problem (pr, "accounts.csv", r->line, "operator '%s' is not in operators.csv", r->operator_slug);
      if (!plan)
        problem (pr, "accounts.csv", r->line, "plan '%s' is not in plans.csv", r->plan);
      else if (!g_str_equal (plan->operator_slug, r->operator_slug))
        problem (pr, "accounts.csv", r->line, "plan '%s' belongs to operator '%s', not '%s'",
                 r->plan, plan->operator_slug, r->operator_slug);
      if (!*r->tenant)
        continue;
      char *key = g_strconcat (r->operator_slug, "\t", r->tenant, NULL);
      const AccountRow *other = g_hash_table_lookup (tenants, key);
      if (other)
        problem (pr, "accounts.csv", r->line, "tenant_id '%s' already belongs to account '%s' (line %"
                 G_GUINT64_FORMAT ")", r->tenant, other->slug, other->line);
      g_hash_table_replace (tenants, key, r);
    }
}

/* A new array of the same pointers that does not own them (g_ptr_array_copy
 * would carry the free function over). */
static GPtrArray *
borrowed_copy (GPtrArray *rows)
{
  GPtrArray *copy = g_ptr_array_sized_new (rows->len);
  g_ptr_array_extend (copy, rows, NULL, NULL);
  return copy;
}

static int
compare_numbers (gconstpointer a, gconstpointer b)
{
  const NumberRow *x = *(NumberRow *const *) a, *y = *(NumberRow *const *) b;
  int c = strcmp (x->number, y->number);
  if (c)
    return c;
  return (x->from_day > y->from_day) - (x->from_day < y->from_day);
}

static void
check_numbers (Catalog *c, Problems *pr)
{
  g_autoptr(GPtrArray) sorted = borrowed_copy (c->numbers);
  g_ptr_array_sort (sorted, compare_numbers);
  const NumberRow *prev = NULL;
  for (guint i = 0; i < sorted->len; i++)
    {
      const NumberRow *r = sorted->pdata[i];
      if (!g_hash_table_contains (c->account_index, r->account))
        problem (pr, "numbers.csv", r->line, "account '%s' is not in accounts.csv", r->account);
      if (prev && g_str_equal (prev->number, r->number) && r->from_day < prev->to_day)
        problem (pr, "numbers.csv", r->line, "+%s is already assigned to '%s' on %s (line %"
                 G_GUINT64_FORMAT ")", r->number, prev->account, r->from, prev->line);
      if (!prev || !g_str_equal (prev->number, r->number) || r->to_day > prev->to_day)
        prev = r;
    }
}

static int
compare_deck_rows (gconstpointer a, gconstpointer b)
{
  const DeckRow *x = *(DeckRow *const *) a, *y = *(DeckRow *const *) b;
  int c;
  if ((c = strcmp (x->deck, y->deck)) || (c = strcmp (x->prefix, y->prefix))
      || (c = strcmp (x->direction, y->direction)) || (c = strcmp (x->band, y->band)))
    return c;
  return (x->from_ms > y->from_ms) - (x->from_ms < y->from_ms);
}

static gboolean
same_deck_key (const DeckRow *x, const DeckRow *y)
{
  return x && x->deck == y->deck && g_str_equal (x->prefix, y->prefix)
         && g_str_equal (x->direction, y->direction) && g_str_equal (x->band, y->band);
}

static void
check_deck_overlaps (Catalog *c, Problems *pr)
{
  g_autoptr(GPtrArray) sorted = borrowed_copy (c->deck_rows);
  g_ptr_array_sort (sorted, compare_deck_rows);
  const DeckRow *prev = NULL;
  for (guint i = 0; i < sorted->len; i++)
    {
      const DeckRow *r = sorted->pdata[i];
      if (same_deck_key (prev, r) && r->from_ms < prev->to_ms)
        problem (pr, g_hash_table_lookup (c->decks, r->deck), r->line,
                 "prefix %s %s %s overlaps line %" G_GUINT64_FORMAT " in time",
                 r->prefix, r->direction, r->band, prev->line);
      if (!same_deck_key (prev, r) || r->to_ms > prev->to_ms)
        prev = r;
    }
}

/* ---- hashing ---- */

static gboolean
hash_file (const char *path, char **hex, GError **error)
{
  guint64 size;
  *hex = digest_file_sha256 (path, &size, error);
  return *hex != NULL;
}

/* "sha256  label\n" for every catalog file, in a fixed order. */
static gboolean
manifest (const char *dir, GString *out, GError **error)
{
  static const char *const sheets[] = { "operators.csv", "plans.csv", "accounts.csv", "numbers.csv" };
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (sheets); i++)
    g_ptr_array_add (labels, g_strdup (sheets[i]));
  g_autofree char *holidays = g_build_filename (dir, "holidays.csv", NULL);
  if (g_file_test (holidays, G_FILE_TEST_EXISTS))   /* optional: absent, the digest is as before */
    g_ptr_array_add (labels, g_strdup ("holidays.csv"));
  g_autofree char *decks_dir = g_build_filename (dir, "decks", NULL);
  g_autoptr(GDir) d = g_dir_open (decks_dir, 0, NULL);
  g_autoptr(GPtrArray) decks = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; d && (name = g_dir_read_name (d));)
    if (g_str_has_suffix (name, ".csv"))
      g_ptr_array_add (decks, g_build_filename ("decks", name, NULL));
  g_ptr_array_sort (decks, compare_strings);
  for (guint i = 0; i < decks->len; i++)
    g_ptr_array_add (labels, g_strdup (decks->pdata[i]));

  for (guint i = 0; i < labels->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, labels->pdata[i], NULL);
      g_autofree char *hex = NULL;
      if (!hash_file (path, &hex, error))
        return FALSE;
      g_string_append_printf (out, "%s  %s\n", hex, (char *) labels->pdata[i]);
    }
  return TRUE;
}

char *
catalog_digest (const char *dir, GError **error)
{
  g_autoptr(GString) m = g_string_new (NULL);
  if (!manifest (dir, m, error))
    return NULL;
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, m->str, (gssize) m->len);
}

char *
catalog_last_digest (StoreDb *db, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT digest FROM catalog_imports ORDER BY id DESC LIMIT 1", error);
  if (!st)
    return NULL;
  int rc = store_next (st);
  if (rc == STORE_ROW)
    return g_strdup (store_column_text_or_null (st, 0));
  if (rc != STORE_DONE)
    store_set_error (error, db, "reading catalog imports");
  return NULL;
}

/* ---- writing ---- */

/* Bind one parsed row to an INSERT's parameters. */
typedef gboolean (*RowBinder) (StoreStmt *st, gconstpointer row, GError **error);

/* Insert every row of ROWS with SQL, bound by BIND. */
static gboolean
write_rows (StoreDb *db, const char *sql, const GPtrArray *rows, RowBinder bind, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  for (guint i = 0; st && i < rows->len; i++)
    if (!bind (st, rows->pdata[i], error) || !store_step_done (st, error))
      return FALSE;
  return st != NULL;
}

static gboolean
bind_operator (StoreStmt *st, gconstpointer row, GError **error)
{
  const OperatorRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->slug), STORE_TEXT (r->name),
                     STORE_TEXT (r->currency), STORE_TEXT (r->prefix));
}

static gboolean
bind_operator_finance (StoreStmt *st, gconstpointer row, GError **error)
{
  const OperatorRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->slug), STORE_TEXT (r->legal_name),
                     STORE_TEXT (r->address), STORE_TEXT (r->vat_id),
                     r->terms_days >= 0 ? STORE_INT (r->terms_days) : STORE_NULL,
                     STORE_TEXT (r->iban), STORE_TEXT (r->bic), STORE_TEXT (r->email));
}

static gboolean
bind_account_finance (StoreStmt *st, gconstpointer row, GError **error)
{
  const AccountRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->slug), STORE_TEXT (r->legal_name),
                     STORE_TEXT (r->address), STORE_TEXT (r->vat_id),
                     STORE_INT (r->reverse_charge), STORE_TEXT (r->itemised));
}

static gboolean
bind_plan (StoreStmt *st, gconstpointer row, GError **error)
{
  const PlanRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->slug), STORE_TEXT (r->operator_slug),
                     STORE_TEXT (r->deck), STORE_INT (r->fee[0]), STORE_INT (r->fee[1]),
                     STORE_INT (r->fee[2]), STORE_INT (r->bundle_minutes), STORE_TEXT (r->groups),
                     STORE_INT (r->call_decimals), STORE_TEXT (r->rounding), STORE_INT (r->peak_days),
                     STORE_INT (r->peak_from), STORE_INT (r->peak_to));
}

static gboolean
bind_account (StoreStmt *st, gconstpointer row, GError **error)
{
  const AccountRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->slug), STORE_TEXT (r->operator_slug),
                     STORE_TEXT_OR_NULL (r->tenant), STORE_TEXT (r->name), STORE_TEXT (r->plan),
                     STORE_TEXT (r->country), STORE_TEXT (r->zone), STORE_INT (r->tax_rate));
}

static gboolean
bind_number (StoreStmt *st, gconstpointer row, GError **error)
{
  const NumberRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->number), STORE_TEXT (r->account),
                     STORE_TEXT (r->type), STORE_TEXT_OR_NULL (r->user), STORE_TEXT (r->from),
                     STORE_TEXT_OR_NULL (r->to));
}

static gboolean
bind_deck_row (StoreStmt *st, gconstpointer row, GError **error)
{
  const DeckRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->deck), STORE_INT ((gint64) r->line),
                     STORE_TEXT (r->prefix), STORE_TEXT (r->destination), STORE_TEXT (r->group),
                     STORE_TEXT (r->direction), STORE_TEXT (r->band), STORE_INT (r->rate),
                     STORE_INT (r->connect_fee), STORE_INT (r->inc_first), STORE_INT (r->inc_next),
                     STORE_INT (r->from_ms),
                     r->to_ms != G_MAXINT64 ? STORE_INT (r->to_ms) : STORE_NULL,
                     STORE_INT (r->min_charge), STORE_INT (r->max_charge));
}

static gboolean
bind_tier (StoreStmt *st, gconstpointer row, GError **error)
{
  const TierRow *t = row;
  return store_bind (st, error, STORE_TEXT (t->row->deck), STORE_INT ((gint64) t->row->line),
                     STORE_INT (t->start), STORE_INT (t->rate), STORE_INT (t->inc_first),
                     STORE_INT (t->inc_next));
}

static gboolean
bind_holiday (StoreStmt *st, gconstpointer row, GError **error)
{
  const HolidayRow *r = row;
  return store_bind (st, error, STORE_TEXT (r->country), STORE_TEXT (r->date), STORE_TEXT (r->name));
}

/* Every deck row's tiers, as TierRows pointing at their row. */
static GPtrArray *
tier_rows (const Catalog *c)
{
  GPtrArray *tiers = g_ptr_array_new ();
  for (guint i = 0; i < c->deck_rows->len; i++)
    {
      DeckRow *r = c->deck_rows->pdata[i];
      for (guint k = 0; r->tiers && k < r->tiers->len; k++)
        {
          TierRow *t = &g_array_index (r->tiers, TierRow, k);
          t->row = r;
          g_ptr_array_add (tiers, t);
        }
    }
  return tiers;
}

/* Every parsed row, in the order foreign keys need. */
static gboolean
write_rows_all (StoreDb *db, const Catalog *c, GError **error)
{
  g_autoptr(GPtrArray) tiers = tier_rows (c);
  return write_rows (db, "INSERT INTO operators (operator, name, currency, invoice_prefix)"
                         " VALUES (?, ?, ?, ?)", c->operators, bind_operator, error)
         && write_rows (db, "INSERT INTO plans (plan, operator, deck, fee_user, fee_service,"
                            " fee_tollfree, bundle_minutes, bundle_groups, call_decimals,"
                            " call_rounding, peak_days, peak_from, peak_to)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", c->plans, bind_plan, error)
         && write_rows (db, "INSERT INTO accounts (account, operator, tenant_id, name, plan, country,"
                            " timezone, tax_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        c->accounts, bind_account, error)
         && store_exec (db, "DELETE FROM operator_finance; DELETE FROM account_finance;", error)
         && write_rows (db, "INSERT INTO operator_finance (operator, legal_name, address, vat_id,"
                            " payment_terms_days, iban, bic, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        c->operators, bind_operator_finance, error)
         && write_rows (db, "INSERT INTO account_finance (account, legal_name, address, vat_id,"
                            " reverse_charge, itemised) VALUES (?, ?, ?, ?, ?, ?)",
                        c->accounts, bind_account_finance, error)
         && write_rows (db, "INSERT INTO numbers (number, account, type, \"user\", from_date, to_date)"
                            " VALUES (?, ?, ?, ?, ?, ?)", c->numbers, bind_number, error)
         && write_rows (db, "INSERT INTO deck_rows (deck, line, prefix, destination, grp, direction,"
                            " band, rate, connect_fee, inc_first, inc_next, effective_from,"
                            " effective_to, min_charge, max_charge)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        c->deck_rows, bind_deck_row, error)
         && write_rows (db, "INSERT INTO deck_tiers (deck, line, start, rate, inc_first, inc_next)"
                            " VALUES (?, ?, ?, ?, ?, ?)", tiers, bind_tier, error)
         && write_rows (db, "INSERT INTO holidays (country, date, name) VALUES (?, ?, ?)",
                        c->holidays, bind_holiday, error);
}

static gboolean
write_audit (StoreDb *db, const char *dir, const char *digest, const char *files, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO catalog_imports (imported_at, dir, digest, files)"
    " VALUES (rater_now (), ?, ?, ?)", error);
  return st && store_bind (st, error, STORE_TEXT (dir), STORE_TEXT (digest), STORE_TEXT (files))
         && store_step_done (st, error);
}

static gboolean
write_catalog (StoreDb *db, const Catalog *c, const char *dir, const char *digest, GError **error)
{
  if (!store_begin (db, error))
    return FALSE;
  if (store_exec (db, "DELETE FROM numbers; DELETE FROM accounts; DELETE FROM plans;"
                      "DELETE FROM deck_rows; DELETE FROM operators;"
                      "DELETE FROM deck_tiers; DELETE FROM holidays;", error)
      && write_rows_all (db, c, error) && write_audit (db, dir, digest, c->files->str, error)
      && store_commit (db, error))
    return TRUE;
  store_rollback (db);
  return FALSE;
}

static gboolean
read_catalog (Catalog *c, const char *dir, Problems *pr, GError **error)
{
  if (!read_sheet (c, dir, "operators.csv", NULL, &operator_sheet, pr, error)
      || !read_sheet (c, dir, "plans.csv", NULL, &plan_sheet, pr, error)
      || !read_sheet (c, dir, "accounts.csv", NULL, &account_sheet, pr, error)
      || !read_sheet (c, dir, "numbers.csv", NULL, &number_sheet, pr, error)
      || !read_decks (c, dir, pr, error) || !read_holidays (c, dir, pr, error))
    return FALSE;
  check_operators (c, pr);
  check_plans (c, pr);
  check_accounts (c, pr);
  check_numbers (c, pr);
  check_deck_overlaps (c, pr);
  check_holidays (c, pr);
  return TRUE;
}

gboolean
catalog_import (StoreDb *db, const char *dir, CatalogImportStats *stats, GError **error)
{
  g_autoptr(Catalog) c = catalog_data_new ();
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  Problems pr = { lines, 0 };

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "catalog '%s' is not a directory", dir);
      return FALSE;
    }
  if (!manifest (dir, c->files, error) || !read_catalog (c, dir, &pr, error)
      || !problems_to_error (&pr, dir, error))
    return FALSE;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, c->files->str, -1);
  if (!write_catalog (db, c, dir, digest, error))
    return FALSE;
  *stats = (CatalogImportStats) {
    c->operators->len, c->plans->len, c->accounts->len, c->numbers->len,
    g_hash_table_size (c->decks), c->deck_rows->len, { 0 }
  };
  g_strlcpy (stats->digest, digest, sizeof stats->digest);
  return TRUE;
}
