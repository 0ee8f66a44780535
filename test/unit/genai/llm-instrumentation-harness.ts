/**
 * Shared pieces of the in-process LLM instrumentation tests (openai, anthropic): diagnostics
 * captured per test, a metric reader collected on demand, and a tracer provider that fails.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { resetDiagRateLimits } from '../../../src/diag';

/** A cumulative reader that exports nothing: tests call `collect()` themselves. */
export class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The `gen_ai.client.*` histograms `reader` collects now. */
export async function collectGenAiHistograms(
  reader: MetricReader,
): Promise<{ usage: HistogramMetricData; duration: HistogramMetricData }> {
  const { resourceMetrics } = await reader.collect();
  const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics) as HistogramMetricData[];
  const usage = metrics.find((m) => m.descriptor.name === 'gen_ai.client.token.usage')!;
  const duration = metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration')!;
  return { usage, duration };
}

/**
 * Empties `lines` and sends every diag message (all levels) there from now on, with the coded
 * warnings' rate limits reset so each test sees its own. Call from `beforeEach`.
 */
export function captureDiag(lines: string[]): void {
  lines.length = 0;
  resetDiagRateLimits();
  const push = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  diag.setLogger(
    { error: push, warn: push, info: push, debug: push, verbose: push },
    { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
  );
}

/**
 * A provider whose tracer throws on `startSpan`, with a secret-looking message: stands for a
 * failure inside our own code, which must be reported without the secret and never reach the app.
 */
export function explodingTracerProvider(): TracerProvider {
  return {
    getTracer: () =>
      ({
        startSpan: () => {
          throw new Error('tracer exploded with sk-secret-in-message');
        },
      }) as unknown as Tracer,
  };
}
