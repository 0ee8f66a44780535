import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { RedactionOptions } from '../src/redaction';
import { BUNYAN_SUPPORTED_VERSIONS, BunyanInstrumentation } from './bunyan';
import { ConsoleInstrumentation } from './console';
import { PINO_SUPPORTED_VERSIONS, PinoInstrumentation } from './pino';
import { WINSTON_SUPPORTED_VERSIONS, WinstonInstrumentation } from './winston';
import { OpenAIInstrumentation, SUPPORTED_OPENAI_VERSIONS } from './openai';
import { AnthropicInstrumentation, SUPPORTED_ANTHROPIC_VERSIONS } from './anthropic';

/** What every instrumentation factory receives: the resolved settings it may need. */
export interface InstrumentationFactoryOptions {
  /** Capture prompts and completions (opt-in). */
  readonly captureContent: boolean;
  /** JSON price file overriding the shipped LLM prices (`SPRINTLENS_PRICES`). */
  readonly pricesFile?: string | undefined;
  /** How captured content is redacted (the `redaction` option). */
  readonly redaction?: RedactionOptions | undefined;
}

/** One instrumented library. */
export interface InstrumentationEntry {
  /** Short name used by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `..._DISABLED_...`. */
  readonly name: string;
  /** Packages it patches: the ES-module hook intercepts only these. Empty for globals. */
  readonly modules: readonly string[];
  /**
   * Semver ranges of `modules` that are instrumented (what the instrumentation's module
   * definitions declare); other versions are left alone. Absent when not instrumented yet.
   */
  readonly supportedVersions?: readonly string[];
  /** Builds the instrumentation; absent while the library is not instrumented yet. */
  readonly create?: (options: InstrumentationFactoryOptions) => Instrumentation;
}

/**
 * Every instrumentation sprintlens knows, in the order they are enabled. Names are a contract
 * (users list them in environment variables); an entry without `create` is reserved for an
 * instrumentation that a later release adds.
 */
export const INSTRUMENTATIONS: readonly InstrumentationEntry[] = [
  {
    name: 'openai',
    modules: ['openai'],
    supportedVersions: SUPPORTED_OPENAI_VERSIONS,
    create: (options) => new OpenAIInstrumentation(options),
  },
  {
    name: 'anthropic',
    modules: ['@anthropic-ai/sdk'],
    supportedVersions: SUPPORTED_ANTHROPIC_VERSIONS,
    create: (options) => new AnthropicInstrumentation(options),
  },
  { name: 'langchain', modules: ['@langchain/core'] },
  {
    name: 'pino',
    modules: ['pino'],
    supportedVersions: PINO_SUPPORTED_VERSIONS,
    create: () => new PinoInstrumentation(),
  },
  {
    name: 'winston',
    modules: ['winston'],
    supportedVersions: WINSTON_SUPPORTED_VERSIONS,
    create: () => new WinstonInstrumentation(),
  },
  {
    name: 'bunyan',
    modules: ['bunyan'],
    supportedVersions: BUNYAN_SUPPORTED_VERSIONS,
    create: () => new BunyanInstrumentation(),
  },
  { name: 'console', modules: [], create: () => new ConsoleInstrumentation() },
];

/** All known instrumentation names. */
export const INSTRUMENTATION_NAMES: readonly string[] = INSTRUMENTATIONS.map((e) => e.name);

/** The modules the ES-module hook must intercept for the given entries. */
export function hookedModules(entries: readonly InstrumentationEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => e.modules))];
}
