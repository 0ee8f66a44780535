/**
 * `sprintlens dev-backend` run in-process while it serves (flags and usage are unit-tested in
 * test/unit/dev-backend/cli.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDevBackendCli } from '../../support/dev-backend-cli';
import { jsonTraces, postJson } from './http';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sprintlens-dev-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => runDevBackendCli(args, dir);

describe('runDevBackend', () => {
  it('serves until stopped, then writes the final summary and closes the data file', async () => {
    const cli = run(['--port', '0', '--summary-interval', '0']);
    const url = await cli.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.stdout()).toContain(`SPRINTLENS_ENDPOINT=${url}`);
    expect(cli.stdout()).toContain('not for production');
    const dataFile = /data file:\s+(\S+)/.exec(cli.stdout())?.[1] ?? '';
    expect(dataFile.startsWith(join(dir, 'sprintlens-dev-data-'))).toBe(true);

    expect((await postJson(`${url}/v1/traces`, jsonTraces({ count: 3 }))).status).toBe(200);
    cli.stop('SIGTERM');
    expect(await cli.exit).toBe(0);
    expect(cli.stderr()).toContain('SIGTERM, stopping');
    expect(cli.stdout()).toContain('== sprintlens dev-backend final summary');
    expect(cli.stdout()).toMatch(/traces\s+1\s+\S+ \S+\s+200 x1/);
    const lines = readFileSync(dataFile, 'utf8').trim().split('\n');
    const types = lines.map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types).toEqual(['start', 'span', 'span', 'span', 'request', 'stop']);
    expect(cli.stdout()).toContain(`data file: ${dataFile} (6 lines)`);
    // The port is closed.
    await expect(fetch(`${url}/v1/traces`)).rejects.toThrow();
  });

  it('exits 1 with a coded message when the port is taken or the file cannot be written', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const busy = run(['--port', String(address.port), '--data-file', 'x.jsonl']);
      expect(await busy.exit).toBe(1);
      expect(busy.stderr()).toContain('SL_DEV_BACKEND_LISTEN_FAILED');
      expect(busy.stderr()).toContain('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    const unwritable = run(['--port', '0', '--data-file', join(dir, 'no', 'such', 'dir.jsonl')]);
    expect(await unwritable.exit).toBe(1);
    expect(unwritable.stderr()).toContain('SL_DEV_BACKEND_DATA_FILE_FAILED');
  });
});
