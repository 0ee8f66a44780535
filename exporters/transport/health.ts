/**
 * The `/healthz` check of one transport (`exporter_traces`, `exporter_logs`, `exporter_metrics`):
 * circuit state, queue fill, time without a successful export, what is in flight and spooled.
 *
 * A backend that cannot be reached makes the check `degraded`, never `unhealthy`: restarting
 * the app does not bring the backend back and would lose what is queued (see
 * docs/operations.md). Only a queue that holds records and has made no progress for minutes with
 * nothing in flight (a wedged transport, which a restart does fix) is `unhealthy`.
 */
import { healthReport, registerHealthSource } from '../../src/base/health';
import type { HealthReport } from '../../src/base/health';
import type { Ledger, TransportStats } from './ledger';

/** Thresholds of the transport health check. */
export const TRANSPORT_HEALTH = {
  /** Queue fill (by records or by bytes) at or above which the check is degraded. */
  queueFillRatio: 0.8,
  /** Time without a successful export, while data waits, after which it is degraded. */
  noSuccessMillis: 10 * 60_000,
  /** Time a non-empty queue may go without a batch leaving, with nothing in flight. */
  stalledMillis: 5 * 60_000,
} as const;

/** What the check reads from a transport. */
export interface TransportHealthInput {
  readonly stats: TransportStats;
  readonly ledger: Pick<
    Ledger,
    'createdAt' | 'lastSuccessAt' | 'lastDequeuedAt' | 'queuedSince' | 'circuitSince'
  >;
  readonly queueMaxBytes: number;
  readonly queueMaxRecords: number;
}

const seconds = (millis: number): number => Math.round(millis / 100) / 10;
const ratio = (value: number, bound: number): number =>
  bound > 0 ? Math.round((value / bound) * 1000) / 1000 : 0;

/** The report of one transport at clock time `now` (ms). */
export function transportHealth(input: TransportHealthInput, now: number): HealthReport {
  const { stats, ledger: a } = input;
  const fillRecords = ratio(stats.queued, input.queueMaxRecords);
  const fillBytes = ratio(stats.queuedBytes, input.queueMaxBytes);
  const waiting = stats.queued + stats.inFlight + stats.spooled;
  const withoutSuccess = now - (a.lastSuccessAt ?? a.createdAt);
  const degraded: string[] = [];
  const unhealthy: string[] = [];
  // Half-open is the probe of an open circuit: still not sending.
  if (stats.circuit !== 'closed') degraded.push('circuit_open');
  if (Math.max(fillRecords, fillBytes) >= TRANSPORT_HEALTH.queueFillRatio) {
    degraded.push('queue_near_full');
  }
  if (waiting > 0 && withoutSuccess > TRANSPORT_HEALTH.noSuccessMillis) {
    degraded.push('no_recent_export');
  }
  if (
    stats.queued > 0 &&
    stats.inFlight === 0 &&
    now - Math.max(a.lastDequeuedAt, a.queuedSince) > TRANSPORT_HEALTH.stalledMillis
  ) {
    unhealthy.push('export_stalled');
  }
  return healthReport(degraded, unhealthy, {
    circuit: stats.circuit,
    circuitSinceSeconds: seconds(now - a.circuitSince),
    queuedRecords: stats.queued,
    queuedBytes: stats.queuedBytes,
    queueFillRecords: fillRecords,
    queueFillBytes: fillBytes,
    inFlightRecords: stats.inFlight,
    spooledRecords: stats.spooled,
    deliveredRecords: stats.delivered,
    droppedRecords: stats.dropped,
    lastSuccessAgeSeconds: a.lastSuccessAt === undefined ? null : seconds(now - a.lastSuccessAt),
    secondsWithoutSuccess: seconds(withoutSuccess),
  });
}

/**
 * Registers the check of one transport as `exporter_<signal>`; returns the function that removes
 * it (the transport calls it when it shuts down).
 */
export function registerTransportHealth(
  signal: string,
  read: () => TransportHealthInput,
): () => void {
  return registerHealthSource({
    name: `exporter_${signal}`,
    check: () => transportHealth(read(), Date.now()),
  });
}
