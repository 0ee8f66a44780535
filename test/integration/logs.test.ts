/**
 * The log instrumentations in real processes, table-driven: one row per logger, with its majors
 * (the repository's own, and the version matrix's older one linked into its fixture folder).
 * Each fixture app (test/fixtures/apps/logs*, the scenarios of logs-scenarios.cjs) runs under
 * `--require` and `--import sprintlens/register` beside a reference run with the log
 * instrumentations off, exporting to the real OTLP receiver. What differs between loggers is
 * data in the row: how the logger writes the trace fields into its own output, and which
 * attributes its records export.
 */
import { describe, expect, it } from 'vitest';
import { logPattern } from '../../src/sampling/log-pattern';
import { templatePattern } from '../../src/sampling/printf-template';
import type { AppResult } from '../support/spawn-app';
import {
  byBody,
  expectCorrelated,
  FIRST_OCCURRENCES,
  lines,
  modes,
  patchedThrough,
  receiverForFile,
  runBesideReference,
  runScopeAll,
  severityOf,
  telemetryOf,
  withoutTraceFields,
} from './logs-harness';
import type { Mode } from './logs-harness';

/** How a logger writes the correlation fields into its own output. */
type TraceFields =
  /** It writes none: stdout and stderr are byte-identical to the reference run's. */
  | { readonly by: 'none' }
  /** A mixin writes them as raw text matching `pattern` (pino: right after "level", in order). */
  | { readonly by: 'mixin'; readonly pattern: RegExp }
  /** Keys of each JSON line, matching `fields`. */
  | { readonly by: 'json keys'; readonly fields: Readonly<Record<string, unknown>> };

/** One major of a logger: the fixture folder its entries are in, and the version matrix row. */
interface Major {
  /** The major, for the label and the instrumentation's `"module":…,"version":"<major>.` line. */
  readonly major?: string;
  /** The fixture folder under test/fixtures/apps (entries `<folder>/<logger>.cjs|mjs`). */
  readonly folder: string;
  /** The version-matrix folder (test/versions/<name>) linked into `folder`. */
  readonly matrix?: string;
}

/** A logger of the table. */
interface LoggerRow {
  /** The module, the scenario of logs-scenarios.cjs and its span `<logger>-work`. */
  readonly logger: 'pino' | 'winston' | 'bunyan' | 'console';
  readonly majors: readonly Major[];
  /**
   * Run with OTEL_LOG_LEVEL=debug and check the lines saying how the logger was patched (not for
   * console: the diagnostics would go to the very stderr that must equal the reference's).
   */
  readonly diagnostics: boolean;
  readonly traceFields: TraceFields;
  /** Fields that differ between any two runs, set equal on both sides before comparing. */
  readonly perRunFields?: readonly string[];
  /** Lines the scenario writes to stdout besides its "please drop" DEBUG lines. */
  readonly stdoutLines: number;
  /** The records' severity text, and attributes (a subset) of the records by body. */
  readonly severityText: string;
  readonly login: Readonly<Record<string, unknown>>;
  /** Attributes that must not be exported with the login record. */
  readonly loginWithout?: readonly string[];
  readonly disk: Readonly<Record<string, unknown>>;
  /** The ERROR record: its body (a prefix), attributes, and the file its stack trace names. */
  readonly failure: {
    readonly body: string;
    readonly attributes: Readonly<Record<string, unknown>>;
    readonly stackFrom?: string;
  };
  /** What a kept record carries in scope `all`: the sampler's decision, taken before the write. */
  readonly kept: Readonly<Record<string, unknown>>;
}

/** The pattern of a printf template, as the sampler's decision carries it. */
function decidedByTemplate(template: string): Record<string, unknown> {
  const pattern = templatePattern(template);
  return {
    'sprintlens.pattern.id': pattern.id,
    'log.record.template': pattern.template,
    'sprintlens.sample_rate': 1,
  };
}

