/**
 * Where the context attributes are wired: the providers `start()` builds (the processors first,
 * so log sampling, the exporters and the user's own processors all see them), and the public
 * transport-backed span processor for `NodeSDK` users. Real providers; exporters in memory.
 */
import { context, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve';
import { withAttributes } from '../../../src/context/with-attributes';
import { buildProviders } from '../../../src/start/providers';
import { createSpanProcessor } from '../../../exporters/index';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

const SESSION = { 'session.id': 's-1', 'user.id': 'u-1' };

describe("start()'s providers", () => {
  it('spans, and log records through log sampling, carry the attributes; user processors see them', async () => {
    const { config } = resolveConfig({
      logRates: { TRACE: 1, DEBUG: 1, INFO: 1, WARN: 1 },
      logLevel: 'none',
    });
    const traceExporter = new InMemorySpanExporter();
    const logExporter = new InMemoryLogRecordExporter();
    const seenAtStart: unknown[] = [];
    const seenAtEmit: unknown[] = [];
    const userSpanProcessor: SpanProcessor = {
      onStart: (span: Span, _ctx: Context) => seenAtStart.push(span.attributes['session.id']),
      onEnd: () => undefined,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const userLogProcessor: LogRecordProcessor = {
      onEmit: (record: ReadWriteLogRecord) => seenAtEmit.push(record.attributes['session.id']),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const providers = buildProviders(config, {
      traceExporter,
      logExporter,
      metricExporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      spanProcessors: [userSpanProcessor],
      logRecordProcessors: [userLogProcessor],
    });
    expect(providers.logSampler).toBeDefined(); // sampling is on the path under test
    const tracer = providers.tracerProvider.getTracer('test');
    const logger = providers.loggerProvider.getLogger('test');

    withAttributes(SESSION, () => {
      tracer.startActiveSpan('request', (span) => {
        logger.emit({ body: 'inside', severityNumber: 9, severityText: 'INFO' });
        span.end();
      });
    });
    logger.emit({ body: 'outside', severityNumber: 9, severityText: 'INFO' });
    await providers.tracerProvider.forceFlush();
    await providers.loggerProvider.forceFlush();

    const [span] = traceExporter.getFinishedSpans();
    expect(span?.attributes).toMatchObject(SESSION);
    const records = logExporter.getFinishedLogRecords();
    const inside = records.find((r) => r.body === 'inside');
    // Sampled (its decision attributes written) and enriched.
    expect(inside?.attributes).toMatchObject(SESSION);
    expect(inside?.attributes['sprintlens.pattern.id']).toMatch(/^[0-9a-f]{16}$/);
    expect(records.find((r) => r.body === 'outside')?.attributes['session.id']).toBeUndefined();
    expect(seenAtStart).toEqual(['s-1']);
    expect(seenAtEmit).toEqual(['s-1', undefined]);

    await Promise.all([
      providers.tracerProvider.shutdown(),
      providers.loggerProvider.shutdown(),
      providers.meterProvider.shutdown(),
    ]);
  });
});

describe('createSpanProcessor() for NodeSDK users', () => {
  it('sets the context attributes as spans start', async () => {
    const processor = createSpanProcessor({ otlpEndpoint: 'http://127.0.0.1:9' });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('test');
    const span = withAttributes(SESSION, () => tracer.startSpan('inside'));
    // Read on the live span: ending it would queue it for an export this tier does not make.
    expect((span as unknown as Span).attributes).toMatchObject(SESSION);
    const outside = tracer.startSpan('outside');
    expect((outside as unknown as Span).attributes['session.id']).toBeUndefined();
    expect(trace.getSpan(context.active())).toBeUndefined();
    await processor.shutdown();
  });
});
