// What tracing the Vercel AI SDK costs per call and per streamed chunk, side by side in one run,
// for `generateText` (one step) and `streamText` read to the end (the repo's `ai` 7 with
// @ai-sdk/openai's Chat Completions model, against a local OpenAI-format server):
//   baseline          the AI SDK alone (no integration registered, nothing hooked)
//   sprintlens-off    sprintlens's `ai-sdk` instrumentation as `start()` makes it
//                     (`getInstrumentations`, then `registerInstrumentations`), content capture off
//   sprintlens-on     the same, content capture on
//   noop-integration  an integration with sprintlens's hooks doing nothing: what the SDK itself
//                     spends calling them (events copied and redacted, callbacks awaited)
//   aisdk-otel-off    the SDK's own telemetry: @ai-sdk/otel's `OpenTelemetry` integration
//                     registered with `registerTelemetry()`, calls passing
//                     `telemetry: { recordInputs: false, recordOutputs: false }`
//   aisdk-otel-on     the same, inputs and outputs recorded (its default)
// Every variant runs in its own process, loads `ai` with `require` after its instrumentation (as
// an app started with `--require`), and exports through the same stock pipeline (see
// benchTelemetry): TracerProvider + BatchSpanProcessor into a no-op exporter, metrics and logs
// likewise, AsyncLocalStorage context.
//
// Two measures:
//   CPU time (default): rounds of each variant in turn; in each process the median of its
//     rounds, then the median of the processes. Per chunk: (stream of 100 chunks − stream of 1
//     chunk) / 99.
//   Instructions (`--callgrind`): each variant under `valgrind --tool=callgrind`, three runs that
//     differ only in what follows the warm-up (N calls and M one-chunk streams; N + 300 calls;
//     M streams of 100 chunks); differences over counts give one call and one chunk. Repeatable
//     on a shared machine, where CPU time is not (two runs of one setting differ by 0.25 %).
//
// Usage: npm run bench:setup && npm run build &&
//        node_modules/.bin/node bench/ai-sdk-overhead.mjs [rounds] [--callgrind|--both]
//        (BENCH_VARIANTS=sprintlens-off,aisdk-otel-off limits the variants; baseline always runs)
/* global setImmediate */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { callgrindInstructionsAsync } from './callgrind.mjs';
import {
  cpuRounds,
  cpuTable,
  instructionsTable,
  spanInventory,
  startChatCompletionsServer,
} from './overhead-common.mjs';
import {
  benchDir,
  benchTelemetry,
  median,
  repoDir,
  rootRequire,
  runJsonChild,
} from './llm-bench-support.mjs';

const CHUNKS = 100;
/** CPU mode, per round of a process: calls, and streams of each length. */
const CALLS = 200;
const STREAMS = 30;
const CPU_ROUNDS = 7;
/** Before anything is measured: the JIT sees every path (streams: of each length). */
const WARM_CALLS = 300;
const WARM_STREAMS = 40;
/**
 * Callgrind (50 times slower): a shorter warm-up, then a few calls and streams; the two other
 * runs add EXTRA_CALLS calls, or make the streams CHUNKS long. Two runs of one setting differ by
 * about 10 million instructions (0.25 %), so the counts are large enough to make that a few
 * percent of what is measured.
 */
const COUNT_WARM_CALLS = 100;
const COUNT_WARM_STREAMS = 10;
const COUNT_CALLS = 50;
const EXTRA_CALLS = 300;
const COUNT_STREAMS = 20;

const VARIANTS = {
  baseline: 'AI SDK alone (baseline)',
  'sprintlens-off': 'sprintlens ai-sdk, content off',
  'sprintlens-on': 'sprintlens ai-sdk, content on',
  'noop-integration': 'an integration that does nothing (the SDK’s own dispatch cost)',
  'aisdk-otel-off': '@ai-sdk/otel (SDK telemetry), inputs/outputs off',
  'aisdk-otel-on': '@ai-sdk/otel (SDK telemetry), inputs/outputs on',
};

