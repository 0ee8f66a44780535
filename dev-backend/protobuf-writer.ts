/**
 * The few protobuf writes the backend's answers need (export responses with
 * `partial_success`, `google.rpc.Status`): varints and length-delimited fields.
 */
import { WireType } from './protobuf-reader';

/** Appends protobuf fields to a list of chunks; {@link finish} joins them. */
export class ProtobufWriter {
  private readonly chunks: Buffer[] = [];

  /** A varint field; skipped when 0 (the proto3 default is not written). */
  varintField(field: number, value: number | bigint): this {
    if (value === 0 || value === 0n) return this;
    this.tag(field, WireType.VARINT);
    this.chunks.push(varint(value));
    return this;
  }

  /** A string field; skipped when empty. */
  stringField(field: number, value: string): this {
    if (value === '') return this;
    return this.bytesField(field, Buffer.from(value, 'utf8'));
  }

  /** A length-delimited field, written even when empty (an empty message is present). */
  bytesField(field: number, value: Buffer): this {
    this.tag(field, WireType.LEN);
    this.chunks.push(varint(value.length), value);
    return this;
  }

  /** The encoded bytes. */
  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.chunks.push(varint(field * 8 + wireType));
  }
}

/**
 * Encodes an integer as a varint. Negative values are written as their 64-bit two's
 * complement (10 bytes), as protobuf does for `int32`/`int64`.
 */
export function varint(value: number | bigint): Buffer {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}
