/**
 * The keep/drop draw of a log record inside a trace, derived from the trace id.
 *
 * Every record of a trace gets the same uniform `u`, so at a given rate `p` the test `u < p`
 * keeps or drops a trace's logs together, in every process that sees the trace. The trace id is
 * hashed (FNV-1a over its characters, then a murmur3 finaliser) rather than read as a number,
 * because not every trace id generator fills it with random bits.
 */

/** A uniform in [0, 1) from a trace id; the same id gives the same value everywhere. */
export function traceUniform(traceId: string): number {
  let h = 0x811c9dc5 | 0;
  for (let k = 0; k < traceId.length; k++) {
    h = Math.imul(h ^ traceId.charCodeAt(k), 0x01000193);
  }
  // FNV's low bits mix poorly on their own; the finaliser spreads every input bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
