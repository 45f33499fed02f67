/* country.c — the ISO 3166-1 country table: names and calling codes.
 *
 * Data model: one static array of RaterCountry, one row per officially
 * assigned ISO 3166-1 alpha-2 code (249 rows), sorted by alpha2 so that
 * country_lookup() is a bsearch.  A second static array lists every assigned
 * ITU-T E.164 country calling code, geographic or not, for deck coverage checks.
 *
 * The dialling plan itself (international and trunk prefixes, number
 * lengths, short codes) is not typed here: it comes from libphonenumber's
 * metadata (phonemeta.h), which country_dialling() looks up for a row.
 *
 * - calling_code: the E.164 country code; for NANP members other than US, CA
 *   and UM it is "1" followed by the main area code ("1876" Jamaica), so that
 *   it is a usable deck prefix.  Territories without a code of their own
 *   carry the code they are reached on (BV 47, GS 500, HM and AQ 672, PN 64,
 *   TF 262); libphonenumber lists some of them under that code's main region.
 *   XK (Kosovo, 383) is not an assigned ISO 3166-1 code and has no row; 383
 *   is still in the calling code list.
 */
#include "config.h"

#include "catalog/country.h"

#include <stdlib.h>
#include <string.h>

/* alpha2, name, calling code, nanp */
static const RaterCountry countries[] = {
  { "AD", "Andorra", "376", FALSE },
  { "AE", "United Arab Emirates", "971", FALSE },
  { "AF", "Afghanistan", "93", FALSE },
  { "AG", "Antigua and Barbuda", "1268", TRUE },
  { "AI", "Anguilla", "1264", TRUE },
  { "AL", "Albania", "355", FALSE },
  { "AM", "Armenia", "374", FALSE },
  { "AO", "Angola", "244", FALSE },
  { "AQ", "Antarctica", "672", FALSE },
  { "AR", "Argentina", "54", FALSE },
  { "AS", "American Samoa", "1684", TRUE },
  { "AT", "Austria", "43", FALSE },
  { "AU", "Australia", "61", FALSE },
  { "AW", "Aruba", "297", FALSE },
  { "AX", "Åland Islands", "358", FALSE },
  { "AZ", "Azerbaijan", "994", FALSE },
  { "BA", "Bosnia and Herzegovina", "387", FALSE },
  { "BB", "Barbados", "1246", TRUE },
  { "BD", "Bangladesh", "880", FALSE },
  { "BE", "Belgium", "32", FALSE },
  { "BF", "Burkina Faso", "226", FALSE },
  { "BG", "Bulgaria", "359", FALSE },
  { "BH", "Bahrain", "973", FALSE },
  { "BI", "Burundi", "257", FALSE },
  { "BJ", "Benin", "229", FALSE },
  { "BL", "Saint Barthélemy", "590", FALSE },
  { "BM", "Bermuda", "1441", TRUE },
  { "BN", "Brunei Darussalam", "673", FALSE },
  { "BO", "Bolivia, Plurinational State of", "591", FALSE },
  { "BQ", "Bonaire, Sint Eustatius and Saba", "599", FALSE },
  { "BR", "Brazil", "55", FALSE },
  { "BS", "Bahamas", "1242", TRUE },
  { "BT", "Bhutan", "975", FALSE },
  { "BV", "Bouvet Island", "47", FALSE },
  { "BW", "Botswana", "267", FALSE },
  { "BY", "Belarus", "375", FALSE },
  { "BZ", "Belize", "501", FALSE },
  { "CA", "Canada", "1", TRUE },
  { "CC", "Cocos (Keeling) Islands", "61", FALSE },
  { "CD", "Congo, The Democratic Republic of the", "243", FALSE },
  { "CF", "Central African Republic", "236", FALSE },
  { "CG", "Congo", "242", FALSE },
  { "CH", "Switzerland", "41", FALSE },
  { "CI", "Côte d'Ivoire", "225", FALSE },
  { "CK", "Cook Islands", "682", FALSE },
  { "CL", "Chile", "56", FALSE },
  { "CM", "Cameroon", "237", FALSE },
  { "CN", "China", "86", FALSE },
  { "CO", "Colombia", "57", FALSE },
  { "CR", "Costa Rica", "506", FALSE },
  { "CU", "Cuba", "53", FALSE },
  { "CV", "Cabo Verde", "238", FALSE },
  { "CW", "Curaçao", "599", FALSE },
  { "CX", "Christmas Island", "61", FALSE },
  { "CY", "Cyprus", "357", FALSE },
  { "CZ", "Czechia", "420", FALSE },
  { "DE", "Germany", "49", FALSE },
  { "DJ", "Djibouti", "253", FALSE },
  { "DK", "Denmark", "45", FALSE },
  { "DM", "Dominica", "1767", TRUE },
  { "DO", "Dominican Republic", "1809", TRUE },  /* also 1829, 1849 */
  { "DZ", "Algeria", "213", FALSE },
  { "EC", "Ecuador", "593", FALSE },
  { "EE", "Estonia", "372", FALSE },
  { "EG", "Egypt", "20", FALSE },
  { "EH", "Western Sahara", "212", FALSE },
  { "ER", "Eritrea", "291", FALSE },
  { "ES", "Spain", "34", FALSE },
  { "ET", "Ethiopia", "251", FALSE },
  { "FI", "Finland", "358", FALSE },
  { "FJ", "Fiji", "679", FALSE },
  { "FK", "Falkland Islands (Malvinas)", "500", FALSE },
  { "FM", "Micronesia, Federated States of", "691", FALSE },
  { "FO", "Faroe Islands", "298", FALSE },
  { "FR", "France", "33", FALSE },
  { "GA", "Gabon", "241", FALSE },
  { "GB", "United Kingdom", "44", FALSE },
  { "GD", "Grenada", "1473", TRUE },
  { "GE", "Georgia", "995", FALSE },
  { "GF", "French Guiana", "594", FALSE },
  { "GG", "Guernsey", "44", FALSE },
  { "GH", "Ghana", "233", FALSE },
  { "GI", "Gibraltar", "350", FALSE },
  { "GL", "Greenland", "299", FALSE },
  { "GM", "Gambia", "220", FALSE },
  { "GN", "Guinea", "224", FALSE },
  { "GP", "Guadeloupe", "590", FALSE },
  { "GQ", "Equatorial Guinea", "240", FALSE },
  { "GR", "Greece", "30", FALSE },
  { "GS", "South Georgia and the South Sandwich Islands", "500", FALSE },
  { "GT", "Guatemala", "502", FALSE },
  { "GU", "Guam", "1671", TRUE },
  { "GW", "Guinea-Bissau", "245", FALSE },
  { "GY", "Guyana", "592", FALSE },
  { "HK", "Hong Kong", "852", FALSE },
  { "HM", "Heard Island and McDonald Islands", "672", FALSE },
  { "HN", "Honduras", "504", FALSE },
  { "HR", "Croatia", "385", FALSE },
  { "HT", "Haiti", "509", FALSE },
  { "HU", "Hungary", "36", FALSE },
  { "ID", "Indonesia", "62", FALSE },
  { "IE", "Ireland", "353", FALSE },
  { "IL", "Israel", "972", FALSE },
  { "IM", "Isle of Man", "44", FALSE },
  { "IN", "India", "91", FALSE },
  { "IO", "British Indian Ocean Territory", "246", FALSE },
  { "IQ", "Iraq", "964", FALSE },
  { "IR", "Iran, Islamic Republic of", "98", FALSE },
  { "IS", "Iceland", "354", FALSE },
  { "IT", "Italy", "39", FALSE },
  { "JE", "Jersey", "44", FALSE },
  { "JM", "Jamaica", "1876", TRUE },  /* also 1658 */
  { "JO", "Jordan", "962", FALSE },
  { "JP", "Japan", "81", FALSE },
  { "KE", "Kenya", "254", FALSE },
  { "KG", "Kyrgyzstan", "996", FALSE },
  { "KH", "Cambodia", "855", FALSE },
  { "KI", "Kiribati", "686", FALSE },
  { "KM", "Comoros", "269", FALSE },
  { "KN", "Saint Kitts and Nevis", "1869", TRUE },
  { "KP", "Korea, Democratic People's Republic of", "850", FALSE },
  { "KR", "Korea, Republic of", "82", FALSE },
  { "KW", "Kuwait", "965", FALSE },
  { "KY", "Cayman Islands", "1345", TRUE },
  { "KZ", "Kazakhstan", "7", FALSE },
  { "LA", "Lao People's Democratic Republic", "856", FALSE },
  { "LB", "Lebanon", "961", FALSE },
  { "LC", "Saint Lucia", "1758", TRUE },
  { "LI", "Liechtenstein", "423", FALSE },
  { "LK", "Sri Lanka", "94", FALSE },
  { "LR", "Liberia", "231", FALSE },
  { "LS", "Lesotho", "266", FALSE },
  { "LT", "Lithuania", "370", FALSE },
  { "LU", "Luxembourg", "352", FALSE },
  { "LV", "Latvia", "371", FALSE },
  { "LY", "Libya", "218", FALSE },
  { "MA", "Morocco", "212", FALSE },
  { "MC", "Monaco", "377", FALSE },
  { "MD", "Moldova, Republic of", "373", FALSE },
  { "ME", "Montenegro", "382", FALSE },
  { "MF", "Saint Martin (French part)", "590", FALSE },
  { "MG", "Madagascar", "261", FALSE },
  { "MH", "Marshall Islands", "692", FALSE },
  { "MK", "North Macedonia", "389", FALSE },
  { "ML", "Mali", "223", FALSE },
  { "MM", "Myanmar", "95", FALSE },
  { "MN", "Mongolia", "976", FALSE },
  { "MO", "Macao", "853", FALSE },
  { "MP", "Northern Mariana Islands", "1670", TRUE },
  { "MQ", "Martinique", "596", FALSE },
  { "MR", "Mauritania", "222", FALSE },
  { "MS", "Montserrat", "1664", TRUE },
  { "MT", "Malta", "356", FALSE },
  { "MU", "Mauritius", "230", FALSE },
  { "MV", "Maldives", "960", FALSE },
  { "MW", "Malawi", "265", FALSE },
  { "MX", "Mexico", "52", FALSE },
  { "MY", "Malaysia", "60", FALSE },
  { "MZ", "Mozambique", "258", FALSE },
  { "NA", "Namibia", "264", FALSE },
  { "NC", "New Caledonia", "687", FALSE },
  { "NE", "Niger", "227", FALSE },
  { "NF", "Norfolk Island", "672", FALSE },
  { "NG", "Nigeria", "234", FALSE },
  { "NI", "Nicaragua", "505", FALSE },
  { "NL", "Netherlands", "31", FALSE },
  { "NO", "Norway", "47", FALSE },
  { "NP", "Nepal", "977", FALSE },
  { "NR", "Nauru", "674", FALSE },
  { "NU", "Niue", "683", FALSE },
  { "NZ", "New Zealand", "64", FALSE },
  { "OM", "Oman", "968", FALSE },
  { "PA", "Panama", "507", FALSE },
  { "PE", "Peru", "51", FALSE },
  { "PF", "French Polynesia", "689", FALSE },
  { "PG", "Papua New Guinea", "675", FALSE },
  { "PH", "Philippines", "63", FALSE },
  { "PK", "Pakistan", "92", FALSE },
  { "PL", "Poland", "48", FALSE },
  { "PM", "Saint Pierre and Miquelon", "508", FALSE },
  { "PN", "Pitcairn", "64", FALSE },
  { "PR", "Puerto Rico", "1787", TRUE },  /* also 1939 */
  { "PS", "Palestine, State of", "970", FALSE },
  { "PT", "Portugal", "351", FALSE },
  { "PW", "Palau", "680", FALSE },
  { "PY", "Paraguay", "595", FALSE },
  { "QA", "Qatar", "974", FALSE },
  { "RE", "Réunion", "262", FALSE },
  { "RO", "Romania", "40", FALSE },
  { "RS", "Serbia", "381", FALSE },
  { "RU", "Russian Federation", "7", FALSE },
  { "RW", "Rwanda", "250", FALSE },
  { "SA", "Saudi Arabia", "966", FALSE },
  { "SB", "Solomon Islands", "677", FALSE },
  { "SC", "Seychelles", "248", FALSE },
  { "SD", "Sudan", "249", FALSE },
  { "SE", "Sweden", "46", FALSE },
  { "SG", "Singapore", "65", FALSE },
  { "SH", "Saint Helena, Ascension and Tristan da Cunha", "290", FALSE },
  { "SI", "Slovenia", "386", FALSE },
  { "SJ", "Svalbard and Jan Mayen", "47", FALSE },
  { "SK", "Slovakia", "421", FALSE },
  { "SL", "Sierra Leone", "232", FALSE },
  { "SM", "San Marino", "378", FALSE },
  { "SN", "Senegal", "221", FALSE },
  { "SO", "Somalia", "252", FALSE },
  { "SR", "Suriname", "597", FALSE },
  { "SS", "South Sudan", "211", FALSE },
  { "ST", "Sao Tome and Principe", "239", FALSE },
  { "SV", "El Salvador", "503", FALSE },
  { "SX", "Sint Maarten (Dutch part)", "1721", TRUE },
  { "SY", "Syrian Arab Republic", "963", FALSE },
  { "SZ", "Eswatini", "268", FALSE },
  { "TC", "Turks and Caicos Islands", "1649", TRUE },
  { "TD", "Chad", "235", FALSE },
  { "TF", "French Southern Territories", "262", FALSE },
  { "TG", "Togo", "228", FALSE },
  { "TH", "Thailand", "66", FALSE },
  { "TJ", "Tajikistan", "992", FALSE },
  { "TK", "Tokelau", "690", FALSE },
  { "TL", "Timor-Leste", "670", FALSE },
  { "TM", "Turkmenistan", "993", FALSE },
  { "TN", "Tunisia", "216", FALSE },
  { "TO", "Tonga", "676", FALSE },
  { "TR", "Türkiye", "90", FALSE },
  { "TT", "Trinidad and Tobago", "1868", TRUE },
  { "TV", "Tuvalu", "688", FALSE },
  { "TW", "Taiwan, Province of China", "886", FALSE },
  { "TZ", "Tanzania, United Republic of", "255", FALSE },
  { "UA", "Ukraine", "380", FALSE },
  { "UG", "Uganda", "256", FALSE },
  { "UM", "United States Minor Outlying Islands", "1", TRUE },
  { "US", "United States", "1", TRUE },
  { "UY", "Uruguay", "598", FALSE },
  { "UZ", "Uzbekistan", "998", FALSE },
  { "VA", "Holy See (Vatican City State)", "39", FALSE },
  { "VC", "Saint Vincent and the Grenadines", "1784", TRUE },
  { "VE", "Venezuela, Bolivarian Republic of", "58", FALSE },
  { "VG", "Virgin Islands, British", "1284", TRUE },
  { "VI", "Virgin Islands, U.S.", "1340", TRUE },
  { "VN", "Viet Nam", "84", FALSE },
  { "VU", "Vanuatu", "678", FALSE },
  { "WF", "Wallis and Futuna", "681", FALSE },
  { "WS", "Samoa", "685", FALSE },
  { "YE", "Yemen", "967", FALSE },
  { "YT", "Mayotte", "262", FALSE },
  { "ZA", "South Africa", "27", FALSE },
  { "ZM", "Zambia", "260", FALSE },
  { "ZW", "Zimbabwe", "263", FALSE },
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

const PhoneMetaRegion *
country_dialling (const RaterCountry *country)
{
  const PhoneMetaRegion *meta;

  if (country == NULL)
    return NULL;
  meta = phonemeta_region (country->alpha2);
  if (meta == NULL)
    meta = phonemeta_region_for_code (country->nanp ? "1" : country->calling_code);
  return meta;
}

const char * const *
country_calling_codes (void)
{
  return calling_codes;
}
