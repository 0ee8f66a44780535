import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, RawPolicy, startBackend } from '../../support/backend';
import type { Backend } from '../../support/backend';
import { post, postJson } from './http';

let backend: Backend | undefined;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function policyUrl(base: string, service: string): string {
  return `${base}/v1/sampling/policy?service.name=${encodeURIComponent(service)}`;
}

describe('GET /v1/sampling/policy', () => {
  it('serves the default policy with a strong ETag and 304 on a matching If-None-Match', async () => {
    backend = await startBackend();
    const first = await fetch(policyUrl(backend.url, 'checkout'));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(await first.json()).toEqual(DEFAULT_POLICY);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await fetch(policyUrl(backend.url, 'checkout'));
    expect(again.headers.get('etag')).toBe(etag);
    await again.arrayBuffer();

    const cached = await fetch(policyUrl(backend.url, 'checkout'), {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect(await cached.text()).toBe('');

    const weakAndListed = await fetch(policyUrl(backend.url, 'checkout'), {
      headers: { 'if-none-match': `"other", W/${etag}` },
    });
    expect(weakAndListed.status).toBe(304);

    const stale = await fetch(policyUrl(backend.url, 'checkout'), {
      headers: { 'if-none-match': '"stale"' },
    });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    expect(backend.policyRequests.map((request) => [request.service, request.status])).toEqual([
      ['checkout', 200],
      ['checkout', 200],
      ['checkout', 304],
      ['checkout', 304],
      ['checkout', 200],
    ]);
    expect(backend.policyRequests[2]?.ifNoneMatch).toBe(etag);
  });

  it('serves per-service policies and changes the ETag when a policy is replaced at runtime', async () => {
    const special = { ...DEFAULT_POLICY, version: 'special', defaultRate: 0.5 };
    backend = await startBackend({ policies: { billing: special } });

    const billing = await fetch(policyUrl(backend.url, 'billing'));
    expect(await billing.json()).toEqual(special);
    const other = await fetch(policyUrl(backend.url, 'other'));
    expect(await other.json()).toEqual(DEFAULT_POLICY);
    const oldTag = other.headers.get('etag') ?? '';
    expect(billing.headers.get('etag')).not.toBe(oldTag);

    const updated = { ...DEFAULT_POLICY, version: 'v2', patternRates: { abc: 0.01 } };
    backend.setPolicy(updated);
    const refreshed = await fetch(policyUrl(backend.url, 'other'), {
      headers: { 'if-none-match': oldTag },
    });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toEqual(updated);
    expect(refreshed.headers.get('etag')).not.toBe(oldTag);

    backend.setPolicy({ version: 'only-billing' }, { service: 'billing' });
    expect(await (await fetch(policyUrl(backend.url, 'billing'))).json()).toEqual({
      version: 'only-billing',
    });
    backend.removePolicy({ service: 'billing' });
    expect(await (await fetch(policyUrl(backend.url, 'billing'))).json()).toEqual(updated);
  });

  it('serves deliberately invalid policies verbatim', async () => {
    backend = await startBackend({ policy: new RawPolicy('{"version": "broken", ') });
    const broken = await fetch(policyUrl(backend.url, 'svc'));
    expect(broken.status).toBe(200);
    expect(await broken.text()).toBe('{"version": "broken", ');

    backend.setPolicy({ version: 7, defaultRate: 'lots', severityRates: [] });
    const wrongTypes = await fetch(policyUrl(backend.url, 'svc'));
    expect(await wrongTypes.json()).toEqual({ version: 7, defaultRate: 'lots', severityRates: [] });
  });

  it('answers 400 without service.name', async () => {
    backend = await startBackend();
    const response = await fetch(`${backend.url}/v1/sampling/policy`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringContaining('service.name') });
    expect(backend.policyRequests).toHaveLength(0);
  });
});

describe('POST /v1/sampling/patterns', () => {
  const report = {
    service: 'checkout',
    windowStart: '2025-01-01T00:00:00.000Z',
    windowEnd: '2025-01-01T00:10:00.000Z',
    patterns: [
      { id: 'a1b2', template: 'user <*> logged in', severity: 'INFO', count: 1234, kept: 250 },
      { id: 'c3d4', template: 'cache miss <*>', severity: 'DEBUG', count: 10, kept: 0 },
    ],
  };

  it('stores a valid report and answers 202, plain or compressed', async () => {
    backend = await startBackend();
    const url = `${backend.url}/v1/sampling/patterns`;
    const plain = await postJson(url, report);
    expect(plain.status).toBe(202);
    const gzipped = await post(url, {
      body: zlib.gzipSync(JSON.stringify(report)),
      contentType: 'application/json',
      contentEncoding: 'gzip',
    });
    expect(gzipped.status).toBe(202);
    expect(backend.patternReports.map((received) => received.report)).toEqual([report, report]);
    expect(backend.patternReports[1]?.request.contentEncoding).toBe('gzip');
  });

  it.each([
    ['not an object', []],
    ['no service', { ...report, service: undefined }],
    ['bad window', { ...report, windowStart: 'yesterday' }],
    ['patterns not a list', { ...report, patterns: {} }],
    ['negative count', { ...report, patterns: [{ id: 'x', count: -1, kept: 0 }] }],
    ['kept above count', { ...report, patterns: [{ id: 'x', count: 1, kept: 2 }] }],
    ['missing id', { ...report, patterns: [{ count: 1, kept: 1 }] }],
  ])('answers 400 for an invalid report (%s)', async (_case, document) => {
    backend = await startBackend();
    const response = await postJson(`${backend.url}/v1/sampling/patterns`, document);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: expect.stringContaining('invalid pattern report'),
    });
    expect(backend.patternReports).toHaveLength(0);
  });

  it('keeps fields it does not know about', async () => {
    backend = await startBackend();
    const extended = { ...report, sdkVersion: '1.0.0' };
    await postJson(`${backend.url}/v1/sampling/patterns`, extended);
    expect(backend.patternReports[0]?.report).toEqual(extended);
  });

  it('answers 400 for malformed JSON and 415 for another content type', async () => {
    backend = await startBackend();
    const url = `${backend.url}/v1/sampling/patterns`;
    const malformed = await post(url, { body: '{', contentType: 'application/json' });
    expect(malformed.status).toBe(400);
    const text = await post(url, { body: JSON.stringify(report), contentType: 'text/plain' });
    expect(text.status).toBe(415);
  });
});
