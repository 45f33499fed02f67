/* reportchart.c — drawing the daily usage chart with cairo (SVG) and pango.
 *
 * Geometry is integer points: the plot area is split into one slot per day
 * (slot = plot width / days); a bar's height and a cost marker's height are
 * value * plot height / axis maximum, divided on integers.  The axis maxima
 * are whole numbers of "nice" steps (1, 2, 5 x 10^k) above the largest day:
 * minutes for the bars (seconds / 60 rounded up), micro-units for the cost.
 */
#include "config.h"

#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <stdio.h>

#include "base/decimal.h"
#include "base/outfile.h"
#include "report/reportchart.h"

/* The page and the plot area, in points. */
#define CHART_W 960
#define CHART_H 480
#define PLOT_L 90
#define PLOT_R 100
#define PLOT_T 80
#define PLOT_B 60
#define PLOT_W (CHART_W - PLOT_L - PLOT_R)
#define PLOT_H (CHART_H - PLOT_T - PLOT_B)
#define TICKS 5

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } Align;

/* The texts this thread laid out, kept from chart to chart: day numbers,
 * axis labels, titles and legends repeat, and laying a text out (pango
 * shaping it) was some tenth of a chart.  A layout drawn on another chart's
 * surface gives the same glyphs at the same places: the context every
 * layout shares is made once per thread as every chart's was (hinting
 * off, from an SVG surface at the identity matrix). */
typedef struct {
  PangoContext *context;
  GHashTable *layouts;          /* "FONT\nTEXT" -> PangoLayout, laid out */
  GString *key;
} ChartTexts;

#define CHART_TEXTS_MAX 4096    /* then the thread lays them out again */

typedef struct {
  cairo_t *cr;
  ChartTexts *texts;            /* this thread's */
  const char *font;             /* chart_font's description */
  const ReportDaily *daily;
  gint64 slot;                  /* points per day */
  gint64 minutes_step, minutes_max;   /* left axis, whole minutes */
  gint64 cost_step, cost_max;   /* right axis, micro-units */
  guint cost_decimals;          /* decimals of the right axis labels */
} Chart;

/* The smallest 1, 2 or 5 x 10^k (k >= 0) at least VALUE / TICKS, and >= 1. */
static gint64
nice_step (gint64 value)
{
  static const gint64 mantissa[] = { 1, 2, 5 };
  gint64 raw = MAX ((value + TICKS - 1) / TICKS, 1);
  for (gint64 p = 1;; p *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mantissa); i++)
      if (mantissa[i] * p >= raw)
        return mantissa[i] * p;
}

/* The decimals needed to print STEP micro-units exactly, at least MINOR. */
static guint
step_decimals (gint64 step, int minor)
{
  guint decimals = 6;
  while (decimals > 0 && step % 10 == 0)
    step /= 10, decimals--;
  return MAX (decimals, (guint) MAX (minor, 0));
}

static void
chart_scale (Chart *c)
{
  gint64 max_seconds = 0, max_cost = 0;
  for (guint d = 0; d < c->daily->n_days; d++)
    {
      max_seconds = MAX (max_seconds, c->daily->billable_seconds[d]);
      max_cost = MAX (max_cost, c->daily->cost[d]);
    }
  gint64 max_minutes = (max_seconds + 59) / 60;
  c->minutes_step = nice_step (max_minutes);
  c->minutes_max = c->minutes_step * MAX ((max_minutes + c->minutes_step - 1) / c->minutes_step, 1);
  c->cost_step = nice_step (max_cost);
  c->cost_max = c->cost_step * MAX ((max_cost + c->cost_step - 1) / c->cost_step, 1);
  int minor = currency_minor_units (c->daily->currency ? c->daily->currency : "");
  c->cost_decimals = step_decimals (c->cost_step, minor < 0 ? 2 : minor);
  c->slot = PLOT_W / c->daily->n_days;
}

/* The y of VALUE on an axis from 0 to MAX. */
static gint64
chart_y (gint64 value, gint64 max)
{
  return PLOT_T + PLOT_H - value * PLOT_H / max;
}

/* The texts drawn from now on are in the font DESCRIPTION (a string that
 * outlives the chart). */
static void
chart_font (Chart *c, const char *description)
{
  c->font = description;
}

/* TEXT laid out in the current font: this thread's layout of it. */
static PangoLayout *
chart_layout_of (Chart *c, const char *text)
{
  ChartTexts *t = c->texts;
  g_string_assign (t->key, c->font);
  g_string_append_c (t->key, '\n');
  g_string_append (t->key, text);
  PangoLayout *layout = g_hash_table_lookup (t->layouts, t->key->str);
  if (layout)
    return layout;
  if (g_hash_table_size (t->layouts) >= CHART_TEXTS_MAX)
    g_hash_table_remove_all (t->layouts);
  layout = pango_layout_new (t->context);
  PangoFontDescription *font = pango_font_description_from_string (c->font);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  g_hash_table_insert (t->layouts, g_strdup (t->key->str), layout);
  return layout;
}