const here = fileURLToPath(import.meta.url);
const benchRequire = createRequire(join(benchDir, 'package.json'));

if (process.argv[2] === '--child') await timingChild(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--count') {
  const [variant, url, calls, streams, chunks, what] = process.argv.slice(3);
  await countingChild(variant, url, Number(calls), Number(streams), Number(chunks), what);
} else await main(process.argv.slice(2));

// ---------------------------------------------------------------- orchestrator

async function main(argv) {
  const callgrind = argv.includes('--callgrind') || argv.includes('--both');
  const cpu = !argv.includes('--callgrind');
  const rounds = Number(argv.find((a) => /^\d+$/.test(a)) ?? 5);
  if (!existsSync(join(benchDir, 'node_modules', '@ai-sdk/otel'))) {
    console.error('bench dependencies missing: run `npm run bench:setup` first');
    process.exit(1);
  }
  if (!existsSync(join(repoDir, 'dist/src/index.js'))) {
    console.error('dist/ missing: run `npm run build` first');
    process.exit(1);
  }
  const only = process.env.BENCH_VARIANTS?.split(',');
  const variants = Object.keys(VARIANTS).filter(
    (v) => v === 'baseline' || only === undefined || only.includes(v),
  );
  const server = await startChatCompletionsServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(versions());
  console.log('');
  const inventory = {};
  let timing;
  if (cpu) {
    timing = await cpuRounds({ variants, url, rounds, script: here, unit: 'call' });
    for (const v of variants) inventory[v] = timing[v].inventory;
  }
  let counts;
  if (callgrind) counts = await callgrindSection(variants, url, inventory);
  server.close();
  console.log(spanInventory({ variants, labels: VARIANTS, inventory, unit: 'call', noun: 'call' }));
  if (timing !== undefined) {
    const heading = `CPU time (µs; median of ${CPU_ROUNDS} rounds per process, then of ${rounds} processes per variant):`;
    console.log(
      cpuTable({ variants, labels: VARIANTS, timing, unit: 'call', chunks: CHUNKS, heading }),
    );
  }
  if (counts !== undefined) {
    const heading = `Instructions (callgrind, \`node --predictable\`; after the warm-up, ${EXTRA_CALLS} more calls, and ${COUNT_STREAMS} streams of ${CHUNKS} chunks instead of 1):`;
    console.log(instructionsTable({ variants, labels: VARIANTS, counts, unit: 'call', heading }));
  }
  console.log(ratioTable(variants, timing, counts));
}

function versions() {
  const version = (require, name) =>
    JSON.parse(readFileSync(join(packageDir(require, name), 'package.json'), 'utf8')).version;
  return [
    `Node ${process.version}; ai ${version(rootRequire, 'ai')},`,
    `@ai-sdk/openai ${version(rootRequire, '@ai-sdk/openai')};`,
    `@ai-sdk/otel ${version(benchRequire, '@ai-sdk/otel')}`,
  ].join(' ');
}

