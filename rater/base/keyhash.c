/* keyhash.c — the stored hash of (operator, call key); see keyhash.h. */
#include "config.h"

#include "base/keyhash.h"

#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define FNV_PRIME G_GUINT64_CONSTANT (0x100000001b3)

static inline guint64
fnv (guint64 h, const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guint8) p[i]) * FNV_PRIME;
  return h;
}

gint64
key_hash (const char *operator_slug, gsize operator_len, const char *key, gsize key_len)
{
  guint64 h = fnv (FNV_OFFSET, operator_slug, operator_len);
  h = (h ^ 0xff) * FNV_PRIME;
  h = fnv (h, key, key_len);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return (gint64) h;
}
