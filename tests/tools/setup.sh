#!/bin/sh
# setup.sh — the README's first command: install what the build needs (Debian
# 12, with apt-get, only what is missing), bootstrap, configure, build, and run
# the pipeline on samples/ (samples/run.sh) with the embedded SQLite store.
set -eu
cd "$(dirname "$0")/../.."

packages="build-essential autoconf automake pkg-config libglib2.0-dev libglib2.0-dev-bin
  libsqlite3-dev sqlite3 libssl-dev libcsv-dev libjson-glib-dev libcriterion-dev libpango1.0-dev libcairo2-dev
  libphonenumber-dev libprotobuf-dev libcurl4-openssl-dev libsoup-3.0-dev glib-networking openssl
  libxml2-dev libxml2-utils libpq-dev postgresql poppler-utils fonts-dejavu-core tzdata xz-utils time"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --enable-werror
make -j"$(nproc)"
sh samples/run.sh
