import { describe, expect, it } from 'vitest';
import { Accounting } from '../../../exporters/transport/accounting';
import { sdkRegistry } from '../../../src/metrics/registry';

/** The value of `name` for the traces signal (and `reason`, if given), as a scrape reads it. */
async function scraped(name: string, reason?: string): Promise<number | undefined> {
  const metric = sdkRegistry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const { values } = await metric.get();
  return values.find(
    (v) => v.labels.signal === 'traces' && (reason === undefined || v.labels.reason === reason),
  )?.value;
}

async function records(): Promise<Record<string, number | undefined>> {
  return {
    received: await scraped('sprintlens_exporter_received_records_total'),
    delivered: await scraped('sprintlens_exporter_delivered_records_total'),
    queueFull: await scraped('sprintlens_exporter_dropped_records_total', 'queue_full'),
    partial: await scraped('sprintlens_exporter_dropped_records_total', 'partial_success'),
    exhausted: await scraped('sprintlens_exporter_dropped_records_total', 'retry_exhausted'),
    shutdown: await scraped('sprintlens_exporter_dropped_records_total', 'shutdown'),
    queued: await scraped('sprintlens_exporter_queued_records'),
    inFlight: await scraped('sprintlens_exporter_in_flight_records'),
    spooled: await scraped('sprintlens_exporter_spooled_records'),
    retries: await scraped('sprintlens_exporter_retries_total'),
    duplicates: await scraped('sprintlens_exporter_possible_duplicate_records_total'),
  };
}

describe('accounting metrics, read at scrape time', () => {
  it('show the plain counts of every transport of a signal, once each, also after detach', async () => {
    const bounds = { maxBytes: 1000, maxRecords: 100 };
    const a = new Accounting('traces');
    const queueA = { records: 0, bytes: 0 };
    a.attach(queueA, bounds);
    // Every series exists from the start, at 0.
    expect(await records()).toEqual({
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

    a.enqueued(5, Date.now());
    queueA.records = 5;
    a.refused(2, 'queue_full');
    expect(await records()).toMatchObject({ received: 7, queued: 5, queueFull: 2, inFlight: 0 });
    queueA.records = 0;
    a.dequeued(5);
    a.delivered(3, 1); // one rejected by a partial success
    a.spooledFromFlight(1);
    a.droppedInFlight(1, 'retry_exhausted');
    a.request({ retry: true, seconds: 0.01, outcome: '5xx', records: 1 });
    a.possibleDuplicate(2);
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
    expect(await records()).toEqual(expected);
    // A second scrape adds nothing.
    expect(await records()).toEqual(expected);

    // A second transport of the same signal adds to the same series.
    const b = new Accounting('traces');
    const queueB = { records: 0, bytes: 0 };
    b.attach(queueB, bounds);
    b.enqueued(4, Date.now());
    queueB.records = 4;
    expect(await records()).toEqual({ ...expected, received: 11, queued: 4 });

    // Detached (shut down): its counts stay in the metrics, and a later change still arrives.
    a.detach();
    expect(await records()).toEqual({ ...expected, received: 11, queued: 4 });
    a.refused(3, 'shutdown');
    expect(await records()).toEqual({ ...expected, received: 14, queued: 4, shutdown: 3 });
    expect(a.counts).toMatchObject({ received: 10, dropped: 7, inFlight: 0, spooled: 1 });
    b.detach();
  });
});
