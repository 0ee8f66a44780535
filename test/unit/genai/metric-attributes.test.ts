/**
 * The `gen_ai.client.*` metrics carry the context attributes named in `metricAttributes`, and
 * only those: by default none, so session and user ids never reach a metric. Read from the
 * context of the call (its `withAttributes`, else its request scope), through the real pipeline
 * and the real metrics SDK.
 */
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapLlmMethod } from '../../../instrumentations/genai';
import type { GenAiConfig, LlmAdapter, LlmMethod } from '../../../instrumentations/genai';
import { GenAiMetrics } from '../../../instrumentations/genai/metrics';
import { ConfiguredTelemetry } from '../../../instrumentations/genai/telemetry';
import { attributesMiddleware } from '../../../src/context/middleware';
import { ContextAttributesSpanProcessor } from '../../../src/context/span-processor';
import { withAttributes } from '../../../src/context/with-attributes';
import { collectGenAiHistograms, TestReader } from '../../support/llm-instrumentation';

const tracerProvider = new TracerProvider({
  spanProcessors: [
    new ContextAttributesSpanProcessor(),
    new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() }),
  ],
});
const tracer = tracerProvider.getTracer('test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

const adapter: LlmAdapter = {
  request: () => ({
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    attributes: {},
    serverAddress: 'api.openai.com',
    serverPort: 443,
  }),
  readResult(call) {
    call.inputTokens = 10;
    call.outputTokens = 3;
  },
  observeChunks(call) {
    return {
      onChunk: () => false,
      onEnd() {
        call.inputTokens = 1;
        call.outputTokens = 1;
      },
    };
  },
};

/** An LLM client instrumented with `config`, and the reader of its metrics. */
function instrumented(config: GenAiConfig) {
  const reader = new TestReader();
  const metrics = new GenAiMetrics(new MeterProvider({ readers: [reader] }).getMeter('genai'));
  const configured = new ConfiguredTelemetry(config);
  const wrap = wrapLlmMethod(adapter, () => configured.telemetry(tracer, metrics, undefined));
  const complete = wrap(async () => ({ id: 'r' })) as () => Promise<unknown>;
  const stream = wrap(async () =>
    (async function* () {
      yield 'a';
    })(),
  ) as LlmMethod as () => Promise<AsyncIterable<string>>;
  /** Attributes of every point of both histograms. */
  const points = async (): Promise<Attributes[]> => {
    const { usage, duration } = await collectGenAiHistograms(reader);
    return [...usage.dataPoints, ...duration.dataPoints].map((p) => p.attributes);
  };
  return { complete, stream, points, reader };
}

const CONTEXT = {
  'session.id': 's-1',
  'user.id': 'u-1',
  'tenant.tier': 'gold',
  feature: 'support-chat',
};

describe('metricAttributes', () => {
  it('by default, no context attribute reaches the metrics', async () => {
    const llm = instrumented({});
    await withAttributes(CONTEXT, () => llm.complete());
    const points = await llm.points();
    expect(points).toHaveLength(3); // duration, input and output tokens
    const conventions = [
      'gen_ai.operation.name',
      'gen_ai.provider.name',
      'gen_ai.request.model',
      'server.address',
      'server.port',
      'gen_ai.token.type',
    ];
    for (const attributes of points) {
      expect(Object.keys(attributes).filter((k) => !conventions.includes(k))).toEqual([]);
    }
  });

  it('the allowlisted keys only, from the context of the call', async () => {
    const llm = instrumented({ metricAttributes: ['tenant.tier', 'feature', 'not.set'] });
    await withAttributes(CONTEXT, () => llm.complete());
    await llm.complete(); // outside: a series of its own, without them
    const points = await llm.points();
    const inside = points.filter((p) => p['tenant.tier'] === 'gold');
    expect(inside).toHaveLength(3);
    for (const attributes of inside) {
      expect(attributes.feature).toBe('support-chat');
      expect(attributes).not.toHaveProperty('session.id');
      expect(attributes).not.toHaveProperty('user.id');
      expect(attributes).not.toHaveProperty('not.set');
    }
    expect(points.filter((p) => !('tenant.tier' in p))).toHaveLength(3);
  });

  it("the conventions' own attributes win over a context attribute of the same name", async () => {
    const llm = instrumented({ metricAttributes: ['gen_ai.operation.name', 'tenant.tier'] });
    await withAttributes({ 'gen_ai.operation.name': 'mine', 'tenant.tier': 'free' }, () =>
      llm.complete(),
    );
    for (const attributes of await llm.points()) {
      expect(attributes['gen_ai.operation.name']).toBe('chat');
      expect(attributes['tenant.tier']).toBe('free');
    }
  });

  it('a stream consumed after withAttributes returned keeps the attributes of its call', async () => {
    const llm = instrumented({ metricAttributes: ['tenant.tier'] });
    const stream = await withAttributes(CONTEXT, () => llm.stream());
    for await (const chunk of stream) expect(chunk).toBe('a');
    const points = await llm.points();
    expect(points.length).toBeGreaterThan(0);
    for (const attributes of points) expect(attributes['tenant.tier']).toBe('gold');
  });

  it("from the request scope, after the framework lost the middleware's context", async () => {
    const llm = instrumented({ metricAttributes: ['tenant.tier'] });
    const middleware = attributesMiddleware.express((req: { tier: string }) => ({
      'tenant.tier': req.tier,
    }));
    const server = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const serverContext = trace.setSpan(ROOT_CONTEXT, server);
    await new Promise<void>((resolve) => {
      context.with(serverContext, () =>
        middleware({ tier: 'silver' }, {}, () =>
          setTimeout(
            context.bind(serverContext, () => void llm.complete().then(() => resolve())),
            1,
          ),
        ),
      );
    });
    server.end();
    for (const attributes of await llm.points()) expect(attributes['tenant.tier']).toBe('silver');
  });

  it('keeps only string names; nothing when the option is not a list', async () => {
    const odd = instrumented({ metricAttributes: 'tenant.tier' as unknown as string[] });
    await withAttributes(CONTEXT, () => odd.complete());
    for (const attributes of await odd.points())
      expect(attributes).not.toHaveProperty('tenant.tier');
    const mixed = instrumented({ metricAttributes: [1, '', 'feature'] as unknown as string[] });
    await withAttributes(CONTEXT, () => mixed.complete());
    for (const attributes of await mixed.points()) {
      expect(attributes.feature).toBe('support-chat');
    }
  });

  it('metrics off: no points at all', async () => {
    const llm = instrumented({ metrics: false, metricAttributes: ['tenant.tier'] });
    await withAttributes(CONTEXT, () => llm.complete());
    const { resourceMetrics } = await llm.reader.collect();
    const points = resourceMetrics.scopeMetrics.flatMap((s) =>
      s.metrics.map((m) => m.dataPoints.length),
    );
    expect(points.every((count) => count === 0)).toBe(true);
  });
});
