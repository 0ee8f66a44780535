/**
 * The JSON-lines data file of `sprintlens dev-backend`: one line per received item, each
 * with a `type` and the decoded content (see docs/dev-backend.md for the format).
 *
 * Lines are appended through a write stream as requests are handled, so the file is
 * current while the backend runs. Memory stays bounded: if the disk falls behind by more
 * than {@link MAX_PENDING_BYTES}, lines are dropped (and counted) rather than queued
 * without limit. A write error is reported once; the backend keeps serving without the
 * file.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { logRecordsOf, metricDataOf, metricsOf, spansOf } from './otlp-types';
import type { Attributes, OtlpScope } from './otlp-types';
import type {
  AnyReceivedExport,
  BackendObserver,
  PolicyChange,
  ReceivedPatternReport,
  ReceivedPolicyRequest,
  RequestRecord,
} from './types';

/** Bytes that may wait for the disk before lines are dropped. */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/** The `type` of each line. */
export type DataLineType =
  | 'start'
  | 'span'
  | 'log'
  | 'metric'
  | 'pattern_report'
  | 'policy_request'
  | 'policy'
  | 'request'
  | 'stop';

/**
 * `JSON.stringify` replacer for decoded OTLP values: bigint (int64 beyond 2^53) as a
 * decimal string, bytes as base64. Without it a bigint throws and bytes become an object
 * keyed by index.
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** One line of the data file (with its newline). */
export function dataLine(type: DataLineType, content: Record<string, unknown>): string {
  return `${JSON.stringify({ type, ...content }, jsonReplacer)}\n`;
}

/** Where an item came from, as data lines give it. */
function origin(resource: Attributes, scope: OtlpScope): Record<string, unknown> {
  return { resource, scope: { name: scope.name, version: scope.version } };
}

/** The data lines of one accepted export: a line per span, log record or data point. */
export function exportLines(received: AnyReceivedExport, receivedAt: string): string[] {
  const lines: string[] = [];
  switch (received.signal) {
    case 'traces':
      for (const { resource, scope, ...span } of spansOf(received.body)) {
        lines.push(dataLine('span', { receivedAt, ...origin(resource, scope), ...span }));
      }
      break;
    case 'logs':
      for (const { resource, scope, ...record } of logRecordsOf(received.body)) {
        lines.push(dataLine('log', { receivedAt, ...origin(resource, scope), ...record }));
      }
      break;
    case 'metrics':
      for (const { resource, scope, metric } of metricsOf(received.body)) {
        for (const { kind, aggregation, dataPoints } of metricDataOf(metric)) {
          for (const point of dataPoints) {
            lines.push(
              dataLine('metric', {
                receivedAt,
                ...origin(resource, scope),
                name: metric.name,
                description: metric.description,
                unit: metric.unit,
                kind,
                ...aggregation,
                point,
              }),
            );
          }
        }
      }
      break;
  }
  return lines;
}

/** Options of {@link DataFileWriter.open}. */
export interface DataFileOptions {
  path: string;
  /** Called once, on the first write error (the file is then abandoned). */
  onError?: (error: Error) => void;
  /** Clock, for `receivedAt` (tests). */
  now?: () => number;
}

/** Appends data lines to a file (a {@link BackendObserver}). */
export class DataFileWriter implements BackendObserver {
  /** Lines written (handed to the stream). */
  linesWritten = 0;
  /** Lines dropped because the disk fell behind or the file failed. */
  linesDropped = 0;
  private failed = false;
  private ending: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
    private readonly options: DataFileOptions,
  ) {
    stream.on('error', (error: Error) => this.fail(error));
  }

  /**
   * Opens (creating or appending to) the file; resolves once it is open.
   *
   * @throws the open error (missing directory, permissions).
   */
  static open(options: DataFileOptions): Promise<DataFileWriter> {
    return new Promise((resolve, reject) => {
      const stream = createWriteStream(options.path, { flags: 'a' });
      const onError = (error: Error): void => reject(error);
      stream.once('error', onError);
      stream.once('open', () => {
        stream.off('error', onError);
        resolve(new DataFileWriter(options.path, stream, options));
      });
    });
  }

  /** Appends lines (each already ending with a newline). */
  write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.failed || this.ending || this.stream.writableLength > MAX_PENDING_BYTES) {
      this.linesDropped += lines.length;
      return;
    }
    this.stream.write(lines.join(''));
    this.linesWritten += lines.length;
  }

  /** Appends one line of `type`. */
  writeLine(type: DataLineType, content: Record<string, unknown>): void {
    this.write([dataLine(type, content)]);
  }

  exportReceived(received: AnyReceivedExport): void {
    this.write(exportLines(received, this.timestamp()));
  }

  patternReportReceived(received: ReceivedPatternReport): void {
    this.writeLine('pattern_report', { receivedAt: this.timestamp(), ...received.report });
  }

  policyServed(received: ReceivedPolicyRequest): void {
    this.writeLine('policy_request', {
      receivedAt: this.timestamp(),
      service: received.service,
      status: received.status,
      etag: received.etag,
      ifNoneMatch: received.ifNoneMatch,
    });
  }

  policyChanged(change: PolicyChange): void {
    this.writeLine('policy', {
      time: this.timestamp(),
      service: change.service,
      policy: change.policy,
    });
  }

  requestEnded(record: RequestRecord): void {
    this.writeLine('request', {
      time: new Date(record.startedAt).toISOString(),
      seq: record.seq,
      method: record.method,
      path: record.path,
      route: record.route,
      status: record.status,
      outcome: record.outcome,
      fault: record.fault,
      error: record.error,
      wireBytes: record.wireBytes,
      durationMs: record.durationMs,
      injectedLatencyMs: record.injectedLatencyMs,
      contentType: record.contentType,
      contentEncoding: record.contentEncoding,
      userAgent: record.userAgent,
    });
  }

  /** Flushes what is pending and closes the file. */
  close(): Promise<void> {
    this.ending ??= new Promise<void>((resolve) => {
      if (this.failed || this.stream.destroyed) {
        resolve();
        return;
      }
      this.stream.end(() => resolve());
      // 'finish' is not emitted after an error; 'close' always is.
      this.stream.once('close', () => resolve());
    });
    return this.ending;
  }

  private timestamp(): string {
    return new Date((this.options.now ?? Date.now)()).toISOString();
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onError?.(error);
    this.stream.destroy();
  }
}
