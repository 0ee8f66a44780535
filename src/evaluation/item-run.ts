/**
 * One item run (an item × a trial): its span, made active while the task runs so every LLM,
 * HTTP and tool span beneath belongs to the item; the tokens and cost of the LLM calls ended
 * beneath it (a {@link UsageTally} in the context, fed by the LLM call pipeline); the latency;
 * the evaluators, run after the task; and each score recorded with `recordEvaluation` under the
 * item's span. A failing task or evaluator is recorded, never thrown.
 */
import { context, isSpanContextValid, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, SpanContext, Tracer } from '@opentelemetry/api';
import {
  ATTR_EXPERIMENT_ITEM_COST,
  ATTR_EXPERIMENT_ITEM_ID,
  ATTR_EXPERIMENT_ITEM_INPUT_TOKENS,
  ATTR_EXPERIMENT_ITEM_OUTPUT_TOKENS,
  ATTR_EXPERIMENT_NAME,
  ATTR_EXPERIMENT_RUN_ID,
  ATTR_EXPERIMENT_TRIAL,
} from '../base/evaluation-event';
import { cut, safeString, safeStringify } from '../base/text';
import { UsageTally, withUsageTally } from '../base/usage-tally';
import { recordEvaluation } from './record-evaluation';
import { errorText, evaluateOne } from './run-evaluators';
import type { NamedEvaluator } from './run-evaluators';
import type { ExperimentItem, ItemResult, ItemScore } from './types';

/** The task of an experiment: called with the item's input (and the item itself). */
export type ExperimentTask<Input = unknown, Output = unknown, Expected = unknown> = (
  input: Input,
  item: ExperimentItem<Input, Expected>,
) => Output | Promise<Output>;

/** What every item run of one experiment run shares. */
export interface RunContext {
  readonly name: string;
  readonly runId: string;
  readonly tracer: Tracer;
  readonly task: ExperimentTask;
  readonly evaluators: readonly NamedEvaluator[];
  /** The span name, `experiment_item {name}`. */
  readonly spanName: string;
  /** Tokens and cost of the evaluators' own LLM calls (a judge), over the whole run. */
  readonly evaluatorUsage: UsageTally;
}

/** Longest `output` stored in the result file, as JSON text. */
const MAX_OUTPUT_JSON_LENGTH = 100_000;
const MAX_ERROR_MESSAGE_LENGTH = 1000;

/** Runs one item × trial; resolves with its result, whatever the task and evaluators do. */
export async function runItem(
  run: RunContext,
  item: ExperimentItem,
  trial: number,
): Promise<ItemResult> {
  const attributes: Attributes = {
    [ATTR_EXPERIMENT_NAME]: run.name,
    [ATTR_EXPERIMENT_RUN_ID]: run.runId,
    [ATTR_EXPERIMENT_ITEM_ID]: item.id,
    [ATTR_EXPERIMENT_TRIAL]: trial,
  };
  // Each item run is a trace of its own (experiments group by run id, not by a parent span).
  const span = run.tracer.startSpan(run.spanName, { root: true, attributes });
  const spanContext = span.spanContext();
  const itemContext = trace.setSpan(context.active(), span);
  const usage = new UsageTally();

  let output: unknown;
  let error: ItemResult['error'];
  const started = performance.now();
  try {
    output = await context.with(withUsageTally(itemContext, usage), () =>
      run.task(item.input, item),
    );
  } catch (thrown) {
    error = errorOf(thrown);
  }
  const latencyMs = performance.now() - started;

  span.setAttribute(ATTR_EXPERIMENT_ITEM_INPUT_TOKENS, usage.inputTokens);
  span.setAttribute(ATTR_EXPERIMENT_ITEM_OUTPUT_TOKENS, usage.outputTokens);
  span.setAttribute(ATTR_EXPERIMENT_ITEM_COST, usage.costUsd);
  if (error !== undefined) {
    // Only the type on the span, as for LLM calls: a message may quote the input.
    span.setAttribute('error.type', error.type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.type });
  }

  const scores: Record<string, ItemScore> = {};
  if (error === undefined && run.evaluators.length > 0) {
    // The evaluators' LLM calls (a judge) are beneath the item span too, counted apart.
    const evaluatorContext = withUsageTally(itemContext, run.evaluatorUsage);
    const args = {
      input: item.input,
      output,
      expected: item.expected,
      metadata: item.metadata,
      latencyMs,
      // Unknown when a call had no price: a cost budget then says so rather than passing.
      costUsd: usage.knownCostUsd,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
    };
    for (const evaluator of run.evaluators) {
      const verdict = await context.with(evaluatorContext, () => evaluateOne(evaluator, args));
      scores[evaluator.name] = verdict;
      if (verdict.error === undefined)
        record(run, item, trial, spanContext, evaluator.name, verdict);
    }
  }
  span.end();

  const valid = isSpanContextValid(spanContext);
  return {
    id: item.id,
    trial,
    ...(error === undefined ? { output: jsonOutput(output) } : { error }),
    latencyMs,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: usage.costUsd,
    ...(valid ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {}),
    scores,
  };
}

function record(
  run: RunContext,
  item: ExperimentItem,
  trial: number,
  spanContext: SpanContext,
  name: string,
  verdict: ItemScore,
): void {
  recordEvaluation({
    name,
    score: verdict.score,
    label: verdict.label,
    explanation: verdict.explanation,
    passed: verdict.passed,
    // Without a tracer (no SDK) the item span is a no-op one: nothing to tie the event to.
    ...(isSpanContextValid(spanContext) ? { span: spanContext } : {}),
    attributes: {
      [ATTR_EXPERIMENT_NAME]: run.name,
      [ATTR_EXPERIMENT_RUN_ID]: run.runId,
      [ATTR_EXPERIMENT_ITEM_ID]: item.id,
      [ATTR_EXPERIMENT_TRIAL]: trial,
    },
  });
}

/** The task's error as the result file keeps it: its class name and its message, bounded. */
function errorOf(thrown: unknown): { type: string; message: string } {
  if (thrown instanceof Error) {
    const constructorName = thrown.constructor?.name;
    const type =
      typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Error'
        ? constructorName
        : safeString(thrown.name);
    return { type, message: cut(safeString(thrown.message), MAX_ERROR_MESSAGE_LENGTH) };
  }
  return { type: typeof thrown, message: errorText(thrown) };
}

/**
 * The task's output as JSON-compatible data for the result file: the value itself when it
 * survives `JSON.stringify` within the bound, else its bounded JSON text (cycles, BigInt, a
 * huge value).
 */
export function jsonOutput(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return undefined; // a function or a symbol
    if (text.length <= MAX_OUTPUT_JSON_LENGTH) return JSON.parse(text) as unknown;
  } catch {
    // Not JSON as it is: its bounded text below.
  }
  return safeStringify(value, { maxLength: MAX_OUTPUT_JSON_LENGTH });
}