/** The directory of `name` as `require` finds it (not every package exports package.json). */
function packageDir(require, name) {
  const entry = require.resolve(name);
  return entry.slice(
    0,
    entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}`.length,
  );
}

async function callgrindSection(variants, url, inventory) {
  // A full collection forced before and after the measured part, so its garbage is collected
  // in every run, not only in those where a collection happens to fall.
  const count = (variant, calls, streams, chunks) =>
    callgrindInstructionsAsync(
      ['--expose-gc', here, '--count', variant, url, calls, streams, chunks].map(String),
    );
  const out = {};
  for (const v of variants) {
    const base = await count(v, COUNT_CALLS, COUNT_STREAMS, 1);
    const moreCalls = await count(v, COUNT_CALLS + EXTRA_CALLS, COUNT_STREAMS, 1);
    const longStreams = await count(v, COUNT_CALLS, COUNT_STREAMS, CHUNKS);
    out[v] = {
      call: (moreCalls - base) / EXTRA_CALLS,
      chunk: (longStreams - base) / COUNT_STREAMS / (CHUNKS - 1),
    };
    process.stderr.write(`${v}: ${JSON.stringify(out[v])}\n`);
    inventory[v] ??= (
      await runJsonChild({
        name: v,
        script: here,
        args: ['--count', v, url, 0, 0, CHUNKS, 'inventory'],
      })
    ).inventory;
  }
  return out;
}

// ---------------------------------------------------------------- tables

/** @ai-sdk/otel's added cost ÷ sprintlens's, same content setting. */
function ratioTable(variants, timing, counts) {
  const lines = [
    '| @ai-sdk/otel added ÷ sprintlens added | CPU / call | CPU / chunk | instr. / call | instr. / chunk |',
    '|---|---:|---:|---:|---:|',
  ];
  const added = (m, v, key) => m[v][key] - m.baseline[key];
  const q = (m, alt, ours, key) =>
    m === undefined || m[alt] === undefined || m[ours] === undefined
      ? 'not run'
      : (added(m, alt, key) / added(m, ours, key)).toFixed(2);
  for (const setting of ['off', 'on']) {
    const theirs = `aisdk-otel-${setting}`;
    const ours = `sprintlens-${setting}`;
    if (!variants.includes(theirs) || !variants.includes(ours)) continue;
    lines.push(
      `| content ${setting} | ${q(timing, theirs, ours, 'call')} | ${q(timing, theirs, ours, 'chunk')} | ${q(counts, theirs, ours, 'call')} | ${q(counts, theirs, ours, 'chunk')} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- server

// ---------------------------------------------------------------- children

/**
 * The variant's telemetry, then `ai` (loaded after it, as in an app started with `--require`):
 * `call()` (generateText) and `stream(chunks)` (streamText read to the end, resolving with the
 * number of text parts read).
 */
async function setUp(variant, url, telemetryOptions = {}) {
  let recording;
  const { api, tracerProvider, meterProvider, loggerProvider } = benchTelemetry({
    ...telemetryOptions,
    onSpans: (batch) => recording?.push(...batch),
  });
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  const family = variant.split('-')[0];
  const on = variant.endsWith('-on');
  if (family === 'sprintlens') {
    const { getInstrumentations } = rootRequire('./dist/src/index.js');
    const { registerInstrumentations } = rootRequire('@opentelemetry/instrumentation');
    registerInstrumentations({
      instrumentations: getInstrumentations({
        enabledInstrumentations: ['ai-sdk'],
        captureContent: on,
      }),
      tracerProvider,
      meterProvider,
      loggerProvider,
    });
  }
  const ai = rootRequire('ai');
  const { createOpenAI } = rootRequire('@ai-sdk/openai');
  if (family === 'noop') {
    const nothing = () => undefined;
    ai.registerTelemetry({
      onStart: nothing,
      onLanguageModelCallEnd: nothing,
      onStepError: nothing,
      onToolExecutionStart: nothing,
      onToolExecutionEnd: nothing,
      onObjectStepStart: nothing,
      onObjectStepEnd: nothing,
      onEmbedStart: nothing,
      onEmbedEnd: nothing,
      onEnd: nothing,
      onError: nothing,
      onAbort: nothing,
      executeLanguageModelCall: ({ execute }) => execute(),
      executeTool: ({ execute }) => execute(),
    });
  }
  if (family === 'aisdk') {
    const { OpenTelemetry } = await import(
      pathToFileURL(benchRequire.resolve('@ai-sdk/otel')).href
    );
    ai.registerTelemetry(new OpenTelemetry({ tracer: tracerProvider.getTracer('gen_ai') }));
  }
  const telemetry =
    family === 'aisdk' && !on ? { telemetry: { recordInputs: false, recordOutputs: false } } : {};
  const openai = createOpenAI({ apiKey: 'test', baseURL: `${url}/v1` });
  const model = openai.chat('gpt-4o-mini');
  const request = {
    model,
    system: 'You are terse.',
    prompt: 'Say hello to the benchmark.',
    temperature: 0,
    maxRetries: 0,
    ...telemetry,
  };
  const call = () => ai.generateText(request);
  const stream = async (chunks) => {
    const result = ai.streamText({ ...request, headers: { 'x-bench-chunks': String(chunks) } });
    let parts = 0;
    for await (const part of result.textStream) if (part !== '') parts++;
    return parts;
  };

  /** The spans one call and one stream export, as indented `name [kind]` lines. */
  const inventory = async () => {
    const of = async (fn) => {
      await tracerProvider.forceFlush();
      recording = [];
      await fn();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tracerProvider.forceFlush();
      const spans = recording;
      recording = undefined;
      return tree(spans);
    };
    return { call: await of(call), stream: await of(() => stream(CHUNKS)) };
  };
  const shutdown = async () => {
    await tracerProvider.forceFlush();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    await loggerProvider?.shutdown();
  };
  return { call, stream, inventory, shutdown };
}

/** Spans as indented `name [kind]` lines, children under their parent. */
function tree(spans) {
  const kinds = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const parentOf = (s) => s.parentSpanContext?.spanId ?? s.parentSpanId;
  const lines = [];
  const walk = (parent, depth) => {
    const children = spans
      .filter((s) => (parent === undefined ? !ids.has(parentOf(s)) : parentOf(s) === parent))
      .sort(
        (a, b) => a.startTime[0] * 1e9 + a.startTime[1] - (b.startTime[0] * 1e9 + b.startTime[1]),
      );
    for (const s of children) {
      lines.push(`${'  '.repeat(depth)}${s.name} [${kinds[s.kind]}]`);
      walk(s.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
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

async function warmUp(bench, calls = WARM_CALLS, streams = WARM_STREAMS) {
  for (let i = 0; i < calls; i++) await bench.call();
  for (let i = 0; i < streams; i++) {
    await bench.stream(CHUNKS);
    await bench.stream(1);
  }
}

async function timingChild(variant, url) {
  const bench = await setUp(variant, url);
  await warmUp(bench);
  const inventory = await bench.inventory();
  const parts = await bench.stream(CHUNKS);
  if (parts !== CHUNKS) throw new Error(`${variant}: a stream gave ${parts} parts, not ${CHUNKS}`);
  const call = [];
  const stream = [];
  const chunk = [];
  for (let round = 0; round < CPU_ROUNDS; round++) {
    call.push((await cpuMicros(CALLS, bench.call)) / CALLS);
    const long = (await cpuMicros(STREAMS, () => bench.stream(CHUNKS))) / STREAMS;
    const short = (await cpuMicros(STREAMS, () => bench.stream(1))) / STREAMS;
    stream.push(long);
    chunk.push((long - short) / (CHUNKS - 1));
  }
  await bench.shutdown();
  process.stdout.write(
    JSON.stringify({
      variant,
      call: median(call),
      stream: median(stream),
      chunk: median(chunk),
      inventory,
    }) + '\n',
  );
}

async function countingChild(variant, url, calls, streams, chunks, what) {
  // Exports when a batch is full, never on a timer (callgrind slows the clock's work).
  const bench = await setUp(variant, url, { scheduledDelayMillis: 3_600_000 });
  await warmUp(bench, COUNT_WARM_CALLS, COUNT_WARM_STREAMS);
  globalThis.gc?.();
  for (let i = 0; i < calls; i++) await bench.call();
  for (let i = 0; i < streams; i++) await bench.stream(chunks);
  globalThis.gc?.();
  const inventory = what === 'inventory' ? await bench.inventory() : undefined;
  await bench.shutdown();
  process.stdout.write(JSON.stringify({ variant, inventory }) + '\n');
}
