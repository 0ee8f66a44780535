/**
 * Importing the evaluators loads no heavy dependency: Ajv and fastest-levenshtein are required
 * when an evaluator that needs them is made or first used, so `--require sprintlens/register`
 * never pays for them. (Unit test files run in their own process: nothing else loaded them.)
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { editDistance, jsonSchema } from '../../../src/evaluation/evaluators';
import { compareExperiments } from '../../../src/evaluation/compare';
import { run } from './evaluator-args';

const nodeRequire = createRequire(__filename);
const loaded = (pkg: string): boolean => {
  const main = nodeRequire.resolve(pkg);
  return Object.keys(nodeRequire.cache).includes(main);
};

describe('heavy dependencies are loaded lazily', () => {
  it('neither Ajv nor fastest-levenshtein is loaded by importing the evaluators', async () => {
    expect(typeof compareExperiments).toBe('function');
    expect(loaded('ajv')).toBe(false);
    expect(loaded('fastest-levenshtein')).toBe(false);
    const distance = editDistance();
    expect(loaded('fastest-levenshtein')).toBe(false);
    expect((await distance.evaluate(run({ output: 'ab', expected: 'ac' }))).score).toBe(0.5);
    expect(loaded('fastest-levenshtein')).toBe(true);
    expect(loaded('ajv')).toBe(false);
    jsonSchema({ schema: { type: 'string' } });
    expect(loaded('ajv')).toBe(true);
  });
});
