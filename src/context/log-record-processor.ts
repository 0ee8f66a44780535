import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { addContextAttributeMetrics, contextAttributes } from '../base/context-attributes';
import { requestScopeOf, setAbsent } from './request-scope';
import type { AttributeHolder } from './request-scope';

/**
 * A `LogRecordProcessor` that sets the attributes of `withAttributes` (and of the request scope
 * the middleware helpers fill) on every log record emitted, from the context the record is
 * emitted in. The record's own attributes (a logger's structured fields) win. `start()` puts
 * one first on its logger provider, before log sampling, so every processor sees them (the
 * sampling decision does not read attributes); `createLogRecordProcessor()` does the same work.
 * Add one first to your own `NodeSDK` or `LoggerProvider` otherwise:
 *
 * ```ts
 * new NodeSDK({ logRecordProcessors: [new ContextAttributesLogRecordProcessor(), yours] });
 * ```
 */
export class ContextAttributesLogRecordProcessor implements LogRecordProcessor {
  constructor() {
    addContextAttributeMetrics();
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    if (context === undefined) return;
    try {
      const own = contextAttributes(context);
      if (own !== undefined) setAbsent(logRecord as AttributeHolder, own);
      const scoped = requestScopeOf(context)?.attributes;
      if (scoped !== undefined) setAbsent(logRecord as AttributeHolder, scoped);
    } catch {
      // Never into the app's log call: the record goes on without its context attributes.
    }
  }

  /**
   * It only decorates records others asked for: it never makes a logger enabled by itself
   * (the SDK asks each processor and emits when any says yes).
   */
  enabled(): boolean {
    return false;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
