export { GoogleGenAIInstrumentation, SUPPORTED_GOOGLE_GENAI_VERSIONS } from './instrumentation';
export type { GoogleGenAIInstrumentationConfig } from './instrumentation';
/** The parts of the config every LLM instrumentation shares. */
export type { GenAiConfig, ModelPrice, PriceTable } from '../genai';
export type { RedactionOptions } from '../../src/redaction';
