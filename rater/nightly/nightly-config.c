/* nightly-config.c — reading and checking the nightly config (see
 * nightly-config.h for its keys and defaults).
 *
 * A ConfigReader holds the key file and the config's directory; one small
 * reader per kind of value (string, path, whole number, boolean, lists)
 * fails with the file, group and key named, and config_read() walks the
 * [nightly] group and then every [source NAME] group in file order.
 */
#include "config.h"

#include <string.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "nightly/nightly-config.h"
#include "report/reportset.h"

#define NIGHTLY_GROUP "nightly"
#define SOURCE_PREFIX "source "

static void
source_free (gpointer p)
{
  NightlySource *s = p;
  g_free (s->name);
  g_free (s->dir);
  g_free (s->format);
  g_free (s->operator_slug);
  g_free (s->country);
  g_free (s->area_code);
  g_free (s->tz);
  g_free (s->pattern);
  g_free (s->tenant);
  g_free (s->client_id);
  g_free (s->secret_file);
  g_strfreev (s->contexts.inbound);
  g_strfreev (s->contexts.outbound);
  g_strfreev (s->contexts.internal);
  g_free (s);
}

void
nightly_config_free (NightlyConfig *c)
{
  if (!c)
    return;
  g_free (c->database);
  g_free (c->catalog);
  g_free (c->output);
  g_free (c->archive);
  g_free (c->quarantine);
  g_free (c->lock);
  g_strfreev (c->reports);
  if (c->sources)
    g_ptr_array_unref (c->sources);
  g_free (c);
}

typedef struct {
  GKeyFile *kf;
  const char *path;
  char *base;                   /* directory of the config file */
} ConfigReader;

static gboolean
config_fail (const ConfigReader *r, const char *group, const char *key, GError **error,
             const char *reason)
{
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "%s: [%s] %s: %s", r->path, group,
               key, reason);
  return FALSE;
}

/* The string KEY of GROUP, or NULL when absent (not an error). */
static char *
config_string (const ConfigReader *r, const char *group, const char *key)
{
  char *v = g_key_file_get_string (r->kf, group, key, NULL);
  if (v && !*g_strstrip (v))
    g_clear_pointer (&v, g_free);
  return v;
}

/* A path KEY of GROUP resolved against the config's directory. */
static gboolean
config_path (const ConfigReader *r, const char *group, const char *key, gboolean required,
             char **out, GError **error)
{
  g_autofree char *v = config_string (r, group, key);
  if (!v)
    return !required || config_fail (r, group, key, error, "missing");
  *out = g_path_is_absolute (v) ? g_steal_pointer (&v) : g_build_filename (r->base, v, NULL);
  return TRUE;
}

/* The database key: an SQLite file's path (relative to the config's
 * folder), or a PostgreSQL server's URI as given. */
static gboolean
config_database (const ConfigReader *r, const char *group, char **out, GError **error)
{
  g_autofree char *v = config_string (r, group, "database");
  if (v && store_target_is_server (v))
    {
      *out = g_steal_pointer (&v);
      return TRUE;
    }
  return config_path (r, group, "database", TRUE, out, error);
}

static gboolean
config_uint (const ConfigReader *r, const char *group, const char *key, guint max,
             guint *out, GError **error)
{
  g_autofree char *v = config_string (r, group, key);
  guint64 n;
  if (!v)
    return TRUE;
  if (!g_ascii_string_to_unsigned (v, 10, 0, max, &n, NULL))
    {
      g_autofree char *why = g_strdup_printf ("'%s' is not a whole number 0..%u", v, max);
      return config_fail (r, group, key, error, why);
    }
  *out = (guint) n;
  return TRUE;
}

static gboolean
config_bool (const ConfigReader *r, const char *group, const char *key, gboolean *out,
             GError **error)
{
  g_autofree char *v = config_string (r, group, key);
  if (!v)
    return TRUE;
  if (g_str_equal (v, "true") || g_str_equal (v, "false"))
    return *out = g_str_equal (v, "true"), TRUE;
  return config_fail (r, group, key, error, "must be true or false");
}

static gboolean
config_formats (const ConfigReader *r, unsigned *formats, GError **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (r->kf, NIGHTLY_GROUP, "invoice_formats",
                                                   NULL, NULL);
  if (!list)
    return TRUE;
  *formats = 0;
  for (guint i = 0; list[i]; i++)
    {
      unsigned bit;
      if (!issue_parse_format (g_strstrip (list[i]), &bit))
        return config_fail (r, NIGHTLY_GROUP, "invoice_formats", error,
                            "takes json;csv;html;pdf");
      *formats |= bit;
    }
  return TRUE;
}

