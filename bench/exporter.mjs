// The robust export transport side by side with the stock OTel OTLP/proto log exporter
// (+ BatchLogRecordProcessor, default settings), against the same local sink, in one run:
//   1. throughput at 0 ms and 100 ms added sink latency (records delivered per second);
//   2. CPU per record for encode + compress + send, and bytes on the wire per record
//      (both exporters fed 512-record batches through `export()`, gzip);
//   3. records lost under 50 % random 503s (seeded);
//   4. heap during an outage (ours), against the queue bound + 16 MiB.
// Run against the BUILT code:
//   npx tsc -p tsconfig.build.json && node_modules/.bin/node --expose-gc bench/exporter.mjs
// Env: BENCH_SECONDS (load per throughput run, default 4), OUTAGE_SECONDS (default 20),
//      QUEUE_MIB (queue bound in the outage run, default 64).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { setImmediate as yieldNow } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

// The repo's own OTel packages (bench/node_modules holds other versions for other benches).
const require = createRequire(new URL('../package.json', import.meta.url));
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { TracerProvider } = require('@opentelemetry/sdk-trace');
const { resolveConfig } = require('./dist/src/config/resolve.js');
const { logTransport } = require('./dist/exporters/factory.js');
const { TransportLogRecordProcessor } = require('./dist/exporters/processors.js');
const { createLogExporter, createTraceExporter } = require('./dist/exporters/index.js');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const OUTAGE_SECONDS = Number(process.env.OUTAGE_SECONDS ?? 20);
const QUEUE_MIB = Number(process.env.QUEUE_MIB ?? 64);
const MiB = 1024 * 1024;

