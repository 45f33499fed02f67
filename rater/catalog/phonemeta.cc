/* phonemeta.cc — libphonenumber's metadata as a compact C table (phonemeta.h).
 *
 * Data model: at first use, the serialized PhoneMetadataCollection that
 * libphonenumber compiles into itself (metadata_get(), and short_metadata_get()
 * for short codes; the same bytes PhoneNumberUtil reads at start-up) is parsed
 * once into one PhoneMetaRegion per region, indexed by alpha-2 in a 26x26
 * array, and the main region of every calling code in a 1000-slot array.
 * The metadata's international prefix is a pattern: a literal one ("00",
 * "810") is kept as digits, any other (KR, AU, BR, ...) is compiled as an
 * anchored GRegex.  Lengths become bit sets.
 *
 * Validity replays PhoneNumberUtil::IsValidNumberForRegion on the metadata's
 * descriptions (a Validator per region, its GRegexes compiled at first use);
 * IsValidNumber is "valid in one of the regions of its calling code".  The
 * short-number answers of ShortNumberInfo are cached in one hash table under
 * a mutex (cleared when it grows past VALID_CACHE_MAX entries).
 *
 * metadata_get() and short_metadata_get() are exported by libphonenumber but
 * declared in its uninstalled metadata.h / short_metadata.h: they are declared
 * here exactly as there, and configure checks that they link.
 */
#include "config.h"

#include "catalog/phonemeta.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>

#include <cstring>
#include <set>

namespace i18n {
namespace phonenumbers {
int metadata_size ();
const void *metadata_get ();
int short_metadata_size ();
const void *short_metadata_get ();
}  // namespace phonenumbers
}  // namespace i18n

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using i18n::phonenumbers::ShortNumberInfo;

#define VALID_CACHE_MAX 200000
#define N_DESCS 11                        /* the general description, then ten types */

