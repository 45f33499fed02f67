/* number-ids.c — ids of E.164 numbers by their digits (number-ids.h). */
#include "rate/number-ids.h"

struct _NumberIds {
  guint64 *keys;                /* 0: an empty slot */
  guint32 *ids;
  guint32 mask, len;
};

#define FIRST_SIZE 4096         /* a power of 2 */
#define MAX_DIGITS 15           /* E.164's longest: 10^15 < 2^50, below the length */

NumberIds *
number_ids_new (void)
{
  NumberIds *t = g_new0 (NumberIds, 1);
  t->mask = FIRST_SIZE - 1;
  t->keys = g_new0 (guint64, FIRST_SIZE);
  t->ids = g_new (guint32, FIRST_SIZE);
  return t;
}

void
number_ids_free (NumberIds *t)
{
  if (!t)
    return;
  g_free (t->keys);
  g_free (t->ids);
  g_free (t);
}

guint64
number_ids_key (const char *text)
{
  guint64 value = 0;
  guint n = 0;
  for (; text[n]; n++)
    {
      guint digit = (guchar) text[n] - '0';
      if (digit > 9 || n == MAX_DIGITS)
        return 0;
      value = value * 10 + digit;
    }
  return n ? (guint64) n << 56 | value : 0;
}

/* The slot of KEY in T, or the empty slot where it would go. */
static guint32
slot_of (const NumberIds *t, guint64 key)
{
  guint32 h = (guint32) ((key * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 32) & t->mask;
  while (t->keys[h] && t->keys[h] != key)
    h = (h + 1) & t->mask;
  return h;
}

gboolean
number_ids_find (const NumberIds *t, guint64 key, guint32 *id)
{
  guint32 h = slot_of (t, key);
  if (!t->keys[h])
    return FALSE;
  *id = t->ids[h];
  return TRUE;
}

/* Twice the slots, every key placed again. */
static void
grow (NumberIds *t)
{
  NumberIds bigger = { .mask = t->mask * 2 + 1, .len = t->len };
  bigger.keys = g_new0 (guint64, (gsize) bigger.mask + 1);
  bigger.ids = g_new (guint32, (gsize) bigger.mask + 1);
  for (guint32 i = 0; i <= t->mask; i++)
    if (t->keys[i])
      {
        guint32 h = slot_of (&bigger, t->keys[i]);
        bigger.keys[h] = t->keys[i];
        bigger.ids[h] = t->ids[i];
      }
  g_free (t->keys);
  g_free (t->ids);
  *t = bigger;
}

void
number_ids_add (NumberIds *t, guint64 key, guint32 id)
{
  g_return_if_fail (key != 0);
  if ((t->len + 1) * 2 > t->mask)
    grow (t);
  guint32 h = slot_of (t, key);
  g_return_if_fail (t->keys[h] == 0);
  t->keys[h] = key;
  t->ids[h] = id;
  t->len++;
}
