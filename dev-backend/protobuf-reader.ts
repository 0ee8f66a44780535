/**
 * A small reader of the protobuf wire format, for the OTLP decoder.
 *
 * The dev backend ships in the package, so a protobuf library would be installed in every app
 * that uses sprintlens; OTLP needs only a handful of wire-format primitives, written here
 * (measured against `protobufjs` and `@bufbuild/protobuf` in docs/dependencies.md, and checked
 * against `protobufjs` with the official `.proto` files by the tests). Input is hostile until
 * proven otherwise: every length is checked against the bytes actually left in the current
 * message, varints are bounded to 10 bytes, and nothing is allocated from a length before
 * that check, so a truncated or forged body ends in a {@link ProtobufError}, never in a hang,
 * an out-of-range read or a huge allocation.
 */

/** Thrown for bytes that are not valid protobuf (truncated, malformed, too deep). */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

/** The wire types of the protobuf encoding. */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  I32: 5,
} as const;

const TWO_POW_32 = 4294967296;
/** `hi` below this means the 64-bit value is below 2^53, exact as a `number`. */
const SAFE_HI = 0x200000;

/**
 * Reads protobuf primitives from a buffer, within a movable limit (the end of the message
 * being read), so a nested message can never read past its own end.
 */
export class ProtobufReader {
  /** Offset of the next byte to read. */
  pos = 0;
  /** Offset the current message ends at; reads never go past it. */
  limit: number;
  /** Low 32 bits (unsigned) of the last 64-bit value read by {@link varint64} / {@link fixed64}. */
  lo = 0;
  /** High 32 bits (unsigned) of the last 64-bit value read. */
  hi = 0;

  constructor(readonly buf: Buffer) {
    this.limit = buf.length;
  }

  /** Bytes left before the limit. */
  get remaining(): number {
    return this.limit - this.pos;
  }

  /** Reads a varint of up to 10 bytes into {@link lo} / {@link hi}. */
  varint64(): void {
    let lo = 0;
    let hi = 0;
    for (let index = 0; index < 10; index++) {
      if (this.pos >= this.limit) throw this.truncated('varint');
      const byte = this.buf[this.pos++] as number;
      const bits = byte & 0x7f;
      if (index < 4) lo |= bits << (7 * index);
      else if (index === 4) {
        // Bits 28..34 straddle the two halves.
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * index - 32);
      if (byte < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new ProtobufError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A varint truncated to its low 32 bits, unsigned (tags, lengths, uint32, fixed enums). */
  uint32(): number {
    // Fast path for the common one-byte case.
    if (this.pos < this.limit) {
      const byte = this.buf[this.pos] as number;
      if (byte < 0x80) {
        this.pos++;
        return byte;
      }
    }
    this.varint64();
    return this.lo;
  }

  /** A length prefix, checked against the bytes left in the current message. */
  length(what: string): number {
    this.varint64();
    // A length needs no more than 32 bits; anything larger cannot fit in the buffer anyway.
    if (this.hi !== 0 || this.lo > this.remaining) throw this.truncated(what);
    return this.lo;
  }

  /** 4 little-endian bytes, unsigned. */
  fixed32(): number {
    if (this.remaining < 4) throw this.truncated('fixed32');
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  /** 8 little-endian bytes into {@link lo} / {@link hi}. */
  fixed64(): void {
    if (this.remaining < 8) throw this.truncated('fixed64');
    this.lo = this.buf.readUInt32LE(this.pos);
    this.hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
  }

  /** An IEEE 754 double (8 little-endian bytes). */
  double(): number {
    if (this.remaining < 8) throw this.truncated('double');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /**
   * Length-delimited bytes, as a view on the input (no copy: ids are turned into hex and
   * byte values are copied by the normalizer, so views never outlive the request).
   */
  bytes(): Buffer {
    const length = this.length('bytes');
    const view = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    const length = this.length('string');
    const value = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /**
   * Skips one field's value of `wireType` (an unknown field). Groups are skipped to their
   * end tag, each level counting towards `depth` like a nested message.
   */
  skip(wireType: number, depth: number, maxDepth: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint64();
        return;
      case WireType.I64:
        if (this.remaining < 8) throw this.truncated('fixed64');
        this.pos += 8;
        return;
      case WireType.LEN: {
        // Read the length first: `this.pos += this.length()` would add to the old position.
        const length = this.length('length-delimited field');
        this.pos += length;
        return;
      }
      case WireType.I32:
        if (this.remaining < 4) throw this.truncated('fixed32');
        this.pos += 4;
        return;
      case WireType.START_GROUP: {
        if (depth + 1 > maxDepth) throw new ProtobufError(`nesting deeper than ${maxDepth}`);
        for (;;) {
          if (this.pos >= this.limit) throw this.truncated('group');
          const tag = this.uint32();
          if ((tag & 7) === WireType.END_GROUP) return;
          this.skip(tag & 7, depth + 1, maxDepth);
        }
      }
      default:
        throw new ProtobufError(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  private truncated(what: string): ProtobufError {
    return new ProtobufError(`truncated ${what} at offset ${this.pos}`);
  }
}

/** The last 64-bit value read, unsigned, as a decimal string. */
export function unsigned64(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < SAFE_HI) return String(hi * TWO_POW_32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** The last 64-bit value read, two's complement signed, as a decimal string. */
export function signed64(lo: number, hi: number): string {
  if ((hi & 0x80000000) === 0) return unsigned64(lo, hi);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}
