// CPU time the OpenAI instrumentations add per call, side by side in one run:
//   baseline (no instrumentation), sprintlens (content off / on),
//   @opentelemetry/instrumentation-openai, @traceloop/instrumentation-openai,
//   @arizeai/openinference-instrumentation-openai (content off / on for each).
// Every variant runs in its own process (they patch the same prototypes) against one local
// OpenAI-format server living in this process, so the child's CPU time is the SDK plus the
// instrumentation only. Same pipeline for all, the one NodeSDK sets up by default:
// TracerProvider + BatchSpanProcessor, MeterProvider with a reader, LoggerProvider +
// BatchLogRecordProcessor (all into no-op exporters), AsyncLocalStorage context. openai 6 is used:
// the newest major every alternative supports (OTel and Traceloop stop at <7).
// Variants run interleaved, several rounds; the median per variant is reported.
// Usage: npm run bench:setup && npx tsc -p tsconfig.build.json &&
//        node_modules/.bin/node bench/llm-overhead.mjs [rounds]
//        (`--micro-only`: just the in-process hot-path table, no network;
//         `--e2e-only [rounds]`: just the end-to-end table)
/* global setImmediate */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  benchDir,
  benchTelemetry,
  cpuMicros,
  formatMicros as fmt,
  median,
  repoDir,
  rootRequire,
  runJsonChild,
} from './llm-bench-support.mjs';
import { fakeOpenAI } from './fake-openai.mjs';

const OPENAI_DIR = join(repoDir, 'test/versions/openai-6');

const PLAIN_CALLS = 2000;
const STREAM_CALLS = 160;
const STREAM_CHUNKS = 100;
const MICRO_CHUNKS = 200;
const MICRO_ROUNDS = 12;
/** Chunks in the streams that measure the cost per chunk. */
const MICRO_LONG_STREAM = 20_000;
const MICRO_PROCESSES = 5;

const VARIANTS = {
  baseline: { label: 'openai SDK alone (baseline)' },
  floor: { label: 'one bare span per call (floor: what any span costs here)' },
  'sprintlens-off': { label: 'sprintlens, content off' },
  'sprintlens-on': { label: 'sprintlens, content on' },
  'otel-off': { label: '@opentelemetry/instrumentation-openai, content off' },
  'otel-on': { label: '@opentelemetry/instrumentation-openai, content on' },
  'traceloop-off': { label: '@traceloop/instrumentation-openai, content off' },
  'traceloop-on': { label: '@traceloop/instrumentation-openai, content on' },
  'arize-off': { label: '@arizeai/openinference-instrumentation-openai, content off' },
  'arize-on': { label: '@arizeai/openinference-instrumentation-openai, content on' },
};

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--micro') {
  await micro({
    mode: process.argv[3],
    logs: process.argv[4] !== 'nologs',
    measure: process.argv[5] ?? 'call',
  });
} else if (process.argv[2] === '--micro-only') console.log(await microSection());
else if (process.argv[2] === '--e2e-only') await main(Number(process.argv[3] ?? 3), false);
else await main(Number(process.argv[2] ?? 3), true);

// ---------------------------------------------------------------- orchestrator

