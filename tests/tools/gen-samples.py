#!/usr/bin/env python3
"""gen-samples.py -- regenerate the sample catalog (rates/) and CDR files (samples/).

    python3 tests/tools/gen-samples.py

Rewrites, from nothing but this file:

  rates/operators.csv, plans.csv, accounts.csv, numbers.csv, decks/*.csv
      one catalog directory (formats.md section 1), for `rater catalog import rates`
  samples/cdr/**           CDR files in every supported source layout (formats.md
                           section 2 and its appendix), deliberately dirty
  samples/README.md        what each file is, its ingest flags, and its dirt

Deterministic: a single random.Random(20261124) drawn in a fixed order, no clock,
no environment; only the Python 3 standard library (zoneinfo reads the system
tzdata).  The outputs are committed, so nothing needs Python at build time.

Data model: a world of two operators (northwind/GB/GBP, tailspin/US/USD), their
plans, decks, accounts and numbers; then synthetic calls ("Call" objects, UTC
instants, E.164 digits) drawn per source and rendered by one writer per format.
Every call belongs to exactly one file (except the deliberate cross-file
duplicates), so ingesting every sample never bills a call twice.
"""

import os
import random
import shutil
import sys
import unicodedata
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RATES = os.path.join(ROOT, "rates")
SAMPLES = os.path.join(ROOT, "samples")

RNG = random.Random(20261124)
UTC = timezone.utc
FIRST_DAY = date(2026, 10, 26)      # CDRs cover 2026-10-26 .. 2026-11-23 (local dates)
LAST_DAY = date(2026, 11, 23)
PRICE_CHANGE = "2026-11-15"         # mid-month deck change

# ---------------------------------------------------------------------------
# ITU-T E.164 country calling codes (every assigned code, plus NANP area codes
# outside the US/Canada as their own rows).  code|name|ISO alpha-2|price tier.
# Tiers are price bands used to draw realistic rates; "-" = no ISO country.
# ---------------------------------------------------------------------------
COUNTRY_TABLE = """
1|United States|US|na
1242|Bahamas|BS|carib
1246|Barbados|BB|carib
1264|Anguilla|AI|carib
1268|Antigua and Barbuda|AG|carib
1284|British Virgin Islands|VG|carib
1340|United States Virgin Islands|VI|carib
1345|Cayman Islands|KY|carib
1441|Bermuda|BM|carib
1473|Grenada|GD|carib
1649|Turks and Caicos Islands|TC|carib
1658|Jamaica|JM|carib
1664|Montserrat|MS|carib
1670|Northern Mariana Islands|MP|pac
1671|Guam|GU|pac
1684|American Samoa|AS|pac
1721|Sint Maarten|SX|carib
1758|Saint Lucia|LC|carib
1767|Dominica|DM|carib
1784|Saint Vincent and the Grenadines|VC|carib
1787|Puerto Rico|PR|carib
1809|Dominican Republic|DO|carib
1829|Dominican Republic|DO|carib
1849|Dominican Republic|DO|carib
1868|Trinidad and Tobago|TT|carib
1869|Saint Kitts and Nevis|KN|carib
1876|Jamaica|JM|carib
1939|Puerto Rico|PR|carib
20|Egypt|EG|af1
211|South Sudan|SS|af2
212|Morocco|MA|af1
213|Algeria|DZ|af2
216|Tunisia|TN|af1
218|Libya|LY|af2
220|Gambia|GM|af2
221|Senegal|SN|af2
222|Mauritania|MR|af2
223|Mali|ML|af2
224|Guinea|GN|af2
225|Cote d'Ivoire|CI|af2
226|Burkina Faso|BF|af2
227|Niger|NE|af2
228|Togo|TG|af2
229|Benin|BJ|af2
230|Mauritius|MU|af1
231|Liberia|LR|af2
232|Sierra Leone|SL|af2
233|Ghana|GH|af1
234|Nigeria|NG|af1
235|Chad|TD|af2
236|Central African Republic|CF|af2
237|Cameroon|CM|af2
238|Cabo Verde|CV|af2
239|Sao Tome and Principe|ST|remote
240|Equatorial Guinea|GQ|af2
241|Gabon|GA|af2
242|Congo|CG|af2
243|Congo (Democratic Republic)|CD|af2
244|Angola|AO|af2
245|Guinea-Bissau|GW|af2
246|Diego Garcia|IO|remote
247|Ascension Island|AC|remote
248|Seychelles|SC|af2
249|Sudan|SD|af2
250|Rwanda|RW|af2
251|Ethiopia|ET|af2
252|Somalia|SO|af2
253|Djibouti|DJ|af2
254|Kenya|KE|af1
255|Tanzania|TZ|af2
256|Uganda|UG|af2
257|Burundi|BI|af2
258|Mozambique|MZ|af2
260|Zambia|ZM|af2
261|Madagascar|MG|af2
262|Reunion|RE|af1
263|Zimbabwe|ZW|af2
264|Namibia|NA|af2
265|Malawi|MW|af2
266|Lesotho|LS|af2
267|Botswana|BW|af2
268|Eswatini|SZ|af2
269|Comoros|KM|af2
27|South Africa|ZA|af1
290|Saint Helena|SH|remote
291|Eritrea|ER|af2
297|Aruba|AW|carib
298|Faroe Islands|FO|eu2
299|Greenland|GL|remote
30|Greece|GR|eu1
31|Netherlands|NL|eu1
32|Belgium|BE|eu1
33|France|FR|eu1
34|Spain|ES|eu1
350|Gibraltar|GI|eu2
351|Portugal|PT|eu1
352|Luxembourg|LU|eu1
353|Ireland|IE|eu1
354|Iceland|IS|eu2
355|Albania|AL|eu2
356|Malta|MT|eu2
357|Cyprus|CY|eu2
358|Finland|FI|eu1
359|Bulgaria|BG|eu2
36|Hungary|HU|eu2
370|Lithuania|LT|eu2
371|Latvia|LV|eu2
372|Estonia|EE|eu2
373|Moldova|MD|eu2
374|Armenia|AM|eu2
375|Belarus|BY|eu2
376|Andorra|AD|eu2
377|Monaco|MC|eu2
378|San Marino|SM|eu2
379|Vatican City|VA|eu2
380|Ukraine|UA|eu2
381|Serbia|RS|eu2
382|Montenegro|ME|eu2
383|Kosovo|XK|eu2
385|Croatia|HR|eu2
386|Slovenia|SI|eu2
387|Bosnia and Herzegovina|BA|eu2
388|European Telephony Numbering Space|-|ng
389|North Macedonia|MK|eu2
39|Italy|IT|eu1
40|Romania|RO|eu2
41|Switzerland|CH|eu1
420|Czechia|CZ|eu2
421|Slovakia|SK|eu2
423|Liechtenstein|LI|eu2
43|Austria|AT|eu1
44|United Kingdom|GB|eu1
45|Denmark|DK|eu1
46|Sweden|SE|eu1
47|Norway|NO|eu1
48|Poland|PL|eu1
49|Germany|DE|eu1
500|Falkland Islands|FK|remote
501|Belize|BZ|latam
502|Guatemala|GT|latam
503|El Salvador|SV|latam
504|Honduras|HN|latam
505|Nicaragua|NI|latam
506|Costa Rica|CR|latam
507|Panama|PA|latam
508|Saint Pierre and Miquelon|PM|remote
509|Haiti|HT|carib
51|Peru|PE|latam
52|Mexico|MX|latam
53|Cuba|CU|carib
54|Argentina|AR|latam
55|Brazil|BR|latam
56|Chile|CL|latam
57|Colombia|CO|latam
58|Venezuela|VE|latam
590|Guadeloupe|GP|carib
591|Bolivia|BO|latam
592|Guyana|GY|latam
593|Ecuador|EC|latam
594|French Guiana|GF|carib
595|Paraguay|PY|latam
596|Martinique|MQ|carib
597|Suriname|SR|latam
598|Uruguay|UY|latam
599|Curacao and Caribbean Netherlands|CW|carib
60|Malaysia|MY|asia1
61|Australia|AU|oc
62|Indonesia|ID|asia2
63|Philippines|PH|asia2
64|New Zealand|NZ|oc
65|Singapore|SG|asia1
66|Thailand|TH|asia1
670|Timor-Leste|TL|remote
672|Norfolk Island|NF|remote
673|Brunei|BN|asia2
674|Nauru|NR|remote
675|Papua New Guinea|PG|pac
676|Tonga|TO|pac
677|Solomon Islands|SB|pac
678|Vanuatu|VU|pac
679|Fiji|FJ|pac
680|Palau|PW|pac
681|Wallis and Futuna|WF|remote
682|Cook Islands|CK|remote
683|Niue|NU|remote
685|Samoa|WS|pac
686|Kiribati|KI|remote
687|New Caledonia|NC|pac
688|Tuvalu|TV|remote
689|French Polynesia|PF|pac
690|Tokelau|TK|remote
691|Micronesia|FM|pac
692|Marshall Islands|MH|pac
7|Russia|RU|eu2
800|International Freephone|-|ng
808|International Shared Cost Service|-|ng
81|Japan|JP|asia1
82|South Korea|KR|asia1
84|Vietnam|VN|asia2
850|North Korea|KP|remote
852|Hong Kong|HK|asia1
853|Macao|MO|asia1
855|Cambodia|KH|asia2
856|Laos|LA|asia2
86|China|CN|asia1
870|Inmarsat|-|sat
878|Universal Personal Telecommunications|-|ng
880|Bangladesh|BD|asia2
881|Global Mobile Satellite System|-|sat
882|International Networks|-|sat
883|International Networks|-|sat
886|Taiwan|TW|asia1
888|OCHA Disaster Relief|-|ng
90|Turkey|TR|eu2
91|India|IN|asia1
92|Pakistan|PK|asia2
93|Afghanistan|AF|me
94|Sri Lanka|LK|asia2
95|Myanmar|MM|asia2
960|Maldives|MV|asia2
961|Lebanon|LB|me
962|Jordan|JO|me
963|Syria|SY|me
964|Iraq|IQ|me
965|Kuwait|KW|me
966|Saudi Arabia|SA|me
967|Yemen|YE|me
968|Oman|OM|me
970|Palestine|PS|me
971|United Arab Emirates|AE|me
972|Israel|IL|eu2
973|Bahrain|BH|me
974|Qatar|QA|me
975|Bhutan|BT|asia2
976|Mongolia|MN|asia2
977|Nepal|NP|asia2
979|International Premium Rate Service|-|ng
98|Iran|IR|me
991|International Telecommunications Public Correspondence Service|-|ng
992|Tajikistan|TJ|me
993|Turkmenistan|TM|me
994|Azerbaijan|AZ|me
995|Georgia|GE|eu2
996|Kyrgyzstan|KG|me
998|Uzbekistan|UZ|me
"""

# Sub-prefixes priced on their own: mobile ranges of popular destinations and
# territories sharing a parent code.  prefix|destination|tier|is-mobile
SUB_TABLE = """
76|Kazakhstan|eu2|0
77|Kazakhstan|eu2|0
3906698|Vatican City|eu2|0
35818|Aland Islands|eu1|0
4779|Svalbard and Jan Mayen|eu2|0
441481|Guernsey|eu2|0
441534|Jersey|eu2|0
441624|Isle of Man|eu2|0
447624|Isle of Man - Mobile|eu2|1
6189162|Cocos (Keeling) Islands|remote|0
6189164|Christmas Island|remote|0
6721|Australian Antarctic Territory|remote|0
6723|Norfolk Island|remote|0
262269|Mayotte|af1|0
262639|Mayotte - Mobile|af1|1
2908|Tristan da Cunha|remote|0
5993|Sint Eustatius|carib|0
5994|Saba|carib|0
5997|Bonaire|carib|0
5999|Curacao|carib|0
8816|Global Mobile Satellite System - Iridium|sat|0
8817|Global Mobile Satellite System - Iridium|sat|0
8818|Global Mobile Satellite System - Globalstar|sat|0
8819|Global Mobile Satellite System - Globalstar|sat|0
3361|France - Mobile|eu1|1
3362|France - Mobile|eu1|1
3363|France - Mobile|eu1|1
3364|France - Mobile|eu1|1
3365|France - Mobile|eu1|1
3366|France - Mobile|eu1|1
3367|France - Mobile|eu1|1
3368|France - Mobile|eu1|1
3369|France - Mobile|eu1|1
337|France - Mobile|eu1|1
4915|Germany - Mobile|eu1|1
4916|Germany - Mobile|eu1|1
4917|Germany - Mobile|eu1|1
346|Spain - Mobile|eu1|1
347|Spain - Mobile|eu1|1
393|Italy - Mobile|eu1|1
316|Netherlands - Mobile|eu1|1
324|Belgium - Mobile|eu1|1
3538|Ireland - Mobile|eu1|1
3519|Portugal - Mobile|eu1|1
4175|Switzerland - Mobile|eu1|1
4176|Switzerland - Mobile|eu1|1
4177|Switzerland - Mobile|eu1|1
4178|Switzerland - Mobile|eu1|1
4179|Switzerland - Mobile|eu1|1
467|Sweden - Mobile|eu1|1
474|Norway - Mobile|eu1|1
479|Norway - Mobile|eu1|1
4850|Poland - Mobile|eu1|1
4851|Poland - Mobile|eu1|1
4853|Poland - Mobile|eu1|1
4857|Poland - Mobile|eu1|1
4860|Poland - Mobile|eu1|1
4866|Poland - Mobile|eu1|1
4869|Poland - Mobile|eu1|1
4872|Poland - Mobile|eu1|1
4879|Poland - Mobile|eu1|1
4888|Poland - Mobile|eu1|1
447|United Kingdom - Mobile|eu1|1
916|India - Mobile|asia1|1
917|India - Mobile|asia1|1
918|India - Mobile|asia1|1
919|India - Mobile|asia1|1
861|China - Mobile|asia1|1
614|Australia - Mobile|oc|1
642|New Zealand - Mobile|oc|1
639|Philippines - Mobile|asia2|1
8170|Japan - Mobile|asia1|1
8180|Japan - Mobile|asia1|1
8190|Japan - Mobile|asia1|1
8210|South Korea - Mobile|asia1|1
923|Pakistan - Mobile|asia2|1
2547|Kenya - Mobile|af1|1
2347|Nigeria - Mobile|af1|1
2348|Nigeria - Mobile|af1|1
2349|Nigeria - Mobile|af1|1
276|South Africa - Mobile|af1|1
277|South Africa - Mobile|af1|1
278|South Africa - Mobile|af1|1
9715|United Arab Emirates - Mobile|me|1
9665|Saudi Arabia - Mobile|me|1
601|Malaysia - Mobile|asia1|1
628|Indonesia - Mobile|asia2|1
5411|Argentina - Buenos Aires|latam|0
549|Argentina - Mobile|latam|1
5255|Mexico - Mexico City|latam|0
"""

