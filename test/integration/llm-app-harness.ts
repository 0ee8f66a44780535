import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VERSIONS_DIR } from '../support/paths';
import type { AppResult } from '../support/spawn-app';
import { APPS_DIR, runApp } from '../support/spawn-app';

export type ModuleKind = 'cjs' | 'esm';

/** What a scenario app printed: scenario name → what the app saw. */
export type ScenarioSummary = Record<string, Record<string, unknown>>;

/** Options of {@link prepareScenarioApp}. */
export interface ScenarioAppSpec {
  /** The build folder's name, also the `test/versions/` folder of an older SDK version. */
  readonly name: string;
  /** The entries' name without extension (`openai-entry` → `.cjs` and `.mjs`). */
  readonly entry: string;
  /** The SDK package to link from `test/versions/<name>/`; absent: the root node_modules. */
  readonly linkedPackage?: string;
  /**
   * Link all of `test/versions/<name>/node_modules` (a family of packages pinned together, such
   * as LangChain's) as the app's `node_modules`.
   */
  readonly linkedModules?: boolean;
}

/**
 * Prepares `test/fixtures/apps/.build/<name>/` with the scenario entries and, for an older SDK
 * version, `node_modules/<package>` linking to that version, so `require` and `import` (and
 * with them the ES-module hook) see the package by its real name.
 */
export function prepareScenarioApp(spec: ScenarioAppSpec): string {
  const dir = join(APPS_DIR, '.build', spec.name);
  mkdirSync(dir, { recursive: true });
  for (const file of [`${spec.entry}.cjs`, `${spec.entry}.mjs`]) {
    copyFileSync(join(APPS_DIR, file), join(dir, file));
  }
  if (spec.linkedModules === true) {
    const link = join(dir, 'node_modules');
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(VERSIONS_DIR, spec.name, 'node_modules'), link, 'dir');
  } else if (spec.linkedPackage !== undefined) {
    const link = join(dir, 'node_modules', spec.linkedPackage);
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(VERSIONS_DIR, spec.name, 'node_modules', spec.linkedPackage), link, 'dir');
  }
  return dir;
}

/** Options of {@link runScenarioApp}. */
export interface RunScenarioAppOptions {
  readonly kind: ModuleKind;
  /** false: plain `node entry` (the uninstrumented baseline). */
  readonly instrumented: boolean;
  readonly llmUrl: string;
  readonly env?: Record<string, string>;
}

/** How a scenario app ended, and what it printed. */
export interface ScenarioRun {
  readonly result: AppResult;
  readonly summary: ScenarioSummary;
}

/** Runs the scenario app and returns its summary. */
export async function runScenarioApp(
  spec: ScenarioAppSpec,
  options: RunScenarioAppOptions,
): Promise<ScenarioRun> {
  const dir = prepareScenarioApp(spec);
  const entry = `${spec.entry}.${options.kind === 'cjs' ? 'cjs' : 'mjs'}`;
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
  return { result, summary: JSON.parse(line.slice('SUMMARY '.length)) as ScenarioSummary };
}