namespace {

/* One PhoneNumberDesc: a national number is of it when its length is one of
 * LENGTHS (0: the general description's) and PATTERN matches all of it. */
struct Desc {
  guint32 lengths;
  gboolean none;                          /* the region has no numbers of this type */
  char *pattern;                          /* NULL when there is none */
  GRegex *re;                             /* compiled at first use */
};

/* What PhoneNumberUtil::IsValidNumberForRegion looks at, for one region:
 * the general description, then fixed line, mobile, toll free, premium,
 * shared cost, personal, VoIP, pager, UAN, voicemail.  Valid: the general
 * description and one type match. */
struct Validator {
  Desc descs[N_DESCS];
  gint compiled;                          /* atomic: the GRegexes are built */
};

struct Table {
  PhoneMetaRegion *by_alpha[26 * 26];     /* owned, NULL where no region */
  Validator *valid_alpha[26 * 26];        /* the same regions' validators */
  const PhoneMetaRegion *by_code[1000];   /* main region of a calling code */
  GPtrArray *valid_code[1000];            /* every Validator of a calling code,
                                           * non-geographic entities included */
  gboolean assigned[1000];                /* a calling code libphonenumber knows */
  gsize n_regions;
};

Table *table;
ShortNumberInfo *short_info;              /* built once with the table */
GMutex cache_lock;
GHashTable *valid_cache;                  /* "S<region>:number" -> 1 invalid, 2 valid */

int
alpha_index (const char *alpha2)
{
  if (alpha2 == NULL || !g_ascii_isupper (alpha2[0]) || !g_ascii_isupper (alpha2[1])
      || alpha2[2] != '\0')
    return -1;
  return (alpha2[0] - 'A') * 26 + (alpha2[1] - 'A');
}

guint32
length_bits (const google::protobuf::RepeatedField<google::protobuf::int32> &lengths)
{
  guint32 bits = 0;

  for (int len : lengths)
    if (len > 0 && len < 32)
      bits |= 1u << len;
  return bits;
}

guint8
lowest_bit (guint32 bits)
{
  for (guint8 i = 0; i < 32; i++)
    if (bits & (1u << i))
      return i;
  return 0;
}

guint8
highest_bit (guint32 bits)
{
  for (guint8 i = 31; i > 0; i--)
    if (bits & (1u << i))
      return i;
  return 0;
}

gboolean
all_digits (const std::string &s)
{
  for (char c : s)
    if (!g_ascii_isdigit (c))
      return FALSE;
  return TRUE;
}

gpointer
pattern_new (const std::string &pattern)
{
  g_autofree char *group = g_strdup_printf ("(?:%s)", pattern.c_str ());
  GRegex *re = g_regex_new (group, (GRegexCompileFlags) (G_REGEX_ANCHORED | G_REGEX_OPTIMIZE),
                            (GRegexMatchFlags) 0, NULL);

  g_assert (re != NULL);
  return re;
}

/* The length of what RE matches at the start of DIGITS[0..N). */
gsize
pattern_match_len (gpointer re, const char *digits, gsize n)
{
  char buf[40];
  GMatchInfo *match = NULL;
  gint end = 0;

  n = MIN (n, sizeof buf - 1);
  memcpy (buf, digits, n);
  buf[n] = '\0';
  if (g_regex_match ((GRegex *) re, buf, (GRegexMatchFlags) 0, &match))
    g_match_info_fetch_pos (match, 0, NULL, &end);
  g_match_info_free (match);
  return (gsize) MAX (end, 0);
}

/* The literal digits of a prefix, or "" with *PATTERN set for a pattern. */
void
set_intl_prefix (PhoneMetaRegion *r, const PhoneMetadata &m)
{
  const std::string &idd = m.international_prefix ();

  if (idd.empty ())
    return;
  if (all_digits (idd) && idd.size () < PHONEMETA_MAX_PREFIX)
    {
      g_strlcpy (r->intl_prefix, idd.c_str (), sizeof r->intl_prefix);
      return;
    }
  r->intl_pattern = pattern_new (idd);
}

/* The trunk prefix, and a pattern when the metadata strips more than it
 * and the pattern only strips (no captured carrier code to transform). */
void
set_trunk_prefix (PhoneMetaRegion *r, const PhoneMetadata &m)
{
  const std::string &np = m.national_prefix ();
  const std::string &npp = m.national_prefix_for_parsing ();

  if (all_digits (np) && np.size () < PHONEMETA_MAX_PREFIX)
    g_strlcpy (r->trunk_prefix, np.c_str (), sizeof r->trunk_prefix);
  if (np.empty () || npp.empty () || npp == np || m.has_national_prefix_transform_rule ())
    return;
  for (size_t i = 0; i < npp.size (); i++)
    if (npp[i] == '(' && npp.compare (i, 3, "(?:") != 0)
      return;
  r->trunk_pattern = pattern_new (npp);
}

void
desc_init (Desc *d, const i18n::phonenumbers::PhoneNumberDesc &desc)
{
  for (int len : desc.possible_length ())
    if (len < 0)
      d->none = TRUE;
  d->lengths = length_bits (desc.possible_length ());
  if (desc.has_national_number_pattern () && !desc.national_number_pattern ().empty ())
    d->pattern = g_strdup_printf ("(?:%s)$", desc.national_number_pattern ().c_str ());
  else
    d->none = TRUE;
}

Validator *
validator_new (const PhoneMetadata &m)
{
  Validator *v = g_new0 (Validator, 1);
  const i18n::phonenumbers::PhoneNumberDesc *descs[N_DESCS] = {
    &m.general_desc (), &m.fixed_line (), &m.mobile (), &m.toll_free (),
    &m.premium_rate (), &m.shared_cost (), &m.personal_number (), &m.voip (),
    &m.pager (), &m.uan (), &m.voicemail (),
  };

  for (int i = 0; i < N_DESCS; i++)
    desc_init (&v->descs[i], *descs[i]);
  return v;
}

GMutex compile_lock;

void
validator_compile (Validator *v)
{
  if (g_atomic_int_get (&v->compiled))
    return;
  g_mutex_lock (&compile_lock);
  for (int i = 0; i < N_DESCS && !v->compiled; i++)
    if (v->descs[i].pattern != NULL)
      v->descs[i].re = g_regex_new (v->descs[i].pattern,
                                    (GRegexCompileFlags) (G_REGEX_ANCHORED | G_REGEX_OPTIMIZE
                                                          | G_REGEX_DOLLAR_ENDONLY),
                                    (GRegexMatchFlags) 0, NULL);
  g_atomic_int_set (&v->compiled, 1);
  g_mutex_unlock (&compile_lock);
}

/* IsNumberMatchingDesc: the length, then the whole number against the pattern. */
gboolean
desc_matches (const Desc *d, guint32 general_lengths, const char *nsn, gsize n)
{
  guint32 lengths = d->lengths != 0 ? d->lengths : general_lengths;

  if (d->none || d->re == NULL || n >= 32 || (lengths & (1u << n)) == 0)
    return FALSE;
  return g_regex_match (d->re, nsn, (GRegexMatchFlags) 0, NULL);
}

/* IsValidNumberForRegion on the NUL-terminated national number NSN of N digits. */
gboolean
validator_valid (Validator *v, const char *nsn, gsize n)
{
  validator_compile (v);
  if (!desc_matches (&v->descs[0], v->descs[0].lengths, nsn, n))
    return FALSE;
  for (int i = 1; i < N_DESCS; i++)
    if (desc_matches (&v->descs[i], v->descs[0].lengths, nsn, n))
      return TRUE;
  return FALSE;
}

PhoneMetaRegion *
region_new (const PhoneMetadata &m)
{
  PhoneMetaRegion *r = g_new0 (PhoneMetaRegion, 1);

  g_strlcpy (r->region, m.id ().c_str (), sizeof r->region);
  g_snprintf (r->calling_code, sizeof r->calling_code, "%d", m.country_code ());
  set_intl_prefix (r, m);
  set_trunk_prefix (r, m);
  r->nsn_lengths = length_bits (m.general_desc ().possible_length ());
  r->local_lengths = length_bits (m.general_desc ().possible_length_local_only ());
  r->nsn_min = lowest_bit (r->nsn_lengths);
  r->nanp = m.country_code () == 1;
  return r;
}

void
add_short_lengths (Table *t, const PhoneMetadata &m)
{
  int i = alpha_index (m.id ().c_str ());

  if (i < 0 || t->by_alpha[i] == NULL)
    return;
  t->by_alpha[i]->short_lengths = length_bits (m.general_desc ().possible_length ());
  t->by_alpha[i]->short_max = highest_bit (t->by_alpha[i]->short_lengths);
}

void
add_region (Table *t, const PhoneMetadata &m)
{
  int i = alpha_index (m.id ().c_str ());
  int cc = m.country_code ();

  if (cc <= 0 || cc >= 1000)
    return;
  t->assigned[cc] = TRUE;
  if (t->valid_code[cc] == NULL)
    t->valid_code[cc] = g_ptr_array_new ();
  Validator *v = validator_new (m);
  g_ptr_array_add (t->valid_code[cc], v);
  if (i < 0)
    return;                               /* "001": non-geographic, no dialling plan */
  t->valid_alpha[i] = v;
  t->by_alpha[i] = region_new (m);
  t->n_regions++;
  if (m.main_country_for_code () || t->by_code[cc] == NULL)
    t->by_code[cc] = t->by_alpha[i];
}

Table *
table_build (void)
{
  Table *t = g_new0 (Table, 1);
  PhoneMetadataCollection all;
  PhoneMetadataCollection shorts;
  std::set<int> codes;

  if (!all.ParseFromArray (i18n::phonenumbers::metadata_get (),
                           i18n::phonenumbers::metadata_size ())
      || !shorts.ParseFromArray (i18n::phonenumbers::short_metadata_get (),
                                 i18n::phonenumbers::short_metadata_size ()))
    g_error ("libphonenumber's metadata cannot be read");
  for (const PhoneMetadata &m : all.metadata ())
    add_region (t, m);
  for (const PhoneMetadata &m : shorts.metadata ())
    add_short_lengths (t, m);
  PhoneNumberUtil::GetInstance ()->GetSupportedCallingCodes (&codes);
  for (int cc : codes)
    if (cc > 0 && cc < 1000)
      t->assigned[cc] = TRUE;
  return t;
}

const Table *
table_get (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      table = table_build ();
      short_info = new ShortNumberInfo ();
      valid_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_once_init_leave (&done, 1);
    }
  return table;
}

