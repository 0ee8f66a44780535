/**
 * The dev backend's data file written from a running backend fed by real SDK clients (the
 * writer and its lines alone are unit-tested in test/unit/dev-backend/data-file.test.ts).
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileWriter } from '../../../dev-backend/data-file';
import { startBackend } from '../../support/backend';
import type { Backend } from '../../support/backend';
import { createLogging, createMetrics, createTracing } from './otel-clients';
import { postJson } from './http';

let dir = '';
let backend: Backend | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sprintlens-data-file-'));
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function readLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('DataFileWriter', () => {
  it('writes a line per span, log record, data point, report, policy and request, retaining nothing', async () => {
    const path = join(dir, 'data.jsonl');
    const writer = await DataFileWriter.open({ path });
    backend = await startBackend({ retain: false, observers: [writer], budgetPerMinute: 10 });

    const tracing = createTracing({ baseUrl: backend.url, encoding: 'protobuf' });
    const tracer = tracing.getTracer('t');
    tracer.startSpan('one', { attributes: { big: 2 ** 60 } }).end();
    tracer.startSpan('two').end();
    await tracing.shutdown();
    const logging = createLogging({ baseUrl: backend.url });
    logging.getLogger('l').emit({ severityNumber: SeverityNumber.INFO, body: { a: [1, 2] } });
    await logging.shutdown();
    const metering = createMetrics({ baseUrl: backend.url });
    const counter = metering.getMeter('m').createCounter('requests');
    counter.add(1, { route: 'a' });
    counter.add(2, { route: 'b' });
    await metering.shutdown(); // exports once (forceFlush too would send the points twice)
    await postJson(`${backend.url}/v1/sampling/patterns`, {
      service: 'svc',
      windowStart: '2026-01-01T00:00:00Z',
      windowEnd: '2026-01-01T00:01:00Z',
      patterns: [{ id: '0123456789abcdef', count: 100, kept: 10, severity: 'INFO' }],
    });
    const policy = await fetch(`${backend.url}/v1/sampling/policy?service.name=svc`);
    expect(await policy.json()).toMatchObject({ patternRates: { '0123456789abcdef': 0.1 } });
    await backend.waitFor(() => backend?.concurrency.current === 0);
    await backend.close();
    await writer.close();

    const lines = readLines(path);
    const ofType = (type: string) => lines.filter((line) => line.type === type);
    expect(ofType('span').map((line) => line.name)).toEqual(['one', 'two']);
    expect(ofType('span')[0]).toMatchObject({
      resource: { 'service.name': 'backend-test' },
      scope: { name: 't' },
      // Beyond 2^53 the int64 is a bigint, written as its exact decimal string.
      attributes: { big: '1152921504606846976' },
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      receivedAt: expect.any(String),
    });
    expect(ofType('log')).toEqual([
      expect.objectContaining({ severityNumber: 9, body: { a: [1, 2] } }),
    ]);
    expect(ofType('metric')).toEqual([
      expect.objectContaining({
        name: 'requests',
        kind: 'sum',
        isMonotonic: true,
        aggregationTemporality: 2,
        point: expect.objectContaining({ attributes: { route: 'a' }, asDouble: 1 }),
      }),
      expect.objectContaining({
        point: expect.objectContaining({ attributes: { route: 'b' }, asDouble: 2 }),
      }),
    ]);
    expect(ofType('pattern_report')).toEqual([
      expect.objectContaining({
        service: 'svc',
        patterns: [expect.objectContaining({ count: 100 })],
      }),
    ]);
    expect(ofType('policy')).toEqual([
      expect.objectContaining({
        service: 'svc',
        policy: expect.objectContaining({ version: 'patterns-1' }),
      }),
    ]);
    // The report comes before the policy it caused.
    expect(lines.findIndex((line) => line.type === 'pattern_report')).toBeLessThan(
      lines.findIndex((line) => line.type === 'policy'),
    );
    expect(ofType('policy_request')).toEqual([
      expect.objectContaining({ service: 'svc', status: 200 }),
    ]);
    expect(ofType('request').map((line) => line.route)).toEqual(
      expect.arrayContaining(['traces', 'logs', 'metrics', 'patterns', 'policy']),
    );
    expect(writer.linesWritten).toBe(lines.length);
    // Nothing was kept in memory for assertions, but the summary saw it all.
    expect(backend.spans).toHaveLength(0);
    expect(backend.requests).toHaveLength(0);
    expect(backend.patternReports).toHaveLength(0);
    expect(backend.summary()).toMatchObject({
      spans: { total: 2 },
      logs: { total: 1 },
      metrics: { dataPoints: 2 },
    });
  });
});
