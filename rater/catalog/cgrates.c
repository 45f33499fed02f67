/* cgrates.c — a CGRateS tariff plan converted into a rater catalog.
 *
 * Data model: each CGRateS file is read whole into CgFile (its data rows,
 * fields by position, with their lines); the ids of Destinations, Rates,
 * DestinationRates, Timings and RatingPlans index their rows (id -> GPtrArray
 * of CgRow, in file order).  Each RatingPlan is converted on its own into a
 * CgPlan (plan columns, deck rows as CSV lines, holidays), then the profiles
 * into accounts; only then is DIR written.  A problem names the CGRateS
 * file and line that cannot be expressed; the plan or profile it belongs to
 * is left out of DIR (never half converted).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "catalog/cgrates.h"
#include "base/csvfile.h"
#include "base/decimal.h"
#include "base/rater-error.h"

#define NS_PER_S G_GINT64_CONSTANT (1000000000)

typedef struct {
  guint64 line;
  char **f;                 /* fields, trimmed */
  guint n;
} CgRow;

typedef struct {
  const char *name;         /* "Rates.csv" */
  GPtrArray *rows;          /* CgRow */
  GHashTable *by_id;        /* field 0 -> GPtrArray of CgRow (borrowed) */
} CgFile;

typedef struct {
  const CgratesOptions *opt;
  CgFile dest, rates, drates, timings, plans, profiles;
  GPtrArray *problems, *notes;
  guint plan_problems;      /* problems of the plan being converted */
} Cg;

static void
cg_row_free (gpointer p)
{
  CgRow *r = p;
  g_strfreev (r->f);
  g_free (r);
}

static void
cg_file_clear (CgFile *f)
{
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  g_clear_pointer (&f->by_id, g_hash_table_unref);
}

