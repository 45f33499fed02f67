/* graphfetch.c — Microsoft Graph call records fetched into files (see
 * graphfetch.h): the pure parts (days, windows, page names, Retry-After,
 * test URLs, the secret), then the fetch over libcurl.
 *
 * A Fetcher holds the curl handle (its connections are reused), the
 * endpoints and the current token.  Every request goes through perform()
 * and send_with_retries() (429/503 and Retry-After); a
 * Graph page through fetch_page() (the token, and a new one on a 401); a
 * window through fetch_window() (pages in order, each written whole before
 * the next is asked for).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-glib/json-glib.h>

#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/timeparse.h"
#include "ingest/graphfetch.h"

#define LOGIN_URL "https://login.microsoftonline.com"
#define GRAPH_URL "https://graph.microsoft.com/v1.0"
#define GRAPH_SCOPE "https://graph.microsoft.com/.default"
#define LOGIN_URL_ENV "RATER_GRAPH_LOGIN_URL"
#define GRAPH_URL_ENV "RATER_GRAPH_URL"
#define CA_FILE_ENV "RATER_GRAPH_CA_FILE"
#define TOKEN_MARGIN_SECONDS 60     /* a token is renewed this long before it expires */
#define CONNECT_TIMEOUT_SECONDS 30
#define STALL_TIMEOUT_SECONDS 120   /* a transfer with no byte for this long fails */
#define MAX_BODY_BYTES (512u << 20) /* a page is about 1,000 rows: far less */
#define SECRET_MAX_BYTES 4096
#define MAX_PAGES 1000000          /* per window: a nextLink loop stops here */
#define ERROR_TEXT_MAX 300         /* of an error message quoted from a response */

/* ---- kinds, days, windows, names ---- */

gboolean
graph_kind_parse (const char *name, GraphKind *kind)
{
  if (g_strcmp0 (name, "pstn") == 0)
    return *kind = GRAPH_KIND_PSTN, TRUE;
  if (g_strcmp0 (name, "dr") == 0)
    return *kind = GRAPH_KIND_DR, TRUE;
  return FALSE;
}

const char *
graph_kind_name (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "dr" : "pstn";
}

const char *
graph_kind_format (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "graph-dr" : "graph-pstn";
}

static const char *
kind_function (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "getDirectRoutingCalls" : "getPstnCalls";
}

static const char *
kind_row_type (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "directRoutingLogRow" : "pstnCallLogRow";
}

static int
digits (const char *p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return -1;
      v = v * 10 + (p[i] - '0');
    }
  return v;
}

gboolean
graph_parse_day (const char *text, gint64 *day)
{
  if (!text || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  int y = digits (text, 4), m = digits (text + 5, 2), d = digits (text + 8, 2);
  if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 || d > time_days_in_month (y, m))
    return FALSE;
  *day = time_days_from_civil (y, m, d);
  return TRUE;
}

static void
format_day (gint64 day, char buf[11])
{
  int y, m, d;
  time_civil_from_days (day, &y, &m, &d);
  g_snprintf (buf, 11, "%04d-%02d-%02d", y, m, d);
}

GArray *
graph_split_range (gint64 from_day, gint64 to_day)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (GraphWindow));
  for (gint64 start = from_day; start <= to_day; start += GRAPH_WINDOW_DAYS)
    {
      GraphWindow w = { start, MIN (to_day, start + GRAPH_WINDOW_DAYS - 1) };
      g_array_append_val (windows, w);
    }
  return windows;
}

char *
graph_page_name (GraphKind kind, const GraphWindow *window, guint page)
{
  char from[11], to[11];
  format_day (window->from_day, from);
  format_day (window->to_day, to);
  return g_strdup_printf ("%s-%s_%s-%04u.json", graph_kind_format (kind), from, to, page);
}

char *
graph_window_url (const char *base, GraphKind kind, const GraphWindow *window)
{
  char from[11], to[11];
  format_day (window->from_day, from);
  format_day (window->to_day, to);
  return g_strdup_printf ("%s/communications/callRecords/%s(fromDateTime=%sT00:00:00Z,"
                          "toDateTime=%sT23:59:59.9999999Z)", base, kind_function (kind), from,
                          to);
}

