// What the google-genai instrumentation adds per call and per streamed chunk over the
// uninstrumented @google/genai, in one run, CPU time and instructions:
//   baseline          the SDK alone
//   sprintlens-off    sprintlens's `google-genai` instrumentation, content capture off
//   sprintlens-on     the same, content capture on
// No alternative instruments @google/genai: @traceloop/instrumentation-vertexai hooks
// @google-cloud/vertexai and @google-cloud/aiplatform only (its module definitions), so it sees
// none of these calls.
//
// A/B in one process: each process loads three copies of the SDK (the module loaded three times,
// so three `Models` classes), leaves one alone and patches the other two, one per instrumentation
// (content off, content on), through the instrumentation's module definition; all three are
// warmed up alike. Comparing variants inside one process, with the same code loaded and the same
// heap, removes what differs between processes (JIT decisions, heap layout), which on the real
// SDK was larger than the instrumentation's own cost. Same pipeline for all (see benchTelemetry):
// traces, metrics and logs into no-op exporters, AsyncLocalStorage context; both
// instrumentations enabled (the usage ledger held, as in an app).
//
// Two paths:
//   end to end: the real SDK (CommonJS build) against a local Gemini-format server living in this
//     process (generateContent as JSON, streamGenerateContent as SSE of `x-bench-chunks` chunks,
//     usage on every chunk as the API sends it);
//   hot path: an SDK-shaped `Models` without network, whose public arrow functions delegate to
//     prototype methods answering with a ready response or an async generator of chunks (what
//     the instrumentation wraps).
// Two measures of each:
//   CPU time: the three variants interleaved over rounds in each process (a forced GC before
//     each batch); per process the median over rounds of each variant minus the baseline, then
//     the median over processes. Per chunk: (stream of 100 chunks − stream of 1) / 99.
//   Instructions: `valgrind --tool=callgrind`, one run per variant and workload (N calls, M
//     streams of 100 chunks, M streams of 1 chunk) after the same warm-up of all three copies,
//     with a full GC before and after the counted work (each run pays for collecting its own
//     garbage); a variant's run minus the baseline's, over the count. Repeatable on a shared
//     machine, where CPU time is not.
//
// Usage: npm run build && node_modules/.bin/node bench/google-genai-overhead.mjs [processes]
//        [--cpu|--callgrind]
//        (BENCH_PACKAGE_DIR=<dir>: the sprintlens build under <dir>/dist instead of this repo's;
//         BENCH_ROUNDS=<n>: CPU rounds per process, default 9)
/* global setImmediate */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callgrindInstructionsAsync } from './callgrind.mjs';
import {
  benchTelemetry,
  formatMicros as fmt,
  median,
  repoDir,
  rootRequire,
  runJsonChild,
} from './llm-bench-support.mjs';

const CHUNKS = 100;
const VARIANTS = {
  baseline: '@google/genai alone (baseline)',
  'sprintlens-off': 'sprintlens, content capture off',
  'sprintlens-on': 'sprintlens, content capture on',
};
const PATHS = {
  hot: 'Hot path (SDK-shaped Models, no network)',
  e2e: 'End to end (the real SDK, local Gemini server)',
};
/**
 * Work per path. CPU: per round and variant, calls and streams of each length; callgrind: the
 * counted calls and streams. Warm-up (each copy): calls, then streams of each length. The hot
 * path is about 50 times cheaper per call than the end-to-end one.
 */
const WORK = {
  hot: {
    calls: 4000,
    streams: 400,
    countCalls: 2000,
    countStreams: 200,
    warmCalls: 4000,
    warmStreams: 400,
  },
  e2e: {
    calls: 100,
    streams: 12,
    countCalls: 150,
    countStreams: 15,
    warmCalls: 300,
    warmStreams: 20,
  },
};
const CPU_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

const here = fileURLToPath(import.meta.url);
/** The sprintlens package whose build is measured. */
const packageDir = process.env.BENCH_PACKAGE_DIR ?? repoDir;

if (process.argv[2] === '--cpu-child') await cpuChild(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--count-child') {
  const [path, url, variant, workload] = process.argv.slice(3);
  await countChild(path, url, variant, workload);
} else await main(process.argv.slice(2));

// ---------------------------------------------------------------- orchestrator