int
digits_value (const char *digits, gsize n)
{
  int v = 0;

  for (gsize i = 0; i < n; i++)
    v = v * 10 + (digits[i] - '0');
  return v;
}

/* NSN[0..N) as a PhoneNumber of calling code CC; FALSE when it cannot be one. */
gboolean
number_build (int cc, const char *nsn, gsize n, PhoneNumber *number)
{
  gsize zeros = 0;
  guint64 value = 0;

  if (n == 0 || n > 17)
    return FALSE;
  while (zeros < n - 1 && nsn[zeros] == '0')
    zeros++;
  for (gsize i = 0; i < n; i++)
    value = value * 10 + (guint64) (nsn[i] - '0');
  number->set_country_code (cc);
  number->set_national_number (value);
  if (zeros > 0)
    number->set_italian_leading_zero (true);
  if (zeros > 1)
    number->set_number_of_leading_zeros ((int) zeros);
  return TRUE;
}

/* The cached answer for KEY: 0 unknown, 1 invalid, 2 valid. */
int
cache_get (const char *key)
{
  g_mutex_lock (&cache_lock);
  int v = GPOINTER_TO_INT (g_hash_table_lookup (valid_cache, key));
  g_mutex_unlock (&cache_lock);
  return v;
}

void
cache_put (const char *key, gboolean valid)
{
  g_mutex_lock (&cache_lock);
  if (g_hash_table_size (valid_cache) >= VALID_CACHE_MAX)
    g_hash_table_remove_all (valid_cache);
  g_hash_table_replace (valid_cache, g_strdup (key), GINT_TO_POINTER (valid ? 2 : 1));
  g_mutex_unlock (&cache_lock);
}

}  // namespace

