/**
 * The wrapped functions of `ai` (telemetry on by default in `ai` 5/6, stream watches in `ai` 7),
 * how the module's exports are patched, and the stream watch that ends abandoned streams.
 */
import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../../instrumentations/genai';
import type { GenAiTelemetry } from '../../../instrumentations/genai';
import { AiSdkInstrumentation } from '../../../instrumentations/ai-sdk';
import { aiWrappers, exportsWith, originalOf } from '../../../instrumentations/ai-sdk/exports';
import type { AiFunction } from '../../../instrumentations/ai-sdk/exports';
import { LegacyTracer } from '../../../instrumentations/ai-sdk/legacy-tracer';
import { StreamWatch } from '../../../instrumentations/ai-sdk/stream-watch';
import type { WatchedCall } from '../../../instrumentations/ai-sdk/stream-watch';

type Options = Record<string, unknown> & { experimental_telemetry?: Record<string, unknown> };

const TELEMETRY: GenAiTelemetry = {
  tracer: { startSpan: () => undefined } as never,
  metrics: undefined,
  prices: loadPriceBook({}),
  content: undefined,
};

/** A function that records what it was called with and returns a marker. */
function recorder(): AiFunction & { calls: { self: unknown; args: unknown[] }[] } {
  const calls: { self: unknown; args: unknown[] }[] = [];
  const fn = function (this: unknown, ...args: unknown[]) {
    calls.push({ self: this, args });
    return 'result';
  } as AiFunction & { calls: typeof calls };
  fn.calls = calls;
  return fn;
}

describe('ai 5/6: telemetry on by default', () => {
  const wrap = (telemetry: GenAiTelemetry | undefined) =>
    aiWrappers(6, { telemetry: () => telemetry }).generateText!;

  it('wraps the six functions; each call gets our tracer, content off unless capture is on', () => {
    expect(Object.keys(aiWrappers(6, { telemetry: () => undefined })).sort()).toEqual([
      'embed',
      'embedMany',
      'generateObject',
      'generateText',
      'streamObject',
      'streamText',
    ]);
    const original = recorder();
    const self = {};
    const options: Options = {
      prompt: 'x',
      experimental_telemetry: { functionId: 'f', metadata: { a: 1 }, recordInputs: true },
    };
    expect(wrap(TELEMETRY)(original).call(self, options, 'second')).toBe('result');
    const [call] = original.calls;
    expect(call!.self).toBe(self);
    expect(call!.args[1]).toBe('second');
    const sent = call!.args[0] as Options;
    expect(sent).not.toBe(options);
    expect(sent.prompt).toBe('x');
    expect(sent.experimental_telemetry).toMatchObject({
      isEnabled: true,
      functionId: 'f',
      metadata: { a: 1 },
      recordInputs: false,
      recordOutputs: false,
    });
    expect(sent.experimental_telemetry!.tracer).toBeInstanceOf(LegacyTracer);
    // The caller's options are theirs: untouched.
    expect(options.experimental_telemetry).not.toHaveProperty('isEnabled');
  });

  it('the app’s choice wins: telemetry off, or its own tracer, leaves the call alone', () => {
    const original = recorder();
    const off: Options = { experimental_telemetry: { isEnabled: false } };
    const own: Options = { experimental_telemetry: { isEnabled: true, tracer: {} } };
    wrap(TELEMETRY)(original)(off);
    wrap(TELEMETRY)(original)(own);
    wrap(undefined)(original)({ prompt: 'disabled' });
    wrap(TELEMETRY)(original)('not options');
    expect(original.calls.map((c) => c.args[0])).toEqual([
      off,
      own,
      { prompt: 'disabled' },
      'not options',
    ]);
  });

  it('ai 7 wraps the streaming functions and those whose model requests have no hook', () => {
    expect(Object.keys(aiWrappers(7, { telemetry: () => undefined })).sort()).toEqual([
      'embed',
      'embedMany',
      'generateObject',
      'streamObject',
      'streamText',
    ]);
  });
});

