/**
 * The seeded generator (mulberry32) of the fault injection: the product's one, in the base
 * layer (the dev backend may import it), so a seed means the same sequence everywhere.
 */
export { createRandom, randomInt } from '../src/base/prng';
export type { Random } from '../src/base/prng';
