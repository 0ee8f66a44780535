import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../support/backend';
import { backendsClosedAfterEach } from './backends-per-test';
import { jsonTraces, networkError, post, postJson } from './http';

const start = backendsClosedAfterEach();

describe('body limits', () => {
  it('answers 413 to a body over the wire limit without keeping it, then serves on', async () => {
    const backend = await start({ maxRequestBytes: 4096 });
    const url = `${backend.url}/v1/traces`;
    const big = JSON.stringify(jsonTraces({ count: 200 }));
    expect(big.length).toBeGreaterThan(4096);
    const tooBig = await post(url, { body: big, contentType: 'application/json' });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({
      code: 8,
      message: expect.stringContaining("exceeds the backend's limit of 4096"),
    });
    const small = await postJson(url, jsonTraces({ count: 1 }));
    expect(small.status).toBe(200);
    expect(backend.requests.map((record) => [record.status, record.wireBytes])).toEqual([
      [413, Buffer.byteLength(big)],
      [200, expect.any(Number)],
    ]);
    expect(backend.spans).toHaveLength(1);
  });

  it('answers 413 to a body that decompresses beyond the limit (a zip bomb)', async () => {
    const backend = await start({ maxDecompressedBytes: 1024 * 1024 });
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const response = await post(`${backend.url}/v1/logs`, {
      body: bomb,
      contentType: 'application/json',
      contentEncoding: 'gzip',
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      message: expect.stringContaining('decompresses to more than 1048576 bytes'),
    });
    expect(backend.logRequests).toHaveLength(0);
  });
});

describe('odd requests', () => {
  /** Sends raw bytes and returns what came back before the server closed or 2 s passed. */
  function rawExchange(port: number, text: string): Promise<string> {
    return new Promise((resolve) => {
      let received = '';
      const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.end(text));
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      const done = (): void => resolve(received);
      socket.once('close', done);
      socket.once('error', done);
      setTimeout(() => socket.destroy(), 2000).unref();
    });
  }

  it('answers a request target URL cannot parse with 404 and keeps serving', async () => {
    const backend = await start();
    const answer = await rawExchange(
      backend.port,
      'POST http://[ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 (404|400) /);
    expect((await postJson(`${backend.url}/v1/traces`, jsonTraces())).status).toBe(200);
  });
});

describe('reset ratio', () => {
  async function outcomes(backend: Backend, count: number): Promise<string[]> {
    const result: string[] = [];
    for (let index = 0; index < count; index++) {
      try {
        const response = await postJson(`${backend.url}/v1/traces`, jsonTraces());
        await response.arrayBuffer();
        result.push(String(response.status));
      } catch {
        result.push('reset');
      }
    }
    return result;
  }

  it('resets a reproducible fraction of requests for a seed', async () => {
    const faults = { resetMidRequest: { ratio: 0.3, afterBytes: 1 } };
    const first = await start({ seed: 9, faults });
    const second = await start({ seed: 9, faults });
    const run = await outcomes(first, 40);
    expect(await outcomes(second, 40)).toEqual(run);
    const resets = run.filter((outcome) => outcome === 'reset').length;
    expect(resets).toBeGreaterThan(3);
    expect(resets).toBeLessThan(25);
    await first.waitFor(() => first.concurrency.current === 0);
    expect(first.requests.filter((record) => record.fault === 'reset-mid-request')).toHaveLength(
      resets,
    );
    // Without a ratio every matching request is reset, as before.
    const always = await start({ faults: { resetMidRequest: { times: 1 } } });
    await networkError(() => postJson(`${always.url}/v1/traces`, jsonTraces()));
  });
});

describe('addresses', () => {
  it('names the loopback address in the URL when listening on every interface', async () => {
    const backend = await start({ host: '0.0.0.0' });
    expect(backend.host).toBe('0.0.0.0');
    expect(backend.url).toBe(`http://127.0.0.1:${backend.port}`);
    expect((await postJson(`${backend.url}/v1/traces`, jsonTraces())).status).toBe(200);
  });
});
