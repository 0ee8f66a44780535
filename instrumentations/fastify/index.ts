export { FastifyInstrumentation } from './instrumentation';
export type { FastifyInstrumentationConfig, FastifyRequestInfo, FastifyRequestLike } from './types';
