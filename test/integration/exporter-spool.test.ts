/**
 * End to end with the disk spool: a process spools what it cannot deliver, is killed with
 * SIGKILL, and a new process with the same spool directory delivers it. And in process: a batch
 * the spool cannot keep is counted as dropped, never as spooled.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { expectSettled, logRig } from './exporter-harness';
import { DiskSpool } from '../../exporters/spool';
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
    expectSettled(spooled, N);
    expect(spooled.spooled).toBe(N);
    expect(spooled.delivered).toBe(0);
    expect(spooled.dropped).toBe(0);
    expect(backend.logRecords).toHaveLength(0);

    await backend.setFaults({});
    const delivered = await runChild('deliver', 'delivered', false);
    // Received in this process = recovered from the spool.
    expectSettled(delivered, N);
    expect(delivered.recovered).toBe(N);
    expect(delivered.delivered).toBe(N);
    expect(delivered.spooled).toBe(0);
    expect(delivered.dropped).toBe(0);
    const ids = new Set(backend.logRecords.map((r) => Number(r.attributes['i'])));
    expect(ids.size).toBe(N);
  }, 60_000);

  it('a batch the spool cannot keep is dropped as spool_evicted, never counted as spooled', async () => {
    await backend.setFaults({ outage: { mode: 'refuse', durationMs: 60_000 } });
    const rig = logRig({
      backend,
      tunables: {
        spoolDir,
        // Smaller than any entry: every batch is refused by the spool's bound.
        spoolMaxBytes: 64,
        circuitFailureThreshold: 2,
        spoolAfterWaitMillis: 100,
      },
      openSpool: (options) => DiskSpool.open(options),
    });
    rig.emit(0, 100);
    const end = Date.now() + 10_000;
    while (rig.transport.stats().droppedByReason.spool_evicted < 100) {
      if (Date.now() > end) throw new Error(JSON.stringify(rig.transport.stats()));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stats = rig.transport.stats();
    expectSettled(stats, 100);
    expect(stats.droppedByReason.spool_evicted).toBe(100);
    expect(stats.dropped).toBe(100);
    expect(stats.spooled).toBe(0);
    expect(stats.delivered).toBe(0);
    await rig.close(); // the watcher saw no state below 0 on the way
    expect(readdirSync(join(spoolDir, 'logs')).filter((name) => name.endsWith('.spool'))).toEqual(
      [],
    );
  }, 30_000);
});
