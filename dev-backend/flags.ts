/**
 * Command-line flags of `sprintlens dev-backend`, parsed and validated.
 *
 * A flag is `--name value` or `--name=value`. Every value is checked up front: a bad one
 * stops the command with {@link DevBackendInvalidFlagError} naming the flag, the value
 * and what was expected, rather than starting a backend that behaves unexpectedly. The
 * splitting and the checks are the CLI's shared ones (src/base/cli-args.ts); this file holds the
 * flag table.
 */
import {
  FlagProblem,
  badValue,
  decimalValue,
  integerValue,
  readFlags,
  withCodedFlagErrors,
} from '../src/base/cli-args';
import type { FlagTable, ReadFlags, ValueParser } from '../src/base/cli-args';
import { DevBackendInvalidFlagError } from './errors';
import type { FaultScript } from './faults';
import { ROUTE_NAMES } from './types';
import type { RouteName } from './types';

/** Defaults of the flags. */
export const DEV_BACKEND_DEFAULTS = {
  /** The OTLP/HTTP port, so an app in collector mode with no configuration finds it too. */
  port: 4318,
  host: '127.0.0.1',
  budgetPerMinute: 1000,
  policyTtlSeconds: 300,
  summaryIntervalSeconds: 10,
  seed: 1,
} as const;

/** What the flags ask for. */
export interface DevBackendFlags {
  help: boolean;
  port: number;
  host: string;
  /** `undefined`: a new file named after the start time, in the working directory. */
  dataFile: string | undefined;
  apiKey: string | undefined;
  budgetPerMinute: number;
  policyTtlSeconds: number;
  /** 0 (also what `--quiet` sets): print the summary only at exit. */
  summaryIntervalSeconds: number;
  seed: number;
  /** Faults from the `--fault-…` flags (empty: a healthy backend). */
  faults: FaultScript;
}

/** The usage text of the command. */
export const DEV_BACKEND_USAGE = `Usage: sprintlens dev-backend [flags]

A local Sprint Lens backend for development: accepts OTLP traces, logs and metrics,
serves sampling policies computed from pattern reports, writes everything it receives
to a JSON-lines file and prints a live summary. Not for production.

Flags:
  --port N                  port to listen on (default ${DEV_BACKEND_DEFAULTS.port}; 0 picks a free one)
  --host ADDRESS            address to listen on (default ${DEV_BACKEND_DEFAULTS.host})
  --data-file PATH          JSON-lines file to append to
                            (default ./sprintlens-dev-data-<start time>.jsonl)
  --api-key KEY             require "Authorization: Bearer KEY" (default: accept any request)
  --budget-per-minute N     patterns logged faster than N lines a minute get a sampling
                            rate bringing them down to N (default ${DEV_BACKEND_DEFAULTS.budgetPerMinute})
  --policy-ttl S            ttlSeconds of the served policies (default ${DEV_BACKEND_DEFAULTS.policyTtlSeconds})
  --summary-interval S      print the summary every S seconds when something arrived
                            (default ${DEV_BACKEND_DEFAULTS.summaryIntervalSeconds}; 0 = only at exit)
  --quiet                   no periodic summary, as --summary-interval 0 (the final one
                            is still printed)
  --help                    print this help

Fault injection, to test how your setup copes (all off by default):
  --fault-status-ratio STATUS:RATIO   answer STATUS to a fraction RATIO of requests (e.g. 503:0.5)
  --fault-status-sequence S1,S2,...   answer these statuses in turn, then normally (2xx = normal)
  --fault-retry-after S               send Retry-After: S with every 429 and 503
  --fault-outage-seconds S            be down for S seconds, from the start (or --fault-outage-after)
  --fault-outage-mode MODE            unavailable (answer 503, the default) or refuse (close the port)
  --fault-outage-after S              start the outage S seconds after the start
  --fault-max-body-bytes N            answer 413 to bodies larger than N bytes on the wire
  --fault-latency-ms N | MIN-MAX      delay every request by N ms (or a random MIN..MAX)
  --fault-reset-ratio R               reset the connection mid-request for a fraction R of requests
  --fault-partial-success N           answer exports with an OTLP partial_success rejecting N items
  --fault-routes R1,R2,...            apply the faults only to these routes
                                      (traces, logs, metrics, policy, patterns; default all)
  --seed N                            seed of the random faults, for reproducible runs (default ${DEV_BACKEND_DEFAULTS.seed})
`;

const ratio = decimalValue(0, 1, 'a ratio between 0 and 1 (e.g. 0.25)');

function status(value: string, flag: string): number {
  return integerValue(100, 599, 'an HTTP status (100..599)')(value, flag);
}

