/**
 * `runExperiment`: runs a task over a dataset, each item (× trial) in its own span with the
 * LLM calls beneath it measured, scores every output with the evaluators, records each score
 * as a `gen_ai.evaluation.result` event, and returns (and optionally writes and prints) the
 * experiment result.
 */
import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { EvaluationInvalidExperimentError } from '../base/errors';
import { UsageTally } from '../base/usage-tally';
import { VERSION } from '../base/version';
import { loadDataset } from './dataset';
import type { ExperimentData } from './dataset';
import { runItem } from './item-run';
import type { ExperimentTask, RunContext } from './item-run';
import { resultFileIn, writeJunitFile, writeResultFile } from './result-files';
import { summarise } from './result-summary';
import { errorText, namedEvaluators } from './run-evaluators';
import { formatExperimentSummary } from './summary-table';
import type { WrittenFiles } from './summary-table';
import type {
  Evaluator,
  EvaluatorFunction,
  ExperimentItem,
  ExperimentResult,
  ItemResult,
} from './types';

/** Item runs in flight at once, by default. */
export const DEFAULT_EXPERIMENT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 1000;
const MAX_TRIALS = 1000;
const MAX_NAME_LENGTH = 256;

/** Where text goes (`process.stdout`, a file stream, a test's collector). */
export interface TextSink {
  write(text: string): unknown;
}

/** How far a run is, given to {@link RunExperimentOptions.onItem} after each item run. */
export interface ExperimentProgress {
  /** Item runs finished so far, this one included. */
  readonly done: number;
  /** Item runs in all (items × trials). */
  readonly total: number;
  /** Item runs whose task threw, so far. */
  readonly failures: number;
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions<Input = unknown, Output = unknown, Expected = unknown> {
  /** The experiment's name (`sprintlens.experiment.name`); compare runs of one name. */
  readonly name: string;
  /** The items: an array of `{ id?, input, expected?, metadata? }`, or a JSONL, CSV or JSON file. */
  readonly data: ExperimentData<Input, Expected>;
  /** Produces the output of one item; its LLM, HTTP and tool calls are traced beneath the item. */
  readonly task: ExperimentTask<Input, Output, Expected>;
  /** Scorers, run after the task on each output: {@link Evaluator} objects or plain functions. */
  readonly evaluators?: readonly (
    Evaluator<Input, Output, Expected> | EvaluatorFunction<Input, Output, Expected>
  )[];
  /** Item runs in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Runs of each item (to see how much the outputs vary). Default 1. */
  readonly trials?: number;
  /** The run's id (`sprintlens.experiment.run_id`). Default: the start time and random hex. */
  readonly runId?: string;
  /** Stored in the result as it is: the prompt version, the model, the commit… */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Writes the JSON result here (directories made as needed). */
  readonly outputFile?: string;
  /** Writes the JSON result in this directory as `<name>-<runId>.json` (unless `outputFile`). */
  readonly outDir?: string;
  /** Writes a JUnit XML report here: one test case per item run. */
  readonly junitFile?: string;
  /** Prints the summary table: `true` (default) on stdout, `false` not at all, or a sink. */
  readonly print?: boolean | TextSink;
  /** Called after each item run (progress lines, live dashboards). Must not throw. */
  readonly onItem?: (result: ItemResult, progress: ExperimentProgress) => void;
}

/**
 * Runs `task` over every item of `data` (× `trials`), at most `concurrency` at once. Each item
 * run gets its own span (`experiment_item <name>`, attributes `sprintlens.experiment.name`,
 * `.run_id`, `.item_id`, `.trial`), active while the task runs, so the LLM, HTTP and tool spans
 * beneath belong to it; the tokens and cost of the LLM calls beneath are summed per item. A
 * task that throws is recorded with its error, never fatal. The evaluators then score each
 * output, and every score is recorded with {@link recordEvaluation} under the item's span.
 *
 * Returns the experiment result (the JSON of `outputFile`/`outDir`), prints its summary table
 * unless `print: false`, and writes a JUnit report with `junitFile`. Rejects only when the
 * options are unusable or the dataset file cannot be read (`SL_EVALUATION_INVALID_EXPERIMENT`);
 * a malformed dataset line is skipped, reported and counted.
 *
 * Start sprintlens first (or run under `sprintlens experiment run`): without an SDK the items
 * still run and are scored, but nothing is traced and tokens and cost are not measured.
 */
export async function runExperiment<Input = unknown, Output = unknown, Expected = unknown>(
  options: RunExperimentOptions<Input, Output, Expected>,
): Promise<ExperimentResult> {
  const checked = checkOptions(options as unknown as RunExperimentOptions);
  const dataset = loadDataset(checked.data);
  const startedAt = new Date();
  const runId = checked.runId ?? newRunId(startedAt);
  const evaluatorUsage = new UsageTally();
  const run: RunContext = {
    name: checked.name,
    runId,
    tracer: trace.getTracer('sprintlens.evaluation', VERSION),
    task: checked.task,
    evaluators: checked.evaluators,
    spanName: `experiment_item ${checked.name}`,
    evaluatorUsage,
  };

  const trials = checked.trials;
  const total = dataset.items.length * trials;
  const results: ItemResult[] = new Array<ItemResult>(total);
  let next = 0;
  let done = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      // Item-major order: an item's trials run side by side.
      const item = dataset.items[Math.floor(index / trials)] as ExperimentItem;
      const result = await runItemSafely(run, item, index % trials);
      results[index] = result;
      done++;
      if (result.error !== undefined) failures++;
      notify(checked.onItem, result, { done, total, failures });
    }
  };
  await Promise.all(Array.from({ length: Math.min(checked.concurrency, total) }, () => worker()));

  const result: ExperimentResult = {
    format: 'sprintlens.experiment.v1',
    name: checked.name,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    items: results,
    summary: summarise({
      items: results,
      evaluatorNames: checked.evaluators.map((e) => e.name),
      skippedLines: dataset.skipped.length,
      evaluatorCostUsd: evaluatorUsage.costUsd,
    }),
    dataset: dataset.source,
    trials,
    skipped: dataset.skipped,
    ...(checked.metadata === undefined ? {} : { metadata: checked.metadata }),
  };

  const notes: string[] = [];
  const files: { resultFile?: string; junitFile?: string } = {};
  const resultPath =
    checked.outputFile ??
    (checked.outDir === undefined ? undefined : resultFileIn(checked.outDir, checked.name, runId));
  if (resultPath !== undefined) {
    files.resultFile = writeResultFile(resultPath, result);
    if (files.resultFile === undefined) notes.push(`could not write ${resultPath}`);
  }
  if (checked.junitFile !== undefined) {
    files.junitFile = writeJunitFile(checked.junitFile, result);
    if (files.junitFile === undefined) notes.push(`could not write ${checked.junitFile}`);
  }
  if (total > 0 && !contextPropagates()) {
    notes.push(
      'no OpenTelemetry context manager: nothing was traced and tokens and cost were not ' +
        'measured (start sprintlens first, or use `sprintlens experiment run`)',
    );
  }
  printSummary(checked.print, result, files, notes);
  return result;
}

