/**
 * The ES-module face of the package. It re-exports the CommonJS build instead of shipping a
 * second copy, so `import` and `require` share one SDK state in the same process.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const api = require('../index.js') as typeof import('../index.js');

export const {
  start,
  getInstrumentations,
  createTraceExporter,
  createLogExporter,
  createMetricExporter,
  resolveConfig,
  track,
  TRACK_INPUT_ATTRIBUTE,
  TRACK_OUTPUT_ATTRIBUTE,
  logPattern,
  createLogSamplingProcessor,
  registerMetrics,
  createRedactor,
  BUILTIN_REDACTION_KINDS,
  SprintlensError,
  ERROR_CODES,
  VERSION,
} = api;
export type * from '../index.js';
