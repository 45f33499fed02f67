/* groupkey.c — the keys of groups summed in hash tables (groupkey.h). */
#include "config.h"

#include <string.h>

#include "base/groupkey.h"

void
groupkey_add_number (GString *key, guint64 v, char terminator)
{
  char buf[24];
  int i = sizeof buf;
  buf[--i] = terminator;
  do
    buf[--i] = (char) ('0' + v % 10);
  while ((v /= 10) > 0);
  g_string_append_len (key, buf + i, (gssize) sizeof buf - i);
}

void
groupkey_add_int (GString *key, gint64 v)
{
  if (v < 0)
    g_string_append_c (key, '-');
  groupkey_add_number (key, v < 0 ? -(guint64) v : (guint64) v, ';');
}

void
groupkey_add_text (GString *key, const char *text)
{
  if (!text)
    {
      g_string_append_c (key, '-');
      return;
    }
  gsize n = strlen (text);
  g_string_append_c (key, '+');
  groupkey_add_number (key, n, ':');
  g_string_append_len (key, text, (gssize) n);
}
