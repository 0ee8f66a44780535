import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Name and version of the application being run, from its nearest package.json. */
export interface AppPackage {
  readonly name: string | undefined;
  readonly version: string | undefined;
}

const MAX_LEVELS = 8;

/**
 * Finds the package.json nearest to the entry script (or the working directory), so that
 * `service.name` and `service.version` have useful defaults without any configuration.
 * Bounded to a few directory levels; any failure just means "unknown".
 */
export function readAppPackage(entry: string | undefined = process.argv[1]): AppPackage {
  let dir = entry ? dirname(resolve(entry)) : process.cwd();
  for (let level = 0; level < MAX_LEVELS; level++) {
    const found = readPackageJson(join(dir, 'package.json'));
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { name: undefined, version: undefined };
}

function readPackageJson(path: string): AppPackage | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
    return {
      name: typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : undefined,
      version: typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : undefined,
    };
  } catch {
    return { name: undefined, version: undefined };
  }
}
