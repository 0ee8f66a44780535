/**
 * LangChain.js and LangGraph: spans from the run tree, each active while its run executes, and
 * model runs that count tokens once (see docs/langchain.md).
 */
export { LangChainInstrumentation, SUPPORTED_LANGCHAIN_VERSIONS } from './instrumentation';
export type { LangChainInstrumentationConfig } from './instrumentation';
export { ATTR_USAGE_SOURCE } from './usage';
