import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { addContextAttributeMetrics, contextAttributes } from '../base/context-attributes';
import { joinRequestScope, setAbsent } from './request-scope';

/**
 * A `SpanProcessor` that sets the attributes of `withAttributes` (and of the request scope the
 * middleware helpers fill) on every span as it starts. Attributes the span was started with
 * win: an instrumentation's own `http.route` or `gen_ai.request.model` is never replaced, and
 * what it sets later replaces ours. `start()` puts one first on its tracer provider, and
 * `createSpanProcessor()` does the same work; add one to your own `NodeSDK` or
 * `TracerProvider` when it exports through anything else:
 *
 * ```ts
 * new NodeSDK({ spanProcessors: [new ContextAttributesSpanProcessor(), yourProcessor] });
 * ```
 *
 * It must come before processors that read attributes in their own `onStart`. With no
 * attributes set, a span costs it one context lookup (two once a middleware helper exists).
 */
export class ContextAttributesSpanProcessor implements SpanProcessor {
  constructor() {
    addContextAttributeMetrics();
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      const own = contextAttributes(parentContext);
      if (own !== undefined) setAbsent(span, own);
      const scoped = joinRequestScope(span, parentContext)?.attributes;
      if (scoped !== undefined) setAbsent(span, scoped);
    } catch {
      // Never into the app's startSpan: a span without its context attributes is still a span.
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
