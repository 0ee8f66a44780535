/**
 * 64-bit FNV-1a over UTF-16 code units, kept as two 32-bit halves.
 *
 * Why this hash: a pattern id must be the same in every process, on every host, across restarts
 * and Node versions, because a backend keys per-pattern sampling rates on it. That rules out
 * V8's seeded string hash; FNV-1a is seedless and fully specified (offset basis and prime), needs
 * no dependency or native call (md5/sha via `crypto` cost a native round trip per log line), and
 * is fast on the short strings templates are. 64 bits keep accidental collisions negligible for
 * the number of patterns a service has. It is not collision resistant against an adversary; a
 * forged collision can only make two patterns share a sampling rate.
 *
 * Hashing UTF-16 code units (not UTF-8 bytes) means no encoding step and no failure on lone
 * surrogates. The multiply by the 64-bit prime 2^40 + 0x1b3 is done with 32-bit integer ops
 * only (no BigInt, no float rounding), so the result is exact on every engine.
 */
export class Fnv1a64 {
  private hi = 0xcbf29ce4 | 0;
  private lo = 0x84222325 | 0;

  /** Back to the FNV offset basis. */
  reset(): void {
    this.hi = 0xcbf29ce4 | 0;
    this.lo = 0x84222325 | 0;
  }

  /** Mixes one UTF-16 code unit (0..0xffff). */
  code(c: number): void {
    const lo = this.lo ^ c;
    // (hi:lo) * (2^40 + 0x1b3) mod 2^64 = (hi:lo) * 0x1b3 + (lo << 40).
    // lo * 0x1b3 is split into 16-bit halves so every product stays an exact small integer.
    const p0 = (lo & 0xffff) * 0x1b3;
    const p1 = (lo >>> 16) * 0x1b3 + (p0 >>> 16);
    this.hi = (Math.imul(this.hi, 0x1b3) + (p1 >>> 16) + (lo << 8)) | 0;
    this.lo = (p1 << 16) | (p0 & 0xffff);
  }

  /** Mixes the code units of `s` in [start, end). */
  range(s: string, start: number, end: number): void {
    // Locals instead of fields inside the loop: this is the hot part of the hash.
    let hi = this.hi;
    let lo = this.lo;
    for (let k = start; k < end; k++) {
      const x = lo ^ s.charCodeAt(k);
      const p0 = (x & 0xffff) * 0x1b3;
      const p1 = (x >>> 16) * 0x1b3 + (p0 >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (p1 >>> 16) + (x << 8)) | 0;
      lo = (p1 << 16) | (p0 & 0xffff);
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The current value as 16 lowercase hex digits. */
  hex(): string {
    // One fromCharCode call builds a flat 16-char string; toString(16) + padStart costs ~4x more.
    const hi = this.hi;
    const lo = this.lo;
    return String.fromCharCode(
      nibble(hi >>> 28),
      nibble((hi >>> 24) & 15),
      nibble((hi >>> 20) & 15),
      nibble((hi >>> 16) & 15),
      nibble((hi >>> 12) & 15),
      nibble((hi >>> 8) & 15),
      nibble((hi >>> 4) & 15),
      nibble(hi & 15),
      nibble(lo >>> 28),
      nibble((lo >>> 24) & 15),
      nibble((lo >>> 20) & 15),
      nibble((lo >>> 16) & 15),
      nibble((lo >>> 12) & 15),
      nibble((lo >>> 8) & 15),
      nibble((lo >>> 4) & 15),
      nibble(lo & 15),
    );
  }
}

/** Char code of a lowercase hex digit for 0..15. */
function nibble(v: number): number {
  return v < 10 ? 0x30 + v : 0x57 + v;
}

/** FNV-1a 64 of a whole string, as 16 lowercase hex digits. */
export function fnv1a64Hex(s: string): string {
  const h = new Fnv1a64();
  h.range(s, 0, s.length);
  return h.hex();
}
