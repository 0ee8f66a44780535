export { BunyanInstrumentation, BUNYAN_SUPPORTED_VERSIONS } from './instrumentation';
export type { BunyanInstrumentationConfig } from './types';