async function main(rounds, withMicro) {
  if (!existsSync(join(benchDir, 'node_modules/@opentelemetry/instrumentation-openai'))) {
    console.error('bench dependencies missing: run `npm run bench:setup` first');
    process.exit(1);
  }
  if (!existsSync(join(OPENAI_DIR, 'node_modules/openai'))) {
    console.error('openai 6 missing: run the test suite once (it installs test/versions)');
    process.exit(1);
  }
  const server = await startServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  // BENCH_VARIANTS=baseline,sprintlens-off limits the run (the baseline is always included).
  const only = process.env.BENCH_VARIANTS?.split(',');
  for (const name of Object.keys(VARIANTS)) {
    if (only !== undefined && name !== 'baseline' && !only.includes(name)) delete VARIANTS[name];
  }
  const results = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of Object.keys(VARIANTS)) {
      results[variant].push(await runChild(variant, url));
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  server.close();

  const summary = {};
  for (const [variant, runs] of Object.entries(results)) {
    summary[variant] = {
      plain: median(runs.map((r) => r.plainMicros)),
      stream: median(runs.map((r) => r.streamMicros)),
      plainOver: median(runs.map((r) => r.plainMicros - r.basePlain)),
      streamOver: median(runs.map((r) => r.streamMicros - r.baseStream)),
      perChunk: median(
        runs.map(
          (r) =>
            (r.streamMicros - r.baseStream - (r.stream1Micros - r.baseStream1)) /
            (STREAM_CHUNKS - 1),
        ),
      ),
      spans: runs[0].spans,
    };
  }
  const rows = [];
  for (const [variant, s] of Object.entries(summary)) {
    rows.push({
      variant,
      s,
      plainOver: s.plainOver,
      streamOver: s.streamOver,
      perChunk: s.perChunk,
    });
  }
  const ours = (name) => rows.find((r) => r.variant === name);
  const lines = [];
  lines.push(
    `| variant | CPU µs / plain call | added µs / plain call | CPU µs / streamed call (${STREAM_CHUNKS} chunks) | added µs / streamed call | added µs / chunk (marginal) | spans per run |`,
  );
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    lines.push(
      `| ${VARIANTS[r.variant].label} | ${fmt(r.s.plain)} | ${r.variant === 'baseline' ? '—' : fmt(r.plainOver)} | ${fmt(r.s.stream)} | ${r.variant === 'baseline' ? '—' : fmt(r.streamOver)} | ${r.variant === 'baseline' ? '—' : fmt(r.perChunk)} | ${r.s.spans} |`,
    );
  }
  lines.push('');
  lines.push('Added CPU per plain call, alternative ÷ sprintlens (same content setting):');
  lines.push('');
  lines.push('| alternative | content off | content on |');
  lines.push('|---|---|---|');
  for (const alt of ['otel', 'traceloop', 'arize']) {
    const ratio = (setting) => {
      const theirs = ours(`${alt}-${setting}`);
      const mine = ours(`sprintlens-${setting}`);
      return theirs === undefined || mine === undefined
        ? 'not run'
        : `${(theirs.plainOver / mine.plainOver).toFixed(1)}x`;
    };
    lines.push(`| ${alt} | ${ratio('off')} | ${ratio('on')} |`);
  }
  console.log(lines.join('\n'));
  console.log('');
  if (withMicro) console.log(await microSection());
}

// ---------------------------------------------------------------- hot path, no network

