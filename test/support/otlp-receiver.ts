import { MockOtlpServer, normalizeLogs, normalizeTrace } from '@elastic/mockotlpserver';

/** A span as decoded by the receiver, flattened with its resource. */
export interface ReceivedSpan {
  name: string;
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string | undefined;
  status: { code?: string; message?: string };
}

/** A log record as decoded by the receiver, flattened with its resource. */
export interface ReceivedLog {
  body: unknown;
  severityText: string | undefined;
  severityNumber: string | number | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** One HTTP request as the receiver saw it. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A real OTLP receiver (@elastic/mockotlpserver) on 127.0.0.1 and an ephemeral port, decoding
 * OTLP/HTTP protobuf and JSON with the official protobuf definitions. mockotlpserver publishes
 * through one process-wide diagnostics channel, so use one receiver per test file and tell
 * tests apart by `service.name`.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly requests: ReceivedRequest[] = [];
  private readonly server: MockOtlpServer;

  constructor() {
    this.server = new MockOtlpServer({
      logLevel: 'error',
      services: ['http'],
      httpHostname: '127.0.0.1',
      httpPort: 0,
      onTrace: (request) => this.spans.push(...flattenSpans(normalizeTrace(request))),
      onLogs: (request) => this.logs.push(...flattenLogs(normalizeLogs(request))),
      onRequest: (request) => this.requests.push({ path: request.path, headers: request.headers }),
    });
  }

  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  get url(): string {
    const url = this.server.httpUrl;
    if (url === null) throw new Error('receiver not started');
    return url.origin;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** Spans whose resource has this `service.name` (tests share one receiver per file). */
  spansOf(service: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.resource['service.name'] === service);
  }

  /** Log records whose resource has this `service.name`. */
  logsOf(service: string): ReceivedLog[] {
    return this.logs.filter((l) => l.resource['service.name'] === service);
  }

  /** Waits until `predicate` holds, polling; rejects after `timeoutMillis`. */
  async waitFor(predicate: () => boolean, timeoutMillis = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for telemetry');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

type Json = Record<string, unknown>;

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** protobuf decodes ids as base64 and JSON as hex: always return hex. */
function hexId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^[0-9a-f]+$/.test(value) && (value.length === 32 || value.length === 16)) return value;
  return Buffer.from(value, 'base64').toString('hex');
}

function flattenSpans(request: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of asArray(asRecord(request).resourceSpans)) {
    const resource = asRecord(asRecord(rs.resource).attributes);
    for (const ss of asArray(rs.scopeSpans)) {
      const scope = asRecord(ss.scope).name;
      for (const span of asArray(ss.spans)) {
        out.push({
          name: String(span.name),
          kind: String(span.kind),
          traceId: hexId(span.traceId) ?? '',
          spanId: hexId(span.spanId) ?? '',
          parentSpanId: hexId(span.parentSpanId),
          attributes: asRecord(span.attributes),
          resource,
          scope: typeof scope === 'string' ? scope : undefined,
          status: asRecord(span.status) as ReceivedSpan['status'],
        });
      }
    }
  }
  return out;
}

function flattenLogs(request: unknown): ReceivedLog[] {
  const out: ReceivedLog[] = [];
  for (const rl of asArray(asRecord(request).resourceLogs)) {
    const resource = asRecord(asRecord(rl.resource).attributes);
    for (const sl of asArray(rl.scopeLogs)) {
      for (const record of asArray(sl.logRecords)) {
        out.push({
          body: record.body,
          severityText: typeof record.severityText === 'string' ? record.severityText : undefined,
          severityNumber: record.severityNumber as ReceivedLog['severityNumber'],
          traceId: hexId(record.traceId),
          spanId: hexId(record.spanId),
          attributes: asRecord(record.attributes),
          resource,
        });
      }
    }
  }
  return out;
}