/* LAYOUT, W wide, with its top at Y, aligned on X. */
static void
chart_show (Chart *c, PangoLayout *layout, int w, gint64 x, gint64 y, Align align)
{
  gint64 left = align == ALIGN_LEFT ? x : align == ALIGN_CENTER ? x - w / 2 : x - w;
  cairo_move_to (c->cr, left, y);
  pango_cairo_show_layout (c->cr, layout);
}

/* TEXT with its top at Y, aligned on X. */
static void
chart_text (Chart *c, const char *text, gint64 x, gint64 y, Align align)
{
  int w, h;
  PangoLayout *layout = chart_layout_of (c, text);
  pango_layout_get_pixel_size (layout, &w, &h);
  chart_show (c, layout, w, x, y, align);
}

/* TEXT vertically centred on Y (laid out once: its height then its place). */
static void
chart_label (Chart *c, const char *text, gint64 x, gint64 y, Align align)
{
  int w, h;
  PangoLayout *layout = chart_layout_of (c, text);
  pango_layout_get_pixel_size (layout, &w, &h);
  chart_show (c, layout, w, x, y - h / 2, align);
}

static void
chart_line (Chart *c, gint64 x0, gint64 y0, gint64 x1, gint64 y1)
{
  cairo_move_to (c->cr, x0, y0);
  cairo_line_to (c->cr, x1, y1);
  cairo_stroke (c->cr);
}

static void
chart_title (Chart *c)
{
  g_autofree char *title = g_strdup_printf ("%s (%s) \xe2\x80\x94 %s", c->daily->name,
                                            c->daily->account, c->daily->period);
  g_autofree char *subtitle = g_strdup_printf ("daily billable minutes and cost (%s), "
                                               "days in the account's time zone",
                                               c->daily->currency);
  cairo_set_source_rgb (c->cr, 0, 0, 0);
  chart_font (c, "DejaVu Sans Bold 14");
  chart_text (c, title, PLOT_L, 16, ALIGN_LEFT);
  chart_font (c, "DejaVu Sans 9");
  chart_text (c, subtitle, PLOT_L, 40, ALIGN_LEFT);
}

/* Grid lines and both vertical axes with their labels. */
static void
chart_axes_y (Chart *c)
{
  gint64 right = PLOT_L + c->slot * c->daily->n_days;
  char buf[32];
  cairo_set_line_width (c->cr, 0.5);
  for (gint64 i = 0; i * c->minutes_step <= c->minutes_max; i++)
    {
      gint64 y = chart_y (i * c->minutes_step, c->minutes_max);
      cairo_set_source_rgb (c->cr, 0.85, 0.85, 0.85);
      chart_line (c, PLOT_L, y, right, y);
      cairo_set_source_rgb (c->cr, 0, 0, 0);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, i * c->minutes_step);
      chart_label (c, buf, PLOT_L - 6, y, ALIGN_RIGHT);
      chart_label (c, decimal_format (i * c->cost_step, c->cost_decimals, buf), right + 6, y,
                   ALIGN_LEFT);
    }
  cairo_set_line_width (c->cr, 1);
  chart_line (c, PLOT_L, PLOT_T, PLOT_L, PLOT_T + PLOT_H);
  chart_line (c, right, PLOT_T, right, PLOT_T + PLOT_H);
  chart_text (c, "minutes", PLOT_L, PLOT_T - 18, ALIGN_RIGHT);
  g_autofree char *cost_title = g_strdup_printf ("cost (%s)", c->daily->currency);
  chart_text (c, cost_title, right, PLOT_T - 18, ALIGN_LEFT);
}

static void
chart_axis_x (Chart *c)
{
  gint64 right = PLOT_L + c->slot * c->daily->n_days;
  char buf[16];
  chart_line (c, PLOT_L, PLOT_T + PLOT_H, right, PLOT_T + PLOT_H);
  for (guint d = 0; d < c->daily->n_days; d++)
    {
      g_snprintf (buf, sizeof buf, "%u", d + 1);
      chart_text (c, buf, PLOT_L + c->slot * d + c->slot / 2, PLOT_T + PLOT_H + 4, ALIGN_CENTER);
    }
  g_autofree char *title = g_strdup_printf ("day of %s", c->daily->period);
  chart_text (c, title, PLOT_L + c->slot * c->daily->n_days / 2, PLOT_T + PLOT_H + 24,
              ALIGN_CENTER);
}

