import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it (body parsed as JSON when it is JSON). */
export interface LlmRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
  /** Value of the `x-llm-scenario` header (`ok` when absent): how the route should behave. */
  readonly scenario: string;
}

/** What a route handler uses to answer: JSON, an SSE stream, or a cut connection. */
export class LlmResponder {
  readonly res: ServerResponse;
  constructor(res: ServerResponse) {
    this.res = res;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    this.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': `req_${status}`,
      ...headers,
    });
    this.res.end(text);
  }

  /** Starts an SSE response. */
  startSse(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': 'req_stream',
    });
  }

  /** Writes one SSE message (`event:` line only when `event` is given). */
  sse(data: unknown, event?: string): void {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`);
  }

  end(): void {
    this.res.end();
  }

  /** Drops the connection without finishing the response (a network failure mid-stream). */
  cut(): void {
    this.res.socket?.destroy();
  }
}

/** A route: answers one request. May be async (slow streams). */
export type LlmHandler = (request: LlmRequest, respond: LlmResponder) => void | Promise<void>;

/**
 * A local HTTP server speaking LLM providers' wire formats, for tests and benchmarks. Routes are
 * a table keyed by `METHOD path` (e.g. `POST /v1/chat/completions`); provider modules add
 * theirs (see `openai.ts`), tests may add or replace any route. Behaviour per request is
 * chosen by the `x-llm-scenario` header. Loopback, ephemeral port.
 */
export class LlmServer {
  readonly requests: LlmRequest[] = [];
  private readonly routes = new Map<string, LlmHandler>();
  /** Routes whose path holds a parameter (a model name), tried in order after the exact ones. */
  private readonly patternRoutes: { method: string; path: RegExp; handler: LlmHandler }[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Adds or replaces the handler for `METHOD path`. */
  route(method: string, path: string, handler: LlmHandler): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  /**
   * Adds a handler for `METHOD` requests whose path matches `path` (e.g. Gemini's
   * `/v1beta/models/{model}:generateContent`); used when no exact route matches.
   */
  routeMatching(method: string, path: RegExp, handler: LlmHandler): this {
    this.patternRoutes.push({ method: method.toUpperCase(), path, handler });
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (address === null) throw new Error('LLM server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: handlers see an empty body.
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const header = req.headers['x-llm-scenario'];
    const request: LlmRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      scenario: typeof header === 'string' ? header : 'ok',
    };
    this.requests.push(request);
    const respond = new LlmResponder(res);
    const handler =
      this.routes.get(`${request.method} ${path}`) ??
      this.patternRoutes.find((r) => r.method === request.method && r.path.test(path))?.handler;
    if (handler === undefined) {
      respond.json(404, {
        error: { message: `no route ${request.method} ${path}`, type: 'not_found' },
      });
      return;
    }
    try {
      await handler(request, respond);
    } catch (error) {
      if (!res.headersSent)
        respond.json(500, { error: { message: String(error), type: 'server_error' } });
      else res.destroy();
    }
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
