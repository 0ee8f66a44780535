import type { Instrumentation } from '@opentelemetry/instrumentation';
import { INSTRUMENTATIONS } from '../instrumentations/registry';
import type { InstrumentationEntry } from '../instrumentations/registry';
import { resolveConfig } from './config/resolve';
import type { ResolvedConfig, SprintlensOptions } from './config/options';
import { reportWarning } from './diag';
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
 * The instrumentation entries the configuration selects: those named by
 * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` (all when unset), minus those named by
 * `OTEL_NODE_DISABLED_INSTRUMENTATIONS`, among the ones this release implements.
 */
export function selectInstrumentations(
  config: Pick<ResolvedConfig, 'enabledInstrumentations' | 'disabledInstrumentations'>,
  entries: readonly InstrumentationEntry[] = INSTRUMENTATIONS,
): InstrumentationEntry[] {
  const enabled = config.enabledInstrumentations;
  return entries.filter(
    (entry) =>
      entry.create !== undefined &&
      (enabled === undefined || enabled.includes(entry.name)) &&
      !config.disabledInstrumentations.includes(entry.name),
  );
}

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
  return selectInstrumentations(config).map((entry) =>
    entry.create!({
      captureContent: config.captureContent,
      pricesFile: config.pricesFile,
      redaction,
    }),
  );
}
