/**
 * What the LangChain unit tests share: the real @langchain/core modules the instrumentation
 * patches (their CommonJS copies), an in-memory span pipeline, and one instrumentation patched
 * through its own patch functions for the whole file (no module hook, no process).
 */
import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LangChainInstrumentation } from '../../../instrumentations/langchain';

export const requireHere = createRequire(__filename);
export type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The patched modules, by what the instrumentation calls them. */
export const lc = {
  manager: requireHere('@langchain/core/callbacks/manager') as Any,
  singletons: requireHere('@langchain/core/singletons') as Any,
  chatModels: requireHere('@langchain/core/language_models/chat_models') as Any,
  llms: requireHere('@langchain/core/language_models/llms') as Any,
  runnables: requireHere('@langchain/core/runnables') as Any,
};

/** Patches every LangChain file the instrumentation hooks. */
export function patchAll(instrumentation: LangChainInstrumentation): void {
  instrumentation.patchManager(lc.manager);
  instrumentation.patchSingletons(lc.singletons);
  instrumentation.patchChatModels(lc.chatModels);
  instrumentation.patchLlms(lc.llms);
  instrumentation.patchRunnables(lc.runnables);
}

/** Gives LangChain its own functions back. */
export function unpatchAll(instrumentation: LangChainInstrumentation): void {
  instrumentation.unpatchManager(lc.manager);
  instrumentation.unpatchSingletons(lc.singletons);
  instrumentation.unpatchChatModels(lc.chatModels);
  instrumentation.unpatchLlms(lc.llms);
  instrumentation.unpatchRunnables(lc.runnables);
}

/**
 * One instrumentation and an in-memory exporter for the calling test file: patched before its
 * tests, unpatched after, the exporter emptied before each test.
 */
export function useLangChainInstrumentation(): {
  readonly exporter: InMemorySpanExporter;
  readonly instrumentation: LangChainInstrumentation;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const instrumentation = new LangChainInstrumentation({ enabled: false });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    instrumentation.setTracerProvider(provider);
    patchAll(instrumentation);
  });
  afterAll(() => {
    unpatchAll(instrumentation);
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());
  return { exporter, instrumentation };
}
