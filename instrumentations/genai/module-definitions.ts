import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';

/** The SDK package an instrumentation patches, and which of its versions. */
export interface SdkPackage {
  /** The package name (`openai`, `@anthropic-ai/sdk`). */
  readonly name: string;
  /** Semver ranges we instrument. */
  readonly supportedRanges: string[];
  /**
   * Semver ranges *outside* the supported ones (e.g. `<5.0.0 || >=8`). Written out by hand:
   * `@opentelemetry/instrumentation` matches ranges with a semver it bundles but does not
   * export, and sprintlens has no semver dependency of its own to derive the complement with.
   */
  readonly unsupportedRanges: string[];
}

/** Options of {@link sdkModuleDefinitions}. */
interface SdkModuleOptions extends SdkPackage {
  readonly patch: (exports: unknown) => void;
  readonly unpatch: (exports: unknown) => void;
}

/**
 * The module definitions of an LLM SDK instrumentation: one that patches the supported versions,
 * and one for any other version that leaves the module alone and says so at debug level (the
 * base class alone would skip it silently).
 */
export function sdkModuleDefinitions(
  options: SdkModuleOptions,
): InstrumentationNodeModuleDefinition[] {
  const { name, supportedRanges, patch, unpatch } = options;
  return [
    new InstrumentationNodeModuleDefinition(
      name,
      supportedRanges,
      (exports: unknown) => {
        patch(exports);
        return exports;
      },
      (exports: unknown) => {
        unpatch(exports);
        return exports;
      },
    ),
    new InstrumentationNodeModuleDefinition(
      name,
      options.unsupportedRanges,
      (exports: unknown, version?: string) => {
        debug(`${name} ${version ?? '(unknown version)'} is not supported; not instrumented`, {
          supported: supportedRanges.join(' '),
        });
        return exports;
      },
    ),
  ];
}
