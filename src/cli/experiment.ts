/**
 * `sprintlens experiment <run|compare>`: the two experiment commands, loaded only when one runs
 * (the runner and the SDK are not needed by the rest of the CLI).
 */
import { reportArgumentError } from '../base/cli-args';
import type { CommandOutput } from '../base/cli-args';
import { CliInvalidArgumentError } from '../base/errors';
import type * as CompareCommand from './experiment-compare';
import type * as RunCommand from './experiment-run';

export const EXPERIMENT_USAGE = `Usage: sprintlens experiment <command> [flags]

Commands:
  run <file>               run the experiment a module defines, under the SDK; print the
                           summary, write the JSON result (sprintlens experiment run --help)
  compare <a.json> <b.json>
                           compare two runs; exit 1 when an evaluator regressed: a CI gate
                           (sprintlens experiment compare --help)

See docs/evaluation.md.
`;

function runCommand(): typeof RunCommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for `run`.
  return require('./experiment-run') as typeof RunCommand;
}

function compareCommand(): typeof CompareCommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for `compare`.
  return require('./experiment-compare') as typeof CompareCommand;
}

/** `sprintlens experiment ...`: returns the exit status. */
export async function runExperimentCli(
  args: readonly string[],
  output: CommandOutput,
): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'run':
      return runCommand().runExperimentCommand(rest, output);
    case 'compare':
      return compareCommand().runExperimentCompare(rest, output);
    case '--help':
    case '-h':
    case 'help':
      output.out.write(EXPERIMENT_USAGE);
      return 0;
    case undefined:
      output.err.write(EXPERIMENT_USAGE);
      return 2;
    default:
      reportArgumentError(
        'experiment',
        new CliInvalidArgumentError(
          'experiment',
          sub,
          sub.startsWith('-')
            ? 'unknown flag (expected run or compare)'
            : 'unknown command (expected run or compare)',
        ),
        output.err,
      );
      return 2;
  }
}
