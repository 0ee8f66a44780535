import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { linkPackageIntoApps, REPO_ROOT } from './spawn-app';

/** Folders with older majors of instrumented packages, each with its own lockfile. */
export const VERSIONS_DIR = join(REPO_ROOT, 'test/versions');

/**
 * Runs once before the suite: links the package into the fixture apps and installs the
 * version matrix (`test/versions/<name>/`) from its lockfiles when it is not installed yet,
 * so `npm ci && npm test` works on a fresh machine.
 */
export default function setup(): void {
  linkPackageIntoApps();
  ensurePrometheus();
  for (const name of readdirSync(VERSIONS_DIR)) {
    const dir = join(VERSIONS_DIR, name);
    if (!existsSync(join(dir, 'package-lock.json')) || existsSync(join(dir, 'node_modules')))
      continue;
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
}

/**
 * The Prometheus tests need Debian's `prometheus` (it brings `promtool`). Install it when it is
 * missing and we may (root with apt-get, as on this project's machines and CI); otherwise the
 * Prometheus test fails with a message saying what to install.
 */
function ensurePrometheus(): void {
  if (spawnSync('promtool', ['--version']).status === 0) return;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'prometheus'], { stdio: 'ignore', env });
}
