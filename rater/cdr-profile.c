/* cdr-profile.c — any CSV through a GKeyFile mapping profile (profile:FILE).
 *
 * A profile names, for each call field, the column that holds it, plus the
 * file's delimiter, padding trim, time layout and zone, which records are
 * calls (filters) and how to tell the direction.  Keys (see
 * schemas/profiles/audiocodes.ini for a full example):
 *
 *   [profile]   description, delimiter (one character or "tab"), header
 *               (true: columns by name; false: by 1-based position), trim,
 *               time_format (time_parse_format layout; ISO 8601 when absent),
 *               timezone (zone of times written without one, unless --tz)
 *   [columns]   call_key, caller, callee (required); start (answer time),
 *               setup, end, duration, tenant_id, user, sip_code
 *   [filter]    COLUMN=VALUE;VALUE...  records whose COLUMN is none of the
 *               values are skipped (not calls, not rejects)
 *   [direction] column, in=VALUES, out=VALUES; or rule=words (in/out,
 *               inbound/outbound), rule=context or rule=shape as for PBXs
 *   [answered]  column, yes=VALUES; by default a call is answered when it has
 *               a start (answer) time and a duration above zero
 *
 * FILE is a path, or the name of a profile built into rater ("audiocodes").
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "cdr.h"
#include "rater-error.h"

enum { P_KEY, P_CALLER, P_CALLEE, P_START, P_SETUP, P_END, P_DURATION, P_TENANT,
       P_USER, P_SIP, P_DIRECTION, P_ANSWERED, N_FIELDS };

static const char *const field_keys[N_FIELDS] = {
  "call_key", "caller", "callee", "start", "setup", "end", "duration", "tenant_id",
  "user", "sip_code", NULL, NULL,
};

typedef enum { DIR_VALUES, DIR_WORDS, DIR_CONTEXT, DIR_SHAPE } DirectionRule;

typedef struct {
  char *column;                /* header name or 1-based position */
  char **values;               /* accepted values */
} Filter;

typedef struct {
  char *path;
  gboolean header;
  char *time_format;           /* NULL: ISO 8601 */
  TzMap *zone;                 /* default zone, NULL none */
  char *columns[N_FIELDS];     /* column per field, NULL when unmapped */
  GArray *filters;             /* Filter */
  DirectionRule direction_rule;
  char **dir_in, **dir_out;
  char **answered_yes;
} Profile;

typedef struct {
  const Profile *profile;
  int col[N_FIELDS];
  int *filter_col;             /* per filter */
  CdrContext ctx;              /* the caller's context, zone defaulted */
} State;

static void
filter_clear (gpointer p)
{
  Filter *f = p;
  g_free (f->column);
  g_strfreev (f->values);
}

static void
profile_free (gpointer data)
{
  Profile *p = data;
  if (!p)
    return;
  g_free (p->path);
  g_free (p->time_format);
  g_clear_pointer (&p->zone, tzmap_free);
  for (int i = 0; i < N_FIELDS; i++)
    g_free (p->columns[i]);
  g_clear_pointer (&p->filters, g_array_unref);
  g_strfreev (p->dir_in);
  g_strfreev (p->dir_out);
  g_strfreev (p->answered_yes);
  g_free (p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Profile, profile_free)

/* An optional string key: NULL when absent or empty. */
static char *
key_string (GKeyFile *kf, const char *group, const char *key)
{
  char *v = g_key_file_get_string (kf, group, key, NULL);
  if (v && !*g_strstrip (v))
    g_clear_pointer (&v, g_free);
  return v;
}

static char **
key_list (GKeyFile *kf, const char *group, const char *key)
{
  char **v = g_key_file_get_string_list (kf, group, key, NULL, NULL);
  for (guint i = 0; v && v[i]; i++)
    g_strstrip (v[i]);
  return v;
}

static gboolean
load_keyfile (GKeyFile *kf, const char *spec, char **path_out, GError **error)
{
  if (g_file_test (spec, G_FILE_TEST_EXISTS))
    {
      *path_out = g_strdup (spec);
      return g_key_file_load_from_file (kf, spec, G_KEY_FILE_NONE, error);
    }
  g_autofree char *name = g_str_has_suffix (spec, ".ini") ? g_strdup (spec) : g_strconcat (spec, ".ini", NULL);
  g_autofree char *res = g_strconcat ("/org/rater/profiles/", name, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (res, 0, NULL);
  if (!bytes)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "no profile '%s' (neither a file nor a built-in profile)", spec);
      return FALSE;
    }
  *path_out = g_strconcat ("builtin:", name, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, error);
}

