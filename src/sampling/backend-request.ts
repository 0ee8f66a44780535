import * as http from 'node:http';
import * as https from 'node:https';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/** What came back from a small backend request. */
export interface BackendResponse {
  readonly status: number;
  readonly etag: string | undefined;
  readonly body: string;
}

/** One JSON request to the backend's sampling endpoints. */
export interface BackendRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMillis: number;
  /** Larger answers are abandoned (the request fails). */
  readonly maxResponseBytes: number;
  /**
   * Keep the process alive while the request runs. Off for background requests (an app must be
   * able to exit mid-refresh), on for the final report at shutdown.
   */
  readonly ref: boolean;
}

/**
 * Sends one request with `node:http(s)`, bounded in time and answer size, outside any trace
 * (tracing is suppressed so the SDK's own traffic never becomes app telemetry). Rejects on
 * network errors, timeouts and oversized answers; any status resolves.
 */
export function backendRequest(request: BackendRequest): Promise<BackendResponse> {
  return new Promise<BackendResponse>((resolve, reject) => {
    context.with(suppressTracing(context.active()), () => {
      let target: URL;
      try {
        target = new URL(request.url);
      } catch (error) {
        reject(error instanceof Error ? error : new Error('invalid URL'));
        return;
      }
      const transport = target.protocol === 'https:' ? https : http;
      const headers: Record<string, string> = { ...request.headers, accept: 'application/json' };
      if (request.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(request.body));
      }
      const req = transport.request(target, { method: request.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxResponseBytes) {
            req.destroy(new Error('response too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const etag = res.headers.etag;
          resolve({
            status: res.statusCode ?? 0,
            etag: typeof etag === 'string' ? etag : undefined,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      });
      req.setTimeout(request.timeoutMillis, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (!request.ref) req.on('socket', (socket) => socket.unref());
      req.end(request.body);
    });
  });
}
