/**
 * The LLM call pipeline with adapters for SDKs of the shapes the next providers have, faked in
 * process: a Google-style client whose methods are arrow functions on each instance, returning
 * plain promises (of a response, or of an async generator of chunks), and a Bedrock-style client
 * whose `send(command)` returns a plain promise whose output holds an async iterable in a field.
 * The pipeline must observe each without the adapter touching a span, a promise or an iterator,
 * and the caller must get the same values, objects and errors.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { beforeEach, describe, expect, it } from 'vitest';
import { LlmUsage, PriceBook, wrapLlmMethod } from '../../../instrumentations/genai';
import type {
  ChunkObserver,
  GenAiCall,
  GenAiTelemetry,
  LlmAdapter,
  LlmMethod,
} from '../../../instrumentations/genai';
import { asObject, asString } from '../../../instrumentations/genai/narrow';
import { captureDiag } from '../../support/llm-instrumentation';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const usage = new LlmUsage();
const telemetry: GenAiTelemetry = {
  tracer: provider.getTracer('test'),
  metrics: undefined,
  prices: new PriceBook([{ 'fake-model': { input: 1, output: 2 } }]),
  content: undefined,
  usage,
};
const diagLines: string[] = [];

beforeEach(() => {
  exporter.reset();
  captureDiag(diagLines);
});

const spans = () => exporter.getFinishedSpans();
const only = () => {
  expect(spans()).toHaveLength(1);
  return spans()[0]!;
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

// ------------------------------------------------------------------ a Google-style SDK

interface Part {
  text?: string;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number };
  modelVersion?: string;
}

/** Methods are arrow functions made per instance, as `@google/genai`'s `Models` has them. */
class FakeModels {
  failNext: Error | undefined;
  generateContent = async (params: { model: string }): Promise<Part> => {
    await tick();
    if (this.failNext !== undefined) throw this.failNext;
    return {
      text: `hello from ${params.model}`,
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3 },
      modelVersion: `${params.model}-2025-01-01`,
    };
  };
  generateContentStream = async (params: {
    model: string;
    chunks: number;
    failAt?: number;
    config?: { abortSignal?: AbortSignal };
  }): Promise<AsyncGenerator<Part>> => {
    await tick();
    async function* chunks(): AsyncGenerator<Part> {
      for (let i = 0; i < params.chunks; i++) {
        if (i === params.failAt) throw new TypeError('connection dropped');
        yield i === params.chunks - 1
          ? { text: `w${i}`, usageMetadata: { promptTokenCount: 5, candidatesTokenCount: i + 1 } }
          : { text: `w${i}` };
      }
    }
    return chunks();
  };
}

/** Google-style chunks and responses have one shape: one reader serves both. */
function readPart(call: GenAiCall, value: unknown): void {
  const part = asObject(value);
  if (part === undefined) return;
  call.responseModel ??= asString(part.modelVersion);
  const meta = asObject(part.usageMetadata);
  if (typeof meta?.promptTokenCount === 'number') call.inputTokens = meta.promptTokenCount;
  if (typeof meta?.candidatesTokenCount === 'number') call.outputTokens = meta.candidatesTokenCount;
}

function googleAdapter(): LlmAdapter & { seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    seen,
    abortSignal(args) {
      const signal = asObject(asObject(args[0])?.config)?.abortSignal;
      return signal instanceof AbortSignal ? signal : undefined;
    },
    request(_self, args) {
      const params = asObject(args[0]);
      if (params === undefined) return undefined;
      return {
        operation: 'chat',
        provider: 'gcp.gen_ai',
        requestModel: asString(params.model),
        attributes: {},
        serverAddress: 'generativelanguage.googleapis.com',
        serverPort: 443,
      };
    },
    readResult: (call, value) => readPart(call, value),
    observeChunks(call): ChunkObserver<unknown> {
      return {
        onChunk(chunk) {
          seen.push(chunk);
          readPart(call, chunk);
          return false;
        },
        onEnd() {
          call.finishReasons = ['stop'];
        },
      };
    },
  };
}

