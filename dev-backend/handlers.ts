/**
 * Route handlers of Backend API v1 (and the dev summary), and the error bodies each route
 * family answers with.
 *
 * Handlers run after faults and authentication; they validate, store and build the
 * answer, and never touch the socket (the server decides how the answer is sent).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DecompressionError, decompress, parseContentCoding } from './compression';
import type { FaultInjector, FaultKind } from './faults';
import type { Reply } from './http-util';
import {
  OtlpDecodeError,
  contentTypeOf,
  decodeExportRequest,
  encodeExportResponse,
  encodeStatus,
  parseOtlpContentType,
} from './otlp-decode';
import type { OtlpSignal } from './otlp-types';
import { parsePatternReport } from './patterns';
import { ifNoneMatchHits } from './policy';
import type { PolicyStore } from './policy';
import type { BackendStore } from './store';
import type { AnyReceivedExport, RequestRecord, RouteName } from './types';

/** What a handler gets. */
export interface HandlerInput {
  record: RequestRecord;
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  /** The body as received on the wire. */
  body: Buffer;
}

/** A handler's answer, with the reason when it is an error. */
export interface HandlerOutput {
  reply: Reply;
  error?: string;
  /** Set when a fault shaped the answer (an injected `partialSuccess`). */
  fault?: FaultKind;
}

/** Handles one route. */
export type Handler = (input: HandlerInput) => HandlerOutput;

const OTLP_ROUTES: ReadonlySet<RouteName> = new Set(['traces', 'logs', 'metrics']);

/** Closest `google.rpc.Code` for an HTTP status, for OTLP error bodies. */
function grpcCodeFor(status: number): number {
  const codes: Record<number, number> = {
    400: 3, // INVALID_ARGUMENT
    401: 16, // UNAUTHENTICATED
    403: 7, // PERMISSION_DENIED
    404: 5, // NOT_FOUND
    405: 12, // UNIMPLEMENTED
    413: 8, // RESOURCE_EXHAUSTED
    415: 3, // INVALID_ARGUMENT
    429: 8, // RESOURCE_EXHAUSTED
    500: 13, // INTERNAL
    501: 12, // UNIMPLEMENTED
    503: 14, // UNAVAILABLE
    504: 4, // DEADLINE_EXCEEDED
  };
  return codes[status] ?? 2; // UNKNOWN
}

/**
 * The error answer for a route: OTLP routes answer a `google.rpc.Status` in the request's
 * format (JSON when that format is unsupported), the sampling routes `{ "error": … }`.
 */
export function errorReply(options: {
  route: RouteName | undefined;
  contentType: string | undefined;
  status: number;
  message: string;
}): Reply {
  const { route, contentType, status, message } = options;
  if (route !== undefined && OTLP_ROUTES.has(route)) {
    const format = parseOtlpContentType(contentType) ?? 'json';
    return {
      status,
      headers: { 'content-type': contentTypeOf(format) },
      body: encodeStatus({ format, code: grpcCodeFor(status), message }),
    };
  }
  return jsonReply({ status, value: { error: message } });
}

/** A JSON answer. */
export function jsonReply(options: { status: number; value: unknown }): Reply {
  return {
    status: options.status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(options.value), 'utf8'),
  };
}

function failure(options: {
  route: RouteName;
  contentType: string | undefined;
  status: number;
  message: string;
}): HandlerOutput {
  return { reply: errorReply(options), error: options.message };
}

/** Undoes `Content-Encoding`, or says which error to answer. */
function decodedBody(
  input: HandlerInput,
  maxBytes: number | undefined,
): Buffer | { status: number; message: string } {
  const header = input.record.contentEncoding;
  const coding = parseContentCoding(header);
  if (coding === undefined) {
    return { status: 415, message: `unsupported content-encoding ${header}` };
  }
  try {
    return decompress({ body: input.body, coding, maxBytes });
  } catch (error: unknown) {
    if (error instanceof DecompressionError) {
      return { status: error.tooLarge ? 413 : 400, message: error.message };
    }
    throw error;
  }
}