/** The flags that take a value, with their parser. */
const VALUE_FLAGS: Record<string, ValueParser<unknown>> = {
  '--port': integerValue(0, 65535, 'a port number (0..65535)'),
  '--host': (value, flag) => {
    if (value === '' || /\s/.test(value)) throw badValue(flag, value, 'a host name or address');
    return value;
  },
  '--data-file': (value, flag) => {
    if (value === '') throw badValue(flag, value, 'a file path');
    return value;
  },
  '--api-key': (value, flag) => {
    // Never echo the key: say what is wrong without the value.
    if (!/^[\x21-\x7e]+$/.test(value)) {
      throw new FlagProblem(
        flag,
        'the key must be printable ASCII without spaces (it is sent in a header)',
      );
    }
    return value;
  },
  '--budget-per-minute': decimalValue(
    Number.MIN_VALUE,
    1e12,
    'a positive number of lines a minute',
  ),
  '--policy-ttl': integerValue(1, 7 * 86_400, 'a number of seconds between 1 and 604800 (7 days)'),
  '--summary-interval': decimalValue(0, 86_400, 'a number of seconds (0 = only at exit)'),
  '--seed': integerValue(0, 2 ** 32 - 1, 'an integer seed (0..4294967295)'),
  '--fault-status-ratio': (value, flag) => {
    const match = /^(\d{3}):(.+)$/.exec(value);
    if (!match) throw badValue(flag, value, 'STATUS:RATIO (e.g. 503:0.5)');
    return { status: status(match[1] as string, flag), ratio: ratio(match[2] as string, flag) };
  },
  '--fault-status-sequence': (value, flag) => {
    const statuses = value.split(',').map((item) => status(item.trim(), flag));
    if (statuses.length === 0) throw badValue(flag, value, 'a list of statuses');
    return statuses;
  },
  '--fault-retry-after': integerValue(0, 86_400, 'a number of seconds'),
  '--fault-outage-seconds': decimalValue(0, 86_400, 'a number of seconds'),
  '--fault-outage-mode': (value, flag) => {
    if (value !== 'refuse' && value !== 'unavailable') {
      throw badValue(flag, value, '"unavailable" or "refuse"');
    }
    return value;
  },
  '--fault-outage-after': decimalValue(0, 86_400, 'a number of seconds'),
  '--fault-max-body-bytes': integerValue(0, Number.MAX_SAFE_INTEGER, 'a number of bytes'),
  '--fault-latency-ms': (value, flag) => {
    const range = /^(\d+)-(\d+)$/.exec(value);
    const parse = integerValue(0, 600_000, 'a delay in ms (N or MIN-MAX, at most 600000)');
    if (!range) return parse(value, flag);
    const min = parse(range[1] as string, flag);
    const max = parse(range[2] as string, flag);
    if (min > max) throw badValue(flag, value, 'a range MIN-MAX with MIN <= MAX');
    return [min, max] as const;
  },
  '--fault-reset-ratio': ratio,
  '--fault-partial-success': integerValue(0, Number.MAX_SAFE_INTEGER, 'a number of rejected items'),
  '--fault-routes': (value, flag) => {
    const routes = value.split(',').map((item) => item.trim());
    for (const route of routes) {
      if (!(ROUTE_NAMES as readonly string[]).includes(route)) {
        throw badValue(flag, value, `a list of routes among ${ROUTE_NAMES.join(', ')}`);
      }
    }
    return routes as RouteName[];
  },
};

/** Every flag of the command. */
const FLAGS: FlagTable = {
  switches: { help: { short: 'h' }, quiet: {} },
  values: VALUE_FLAGS,
};

/**
 * Parses the arguments after `sprintlens dev-backend`.
 *
 * @throws DevBackendInvalidFlagError for an unknown flag, a missing or bad value, or a
 *   flag given twice.
 */
export function parseDevBackendFlags(args: readonly string[]): DevBackendFlags {
  return withCodedFlagErrors(
    () => flagsOf(readFlags(args, FLAGS)),
    (flag, problem) => new DevBackendInvalidFlagError(flag, problem),
  );
}

