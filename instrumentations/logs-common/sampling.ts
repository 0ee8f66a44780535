import { SeverityNumber } from '@opentelemetry/api';
import { getActiveLogSampler } from '../../src/sampling/log-sampler';
import type { LogSampleDecision, LogSampleInput } from '../../src/sampling/log-sampler';
import { logCounters } from './counters';

/** Scope `all` dropped the line: the logger must neither write it nor emit a record. */
export const DROP_LINE = 'drop-line';
/** Scope `export` dropped the line: the logger writes it, no record is built. */
export const DROP_RECORD = 'drop-record';

/**
 * What to do with one line: a decision to attach to its record, {@link DROP_LINE},
 * {@link DROP_RECORD}, or `undefined` (no active sampler, or it failed: write and emit without
 * a decision, so the processor decides if there is one).
 */
export type LineVerdict = LogSampleDecision | typeof DROP_LINE | typeof DROP_RECORD | undefined;

/**
 * Asks the active sampler about a line *before* the logger serialises it. In scope `all` a
 * dropped line is not written; in scope `export` it is written as usual but no record is built
 * for it: the processor would drop that record anyway, and not building it is most of the cost
 * of an instrumented line. Either way the sampler is asked exactly once per line, and kept
 * records carry the decision so the processor does not decide twice. ERROR and FATAL are never
 * dropped, whatever the sampler says.
 */
export function decideLine(input: LogSampleInput): LineVerdict {
  const sampler = getActiveLogSampler();
  if (sampler === undefined) return undefined;
  let decision: LogSampleDecision;
  try {
    decision = sampler.decide(input);
  } catch {
    // A failing sampler must not cost the app its logs: the line goes on undecided, counted.
    sampler.failures++;
    return undefined;
  }
  if (decision.keep || input.severityNumber >= SeverityNumber.ERROR) return decision;
  if (sampler.scope === 'all') {
    logCounters.linesNotWritten++;
    return DROP_LINE;
  }
  logCounters.recordsNotBuilt++;
  return DROP_RECORD;
}
