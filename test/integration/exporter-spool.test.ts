/**
 * End to end with the disk spool: a process spools what it cannot deliver, is killed with
 * SIGKILL, and a new process with the same spool directory delivers it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { identityHolds } from './exporter-harness';
import type { TransportStats } from '../../exporters/transport/transport';

const CHILD = join(__dirname, 'exporter-spool-child.mjs');
const N = 300;

let backend: Backend;
let spoolDir: string;
beforeEach(async () => {
  backend = await startBackend();
  spoolDir = mkdtempSync(join(tmpdir(), 'sprintlens-spool-'));
});
afterEach(async () => {
  await backend.close();
  rmSync(spoolDir, { recursive: true, force: true });
});

/** Runs the child until a stdout line starts with `marker`; returns that line's stats. */
function runChild(phase: string, marker: string, kill: boolean): Promise<TransportStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: {
        ...process.env,
        BACKEND_URL: backend.url,
        SPOOL_DIR: spoolDir,
        PHASE: phase,
        N: String(N),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child ${phase} timed out: ${out} ${err}`));
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith(marker));
      if (line === undefined) return;
      clearTimeout(timer);
      const stats = JSON.parse(line.slice(marker.length + 1)) as TransportStats;
      if (kill) child.kill('SIGKILL');
      child.on('exit', (code, signal) => {
        if (kill) expect(signal).toBe('SIGKILL');
        else expect(code).toBe(0);
        resolve(stats);
      });
    });
  });
}

describe('disk spool end to end', () => {
  it('SIGKILL after spooling: a new process delivers every record', async () => {
    await backend.setFaults({ outage: { mode: 'refuse', durationMs: 60_000 } });
    const spooled = await runChild('spool', 'spooled', true);
    expect(identityHolds(spooled)).toBe(true);
    expect(spooled.spooled).toBe(N);
    expect(spooled.delivered).toBe(0);
    expect(spooled.dropped).toBe(0);

    await backend.setFaults({});
    const delivered = await runChild('deliver', 'delivered', false);
    expect(identityHolds(delivered)).toBe(true);
    expect(delivered.recovered).toBe(N);
    expect(delivered.delivered).toBe(N);
    const ids = new Set(backend.logRecords.map((r) => Number(r.attributes['i'])));
    expect(ids.size).toBe(N);
  }, 60_000);
});
