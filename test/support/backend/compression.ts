/**
 * `Content-Encoding` handling for request bodies.
 *
 * The Sprint Lens exporter may send `gzip` or `zstd`; anything else is refused with 415
 * (the HTTP answer for an unsupported content coding) rather than guessed at.
 */
import * as zlib from 'node:zlib';

/** Content codings the backend understands. */
export type ContentCoding = 'identity' | 'gzip' | 'zstd';

/**
 * Upper bound on a decompressed body. It keeps a decompression bomb from taking the test
 * process down; real batches are far smaller.
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

/** Thrown when a body cannot be decompressed (the caller answers 400). */
export class DecompressionError extends Error {
  override readonly name = 'DecompressionError';
}

/**
 * Parses a `Content-Encoding` header value.
 *
 * @returns the coding, or `undefined` when it is not supported (caller answers 415).
 */
export function parseContentCoding(header: string | undefined): ContentCoding | undefined {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'zstd') return 'zstd';
  return undefined;
}

/**
 * Undoes `coding` on `body`.
 *
 * @throws DecompressionError when the body is not valid for its coding.
 */
export function decompress(options: { body: Buffer; coding: ContentCoding }): Buffer {
  const { body, coding } = options;
  try {
    switch (coding) {
      case 'identity':
        return body;
      case 'gzip':
        return zlib.gunzipSync(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
      case 'zstd':
        return zlib.zstdDecompressSync(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    }
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DecompressionError(`cannot decode ${coding} body: ${reason}`);
  }
}
