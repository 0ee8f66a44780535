/**
 * A tiny seeded pseudo-random number generator (mulberry32), the product's one: the dev
 * backend's fault injection and the bootstrap of `compareExperiments` use it.
 *
 * Both must be reproducible: the same seed gives the same sequence on every run and every
 * machine, so a failing test can be replayed and a comparison gives the same interval every
 * time. `Math.random()` cannot be seeded, hence this.
 */

/** A function returning pseudo-random floats in `[0, 1)`. */
export type Random = () => number;

/**
 * Creates a mulberry32 generator from a 32-bit seed.
 *
 * @param seed - any number; only its low 32 bits are used.
 * @returns a generator of floats in `[0, 1)`.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in `[min, max]` (both inclusive) drawn from `random`. */
export function randomInt(random: Random, min: number, max: number): number {
  const low = Math.ceil(Math.min(min, max));
  const high = Math.floor(Math.max(min, max));
  return low + Math.floor(random() * (high - low + 1));
}