static void cg_problem (Cg *cg, const char *file, guint64 line, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

static void
cg_problem (Cg *cg, const char *file, guint64 line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_ptr_array_add (cg->problems, line ? g_strdup_printf ("%s:%" G_GUINT64_FORMAT ": %s", file, line, msg)
                                      : g_strdup_printf ("%s: %s", file, msg));
  cg->plan_problems++;
}

/* Field I of R ("" when the row is shorter). */
static const char *
field (const CgRow *r, guint i)
{
  return i < r->n ? r->f[i] : "";
}

/* Read SRC/NAME: every record but empty ones and '#' comments (the header). */
static gboolean
cg_read (Cg *cg, const char *src, const char *name, CgFile *f, GError **error)
{
  g_autofree char *path = g_build_filename (src, name, NULL);
  f->name = name;
  f->rows = g_ptr_array_new_with_free_func (cg_row_free);
  f->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(CsvFile) csv = csvfile_open (path, ',', TRUE, error);
  if (!csv)
    return FALSE;
  CsvRecord rec;
  for (;;)
    {
      CsvFileStatus st = csvfile_next (csv, &rec, error);
      if (st == CSVFILE_ERROR)
        return FALSE;
      if (st == CSVFILE_EOF)
        return TRUE;
      if (st == CSVFILE_BAD)
        {
          cg_problem (cg, name, rec.line, "%s", rec.problem);
          continue;
        }
      if (rec.n == 0 || (rec.n == 1 && rec.len[0] == 0) || rec.field[0][0] == '#')
        continue;
      CgRow *r = g_new0 (CgRow, 1);
      r->line = rec.line;
      r->n = rec.n;
      r->f = g_new0 (char *, rec.n + 1);
      for (guint i = 0; i < rec.n; i++)
        r->f[i] = g_strstrip (g_strndup (rec.field[i], rec.len[i]));
      g_ptr_array_add (f->rows, r);
      GPtrArray *same = g_hash_table_lookup (f->by_id, r->f[0]);
      if (!same)
        g_hash_table_insert (f->by_id, r->f[0], same = g_ptr_array_new ());
      g_ptr_array_add (same, r);
    }
}

/* ---- values ---- */

/* A Go duration ("60s", "1m30s", "0", "500ms") as whole seconds into *SEC. */
static gboolean
duration_seconds (const char *text, gint64 *sec)
{
  static const struct { const char *unit; gint64 ns; } units[] = {   /* two letters first */
    { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "h", 3600 * NS_PER_S }, { "m", 60 * NS_PER_S },
    { "s", NS_PER_S },
  };
  gint64 ns = 0;
  const char *p = text;
  if (g_str_equal (text, "0"))
    return *sec = 0, TRUE;
  while (*p)
    {
      char *end;
      guint64 v = g_ascii_strtoull (p, &end, 10);
      if (end == p || v > 1000000)
        return FALSE;
      gsize best = 0;
      gint64 mult = 0;
      for (gsize u = 0; u < G_N_ELEMENTS (units) && best == 0; u++)
        if (g_str_has_prefix (end, units[u].unit))
          best = strlen (units[u].unit), mult = units[u].ns;
      if (best == 0)
        return FALSE;   /* a number without a unit: nanoseconds or seconds, by CGRateS version */
      ns += (gint64) v * mult;
      p = end + best;
    }
  if (ns % NS_PER_S != 0)
    return FALSE;
  *sec = ns / NS_PER_S;
  return TRUE;
}

/* A decimal of at most 6 places, >= 0, in micro-units. */
static gboolean
amount (Cg *cg, const char *file, guint64 line, const char *what, const char *text, gint64 *out)
{
  DecimalStatus st = decimal_parse (text, strlen (text), 6, out);
  if (st != DECIMAL_OK)
    cg_problem (cg, file, line, "%s '%s': %s", what, text, decimal_status_to_string (st, 6));
  else if (*out < 0)
    cg_problem (cg, file, line, "%s '%s' is negative: rater charges are never below zero", what, text);
  return st == DECIMAL_OK && *out >= 0;
}

static char *
money_text (gint64 micro)
{
  char buf[48];
  return g_strdup (decimal_format (micro, 6, buf));
}

/* TEXT made a slug (letters, digits, - _ .). */
static char *
slug_of (const char *text)
{
  char *s = g_strdup (*text ? text : "none");
  for (char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      *p = '-';
  return s;
}

/* TEXT made a group token (upper case, digits, _ -). */
static char *
group_of (const char *text)
{
  char *s = g_ascii_strup (*text ? text : "NONE", -1);
  for (char *p = s; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '_' && *p != '-')
      *p = '_';
  return s;
}

static void
csv_field (GString *out, const char *value, gboolean last)
{
  if (strpbrk (value, ",\"\r\n"))
    {
      g_string_append_c (out, '"');
      for (const char *p = value; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, value);
  g_string_append_c (out, last ? '\n' : ',');
}

/* Append the NULL-terminated VALUES as one CSV line. */
static void
csv_line (GString *out, const char *const *values)
{
  for (guint i = 0; values[i]; i++)
    csv_field (out, values[i], values[i + 1] == NULL);
}

/* ---- rates: slots -> rate, increment, tiers ---- */

typedef struct {
  gint64 fee, rate, inc, start;   /* micro-units; micro-units a minute; seconds; seconds */
  guint64 line;
} Slot;

static int
slot_cmp (gconstpointer a, gconstpointer b)
{
  const Slot *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

/* One Rates.csv row into *S. */
static gboolean
read_slot (Cg *cg, const CgRow *r, Slot *s)
{
  const char *file = cg->rates.name;
  gint64 rate, unit, start;
  s->line = r->line;
  if (!amount (cg, file, r->line, "ConnectFee", field (r, 1), &s->fee)
      || !amount (cg, file, r->line, "Rate", field (r, 2), &rate))
    return FALSE;
  if (!duration_seconds (field (r, 3), &unit) || unit < 1)
    return cg_problem (cg, file, r->line, "RateUnit '%s' is not a whole number of seconds with a unit"
                       " (60s, 1m)", field (r, 3)), FALSE;
  if (!duration_seconds (field (r, 4), &s->inc) || s->inc < 1 || s->inc > 3600)
    return cg_problem (cg, file, r->line, "RateIncrement '%s' is not 1s to 1h in whole seconds",
                       field (r, 4)), FALSE;
  if (!duration_seconds (field (r, 5), &start) || start > 7 * 86400)
    return cg_problem (cg, file, r->line, "GroupIntervalStart '%s' is not whole seconds up to 7 days",
                       field (r, 5)), FALSE;
  if ((rate * 60) % unit != 0)
    return cg_problem (cg, file, r->line, "Rate %s per %s is not a whole number of micro-units a minute",
                       field (r, 2), field (r, 3)), FALSE;
  s->rate = rate * 60 / unit;
  s->start = start;
  return TRUE;
}

/* The deck columns rate, connect_fee, increment and tiers of rate ID. */
static gboolean
convert_rate (Cg *cg, const char *id, guint64 dr_line, char **rate, char **fee, char **inc,
              char **tiers)
{
  GPtrArray *rows = g_hash_table_lookup (cg->rates.by_id, id);
  if (!rows)
    return cg_problem (cg, cg->drates.name, dr_line, "RatesTag '%s' is not in Rates.csv", id), FALSE;
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  gboolean ok = TRUE;
  for (guint i = 0; i < rows->len; i++)
    {
      Slot s;
      if (read_slot (cg, rows->pdata[i], &s))
        g_array_append_val (slots, s);
      else
        ok = FALSE;
    }
  if (!ok)
    return FALSE;
  g_array_sort (slots, slot_cmp);
  const Slot *s = (const Slot *) (void *) slots->data;
  if (s[0].start != 0)
    return cg_problem (cg, cg->rates.name, s[0].line, "rate '%s' has no slot from GroupIntervalStart 0s",
                       id), FALSE;
  g_autoptr(GString) t = g_string_new (NULL);
  for (guint i = 1; i < slots->len; i++)
    {
      gint64 len = s[i].start - s[i - 1].start;
      if (len == 0)
        ok = FALSE, cg_problem (cg, cg->rates.name, s[i].line, "rate '%s' has two slots from %"
                                G_GINT64_FORMAT "s", id, s[i].start);
      else if (len % s[i - 1].inc != 0)
        ok = FALSE, cg_problem (cg, cg->rates.name, s[i].line, "rate '%s': the slot from %" G_GINT64_FORMAT
                                "s ends mid-increment of the one before (%" G_GINT64_FORMAT "s, not a multiple"
                                " of its %" G_GINT64_FORMAT "s increment)", id, s[i].start, len, s[i - 1].inc);
      if (s[i].fee != 0)
        ok = FALSE, cg_problem (cg, cg->rates.name, s[i].line, "rate '%s': a ConnectFee on a slot after the"
                                " first (rater charges one connect fee a call)", id);
      g_autofree char *r = money_text (s[i].rate);
      g_string_append_printf (t, "%s%" G_GINT64_FORMAT ":%s:%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                              i > 1 ? "|" : "", s[i].start, r, s[i].inc, s[i].inc);
    }
  if (!ok)
    return FALSE;
  *rate = money_text (s[0].rate);
  *fee = money_text (s[0].fee);
  *inc = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, s[0].inc, s[0].inc);
  *tiers = g_string_free (g_steal_pointer (&t), FALSE);
  return TRUE;
}

/* ---- timings: bands, peak hours, holidays ---- */

typedef enum { BAND_ALL, BAND_PEAK, BAND_OFFPEAK, BAND_WEEKEND, BAND_HOLIDAY } CgBand;
static const char *const band_names[] = { "all", "peak", "offpeak", "weekend", "weekend" };

/* A RatingPlans row with its timing understood. */
typedef struct {
  const CgRow *row;
  const CgRow *timing;      /* NULL for *any */
  int days;                 /* weekday bits (bit 0 Monday); 0 for *any and holidays */
  gint64 time;              /* start, seconds of the day */
  CgBand band;
} PlanEntry;

static gboolean
is_any (const char *s)
{
  return g_str_equal (s, "*any") || !*s;
}

/* "1;2;3;4;5" (ISO weekdays; CGRateS also writes Sunday as 0) into bits. */
static gboolean
weekdays_of (const char *text, int *days)
{
  g_auto(GStrv) items = g_strsplit (text, ";", -1);
  *days = 0;
  for (guint i = 0; items[i]; i++)
    {
      guint64 d;
      if (!g_ascii_string_to_unsigned (items[i], 10, 0, 7, &d, NULL))
        return FALSE;
      *days |= 1 << ((d + 6) % 7);
    }
  return *days != 0;
}

/* "HH:MM:SS" into seconds of the day. */
static gboolean
clock_of (const char *text, gint64 *sec)
{
  unsigned h, m, s;
  char extra;
  if (sscanf (text, "%2u:%2u:%2u%c", &h, &m, &s, &extra) != 3 || h > 23 || m > 59 || s > 59)
    return FALSE;
  *sec = h * 3600 + m * 60 + s;
  return TRUE;
}

/* Classify the timing of plan row E. */
static gboolean
read_timing (Cg *cg, PlanEntry *e)
{
  const char *tag = field (e->row, 2);
  if (is_any (tag))
    return e->band = BAND_ALL, TRUE;
  GPtrArray *t = g_hash_table_lookup (cg->timings.by_id, tag);
  if (!t)
    return cg_problem (cg, cg->plans.name, e->row->line, "TimingTag '%s' is not in Timings.csv", tag), FALSE;
  const CgRow *r = e->timing = t->pdata[0];
  const char *years = field (r, 1), *months = field (r, 2), *mdays = field (r, 3), *wdays = field (r, 4);
  if (!clock_of (field (r, 5), &e->time))
    return cg_problem (cg, cg->timings.name, r->line, "Time '%s' is not HH:MM:SS", field (r, 5)), FALSE;
  if (is_any (years) && is_any (months) && is_any (mdays) && !is_any (wdays))
    {
      if (!weekdays_of (wdays, &e->days))
        return cg_problem (cg, cg->timings.name, r->line, "WeekDays '%s' is not a ;-list of 0-7", wdays), FALSE;
      return TRUE;   /* peak, offpeak or weekend: decided with the plan's other timings */
    }
  if (!is_any (years) && !is_any (months) && !is_any (mdays) && is_any (wdays) && e->time == 0)
    return e->band = BAND_HOLIDAY, TRUE;
  return cg_problem (cg, cg->timings.name, r->line, "timing '%s' is neither whole weekdays from a time"
                     " of day nor whole dates (Years, Months and MonthDays): rater's bands cannot"
                     " express it", tag), FALSE;
}

/* The holidays of timing R, "YYYY-MM-DD" each, into DATES. */
static gboolean
holiday_dates (Cg *cg, const CgRow *r, GPtrArray *dates)
{
  g_auto(GStrv) ys = g_strsplit (field (r, 1), ";", -1);
  g_auto(GStrv) ms = g_strsplit (field (r, 2), ";", -1);
  g_auto(GStrv) ds = g_strsplit (field (r, 3), ";", -1);
  for (guint a = 0; ys[a]; a++)
    for (guint b = 0; ms[b]; b++)
      for (guint c = 0; ds[c]; c++)
        {
          guint64 y, m, d;
          if (!g_ascii_string_to_unsigned (ys[a], 10, 1970, 2199, &y, NULL)
              || !g_ascii_string_to_unsigned (ms[b], 10, 1, 12, &m, NULL)
              || !g_ascii_string_to_unsigned (ds[c], 10, 1, 31, &d, NULL)
              || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
            return cg_problem (cg, cg->timings.name, r->line, "%s-%s-%s is not a date", ys[a], ms[b],
                               ds[c]), FALSE;
          g_ptr_array_add (dates, g_strdup_printf ("%04u-%02u-%02u %s", (guint) y, (guint) m, (guint) d,
                                                   field (r, 0)));
        }
  return TRUE;
}

/* Peak days and hours of a plan: of its weekday timings, one set of days
 * starting at 00:00 (offpeak), then at FROM (peak), then optionally at TO
 * (offpeak again, same DestinationRates); the other days one timing at
 * 00:00 (weekend).  Sets E->band; FALSE when they are not that shape. */
typedef struct {
  int days;
  gint64 from, to;          /* peak hours; to 86400 when peak lasts to midnight */
} Peak;

static gboolean
plan_bands (Cg *cg, const char *plan, PlanEntry *e, guint n, Peak *peak)
{
  int sets[8] = { 0 };
  guint n_sets = 0;
  for (guint i = 0; i < n; i++)
    {
      gboolean seen = FALSE;
      for (guint k = 0; k < n_sets; k++)
        seen |= sets[k] == e[i].days;
      if (e[i].days && !seen)
        sets[n_sets < 8 ? n_sets++ : 7] = e[i].days;
    }
  *peak = (Peak) { 31, 8 * 3600, 18 * 3600 };
  if (n_sets == 0)
    return TRUE;
  /* the peak days are the set with more than one start time */
  int peak_days = 0, other = 0;
  for (guint k = 0; k < n_sets; k++)
    {
      guint starts = 0;
      for (guint i = 0; i < n; i++)
        starts += e[i].days == sets[k];
      if (starts > 1 && !peak_days)
        peak_days = sets[k];
      else
        other |= sets[k];
    }
  /* whole days only: one set for every day is band all; two sets, one
   * timing at 00:00 each, are peak all day and weekend */
  gboolean whole_days = TRUE;
  for (guint i = 0; i < n; i++)
    whole_days &= !e[i].days || e[i].time == 0;
  if (!peak_days && whole_days && n_sets == 1 && sets[0] == 127)
    {
      for (guint i = 0; i < n; i++)
        e[i].band = BAND_ALL;
      return TRUE;
    }
  if (!peak_days && whole_days && n_sets == 2 && (sets[0] | sets[1]) == 127 && !(sets[0] & sets[1]))
    {
      int days = __builtin_popcount (sets[0]) >= __builtin_popcount (sets[1]) ? sets[0] : sets[1];
      *peak = (Peak) { days, 0, 86400 };
      for (guint i = 0; i < n; i++)
        if (e[i].days)
          e[i].band = e[i].days == days ? BAND_PEAK : BAND_WEEKEND;
      return TRUE;
    }
  gint64 times[3];
  const char *drs[3];
  guint n_times = 0;
  gboolean ok = peak_days != 0 && (other & peak_days) == 0 && (other | peak_days) == 127;
  for (guint i = 0; ok && i < n; i++)
    if (e[i].days == peak_days)
      {
        if (n_times == 3)
          ok = FALSE;
        else
          times[n_times] = e[i].time, drs[n_times++] = field (e[i].row, 1);
      }
  /* sort the (at most three) start times */
  for (guint a = 0; ok && a < n_times; a++)
    for (guint b = a + 1; b < n_times; b++)
      if (times[b] < times[a])
        {
          gint64 t = times[a]; times[a] = times[b]; times[b] = t;
          const char *d = drs[a]; drs[a] = drs[b]; drs[b] = d;
        }
  ok = ok && times[0] == 0 && (n_times == 2 || (n_times == 3 && g_str_equal (drs[0], drs[2])));
  for (guint i = 0; ok && i < n; i++)
    if (e[i].days && e[i].days != peak_days && e[i].time != 0)
      ok = FALSE;
  if (!ok)
    return cg_problem (cg, cg->plans.name, e[0].row->line, "the timings of rating plan '%s' are not"
                       " weekday offpeak/peak/offpeak hours and whole other days: rater's bands"
                       " (peak_days, peak_from, peak_to, weekend) cannot express them", plan), FALSE;
  *peak = (Peak) { peak_days, times[1], n_times == 3 ? times[2] : 86400 };
  for (guint i = 0; i < n; i++)
    if (e[i].days)
      e[i].band = e[i].days != peak_days ? BAND_WEEKEND : e[i].time == peak->from ? BAND_PEAK : BAND_OFFPEAK;
  return TRUE;
}

/* ---- one rating plan ---- */

typedef struct {
  char *id, *slug;
  char *rounding, *decimals, *peak_days, *peak_from, *peak_to;
  GString *deck;            /* decks/<slug>.csv */
  GPtrArray *holidays;      /* "YYYY-MM-DD TAG" */
  gboolean banded;          /* it has rows of a band other than all */
  char *from;               /* effective_from of its rows */
} CgPlan;

static void
cg_plan_free (gpointer p)
{
  CgPlan *c = p;
  g_free (c->id), g_free (c->slug), g_free (c->rounding), g_free (c->decimals);
  g_free (c->peak_days), g_free (c->peak_from), g_free (c->peak_to), g_free (c->from);
  if (c->deck)
    g_string_free (c->deck, TRUE);
  if (c->holidays)
    g_ptr_array_unref (c->holidays);
  g_free (c);
}

static const char deck_header[] = "prefix,destination,group,direction,band,rate,connect_fee,increment,"
                                  "effective_from,effective_to,tiers,min_charge,max_charge\n";

/* RoundingMethod -> call_rounding. */
static const char *
rounding_of (const char *method)
{
  return g_str_equal (method, "*up") ? "up" : g_str_equal (method, "*middle") ? "half_up"
         : g_str_equal (method, "*down") ? "down" : NULL;
}

/* One DestinationRates row R in band BAND into P's deck. */
static void
convert_dr_row (Cg *cg, CgPlan *p, const CgRow *r, CgBand band, GHashTable *keys)
{
  const char *file = cg->drates.name, *method = rounding_of (field (r, 3));
  g_autofree char *rate = NULL, *fee = NULL, *inc = NULL, *tiers = NULL, *max = NULL;
  gint64 max_cost = 0;
  if (!method)
    return cg_problem (cg, file, r->line, "RoundingMethod '%s' is not *up, *middle or *down", field (r, 3));
  guint64 decimals;
  if (!g_ascii_string_to_unsigned (field (r, 4), 10, 0, 6, &decimals, NULL))
    return cg_problem (cg, file, r->line, "RoundingDecimals '%s' is not 0 to 6 (rater keeps 6 decimals)",
                       field (r, 4));
  g_autofree char *dec = g_strdup_printf ("%u", (guint) decimals);
  if (!p->rounding)
    p->rounding = g_strdup (method), p->decimals = g_strdup (dec);
  else if (!g_str_equal (p->rounding, method) || !g_str_equal (p->decimals, dec))
    return cg_problem (cg, file, r->line, "rounding %s to %s decimals differs from the rest of rating plan"
                       " '%s' (%s to %s): rater rounds per plan", field (r, 3), dec, p->id, p->rounding,
                       p->decimals);
  if (*field (r, 5) && !amount (cg, file, r->line, "MaxCost", field (r, 5), &max_cost))
    return;
  if (max_cost > 0 && !g_str_equal (field (r, 6), "*free"))
    return cg_problem (cg, file, r->line, "MaxCostStrategy '%s': rater caps a call's charge (*free) but"
                       " never disconnects a call it rates afterwards", field (r, 6));
  max = max_cost > 0 ? money_text (max_cost) : g_strdup ("");
  GPtrArray *dests = g_hash_table_lookup (cg->dest.by_id, field (r, 1));
  if (!dests)
    return cg_problem (cg, file, r->line, "DestinationId '%s' is not in Destinations.csv%s", field (r, 1),
                       g_str_equal (field (r, 1), "*any") ? " (rater has no catch-all prefix)" : "");
  if (!convert_rate (cg, field (r, 2), r->line, &rate, &fee, &inc, &tiers))
    return;
  g_autofree char *group = group_of (field (r, 1));
  for (guint i = 0; i < dests->len; i++)
    {
      const CgRow *d = dests->pdata[i];
      const char *prefix = field (d, 1) + (field (d, 1)[0] == '+');
      gboolean digits = *prefix && strlen (prefix) <= 15;
      for (const char *c = prefix; *c; c++)
        digits &= g_ascii_isdigit (*c);
      if (!digits)
        {
          cg_problem (cg, cg->dest.name, d->line, "prefix '%s' is not 1 to 15 digits", field (d, 1));
          continue;
        }
      g_autofree char *key = g_strdup_printf ("%s %s", prefix, band_names[band]);
      if (!g_hash_table_add (keys, g_strdup (key)))
        {
          cg_problem (cg, file, r->line, "prefix %s is priced twice in band %s of rating plan '%s'"
                      " (rater takes one row a prefix and band)", prefix, band_names[band], p->id);
          continue;
        }
      p->banded |= band != BAND_ALL;
      csv_line (p->deck, (const char *const[]) { prefix, field (r, 1), group, "out", band_names[band], rate,
                                                 fee, inc, p->from, "", tiers, "", max, NULL });
    }
}

/* The earliest ActivationTime of the profiles that use PLAN, or 2000-01-01. */
static char *
plan_from (Cg *cg, const char *plan)
{
  const char *best = NULL;
  for (guint i = 0; i < cg->profiles.rows->len; i++)
    {
      const CgRow *r = cg->profiles.rows->pdata[i];
      guint o = field (r, 0)[0] == '*';   /* the old layout starts with Direction */
      if (g_str_equal (field (r, o + 4), plan) && (!best || strcmp (field (r, o + 3), best) < 0))
        best = field (r, o + 3);
    }
  return g_strdup (best && *best ? best : "2000-01-01");
}

/* Rating plan ID (its rows ROWS) into a CgPlan, or NULL (problems listed). */
static CgPlan *
convert_plan (Cg *cg, const char *id, GPtrArray *rows)
{
  CgPlan *p = g_new0 (CgPlan, 1);
  g_autofree PlanEntry *e = g_new0 (PlanEntry, rows->len);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) converted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Peak peak;
  gboolean ok = TRUE;
  p->id = g_strdup (id);
  p->slug = slug_of (id);
  p->deck = g_string_new (deck_header);
  p->holidays = g_ptr_array_new_with_free_func (g_free);
  p->from = plan_from (cg, id);
  cg->plan_problems = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      e[i].row = rows->pdata[i];
      ok &= read_timing (cg, &e[i]);
    }
  if (ok && plan_bands (cg, id, e, rows->len, &peak))
    {
      const char *weekend_dr = NULL;
      for (guint i = 0; i < rows->len; i++)
        if (e[i].band == BAND_WEEKEND)
          weekend_dr = field (e[i].row, 1);
      for (guint i = 0; i < rows->len; i++)
        {
          if (e[i].band == BAND_HOLIDAY)
            {
              if (!weekend_dr || !g_str_equal (weekend_dr, field (e[i].row, 1)))
                cg_problem (cg, cg->plans.name, e[i].row->line, "holiday timing '%s' is not priced as the"
                            " plan's weekend: rater rates holidays as weekend", field (e[i].row, 2));
              else
                holiday_dates (cg, e[i].timing, p->holidays);
              continue;
            }
          /* offpeak mornings and evenings are one band: their rows once */
          g_autofree char *done = g_strdup_printf ("%s %s", field (e[i].row, 1), band_names[e[i].band]);
          if (!g_hash_table_add (converted, g_steal_pointer (&done)))
            continue;
          GPtrArray *dr = g_hash_table_lookup (cg->drates.by_id, field (e[i].row, 1));
          if (!dr)
            {
              cg_problem (cg, cg->plans.name, e[i].row->line, "DestinationRatesId '%s' is not in"
                          " DestinationRates.csv", field (e[i].row, 1));
              continue;
            }
          for (guint k = 0; k < dr->len; k++)
            convert_dr_row (cg, p, dr->pdata[k], e[i].band, keys);
        }
      g_autoptr(GString) days = g_string_new (NULL);
      for (int d = 0; d < 7; d++)
        if (peak.days >> d & 1)
          g_string_append_printf (days, "%s%d", days->len ? ";" : "", d + 1);
      p->peak_days = g_strdup (days->str);
      p->peak_from = g_strdup_printf ("%02d:%02d", (int) (peak.from / 3600), (int) (peak.from / 60 % 60));
      p->peak_to = g_strdup_printf ("%02d:%02d", (int) (peak.to / 3600), (int) (peak.to / 60 % 60));
    }
  if (cg->plan_problems > 0)
    {
      cg_plan_free (p);
      return NULL;
    }
  return p;
}

/* ---- profiles, and writing ---- */

static gboolean
write_file (const char *dir, const char *name, const GString *text, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_set_contents (path, text->str, (gssize) text->len, error);
}

static const char *
todo (Cg *cg, const char *value, const char *what, const char *flag)
{
  if (value)
    return value;
  g_autofree char *note = g_strdup_printf ("%s is TODO: give %s, or edit the catalog", what, flag);
  for (guint i = 0; i < cg->notes->len; i++)
    if (g_str_equal (cg->notes->pdata[i], note))
      return "TODO";
  g_ptr_array_add (cg->notes, g_steal_pointer (&note));
  return "TODO";
}

/* The profiles into operators.csv and accounts.csv of the converted PLANS. */
static void
convert_profiles (Cg *cg, GHashTable *plans, GString *operators, GString *accounts)
{
  const CgratesOptions *o = cg->opt;
  g_autoptr(GHashTable) ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *file = cg->profiles.name;
  for (guint i = 0; i < cg->profiles.rows->len; i++)
    {
      const CgRow *r = cg->profiles.rows->pdata[i];
      guint k = field (r, 0)[0] == '*';
      const char *tenant = field (r, k), *category = field (r, k + 1), *subject = field (r, k + 2);
      const char *plan = field (r, k + 4), *fallback = field (r, k + 5);
      if (k && !g_str_equal (field (r, 0), "*out"))
        cg_problem (cg, file, r->line, "Direction '%s': rater prices inbound calls by the deck's in rows,"
                    " not by a rating profile", field (r, 0));
      else if (!g_str_equal (category, "call"))
        cg_problem (cg, file, r->line, "Category '%s' is not call: rater rates calls only", category);
      else if (is_any (subject) || g_str_has_prefix (subject, "*"))
        cg_problem (cg, file, r->line, "Subject '%s' is not one account: rater has no default rating", subject);
      else if (*fallback)
        cg_problem (cg, file, r->line, "RatesFallbackSubject '%s': rater has no fallback rating", fallback);
      else if (!g_hash_table_contains (plans, plan))
        cg_problem (cg, file, r->line, "RatingPlanId '%s' was not converted (see above, or it is not in"
                    " RatingPlans.csv)", plan);
      else if (!g_hash_table_add (subjects, g_strdup (subject)))
        cg_problem (cg, file, r->line, "subject '%s' has another rating profile: a rater account has one"
                    " plan", subject);
      else
        {
          g_autofree char *op = slug_of (o->operator_slug ? o->operator_slug : tenant);
          g_autofree char *acc = slug_of (subject);
          const CgPlan *p = g_hash_table_lookup (plans, plan);
          if (g_hash_table_add (ops, g_strdup (op)))
            {
              char prefix[9] = "";   /* its letters and digits, up to 8 */
              for (gsize c = 0, n = 0; op[c] && n < 8; c++)
                if (g_ascii_isalnum (op[c]))
                  prefix[n++] = g_ascii_toupper (op[c]), prefix[n] = '\0';
              csv_line (operators, (const char *const[]) { op, tenant,
                        todo (cg, o->currency, "operators.csv: currency", "--currency"), prefix, NULL });
            }
          csv_line (accounts, (const char *const[]) { acc, op, "", subject, p->slug,
                    todo (cg, o->country, "accounts.csv: country", "--country"),
                    todo (cg, o->timezone, "accounts.csv: timezone", "--timezone"),
                    todo (cg, o->tax_rate, "accounts.csv: tax_rate", "--tax-rate"), NULL });
        }
    }
}

static gboolean
write_catalog (Cg *cg, const char *dir, GPtrArray *order, GHashTable *plans, GError **error)
{
  g_autofree char *decks = g_build_filename (dir, "decks", NULL);
  g_autoptr(GString) operators = g_string_new ("operator,name,currency,invoice_prefix\n");
  g_autoptr(GString) accounts = g_string_new ("account,operator,tenant_id,name,plan,country,timezone,tax_rate\n");
  g_autoptr(GString) numbers = g_string_new ("number,account,type,user,from,to\n");
  g_autoptr(GString) plan_csv = g_string_new ("plan,operator,deck,fee_user,fee_service,fee_tollfree,"
                                              "bundle_minutes,bundle_groups,call_decimals,call_rounding,"
                                              "peak_days,peak_from,peak_to\n");
  g_autoptr(GString) holidays = g_string_new ("country,date,name\n");
  g_autoptr(GHashTable) dates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean any_holiday = FALSE;
  convert_profiles (cg, plans, operators, accounts);
  const char *op = cg->opt->operator_slug;
  for (guint i = 0; i < order->len; i++)
    {
      const CgPlan *p = g_hash_table_lookup (plans, order->pdata[i]);
      g_autofree char *deck = g_strdup_printf ("%s.csv", p->slug);
      g_autofree char *tenant_op = NULL;
      if (!op)   /* the operator of the plan's first profile */
        for (guint k = 0; k < cg->profiles.rows->len && !tenant_op; k++)
          {
            const CgRow *r = cg->profiles.rows->pdata[k];
            guint o = field (r, 0)[0] == '*';
            if (g_str_equal (field (r, o + 4), p->id))
              tenant_op = slug_of (field (r, o));
          }
      csv_line (plan_csv, (const char *const[]) { p->slug, op ? op : tenant_op ? tenant_op
                : todo (cg, NULL, "plans.csv: the operator of a plan no rating profile uses", "--operator"), p->slug,
                "0", "0", "0", "0", "", p->decimals ? p->decimals : "6", p->rounding ? p->rounding : "up",
                p->peak_days, p->peak_from, p->peak_to, NULL });
      if (g_mkdir_with_parents (decks, 0755) != 0)
        return g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "cannot create '%s': %s", decks,
                            g_strerror (errno)), FALSE;
      if (!write_file (decks, deck, p->deck, error))
        return FALSE;
      for (guint k = 0; k < p->holidays->len; k++)
        {
          g_auto(GStrv) date_tag = g_strsplit (p->holidays->pdata[k], " ", 2);
          if (!g_hash_table_add (dates, g_strdup (date_tag[0])))
            continue;
          csv_line (holidays, (const char *const[]) { todo (cg, cg->opt->country, "holidays.csv: country",
                    "--country"), date_tag[0], date_tag[1], NULL });
          any_holiday = TRUE;
        }
    }
  g_ptr_array_add (cg->notes, g_strdup ("numbers.csv has no numbers: CGRateS tariff plans name none;"
                                        " add each account's numbers before importing"));
  return write_file (dir, "operators.csv", operators, error) && write_file (dir, "plans.csv", plan_csv, error)
         && write_file (dir, "accounts.csv", accounts, error) && write_file (dir, "numbers.csv", numbers, error)
         && (!any_holiday || write_file (dir, "holidays.csv", holidays, error));
}

/* DIR must be new or empty; create it. */
static gboolean
prepare_dir (const char *dir, GError **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  if (d && g_dir_read_name (d))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "'%s' is not empty: convert into a new"
                        " directory", dir), FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "cannot create '%s': %s", dir,
                        g_strerror (errno)), FALSE;
  return TRUE;
}

