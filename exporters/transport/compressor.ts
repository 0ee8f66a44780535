/**
 * Request body compression. `auto` compresses only when the body is over 1 KiB and gzip saves
 * at least 20 %; `gzip` and `zstd` always compress. A receiver that refuses an encoding makes
 * the compressor step down for the rest of the process: zstd to gzip, gzip to none (see
 * {@link Compressor.refused}).
 */
import type * as Zlib from 'node:zlib';
import type { Compression } from '../../src/config/options';

// node:zlib is loaded by the first body that is compressed, not at start-up: a process that
// never exports a large batch does not pay for it (docs/performance.md).
let zlibModule: typeof Zlib | undefined;
function zlib(): typeof Zlib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above.
  zlibModule ??= require('node:zlib') as typeof Zlib;
  return zlibModule;
}

/** Below this, compression is not worth the CPU in `auto` mode. */
const AUTO_MIN_BYTES = 1024;
/** `auto` keeps the compressed body only when it is at most 80 % of the original. */
const AUTO_MAX_RATIO = 0.8;
/**
 * gzip level 1 for every mode: on OTLP batches it gets within ~5 % of level 6's size for
 * well under half of its CPU (see bench/results/exporter.md).
 */
function gzipSync(body: Uint8Array): Uint8Array {
  const z = zlib();
  return z.gzipSync(body, { level: z.constants.Z_BEST_SPEED });
}

export interface Compressed {
  body: Uint8Array;
  /** `Content-Encoding` value, or `undefined` when sent as is. */
  encoding: 'gzip' | 'zstd' | undefined;
}

type ZstdSync = (buffer: Uint8Array) => Uint8Array;

function zstdCompressor(): ZstdSync | undefined {
  // zstd landed in node:zlib in Node 22.15 / 23.8; older runtimes fall back to gzip.
  const fn = (zlib() as unknown as { zstdCompressSync?: ZstdSync }).zstdCompressSync;
  return typeof fn === 'function' ? fn : undefined;
}

/** Compresses request bodies according to the configured mode. */
export class Compressor {
  private mode: Compression;

  constructor(mode: Compression) {
    this.mode = mode === 'zstd' && zstdCompressor() === undefined ? 'gzip' : mode;
  }

  /**
   * The receiver refused `encoding`: step down from it for good (zstd to gzip, gzip to none).
   * Returns the encoding now used (`undefined`: none), or `false` when nothing changed (an
   * answer to a request sent before an earlier step down).
   */
  refused(encoding: 'gzip' | 'zstd'): 'gzip' | undefined | false {
    if (encoding === 'zstd' && this.mode === 'zstd') {
      this.mode = 'gzip';
      return 'gzip';
    }
    if (encoding === 'gzip' && this.mode !== 'none' && this.mode !== 'zstd') {
      this.mode = 'none';
      return undefined;
    }
    return false;
  }

  compress(body: Uint8Array): Compressed {
    switch (this.mode) {
      case 'none':
        return { body, encoding: undefined };
      case 'gzip':
        return { body: gzipSync(body), encoding: 'gzip' };
      case 'zstd': {
        const zstd = zstdCompressor() as ZstdSync;
        return { body: zstd(body), encoding: 'zstd' };
      }
      case 'auto': {
        if (body.length <= AUTO_MIN_BYTES) return { body, encoding: undefined };
        const gz = gzipSync(body);
        if (gz.length <= body.length * AUTO_MAX_RATIO) return { body: gz, encoding: 'gzip' };
        return { body, encoding: undefined };
      }
    }
  }
}
