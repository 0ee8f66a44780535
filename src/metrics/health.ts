/**
 * Health of the SDK's parts (exporter, sampling policy, …) for `/healthz`. Each part registers a
 * source; the endpoint is healthy when every source is.
 */

/** What one part reports. `details` must hold no secret and no captured content. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A part of the SDK that can say how it is. `check` must be cheap and must not throw. */
export interface HealthSource {
  readonly name: string;
  check(): HealthReport;
}

const sources = new Map<string, HealthSource>();

/** Adds (or replaces, by name) a source. Returns a function that removes it. */
export function registerHealthSource(source: HealthSource): () => void {
  sources.set(source.name, source);
  return () => {
    if (sources.get(source.name) === source) sources.delete(source.name);
  };
}

/** The combined health: every source's report under its name. */
export function checkHealth(): { healthy: boolean; checks: Record<string, HealthReport> } {
  const checks: Record<string, HealthReport> = {};
  let healthy = true;
  for (const [name, source] of sources) {
    let report: HealthReport;
    try {
      report = source.check();
    } catch {
      report = { healthy: false, details: { error: 'health check failed' } };
    }
    checks[name] = report;
    healthy &&= report.healthy;
  }
  return { healthy, checks };
}
