/**
 * What a provider may tell the pipeline beyond the request: the name a call is priced under, a
 * server learned only after the call started, an HTTP status in an AWS error's `$metadata`, and
 * how a stream ended, given to its observer.
 */
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { beforeEach, describe, expect, it } from 'vitest';
import { GenAiCall, PriceBook, observeChunks } from '../../../instrumentations/genai';
import type { GenAiTelemetry, LlmRequest, StreamOutcome } from '../../../instrumentations/genai';
import type { ServerAddress } from '../../../instrumentations/genai/server-address';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const telemetry: GenAiTelemetry = {
  tracer: provider.getTracer('test'),
  metrics: undefined,
  prices: new PriceBook([
    { 'priced-name': { input: 1, output: 2 }, 'model-x': { input: 5, output: 5 } },
  ]),
  content: undefined,
};
beforeEach(() => exporter.reset());

function call(extra: Partial<LlmRequest> = {}): GenAiCall {
  return new GenAiCall(telemetry, {
    operation: 'chat',
    provider: 'p',
    requestModel: 'model-x',
    attributes: {},
    ...extra,
  });
}

const attributes = () => exporter.getFinishedSpans()[0]!.attributes;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GenAiCall options', () => {
  it('priceModel: the call is priced under that name, not the model', () => {
    const c = call({ priceModel: 'priced-name' });
    c.responseModel = 'model-x';
    c.inputTokens = 1_000_000;
    c.outputTokens = 1_000_000;
    c.end();
    expect(attributes()['sprintlens.cost.usd']).toBe(3);
    expect(attributes()['gen_ai.request.model']).toBe('model-x');
  });

  it('serverPending: recorded when it settles before the end; ignored after it or on failure', async () => {
    let settle: (server: ServerAddress) => void = () => undefined;
    const early = call({ serverPending: new Promise((resolve) => (settle = resolve)) });
    settle({ serverAddress: 'bedrock-runtime.us-east-1.amazonaws.com', serverPort: 443 });
    await tick();
    expect(early.serverAddress).toBe('bedrock-runtime.us-east-1.amazonaws.com');
    early.end();
    expect(attributes()).toMatchObject({
      'server.address': 'bedrock-runtime.us-east-1.amazonaws.com',
      'server.port': 443,
    });
    exporter.reset();
    let late: (server: ServerAddress) => void = () => undefined;
    const ended = call({ serverPending: new Promise((resolve) => (late = resolve)) });
    ended.end();
    late({ serverAddress: 'late.example', serverPort: 443 });
    await tick();
    expect(ended.serverAddress).toBeUndefined();
    expect(attributes()).not.toHaveProperty('server.address');
    const rejected = call({ serverPending: Promise.reject(new Error('no region')) });
    await tick();
    expect(rejected.serverAddress).toBeUndefined();
    const known = call({
      serverAddress: 'known.example',
      serverPending: Promise.resolve({ serverAddress: 'other.example', serverPort: 1 }),
    });
    await tick();
    expect(known.serverAddress).toBe('known.example');
  });

  it("an AWS error's $metadata.httpStatusCode is the span's HTTP status", () => {
    class ThrottlingException extends Error {
      readonly $metadata = { httpStatusCode: 429, requestId: 'r' };
    }
    call().fail(new ThrottlingException('slow down'));
    expect(attributes()).toMatchObject({
      'error.type': 'ThrottlingException',
      'http.response.status_code': 429,
    });
  });

  it('a stream observer learns how the stream ended', async () => {
    const outcomes: StreamOutcome[] = [];
    const observer = { onChunk: () => false, onEnd: (o: StreamOutcome) => void outcomes.push(o) };
    async function* items() {
      yield 1;
      yield 2;
    }
    const complete = items();
    observeChunks(complete, call(), observer);
    for await (const item of complete) void item;
    const broken = items();
    observeChunks(broken, call(), observer);
    for await (const _ of broken) break;
    expect(outcomes).toEqual(['completed', 'cancelled']);
  });
});
