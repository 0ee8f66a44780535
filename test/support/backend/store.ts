/**
 * What the backend received, kept for test assertions, and in-flight accounting.
 *
 * Everything is appended in arrival order and never deduplicated: tests count retries
 * and duplicates from these lists.
 */
import type { IncomingMessage } from 'node:http';
import type { ReceivedLogRecord, ReceivedSpan } from './otlp-types';
import type {
  AnyReceivedExport,
  ConcurrencyStats,
  ReceivedExport,
  ReceivedPatternReport,
  ReceivedPolicyRequest,
  RequestRecord,
  RouteName,
  WaitForOptions,
} from './types';

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The stores of one backend. */
export class BackendStore {
  readonly requests: RequestRecord[] = [];
  readonly traceRequests: ReceivedExport<'traces'>[] = [];
  readonly logRequests: ReceivedExport<'logs'>[] = [];
  readonly metricRequests: ReceivedExport<'metrics'>[] = [];
  readonly spans: ReceivedSpan[] = [];
  readonly logRecords: ReceivedLogRecord[] = [];
  readonly patternReports: ReceivedPatternReport[] = [];
  readonly policyRequests: ReceivedPolicyRequest[] = [];
  readonly concurrency: ConcurrencyStats = { current: 0, max: 0 };

  private nextSeq = 1;
  private readonly listeners = new Set<() => void>();

  /**
   * Records an arriving request. The record is listed at once and completed in place,
   * so a client that got its answer always finds the status already set.
   */
  begin(options: { req: IncomingMessage; route: RouteName | undefined }): RequestRecord {
    const { req, route } = options;
    const url = new URL(req.url ?? '/', 'http://backend.invalid');
    const record: RequestRecord = {
      seq: this.nextSeq++,
      method: req.method ?? 'GET',
      path: url.pathname,
      route,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      userAgent: firstHeader(req.headers['user-agent']),
      contentType: firstHeader(req.headers['content-type']),
      contentEncoding: firstHeader(req.headers['content-encoding']),
      wireBytes: 0,
      status: undefined,
      outcome: 'pending',
      fault: undefined,
      injectedLatencyMs: 0,
      error: undefined,
      startedAt: Date.now(),
      durationMs: undefined,
    };
    this.requests.push(record);
    this.concurrency.current += 1;
    this.concurrency.max = Math.max(this.concurrency.max, this.concurrency.current);
    this.changed();
    return record;
  }

  /** Marks a request as ended (answer complete, or connection gone). */
  end(record: RequestRecord): void {
    if (record.durationMs !== undefined) return;
    record.durationMs = Date.now() - record.startedAt;
    if (record.outcome === 'pending') record.outcome = 'aborted';
    this.concurrency.current -= 1;
    this.changed();
  }

  /** Stores an accepted export and flattens its spans or log records. */
  addExport(received: AnyReceivedExport): void {
    switch (received.signal) {
      case 'traces':
        this.addTraces(received);
        break;
      case 'logs':
        this.addLogs(received);
        break;
      case 'metrics':
        this.metricRequests.push(received);
        break;
    }
    this.changed();
  }

  private addTraces(received: ReceivedExport<'traces'>): void {
    this.traceRequests.push(received);
    for (const { resource, scopeSpans } of received.body.resourceSpans) {
      for (const { scope, spans } of scopeSpans) {
        for (const span of spans)
          this.spans.push({ ...span, resource: resource.attributes, scope });
      }
    }
  }

  private addLogs(received: ReceivedExport<'logs'>): void {
    this.logRequests.push(received);
    for (const { resource, scopeLogs } of received.body.resourceLogs) {
      for (const { scope, logRecords } of scopeLogs) {
        for (const logRecord of logRecords) {
          this.logRecords.push({ ...logRecord, resource: resource.attributes, scope });
        }
      }
    }
  }

  addPatternReport(received: ReceivedPatternReport): void {
    this.patternReports.push(received);
    this.changed();
  }

  addPolicyRequest(received: ReceivedPolicyRequest): void {
    this.policyRequests.push(received);
    this.changed();
  }

  /** Empties every list and resets the concurrency maximum to the current count. */
  clear(): void {
    for (const list of [
      this.requests,
      this.traceRequests,
      this.logRequests,
      this.metricRequests,
      this.spans,
      this.logRecords,
      this.patternReports,
      this.policyRequests,
    ]) {
      list.length = 0;
    }
    this.concurrency.max = this.concurrency.current;
    this.changed();
  }

  /** Resolves when `predicate()` holds; re-checked after every change. */
  waitFor(predicate: () => boolean, options: WaitForOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      if (predicate()) {
        resolve();
        return;
      }
      const check = (): void => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        const what = options.description ?? 'condition';
        reject(new Error(`backend: ${what} not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