/** Patches one instance, as an instrumentation of such an SDK would in its constructor. */
function instrumentModels(models: FakeModels, adapter: LlmAdapter): FakeModels {
  const wrap = wrapLlmMethod(adapter, () => telemetry);
  const own = models as unknown as Record<string, LlmMethod>;
  own.generateContent = wrap(own.generateContent!);
  own.generateContentStream = wrap(own.generateContentStream!);
  return models;
}

describe('plain promises (an async SDK method, per-instance arrow functions)', () => {
  it('a response: read before the caller gets the same value', async () => {
    const models = instrumentModels(new FakeModels(), googleAdapter());
    const response = await models.generateContent({ model: 'fake-model' });
    expect(response.text).toBe('hello from fake-model');
    const span = only();
    expect(span.name).toBe('chat fake-model');
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.gen_ai',
      'gen_ai.response.model': 'fake-model-2025-01-01',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 3,
      'sprintlens.cost.usd': (10 * 1 + 3 * 2) / 1e6,
    });
    expect(span.attributes).not.toHaveProperty('sprintlens.stream.outcome');
  });

  it('a rejection fails the span and reaches the caller unchanged, as a rejection', async () => {
    const models = instrumentModels(new FakeModels(), googleAdapter());
    class ApiError extends Error {
      status = 429;
    }
    const failure = new ApiError('quota');
    models.failNext = failure;
    await expect(models.generateContent({ model: 'fake-model' })).rejects.toBe(failure);
    const span = only();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ApiError' });
    expect(span.attributes['http.response.status_code']).toBe(429);
  });

  it('a stream returned as the value (an async generator): observed in place', async () => {
    const adapter = googleAdapter();
    const models = instrumentModels(new FakeModels(), adapter);
    const stream = await models.generateContentStream({ model: 'fake-model', chunks: 4 });
    expect(spans()).toHaveLength(0);
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(chunk.text!);
    expect(texts).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(adapter.seen).toHaveLength(4);
    const span = only();
    expect(span.attributes).toMatchObject({
      'sprintlens.stream.chunks': 4,
      'sprintlens.stream.outcome': 'completed',
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(span.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThanOrEqual(0);
  });

  it('a generator read with next() directly, then closed early: ends once, cancelled', async () => {
    const models = instrumentModels(new FakeModels(), googleAdapter());
    const stream = await models.generateContentStream({ model: 'fake-model', chunks: 5 });
    expect((await stream.next()).value).toEqual({ text: 'w0' });
    expect((await stream.next()).value).toEqual({ text: 'w1' });
    await stream.return(undefined);
    await stream.return(undefined);
    expect((await stream.next()).done).toBe(true);
    expect(only().attributes).toMatchObject({
      'sprintlens.stream.chunks': 2,
      'sprintlens.stream.outcome': 'cancelled',
    });
  });

  it('an abort of the request ends the span even if nobody reads the stream again', async () => {
    const models = instrumentModels(new FakeModels(), googleAdapter());
    const controller = new AbortController();
    const stream = await models.generateContentStream({
      model: 'fake-model',
      chunks: 5,
      config: { abortSignal: controller.signal },
    });
    await stream.next();
    expect(spans()).toHaveLength(0);
    controller.abort();
    expect(only().attributes).toMatchObject({
      'sprintlens.stream.chunks': 1,
      'sprintlens.stream.outcome': 'aborted',
    });
  });

  it('an error mid-stream fails the span with what was received; the caller gets the error', async () => {
    const models = instrumentModels(new FakeModels(), googleAdapter());
    const stream = await models.generateContentStream({
      model: 'fake-model',
      chunks: 5,
      failAt: 3,
    });
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) texts.push(chunk.text!);
      })(),
    ).rejects.toThrow('connection dropped');
    expect(texts).toEqual(['w0', 'w1', 'w2']);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'error.type': 'TypeError',
      'sprintlens.stream.chunks': 3,
      'sprintlens.stream.outcome': 'error',
    });
  });
});

// ------------------------------------------------------------------ a Bedrock-style SDK

class ConverseCommand {
  constructor(readonly input: { modelId: string }) {}
}
class ConverseStreamCommand {
  constructor(readonly input: { modelId: string; events: number }) {}
}
class ListThingsCommand {
  readonly input = {};
}

