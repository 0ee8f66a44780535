// What instrumenting Amazon Bedrock Runtime costs, per call and per streamed chunk, over the
// uninstrumented @aws-sdk/client-bedrock-runtime, in one run, next to the alternatives that
// instrument it: @opentelemetry/instrumentation-aws-sdk and
// @arizeai/openinference-instrumentation-bedrock (@traceloop/instrumentation-bedrock is probed,
// not measured: see `--probe`).
//
// The real SDK runs end to end (middleware, SigV4 signing, serialisation, event-stream
// decoding with its CRC checks) with only the socket replaced: its `requestHandler` answers in
// process with canned Bedrock responses (JSON, or event-stream frames built by
// @smithy/eventstream-codec). So the figures are the SDK's and the instrumentation's own work,
// repeatable, without network noise. Every variant runs under the pipeline `NodeSDK` and
// `start()` set up by default (benchTelemetry: traces, metrics and logs into no-op exporters).
// Measures: a `Converse` call; a chunk of a long `ConverseStream` (events the SDK decodes to
// objects); a chunk of a long `InvokeModelWithResponseStream` (Claude events as JSON bytes,
// which an instrumentation has to decode itself).
//
// Modes:
//   (default)       CPU time: per variant `--processes` processes, interleaved with processes of
//                   the SDK alone; medians of rounds in each, then of the processes; added =
//                   variant − SDK alone.
//   --callgrind     instructions (valgrind --tool=callgrind, V8 --predictable): per variant and
//                   measure one process; warm-up, a full GC, then N operations between two
//                   markers callgrind zeroes and dumps at; added = variant − SDK alone.
//   --probe         what each instrumentation records for each operation, and whether the app
//                   still reads every event of its streams.
// Usage: npm run bench:setup && npm run build &&
//        node_modules/.bin/node bench/bedrock-overhead.mjs [--callgrind] [--probe]
//        [--processes 3] [--rounds 8] [--calls 400] [--chunks 4000] [--jobs 2] [--dist DIR]
// (`--dist DIR`: a copy of `dist/` to measure instead, so a rebuild during the run cannot pull
// the build from under it; put it where lint does not look and node_modules/ resolves, e.g.
// node_modules/.cache/sprintlens-dist.)
/* global setImmediate */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freemem, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  benchDir,
  benchTelemetry,
  median,
  repoDir,
  rootRequire,
  runJsonChild,
} from './llm-bench-support.mjs';

const args = parseArgs(process.argv.slice(2));
const SCRIPT = fileURLToPath(import.meta.url);
/** The sprintlens build measured: `--dist DIR` (a copy of `dist/`), default this checkout's. */
const DIST = args.dist === undefined ? join(repoDir, 'dist') : resolve(args.dist);
const benchRequire = createRequire(join(benchDir, 'package.json'));

const VARIANTS = {
  none: 'SDK alone (baseline)',
  floor: 'one bare span per call (floor: what any span costs here)',
  sprintlens: 'sprintlens, content off',
  'sprintlens-content': 'sprintlens, content on',
  otel: '@opentelemetry/instrumentation-aws-sdk',
  arize: '@arizeai/openinference-instrumentation-bedrock, content off',
};
const MEASURES = {
  call: 'Converse call',
  converse: 'ConverseStream chunk',
  invoke: 'InvokeModelWithResponseStream chunk',
};
/** Time mode: events per stream, and operations per round. */
const STREAM_EVENTS = 2000;
const CALLS_PER_ROUND = 400;
const STREAMS_PER_ROUND = 3;
const MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const MESSAGES = [{ role: 'user', content: [{ text: 'Say hello to the benchmark.' }] }];
const CLAUDE_BODY = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
});

if (args.child !== undefined) await child(args.child);
else if (args['probe-child'] !== undefined) await probeChild(args['probe-child']);
else if (args.count !== undefined) await countMode(args.count, args.measure, Number(args.n));
else if (args.probe === true) await probe();
else if (args.callgrind === true) await callgrindMode();
else await timeMode();

// ---------------------------------------------------------------- shared

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const name = list[i].replace(/^--/, '');
    const value = list[i + 1];
    if (value === undefined || value.startsWith('--')) out[name] = true;
    else {
      out[name] = value;
      i++;
    }
  }
  return out;
}

