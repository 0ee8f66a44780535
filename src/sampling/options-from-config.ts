import type { ResolvedConfig } from '../config/options';
import type { LogSamplingOptions } from './create-log-sampling-processor';

/**
 * The sampling options the resolved configuration implies: rates, scope and, when a Sprint Lens
 * backend is set, the policy client and pattern reports (their headers carry the user-agent and,
 * in backend mode, the bearer key).
 */
export function samplingOptionsFrom(config: ResolvedConfig): LogSamplingOptions {
  const backend = config.mode === 'backend' ? config.endpoint : undefined;
  return {
    rates: config.logRates,
    scope: config.logSamplingScope,
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
  };
}