/* The cost scale rides on the minutes grid: both axes have the same number
 * of steps, so the right axis maximum is cost_step * (that number). */
static void
chart_match_axes (Chart *c)
{
  gint64 minute_ticks = c->minutes_max / c->minutes_step;
  gint64 cost_ticks = c->cost_max / c->cost_step;
  if (cost_ticks > minute_ticks)
    c->minutes_max = c->minutes_step * cost_ticks;
  else
    c->cost_max = c->cost_step * minute_ticks;
}

static void
chart_bars (Chart *c)
{
  gint64 width = MAX (c->slot * 2 / 3, 1);
  cairo_set_source_rgb (c->cr, 0.29, 0.49, 0.73);
  for (guint d = 0; d < c->daily->n_days; d++)
    {
      gint64 top = chart_y (c->daily->billable_seconds[d], c->minutes_max * 60);
      gint64 x = PLOT_L + c->slot * d + (c->slot - width) / 2;
      if (top < PLOT_T + PLOT_H)
        cairo_rectangle (c->cr, x, top, width, PLOT_T + PLOT_H - top);
    }
  cairo_fill (c->cr);
}

static void
chart_cost (Chart *c)
{
  cairo_set_source_rgb (c->cr, 0.75, 0.31, 0.30);
  cairo_set_line_width (c->cr, 1.5);
  for (guint d = 0; d < c->daily->n_days; d++)
    cairo_line_to (c->cr, PLOT_L + c->slot * d + c->slot / 2, chart_y (c->daily->cost[d], c->cost_max));
  cairo_stroke (c->cr);
  for (guint d = 0; d < c->daily->n_days; d++)
    cairo_rectangle (c->cr, PLOT_L + c->slot * d + c->slot / 2 - 2,
                     chart_y (c->daily->cost[d], c->cost_max) - 2, 4, 4);
  cairo_fill (c->cr);
}

static void
chart_legend (Chart *c)
{
  gint64 x = CHART_W - PLOT_R - 260, y = 44;
  g_autofree char *cost = g_strdup_printf ("cost (%s)", c->daily->currency);
  cairo_set_source_rgb (c->cr, 0.29, 0.49, 0.73);
  cairo_rectangle (c->cr, x, y + 2, 12, 10);
  cairo_fill (c->cr);
  cairo_set_source_rgb (c->cr, 0.75, 0.31, 0.30);
  cairo_set_line_width (c->cr, 1.5);
  chart_line (c, x + 130, y + 7, x + 144, y + 7);
  cairo_set_source_rgb (c->cr, 0, 0, 0);
  chart_text (c, "billable minutes", x + 16, y, ALIGN_LEFT);
  chart_text (c, cost, x + 148, y, ALIGN_LEFT);
}

/* cairo names the page group after a process-wide surface counter
 * (<g id="surface7">), so the same chart drawn second in a process would
 * differ: name it "chart" instead.  SVG is the text of BYTES. */
