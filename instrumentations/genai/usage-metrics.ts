/**
 * LLM usage for teams that only scrape Prometheus: calls, errors, tokens and cost in USD by
 * provider, operation and model, as the `sprintlens_llm_*` counters of the self-metrics.
 *
 * The call path is hot, so a call never touches prom-client: {@link LlmUsage.add} bumps plain
 * numbers in one record per (provider, operation, model), found through nested maps (no label
 * string is built, nothing is hashed but the three strings the maps already key on), and the
 * self-metrics read the records at scrape time ({@link LlmUsage.collect}). Label sets stay
 * bounded: providers and operations come from the adapters' code, models are capped (later ones
 * are counted under `model="other"`), error types are capped per record, and nothing from a
 * prompt, a response or a user value is ever a label.
 *
 * Nothing is registered at import: the process's ledger is made, and added to `selfMetrics()`,
 * when the first LLM instrumentation is enabled ({@link holdLlmUsage}); it is removed when the
 * last one is disabled, its counts kept in the retired totals (counters never go back). Calls
 * reach it through their telemetry, never through a global.
 */
import { selfMetrics } from '../../src/base/self-metrics';
import type { Labels, MetricSpec, MetricsSource, MetricsWriter } from '../../src/base/self-metrics';
import type { TokenUsage } from './prices';

/** Distinct (provider, operation, model) records kept before models fold into `other`. */
export const MAX_USAGE_MODELS = 200;
/** Distinct `error_type` values per record before they fold into `_OTHER`. */
export const MAX_ERROR_TYPES = 16;
/** The `model` label of calls beyond {@link MAX_USAGE_MODELS}. */
export const OTHER_MODEL = 'other';
/** The `model` label of calls whose model is not known (no request or response model). */
const UNKNOWN_MODEL = 'unknown';
/** The `error_type` label of error types beyond {@link MAX_ERROR_TYPES}. */
const OTHER_ERROR_TYPE = '_OTHER';
/** Label values longer than this are cut (a model name is chosen by the app, not by us). */
const MAX_LABEL_CHARS = 128;

/** The running totals of one (provider, operation, model). */
class UsageRecord {
  calls = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  costUsd = 0;
  /** Calls with token counts but no price for the model: the cost total misses them. */
  unpriced = 0;
  /** Failed calls by error type; created on the first error. */
  errors: Map<string, number> | undefined;
  /** The record's labels, as the metrics write them (made once per record, not per call). */
  readonly labels: Labels;

  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly model: string,
  ) {
    this.labels = { provider, operation, model };
  }

  /** @internal */
  error(errorType: string): void {
    const errors = (this.errors ??= new Map());
    const known = errors.get(errorType);
    if (known !== undefined) {
      errors.set(errorType, known + 1);
      return;
    }
    const key = errors.size < MAX_ERROR_TYPES ? label(errorType) : OTHER_ERROR_TYPE;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
}

/** What one finished LLM call contributes. */
export interface UsageMeasurement {
  readonly provider: string;
  readonly operation: string;
  /** The model label: the requested model, else the one the server reported. */
  readonly model: string | undefined;
  /** Set when the call failed. */
  readonly errorType: string | undefined;
  readonly usage: TokenUsage;
  /** Cost in USD, when the model has a price. */
  readonly costUsd: number | undefined;
}

const CALLS = 'sprintlens_llm_calls_total';
const ERRORS = 'sprintlens_llm_errors_total';
const TOKENS = 'sprintlens_llm_tokens_total';
const COST = 'sprintlens_llm_cost_usd_total';
const UNPRICED = 'sprintlens_llm_unpriced_calls_total';
const OVERFLOW = 'sprintlens_llm_model_overflow_total';

/** The `sprintlens_llm_*` counters (names, help and labels: docs/operations.md, LLM usage). */
export const LLM_USAGE_METRICS: readonly MetricSpec[] = [
  {
    name: CALLS,
    help: 'LLM calls that ended (successful or not), by provider, operation and model.',
    type: 'counter',
  },
  {
    name: ERRORS,
    help: 'LLM calls that failed, by error type (the error class name, bounded).',
    type: 'counter',
  },
  {
    name: TOKENS,
    help:
      'Tokens of LLM calls by type: input (all input, cached included), output, and the ' +
      'cache_read and cache_write parts of input.',
    type: 'counter',
  },
  {
    name: COST,
    help: 'Cost of LLM calls in USD from the price table (calls of unpriced models add nothing).',
    type: 'counter',
  },
  {
    name: UNPRICED,
    help: 'LLM calls with token usage but no price for their model (missing from the cost).',
    type: 'counter',
  },
  {
    name: OVERFLOW,
    help: `LLM calls counted under model="${OTHER_MODEL}" because ${MAX_USAGE_MODELS} models were already tracked.`,
    type: 'counter',
  },
];

/**
 * LLM usage totals (the usage ledger), a self-metrics source: calls add to plain numbers, the
 * `sprintlens_llm_*` counters read them at scrape time.
 */
