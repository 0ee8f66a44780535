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
import type { Transport } from './transport/transport';

/** Queues every sampled span when it ends. */
export class TransportSpanProcessor implements SpanProcessor {
  constructor(private readonly transport: Transport<ReadableSpan>) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.transport.enqueueOne(span);
  }

  forceFlush(): Promise<void> {
    return this.transport.flush();
  }

  shutdown(): Promise<void> {
    return this.transport.shutdown();
  }
}

/** Queues every emitted log record. */
export class TransportLogRecordProcessor implements LogRecordProcessor {
  constructor(private readonly transport: Transport<ReadableLogRecord>) {}

  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    this.transport.enqueueOne(logRecord);
  }

  forceFlush(): Promise<void> {
    return this.transport.flush();
  }

  shutdown(): Promise<void> {
    return this.transport.shutdown();
  }
}
