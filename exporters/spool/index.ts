/** Disk spool: batches that cannot be sent now survive on disk and are sent first later. */
export { DiskSpool } from './disk-spool';
export type { SpoolEntry, SpoolOptions, SpoolSignal, SpoolStats } from './disk-spool';
export { decodeEntry, encodeEntry, FORMAT_VERSION, HEADER_BYTES, MAGIC } from './file-format';
export type { CorruptReason, DecodeResult, EntryFields } from './file-format';
