import {
  context,
  logs,
  metrics,
  propagation,
  ProxyTracerProvider,
  trace,
} from '@opentelemetry/api';
import { logs as apiLogs } from '@opentelemetry/api-logs';
import type { LoggerProvider as ApiLogsLoggerProvider } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The no-op provider an empty ProxyTracerProvider delegates to (a singleton of the API). */
const NOOP_DELEGATE = new ProxyTracerProvider().getDelegate();

/**
 * True when some other SDK already registered a global tracer provider. The API always
 * registers a ProxyTracerProvider and sets its delegate; a proxy from another copy of the API,
 * or one whose delegate is not the no-op provider, means someone else got there first.
 */
export function foreignTracerProviderRegistered(): boolean {
  const current = trace.getTracerProvider();
  if (!(current instanceof ProxyTracerProvider)) return true;
  return current.getDelegate() !== NOOP_DELEGATE;
}

/** The providers `start()` owns. */
export interface Providers {
  readonly tracerProvider: TracerProvider;
  readonly loggerProvider: LoggerProvider;
  readonly meterProvider: MeterProvider;
}

/**
 * Makes our providers, context manager and propagators the global ones. Logs are registered
 * twice: `@opentelemetry/api` 1.10 carries its own logs API, while code written against the
 * separate `@opentelemetry/api-logs` package reads another global; both must find us.
 */
export function registerGlobals(providers: Providers): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  trace.setGlobalTracerProvider(providers.tracerProvider);
  metrics.setGlobalMeterProvider(providers.meterProvider);
  logs.setGlobalLoggerProvider(providers.loggerProvider);
  apiLogs.setGlobalLoggerProvider(providers.loggerProvider as unknown as ApiLogsLoggerProvider);
}

/** Undoes {@link registerGlobals}, so that a later `start()` can register again. */
export function unregisterGlobals(): void {
  trace.disable();
  metrics.disable();
  logs.disable();
  apiLogs.disable();
  propagation.disable();
  context.disable();
}
