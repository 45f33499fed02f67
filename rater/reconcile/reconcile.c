/* reconcile.c — reading two CDR sources into memory and matching their calls.
 *
 * Data model: a ReconSide holds its calls as an array of fixed-size
 * ReconRecords in file order, with their variable text (call key, leg id,
 * tenant) appended to one byte arena and referred to by offset.  After
 * reading, two index arrays are sorted: BY_KEY (for collapsing duplicates
 * and for phase 1, a merge join of the two sides' key orders) and ORDER
 * (start, key, line: the deterministic output order and the tie-breaker of
 * phase 2).  Phase 2 gathers the unmatched calls of both sides, sorts them by
 * (number bucket, start), sweeps each bucket with a window of ±tolerance to
 * collect candidate pairs, sorts those nearest first and accepts greedily.
 * Everything is O(n log n).  The file is read through the same CdrReader
 * as ingest, so a side sees exactly the calls and rejects ingest would.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdrreader.h"
#include "reconcile/reconcile.h"

#define NONE G_MAXUINT32

/* ---- small helpers ---- */

static void
sort_with_data (gpointer array, gsize n, gsize size, GCompareDataFunc cmp, gpointer data)
{
#if GLIB_CHECK_VERSION (2, 82, 0)
  g_sort_array (array, n, size, cmp, data);
#else
  g_qsort_with_data (array, (gint) n, size, cmp, data);
#endif
}

static guint32
arena_add (GByteArray *arena, CdrText t)
{
  guint32 off = arena->len;
  if (t.len)
    g_byte_array_append (arena, (const guint8 *) t.p, (guint) t.len);
  return off;
}

static CdrText
arena_text (const ReconSide *side, guint32 off, guint32 len)
{
  return (CdrText) { (const char *) side->arena->data + off, len };
}

CdrText
reconcile_record_key (const ReconSide *side, const ReconRecord *r)
{
  return arena_text (side, r->key_off, r->key_len);
}

CdrText
reconcile_record_tenant (const ReconSide *side, const ReconRecord *r)
{
  return arena_text (side, r->tenant_off, r->tenant_len);
}

static int
text_cmp (CdrText a, CdrText b)
{
  int c = memcmp (a.p, b.p, MIN (a.len, b.len));
  if (c)
    return c;
  return a.len < b.len ? -1 : a.len > b.len;
}

static int
key_cmp (const ReconSide *side, guint32 a, guint32 b)
{
  const ReconRecord *ra = &g_array_index (side->records, ReconRecord, a);
  const ReconRecord *rb = &g_array_index (side->records, ReconRecord, b);
  return text_cmp (reconcile_record_key (side, ra), reconcile_record_key (side, rb));
}

void
reconcile_side_free (ReconSide *side)
{
  if (!side)
    return;
  g_free (side->path);
  g_free (side->format);
  g_clear_pointer (&side->records, g_array_unref);
  g_clear_pointer (&side->arena, g_byte_array_unref);
  g_clear_pointer (&side->slugs, g_hash_table_unref);
  g_clear_pointer (&side->messages, g_ptr_array_unref);
  g_free (side->order);
  g_free (side->rank);
  g_free (side->by_key);
  g_free (side);
}

/* ---- reading ---- */

typedef struct {
  ReconSide *side;
  const ReconcileReadOptions *opts;
  const char *fixed_operator;     /* --operator, interned */
  GHashTable *links;              /* a leg's link (FreeSWITCH bleg_uuid) -> the index of
                                   * the record naming it, for join_legs */
} SideRead;

static const char *
intern_slug (ReconSide *side, CdrText t)
{
  while (t.len && g_ascii_isspace (*t.p))
    t.p++, t.len--;
  while (t.len && g_ascii_isspace (t.p[t.len - 1]))
    t.len--;
  if (t.len == 0)
    return NULL;
  g_autofree char *slug = g_strndup (t.p, t.len);
  const char *found = g_hash_table_lookup (side->slugs, slug);
  if (found)
    return found;
  g_hash_table_add (side->slugs, slug);
  return g_steal_pointer (&slug);
}

static void
add_reject (SideRead *run, guint64 line, const char *reason, const char *detail)
{
  ReconSide *side = run->side;
  side->stats.records++;
  if (side->stats.rejects++ < run->opts->max_reported)
    g_ptr_array_add (side->messages, g_strdup_printf ("%s:%" G_GUINT64_FORMAT ": %s: %s",
                                                      side->path, line, reason, detail));
}

