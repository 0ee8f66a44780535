/**
 * The AI SDK instrumentation on the real `ai` 7, in process, with the SDK's own mock models (no
 * server): the telemetry integration registered by `enable()`, and `ai`'s exports patched through
 * the instrumentation's module definition (the copy `require` would hand the app).
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiSdkInstrumentation } from '../../../instrumentations/ai-sdk';
import { noteProviderCall } from '../../../instrumentations/genai/framework-run';
import { spanOfResponse } from '../../../src/base/response-spans';
import { selfMetrics } from '../../../src/base/self-metrics';
import { UsageTally, withUsageTally } from '../../../src/base/usage-tally';
import { collectGenAiHistograms, TestReader } from '../../support/llm-instrumentation';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });

let ai: Any;
let mocks: Any;
/** `ai`'s exports as the instrumentation patched them (streamText, streamObject wrapped). */
let patched: Any;
let instrumentation: AiSdkInstrumentation;

const INTEGRATIONS = () => (globalThis as Any).AI_SDK_TELEMETRY_INTEGRATIONS as unknown[];

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  ai = (await import('ai')) as Any;
  mocks = (await import('ai/test')) as Any;
  (globalThis as Any).AI_SDK_LOG_WARNINGS = false;
  instrumentation = new AiSdkInstrumentation({ enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();
  patched = instrumentation.getModuleDefinitions()[0]!.patch!(ai, '7.0.173') as Any;
});
afterAll(() => {
  instrumentation.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** Usage in the provider (v4) shape. */
function usage(input: number, output: number, cacheRead = 0) {
  return {
    inputTokens: { total: input, noCache: input - cacheRead, cacheRead, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

const TEXT = {
  content: [{ type: 'text', text: 'Hello.' }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: usage(100, 20, 10),
  warnings: [],
  response: { id: 'resp-1', modelId: 'gpt-4o-mini-2024-07-18', timestamp: new Date(0) },
};
const TOOL_CALL = {
  content: [
    { type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: '{"city":"Paris"}' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: usage(100, 20, 10),
  warnings: [],
};

/** A streamed reply: `texts` as deltas, then the finish part with usage. */
function streamParts(texts: string[]) {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'resp-s', modelId: 'gpt-4o-mini' },
    { type: 'text-start', id: 't' },
    ...texts.map((delta) => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(100, 20, 10) },
  ];
}

function model(options: Any): Any {
  return new mocks.MockLanguageModelV4({
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    ...options,
  });
}

function weatherTool(execute: (input: Any) => Promise<unknown>) {
  return ai.tool({
    description: 'Weather of a city',
    inputSchema: ai.jsonSchema({ type: 'object', properties: { city: { type: 'string' } } }),
    execute,
  });
}

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan[] => spans().filter((s) => s.name === name);
const one = (name: string): ReadableSpan => {
  const found = named(name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const sum = (list: ReadableSpan[], key: string) =>
  list.reduce((n, s) => n + ((s.attributes[key] as number | undefined) ?? 0), 0);
/** Lets streams settle and a watch's end-of-turn check run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ai 7: the telemetry integration', () => {
  it('is registered on the SDK’s global list once, and gone when disabled', () => {
    expect(INTEGRATIONS().filter((i) => i === instrumentation.aiIntegration())).toHaveLength(1);
    // A second instance (another copy of sprintlens) does not register a second one.
    const other = new AiSdkInstrumentation();
    expect(INTEGRATIONS()).toHaveLength(1);
    other.disable();
    expect(INTEGRATIONS()).toHaveLength(1);
  });

  it('generateText with a tool: invoke_agent, a chat span per step, the tool span; HTTP context', async () => {
    const probes: { step: string; parent: string | undefined }[] = [];
    const probe = (step: string) =>
      probes.push({ step, parent: trace.getActiveSpan()?.spanContext().spanId });
    const steps = [TOOL_CALL, TEXT];
    const m = model({
      doGenerate: async () => {
        probe('model');
        return steps.shift();
      },
    });
    const result = await ai.generateText({
      model: m,
      system: 'You are terse.',
      prompt: 'Weather in Paris?',
      temperature: 0.2,
      tools: {
        get_weather: weatherTool(async ({ city }) => {
          probe('tool');
          return { city, forecast: 'sunny' };
        }),
      },
      stopWhen: ai.stepCountIs(3),
      experimental_telemetry: { functionId: 'weather_agent' },
    });
    expect(result.text).toBe('Hello.');

    const root = one('invoke_agent weather_agent');
    expect(parentOf(root)).toBeUndefined();
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.finish_reasons': ['stop'],
      'sprintlens.ai_sdk.function': 'generateText',
      'sprintlens.ai_sdk.model_calls': 2,
      'sprintlens.usage.total_input_tokens': 200,
      'sprintlens.usage.total_output_tokens': 40,
      'sprintlens.usage.total_cache_read_input_tokens': 20,
    });
    expect(root.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    const chats = named('chat gpt-4o-mini');
    expect(chats).toHaveLength(2);
    expect(chats.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['tool-calls'],
      ['stop'],
    ]);
    for (const chat of chats) {
      expect(parentOf(chat)).toBe(root.spanContext().spanId);
      expect(chat.kind).toBe(2); // CLIENT
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.cache_read.input_tokens': 10,
        'gen_ai.usage.output_tokens': 20,
      });
    }
    expect(chats[1]!.attributes['gen_ai.response.id']).toBe('resp-1');
    // Priced as the model the server ran (a dated gpt-4o-mini).
    const cost = (90 * 0.15 + 10 * 0.075 + 20 * 0.6) / 1e6;
    expect(chats[1]!.attributes['sprintlens.cost.usd']).toBeCloseTo(cost, 15);
    expect(root.attributes['sprintlens.cost.total_usd']).toBeCloseTo(2 * cost, 15);
    const tool = one('execute_tool get_weather');
    expect(parentOf(tool)).toBe(root.spanContext().spanId);
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'c1',
    });
    // The provider's request runs in its chat span, the tool's body in its tool span.
    expect(probes).toEqual([
      { step: 'model', parent: chats[0]!.spanContext().spanId },
      { step: 'tool', parent: tool.spanContext().spanId },
      { step: 'model', parent: chats[1]!.spanContext().spanId },
    ]);
    // Each token once over the trace: the model calls only.
    expect(sum(spans(), 'gen_ai.usage.input_tokens')).toBe(
      root.attributes['sprintlens.usage.total_input_tokens'],
    );
  });

  it('the token metric and the sprintlens_llm_* counters count the model calls, not the call again', async () => {
    const before = await tokenCounters('usage-model');
    const histogramsBefore = await tokenHistogramSum('usage-model');
    await ai.generateText({
      model: model({ modelId: 'usage-model', doGenerate: [TOOL_CALL, TEXT] }),
      prompt: 'x',
      tools: { get_weather: weatherTool(async () => 'ok') },
      stopWhen: ai.stepCountIs(3),
    });
    expect((await tokenCounters('usage-model')) - before).toBe(200 + 40);
    expect((await tokenHistogramSum('usage-model')) - histogramsBefore).toBe(200 + 40);
  });

  it('tool executions count in sprintlens_tool_calls_total, a throwing one as error', async () => {
    const before = await toolCounts('count_tool');
    const steps = [
      { ...TOOL_CALL, content: [toolCall('t1', 'count_tool'), toolCall('t2', 'count_tool')] },
      TEXT,
    ];
    let calls = 0;
    await ai.generateText({
      model: model({ doGenerate: async () => steps.shift() }),
      prompt: 'x',
      tools: {
        count_tool: weatherTool(async () => {
          if (++calls === 2) throw new Error('tool broke');
          return 'ok';
        }),
      },
      stopWhen: ai.stepCountIs(3),
    });
    const after = await toolCounts('count_tool');
    expect({ ok: after.ok - before.ok, error: after.error - before.error }).toEqual({
      ok: 1,
      error: 1,
    });
  });

  it('Bedrock models through @ai-sdk/amazon-bedrock are priced as Bedrock names them', async () => {
    await ai.generateText({
      model: model({
        provider: 'amazon-bedrock',
        modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        doGenerate: { ...TEXT, response: undefined },
      }),
      prompt: 'x',
    });
    const chat = one('chat us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(chat.attributes['gen_ai.provider.name']).toBe('aws.bedrock');
    // A geography profile: the regional price of its base model.
    const cost = (90 * 3.3 + 10 * 0.33 + 20 * 16.5) / 1e6;
    expect(chat.attributes['sprintlens.cost.usd']).toBeCloseTo(cost, 15);
  });

  it('an experiment item’s tally gets each model call once; a response id finds its chat span', async () => {
    const tally = new UsageTally();
    await context.with(withUsageTally(context.active(), tally), () =>
      ai.generateText({
        model: model({ doGenerate: [TOOL_CALL, TEXT] }),
        prompt: 'x',
        tools: { get_weather: weatherTool(async () => 'ok') },
        stopWhen: ai.stepCountIs(3),
      }),
    );
    expect(tally).toMatchObject({ calls: 2, inputTokens: 200, outputTokens: 40 });
    const cost = (90 * 0.15 + 10 * 0.075 + 20 * 0.6) / 1e6;
    expect(tally.knownCostUsd).toBeCloseTo(2 * cost, 15);
    const chat = named('chat gpt-4o-mini').find(
      (s) => s.attributes['gen_ai.response.id'] === 'resp-1',
    );
    expect(spanOfResponse('resp-1')?.spanId).toBe(chat?.spanContext().spanId);
  });

  it('an error: the app gets the SDK’s error class; one failed chat span per request', async () => {
    const failure = () =>
      new ai.APICallError({
        message: 'Rate limited',
        url: 'http://127.0.0.1/v1/chat/completions',
        requestBodyValues: {},
        statusCode: 429,
        responseHeaders: { 'retry-after-ms': '1' },
        isRetryable: true,
      });
    const m = model({
      modelId: 'limited-model',
      doGenerate: async () => {
        throw failure();
      },
    });
    const caught = await ai
      .generateText({ model: m, prompt: 'x', maxRetries: 1 })
      .catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(ai.RetryError);
    const root = one('invoke_agent generateText');
    expect(root.status.code).toBe(2);
    expect(root.attributes).toMatchObject({
      'error.type': 'RetryError',
      'sprintlens.ai_sdk.model_calls': 2,
    });
    const chats = named('chat limited-model');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.status).toMatchObject({ code: 2, message: 'APICallError' });
      expect(chat.attributes).toMatchObject({
        'error.type': 'APICallError',
        'http.response.status_code': 429,
      });
      expect(chat.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    }
    const once = await ai
      .generateText({ model: m, prompt: 'x', maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(once).toBeInstanceOf(ai.APICallError);
  });

  it('streamText read to the end: usage, time to first token, outcome, parts read', async () => {
    const r = patched.streamText({
      model: model({
        doStream: { stream: mocks.convertArrayToReadableStream(streamParts(['Hel', 'lo'])) },
      }),
      prompt: 'x',
    });
    const chunks: string[] = [];
    for await (const chunk of r.textStream) chunks.push(chunk);
    expect(chunks).toEqual(['Hel', 'lo']);
    await settle();
    const root = one('invoke_agent streamText');
    expect(root.attributes).toMatchObject({
      'sprintlens.stream.outcome': 'completed',
      'sprintlens.usage.total_input_tokens': 100,
    });
    expect(root.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(2);
    const chat = one('chat gpt-4o-mini');
    expect(chat.attributes).toMatchObject({
      'sprintlens.stream.outcome': 'completed',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.response.id': 'resp-s',
    });
    expect(chat.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThanOrEqual(0);
  });

  it('streamText broken off: the call and its model call end as cancelled; no call left in flight', async () => {
    const r = patched.streamText({
      model: model({
        doStream: {
          stream: ai.simulateReadableStream({
            chunks: streamParts(['a', 'b', 'c', 'd', 'e', 'f']),
            chunkDelayInMs: 5,
          }),
        },
      }),
      prompt: 'x',
    });
    let n = 0;
    for await (const chunk of r.textStream) {
      void chunk;
      if (++n === 2) break;
    }
    await settle();
    const root = one('invoke_agent streamText');
    expect(root.attributes['sprintlens.stream.outcome']).toBe('cancelled');
    expect(root.status.code).not.toBe(2);
    expect(one('chat gpt-4o-mini').attributes['sprintlens.stream.outcome']).toBe('cancelled');
    expect(instrumentation.aiIntegration().inFlight).toBe(0);
  });

  it('streamText broken off, then the rest read through a promise: the call goes on to its end', async () => {
    const r = patched.streamText({
      model: model({
        doStream: {
          stream: ai.simulateReadableStream({
            chunks: streamParts(['a', 'b', 'c', 'd']),
            chunkDelayInMs: 2,
          }),
        },
      }),
      prompt: 'x',
    });
    for await (const chunk of r.textStream) {
      void chunk;
      break;
    }
    expect(await r.text).toBe('abcd');
    await settle();
    expect(one('invoke_agent streamText').attributes['sprintlens.stream.outcome']).toBe(
      'completed',
    );
    expect(one('chat gpt-4o-mini').attributes['gen_ai.usage.output_tokens']).toBe(20);
  });

  it('streamText aborted: ends as aborted; a failing stream: ends failed with its error', async () => {
    const controller = new AbortController();
    const r = patched.streamText({
      model: model({
        doStream: {
          stream: ai.simulateReadableStream({
            chunks: streamParts(['a', 'b', 'c', 'd']),
            chunkDelayInMs: 5,
          }),
        },
      }),
      prompt: 'x',
      abortSignal: controller.signal,
    });
    for await (const chunk of r.textStream) {
      void chunk;
      controller.abort();
    }
    await settle();
    expect(one('invoke_agent streamText').attributes['sprintlens.stream.outcome']).toBe('aborted');
    exporter.reset();

    class StreamCut extends Error {}
    const failing = new ReadableStream({
      start(c) {
        c.enqueue({ type: 'stream-start', warnings: [] });
        c.enqueue({ type: 'text-start', id: 't' });
        c.enqueue({ type: 'text-delta', id: 't', delta: 'a' });
        c.error(new StreamCut('connection reset'));
      },
    });
    const f = patched.streamText({
      model: model({ doStream: { stream: failing } }),
      prompt: 'x',
      onError: () => {},
    });
    const error = await (async () => {
      try {
        for await (const chunk of f.textStream) void chunk;
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StreamCut);
    await settle();
    const root = one('invoke_agent streamText');
    expect(root.status.code).toBe(2);
    expect(root.attributes).toMatchObject({
      'error.type': 'StreamCut',
      'sprintlens.stream.outcome': 'error',
    });
    expect(one('chat gpt-4o-mini').attributes['error.type']).toBe('StreamCut');
  });

  it('generateObject and streamObject: invoke_workflow with a chat span', async () => {
    const json = { ...TEXT, content: [{ type: 'text', text: '{"city":"Paris"}' }] };
    const schema = ai.jsonSchema({ type: 'object', properties: { city: { type: 'string' } } });
    const o = await ai.generateObject({ model: model({ doGenerate: json }), schema, prompt: 'x' });
    expect(o.object).toEqual({ city: 'Paris' });
    const root = one('invoke_workflow generateObject');
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'generateObject',
    });
    expect(parentOf(one('chat gpt-4o-mini'))).toBe(root.spanContext().spanId);
    exporter.reset();

    const s = patched.streamObject({
      model: model({
        doStream: {
          stream: mocks.convertArrayToReadableStream(streamParts(['{"city":', '"Paris"}'])),
        },
      }),
      schema,
      prompt: 'x',
    });
    const partials: unknown[] = [];
    for await (const partial of s.partialObjectStream) partials.push(partial);
    expect(await s.object).toEqual({ city: 'Paris' });
    await settle();
    expect(one('invoke_workflow streamObject').attributes['sprintlens.stream.outcome']).toBe(
      'completed',
    );
    expect(one('chat gpt-4o-mini').attributes['gen_ai.usage.output_tokens']).toBe(20);
  });

  it('embed and embedMany: embeddings spans with input tokens', async () => {
    const embedding = new mocks.MockEmbeddingModelV4({
      provider: 'openai.embedding',
      modelId: 'text-embedding-3-small',
      maxEmbeddingsPerCall: 10,
      doEmbed: async ({ values }: { values: string[] }) => ({
        embeddings: values.map(() => [0.1, 0.2]),
        usage: { tokens: 4 * values.length },
        warnings: [],
      }),
    });
    await ai.embed({ model: embedding, value: 'a' });
    await ai.embedMany({ model: embedding, values: ['a', 'b'] });
    const calls = named('embeddings text-embedding-3-small');
    expect(calls.map((s) => s.attributes['gen_ai.usage.input_tokens'])).toEqual([4, 8]);
    expect(calls[1]!.attributes['sprintlens.cost.usd']).toBeCloseTo((8 * 0.02) / 1e6, 15);
    expect(one('invoke_workflow embedMany').attributes['sprintlens.usage.total_input_tokens']).toBe(
      8,
    );
  });

  it('generateObject, streamObject, embed, embedMany: each request runs in its model call’s span', async () => {
    const seen: { what: string; span: string | undefined }[] = [];
    const active = (what: string) =>
      seen.push({ what, span: trace.getActiveSpan()?.spanContext().spanId });
    const json = { ...TEXT, content: [{ type: 'text', text: '{"city":"Paris"}' }] };
    const schema = ai.jsonSchema({ type: 'object', properties: { city: { type: 'string' } } });
    await patched.generateObject({
      model: model({
        doGenerate: async () => {
          active('generateObject');
          return json;
        },
      }),
      schema,
      prompt: 'x',
    });
    const s = patched.streamObject({
      model: model({
        doStream: async () => {
          active('streamObject');
          return {
            stream: mocks.convertArrayToReadableStream(streamParts(['{"city":', '"Paris"}'])),
          };
        },
      }),
      schema,
      prompt: 'x',
    });
    for await (const partial of s.partialObjectStream) expect(partial).toBeTypeOf('object');
    expect(await s.object).toEqual({ city: 'Paris' });
    const embedding = new mocks.MockEmbeddingModelV4({
      provider: 'openai.embedding',
      modelId: 'text-embedding-3-small',
      maxEmbeddingsPerCall: 1,
      doEmbed: async ({ values }: { values: string[] }) => {
        active(`embed ${values[0]}`);
        await settle();
        return { embeddings: values.map(() => [0.1]), usage: { tokens: 4 }, warnings: [] };
      },
    });
    await patched.embed({ model: embedding, value: 'one' });
    // Three requests in parallel, one value each: each in its own model call's span.
    const many = await patched.embedMany({ model: embedding, values: ['a', 'b', 'c'] });
    expect(many.embeddings).toHaveLength(3);
    await settle();

    const chats = named('chat gpt-4o-mini');
    const embeds = named('embeddings text-embedding-3-small');
    expect(chats).toHaveLength(2);
    expect(embeds).toHaveLength(4);
    const spanIds = new Set([...chats, ...embeds].map((x) => x.spanContext().spanId));
    expect(seen).toHaveLength(6);
    for (const { what, span } of seen) expect(spanIds.has(span!), what).toBe(true);
    // One request per span: no model call got two requests, none got none.
    expect(new Set(seen.map((x) => x.span)).size).toBe(6);
  });

  it('a frozen model (its request method an own read-only property) is used as it is', async () => {
    const frozen = Object.freeze(
      new mocks.MockEmbeddingModelV4({
        provider: 'openai.embedding',
        modelId: 'text-embedding-3-small',
        doEmbed: async () => ({ embeddings: [[0.5]], usage: { tokens: 4 }, warnings: [] }),
      }),
    );
    // A proxy may not return anything else for such a property: reading it must not throw.
    const result = await patched.embed({ model: frozen, value: 'a' });
    expect(result.embedding).toEqual([0.5]);
    expect(one('embeddings text-embedding-3-small').attributes['gen_ai.usage.input_tokens']).toBe(
      4,
    );
  });

  it('a custom object or embedding provider calling an instrumented SDK: one LLM span each', async () => {
    const json = { ...TEXT, content: [{ type: 'text', text: '{"city":"Paris"}' }] };
    const schema = ai.jsonSchema({ type: 'object', properties: { city: { type: 'string' } } });
    await patched.generateObject({
      model: model({
        provider: 'acme.chat',
        doGenerate: async () => {
          noteProviderCall(context.active());
          return json;
        },
      }),
      schema,
      prompt: 'x',
    });
    const embedding = new mocks.MockEmbeddingModelV4({
      provider: 'acme.embedding',
      modelId: 'acme-embed',
      doEmbed: async () => {
        noteProviderCall(context.active());
        return { embeddings: [[0.1]], usage: { tokens: 4 }, warnings: [] };
      },
    });
    await patched.embed({ model: embedding, value: 'a' });
    const grouping = spans().filter((x) => x.attributes['sprintlens.usage.source'] === 'provider');
    expect(grouping.map((x) => x.name).sort()).toEqual([
      'acme.chat gpt-4o-mini',
      'acme.embedding acme-embed',
    ]);
    for (const x of grouping) expect(x.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
  });

  it('an instrumented SDK underneath a model call: its span is the LLM call, ours only groups it', async () => {
    const m = model({
      provider: 'acme.chat',
      doGenerate: async () => {
        noteProviderCall(context.active());
        return TEXT;
      },
    });
    await ai.generateText({ model: m, prompt: 'x' });
    const grouping = one('acme.chat gpt-4o-mini');
    expect(grouping.attributes).toEqual({ 'sprintlens.usage.source': 'provider' });
    const root = one('invoke_agent generateText');
    expect(root.attributes['sprintlens.usage.total_input_tokens']).toBe(100);
    expect(root.attributes).not.toHaveProperty('sprintlens.cost.total_usd');
  });

  it('telemetry turned off by the app, or the instrumentation disabled: no span', async () => {
    await ai.generateText({
      model: model({ doGenerate: TEXT }),
      prompt: 'x',
      experimental_telemetry: { isEnabled: false },
    });
    const off = patched.streamText({
      model: model({
        doStream: { stream: mocks.convertArrayToReadableStream(streamParts(['a'])) },
      }),
      prompt: 'x',
      telemetry: { isEnabled: false },
    });
    for await (const chunk of off.textStream) void chunk;
    instrumentation.disable();
    expect(INTEGRATIONS()).toHaveLength(0);
    try {
      await ai.generateText({ model: model({ doGenerate: TEXT }), prompt: 'x' });
    } finally {
      instrumentation.enable();
    }
    await settle();
    expect(spans()).toHaveLength(0);
  });

  it('`ai` 6 events (no aiVersion) are left to the spans path', () => {
    const integration = instrumentation.aiIntegration();
    integration.onStart({ callId: 'x', operationId: 'ai.generateText', modelId: 'm' });
    expect(integration.inFlight).toBe(0);
  });

  it('nothing of ours reaches the app: a failing tracer leaves calls as they are', async () => {
    instrumentation.setTracerProvider({
      getTracer: () =>
        ({
          startSpan: () => {
            throw new Error('tracer exploded');
          },
        }) as never,
    });
    try {
      const r = await ai.generateText({ model: model({ doGenerate: TEXT }), prompt: 'x' });
      expect(r.text).toBe('Hello.');
    } finally {
      instrumentation.setTracerProvider(tracerProvider);
    }
  });
});

describe('ai 7: content capture', () => {
  let capturing: AiSdkInstrumentation;

  beforeAll(() => {
    instrumentation.setConfig({ captureContent: true });
    capturing = instrumentation;
  });
  afterAll(() => capturing.setConfig({}));

  it('messages, system instructions, the reply, tool arguments and results, redacted', async () => {
    await ai.generateText({
      model: model({ doGenerate: [TOOL_CALL, TEXT] }),
      system: 'You are terse.',
      prompt: 'Weather in Paris? Mail jane.doe@example.com',
      tools: { get_weather: weatherTool(async () => ({ forecast: 'sunny' })) },
      stopWhen: ai.stepCountIs(3),
    });
    const [first, second] = named('chat gpt-4o-mini');
    expect(JSON.parse(first!.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'You are terse.' },
    ]);
    expect(JSON.parse(first!.attributes['gen_ai.input.messages'] as string)).toEqual([
      {
        role: 'user',
        parts: [{ type: 'text', content: 'Weather in Paris? Mail [REDACTED:email]' }],
      },
    ]);
    expect(JSON.parse(first!.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finish_reason: 'tool-calls',
      },
    ]);
    const history = JSON.parse(second!.attributes['gen_ai.input.messages'] as string) as Any[];
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    const tool = one('execute_tool get_weather');
    expect(tool.attributes['gen_ai.tool.call.arguments']).toBe('{"city":"Paris"}');
    expect(tool.attributes['gen_ai.tool.call.result']).toBe('{"forecast":"sunny"}');
    for (const s of spans()) expect(JSON.stringify(s.attributes)).not.toContain('jane.doe@');
  });
});

function toolCall(toolCallId: string, toolName: string) {
  return { type: 'tool-call', toolCallId, toolName, input: '{"city":"Paris"}' };
}

/** `sprintlens_tool_calls_total` of `tool` by outcome. */
async function toolCounts(tool: string): Promise<{ ok: number; error: number }> {
  const text = await selfMetrics().registry.metrics();
  const counts = { ok: 0, error: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith('sprintlens_tool_calls_total{') || !line.includes(`tool="${tool}"`)) {
      continue;
    }
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.includes('outcome="ok"')) counts.ok += value;
    else if (line.includes('outcome="error"')) counts.error += value;
  }
  return counts;
}

async function tokenCounters(modelName: string): Promise<number> {
  const text = await selfMetrics().registry.metrics();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('sprintlens_llm_tokens_total{') && line.includes(`model="${modelName}"`)) {
      if (line.includes('type="input"') || line.includes('type="output"')) {
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
  }
  return total;
}

async function tokenHistogramSum(modelName: string): Promise<number> {
  const { usage } = await collectGenAiHistograms(reader);
  if (usage === undefined) return 0;
  return usage.dataPoints
    .filter((p) => p.attributes['gen_ai.request.model'] === modelName)
    .reduce((n, p) => n + (p.value.sum ?? 0), 0);
}
