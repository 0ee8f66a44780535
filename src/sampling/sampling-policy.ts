/**
 * The sampling policy a Sprint Lens backend serves (`GET /v1/sampling/policy`), validated.
 *
 * The document comes from the network, so it is treated as hostile: every value is checked,
 * sizes are bounded, unknown fields are ignored, and nothing is ever copied into an ordinary
 * object (pattern rates go into a `Map`), so `__proto__` or `constructor` keys cannot pollute a
 * prototype. A document that fails a check is rejected as a whole; the caller keeps the last good
 * policy.
 */

import { SEV_DEBUG, SEV_INFO, SEV_TRACE, SEV_WARN } from './severity';

/** Most pattern rates a policy may carry. */
export const MAX_POLICY_PATTERNS = 10_000;
/** Longest accepted `version` string. */
export const MAX_POLICY_VERSION_LENGTH = 128;
/** Largest accepted policy document, in bytes. */
export const MAX_POLICY_BYTES = 1 << 20;

/** A validated policy. */
export interface SamplingPolicy {
  readonly version: string;
  /** How long the backend says the policy stays good, if it said. */
  readonly ttlSeconds: number | undefined;
  readonly defaultRate: number;
  /** Rates of TRACE, DEBUG, INFO, WARN by class index; `NaN` where the policy names none. */
  readonly severityRates: Float64Array;
  /** Rate per pattern id (16 lowercase hex digits). */
  readonly patternRates: ReadonlyMap<string, number>;
}

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: SamplingPolicy }
  | { readonly ok: false; readonly reason: string };

const SEVERITY_KEYS: Readonly<Record<string, number>> = Object.assign(Object.create(null), {
  TRACE: SEV_TRACE,
  DEBUG: SEV_DEBUG,
  INFO: SEV_INFO,
  WARN: SEV_WARN,
}) as Record<string, number>;
export const PATTERN_ID = /^[0-9a-f]{16}$/;

function isRate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own enumerable key/value pairs, read without touching any prototype. */
function ownEntries(value: object): [string, unknown][] {
  return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
}

/**
 * Parses and validates a policy document. Never throws.
 *
 * @returns the policy, or the reason it was rejected (safe to log: no values echoed).
 */
export function parsePolicy(text: string): PolicyParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (!isPlainObject(doc)) return { ok: false, reason: 'not a JSON object' };
  const fields = new Map(ownEntries(doc));

  const version = fields.get('version');
  if (typeof version !== 'string' || version === '' || version.length > MAX_POLICY_VERSION_LENGTH)
    return { ok: false, reason: 'version must be a non-empty string of at most 128 characters' };

  const ttl = fields.get('ttlSeconds');
  if (ttl !== undefined && !(typeof ttl === 'number' && ttl > 0 && ttl <= 86_400 * 7))
    return { ok: false, reason: 'ttlSeconds must be a positive number of seconds' };

  const defaultRate = fields.get('defaultRate') ?? 1;
  if (!isRate(defaultRate)) return { ok: false, reason: 'defaultRate must be within 0..1' };

  const severityRates = new Float64Array(4).fill(NaN);
  const severities = fields.get('severityRates');
  if (severities !== undefined) {
    if (!isPlainObject(severities)) return { ok: false, reason: 'severityRates must be an object' };
    for (const [key, rate] of ownEntries(severities)) {
      if (!isRate(rate)) return { ok: false, reason: 'severityRates values must be within 0..1' };
      const index = SEVERITY_KEYS[key];
      // ERROR and FATAL are kept whatever a policy says; unknown names are ignored like any
      // unknown field (a newer backend may know more severities).
      if (index !== undefined) severityRates[index] = rate;
    }
  }

  const patternRates = new Map<string, number>();
  const patterns = fields.get('patternRates');
  if (patterns !== undefined) {
    if (!isPlainObject(patterns)) return { ok: false, reason: 'patternRates must be an object' };
    const entries = ownEntries(patterns);
    if (entries.length > MAX_POLICY_PATTERNS)
      return { ok: false, reason: `patternRates holds more than ${MAX_POLICY_PATTERNS} entries` };
    for (const [id, rate] of entries) {
      if (!PATTERN_ID.test(id))
        return { ok: false, reason: 'patternRates keys must be pattern ids (16 hex digits)' };
      if (!isRate(rate)) return { ok: false, reason: 'patternRates values must be within 0..1' };
      patternRates.set(id, rate);
    }
  }

  return {
    ok: true,
    policy: {
      version,
      ttlSeconds: ttl as number | undefined,
      defaultRate,
      severityRates,
      patternRates,
    },
  };
}
