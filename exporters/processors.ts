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

/** Queues every sampled span when it ends. */
export class TransportSpanProcessor extends OnTransport<ReadableSpan> implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.transport.enqueueOne(span);
  }
}

/** Queues every emitted log record. */
export class TransportLogRecordProcessor
  extends OnTransport<ReadableLogRecord>
  implements LogRecordProcessor
{
  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    this.transport.enqueueOne(logRecord);
  }
}
