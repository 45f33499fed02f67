/* keyhash.h — the stored 64-bit hash of a call's (operator, call key).
 *
 * On SQLite, calls are deduplicated by a unique index on this hash
 * (calls.key_hash, schema 022) rather than on the key's text: 8 bytes
 * instead of some 45, and ingest writes a window of calls in hash order,
 * so that random keys (GUIDs) walk the index front to back.  Two keys with
 * one hash are told apart by their text: the second call stored under a
 * hash already taken keeps key_hash NULL, and lookups by key read the NULL
 * rows too (`calls_by_key_unhashed`).
 *
 * The value is stored: it must never change.  It is FNV-1a over the
 * operator's bytes, a 0xff byte (never in UTF-8 text) and the key's bytes,
 * then MurmurHash3's 64-bit finaliser, as a signed 64-bit integer.
 */
#pragma once

#include <glib.h>

gint64 key_hash (const char *operator_slug, gsize operator_len, const char *key, gsize key_len);
