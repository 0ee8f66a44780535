import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, RETIRED_CODES } from '../../../src/base/errors';
import { DEV_BACKEND_ERROR_CODES } from '../../../dev-backend/errors';
import { DEFAULTS } from '../../../src/config/resolve';
import {
  catalogueEntry,
  INSTRUMENTATION_CATALOGUE,
  INSTRUMENTATION_NAMES,
} from '../../../src/config/instrumentation-catalogue';
import type { CatalogueEntry } from '../../../src/config/instrumentation-catalogue';
import { VERSION } from '../../../src/base/version';
import { REPO_ROOT } from '../../support/paths';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The code of every error class in `file`, read off the source (constructors differ). */
function classCodes(file: string): string[] {
  return [...read(file).matchAll(/readonly code = '(SL_[A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

/**
 * The two catalogues: the runtime's, and the dev backend's (kept beside it, out of the runtime).
 * Codes are one namespace: documented in the same file, never reused, never in both.
 */
const CATALOGUES = [
  { file: 'src/base/errors.ts', codes: ERROR_CODES as readonly string[] },
  { file: 'dev-backend/errors.ts', codes: DEV_BACKEND_ERROR_CODES as readonly string[] },
];

describe('error catalogues', () => {
  it.each(CATALOGUES)(
    '$file: every class has a distinct code, all listed in its list, none retired',
    ({ file, codes: listed }) => {
      const codes = classCodes(file);
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes).size).toBe(codes.length);
      expect([...codes].sort()).toEqual([...listed].sort());
      for (const code of listed) {
        expect(code).toMatch(/^SL_[A-Z]+(_[A-Z0-9]+)+$/);
        expect(RETIRED_CODES).not.toContain(code);
      }
    },
  );

  it('no code is in both catalogues', () => {
    const all = CATALOGUES.flatMap(({ codes }) => codes);
    expect(new Set(all).size).toBe(all.length);
    expect(DEV_BACKEND_ERROR_CODES.every((code) => code.startsWith('SL_DEV_BACKEND_'))).toBe(true);
    expect(ERROR_CODES.some((code) => code.startsWith('SL_DEV_BACKEND_'))).toBe(false);
  });

  it('docs/errors.md documents every code of both', () => {
    const doc = read('docs/errors.md');
    for (const { codes } of CATALOGUES) {
      for (const code of codes) expect(doc).toContain(`\`${code}\``);
    }
  });
});

describe('documentation stays in step with the code', () => {
  it('docs/configuration.md lists every variable the resolver reads', () => {
    const doc = read('docs/configuration.md');
    const source = read('src/config/resolve.ts');
    const names = new Set(source.match(/(OTEL|SPRINTLENS)_[A-Z_]+/g));
    names.delete('OTEL_EXPORTER_OTLP_'); // the per-signal template
    for (const name of names) expect(doc, name).toContain(name);
  });

  it('docs/configuration.md states the defaults the resolver uses', () => {
    const doc = read('docs/configuration.md');
    expect(doc).toContain(DEFAULTS.collectorEndpoint);
    expect(doc).toContain(`| \`${DEFAULTS.policyRefreshSeconds}\` |`);
    expect(doc).toContain(`| \`${DEFAULTS.patternReportSeconds}\` |`);
    expect(doc).toContain(`| \`${DEFAULTS.shutdownTimeoutMillis}\` |`);
    expect(doc).toContain(`| \`${DEFAULTS.exportTimeoutMillis}\` |`);
    expect(doc).toContain(INSTRUMENTATION_NAMES.join(', '));
  });

  it('VERSION matches package.json', () => {
    expect(VERSION).toBe((JSON.parse(read('package.json')) as { version: string }).version);
  });
});

describe('the instrumentation catalogue', () => {
  const entries: readonly CatalogueEntry[] = INSTRUMENTATION_CATALOGUE;
  const position = (name: string) => entries.findIndex((e) => e.name === name);

  it('enables HTTP first, then the frameworks, then the LLM SDKs and the loggers', () => {
    expect(position('http')).toBe(0);
    for (const framework of ['express', 'koa', 'fastify']) {
      expect(position(framework)).toBeGreaterThan(position('http'));
      expect(position(framework)).toBeLessThan(position('openai'));
    }
    expect(position('undici')).toBeLessThan(position('openai'));
    expect(position('openai')).toBeLessThan(position('pino'));
  });

  it('names Node built-ins bare (the ES-module hook adds node:) and never as packages', () => {
    for (const entry of entries) {
      for (const name of entry.modules) expect(name.startsWith('node:'), name).toBe(false);
      for (const name of entry.packages ?? []) expect(isBuiltin(name), name).toBe(false);
    }
    expect(catalogueEntry('http').modules).toEqual(['http', 'https']);
    expect(catalogueEntry('http').modules.every((name) => isBuiltin(name))).toBe(true);
    expect(catalogueEntry('http').packages).toEqual([]);
  });

  it('an instrumentation on diagnostics channels hooks no module but names its package for doctor', () => {
    expect(catalogueEntry('undici')).toMatchObject({
      modules: [],
      packages: ['undici'],
      builtIn: 'global fetch',
    });
    expect(catalogueEntry('fastify')).toMatchObject({ modules: [], packages: ['fastify'] });
  });

  it("undici's range is the one its instrumentation states (it checks no version itself)", () => {
    const readme = read('node_modules/@opentelemetry/instrumentation-undici/README.md');
    const stated = /\[`undici`\]\([^)]*\) version `([^`]+)`/.exec(readme)?.[1];
    expect(stated).toBeDefined();
    expect(catalogueEntry('undici').supportedVersions).toEqual([stated]);
  });
});
