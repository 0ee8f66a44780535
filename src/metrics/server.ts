import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { reportWarning } from '../diag';
import { MetricsServerFailedError } from '../errors';
import { checkHealth } from './health';
import { sdkRegistry } from './registry';

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
 * Serves `GET /metrics` (prom-client text exposition of sprintlens's own metrics) and
 * `GET /healthz` (JSON; 200 when every part is healthy, 503 otherwise, so a Kubernetes probe
 * can use it). The server is unref'd: it never keeps a process alive that would have exited.
 * Failing to listen (port taken) is reported with a code; the app runs on.
 */
export function startMetricsServer(
  options: MetricsServerOptions,
): Promise<MetricsServer | undefined> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      sdkRegistry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': sdkRegistry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path === '/healthz') {
      const health = checkHealth();
      res
        .writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: health.healthy ? 'ok' : 'unhealthy', ...health }));
      return;
    }
    res.writeHead(404).end();
  });
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
