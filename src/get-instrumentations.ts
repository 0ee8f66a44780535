import type { Instrumentation } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_FACTORIES } from '../instrumentations/registry';
import { selectInstrumentations } from './config/instrumentation-catalogue';
import type { InstrumentationName } from './config/instrumentation-catalogue';
import { resolveConfig } from './config/resolve';
import type { ResolvedConfig, SprintlensOptions } from './config/options';
import { reportWarning } from './base/diag';

/** Options of {@link getInstrumentations}: those of `start()` that the instrumentations read. */
export type InstrumentationOptions = Pick<
  SprintlensOptions,
  | 'enabledInstrumentations'
  | 'disabledInstrumentations'
  | 'captureContent'
  | 'contentMaxChars'
  | 'includeStreamUsage'
  | 'metricAttributes'
  | 'prices'
  | 'pricesFile'
  | 'redaction'
  | 'logCorrelation'
  | 'httpIgnorePaths'
>;

/** The options that are not part of the resolved configuration (code only, passed through). */
export type CodeOnlyInstrumentationOptions = Pick<SprintlensOptions, 'redaction' | 'prices'>;

/**
 * Instances of sprintlens's instrumentations, for an existing OpenTelemetry `NodeSDK`: the
 * bundled HTTP, fetch and framework ones (`http`, `undici`, `express`, `koa`, `fastify`) as
 * well as the LLM and log ones, with your own beside them:
 *
 * ```ts
 * new NodeSDK({ instrumentations: [...getInstrumentations(), new PgInstrumentation()] }).start();
 * ```
 *
 * Filtered by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`
 * (or the matching options). Each call returns new instances; as every OpenTelemetry
 * instrumentation, they patch once enabled, which `registerInstrumentations` or the `NodeSDK` do.
 * To configure one beyond these options, construct its class instead (`new PinoInstrumentation(
 * { logCorrelation: false })`) and leave its name out with `disabledInstrumentations`.
 */
export function getInstrumentations(options?: InstrumentationOptions): Instrumentation[] {
  const { config, warnings } = resolveConfig(options ?? {});
  for (const warning of warnings) reportWarning(warning);
  return createInstrumentations(config, options ?? {});
}

/** Instances for the selected entries, with the settings they read. */
export function createInstrumentations(
  config: ResolvedConfig,
  codeOnly: CodeOnlyInstrumentationOptions,
): Instrumentation[] {
  const options = {
    captureContent: config.captureContent,
    contentMaxChars: config.contentMaxChars,
    includeStreamUsage: config.includeStreamUsage,
    metricAttributes: config.metricAttributes,
    pricesFile: config.pricesFile,
    prices: codeOnly.prices,
    redaction: codeOnly.redaction,
    logCorrelation: config.logCorrelation,
    httpIgnorePaths: config.httpIgnorePaths,
  };
  const instances: Instrumentation[] = [];
  for (const entry of selectInstrumentations(config)) {
    const create = INSTRUMENTATION_FACTORIES[entry.name as InstrumentationName];
    if (create !== undefined) instances.push(create(options));
  }
  return instances;
}
