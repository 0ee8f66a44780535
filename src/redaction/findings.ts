import type { BuiltinRedactionKind } from './types';

/**
 * Internal plumbing shared by the scanner and the detectors.
 *
 * Internal module: not part of the public API.
 */

/** A range of the input to replace by `[REDACTED:<kind>]`. `end` is exclusive. */
export interface Finding {
  start: number;
  end: number;
  kind: string;
}

/** State of one scan over one input string. */
export interface ScanContext {
  readonly text: string;
  /** Built-in kinds that are turned on. */
  readonly enabled: ReadonlySet<BuiltinRedactionKind>;
  /** Findings so far, in increasing, non-overlapping order. */
  readonly findings: Finding[];
  /** End of the last finding; detectors never reach back before it. */
  lastEnd: number;
}

/**
 * A detector looks at the candidate starting at `at` and returns where the scan resumes:
 * the end of what it redacted or skipped, or `at` itself when it found nothing to consume
 * (the scanner then tries the next detector or moves on).
 */
export type Detector = (ctx: ScanContext, at: number) => number;

/** Record a finding and return its end (the resume position). */
export function addFinding(
  ctx: ScanContext,
  start: number,
  end: number,
  kind: BuiltinRedactionKind,
): number {
  ctx.findings.push({ start, end, kind });
  ctx.lastEnd = end;
  return end;
}
