#!/usr/bin/env python3
"""gen-graph.py — Microsoft Graph getPstnCalls JSON from a Teams PSTN export.

  gen-graph.py pages ROWS_PER_PAGE < PSTN.calls.csv > calls.json
      the rows as getPstnCalls response pages (pretty-printed as Microsoft's
      examples are, 4-space indent), concatenated, each but the last with an
      @odata.nextLink;
  gen-graph.py lines < PSTN.calls.csv > calls.jsonl
      the rows as JSON Lines;
  gen-graph.py synthetic N lines|pages > big.json
      N made-up rows (for the bench and the memory measurement), no input.

Each row carries the v1.0 pstnCallLogRow members, from the export's columns
of the same meaning, so that ingesting or reconciling the JSON gives the same
calls as the CSV.
"""
import csv
import io
import json
import sys

CONTEXT = ("https://graph.microsoft.com/v1.0/$metadata#Collection"
           "(microsoft.graph.callRecords.pstnCallLogRow)")
NEXT = ("https://graph.microsoft.com/v1.0/communications/callRecords/"
        "getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-30)?$skip=%d")


def money(text):
    return float(text) if text else 0.0


def row_of(r):
    return {
        "id": r["UsageId"],
        "callId": r.get("Call ID", ""),
        "userId": r.get("AAD ObjectId", ""),
        "userPrincipalName": r.get("UPN", ""),
        "userDisplayName": r.get("User Display Name", ""),
        "startDateTime": r["Start Time"],
        "endDateTime": r["End Time"],
        "duration": int(r["Duration Seconds"]),
        "charge": money(r.get("Charge")),
        "callType": r["Call Type"],
        "currency": r.get("Currency", "GBP"),
        "calleeNumber": r["Destination Number"],
        "usageCountryCode": r.get("User Location", ""),
        "tenantCountryCode": "GB",
        "connectionCharge": money(r.get("Connection Fee")),
        "callerNumber": r["Caller ID"],
        "destinationContext": r.get("Domestic/International") or None,
        "destinationName": r.get("Destination Dialed", ""),
        "conferenceId": r.get("Conference ID") or None,
        "licenseCapability": r.get("Capability", "MCOEV"),
        "inventoryType": r.get("Number Type", "user"),
        "operator": r.get("Operator", "Microsoft"),
        "callDurationSource": (r.get("Source of Call Duration") or "microsoft").lower(),
    }


def synthetic(n):
    for i in range(n):
        out = i % 2 == 0
        own = "+4420794%05d" % (i % 100000)
        other = "+4477009%05d" % ((i * 7) % 100000)
        s = i % 86400
        yield {
            "id": "00000000-0000-4000-8000-%012d" % i,
            "callId": "call-%d" % i,
            "userId": "a209c6a7-ffb5-4d17-8b03-%012d" % (i % 1000),
            "userPrincipalName": "user%d@contoso.com" % (i % 1000),
            "userDisplayName": "User %d" % (i % 1000),
            "startDateTime": "2026-11-%02dT%02d:%02d:%02d.1238645Z" % (
                1 + i % 28, s // 3600, s // 60 % 60, s % 60),
            "endDateTime": "2026-11-%02dT%02d:%02d:%02d.1238645Z" % (
                1 + i % 28, s // 3600, s // 60 % 60, s % 60),
            "duration": 1 + i % 600,
            "charge": 0.0, "callType": "oc_user_out" if out else "oc_user_in",
            "currency": "GBP",
            "calleeNumber": other if out else own,
            "usageCountryCode": "GB", "tenantCountryCode": "GB",
            "connectionCharge": 0.0,
            "callerNumber": own if out else other,
            "destinationContext": None, "destinationName": "United Kingdom",
            "conferenceId": None, "licenseCapability": "MCOEV",
            "inventoryType": "Subscriber", "operator": "Northwind Telecom Ltd",
            "callDurationSource": "operator",
        }


def write_pages(rows, per_page, out):
    rows = list(rows) if not hasattr(rows, "__len__") else rows
    for start in range(0, max(len(rows), 1), per_page):
        page = {"@odata.context": CONTEXT, "@odata.count": len(rows[start:start + per_page]),
                "value": rows[start:start + per_page]}
        if start + per_page < len(rows):
            page["@odata.nextLink"] = NEXT % (start + per_page)
        out.write(json.dumps(page, indent=4, ensure_ascii=False) + "\n")


def write_pages_stream(rows, per_page, out):
    page = []
    skip = 0
    for r in rows:
        page.append(r)
        if len(page) == per_page:
            skip += per_page
            out.write(json.dumps({"@odata.context": CONTEXT, "@odata.count": per_page,
                                  "value": page, "@odata.nextLink": NEXT % skip}) + "\n")
            page = []
    if page:
        out.write(json.dumps({"@odata.context": CONTEXT, "value": page}) + "\n")


def main(argv):
    out = sys.stdout
    if argv[1] == "synthetic":
        rows = synthetic(int(argv[2]))
        if argv[3] == "lines":
            for r in rows:
                out.write(json.dumps(r) + "\n")
        else:
            write_pages_stream(rows, 1000, out)
        return 0
    text = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    rows = [row_of(r) for r in csv.DictReader(text)]
    if argv[1] == "pages":
        write_pages(rows, int(argv[2]), out)
    else:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