type Event = { contentBlockDelta?: { delta: { text: string } }; metadata?: unknown };

/** An event stream: an async iterable that is not itself an iterator, as SDK event streams are. */
function eventStream(count: number): AsyncIterable<Event> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < count; i++) yield { contentBlockDelta: { delta: { text: `t${i}` } } };
      yield { metadata: { usage: { inputTokens: 7, outputTokens: count } } };
    },
  };
}

class FakeRuntimeClient {
  async send(command: object): Promise<unknown> {
    await tick();
    if (command instanceof ConverseCommand) {
      return {
        output: { message: { content: [{ text: 'hi' }] } },
        usage: { inputTokens: 4, outputTokens: 1 },
      };
    }
    if (command instanceof ConverseStreamCommand) {
      return { $metadata: {}, stream: eventStream(command.input.events) };
    }
    return { things: [] };
  }
}

const readBedrockUsage = (call: GenAiCall, value: unknown): void => {
  const u = asObject(value);
  if (typeof u?.inputTokens === 'number') call.inputTokens = u.inputTokens;
  if (typeof u?.outputTokens === 'number') call.outputTokens = u.outputTokens;
};

const BEDROCK: LlmAdapter = {
  request(_self, args) {
    const command = args[0];
    if (!(command instanceof ConverseCommand) && !(command instanceof ConverseStreamCommand)) {
      return undefined; // not a model call: left alone
    }
    return {
      operation: 'chat',
      provider: 'aws.bedrock',
      requestModel: command.input.modelId,
      attributes: {},
    };
  },
  // The stream is a field of the output.
  chunksOf: (output) => asObject(asObject(output)?.stream),
  readResult: (call, output) => readBedrockUsage(call, asObject(output)?.usage),
  observeChunks: (call) => ({
    onChunk(event) {
      readBedrockUsage(call, asObject(asObject(asObject(event)?.metadata)?.usage));
      return false;
    },
    onEnd() {},
  }),
};

function instrumentedClient(): FakeRuntimeClient {
  const client = new FakeRuntimeClient();
  const own = client as unknown as Record<string, LlmMethod>;
  own.send = wrapLlmMethod(BEDROCK, () => telemetry)(FakeRuntimeClient.prototype.send as LlmMethod);
  return client;
}

describe('plain promises whose output holds a stream in a field (client.send(command))', () => {
  it('a command that is no model call is left alone: no span, the same promise', async () => {
    const client = instrumentedClient();
    const original = new FakeRuntimeClient();
    const command = new ListThingsCommand();
    const sent = client.send(command);
    expect(await sent).toEqual(await original.send(command));
    expect(spans()).toHaveLength(0);
  });

  it('a complete output is read from its own fields', async () => {
    const output = (await instrumentedClient().send(
      new ConverseCommand({ modelId: 'fake-model' }),
    )) as {
      output: unknown;
    };
    expect(output.output).toEqual({ message: { content: [{ text: 'hi' }] } });
    expect(only().attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 1,
    });
  });

  it('the stream field is observed in place; the caller iterates the same object', async () => {
    const output = (await instrumentedClient().send(
      new ConverseStreamCommand({ modelId: 'fake-model', events: 3 }),
    )) as { stream: AsyncIterable<Event> };
    const texts: string[] = [];
    for await (const event of output.stream) {
      if (event.contentBlockDelta !== undefined) texts.push(event.contentBlockDelta.delta.text);
    }
    expect(texts).toEqual(['t0', 't1', 't2']);
    expect(only().attributes).toMatchObject({
      'sprintlens.stream.chunks': 4,
      'sprintlens.stream.outcome': 'completed',
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 3,
    });
  });

  it('leaving the loop early ends the span once, cancelled', async () => {
    const output = (await instrumentedClient().send(
      new ConverseStreamCommand({ modelId: 'fake-model', events: 10 }),
    )) as { stream: AsyncIterable<Event> };
    for await (const event of output.stream) {
      void event;
      break;
    }
    expect(only().attributes).toMatchObject({
      'sprintlens.stream.chunks': 1,
      'sprintlens.stream.outcome': 'cancelled',
    });
  });
});

