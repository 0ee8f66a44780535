// What the google-genai instrumentation adds per call and per streamed chunk over the
// uninstrumented @google/genai, in one run, CPU time and instructions:
//   baseline          the SDK alone
//   sprintlens-off    sprintlens's `google-genai` instrumentation, content capture off
//   sprintlens-on     the same, content capture on
//   traceloop-off     @traceloop/instrumentation-google-generativeai, `traceContent: false`
//   traceloop-on      the same, `traceContent: true` (its default)
// The one alternative that instruments @google/genai is Traceloop's google-generativeai package,
// and for 1.x only (its module definition: `>=1.0.0 <2.0.0`): it wraps the `GoogleGenAI` export,
// so each client made afterwards gets its `models.generateContent` / `generateContentStream`
// replaced. Its variants run end to end only, and only on a 1.x SDK (`--genai-dir`): the hot
// path's fake is modelled on the internals sprintlens wraps, not on an SDK version Traceloop
// accepts. @traceloop/instrumentation-vertexai hooks
// @google-cloud/vertexai and @google-cloud/aiplatform only (its module definitions), so it sees
// none of these calls.
//
// A/B in one process: each process loads two copies of the SDK (the module loaded twice, so two
// `Models` classes), leaves one alone (the baseline) and patches the other through the
// instrumentation's module definition (one variant per process); both are warmed up alike.
// Comparing inside one process, with the same code loaded and the same heap, removes what
// differs between processes (JIT decisions, heap layout), which on the real SDK was larger than
// the instrumentation's own cost. Same pipeline for all (see benchTelemetry): traces, metrics
// and logs into no-op exporters, AsyncLocalStorage context; the instrumentation enabled (for
// sprintlens, the usage ledger held, as in an app).
//
// Two paths:
//   end to end: the real SDK (CommonJS build) against a local Gemini-format server living in this
//     process (generateContent as JSON, streamGenerateContent as SSE of `x-bench-chunks` chunks,
//     usage on every chunk as the API sends it);
//   hot path: an SDK-shaped `Models` without network, whose public arrow functions delegate to
//     prototype methods answering with a ready response or an async generator of chunks (what
//     the sprintlens instrumentation wraps).
// Two measures of each:
//   CPU time: the two copies interleaved over rounds in each process (a forced GC before each
//     batch); per process the median over rounds of the instrumented copy minus the baseline,
//     then the median over processes. Per chunk: (stream of 100 chunks − stream of 1) / 99.
//   Instructions: `valgrind --tool=callgrind`, one run per copy and workload (N calls, M streams
//     of 100 chunks, M streams of 1 chunk, or nothing) after the same warm-up of both copies,
//     with a full GC before and after the counted work (each run pays for collecting its own
//     garbage); the instrumented copy's run minus the baseline's, over the count. Repeatable on
//     a shared machine, where CPU time is not.
//
// Usage: npm run build && node_modules/.bin/node bench/google-genai-overhead.mjs [processes]
//        [--cpu|--callgrind|--show-spans] [--path hot|e2e] [--genai-dir DIR]
//        (--show-spans: each variant's span of one call and of one stream, end to end, instead
//         of measuring; --path: that path only; --genai-dir DIR: the @google/genai under
//         DIR/node_modules instead of this repo's, e.g. test/versions/google-genai-1;
//         BENCH_PACKAGE_DIR=<dir>: the sprintlens build under <dir>/dist instead of this repo's;
//         BENCH_ROUNDS=<n>: CPU rounds per process, default 9)
/* global setImmediate */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callgrindInstructionsAsync } from './callgrind.mjs';
import {
  benchDir,
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
  'traceloop-off': 'Traceloop google-generativeai, traceContent false',
  'traceloop-on': 'Traceloop google-generativeai, traceContent true',
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
    warmCalls: 2000,
    warmStreams: 200,
  },
  e2e: {
    calls: 100,
    streams: 12,
    countCalls: 1000,
    countStreams: 60,
    warmCalls: 200,
    warmStreams: 15,
  },
};
const SPRINTLENS = ['sprintlens-off', 'sprintlens-on'];
const TRACELOOP = ['traceloop-off', 'traceloop-on'];
const TRACELOOP_PACKAGE = '@traceloop/instrumentation-google-generativeai';
const CPU_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

