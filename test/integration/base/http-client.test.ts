/**
 * The SDK's HTTP client against loopback servers: what an answer carries, each way a request
 * fails (as a result, never a throw), the bounds, keep-alive. That its requests are never traced
 * is test/integration/http-client-tracing.test.ts (the real HTTP instrumentation, built code).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/base/http-client';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; seen: Seen[]; connections: () => number; server: Server }> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen, connections: () => connections, server };
}

function client(url: string, maxSockets = 1): HttpClient {
  const c = new HttpClient(url, { maxSockets });
  cleanups.push(() => c.close());
  return c;
}

describe('HttpClient', () => {
  it('POST: sends the body and headers; the answer has its status, headers and body', async () => {
    const { url, seen } = await serve((_req, res) => {
      res
        .writeHead(503, { 'retry-after': '7', etag: '"v1"', 'content-type': 'text/plain' })
        .end('busy');
    });
    const result = await client(`${url}/v1/logs?x=1`).post(new Uint8Array([104, 105]), {
      headers: { 'content-type': 'application/x-protobuf', 'x-extra': 'yes' },
      timeoutMillis: 5000,
    });
    expect(result).toMatchObject({
      kind: 'answer',
      status: 503,
      retryAfter: '7',
      etag: '"v1"',
      contentType: 'text/plain',
      truncated: false,
    });
    expect(Buffer.from((result as { body: Uint8Array }).body).toString()).toBe('busy');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/logs?x=1', body: 'hi' });
    expect(seen[0]?.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-length': '2',
      'x-extra': 'yes',
    });
  });

  it('GET with If-None-Match: a 304 without a body', async () => {
    const { url, seen } = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v1"' }).end('{}');
    });
    const c = client(`${url}/v1/sampling/policy`);
    const first = await c.get({ timeoutMillis: 5000 });
    expect(first).toMatchObject({ kind: 'answer', status: 200, etag: '"v1"' });
    const second = await c.get({ headers: { 'if-none-match': '"v1"' }, timeoutMillis: 5000 });
    expect(second).toMatchObject({ kind: 'answer', status: 304 });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);
    expect(seen[0]?.headers['content-length']).toBeUndefined();
  });

  it('URL user info is sent as Basic auth (percent-decoded)', async () => {
    const { url, seen } = await serve((_req, res) => res.writeHead(200).end());
    const withUser = url.replace('http://', 'http://al%40ice:p%3Aw@');
    await client(withUser).post('x', { timeoutMillis: 5000 });
    const expected = `Basic ${Buffer.from('al@ice:p:w').toString('base64')}`;
    expect(seen[0]?.headers.authorization).toBe(expected);
  });

  it('keeps the connection alive between requests', async () => {
    const { url, connections } = await serve((_req, res) => res.writeHead(200).end());
    const c = client(url);
    for (let i = 0; i < 3; i++) await c.post('x', { timeoutMillis: 5000 });
    expect(connections()).toBe(1);
  });

  it('bounds the answer: the rest of a long body is not read', async () => {
    const { url } = await serve((_req, res) => res.writeHead(200).end('y'.repeat(100_000)));
    const result = await client(url).get({ timeoutMillis: 5000, maxResponseBytes: 1000 });
    expect(result).toMatchObject({ kind: 'answer', status: 200, truncated: true });
    expect((result as { body: Uint8Array }).body.length).toBe(1000);
  });

  it('no answer within the timeout: ETIMEDOUT, with the body sent', async () => {
    const { url } = await serve(() => {}); // never answers
    const started = Date.now();
    const result = await client(url).post('x', { timeoutMillis: 100 });
    expect(result).toEqual({ kind: 'network-error', code: 'ETIMEDOUT', bodySent: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the abort signal ends a request: ABORTED', async () => {
    const { url } = await serve(() => {});
    const abort = new AbortController();
    const pending = client(url).post('x', { timeoutMillis: 10_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    expect(await pending).toMatchObject({ kind: 'network-error', code: 'ABORTED' });
    const already = await client(url).get({ timeoutMillis: 10_000, signal: abort.signal });
    expect(already).toEqual({ kind: 'network-error', code: 'ABORTED', bodySent: false });
  });

  it('refused: ECONNREFUSED, the body never sent', async () => {
    const { url, server } = await serve(() => {});
    await new Promise((resolve) => server.close(resolve));
    const result = await client(url).post('x', { timeoutMillis: 5000 });
    expect(result).toEqual({ kind: 'network-error', code: 'ECONNREFUSED', bodySent: false });
  });

  it('an answer cut short: ECONNRESET', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.destroy(), 10);
    });
    const result = await client(url).get({ timeoutMillis: 5000 });
    expect(result).toMatchObject({ kind: 'network-error', code: 'ECONNRESET' });
  });

  // An invalid URL is the unit test of the same name (test/unit/base/http-client.test.ts).
  it('never throws: an invalid header value is a result', async () => {
    const { url } = await serve((_req, res) => res.writeHead(200).end());
    const result = await client(url).post('x', {
      headers: { 'x-bad': 'line\nbreak' },
      timeoutMillis: 5000,
    });
    expect(result).toMatchObject({ kind: 'network-error', code: 'ERR_INVALID_CHAR' });
  });
});