describe('patching the module', () => {
  it('exports that cannot change (getters, a namespace) are copied, live getters kept', () => {
    const module: Record<string, unknown> = {};
    let counter = 1;
    Object.defineProperty(module, 'generateText', { get: () => recorder(), enumerable: true });
    Object.defineProperty(module, 'counter', { get: () => counter, enumerable: true });
    Object.defineProperty(module, Symbol.toStringTag, { value: 'Module' });
    const wrapped = recorder();
    const copy = exportsWith(module, { generateText: wrapped }) as Record<PropertyKey, unknown>;
    expect(copy.generateText).toBe(wrapped);
    counter = 2;
    expect(copy.counter).toBe(2);
    expect(copy[Symbol.toStringTag]).toBe('Module');
  });

  it('the instrumentation hands `require` a copy with its wrappers, once', () => {
    const instrumentation = new AiSdkInstrumentation({ enabled: false });
    const generateText = recorder();
    const module = Object.freeze({ generateText, streamText: recorder(), tool: (t: unknown) => t });
    const patch = instrumentation.getModuleDefinitions()[0]!.patch!;
    const copy = patch(module, '6.0.0') as Record<string, unknown>;
    expect(copy).not.toBe(module);
    expect(originalOf(copy.generateText)).toBe(generateText);
    expect(copy.tool).toBe(module.tool);
    // Patching the patched copy again changes nothing.
    expect(patch(copy, '6.0.0')).toBe(copy);
    // Disabled: the wrappers call straight through with the caller's arguments.
    const options = { prompt: 'x' };
    (copy.generateText as AiFunction)(options);
    expect(generateText.calls[0]!.args[0]).toBe(options);
  });
});

describe('the stream watch', () => {
  function call(): WatchedCall & { log: string[] } {
    const log: string[] = [];
    return {
      log,
      addChunks: (n) => log.push(`chunks ${n}`),
      cancel: () => log.push('cancel'),
      failStream: (e) => log.push(`fail ${(e as Error).message}`),
    };
  }
  const source = (items: unknown[]) =>
    new ReadableStream({
      start(c) {
        for (const item of items) c.enqueue(item);
        c.close();
      },
    });
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('a stream read to the end ends nothing; its parts are counted', async () => {
    const watch = new StreamWatch();
    const target = call();
    watch.attach(target);
    const stream = watch.observe(source([1, 2, 3])) as ReadableStream<number>;
    const read: number[] = [];
    for await (const item of stream) read.push(item);
    await turn();
    expect(read).toEqual([1, 2, 3]);
    expect(target.log).toEqual(['chunks 0', 'chunks 1', 'chunks 1', 'chunks 1']);
  });

  it('every stream cancelled, none taken by the next turn: the call is cancelled, once', async () => {
    const watch = new StreamWatch();
    const target = call();
    watch.attach(target);
    const reader = (watch.observe(source([1, 2])) as ReadableStream).getReader();
    await reader.read();
    await reader.cancel();
    await turn();
    expect(target.log.filter((l) => l === 'cancel')).toHaveLength(1);
  });

  it('a stream cancelled and another taken in the same turn: the call goes on', async () => {
    const watch = new StreamWatch();
    const target = call();
    watch.attach(target);
    await (watch.observe(source([1])) as ReadableStream).cancel();
    watch.observe(source([2]));
    await turn();
    expect(target.log).not.toContain('cancel');
  });

  it('a failing stream fails the call; what happened before the call was known is replayed', async () => {
    const watch = new StreamWatch();
    const failing = new ReadableStream({
      pull(c) {
        c.error(new Error('reset'));
      },
    });
    await expect((watch.observe(failing) as ReadableStream).getReader().read()).rejects.toThrow(
      'reset',
    );
    const target = call();
    watch.attach(target);
    expect(target.log).toEqual(['chunks 0', 'fail reset']);
  });

  it('results: streamText’s teeStream and streamObject’s baseStream are observed in place', async () => {
    const watch = new StreamWatch();
    const target = call();
    watch.attach(target);
    const text = {
      teeStream: () => source(['a']),
    };
    watch.install(text);
    for await (const part of text.teeStream() as unknown as AsyncIterable<unknown>) void part;
    const object = { baseStream: source(['{', '}']) };
    watch.install(object);
    for await (const part of object.baseStream) void part;
    expect(target.log.filter((l) => l === 'chunks 1')).toHaveLength(3);
    watch.install(null);
    watch.install({ other: true });
  });
});
