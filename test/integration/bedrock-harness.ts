import { runScenarioApp } from './llm-app-harness';
import type { RunScenarioAppOptions, ScenarioRun } from './llm-app-harness';

/**
 * @aws-sdk/client-bedrock-runtime versions under test: 3.1178 from the root node_modules and
 * 3.943 (December 2025) from test/versions.
 */
export const BEDROCK_VERSIONS = ['3.1178', '3.943'] as const;
export type BedrockVersion = (typeof BEDROCK_VERSIONS)[number];

/** Options of {@link runBedrockApp}: `llmUrl` is the local Bedrock server's. */
export interface RunBedrockAppOptions extends RunScenarioAppOptions {
  readonly version: BedrockVersion;
}

/** Credentials and region as an app on AWS gets them: from the environment. */
export const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
};

/** Runs the Bedrock scenario app and returns its summary (scenario name → what the app saw). */
export function runBedrockApp(options: RunBedrockAppOptions): Promise<ScenarioRun> {
  const { version } = options;
  return runScenarioApp(
    {
      name: `bedrock-${version}`,
      entry: 'bedrock-entry',
      linkedPackage: version === '3.1178' ? undefined : '@aws-sdk/client-bedrock-runtime',
    },
    { ...options, env: { ...AWS_ENV, ...options.env } },
  );
}
