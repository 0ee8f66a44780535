/**
 * How a call is tied to the SDK's own `APIPromise` (the real class from `openai`, fed a response
 * promise and a parse function we control): the caller must get exactly what the SDK gives, and
 * the span must end once, on every path.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { APIPromise } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenAiCall, PriceBook } from '../../../instrumentations/genai';
import {
  observeApiPromise,
  wrapAsResponse,
} from '../../../instrumentations/genai/stainless-promise';
import { captureDiag } from '../../support/llm-instrumentation';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

function newCall(): GenAiCall {
  return new GenAiCall(
    {
      tracer: provider.getTracer('test'),
      metrics: undefined,
      prices: new PriceBook([]),
      content: undefined,
    },
    { operation: 'chat', provider: 'openai', requestModel: 'm', attributes: {} },
  );
}

/** What the SDK's response promise resolves with (only `response` is read here). */
function props() {
  return { response: new Response('{}', { status: 200 }) };
}

type Parse = (client: unknown, props: unknown) => unknown;

/**
 * The real `APIPromise`, seen through the fields the SDK keeps internal (TypeScript marks them
 * private; at run time they are plain properties, which is what the instrumentation relies on).
 */
type ObservedPromise = Parameters<typeof observeApiPromise>[0] &
  Promise<unknown> & { parse(): Promise<unknown> };

function apiPromise(responsePromise: Promise<unknown>, parse: Parse): ObservedPromise {
  // The client is only handed back to `parse`; the casts stand for the SDK's internal types.
  return new APIPromise(
    {} as never,
    responsePromise as never,
    parse as never,
  ) as unknown as ObservedPromise;
}

const diagLines: string[] = [];
beforeEach(() => {
  exporter.reset();
  captureDiag(diagLines);
});
afterEach(() => exporter.reset());

describe('observeApiPromise', () => {
  it("hands the SDK its own parse result and the caller the SDK's value, after onResult saw it", async () => {
    const parsed = { id: 'x' };
    const events: string[] = [];
    let ownResult: unknown;
    const promise = apiPromise(Promise.resolve(props()), () => {
      ownResult = Promise.resolve(parsed);
      return ownResult;
    });
    const original = promise.parseResponse;
    const call = newCall();
    observeApiPromise(promise, call, (value) => {
      events.push('onResult');
      expect(value).toBe(parsed);
      call.end();
    });
    // The wrapper returns the very promise the SDK's parse function returned.
    expect(promise.parseResponse).not.toBe(original);
    const value = await promise.then((v) => {
      events.push('caller');
      return v;
    });
    expect(value).toBe(parsed);
    expect(promise.parseResponse({}, props())).toBe(ownResult);
    expect(events).toEqual(['onResult', 'caller']);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('fails the call when the request fails, and the caller still sees the rejection', async () => {
    class APIConnectionError extends Error {}
    const failure = new APIConnectionError('socket hang up');
    const promise = apiPromise(Promise.reject(failure), () => ({}));
    observeApiPromise(promise, newCall(), () => {
      throw new Error('not reached');
    });
    await expect(promise).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('APIConnectionError');
  });

  it('fails the call when parsing rejects or throws, and rethrows the same error', async () => {
    const rejected = new SyntaxError('bad JSON');
    const rejecting = apiPromise(Promise.resolve(props()), () => Promise.reject(rejected));
    observeApiPromise(rejecting, newCall(), () => undefined);
    await expect(rejecting).rejects.toBe(rejected);

    const thrown = new TypeError('sync parse failure');
    const throwing = apiPromise(Promise.resolve(props()), () => {
      throw thrown;
    });
    observeApiPromise(throwing, newCall(), () => undefined);
    await expect(throwing).rejects.toBe(thrown);

    const types = exporter.getFinishedSpans().map((s) => s.attributes['error.type']);
    expect(types).toEqual(['SyntaxError', 'TypeError']);
  });

  it('reports a failure of ours, ends the span and leaves the caller its value', async () => {
    const parsed = { id: 'y' };
    const promise = apiPromise(Promise.resolve(props()), () => Promise.resolve(parsed));
    observeApiPromise(promise, newCall(), () => {
      throw new Error('reader bug');
    });
    await expect(promise).resolves.toBe(parsed);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(diagLines.some((l) => l.includes('reading a response'))).toBe(true);
  });

  it('adopts a synchronous parse result without changing what the SDK gets', async () => {
    const parsed = { id: 'sync' };
    const promise = apiPromise(Promise.resolve(props()), () => parsed);
    let seen: unknown;
    const call = newCall();
    observeApiPromise(promise, call, (value) => {
      seen = value;
      call.end();
    });
    await expect(promise).resolves.toBe(parsed);
    expect(seen).toBe(parsed);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});

describe('wrapAsResponse', () => {
  const asResponse = wrapAsResponse(APIPromise.prototype.asResponse);

  it('ends the span once the raw response is in when nothing parses the body', async () => {
    const promise = apiPromise(Promise.resolve(props()), () => {
      throw new Error('never parsed');
    });
    observeApiPromise(promise, newCall(), () => undefined);
    const response = (await asResponse.call(promise)) as Response;
    expect(response.status).toBe(200);
    // The body is still the caller's to read.
    expect(await response.text()).toBe('{}');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('leaves the span to the parsed result when the body is parsed too (withResponse)', async () => {
    let release: (value: unknown) => void = () => undefined;
    const parsing = new Promise((resolve) => (release = resolve));
    const promise = apiPromise(Promise.resolve(props()), () => parsing);
    const call = newCall();
    observeApiPromise(promise, call, () => call.end());
    const parsed = promise.parse();
    await asResponse.call(promise);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    release({ id: 'z' });
    await parsed;
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});
