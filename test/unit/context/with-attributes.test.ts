/**
 * `withAttributes(attributes, fn)`: returns exactly what `fn` returns and lets its exceptions
 * through; puts the attributes on every span and log record made inside, through `await`,
 * timers, callbacks and emitters; nests; keeps concurrent work apart. Real SDK providers in
 * memory, with the context-attribute processors as `start()` installs them.
 */
import { EventEmitter, once } from 'node:events';
import { context, diag, DiagLogLevel, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withAttributes } from '../../../src/context/with-attributes';
import { track } from '../../../src/track';
import { inMemoryTelemetry } from './in-memory-telemetry';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SESSION = { 'session.id': 's-1', 'user.id': 'u-1' };

describe('without an SDK (sprintlens not started)', () => {
  it('runs fn and returns what it returns; its exceptions pass unchanged; nothing is reported', async () => {
    const reported: string[] = [];
    const push = (message: string) => reported.push(message);
    diag.setLogger(
      { error: push, warn: push, info: push, debug: push, verbose: push },
      { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
    );
    reported.length = 0; // the API's own note that a diag logger was registered
    const value = { answer: 42 };
    expect(withAttributes(SESSION, () => value)).toBe(value);
    const promise = Promise.resolve(7);
    expect(withAttributes(SESSION, () => promise)).toBe(promise);
    const error = new TypeError('boom');
    expect(() =>
      withAttributes(SESSION, () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(withAttributes({ bad: {} as never }, async () => 'ok')).resolves.toBe('ok');
    expect(context.active()).toBe(ROOT_CONTEXT);
    expect(reported).toEqual([]);
    diag.disable();
  });
});

describe('with the SDK', () => {
  const t = inMemoryTelemetry();

  describe('returns what fn returns', () => {
    it('a sync value, the same object', () => {
      const value = { id: 1 };
      expect(withAttributes(SESSION, () => value)).toBe(value);
      expect(withAttributes(SESSION, () => undefined)).toBeUndefined();
    });

    it('a promise, the same object, with its value or its rejection', async () => {
      const resolved = Promise.resolve('v');
      expect(withAttributes(SESSION, () => resolved)).toBe(resolved);
      await expect(withAttributes(SESSION, async () => 'async value')).resolves.toBe('async value');
      const error = new RangeError('rejected');
      const rejected = withAttributes(SESSION, async () => {
        await sleep(1);
        throw error;
      });
      await expect(rejected).rejects.toBe(error);
    });

    it('a thenable and an async iterator, untouched', async () => {
      let thenCalls = 0;
      const thenable = {
        then(resolve: (v: string) => void) {
          thenCalls++;
          resolve('t');
        },
      };
      expect(withAttributes(SESSION, () => thenable)).toBe(thenable);
      expect(thenCalls).toBe(0);
      async function* numbers() {
        yield 1;
        yield 2;
      }
      const iterator = numbers();
      expect(withAttributes(SESSION, () => iterator)).toBe(iterator);
      const seen: number[] = [];
      for await (const n of iterator) seen.push(n);
      expect(seen).toEqual([1, 2]);
    });

    it('a synchronous throw, the same error object', () => {
      const error = new Error('sync');
      let caught: unknown;
      try {
        withAttributes(SESSION, () => {
          throw error;
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(error);
    });

    it('with bad attributes too: nothing thrown, fn runs, the valid ones apply', () => {
      const result = withAttributes(
        { '': 'x', nested: { a: 1 } as never, 'user.id': 'u-9' },
        () => {
          t.span('inside');
          return 'ran';
        },
      );
      expect(result).toBe('ran');
      expect(t.spanNamed('inside').attributes['user.id']).toBe('u-9');
      expect(t.spanNamed('inside').attributes.nested).toBeUndefined();
    });
  });

  it('sets the attributes on spans and log records made inside, and only inside', () => {
    t.span('before');
    withAttributes(SESSION, () => {
      t.span('inside');
      t.log('logged inside');
      track(function tracked() {
        return 1;
      })();
    });
    t.span('after');
    t.log('logged after');
    expect(t.spanNamed('inside').attributes).toMatchObject(SESSION);
    expect(t.spanNamed('tracked').attributes).toMatchObject(SESSION);
    expect(t.recordOf('logged inside').attributes).toMatchObject(SESSION);
    for (const name of ['before', 'after']) {
      expect(t.spanNamed(name).attributes['session.id']).toBeUndefined();
    }
    expect(t.recordOf('logged after').attributes['session.id']).toBeUndefined();
  });

  it("an instrumentation's and a logger's own attributes win", () => {
    withAttributes({ 'session.id': 'ctx', 'http.route': '/ctx', 'user.id': 'ctx' }, () => {
      const span = t.tracer.startSpan('own', { attributes: { 'http.route': '/users/:id' } });
      span.setAttribute('user.id', 'set later'); // after the start: replaces ours
      span.end();
      t.log('own fields', { 'session.id': 'from the logger' });
    });
    expect(t.spanNamed('own').attributes).toMatchObject({
      'session.id': 'ctx',
      'http.route': '/users/:id',
      'user.id': 'set later',
    });
    expect(t.recordOf('own fields').attributes['session.id']).toBe('from the logger');
  });

  it('nests: the inner call adds and overrides; the outer attributes come back after it', async () => {
    await withAttributes({ 'session.id': 's', 'user.id': 'outer' }, async () => {
      await withAttributes({ 'user.id': 'inner', 'gen_ai.conversation.id': 'c' }, async () => {
        await sleep(1);
        t.span('inner');
      });
      t.span('outer again');
    });
    expect(t.spanNamed('inner').attributes).toMatchObject({
      'session.id': 's',
      'user.id': 'inner',
      'gen_ai.conversation.id': 'c',
    });
    expect(t.spanNamed('outer again').attributes).toMatchObject({ 'user.id': 'outer' });
    expect(t.spanNamed('outer again').attributes['gen_ai.conversation.id']).toBeUndefined();
  });

  it('survives await, timers, nextTick, microtasks, emitters and callbacks', async () => {
    const emitter = new EventEmitter();
    emitter.on('chunk', () => t.span('emitter listener'));
    // A LangChain-style callback manager: handlers registered once, called during a run.
    const handlers = [(run: string) => t.log(`callback ${run}`)];
    const runChain = async (run: string) => {
      await sleep(1);
      for (const handler of handlers) handler(run);
    };

    let timerLater: Promise<void> | undefined;
    await withAttributes(SESSION, async () => {
      await sleep(2);
      t.span('after await');
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          t.span('timeout');
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          t.span('immediate');
          resolve();
        }),
      );
      await new Promise<void>((resolve) =>
        process.nextTick(() => {
          t.span('next tick');
          resolve();
        }),
      );
      await new Promise<void>((resolve) =>
        queueMicrotask(() => {
          t.span('microtask');
          resolve();
        }),
      );
      setTimeout(() => emitter.emit('chunk'), 1);
      await once(emitter, 'chunk');
      await runChain('r1');
      // Fires after withAttributes has returned: the timer keeps the context it was set in.
      timerLater = new Promise((resolve) =>
        setTimeout(() => {
          t.span('timer after return');
          resolve();
        }, 5),
      );
    });
    await timerLater;
    for (const name of [
      'after await',
      'timeout',
      'immediate',
      'next tick',
      'microtask',
      'emitter listener',
      'timer after return',
    ]) {
      expect(t.spanNamed(name).attributes, name).toMatchObject(SESSION);
    }
    expect(t.recordOf('callback r1').attributes).toMatchObject(SESSION);
  });

  it('a stream returned and consumed outside: its span has them, lines logged while consuming do not', async () => {
    const stream = withAttributes(SESSION, () => {
      // As an LLM SDK call inside: the span starts now, inside.
      const span = t.tracer.startSpan('llm stream');
      return (async function* () {
        yield 'a';
        t.log('while consuming');
        yield 'b';
        span.end();
      })();
    });
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual(['a', 'b']);
    expect(t.spanNamed('llm stream').attributes).toMatchObject(SESSION);
    expect(t.recordOf('while consuming').attributes['session.id']).toBeUndefined();
  });

  it('keeps concurrent work apart, however its awaits interleave', async () => {
    const tasks = Array.from({ length: 20 }, (_, i) =>
      withAttributes({ 'session.id': `s-${i}`, 'user.id': `u-${i % 3}` }, async () => {
        for (let step = 0; step < 3; step++) {
          await sleep((i * 7 + step * 3) % 5);
          t.span(`task ${i} step ${step}`);
          t.log(`task ${i} log ${step}`);
        }
      }),
    );
    await Promise.all(tasks);
    for (let i = 0; i < 20; i++) {
      for (let step = 0; step < 3; step++) {
        const expected = { 'session.id': `s-${i}`, 'user.id': `u-${i % 3}` };
        expect(t.spanNamed(`task ${i} step ${step}`).attributes).toMatchObject(expected);
        expect(t.recordOf(`task ${i} log ${step}`).attributes).toMatchObject(expected);
      }
    }
  });
});
