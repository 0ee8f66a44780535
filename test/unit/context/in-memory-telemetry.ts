/**
 * Real SDK providers in memory, with the context-attribute processors first (as `start()` puts
 * them): spans and log records as the exporters would receive them.
 */
import { context, logs, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ContextAttributesLogRecordProcessor } from '../../../src/context/log-record-processor';
import { ContextAttributesSpanProcessor } from '../../../src/context/span-processor';

/** Registers the providers and the AsyncLocalStorage context manager for a test file. */
export function inMemoryTelemetry() {
  const spanExporter = new InMemorySpanExporter();
  const logExporter = new InMemoryLogRecordExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [
      new ContextAttributesSpanProcessor(),
      new SimpleSpanProcessor({ exporter: spanExporter }),
    ],
  });
  const loggerProvider = new LoggerProvider({
    processors: [
      new ContextAttributesLogRecordProcessor(),
      new SimpleLogRecordProcessor({ exporter: logExporter }),
    ],
  });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(tracerProvider);
    logs.setGlobalLoggerProvider(loggerProvider);
  });
  afterAll(() => {
    trace.disable();
    logs.disable();
    context.disable();
  });
  beforeEach(() => {
    spanExporter.reset();
    logExporter.reset();
  });

  const tracer = tracerProvider.getTracer('test');
  const logger = loggerProvider.getLogger('test');
  return {
    tracer,
    logger,
    /** Starts and ends a span named `name` in the active context. */
    span(name: string, attributes?: Attributes): void {
      tracer.startSpan(name, { attributes }).end();
    },
    /** Emits a log record with body `body` in the active context. */
    log(body: string, attributes?: Attributes): void {
      logger.emit({ body, attributes });
    },
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    records: (): ReadableLogRecord[] => logExporter.getFinishedLogRecords(),
    spanNamed(name: string): ReadableSpan {
      const found = spanExporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`${found.length} spans named ${name}`);
      return found[0]!;
    },
    recordOf(body: string): ReadableLogRecord {
      const found = logExporter.getFinishedLogRecords().filter((r) => r.body === body);
      if (found.length !== 1) throw new Error(`${found.length} records of ${body}`);
      return found[0]!;
    },
  };
}
