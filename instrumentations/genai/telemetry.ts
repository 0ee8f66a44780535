import type { Tracer } from '@opentelemetry/api';
import type { ContentCapture } from './content';
import type { GenAiMetrics } from './metrics';
import type { PriceBook } from './prices';

/**
 * Everything a provider instrumentation needs to record a call. Built once by the
 * instrumentation; `tracer` and `metrics` follow provider changes through getters.
 */
export interface GenAiTelemetry {
  readonly tracer: Tracer;
  readonly metrics: GenAiMetrics | undefined;
  readonly prices: PriceBook;
  /** Set only when content capture is on: its absence is what keeps content out. */
  readonly content: ContentCapture | undefined;
}
