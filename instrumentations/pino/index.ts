export { PinoInstrumentation, PINO_SUPPORTED_VERSIONS } from './instrumentation';
export type { PinoInstrumentationConfig } from './types';