# Price tiers in GBP per minute: (rate, increment, connect fee)
TIERS = {
    "eu1": (0.0150, "1/1", 0.0),
    "eu2": (0.0380, "1/1", 0.0),
    "na": (0.0120, "1/1", 0.0),
    "latam": (0.0650, "30/6", 0.0),
    "carib": (0.1800, "60/60", 0.0),
    "asia1": (0.0240, "1/1", 0.0),
    "asia2": (0.0950, "30/6", 0.0),
    "me": (0.1300, "30/6", 0.0),
    "af1": (0.0900, "30/6", 0.0),
    "af2": (0.2800, "60/60", 0.0),
    "oc": (0.0220, "1/1", 0.0),
    "pac": (0.6500, "60/60", 0.10),
    "remote": (1.3500, "60/60", 0.25),
    "sat": (5.9000, "60/60", 1.00),
    "ng": (0.4500, "60/60", 0.10),
}
MOBILE_FACTOR = {"eu1": 3.2, "eu2": 1.6, "oc": 3.0}    # others 1.25

# National significant number lengths for drawing destination numbers.
NSN_LEN = {
    "1": 10, "44": 10, "49": 11, "33": 9, "353": 9, "91": 10, "86": 11, "61": 9,
    "7": 10, "81": 10, "39": 10, "34": 9, "31": 9, "48": 9, "234": 10, "27": 9,
    "971": 9, "92": 10, "880": 10, "63": 10, "52": 10, "55": 11, "65": 8, "852": 8,
    "853": 8, "354": 7, "356": 8, "357": 8, "372": 8, "376": 6, "377": 8, "298": 6,
    "299": 6, "500": 5, "290": 5, "683": 4, "690": 4, "688": 5, "674": 7, "680": 7,
    "870": 9, "881": 9, "882": 9, "883": 10, "800": 8, "808": 8, "979": 9, "888": 8,
    "41": 9, "43": 10, "45": 8, "46": 9, "47": 8, "32": 9, "351": 9, "30": 10,
    "90": 10, "20": 10, "254": 9, "62": 10, "60": 9, "64": 9, "66": 9, "82": 10,
    "84": 9, "886": 9, "972": 9, "966": 9, "98": 10, "54": 10, "56": 9, "57": 10,
}


def parse_table(text):
    return [line.split("|") for line in text.strip().splitlines()]


COUNTRIES = [(c, n, iso, t) for c, n, iso, t in parse_table(COUNTRY_TABLE)]
SUBS = [(p, n, t, m == "1") for p, n, t, m in parse_table(SUB_TABLE)]
ISO_OF_CODE = {c: iso for c, _, iso, _ in COUNTRIES}
NAME_OF_CODE = {c: n for c, n, _, _ in COUNTRIES}
ALL_CODES = sorted({c for c, _, _, _ in COUNTRIES})
US_TERRITORY_CODES = {"1340", "1670", "1671", "1684", "1787", "1939"}
CANADA_NPAS = ["204", "226", "236", "249", "250", "289", "306", "343", "365", "403",
               "416", "418", "431", "437", "438", "450", "506", "514", "519", "548",
               "579", "581", "587", "604", "613", "639", "647", "705", "709", "778",
               "780", "782", "807", "819", "825", "867", "873", "902", "905"]
US_NPAS = ["212", "646", "718", "917", "312", "773", "213", "310", "415", "617",
           "202", "305", "404", "512", "206", "303", "702", "214", "713", "602"]


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------

def guid():
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def dec(x, places):
    """A float drawn by the generator as a fixed-point decimal string."""
    q = Decimal(1).scaleb(-places)
    return str(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def digits(n):
    return "".join(RNG.choice("0123456789") for _ in range(n))


def ascii_fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and (c.isalnum() or c in ".-")).lower()


def csv_field(v):
    """RFC 4180 minimal quoting; bytes are passed through untouched."""
    if isinstance(v, bytes):
        return v
    s = "" if v is None else str(v)
    if any(ch in s for ch in ',"\r\n') or s != s.strip():
        s = '"' + s.replace('"', '""') + '"'
    return s.encode("utf-8")


def csv_line(fields):
    return b",".join(csv_field(f) for f in fields)


def write_file(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_csv(path, header, rows, eol=b"\n", bom=False):
    out = [csv_line(header)] + [r if isinstance(r, bytes) else csv_line(r) for r in rows]
    write_file(path, (b"\xef\xbb\xbf" if bom else b"") + eol.join(out) + eol)


# ---------------------------------------------------------------------------
# rate decks
# ---------------------------------------------------------------------------

BAND_ORDER = {"peak": 0, "offpeak": 1, "weekend": 2, "all": 3, "": 3}


class DeckRow:
    def __init__(self, prefix, dest, group, rate, connect=0.0, inc="1/1",
                 direction="out", band="all", eff_from="2026-01-01", eff_to="",
                 places=4):
        self.prefix, self.dest, self.group = prefix, dest, group
        self.direction, self.band = direction, band
        self.rate = dec(rate, places)
        self.connect = dec(connect, 4)
        self.inc, self.eff_from, self.eff_to = inc, eff_from, eff_to

    def key(self):
        return (self.prefix, self.direction, BAND_ORDER[self.band], self.eff_from)


def jitter(lo=0.85, hi=1.2):
    return RNG.uniform(lo, hi)


def intl_rows(mult, home, inc_override=None, places_mix=True):
    """One INTL row per calling code (home excluded) plus the sub-prefix rows."""
    rows = []
    for code, name, iso, tier in COUNTRIES:
        if code == home or (home == "1" and code in US_TERRITORY_CODES):
            continue
        base, inc, conn = TIERS[tier]
        places = 6 if (places_mix and RNG.random() < 0.15) else 4
        if code == "1":
            name = "United States and Canada"
        rows.append(DeckRow(code, name, "INTL", base * mult * jitter(), conn * mult,
                            inc_override or inc, places=places))
    for prefix, name, tier, mobile in SUBS:
        if prefix.startswith(home) and home in ("44",):
            continue                  # home-country sub-prefixes are priced as home rows
        base, inc, conn = TIERS[tier]
        if mobile:
            base *= MOBILE_FACTOR.get(tier, 1.25)
        rows.append(DeckRow(prefix, name, "INTL", base * mult * jitter(0.95, 1.1),
                            conn * mult, inc_override or inc))
    return rows


def uk_home_rows(wholesale=False):
    """Home-country rows of a northwind (GBP) deck."""
    m = 0.7 if wholesale else 1.0
    inc_geo = "1/1" if wholesale else "60/1"
    rows = [DeckRow("44", "United Kingdom", "DOMESTIC", 0.0085 * m, inc=inc_geo)]
    for p in ("441", "442"):
        if wholesale:
            rows.append(DeckRow(p, "United Kingdom", "DOMESTIC", 0.0060, inc=inc_geo))
        else:
            rows += [DeckRow(p, "United Kingdom", "DOMESTIC", 0.0085, inc=inc_geo, band="peak"),
                     DeckRow(p, "United Kingdom", "DOMESTIC", 0.0045, inc=inc_geo, band="offpeak"),
                     DeckRow(p, "United Kingdom", "DOMESTIC", 0.0025, inc=inc_geo, band="weekend")]
    rows += [
        DeckRow("443", "United Kingdom - Non-geographic 03", "DOMESTIC", 0.0085 * m, inc=inc_geo),
        DeckRow("4455", "United Kingdom - Corporate", "DOMESTIC", 0.0120 * m, inc=inc_geo),
        DeckRow("4456", "United Kingdom - VoIP", "DOMESTIC", 0.0120 * m, inc=inc_geo),
        DeckRow("441481", "Guernsey", "DOMESTIC", 0.0420 * m, inc="30/6"),
        DeckRow("441534", "Jersey", "DOMESTIC", 0.0420 * m, inc="30/6"),
        DeckRow("441624", "Isle of Man", "DOMESTIC", 0.0390 * m, inc="30/6"),
        DeckRow("447624", "Isle of Man - Mobile", "MOBILE", 0.0950 * m, 0.0050, "60/60"),
        DeckRow("4470", "United Kingdom - Personal Numbering", "SPECIAL", 0.3500, 0.0500, "60/60"),
        DeckRow("4476", "United Kingdom - Pagers", "SPECIAL", 0.2500, 0.0500, "60/60"),
        DeckRow("44800", "United Kingdom - Freephone", "TOLLFREE", 0, inc="1/1"),
        DeckRow("44808", "United Kingdom - Freephone", "TOLLFREE", 0, inc="1/1"),
        DeckRow("44800", "United Kingdom - Freephone", "TOLLFREE", 0.0090 * m, inc="60/1",
                direction="in"),
        DeckRow("4484", "United Kingdom - Special Services 084", "SPECIAL", 0.0550, 0.0200,
                "60/60"),
        DeckRow("4487", "United Kingdom - Special Services 087", "SPECIAL", 0.0900, 0.0200,
                "60/60"),
        DeckRow("449", "United Kingdom - Premium Rate", "PREMIUM", 1.5000, 0.1000, "60/60"),
        DeckRow("4498", "United Kingdom - Premium Rate 098", "PREMIUM", 1.9500, 0.1000, "60/60"),
        DeckRow("44999", "United Kingdom - Emergency", "EMERGENCY", 0),
        DeckRow("44112", "United Kingdom - Emergency", "EMERGENCY", 0),
        DeckRow("44111", "United Kingdom - NHS 111", "SPECIAL", 0),
        DeckRow("44116", "United Kingdom - Harmonised Helplines 116", "SPECIAL", 0),
        DeckRow("44101", "United Kingdom - Police Non-emergency 101", "SPECIAL", 0, 0.1500),
        DeckRow("44118", "United Kingdom - Directory Enquiries", "SPECIAL", 0.9500, 0.5000,
                "60/60"),
    ]
    if wholesale:
        rows += [DeckRow("447", "United Kingdom - Mobile", "MOBILE", 0.0082, inc="1/1"),
                 DeckRow("44808", "United Kingdom - Freephone", "TOLLFREE", 0.0075, inc="1/1",
                         direction="in")]
    else:
        # mid-month price change on mobile termination, plus last year's expired row
        rows += [
            DeckRow("447", "United Kingdom - Mobile", "MOBILE", 0.0150, 0.0050, "60/60",
                    eff_from="2025-04-01", eff_to="2026-01-01"),
            DeckRow("447", "United Kingdom - Mobile", "MOBILE", 0.0120, 0.0050, "60/60",
                    eff_to=PRICE_CHANGE),
            DeckRow("447", "United Kingdom - Mobile", "MOBILE", 0.0135, 0.0050, "60/60",
                    eff_from=PRICE_CHANGE),
            DeckRow("44808", "United Kingdom - Freephone", "TOLLFREE", 0.0120, inc="60/1",
                    direction="in", band="peak"),
            DeckRow("44808", "United Kingdom - Freephone", "TOLLFREE", 0.0080, inc="60/1",
                    direction="in", band="offpeak"),
        ]
    return rows


def us_home_rows(variant=False):
    """Home-country rows of a tailspin (USD) deck: NANP 1 is domestic."""
    rows = []
    if variant:
        rows.append(DeckRow("1", "United States", "DOMESTIC", 0.0085, inc="6/6"))
    else:
        rows += [
            DeckRow("1", "United States", "DOMESTIC", 0.0095, inc="6/6", band="peak",
                    eff_to=PRICE_CHANGE),
            DeckRow("1", "United States", "DOMESTIC", 0.0089, inc="6/6", band="peak",
                    eff_from=PRICE_CHANGE),
            DeckRow("1", "United States", "DOMESTIC", 0.0070, inc="6/6", band="offpeak",
                    eff_from="2025-01-01", eff_to="2026-01-01"),
            DeckRow("1", "United States", "DOMESTIC", 0.0060, inc="6/6", band="offpeak"),
        ]
    for npa in CANADA_NPAS:
        rows.append(DeckRow("1" + npa, "Canada", "DOMESTIC", 0.0110, inc="6/6"))
    for code in sorted(US_TERRITORY_CODES):
        rows.append(DeckRow(code, NAME_OF_CODE[code], "DOMESTIC", 0.0150, inc="6/6"))
    for tf in ("1800", "1833", "1844", "1855", "1866", "1877", "1888"):
        rows.append(DeckRow(tf, "United States - Toll Free", "TOLLFREE", 0, inc="1/1"))
        rows.append(DeckRow(tf, "United States - Toll Free", "TOLLFREE",
                            0.0180 if not variant else 0.0165, inc="6/6", direction="in"))
    rows += [
        DeckRow("1900", "United States - Premium Rate", "PREMIUM", 0.9900, 0.4900, "60/60"),
        DeckRow("1911", "United States - Emergency", "EMERGENCY", 0),
        DeckRow("1933", "United States - Emergency Test", "EMERGENCY", 0),
        DeckRow("1411", "United States - Directory Assistance", "SPECIAL", 0, 1.9900),
        DeckRow("1711", "United States - Relay Service", "SPECIAL", 0),
        DeckRow("1988", "United States - Crisis Lifeline", "SPECIAL", 0),
    ]
    return rows


def northwind_deck():
    rows = uk_home_rows() + intl_rows(1.0, "44")
    # a mid-month increase on Nigeria: replace the generic row by two windows
    ng = next(r for r in rows if r.prefix == "234")
    rows.remove(ng)
    rows += [DeckRow("234", "Nigeria", "INTL", float(ng.rate), inc=ng.inc, eff_to=PRICE_CHANGE),
             DeckRow("234", "Nigeria", "INTL", float(ng.rate) * 1.18, inc=ng.inc,
                     eff_from=PRICE_CHANGE)]
    return rows


def northwind_wholesale_deck():
    return uk_home_rows(wholesale=True) + intl_rows(0.62, "44", inc_override="1/1",
                                                    places_mix=False)


def tailspin_deck():
    rows = us_home_rows() + intl_rows(1.25, "1")
    mx = next(r for r in rows if r.prefix == "52")
    rows.remove(mx)
    # a change at a UTC instant (midnight US Central) instead of a date
    rows += [DeckRow("52", "Mexico", "INTL", 0.0250, inc="30/6", eff_to="2026-11-15T06:00:00Z"),
             DeckRow("52", "Mexico", "INTL", 0.0190, inc="30/6",
                     eff_from="2026-11-15T06:00:00Z")]
    return rows


def tailspin_global_deck():
    rows = us_home_rows(variant=True) + intl_rows(0.9, "1")
    for r in rows:
        if r.prefix in ("91", "916", "917", "918", "919"):
            r.rate = dec(0.0090 if len(r.prefix) == 2 else 0.0110, 4)
    return rows


def check_deck(name, rows):
    """Import rules: coverage of every calling code, no overlapping windows."""
    prefixes = {r.prefix for r in rows}
    missing = [c for c in ALL_CODES if c not in prefixes]
    assert not missing, f"{name}: missing calling codes {missing}"
    seen = {}
    for r in rows:
        k = (r.prefix, r.direction, r.band)
        lo, hi = r.eff_from, r.eff_to or "9999"     # ISO text compares in time order
        for lo2, hi2 in seen.get(k, []):
            assert hi <= lo2 or hi2 <= lo, f"{name}: overlapping rows for {k}"
        seen.setdefault(k, []).append((lo, hi))
        assert len(r.rate.split(".")[-1]) <= 6


def write_deck(name, rows, defaults_blank=False):
    check_deck(name, rows)
    rows = sorted(rows, key=DeckRow.key)
    out = []
    for r in rows:
        direction, band, connect, inc = r.direction, r.band, r.connect, r.inc
        if defaults_blank:          # exercise the documented column defaults
            direction = "" if direction == "out" else direction
            band = "" if band == "all" else band
            connect = "" if Decimal(connect) == 0 else connect
            inc = "" if inc == "1/1" else inc
        out.append([r.prefix, r.dest, r.group, direction, band, r.rate, connect, inc,
                    r.eff_from, r.eff_to])
    write_csv(os.path.join(RATES, "decks", name + ".csv"),
              ["prefix", "destination", "group", "direction", "band", "rate",
               "connect_fee", "increment", "effective_from", "effective_to"], out)
    return len(out)


# ---------------------------------------------------------------------------
# catalog: operators, plans, accounts, people, numbers
# ---------------------------------------------------------------------------

OPERATORS = [
    ("northwind", "Northwind Telecom Ltd", "GBP", "NWT"),
    ("tailspin", "Tailspin Communications Inc.", "USD", "TSC"),
]

PLANS = [
    # plan, operator, deck, fee_user, fee_service, fee_tollfree, bundle_minutes, groups, decimals
    ("nw-business", "northwind", "northwind-2026", "9.50", "4.50", "12.000000", 60,
     "DOMESTIC|MOBILE", 6),
    ("nw-payg", "northwind", "northwind-2026", "4.00", "2.00", "10.00", 0, "", 2),
    ("nw-wholesale", "northwind", "northwind-wholesale-2026", "1.25", "0.75", "5.000000", 0,
     "", 4),
    ("ts-standard", "tailspin", "tailspin-2026", "7.00", "3.00", "15.00", 0, "", 2),
    ("ts-unlimited-domestic", "tailspin", "tailspin-2026", "14.99", "5.00", "15.00", 10000,
     "DOMESTIC", 6),
    ("ts-global", "tailspin", "tailspin-global-2026", "11.50", "5.000000", "15.00", 30, "INTL",
     6),
]


class Account:
    def __init__(self, slug, operator, name, plan, country, tz, tax, domain, names,
                 display_style):
        self.slug, self.operator, self.name, self.plan = slug, operator, name, plan
        self.country, self.tzname, self.tax, self.domain = country, tz, tax, domain
        self.tz = ZoneInfo(tz)
        self.tenant_id = guid()
        self.names = names                 # (first names, last names) pools
        self.display_style = display_style  # "last, first" or "first last"
        self.numbers = []


class Person:
    def __init__(self, first, last, acct):
        self.first, self.last = first, last
        self.upn = f"{ascii_fold(first)}.{ascii_fold(last)}@{acct.domain}"
        self.display = (f"{last}, {first}" if acct.display_style == "last, first"
                        else f"{first} {last}")
        self.oid = guid()                  # Entra ID (AAD) object id


class Number:
    def __init__(self, e164, acct, ntype, person=None, frm="2025-06-01", to=""):
        self.e164, self.acct, self.type, self.person = e164, acct, ntype, person
        self.frm, self.to = frm, to
        self.label = None                  # display name of a resource account
        self.oid = person.oid if person else guid()   # user's or resource account's id

    def active_on(self, d, margin=1):
        """Active on local date d, with a margin of days on both sides so that
        calls never sit on an assignment boundary by accident."""
        lo = date.fromisoformat(self.frm) + timedelta(days=margin)
        hi = date.fromisoformat(self.to) - timedelta(days=margin) if self.to else date.max
        return lo <= d < hi


UK_FIRST = ["Alice", "Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Emily",
            "Jack", "Sophie", "Thomas", "Grace", "James", "Chloe", "William", "Ella",
            "Mohammed", "Priya", "Aisha", "Daniel", "Hannah", "Samuel", "Lucy", "Ryan",
            "Megan", "Callum", "Freya", "Rhys", "Zoë", "Imran", "Charlotte", "Kwame"]
UK_LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
           "Green", "Hall", "Wood", "Jackson", "Clarke", "Khan", "Hughes", "Edwards",
           "Okafor", "Nowak", "Chaudhry", "Lewis", "Mensah", "Ahmed"]
