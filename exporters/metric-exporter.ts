import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { exportThrough } from './export-through';
import type { Transport, TransportStats } from './transport/transport';

/** A `PushMetricExporter` over a metrics transport; `export` completes once the data left it. */
export function createMetricExporter(
  transport: Transport<ResourceMetrics>,
): PushMetricExporter & { stats(): TransportStats } {
  return {
    export: (metrics, resultCallback) => exportThrough(transport, [metrics], resultCallback),
    forceFlush: () => transport.flush(),
    shutdown: () => transport.shutdown(),
    stats: () => transport.stats(),
  };
}
