import { context } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { withContextAttributes } from '../base/context-attributes';

/**
 * Runs `fn` with `attributes` set on every span and log record made inside it, and on the
 * `gen_ai.client.*` metric points of the keys named in `metricAttributes`: the LLM spans, HTTP
 * client spans, `track()` spans and framework spans started in `fn`, and the log records of
 * pino, winston, bunyan and the console written in it, through `await`, timers, callbacks and
 * event emitters (the OpenTelemetry context follows them).
 *
 * ```ts
 * import { withAttributes } from 'sprintlens';
 *
 * const answer = await withAttributes(
 *   { 'session.id': sessionId, 'user.id': userId, 'gen_ai.conversation.id': chatId },
 *   () => agent.run(question),
 * );
 * ```
 *
 * Calls nest: an inner call adds to the outer attributes and wins for a key both set. A key
 * whose value is `undefined` or `null` keeps the outer value. Bounded: at most 32 attributes,
 * strings (and each string of an array) cut at 256 characters, arrays at 32 elements; values
 * must be strings, numbers, booleans or arrays of one of these types. What is cut or dropped is
 * counted in `sprintlens_context_attributes_dropped_total`; bad attributes never throw.
 *
 * Returns exactly what `fn` returns (the same promise for an async `fn`, the same iterator) and
 * lets its exceptions through unchanged. An instrumentation's own attributes win over these.
 * Without `start()` (or another OpenTelemetry SDK with a context manager) it just runs `fn`.
 * A stream returned from `fn` and consumed after it returned keeps them on its LLM span (the
 * span started inside) but not on log lines written while consuming it outside.
 */
export function withAttributes<T>(attributes: Attributes, fn: () => T): T {
  const active = context.active();
  let scoped = active;
  try {
    scoped = withContextAttributes(active, attributes);
  } catch {
    // Not reachable by design (every input is validated without throwing); run `fn` anyway.
  }
  return context.with(scoped, fn);
}
