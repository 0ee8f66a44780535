import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';

/** The active, valid span context, or undefined: the only per-call cost when no span runs. */
export function activeSpanContext(): SpanContext | undefined {
  const span = trace.getSpan(context.active());
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** Sets the correlation fields of `spanContext` on a record or info object the logger writes. */
export function addTraceFields(target: Record<string, unknown>, spanContext: SpanContext): void {
  target.trace_id = spanContext.traceId;
  target.span_id = spanContext.spanId;
  target.trace_flags = traceFlagsHex(spanContext.traceFlags);
}

/** Trace flags as two hex digits (`01` when sampled), as in a traceparent header. */
function traceFlagsHex(flags: number): string {
  return (flags & 0xff) < 16 ? '0' + (flags & 0xff).toString(16) : (flags & 0xff).toString(16);
}

/** Names of the correlation fields: never copied into a record's attributes. */
export const TRACE_FIELD_NAMES: readonly string[] = ['trace_id', 'span_id', 'trace_flags'];
