/**
 * The runtime never loads the dev backend: an app under `node --require sprintlens/register`
 * (or `--import`) that uses the public API, traces, logs and exports to a backend loads no
 * module of `dist/dev-backend/` (nor a protobuf library), while `sprintlens dev-backend --help`
 * does load it. Real processes on the built package; a preloaded observer
 * (test/fixtures/apps/runtime-isolation/module-observer.cjs) records every module loaded through
 * require() and import alike, plus the CommonJS cache at exit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { APPS_DIR, linkPackageIntoApps, REPO_ROOT, runApp } from '../support/spawn-app';

const FIXTURES = join(APPS_DIR, 'runtime-isolation');
const OBSERVER = join(FIXTURES, 'module-observer.cjs');
const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const DEV_BACKEND_DIR = pathToFileURL(join(REPO_ROOT, 'dist/dev-backend/')).href;
/** Modules the runtime must never load. */
const FORBIDDEN = [/\/dist\/dev-backend\//, /\/node_modules\/protobufjs\//];

let backend: Backend;
let scratch = '';

beforeAll(async () => {
  linkPackageIntoApps();
  backend = await startBackend();
  scratch = mkdtempSync(join(tmpdir(), 'sprintlens-isolation-'));
});
afterAll(async () => {
  await backend?.close();
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

interface Observed {
  /** Every module loaded (file: and node: URLs), through either loader. */
  readonly loaded: readonly string[];
  /** `Object.keys(require.cache)` at exit (file paths). */
  readonly requireCache: readonly string[];
}

/** Runs `node --require OBSERVER ...args` and returns its result and what it loaded. */
async function observe(name: string, args: readonly string[], env: Record<string, string> = {}) {
  const file = join(scratch, `${name}.json`);
  const result = await runApp({
    args: ['--require', OBSERVER, ...args],
    cwd: FIXTURES,
    env: { ...env, MODULE_OBSERVER_FILE: file },
  });
  const observed = JSON.parse(readFileSync(file, 'utf8')) as Observed;
  const all = [
    ...new Set([...observed.loaded, ...observed.requireCache.map((p) => pathToFileURL(p).href)]),
  ];
  return { result, observed, all };
}

function forbiddenIn(modules: readonly string[]): string[] {
  return modules.filter((module) => FORBIDDEN.some((pattern) => pattern.test(module)));
}

describe.each([
  {
    kind: 'CommonJS',
    args: ['--require', 'sprintlens/register', 'app.cjs'],
    span: 'isolation-cjs',
  },
  {
    kind: 'ES module',
    args: ['--import', 'sprintlens/register', 'app.mjs'],
    span: 'isolation-esm',
  },
])('$kind app under the register entry', ({ kind, args, span }) => {
  it('loads the runtime but nothing of the dev backend', async () => {
    const service = `isolation-${kind === 'CommonJS' ? 'cjs' : 'esm'}`;
    const { result, observed, all } = await observe(service, args, {
      SPRINTLENS_ENDPOINT: backend.url,
      OTEL_SERVICE_NAME: service,
      SPRINTLENS_SPOOL_DIR: join(scratch, `spool-${service}`),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');

    // The observer saw the runtime: the register entry, the public API, the exporters.
    expect(all.some((url) => /\/dist\/src\/register\/register\.m?js$/.test(url))).toBe(true);
    expect(all.some((url) => /\/dist\/exporters\//.test(url))).toBe(true);
    if (kind === 'CommonJS') {
      expect(observed.requireCache.some((p) => p.endsWith('/dist/src/index.js'))).toBe(true);
    } else {
      expect(observed.loaded.some((url) => url.endsWith('/dist/src/esm/index.mjs'))).toBe(true);
    }

    // It ran for real: its span reached the backend.
    await backend.waitFor(() => backend.spans.some((s) => s.name === span));

    expect(forbiddenIn(all)).toEqual([]);
  });
});

describe('the sprintlens command', () => {
  it('loads the dev backend for `dev-backend --help`', async () => {
    const { result, all } = await observe('dev-backend-help', [CLI, 'dev-backend', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: sprintlens dev-backend');
    expect(all).toContain(`${DEV_BACKEND_DIR}cli.js`);
  });

  it.each([
    ['--version', ['--version']],
    ['doctor --help', ['doctor', '--help']],
    ['help', ['help']],
  ])('does not load it for `%s`', async (_name, commandArgs) => {
    const { result, all } = await observe(`cli-${commandArgs.join('-')}`, [CLI, ...commandArgs]);
    expect(result.code).toBe(0);
    expect(all.some((url) => url.endsWith('/dist/src/cli/main.js'))).toBe(true);
    expect(forbiddenIn(all)).toEqual([]);
  });
});