// ------------------------------------------------------------------ the pipeline's own rules

/** A method wrapped with `adapter`, on a plain object. */
function wrapped(adapter: Partial<LlmAdapter>, method: LlmMethod): LlmMethod {
  const full: LlmAdapter = {
    request: () => ({ operation: 'chat', provider: 'test', requestModel: 'm', attributes: {} }),
    readResult: () => undefined,
    ...adapter,
  };
  return wrapLlmMethod(full, () => telemetry)(method);
}

describe('the pipeline', () => {
  it('a synchronous throw of the SDK fails the span and reaches the caller', () => {
    const failure = new RangeError('bad argument');
    const method = wrapped({}, () => {
      throw failure;
    });
    expect(() => method.call(undefined, {})).toThrow(failure);
    expect(only().attributes['error.type']).toBe('RangeError');
  });

  it('a rewrite is sent instead of the caller’s arguments and marks the call', async () => {
    let sent: unknown;
    let rewritten: boolean | undefined;
    const method = wrapped(
      {
        rewrite: (args) => [{ ...(args[0] as object), added: true }],
        readResult: (call) => (rewritten = call.rewritten),
      },
      (body) => {
        sent = body;
        return Promise.resolve('ok');
      },
    );
    const body = { q: 1 };
    expect(await method.call(undefined, body)).toBe('ok');
    expect(sent).toEqual({ q: 1, added: true });
    expect(body).toEqual({ q: 1 });
    expect(rewritten).toBe(true);
  });

  it('a thenable of an unknown kind is returned untouched, never read; the call ends', () => {
    let thenCalled = false;
    const lazy = {
      then(resolve: (value: unknown) => void) {
        thenCalled = true;
        resolve('parsed');
      },
    };
    const method = wrapped({ readResult: () => expect.unreachable() }, () => lazy);
    expect(method.call(undefined, {})).toBe(lazy);
    expect(thenCalled).toBe(false);
    expect(only().attributes).not.toHaveProperty('error.type');
  });

  it('a failure of the adapter is reported; the span ends and the caller keeps its value', async () => {
    const value = { id: 'v' };
    const method = wrapped(
      {
        readResult: () => {
          throw new Error('reader bug');
        },
      },
      () => Promise.resolve(value),
    );
    expect(await method.call(undefined, {})).toBe(value);
    expect(spans()).toHaveLength(1);
    expect(diagLines.join('\n')).toContain('reading a response');
  });

  it('an adapter whose request throws leaves the call uninstrumented, with the same result', () => {
    const result = Promise.resolve(1);
    const method = wrapped(
      {
        request: () => {
          throw new Error('describe bug');
        },
      },
      () => result,
    );
    expect(method.call(undefined, {})).toBe(result);
    expect(spans()).toHaveLength(0);
    expect(diagLines.join('\n')).toContain('SL_GENAI_INSTRUMENTATION_FAILED');
  });

  it('a stream that cannot be observed in place (frozen) ends the call at once', async () => {
    const frozen = Object.freeze({
      async *[Symbol.asyncIterator]() {
        yield 1;
      },
    });
    const method = wrapped(
      { observeChunks: () => ({ onChunk: () => false, onEnd: () => undefined }) },
      () => Promise.resolve(frozen),
    );
    const stream = (await method.call(undefined, {})) as AsyncIterable<number>;
    expect(stream).toBe(frozen);
    const values: number[] = [];
    for await (const v of stream) values.push(v);
    expect(values).toEqual([1]);
    expect(spans()).toHaveLength(1);
    expect(diagLines.join('\n')).toContain('observing a stream');
  });

  it('calls count into the usage ledger of their telemetry', async () => {
    const before = usage.records().find((r) => r.model === 'm')?.calls ?? 0;
    await wrapped({}, () => Promise.resolve(1)).call(undefined, {});
    expect(usage.records().find((r) => r.provider === 'test' && r.model === 'm')?.calls).toBe(
      before + 1,
    );
  });
});
