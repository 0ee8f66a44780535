/**
 * Health of the SDK's parts (one exporter transport per signal, the sampling policy client) for
 * `/healthz`. Each part registers a source; the endpoint reports the worst status.
 *
 * Three levels, chosen so that a Kubernetes liveness probe on `/healthz` does the right thing:
 *
 * - `ok`: working as intended.
 * - `degraded`: telemetry is late or at risk (backend unreachable, circuit open, queue filling
 *   up, sampling policy stale), but restarting the app would not help and could lose what is
 *   queued. `/healthz` still answers 200: the app itself is fine.
 * - `unhealthy`: the SDK is wedged in a way only a restart fixes (an export queue that holds
 *   records and has made no progress for minutes with nothing in flight). `/healthz` answers 503.
 */

/** Status of one part, or of the whole SDK (the worst of its parts). */
export type HealthStatus = 'ok' | 'degraded' | 'unhealthy';

/** What one part reports. `details` must hold no secret and no captured content. */
export interface HealthReport {
  readonly status: HealthStatus;
  /** Short, stable reasons for a status other than `ok` (e.g. `circuit_open`); empty when ok. */
  readonly reasons: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** A part of the SDK that can say how it is. `check` must be cheap and must not throw. */
export interface HealthSource {
  /** Key of the report in `/healthz` (e.g. `exporter_traces`). */
  readonly name: string;
  check(): HealthReport;
}

/** The combined health of every registered source. */
export interface HealthSummary {
  /** The worst status of all sources; `ok` when there is none. */
  readonly status: HealthStatus;
  /** `false` only when `status` is `unhealthy`: what a liveness probe should act on. */
  readonly healthy: boolean;
  readonly checks: Readonly<Record<string, HealthReport>>;
}

const RANK: Readonly<Record<HealthStatus, number>> = { ok: 0, degraded: 1, unhealthy: 2 };

const sources = new Map<string, HealthSource>();

/**
 * Adds a source. A second source under a name already taken (two exporters of one signal) is
 * listed as `name#2`, `name#3`, …, never replacing the first. Returns the function that removes
 * exactly this source (call it at shutdown).
 */
export function registerHealthSource(source: HealthSource): () => void {
  let key = source.name;
  for (let n = 2; sources.has(key); n++) key = `${source.name}#${n}`;
  sources.set(key, source);
  return () => {
    if (sources.get(key) === source) sources.delete(key);
  };
}

/** Every source's report under its name, and the worst status. */
export function checkHealth(): HealthSummary {
  const checks: Record<string, HealthReport> = {};
  let status: HealthStatus = 'ok';
  for (const [name, source] of sources) {
    let report: HealthReport;
    try {
      report = source.check();
    } catch {
      // A failing check says nothing about the app; do not let it restart the pod.
      report = { status: 'degraded', reasons: ['check_failed'], details: {} };
    }
    checks[name] = report;
    if (RANK[report.status] > RANK[status]) status = report.status;
  }
  return { status, healthy: status !== 'unhealthy', checks };
}

/** A report from the reasons found: `unhealthy` if any reason is fatal, else degraded or ok. */
export function healthReport(
  degraded: readonly string[],
  unhealthy: readonly string[],
  details: Readonly<Record<string, unknown>>,
): HealthReport {
  const status: HealthStatus =
    unhealthy.length > 0 ? 'unhealthy' : degraded.length > 0 ? 'degraded' : 'ok';
  return { status, reasons: [...unhealthy, ...degraded], details };
}
