import { runScenarioApp } from './llm-app-harness';
import type { RunScenarioAppOptions, ScenarioRun } from './llm-app-harness';

/**
 * @anthropic-ai/sdk versions under test: 1.12 from the root node_modules (traces itself),
 * 0.133 (last before self-tracing) and 0.65 from test/versions.
 */
export const ANTHROPIC_VERSIONS = ['1.12', '0.133', '0.65'] as const;
export type AnthropicVersion = (typeof ANTHROPIC_VERSIONS)[number];

/** Options of {@link runAnthropicApp}. */
export interface RunAnthropicAppOptions extends RunScenarioAppOptions {
  readonly version: AnthropicVersion;
}

/** Runs the Anthropic scenario app and returns its summary (scenario name → what the app saw). */
export function runAnthropicApp(options: RunAnthropicAppOptions): Promise<ScenarioRun> {
  const { version } = options;
  return runScenarioApp(
    {
      name: `anthropic-${version}`,
      entry: 'anthropic-entry',
      linkedPackage: version === '1.12' ? undefined : '@anthropic-ai/sdk',
    },
    options,
  );
}
