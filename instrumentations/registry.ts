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
import { AiSdkInstrumentation } from './ai-sdk';
import { BedrockInstrumentation } from './bedrock';
import { GoogleGenAIInstrumentation } from './google-genai';
import { FastifyInstrumentation } from './fastify';
import { LangChainInstrumentation } from './langchain';
import { httpInstrumentationConfig, undiciInstrumentationConfig } from './http/config';
import type * as HttpInstrumentationModule from '@opentelemetry/instrumentation-http';
import type * as UndiciInstrumentationModule from '@opentelemetry/instrumentation-undici';
import type * as ExpressInstrumentationModule from '@opentelemetry/instrumentation-express';
import type * as KoaInstrumentationModule from '@opentelemetry/instrumentation-koa';

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
  /** Context attribute keys the `gen_ai.client.*` metrics carry. Default none. */
  readonly metricAttributes?: readonly string[] | undefined;
  /** Logs: add the active span's ids to what pino, winston and bunyan write. Default `true`. */
  readonly logCorrelation?: boolean | undefined;
  /** HTTP: incoming paths left untraced (`SPRINTLENS_HTTP_IGNORE_PATHS`). Default none. */
  readonly httpIgnorePaths?: readonly string[] | undefined;
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
    metricAttributes: options.metricAttributes,
  };
}

type Factory = (options: InstrumentationFactoryOptions) => Instrumentation;

/**
 * The class behind each available name of the catalogue (`src/config/instrumentation-catalogue.ts`);
 * a reserved name has none. OpenTelemetry's HTTP and framework instrumentations are loaded
 * when their factory runs, so a name left out by the configuration costs no load at all.
 */
export const INSTRUMENTATION_FACTORIES: Readonly<Partial<Record<InstrumentationName, Factory>>> = {
  http: (options) => {
    const { HttpInstrumentation } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only when enabled.
      require('@opentelemetry/instrumentation-http') as typeof HttpInstrumentationModule;
    return new HttpInstrumentation(
      httpInstrumentationConfig({ ignorePaths: options.httpIgnorePaths }),
    );
  },
  undici: () => {
    const { UndiciInstrumentation } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only when enabled.
      require('@opentelemetry/instrumentation-undici') as typeof UndiciInstrumentationModule;
    return new UndiciInstrumentation(undiciInstrumentationConfig());
  },
  express: () => {
    const { ExpressInstrumentation } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only when enabled.
      require('@opentelemetry/instrumentation-express') as typeof ExpressInstrumentationModule;
    return new ExpressInstrumentation();
  },
  koa: () => {
    const { KoaInstrumentation } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only when enabled.
      require('@opentelemetry/instrumentation-koa') as typeof KoaInstrumentationModule;
    return new KoaInstrumentation();
  },
  fastify: () => new FastifyInstrumentation(),
  openai: (options) => new OpenAIInstrumentation(llmConfig(options)),
  // `includeStreamUsage` is OpenAI's alone; the Anthropic instrumentation ignores it.
  anthropic: (options) => new AnthropicInstrumentation(llmConfig(options)),
  'ai-sdk': (options) => new AiSdkInstrumentation(llmConfig(options)),
  bedrock: (options) => new BedrockInstrumentation(llmConfig(options)),
  'google-genai': (options) => new GoogleGenAIInstrumentation(llmConfig(options)),
  langchain: (options) => new LangChainInstrumentation(llmConfig(options)),
  pino: (options) => new PinoInstrumentation({ logCorrelation: options.logCorrelation }),
  winston: (options) => new WinstonInstrumentation({ logCorrelation: options.logCorrelation }),
  bunyan: (options) => new BunyanInstrumentation({ logCorrelation: options.logCorrelation }),
  console: () => new ConsoleInstrumentation(),
};
