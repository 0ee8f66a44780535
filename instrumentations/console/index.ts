export { ConsoleInstrumentation } from './instrumentation';
export type { ConsoleInstrumentationConfig } from './types';
