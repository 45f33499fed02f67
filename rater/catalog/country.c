/* country.c — the ISO 3166-1 country table with each country's dialling plan.
 *
 * Data model: one static array of RaterCountry, one row per officially
 * assigned ISO 3166-1 alpha-2 code (249 rows), sorted by alpha2 so that
 * country_lookup() is a bsearch.  A second static array lists every assigned
 * ITU-T E.164 country calling code, geographic or not, for deck coverage checks.
 *
 * Where the values come from (ITU-T E.164 assignment list, the ITU operational
 * bulletin's national numbering plans, as also collected by libphonenumber's
 * metadata), and the choices the table makes:
 *
 * - calling_code: the E.164 country code; for NANP members other than US, CA
 *   and UM it is "1" followed by the main area code ("1876" Jamaica), so that
 *   it is a usable deck prefix.  The number normaliser uses plain "1" where a
 *   NANP trunk prefix is replaced (billing.md §3 step 3).  Territories without
 *   a code of their own carry the code they are reached on (BV 47, GS 500,
 *   HM and AQ 672, PN 64, TF 262).  XK (Kosovo, 383) is not an assigned
 *   ISO 3166-1 code and has no row; 383 is still in the calling code list.
 * - intl_prefix: one prefix per country.  Where several exist (carrier
 *   selection: BR 00+CSP, CO 005/007/009, ID, KR, SG, TH, TW, ...) the row
 *   holds the most widely used one.  Russia, Kazakhstan, Belarus, Uzbekistan,
 *   Tajikistan and Turkmenistan dial 8~10 (stored as "810").
 * - trunk_prefix: "" where the country has none (ES, IT, PT, DK, NO, GR, ...,
 *   and MX since 2019); "1" in NANP and the Marshall Islands; "8" in RU, KZ,
 *   UZ, TM; "80" in Belarus (8 then the 0 of the area code, "8 029 ...");
 *   "06" in Hungary; "0" in Lithuania since 2024 (formerly "8").
 * - nsn_min: the shortest national significant number in use (NANP 10), at
 *   least 4, so "0" followed by fewer digits is never taken as a national
 *   number.
 */
#include "config.h"

#include "catalog/country.h"

#include <stdlib.h>
#include <string.h>