static void
add_call (SideRead *run, const CdrCall *call, guint64 line)
{
  ReconSide *side = run->side;
  ReconRecord r = {
    .start_ms = call->start_ms,
    .duration = call->duration,
    .line = line,
    .key_off = arena_add (side->arena, call->call_key),
    .key_len = (guint32) call->call_key.len,
    .leg_off = arena_add (side->arena, call->leg_id),
    .leg_len = (guint32) call->leg_id.len,
    .tenant_off = arena_add (side->arena, call->tenant_id),
    .tenant_len = (guint32) call->tenant_id.len,
    .operator_slug = run->fixed_operator ? run->fixed_operator
                                         : intern_slug (side, call->operator_slug),
    .caller = call->caller,
    .callee = call->callee,
    .direction = (guint8) call->direction,
    .answered = (guint8) (call->answered != FALSE),
    .leg_rank = (guint8) CLAMP (call->leg_rank, 0, 255),
  };
  side->stats.records++;
  if (call->leg_link.len)
    g_hash_table_insert (run->links, g_strndup (call->leg_link.p, call->leg_link.len),
                         GUINT_TO_POINTER (side->records->len));
  g_array_append_val (side->records, r);
}

/* A leg named by another's link (a FreeSWITCH B leg) takes the naming leg's
 * key, so that dedupe collapses the two into one call as ingest does. */
static void
join_legs (ReconSide *side, GHashTable *links)
{
  if (g_hash_table_size (links) == 0)
    return;
  for (guint i = 0; i < side->records->len; i++)
    {
      ReconRecord *r = &g_array_index (side->records, ReconRecord, i);
      g_autofree char *key = g_strndup ((const char *) side->arena->data + r->key_off, r->key_len);
      gpointer a;
      if (!g_hash_table_lookup_extended (links, key, NULL, &a))
        continue;
      const ReconRecord *named_by = &g_array_index (side->records, ReconRecord, GPOINTER_TO_UINT (a));
      r->key_off = named_by->key_off;
      r->key_len = named_by->key_len;
    }
}

static void
read_record (SideRead *run, const CdrRecord *rec)
{
  if (rec->outcome == CDR_SKIP || rec->outcome == CDR_INTERNAL)
    run->side->stats.ignored++;   /* not a call, or not a PSTN call */
  else if (rec->outcome == CDR_CALL)
    add_call (run, &rec->call, rec->line);
  else
    add_reject (run, rec->line, cdr_reject_code (rec->reject.reason), rec->reject.detail);
}

static gboolean
read_file (SideRead *run, CdrReader *reader, GError **error)
{
  CdrRecord rec;
  if (!cdrreader_open (reader, run->side->path, error))
    return FALSE;
  run->side->format = g_strdup (cdrreader_format (reader)->name);
  for (;;)
    switch (cdrreader_next (reader, &rec, error))
      {
      case CDRREADER_RECORD:
        read_record (run, &rec);
        break;
      case CDRREADER_EOF:
        return TRUE;
      case CDRREADER_ERROR:
        return FALSE;
      default:
        g_assert_not_reached ();
      }
}

/* ---- duplicates ---- */

static int
by_key_cmp (gconstpointer a, gconstpointer b, gpointer data)
{
  const ReconSide *side = data;
  guint32 ia = *(const guint32 *) a, ib = *(const guint32 *) b;
  int c = key_cmp (side, ia, ib);
  return c ? c : (ia > ib) - (ia < ib);
}

/* Does CAND displace KEPT as the call of their shared key (as ingest)? */
static gboolean
outranks (const ReconSide *side, const ReconRecord *cand, const ReconRecord *kept)
{
  if (cand->leg_rank != kept->leg_rank)
    return cand->leg_rank > kept->leg_rank;
  if (cand->leg_rank == 0)
    return FALSE;
  return text_cmp (arena_text (side, cand->leg_off, cand->leg_len),
                   arena_text (side, kept->leg_off, kept->leg_len)) < 0;
}

/* Mark all but one call of the run KEYS[from, to) sharing one key as duplicates. */
static void
collapse_run (ReconSide *side, const guint32 *keys, guint from, guint to)
{
  guint32 best = keys[from];
  for (guint k = from + 1; k < to; k++)
    {
      ReconRecord *cand = &g_array_index (side->records, ReconRecord, keys[k]);
      ReconRecord *kept = &g_array_index (side->records, ReconRecord, best);
      ReconRecord *loser = outranks (side, cand, kept) ? kept : cand;
      if (loser == kept)
        best = keys[k];
      loser->duplicate = TRUE;
      side->stats.duplicates++;
    }
}

