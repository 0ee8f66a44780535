import { selfMetrics } from '../../src/base/self-metrics';
import type { MetricsSource } from '../../src/base/self-metrics';

/**
 * What the log instrumentations did not pass on, process-wide: plain numbers bumped on the hot
 * path, read at scrape time by {@link LOG_LINE_METRICS}. Nothing is dropped uncounted.
 */
export const logCounters = {
  /** Fields not turned into attributes because a record reached its attribute count bound. */
  fieldsDropped: 0,
  /** Lines the logger did not write because the sampler dropped them (scope `all`). */
  linesNotWritten: 0,
  /** Lines written but given no record because the sampler dropped them (scope `export`). */
  recordsNotBuilt: 0,
  /** Lines whose record could not be built or emitted (an internal error; the line was written). */
  emitFailures: 0,
};

const COUNTERS: readonly (readonly [string, string, keyof typeof logCounters])[] = [
  [
    'sprintlens_log_lines_not_written_total',
    'Log lines the logger did not write because the sampler dropped them (scope all).',
    'linesNotWritten',
  ],
  [
    'sprintlens_log_records_not_built_total',
    'Log lines written but not exported because the sampler dropped them (scope export).',
    'recordsNotBuilt',
  ],
  [
    'sprintlens_log_fields_dropped_total',
    'Structured log fields not exported because a record reached its attribute bound.',
    'fieldsDropped',
  ],
  [
    'sprintlens_log_emit_failures_total',
    'Log lines whose record could not be built or emitted (the line itself was written).',
    'emitFailures',
  ],
];

/** The log instrumentations' counters as a self-metrics source (`src/base/self-metrics.ts`). */
const LOG_LINE_METRICS: MetricsSource = {
  specs: COUNTERS.map(([name, help]) => ({ name, help, type: 'counter' as const })),
  collect(out) {
    for (const [name, , key] of COUNTERS) out.add(name, logCounters[key]);
  },
};

/**
 * Adds the log instrumentations' counters to the self-metrics; a log instrumentation does when
 * it is built (once is enough: the counters are process-wide and never removed).
 */
export function addLogLineMetrics(): void {
  selfMetrics().add(LOG_LINE_METRICS);
}