gboolean
graph_parse_retry_after (const char *value, gint64 now, guint64 *seconds)
{
  if (!value)
    return FALSE;
  g_autofree char *v = g_strstrip (g_strdup (value));
  if (*v && strspn (v, "0123456789") == strlen (v))
    return g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT32, seconds, NULL);
  time_t when = g_str_has_suffix (v, " GMT") ? curl_getdate (v, NULL) : -1;
  if (when == -1)
    return FALSE;
  gint64 wait = (gint64) when - now;
  *seconds = wait > 0 ? (guint64) wait : 0;
  return TRUE;
}

gboolean
graph_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (!uri || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_userinfo (uri))
    return FALSE;
  const char *host = g_uri_get_host (uri);
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0
         || g_strcmp0 (host, "[::1]") == 0 || g_ascii_strcasecmp (host ? host : "", "localhost") == 0;
}

/* ---- the secret ---- */

#define usage(error, ...) rater_fail ((error), RATER_ERROR_USAGE, __VA_ARGS__)

/* The first line of the bytes of FD (at most SECRET_MAX_BYTES), trimmed. */
static char *
read_first_line (int fd, const char *path, GError **error)
{
  g_autofree char *buf = g_malloc0 (SECRET_MAX_BYTES + 1);
  gsize len = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, SECRET_MAX_BYTES - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return usage (error, "secret file '%s': %s", path, g_strerror (errno)), NULL;
      if (n == 0 || (len += (gsize) n) == SECRET_MAX_BYTES)
        break;
    }
  buf[strcspn (buf, "\r\n")] = '\0';
  g_strstrip (buf);
  if (!*buf)
    return usage (error, "secret file '%s' is empty: write the client secret on its first line",
                  path), NULL;
  return g_steal_pointer (&buf);
}

static char *
read_secret_file (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return usage (error, "secret file '%s': %s", path, g_strerror (errno)), NULL;
  struct stat st;
  char *secret = NULL;
  if (fstat (fd, &st) != 0)
    usage (error, "secret file '%s': %s", path, g_strerror (errno));
  else if (!S_ISREG (st.st_mode))
    usage (error, "secret file '%s' is not a regular file", path);
  else if (st.st_mode & 077)
    usage (error, "secret file '%s' can be read or written by its group or others (mode %04o):"
           " run 'chmod 600 %s'", path, (unsigned) (st.st_mode & 07777), path);
  else
    secret = read_first_line (fd, path, error);
  close (fd);
  return secret;
}

char *
graph_read_secret (const char *path, GError **error)
{
  if (path)
    return read_secret_file (path, error);
  const char *env = g_getenv (GRAPH_SECRET_ENV);
  if (env && *env)
    return g_strdup (env);
  return usage (error, "no client secret: give --secret-file FILE (mode 0600) or set %s",
                GRAPH_SECRET_ENV), NULL;
}

void
graph_fetch_stats_clear (GraphFetchStats *stats)
{
  g_clear_pointer (&stats->files, g_ptr_array_unref);
  *stats = (GraphFetchStats) { 0 };
}

/* ---- the fetcher ---- */

typedef struct {
  const GraphFetchOptions *opts;
  GraphFetchStats *stats;
  CURL *curl;                   /* one handle: its connections are reused */
  char *login_url, *graph_url;  /* bases, without a trailing '/' */
  const char *ca_file;          /* tests: the stub's certificate; NULL: the system's */
  gboolean loopback;            /* tests: never through a proxy */
  char *token;                  /* NULL: none yet, or dropped */
  gint64 token_renew_at;        /* monotonic microseconds */
  guint tokens;
} Fetcher;

/* What came back: the status, the body and the Retry-After header. */
typedef struct {
  long status;
  GByteArray *body;
  char *retry_after;
} Response;

