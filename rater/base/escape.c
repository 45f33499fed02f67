/* escape.c — bytes as printable UTF-8 text (see escape.h). */
#include "config.h"

#include <string.h>

#include "base/escape.h"

/* The length of the valid, printable UTF-8 character at P (of AVAIL bytes),
 * or 0 when the byte at P must be escaped. */
static gsize
plain_char (const guchar *p, gsize avail, EscapeFlags flags)
{
  if ((flags & ESCAPE_KEEP_SPACE) && (*p == '\t' || *p == '\r' || *p == '\n'))
    return 1;
  if (*p < 0x80)
    return *p >= 0x20 && *p != 0x7f && *p != '\\' ? 1 : 0;
  gunichar c = g_utf8_get_char_validated ((const char *) p, (gssize) avail);
  if (c == (gunichar) -1 || c == (gunichar) -2 || g_unichar_iscntrl (c))
    return 0;
  return (gsize) g_unichar_to_utf8 (c, NULL);
}

void
escape_append (GString *out, const void *data, gsize len, EscapeFlags flags, gsize max)
{
  const guchar *p = data;
  for (gsize i = 0; i < len;)
    {
      gsize n = plain_char (p + i, len - i, flags);
      gsize add = n > 0 ? n : p[i] == '\\' ? 2 : 4;
      if (out->len + add > max)
        return;
      if (n > 0)
        g_string_append_len (out, (const char *) p + i, (gssize) n);
      else if (p[i] == '\\')
        g_string_append (out, "\\\\");
      else
        g_string_append_printf (out, "\\x%02X", p[i]);
      i += n > 0 ? n : 1;
    }
}

gboolean
escape_is_plain (const void *data, gsize len, EscapeFlags flags)
{
  const guchar *p = data;
  for (gsize i = 0; i < len;)
    {
      gsize n = plain_char (p + i, len - i, flags);
      if (n == 0)
        return FALSE;
      i += n;
    }
  return TRUE;
}

char *
escape_text (const char *text)
{
  GString *out = g_string_new (NULL);
  if (text)
    escape_append (out, text, strlen (text), ESCAPE_ALL, G_MAXSIZE);
  return g_string_free (out, FALSE);
}
