/**
 * The aggregates of an experiment run: per evaluator the mean and the pass rate, latency
 * percentiles, token and cost totals, failures.
 */
import { isUnparseableJudgeScore } from './evaluators/llm-judge';
import type { EvaluatorSummary, ExperimentSummary, ItemResult } from './types';

/** Summarises `items` (every item run) for the evaluators named in `evaluatorNames`. */
export function summarise(options: {
  readonly items: readonly ItemResult[];
  readonly evaluatorNames: readonly string[];
  readonly skippedLines: number;
  readonly evaluatorCostUsd: number;
}): ExperimentSummary {
  const { items } = options;
  const latencies = items.map((item) => item.latencyMs).sort((a, b) => a - b);
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let failures = 0;
  for (const item of items) {
    inputTokens += item.inputTokens;
    outputTokens += item.outputTokens;
    costUsd += item.costUsd;
    if (item.error !== undefined) failures++;
  }
  return {
    items: items.length,
    failures,
    skippedLines: options.skippedLines,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
    inputTokens,
    outputTokens,
    costUsd,
    evaluatorCostUsd: options.evaluatorCostUsd,
    evaluators: options.evaluatorNames.map((name) => evaluatorSummary(name, items)),
  };
}

function evaluatorSummary(name: string, items: readonly ItemResult[]): EvaluatorSummary {
  let count = 0;
  let errors = 0;
  let unparseable = 0;
  let scored = 0;
  let sum = 0;
  let judged = 0;
  let passed = 0;
  for (const item of items) {
    const verdict = item.scores[name];
    if (verdict === undefined) continue;
    if (verdict.error !== undefined) {
      errors++;
      continue;
    }
    count++;
    if (isUnparseableJudgeScore(verdict)) unparseable++;
    if (verdict.score !== undefined) {
      scored++;
      sum += verdict.score;
    }
    if (verdict.passed !== undefined) {
      judged++;
      if (verdict.passed) passed++;
    }
  }
  return {
    name,
    ...(scored > 0 ? { mean: sum / scored } : {}),
    ...(judged > 0 ? { passRate: passed / judged } : {}),
    count,
    errors,
    unparseable,
  };
}

/** The nearest-rank percentile of sorted `values` (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}
