/**
 * Health over real I/O: /healthz of the metrics server, a real transport against a loopback
 * endpoint, the sampling policy client against a loopback policy server. The health registry
 * and the transport's check alone are unit-tested in test/unit/metrics/health.test.ts.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from '../../../exporters/transport/transport';
import type { SignalCodec } from '../../../exporters/transport/types';
import { checkHealth, registerHealthSource } from '../../../src/base/health';
import type { HealthReport, HealthStatus } from '../../../src/base/health';
import { selfMetrics } from '../../../src/base/self-metrics';
import { startMetricsServer } from '../../../src/metrics/server';
import { PolicyClient } from '../../../src/sampling/policy-client';

const sdkRegistry = selfMetrics().registry;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fixed(status: HealthStatus, name = 'part'): () => void {
  const report: HealthReport = { status, reasons: status === 'ok' ? [] : ['why'], details: {} };
  const unregister = registerHealthSource({ name, check: () => report });
  cleanups.push(unregister);
  return unregister;
}

describe('health registry', () => {
  it('/healthz answers with those codes and the JSON report', async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1' });
    if (server === undefined) throw new Error('no server');
    cleanups.push(() => server.close());
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    fixed('degraded', 'exporter_logs');
    expect(await get('/healthz')).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        healthy: true,
        checks: { exporter_logs: { status: 'degraded', reasons: ['why'], details: {} } },
      },
    });
    expect((await get('/healthz?strict')).status).toBe(503);
    expect((await get('/healthz?strict=0')).status).toBe(200);
    fixed('unhealthy', 'exporter_traces');
    expect(await get('/healthz')).toMatchObject({ status: 503, body: { healthy: false } });
  });
});

/** A codec of strings: one record each, 100 estimated bytes. */
const codec: SignalCodec<string> = {
  signal: 'logs',
  mergeable: true,
  resource: () => resourceFromAttributes({}),
  records: () => 1,
  estimateBytes: () => 100,
  encode: (items) => Buffer.from(items.join('\n')),
  rejected: () => 0,
};

async function endpoint(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`, server };
}

function transport(url: string): Transport<string> {
  const t = new Transport({
    codec,
    target: { url, headers: {}, protocol: 'http/protobuf', compression: 'none' },
    tunables: {
      batchDelayMillis: 5,
      initialBackoffMillis: 5,
      maxBackoffMillis: 10,
      circuitFailureThreshold: 1,
      circuitOpenMillis: 60_000,
      shutdownFlushMillis: 50,
      queueMaxBytes: 10_000,
      queueMaxRecords: 50,
    },
  });
  cleanups.push(() => t.shutdown());
  return t;
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function gauge(name: string, signal: string): Promise<number | undefined> {
  const metric = sdkRegistry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const { values } = await metric.get();
  return values.find((v) => v.labels.signal === signal)?.value;
}

describe('a real transport', () => {
  it('registers exporter_<signal>, is degraded while its endpoint fails, and unregisters at shutdown', async () => {
    const { url } = await endpoint(503);
    const t = transport(url);
    expect(checkHealth().checks.exporter_logs).toMatchObject({ status: 'ok' });
    t.enqueue(['a', 'b']);
    await until(() => t.stats().circuit === 'open');
    const report = checkHealth().checks.exporter_logs;
    expect(report).toMatchObject({ status: 'degraded', reasons: ['circuit_open'] });
    expect(report?.details).toMatchObject({ circuit: 'open', inFlightRecords: 2 });
    expect(await gauge('sprintlens_exporter_queue_max_bytes', 'logs')).toBe(10_000);
    expect(await gauge('sprintlens_exporter_queue_max_records', 'logs')).toBe(50);
    t.enqueue(['c']);
    // The third record waits in the queue behind the open circuit: its estimated bytes show.
    await until(() => t.stats().queued === 1);
    expect(await gauge('sprintlens_exporter_queued_bytes', 'logs')).toBe(100);
    await t.shutdown();
    expect(checkHealth().checks.exporter_logs).toBeUndefined();
    expect(await gauge('sprintlens_exporter_queue_max_bytes', 'logs')).toBeUndefined();
  });

  it('a successful export moves sprintlens_exporter_last_success_timestamp_seconds', async () => {
    const { url } = await endpoint(200);
    const before = Date.now() / 1000;
    const t = transport(url);
    const initial = await gauge('sprintlens_exporter_last_success_timestamp_seconds', 'logs');
    expect(initial).toBeDefined(); // the start time while nothing succeeded
    t.enqueue(['a']);
    await t.flush();
    const after = await gauge('sprintlens_exporter_last_success_timestamp_seconds', 'logs');
    expect(after).toBeGreaterThanOrEqual(before);
    expect(checkHealth().checks.exporter_logs).toMatchObject({
      status: 'ok',
      details: { deliveredRecords: 1 },
    });
    expect(checkHealth().checks.exporter_logs?.details.lastSuccessAgeSeconds).toBeLessThan(5);
  });
});

describe('sampling policy health', () => {
  async function policyServer(): Promise<{ url: string; up: { ok: boolean } }> {
    const up = { ok: true };
    const server = createServer((req, res) => {
      if (!up.ok) {
        res.writeHead(503).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', etag: '"v7"' })
        .end(JSON.stringify({ version: 'v7', severityRates: { INFO: 0.5 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, up };
  }

  function client(endpoint: string, clock: { now: number }): PolicyClient {
    const c = new PolicyClient({
      endpoint,
      serviceName: 'svc',
      headers: {},
      refreshMillis: 60_000,
      timeoutMillis: 2000,
      now: () => clock.now,
      onPolicy: () => undefined,
    });
    cleanups.push(() => c.stop());
    return c;
  }

  it('ok with a fresh policy, degraded when stale, and removed at stop', async () => {
    const { url, up } = await policyServer();
    const clock = { now: 1_000_000 };
    const c = client(url, clock);
    c.start();
    await c.refresh();
    expect(checkHealth().checks.sampling_policy).toEqual({
      status: 'ok',
      reasons: [],
      details: {
        version: 'v7',
        ageSeconds: 0,
        refreshSeconds: 60,
        staleAfterSeconds: 180,
        fetchFailures: 0,
        invalid: 0,
      },
    });
    const age = await sdkRegistry
      .getSingleMetric('sprintlens_log_sampler_policy_refresh_seconds')
      ?.get();
    expect(age?.values[0]?.value).toBe(60);
    up.ok = false;
    clock.now += 180_001;
    await c.refresh();
    expect(checkHealth().checks.sampling_policy).toMatchObject({
      status: 'degraded',
      reasons: ['policy_stale'],
      details: { version: 'v7', ageSeconds: 180.001, fetchFailures: 1 },
    });
    c.stop();
    expect(checkHealth().checks.sampling_policy).toBeUndefined();
    const gone = await sdkRegistry
      .getSingleMetric('sprintlens_log_sampler_policy_refresh_seconds')
      ?.get();
    expect(gone?.values).toEqual([]);
  });

  it('a policy that never arrived is degraded after the same three refresh periods', async () => {
    const { url, up } = await policyServer();
    up.ok = false;
    const clock = { now: 5_000_000 };
    const c = client(url, clock);
    c.start();
    await c.refresh();
    expect(checkHealth().checks.sampling_policy?.status).toBe('ok');
    clock.now += 180_001;
    expect(checkHealth().checks.sampling_policy).toMatchObject({
      status: 'degraded',
      reasons: ['policy_never_fetched'],
      details: { version: null, ageSeconds: null },
    });
  });
});