/* Fail unless every name of LIST is a report's full name (reportset.h). */
static gboolean
check_reports (const ConfigReader *r, char **list, GError **error)
{
  g_auto(GStrv) names = reportset_names ();
  for (guint i = 0; list[i]; i++)
    if (!g_strv_contains ((const char *const *) names, g_strstrip (list[i])))
      {
        g_autofree char *all = g_strjoinv (";", names);
        g_autofree char *why = g_strdup_printf ("takes %s", all);
        return config_fail (r, NIGHTLY_GROUP, "reports", error, why);
      }
  return TRUE;
}

static gboolean
config_reports (const ConfigReader *r, NightlyConfig *c, GError **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (r->kf, NIGHTLY_GROUP, "reports", NULL, NULL);
  g_autofree char *format = config_string (r, NIGHTLY_GROUP, "report_format");
  if (list)
    {
      if (!check_reports (r, list, error))
        return FALSE;
      g_strfreev (c->reports);
      c->reports = g_steal_pointer (&list);
    }
  if (format && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return config_fail (r, NIGHTLY_GROUP, "report_format", error, "must be csv or json");
  c->reports_json = format && g_str_equal (format, "json");
  return TRUE;
}

/* KEY of GROUP: `;`-separated dialplan-context globs into *OUT (NULL when
 * absent). */
static gboolean
config_globs (const ConfigReader *r, const char *group, const char *key, char ***out,
              GError **error)
{
  g_autofree char *value = config_string (r, group, key);
  *out = cdr_context_globs_split (value);
  if (value && !*out)
    return config_fail (r, group, key, error, "no glob given");
  return TRUE;
}

/* area_code is checked here, so that a bad one fails the night before it starts. */
static gboolean
config_area_code (const ConfigReader *r, const char *group, const NightlySource *s,
                  GError **error)
{
  char digits[NUMBER_MAX_AREA_CODE + 1];
  g_autoptr(GError) local = NULL;

  if (!s->country)
    return config_fail (r, group, "area_code", error, "needs country");
  const RaterCountry *country = country_lookup (s->country);
  if (!country)
    return config_fail (r, group, "country", error, "is not an ISO 3166 alpha-2 code");
  if (!number_area_code_parse (country, s->area_code, digits, &local))
    return config_fail (r, group, "area_code", error, local->message);
  return TRUE;
}

/* type = graph: how far back a night fetches (catch_up_days, start_date). */
static gboolean
config_catch_up (const ConfigReader *r, const char *group, NightlySource *s, GError **error)
{
  s->catch_up_days = NIGHTLY_CATCH_UP_DEFAULT;
  if (!config_uint (r, group, "catch_up_days", NIGHTLY_CATCH_UP_MAX, &s->catch_up_days, error))
    return FALSE;
  if (!s->catch_up_days)
    return config_fail (r, group, "catch_up_days", error, "must be 1.." G_STRINGIFY (NIGHTLY_CATCH_UP_MAX));
  g_autofree char *start = config_string (r, group, "start_date");
  s->has_start = start != NULL;
  if (start && !graph_parse_day (start, &s->start_day))
    return config_fail (r, group, "start_date", error, "is not a day YYYY-MM-DD");
  return TRUE;
}

/* type = graph: the keys of the fetch, and what ingest then needs. */
static gboolean
config_graph (const ConfigReader *r, const char *group, NightlySource *s, GError **error)
{
  static const char *const keys[] = { "tenant", "client_id", "kind", "secret_file",
                                      "catch_up_days", "start_date" };
  if (!s->graph)
    {
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (g_key_file_has_key (r->kf, group, keys[i], NULL))
          return config_fail (r, group, keys[i], error, "is only for a source of type = graph");
      return TRUE;
    }
  g_autofree char *kind = config_string (r, group, "kind");
  s->tenant = config_string (r, group, "tenant");
  s->client_id = config_string (r, group, "client_id");
  if (!s->tenant)
    return config_fail (r, group, "tenant", error, "missing (type = graph)");
  if (!s->client_id)
    return config_fail (r, group, "client_id", error, "missing (type = graph)");
  if (!kind || !graph_kind_parse (kind, &s->graph_kind))
    return config_fail (r, group, "kind", error, "must be pstn or dr (type = graph)");
  const char *format = graph_kind_format (s->graph_kind);
  if (s->format && !g_str_equal (s->format, format))
    {
      g_autofree char *why = g_strdup_printf ("a graph source of kind %s is read as %s", kind,
                                              format);
      return config_fail (r, group, "format", error, why);
    }
  g_free (s->format);
  s->format = g_strdup (format);
  if (!s->operator_slug)
    return config_fail (r, group, "operator", error,
                        "missing: Graph records name their carrier, not a catalog operator");
  return config_path (r, group, "secret_file", FALSE, &s->secret_file, error)
         && config_catch_up (r, group, s, error);
}

static gboolean
config_source (const ConfigReader *r, const char *group, NightlyConfig *c, GError **error)
{
  NightlySource *s = g_new0 (NightlySource, 1);
  g_ptr_array_add (c->sources, s);
  s->name = g_strdup (group + strlen (SOURCE_PREFIX));
  if (!*s->name || strchr (s->name, '/') || s->name[0] == '.')
    return config_fail (r, group, "", error, "a source needs a plain name: [source NAME]");
  s->format = config_string (r, group, "format");
  s->operator_slug = config_string (r, group, "operator");
  s->country = config_string (r, group, "country");
  s->area_code = config_string (r, group, "area_code");
  if (s->area_code && !config_area_code (r, group, s, error))
    return FALSE;
  s->tz = config_string (r, group, "tz");
  s->pattern = config_string (r, group, "pattern");
  if (!s->pattern)
    s->pattern = g_strdup ("*");
  g_autofree char *by = config_string (r, group, "direction_by");
  if (!cdr_direction_rule_parse (by, &s->direction_by))
    return config_fail (r, group, "direction_by", error, "must be dcontext or shape");
  if (!config_globs (r, group, "inbound_contexts", &s->contexts.inbound, error)
      || !config_globs (r, group, "outbound_contexts", &s->contexts.outbound, error)
      || !config_globs (r, group, "internal_contexts", &s->contexts.internal, error))
    return FALSE;
  g_autofree char *type = config_string (r, group, "type");
  if (type && !g_str_equal (type, "files") && !g_str_equal (type, "graph"))
    return config_fail (r, group, "type", error, "must be files or graph");
  s->graph = type && g_str_equal (type, "graph");
  return config_graph (r, group, s, error) && config_path (r, group, "dir", TRUE, &s->dir, error);
}

static gboolean
config_read (const ConfigReader *r, NightlyConfig *c, GError **error)
{
  const char *g = NIGHTLY_GROUP;
  if (!g_key_file_has_group (r->kf, g))
    return config_fail (r, g, "", error, "the [nightly] group is missing");
  if (!config_database (r, g, &c->database, error)
      || !config_path (r, g, "catalog", FALSE, &c->catalog, error)
      || !config_path (r, g, "output", TRUE, &c->output, error)
      || !config_path (r, g, "archive", TRUE, &c->archive, error)
      || !config_path (r, g, "quarantine", TRUE, &c->quarantine, error)
      || !config_path (r, g, "lock", FALSE, &c->lock, error)
      || !config_uint (r, g, "issue_day", 28, &c->issue_day, error)
      || !config_bool (r, g, "drafts", &c->drafts, error)
      || !config_uint (r, g, "threads", 256, &c->threads, error)
      || !config_uint (r, g, "settle_seconds", 3600, &c->settle_seconds, error)
      || !config_uint (r, g, "retention_months", 1200, &c->retention_months, error)
      || !config_formats (r, &c->invoice_formats, error)
      || !config_reports (r, c, error))
    return FALSE;
  if (!c->lock && store_target_is_server (c->database))
    c->lock = g_build_filename (c->output, "nightly.lock", NULL);
  else if (!c->lock)
    c->lock = g_strconcat (c->database, ".lock", NULL);
  g_auto(GStrv) groups = g_key_file_get_groups (r->kf, NULL);
  for (guint i = 0; groups[i]; i++)
    if (g_str_has_prefix (groups[i], SOURCE_PREFIX))
      {
        if (!config_source (r, groups[i], c, error))
          return FALSE;
      }
    else if (!g_str_equal (groups[i], g))
      return config_fail (r, groups[i], "", error, "unknown group (nightly or 'source NAME')");
  return TRUE;
}

NightlyConfig *
nightly_config_load (const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "%s: %s", path, local->message);
      return NULL;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  ConfigReader r = { kf, path, g_canonicalize_filename (dir, NULL) };
  g_autoptr(NightlyConfig) c = g_new0 (NightlyConfig, 1);
  c->issue_day = 0;
  c->drafts = TRUE;
  c->settle_seconds = NIGHTLY_SETTLE_DEFAULT;
  c->invoice_formats = INVOICEOUT_JSON | INVOICEOUT_CSV | INVOICEOUT_HTML | INVOICEOUT_PDF;
  c->reports = reportset_names ();
  c->sources = g_ptr_array_new_with_free_func (source_free);
  gboolean ok = config_read (&r, c, error);
  g_free (r.base);
  return ok ? g_steal_pointer (&c) : NULL;
}
