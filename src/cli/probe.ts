/**
 * `sprintlens doctor`'s endpoint check: one empty OTLP trace export, sent exactly as the
 * exporter sends (the SDK's HTTP client, the same URL — user info becomes HTTP Basic auth —,
 * headers, content type, encoder and compression, and the exporter's own delivery loop for the
 * status handling and the compression step-down, with a single try), so doctor and the exporter
 * cannot disagree about whether the endpoint works. Every failure gets a named cause and what to
 * do about it.
 */
import { STATUS_CODES } from 'node:http';
import { exportCompression } from '../../exporters/factory';
import { CircuitBreaker } from '../../exporters/transport/circuit-breaker';
import { Compressor } from '../../exporters/transport/compressor';
import { AdaptiveConcurrency } from '../../exporters/transport/concurrency';
import { Delivery } from '../../exporters/transport/delivery';
import type { SendResult } from '../../exporters/transport/delivery';
import { contentTypeOf, traceCodec } from '../../exporters/transport/encoder';
import { Ledger } from '../../exporters/transport/ledger';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../exporters/transport/types';
import { HttpClient } from '../base/http-client';
import type { Compression, OtlpProtocol, ResolvedConfig } from '../config/options';
import {
  AuthRejectedError,
  DoctorEndpointRejectedError,
  DoctorEndpointUnreachableError,
} from '../base/errors';
import type { SprintlensError } from '../base/errors';

/** What is probed, and where its URL came from (for the advice). */
export interface ProbeTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: OtlpProtocol;
  readonly compression: Compression;
  readonly mode: 'backend' | 'collector';
  /** The setting the URL comes from, e.g. `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly source: string;
}

/** Why a probe failed, one value per distinct thing to fix. */
export type ProbeCause =
  | 'refused'
  | 'bad-port'
  | 'dns'
  | 'tls-certificate'
  | 'tls-handshake'
  | 'timeout'
  | 'reset'
  | 'unroutable'
  | 'network'
  | 'auth'
  | 'wrong-path'
  | 'wrong-protocol'
  | 'redirect'
  | 'server-error'
  | 'http-status';

export type ProbeOutcome =
  | { readonly ok: true; readonly status: number; readonly summary: string }
  | { readonly ok: false; readonly cause: ProbeCause; readonly error: SprintlensError };

/** A failure's cause, in words, and what to do. */
export interface Diagnosis {
  readonly cause: ProbeCause;
  readonly reason: string;
  readonly advice: string;
}

/** The trace export of `config`, with the setting its URL comes from. */
export function probeTarget(
  config: ResolvedConfig,
  env: Readonly<Record<string, string | undefined>>,
): ProbeTarget {
  const set = (name: string): boolean => (env[name] ?? '').trim() !== '';
  const source =
    config.mode === 'backend'
      ? 'SPRINTLENS_ENDPOINT'
      : set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
        ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
        : set('OTEL_EXPORTER_OTLP_ENDPOINT')
          ? 'OTEL_EXPORTER_OTLP_ENDPOINT'
          : 'OTEL_EXPORTER_OTLP_ENDPOINT (unset: the default)';
  return {
    url: config.traces.url,
    headers: config.traces.headers,
    protocol: config.traces.protocol,
    compression: exportCompression(config),
    mode: config.mode,
    source,
  };
}

/**
 * Sends an empty OTLP trace export (no spans: nothing shows up in the backend) and reads the
 * answer. 2xx, and 400 (some receivers refuse an empty request), prove an OTLP receiver is
 * there; so does 429 (it is throttling).
 */
