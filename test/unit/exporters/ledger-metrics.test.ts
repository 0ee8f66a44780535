import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../exporters/transport/ledger';
import { transportMetrics } from '../../../exporters/transport/metrics';
import type { TransportView } from '../../../exporters/transport/metrics';
import { SelfMetrics } from '../../../src/base/self-metrics';

/** A transport as its exposition sees it; the fields are mutable so a test can move them. */
function view(signal: 'traces' | 'logs' = 'traces') {
  const state = { limit: 2, circuit: 0 };
  const v = {
    signal,
    ledger: new Ledger(),
    queue: { records: 0, bytes: 0 },
    bounds: { maxBytes: 1000, maxRecords: 100 },
    concurrencyLimit: () => state.limit,
    circuitState: () => state.circuit,
  } satisfies TransportView;
  return { ...v, state };
}

/** The value of `name` for `signal` (and `extra` labels), as a scrape reads it. */
async function scraped(
  metrics: SelfMetrics,
  name: string,
  extra: Record<string, string> = {},
  signal = 'traces',
): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const { values } = await metric.get();
  return values.find(
    (v) =>
      v.labels.signal === signal &&
      Object.entries(extra).every(([key, value]) => v.labels[key] === value),
  )?.value;
}

async function records(metrics: SelfMetrics): Promise<Record<string, number | undefined>> {
  const of = (name: string, extra?: Record<string, string>) => scraped(metrics, name, extra);
  return {
    received: await of('sprintlens_exporter_received_records_total'),
    delivered: await of('sprintlens_exporter_delivered_records_total'),
    queueFull: await of('sprintlens_exporter_dropped_records_total', { reason: 'queue_full' }),
    partial: await of('sprintlens_exporter_dropped_records_total', { reason: 'partial_success' }),
    exhausted: await of('sprintlens_exporter_dropped_records_total', { reason: 'retry_exhausted' }),
    shutdown: await of('sprintlens_exporter_dropped_records_total', { reason: 'shutdown' }),
    queued: await of('sprintlens_exporter_queued_records'),
    inFlight: await of('sprintlens_exporter_in_flight_records'),
    spooled: await of('sprintlens_exporter_spooled_records'),
    retries: await of('sprintlens_exporter_retries_total'),
    duplicates: await of('sprintlens_exporter_possible_duplicate_records_total'),
  };
}

describe('the ledger', () => {
  it('keeps received = delivered + dropped + queued + in flight + spooled through every move', () => {
    const ledger = new Ledger();
    let queued = 0;
    const identity = () => {
      const c = ledger.counts;
      expect(c.received).toBe(c.delivered + c.dropped + queued + c.inFlight + c.spooled);
    };
    ledger.enqueued(10, Date.now());
    queued += 10;
    ledger.refused(3, 'queue_full');
    identity();
    ledger.dequeued(10);
    queued -= 10;
    identity();
    ledger.delivered(4, 1);
    ledger.spooledFromFlight(3);
    ledger.droppedInFlight(3, 'auth');
    identity();
    ledger.recoveredFromSpool(5);
    ledger.claimedFromSpool(2);
    ledger.lostFromSpool(1, 'spool_corrupt');
    identity();
    expect(ledger.counts).toMatchObject({ received: 18, delivered: 3, recovered: 5 });
    expect(ledger.droppedByReason).toMatchObject({
      queue_full: 3,
      partial_success: 1,
      auth: 3,
      spool_corrupt: 1,
    });
  });
});

