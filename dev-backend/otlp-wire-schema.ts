/**
 * The OTLP messages the backend decodes, as a table: field number, JSON name, type.
 *
 * It mirrors the official `.proto` files of opentelemetry-proto (common, resource, trace,
 * logs, metrics and the three collector services) for the fields this backend reads; a
 * test decodes the same bytes with `protobufjs` and those files and checks both agree.
 * Fields added to OTLP later are unknown here and skipped, as protobuf intends.
 *
 * One table drives both decoders (`otlp-protobuf.ts` for the wire format, `otlp-json.ts`
 * for OTLP/JSON), so the two formats cannot drift apart.
 */
import { SEVERITY_NAMES } from './backend-api';

/** Scalar field types used by OTLP. */
export type ScalarType =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'double'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'enum'
  | 'int64'
  | 'uint64'
  | 'fixed64'
  | 'sfixed64';

/** The messages of the table (package prefixes dropped: no two we need share a name). */
export type MessageName =
  | 'AnyValue'
  | 'ArrayValue'
  | 'KeyValueList'
  | 'KeyValue'
  | 'InstrumentationScope'
  | 'Resource'
  | 'ResourceSpans'
  | 'ScopeSpans'
  | 'Span'
  | 'SpanEvent'
  | 'SpanLink'
  | 'Status'
  | 'ResourceLogs'
  | 'ScopeLogs'
  | 'LogRecord'
  | 'ResourceMetrics'
  | 'ScopeMetrics'
  | 'Metric'
  | 'Gauge'
  | 'Sum'
  | 'Histogram'
  | 'ExponentialHistogram'
  | 'Summary'
  | 'NumberDataPoint'
  | 'HistogramDataPoint'
  | 'ExponentialHistogramDataPoint'
  | 'Buckets'
  | 'SummaryDataPoint'
  | 'ValueAtQuantile'
  | 'Exemplar'
  | 'ExportTraceServiceRequest'
  | 'ExportLogsServiceRequest'
  | 'ExportMetricsServiceRequest';

/** One field as written in the table. */
interface FieldEntry {
  readonly number: number;
  /** The lowerCamelCase name used in OTLP/JSON and in decoded objects. */
  readonly name: string;
  readonly type: ScalarType | MessageName;
  readonly repeated?: boolean;
  /** The oneof the field belongs to; proto3 `optional` fields form their own oneof. */
  readonly oneof?: string;
  /** Bytes written as hex (not base64) in OTLP/JSON: trace and span ids. */
  readonly hex?: boolean;
  /** Enum value names, accepted in OTLP/JSON besides the numbers. */
  readonly enumNames?: readonly string[];
}

/** A field of a linked {@link MessageSpec}. */
export interface FieldSpec {
  readonly number: number;
  readonly name: string;
  /** The original proto name (snake_case), which OTLP/JSON readers also accept. */
  readonly protoName: string;
  readonly repeated: boolean;
  readonly oneof: string | undefined;
  /** The other members of its oneof (empty when not in one). */
  readonly oneofSiblings: readonly string[];
  readonly hex: boolean;
  /** Set for scalar fields. */
  readonly scalar: ScalarType | undefined;
  /** Set for message fields. */
  readonly message: MessageSpec | undefined;
  readonly enumValues: ReadonlyMap<string, number> | undefined;
}

/** A message type, linked: fields by number and by JSON key. */
export interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
  /** By `name` and by `protoName`. */
  readonly byJsonKey: ReadonlyMap<string, FieldSpec>;
}

function field(
  number: number,
  name: string,
  type: ScalarType | MessageName,
  extra: Omit<FieldEntry, 'number' | 'name' | 'type'> = {},
): FieldEntry {
  return { number, name, type, ...extra };
}

function repeated(number: number, name: string, type: ScalarType | MessageName): FieldEntry {
  return field(number, name, type, { repeated: true });
}

const SPAN_KIND = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODE = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const SEVERITY_NUMBER = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...SEVERITY_NAMES.flatMap((level) =>
    ['', '2', '3', '4'].map((suffix) => `SEVERITY_NUMBER_${level}${suffix}`),
  ),
];
const AGGREGATION_TEMPORALITY = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];

const KEY_VALUES = (number: number, name = 'attributes'): FieldEntry =>
  repeated(number, name, 'KeyValue');
const EXEMPLARS = (number: number): FieldEntry => repeated(number, 'exemplars', 'Exemplar');
const TEMPORALITY = field(2, 'aggregationTemporality', 'enum', {
  enumNames: AGGREGATION_TEMPORALITY,
});
const optionalDouble = (number: number, name: string): FieldEntry =>
  field(number, name, 'double', { oneof: `_${name}` });