export async function probeEndpoint(
  target: ProbeTarget,
  timeoutMillis: number,
): Promise<ProbeOutcome> {
  /** Encodings the endpoint refused on the way, as the exporter would learn them. */
  const refusals: string[] = [];
  const client = new HttpClient(target.url, { maxSockets: 1 });
  /** The last request: its result, and the encoding its body was sent with. */
  let last: { result: SendResult; encoding: string | undefined } | undefined;
  const defaults = DEFAULT_TRANSPORT_OPTIONS;
  // The exporter's delivery loop with a single try: a 415 to a compressed body steps the
  // compressor down (zstd to gzip, gzip to none) and resends; a 400 is tried again uncompressed.
  const delivery = new Delivery({
    name: 'traces',
    send: async (body, headers, signal, timeout) => {
      const result = await client.post(body, { headers, signal, timeoutMillis: timeout });
      last = { result, encoding: headers['content-encoding'] };
      return result;
    },
    headers: target.headers,
    compressor: new Compressor(target.compression),
    breaker: new CircuitBreaker({
      failureThreshold: defaults.circuitFailureThreshold,
      openMillis: defaults.circuitOpenMillis,
    }),
    adaptive: new AdaptiveConcurrency(defaults),
    ledger: new Ledger(),
    drops: { inFlight: () => undefined },
    tunables: { ...defaults, requestTimeoutMillis: timeoutMillis },
    state: { stopping: false, flushing: false, canPark: false },
    signal: new AbortController().signal,
    rejected: () => 0,
    onEncodingRefused: (refused, status) => void refusals.push(`${refused} (${status})`),
    maxAttempts: 1,
  });
  try {
    const body = traceCodec.encode([], target.protocol);
    await delivery.deliver(body, 0, false, contentTypeOf(target.protocol));
  } finally {
    client.close();
  }
  // deliver() makes at least one request.
  const { result, encoding } = last!;

  if (result.kind === 'network-error') {
    const { cause, reason, advice } = diagnoseNetworkError(result.code, target, timeoutMillis);
    return {
      ok: false,
      cause,
      error: new DoctorEndpointUnreachableError(target.url, reason, advice),
    };
  }
  const { status } = result;
  if (status === 401 || status === 403) {
    const credentials =
      target.mode === 'backend'
        ? 'SPRINTLENS_API_KEY'
        : "the credentials in OTEL_EXPORTER_OTLP_HEADERS or the URL's user info";
    return {
      ok: false,
      cause: 'auth',
      error: new AuthRejectedError(target.url, status, credentials),
    };
  }
  const diagnosis = diagnoseStatus(status, target, encoding);
  if (diagnosis === undefined) {
    const notes: string[] = [];
    if (status === 400) notes.push('it refuses empty requests, but an OTLP receiver is there');
    if (status === 429) {
      notes.push('rate limited: the endpoint is there; the exporter waits as Retry-After says');
    }
    if (refusals.length > 0) {
      notes.push(
        `it refused ${refusals.join(', then ')}: the exporter steps down the same way, ` +
          `to ${encoding ?? 'no compression'}; set SPRINTLENS_COMPRESSION to match`,
      );
    }
    const note = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
    return { ok: true, status, summary: `ok: answered ${status} to an empty OTLP request${note}` };
  }
  return {
    ok: false,
    cause: diagnosis.cause,
    error: new DoctorEndpointRejectedError(target.url, status, diagnosis.reason, diagnosis.advice),
  };
}

/** Certificate problems by node:tls error code, in words. */
const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed CA this process does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is signed by a CA this process does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'it is signed by a CA this process does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is signed by a CA this process does not trust',
  CERT_UNTRUSTED: 'it is not trusted',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is not issued for this host name',
  HOSTNAME_MISMATCH: 'it is not issued for this host name',
};

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_TLS_HANDSHAKE_TIMEOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA', 'EAI_AGAIN']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_NETWORK']);
const UNROUTABLE_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/** The cause of a network error code from the HTTP client (a node:net/dns/tls code). */
export function diagnoseNetworkError(
  code: string,
  target: ProbeTarget,
  timeoutMillis: number,
): Diagnosis {
  const url = new URL(target.url);
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? '443' : '80') : url.port;
  const hostPort = `${url.hostname}:${port}`;
  const where = target.source;

  if (code === 'ERR_SOCKET_BAD_PORT' || (port === '0' && code === 'ECONNREFUSED')) {
    return {
      cause: 'bad-port',
      reason: `port ${port} cannot be connected to (${code})`,
      advice: `Give the port the collector or backend listens on in ${where} (OTLP/HTTP is usually 4318).`,
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      cause: 'bad-port',
      reason: `connecting to ${hostPort} is not permitted (${code})`,
      advice:
        'A firewall or security policy on this machine blocks that address or port: use the ' +
        `port the collector or backend listens on in ${where}, or allow the connection.`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      cause: 'refused',
      reason: `connection refused (ECONNREFUSED): nothing listens on ${hostPort}`,
      advice: `Start the collector or backend, or fix the host or port in ${where}.`,
    };
  }
  if (DNS_CODES.has(code)) {
    return code === 'EAI_AGAIN'
      ? {
          cause: 'dns',
          reason: `looking up the host name ${url.hostname} failed for now (EAI_AGAIN: no DNS answer)`,
          advice: `Check this machine's DNS and network, then the host name in ${where}.`,
        }
      : {
          cause: 'dns',
          reason: `the host name ${url.hostname} does not resolve (${code})`,
          advice: `Fix the host name in ${where}.`,
        };
  }
  const certificate = CERTIFICATE_PROBLEMS[code];
  if (certificate !== undefined || /CERT/.test(code)) {
    return {
      cause: 'tls-certificate',
      reason: `the TLS certificate of ${hostPort} was rejected (${code}: ${certificate ?? 'it could not be verified'})`,
      advice: certificateAdvice(code, url.hostname, where),
    };
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    if (TIMEOUT_CODES.has(code)) return timeout(code, timeoutMillis, where);
    return {
      cause: 'tls-handshake',
      reason: `the TLS handshake with ${hostPort} failed (${code})`,
      advice: secure
        ? `The port may speak plain HTTP: try http:// in ${where}. Otherwise the endpoint ` +
          'and Node share no TLS version or cipher.'
        : `Check the URL in ${where}.`,
    };
  }
  if (TIMEOUT_CODES.has(code)) return timeout(code, timeoutMillis, where);
  if (RESET_CODES.has(code)) {
    return {
      cause: 'reset',
      reason: `${hostPort} closed the connection without an answer (${code})`,
      advice: secure
        ? 'A proxy or load balancer in between, or the endpoint itself, dropped the request: ' +
          'check their logs.'
        : `The port may expect TLS: try https:// in ${where}. Otherwise a proxy or load ` +
          'balancer in between dropped the request: check its logs.',
    };
  }
  if (UNROUTABLE_CODES.has(code)) {
    return {
      cause: 'unroutable',
      reason: `no route to ${hostPort} (${code})`,
      advice: `Check the network path (VPN, firewall, routes) and the address in ${where}.`,
    };
  }
  return {
    cause: 'network',
    reason: `network error ${code}`,
    advice: `Check the URL in ${where} and the network path.`,
  };
}

