import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rename, truncate, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDiagRateLimits } from '../../../src/base/diag';
import { DiskSpool, decodeEntry, encodeEntry, HEADER_BYTES } from '../../../exporters/spool';
import type { SpoolOptions } from '../../../exporters/spool';
import { FOREIGN_OWNER_LEASE_MS, hostTag } from '../../../exporters/spool/claims';
import { drain } from '../../support/drain-spool';

const CT = 'application/x-protobuf';
let root: string;
const roots: string[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sl-spool-'));
  roots.push(root);
});
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

const body = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const logsDir = () => join(root, 'logs');
const entryFiles = () =>
  readdirSync(logsDir())
    .filter((name) => name.endsWith('.spool'))
    .sort();

function open(extra: Partial<SpoolOptions> = {}): Promise<DiskSpool> {
  return DiskSpool.open({ dir: root, maxBytes: 1 << 20, signal: 'logs', ...extra });
}

/**
 * A pid that belongs to no process, found without starting one: probing upward from 2^22
 * (Linux's largest pid_max, so the kernel never hands it out) until `kill(pid, 0)` says ESRCH.
 */
function deadPid(): number {
  for (let pid = 2 ** 22; ; pid++) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

describe('spool file format', () => {
  const sample = encodeEntry({
    body: body('hello spool'),
    records: 7,
    contentType: CT,
    createdAt: 1_700_000_000_123,
  });

  it('round-trips every field', () => {
    const decoded = decodeEntry(sample);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(text(decoded.entry.body)).toBe('hello spool');
    expect(decoded.entry.records).toBe(7);
    expect(decoded.entry.contentType).toBe(CT);
    expect(decoded.entry.createdAt).toBe(1_700_000_000_123);
  });

  it('rejects every truncation and every trailing byte', () => {
    for (let length = 0; length < sample.length; length++) {
      const result = decodeEntry(sample.subarray(0, length));
      expect(result.ok, `length ${length}`).toBe(false);
      if (!result.ok) expect(['too-short', 'length-mismatch']).toContain(result.reason);
    }
    expect(decodeEntry(Buffer.concat([sample, Buffer.from([0])])).ok).toBe(false);
  });

  it('rejects every single flipped bit, header and payload alike', () => {
    for (let byte = 0; byte < sample.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = Buffer.from(sample);
        damaged[byte] = (damaged[byte] ?? 0) ^ (1 << bit);
        expect(decodeEntry(damaged).ok, `byte ${byte} bit ${bit}`).toBe(false);
      }
    }
  });

  it('names the reason', () => {
    const reasonOf = (file: Buffer) => {
      const result = decodeEntry(file);
      return result.ok ? 'ok' : result.reason;
    };
    const badMagic = Buffer.from(sample);
    badMagic[0] = 0;
    const badVersion = Buffer.from(sample);
    badVersion[4] = 99;
    const flipped = Buffer.from(sample);
    flipped[sample.length - 1] = (flipped[sample.length - 1] ?? 0) ^ 0xff;
    expect(reasonOf(badMagic)).toBe('bad-magic');
    expect(reasonOf(badVersion)).toBe('unsupported-version');
    expect(reasonOf(sample.subarray(0, HEADER_BYTES - 1))).toBe('too-short');
    expect(reasonOf(sample.subarray(0, sample.length - 1))).toBe('length-mismatch');
    expect(reasonOf(flipped)).toBe('checksum-mismatch');
  });
});

