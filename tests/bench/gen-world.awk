# gen-world.awk — the night benchmark's world, deterministic:
#   awk -v dir=DIR -v accounts=A -v calls=N [-v keys=guid] -f gen-world.awk
# reads DIR/catalog/decks/bench.csv (gen-deck.awk) and writes
#   DIR/catalog/{operators,plans,accounts,numbers}.csv
#     2 operators (northwind EUR, tailspin USD), 5 plans on the deck "bench" (two
#     with bundles, one with 2 call decimals), A accounts in Europe/London,
#     America/New_York and Asia/Tokyo (GB, US, JP), 15..26 numbers each (user,
#     service, tollfree; ~3% assigned from 2026-11-16, ~2% ending 2026-11-20);
#   DIR/cdrs.csv
#     N rows in the canonical rater format (call_id, start, duration, caller,
#     callee, direction, user, operator), in start order over November 2026:
#     ~80% out (half to the hot nested roots of the deck, half to any of its
#     outbound prefixes; 0.3% to an uncovered prefix: no_rate), ~20% in (to the
#     accounts' numbers, tollfree included), 0.2% from unassigned numbers
#     (unknown_account), 6% unanswered; 1% of the rows repeat an earlier row
#     (duplicates), 0.1% are bad (bad timestamp, duration, number, direction,
#     missing field: rejects).  Call keys are c0000000000, c0000000001, ... in
#     start order, or with keys=guid GUID-shaped as Teams' are, in no order
#     (the same world otherwise: the keys draw no random numbers).
# Prints a one-line summary on stderr.
# The key of the N-th call: in start order, or GUID-shaped (keys=guid), 16
# bits at a time from N (exact in awk's doubles) and ending in N itself, so
# that distinct calls have distinct keys and a duplicate its call's.
function call_key(n,   a, b, c, d) {
  if (keys != "guid") return sprintf("c%010d", n)
  a = (n * 40503 + 9973) % 65536
  b = (a * 25173 + (n % 65536) * 13849 + 1) % 65536
  c = (b * 40503 + int(n / 65536) * 9973 + 7) % 65536
  d = (c * 25173 + a + 11) % 65536
  return sprintf("%04x%04x-%04x-%04x-%04x-%012x", a, b, c, d, (a * 7 + b) % 65536, n)
}
function pick_callee(   p, k) {
  if (rand() < 0.003) return sprintf("+888%08d", int(rand() * 100000000))
  if (rand() < 0.5) p = hot[1 + int(rand() * nhot)]
  else p = outp[int(rand() * nout)]
  k = 11 - length(p)
  if (k < 2) k = 2
  while (k-- > 0) p = p int(rand() * 10)
  return "+" p
}
function external(   p) {
  p = hot[1 + int(rand() * nhot)]
  while (length(p) < 11) p = p int(rand() * 10)
  return "+" p
}
function stamp(t, ms,   s) {
  s = t % 86400
  return sprintf("2026-11-%02dT%02d:%02d:%02d.%03dZ", 1 + int(t / 86400), int(s / 3600),
                 int(s % 3600 / 60), s % 60, ms)
}
BEGIN {
  srand(20261203)
  cat = dir "/catalog"
  f = cat "/operators.csv"
  print "operator,name,currency,invoice_prefix" > f
  print "northwind,Northwind Telecom,EUR,NWT" > f
  print "tailspin,Tailspin Communications,USD,TSC" > f
  close(f)
  f = cat "/plans.csv"
  print "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals" > f
  print "nw-basic,northwind,bench,10.00,5.00,2.50,0,,6" > f
  print "nw-bundle,northwind,bench,15.00,5.00,2.50,300,DOMESTIC|MOBILE,6" > f
  print "nw-cents,northwind,bench,8.00,4.00,2.00,0,,2" > f
  print "ts-basic,tailspin,bench,8.00,4.00,1.00,0,,6" > f
  print "ts-bundle,tailspin,bench,12.00,4.00,1.00,500,INTL|DOMESTIC,6" > f
  close(f)
  split("Europe/London America/New_York Asia/Tokyo", zone, " ")
  split("GB US JP", country, " ")
  split("20 8.875 10", tax, " ")
  fa = cat "/accounts.csv"; fn = cat "/numbers.csv"
  print "account,operator,tenant_id,name,plan,country,timezone,tax_rate" > fa
  print "number,account,type,user,from,to" > fn
  g = 0; ncall = 0; nnum = 0
  for (i = 0; i < accounts; i++) {
    acc = sprintf("acc%05d", i)
    op = (i % 3 == 2) ? "tailspin" : "northwind"
    z = 1 + (i * 7) % 5; if (z > 3) z -= 2        # London 2/5, New York 2/5, Tokyo 1/5
    plan = op == "northwind" ? (i % 4 == 0 ? "nw-bundle" : i % 4 == 1 ? "nw-cents" : "nw-basic") \
                             : (i % 2 == 0 ? "ts-bundle" : "ts-basic")
    printf "%s,%s,%08d-0b1e-4c7d-9a0b-%012d,Account %d,%s,%s,%s,%s\n", acc, op, (i + 1) * 7919 % 100000000,
      i, i, plan, country[z], zone[z], tax[z] > fa
    n = 15 + (i * 7) % 12
    for (j = 0; j < n; j++) {
      g++
      if (j == 1 && i % 4 == 0) {
        type = "tollfree"
        num = z == 1 ? sprintf("+44800%07d", g) : z == 2 ? sprintf("+1800%07d", g) : sprintf("+81120%06d", g)
      } else {
        type = j == 0 ? "service" : "user"
        num = z == 1 ? sprintf("+441134%06d", g) : z == 2 ? sprintf("+1646%07d", g) : sprintf("+813%08d", g)
      }
      from = "2026-01-01"; to = ""
      r = rand()
      if (r < 0.03) from = "2026-11-16"
      else if (r < 0.05) to = "2026-11-20"
      upn = type == "user" ? sprintf("u%d@%s.example", g, acc) : ""
      printf "%s,%s,%s,%s,%s,%s\n", num, acc, type, upn, from, to > fn
      nnum++
      num_n[nnum] = num; num_user[nnum] = upn; num_op[nnum] = op
      if (type != "tollfree") { ncall++; callable[ncall] = nnum }
    }
  }
  close(fa); close(fn)

  # the deck's outbound prefixes, and the nested roots most calls dial into
  deck = cat "/decks/bench.csv"
  while ((getline line < deck) > 0) {
    split(line, fld, ",")
    if (fld[4] == "out" && !(fld[1] in seenp)) { seenp[fld[1]] = 1; outp[nout++] = fld[1] }
  }
  close(deck)
  nhot = split("44207946 447700 4420 331 4930 1212555 1212 81 33 49", hot, " ")

  print "call_id,start,duration,caller,callee,direction,user,operator"
  nring = 0; month = 30 * 86400; id = 0; dups = 0; bad = 0
  for (i = 0; i < calls; i++) {
    t = int(i * month / calls); ms = (i * 137) % 1000
    if (nring >= 1000 && rand() < 0.01) { print ring[int(rand() * 1000)]; dups++; continue }
    if (rand() < 0.001) {
      k = bad++ % 5
      cid = sprintf("bad%09d", bad)
      if (k == 0) printf "%s,2026-11-31T25:61:00Z,60,+441134000001,+33123456789,out,,northwind\n", cid
      else if (k == 1) printf "%s,%s,-7,+441134000001,+33123456789,out,,northwind\n", cid, stamp(t, ms)
      else if (k == 2) printf "%s,%s,60,+441134000001,+44abc,out,,northwind\n", cid, stamp(t, ms)
      else if (k == 3) printf "%s,%s,60,+441134000001,+33123456789,sideways,,northwind\n", cid, stamp(t, ms)
      else printf "%s,%s,60,,+33123456789,out,,northwind\n", cid, stamp(t, ms)
      continue
    }
    dur = rand() < 0.06 ? 0 : 1 + int(-log(1 - rand()) * 150)
    if (dur > 7200) dur = 7200
    if (rand() < 0.002) {
      line = sprintf("%s,%s,%d,+449999%06d,%s,out,,northwind", call_key(id++), stamp(t, ms), dur,
                     int(rand() * 1000000), pick_callee())
    } else if (rand() < 0.8) {
      k = callable[1 + int(rand() * ncall)]
      line = sprintf("%s,%s,%d,%s,%s,out,%s,%s", call_key(id++), stamp(t, ms), dur, num_n[k], pick_callee(),
                     num_user[k], num_op[k])
    } else {
      k = 1 + int(rand() * nnum)
      line = sprintf("%s,%s,%d,%s,%s,in,%s,%s", call_key(id++), stamp(t, ms), dur, external(), num_n[k],
                     num_user[k], num_op[k])
    }
    print line
    ring[nring++ % 1000] = line
  }
  printf "world: %d accounts, %d numbers, deck with %d outbound prefixes; %d rows: %d calls, %d duplicates, %d bad\n",
    accounts, nnum, nout, calls, id, dups, bad > "/dev/stderr"
}
