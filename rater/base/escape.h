/* escape.h — bytes from outside made safe to print and store as text.
 *
 * CDR bytes reach terminals, logs, the journal and CSV exports: a NUL, an
 * escape sequence or bytes that are not UTF-8 there would cut a line, drive
 * a terminal or make a file no CSV reader takes.  escape_append writes them
 * as text that is always valid UTF-8 and holds no control character:
 * printable characters as they are, every other byte as \xHH (a control
 * character, including tab, CR and LF unless kept; a byte of no valid UTF-8
 * sequence; the C1 controls U+0080..U+009F byte by byte), and a backslash
 * as \\, so the bytes can always be told back.  A detail echoed on one log
 * line escapes line breaks too (a CDR must not forge log lines); a record's
 * raw bytes in a CSV cell keep tab, CR and LF (ESCAPE_KEEP_SPACE).
 */
#pragma once

#include <glib.h>

typedef enum {
  ESCAPE_ALL = 0,               /* every control character escaped */
  ESCAPE_KEEP_SPACE = 1 << 0,   /* tab, CR and LF kept as they are */
} EscapeFlags;

/* Append LEN bytes of DATA to OUT, escaped as above, as long as OUT stays
 * within MAX bytes: it stops before the character or escape that would
 * pass it, never inside one (G_MAXSIZE: no limit). */
void escape_append (GString *out, const void *data, gsize len, EscapeFlags flags, gsize max);

/* TEXT (NULL: "") escaped as above with ESCAPE_ALL, newly allocated: a
 * user's text on one line of a listing. */
char *escape_text (const char *text);

/* Whether LEN bytes of DATA come out of escape_append unchanged. */
gboolean escape_is_plain (const void *data, gsize len, EscapeFlags flags);
