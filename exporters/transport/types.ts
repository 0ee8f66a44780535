/**
 * Shared types of the export transport: the signal codecs and the tunables.
 */
import type { Resource } from '@opentelemetry/resources';
import type { Compression, OtlpProtocol } from '../../src/config/options';

/** The three OTLP signals; also the bounded `signal` label of the exporter metrics. */
export type SignalName = 'traces' | 'logs' | 'metrics';

/**
 * What the transport needs to know about one signal's items (spans, log records, or
 * `ResourceMetrics`): how many records one holds, a cheap size estimate for the queue's byte
 * bound, and how a list of them is encoded and split.
 */
export interface SignalCodec<T> {
  readonly signal: SignalName;
  /** Whether several items can share one request (and a request be split in halves). */
  readonly mergeable: boolean;
  /** The item's resource, whose async attributes must settle before encoding. */
  resource(item: T): Resource;
  /** Records one item counts for (1 per span or log record; data points for metrics). */
  records(item: T): number;
  /** Rough encoded size in bytes, without encoding (hot path: no allocation). */
  estimateBytes(item: T): number;
  /** OTLP request body for `items`. Never hand-written: `@opentelemetry/otlp-transformer`. */
  encode(items: readonly T[], protocol: OtlpProtocol): Uint8Array;
  /** Rejected records reported by an OTLP `partial_success`, 0 when none or unreadable. */
  rejected(response: Uint8Array, protocol: OtlpProtocol): number;
}

/** Tunables of the transport; every field has a default (see `DEFAULT_TRANSPORT_OPTIONS`). */
export interface TransportTunables {
  /** Memory bound of the queue in estimated bytes. Default 64 MiB. */
  queueMaxBytes: number;
  /** Record bound of the queue. Default 1,000,000. */
  queueMaxRecords: number;
  /** Largest request body before compression, in bytes. Default 4 MiB. */
  maxBatchBytes: number;
  /** Adaptive batch size bounds, in records. Defaults 64 and 8192; starts at 512. */
  minBatchRecords: number;
  maxBatchRecords: number;
  initialBatchRecords: number;
  /** A partial batch is sent after this delay. Default 1000 ms. */
  batchDelayMillis: number;
  /** Adaptive concurrency bounds (requests in flight per signal). Defaults 1 and 32. */
  minConcurrency: number;
  maxConcurrency: number;
  /** Per-request timeout in ms. Default: the resolved `exportTimeoutMillis` (10 s). */
  requestTimeoutMillis: number;
  /** Total time one batch may spend being retried. Default 10 minutes. */
  retryBudgetMillis: number;
  /** Backoff bounds (full jitter). Defaults 100 ms and 30 s. */
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  /** Cap of an honoured `Retry-After`. Default 60 s. */
  maxRetryAfterMillis: number;
  /** Consecutive failed requests that open the circuit. Default 5. */
  circuitFailureThreshold: number;
  /** First open period of the circuit; doubles on a failed probe up to 60 s. Default 5 s. */
  circuitOpenMillis: number;
  /** Shutdown flushes for at most this long, then spools or drops what is left. Default 4 s. */
  shutdownFlushMillis: number;
  /** Disk spool directory (`SPRINTLENS_SPOOL_DIR`); unset: no spool. */
  spoolDir: string | undefined;
  /** Byte bound of the spool, per signal. Default 256 MiB. */
  spoolMaxBytes: number;
  /** A batch whose next retry is further away than this goes to the spool. Default 5 s. */
  spoolAfterWaitMillis: number;
  /** Seed-able randomness for jitter (tests); default `Math.random`. */
  random: () => number;
}

/** Where and how one signal is sent. */
export interface TransportTarget {
  url: string;
  headers: Readonly<Record<string, string>>;
  protocol: OtlpProtocol;
  compression: Compression;
}

export const MiB = 1024 * 1024;

export const DEFAULT_TRANSPORT_OPTIONS: Readonly<TransportTunables> = {
  queueMaxBytes: 64 * MiB,
  queueMaxRecords: 1_000_000,
  maxBatchBytes: 4 * MiB,
  minBatchRecords: 64,
  maxBatchRecords: 8192,
  initialBatchRecords: 512,
  batchDelayMillis: 1000,
  minConcurrency: 1,
  maxConcurrency: 32,
  requestTimeoutMillis: 10_000,
  retryBudgetMillis: 10 * 60_000,
  initialBackoffMillis: 100,
  maxBackoffMillis: 30_000,
  maxRetryAfterMillis: 60_000,
  circuitFailureThreshold: 5,
  circuitOpenMillis: 5000,
  shutdownFlushMillis: 4000,
  spoolDir: undefined,
  spoolMaxBytes: 256 * MiB,
  spoolAfterWaitMillis: 5000,
  random: Math.random,
};

/** Bounded `reason` label values of `sprintlens_exporter_dropped_records_total`. */
export type DropReason =
  /** The queue was full (records or bytes) when the record arrived. */
  | 'queue_full'
  /** A single record is larger than the body limit (ours or the backend's 413). */
  | 'too_large'
  /** 400 or another non-retryable 4xx. */
  | 'rejected'
  /** 401 / 403. */
  | 'auth'
  /** The backend reported them in an OTLP partial_success. */
  | 'partial_success'
  /** Retried for the whole retry budget without success, and no spool. */
  | 'retry_exhausted'
  /** Left over at shutdown, and no spool (or the spool failed). */
  | 'shutdown'
  /** Evicted from the disk spool by its byte bound. */
  | 'spool_evicted'
  /** The spool could not take a batch (disk full, not writable). */
  | 'spool_failed'
  /** A spool file was found damaged; its records are lost. */
  | 'spool_corrupt'
  /** The encoder failed on them (a bug or a malformed item). */
  | 'encode_error';

export const DROP_REASONS: readonly DropReason[] = [
  'queue_full',
  'too_large',
  'rejected',
  'auth',
  'partial_success',
  'retry_exhausted',
  'shutdown',
  'spool_evicted',
  'spool_failed',
  'spool_corrupt',
  'encode_error',
];
