/**
 * Shared pieces of the log instrumentation tests: a real LoggerProvider exporting to an
 * InMemoryLogRecordExporter, a real TracerProvider with the async-hooks context manager (so
 * records pick up the active span), and the real sampler (createLogSampling) with settings that
 * make every decision known in advance, its processor in front of the exporter as in start().
 */
import { context } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { createLogSampling } from '../../../src/sampling/create-log-sampling-processor';
import type { LogSampling } from '../../../src/sampling/create-log-sampling-processor';
import {
  DecisionHandoff,
  getActiveLogSampler,
  setActiveLogSampler,
} from '../../../src/sampling/log-sampler';
import type { LogSampleInput, LogSampler } from '../../../src/sampling/log-sampler';
import type { PatternSampler } from '../../../src/sampling/pattern-sampler';
import { VERSIONS_DIR } from '../paths';

/** The exporting processor of the harness; {@link installSampler} puts its sampling in front. */
let exporting: LogRecordProcessor | undefined;
/** The processors of the samplers {@link installSampler} made. */
const samplingProcessors = new Map<LogSampler, LogRecordProcessor>();

export interface LogHarness {
  readonly exporter: InMemoryLogRecordExporter;
  readonly provider: LoggerProvider;
  records(): ReadableLogRecord[];
  reset(): void;
  /** Runs `fn` inside an active span; returns the span's ids. */
  inSpan(fn: () => void): { traceId: string; spanId: string };
  close(): Promise<void>;
}

/** Wires `instrumentation` to a fresh in-memory logger provider. */
export function logHarness(instrumentation: Instrumentation): LogHarness {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemoryLogRecordExporter();
  const simple = new SimpleLogRecordProcessor({ exporter });
  exporting = simple;
  // Records go through the processor of the published sampler (it writes the decision
  // attributes), as with createLogSamplingProcessor(); without one straight to the exporter.
  const router: LogRecordProcessor = {
    onEmit: (record, ctx) => {
      const published = getActiveLogSampler();
      const processor = published === undefined ? undefined : samplingProcessors.get(published);
      (processor ?? simple).onEmit(record, ctx);
    },
    forceFlush: () => simple.forceFlush(),
    shutdown: () => simple.shutdown(),
  };
  const provider = new LoggerProvider({ processors: [router] });
  instrumentation.setLoggerProvider?.(provider);
  const tracer = new TracerProvider({}).getTracer('log-tests');
  return {
    exporter,
    provider,
    records: () => exporter.getFinishedLogRecords().slice(),
    reset: () => exporter.reset(),
    inSpan(fn) {
      return tracer.startActiveSpan('work', (span: Span) => {
        try {
          fn();
        } finally {
          span.end();
        }
        const { traceId, spanId } = span.spanContext();
        return { traceId, spanId };
      });
    },
    async close() {
      await provider.shutdown();
      context.disable();
    },
  };
}

/**
 * A {@link logHarness} for the whole test file, set up before its tests and closed after them.
 * After each test the records and the active sampler are cleared and the instrumentation is
 * enabled again, so a test that disables it or installs a sampler leaves nothing behind.
 */
export function logHarnessForFile(instrumentation: Instrumentation): LogHarness {
  let harness: LogHarness | undefined;
  const current = (): LogHarness => {
    if (harness === undefined) throw new Error('the log harness is set up in beforeAll');
    return harness;
  };
  beforeAll(() => {
    harness = logHarness(instrumentation);
  });
  afterEach(async () => {
    current().reset();
    setActiveLogSampler(undefined);
    await shutdownSamplers();
    instrumentation.enable();
  });
  afterAll(async () => {
    instrumentation.disable();
    await current().close();
  });
  return {
    get exporter() {
      return current().exporter;
    },
    get provider() {
      return current().provider;
    },
    records: () => current().records(),
    reset: () => current().reset(),
    inSpan: (fn) => current().inSpan(fn),
    close: () => current().close(),
  };
}

/** Rates of the sampling tests: TRACE and DEBUG lines are dropped, INFO and WARN kept. */
export const DROP_DEBUG = { TRACE: 0, DEBUG: 0, INFO: 1, WARN: 1 } as const;