/** Canned Bedrock responses, built once per stream length. */
function responses() {
  const { EventStreamCodec } = rootRequire('@smithy/eventstream-codec');
  const { fromUtf8, toUtf8 } = benchRequire('@smithy/core/serde');
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const frame = (type, body) =>
    codec.encode({
      headers: {
        ':event-type': { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: fromUtf8(JSON.stringify(body)),
    });
  const usage = {
    inputTokens: 1000,
    outputTokens: 300,
    totalTokens: 1600,
    cacheReadInputTokens: 200,
    cacheWriteInputTokens: 100,
  };
  const converse = Buffer.from(
    JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text: 'Hello from the benchmark.' }] } },
      stopReason: 'end_turn',
      usage,
      metrics: { latencyMs: 10 },
    }),
  );
  const invoke = Buffer.from(
    JSON.stringify({
      id: 'msg_bench',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Hello from the benchmark.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1000, output_tokens: 300 },
    }),
  );
  const cache = new Map();
  const converseStream = (n) => {
    const frames = [frame('messageStart', { role: 'assistant' })];
    for (let i = 0; i < n - 3; i++) {
      frames.push(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: `w${i} ` } }));
    }
    frames.push(frame('messageStop', { stopReason: 'end_turn' }));
    frames.push(frame('metadata', { usage, metrics: { latencyMs: 10 } }));
    return Buffer.concat(frames);
  };
  const invokeStream = (n) => {
    const chunk = (body) =>
      frame('chunk', { bytes: Buffer.from(JSON.stringify(body)).toString('base64') });
    const frames = [
      chunk({
        type: 'message_start',
        message: {
          id: 'msg_bench',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5-20250929',
          content: [],
          usage: { input_tokens: 1000, output_tokens: 1 },
        },
      }),
      chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ];
    for (let i = 0; i < n - 5; i++) {
      frames.push(
        chunk({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: `w${i} ` },
        }),
      );
    }
    frames.push(chunk({ type: 'content_block_stop', index: 0 }));
    frames.push(
      chunk({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: { output_tokens: 300 },
      }),
    );
    frames.push(
      chunk({
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': { inputTokenCount: 1000, outputTokenCount: 300 },
      }),
    );
    return Buffer.concat(frames);
  };
  const streamOf = (kind, n) => {
    const key = `${kind}/${n}`;
    if (!cache.has(key)) cache.set(key, kind === 'converse' ? converseStream(n) : invokeStream(n));
    return cache.get(key);
  };
  return { converse, invoke, streamOf };
}

/**
 * The SDK's transport replaced: answers each request in process. Stream lengths are set on the
 * handler before each streamed call (`handler.events`).
 */
