export { OpenAIInstrumentation, SUPPORTED_OPENAI_VERSIONS } from './instrumentation';
export type { OpenAIInstrumentationConfig } from './instrumentation';
