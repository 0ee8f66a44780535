import { DiagLogLevel } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { resolveConfig } from '../config/resolve';
import { redactConfig } from '../config/redact';
import type { DiagLevelName, SprintlensOptions } from '../config/options';
import { debug, installDiagLogger, reportError, reportWarning } from '../base/diag';
import {
  ExportUndeliveredAtExitError,
  NodeUnsupportedError,
  ShutdownFailedError,
  ShutdownTimeoutError,
  StartFailedError,
  StartForeignProviderError,
} from '../base/errors';
import { createInstrumentations } from '../get-instrumentations';
import { handLogSampler } from '../../instrumentations/logs-common/instrumentation';
import { addEvaluationMetrics } from '../evaluation/evaluation-metrics';
import { startMetricsServer } from '../metrics/server';
import type { MetricsServer } from '../metrics/server';
import { foreignTracerProviderRegistered, registerGlobals, unregisterGlobals } from './globals';
import type { Providers } from './globals';
import { buildProviders } from './providers';
import { isSupportedNode, SUPPORTED_NODE } from '../base/node-support';
import { installShutdownHooks } from './shutdown-hooks';
import type { ShutdownOutcome } from './shutdown-hooks';

/** What {@link start} returns. Both methods always resolve; failures go to diagnostics. */
export interface SprintlensHandle {
  /** Flushes everything buffered and stops the SDK, within the shutdown bound. */
  shutdown(): Promise<void>;
  /** Exports everything buffered now, within the shutdown bound. */
  forceFlush(): Promise<void>;
}

// On globalThis, not in module scope: a CommonJS and an ES-module copy of this package, or two
// installed copies, must still start only once per process.
const STATE_KEY = Symbol.for('sprintlens.sdk.handle');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: SprintlensHandle };

const LEVELS: Readonly<Record<DiagLevelName, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

const NOOP_HANDLE: SprintlensHandle = {
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/**
 * Starts sprintlens: tracer, logger and meter providers exporting over OTLP/HTTP, the
 * instrumentations, and flush-on-exit. Idempotent: a second call (or `--require
 * sprintlens/register` plus `start()`) returns the running SDK's handle. Never throws: on any
 * failure the app runs on without telemetry and the reason goes to diagnostics.
 */
export function start(options: SprintlensOptions = {}): SprintlensHandle {
  const holder = globalThis as GlobalWithState;
  const running = holder[STATE_KEY];
  if (running !== undefined) {
    debug('start() called again; returning the running SDK');
    return running;
  }
  let handle: SprintlensHandle;
  try {
    handle = startOnce(options, () => {
      if (holder[STATE_KEY] === handle) delete holder[STATE_KEY];
    });
  } catch (error) {
    reportError(new StartFailedError(error));
    handle = NOOP_HANDLE;
  }
  holder[STATE_KEY] = handle;
  return handle;
}

function startOnce(options: SprintlensOptions, onStopped: () => void): SprintlensHandle {
  const { config, warnings } = resolveConfig(options);
  installDiagLogger(LEVELS[config.logLevel]);
  for (const warning of warnings) reportWarning(warning);
  debug('resolved configuration', redactConfig(config));

  if (config.disabled) {
    debug('OTEL_SDK_DISABLED is true: no providers, no instrumentation');
    return NOOP_HANDLE;
  }
  if (!isSupportedNode()) {
    reportWarning(new NodeUnsupportedError(process.versions.node, SUPPORTED_NODE.range));
  }
  if (foreignTracerProviderRegistered()) {
    reportWarning(new StartForeignProviderError());
    return NOOP_HANDLE;
  }

  const providers = buildProviders(config, options);
  registerGlobals(providers);
  addEvaluationMetrics(); // the recordEvaluation counters, from the start (at 0)
  const instrumentations = withUserInstrumentations(
    createInstrumentations(config, options),
    options.instrumentations ?? [],
  );
  // The log instrumentations ask this sampler before a line is written (see docs/logs.md).
  handLogSampler(instrumentations, providers.logSampler);
  const disableInstrumentations = registerInstrumentations({
    instrumentations,
    tracerProvider: providers.tracerProvider,
    meterProvider: providers.meterProvider,
    loggerProvider: providers.loggerProvider,
  });

  const metricsServer: Promise<MetricsServer | undefined> =
    config.metricsPort === undefined
      ? Promise.resolve(undefined)
      : startMetricsServer({ port: config.metricsPort, host: config.metricsHost });

  const timeoutMillis = config.shutdownTimeoutMillis;
  let stopping: Promise<ShutdownOutcome> | undefined;
  const shutdown = (): Promise<ShutdownOutcome> => {
    stopping ??= (async () => {
      uninstallHooks();
      const outcome = await bounded(shutdownProviders(providers), timeoutMillis);
      if (providers.undeliveredAtExit.length > 0) {
        reportWarning(new ExportUndeliveredAtExitError(providers.undeliveredAtExit));
      }
      await (await metricsServer)?.close();
      disableInstrumentations();
      unregisterGlobals();
      onStopped();
      return outcome;
    })();
    return stopping;
  };
  const uninstallHooks = installShutdownHooks({ shutdown });

  return {
    shutdown: () => shutdown().then(() => undefined),
    forceFlush: () => bounded(flushProviders(providers), timeoutMillis).then(() => undefined),
  };
}

async function flushProviders(providers: Providers): Promise<void> {
  await settleAll([
    providers.tracerProvider.forceFlush(),
    providers.loggerProvider.forceFlush(),
    providers.meterProvider.forceFlush(),
  ]);
}

async function shutdownProviders(providers: Providers): Promise<void> {
  // Logs often describe the spans' work, and metrics are cheapest: all three in parallel.
  await settleAll([
    providers.tracerProvider.shutdown(),
    providers.loggerProvider.shutdown(),
    providers.meterProvider.shutdown(),
  ]);
}

async function settleAll(work: Promise<void>[]): Promise<void> {
  for (const result of await Promise.allSettled(work)) {
    if (result.status === 'rejected') reportError(new ShutdownFailedError(result.reason));
  }
}

/** Resolves when `work` settles or after `timeoutMillis`, whichever is first. */
function bounded(work: Promise<void>, timeoutMillis: number): Promise<ShutdownOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      reportWarning(new ShutdownTimeoutError(timeoutMillis));
      resolve('timed-out');
    }, timeoutMillis);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve('done');
      },
      (error: unknown) => {
        clearTimeout(timer);
        reportError(new ShutdownFailedError(error));
        resolve('done');
      },
    );
  });
}

/**
 * Ours plus the user's, where a user's instance of one of our instrumentations (same
 * `instrumentationName`, constructed with options of their own) replaces ours.
 */
function withUserInstrumentations(
  ours: Instrumentation[],
  theirs: readonly Instrumentation[],
): Instrumentation[] {
  const names = new Set(theirs.map((i) => i.instrumentationName));
  const kept: Instrumentation[] = [];
  for (const instrumentation of ours) {
    if (names.has(instrumentation.instrumentationName)) instrumentation.disable();
    else kept.push(instrumentation);
  }
  return [...kept, ...theirs];
}