/** The real sampler, installed, with what it was asked. */
export interface TestSampler {
  readonly sampling: LogSampling;
  readonly sampler: PatternSampler;
  /** The inputs of its `decide` calls, in order. */
  inputs(): LogSampleInput[];
}

const samplings: LogSampling[] = [];

/**
 * The real sampler, published (`setActive`) in `scope` for the instrumentations under test,
 * which follow the published sampler (nobody handed them one), with its processor in front of
 * the harness's exporter; made deterministic: rates of 0 or 1 only and no first occurrences (a
 * new pattern is not kept for being new), so every decision is known in advance. Shut down
 * after the test ({@link shutdownSamplers}).
 */
export function installSampler(
  scope: 'export' | 'all',
  rates: Readonly<Record<'TRACE' | 'DEBUG' | 'INFO' | 'WARN', 0 | 1>> = DROP_DEBUG,
): TestSampler {
  const downstream = exporting;
  const sampling = createLogSampling({
    scope,
    rates,
    firstOccurrences: 0,
    setActive: true,
    downstream: {
      onEmit: (record, ctx) => downstream?.onEmit(record, ctx),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
  });
  samplings.push(sampling);
  samplingProcessors.set(sampling.sampler, sampling.processor);
  const decide = vi.spyOn(sampling.sampler, 'decideRecord');
  return {
    sampling,
    sampler: sampling.sampler,
    inputs: () =>
      decide.mock.calls.map(([severityNumber, message, template, traceId]) => ({
        severityNumber: severityNumber ?? 0,
        message,
        template,
        traceId,
      })),
  };
}

/** Shuts down (and so uninstalls) the samplers {@link installSampler} made. */
export async function shutdownSamplers(): Promise<void> {
  samplingProcessors.clear();
  await Promise.all(samplings.splice(0).map((s) => s.shutdown()));
}

/**
 * A stand-in that answers "drop" for every line, ERROR and FATAL included: a decision the real
 * sampler never makes (it keeps them at p = 1), needed to show that the instrumentations write
 * and emit such lines whatever a sampler says.
 */
export class DropAllSampler implements LogSampler {
  failures = 0;
  outId = 'dropped';
  outTemplate = '';
  outSampleRate = 1;
  readonly handoff = new DecisionHandoff();
  constructor(readonly scope: 'export' | 'all') {}
  decideRecord(
    _severityNumber: number | undefined,
    _message: string,
    template: string | undefined,
  ): boolean {
    this.outTemplate = template ?? '';
    return false;
  }
}

/**
 * `require` for an older major from the version matrix (test/versions/<name>), installed by the
 * integration tier's global setup. Throws rather than fall back to the repository's own version
 * when the folder is not installed, so a row of the matrix never tests the wrong major.
 */
export function requireVersion(name: string): (id: string) => unknown {
  const dir = join(VERSIONS_DIR, name);
  const require = createRequire(join(dir, 'package.json'));
  return (id) => {
    const resolved = require.resolve(id);
    if (!resolved.startsWith(join(dir, 'node_modules') + sep)) {
      throw new Error(
        `${id} resolved to ${resolved}, not test/versions/${name}: install the version matrix ` +
          `(the integration tier's global setup does: npm run test:integration)`,
      );
    }
    return require(id);
  };
}

/** Collects what a logger writes (a pino/bunyan destination or a raw stream). */
export class LineSink {
  readonly lines: string[] = [];
  write(chunk: string): boolean {
    this.lines.push(chunk);
    return true;
  }
}

/** Values an app may log that must not break anything. */
export function hostileValues(): Record<string, unknown> {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  return {
    circular,
    big: 12345678901234567890n,
    buffer: Buffer.from('binary\u0000data'),
    error: new TypeError('bad input'),
    nothing: undefined,
    huge: 'x'.repeat(1024 * 1024),
    broken: 'lone \ud800 surrogate',
    nested: { a: { b: { c: { d: { e: 1 } } } } },
    list: [1, 2, 3],
    mixed: [1, 'two', { three: 3 }],
    when: new Date(0),
  };
}