/* alpha2, name, calling code, international prefix, trunk prefix, nsn_min, nanp */
static const RaterCountry countries[] = {
  { "AD", "Andorra", "376", "00", "", 6, FALSE },
  { "AE", "United Arab Emirates", "971", "00", "0", 5, FALSE },
  { "AF", "Afghanistan", "93", "00", "0", 9, FALSE },
  { "AG", "Antigua and Barbuda", "1268", "011", "1", 10, TRUE },
  { "AI", "Anguilla", "1264", "011", "1", 10, TRUE },
  { "AL", "Albania", "355", "00", "0", 6, FALSE },
  { "AM", "Armenia", "374", "00", "0", 8, FALSE },
  { "AO", "Angola", "244", "00", "", 9, FALSE },
  { "AQ", "Antarctica", "672", "00", "", 6, FALSE },
  { "AR", "Argentina", "54", "00", "0", 10, FALSE },
  { "AS", "American Samoa", "1684", "011", "1", 10, TRUE },
  { "AT", "Austria", "43", "00", "0", 4, FALSE },
  { "AU", "Australia", "61", "0011", "0", 5, FALSE },
  { "AW", "Aruba", "297", "00", "", 7, FALSE },
  { "AX", "Åland Islands", "358", "00", "0", 5, FALSE },
  { "AZ", "Azerbaijan", "994", "00", "0", 9, FALSE },
  { "BA", "Bosnia and Herzegovina", "387", "00", "0", 8, FALSE },
  { "BB", "Barbados", "1246", "011", "1", 10, TRUE },
  { "BD", "Bangladesh", "880", "00", "0", 6, FALSE },
  { "BE", "Belgium", "32", "00", "0", 8, FALSE },
  { "BF", "Burkina Faso", "226", "00", "", 8, FALSE },
  { "BG", "Bulgaria", "359", "00", "0", 6, FALSE },
  { "BH", "Bahrain", "973", "00", "", 8, FALSE },
  { "BI", "Burundi", "257", "00", "", 8, FALSE },
  { "BJ", "Benin", "229", "00", "", 8, FALSE },
  { "BL", "Saint Barthélemy", "590", "00", "0", 9, FALSE },
  { "BM", "Bermuda", "1441", "011", "1", 10, TRUE },
  { "BN", "Brunei Darussalam", "673", "00", "", 7, FALSE },
  { "BO", "Bolivia, Plurinational State of", "591", "00", "0", 8, FALSE },
  { "BQ", "Bonaire, Sint Eustatius and Saba", "599", "00", "", 7, FALSE },
  { "BR", "Brazil", "55", "0021", "0", 8, FALSE },
  { "BS", "Bahamas", "1242", "011", "1", 10, TRUE },
  { "BT", "Bhutan", "975", "00", "", 7, FALSE },
  { "BV", "Bouvet Island", "47", "00", "", 8, FALSE },
  { "BW", "Botswana", "267", "00", "", 7, FALSE },
  { "BY", "Belarus", "375", "810", "80", 9, FALSE },
  { "BZ", "Belize", "501", "00", "", 7, FALSE },
  { "CA", "Canada", "1", "011", "1", 10, TRUE },
  { "CC", "Cocos (Keeling) Islands", "61", "0011", "0", 6, FALSE },
  { "CD", "Congo, The Democratic Republic of the", "243", "00", "0", 7, FALSE },
  { "CF", "Central African Republic", "236", "00", "", 8, FALSE },
  { "CG", "Congo", "242", "00", "", 9, FALSE },
  { "CH", "Switzerland", "41", "00", "0", 9, FALSE },
  { "CI", "Côte d'Ivoire", "225", "00", "", 10, FALSE },
  { "CK", "Cook Islands", "682", "00", "", 5, FALSE },
  { "CL", "Chile", "56", "00", "", 9, FALSE },
  { "CM", "Cameroon", "237", "00", "", 8, FALSE },
  { "CN", "China", "86", "00", "0", 7, FALSE },
  { "CO", "Colombia", "57", "009", "0", 10, FALSE },
  { "CR", "Costa Rica", "506", "00", "", 8, FALSE },
  { "CU", "Cuba", "53", "119", "0", 6, FALSE },
  { "CV", "Cabo Verde", "238", "0", "", 7, FALSE },
  { "CW", "Curaçao", "599", "00", "", 7, FALSE },
  { "CX", "Christmas Island", "61", "0011", "0", 6, FALSE },
  { "CY", "Cyprus", "357", "00", "", 8, FALSE },
  { "CZ", "Czechia", "420", "00", "", 9, FALSE },
  { "DE", "Germany", "49", "00", "0", 4, FALSE },
  { "DJ", "Djibouti", "253", "00", "", 8, FALSE },
  { "DK", "Denmark", "45", "00", "", 8, FALSE },
  { "DM", "Dominica", "1767", "011", "1", 10, TRUE },
  { "DO", "Dominican Republic", "1809", "011", "1", 10, TRUE },  /* also 1829, 1849 */
  { "DZ", "Algeria", "213", "00", "0", 8, FALSE },
  { "EC", "Ecuador", "593", "00", "0", 8, FALSE },
  { "EE", "Estonia", "372", "00", "", 7, FALSE },
  { "EG", "Egypt", "20", "00", "0", 8, FALSE },
  { "EH", "Western Sahara", "212", "00", "0", 9, FALSE },
  { "ER", "Eritrea", "291", "00", "0", 7, FALSE },
  { "ES", "Spain", "34", "00", "", 9, FALSE },
  { "ET", "Ethiopia", "251", "00", "0", 9, FALSE },
  { "FI", "Finland", "358", "00", "0", 5, FALSE },
  { "FJ", "Fiji", "679", "00", "", 7, FALSE },
  { "FK", "Falkland Islands (Malvinas)", "500", "00", "", 5, FALSE },
  { "FM", "Micronesia, Federated States of", "691", "00", "", 7, FALSE },
  { "FO", "Faroe Islands", "298", "00", "", 6, FALSE },
  { "FR", "France", "33", "00", "0", 9, FALSE },
  { "GA", "Gabon", "241", "00", "", 7, FALSE },
  { "GB", "United Kingdom", "44", "00", "0", 7, FALSE },
  { "GD", "Grenada", "1473", "011", "1", 10, TRUE },
  { "GE", "Georgia", "995", "00", "0", 9, FALSE },
  { "GF", "French Guiana", "594", "00", "0", 9, FALSE },
  { "GG", "Guernsey", "44", "00", "0", 7, FALSE },
  { "GH", "Ghana", "233", "00", "0", 8, FALSE },
  { "GI", "Gibraltar", "350", "00", "", 8, FALSE },
  { "GL", "Greenland", "299", "00", "", 6, FALSE },
  { "GM", "Gambia", "220", "00", "", 7, FALSE },
  { "GN", "Guinea", "224", "00", "", 8, FALSE },
  { "GP", "Guadeloupe", "590", "00", "0", 9, FALSE },
  { "GQ", "Equatorial Guinea", "240", "00", "", 9, FALSE },
  { "GR", "Greece", "30", "00", "", 10, FALSE },
  { "GS", "South Georgia and the South Sandwich Islands", "500", "00", "", 5, FALSE },
  { "GT", "Guatemala", "502", "00", "", 8, FALSE },
  { "GU", "Guam", "1671", "011", "1", 10, TRUE },
  { "GW", "Guinea-Bissau", "245", "00", "", 7, FALSE },
  { "GY", "Guyana", "592", "001", "", 7, FALSE },
  { "HK", "Hong Kong", "852", "00", "", 5, FALSE },
  { "HM", "Heard Island and McDonald Islands", "672", "00", "", 6, FALSE },
  { "HN", "Honduras", "504", "00", "", 8, FALSE },
  { "HR", "Croatia", "385", "00", "0", 6, FALSE },
  { "HT", "Haiti", "509", "00", "", 8, FALSE },
  { "HU", "Hungary", "36", "00", "06", 8, FALSE },
  { "ID", "Indonesia", "62", "001", "0", 7, FALSE },
  { "IE", "Ireland", "353", "00", "0", 7, FALSE },
  { "IL", "Israel", "972", "00", "0", 7, FALSE },
  { "IM", "Isle of Man", "44", "00", "0", 7, FALSE },
  { "IN", "India", "91", "00", "0", 8, FALSE },
  { "IO", "British Indian Ocean Territory", "246", "00", "", 7, FALSE },
  { "IQ", "Iraq", "964", "00", "0", 8, FALSE },
  { "IR", "Iran, Islamic Republic of", "98", "00", "0", 4, FALSE },
  { "IS", "Iceland", "354", "00", "", 7, FALSE },
  { "IT", "Italy", "39", "00", "", 6, FALSE },
  { "JE", "Jersey", "44", "00", "0", 7, FALSE },
  { "JM", "Jamaica", "1876", "011", "1", 10, TRUE },  /* also 1658 */
  { "JO", "Jordan", "962", "00", "0", 8, FALSE },
  { "JP", "Japan", "81", "010", "0", 8, FALSE },
  { "KE", "Kenya", "254", "000", "0", 7, FALSE },
  { "KG", "Kyrgyzstan", "996", "00", "0", 9, FALSE },
  { "KH", "Cambodia", "855", "001", "0", 8, FALSE },
  { "KI", "Kiribati", "686", "00", "0", 5, FALSE },
  { "KM", "Comoros", "269", "00", "", 7, FALSE },
  { "KN", "Saint Kitts and Nevis", "1869", "011", "1", 10, TRUE },
  { "KP", "Korea, Democratic People's Republic of", "850", "00", "0", 8, FALSE },
  { "KR", "Korea, Republic of", "82", "001", "0", 5, FALSE },
  { "KW", "Kuwait", "965", "00", "", 7, FALSE },
  { "KY", "Cayman Islands", "1345", "011", "1", 10, TRUE },
  { "KZ", "Kazakhstan", "7", "810", "8", 10, FALSE },
  { "LA", "Lao People's Democratic Republic", "856", "00", "0", 8, FALSE },
  { "LB", "Lebanon", "961", "00", "0", 7, FALSE },
  { "LC", "Saint Lucia", "1758", "011", "1", 10, TRUE },
  { "LI", "Liechtenstein", "423", "00", "0", 7, FALSE },
  { "LK", "Sri Lanka", "94", "00", "0", 9, FALSE },
  { "LR", "Liberia", "231", "00", "0", 7, FALSE },
  { "LS", "Lesotho", "266", "00", "", 8, FALSE },
  { "LT", "Lithuania", "370", "00", "0", 8, FALSE },
  { "LU", "Luxembourg", "352", "00", "", 4, FALSE },
  { "LV", "Latvia", "371", "00", "", 8, FALSE },
  { "LY", "Libya", "218", "00", "0", 9, FALSE },
  { "MA", "Morocco", "212", "00", "0", 9, FALSE },
  { "MC", "Monaco", "377", "00", "0", 8, FALSE },
  { "MD", "Moldova, Republic of", "373", "00", "0", 8, FALSE },
  { "ME", "Montenegro", "382", "00", "0", 8, FALSE },
  { "MF", "Saint Martin (French part)", "590", "00", "0", 9, FALSE },
  { "MG", "Madagascar", "261", "00", "0", 9, FALSE },
  { "MH", "Marshall Islands", "692", "011", "1", 7, FALSE },
  { "MK", "North Macedonia", "389", "00", "0", 8, FALSE },
  { "ML", "Mali", "223", "00", "", 8, FALSE },
  { "MM", "Myanmar", "95", "00", "0", 6, FALSE },
  { "MN", "Mongolia", "976", "001", "0", 8, FALSE },
  { "MO", "Macao", "853", "00", "", 7, FALSE },
  { "MP", "Northern Mariana Islands", "1670", "011", "1", 10, TRUE },
  { "MQ", "Martinique", "596", "00", "0", 9, FALSE },
  { "MR", "Mauritania", "222", "00", "", 8, FALSE },
  { "MS", "Montserrat", "1664", "011", "1", 10, TRUE },
  { "MT", "Malta", "356", "00", "", 8, FALSE },
  { "MU", "Mauritius", "230", "020", "", 7, FALSE },
  { "MV", "Maldives", "960", "00", "", 7, FALSE },
  { "MW", "Malawi", "265", "00", "0", 7, FALSE },
  { "MX", "Mexico", "52", "00", "", 10, FALSE },
  { "MY", "Malaysia", "60", "00", "0", 8, FALSE },
  { "MZ", "Mozambique", "258", "00", "", 8, FALSE },
  { "NA", "Namibia", "264", "00", "0", 8, FALSE },
  { "NC", "New Caledonia", "687", "00", "", 6, FALSE },
  { "NE", "Niger", "227", "00", "", 8, FALSE },
  { "NF", "Norfolk Island", "672", "00", "", 6, FALSE },
  { "NG", "Nigeria", "234", "009", "0", 7, FALSE },
  { "NI", "Nicaragua", "505", "00", "", 8, FALSE },
  { "NL", "Netherlands", "31", "00", "0", 5, FALSE },
  { "NO", "Norway", "47", "00", "", 5, FALSE },
  { "NP", "Nepal", "977", "00", "0", 8, FALSE },
  { "NR", "Nauru", "674", "00", "", 7, FALSE },
  { "NU", "Niue", "683", "00", "", 4, FALSE },
  { "NZ", "New Zealand", "64", "00", "0", 5, FALSE },
  { "OM", "Oman", "968", "00", "", 7, FALSE },
  { "PA", "Panama", "507", "00", "", 7, FALSE },
  { "PE", "Peru", "51", "00", "0", 8, FALSE },
  { "PF", "French Polynesia", "689", "00", "", 6, FALSE },
  { "PG", "Papua New Guinea", "675", "00", "", 7, FALSE },
  { "PH", "Philippines", "63", "00", "0", 6, FALSE },
  { "PK", "Pakistan", "92", "00", "0", 8, FALSE },
  { "PL", "Poland", "48", "00", "", 6, FALSE },
  { "PM", "Saint Pierre and Miquelon", "508", "00", "0", 6, FALSE },
  { "PN", "Pitcairn", "64", "00", "", 9, FALSE },
  { "PR", "Puerto Rico", "1787", "011", "1", 10, TRUE },  /* also 1939 */
  { "PS", "Palestine, State of", "970", "00", "0", 8, FALSE },
  { "PT", "Portugal", "351", "00", "", 9, FALSE },
  { "PW", "Palau", "680", "011", "", 7, FALSE },
  { "PY", "Paraguay", "595", "00", "0", 6, FALSE },
  { "QA", "Qatar", "974", "00", "", 7, FALSE },
  { "RE", "Réunion", "262", "00", "0", 9, FALSE },
  { "RO", "Romania", "40", "00", "0", 6, FALSE },
  { "RS", "Serbia", "381", "00", "0", 6, FALSE },
  { "RU", "Russian Federation", "7", "810", "8", 10, FALSE },
  { "RW", "Rwanda", "250", "00", "0", 8, FALSE },
  { "SA", "Saudi Arabia", "966", "00", "0", 9, FALSE },
  { "SB", "Solomon Islands", "677", "00", "", 5, FALSE },
  { "SC", "Seychelles", "248", "00", "", 7, FALSE },
  { "SD", "Sudan", "249", "00", "0", 9, FALSE },
  { "SE", "Sweden", "46", "00", "0", 6, FALSE },
  { "SG", "Singapore", "65", "001", "", 8, FALSE },
  { "SH", "Saint Helena, Ascension and Tristan da Cunha", "290", "00", "", 4, FALSE },
  { "SI", "Slovenia", "386", "00", "0", 5, FALSE },
  { "SJ", "Svalbard and Jan Mayen", "47", "00", "", 5, FALSE },
  { "SK", "Slovakia", "421", "00", "0", 6, FALSE },
  { "SL", "Sierra Leone", "232", "00", "0", 8, FALSE },
  { "SM", "San Marino", "378", "00", "", 8, FALSE },
  { "SN", "Senegal", "221", "00", "", 9, FALSE },
  { "SO", "Somalia", "252", "00", "0", 6, FALSE },
  { "SR", "Suriname", "597", "00", "", 6, FALSE },
  { "SS", "South Sudan", "211", "00", "0", 9, FALSE },
  { "ST", "Sao Tome and Principe", "239", "00", "", 7, FALSE },
  { "SV", "El Salvador", "503", "00", "", 7, FALSE },
  { "SX", "Sint Maarten (Dutch part)", "1721", "011", "1", 10, TRUE },
  { "SY", "Syrian Arab Republic", "963", "00", "0", 8, FALSE },
  { "SZ", "Eswatini", "268", "00", "", 8, FALSE },
  { "TC", "Turks and Caicos Islands", "1649", "011", "1", 10, TRUE },
  { "TD", "Chad", "235", "00", "", 8, FALSE },
  { "TF", "French Southern Territories", "262", "00", "", 9, FALSE },
  { "TG", "Togo", "228", "00", "", 8, FALSE },
  { "TH", "Thailand", "66", "001", "0", 8, FALSE },
  { "TJ", "Tajikistan", "992", "810", "", 9, FALSE },
  { "TK", "Tokelau", "690", "00", "", 4, FALSE },
  { "TL", "Timor-Leste", "670", "00", "", 7, FALSE },
  { "TM", "Turkmenistan", "993", "810", "8", 8, FALSE },
  { "TN", "Tunisia", "216", "00", "", 8, FALSE },
  { "TO", "Tonga", "676", "00", "", 5, FALSE },
  { "TR", "Türkiye", "90", "00", "0", 7, FALSE },
  { "TT", "Trinidad and Tobago", "1868", "011", "1", 10, TRUE },
  { "TV", "Tuvalu", "688", "00", "", 5, FALSE },
  { "TW", "Taiwan, Province of China", "886", "002", "0", 7, FALSE },
  { "TZ", "Tanzania, United Republic of", "255", "000", "0", 9, FALSE },
  { "UA", "Ukraine", "380", "00", "0", 9, FALSE },
  { "UG", "Uganda", "256", "000", "0", 9, FALSE },
  { "UM", "United States Minor Outlying Islands", "1", "011", "1", 10, TRUE },
  { "US", "United States", "1", "011", "1", 10, TRUE },
  { "UY", "Uruguay", "598", "00", "0", 7, FALSE },
  { "UZ", "Uzbekistan", "998", "810", "8", 9, FALSE },
  { "VA", "Holy See (Vatican City State)", "39", "00", "", 6, FALSE },
  { "VC", "Saint Vincent and the Grenadines", "1784", "011", "1", 10, TRUE },
  { "VE", "Venezuela, Bolivarian Republic of", "58", "00", "0", 10, FALSE },
  { "VG", "Virgin Islands, British", "1284", "011", "1", 10, TRUE },
  { "VI", "Virgin Islands, U.S.", "1340", "011", "1", 10, TRUE },
  { "VN", "Viet Nam", "84", "00", "0", 7, FALSE },
  { "VU", "Vanuatu", "678", "00", "", 5, FALSE },
  { "WF", "Wallis and Futuna", "681", "00", "", 6, FALSE },
  { "WS", "Samoa", "685", "0", "", 5, FALSE },
  { "YE", "Yemen", "967", "00", "0", 7, FALSE },
  { "YT", "Mayotte", "262", "00", "0", 9, FALSE },
  { "ZA", "South Africa", "27", "00", "0", 5, FALSE },
  { "ZM", "Zambia", "260", "00", "0", 9, FALSE },
  { "ZW", "Zimbabwe", "263", "00", "0", 5, FALSE },
};

