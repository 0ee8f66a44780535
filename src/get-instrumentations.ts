import type { Instrumentation } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_FACTORIES } from '../instrumentations/registry';
import { selectInstrumentations } from './config/instrumentation-catalogue';
import type { InstrumentationName } from './config/instrumentation-catalogue';
import { resolveConfig } from './config/resolve';
import type { ResolvedConfig, SprintlensOptions } from './config/options';
import { reportWarning } from './base/diag';
import type { RedactionOptions } from './redaction';

/** Options of {@link getInstrumentations}. */
export type InstrumentationOptions = Pick<
  SprintlensOptions,
  | 'enabledInstrumentations'
  | 'disabledInstrumentations'
  | 'captureContent'
  | 'pricesFile'
  | 'redaction'
>;

/**
 * Instances of sprintlens's instrumentations, for an existing OpenTelemetry `NodeSDK`:
 *
 * ```ts
 * new NodeSDK({ instrumentations: [...getInstrumentations()] }).start();
 * ```
 *
 * Filtered by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`
 * (or the matching options). Each call returns new, not yet enabled, instances.
 */
export function getInstrumentations(options?: InstrumentationOptions): Instrumentation[] {
  const { config, warnings } = resolveConfig(options ?? {});
  for (const warning of warnings) reportWarning(warning);
  return createInstrumentations(config, options?.redaction);
}

/** Instances for the selected entries, with the settings they read. */
export function createInstrumentations(
  config: ResolvedConfig,
  redaction?: RedactionOptions,
): Instrumentation[] {
  const options = {
    captureContent: config.captureContent,
    pricesFile: config.pricesFile,
    redaction,
  };
  const instances: Instrumentation[] = [];
  for (const entry of selectInstrumentations(config)) {
    const create = INSTRUMENTATION_FACTORIES[entry.name as InstrumentationName];
    if (create !== undefined) instances.push(create(options));
  }
  return instances;
}