async function microSection() {
  const run = (mode, pipeline, measure) =>
    runJsonChild({
      name: `${mode} (${pipeline}, ${measure})`,
      script: fileURLToPath(import.meta.url),
      args: ['--micro', mode, pipeline, measure],
    });
  const modes = [
    'none',
    'span',
    'sprintlens-off',
    'sprintlens-nometrics',
    'sprintlens-on',
    'otel-off',
    'otel-on',
    'traceloop-off',
    'traceloop-on',
    'arize-off',
    'arize-on',
  ];
  // Per chunk is measured once, with the full pipeline (logs are per call, not per chunk).
  const runs = [
    ['logs', 'call'],
    ['nologs', 'call'],
    ['logs', 'chunk'],
  ];
  const results = {};
  for (const [pipeline, measure] of runs) {
    for (const mode of modes) results[`${pipeline}/${measure}/${mode}`] = [];
  }
  for (let round = 0; round < MICRO_PROCESSES; round++) {
    for (const [pipeline, measure] of runs) {
      for (const mode of modes) {
        results[`${pipeline}/${measure}/${mode}`].push(await run(mode, pipeline, measure));
      }
    }
  }
  const added = (pipeline, measure, mode) => {
    const of = (m) => median(results[`${pipeline}/${measure}/${m}`].map((r) => r[measure]));
    return of(mode) - of('none');
  };
  const cells = (mode) =>
    [
      added('logs', 'call', mode).toFixed(2),
      mode === 'span' ? '—' : added('logs', 'chunk', mode).toFixed(3),
      logsPerCall(mode),
      added('nologs', 'call', mode).toFixed(2),
    ].join(' | ');
  function logsPerCall(mode) {
    const r = results[`logs/call/${mode}`][0];
    return r.spans > 0 ? (r.logRecords / r.spans).toFixed(1) : '—';
  }
  const row = (mode, label) => `| ${label} | ${cells(mode)} |`;
  return [
    'Hot path without network: an in-process fake `create` returning an `APIPromise`-like and a',
    '`Stream`-like of JSON-parsed chunks. CPU µs added over the same fake uninstrumented; per call',
    `over plain calls, per chunk over streams of ${MICRO_LONG_STREAM} chunks (the call's own cost spread thin).`,
    `Calls and chunks in separate processes; per process the median of ${MICRO_ROUNDS} rounds, then the median`,
    `of ${MICRO_PROCESSES} processes. Pipeline: traces, metrics and logs, as \`NodeSDK\` and \`start()\` set up by`,
    'default; the last column without logs (traces and metrics only).',
    '',
    '| variant | µs / call | µs / chunk | log records / call | µs / call, no logs |',
    '|---|---|---|---|---|',
    row('span', 'one bare span (floor)'),
    row('sprintlens-off', 'sprintlens, content off'),
    row('sprintlens-nometrics', 'sprintlens, content off, metrics off'),
    row('sprintlens-on', 'sprintlens, content on'),
    row('otel-off', '@opentelemetry/instrumentation-openai, content off'),
    row('otel-on', '@opentelemetry/instrumentation-openai, content on'),
    row('traceloop-off', '@traceloop/instrumentation-openai, content off'),
    row('traceloop-on', '@traceloop/instrumentation-openai, content on'),
    row('arize-off', '@arizeai/openinference-instrumentation-openai, content off'),
    row('arize-on', '@arizeai/openinference-instrumentation-openai, content on'),
  ].join('\n');
}

/**
 * One variant in one process. `measure` is `call` (plain calls) or `chunk` (long streams): each
 * in its own processes, because very long streams change the heap the plain calls then run in.
 */
