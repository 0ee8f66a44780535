import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { track, TRACK_INPUT_ATTRIBUTE, TRACK_OUTPUT_ATTRIBUTE } from '../../../src/track';
import { safeStringify } from '../../../src/base/text';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const byName = (name: string) => spans().find((s) => s.name === name);

describe('track(fn)', () => {
  it('sync: same result, same this, span named after the function', () => {
    const target = { factor: 3 };
    const triple = track(function triple(this: typeof target, x: number) {
      return x * this.factor;
    });
    expect(triple.call(target, 2)).toBe(6);
    expect(triple.name).toBe('triple');
    expect(triple.length).toBe(1);
    expect(spans().map((s) => s.name)).toEqual(['triple']);
  });

  it('sync throw: the same error reaches the caller, span is ERROR', () => {
    const boom = new RangeError('nope');
    const fails = track(
      () => {
        throw boom;
      },
      { name: 'fails' },
    );
    expect(() => fails()).toThrow(boom);
    const span = byName('fails')!;
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toBe('RangeError');
  });

  it('async: span ends when the promise settles; nested spans are children', async () => {
    const inner = track(async function inner() {
      await new Promise((r) => setTimeout(r, 5));
      return 'inner';
    });
    const outer = track(async function outer() {
      expect(spans()).toHaveLength(0); // not ended before it finishes
      return (await inner()) + '+outer';
    });
    await expect(outer()).resolves.toBe('inner+outer');
    const [innerSpan, outerSpan] = [byName('inner')!, byName('outer')!];
    expect(innerSpan.parentSpanContext?.spanId).toBe(outerSpan.spanContext().spanId);
    expect(innerSpan.spanContext().traceId).toBe(outerSpan.spanContext().traceId);
  });

  it('async rejection: the caller sees the same rejection, and an unhandled one stays unhandled', async () => {
    const error = new Error('async boom');
    const rejects = track(async function rejects() {
      throw error;
    });
    await expect(rejects()).rejects.toBe(error);
    expect(byName('rejects')!.status.code).toBe(2);

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    void rejects();
    await new Promise((r) => setTimeout(r, 20));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([error]);
  });

  it('a Promise subclass (with helpers) comes back as the very same object', async () => {
    class HelperPromise<T> extends Promise<T> {
      helper(): string {
        return 'still here';
      }
    }
    const original = new HelperPromise<number>((resolve) => resolve(7));
    const returnsSubclass = track(() => original, { name: 'subclass' });
    const result = returnsSubclass();
    expect(result).toBe(original);
    expect(result.helper()).toBe('still here');
    await result;
    await new Promise((r) => setTimeout(r, 0));
    expect(byName('subclass')).toBeDefined();
  });

  describe('async generators', () => {
    async function* numbers(n: number) {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield i;
      }
    }

    it('span ends when the generator finishes, yielded values unchanged', async () => {
      const tracked = track(numbers, { name: 'gen-complete' });
      const seen: number[] = [];
      for await (const n of tracked(3)) {
        expect(byName('gen-complete')).toBeUndefined();
        seen.push(n);
      }
      expect(seen).toEqual([0, 1, 2]);
      expect(byName('gen-complete')!.status.code).toBe(0);
    });

    it('span ends once when the consumer breaks early', async () => {
      const tracked = track(numbers, { name: 'gen-break' });
      for await (const n of tracked(10)) {
        if (n === 1) break;
      }
      expect(spans().filter((s) => s.name === 'gen-break')).toHaveLength(1);
    });

    it('span ends with ERROR when the generator throws', async () => {
      const failing = track(
        async function* failing() {
          yield 1;
          throw new TypeError('gen boom');
        },
        { name: 'gen-throw' },
      );
      const seen: number[] = [];
      await expect(
        (async () => {
          for await (const n of failing()) seen.push(n);
        })(),
      ).rejects.toThrow('gen boom');
      expect(seen).toEqual([1]);
      expect(byName('gen-throw')!.attributes['error.type']).toBe('TypeError');
    });

    it('work done inside the generator nests under its span', async () => {
      const child = track(() => 'child', { name: 'gen-child' });
      const parent = track(
        async function* parent() {
          yield child();
        },
        { name: 'gen-parent' },
      );
      for await (const _ of parent()) void _;
      expect(byName('gen-child')!.parentSpanContext?.spanId).toBe(
        byName('gen-parent')!.spanContext().spanId,
      );
    });
  });

  describe('capture', () => {
    it('nothing is captured unless asked', () => {
      track((x: string) => x, { name: 'quiet' })('secret prompt');
      const attributes = byName('quiet')!.attributes;
      expect(attributes[TRACK_INPUT_ATTRIBUTE]).toBeUndefined();
      expect(attributes[TRACK_OUTPUT_ATTRIBUTE]).toBeUndefined();
    });

    it('input and output as JSON, redacted, circular and BigInt safe', async () => {
      const circular: Record<string, unknown> = { id: 10n };
      circular.self = circular;
      const fn = track(async (_a: unknown, email: string) => ({ reply: `mail ${email}` }), {
        name: 'captured',
        captureInput: true,
        captureOutput: true,
        attributes: { 'app.step': 'x' },
      });
      await fn(circular, 'jane.doe@example.com');
      const attributes = byName('captured')!.attributes;
      expect(attributes['app.step']).toBe('x');
      const input = String(attributes[TRACK_INPUT_ATTRIBUTE]);
      expect(JSON.parse(input)).toEqual([{ id: '10n', self: '[Circular]' }, '[REDACTED:email]']);
      expect(String(attributes[TRACK_OUTPUT_ATTRIBUTE])).toContain('[REDACTED:email]');
      expect(input).not.toContain('jane.doe');
    });

    it('huge values are truncated', () => {
      track((s: string) => s.length, { name: 'huge', captureInput: true, maxCaptureLength: 100 })(
        'x'.repeat(1_000_000),
      );
      expect(String(byName('huge')!.attributes[TRACK_INPUT_ATTRIBUTE]).length).toBeLessThanOrEqual(
        101,
      );
    });
  });

  it('the decorator factory applied to a method', () => {
    const decorate = track({ captureOutput: true });
    const method = decorate(
      function plan(this: unknown, goal: string) {
        return `plan for ${goal}`;
      },
      { kind: 'method', name: 'plan' } as ClassMethodDecoratorContext<
        unknown,
        (goal: string) => string
      >,
    );
    expect(method.call(null, 'launch')).toBe('plan for launch');
    expect(byName('plan')!.attributes[TRACK_OUTPUT_ATTRIBUTE]).toBe('"plan for launch"');
  });
});

describe('safeStringify', () => {
  it.each([
    [undefined, 'null'],
    [Number.NaN, '"NaN"'],
    [Symbol('s'), '"Symbol(s)"'],
    [new Map([['a', 1]]), '[["a",1]]'],
    [new Set([1, 2]), '[1,2]'],
    [Buffer.from('abc'), '"[Buffer 3 bytes]"'],
    [new Error('bad'), '{"name":"Error","message":"bad"}'],
    [() => 1, '"[Function anonymous]"'],
  ])('%o → %s', (value, expected) => {
    expect(safeStringify(value, { maxLength: 1000 })).toBe(expected);
  });

  it('a throwing getter does not throw', () => {
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expect(safeStringify(hostile, { maxLength: 100 })).toBe('{"x":"[Getter threw]"}');
  });

  it('deep and wide values are bounded', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 50; i++) deep = { d: deep };
    expect(safeStringify(deep, { maxLength: 10_000 })).toContain('[Object]');
    const wide = Array.from({ length: 1000 }, (_, i) => i);
    expect(JSON.parse(safeStringify(wide, { maxLength: 100_000 }))).toHaveLength(101);
  });
});
