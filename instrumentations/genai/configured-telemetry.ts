import type { Tracer } from '@opentelemetry/api';
import type { GenAiConfig } from './config';
import { ContentCapture } from './content';
import { loadPriceBook } from './load-prices';
import type { GenAiMetrics } from './metrics';
import type { PriceBook } from './prices';
import type { GenAiTelemetry } from './telemetry';

/**
 * The price book and content capture an LLM instrumentation's config asks for. Both are built on
 * first use (reading a price file is not free) and kept: the instrumentation makes a new one
 * whenever its config is set.
 */
export class ConfiguredTelemetry {
  private prices: PriceBook | undefined;
  private content: ContentCapture | undefined;
  private contentKey: unknown;

  /** Tracer, metrics, prices and content capture for `config`. */
  build(config: GenAiConfig, tracer: Tracer, metrics: GenAiMetrics | undefined): GenAiTelemetry {
    this.prices ??= loadPriceBook(config);
    let content: ContentCapture | undefined;
    if (config.captureContent === true) {
      if (this.content === undefined || this.contentKey !== config) {
        this.content = new ContentCapture({
          maxChars: config.contentMaxChars,
          redaction: config.redaction,
        });
        this.contentKey = config;
      }
      content = this.content;
    }
    return {
      tracer,
      metrics: config.metrics === false ? undefined : metrics,
      prices: this.prices,
      content,
    };
  }
}
