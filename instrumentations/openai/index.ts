export { OpenAIInstrumentation, SUPPORTED_OPENAI_VERSIONS } from './instrumentation';
export type { OpenAIInstrumentationConfig } from './instrumentation';
/** The parts of the config every LLM instrumentation shares. */
export type { GenAiConfig, ModelPrice, PriceTable } from '../genai';
export type { RedactionOptions } from '../../src/redaction';