const here = fileURLToPath(import.meta.url);
/** The sprintlens package whose build is measured. */
const packageDir = process.env.BENCH_PACKAGE_DIR ?? repoDir;
const argv = process.argv.slice(2);
/** The @google/genai measured: under `--genai-dir DIR` (children are given the same), or ours. */
const genaiDir = option('--genai-dir') === undefined ? undefined : resolve(option('--genai-dir'));
const sdkRequire =
  genaiDir === undefined ? rootRequire : createRequire(join(genaiDir, 'package.json'));
const sdkArgs = genaiDir === undefined ? [] : ['--genai-dir', genaiDir];
/** Requires from bench/node_modules (the alternatives). */
const benchRequire = createRequire(join(benchDir, 'package.json'));

if (argv[0] === '--cpu-child') {
  await cpuChild(argv[1], argv[2], argv[3]);
} else if (argv[0] === '--count-child') {
  const [path, url, variant, copy, workload] = argv.slice(1);
  await countChild(path, url, variant, copy, workload);
} else if (argv[0] === '--spans-child') {
  await spansChild(argv[1], argv[2], argv[3]);
} else await main();

/** The value after `name` on the command line, if any. */
function option(name) {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
}

/** The version of the @google/genai that `sdkRequire` loads. */
function sdkVersion() {
  const main = sdkRequire.resolve('@google/genai');
  const marker = `${sep}node_modules${sep}@google${sep}genai${sep}`;
  const dir = main.slice(0, main.lastIndexOf(marker) + marker.length);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** Whether Traceloop's module definition (`>=1.0.0 <2.0.0`) accepts this @google/genai. */
function traceloopAccepts(version) {
  return version.split('.')[0] === '1';
}

/**
 * The instrumented variants of `path`, each measured against the baseline copy of its own
 * processes: Traceloop's end to end only, and only where its module definition applies.
 */
function instrumentedVariants(path, version) {
  return path === 'e2e' && traceloopAccepts(version) ? [...SPRINTLENS, ...TRACELOOP] : SPRINTLENS;
}

// ---------------------------------------------------------------- orchestrator

async function main() {
  const cpu = !argv.includes('--callgrind');
  const callgrind = !argv.includes('--cpu');
  const processes = Number(argv.find((a) => /^\d+$/.test(a)) ?? 5);
  const paths = option('--path') === undefined ? Object.keys(PATHS) : [option('--path')];
  if (paths.some((path) => PATHS[path] === undefined)) {
    console.error(`--path: one of ${Object.keys(PATHS).join(', ')}`);
    process.exit(1);
  }
  if (!existsSync(join(packageDir, 'dist/src/index.js'))) {
    console.error('dist/ missing: run `npm run build` first');
    process.exit(1);
  }
  const server = await startServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  const version = sdkVersion();
  if (argv.includes('--show-spans')) {
    await showSpans(url, version);
    server.close();
    return;
  }
  const results = {};
  for (const path of paths) {
    const variants = instrumentedVariants(path, version);
    results[path] = {
      variants,
      timing: cpu ? await cpuSection(path, url, processes, variants) : undefined,
      counts: callgrind ? await callgrindSection(path, url, variants) : undefined,
    };
  }
  server.close();
  console.log(`Node ${process.version}; @google/genai ${version}`, '');
  console.log(`${traceloopNote(version, paths)}\n`);
  for (const [path, { variants, timing, counts }] of Object.entries(results)) {
    console.log(`### ${PATHS[path]}`, '');
    if (timing !== undefined) console.log(cpuTable(path, timing, processes, variants));
    if (counts !== undefined) console.log(callgrindTable(path, counts, variants));
  }
}

/** Whether Traceloop's variants were measured here, and why not if they were not. */
function traceloopNote(version, paths) {
  if (!traceloopAccepts(version)) {
    return `Traceloop (${TRACELOOP_PACKAGE}) not measured: its module definition covers @google/genai >=1.0.0 <2.0.0 only (a 1.x SDK: --genai-dir test/versions/google-genai-1).`;
  }
  if (!paths.includes('e2e')) {
    return `Traceloop (${TRACELOOP_PACKAGE}) not measured: end to end only.`;
  }
  const { version: traceloop } = benchRequire(`${TRACELOOP_PACKAGE}/package.json`);
  return `Traceloop: ${TRACELOOP_PACKAGE} ${traceloop}, end to end only (its module definition covers @google/genai >=1.0.0 <2.0.0 only); each client made from its patched \`GoogleGenAI\`.`;
}

/** Each instrumented variant's spans for one call and one stream of 3 chunks, end to end. */
async function showSpans(url, version) {
  console.log(`Node ${process.version}; @google/genai ${version}\n`);
  for (const variant of instrumentedVariants('e2e', version)) {
    const spans = await runJsonChild({
      name: `e2e ${variant} spans`,
      script: here,
      args: ['--spans-child', 'e2e', url, variant, ...sdkArgs],
    });
    console.log(`### ${VARIANTS[variant]} (${variant})\n`);
    console.log(`\`\`\`json\n${JSON.stringify(spans, null, 2)}\n\`\`\`\n`);
  }
}

async function cpuSection(path, url, processes, variants) {
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  for (let p = 0; p < processes; p++) {
    for (const variant of variants) {
      runs[variant].push(
        await runJsonChild({
          name: `${path} ${variant} cpu`,
          script: here,
          args: ['--cpu-child', path, url, variant, ...sdkArgs],
          nodeOptions: ['--expose-gc'],
        }),
      );
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  const out = { spans: Object.fromEntries(variants.map((v) => [v, runs[v][0].spans])) };
  const keys = ['call', 'stream', 'chunk', 'addedCall', 'addedChunk'];
  const baselines = variants.flatMap((v) => runs[v].map((r) => r.baseline));
  out.baseline = Object.fromEntries(keys.map((k) => [k, median(baselines.map((b) => b[k]))]));
  for (const v of variants) {
    out[v] = Object.fromEntries(
      keys.map((k) => [k, median(runs[v].map((r) => r.instrumented[k]))]),
    );
  }
  return out;
}

async function callgrindSection(path, url, variants) {
  const count = (variant, copy, workload) =>
    callgrindInstructionsAsync(
      ['--expose-gc', here, '--count-child', path, url, variant, copy, workload, ...sdkArgs].map(
        String,
      ),
    );
  const { countCalls, countStreams } = WORK[path];
  const per = (r) => ({
    call: (r.calls - r.none) / countCalls,
    chunk: (r.long - r.short) / countStreams / (CHUNKS - 1),
  });
  const out = {};
  for (const variant of variants) {
    const raw = { baseline: {}, instrumented: {} };
    for (const copy of ['baseline', 'instrumented']) {
      for (const workload of ['calls', 'long', 'short']) {
        raw[copy][workload] = await count(variant, copy, workload);
        process.stderr.write(`${path} ${variant} ${copy} ${workload}: ${raw[copy][workload]}\n`);
      }
    }
    // Nothing counted: what a run costs besides its workload (the same for both copies).
    if (out.baseline === undefined) {
      raw.baseline.none = await count(variant, 'baseline', 'none');
      process.stderr.write(`${path} ${variant} none: ${raw.baseline.none}\n`);
      out.baseline = per(raw.baseline);
    }
    const b = raw.baseline;
    const i = raw.instrumented;
    out[variant] = {
      addedCall: (i.calls - b.calls) / countCalls,
      addedChunk: (i.long - i.short - (b.long - b.short)) / countStreams / (CHUNKS - 1),
    };
    if (raw.baseline.none !== undefined) {
      out[variant].call = out.baseline.call + out[variant].addedCall;
      out[variant].chunk = out.baseline.chunk + out[variant].addedChunk;
    }
  }
  for (const variant of variants) {
    out[variant].call ??= out.baseline.call + out[variant].addedCall;
    out[variant].chunk ??= out.baseline.chunk + out[variant].addedChunk;
  }
  return out;
}

// ---------------------------------------------------------------- tables

function cpuTable(path, timing, processes, variants) {
  const { calls, streams } = WORK[path];
  const lines = [
    `CPU time (µs; ${calls} calls and ${streams} streams of each length per copy and round, ${CPU_ROUNDS} rounds per process; medians over rounds, then over ${processes} processes per instrumented variant; the baseline over all of them):`,
    '',
    `| variant | µs / call | added µs / call | µs / stream (${CHUNKS} chunks) | µs / chunk | added µs / chunk |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const v of ['baseline', ...variants]) {
    const t = timing[v];
    const dash = v === 'baseline';
    lines.push(
      `| ${VARIANTS[v]} | ${fmt(t.call)} | ${dash ? '—' : fmt(t.addedCall)} | ${fmt(t.stream)} | ${t.chunk.toFixed(2)} | ${dash ? '—' : t.addedChunk.toFixed(2)} |`,
    );
  }
  lines.push('', `Spans per call: ${timing.spans[variants[0]].call}.`, '');
  if (variants.some((v) => TRACELOOP.includes(v))) {
    const each = variants.map((v) => `${v} ${timing.spans[v].call} / ${timing.spans[v].stream}`);
    lines.push(`Spans per call / per stream of ${CHUNKS} chunks: ${each.join(', ')}.`, '');
  }
  return lines.join('\n');
}

function callgrindTable(path, counts, variants) {
  const { countCalls, countStreams } = WORK[path];
  const base = counts.baseline;
  const k = (n) => Math.round(n).toLocaleString('en-US');
  const pct = (n, of) => `${((100 * n) / of).toFixed(1)} %`;
  const lines = [
    `Instructions (callgrind, \`node --predictable\`; counted after the warm-up: ${countCalls} calls, or ${countStreams} streams of ${CHUNKS} chunks, or of 1, or nothing):`,
    '',
    '| variant | instructions / call | added / call | instructions / chunk | added / chunk |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const v of ['baseline', ...variants]) {
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
 * The two copies in this process: the telemetry pipeline; the baseline copy of the SDK (real or
 * fake), loaded and then taken out of the module cache, so that the instrumentation of
 * `variant`, enabled next, neither finds it among the copies already loaded nor sees it through
 * its require hook; then the instrumented copy, loaded after it as in an app (the real SDK is
 * patched by the require hook; the fake, never required, through the module definition). Per
 * copy, `call()` and `stream(chunks)` (resolving with the number of chunks read); each client is
 * made from its copy's exports after the patch, as an app that starts tracing first does.
 */
function setUp(path, url, variant, telemetryOptions = {}) {
  const traceloop = TRACELOOP.includes(variant);
  if (traceloop && path === 'hot') throw new Error(`${variant}: end to end only`);
  const { api, tracerProvider, meterProvider, loggerProvider, exported } =
    benchTelemetry(telemetryOptions);
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  const version = path === 'hot' ? '3.3.0' : sdkVersion();
  const loadCopy = () => {
    if (path === 'hot') return fakeSdk();
    const file = sdkRequire.resolve('@google/genai');
    delete sdkRequire.cache[file];
    const copy = sdkRequire('@google/genai');
    // Out of the cache again: nothing later finds this copy by its file.
    delete sdkRequire.cache[file];
    return copy;
  };
  const baselineSdk = loadCopy();
  const instrumentation = instrumentationOf(variant);
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  if (loggerProvider !== undefined) instrumentation.setLoggerProvider?.(loggerProvider);
  const instrumentedSdk = loadCopy();
  // The real SDK is patched already (require hook); patching again changes nothing.
  instrumentation.getModuleDefinitions()[0].patch(instrumentedSdk, version);
  // sprintlens wraps `Models.prototype` internals; Traceloop the `GoogleGenAI` export.
  const wrapped = traceloop
    ? (sdk) => sdk.GoogleGenAI.__wrapped === true
    : (sdk) => sdk.Models.prototype.generateContentInternal.__wrapped === true;
  if (wrapped(baselineSdk) || !wrapped(instrumentedSdk)) {
    throw new Error('the baseline copy must be left alone and the other one patched');
  }
  const params = {
    model: 'gemini-2.5-flash',
    contents: 'Say hello to the benchmark.',
    config: { systemInstruction: 'You are terse.', temperature: 0 },
  };
  const benches = {};
  for (const [copy, sdk] of [
    ['baseline', baselineSdk],
    ['instrumented', instrumentedSdk],
  ]) {
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
    benches[copy] = {
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

/** The instrumentation of `variant`, made (and so enabled: its require hook set) now. */
function instrumentationOf(variant) {
  if (TRACELOOP.includes(variant)) {
    const { GenAIInstrumentation } = benchRequire(TRACELOOP_PACKAGE);
    return new GenAIInstrumentation({ traceContent: variant === 'traceloop-on' });
  }
  const { GoogleGenAIInstrumentation } = rootRequire(
    join(packageDir, 'dist/instrumentations/google-genai/index.js'),
  );
  return new GoogleGenAIInstrumentation({ captureContent: variant === 'sprintlens-on' });
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

async function cpuChild(path, url, variant) {
  const { benches, shutdown, exported, tracerProvider } = setUp(path, url, variant);
  const work = WORK[path];
  await warmUp(benches, work);
  for (const [copy, bench] of Object.entries(benches)) {
    const n = await bench.stream(CHUNKS);
    if (n !== CHUNKS) throw new Error(`${copy}: a stream gave ${n} chunks, not ${CHUNKS}`);
  }
  // Spans the instrumented copy exports for one call and for one stream.
  const spansOf = async (work) => {
    await tracerProvider.forceFlush();
    const before = exported.spans;
    await work();
    await tracerProvider.forceFlush();
    return exported.spans - before;
  };
  const spans = {
    call: await spansOf(() => benches.instrumented.call()),
    stream: await spansOf(() => benches.instrumented.stream(CHUNKS)),
  };
  const copies = Object.keys(benches);
  const rounds = Object.fromEntries(copies.map((c) => [c, []]));
  for (let round = 0; round < CPU_ROUNDS; round++) {
    // Alternate the order so neither copy always runs first.
    for (let i = 0; i < copies.length; i++) {
      const copy = copies[(i + round) % copies.length];
      const bench = benches[copy];
      globalThis.gc();
      const call = (await cpuMicros(work.calls, bench.call)) / work.calls;
      const long = (await cpuMicros(work.streams, () => bench.stream(CHUNKS))) / work.streams;
      const short = (await cpuMicros(work.streams, () => bench.stream(1))) / work.streams;
      rounds[copy].push({ call, stream: long, chunk: (long - short) / (CHUNKS - 1) });
    }
  }
  await shutdown();
  const of = (copy, key) => median(rounds[copy].map((r) => r[key]));
  const added = (key) =>
    median(rounds.instrumented.map((r, i) => r[key] - rounds.baseline[i][key]));
  const summary = (copy) => ({
    call: of(copy, 'call'),
    stream: of(copy, 'stream'),
    chunk: of(copy, 'chunk'),
    addedCall: added('call'),
    addedChunk: added('chunk'),
  });
  process.stdout.write(
    JSON.stringify({
      spans,
      baseline: summary('baseline'),
      instrumented: summary('instrumented'),
    }) + '\n',
  );
}

/** What the instrumented copy exports for one call and one stream of 3 chunks (the baseline: none). */
async function spansChild(path, url, variant) {
  const batches = [];
  const { benches, shutdown, tracerProvider } = setUp(path, url, variant, {
    onSpans: (batch) => batches.push(...batch),
  });
  const spansOf = async (work) => {
    await work();
    await tracerProvider.forceFlush();
    return batches.splice(0).map((span) => ({
      name: span.name,
      kind: span.kind,
      status: span.status,
      attributes: span.attributes,
      events: span.events.map((event) => event.name),
    }));
  };
  const call = await spansOf(() => benches.instrumented.call());
  const stream = await spansOf(() => benches.instrumented.stream(3));
  const baseline = await spansOf(async () => {
    await benches.baseline.call();
    await benches.baseline.stream(3);
  });
  await shutdown();
  process.stdout.write(JSON.stringify({ call, stream, baselineSpans: baseline.length }) + '\n');
}

async function countChild(path, url, variant, copy, workload) {
  // Exports when a batch is full, never on a timer (callgrind slows the clock's work).
  const { benches, shutdown } = setUp(path, url, variant, { scheduledDelayMillis: 3_600_000 });
  const work = WORK[path];
  await warmUp(benches, work);
  const bench = benches[copy];
  // Full collections before and after the counted work: each run then pays for collecting
  // exactly its own garbage, not for wherever V8 happened to start a major GC.
  globalThis.gc();
  if (workload === 'calls') for (let i = 0; i < work.countCalls; i++) await bench.call();
  else if (workload !== 'none') {
    const chunks = workload === 'long' ? CHUNKS : 1;
    for (let i = 0; i < work.countStreams; i++) await bench.stream(chunks);
  }
  globalThis.gc();
  await shutdown();
  process.stdout.write(JSON.stringify({ variant, copy, workload }) + '\n');
}