async function micro({ mode, logs, measure }) {
  const { tracerProvider, meterProvider, loggerProvider, exported } = benchTelemetry({ logs });
  const mod = fakeOpenAI();
  const Completions = mod.OpenAI.Chat.Completions;
  const tracer = tracerProvider.getTracer('floor');
  if (mode === 'span') {
    const original = Completions.prototype.create;
    Completions.prototype.create = function create(...args) {
      const span = tracer.startSpan('chat');
      const result = original.apply(this, args);
      result.then(() => span.end());
      return result;
    };
  } else if (mode.startsWith('sprintlens')) {
    const { OpenAIInstrumentation } = rootRequire('./dist/instrumentations/openai/index.js');
    const inst = new OpenAIInstrumentation({
      enabled: false,
      captureContent: mode === 'sprintlens-on',
      metrics: mode !== 'sprintlens-nometrics',
    });
    inst.setTracerProvider(tracerProvider);
    inst.setMeterProvider(meterProvider);
    if (loggerProvider !== undefined) inst.setLoggerProvider?.(loggerProvider);
    inst.getModuleDefinitions()[0].patch(mod, '7.0.0');
    // Enabled as in an app (it then holds the usage ledger its calls count into); the fake
    // module is never required, so the require hook this also sets patches nothing.
    inst.enable();
  } else if (mode !== 'none') {
    // An alternative, patched onto the same fake module through its own module definition.
    const require = createRequire(join(benchDir, 'package.json'));
    const [family, content] = mode.split('-');
    const on = content === 'on';
    const pkg = {
      otel: '@opentelemetry/instrumentation-openai',
      traceloop: '@traceloop/instrumentation-openai',
      arize: '@arizeai/openinference-instrumentation-openai',
    }[family];
    const config = {
      otel: { enabled: false, captureMessageContent: on },
      traceloop: { enabled: false, traceContent: on, enrichTokens: false },
      arize: { enabled: false, traceConfig: on ? {} : { hideInputs: true, hideOutputs: true } },
    }[family];
    const { OpenAIInstrumentation } = require(pkg);
    const inst = new OpenAIInstrumentation(config);
    inst.setTracerProvider(tracerProvider);
    inst.setMeterProvider(meterProvider);
    if (loggerProvider !== undefined) inst.setLoggerProvider?.(loggerProvider);
    const [definition] = [inst.init()].flat();
    definition.patch(mod, '6.49.0');
    // The contrib wrapper checks isEnabled() on every call; enabling for real would also hook
    // require(), which this fake module never goes through.
    inst._enabled = true;
  }
  const resource = new Completions();
  const messages = [{ role: 'user', content: 'Say hello to the benchmark.' }];
  // Every 64 calls the loop lets the event loop turn, as any app's I/O does: a loop of
  // microtasks alone never ends V8's job, and some of its bookkeeping waits for that.
  const cpu = async (n, fn) => {
    const start = process.cpuUsage();
    for (let i = 1; i <= n; i++) {
      await fn();
      if ((i & 63) === 0) await new Promise(setImmediate);
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  };
  const plain = () => resource.create({ model: 'gpt-4o-mini', messages, temperature: 0 });
  const stream = async (length) => {
    const s = await resource.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      bench_chunks: length,
    });
    for await (const chunk of s) void chunk;
  };
  const streamed = () => stream(MICRO_CHUNKS);
  // The JIT sees both kinds of call before anything is timed, as in an app.
  await cpu(20_000, plain);
  await cpu(200, streamed);
  // The median round is kept: a burst from another process moves one round, not the result.
  const rounds = [];
  for (let round = 0; round < MICRO_ROUNDS; round++) {
    if (measure === 'call') rounds.push(await cpu(5_000, plain));
    // Per chunk: a few very long streams, so the call's own cost (and the garbage it leaves)
    // is spread thin; the chunks' cost is what is left.
    else rounds.push((await cpu(5, () => stream(MICRO_LONG_STREAM))) / MICRO_LONG_STREAM);
  }
  await tracerProvider.forceFlush();
  await loggerProvider?.forceFlush();
  process.stdout.write(
    JSON.stringify({
      [measure]: median(rounds),
      // What the variant exported, to show it did its work (log records: events per message).
      spans: exported.spans,
      logRecords: exported.logRecords,
    }) + '\n',
  );
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await loggerProvider?.shutdown();
  process.exit(0);
}

function runChild(variant, url) {
  return runJsonChild({
    name: variant,
    script: fileURLToPath(import.meta.url),
    args: ['--child', variant, url],
  });
}

// A minimal OpenAI-format server: chat completions as JSON or SSE (`x-bench-chunks` chunks),
// with the usage chunk when `stream_options.include_usage` is set, as the real API does.
function startServer() {
  const reply = {
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello there.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 },
  };
  const replyText = JSON.stringify(reply);
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const request = JSON.parse(body);
      if (request.stream !== true) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(replyText),
        });
        res.end(replyText);
        return;
      }
      const n = Number(req.headers['x-bench-chunks'] ?? 10);
      const usage = request.stream_options?.include_usage === true;
      let text = '';
      for (let i = 0; i < n; i++) {
        text += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"w${i} "},"logprobs":null,"finish_reason":${i === n - 1 ? '"stop"' : 'null'}}]${usage ? ',"usage":null' : ''}}\n\n`;
      }
      if (usage) {
        text += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":${n},"total_tokens":${20 + n}}}\n\n`;
      }
      text += 'data: [DONE]\n\n';
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(text);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------- child

