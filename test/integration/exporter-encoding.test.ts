/**
 * Byte level: what the public exporters put on the wire decodes with the official OTLP
 * protobuf definitions (the reference backend decodes it) after gzip / zstd decompression,
 * and OTLP/JSON too; auth header and user-agent are present. Also a real 415 to zstd.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createLogExporter, createMetricExporter, createTraceExporter } from '../../exporters';
import type { Compression, OtlpProtocol } from '../../src/config/options';
import { VERSION } from '../../src/base/version';
import { resetDiagRateLimits } from '../../src/base/diag';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { expectSettled, logRig } from './exporter-harness';

const API_KEY = 'test-key';
const resource = resourceFromAttributes({ 'service.name': 'encoding-test' });
let backend: Backend;
beforeEach(async () => {
  backend = await startBackend({ apiKey: API_KEY });
});
afterEach(async () => {
  await backend.close();
});

const cases: [OtlpProtocol, Compression, string | undefined][] = [
  ['http/protobuf', 'gzip', 'gzip'],
  ['http/protobuf', 'zstd', 'zstd'],
  ['http/protobuf', 'none', undefined],
  ['http/json', 'gzip', 'gzip'],
  ['http/json', 'none', undefined],
];

describe('exporters on the wire', () => {
  it.each(cases)(
    '%s with %s compression: spans and log records decode',
    async (protocol, compression, encoding) => {
      const options = { endpoint: backend.url, apiKey: API_KEY, protocol, compression };
      const traceExporter = createTraceExporter(options);
      const tracerProvider = new TracerProvider({
        resource,
        spanProcessors: [new BatchSpanProcessor({ exporter: traceExporter })],
      });
      const logExporter = createLogExporter(options);
      const loggerProvider = new LoggerProvider({
        resource,
        processors: [new BatchLogRecordProcessor({ exporter: logExporter })],
      });
      const tracer = tracerProvider.getTracer('t');
      for (let i = 0; i < 50; i++) tracer.startSpan(`op ${i}`, { attributes: { i } }).end();
      const logger = loggerProvider.getLogger('l');
      for (let i = 0; i < 50; i++)
        logger.emit({ body: `line ${i} ${'z'.repeat(100)}`, attributes: { i } });
      await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);

      expect(backend.spans).toHaveLength(50);
      expect(backend.logRecords).toHaveLength(50);
      expect(new Set(backend.spans.map((s) => s.name)).size).toBe(50);
      expect(backend.spans[0]?.resource['service.name']).toBe('encoding-test');
      for (const request of [...backend.requestsTo('traces'), ...backend.requestsTo('logs')]) {
        expect(request.status).toBe(200);
        expect(request.contentEncoding).toBe(encoding);
        expect(request.contentType).toBe(
          protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
        );
        expect(request.userAgent).toBe(`sprintlens-node/${VERSION}`);
        expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
      }
      for (const exporter of [traceExporter, logExporter]) {
        const stats = exporter.stats();
        expectSettled(stats, 50);
        expect(stats.delivered).toBe(50);
      }
      await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
    },
  );

  it('metrics: one collection per request, counted in data points', async () => {
    const exporter = createMetricExporter({ endpoint: backend.url, apiKey: API_KEY });
    const provider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
    });
    const counter = provider.getMeter('m').createCounter('requests');
    counter.add(1, { route: 'a' });
    counter.add(2, { route: 'b' });
    await provider.forceFlush();
    await exporter.forceFlush?.();
    expect(backend.metricRequests).toHaveLength(1);
    const stats = exporter.stats();
    expectSettled(stats, 2); // data points
    expect(stats.delivered).toBe(2);
    await provider.shutdown();
  });

  it('auto compresses a large body towards the backend and leaves a small one alone', async () => {
    const rig = logRig({
      backend,
      compression: 'auto',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    rig.emit(0, 1);
    await rig.provider.forceFlush();
    rig.emit(1, 300);
    await rig.provider.forceFlush();
    const encodings = backend.requestsTo('logs').map((r) => r.contentEncoding);
    expect(encodings[0]).toBeUndefined();
    expect(encodings.at(-1)).toBe('gzip');
    expect(backend.logRecords).toHaveLength(300);
    await rig.close();
  });
});

describe('zstd refused', () => {
  it('a 415 to zstd falls back to gzip for good, nothing lost', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const encoding = req.headers['content-encoding'];
        seen.push(encoding);
        if (encoding === 'zstd') {
          res.writeHead(415).end();
          return;
        }
        if (encoding === 'gzip') gunzipSync(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const exporter = createLogExporter({
        otlpEndpoint: `http://127.0.0.1:${port}`,
        compression: 'zstd',
      });
      const provider = new LoggerProvider({
        resource,
        processors: [new BatchLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger('l');
      logger.emit({ body: 'one' });
      await provider.forceFlush();
      logger.emit({ body: 'two' });
      await provider.forceFlush();
      expect(seen).toEqual(['zstd', 'gzip', 'gzip']);
      const stats = exporter.stats();
      expectSettled(stats, 2);
      expect(stats.delivered).toBe(2);
      await provider.shutdown();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/**
 * A receiver in front of the reference backend that refuses compressed bodies (with `status`)
 * and forwards everything else, as an OTLP receiver without gzip support would behave.
 */
