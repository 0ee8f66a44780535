import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTRUMENTATION_CATALOGUE } from '../../../src/config/instrumentation-catalogue';
import { INSTRUMENTATION_FACTORIES } from '../../../instrumentations/registry';
import { findInstalledPackage } from '../../../src/cli/installed';

const root = mkdtempSync(join(tmpdir(), 'sprintlens-installed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(dir: string, manifest: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
}

describe('findInstalledPackage', () => {
  // An exports map without ./package.json, as openai and @anthropic-ai/sdk have: a
  // require('<name>/package.json') is refused, the package is found all the same.
  pkg(join(root, 'node_modules/@scope/locked'), {
    name: '@scope/locked',
    version: '1.2.3',
    exports: { '.': './index.js' },
  });
  pkg(join(root, 'app/node_modules/near'), { name: 'near', version: '2.0.0' });
  pkg(join(root, 'node_modules/near'), { name: 'near', version: '1.0.0' });
  pkg(join(root, 'node_modules/noversion'), { name: 'noversion' });
  pkg(join(root, 'app/src'), { name: 'app', type: 'module' });

  it('finds a package whose exports map hides package.json, from a parent node_modules', () => {
    expect(findInstalledPackage('@scope/locked', join(root, 'app'))).toEqual({
      version: '1.2.3',
      dir: join(root, 'node_modules/@scope/locked'),
      via: 'node_modules',
    });
  });

  it('takes the nearest copy, as Node does', () => {
    expect(findInstalledPackage('near', join(root, 'app/src'))?.version).toBe('2.0.0');
    expect(findInstalledPackage('near', root)?.version).toBe('1.0.0');
  });

  it('reports a missing package and a missing version', () => {
    expect(findInstalledPackage('absent-package-xyz', join(root, 'app'))).toBeUndefined();
    expect(findInstalledPackage('noversion', join(root, 'app'))?.version).toBeUndefined();
  });
});

describe('the catalogue', () => {
  it('declares the same supported versions as each instrumentation patches', () => {
    for (const entry of INSTRUMENTATION_CATALOGUE) {
      const create = INSTRUMENTATION_FACTORIES[entry.name];
      if (create === undefined || entry.modules.length === 0) continue;
      const instrumentation = create({ captureContent: false });
      try {
        instrumentation.disable();
        const definitions = (
          instrumentation as unknown as {
            getModuleDefinitions(): { name: string; supportedVersions: string[] }[];
          }
        ).getModuleDefinitions();
        const modules: readonly string[] = entry.modules;
        const patched = definitions.find((d) => modules.includes(d.name));
        expect([...entry.supportedVersions], entry.name).toEqual(patched?.supportedVersions);
      } finally {
        instrumentation.disable();
      }
    }
  });
});
