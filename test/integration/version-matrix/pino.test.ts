/**
 * The pino instrumentation's in-process cases on pino 9, from the version matrix
 * (test/versions/pino-9, installed by the integration tier's global setup); on pino 10 they are
 * unit tests (test/unit/instrumentations/pino.test.ts).
 */
import { requireVersion } from '../../support/log-instrumentation/harness';
import { pinoVersionTests } from '../../support/log-instrumentation/pino-cases';
import type { PinoFactory } from '../../support/log-instrumentation/pino-cases';

pinoVersionTests([
  { label: 'pino 9', load: () => requireVersion('pino-9')('pino') as PinoFactory },
]);
