/**
 * The SDK's HTTP client where no connection is made; against loopback servers it is
 * test/integration/base/http-client.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/base/http-client';

describe('HttpClient', () => {
  it('never throws: an invalid URL is a result', async () => {
    expect(await new HttpClient('not a url').get({ timeoutMillis: 100 })).toEqual({
      kind: 'network-error',
      code: 'ERR_INVALID_URL',
      bodySent: false,
    });
  });
});
