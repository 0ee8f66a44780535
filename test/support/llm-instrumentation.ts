/**
 * Shared pieces of the in-process LLM instrumentation tests (openai, anthropic), with no server:
 * the setup that patches the real SDK by hand, diagnostics captured per test, a metric reader
 * collected on demand, and a tracer provider that fails. The calls against a local LLM server
 * add the server to this setup: `inProcessInstrumentationTests` in ./llm-in-process.ts.
 */
import { context, diag, DiagLogLevel, trace } from '@opentelemetry/api';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider as SdkTracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { resetDiagRateLimits } from '../../src/base/diag';

/** Options of {@link patchedSdkTests}. */
export interface InProcessOptions<Config, Inst> {
  /** Makes the instrumentation under test, from a test's config (it is patched by hand). */
  create(config: Config | undefined): Inst;
  /** The real SDK's exports and version, patched through the first module definition. */
  readonly exports: unknown;
  readonly version: string;
  /** Also registers the tracer provider globally (what makes self-tracing SDKs trace). */
  readonly globalTracerProvider?: boolean;
}

/**
 * Registers the hooks of a test file that patches the real SDK in process: spans into memory,
 * diagnostics captured per test, and whatever a test patched undone after it.
 */
export function patchedSdkTests<Config, Inst extends InstrumentationBase>(
  options: InProcessOptions<Config, Inst>,
) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new SdkTracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const diagLines: string[] = [];
  let patched: Inst | undefined;
  const definition = (inst: Inst) => inst.getModuleDefinitions()[0]!;
  const unpatch = (inst: Inst): void => {
    definition(inst).unpatch?.(options.exports, options.version);
    if (patched === inst) patched = undefined;
  };

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    if (options.globalTracerProvider === true) trace.setGlobalTracerProvider(tracerProvider);
  });
  afterAll(() => {
    if (options.globalTracerProvider === true) trace.disable();
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    captureDiag(diagLines);
  });
  afterEach(() => {
    if (patched !== undefined) unpatch(patched);
    diag.disable();
  });

  return {
    exporter,
    tracerProvider,
    diagLines,
    /** A disabled instrumentation with `config`, patched onto the SDK for this test. */
    instrument(config?: Config, provider: TracerProvider = tracerProvider): Inst {
      const inst = options.create(config);
      inst.setTracerProvider(provider);
      definition(inst).patch?.(options.exports, options.version);
      patched = inst;
      return inst;
    },
    /** Undoes {@link instrument} now. */
    unpatch,
  };
}

/** A cumulative reader that exports nothing: tests call `collect()` themselves. */
export class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The `gen_ai.client.*` histograms `reader` collects now. */
export async function collectGenAiHistograms(
  reader: MetricReader,
): Promise<{ usage: HistogramMetricData; duration: HistogramMetricData }> {
  const { resourceMetrics } = await reader.collect();
  const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics) as HistogramMetricData[];
  const usage = metrics.find((m) => m.descriptor.name === 'gen_ai.client.token.usage')!;
  const duration = metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration')!;
  return { usage, duration };
}

/**
 * Empties `lines` and sends every diag message (all levels) there from now on, with the coded
 * warnings' rate limits reset so each test sees its own. Call from `beforeEach`.
 */
export function captureDiag(lines: string[]): void {
  lines.length = 0;
  resetDiagRateLimits();
  const push = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  diag.setLogger(
    { error: push, warn: push, info: push, debug: push, verbose: push },
    { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
  );
}

/**
 * A provider whose tracer throws on `startSpan`, with a secret-looking message: stands for a
 * failure inside our own code, which must be reported without the secret and never reach the app.
 */
export function explodingTracerProvider(): TracerProvider {
  return {
    getTracer: () =>
      ({
        startSpan: () => {
          throw new Error('tracer exploded with sk-secret-in-message');
        },
      }) as unknown as Tracer,
  };
}
