import { Registry } from 'prom-client';

/**
 * The one prom-client registry that holds sprintlens's own metrics (exporter, sampler, LLM
 * usage). It is separate from prom-client's default registry so that nothing collides with the
 * app's metrics; `registerMetrics(registry)` merges it into the app's registry, and
 * `SPRINTLENS_METRICS_PORT` serves it. Metric names start with `sprintlens_`, use base units,
 * and never take a pattern id, a prompt or a user value as a label.
 */
export const sdkRegistry = new Registry();