IE_FIRST = ["Siobhán", "Seán", "Aoife", "Ciarán", "Niamh", "Conor", "Róisín", "Eoin",
            "Caoimhe", "Darragh", "Saoirse", "Oisín"]
IE_LAST = ["Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor",
           "McCarthy", "Doyle", "Quinn", "Gallagher"]
US_FIRST = ["Emma", "Liam", "Olivia", "Ethan", "Sophia", "Mason", "Isabella", "Logan", "Mia",
            "Lucas", "Harper", "Jackson", "Evelyn", "Aiden", "Abigail", "Carlos", "María",
            "José", "Wei", "Mei", "DeShawn", "Tyler", "Madison", "Hiroshi", "Fatima",
            "Brandon", "Kayla", "Andre", "Nicole", "Dmitri"]
US_LAST = ["Johnson", "Garcia", "Martinez", "Rodriguez", "Lee", "Nguyen", "Kim", "Chen",
           "Hernandez", "Lopez", "Miller", "Davis", "Anderson", "Thomas", "Moore", "Jackson",
           "Washington", "Tanaka", "Rossi", "Cohen", "Kowalski", "Okonkwo", "Brooks",
           "Ramirez", "Sullivan", "Park", "Morales", "Bennett"]
IN_FIRST = ["Aarav", "Vihaan", "Ananya", "Diya", "Ishaan", "Saanvi", "Rohan", "Kavya",
            "Arjun", "Meera", "Nikhil", "Pooja", "Rahul", "Sneha", "Vikram", "Lakshmi"]
IN_LAST = ["Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Rao", "Kulkarni", "Bose",
           "Mehta", "Pillai", "Chatterjee", "Desai", "Joshi"]


def make_accounts():
    a = [
        Account("contoso", "northwind", "Contoso Ltd", "nw-business", "GB", "Europe/London",
                "20", "contoso.com", (UK_FIRST, UK_LAST), "last, first"),
        Account("fabrikam", "northwind", "Fabrikam UK Ltd", "nw-payg", "GB", "Europe/London",
                "20", "fabrikam.com", (UK_FIRST, UK_LAST), "first last"),
        Account("adatum", "northwind", "A. Datum Ireland DAC", "nw-business", "IE",
                "Europe/Dublin", "23", "adatum.com", (IE_FIRST, IE_LAST), "last, first"),
        Account("litware", "northwind", "Litware, Ltd.", "nw-wholesale", "GB",
                "Europe/London", "0", "litwareinc.com", (UK_FIRST, UK_LAST), "first last"),
        Account("woodgrove", "tailspin", "Woodgrove Bank", "ts-unlimited-domestic", "US",
                "America/New_York", "8.875", "woodgrovebank.com", (US_FIRST, US_LAST),
                "first last"),
        Account("wingtip", "tailspin", "Wingtip Toys", "ts-standard", "US", "America/Chicago",
                "10.25", "wingtiptoys.com", (US_FIRST, US_LAST), "first last"),
        Account("proseware", "tailspin", "Proseware, Inc.", "ts-standard", "US",
                "America/Los_Angeles", "9.5", "proseware.com", (US_FIRST, US_LAST),
                "first last"),
        Account("fourthcoffee", "tailspin", "Fourth Coffee India Pvt Ltd", "ts-global", "IN",
                "Asia/Kolkata", "18", "fourthcoffee.com", (IN_FIRST, IN_LAST), "first last"),
    ]
    return {x.slug: x for x in a}


ACCOUNTS = make_accounts()
NUMBERS = []
USED_UPNS = set()


def new_person(acct, used):
    firsts, lasts = acct.names
    while True:
        p = Person(RNG.choice(firsts), RNG.choice(lasts), acct)
        if p.upn not in used:
            used.add(p.upn)
            return p


def early_from():
    """An assignment start well before the sample period."""
    return date(2024, 1, 1).replace(month=RNG.randint(1, 12)).isoformat() if RNG.random() < 0.3 \
        else date(2025, RNG.randint(1, 12), RNG.choice([1, 1, 1, 15])).isoformat()


def add_numbers(acct, prefix, first, count, ntype, used, starts=(), ends=(), fixed=None):
    """Numbers prefix+NNN for NNN in first..first+count-1 (3-digit suffix unless
    the prefix is already long)."""
    out = []
    for i in range(count):
        n = prefix + f"{first + i:0{fixed or 3}d}"
        person = new_person(acct, used) if ntype == "user" else None
        frm, to = early_from(), ""
        if i in starts:
            frm = "2026-11-16"
        if i in ends:
            to = "2026-11-10"
        num = Number(n, acct, ntype, person, frm, to)
        acct.numbers.append(num)
        out.append(num)
    NUMBERS.extend(out)
    return out


def make_numbers():
    A = ACCOUNTS
    used = USED_UPNS
    c = A["contoso"]
    add_numbers(c, "442079460", 1, 3, "service", used)
    add_numbers(c, "442079460", 100, 30, "user", used, starts={28, 29}, ends={20, 21})
    add_numbers(c, "447700900", 101, 3, "user", used)          # FMC mobile users
    add_numbers(c, "448081570", 100, 2, "tollfree", used)
    labels(c, ["Contoso Main Line", "Contoso Service Desk", "Contoso Audio Conferencing"])
    f = A["fabrikam"]
    add_numbers(f, "441134960", 1, 2, "service", used)
    add_numbers(f, "441134960", 100, 20, "user", used, starts={18, 19}, ends={7})
    add_numbers(f, "448081570", 200, 1, "tollfree", used)
    labels(f, ["Fabrikam Reception", "Fabrikam Orders"])
    d = A["adatum"]
    add_numbers(d, "442896496", 1, 2, "service", used)
    add_numbers(d, "442896496", 100, 13, "user", used, ends={12})
    add_numbers(d, "448081570", 300, 1, "tollfree", used)
    labels(d, ["Adatum Belfast Reception", "Adatum Support"])
    lw = A["litware"]
    add_numbers(lw, "441614960", 1, 2, "service", used)
    add_numbers(lw, "441614960", 100, 22, "user", used, starts={21})
    labels(lw, ["Litware Switchboard", "Litware Hunt Group"])

    w = A["woodgrove"]
    add_numbers(w, "1212555", 100, 2, "service", used, fixed=4)
    add_numbers(w, "1212555", 102, 33, "user", used, fixed=4, starts={29, 30}, ends={31, 32})
    add_numbers(w, "1800555", 100, 2, "tollfree", used, fixed=4)
    labels(w, ["Woodgrove Bank Main", "Woodgrove Card Services"])
    wt = A["wingtip"]
    add_numbers(wt, "1312555", 100, 1, "service", used, fixed=4)
    add_numbers(wt, "1312555", 101, 24, "user", used, fixed=4, starts={22, 23}, ends={5})
    add_numbers(wt, "1800555", 110, 1, "tollfree", used, fixed=4)
    labels(wt, ["Wingtip Toys Store Line"])
    p = A["proseware"]
    add_numbers(p, "1213555", 100, 1, "service", used, fixed=4)
    add_numbers(p, "1213555", 101, 15, "user", used, fixed=4, ends={14})
    add_numbers(p, "1310555", 100, 8, "user", used, fixed=4, starts={7})
    add_numbers(p, "1800555", 120, 1, "tollfree", used, fixed=4)
    labels(p, ["Proseware Main"])
    fc = A["fourthcoffee"]
    add_numbers(fc, "1646555", 100, 1, "service", used, fixed=4)
    add_numbers(fc, "1646555", 101, 16, "user", used, fixed=4, starts={15})
    add_numbers(fc, "1800555", 130, 1, "tollfree", used, fixed=4)
    labels(fc, ["Fourth Coffee US Desk"])

    # one number reassigned on each side, never overlapping
    reassign("447700900555", c, "2025-03-01", "2026-11-10", lw, "2026-11-12", used)
    reassign("12125550199", w, "2025-01-06", "2026-11-05", fc, "2026-11-09", used)