function timeout(code: string, timeoutMillis: number, where: string): Diagnosis {
  return {
    cause: 'timeout',
    reason: `no answer within ${timeoutMillis} ms (${code})`,
    advice:
      'Something takes the connection, or drops it silently, but does not answer: a firewall, ' +
      `a proxy, or a stuck server. Check the host and port in ${where}; if the endpoint is ` +
      'only slow, raise --timeout.',
  };
}

function certificateAdvice(code: string, hostname: string, where: string): string {
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return "Renew the endpoint's certificate, or check this machine's clock.";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return (
      `Use a host name the certificate lists in ${where}, or reissue the certificate for ` +
      `${hostname}.`
    );
  }
  return (
    'If the endpoint uses a private CA or a self-signed certificate, give Node that CA: ' +
    'NODE_EXTRA_CA_CERTS=/path/to/ca.pem, in the environment of doctor and of the app.'
  );
}

/**
 * What an HTTP status says about the setup; `undefined` when an OTLP receiver accepted (2xx),
 * refused the empty request (400) or is throttling (429). 401/403 are handled by the caller.
 */
export function diagnoseStatus(
  status: number,
  target: ProbeTarget,
  encoding: string | undefined,
): Diagnosis | undefined {
  if ((status >= 200 && status < 300) || status === 400 || status === 429) return undefined;
  const text = STATUS_CODES[status];
  const named = text === undefined ? `HTTP ${status}` : `${status} ${text}`;
  const where = target.source;
  const path = new URL(target.url).pathname;

  if (status === 404 || status === 405) {
    let advice: string;
    if (/\/v1\/traces\/v1\/traces$/.test(path)) {
      advice = `The path has /v1/traces twice: leave /v1/traces out of ${where}, sprintlens adds it.`;
    } else if (target.mode === 'backend') {
      advice =
        "SPRINTLENS_ENDPOINT is the backend's base URL: sprintlens adds /v1/traces itself. " +
        'Check it points at a Sprint Lens backend.';
    } else if (where === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') {
      advice =
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as it is: give the full URL, usually ' +
        'ending in /v1/traces.';
    } else {
      advice =
        'Collector mode sends traces to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces: give the ' +
        "collector's base URL (e.g. http://collector:4318), without /v1/traces, and check it " +
        'is an OTLP/HTTP port (4318), not gRPC (4317).';
    }
    return { cause: 'wrong-path', reason: `no OTLP receiver at ${path} (${named})`, advice };
  }
  if (status === 415) {
    const contentType = contentTypeOf(target.protocol);
    const other = target.protocol === 'http/json' ? 'http/protobuf' : 'http/json';
    const sent =
      encoding === undefined ? contentType : `${contentType} with Content-Encoding ${encoding}`;
    return {
      cause: 'wrong-protocol',
      reason: `the endpoint does not take ${sent} (${named})`,
      advice:
        `Try OTEL_EXPORTER_OTLP_PROTOCOL=${other}` +
        (encoding === undefined ? '' : ', or SPRINTLENS_COMPRESSION=none') +
        '; an OTLP/HTTP receiver takes application/x-protobuf and application/json.',
    };
  }
  if (status >= 300 && status < 400) {
    return {
      cause: 'redirect',
      reason: `a redirect (${named})`,
      advice:
        'The exporter does not follow redirects: put the URL it redirects to (often https:// ' +
        `instead of http://) in ${where}.`,
    };
  }
  if (status >= 500) {
    const proxy =
      status === 502 || status === 504 ? ' (a proxy in front of it could not reach it)' : '';
    return {
      cause: 'server-error',
      reason: `the endpoint is failing${proxy} (${named})`,
      advice:
        "Check the collector's or backend's own logs. The exporter retries 500, 502, 503 and " +
        '504, so telemetry waits in its queue until the endpoint recovers.',
    };
  }
  return {
    cause: 'http-status',
    reason: `an OTLP receiver does not answer an export with ${named}`,
    advice: `Check that ${where} points at an OTLP/HTTP receiver.`,
  };
}
