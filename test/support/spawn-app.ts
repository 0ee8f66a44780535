import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { APPS_DIR, REPO_ROOT } from './paths';

export { APPS_DIR, REPO_ROOT } from './paths';

/** Makes `require('sprintlens')` resolve from the fixture apps to this repository's build. */
export function linkPackageIntoApps(): void {
  const link = join(APPS_DIR, 'node_modules/sprintlens');
  mkdirSync(dirname(link), { recursive: true });
  try {
    symlinkSync(REPO_ROOT, link, 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Options of {@link runApp}. */
export interface RunAppOptions {
  /** Arguments after `node`, e.g. `['--require', 'sprintlens/register', 'basic.cjs']`. */
  readonly args: readonly string[];
  /** Environment added to a clean one (no inherited OTEL_* or SPRINTLENS_* variables). */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Called with the child once it is spawned (to send signals, read output). */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Kill the child after this long; a test bound, not an assertion. */
  readonly killAfterMillis?: number;
  /** The `node` binary; default the one running the tests. */
  readonly node?: string;
}

/** How a spawned app ended. */
export interface AppResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMillis: number;
}

/** Runs a real `node` process (the same binary as the tests) and collects its output. */
export function runApp(options: RunAppOptions): Promise<AppResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(OTEL_|SPRINTLENS_|NODE_OPTIONS$|VITEST)/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, options.env);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.node ?? process.execPath, [...options.args], {
      cwd: options.cwd ?? APPS_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMillis ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolvePromise({ code, signal, stdout, stderr, durationMillis: Date.now() - started });
    });
    options.onSpawn?.(child);
  });
}
