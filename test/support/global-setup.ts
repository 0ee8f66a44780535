import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS_DIR } from './paths';
import { linkPackageIntoApps } from './spawn-app';

export { VERSIONS_DIR } from './paths';

/**
 * Runs once before the integration tier (the unit tier has no global setup): links the package
 * into the fixture apps and installs the version matrix (`test/versions/<name>/`) from its
 * lockfiles when it is not installed yet, so `npm ci && npm test` works on a fresh machine.
 * System packages are not installed here: .ci/run installs them (Debian's `prometheus`), and
 * the tests that need one fail saying what to install.
 */
export default function setup(): void {
  linkPackageIntoApps();
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