/* Sort by key, collapse duplicates, keep the kept calls' indexes in BY_KEY. */
static void
dedupe (ReconSide *side)
{
  guint n = side->records->len;
  g_autofree guint32 *keys = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    keys[i] = i;
  sort_with_data (keys, n, sizeof *keys, by_key_cmp, side);
  for (guint from = 0, to; from < n; from = to)
    {
      for (to = from + 1; to < n && key_cmp (side, keys[from], keys[to]) == 0; to++)
        ;
      if (to - from > 1)
        collapse_run (side, keys, from, to);
    }
  side->by_key = g_new (guint32, MAX (n, 1));
  side->n_kept = 0;
  for (guint i = 0; i < n; i++)
    if (!g_array_index (side->records, ReconRecord, keys[i]).duplicate)
      side->by_key[side->n_kept++] = keys[i];
}

static int
order_cmp (gconstpointer a, gconstpointer b, gpointer data)
{
  const ReconSide *side = data;
  guint32 ia = *(const guint32 *) a, ib = *(const guint32 *) b;
  const ReconRecord *ra = &g_array_index (side->records, ReconRecord, ia);
  const ReconRecord *rb = &g_array_index (side->records, ReconRecord, ib);
  if (ra->start_ms != rb->start_ms)
    return ra->start_ms < rb->start_ms ? -1 : 1;
  int c = key_cmp (side, ia, ib);
  return c ? c : (ra->line > rb->line) - (ra->line < rb->line);
}

/* ORDER and RANK of the kept calls, and the stats that depend on them. */
static void
sort_order (ReconSide *side)
{
  guint n = side->records->len;
  side->order = g_new (guint32, MAX (side->n_kept, 1));
  memcpy (side->order, side->by_key, side->n_kept * sizeof (guint32));
  sort_with_data (side->order, side->n_kept, sizeof (guint32), order_cmp, side);
  side->rank = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    side->rank[i] = NONE;
  for (guint k = 0; k < side->n_kept; k++)
    {
      side->rank[side->order[k]] = k;
      side->stats.seconds += (guint64) g_array_index (side->records, ReconRecord, side->order[k]).duration;
    }
  side->stats.calls = side->n_kept;
}

ReconSide *
reconcile_side_read (const char *path, const char *format, const ReconcileReadOptions *opts,
                     GError **error)
{
  const CdrReaderOptions reading = {
    .format = format,
    .format_hint = "FILE:FMT",
    .country = opts->country,
    .area_code = opts->area_code,
    .tz = opts->tz,
    .direction_by = opts->direction_by,
    .contexts = opts->contexts,
  };
  g_autoptr(CdrReader) reader = cdrreader_new (&reading, error);
  if (!reader)
    return NULL;
  g_autoptr(ReconSide) side = g_new0 (ReconSide, 1);
  side->path = g_strdup (path);
  side->records = g_array_new (FALSE, FALSE, sizeof (ReconRecord));
  side->arena = g_byte_array_new ();
  side->slugs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  side->messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  SideRead run = { .side = side, .opts = opts, .links = links };

  if (opts->operator_slug)
    run.fixed_operator = intern_slug (side, (CdrText) { opts->operator_slug, strlen (opts->operator_slug) });
  if (!read_file (&run, reader, error))
    {
      g_prefix_error (error, "'%s': ", path);
      return NULL;
    }
  join_legs (side, links);
  dedupe (side);
  sort_order (side);
  return g_steal_pointer (&side);
}

/* ---- both sides in parallel ---- */

typedef struct {
  const char *path, *format;
  const ReconcileReadOptions *opts;
  ReconSide *side;
  GError *error;
} ReadJob;

static gpointer
read_job (gpointer data)
{
  ReadJob *job = data;
  job->side = reconcile_side_read (job->path, job->format, job->opts, &job->error);
  return NULL;
}

gboolean
reconcile_read_pair (const char *left_path, const char *left_format, const char *right_path,
                     const char *right_format, const ReconcileReadOptions *opts,
                     ReconSide **left, ReconSide **right, GError **error)
{
  ReadJob lj = { left_path, left_format, opts, NULL, NULL };
  ReadJob rj = { right_path, right_format, opts, NULL, NULL };
  GThread *thread = g_thread_new ("reconcile-left", read_job, &lj);
  read_job (&rj);
  g_thread_join (thread);
  if (lj.error || rj.error)
    {
      g_propagate_error (error, lj.error ? lj.error : rj.error);
      g_clear_error (lj.error ? &rj.error : &lj.error);
      reconcile_side_free (lj.side);
      reconcile_side_free (rj.side);
      return FALSE;
    }
  *left = lj.side;
  *right = rj.side;
  return TRUE;
}

