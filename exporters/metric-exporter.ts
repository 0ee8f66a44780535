import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Transport, TransportStats } from './transport/transport';

/** A `PushMetricExporter` over a metrics transport; `export` completes once the data left it. */
export function createMetricExporter(
  transport: Transport<ResourceMetrics>,
): PushMetricExporter & { stats(): TransportStats } {
  return {
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
      // ExportResultCode.SUCCESS / FAILED, inlined to keep @opentelemetry/core out of start-up.
      if (!transport.enqueue([metrics])) {
        resultCallback({ code: 1 });
        return;
      }
      // Metric readers await the export: report once the collection has left the transport.
      transport.flush().then(
        () => resultCallback({ code: 0 }),
        () => resultCallback({ code: 1 }),
      );
    },
    forceFlush: () => transport.flush(),
    shutdown: () => transport.shutdown(),
    stats: () => transport.stats(),
  };
}
