import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { InstrumentationName } from '../src/config/instrumentation-catalogue';
import type { RedactionOptions } from '../src/redaction';
import { BunyanInstrumentation } from './bunyan';
import { ConsoleInstrumentation } from './console';
import { PinoInstrumentation } from './pino';
import { WinstonInstrumentation } from './winston';
import { OpenAIInstrumentation } from './openai';
import { AnthropicInstrumentation } from './anthropic';

/** What every instrumentation factory receives: the resolved settings it may need. */
export interface InstrumentationFactoryOptions {
  /** Capture prompts and completions (opt-in). */
  readonly captureContent: boolean;
  /** JSON price file overriding the shipped LLM prices (`SPRINTLENS_PRICES`). */
  readonly pricesFile?: string | undefined;
  /** How captured content is redacted (the `redaction` option). */
  readonly redaction?: RedactionOptions | undefined;
}

type Factory = (options: InstrumentationFactoryOptions) => Instrumentation;

/**
 * The class behind each available name of the catalogue (`src/config/instrumentation-catalogue.ts`);
 * a reserved name has none.
 */
export const INSTRUMENTATION_FACTORIES: Readonly<Partial<Record<InstrumentationName, Factory>>> = {
  openai: (options) => new OpenAIInstrumentation(options),
  anthropic: (options) => new AnthropicInstrumentation(options),
  pino: () => new PinoInstrumentation(),
  winston: () => new WinstonInstrumentation(),
  bunyan: () => new BunyanInstrumentation(),
  console: () => new ConsoleInstrumentation(),
};