def labels(acct, names):
    for n, label in zip([x for x in acct.numbers if x.type == "service"], names):
        n.label = label


def reassign(e164, a1, frm1, to1, a2, frm2, used):
    for acct, frm, to in ((a1, frm1, to1), (a2, frm2, "")):
        num = Number(e164, acct, "user", new_person(acct, used), frm, to)
        acct.numbers.append(num)
        NUMBERS.append(num)


def check_numbers():
    by = {}
    for n in NUMBERS:
        by.setdefault(n.e164, []).append(n)
    for e164, ns in by.items():
        ns.sort(key=lambda n: n.frm)
        for x, y in zip(ns, ns[1:]):
            assert x.to and x.to <= y.frm, f"overlapping assignments of {e164}"
    for a in ACCOUNTS.values():
        assert 15 <= len(a.numbers) <= 40, (a.slug, len(a.numbers))


def write_catalog():
    write_csv(os.path.join(RATES, "operators.csv"),
              ["operator", "name", "currency", "invoice_prefix"], OPERATORS)
    write_csv(os.path.join(RATES, "plans.csv"),
              ["plan", "operator", "deck", "fee_user", "fee_service", "fee_tollfree",
               "bundle_minutes", "bundle_groups", "call_decimals"], PLANS)
    write_csv(os.path.join(RATES, "accounts.csv"),
              ["account", "operator", "tenant_id", "name", "plan", "country", "timezone",
               "tax_rate"],
              [[a.slug, a.operator, a.tenant_id, a.name, a.plan, a.country, a.tzname, a.tax]
               for a in ACCOUNTS.values()])
    write_csv(os.path.join(RATES, "numbers.csv"),
              ["number", "account", "type", "user", "from", "to"],
              [["+" + n.e164, n.acct.slug, n.type, n.person.upn if n.person else "", n.frm,
                n.to] for n in NUMBERS])
    counts = {
        "northwind-2026": write_deck("northwind-2026", northwind_deck()),
        "northwind-wholesale-2026": write_deck("northwind-wholesale-2026",
                                               northwind_wholesale_deck()),
        "tailspin-2026": write_deck("tailspin-2026", tailspin_deck()),
        "tailspin-global-2026": write_deck("tailspin-global-2026", tailspin_global_deck(),
                                           defaults_blank=True),
    }
    return counts


# ---------------------------------------------------------------------------
# calls: one synthetic event, rendered later by a format writer
# ---------------------------------------------------------------------------

UK_GEO = ["442079460", "441134960", "441614960", "441174960", "441214960", "441314960",
          "441414960", "441514960", "442920180", "441632960", "442896496"]
POPULAR = {
    "44": {"1": 10, "353": 9, "33": 6, "49": 6, "34": 5, "39": 4, "31": 4, "91": 6, "86": 3,
           "61": 3, "48": 4, "234": 2, "27": 2, "971": 2, "92": 2, "880": 1, "63": 2, "32": 2,
           "41": 2, "46": 1, "47": 1, "45": 1, "351": 2, "30": 1, "90": 1, "20": 1, "254": 1,
           "52": 1, "55": 1, "81": 1, "65": 1, "852": 1, "972": 1, "1876": 1, "358": 1},
    "1": {"44": 9, "52": 8, "91": 8, "86": 4, "63": 5, "49": 3, "33": 3, "81": 2, "82": 2,
          "55": 2, "57": 2, "1876": 2, "1809": 2, "972": 1, "353": 2, "39": 2, "34": 2,
          "503": 1, "502": 1, "234": 1, "92": 1, "84": 2, "1868": 1, "61": 1, "7": 1},
}
MASK_DIGITS = {"BE": 3, "DE": 3, "DK": 3, "ES": 3, "FI": 3, "IT": 3, "NL": 3, "NO": 3,
               "SE": 3, "CH": 4, "FR": 4}
NORATE = ["429", "999", "693", "289", "4220"]   # spare ITU codes: no deck row anywhere


def _mobile_subs():
    by = {}
    for p, _, _, mobile in SUBS:
        if mobile:
            parent = max((c for c in ALL_CODES if p.startswith(c)), key=len)
            by.setdefault(parent, []).append(p)
    return by


MOBILE_SUBS = _mobile_subs()


class Call:
    """A call as it happened.  Numbers are E.164 digits without '+'; caller ''
    means withheld.  Times are aware UTC datetimes."""

    def __init__(self, **kw):
        self.short = None        # dialled short code ("999", "911") for emergency/services
        self.num = None          # the account's own Number involved
        self.country = ""        # ISO alpha-2 of the other party
        self.tags = set()
        self.__dict__.update(kw)

    @property
    def answer(self):
        return self.setup + timedelta(seconds=self.ring) if self.answered else None

    @property
    def start(self):             # billing.md: answer time when known, else setup
        return self.answer or self.setup

    @property
    def end(self):
        return self.answer + timedelta(seconds=self.dur) if self.answered \
            else self.setup + timedelta(seconds=self.ring)


def wchoice(weights):
    keys = list(weights)
    return RNG.choices(keys, [weights[k] for k in keys])[0]


def pick_day(lo=FIRST_DAY, hi=LAST_DAY):
    span = (hi - lo).days + 1
    while True:
        d = lo + timedelta(days=RNG.randrange(span))
        if d.weekday() < 5 or RNG.random() < 0.12:
            return d


def pick_when(acct, lo=FIRST_DAY, hi=LAST_DAY):
    d = pick_day(lo, hi)
    r = RNG.random()
    if r < 0.80:
        hour = RNG.choice([8, 9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17])
    elif r < 0.97:
        hour = RNG.choice([6, 7, 7, 18, 18, 19, 20, 21, 22])
    else:
        hour = RNG.choice([0, 1, 2, 3, 4, 5, 23])
    local = datetime.combine(d, time(hour, RNG.randrange(60), RNG.randrange(60)),
                             tzinfo=acct.tz)
    return local.astimezone(UTC) + timedelta(microseconds=RNG.randrange(1000000)), d


def pick_duration():
    r = RNG.random()
    if r < 0.08:
        return RNG.randint(1, 15)
    if r < 0.86:
        return max(16, int(min(3600, RNG.lognormvariate(4.8, 0.9))))
    if r < 0.985:
        return RNG.randint(600, 2700)
    return RNG.randint(3600, 9000)


def pick_own(acct, d, weights):
    while True:
        t = wchoice(weights)
        cands = [n for n in acct.numbers if n.type == t and n.active_on(d)]
        if cands:
            return RNG.choice(cands)


def nanp_number(npas=US_NPAS):
    return "1" + RNG.choice(npas) + "55501" + digits(2)


def intl_number(code):
    p = code
    if code in MOBILE_SUBS and RNG.random() < 0.45:
        p = RNG.choice(MOBILE_SUBS[code])
    if code == "1":
        return nanp_number(US_NPAS + CANADA_NPAS[:6])
    total = len(code) + NSN_LEN.get(code, 9 if len(code) <= 2 else 8)
    if code.startswith("1"):
        total = 11
    rest = max(1, total - len(p))
    return p + (RNG.choice("123456789") if p == code else RNG.choice("0123456789")) + \
        digits(rest - 1)


def pick_intl(home):
    if RNG.random() < 0.22:
        code = RNG.choice([c for c in ALL_CODES if c != home and not
                           (home == "1" and c in US_TERRITORY_CODES)])
    else:
        code = wchoice(POPULAR[home])
    return intl_number(code), ISO_OF_CODE.get(code, "")


def onnet_number(acct, d):
    others = [a for a in ACCOUNTS.values() if a.operator == acct.operator and a is not acct]
    other = RNG.choice(others)
    return pick_own(other, d, {"user": 8, "service": 2}).e164


def destination(acct, kind, d):
    """(E.164 digits, short dialled code or None, ISO country) for an out call."""
    gb = acct.operator == "northwind"
    home_iso = "GB" if gb else "US"
    if kind == "dom":
        if gb:
            return RNG.choice(UK_GEO) + digits(3), None, "GB"
        if RNG.random() < 0.12:
            return nanp_number(CANADA_NPAS), None, "CA"
        return nanp_number(), None, "US"
    if kind == "mob":
        return "447700900" + digits(3), None, "GB"
    if kind == "intl":
        n, iso = pick_intl("44" if gb else "1")
        return n, None, iso
    if kind == "tf":
        if gb:
            return ("448081570" + digits(3) if RNG.random() < 0.85
                    else "44800" + digits(7)), None, "GB"
        return RNG.choice(["1800", "1888", "1877", "1866", "1855", "1844", "1833"]) + \
            "55501" + digits(2), None, "US"
    if kind == "emerg":
        s = (RNG.choice(["999", "999", "112"]) if gb else "911")
        return ("44" if gb else "1") + s, s, home_iso
    if kind == "prem":
        return ("449098790" + digits(3) if gb else "1900555" + "01" + digits(2)), None, home_iso
    if kind == "special":
        if gb:
            s = RNG.choice(["118118", "118500", "101", "111", "116123", "845", "870", "4470"])
            if s == "845" or s == "870":
                return "44" + s + digits(7), None, "GB"
            if s == "4470":
                return "4470" + digits(8), None, "GB"
            return "44" + s, s, "GB"
        s = RNG.choice(["411", "411", "711", "988"])
        return "1" + s, s, "US"
    if kind == "norate":
        code = RNG.choice(NORATE)
        return code + digits(11 - len(code)), None, ""
    if kind == "onnet":
        return onnet_number(acct, d), None, home_iso
    raise ValueError(kind)


def external_caller(acct):
    """The other party of an inbound call: (digits or '' when withheld, ISO)."""
    gb = acct.operator == "northwind"
    r = RNG.random()
    if r < 0.05:
        return "", ""
    if r < 0.55:
        return destination(acct, "dom", None)[0], ("GB" if gb else "US")
    if r < 0.80:
        return ("447700900" + digits(3), "GB") if gb else (nanp_number(), "US")
    n, iso = pick_intl("44" if gb else "1")
    return n, iso


OUT_KINDS_GB = {"dom": 38, "mob": 22, "intl": 27, "tf": 3, "emerg": 0.6, "special": 2,
                "prem": 0.8, "onnet": 3, "norate": 0.4}
OUT_KINDS_US = {"dom": 58, "intl": 28, "tf": 5, "emerg": 0.6, "special": 1.5, "prem": 0.6,
                "onnet": 3, "norate": 0.4}
FAIL_RING = {486: (1, 6), 487: (5, 40), 480: (20, 60), 603: (2, 15), 404: (0, 2),
             408: (30, 60)}


def make_call(acct, direction, lo=FIRST_DAY, hi=LAST_DAY, kind=None, when=None,
              own_weights=None, answered=None):
    if when is None:
        setup, d = pick_when(acct, lo, hi)
    else:
        setup, d = when, when.astimezone(acct.tz).date()
    c = Call(acct=acct, direction=direction, setup=setup)
    if direction == "out":
        c.num = pick_own(acct, d, own_weights or {"user": 85, "service": 15})
        c.kind = kind or wchoice(OUT_KINDS_GB if acct.operator == "northwind" else OUT_KINDS_US)
        c.callee, c.short, c.country = destination(acct, c.kind, d)
        c.caller = c.num.e164
    else:
        c.num = pick_own(acct, d, own_weights or {"user": 75, "service": 15, "tollfree": 10})
        c.kind = "in"
        c.caller, c.country = external_caller(acct)
        c.callee = c.num.e164
    if answered is None:
        answered = c.kind in ("emerg", "norate") or RNG.random() > 0.2
    c.answered = answered
    if answered:
        c.sip, c.ring = 200, RNG.randint(2, 22)
        c.dur = RNG.randint(3, 25) if c.kind == "norate" else pick_duration()
    else:
        c.sip = RNG.choices([486, 487, 480, 603, 404, 408],
                            [30, 35, 15, 8, 7 if direction == "out" else 0, 5])[0]
        c.ring, c.dur = RNG.randint(*FAIL_RING[c.sip]), 0
    return c


def draw_calls(weights, n, directions=(("out", 0.6), ("in", 0.4)), lo=FIRST_DAY,
               hi=LAST_DAY):
    calls = []
    for _ in range(n):
        acct = ACCOUNTS[wchoice(weights)]
        direction = RNG.choices([x for x, _ in directions], [w for _, w in directions])[0]
        calls.append(make_call(acct, direction, lo, hi))
    calls.sort(key=lambda c: c.setup)
    return calls


def iso_z(dt, frac=0):
    """UTC ISO 8601 with FRAC fractional digits (0, 3 or 7) and 'Z'."""
    s = dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if frac == 3:
        s += f".{dt.microsecond // 1000:03d}"
    elif frac == 7:
        s += f".{dt.microsecond:06d}{RNG.randrange(10)}"
    return s + "Z"


