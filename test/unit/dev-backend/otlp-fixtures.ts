/**
 * OTLP payloads produced by the real OpenTelemetry SDK and `@opentelemetry/otlp-transformer`
 * serializers (what apps actually send), and raw protobuf building blocks for hand-made
 * edge cases.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  AggregationType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Writer } from 'protobufjs';
import type { OtlpSignal } from '../../support/backend';

/** One payload in both encodings. */
export interface Payload {
  signal: OtlpSignal;
  protobuf: Uint8Array;
  json: Uint8Array;
}

const RESOURCE = resourceFromAttributes({
  'service.name': 'decoder-test',
  'service.version': '1.2.3',
  'process.pid': 4242,
  'host.arch': 'amd64',
});

function serialized(value: Uint8Array | undefined): Uint8Array {
  if (!value) throw new Error('serializer produced nothing');
  return value;
}

/** Spans covering every attribute kind, events, links, status, parents and span kinds. */
export function tracePayload(): Payload {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: RESOURCE,
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('decoder-test', '0.0.1');
  const root = tracer.startSpan('invoke_agent', { kind: SpanKind.SERVER });
  const linked = tracer.startSpan('linked');
  linked.end();
  const child = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 12,
        'sprintlens.cost.usd': 0.0012,
        negative: -42,
        minusZero: -0,
        big: 2 ** 53 - 1,
        ratio: 0.1 + 0.2,
        unicode: 'héllo — 世界 🚀',
        empty: '',
        flag: true,
        off: false,
        words: ['a', '', 'c'],
        numbers: [1, -2, 3],
        doubles: [0.5, -1.25],
        bools: [true, false],
      },
      links: [{ context: linked.spanContext(), attributes: { 'link.kind': 'follows' } }],
    },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('first_token', { position: 1, 'token.text': 'Hi' });
  child.addEvent('no attributes');
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  child.end();
  for (const kind of [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    const span = tracer.startSpan(`kind-${kind}`, { kind });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  }
  root.end();
  const spans = memory.getFinishedSpans();
  void provider.shutdown();
  return {
    signal: 'traces',
    protobuf: serialized(ProtobufTraceSerializer.serializeRequest(spans)),
    json: serialized(JsonTraceSerializer.serializeRequest(spans)),
  };
}

/** Log records with every body kind, severities, trace context and an event name. */
export function logsPayload(): Payload {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: RESOURCE,
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('app-logger', '0.0.1');
  const span = new TracerProvider().getTracer('t').startSpan('request');
  const ctx = trace.setSpan(context.active(), span);
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'disk almost full',
    attributes: {
      'sprintlens.pattern.id': '9f3c2a71d0b8e641',
      'log.record.template': 'disk almost full',
      'sprintlens.sample_rate': 2,
    },
    context: ctx,
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: { event: 'login', user: { id: 42 } } });
  logger.emit({ severityNumber: SeverityNumber.DEBUG, body: [1, 'two', false, null] });
  logger.emit({ severityNumber: SeverityNumber.ERROR, body: new Uint8Array([0, 1, 254, 255]) });
  logger.emit({ severityNumber: SeverityNumber.FATAL4, body: -12.5 });
  logger.emit({ body: 7 });
  // The event name is field 12 of LogRecord, newer than the vendored protos: an unknown
  // field both decoders must skip.
  logger.emit({ eventName: 'user.login', severityNumber: SeverityNumber.INFO, body: 'ev' });
  const records = memory.getFinishedLogRecords();
  span.end();
  void provider.shutdown();
  return {
    signal: 'logs',
    protobuf: serialized(ProtobufLogsSerializer.serializeRequest(records)),
    json: serialized(JsonLogsSerializer.serializeRequest(records)),
  };
}

/** Sums, gauges, histograms and exponential histograms, with attributes. */
export async function metricsPayload(): Promise<Payload> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: RESOURCE,
    readers: [reader],
    views: [
      {
        instrumentName: 'exp.histogram',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('meter', '2.0.0');
  meter.createCounter('gen_ai.requests', { unit: '{request}' }).add(5, { route: '/chat' });
  meter.createUpDownCounter('in.flight').add(-3, { pool: 'a' });
  meter.createGauge('temperature', { description: 'degrees' }).record(21.5);
  meter.createGauge('int.gauge', { valueType: 1 }).record(-7);
  const histogram = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  for (const value of [0.01, 0.2, 3, 40]) histogram.record(value, { model: 'gpt-4o' });
  const exponential = meter.createHistogram('exp.histogram');
  // (Not -0: OTLP/JSON cannot carry it, so the two encodings would differ.)
  for (const value of [0.001, 1, 1000, 0, 5]) exponential.record(value);
  meter.createHistogram('empty.histogram');
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return {
    signal: 'metrics',
    protobuf: serialized(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)),
    json: serialized(JsonMetricsSerializer.serializeRequest(resourceMetrics)),
  };
}

/** Raw protobuf pieces, for bytes no serializer would write. */
export const raw = {
  /** A tag. */
  tag(field: number, wireType: number): Uint8Array {
    return Writer.create()
      .uint32(field * 8 + wireType)
      .finish();
  },
  /** A varint field. */
  varint(field: number, value: number): Uint8Array {
    return Writer.create()
      .uint32(field * 8)
      .uint64(value)
      .finish();
  },
  /** A length-delimited field. */
  bytes(field: number, value: Uint8Array): Uint8Array {
    return Writer.create()
      .uint32(field * 8 + 2)
      .bytes(value)
      .finish();
  },
  /** A fixed64 field. */
  fixed64(field: number, value: number): Uint8Array {
    return Writer.create()
      .uint32(field * 8 + 1)
      .fixed64(value)
      .finish();
  },
  /** A fixed32 field. */
  fixed32(field: number, value: number): Uint8Array {
    return Writer.create()
      .uint32(field * 8 + 5)
      .fixed32(value)
      .finish();
  },
  /** Concatenation. */
  join(...parts: Uint8Array[]): Uint8Array {
    return Buffer.concat(parts);
  },
};