async function refusingCompression(
  target: Backend,
  status: 415 | 400 | undefined,
): Promise<{ url: string; encodings: (string | undefined)[]; server: Server }> {
  const encodings: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const encoding = req.headers['content-encoding'];
      encodings.push(encoding);
      if (status !== undefined && encoding !== undefined) {
        res.writeHead(status).end();
        return;
      }
      const headers: Record<string, string> = {
        'content-type': String(req.headers['content-type']),
        // The exporter sends no key to a collector; this receiver holds its own.
        authorization: `Bearer ${API_KEY}`,
      };
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      fetch(`${target.url}${req.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/x-protobuf' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, encodings, server };
}

describe('compression towards collectors (collector mode, auto)', () => {
  const warnings: string[] = [];
  beforeEach(() => {
    resetDiagRateLimits();
    warnings.length = 0;
    const record = (...parts: unknown[]): void => void warnings.push(parts.join(' '));
    diag.setLogger(
      { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  });
  afterEach(() => diag.disable());

  /** Three flushed rounds of 200 spans each through the public trace exporter. */
  async function exportRounds(url: string) {
    const exporter = createTraceExporter({ otlpEndpoint: url });
    const provider = new TracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('t');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200; i++) {
        tracer.startSpan(`op ${round}-${i}`, { attributes: { payload: 'x'.repeat(64) } }).end();
      }
      await provider.forceFlush();
    }
    const stats = exporter.stats();
    await provider.shutdown();
    return stats;
  }

  it('a receiver that takes gzip gets gzip', async () => {
    const proxy = await refusingCompression(backend, undefined);
    try {
      const stats = await exportRounds(proxy.url);
      expect(proxy.encodings.length).toBeGreaterThanOrEqual(3);
      expect(proxy.encodings.every((e) => e === 'gzip')).toBe(true);
      expectSettled(stats, 600);
      expect(stats.delivered).toBe(600);
      expect(backend.spans).toHaveLength(600);
      expect(warnings).toEqual([]);
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it.each([415, 400] as const)(
    'a receiver answering %i to gzip gets that batch again uncompressed, and plain bodies from then on; nothing lost',
    async (status) => {
      const proxy = await refusingCompression(backend, status);
      try {
        const stats = await exportRounds(proxy.url);
        // One refused gzip request, then only plain ones.
        expect(proxy.encodings[0]).toBe('gzip');
        expect(proxy.encodings.slice(1).length).toBeGreaterThanOrEqual(3);
        expect(proxy.encodings.slice(1).every((e) => e === undefined)).toBe(true);
        expectSettled(stats, 600);
        expect(stats.delivered).toBe(600);
        expect(stats.dropped).toBe(0);
        expect(new Set(backend.spans.map((s) => s.name)).size).toBe(600);
        const refused = warnings.filter((w) => w.includes('SL_EXPORT_COMPRESSION_REFUSED'));
        expect(refused).toHaveLength(1);
        expect(refused[0]).toContain(`answered ${status}`);
      } finally {
        await new Promise((resolve) => proxy.server.close(resolve));
      }
    },
  );
});
