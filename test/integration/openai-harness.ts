import { runScenarioApp } from './llm-app-harness';
import type { RunScenarioAppOptions, ScenarioRun } from './llm-app-harness';

/** openai majors under test: 7 from the root node_modules, 5 and 6 from test/versions. */
export const OPENAI_MAJORS = ['7', '6', '5'] as const;
export type OpenAIMajor = (typeof OPENAI_MAJORS)[number];

/** Options of {@link runOpenAIApp}. */
export interface RunOpenAIAppOptions extends RunScenarioAppOptions {
  readonly major: OpenAIMajor;
}

/** Runs the openai scenario app and returns its summary (scenario name → what the app saw). */
export function runOpenAIApp(options: RunOpenAIAppOptions): Promise<ScenarioRun> {
  const { major } = options;
  return runScenarioApp(
    {
      name: `openai-${major}`,
      entry: 'openai-entry',
      linkedPackage: major === '7' ? undefined : 'openai',
    },
    options,
  );
}