static gboolean
load_delimiter (GKeyFile *kf, CdrFormat *format, GError **error)
{
  g_autofree char *d = g_key_file_get_string (kf, "profile", "delimiter", NULL);
  if (!d || !*d)
    format->delimiter = ',';
  else if (g_str_equal (d, "tab"))
    format->delimiter = '\t';
  else if (strlen (d) == 1 && d[0] != '"' && d[0] != '\n')
    format->delimiter = d[0];
  else
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "delimiter '%s' is not one character", d);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_direction (GKeyFile *kf, Profile *p, GError **error)
{
  g_autofree char *rule = key_string (kf, "direction", "rule");
  p->columns[P_DIRECTION] = key_string (kf, "direction", "column");
  p->dir_in = key_list (kf, "direction", "in");
  p->dir_out = key_list (kf, "direction", "out");
  if (!rule || g_str_equal (rule, "values"))
    p->direction_rule = DIR_VALUES;
  else if (g_str_equal (rule, "words"))
    p->direction_rule = DIR_WORDS;
  else if (g_str_equal (rule, "context"))
    p->direction_rule = DIR_CONTEXT;
  else if (g_str_equal (rule, "shape"))
    p->direction_rule = DIR_SHAPE;
  else
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "[direction] rule '%s' is not values, words, context or shape", rule);
      return FALSE;
    }
  if (p->direction_rule != DIR_SHAPE && !p->columns[P_DIRECTION])
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "[direction] needs a column");
      return FALSE;
    }
  if (p->direction_rule == DIR_VALUES && (!p->dir_in || !p->dir_out))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "[direction] needs in= and out= values");
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_columns (GKeyFile *kf, Profile *p, GError **error)
{
  for (int i = 0; i < N_FIELDS; i++)
    if (field_keys[i])
      p->columns[i] = key_string (kf, "columns", field_keys[i]);
  static const int required[] = { P_KEY, P_CALLER, P_CALLEE };
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (!p->columns[required[i]])
      {
        g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "[columns] has no %s", field_keys[required[i]]);
        return FALSE;
      }
  if (!p->columns[P_START] && !p->columns[P_SETUP])
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "[columns] needs start or setup");
      return FALSE;
    }
  if (!p->columns[P_DURATION] && !p->columns[P_END])
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "[columns] needs duration or end");
      return FALSE;
    }
  p->columns[P_ANSWERED] = key_string (kf, "answered", "column");
  p->answered_yes = key_list (kf, "answered", "yes");
  return TRUE;
}

static void
load_filters (GKeyFile *kf, Profile *p)
{
  p->filters = g_array_new (FALSE, TRUE, sizeof (Filter));
  g_array_set_clear_func (p->filters, filter_clear);
  g_auto(GStrv) keys = g_key_file_get_keys (kf, "filter", NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      Filter f = { g_strdup (keys[i]), key_list (kf, "filter", keys[i]) };
      g_array_append_val (p->filters, f);
    }
}

