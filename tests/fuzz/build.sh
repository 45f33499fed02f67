#!/bin/sh
# build.sh — `make fuzz`: build every fuzz target with clang and libFuzzer.
#
#   sh build.sh SRCDIR BUILDDIR "LIBRARY SOURCES" "CFLAGS" "LIBS" TARGET...
#
# The library is compiled once more with clang (-fsanitize=fuzzer-no-link for
# coverage, plus AddressSanitizer and UBSan) into BUILDDIR/tests/fuzz/obj/, and
# each target tests/fuzz/fuzz-TARGET.c is linked with it into
# BUILDDIR/tests/fuzz/bin/fuzz-TARGET.  FUZZ_CC and FUZZ_CXX (default clang
# and clang++) name the compilers (the .cc sources: the libphonenumber
# wrapper); Debian 12: apt-get install clang.
set -eu
srcdir=$1 builddir=$2 sources=$3 cflags=$4 libs=$5
shift 5
cc=${FUZZ_CC:-clang}
cxx=${FUZZ_CXX:-clang++}
command -v "$cc" >/dev/null || { echo "make fuzz: $cc not found (Debian: apt-get install clang)" >&2; exit 1; }

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -g -O1"
obj=$builddir/tests/fuzz/obj
bin=$builddir/tests/fuzz/bin
mkdir -p "$obj" "$bin"

objects=""
for src in $sources; do
  case $src in *.c|*.cc) ;; *) continue ;; esac
  [ -f "$src" ] || src=$srcdir/$src
  o=$obj/$(printf '%s' "$src" | sed "s|^$srcdir/||; s|/|_|g; s|\\.cc*\$|.o|")
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then
    echo "  CC(fuzz) $src"
    case $src in
      *.cc) "$cxx" -std=c++17 $san -fsanitize=fuzzer-no-link $cflags -c "$src" -o "$o" ;;
      *) "$cc" -std=c11 $san -fsanitize=fuzzer-no-link $cflags -c "$src" -o "$o" ;;
    esac
  fi
  objects="$objects $o"
done

for target in "$@"; do
  echo "  LD(fuzz) $bin/fuzz-$target"
  # shellcheck disable=SC2086
  "$cxx" $san -fsanitize=fuzzer $cflags -x c -std=c11 \
    "$srcdir/tests/fuzz/fuzz-$target.c" "$srcdir/tests/fuzz/fuzz-file.c" -x none $objects $libs \
    -o "$bin/fuzz-$target"
done
