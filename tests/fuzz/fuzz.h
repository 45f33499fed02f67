/* fuzz.h — the contract every fuzz target in tests/fuzz/ implements.
 *
 * A target is one function, LLVMFuzzerTestOneInput, that feeds DATA to one
 * of rater's parsers and returns 0.  It must never crash, leak or read out of
 * bounds on any input; what the parser returns is not checked here (the unit
 * tests do that), only that it returns.  The same source builds two ways:
 *
 *   make fuzz        clang -fsanitize=fuzzer,address,undefined: libFuzzer
 *                    drives the target (tests/fuzz/bin/fuzz-NAME);
 *   make check       gcc, linked with replay.c: every file of the target's
 *                    seed corpus tests/fuzz/corpus/NAME/ is run once, so CI's
 *                    sanitizer build replays the corpus on every change.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Write SIZE bytes of DATA to anonymous in-memory file SLOT (0 or 1: a
 * target may need two files, a profile and a CDR file) and return a path that
 * opens it ("/proc/self/fd/N"), for parsers that read files.  The files live
 * until fuzz_files_close.  Aborts on failure: a harness error is not a
 * finding. */
const char *fuzz_file_open (int slot, const uint8_t *data, size_t size);
void fuzz_files_close (void);
