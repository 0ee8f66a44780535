import { reportWarning } from '../../src/base/diag';
import { ConfigInvalidPricesFileError } from '../../src/base/errors';
import { PriceBook, readPriceFile, SHIPPED_PRICES } from './prices';
import type { PriceTable } from './prices';

/**
 * The price book for an instrumentation: shipped table, then the user's file, then the
 * `prices` option (each overriding the previous model by model). A bad file is reported with
 * `SL_CONFIG_INVALID_PRICES_FILE` and skipped (its valid entries still apply).
 */
export function loadPriceBook(options: { pricesFile?: string; prices?: PriceTable }): PriceBook {
  let fromFile: PriceTable | undefined;
  const path = options.pricesFile;
  if (path !== undefined && path !== '') {
    try {
      const { table, rejected } = readPriceFile(path);
      fromFile = table;
      if (rejected.length > 0) {
        reportWarning(
          new ConfigInvalidPricesFileError(path, `${rejected.length} entries are not prices`),
        );
      }
    } catch (error) {
      const reason =
        error instanceof SyntaxError
          ? 'not valid JSON'
          : ((error as NodeJS.ErrnoException).code ?? (error as Error).name ?? 'unreadable');
      reportWarning(new ConfigInvalidPricesFileError(path, String(reason)));
    }
  }
  return new PriceBook([SHIPPED_PRICES, fromFile, options.prices]);
}