const PhoneMetaRegion *
phonemeta_region (const char *alpha2)
{
  const Table *t = table_get ();
  int i = alpha_index (alpha2);

  return i < 0 ? NULL : t->by_alpha[i];
}

const PhoneMetaRegion *
phonemeta_region_for_code (const char *calling_code)
{
  const Table *t = table_get ();
  gint64 cc = 0;

  if (calling_code == NULL || strlen (calling_code) > 3
      || !g_ascii_string_to_signed (calling_code, 10, 1, 999, &cc, NULL))
    return NULL;
  return t->by_code[cc];
}

gsize
phonemeta_calling_code_len (const char *digits, gsize n)
{
  const Table *t = table_get ();
  int cc = 0;

  if (n == 0 || digits[0] == '0')
    return 0;
  for (gsize i = 0; i < n && i < 3; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return 0;
      cc = cc * 10 + (digits[i] - '0');
      if (t->assigned[cc])
        return i + 1;
    }
  return 0;
}

gsize
phonemeta_intl_prefix_len (const PhoneMetaRegion *region, const char *digits, gsize n)
{
  gsize len = strlen (region->intl_prefix);

  if (len > 0)
    return n >= len && memcmp (digits, region->intl_prefix, len) == 0 ? len : 0;
  if (region->intl_pattern == NULL || n == 0)
    return 0;
  return pattern_match_len (region->intl_pattern, digits, n);
}

gsize
phonemeta_trunk_prefix_len (const PhoneMetaRegion *region, const char *digits, gsize n)
{
  gsize len = strlen (region->trunk_prefix);

  if (region->trunk_pattern != NULL && n > 0)
    return pattern_match_len (region->trunk_pattern, digits, n);
  return len > 0 && n >= len && memcmp (digits, region->trunk_prefix, len) == 0 ? len : 0;
}

gboolean
phonemeta_valid_national (const PhoneMetaRegion *region, const char *nsn, gsize n)
{
  const Table *t = table_get ();
  char buf[32];

  if (n == 0 || n >= sizeof buf)
    return FALSE;
  memcpy (buf, nsn, n);
  buf[n] = '\0';
  return validator_valid (t->valid_alpha[alpha_index (region->region)], buf, n);
}

gboolean
phonemeta_valid_short (const PhoneMetaRegion *region, const char *number, gsize n)
{
  char key[48];
  PhoneNumber parsed;
  gboolean valid;

  if (n == 0 || n > 17)
    return FALSE;
  g_snprintf (key, sizeof key, "S%s:%.*s", region->region, (int) n, number);
  table_get ();
  if (int v = cache_get (key))
    return v == 2;
  valid = number_build (digits_value (region->calling_code, strlen (region->calling_code)),
                        number, n, &parsed)
          && short_info->IsValidShortNumberForRegion (parsed, region->region);
  cache_put (key, valid);
  return valid;
}

gboolean
phonemeta_valid_international (const char *digits, gsize n)
{
  const Table *t = table_get ();
  gsize cc_len = phonemeta_calling_code_len (digits, n);
  GPtrArray *validators;
  char buf[32];

  if (cc_len == 0 || n - cc_len == 0 || n - cc_len >= sizeof buf)
    return FALSE;
  validators = t->valid_code[digits_value (digits, cc_len)];
  memcpy (buf, digits + cc_len, n - cc_len);
  buf[n - cc_len] = '\0';
  for (guint i = 0; validators != NULL && i < validators->len; i++)
    if (validator_valid ((Validator *) validators->pdata[i], buf, n - cc_len))
      return TRUE;
  return FALSE;
}

gboolean
phonemeta_reference_valid_national (const PhoneMetaRegion *region, const char *nsn, gsize n)
{
  PhoneNumber number;

  table_get ();
  return number_build (digits_value (region->calling_code, strlen (region->calling_code)),
                       nsn, n, &number)
         && PhoneNumberUtil::GetInstance ()->IsValidNumberForRegion (number, region->region);
}

gboolean
phonemeta_reference_valid_international (const char *digits, gsize n)
{
  PhoneNumber number;
  gsize cc_len = phonemeta_calling_code_len (digits, n);

  return cc_len > 0
         && number_build (digits_value (digits, cc_len), digits + cc_len, n - cc_len, &number)
         && PhoneNumberUtil::GetInstance ()->IsValidNumber (number);
}

gsize
phonemeta_n_regions (void)
{
  return table_get ()->n_regions;
}
