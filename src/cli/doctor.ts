import { join } from 'node:path';
import {
  INSTRUMENTATION_CATALOGUE,
  selectInstrumentations,
} from '../config/instrumentation-catalogue';
import type { CatalogueEntry } from '../config/instrumentation-catalogue';
import { readAppPackage } from '../config/app-package';
import { redactConfig } from '../config/redact';
import { resolveConfig } from '../config/resolve';
import { CliInvalidArgumentError } from '../base/errors';
import type { SprintlensError } from '../base/errors';
import { redactUrl } from '../base/redact-url';
import { VERSION } from '../base/version';
import { isSupportedNode, SUPPORTED_NODE } from '../base/node-support';
import { integerValue, parseCommandLine, readFlags, withCodedFlagErrors } from '../base/cli-args';
import type { CommandArgs, FlagTable } from '../base/cli-args';
import { findInstalledPackage } from './installed';
import { probeEndpoint, probeTarget } from './probe';
import type { ProbeTarget } from './probe';

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** The arguments after `doctor`. */
  readonly args: readonly string[];
  readonly out: NodeJS.WritableStream;
  /** Where a bad argument is reported. Default: `process.stderr`. */
  readonly err?: NodeJS.WritableStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the app's packages are looked up. Default: the working directory. */
  readonly cwd?: string;
}

