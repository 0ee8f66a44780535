/**
 * `sprintlens experiment run <file>`: loads a module that defines an experiment (the options
 * of `runExperiment`) under the SDK, started as `--import sprintlens/register` starts it (the
 * ES-module hook, then `start()`), so the module's LLM, HTTP and tool calls are traced and
 * costed; runs it with a progress display; writes the result file; flushes the telemetry.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  decimalValue,
  integerValue,
  parseCommandLine,
  readFlags,
  reportArgumentError,
  withCodedFlagErrors,
} from '../base/cli-args';
import type { CommandArgs, CommandOutput, FlagTable } from '../base/cli-args';
import { CliInvalidArgumentError, SprintlensError } from '../base/errors';
import { safeString } from '../base/text';
import type * as RunExperimentModule from '../evaluation/run-experiment';
import type { ExperimentProgress, RunExperimentOptions } from '../evaluation/run-experiment';
import type { ExperimentResult, ItemResult } from '../evaluation/types';
import type * as StartModule from '../start/start';

/** Where results go when neither the flags nor the definition say. */
export const DEFAULT_RESULTS_DIR = 'sprintlens-experiments';

export const EXPERIMENT_RUN_USAGE = `Usage: sprintlens experiment run <file> [flags]

Runs the experiment a module defines, under the SDK started as --import sprintlens/register
starts it, so the module's LLM, HTTP and tool calls are traced and their tokens and cost
counted per item. The module (.mjs, .cjs or .js) exports the options of runExperiment (name,
data, task, evaluators, ...) as its default export or as \`experiment\`, or a function that
returns them. Shows progress (one updating line on a terminal, a line per item otherwise), prints
the summary table, writes the JSON result file, and flushes the telemetry before it exits.

Flags:
  --out FILE          the JSON result file (default: the definition's outputFile or outDir, else
                      ${DEFAULT_RESULTS_DIR}/<name>-<run id>.json)
  --junit FILE        also write a JUnit XML report: one test case per item run
  --concurrency N     item runs in flight at once (default: the definition's, else 4)
  --trials N          runs of each item (default: the definition's, else 1)
  --fail-on-error     exit 1 when a task or an evaluator threw
  --fail-under RATE   exit 1 when an evaluator's pass rate (its mean score if it gives no
                      pass) is below RATE, 0..1
  --quiet             no progress display
  --help, -h          print this help

Exit status: 0 when the run finished, 1 when a --fail-* condition held, 2 for a bad flag or a
module that does not define an experiment.
`;

/** What the flags ask for. */
export interface ExperimentRunFlags {
  readonly help: boolean;
  readonly file: string;
  readonly out: string | undefined;
  readonly junit: string | undefined;
  readonly concurrency: number | undefined;
  readonly trials: number | undefined;
  readonly failOnError: boolean;
  readonly failUnder: number | undefined;
  readonly quiet: boolean;
}

const COMMAND = 'experiment run';
const path = (value: string): string => value;

const FLAGS: FlagTable = {
  switches: { help: { short: 'h' }, 'fail-on-error': {}, quiet: {} },
  values: {
    '--out': path,
    '--junit': path,
    '--concurrency': integerValue(1, 1000, 'a whole number from 1 to 1000'),
    '--trials': integerValue(1, 1000, 'a whole number from 1 to 1000'),
    '--fail-under': decimalValue(0, 1, 'a number from 0 to 1'),
  },
  positionals: { min: 1, max: 1, names: ['<file>'] },
};

/** Parses the arguments after `sprintlens experiment run`. */
export function parseExperimentRunFlags(args: readonly string[]): ExperimentRunFlags {
  return withCodedFlagErrors(
    () => {
      const read = readFlags(args, FLAGS);
      return {
        help: read.has('help'),
        file: read.positionals[0] ?? '',
        out: read.value<string>('--out'),
        junit: read.value<string>('--junit'),
        concurrency: read.value<number>('--concurrency'),
        trials: read.value<number>('--trials'),
        failOnError: read.has('fail-on-error'),
        failUnder: read.value<number>('--fail-under'),
        quiet: read.has('quiet'),
      };
    },
    (flag, problem) => new CliInvalidArgumentError(COMMAND, flag, problem),
  );
}

export const EXPERIMENT_RUN_COMMAND: CommandArgs<ExperimentRunFlags> = {
  name: COMMAND,
  usage: EXPERIMENT_RUN_USAGE,
  parse: parseExperimentRunFlags,
};

/** Where the run command writes, and whether the progress stream is a terminal. */
export interface ExperimentRunOutput extends CommandOutput {
  /** A terminal: the progress is one line updated in place. Default: `err.isTTY`. */
  readonly progressIsTty?: boolean;
}

/**
 * `sprintlens experiment run`: returns the exit status (0 done, 1 a `--fail-*` condition held,
 * 2 a bad flag or definition).
 */
