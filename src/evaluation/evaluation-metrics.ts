/**
 * What `recordEvaluation` did with each call, process-wide: plain numbers bumped per call and
 * read at scrape time through the self-metrics (`sprintlens_evaluations_total{outcome}`).
 */
import { selfMetrics } from '../base/self-metrics';
import type { MetricsSource } from '../base/self-metrics';

/** Counts of `recordEvaluation` calls by outcome. */
export const evaluationCounters = {
  /** Emitted to a logger provider. */
  exported: 0,
  /** No logger provider (before `start()`, or the SDK disabled): counted, not exported. */
  notExported: 0,
  /** Not recorded at all (no name, or the call failed). */
  rejected: 0,
  /** Recorded with something left out or cut (also counted as exported or not exported). */
  corrected: 0,
};

const TOTAL = 'sprintlens_evaluations_total';
const CORRECTED = 'sprintlens_evaluations_corrected_total';

const EVALUATION_METRICS: MetricsSource = {
  specs: [
    {
      name: TOTAL,
      help:
        'recordEvaluation calls by outcome: exported, not_exported (no logger provider, e.g. ' +
        'before start()), rejected (no name).',
      type: 'counter',
    },
    {
      name: CORRECTED,
      help: 'Evaluations recorded with a value left out or cut (SL_EVALUATION_INVALID_RECORD).',
      type: 'counter',
    },
  ],
  collect(out) {
    out.add(TOTAL, evaluationCounters.exported, { outcome: 'exported' });
    out.add(TOTAL, evaluationCounters.notExported, { outcome: 'not_exported' });
    out.add(TOTAL, evaluationCounters.rejected, { outcome: 'rejected' });
    out.add(CORRECTED, evaluationCounters.corrected);
  },
};

let added = false;

/**
 * Adds the counters to the self-metrics (once: they are process-wide and never removed);
 * `start()` does, and the first `recordEvaluation` call, for an app on its own SDK.
 */
export function addEvaluationMetrics(): void {
  if (added) return;
  added = true;
  selfMetrics().add(EVALUATION_METRICS);
}
