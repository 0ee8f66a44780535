/**
 * The in-process LLM instrumentation tests of the integration tier: the setup of
 * ./llm-instrumentation.ts (the real SDK patched by hand, spans into memory, diagnostics per
 * test) and a local LLM server the SDK calls, started before the file's tests.
 */
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { afterAll, beforeAll } from 'vitest';
import { patchedSdkTests } from './llm-instrumentation';
import type { InProcessOptions } from './llm-instrumentation';
import { startLlmServer } from './llm-server';
import type { LlmServer } from './llm-server';

/** {@link patchedSdkTests} with a local LLM server, closed after the file's tests. */
export function inProcessInstrumentationTests<Config, Inst extends InstrumentationBase>(
  options: InProcessOptions<Config, Inst>,
) {
  const tests = patchedSdkTests(options);
  let llm: LlmServer | undefined;
  beforeAll(async () => {
    llm = await startLlmServer();
  });
  afterAll(async () => {
    await llm?.close();
  });
  return {
    ...tests,
    /** The local LLM server (started before the file's tests). */
    server(): LlmServer {
      if (llm === undefined) throw new Error('the LLM server is started in beforeAll');
      return llm;
    },
  };
}
