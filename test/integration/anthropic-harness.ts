import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS_DIR } from '../support/global-setup';
import type { AppResult } from '../support/spawn-app';
import { APPS_DIR, runApp } from '../support/spawn-app';

/**
 * @anthropic-ai/sdk versions under test: 1.12 from the root node_modules (traces itself),
 * 0.133 (last before self-tracing) and 0.65 from test/versions.
 */
export const ANTHROPIC_VERSIONS = ['1.12', '0.133', '0.65'] as const;
export type AnthropicVersion = (typeof ANTHROPIC_VERSIONS)[number];
export type ModuleKind = 'cjs' | 'esm';

/**
 * Prepares `test/fixtures/apps/.build/anthropic-<version>/` with the scenario entries and, for
 * older versions, `node_modules/@anthropic-ai/sdk` linking to that version, so `require` and
 * `import` (and with them the ES-module hook) see the package by its real name.
 */
export function prepareAnthropicApp(version: AnthropicVersion): string {
  const dir = join(APPS_DIR, '.build', `anthropic-${version}`);
  mkdirSync(dir, { recursive: true });
  for (const file of ['anthropic-entry.cjs', 'anthropic-entry.mjs']) {
    copyFileSync(join(APPS_DIR, file), join(dir, file));
  }
  if (version !== '1.12') {
    const scope = join(dir, 'node_modules', '@anthropic-ai');
    const link = join(scope, 'sdk');
    mkdirSync(scope, { recursive: true });
    rmSync(link, { force: true, recursive: true });
    symlinkSync(
      join(VERSIONS_DIR, `anthropic-${version}`, 'node_modules', '@anthropic-ai', 'sdk'),
      link,
      'dir',
    );
  }
  return dir;
}

/** Options of {@link runAnthropicApp}. */
export interface RunAnthropicAppOptions {
  readonly version: AnthropicVersion;
  readonly kind: ModuleKind;
  /** false: plain `node entry` (the uninstrumented baseline). */
  readonly instrumented: boolean;
  readonly llmUrl: string;
  readonly env?: Record<string, string>;
}

/** Runs the scenario app and returns its summary (scenario name → what the app saw). */
export async function runAnthropicApp(
  options: RunAnthropicAppOptions,
): Promise<{ result: AppResult; summary: Record<string, Record<string, unknown>> }> {
  const dir = prepareAnthropicApp(options.version);
  const entry = options.kind === 'cjs' ? 'anthropic-entry.cjs' : 'anthropic-entry.mjs';
  const flag = options.kind === 'cjs' ? '--require' : '--import';
  const args = options.instrumented ? [flag, 'sprintlens/register', entry] : [entry];
  const result = await runApp({
    args,
    cwd: dir,
    env: { LLM_URL: options.llmUrl, ...options.env },
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('SUMMARY '));
  if (line === undefined) {
    throw new Error(`no summary (code ${result.code}): ${result.stderr.slice(0, 2000)}`);
  }
  return {
    result,
    summary: JSON.parse(line.slice('SUMMARY '.length)) as Record<string, Record<string, unknown>>,
  };
}
