# gen-deck.awk — a generated rate deck (awk -v n=ROWS -v spec=FILE -f gen-deck.awk),
# deterministic, shared by bench-rate.sh and bench-night.sh: the rows of SPEC (a deck
# CSV with its header) first, then generated prefixes until N rows — nested
# prefixes under ~70 country codes (44, 447, 4420, 447700, 44207946, 33, 331, 49,
# 4930, 1, 1212, 1212555, ...), bands laid out as all | peak+offpeak |
# peak+offpeak+weekend | all+weekend, ~3% of prefixes changing price on 2026-11-15,
# ~1% new on 2026-11-20, ~10% inbound.  Destinations are named as in a real A-Z
# deck: per country code and kind (fixed, mobile, special: "Bench 49 mobile"),
# about 280 names for the 50,000 prefixes, each with its one group (MOBILE,
# TOLLFREE, DOMESTIC for 44 and 1, else INTL).
function country(p,   k) {
  for (k = 3; k >= 1; k--)
    if (substr(p, 1, k) in is_cc) return substr(p, 1, k)
  return p
}
function kind(p, c,   d) {
  d = substr(p, length(c) + 1, 1)
  if (d == "") return ""
  if (d == "6" || d == "7") return "mobile"
  if (d == "8") return "special"
  return "fixed"
}
function group_of(c, k) {
  if (k == "mobile") return "MOBILE"
  if (k == "special") return "TOLLFREE"
  return c == "44" || c == "1" ? "DOMESTIC" : "INTL"
}
function rowline(p, dir, band, from, to,   r, fee, c, k) {
  r = 1000 + int(rand() * 2000000)
  fee = rand() < 0.25 ? int(rand() * 100000) : 0
  rand()                      # was the row's random group: keeps the rest of the deck as it was
  c = country(p); k = kind(p, c)
  printf "%s,Bench %s%s,%s,%s,%s,%d.%06d,0.%06d,%s,%s,%s\n", p, c, k == "" ? "" : " " k,
    group_of(c, k), dir, band, int(r / 1000000), r % 1000000, fee, inc[1 + int(rand() * 4)], from, to
  rows++
}
function prefix_rows(p, dir,   k, nb, b, i) {
  nb = split(layout[1 + int(rand() * 4)], b, " ")
  k = int(rand() * 100)       # 0..2: price change, 3: new mid-month
  for (i = 1; i <= nb; i++) {
    if (k < 3) {
      rowline(p, dir, b[i], "2026-01-01", "2026-11-15")
      rowline(p, dir, b[i], "2026-11-15", "")
    } else
      rowline(p, dir, b[i], k == 3 ? "2026-11-20" : "2026-01-01", "")
  }
}
function add_pool(p, dir) { seen[dir, p] = 1; pool[dir, np[dir]++] = p }
BEGIN {
  srand(20261125)
  split("INTL MOBILE DOMESTIC TOLLFREE", grp, " ")
  split("1/1 60/1 60/60 30/6", inc, " ")
  layout[1] = "all"; layout[2] = "peak offpeak"; layout[3] = "peak offpeak weekend"
  layout[4] = "all weekend"
  ncc = split("1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 " \
    "56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 212 213 216 234 254 " \
    "255 351 352 353 354 356 358 359 370 371 372 380 385 420 421 852 886 966 971 972", cc, " ")
  for (i = 1; i <= ncc; i++) is_cc[cc[i]] = 1
  while ((getline line < spec) > 0) {
    print line
    if (line ~ /^prefix,/) continue
    split(line, f, ",")
    if (!((f[4], f[1]) in seen)) add_pool(f[1], f[4])
    rows++
  }
  # roots the generated calls dial into, so that nested prefixes cover them
  nr = split("33 331 49 4930 1 1212 1212555 447700 44207946", root, " ")
  for (i = 1; i <= nr; i++) { add_pool(root[i], "out"); prefix_rows(root[i], "out") }
  while (rows < n) {
    dir = rand() < 0.1 ? "in" : "out"
    if (np[dir] > 0 && rand() < 0.5) {
      p = pool[dir, int(rand() * np[dir])]; extra = 1 + int(rand() * 2)
    } else {
      p = cc[1 + int(rand() * ncc)]; extra = int(rand() * 5)
    }
    for (i = 0; i < extra && length(p) < 12; i++) p = p int(rand() * 10)
    if ((dir, p) in seen) continue
    add_pool(p, dir)
    prefix_rows(p, dir)
  }
}
