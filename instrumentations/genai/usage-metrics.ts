/**
 * LLM usage as prom-client counters in `sdkRegistry`, for teams that only scrape Prometheus:
 * calls, errors, tokens and cost in USD by provider, operation and model.
 *
 * The call path is hot, so a call never touches prom-client: {@link LlmUsage.record} bumps plain
 * numbers in one record per (provider, operation, model), found through nested maps (no label
 * string is built, nothing is hashed but the three strings the maps already key on), and the
 * counters read the records at scrape time (`collect`). Label sets stay bounded: providers and
 * operations come from the instrumentations' code, models are capped (later ones are counted
 * under `model="other"`), error types are capped per record, and nothing from a prompt, a
 * response or a user value is ever a label.
 */
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { sdkRegistry } from '../../src/metrics/registry';
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

  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly model: string,
  ) {}

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

/** Process-wide LLM usage totals, read by the counters at scrape time. */
export class LlmUsage {
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

type UsageLabels = 'provider' | 'operation' | 'model';

function labelsOf(r: UsageRecord): Record<UsageLabels, string> {
  return { provider: r.provider, operation: r.operation, model: r.model };
}

/**
 * Creates the LLM usage counters in `registry`, reading `usage` at scrape time:
 * `sprintlens_llm_calls_total`, `sprintlens_llm_errors_total`, `sprintlens_llm_tokens_total`,
 * `sprintlens_llm_cost_usd_total`, `sprintlens_llm_unpriced_calls_total` and
 * `sprintlens_llm_model_overflow_total`.
 */
export function registerLlmUsageMetrics(usage: LlmUsage, registry: Registry): void {
  const registers = [registry];
  const labelNames = ['provider', 'operation', 'model'] as const;
  new Counter({
    name: 'sprintlens_llm_calls_total',
    help: 'LLM calls that ended (successful or not), by provider, operation and model.',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const r of usage.records()) this.inc(labelsOf(r), r.calls);
    },
  });
  new Counter({
    name: 'sprintlens_llm_errors_total',
    help: 'LLM calls that failed, by error type (the error class name, bounded).',
    labelNames: [...labelNames, 'error_type'] as const,
    registers,
    collect() {
      this.reset();
      for (const r of usage.records()) {
        if (r.errors === undefined) continue;
        for (const [errorType, count] of r.errors) {
          this.inc({ ...labelsOf(r), error_type: errorType }, count);
        }
      }
    },
  });
  new Counter({
    name: 'sprintlens_llm_tokens_total',
    help:
      'Tokens of LLM calls by type: input (all input, cached included), output, and the ' +
      'cache_read and cache_write parts of input.',
    labelNames: [...labelNames, 'type'] as const,
    registers,
    collect() {
      this.reset();
      for (const r of usage.records()) {
        const labels = labelsOf(r);
        this.inc({ ...labels, type: 'input' }, r.inputTokens);
        this.inc({ ...labels, type: 'output' }, r.outputTokens);
        this.inc({ ...labels, type: 'cache_read' }, r.cacheReadTokens);
        this.inc({ ...labels, type: 'cache_write' }, r.cacheWriteTokens);
      }
    },
  });
  new Counter({
    name: 'sprintlens_llm_cost_usd_total',
    help: 'Cost of LLM calls in USD from the price table (calls of unpriced models add nothing).',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const r of usage.records()) this.inc(labelsOf(r), r.costUsd);
    },
  });
  new Counter({
    name: 'sprintlens_llm_unpriced_calls_total',
    help: 'LLM calls with token usage but no price for their model (missing from the cost).',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const r of usage.records()) this.inc(labelsOf(r), r.unpriced);
    },
  });
  new Counter({
    name: 'sprintlens_llm_model_overflow_total',
    help: `LLM calls counted under model="${OTHER_MODEL}" because ${MAX_USAGE_MODELS} models were already tracked.`,
    registers,
    collect() {
      this.reset();
      this.inc(usage.overflowCalls);
    },
  });
}

/** The process-wide usage totals that every LLM instrumentation records into. */
export const llmUsage = new LlmUsage();
registerLlmUsageMetrics(llmUsage, sdkRegistry);