static void
response_clear (Response *r)
{
  if (r->body)
    g_byte_array_unref (r->body);
  g_free (r->retry_after);
  *r = (Response) { 0 };
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

static void
fetcher_clear (Fetcher *f)
{
  if (f->curl)
    curl_easy_cleanup (f->curl);
  f->curl = NULL;
  g_clear_pointer (&f->login_url, g_free);
  g_clear_pointer (&f->graph_url, g_free);
  g_clear_pointer (&f->token, g_free);
}

#define tempfail(error, ...) rater_fail ((error), RATER_ERROR_TEMPFAIL, __VA_ARGS__)

/* The endpoint base of ENV (tests: loopback https only) or FALLBACK. */
static gboolean
endpoint (const char *env, const char *fallback, char **out, gboolean *overridden,
          GError **error)
{
  const char *v = g_getenv (env);
  *overridden = v && *v;
  if (!*overridden)
    return *out = g_strdup (fallback), TRUE;
  if (!graph_url_is_loopback (v))
    return usage (error, "%s='%s' is refused: it is for tests and takes only an https URL on"
                  " 127.0.0.1, ::1 or localhost; unset it to reach Microsoft", env, v);
  *out = g_strdup (v);
  gsize n = strlen (*out);
  while (n > 0 && (*out)[n - 1] == '/')
    (*out)[--n] = '\0';
  return TRUE;
}

static gboolean
fetcher_init (Fetcher *f, GError **error)
{
  gboolean login_test, graph_test;
  if (!endpoint (LOGIN_URL_ENV, LOGIN_URL, &f->login_url, &login_test, error)
      || !endpoint (GRAPH_URL_ENV, GRAPH_URL, &f->graph_url, &graph_test, error))
    return FALSE;
  f->loopback = login_test && graph_test;
  const char *ca = g_getenv (CA_FILE_ENV);
  if (ca && *ca)
    {
      if (!f->loopback)
        return usage (error, "%s is for tests: it is honoured only with %s and %s on loopback",
                      CA_FILE_ENV, LOGIN_URL_ENV, GRAPH_URL_ENV);
      if (!g_file_test (ca, G_FILE_TEST_IS_REGULAR))
        return usage (error, "%s '%s' is not a file", CA_FILE_ENV, ca);
      f->ca_file = ca;
    }
  if (!(f->curl = curl_easy_init ()))
    {
      g_set_error_literal (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "libcurl cannot start");
      return FALSE;
    }
  return TRUE;
}

static size_t
on_body (char *data, size_t size, size_t n, void *user)
{
  GByteArray *body = user;
  if (body->len + size * n > MAX_BODY_BYTES)
    return 0;                   /* libcurl fails the transfer: CURLE_WRITE_ERROR */
  g_byte_array_append (body, (const guint8 *) data, (guint) (size * n));
  return size * n;
}

static size_t
on_header (char *data, size_t size, size_t n, void *user)
{
  Response *r = user;
  size_t len = size * n;
  static const char name[] = "Retry-After:";
  if (len >= 5 && strncmp (data, "HTTP/", 5) == 0)
    g_clear_pointer (&r->retry_after, g_free);   /* a new response (after a 100) */
  else if (len > strlen (name) && g_ascii_strncasecmp (data, name, strlen (name)) == 0)
    {
      g_free (r->retry_after);
      r->retry_after = g_strstrip (g_strndup (data + strlen (name), len - strlen (name)));
    }
  return len;
}

/* One request: a POST of FORM, or a GET with the current token (FORM NULL). */
static gboolean
perform (Fetcher *f, const char *url, const char *form, Response *r, const char *what,
         GError **error)
{
  CURL *c = f->curl;
  char message[CURL_ERROR_SIZE] = "";
  g_autofree char *auth = form ? NULL : g_strconcat ("Authorization: Bearer ", f->token, NULL);
  struct curl_slist *headers = curl_slist_append (NULL, "Accept: application/json");
  if (auth && headers)
    headers = curl_slist_append (headers, auth);
  response_clear (r);
  r->body = g_byte_array_new ();
  curl_easy_reset (c);
  gboolean set = curl_easy_setopt (c, CURLOPT_URL, url) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, (long) CONNECT_TIMEOUT_SECONDS) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, (long) STALL_TIMEOUT_SECONDS) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_ERRORBUFFER, message) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_WRITEDATA, r->body) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK
    && curl_easy_setopt (c, CURLOPT_HEADERDATA, r) == CURLE_OK
    && (!form || (curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE, (long) strlen (form)) == CURLE_OK
                  && curl_easy_setopt (c, CURLOPT_POSTFIELDS, form) == CURLE_OK))
    && (!f->ca_file || curl_easy_setopt (c, CURLOPT_CAINFO, f->ca_file) == CURLE_OK)
    && (!f->loopback || curl_easy_setopt (c, CURLOPT_NOPROXY, "*") == CURLE_OK);
  CURLcode rc = set && headers ? curl_easy_perform (c) : CURLE_OUT_OF_MEMORY;
  curl_slist_free_all (headers);
  if (rc != CURLE_OK)
    return tempfail (error, "%s: %s; run again later", what,
                     *message ? message : curl_easy_strerror (rc));
  return curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &r->status) == CURLE_OK
         || tempfail (error, "%s: no HTTP status", what);
}

