// What the LangChain instrumentations cost per chain invocation and per streamed chunk, side by
// side in one run, for an LCEL chain `ChatPromptTemplate | ChatOpenAI | StringOutputParser`
// (the repo's @langchain/core and @langchain/openai, openai 7 underneath):
//   baseline              LangChain alone
//   floor                 one callback handler that does nothing, added to every run as the
//                         instrumentations add theirs: what LangChain's callback machinery costs
//                         before any tracing work (a lower bound for any handler-based tracer)
//   sprintlens-*          sprintlens's `langchain` and `openai` instrumentations as `start()` makes
//                         them (`getInstrumentations`, then `registerInstrumentations`), content
//                         capture off / on; `sprintlens-lc` has the `langchain` one alone (no
//                         provider span: LangChain spans only, as the alternatives emit)
//   traceloop-*           @traceloop/instrumentation-langchain (`traceContent` false / true)
//   arize-*               @arizeai/openinference-instrumentation-langchain (inputs and outputs
//                         hidden / shown)
// Every variant runs in its own process against one local OpenAI-format server living in this
// process, and loads LangChain as CommonJS. The alternatives are attached with their
// `manuallyInstrument()` to the repo's `@langchain/core/callbacks/manager`: OpenInference's
// README says to do so; Traceloop's constructor patches the copy its own `require` finds, which
// here is the one under bench/node_modules (its dependency), not the app's. sprintlens is
// automatic (its require hook). Same pipeline for all (see benchTelemetry): traces, metrics and
// logs into no-op exporters, AsyncLocalStorage context.
//
// Two measures:
//   CPU time (default): variants interleaved over rounds; in each process the median of its
//     rounds, then the median of the processes. Per chunk: (stream of 100 chunks − stream of 1
//     chunk) / 99.
//   Instructions (`--callgrind`): each variant under `valgrind --tool=callgrind`, four runs that
//     differ only in what follows the warm-up (nothing, N invocations, M streams of 100 chunks,
//     M streams of 1 chunk); differences over counts give one invocation and one chunk.
//     Repeatable on a shared machine, where CPU time is not.
//
// Usage: npm run bench:setup && npm run build &&
//        node_modules/.bin/node bench/langchain-overhead.mjs [rounds] [--callgrind|--both]
//        (BENCH_VARIANTS=baseline,sprintlens-off,arize-off runs just those; the ratios need
//        the baseline. Instruction counts repeat to ~0.03 % from run to run, so variants counted
//        in separate runs can be compared)
/* global setImmediate */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
/** CPU mode, per round of a process: invocations, and streams of each length. */
const INVOKES = 150;
const STREAMS = 30;
const CPU_ROUNDS = 7;
/** Before anything is measured: the JIT sees every path (streams: of each length). */
const WARM_INVOKES = 300;
const WARM_STREAMS = 40;
/** Callgrind (50 times slower): a shorter warm-up, then N invocations and M streams. */
const COUNT_WARM_INVOKES = 150;
const COUNT_WARM_STREAMS = 15;
const COUNT_INVOKES = 100;
const COUNT_STREAMS = 15;

const VARIANTS = {
  baseline: 'LangChain alone (baseline)',
  floor: 'a no-op callback handler (floor: what any handler costs in LangChain)',
  'sprintlens-off': 'sprintlens (langchain + openai), content off',
  'sprintlens-on': 'sprintlens (langchain + openai), content on',
  'sprintlens-lc': 'sprintlens (langchain only), content off',
  'traceloop-off': '@traceloop/instrumentation-langchain, content off',
  'traceloop-on': '@traceloop/instrumentation-langchain, content on',
  'arize-off': '@arizeai/openinference-instrumentation-langchain, content off',
  'arize-on': '@arizeai/openinference-instrumentation-langchain, content on',
};

const here = fileURLToPath(import.meta.url);
const benchRequire = createRequire(join(benchDir, 'package.json'));

if (process.argv[2] === '--child') await timingChild(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--count') {
  const [variant, url, invokes, streams, chunks, what] = process.argv.slice(3);
  await countingChild(variant, url, Number(invokes), Number(streams), Number(chunks), what);
} else if (process.argv[2] === '--serve') {
  // Only the server, for profiling one child by hand (see docs/performance.md).
  const server = await startChatCompletionsServer();
  console.log(`http://127.0.0.1:${server.address().port}`);
} else await main(process.argv.slice(2));

// ---------------------------------------------------------------- orchestrator

