// CPU time per Anthropic call, side by side in one run, with @anthropic-ai/sdk 1.12 (which traces
// itself when a global tracer provider is registered):
//   baseline      the SDK alone, its tracing off (`openTelemetry: false`)
//   sdk-self      the SDK's own span (global provider registered, sprintlens not loaded)
//   sprintlens    sprintlens's span (the SDK's own is suppressed for instrumented calls)
// once with content capture off, once on (SDK: `contentMode: 'content'`). The three modes are
// interleaved in one process per content setting (same JIT state, heap and connection pool),
// against a local Anthropic-format server living in the parent process. Same pipeline for all
// (see benchTelemetry): traces, metrics and logs into no-op exporters, AsyncLocalStorage
// context. A forced GC before each batch. Medians over rounds.
// Usage: npx tsc -p tsconfig.build.json && node_modules/.bin/node bench/anthropic-overhead.mjs [rounds]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  benchTelemetry,
  cpuMicros,
  formatMicros as fmt,
  median,
  repoDir,
  rootRequire,
  runJsonChild,
} from './llm-bench-support.mjs';

const PLAIN_CALLS = 1600;
const STREAM_CALLS = 160;
const STREAM_DELTAS = 100;
const MODES = ['baseline', 'sdk-self', 'sprintlens'];
const LABELS = {
  baseline: 'SDK alone, its tracing off (baseline)',
  'sdk-self': "SDK's own span (self-tracing)",
  sprintlens: 'sprintlens span (SDK span suppressed)',
};

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main(Number(process.argv[2] ?? 3));

async function main(rounds) {
  const server = await startServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  const lines = [];
  for (const content of ['off', 'on']) {
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      runs.push(await runChild(content, url));
      process.stderr.write('.');
    }
    lines.push(`### content capture ${content}`, '');
    lines.push(
      `| mode | CPU µs / plain call | added µs / plain call | CPU µs / streamed call (${STREAM_DELTAS} deltas) | added µs / streamed call | spans per mode |`,
    );
    lines.push('|---|---|---|---|---|---|');
    const summary = {};
    for (const mode of MODES) {
      const plain = median(runs.map((r) => r[mode].plain));
      const stream = median(runs.map((r) => r[mode].stream));
      const plainOver = median(runs.map((r) => r[mode].plain - r.baseline.plain));
      const streamOver = median(runs.map((r) => r[mode].stream - r.baseline.stream));
      summary[mode] = { plainOver, streamOver };
      const dash = mode === 'baseline';
      lines.push(
        `| ${LABELS[mode]} | ${fmt(plain)} | ${dash ? '—' : fmt(plainOver)} | ${fmt(stream)} | ${dash ? '—' : fmt(streamOver)} | ${runs[0][mode].spans} |`,
      );
    }
    lines.push('');
    lines.push(
      `Added CPU, sprintlens ÷ SDK self-tracing: plain ${(summary.sprintlens.plainOver / summary['sdk-self'].plainOver).toFixed(2)}x, streamed ${(summary.sprintlens.streamOver / summary['sdk-self'].streamOver).toFixed(2)}x`,
      '',
    );
  }
  process.stderr.write('\n');
  server.close();
  console.log(lines.join('\n'));
}

async function child(content, url) {
  const { api, tracerProvider, meterProvider, loggerProvider, exported } = benchTelemetry();
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);

  const sdk = rootRequire('@anthropic-ai/sdk');
  const version = JSON.parse(
    readFileSync(join(repoDir, 'node_modules/@anthropic-ai/sdk/package.json'), 'utf8'),
  ).version;
  const { AnthropicInstrumentation } = rootRequire('./dist/instrumentations/anthropic/index.js');
  const instrumentation = new AnthropicInstrumentation({
    enabled: false,
    captureContent: content === 'on',
  });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  if (loggerProvider !== undefined) instrumentation.setLoggerProvider?.(loggerProvider);
  const definition = instrumentation.getModuleDefinitions()[0];

  const options = { apiKey: 'sk-ant-bench', baseURL: url, maxRetries: 0 };
  const untraced = new sdk.Anthropic({ ...options, openTelemetry: false });
  const traced = new sdk.Anthropic({
    ...options,
    openTelemetry: content === 'on' ? { traces: { contentMode: 'content' } } : undefined,
  });
  const body = {
    model: 'claude-haiku-4-5',
    max_tokens: 256,
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
  };
  const plain = (client) => client.messages.create(body);
  const stream = async (client) => {
    const s = await client.messages.create({ ...body, stream: true });
    let n = 0;
    for await (const event of s) if (event.type === 'content_block_delta') n++;
    return n;
  };
  const setMode = (mode) => {
    if (mode === 'sprintlens') definition.patch(sdk, version);
    else definition.unpatch(sdk, version);
    return mode === 'baseline' ? untraced : traced;
  };

  const batches = 8;
  const result = Object.fromEntries(MODES.map((m) => [m, { plain: 0, stream: 0, spans: 0 }]));
  for (let batch = -1; batch < batches; batch++) {
    // Rotate the order so no mode always runs first.
    const order = MODES.map((_, i) => MODES[(i + Math.max(batch, 0)) % MODES.length]);
    for (const mode of order) {
      const client = setMode(mode);
      await tracerProvider.forceFlush();
      // Collect now so one mode's garbage is not paid for during the next mode's batch.
      globalThis.gc();
      const before = exported.spans;
      const p = await cpuMicros(PLAIN_CALLS / batches, () => plain(client));
      const s = await cpuMicros(STREAM_CALLS / batches, () => stream(client));
      await tracerProvider.forceFlush();
      if (batch < 0) continue; // warm-up
      result[mode].plain += p / PLAIN_CALLS;
      result[mode].stream += s / STREAM_CALLS;
      result[mode].spans += exported.spans - before;
    }
  }
  definition.unpatch(sdk, version);
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await loggerProvider?.shutdown();
  process.stdout.write(JSON.stringify(result) + '\n');
}

function runChild(content, url) {
  return runJsonChild({
    name: 'child',
    script: fileURLToPath(import.meta.url),
    args: ['--child', content, url],
    nodeOptions: ['--expose-gc'],
  });
}

// A minimal Anthropic-format server: a message as JSON, or as SSE with STREAM_DELTAS deltas.
function startServer() {
  const usage = {
    input_tokens: 1000,
    output_tokens: 300,
    cache_read_input_tokens: 200,
    cache_creation_input_tokens: 100,
  };
  const message = {
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content: [{ type: 'text', text: 'Hello from the benchmark server.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };
  const json = JSON.stringify(message);
  const sse = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  let streamed = sse('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  streamed += sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < STREAM_DELTAS; i++) {
    streamed += sse('content_block_delta', {
      index: 0,
      delta: { type: 'text_delta', text: `word${i} ` },
    });
  }
  streamed += sse('content_block_stop', { index: 0 });
  streamed += sse('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 300 },
  });
  streamed += sse('message_stop', {});
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      if (JSON.parse(raw).stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(streamed);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(json);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