export class LlmUsage implements MetricsSource {
  readonly specs = LLM_USAGE_METRICS;
  /** Calls counted under `model="other"` because the model cap was reached. */
  overflowCalls = 0;
  private readonly byProvider = new Map<string, Map<string, Map<string, UsageRecord>>>();
  private readonly all: UsageRecord[] = [];
  private distinctModels = 0;

  constructor(private readonly maxModels = MAX_USAGE_MODELS) {}

  /** Every record, for the counters (and tests). */
  records(): readonly UsageRecord[] {
    return this.all;
  }

  /** Writes the counters' current values (at scrape time). */
  collect(out: MetricsWriter): void {
    for (const r of this.all) {
      const labels = r.labels;
      out.add(CALLS, r.calls, labels);
      if (r.errors !== undefined) {
        for (const [errorType, count] of r.errors) {
          out.add(ERRORS, count, { ...labels, error_type: errorType });
        }
      }
      out.add(TOKENS, r.inputTokens, { ...labels, type: 'input' });
      out.add(TOKENS, r.outputTokens, { ...labels, type: 'output' });
      out.add(TOKENS, r.cacheReadTokens, { ...labels, type: 'cache_read' });
      out.add(TOKENS, r.cacheWriteTokens, { ...labels, type: 'cache_write' });
      out.add(COST, r.costUsd, labels);
      out.add(UNPRICED, r.unpriced, labels);
    }
    out.add(OVERFLOW, this.overflowCalls);
  }

  /** Adds one finished call. Cheap: a few map lookups and additions; never throws on bad input. */
  record(m: UsageMeasurement): void {
    this.add(m.provider, m.operation, m.model, m.errorType, m.usage, m.costUsd);
  }

  /**
   * {@link record} without the measurement object, for the per-call path: the fields of a
   * {@link UsageMeasurement}, in its order.
   */
  add(
    provider: string,
    operation: string,
    model: string | undefined,
    errorType: string | undefined,
    usage: TokenUsage,
    costUsd: number | undefined,
  ): void {
    const record = this.recordFor(provider, operation, model ?? UNKNOWN_MODEL);
    record.calls += 1;
    if (errorType !== undefined) record.error(errorType);
    let tokens = false;
    if (countable(usage.inputTokens)) {
      record.inputTokens += usage.inputTokens;
      tokens = true;
    }
    if (countable(usage.outputTokens)) {
      record.outputTokens += usage.outputTokens;
      tokens = true;
    }
    if (countable(usage.cacheReadTokens)) record.cacheReadTokens += usage.cacheReadTokens;
    if (countable(usage.cacheWriteTokens)) record.cacheWriteTokens += usage.cacheWriteTokens;
    if (countable(costUsd)) record.costUsd += costUsd;
    else if (tokens) record.unpriced += 1;
  }

  private recordFor(provider: string, operation: string, model: string): UsageRecord {
    let byOperation = this.byProvider.get(provider);
    if (byOperation === undefined) {
      byOperation = new Map();
      this.byProvider.set(provider, byOperation);
    }
    let byModel = byOperation.get(operation);
    if (byModel === undefined) {
      byModel = new Map();
      byOperation.set(operation, byModel);
    }
    const found = byModel.get(model);
    if (found !== undefined) return found;
    if (this.distinctModels >= this.maxModels && model !== OTHER_MODEL) {
      // Not stored under its own name, so an unbounded stream of names costs no memory.
      this.overflowCalls += 1;
      return this.recordFor(provider, operation, OTHER_MODEL);
    }
    const created = new UsageRecord(label(provider), label(operation), label(model));
    if (model !== OTHER_MODEL) this.distinctModels += 1;
    byModel.set(model, created);
    this.all.push(created);
    return created;
  }
}

/**
 * Whether a number may be added to a counter: finite and not negative (a counter never goes
 * backwards, and prom-client would throw at scrape time on NaN or Infinity).
 */
function countable(value: number | undefined): value is number {
  return value !== undefined && value >= 0 && value < Infinity;
}

function label(value: string): string {
  return value.length > MAX_LABEL_CHARS ? value.slice(0, MAX_LABEL_CHARS) : value;
}

/** The process's ledger while at least one LLM instrumentation holds it. */
let held: { readonly usage: LlmUsage; holders: number; readonly remove: () => void } | undefined;

/**
 * The process's usage ledger, for an LLM instrumentation being enabled: made and added to
 * `selfMetrics()` by the first holder, shared by the others (so the model cap is per process, as
 * docs/operations.md says). Give it back with {@link releaseLlmUsage}.
 */
export function holdLlmUsage(): LlmUsage {
  if (held === undefined) {
    const usage = new LlmUsage();
    held = { usage, holders: 0, remove: selfMetrics().add(usage) };
  }
  held.holders += 1;
  return held.usage;
}

/**
 * Gives back a ledger from {@link holdLlmUsage}. When the last holder lets go it leaves the
 * self-metrics, its counts kept in the retired totals; the next holder starts a new one.
 */
export function releaseLlmUsage(usage: LlmUsage): void {
  if (held === undefined || held.usage !== usage) return;
  held.holders -= 1;
  if (held.holders > 0) return;
  held.remove();
  held = undefined;
}
