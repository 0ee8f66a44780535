/* eslint-disable @typescript-eslint/no-require-imports -- the OTLP serializers (and protobufjs
   behind them) are required on first use, not at start-up. */
/**
 * OTLP encoders of the three signals, built on `@opentelemetry/otlp-transformer`'s serializers
 * (protobuf by default, OTLP/JSON on request). We never hand-write protobuf.
 */
import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpProtocol } from '../../src/config/options';
import type { SignalCodec } from './types';

type Transformer = typeof import('@opentelemetry/otlp-transformer');
let transformer: Transformer | undefined;
function otlp(): Transformer {
  transformer ??= require('@opentelemetry/otlp-transformer') as Transformer;
  return transformer;
}

/**
 * Estimates approximate the items' retained HEAP size, since `queueMaxBytes` bounds memory:
 * measured on Node 24, an SDK span with two attributes retains about 920 bytes and a log
 * record with a 60-character body and three attributes about 680 (ids, hrtime arrays,
 * attribute objects); these constants reproduce both, erring high. The encoded size is
 * derived from the estimate through a learned ratio (see `Transport`).
 */
const SPAN_OVERHEAD = 800;
const LOG_OVERHEAD = 400;
const ATTRIBUTE_OVERHEAD = 48;

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return 9;
  if (Array.isArray(value)) {
    let total = 2;
    for (const element of value as unknown[]) total += valueBytes(element);
    return total;
  }
  if (value !== null && typeof value === 'object') {
    let total = 2;
    for (const key in value) {
      total +=
        key.length + ATTRIBUTE_OVERHEAD + valueBytes((value as Record<string, unknown>)[key]);
    }
    return total;
  }
  return 1;
}

function attributesBytes(attributes: Attributes | undefined): number {
  if (attributes === undefined) return 0;
  let total = 0;
  for (const key in attributes) {
    total += key.length + ATTRIBUTE_OVERHEAD + valueBytes(attributes[key] as AttributeValue);
  }
  return total;
}

function toCount(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Spans. */
export const traceCodec: SignalCodec<ReadableSpan> = {
  signal: 'traces',
  mergeable: true,
  resource: (span) => span.resource,
  records: () => 1,
  estimateBytes(span) {
    let total = SPAN_OVERHEAD + span.name.length + attributesBytes(span.attributes);
    for (const event of span.events)
      total += 24 + event.name.length + attributesBytes(event.attributes);
    total += span.links.length * 48;
    return total;
  },
  encode(items, protocol) {
    const serializer =
      protocol === 'http/json' ? otlp().JsonTraceSerializer : otlp().ProtobufTraceSerializer;
    return serializer.serializeRequest(items as ReadableSpan[]) ?? new Uint8Array(0);
  },
  rejected(response, protocol) {
    const serializer =
      protocol === 'http/json' ? otlp().JsonTraceSerializer : otlp().ProtobufTraceSerializer;
    return toCount(serializer.deserializeResponse(response).partialSuccess?.rejectedSpans);
  },
};

/** Log records. */
export const logCodec: SignalCodec<ReadableLogRecord> = {
  signal: 'logs',
  mergeable: true,
  resource: (record) => record.resource,
  records: () => 1,
  estimateBytes(record) {
    return LOG_OVERHEAD + valueBytes(record.body) + attributesBytes(record.attributes);
  },
  encode(items, protocol) {
    const serializer =
      protocol === 'http/json' ? otlp().JsonLogsSerializer : otlp().ProtobufLogsSerializer;
    return serializer.serializeRequest(items as ReadableLogRecord[]) ?? new Uint8Array(0);
  },
  rejected(response, protocol) {
    const serializer =
      protocol === 'http/json' ? otlp().JsonLogsSerializer : otlp().ProtobufLogsSerializer;
    return toCount(serializer.deserializeResponse(response).partialSuccess?.rejectedLogRecords);
  },
};

function dataPoints(item: ResourceMetrics): number {
  let total = 0;
  for (const scope of item.scopeMetrics) {
    for (const metric of scope.metrics) total += metric.dataPoints.length;
  }
  return total;
}

/**
 * Metrics: one item is one `ResourceMetrics` (one collection), counted in data points. A batch
 * holds exactly one item (the serializer takes one), so batches are never merged or split.
 */
export const metricCodec: SignalCodec<ResourceMetrics> = {
  signal: 'metrics',
  mergeable: false,
  resource: (item) => item.resource,
  records: (item) => Math.max(1, dataPoints(item)),
  estimateBytes: (item) => 256 + dataPoints(item) * 64,
  encode(items, protocol) {
    const serializer =
      protocol === 'http/json' ? otlp().JsonMetricsSerializer : otlp().ProtobufMetricsSerializer;
    const item = items[0];
    if (item === undefined) return new Uint8Array(0);
    return serializer.serializeRequest(item) ?? new Uint8Array(0);
  },
  rejected(response, protocol) {
    const serializer =
      protocol === 'http/json' ? otlp().JsonMetricsSerializer : otlp().ProtobufMetricsSerializer;
    return toCount(serializer.deserializeResponse(response).partialSuccess?.rejectedDataPoints);
  },
};

/** `Content-Type` of a protocol. */
export function contentTypeOf(protocol: OtlpProtocol): string {
  return protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
}
