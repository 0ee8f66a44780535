/** Disk spool: batches that cannot be sent now survive on disk and are sent first later. */
export { DiskSpool } from './disk-spool';
export type { SpoolEntry, SpoolOptions, SpoolSignal, SpoolStats, WriteResult } from './disk-spool';
export { decodeEntry, encodeEntry, HEADER_BYTES } from './file-format';
export type { CorruptReason, DecodeResult, EntryFields } from './file-format';
