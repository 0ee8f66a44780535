import { Gauge, Registry } from 'prom-client';
import { VERSION } from '../version';

/**
 * The one prom-client registry that holds sprintlens's own metrics (exporter, sampler, LLM
 * usage). It is separate from prom-client's default registry so that nothing collides with the
 * app's metrics; `registerMetrics(registry)` merges it into the app's registry, and
 * `SPRINTLENS_METRICS_PORT` serves it. Metric names start with `sprintlens_`, use base units,
 * and never take a pattern id, a prompt or a user value as a label.
 */
export const sdkRegistry = new Registry();

/** `sprintlens_build_info`: always 1; the labels say which SDK and runtime a process runs. */
new Gauge({
  name: 'sprintlens_build_info',
  help: 'Which sprintlens version and Node.js runtime this process runs; always 1.',
  labelNames: ['version', 'nodejs_version'],
  registers: [sdkRegistry],
}).set({ version: VERSION, nodejs_version: process.versions.node }, 1);
