import { describe, expect, it } from 'vitest';
import { cut, safeString, safeStringify } from '../../../src/base/text';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('cut', () => {
  it('leaves short text alone and marks a cut', () => {
    expect(cut('short', 10)).toBe('short');
    expect(cut('0123456789abc', 10)).toBe('0123456789…');
    expect(cut('0123456789abc', 10, '')).toBe('0123456789');
    expect(cut('0123456789abc', 10, '…[truncated]')).toBe('0123456789…[truncated]');
  });

  it('never splits a surrogate pair and makes the result well-formed', () => {
    const text = 'abc😀def'; // the emoji is units 3 and 4
    expect(cut(text, 4)).toBe('abc…');
    expect(cut(text, 5)).toBe('abc😀…');
    expect(cut('lone \ud800 half', 100)).toBe('lone \ufffd half');
    expect(cut('x\udc00', 1)).toBe('x…');
    for (let max = 0; max < 9; max++) expect(cut(text, max)).not.toMatch(LONE);
  });
});

describe('safeString', () => {
  it('never throws', () => {
    expect(safeString(12n)).toBe('12');
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(safeString(hostile)).toBe('[object Object]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => safeString(proxy)).not.toThrow();
  });
});

describe('safeStringify', () => {
  const json = (value: unknown, maxLength = 10_000): string => safeStringify(value, { maxLength });

  it.each([
    [undefined, 'null'],
    [null, 'null'],
    [Number.NaN, '"NaN"'],
    [-0, '0'],
    [1e21, '1e+21'],
    [10n, '"10n"'],
    [Symbol('s'), '"Symbol(s)"'],
    [new Map([['a', 1]]), '[["a",1]]'],
    [new Set([1, 2]), '[1,2]'],
    [Buffer.from('abc'), '"[Buffer 3 bytes]"'],
    [new Uint16Array(4), '"[Uint16Array 8 bytes]"'],
    [new ArrayBuffer(5), '"[ArrayBuffer 5 bytes]"'],
    [new Error('bad'), '{"name":"Error","message":"bad"}'],
    [new Date(0), '"1970-01-01T00:00:00.000Z"'],
    [new Date(Number.NaN), '"Invalid Date"'],
    [() => 1, '"[Function anonymous]"'],
    [function named() {}, '"[Function named]"'],
    [{ a: undefined, b: [undefined, 1] }, '{"a":null,"b":[null,1]}'],
    [{ url: new URL('https://x.test/a?b=1') }, '{"url":"https://x.test/a?b=1"}'],
    ['quote " and \\ and \n', '"quote \\" and \\\\ and \\n"'],
  ])('%o → %s', (value, expected) => {
    expect(json(value)).toBe(expected);
  });

  it('matches JSON.stringify on plain data', () => {
    const data = { a: 1, b: 'two', c: [true, false, null], d: { e: { f: 1.5 } }, '': 'empty' };
    expect(json(data)).toBe(JSON.stringify(data));
  });

  it('survives cycles, shared references, throwing getters, toJSON and Proxy traps', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(json(loop)).toBe('{"name":"loop","self":"[Circular]"}');
    const shared = { n: 1 };
    expect(json([shared, shared])).toBe('[{"n":1},{"n":1}]'); // not a cycle
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expect(json(getter)).toBe('{"x":"[Getter threw]"}');
    const selfJson = {
      toJSON() {
        return this;
      },
      v: 1,
    };
    expect(json(selfJson)).toBe('"[Circular]"');
    const badJson = {
      toJSON() {
        throw new Error('no');
      },
    };
    expect(json({ ok: 1, bad: badJson })).toBe('{"ok":1,"bad":"[Unserializable]"}');
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(json([1, trap])).toBe('[1,"[Unserializable]"]');
    const odd = new Error('odd');
    Object.defineProperty(odd, 'message', {
      get() {
        throw new Error('no message');
      },
    });
    expect(json(odd)).toBe('{"name":"Error","message":"[Getter threw]"}');
    expect(json({ __proto__: 1 })).toBe('{}'); // a literal __proto__ is not a field
    expect(json(JSON.parse('{"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1}}');
  });

  it('bounds depth and width', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 50; i++) deep = { d: deep };
    expect(json(deep)).toContain('"[Object]"');
    expect(safeStringify(deep, { maxLength: 10_000, maxDepth: 2 })).toBe('{"d":{"d":"[Object]"}}');
    const wide = Array.from({ length: 1000 }, (_, i) => i);
    const parsed = JSON.parse(json(wide)) as unknown[];
    expect(parsed).toHaveLength(101);
    expect(parsed.at(-1)).toBe('…');
    const many = Object.fromEntries(Array.from({ length: 103 }, (_, i) => [`k${i}`, i]));
    expect(JSON.parse(json(many))).toMatchObject({ k99: 99, '…': '3 more' });
    const set = new Set(Array.from({ length: 150 }, (_, i) => i));
    expect(JSON.parse(json(set))).toHaveLength(101);
  });

  it('bounds length and work: a huge value costs about as much as a small one', () => {
    const huge = { text: 'x'.repeat(10_000_000), list: Array.from({ length: 100 }, () => 'y') };
    const text = safeStringify(huge, { maxLength: 50 });
    expect(text).toHaveLength(51);
    expect(text.endsWith('…')).toBe(true);
    // The same prefix as the unbounded JSON (cut at 50).
    expect(text.slice(0, 50)).toBe(JSON.stringify(huge).slice(0, 50));
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) safeStringify(huge, { maxLength: 50 });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });

  it('is well-formed even when the cut or a value has lone surrogates', () => {
    expect(json({ s: 'lone \ud800' })).not.toMatch(LONE);
    const emoji = '😀'.repeat(20);
    for (let max = 1; max < 30; max++) {
      expect(safeStringify({ emoji }, { maxLength: max })).not.toMatch(LONE);
    }
  });
});
