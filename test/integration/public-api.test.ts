/**
 * The public API named in the design brief is a contract: both faces of the built package
 * (`require('sprintlens')` and `import 'sprintlens'`) export every name, and the same values.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths';

const CONTRACT = [
  'start',
  'getInstrumentations',
  'createLogSamplingProcessor',
  'createTraceExporter',
  'createLogExporter',
  'logPattern',
  'registerMetrics',
  'track',
  'withAttributes',
] as const;

describe('public API', () => {
  it('require and import expose every contract name, as the same functions', async () => {
    const cjs = createRequire(__filename)(join(REPO_ROOT, 'dist/src/index.js')) as Record<
      string,
      unknown
    >;
    const esm = (await import(
      pathToFileURL(join(REPO_ROOT, 'dist/src/esm/index.mjs')).href
    )) as Record<string, unknown>;
    for (const name of CONTRACT) {
      expect(typeof cjs[name], name).toBe('function');
      expect(esm[name], name).toBe(cjs[name]);
    }
    // Nothing exported by one face only.
    const runtimeNames = (o: Record<string, unknown>): string[] =>
      Object.keys(o)
        .filter((k) => k !== 'default' && k !== '__esModule')
        .sort();
    expect(runtimeNames(esm)).toEqual(runtimeNames(cjs));
  });
});