/** {@link runItem}, which handles the task's and evaluators' failures; this, anything else. */
async function runItemSafely(
  run: RunContext,
  item: ExperimentItem,
  trial: number,
): Promise<ItemResult> {
  try {
    return await runItem(run, item, trial);
  } catch (error) {
    return {
      id: item.id,
      trial,
      error: { type: 'SprintlensInternalError', message: errorText(error) },
      latencyMs: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      scores: {},
    };
  }
}

/** The options, checked, with their defaults. */
interface CheckedOptions {
  readonly name: string;
  readonly data: ExperimentData;
  readonly task: ExperimentTask;
  readonly evaluators: ReturnType<typeof namedEvaluators>;
  readonly concurrency: number;
  readonly trials: number;
  readonly runId: string | undefined;
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
  readonly outputFile: string | undefined;
  readonly outDir: string | undefined;
  readonly junitFile: string | undefined;
  readonly print: boolean | TextSink;
  readonly onItem: RunExperimentOptions['onItem'];
}

function checkOptions(options: RunExperimentOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new EvaluationInvalidExperimentError('expected an options object');
  }
  const { name, task, data } = options;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    throw new EvaluationInvalidExperimentError(
      `name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  if (typeof task !== 'function') {
    throw new EvaluationInvalidExperimentError('task must be a function (input, item) => output');
  }
  if (data === undefined || data === null) {
    throw new EvaluationInvalidExperimentError(
      'data is missing: an array of items, a file path, or { path, format }',
    );
  }
  const print = options.print ?? true;
  if (typeof print !== 'boolean' && typeof (print as TextSink)?.write !== 'function') {
    throw new EvaluationInvalidExperimentError('print must be a boolean or have a write method');
  }
  if (options.onItem !== undefined && typeof options.onItem !== 'function') {
    throw new EvaluationInvalidExperimentError('onItem must be a function');
  }
  if (
    options.metadata !== undefined &&
    (typeof options.metadata !== 'object' || options.metadata === null)
  ) {
    throw new EvaluationInvalidExperimentError('metadata must be an object');
  }
  return {
    name,
    data,
    task: task as ExperimentTask,
    evaluators: namedEvaluators(options.evaluators as readonly unknown[] | undefined),
    concurrency: count(
      'concurrency',
      options.concurrency,
      DEFAULT_EXPERIMENT_CONCURRENCY,
      MAX_CONCURRENCY,
    ),
    trials: count('trials', options.trials, 1, MAX_TRIALS),
    runId: optionalText('runId', options.runId),
    metadata: options.metadata,
    outputFile: optionalText('outputFile', options.outputFile),
    outDir: optionalText('outDir', options.outDir),
    junitFile: optionalText('junitFile', options.junitFile),
    print,
    onItem: options.onItem,
  };
}

function count(option: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new EvaluationInvalidExperimentError(`${option} must be an integer from 1 to ${max}`);
  }
  return value;
}

function optionalText(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new EvaluationInvalidExperimentError(`${option} must be a non-empty string`);
  }
  return value;
}

/** `20261204-211500-3fa9c1`: sortable by start time, unique enough for runs of one name. */
function newRunId(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Whether a context manager carries the active context (none before an SDK starts). */
function contextPropagates(): boolean {
  const probe = ROOT_CONTEXT.setValue(Symbol('sprintlens.probe'), true);
  return context.with(probe, () => context.active() === probe);
}

function notify(
  onItem: RunExperimentOptions['onItem'],
  result: ItemResult,
  progress: ExperimentProgress,
): void {
  if (onItem === undefined) return;
  try {
    onItem(result, progress);
  } catch {
    // A progress display must not fail the run.
  }
}

function printSummary(
  print: boolean | TextSink,
  result: ExperimentResult,
  files: WrittenFiles,
  notes: readonly string[],
): void {
  if (print === false) return;
  const sink = print === true ? process.stdout : print;
  try {
    sink.write(formatExperimentSummary(result, files, notes));
  } catch {
    // A closed stream: the result is still returned.
  }
}
