/** The shape of model prices: the `prices` option, `SPRINTLENS_PRICES` files, the shipped table. */

/** Price of one model in USD per million tokens. */
export interface ModelPrice {
  /** Uncached input tokens. */
  readonly input: number;
  /** Output tokens (reasoning tokens included, as providers bill them). */
  readonly output: number;
  /** Input tokens read from the prompt cache; defaults to `input`. */
  readonly cachedInput?: number;
  /** Input tokens written to the prompt cache; defaults to `input`. */
  readonly cacheWrite?: number;
}

/** Model name (family or exact snapshot) to price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;
