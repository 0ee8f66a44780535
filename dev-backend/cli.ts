/**
 * `sprintlens dev-backend`: the dev backend as a command a developer runs next to an app.
 *
 * It listens (on 127.0.0.1:4318 unless told otherwise), appends everything it receives to
 * a JSON-lines file, computes sampling policies from pattern reports, prints a summary
 * every few seconds when something arrived, and on SIGINT/SIGTERM closes the port,
 * flushes the file and prints the final summary.
 */
import { resolve } from 'node:path';
import { parseCommandLine } from '../src/base/cli-args';
import type { CommandArgs } from '../src/base/cli-args';
import { VERSION } from '../src/base/version';
import { SprintLensBackend } from './backend';
import { DataFileWriter } from './data-file';
import { DevBackendDataFileFailedError, DevBackendListenFailedError } from './errors';
import { DEV_BACKEND_USAGE, describeFaults, parseDevBackendFlags } from './flags';
import type { DevBackendFlags } from './flags';
import { DEV_SUMMARY_PATH } from './server';
import { formatSummary } from './summary-text';

/** Options of {@link runDevBackend}. */
export interface DevBackendRunOptions {
  /** The arguments after `dev-backend`. */
  readonly args: readonly string[];
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Directory the default data file goes in. Default: the working directory. */
  readonly cwd?: string;
  /**
   * Resolves when the backend should stop. Default: the first SIGINT or SIGTERM (a
   * second one then ends the process the usual way, should shutdown hang).
   */
  readonly stopSignal?: Promise<unknown>;
}

/** How `sprintlens dev-backend` reads its arguments (the CLI's shared behaviour). */
export const DEV_BACKEND_COMMAND: CommandArgs<DevBackendFlags> = {
  name: 'dev-backend',
  usage: DEV_BACKEND_USAGE,
  parse: parseDevBackendFlags,
};

/** The default data file name: `sprintlens-dev-data-YYYYMMDD-HHMMSS.jsonl` (UTC). */
export function defaultDataFileName(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  return `sprintlens-dev-data-${stamp}.jsonl`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Resolves on the first SIGINT or SIGTERM. */
function terminationSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolvePromise) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolvePromise(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function banner(options: { flags: DevBackendFlags; url: string; dataFile: string }): string[] {
  const { flags, url, dataFile } = options;
  const lines = [
    // The first line is meant for scripts: `listening on <url>` and nothing else after it.
    `sprintlens dev-backend listening on ${url}`,
    `  data file:   ${dataFile}`,
    `  point an app at it:  SPRINTLENS_ENDPOINT=${url} node --require sprintlens/register app.js`,
  ];
  if (flags.apiKey !== undefined) {
    lines.push('                       with SPRINTLENS_API_KEY set to the --api-key value');
  }
  lines.push(
    `  or, as an OTLP/HTTP collector:  OTEL_EXPORTER_OTLP_ENDPOINT=${url}`,
    `  summary:     ${
      flags.summaryIntervalSeconds === 0
        ? 'at exit'
        : `every ${flags.summaryIntervalSeconds} s when something arrived, and at exit`
    }; as JSON at ${url}${DEV_SUMMARY_PATH}`,
    `  sampling:    patterns above ${flags.budgetPerMinute} lines/min get a pattern rate ` +
      `(policy ttl ${flags.policyTtlSeconds} s)`,
  );
  const faults = describeFaults(flags.faults, flags.seed);
  if (faults.length > 0) lines.push(`  faults:      ${faults.join('\n               ')}`);
  if (!isLoopback(flags.host) && flags.apiKey === undefined) {
    lines.push(
      `  warning:     listening on ${flags.host} without --api-key: anyone who can reach ` +
        'this port can send data and read the summary',
    );
  }
  lines.push('  A development tool, not for production. Ctrl-C to stop.');
  return lines;
}

/**
 * Runs the command until stopped.
 *
 * @returns the exit status: 0 after a clean stop (or `--help`), 1 when the backend could
 *   not start, 2 for bad flags.
 */
export async function runDevBackend(options: DevBackendRunOptions): Promise<number> {
  const print = (line: string): void => void options.out.write(`${line}\n`);
  const warn = (line: string): void => void options.err.write(`${line}\n`);

  const parsed = parseCommandLine(DEV_BACKEND_COMMAND, options.args, options);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { flags } = parsed;

  const startedAt = new Date();
  const dataFile = resolve(
    options.cwd ?? process.cwd(),
    flags.dataFile ?? defaultDataFileName(startedAt),
  );
  let writer: DataFileWriter;
  try {
    writer = await DataFileWriter.open({
      path: dataFile,
      onError: (error) => {
        const failure = new DevBackendDataFileFailedError(dataFile, error);
        warn(`sprintlens dev-backend: ${failure.code} ${failure.message} Serving on without it.`);
      },
    });
  } catch (error: unknown) {
    const failure = new DevBackendDataFileFailedError(dataFile, error);
    warn(`sprintlens dev-backend: ${failure.code} ${failure.message}`);
    return 1;
  }

  // Subscribe before listening, so a signal during start-up is not lost.
  const stop = options.stopSignal ?? terminationSignal();
  let backend: SprintLensBackend;
  try {
    backend = await SprintLensBackend.start({
      port: flags.port,
      host: flags.host,
      apiKey: flags.apiKey,
      budgetPerMinute: flags.budgetPerMinute,
      policyTtlSeconds: flags.policyTtlSeconds,
      faults: flags.faults,
      seed: flags.seed,
      // Hours of traffic must not accumulate in memory: the file and the summary have it.
      retain: false,
      observers: [writer],
    });
  } catch (error: unknown) {
    const failure = new DevBackendListenFailedError(flags.host, flags.port, error);
    warn(`sprintlens dev-backend: ${failure.code} ${failure.message}`);
    await writer.close();
    return 1;
  }

  writer.writeLine('start', {
    time: startedAt.toISOString(),
    version: VERSION,
    url: backend.url,
    pid: process.pid,
    apiKeyRequired: flags.apiKey !== undefined,
    budgetPerMinute: flags.budgetPerMinute,
    policyTtlSeconds: flags.policyTtlSeconds,
    seed: flags.seed,
    faults: flags.faults,
  });
  // One write, so a reader of the pipe never sees half a banner.
  print(banner({ flags, url: backend.url, dataFile }).join('\n'));

  let printedRequests = 0;
  const interval =
    flags.summaryIntervalSeconds === 0
      ? undefined
      : setInterval(() => {
          const summary = backend.summary();
          // An idle backend stays quiet rather than repeating the same numbers.
          if (summary.requests.total === printedRequests) return;
          printedRequests = summary.requests.total;
          options.out.write(`\n${formatSummary(summary)}`);
        }, flags.summaryIntervalSeconds * 1000);

  const signal = await stop;
  if (interval !== undefined) clearInterval(interval);
  warn(`sprintlens dev-backend: ${typeof signal === 'string' ? `${signal}, ` : ''}stopping`);
  await backend.close();
  const summary = backend.summary();
  writer.writeLine('stop', { time: new Date().toISOString(), summary });
  await writer.close();
  options.out.write(
    `\n${formatSummary(summary, { title: 'sprintlens dev-backend final summary' })}`,
  );
  const dropped =
    writer.linesDropped > 0 ? `, ${writer.linesDropped} dropped (disk too slow or failing)` : '';
  print(`data file: ${dataFile} (${writer.linesWritten} lines${dropped})`);
  return 0;
}
