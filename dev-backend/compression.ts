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
 * Default upper bound on a decompressed body. It keeps a decompression bomb from taking the
 * backend down; the SDK's batches are at most a few MiB.
 */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * Thrown when a body cannot be decompressed: the caller answers 400, or 413 when
 * `tooLarge` (it would decompress beyond the limit).
 */
export class DecompressionError extends Error {
  override readonly name = 'DecompressionError';
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

function isTooLarge(error: unknown): boolean {
  return error instanceof RangeError && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE';
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
export function decompress(options: {
  body: Buffer;
  coding: ContentCoding;
  /** Largest decompressed size accepted. Default {@link MAX_DECOMPRESSED_BYTES}. */
  maxBytes?: number;
}): Buffer {
  const { body, coding } = options;
  const maxOutputLength = options.maxBytes ?? MAX_DECOMPRESSED_BYTES;
  try {
    switch (coding) {
      case 'identity':
        return body;
      case 'gzip':
        return zlib.gunzipSync(body, { maxOutputLength });
      case 'zstd':
        return zlib.zstdDecompressSync(body, { maxOutputLength });
    }
  } catch (error: unknown) {
    if (isTooLarge(error)) {
      throw new DecompressionError(
        `${coding} body decompresses to more than ${maxOutputLength} bytes`,
        true,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new DecompressionError(`cannot decode ${coding} body: ${reason}`);
  }
}
