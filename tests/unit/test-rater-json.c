/* test-rater-json.c — the one way rater writes JSON (rater-json.c): the
 * exact layout, escaping, invalid UTF-8 repaired in values and names,
 * integers beyond a double's precision, the same bytes for the same data,
 * and frozen documents (kept when only the layout differs, refused when the
 * value does). */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/rater-error.h"
#include "base/rater-json.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (rater_json, .init = setup, .fini = teardown);

/* {"s": VALUE} */
static char *
string_doc (const char *name, const char *value)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  rater_json_string (b, name, value);
  json_builder_end_object (b);
  return rater_json_text (b);
}

Test (rater_json, escaping)
{
  g_autofree char *text = string_doc ("s", "q\" b\\ n\n t\t c\x01 u\x1f d\x7f / \xc3\xa9");
  cr_assert_str_eq (text, "{\n  \"s\" : \"q\\\" b\\\\ n\\n t\\t c\\u0001 u\\u001f d\\u007f / \xc3\xa9\"\n}\n");
}

Test (rater_json, invalid_utf8_is_repaired)
{
  g_autofree char *text = string_doc ("k\xfe", "a\xff" "b\xc3");
  cr_assert_str_eq (text, "{\n  \"k\xef\xbf\xbd\" : \"a\xef\xbf\xbd" "b\xef\xbf\xbd\"\n}\n");
  cr_assert (g_utf8_validate (text, -1, NULL));
}

Test (rater_json, null_and_empty_string)
{
  g_autofree char *null = string_doc ("s", NULL);
  g_autofree char *empty = string_doc ("s", "");
  cr_assert_str_eq (null, "{\n  \"s\" : null\n}\n");
  cr_assert_str_eq (empty, "{\n  \"s\" : \"\"\n}\n");
}

/* A nested document whose members are not in alphabetical order. */
static char *
nested_doc (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  rater_json_int (b, "z", G_MAXINT64);
  rater_json_int (b, "a", G_MININT64);
  rater_json_int (b, "odd", 9007199254740993);
  rater_json_bool (b, "yes", TRUE);
  rater_json_bool (b, "no", FALSE);
  rater_json_string (b, "money", "0.000001");
  rater_json_begin_array (b, "list");
  rater_json_string (b, NULL, "x");
  rater_json_int (b, NULL, 0);
  rater_json_begin_object (b, NULL);
  rater_json_string (b, "m", "y");
  json_builder_end_object (b);
  json_builder_end_array (b);
  rater_json_begin_array (b, "empty");
  json_builder_end_array (b);
  json_builder_end_object (b);
  return rater_json_text (b);
}

Test (rater_json, members_in_order_and_exact_integers)
{
  g_autofree char *text = nested_doc ();
  cr_assert_str_eq (text,
    "{\n"
    "  \"z\" : 9223372036854775807,\n"
    "  \"a\" : -9223372036854775808,\n"
    "  \"odd\" : 9007199254740993,\n"
    "  \"yes\" : true,\n"
    "  \"no\" : false,\n"
    "  \"money\" : \"0.000001\",\n"
    "  \"list\" : [\n"
    "    \"x\",\n"
    "    0,\n"
    "    {\n"
    "      \"m\" : \"y\"\n"
    "    }\n"
    "  ],\n"
    "  \"empty\" : []\n"
    "}\n");
}

Test (rater_json, same_data_same_bytes)
{
  g_autofree char *a = nested_doc ();
  g_autofree char *b = nested_doc ();
  cr_assert_str_eq (a, b);
}

static JsonBuilder *
invoice_like (const char *status)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  rater_json_string (b, "invoice", "NWT-1");
  rater_json_string (b, "status", status);
  rater_json_begin_array (b, "lines");
  rater_json_int (b, NULL, 2);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return b;
}

static char *
read_all (const char *path)
{
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "cannot read %s", path);
  return text;
}

Test (rater_json, write_and_stdout_path)
{
  g_autoptr(JsonBuilder) b = invoice_like ("draft");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "d.json", NULL);
  cr_assert (rater_json_write (b, path, &error));
  g_autofree char *text = read_all (path);
  g_autofree char *want = rater_json_text (b);
  cr_assert_str_eq (text, want);
  g_autofree char *missing = g_build_filename (dir, "no", "d.json", NULL);
  cr_assert_not (rater_json_write (b, missing, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
}

Test (rater_json, same_value_ignores_whitespace_only)
{
  g_autoptr(JsonBuilder) b = invoice_like ("issued");
  cr_assert (rater_json_same_value (b, "{\"invoice\": \"NWT-1\", \"status\": \"issued\", \"lines\": [2]}", -1));
  cr_assert_not (rater_json_same_value (b, "{\"invoice\": \"NWT-1\", \"status\": \"paid\", \"lines\": [2]}", -1));
  cr_assert_not (rater_json_same_value (b, "{\"invoice\": \"NWT-1\", \"status\": \"issued\", \"lines\": [\"2\"]}", -1));
  cr_assert_not (rater_json_same_value (b, "{\"invoice\": \"NWT-1\", \"status\": \"issued\"}", -1));
  cr_assert_not (rater_json_same_value (b, "not json", -1));
  cr_assert_not (rater_json_same_value (b, "", 0));
}

Test (rater_json, frozen_documents)
{
  g_autoptr(JsonBuilder) b = invoice_like ("issued");
  g_autoptr(GError) error = NULL;
  g_autofree char *want = rater_json_text (b);

  /* absent: written; identical: fine */
  g_autofree char *path = g_build_filename (dir, "i.json", NULL);
  cr_assert (rater_json_write_frozen (b, path, &error));
  cr_assert (rater_json_write_frozen (b, path, &error), "%s", error ? error->message : "");
  g_autofree char *text = read_all (path);
  cr_assert_str_eq (text, want);

  /* the same value in an earlier layout: kept as it is */
  const char *old = "{\n  \"invoice\": \"NWT-1\",\n  \"status\": \"issued\",\n  \"lines\": [2]\n}\n";
  g_autofree char *old_path = test_write (dir, "old.json", old);
  cr_assert (rater_json_write_frozen (b, old_path, &error), "%s", error ? error->message : "");
  g_autofree char *kept = read_all (old_path);
  cr_assert_str_eq (kept, old);

  /* another value: refused, left as it was */
  const char *paid = "{\n  \"invoice\": \"NWT-1\",\n  \"status\": \"paid\",\n  \"lines\": [2]\n}\n";
  g_autofree char *paid_path = test_write (dir, "paid.json", paid);
  cr_assert_not (rater_json_write_frozen (b, paid_path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *left = read_all (paid_path);
  cr_assert_str_eq (left, paid);
}
