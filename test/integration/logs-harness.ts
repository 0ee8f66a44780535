/**
 * Shared pieces of the log integration tests: real fixture apps (test/fixtures/apps/logs*)
 * run under `--require` and `--import sprintlens/register`, exporting to the real OTLP receiver.
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { SAMPLER_DEFAULTS } from '../../src/sampling/pattern-sampler';
import { VERSIONS_DIR } from '../support/paths';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedLog, ReceivedSpan } from '../support/otlp-receiver';
import { APPS_DIR, linkPackageIntoApps, runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';

/** The log instrumentations, turned off together for the "uninstrumented" reference run. */
const LOG_INSTRUMENTATIONS = 'pino,winston,bunyan,console';

/** Links `test/fixtures/apps/<folder>/node_modules/<pkg>` to the version-matrix install. */
export function linkOlderVersion(folder: string, pkg: string, version: string): void {
  const link = join(APPS_DIR, folder, 'node_modules', pkg);
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { force: true, recursive: true });
  symlinkSync(join(VERSIONS_DIR, version, 'node_modules', pkg), link, 'dir');
}

/** An older version to link for the fixtures in `folder` (see {@link linkOlderVersion}). */
export interface OlderVersion {
  readonly folder: string;
  readonly pkg: string;
  readonly version: string;
}

/**
 * The test file's receiver: started before its tests, once the fixture apps resolve
 * `sprintlens` to this build and `olderVersions` are linked; closed after them.
 */
export function receiverForFile(...olderVersions: OlderVersion[]): OtlpReceiver {
  const receiver = new OtlpReceiver();
  beforeAll(async () => {
    linkPackageIntoApps();
    for (const { folder, pkg, version } of olderVersions) linkOlderVersion(folder, pkg, version);
    await receiver.start();
  });
  afterAll(() => receiver.close());
  return receiver;
}

/** One way to start a fixture: CommonJS with --require or ES module with --import. */
export interface Mode {
  readonly kind: 'cjs' | 'esm';
  /** The entry, relative to test/fixtures/apps, e.g. `logs/pino.cjs`. */
  readonly entry: string;
}

export function modes(folder: string, name: string): Mode[] {
  return [
    { kind: 'cjs', entry: `${folder}/${name}.cjs` },
    { kind: 'esm', entry: `${folder}/${name}.mjs` },
  ];
}

function args(mode: Mode): string[] {
  return [mode.kind === 'cjs' ? '--require' : '--import', 'sprintlens/register', mode.entry];
}

/** Options of {@link runFixture}. */
export interface FixtureRun {
  readonly receiver: OtlpReceiver;
  readonly service: string;
  readonly mode: Mode;
  readonly env?: Record<string, string>;
  /** Run with the log instrumentations disabled (the SDK itself still starts). */
  readonly uninstrumented?: boolean;
}

/** Runs a fixture app to its end; sampling is off so that every line is exported. */
export function runFixture(run: FixtureRun): Promise<AppResult> {
  return runApp({
    args: args(run.mode),
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: run.receiver.url,
      OTEL_SERVICE_NAME: run.service,
      SPRINTLENS_LOG_SAMPLING: 'off',
      ...(run.uninstrumented ? { OTEL_NODE_DISABLED_INSTRUMENTATIONS: LOG_INSTRUMENTATIONS } : {}),
      ...run.env,
    },
  });
}

/**
 * Runs the fixture instrumented (with `env`) and, at the same time, with the log instrumentations
 * off as service `<service>-plain`: the reference its output must match.
 */
export function runBesideReference(run: FixtureRun): Promise<[AppResult, AppResult]> {
  return Promise.all([
    runFixture(run),
    runFixture({ ...run, service: run.service + '-plain', env: undefined, uninstrumented: true }),
  ]);
}

/** First lines of a pattern the sampler always keeps, whatever its rate. */
export const FIRST_OCCURRENCES = SAMPLER_DEFAULTS.firstOccurrences;

/**
 * Scope `all` with start()'s own sampler: DEBUG at rate 0, and the fixture's "please drop"
 * DEBUG line logged past its first occurrences, so that its later repeats are dropped.
 */
