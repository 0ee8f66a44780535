import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { DiagLogger } from '@opentelemetry/api';

/** Options of {@link unsupportedVersionDefinition}. */
export interface UnsupportedVersionOptions {
  /** The module name, as in the supported definition. */
  readonly name: string;
  /** Semver ranges *outside* the supported ones (e.g. `<9 || >=11`). */
  readonly unsupportedRanges: string[];
  /** The supported ranges, for the message. */
  readonly supportedRanges: readonly string[];
  readonly diag: DiagLogger;
}

/**
 * A definition matching the versions we do not support: it leaves the module untouched and
 * says so at debug level (the base class alone would skip them silently).
 */
export function unsupportedVersionDefinition(
  options: UnsupportedVersionOptions,
): InstrumentationNodeModuleDefinition {
  const { name, diag } = options;
  return new InstrumentationNodeModuleDefinition(
    name,
    options.unsupportedRanges,
    (moduleExports: unknown, version?: string) => {
      diag.debug(
        `${name} ${version ?? '(unknown version)'} is outside the supported range ` +
          `${options.supportedRanges.join(' || ')}: left uninstrumented`,
      );
      return moduleExports;
    },
  );
}
