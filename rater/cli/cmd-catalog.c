/* cmd-catalog.c — 'rater catalog import DIR' and 'rater catalog convert
 * --from cgrates SRC DIR'. */
#include "config.h"

#include "catalog/catalog.h"
#include "catalog/cgrates.h"
#include "cli/cmd.h"
#include "base/store.h"

static gboolean
catalog_convert (RaterContext *ctx, const char *from, const CgratesOptions *opt, const char *src,
                 const char *dir, GError **error)
{
  if (!from || !g_str_equal (from, "cgrates"))
    return cmd_usage_error (error, "catalog convert: --from cgrates is required (the only source format)");
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  if (!cgrates_convert (src, dir, opt, problems, notes, error))
    return FALSE;
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("rater: %s: not converted: %s\n", src, (char *) problems->pdata[i]);
  for (guint i = 0; i < notes->len; i++)
    g_printerr ("rater: %s: %s\n", dir, (char *) notes->pdata[i]);
  if (problems->len > 0)
    ctx->status = 1;
  cmd_summary (ctx, "converted CGRateS tariff plan '%s' into catalog '%s': %u item%s not expressible",
               src, dir, problems->len, problems->len == 1 ? "" : "s");
  return TRUE;
}

gboolean
cmd_catalog (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *from = NULL, *op = NULL, *currency = NULL, *country = NULL, *zone = NULL, *tax = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "convert: the source's format (cgrates)", "FORMAT" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &op, "convert: the operator slug (default: each tenant)", "SLUG" },
    { "currency", 0, 0, G_OPTION_ARG_STRING, &currency, "convert: the operator's currency (ISO 4217)", "CODE" },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country, "convert: the accounts' and holidays' country (ISO 3166)", "CC" },
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &zone, "convert: the accounts' time zone (IANA)", "ZONE" },
    { "tax-rate", 0, 0, G_OPTION_ARG_STRING, &tax, "convert: the accounts' tax rate, percent", "RATE" },
    { NULL }
  };
  if (!cmd_parse_options ("catalog", "import DIR | convert --from cgrates SRC DIR", entries, &argc, &argv,
                          error))
    return FALSE;
  if (argc == 4 && g_str_equal (argv[1], "convert"))
    {
      const CgratesOptions opt = { op, currency, country, zone, tax };
      return catalog_convert (ctx, from, &opt, argv[2], argv[3], error);
    }
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    return cmd_usage_error (error, "usage: rater catalog import DIR | rater catalog convert --from cgrates"
                            " [--operator SLUG] [--currency CODE] [--country CC] [--timezone ZONE]"
                            " [--tax-rate RATE] SRC DIR");
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  CatalogImportStats s;
  if (!db || !catalog_import (db, argv[2], &s, error))
    return FALSE;
  cmd_summary (ctx, "imported catalog '%s': %u operators, %u plans, %u accounts, %u numbers, "
               "%u decks with %u rows", argv[2], s.operators, s.plans, s.accounts, s.numbers,
               s.decks, s.deck_rows);
  return TRUE;
}
