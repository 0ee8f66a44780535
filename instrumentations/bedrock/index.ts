export { BedrockInstrumentation, SUPPORTED_BEDROCK_VERSIONS } from './instrumentation';
export type { BedrockInstrumentationConfig } from './instrumentation';
/** The parts of the config every LLM instrumentation shares. */
export type { GenAiConfig, ModelPrice, PriceTable } from '../genai';
export type { RedactionOptions } from '../../src/redaction';
