export { PinoInstrumentation, PINO_SUPPORTED_VERSIONS } from './instrumentation';
