/**
 * `sprintlens experiment compare a.json b.json`: run B against run A with
 * `compareExperiments`, printed with `formatComparison`; the exit status is the CI gate.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decimalValue, parseCommandLine, readFlags, withCodedFlagErrors } from '../base/cli-args';
import type { CommandArgs, CommandOutput, FlagTable } from '../base/cli-args';
import {
  CliInvalidArgumentError,
  EvaluationNotExperimentResultError,
  SprintlensError,
} from '../base/errors';
import { compareExperiments, formatComparison } from '../evaluation/compare';
import type { GateRule } from '../evaluation/compare';
import type { ExperimentResult } from '../evaluation/types';

export const EXPERIMENT_COMPARE_USAGE = `Usage: sprintlens experiment compare <a.json> <b.json> [flags]

Compares run B with run A (two result files of runExperiment, e.g. the old prompt and the new),
on the items both ran: per evaluator the paired difference of the scores with its confidence
interval and a sign test, then latency and cost (see docs/evaluation-reference.md). Exit status 1
when a gated evaluator regressed beyond the threshold, 0 otherwise, 2 for a bad flag or a file
that is not an experiment result: a CI gate for prompt and model changes.

Flags:
  --evaluator NAME   gate on this evaluator; repeat for several (default: every evaluator both
                     runs scored)
  --threshold X      the allowed drop of an evaluator's mean score, 0..1 (default 0)
  --rule RULE        ci: regressed when the whole confidence interval is below -threshold
                     (default); mean: when the mean difference is
  --confidence C     coverage of the interval, between 0 and 1 (default 0.95)
  --json             print the comparison as JSON instead of text
  --help, -h         print this help
`;

/** What the flags ask for. */
export interface ExperimentCompareFlags {
  readonly help: boolean;
  readonly files: readonly string[];
  readonly evaluators: readonly string[];
  readonly threshold: number | undefined;
  readonly rule: GateRule | undefined;
  readonly confidence: number | undefined;
  readonly json: boolean;
}

const COMMAND = 'experiment compare';

const text = (value: string): string => value;
const rule = (value: string, flag: string): GateRule => {
  if (value === 'ci' || value === 'mean') return value;
  throw new CliInvalidArgumentError(COMMAND, flag, `${JSON.stringify(value)} is not ci or mean`);
};

const FLAGS: FlagTable = {
  switches: { help: { short: 'h' }, json: {} },
  values: {
    '--evaluator': text,
    '--threshold': decimalValue(0, 1, 'a number from 0 to 1'),
    '--rule': rule,
    '--confidence': decimalValue(0, 1, 'a number between 0 and 1'),
  },
  repeatable: ['--evaluator'],
  positionals: { min: 2, max: 2, names: ['<a.json>', '<b.json>'] },
};

/** Parses the arguments after `sprintlens experiment compare`. */
export function parseExperimentCompareFlags(args: readonly string[]): ExperimentCompareFlags {
  return withCodedFlagErrors(
    () => {
      const read = readFlags(args, FLAGS);
      const confidence = read.value<number>('--confidence');
      if (confidence !== undefined && (confidence <= 0 || confidence >= 1)) {
        throw new CliInvalidArgumentError(COMMAND, '--confidence', 'must be between 0 and 1');
      }
      return {
        help: read.has('help'),
        files: read.positionals,
        evaluators: read.values<string>('--evaluator'),
        threshold: read.value<number>('--threshold'),
        rule: read.value<GateRule>('--rule'),
        confidence,
        json: read.has('json'),
      };
    },
    (flag, problem) => new CliInvalidArgumentError(COMMAND, flag, problem),
  );
}

export const EXPERIMENT_COMPARE_COMMAND: CommandArgs<ExperimentCompareFlags> = {
  name: COMMAND,
  usage: EXPERIMENT_COMPARE_USAGE,
  parse: parseExperimentCompareFlags,
};

/** Reads one result file; a file that is not one is `SL_EVALUATION_NOT_EXPERIMENT_RESULT`. */
function readResult(path: string): ExperimentResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new EvaluationNotExperimentResultError(
      basename(path),
      `cannot be read: ${typeof code === 'string' ? code : 'error'}`,
    );
  }
  try {
    return JSON.parse(text) as ExperimentResult;
  } catch {
    throw new EvaluationNotExperimentResultError(basename(path), 'not JSON');
  }
}

/**
 * `sprintlens experiment compare`: prints the comparison; returns 1 when a gated evaluator
 * regressed, 0 when none did (or for `--help`), 2 for bad arguments or files.
 */
export function runExperimentCompare(args: readonly string[], output: CommandOutput): number {
  const parsed = parseCommandLine(EXPERIMENT_COMPARE_COMMAND, args, output);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { flags } = parsed;
  try {
    const [a, b] = flags.files.map(readResult) as [ExperimentResult, ExperimentResult];
    const comparison = compareExperiments(a, b, {
      ...(flags.evaluators.length > 0 ? { evaluators: flags.evaluators } : {}),
      ...(flags.threshold === undefined ? {} : { threshold: flags.threshold }),
      ...(flags.rule === undefined ? {} : { rule: flags.rule }),
      ...(flags.confidence === undefined ? {} : { confidence: flags.confidence }),
    });
    output.out.write(
      flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`,
    );
    return comparison.passed ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SprintlensError)) throw error;
    output.err.write(`sprintlens ${COMMAND}: ${error.code} ${error.message}\n`);
    return 2;
  }
}