/* ---- matching ---- */

gboolean
reconcile_numbers_agree (const RaterNumber *a, const RaterNumber *b)
{
  if (a->len == 0 || b->len == 0)
    return a->len == b->len;
  if (!a->masked && !b->masked)
    return a->len == b->len && memcmp (a->digits, b->digits, a->len) == 0;
  /* a masked number's visible digits begin the other one; of two masked
   * numbers, the shorter begins the longer */
  if ((a->masked && !b->masked && a->len > b->len) || (b->masked && !a->masked && b->len > a->len))
    return FALSE;
  return memcmp (a->digits, b->digits, MIN (a->len, b->len)) == 0;
}

typedef struct {
  const ReconSide *side[2];
  guint32 *taken[2];          /* per record: partner index, NONE when free */
  GArray *pairs;
  guint64 by_key, by_time;
} Matcher;

static const ReconRecord *
rec_of (const Matcher *m, int s, guint32 i)
{
  return &g_array_index (m->side[s]->records, ReconRecord, i);
}

static void
pair_add (Matcher *m, guint32 l, guint32 r, gboolean by_key)
{
  ReconPair p = { l, r, rec_of (m, 1, r)->start_ms - rec_of (m, 0, l)->start_ms, by_key };
  m->taken[0][l] = r;
  m->taken[1][r] = l;
  g_array_append_val (m->pairs, p);
  if (by_key)
    m->by_key++;
  else
    m->by_time++;
}

/* Phase 1: a merge join of the two sides' key orders. */
static void
match_keys (Matcher *m)
{
  const ReconSide *l = m->side[0], *r = m->side[1];
  guint i = 0, j = 0;
  while (i < l->n_kept && j < r->n_kept)
    {
      int c = text_cmp (reconcile_record_key (l, rec_of (m, 0, l->by_key[i])),
                        reconcile_record_key (r, rec_of (m, 1, r->by_key[j])));
      if (c < 0)
        i++;
      else if (c > 0)
        j++;
      else
        pair_add (m, l->by_key[i++], r->by_key[j++], TRUE);
    }
}

/* A call waiting for phase 2: its bucket of number prefixes and start. */
typedef struct {
  guint64 bucket;
  gint64 start_ms;
  guint32 rank;               /* in its side's ORDER */
  guint32 index;
  guint8 side;
} Waiting;

typedef struct {
  gint64 abs_delta;
  guint32 left_rank, right_rank;
  guint32 left, right;
} Candidate;

/* The first RECONCILE_BUCKET_DIGITS digits of N and how many there are. */
static guint64
prefix_code (const RaterNumber *n)
{
  guint k = MIN (n->len, RECONCILE_BUCKET_DIGITS);
  guint64 v = 0;
  for (guint i = 0; i < k; i++)
    v = v * 10 + (guint64) (n->digits[i] - '0');
  return v * (RECONCILE_BUCKET_DIGITS + 1) + k;
}

static guint64
bucket_of (const ReconRecord *r)
{
  /* 10^6 * 7 codes per number: two fit in 64 bits */
  return prefix_code (&r->callee) * G_GUINT64_CONSTANT (7000000) + prefix_code (&r->caller);
}

static int
waiting_cmp (gconstpointer a, gconstpointer b)
{
  const Waiting *x = a, *y = b;
  if (x->bucket != y->bucket)
    return x->bucket < y->bucket ? -1 : 1;
  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  if (x->side != y->side)
    return x->side < y->side ? -1 : 1;
  return (x->rank > y->rank) - (x->rank < y->rank);
}

static int
candidate_cmp (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;
  if (x->abs_delta != y->abs_delta)
    return x->abs_delta < y->abs_delta ? -1 : 1;
  if (x->left_rank != y->left_rank)
    return x->left_rank < y->left_rank ? -1 : 1;
  return (x->right_rank > y->right_rank) - (x->right_rank < y->right_rank);
}