function flagsOf(read: ReadFlags): DevBackendFlags {
  const get = <T>(flag: string): T | undefined => read.value<T>(flag);
  const faults = faultScript(get);
  const summaryIntervalSeconds =
    get<number>('--summary-interval') ?? DEV_BACKEND_DEFAULTS.summaryIntervalSeconds;
  return {
    help: read.has('help'),
    port: get<number>('--port') ?? DEV_BACKEND_DEFAULTS.port,
    host: get<string>('--host') ?? DEV_BACKEND_DEFAULTS.host,
    dataFile: get<string>('--data-file'),
    apiKey: get<string>('--api-key'),
    budgetPerMinute: get<number>('--budget-per-minute') ?? DEV_BACKEND_DEFAULTS.budgetPerMinute,
    policyTtlSeconds: get<number>('--policy-ttl') ?? DEV_BACKEND_DEFAULTS.policyTtlSeconds,
    summaryIntervalSeconds: read.has('quiet') ? 0 : summaryIntervalSeconds,
    seed: get<number>('--seed') ?? DEV_BACKEND_DEFAULTS.seed,
    faults,
  };
}

/** The {@link FaultScript} the `--fault-…` flags describe. */
function faultScript(get: <T>(name: string) => T | undefined): FaultScript {
  const script: FaultScript = {};
  const routes = get<RouteName[]>('--fault-routes');
  if (routes) script.routes = routes;
  const statusRatio = get<{ status: number; ratio: number }>('--fault-status-ratio');
  if (statusRatio) script.randomFailure = statusRatio;
  const sequence = get<number[]>('--fault-status-sequence');
  if (sequence) script.statusSequence = { statuses: sequence };
  const retryAfter = get<number>('--fault-retry-after');
  if (retryAfter !== undefined) script.retryAfter = retryAfter;
  const outageSeconds = get<number>('--fault-outage-seconds');
  const outageMode = get<'refuse' | 'unavailable'>('--fault-outage-mode');
  const outageAfter = get<number>('--fault-outage-after');
  if (outageSeconds === undefined && (outageMode !== undefined || outageAfter !== undefined)) {
    const flag = outageMode !== undefined ? '--fault-outage-mode' : '--fault-outage-after';
    throw new FlagProblem(flag, 'needs --fault-outage-seconds');
  }
  if (outageSeconds !== undefined) {
    script.outage = {
      mode: outageMode ?? 'unavailable',
      durationMs: Math.round(outageSeconds * 1000),
      ...(outageAfter === undefined ? {} : { startAfterMs: Math.round(outageAfter * 1000) }),
    };
  }
  const maxBody = get<number>('--fault-max-body-bytes');
  if (maxBody !== undefined) script.maxBodyBytes = { bytes: maxBody };
  const latency = get<number | readonly [number, number]>('--fault-latency-ms');
  if (latency !== undefined) script.latency = { ms: latency };
  const resetRatio = get<number>('--fault-reset-ratio');
  if (resetRatio !== undefined) script.resetMidRequest = { ratio: resetRatio, afterBytes: 1 };
  const partial = get<number>('--fault-partial-success');
  if (partial !== undefined) {
    script.partialSuccess = {
      rejected: partial,
      errorMessage: 'rejected by sprintlens dev-backend --fault-partial-success',
    };
  }
  return script;
}

/** A one-line description of each fault in force, for the start banner. */
export function describeFaults(script: FaultScript, seed: number): string[] {
  const lines: string[] = [];
  if (script.randomFailure) {
    const { status: code = 503, ratio: share } = script.randomFailure;
    lines.push(`answer ${code} to ${Math.round(share * 1000) / 10}% of requests (seed ${seed})`);
  }
  if (script.statusSequence) {
    lines.push(`answer ${script.statusSequence.statuses.join(', ')} first, then normally`);
  }
  if (script.retryAfter !== undefined) lines.push(`Retry-After: ${String(script.retryAfter)}`);
  if (script.outage) {
    const { mode, durationMs, startAfterMs = 0 } = script.outage;
    const what = mode === 'refuse' ? 'refuse connections' : 'answer 503';
    const when = startAfterMs > 0 ? ` starting ${startAfterMs / 1000} s after the start` : '';
    lines.push(`${what} for ${durationMs / 1000} s${when}`);
  }
  if (script.maxBodyBytes)
    lines.push(`answer 413 to bodies over ${script.maxBodyBytes.bytes} bytes`);
  if (script.latency) {
    const { ms } = script.latency;
    lines.push(`delay requests by ${typeof ms === 'number' ? ms : `${ms[0]}-${ms[1]}`} ms`);
  }
  if (script.resetMidRequest) {
    const share = script.resetMidRequest.ratio ?? 1;
    lines.push(`reset ${Math.round(share * 1000) / 10}% of requests mid-body (seed ${seed})`);
  }
  if (script.partialSuccess) {
    lines.push(`answer exports with partial_success rejecting ${script.partialSuccess.rejected}`);
  }
  if (lines.length > 0 && script.routes)
    lines.push(`(faults apply to: ${script.routes.join(', ')})`);
  return lines;
}
