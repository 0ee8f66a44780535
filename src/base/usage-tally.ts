/**
 * Where an LLM call adds its tokens and cost for whoever asked through the context: an
 * experiment item run puts a {@link UsageTally} in the context its task runs in, and the LLM
 * call pipeline adds each call it ends beneath it (one context lookup per call; nothing when no
 * tally is there). Only the pipeline of the provider instrumentations adds, once per model
 * call, so a framework's span around the same call is never counted twice.
 */
import type { Context } from '@opentelemetry/api';

/** The context key; a global symbol so that every copy of the package shares it. */
export const USAGE_TALLY_KEY = Symbol.for('sprintlens.usage-tally');

/** Token counts and cost summed over the LLM calls ended beneath one context. */
export class UsageTally {
  calls = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  /** Calls whose cost is unknown (no price for their model): the total is then a lower bound. */
  unpricedCalls = 0;

  /** Adds one call; an unknown count or cost adds nothing. */
  add(
    inputTokens: number | undefined,
    outputTokens: number | undefined,
    costUsd: number | undefined,
  ): void {
    this.calls++;
    if (inputTokens !== undefined) this.inputTokens += inputTokens;
    if (outputTokens !== undefined) this.outputTokens += outputTokens;
    if (costUsd !== undefined) this.costUsd += costUsd;
    else this.unpricedCalls++;
  }

  /** The total cost, or `undefined` when a call's cost is unknown (never a guess). */
  get knownCostUsd(): number | undefined {
    return this.unpricedCalls > 0 ? undefined : this.costUsd;
  }
}

/** The tally of `context`, if one was set there or in a context it derives from. */
export function usageTallyOf(context: Context): UsageTally | undefined {
  return context.getValue(USAGE_TALLY_KEY) as UsageTally | undefined;
}

/** `context` with `tally` as its usage tally. */
export function withUsageTally(context: Context, tally: UsageTally): Context {
  return context.setValue(USAGE_TALLY_KEY, tally);
}
