export { WinstonInstrumentation, WINSTON_SUPPORTED_VERSIONS } from './instrumentation';