const LOGGERS: readonly LoggerRow[] = [
  {
    logger: 'pino',
    majors: [
      { major: '10', folder: 'logs' },
      { major: '9', folder: 'logs-pino-9', matrix: 'pino-9' },
    ],
    diagnostics: true,
    traceFields: {
      by: 'mixin',
      pattern: /"trace_id":"[0-9a-f]{32}","span_id":"[0-9a-f]{16}","trace_flags":"0[01]",/,
    },
    stdoutLines: 4,
    severityText: 'info',
    login: { 'user.id': 7, 'log.record.template': 'user %s logged in' },
    disk: { requestId: 'r-1', 'log.record.template': 'disk at %d%%' },
    failure: {
      body: 'boom',
      attributes: { 'exception.type': 'Error' },
      stackFrom: 'logs-scenarios.cjs',
    },
    kept: decidedByTemplate('user %s logged in'),
  },
  {
    logger: 'bunyan',
    majors: [
      { major: '2', folder: 'logs' },
      { major: '1', folder: 'logs-bunyan-1', matrix: 'bunyan-1' },
    ],
    diagnostics: true,
    traceFields: { by: 'json keys', fields: { trace_id: expect.any(String), trace_flags: '01' } },
    perRunFields: ['time', 'pid'],
    stdoutLines: 4,
    severityText: 'info',
    login: { 'user.id': 7 },
    loginWithout: ['hostname'],
    disk: { requestId: 'r-1' },
    failure: {
      body: 'failed',
      attributes: { 'exception.type': 'Error', 'exception.message': 'boom' },
    },
    // bunyan has no template: the pattern is the message's.
    kept: {
      'sprintlens.pattern.id': logPattern('user ann logged in').id,
      'sprintlens.sample_rate': 1,
    },
  },
  {
    logger: 'winston',
    majors: [{ major: '3', folder: 'logs' }],
    diagnostics: true,
    traceFields: {
      by: 'json keys',
      fields: {
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        trace_flags: '01',
      },
    },
    stdoutLines: 4,
    severityText: 'info',
    login: { service: 'fixture', 'user.id': 7, 'log.record.template': 'user %s logged in' },
    disk: { requestId: 'r-1' },
    failure: { body: 'failed boom', attributes: {}, stackFrom: 'logs-scenarios.cjs' },
    kept: decidedByTemplate('user %s logged in'),
  },
  {
    logger: 'console',
    majors: [{ folder: 'logs' }],
    diagnostics: false,
    traceFields: { by: 'none' },
    // console.log, .debug and .info print to stdout; .warn and .error to stderr.
    stdoutLines: 2,
    severityText: 'log',
    login: { 'log.record.template': 'user %s logged in' },
    disk: {},
    failure: {
      body: 'failed Error: boom',
      attributes: { 'exception.type': 'Error', 'exception.message': 'boom' },
    },
    kept: decidedByTemplate('user %s logged in'),
  },
];

const receiver = receiverForFile(
  ...LOGGERS.flatMap(({ logger, majors }) =>
    majors.flatMap(({ folder, matrix }) =>
      matrix === undefined ? [] : [{ folder, pkg: logger, version: matrix }],
    ),
  ),
);

/** Sets the fields that differ between two runs to one value, so lines compare equal. */
function samePerRun(fields: readonly string[] | undefined): (line: string) => string {
  if (fields === undefined) return (line) => line;
  return (line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    for (const field of fields) parsed[field] = '(per run)';
    return JSON.stringify(parsed);
  };
}

/** The instrumented run's output is the reference's but for the trace fields of in-span lines. */
function expectOutputAsReference(row: LoggerRow, result: AppResult, plain: AppResult): void {
  const out = lines(result.stdout);
  expect(out).toHaveLength(row.stdoutLines + 1);
  const { traceFields } = row;
  if (traceFields.by === 'none') {
    expect(result.stdout).toBe(plain.stdout);
    expect(result.stderr).toBe(plain.stderr);
    expect(result.stdout).toContain('user ann logged in\n');
    return;
  }
  // Every line but the last ("outside any span") was written inside the span.
  const inSpan = out.slice(0, -1);
  for (const line of inSpan) {
    if (traceFields.by === 'mixin') expect(line).toMatch(traceFields.pattern);
    else expect(JSON.parse(line)).toMatchObject(traceFields.fields);
  }
  expect(out.at(-1)).not.toContain('trace_id');
  const withoutFields =
    traceFields.by === 'mixin'
      ? (line: string) => line.replace(traceFields.pattern, '')
      : withoutTraceFields;
  const perRun = samePerRun(row.perRunFields);
  expect(out.map((line) => perRun(withoutFields(line)))).toEqual(lines(plain.stdout).map(perRun));
}

