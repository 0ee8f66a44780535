#!/usr/bin/env node
/**
 * The `sprintlens` command: `--version`, `doctor`, `dev-backend`, `help`.
 */
import { runDevBackend } from '../dev-backend/cli';
import { VERSION } from '../version';
import { runDoctor } from './doctor';

const USAGE = `Usage: sprintlens <command>

Commands:
  doctor [--timeout MS]   check the configuration, the endpoint and the instrumented packages
  dev-backend [flags]     run a local Sprint Lens backend for development: receives traces,
                          logs and metrics, writes them to a JSON-lines file, prints a live
                          summary, computes sampling policies, injects faults on request
                          (sprintlens dev-backend --help for its flags)
  --version               print the version
  help                    print this help
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'doctor':
      return runDoctor({ args: rest, out: process.stdout });
    case 'dev-backend':
      return runDevBackend({ args: rest, out: process.stdout, err: process.stderr });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`sprintlens: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
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
