export { AiSdkInstrumentation, SUPPORTED_AI_SDK_VERSIONS } from './instrumentation';
export type { AiSdkInstrumentationConfig } from './instrumentation';
