#!/bin/sh
# check-manpage.sh — the manual page names every command and option rater has.
#
# For each command `rater --help` lists, every subcommand and every long
# option `rater COMMAND --help` prints must appear in rater(1)
# (rater/cli/rater.1, written by configure from rater.1.in), so a new option
# cannot ship undocumented.  Run by make check (RATER, top_builddir set).
set -eu
rater=${RATER:?}
page=${top_builddir:-.}/rater/cli/rater.1
[ -f "$page" ] || { echo "check-manpage: $page missing" >&2; exit 1; }

# the page's text with roff's escaped hyphens as plain hyphens
text=$(sed 's/\\-/-/g' "$page")
missing=0
need() {   # need WORD WHERE
  case $text in
    *"$1"*) ;;
    *) echo "check-manpage: rater.1 does not mention '$1' ($2)" >&2; missing=$((missing + 1)) ;;
  esac
}

for opt in $("$rater" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  need "$opt" "rater --help"
done
commands=$("$rater" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || { echo "check-manpage: no commands in rater --help" >&2; exit 1; }
for cmd in $commands; do
  need "rater $cmd" "the command"
  help=$("$rater" "$cmd" --help 2>&1 || true)
  for opt in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    need "$opt" "rater $cmd --help"
  done
  for sub in $(printf '%s\n' "$help" | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
    need "$sub" "rater $cmd subcommand"
  done
  for sub in $(printf '%s\n' "$help" | sed -n 's/^  rater \[OPTION…\] [a-z]* \([a-z|]*\).*/\1/p' | tr '|' ' '); do
    need "$sub" "rater $cmd subcommand"
  done
done
[ "$missing" -eq 0 ] || exit 1
echo "check-manpage: $(printf '%s\n' "$commands" | wc -l) commands, every option documented"