def local_str(dt, tz):
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def mask(number, iso):
    k = MASK_DIGITS.get(iso)
    return number[:-k] + "*" * k if k else number


def display_of(num):
    if num is None:
        return ""
    if num.person:
        return num.person.display
    return num.label or ""


def find_number(e164, acct=None):
    for n in NUMBERS:
        if n.e164 == e164 and (acct is None or n.acct is acct):
            return n
    raise KeyError(e164)


def iso_name(iso):
    for _, name, i, _ in COUNTRIES:
        if i == iso:
            return name
    return ""


STATS = {}          # file -> (records, notes) for the README


# ---------------------------------------------------------------------------
# canonical `rater` CSV (northwind, every account; two overlapping files)
# ---------------------------------------------------------------------------

RATER_HEADER = ["call_id", "start", "end", "duration", "caller", "callee", "direction",
                "answered", "tenant_id", "user", "operator", "sip_code"]


def rater_fields(c, key):
    start = iso_z(c.start, 3 if RNG.random() < 0.3 else 0)
    if RNG.random() < 0.06:    # same instant written with an offset (a CET mediation box)
        start = c.start.astimezone(ZoneInfo("Europe/Paris")).isoformat(timespec="seconds")
    if "no_tenant" in c.tags:
        tenant = ""
    elif "bad_tenant" in c.tags:
        tenant = c.bad_tenant
    else:
        tenant = c.acct.tenant_id if RNG.random() < 0.85 else ""
    if c.direction == "in" and not c.caller:
        caller = RNG.choice(["", "anonymous", "Restricted"])
    else:
        caller = "+" + c.caller
    callee = c.short or "+" + c.callee
    user = c.num.person.upn if (c.num and c.num.person and "no_user" not in c.tags) else ""
    return [key, start, iso_z(c.end) if c.answered else "", c.dur, caller, callee, c.direction,
            "true" if c.answered else "false", tenant, user, "northwind", c.sip]


def rater_special_calls():
    """Calls that exercise account resolution edge cases."""
    A = ACCOUNTS
    out = []
    # unassigned numbers, no tenant id: unknown_account
    for day in (date(2026, 11, 4), date(2026, 11, 19)):
        c = make_call(A["contoso"], "out", day, day, answered=True)
        c.caller, c.num = "442079460999", None
        c.tags.add("no_tenant")
        out.append(c)
    c = make_call(A["fabrikam"], "in", date(2026, 11, 6), date(2026, 11, 6), answered=True)
    c.callee, c.num = "441134960999", None
    c.tags.add("no_tenant")
    out.append(c)
    # a number used after its assignment ended (to 2026-11-10): by number it is
    # unknown, with the tenant id it still resolves
    ended = find_number("442079460120")
    for tag in ("no_tenant", "tenant"):
        c = make_call(A["contoso"], "out", date(2026, 11, 18), date(2026, 11, 18),
                      answered=True, kind="dom")
        c.num, c.caller = ended, ended.e164
        c.tags.add(tag)
        out.append(c)
    # a tenant id no account has, from a known number: resolves by number
    c = make_call(A["litware"], "out", date(2026, 11, 9), date(2026, 11, 9), answered=True)
    c.tags.add("bad_tenant")
    c.bad_tenant = guid()
    out.append(c)
    # the reassigned mobile: contoso until 2026-11-10, litware from 2026-11-12
    for acct, day in ((A["contoso"], date(2026, 11, 3)), (A["contoso"], date(2026, 11, 6)),
                      (A["litware"], date(2026, 11, 16)), (A["litware"], date(2026, 11, 20))):
        c = make_call(acct, "out", day, day, answered=True, kind="mob")
        c.num = find_number("447700900555", acct)
        c.caller = c.num.e164
        c.tags.update({"no_tenant", "no_user"})
        out.append(c)
    # no deck row anywhere (spare ITU codes) and emergency short codes
    for day in (date(2026, 10, 29), date(2026, 11, 12), date(2026, 11, 21)):
        out.append(make_call(A["fabrikam"], "out", day, day, kind="norate"))
    out.append(make_call(A["contoso"], "out", date(2026, 11, 5), date(2026, 11, 5),
                         kind="emerg"))
    out.append(make_call(A["adatum"], "out", date(2026, 11, 17), date(2026, 11, 17),
                         kind="emerg"))
    return out


def rater_dirt(c, key, what):
    f = rater_fields(c, key)
    if what == "bad_timestamp":
        f[1] = "2026-11-31T09:15:00Z"
    elif what == "bad_timestamp2":
        f[1] = c.start.strftime("%d/%m/%Y %H:%M")
    elif what == "bad_duration":
        f[3] = "-12"
    elif what == "bad_number":
        f[5] = "+44207946O1O5"
    elif what == "bad_direction":
        f[6] = "sideways"
    elif what == "missing_field":
        f[0] = ""
    elif what == "short_row":
        f = f[:4]
    elif what == "too_long":
        f[9] = "<sip:" + "x" * 1100 + "@contoso.com;user=phone>"
    elif what == "encoding":
        f[9] = b"jos\xe9.garcia@contoso.com"
    elif what == "csv_syntax":
        return csv_line(f[:5]) + b',"' + f[5].encode() + b'"x,' + csv_line(f[6:])
    return csv_line(f)


def gen_rater():
    weights = {"contoso": 38, "fabrikam": 25, "adatum": 15, "litware": 22}
    calls = draw_calls(weights, 790) + rater_special_calls()
    cut = date(2026, 11, 9)
    lo_b = cut + timedelta(days=1)
    # broken rows, built from real calls then damaged
    dirt = [(what, FIRST_DAY, cut - timedelta(days=3)) for what in
            ("bad_timestamp", "bad_duration", "bad_number", "too_long", "encoding",
             "csv_syntax")]
    dirt += [(what, lo_b, LAST_DAY) for what in
             ("bad_timestamp2", "bad_direction", "missing_field", "short_row")]
    broken = []
    for what, lo, hi in dirt:
        c = make_call(ACCOUNTS[wchoice(weights)], "out", lo, hi, answered=True)
        c.dirt = what
        broken.append(c)
    calls = sorted(calls + broken, key=lambda c: c.setup)
    rows = []
    for i, c in enumerate(calls):
        key = f"NWT{c.setup:%y%m%d}-{i + 1:06d}"
        line = rater_dirt(c, key, c.dirt) if hasattr(c, "dirt") else \
            csv_line(rater_fields(c, key))
        rows.append((c.setup.date() <= cut, line))
    rows_a = [line for in_a, line in rows if in_a]
    rows_b = [line for in_a, line in rows if not in_a]
    # file b re-sends the tail of file a: 20 identical rows (cross-file duplicates)
    rows_b = rows_a[-20:] + rows_b
    # one row repeated inside file a (a re-sent record)
    bad = {line for c, (_, line) in zip(calls, rows) if hasattr(c, "dirt")}
    i = RNG.choice([j for j in range(50, len(rows_a) - 50) if rows_a[j] not in bad])
    rows_a.insert(i + 3, rows_a[i])
    assert not bad & set(rows_a[-20:])
    base = os.path.join(SAMPLES, "cdr", "rater")
    write_csv(os.path.join(base, "northwind-2026-11-a.csv"), RATER_HEADER, rows_a)
    write_csv(os.path.join(base, "northwind-2026-11-b.csv"), RATER_HEADER, rows_b)
    STATS["rater-a"] = len(rows_a)
    STATS["rater-b"] = len(rows_b)


# ---------------------------------------------------------------------------
# Teams admin center PSTN export (Operator Connect), northwind tenants
# ---------------------------------------------------------------------------

PSTN_HEADER = ["Call Type", "UsageId", "Start Time", "End Time", "Duration Seconds",
               "Caller ID", "Destination Number", "Call Direction", "Operator",
               "Source of Call Duration", "UPN", "User Display Name", "AAD ObjectId",
               "User Location", "Call ID", "Conference ID", "Number Type",
               "Domestic/International", "Destination Dialed", "External Country",
               "Connection Fee", "Charge", "Currency", "Capability", "Administrative unit"]
ADMIN_UNITS = {"contoso": ["", "", "", "London HQ", "Sales EMEA"],
               "adatum": ["", "Belfast Office", "Belfast Office"]}


def pstn_row(c, ctype, call_id=None, conf_id="", calling_plan=False, display=None):
    acct = c.acct
    if c.direction == "out":
        caller = "+" + c.caller
        dest = c.short or mask("+" + c.callee, c.country)
        ext = c.country
    else:
        caller = mask("+" + c.caller, c.country) if c.caller else RNG.choice(["anonymous", ""])
        dest = "+" + c.callee
        ext = c.country
    domestic = "Domestic" if ext in ("GB", "") else "International"
    start = c.start
    end = c.end if c.answered else c.start
    person = c.num.person if c.num else None
    upn = c.upn if hasattr(c, "upn") else (person.upn if person else "")
    if display is None:
        display = c.display if hasattr(c, "display") else display_of(c.num)
    oid = c.oid if hasattr(c, "oid") else (c.num.oid if c.num else guid())
    return [ctype, guid(), iso_z(start, 7), iso_z(end, 7), c.dur if c.answered else 0,
            caller, dest, "Outbound" if c.direction == "out" else "Inbound",
            "" if calling_plan else "Northwind Telecom Ltd",
            "Microsoft" if calling_plan else "Operator",
            upn, display, oid, acct.country, call_id or guid(), conf_id,
            c.num.type if c.num else "user", domestic,
            iso_name(ext) if c.direction == "out" else iso_name("GB"), ext,
            "0", "0", "GBP", "MCOPSTN1" if calling_plan else "MCOEV",
            RNG.choice(ADMIN_UNITS[acct.slug])]


def pstn_type(c):
    mobile = c.num.e164.startswith("447")
    if c.direction == "in":
        return "oc_fmc_in" if mobile else "oc_user_in"
    if mobile:
        return "oc_fmc_out"
    return "user_out_transfer" if RNG.random() < 0.05 else "oc_user_out"


def gen_teams_pstn():
    A = ACCOUNTS
    calls = draw_calls({"contoso": 65, "adatum": 35}, 470)
    rows = [(c.start, pstn_row(c, pstn_type(c))) for c in calls]
    # meetings dialling out: several rows share Call ID and Conference ID
    bridge = find_number("442079460003")
    for _ in range(8):
        base = make_call(A["contoso"], "out", answered=True)
        call_id, conf_id = guid(), str(RNG.randrange(100000000, 9999999999))
        for k in range(RNG.randint(2, 3)):
            c = make_call(A["contoso"], "out", when=base.setup + timedelta(seconds=40 * k + 7),
                          kind=RNG.choice(["dom", "mob", "intl"]))
            if k == 0:
                rows.append((c.start, pstn_row(c, "oc_user_out_conf", call_id, conf_id)))
            else:
                c.caller = bridge.e164
                c.upn, c.display, c.oid = base.num.person.upn if base.num.person else "", \
                    display_of(base.num), base.num.person.oid if base.num.person else guid()
                rows.append((c.start, pstn_row(c, "conf_out", call_id, conf_id)))
    # Calling Plan users of the same tenant (numbers Microsoft's, not northwind's)
    used = USED_UPNS
    for _ in range(14):
        c = make_call(A["contoso"], RNG.choice(["out", "in"]))
        p = new_person(A["contoso"], used)
        cp = "4420794609" + digits(2)
        if c.direction == "out":
            c.caller = cp
        else:
            c.callee = cp
        c.upn, c.display, c.oid = p.upn, p.display, p.oid
        rows.append((c.start, pstn_row(c, "user_out" if c.direction == "out" else "user_in",
                                       calling_plan=True)))
    rows.sort(key=lambda r: r[0])
    rows = [r for _, r in rows]
    # one display name with an embedded newline (valid RFC 4180, must parse)
    for r in rows:
        if r[11] and "," in r[11] and r[13] == "IE":
            r[11] = r[11] + "\n(Belfast office)"
            break
    # broken rows
    bad = [list(rows[RNG.randrange(len(rows))]) for _ in range(3)]
    bad[0][2] = bad[0][2][:11] + "25" + bad[0][2][13:]          # hour 25
    bad[1][4] = -4                                              # negative duration
    bad[2][6] = "+44 20 7946 OXXX"                              # letters
    for b in bad:
        b[1] = guid()
        rows.insert(RNG.randrange(10, len(rows) - 10), b)
    rows.sort(key=lambda r: r[2])
    write_csv(os.path.join(SAMPLES, "cdr", "teams-pstn", "PSTN.calls.2026-11-23.csv"),
              PSTN_HEADER, rows, eol=b"\r\n", bom=True)
    STATS["teams-pstn"] = len(rows)


# ---------------------------------------------------------------------------
# Teams admin center Direct Routing export, tailspin tenant wingtip
# ---------------------------------------------------------------------------

DR_HEADER = ["CorrelationId", "AAD ObjectId", "UPN", "Display Name", "User country",
             "Invite time", "Start time", "Failure time", "End time", "Duration (seconds)",
             "Success", "Caller Number", "Callee Number", "Call type",
             "Azure region for Media", "Azure region for Signaling", "Final SIP code",
             "Final Microsoft subcode", "Final SIP Phrase", "SBC FQDN", "Media bypass",
             "Shared correlation ID"]
DR_FAIL = {486: ("560486", "Busy Here"), 487: ("540487", "Request Terminated"),
           480: ("560480", "Temporarily Unavailable"), 603: ("560603", "Decline"),
           404: ("560404", "Not Found"), 408: ("560408", "Request Timeout")}
UNSET = "0001-01-01T00:00:00Z"


