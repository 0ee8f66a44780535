export { WinstonInstrumentation, WINSTON_SUPPORTED_VERSIONS } from './instrumentation';
export type { WinstonInstrumentationConfig } from './types';
