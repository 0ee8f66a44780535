import { readFileSync } from 'node:fs';
import shipped from './prices.json';

import type { ModelPrice, PriceTable } from '../../src/config/prices';

export type { ModelPrice, PriceTable } from '../../src/config/prices';

/** Token counts of one call. `inputTokens` includes cache reads and writes. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** The table shipped with the package (see prices.json for sources and date). */
export const SHIPPED_PRICES: PriceTable = shipped.models as PriceTable;

// A dated snapshot (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`) or `-latest` alias
// maps to its family. One anchored pattern, tried once per model name (results are cached).
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;
const CACHE_LIMIT = 512;

/**
 * Price lookup with snapshot-to-family matching. Unknown models give `undefined`, never a
 * guess: no fuzzy prefix matching beyond stripping a date or `-latest` suffix.
 */
export class PriceBook {
  private readonly table: Map<string, ModelPrice>;
  private readonly cache = new Map<string, ModelPrice | null>();

  constructor(tables: readonly (PriceTable | undefined)[]) {
    this.table = new Map();
    // Later tables override earlier ones, model by model.
    for (const table of tables) {
      if (table === undefined) continue;
      for (const [model, price] of Object.entries(table)) {
        if (isModelPrice(price)) this.table.set(model.toLowerCase(), price);
      }
    }
  }

  /** The price of `model`, or `undefined` when it is not in the table. */
  lookup(model: string | undefined): ModelPrice | undefined {
    if (model === undefined || model === '') return undefined;
    const cached = this.cache.get(model);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.resolve(model.toLowerCase()) ?? null;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(model, found);
    return found ?? undefined;
  }

  /** Cost in USD of `usage` on `model`, or `undefined` when the model or usage is unknown. */
  cost(model: string | undefined, usage: TokenUsage): number | undefined {
    const price = this.lookup(model);
    if (price === undefined) return undefined;
    return computeCost(price, usage);
  }

  private resolve(model: string): ModelPrice | undefined {
    const exact = this.table.get(model);
    if (exact !== undefined) return exact;
    const family = model.replace(SNAPSHOT_SUFFIX, '');
    return family === model ? undefined : this.table.get(family);
  }
}

/** Cost of `usage` at `price`; `undefined` when no token count is known at all. */
export function computeCost(price: ModelPrice, usage: TokenUsage): number | undefined {
  const { inputTokens, outputTokens } = usage;
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, (inputTokens ?? 0) - cacheRead - cacheWrite);
  const micro =
    uncached * price.input +
    cacheRead * (price.cachedInput ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (outputTokens ?? 0) * price.output;
  return micro / 1_000_000;
}

function isModelPrice(value: unknown): value is ModelPrice {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    isPrice(v.input) &&
    isPrice(v.output) &&
    (v.cachedInput === undefined || isPrice(v.cachedInput)) &&
    (v.cacheWrite === undefined || isPrice(v.cacheWrite))
  );
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Reads a user price file: either `{ "models": { name: price } }` (the shipped layout) or a
 * plain `{ name: price }` object. Throws on unreadable or malformed files; entries that are
 * not valid prices are returned in `rejected` so the caller can report them.
 */
export function readPriceFile(path: string): { table: PriceTable; rejected: string[] } {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('the price file must hold a JSON object');
  }
  const root = parsed as Record<string, unknown>;
  const models =
    typeof root.models === 'object' && root.models !== null
      ? (root.models as Record<string, unknown>)
      : root;
  const table: Record<string, ModelPrice> = {};
  const rejected: string[] = [];
  for (const [name, value] of Object.entries(models)) {
    if (name.startsWith('$') || name === 'asOf') continue;
    if (isModelPrice(value)) table[name] = value;
    else rejected.push(name);
  }
  return { table, rejected };
}
