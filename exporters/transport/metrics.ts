/**
 * The Prometheus exposition of one transport: a {@link MetricsSource} that the transport adds to
 * `selfMetrics()` when it is built and removes at shutdown. It reads the transport's
 * {@link Ledger}, queue, concurrency limit and circuit state at scrape time; nothing on the
 * per-record path touches it. Several transports of one signal (`start()`'s and one of the
 * user's own) add up: counters and record gauges are summed, the circuit state and the last
 * success take the largest value. A removed transport's counters and histograms stay in the
 * totals (see `src/base/self-metrics.ts`).
 */
import type { Labels, MetricSpec, MetricsSource, MetricsWriter } from '../../src/base/self-metrics';
import type { Ledger } from './ledger';
import { BATCH_RECORDS_BUCKETS, COMPRESSION_RATIO_BUCKETS, DURATION_BUCKETS } from './ledger';
import type { SignalName } from './types';
import { DROP_REASONS } from './types';

/** What the exposition reads from a transport, at scrape time. */
export interface TransportView {
  readonly signal: SignalName;
  readonly ledger: Ledger;
  readonly queue: { readonly records: number; readonly bytes: number };
  readonly bounds: { readonly maxBytes: number; readonly maxRecords: number };
  /** Requests allowed in flight now. */
  concurrencyLimit(): number;
  /** 0 closed, 1 open, 2 half-open. */
  circuitState(): number;
}

const RECEIVED = 'sprintlens_exporter_received_records_total';
const DELIVERED = 'sprintlens_exporter_delivered_records_total';
const DROPPED = 'sprintlens_exporter_dropped_records_total';
const QUEUED = 'sprintlens_exporter_queued_records';
const IN_FLIGHT = 'sprintlens_exporter_in_flight_records';
const SPOOLED = 'sprintlens_exporter_spooled_records';
const RETRIES = 'sprintlens_exporter_retries_total';
const DUPLICATES = 'sprintlens_exporter_possible_duplicate_records_total';
const DURATION = 'sprintlens_exporter_request_duration_seconds';
const BATCH_RECORDS = 'sprintlens_exporter_batch_records';
const COMPRESSION_RATIO = 'sprintlens_exporter_compression_ratio';
const CONCURRENCY = 'sprintlens_exporter_concurrency_limit';
const CIRCUIT = 'sprintlens_exporter_circuit_state';
const QUEUED_BYTES = 'sprintlens_exporter_queued_bytes';
const QUEUE_MAX_BYTES = 'sprintlens_exporter_queue_max_bytes';
const QUEUE_MAX_RECORDS = 'sprintlens_exporter_queue_max_records';
const LAST_SUCCESS = 'sprintlens_exporter_last_success_timestamp_seconds';