function fakeHandler() {
  const { HttpResponse } = benchRequire('@smithy/core/protocols');
  const canned = responses();
  const handler = {
    events: 10,
    metadata: { handlerProtocol: 'h2' },
    handle(request) {
      const operation = request.path.split('/')[3];
      const headers = { 'x-amzn-requestid': 'bench' };
      let body;
      if (operation === 'converse' || operation === 'invoke') {
        headers['content-type'] = 'application/json';
        body = operation === 'converse' ? canned.converse : canned.invoke;
      } else {
        headers['content-type'] = 'application/vnd.amazon.eventstream';
        body = canned.streamOf(
          operation === 'converse-stream' ? 'converse' : 'invoke',
          handler.events,
        );
      }
      return Promise.resolve({
        response: new HttpResponse({ statusCode: 200, headers, body: Readable.from([body]) }),
      });
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return handler;
}

/**
 * The instrumentation of `variant` (undefined for the SDK alone), enabled before the SDK is
 * required so its hooks patch the SDK as in an app; then the SDK and a client on the fake
 * transport, and one operation of each measure.
 */
function setUp(variant, telemetry) {
  let inst;
  if (variant === 'sprintlens' || variant === 'sprintlens-content') {
    const { BedrockInstrumentation } = rootRequire(join(DIST, 'instrumentations/bedrock/index.js'));
    inst = new BedrockInstrumentation({ captureContent: variant === 'sprintlens-content' });
  } else if (variant === 'otel') {
    const { AwsInstrumentation } = benchRequire('@opentelemetry/instrumentation-aws-sdk');
    inst = new AwsInstrumentation();
  } else if (variant === 'arize') {
    const { BedrockInstrumentation } = benchRequire(
      '@arizeai/openinference-instrumentation-bedrock',
    );
    inst = new BedrockInstrumentation({
      traceConfig: { hideInputs: true, hideOutputs: true },
    });
  } else if (variant === 'traceloop') {
    const { BedrockInstrumentation } = benchRequire('@traceloop/instrumentation-bedrock');
    inst = new BedrockInstrumentation({ traceContent: false });
  }
  if (inst !== undefined) {
    inst.setTracerProvider(telemetry.tracerProvider);
    inst.setMeterProvider(telemetry.meterProvider);
    if (telemetry.loggerProvider !== undefined) inst.setLoggerProvider?.(telemetry.loggerProvider);
    inst.enable();
  }
  // bench/'s copy: OpenInference's instrumentation recognises commands with `instanceof`
  // against the copy it resolves, which is this one (with any other copy it records nothing).
  const sdk = benchRequire('@aws-sdk/client-bedrock-runtime');
  if (variant === 'floor') {
    // Not an instrumentation: `send` wrapped to start and end one attribute-less span, the cost
    // every tracing instrumentation pays before doing anything of its own.
    const tracer = telemetry.tracerProvider.getTracer('floor');
    const original = sdk.BedrockRuntimeClient.prototype.send;
    sdk.BedrockRuntimeClient.prototype.send = function send(...sendArgs) {
      const span = tracer.startSpan('chat');
      const result = original.apply(this, sendArgs);
      result.then(
        () => span.end(),
        () => span.end(),
      );
      return result;
    };
  }
  const handler = fakeHandler();
  const client = new sdk.BedrockRuntimeClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret-key' },
    requestHandler: handler,
    maxAttempts: 1,
  });
  const read = async (stream) => {
    let n = 0;
    for await (const event of stream) {
      void event;
      n++;
    }
    return n;
  };
  return {
    call: () => client.send(new sdk.ConverseCommand({ modelId: MODEL, messages: MESSAGES })),
    converse: async (events) => {
      handler.events = events;
      const output = await client.send(
        new sdk.ConverseStreamCommand({ modelId: MODEL, messages: MESSAGES }),
      );
      return read(output.stream);
    },
    invoke: async (events) => {
      handler.events = events;
      const output = await client.send(
        new sdk.InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: CLAUDE_BODY }),
      );
      return read(output.body);
    },
    invokeOnce: () =>
      client.send(new sdk.InvokeModelCommand({ modelId: MODEL, body: CLAUDE_BODY })),
  };
}

/** `n` sequential awaited runs of `fn`, letting the event loop turn every 64 as an app's I/O does. */
async function loop(n, fn) {
  for (let i = 1; i <= n; i++) {
    await fn();
    if ((i & 63) === 0) await new Promise(setImmediate);
  }
}

