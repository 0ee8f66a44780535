/**
 * The seam to the disk spool (`exporters/spool/`, built separately). The transport only
 * depends on this shape, which is the agreed `DiskSpool` API; `openSpool` loads the real
 * implementation lazily when `spoolDir` is set.
 */
import type { SignalName } from './types';

/** One spooled batch: an encoded, uncompressed OTLP body. */
export interface SpoolEntryLike {
  readonly id: string;
  readonly body: Uint8Array;
  readonly records: number;
  readonly contentType: string;
  readonly createdAt: number;
}

/** The part of `DiskSpool` the transport uses. */
export interface SpoolLike {
  write(entry: { body: Uint8Array; records: number; contentType: string }): Promise<void>;
  claimOldest(): Promise<SpoolEntryLike | undefined>;
  ack(entry: SpoolEntryLike): Promise<void>;
  release(entry: SpoolEntryLike): Promise<void>;
  stats(): { files: number; bytes: number; records: number; corruptSkipped: number };
  close(): Promise<void>;
}

/** Opens a spool; the transport calls it once, when `spoolDir` is set. */
export type SpoolOpener = (options: {
  dir: string;
  maxBytes: number;
  signal: SignalName;
  onEvict: (evicted: { records: number; bytes: number }) => void;
  onWriteFailed: (failed: { records: number; bytes: number }) => void;
  onCorrupt: (corrupt: { records: number }) => void;
}) => Promise<SpoolLike>;

interface SpoolModule {
  DiskSpool: {
    open(options: {
      dir: string;
      maxBytes: number;
      signal: SignalName;
      onEvict?: (evicted: { records: number; bytes: number }) => void;
      onWriteFailed?: (failed: { records: number; bytes: number }) => void;
      onCorrupt?: (corrupt: { records: number }) => void;
    }): Promise<SpoolLike>;
  };
}

/** The default opener: `exporters/spool`'s `DiskSpool`, loaded on first use. */
export const openDiskSpool: SpoolOpener = async (options) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only with a spool dir.
  const { DiskSpool } = require('../spool') as SpoolModule;
  return DiskSpool.open(options);
};
