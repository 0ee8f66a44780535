/**
 * OTLP/HTTP body codec: request decoding (protobuf or OTLP/JSON) and response encoding.
 *
 * OTLP/JSON is the protobuf JSON mapping with two OTLP-specific rules: trace and span ids
 * are hex (not base64) and enums are integers. The JSON path therefore rewrites ids to
 * bytes, builds the same protobuf message with `fromObject`, and from there shares the
 * protobuf path, so both formats normalize identically.
 */
import type { IConversionOptions, Message, Type } from 'protobufjs';
import { loadOtlpSchema } from './otlp-schema';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from './otlp-normalize';
import type { OtlpRequestBySignal, OtlpSignal } from './otlp-types';

/** The two OTLP/HTTP body formats. */
export type OtlpFormat = 'protobuf' | 'json';

/** Thrown when a body is not a valid OTLP request (the caller answers 400). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** `partialSuccess` to put in an export response. */
export interface PartialSuccess {
  /** Number of rejected spans / log records / data points. */
  rejected: number;
  /** Why; OTLP asks for a non-empty message when `rejected` is 0. */
  errorMessage?: string;
}

/**
 * Maps a `Content-Type` header to an OTLP format.
 *
 * @returns the format, or `undefined` when unsupported (caller answers 415).
 */
export function parseOtlpContentType(header: string | undefined): OtlpFormat | undefined {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') {
    return 'protobuf';
  }
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

/** Media type to answer with for a format. */
export function contentTypeOf(format: OtlpFormat): string {
  return format === 'protobuf' ? 'application/x-protobuf' : 'application/json';
}

/** How decoded messages become plain objects before normalization. */
const TO_PLAIN: IConversionOptions = {
  longs: String,
  enums: Number,
  defaults: true,
  arrays: true,
};

/** Fields that hold ids, hex in OTLP/JSON. */
const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Rewrites hex id strings to bytes in a parsed OTLP/JSON value. */
function hexIdsToBytes(value: unknown, key: string): unknown {
  if (ID_FIELDS.has(key) && typeof value === 'string') {
    if (value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) {
      throw new OtlpDecodeError(`${key} is not a hex string: ${JSON.stringify(value)}`);
    }
    return Buffer.from(value, 'hex');
  }
  if (Array.isArray(value)) return value.map((item) => hexIdsToBytes(item, ''));
  if (typeof value === 'object' && value !== null) return objectWithIdBytes(value);
  return value;
}

/** {@link hexIdsToBytes} for an object, everywhere below it. */
function objectWithIdBytes(value: object): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) result[key] = hexIdsToBytes(child, key);
  return result;
}

function toMessage(options: { type: Type; format: OtlpFormat; body: Buffer }): Message {
  const { type, format, body } = options;
  try {
    if (format === 'protobuf') return type.decode(body);
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new OtlpDecodeError('OTLP/JSON body must be a JSON object');
    }
    return type.fromObject(objectWithIdBytes(parsed));
  } catch (error: unknown) {
    if (error instanceof OtlpDecodeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`invalid ${format} ${type.name}: ${reason}`);
  }
}

const NORMALIZERS: {
  [S in OtlpSignal]: (plain: Record<string, unknown>) => OtlpRequestBySignal[S];
} = { traces: normalizeTraces, logs: normalizeLogs, metrics: normalizeMetrics };

/**
 * Decodes an (already decompressed) export request body.
 *
 * @throws OtlpDecodeError when the body is not a valid request of that signal.
 */
export function decodeExportRequest<S extends OtlpSignal>(options: {
  signal: S;
  format: OtlpFormat;
  body: Buffer;
}): OtlpRequestBySignal[S] {
  const { request } = loadOtlpSchema().signals[options.signal];
  const message = toMessage({ type: request, format: options.format, body: options.body });
  return NORMALIZERS[options.signal](request.toObject(message, TO_PLAIN));
}

function encode(options: { type: Type; format: OtlpFormat; value: object }): Buffer {
  const { type, format, value } = options;
  const message = type.fromObject(value);
  if (format === 'protobuf') return Buffer.from(type.encode(message).finish());
  // Protobuf JSON mapping: int64 as decimal strings.
  return Buffer.from(JSON.stringify(type.toObject(message, { longs: String })), 'utf8');
}

/** Encodes an `Export*ServiceResponse`, with `partialSuccess` when given. */
export function encodeExportResponse(options: {
  signal: OtlpSignal;
  format: OtlpFormat;
  partialSuccess?: PartialSuccess;
}): Buffer {
  const { response, rejectedField } = loadOtlpSchema().signals[options.signal];
  const partial = options.partialSuccess;
  const value = partial
    ? {
        partialSuccess: {
          [rejectedField]: partial.rejected,
          errorMessage: partial.errorMessage ?? '',
        },
      }
    : {};
  return encode({ type: response, format: options.format, value });
}

/** Encodes a `google.rpc.Status`, the error body of OTLP/HTTP 4xx/5xx answers. */
export function encodeStatus(options: {
  format: OtlpFormat;
  code: number;
  message: string;
}): Buffer {
  const { format, code, message } = options;
  return encode({ type: loadOtlpSchema().status, format, value: { code, message } });
}
