import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { reportWarning } from '../base/diag';
import { MetricsServerFailedError } from '../base/errors';
import { checkHealth } from '../base/health';
import { markOwnServer } from '../base/own-servers';
import type { HealthStatus } from '../base/health';
import { selfMetrics } from '../base/self-metrics';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  readonly port: number;
  /** Default `127.0.0.1`: metrics stay on the host unless the user opens them up. */
  readonly host: string;
}

/** A running metrics server. */
export interface MetricsServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * HTTP status of `/healthz`: 503 only for `unhealthy` (what a restart fixes), so a liveness
 * probe never restarts an app because its telemetry backend is away. `strict` (for monitors
 * that only read status codes, not for Kubernetes probes) also answers 503 when degraded.
 */
export function healthStatusCode(status: HealthStatus, strict: boolean): number {
  if (status === 'unhealthy') return 503;
  return strict && status === 'degraded' ? 503 : 200;
}

/** The request target, or `undefined` when it cannot be parsed (never throw in a handler). */
function parseUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

function isStrict(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Serves `GET /metrics` (prom-client text exposition of sprintlens's own metrics) and
 * `GET /healthz` (JSON `{ status, healthy, checks }`; see {@link healthStatusCode} for the
 * status code and docs/operations.md for the semantics). The server is unref'd: it never keeps
 * a process alive that would have exited. Failing to listen (port taken) is reported with a
 * code; the app runs on.
 */
export function startMetricsServer(
  options: MetricsServerOptions,
): Promise<MetricsServer | undefined> {
  // The registry (and prom-client with it) is made now, not at the first scrape.
  const registry = selfMetrics().registry;
  const server: Server = createServer((req, res) => {
    const url = parseUrl(req.url);
    if (url === undefined) {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (url.pathname === '/healthz') {
      const health = checkHealth();
      res
        .writeHead(healthStatusCode(health.status, isStrict(url.searchParams.get('strict'))), {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        })
        .end(JSON.stringify(health));
      return;
    }
    res.writeHead(404).end();
  });
  // Scrapes and probes are never traced: the bundled HTTP instrumentation skips this server.
  markOwnServer(server);
  return new Promise((resolve) => {
    server.once('error', (error) => {
      reportWarning(new MetricsServerFailedError(options.host, options.port, error));
      resolve(undefined);
    });
    server.listen(options.port, options.host, () => {
      server.unref();
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
