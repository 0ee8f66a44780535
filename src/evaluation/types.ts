/**
 * The public types of evaluations and experiments, shared by the runner, the built-in
 * evaluators, `compareExperiments` and the result file.
 */

/** One dataset item as the runner hands it out. `id`: given, else `item-<index>` (1-based line/index). */
export interface ExperimentItem<Input = unknown, Expected = unknown> {
  readonly id: string;
  readonly input: Input;
  readonly expected?: Expected;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** What an evaluator returns. `score` in [0,1] for built-ins; `passed` when the evaluator has a threshold. */
export interface EvaluationScore {
  readonly score?: number;
  readonly label?: string;
  readonly explanation?: string;
  readonly passed?: boolean;
}

/** What an evaluator is given about one item run. */
export interface EvaluatorInput<Input = unknown, Output = unknown, Expected = unknown> {
  readonly input: Input;
  readonly output: Output;
  readonly expected?: Expected;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly latencyMs: number;
  readonly costUsd?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** A named evaluator. A plain function is also accepted by runExperiment (named by its .name). */
export interface Evaluator<Input = unknown, Output = unknown, Expected = unknown> {
  readonly name: string;
  evaluate(
    args: EvaluatorInput<Input, Output, Expected>,
  ): EvaluationScore | Promise<EvaluationScore>;
}

/**
 * A custom evaluator as a plain function (named by its `.name`): returns a score object, or a
 * number (the score), or a boolean (`passed`, score 1 or 0).
 */
export type EvaluatorFunction<Input = unknown, Output = unknown, Expected = unknown> = (
  args: EvaluatorInput<Input, Output, Expected>,
) => EvaluationScore | number | boolean | Promise<EvaluationScore | number | boolean>;

/** One evaluator's verdict on one item run, as stored in the result file. */
export interface ItemScore extends EvaluationScore {
  readonly error?: string;
}

/** One item run (item x trial) in the result file. */
export interface ItemResult {
  readonly id: string;
  /** 0-based. */
  readonly trial: number;
  /** JSON-serialisable form of the task's return. */
  readonly output?: unknown;
  readonly error?: { readonly type: string; readonly message: string };
  readonly latencyMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly traceId?: string;
  readonly spanId?: string;
  /** Keyed by evaluator name. */
  readonly scores: Readonly<Record<string, ItemScore>>;
}

/** The JSON result file of one experiment run (`format` lets compare refuse other files). */
export interface ExperimentResult {
  readonly format: 'sprintlens.experiment.v1';
  readonly name: string;
  readonly runId: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601. */
  readonly finishedAt: string;
  readonly items: readonly ItemResult[];
  readonly summary: ExperimentSummary;
  /** Where the items came from: a file name, or `data` for an array. */
  readonly dataset?: string;
  /** Runs of each item. */
  readonly trials?: number;
  /** The dataset lines (or array positions, 1-based) that were skipped, and why. */
  readonly skipped?: readonly { readonly line: number; readonly reason: string }[];
  /** The `metadata` option of the run (prompt version, model, commit…). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** One evaluator's aggregate over an experiment run. */
export interface EvaluatorSummary {
  readonly name: string;
  /** Mean of the numeric scores. */
  readonly mean?: number;
  /** Share of the scores with `passed` defined that passed. */
  readonly passRate?: number;
  /** Verdicts: item runs the evaluator judged (without an error). */
  readonly count: number;
  /** Item runs where the evaluator threw or returned something that is not a verdict. */
  readonly errors: number;
  /** Verdicts labelled `unparseable` (a judge's answer with no score in it), among `count`. */
  readonly unparseable?: number;
}

/** The aggregates of one experiment run. */
export interface ExperimentSummary {
  /** Item runs (items × trials). */
  readonly items: number;
  /** Task errors. */
  readonly failures: number;
  /** Malformed dataset lines. */
  readonly skippedLines: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  /** Cost of the evaluators' own LLM calls (an LLM judge), not part of `costUsd`. */
  readonly evaluatorCostUsd?: number;
  readonly evaluators: readonly EvaluatorSummary[];
}
