import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackend } from '../../support/backend';
import type { Backend } from '../../support/backend';
import { loadOtlpSchema } from '../../support/backend/otlp-schema';
import { GZIP, createLogging, createMetrics, createTracing } from './otel-clients';
import { jsonTraces, post, postJson } from './http';

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;

let backend: Backend;

beforeEach(async () => {
  backend = await startBackend();
});

afterEach(async () => {
  await backend.close();
});

describe('OTLP traces from the real SDK', () => {
  it('decodes protobuf spans into the normalized shape', async () => {
    const provider = createTracing({ baseUrl: backend.url, encoding: 'protobuf' });
    const tracer = provider.getTracer('backend-test', '1.2.3');
    const parent = tracer.startSpan('invoke_agent', { kind: SpanKind.SERVER });
    const child = tracer.startSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 12,
          'sprintlens.cost.usd': 0.0012,
          'gen_ai.response.finish_reasons': ['stop'],
          streamed: false,
        },
      },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('first_token', { position: 1 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end();
    parent.end();
    await provider.shutdown();

    await backend.waitFor(() => backend.spans.length === 2);
    const received = backend.spans.find((span) => span.name === 'chat gpt-4o');
    const receivedParent = backend.spans.find((span) => span.name === 'invoke_agent');
    expect(received).toBeDefined();
    expect(received?.traceId).toBe(child.spanContext().traceId);
    expect(received?.traceId).toMatch(HEX_TRACE_ID);
    expect(received?.spanId).toBe(child.spanContext().spanId);
    expect(received?.spanId).toMatch(HEX_SPAN_ID);
    expect(received?.parentSpanId).toBe(parent.spanContext().spanId);
    expect(receivedParent?.parentSpanId).toBe('');
    expect(received?.kind).toBe(3);
    expect(receivedParent?.kind).toBe(2);
    expect(received?.attributes).toEqual({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 12,
      'sprintlens.cost.usd': 0.0012,
      'gen_ai.response.finish_reasons': ['stop'],
      streamed: false,
    });
    expect(received?.status).toEqual({ code: 2, message: 'rate limited' });
    expect(received?.events).toEqual([
      expect.objectContaining({ name: 'first_token', attributes: { position: 1 } }),
    ]);
    expect(received?.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(BigInt(received?.endTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(
      BigInt(received?.startTimeUnixNano ?? 0),
    );
    expect(received?.resource).toMatchObject({
      'service.name': 'backend-test',
      'deployment.environment.name': 'test',
    });
    expect(received?.scope).toMatchObject({ name: 'backend-test', version: '1.2.3' });

    const [request] = backend.requestsTo('traces');
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/traces',
      contentType: 'application/x-protobuf',
      contentEncoding: undefined,
      status: 200,
      outcome: 'answered',
    });
    expect(request?.userAgent).toMatch(/^OTel-OTLP-Exporter-JavaScript\//);
    expect(request?.wireBytes).toBeGreaterThan(0);
    expect(backend.traceRequests).toHaveLength(backend.requestsTo('traces').length);
  });

  it('decodes OTLP/JSON spans sent in batches', async () => {
    const provider = createTracing({
      baseUrl: backend.url,
      encoding: 'json',
      processor: 'batch',
    });
    const tracer = provider.getTracer('json-test');
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const span = tracer.startSpan(`op-${index}`, { attributes: { index } });
      ids.push(span.spanContext().spanId);
      span.end();
    }
    await provider.forceFlush();
    await backend.waitFor(() => backend.spans.length === 5);
    await provider.shutdown();

    expect(backend.spans.map((span) => span.spanId).sort()).toEqual([...ids].sort());
    expect(backend.spans.map((span) => span.attributes.index).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(backend.spans.every((span) => HEX_TRACE_ID.test(span.traceId))).toBe(true);
    expect(backend.spans[0]?.kind).toBe(1);
    expect(backend.requestsTo('traces')[0]?.contentType).toMatch(/^application\/json/);
  });

  it('normalizes protobuf, JSON and zstd-compressed bodies of the same spans identically', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'same' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
    });
    const tracer = provider.getTracer('same');
    const parent = tracer.startSpan('parent');
    const child = tracer.startSpan(
      'child',
      { attributes: { big: 2 ** 40, ratio: 0.5, tags: ['x', 'y'] } },
      trace.setSpan(context.active(), parent),
    );
    child.end();
    parent.end();
    const spans = memory.getFinishedSpans();
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
    const json = JsonTraceSerializer.serializeRequest(spans);
    if (!protobuf || !json) throw new Error('serializer produced nothing');
    await provider.shutdown();

    const url = `${backend.url}/v1/traces`;
    const responses = await Promise.all([
      post(url, { body: protobuf, contentType: 'application/x-protobuf' }),
      post(url, { body: json, contentType: 'application/json' }),
      post(url, {
        body: zlib.zstdCompressSync(protobuf),
        contentType: 'application/x-protobuf',
        contentEncoding: 'zstd',
      }),
      post(url, {
        body: zlib.zstdCompressSync(json),
        contentType: 'application/json; charset=utf-8',
        contentEncoding: 'zstd',
      }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);

    const bodies = backend.traceRequests.map((request) => request.body);
    expect(bodies).toHaveLength(4);
    for (const body of bodies.slice(1)) expect(body).toEqual(bodies[0]);
    const zstdRecord = backend.requests.find((record) => record.contentEncoding === 'zstd');
    expect(zstdRecord?.wireBytes).toBeGreaterThan(0);
    expect(backend.spans.filter((span) => span.name === 'child')[0]?.attributes).toEqual({
      big: 2 ** 40,
      ratio: 0.5,
      tags: ['x', 'y'],
    });
  });

  it('answers an export response in the request encoding', async () => {
    const url = `${backend.url}/v1/traces`;
    const json = await postJson(url, jsonTraces());
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({});

    const schema = loadOtlpSchema().signals.traces;
    const request = schema.request.encode(schema.request.fromObject({})).finish();
    const protobuf = await post(url, { body: request, contentType: 'application/x-protobuf' });
    expect(protobuf.status).toBe(200);
    expect(protobuf.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await protobuf.arrayBuffer()).byteLength).toBe(0);
  });

  it('decodes int64 beyond 2^53, bytes and kvlist values of OTLP/JSON', async () => {
    const document = jsonTraces() as { resourceSpans: { scopeSpans: { spans: object[] }[] }[] };
    const span = document.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    Object.assign(span ?? {}, {
      attributes: [
        { key: 'huge', value: { intValue: '9007199254740993' } },
        { key: 'small', value: { intValue: 7 } },
        { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 3]).toString('base64') } },
        {
          key: 'map',
          value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
        },
      ],
    });
    const response = await postJson(`${backend.url}/v1/traces`, document);
    expect(response.status).toBe(200);
    expect(backend.spans[0]?.attributes).toEqual({
      huge: 9007199254740993n,
      small: 7,
      raw: new Uint8Array([1, 2, 3]),
      map: { k: true },
    });
    expect(backend.spans[0]?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(backend.spans[0]?.spanId).toBe('0000000000000001');
  });

  it('answers 400 with a google.rpc.Status for undecodable bodies', async () => {
    const url = `${backend.url}/v1/traces`;
    const garbage = await post(url, {
      body: new Uint8Array([0xff, 0xff, 0xff, 0xff]),
      contentType: 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    const status = loadOtlpSchema().status.decode(new Uint8Array(await garbage.arrayBuffer()));
    expect(status.toJSON()).toMatchObject({ code: 3 });

    const badJson = await post(url, {
      body: '{"resourceSpans": [',
      contentType: 'application/json',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 3, message: expect.any(String) });

    const badId = await postJson(url, {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'not-hex', spanId: '01' }] }] }],
    });
    expect(badId.status).toBe(400);

    const badGzip = await post(url, {
      body: 'not gzip',
      contentType: 'application/json',
      contentEncoding: 'gzip',
    });
    expect(badGzip.status).toBe(400);
    expect(backend.traceRequests).toHaveLength(0);
    expect(backend.requests.map((record) => record.error)).toEqual([
      expect.stringContaining('invalid protobuf'),
      expect.stringContaining('invalid json'),
      expect.stringContaining('traceId is not a hex string'),
      expect.stringContaining('cannot decode gzip'),
    ]);
  });
});

