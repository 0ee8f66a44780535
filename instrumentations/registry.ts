import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { InstrumentationName } from '../src/config/instrumentation-catalogue';
import type { RedactionOptions } from '../src/redaction';
import { BunyanInstrumentation } from './bunyan';
import { ConsoleInstrumentation } from './console';
import { PinoInstrumentation } from './pino';
import { WinstonInstrumentation } from './winston';
import type { PriceTable } from './genai';
import { OpenAIInstrumentation } from './openai';
import type { OpenAIInstrumentationConfig } from './openai';
import { AnthropicInstrumentation } from './anthropic';

/**
 * What every instrumentation factory receives: the resolved settings it may need. The LLM
 * instrumentations (openai, anthropic) take every GenAI option from here (see {@link llmConfig});
 * an option left `undefined` keeps the instrumentation's default.
 */
export interface InstrumentationFactoryOptions {
  /** Capture prompts and completions (opt-in). */
  readonly captureContent: boolean;
  /** Longest captured string in characters, per text part or tool argument. Default 16384. */
  readonly contentMaxChars?: number | undefined;
  /** How captured content is redacted (the `redaction` option). */
  readonly redaction?: RedactionOptions | undefined;
  /** Model prices overriding the shipped table and `pricesFile`, model by model. */
  readonly prices?: PriceTable | undefined;
  /** JSON price file overriding the shipped LLM prices (`SPRINTLENS_PRICES`). */
  readonly pricesFile?: string | undefined;
  /** Record the `gen_ai.client.*` metrics. Default `true`. */
  readonly llmMetrics?: boolean | undefined;
  /** OpenAI: ask streamed chat/completions requests for their usage. Default `true`. */
  readonly includeStreamUsage?: boolean | undefined;
  /** Logs: add the active span's ids to what pino, winston and bunyan write. Default `true`. */
  readonly logCorrelation?: boolean | undefined;
}

/** An LLM instrumentation's GenAI options (OpenAI's config, a superset) from the factory options. */
export function llmConfig(options: InstrumentationFactoryOptions): OpenAIInstrumentationConfig {
  return {
    captureContent: options.captureContent,
    contentMaxChars: options.contentMaxChars,
    redaction: options.redaction,
    prices: options.prices,
    pricesFile: options.pricesFile,
    metrics: options.llmMetrics,
    includeStreamUsage: options.includeStreamUsage,
  };
}

type Factory = (options: InstrumentationFactoryOptions) => Instrumentation;

/**
 * The class behind each available name of the catalogue (`src/config/instrumentation-catalogue.ts`);
 * a reserved name has none.
 */
export const INSTRUMENTATION_FACTORIES: Readonly<Partial<Record<InstrumentationName, Factory>>> = {
  openai: (options) => new OpenAIInstrumentation(llmConfig(options)),
  // `includeStreamUsage` is OpenAI's alone; the Anthropic instrumentation ignores it.
  anthropic: (options) => new AnthropicInstrumentation(llmConfig(options)),
  pino: (options) => new PinoInstrumentation({ logCorrelation: options.logCorrelation }),
  winston: (options) => new WinstonInstrumentation({ logCorrelation: options.logCorrelation }),
  bunyan: (options) => new BunyanInstrumentation({ logCorrelation: options.logCorrelation }),
  console: () => new ConsoleInstrumentation(),
};
