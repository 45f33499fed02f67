/* cdrformats.c — the table of built-in CDR formats.
 *
 * One row per format: its extern declaration (the object is defined in
 * cdr-<name>.c) and its entry in builtin_formats[].  The order is the order
 * of --help and of detection.  Nothing below this file refers to it.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdrformats.h"
#include "ingest/cdr-profile.h"
#include "base/rater-error.h"

extern const CdrFormat cdr_format_rater;         /* cdr-rater.c */
extern const CdrFormat cdr_format_teams_pstn;    /* cdr-teams-pstn.c */
extern const CdrFormat cdr_format_teams_dr;      /* cdr-teams-dr.c */
extern const CdrFormat cdr_format_asterisk;      /* cdr-asterisk.c */
extern const CdrFormat cdr_format_freeswitch;    /* cdr-freeswitch.c */
extern const CdrFormat cdr_format_graph_pstn;    /* cdr-graph.c */
extern const CdrFormat cdr_format_graph_dr;      /* cdr-graph.c */

static const CdrFormat *const builtin_formats[] = {
  &cdr_format_rater,
  &cdr_format_teams_pstn,
  &cdr_format_teams_dr,
  &cdr_format_asterisk,
  &cdr_format_freeswitch,
  &cdr_format_graph_pstn,
  &cdr_format_graph_dr,
};

#define PROFILE_PREFIX "profile:"

static void
set_unknown (GError **error, const char *name)
{
  g_autoptr(GString) known = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_formats); i++)
    g_string_append_printf (known, "%s, ", builtin_formats[i]->name);
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "unknown format '%s' (%s" PROFILE_PREFIX "FILE)",
               name, known->str);
}

const CdrFormat *
cdrformats_lookup (const char *name, CdrFormat **profile, GError **error)
{
  *profile = NULL;
  if (g_str_has_prefix (name, PROFILE_PREFIX))
    return *profile = cdr_profile_load (name + strlen (PROFILE_PREFIX), error);
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_formats); i++)
    if (g_str_equal (builtin_formats[i]->name, name))
      return builtin_formats[i];
  set_unknown (error, name);
  return NULL;
}

const CdrFormat *
cdrformats_detect (const CsvRecord *header)
{
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_formats); i++)
    {
      const CdrFormat *f = builtin_formats[i];
      if (f->detect && f->detect (f, header))
        return f;
    }
  return NULL;
}

static gboolean
context_names (const CdrFormat *f, const char *context)
{
  for (gsize k = 0; k < G_N_ELEMENTS (f->json_contexts); k++)
    if (f->json_contexts[k] && strstr (context, f->json_contexts[k]))
      return TRUE;
  return FALSE;
}

static gboolean
has_member (const CsvRecord *members, const char *name)
{
  for (guint i = 0; i < members->n; i++)
    if (g_str_equal (members->field[i], name))
      return TRUE;
  return FALSE;
}

const CdrFormat *
cdrformats_detect_json (const char *context, const CsvRecord *members)
{
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_formats); i++)
    {
      const CdrFormat *f = builtin_formats[i];
      if (!f->json_rows)
        continue;
      if (context ? context_names (f, context) : has_member (members, f->json_member))
        return f;
    }
  return NULL;
}

const char *const *
cdrformats_names (void)
{
  static const char *names[G_N_ELEMENTS (builtin_formats) + 1];
  for (gsize i = 0; i < G_N_ELEMENTS (builtin_formats); i++)
    names[i] = builtin_formats[i]->name;
  return names;
}