/* A short text of an error response: Graph's {"error":{"code","message"}}
 * or the login's {"error","error_description"} (its first line), else
 * "HTTP STATUS". */
static char *
error_text (const Response *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = r->body && r->body->len
                   && json_parser_load_from_data (parser, (const char *) r->body->data,
                                                  (gssize) r->body->len, NULL)
                   ? json_parser_get_root (parser) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *e = o ? json_object_get_member (o, "error") : NULL;
  g_autofree char *text = NULL;
  if (e && JSON_NODE_HOLDS_OBJECT (e))
    {
      JsonObject *eo = json_node_get_object (e);
      text = g_strdup_printf ("%s: %s", json_object_get_string_member_with_default (eo, "code", "?"),
                              json_object_get_string_member_with_default (eo, "message", ""));
    }
  else if (e && JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
    {
      const char *d = json_object_get_string_member_with_default (o, "error_description", "");
      text = g_strdup_printf ("%s: %.*s", json_node_get_string (e), (int) strcspn (d, "\r\n"), d);
    }
  else
    text = g_strdup_printf ("HTTP %ld", r->status);
  if (strlen (text) > ERROR_TEXT_MAX)
    strcpy (text + ERROR_TEXT_MAX - 3, "...");
  return g_steal_pointer (&text);
}

static guint64
retry_wait (const Response *r, guint retry)
{
  guint64 seconds;
  if (graph_parse_retry_after (r->retry_after, g_get_real_time () / G_USEC_PER_SEC, &seconds))
    return seconds;
  return (guint64) 1 << MIN (retry, 10u);
}

/* perform() until the answer is neither 429 nor 503 (see graphfetch.h). */
static gboolean
send_with_retries (Fetcher *f, const char *url, const char *form, const char *what, Response *r,
                   GError **error)
{
  for (guint retry = 0;; retry++)
    {
      if (!perform (f, url, form, r, what, error))
        return FALSE;
      if (r->status != 429 && r->status != 503)
        return TRUE;
      g_autofree char *text = error_text (r);
      if (retry == GRAPH_MAX_RETRIES)
        return tempfail (error, "%s: still %ld (%s) after %u retries; run again later", what,
                         r->status, text, retry);
      guint64 wait = retry_wait (r, retry);
      if (wait > GRAPH_MAX_WAIT_SECONDS)
        return tempfail (error, "%s: %ld, asked to wait %" G_GUINT64_FORMAT " s (more than %d);"
                         " run again later", what, r->status, wait, GRAPH_MAX_WAIT_SECONDS);
      g_message ("%s: %ld (%s): waiting %" G_GUINT64_FORMAT " s, retry %u of %d", what, r->status,
                 text, wait, retry + 1, GRAPH_MAX_RETRIES);
      f->stats->retries++;
      g_usleep ((gulong) (wait * G_USEC_PER_SEC));
    }
}

/* ---- the token ---- */

/* The form of the client-credentials grant (holds the secret: wiped after use). */
static char *
token_form (Fetcher *f)
{
  const GraphFetchOptions *o = f->opts;
  char *id = curl_easy_escape (f->curl, o->client_id, 0);
  char *secret = curl_easy_escape (f->curl, o->secret, 0);
  char *scope = curl_easy_escape (f->curl, GRAPH_SCOPE, 0);
  char *form = id && secret && scope
               ? g_strdup_printf ("client_id=%s&client_secret=%s&scope=%s"
                                  "&grant_type=client_credentials", id, secret, scope) : NULL;
  if (secret)
    memset (secret, 0, strlen (secret));
  curl_free (id);
  curl_free (secret);
  curl_free (scope);
  return form;
}

static gboolean
parse_token (Fetcher *f, const Response *r, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = r->body->len
                   && json_parser_load_from_data (parser, (const char *) r->body->data,
                                                  (gssize) r->body->len, NULL)
                   ? json_parser_get_root (parser) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *token = o ? json_object_get_string_member_with_default (o, "access_token", NULL)
                        : NULL;
  if (!token || !*token)
    return tempfail (error, "the login's answer holds no access_token; run again later");
  JsonNode *e = json_object_get_member (o, "expires_in");   /* a number; v1.0's login: a string */
  gint64 expires = !e || !JSON_NODE_HOLDS_VALUE (e) ? 3599
                   : json_node_get_value_type (e) == G_TYPE_STRING
                   ? g_ascii_strtoll (json_node_get_string (e), NULL, 10) : json_node_get_int (e);
  g_free (f->token);
  f->token = g_strdup (token);
  f->token_renew_at = g_get_monotonic_time ()
                      + MAX (expires - TOKEN_MARGIN_SECONDS, 1) * G_USEC_PER_SEC;
  if (f->tokens++)
    f->stats->token_renewals++;
  return TRUE;
}

static gboolean
get_token (Fetcher *f, GError **error)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/oauth2/v2.0/token", f->login_url,
                                          f->opts->tenant);
  char *form = token_form (f);
  g_auto(Response) r = { 0 };
  if (!form)
    return tempfail (error, "token: out of memory");
  gboolean sent = send_with_retries (f, url, form, "token", &r, error);
  memset (form, 0, strlen (form));
  g_free (form);
  if (!sent)
    return FALSE;
  if (r.status == 200)
    return parse_token (f, &r, error);
  g_autofree char *text = error_text (&r);
  if (r.status == 400 || r.status == 401)
    return usage (error, "the login refused client '%s' of tenant '%s' (%ld %s): check"
                  " --tenant, --client-id and the secret", f->opts->client_id, f->opts->tenant,
                  r.status, text);
  return tempfail (error, "the login answered %ld (%s); run again later", r.status, text);
}

