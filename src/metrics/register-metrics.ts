import type { Registry } from 'prom-client';
import { debug } from '../base/diag';
import { selfMetrics } from '../base/self-metrics';
import { sdkRegistry } from './registry';

/** The structural part of a prom-client registry we use: works across prom-client copies. */
type TargetRegistry = Pick<Registry, 'registerMetric' | 'getSingleMetric'>;
type Metric = Parameters<Registry['registerMetric']>[0];

// prom-client's typings describe registered metrics as MetricObject; the objects are the metrics.
const nameOf = (metric: Metric): string => (metric as unknown as { name: string }).name;

const targets = new Set<TargetRegistry>();
let forwarding = false;

/**
 * Adds sprintlens's own metrics (exporter, sampler, LLM usage) to the app's prom-client
 * registry, so they are served wherever the app already serves `/metrics`:
 *
 * ```ts
 * import { register } from 'prom-client';
 * registerMetrics(register);
 * ```
 *
 * Safe to call more than once and with prom-client's default registry: a metric already
 * there is left alone instead of throwing a duplicate-registration error. Metrics that
 * sprintlens creates later (its exporter starts lazily) are added as they appear.
 */
export function registerMetrics(registry: TargetRegistry): void {
  selfMetrics().registerInto(registry);
  targets.add(registry);
  for (const metric of sdkRegistry.getMetricsAsArray() as unknown as Metric[]) {
    addTo(registry, metric);
  }
  forwardFutureMetrics();
}

function addTo(registry: TargetRegistry, metric: Metric): void {
  const existing = registry.getSingleMetric(nameOf(metric));
  if (existing === metric) return;
  if (existing !== undefined) {
    debug(`registerMetrics: the app already has a metric named ${nameOf(metric)}; kept the app's`);
    return;
  }
  registry.registerMetric(metric);
}

function forwardFutureMetrics(): void {
  if (forwarding) return;
  forwarding = true;
  const original = sdkRegistry.registerMetric.bind(sdkRegistry);
  sdkRegistry.registerMetric = (metric: Metric): void => {
    original(metric);
    for (const target of targets) addTo(target, metric);
  };
}
