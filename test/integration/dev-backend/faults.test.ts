import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../support/backend';
import { loadOtlpSchema } from '../../support/backend/otlp-schema';
import { backendsClosedAfterEach } from './backends-per-test';
import { createTracing } from './otel-clients';
import { jsonTraces, networkError, post, postJson } from './http';

/** setTimeout may fire up to a millisecond early against `performance.now()`. */
const TIMER_SLACK_MS = 2;

const start = backendsClosedAfterEach();

function tracesUrl(backend: Backend): string {
  return `${backend.url}/v1/traces`;
}

async function statusOf(response: Promise<Response>): Promise<number> {
  const settled = await response;
  await settled.arrayBuffer();
  return settled.status;
}

/** Whether a fresh TCP connection to the port is refused. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Polls `check` until it holds (bounded), for events whose exact time is not asserted. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('status sequence', () => {
  it('makes the real exporter retry through [503, 503, 200] without duplicating spans', async () => {
    const backend = await start({
      faults: {
        routes: ['traces'],
        statusSequence: { statuses: [503, 503, 200] },
        // A past HTTP-date means "retry now" (the exporter turns "0" into a negative timer).
        retryAfter: new Date(0),
      },
    });
    const provider = createTracing({ baseUrl: backend.url, encoding: 'protobuf' });
    provider.getTracer('retry').startSpan('once').end();
    await backend.waitFor(() => backend.spans.length === 1);
    provider.getTracer('retry').startSpan('twice').end();
    await backend.waitFor(() => backend.spans.length === 2);
    await provider.shutdown();

    const records = backend.requestsTo('traces');
    expect(records.map((record) => record.status)).toEqual([503, 503, 200, 200]);
    expect(records.map((record) => record.fault)).toEqual([
      'status-sequence',
      'status-sequence',
      undefined,
      undefined,
    ]);
    expect(backend.spans.map((span) => span.name)).toEqual(['once', 'twice']);
  });

  it('answers statuses in order, only on its routes, then falls back to normal', async () => {
    const backend = await start({
      faults: {
        statusSequence: { statuses: [429, 500, 200, 413], routes: ['traces'] },
        retryAfter: 3,
      },
    });
    const logs = await postJson(`${backend.url}/v1/logs`, { resourceLogs: [] });
    expect(logs.status).toBe(200);

    const responses: Response[] = [];
    for (let index = 0; index < 5; index++) {
      const response = await postJson(tracesUrl(backend), jsonTraces());
      await response.arrayBuffer();
      responses.push(response);
    }
    expect(responses.map((response) => response.status)).toEqual([429, 500, 200, 413, 200]);
    expect(responses.map((response) => response.headers.get('retry-after'))).toEqual([
      '3',
      null,
      null,
      null,
      null,
    ]);
    expect(backend.traceRequests).toHaveLength(2);
  });

  it('restarts when the script is replaced at runtime', async () => {
    const backend = await start();
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);
    await backend.setFaults({ statusSequence: { statuses: [502] } });
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(502);
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);
    await backend.setFaults({ statusSequence: { statuses: [502] } });
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(502);
  });
});

describe('Retry-After', () => {
  it('is sent as an HTTP-date or verbatim on 429 and 503', async () => {
    const date = new Date('2030-01-02T03:04:05Z');
    const backend = await start({
      faults: { statusSequence: { statuses: [503, 429] }, retryAfter: date },
    });
    const unavailable = await postJson(tracesUrl(backend), jsonTraces());
    expect(unavailable.headers.get('retry-after')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
    const limited = await postJson(tracesUrl(backend), jsonTraces());
    expect(limited.headers.get('retry-after')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');

    await backend.setFaults({ statusSequence: { statuses: [429] }, retryAfter: 'soon' });
    const odd = await postJson(tracesUrl(backend), jsonTraces());
    expect(odd.status).toBe(429);
    expect(odd.headers.get('retry-after')).toBe('soon');
  });
});

describe('random failures', () => {
  async function statuses(backend: Backend, count: number): Promise<number[]> {
    const result: number[] = [];
    for (let index = 0; index < count; index++) {
      result.push(await statusOf(postJson(tracesUrl(backend), jsonTraces())));
    }
    return result;
  }

  it('is reproducible for a seed', async () => {
    const faults = { randomFailure: { ratio: 0.3, status: 503 } };
    const first = await start({ seed: 42, faults });
    const second = await start({ seed: 42, faults });
    const other = await start({ seed: 7, faults });

    const run = await statuses(first, 60);
    expect(await statuses(second, 60)).toEqual(run);
    expect(await statuses(other, 60)).not.toEqual(run);
    const failures = run.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    expect(run.every((status) => status === 200 || status === 503)).toBe(true);

    // Setting the script again restarts the generator.
    await first.setFaults(faults);
    expect(await statuses(first, 60)).toEqual(run);
    // A seed in the fault overrides the backend's.
    await other.setFaults({ randomFailure: { ...faults.randomFailure, seed: 42 } });
    expect(await statuses(other, 60)).toEqual(run);
  });
});

describe('latency and concurrency', () => {
  it('delays requests by a fixed amount', async () => {
    const backend = await start({ faults: { latency: { ms: 150, routes: ['policy'] } } });
    const begin = performance.now();
    expect(await statusOf(fetch(`${backend.url}/v1/sampling/policy?service.name=a`))).toBe(200);
    expect(performance.now() - begin).toBeGreaterThanOrEqual(150 - TIMER_SLACK_MS);
    expect(backend.requests[0]?.injectedLatencyMs).toBe(150);

    await statusOf(postJson(tracesUrl(backend), jsonTraces()));
    expect(backend.requests[1]?.injectedLatencyMs).toBe(0);
  });

  it('draws latencies from a range reproducibly', async () => {
    const faults = { latency: { ms: [5, 25] as const } };
    const first = await start({ seed: 3, faults });
    const second = await start({ seed: 3, faults });
    for (const backend of [first, second]) {
      for (let index = 0; index < 8; index++) {
        await statusOf(postJson(tracesUrl(backend), jsonTraces()));
      }
    }
    const delays = first.requests.map((record) => record.injectedLatencyMs);
    expect(delays.every((delay) => delay >= 5 && delay <= 25)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(second.requests.map((record) => record.injectedLatencyMs)).toEqual(delays);
  });

  it('tracks current and maximum in-flight requests', async () => {
    // Long enough for all five to be in flight together even on a loaded machine.
    const backend = await start({ faults: { latency: { ms: 500 } } });
    const inFlight = Array.from({ length: 5 }, () =>
      statusOf(postJson(tracesUrl(backend), jsonTraces())),
    );
    await backend.waitFor(() => backend.concurrency.current === 5);
    expect(await Promise.all(inFlight)).toEqual([200, 200, 200, 200, 200]);
    await backend.waitFor(() => backend.concurrency.current === 0);
    expect(backend.concurrency.max).toBe(5);

    backend.clear();
    expect(backend.concurrency).toEqual({ current: 0, max: 0 });
    expect(backend.requests).toHaveLength(0);
  });
});

describe('outages', () => {
  it('refuses connections, then listens again on the same port', async () => {
    const backend = await start();
    const { url, port } = backend;
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);

    const begin = performance.now();
    await backend.setFaults({ outage: { mode: 'refuse', durationMs: 400 } });
    expect(await connectionRefused(port)).toBe(true);
    // A fetch fails too: its kept-alive connection was closed with the listening socket.
    const failure = await networkError(() => postJson(tracesUrl(backend), jsonTraces()));
    expect(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(failure.code);

    await backend.outageOver();
    expect(performance.now() - begin).toBeGreaterThanOrEqual(400 - TIMER_SLACK_MS);
    expect(backend.url).toBe(url);
    expect(await connectionRefused(port)).toBe(false);
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);
    expect(backend.traceRequests).toHaveLength(2);
  });

  it('answers 503 with Retry-After on its routes while unavailable', async () => {
    const backend = await start();
    const begin = performance.now();
    await backend.setFaults({
      outage: { mode: 'unavailable', durationMs: 400, routes: ['traces'] },
      retryAfter: 1,
    });
    const during = await postJson(tracesUrl(backend), jsonTraces());
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('1');
    expect(await during.json()).toMatchObject({ code: 14 });
    expect(await statusOf(fetch(`${backend.url}/v1/sampling/policy?service.name=a`))).toBe(200);

    await backend.outageOver();
    expect(performance.now() - begin).toBeGreaterThanOrEqual(400 - TIMER_SLACK_MS);
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);
    expect(backend.requestsTo('traces').map((record) => record.fault)).toEqual([
      'outage',
      undefined,
    ]);
  });

  it('can start later, and ends when the script is replaced', async () => {
    const backend = await start();
    await backend.setFaults({
      outage: { mode: 'refuse', durationMs: 10_000, startAfterMs: 300 },
    });
    expect(await connectionRefused(backend.port)).toBe(false);
    await eventually(() => connectionRefused(backend.port));

    await backend.setFaults({});
    await backend.outageOver();
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);
  });

  it('is closed cleanly in the middle of an outage', async () => {
    const backend = await start({ faults: { outage: { mode: 'refuse', durationMs: 10_000 } } });
    expect(await connectionRefused(backend.port)).toBe(true);
    await backend.close();
    expect(await connectionRefused(backend.port)).toBe(true);
  });
});

describe('body size limit', () => {
  it('answers 413 above the limit, counting bytes on the wire', async () => {
    const backend = await start({ faults: { maxBodyBytes: { bytes: 2000 } } });
    const big = JSON.stringify(jsonTraces({ count: 40 }));
    expect(big.length).toBeGreaterThan(2000);

    const tooBig = await post(tracesUrl(backend), { body: big, contentType: 'application/json' });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ code: 8 });

    const compressed = zlib.gzipSync(big);
    expect(compressed.length).toBeLessThan(2000);
    const fits = await post(tracesUrl(backend), {
      body: compressed,
      contentType: 'application/json',
      contentEncoding: 'gzip',
    });
    expect(fits.status).toBe(200);
    expect(backend.requests.map((record) => record.wireBytes)).toEqual([
      Buffer.byteLength(big),
      compressed.length,
    ]);
    expect(backend.requests[0]?.fault).toBe('body-limit');
    expect(backend.spans).toHaveLength(40);
  });
});

describe('connection resets', () => {
  it('resets mid-request: the client sees a network error and nothing is stored', async () => {
    const backend = await start({ faults: { resetMidRequest: { afterBytes: 1000, times: 1 } } });
    const body = JSON.stringify(jsonTraces({ count: 200 }));
    await networkError(() => post(tracesUrl(backend), { body, contentType: 'application/json' }));
    await backend.waitFor(() => backend.concurrency.current === 0);
    expect(backend.requests[0]).toMatchObject({
      outcome: 'reset-mid-request',
      fault: 'reset-mid-request',
      status: undefined,
    });
    expect(backend.requests[0]?.wireBytes).toBeGreaterThanOrEqual(1000);
    expect(backend.spans).toHaveLength(0);

    expect(
      await statusOf(post(tracesUrl(backend), { body, contentType: 'application/json' })),
    ).toBe(200);
    expect(backend.spans).toHaveLength(200);
  });

  it('resets mid-response: the data is stored but the client sees a truncated answer', async () => {
    const backend = await start({ faults: { resetMidResponse: { times: 2 } } });
    const policy = fetch(`${backend.url}/v1/sampling/policy?service.name=a`);
    await networkError(() => policy.then((response) => response.arrayBuffer()));

    // An empty protobuf export answer is cut off too (chunked, without its last chunk).
    const schema = loadOtlpSchema().signals.traces;
    const protobuf = schema.request.encode(schema.request.fromObject({})).finish();
    await networkError(async () => {
      const response = await post(tracesUrl(backend), {
        body: protobuf,
        contentType: 'application/x-protobuf',
      });
      await response.arrayBuffer();
    });

    // Only `times` answers are cut off; the next one is whole.
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(200);
    await backend.waitFor(() => backend.concurrency.current === 0);
    expect(backend.requests.map((record) => [record.outcome, record.status])).toEqual([
      ['reset-mid-response', 200],
      ['reset-mid-response', 200],
      ['answered', 200],
    ]);
    expect(backend.policyRequests).toHaveLength(1);
    expect(backend.traceRequests).toHaveLength(2);
  });
});

describe('partial success', () => {
  it('injects partialSuccess in the answer encoding, for a number of requests', async () => {
    const backend = await start({
      faults: {
        partialSuccess: { rejected: 2, errorMessage: 'too old', times: 2, routes: ['logs'] },
      },
    });
    const logsUrl = `${backend.url}/v1/logs`;
    const json = await postJson(logsUrl, { resourceLogs: [] });
    expect(await json.json()).toEqual({
      partialSuccess: { rejectedLogRecords: '2', errorMessage: 'too old' },
    });

    const schema = loadOtlpSchema().signals.logs;
    const body = schema.request.encode(schema.request.fromObject({})).finish();
    const protobuf = await post(logsUrl, { body, contentType: 'application/x-protobuf' });
    const decoded = schema.response.decode(new Uint8Array(await protobuf.arrayBuffer()));
    expect(schema.response.toObject(decoded, { longs: Number })).toEqual({
      partialSuccess: { rejectedLogRecords: 2, errorMessage: 'too old' },
    });

    const plain = await postJson(logsUrl, { resourceLogs: [] });
    expect(await plain.json()).toEqual({});
    const traces = await postJson(tracesUrl(backend), jsonTraces());
    expect(await traces.json()).toEqual({});

    expect(backend.logRequests.map((received) => received.partialSuccess)).toEqual([
      { rejected: 2, errorMessage: 'too old' },
      { rejected: 2, errorMessage: 'too old' },
      undefined,
    ]);
    expect(backend.requestsTo('logs').map((record) => record.fault)).toEqual([
      'partial-success',
      'partial-success',
      undefined,
    ]);
  });
});

describe('composition', () => {
  it('applies several faults, each on its own routes, in the documented order', async () => {
    const backend = await start({
      faults: {
        routes: ['traces'],
        statusSequence: { statuses: [503] },
        maxBodyBytes: { bytes: 10 },
        latency: { ms: 20, routes: ['patterns'] },
        randomFailure: { ratio: 1, status: 500, routes: ['logs'] },
      },
    });
    // The scripted 503 comes before the body limit.
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(503);
    expect(await statusOf(postJson(tracesUrl(backend), jsonTraces()))).toBe(413);
    expect(await statusOf(postJson(`${backend.url}/v1/logs`, { resourceLogs: [] }))).toBe(500);
    expect(await statusOf(postJson(`${backend.url}/v1/metrics`, {}))).toBe(200);
    expect(backend.requests.map((record) => record.injectedLatencyMs)).toEqual([0, 0, 0, 0]);
    expect(backend.requests.map((record) => record.fault)).toEqual([
      'status-sequence',
      'body-limit',
      'random-failure',
      undefined,
    ]);
  });
});
