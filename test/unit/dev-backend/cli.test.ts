import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDataFileName } from '../../../dev-backend/cli';
import { runDevBackendCli } from '../../support/dev-backend-cli';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sprintlens-dev-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => runDevBackendCli(args, dir);

describe('runDevBackend', () => {
  it('names the default data file after the start time', () => {
    expect(defaultDataFileName(new Date('2026-03-04T05:06:07.890Z'))).toBe(
      'sprintlens-dev-data-20260304-050607.jsonl',
    );
  });

  it('exits 2 with a coded message for bad flags, 0 with usage for --help', async () => {
    const bad = run(['--port', 'eighty']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain('SL_DEV_BACKEND_INVALID_FLAG --port: "eighty" is not a port');
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toContain('Usage: sprintlens dev-backend');
    expect(help.stdout()).toContain('--fault-status-ratio');
  });
});
