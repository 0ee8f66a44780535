/**
 * Accounting of every record: per transport a cheap snapshot (`stats()`), and process-wide
 * prom-client metrics in `sdkRegistry`. At every moment
 *
 *     received = delivered + dropped + queued + in_flight + spooled
 *
 * where `received` includes records recovered from the disk spool of an earlier process.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { sdkRegistry } from '../../src/metrics/registry';
import type { DropReason, SignalName } from './types';
import { DROP_REASONS } from './types';

/** A point-in-time snapshot of one transport's accounting. */
export interface TransportStats {
  received: number;
  delivered: number;
  dropped: number;
  droppedByReason: Record<DropReason, number>;
  queued: number;
  queuedBytes: number;
  inFlight: number;
  spooled: number;
  /** Records recovered from the spool at open (also counted in `received`). */
  recovered: number;
  /** Requests that were retries of an earlier attempt. */
  retries: number;
  /** Records sent again after an attempt whose answer was lost (may be duplicated). */
  possibleDuplicates: number;
  requests: number;
  concurrencyLimit: number;
  batchRecords: number;
  circuit: 'closed' | 'open' | 'half-open';
}

/** The queue of one transport, as the scrape-time gauges and the health check read it. */
export interface QueueView {
  /** Records queued now. */
  readonly records: number;
  /** Estimated bytes queued now. */
  readonly bytes: number;
}

/** The bounds of one transport's queue. */
export interface QueueBounds {
  readonly maxBytes: number;
  readonly maxRecords: number;
}

/** Accountings of running transports, read at scrape time (queue bytes and bounds). */
const live = new Set<Accounting>();
/** Accountings whose numbers the metrics read at scrape time: every one until detached. */
const publishers = new Set<Accounting>();
/** What the record gauges show, per signal: the sums of what the accountings published. */
interface RecordGauges {
  queued: number;
  inFlight: number;
  spooled: number;
}
const gaugeSums = new Map<SignalName, RecordGauges>();
/**
 * Per signal, the clock time (ms) of the last successful export in this process, or of the first
 * transport's start while none has succeeded yet: `now - value` is the time without a success.
 */
const lastSuccessBySignal = new Map<SignalName, number>();

interface Metrics {
  received: Counter<'signal'>;
  delivered: Counter<'signal'>;
  dropped: Counter<'signal' | 'reason'>;
  queued: Gauge<'signal'>;
  inFlight: Gauge<'signal'>;
  spooled: Gauge<'signal'>;
  retries: Counter<'signal'>;
  duplicates: Counter<'signal'>;
  duration: Histogram<'signal' | 'outcome'>;
  batchRecords: Histogram<'signal'>;
  compressionRatio: Histogram<'signal'>;
  concurrency: Gauge<'signal'>;
  circuit: Gauge<'signal'>;
}

/** Sets one value per signal of the running transports: the sum of `read` over them. */
function sumBySignal(gauge: Gauge<'signal'>, read: (a: Accounting) => number): void {
  gauge.reset();
  const sums = new Map<SignalName, number>();
  for (const a of live) sums.set(a.signal, (sums.get(a.signal) ?? 0) + read(a));
  for (const [signal, value] of sums) gauge.set({ signal }, value);
}

/** Moves the changes of every accounting into the metrics (at scrape time). */
function publishAll(): void {
  for (const a of publishers) a.publish();
}

/** A record gauge's collect: the published sums, one per signal seen in this process. */
function showRecordGauge(gauge: Gauge<'signal'>, key: keyof RecordGauges): void {
  publishAll();
  for (const [signal, sums] of gaugeSums) gauge.set({ signal }, sums[key]);
}

let metrics: Metrics | undefined;

