/**
 * `compareExperiments`: run B against run A on the items both ran, per evaluator, with a
 * confidence interval for the mean paired difference and an exact sign test, plus latency and
 * cost; and the gate that makes it a CI check. The rule and why: docs/evaluation-reference.md.
 */
import { EvaluationNotExperimentResultError } from '../base/errors';
import { cut } from '../base/text';
import { invalidOption } from './evaluators/shared';
import { bootstrapMeanInterval, mean, median, signTest } from './statistics';
import type { Interval, SignTestResult } from './statistics';
import type { ExperimentResult } from './types';

export { formatComparison } from './compare-format';

/** When a gated evaluator counts as regressed. */
export type GateRule = 'ci' | 'mean';

/** Options of {@link compareExperiments}. */
export interface CompareOptions {
  /**
   * The evaluators that gate (`passed`). Default: every evaluator both runs scored. A name
   * given here that has no score in both runs fails the gate (a typo must not pass).
   */
  readonly evaluators?: readonly string[];
  /**
   * The allowed drop of the mean score, B - A (scores are 0..1, higher is better): one number
   * for all, or per evaluator name (names left out: 0). Default 0.
   */
  readonly threshold?: number | Readonly<Record<string, number>>;
  /**
   * `ci` (default): an evaluator regressed when the whole confidence interval of the mean
   * difference lies below `-threshold`, i.e. the drop beyond the threshold is unlikely to be
   * noise. `mean`: when the mean difference alone is below `-threshold` (stricter, noisier).
   */
  readonly rule?: GateRule;
  /** Coverage of the interval, in (0, 1). Default 0.95. */
  readonly confidence?: number;
  /** Bootstrap resamples. Default 10,000. */
  readonly resamples?: number;
  /** Seed of the bootstrap; a fixed default, so the same files always give the same result. Default 1. */
  readonly seed?: number;
  /**
   * A trial whose task failed, and that has no score of an evaluator, counts as 0 for it
   * (default `true`), so a run that fails more items cannot look better by being scored on
   * fewer. `false` leaves such trials out.
   */
  readonly taskErrorsScoreZero?: boolean;
}

/** Which run is which. */
export interface RunIdentity {
  readonly name: string;
  readonly runId: string;
  /** Distinct item ids. */
  readonly items: number;
  /** Item runs (items × trials). */
  readonly itemRuns: number;
  /** Item runs whose task failed. */
  readonly failures: number;
}

/** One evaluator, B against A. Score means are over paired items (each item's trials averaged). */
export interface EvaluatorComparison {
  readonly name: string;
  /** Whether this evaluator takes part in `passed`. */
  readonly gated: boolean;
  /** The allowed drop that applied. */
  readonly threshold: number;
  /** Items with a score in both runs. */
  readonly pairs: number;
  readonly meanA?: number;
  readonly meanB?: number;
  /** Mean of B - A over the pairs. */
  readonly meanDifference?: number;
  /** Bootstrap interval of `meanDifference`. */
  readonly interval?: Interval;
  readonly signTest: SignTestResult;
  /** Gated and failing the rule (or gated without any pair). */
  readonly regressed: boolean;
  /** Why it has no numbers, when it has none. */
  readonly note?: string;
}

/** A per-item measure (latency, cost), B against A, over the paired items. */
export interface MeasureComparison {
  readonly meanA: number;
  readonly meanB: number;
  readonly meanDifference: number;
  /** Bootstrap interval of `meanDifference`. */
  readonly interval?: Interval;
  readonly medianA: number;
  readonly medianB: number;
  /** `medianB - medianA` (not the median of the differences). */
  readonly medianDifference: number;
  readonly totalA: number;
  readonly totalB: number;
  readonly totalDifference: number;
}

/** The result of {@link compareExperiments}. */
export interface ExperimentComparison {
  readonly a: RunIdentity;
  readonly b: RunIdentity;
  /** Items (by id) that both runs have. */
  readonly pairedItems: number;
  /** Ids only in A, then only in B (sorted; not compared). */
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  readonly evaluators: readonly EvaluatorComparison[];
  /** Latency in ms per item (the mean of its trials). Absent without paired items. */
  readonly latency?: MeasureComparison;
  /** Cost in USD per item (the mean of its trials). Absent without paired items. */
  readonly cost?: MeasureComparison;
  readonly rule: GateRule;
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
  /** Names of the gated evaluators that regressed. */
  readonly regressions: readonly string[];
  /** No gated evaluator regressed. */
  readonly passed: boolean;
}

const WHERE = 'compareExperiments()';
/** Slack for floating-point sums: equal runs must never regress by rounding. */
const EPSILON = 1e-12;

interface TrialValues {
  /** Per evaluator, the numeric scores of this item's trials. */
  readonly scores: Map<string, number[]>;
  readonly latency: number[];
  readonly cost: number[];
}

