/**
 * The one HTTP client of sprintlens's own traffic: OTLP exports, the sampling policy (GET with
 * `If-None-Match`), pattern reports, and `sprintlens doctor`'s probe.
 *
 * - One keep-alive connection pool per target (a `node:http` or `node:https` `Agent`); idle
 *   sockets never keep the process alive.
 * - A per-request timeout (the whole exchange, code `ETIMEDOUT`) and an optional abort signal
 *   (code `ABORTED`).
 * - A bounded answer: at most `maxResponseBytes` of the body are kept; a longer answer is cut
 *   there (`truncated`) and its connection closed.
 * - Never throws: every request resolves with the answer or the network error.
 * - User info in the URL (`http://user:pass@host`) is sent as HTTP Basic auth, as `node:http`
 *   does for a URL.
 * - Every request runs with tracing suppressed (`suppressTracing`), so an HTTP instrumentation
 *   never turns the SDK's own requests into spans (which would be exported by the same requests).
 */
import * as http from 'node:http';
import type * as Https from 'node:https';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

// node:https (with node:tls) is loaded for the first https target only: a process that
// exports over plain HTTP, the default, never pays its memory (docs/performance.md).
let httpsModule: typeof Https | undefined;
function https(): typeof Https {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above.
  httpsModule ??= require('node:https') as typeof Https;
  return httpsModule;
}

/** What is kept of an answer's body unless a request says otherwise. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** An HTTP answer, whatever its status. */
export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  /** The raw `Retry-After` header. */
  readonly retryAfter: string | undefined;
  readonly etag: string | undefined;
  readonly contentType: string | undefined;
  /** The body, or its first `maxResponseBytes` when {@link truncated}. */
  readonly body: Uint8Array;
  /** The body was longer than `maxResponseBytes`: the rest was not read. */
  readonly truncated: boolean;
}

/** A request that got no (complete) answer. */
export interface HttpNetworkError {
  readonly kind: 'network-error';
  /**
   * A node:net/dns/tls code (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`, …),
   * `ETIMEDOUT` for the request's own timeout, `ABORTED` for its abort signal.
   */
  readonly code: string;
  /** The whole body was written before the failure: the server may have received it. */
  readonly bodySent: boolean;
}

export type HttpResult = HttpAnswer | HttpNetworkError;

/** Options of one request. */
export interface HttpRequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The whole exchange, from the request to the end of the answer. */
  readonly timeoutMillis: number;
  readonly signal?: AbortSignal | undefined;
  /** Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  readonly maxResponseBytes?: number;
  /**
   * Whether the request keeps the process alive while it runs (default `true`). Background
   * requests (a policy refresh) pass `false`, so the app can exit in the middle of one.
   */
  readonly ref?: boolean;
}

/** Options of a {@link HttpClient}. */
export interface HttpClientOptions {
  /** Connections to the target at a time. Default 1. */
  readonly maxSockets?: number;
}

/** Idle pooled sockets are closed after this, before a load balancer closes them under us. */
const IDLE_SOCKET_MILLIS = 30_000;

/** HTTP requests to one target URL over a keep-alive connection pool. */
export class HttpClient {
  private readonly url: URL | undefined;
  private readonly secure: boolean;
  private readonly agent: http.Agent;

  constructor(url: string, options: HttpClientOptions = {}) {
    this.url = URL.canParse(url) ? new URL(url) : undefined;
    this.secure = this.url?.protocol === 'https:';
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 1,
      timeout: IDLE_SOCKET_MILLIS,
    };
    this.agent = this.secure ? new (https().Agent)(agentOptions) : new http.Agent(agentOptions);
  }

  /** POSTs `body` to the target. */
  post(body: Uint8Array | string, options: HttpRequestOptions): Promise<HttpResult> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    return this.request('POST', bytes, options);
  }

  /** GETs the target. */
  get(options: HttpRequestOptions): Promise<HttpResult> {
    return this.request('GET', undefined, options);
  }

  /** Closes every pooled socket (shutdown); a request in flight fails with `ECONNRESET`. */
  close(): void {
    this.agent.destroy();
  }

  private request(
    method: 'GET' | 'POST',
    body: Uint8Array | undefined,
    options: HttpRequestOptions,
  ): Promise<HttpResult> {
    const url = this.url;
    if (url === undefined) {
      return Promise.resolve({ kind: 'network-error', code: 'ERR_INVALID_URL', bodySent: false });
    }
    // Outside any trace: an HTTP instrumentation checks this context when the request is made.
    return context.with(suppressTracing(context.active()), () =>
      this.exchange(url, method, body, options),
    );
  }

  private exchange(
    url: URL,
    method: 'GET' | 'POST',
    body: Uint8Array | undefined,
    options: HttpRequestOptions,
  ): Promise<HttpResult> {
    const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const signal = options.signal;
    return new Promise<HttpResult>((resolve) => {
      let settled = false;
      let bodySent = false;
      let req: http.ClientRequest | undefined;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const fail = (code: string): void => {
        finish({ kind: 'network-error', code, bodySent });
        req?.destroy();
      };
      const onAbort = (): void => fail('ABORTED');
      const timer = setTimeout(() => fail('ETIMEDOUT'), options.timeoutMillis);
      timer.unref();
      if (signal?.aborted === true) {
        onAbort();
        return;
      }

      const headers: Record<string, string> = { ...options.headers };
      if (body !== undefined) headers['content-length'] = String(body.length);
      try {
        // Through the module object, not a saved reference: an instrumentation patches it there.
        req = (this.secure ? https() : http).request(url, { method, agent: this.agent, headers });
      } catch (error) {
        // A request node:http refuses to make (an invalid header value, a bad port).
        fail(errorCode(error));
        return;
      }
      if (options.ref === false) req.on('socket', (socket) => socket.unref());
      req.on('error', (error) => fail(errorCode(error)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (truncated: boolean): void => {
          finish({
            kind: 'answer',
            status: res.statusCode ?? 0,
            retryAfter: firstHeader(res.headers['retry-after']),
            etag: firstHeader(res.headers.etag),
            contentType: firstHeader(res.headers['content-type']),
            body: Buffer.concat(chunks),
            truncated,
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          if (size + chunk.length > maxBytes) {
            chunks.push(chunk.subarray(0, maxBytes - size));
            answer(true);
            res.destroy();
            return;
          }
          size += chunk.length;
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(errorCode(error)));
        res.on('aborted', () => fail('ECONNRESET'));
        res.on('end', () => {
          if (!res.complete) fail('ECONNRESET');
          else answer(false);
        });
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body, () => {
        bodySent = true;
      });
    });
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_NETWORK';
}
