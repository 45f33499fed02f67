# gen-cdrs.awk — N canonical rater CDR rows (awk -v n=N -v op=OP), deterministic:
# callers cycle over tests/data/spec-catalog's user numbers, callees over a spread
# of national, mobile and international destinations, one call every 0.5 s
# from 2026-11-01, durations 0..1199 s (every 20th unanswered).
BEGIN {
  srand(20261124)
  split("441632960001 441632960002 441632960101", callers, " ")
  ncallers = 3
  print "call_id,start,duration,caller,callee,direction,operator"
  base = 1793491200   # 2026-11-01T00:00:00Z
  for (i = 0; i < n; i++) {
    t = base + int(i / 2)
    d = int(t / 86400); s = t % 86400
    # days since epoch -> civil date (November 2026 onwards, good for months)
    day = d - 20758 + 1
    month = 11; year = 2026
    while (day > 30 && month == 11) { day -= 30; month = 12 }
    while (day > 31 && month == 12) { day -= 31; month = 1; year = 2027 }
    r = int(rand() * 1000000)
    dur = (i % 20 == 0) ? 0 : r % 1200
    k = r % 10
    if (k < 4) callee = sprintf("+44207946%04d", r % 10000)
    else if (k < 7) callee = sprintf("+447700%06d", r % 1000000)
    else if (k < 8) callee = sprintf("+331%08d", r % 100000000)
    else if (k < 9) callee = sprintf("+4930%07d", r % 10000000)
    else callee = sprintf("+1212555%04d", r % 10000)
    printf "c%09d,%04d-%02d-%02dT%02d:%02d:%02d.%03dZ,%d,+%s,%s,out,%s\n", i, year, month, day,
      int(s / 3600), int(s % 3600 / 60), s % 60, (i % 2) * 500, dur, callers[i % ncallers + 1], callee, op
  }
}
