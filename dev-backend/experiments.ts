/**
 * Evaluations and experiments in the dev backend's summary: every `gen_ai.evaluation.result`
 * event by evaluation name (scores from experiments and from production code alike), and per
 * experiment run (`sprintlens.experiment.name` and `.run_id`) its item runs, failures, tokens
 * and cost (from the item spans) and its scores per evaluator (from the events, which carry the
 * experiment's attributes). Bounded like the rest of the summary.
 */
import {
  ATTR_EVALUATION_NAME,
  ATTR_EVALUATION_PASSED,
  ATTR_EVALUATION_SCORE_VALUE,
  ATTR_EXPERIMENT_ITEM_COST,
  ATTR_EXPERIMENT_ITEM_ID,
  ATTR_EXPERIMENT_ITEM_INPUT_TOKENS,
  ATTR_EXPERIMENT_ITEM_OUTPUT_TOKENS,
  ATTR_EXPERIMENT_NAME,
  ATTR_EXPERIMENT_RUN_ID,
} from '../src/base/evaluation-event';
import { CappedMap, OTHER } from './capped-map';
import type { Attributes, ReceivedLogRecord, ReceivedSpan } from './otlp-types';

/** The scores of one evaluation name. */
export interface EvaluationScores {
  name: string;
  /** Events received. */
  count: number;
  /** Events with a numeric score. */
  scored: number;
  /** Mean of the numeric scores. */
  mean: number | undefined;
  /** Events that said whether they passed (`sprintlens.evaluation.passed`), and how many did. */
  judged: number;
  passed: number;
}

/** One experiment run as received. */
export interface ExperimentRunSummary {
  experiment: string;
  runId: string;
  /** Item spans received (items × trials). */
  items: number;
  /** Item spans with status ERROR (the task threw). */
  failed: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Per evaluator, by name. */
  evaluators: EvaluationScores[];
}

/** The evaluation part of a summary snapshot. */
export interface EvaluationsSnapshot {
  evaluations: {
    /** `gen_ai.evaluation.result` events received. */
    total: number;
    /** By evaluation name, most events first. */
    byName: EvaluationScores[];
  };
  /** Experiment runs, in the order they were first seen. */
  experiments: ExperimentRunSummary[];
}

/** Caps of the groupings. */
export interface ExperimentLimits {
  experimentRuns: number;
  evaluationNames: number;
}

/** Running totals of a name's scores. */
interface ScoreTotals extends Omit<EvaluationScores, 'mean'> {
  sum: number;
}

interface RunEntry extends Omit<ExperimentRunSummary, 'evaluators'> {
  evaluators: CappedMap<ScoreTotals>;
}

function str(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(attributes: Attributes, key: string): number | undefined {
  const value = attributes[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

function totals(name: string): ScoreTotals {
  return { name, count: 0, scored: 0, judged: 0, passed: 0, sum: 0 };
}

function add(entry: ScoreTotals, attributes: Attributes): void {
  entry.count += 1;
  const score = num(attributes, ATTR_EVALUATION_SCORE_VALUE);
  if (score !== undefined) {
    entry.scored += 1;
    entry.sum += score;
  }
  const passed = attributes[ATTR_EVALUATION_PASSED];
  if (typeof passed === 'boolean') {
    entry.judged += 1;
    if (passed) entry.passed += 1;
  }
}

function scores(entry: ScoreTotals): EvaluationScores {
  const { sum, ...rest } = entry;
  return { ...rest, mean: entry.scored > 0 ? sum / entry.scored : undefined };
}

/** Aggregates evaluation events and experiment item spans. */
export class ExperimentsSummary {
  private total = 0;
  private readonly names: CappedMap<ScoreTotals>;
  private readonly runs: CappedMap<RunEntry>;

  constructor(
    limits: ExperimentLimits,
    /** How texts are cut before they become keys (the summary's own bound). */
    private readonly text: (value: string) => string,
  ) {
    this.names = new CappedMap(limits.evaluationNames, totals);
    this.runs = new CappedMap(limits.experimentRuns, (key) => ({
      experiment: key === OTHER ? OTHER : '',
      runId: key === OTHER ? OTHER : '',
      items: 0,
      failed: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      evaluators: new CappedMap(limits.evaluationNames, totals),
    }));
  }

  /** Whether `record` is an evaluation event (it has `gen_ai.evaluation.name`). */
  static isEvaluation(record: ReceivedLogRecord): boolean {
    return str(record.attributes, ATTR_EVALUATION_NAME) !== undefined;
  }

  /** Whether `span` is an experiment item span (it has `sprintlens.experiment.item_id`). */
  static isItemSpan(span: ReceivedSpan): boolean {
    return str(span.attributes, ATTR_EXPERIMENT_ITEM_ID) !== undefined;
  }

  /** Counts one evaluation event, and in its experiment run when it has one. */
  addEvaluation(record: ReceivedLogRecord): void {
    const { attributes } = record;
    const name = this.text(str(attributes, ATTR_EVALUATION_NAME) ?? '');
    this.total += 1;
    add(this.names.entry(name), attributes);
    const run = this.run(attributes);
    if (run !== undefined) add(run.evaluators.entry(name), attributes);
  }

  /** Counts one item span in its experiment run. */
  addItemSpan(span: ReceivedSpan): void {
    const run = this.run(span.attributes);
    if (run === undefined) return;
    run.items += 1;
    if (span.status.code === 2) run.failed += 1;
    run.inputTokens += num(span.attributes, ATTR_EXPERIMENT_ITEM_INPUT_TOKENS) ?? 0;
    run.outputTokens += num(span.attributes, ATTR_EXPERIMENT_ITEM_OUTPUT_TOKENS) ?? 0;
    run.costUsd += num(span.attributes, ATTR_EXPERIMENT_ITEM_COST) ?? 0;
  }

  private run(attributes: Attributes): RunEntry | undefined {
    const experiment = str(attributes, ATTR_EXPERIMENT_NAME);
    if (experiment === undefined) return undefined;
    const runId = this.text(str(attributes, ATTR_EXPERIMENT_RUN_ID) ?? '');
    const name = this.text(experiment);
    const entry = this.runs.entry(JSON.stringify([name, runId]));
    if (entry.experiment === '') {
      entry.experiment = name;
      entry.runId = runId;
    }
    return entry;
  }

  snapshot(): EvaluationsSnapshot {
    return {
      evaluations: {
        total: this.total,
        byName: this.names
          .values()
          .sort((a, b) => b.count - a.count)
          .map(scores),
      },
      experiments: this.runs.values().map(({ evaluators, ...run }) => ({
        ...run,
        evaluators: evaluators
          .values()
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map(scores),
      })),
    };
  }
}
