import type { Tracer } from '@opentelemetry/api';
import type { ContentCapture } from './content';
import type { GenAiMetrics } from './metrics';
import type { PriceBook } from './prices';

/**
 * Everything a provider instrumentation needs to record a call. Built by `ConfiguredTelemetry`
 * once per config, tracer and metrics instruments, and shared by every call made meanwhile: a
 * new config or a new tracer or meter provider gives calls a new one.
 */
export interface GenAiTelemetry {
  readonly tracer: Tracer;
  readonly metrics: GenAiMetrics | undefined;
  readonly prices: PriceBook;
  /** Set only when content capture is on: its absence is what keeps content out. */
  readonly content: ContentCapture | undefined;
}