static GArray *
waiting_calls (const Matcher *m)
{
  GArray *w = g_array_new (FALSE, FALSE, sizeof (Waiting));
  for (int s = 0; s < 2; s++)
    for (guint k = 0; k < m->side[s]->n_kept; k++)
      {
        guint32 i = m->side[s]->order[k];
        if (m->taken[s][i] != NONE)
          continue;
        const ReconRecord *r = rec_of (m, s, i);
        Waiting x = { bucket_of (r), r->start_ms, k, i, (guint8) s };
        g_array_append_val (w, x);
      }
  g_array_sort (w, waiting_cmp);
  return w;
}

static gboolean
records_agree (const ReconRecord *l, const ReconRecord *r)
{
  return reconcile_numbers_agree (&l->callee, &r->callee)
         && reconcile_numbers_agree (&l->caller, &r->caller);
}

/* Candidates of one bucket W[from, to): every left call against the right
 * calls whose start is within TOL of it and whose numbers agree. */
static void
bucket_candidates (const Matcher *m, const Waiting *w, guint from, guint to, gint64 tol,
                   GArray *out)
{
  guint lo = from;   /* first right call that may still be in a window */
  for (guint i = from; i < to; i++)
    {
      if (w[i].side != 0)
        continue;
      while (lo < to && (w[lo].side != 1 || w[lo].start_ms < w[i].start_ms - tol))
        lo++;
      for (guint j = lo; j < to && w[j].start_ms <= w[i].start_ms + tol; j++)
        if (w[j].side == 1 && records_agree (rec_of (m, 0, w[i].index), rec_of (m, 1, w[j].index)))
          {
            Candidate c = { ABS (w[j].start_ms - w[i].start_ms), w[i].rank, w[j].rank,
                            w[i].index, w[j].index };
            g_array_append_val (out, c);
          }
    }
}

/* Phase 2: nearest first within tolerance, each call used once. */
static void
match_times (Matcher *m, gint64 tol)
{
  g_autoptr(GArray) w = waiting_calls (m);
  g_autoptr(GArray) cand = g_array_new (FALSE, FALSE, sizeof (Candidate));
  const Waiting *wv = (const Waiting *) (void *) w->data;
  for (guint from = 0, to; from < w->len; from = to)
    {
      for (to = from + 1; to < w->len && wv[to].bucket == wv[from].bucket; to++)
        ;
      bucket_candidates (m, wv, from, to, tol, cand);
    }
  g_array_sort (cand, candidate_cmp);
  for (guint k = 0; k < cand->len; k++)
    {
      const Candidate *c = &g_array_index (cand, Candidate, k);
      if (m->taken[0][c->left] == NONE && m->taken[1][c->right] == NONE)
        pair_add (m, c->left, c->right, FALSE);
    }
}

static int
pair_cmp (gconstpointer a, gconstpointer b, gpointer data)
{
  const ReconSide *left = ((const Matcher *) data)->side[0];
  guint32 x = left->rank[((const ReconPair *) a)->left];
  guint32 y = left->rank[((const ReconPair *) b)->left];
  return (x > y) - (x < y);
}

static GArray *
unmatched (const Matcher *m, int s)
{
  GArray *only = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint k = 0; k < m->side[s]->n_kept; k++)
    if (m->taken[s][m->side[s]->order[k]] == NONE)
      g_array_append_val (only, m->side[s]->order[k]);
  return only;
}

void
reconcile_match_free (ReconMatch *match)
{
  if (!match)
    return;
  g_clear_pointer (&match->pairs, g_array_unref);
  g_clear_pointer (&match->left_only, g_array_unref);
  g_clear_pointer (&match->right_only, g_array_unref);
  g_free (match);
}

ReconMatch *
reconcile_match (const ReconSide *left, const ReconSide *right, gint64 tolerance_ms)
{
  g_assert (tolerance_ms >= 0);
  Matcher m = { { left, right }, { NULL, NULL }, g_array_new (FALSE, FALSE, sizeof (ReconPair)), 0, 0 };
  for (int s = 0; s < 2; s++)
    {
      guint n = m.side[s]->records->len;
      m.taken[s] = g_new (guint32, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        m.taken[s][i] = NONE;
    }
  match_keys (&m);
  match_times (&m, tolerance_ms);

  ReconMatch *match = g_new0 (ReconMatch, 1);
  sort_with_data (m.pairs->data, m.pairs->len, sizeof (ReconPair), pair_cmp, &m);
  match->pairs = m.pairs;
  match->left_only = unmatched (&m, 0);
  match->right_only = unmatched (&m, 1);
  match->by_key = m.by_key;
  match->by_time = m.by_time;
  g_free (m.taken[0]);
  g_free (m.taken[1]);
  return match;
}
