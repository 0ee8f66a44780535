/**
 * The bunyan instrumentation in process on the repository's bunyan 2; the same cases on bunyan 1
 * (the version matrix, installed by the integration tier's setup) are
 * test/integration/version-matrix/bunyan.test.ts.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bunyanVersionTests } from '../../support/log-instrumentation/bunyan-cases';
import type { BunyanLike } from '../../support/log-instrumentation/bunyan-cases';
import { REPO_ROOT } from '../../support/paths';

bunyanVersionTests([
  {
    label: 'bunyan 2',
    load: () => createRequire(join(REPO_ROOT, 'package.json'))('bunyan') as BunyanLike,
  },
]);
