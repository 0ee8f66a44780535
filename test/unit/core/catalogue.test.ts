import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, RETIRED_CODES } from '../../../src/base/errors';
import { DEFAULTS } from '../../../src/config/resolve';
import { INSTRUMENTATION_NAMES } from '../../../src/config/instrumentation-catalogue';
import { VERSION } from '../../../src/base/version';
import { REPO_ROOT } from '../../support/spawn-app';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The code of every error class, read off the source (constructors take different arguments). */
function classCodes(): string[] {
  return [...read('src/base/errors.ts').matchAll(/readonly code = '(SL_[A-Z0-9_]+)'/g)].map(
    (m) => m[1]!,
  );
}

describe('error catalogue', () => {
  it('every class has a distinct code, all listed in ERROR_CODES, none retired', () => {
    const codes = classCodes();
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^SL_[A-Z]+(_[A-Z0-9]+)+$/);
      expect(RETIRED_CODES).not.toContain(code);
    }
  });

  it('docs/errors.md documents every code', () => {
    const doc = read('docs/errors.md');
    for (const code of ERROR_CODES) expect(doc).toContain(`\`${code}\``);
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
