/**
 * The bunyan instrumentation's in-process cases on bunyan 1, from the version matrix
 * (test/versions/bunyan-1, installed by the integration tier's global setup); on bunyan 2 they
 * are unit tests (test/unit/instrumentations/bunyan.test.ts).
 */
import { requireVersion } from '../../support/log-instrumentation/harness';
import { bunyanVersionTests } from '../../support/log-instrumentation/bunyan-cases';
import type { BunyanLike } from '../../support/log-instrumentation/bunyan-cases';

bunyanVersionTests([
  { label: 'bunyan 1', load: () => requireVersion('bunyan-1')('bunyan') as BunyanLike },
]);