/** The exporter metrics (names, help and types are documented in docs/operations.md). */
export const TRANSPORT_METRIC_SPECS: readonly MetricSpec[] = [
  {
    name: RECEIVED,
    help: 'Records handed to the exporter (including records recovered from the disk spool).',
    type: 'counter',
  },
  { name: DELIVERED, help: 'Records the endpoint accepted.', type: 'counter' },
  {
    name: DROPPED,
    help: 'Records given up on, by reason (see docs/exporter.md).',
    type: 'counter',
  },
  { name: QUEUED, help: 'Records waiting in the in-memory queue.', type: 'gauge' },
  {
    name: IN_FLIGHT,
    help: 'Records in batches being sent or waiting to be retried.',
    type: 'gauge',
  },
  { name: SPOOLED, help: 'Records waiting in the disk spool.', type: 'gauge' },
  {
    name: RETRIES,
    help: 'Export requests that were retries of an earlier attempt.',
    type: 'counter',
  },
  {
    name: DUPLICATES,
    help: 'Records sent again after an attempt whose answer was lost; the backend may hold them twice.',
    type: 'counter',
  },
  {
    name: DURATION,
    help: 'Duration of export requests.',
    type: 'histogram',
    buckets: DURATION_BUCKETS,
  },
  {
    name: BATCH_RECORDS,
    help: 'Records per export request.',
    type: 'histogram',
    buckets: BATCH_RECORDS_BUCKETS,
  },
  {
    name: COMPRESSION_RATIO,
    help: 'Compressed size over encoded size of request bodies (1 = not compressed).',
    type: 'histogram',
    buckets: COMPRESSION_RATIO_BUCKETS,
  },
  {
    name: CONCURRENCY,
    help: 'Current adaptive limit of export requests in flight.',
    type: 'gauge',
  },
  {
    name: CIRCUIT,
    help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open.',
    type: 'gauge',
    aggregate: 'max',
  },
  {
    name: QUEUED_BYTES,
    help: 'Estimated bytes waiting in the in-memory queue (compare with the queue bound).',
    type: 'gauge',
  },
  {
    name: QUEUE_MAX_BYTES,
    help: 'Byte bound of the in-memory queue (SPRINTLENS_QUEUE_MAX_BYTES).',
    type: 'gauge',
  },
  { name: QUEUE_MAX_RECORDS, help: 'Record bound of the in-memory queue.', type: 'gauge' },
  {
    name: LAST_SUCCESS,
    help:
      'Unix time of the last successful export (2xx), or of the exporter start while none ' +
      'has succeeded: time() minus it is the time without a successful export.',
    type: 'gauge',
    aggregate: 'max',
  },
];

/** The metrics source of one transport. */
export function transportMetrics(view: TransportView): MetricsSource {
  const labels: Labels = { signal: view.signal };
  const reasonLabels = DROP_REASONS.map((reason) => ({ reason, labels: { ...labels, reason } }));
  const outcomeLabels = new Map<string, Labels>();
  return {
    specs: TRANSPORT_METRIC_SPECS,
    collect(out: MetricsWriter): void {
      const { ledger, queue, bounds } = view;
      const c = ledger.counts;
      // Every series exists from the start at 0: a counter that first appears already above 0
      // hides its first increase from rate(), and a missing gauge makes sums in alert rules empty.
      out.add(RECEIVED, c.received, labels);
      out.add(DELIVERED, c.delivered, labels);
      for (const { reason, labels: withReason } of reasonLabels) {
        out.add(DROPPED, ledger.droppedByReason[reason], withReason);
      }
      out.add(RETRIES, c.retries, labels);
      out.add(DUPLICATES, c.possibleDuplicates, labels);
      out.add(QUEUED, queue.records, labels);
      out.add(IN_FLIGHT, c.inFlight, labels);
      out.add(SPOOLED, c.spooled, labels);
      out.add(QUEUED_BYTES, queue.bytes, labels);
      out.add(QUEUE_MAX_BYTES, bounds.maxBytes, labels);
      out.add(QUEUE_MAX_RECORDS, bounds.maxRecords, labels);
      out.add(CONCURRENCY, view.concurrencyLimit(), labels);
      out.add(CIRCUIT, view.circuitState(), labels);
      out.add(LAST_SUCCESS, (ledger.lastSuccessAt ?? ledger.createdAt) / 1000, labels);
      // Histogram series appear with their first observation.
      for (const [outcome, counts] of ledger.durations) {
        let withOutcome = outcomeLabels.get(outcome);
        if (withOutcome === undefined) {
          withOutcome = { ...labels, outcome };
          outcomeLabels.set(outcome, withOutcome);
        }
        out.histogram(DURATION, counts, withOutcome);
      }
      if (ledger.batchRecords.count > 0) out.histogram(BATCH_RECORDS, ledger.batchRecords, labels);
      if (ledger.compressionRatio.count > 0) {
        out.histogram(COMPRESSION_RATIO, ledger.compressionRatio, labels);
      }
    },
  };
}