async function child(variant, url) {
  const require = createRequire(join(benchDir, 'package.json'));
  const { api, tracerProvider, meterProvider, loggerProvider, exported } = benchTelemetry();
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);

  const [family, content] = variant.split('-');
  const on = content === 'on';
  let instrumentation;
  if (family === 'sprintlens') {
    const { OpenAIInstrumentation } = rootRequire('./dist/instrumentations/openai/index.js');
    instrumentation = new OpenAIInstrumentation({ captureContent: on });
  } else if (family === 'otel') {
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
    instrumentation = new OpenAIInstrumentation({ captureMessageContent: on });
  } else if (family === 'traceloop') {
    const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
    instrumentation = new OpenAIInstrumentation({ traceContent: on, enrichTokens: false });
  } else if (family === 'arize') {
    const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
    instrumentation = new OpenAIInstrumentation({
      traceConfig: on ? {} : { hideInputs: true, hideOutputs: true },
    });
  }
  if (family === 'floor') {
    // Not an instrumentation: `create` wrapped to start and end one attribute-less span, the
    // cost every tracing instrumentation pays before doing anything of its own.
    const tracer = tracerProvider.getTracer('floor');
    let proto;
    let original;
    const wrapped = function create(...args) {
      const span = tracer.startSpan('chat');
      const result = original.apply(this, args);
      result.then(
        () => span.end(),
        () => span.end(),
      );
      return result;
    };
    instrumentation = {
      enable() {
        proto.create = wrapped;
      },
      disable() {
        proto.create = original;
      },
      attach(mod) {
        proto = mod.OpenAI.Chat.Completions.prototype;
        original = proto.create;
      },
    };
  } else if (instrumentation !== undefined) {
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
    if (loggerProvider !== undefined) instrumentation.setLoggerProvider?.(loggerProvider);
    instrumentation.enable();
  }
  // Required after enable(): the require hook patches it, as in a real app.
  const OpenAI = createRequire(join(OPENAI_DIR, 'package.json'))('openai');
  instrumentation?.attach?.(OpenAI);
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL: `${url}/v1`, maxRetries: 0 });
  const messages = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello to the benchmark.' },
  ];

  const plain = () =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages, temperature: 0 });
  const stream = async (chunks) => {
    const s = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { 'x-bench-chunks': String(chunks) } },
    );
    let n = 0;
    for await (const chunk of s) n += chunk.choices.length;
    return n;
  };

  // The instrumentation is switched off and on between batches of the same process (every
  // alternative supports disable()/enable() on a loaded module), so both sides share JIT state,
  // heap and connection pool: the difference is what the instrumentation costs.
  const toggle = (enabled) => {
    if (instrumentation === undefined) return;
    if (enabled) instrumentation.enable();
    else instrumentation.disable();
  };
  const totals = { plain: [0, 0], stream: [0, 0], stream1: [0, 0] };
  const counts = { plain: 0, stream: 0, stream1: 0 };
  const rounds = 8;
  for (let round = -1; round < rounds; round++) {
    for (const enabled of round % 2 === 0 ? [false, true] : [true, false]) {
      toggle(enabled);
      const side = enabled ? 1 : 0;
      const p = await cpuMicros(PLAIN_CALLS / rounds, plain);
      const s100 = await cpuMicros(STREAM_CALLS / rounds, () => stream(STREAM_CHUNKS));
      const s1 = await cpuMicros(STREAM_CALLS / rounds, () => stream(1));
      if (round < 0) continue; // warm-up round
      totals.plain[side] += p;
      totals.stream[side] += s100;
      totals.stream1[side] += s1;
      if (enabled) {
        counts.plain += PLAIN_CALLS / rounds;
        counts.stream += STREAM_CALLS / rounds;
        counts.stream1 += STREAM_CALLS / rounds;
      }
    }
  }
  toggle(true);
  const per = (key, side) => totals[key][side] / counts[key];
  const plainMicros = per('plain', 1);
  const streamMicros = per('stream', 1);
  const stream1Micros = per('stream1', 1);
  const basePlain = per('plain', 0);
  const baseStream = per('stream', 0);
  const baseStream1 = per('stream1', 0);
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await loggerProvider?.shutdown();
  process.stdout.write(
    JSON.stringify({
      variant,
      plainMicros,
      streamMicros,
      stream1Micros,
      basePlain,
      baseStream,
      baseStream1,
      spans: exported.spans,
    }) + '\n',
  );
}
