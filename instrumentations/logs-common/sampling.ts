import { SeverityNumber } from '@opentelemetry/api';
import type { LogSampler } from '../../src/sampling/log-sampler';
import { logCounters } from './counters';

/** The sampler failed: write and emit the line undecided (the processor decides its record). */
export const UNDECIDED = 0;
/** Kept: emit the record with the decision the sampler left in its `out*` fields. */
export const KEEP = 1;
/** Dropped in scope `all`: the logger must neither write the line nor emit a record. */
export const DROP_LINE = 2;
/** Dropped in scope `export`: the logger writes the line, no record is built. */
export const DROP_RECORD = 3;

/** What to do with one line. */
export type LineVerdict = typeof UNDECIDED | typeof KEEP | typeof DROP_LINE | typeof DROP_RECORD;

/**
 * The one decision site of the log line path: asks `sampler` about a line *before* the logger
 * serialises it. A kept line's decision is left in the sampler's `outId`, `outTemplate` and
 * `outSampleRate` (read them before anything else can log). In scope `all` a dropped line is
 * not written; in scope `export` it is written but no record is built for it: the processor
 * would drop that record anyway, and not building it is most of the cost of an instrumented
 * line. ERROR and FATAL are never dropped, whatever the sampler says. Never throws: a failing
 * sampler must not cost the app its logs, so the line goes on undecided, counted once.
 *
 * @param message the line after interpolation; not read when there is a `template` (pass `''`).
 */
export function decideLine(
  sampler: LogSampler,
  severityNumber: number,
  message: string,
  template: string | undefined,
  traceId: string | undefined,
): LineVerdict {
  let keep: boolean;
  try {
    keep = sampler.decideRecord(severityNumber, message, template, traceId);
  } catch {
    sampler.failures++;
    return UNDECIDED;
  }
  if (keep || severityNumber >= SeverityNumber.ERROR) return KEEP;
  if (sampler.scope === 'all') {
    logCounters.linesNotWritten++;
    return DROP_LINE;
  }
  logCounters.recordsNotBuilt++;
  return DROP_RECORD;
}
