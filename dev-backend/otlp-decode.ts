/**
 * OTLP/HTTP body codec: request decoding (protobuf or OTLP/JSON) and response encoding.
 *
 * Both formats decode through one message table (`otlp-wire-schema.ts`) into the same
 * plain form, then through one normalizer (`otlp-normalize.ts`), so a protobuf body and
 * its OTLP/JSON twin give equal objects. No dependency beyond Node: the backend ships in
 * the package and runs where only `dependencies` are installed.
 */
import { decodeOtlpJson, OtlpJsonError } from './otlp-json';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from './otlp-normalize';
import { decodeProtobuf } from './otlp-protobuf';
import type { OtlpRequestBySignal, OtlpSignal } from './otlp-types';
import { messageSpec } from './otlp-wire-schema';
import type { MessageName, PlainMessage } from './otlp-wire-schema';
import { ProtobufError } from './protobuf-reader';
import { ProtobufWriter } from './protobuf-writer';

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

/** Request message, response `partial_success` counter, and normalizer of each signal. */
const SIGNALS: {
  [S in OtlpSignal]: {
    request: MessageName;
    rejectedField: string;
    normalize: (plain: PlainMessage) => OtlpRequestBySignal[S];
  };
} = {
  traces: {
    request: 'ExportTraceServiceRequest',
    rejectedField: 'rejectedSpans',
    normalize: normalizeTraces,
  },
  logs: {
    request: 'ExportLogsServiceRequest',
    rejectedField: 'rejectedLogRecords',
    normalize: normalizeLogs,
  },
  metrics: {
    request: 'ExportMetricsServiceRequest',
    rejectedField: 'rejectedDataPoints',
    normalize: normalizeMetrics,
  },
};

/**
 * Decodes an (already decompressed) export request body into its plain form: the shape
 * `protobufjs` gives for the same message (see `createDefaults`), before normalization.
 *
 * @throws OtlpDecodeError when the body is not a valid request of that signal.
 */
export function decodePlainRequest(options: {
  signal: OtlpSignal;
  format: OtlpFormat;
  body: Buffer;
}): PlainMessage {
  const { signal, format, body } = options;
  const name = SIGNALS[signal].request;
  const spec = messageSpec(name);
  try {
    if (format === 'protobuf') return decodeProtobuf(body, spec);
    // decodeOtlpJson rejects a document that is not an object.
    return decodeOtlpJson(JSON.parse(body.toString('utf8')), spec);
  } catch (error: unknown) {
    // A SyntaxError is from JSON.parse; a RangeError from a stack overflow or an
    // allocation is a bad body too, not a crash.
    if (
      error instanceof ProtobufError ||
      error instanceof OtlpJsonError ||
      error instanceof SyntaxError ||
      error instanceof RangeError
    ) {
      throw new OtlpDecodeError(`invalid ${format} ${name}: ${error.message}`);
    }
    throw error;
  }
}

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
  const plain = decodePlainRequest(options);
  return SIGNALS[options.signal].normalize(plain);
}

/** A count for an int64 field: an integer, whatever a fault script said. */
function int64Count(value: number): bigint {
  return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
}

/** Encodes an `Export*ServiceResponse`, with `partialSuccess` when given. */
export function encodeExportResponse(options: {
  signal: OtlpSignal;
  format: OtlpFormat;
  partialSuccess?: PartialSuccess;
}): Buffer {
  const { signal, format, partialSuccess } = options;
  if (format === 'json') {
    // Protobuf JSON mapping: int64 as a decimal string.
    const value = partialSuccess
      ? {
          partialSuccess: {
            [SIGNALS[signal].rejectedField]: int64Count(partialSuccess.rejected).toString(),
            errorMessage: partialSuccess.errorMessage ?? '',
          },
        }
      : {};
    return Buffer.from(JSON.stringify(value), 'utf8');
  }
  if (!partialSuccess) return Buffer.alloc(0);
  // Export*PartialSuccess: rejected count (1, int64), error_message (2, string).
  const inner = new ProtobufWriter()
    .varintField(1, int64Count(partialSuccess.rejected))
    .stringField(2, partialSuccess.errorMessage ?? '')
    .finish();
  return new ProtobufWriter().bytesField(1, inner).finish();
}

/** Encodes a `google.rpc.Status`, the error body of OTLP/HTTP 4xx/5xx answers. */
export function encodeStatus(options: {
  format: OtlpFormat;
  code: number;
  message: string;
}): Buffer {
  const { format, code, message } = options;
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }), 'utf8');
  // google.rpc.Status: code (1, int32), message (2, string).
  return new ProtobufWriter().varintField(1, code).stringField(2, message).finish();
}
