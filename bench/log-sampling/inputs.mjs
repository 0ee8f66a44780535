// Inputs the log-sampling benchmarks share, so that their figures describe the same lines.

/** Seeded mulberry32, so every run sees the same stream. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** printf templates, as pino, winston and bunyan calls with arguments carry them. */
export const TEMPLATES = [
  'user %s logged in from %s',
  'GET %s answered %d in %d ms',
  'cache miss for key %s',
  'job %d finished after %d retries',
  'payment %s authorised',
  'connection to %s reset',
  'worker %d heartbeat',
  'flushed %d rows to %s',
];
