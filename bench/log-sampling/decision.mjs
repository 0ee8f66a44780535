// Benchmark of the log sampling decision (src/sampling/, built), side by side with no sampling.
//
//   npx tsc -p tsconfig.build.json && node_modules/.bin/node --expose-gc bench/log-sampling/decision.mjs
//
// 1. Decision cost per record (PatternSampler.decideRecord): free text (Loghub-2k messages,
//    logPattern on every line), known template (a logger passes its printf template: cache hit),
//    ERROR fast path (free text and template).
// 2. Per-record cost of LoggerProvider.emit with the sampling processor in front of a downstream
//    processor, against the same provider with the downstream only (the baseline of no
//    sampling); once with a counting downstream (pure overhead) and once with a real
//    BatchLogRecordProcessor and a no-op exporter (where dropped records save work).
// 3. Memory with 1M distinct high-cardinality messages: table size and heap after GC at
//    checkpoints, with the cardinality guard on (default) and off (LRU only).
// Prints one markdown document (also written to bench/results/log-sampling.md with --write).
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { loadAll } from './loghub.mjs';
import { rng, TEMPLATES } from './inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const built = join(repoRoot, 'dist/src/sampling/create-log-sampling-processor.js');
if (!existsSync(built)) {
  console.error(`Build first: npx tsc -p tsconfig.build.json (missing ${built})`);
  process.exit(1);
}
const { createLogSampling } = await import(pathToFileURL(built).href);
const { logPattern } = await import(
  pathToFileURL(join(repoRoot, 'dist/src/sampling/log-pattern.js')).href
);
const require = createRequire(join(repoRoot, 'package.json'));
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const gc = globalThis.gc ?? (() => {});

// --- inputs ----------------------------------------------------------------------------------
let messages = [];
try {
  messages = loadAll().flatMap((d) => d.contents);
} catch {
  // Loghub data not present: fall back to generated lines.
}
if (messages.length === 0) {
  const r = rng(1);
  for (let i = 0; i < 16_000; i++) {
    messages.push(`request ${Math.floor(r() * 1e6)} from 10.0.0.${i % 255} took ${i % 900} ms`);
  }
}
const N = 1_000_000;
const sevs = new Uint8Array(N);
{
  const r = rng(2);
  // A realistic mix: mostly DEBUG/INFO, some WARN, few ERROR.
  for (let i = 0; i < N; i++) {
    const x = r();
    sevs[i] = x < 0.15 ? 1 : x < 0.45 ? 5 : x < 0.9 ? 9 : x < 0.98 ? 13 : 17;
  }
}

function newSampling(extra = {}) {
  // Clock and random as in production (Date.now, Math.random).
  return createLogSampling({ ...extra });
}

/** Median ns per call over 5 runs of `n` calls of `body(i)`. */
function nsPerCall(n, body) {
  for (let i = 0; i < Math.min(n, 200_000); i++) body(i); // warm-up
  const runs = [];
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) body(i);
    runs.push(Number(process.hrtime.bigint() - t0) / n);
  }
  runs.sort((a, b) => a - b);
  return runs[2];
}

// --- 1. decision cost -------------------------------------------------------------------------
const decision = [];
{
  const s = newSampling().sampler;
  const M = messages.length;
  let sink = 0;
  decision.push([
    'free text, mixed severities (logPattern per line)',
    nsPerCall(N, (i) => {
      if (s.decideRecord(sevs[i], messages[i % M], undefined, undefined)) sink++;
    }),
  ]);
  const CONSTANT = ['server started', 'health check ok', 'cache warmed', 'shutting down'];
  decision.push([
    'free text, constant messages (no variable part: message cache hit)',
    nsPerCall(N, (i) => {
      if (s.decideRecord(sevs[i], CONSTANT[i & 3], undefined, undefined)) sink++;
    }),
  ]);
  decision.push([
    'for reference: logPattern alone on the same free text',
    nsPerCall(N, (i) => {
      sink += logPattern(messages[i % M]).id.length;
    }),
  ]);
  decision.push([
    'known template, mixed severities (template cache hit)',
    nsPerCall(N, (i) => {
      if (s.decideRecord(sevs[i], '', TEMPLATES[i & 7], undefined)) sink++;
    }),
  ]);
  decision.push([
    'known template, in a trace (draw from the trace id)',
    nsPerCall(N, (i) => {
      const traceId =
        i & 1 ? '4bf92f3577b34da6a3ce929d0e0e4736' : '0af7651916cd43dd8448eb211c80319c';
      if (s.decideRecord(sevs[i], '', TEMPLATES[i & 7], traceId)) sink++;
    }),
  ]);
  decision.push([
    'ERROR, free text',
    nsPerCall(N, (i) => {
      if (s.decideRecord(17, messages[i % M], undefined, undefined)) sink++;
    }),
  ]);
  decision.push([
    'ERROR, known template',
    nsPerCall(N, (i) => {
      if (s.decideRecord(17, '', TEMPLATES[i & 7], undefined)) sink++;
    }),
  ]);
  if (sink === 0) console.log('');
  await newSampling().shutdown();
}

