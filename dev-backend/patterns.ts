/**
 * Pattern stats reports (`POST /v1/sampling/patterns`).
 *
 * Validation is deliberately loose: it checks the fields a backend needs to aggregate
 * (service, window, and per-pattern id/count/kept) and ignores extra ones, so the SDK
 * may add fields without breaking these tests, while a malformed report still fails.
 */

/** One pattern's counts over the report window. */
export interface PatternStat {
  id: string;
  template?: string;
  severity?: string;
  count: number;
  kept: number;
}

/** A pattern stats report, as the Backend API v1 defines it. */
export interface PatternReport {
  service: string;
  windowStart: string;
  windowEnd: string;
  patterns: PatternStat[];
}

/** Outcome of {@link parsePatternReport}. */
export type PatternParseResult = { ok: true; report: PatternReport } | { ok: false; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function parsePattern(value: unknown, index: number): PatternStat | string {
  if (!isRecord(value)) return `patterns[${index}] must be an object`;
  const { id, template, severity, count, kept } = value;
  if (typeof id !== 'string' || id === '')
    return `patterns[${index}].id must be a non-empty string`;
  if (!isCount(count)) return `patterns[${index}].count must be a non-negative integer`;
  if (!isCount(kept)) return `patterns[${index}].kept must be a non-negative integer`;
  if (kept > count) return `patterns[${index}].kept must not exceed count`;
  if (template !== undefined && typeof template !== 'string') {
    return `patterns[${index}].template must be a string`;
  }
  if (severity !== undefined && typeof severity !== 'string') {
    return `patterns[${index}].severity must be a string`;
  }
  return { ...value, id, count, kept };
}

/** Validates a parsed JSON document as a pattern report. */
export function parsePatternReport(document: unknown): PatternParseResult {
  if (!isRecord(document)) return { ok: false, error: 'report must be a JSON object' };
  const { service, windowStart, windowEnd, patterns } = document;
  if (typeof service !== 'string' || service === '') {
    return { ok: false, error: 'service must be a non-empty string' };
  }
  for (const [name, value] of [
    ['windowStart', windowStart],
    ['windowEnd', windowEnd],
  ] as const) {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      return { ok: false, error: `${name} must be an ISO date string` };
    }
  }
  if (!Array.isArray(patterns)) return { ok: false, error: 'patterns must be an array' };
  const parsed: PatternStat[] = [];
  for (const [index, pattern] of patterns.entries()) {
    const result = parsePattern(pattern, index);
    if (typeof result === 'string') return { ok: false, error: result };
    parsed.push(result);
  }
  return {
    ok: true,
    report: {
      ...document,
      service,
      windowStart: String(windowStart),
      windowEnd: String(windowEnd),
      patterns: parsed,
    },
  };
}