async function main(argv) {
  const callgrind = argv.includes('--callgrind') || argv.includes('--both');
  const cpu = !argv.includes('--callgrind');
  const rounds = Number(argv.find((a) => /^\d+$/.test(a)) ?? 5);
  for (const pkg of [
    '@traceloop/instrumentation-langchain',
    '@arizeai/openinference-instrumentation-langchain',
  ]) {
    if (!existsSync(join(benchDir, 'node_modules', pkg))) {
      console.error('bench dependencies missing: run `npm run bench:setup` first');
      process.exit(1);
    }
  }
  if (!existsSync(join(repoDir, 'dist/src/index.js'))) {
    console.error('dist/ missing: run `npm run build` first');
    process.exit(1);
  }
  const only = process.env.BENCH_VARIANTS?.split(',');
  const variants = Object.keys(VARIANTS).filter((v) => only === undefined || only.includes(v));
  const server = await startChatCompletionsServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(versions());
  console.log('');
  const inventory = {};
  let timing;
  if (cpu) {
    timing = await cpuRounds({ variants, url, rounds, script: here, unit: 'invoke' });
    for (const v of variants) inventory[v] = timing[v].inventory;
  }
  let counts;
  if (callgrind) counts = await callgrindSection(variants, url, inventory);
  server.close();
  console.log(
    spanInventory({ variants, labels: VARIANTS, inventory, unit: 'invoke', noun: 'invocation' }),
  );
  if (timing !== undefined) {
    const heading = `CPU time (µs; median of ${CPU_ROUNDS} rounds per process, then of ${rounds} processes per variant):`;
    console.log(
      cpuTable({ variants, labels: VARIANTS, timing, unit: 'invoke', chunks: CHUNKS, heading }),
    );
  }
  if (counts !== undefined) {
    const heading = `Instructions (callgrind, \`node --predictable\`; after the warm-up, ${COUNT_INVOKES} more invocations, and ${COUNT_STREAMS} streams of ${CHUNKS} chunks instead of 1):`;
    console.log(instructionsTable({ variants, labels: VARIANTS, counts, unit: 'invoke', heading }));
  }
  console.log(ratioTable(variants, timing, counts));
}

function versions() {
  // Read from the file: not every package exports its package.json.
  const version = (require, name) => {
    let dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(name)) dir = dirname(dir);
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  };
  const openaiVersion = createRequire(rootRequire.resolve('@langchain/openai'))(
    'openai/version',
  ).VERSION;
  return [
    `Node ${process.version}; @langchain/core ${version(rootRequire, '@langchain/core')},`,
    `@langchain/openai ${version(rootRequire, '@langchain/openai')}, openai ${openaiVersion};`,
    `@traceloop/instrumentation-langchain ${version(benchRequire, '@traceloop/instrumentation-langchain')},`,
    `@arizeai/openinference-instrumentation-langchain ${version(benchRequire, '@arizeai/openinference-instrumentation-langchain')}`,
  ].join(' ');
}

