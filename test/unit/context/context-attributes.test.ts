/**
 * The context attributes' bottom layer: the merge (inner wins), its bounds, and the counters of
 * what the bounds cut or dropped, as the self-metrics show them.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  addContextAttributeMetrics,
  contextAttributeCounters,
  contextAttributes,
  MAX_CONTEXT_ATTRIBUTE_ARRAY_LENGTH,
  MAX_CONTEXT_ATTRIBUTE_LENGTH,
  MAX_CONTEXT_ATTRIBUTES,
  mergeAttributes,
  withContextAttributes,
} from '../../../src/base/context-attributes';
import { selfMetrics } from '../../../src/base/self-metrics';

const counts = () => ({ ...contextAttributeCounters });

beforeEach(() => {
  contextAttributeCounters.tooMany = 0;
  contextAttributeCounters.valueCut = 0;
  contextAttributeCounters.invalid = 0;
});

describe('withContextAttributes', () => {
  it('merges into a new context: inner wins, outer kept, the parent context unchanged', () => {
    const outer = withContextAttributes(ROOT_CONTEXT, { 'session.id': 's1', 'user.id': 'u1' });
    const inner = withContextAttributes(outer, { 'user.id': 'u2', 'gen_ai.conversation.id': 'c' });
    expect(contextAttributes(ROOT_CONTEXT)).toBeUndefined();
    expect(contextAttributes(outer)).toEqual({ 'session.id': 's1', 'user.id': 'u1' });
    expect(contextAttributes(inner)).toEqual({
      'session.id': 's1',
      'user.id': 'u2',
      'gen_ai.conversation.id': 'c',
    });
    expect(Object.isFrozen(contextAttributes(inner))).toBe(true);
    expect(counts()).toEqual({ tooMany: 0, valueCut: 0, invalid: 0 });
  });

  it('keeps the context itself when nothing valid is added', () => {
    const outer = withContextAttributes(ROOT_CONTEXT, { a: 1 });
    expect(withContextAttributes(outer, {})).toBe(outer);
    expect(withContextAttributes(outer, { b: undefined })).toBe(outer);
  });

  it('undefined and null leave the outer value, uncounted', () => {
    const outer = withContextAttributes(ROOT_CONTEXT, { 'user.id': 'u1' });
    const inner = withContextAttributes(outer, {
      'user.id': undefined,
      other: null as unknown as string,
    });
    expect(contextAttributes(inner)).toEqual({ 'user.id': 'u1' });
    expect(counts().invalid).toBe(0);
  });

  it('accepts strings, numbers, booleans and arrays of one of these types', () => {
    const valid = {
      s: 'x',
      n: 4.5,
      b: false,
      ss: ['a', 'b'],
      ns: [1, 2],
      bs: [true],
      withHoles: ['a', null, undefined, 'b'],
      empty: [],
    };
    const ctx = withContextAttributes(ROOT_CONTEXT, valid);
    expect(contextAttributes(ctx)).toEqual(valid);
    expect(contextAttributes(ctx)).not.toBe(valid);
    expect(counts()).toEqual({ tooMany: 0, valueCut: 0, invalid: 0 });
  });

  it('drops and counts invalid keys and values', () => {
    const ctx = withContextAttributes(ROOT_CONTEXT, {
      '': 'empty key',
      ['k'.repeat(257)]: 'long key',
      object: { nested: 1 } as unknown as string,
      fn: (() => 1) as unknown as string,
      big: 10n as unknown as number,
      symbol: Symbol('s') as unknown as string,
      mixed: ['a', 1] as unknown as string[],
      nestedArray: [['a']] as unknown as string[],
      ok: 'kept',
    });
    expect(contextAttributes(ctx)).toEqual({ ok: 'kept' });
    expect(counts()).toEqual({ tooMany: 0, valueCut: 0, invalid: 8 });
  });

  it('counts a whole argument that is not an object as invalid, and never throws', () => {
    for (const bad of ['text', 42, true, () => 1]) {
      expect(withContextAttributes(ROOT_CONTEXT, bad as never)).toBe(ROOT_CONTEXT);
    }
    expect(withContextAttributes(ROOT_CONTEXT, null as never)).toBe(ROOT_CONTEXT);
    expect(counts().invalid).toBe(4);

    const throwing = {
      get 'user.id'(): string {
        throw new Error('getter');
      },
      ok: 'x',
    };
    expect(contextAttributes(withContextAttributes(ROOT_CONTEXT, throwing))).toEqual({ ok: 'x' });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(withContextAttributes(ROOT_CONTEXT, revoked.proxy)).toBe(ROOT_CONTEXT);
    expect(counts().invalid).toBe(6);
  });

  it('cuts long strings (never between surrogate halves) and long arrays, and counts each', () => {
    const long = 'a'.repeat(MAX_CONTEXT_ATTRIBUTE_LENGTH - 2) + '😀' + 'tail';
    const ctx = withContextAttributes(ROOT_CONTEXT, {
      long,
      exact: 'b'.repeat(MAX_CONTEXT_ATTRIBUTE_LENGTH),
      list: Array.from({ length: MAX_CONTEXT_ATTRIBUTE_ARRAY_LENGTH + 5 }, (_, i) => i),
      strings: ['c'.repeat(MAX_CONTEXT_ATTRIBUTE_LENGTH + 1)],
    });
    const attributes = contextAttributes(ctx)!;
    // The emoji would straddle the bound: it goes whole, and the marker follows.
    expect(attributes.long).toBe('a'.repeat(MAX_CONTEXT_ATTRIBUTE_LENGTH - 2) + '…');
    expect(attributes.long).toHaveLength(MAX_CONTEXT_ATTRIBUTE_LENGTH - 1);
    expect(attributes.exact).toHaveLength(MAX_CONTEXT_ATTRIBUTE_LENGTH);
    expect(attributes.list).toHaveLength(MAX_CONTEXT_ATTRIBUTE_ARRAY_LENGTH);
    expect((attributes.strings as string[])[0]).toBe(
      'c'.repeat(MAX_CONTEXT_ATTRIBUTE_LENGTH - 1) + '…',
    );
    expect(counts()).toEqual({ tooMany: 0, valueCut: 3, invalid: 0 });
  });

  it('makes a lone surrogate well-formed without counting a cut', () => {
    const ctx = withContextAttributes(ROOT_CONTEXT, { s: 'x\uD800y' });
    expect(contextAttributes(ctx)?.s).toBe('x\uFFFDy');
    expect(counts().valueCut).toBe(0);
  });

  it(`holds at most ${MAX_CONTEXT_ATTRIBUTES} attributes, outer and inner together`, () => {
    const many = (prefix: string, n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));
    const outer = withContextAttributes(ROOT_CONTEXT, many('o', 30));
    const inner = withContextAttributes(outer, { ...many('i', 5), o0: 'replaced' });
    const attributes = contextAttributes(inner)!;
    expect(Object.keys(attributes)).toHaveLength(MAX_CONTEXT_ATTRIBUTES);
    // Replacing a key the outer context holds always works; new keys beyond the bound do not.
    expect(attributes.o0).toBe('replaced');
    expect(attributes.i0).toBe(0);
    expect(attributes.i1).toBe(1);
    expect(attributes.i2).toBeUndefined();
    expect(counts()).toEqual({ tooMany: 3, valueCut: 0, invalid: 0 });
  });

  it('bounds idempotently: a cut value merged again is neither cut nor counted again', () => {
    const once = mergeAttributes(undefined, { s: 'x'.repeat(1000), a: ['y'.repeat(1000)] })!;
    expect(once.s).toHaveLength(MAX_CONTEXT_ATTRIBUTE_LENGTH);
    expect(mergeAttributes(undefined, once)).toEqual(once);
    expect(counts().valueCut).toBe(2);
  });

  it('merges without touching the objects it was given', () => {
    const given = { a: 'x'.repeat(300) };
    const merged = mergeAttributes(undefined, given)!;
    expect(given.a).toHaveLength(300);
    expect(merged.a).not.toBe(given.a);
  });
});

describe('sprintlens_context_attributes_dropped_total', () => {
  it('reports every reason, from zero, once a processor added the counters', async () => {
    addContextAttributeMetrics();
    addContextAttributeMetrics(); // idempotent: one source
    withContextAttributes(ROOT_CONTEXT, { a: 'x'.repeat(1000), '': 'bad' });
    const text = await selfMetrics().registry.metrics();
    expect(text).toContain('# TYPE sprintlens_context_attributes_dropped_total counter');
    expect(text).toContain('sprintlens_context_attributes_dropped_total{reason="too_many"} 0');
    expect(text).toContain('sprintlens_context_attributes_dropped_total{reason="value_cut"} 1');
    expect(text).toContain('sprintlens_context_attributes_dropped_total{reason="invalid"} 1');
  });
});
