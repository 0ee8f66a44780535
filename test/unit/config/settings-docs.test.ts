import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DERIVED_SETTINGS, SETTINGS } from '../../../src/config/settings';

const ROOT = join(__dirname, '../../..');
const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

/** The table rows of the page as cells (first cell: the variable column). */
const rows = doc
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim()),
  );

function rowOf(variable: string): string[] | undefined {
  return rows.find((cells) => (cells[0] ?? '').includes(`\`${variable}\``));
}

const documented = [
  ...Object.values(SETTINGS).flatMap((s) =>
    s.env.map((env) => ({ env, option: s.option, shownDefault: s.shownDefault })),
  ),
  ...DERIVED_SETTINGS,
];

describe('docs/configuration.md follows the configuration table', () => {
  it.each(documented)('$env: its row names the option and the default', (s) => {
    const cells = rowOf(s.env);
    expect(cells, `no row for ${s.env}`).toBeDefined();
    expect(cells![1]).toBe(s.option === undefined ? '—' : `\`${s.option}\``);
    expect(cells!.at(-1)).toContain(s.shownDefault);
  });

  it('every variable the code reads is in the table', () => {
    const names = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.m?ts$/.test(entry)) {
          for (const match of readFileSync(path, 'utf8').matchAll(
            /\b(?:OTEL|SPRINTLENS)_[A-Z_]+\b/g,
          )) {
            names.add(match[0]);
          }
        }
      }
    };
    for (const dir of ['src', 'instrumentations', 'exporters']) walk(join(ROOT, dir));
    const known = new Set(documented.map((s) => s.env));
    const perSignal =
      /^OTEL_EXPORTER_OTLP_(TRACES|LOGS|METRICS)_(ENDPOINT|HEADERS|PROTOCOL|TIMEOUT)$/;
    const missing = [...names].filter(
      (name) => !known.has(name) && !perSignal.test(name) && !name.endsWith('_'),
    );
    expect(missing).toEqual([]);
  });
});
