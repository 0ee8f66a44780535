/**
 * Span and log processors that feed ended spans and emitted log records straight into the
 * transport queue: the transport already batches, so a `BatchSpanProcessor` in front of it
 * would only add a second buffer, a second timer and a copy.
 */
import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type {
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import { ContextAttributesLogRecordProcessor } from '../src/context/log-record-processor';
import { ContextAttributesSpanProcessor } from '../src/context/span-processor';
import type { Transport, TransportStats } from './transport/transport';

/** What every part on a transport shares: flush, shutdown and the accounting snapshot. */
export abstract class OnTransport<T> {
  constructor(protected readonly transport: Transport<T>) {}

  forceFlush(): Promise<void> {
    return this.transport.flush();
  }

  shutdown(): Promise<void> {
    return this.transport.shutdown();
  }

  /** The transport's accounting snapshot. */
  stats(): TransportStats {
    return this.transport.stats();
  }
}

/** How a transport-backed processor is built. */
export interface TransportProcessorOptions {
  /**
   * Also set the context attributes (`withAttributes`, the request scope) on each span or record,
   * as a `ContextAttributes…Processor` would: what `createSpanProcessor()` and
   * `createLogRecordProcessor()` ask for. `start()` puts those processors first instead.
   */
  readonly contextAttributes?: boolean;
}

/**
 * Queues every sampled span when it ends; with `contextAttributes`, sets the context attributes
 * as it starts.
 */
export class TransportSpanProcessor extends OnTransport<ReadableSpan> implements SpanProcessor {
  private readonly attributes: ContextAttributesSpanProcessor | undefined;

  constructor(transport: Transport<ReadableSpan>, options: TransportProcessorOptions = {}) {
    super(transport);
    this.attributes =
      options.contextAttributes === true ? new ContextAttributesSpanProcessor() : undefined;
  }

  onStart(span: Span, parentContext: Context): void {
    this.attributes?.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.transport.enqueueOne(span);
  }
}

/**
 * Queues every emitted log record; with `contextAttributes`, sets the context attributes on it
 * first.
 */
export class TransportLogRecordProcessor
  extends OnTransport<ReadableLogRecord>
  implements LogRecordProcessor
{
  private readonly attributes: ContextAttributesLogRecordProcessor | undefined;

  constructor(transport: Transport<ReadableLogRecord>, options: TransportProcessorOptions = {}) {
    super(transport);
    this.attributes =
      options.contextAttributes === true ? new ContextAttributesLogRecordProcessor() : undefined;
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.attributes?.onEmit(logRecord, context);
    this.transport.enqueueOne(logRecord);
  }
}
