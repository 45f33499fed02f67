# samples-tree.sh — sourced by the PostgreSQL tests: samples_tree DIR
# DATABASE makes DIR a scratch copy of the samples' night (samples/run.sh):
# the sample CDRs in DIR/incoming, and DIR/nightly.conf, samples/nightly.conf
# with its database DATABASE (a path or a URI) and its folders in DIR.
samples_tree () {
  mkdir -p "$1/incoming"
  for d in "$top_srcdir"/samples/cdr/*/; do
    cp -R "$d" "$1/incoming/$(basename "$d")"
  done
  database_sed=$(printf '%s' "$2" | sed 's/[&|\\]/\\&/g')
  sed -e "s|= out/rater.db|= $database_sed|" -e "s|= out/|= $1/|" \
      -e "s|= \.\./rates|= $top_srcdir/rates|" "$top_srcdir/samples/nightly.conf" > "$1/nightly.conf"
}