// ---- sink -----------------------------------------------------------------------------
const sinkProcess = fork(fileURLToPath(new URL('./exporter-sink.mjs', import.meta.url)), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { port } = await new Promise((resolve) => sinkProcess.once('message', resolve));
const sinkUrl = `http://127.0.0.1:${port}`;
async function sink(path, body) {
  const res = await globalThis.fetch(`${sinkUrl}${path}`, {
    method: 'POST',
    body: JSON.stringify(body ?? {}),
  });
  return res.json();
}

// ---- variants -------------------------------------------------------------------------
let nextId = 0;
function ours(tunables = {}) {
  const { config } = resolveConfig({ otlpEndpoint: sinkUrl, compression: 'gzip' });
  const transport = logTransport(config, { tunables });
  const provider = new LoggerProvider({ processors: [new TransportLogRecordProcessor(transport)] });
  return { name: 'sprintlens transport', provider, transport };
}
function stock() {
  const exporter = new OTLPLogExporter({ url: `${sinkUrl}/v1/logs`, compression: 'gzip' });
  const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
  return { name: 'stock OTLP proto + BatchLogRecordProcessor', provider };
}
// Bodies vary like real log lines (ids, durations, users), so compression is not flattered.
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
function emit(logger, count) {
  for (let k = 0; k < count; k++) {
    const i = nextId++;
    logger.emit({
      body: `request ${i} for ${USERS[i & 7]} handled in ${(i * 7919) % 1000} ms, ${(i * 104729) % 65536} bytes`,
      severityText: 'INFO',
      attributes: { i, route: '/api/items', 'http.status_code': 200 + (i % 3) },
    });
  }
}
async function bounded(promise, ms) {
  let timer;
  await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

// ---- 1. throughput --------------------------------------------------------------------
async function throughput(make, latencyMs) {
  await sink('/reset');
  nextId = 0;
  await sink('/control', { latencyMs });
  const variant = make();
  const logger = variant.provider.getLogger('bench');
  const first = nextId;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  while (performance.now() < end) {
    emit(logger, 1000);
    await yieldNow();
  }
  const emitted = nextId - first;
  await bounded(variant.provider.forceFlush(), 120_000);
  const elapsed = (performance.now() - started) / 1000;
  const s = await (await globalThis.fetch(`${sinkUrl}/stats`)).json();
  await bounded(variant.provider.shutdown(), 10_000);
  return {
    emitted,
    delivered: s.distinct,
    perSecond: s.distinct / elapsed,
    maxConcurrent: s.maxConcurrent,
  };
}

// ---- 2. CPU and bytes per record -------------------------------------------------------
function captureRecords(n) {
  const kept = [];
  const provider = new LoggerProvider({
    processors: [
      { onEmit: (r) => kept.push(r), forceFlush: async () => {}, shutdown: async () => {} },
    ],
  });
  emit(provider.getLogger('bench'), n);
  return kept;
}
function captureSpans(n) {
  const kept = [];
  const provider = new TracerProvider({
    spanProcessors: [
      {
        onStart() {},
        onEnd: (s) => kept.push(s),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < n; i++) {
    tracer
      .startSpan(`chat gpt-4o-mini`, {
        attributes: {
          i,
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 100 + (i % 50),
        },
      })
      .end();
  }
  return kept;
}
async function cpuPerRecord(exporter, batch, rounds) {
  await sink('/reset');
  await sink('/control', {});
  const exportOnce = () => new Promise((resolve) => exporter.export(batch, resolve));
  for (let r = 0; r < 5; r++) await exportOnce(); // warm-up (JIT, connection)
  await sink('/reset');
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) await exportOnce();
  const cpu = process.cpuUsage(cpu0);
  const s = await (await globalThis.fetch(`${sinkUrl}/stats`)).json();
  await exporter.shutdown();
  const records = batch.length * rounds;
  return { usPerRecord: (cpu.user + cpu.system) / records, wirePerRecord: s.wireBytes / records };
}

// ---- 3. loss under 50 % 503 ------------------------------------------------------------
async function lossUnder503(make) {
  await sink('/reset');
  nextId = 0;
  await sink('/control', { failRatio: 0.5, seed: 7 });
  const variant = make();
  const logger = variant.provider.getLogger('bench');
  const first = nextId;
  for (let k = 0; k < 40; k++) {
    emit(logger, 500); // 20,000 records at ~10,000/s
    await new Promise((r) => setTimeout(r, 50));
  }
  const emitted = nextId - first;
  await bounded(variant.provider.forceFlush(), 120_000);
  await bounded(variant.provider.shutdown(), 10_000);
  const s = await (await globalThis.fetch(`${sinkUrl}/stats`)).json();
  return {
    emitted,
    delivered: s.distinct,
    lost: emitted - s.distinct,
    duplicates: s.records - s.distinct,
  };
}

// ---- 4. heap during an outage ----------------------------------------------------------
async function heapDuringOutage() {
  await sink('/reset');
  nextId = 0;
  await sink('/control', { outage: true });
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  const variant = ours({ queueMaxBytes: QUEUE_MIB * MiB });
  const logger = variant.provider.getLogger('bench');
  // Retained heap: collect garbage before each sample (needs --expose-gc).
  let maxHeap = 0;
  const sampler = setInterval(() => {
    globalThis.gc?.();
    maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  }, 500);
  const first = nextId;
  const end = performance.now() + OUTAGE_SECONDS * 1000;
  while (performance.now() < end) {
    emit(logger, 1000); // paced: ~20,000 records/s
    await new Promise((r) => setTimeout(r, 50));
  }
  const during = variant.transport.stats();
  clearInterval(sampler);
  await sink('/control', {});
  await bounded(variant.provider.forceFlush(), 120_000);
  const after = variant.transport.stats();
  await bounded(variant.provider.shutdown(), 10_000);
  return { emitted: nextId - first, growthMiB: (maxHeap - base) / MiB, during, after };
}

// ---- run ---------------------------------------------------------------------------------
const fmt = (n, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const out = [];
out.push(
  `Node ${process.version}, ${new Date().toISOString()}, ${SECONDS} s of load per throughput run\n`,
);

out.push('### Throughput (records delivered per second, unbounded offered load)\n');
out.push(
  '| sink latency | variant | emitted | delivered | delivered/s | max concurrent requests | ratio |',
);
out.push('|---|---|---:|---:|---:|---:|---:|');
for (const latency of [0, 100]) {
  const a = await throughput(() => ours(), latency);
  const b = await throughput(stock, latency);
  out.push(
    `| ${latency} ms | sprintlens | ${fmt(a.emitted)} | ${fmt(a.delivered)} | ${fmt(a.perSecond)} | ${a.maxConcurrent} | ${fmt(a.perSecond / b.perSecond, 1)}× |`,
  );
  out.push(
    `| ${latency} ms | stock | ${fmt(b.emitted)} | ${fmt(b.delivered)} | ${fmt(b.perSecond)} | ${b.maxConcurrent} | 1.0× |`,
  );
}

out.push(
  '\n### CPU and wire bytes per record (512-record batches via export(), gzip, 0 ms latency)\n',
);
const batch = captureRecords(512);
const rounds = 400;
const cOurs = await cpuPerRecord(
  createLogExporter({ otlpEndpoint: sinkUrl, compression: 'gzip' }),
  batch,
  rounds,
);
const cStock = await cpuPerRecord(
  new OTLPLogExporter({ url: `${sinkUrl}/v1/logs`, compression: 'gzip' }),
  batch,
  rounds,
);
const cAuto = await cpuPerRecord(
  createLogExporter({ endpoint: sinkUrl, compression: 'auto' }),
  batch,
  rounds,
);
out.push('| variant | CPU µs/record | wire bytes/record | CPU ratio to stock |');
out.push('|---|---:|---:|---:|');
out.push(
  `| sprintlens (gzip) | ${fmt(cOurs.usPerRecord, 2)} | ${fmt(cOurs.wirePerRecord, 1)} | ${fmt(cOurs.usPerRecord / cStock.usPerRecord, 2)} |`,
);
out.push(
  `| sprintlens (auto: gzip level 1) | ${fmt(cAuto.usPerRecord, 2)} | ${fmt(cAuto.wirePerRecord, 1)} | ${fmt(cAuto.usPerRecord / cStock.usPerRecord, 2)} |`,
);
out.push(
  `| stock (gzip) | ${fmt(cStock.usPerRecord, 2)} | ${fmt(cStock.wirePerRecord, 1)} | 1.00 |`,
);
const spans = captureSpans(512);
const tOurs = await cpuPerRecord(
  createTraceExporter({ otlpEndpoint: sinkUrl, compression: 'gzip' }),
  spans,
  200,
);
const tStock = await cpuPerRecord(
  new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces`, compression: 'gzip' }),
  spans,
  200,
);
out.push(
  `| traces: sprintlens (gzip) | ${fmt(tOurs.usPerRecord, 2)} | ${fmt(tOurs.wirePerRecord, 1)} | ${fmt(tOurs.usPerRecord / tStock.usPerRecord, 2)} |`,
);
out.push(
  `| traces: stock trace-otlp-proto (gzip) | ${fmt(tStock.usPerRecord, 2)} | ${fmt(tStock.wirePerRecord, 1)} | 1.00 |`,
);

out.push('\n### Records lost under 50 % random 503s (seeded), 20,000 records at ~10,000/s\n');
const lOurs = await lossUnder503(() => ours({ circuitFailureThreshold: 1000 }));
const lStock = await lossUnder503(stock);
out.push('| variant | emitted | delivered | lost | duplicates at the sink |');
out.push('|---|---:|---:|---:|---:|');
out.push(
  `| sprintlens | ${fmt(lOurs.emitted)} | ${fmt(lOurs.delivered)} | ${fmt(lOurs.lost)} | ${fmt(lOurs.duplicates)} |`,
);
out.push(
  `| stock | ${fmt(lStock.emitted)} | ${fmt(lStock.delivered)} | ${fmt(lStock.lost)} | ${fmt(lStock.duplicates)} |`,
);

out.push(
  `\n### Heap during a ${OUTAGE_SECONDS} s outage (503), ~20,000 records/s offered, queue bound ${QUEUE_MIB} MiB\n`,
);
const h = await heapDuringOutage();
out.push(
  '| emitted | max retained heap growth | bound (queue + 16 MiB) | queued at end of outage | dropped queue_full | delivered after | identity holds |',
);
out.push('|---:|---:|---:|---:|---:|---:|---|');
const holds = (s) => s.received === s.delivered + s.dropped + s.queued + s.inFlight + s.spooled;
out.push(
  `| ${fmt(h.emitted)} | ${fmt(h.growthMiB, 1)} MiB | ${QUEUE_MIB + 16} MiB | ${fmt(h.during.queued)} | ${fmt(h.after.droppedByReason.queue_full)} | ${fmt(h.after.delivered)} | ${holds(h.during) && holds(h.after)} |`,
);

console.log(out.join('\n'));
sinkProcess.disconnect();
