# gen-reconcile.awk — a pair of CDR files to reconcile, deterministic
# (awk -v n=N -v left=FILE -v right=FILE):
#   right  a Teams PSTN export (teams-pstn): UsageId keys, Teams clock,
#          German callees masked ('***'), 1% of the calls missing
#   left   the operator's SBC CDRs (rater format): sbc-N keys except every
#          10th call, which carries the Teams UsageId; clock 3 s ahead with
#          ±0.5 s jitter; a different 1% missing; every 200th call 1 s longer
# N calls spread over 2026-11-03 (~12 a second), 5,000 user numbers calling
# London (60%), UK mobiles (30%) and Berlin (10%); every 20th unanswered.
function ts(ms,   s) {
  s = int(ms / 1000)
  return sprintf("2026-11-03T%02d:%02d:%02d.%03dZ", int(s / 3600), int(s % 3600 / 60), s % 60, ms % 1000)
}
BEGIN {
  srand(20261103)
  print "call_id,start,duration,caller,callee,direction,operator" > left
  print "UsageId,Call ID,UPN,Caller ID,Call Type,Destination Number,Start Time,End Time,Duration Seconds" > right
  for (i = 0; i < n; i++) {
    ms = int(i * 86000000 / n) + 1000
    r = int(rand() * 1000000)
    caller = sprintf("44163296%04d", r % 5000)
    k = r % 10
    if (k < 6) callee = sprintf("44207946%04d", int(rand() * 10000))
    else if (k < 9) callee = sprintf("447700%06d", int(rand() * 1000000))
    else callee = sprintf("4930%07d", int(rand() * 10000000))
    dur = (i % 20 == 0) ? 0 : int(rand() * 1200)
    uid = sprintf("%08x-0000-4000-8000-%012x", i, r)
    miss = rand()
    if (miss >= 0.01) {
      rcallee = (k == 9) ? substr(callee, 1, length(callee) - 3) "***" : callee
      printf "%s,c%d,user%d@contoso.com,+%s,oc_user_out,+%s,%s,,%d\n", uid, i, r % 5000, caller, rcallee, ts(ms), dur > right
    }
    if (miss < 0.01 || miss >= 0.02) {
      lkey = (i % 10 == 0) ? uid : sprintf("sbc-%09d", i)
      lms = ms + 3000 + int(rand() * 1000) - 500
      ldur = (i % 200 == 7) ? dur + 1 : dur
      printf "%s,%s,%d,+%s,+%s,out,northwind\n", lkey, ts(lms), ldur, caller, callee > left
    }
  }
}
