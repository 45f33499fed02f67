/* fuzz-file.c — an input given to a fuzz target as a file (see fuzz.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define N_SLOTS 2

static int fuzz_fd[N_SLOTS] = { -1, -1 };
static char fuzz_path[N_SLOTS][64];

const char *
fuzz_file_open (int slot, const uint8_t *data, size_t size)
{
  if (slot < 0 || slot >= N_SLOTS)
    abort ();
  if (fuzz_fd[slot] >= 0)
    close (fuzz_fd[slot]);
  fuzz_fd[slot] = memfd_create ("rater-fuzz", MFD_CLOEXEC);
  if (fuzz_fd[slot] < 0)
    {
      perror ("memfd_create");
      abort ();
    }
  for (size_t done = 0; done < size;)
    {
      ssize_t n = write (fuzz_fd[slot], data + done, size - done);
      if (n <= 0)
        {
          perror ("write");
          abort ();
        }
      done += (size_t) n;
    }
  snprintf (fuzz_path[slot], sizeof fuzz_path[slot], "/proc/self/fd/%d", fuzz_fd[slot]);
  return fuzz_path[slot];
}

void
fuzz_files_close (void)
{
  for (int slot = 0; slot < N_SLOTS; slot++)
    {
      if (fuzz_fd[slot] >= 0)
        close (fuzz_fd[slot]);
      fuzz_fd[slot] = -1;
    }
}