/** The messages, by name. */
const MESSAGE_TABLE: Readonly<Record<MessageName, readonly FieldEntry[]>> = {
  // opentelemetry.proto.common.v1
  AnyValue: [
    field(1, 'stringValue', 'string', { oneof: 'value' }),
    field(2, 'boolValue', 'bool', { oneof: 'value' }),
    field(3, 'intValue', 'int64', { oneof: 'value' }),
    field(4, 'doubleValue', 'double', { oneof: 'value' }),
    field(5, 'arrayValue', 'ArrayValue', { oneof: 'value' }),
    field(6, 'kvlistValue', 'KeyValueList', { oneof: 'value' }),
    field(7, 'bytesValue', 'bytes', { oneof: 'value' }),
  ],
  ArrayValue: [repeated(1, 'values', 'AnyValue')],
  KeyValueList: [repeated(1, 'values', 'KeyValue')],
  KeyValue: [field(1, 'key', 'string'), field(2, 'value', 'AnyValue')],
  InstrumentationScope: [
    field(1, 'name', 'string'),
    field(2, 'version', 'string'),
    KEY_VALUES(3),
    field(4, 'droppedAttributesCount', 'uint32'),
  ],
  // opentelemetry.proto.resource.v1
  Resource: [KEY_VALUES(1), field(2, 'droppedAttributesCount', 'uint32')],

  // opentelemetry.proto.trace.v1
  ResourceSpans: [
    field(1, 'resource', 'Resource'),
    repeated(2, 'scopeSpans', 'ScopeSpans'),
    field(3, 'schemaUrl', 'string'),
  ],
  ScopeSpans: [
    field(1, 'scope', 'InstrumentationScope'),
    repeated(2, 'spans', 'Span'),
    field(3, 'schemaUrl', 'string'),
  ],
  Span: [
    field(1, 'traceId', 'bytes', { hex: true }),
    field(2, 'spanId', 'bytes', { hex: true }),
    field(3, 'traceState', 'string'),
    field(4, 'parentSpanId', 'bytes', { hex: true }),
    field(16, 'flags', 'fixed32'),
    field(5, 'name', 'string'),
    field(6, 'kind', 'enum', { enumNames: SPAN_KIND }),
    field(7, 'startTimeUnixNano', 'fixed64'),
    field(8, 'endTimeUnixNano', 'fixed64'),
    KEY_VALUES(9),
    field(10, 'droppedAttributesCount', 'uint32'),
    repeated(11, 'events', 'SpanEvent'),
    field(12, 'droppedEventsCount', 'uint32'),
    repeated(13, 'links', 'SpanLink'),
    field(14, 'droppedLinksCount', 'uint32'),
    field(15, 'status', 'Status'),
  ],
  SpanEvent: [
    field(1, 'timeUnixNano', 'fixed64'),
    field(2, 'name', 'string'),
    KEY_VALUES(3),
    field(4, 'droppedAttributesCount', 'uint32'),
  ],
  SpanLink: [
    field(1, 'traceId', 'bytes', { hex: true }),
    field(2, 'spanId', 'bytes', { hex: true }),
    field(3, 'traceState', 'string'),
    KEY_VALUES(4),
    field(5, 'droppedAttributesCount', 'uint32'),
    field(6, 'flags', 'fixed32'),
  ],
  Status: [field(2, 'message', 'string'), field(3, 'code', 'enum', { enumNames: STATUS_CODE })],

  // opentelemetry.proto.logs.v1
  ResourceLogs: [
    field(1, 'resource', 'Resource'),
    repeated(2, 'scopeLogs', 'ScopeLogs'),
    field(3, 'schemaUrl', 'string'),
  ],
  ScopeLogs: [
    field(1, 'scope', 'InstrumentationScope'),
    repeated(2, 'logRecords', 'LogRecord'),
    field(3, 'schemaUrl', 'string'),
  ],
  LogRecord: [
    field(1, 'timeUnixNano', 'fixed64'),
    field(11, 'observedTimeUnixNano', 'fixed64'),
    field(2, 'severityNumber', 'enum', { enumNames: SEVERITY_NUMBER }),
    field(3, 'severityText', 'string'),
    field(5, 'body', 'AnyValue'),
    KEY_VALUES(6),
    field(7, 'droppedAttributesCount', 'uint32'),
    field(8, 'flags', 'fixed32'),
    field(9, 'traceId', 'bytes', { hex: true }),
    field(10, 'spanId', 'bytes', { hex: true }),
  ],

  // opentelemetry.proto.metrics.v1
  ResourceMetrics: [
    field(1, 'resource', 'Resource'),
    repeated(2, 'scopeMetrics', 'ScopeMetrics'),
    field(3, 'schemaUrl', 'string'),
  ],
  ScopeMetrics: [
    field(1, 'scope', 'InstrumentationScope'),
    repeated(2, 'metrics', 'Metric'),
    field(3, 'schemaUrl', 'string'),
  ],
  Metric: [
    field(1, 'name', 'string'),
    field(2, 'description', 'string'),
    field(3, 'unit', 'string'),
    field(5, 'gauge', 'Gauge', { oneof: 'data' }),
    field(7, 'sum', 'Sum', { oneof: 'data' }),
    field(9, 'histogram', 'Histogram', { oneof: 'data' }),
    field(10, 'exponentialHistogram', 'ExponentialHistogram', { oneof: 'data' }),
    field(11, 'summary', 'Summary', { oneof: 'data' }),
    KEY_VALUES(12, 'metadata'),
  ],
  Gauge: [repeated(1, 'dataPoints', 'NumberDataPoint')],
  Sum: [repeated(1, 'dataPoints', 'NumberDataPoint'), TEMPORALITY, field(3, 'isMonotonic', 'bool')],
  Histogram: [repeated(1, 'dataPoints', 'HistogramDataPoint'), TEMPORALITY],
  ExponentialHistogram: [repeated(1, 'dataPoints', 'ExponentialHistogramDataPoint'), TEMPORALITY],
  Summary: [repeated(1, 'dataPoints', 'SummaryDataPoint')],
  NumberDataPoint: [
    KEY_VALUES(7),
    field(2, 'startTimeUnixNano', 'fixed64'),
    field(3, 'timeUnixNano', 'fixed64'),
    field(4, 'asDouble', 'double', { oneof: 'value' }),
    field(6, 'asInt', 'sfixed64', { oneof: 'value' }),
    EXEMPLARS(5),
    field(8, 'flags', 'uint32'),
  ],
  HistogramDataPoint: [
    KEY_VALUES(9),
    field(2, 'startTimeUnixNano', 'fixed64'),
    field(3, 'timeUnixNano', 'fixed64'),
    field(4, 'count', 'fixed64'),
    optionalDouble(5, 'sum'),
    repeated(6, 'bucketCounts', 'fixed64'),
    repeated(7, 'explicitBounds', 'double'),
    EXEMPLARS(8),
    field(10, 'flags', 'uint32'),
    optionalDouble(11, 'min'),
    optionalDouble(12, 'max'),
  ],
  ExponentialHistogramDataPoint: [
    KEY_VALUES(1),
    field(2, 'startTimeUnixNano', 'fixed64'),
    field(3, 'timeUnixNano', 'fixed64'),
    field(4, 'count', 'fixed64'),
    optionalDouble(5, 'sum'),
    field(6, 'scale', 'sint32'),
    field(7, 'zeroCount', 'fixed64'),
    field(8, 'positive', 'Buckets'),
    field(9, 'negative', 'Buckets'),
    field(10, 'flags', 'uint32'),
    EXEMPLARS(11),
    optionalDouble(12, 'min'),
    optionalDouble(13, 'max'),
    field(14, 'zeroThreshold', 'double'),
  ],
  Buckets: [field(1, 'offset', 'sint32'), repeated(2, 'bucketCounts', 'uint64')],
  SummaryDataPoint: [
    KEY_VALUES(7),
    field(2, 'startTimeUnixNano', 'fixed64'),
    field(3, 'timeUnixNano', 'fixed64'),
    field(4, 'count', 'fixed64'),
    field(5, 'sum', 'double'),
    repeated(6, 'quantileValues', 'ValueAtQuantile'),
    field(8, 'flags', 'uint32'),
  ],
  ValueAtQuantile: [field(1, 'quantile', 'double'), field(2, 'value', 'double')],
  Exemplar: [
    KEY_VALUES(7, 'filteredAttributes'),
    field(2, 'timeUnixNano', 'fixed64'),
    field(3, 'asDouble', 'double', { oneof: 'value' }),
    field(6, 'asInt', 'sfixed64', { oneof: 'value' }),
    field(4, 'spanId', 'bytes', { hex: true }),
    field(5, 'traceId', 'bytes', { hex: true }),
  ],

  // opentelemetry.proto.collector.*.v1
  ExportTraceServiceRequest: [repeated(1, 'resourceSpans', 'ResourceSpans')],
  ExportLogsServiceRequest: [repeated(1, 'resourceLogs', 'ResourceLogs')],
  ExportMetricsServiceRequest: [repeated(1, 'resourceMetrics', 'ResourceMetrics')],
};