const RUNS = LOGGERS.flatMap((row) =>
  row.majors.flatMap(({ major, folder }) =>
    modes(folder, row.logger).map((mode: Mode) => ({
      row,
      major,
      mode,
      label: major === undefined ? row.logger : `${row.logger} ${major}`,
      kind: mode.kind,
    })),
  ),
);

describe.each(RUNS)('$label, $kind', ({ row, major, mode }) => {
  const service = `logs-${row.logger}${major ?? ''}-${mode.kind}`;
  const spanName = `${row.logger}-work`;

  it('exports every line correlated, with severity, body, fields and exception; output unchanged but for trace fields', async () => {
    const [result, plain] = await runBesideReference({
      receiver,
      service,
      mode,
      env: row.diagnostics ? { OTEL_LOG_LEVEL: 'debug' } : undefined,
    });
    expect(result.code).toBe(0);
    expect(plain.code).toBe(0);
    if (row.diagnostics) {
      // The ES-module run was patched by the ES-module hook (the module list of the registry).
      expect(result.stderr).toContain(patchedThrough(row.logger, mode));
      if (major !== undefined) {
        expect(result.stderr).toContain(`"module":"${row.logger}","version":"${major}.`);
      }
    }
    expectOutputAsReference(row, result, plain);

    const { span, logs } = await telemetryOf(receiver, service, spanName, 5);
    expect(logs).toHaveLength(5);
    const login = byBody(logs, 'user ann logged in');
    expect(severityOf(login)).toBe(9);
    expect(login.severityText).toBe(row.severityText);
    expect(login.attributes).toMatchObject(row.login);
    for (const key of row.loginWithout ?? []) expect(login.attributes).not.toHaveProperty(key);
    const disk = byBody(logs, 'disk at 91%');
    expect(severityOf(disk)).toBe(13);
    expect(disk.attributes).toMatchObject(row.disk);
    const failure = byBody(logs, row.failure.body);
    expect(severityOf(failure)).toBe(17);
    expect(failure.attributes).toMatchObject(row.failure.attributes);
    if (row.failure.stackFrom !== undefined) {
      expect(String(failure.attributes['exception.stacktrace'])).toContain(row.failure.stackFrom);
    }
    expect(severityOf(byBody(logs, 'please drop this debug line'))).toBe(5);
    expectCorrelated(logs, span, ['user ann', 'disk at', row.failure.body, 'please drop']);
    const outside = byBody(logs, 'outside any span');
    expect(outside.traceId).toBeUndefined();
    expect(severityOf(outside)).toBe(9);
    // The reference run had the log instrumentations off: nothing from the logger.
    expect(receiver.logsOf(service + '-plain')).toEqual([]);
  });

  it('scope all: a dropped line is neither written nor exported; kept ones carry the decision', async () => {
    const { result, logs } = await runScopeAll({
      receiver,
      service: `${service}-all`,
      mode,
      spanName,
    });
    expect(lines(result.stdout)).toHaveLength(row.stdoutLines + FIRST_OCCURRENCES);
    expect(result.stdout).toContain('user ann logged in');
    // The first occurrences are kept at a rate of 1.
    const drops = logs.filter((l) => String(l.body).includes('please drop'));
    for (const drop of drops) expect(drop.attributes['sprintlens.sample_rate']).toBe(1);
    // Kept lines carry the decision taken before the logger wrote them.
    expect(byBody(logs, 'user ann logged in').attributes).toMatchObject(row.kept);
  });
});