def dr_number(e164, own):
    """A party number as DR exports show it: mostly E.164, sometimes not."""
    r = RNG.random()
    nanp = e164.startswith("1") and len(e164) == 11
    if r < 0.72 or not nanp and r < 0.9:
        return "+" + e164
    if not nanp:
        return f"sip:+{e164}@sbc-chi01.tailspin.example"
    if r < 0.80:
        return e164[1:]
    if r < 0.87:
        return f"+1 ({e164[1:4]}) {e164[4:7]}-{e164[7:]}"
    if r < 0.94:
        return f"sip:+{e164}@sbc-chi01.tailspin.example" + (";user=phone" if own else "")
    return f"tel:+{e164}"


def dr_row(c, ctype, frac, shared="", legacy=False):
    person = c.num.person if c.num else None
    invite = c.setup
    if c.answered:
        start, fail, end = c.answer, UNSET, iso_z(c.end, frac)
        duration = int((c.end - invite).total_seconds())
        code, sub, phrase = "200", "540200", "OK"
        success = "Yes"
    else:
        failure = c.setup + timedelta(seconds=c.ring, milliseconds=RNG.randrange(1000))
        start, fail, end = invite, iso_z(failure, frac), ""
        duration = int((failure - invite).total_seconds())
        code = str(c.sip)
        sub, phrase = DR_FAIL[c.sip]
        success = "No"
    if c.direction == "out":
        caller = dr_number(c.caller, True)
        callee = c.short or dr_number(c.callee, False)
    else:
        caller = dr_number(c.caller, False) if c.caller else RNG.choice(["anonymous",
                                                                         "Anonymous", ""])
        callee = dr_number(c.callee, True)
    region = RNG.choice(["USEast", "USEast", "USCentral", "USWest", "EuropeWest"])
    bypass = RNG.random() < 0.6
    ident = ("sip:" + person.upn if person else "") if legacy else (person.oid if person else "")
    return [guid(), ident, person.upn if person else "", display_of(c.num), "US",
            iso_z(invite, frac), iso_z(start, frac), fail, end, duration, success, caller,
            callee, ctype, "" if bypass else region, region, code, sub, phrase,
            RNG.choice(["sbc-chi01.tailspin.example", "sbc-nyc01.tailspin.example"]),
            "Yes" if bypass else "No", shared]


def dr_type(c, byot):
    if c.direction == "in":
        return "ByotIn" if byot and RNG.random() < 0.05 else "dr_in"
    if c.kind == "emerg":
        return "dr_emergency_out"
    r = RNG.random()
    if byot and r < 0.05:
        return "ByotOut"
    return "dr_out_user_transfer" if r < 0.09 else "dr_out"


def dr_forwarded(acct, lo, hi, frac, byot, legacy):
    """An inbound call forwarded by the user to another number: two legs, two
    CorrelationIds, one Shared correlation ID; only the forward leg is billed."""
    c_in = make_call(acct, "in", lo, hi, answered=True, own_weights={"user": 1})
    fwd = make_call(acct, "out", when=c_in.setup + timedelta(seconds=RNG.randint(12, 20)),
                    answered=True, kind=RNG.choice(["dom", "dom", "intl"]))
    fwd.num, fwd.caller = c_in.num, c_in.num.e164
    c_in.ring = fwd.ring + int((fwd.setup - c_in.setup).total_seconds())
    c_in.dur = fwd.dur
    shared = guid()
    in_type = "ByotIn" if byot and RNG.random() < 0.4 else "dr_in"
    out_type = "ByotOutUserForwarding" if in_type == "ByotIn" else "dr_out_user_forwarding"
    return [(c_in.setup, dr_row(c_in, in_type, frac, shared, legacy)),
            (fwd.setup, dr_row(fwd, out_type, frac, shared, legacy))]


def gen_teams_dr():
    acct = ACCOUNTS["wingtip"]
    base = os.path.join(SAMPLES, "cdr", "teams-dr")
    for name, lo, hi, n, legacy in (
            ("DirectRouting.calls.2026-11-16-legacy.csv", FIRST_DAY, date(2026, 11, 15), 290,
             True),
            ("DirectRouting.calls.2026-11-23.csv", date(2026, 11, 16), LAST_DAY, 320, False)):
        frac = 3 if legacy else 7
        calls = draw_calls({"wingtip": 1}, n, lo=lo, hi=hi)
        rows = [(c.setup, dr_row(c, dr_type(c, not legacy), frac, legacy=legacy))
                for c in calls]
        for day in (lo + timedelta(days=2), hi - timedelta(days=1)):
            c = make_call(acct, "out", day, day, kind="emerg")
            rows.append((c.setup, dr_row(c, "dr_emergency_out", frac, legacy=legacy)))
        for _ in range(8):
            rows += dr_forwarded(acct, lo, hi, frac, not legacy, legacy)
        rows.sort(key=lambda r: r[0])
        rows = [r for _, r in rows]
        # broken rows
        damaged = []
        victims = [r for r in rows if r[10] == "Yes" and r[13] == "dr_out"]
        b = list(RNG.choice(victims))
        b[0] = guid()
        b[6] = b[6][:14] + "61" + b[6][16:]                     # minute 61
        damaged.append(b)
        b = list(RNG.choice(victims))
        b[0] = guid()
        b[12] = "Bob's cell"                                     # text callee
        damaged.append(b)
        if not legacy:
            b = list(RNG.choice(victims))
            b[0] = guid()
            b[8] = b[6][:11] + "00:00:01" + b[6][19:]            # ends before it starts
            damaged.append(b)
        for b in damaged:
            rows.insert(RNG.randrange(5, len(rows) - 5), b)
        rows.sort(key=lambda r: r[5])       # by invite time, as exported
        header = list(DR_HEADER)
        if legacy:
            header[1] = "SIP Address"
        write_csv(os.path.join(base, name), header, rows,
                  eol=b"\n" if legacy else b"\r\n", bom=not legacy)
        STATS["teams-dr-legacy" if legacy else "teams-dr"] = len(rows)


# ---------------------------------------------------------------------------
# Asterisk cdr_csv Master.csv (tailspin: woodgrove, fourthcoffee), New York time
# ---------------------------------------------------------------------------

NY = ZoneInfo("America/New_York")


def aq(v):
    """cdr_csv append_string: always quoted, quotes doubled; bytes kept raw."""
    if isinstance(v, bytes):
        return b'"' + v.replace(b'"', b'""') + b'"'
    return b'"' + str(v).replace('"', '""').encode("utf-8") + b'"'


def us_dialled(c, style):
    """What a US PBX user dials for callee digits (E.164 without '+')."""
    if c.short:
        return c.short
    n = c.callee
    if n.startswith("1") and len(n) == 11:
        return n[1:] if style < 0.5 else n
    return "011" + n


def us_cli(e164):
    if not e164:
        return "anonymous"
    if e164.startswith("1") and len(e164) == 11:
        return e164[1:] if RNG.random() < 0.8 else e164
    return RNG.choice(["+", "011"]) + e164


def ext_of(num):
    return str(1000 + int(num.e164[-2:])) if num else "1000"


def ast_disposition(c):
    if c.answered:
        return "ANSWERED"
    if c.sip == 486 or c.sip == 603:
        return "BUSY"
    if c.sip == 404:
        return "FAILED"
    return "CONGESTION" if RNG.random() < 0.15 else "NO ANSWER"


class AstSeq:
    n = 4100


def ast_row(c, src=None, dst=None, clid=None, dstchannel=None, lastdata=None,
            uniqueid=None, old=False, disposition=None, channel=None):
    AstSeq.n += 1
    hexid = f"{AstSeq.n * 7919 % 0xFFFFFFFF:08x}"
    ext = ext_of(c.num)
    acct = c.acct
    if c.direction == "out":
        src = src or us_cli(c.caller)
        dst = dst or us_dialled(c, RNG.random())
        clid = clid if clid is not None else f'"{display_of(c.num)}" <{src}>'
        channel = f"PJSIP/{ext}-{hexid}"
        dstchannel = dstchannel if dstchannel is not None else \
            (f"PJSIP/tailspin-trunk-{(AstSeq.n + 1) * 7919 % 0xFFFFFFFF:08x}"
             if c.answered or c.sip != 404 else "")
        lastdata = lastdata or f"PJSIP/{dst}@tailspin-trunk,60,T"
        context, accountcode = "from-internal", acct.slug
    else:
        src = src or us_cli(c.caller)
        dst = dst or (c.callee[1:] if RNG.random() < 0.7 else "+" + c.callee)
        if clid is None:
            name = RNG.choice(["WIRELESS CALLER", "NEW YORK NY", "", "Anonymous"]) \
                if src != "anonymous" else "Anonymous"
            clid = f'"{name}" <{src}>' if name else src
        channel = channel or f"PJSIP/tailspin-trunk-{hexid}"
        dstchannel = dstchannel if dstchannel is not None else f"PJSIP/{ext}-{hexid[::-1]}"
        lastdata = lastdata or f"PJSIP/{ext},30,tr"
        context, accountcode = "from-pstn", acct.slug
    fields = [aq(accountcode), aq(src), aq(dst), aq(context), aq(clid), aq(channel),
              aq(dstchannel), aq("Dial"), aq(lastdata), aq(local_str(c.setup, NY)),
              aq(local_str(c.answer, NY)) if c.answered else b"",
              aq(local_str(c.end, NY)),
              str(int((c.end - c.setup).total_seconds())).encode(),
              str(c.dur if c.answered else 0).encode(),
              aq(disposition or ast_disposition(c)), aq("DOCUMENTATION")]
    if not old:
        fields += [aq(uniqueid or f"{int(c.setup.timestamp())}.{AstSeq.n}"), aq("")]
    return b",".join(fields)


def gen_asterisk():
    A = ACCOUNTS
    calls = draw_calls({"woodgrove": 70, "fourthcoffee": 30}, 560)
    rows = []
    for i, c in enumerate(calls):
        rows.append((c.end, ast_row(c, old=i < 8)))     # logged at hangup; oldest rows 16 fields
    w = A["woodgrove"]
    # ring groups: one inbound call forked to several phones, one row per fork; as
    # Asterisk 12+ writes them, every fork row carries Party A's channel and uniqueid
    main = find_number("12125550100")
    for _ in range(10):
        c = make_call(w, "in", answered=RNG.random() < 0.8)
        c.num, c.callee = main, main.e164
        phones = RNG.sample([n for n in w.numbers if n.type == "user" and
                             n.active_on(c.setup.date())], 3)
        base = int(c.setup.timestamp())
        src = us_cli(c.caller)
        lastdata = "&".join(f"PJSIP/{ext_of(p)}" for p in phones) + ",25,tr"
        AstSeq.n += 1
        uniqueid = f"{base}.{AstSeq.n}"
        channel = f"PJSIP/tailspin-trunk-{AstSeq.n * 7919 % 0xFFFFFFFF:08x}"
        winner_at = RNG.randrange(3) if c.answered else -1
        for k, p in enumerate(phones):
            leg = Call(**{**c.__dict__, "tags": set()})
            if k != winner_at:
                leg.answered, leg.dur = False, 0
                leg.ring = c.ring if c.answered else 25
            # all fork rows are written when Party A hangs up
            rows.append((c.end, ast_row(leg, src=src, dst=main.e164[1:],
                                        clid=f'"WIRELESS CALLER" <{src}>', channel=channel,
                                        dstchannel=f"PJSIP/{ext_of(p)}-{base % 65536 + k:08x}",
                                        lastdata=lastdata, uniqueid=uniqueid,
                                        disposition=None if k == winner_at else "NO ANSWER")))
    # calls around the end of US daylight saving time (2026-11-01 02:00 EDT -> 01:00 EST)
    dst_calls = [
        (datetime(2026, 11, 1, 5, 39, 50, tzinfo=UTC), 10, 1795),  # 01:39:50 EDT -> 01:10:05 EST
        (datetime(2026, 11, 1, 6, 25, 0, tzinfo=UTC), 6, 300),     # 01:25 EST, wall clock repeats
        (datetime(2026, 11, 1, 4, 50, 0, tzinfo=UTC), 4, 5400),    # 00:50 EDT -> 01:20 EST
        (datetime(2026, 11, 1, 5, 58, 30, tzinfo=UTC), 7, 95),     # 01:58:30 EDT -> 01:00:12 EST
    ]
    for when, ring, dur in dst_calls:
        c = make_call(w, "out", when=when, answered=True, kind="intl")
        c.ring, c.dur = ring, dur
        c.tags.add("dst")
        rows.append((c.end, ast_row(c)))
    # a caller name in Latin-1, as some carriers send it
    c = make_call(w, "in", answered=True)
    c.caller = "13055550142"
    rows.append((c.end, ast_row(c, src="3055550142", clid=b'"Jos\xe9 P\xe9rez" <3055550142>')))
    # dirt: inbound without DID ("s"), a feature code, an over-long number
    for dst_text, direction in (("s", "in"), ("s", "in"), ("*97", "out"),
                                ("01144207946012345678901", "out")):
        c = make_call(w, direction, answered=direction == "in" or dst_text != "*97")
        rows.append((c.end, ast_row(c, dst=dst_text)))
    # unassigned DID and a spare country code
    c = make_call(w, "out", kind="dom", answered=True)
    rows.append((c.end, ast_row(c, src="2125550188", clid='"Lobby Phone" <2125550188>')))
    rows.sort(key=lambda r: r[0])
    # the 16-field rows are the oldest (before uniqueid logging was switched on)
    old = [r for r in rows if r[1].count(b'","') and len(split_ast(r[1])) == 16]
    new = [r for r in rows if len(split_ast(r[1])) != 16]
    rows = old + new
    write_file(os.path.join(SAMPLES, "cdr", "asterisk", "Master.csv"),
               b"".join(r + b"\n" for _, r in rows))
    STATS["asterisk"] = len(rows)


