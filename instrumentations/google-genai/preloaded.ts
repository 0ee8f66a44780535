import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CommonJS copy of `@google/genai` that was loaded before the instrumentation was enabled. */
export interface LoadedCopy {
  readonly exports: unknown;
  readonly version: string;
}

// The package's CommonJS entries: dist/node/index.cjs (the `node` + `require` condition),
// dist/index.cjs (plain `require`), and 1.0.x's dist/node/index.js.
const ENTRY = /^(.*[\\/]@google[\\/]genai)[\\/]dist[\\/](?:node[\\/])?index\.c?js$/;

/**
 * The CommonJS copies of `@google/genai` already in `require.cache` whose major version is
 * `supportedMajors`: an app that requires the SDK (and makes its clients) before calling
 * `start()` programmatically would otherwise stay unpatched, since the require hook only sees
 * modules loaded after it. ES-module copies are not reachable this way (nor hooked at all
 * without `--import`).
 */
export function loadedCopies(
  cache: Readonly<Record<string, { loaded?: boolean; exports?: unknown } | undefined>>,
  supportedMajors: readonly number[],
): LoadedCopy[] {
  const copies: LoadedCopy[] = [];
  for (const [file, module] of Object.entries(cache)) {
    const match = ENTRY.exec(file);
    if (match === null || module?.loaded !== true) continue;
    const version = packageVersion(match[1]!);
    if (version !== undefined && supportedMajors.includes(Number(version.split('.')[0]))) {
      copies.push({ exports: module.exports, version });
    }
  }
  return copies;
}

function packageVersion(dir: string): string | undefined {
  try {
    const version = (
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        version?: unknown;
      }
    ).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
