import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ResolvedConfig } from '../config/options';
import { createLogSampling } from './create-log-sampling-processor';
import type { LogSampling } from './create-log-sampling-processor';

/**
 * The log sampling of `start()`: a sampling processor in front of `downstream`, configured from
 * the resolved configuration (rates, scope, refresh and report periods), with the policy client
 * and pattern reporter when a Sprint Lens backend is set (its headers carry the user-agent and,
 * in backend mode, the bearer key). The sampler is installed as the active one for the log
 * instrumentations; `shutdown()` (also run by the processor's shutdown) uninstalls it.
 */
export function buildLogSampling(
  config: ResolvedConfig,
  downstream: LogRecordProcessor,
): LogSampling {
  const backend = config.mode === 'backend' ? config.endpoint : undefined;
  return createLogSampling({
    downstream,
    rates: config.logRates,
    scope: config.logSamplingScope,
    setActive: true,
    ...(backend === undefined
      ? {}
      : {
          endpoint: backend,
          serviceName: config.serviceName,
          // Already holds `user-agent` and, in backend mode, `authorization: Bearer …`.
          headers: { ...config.logs.headers },
          policyRefreshSeconds: config.policyRefreshSeconds,
          patternReportSeconds: config.patternReportSeconds,
          requestTimeoutMillis: config.logs.timeoutMillis,
        }),
  });
}
