/**
 * The seeded PRNG (mulberry32) for tests. It is the one the dev backend uses for its
 * faults (`dev-backend/prng.ts`), so a seed means the same sequence in both.
 */
export { createRandom, randomInt } from '../../dev-backend/prng';
export type { Random } from '../../dev-backend/prng';
