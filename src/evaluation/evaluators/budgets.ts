import type { EvaluationScore, Evaluator, EvaluatorInput } from '../types';
import { invalidOption, nameOption, optionsObject, verdict } from './shared';

/** Options of {@link latencyBudget}. */
export interface LatencyBudgetOptions {
  /** Default `latency_budget`. */
  readonly name?: string;
  /** The budget in milliseconds: an item run passes when its latency is at most this. */
  readonly maxMs: number;
}

/** Options of {@link costBudget}. */
export interface CostBudgetOptions {
  /** Default `cost_budget`. */
  readonly name?: string;
  /** The budget in US dollars: an item run passes when its cost is at most this. */
  readonly maxUsd: number;
}

/**
 * The graded score of a measure against its budget: 1 within it, else `budget / actual`, so
 * twice over the budget scores 0.5 and a run that gets slower (or dearer) scores lower.
 */
export function budgetScore(actual: number, budget: number): number {
  return actual <= budget ? 1 : budget / actual;
}

/** How one budget evaluator reads and shows its measure. */
interface BudgetKind {
  readonly where: string;
  readonly defaultName: string;
  readonly option: string;
  readonly unit: string;
  readonly digits: number;
  readonly measure: (args: EvaluatorInput) => unknown;
  /** The verdict for an item run without the measure (a new object each time). */
  readonly missing: () => EvaluationScore;
}

function budgetEvaluator(kind: BudgetKind, name: unknown, budget: unknown): Evaluator {
  const resolved = nameOption(kind.where, name, kind.defaultName);
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 0) {
    invalidOption(kind.where, kind.option, 'a finite number of 0 or more');
  }
  const shown = (value: number) => `${value.toFixed(kind.digits)} ${kind.unit}`;
  return {
    name: resolved,
    evaluate(args) {
      const actual = kind.measure(args);
      if (typeof actual !== 'number' || !Number.isFinite(actual) || actual < 0)
        return kind.missing();
      return verdict(
        budgetScore(actual, budget),
        actual <= budget,
        `${shown(actual)} against a budget of ${shown(budget)}`,
      );
    },
  };
}

const LATENCY: BudgetKind = {
  where: 'latencyBudget()',
  defaultName: 'latency_budget',
  option: 'maxMs',
  unit: 'ms',
  digits: 1,
  measure: (args) => args.latencyMs,
  missing: () => verdict(0, false, 'no latency was measured'),
};

const COST: BudgetKind = {
  where: 'costBudget()',
  defaultName: 'cost_budget',
  option: 'maxUsd',
  unit: 'USD',
  digits: 6,
  measure: (args) => args.costUsd,
  missing: () => ({ label: 'unknown', explanation: 'the cost of this item run is not known' }),
};

/**
 * Whether an item run's latency (the task's wall time, as the runner measured it) is within a
 * budget. `passed` says whether it is; the score is graded (see {@link budgetScore}).
 */
export function latencyBudget(options: LatencyBudgetOptions): Evaluator {
  const o = optionsObject(LATENCY.where, options);
  return budgetEvaluator(LATENCY, o.name, o.maxMs);
}

/**
 * Whether an item run's cost (what its LLM calls cost, from their spans) is within a budget.
 * `passed` says whether it is; the score is graded (see {@link budgetScore}). An item run whose
 * cost is unknown (no priced model call) gets the label `unknown` and no score or verdict:
 * neither passing nor failing what was not measured.
 */
export function costBudget(options: CostBudgetOptions): Evaluator {
  const o = optionsObject(COST.where, options);
  return budgetEvaluator(COST, o.name, o.maxUsd);
}
