import type { TargetRegistry } from '../base/self-metrics';
import { selfMetrics } from '../base/self-metrics';

/**
 * Adds sprintlens's own metrics (exporter, sampler, LLM usage, log instrumentations) to the
 * app's prom-client registry, so they are served wherever the app already serves `/metrics`:
 *
 * ```ts
 * import { register } from 'prom-client';
 * registerMetrics(register);
 * ```
 *
 * Safe to call more than once and with prom-client's default registry: a metric the app
 * already has under the same name is left alone instead of throwing a duplicate-registration
 * error. Metrics of parts sprintlens builds later (an exporter, an instrumentation) are added as
 * they appear. Works with a registry of another copy of prom-client.
 */
export function registerMetrics(registry: TargetRegistry): void {
  selfMetrics().registerInto(registry);
}
