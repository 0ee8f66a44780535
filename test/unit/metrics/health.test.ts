import { afterEach, describe, expect, it } from 'vitest';
import { transportHealth, TRANSPORT_HEALTH } from '../../../exporters/transport/health';
import type { TransportHealthInput } from '../../../exporters/transport/health';
import type { TransportStats } from '../../../exporters/transport/ledger';
import { DROP_REASONS } from '../../../exporters/transport/types';
import { checkHealth, registerHealthSource } from '../../../src/base/health';
import type { HealthReport, HealthStatus } from '../../../src/base/health';
import { healthStatusCode } from '../../../src/metrics/server';

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
  it('reports the worst status; healthy is false only when unhealthy', () => {
    expect(checkHealth()).toEqual({ status: 'ok', healthy: true, checks: {} });
    fixed('ok', 'a');
    expect(checkHealth()).toMatchObject({ status: 'ok', healthy: true });
    fixed('degraded', 'b');
    expect(checkHealth()).toMatchObject({ status: 'degraded', healthy: true });
    const remove = fixed('unhealthy', 'c');
    expect(checkHealth()).toMatchObject({ status: 'unhealthy', healthy: false });
    remove();
    expect(checkHealth().status).toBe('degraded');
  });

  it('a second source of one name is listed beside the first, and removal is exact', () => {
    const first = fixed('ok', 'exporter_traces');
    fixed('degraded', 'exporter_traces');
    expect(Object.keys(checkHealth().checks)).toEqual(['exporter_traces', 'exporter_traces#2']);
    first();
    expect(Object.keys(checkHealth().checks)).toEqual(['exporter_traces#2']);
  });

  it('a throwing check is degraded, not unhealthy (it says nothing about the app)', () => {
    cleanups.push(
      registerHealthSource({
        name: 'broken',
        check: () => {
          throw new Error('boom');
        },
      }),
    );
    expect(checkHealth()).toMatchObject({
      status: 'degraded',
      checks: { broken: { status: 'degraded', reasons: ['check_failed'] } },
    });
  });

  it('status codes: 503 only for unhealthy; strict also for degraded', () => {
    expect(healthStatusCode('ok', false)).toBe(200);
    expect(healthStatusCode('degraded', false)).toBe(200);
    expect(healthStatusCode('unhealthy', false)).toBe(503);
    expect(healthStatusCode('ok', true)).toBe(200);
    expect(healthStatusCode('degraded', true)).toBe(503);
  });
});

function stats(over: Partial<TransportStats> = {}): TransportStats {
  const droppedByReason = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<
    (typeof DROP_REASONS)[number],
    number
  >;
  return {
    received: 0,
    delivered: 0,
    dropped: 0,
    droppedByReason,
    queued: 0,
    queuedBytes: 0,
    inFlight: 0,
    spooled: 0,
    recovered: 0,
    retries: 0,
    possibleDuplicates: 0,
    requests: 0,
    concurrencyLimit: 2,
    batchRecords: 512,
    circuit: 'closed',
    ...over,
  };
}

describe('transport health check', () => {
  const T0 = 1_000_000_000;
  const input = (
    over: Partial<TransportStats>,
    times: Partial<TransportHealthInput['ledger']> = {},
  ): TransportHealthInput => ({
    stats: stats(over),
    ledger: {
      createdAt: T0,
      lastSuccessAt: undefined,
      lastDequeuedAt: 0,
      queuedSince: 0,
      circuitSince: T0,
      ...times,
    },
    queueMaxBytes: 1000,
    queueMaxRecords: 100,
  });

  it('ok when idle, whatever time has passed', () => {
    const report = transportHealth(input({}), T0 + 3_600_000);
    expect(report).toMatchObject({ status: 'ok', reasons: [] });
    expect(report.details).toMatchObject({
      circuit: 'closed',
      queueFillRecords: 0,
      lastSuccessAgeSeconds: null,
      secondsWithoutSuccess: 3600,
    });
  });

  it('degraded while the circuit is open or half-open', () => {
    for (const circuit of ['open', 'half-open'] as const) {
      const report = transportHealth(input({ circuit, inFlight: 1 }), T0 + 5000);
      expect(report).toMatchObject({ status: 'degraded', reasons: ['circuit_open'] });
      expect(report.details.circuitSinceSeconds).toBe(5);
    }
  });

  it('degraded when the queue is near its bound, by records or by bytes', () => {
    const atRecords = transportHealth(input({ queued: 80, inFlight: 1 }), T0);
    expect(atRecords).toMatchObject({ status: 'degraded', reasons: ['queue_near_full'] });
    expect(atRecords.details.queueFillRecords).toBe(0.8);
    const atBytes = transportHealth(input({ queued: 1, queuedBytes: 900, inFlight: 1 }), T0);
    expect(atBytes).toMatchObject({ status: 'degraded', reasons: ['queue_near_full'] });
    expect(transportHealth(input({ queued: 79, inFlight: 1 }), T0).status).toBe('ok');
  });

  it('degraded when data has waited ten minutes without a successful export', () => {
    const limit = TRANSPORT_HEALTH.noSuccessMillis;
    const waiting = { inFlight: 5 };
    expect(transportHealth(input(waiting), T0 + limit).status).toBe('ok');
    expect(transportHealth(input(waiting), T0 + limit + 1)).toMatchObject({
      status: 'degraded',
      reasons: ['no_recent_export'],
    });
    // Counted from the last success once there is one; spooled data counts as waiting.
    const later = { lastSuccessAt: T0 + limit };
    expect(transportHealth(input({ spooled: 3 }, later), T0 + limit + 1).status).toBe('ok');
    const report = transportHealth(input({ spooled: 3 }, later), T0 + 2 * limit + 1);
    expect(report.reasons).toEqual(['no_recent_export']);
    expect(report.details.lastSuccessAgeSeconds).toBe(600);
  });

  it('unhealthy only when a non-empty queue made no progress for minutes with nothing in flight', () => {
    const stall = TRANSPORT_HEALTH.stalledMillis;
    const times = { queuedSince: T0, lastDequeuedAt: T0 - 1000, lastSuccessAt: T0 };
    expect(transportHealth(input({ queued: 3 }, times), T0 + stall).status).toBe('ok');
    expect(transportHealth(input({ queued: 3 }, times), T0 + stall + 1)).toMatchObject({
      status: 'unhealthy',
      reasons: ['export_stalled'],
    });
    // Something in flight is progress (a retry waiting out a backoff or an open circuit).
    expect(transportHealth(input({ queued: 3, inFlight: 1 }, times), T0 + stall + 1).status).toBe(
      'ok',
    );
  });
});