async function main(argv) {
  const cpu = !argv.includes('--callgrind');
  const callgrind = !argv.includes('--cpu');
  const processes = Number(argv.find((a) => /^\d+$/.test(a)) ?? 5);
  if (!existsSync(join(packageDir, 'dist/src/index.js'))) {
    console.error('dist/ missing: run `npm run build` first');
    process.exit(1);
  }
  const server = await startServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  const version = JSON.parse(
    readFileSync(join(repoDir, 'node_modules/@google/genai/package.json'), 'utf8'),
  ).version;
  const results = {};
  for (const path of Object.keys(PATHS)) {
    results[path] = {
      timing: cpu ? await cpuSection(path, url, processes) : undefined,
      counts: callgrind ? await callgrindSection(path, url) : undefined,
    };
  }
  server.close();
  console.log(`Node ${process.version}; @google/genai ${version}`, '');
  for (const [path, { timing, counts }] of Object.entries(results)) {
    console.log(`### ${PATHS[path]}`, '');
    if (timing !== undefined) console.log(cpuTable(path, timing, processes));
    if (counts !== undefined) console.log(callgrindTable(path, counts));
  }
}

async function cpuSection(path, url, processes) {
  const runs = [];
  for (let p = 0; p < processes; p++) {
    runs.push(
      await runJsonChild({
        name: `${path} cpu`,
        script: here,
        args: ['--cpu-child', path, url],
        nodeOptions: ['--expose-gc'],
      }),
    );
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const out = { spans: runs[0].spans };
  for (const v of Object.keys(VARIANTS)) {
    out[v] = {};
    for (const key of ['call', 'stream', 'chunk', 'addedCall', 'addedChunk']) {
      out[v][key] = median(runs.map((r) => r[v][key]));
    }
  }
  return out;
}

async function callgrindSection(path, url) {
  const count = (variant, workload) =>
    callgrindInstructionsAsync(
      ['--expose-gc', here, '--count-child', path, url, variant, workload].map(String),
    );
  const { countCalls, countStreams } = WORK[path];
  const raw = {};
  for (const v of Object.keys(VARIANTS)) {
    raw[v] = {};
    for (const workload of ['calls', 'long', 'short']) {
      raw[v][workload] = await count(v, workload);
      process.stderr.write(`${path} ${v} ${workload}: ${raw[v][workload]}\n`);
    }
  }
  const out = {};
  const base = raw.baseline;
  for (const v of Object.keys(VARIANTS)) {
    const r = raw[v];
    out[v] = {
      // Instructions of the whole counted run over its count: the variant's own cost with
      // whatever a call pulls in (its share of GC); the baseline's is the SDK's.
      call: r.calls / countCalls,
      chunk: (r.long - r.short) / countStreams / (CHUNKS - 1),
      addedCall: (r.calls - base.calls) / countCalls,
      addedChunk: (r.long - r.short - (base.long - base.short)) / countStreams / (CHUNKS - 1),
    };
  }
  return out;
}

// ---------------------------------------------------------------- tables

function cpuTable(path, timing, processes) {
  const { calls, streams } = WORK[path];
  const lines = [
    `CPU time (µs; ${calls} calls and ${streams} streams of each length per variant and round, ${CPU_ROUNDS} rounds per process; medians over rounds, then over ${processes} processes):`,
    '',
    `| variant | µs / call | added µs / call | µs / stream (${CHUNKS} chunks) | µs / chunk | added µs / chunk |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const v of Object.keys(VARIANTS)) {
    const t = timing[v];
    const dash = v === 'baseline';
    lines.push(
      `| ${VARIANTS[v]} | ${fmt(t.call)} | ${dash ? '—' : fmt(t.addedCall)} | ${fmt(t.stream)} | ${t.chunk.toFixed(2)} | ${dash ? '—' : t.addedChunk.toFixed(2)} |`,
    );
  }
  lines.push('', `Spans per call: ${timing.spans}.`, '');
  return lines.join('\n');
}

function callgrindTable(path, counts) {
  const { countCalls, countStreams } = WORK[path];
  const base = counts.baseline;
  const k = (n) => Math.round(n).toLocaleString('en-US');
  const pct = (n, of) => `${((100 * n) / of).toFixed(1)} %`;
  const lines = [
    `Instructions (callgrind, \`node --predictable\`; counted after the warm-up: ${countCalls} calls, or ${countStreams} streams of ${CHUNKS} chunks, or of 1):`,
    '',
    '| variant | instructions / call | added / call | instructions / chunk | added / chunk |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const v of Object.keys(VARIANTS)) {
    const c = counts[v];
    const dash = v === 'baseline';
    lines.push(
      `| ${VARIANTS[v]} | ${k(c.call)} | ${dash ? '—' : `${k(c.addedCall)} (${pct(c.addedCall, base.call)})`} | ${k(c.chunk)} | ${dash ? '—' : `${k(c.addedChunk)} (${pct(c.addedChunk, base.chunk)})`} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------- server

// generateContent as JSON; streamGenerateContent as SSE of `x-bench-chunks` chunks, usage on
// every chunk (as the Gemini API sends it), the finish reason on the last.
function startServer() {
  const envelope = { modelVersion: 'gemini-2.5-flash', responseId: 'bench' };
  const reply = JSON.stringify(response('Hello there.', 3, 'STOP'));
  const streams = new Map();
  const streamText = (n) => {
    let text = '';
    for (let i = 0; i < n; i++) {
      const chunk = response(`w${i} `, i + 1, i === n - 1 ? 'STOP' : undefined);
      text += `data: ${JSON.stringify({ ...chunk, ...envelope })}\r\n\r\n`;
    }
    return text;
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!req.url.includes(':streamGenerateContent')) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(reply),
        });
        res.end(reply);
        return;
      }
      const n = Number(req.headers['x-bench-chunks'] ?? 10);
      if (!streams.has(n)) streams.set(n, streamText(n));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(streams.get(n));
    });
  });
  // Under callgrind a child pauses longer than Node's 5 s keep-alive default between requests;
  // the SDK does not retry, so a socket closed under it would fail the run.
  server.keepAliveTimeout = 600_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A `GenerateContentResponse` as the API sends it (and the hot path's fake answers). */
function response(text, answered, finishReason) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
    usageMetadata: {
      promptTokenCount: 20,
      cachedContentTokenCount: 4,
      candidatesTokenCount: answered,
      thoughtsTokenCount: 8,
      totalTokenCount: 28 + answered,
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'bench',
  };
}

// ---------------------------------------------------------------- children

/**
 * The three variants in this process: the telemetry pipeline, the two instrumentations (enabled
 * before any copy is loaded, so their require hooks and their look for copies already loaded
 * find none), three copies of the SDK (real or fake), the second and third patched. Per variant,
 * `call()` and `stream(chunks)` (resolving with the number of chunks read).
 */
function setUp(path, url, telemetryOptions = {}) {
  const { api, tracerProvider, meterProvider, loggerProvider, exported } =
    benchTelemetry(telemetryOptions);
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  const { GoogleGenAIInstrumentation } = rootRequire(
    join(packageDir, 'dist/instrumentations/google-genai/index.js'),
  );
  const instrumentation = (captureContent) => {
    const inst = new GoogleGenAIInstrumentation({ captureContent });
    inst.setTracerProvider(tracerProvider);
    inst.setMeterProvider(meterProvider);
    if (loggerProvider !== undefined) inst.setLoggerProvider?.(loggerProvider);
    return inst;
  };
  const patchers = {
    'sprintlens-off': instrumentation(false),
    'sprintlens-on': instrumentation(true),
  };
  const loadCopy = () => {
    if (path === 'hot') return fakeSdk();
    const file = rootRequire.resolve('@google/genai');
    delete rootRequire.cache[file];
    const copy = rootRequire('@google/genai');
    // Out of the cache again: nothing later finds this copy by its file.
    delete rootRequire.cache[file];
    return copy;
  };
  const params = {
    model: 'gemini-2.5-flash',
    contents: 'Say hello to the benchmark.',
    config: { systemInstruction: 'You are terse.', temperature: 0 },
  };
  const benches = {};
  for (const variant of Object.keys(VARIANTS)) {
    const sdk = loadCopy();
    patchers[variant]?.getModuleDefinitions()[0].patch(sdk, '3.3.0');
    const clients = new Map();
    const client = (chunks) => {
      if (!clients.has(chunks)) {
        const headers = { 'x-bench-chunks': String(chunks) };
        clients.set(
          chunks,
          new sdk.GoogleGenAI({ apiKey: 'bench-key', httpOptions: { baseUrl: url, headers } }),
        );
      }
      return clients.get(chunks);
    };
    benches[variant] = {
      call: () => client(1).models.generateContent(params),
      stream: async (chunks) => {
        let n = 0;
        for await (const chunk of await client(chunks).models.generateContentStream(params)) {
          if (chunk.candidates !== undefined) n++;
        }
        return n;
      },
    };
  }
  const shutdown = async () => {
    await tracerProvider.forceFlush();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    await loggerProvider?.shutdown();
  };
  return { benches, shutdown, exported, tracerProvider };
}

/**
 * An SDK-shaped module for the hot path: `GoogleGenAI` whose `models` has the SDK's arrow
 * functions delegating to `Models.prototype` methods that answer at once (a response like the
 * server's, an async generator of `x-bench-chunks` chunks).
 */
function fakeSdk() {
  class Models {
    constructor(apiClient) {
      this.apiClient = apiClient;
      this.generateContent = async (params) => this.generateContentInternal(params);
      this.generateContentStream = async (params) => this.generateContentStreamInternal(params);
    }
    async generateContentInternal() {
      return response('Hello there.', 3, 'STOP');
    }
    async generateContentStreamInternal() {
      const n = this.apiClient.chunks;
      return (async function* chunks() {
        for (let i = 0; i < n; i++)
          yield response(`w${i} `, i + 1, i === n - 1 ? 'STOP' : undefined);
      })();
    }
  }
  class GoogleGenAI {
    constructor(options) {
      this.models = new Models({
        chunks: Number(options.httpOptions.headers['x-bench-chunks']),
        isVertexAI: () => false,
        getBaseUrl: () => options.httpOptions.baseUrl,
      });
    }
  }
  return { GoogleGenAI, Models };
}

/** Lets the event loop turn every 32 iterations, as an app's other I/O does. */
async function cpuMicros(n, fn) {
  const start = process.cpuUsage();
  for (let i = 1; i <= n; i++) {
    await fn();
    if ((i & 31) === 0) await new Promise(setImmediate);
  }
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function warmUp(benches, { warmCalls, warmStreams }) {
  for (const bench of Object.values(benches)) {
    for (let i = 0; i < warmCalls; i++) await bench.call();
    for (let i = 0; i < warmStreams; i++) {
      await bench.stream(CHUNKS);
      await bench.stream(1);
    }
  }
}

async function cpuChild(path, url) {
  const { benches, shutdown, exported, tracerProvider } = setUp(path, url);
  const work = WORK[path];
  await warmUp(benches, work);
  for (const [variant, bench] of Object.entries(benches)) {
    const n = await bench.stream(CHUNKS);
    if (n !== CHUNKS) throw new Error(`${variant}: a stream gave ${n} chunks, not ${CHUNKS}`);
  }
  await tracerProvider.forceFlush();
  const before = exported.spans;
  await benches['sprintlens-off'].call();
  await tracerProvider.forceFlush();
  const spans = exported.spans - before;
  const rounds = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
  const variants = Object.keys(VARIANTS);
  for (let round = 0; round < CPU_ROUNDS; round++) {
    // Rotate the order so no variant always runs first.
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      const bench = benches[variant];
      globalThis.gc();
      const call = (await cpuMicros(work.calls, bench.call)) / work.calls;
      const long = (await cpuMicros(work.streams, () => bench.stream(CHUNKS))) / work.streams;
      const short = (await cpuMicros(work.streams, () => bench.stream(1))) / work.streams;
      rounds[variant].push({ call, stream: long, chunk: (long - short) / (CHUNKS - 1) });
    }
  }
  await shutdown();
  const out = { spans };
  for (const v of variants) {
    const of = (key) => median(rounds[v].map((r) => r[key]));
    const added = (key) => median(rounds[v].map((r, i) => r[key] - rounds.baseline[i][key]));
    out[v] = {
      call: of('call'),
      stream: of('stream'),
      chunk: of('chunk'),
      addedCall: added('call'),
      addedChunk: added('chunk'),
    };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function countChild(path, url, variant, workload) {
  // Exports when a batch is full, never on a timer (callgrind slows the clock's work).
  const { benches, shutdown } = setUp(path, url, { scheduledDelayMillis: 3_600_000 });
  const work = WORK[path];
  await warmUp(benches, work);
  const bench = benches[variant];
  // Full collections before and after the counted work: each run then pays for collecting
  // exactly its own garbage, not for wherever V8 happened to start a major GC.
  globalThis.gc();
  if (workload === 'calls') for (let i = 0; i < work.countCalls; i++) await bench.call();
  else {
    const chunks = workload === 'long' ? CHUNKS : 1;
    for (let i = 0; i < work.countStreams; i++) await bench.stream(chunks);
  }
  globalThis.gc();
  await shutdown();
  process.stdout.write(JSON.stringify({ variant, workload }) + '\n');
}
