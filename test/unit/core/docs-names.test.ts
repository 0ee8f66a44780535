/**
 * Every public name the documentation uses exists: the names docs import from `sprintlens`, the
 * API functions they call in prose, and the instrumentation classes they name, checked against
 * what `src/index.ts` exports (values and types).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');

function exportedNames(): Set<string> {
  const source = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
  const names = new Set<string>();
  for (const block of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of block[1]!.split(',')) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '');
      if (name) names.add(name);
    }
  }
  return names;
}

const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Names a page imports from the package in its code blocks. */
function importedNames(text: string): string[] {
  const names: string[] = [];
  const statements = text.matchAll(
    /(?:import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"]sprintlens['"]|const\s+\{([^}]*)\}\s*=\s*require\(['"]sprintlens['"]\))/g,
  );
  for (const statement of statements) {
    for (const item of (statement[1] ?? statement[2] ?? '').split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+|\s*:\s*/)[0];
      if (name) names.push(name);
    }
  }
  return names;
}

/** API functions and classes a page names in prose (`createX()`, `XInstrumentation`). */
function namedInProse(text: string): string[] {
  const names: string[] = [];
  const api =
    /`(?<![.\w])((?:create|get|register|record|run|compare|with|track|log)[A-Z]\w*|track|start)\(/g;
  for (const match of text.matchAll(api)) names.push(match[1]!);
  for (const match of text.matchAll(/`(?:new\s+)?([A-Z]\w*Instrumentation)\b/g))
    names.push(match[1]!);
  return names;
}

// Names of other packages that docs mention in the same forms.
const NOT_OURS = new Set([
  'getTracer',
  'getLogger',
  'getMeter',
  'registerInstrumentations',
  'runTools', // the openai SDK's helper
]);

describe('public names in the docs', () => {
  const exported = exportedNames();

  it('the index exports what the design brief names', () => {
    for (const name of [
      'start',
      'getInstrumentations',
      'createLogSamplingProcessor',
      'logPattern',
      'withAttributes',
    ]) {
      expect(exported.has(name), name).toBe(true);
    }
  });

  it.each(pages)('%s uses only names the package exports', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const used = [...new Set([...importedNames(text), ...namedInProse(text)])].filter(
      (name) => !NOT_OURS.has(name),
    );
    const missing = used.filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });
});
