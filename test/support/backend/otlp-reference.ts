/**
 * A reference OTLP decoder built on `protobufjs` and the official `.proto` files, to check
 * the dev backend's own (dependency-free) decoder against. Test-only: it needs
 * devDependencies.
 *
 * It produces the same "plain form" as the shipped decoder (`toObject` with string longs,
 * numeric enums, defaults and arrays), then the shipped normalizer, so the two can be
 * compared at both levels.
 */
import type { IConversionOptions } from 'protobufjs';
import {
  normalizeLogs,
  normalizeMetrics,
  normalizeTraces,
} from '../../../dev-backend/otlp-normalize';
import type { OtlpRequestBySignal, OtlpSignal } from '../../../dev-backend/otlp-types';
import { loadOtlpSchema } from './otlp-schema';

/** How decoded messages become plain objects. */
export const TO_PLAIN: IConversionOptions = {
  longs: String,
  enums: Number,
  defaults: true,
  arrays: true,
};

/** Fields that hold ids, hex in OTLP/JSON. */
const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Rewrites hex id strings to bytes in a parsed OTLP/JSON value, for `fromObject`. */
function hexIdsToBytes(value: unknown, key: string): unknown {
  if (ID_FIELDS.has(key) && typeof value === 'string') return Buffer.from(value, 'hex');
  if (Array.isArray(value)) return value.map((item) => hexIdsToBytes(item, ''));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      result[childKey] = hexIdsToBytes(child, childKey);
    }
    return result;
  }
  return value;
}

/** Decodes a protobuf body with protobufjs into the plain form. */
export function referencePlain(options: {
  signal: OtlpSignal;
  body: Uint8Array;
}): Record<string, unknown> {
  const { request } = loadOtlpSchema().signals[options.signal];
  // A Buffer in gives Buffer views out, the type the shipped decoder returns for bytes.
  return request.toObject(request.decode(Buffer.from(options.body)), TO_PLAIN);
}

/** Converts an OTLP/JSON document with protobufjs (`fromObject`) into the plain form. */
export function referencePlainFromJson(options: {
  signal: OtlpSignal;
  document: object;
}): Record<string, unknown> {
  const { request } = loadOtlpSchema().signals[options.signal];
  const message = request.fromObject(hexIdsToBytes(options.document, '') as object);
  return request.toObject(message, TO_PLAIN);
}

const NORMALIZERS: {
  [S in OtlpSignal]: (plain: Record<string, unknown>) => OtlpRequestBySignal[S];
} = { traces: normalizeTraces, logs: normalizeLogs, metrics: normalizeMetrics };

/** Decodes a protobuf body with protobufjs and normalizes it. */
export function referenceDecode<S extends OtlpSignal>(options: {
  signal: S;
  body: Uint8Array;
}): OtlpRequestBySignal[S] {
  return NORMALIZERS[options.signal](referencePlain(options));
}
