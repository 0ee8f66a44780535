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
  /**
   * Modules it patches through the module loader: the ES-module hook intercepts only these.
   * Node built-ins by their bare name (`http`; the hook adds `node:http` itself). Empty when
   * the instrumentation patches nothing on load (globals, diagnostics channels).
   */
  readonly modules: readonly string[];
  /**
   * The npm packages whose installed version `sprintlens doctor` shows, when they are not
   * simply the non-built-in `modules` (an instrumentation that listens on diagnostics
   * channels hooks no module, yet its package's version still matters).
   */
  readonly packages?: readonly string[];
  /** What it covers that ships with Node (`global fetch`), as `sprintlens doctor` shows it. */
  readonly builtIn?: string;
  /**
   * Files inside a package the ES-module hook must also wrap, matched on their resolved URL:
   * files a package imports by relative path match no bare specifier in `modules`.
   */
  readonly esmPatterns?: readonly RegExp[];
  /** Semver ranges of its packages that are instrumented; other versions are left alone. */
  readonly supportedVersions: readonly string[];
  /** `reserved`: the name is accepted but does nothing yet (a later release adds it). */
  readonly status: 'available' | 'reserved';
}

/**
 * In the order the instrumentations are enabled: HTTP first (its server span is the request's
 * root, which the framework spans nest under), then the frameworks, the LLM SDKs and the
 * loggers. The HTTP and framework rows are OpenTelemetry's maintained instrumentations
 * (Fastify's is ours, on Fastify's own diagnostics channel); their ranges are the ones those
 * packages declare.
 */
export const INSTRUMENTATION_CATALOGUE = [
  {
    name: 'http',
    modules: ['http', 'https'],
    packages: [],
    builtIn: 'node:http, node:https',
    supportedVersions: ['*'],
    status: 'available',
  },
  {
    // Subscribes to the diagnostics channels undici publishes (the npm package from 5.12, as
    // the instrumentation's README states, and the copy behind Node's global fetch): no
    // module to hook under --require or --import.
    name: 'undici',
    modules: [],
    packages: ['undici'],
    builtIn: 'global fetch',
    supportedVersions: ['>=5.12.0'],
    status: 'available',
  },
  {
    name: 'express',
    modules: ['express'],
    supportedVersions: ['>=4.0.0 <6'],
    status: 'available',
  },
  { name: 'koa', modules: ['koa'], supportedVersions: ['>=2.0.0 <4'], status: 'available' },
  {
    // Hooked through Fastify's `fastify.initialization` diagnostics channel, not on load.
    name: 'fastify',
    modules: [],
    packages: ['fastify'],
    supportedVersions: ['>=4.0.0 <6'],
    status: 'available',
  },
  { name: 'openai', modules: ['openai'], supportedVersions: ['>=5.0.0 <8'], status: 'available' },
  {
    name: 'anthropic',
    modules: ['@anthropic-ai/sdk'],
    supportedVersions: ['>=0.60.0 <2'],
    status: 'available',
  },
  // Issue 14: reserved until their instrumentations land (each helper fills its own entry).
  {
    // `ai` 7: a telemetry integration on the SDK's own global list, needing no module hook; the
    // hook on `ai` wraps `streamText`/`streamObject` (to see abandoned streams) and, in `ai` 5/6,
    // the functions whose telemetry is turned on by default. Tested: 6.0 and 7.0.
    name: 'ai-sdk',
    modules: ['ai'],
    supportedVersions: ['>=5.0.0 <8'],
    status: 'available',
  },
  {
    // Patches `Models.prototype` of the package's main entry (dist/node/index.cjs under require,
    // dist/node/index.mjs under import): both export `Models`. The pattern catches the same ES
    // module imported as `@google/genai/node`, a specifier `modules` does not match.
    name: 'google-genai',
    modules: ['@google/genai'],
    esmPatterns: [/[\\/]@google[\\/]genai[\\/]dist[\\/]node[\\/]index\.mjs$/],
    supportedVersions: ['>=1.0.0 <4'],
    status: 'available',
  },
  {
    // Gives `BedrockRuntimeClient.prototype` its own `send` (the shared smithy client other AWS
    // services use is left alone). The package's `main` is CommonJS, which `import` loads too.
    // Tested: 3.943 (December 2025) and the current release.
    name: 'bedrock',
    modules: ['@aws-sdk/client-bedrock-runtime'],
    supportedVersions: ['>=3.943.0 <4'],
    status: 'available',
  },
  {
    // Internal files of the package: the CommonJS copy is hooked by path; for the ES-module
    // copy the loader must wrap files that LangChain imports by relative path, which only a
    // pattern on the resolved URL matches (see `esmPatterns`).
    name: 'langchain',
    modules: ['@langchain/core'],
    esmPatterns: [
      /[\\/]@langchain[\\/]core[\\/]dist[\\/](?:callbacks[\\/]manager|singletons[\\/]async_local_storage[\\/]index|language_models[\\/](?:chat_models|llms)|runnables[\\/]base)\.js$/,
    ],
    supportedVersions: ['>=1.0.0 <2'],
    status: 'available',
  },
  { name: 'pino', modules: ['pino'], supportedVersions: ['>=9.0.0 <11'], status: 'available' },
  { name: 'winston', modules: ['winston'], supportedVersions: ['>=3.0.0 <4'], status: 'available' },
  { name: 'bunyan', modules: ['bunyan'], supportedVersions: ['>=1.0.0 <3'], status: 'available' },
  { name: 'console', modules: [], builtIn: 'console', supportedVersions: [], status: 'available' },
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
export function hookedModules(entries: readonly CatalogueEntry[]): (string | RegExp)[] {
  return [
    ...new Set(entries.flatMap((e) => e.modules)),
    ...entries.flatMap((e) => e.esmPatterns ?? []),
  ];
}