async function callgrindSection(variants, url, inventory) {
  // The garbage collector is what makes instruction counts vary from run to run: V8 sizes its
  // heap from allocation rates per millisecond and marks incrementally from timed tasks (both
  // follow the clock, which callgrind and a busy machine change), and a full collection that
  // falls in one run and not in the other moves the difference by ~100 M instructions. Hence a
  // fixed GC schedule without incremental marking, an old space large enough that no full
  // collection falls inside the counted part, and full collections (`gc()`) just before and
  // after it: the garbage it makes is collected in the run that made it.
  const gcFlags = [
    '--predictable-gc-schedule',
    '--no-incremental-marking',
    '--no-memory-reducer',
    '--initial-old-space-size=512',
    '--expose-gc',
  ];
  const count = (variant, invokes, streams, chunks) =>
    callgrindInstructionsAsync(
      [...gcFlags, here, '--count', variant, url, invokes, streams, chunks].map(String),
    );
  const out = {};
  for (const v of variants) {
    // Three runs: N invocations and M one-chunk streams; 2N and M; N and M of CHUNKS chunks.
    const base = await count(v, COUNT_INVOKES, COUNT_STREAMS, 1);
    const moreInvokes = await count(v, 2 * COUNT_INVOKES, COUNT_STREAMS, 1);
    const longStreams = await count(v, COUNT_INVOKES, COUNT_STREAMS, CHUNKS);
    out[v] = {
      invoke: (moreInvokes - base) / COUNT_INVOKES,
      chunk: (longStreams - base) / COUNT_STREAMS / (CHUNKS - 1),
    };
    process.stderr.write(
      `${v}: ${JSON.stringify({ ...out[v], base, moreInvokes, longStreams })}\n`,
    );
    // The span inventory, when no CPU run gave it.
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

/** Totals ÷ baseline, and each alternative's added cost ÷ sprintlens's (same content setting). */
function ratioTable(variants, timing, counts) {
  const lines = [
    'Ratios: total ÷ baseline; then alternative added ÷ sprintlens added (same content setting;',
    '`lc`: sprintlens with the langchain instrumentation alone, against content off).',
    '',
    '| variant | CPU / invoke ÷ baseline | CPU / chunk ÷ baseline | instr. / invoke ÷ baseline | instr. / chunk ÷ baseline |',
    '|---|---:|---:|---:|---:|',
  ];
  const r = (m, v, key) =>
    m?.baseline === undefined ? 'not run' : `${(m[v][key] / m.baseline[key]).toFixed(2)}x`;
  for (const v of variants) {
    if (v === 'baseline') continue;
    lines.push(
      `| ${VARIANTS[v]} | ${r(timing, v, 'invoke')} | ${r(timing, v, 'chunk')} | ${r(counts, v, 'invoke')} | ${r(counts, v, 'chunk')} |`,
    );
  }
  lines.push('');
  lines.push(
    '| alternative ÷ sprintlens (added cost) | CPU / invoke | CPU / chunk | instr. / invoke | instr. / chunk |',
  );
  lines.push('|---|---:|---:|---:|---:|');
  const added = (m, v, key) => m[v][key] - m.baseline[key];
  const q = (m, alt, ours, key) =>
    m?.baseline === undefined || m[alt] === undefined || m[ours] === undefined
      ? 'not run'
      : `${(added(m, alt, key) / added(m, ours, key)).toFixed(2)}`;
  for (const alt of ['traceloop', 'arize']) {
    for (const [setting, ours] of [
      ['off', 'sprintlens-off'],
      ['on', 'sprintlens-on'],
      ['off', 'sprintlens-lc'],
    ]) {
      const theirs = `${alt}-${setting}`;
      if (!variants.includes(theirs) || !variants.includes(ours)) continue;
      lines.push(
        `| ${theirs} ÷ ${ours} | ${q(timing, theirs, ours, 'invoke')} | ${q(timing, theirs, ours, 'chunk')} | ${q(counts, theirs, ours, 'invoke')} | ${q(counts, theirs, ours, 'chunk')} |`,
      );
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- server

// ---------------------------------------------------------------- children

/**
 * The variant's instrumentation, then the chain (loaded after it, as in an app started with
 * `--require`): `invoke()`, and `stream(chunks)` resolving with the number of parts read.
 */
function setUp(variant, url, telemetryOptions = {}) {
  let recording;
  const { api, tracerProvider, meterProvider, loggerProvider } = benchTelemetry({
    ...telemetryOptions,
    onSpans: (batch) => recording?.push(...batch),
  });
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  const [family, setting] = variant.split('-');
  const on = setting === 'on';
  if (family === 'floor') {
    const { CallbackManager } = rootRequire('@langchain/core/callbacks/manager');
    const noop = { name: 'bench_noop', awaitHandlers: true, raiseError: false };
    const configure = CallbackManager._configureSync;
    CallbackManager._configureSync = function _configureSync(...args) {
      const manager = configure.apply(this, args) ?? new CallbackManager();
      if (!manager.handlers.includes(noop)) manager.addHandler(noop, true);
      return manager;
    };
  } else if (family === 'sprintlens') {
    const { getInstrumentations } = rootRequire('./dist/src/index.js');
    const { registerInstrumentations } = rootRequire('@opentelemetry/instrumentation');
    registerInstrumentations({
      instrumentations: getInstrumentations({
        enabledInstrumentations: setting === 'lc' ? ['langchain'] : ['openai', 'langchain'],
        captureContent: on,
      }),
      tracerProvider,
      meterProvider,
      loggerProvider,
    });
  } else if (family === 'traceloop') {
    const { LangChainInstrumentation } = benchRequire('@traceloop/instrumentation-langchain');
    const instrumentation = new LangChainInstrumentation({ traceContent: on });
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
    instrumentation.manuallyInstrument({
      callbackManagerModule: rootRequire('@langchain/core/callbacks/manager'),
    });
  } else if (family === 'arize') {
    const { LangChainInstrumentation } = benchRequire(
      '@arizeai/openinference-instrumentation-langchain',
    );
    const instrumentation = new LangChainInstrumentation({
      traceConfig: on ? {} : { hideInputs: true, hideOutputs: true },
    });
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.manuallyInstrument(rootRequire('@langchain/core/callbacks/manager'));
  }

  const { ChatPromptTemplate } = rootRequire('@langchain/core/prompts');
  const { StringOutputParser } = rootRequire('@langchain/core/output_parsers');
  const { ChatOpenAI } = rootRequire('@langchain/openai');
  const { awaitAllCallbacks } = rootRequire('@langchain/core/callbacks/promises');
  const prompt = ChatPromptTemplate.fromMessages([
    ['system', 'You are terse.'],
    ['human', 'Say hello to {name}.'],
  ]);
  const chainOf = (chunks) =>
    prompt
      .pipe(
        new ChatOpenAI({
          model: 'gpt-4o-mini',
          temperature: 0,
          apiKey: 'test',
          maxRetries: 0,
          configuration: {
            baseURL: `${url}/v1`,
            defaultHeaders: { 'x-bench-chunks': String(chunks) },
          },
        }),
      )
      .pipe(new StringOutputParser());
  const chains = new Map([[1, chainOf(1)]]);
  const input = { name: 'the benchmark' };
  const invoke = () => chains.get(1).invoke(input);
  const stream = async (chunks) => {
    if (!chains.has(chunks)) chains.set(chunks, chainOf(chunks));
    let parts = 0;
    for await (const part of await chains.get(chunks).stream(input)) if (part !== '') parts++;
    return parts;
  };

  /** The spans one invocation and one stream export, as indented `name (kind)` lines. */
  const inventory = async () => {
    const of = async (fn) => {
      await awaitAllCallbacks();
      await tracerProvider.forceFlush();
      recording = [];
      await fn();
      await awaitAllCallbacks();
      await tracerProvider.forceFlush();
      const spans = recording;
      recording = undefined;
      return tree(spans);
    };
    return { invoke: await of(invoke), stream: await of(() => stream(CHUNKS)) };
  };
  const shutdown = async () => {
    await awaitAllCallbacks();
    await tracerProvider.forceFlush();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    await loggerProvider?.shutdown();
  };
  return { invoke, stream, inventory, shutdown };
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
      .sort((a, b) => hr(a.startTime) - hr(b.startTime));
    for (const s of children) {
      lines.push(`${'  '.repeat(depth)}${s.name} [${kinds[s.kind]}]`);
      walk(s.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

function hr([s, ns]) {
  return s * 1e9 + ns;
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

async function warmUp(bench, invokes = WARM_INVOKES, streams = WARM_STREAMS) {
  for (let i = 0; i < invokes; i++) await bench.invoke();
  for (let i = 0; i < streams; i++) {
    await bench.stream(CHUNKS);
    await bench.stream(1);
  }
}

async function timingChild(variant, url) {
  const bench = setUp(variant, url);
  await warmUp(bench);
  const inventory = await bench.inventory();
  const parts = await bench.stream(CHUNKS);
  if (parts !== CHUNKS) throw new Error(`${variant}: a stream gave ${parts} parts, not ${CHUNKS}`);
  const invoke = [];
  const stream = [];
  const chunk = [];
  for (let round = 0; round < CPU_ROUNDS; round++) {
    invoke.push((await cpuMicros(INVOKES, bench.invoke)) / INVOKES);
    const long = (await cpuMicros(STREAMS, () => bench.stream(CHUNKS))) / STREAMS;
    const short = (await cpuMicros(STREAMS, () => bench.stream(1))) / STREAMS;
    stream.push(long);
    chunk.push((long - short) / (CHUNKS - 1));
  }
  await bench.shutdown();
  process.stdout.write(
    JSON.stringify({
      variant,
      invoke: median(invoke),
      stream: median(stream),
      chunk: median(chunk),
      inventory,
    }) + '\n',
  );
}

async function countingChild(variant, url, invokes, streams, chunks, what) {
  // Exports when a batch is full, never on a timer (callgrind slows the clock's work).
  const bench = setUp(variant, url, { scheduledDelayMillis: 3_600_000 });
  await warmUp(bench, COUNT_WARM_INVOKES, COUNT_WARM_STREAMS);
  // Full collections before and after the counted part (under callgrind, see callgrindSection):
  // its garbage is all collected in the run that made it, at the same points in every run.
  globalThis.gc?.();
  for (let i = 0; i < invokes; i++) await bench.invoke();
  for (let i = 0; i < streams; i++) await bench.stream(chunks);
  globalThis.gc?.();
  const inventory = what === 'inventory' ? await bench.inventory() : undefined;
  await bench.shutdown();
  process.stdout.write(JSON.stringify({ variant, inventory }) + '\n');
}
