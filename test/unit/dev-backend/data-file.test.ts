import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileWriter, dataLine } from '../../../dev-backend/data-file';

let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sprintlens-data-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function readLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('data lines', () => {
  it('write int64 beyond 2^53 as decimal strings and bytes as base64', () => {
    const line = dataLine('span', {
      attributes: { huge: 9007199254740993n, raw: new Uint8Array([1, 2, 3]), ok: 1 },
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      type: 'span',
      attributes: { huge: '9007199254740993', raw: 'AQID', ok: 1 },
    });
  });
});

describe('DataFileWriter', () => {
  it('appends to an existing file and drops (counting) lines written after close', async () => {
    const path = join(dir, 'append.jsonl');
    const first = await DataFileWriter.open({ path });
    first.writeLine('start', { n: 1 });
    await first.close();
    const second = await DataFileWriter.open({ path });
    second.writeLine('start', { n: 2 });
    await second.close();
    second.writeLine('stop', {});
    expect(second.linesDropped).toBe(1);
    expect(readLines(path)).toEqual([
      { type: 'start', n: 1 },
      { type: 'start', n: 2 },
    ]);
  });

  it('fails to open in a missing directory', async () => {
    await expect(DataFileWriter.open({ path: join(dir, 'missing', 'x.jsonl') })).rejects.toThrow(
      /ENOENT/,
    );
  });
});
