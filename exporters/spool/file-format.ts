import { crc32 } from 'node:zlib';

/**
 * On-disk format of one spool entry (all integers big-endian):
 *
 *     offset size field
 *          0    4 magic "SLSP"
 *          4    1 format version (1)
 *          5    1 flags (0; reserved)
 *          6    2 content-type length in bytes (UTF-8)
 *          8    4 record count
 *         12    8 createdAt, Unix epoch milliseconds (float64; integral)
 *         20    4 body length in bytes
 *         24    4 CRC-32 of bytes 0..23, then the content type, then the body
 *         28    … content type, then body; the file ends exactly after the body
 *
 * CRC-32 (zlib's, native in Node ≥ 22.2) rather than SHA-256: the threat is accidental damage
 * (a torn or truncated write, a flipped bit on disk), not an adversary who could also rewrite a
 * hash. CRC-32 catches every burst of up to 32 bits and all else but 1 in 2^32, at memory speed.
 * The explicit lengths catch truncation and trailing garbage before the checksum is computed.
 */
const MAGIC = 0x534c5350; // "SLSP"
const FORMAT_VERSION = 1;
export const HEADER_BYTES = 28;
const CRC_OFFSET = 24;
const MAX_CONTENT_TYPE_BYTES = 0xffff;
const MAX_BODY_BYTES = 0xffffffff;

/** What an entry file holds. */
export interface EntryFields {
  readonly body: Uint8Array;
  readonly records: number;
  readonly contentType: string;
  readonly createdAt: number;
}

/** Why a file was rejected; stable strings, used in diagnostics and `onCorrupt`. */
export type CorruptReason =
  'too-short' | 'bad-magic' | 'unsupported-version' | 'length-mismatch' | 'checksum-mismatch';

/** Result of {@link decodeEntry}. */
export type DecodeResult =
  | { readonly ok: true; readonly entry: EntryFields }
  | { readonly ok: false; readonly reason: CorruptReason };

/**
 * Encodes an entry as one buffer (header, content type, body) ready to write. Throws a
 * `RangeError` when a field does not fit the format (content type over 65535 bytes, body over
 * 4 GiB).
 */
export function encodeEntry(fields: EntryFields): Buffer {
  const contentType = Buffer.from(fields.contentType, 'utf8');
  if (contentType.length > MAX_CONTENT_TYPE_BYTES) {
    throw new RangeError('spool: content type longer than 65535 bytes');
  }
  if (fields.body.byteLength > MAX_BODY_BYTES) {
    throw new RangeError('spool: body larger than 4 GiB');
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + contentType.length + fields.body.byteLength);
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt8(FORMAT_VERSION, 4);
  out.writeUInt8(0, 5);
  out.writeUInt16BE(contentType.length, 6);
  out.writeUInt32BE(fields.records >>> 0, 8);
  out.writeDoubleBE(fields.createdAt, 12);
  out.writeUInt32BE(fields.body.byteLength, 20);
  contentType.copy(out, HEADER_BYTES);
  out.set(fields.body, HEADER_BYTES + contentType.length);
  out.writeUInt32BE(checksum(out), CRC_OFFSET);
  return out;
}

/** Decodes and verifies a whole entry file. The body is a view into `file`, not a copy. */
export function decodeEntry(file: Buffer): DecodeResult {
  if (file.length < HEADER_BYTES) return { ok: false, reason: 'too-short' };
  if (file.readUInt32BE(0) !== MAGIC) return { ok: false, reason: 'bad-magic' };
  if (file.readUInt8(4) !== FORMAT_VERSION) return { ok: false, reason: 'unsupported-version' };
  const contentTypeBytes = file.readUInt16BE(6);
  const bodyBytes = file.readUInt32BE(20);
  if (file.length !== HEADER_BYTES + contentTypeBytes + bodyBytes) {
    return { ok: false, reason: 'length-mismatch' };
  }
  if (file.readUInt32BE(CRC_OFFSET) !== checksum(file)) {
    return { ok: false, reason: 'checksum-mismatch' };
  }
  const bodyStart = HEADER_BYTES + contentTypeBytes;
  return {
    ok: true,
    entry: {
      records: file.readUInt32BE(8),
      createdAt: file.readDoubleBE(12),
      contentType: file.toString('utf8', HEADER_BYTES, bodyStart),
      body: file.subarray(bodyStart),
    },
  };
}

/** CRC-32 over the header (without its checksum field), then content type and body. */
function checksum(file: Buffer): number {
  // Content type and body are contiguous after the header: one pass covers both.
  return crc32(file.subarray(HEADER_BYTES), crc32(file.subarray(0, CRC_OFFSET))) >>> 0;
}