def split_ast(line):
    """Count fields of a cdr_csv line (quotes never contain a newline here)."""
    out, cur, q, i = [], b"", False, 0
    while i < len(line):
        ch = line[i:i + 1]
        if q:
            if ch == b'"' and line[i + 1:i + 2] == b'"':
                cur += ch
                i += 1
            elif ch == b'"':
                q = False
            else:
                cur += ch
        elif ch == b'"':
            q = True
        elif ch == b",":
            out.append(cur)
            cur = b""
        else:
            cur += ch
        i += 1
    out.append(cur)
    return out


# ---------------------------------------------------------------------------
# FreeSWITCH mod_cdr_csv default template (tailspin: proseware), New York time
# ---------------------------------------------------------------------------

FS_CAUSE = {486: "USER_BUSY", 487: "ORIGINATOR_CANCEL", 480: "NO_ANSWER", 408: "NO_ANSWER",
            404: "NO_ROUTE_DESTINATION", 603: "CALL_REJECTED"}


def fs_row(c, caller_number=None, quoted=True):
    codec = RNG.choice(["PCMU", "PCMU", "G722", "OPUS"])
    if c.direction == "out":
        name = display_of(c.num)
        cid = caller_number or (c.caller[1:] if RNG.random() < 0.7 else "+" + c.caller)
        if c.short:
            dest = c.short
        elif c.callee.startswith("1") and len(c.callee) == 11:
            dest = c.callee if RNG.random() < 0.6 else c.callee[1:]
        else:
            dest = RNG.choice(["011" + c.callee, "+" + c.callee])
        context, accountcode = "default", c.acct.slug
    else:
        name = RNG.choice(["", "LOS ANGELES CA", "WIRELESS CALLER", "Unknown"]) if c.caller \
            else "Anonymous"
        cid = (c.caller[1:] if c.caller.startswith("1") and len(c.caller) == 11
               else "+" + c.caller) if c.caller else "anonymous"
        dest = "+" + c.callee if RNG.random() < 0.5 else c.callee
        context, accountcode = "public", RNG.choice(["", c.acct.slug])
    cause = "NORMAL_CLEARING" if c.answered else FS_CAUSE[c.sip]
    bleg = "" if cause == "NO_ROUTE_DESTINATION" else guid()
    fields = [name, cid, dest, context, local_str(c.setup, NY),
              local_str(c.answer, NY) if c.answered else "", local_str(c.end, NY),
              int((c.end - c.setup).total_seconds()), c.dur if c.answered else 0, cause,
              guid(), bleg, accountcode, codec if c.answered or RNG.random() < 0.5 else "",
              codec if c.answered or RNG.random() < 0.5 else ""]
    if not quoted:
        return ",".join(str(f) for f in fields).encode()
    return b",".join(aq(f) for f in fields)


def gen_freeswitch():
    p = ACCOUNTS["proseware"]
    calls = draw_calls({"proseware": 1}, 430)
    rows = [(c.end, fs_row(c)) for c in calls]
    # softphones whose caller id was never rewritten to the DID: unknown account
    for _ in range(3):
        c = make_call(p, "out", answered=True, kind="dom")
        rows.append((c.end, fs_row(c, caller_number=str(RNG.randint(1001, 1019)))))
    # across the end of US DST, in a New York clock
    c = make_call(p, "out", when=datetime(2026, 11, 1, 5, 52, 0, tzinfo=UTC), answered=True,
                  kind="intl")
    c.ring, c.dur = 5, 1330
    rows.append((c.end, fs_row(c)))
    for kind in ("emerg", "norate"):
        c = make_call(p, "out", kind=kind)
        rows.append((c.end, fs_row(c)))
    rows.sort(key=lambda r: r[0])
    rows = [r for _, r in rows]
    # a row from a spreadsheet round trip: quotes gone, dates reformatted
    c = make_call(p, "out", date(2026, 11, 12), date(2026, 11, 12), answered=True, kind="dom")
    line = fs_row(c, quoted=False).decode()
    for dt in (c.setup, c.answer, c.end):
        s = local_str(dt, NY)
        line = line.replace(s, dt.astimezone(NY).strftime("%m/%d/%Y %H:%M"))
    rows.insert(RNG.randrange(200, 300), line.encode())
    write_file(os.path.join(SAMPLES, "cdr", "freeswitch", "Master.csv"),
               b"".join(r + b"\n" for r in rows))
    STATS["freeswitch"] = len(rows)


# ---------------------------------------------------------------------------
# AudioCodes SBC syslog CDR (northwind SBC between Teams and the PSTN trunk)
# ---------------------------------------------------------------------------

AC_FIELDS = ["SBCReportType", "EPTyp", "SIPCallId", "SessionId", "Orig", "SourceIp",
             "SourcePort", "DestIp", "DestPort", "TransportType", "SrcURI", "SrcURIBeforeMap",
             "DstURI", "DstURIBeforeMap", "Duration", "TrmSd", "TrmReason",
             "TrmReasonCategory", "SetupTime", "ConnectTime", "ReleaseTime", "RedirectReason",
             "RedirectURINum", "RedirectURINumBeforeMap", "TxSigIPDiffServ", "IPGroup",
             "SrdId", "SIPInterfaceId", "ProxySetId", "IpProfileId", "MediaRealmId",
             "DirectMedia", "SIPTrmReason", "SIPTermDesc", "Caller", "Callee", "Trigger",
             "LegId"]
AC_TRM = {200: ("GWAPP_NORMAL_CALL_CLEAR", "NORMAL_CALL_CLEAR", "BYE", "Q.850 ;cause=16"),
          486: ("GWAPP_USER_BUSY", "BUSY", "486", "486 Busy Here"),
          487: ("GWAPP_NORMAL_CALL_CLEAR", "NO_ANSWER", "CANCEL", "CANCEL"),
          480: ("GWAPP_NO_USER_RESPONDING", "NO_ANSWER", "480", "480 Temporarily Unavailable"),
          408: ("GWAPP_NO_ANSWER_FROM_USER_ALERTED", "NO_ANSWER", "408", "408 Request Timeout"),
          404: ("GWAPP_UNASSIGNED_NUMBER", "FAIL", "404", "404 Not Found"),
          603: ("GWAPP_CALL_REJECTED", "FAIL", "603", "603 Decline")}
TEAMS_PROXIES = ["52.114.148.0", "52.114.132.46", "52.114.75.24", "52.114.76.76"]
SBC_FQDN = "sbc01.northwind.example"
SBC_PUBLIC, SBC_LAN, CARRIER = "203.0.113.20", "10.0.1.5", "10.0.1.11"


def ac_time(dt):
    dt = dt.astimezone(UTC)
    return f"{dt:%H:%M:%S}.{dt.microsecond // 1000:03d}  UTC {dt:%a %b %d %Y}"


def uk_national(e164):
    return "0" + e164[2:] if e164.startswith("44") else "00" + e164


def ac_legs(c):
    """The two legs of one SBC session as (leg fields dict) pairs."""
    teams_ip = RNG.choice(TEAMS_PROXIES)
    session = str(RNG.randrange(10 ** 9, 10 ** 10))
    teams_callid = uuid.UUID(int=RNG.getrandbits(128)).hex
    sbc_callid = f"{RNG.randrange(10 ** 9, 10 ** 10)}{RNG.randrange(100, 999)}@{SBC_LAN}"
    own_name, other_name = display_of(c.num), ""
    if c.direction == "out":
        src_e164 = "+" + c.caller
        dst_e164 = c.short or "+" + c.callee
        dst_pstn = c.short or uk_national(c.callee)
        teams = dict(SIPCallId=teams_callid, Orig="RMT", SourceIp=teams_ip,
                     SourcePort=str(RNG.randrange(1024, 65535)), DestIp=SBC_PUBLIC,
                     DestPort="5061", TransportType="TLS",
                     SrcURI=f"{src_e164}@{SBC_FQDN}", SrcURIBeforeMap=f"{src_e164}@{SBC_FQDN}",
                     DstURI=f"{dst_e164}@{SBC_FQDN}", DstURIBeforeMap=f"{dst_e164}@{SBC_FQDN}",
                     Caller=own_name, Callee=other_name, LegId="1", side="Teams")
        pstn = dict(SIPCallId=sbc_callid, Orig="LCL", SourceIp=SBC_LAN, SourcePort="5060",
                    DestIp=CARRIER, DestPort="5060", TransportType="UDP",
                    SrcURI=f"{c.caller}@{SBC_LAN}", SrcURIBeforeMap=f"{src_e164}@{SBC_LAN}",
                    DstURI=f"{dst_pstn}@{CARRIER}", DstURIBeforeMap=f"{dst_e164}@{CARRIER}",
                    Caller=own_name, Callee=other_name, LegId="2", side="PSTN")
        legs = [teams, pstn]
    else:
        if c.caller:
            src_nat = uk_national(c.caller) if RNG.random() < 0.6 else "+" + c.caller
            src_e164 = "+" + c.caller
        else:
            src_nat = src_e164 = "anonymous"
        host_in = "anonymous.invalid" if not c.caller else CARRIER
        dst_nat = uk_national(c.callee)
        pstn = dict(SIPCallId=f"{RNG.getrandbits(48):012x}-{RNG.randrange(1000)}@{CARRIER}",
                    Orig="RMT", SourceIp=CARRIER, SourcePort="5060", DestIp=SBC_LAN,
                    DestPort="5060", TransportType="UDP",
                    SrcURI=f"{src_nat}@{host_in}", SrcURIBeforeMap=f"{src_nat}@{host_in}",
                    DstURI=f"{dst_nat}@{SBC_LAN}", DstURIBeforeMap=f"{dst_nat}@{SBC_LAN}",
                    Caller="Anonymous" if not c.caller else "", Callee=own_name, LegId="1",
                    side="PSTN")
        teams = dict(SIPCallId=sbc_callid, Orig="LCL", SourceIp=SBC_PUBLIC, SourcePort="5061",
                     DestIp=teams_ip, DestPort="5061", TransportType="TLS",
                     SrcURI=f"{src_e164}@{SBC_FQDN}", SrcURIBeforeMap=f"{src_nat}@{SBC_FQDN}",
                     DstURI=f"+{c.callee}@sip.pstnhub.microsoft.com",
                     DstURIBeforeMap=f"{dst_nat}@sip.pstnhub.microsoft.com",
                     Caller="Anonymous" if not c.caller else "", Callee=own_name, LegId="2",
                     side="Teams")
        legs = [pstn, teams]
    for leg in legs:
        leg["SessionId"] = session
        t = leg.pop("side")
        leg.update(IPGroup=t if t == "Teams" else "PSTN-Trunk",
                   SrdId="0 (DefaultSRD)",
                   SIPInterfaceId="1" if t == "Teams" else "0",
                   ProxySetId="1" if t == "Teams" else "2",
                   IpProfileId="1 (Teams)" if t == "Teams" else "2 (PSTN-Trunk)",
                   MediaRealmId="1 (MR-Public)" if t == "Teams" else "0 (MR-LAN)")
    return legs


def ac_events(c):
    """(instant, order, fields) for every report of both legs of one call."""
    legs = ac_legs(c)
    trm = AC_TRM[200 if c.answered else c.sip]
    term_side = RNG.choice(["LCL", "RMT"])
    out = []
    for i, leg in enumerate(legs):
        common = dict(EPTyp="SBC", RedirectReason="-1", RedirectURINum="",
                      RedirectURINumBeforeMap="", TxSigIPDiffServ="40", DirectMedia="no",
                      Trigger="REGULAR", **leg)
        setup = c.setup + timedelta(milliseconds=40 * i)
        empty = dict(Duration="0", TrmSd="", TrmReason="", TrmReasonCategory="",
                     ConnectTime="", ReleaseTime="", SIPTrmReason="", SIPTermDesc="")
        out.append((setup, i, dict(common, SBCReportType="CALL_START",
                                   SetupTime=ac_time(setup), **empty)))
        if c.answered:
            out.append((c.answer, i, dict(common, SBCReportType="CALL_CONNECT",
                                          SetupTime=ac_time(setup),
                                          **dict(empty, ConnectTime=ac_time(c.answer)))))
        release = c.end + timedelta(milliseconds=25 * i)
        if c.answered:
            connect = ac_time(c.answer)
        else:                   # some firmware writes the release time, some nothing
            connect = ac_time(release) if c.ring % 2 else ""
        out.append((release, i, dict(common, SBCReportType="CALL_END",
                                     SetupTime=ac_time(setup), ConnectTime=connect,
                                     ReleaseTime=ac_time(release),
                                     Duration=str(c.dur if c.answered else 0),
                                     TrmSd=term_side, TrmReason=trm[0],
                                     TrmReasonCategory=trm[1], SIPTrmReason=trm[2],
                                     SIPTermDesc=trm[3])))
    return out


