/**
 * The dev backend's budget policies served over HTTP (the arithmetic is unit-tested in
 * test/unit/dev-backend/pattern-policy.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, startBackend } from '../../support/backend';
import type { Backend } from '../../support/backend';
import { patternReport as report } from '../../support/pattern-report';
import { postJson } from './http';

const ID_A = 'aaaaaaaaaaaaaaaa';
const ID_ERR = 'eeeeeeeeeeeeeeee';

describe('a backend with a budget', () => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('serves the computed policy with a new ETag, per service, and 304 while unchanged', async () => {
    backend = await startBackend({ budgetPerMinute: 100, policyTtlSeconds: 30 });
    const url = (service: string) =>
      `${backend?.url}/v1/sampling/policy?service.name=${encodeURIComponent(service)}`;
    const before = await fetch(url('checkout'));
    expect(await before.json()).toEqual({ ...DEFAULT_POLICY, ttlSeconds: 30 });
    const oldTag = before.headers.get('etag') ?? '';

    const accepted = await postJson(
      `${backend.url}/v1/sampling/patterns`,
      report([
        { id: ID_A, count: 1000 },
        { id: ID_ERR, count: 1e6, severity: 'FATAL' },
      ]),
    );
    expect(accepted.status).toBe(202);

    const after = await fetch(url('checkout'), { headers: { 'if-none-match': oldTag } });
    expect(after.status).toBe(200);
    const newTag = after.headers.get('etag') ?? '';
    expect(newTag).not.toBe(oldTag);
    expect(await after.json()).toEqual({
      version: 'patterns-1',
      ttlSeconds: 30,
      defaultRate: 1,
      severityRates: DEFAULT_POLICY.severityRates,
      patternRates: { [ID_A]: 0.1 },
    });

    // The same report again changes nothing: the client's tag still matches.
    await postJson(`${backend.url}/v1/sampling/patterns`, report([{ id: ID_A, count: 1000 }]));
    const unchanged = await fetch(url('checkout'), { headers: { 'if-none-match': newTag } });
    expect(unchanged.status).toBe(304);
    // Other services keep the default.
    expect(await (await fetch(url('billing'))).json()).toEqual({
      ...DEFAULT_POLICY,
      ttlSeconds: 30,
    });

    expect(backend.summary().sampling).toMatchObject({
      patternReports: 2,
      policies: [{ service: 'checkout', version: 'patterns-1', patternRates: 1, lowestRate: 0.1 }],
    });
  });
});
