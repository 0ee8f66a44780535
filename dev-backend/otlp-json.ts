/**
 * Converts a parsed OTLP/JSON document into the plain form of `otlp-wire-schema.ts`, driven
 * by the same message table as the protobuf decoder.
 *
 * OTLP/JSON is the protobuf JSON mapping with OTLP's own rules: trace and span ids are hex
 * (not base64) and enums are integers (names are accepted too, as the JSON mapping allows).
 * Field names may be lowerCamelCase or the original snake_case; unknown fields are ignored;
 * `null` means "default". A value of the wrong type is an error naming its path.
 */
import { MAX_DEPTH, createDefaults, setField } from './otlp-wire-schema';
import type {
  FieldSpec,
  MessageSpec,
  PlainMessage,
  PlainValue,
  ScalarType,
} from './otlp-wire-schema';

/** Thrown for a document that is not a valid OTLP/JSON message. */
export class OtlpJsonError extends Error {
  override readonly name = 'OtlpJsonError';
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INTEGER = /^-?\d+$/;

const RANGES: Partial<Record<ScalarType, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  enum: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** An integer of `type` from a JSON number or decimal string, range-checked. */
function integer(value: unknown, type: ScalarType, path: string): bigint {
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && INTEGER.test(value)) big = BigInt(value);
  const range = RANGES[type];
  if (big === undefined || range === undefined || big < range[0] || big > range[1]) {
    throw new OtlpJsonError(`${path} is not a valid ${type}: ${describe(value)}`);
  }
  return big;
}

function scalar(value: unknown, fieldSpec: FieldSpec, type: ScalarType, path: string): PlainValue {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new OtlpJsonError(`${path} must be a string`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new OtlpJsonError(`${path} must be a boolean`);
      return value;
    case 'bytes':
      if (typeof value !== 'string') throw new OtlpJsonError(`${path} must be a string`);
      if (fieldSpec.hex) {
        if (!HEX.test(value)) {
          throw new OtlpJsonError(`${path} is not a hex string: ${describe(value)}`);
        }
        return Buffer.from(value, 'hex');
      }
      if (!BASE64.test(value)) throw new OtlpJsonError(`${path} is not base64`);
      return Buffer.from(value, 'base64');
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        if (value === 'NaN') return NaN;
        if (value === 'Infinity') return Infinity;
        if (value === '-Infinity') return -Infinity;
        const parsed = Number(value);
        if (value.trim() !== '' && Number.isFinite(parsed)) return parsed;
      }
      throw new OtlpJsonError(`${path} is not a number: ${describe(value)}`);
    case 'enum':
      if (typeof value === 'string' && fieldSpec.enumValues?.has(value)) {
        return fieldSpec.enumValues.get(value) as number;
      }
      return Number(integer(value, type, path));
    case 'int32':
    case 'sint32':
    case 'uint32':
    case 'fixed32':
      return Number(integer(value, type, path));
    case 'int64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return integer(value, type, path).toString();
  }
}

function fieldValue(value: unknown, fieldSpec: FieldSpec, path: string, depth: number): PlainValue {
  if (fieldSpec.message !== undefined) return message(value, fieldSpec.message, path, depth + 1);
  return scalar(value, fieldSpec, fieldSpec.scalar as ScalarType, path);
}

function message(value: unknown, spec: MessageSpec, path: string, depth: number): PlainMessage {
  if (depth > MAX_DEPTH) throw new OtlpJsonError(`nesting deeper than ${MAX_DEPTH}`);
  if (!isObject(value)) throw new OtlpJsonError(`${path || 'body'} must be an object`);
  const result = createDefaults(spec);
  for (const key of Object.keys(value)) {
    const fieldSpec = spec.byJsonKey.get(key);
    const item = value[key];
    // Unknown fields are ignored (a newer client may send more); null means "default".
    if (fieldSpec === undefined || item === null || item === undefined) continue;
    const itemPath = path === '' ? fieldSpec.name : `${path}.${fieldSpec.name}`;
    if (fieldSpec.repeated) {
      if (!Array.isArray(item)) throw new OtlpJsonError(`${itemPath} must be an array`);
      result[fieldSpec.name] = item.map((element: unknown, index) =>
        fieldValue(element, fieldSpec, `${itemPath}[${index}]`, depth),
      );
    } else {
      setField(result, fieldSpec, fieldValue(item, fieldSpec, itemPath, depth));
    }
  }
  return result;
}

/**
 * Converts a parsed OTLP/JSON document to a message of `spec` in plain form.
 *
 * @throws OtlpJsonError when the document does not match the message.
 */
export function decodeOtlpJson(document: unknown, spec: MessageSpec): PlainMessage {
  return message(document, spec, '', 0);
}
