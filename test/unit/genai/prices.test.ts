import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { resetDiagRateLimits } from '../../../src/base/diag';
import {
  computeCost,
  loadPriceBook,
  PriceBook,
  readPriceFile,
  SHIPPED_PRICES,
} from '../../../instrumentations/genai';

const dir = mkdtempSync(join(tmpdir(), 'sprintlens-prices-'));

function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  diag.setLogger(
    { error: push, warn: push, info: push, debug: push, verbose: push },
    { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
  );
  return lines;
}

afterEach(() => {
  diag.disable();
  resetDiagRateLimits();
});

describe('price matching', () => {
  const book = new PriceBook([SHIPPED_PRICES]);

  it('matches families exactly and dated snapshots to their family', () => {
    expect(book.lookup('gpt-4o')).toEqual(SHIPPED_PRICES['gpt-4o']);
    expect(book.lookup('gpt-4o-2024-08-06')).toEqual(SHIPPED_PRICES['gpt-4o']);
    expect(book.lookup('gpt-4o-mini-2024-07-18')).toEqual(SHIPPED_PRICES['gpt-4o-mini']);
    expect(book.lookup('claude-3-5-sonnet-20241022')).toEqual(SHIPPED_PRICES['claude-3-5-sonnet']);
    expect(book.lookup('claude-3-5-haiku-latest')).toEqual(SHIPPED_PRICES['claude-3-5-haiku']);
    expect(book.lookup('GPT-4O')).toEqual(SHIPPED_PRICES['gpt-4o']);
  });

  it('never guesses: unknown names, fine-tunes and deployment names have no price', () => {
    for (const model of [
      'gpt-4o-ultra',
      'my-deployment',
      'ft:gpt-4o-mini:org::abc',
      'gpt',
      '',
      undefined,
    ]) {
      expect(book.lookup(model)).toBeUndefined();
      expect(book.cost(model, { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    }
  });

  it('repeated lookups are answered from the cache with the same result', () => {
    const first = book.lookup('o4-mini-2025-04-16');
    expect(book.lookup('o4-mini-2025-04-16')).toBe(first);
    expect(first).toEqual(SHIPPED_PRICES['o4-mini']);
  });

  it('the shipped table covers current OpenAI and Anthropic models, all valid', () => {
    for (const model of [
      'gpt-5',
      'gpt-4.1',
      'o3',
      'text-embedding-3-small',
      'claude-sonnet-4-5',
      'claude-opus-4-1',
    ]) {
      expect(book.lookup(model), model).toBeDefined();
    }
  });
});

describe('cost', () => {
  it('bills uncached input, cache reads, cache writes and output at their own prices', () => {
    const price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
    const usage = {
      inputTokens: 10_000,
      outputTokens: 1_000,
      cacheReadTokens: 4_000,
      cacheWriteTokens: 2_000,
    };
    expect(computeCost(price, usage)).toBeCloseTo(
      (4_000 * 3 + 4_000 * 0.3 + 2_000 * 3.75 + 1_000 * 15) / 1e6,
      12,
    );
  });

  it('falls back to the input price when cache prices are absent; no tokens → no cost', () => {
    expect(
      computeCost({ input: 2, output: 8 }, { inputTokens: 100, cacheReadTokens: 50 }),
    ).toBeCloseTo(200 / 1e6, 12);
    expect(computeCost({ input: 2, output: 8 }, {})).toBeUndefined();
  });
});

describe('overrides', () => {
  it('the prices option overrides the file, which overrides the shipped table', () => {
    const file = join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({
        models: { 'gpt-4o': { input: 1, output: 1 }, 'my-model': { input: 5, output: 5 } },
      }),
    );
    const book = loadPriceBook({
      pricesFile: file,
      prices: { 'my-model': { input: 7, output: 7 } },
    });
    expect(book.lookup('gpt-4o-2024-08-06')).toEqual({ input: 1, output: 1 });
    expect(book.lookup('my-model')).toEqual({ input: 7, output: 7 });
    expect(book.lookup('gpt-4.1')).toEqual(SHIPPED_PRICES['gpt-4.1']);
  });

  it('accepts a flat { model: price } file', () => {
    const file = join(dir, 'flat.json');
    writeFileSync(file, JSON.stringify({ 'house-model': { input: 1, output: 2 } }));
    expect(readPriceFile(file).table).toEqual({ 'house-model': { input: 1, output: 2 } });
  });

  it('a bad file is reported with a code, without its content, and the shipped prices apply', () => {
    const lines = captureDiag();
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "gpt-4o": sk-secret-not-json');
    const book = loadPriceBook({ pricesFile: file });
    expect(book.lookup('gpt-4o')).toEqual(SHIPPED_PRICES['gpt-4o']);
    expect(lines.join('\n')).toContain('SL_CONFIG_INVALID_PRICES_FILE');
    expect(lines.join('\n')).toContain('not valid JSON');
    expect(lines.join('\n')).not.toContain('sk-secret');
  });

  it('invalid entries are skipped and counted; a missing file is reported', () => {
    const lines = captureDiag();
    const file = join(dir, 'partial.json');
    writeFileSync(
      file,
      JSON.stringify({ good: { input: 1, output: 1 }, bad: { input: -1, output: 'x' } }),
    );
    const book = loadPriceBook({ pricesFile: file });
    expect(book.lookup('good')).toEqual({ input: 1, output: 1 });
    expect(book.lookup('bad')).toBeUndefined();
    expect(lines.join('\n')).toContain('1 entries are not prices');
    resetDiagRateLimits();
    loadPriceBook({ pricesFile: join(dir, 'missing.json') });
    expect(lines.join('\n')).toContain('ENOENT');
  });
});
