/**
 * Routing and the request pipeline: faults, then authentication, then the route handler.
 * See `faults.ts` for the exact order in which faults apply.
 *
 * `GET /v1/dev/summary` (a dev-only extension of Backend API v1) stands outside the
 * pipeline: it is authenticated like every route but never faulted, counted or stored, so
 * a dashboard reading it does not change what it shows.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { checkAuth } from './auth';
import type { FaultInjector, FaultKind, OutageFault } from './faults';
import {
  createOtlpHandler,
  createPatternsHandler,
  createPolicyHandler,
  errorReply,
  jsonReply,
} from './handlers';
import type { Handler } from './handlers';
import { readBody, requestTarget, send, sendTruncated, sleep } from './http-util';
import type { Reply } from './http-util';
import type { PolicyStore } from './policy';
import type { BackendStore } from './store';
import type { RequestRecord, RouteName } from './types';

/** Path → route and the one method it accepts. */
const ROUTES: ReadonlyMap<string, { route: RouteName; method: 'GET' | 'POST' }> = new Map([
  ['/v1/traces', { route: 'traces', method: 'POST' }],
  ['/v1/logs', { route: 'logs', method: 'POST' }],
  ['/v1/metrics', { route: 'metrics', method: 'POST' }],
  ['/v1/sampling/policy', { route: 'policy', method: 'GET' }],
  ['/v1/sampling/patterns', { route: 'patterns', method: 'POST' }],
]);

/** Path of the dev-only summary (JSON of the aggregates the CLI prints). */
export const DEV_SUMMARY_PATH = '/v1/dev/summary';

/** Default of `maxRequestBytes`: well above the SDK's largest batch (4 MiB). */
export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** What the server needs from the rest of the backend. */
export interface ServerDependencies {
  store: BackendStore;
  faults: FaultInjector;
  /** The outage in progress, if any (read at each request). */
  currentOutage: () => OutageFault | undefined;
  policies: PolicyStore;
  auth: { apiKey: string | undefined; failureStatus: 401 | 403 };
  /** The body of `GET /v1/dev/summary`. */
  summary: () => unknown;
  limits: { maxRequestBytes?: number; maxDecompressedBytes?: number };
}

/** Creates the (not yet listening) HTTP server of the backend. */
export function createBackendServer(deps: ServerDependencies): Server {
  const { store, faults, policies } = deps;
  const { maxDecompressedBytes } = deps.limits;
  const handlers: Record<RouteName, Handler> = {
    traces: createOtlpHandler({ signal: 'traces', store, faults, maxDecompressedBytes }),
    logs: createOtlpHandler({ signal: 'logs', store, faults, maxDecompressedBytes }),
    metrics: createOtlpHandler({ signal: 'metrics', store, faults, maxDecompressedBytes }),
    policy: createPolicyHandler({ store, policies }),
    patterns: createPatternsHandler({ store, maxDecompressedBytes }),
  };
  return createServer((req, res) => {
    const { path } = requestTarget(req.url);
    if (path === DEV_SUMMARY_PATH) {
      serveSummary(req, res, deps);
      return;
    }
    const entry = ROUTES.get(path);
    const record = store.begin({ req, route: entry?.route });
    res.once('close', () => store.end(record));
    const exchange = new Exchange({ req, res, record, deps, handlers });
    exchange.run(entry).catch((error: unknown) => exchange.fail(error));
  });
}

/** `GET /v1/dev/summary`: authenticated, never faulted or recorded. */
function serveSummary(req: IncomingMessage, res: ServerResponse, deps: ServerDependencies): void {
  req.resume();
  const answer = (reply: Reply): void => {
    if (!res.headersSent && !res.destroyed) send(res, reply);
  };
  const authFailure = checkAuth({
    apiKey: deps.auth.apiKey,
    authorization: req.headers.authorization,
    failureStatus: deps.auth.failureStatus,
  });
  if (authFailure) {
    const reply = jsonReply({ status: authFailure.status, value: { error: authFailure.message } });
    answer({ ...reply, headers: { ...reply.headers, ...authFailure.headers } });
    return;
  }
  if (req.method !== 'GET') {
    const reply = jsonReply({
      status: 405,
      value: { error: `${req.method} not allowed on ${DEV_SUMMARY_PATH}; use GET` },
    });
    answer({ ...reply, headers: { ...reply.headers, allow: 'GET' } });
    return;
  }
  try {
    const reply = jsonReply({ status: 200, value: deps.summary() });
    answer({ ...reply, headers: { ...reply.headers, 'cache-control': 'no-store' } });
  } catch (error: unknown) {
    const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    answer(jsonReply({ status: 500, value: { error: message } }));
  }
}

