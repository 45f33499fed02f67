/* rater-json.c — building and printing JSON documents through json-glib.
 *
 * A document is a JsonBuilder filled through the helpers here (so every
 * string is valid UTF-8) and printed by one JsonGenerator set-up, plus the
 * final newline; the frozen writer compares an existing file by its parsed
 * value before refusing it.
 */
#include "config.h"

#include <string.h>

#include "base/outfile.h"
#include "base/rater-json.h"

static void
member (JsonBuilder *b, const char *name)
{
  if (!name)
    return;
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  json_builder_set_member_name (b, valid);
}

void
rater_json_string (JsonBuilder *b, const char *name, const char *value)
{
  member (b, name);
  if (!value)
    {
      json_builder_add_null_value (b);
      return;
    }
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  json_builder_add_string_value (b, valid);
}

void
rater_json_int (JsonBuilder *b, const char *name, gint64 value)
{
  member (b, name);
  json_builder_add_int_value (b, value);
}

void
rater_json_bool (JsonBuilder *b, const char *name, gboolean value)
{
  member (b, name);
  json_builder_add_boolean_value (b, value);
}

void
rater_json_begin_object (JsonBuilder *b, const char *name)
{
  member (b, name);
  json_builder_begin_object (b);
}

void
rater_json_begin_array (JsonBuilder *b, const char *name)
{
  member (b, name);
  json_builder_begin_array (b);
}

/* TEXT from the generator with the final newline.  json-glib (1.6.6 at
 * least) escapes every control character but U+001F, which JSON forbids raw
 * in a string.  A 0x1f byte in generated text can only be that character
 * inside a string (UTF-8 continuation bytes are above 0x7f), so it is
 * escaped here; a json-glib that escapes it already leaves none, and the
 * bytes are the same either way. */
static char *
finish_text (const char *text)
{
  GString *s = g_string_sized_new (strlen (text) + 2);
  for (const char *p = text; *p; p++)
    if (*p == '\x1f')
      g_string_append (s, "\\u001f");
    else
      g_string_append_c (s, *p);
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

char *
rater_json_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_assert (root != NULL);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_indent_char (gen, ' ');
  g_autofree char *text = json_generator_to_data (gen, NULL);
  return finish_text (text);
}

gboolean
rater_json_same_value (JsonBuilder *b, const char *text, gssize len)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, len, NULL))
    return FALSE;
  JsonNode *old = json_parser_get_root (parser);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  return old && root && json_node_equal (old, root);
}

static gboolean
write_text (OutFile *out, const char *text, GError **error)
{
  if (!out)
    return FALSE;
  fputs (text, outfile_stream (out));
  return outfile_commit (out, error);
}

gboolean
rater_json_write (JsonBuilder *b, const char *path, GError **error)
{
  g_autofree char *text = rater_json_text (b);
  g_autoptr(OutFile) out = outfile_open (path, error);
  return write_text (out, text, error);
}

/* TRUE when PATH exists with other bytes than TEXT but the same value. */
static gboolean
same_value_other_layout (JsonBuilder *b, const char *path, const char *text)
{
  g_autofree char *old = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &old, &len, NULL))
    return FALSE;
  if (len == strlen (text) && memcmp (old, text, len) == 0)
    return FALSE;
  return rater_json_same_value (b, old, (gssize) len);
}

gboolean
rater_json_write_frozen (JsonBuilder *b, const char *path, GError **error)
{
  g_autofree char *text = rater_json_text (b);
  if (same_value_other_layout (b, path, text))
    return TRUE;
  g_autoptr(OutFile) out = outfile_open_frozen (path, error);
  return write_text (out, text, error);
}