export async function runExperimentCommand(
  args: readonly string[],
  output: ExperimentRunOutput,
): Promise<number> {
  const parsed = parseCommandLine(EXPERIMENT_RUN_COMMAND, args, output);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { flags } = parsed;
  const fail = (message: string): number => {
    output.err.write(`sprintlens ${COMMAND}: ${message}\n`);
    return 2;
  };
  const file = resolve(flags.file);
  if (!existsSync(file)) {
    reportArgumentError(
      COMMAND,
      new CliInvalidArgumentError(COMMAND, flags.file, 'no such file'),
      output.err,
    );
    return 2;
  }

  const sdk = await startSdk();
  let definition: RunExperimentOptions;
  try {
    definition = await loadDefinition(file);
  } catch (error) {
    await sdk.shutdown();
    return fail(`cannot load ${flags.file}: ${describe(error)}`);
  }

  const progress = flags.quiet
    ? undefined
    : new ProgressDisplay(output.err, output.progressIsTty ?? isTty(output.err));
  const options: RunExperimentOptions = {
    ...definition,
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.trials === undefined ? {} : { trials: flags.trials }),
    ...(flags.junit === undefined ? {} : { junitFile: flags.junit }),
    ...resultFileOptions(flags.out, definition),
    print: { write: (text: string) => output.out.write(text) },
    onItem: (result, state) => {
      progress?.update(result, state);
      definition.onItem?.(result, state);
    },
  };
  let result: ExperimentResult;
  try {
    result = await runExperimentModule().runExperiment(options);
  } catch (error) {
    progress?.end();
    await sdk.shutdown();
    if (error instanceof SprintlensError) return fail(`${error.code} ${error.message}`);
    throw error;
  }
  progress?.end();
  // Before the exit status is decided: the telemetry of the run leaves the process.
  await sdk.shutdown();
  return exitStatus(result, flags, output.err);
}

/** `--out` wins; else the definition's own file or directory; else the default directory. */
function resultFileOptions(
  out: string | undefined,
  definition: RunExperimentOptions,
): Pick<RunExperimentOptions, 'outputFile' | 'outDir'> {
  if (out !== undefined) return { outputFile: out, outDir: undefined };
  if (definition.outputFile !== undefined || definition.outDir !== undefined) return {};
  return { outDir: DEFAULT_RESULTS_DIR };
}

/** 1 when a `--fail-*` condition holds (each one said on `err`), else 0. */
function exitStatus(
  result: ExperimentResult,
  flags: ExperimentRunFlags,
  err: NodeJS.WritableStream,
): number {
  const reasons: string[] = [];
  const { summary } = result;
  if (flags.failOnError) {
    if (summary.failures > 0) reasons.push(`${summary.failures} item run(s) failed`);
    for (const evaluator of summary.evaluators) {
      if (evaluator.errors > 0) reasons.push(`${evaluator.name} failed on ${evaluator.errors}`);
    }
  }
  if (flags.failUnder !== undefined) {
    for (const evaluator of summary.evaluators) {
      const value = evaluator.passRate ?? evaluator.mean;
      if (value === undefined || value < flags.failUnder) {
        const shown = value === undefined ? 'no score' : value.toFixed(3);
        reasons.push(`${evaluator.name} ${shown} < ${flags.failUnder}`);
      }
    }
  }
  for (const reason of reasons) err.write(`sprintlens ${COMMAND}: failing: ${reason}\n`);
  return reasons.length > 0 ? 1 : 0;
}

function runExperimentModule(): typeof RunExperimentModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for this command.
  return require('../evaluation/run-experiment') as typeof RunExperimentModule;
}

/**
 * Starts the SDK as `--import sprintlens/register` does (the ES-module hook first, so the
 * definition's own imports are instrumented), and returns how to stop it. If it already runs
 * (the command itself run under `--import`/`--require sprintlens/register`), that one is used.
 */
async function startSdk(): Promise<{ shutdown(): Promise<void> }> {
  await import(pathToFileURL(join(__dirname, '../register/register.mjs')).href);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for this command.
  const { start } = require('../start/start') as typeof StartModule;
  return start(); // idempotent: the handle of the SDK the register entry started
}

/**
 * The experiment a module defines: its `experiment` export, else its default export (for a
 * CommonJS module, `module.exports` or its `experiment`); a function is called for it.
 */
async function loadDefinition(file: string): Promise<RunExperimentOptions> {
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fallback = module.default as Record<string, unknown> | undefined;
  let definition: unknown = module.experiment ?? fallback?.experiment ?? fallback;
  if (typeof definition === 'function') definition = await (definition as () => unknown)();
  if (typeof definition !== 'object' || definition === null) {
    throw new TypeError(
      'it exports no experiment: export the options of runExperiment as the default export ' +
        'or as `experiment` (or a function returning them)',
    );
  }
  return definition as RunExperimentOptions;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // The user's own code failed to load: its stack is what they need to fix it.
    return safeString(error.stack ?? `${error.name}: ${error.message}`);
  }
  return safeString(error);
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** TTY updates at most this often (the last one always shows). */
const TTY_REFRESH_MS = 100;

/**
 * Progress: on a terminal one line rewritten in place (`\r`), elsewhere one line per item run
 * (a CI log keeps every line).
 */
export class ProgressDisplay {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private width = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(result: ItemResult, state: ExperimentProgress): void {
    if (!this.tty) {
      this.stream.write(`[${state.done}/${state.total}] ${itemLine(result)}\n`);
      return;
    }
    const now = this.now();
    if (state.done < state.total && now - this.lastDraw < TTY_REFRESH_MS) return;
    this.lastDraw = now;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const text = `  ${state.done}/${state.total} item runs, ${state.failures} failed, ${seconds} s`;
    this.stream.write(`\r${text.padEnd(this.width)}`);
    this.width = text.length;
    this.drawn = true;
  }

  end(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
  }
}

function itemLine(result: ItemResult): string {
  const name = result.trial > 0 ? `${result.id} (trial ${result.trial + 1})` : result.id;
  const ms = `${Math.round(result.latencyMs)} ms`;
  if (result.error !== undefined) return `${name}: failed (${result.error.type}), ${ms}`;
  const scores = Object.entries(result.scores).map(([evaluator, verdict]) => {
    if (verdict.error !== undefined) return `${evaluator} error`;
    const value =
      verdict.score ?? verdict.label ?? (verdict.passed === undefined ? '-' : verdict.passed);
    return `${evaluator} ${typeof value === 'number' ? Number(value.toFixed(3)) : String(value)}`;
  });
  return `${name}: ok, ${ms}${scores.length > 0 ? `, ${scores.join(', ')}` : ''}`;
}