interface ReadRun {
  readonly identity: RunIdentity;
  readonly evaluators: Set<string>;
  readonly items: Map<string, TrialValues>;
}

function describeFound(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  }
  const format = (value as { format?: unknown }).format;
  if (format === undefined) return 'no "format" field';
  if (format !== 'sprintlens.experiment.v1') {
    return `"format" is ${JSON.stringify(cut(String(format), 60))}`;
  }
  return 'no "items" list';
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Reads one result defensively: a hand-edited or truncated file must not crash the CLI. */
function readRun(which: string, value: unknown, errorsScoreZero: boolean): ReadRun {
  const result = value as Partial<ExperimentResult> | null;
  if (
    result === null ||
    typeof result !== 'object' ||
    result.format !== 'sprintlens.experiment.v1' ||
    !Array.isArray(result.items)
  ) {
    throw new EvaluationNotExperimentResultError(which, describeFound(value));
  }
  const evaluators = new Set<string>();
  for (const summary of Array.isArray(result.summary?.evaluators)
    ? result.summary.evaluators
    : []) {
    if (typeof summary?.name === 'string') evaluators.add(summary.name);
  }
  for (const item of result.items) {
    if (item?.scores !== null && typeof item?.scores === 'object') {
      for (const name of Object.keys(item.scores)) evaluators.add(name);
    }
  }
  const items = new Map<string, TrialValues>();
  let itemRuns = 0;
  let failures = 0;
  for (const item of result.items) {
    if (item === null || typeof item !== 'object' || typeof item.id !== 'string') continue;
    itemRuns++;
    const failed = item.error !== undefined && item.error !== null;
    if (failed) failures++;
    let values = items.get(item.id);
    if (values === undefined) {
      values = { scores: new Map(), latency: [], cost: [] };
      items.set(item.id, values);
    }
    if (isFiniteNumber(item.latencyMs)) values.latency.push(item.latencyMs);
    if (isFiniteNumber(item.costUsd)) values.cost.push(item.costUsd);
    const scores = item.scores !== null && typeof item.scores === 'object' ? item.scores : {};
    for (const name of evaluators) {
      const score = scores[name]?.score;
      const counted = isFiniteNumber(score) ? score : failed && errorsScoreZero ? 0 : undefined;
      if (counted === undefined) continue;
      let list = values.scores.get(name);
      if (list === undefined) {
        list = [];
        values.scores.set(name, list);
      }
      list.push(counted);
    }
  }
  return {
    identity: {
      name: typeof result.name === 'string' ? result.name : '',
      runId: typeof result.runId === 'string' ? result.runId : '',
      items: items.size,
      itemRuns,
      failures,
    },
    evaluators,
    items,
  };
}

interface Settings {
  readonly resamples: number;
  readonly confidence: number;
  readonly seed: number;
}

function compareMeasure(
  a: readonly number[],
  b: readonly number[],
  settings: Settings,
): MeasureComparison {
  const differences = b.map((value, i) => value - (a[i] as number));
  const totalA = a.reduce((sum, v) => sum + v, 0);
  const totalB = b.reduce((sum, v) => sum + v, 0);
  const medianA = median(a);
  const medianB = median(b);
  return {
    meanA: mean(a),
    meanB: mean(b),
    meanDifference: mean(differences),
    interval: bootstrapMeanInterval(differences, settings),
    medianA,
    medianB,
    medianDifference: medianB - medianA,
    totalA,
    totalB,
    totalDifference: totalB - totalA,
  };
}

function checkOptions(options: CompareOptions): {
  readonly rule: GateRule;
  readonly settings: Settings;
  readonly errorsScoreZero: boolean;
} {
  if (options === null || typeof options !== 'object') {
    invalidOption(WHERE, 'options', 'an options object');
  }
  const rule = options.rule ?? 'ci';
  if (rule !== 'ci' && rule !== 'mean') invalidOption(WHERE, 'rule', "'ci' or 'mean'");
  const confidence = options.confidence ?? 0.95;
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    invalidOption(WHERE, 'confidence', 'a number between 0 and 1, e.g. 0.95');
  }
  const resamples = options.resamples ?? 10_000;
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 10_000_000) {
    invalidOption(WHERE, 'resamples', 'an integer from 100 to 10,000,000');
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) invalidOption(WHERE, 'seed', 'an integer');
  const threshold = options.threshold ?? 0;
  const thresholds = typeof threshold === 'number' ? [threshold] : Object.values(threshold ?? {});
  if (
    (typeof threshold !== 'number' && (threshold === null || typeof threshold !== 'object')) ||
    !thresholds.every((t) => typeof t === 'number' && t >= 0 && Number.isFinite(t))
  ) {
    invalidOption(WHERE, 'threshold', 'a number of 0 or more, or a map of names to such numbers');
  }
  if (
    options.evaluators !== undefined &&
    (!Array.isArray(options.evaluators) ||
      !options.evaluators.every((name) => typeof name === 'string'))
  ) {
    invalidOption(WHERE, 'evaluators', 'a list of evaluator names');
  }
  if (
    options.taskErrorsScoreZero !== undefined &&
    typeof options.taskErrorsScoreZero !== 'boolean'
  ) {
    invalidOption(WHERE, 'taskErrorsScoreZero', 'true or false');
  }
  return {
    rule,
    settings: { confidence, resamples, seed },
    errorsScoreZero: options.taskErrorsScoreZero ?? true,
  };
}

