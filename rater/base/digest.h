/* digest.h — SHA-256 of files, for recognising bytes ingested before.
 *
 * Uses OpenSSL's libcrypto, which runs the SHA extensions of the CPU when it
 * has them (several times faster than GChecksum: a 5M-row CDR file hashes in
 * well under a second rather than a few).
 */
#pragma once

#include <glib.h>

/* Hex SHA-256 of the file at PATH (a RATER_ERROR_DATA error when it cannot be
 * read); *size receives its length in bytes. */
char *digest_file_sha256 (const char *path, guint64 *size, GError **error);

/* Hex SHA-256 of LEN bytes at DATA. */
char *digest_sha256 (const void *data, gsize len);
