/**
 * Datasets: items from an array, JSONL, CSV and JSON files; every malformed line skipped,
 * reported with its line number and counted, the rest kept; only an unreadable file stops.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/evaluation/dataset';
import { REPO_ROOT } from '../../support/paths';
import { captureDiag } from '../../support/llm-instrumentation';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/evaluation');
const diagLines: string[] = [];
beforeEach(() => captureDiag(diagLines));
afterEach(() => diag.disable());

function scratchFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sprintlens-dataset-')), name);
  writeFileSync(path, text);
  return path;
}

describe('JSONL', () => {
  it('reads every item of a clean file, with its id, input, expected and metadata', () => {
    const dataset = loadDataset(join(FIXTURES, 'capitals.jsonl'));
    expect(dataset.items).toHaveLength(20);
    expect(dataset.skipped).toEqual([]);
    expect(dataset.source).toBe('capitals.jsonl');
    expect(dataset.items[0]).toEqual({
      id: 'cap-01',
      input: { country: 'France' },
      expected: 'Paris',
      metadata: { region: 'europe' },
    });
  });

  it('skips each malformed line with its line number and reason, and keeps the rest', () => {
    const dataset = loadDataset(join(FIXTURES, 'malformed.jsonl'));
    expect(dataset.items.map((item) => item.id)).toEqual(['a', 'item-8', '9']);
    expect(dataset.skipped).toEqual([
      { line: 2, reason: expect.stringMatching(/^not JSON/) as string },
      { line: 4, reason: 'no "input"' },
      { line: 5, reason: 'not an object' },
      { line: 6, reason: '"metadata" must be an object' },
      { line: 7, reason: 'its id repeats the one of malformed.jsonl line 1' },
    ]);
    // Each line reported on its own with the code and the line number, never the content.
    const reports = diagLines.filter((l) => l.includes('SL_EVALUATION_INVALID_DATASET_LINE'));
    expect(reports).toHaveLength(5);
    expect(reports[0]).toContain('malformed.jsonl line 2 was skipped: not JSON');
    expect(diagLines.join('\n')).not.toContain('What is 3 + 3');
  });

  it('reads a file without a final newline, with CRLF line ends and a byte-order mark', () => {
    const path = scratchFile('crlf.jsonl', '\uFEFF{"input":"x"}\r\n\r\n{"input":"y","id":"z"}');
    const dataset = loadDataset(path);
    expect(dataset.items).toEqual([
      { id: 'item-1', input: 'x' },
      { id: 'z', input: 'y' },
    ]);
  });
});

describe('CSV', () => {
  it('builds items from the columns, reports a row of the wrong length by its line', () => {
    const dataset = loadDataset(join(FIXTURES, 'capitals.csv'));
    expect(dataset.items).toEqual([
      {
        id: 'fr',
        input: { country: 'France' },
        expected: 'Paris',
        metadata: { region: 'europe' },
      },
      {
        id: 'it',
        input: { country: 'Italy\nwith a line break' },
        expected: 'Rome',
        metadata: { region: 'europe' },
      },
      // An empty `expected` cell is no expected value.
      { id: 'jp', input: { country: 'Japan' }, metadata: { region: 'asia' } },
    ]);
    expect(dataset.skipped).toEqual([
      { line: 3, reason: 'not a valid CSV row (CSV_RECORD_INCONSISTENT_COLUMNS)' },
    ]);
  });

  it('gives rows without an id the line they start on', () => {
    const path = scratchFile('plain.csv', 'input,expected,note\n"two\nlines",b,n1\nc,d,n2\n');
    const dataset = loadDataset(path);
    expect(dataset.items).toEqual([
      { id: 'item-2', input: 'two\nlines', expected: 'b', metadata: { note: 'n1' } },
      { id: 'item-4', input: 'c', expected: 'd', metadata: { note: 'n2' } },
    ]);
  });

  it('reads a metadata column as JSON, and skips a row whose metadata is not an object', () => {
    const path = scratchFile('meta.csv', 'input,metadata\na,"{""k"":1}"\nb,[1]\n');
    const dataset = loadDataset(path);
    expect(dataset.items).toEqual([{ id: 'item-2', input: 'a', metadata: { k: 1 } }]);
    expect(dataset.skipped).toEqual([
      { line: 3, reason: 'the "metadata" cell is not a JSON object' },
    ]);
  });

  it('refuses a CSV file without an input column', () => {
    const path = scratchFile('noinput.csv', 'question,answer\nq,a\n');
    expect(() => loadDataset(path)).toThrow(/SL_EVALUATION_INVALID_EXPERIMENT|no "input" column/);
  });
});

describe('arrays and JSON files', () => {
  it('takes array items, numbering those without an id by position', () => {
    const dataset = loadDataset([
      { input: 'a' },
      { input: 'b', id: 7 },
      { expected: 'no input' } as never,
    ]);
    expect(dataset.items).toEqual([
      { id: 'item-1', input: 'a' },
      { id: '7', input: 'b' },
    ]);
    expect(dataset.skipped).toEqual([{ line: 3, reason: 'no "input"' }]);
    expect(diagLines.join('\n')).toContain('data[2] was skipped: no "input"');
  });

  it('reads a JSON array file', () => {
    const path = scratchFile('items.json', JSON.stringify([{ input: 1 }, 'x', { input: 2 }]));
    const dataset = loadDataset({ path, format: 'json' });
    expect(dataset.items.map((i) => i.input)).toEqual([1, 2]);
    expect(dataset.skipped).toEqual([{ line: 2, reason: 'not an object' }]);
  });
});

describe('what stops the run', () => {
  it('a missing file, an unknown extension, a bad format, no data', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'no error';
    };
    expect(code(() => loadDataset(join(FIXTURES, 'missing.jsonl')))).toBe(
      'SL_EVALUATION_INVALID_EXPERIMENT',
    );
    expect(code(() => loadDataset(scratchFile('data.txt', '')))).toBe(
      'SL_EVALUATION_INVALID_EXPERIMENT',
    );
    expect(code(() => loadDataset({ path: 'x', format: 'xml' as never }))).toBe(
      'SL_EVALUATION_INVALID_EXPERIMENT',
    );
    expect(code(() => loadDataset(scratchFile('bad.json', '{')))).toBe(
      'SL_EVALUATION_INVALID_EXPERIMENT',
    );
  });

  it('reports at most 20 lines one by one, then one line for the rest', () => {
    const path = scratchFile('many.jsonl', 'oops\n'.repeat(30));
    const dataset = loadDataset(path);
    expect(dataset.skipped).toHaveLength(30);
    const reports = diagLines.filter((l) => l.includes('SL_EVALUATION_INVALID_DATASET_LINE'));
    expect(reports).toHaveLength(21);
    expect(reports[20]).toContain('10 more lines');
  });
});