/** What the flags ask for. */
export interface DoctorFlags {
  readonly help: boolean;
  /** How long the endpoint check waits for an answer. */
  readonly timeoutMillis: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

export const DOCTOR_USAGE = `Usage: sprintlens doctor [flags]

Checks a setup, from the app's directory and with the app's environment: prints the resolved
configuration (secrets redacted) and every warning with its code, sends one empty OTLP request
to the trace endpoint exactly as the exporter would, and lists each instrumentation with the
installed version of its package. Exit status 0 when all is well, 1 when something needs
attention, 2 for a bad flag.

Flags:
  --timeout MS   how long to wait for the endpoint's answer, in ms (default ${DEFAULT_PROBE_TIMEOUT_MS})
  --help, -h     print this help
`;

const FLAGS: FlagTable = {
  switches: { help: { short: 'h' } },
  values: { '--timeout': integerValue(1, 600_000, 'a number of milliseconds (1..600000)') },
};

/** Parses the arguments after `sprintlens doctor`; throws {@link CliInvalidArgumentError}. */
export function parseDoctorFlags(args: readonly string[]): DoctorFlags {
  return withCodedFlagErrors(
    () => {
      const read = readFlags(args, FLAGS);
      return {
        help: read.has('help'),
        timeoutMillis: read.value<number>('--timeout') ?? DEFAULT_PROBE_TIMEOUT_MS,
      };
    },
    (flag, problem) => new CliInvalidArgumentError('doctor', flag, problem),
  );
}

/** How `sprintlens doctor` reads its arguments (the CLI's shared behaviour). */
export const DOCTOR_COMMAND: CommandArgs<DoctorFlags> = {
  name: 'doctor',
  usage: DOCTOR_USAGE,
  parse: parseDoctorFlags,
};

/**
 * `sprintlens doctor`: prints the resolved configuration (secrets redacted), every validation
 * warning with its code, whether the trace endpoint accepts an OTLP request (sent by the
 * exporter's own HTTP client and delivery loop; every failure with its cause), and for each
 * instrumentation the installed version of its package. Returns the exit status: 0 when all is
 * well, 1 when something needs attention, 2 for a bad argument (0 for `--help`).
 */
export async function runDoctor(options: DoctorOptions): Promise<number> {
  const parsed = parseCommandLine(DOCTOR_COMMAND, options.args, {
    out: options.out,
    err: options.err ?? process.stderr,
  });
  if ('exitCode' in parsed) return parsed.exitCode;
  const { timeoutMillis } = parsed.flags;

  const print = (line = ''): void => void options.out.write(line + '\n');
  const env = options.env ?? process.env;
  const appDir = options.cwd ?? process.cwd();
  // service.name/version default to the app's package.json: the one above the app directory,
  // not the one above this script (sprintlens's own).
  const appPackage = readAppPackage(join(appDir, 'package.json'));
  const { config, warnings } = resolveConfig({}, { env, appPackage });
  const problems: SprintlensError[] = [...warnings];
  let nodeOk = true;

  print(`sprintlens ${VERSION} doctor`);
  print();
  print(`Node.js ${process.versions.node}`);
  if (!isSupportedNode()) {
    nodeOk = false;
    print(`  problem: sprintlens needs Node.js ${SUPPORTED_NODE.range}`);
  }
  print();
  print('Configuration (secrets redacted):');
  print(indent(JSON.stringify(redactConfig(config), null, 2)));
  print();
  print(warnings.length === 0 ? 'Configuration warnings: none' : 'Configuration warnings:');
  for (const warning of warnings) print(`  ${warning.code} ${warning.message}`);
  print();

  if (config.disabled) {
    print('OTEL_SDK_DISABLED is true: nothing is exported, the endpoint is not checked.');
  } else {
    const target = probeTarget(config, env);
    print(`Endpoint (${config.mode} mode, from ${target.source}): ${redactUrl(target.url)}`);
    const credentials = describeCredentials(target, config.apiKey !== undefined);
    if (credentials !== undefined) print(`  credentials: ${credentials}`);
    const probe = await probeEndpoint(target, timeoutMillis);
    if (probe.ok) {
      print(`  ${probe.summary}`);
    } else {
      problems.push(probe.error);
      print(`  problem: ${probe.error.code} ${probe.error.message}`);
    }
  }
  print();

  print(`Instrumentations (packages as resolved from ${appDir}):`);
  const selected = new Set(selectInstrumentations(config).map((e) => e.name));
  // Names up to `google-genai` long: the column is as wide as the longest.
  const nameWidth = Math.max(...INSTRUMENTATION_CATALOGUE.map((e) => e.name.length));
  for (const entry of INSTRUMENTATION_CATALOGUE as readonly CatalogueEntry[]) {
    const state =
      entry.status === 'reserved'
        ? 'not in this release'
        : selected.has(entry.name)
          ? 'enabled'
          : 'disabled by configuration';
    print(
      `  ${entry.name.padEnd(nameWidth)} ${state.padEnd(26)} ${describePackages(entry, appDir)}`,
    );
  }
  print();
  const ok = problems.length === 0 && nodeOk;
  print(ok ? 'All good.' : `${problems.length + (nodeOk ? 0 : 1)} problem(s) found.`);
  return ok ? 0 : 1;
}

/** Which credentials the request carries, when any (never their values). */
function describeCredentials(target: ProbeTarget, apiKey: boolean): string | undefined {
  const url = new URL(target.url);
  const userInfo = url.username !== '' || url.password !== '';
  const authorization = Object.hasOwn(target.headers, 'authorization');
  const from =
    target.mode === 'backend' && apiKey
      ? 'SPRINTLENS_API_KEY'
      : 'OTEL_EXPORTER_OTLP_[TRACES_]HEADERS';
  if (authorization && userInfo) {
    return `the Authorization header from ${from}; the user info in the URL is not sent (the header wins)`;
  }
  if (authorization) return `the Authorization header from ${from}`;
  if (userInfo) return 'the user info in the URL, sent as HTTP Basic auth (Authorization: Basic)';
  return undefined;
}

/**
 * `openai 7.57.0 (supported: >=5.0.0 <8)`, `pino not installed`, `built-in: console`, or both
 * (`built-in: global fetch (undici 7.16.0); undici not installed`).
 * @internal exported for tests
 */
export function describePackages(entry: CatalogueEntry, appDir: string): string {
  const parts: string[] = [];
  if (entry.builtIn !== undefined) parts.push(`built-in: ${describeBuiltIn(entry.builtIn)}`);
  const supported =
    entry.supportedVersions.length === 0
      ? ''
      : ` (supported: ${entry.supportedVersions.join(' || ')})`;
  for (const name of entry.packages ?? entry.modules) {
    const found = findInstalledPackage(name, appDir);
    if (found === undefined) {
      parts.push(`${name} not installed`);
      continue;
    }
    const version = found.version ?? 'unknown version';
    const global =
      found.via === 'global' ? ' [from NODE_PATH or a global folder: require() only]' : '';
    parts.push(`${name} ${version}${supported}${global}`);
  }
  return parts.length === 0 ? 'built-in' : parts.join('; ');
}

/** Global fetch is the undici copy inside Node: its version says which features it has. */
function describeBuiltIn(builtIn: string): string {
  const undici = process.versions.undici;
  return builtIn === 'global fetch' && undici !== undefined
    ? `${builtIn} (undici ${undici})`
    : builtIn;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