describe('exporter metrics, read from the ledgers at scrape time', () => {
  it('every series from the start at 0; the counts of every transport of a signal, once each', async () => {
    const metrics = new SelfMetrics();
    const a = view();
    const removeA = metrics.add(transportMetrics(a));
    expect(await records(metrics)).toEqual({
      received: 0,
      delivered: 0,
      queueFull: 0,
      partial: 0,
      exhausted: 0,
      shutdown: 0,
      queued: 0,
      inFlight: 0,
      spooled: 0,
      retries: 0,
      duplicates: 0,
    });

    a.ledger.enqueued(5, Date.now());
    a.queue.records = 5;
    a.ledger.refused(2, 'queue_full');
    expect(await records(metrics)).toMatchObject({
      received: 7,
      queued: 5,
      queueFull: 2,
      inFlight: 0,
    });
    a.queue.records = 0;
    a.ledger.dequeued(5);
    a.ledger.delivered(3, 1); // one rejected by a partial success
    a.ledger.spooledFromFlight(1);
    a.ledger.droppedInFlight(1, 'retry_exhausted');
    a.ledger.request({ retry: true, seconds: 0.01, outcome: '5xx' });
    a.ledger.possibleDuplicate(2);
    const expected = {
      received: 7,
      delivered: 2,
      queueFull: 2,
      partial: 1,
      exhausted: 1,
      shutdown: 0,
      queued: 0,
      inFlight: 0,
      spooled: 1,
      retries: 1,
      duplicates: 2,
    };
    expect(await records(metrics)).toEqual(expected);
    // A second scrape adds nothing.
    expect(await records(metrics)).toEqual(expected);

    // A second transport of the same signal adds to the same series.
    const b = view();
    const removeB = metrics.add(transportMetrics(b));
    b.ledger.enqueued(4, Date.now());
    b.queue.records = 4;
    expect(await records(metrics)).toEqual({ ...expected, received: 11, queued: 4 });

    // Removed (shut down): its counters stay in the totals, its gauges go.
    removeA();
    expect(await records(metrics)).toEqual({ ...expected, received: 11, queued: 4, spooled: 0 });
    removeB();
    expect(await records(metrics)).toMatchObject({ received: 11, queued: undefined });
  });

  it('the queue gauges and the concurrency limit sum; the circuit state and last success take the largest', async () => {
    const metrics = new SelfMetrics();
    const a = view('logs');
    const b = view('logs');
    a.queue.bytes = 100;
    b.queue.bytes = 50;
    b.state.circuit = 1; // open
    a.state.circuit = 1;
    b.ledger.delivered(0, 0);
    metrics.add(transportMetrics(a));
    metrics.add(transportMetrics(b));
    const of = (name: string) => scraped(metrics, name, {}, 'logs');
    expect(await of('sprintlens_exporter_queued_bytes')).toBe(150);
    expect(await of('sprintlens_exporter_queue_max_bytes')).toBe(2000);
    expect(await of('sprintlens_exporter_concurrency_limit')).toBe(4);
    expect(await of('sprintlens_exporter_circuit_state')).toBe(1);
    expect(await of('sprintlens_exporter_last_success_timestamp_seconds')).toBe(
      (b.ledger.lastSuccessAt as number) / 1000,
    );
  });

  it('histograms are observed per request and per body, by outcome', async () => {
    const metrics = new SelfMetrics();
    const a = view();
    const remove = metrics.add(transportMetrics(a));
    // Histogram series appear with their first observation.
    let text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^sprintlens_exporter_batch_records_count/m);
    a.ledger.batch(100, 0.25);
    a.ledger.request({ retry: false, seconds: 0.02, outcome: '5xx' });
    a.ledger.request({ retry: true, seconds: 0.2, outcome: '2xx' });
    a.ledger.request({ retry: false, seconds: 0.03, outcome: '2xx' });
    remove(); // and they stay after removal
    text = await metrics.registry.metrics();
    expect(text).toContain(
      'sprintlens_exporter_request_duration_seconds_bucket{signal="traces",outcome="2xx",le="0.05"} 1',
    );
    expect(text).toContain(
      'sprintlens_exporter_request_duration_seconds_count{signal="traces",outcome="2xx"} 2',
    );
    expect(text).toContain(
      'sprintlens_exporter_request_duration_seconds_count{signal="traces",outcome="5xx"} 1',
    );
    expect(text).toContain('sprintlens_exporter_batch_records_bucket{signal="traces",le="128"} 1');
    expect(text).toContain('sprintlens_exporter_batch_records_bucket{signal="traces",le="32"} 0');
    expect(text).toContain('sprintlens_exporter_compression_ratio_sum{signal="traces"} 0.25');
    expect(text).toContain('# TYPE sprintlens_exporter_request_duration_seconds histogram');
  });
});
