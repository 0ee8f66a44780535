import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the echo server saw it. */
export interface EchoRequest {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Options of {@link EchoServer}. */
export interface EchoServerOptions {
  /**
   * Hold requests back until this many of the same group have arrived, then answer them all:
   * the callers are then all in flight at once (concurrency a test can rely on). Default 1.
   */
  readonly gatherSize?: number;
  /** The group of a request, from its path; default one group for all. */
  readonly groupOf?: (path: string) => string;
  /** Answer a group that is still short after this long anyway (a bound); default 5 s. */
  readonly gatherMillis?: number;
}

/**
 * A loopback HTTP server that answers every request with 200 and records its path and headers
 * (to see what an app's outgoing requests carry, e.g. `traceparent`). Ephemeral port.
 */
export class EchoServer {
  readonly requests: EchoRequest[] = [];
  /** Groups answered short, after `gatherMillis`: their callers were not all in flight at once. */
  readonly shortGroups: string[] = [];
  private readonly server: Server;
  private readonly waiting = new Map<string, ServerResponse[]>();
  private readonly options: Required<EchoServerOptions>;

  constructor(options: EchoServerOptions = {}) {
    this.options = { gatherSize: 1, groupOf: () => '', gatherMillis: 5_000, ...options };
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => this.arrived(req, res));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (address === null) throw new Error('echo server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private arrived(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push({ path, headers: req.headers });
    const group = this.options.groupOf(path);
    const waiting = this.waiting.get(group) ?? [];
    waiting.push(res);
    this.waiting.set(group, waiting);
    if (waiting.length >= this.options.gatherSize) this.release(group);
    else if (waiting.length === 1) {
      // Releases this batch only, not a later one of the same group.
      setTimeout(() => {
        if (this.waiting.get(group) !== waiting) return;
        this.shortGroups.push(group);
        this.release(group);
      }, this.options.gatherMillis).unref();
    }
  }

  private release(group: string): void {
    const waiting = this.waiting.get(group) ?? [];
    this.waiting.delete(group);
    for (const res of waiting) res.writeHead(200, { 'content-type': 'text/plain' }).end('echo');
  }
}