/**
 * Compares run B with run A (two `sprintlens.experiment.v1` results, e.g. two prompts on the
 * same dataset). Items are paired by id; each item's trials are averaged first. Per evaluator:
 * the means, the mean paired difference B - A with a seeded paired-bootstrap interval, and an
 * exact sign test; then latency and cost the same way. `passed` is false when a gated evaluator
 * regressed (see {@link CompareOptions.rule}). Throws `SL_EVALUATION_NOT_EXPERIMENT_RESULT` for
 * an input that is not a result, and `SL_EVALUATION_INVALID_OPTION` for bad options.
 */
export function compareExperiments(
  a: ExperimentResult,
  b: ExperimentResult,
  options: CompareOptions = {},
): ExperimentComparison {
  const { rule, settings, errorsScoreZero } = checkOptions(options);
  const runA = readRun('a', a, errorsScoreZero);
  const runB = readRun('b', b, errorsScoreZero);
  // Sorted ids: the same files give the same pairs in the same order, hence the same interval.
  const ids = [...runA.items.keys()].filter((id) => runB.items.has(id)).sort();
  const onlyInA = [...runA.items.keys()].filter((id) => !runB.items.has(id)).sort();
  const onlyInB = [...runB.items.keys()].filter((id) => !runA.items.has(id)).sort();

  const inBoth = [...runA.evaluators].filter((name) => runB.evaluators.has(name));
  const gatedNames = new Set(options.evaluators ?? inBoth);
  const names = [...new Set([...runA.evaluators, ...runB.evaluators, ...gatedNames])].sort();
  const thresholdOf = (name: string): number =>
    typeof options.threshold === 'number' ? options.threshold : (options.threshold?.[name] ?? 0);

  const evaluators: EvaluatorComparison[] = names.map((name) => {
    const gated = gatedNames.has(name);
    const threshold = thresholdOf(name);
    const scoresA: number[] = [];
    const scoresB: number[] = [];
    for (const id of ids) {
      const listA = runA.items.get(id)?.scores.get(name);
      const listB = runB.items.get(id)?.scores.get(name);
      if (listA === undefined || listB === undefined) continue;
      scoresA.push(mean(listA));
      scoresB.push(mean(listB));
    }
    const differences = scoresB.map((value, i) => value - (scoresA[i] as number));
    const sign = signTest(differences);
    if (differences.length === 0) {
      const where = !runA.evaluators.has(name)
        ? runB.evaluators.has(name)
          ? 'only run B has it'
          : 'neither run has it'
        : !runB.evaluators.has(name)
          ? 'only run A has it'
          : 'no item has a score in both runs';
      return { name, gated, threshold, pairs: 0, signTest: sign, regressed: gated, note: where };
    }
    const meanDifference = mean(differences);
    const interval = bootstrapMeanInterval(differences, settings) as Interval;
    const measured = rule === 'ci' ? interval.upper : meanDifference;
    return {
      name,
      gated,
      threshold,
      pairs: differences.length,
      meanA: mean(scoresA),
      meanB: mean(scoresB),
      meanDifference,
      interval,
      signTest: sign,
      regressed: gated && measured < -threshold - EPSILON,
    };
  });

  const perItem = (run: ReadRun, pick: 'latency' | 'cost'): number[] =>
    ids.map((id) => {
      const list = (run.items.get(id) as TrialValues)[pick];
      return list.length === 0 ? 0 : mean(list);
    });
  const regressions = evaluators.filter((e) => e.regressed).map((e) => e.name);
  return {
    a: runA.identity,
    b: runB.identity,
    pairedItems: ids.length,
    onlyInA,
    onlyInB,
    evaluators,
    ...(ids.length === 0
      ? {}
      : {
          latency: compareMeasure(perItem(runA, 'latency'), perItem(runB, 'latency'), settings),
          cost: compareMeasure(perItem(runA, 'cost'), perItem(runB, 'cost'), settings),
        }),
    rule,
    confidence: settings.confidence,
    resamples: settings.resamples,
    seed: settings.seed,
    regressions,
    passed: regressions.length === 0,
  };
}
