/**
 * What the backend received, in-flight accounting, and the observers that watch it all.
 *
 * With `retain` (tests), everything is appended in arrival order and never deduplicated:
 * tests count retries and duplicates from these lists. Without it (the CLI, which may run
 * for hours), the lists stay empty and only the observers see the data, so memory stays
 * bounded.
 */
import type { IncomingMessage } from 'node:http';
import { ExperimentsSummary } from './experiments';
import { requestTarget } from './http-util';
import { logRecordsOf, spansOf } from './otlp-types';
import type { ReceivedLogRecord, ReceivedSpan } from './otlp-types';
import type {
  AnyReceivedExport,
  BackendObserver,
  ConcurrencyStats,
  PolicyChange,
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
  /** The `gen_ai.evaluation.result` events among {@link logRecords}. */
  readonly evaluations: ReceivedLogRecord[] = [];
  /** The experiment item spans among {@link spans} (those with `sprintlens.experiment.item_id`). */
  readonly experimentItems: ReceivedSpan[] = [];
  readonly patternReports: ReceivedPatternReport[] = [];
  readonly policyRequests: ReceivedPolicyRequest[] = [];
  readonly concurrency: ConcurrencyStats = { current: 0, max: 0 };

  private nextSeq = 1;
  private readonly listeners = new Set<() => void>();
  private readonly retain: boolean;
  private readonly observers: BackendObserver[];

  constructor(options: { retain?: boolean; observers?: readonly BackendObserver[] } = {}) {
    this.retain = options.retain ?? true;
    this.observers = [...(options.observers ?? [])];
  }

  /** Adds an observer (it sees what arrives from now on). */
  observe(observer: BackendObserver): void {
    this.observers.push(observer);
  }

  /** Calls `event` on every observer; one that throws is skipped, never breaking a request. */
  private emit(event: (observer: BackendObserver) => void): void {
    for (const observer of this.observers) {
      try {
        event(observer);
      } catch {
        // An observer is a bystander (summary, data file): its failure must not turn an
        // accepted export into a 500, which would make the client resend it.
      }
    }
  }

  /**
   * Records an arriving request. The record is listed at once and completed in place,
   * so a client that got its answer always finds the status already set.
   */
  begin(options: { req: IncomingMessage; route: RouteName | undefined }): RequestRecord {
    const { req, route } = options;
    const { path, query } = requestTarget(req.url);
    const record: RequestRecord = {
      seq: this.nextSeq++,
      method: req.method ?? 'GET',
      path,
      route,
      query: Object.fromEntries(query),
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
    if (this.retain) this.requests.push(record);
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
    this.emit((observer) => observer.requestEnded?.(record));
    this.changed();
  }

  /** Stores an accepted export and flattens its spans or log records. */
  addExport(received: AnyReceivedExport): void {
    this.emit((observer) => observer.exportReceived?.(received));
    if (!this.retain) {
      this.changed();
      return;
    }
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
    for (const span of spansOf(received.body)) {
      this.spans.push(span);
      if (ExperimentsSummary.isItemSpan(span)) this.experimentItems.push(span);
    }
  }

  private addLogs(received: ReceivedExport<'logs'>): void {
    this.logRequests.push(received);
    for (const logRecord of logRecordsOf(received.body)) {
      this.logRecords.push(logRecord);
      if (ExperimentsSummary.isEvaluation(logRecord)) this.evaluations.push(logRecord);
    }
  }

  addPatternReport(received: ReceivedPatternReport): void {
    this.emit((observer) => observer.patternReportReceived?.(received));
    if (this.retain) this.patternReports.push(received);
    this.changed();
  }

  addPolicyRequest(received: ReceivedPolicyRequest): void {
    this.emit((observer) => observer.policyServed?.(received));
    if (this.retain) this.policyRequests.push(received);
    this.changed();
  }

  /** Announces a computed policy that changed. */
  policyChanged(change: PolicyChange): void {
    this.emit((observer) => observer.policyChanged?.(change));
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
      this.evaluations,
      this.experimentItems,
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
