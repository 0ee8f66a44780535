import type { Instrumentation } from '@opentelemetry/instrumentation';

/** What every instrumentation factory receives: the resolved settings it may need. */
export interface InstrumentationFactoryOptions {
  /** Capture prompts and completions (opt-in). */
  readonly captureContent: boolean;
}

/** One instrumented library. */
export interface InstrumentationEntry {
  /** Short name used by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `..._DISABLED_...`. */
  readonly name: string;
  /** Packages it patches: the ES-module hook intercepts only these. Empty for globals. */
  readonly modules: readonly string[];
  /** Builds the instrumentation; absent while the library is not instrumented yet. */
  readonly create?: (options: InstrumentationFactoryOptions) => Instrumentation;
}

/**
 * Every instrumentation sprintlens knows, in the order they are enabled. Names are a contract
 * (users list them in environment variables); an entry without `create` is reserved for an
 * instrumentation that a later release adds.
 */
export const INSTRUMENTATIONS: readonly InstrumentationEntry[] = [
  { name: 'openai', modules: ['openai'] },
  { name: 'anthropic', modules: ['@anthropic-ai/sdk'] },
  { name: 'langchain', modules: ['@langchain/core'] },
  { name: 'pino', modules: ['pino'] },
  { name: 'winston', modules: ['winston'] },
  { name: 'bunyan', modules: ['bunyan'] },
  { name: 'console', modules: [] },
];

/** All known instrumentation names. */
export const INSTRUMENTATION_NAMES: readonly string[] = INSTRUMENTATIONS.map((e) => e.name);

/** The modules the ES-module hook must intercept for the given entries. */
export function hookedModules(entries: readonly InstrumentationEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => e.modules))];
}