/** `POST /v1/traces`, `/v1/logs`, `/v1/metrics`. */
export function createOtlpHandler(options: {
  signal: OtlpSignal;
  store: BackendStore;
  faults: FaultInjector;
  /** Largest decompressed body; default that of `compression.ts`. */
  maxDecompressedBytes?: number;
}): Handler {
  const { signal, store, faults, maxDecompressedBytes } = options;
  return (input) => {
    const contentType = input.record.contentType;
    const fail = (status: number, message: string): HandlerOutput =>
      failure({ route: signal, contentType, status, message });
    const format = parseOtlpContentType(contentType);
    if (format === undefined) return fail(415, `unsupported content-type ${contentType}`);
    const body = decodedBody(input, maxDecompressedBytes);
    if (!Buffer.isBuffer(body)) return fail(body.status, body.message);

    const request = input.record;
    // One case per signal so each decoded body keeps its own type.
    const decode = (): AnyReceivedExport => {
      const partialSuccess = undefined;
      switch (signal) {
        case 'traces':
          return {
            signal,
            request,
            partialSuccess,
            body: decodeExportRequest({ signal, format, body }),
          };
        case 'logs':
          return {
            signal,
            request,
            partialSuccess,
            body: decodeExportRequest({ signal, format, body }),
          };
        case 'metrics':
          return {
            signal,
            request,
            partialSuccess,
            body: decodeExportRequest({ signal, format, body }),
          };
      }
    };
    let received: AnyReceivedExport;
    try {
      received = decode();
    } catch (error: unknown) {
      if (error instanceof OtlpDecodeError) return fail(400, error.message);
      throw error;
    }
    // Taken only for valid requests, so `times` counts answers that carried it.
    const partialSuccess = faults.takePartialSuccess(signal);
    received.partialSuccess = partialSuccess;
    store.addExport(received);
    return {
      reply: {
        status: 200,
        headers: { 'content-type': contentTypeOf(format) },
        body: encodeExportResponse({ signal, format, partialSuccess }),
      },
      fault: partialSuccess ? 'partial-success' : undefined,
    };
  };
}

/** `GET /v1/sampling/policy?service.name=NAME`. */
export function createPolicyHandler(options: {
  store: BackendStore;
  policies: PolicyStore;
}): Handler {
  const { store, policies } = options;
  return (input) => {
    const service = input.query['service.name'];
    if (service === undefined || service === '') {
      const message = 'the service.name query parameter is required';
      return failure({ route: 'policy', contentType: undefined, status: 400, message });
    }
    const served = policies.resolve(service);
    const ifNoneMatch = input.record.headers['if-none-match'];
    const notModified = ifNoneMatchHits(ifNoneMatch, served.etag);
    const status = notModified ? 304 : 200;
    store.addPolicyRequest({
      request: input.record,
      service,
      ifNoneMatch,
      etag: served.etag,
      status,
    });
    if (notModified) return { reply: { status, headers: { etag: served.etag } } };
    return {
      reply: {
        status,
        headers: { 'content-type': 'application/json', etag: served.etag },
        body: served.body,
      },
    };
  };
}

/** `POST /v1/sampling/patterns`. */
export function createPatternsHandler(options: {
  store: BackendStore;
  /** Largest decompressed body; default that of `compression.ts`. */
  maxDecompressedBytes?: number;
}): Handler {
  const { store, maxDecompressedBytes } = options;
  return (input) => {
    const contentType = input.record.contentType;
    const fail = (status: number, message: string): HandlerOutput =>
      failure({ route: 'patterns', contentType, status, message });
    const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json')
      return fail(415, `unsupported content-type ${contentType}`);
    const body = decodedBody(input, maxDecompressedBytes);
    if (!Buffer.isBuffer(body)) return fail(body.status, body.message);

    let document: unknown;
    try {
      document = JSON.parse(body.toString('utf8'));
    } catch (error: unknown) {
      return fail(400, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = parsePatternReport(document);
    if (!parsed.ok) return fail(400, `invalid pattern report: ${parsed.error}`);
    store.addPatternReport({ request: input.record, report: parsed.report });
    return { reply: { status: 202 } };
  };
}
