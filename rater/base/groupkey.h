/* groupkey.h — the keys of groups summed in hash tables (reports, the
 * aggregates kept by rating): a group's fields packed into one string so
 * that two different groups never share a key — each text prefixed with
 * its length, a missing text (NULL) distinct from an empty one, numbers in
 * decimal ended by a terminator the caller picks.
 */
#pragma once

#include <glib.h>

/* Append V in decimal, then TERMINATOR, to KEY. */
void groupkey_add_number (GString *key, guint64 v, char terminator);

/* Append V (a day number, say) in decimal with its sign, then ';', to KEY. */
void groupkey_add_int (GString *key, gint64 v);

/* Append TEXT (NULL allowed: "none") to KEY. */
void groupkey_add_text (GString *key, const char *text);
