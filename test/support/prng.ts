/**
 * The seeded PRNG (mulberry32) for tests. It is the one the dev backend uses for its
 * faults (`src/dev-backend/prng.ts`), so a seed means the same sequence in both.
 */
export { createRandom, randomInt } from '../../src/dev-backend/prng';
export type { Random } from '../../src/dev-backend/prng';