describe('DiskSpool in one process', () => {
  it('write, claim, release, claim again, ack: a round trip', async () => {
    const spool = await open();
    await expect(spool.write({ body: body('a'), records: 1, contentType: CT })).resolves.toEqual({
      kept: true,
    });
    await spool.write({ body: body('bb'), records: 2, contentType: 'application/json' });
    expect(spool.stats()).toMatchObject({ files: 2, records: 3 });

    const first = await spool.claimOldest();
    expect(first && text(first.body)).toBe('a');
    expect(first).toMatchObject({ records: 1, contentType: CT });
    expect(first?.createdAt).toBeGreaterThan(Date.now() - 60_000);
    if (!first) return;
    await spool.release(first);
    const again = await spool.claimOldest();
    expect(again?.id).toBe(first.id);
    const second = await spool.claimOldest();
    expect(second && text(second.body)).toBe('bb');
    expect(second).toMatchObject({ records: 2, contentType: 'application/json' });
    expect(await spool.claimOldest()).toBeUndefined();
    if (!again || !second) return;
    await spool.ack(again);
    await spool.ack(second);
    expect(readdirSync(logsDir())).toEqual([]);
    expect(await spool.claimOldest()).toBeUndefined();
    expect(spool.stats()).toMatchObject({ files: 0, bytes: 0, records: 0, claimed: 0 });
    await spool.close();
  });

  it('a released entry goes back to its place: oldest first still', async () => {
    const spool = await open();
    for (const word of ['one', 'two', 'three']) {
      await spool.write({ body: body(word), records: 1, contentType: CT });
    }
    const one = await spool.claimOldest();
    const two = await spool.claimOldest();
    if (!one || !two) throw new Error('expected two entries');
    await spool.release(two);
    await spool.release(one);
    expect((await drain(spool)).map((e) => text(e.body))).toEqual(['one', 'two', 'three']);
    await spool.close();
  });

  it('delivers oldest first after a restart (reopen), with signals in separate folders', async () => {
    const before = await open();
    const traces = await DiskSpool.open({ dir: root, maxBytes: 1 << 20, signal: 'traces' });
    for (let i = 0; i < 25; i++) {
      await before.write({ body: body(`entry ${i}`), records: i + 1, contentType: CT });
    }
    await traces.write({ body: body('a span'), records: 1, contentType: CT });
    await before.close();
    await traces.close();

    const after = await open();
    expect(after.stats()).toMatchObject({ files: 25, records: (25 * 26) / 2 });
    const delivered = await drain(after);
    expect(delivered.map((e) => text(e.body))).toEqual(
      Array.from({ length: 25 }, (_, i) => `entry ${i}`),
    );
    expect(delivered.map((e) => e.records)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const reopenedTraces = await DiskSpool.open({ dir: root, maxBytes: 1 << 20, signal: 'traces' });
    expect((await drain(reopenedTraces)).map((e) => text(e.body))).toEqual(['a span']);
  });

  it('close releases what it still holds, for the next start', async () => {
    const spool = await open();
    await spool.write({ body: body('held'), records: 3, contentType: CT });
    expect(await spool.claimOldest()).toBeDefined();
    await spool.close();
    expect(await spool.claimOldest()).toBeUndefined();
    const next = await open();
    expect((await drain(next)).map((e) => text(e.body))).toEqual(['held']);
  });

  it('a truncated file and a flipped-byte file are detected, counted, deleted and skipped', async () => {
    const writer = await open();
    for (let i = 0; i < 5; i++) {
      await writer.write({ body: body(`payload number ${i}`), records: 10 + i, contentType: CT });
    }
    await writer.close();
    const [, truncated, , flipped] = entryFiles();
    if (!truncated || !flipped) throw new Error('expected files');
    const truncatedPath = join(logsDir(), truncated);
    await truncate(truncatedPath, readFileSync(truncatedPath).length - 5);
    const flippedPath = join(logsDir(), flipped);
    const bytes = readFileSync(flippedPath);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0x10;
    writeFileSync(flippedPath, bytes);

    const corrupt: { file: string; reason: string; records: number }[] = [];
    const reader = await open({ onCorrupt: (e) => corrupt.push(e) });
    const delivered = await drain(reader);
    expect(delivered.map((e) => text(e.body))).toEqual([
      'payload number 0',
      'payload number 2',
      'payload number 4',
    ]);
    expect(corrupt).toEqual([
      { file: truncated, reason: 'length-mismatch', records: 11, bytes: expect.any(Number) },
      { file: flipped, reason: 'checksum-mismatch', records: 13, bytes: expect.any(Number) },
    ]);
    expect(reader.stats()).toMatchObject({ corruptSkipped: 2, corruptRecords: 24, files: 0 });
    expect(readdirSync(logsDir())).toEqual([]);
  });

  it('stays within maxBytes: the oldest are evicted and counted with records and bytes', async () => {
    const size = encodeEntry({
      body: body('x'.repeat(100)),
      records: 1,
      contentType: CT,
      createdAt: 0,
    }).length;
    const evictions: { records: number; bytes: number }[] = [];
    const spool = await open({ maxBytes: size * 5, onEvict: (e) => evictions.push(e) });
    for (let i = 0; i < 8; i++) {
      await spool.write({ body: body(String(i).repeat(100)), records: i + 1, contentType: CT });
      expect(spool.stats().bytes).toBeLessThanOrEqual(size * 5);
    }
    expect(evictions).toEqual([
      { records: 1, bytes: size },
      { records: 2, bytes: size },
      { records: 3, bytes: size },
    ]);
    expect(spool.stats()).toMatchObject({
      files: 5,
      bytes: size * 5,
      evicted: 3,
      evictedRecords: 6,
      evictedBytes: size * 3,
    });

    // A claimed (in-flight) entry is not evicted; a batch that can never fit is, at once: the
    // writer learns it from the result, onEvict is only for entries that were on disk.
    const inFlight = await spool.claimOldest();
    expect(inFlight?.records).toBe(4);
    await expect(
      spool.write({ body: body('y'.repeat(size * 5)), records: 9, contentType: CT }),
    ).resolves.toEqual({
      kept: false,
      reason: 'evicted',
      bytes: size * 5 + HEADER_BYTES + CT.length,
    });
    expect(evictions).toHaveLength(3);
    await expect(
      spool.write({ body: body('z'.repeat(100)), records: 10, contentType: CT }),
    ).resolves.toEqual({ kept: true });
    expect(evictions).toHaveLength(4);
    expect(evictions.at(-1)).toEqual({ records: 5, bytes: size });
    if (!inFlight) return;
    await spool.ack(inFlight);
    expect((await drain(spool)).map((e) => e.records)).toEqual([6, 7, 8, 10]);
    expect(spool.stats()).toMatchObject({ evicted: 5, evictedRecords: 6 + 9 + 5 });
  });

  it('eviction accounting re-scans the directory: another writer counts too', async () => {
    const size = encodeEntry({
      body: body('x'.repeat(50)),
      records: 1,
      contentType: CT,
      createdAt: 0,
    }).length;
    const a = await open({ maxBytes: size * 4 });
    const b = await open({ maxBytes: size * 4 });
    for (let i = 0; i < 3; i++)
      await a.write({ body: body('a'.repeat(50)), records: 1, contentType: CT });
    for (let i = 0; i < 3; i++)
      await b.write({ body: body('b'.repeat(50)), records: 1, contentType: CT });
    expect(entryFiles()).toHaveLength(4);
    expect(b.stats()).toMatchObject({ evicted: 2, bytes: size * 4 });
    expect((await drain(a)).map((e) => text(e.body)[0])).toEqual(['a', 'b', 'b', 'b']);
  });

  it('a temp file left by a crash before rename is never an entry, and is cleaned up', async () => {
    const writer = await open();
    await writer.write({ body: body('complete'), records: 1, contentType: CT });
    const full = encodeEntry({
      body: body('partial entry'),
      records: 4,
      contentType: CT,
      createdAt: Date.now(),
    });
    const dead = `.tmp-${hostTag()}-${deadPid()}-0badc0de-0`;
    const alive = `.tmp-${hostTag()}-${process.ppid}-0badc0de-0`; // a live writer's temp must be left alone
    writeFileSync(join(logsDir(), dead), full.subarray(0, full.length - 4));
    writeFileSync(join(logsDir(), alive), full);

    const reader = await open();
    expect(reader.stats()).toMatchObject({ files: 1, records: 1 });
    expect(readdirSync(logsDir())).not.toContain(dead);
    expect(readdirSync(logsDir())).toContain(alive);
    expect((await drain(reader)).map((e) => text(e.body))).toEqual(['complete']);
    expect(reader.stats().corruptSkipped).toBe(0);
  });

  it('two spools in one process never share an entry; a live claim is respected', async () => {
    const a = await open();
    const b = await open();
    await a.write({ body: body('only'), records: 1, contentType: CT });
    const claimed = await a.claimOldest();
    expect(claimed).toBeDefined();
    expect(await b.claimOldest()).toBeUndefined();
    expect(b.stats()).toMatchObject({ files: 1, claimed: 1 });
    if (!claimed) return;
    await a.release(claimed);
    expect((await b.claimOldest())?.id).toBe(claimed.id);
  });

  it('reclaims a claim left by an earlier incarnation with this same pid (container restart)', async () => {
    const writer = await open();
    await writer.write({ body: body('orphan'), records: 2, contentType: CT });
    const [file] = entryFiles();
    if (!file) throw new Error('expected a file');
    const id = file.slice(0, -'.spool'.length);
    await rename(
      join(logsDir(), file),
      join(logsDir(), `${id}.claimed-${hostTag()}-${process.pid}-deadbeef`),
    );
    const reader = await open();
    const entry = await reader.claimOldest();
    expect(entry?.id).toBe(id);
    expect(entry && text(entry.body)).toBe('orphan');
  });

  it('claims and temp files of another host or pid namespace are trusted for a lease only', async () => {
    const writer = await open();
    await writer.write({ body: body('elsewhere'), records: 1, contentType: CT });
    const [file] = entryFiles();
    if (!file) throw new Error('expected a file');
    const id = file.slice(0, -'.spool'.length);
    const foreignHost = hostTag() === 'ffffffff' ? 'fffffffe' : 'ffffffff';
    // Its pid is ours, which must not matter: pids of another namespace cannot be checked.
    const claim = join(logsDir(), `${id}.claimed-${foreignHost}-${process.pid}-0badc0de`);
    const temp = join(logsDir(), `.tmp-${foreignHost}-1-0badc0de-7`);
    await rename(join(logsDir(), file), claim);
    writeFileSync(temp, 'partial');

    const reader = await open();
    expect(await reader.claimOldest()).toBeUndefined();
    expect(reader.stats()).toMatchObject({ files: 1, claimed: 1 });
    expect(readdirSync(logsDir())).toContain(temp.slice(logsDir().length + 1));

    const expired = new Date(Date.now() - FOREIGN_OWNER_LEASE_MS - 60_000);
    await utimes(claim, expired, expired);
    await utimes(temp, expired, expired);
    const later = await open();
    const entry = await later.claimOldest();
    expect(entry && text(entry.body)).toBe('elsewhere');
    expect(readdirSync(logsDir()).some((name) => name.startsWith('.tmp-'))).toBe(false);
  });

  describe('filesystem trouble', () => {
    const messages: string[] = [];
    beforeEach(() => {
      messages.length = 0;
      resetDiagRateLimits();
      // The component logger passes its namespace first, then the message.
      const capture = (...args: unknown[]) => void messages.push(args.map(String).join(' '));
      diag.setLogger(
        { error: capture, warn: capture, info: capture, debug: () => {}, verbose: () => {} },
        { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
      );
    });
    afterEach(() => diag.disable());

    it('never throws: a write that cannot be persisted is reported with a code and counted', async () => {
      const file = join(root, 'not-a-directory');
      writeFileSync(file, 'x');
      const evicted: unknown[] = [];
      const spool = await DiskSpool.open({
        dir: file,
        maxBytes: 1 << 20,
        signal: 'traces',
        onEvict: (e) => evicted.push(e),
      });
      await expect(
        spool.write({ body: body('SECRET-PAYLOAD'), records: 5, contentType: CT }),
      ).resolves.toEqual({ kept: false, reason: 'failed', bytes: HEADER_BYTES + CT.length + 14 });
      await expect(spool.claimOldest()).resolves.toBeUndefined();
      await spool.close();
      expect(spool.stats()).toMatchObject({ writeFailed: 1, writeFailedRecords: 5 });
      expect(evicted).toEqual([]);
      expect(messages.some((m) => m.includes('SL_SPOOL_WRITE_FAILED'))).toBe(true);
      expect(messages.some((m) => m.includes('SL_SPOOL_READ_FAILED'))).toBe(true);
      expect(messages.join('\n')).not.toContain('SECRET-PAYLOAD');
    });

    it('reports a corrupt file with SL_SPOOL_CORRUPT_FILE and eviction with SL_SPOOL_FULL', async () => {
      const spool = await open({ maxBytes: 200 });
      await spool.write({ body: body('q'.repeat(100)), records: 1, contentType: CT });
      await spool.write({ body: body('r'.repeat(100)), records: 1, contentType: CT });
      expect(messages.some((m) => m.includes('SL_SPOOL_FULL'))).toBe(true);
      const [file] = entryFiles();
      if (!file) throw new Error('expected a file');
      writeFileSync(join(logsDir(), file), 'garbage'.repeat(10));
      expect(await spool.claimOldest()).toBeUndefined();
      expect(
        messages.some((m) => m.includes('SL_SPOOL_CORRUPT_FILE') && m.includes('bad-magic')),
      ).toBe(true);
    });
  });

  it('rejects programmer errors', async () => {
    await expect(DiskSpool.open({ dir: root, maxBytes: 0, signal: 'logs' })).rejects.toThrow(
      TypeError,
    );
    await expect(
      DiskSpool.open({ dir: root, maxBytes: 1, signal: 'spans' as unknown as 'logs' }),
    ).rejects.toThrow(TypeError);
    const spool = await open();
    await expect(
      spool.write({ body: 'text' as unknown as Uint8Array, records: 1, contentType: CT }),
    ).rejects.toThrow(TypeError);
    await expect(spool.write({ body: body('x'), records: -1, contentType: CT })).rejects.toThrow(
      TypeError,
    );
    // Past the format's limit (65535 bytes of content type): refused before anything is written.
    await expect(
      spool.write({ body: body('x'), records: 1, contentType: 'x'.repeat(0x10000) }),
    ).rejects.toThrow(TypeError);
    // The chain survives a rejected call.
    await spool.write({ body: body('fine'), records: 1, contentType: CT });
    expect((await drain(spool)).map((e) => text(e.body))).toEqual(['fine']);
  });
});