def gen_audiocodes():
    A = ACCOUNTS
    calls = draw_calls({"fabrikam": 40, "litware": 35, "contoso": 25}, 128)
    c = make_call(A["fabrikam"], "out", kind="emerg")
    calls.append(c)
    c = make_call(A["litware"], "in", answered=True, own_weights={"service": 1})
    calls.append(c)
    c = make_call(A["fabrikam"], "in", answered=True, own_weights={"tollfree": 1})
    calls.append(c)
    events = []
    for c in calls:
        events += ac_events(c)
    events.sort(key=lambda e: (e[0], e[1]))
    recs = [e[2] for e in events]
    widths = {f: max([len(f)] + [len(r[f]) for r in recs]) for f in AC_FIELDS}

    def line(values):
        return "|" + "|".join(v.ljust(widths[f]) + " " for f, v in zip(AC_FIELDS, values)) \
            .rstrip() + "\n"

    header = line(AC_FIELDS)
    lines = [line([r[f] for f in AC_FIELDS]) for r in recs]
    # the PSTN legs' CALL_END reports are the billed ones: damage two of those
    ends = [i for i, r in enumerate(recs)
            if r["SBCReportType"] == "CALL_END" and r["IPGroup"] == "PSTN-Trunk"]
    # dirt: a line cut short by syslog (an answered call), an impossible setup
    # time (on an unanswered call, so the setup time is the start), the header
    # again after an SBC restart
    i = RNG.choice([j for j in ends[5:40] if recs[j]["Duration"] != "0"])
    lines[i] = lines[i][:190] + "\n"
    i = RNG.choice([j for j in ends[40:] if recs[j]["Duration"] == "0"
                    and not recs[j]["ConnectTime"]])
    r = dict(recs[i])
    r["SetupTime"] = r["SetupTime"].replace(r["SetupTime"][:8], "25:61:07")
    lines[i] = line([r[f] for f in AC_FIELDS])
    lines.insert(len(lines) // 2, header)
    write_file(os.path.join(SAMPLES, "cdr", "audiocodes", "sbc-cdr-2026-11-23.log"),
               (header + "".join(lines)).encode("utf-8"))
    STATS["audiocodes"] = len(lines)
    STATS["audiocodes-calls"] = len(calls)


# ---------------------------------------------------------------------------
# samples/README.md
# ---------------------------------------------------------------------------

README = """\
# Sample data

Generated by `tests/tools/gen-samples.py` (Python 3 standard library, fixed seed
20261124): do not edit by hand, change the generator and run
`python3 tests/tools/gen-samples.py`; it rewrites `rates/`, `samples/cdr/` and this file.

## Catalog: `rates/`

    rater catalog import rates

Two operators: `northwind` (Northwind Telecom Ltd, GB, GBP, invoices `NWT-…`) and
`tailspin` (Tailspin Communications Inc., US, USD, `TSC-…`); {n_plans} plans, {n_accounts}
accounts (contoso, fabrikam, litware in GB; adatum in IE on Europe/Dublin; woodgrove,
wingtip, proseware in US zones; fourthcoffee in IN on Asia/Kolkata, +05:30), {n_numbers}
number assignments. Things to know:

- `+447700900555` moves from contoso (to 2026-11-10) to litware (from 2026-11-12);
  `+12125550199` from woodgrove (to 2026-11-05) to fourthcoffee (from 2026-11-09).
  Some numbers start on 2026-11-16 and some end on 2026-11-10 (proration).
- Decks:
{deck_rows}
- Every ITU-T calling code has a row of its own in every deck (NANP `1` plus
  every Caribbean/territory area code, `7`, 800/808/870/878/881/882/883/888/979/991…),
  with mobile sub-prefixes for popular destinations (3361…3369, 337, 4915–4917, 916–919,
  861, …). Home rows: DOMESTIC with peak/offpeak/weekend bands, MOBILE (447),
  TOLLFREE (`out` at 0, `in` charged: 44800/44808, 1800…1888), EMERGENCY at 0 (44999,
  44112, 1911), PREMIUM/SPECIAL with connect fees (449, 4484, 4487, 44118, 1900, 1411).
- Price changes: `447` and `234` (northwind-2026) and US peak `1` change on 2026-11-15;
  `52` (tailspin-2026) changes at the instant `2026-11-15T06:00:00Z`; a few expired
  2025 rows. `tailspin-global-2026.csv` leaves optional cells empty to exercise the
  column defaults (direction `out`, band `all`, connect_fee 0, increment 1/1).
- Spare codes with no row anywhere (`429…`, `4220…`, `999…`, `693…`, `289…`) give
  `no_rate`.

## CDR files: `samples/cdr/`

Each command assumes a database made with `rater init` and the catalog imported.

| file | `--format` | lines after the header |
|---|---|---|
{table}

### `rater/northwind-2026-11-a.csv`, `rater/northwind-2026-11-b.csv`

    rater ingest --format rater --country GB samples/cdr/rater/northwind-2026-11-a.csv samples/cdr/rater/northwind-2026-11-b.csv

Canonical CSV, all four northwind accounts; the operator comes from the `operator`
column; `--country GB` is needed for the short codes (`999`, `112`). Times are mostly
`Z` (some with milliseconds), a few written with a `+01:00` offset. Dirt:
- file b starts with the last 20 rows of file a, byte for byte (cross-file duplicates);
  one row of file a appears twice (in-file duplicate);
- rejects in a: `2026-11-31` (bad_timestamp), duration `-12` (bad_duration),
  callee `+44207946O1O5` with letter O (bad_number), a `user` of 1.1 KiB (too_long),
  `jos\\xe9.garcia@…` in Latin-1 (encoding), a stray quote `"+44…"x` (csv_syntax);
- rejects in b: a `dd/mm/yyyy hh:mm` start (bad_timestamp), direction `sideways`
  (bad_direction), empty `call_id` (missing_field), a row of only 4 fields;
- account resolution: calls from/to unassigned numbers without tenant id
  (`+442079460999`, `+441134960999` → unknown_account), a call from `+442079460120`
  after its assignment ended (unknown_account without tenant id, contoso with it), a
  tenant id no account has on a litware number (resolves by number), the reassigned
  `+447700900555` before and after the move; withheld inbound callers (empty,
  `anonymous`, `Restricted`); `answered=false` rows with SIP 486/487/480/603/404/408;
  answered calls to spare codes (no_rate; intercept announcements answer).

### `teams-pstn/PSTN.calls.2026-11-23.csv`

    rater ingest --format teams-pstn --operator northwind --country GB samples/cdr/teams-pstn/PSTN.calls.2026-11-23.csv

Teams admin center PSTN export (Operator Connect), tenants contoso and adatum. UTF-8
BOM, CRLF, documented columns in a different order plus `Operator`, `Source of Call
Duration`, `Call Direction`, `External Country`, `Administrative unit`; times with 7
fractional digits. Dirt: `User Display Name` like `"Smith, Alice"`, one with an
embedded newline; destination/caller digits masked with `***`/`****` for BE, DE, DK, ES,
FI, IT, NL, NO, SE, CH, FR; withheld callers `anonymous` or empty; unanswered rows with
`Duration Seconds` 0; conference dial-outs (`conf_out`, `oc_user_out_conf`) sharing a
`Call ID`; {n_cp} Calling Plan rows (`user_in`/`user_out`, empty `Operator`) on
numbers not in the catalog (unknown_account); emergency `999`/`112`; 3 broken rows
(hour 25, duration -4, `+44 20 7946 OXXX`).

### `teams-dr/DirectRouting.calls.2026-11-16-legacy.csv`, `teams-dr/DirectRouting.calls.2026-11-23.csv`

    rater ingest --format teams-dr --operator tailspin --country US samples/cdr/teams-dr/DirectRouting.calls.2026-11-16-legacy.csv samples/cdr/teams-dr/DirectRouting.calls.2026-11-23.csv

Direct Routing exports for tailspin tenant wingtip: the legacy file (2026-10-26..11-15,
`SIP Address` column, LF, no BOM, 3 fractional digits) and the current one
(2026-11-16..23, `AAD ObjectId`, BOM, CRLF, 7 digits). `Failure time` is
`0001-01-01T00:00:00Z` when unset, `End time` is empty for failed calls, `Duration
(seconds)` runs from the invite. Numbers as `+13125550105`, `3125550105`,
`+1 (312) 555-0105`, `sip:+13125550105@sbc-chi01.tailspin.example;user=phone`,
`tel:+1…`; emergency `911` (`dr_emergency_out`); `ByotIn`/`ByotOut` in the current
file. 8 forwarded calls per file: a `dr_in` (or `ByotIn`) leg and a
`dr_out_user_forwarding` (or `ByotOutUserForwarding`) leg with different
`CorrelationId` and the same `Shared correlation ID`; the forward leg's caller is the
forwarding user's number, so only that leg is billed. Broken rows: minute 61 in
`Start time`, callee `Bob's cell`, and (current file) an `End time` before `Start time`.

### `asterisk/Master.csv`

    rater ingest --format asterisk --operator tailspin --country US --tz America/New_York --direction-by dcontext samples/cdr/asterisk/Master.csv

cdr_csv without header, tenants woodgrove and fourthcoffee (New York PBX clock;
fourthcoffee bills in Asia/Kolkata). `from-internal` = outbound, `from-pstn` = inbound.
The first 8 rows have 16 fields (before `uniqueid`/`userfield` logging); the rest 18.
Numbers: 10-digit and 11-digit NANP, `011`+international, `911`, `411`, toll-free DIDs
inbound (charged by the `in` rows). Dirt: 10 ring-group calls to the main number
written as one row per forked phone (`NO ANSWER` rows plus at most one `ANSWERED`, in
dial order) that share Party A's channel and `uniqueid`, as Asterisk 12+ writes them:
with `uniqueid` as the call key the later rows of a group are duplicates;
dispositions `BUSY`, `FAILED`, `CONGESTION`, empty unquoted `answer`; a `clid` in
Latin-1 (`"Jos\\xe9 P\\xe9rez"`); calls across the 2026-11-01 DST change, one whose `end`
wall clock is before its `start` and one at the repeated 01:25; inbound `dst` `s`
(no DID) ×2 and `*97` (bad_number), an over-long `011…` number, a call from the
unassigned DID `2125550188` (unknown_account).

### `freeswitch/Master.csv`

    rater ingest --format freeswitch --operator tailspin --country US --tz America/New_York --direction-by dcontext samples/cdr/freeswitch/Master.csv

mod_cdr_csv default template (15 fields, all quoted), tenant proseware (Los Angeles
numbers, New York server clock). `default` = outbound, `public` = inbound (with
`--direction-by dcontext` the rule reads FreeSWITCH's `context` column). Hangup causes
NORMAL_CLEARING, NO_ANSWER, USER_BUSY, ORIGINATOR_CANCEL, NO_ROUTE_DESTINATION,
CALL_REJECTED; empty
`answer_stamp` when unanswered. Dirt: 3 calls from softphone extensions (`1001`…) whose
caller id was never rewritten (unknown_account), a call across the DST change, one
row re-saved by a spreadsheet (quotes gone, `11/12/2026 14:03` dates: must be
rejected, never guessed), `911`, a spare-code call (no_rate).

### `audiocodes/sbc-cdr-2026-11-23.log`

    rater ingest --format profile:audiocodes --operator northwind --country GB samples/cdr/audiocodes/sbc-cdr-2026-11-23.log

AudioCodes SBC syslog CDR, read through the profile `schemas/profiles/audiocodes.ini`
(built in as `profile:audiocodes`): a header line, then `|`-delimited,
space-padded lines; {n_ac_calls} calls of fabrikam, litware and contoso, each with two legs
(IPGroup `Teams` and `PSTN-Trunk`, Orig `RMT`/`LCL`) sharing a `SessionId`,
and `CALL_START`, `CALL_CONNECT` (answered only) and `CALL_END` reports per leg; only
`CALL_END` is billed. Times `18:57:52.320  UTC Mon Nov 16 2026`; URIs `+44…@host`
on the Teams side, national `0…`/`00…` on the trunk side; unanswered calls have
`Duration` 0 and an empty `ConnectTime` or one equal to `ReleaseTime`. Dirt, on
billed (`PSTN-Trunk`, `CALL_END`) lines: one cut short by syslog after ~190 bytes (a
record with missing fields: a reject, it must not vanish), one unanswered call with
`SetupTime` `25:61:07…` (bad_timestamp); and the header repeated mid-file (SBC
restart). The profile bills the PSTN leg's `CALL_END`
(Orig `LCL` = out, `RMT` = in): the Teams leg, whose remote end is in Microsoft's SIP
signalling ranges (52.112.0.0/14), is skipped. Note: the repository `.gitignore` ignores
`*.log`, so this file is added with `git add -f`.
"""


def write_readme(deck_counts):
    files = [
        ("rater/northwind-2026-11-a.csv", "rater", STATS["rater-a"]),
        ("rater/northwind-2026-11-b.csv", "rater", STATS["rater-b"]),
        ("teams-pstn/PSTN.calls.2026-11-23.csv", "teams-pstn", STATS["teams-pstn"]),
        ("teams-dr/DirectRouting.calls.2026-11-16-legacy.csv", "teams-dr",
         STATS["teams-dr-legacy"]),
        ("teams-dr/DirectRouting.calls.2026-11-23.csv", "teams-dr", STATS["teams-dr"]),
        ("asterisk/Master.csv", "asterisk", STATS["asterisk"]),
        ("freeswitch/Master.csv", "freeswitch", STATS["freeswitch"]),
        ("audiocodes/sbc-cdr-2026-11-23.log", "profile (AudioCodes)", STATS["audiocodes"]),
    ]
    table = "\n".join(f"| `{f}` | {fmt} | {n} |" if fmt.startswith("profile")
                      else f"| `{f}` | `{fmt}` | {n} |" for f, fmt, n in files)
    text = README.format(
        n_plans=len(PLANS), n_accounts=len(ACCOUNTS), n_numbers=len(NUMBERS),
        deck_rows="\n".join(f"  - `decks/{k}.csv`: {v} rows, used by "
                            + ", ".join(p[0] for p in PLANS if p[2] == k)
                            for k, v in deck_counts.items()),
        table=table, n_cp=14, n_ac_calls=STATS["audiocodes-calls"])
    write_file(os.path.join(SAMPLES, "README.md"), text.encode("utf-8"))


def main():
    for d in (RATES, os.path.join(SAMPLES, "cdr")):
        if os.path.isdir(d):
            shutil.rmtree(d)
    make_numbers()
    check_numbers()
    deck_counts = write_catalog()
    gen_rater()
    gen_teams_pstn()
    gen_teams_dr()
    gen_asterisk()
    gen_freeswitch()
    gen_audiocodes()
    write_readme(deck_counts)
    for k, v in list(deck_counts.items()) + list(STATS.items()):
        print(f"{k}: {v}", file=sys.stderr)


if __name__ == "__main__":
    main()
