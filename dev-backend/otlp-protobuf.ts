/**
 * Decodes OTLP protobuf bytes into the plain form of `otlp-wire-schema.ts`, driven by the
 * message table. Unknown fields are skipped (newer OTLP versions add fields), a known field
 * with the wrong wire type is an error, and repeated numbers are accepted packed or not.
 */
import { ProtobufError, ProtobufReader, WireType, signed64, unsigned64 } from './protobuf-reader';
import { MAX_DEPTH, createDefaults, setField } from './otlp-wire-schema';
import type {
  FieldSpec,
  MessageSpec,
  PlainMessage,
  PlainValue,
  ScalarType,
} from './otlp-wire-schema';

/** The wire type each scalar type is encoded with (when not packed). */
function wireTypeOf(type: ScalarType): number {
  switch (type) {
    case 'string':
    case 'bytes':
      return WireType.LEN;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WireType.I64;
    case 'fixed32':
      return WireType.I32;
    default:
      return WireType.VARINT;
  }
}

/** Reads one scalar value of `type` (its wire type already checked). */
function readScalar(reader: ProtobufReader, type: ScalarType): PlainValue {
  switch (type) {
    case 'string':
      return reader.string();
    case 'bytes':
      return reader.bytes();
    case 'double':
      return reader.double();
    case 'fixed32':
      return reader.fixed32();
    case 'fixed64':
      reader.fixed64();
      return unsigned64(reader.lo, reader.hi);
    case 'sfixed64':
      reader.fixed64();
      return signed64(reader.lo, reader.hi);
    case 'bool':
      reader.varint64();
      return reader.lo !== 0 || reader.hi !== 0;
    case 'uint64':
      reader.varint64();
      return unsigned64(reader.lo, reader.hi);
    case 'int64':
      reader.varint64();
      return signed64(reader.lo, reader.hi);
    case 'sint32': {
      const value = reader.uint32();
      return (value >>> 1) ^ -(value & 1);
    }
    case 'uint32':
      return reader.uint32();
    case 'int32':
    case 'enum':
      // Negative values are sign-extended to 10 bytes; the low 32 bits carry them.
      return reader.uint32() | 0;
  }
}

function wrongWireType(spec: MessageSpec, fieldSpec: FieldSpec, wireType: number): ProtobufError {
  return new ProtobufError(
    `${spec.name}.${fieldSpec.name} (field ${fieldSpec.number}) has wire type ${wireType}`,
  );
}

/** Decodes the message that spans from `reader.pos` to `reader.limit`. */
function decodeMessage(reader: ProtobufReader, spec: MessageSpec, depth: number): PlainMessage {
  if (depth > MAX_DEPTH) throw new ProtobufError(`nesting deeper than ${MAX_DEPTH}`);
  const result = createDefaults(spec);
  while (reader.pos < reader.limit) {
    const tag = reader.uint32();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (number === 0) throw new ProtobufError(`invalid field number 0 in ${spec.name}`);
    const fieldSpec = spec.byNumber.get(number);
    if (fieldSpec === undefined) {
      if (wireType === WireType.END_GROUP) {
        throw new ProtobufError(`unexpected end-group tag in ${spec.name}`);
      }
      reader.skip(wireType, depth, MAX_DEPTH);
      continue;
    }
    readField(reader, spec, fieldSpec, wireType, result, depth);
  }
  return result;
}

/** Decodes a length-delimited sub-message, confined to its own length. */
function decodeNested(reader: ProtobufReader, spec: MessageSpec, depth: number): PlainMessage {
  const length = reader.length(spec.name);
  const outerLimit = reader.limit;
  reader.limit = reader.pos + length;
  const message = decodeMessage(reader, spec, depth);
  reader.limit = outerLimit;
  return message;
}

function readField(
  reader: ProtobufReader,
  spec: MessageSpec,
  fieldSpec: FieldSpec,
  wireType: number,
  target: PlainMessage,
  depth: number,
): void {
  const { message, scalar } = fieldSpec;
  if (message !== undefined) {
    if (wireType !== WireType.LEN) throw wrongWireType(spec, fieldSpec, wireType);
    const value = decodeNested(reader, message, depth + 1);
    if (fieldSpec.repeated) (target[fieldSpec.name] as PlainValue[]).push(value);
    else setField(target, fieldSpec, value);
    return;
  }
  const type = scalar as ScalarType;
  const expected = wireTypeOf(type);
  if (fieldSpec.repeated) {
    const list = target[fieldSpec.name] as PlainValue[];
    if (wireType === WireType.LEN && expected !== WireType.LEN) {
      // Packed: a length-delimited run of values.
      const length = reader.length(`packed ${spec.name}.${fieldSpec.name}`);
      const end = reader.pos + length;
      const outerLimit = reader.limit;
      reader.limit = end;
      while (reader.pos < end) list.push(readScalar(reader, type));
      reader.limit = outerLimit;
      return;
    }
    if (wireType !== expected) throw wrongWireType(spec, fieldSpec, wireType);
    list.push(readScalar(reader, type));
    return;
  }
  if (wireType !== expected) throw wrongWireType(spec, fieldSpec, wireType);
  setField(target, fieldSpec, readScalar(reader, type));
}

/**
 * Decodes a whole protobuf message of `spec` from `body`.
 *
 * @throws ProtobufError when the bytes are not a valid message of that type.
 */
export function decodeProtobuf(body: Buffer, spec: MessageSpec): PlainMessage {
  return decodeMessage(new ProtobufReader(body), spec, 0);
}
