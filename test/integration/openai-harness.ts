import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS_DIR } from '../support/global-setup';
import type { AppResult } from '../support/spawn-app';
import { APPS_DIR, runApp } from '../support/spawn-app';

/** openai majors under test: 7 from the root node_modules, 5 and 6 from test/versions. */
export const OPENAI_MAJORS = ['7', '6', '5'] as const;
export type OpenAIMajor = (typeof OPENAI_MAJORS)[number];
export type ModuleKind = 'cjs' | 'esm';

/**
 * Prepares `test/fixtures/apps/.build/openai-<major>/` with the scenario entries and, for older
 * majors, `node_modules/openai` linking to that version, so `require('openai')` and
 * `import 'openai'` (and with them the ES-module hook) see the package by its real name.
 */
export function prepareOpenAIApp(major: OpenAIMajor): string {
  const dir = join(APPS_DIR, '.build', `openai-${major}`);
  mkdirSync(dir, { recursive: true });
  for (const file of ['openai-entry.cjs', 'openai-entry.mjs']) {
    copyFileSync(join(APPS_DIR, file), join(dir, file));
  }
  if (major !== '7') {
    const link = join(dir, 'node_modules', 'openai');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(VERSIONS_DIR, `openai-${major}`, 'node_modules', 'openai'), link, 'dir');
  }
  return dir;
}

/** Options of {@link runOpenAIApp}. */
export interface RunOpenAIAppOptions {
  readonly major: OpenAIMajor;
  readonly kind: ModuleKind;
  /** false: plain `node entry` (the uninstrumented baseline). */
  readonly instrumented: boolean;
  readonly llmUrl: string;
  readonly env?: Record<string, string>;
}

/** Runs the scenario app and returns its summary (scenario name → what the app saw). */
export async function runOpenAIApp(
  options: RunOpenAIAppOptions,
): Promise<{ result: AppResult; summary: Record<string, Record<string, unknown>> }> {
  const dir = prepareOpenAIApp(options.major);
  const entry = options.kind === 'cjs' ? 'openai-entry.cjs' : 'openai-entry.mjs';
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
