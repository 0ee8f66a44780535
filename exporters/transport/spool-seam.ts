/**
 * The seam to the disk spool (`exporters/spool/`): its types only, so that `DiskSpool` itself is
 * loaded lazily, by {@link openDiskSpool}, when `spoolDir` is set.
 */
import type * as SpoolModule from '../spool';
import type { DiskSpool, SpoolOptions } from '../spool';

/** Opens a spool; the transport calls it once, when `spoolDir` is set. */
export type SpoolOpener = (options: SpoolOptions) => Promise<DiskSpool>;

/** The default opener: `exporters/spool`'s `DiskSpool`, loaded on first use. */
export const openDiskSpool: SpoolOpener = async (options) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only with a spool dir.
  const { DiskSpool } = require('../spool') as typeof SpoolModule;
  return DiskSpool.open(options);
};
