#!/bin/sh
# seed-corpus.sh — (re)write the fuzz targets' seed corpora from the samples.
#
#   sh tests/fuzz/seed-corpus.sh        (from the source tree's top)
#
# Each seed is a real input cut to its first lines (small seeds keep the
# replay in make check fast), behind the pick byte the target reads first
# (tests/fuzz/fuzz-*.c).  Inputs found by `make fuzz-run` that are worth
# keeping are added next to these by hand (see tests/fuzz/README).
set -eu
out=tests/fuzz/corpus
mkdir -p "$out/cdr" "$out/csv" "$out/number" "$out/time" "$out/profile"

# seed FILE PICK-OCTAL TARGET NAME: the pick byte, then the first 12 lines of FILE
seed() {
  { printf "\\$2"; head -n 12 "$1"; } > "$out/$3/$4"
}

# cdr: pick = format (bits 0-2) | country (3-4) | zone (5-6) | shape rule (7)
# formats: 0 told from header, 1 rater, 2 teams-pstn, 3 teams-dr, 4 asterisk,
# 5 freeswitch, 6 profile:audiocodes, 7 graph-pstn; country 1 = GB, 2 = US; zone 1 UTC, 3 London
seed samples/cdr/rater/northwind-2026-11-a.csv 050 cdr rater-detect
seed samples/cdr/rater/northwind-2026-11-b.csv 051 cdr rater
seed samples/cdr/teams-pstn/PSTN.calls.2026-11-23.csv 012 cdr teams-pstn
seed samples/cdr/teams-dr/DirectRouting.calls.2026-11-23.csv 013 cdr teams-dr
seed samples/cdr/teams-dr/DirectRouting.calls.2026-11-16-legacy.csv 000 cdr teams-dr-legacy
seed samples/cdr/asterisk/Master.csv 054 cdr asterisk
seed samples/cdr/asterisk/Master.csv 324 cdr asterisk-shape
seed samples/cdr/freeswitch/Master.csv 124 cdr freeswitch-us
seed samples/cdr/freeswitch/Master.csv 055 cdr freeswitch
seed samples/cdr/audiocodes/sbc-cdr-2026-11-23.log 056 cdr audiocodes
seed tests/data/cdr/dr-legs-a.csv 013 cdr dr-legs
seed tests/data/cdr/spec-calls.csv 051 cdr spec-calls
{ printf '\057'; head -n 60 tests/data/graph/getPstnCalls.json; } > "$out/cdr/graph-pstn"
{ printf '\050'; head -c 2500 tests/data/graph/getPstnCalls.json; } > "$out/cdr/graph-detect"

# csv: pick = delimiter (bits 0-1: , ; tab |) | trim (bit 2)
seed samples/cdr/rater/northwind-2026-11-a.csv 000 csv comma
seed samples/cdr/audiocodes/sbc-cdr-2026-11-23.log 007 csv pipe-trim
seed tests/data/spec-catalog/accounts.csv 000 csv catalog
printf '\000a,"b\n""c",d\r\ne,"unterminated\nf,g\n' > "$out/csv/quotes"
printf '\000\357\273\277x,y\n1,2\n\357\273\277z,3\n' > "$out/csv/bom"

# number: two pick bytes (the country table index), then the number
for n in '+44 20 7946 0000' 'tel:+1-555-0100' 'sip:0049301234@sbc.example.com' \
         '0207 946 0000' '911' '4930123***' '8107495123456' '(212) 555-0100' 'anonymous'; do
  name=$(printf '%s' "$n" | tr -c 'A-Za-z0-9' '_')
  printf '\000\000%s' "$n" > "$out/number/$name"
  printf '\000\060%s' "$n" > "$out/number/$name-2"
done

# time: pick = parser (bits 0-2: 0-2 ISO 8601, 3-6 layouts, 7 period/date) | zone (bits 4-5)
printf '\000%s' '2019-11-01T00:00:08.2589935Z' > "$out/time/iso-z"
printf '\020%s' '2026-03-29 01:30:00' > "$out/time/iso-local-gap"
printf '\040%s' '2026-11-01 01:30:00-05:00' > "$out/time/iso-offset"
printf '\023%s' '2026-11-23 09:15:00' > "$out/time/layout-plain"
printf '\004%s' '09:15:02.123 UTC Mon Nov 23 2026' > "$out/time/layout-audiocodes"
printf '\005%s' '2026-11-23T09:15:00+0100' > "$out/time/layout-z"
printf '\006%s' '23/11/2026 09:15:00' > "$out/time/layout-dmy"
printf '\017%s' '2026-11' > "$out/time/period"
printf '\007%s' '2026-02-29' > "$out/time/date"

# profile: the profile, a NUL, a file read through it
{ cat schemas/profiles/audiocodes.ini; printf '\000'; head -n 12 samples/cdr/audiocodes/sbc-cdr-2026-11-23.log; } \
  > "$out/profile/audiocodes"
g=tests/golden/cases
{ cat schemas/profiles/cucm.ini; printf '\000'; head -n 12 $g/profile-cucm/cdr_StandAloneCluster_01_202611230900_1001; } \
  > "$out/profile/cucm"
{ cat schemas/profiles/ribbon.ini; printf '[timezones]\nCET-SBC01=Europe/Paris\n\000'; head -n 12 $g/profile-ribbon/sbc01-1001.ACT; } \
  > "$out/profile/ribbon"
{ cat schemas/profiles/kamailio-acc.ini; printf '\000'; head -n 12 $g/profile-kamailio-acc/kamailio.log; } \
  > "$out/profile/kamailio-acc"
{ cat schemas/profiles/opensips-acc.ini; printf '\000'; head -n 12 $g/profile-opensips-acc/opensips.log; } \
  > "$out/profile/opensips-acc"
{ cat schemas/profiles/audiocodes.ini; printf '\000'; head -n 12 $g/profile-audiocodes/mediant-7.4.log; } \
  > "$out/profile/audiocodes-7.4"
