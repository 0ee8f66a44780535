import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiskSpool, decodeEntry, encodeEntry } from '../../../exporters/spool';
import { drain } from '../../support/drain-spool';
import { REPO_ROOT } from '../../support/paths';
import { bodyFor } from './spool-body.mjs';

// Real processes against the BUILT spool (`npm test` builds before the integration tier).
const CHILD = join(__dirname, 'spool-child.mjs');
const BUILT = join(REPO_ROOT, 'dist/exporters/spool/index.js');
const CHILD_BOUND_MS = 30_000;

let root: string;
const roots: string[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('build first: npm run build');
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sl-spool-proc-'));
  roots.push(root);
});
afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line that starts with `prefix`. */
  line(prefix: string): Promise<string>;
  /** Resolves when the child has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(args: string[]): Child {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [CHILD, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const bound = setTimeout(() => child.kill('SIGKILL'), CHILD_BOUND_MS);
  let stdout = '';
  let stderr = '';
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const line of stdout.split('\n').slice(0, -1)) {
      for (const waiter of waiters.splice(0)) {
        if (line.startsWith(waiter.prefix)) waiter.resolve(line);
        else waiters.push(waiter);
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(bound);
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    exited,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        waiters.push({ prefix, resolve });
        check();
        void exited.then(() => {
          // Output may still be buffered when 'exit' fires; look once more before giving up.
          setTimeout(() => {
            check();
            reject(new Error(`child ended before "${prefix}": ${stderr.slice(0, 2000)}`));
          }, 50);
        });
      }),
  };
}

const open = () => DiskSpool.open({ dir: root, maxBytes: 1 << 30, signal: 'logs' });

describe('DiskSpool across processes', () => {
  it('entries written by a process killed with SIGKILL are all read back intact', async () => {
    const count = 40;
    const size = 4096;
    const writer = startChild(['write', root, String(count), String(size)]);
    await writer.line('spooled');
    writer.process.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');

    const spool = await open();
    expect(spool.stats()).toMatchObject({ files: count, claimed: 0 });
    const entries = await drain(spool);
    expect(entries.map((e) => e.records)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    entries.forEach((entry, i) => {
      expect(Buffer.from(entry.body).equals(Buffer.from(bodyFor(i, size))), `entry ${i}`).toBe(
        true,
      );
    });
    expect(spool.stats().corruptSkipped).toBe(0);
  });

  it('three processes claiming at once never get the same entry and together get all', async () => {
    const total = 90;
    const spool = await open();
    for (let i = 0; i < total; i++) {
      await spool.write({ body: bodyFor(i, 256), records: 1, contentType: 'application/json' });
    }
    const expected = readdirSync(join(root, 'logs'))
      .map((name) => name.slice(0, -'.spool'.length))
      .sort();
    const claimers = [0, 1, 2].map(() => startChild(['claim', root]));
    await Promise.all(claimers.map((c) => c.line('ready')));
    for (const claimer of claimers) claimer.process.stdin?.end('go\n');
    const results = await Promise.all(claimers.map((c) => c.line('[')));
    const perProcess = results.map((line) => JSON.parse(line) as string[]);
    const all = perProcess.flat();
    expect(new Set(all).size).toBe(all.length); // no entry twice
    expect([...all].sort()).toEqual(expected); // none missed
    for (const ids of perProcess) expect(ids).toEqual([...ids].sort()); // each oldest first
    expect(readdirSync(join(root, 'logs'))).toEqual([]);
  });

  it('two processes writing into one bounded spool: bound kept, every record accounted for', async () => {
    const perWriter = 60;
    const size = 2000;
    const entryBytes = encodeEntry({
      body: bodyFor(0, size),
      records: 1,
      contentType: 'application/x-protobuf',
      createdAt: 0,
    }).length;
    const maxBytes = entryBytes * 10;
    const writers = [0, 1].map(() =>
      startChild(['fill', root, String(perWriter), String(size), String(maxBytes)]),
    );
    await Promise.all(writers.map((w) => w.line('ready')));
    for (const writer of writers) writer.process.stdin?.end('go\n');
    const stats = (await Promise.all(writers.map((w) => w.line('{')))).map(
      (line) =>
        JSON.parse(line) as { evicted: number; evictedRecords: number; writeFailed: number },
    );

    const spool = await open();
    const onDisk = spool.stats();
    // Concurrent writers may overshoot by one batch (each made room for its own).
    expect(onDisk.bytes).toBeLessThanOrEqual(maxBytes + entryBytes);
    expect(onDisk.files).toBeGreaterThanOrEqual(9);
    const evicted = stats.reduce((sum, s) => sum + s.evictedRecords, 0);
    expect(stats.every((s) => s.writeFailed === 0)).toBe(true);
    // Nothing disappears uncounted: each record is either still on disk or counted as evicted.
    expect(onDisk.records + evicted).toBe(2 * perWriter);
    expect((await drain(spool)).length).toBe(onDisk.files);
  });

  it('a claim held by a live process is respected; once it is killed, the claim is reclaimed', async () => {
    const spool = await open();
    await spool.write({ body: bodyFor(0, 1000), records: 3, contentType: 'application/json' });
    await spool.write({ body: bodyFor(1, 1000), records: 4, contentType: 'application/json' });
    const holder = startChild(['hold', root]);
    const heldId = (await holder.line('claimed ')).slice('claimed '.length);

    // While the holder lives, only the other entry is claimable.
    const other = await spool.claimOldest();
    expect(other?.records).toBe(4);
    expect(await spool.claimOldest()).toBeUndefined();
    expect(spool.stats()).toMatchObject({ files: 2, claimed: 2 });

    holder.process.kill('SIGKILL');
    await holder.exited;
    const reclaimed = await spool.claimOldest();
    expect(reclaimed?.id).toBe(heldId);
    expect(reclaimed?.records).toBe(3);
    expect(reclaimed && Buffer.from(reclaimed.body).equals(Buffer.from(bodyFor(0, 1000)))).toBe(
      true,
    );
  });

  it('a writer killed mid-write leaves only complete entries visible', async () => {
    // Large bodies make it likely the kill lands inside a write; whatever the moment, no
    // partial entry may become visible and every visible one must decode.
    const size = 2 * 1024 * 1024;
    const writer = startChild(['churn', root, String(size)]);
    await writer.line('writing');
    await new Promise((resolve) => setTimeout(resolve, 150));
    writer.process.kill('SIGKILL');
    await writer.exited;

    const dir = join(root, 'logs');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.spool'))) {
      expect(decodeEntry(readFileSync(join(dir, name))).ok, name).toBe(true);
    }
    const spool = await open(); // cleans up the dead writer's temp file, if any
    expect(readdirSync(dir).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    const entries = await drain(spool);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    entries.forEach((entry, i) => {
      expect(Buffer.from(entry.body).equals(Buffer.from(bodyFor(i, size))), `entry ${i}`).toBe(
        true,
      );
    });
    expect(spool.stats().corruptSkipped).toBe(0);
  });
});