export const SCOPE_ALL_ENV: Readonly<Record<string, string>> = {
  SPRINTLENS_LOG_SAMPLING: 'on',
  SPRINTLENS_LOG_SAMPLING_SCOPE: 'all',
  SPRINTLENS_LOG_RATES: 'DEBUG=0',
  FIXTURE_DROP_REPEATS: String(FIRST_OCCURRENCES + 3),
};

/**
 * Runs the fixture as `service` in scope `all` ({@link SCOPE_ALL_ENV}) and checks what every
 * logger shares there: the "please drop" DEBUG line at rate 0 is written and exported for its
 * first occurrences only. Returns the run and the exported records for each logger's own checks.
 */
export async function runScopeAll(
  run: Pick<FixtureRun, 'receiver' | 'service' | 'mode'> & { readonly spanName: string },
): Promise<{ result: AppResult; logs: ReceivedLog[] }> {
  const result = await runFixture({ ...run, env: SCOPE_ALL_ENV });
  expect(result.code).toBe(0);
  // Its first occurrences kept, its later repeats neither written…
  expect(occurrences(result.stdout, 'please drop')).toBe(FIRST_OCCURRENCES);
  const expected = 4 + FIRST_OCCURRENCES;
  const { logs } = await telemetryOf(run.receiver, run.service, run.spanName, expected);
  // …nor exported.
  expect(logs).toHaveLength(expected);
  const drops = logs.filter((l) => String(l.body).includes('please drop'));
  expect(drops).toHaveLength(FIRST_OCCURRENCES);
  return { result, logs };
}

/** How many times `text` occurs in `output`. */
export function occurrences(output: string, text: string): number {
  return output.split(text).length - 1;
}

/** The debug line saying which loader path patched `module` (the ES-module hook or require). */
export function patchedThrough(module: string, mode: Mode): string {
  return mode.kind === 'esm'
    ? `${module} patched through its ES-module namespace`
    : `${module} patched through its CommonJS exports`;
}

/** Waits for `count` records and the span named `spanName` of `service`. */
export async function telemetryOf(
  receiver: OtlpReceiver,
  service: string,
  spanName: string,
  count: number,
): Promise<{ span: ReceivedSpan; logs: ReceivedLog[] }> {
  await receiver.waitFor(
    () =>
      receiver.logsOf(service).length >= count &&
      receiver.spansOf(service).some((s) => s.name === spanName),
  );
  const span = receiver.spansOf(service).find((s) => s.name === spanName)!;
  return { span, logs: receiver.logsOf(service) };
}

/** The record whose body is (or starts with) `body`. */
export function byBody(logs: readonly ReceivedLog[], body: string): ReceivedLog {
  const found = logs.find((l) => typeof l.body === 'string' && l.body.startsWith(body));
  if (found === undefined) throw new Error(`no record with body ${JSON.stringify(body)}`);
  return found;
}

/** The records whose bodies start with `bodies` carry the trace and span ids of `span`. */
export function expectCorrelated(
  logs: readonly ReceivedLog[],
  span: ReceivedSpan,
  bodies: readonly string[],
): void {
  for (const body of bodies) {
    const log = byBody(logs, body);
    expect(log.traceId, body).toBe(span.traceId);
    expect(log.spanId, body).toBe(span.spanId);
  }
}

/** The receiver may decode severity numbers as enum names or numbers: always a number. */
export function severityOf(log: ReceivedLog): number {
  const value = log.severityNumber;
  if (typeof value === 'number') return value;
  const names: Record<string, number> = {
    SEVERITY_NUMBER_TRACE: 1,
    SEVERITY_NUMBER_DEBUG: 5,
    SEVERITY_NUMBER_INFO: 9,
    SEVERITY_NUMBER_WARN: 13,
    SEVERITY_NUMBER_ERROR: 17,
    SEVERITY_NUMBER_FATAL: 21,
  };
  return names[String(value)] ?? Number(value);
}

/** Removes the correlation fields from a JSON line (keeping every other key in order). */
export function withoutTraceFields(line: string): string {
  if (!line.startsWith('{')) return line;
  const parsed = JSON.parse(line) as Record<string, unknown>;
  delete parsed.trace_id;
  delete parsed.span_id;
  delete parsed.trace_flags;
  return JSON.stringify(parsed);
}

/** Non-empty stdout lines. */
export function lines(output: string): string[] {
  return output.split('\n').filter((l) => l !== '');
}
