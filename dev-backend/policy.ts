/**
 * Sampling policies served by `GET /v1/sampling/policy`, with their ETags.
 *
 * Policies are stored as the exact bytes to serve: tests must be able to serve broken
 * documents (invalid JSON, wrong types) to check that the SDK rejects them and keeps its
 * last good policy, so nothing here validates.
 */
import { createHash } from 'node:crypto';

/**
 * A policy body served verbatim, for documents that are not valid JSON
 * (`new RawPolicy('{"version": ')`).
 */
export class RawPolicy {
  constructor(readonly text: string) {}
}

/**
 * What a test hands over as a policy: any JSON-serializable value (normally an object in
 * the Backend API v1 policy shape, but deliberately wrong ones are allowed), or a
 * {@link RawPolicy} for bytes that are not JSON at all.
 */
export type PolicyInput = unknown;

/** The policy served when a test sets none: the example of the Backend API v1. */
export const DEFAULT_POLICY = {
  version: 'default',
  ttlSeconds: 300,
  defaultRate: 1.0,
  severityRates: { TRACE: 0.01, DEBUG: 0.05, INFO: 0.2, WARN: 0.5 },
  patternRates: {},
} as const;

/** A policy ready to serve. */
export interface ServedPolicy {
  body: Buffer;
  /** Strong ETag (quoted), derived from the body so equal content gives equal tags. */
  etag: string;
}

function toServed(policy: PolicyInput): ServedPolicy {
  const text = policy instanceof RawPolicy ? policy.text : JSON.stringify(policy);
  const body = Buffer.from(text ?? 'null', 'utf8');
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 32);
  return { body, etag: `"${digest}"` };
}

/** Default policy plus per-service overrides. */
export class PolicyStore {
  private fallback: ServedPolicy;
  private readonly byService = new Map<string, ServedPolicy>();

  constructor(options: { default?: PolicyInput; byService?: Record<string, PolicyInput> } = {}) {
    this.fallback = toServed(options.default === undefined ? DEFAULT_POLICY : options.default);
    for (const [service, policy] of Object.entries(options.byService ?? {})) {
      this.byService.set(service, toServed(policy));
    }
  }

  /**
   * Replaces the policy of one service, or the default one when `service` is omitted.
   * The ETag changes with the content, so clients holding the old tag get a 200.
   */
  set(policy: PolicyInput, options: { service?: string } = {}): void {
    if (options.service === undefined) this.fallback = toServed(policy);
    else this.byService.set(options.service, toServed(policy));
  }

  /** Removes a service's own policy, so it gets the default again. */
  remove(options: { service: string }): void {
    this.byService.delete(options.service);
  }

  /** The policy a service gets. */
  resolve(service: string): ServedPolicy {
    return this.byService.get(service) ?? this.fallback;
  }
}

/**
 * Whether an `If-None-Match` header matches `etag`. RFC 9110 uses the weak comparison
 * for this header, so `W/"x"` matches `"x"`; `*` matches any current representation.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
