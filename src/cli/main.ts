#!/usr/bin/env node
/**
 * The `sprintlens` command: `--version`, `doctor`, `experiment`, `dev-backend`, `help`.
 *
 * Every command reads its arguments the same way (src/base/cli-args.ts): `--help`/`-h` prints its
 * usage and exits 0; a bad command, flag or value prints one line naming it and what was
 * expected, and exits 2.
 */
import type * as DevBackendCli from '../../dev-backend/cli';
import type * as ExperimentCli from './experiment';
import { reportArgumentError } from '../base/cli-args';
import { CliInvalidArgumentError } from '../base/errors';
import { VERSION } from '../base/version';
import { DOCTOR_COMMAND, runDoctor } from './doctor';

const USAGE = `Usage: sprintlens <command> [flags]

Commands:
  doctor [--timeout MS]   check the configuration, the endpoint and the instrumented packages
                          (sprintlens doctor --help)
  experiment run <file>   run an experiment (a dataset, a task, evaluators) under the SDK and
                          write its result (sprintlens experiment run --help)
  experiment compare <a.json> <b.json>
                          compare two experiment runs; exit 1 on a regression
                          (sprintlens experiment compare --help)
  dev-backend [flags]     run a local Sprint Lens backend for development: receives traces,
                          logs and metrics, writes them to a JSON-lines file, prints a live
                          summary, computes sampling policies, injects faults on request
                          (sprintlens dev-backend --help for its flags)
  help [command]          print this help, or a command's
  --version               print the version
`;

/**
 * The dev backend (`dev-backend/`, beside the runtime), loaded only when its command runs or its
 * help is asked for: nothing else in the package ever loads it (a lint rule and
 * test/integration/runtime-isolation.test.ts keep it so).
 */
function devBackendCli(): typeof DevBackendCli {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for `dev-backend`.
  return require('../../dev-backend/cli') as typeof DevBackendCli;
}

/** The experiment commands, loaded only when one runs (with the runner and the SDK behind). */
function experimentCli(): typeof ExperimentCli {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for `experiment`.
  return require('./experiment') as typeof ExperimentCli;
}

/** The commands, by name: their usage text, and how each runs. */
const COMMANDS = {
  doctor: {
    usage: () => DOCTOR_COMMAND.usage,
    run: (args: readonly string[]) => runDoctor({ args, out: process.stdout, err: process.stderr }),
  },
  experiment: {
    usage: () => experimentCli().EXPERIMENT_USAGE,
    run: (args: readonly string[]) =>
      experimentCli().runExperimentCli(args, { out: process.stdout, err: process.stderr }),
  },
  'dev-backend': {
    usage: () => devBackendCli().DEV_BACKEND_COMMAND.usage,
    run: (args: readonly string[]) =>
      devBackendCli().runDevBackend({ args, out: process.stdout, err: process.stderr }),
  },
} as const;
type CommandName = keyof typeof COMMANDS;

const EXPECTED = 'expected doctor, experiment, dev-backend, help or --version';

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Reports a bad top-level argument; returns exit status 2. */
function invalid(argument: string, problem: string): number {
  reportArgumentError('', new CliInvalidArgumentError('', argument, problem), process.stderr);
  return 2;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      process.stdout.write(USAGE);
      return 1;
    case '--version':
    case '-v':
    case 'version':
      if (rest[0] !== undefined) return invalid(rest[0], 'unexpected argument');
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h': {
      const [topic, extra] = rest;
      if (extra !== undefined) return invalid(extra, 'unexpected argument');
      if (topic === undefined) {
        process.stdout.write(USAGE);
        return 0;
      }
      if (!isCommand(topic)) return invalid(topic, `unknown command (${EXPECTED})`);
      process.stdout.write(COMMANDS[topic].usage());
      return 0;
    }
    default:
      if (isCommand(command)) return COMMANDS[command].run(rest);
      return command.startsWith('-')
        ? invalid(command, `unknown flag (${EXPECTED})`)
        : invalid(command, `unknown command (${EXPECTED})`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sprintlens: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
