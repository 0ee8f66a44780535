/**
 * The pino instrumentation in process on the repository's pino 10; the same cases on pino 9 (the
 * version matrix, installed by the integration tier's setup) are
 * test/integration/version-matrix/pino.test.ts.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinoVersionTests } from '../../support/log-instrumentation/pino-cases';
import type { PinoFactory } from '../../support/log-instrumentation/pino-cases';
import { REPO_ROOT } from '../../support/paths';

const instrumentation = pinoVersionTests([
  {
    label: 'pino 10',
    load: () => createRequire(join(REPO_ROOT, 'package.json'))('pino') as PinoFactory,
  },
]);

describe('version ranges', () => {
  it('supports pino 9 and 10 and leaves other majors alone', () => {
    const [supported, unsupported] = instrumentation.getModuleDefinitions();
    expect(supported!.supportedVersions).toEqual(['>=9.0.0 <11']);
    const fake = { marker: true };
    expect(unsupported!.patch!(fake, '8.21.0')).toBe(fake);
    expect(unsupported!.supportedVersions).toEqual(['<9.0.0 || >=11']);
  });
});
