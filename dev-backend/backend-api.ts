/**
 * The facts of Backend API v1 and of OTLP that the dev backend relies on, stated here rather
 * than imported from the SDK's sampler: the backend is the other side of the contract and
 * may import only the bottom layer (`src/base/`). A unit test
 * (test/unit/dev-backend/backend-api.test.ts) checks that these agree with what the SDK
 * accepts, so the two sides cannot drift apart unnoticed.
 */

/** OTel severity classes, in the order of their number bands (TRACE 1–4 … FATAL 21–24). */
export const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** One of {@link SEVERITY_NAMES}. */
export type SeverityClassName = (typeof SEVERITY_NAMES)[number];

/**
 * The class of a severity number in 1..24 (four numbers a class); above 24 counts as FATAL.
 * Callers handle 0 and missing numbers themselves.
 */
export function severityClassOf(severityNumber: number): SeverityClassName {
  const index = Math.min(Math.max(((severityNumber - 1) >> 2) | 0, 0), SEVERITY_NAMES.length - 1);
  return SEVERITY_NAMES[index] as SeverityClassName;
}

/** A pattern id as the SDK computes it (`logPattern(...).id`): 16 lowercase hex digits. */
export const PATTERN_ID = /^[0-9a-f]{16}$/;

/** The most pattern rates a policy may hold: more and the SDK rejects the whole policy. */
export const MAX_POLICY_PATTERNS = 10_000;