gboolean
cgrates_convert (const char *src, const char *dir, const CgratesOptions *options, GPtrArray *problems,
                 GPtrArray *notes, GError **error)
{
  Cg cg = { .opt = options, .problems = problems, .notes = notes };
  g_autoptr(GHashTable) plans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, cg_plan_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  gboolean ok = cg_read (&cg, src, "Destinations.csv", &cg.dest, error)
                && cg_read (&cg, src, "Rates.csv", &cg.rates, error)
                && cg_read (&cg, src, "DestinationRates.csv", &cg.drates, error)
                && cg_read (&cg, src, "Timings.csv", &cg.timings, error)
                && cg_read (&cg, src, "RatingPlans.csv", &cg.plans, error)
                && cg_read (&cg, src, "RatingProfiles.csv", &cg.profiles, error)
                && prepare_dir (dir, error);
  for (guint i = 0; ok && i < cg.plans.rows->len; i++)
    {
      CgRow *row = cg.plans.rows->pdata[i];
      char *id = row->f[0];
      if (g_hash_table_contains (plans, id) || g_ptr_array_find_with_equal_func (order, id, g_str_equal, NULL))
        continue;
      g_ptr_array_add (order, id);
      CgPlan *p = convert_plan (&cg, id, g_hash_table_lookup (cg.plans.by_id, id));
      if (p)
        g_hash_table_insert (plans, p->id, p);
    }
  /* holidays.csv applies to every account of the country: a plan with bands
   * and no holiday timing would be priced otherwise on those days */
  gboolean any_holiday = FALSE;
  for (guint i = 0; i < order->len; i++)
    {
      const CgPlan *p = g_hash_table_lookup (plans, order->pdata[i]);
      any_holiday |= p && p->holidays->len > 0;
    }
  for (guint i = 0; any_holiday && i < order->len; i++)
    {
      CgPlan *p = g_hash_table_lookup (plans, order->pdata[i]);
      if (p && p->banded && p->holidays->len == 0)
        {
          cg_problem (&cg, cg.plans.name, 0, "rating plan '%s' has bands but no holiday timing, while"
                      " another plan's holidays go to holidays.csv, which rater applies to every account"
                      " of the country", p->id);
          g_hash_table_remove (plans, order->pdata[i]);
        }
    }
  /* the plans not converted leave ORDER */
  for (guint i = order->len; i-- > 0;)
    if (!g_hash_table_contains (plans, order->pdata[i]))
      g_ptr_array_remove_index (order, i);
  ok = ok && write_catalog (&cg, dir, order, plans, error);
  cg_file_clear (&cg.dest), cg_file_clear (&cg.rates), cg_file_clear (&cg.drates);
  cg_file_clear (&cg.timings), cg_file_clear (&cg.plans), cg_file_clear (&cg.profiles);
  return ok;
}