static gboolean
ensure_token (Fetcher *f, GError **error)
{
  if (f->token && g_get_monotonic_time () < f->token_renew_at)
    return TRUE;
  return get_token (f, error);
}

/* ---- pages ---- */

/* The Graph page at URL into *R (WHAT names it in messages). */
static gboolean
fetch_page (Fetcher *f, const char *url, const char *what, Response *r, GError **error)
{
  for (gboolean renewed = FALSE;; renewed = TRUE)
    {
      if (!ensure_token (f, error))
        return FALSE;
      g_debug ("GET %s", url);
      if (!send_with_retries (f, url, NULL, what, r, error))
        return FALSE;
      if (r->status == 200)
        return TRUE;
      g_autofree char *text = error_text (r);
      if (r->status == 401 && !renewed)
        {
          g_message ("%s: 401 (%s): fetching a new access token", what, text);
          g_clear_pointer (&f->token, g_free);
          continue;
        }
      if (r->status == 401 || r->status == 403)
        return usage (error, "%s: Graph refused access (%ld %s): the application needs the"
                      " application permission CallRecords.Read.All with an admin's consent",
                      what, r->status, text);
      if (r->status >= 400 && r->status < 500)
        return usage (error, "%s: Graph refused the request (%ld %s)", what, r->status, text);
      return tempfail (error, "%s: Graph answered %ld (%s); run again later", what, r->status,
                       text);
    }
}

/* Check BODY is a page of the kind asked for; its rows into *ROWS and its
 * nextLink (NULL on the last page) into *NEXT. */
static gboolean
parse_page (Fetcher *f, const GByteArray *body, const char *what, guint *rows, char **next,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  if (!body->len || !json_parser_load_from_data (parser, (const char *) body->data,
                                                 (gssize) body->len, &local))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "%s: not JSON: %s", what,
                        local ? local->message : "empty"), FALSE;
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *value = o ? json_object_get_member (o, "value") : NULL;
  const char *context = o ? json_object_get_string_member_with_default (o, "@odata.context", "")
                          : "";
  if (!value || !JSON_NODE_HOLDS_ARRAY (value) || !strstr (context, kind_row_type (f->opts->kind)))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                        "%s: not a page of %s (no value array or @odata.context of %s)", what,
                        kind_function (f->opts->kind), kind_row_type (f->opts->kind)), FALSE;
  *rows = json_array_get_length (json_node_get_array (value));
  const char *link = json_object_get_string_member_with_default (o, "@odata.nextLink", NULL);
  g_autofree char *prefix = g_strconcat (f->graph_url, "/", NULL);
  if (link && !g_str_has_prefix (link, prefix))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                        "%s: @odata.nextLink leaves %s: not followed", what, f->graph_url), FALSE;
  *next = g_strdup (link);
  return TRUE;
}

