import { afterEach, describe, expect, it } from 'vitest';
import { startBackend } from '../../support/backend';
import type { Backend } from '../../support/backend';
import { createTracing } from './otel-clients';
import { jsonTraces, post, postJson } from './http';

let backend: Backend | undefined;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

describe('routing', () => {
  it('listens on 127.0.0.1 with an ephemeral port', async () => {
    backend = await startBackend();
    expect(backend.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(backend.url).toBe(`http://127.0.0.1:${backend.port}`);
    expect(backend.port).toBeGreaterThan(0);
  });

  it('answers 404 for unknown paths and 405 with Allow for wrong methods', async () => {
    backend = await startBackend();
    const unknown = await postJson(`${backend.url}/v2/traces`, {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no route for /v2/traces' });

    const getTraces = await fetch(`${backend.url}/v1/traces`);
    expect(getTraces.status).toBe(405);
    expect(getTraces.headers.get('allow')).toBe('POST');
    await getTraces.arrayBuffer();

    const postPolicy = await postJson(`${backend.url}/v1/sampling/policy?service.name=x`, {});
    expect(postPolicy.status).toBe(405);
    expect(postPolicy.headers.get('allow')).toBe('GET');

    expect(backend.requests.map((record) => [record.route, record.status])).toEqual([
      [undefined, 404],
      ['traces', 405],
      ['policy', 405],
    ]);
  });

  it('answers 415 for unsupported content types and content encodings', async () => {
    backend = await startBackend();
    const url = `${backend.url}/v1/logs`;
    const text = await post(url, { body: 'hello', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    const none = await post(url, { body: new Uint8Array([1]) });
    expect(none.status).toBe(415);
    const brotli = await post(url, {
      body: '{}',
      contentType: 'application/json',
      contentEncoding: 'br',
    });
    expect(brotli.status).toBe(415);
    expect(await brotli.json()).toMatchObject({ message: 'unsupported content-encoding br' });
    expect(backend.logRequests).toHaveLength(0);
  });
});

describe('authentication', () => {
  it('accepts the real exporter when it sends the key as a bearer token', async () => {
    backend = await startBackend({ apiKey: 'sl-secret' });
    const provider = createTracing({
      baseUrl: backend.url,
      encoding: 'protobuf',
      headers: { Authorization: 'Bearer sl-secret' },
      userAgent: 'sprintlens-node/0.1.0',
    });
    provider.getTracer('auth').startSpan('ok').end();
    await provider.shutdown();
    await backend.waitFor(() => backend?.spans.length === 1);
    const [record] = backend.requestsTo('traces');
    expect(record?.status).toBe(200);
    expect(record?.headers.authorization).toBe('Bearer sl-secret');
    expect(record?.userAgent).toMatch(/^sprintlens-node\/0\.1\.0 OTel-OTLP-Exporter-JavaScript\//);
  });

  it('answers 401 with WWW-Authenticate for a missing or wrong key, on every route', async () => {
    backend = await startBackend({ apiKey: 'sl-secret' });
    const missing = await postJson(`${backend.url}/v1/traces`, jsonTraces());
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ code: 16 });

    const wrong = await postJson(`${backend.url}/v1/traces`, jsonTraces(), {
      authorization: 'Bearer sl-wrong',
    });
    expect(wrong.status).toBe(401);
    const policy = await fetch(`${backend.url}/v1/sampling/policy?service.name=a`, {
      headers: { authorization: 'Basic c2wtc2VjcmV0' },
    });
    expect(policy.status).toBe(401);
    await policy.arrayBuffer();

    const right = await postJson(`${backend.url}/v1/traces`, jsonTraces(), {
      authorization: 'bearer sl-secret',
    });
    expect(right.status).toBe(200);
    expect(backend.requests.map((record) => record.status)).toEqual([401, 401, 401, 200]);
    expect(backend.spans).toHaveLength(1);
  });

  it('answers 403 when configured to', async () => {
    backend = await startBackend({ apiKey: 'sl-secret', authFailureStatus: 403 });
    const response = await postJson(`${backend.url}/v1/sampling/patterns`, {});
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});