// --- 2. through a LoggerProvider --------------------------------------------------------------
function counting() {
  const p = {
    n: 0,
    onEmit() {
      p.n++;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  return p;
}
const noopExporter = {
  export(records, done) {
    done({ code: 0 });
  },
  shutdown: async () => {},
  forceFlush: async () => {},
};

/** A provider emitting the bench stream; `emitChunk(start)` logs CHUNK records. */
function providerSetup(makeDownstream, withSampling, useTemplate) {
  const downstream = makeDownstream();
  const sampling = withSampling ? newSampling({ downstream }) : undefined;
  const provider = new LoggerProvider({ processors: [sampling ? sampling.processor : downstream] });
  const logger = provider.getLogger('bench');
  const M = messages.length;
  const emitChunk = (start) => {
    for (let i = start; i < start + CHUNK; i++) {
      const k = i % N;
      if (useTemplate) {
        logger.emit({
          severityNumber: sevs[k],
          body: messages[i % M],
          attributes: { 'log.record.template': TEMPLATES[i & 7] },
        });
      } else {
        logger.emit({ severityNumber: sevs[k], body: messages[i % M] });
      }
    }
  };
  return { provider, emitChunk };
}
const CHUNK = 2000;

async function timedRun({ provider, emitChunk }, total) {
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < total; start += CHUNK) {
    emitChunk(start);
    // Let a batch processor export, as the app's event loop would.
    if (start % 20_000 === 0) await provider.forceFlush();
  }
  await provider.forceFlush();
  return Number(process.hrtime.bigint() - t0) / total;
}

/** Baseline and sampled runs alternate, so background load affects both alike. */
async function providerCase(makeDownstream, useTemplate) {
  const base = providerSetup(makeDownstream, false, useTemplate);
  const sampled = providerSetup(makeDownstream, true, useTemplate);
  await timedRun(base, 200_000); // warm-up
  await timedRun(sampled, 200_000);
  const baseRuns = [];
  const sampledRuns = [];
  for (let run = 0; run < 7; run++) {
    baseRuns.push(await timedRun(base, 300_000));
    sampledRuns.push(await timedRun(sampled, 300_000));
  }
  await base.provider.shutdown();
  await sampled.provider.shutdown();
  const median = (xs) => xs.sort((a, b) => a - b)[3];
  return [median(baseRuns), median(sampledRuns)];
}

const batch = () =>
  new BatchLogRecordProcessor({
    exporter: noopExporter,
    maxQueueSize: 100_000,
    maxExportBatchSize: 512,
  });
const endToEnd = [];
for (const [name, make] of [
  ['counting downstream', counting],
  ['BatchLogRecordProcessor + no-op exporter', batch],
]) {
  for (const useTemplate of [false, true]) {
    const kind = useTemplate ? 'template attribute' : 'free text';
    const [base, sampled] = await providerCase(make, useTemplate);
    endToEnd.push([`${name}, ${kind}`, base, sampled]);
  }
}

// --- 3. memory with 1M distinct messages ------------------------------------------------------
function letters(r, n) {
  let s = '';
  for (let k = 0; k < n; k++) s += String.fromCharCode(0x67 + Math.floor(r() * 20));
  return s;
}
function memoryCase(label, extra) {
  gc();
  const sampling = newSampling(extra);
  const s = sampling.sampler;
  const r = rng(3);
  const rows = [];
  const checkpoints = new Set([10_000, 100_000, 250_000, 500_000, 750_000, 1_000_000]);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  let now = Date.now();
  for (let i = 1; i <= 1_000_000; i++) {
    s.decideRecord(9, `session ${letters(r, 8)} opened by ${letters(r, 6)}`, undefined, undefined);
    if (checkpoints.has(i)) {
      gc();
      rows.push([
        label,
        i,
        s.table.size,
        s.table.evictions,
        s.overflow,
        (process.memoryUsage().heapUsed - heap0) / 1048576,
      ]);
    }
  }
  void now;
  void sampling.shutdown();
  return rows;
}
const memory = [
  ...memoryCase('guard on (default)', {}),
  ...memoryCase('guard off (LRU only)', { maxNewPatternsPerMinute: 1e12 }),
];

// --- report -----------------------------------------------------------------------------------
const f = (x, d = 0) => x.toFixed(d);
let md = '';
md += '# Log sampling decision benchmark\n\n';
md += `Command: \`npx tsc -p tsconfig.build.json && node_modules/.bin/node --expose-gc bench/log-sampling/decision.mjs --write\`  \n`;
md += `Date: ${new Date().toISOString()}  \n`;
md += `Machine: 2 cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, shared with other jobs  \n`;
md += `Free-text input: ${messages.length} Loghub-2k messages repeated; severities 15 % TRACE, 30 % DEBUG, 45 % INFO, 8 % WARN, 2 % ERROR; default rates; median of 5 runs.\n\n`;
md += '## 1. Decision cost per record (`PatternSampler.decideRecord`)\n\n';
md += '| case | ns / record | target |\n|---|---:|---|\n';
for (const [label, ns] of decision) {
  const target = label.startsWith('for reference')
    ? ''
    : label.startsWith('free') || label === 'ERROR, free text'
      ? '< 1000'
      : '< 150';
  md += `| ${label} | ${f(ns)} | ${target} |\n`;
}
md +=
  '\n## 2. `LoggerProvider.emit` per record: downstream only vs sampling processor in front\n\n';
md += '| downstream, input | no sampling ns | with sampling ns | ratio |\n|---|---:|---:|---:|\n';
for (const [label, base, sampled] of endToEnd) {
  md += `| ${label} | ${f(base)} | ${f(sampled)} | ${f(sampled / base, 2)}× |\n`;
}
md += '\n## 3. Memory with 1M distinct high-cardinality messages (default table bound 10,000)\n\n';
md +=
  '| case | messages | patterns in table | evictions | overflow (guard) | heap growth after GC, MiB |\n|---|---:|---:|---:|---:|---:|\n';
for (const [label, i, size, ev, of, mib] of memory) {
  md += `| ${label} | ${i} | ${size} | ${ev} | ${of} | ${f(mib, 1)} |\n`;
}
console.log(md);
if (process.argv.includes('--write')) {
  writeFileSync(join(repoRoot, 'bench/results/log-sampling.md'), md);
}
process.exit(0);