const SCALAR_TYPES: ReadonlySet<string> = new Set<ScalarType>([
  'string',
  'bytes',
  'bool',
  'double',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'enum',
  'int64',
  'uint64',
  'fixed64',
  'sfixed64',
]);

function isScalar(type: string): type is ScalarType {
  return SCALAR_TYPES.has(type);
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Links the table once: message references become objects, lookups become maps. */
function link(): ReadonlyMap<MessageName, MessageSpec> {
  const names = Object.keys(MESSAGE_TABLE) as MessageName[];
  // Fields are filled in after every spec exists, because messages refer to each other
  // (AnyValue → ArrayValue → AnyValue).
  const specs = new Map<MessageName, MessageSpec>();
  for (const name of names) {
    specs.set(name, { name, fields: [], byNumber: new Map(), byJsonKey: new Map() });
  }
  for (const name of names) {
    const spec = specs.get(name) as MessageSpec;
    const entries: readonly FieldEntry[] = MESSAGE_TABLE[name];
    for (const entry of entries) {
      const siblings = entries
        .filter((other) => entry.oneof !== undefined && other.oneof === entry.oneof)
        .map((other) => other.name)
        .filter((otherName) => otherName !== entry.name);
      const scalar = isScalar(entry.type) ? entry.type : undefined;
      const linked: FieldSpec = {
        number: entry.number,
        name: entry.name,
        protoName: snakeCase(entry.name),
        repeated: entry.repeated ?? false,
        oneof: entry.oneof,
        oneofSiblings: siblings,
        hex: entry.hex ?? false,
        scalar,
        message: scalar === undefined ? specs.get(entry.type as MessageName) : undefined,
        enumValues: entry.enumNames && new Map(entry.enumNames.map((enumName, i) => [enumName, i])),
      };
      (spec.fields as FieldSpec[]).push(linked);
      (spec.byNumber as Map<number, FieldSpec>).set(linked.number, linked);
      (spec.byJsonKey as Map<string, FieldSpec>).set(linked.name, linked);
      (spec.byJsonKey as Map<string, FieldSpec>).set(linked.protoName, linked);
    }
  }
  return specs;
}

const SPECS = link();

/** The linked spec of a message. */
export function messageSpec(name: MessageName): MessageSpec {
  return SPECS.get(name) as MessageSpec;
}

/**
 * Deepest nesting of messages (and skipped groups) accepted. OTLP itself nests 6 levels
 * down to an attribute value; each level of array or map value adds 2. A body nested
 * deeper is rejected rather than allowed to exhaust the stack.
 */
export const MAX_DEPTH = 64;

/** The shared empty byte string used as the default of `bytes` fields. */
const EMPTY_BYTES = Buffer.alloc(0);

/** A decoded message in plain form (see {@link createDefaults}). */
export type PlainMessage = { [field: string]: PlainValue };

/** A field value in plain form. */
export type PlainValue = string | number | boolean | Buffer | null | PlainMessage | PlainValue[];

/** The default of a scalar type in plain form. */
function scalarDefault(type: ScalarType): PlainValue {
  switch (type) {
    case 'string':
      return '';
    case 'bytes':
      return EMPTY_BYTES;
    case 'bool':
      return false;
    case 'int64':
    case 'uint64':
    case 'fixed64':
    case 'sfixed64':
      return '0';
    default:
      return 0;
  }
}

/**
 * A message with every field at its default, in the "plain form" both decoders produce
 * (the form `protobufjs` gives with `toObject({ longs: String, enums: Number, defaults:
 * true, arrays: true })`, so the normalizer is the same whatever decoded the bytes):
 * repeated fields `[]`, absent sub-messages `null`, scalars their proto3 default, 64-bit
 * integers decimal strings; members of a oneof (and proto3 `optional` fields) are absent
 * unless set.
 */
export function createDefaults(spec: MessageSpec): PlainMessage {
  const result: PlainMessage = {};
  for (const fieldSpec of spec.fields) {
    if (fieldSpec.repeated) result[fieldSpec.name] = [];
    else if (fieldSpec.oneof !== undefined) continue;
    else if (fieldSpec.scalar === undefined) result[fieldSpec.name] = null;
    else result[fieldSpec.name] = scalarDefault(fieldSpec.scalar);
  }
  return result;
}

/** Sets a non-repeated field, clearing the other members of its oneof (the last one wins). */
export function setField(target: PlainMessage, fieldSpec: FieldSpec, value: PlainValue): void {
  if (fieldSpec.oneof !== undefined) {
    for (const member of fieldSpec.oneofSiblings) delete target[member];
  }
  target[fieldSpec.name] = value;
}