static gboolean
load_profile (GKeyFile *kf, Profile *p, CdrFormat *format, GError **error)
{
  g_autofree char *zone = key_string (kf, "profile", "timezone");
  GError *local = NULL;
  p->header = g_key_file_get_boolean (kf, "profile", "header", &local);
  if (local)
    p->header = TRUE, g_clear_error (&local);
  format->trim = g_key_file_get_boolean (kf, "profile", "trim", NULL);
  format->has_header = p->header;
  p->time_format = key_string (kf, "profile", "time_format");
  if (zone && !(p->zone = tzmap_new (zone, error)))
    return FALSE;
  if (!load_delimiter (kf, format, error) || !load_columns (kf, p, error)
      || !load_direction (kf, p, error))
    return FALSE;
  load_filters (kf, p);
  return TRUE;
}

/* The index of COLUMN: a header name, or a 1-based position without header. */
static int
column_index (const Profile *p, const CsvRecord *header, const char *column)
{
  if (!column)
    return -1;
  if (!p->header)
    {
      guint64 pos;
      if (!g_ascii_string_to_unsigned (column, 10, 1, 10000, &pos, NULL))
        return -2;
      return (int) pos - 1;
    }
  for (guint i = 0; i < header->n; i++)
    {
      g_autofree char *h = g_strstrip (g_strndup (header->field[i], header->len[i]));
      if (g_ascii_strcasecmp (h, column) == 0)
        return (int) i;
    }
  return -2;
}

static gboolean
bind_one (const Profile *p, const CsvRecord *first, const char *column, int *idx, GError **error)
{
  *idx = column_index (p, first, column);
  if (*idx != -2)
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
               "line %" G_GUINT64_FORMAT ": header does not match profile '%s': no column '%s'",
               first->line, p->path, column);
  return FALSE;
}

