import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
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
 *
 * mockotlpserver ignores `Content-Encoding` (it answers 200, then fails to decode a compressed
 * body), while the OTel Collector and every mainstream receiver take gzip and zstd. So the
 * receiver's address is a small front that decompresses, as a collector's HTTP receiver does,
 * and hands the plain body on (an encoding it does not know gets 415).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  /** Every request as sent, headers included (`content-encoding` among them). */
  readonly requests: ReceivedRequest[] = [];
  private readonly server: MockOtlpServer;
  private readonly front: Server;

  constructor() {
    this.server = new MockOtlpServer({
      logLevel: 'error',
      services: ['http'],
      httpHostname: '127.0.0.1',
      httpPort: 0,
      onTrace: (request) => this.spans.push(...flattenSpans(normalizeTrace(request))),
      onLogs: (request) => this.logs.push(...flattenLogs(normalizeLogs(request))),
    });
    this.front = createServer((req, res) => this.decompressAndForward(req, res));
  }

  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  get url(): string {
    const address = this.front.address() as AddressInfo | null;
    if (address === null) throw new Error('receiver not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    await this.server.start();
    await new Promise<void>((resolve) => this.front.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    this.front.closeAllConnections();
    await new Promise((resolve) => this.front.close(resolve));
    await this.server.close();
  }

  private decompressAndForward(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({ path: req.url ?? '', headers: req.headers });
      let body: Buffer;
      try {
        body = decompress(Buffer.concat(chunks), req.headers['content-encoding']);
      } catch {
        res.writeHead(415).end();
        return;
      }
      const inner = this.server.httpUrl;
      if (inner === null) {
        res.writeHead(503).end();
        return;
      }
      const headers: Record<string, string> = { 'content-length': String(body.length) };
      const type = req.headers['content-type'];
      if (type !== undefined) headers['content-type'] = type;
      const userAgent = req.headers['user-agent'];
      if (userAgent !== undefined) headers['user-agent'] = userAgent;
      const forward = httpRequest(
        new URL(req.url ?? '/', inner),
        { method: req.method, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
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

/** The body as a receiver reads it: decompressed per `Content-Encoding` (throws if unknown). */
function decompress(body: Buffer, encoding: string | string[] | undefined): Buffer {
  switch (encoding) {
    case undefined:
    case 'identity':
      return body;
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'zstd':
      return (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(
        body,
      );
    default:
      throw new Error(`unsupported content-encoding ${String(encoding)}`);
  }
}
