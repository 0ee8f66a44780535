/**
 * The normalized shape of decoded OTLP data, and the walks over it (spans, log records,
 * metrics and their data points with the resource and scope they came under).
 *
 * Protobuf and OTLP/JSON requests decode to exactly the same objects, so a test asserts
 * on data without caring how the client encoded it:
 * - trace and span ids are lowercase hex strings (`''` when absent);
 * - attributes are plain records of JavaScript values (see {@link AttributeValue});
 * - 64-bit timestamps (`*UnixNano`) are decimal strings, because they do not fit in a
 *   `number` and strings survive `JSON.stringify` (bigint does not);
 * - enums (span kind, status code, severity number) are their numeric values;
 * - absent scalar fields take their protobuf default (`''`, `0`).
 */

/**
 * A decoded `AnyValue`: string, boolean, number (ints and doubles; an int64 outside the
 * safe integer range becomes a bigint), `Uint8Array` for bytes, arrays and plain objects
 * (kvlist) of the same, or `undefined` for an empty value.
 */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | undefined
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** Attributes keyed by name. */
export type Attributes = Record<string, AttributeValue>;

/** `opentelemetry.proto.resource.v1.Resource`. */
export interface OtlpResource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** `opentelemetry.proto.common.v1.InstrumentationScope`. */
export interface OtlpScope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** `Span.Event`. */
export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** `Span.Link`. */
export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

/** `opentelemetry.proto.trace.v1.Span`. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  flags: number;
  name: string;
  /** `SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  links: OtlpSpanLink[];
  droppedLinksCount: number;
  /** `code`: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

/** `opentelemetry.proto.logs.v1.LogRecord`. */
export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
}

/** One `ResourceSpans` with its `ScopeSpans`. */
export interface OtlpResourceSpans {
  resource: OtlpResource;
  schemaUrl: string;
  scopeSpans: { scope: OtlpScope; schemaUrl: string; spans: OtlpSpan[] }[];
}

/** One `ResourceLogs` with its `ScopeLogs`. */
export interface OtlpResourceLogs {
  resource: OtlpResource;
  schemaUrl: string;
  scopeLogs: { scope: OtlpScope; schemaUrl: string; logRecords: OtlpLogRecord[] }[];
}

/**
 * One `ResourceMetrics`. Metric points are kept generic (the metrics model is large and
 * no test of this project needs it typed): same normalization rules, plain objects.
 */
export interface OtlpResourceMetrics {
  resource: OtlpResource;
  schemaUrl: string;
  scopeMetrics: { scope: OtlpScope; schemaUrl: string; metrics: Record<string, unknown>[] }[];
}

/** A decoded `ExportTraceServiceRequest`. */
export interface OtlpTracesRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** A decoded `ExportLogsServiceRequest`. */
export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}

/** A decoded `ExportMetricsServiceRequest`. */
export interface OtlpMetricsRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

/** The OTLP signals the backend accepts. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** Maps a signal to its decoded request type. */
export interface OtlpRequestBySignal {
  traces: OtlpTracesRequest;
  logs: OtlpLogsRequest;
  metrics: OtlpMetricsRequest;
}

/** A span flattened out of its request, carrying its resource and scope. */
export interface ReceivedSpan extends OtlpSpan {
  resource: Attributes;
  scope: OtlpScope;
}

/** A log record flattened out of its request, carrying its resource and scope. */
export interface ReceivedLogRecord extends OtlpLogRecord {
  resource: Attributes;
  scope: OtlpScope;
}

/*
 * Walks of a decoded request, shared by the stores, the summary and the data file, so
 * that all three see the same items.
 */

/** The spans of a traces request, in order, each with its resource and scope. */
export function* spansOf(request: OtlpTracesRequest): Generator<ReceivedSpan> {
  for (const { resource, scopeSpans } of request.resourceSpans) {
    for (const { scope, spans } of scopeSpans) {
      for (const span of spans) yield { ...span, resource: resource.attributes, scope };
    }
  }
}

/** The log records of a logs request, in order, each with its resource and scope. */
export function* logRecordsOf(request: OtlpLogsRequest): Generator<ReceivedLogRecord> {
  for (const { resource, scopeLogs } of request.resourceLogs) {
    for (const { scope, logRecords } of scopeLogs) {
      for (const logRecord of logRecords) {
        yield { ...logRecord, resource: resource.attributes, scope };
      }
    }
  }
}

/** A metric of a metrics request, with its resource and scope. */
export interface ReceivedMetric {
  metric: Record<string, unknown>;
  resource: Attributes;
  scope: OtlpScope;
}

/** The metrics of a metrics request, in order, each with its resource and scope. */
export function* metricsOf(request: OtlpMetricsRequest): Generator<ReceivedMetric> {
  for (const { resource, scopeMetrics } of request.resourceMetrics) {
    for (const { scope, metrics } of scopeMetrics) {
      for (const metric of metrics) yield { metric, resource: resource.attributes, scope };
    }
  }
}

/** The metric data kinds of OTLP, as fields of a normalized metric. */
const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/** One of {@link METRIC_KINDS}. */
export type MetricKind = (typeof METRIC_KINDS)[number];

/** The data of a metric under one kind: its data points and the other fields of the kind. */
export interface MetricData {
  kind: MetricKind;
  /** The kind's fields other than `dataPoints` (e.g. `aggregationTemporality`). */
  aggregation: Record<string, unknown>;
  dataPoints: unknown[];
}

/**
 * The data of a normalized metric, per kind it holds (OTLP allows one; a faulty client
 * may send more).
 */
export function* metricDataOf(metric: Record<string, unknown>): Generator<MetricData> {
  for (const kind of METRIC_KINDS) {
    const data = metric[kind];
    if (typeof data !== 'object' || data === null) continue;
    const { dataPoints, ...aggregation } = data as Record<string, unknown>;
    if (Array.isArray(dataPoints)) yield { kind, aggregation, dataPoints };
  }
}
