export { BunyanInstrumentation, BUNYAN_SUPPORTED_VERSIONS } from './instrumentation';
