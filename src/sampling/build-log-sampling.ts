import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ResolvedConfig } from '../config/options';
import { createLogSampling } from './create-log-sampling-processor';
import type { LogSampling } from './create-log-sampling-processor';
import { samplingOptionsFrom } from './options-from-config';

/**
 * The log sampling of `start()`: a sampling processor in front of `downstream`, configured from
 * the resolved configuration. The sampler is installed as the active one for the log
 * instrumentations; `shutdown()` (also run by the processor's shutdown) uninstalls it.
 */
export function buildLogSampling(
  config: ResolvedConfig,
  downstream: LogRecordProcessor,
): LogSampling {
  return createLogSampling({ ...samplingOptionsFrom(config), downstream, setActive: true });
}