static gboolean
write_page (Fetcher *f, const char *name, const GByteArray *body, GError **error)
{
  g_autofree char *path = g_build_filename (f->opts->out_dir, name, NULL);
  if (!f->stats->files->len && !outfile_mkdir (f->opts->out_dir, error))
    return FALSE;               /* made for the first page: a refused fetch leaves nothing */
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  if (body->len)
    fwrite (body->data, 1, body->len, outfile_stream (out));   /* outfile_commit checks it */
  if (!outfile_commit (out, error))
    return FALSE;
  g_ptr_array_add (f->stats->files, g_steal_pointer (&path));
  return TRUE;
}

static gboolean
fetch_window (Fetcher *f, const GraphWindow *w, GError **error)
{
  char from[11], to[11];
  format_day (w->from_day, from);
  format_day (w->to_day, to);
  g_autofree char *url = graph_window_url (f->graph_url, f->opts->kind, w);
  for (guint page = 1; url; page++)
    {
      g_autofree char *what = g_strdup_printf ("%s %s..%s page %u", kind_function (f->opts->kind),
                                               from, to, page);
      if (page > MAX_PAGES)
        return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                            "%s: more than %d pages: @odata.nextLink does not end", what,
                            MAX_PAGES), FALSE;
      g_auto(Response) r = { 0 };
      g_autofree char *next = NULL;
      g_autofree char *name = graph_page_name (f->opts->kind, w, page);
      guint rows = 0;
      if (!fetch_page (f, url, what, &r, error) || !parse_page (f, r.body, what, &rows, &next, error)
          || !write_page (f, name, r.body, error))
        return FALSE;
      f->stats->pages++;
      f->stats->rows += rows;
      g_debug ("%s: %u rows written to %s", what, rows, name);
      g_free (url);
      url = g_steal_pointer (&next);
    }
  f->stats->windows++;
  return TRUE;
}

/* Remove OUT/graph-KIND-*.rater-tmp-XXXXXX that a killed fetch left. */
static void
remove_stale_temporaries (const GraphFetchOptions *o)
{
  g_autoptr(GDir) dir = g_dir_open (o->out_dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (graph_kind_format (o->kind), "-", NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      const char *tmp = g_strrstr (name, OUTFILE_TMP_INFIX);
      if (!g_str_has_prefix (name, prefix) || !tmp
          || strlen (tmp) != strlen (OUTFILE_TMP_INFIX "XXXXXX"))
        continue;
      g_autofree char *path = g_build_filename (o->out_dir, name, NULL);
      struct stat st;
      if (lstat (path, &st) == 0 && S_ISREG (st.st_mode) && unlink (path) == 0)
        g_message ("removed '%s', left by a fetch that was stopped", path);
    }
}

/* A tenant (GUID or domain) and a client id go into a URL and a form:
 * only their own characters. */
static gboolean
check_names (const GraphFetchOptions *o, GError **error)
{
  const char *tenant_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
  if (!o->tenant || !*o->tenant || strlen (o->tenant) > 253
      || strspn (o->tenant, tenant_chars) != strlen (o->tenant))
    return usage (error, "the tenant must be a directory (tenant) id or a domain, not '%s'",
                  o->tenant ? o->tenant : "");
  if (!o->client_id || !*o->client_id || strlen (o->client_id) > 128
      || strspn (o->client_id, tenant_chars) != strlen (o->client_id))
    return usage (error, "the client id must be an application (client) id, not '%s'",
                  o->client_id ? o->client_id : "");
  if (o->from_day > o->to_day)
    return usage (error, "the range ends before it starts");
  return TRUE;
}

gboolean
graph_fetch (const GraphFetchOptions *opts, GraphFetchStats *stats, GError **error)
{
  g_return_val_if_fail (opts && opts->secret && opts->out_dir && stats, FALSE);
  graph_fetch_stats_clear (stats);
  stats->files = g_ptr_array_new_with_free_func (g_free);
  if (!check_names (opts, error))
    return FALSE;
  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    {
      g_set_error_literal (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "libcurl cannot start");
      return FALSE;
    }
  Fetcher f = { opts, stats };
  gboolean ok = fetcher_init (&f, error);
  if (ok)
    remove_stale_temporaries (opts);
  g_autoptr(GArray) windows = graph_split_range (opts->from_day, opts->to_day);
  for (guint i = 0; ok && i < windows->len; i++)
    ok = fetch_window (&f, &g_array_index (windows, GraphWindow, i), error);
  fetcher_clear (&f);
  curl_global_cleanup ();
  return ok;
}
