export { AnthropicInstrumentation, SUPPORTED_ANTHROPIC_VERSIONS } from './instrumentation';
export type { AnthropicInstrumentationConfig } from './instrumentation';