/* Every assigned ITU-T E.164 country calling code, sorted bytewise.  NANP is
 * the single code "1"; 7 is shared by RU and KZ, 39 by IT and VA, 44 by GB,
 * GG, IM and JE.  Non-geographic: 800 freephone, 808 shared cost, 870
 * Inmarsat, 878 personal telecommunications, 881 global mobile satellite,
 * 882/883 international networks, 888 OCHA, 979 premium rate.  247 is
 * Ascension (part of SH), 383 Kosovo. */
static const char * const calling_codes[] = {
  "1", "20", "211", "212", "213", "216", "218", "220", "221", "222", "223",
  "224", "225", "226", "227", "228", "229", "230", "231", "232", "233", "234",
  "235", "236", "237", "238", "239", "240", "241", "242", "243", "244", "245",
  "246", "247", "248", "249", "250", "251", "252", "253", "254", "255", "256",
  "257", "258", "260", "261", "262", "263", "264", "265", "266", "267", "268",
  "269", "27", "290", "291", "297", "298", "299", "30", "31", "32", "33", "34",
  "350", "351", "352", "353", "354", "355", "356", "357", "358", "359", "36",
  "370", "371", "372", "373", "374", "375", "376", "377", "378", "380", "381",
  "382", "383", "385", "386", "387", "389", "39", "40", "41", "420", "421",
  "423", "43", "44", "45", "46", "47", "48", "49", "500", "501", "502", "503",
  "504", "505", "506", "507", "508", "509", "51", "52", "53", "54", "55", "56",
  "57", "58", "590", "591", "592", "593", "594", "595", "596", "597", "598",
  "599", "60", "61", "62", "63", "64", "65", "66", "670", "672", "673", "674",
  "675", "676", "677", "678", "679", "680", "681", "682", "683", "685", "686",
  "687", "688", "689", "690", "691", "692", "7", "800", "808", "81", "82",
  "84", "850", "852", "853", "855", "856", "86", "870", "878", "880", "881",
  "882", "883", "886", "888", "90", "91", "92", "93", "94", "95", "960", "961",
  "962", "963", "964", "965", "966", "967", "968", "970", "971", "972", "973",
  "974", "975", "976", "977", "979", "98", "992", "993", "994", "995", "996",
  "998",
  NULL,
};

static int
country_compare (const void *key, const void *row)
{
  return strcmp (key, ((const RaterCountry *) row)->alpha2);
}

const RaterCountry *
country_lookup (const char *alpha2)
{
  char key[3];

  if (alpha2 == NULL || alpha2[0] == '\0' || alpha2[1] == '\0' || alpha2[2] != '\0')
    return NULL;
  key[0] = g_ascii_toupper (alpha2[0]);
  key[1] = g_ascii_toupper (alpha2[1]);
  key[2] = '\0';
  return bsearch (key, countries, G_N_ELEMENTS (countries), sizeof countries[0],
                  country_compare);
}

const RaterCountry *
country_table (gsize *n_out)
{
  if (n_out != NULL)
    *n_out = G_N_ELEMENTS (countries);
  return countries;
}

const char * const *
country_calling_codes (void)
{
  return calling_codes;
}