/** What one exchange works with. */
interface ExchangeContext {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
  deps: ServerDependencies;
  handlers: Record<RouteName, Handler>;
}

/** One request/response exchange going through the pipeline. */
class Exchange {
  constructor(private readonly ctx: ExchangeContext) {}

  async run(entry: { route: RouteName; method: string } | undefined): Promise<void> {
    const { req, record, deps } = this.ctx;
    if (!entry || req.method !== entry.method) {
      // Drained (and discarded: nothing is kept) so the connection can be reused.
      await readBody(req, { maxBytes: 0 });
      if (!entry) this.error({ status: 404, message: `no route for ${record.path}` });
      else {
        const message = `${req.method} not allowed on ${record.path}; use ${entry.method}`;
        this.error({ status: 405, message, headers: { allow: entry.method } });
      }
      return;
    }
    const { route } = entry;
    const { faults } = deps;

    const latency = faults.latencyFor(route);
    if (latency > 0) {
      record.injectedLatencyMs = latency;
      await sleep(latency);
    }
    const maxBytes = deps.limits.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    const body = await readBody(req, {
      resetAfterBytes: faults.takeResetMidRequest(route),
      maxBytes,
    });
    if (body.kind === 'too-large') {
      record.wireBytes = body.bytesRead;
      const message = `body of ${body.bytesRead} bytes exceeds the backend's limit of ${maxBytes}`;
      this.error({ status: 413, message, headers: { connection: 'close' } });
      return;
    }
    if (body.kind !== 'complete') {
      record.wireBytes = body.bytesRead;
      record.outcome = body.kind === 'reset' ? 'reset-mid-request' : 'aborted';
      if (body.kind === 'reset') record.fault = 'reset-mid-request';
      return;
    }
    record.wireBytes = body.body.length;

    const outage = deps.currentOutage();
    if (outage?.mode === 'unavailable' && faults.applies(outage, route)) {
      this.error({ status: 503, message: 'backend unavailable (outage)', fault: 'outage' });
      return;
    }
    const failure = faults.failureFor(route, { wireBytes: record.wireBytes });
    if (failure) {
      this.error(failure);
      return;
    }
    const authFailure = checkAuth({
      apiKey: deps.auth.apiKey,
      authorization: req.headers.authorization,
      failureStatus: deps.auth.failureStatus,
    });
    if (authFailure) {
      this.error(authFailure);
      return;
    }

    const output = this.ctx.handlers[route]({
      record,
      headers: req.headers,
      query: record.query,
      body: body.body,
    });
    record.error = output.error;
    record.fault = output.fault;
    if (faults.takeResetMidResponse(route)) {
      record.status = output.reply.status;
      record.outcome = 'reset-mid-response';
      record.fault = 'reset-mid-response';
      sendTruncated(this.ctx.res, output.reply);
      return;
    }
    this.answer(output.reply);
  }

  /** Answers an error in the route's error format, with `Retry-After` when scripted. */
  error(options: {
    status: number;
    message: string;
    fault?: FaultKind;
    headers?: Record<string, string>;
  }): void {
    const { record } = this.ctx;
    record.error = options.message;
    record.fault = options.fault;
    const reply = errorReply({
      route: record.route,
      contentType: record.contentType,
      status: options.status,
      message: options.message,
    });
    reply.headers = { ...reply.headers, ...options.headers };
    this.answer(reply);
  }

  /** Last resort for a bug in the pipeline: 500 if possible, else drop the connection. */
  fail(error: unknown): void {
    const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    if (this.ctx.res.headersSent) {
      this.ctx.record.error = message;
      this.ctx.res.destroy();
    } else {
      this.error({ status: 500, message });
    }
  }

  private answer(reply: Reply): void {
    const { record, res, deps } = this.ctx;
    if (res.headersSent || res.destroyed) return;
    const retryAfter = deps.faults.retryAfterFor(reply.status);
    if (retryAfter !== undefined) reply.headers = { ...reply.headers, 'retry-after': retryAfter };
    // Status first: the client may act on the answer before 'close' fires here.
    record.status = reply.status;
    record.outcome = 'answered';
    send(res, reply);
  }
}
