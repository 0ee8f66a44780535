/**
 * What `sprintlens doctor` prints for each instrumentation's packages: built-ins by name, npm
 * packages with the version the app resolves, including those of instrumentations that hook
 * no module (diagnostics channels).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogueEntry } from '../../../src/config/instrumentation-catalogue';
import { describePackages } from '../../../src/cli/doctor';

const app = mkdtempSync(join(tmpdir(), 'sprintlens-doctor-packages-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

function install(name: string, version: string): void {
  mkdirSync(join(app, 'node_modules', name), { recursive: true });
  writeFileSync(join(app, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
}
install('fastify', '4.29.1');
install('express', '4.22.3');
install('undici', '6.21.0');

describe('doctor: the packages of an instrumentation', () => {
  it('node:http is built in: no package to look for', () => {
    expect(describePackages(catalogueEntry('http'), app)).toBe('built-in: node:http, node:https');
  });

  it('fetch is built in (with the undici inside Node), the undici package is looked up', () => {
    expect(describePackages(catalogueEntry('undici'), app)).toBe(
      `built-in: global fetch (undici ${process.versions.undici}); ` +
        'undici 6.21.0 (supported: >=5.12.0)',
    );
  });

  it('a hooked package and a diagnostics-channel one both show the version the app resolves', () => {
    expect(describePackages(catalogueEntry('express'), app)).toBe(
      'express 4.22.3 (supported: >=4.0.0 <6)',
    );
    expect(describePackages(catalogueEntry('fastify'), app)).toBe(
      'fastify 4.29.1 (supported: >=4.0.0 <6)',
    );
  });

  it('console is built in; a package the app lacks is said to be missing', () => {
    expect(describePackages(catalogueEntry('console'), app)).toBe('built-in: console');
    expect(describePackages(catalogueEntry('langchain'), app)).toBe(
      '@langchain/core not installed',
    );
  });
});