static void
state_free (gpointer data)
{
  State *s = data;
  if (!s)
    return;
  g_free (s->filter_col);
  g_free (s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (State, state_free)

static gpointer
bind (const CdrFormat *format, const CsvRecord *first, const CdrContext *ctx, GError **error)
{
  const Profile *p = format->data;
  g_autoptr(State) s = g_new0 (State, 1);
  s->profile = p;
  s->ctx = *ctx;
  if (!s->ctx.tz)
    s->ctx.tz = p->zone;
  for (int i = 0; i < N_FIELDS; i++)
    if (!bind_one (p, first, p->columns[i], &s->col[i], error))
      return NULL;
  s->filter_col = g_new (int, p->filters->len + 1);
  for (guint i = 0; i < p->filters->len; i++)
    if (!bind_one (p, first, g_array_index (p->filters, Filter, i).column, &s->filter_col[i], error))
      return NULL;
  return g_steal_pointer (&s);
}

static gboolean
text_in (CdrText t, char **values)
{
  CdrText v = t;
  while (v.len > 0 && v.p[0] == ' ')
    v.p++, v.len--;
  while (v.len > 0 && v.p[v.len - 1] == ' ')
    v.len--;
  for (guint i = 0; values && values[i]; i++)
    if (cdr_text_equal (v, values[i]))
      return TRUE;
  return FALSE;
}

static gboolean
passes_filters (const State *s, const CsvRecord *rec)
{
  const GArray *filters = s->profile->filters;
  for (guint i = 0; i < filters->len; i++)
    if (!text_in (cdr_field (rec, s->filter_col[i]), g_array_index (filters, Filter, i).values))
      return FALSE;
  return TRUE;
}

static gboolean
read_direction (const State *s, const CsvRecord *rec, CdrCall *call, CdrReject *rej)
{
  const Profile *p = s->profile;
  CdrText d = cdr_field (rec, s->col[P_DIRECTION]);
  gboolean ok;
  switch (p->direction_rule)
    {
    case DIR_WORDS:
      ok = cdr_direction_word (d, &call->direction);
      break;
    case DIR_VALUES:
      ok = text_in (d, p->dir_in) || text_in (d, p->dir_out);
      call->direction = text_in (d, p->dir_in) ? CDR_IN : CDR_OUT;
      break;
    default:
      {
        CdrContext c = s->ctx;
        c.direction_by = p->direction_rule == DIR_SHAPE ? CDR_DIRECTION_BY_SHAPE : CDR_DIRECTION_BY_CONTEXT;
        ok = cdr_direction_of_switch (&c, d, cdr_field (rec, s->col[P_CALLER]),
                                      cdr_field (rec, s->col[P_CALLEE]), &call->direction);
      }
    }
  if (!ok)
    cdr_reject (rej, CDR_REJECT_BAD_DIRECTION, "direction '%.*s' is not known to the profile",
                (int) MIN (d.len, 40), d.p);
  return ok;
}

static gboolean
read_times (const State *s, const CsvRecord *rec, CdrCall *call, CdrReject *rej)
{
  const char *fmt = s->profile->time_format;
  CdrText start = cdr_field (rec, s->col[P_START]);
  gboolean has_start = !cdr_text_empty (start);
  CdrText t0 = has_start ? start : cdr_field (rec, s->col[P_SETUP]);
  const char *name = has_start ? s->profile->columns[P_START] : s->profile->columns[P_SETUP];
  if (!cdr_require (t0, name ? name : "start", rej)
      || !cdr_time (t0, name, fmt, &s->ctx, &call->start_ms, rej))
    return FALSE;
  CdrText dur = cdr_field (rec, s->col[P_DURATION]);
  gint64 end_ms;
  if (s->col[P_DURATION] >= 0)
    {
      if (!cdr_require (dur, s->profile->columns[P_DURATION], rej)
          || !cdr_seconds (dur, s->profile->columns[P_DURATION], &call->duration, rej))
        return FALSE;
    }
  else if (!cdr_require (cdr_field (rec, s->col[P_END]), s->profile->columns[P_END], rej)
           || !cdr_time (cdr_field (rec, s->col[P_END]), s->profile->columns[P_END], fmt,
                         &s->ctx, &end_ms, rej)
           || !cdr_seconds_between (call->start_ms, end_ms, &call->duration, rej))
    return FALSE;
  call->answered = has_start || s->col[P_START] < 0;
  if (s->col[P_ANSWERED] >= 0)
    call->answered = text_in (cdr_field (rec, s->col[P_ANSWERED]), s->profile->answered_yes);
  return TRUE;
}

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  const State *s = state;
  const int check[] = { s->col[P_KEY], s->col[P_TENANT], s->col[P_USER] };

  if (!passes_filters (s, rec))
    return CDR_SKIP;
  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, s->col[P_KEY]), s->profile->columns[P_KEY], rej)
      || !read_direction (s, rec, call, rej)
      || !read_times (s, rec, call, rej)
      || !cdr_number (cdr_field (rec, s->col[P_CALLER]), "caller", &s->ctx,
                      call->direction == CDR_IN, &call->caller, rej)
      || !cdr_number (cdr_field (rec, s->col[P_CALLEE]), "callee", &s->ctx, FALSE,
                      &call->callee, rej))
    return CDR_REJECT;
  call->call_key = cdr_field (rec, s->col[P_KEY]);
  call->tenant_id = cdr_field (rec, s->col[P_TENANT]);
  call->user = cdr_field (rec, s->col[P_USER]);
  cdr_sip_code (cdr_field (rec, s->col[P_SIP]), &call->sip_code);
  cdr_finish_call (call);
  return CDR_CALL;
}

CdrFormat *
cdr_profile_load (const char *spec, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(Profile) p = g_new0 (Profile, 1);
  g_autofree CdrFormat *format = g_new0 (CdrFormat, 1);

  if (!load_keyfile (kf, spec, &p->path, error) || !load_profile (kf, p, format, error))
    {
      g_prefix_error (error, "profile '%s': ", spec);
      return NULL;
    }
  format->name = "profile";
  format->description = "CSV through a mapping profile";
  format->bind = bind;
  format->convert = convert;
  format->free_state = state_free;
  format->data = g_steal_pointer (&p);
  format->free_data = profile_free;
  return g_steal_pointer (&format);
}
