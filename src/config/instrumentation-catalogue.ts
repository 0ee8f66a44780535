/**
 * Every instrumentation sprintlens knows, as plain data: its name (a contract: users list names
 * in `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `..._DISABLED_...`), the packages it hooks and the
 * versions it instruments. Configuration, the ES-module hook and `sprintlens doctor` read it
 * without loading any instrumentation; `instrumentations/registry.ts` maps names to classes.
 */

/** One instrumented library. */
export interface CatalogueEntry {
  /** Short name used by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `..._DISABLED_...`. */
  readonly name: string;
  /** Packages it patches: the ES-module hook intercepts only these. Empty for globals. */
  readonly modules: readonly string[];
  /** Semver ranges of `modules` that are instrumented; other versions are left alone. */
  readonly supportedVersions: readonly string[];
  /** `reserved`: the name is accepted but does nothing yet (a later release adds it). */
  readonly status: 'available' | 'reserved';
}

/** In the order the instrumentations are enabled. */
export const INSTRUMENTATION_CATALOGUE = [
  { name: 'openai', modules: ['openai'], supportedVersions: ['>=5.0.0 <8'], status: 'available' },
  {
    name: 'anthropic',
    modules: ['@anthropic-ai/sdk'],
    supportedVersions: ['>=0.60.0 <2'],
    status: 'available',
  },
  { name: 'langchain', modules: ['@langchain/core'], supportedVersions: [], status: 'reserved' },
  { name: 'pino', modules: ['pino'], supportedVersions: ['>=9.0.0 <11'], status: 'available' },
  { name: 'winston', modules: ['winston'], supportedVersions: ['>=3.0.0 <4'], status: 'available' },
  { name: 'bunyan', modules: ['bunyan'], supportedVersions: ['>=1.0.0 <3'], status: 'available' },
  { name: 'console', modules: [], supportedVersions: [], status: 'available' },
] as const satisfies readonly CatalogueEntry[];

/** A name of the catalogue. */
export type InstrumentationName = (typeof INSTRUMENTATION_CATALOGUE)[number]['name'];

/** All known instrumentation names. */
export const INSTRUMENTATION_NAMES: readonly InstrumentationName[] = INSTRUMENTATION_CATALOGUE.map(
  (e) => e.name,
);

/** The catalogue entry of `name`. */
export function catalogueEntry(name: InstrumentationName): CatalogueEntry {
  return INSTRUMENTATION_CATALOGUE.find((e) => e.name === name) as CatalogueEntry;
}

/**
 * The entries the configuration selects: those named by `OTEL_NODE_ENABLED_INSTRUMENTATIONS`
 * (all when unset), minus those named by `OTEL_NODE_DISABLED_INSTRUMENTATIONS`, among the ones
 * this release implements.
 */
export function selectInstrumentations(config: {
  readonly enabledInstrumentations: readonly string[] | undefined;
  readonly disabledInstrumentations: readonly string[];
}): CatalogueEntry[] {
  const enabled = config.enabledInstrumentations;
  return INSTRUMENTATION_CATALOGUE.filter(
    (entry: CatalogueEntry) =>
      entry.status === 'available' &&
      (enabled === undefined || enabled.includes(entry.name)) &&
      !config.disabledInstrumentations.includes(entry.name),
  );
}

/** The modules the ES-module hook must intercept for the given entries. */
export function hookedModules(entries: readonly CatalogueEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => e.modules))];
}
