import { selfMetrics } from '../base/self-metrics';

/**
 * sprintlens's own prom-client registry (see `src/base/self-metrics.ts`), for the parts that
 * still register prom-client metrics themselves.
 */
export const sdkRegistry = selfMetrics().registry;
