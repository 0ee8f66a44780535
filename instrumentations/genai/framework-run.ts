import { createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/**
 * A framework's model run (a LangChain chat model run) that wants to know whether an
 * instrumented SDK made the call underneath it: then the SDK's span carries usage and cost,
 * and the framework's span must not count them again.
 */
export interface FrameworkModelRun {
  /** Called once per LLM call the pipeline starts while the run's context is active. */
  providerCallStarted(): void;
}

const FRAMEWORK_MODEL_RUN = createContextKey('sprintlens.framework_model_run');

/** `context` with `run` as the framework model run its LLM calls report to. */
export function setFrameworkModelRun(context: Context, run: FrameworkModelRun): Context {
  return context.setValue(FRAMEWORK_MODEL_RUN, run);
}

/** Tells the framework model run of `context`, if any, that an instrumented call started. */
export function noteProviderCall(context: Context): void {
  const run = context.getValue(FRAMEWORK_MODEL_RUN) as FrameworkModelRun | undefined;
  if (run !== undefined) run.providerCallStarted();
}
