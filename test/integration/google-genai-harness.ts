import { runScenarioApp } from './llm-app-harness';
import type { RunScenarioAppOptions, ScenarioRun } from './llm-app-harness';

/**
 * @google/genai versions under test: 3 (3.3) from the root node_modules, the last 2.x and 1.x
 * from test/versions.
 */
export const GOOGLE_GENAI_MAJORS = ['3', '2', '1'] as const;
export type GoogleGenAIMajor = (typeof GOOGLE_GENAI_MAJORS)[number];

/** Options of {@link runGoogleGenAIApp}. */
export interface RunGoogleGenAIAppOptions extends RunScenarioAppOptions {
  readonly major: GoogleGenAIMajor;
}

/** Runs the Google Gen AI scenario app and returns its summary (scenario name → what it saw). */
export function runGoogleGenAIApp(options: RunGoogleGenAIAppOptions): Promise<ScenarioRun> {
  const { major } = options;
  return runScenarioApp(
    {
      name: `google-genai-${major}`,
      entry: 'google-genai-entry',
      linkedPackage: major === '3' ? undefined : '@google/genai',
    },
    options,
  );
}
