/**
 * The span of each recent LLM response, by response id (`gen_ai.response.id`): the LLM call
 * pipeline remembers the span context of every call that ends with a response id, and
 * `recordEvaluation({ responseId })` finds the evaluated call's trace and span there, later and
 * elsewhere in the process (user feedback arriving in another request, say).
 *
 * Bounded: the most recent {@link MAX_REMEMBERED_RESPONSES} responses are kept, older ones are
 * forgotten (a Map keeps insertion order, so the oldest is its first key). Remembering costs a
 * Map insertion per call, and the eviction of one entry once the map is full.
 */
import type { SpanContext } from '@opentelemetry/api';

/** How many responses are remembered (documented in docs/evaluation.md). */
export const MAX_REMEMBERED_RESPONSES = 1024;
/** Longer ids are not remembered (an id is a short token; this bounds the memory). */
const MAX_RESPONSE_ID_LENGTH = 256;

// On globalThis: the CommonJS and ES-module builds, or two installs, share one memory.
const KEY = Symbol.for('sprintlens.response-spans');
type GlobalWithResponses = typeof globalThis & { [KEY]?: Map<string, SpanContext> };

let shared: Map<string, SpanContext> | undefined;

function responses(): Map<string, SpanContext> {
  return (shared ??= (globalThis as GlobalWithResponses)[KEY] ??= new Map());
}

/** Remembers the span of the response `responseId`, forgetting the oldest one past the bound. */
export function rememberResponseSpan(responseId: string, spanContext: SpanContext): void {
  if (responseId.length > MAX_RESPONSE_ID_LENGTH) return;
  const map = responses();
  // Re-inserted, an id moves to the end (most recent).
  if (map.delete(responseId) || map.size < MAX_REMEMBERED_RESPONSES) {
    map.set(responseId, spanContext);
    return;
  }
  const oldest = map.keys().next().value;
  if (oldest !== undefined) map.delete(oldest);
  map.set(responseId, spanContext);
}

/** The span context of the response `responseId`, if it is among the remembered ones. */
export function spanOfResponse(responseId: string): SpanContext | undefined {
  return responses().get(responseId);
}

/** Forgets every response (tests). */
export function forgetResponseSpans(): void {
  responses().clear();
}