async function cpu(n, fn) {
  const start = process.cpuUsage();
  await loop(n, fn);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function checkSetup() {
  if (!existsSync(join(benchDir, 'node_modules/@opentelemetry/instrumentation-aws-sdk'))) {
    console.error('bench dependencies missing: run `npm run bench:setup` first');
    process.exit(1);
  }
  if (!existsSync(join(DIST, 'instrumentations/bedrock/index.js'))) {
    console.error(`build missing in ${DIST}: run \`npm run build\` first`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------- CPU time

/**
 * Per variant `--processes` processes, interleaved with processes of the SDK alone: switching an
 * instrumentation off and on inside one process is not reliable for all of them
 * (OpenTelemetry's aws-sdk instrumentation patches each client's middleware stack for good, and
 * stays wrapped after enable, disable, enable). Added = median of the variant's processes −
 * median of the SDK alone's.
 */
async function timeMode() {
  checkSetup();
  const processes = Number(args.processes ?? 5);
  const variants = Object.keys(VARIANTS);
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  for (let p = 0; p < processes; p++) {
    // Rotated so no variant always runs right after the same one.
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + p) % variants.length];
      results[variant].push(
        await runJsonChild({
          name: variant,
          script: SCRIPT,
          args: ['--child', variant, '--rounds', String(args.rounds ?? 8), '--dist', DIST],
        }),
      );
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  const m = (variant, key) => median(results[variant].map((r) => r[key]));
  const lines = [
    `CPU time (Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end): per variant ${processes} processes interleaved with the SDK alone's; in each, the median of ${args.rounds ?? 8} rounds of ${CALLS_PER_ROUND} calls and of ${STREAMS_PER_ROUND} streams of ${STREAM_EVENTS} events; then the median of the processes. Added = variant − SDK alone.`,
    '',
    `| variant | µs / ${MEASURES.call} | added | µs / ${MEASURES.converse} | added | µs / ${MEASURES.invoke} | added | spans / process |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const variant of variants) {
    const cells = ['call', 'converse', 'invoke'].flatMap((key) => {
      const value = m(variant, key);
      const digits = key === 'call' ? 1 : 3;
      return [
        value.toFixed(digits),
        variant === 'none' ? '—' : (value - m('none', key)).toFixed(digits),
      ];
    });
    lines.push(`| ${VARIANTS[variant]} | ${cells.join(' | ')} | ${results[variant][0].spans} |`);
  }
  console.log(lines.join('\n'));
}

/** One variant, on all along: CPU per call and per streamed event, medians of the rounds. */
async function child(variant) {
  const telemetry = benchTelemetry();
  const v = setUp(variant, telemetry);
  const rounds = Number(args.rounds ?? 8);
  // Warm-up: the JIT sees every path before anything is timed.
  await loop(2_000, v.call);
  await loop(20, () => v.converse(STREAM_EVENTS));
  await loop(20, () => v.invoke(STREAM_EVENTS));
  const per = { call: [], converse: [], invoke: [] };
  for (let round = 0; round < rounds; round++) {
    per.call.push((await cpu(CALLS_PER_ROUND, v.call)) / CALLS_PER_ROUND);
    for (const kind of ['converse', 'invoke']) {
      // Per chunk: long streams, so the call's own cost is spread thin.
      const micros = await cpu(STREAMS_PER_ROUND, () => v[kind](STREAM_EVENTS));
      per[kind].push(micros / (STREAMS_PER_ROUND * STREAM_EVENTS));
    }
  }
  await telemetry.tracerProvider.forceFlush();
  const result = {
    variant,
    call: median(per.call),
    converse: median(per.converse),
    invoke: median(per.invoke),
    spans: telemetry.exported.spans,
  };
  await telemetry.tracerProvider.shutdown();
  await telemetry.meterProvider.shutdown();
  await telemetry.loggerProvider?.shutdown();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

// ---------------------------------------------------------------- instructions, callgrind

/**
 * One process under callgrind: warm-up, a full GC, then `n` calls or one stream of `n` events
 * between two markers callgrind watches for (`os.loadavg()` zeroes its counters, `os.freemem()`
 * dumps them), so the dump holds exactly the measured operations, the GC work they cause
 * included. Nothing may depend on the clock (callgrind slows it 50-fold): batches of spans and
 * log records leave when full, never on a timer.
 */
async function countMode(variant, measure, n) {
  const telemetry = benchTelemetry({ scheduledDelayMillis: 2 ** 30 });
  const v = setUp(variant, telemetry);
  await loop(300, v.call);
  await loop(5, () => v.converse(n));
  await loop(5, () => v.invoke(n));
  globalThis.gc?.();
  loadavg();
  if (measure === 'call') await loop(n, v.call);
  else await v[measure](n);
  freemem();
  await telemetry.tracerProvider.forceFlush();
  process.exit(0);
}

function runCallgrind(variant, measure, n, dir) {
  const out = join(dir, `${variant}-${measure}.out`);
  const argv = [
    '--tool=callgrind',
    `--callgrind-out-file=${out}`,
    '--zero-before=*GetLoadAvg*',
    '--dump-before=*GetFreeMemory*',
    process.execPath,
    '--expose-gc',
    '--predictable',
    '--predictable-gc-schedule',
    SCRIPT,
    ...['--count', variant, '--measure', measure, '--n', String(n), '--dist', DIST],
  ];
  return new Promise((resolvePromise, reject) => {
    const proc = spawn('valgrind', argv, {
      env: { ...process.env, OTEL_LOG_LEVEL: 'none' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const dump = `${out}.1`;
      const match = existsSync(dump) ? /^summary: (\d+)$/m.exec(readFileSync(dump, 'utf8')) : null;
      if (code !== 0 || match === null) {
        reject(new Error(`callgrind ${variant} ${measure} exited ${code}: ${err.slice(-2000)}`));
        return;
      }
      resolvePromise(Number(match[1]));
    });
  });
}

async function callgrindMode() {
  checkSetup();
  const calls = Number(args.calls ?? 400);
  const chunks = Number(args.chunks ?? 4_000);
  const jobs = Number(args.jobs ?? 2);
  const variants = Object.keys(VARIANTS).filter((v) => v !== 'sprintlens-content');
  const tasks = [];
  for (const variant of variants) {
    for (const measure of Object.keys(MEASURES)) {
      tasks.push({ variant, measure, n: measure === 'call' ? calls : chunks });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sl-bedrock-callgrind-'));
  const per = new Map();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      const started = Date.now();
      const total = await runCallgrind(task.variant, task.measure, task.n, dir);
      per.set(`${task.variant}/${task.measure}`, total / task.n);
      process.stderr.write(
        `${task.variant} ${task.measure} ×${task.n}: ${total} instructions (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = [
    `Instructions (callgrind Ir, Node ${process.version} --predictable) per operation: ${calls} Converse calls, or one stream of ${chunks} events, after warm-up; added = variant − SDK alone.`,
    '',
    `| variant | instructions / ${MEASURES.call} | added | instructions / ${MEASURES.converse} | added | instructions / ${MEASURES.invoke} | added |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const variant of variants) {
    const cells = Object.keys(MEASURES).flatMap((measure) => {
      const value = per.get(`${variant}/${measure}`);
      const base = per.get(`none/${measure}`);
      return [value.toFixed(0), variant === 'none' ? '—' : (value - base).toFixed(0)];
    });
    lines.push(`| ${VARIANTS[variant]} | ${cells.join(' | ')} |`);
  }
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------- what each one records

/** Each variant in its own process: one call of each operation, what it exported. */
async function probe() {
  checkSetup();
  const variants = ['sprintlens', 'otel', 'arize', 'traceloop'];
  const lines = [
    'What each instrumentation records with the installed SDK (one call of each operation; "events read" is what the app got of a 50-event stream):',
    '',
    '| instrumentation | Converse | ConverseStream | InvokeModel | InvokeModelWithResponseStream |',
    '|---|---|---|---|---|',
  ];
  for (const variant of variants) {
    const result = await runJsonChild({
      name: `probe ${variant}`,
      script: SCRIPT,
      args: ['--probe-child', variant, '--dist', DIST],
    });
    lines.push(`| ${variant} | ${result.cells.join(' | ')} |`);
  }
  console.log(lines.join('\n'));
}

async function probeChild(variant) {
  const spans = [];
  const telemetry = benchTelemetry({ onSpans: (batch) => spans.push(...batch) });
  const v = setUp(variant, telemetry);
  const describe = async (run) => {
    spans.length = 0;
    let read;
    try {
      read = await run();
    } catch (error) {
      read = `threw ${error.constructor.name}`;
    }
    await telemetry.tracerProvider.forceFlush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await telemetry.tracerProvider.forceFlush();
    const llm = spans.filter((s) =>
      Object.keys(s.attributes).some((k) => k.startsWith('gen_ai') || k.startsWith('llm')),
    );
    const usage = llm.some(
      (s) =>
        s.attributes['gen_ai.usage.input_tokens'] !== undefined ||
        s.attributes['llm.token_count.prompt'] !== undefined,
    );
    const cache = llm.some(
      (s) =>
        s.attributes['gen_ai.usage.cache_read.input_tokens'] !== undefined ||
        s.attributes['llm.token_count.prompt_details.cache_read'] !== undefined,
    );
    return [
      `${llm.length} span${llm.length === 1 ? '' : 's'}`,
      usage ? `usage${cache ? ' + cache' : ''}` : 'no usage',
      typeof read === 'number' ? `${read}/50 events read` : read,
    ]
      .filter((x) => x !== undefined)
      .join(', ');
  };
  const cells = [
    await describe(async () => void (await v.call())),
    await describe(() => v.converse(50)),
    await describe(async () => void (await v.invokeOnce())),
    await describe(() => v.invoke(50)),
  ];
  process.stdout.write(JSON.stringify({ cells }) + '\n');
  process.exit(0);
}
