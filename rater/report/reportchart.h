/* reportchart.h — one account's daily usage of a period as an SVG chart.
 *
 * The chart shows, for every calendar day of the period, the billable
 * minutes as a bar (left axis) and the cost as a line with a marker per day
 * (right axis, in the operator's currency); the title names the account and
 * the period.  Axis steps are 1, 2 or 5 times a power of ten, computed on
 * integers (seconds, micro-units); every coordinate is a whole point, so the
 * only floating point is cairo's own API.  It is drawn with cairo's SVG
 * surface and pango text (DejaVu Sans, hinting off): the same data gives the
 * same bytes on the same fonts and cairo version.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "report/report.h"

/* The SVG document of DAILY appended to BYTES. */
void reportchart_render (const ReportDaily *daily, GByteArray *bytes);

/* Write the SVG of DAILY to PATH through an OutFile (temporary + rename);
 * RATER_ERROR_CANTCREAT when it cannot be written. */
gboolean reportchart_write (const ReportDaily *daily, const char *path, GError **error);

/* The chart of every account QUERY selects (report_accounts) for
 * QUERY->period, as DIR/<account>-<period>.svg (DIR created when missing),
 * drawn on QUERY->threads threads (0: one per CPU, at most 16); each file's
 * bytes are the same on any number of threads.  The charts appear together
 * at the end, after one sync of the file system (base/outfile.h, OutGroup);
 * on the first error no further chart is started and none appears.
 * *N_WRITTEN receives the count. */
gboolean reportchart_write_all (StoreDb *db, const ReportQuery *query, const char *dir,
                                guint *n_written, GError **error);