function sharedMetrics(): Metrics {
  if (metrics !== undefined) return metrics;
  const registers = [sdkRegistry];
  const signal = ['signal'] as const;
  metrics = {
    // The record counts change on every record: they are plain numbers in each Accounting, read
    // when scraped (the counters grow by the increase since the last scrape).
    received: new Counter({
      name: 'sprintlens_exporter_received_records_total',
      help: 'Records handed to the exporter (including records recovered from the disk spool).',
      labelNames: signal,
      registers,
      collect: publishAll,
    }),
    delivered: new Counter({
      name: 'sprintlens_exporter_delivered_records_total',
      help: 'Records the endpoint accepted.',
      labelNames: signal,
      registers,
      collect: publishAll,
    }),
    dropped: new Counter({
      name: 'sprintlens_exporter_dropped_records_total',
      help: 'Records given up on, by reason (see docs/exporter.md).',
      labelNames: ['signal', 'reason'] as const,
      registers,
      collect: publishAll,
    }),
    queued: new Gauge({
      name: 'sprintlens_exporter_queued_records',
      help: 'Records waiting in the in-memory queue.',
      labelNames: signal,
      registers,
      collect() {
        showRecordGauge(this, 'queued');
      },
    }),
    inFlight: new Gauge({
      name: 'sprintlens_exporter_in_flight_records',
      help: 'Records in batches being sent or waiting to be retried.',
      labelNames: signal,
      registers,
      collect() {
        showRecordGauge(this, 'inFlight');
      },
    }),
    spooled: new Gauge({
      name: 'sprintlens_exporter_spooled_records',
      help: 'Records waiting in the disk spool.',
      labelNames: signal,
      registers,
      collect() {
        showRecordGauge(this, 'spooled');
      },
    }),
    retries: new Counter({
      name: 'sprintlens_exporter_retries_total',
      help: 'Export requests that were retries of an earlier attempt.',
      labelNames: signal,
      registers,
      collect: publishAll,
    }),
    duplicates: new Counter({
      name: 'sprintlens_exporter_possible_duplicate_records_total',
      help: 'Records sent again after an attempt whose answer was lost; the backend may hold them twice.',
      labelNames: signal,
      registers,
      collect: publishAll,
    }),
    duration: new Histogram({
      name: 'sprintlens_exporter_request_duration_seconds',
      help: 'Duration of export requests.',
      labelNames: ['signal', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchRecords: new Histogram({
      name: 'sprintlens_exporter_batch_records',
      help: 'Records per export request.',
      labelNames: signal,
      buckets: [1, 8, 32, 128, 512, 2048, 8192],
      registers,
    }),
    compressionRatio: new Histogram({
      name: 'sprintlens_exporter_compression_ratio',
      help: 'Compressed size over encoded size of request bodies (1 = not compressed).',
      labelNames: signal,
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1],
      registers,
    }),
    concurrency: new Gauge({
      name: 'sprintlens_exporter_concurrency_limit',
      help: 'Current adaptive limit of export requests in flight.',
      labelNames: signal,
      registers,
    }),
    circuit: new Gauge({
      name: 'sprintlens_exporter_circuit_state',
      help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open.',
      labelNames: signal,
      registers,
    }),
  };
  // Read at scrape time too: the queue's bytes change on every record, and nothing on that path
  // should touch prom-client.
  new Gauge({
    name: 'sprintlens_exporter_queued_bytes',
    help: 'Estimated bytes waiting in the in-memory queue (compare with the queue bound).',
    labelNames: signal,
    registers,
    collect() {
      sumBySignal(this, (a) => a.queue?.bytes ?? 0);
    },
  });
  new Gauge({
    name: 'sprintlens_exporter_queue_max_bytes',
    help: 'Byte bound of the in-memory queue (SPRINTLENS_QUEUE_MAX_BYTES).',
    labelNames: signal,
    registers,
    collect() {
      sumBySignal(this, (a) => a.bounds?.maxBytes ?? 0);
    },
  });
  new Gauge({
    name: 'sprintlens_exporter_queue_max_records',
    help: 'Record bound of the in-memory queue.',
    labelNames: signal,
    registers,
    collect() {
      sumBySignal(this, (a) => a.bounds?.maxRecords ?? 0);
    },
  });
  new Gauge({
    name: 'sprintlens_exporter_last_success_timestamp_seconds',
    help:
      'Unix time of the last successful export (2xx), or of the exporter start while none ' +
      'has succeeded: time() minus it is the time without a successful export.',
    labelNames: signal,
    registers,
    collect() {
      this.reset();
      for (const [name, at] of lastSuccessBySignal) this.set({ signal: name }, at / 1000);
    },
  });
  return metrics;
}

function zeroReasons(): Record<DropReason, number> {
  const reasons = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) reasons[reason] = 0;
  return reasons;
}

/** The counters of {@link Accounting.counts} that are also prom-client counters. */
const COUNTERS = ['received', 'delivered', 'retries', 'possibleDuplicates'] as const;

/**
 * The counters of one transport, as plain numbers: a transition is a few additions, and the
 * prom-client metrics read them at scrape time. Transitions move records between the states in
 * one call, so the identity holds between any two calls. The queued records are the queue's own
 * count ({@link QueueView.records}), not a copy.
 */
export class Accounting {
  readonly counts = {
    received: 0,
    delivered: 0,
    dropped: 0,
    inFlight: 0,
    spooled: 0,
    recovered: 0,
    retries: 0,
    possibleDuplicates: 0,
    requests: 0,
  };
  readonly droppedByReason = zeroReasons();
  /**
   * Clock times (ms, `Date.now()`) for the health check, read per batch or on a state change:
   * the per-record path reads the clock only when the queue was empty.
   */
  readonly createdAt = Date.now();
  /** The last 2xx answer; `undefined` while none. */
  lastSuccessAt: number | undefined;
  /** The last time records left the queue for a batch. */
  lastDequeuedAt = 0;
  /** When the queue last went from empty to not empty. */
  queuedSince = 0;
  /** When the circuit breaker entered its current state. */
  circuitSince = this.createdAt;
  /** Set by {@link attach} while the transport runs. */
  queue: QueueView | undefined;
  bounds: QueueBounds | undefined;
  private circuitValue = 0;
  private detached = false;
  private readonly labels: { signal: SignalName };
  private readonly m: Metrics;
  private readonly gauges: RecordGauges;
  /** What the metrics show of this accounting so far (see {@link publish}). */
  private readonly shown = {
    received: 0,
    delivered: 0,
    retries: 0,
    possibleDuplicates: 0,
    queued: 0,
    inFlight: 0,
    spooled: 0,
  };
  private readonly shownDropped = zeroReasons();

  constructor(readonly signal: SignalName) {
    this.labels = { signal };
    this.m = sharedMetrics();
    if (!lastSuccessBySignal.has(signal)) lastSuccessBySignal.set(signal, this.createdAt);
    let gauges = gaugeSums.get(signal);
    if (gauges === undefined) {
      gauges = { queued: 0, inFlight: 0, spooled: 0 };
      gaugeSums.set(signal, gauges);
    }
    this.gauges = gauges;
    publishers.add(this);
    // Every series exists from the start at 0: a counter that first appears already above 0
    // hides its first increase from rate(), and a missing gauge makes sums in alert rules empty.
    const m = this.m;
    for (const metric of [m.received, m.delivered, m.retries, m.duplicates]) {
      metric.inc(this.labels, 0);
    }
    for (const reason of DROP_REASONS) m.dropped.inc({ signal, reason }, 0);
  }

  /** Reports this transport's queue in the scrape-time gauges until {@link detach}. */
  attach(queue: QueueView, bounds: QueueBounds): void {
    this.queue = queue;
    this.bounds = bounds;
    live.add(this);
  }

  /**
   * At shutdown: the queue's bytes and bounds are no longer part of the gauges, and the counts
   * are published now, as they will be on any later change.
   */
  detach(): void {
    live.delete(this);
    this.publish();
    publishers.delete(this);
    this.detached = true;
  }

  /** Moves what changed since the last call into the metrics. */
  publish(): void {
    const { counts, shown, m, labels } = this;
    for (const key of COUNTERS) {
      const delta = counts[key] - shown[key];
      if (delta === 0) continue;
      shown[key] = counts[key];
      const counter = key === 'possibleDuplicates' ? m.duplicates : m[key];
      counter.inc(labels, delta);
    }
    for (const reason of DROP_REASONS) {
      const delta = this.droppedByReason[reason] - this.shownDropped[reason];
      if (delta === 0) continue;
      this.shownDropped[reason] = this.droppedByReason[reason];
      m.dropped.inc({ signal: this.signal, reason }, delta);
    }
    const queued = this.queue?.records ?? 0;
    this.gauges.queued += queued - shown.queued;
    shown.queued = queued;
    this.gauges.inFlight += counts.inFlight - shown.inFlight;
    shown.inFlight = counts.inFlight;
    this.gauges.spooled += counts.spooled - shown.spooled;
    shown.spooled = counts.spooled;
  }

  /** New records accepted into the queue; `queuedSince` when the queue was empty before. */
  enqueued(records: number, queuedSince?: number): void {
    if (queuedSince !== undefined) this.queuedSince = queuedSince;
    this.counts.received += records;
    this.changed();
  }

  /** New records refused at the door. */
  refused(records: number, reason: DropReason): void {
    this.counts.received += records;
    this.count(records, reason);
  }

  /** Queue to in flight. */
  dequeued(records: number): void {
    this.lastDequeuedAt = Date.now();
    this.counts.inFlight += records;
    this.changed();
  }

  /** In flight to delivered (minus what a partial success rejected). */
  delivered(records: number, rejected: number): void {
    const rejectedNow = Math.min(records, rejected);
    const now = Date.now();
    this.lastSuccessAt = now;
    lastSuccessBySignal.set(this.signal, now);
    this.counts.inFlight -= records;
    this.counts.delivered += records - rejectedNow;
    if (rejectedNow > 0) this.count(rejectedNow, 'partial_success');
    this.changed();
  }

  /** In flight to dropped. */
  droppedInFlight(records: number, reason: DropReason): void {
    this.counts.inFlight -= records;
    this.count(records, reason);
  }

  /** In flight to the spool. */
  spooledFromFlight(records: number): void {
    this.counts.inFlight -= records;
    this.counts.spooled += records;
    this.changed();
  }

  /** Records found in the spool at open (left by an earlier process). */
  recoveredFromSpool(records: number): void {
    this.counts.received += records;
    this.counts.recovered += records;
    this.counts.spooled += records;
    this.changed();
  }

  /** Spool to in flight (a claimed entry). */
  claimedFromSpool(records: number): void {
    this.counts.spooled -= records;
    this.counts.inFlight += records;
    this.changed();
  }

  /** Lost from the spool: evicted by its bound, or found corrupt. */
  lostFromSpool(records: number, reason: DropReason): void {
    this.counts.spooled -= records;
    this.count(records, reason);
  }

  request(options: { retry: boolean; seconds: number; outcome: string; records: number }): void {
    this.counts.requests += 1;
    if (options.retry) {
      this.counts.retries += 1;
      this.changed();
    }
    this.m.duration.observe(
      { signal: this.labels.signal, outcome: options.outcome },
      options.seconds,
    );
  }

  batch(records: number, ratio: number): void {
    this.m.batchRecords.observe(this.labels, records);
    this.m.compressionRatio.observe(this.labels, ratio);
  }

  possibleDuplicate(records: number): void {
    this.counts.possibleDuplicates += records;
    this.changed();
  }

  concurrencyLimit(limit: number): void {
    this.m.concurrency.set(this.labels, limit);
  }

  circuitState(value: number): void {
    if (value !== this.circuitValue) {
      this.circuitValue = value;
      this.circuitSince = Date.now();
    }
    this.m.circuit.set(this.labels, value);
  }

  private count(records: number, reason: DropReason): void {
    this.counts.dropped += records;
    this.droppedByReason[reason] += records;
    this.changed();
  }

  /**
   * A change after {@link detach} (a record refused after shutdown) is published at once: no
   * scrape reads a detached accounting.
   */
  private changed(): void {
    if (this.detached) this.publish();
  }
}
