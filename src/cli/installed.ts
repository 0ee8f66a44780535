/**
 * Which version of a package an app would load, found the way Node finds it from the app's
 * directory, for `sprintlens doctor`.
 *
 * `require('<pkg>/package.json')` is not that way: a package with an `exports` map that does
 * not list `./package.json` (openai, @anthropic-ai/sdk) refuses it, and the package looked
 * "not installed" while it was being instrumented. Instead this walks the same directories
 * Node's resolver does — `node_modules` in the app directory and each parent, for CommonJS and
 * ES modules alike, then (CommonJS `require` only) `NODE_PATH` and the global folders — and
 * reads `<dir>/<name>/package.json` from disk, as the instrumentation hooks do once the package
 * is loaded.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';

/** A package found from the app directory. */
export interface InstalledPackage {
  /** `version` of its package.json, `undefined` when it has none. */
  readonly version: string | undefined;
  /** The package's directory under the `node_modules` it was found in (symlinks kept). */
  readonly dir: string;
  /**
   * `node_modules`: found in a `node_modules` directory above the app, which `require` and
   * `import` both search. `global`: found only through `NODE_PATH` or a global folder, which
   * `require` searches but `import` does not.
   */
  readonly via: 'node_modules' | 'global';
}

/**
 * The copy of `name` an app in `appDir` loads, or `undefined` when none is found.
 */
export function findInstalledPackage(name: string, appDir: string): InstalledPackage | undefined {
  const appRequire = createRequire(join(appDir, 'noop.js'));
  // Every directory `require(name)` would search, nearest first: node_modules of appDir and its
  // parents, then NODE_PATH and the global folders.
  const searched = appRequire.resolve.paths(name) ?? [];
  const walk = new Set(nodeModulesWalk(appDir));
  for (const base of searched) {
    const dir = join(base, name);
    const manifest = join(dir, 'package.json');
    if (!isFile(manifest)) continue;
    return {
      version: readVersion(manifest),
      dir,
      via: walk.has(base) ? 'node_modules' : 'global',
    };
  }
  return undefined;
}

/** `<dir>/node_modules` for `appDir` and each parent (not inside a `node_modules` itself). */
function nodeModulesWalk(appDir: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(appDir); ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') dirs.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) return dirs;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readVersion(manifest: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}
