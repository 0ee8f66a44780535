// Disk spool throughput: durable write (temp + fsync + rename + dir fsync) and claim+ack,
// side by side with a plain writeFile (no fsync, no rename: what durability costs).
// Run against the BUILT code:  npx tsc -p tsconfig.build.json && node_modules/.bin/node bench/spool.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import spoolModule from '../dist/exporters/spool/index.js';

const { DiskSpool } = spoolModule;
const SIZES = (process.env.SPOOL_BENCH_SIZES ?? '1024,65536,1048576').split(',').map(Number);
const COUNT = Number(process.env.SPOOL_BENCH_COUNT ?? 200);

function bodyOf(size) {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31) & 0xff;
  return body;
}

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const rows = [];
for (const size of SIZES) {
  const root = mkdtempSync(join(tmpdir(), 'sl-spool-bench-'));
  try {
    const body = bodyOf(size);
    const spool = await DiskSpool.open({ dir: root, maxBytes: 8 * 1024 ** 3, signal: 'logs' });
    const durableMs = await time(async () => {
      for (let i = 0; i < COUNT; i++) {
        await spool.write({ body, records: 100, contentType: 'application/x-protobuf' });
      }
    });
    const claimMs = await time(async () => {
      for (let e = await spool.claimOldest(); e; e = await spool.claimOldest()) await spool.ack(e);
    });
    const plainMs = await time(async () => {
      for (let i = 0; i < COUNT; i++) await writeFile(join(root, `plain-${i}`), body);
    });
    rows.push({ size, durableMs, claimMs, plainMs });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const perSec = (ms) => Math.round((COUNT / ms) * 1000);
const mibPerSec = (ms, size) => ((COUNT * size) / (ms / 1000) / 1024 ** 2).toFixed(1);
console.log(`${COUNT} batches per size, tmpdir ${tmpdir()}, node ${process.version}\n`);
console.log(
  '| body | spool write (fsync) batches/s | MiB/s | plain writeFile batches/s | write cost ratio | claim+ack batches/s |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.size / 1024} KiB | ${perSec(r.durableMs)} | ${mibPerSec(r.durableMs, r.size)} | ` +
      `${perSec(r.plainMs)} | ${(r.durableMs / r.plainMs).toFixed(1)}x | ${perSec(r.claimMs)} |`,
  );
}