describe('OTLP logs and metrics from the real SDK', () => {
  it('decodes gzip-compressed protobuf log records with their resource and trace context', async () => {
    const provider = createLogging({ baseUrl: backend.url, compression: GZIP });
    const logger = provider.getLogger('app-logger', '0.0.1');
    const tracing = new TracerProvider();
    const span = tracing.getTracer('t').startSpan('request');
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'disk almost full',
      attributes: { 'sprintlens.pattern.id': 'p-1', 'sprintlens.sample_rate': 2 },
      context: trace.setSpan(context.active(), span),
    });
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      body: { event: 'login', user: { id: 42 } },
    });
    await provider.forceFlush();
    await backend.waitFor(() => backend.logRecords.length === 2);
    await provider.shutdown();
    span.end();

    // Two records may arrive in one request or two, in either order.
    const warn = backend.logRecords.find((record) => record.severityNumber === 13);
    const info = backend.logRecords.find((record) => record.severityNumber === 9);
    expect(warn).toMatchObject({
      severityNumber: 13,
      severityText: 'WARN',
      body: 'disk almost full',
      attributes: { 'sprintlens.pattern.id': 'p-1', 'sprintlens.sample_rate': 2 },
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      resource: { 'service.name': 'backend-test' },
      scope: { name: 'app-logger', version: '0.0.1' },
    });
    expect(warn?.timeUnixNano).toMatch(/^\d+$/);
    expect(info).toMatchObject({ severityNumber: 9, traceId: '', spanId: '' });
    expect(info?.body).toEqual({ event: 'login', user: { id: 42 } });

    const requests = backend.requestsTo('logs');
    expect(requests.every((record) => record.contentEncoding === 'gzip')).toBe(true);
    expect(requests.every((record) => record.status === 200)).toBe(true);
    expect(backend.logRequests.length).toBe(requests.length);
  });

  it('decodes protobuf metrics generically', async () => {
    const provider = createMetrics({ baseUrl: backend.url });
    provider.getMeter('meter').createCounter('gen_ai.requests').add(5, { route: '/chat' });
    await provider.forceFlush();
    await backend.waitFor(() => backend.metricRequests.length === 1);
    await provider.shutdown();

    const [resourceMetrics] = backend.metricRequests[0]?.body.resourceMetrics ?? [];
    expect(resourceMetrics?.resource.attributes['service.name']).toBe('backend-test');
    const metric = resourceMetrics?.scopeMetrics[0]?.metrics[0];
    expect(metric).toMatchObject({
      name: 'gen_ai.requests',
      sum: { dataPoints: [expect.objectContaining({ attributes: { route: '/chat' } })] },
    });
  });
});