static void
append_without_surface_id (GByteArray *bytes, const GByteArray *svg)
{
  static const char open[] = "<g id=\"surface";
  const char *text = (const char *) svg->data;
  const char *at = g_strstr_len (text, svg->len, open);
  const char *end = at ? g_strstr_len (at, svg->len - (gsize) (at - text), "\">") : NULL;
  if (!end)
    {
      g_byte_array_append (bytes, svg->data, svg->len);
      return;
    }
  g_byte_array_append (bytes, svg->data, (guint) (at - text));
  g_byte_array_append (bytes, (const guint8 *) "<g id=\"chart", 12);
  g_byte_array_append (bytes, (const guint8 *) end, (guint) (svg->len - (gsize) (end - text)));
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A context with hinting off, so glyph positions do not depend on the
 * rendering defaults of the machine. */
static PangoContext *
chart_context (cairo_t *cr)
{
  PangoContext *context = pango_cairo_create_context (cr);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  return context;
}

static void
chart_texts_free (gpointer data)
{
  ChartTexts *t = data;
  g_hash_table_unref (t->layouts);
  g_object_unref (t->context);
  g_string_free (t->key, TRUE);
  g_free (t);
}

static GPrivate chart_texts_key = G_PRIVATE_INIT (chart_texts_free);

/* This thread's texts; CR, the first chart's, makes their context. */
static ChartTexts *
chart_texts (cairo_t *cr)
{
  ChartTexts *t = g_private_get (&chart_texts_key);
  if (!t)
    {
      t = g_new0 (ChartTexts, 1);
      t->context = chart_context (cr);
      t->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      t->key = g_string_new (NULL);
      g_private_set (&chart_texts_key, t);
    }
  return t;
}

/* A buffer of this thread's, emptied: KEY's.  A chart is some 80 kB, and
 * growing a new buffer to that for every chart (and freeing it) was a tenth
 * of the work, most of it the kernel unmapping the memory. */
static GByteArray *
thread_buffer (GPrivate *key)
{
  GByteArray *b = g_private_get (key);
  if (!b)
    {
      b = g_byte_array_sized_new (128 * 1024);
      g_private_set (key, b);
    }
  g_byte_array_set_size (b, 0);
  return b;
}

static GPrivate svg_buffer = G_PRIVATE_INIT ((GDestroyNotify) g_byte_array_unref);
static GPrivate file_buffer = G_PRIVATE_INIT ((GDestroyNotify) g_byte_array_unref);

void
reportchart_render (const ReportDaily *daily, GByteArray *bytes)
{
  g_assert (daily->n_days > 0);
  GByteArray *svg = thread_buffer (&svg_buffer);
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (append_bytes, svg,
                                                                  CHART_W, CHART_H);
  cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
  Chart c = { .cr = cairo_create (surface), .daily = daily };
  c.texts = chart_texts (c.cr);
  cairo_set_source_rgb (c.cr, 1, 1, 1);
  cairo_paint (c.cr);
  chart_scale (&c);
  chart_match_axes (&c);
  chart_title (&c);
  chart_legend (&c);
  chart_font (&c, "DejaVu Sans 8");
  chart_axes_y (&c);
  chart_bars (&c);
  chart_cost (&c);
  cairo_set_source_rgb (c.cr, 0, 0, 0);
  cairo_set_line_width (c.cr, 1);
  chart_axis_x (&c);
  cairo_destroy (c.cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  append_without_surface_id (bytes, svg);
}

gboolean
reportchart_write (const ReportDaily *daily, const char *path, GError **error)
{
  GByteArray *bytes = thread_buffer (&file_buffer);
  reportchart_render (daily, bytes);
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  fwrite (bytes->data, 1, bytes->len, outfile_stream (out));   /* outfile_commit checks it */
  return outfile_commit (out, error);
}

/* The charts being written by reportchart_write_all(): the pool's
 * threads each draw and write whole charts (pango's default font map is per
 * thread, cairo surfaces per chart), sharing only the first error; the
 * charts are made durable and put in place together at the end (one sync,
 * base/outfile.h's OutGroup), none of them after an error. */
typedef struct {
  const char *dir, *period;
  OutGroup *files;              /* the charts, renamed into place together */
  GMutex lock;
  GError *error;                /* the first */
} ChartRun;

static void
chart_run_write (ChartRun *run, const ReportDaily *daily)
{
  g_mutex_lock (&run->lock);
  gboolean failed = run->error != NULL;
  g_mutex_unlock (&run->lock);
  if (failed)
    return;
  g_autofree char *name = g_strdup_printf ("%s-%s.svg", daily->account, run->period);
  g_autofree char *path = g_build_filename (run->dir, name, NULL);
  GError *local = NULL;
  outgroup_push_thread_default (run->files);
  gboolean written = reportchart_write (daily, path, &local);
  outgroup_pop_thread_default (run->files);
  if (written)
    return;
  g_mutex_lock (&run->lock);
  if (!run->error)
    run->error = g_steal_pointer (&local);
  g_mutex_unlock (&run->lock);
  g_clear_error (&local);
}

static void
chart_pool_func (gpointer daily, gpointer run)
{
  chart_run_write (run, daily);
}

#define CHART_MAX_THREADS 16

gboolean
reportchart_write_all (StoreDb *db, const ReportQuery *query, const char *dir,
                       guint *n_written, GError **error)
{
  g_autoptr(GPtrArray) dailies = report_daily_all (db, query, error);
  if (!dailies || !outfile_mkdir (dir, error))
    return FALSE;
  guint threads = query->threads ? query->threads : g_get_num_processors ();
  threads = MIN (MIN (threads, CHART_MAX_THREADS), MAX (dailies->len, 1));
  g_autoptr(OutGroup) files = outgroup_new ();
  ChartRun run = { .dir = dir, .period = query->period, .files = files };
  g_mutex_init (&run.lock);
  if (threads <= 1)
    for (guint i = 0; i < dailies->len && !run.error; i++)
      chart_run_write (&run, dailies->pdata[i]);
  else
    {
      /* exclusive threads: g_thread_pool_new and _push cannot fail */
      GThreadPool *pool = g_thread_pool_new (chart_pool_func, &run, (int) threads, TRUE, NULL);
      for (guint i = 0; i < dailies->len; i++)
        g_thread_pool_push (pool, dailies->pdata[i], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  g_mutex_clear (&run.lock);
  if (run.error)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  if (!outgroup_commit (files, error))
    return FALSE;
  *n_written = dailies->len;
  return TRUE;
}
