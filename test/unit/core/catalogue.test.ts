import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, RETIRED_CODES } from '../../../src/base/errors';
import { DEV_BACKEND_ERROR_CODES } from '../../../dev-backend/errors';
import { DEFAULTS } from '../../../src/config/resolve';
import { INSTRUMENTATION_NAMES } from '../../../src/config/instrumentation-catalogue';
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
