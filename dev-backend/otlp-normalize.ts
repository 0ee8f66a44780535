/**
 * Turns a decoded message in plain form (see `createDefaults` in `otlp-wire-schema.ts`)
 * into the normalized shapes of `otlp-types.ts`.
 *
 * Both wire formats end up here: protobuf and OTLP/JSON bodies decode to the same plain
 * form (see `otlp-decode.ts`), so one function defines what the backend, its data file and
 * the tests see. The functions are lenient about the plain form (missing keys take their
 * defaults), so the test suite can feed them `protobufjs` output too, to compare decoders.
 */
import type {
  AttributeValue,
  Attributes,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpMetricsRequest,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
  OtlpTracesRequest,
} from './otlp-types';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(source: Plain, key: string): Plain {
  const value = source[key];
  return isPlain(value) && !(value instanceof Uint8Array) ? value : {};
}

function list(source: Plain, key: string): Plain[] {
  const value = source[key];
  return Array.isArray(value) ? value.filter(isPlain) : [];
}

function str(source: Plain, key: string): string {
  const value = source[key];
  return typeof value === 'string' ? value : '';
}

function num(source: Plain, key: string): number {
  const value = source[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') return Number(value);
  return 0;
}

/** 64-bit integers as decimal strings (the plain form already holds them so). */
function long(source: Plain, key: string): string {
  const value = source[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '0';
}

function hex(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '';
}

/** int64 as a number when it is exact, as a bigint otherwise. */
function int64(value: unknown): number | bigint {
  const big = BigInt(typeof value === 'string' || typeof value === 'number' ? value : 0);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big;
}

/** Decodes an `AnyValue` message into a plain JavaScript value. */
export function anyValue(value: unknown): AttributeValue {
  if (!isPlain(value)) return undefined;
  // The oneof has at most one member present (the plain form omits unset members).
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return int64(value.intValue);
  if (typeof value.doubleValue === 'number') return value.doubleValue;
  if (isPlain(value.arrayValue)) return list(value.arrayValue, 'values').map(anyValue);
  if (isPlain(value.kvlistValue)) return attributes(list(value.kvlistValue, 'values'));
  if (value.bytesValue instanceof Uint8Array) return new Uint8Array(value.bytesValue);
  return undefined;
}

/**
 * Decodes a `repeated KeyValue` into a record (a repeated key keeps its last value).
 * `Object.fromEntries` defines own properties, so a (hostile, but legal) `__proto__` key
 * is an ordinary key, not the object's prototype.
 */
export function attributes(keyValues: Plain[]): Attributes {
  return Object.fromEntries(
    keyValues.map((keyValue) => [str(keyValue, 'key'), anyValue(keyValue.value)]),
  );
}

function resource(message: Plain): OtlpResource {
  return {
    attributes: attributes(list(message, 'attributes')),
    droppedAttributesCount: num(message, 'droppedAttributesCount'),
  };
}

function scope(message: Plain): OtlpScope {
  return {
    name: str(message, 'name'),
    version: str(message, 'version'),
    attributes: attributes(list(message, 'attributes')),
    droppedAttributesCount: num(message, 'droppedAttributesCount'),
  };
}

function spanEvent(message: Plain): OtlpSpanEvent {
  return {
    timeUnixNano: long(message, 'timeUnixNano'),
    name: str(message, 'name'),
    attributes: attributes(list(message, 'attributes')),
    droppedAttributesCount: num(message, 'droppedAttributesCount'),
  };
}

function spanLink(message: Plain): OtlpSpanLink {
  return {
    traceId: hex(message.traceId),
    spanId: hex(message.spanId),
    traceState: str(message, 'traceState'),
    attributes: attributes(list(message, 'attributes')),
    droppedAttributesCount: num(message, 'droppedAttributesCount'),
    flags: num(message, 'flags'),
  };
}

function span(message: Plain): OtlpSpan {
  const status = obj(message, 'status');
  return {
    traceId: hex(message.traceId),
    spanId: hex(message.spanId),
    traceState: str(message, 'traceState'),
    parentSpanId: hex(message.parentSpanId),
    flags: num(message, 'flags'),
    name: str(message, 'name'),
    kind: num(message, 'kind'),
    startTimeUnixNano: long(message, 'startTimeUnixNano'),
    endTimeUnixNano: long(message, 'endTimeUnixNano'),
    attributes: attributes(list(message, 'attributes')),
    droppedAttributesCount: num(message, 'droppedAttributesCount'),
    events: list(message, 'events').map(spanEvent),
    droppedEventsCount: num(message, 'droppedEventsCount'),
    links: list(message, 'links').map(spanLink),
    droppedLinksCount: num(message, 'droppedLinksCount'),
    status: { code: num(status, 'code'), message: str(status, 'message') },
  };
}

function logRecord(message: Plain): OtlpLogRecord {
  return {
    timeUnixNano: long(message, 'timeUnixNano'),
    observedTimeUnixNano: long(message, 'observedTimeUnixNano'),
    severityNumber: num(message, 'severityNumber'),
    severityText: str(message, 'severityText'),
    body: anyValue(message.body),
    attributes: attributes(list(message, 'attributes')),
    droppedAttributesCount: num(message, 'droppedAttributesCount'),
    flags: num(message, 'flags'),
    traceId: hex(message.traceId),
    spanId: hex(message.spanId),
  };
}

/** Keys holding `repeated KeyValue` anywhere in the metrics model. */
const ATTRIBUTE_KEYS = new Set(['attributes', 'filteredAttributes']);
/** Keys holding trace/span ids anywhere in the metrics model (exemplars). */
const ID_KEYS = new Set(['traceId', 'spanId']);

/** Generic normalization for the (untyped) metrics model, same rules as above. */
function generic(value: unknown, key: string): unknown {
  if (ATTRIBUTE_KEYS.has(key) && Array.isArray(value)) return attributes(value.filter(isPlain));
  if (ID_KEYS.has(key)) return hex(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map((item) => generic(item, ''));
  if (isPlain(value)) {
    const result: Plain = {};
    for (const [childKey, child] of Object.entries(value)) {
      result[childKey] = generic(child, childKey);
    }
    return result;
  }
  return value;
}

/** Normalizes an `ExportTraceServiceRequest`. */
export function normalizeTraces(message: Plain): OtlpTracesRequest {
  return {
    resourceSpans: list(message, 'resourceSpans').map((resourceSpans) => ({
      resource: resource(obj(resourceSpans, 'resource')),
      schemaUrl: str(resourceSpans, 'schemaUrl'),
      scopeSpans: list(resourceSpans, 'scopeSpans').map((scopeSpans) => ({
        scope: scope(obj(scopeSpans, 'scope')),
        schemaUrl: str(scopeSpans, 'schemaUrl'),
        spans: list(scopeSpans, 'spans').map(span),
      })),
    })),
  };
}

/** Normalizes an `ExportLogsServiceRequest`. */
export function normalizeLogs(message: Plain): OtlpLogsRequest {
  return {
    resourceLogs: list(message, 'resourceLogs').map((resourceLogs) => ({
      resource: resource(obj(resourceLogs, 'resource')),
      schemaUrl: str(resourceLogs, 'schemaUrl'),
      scopeLogs: list(resourceLogs, 'scopeLogs').map((scopeLogs) => ({
        scope: scope(obj(scopeLogs, 'scope')),
        schemaUrl: str(scopeLogs, 'schemaUrl'),
        logRecords: list(scopeLogs, 'logRecords').map(logRecord),
      })),
    })),
  };
}

/** Normalizes an `ExportMetricsServiceRequest`. */
export function normalizeMetrics(message: Plain): OtlpMetricsRequest {
  return {
    resourceMetrics: list(message, 'resourceMetrics').map((resourceMetrics) => ({
      resource: resource(obj(resourceMetrics, 'resource')),
      schemaUrl: str(resourceMetrics, 'schemaUrl'),
      scopeMetrics: list(resourceMetrics, 'scopeMetrics').map((scopeMetrics) => ({
        scope: scope(obj(scopeMetrics, 'scope')),
        schemaUrl: str(scopeMetrics, 'schemaUrl'),
        metrics: list(scopeMetrics, 'metrics').map((metric) => {
          const normalized = generic(metric, '');
          return isPlain(normalized) ? normalized : {};
        }),
      })),
    })),
  };
}
