import { Counter } from 'prom-client';
import { sdkRegistry } from '../../src/metrics/registry';
import { logCounters } from './counters';

/**
 * The log instrumentations' counts in `sdkRegistry` (served on `SPRINTLENS_METRICS_PORT`,
 * merged by `registerMetrics`). Read at scrape time: a log call never touches prom-client.
 */
const COUNTERS: [string, string, keyof typeof logCounters][] = [
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

let registered = false;

/** Registers the counters once per process (the first log instrumentation created does it). */
export function registerLogMetrics(): void {
  if (registered) return;
  registered = true;
  for (const [name, help, key] of COUNTERS) {
    new Counter({
      name,
      help,
      registers: [sdkRegistry],
      collect() {
        this.reset();
        this.inc(logCounters[key]);
      },
    });
  }
}
